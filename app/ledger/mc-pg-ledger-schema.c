/* SPDX-License-Identifier: GPL-3.0-or-later */
/* McPgLedger: the server's schema, its migrations and its check. */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <string.h>
#include <libpq-fe.h>
#include <glib/gi18n.h>

#include "mc-pg-ledger-private.h"

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

/* Schema 2: the projection and the per-day counts built from the events
 * in a few set-wise statements, exactly as the triggers of schema 1 build
 * them one event at a time: what a bulk load runs once with
 * events_project disabled (in its own transaction, as the owner), and
 * what repairs them should they ever disagree with the events (the
 * ledger check). Only the owner may run it.
 *
 * A filing's head is its record (the filing or a correction) with the
 * greatest (at, uuid), its status the filing or status change with the
 * greatest (at, uuid), whatever order they came in. The counts hold the
 * filings whose head does not void them; a count that went back to 0
 * keeps its row, as with the triggers: a record left one when it became
 * the head on arrival (in the order of seq), its (at, uuid) beyond every
 * earlier one of its filing's, and did not void it. */
static const char migration_2[] =
  "CREATE FUNCTION rebuild_derived () RETURNS void LANGUAGE plpgsql"
  " SET search_path = motcua, pg_catalog AS $$"
  " BEGIN"
  /* Nothing is pushed meanwhile; readers go on reading the old rows. */
  "  LOCK TABLE events IN SHARE MODE;"
  "  LOCK TABLE filings, day_counter, day_procedure_channel IN EXCLUSIVE MODE;"
  "  DELETE FROM day_counter;"
  "  DELETE FROM day_procedure_channel;"
  "  DELETE FROM filings;"
  "  CREATE TEMPORARY TABLE rebuild_records ON COMMIT DROP AS"
  "   SELECT filing_uuid, filing_seq, seq, local_date, ward_code, counter, procedure, channel, voids,"
  "          r = count (*) OVER (PARTITION BY filing_uuid) AS head,"
  "          r > coalesce (max (r) OVER (PARTITION BY filing_uuid ORDER BY seq"
  "                                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS was_head"
  "     FROM (SELECT e.*, row_number () OVER (PARTITION BY filing_uuid ORDER BY at_us, uuid) AS r,"
  "                  max (seq) FILTER (WHERE kind = 'filing') OVER (PARTITION BY filing_uuid) AS filing_seq"
  "             FROM events e WHERE kind <> 'status') x;"
  "  INSERT INTO filings (seq, head_seq, status_seq, local_date, ward_code, counter, procedure, channel,"
  "                       status, voided)"
  "   SELECT h.filing_seq, h.seq, s.seq, h.local_date, h.ward_code, h.counter, h.procedure, h.channel,"
  "          s.status, h.voids"
  "     FROM rebuild_records h"
  "     JOIN (SELECT DISTINCT ON (filing_uuid) filing_uuid, seq, status FROM events WHERE kind <> 'correction'"
  "            ORDER BY filing_uuid, at_us DESC, uuid DESC) s"
  "       ON s.filing_uuid = h.filing_uuid"
  "    WHERE h.head;"
  "  INSERT INTO day_counter (local_date, ward_code, counter, n)"
  "   SELECT local_date, ward_code, counter, count (*) FILTER (WHERE head)"
  "     FROM rebuild_records WHERE was_head AND NOT voids GROUP BY local_date, ward_code, counter;"
  "  INSERT INTO day_procedure_channel (local_date, ward_code, procedure, channel, n)"
  "   SELECT local_date, ward_code, procedure, channel, count (*) FILTER (WHERE head)"
  "     FROM rebuild_records WHERE was_head AND NOT voids GROUP BY local_date, ward_code, procedure, channel;"
  "  DROP TABLE rebuild_records;"
  " END $$;"
  "REVOKE ALL ON FUNCTION rebuild_derived () FROM PUBLIC;";

static const char * const migrations[] = {
  NULL,
  migration_1,
  migration_2,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == MC_PG_LEDGER_SCHEMA_VERSION + 1);

/* For each migration, the oldest build's schema version that can still
 * use the server after it (MC_PG_LEDGER_SCHEMA_OLDEST of that build): a
 * migration that changes what counters or readers use raises it to its
 * own number. */
static const int migration_needs[] = {
  0,
  1,
  1,  /* rebuild_derived (): the owner's alone */
};

G_STATIC_ASSERT (G_N_ELEMENTS (migration_needs) == G_N_ELEMENTS (migrations));

static const char * const safeguard_triggers[] = {
  "events_append_only", "events_no_truncate", "events_check_refs", "events_project",
};

/* ---- Schema setup ------------------------------------------------------ */

/* A counter that vanishes inside a push (power cut, network gone) would
 * keep its transaction, and with it the ward's lock every other counter
 * of the ward waits on, until the server's TCP gives up, hours later:
 * the server ends a transaction left idle for a minute (a push is never
 * idle that long between its round trips), and a counter's statement
 * after ten minutes. Readers only get the first: a city-wide report may
 * take long. Role settings are read at login and not inherited through
 * membership, so they go on the two roles and on every login that is a
 * member, directly or not, when server-init runs, in this database only;
 * superusers are left alone. */
