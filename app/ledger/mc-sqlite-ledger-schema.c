/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SQL schema of the local ledger: one migration per schema version. */

#include "config.h"

#include "mc-sqlite-ledger-private.h"

/* ---- Schema ------------------------------------------------------------ */

/* Schema 1, as the first release wrote it: events only, and a “portal”
 * column that knew the national and provincial portals. Kept verbatim:
 * new ledgers are made by running every migration from 0, so this path
 * runs on every first start, and old files take the same road. */
static const char migration_1[] =
  "CREATE TABLE events ("
  "  seq           INTEGER PRIMARY KEY,"
  "  uuid          TEXT NOT NULL UNIQUE,"
  "  kind          TEXT NOT NULL,"
  "  filing_uuid   TEXT NOT NULL REFERENCES events (uuid),"
  "  corrects_uuid TEXT REFERENCES events (uuid),"
  "  at            TEXT NOT NULL,"
  "  local_date    TEXT NOT NULL,"
  "  visit_id      TEXT,"
  "  ward_code     TEXT,"
  "  counter       TEXT,"
  "  clerk         TEXT,"
  "  procedure     TEXT,"
  "  portal        TEXT,"
  "  pages         INTEGER,"
  "  receipt       TEXT,"
  "  status        TEXT,"
  "  voids         INTEGER NOT NULL DEFAULT 0,"
  "  reason        TEXT"
  ");"
  "CREATE INDEX events_by_date ON events (local_date);"
  "CREATE INDEX events_by_filing ON events (filing_uuid);"
  "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events"
  " BEGIN SELECT RAISE (ABORT, 'the ledger is append-only'); END;"
  "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events"
  " BEGIN SELECT RAISE (ABORT, 'the ledger is append-only'); END;";

/* Schema 2: channels instead of portals (residence, linked services,
 * other, paper), the source of each filing, constraints on every field,
 * a projection of each filing as it stands, and per-day summaries kept by
 * triggers so that a five-year report reads thousands of rows, not
 * millions. The triggers live in the database, so every writer (the
 * program, motcua-tool, an import) keeps them right. */
