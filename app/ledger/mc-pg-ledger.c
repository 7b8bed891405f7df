/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <libpq-fe.h>
#include <glib/gi18n.h>

#include "mc-pg-ledger-private.h"
#include "mc-ledger-server.h"

static void mc_pg_ledger_store_init (McLedgerStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (McPgLedger, mc_pg_ledger, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MC_TYPE_LEDGER_STORE, mc_pg_ledger_store_init))

/* ---- Errors ------------------------------------------------------------ */

const char *
mc_pg_where (PGconn *conn)
{
  const char *host = conn ? PQhost (conn) : NULL;

  return host && *host ? host : "?";
}

/* The first line of libpq's message: the rest is hints for programmers. */
static char *
first_line (const char *message)
{
  g_autofree char *text = g_strdup (message ? message : "");
  char *nl = strchr (text, '\n');

  if (nl != NULL)
    *nl = '\0';
  g_strstrip (text);
  return g_steal_pointer (&text);
}

static void
set_connect_error (PGconn  *conn,
                   GError **error)
{
  g_autofree char *detail = first_line (PQerrorMessage (conn));
  const char *host = mc_pg_where (conn);

  if (PQconnectionNeedsPassword (conn))
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_AUTH,
                 _("The ledger server %s needs a password for this counter, and none was found. Nothing is lost: the filings stay on this counter. Ask the ward’s administrator to set the password up."),
                 host);
  else if (strstr (detail, "password authentication failed") != NULL ||
           strstr (detail, "authentication failed") != NULL)
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_AUTH,
                 _("The ledger server %s refused this counter’s account or password. Nothing is lost: the filings stay on this counter. Ask the ward’s administrator to check the password."),
                 host);
  else if (strstr (detail, "certificate verify failed") != NULL)
    /* OpenSSL: no chain to a CA in sslrootcert (another authority, an
     * old CA file, a self-signed certificate in the server's place). */
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_AUTH,
                 _("The ledger server %s showed a certificate that the ward’s certificate authority (the CA file in the settings) did not sign, so it may not be the ward’s server. Nothing was sent. Ask the ward’s administrator to check the CA file."),
                 host);
  else if (strstr (detail, "certificate") != NULL || strstr (detail, "SSL") != NULL)
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_AUTH,
                 _("The ledger server %s could not prove it is the ward’s server (%s). Nothing was sent; ask the ward’s administrator."),
                 host, detail);
  else
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_OFFLINE,
                 _("The ledger server %s cannot be reached (%s). Nothing is lost: the filings stay on this counter and are sent later."),
                 host, detail);
}

void
mc_pg_set_result_error (McPgLedger  *self,
                        PGresult    *res,
                        GError     **error)
{
  const char *state = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = res ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  g_autofree char *detail = first_line (primary ? primary
                                        : res && PQresultErrorMessage (res)[0] ? PQresultErrorMessage (res)
                                        : PQerrorMessage (self->conn));
  const char *host = mc_pg_where (self->conn);

  if (PQstatus (self->conn) == CONNECTION_BAD || state == NULL || g_str_has_prefix (state, "08") ||
      g_str_has_prefix (state, "57P"))
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_OFFLINE,
                 _("The connection to the ledger server %s was lost (%s). Nothing is lost: what was not confirmed is sent again."),
                 host, detail);
  else if (g_str_has_prefix (state, "28"))
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_AUTH,
                 _("The ledger server %s refused this counter’s account (%s)."), host, detail);
  /* 25006: a supervisor's read-only connection asked to write. */
  else if (g_str_equal (state, "42501") || g_str_equal (state, "25006"))
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_READ_ONLY,
                 _("The ledger server %s does not let this account do that (%s). Nothing was changed."),
                 host, detail);
  else if (g_str_equal (state, "MC001"))
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_NOT_FOUND,
                 _("The ledger server %s refused an event: %s. Nothing was recorded."), host, detail);
  else if (g_str_has_prefix (state, "23") || g_str_has_prefix (state, "22") ||
           g_str_equal (state, "MC002") || g_str_equal (state, "P0001"))
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                 _("The ledger server %s refused an event: %s. Nothing was recorded."), host, detail);
  else if (g_str_has_prefix (state, "53"))
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_FULL,
                 _("The ledger server %s is out of resources (%s). Nothing was recorded; try again later."),
                 host, detail);
  else if (g_str_has_prefix (state, "40"))
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUSY,
                 _("The ledger server %s was too busy (%s). Nothing was recorded; try again."), host, detail);
  else
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_FAILED,
                 _("The ledger server %s could not be used: %s"), host, detail);
}

