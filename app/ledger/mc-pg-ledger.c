/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <string.h>
#include <libpq-fe.h>
#include <glib/gi18n.h>

#include "mc-pg-ledger.h"

/* Two concurrent pushes may lock the same per-day counts in opposite
 * orders; the server then aborts one of them, which is tried again. */
#define DEADLOCK_RETRIES 5

struct _McPgLedger
{
  GObject  parent_instance;

  char    *conninfo;
  char    *server_id;
  /* One connection, one caller at a time. */
  GMutex   lock;
  PGconn  *conn;
};

static void mc_pg_ledger_store_init (McLedgerStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (McPgLedger, mc_pg_ledger, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MC_TYPE_LEDGER_STORE, mc_pg_ledger_store_init))

/* ---- Schema ------------------------------------------------------------ */

#define CHANNELS "('national', 'provincial', 'residence', 'linked', 'other', 'paper')"
#define STATUSES "('submitted', 'accepted', 'supplement', 'rejected', 'completed', 'withdrawn')"

/* Schema 1: the events, as in the SQLite ledger (schema 3), with the
 * projection and the per-day counts kept by triggers that run as the
 * schema's owner; the counters' role may only add and read events.
 * UUIDs are text in the "C" collation: ties between corrections are
 * broken by byte order, as SQLite does. */
