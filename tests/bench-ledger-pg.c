/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>

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
 */

static int n_counters = 50;
static int n_per_counter = 1000;
static McProcedureCatalog *procedures;   /* names and order of the reports */
static int n_threads = 8;
static int batch = 500;
static gboolean full;

static const GOptionEntry entries[] = {
  { "counters", 0, 0, G_OPTION_ARG_INT, &n_counters, "Counters (default 50)", "N" },
  { "events", 0, 0, G_OPTION_ARG_INT, &n_per_counter, "Filings per counter (default 1000)", "N" },
  { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads, "Counters pushing at the same time (default 8)", "N" },
  { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Events per batch (default 500)", "N" },
  { "full", 0, 0, G_OPTION_ARG_NONE, &full, "The issue's size: 50 counters × 10 000 filings", NULL },
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

static double
time_report (McLedgerStore *store,
             McWardCatalog *catalog,
             McDay          from,
             McDay          to,
             guint64       *total)
{
  McReportSpec spec = { from, to, MC_REPORT_BY_WARD, NULL };
  g_autoptr(GError) error = NULL;
  double best = G_MAXDOUBLE;

  for (int r = 0; r < 5; r++)
    {
      double t0 = now_s ();
      g_autoptr(McReport) report = mc_report_build (store, catalog, procedures, &spec, &error);

      g_assert_no_error (error);
      *total = report->total;
      best = MIN (best, now_s () - t0);
    }
  return best;
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
  guint64 n_total = 0, n_more = 0, month_pg, month_sq, all_pg, all_sq;

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

  month_pg = month_sq = all_pg = all_sq = 0;
  t = time_report (MC_LEDGER_STORE (server), catalog, mc_day_from_ymd (2025, 7, 1), mc_day_from_ymd (2025, 7, 31), &month_pg);
  printf ("a month by ward, server:       %7.1f ms (%" G_GUINT64_FORMAT " filings)\n", t * 1000, month_pg);
  t = time_report (MC_LEDGER_STORE (city), catalog, mc_day_from_ymd (2025, 7, 1), mc_day_from_ymd (2025, 7, 31), &month_sq);
  printf ("a month by ward, one SQLite:   %7.1f ms (%" G_GUINT64_FORMAT " filings)\n", t * 1000, month_sq);
  t = time_report (MC_LEDGER_STORE (server), catalog, mc_day_from_ymd (2021, 1, 1), mc_day_from_ymd (2025, 12, 31), &all_pg);
  printf ("five years by ward, server:    %7.1f ms (%" G_GUINT64_FORMAT " filings)\n", t * 1000, all_pg);
  t = time_report (MC_LEDGER_STORE (city), catalog, mc_day_from_ymd (2021, 1, 1), mc_day_from_ymd (2025, 12, 31), &all_sq);
  printf ("five years by ward, one SQLite: %6.1f ms (%" G_GUINT64_FORMAT " filings)\n", t * 1000, all_sq);
  if (month_pg != month_sq || all_pg != all_sq)
    printf ("THE SERVER AND THE FILE DISAGREE\n");

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
  return 0;
}
