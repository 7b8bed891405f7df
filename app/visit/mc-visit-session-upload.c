/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-visit-session"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-portal-error.h"
#include "mc-visit-filing.h"
#include "mc-visit-session-private.h"

/* The upload of the package through the outbox: what the clerk is told
 * of it, and the receipt it brings back. */

/* ---- upload through the portal's API -------------------------------------------------- */

static void
upload_changed (McVisitSession *self)
{
  _mc_visit_session_update_upload_status (self);
  g_signal_emit_by_name (self, "upload-changed");
}

static char *
dup_endpoint (McVisitSession *self)
{
  g_autofree char *endpoint = g_settings_get_string (self->settings, "portal-api-endpoint");

  g_strstrip (endpoint);
  return *endpoint != '\0' ? g_steal_pointer (&endpoint) : NULL;
}

gboolean
mc_visit_session_upload_active (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return self->item != NULL &&
         (self->item->state == MC_OUTBOX_QUEUED || self->item->state == MC_OUTBOX_SENDING);
}

gboolean
mc_visit_session_upload_offered (McVisitSession *self)
{
  g_autofree char *endpoint = NULL;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  endpoint = dup_endpoint (self);
  return endpoint != NULL;
}

gboolean
mc_visit_session_has_outbox (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return self->outbox != NULL;
}

gboolean
mc_visit_session_is_enqueuing (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return self->enqueuing;
}

/* Failed, and the visit not filed another way meanwhile. */
gboolean
mc_visit_session_upload_failed (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return self->item != NULL && self->item->state == MC_OUTBOX_FAILED &&
         mc_visit_get_state (self->visit) < MC_VISIT_HANDED_OFF;
}

gboolean
mc_visit_session_can_upload (McVisitSession *self)
{
  g_autofree char *unsigned_why = NULL;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  if (!(self->outbox != NULL && mc_visit_session_upload_offered (self) && !self->enqueuing &&
        !mc_visit_session_upload_active (self) && !self->recording &&
        mc_visit_get_state (self->visit) == MC_VISIT_PACKAGED))
    return FALSE;
  unsigned_why = mc_visit_session_dup_unsigned_reason (self);
  return unsigned_why == NULL;
}

gboolean
mc_visit_session_can_retry_upload (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return mc_visit_session_upload_failed (self) && mc_visit_get_state (self->visit) == MC_VISIT_PACKAGED;
}

static void
set_item (McVisitSession *self,
          McOutboxItem   *item)
{
  if (self->item == NULL || item == NULL || self->item->id != item->id)
    self->upload_sent = self->upload_total = 0;
  g_clear_pointer (&self->item, mc_outbox_item_free);
  self->item = item;
}

/* The portal gave its receipt: the visit takes it and is recorded. */
static void
take_receipt (McVisitSession *self,
              const char     *receipt)
{
  g_autoptr(GError) error = NULL;

  if (!mc_visit_take_portal_receipt (self->visit, receipt, &error))
    {
      mc_visit_session_set_message (self, error->message, TRUE);
      _mc_visit_session_changed (self);
      return;
    }
  mc_visit_session_set_message (self, NULL, FALSE);
  _mc_visit_session_record_filing (self);
  _mc_visit_session_changed (self);
}

static void
show_failure (McVisitSession *self,
              const char     *reason)
{
  g_autofree char *button = _mc_visit_session_strip_mnemonic (_("_Try Again"));
  /* Translators: %s is why, then the button's label */
  g_autofree char *text = g_strdup_printf (_("The filing was not sent. %s\nWhen that is put right, press “%s”, or file it in the browser below."),
                                           reason, button);

  mc_visit_session_set_message (self, text, TRUE);
}

/* What the clerk is told of the upload, from the item as the outbox has it. */
void
_mc_visit_session_update_upload_status (McVisitSession *self)
{
  g_autofree char *status = NULL;

  if (self->outbox == NULL)
    status = g_strdup (_("The outbox of filings cannot be used, so nothing can be sent from here. File in the browser below."));
  else if (self->enqueuing)
    status = g_strdup (_("Checking the files…"));
  else if (self->item == NULL)
    status = g_strdup (_("Sends the files and brings back the receipt code."));
  else if (self->item->state == MC_OUTBOX_SENT)
    status = g_strdup_printf (_("Sent. Receipt code: %s"), self->item->receipt);
  else if (self->item->state == MC_OUTBOX_FAILED)
    status = g_strdup_printf (_("Not sent: %s"), self->item->last_error ? self->item->last_error : "");
  else if (self->item->state == MC_OUTBOX_SENDING && self->item->in_flight)
    status = g_strdup (_("Sending…"));
  else if (self->item->last_error != NULL)
    {
      g_autoptr(GDateTime) next = g_date_time_new_from_unix_local (self->item->next_attempt_us / G_USEC_PER_SEC);
      g_autofree char *when = next ? g_date_time_format (next, "%H:%M") : g_strdup ("—");

      /* Translators: %s is why (a sentence), then a time like 14:05 */
      status = g_strdup_printf (_("Waiting: %s It will be tried again at %s."), self->item->last_error, when);
    }
  else
    status = g_strdup (_("Waiting to be sent…"));
  /* A waiting filing starts from nothing again. */
  if (self->item != NULL && self->item->state == MC_OUTBOX_QUEUED)
    self->upload_sent = self->upload_total = 0;
  if (g_strcmp0 (status, self->upload_status) != 0)
    {
      g_free (self->upload_status);
      self->upload_status = g_steal_pointer (&status);
      g_object_notify (G_OBJECT (self), "upload-status");
    }
}