/* ---- Connection and queries -------------------------------------------- */

/* Server notices (and a dying server's last words) go to the debug log,
 * not to the program's stderr. */
static void
on_notice (void       *arg,
           const char *message)
{
  g_debug ("ledger server: %s", message);
}

static PGconn *
connect_server (const char  *conninfo,
                GError     **error)
{
  /* The string given comes last, so what it says wins over these. Over
   * TCP, a network that stops answering fails a push within a minute
   * (keepalives, tcp_user_timeout) instead of hanging it; the next push
   * resends what was not confirmed. */
  const char * const keys[] = {
    "connect_timeout", "application_name", "keepalives", "keepalives_idle", "keepalives_interval",
    "keepalives_count", "tcp_user_timeout", "dbname", NULL
  };
  const char * const values[] = { "10", "motcua", "1", "30", "10", "3", "60000", conninfo, NULL };
  PGconn *conn = PQconnectdbParams (keys, values, 1);
  PGresult *res;

  if (conn == NULL)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_FAILED,
                   _("The ledger server cannot be used: out of memory."));
      return NULL;
    }
  if (PQstatus (conn) != CONNECTION_OK)
    {
      set_connect_error (conn, error);
      PQfinish (conn);
      return NULL;
    }
  PQsetNoticeProcessor (conn, on_notice, NULL);
  res = PQexec (conn, "SET search_path = motcua, pg_catalog; SET datestyle = ISO; SET client_encoding = UTF8");
  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    {
      set_connect_error (conn, error);
      PQclear (res);
      PQfinish (conn);
      return NULL;
    }
  PQclear (res);
  return conn;
}

/* ---- The watchdog --------------------------------------------------------- */

static gpointer
watchdog_thread (gpointer data)
{
  McPgLedger *self = data;

  g_mutex_lock (&self->wd_lock);
  while (!self->wd_quit)
    {
      if (self->wd_deadline == 0)
        g_cond_wait (&self->wd_cond, &self->wd_lock);
      else if (g_get_monotonic_time () >= self->wd_deadline)
        {
          /* libpq's wait then returns, and the call fails. */
          if (self->wd_fd >= 0)
            shutdown (self->wd_fd, SHUT_RDWR);
          self->wd_fired = TRUE;
          self->wd_deadline = 0;
        }
      else
        g_cond_wait_until (&self->wd_cond, &self->wd_lock, self->wd_deadline);
    }
  g_mutex_unlock (&self->wd_lock);
  return NULL;
}

void
mc_pg_arm (McPgLedger *self)
{
  if (self->stall_ms == 0 || self->conn == NULL)
    return;
  g_mutex_lock (&self->wd_lock);
  if (self->wd_thread == NULL)
    self->wd_thread = g_thread_new ("ledger server watchdog", watchdog_thread, self);
  self->wd_fd = PQsocket (self->conn);
  self->wd_fired = FALSE;
  self->wd_deadline = g_get_monotonic_time () + (gint64) self->stall_ms * 1000;
  g_cond_signal (&self->wd_cond);
  g_mutex_unlock (&self->wd_lock);
}

gboolean
mc_pg_disarm (McPgLedger *self)
{
  gboolean fired;

  g_mutex_lock (&self->wd_lock);
  fired = self->wd_fired;
  self->wd_fired = FALSE;
  self->wd_deadline = 0;
  self->wd_fd = -1;
  g_mutex_unlock (&self->wd_lock);
  return fired;
}

void
mc_pg_set_stall_error (McPgLedger  *self,
                       GError     **error)
{
  guint seconds = MAX (self->stall_ms / 1000, 1);

  g_clear_error (error);
  g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_OFFLINE,
               ngettext ("The ledger server %s stopped answering for %u second, so the connection was closed. Nothing is lost: what was not confirmed is sent again later.",
                         "The ledger server %s stopped answering for %u seconds, so the connection was closed. Nothing is lost: what was not confirmed is sent again later.",
                         seconds),
               mc_pg_where (self->conn), seconds);
}

void
mc_pg_ledger_set_stall_timeout (McPgLedger *self,
                                guint       ms)
{
  g_return_if_fail (MC_IS_PG_LEDGER (self));
  self->stall_ms = ms;
}