static const char migration_2[] =
  "DROP TRIGGER events_append_only_update;"
  "DROP TRIGGER events_append_only_delete;"
  "DROP INDEX events_by_date;"
  "DROP INDEX events_by_filing;"
  "ALTER TABLE events RENAME TO events_v1;"

  "CREATE TABLE events ("
  "  seq           INTEGER PRIMARY KEY,"
  "  uuid          TEXT NOT NULL UNIQUE CHECK (length (uuid) = 36),"
  "  kind          TEXT NOT NULL CHECK (kind IN ('filing', 'status', 'correction')),"
  "  filing_uuid   TEXT NOT NULL REFERENCES events (uuid),"
  "  corrects_uuid TEXT REFERENCES events (uuid),"
  "  at            TEXT NOT NULL CHECK (length (at) = 27),"
  "  local_date    TEXT NOT NULL CHECK (length (local_date) = 10),"
  "  visit_id      TEXT,"
  "  ward_code     TEXT,"
  "  counter       TEXT,"
  "  clerk         TEXT,"
  "  procedure     TEXT,"
  "  channel       TEXT CHECK (channel IN ('national', 'provincial', 'residence', 'linked', 'other', 'paper')),"
  "  pages         INTEGER CHECK (pages >= 0),"
  "  receipt       TEXT,"
  "  status        TEXT CHECK (status IN ('submitted', 'accepted', 'supplement', 'rejected', 'completed', 'withdrawn')),"
  "  source        TEXT CHECK (source IN ('visit', 'manual')),"
  "  voids         INTEGER NOT NULL DEFAULT 0 CHECK (voids IN (0, 1)),"
  "  reason        TEXT,"
  "  CHECK ((kind = 'filing') = (filing_uuid = uuid)),"
  "  CHECK ((kind = 'correction') = (corrects_uuid IS NOT NULL)),"
  "  CHECK (kind = 'status' OR (ward_code IS NOT NULL AND counter IS NOT NULL AND"
  "         procedure IS NOT NULL AND channel IS NOT NULL AND pages IS NOT NULL)),"
  "  CHECK (kind = 'correction' OR status IS NOT NULL),"
  "  CHECK (kind <> 'filing' OR source IS NOT NULL),"
  "  CHECK (kind = 'correction' OR voids = 0)"
  ");"
  "CREATE INDEX events_by_filing ON events (filing_uuid);"

  "CREATE TABLE filings ("
  "  seq        INTEGER PRIMARY KEY REFERENCES events (seq),"
  "  head_seq   INTEGER NOT NULL REFERENCES events (seq),"
  "  status_seq INTEGER NOT NULL REFERENCES events (seq),"
  "  local_date TEXT NOT NULL,"
  "  ward_code  TEXT NOT NULL,"
  "  counter    TEXT NOT NULL,"
  "  procedure  TEXT NOT NULL,"
  "  channel    TEXT NOT NULL,"
  "  status     TEXT NOT NULL,"
  "  voided     INTEGER NOT NULL"
  ");"
  "CREATE INDEX filings_by_date ON filings (local_date, ward_code);"

  "CREATE TABLE day_counter ("
  "  local_date TEXT NOT NULL, ward_code TEXT NOT NULL, counter TEXT NOT NULL,"
  "  n INTEGER NOT NULL CHECK (n >= 0),"
  "  PRIMARY KEY (local_date, ward_code, counter)"
  ") WITHOUT ROWID;"
  "CREATE TABLE day_procedure_channel ("
  "  local_date TEXT NOT NULL, ward_code TEXT NOT NULL, procedure TEXT NOT NULL, channel TEXT NOT NULL,"
  "  n INTEGER NOT NULL CHECK (n >= 0),"
  "  PRIMARY KEY (local_date, ward_code, procedure, channel)"
  ") WITHOUT ROWID;"

  "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events"
  " BEGIN SELECT RAISE (ABORT, 'the ledger is append-only: events are never changed'); END;"
  "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events"
  " BEGIN SELECT RAISE (ABORT, 'the ledger is append-only: events are never deleted'); END;"

  /* Ordering: a correction or a status change wins over another when its
   * (at, uuid) is greater; it must be later than what it points at. */
  "CREATE TRIGGER events_check_refs BEFORE INSERT ON events WHEN NEW.kind <> 'filing'"
  " BEGIN"
  "  SELECT RAISE (ABORT, 'the event points at a filing that is not in the ledger')"
  "   WHERE NOT EXISTS (SELECT 1 FROM events f WHERE f.uuid = NEW.filing_uuid AND f.kind = 'filing');"
  "  SELECT RAISE (ABORT, 'a correction must point at an earlier event of the same filing')"
  "   WHERE NEW.kind = 'correction' AND NOT EXISTS (SELECT 1 FROM events c"
  "     WHERE c.uuid = NEW.corrects_uuid AND c.filing_uuid = NEW.filing_uuid"
  "       AND c.kind IN ('filing', 'correction') AND c.at < NEW.at);"
  "  SELECT RAISE (ABORT, 'a status change must be later than its filing')"
  "   WHERE NEW.kind = 'status' AND NOT EXISTS (SELECT 1 FROM events f"
  "     WHERE f.uuid = NEW.filing_uuid AND f.at < NEW.at);"
  " END;"

  "CREATE TRIGGER events_project_filing AFTER INSERT ON events WHEN NEW.kind = 'filing'"
  " BEGIN"
  "  INSERT INTO filings (seq, head_seq, status_seq, local_date, ward_code, counter, procedure, channel, status, voided)"
  "   VALUES (NEW.seq, NEW.seq, NEW.seq, NEW.local_date, NEW.ward_code, NEW.counter, NEW.procedure, NEW.channel, NEW.status, 0);"
  " END;"
  "CREATE TRIGGER events_project_correction AFTER INSERT ON events WHEN NEW.kind = 'correction'"
  " BEGIN"
  "  UPDATE filings SET head_seq = NEW.seq, local_date = NEW.local_date, ward_code = NEW.ward_code,"
  "         counter = NEW.counter, procedure = NEW.procedure, channel = NEW.channel, voided = NEW.voids"
  "   WHERE seq = (SELECT seq FROM events WHERE uuid = NEW.filing_uuid)"
  "     AND (SELECT h.at < NEW.at OR (h.at = NEW.at AND h.uuid < NEW.uuid)"
  "            FROM events h WHERE h.seq = filings.head_seq);"
  " END;"
  "CREATE TRIGGER events_project_status AFTER INSERT ON events WHEN NEW.kind = 'status'"
  " BEGIN"
  "  UPDATE filings SET status_seq = NEW.seq, status = NEW.status"
  "   WHERE seq = (SELECT seq FROM events WHERE uuid = NEW.filing_uuid)"
  "     AND (SELECT s.at < NEW.at OR (s.at = NEW.at AND s.uuid < NEW.uuid)"
  "            FROM events s WHERE s.seq = filings.status_seq);"
  " END;"

  "CREATE TRIGGER filings_count_new AFTER INSERT ON filings WHEN NEW.voided = 0"
  " BEGIN"
  "  INSERT INTO day_counter (local_date, ward_code, counter, n)"
  "   VALUES (NEW.local_date, NEW.ward_code, NEW.counter, 1)"
  "   ON CONFLICT (local_date, ward_code, counter) DO UPDATE SET n = n + 1;"
  "  INSERT INTO day_procedure_channel (local_date, ward_code, procedure, channel, n)"
  "   VALUES (NEW.local_date, NEW.ward_code, NEW.procedure, NEW.channel, 1)"
  "   ON CONFLICT (local_date, ward_code, procedure, channel) DO UPDATE SET n = n + 1;"
  " END;"
  "CREATE TRIGGER filings_uncount_old AFTER UPDATE OF local_date, ward_code, counter, procedure, channel, voided"
  "  ON filings WHEN OLD.voided = 0"
  " BEGIN"
  "  UPDATE day_counter SET n = n - 1"
  "   WHERE local_date = OLD.local_date AND ward_code = OLD.ward_code AND counter = OLD.counter;"
  "  UPDATE day_procedure_channel SET n = n - 1"
  "   WHERE local_date = OLD.local_date AND ward_code = OLD.ward_code"
  "     AND procedure = OLD.procedure AND channel = OLD.channel;"
  " END;"
  "CREATE TRIGGER filings_count_updated AFTER UPDATE OF local_date, ward_code, counter, procedure, channel, voided"
  "  ON filings WHEN NEW.voided = 0"
  " BEGIN"
  "  INSERT INTO day_counter (local_date, ward_code, counter, n)"
  "   VALUES (NEW.local_date, NEW.ward_code, NEW.counter, 1)"
  "   ON CONFLICT (local_date, ward_code, counter) DO UPDATE SET n = n + 1;"
  "  INSERT INTO day_procedure_channel (local_date, ward_code, procedure, channel, n)"
  "   VALUES (NEW.local_date, NEW.ward_code, NEW.procedure, NEW.channel, 1)"
  "   ON CONFLICT (local_date, ward_code, procedure, channel) DO UPDATE SET n = n + 1;"
  " END;"

  /* The events of schema 1, in their order, through the triggers above:
   * the projection and the summaries are built by the same code that
   * keeps them afterwards. */
  "INSERT INTO events (seq, uuid, kind, filing_uuid, corrects_uuid, at, local_date, visit_id,"
  "                    ward_code, counter, clerk, procedure, channel, pages, receipt, status,"
  "                    source, voids, reason)"
  " SELECT seq, uuid, kind, filing_uuid, corrects_uuid, at, local_date, visit_id,"
  "        ward_code, counter, clerk, procedure, portal, pages, receipt, status,"
  "        CASE WHEN kind <> 'filing' THEN NULL WHEN visit_id IS NULL THEN 'manual' ELSE 'visit' END,"
  "        voids, reason"
  "   FROM events_v1 ORDER BY seq;"
  "DROP TABLE events_v1;";

