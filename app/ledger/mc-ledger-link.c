/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-ledger-link.h"
#include "mc-ledger-server.h"
#include "mc-pg-ledger.h"
#include "mc-sqlite-ledger.h"

struct _McLedgerLink
{
  GObject       parent_instance;

  GSettings    *settings;
  McLedger     *local;
  /* Each start counts one up: an open that finishes after the settings
   * changed again is dropped. */
  guint         generation;
  gboolean      configured;
  gboolean      read_only;
  char         *conninfo;     /* what libpq gets, password included */
  McLedgerSync *sync;
  McLedger     *server_ledger;
  char         *problem;
  char         *status;
  gboolean      opening;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (McLedgerLink, mc_ledger_link, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONFIGURED,
  PROP_SYNC,
  PROP_SERVER_LEDGER,
  PROP_PROBLEM,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_problem (McLedgerLink *self,
             const char   *problem)
{
  if (g_strcmp0 (self->problem, problem) == 0)
    return;
  g_free (self->problem);
  self->problem = g_strdup (problem);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

/* ---- Status in plain words ----------------------------------------------- */

static void
update_status (McLedgerLink *self)
{
  g_autoptr(GString) s = NULL;
  gint64 last_us;
  guint64 waiting;
  const char *error;

  if (self->sync == NULL)
    {
      if (self->status != NULL)
        {
          g_clear_pointer (&self->status, g_free);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
        }
      return;
    }
  last_us = mc_ledger_sync_get_last_push_us (self->sync);
  waiting = mc_ledger_sync_get_n_waiting (self->sync);
  error = mc_ledger_sync_get_last_error (self->sync);
  s = g_string_new (NULL);
  if (last_us > 0)
    {
      g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (last_us / G_USEC_PER_SEC);
      g_autofree char *when = g_date_time_format (at, "%H:%M %d/%m/%Y");

      g_string_append_printf (s, _("Last sent to the ledger server at %s."), when);
    }
  else if (mc_ledger_sync_get_busy (self->sync))
    g_string_append (s, _("Sending to the ledger server…"));
  else
    g_string_append (s, _("Nothing sent to the ledger server yet."));
  g_string_append_c (s, ' ');
  if (waiting == 0)
    g_string_append (s, _("Nothing is waiting."));
  else
    g_string_append_printf (s, ngettext ("%llu event is waiting to be sent.",
                                      "%llu events are waiting to be sent.", waiting),
                            (unsigned long long) waiting);
  if (error != NULL)
    g_string_append_printf (s, " %s", error);

  if (g_strcmp0 (self->status, s->str) == 0)
    return;
  g_free (self->status);
  self->status = g_string_free (g_steal_pointer (&s), FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
on_sync_notify (McLedgerLink *self)
{
  update_status (self);
  /* The server answers again: read it too, if it could not be before. */
  if (self->server_ledger == NULL && !self->opening &&
      mc_ledger_sync_get_last_error (self->sync) == NULL && mc_ledger_sync_get_last_push_us (self->sync) > 0)
    mc_ledger_link_retry (self);
}

static void
on_local_changed (McLedgerLink *self)
{
  if (self->sync != NULL)
    mc_ledger_sync_poke (self->sync);
}

static void
start_sync (McLedgerLink *self)
{
  McLedgerStore *store;

  if (self->sync != NULL || self->read_only || self->conninfo == NULL || self->local == NULL)
    return;
  store = mc_ledger_get_store (self->local);
  if (!MC_IS_SQLITE_LEDGER (store))
    return;
  self->sync = mc_ledger_sync_new (MC_SQLITE_LEDGER (store), self->conninfo);
  g_signal_connect_object (self->sync, "notify", G_CALLBACK (on_sync_notify), self, G_CONNECT_SWAPPED);
  mc_ledger_sync_start (self->sync);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC]);
  update_status (self);
}

/* ---- Opening, on a worker ------------------------------------------------ */

typedef struct {
  char    *conninfo;
  char    *ca_file;
  char    *password;    /* given (test), or NULL: from the password store */
  gboolean lookup;
  gboolean read_only;
  /* Out */
  char    *effective;
  char    *note;
} OpenData;

static void
open_data_free (OpenData *d)
{
  g_free (d->conninfo);
  g_free (d->ca_file);
  mc_ledger_server_password_free (d->password);
  mc_ledger_server_password_free (d->effective);
  g_free (d->note);
  g_free (d);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *d = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autoptr(McPgLedger) server = NULL;

  if (d->lookup)
    {
      /* Softly: without a password store, libpq looks in ~/.pgpass. */
      d->password = mc_ledger_server_password_lookup (d->conninfo, cancellable, &store_error);
      if (store_error != NULL)
        d->note = g_strdup (store_error->message);
    }
  d->effective = mc_ledger_server_build_conninfo (d->conninfo, d->ca_file, d->password, d->read_only, &error);
  if (d->effective == NULL || !(server = mc_pg_ledger_open (d->effective, &error)))
    {
      if (d->note != NULL)
        g_prefix_error (&error, "%s ", d->note);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&server), g_object_unref);
}

static void
on_opened (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  McLedgerLink *self = MC_LEDGER_LINK (object);
  OpenData *d = g_task_get_task_data (G_TASK (result));
  guint generation = GPOINTER_TO_UINT (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(McPgLedger) server = g_task_propagate_pointer (G_TASK (result), &error);

  if (generation != self->generation)
    return;
  self->opening = FALSE;
  if (d->effective != NULL && self->conninfo == NULL)
    self->conninfo = g_strdup (d->effective);
  if (server != NULL)
    {
      g_set_object (&self->server_ledger, mc_ledger_new (MC_LEDGER_STORE (server)));
      g_object_unref (self->server_ledger);
      /* The server's summaries name procedures as the counter's do. */
      if (self->local != NULL)
        mc_ledger_set_procedures (self->server_ledger, mc_ledger_get_procedures (self->local));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_LEDGER]);
      set_problem (self, d->note);
    }
  else
    {
      g_message ("The ledger server cannot be read: %s", error->message);
      set_problem (self, error->message);
    }
  /* The server down at start: the pushes try again by themselves. */
  start_sync (self);
}

static void
open_server (McLedgerLink *self)
{
  g_autoptr(GTask) task = NULL;
  OpenData *d = g_new0 (OpenData, 1);

  d->conninfo = g_settings_get_string (self->settings, "ledger-server");
  d->ca_file = g_settings_get_string (self->settings, "ledger-server-ca-file");
  d->lookup = TRUE;
  d->read_only = self->read_only;
  self->opening = TRUE;
  task = g_task_new (self, self->cancellable, on_opened, GUINT_TO_POINTER (self->generation));
  g_task_set_task_data (task, d, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, open_thread);
}

static void
restart (McLedgerLink *self)
{
  g_autofree char *conninfo = g_settings_get_string (self->settings, "ledger-server");
  g_autofree char *ca_file = g_settings_get_string (self->settings, "ledger-server-ca-file");
  g_autofree char *counter = g_settings_get_string (self->settings, "counter-name");
  g_autoptr(GError) error = NULL;

  mc_ledger_link_stop (self);
  self->generation++;
  self->opening = FALSE;
  g_clear_pointer (&self->conninfo, mc_ledger_server_password_free);
  if (self->sync != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sync, self);
      g_clear_object (&self->sync);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC]);
    }
  if (self->server_ledger != NULL)
    {
      g_clear_object (&self->server_ledger);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_LEDGER]);
    }
  update_status (self);
  self->configured = *g_strstrip (conninfo) != '\0';
  self->read_only = *g_strstrip (counter) == '\0';
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFIGURED]);
  if (!self->configured)
    {
      set_problem (self, NULL);
      return;
    }
  if (!mc_ledger_server_check (conninfo, ca_file, &error))
    {
      set_problem (self, error->message);
      return;
    }
  set_problem (self, NULL);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  open_server (self);
}

