/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-portal"

#include "config.h"

#include "mc-context.h"
#include "mc-core.h"
#include "mc-portal-outbox-private.h"
#include "mc-portal-token.h"

/* The outbox object: its signals, delivered in the owner's main context,
 * its settings, and the background sender. The queue is in
 * mc-portal-outbox-store.c, one attempt at sending in
 * mc-portal-outbox-attempt.c. */

/* How often the background sender looks for items other processes added. */
#define POLL_INTERVAL_US      (5 * G_USEC_PER_SEC)
/* How long an item locked by another process is left alone before the
 * sender looks again. */
#define BUSY_SKIP_US          (2 * G_USEC_PER_SEC)

G_DEFINE_FINAL_TYPE (McPortalOutbox, mc_portal_outbox, G_TYPE_OBJECT)

static guint signals[N_SIGNALS];

/* ---- Signals, in the owner's main context ------------------------------ */

static void
emission_free (Emission *e)
{
  g_object_unref (e->self);
  g_free (e->visit_id);
  g_free (e->text1);
  g_free (e->text2);
  g_free (e);
}

static gboolean
emit_now (gpointer data)
{
  Emission *e = data;

  switch (e->signal)
    {
    case ITEM_CHANGED:
      g_signal_emit (e->self, signals[ITEM_CHANGED], 0, e->id);
      break;
    case ITEM_SENT:
      g_signal_emit (e->self, signals[ITEM_SENT], 0, e->id, e->visit_id, e->text1, e->text2);
      break;
    case ITEM_FAILED:
      g_signal_emit (e->self, signals[ITEM_FAILED], 0, e->id, e->visit_id, e->text1, e->code);
      break;
    case PROGRESS:
      g_signal_emit (e->self, signals[PROGRESS], 0, e->id, e->sent, e->total);
      break;
    default:
      break;
    }
  return G_SOURCE_REMOVE;
}

void
mc_portal_outbox_emit (McPortalOutbox *self,
                       Emission        e)
{
  Emission *copy = g_memdup2 (&e, sizeof e);

  copy->self = g_object_ref (self);
  /* At once on the thread that made the outbox; from the sender's thread
   * (or any other) always through the owner's loop (mc-context.h says why). */
  mc_context_invoke_owner (self->context, self->home, emit_now, copy,
                           (GDestroyNotify) emission_free, "[motcua] outbox signal");
}

void
mc_portal_outbox_emit_changed (McPortalOutbox *self,
                               gint64          id)
{
  mc_portal_outbox_emit (self, (Emission) { .signal = ITEM_CHANGED, .id = id });
}

/* ---- Object ------------------------------------------------------------ */

static void
mc_portal_outbox_dispose (GObject *object)
{
  McPortalOutbox *self = MC_PORTAL_OUTBOX (object);

  mc_portal_outbox_stop (self);
  G_OBJECT_CLASS (mc_portal_outbox_parent_class)->dispose (object);
}

static void
mc_portal_outbox_finalize (GObject *object)
{
  McPortalOutbox *self = MC_PORTAL_OUTBOX (object);

  if (self->db != NULL)
    sqlite3_close (self->db);
  mc_portal_token_free (self->token);
  mc_portal_config_free (self->config);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_object (&self->stop_cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->path);
  g_free (self->lock_path);
  g_mutex_clear (&self->db_lock);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (mc_portal_outbox_parent_class)->finalize (object);
}

static void
mc_portal_outbox_class_init (McPortalOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mc_portal_outbox_dispose;
  object_class->finalize = mc_portal_outbox_finalize;

  signals[ITEM_CHANGED] = g_signal_new ("item-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[ITEM_SENT] = g_signal_new ("item-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                                     G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[ITEM_FAILED] = g_signal_new ("item-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                                       G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_INT);
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                    G_TYPE_INT64, G_TYPE_UINT64, G_TYPE_UINT64);
}

static void
in_flight_free (InFlight *f)
{
  g_object_unref (f->cancellable);
  g_free (f);
}

static void
mc_portal_outbox_init (McPortalOutbox *self)
{
  g_mutex_init (&self->db_lock);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->config = mc_portal_config_new ();
  self->in_flight = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) in_flight_free);
}

char *
mc_portal_outbox_get_default_path (void)
{
  g_autofree char *dir = mc_core_get_data_dir ();

  return g_build_filename (dir, "outbox.sqlite", NULL);
}