/* Schema 3: the tables the reports read (filings and the per-day counts)
 * are guarded like the events. SQLite has no session state a trigger
 * could test, so the ledger keeps the seq of the last event applied to
 * them; a write to them is allowed only while an event beyond it exists,
 * which is true only inside the projection triggers of that event's
 * INSERT (they move the mark last). A direct UPDATE, INSERT or DELETE
 * finds every event applied and is refused; the mark itself only moves
 * forward, to the newest event. Existing data is kept as it is: what an
 * older program let through is found by the check at open, not hidden by
 * a rebuild. */
#define APPLYING "EXISTS (SELECT 1 FROM events WHERE seq > (SELECT seq FROM ledger_applied))"
#define MARK_APPLIED "  UPDATE ledger_applied SET seq = NEW.seq;"
#define GUARD(table, op, OP) \
  "CREATE TRIGGER " table "_guard_" op " BEFORE " OP " ON " table " WHEN NOT " APPLYING \
  " BEGIN SELECT RAISE (ABORT, 'the counts are kept from the events only: " table \
  " cannot be changed directly'); END;"

static const char migration_3[] =
  "CREATE TABLE ledger_applied ("
  "  id  INTEGER PRIMARY KEY CHECK (id = 1),"
  "  seq INTEGER NOT NULL"
  ");"
  "INSERT INTO ledger_applied VALUES (1, coalesce ((SELECT max (seq) FROM events), 0));"
  "CREATE TRIGGER ledger_applied_guard_insert BEFORE INSERT ON ledger_applied"
  " BEGIN SELECT RAISE (ABORT, 'the ledger keeps one mark of applied events'); END;"
  "CREATE TRIGGER ledger_applied_guard_delete BEFORE DELETE ON ledger_applied"
  " BEGIN SELECT RAISE (ABORT, 'the ledger keeps one mark of applied events'); END;"
  "CREATE TRIGGER ledger_applied_guard_update BEFORE UPDATE ON ledger_applied"
  " WHEN NEW.id IS NOT OLD.id OR NEW.seq <= OLD.seq OR NEW.seq IS NOT (SELECT max (seq) FROM events)"
  " BEGIN SELECT RAISE (ABORT, 'the mark of applied events only moves to the newest event'); END;"
  GUARD ("filings", "insert", "INSERT")
  GUARD ("filings", "update", "UPDATE")
  GUARD ("filings", "delete", "DELETE")
  GUARD ("day_counter", "insert", "INSERT")
  GUARD ("day_counter", "update", "UPDATE")
  GUARD ("day_counter", "delete", "DELETE")
  GUARD ("day_procedure_channel", "insert", "INSERT")
  GUARD ("day_procedure_channel", "update", "UPDATE")
  GUARD ("day_procedure_channel", "delete", "DELETE")

  /* The projections, as in schema 2, each moving the mark last. */
  "DROP TRIGGER events_project_filing;"
  "DROP TRIGGER events_project_correction;"
  "DROP TRIGGER events_project_status;"
  "CREATE TRIGGER events_project_filing AFTER INSERT ON events WHEN NEW.kind = 'filing'"
  " BEGIN"
  "  INSERT INTO filings (seq, head_seq, status_seq, local_date, ward_code, counter, procedure, channel, status, voided)"
  "   VALUES (NEW.seq, NEW.seq, NEW.seq, NEW.local_date, NEW.ward_code, NEW.counter, NEW.procedure, NEW.channel, NEW.status, 0);"
  MARK_APPLIED
  " END;"
  "CREATE TRIGGER events_project_correction AFTER INSERT ON events WHEN NEW.kind = 'correction'"
  " BEGIN"
  "  UPDATE filings SET head_seq = NEW.seq, local_date = NEW.local_date, ward_code = NEW.ward_code,"
  "         counter = NEW.counter, procedure = NEW.procedure, channel = NEW.channel, voided = NEW.voids"
  "   WHERE seq = (SELECT seq FROM events WHERE uuid = NEW.filing_uuid)"
  "     AND (SELECT h.at < NEW.at OR (h.at = NEW.at AND h.uuid < NEW.uuid)"
  "            FROM events h WHERE h.seq = filings.head_seq);"
  MARK_APPLIED
  " END;"
  "CREATE TRIGGER events_project_status AFTER INSERT ON events WHEN NEW.kind = 'status'"
  " BEGIN"
  "  UPDATE filings SET status_seq = NEW.seq, status = NEW.status"
  "   WHERE seq = (SELECT seq FROM events WHERE uuid = NEW.filing_uuid)"
  "     AND (SELECT s.at < NEW.at OR (s.at = NEW.at AND s.uuid < NEW.uuid)"
  "            FROM events s WHERE s.seq = filings.status_seq);"
  MARK_APPLIED
  " END;";

