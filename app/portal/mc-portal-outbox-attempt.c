/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-portal"

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "mc-portal-client.h"
#include "mc-portal-error.h"
#include "mc-portal-outbox-private.h"
#include "mc-portal-package.h"
#include "mc-portal-token.h"

/* One attempt at sending an item over HTTP, and what is written down
 * after it; stopping an attempt; sending in the foreground (motcua-tool). */

gboolean
mc_portal_outbox_cancel (McPortalOutbox *self,
                         gint64          id)
{
  InFlight *f;
  gboolean found = FALSE;

  g_return_val_if_fail (MC_IS_PORTAL_OUTBOX (self), FALSE);

  g_mutex_lock (&self->lock);
  if ((f = g_hash_table_lookup (self->in_flight, &id)) != NULL)
    {
      f->by_clerk = TRUE;
      g_cancellable_cancel (f->cancellable);
      found = TRUE;
    }
  g_mutex_unlock (&self->lock);
  return found;
}

/* ---- One attempt ------------------------------------------------------- */

typedef struct {
  McPortalOutbox *self;
  gint64          id;
} ProgressData;

static void
on_progress (guint64  sent,
             guint64  total,
             gpointer user_data)
{
  ProgressData *p = user_data;

  mc_portal_outbox_emit (p->self, (Emission) { .signal = PROGRESS, .id = p->id, .sent = sent, .total = total });
}

static void
cancel_item (GCancellable *stop,
             GCancellable *item_cancellable)
{
  g_cancellable_cancel (item_cancellable);
}

static McPortalReceipt *
send_item (McPortalOutbox       *self,
           const McOutboxItem   *item,
           const McPortalConfig *config,
           const char           *token_override,
           gint64               *retry_after_us,
           GCancellable         *cancellable,
           GError              **error)
{
  g_autoptr(McPortalPackage) package = NULL;
  g_autoptr(McPortalClient) client = NULL;
  ProgressData progress = { self, item->id };
  char *token;

  *retry_after_us = -1;
  token = token_override != NULL ? g_strdup (token_override)
                                 : mc_portal_token_lookup (item->endpoint, cancellable, error);
  if (token == NULL)
    return NULL;

  /* Checked again at every attempt: the folder may have been purged or
   * changed since it was queued. */
  package = mc_portal_package_load (item->package_dir, cancellable, error);
  if (package != NULL && g_strcmp0 (mc_portal_package_get_visit_id (package), item->visit_id) != 0)
    {
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_PACKAGE,
                   _("The folder %s now holds the package of another visit. Package the visit again."),
                   item->package_dir);
      g_clear_pointer (&package, mc_portal_package_unref);
    }
  if (package != NULL)
    client = mc_portal_client_new (item->endpoint, token, config, error);
  mc_portal_token_free (token);
  if (client == NULL)
    return NULL;

  return mc_portal_client_submit (client, package, on_progress, &progress, retry_after_us, cancellable, error);
}

/* Writes down how one attempt at item @id went, and says which outcome
 * it was: sent, stopped, to be retried, or failed. */
