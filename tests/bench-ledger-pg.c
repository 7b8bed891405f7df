/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <stdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-ledger.h"
#include "mc-ledger-report.h"
#include "mc-ledger-sync.h"
#include "mc-pg-ledger.h"
#include "mc-procedure-names.h"
#include "mc-sqlite-ledger.h"
#include "mc-test-pg.h"
#include "mc-test-util.h"

/* The shared ledger's benchmark, against a private PostgreSQL started
 * here: C counters, each with its own SQLite ledger of E events, push at
 * once (events per second); then an outage during which each counter
 * records more, and the time until the server has caught up; then a
 * month and the whole span by ward, from the server and from one SQLite
 * file holding the same events. Figures only, never a pass or fail:
 *
 *   meson test -C build --benchmark ledger-pg -v
 *   build/tests/bench-ledger-pg [--counters 50] [--events 1000] [--threads 8] [--batch 500]
 *   build/tests/bench-ledger-pg --full      # 50 × 10 000 = 500 000 events (issue 16's size)
 *
 * Pushing 5 M events one batch at a time takes an hour here, so the
 * report side has a mode of its own: --fill N puts N events (filings of
 * five years, one in twenty corrected) straight into the server with one
 * COPY, through the same table and safeguards a push goes through but
 * with the per-row projection off for that load, the filings and per-day
 * counts then built set-wise by the schema's rebuild_derived (); and the
 * same events into one SQLite ledger file made by the program (one
 * transaction, one prepared INSERT, its counts built the same set-wise
 * way, checked first against its own triggers on a small N); then it
 * times the reports on both, as medians, and says whether they agree
 * (exit status 1 if not, or if the server's check finds a problem):
 *
 *   build/tests/bench-ledger-pg --fill 5000000 [--runs 7]
 */

static int n_counters = 50;
static int n_per_counter = 1000;
static McProcedureCatalog *procedures;   /* names and order of the reports */
static int n_threads = 8;
static int batch = 500;
static gboolean full;
static int fill;
static int runs = 7;

static const GOptionEntry entries[] = {
  { "counters", 0, 0, G_OPTION_ARG_INT, &n_counters, "Counters (default 50)", "N" },
  { "events", 0, 0, G_OPTION_ARG_INT, &n_per_counter, "Filings per counter (default 1000)", "N" },
  { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads, "Counters pushing at the same time (default 8)", "N" },
  { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Events per batch (default 500)", "N" },
  { "full", 0, 0, G_OPTION_ARG_NONE, &full, "The issue's size: 50 counters × 10 000 filings", NULL },
  { "fill", 0, 0, G_OPTION_ARG_INT, &fill, "Fill the server and one SQLite file with N events in bulk, then time the reports only", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs of each report; the median is printed (default 7)", "N" },
  { NULL }
};

static const char * const wards[] = { "22333", "22366", "22390", "22402", "22330", "22348", "22327", "22345" };

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* A year of one counter: filings on random days of 2025, one in twenty
 * corrected (a procedure or a portal), one in a hundred voided. */
static GPtrArray *
make_year (GRand *rand,
           guint  counter,
           guint  n)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_ledger_event_free);
  g_autofree char *name = g_strdup_printf ("Quầy %u", counter + 1);
  const char *ward = wards[counter % G_N_ELEMENTS (wards)];
  guint known = mc_procedure_names_get_n_known (procedures);
  McDay first = mc_day_from_ymd (2025, 1, 1);

  for (guint i = 0; i < n; i++)
    {
      McDay d = first + (McDay) g_rand_int_range (rand, 0, 365);
      McLedgerEvent *f = mc_ledger_event_new (MC_EVENT_FILING);
      GDate date;
      g_autoptr(GDateTime) dt = NULL;

      g_date_clear (&date, 1);
      g_date_set_julian (&date, d);
      dt = g_date_time_new_utc (g_date_get_year (&date), g_date_get_month (&date), g_date_get_day (&date),
                                2 + g_rand_int_range (rand, 0, 8), 0, 0);
      f->ward_code = g_strdup (ward);
      f->counter = g_strdup (name);
      f->clerk = g_strdup ("can-bo-a");
      f->procedure = g_strdup (mc_procedure_names_get_code (procedures, g_rand_int_range (rand, 0, (gint32) known)));
      f->channel = (McChannel) g_rand_int_range (rand, 0, MC_N_CHANNELS);
      f->pages = g_rand_int_range (rand, 1, 9);
      f->at_us = g_date_time_to_unix (dt) * G_USEC_PER_SEC;
      f->local_day = d;
      g_ptr_array_add (events, f);

      if (g_rand_int_range (rand, 0, 20) == 0)
        {
          McLedgerEvent *c = mc_ledger_event_copy (f);

          g_free (c->uuid);
          c->uuid = g_uuid_string_random ();
          c->kind = MC_EVENT_CORRECTION;
          c->corrects_uuid = g_strdup (f->uuid);
          g_clear_pointer (&c->visit_id, g_free);
          c->at_us = f->at_us + G_USEC_PER_SEC * 600;
          c->reason = MC_REASON_WRONG_CHANNEL;
          c->channel = (McChannel) ((f->channel + 1) % MC_N_CHANNELS);
          c->voids = g_rand_int_range (rand, 0, 5) == 0;
          g_ptr_array_add (events, c);
        }
    }
  return events;
}