McPortalOutbox *
mc_portal_outbox_new (const char  *path,
                      GError     **error)
{
  g_autoptr(McPortalOutbox) self = g_object_new (MC_TYPE_PORTAL_OUTBOX, NULL);

  self->path = path != NULL ? g_strdup (path) : mc_portal_outbox_get_default_path ();
  self->lock_path = g_strconcat (self->path, ".lock", NULL);
  self->context = g_main_context_ref_thread_default ();
  self->home = g_thread_self ();
  if (!mc_portal_outbox_open_db (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
mc_portal_outbox_get_path (McPortalOutbox *self)
{
  g_return_val_if_fail (MC_IS_PORTAL_OUTBOX (self), NULL);
  return self->path;
}

void
mc_portal_outbox_set_config (McPortalOutbox       *self,
                             const McPortalConfig *config)
{
  g_return_if_fail (MC_IS_PORTAL_OUTBOX (self));
  g_return_if_fail (config != NULL);

  g_mutex_lock (&self->lock);
  mc_portal_config_free (self->config);
  self->config = mc_portal_config_copy (config);
  g_mutex_unlock (&self->lock);
}

void
mc_portal_outbox_set_token (McPortalOutbox *self,
                            const char     *token)
{
  g_return_if_fail (MC_IS_PORTAL_OUTBOX (self));

  g_mutex_lock (&self->lock);
  mc_portal_token_free (self->token);
  self->token = g_strdup (token);
  g_mutex_unlock (&self->lock);
}

void
mc_portal_outbox_wake_worker (McPortalOutbox *self)
{
  g_mutex_lock (&self->lock);
  self->woken = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* ---- Background sender ------------------------------------------------- */

/* The next item to try now, or 0; *wake_at_us gets when one falls due. */
static gint64
pick_due (McPortalOutbox *self,
          GHashTable     *skip,
          gint64          now,
          gint64         *wake_at_us)
{
  sqlite3_stmt *stmt = NULL;
  gint64 found = 0;

  *wake_at_us = now + POLL_INTERVAL_US;

  g_mutex_lock (&self->db_lock);
  if (sqlite3_prepare_v2 (self->db,
                          "SELECT id, next_attempt_at FROM outbox WHERE state IN ('queued', 'sending')"
                          " ORDER BY next_attempt_at, id",
                          -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);
        gint64 due = sqlite3_column_int64 (stmt, 1);
        gpointer skip_until = g_hash_table_lookup (skip, &id);

        if (skip_until != NULL && *(gint64 *) skip_until > now)
          due = MAX (due, *(gint64 *) skip_until);
        if (due <= now)
          {
            found = id;
            break;
          }
        *wake_at_us = MIN (*wake_at_us, due);
      }
  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->db_lock);
  return found;
}

static gpointer
worker_main (gpointer data)
{
  McPortalOutbox *self = data;
  g_autoptr(GHashTable) skip = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  for (;;)
    {
      gint64 now = g_get_real_time ();
      gint64 wake_at_us;
      gint64 id;

      g_mutex_lock (&self->lock);
      if (self->stopping)
        {
          g_mutex_unlock (&self->lock);
          break;
        }
      self->woken = FALSE;
      g_mutex_unlock (&self->lock);

      id = pick_due (self, skip, now, &wake_at_us);
      if (id != 0)
        {
          g_autoptr(GError) error = NULL;
          AttemptResult result = mc_portal_outbox_attempt (self, id, self->stop_cancellable, &error);

          if (result == ATTEMPT_BUSY || result == ATTEMPT_ERROR)
            {
              gint64 until = g_get_real_time () + BUSY_SKIP_US;

              if (error != NULL)
                g_warning ("outbox: %s", error->message);
              g_hash_table_insert (skip, g_memdup2 (&id, sizeof id), g_memdup2 (&until, sizeof until));
            }
          continue;
        }

      /* Sleep until something falls due, someone wakes us, or it is time
       * to look for items from other processes. Real time is what the
       * rows hold; the wait itself is on the monotonic clock. */
      g_mutex_lock (&self->lock);
      if (!self->stopping && !self->woken)
        {
          gint64 wait = MAX (wake_at_us - g_get_real_time (), 0);

          g_cond_wait_until (&self->cond, &self->lock, g_get_monotonic_time () + wait);
        }
      g_mutex_unlock (&self->lock);
    }
  return NULL;
}

void
mc_portal_outbox_start (McPortalOutbox *self)
{
  g_return_if_fail (MC_IS_PORTAL_OUTBOX (self));

  g_mutex_lock (&self->lock);
  if (self->worker == NULL)
    {
      self->stopping = FALSE;
      g_clear_object (&self->stop_cancellable);
      self->stop_cancellable = g_cancellable_new ();
      /* The thread borrows self: stop(), called by dispose at the latest,
       * joins it before self goes. */
      self->worker = g_thread_new ("mc-outbox", worker_main, self);
    }
  g_mutex_unlock (&self->lock);
}

void
mc_portal_outbox_stop (McPortalOutbox *self)
{
  GThread *worker;

  g_return_if_fail (MC_IS_PORTAL_OUTBOX (self));

  g_mutex_lock (&self->lock);
  worker = g_steal_pointer (&self->worker);
  self->stopping = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  if (worker == NULL)
    return;
  g_cancellable_cancel (self->stop_cancellable);
  g_thread_join (worker);
}

