/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-ledger.h"
#include "mc-ledger-report.h"
#include "mc-sqlite-ledger.h"
#include "mc-supervisor-pin.h"

/* The ledger's benchmark: five years of filings for 30 counters (about
 * two million events, generated), then the times that matter to the
 * supervisor and to the clerk. It prints figures and never fails on a
 * timing: `meson test -C build --benchmark ledger`, or run it directly:
 *
 *   build/tests/bench-ledger [--events N] [--db FILE] [--keep] [--runs N]
 *
 * The database is made in a temporary folder and deleted afterwards
 * unless --db names a file (reused if it already holds the events). It is
 * never part of the repository or of the tests. */

#define N_COUNTERS 30

static gint64 n_events = 2000000;
static char *db_path;
static gboolean keep;
static int runs = 9;
static gboolean open_only;

static const GOptionEntry entries[] = {
  { "events", 0, 0, G_OPTION_ARG_INT64, &n_events, "Events to generate (default 2000000)", "N" },
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "Ledger file to make or reuse", "FILE" },
  { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the generated ledger", NULL },
  { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs per timing (median reported)", "N" },
  { "open-only", 0, 0, G_OPTION_ARG_NONE, &open_only, "Only time the check made at open (with --db)", NULL },
  { NULL }
};

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *samples,
            double  p)
{
  g_array_sort (samples, compare_doubles);
  return g_array_index (samples, double, MIN (samples->len - 1, (guint) (p * samples->len)));
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* The counters' wards: each counter belongs to one of the 27 units of
 * 2021 and, after each merger, records under the unit its unit became. */
static const char *
ward_code_on (McWardCatalog *catalog,
              guint          counter,
              McDay          day)
{
  const McWardUnit *home = mc_ward_catalog_get_unit (catalog, counter % 27);
  const McWardUnit *unit = mc_ward_catalog_resolve (catalog, home, day);

  return mc_ward_unit_get_code (unit ? unit : home);
}

static gint64
local_noon_us (McDay day)
{
  GDate d;
  g_autoptr(GDateTime) dt = NULL;

  g_date_clear (&d, 1);
  g_date_set_julian (&d, day);
  dt = g_date_time_new_local (g_date_get_year (&d), g_date_get_month (&d), g_date_get_day (&d), 7, 30, 0);
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

static void
generate (McSqliteLedger *store,
          McWardCatalog  *catalog,
          McDay           first,
          McDay           last)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_ledger_event_free);
  g_autoptr(GPtrArray) recent = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_ledger_event_free);
  guint n_days = last - first + 1;
  /* Filings are 92 % of events; corrections 2 %, status changes 6 %. */
  double per_counter_day = (double) n_events * 0.92 / n_days / N_COUNTERS;
  gint64 written = 0;
  double start = now_ms ();

  mc_sqlite_ledger_set_synchronous_full (store, FALSE, NULL);
  for (McDay day = first; day <= last && written < n_events; day++)
    {
      GDate d;
      gboolean weekend;

      g_date_clear (&d, 1);
      g_date_set_julian (&d, day);
      weekend = g_date_get_weekday (&d) >= G_DATE_SATURDAY;

      for (guint c = 0; c < N_COUNTERS; c++)
        {
          double mean = weekend ? per_counter_day * 0.3 : per_counter_day * 1.28;
          guint n = (guint) (g_rand_double_range (rand, mean * 0.5, mean * 1.5) + 0.5);
          g_autofree char *counter = g_strdup_printf ("Quầy %u", c % 4 + 1);

          for (guint k = 0; k < n; k++)
            {
              McLedgerEvent *e = mc_ledger_event_new (MC_EVENT_FILING);
              guint p = (guint) g_rand_int_range (rand, 0, 12);
              static const char * const codes[] = {
                "1.001193", "2.000986", "1.000894", "1.000656", "2.000815", "2.000635",
                "1.004873", "1.004222", "1.004194", "1.004884", "1.004859", "2.000884",
              };

              e->ward_code = g_strdup (ward_code_on (catalog, c, day));
              e->counter = g_strdup (counter);
              e->clerk = g_strdup_printf ("can-bo-%02u", c);
              e->procedure = g_strdup (codes[p]);
              e->channel = (McChannel) g_rand_int_range (rand, 0, MC_N_CHANNELS);
              e->pages = g_rand_int_range (rand, 1, 30);
              e->source = g_rand_int_range (rand, 0, 5) ? MC_SOURCE_VISIT : MC_SOURCE_MANUAL;
              e->at_us = local_noon_us (day) + (gint64) k * 60 * G_USEC_PER_SEC + c;
              e->local_day = day;
              g_ptr_array_add (batch, e);
              written++;

              if (g_rand_int_range (rand, 0, 46) == 0)
                {
                  McLedgerEvent *fix = mc_ledger_event_copy (e);

                  g_free (fix->uuid);
                  fix->uuid = g_uuid_string_random ();
                  fix->kind = MC_EVENT_CORRECTION;
                  fix->corrects_uuid = g_strdup (e->uuid);
                  fix->at_us = e->at_us + 600 * G_USEC_PER_SEC;
                  fix->voids = g_rand_int_range (rand, 0, 4) == 0;
                  fix->reason = fix->voids ? MC_REASON_DUPLICATE : MC_REASON_WRONG_CHANNEL;
                  fix->channel = (McChannel) ((fix->channel + 1) % MC_N_CHANNELS);
                  g_ptr_array_add (batch, fix);
                  written++;
                }
              if (g_rand_int_range (rand, 0, 15) == 0)
                {
                  McLedgerEvent *st = mc_ledger_event_new (MC_EVENT_STATUS);

                  g_free (st->filing_uuid);
                  st->filing_uuid = g_strdup (e->uuid);
                  st->at_us = e->at_us + 86400LL * G_USEC_PER_SEC;
                  st->local_day = day + 1;
                  st->status = MC_FILING_STATUS_COMPLETED;
                  g_ptr_array_add (batch, st);
                  written++;
                }
            }
        }

      if (batch->len >= 20000 || day == last)
        {
          g_autoptr(GError) error = NULL;

          if (!mc_ledger_store_append (MC_LEDGER_STORE (store), (McLedgerEvent * const *) batch->pdata,
                                       batch->len, NULL, &error))
            g_error ("generating: %s", error->message);
          g_ptr_array_set_size (batch, 0);
          fprintf (stderr, "\r  %" G_GINT64_FORMAT " events…", written);
        }
    }
  if (batch->len > 0)
    {
      g_autoptr(GError) error = NULL;

      if (!mc_ledger_store_append (MC_LEDGER_STORE (store), (McLedgerEvent * const *) batch->pdata,
                                   batch->len, NULL, &error))
        g_error ("generating: %s", error->message);
    }
  mc_sqlite_ledger_set_synchronous_full (store, TRUE, NULL);
  fprintf (stderr, "\n");
  printf ("generate-events: %" G_GINT64_FORMAT "\n", written);
  printf ("generate-s: %.1f\n", (now_ms () - start) / 1000.0);
}