/* Called with the lock held: a broken connection is made again. */
gboolean
mc_pg_ensure_connected (McPgLedger  *self,
                        GError     **error)
{
  /* A server that went away since the last call (restarted, killed)
   * is found by an empty query, one short round trip, and the connection
   * is made again; a call then never fails on a connection that was
   * already dead before it began. */
  if (self->conn != NULL && PQstatus (self->conn) == CONNECTION_OK)
    {
      PGresult *res;
      gboolean stalled;

      mc_pg_arm (self);
      res = PQexec (self->conn, "");
      stalled = mc_pg_disarm (self);
      if (PQresultStatus (res) == PGRES_EMPTY_QUERY)
        {
          PQclear (res);
          return TRUE;
        }
      PQclear (res);
      if (stalled)
        {
          /* Connecting again would only wait on the same silence. */
          mc_pg_set_stall_error (self, error);
          g_clear_pointer (&self->conn, PQfinish);
          return FALSE;
        }
    }
  g_clear_pointer (&self->conn, PQfinish);
  self->conn = connect_server (self->conninfo, error);
  return self->conn != NULL;
}

PGresult *
mc_pg_query (McPgLedger         *self,
             const char         *sql,
             GPtrArray          *params,
             GError            **error)
{
  /* Without parameters, the simple protocol: it takes several commands. */
  PGresult *res = params == NULL
    ? PQexec (self->conn, sql)
    : PQexecParams (self->conn, sql, (int) params->len, NULL,
                    (const char * const *) params->pdata, NULL, NULL, 0);
  ExecStatusType st = PQresultStatus (res);

  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    {
      mc_pg_set_result_error (self, res, error);
      PQclear (res);
      return NULL;
    }
  return res;
}

gboolean
mc_pg_exec (McPgLedger  *self,
            const char  *sql,
            GError     **error)
{
  g_autoptr(PGresult) res = mc_pg_query (self, sql, NULL, error);

  return res != NULL;
}

void
mc_pg_rollback (McPgLedger *self)
{
  if (PQstatus (self->conn) == CONNECTION_OK)
    PQclear (PQexec (self->conn, "ROLLBACK"));
}

McPgLedger *
mc_pg_ledger_open (const char  *conninfo,
                   GError     **error)
{
  g_autoptr(McPgLedger) self = g_object_new (MC_TYPE_PG_LEDGER, NULL);
  g_autoptr(PGresult) res = NULL;
  int version = 0;

  g_return_val_if_fail (conninfo != NULL, NULL);

  self->conninfo = g_strdup (conninfo);
  if (!mc_pg_ensure_connected (self, error) || !mc_pg_read_version (self, &version, error))
    return NULL;
  if (version == 0)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_MISSING,
                   _("The server %s has no Một Cửa ledger yet: run “motcua-tool ledger server-init” there first."),
                   mc_pg_where (self->conn));
      return NULL;
    }
  if (version > MC_PG_LEDGER_SCHEMA_VERSION)
    {
      int needs = 0;

      if (!mc_pg_read_needs (self, &needs, error))
        return NULL;
      if (needs > MC_PG_LEDGER_SCHEMA_VERSION)
        {
          g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_TOO_NEW,
                       _("The ledger server %s was set up by a newer version of Một Cửa (ledger version %d; this program knows up to %d). Update Một Cửa."),
                       mc_pg_where (self->conn), version, MC_PG_LEDGER_SCHEMA_VERSION);
          return NULL;
        }
    }
  if (version < MC_PG_LEDGER_SCHEMA_OLDEST)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_TOO_NEW,
                   _("The ledger server %s needs updating to this version of Một Cửa: run “motcua-tool ledger server-init” there."),
                   mc_pg_where (self->conn));
      return NULL;
    }
  if (!(res = mc_pg_query (self, "SELECT server_id FROM ledger_meta", NULL, error)))
    return NULL;
  self->server_id = g_strdup (PQgetvalue (res, 0, 0));
  return g_steal_pointer (&self);
}