static AttemptResult
record_outcome (McPortalOutbox   *self,
                gint64            id,
                McOutboxItem     *item,
                McPortalConfig   *config,
                McPortalReceipt  *receipt,
                gboolean          by_clerk,
                gint64            retry_after_us,
                GError          **send_error,
                GError          **local_error)
{
  AttemptResult result;
  gint64 now;

  now = g_get_real_time ();
  g_mutex_lock (&self->db_lock);
  if (receipt != NULL)
    {
      result = ATTEMPT_SENT;
      if (!mc_portal_outbox_run (self, local_error,
                                 "UPDATE outbox SET state = 'sent', receipt = ?2, received_at = ?3, http_status = ?4,"
                                 " updated_at = ?5, last_error = NULL, error_code = NULL WHERE id = ?1",
                                 "issii", id, receipt->receipt, receipt->received_at, (gint64) receipt->http_status, now))
        result = ATTEMPT_ERROR;
    }
  else if (g_error_matches (*send_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && by_clerk)
    {
      result = ATTEMPT_FAILED;
      g_clear_error (send_error);
      g_set_error_literal (send_error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_CANCELLED,
                           _("Sending was stopped. Send it again when ready: the portal files a visit only once."));
      if (!mc_portal_outbox_run (self, local_error,
                                 "UPDATE outbox SET state = 'failed', updated_at = ?2, last_error = ?3, error_code = ?4 WHERE id = ?1",
                                 "iisi", id, now, (*send_error)->message, (gint64) (*send_error)->code))
        result = ATTEMPT_ERROR;
    }
  else if (g_error_matches (*send_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The program is closing, or the clerk interrupted motcua-tool:
       * the item waits, due at once, for the next sender. */
      result = ATTEMPT_STOPPED;
      if (!mc_portal_outbox_run (self, local_error,
                                 "UPDATE outbox SET state = 'queued', updated_at = ?2, next_attempt_at = ?2 WHERE id = ?1",
                                 "ii", id, now))
        result = ATTEMPT_ERROR;
    }
  else if (mc_portal_error_is_transient (*send_error))
    {
      gint64 delay = mc_portal_config_retry_delay_us (config, item->attempts, retry_after_us);

      result = ATTEMPT_RETRY;
      g_debug ("outbox: item %" G_GINT64_FORMAT " again in %.1f s", id, delay / 1e6);
      if (!mc_portal_outbox_run (self, local_error,
                                 "UPDATE outbox SET state = 'queued', updated_at = ?2, next_attempt_at = ?3,"
                                 " last_error = ?4, error_code = ?5 WHERE id = ?1",
                                 "iiisi", id, now, now + delay, (*send_error)->message, (gint64) (*send_error)->code))
        result = ATTEMPT_ERROR;
    }
  else
    {
      result = ATTEMPT_FAILED;
      if (!mc_portal_outbox_run (self, local_error,
                                 "UPDATE outbox SET state = 'failed', updated_at = ?2, last_error = ?3, error_code = ?4 WHERE id = ?1",
                                 "iisi", id, now, (*send_error)->message,
                                 (gint64) ((*send_error)->domain == MC_PORTAL_ERROR ? (*send_error)->code : MC_PORTAL_ERROR_FAILED)))
        result = ATTEMPT_ERROR;
    }
  g_mutex_unlock (&self->db_lock);

  return result;
}

AttemptResult
mc_portal_outbox_attempt (McPortalOutbox  *self,
                          gint64           id,
                          GCancellable    *stop,
                          GError         **error)
{
  g_autoptr(McOutboxItem) item = NULL;
  g_autoptr(McPortalConfig) config = NULL;
  g_autoptr(McPortalReceipt) receipt = NULL;
  g_autoptr(GError) send_error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *token = NULL;
  GError *local_error = NULL;
  AttemptResult result;
  InFlight *f;
  gboolean by_clerk = FALSE;
  gint64 retry_after_us = -1;
  gint64 now;
  gulong handler = 0;
  int fd;

  if ((fd = mc_portal_outbox_lock_item (self, id)) < 0)
    return ATTEMPT_BUSY;

  /* With the lock held, the row is ours to change. A row still marked
   * “sending” is one whose sender died: it goes again, as is. */
  g_mutex_lock (&self->db_lock);
  item = mc_portal_outbox_select_one (self, "id = ?1", id, NULL, &local_error);
  if (item != NULL && (item->state == MC_OUTBOX_QUEUED || item->state == MC_OUTBOX_SENDING))
    {
      now = g_get_real_time ();
      if (!mc_portal_outbox_run (self, &local_error,
                                 "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?2,"
                                 " next_attempt_at = ?2 WHERE id = ?1",
                                 "ii", id, now))
        g_clear_pointer (&item, mc_outbox_item_free);
      else
        item->attempts++;
    }
  g_mutex_unlock (&self->db_lock);

  if (local_error != NULL)
    {
      close (fd);
      g_propagate_error (error, local_error);
      return ATTEMPT_ERROR;
    }
  if (item == NULL || (item->state != MC_OUTBOX_QUEUED && item->state != MC_OUTBOX_SENDING))
    {
      close (fd);
      return ATTEMPT_GONE;
    }
  mc_portal_outbox_emit_changed (self, id);

  g_mutex_lock (&self->lock);
  config = mc_portal_config_copy (self->config);
  token = g_strdup (self->token);
  f = g_new0 (InFlight, 1);
  f->cancellable = g_object_ref (cancellable);
  g_hash_table_insert (self->in_flight, g_memdup2 (&id, sizeof id), f);
  g_mutex_unlock (&self->lock);

  if (stop != NULL)
    handler = g_cancellable_connect (stop, G_CALLBACK (cancel_item), cancellable, NULL);

  g_debug ("outbox: attempt %u of item %" G_GINT64_FORMAT, item->attempts, id);
  receipt = send_item (self, item, config, token, &retry_after_us, cancellable, &send_error);
  if (token != NULL)
    memset (token, 0, strlen (token));

  if (handler != 0)
    g_cancellable_disconnect (stop, handler);
  g_mutex_lock (&self->lock);
  if ((f = g_hash_table_lookup (self->in_flight, &id)) != NULL)
    by_clerk = f->by_clerk;
  g_hash_table_remove (self->in_flight, &id);
  g_mutex_unlock (&self->lock);

  result = record_outcome (self, id, item, config, receipt, by_clerk, retry_after_us,
                           &send_error, &local_error);
  close (fd);

  if (result == ATTEMPT_ERROR)
    {
      g_propagate_error (error, local_error);
      return result;
    }

  mc_portal_outbox_emit_changed (self, id);
  if (result == ATTEMPT_SENT)
    mc_portal_outbox_emit (self, (Emission) { .signal = ITEM_SENT, .id = id, .visit_id = g_strdup (item->visit_id),
                                              .text1 = g_strdup (receipt->receipt), .text2 = g_strdup (receipt->received_at) });
  else if (result == ATTEMPT_FAILED)
    mc_portal_outbox_emit (self, (Emission) { .signal = ITEM_FAILED, .id = id, .visit_id = g_strdup (item->visit_id),
                                              .text1 = g_strdup (send_error->message),
                                              .code = send_error->domain == MC_PORTAL_ERROR ? send_error->code : MC_PORTAL_ERROR_FAILED });
  return result;
}

/* ---- Foreground send --------------------------------------------------- */

/* Sleeps @us or until @cancellable is cancelled; FALSE if it was. */
static gboolean
sleep_cancellable (gint64        us,
                   GCancellable *cancellable)
{
  GPollFD pfd;

  if (us <= 0)
    return !g_cancellable_is_cancelled (cancellable);
  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &pfd))
    {
      g_poll (&pfd, 1, (int) MIN ((us + 999) / 1000, G_MAXINT));
      g_cancellable_release_fd (cancellable);
    }
  else
    g_usleep ((gulong) us);
  return !g_cancellable_is_cancelled (cancellable);
}