const char *
mc_visit_session_get_upload_status (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);
  return self->upload_status;
}

char *
mc_visit_session_dup_upload_progress (McVisitSession *self,
                                      double         *fraction,
                                      gboolean       *visible)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);

  /* Only while the files go. */
  *visible = self->item != NULL && (self->item->state == MC_OUTBOX_SENDING ||
                                    self->item->state == MC_OUTBOX_SENT);
  if (self->item != NULL && self->item->state == MC_OUTBOX_SENT)
    {
      *fraction = 1.0;
      return g_strdup (_("Sent"));
    }
  if (self->upload_total > 0)
    {
      g_autofree char *sent = g_format_size (self->upload_sent);
      g_autofree char *total = g_format_size (self->upload_total);

      *fraction = (double) self->upload_sent / (double) self->upload_total;
      /* Translators: e.g. "1.2 MB of 3.4 MB" */
      return g_strdup_printf (_("%s of %s"), sent, total);
    }
  *fraction = 0.0;
  return g_strdup (_("Not started"));
}

static void
refresh_item (McVisitSession *self)
{
  g_autoptr(GError) error = NULL;
  McOutboxItem *item;

  if (self->outbox == NULL)
    return;
  item = mc_portal_outbox_lookup_visit (self->outbox, mc_visit_get_id (self->visit), &error);
  if (item == NULL && !g_error_matches (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NOT_FOUND))
    g_message ("Outbox not readable for visit %s: %s", mc_visit_get_id (self->visit), error->message);
  set_item (self, item);
}

static void
on_outbox_changed (McPortalOutbox *outbox,
                   gint64          id,
                   McVisitSession *self)
{
  /* Without an item yet, any new one may be ours (motcua-tool queued
   * it): one look. */
  if (id != 0 && self->item != NULL && id != self->item->id)
    return;
  refresh_item (self);
  upload_changed (self);
}

static void
on_outbox_progress (McPortalOutbox *outbox,
                    gint64          id,
                    guint64         sent,
                    guint64         total,
                    McVisitSession *self)
{
  if (self->item == NULL || id != self->item->id)
    return;
  self->upload_sent = sent;
  self->upload_total = total;
  if (self->item->state != MC_OUTBOX_SENDING)
    refresh_item (self);
  upload_changed (self);
}

static void
on_outbox_sent (McPortalOutbox *outbox,
                gint64          id,
                const char     *visit_id,
                const char     *receipt,
                const char     *received_at,
                McVisitSession *self)
{
  if (g_strcmp0 (visit_id, mc_visit_get_id (self->visit)) != 0)
    return;
  refresh_item (self);
  take_receipt (self, receipt);
}

static void
on_outbox_failed (McPortalOutbox *outbox,
                  gint64          id,
                  const char     *visit_id,
                  const char     *message,
                  int             code,
                  McVisitSession *self)
{
  if (g_strcmp0 (visit_id, mc_visit_get_id (self->visit)) != 0)
    return;
  refresh_item (self);
  if (mc_visit_get_state (self->visit) >= MC_VISIT_HANDED_OFF)
    _mc_visit_session_drop_upload (self);   /* filed in the browser meanwhile */
  else
    show_failure (self, message);
  _mc_visit_session_changed (self);
}

