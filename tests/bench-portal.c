/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "mc-core.h"
#include "mc-portal-client.h"
#include "mc-portal-package.h"
#include "mc-test-package.h"
#include "mc-test-portal.h"
#include "mc-test-util.h"

/* Figures, never a pass or fail: meson test -C build --benchmark portal -v
 *
 * For a package of about 30 MB (two files of 15 MB, the size of a thick
 * file at the portal's total limit), median of 5 runs each:
 *   - checking it against its manifest (open, size, SHA-256 of every file);
 *   - one upload to the loopback portal (HTTP/1.1, no TLS), which also
 *     parses the multipart body and hashes every file;
 *   - the time from a cancel to the upload call returning. */

#define RUNS 5

static int
compare (const void *a,
         const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *v)
{
  qsort (v, RUNS, sizeof *v, compare);
  return v[RUNS / 2];
}

typedef struct {
  McPortalClient  *client;
  McPortalPackage *package;
  GCancellable    *cancellable;
  gint64           returned_at;
} Cancelled;

static gpointer
submit_thread (gpointer data)
{
  Cancelled *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(McPortalReceipt) receipt = mc_portal_client_submit (c->client, c->package, NULL, NULL, NULL,
                                                                c->cancellable, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  c->returned_at = g_get_monotonic_time ();
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *tmpdir = NULL;
  g_autoptr(McPortalConfig) config = mc_portal_config_new ();
  double check_ms[RUNS], upload_ms[RUNS], cancel_ms[RUNS];
  guint64 total = 0;

  mc_core_init ();
  g_test_init (&argc, &argv, NULL);
  tmpdir = mc_test_make_tmpdir ("bench-portal");

  for (guint run = 0; run < RUNS; run++)
    {
      g_autoptr(McTestPortal) portal = mc_test_portal_new ("bench-token", NULL);
      g_autofree char *dir = mc_test_make_package (tmpdir, 10 * 1000 * 1000, NULL);
      g_autoptr(McPortalPackage) package = NULL;
      g_autoptr(McPortalClient) client = NULL;
      g_autoptr(McPortalReceipt) receipt = NULL;
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GError) error = NULL;
      Cancelled c = { 0 };
      GThread *thread;
      gint64 start, cancelled_at;

      start = g_get_monotonic_time ();
      package = mc_portal_package_load (dir, NULL, &error);
      g_assert_no_error (error);
      check_ms[run] = (g_get_monotonic_time () - start) / 1000.0;
      total = mc_portal_package_get_total_size (package);

      client = mc_portal_client_new (mc_test_portal_get_endpoint (portal), "bench-token", config, &error);
      g_assert_no_error (error);
      start = g_get_monotonic_time ();
      receipt = mc_portal_client_submit (client, package, NULL, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      upload_ms[run] = (g_get_monotonic_time () - start) / 1000.0;

      /* A cancel while the portal reads slowly. */
      mc_test_portal_push_fault (portal, (McFault) { MC_FAULT_SLOW_READ, 0, -1, 0 });
      c = (Cancelled) { client, package, cancellable, 0 };
      thread = g_thread_new ("submit", submit_thread, &c);
      g_assert_true (mc_test_portal_wait_body (portal, 64 * 1024, 20000));
      cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (cancellable);
      g_thread_join (thread);
      cancel_ms[run] = (c.returned_at - cancelled_at) / 1000.0;

      mc_test_rm_rf (dir);
    }

  printf ("package of %.1f MB, median of %d runs\n", total / 1e6, RUNS);
  printf ("  check against the manifest: %8.1f ms  (%.0f MB/s)\n", median (check_ms), total / 1e3 / median (check_ms));
  printf ("  upload to loopback portal:  %8.1f ms  (%.0f MB/s)\n", median (upload_ms), total / 1e3 / median (upload_ms));
  printf ("  cancel to return:           %8.2f ms\n", median (cancel_ms));

  mc_test_rm_rf (tmpdir);
  return 0;
}