static const char migration_1[] =
  "CREATE TABLE ledger_meta ("
  "  id        int PRIMARY KEY CHECK (id = 1),"
  "  server_id text NOT NULL DEFAULT gen_random_uuid ()::text,"
  "  created   timestamptz NOT NULL DEFAULT now ()"
  ");"
  "INSERT INTO ledger_meta (id) VALUES (1);"

  "CREATE TABLE events ("
  "  seq           bigserial PRIMARY KEY,"
  "  uuid          text COLLATE \"C\" NOT NULL UNIQUE CHECK (length (uuid) = 36),"
  "  kind          text NOT NULL CHECK (kind IN ('filing', 'status', 'correction')),"
  "  filing_uuid   text COLLATE \"C\" NOT NULL REFERENCES events (uuid),"
  "  corrects_uuid text COLLATE \"C\" REFERENCES events (uuid),"
  "  at_us         bigint NOT NULL,"
  "  local_date    date NOT NULL,"
  "  visit_id      text,"
  "  ward_code     text,"
  "  counter       text,"
  "  clerk         text,"
  "  procedure     text,"
  "  channel       text CHECK (channel IN " CHANNELS "),"
  "  pages         int CHECK (pages >= 0),"
  "  receipt       text,"
  "  status        text CHECK (status IN " STATUSES "),"
  "  source        text CHECK (source IN ('visit', 'manual')),"
  "  voids         boolean NOT NULL DEFAULT false,"
  "  reason        text,"
  "  received      timestamptz NOT NULL DEFAULT now (),"
  "  CHECK ((kind = 'filing') = (filing_uuid = uuid)),"
  "  CHECK ((kind = 'correction') = (corrects_uuid IS NOT NULL)),"
  "  CHECK (kind = 'status' OR (ward_code IS NOT NULL AND counter IS NOT NULL AND"
  "         procedure IS NOT NULL AND channel IS NOT NULL AND pages IS NOT NULL)),"
  "  CHECK (kind = 'correction' OR status IS NOT NULL),"
  "  CHECK (kind <> 'filing' OR source IS NOT NULL),"
  "  CHECK (kind = 'correction' OR NOT voids)"
  ");"
  "CREATE INDEX events_by_filing ON events (filing_uuid);"

  "CREATE TABLE filings ("
  "  seq        bigint PRIMARY KEY REFERENCES events (seq),"
  "  head_seq   bigint NOT NULL REFERENCES events (seq),"
  "  status_seq bigint NOT NULL REFERENCES events (seq),"
  "  local_date date NOT NULL,"
  "  ward_code  text NOT NULL,"
  "  counter    text NOT NULL,"
  "  procedure  text NOT NULL,"
  "  channel    text NOT NULL,"
  "  status     text NOT NULL,"
  "  voided     boolean NOT NULL"
  ");"
  "CREATE INDEX filings_by_date ON filings (local_date, ward_code);"
  "CREATE TABLE day_counter ("
  "  local_date date NOT NULL, ward_code text NOT NULL, counter text NOT NULL,"
  "  n bigint NOT NULL CHECK (n >= 0),"
  "  PRIMARY KEY (local_date, ward_code, counter));"
  "CREATE TABLE day_procedure_channel ("
  "  local_date date NOT NULL, ward_code text NOT NULL, procedure text NOT NULL, channel text NOT NULL,"
  "  n bigint NOT NULL CHECK (n >= 0),"
  "  PRIMARY KEY (local_date, ward_code, procedure, channel));"

  "CREATE FUNCTION refuse_change () RETURNS trigger LANGUAGE plpgsql AS $$"
  " BEGIN"
  "  RAISE EXCEPTION 'the ledger is append-only: events are never changed or deleted';"
  " END $$;"
  "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events"
  " FOR EACH ROW EXECUTE FUNCTION refuse_change ();"
  "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events"
  " FOR EACH STATEMENT EXECUTE FUNCTION refuse_change ();"

  /* Codes MC001 (what it points at is missing) and MC002 (dated before
   * it) let the program say which. */
  "CREATE FUNCTION check_refs () RETURNS trigger LANGUAGE plpgsql"
  " SECURITY DEFINER SET search_path = motcua, pg_catalog AS $$"
  " DECLARE f events; c events;"
  " BEGIN"
  "  IF NEW.kind = 'filing' THEN RETURN NEW; END IF;"
  "  SELECT * INTO f FROM events WHERE uuid = NEW.filing_uuid AND kind = 'filing';"
  "  IF NOT FOUND THEN"
  "   RAISE EXCEPTION 'the event points at a filing that is not in the ledger' USING ERRCODE = 'MC001';"
  "  END IF;"
  "  IF NEW.kind = 'status' THEN"
  "   IF f.at_us >= NEW.at_us THEN"
  "    RAISE EXCEPTION 'a status change must be later than its filing' USING ERRCODE = 'MC002';"
  "   END IF;"
  "   RETURN NEW;"
  "  END IF;"
  "  SELECT * INTO c FROM events WHERE uuid = NEW.corrects_uuid AND filing_uuid = NEW.filing_uuid"
  "   AND kind IN ('filing', 'correction');"
  "  IF NOT FOUND THEN"
  "   RAISE EXCEPTION 'a correction must point at a record of the same filing' USING ERRCODE = 'MC001';"
  "  END IF;"
  "  IF c.at_us >= NEW.at_us THEN"
  "   RAISE EXCEPTION 'a correction must be later than what it corrects' USING ERRCODE = 'MC002';"
  "  END IF;"
  "  RETURN NEW;"
  " END $$;"
  "CREATE TRIGGER events_check_refs BEFORE INSERT ON events"
  " FOR EACH ROW EXECUTE FUNCTION check_refs ();"

  "CREATE FUNCTION count_filing (d date, w text, c text, p text, ch text, delta int)"
  " RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = motcua, pg_catalog AS $$"
  " BEGIN"
  /* A filing leaving a count: its row exists, and an INSERT of a
   * negative row would fail its check before meeting the conflict. */
  "  IF delta < 0 THEN"
  "   UPDATE day_counter SET n = n + delta WHERE local_date = d AND ward_code = w AND counter = c;"
  "   UPDATE day_procedure_channel SET n = n + delta"
  "    WHERE local_date = d AND ward_code = w AND procedure = p AND channel = ch;"
  "   RETURN;"
  "  END IF;"
  "  INSERT INTO day_counter AS t VALUES (d, w, c, delta)"
  "   ON CONFLICT (local_date, ward_code, counter) DO UPDATE SET n = t.n + delta;"
  "  INSERT INTO day_procedure_channel AS t VALUES (d, w, p, ch, delta)"
  "   ON CONFLICT (local_date, ward_code, procedure, channel) DO UPDATE SET n = t.n + delta;"
  " END $$;"

  /* A correction or a status change wins over another when its
   * (at, uuid) is greater, whatever order they arrive in. */
  "CREATE FUNCTION project_event () RETURNS trigger LANGUAGE plpgsql"
  " SECURITY DEFINER SET search_path = motcua, pg_catalog AS $$"
  " DECLARE f filings; h events;"
  " BEGIN"
  "  IF NEW.kind = 'filing' THEN"
  "   INSERT INTO filings VALUES (NEW.seq, NEW.seq, NEW.seq, NEW.local_date, NEW.ward_code, NEW.counter,"
  "                               NEW.procedure, NEW.channel, NEW.status, false);"
  "   PERFORM count_filing (NEW.local_date, NEW.ward_code, NEW.counter, NEW.procedure, NEW.channel, 1);"
  "   RETURN NULL;"
  "  END IF;"
  "  SELECT fl.* INTO f FROM filings fl JOIN events fe ON fe.seq = fl.seq"
  "   WHERE fe.uuid = NEW.filing_uuid FOR UPDATE OF fl;"
  "  IF NEW.kind = 'correction' THEN"
  "   SELECT * INTO h FROM events WHERE seq = f.head_seq;"
  "   IF h.at_us < NEW.at_us OR (h.at_us = NEW.at_us AND h.uuid < NEW.uuid) THEN"
  "    IF NOT f.voided THEN"
  "     PERFORM count_filing (f.local_date, f.ward_code, f.counter, f.procedure, f.channel, -1);"
  "    END IF;"
  "    UPDATE filings SET head_seq = NEW.seq, local_date = NEW.local_date, ward_code = NEW.ward_code,"
  "           counter = NEW.counter, procedure = NEW.procedure, channel = NEW.channel, voided = NEW.voids"
  "     WHERE seq = f.seq;"
  "    IF NOT NEW.voids THEN"
  "     PERFORM count_filing (NEW.local_date, NEW.ward_code, NEW.counter, NEW.procedure, NEW.channel, 1);"
  "    END IF;"
  "   END IF;"
  "  ELSE"
  "   SELECT * INTO h FROM events WHERE seq = f.status_seq;"
  "   IF h.at_us < NEW.at_us OR (h.at_us = NEW.at_us AND h.uuid < NEW.uuid) THEN"
  "    UPDATE filings SET status_seq = NEW.seq, status = NEW.status WHERE seq = f.seq;"
  "   END IF;"
  "  END IF;"
  "  RETURN NULL;"
  " END $$;"
  "CREATE TRIGGER events_project AFTER INSERT ON events"
  " FOR EACH ROW EXECUTE FUNCTION project_event ();"

  /* Roles: a counter adds and reads events; a supervisor reads. Logins
   * are made by the server's administrator and granted one of these. */
  "DO $$ BEGIN"
  "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'motcua_counter') THEN"
  "   CREATE ROLE motcua_counter NOLOGIN;"
  "  END IF;"
  "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'motcua_reader') THEN"
  "   CREATE ROLE motcua_reader NOLOGIN;"
  "  END IF;"
  " END $$;"
  "REVOKE ALL ON ALL TABLES IN SCHEMA motcua FROM PUBLIC;"
  "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA motcua FROM PUBLIC;"
  "GRANT USAGE ON SCHEMA motcua TO motcua_counter, motcua_reader;"
  "GRANT SELECT ON ALL TABLES IN SCHEMA motcua TO motcua_counter, motcua_reader;"
  "GRANT INSERT ON events TO motcua_counter;"
  "GRANT USAGE ON SEQUENCE events_seq_seq TO motcua_counter;";