static void
on_enqueued (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(McVisitSession) self = user_data;
  g_autoptr(GError) error = NULL;
  McOutboxItem *item = mc_portal_outbox_enqueue_finish (MC_PORTAL_OUTBOX (source), result, &error);

  if (item == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->enqueuing = FALSE;
  if (item == NULL)
    {
      show_failure (self, error->message);
      _mc_visit_session_changed (self);
      return;
    }
  set_item (self, item);
  if (item->state == MC_OUTBOX_SENT)
    {
      /* The portal had it already (an earlier upload): its receipt now. */
      take_receipt (self, item->receipt);
      return;
    }
  mc_visit_session_set_message (self, NULL, FALSE);
  _mc_visit_session_changed (self);
}

void
mc_visit_session_upload (McVisitSession *self)
{
  g_autofree char *endpoint = NULL;
  g_autofree char *unsigned_why = NULL;
  const char *package_dir;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  /* The setting asks for the clerk's signature on every paper first. */
  if ((unsigned_why = mc_visit_session_dup_unsigned_reason (self)) != NULL)
    {
      mc_visit_session_set_message (self, unsigned_why, TRUE);
      _mc_visit_session_changed (self);
      return;
    }
  endpoint = dup_endpoint (self);
  package_dir = mc_visit_get_package_dir (self->visit);
  if (self->outbox == NULL || endpoint == NULL || package_dir == NULL || self->enqueuing ||
      mc_visit_session_upload_active (self) || mc_visit_get_state (self->visit) != MC_VISIT_PACKAGED)
    return;
  self->enqueuing = TRUE;
  mc_visit_session_set_message (self, _("Checking the files before sending…"), FALSE);
  _mc_visit_session_changed (self);
  mc_portal_outbox_enqueue_async (self->outbox, package_dir, endpoint, self->cancellable,
                                  on_enqueued, g_object_ref (self));
}

void
mc_visit_session_upload_cancel (McVisitSession *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  if (self->outbox == NULL || !mc_visit_session_upload_active (self))
    return;
  /* Being sent here: stopped, and it fails as cancelled (item-failed).
   * Only waiting: taken out of the outbox, and can be uploaded again. */
  if (mc_portal_outbox_cancel (self->outbox, self->item->id))
    return;
  if (!mc_portal_outbox_remove (self->outbox, self->item->id, &error))
    {
      /* It started meanwhile: stop that. */
      if (!mc_portal_outbox_cancel (self->outbox, self->item->id))
        mc_visit_session_set_message (self, error->message, TRUE);
      return;
    }
  set_item (self, NULL);
  mc_visit_session_set_message (self, _("Sending was stopped. Send it again when ready: the portal files a visit only once."), FALSE);
  _mc_visit_session_changed (self);
}

void
mc_visit_session_upload_retry (McVisitSession *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  if (self->outbox == NULL || self->item == NULL)
    return;
  if (mc_portal_outbox_retry (self->outbox, self->item->id, &error) == 0 && error != NULL)
    {
      mc_visit_session_set_message (self, error->message, TRUE);
      return;
    }
  mc_visit_session_set_message (self, NULL, FALSE);
  refresh_item (self);
  _mc_visit_session_changed (self);
}

/* The visit was filed another way, or abandoned: its upload must not
 * file it (again). What is being sent right now is stopped; the failure
 * that follows removes it (here, or in the application). */
void
_mc_visit_session_drop_upload (McVisitSession *self)
{
  g_autoptr(GError) error = NULL;

  if (self->outbox == NULL)
    return;
  if (self->item == NULL)
    refresh_item (self);
  if (self->item == NULL || self->item->state == MC_OUTBOX_SENT)
    return;
  if (!mc_portal_outbox_remove (self->outbox, self->item->id, &error))
    mc_portal_outbox_cancel (self->outbox, self->item->id);
  else
    set_item (self, NULL);
}

void
mc_visit_session_set_outbox (McVisitSession *self,
                             McPortalOutbox *outbox)
{
  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  if (self->outbox == outbox && outbox != NULL)
    return;
  if (self->outbox != NULL)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  g_set_object (&self->outbox, outbox);
  set_item (self, NULL);
  if (outbox != NULL)
    {
      g_signal_connect_object (outbox, "item-changed", G_CALLBACK (on_outbox_changed), self, 0);
      g_signal_connect_object (outbox, "progress", G_CALLBACK (on_outbox_progress), self, 0);
      g_signal_connect_object (outbox, "item-sent", G_CALLBACK (on_outbox_sent), self, 0);
      g_signal_connect_object (outbox, "item-failed", G_CALLBACK (on_outbox_failed), self, 0);
      /* A visit taken up again shows where its upload is. */
      refresh_item (self);
      if (self->item != NULL && self->item->state == MC_OUTBOX_SENT &&
          mc_visit_get_state (self->visit) < MC_VISIT_HANDED_OFF)
        take_receipt (self, self->item->receipt);
      else if (self->item != NULL && self->item->state == MC_OUTBOX_FAILED &&
               mc_visit_get_state (self->visit) == MC_VISIT_PACKAGED)
        show_failure (self, self->item->last_error ? self->item->last_error : "");
    }
  _mc_visit_session_changed (self);
}