gboolean
mc_pg_ledger_ping (McPgLedger  *self,
                   GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (MC_IS_PG_LEDGER (self), FALSE);

  g_mutex_lock (&self->lock);
  ok = mc_pg_ensure_connected (self, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

const char *
mc_pg_ledger_get_server_id (McPgLedger *self)
{
  g_return_val_if_fail (MC_IS_PG_LEDGER (self), NULL);
  return self->server_id;
}

/* ---- Events ------------------------------------------------------------ */

const char *
mc_pg_value (PGresult *res,
             int       row,
             int       col)
{
  return PQgetisnull (res, row, col) ? NULL : PQgetvalue (res, row, col);
}

char *
mc_pg_value_dup (PGresult *res,
                 int       row,
                 int       col)
{
  return g_strdup (mc_pg_value (res, row, col));
}

McLedgerEvent *
mc_pg_event_from_row (McPgLedger  *self,
                      PGresult    *res,
                      int          row,
                      GError     **error)
{
  g_autoptr(McLedgerEvent) event = g_new0 (McLedgerEvent, 1);
  const char *text;
  gboolean ok = TRUE;

  event->uuid = mc_pg_value_dup (res, row, 0);
  ok &= mc_event_kind_from_string (mc_pg_value (res, row, 1), &event->kind);
  event->filing_uuid = mc_pg_value_dup (res, row, 2);
  event->corrects_uuid = mc_pg_value_dup (res, row, 3);
  event->at_us = g_ascii_strtoll (mc_pg_value (res, row, 4), NULL, 10);
  ok &= mc_day_parse (mc_pg_value (res, row, 5), &event->local_day);
  event->visit_id = mc_pg_value_dup (res, row, 6);
  event->ward_code = mc_pg_value_dup (res, row, 7);
  event->counter = mc_pg_value_dup (res, row, 8);
  event->clerk = mc_pg_value_dup (res, row, 9);
  event->procedure = mc_pg_value_dup (res, row, 10);
  if ((text = mc_pg_value (res, row, 11)) != NULL)
    ok &= mc_channel_from_string (text, &event->channel);
  if ((text = mc_pg_value (res, row, 12)) != NULL)
    event->pages = atoi (text);
  event->receipt = mc_pg_value_dup (res, row, 13);
  if ((text = mc_pg_value (res, row, 14)) != NULL)
    ok &= mc_filing_status_from_string (text, &event->status);
  if ((text = mc_pg_value (res, row, 15)) != NULL)
    ok &= mc_source_from_string (text, &event->source);
  event->voids = g_strcmp0 (mc_pg_value (res, row, 16), "t") == 0;
  if ((text = mc_pg_value (res, row, 17)) != NULL)
    ok &= mc_correction_reason_from_string (text, &event->reason);

  if (!ok)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CORRUPT,
                   _("The ledger server %s holds an event that cannot be read (%s)."),
                   mc_pg_where (self->conn), event->uuid ? event->uuid : "?");
      return NULL;
    }
  return g_steal_pointer (&event);
}

gboolean
mc_pg_query_int (McPgLedger  *self,
                 const char  *sql,
                 gint64      *out,
                 GError     **error)
{
  g_autoptr(PGresult) res = mc_pg_query (self, sql, NULL, error);

  if (res == NULL)
    return FALSE;
  *out = PQntuples (res) > 0 ? g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10) : 0;
  return TRUE;
}

/* ---- GObject ----------------------------------------------------------- */

static void
mc_pg_ledger_finalize (GObject *object)
{
  McPgLedger *self = MC_PG_LEDGER (object);

  if (self->wd_thread != NULL)
    {
      g_mutex_lock (&self->wd_lock);
      self->wd_quit = TRUE;
      g_cond_signal (&self->wd_cond);
      g_mutex_unlock (&self->wd_lock);
      g_thread_join (self->wd_thread);
    }
  g_mutex_clear (&self->wd_lock);
  g_cond_clear (&self->wd_cond);
  g_clear_pointer (&self->conn, PQfinish);
  g_mutex_clear (&self->lock);
  /* It may hold the password (from the password store). */
  g_clear_pointer (&self->conninfo, mc_ledger_server_password_free);
  g_free (self->server_id);

  G_OBJECT_CLASS (mc_pg_ledger_parent_class)->finalize (object);
}

static void
mc_pg_ledger_class_init (McPgLedgerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_pg_ledger_finalize;
}

static void
mc_pg_ledger_init (McPgLedger *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->wd_lock);
  g_cond_init (&self->wd_cond);
  self->wd_fd = -1;
}

static void
mc_pg_ledger_store_init (McLedgerStoreInterface *iface)
{
  iface->append = mc_pg_ledger_store_append;
  iface->lookup_event = mc_pg_ledger_store_lookup_event;
  iface->lookup_filing = mc_pg_ledger_store_lookup_filing;
  iface->count = mc_pg_ledger_store_count;
  iface->list_filings = mc_pg_ledger_store_list_filings;
  iface->foreach_event = mc_pg_ledger_store_foreach_event;
  iface->check = mc_pg_ledger_store_check;
  iface->change_stamp = mc_pg_ledger_store_change_stamp;
}