static const char * const migrations[] = {
  NULL,
  migration_1,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == MC_PG_LEDGER_SCHEMA_VERSION + 1);

static const char * const safeguard_triggers[] = {
  "events_append_only", "events_no_truncate", "events_check_refs", "events_project",
};

/* ---- Errors ------------------------------------------------------------ */

static const char *
where (PGconn *conn)
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
  const char *host = where (conn);

  if (PQconnectionNeedsPassword (conn))
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_AUTH,
                 _("The ledger server %s needs a password for this counter, and none was found. Nothing is lost: the filings stay on this counter. Ask the ward’s administrator to set the password up."),
                 host);
  else if (strstr (detail, "password authentication failed") != NULL ||
           strstr (detail, "authentication failed") != NULL)
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_AUTH,
                 _("The ledger server %s refused this counter’s account or password. Nothing is lost: the filings stay on this counter. Ask the ward’s administrator to check the password."),
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

static void
set_result_error (McPgLedger  *self,
                  PGresult    *res,
                  GError     **error)
{
  const char *state = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = res ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  g_autofree char *detail = first_line (primary ? primary
                                        : res && PQresultErrorMessage (res)[0] ? PQresultErrorMessage (res)
                                        : PQerrorMessage (self->conn));
  const char *host = where (self->conn);

  if (PQstatus (self->conn) == CONNECTION_BAD || state == NULL || g_str_has_prefix (state, "08") ||
      g_str_has_prefix (state, "57P"))
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_OFFLINE,
                 _("The connection to the ledger server %s was lost (%s). Nothing is lost: what was not confirmed is sent again."),
                 host, detail);
  else if (g_str_has_prefix (state, "28"))
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_AUTH,
                 _("The ledger server %s refused this counter’s account (%s)."), host, detail);
  else if (g_str_equal (state, "42501"))
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

/* Called with the lock held: a broken connection is made again. */
static gboolean
ensure_connected (McPgLedger  *self,
                  GError     **error)
{
  /* A server that went away since the last call (restarted, killed)
   * is found by an empty query, one short round trip, and the connection
   * is made again; a call then never fails on a connection that was
   * already dead before it began. */
  if (self->conn != NULL && PQstatus (self->conn) == CONNECTION_OK)
    {
      PGresult *res = PQexec (self->conn, "");

      if (PQresultStatus (res) == PGRES_EMPTY_QUERY)
        {
          PQclear (res);
          return TRUE;
        }
      PQclear (res);
    }
  g_clear_pointer (&self->conn, PQfinish);
  self->conn = connect_server (self->conninfo, error);
  return self->conn != NULL;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

static PGresult *
query (McPgLedger         *self,
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
      set_result_error (self, res, error);
      PQclear (res);
      return NULL;
    }
  return res;
}

static gboolean
exec (McPgLedger  *self,
      const char  *sql,
      GError     **error)
{
  g_autoptr(PGresult) res = query (self, sql, NULL, error);

  return res != NULL;
}

static void
rollback (McPgLedger *self)
{
  if (PQstatus (self->conn) == CONNECTION_OK)
    PQclear (PQexec (self->conn, "ROLLBACK"));
}

static gboolean
is_deadlock (const GError *error)
{
  return g_error_matches (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUSY);
}

/* ---- Schema setup ------------------------------------------------------ */

static gboolean
read_version (McPgLedger  *self,
              int         *version,
              GError     **error)
{
  g_autoptr(PGresult) exists = query (self, "SELECT to_regclass ('motcua.schema_migrations') IS NOT NULL",
                                      NULL, error);
  g_autoptr(PGresult) res = NULL;

  if (exists == NULL)
    return FALSE;
  *version = 0;
  if (!g_str_equal (PQgetvalue (exists, 0, 0), "t"))
    return TRUE;
  res = query (self, "SELECT coalesce (max (version), 0) FROM motcua.schema_migrations", NULL, error);
  if (res == NULL)
    return FALSE;
  *version = atoi (PQgetvalue (res, 0, 0));
  return TRUE;
}

gboolean
mc_pg_ledger_server_init (const char  *conninfo,
                          GError     **error)
{
  g_autoptr(McPgLedger) self = g_object_new (MC_TYPE_PG_LEDGER, NULL);
  int version = 0;

  g_return_val_if_fail (conninfo != NULL, FALSE);

  self->conninfo = g_strdup (conninfo);
  if (!ensure_connected (self, error))
    return FALSE;

  /* One migration at a time, whoever else runs server-init. */
  if (!exec (self, "BEGIN", error))
    return FALSE;
  if (!exec (self, "SELECT pg_advisory_xact_lock (1296256071)", error) ||
      !exec (self, "CREATE SCHEMA IF NOT EXISTS motcua", error) ||
      !exec (self, "CREATE TABLE IF NOT EXISTS motcua.schema_migrations ("
                   "  version int PRIMARY KEY,"
                   "  applied timestamptz NOT NULL DEFAULT now ())", error) ||
      !read_version (self, &version, error))
    goto fail;

  if (version > MC_PG_LEDGER_SCHEMA_VERSION)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_TOO_NEW,
                   _("The ledger server %s was set up by a newer version of Một Cửa (ledger version %d; this program knows up to %d). It has not been changed; update Một Cửa."),
                   where (self->conn), version, MC_PG_LEDGER_SCHEMA_VERSION);
      goto fail;
    }
  for (int v = version + 1; v <= MC_PG_LEDGER_SCHEMA_VERSION; v++)
    {
      g_autofree char *mark = g_strdup_printf ("INSERT INTO motcua.schema_migrations (version) VALUES (%d)", v);

      if (!exec (self, migrations[v], error) || !exec (self, mark, error))
        {
          g_prefix_error (error, _("Updating the ledger server to version %d failed, and it was left as it was: "), v);
          goto fail;
        }
    }
  return exec (self, "COMMIT", error);

