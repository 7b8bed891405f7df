/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark: colour A4 pages at 300 dpi from the test scanner's feeder
 * into a page store. Prints pages per second and peak RSS. The test
 * backend's feeder holds 10 sheets, so N pages are N/10 batches back to
 * back in one process. Never fails on a figure.
 *
 * Usage: bench-scan PAGES DIR */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "mc-core.h"
#include "mc-scanner.h"

typedef struct {
  gboolean done;
  guint    pages;
  GError  *error;
} State;

static void
on_finished (McScanner *s, guint job, guint n, State *st)
{
  st->done = TRUE;
  st->pages += n;
}

static void
on_failed (McScanner *s, guint job, GError *error, guint n, State *st)
{
  st->done = TRUE;
  st->pages += n;
  st->error = g_error_copy (error);
}

static guint64
peak_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *hwm;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (hwm = strstr (status, "VmHWM:")) == NULL)
    return 0;
  return g_ascii_strtoull (hwm + 6, NULL, 10);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(McScanner) scanner = NULL;
  g_autoptr(McPageStore) store = NULL;
  g_autoptr(McScanJobOptions) options = NULL;
  g_autoptr(GError) error = NULL;
  State st = { 0 };
  guint want;
  gint64 start;
  double seconds;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s PAGES DIR\n", argv[0]);
      return 2;
    }
  mc_core_init ();
  want = (guint) atoi (argv[1]);
  store = mc_page_store_new (argv[2], &error);
  if (store == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  scanner = mc_scanner_new ();
  g_signal_connect (scanner, "job-finished", G_CALLBACK (on_finished), &st);
  g_signal_connect (scanner, "job-failed", G_CALLBACK (on_failed), &st);
  options = mc_scan_job_options_new ("test:0");
  options->source = MC_SCAN_SOURCE_ADF;
  options->dpi = 300;
  options->mode = MC_SCAN_MODE_COLOR;
  mc_scan_area_for_kind (MC_SCAN_AREA_A4, &options->area);
  mc_scan_job_options_add_option (options, "test-picture=Color pattern");

  start = g_get_monotonic_time ();
  while (st.pages < want && st.error == NULL)
    {
      st.done = FALSE;
      mc_scanner_start (scanner, options, store);
      while (!st.done)
        g_main_context_iteration (NULL, TRUE);
    }
  seconds = (g_get_monotonic_time () - start) / 1e6;
  mc_page_store_flush (store, NULL);

  if (st.error != NULL)
    fprintf (stderr, "scan failed: %s\n", st.error->message);
  printf ("pages=%u seconds=%.2f pages_per_second=%.2f peak_rss_mb=%.1f\n",
          st.pages, seconds, st.pages / seconds, peak_rss_kb () / 1024.0);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return st.error != NULL;
}