static void
time_it (const char    *name,
         McLedgerStore *store,
         McWardCatalog *catalog,
         McReportBy     by,
         McDay          from,
         McDay          to,
         const char    *ward,
         gboolean       summary)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  /* Names and order of the procedures, as the program's reports have them. */
  g_autoptr(McProcedureCatalog) procedures = mc_procedure_catalog_new_builtin ();
  guint64 total = 0;

  for (int i = 0; i <= runs; i++)
    {
      g_autoptr(GError) error = NULL;
      double start = now_ms ();
      double ms;

      if (summary)
        {
          g_autoptr(McSummary) s = mc_summary_build (store, catalog, procedures, from, to, ward, &error);

          if (s == NULL)
            g_error ("%s: %s", name, error->message);
          total = s->total;
        }
      else
        {
          McReportSpec spec = { from, to, by, ward };
          g_autoptr(McReport) r = mc_report_build (store, catalog, procedures, &spec, &error);

          if (r == NULL)
            g_error ("%s: %s", name, error->message);
          total = r->total;
        }
      ms = now_ms () - start;
      /* The first run warms the page cache; it is not counted. */
      if (i > 0)
        g_array_append_val (samples, ms);
    }
  printf ("%s-ms: median %.1f, min %.1f, max %.1f (%" G_GUINT64_FORMAT " filings, %d runs)\n",
          name, percentile (samples, 0.5), percentile (samples, 0.0), percentile (samples, 1.0), total, runs);
}