fail:
  rollback (self);
  return FALSE;
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
  if (!ensure_connected (self, error) || !read_version (self, &version, error))
    return NULL;
  if (version == 0)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_MISSING,
                   _("The server %s has no Một Cửa ledger yet: run “motcua-tool ledger server-init” there first."),
                   where (self->conn));
      return NULL;
    }
  if (version > MC_PG_LEDGER_SCHEMA_VERSION)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_TOO_NEW,
                   _("The ledger server %s was set up by a newer version of Một Cửa (ledger version %d; this program knows up to %d). Update Một Cửa."),
                   where (self->conn), version, MC_PG_LEDGER_SCHEMA_VERSION);
      return NULL;
    }
  if (version < MC_PG_LEDGER_SCHEMA_VERSION)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_TOO_NEW,
                   _("The ledger server %s needs updating to this version of Một Cửa: run “motcua-tool ledger server-init” there."),
                   where (self->conn));
      return NULL;
    }
  if (!(res = query (self, "SELECT server_id FROM ledger_meta", NULL, error)))
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
  ok = ensure_connected (self, error);
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

#define EVENT_COLUMNS \
  "uuid, kind, filing_uuid, corrects_uuid, at_us, local_date, visit_id, ward_code, counter, clerk," \
  " procedure, channel, pages, receipt, status, source, voids, reason"

static const char *
value (PGresult *res,
       int       row,
       int       col)
{
  return PQgetisnull (res, row, col) ? NULL : PQgetvalue (res, row, col);
}

static char *
value_dup (PGresult *res,
           int       row,
           int       col)
{
  return g_strdup (value (res, row, col));
}

static McLedgerEvent *
event_from_row (McPgLedger  *self,
                PGresult    *res,
                int          row,
                GError     **error)
{
  g_autoptr(McLedgerEvent) event = g_new0 (McLedgerEvent, 1);
  const char *text;
  gboolean ok = TRUE;

  event->uuid = value_dup (res, row, 0);
  ok &= mc_event_kind_from_string (value (res, row, 1), &event->kind);
  event->filing_uuid = value_dup (res, row, 2);
  event->corrects_uuid = value_dup (res, row, 3);
  event->at_us = g_ascii_strtoll (value (res, row, 4), NULL, 10);
  ok &= mc_day_parse (value (res, row, 5), &event->local_day);
  event->visit_id = value_dup (res, row, 6);
  event->ward_code = value_dup (res, row, 7);
  event->counter = value_dup (res, row, 8);
  event->clerk = value_dup (res, row, 9);
  event->procedure = value_dup (res, row, 10);
  if ((text = value (res, row, 11)) != NULL)
    ok &= mc_channel_from_string (text, &event->channel);
  if ((text = value (res, row, 12)) != NULL)
    event->pages = atoi (text);
  event->receipt = value_dup (res, row, 13);
  if ((text = value (res, row, 14)) != NULL)
    ok &= mc_filing_status_from_string (text, &event->status);
  if ((text = value (res, row, 15)) != NULL)
    ok &= mc_source_from_string (text, &event->source);
  event->voids = g_strcmp0 (value (res, row, 16), "t") == 0;
  if ((text = value (res, row, 17)) != NULL)
    ok &= mc_correction_reason_from_string (text, &event->reason);

  if (!ok)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CORRUPT,
                   _("The ledger server %s holds an event that cannot be read (%s)."),
                   where (self->conn), event->uuid ? event->uuid : "?");
      return NULL;
    }
  return g_steal_pointer (&event);
}

static McLedgerEvent *
lookup_event_locked (McPgLedger  *self,
                     const char  *uuid,
                     GError     **error)
{
  g_autoptr(GPtrArray) params = g_ptr_array_new ();
  g_autoptr(PGresult) res = NULL;

  g_ptr_array_add (params, (gpointer) uuid);
  res = query (self, "SELECT " EVENT_COLUMNS " FROM events WHERE uuid = $1", params, error);
  if (res == NULL || PQntuples (res) == 0)
    return NULL;
  return event_from_row (self, res, 0, error);
}

#define INSERT_EVENT \
  "INSERT INTO events (" EVENT_COLUMNS ") VALUES" \
  " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)" \
  " ON CONFLICT (uuid) DO NOTHING RETURNING seq"

/* Sends at most this many INSERTs before reading their answers, so
 * neither side's socket buffer fills while the other waits. */
#define PIPELINE_CHUNK 256

static GPtrArray *
event_params (const McLedgerEvent *e)
{
  GPtrArray *params = g_ptr_array_new_with_free_func (g_free);
  gboolean countable = e->kind != MC_EVENT_STATUS;

#define P(x) g_ptr_array_add (params, (x))
  P (g_strdup (e->uuid));
  P (g_strdup (mc_event_kind_to_string (e->kind)));
  P (g_strdup (e->filing_uuid));
  P (g_strdup (e->corrects_uuid));
  P (g_strdup_printf ("%" G_GINT64_FORMAT, e->at_us));
  P (mc_day_format (e->local_day));
  P (g_strdup (e->kind == MC_EVENT_FILING ? e->visit_id : NULL));
  P (g_strdup (countable ? e->ward_code : NULL));
  P (g_strdup (countable ? e->counter : NULL));
  P (g_strdup (countable ? e->clerk : NULL));
  P (g_strdup (countable ? e->procedure : NULL));
  P (g_strdup (countable ? mc_channel_to_string (e->channel) : NULL));
  P (countable ? g_strdup_printf ("%d", e->pages) : NULL);
  P (g_strdup (countable ? e->receipt : NULL));
  P (g_strdup (e->kind != MC_EVENT_CORRECTION ? mc_filing_status_to_string (e->status) : NULL));
  P (g_strdup (e->kind == MC_EVENT_FILING ? mc_source_to_string (e->source) : NULL));
  P (g_strdup (e->kind == MC_EVENT_CORRECTION && e->voids ? "t" : "f"));
  P (g_strdup (e->kind == MC_EVENT_CORRECTION ? mc_correction_reason_to_string (e->reason) : NULL));
#undef P
  return params;
}

