/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "mc-core.h"
#include "mc-scanner.h"
#include "mc-self-service-session.h"
#include "mc-self-service-window.h"
#include "mc-test-ui.h"
#include "mc-test-util.h"
#include "mc-ui.h"

/* A kiosk scan that hangs must not keep the kiosk from wiping (issue 12).
 * The real SANE `test` backend, with sane_read() made to block until
 * sane_cancel() as a scanner stuck in a transfer does (tests/mc-sane-liar.c,
 * preloaded with MC_SANE_LIE=stall-read by tests/meson.build): the page
 * starts and nothing more comes; the inactivity timeout passes, the kiosk
 * goes back to its welcome, cancels the scan and wipes the citizen's
 * folder. Before the fix a running scan counted as activity however long
 * it hung, and the kiosk stayed on "Scanning" with the papers on disk. */

static char *tmp_root;
static McProcedureCatalog *procedures;   /* the built-in catalog, made in main() */

typedef struct {
  McSelfServiceWindow *kiosk;
  McScanner           *scanner;
  gboolean             devices;
  gboolean             started;
  gboolean             ended;
  GError              *error;
  char                *folder;
} Fixture;

static void on_devices (McScanner *s, Fixture *f) { f->devices = TRUE; }
static void on_started (McScanner *s, guint job, guint index, Fixture *f) { f->started = TRUE; }

static void
on_finished (McScanner *s, guint job, guint n_pages, Fixture *f)
{
  f->ended = TRUE;
}

static void
on_failed (McScanner *s, guint job, GError *error, guint n_pages, Fixture *f)
{
  f->ended = TRUE;
  f->error = g_error_copy (error);
}

static gboolean is_true (gpointer flag) { return *(gboolean *) flag; }

static gboolean
back_at_start (gpointer data)
{
  Fixture *f = data;

  return mc_self_service_window_get_phase (f->kiosk) == MC_KIOSK_CHOOSE;
}

static gboolean
folder_gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

static void
test_hung_scan_is_wiped (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *base = g_build_filename (tmp_root, "self-service", NULL);
  Fixture f = { 0 };
  gint64 start;

  g_settings_set_string (settings, "scanner-device", "test:0");
  g_settings_set_string (settings, "scan-source", "flatbed");
  g_settings_set_uint (settings, "scan-resolution", 150);
  g_settings_set_uint (settings, "self-service-timeout", 4);
  g_settings_set_boolean (settings, "read-aloud", FALSE);

  f.scanner = mc_scanner_new ();
  g_signal_connect (f.scanner, "devices-changed", G_CALLBACK (on_devices), &f);
  g_signal_connect (f.scanner, "page-started", G_CALLBACK (on_started), &f);
  g_signal_connect (f.scanner, "job-finished", G_CALLBACK (on_finished), &f);
  g_signal_connect (f.scanner, "job-failed", G_CALLBACK (on_failed), &f);
  f.kiosk = mc_self_service_window_new (NULL, settings, procedures, f.scanner, NULL, base);
  g_object_ref_sink (f.kiosk);
  gtk_window_present (GTK_WINDOW (f.kiosk));
  g_assert_true (mc_test_wait_until (is_true, &f.devices, 30));

  /* A citizen chooses, places a paper and presses Scan, then walks away. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.kiosk), "kiosk.choose", "s", "1.004194"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.kiosk), "kiosk.next", NULL));
  g_assert_cmpint (mc_self_service_window_get_phase (f.kiosk), ==, MC_KIOSK_PLACE);
  f.folder = g_strdup (mc_self_service_session_get_dir (mc_self_service_window_get_session (f.kiosk)));
  g_assert_true (g_file_test (f.folder, G_FILE_TEST_IS_DIR));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.kiosk), "kiosk.scan", NULL));
  g_assert_cmpint (mc_self_service_window_get_phase (f.kiosk), ==, MC_KIOSK_SCANNING);
  g_assert_true (mc_test_wait_until (is_true, &f.started, 30));
  start = g_get_monotonic_time ();

  /* The timeout passes with the scan stuck: the kiosk starts again. */
  g_assert_true (mc_test_wait_until (back_at_start, &f, 60));
  g_test_message ("back at the welcome %.1f s after the page started",
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_null (mc_self_service_window_get_session (f.kiosk));

  /* The scan was cancelled, and the folder went once it had ended. */
  g_assert_true (mc_test_wait_until (is_true, &f.ended, 60));
  g_assert_error (f.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (mc_test_wait_until (folder_gone, f.folder, 30));
  g_assert_false (mc_scanner_is_busy (f.scanner));

  mc_self_service_window_close_for_good (f.kiosk);
  g_clear_object (&f.kiosk);
  g_clear_object (&f.scanner);
  mc_test_iterate ();
  g_clear_error (&f.error);
  g_free (f.folder);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_assert_cmpstr (g_getenv ("MC_SANE_LIE"), ==, "stall-read");
  g_assert_nonnull (strstr (g_getenv ("LD_PRELOAD"), "mc-sane-liar"));
  tmp_root = mc_test_make_tmpdir ("ui-kiosk-hang");
  g_setenv ("XDG_DATA_HOME", tmp_root, TRUE);

  setlocale (LC_ALL, "");
  gtk_test_init (&argc, &argv, NULL);
  mc_core_init ();
  mc_ui_init ();
  adw_init ();
  procedures = mc_procedure_catalog_new_builtin ();

  g_test_add_func ("/kiosk/hung-scan-is-wiped", test_hung_scan_is_wiped);
  ret = g_test_run ();

  mc_test_rm_rf (tmp_root);
  g_free (tmp_root);
  return ret;
}