static void
insert_latency (McLedger       *ledger,
                McSqliteLedger *store,
                gboolean        full,
                guint           n)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));

  mc_sqlite_ledger_set_synchronous_full (store, full, NULL);
  for (guint i = 0; i < n; i++)
    {
      McFilingRecord r = MC_FILING_RECORD_INIT;
      g_autoptr(GError) error = NULL;
      g_autofree char *uuid = NULL;
      double start, ms;

      r.ward_code = "22333";
      r.counter = "Quầy 1";
      r.clerk = "can-bo-01";
      r.procedure = "1.001193";
      r.channel = MC_CHANNEL_NATIONAL;
      r.pages = 4;
      start = now_ms ();
      uuid = mc_ledger_record_filing (ledger, &r, &error);
      ms = now_ms () - start;
      if (uuid == NULL)
        g_error ("insert: %s", error->message);
      g_array_append_val (samples, ms);
    }
  printf ("insert-%s-ms: p50 %.2f, p99 %.2f, max %.2f (%u filings, one transaction each)\n",
          full ? "full" : "normal", percentile (samples, 0.5), percentile (samples, 0.99),
          percentile (samples, 1.0), n);
  mc_sqlite_ledger_set_synchronous_full (store, TRUE, NULL);
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

/* The reports a supervisor asks for: a month, and the whole five years. */
static void
time_reports (McLedgerStore *store,
              McWardCatalog *catalog,
              McDay          first,
              McDay          last)
{
  McDay march = mc_day_from_ymd (2026, 3, 1), march_end = mc_day_from_ymd (2026, 3, 31);
  const struct {
    const char *name;
    McReportBy  by;
    gboolean    whole;     /* the five years, not March 2026 */
    const char *ward;
    gboolean    summary;
  } reports[] = {
    { "month-report-by-procedure", MC_REPORT_BY_PROCEDURE, FALSE, "22333", FALSE },
    { "month-summary-ward", 0, FALSE, "22333", TRUE },
    { "month-report-all-wards-by-counter", MC_REPORT_BY_COUNTER, FALSE, NULL, FALSE },
    { "five-year-report-by-ward", MC_REPORT_BY_WARD, TRUE, NULL, FALSE },
    { "five-year-report-one-ward-by-procedure", MC_REPORT_BY_PROCEDURE, TRUE, "22333", FALSE },
    { "five-year-summary-one-ward", 0, TRUE, "22333", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (reports); i++)
    time_it (reports[i].name, store, catalog, reports[i].by,
             reports[i].whole ? first : march, reports[i].whole ? last : march_end,
             reports[i].ward, reports[i].summary);
}

static void
time_pin_verify (void)
{
  g_autofree char *hash = mc_supervisor_pin_hash ("2468", NULL);
  double start = now_ms ();

  mc_supervisor_pin_verify (hash, "2468", NULL);
  printf ("pin-verify-ms: %.0f (scrypt N = 2^%d, r = %d, p = %d)\n", now_ms () - start,
          MC_SUPERVISOR_PIN_SCRYPT_LOG2_N, MC_SUPERVISOR_PIN_SCRYPT_R, MC_SUPERVISOR_PIN_SCRYPT_P);
}

static void
time_full_check (McLedgerStore *store)
{
  g_autoptr(GError) error = NULL;
  double start = now_ms ();
  g_autoptr(McLedgerCheck) check = mc_ledger_store_check (store, &error);

  if (check == NULL)
    g_error ("check: %s", error->message);
  printf ("check-s: %.1f (%u problems, %" G_GUINT64_FORMAT " events)\n", (now_ms () - start) / 1000.0,
          check->problems->len, check->n_events);
}

/* The check every open makes: here on the last two months of the
 * generated data, as an open in July 2026 would check them. */
static void
time_open_check (McSqliteLedger *store)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < runs; i++)
    {
      double start = now_ms (), ms;

      g_ptr_array_set_size (problems, 0);
      if (!mc_sqlite_ledger_quick_check (store, mc_day_from_ymd (2026, 5, 1), problems, &error))
        g_error ("quick check: %s", error->message);
      ms = now_ms () - start;
      g_array_append_val (samples, ms);
    }
  printf ("open-check-ms: median %.1f, max %.1f (%u problems, %d runs)\n",
          percentile (samples, 0.5), percentile (samples, 1.0), problems->len, runs);
}