/* The INSERTs of events[first..first+n) in one pipeline round trip
 * (libpq's pipeline mode): added[i] tells which were new. The first
 * error is kept; the server skips the rest until the sync. */
static gboolean
insert_chunk (McPgLedger            *self,
              McLedgerEvent * const *events,
              guint                  n,
              gboolean              *added,
              GError               **error)
{
  gboolean ok = TRUE;
  guint i = 0;

  if (!PQenterPipelineMode (self->conn))
    {
      set_result_error (self, NULL, error);
      return FALSE;
    }
  for (guint k = 0; k < n; k++)
    {
      g_autoptr(GPtrArray) params = event_params (events[k]);

      if (!PQsendQueryParams (self->conn, INSERT_EVENT, (int) params->len, NULL,
                              (const char * const *) params->pdata, NULL, NULL, 0))
        {
          ok = FALSE;
          break;
        }
    }
  if (!ok || !PQpipelineSync (self->conn))
    {
      set_result_error (self, NULL, error);
      /* The connection is in an unknown state: start afresh. */
      g_clear_pointer (&self->conn, PQfinish);
      return FALSE;
    }

  /* Each INSERT's answer is followed by NULL; the sync ends the chunk. */
  for (;;)
    {
      PGresult *res = PQgetResult (self->conn);
      ExecStatusType st;

      if (res == NULL)
        {
          if (PQstatus (self->conn) == CONNECTION_BAD)
            {
              if (ok)
                set_result_error (self, NULL, error);
              ok = FALSE;
              break;
            }
          continue;
        }
      st = PQresultStatus (res);
      if (st == PGRES_PIPELINE_SYNC)
        {
          PQclear (res);
          break;
        }
      if (st == PGRES_TUPLES_OK && i < n)
        added[i++] = PQntuples (res) == 1;
      else if (st != PGRES_PIPELINE_ABORTED && ok)
        {
          set_result_error (self, res, error);
          ok = FALSE;
        }
      PQclear (res);
    }
  if (self->conn != NULL && PQstatus (self->conn) == CONNECTION_OK)
    PQexitPipelineMode (self->conn);
  return ok && i == n;
}

static gboolean
append_once (McPgLedger            *self,
             McLedgerEvent * const *events,
             guint                  n_events,
             McLedgerAppendResult  *counts,
             GError               **error)
{
  g_autofree gboolean *added = g_new0 (gboolean, MAX (n_events, 1));

  *counts = (McLedgerAppendResult) { 0, 0 };
  if (!exec (self, "BEGIN", error))
    return FALSE;

  for (guint i = 0; i < n_events; i += PIPELINE_CHUNK)
    if (!insert_chunk (self, events + i, MIN (PIPELINE_CHUNK, n_events - i), added + i, error))
      goto fail;

  for (guint i = 0; i < n_events; i++)
    {
      const McLedgerEvent *e = events[i];
      g_autoptr(McLedgerEvent) existing = NULL;

      if (added[i])
        {
          counts->n_added++;
          continue;
        }
      /* Already there: the same event again is fine, another is not. */
      existing = lookup_event_locked (self, e->uuid, error);
      if (existing == NULL)
        {
          if (error == NULL || *error == NULL)
            g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_FAILED,
                         _("The ledger server %s lost event %s while it was being recorded."),
                         where (self->conn), e->uuid);
          goto fail;
        }
      if (!mc_ledger_event_equal (existing, e))
        {
          g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CONFLICT,
                       _("Event %s is already on the ledger server with different contents. Nothing was recorded."),
                       e->uuid);
          goto fail;
        }
      counts->n_present++;
    }
  return exec (self, "COMMIT", error);

fail:
  if (self->conn != NULL)
    rollback (self);
  return FALSE;
}

static gboolean
mc_pg_ledger_append (McLedgerStore         *store,
                     McLedgerEvent * const *events,
                     guint                  n_events,
                     McLedgerAppendResult  *result,
                     GError               **error)
{
  McPgLedger *self = MC_PG_LEDGER (store);
  McLedgerAppendResult counts = { 0, 0 };
  gboolean ok = FALSE;

  for (guint i = 0; i < n_events; i++)
    if (!mc_ledger_event_validate (events[i], error))
      return FALSE;

  g_mutex_lock (&self->lock);
  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!ensure_connected (self, &local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          break;
        }
      if (append_once (self, events, n_events, &counts, &local_error))
        {
          *result = counts;
          ok = TRUE;
          break;
        }
      if (!is_deadlock (local_error) || attempt == DEADLOCK_RETRIES)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          break;
        }
      g_usleep ((attempt + 1) * g_random_int_range (1000, 20000));
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

static McLedgerEvent *
mc_pg_ledger_lookup_event (McLedgerStore  *store,
                           const char     *uuid,
                           GError        **error)
{
  McPgLedger *self = MC_PG_LEDGER (store);
  McLedgerEvent *event = NULL;

  g_mutex_lock (&self->lock);
  if (ensure_connected (self, error))
    event = lookup_event_locked (self, uuid, error);
  g_mutex_unlock (&self->lock);
  return event;
}

/* ---- Filings ----------------------------------------------------------- */