static const char role_timeouts[] =
  "DO $$ DECLARE r record; BEGIN"
  " FOR r IN WITH RECURSIVE m (oid, counter) AS ("
  "   SELECT oid, rolname = 'motcua_counter' FROM pg_roles WHERE rolname IN ('motcua_counter', 'motcua_reader')"
  "   UNION SELECT am.member, m.counter FROM pg_auth_members am JOIN m ON am.roleid = m.oid)"
  "  SELECT ro.rolname, bool_or (m.counter) AS counter FROM m JOIN pg_roles ro ON ro.oid = m.oid"
  "  WHERE NOT ro.rolsuper GROUP BY ro.rolname"
  " LOOP"
  "  EXECUTE format ('ALTER ROLE %I IN DATABASE %I SET idle_in_transaction_session_timeout = %L',"
  "                  r.rolname, current_database (), '1min');"
  "  IF r.counter THEN"
  "   EXECUTE format ('ALTER ROLE %I IN DATABASE %I SET statement_timeout = %L',"
  "                   r.rolname, current_database (), '10min');"
  "  END IF;"
  " END LOOP;"
  " END $$";

gboolean
mc_pg_read_version (McPgLedger  *self,
                    int         *version,
                    GError     **error)
{
  g_autoptr(PGresult) exists = mc_pg_query (self, "SELECT to_regclass ('motcua.schema_migrations') IS NOT NULL",
                                            NULL, error);
  g_autoptr(PGresult) res = NULL;

  if (exists == NULL)
    return FALSE;
  *version = 0;
  if (!g_str_equal (PQgetvalue (exists, 0, 0), "t"))
    return TRUE;
  res = mc_pg_query (self, "SELECT coalesce (max (version), 0) FROM motcua.schema_migrations", NULL, error);
  if (res == NULL)
    return FALSE;
  *version = atoi (PQgetvalue (res, 0, 0));
  return TRUE;
}

/* The oldest build's schema version that can use this server (see
 * migration_needs): asked of a server newer than this build, which has
 * the column. */
gboolean
mc_pg_read_needs (McPgLedger  *self,
                  int         *needs,
                  GError     **error)
{
  g_autoptr(PGresult) res = mc_pg_query (self, "SELECT coalesce (max (needs), 1) FROM motcua.schema_migrations",
                                         NULL, error);

  if (res == NULL)
    return FALSE;
  *needs = atoi (PQgetvalue (res, 0, 0));
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
  if (!mc_pg_ensure_connected (self, error))
    return FALSE;

  /* One migration at a time, whoever else runs server-init. */
  if (!mc_pg_exec (self, "BEGIN", error))
    return FALSE;
  if (!mc_pg_exec (self, "SELECT pg_advisory_xact_lock (1296256071)", error) ||
      !mc_pg_exec (self, "CREATE SCHEMA IF NOT EXISTS motcua", error) ||
      !mc_pg_exec (self, "CREATE TABLE IF NOT EXISTS motcua.schema_migrations ("
                   "  version int PRIMARY KEY,"
                   "  applied timestamptz NOT NULL DEFAULT now ())", error) ||
      !mc_pg_exec (self, "ALTER TABLE motcua.schema_migrations ADD COLUMN IF NOT EXISTS needs int NOT NULL DEFAULT 1",
                   error) ||
      !mc_pg_read_version (self, &version, error))
    goto fail;

  if (version > MC_PG_LEDGER_SCHEMA_VERSION)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_TOO_NEW,
                   _("The ledger server %s was set up by a newer version of Một Cửa (ledger version %d; this program knows up to %d). It has not been changed; update Một Cửa."),
                   mc_pg_where (self->conn), version, MC_PG_LEDGER_SCHEMA_VERSION);
      goto fail;
    }
  for (int v = version + 1; v <= MC_PG_LEDGER_SCHEMA_VERSION; v++)
    {
      g_autofree char *mark = g_strdup_printf ("INSERT INTO motcua.schema_migrations (version, needs) VALUES (%d, %d)",
                                               v, migration_needs[v]);

      if (!mc_pg_exec (self, migrations[v], error) || !mc_pg_exec (self, mark, error))
        {
          g_prefix_error (error, _("Updating the ledger server to version %d failed, and it was left as it was: "), v);
          goto fail;
        }
    }
  if (!mc_pg_exec (self, role_timeouts, error))
    goto fail;
  return mc_pg_exec (self, "COMMIT", error);

fail:
  mc_pg_rollback (self);
  return FALSE;
}

McLedgerCheck *
mc_pg_ledger_store_check (McLedgerStore  *store,
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
  if (!mc_pg_ensure_connected (self, error) ||
      !mc_pg_exec (self, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error))
    goto out;

  if (!mc_pg_query_int (self, "SELECT coalesce (max (version), 0) FROM schema_migrations", &version, error))
    goto fail;
  check->schema_version = (int) version;
  if (!mc_pg_query_int (self, triggers->str, &n, error))
    goto fail;
  if (n != G_N_ELEMENTS (safeguard_triggers))
    g_ptr_array_add (check->problems, g_strdup (_("Some of the ledger’s safeguards (triggers) are missing")));
  for (guint i = 0; i < G_N_ELEMENTS (mismatches); i++)
    {
      if (!mc_pg_query_int (self, mismatches[i].sql, &n, error))
        goto fail;
      if (n > 0)
        g_ptr_array_add (check->problems, g_strdup_printf (_(mismatches[i].problem), (long long) n));
    }
  if (!mc_pg_query_int (self, "SELECT count(*) FROM events", &n, error))
    goto fail;
  check->n_events = n;
  if (!mc_pg_query_int (self, "SELECT count(*) FROM filings", &n, error))
    goto fail;
  check->n_filings = n;
  if (!mc_pg_query_int (self, "SELECT count(*) FROM filings WHERE voided", &n, error))
    goto fail;
  check->n_voided = n;
  ok = mc_pg_exec (self, "COMMIT", error);
  goto out;

fail:
  mc_pg_rollback (self);
out:
  g_mutex_unlock (&self->lock);
  return ok ? g_steal_pointer (&check) : NULL;
}