static void
on_settings_changed (McLedgerLink *self,
                     const char   *key)
{
  if (g_str_has_prefix (key, "ledger-server") || g_str_equal (key, "counter-name"))
    restart (self);
}

/* ---- Public -------------------------------------------------------------- */

McLedgerLink *
mc_ledger_link_new (GSettings *settings)
{
  McLedgerLink *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (MC_TYPE_LEDGER_LINK, NULL);
  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed", G_CALLBACK (on_settings_changed), self, G_CONNECT_SWAPPED);
  restart (self);
  return self;
}

void
mc_ledger_link_set_local (McLedgerLink *self,
                          McLedger     *local)
{
  g_return_if_fail (MC_IS_LEDGER_LINK (self));
  g_return_if_fail (local == NULL || MC_IS_LEDGER (local));

  if (self->local != NULL)
    g_signal_handlers_disconnect_by_data (self->local, self);
  g_set_object (&self->local, local);
  if (local != NULL)
    g_signal_connect_object (local, "changed", G_CALLBACK (on_local_changed), self, G_CONNECT_SWAPPED);
  if (local != NULL && self->server_ledger != NULL)
    mc_ledger_set_procedures (self->server_ledger, mc_ledger_get_procedures (local));
  start_sync (self);
}

void
mc_ledger_link_stop (McLedgerLink *self)
{
  g_return_if_fail (MC_IS_LEDGER_LINK (self));

  g_cancellable_cancel (self->cancellable);
  if (self->sync != NULL)
    mc_ledger_sync_stop (self->sync);
}