#define FILING_SELECT \
  "SELECT fe.uuid, he.uuid, fe.at_us, f.local_date, f.ward_code, f.counter, he.clerk, f.procedure," \
  "       f.channel, he.pages, he.receipt, f.status, fe.source, f.voided," \
  "       (SELECT count(*) FROM events c WHERE c.filing_uuid = fe.uuid AND c.kind = 'correction')" \
  "  FROM filings f JOIN events fe ON fe.seq = f.seq JOIN events he ON he.seq = f.head_seq"

static McLedgerFiling *
filing_from_row (McPgLedger  *self,
                 PGresult    *res,
                 int          row,
                 GError     **error)
{
  g_autoptr(McLedgerFiling) filing = g_new0 (McLedgerFiling, 1);
  gboolean ok = TRUE;

  filing->uuid = value_dup (res, row, 0);
  filing->head_uuid = value_dup (res, row, 1);
  filing->at_us = g_ascii_strtoll (value (res, row, 2), NULL, 10);
  ok &= mc_day_parse (value (res, row, 3), &filing->local_day);
  filing->ward_code = value_dup (res, row, 4);
  filing->counter = value_dup (res, row, 5);
  filing->clerk = value_dup (res, row, 6);
  filing->procedure = value_dup (res, row, 7);
  ok &= mc_channel_from_string (value (res, row, 8), &filing->channel);
  filing->pages = value (res, row, 9) ? atoi (value (res, row, 9)) : 0;
  filing->receipt = value_dup (res, row, 10);
  ok &= mc_filing_status_from_string (value (res, row, 11), &filing->status);
  ok &= mc_source_from_string (value (res, row, 12), &filing->source);
  filing->voided = g_strcmp0 (value (res, row, 13), "t") == 0;
  filing->n_corrections = atoi (value (res, row, 14));

  if (!ok)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CORRUPT,
                   _("The ledger server %s holds a filing that cannot be read (%s)."),
                   where (self->conn), filing->uuid ? filing->uuid : "?");
      return NULL;
    }
  return g_steal_pointer (&filing);
}

static McLedgerFiling *
mc_pg_ledger_lookup_filing (McLedgerStore  *store,
                            const char     *filing_uuid,
                            GError        **error)
{
  McPgLedger *self = MC_PG_LEDGER (store);
  g_autoptr(GPtrArray) params = g_ptr_array_new ();
  g_autoptr(PGresult) res = NULL;
  McLedgerFiling *filing = NULL;

  g_ptr_array_add (params, (gpointer) filing_uuid);
  g_mutex_lock (&self->lock);
  if (ensure_connected (self, error))
    res = query (self, FILING_SELECT " WHERE fe.uuid = $1", params, error);
  if (res != NULL && PQntuples (res) > 0)
    filing = filing_from_row (self, res, 0, error);
  g_mutex_unlock (&self->lock);
  return filing;
}

static void
add_day (GPtrArray  *params,
         McDay       day,
         const char *open_value)
{
  char *text = mc_day_format (day);

  g_ptr_array_add (params, text ? text : g_strdup (open_value));
}

/* Parameters from the next one on: three per span. */
static void
append_span_filter (GString                *sql,
                    GPtrArray              *params,
                    const char             *table,
                    const McLedgerWardSpan *spans,
                    guint                   n_spans)
{
  if (spans == NULL)
    return;
  if (n_spans == 0)
    {
      g_string_append (sql, " AND false");
      return;
    }
  g_string_append (sql, " AND (");
  for (guint i = 0; i < n_spans; i++)
    {
      int p = (int) params->len + 1;

      g_string_append_printf (sql, "%s(%sward_code = $%d AND %slocal_date BETWEEN $%d AND $%d)",
                              i ? " OR " : "", table, p, table, p + 1, p + 2);
      g_ptr_array_add (params, g_strdup (spans[i].ward_code));
      add_day (params, spans[i].from, "-infinity");
      add_day (params, spans[i].to, "infinity");
    }
  g_string_append (sql, ")");
}

static GPtrArray *
mc_pg_ledger_list_filings (McLedgerStore              *store,
                           const McLedgerFilingQuery  *q,
                           GError                    **error)
{
  McPgLedger *self = MC_PG_LEDGER (store);
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_ledger_filing_free);
  g_autoptr(GString) sql = g_string_new (FILING_SELECT " WHERE f.local_date BETWEEN $1 AND $2");
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(PGresult) res = NULL;
  gboolean ok = TRUE;

  add_day (params, q->from, "-infinity");
  add_day (params, q->to, "infinity");
  g_ptr_array_add (params, q->limit ? g_strdup_printf ("%u", q->limit) : NULL);
  if (!q->include_voided)
    g_string_append (sql, " AND NOT f.voided");
  append_span_filter (sql, params, "f.", q->spans, q->n_spans);
  g_string_append (sql, " ORDER BY f.local_date DESC, fe.at_us DESC, fe.uuid DESC LIMIT $3");

  g_mutex_lock (&self->lock);
  ok = ensure_connected (self, error) && (res = query (self, sql->str, params, error)) != NULL;
  for (int i = 0; ok && i < PQntuples (res); i++)
    {
      McLedgerFiling *filing = filing_from_row (self, res, i, error);

      if (filing == NULL)
        ok = FALSE;
      else
        g_ptr_array_add (result, filing);
    }
  g_mutex_unlock (&self->lock);
  return ok ? g_steal_pointer (&result) : NULL;
}

/* ---- Counts ------------------------------------------------------------ */

/* The smallest table that has every dimension asked for, as in the
 * SQLite ledger. */
