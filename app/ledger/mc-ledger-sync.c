/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-ledger-sync.h"
#include "mc-ledger-server.h"
#include "mc-pg-ledger.h"

#define DEFAULT_BATCH 500
#define DEFAULT_INTERVAL_MS (60 * 1000)
#define DEFAULT_RETRY_MIN_MS (2 * 1000)
#define DEFAULT_RETRY_MAX_MS (5 * 60 * 1000)
/* A batch takes well under a second; two minutes of silence is a hang. */
#define DEFAULT_STALL_MS (2 * 60 * 1000)

struct _McLedgerSync
{
  GObject         parent_instance;

  McSqliteLedger *local;
  char           *conninfo;
  guint           batch_size;
  guint           interval_ms;
  guint           retry_min_ms;
  guint           retry_max_ms;
  guint           stall_ms;

  /* One push at a time; the server connection belongs to it. */
  GMutex          push_lock;
  McPgLedger     *server;

  /* The rest lives on the main context the object was made in. */
  GMainContext   *context;
  gint64          last_push_us;
  guint64         n_waiting;
  char           *last_error;
  gboolean        busy;
  gboolean        running;
  gboolean        poked;
  guint           retry_ms;
  GSource        *timer;
  GCancellable   *cancellable;
};

G_DEFINE_FINAL_TYPE (McLedgerSync, mc_ledger_sync, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LAST_PUSH_US,
  PROP_N_WAITING,
  PROP_LAST_ERROR,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

McLedgerSync *
mc_ledger_sync_new (McSqliteLedger *local,
                    const char     *conninfo)
{
  McLedgerSync *self;

  g_return_val_if_fail (MC_IS_SQLITE_LEDGER (local), NULL);
  g_return_val_if_fail (conninfo != NULL, NULL);

  self = g_object_new (MC_TYPE_LEDGER_SYNC, NULL);
  self->local = g_object_ref (local);
  self->conninfo = g_strdup (conninfo);
  return self;
}

void
mc_ledger_sync_set_batch_size (McLedgerSync *self,
                               guint         n_events)
{
  g_return_if_fail (MC_IS_LEDGER_SYNC (self));
  g_return_if_fail (n_events > 0);
  self->batch_size = n_events;
}

void
mc_ledger_sync_set_timing (McLedgerSync *self,
                           guint         interval_ms,
                           guint         retry_min_ms,
                           guint         retry_max_ms)
{
  g_return_if_fail (MC_IS_LEDGER_SYNC (self));
  g_return_if_fail (retry_min_ms > 0 && retry_min_ms <= retry_max_ms);
  self->interval_ms = interval_ms;
  self->retry_min_ms = retry_min_ms;
  self->retry_max_ms = retry_max_ms;
  self->retry_ms = retry_min_ms;
}

void
mc_ledger_sync_set_stall_timeout (McLedgerSync *self,
                                  guint         ms)
{
  g_return_if_fail (MC_IS_LEDGER_SYNC (self));
  self->stall_ms = ms;
}

/* ---- One push ----------------------------------------------------------- */

static gboolean
push_locked (McLedgerSync        *self,
             GCancellable        *cancellable,
             McLedgerSyncResult  *result,
             GError             **error)
{
  const char *server_id;
  gint64 mark = 0;

  /* Asked even with nothing to send: a push only succeeds, and the
   * status only says so, when the server answered. */
  if (self->server == NULL && !(self->server = mc_pg_ledger_open (self->conninfo, error)))
    return FALSE;
  mc_pg_ledger_set_stall_timeout (self->server, self->stall_ms);
  if (!mc_pg_ledger_ping (self->server, error))
    return FALSE;
  server_id = mc_pg_ledger_get_server_id (self->server);
  if (!mc_sqlite_ledger_get_push_mark (self->local, server_id, &mark, NULL, error))
    return FALSE;

  for (;;)
    {
      g_autoptr(GPtrArray) events = NULL;
      McLedgerAppendResult appended = { 0, 0 };
      gint64 last = mark;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      events = mc_sqlite_ledger_read_after (self->local, mark, self->batch_size, &last, error);
      if (events == NULL)
        return FALSE;
      if (events->len == 0)
        return TRUE;
      /* The server first, then the mark: a cut between the two sends the
       * batch again, and the server finds it present. */
      if (!mc_ledger_store_append (MC_LEDGER_STORE (self->server), (McLedgerEvent * const *) events->pdata,
                                   events->len, &appended, error) ||
          !mc_sqlite_ledger_set_push_mark (self->local, server_id, last, error))
        return FALSE;
      mark = last;
      result->n_sent += events->len;
      result->n_added += appended.n_added;
      result->n_present += appended.n_present;
      result->n_batches++;
    }
}

gboolean
mc_ledger_sync_push (McLedgerSync        *self,
                     GCancellable        *cancellable,
                     McLedgerSyncResult  *result,
                     GError             **error)
{
  McLedgerSyncResult local_result = { 0 };
  gboolean ok;

  g_return_val_if_fail (MC_IS_LEDGER_SYNC (self), FALSE);

  if (result == NULL)
    result = &local_result;
  *result = (McLedgerSyncResult) { 0 };

  g_mutex_lock (&self->push_lock);
  ok = push_locked (self, cancellable, result, error);
  /* What is waiting, against the server when it was reached. */
  mc_sqlite_ledger_get_push_mark (self->local, self->server ? mc_pg_ledger_get_server_id (self->server) : NULL,
                                  NULL, &result->n_waiting, NULL);
  g_mutex_unlock (&self->push_lock);
  return ok;
}

static void
push_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;

  if (mc_ledger_sync_push (source_object, cancellable, task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

void
mc_ledger_sync_push_async (McLedgerSync        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MC_IS_LEDGER_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mc_ledger_sync_push_async);
  g_task_set_task_data (task, g_new0 (McLedgerSyncResult, 1), g_free);
  /* Checked between batches, not by GTask: a batch sent is recorded. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, push_thread);
}

/* @out is filled even when the push failed: what went before the failure
 * stays pushed, and what waits is known. */
gboolean
mc_ledger_sync_push_finish (McLedgerSync        *self,
                            GAsyncResult        *result,
                            McLedgerSyncResult  *out,
                            GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (out != NULL)
    *out = *(McLedgerSyncResult *) g_task_get_task_data (G_TASK (result));
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- In the background ---------------------------------------------------- */

static void schedule (McLedgerSync *self,
                      guint         delay_ms);

static void
set_status (McLedgerSync *self,
            gboolean      ok,
            guint64       n_waiting,
            const char   *error_message)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (ok)
    {
      self->last_push_us = g_get_real_time ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_PUSH_US]);
    }
  if (self->n_waiting != n_waiting)
    {
      self->n_waiting = n_waiting;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WAITING]);
    }
  if (g_strcmp0 (self->last_error, error_message) != 0)
    {
      g_free (self->last_error);
      self->last_error = g_strdup (error_message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
    }
  if (self->busy)
    {
      self->busy = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
on_pushed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  McLedgerSync *self = MC_LEDGER_SYNC (object);
  McLedgerSyncResult pushed = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok = mc_ledger_sync_push_finish (self, result, &pushed, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_status (self, FALSE, pushed.n_waiting, self->last_error);
      return;
    }
  set_status (self, ok, pushed.n_waiting, ok ? NULL : error->message);
  if (!self->running)
    return;

  if (ok)
    {
      self->retry_ms = self->retry_min_ms;
      schedule (self, self->poked ? 0 : self->interval_ms);
    }
  else
    {
      /* A little jitter, so the counters of a ward that lost the server
       * together do not come back all at the same instant. */
      guint delay = self->retry_ms + g_random_int_range (0, self->retry_ms / 4 + 1);

      g_debug ("push failed, next try in %u ms: %s", delay, error->message);
      self->retry_ms = MIN (self->retry_ms * 2, self->retry_max_ms);
      schedule (self, self->poked ? 0 : delay);
    }
}

static void
push_now (McLedgerSync *self)
{
  self->poked = FALSE;
  self->busy = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  mc_ledger_sync_push_async (self, self->cancellable, on_pushed, NULL);
}

static gboolean
on_timer (gpointer user_data)
{
  McLedgerSync *self = user_data;

  g_clear_pointer (&self->timer, g_source_unref);
  if (self->running && !self->busy)
    push_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (McLedgerSync *self,
          guint         delay_ms)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  self->timer = g_timeout_source_new (delay_ms);
  g_source_set_callback (self->timer, on_timer, self, NULL);
  g_source_set_static_name (self->timer, "[motcua] ledger push");
  g_source_attach (self->timer, self->context);
}

void
mc_ledger_sync_start (McLedgerSync *self)
{
  g_return_if_fail (MC_IS_LEDGER_SYNC (self));

  if (self->running)
    return;
  self->running = TRUE;
  self->retry_ms = self->retry_min_ms;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (!self->busy)
    schedule (self, 0);
}

void
mc_ledger_sync_stop (McLedgerSync *self)
{
  g_return_if_fail (MC_IS_LEDGER_SYNC (self));

  self->running = FALSE;
  g_cancellable_cancel (self->cancellable);
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
}

void
mc_ledger_sync_poke (McLedgerSync *self)
{
  g_return_if_fail (MC_IS_LEDGER_SYNC (self));

  if (!self->running)
    return;
  if (self->busy)
    self->poked = TRUE;
  else
    schedule (self, 0);
}

gint64
mc_ledger_sync_get_last_push_us (McLedgerSync *self)
{
  g_return_val_if_fail (MC_IS_LEDGER_SYNC (self), 0);
  return self->last_push_us;
}

guint64
mc_ledger_sync_get_n_waiting (McLedgerSync *self)
{
  g_return_val_if_fail (MC_IS_LEDGER_SYNC (self), 0);
  return self->n_waiting;
}

const char *
mc_ledger_sync_get_last_error (McLedgerSync *self)
{
  g_return_val_if_fail (MC_IS_LEDGER_SYNC (self), NULL);
  return self->last_error;
}

gboolean
mc_ledger_sync_get_busy (McLedgerSync *self)
{
  g_return_val_if_fail (MC_IS_LEDGER_SYNC (self), FALSE);
  return self->busy;
}

/* ---- GObject ----------------------------------------------------------- */

static void
mc_ledger_sync_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  McLedgerSync *self = MC_LEDGER_SYNC (object);

  switch (prop_id)
    {
    case PROP_LAST_PUSH_US:
      g_value_set_int64 (value, self->last_push_us);
      break;
    case PROP_N_WAITING:
      g_value_set_uint64 (value, self->n_waiting);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_ledger_sync_dispose (GObject *object)
{
  McLedgerSync *self = MC_LEDGER_SYNC (object);

  /* A push in flight holds a reference: we only get here after it. */
  mc_ledger_sync_stop (self);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (mc_ledger_sync_parent_class)->dispose (object);
}

static void
mc_ledger_sync_finalize (GObject *object)
{
  McLedgerSync *self = MC_LEDGER_SYNC (object);

  g_clear_object (&self->server);
  g_clear_object (&self->local);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->push_lock);
  /* It may hold the password (from the password store). */
  g_clear_pointer (&self->conninfo, mc_ledger_server_password_free);
  g_free (self->last_error);

  G_OBJECT_CLASS (mc_ledger_sync_parent_class)->finalize (object);
}

static void
mc_ledger_sync_class_init (McLedgerSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mc_ledger_sync_get_property;
  object_class->dispose = mc_ledger_sync_dispose;
  object_class->finalize = mc_ledger_sync_finalize;

  properties[PROP_LAST_PUSH_US] =
    g_param_spec_int64 ("last-push-us", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_WAITING] =
    g_param_spec_uint64 ("n-waiting", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mc_ledger_sync_init (McLedgerSync *self)
{
  g_mutex_init (&self->push_lock);
  self->context = g_main_context_ref_thread_default ();
  self->batch_size = DEFAULT_BATCH;
  self->interval_ms = DEFAULT_INTERVAL_MS;
  self->retry_min_ms = DEFAULT_RETRY_MIN_MS;
  self->retry_max_ms = DEFAULT_RETRY_MAX_MS;
  self->retry_ms = DEFAULT_RETRY_MIN_MS;
  self->stall_ms = DEFAULT_STALL_MS;
}