McOutboxItem *
mc_portal_outbox_send (McPortalOutbox  *self,
                       gint64           id,
                       guint            max_attempts,
                       GCancellable    *cancellable,
                       GError         **error)
{
  guint made = 0;

  g_return_val_if_fail (MC_IS_PORTAL_OUTBOX (self), NULL);

  if (max_attempts == 0)
    {
      g_mutex_lock (&self->lock);
      max_attempts = MAX (self->config->max_attempts, 1);
      g_mutex_unlock (&self->lock);
    }

  for (;;)
    {
      g_autoptr(McOutboxItem) item = NULL;
      AttemptResult result;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !(item = mc_portal_outbox_lookup (self, id, error)))
        return NULL;
      if (item->state == MC_OUTBOX_SENT || item->state == MC_OUTBOX_FAILED || made >= max_attempts)
        return g_steal_pointer (&item);

      /* The first attempt goes now, whatever the schedule says: the
       * caller asked for it. Later ones wait their turn. */
      if (made > 0 && !sleep_cancellable (item->next_attempt_us - g_get_real_time (), cancellable))
        continue;

      result = mc_portal_outbox_attempt (self, id, cancellable, error);
      switch (result)
        {
        case ATTEMPT_ERROR:
          return NULL;
        case ATTEMPT_BUSY:
          /* Another process is sending it: wait for it to finish. */
          sleep_cancellable (G_USEC_PER_SEC / 4, cancellable);
          break;
        case ATTEMPT_RETRY:
          made++;
          break;
        case ATTEMPT_STOPPED:
        case ATTEMPT_SENT:
        case ATTEMPT_FAILED:
        case ATTEMPT_GONE:
        default:
          break;
        }
    }
}