static char *
count_sql (const McLedgerCountQuery *q,
           GPtrArray                *params,
           int                      *cols)
{
  McLedgerDims dims = q->group_by;
  g_autoptr(GString) group = g_string_new (NULL);
  g_autoptr(GString) sql = g_string_new ("SELECT ");
  const char *table, *sum;
  gboolean by_counter = dims & MC_LEDGER_DIM_COUNTER;
  gboolean by_pc = dims & (MC_LEDGER_DIM_PROCEDURE | MC_LEDGER_DIM_CHANNEL);
  int n = 0;

  if (by_counter && by_pc)
    {
      table = "filings";
      sum = "count(*)";
    }
  else if (by_pc)
    {
      table = "day_procedure_channel";
      sum = "sum(n)";
    }
  else
    {
      table = "day_counter";
      sum = "sum(n)";
    }

  for (int d = 0; d < 5; d++)
    cols[d] = -1;
#define ADD(dim, idx, name) \
  if (dims & dim) { g_string_append_printf (group, "%s%s", group->len ? ", " : "", name); cols[idx] = n++; }
  ADD (MC_LEDGER_DIM_DAY, 0, "local_date");
  ADD (MC_LEDGER_DIM_WARD, 1, "ward_code");
  ADD (MC_LEDGER_DIM_COUNTER, 2, "counter");
  ADD (MC_LEDGER_DIM_PROCEDURE, 3, "procedure");
  ADD (MC_LEDGER_DIM_CHANNEL, 4, "channel");
#undef ADD

  add_day (params, q->from, "-infinity");
  add_day (params, q->to, "infinity");
  if (group->len)
    g_string_append_printf (sql, "%s, ", group->str);
  g_string_append_printf (sql, "%s FROM %s WHERE local_date BETWEEN $1 AND $2", sum, table);
  if (g_str_equal (table, "filings"))
    g_string_append (sql, " AND NOT voided");
  append_span_filter (sql, params, "", q->spans, q->n_spans);
  if (group->len)
    g_string_append_printf (sql, " GROUP BY %s", group->str);
  g_string_append_printf (sql, " HAVING %s > 0", sum);
  if (group->len)
    g_string_append_printf (sql, " ORDER BY %s", group->str);
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

static gboolean
run_count (McPgLedger                *self,
           const McLedgerCountQuery  *q,
           guint                      index,
           McLedgerCountFunc          func,
           gpointer                   user_data,
           GError                   **error)
{
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  int cols[5];
  g_autofree char *sql = count_sql (q, params, cols);
  g_autoptr(PGresult) res = query (self, sql, params, error);
  int n_cols = 0;

  if (res == NULL)
    return FALSE;
  for (int d = 0; d < 5; d++)
    if (cols[d] >= 0)
      n_cols++;

  for (int i = 0; i < PQntuples (res); i++)
    {
      McLedgerCount row = { MC_DAY_OPEN, NULL, NULL, NULL, MC_N_CHANNELS, 0 };

      if ((cols[0] >= 0 && !mc_day_parse (value (res, i, cols[0]), &row.day)) ||
          (cols[4] >= 0 && !mc_channel_from_string (value (res, i, cols[4]), &row.channel)))
        {
          g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CORRUPT,
                       _("The ledger server %s holds a count that cannot be read."), where (self->conn));
          return FALSE;
        }
      if (cols[1] >= 0)
        row.ward_code = value (res, i, cols[1]);
      if (cols[2] >= 0)
        row.counter = value (res, i, cols[2]);
      if (cols[3] >= 0)
        row.procedure = value (res, i, cols[3]);
      row.count = g_ascii_strtoull (value (res, i, n_cols), NULL, 10);
      func (&row, index, user_data);
    }
  return TRUE;
}