static void
append_all (McLedgerStore *store,
            GPtrArray     *events)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < events->len; i += 2000)
    {
      mc_ledger_store_append (store, (McLedgerEvent * const *) events->pdata + i,
                              MIN (2000, events->len - i), NULL, &error);
      g_assert_no_error (error);
    }
}

static gint pushed_total;
static gint failures;

static void
push_one (gpointer data,
          gpointer user_data)
{
  McLedgerSyncResult result;
  g_autoptr(GError) error = NULL;

  if (!mc_ledger_sync_push (data, NULL, &result, &error))
    {
      g_printerr ("push failed: %s\n", error->message);
      g_atomic_int_inc (&failures);
    }
  g_atomic_int_add (&pushed_total, (gint) result.n_sent);
}

/* Every counter pushes, @n_threads at a time; seconds. */
static double
push_all (McLedgerSync **syncs)
{
  GThreadPool *pool = g_thread_pool_new (push_one, NULL, n_threads, FALSE, NULL);
  double t0 = now_s ();

  g_atomic_int_set (&pushed_total, 0);
  for (int i = 0; i < n_counters; i++)
    g_thread_pool_push (pool, syncs[i], NULL);
  g_thread_pool_free (pool, FALSE, TRUE);
  return now_s () - t0;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
time_report (McLedgerStore *store,
             McWardCatalog *catalog,
             McDay          from,
             McDay          to,
             guint64       *total)
{
  McReportSpec spec = { from, to, MC_REPORT_BY_WARD, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree double *times = g_new (double, MAX (runs, 1));

  for (int r = 0; r < MAX (runs, 1); r++)
    {
      double t0 = now_s ();
      g_autoptr(McReport) report = mc_report_build (store, catalog, procedures, &spec, &error);

      g_assert_no_error (error);
      *total = report->total;
      times[r] = now_s () - t0;
    }
  /* The median: one run slowed by the other sessions on the machine
   * does not move it. */
  qsort (times, MAX (runs, 1), sizeof *times, compare_doubles);
  return times[MAX (runs, 1) / 2];
}

/* ---- Bulk fill (--fill) -------------------------------------------------- */

/* The events of the fill, one after the other, the same on every pass:
 * filing k is made from a hash of k, and one in twenty is followed by a
 * correction (another portal; one in five of those voids it). Five years
 * of 2021–2025, the eight wards, six counters each. */
typedef struct {
  guint64     k;             /* filings made so far */
  guint64     h;             /* the last filing's hash */
  gboolean    pending;       /* its correction comes next */
  McDay       first;
  guint       n_days;
  gint64      epoch;         /* McDay of 1970-01-01 */
  char        filing_uuid[37];
} FillGen;

typedef struct {
  char         uuid[37];
  const char  *filing_uuid;
  const char  *corrects_uuid;
  gboolean     correction;
  gboolean     voids;
  gint64       at_us;
  McDay        day;
  const char  *ward;
  const char  *counter;
  const char  *procedure;
  McChannel    channel;
  int          pages;
} FillEvent;

static const char * const fill_counters[] = { "Quầy 1", "Quầy 2", "Quầy 3", "Quầy 4", "Quầy 5", "Quầy 6" };

static guint64
mix (guint64 x)
{
  /* splitmix64 */
  x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return x ^ (x >> 31);
}

static void
fill_gen_init (FillGen *g)
{
  memset (g, 0, sizeof *g);
  g->first = mc_day_from_ymd (2021, 1, 1);
  g->n_days = (guint) (mc_day_from_ymd (2025, 12, 31) - g->first + 1);
  g->epoch = mc_day_from_ymd (1970, 1, 1);
}

static void
fill_gen_next (FillGen   *g,
               FillEvent *e)
{
  gboolean correction = g->pending;
  guint64 h;

  if (!correction)
    {
      g->h = mix (g->k);
      /* Random-looking like real UUIDs, unique by the filing's number. */
      g_snprintf (g->filing_uuid, sizeof g->filing_uuid, "%08x-%04x-4%03x-a%03x-%012" G_GINT64_MODIFIER "x",
                  (guint) (g->h >> 32), (guint) (g->h >> 16) & 0xffff, (guint) (g->h >> 4) & 0xfff,
                  (guint) g->h & 0xfff, g->k);
      g->k++;
    }
  h = g->h;
  g->pending = !correction && (h >> 58) % 20 == 0;

  e->day = g->first + (McDay) (h % g->n_days);
  e->ward = wards[(h >> 12) % G_N_ELEMENTS (wards)];
  e->counter = fill_counters[(h >> 20) % G_N_ELEMENTS (fill_counters)];
  e->procedure = mc_procedure_names_get_code (procedures,
                                              (guint) ((h >> 28) % mc_procedure_names_get_n_known (procedures)));
  e->channel = (McChannel) ((h >> 36) % MC_N_CHANNELS);
  e->pages = 1 + (int) ((h >> 44) % 8);
  /* 8:00 to 16:59 at the counter (UTC+7). */
  e->at_us = ((gint64) (e->day - g->epoch) * 86400 + 3600 * (gint64) (1 + (h >> 48) % 9)
              + (gint64) ((h >> 52) % 60) * 60) * G_USEC_PER_SEC;
  e->correction = correction;
  e->filing_uuid = g->filing_uuid;
  e->corrects_uuid = NULL;
  e->voids = FALSE;
  g_strlcpy (e->uuid, g->filing_uuid, sizeof e->uuid);
  if (correction)
    {
      e->uuid[19] = '8';     /* the variant digit: filings have 'a' */
      e->corrects_uuid = g->filing_uuid;
      e->at_us += 600 * G_USEC_PER_SEC;
      e->channel = (McChannel) ((e->channel + 1) % MC_N_CHANNELS);
      e->voids = (h >> 40) % 5 == 0;
    }
}

static void
exec_ok (PGconn     *conn,
         const char *sql)
{
  PGresult *res = PQexec (conn, sql);

  if (PQresultStatus (res) != PGRES_COMMAND_OK && PQresultStatus (res) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQclear (res);
}

/* One COPY into the events table, as the owner, in one transaction that
 * disables the per-row projection (events_project) for this load only:
 * the safeguards (append-only, references and their order, the foreign
 * keys) check every row as a push's are; then the projection and the
 * per-day counts are built set-wise by the schema's own rebuild_derived ()
 * and the trigger is on again before the COMMIT, so no other session
 * ever sees it off. Seconds in all; @copy_s and @build_s the two parts. */
static double
fill_server (McTestPg *pg,
             guint64   n,
             double   *copy_s,
             double   *build_s)
{
  PGconn *conn = PQconnectdb (mc_test_pg_get_conninfo (pg));
  g_autoptr(GString) buf = g_string_sized_new (1 << 20);
  PGresult *res;
  FillGen g;
  double t0 = now_s (), t1;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  /* The set-wise build sorts every event twice: in memory, not in files. */
  exec_ok (conn, "SET work_mem = '1GB'");
  exec_ok (conn, "BEGIN");
  exec_ok (conn, "ALTER TABLE motcua.events DISABLE TRIGGER events_project");
  res = PQexec (conn, "COPY motcua.events (uuid, kind, filing_uuid, corrects_uuid, at_us, local_date,"
                " ward_code, counter, clerk, procedure, channel, pages, status, source, voids, reason)"
                " FROM STDIN");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_COPY_IN);
  PQclear (res);

  fill_gen_init (&g);
  for (guint64 i = 0; i < n; i++)
    {
      FillEvent e;
      g_autofree char *day = NULL;

      fill_gen_next (&g, &e);
      day = mc_day_format (e.day);
      g_string_append_printf (buf, "%s\t%s\t%s\t%s\t%" G_GINT64_FORMAT "\t%s\t%s\t%s\tcan-bo-a\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n",
                              e.uuid, e.correction ? "correction" : "filing", e.filing_uuid,
                              e.corrects_uuid ? e.corrects_uuid : "\\N", e.at_us, day, e.ward, e.counter,
                              e.procedure, mc_channel_to_string (e.channel), e.pages,
                              e.correction ? "\\N" : "submitted", e.correction ? "\\N" : "visit",
                              e.voids ? "t" : "f",
                              e.correction ? mc_correction_reason_to_string (MC_REASON_WRONG_CHANNEL) : "\\N");
      if (buf->len > (1 << 20) - 512 || i + 1 == n)
        {
          g_assert_cmpint (PQputCopyData (conn, buf->str, (int) buf->len), ==, 1);
          g_string_truncate (buf, 0);
        }
    }
  g_assert_cmpint (PQputCopyEnd (conn, NULL), ==, 1);
  while ((res = PQgetResult (conn)) != NULL)
    {
      if (PQresultStatus (res) != PGRES_COMMAND_OK)
        g_error ("COPY: %s", PQerrorMessage (conn));
      PQclear (res);
    }
  t1 = now_s ();
  *copy_s = t1 - t0;
  exec_ok (conn, "SELECT motcua.rebuild_derived ()");
  exec_ok (conn, "ALTER TABLE motcua.events ENABLE TRIGGER events_project");
  exec_ok (conn, "COMMIT");
  /* What autovacuum does soon after a load this size. */
  exec_ok (conn, "VACUUM ANALYZE motcua.events, motcua.filings, motcua.day_counter, motcua.day_procedure_channel");
  *build_s = now_s () - t1;
  PQfinish (conn);
  return now_s () - t0;
}

/* The SQLite ledger's triggers that build the projection and the per-day
 * counts one event at a time; a bulk load drops them, builds the same
 * rows set-wise (sqlite_build_derived) and makes them again from their own
 * text, so the file ends with the program's schema. The guards stay: they
 * let the rows be written while events beyond the ledger's mark of
 * applied events exist, and the mark moves to the newest event last. */
static const char * const sqlite_derivation_triggers[] = {
  "events_project_filing", "events_project_correction", "events_project_status",
  "filings_count_new", "filings_uncount_old", "filings_count_updated",
};

/* What those triggers give, as in the server's rebuild_derived (): a
 * filing's head is its record with the greatest (at, uuid), its status
 * the filing or status change with the greatest (at, uuid); the counts
 * hold the filings their head does not void, and a count left at 0 keeps
 * its row where a record became the head on arrival (in seq order)
 * without voiding. */
static const char sqlite_build_derived[] =
  "CREATE TEMPORARY TABLE rebuild_records AS"
  " SELECT filing_uuid, filing_seq, seq, local_date, ward_code, counter, procedure, channel, voids,"
  "        r = count (*) OVER (PARTITION BY filing_uuid) AS head,"
  "        r > coalesce (max (r) OVER (PARTITION BY filing_uuid ORDER BY seq"
  "                                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS was_head"
  "   FROM (SELECT filing_uuid, seq, local_date, ward_code, counter, procedure, channel, voids,"
  "                row_number () OVER (PARTITION BY filing_uuid ORDER BY at, uuid) AS r,"
  "                max (CASE WHEN kind = 'filing' THEN seq END) OVER (PARTITION BY filing_uuid) AS filing_seq"
  "           FROM events WHERE kind <> 'status');"
  "CREATE TEMPORARY TABLE rebuild_status AS"
  " SELECT filing_uuid, seq, status FROM"
  "  (SELECT filing_uuid, seq, status,"
  "          row_number () OVER (PARTITION BY filing_uuid ORDER BY at DESC, uuid DESC) AS k"
  "     FROM events WHERE kind <> 'correction')"
  " WHERE k = 1;"
  "CREATE UNIQUE INDEX temp.rebuild_status_by_filing ON rebuild_status (filing_uuid);"
  "INSERT INTO filings (seq, head_seq, status_seq, local_date, ward_code, counter, procedure, channel,"
  "                     status, voided)"
  " SELECT h.filing_seq, h.seq, s.seq, h.local_date, h.ward_code, h.counter, h.procedure, h.channel,"
  "        s.status, h.voids"
  "   FROM rebuild_records h JOIN rebuild_status s ON s.filing_uuid = h.filing_uuid"
  "  WHERE h.head ORDER BY h.filing_seq;"
  "INSERT INTO day_counter (local_date, ward_code, counter, n)"
  " SELECT local_date, ward_code, counter, sum (head)"
  "   FROM rebuild_records WHERE was_head AND NOT voids GROUP BY local_date, ward_code, counter;"
  "INSERT INTO day_procedure_channel (local_date, ward_code, procedure, channel, n)"
  " SELECT local_date, ward_code, procedure, channel, sum (head)"
  "   FROM rebuild_records WHERE was_head AND NOT voids GROUP BY local_date, ward_code, procedure, channel;"
  "DROP TABLE rebuild_records;"
  "DROP TABLE rebuild_status;"
  "UPDATE ledger_applied SET seq = (SELECT max (seq) FROM events);";

static void
sqlite_ok (sqlite3    *db,
           const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("SQLite: %s: %s", message, sql);
}

/* The same events into one SQLite ledger file made by the program (its
 * schema, indexes and triggers), in one transaction with one prepared
 * INSERT; for the load only, no journal and no syncs (a crash loses the
 * file, which is made again) and a cache of 3 GiB: with SQLite's 2 MiB,
 * one transaction of millions of inserts into the UUID index (random
 * keys) writes the same pages again and again, and takes hours. Then the
 * file is put back in the program's own journal mode (WAL). With
 * @set_wise, the projection and the counts are built after the events
 * (above); without, by the program's triggers, row by row. */
static double
fill_sqlite (const char *path,
             guint64     n,
             gboolean    set_wise)
{
  g_autoptr(GPtrArray) triggers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(McSqliteLedger) made = mc_sqlite_ledger_open (path, MC_SQLITE_LEDGER_OPEN_CREATE, &error);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  FillGen g;
  double t0 = now_s ();

  g_assert_no_error (error);
  g_clear_object (&made);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite_ok (db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY;"
             " PRAGMA cache_size = -3145728; BEGIN");
  for (guint i = 0; set_wise && i < G_N_ELEMENTS (sqlite_derivation_triggers); i++)
    {
      g_autofree char *drop = g_strdup_printf ("DROP TRIGGER %s", sqlite_derivation_triggers[i]);

      g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                                           -1, &stmt, NULL), ==, SQLITE_OK);
      sqlite3_bind_text (stmt, 1, sqlite_derivation_triggers[i], -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_ptr_array_add (triggers, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      sqlite3_finalize (stmt);
      sqlite_ok (db, drop);
    }
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO events (uuid, kind, filing_uuid, corrects_uuid, at, local_date,"
                                       " ward_code, counter, clerk, procedure, channel, pages, status, source, voids, reason)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'can-bo-a', ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  fill_gen_init (&g);
  for (guint64 i = 0; i < n; i++)
    {
      FillEvent e;
      g_autofree char *day = NULL;
      g_autofree char *at = NULL;

      fill_gen_next (&g, &e);
      day = mc_day_format (e.day);
      at = mc_ledger_format_time (e.at_us);
      sqlite3_bind_text (stmt, 1, e.uuid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, e.correction ? "correction" : "filing", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, e.filing_uuid, -1, SQLITE_TRANSIENT);
      if (e.corrects_uuid)
        sqlite3_bind_text (stmt, 4, e.corrects_uuid, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (stmt, 4);
      sqlite3_bind_text (stmt, 5, at, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, day, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, e.ward, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 8, e.counter, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 9, e.procedure, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 10, mc_channel_to_string (e.channel), -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 11, e.pages);
      if (e.correction)
        {
          sqlite3_bind_null (stmt, 12);
          sqlite3_bind_null (stmt, 13);
          sqlite3_bind_text (stmt, 15, mc_correction_reason_to_string (MC_REASON_WRONG_CHANNEL), -1, SQLITE_STATIC);
        }
      else
        {
          sqlite3_bind_text (stmt, 12, "submitted", -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 13, "visit", -1, SQLITE_STATIC);
          sqlite3_bind_null (stmt, 15);
        }
      sqlite3_bind_int (stmt, 14, e.voids);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_error ("SQLite: %s", sqlite3_errmsg (db));
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  if (set_wise)
    sqlite_ok (db, sqlite_build_derived);
  for (guint i = 0; i < triggers->len; i++)
    sqlite_ok (db, g_ptr_array_index (triggers, i));
  sqlite_ok (db, "COMMIT; PRAGMA journal_mode = WAL");
  sqlite3_close (db);
  return now_s () - t0;
}

/* The set-wise build checked against the program's own triggers on the
 * first @n events: two files, every row of the projection, the counts,
 * the mark and the schema the same. */
static void
check_sqlite_set_wise (const char *tmpdir,
                       guint64     n)
{
  g_autofree char *a = g_build_filename (tmpdir, "by-triggers.sqlite", NULL);
  g_autofree char *b = g_build_filename (tmpdir, "set-wise.sqlite", NULL);
  char *attach = NULL;
  static const char * const compared[] = {
    "SELECT * FROM main.%s EXCEPT SELECT * FROM b.%s",
    "SELECT * FROM b.%s EXCEPT SELECT * FROM main.%s",
  };
  static const char * const tables[] = { "filings", "day_counter", "day_procedure_channel", "ledger_applied", "sqlite_master" };
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 zeros = 0;

  fill_sqlite (a, n, FALSE);
  fill_sqlite (b, n, TRUE);
  g_assert_cmpint (sqlite3_open (a, &db), ==, SQLITE_OK);
  attach = sqlite3_mprintf ("ATTACH %Q AS b", b);
  sqlite_ok (db, attach);
  sqlite3_free (attach);
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (guint c = 0; c < G_N_ELEMENTS (compared); c++)
      {
        g_autofree char *q = g_strdup_printf (compared[c], tables[t], tables[t]);
        g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM (%s)", q);

        g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
        g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
        if (sqlite3_column_int64 (stmt, 0) != 0)
          g_error ("SQLite: the set-wise build differs from the triggers' in %s (%s)", tables[t], q);
        sqlite3_finalize (stmt);
      }
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count (*) FROM day_procedure_channel WHERE n = 0", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  zeros = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  printf ("SQLite: the set-wise build equals the program's triggers on the first %" G_GUINT64_FORMAT " events,"
          " row by row (filings, both per-day counts with %" G_GINT64_FORMAT " left at 0, the mark, the schema)\n",
          n, zeros);
  g_unlink (a);
  g_unlink (b);
}

static gpointer
fill_sqlite_thread (gpointer path)
{
  static double t;

  t = fill_sqlite (path, (guint64) fill, TRUE);
  return &t;
}

/* A report as text, every row, to tell whether two stores agree. */
static char *
report_text (McLedgerStore *store,
             McWardCatalog *catalog,
             McDay          from,
             McDay          to,
             guint         *n_rows)
{
  McReportSpec spec = { from, to, MC_REPORT_BY_WARD, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(McReport) report = mc_report_build (store, catalog, procedures, &spec, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  g_string_append_printf (out, "total %" G_GUINT64_FORMAT "\n", report->total);
  for (guint i = 0; i < report->rows->len; i++)
    {
      McReportRow *row = g_ptr_array_index (report->rows, i);

      g_string_append_printf (out, "%s %" G_GUINT64_FORMAT "\n", row->key, row->count);
    }
  *n_rows = report->rows->len;
  return g_string_free (out, FALSE);
}

/* A city-wide month and five years, by ward, from the server and from one
 * SQLite file holding the same events: each timed on both (medians of
 * --runs), and every row of the two compared. Whether they agree. */
static gboolean
compare_reports (McLedgerStore *server,
                 McLedgerStore *city,
                 McWardCatalog *catalog)
{
  static const struct {
    const char *what;
    int y0, m0, d0, y1, m1, d1;
  } reports[] = {
    { "a city-wide month by ward (2025-07)", 2025, 7, 1, 2025, 7, 31 },
    { "five years by ward (2021–2025)", 2021, 1, 1, 2025, 12, 31 },
  };
  gboolean agree = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (reports); i++)
    {
      McDay from = mc_day_from_ymd (reports[i].y0, reports[i].m0, reports[i].d0);
      McDay to = mc_day_from_ymd (reports[i].y1, reports[i].m1, reports[i].d1);
      guint rows_pg = 0, rows_sq = 0;
      g_autofree char *on_server = report_text (server, catalog, from, to, &rows_pg);
      g_autofree char *in_file = report_text (city, catalog, from, to, &rows_sq);
      guint64 n_pg = 0, n_sq = 0;
      double t_pg = time_report (server, catalog, from, to, &n_pg);
      double t_sq = time_report (city, catalog, from, to, &n_sq);
      gboolean same = g_str_equal (on_server, in_file) && n_pg == n_sq;

      printf ("%s, %" G_GUINT64_FORMAT " filings: server %.1f ms, one SQLite file %.1f ms (median of %d);"
              " %u rows on the server, %u in the file, %s\n",
              reports[i].what, n_pg, t_pg * 1000, t_sq * 1000, MAX (runs, 1), rows_pg, rows_sq,
              same ? "every row the same" : "THEY DISAGREE");
      if (!same)
        {
          printf ("%s---\n%s", on_server, in_file);
          agree = FALSE;
        }
    }
  return agree;
}

static int
run_fill (McTestPg      *pg,
          McWardCatalog *catalog,
          const char    *tmpdir)
{
  g_autofree char *path = g_build_filename (tmpdir, "city.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(McSqliteLedger) city = NULL;
  g_autoptr(McLedgerCheck) check = NULL;
  GThread *sqlite_thread;
  gboolean agree;
  double t, copy_s, build_s;

  check_sqlite_set_wise (tmpdir, MIN ((guint64) fill, 20000));
  /* Both at once: the server's work is in its own process. */
  sqlite_thread = g_thread_new ("fill-sqlite", fill_sqlite_thread, path);
  t = fill_server (pg, (guint64) fill, &copy_s, &build_s);
  printf ("filled the server: %d events in %.1f s = %.0f events/s (COPY with the safeguards %.1f s;"
          " filings and per-day counts built set-wise, then VACUUM ANALYZE, %.1f s)\n",
          fill, t, fill / t, copy_s, build_s);
  t = *(double *) g_thread_join (sqlite_thread);
  printf ("filled one SQLite file: %d events in %.1f s = %.0f events/s (one transaction, one prepared INSERT,"
          " filings and per-day counts built set-wise)\n",
          fill, t, fill / t);

  server = mc_pg_ledger_open (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  city = mc_sqlite_ledger_open (path, MC_SQLITE_LEDGER_OPEN_EXISTING, &error);
  g_assert_no_error (error);

  agree = compare_reports (MC_LEDGER_STORE (server), MC_LEDGER_STORE (city), catalog);

  /* The server's own check (last: it reads every filing): the set-wise
   * counts equal its filings, the filings their events. */
  check = mc_ledger_store_check (MC_LEDGER_STORE (server), &error);
  g_assert_no_error (error);
  printf ("server check: %" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT " filings (%" G_GUINT64_FORMAT " voided), %u problems\n",
          (guint64) check->n_events, (guint64) check->n_filings, (guint64) check->n_voided, check->problems->len);
  for (guint i = 0; i < check->problems->len; i++)
    printf ("  %s\n", (const char *) g_ptr_array_index (check->problems, i));

  return agree && check->problems->len == 0 ? 0 : 1;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(McTestPg) pg = NULL;
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(McSqliteLedger) city = NULL;
  g_autoptr(McWardCatalog) catalog = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);
  g_autofree char *tmpdir = NULL, *city_path = NULL;
  McSqliteLedger **locals;
  McLedgerSync **syncs;
  double t, gen_t;
  guint64 n_total = 0, n_more = 0;
  int status = 0;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (full)
    {
      n_counters = 50;
      n_per_counter = 10000;
    }
  /* Each figure as soon as it is measured, also into a file. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  /* The pool of threads below may block in libpq; nothing else runs. */
  g_test_init (&argc, &argv, NULL);
  procedures = mc_procedure_catalog_new_builtin ();
  tmpdir = mc_test_make_tmpdir ("bench-ledger-pg");
  catalog = mc_ward_catalog_load (&error);
  g_assert_no_error (error);

  pg = mc_test_pg_new ();
  if (pg == NULL)
    {
      printf ("no PostgreSQL server on this machine: nothing measured\n");
      return 0;
    }
  mc_pg_ledger_server_init (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  if (fill > 0)
    {
      status = run_fill (pg, catalog, tmpdir);

      g_clear_pointer (&pg, mc_test_pg_free);
      mc_test_rm_rf (tmpdir);
      return status;
    }
  server = mc_pg_ledger_open (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  city_path = g_build_filename (tmpdir, "city.sqlite", NULL);
  city = mc_sqlite_ledger_open (city_path, MC_SQLITE_LEDGER_OPEN_CREATE, &error);
  g_assert_no_error (error);

  locals = g_new0 (McSqliteLedger *, n_counters);
  syncs = g_new0 (McLedgerSync *, n_counters);
  gen_t = now_s ();
  for (int i = 0; i < n_counters; i++)
    {
      g_autofree char *name = g_strdup_printf ("counter-%d.sqlite", i);
      g_autofree char *path = g_build_filename (tmpdir, name, NULL);
      g_autoptr(GPtrArray) events = make_year (rand, (guint) i, (guint) n_per_counter);

      locals[i] = mc_sqlite_ledger_open (path, MC_SQLITE_LEDGER_OPEN_CREATE, &error);
      g_assert_no_error (error);
      mc_sqlite_ledger_set_synchronous_full (locals[i], FALSE, NULL);
      append_all (MC_LEDGER_STORE (locals[i]), events);
      append_all (MC_LEDGER_STORE (city), events);
      n_total += events->len;
      syncs[i] = mc_ledger_sync_new (locals[i], mc_test_pg_get_conninfo (pg));
      mc_ledger_sync_set_batch_size (syncs[i], (guint) batch);
    }
  printf ("%d counters, %" G_GUINT64_FORMAT " events in all (generated in %.1f s)\n",
          n_counters, n_total, now_s () - gen_t);

  t = push_all (syncs);
  printf ("first push, %d counters at a time, batches of %d: %d events in %.2f s = %.0f events/s%s\n",
          n_threads, batch, g_atomic_int_get (&pushed_total), t, g_atomic_int_get (&pushed_total) / t,
          failures ? " (with failures)" : "");

  t = push_all (syncs);
  printf ("push with nothing new (every counter asks): %.3f s\n", t);

  /* An outage: the server stops, each counter records a tenth more. */
  mc_test_pg_stop (pg);
  for (int i = 0; i < n_counters; i++)
    {
      g_autoptr(GPtrArray) events = make_year (rand, (guint) i, (guint) MAX (1, n_per_counter / 10));

      append_all (MC_LEDGER_STORE (locals[i]), events);
      append_all (MC_LEDGER_STORE (city), events);
      n_more += events->len;
    }
  mc_test_pg_start (pg);
  t = push_all (syncs);
  printf ("after an outage: %" G_GUINT64_FORMAT " events recorded meanwhile, caught up in %.2f s\n", n_more, t);

  if (!compare_reports (MC_LEDGER_STORE (server), MC_LEDGER_STORE (city), catalog))
    status = 1;

  for (int i = 0; i < n_counters; i++)
    {
      g_object_unref (syncs[i]);
      g_object_unref (locals[i]);
    }
  g_free (syncs);
  g_free (locals);
  g_clear_object (&server);
  g_clear_object (&city);
  g_clear_pointer (&pg, mc_test_pg_free);
  mc_test_rm_rf (tmpdir);
  return status;
}