/* A whole open, check included, of the closed file. */
static void
time_reopen (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(McSqliteLedger) store = NULL;
  double start = now_ms ();

  store = mc_sqlite_ledger_open (path, MC_SQLITE_LEDGER_OPEN_EXISTING, &error);
  if (store == NULL)
    g_error ("reopen: %s", error->message);
  printf ("open-ms: %.1f (%u problems found at open)\n", now_ms () - start,
          mc_sqlite_ledger_get_open_problems (store)->len);
}

static gboolean
is_empty (McLedgerStore *store)
{
  McLedgerFilingQuery any = { MC_DAY_OPEN, MC_DAY_OPEN, NULL, 0, TRUE, 1 };
  g_autoptr(GPtrArray) one = mc_ledger_store_list_filings (store, &any, NULL);

  return one == NULL || one->len == 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(McWardCatalog) catalog = NULL;
  g_autoptr(McSqliteLedger) store = NULL;
  g_autoptr(McLedger) ledger = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *wal = NULL;
  McDay first = mc_day_from_ymd (2021, 7, 1), last = mc_day_from_ymd (2026, 6, 30);

  setlocale (LC_ALL, "");
  setvbuf (stdout, NULL, _IOLBF, 0);
  g_setenv ("TZ", "Asia/Ho_Chi_Minh", TRUE);
  mc_core_init ();
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "bench-ledger: %s\n", error->message);
      return 2;
    }
  if (db_path == NULL)
    {
      tmpdir = g_dir_make_tmp ("motcua-bench-XXXXXX", &error);
      g_assert_no_error (error);
      db_path = g_build_filename (tmpdir, "ledger.sqlite", NULL);
    }
  catalog = mc_ward_catalog_new_builtin ();
  store = mc_sqlite_ledger_open (db_path, MC_SQLITE_LEDGER_OPEN_CREATE, &error);
  if (store == NULL)
    {
      fprintf (stderr, "bench-ledger: %s\n", error->message);
      return 1;
    }
  ledger = mc_ledger_new (MC_LEDGER_STORE (store));

  printf ("ledger: %s\n", db_path);
  printf ("sqlite: %s\n", sqlite3_libversion ());
  if (is_empty (MC_LEDGER_STORE (store)))
    generate (store, catalog, first, last);
  else
    printf ("generate: reusing the events already in %s\n", db_path);

  if (!open_only)
    {
      time_reports (MC_LEDGER_STORE (store), catalog, first, last);
      insert_latency (ledger, store, TRUE, 1000);
      insert_latency (ledger, store, FALSE, 1000);
      time_pin_verify ();
      time_full_check (MC_LEDGER_STORE (store));
    }
  time_open_check (store);

  g_clear_object (&ledger);
  g_clear_object (&store);   /* closing folds the WAL into the file */
  time_reopen (db_path);
  wal = g_strconcat (db_path, "-wal", NULL);
  printf ("db-size-mb: %.1f (+ %.1f WAL)\n", file_size (db_path) / 1048576.0, file_size (wal) / 1048576.0);

  if (tmpdir != NULL && !keep)
    {
      g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);

      g_unlink (db_path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (tmpdir);
    }
  else
    printf ("kept: %s\n", db_path);
  return 0;
}