static gboolean
mc_pg_ledger_count (McLedgerStore             *store,
                    const McLedgerCountQuery  *queries,
                    guint                      n_queries,
                    McLedgerCountFunc          func,
                    gpointer                   user_data,
                    GError                   **error)
{
  McPgLedger *self = MC_PG_LEDGER (store);
  gboolean ok;

  g_mutex_lock (&self->lock);
  /* One snapshot for every query, so breakdowns agree. */
  ok = ensure_connected (self, error) &&
       exec (self, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error);
  for (guint i = 0; ok && i < n_queries; i++)
    ok = run_count (self, &queries[i], i, func, user_data, error);
  if (ok)
    ok = exec (self, "COMMIT", error);
  else
    rollback (self);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* ---- Export, check ----------------------------------------------------- */

static gboolean
mc_pg_ledger_foreach_event (McLedgerStore      *store,
                            McLedgerEventFunc   func,
                            gpointer            user_data,
                            GError            **error)
{
  McPgLedger *self = MC_PG_LEDGER (store);
  gboolean ok;
  PGresult *res;

  g_mutex_lock (&self->lock);
  ok = ensure_connected (self, error) &&
       PQsendQueryParams (self->conn, "SELECT " EVENT_COLUMNS " FROM events ORDER BY seq",
                          0, NULL, NULL, NULL, NULL, 0) &&
       PQsetSingleRowMode (self->conn);
  if (!ok && self->conn != NULL && (error == NULL || *error == NULL))
    set_result_error (self, NULL, error);
  /* Row by row: a city's ledger is not held in memory at once. Every
   * result is read, even after a stop, so the connection stays usable. */
  while (self->conn != NULL && (res = PQgetResult (self->conn)) != NULL)
    {
      ExecStatusType st = PQresultStatus (res);

      if (ok && st == PGRES_SINGLE_TUPLE)
        {
          g_autoptr(McLedgerEvent) event = event_from_row (self, res, 0, error);

          if (event == NULL || !func (event, user_data, error))
            ok = FALSE;
        }
      else if (ok && st != PGRES_TUPLES_OK)
        {
          set_result_error (self, res, error);
          ok = FALSE;
        }
      PQclear (res);
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

static gboolean
query_int (McPgLedger  *self,
           const char  *sql,
           gint64      *out,
           GError     **error)
{
  g_autoptr(PGresult) res = query (self, sql, NULL, error);

  if (res == NULL)
    return FALSE;
  *out = PQntuples (res) > 0 ? g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10) : 0;
  return TRUE;
}

static McLedgerCheck *
mc_pg_ledger_check (McLedgerStore  *store,
                    GError        **error)
{
  McPgLedger *self = MC_PG_LEDGER (store);
  g_autoptr(McLedgerCheck) check = g_new0 (McLedgerCheck, 1);
  g_autoptr(GString) triggers = g_string_new ("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'motcua.events'::regclass AND tgname IN (");
  gint64 n = 0, version = 0;
  gboolean ok = FALSE;
  static const struct {
    const char *sql;
    const char *problem;
  } mismatches[] = {
    { "SELECT count(*) FROM ((SELECT local_date, ward_code, counter, count(*) FROM filings WHERE NOT voided"
      "  GROUP BY local_date, ward_code, counter"
      " EXCEPT SELECT local_date, ward_code, counter, n FROM day_counter WHERE n > 0)"
      " UNION ALL (SELECT local_date, ward_code, counter, n FROM day_counter WHERE n > 0"
      " EXCEPT SELECT local_date, ward_code, counter, count(*) FROM filings WHERE NOT voided"
      "  GROUP BY local_date, ward_code, counter)) x",
      N_("%lld daily counts per counter disagree with the filings") },
    { "SELECT count(*) FROM ((SELECT local_date, ward_code, procedure, channel, count(*) FROM filings WHERE NOT voided"
      "  GROUP BY local_date, ward_code, procedure, channel"
      " EXCEPT SELECT local_date, ward_code, procedure, channel, n FROM day_procedure_channel WHERE n > 0)"
      " UNION ALL (SELECT local_date, ward_code, procedure, channel, n FROM day_procedure_channel WHERE n > 0"
      " EXCEPT SELECT local_date, ward_code, procedure, channel, count(*) FROM filings WHERE NOT voided"
      "  GROUP BY local_date, ward_code, procedure, channel)) x",
      N_("%lld daily counts per procedure and portal disagree with the filings") },
    { "SELECT count(*) FROM events f WHERE f.kind = 'filing' AND NOT EXISTS (SELECT 1 FROM filings fl"
      "  JOIN events h ON h.seq = fl.head_seq WHERE fl.seq = f.seq"
      "   AND h.seq = (SELECT e.seq FROM events e WHERE e.filing_uuid = f.uuid AND e.kind <> 'status'"
      "                ORDER BY e.at_us DESC, e.uuid DESC LIMIT 1)"
      "   AND fl.local_date = h.local_date AND fl.ward_code = h.ward_code AND fl.counter = h.counter"
      "   AND fl.procedure = h.procedure AND fl.channel = h.channel AND fl.voided = h.voids)",
      N_("%lld filings do not match their events") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (safeguard_triggers); i++)
    g_string_append_printf (triggers, "%s'%s'", i ? ", " : "", safeguard_triggers[i]);
  g_string_append (triggers, ")");

  check->problems = g_ptr_array_new_with_free_func (g_free);
  g_mutex_lock (&self->lock);
  if (!ensure_connected (self, error) ||
      !exec (self, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error))
    goto out;

  if (!query_int (self, "SELECT coalesce (max (version), 0) FROM schema_migrations", &version, error))
    goto fail;
  check->schema_version = (int) version;
  if (!query_int (self, triggers->str, &n, error))
    goto fail;
  if (n != G_N_ELEMENTS (safeguard_triggers))
    g_ptr_array_add (check->problems, g_strdup (_("Some of the ledger’s safeguards (triggers) are missing")));
  for (guint i = 0; i < G_N_ELEMENTS (mismatches); i++)
    {
      if (!query_int (self, mismatches[i].sql, &n, error))
        goto fail;
      if (n > 0)
        g_ptr_array_add (check->problems, g_strdup_printf (_(mismatches[i].problem), (long long) n));
    }
  if (!query_int (self, "SELECT count(*) FROM events", &n, error))
    goto fail;
  check->n_events = n;
  if (!query_int (self, "SELECT count(*) FROM filings", &n, error))
    goto fail;
  check->n_filings = n;
  if (!query_int (self, "SELECT count(*) FROM filings WHERE voided", &n, error))
    goto fail;
  check->n_voided = n;
  ok = exec (self, "COMMIT", error);
  goto out;

fail:
  rollback (self);
out:
  g_mutex_unlock (&self->lock);
  return ok ? g_steal_pointer (&check) : NULL;
}

static guint64
mc_pg_ledger_change_stamp (McLedgerStore *store)
{
  McPgLedger *self = MC_PG_LEDGER (store);
  gint64 stamp = 0;

  /* Events only grow: the newest seq changes with every commit that
   * matters to a report. */
  g_mutex_lock (&self->lock);
  if (ensure_connected (self, NULL))
    query_int (self, "SELECT coalesce (max (seq), 0) FROM events", &stamp, NULL);
  g_mutex_unlock (&self->lock);
  return (guint64) stamp;
}

/* ---- GObject ----------------------------------------------------------- */

static void
mc_pg_ledger_finalize (GObject *object)
{
  McPgLedger *self = MC_PG_LEDGER (object);

  g_clear_pointer (&self->conn, PQfinish);
  g_mutex_clear (&self->lock);
  g_free (self->conninfo);
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
}

static void
mc_pg_ledger_store_init (McLedgerStoreInterface *iface)
{
  iface->append = mc_pg_ledger_append;
  iface->lookup_event = mc_pg_ledger_lookup_event;
  iface->lookup_filing = mc_pg_ledger_lookup_filing;
  iface->count = mc_pg_ledger_count;
  iface->list_filings = mc_pg_ledger_list_filings;
  iface->foreach_event = mc_pg_ledger_foreach_event;
  iface->check = mc_pg_ledger_check;
  iface->change_stamp = mc_pg_ledger_change_stamp;
}