void
mc_ledger_link_retry (McLedgerLink *self)
{
  g_return_if_fail (MC_IS_LEDGER_LINK (self));

  if (!self->configured || self->opening || self->server_ledger != NULL ||
      self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  open_server (self);
}

gboolean
mc_ledger_link_get_configured (McLedgerLink *self)
{
  g_return_val_if_fail (MC_IS_LEDGER_LINK (self), FALSE);
  return self->configured;
}

gboolean
mc_ledger_link_get_read_only (McLedgerLink *self)
{
  g_return_val_if_fail (MC_IS_LEDGER_LINK (self), FALSE);
  return self->read_only;
}

McLedgerSync *
mc_ledger_link_get_sync (McLedgerLink *self)
{
  g_return_val_if_fail (MC_IS_LEDGER_LINK (self), NULL);
  return self->sync;
}

McLedger *
mc_ledger_link_get_server_ledger (McLedgerLink *self)
{
  g_return_val_if_fail (MC_IS_LEDGER_LINK (self), NULL);
  return self->server_ledger;
}

const char *
mc_ledger_link_get_problem (McLedgerLink *self)
{
  g_return_val_if_fail (MC_IS_LEDGER_LINK (self), NULL);
  return self->problem;
}

const char *
mc_ledger_link_get_status (McLedgerLink *self)
{
  g_return_val_if_fail (MC_IS_LEDGER_LINK (self), NULL);
  return self->status;
}

/* ---- Test connection ----------------------------------------------------- */

static void
test_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *d = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(McPgLedger) server = NULL;

  /* No password given: the stored one, if the store answers. */
  if (d->password == NULL)
    d->password = mc_ledger_server_password_lookup (d->conninfo, cancellable, NULL);
  d->effective = mc_ledger_server_build_conninfo (d->conninfo, d->ca_file, d->password, FALSE, &error);
  if (d->effective == NULL || !(server = mc_pg_ledger_open (d->effective, &error)))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
mc_ledger_link_test_async (const char          *conninfo,
                           const char          *ca_file,
                           const char          *password,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  OpenData *d = g_new0 (OpenData, 1);

  g_task_set_source_tag (task, mc_ledger_link_test_async);
  d->conninfo = g_strdup (conninfo);
  d->ca_file = g_strdup (ca_file);
  d->password = g_strdup (password);
  g_task_set_task_data (task, d, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, test_thread);
}

gboolean
mc_ledger_link_test_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- GObject ------------------------------------------------------------- */

static void
mc_ledger_link_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  McLedgerLink *self = MC_LEDGER_LINK (object);

  switch (prop_id)
    {
    case PROP_CONFIGURED:
      g_value_set_boolean (value, self->configured);
      break;
    case PROP_SYNC:
      g_value_set_object (value, self->sync);
      break;
    case PROP_SERVER_LEDGER:
      g_value_set_object (value, self->server_ledger);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_ledger_link_dispose (GObject *object)
{
  McLedgerLink *self = MC_LEDGER_LINK (object);

  mc_ledger_link_stop (self);
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->sync);
  g_clear_object (&self->server_ledger);
  g_clear_object (&self->local);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (mc_ledger_link_parent_class)->dispose (object);
}

static void
mc_ledger_link_finalize (GObject *object)
{
  McLedgerLink *self = MC_LEDGER_LINK (object);

  g_clear_pointer (&self->conninfo, mc_ledger_server_password_free);
  g_free (self->problem);
  g_free (self->status);

  G_OBJECT_CLASS (mc_ledger_link_parent_class)->finalize (object);
}

static void
mc_ledger_link_class_init (McLedgerLinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mc_ledger_link_get_property;
  object_class->dispose = mc_ledger_link_dispose;
  object_class->finalize = mc_ledger_link_finalize;

  properties[PROP_CONFIGURED] =
    g_param_spec_boolean ("configured", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYNC] =
    g_param_spec_object ("sync", NULL, NULL, MC_TYPE_LEDGER_SYNC, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_LEDGER] =
    g_param_spec_object ("server-ledger", NULL, NULL, MC_TYPE_LEDGER, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mc_ledger_link_init (McLedgerLink *self)
{
}