/* Schema 4: what has been pushed to each ledger server (McLedgerSync),
 * as the seq of the last event the server confirmed. Events are never
 * deleted and seq only grows, so one mark per server says it all; it
 * only moves forward. A new server (another server_id) starts at 0. */
static const char migration_4[] =
  "CREATE TABLE pushed ("
  "  server_id TEXT PRIMARY KEY CHECK (length (server_id) = 36),"
  "  seq       INTEGER NOT NULL CHECK (seq >= 0),"
  "  at        TEXT NOT NULL CHECK (length (at) = 27)"
  ") WITHOUT ROWID;"
  "CREATE TRIGGER pushed_forward BEFORE UPDATE ON pushed WHEN NEW.seq < OLD.seq"
  " BEGIN SELECT RAISE (ABORT, 'the mark of pushed events only moves forward'); END;"
  "CREATE TRIGGER pushed_no_delete BEFORE DELETE ON pushed"
  " BEGIN SELECT RAISE (ABORT, 'the mark of pushed events is never removed'); END;";

const char * const mc_sqlite_ledger_migrations[] = {
  NULL,          /* 0: empty file */
  migration_1,
  migration_2,
  migration_3,
  migration_4,
};

G_STATIC_ASSERT (G_N_ELEMENTS (mc_sqlite_ledger_migrations) == MC_SQLITE_LEDGER_SCHEMA_VERSION + 1);
