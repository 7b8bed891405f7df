/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mc-core.h"
#include "mc-scan-panel.h"
#include "mc-test-ui.h"
#include "mc-test-util.h"
#include "mc-vips.h"

/* The scanning area with the real scanner service and the virtual
 * scanners: scan specimen papers, see the thumbnails, turn, reorder,
 * delete, cancel. */

static GtkWindow *window;
static McScanPanel *panel;
static McScanner *scanner;
static McPageStore *store;
static GSettings *settings;
static char *dir;

static gboolean
ready (gpointer data)
{
  return gtk_widget_is_sensitive (GTK_WIDGET (panel)) &&
         mc_scanner_get_devices (scanner) != NULL &&
         !mc_scanner_is_busy (scanner);
}

static gboolean
idle (gpointer data)
{
  return !mc_scanner_is_busy (scanner);
}

static guint
n_pages (void)
{
  return g_list_model_get_n_items (G_LIST_MODEL (store));
}

static gboolean
has_pages (gpointer data)
{
  return n_pages () >= GPOINTER_TO_UINT (data) && !mc_scanner_is_busy (scanner);
}

static void
wait_for_pages (guint n)
{
  if (!mc_test_wait_until (has_pages, GUINT_TO_POINTER (n), 30))
    g_error ("expected %u pages, have %u: status “%s”, error “%s”, busy %d", n, n_pages (),
             mc_scan_panel_get_status (panel), mc_scan_panel_get_error (panel),
             mc_scanner_is_busy (scanner));
}

static gboolean
device_open (gpointer data)
{
  GPtrArray *devices = mc_scanner_get_devices (scanner);

  for (guint i = 0; devices && i < devices->len; i++)
    if (g_str_equal (mc_scan_device_get_name (g_ptr_array_index (devices, i)), data))
      return mc_scan_device_has_capabilities (g_ptr_array_index (devices, i));
  return FALSE;
}

/* The first scan after switching from a scanner with a feeder to one
 * without, before the new one is open: the feeder chosen for the first
 * must not be asked of the second (it once failed "no document feeder"). */
static void
test_switch_then_scan (void)
{
  g_autoptr(McScanJobOptions) options = NULL;
  g_autoptr(McPage) scanned = NULL;

  g_assert_true (mc_test_wait_until (ready, NULL, 30));
  mc_scan_panel_set_preset (panel, MC_SCAN_PRESET_DOCUMENT);
  g_assert_true (mc_scan_panel_select_device (panel, "test:0"));
  g_assert_true (mc_test_wait_until (device_open, (gpointer) "test:0", 20));
  options = mc_scan_panel_build_options (panel);
  g_assert_cmpint (options->source, ==, MC_SCAN_SOURCE_ADF);
  g_clear_pointer (&options, mc_scan_job_options_free);

  g_assert_true (mc_scan_panel_select_device (panel, "pnm:0"));
  g_assert_true (mc_scan_panel_select_specimen (panel, "to-khai-khai-sinh-2.pgm"));
  options = mc_scan_panel_build_options (panel);
  g_assert_cmpint (options->source, !=, MC_SCAN_SOURCE_ADF);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "scan.start", NULL));
  wait_for_pages (1);
  g_assert_null (mc_scan_panel_get_error (panel));
  scanned = g_list_model_get_item (G_LIST_MODEL (store), 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "page.delete", "s", mc_page_get_basename (scanned)));
  g_assert_cmpuint (n_pages (), ==, 0);
}

static void
test_scan_specimens (void)
{
  g_assert_true (mc_test_wait_until (ready, NULL, 30));
  g_assert_true (mc_scan_panel_select_device (panel, "pnm:0"));
  g_assert_true (mc_scan_panel_select_specimen (panel, "to-khai-khai-sinh-1.pgm"));
  mc_scan_panel_set_preset (panel, MC_SCAN_PRESET_DOCUMENT);
  mc_test_screenshot (GTK_WIDGET (window), "scan-panel-ready");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "scan.start", NULL));
  g_assert_true (mc_scanner_is_busy (scanner));
  wait_for_pages (1);

  /* The next specimen page is now "on the glass": scan it too. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "scan.start", NULL));
  wait_for_pages (2);
  g_assert_null (mc_scan_panel_get_error (panel));
  {
    g_autofree char *expected = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u page scanned.",
                                                              "%u pages scanned.", 1), 1);

    g_assert_cmpstr (mc_scan_panel_get_status (panel), ==, expected);
  }

  g_assert_true (mc_scan_panel_select_specimen (panel, "giay-chung-sinh.ppm"));
  mc_scan_panel_set_preset (panel, MC_SCAN_PRESET_PHOTO);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "scan.start", NULL));
  wait_for_pages (3);
  mc_test_screenshot (GTK_WIDGET (window), "scan-panel-pages");
}

typedef struct {
  McPage *page;
  guint   revision;
} RevisionWait;

static gboolean
revised (gpointer data)
{
  RevisionWait *w = data;

  return mc_page_get_revision (w->page) > w->revision;
}

static void
test_page_tools (void)
{
  g_autoptr(McPage) first = g_list_model_get_item (G_LIST_MODEL (store), 0);
  g_autoptr(McPage) second = g_list_model_get_item (G_LIST_MODEL (store), 1);
  g_autoptr(McPage) now_first = NULL;
  RevisionWait w = { first, mc_page_get_revision (first) };
  int width = mc_page_get_width (first), height = mc_page_get_height (first);

  /* Turn: the file on disk is turned, the size swaps. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "page.rotate-right", "s",
                                             mc_page_get_basename (first)));
  g_assert_true (mc_test_wait_until (revised, &w, 20));
  g_assert_cmpint (mc_page_get_width (first), ==, height);
  g_assert_cmpint (mc_page_get_height (first), ==, width);

  /* Reorder: page 2 moves before page 1. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "page.move-earlier", "s",
                                             mc_page_get_basename (second)));
  now_first = g_list_model_get_item (G_LIST_MODEL (store), 0);
  g_assert_true (now_first == second);

  /* Delete: gone from the strip and from the disk. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "page.delete", "s",
                                             mc_page_get_basename (first)));
  g_assert_cmpuint (n_pages (), ==, 2);
  g_assert_false (g_file_test (mc_page_get_path (first), G_FILE_TEST_EXISTS));
  mc_test_screenshot (GTK_WIDGET (window), "scan-panel-edited");
}

static gboolean
folder_listed (gpointer data)
{
  return mc_scan_panel_select_device (panel, data);
}

/* A scan folder (issue 14) is one more device in the list; its files
 * become pages like a scan, a damaged one is named in the panel and the
 * others still come in. */
static void
test_scan_folder (void)
{
  g_autofree char *folder = mc_test_make_tmpdir ("ui-scan-folder");
  g_autofree char *device = g_strconcat ("folder:", folder, NULL);
  g_autofree char *good = g_build_filename (folder, "giay-to.png", NULL);
  g_autofree char *broken = g_build_filename (folder, "hong.jpg", NULL);
  g_autofree char *taken = g_build_filename (folder, ".taken", "giay-to.png", NULL);
  g_autoptr(VipsImage) page = NULL;
  const char * const dirs[] = { folder, NULL };
  guint before = n_pages ();

  g_assert_cmpint (vips_black (&page, 300, 400, NULL), ==, 0);
  g_assert_cmpint (vips_pngsave (page, good, NULL), ==, 0);
  mc_test_write_file (broken, "\xff\xd8\xff not a photo");
  mc_test_allow_vips_warnings ();

  g_assert_true (mc_test_wait_until (ready, NULL, 30));
  mc_scanner_set_folders (scanner, dirs);
  g_assert_true (mc_test_wait_until (folder_listed, device, 30));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "scan.start", NULL));
  wait_for_pages (before + 1);
  g_assert_cmpuint (n_pages (), ==, before + 1);
  g_assert_nonnull (mc_scan_panel_get_error (panel));
  g_assert_nonnull (strstr (mc_scan_panel_get_error (panel), "hong.jpg"));
  g_assert_true (g_file_test (taken, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (good, G_FILE_TEST_EXISTS));

  mc_scanner_set_folders (scanner, NULL);
  mc_test_rm_rf (folder);
}

static gboolean
job_started (gpointer data)
{
  return mc_scanner_is_busy (scanner) && mc_scan_panel_get_status (panel) != NULL &&
         !g_str_equal (mc_scan_panel_get_status (panel), _("Scanning…"));
}

static void
test_cancel (void)
{
  guint before = n_pages ();

  /* A whole colour glass at 300 dpi from the test scanner takes a while. */
  g_assert_true (mc_scan_panel_select_device (panel, "test:0"));
  mc_scan_panel_set_preset (panel, MC_SCAN_PRESET_ID_CARD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "scan.start", NULL));
  if (!mc_test_wait_until (job_started, NULL, 20))
    g_error ("the scan did not start: status “%s”, error “%s”, busy %d",
             mc_scan_panel_get_status (panel), mc_scan_panel_get_error (panel),
             mc_scanner_is_busy (scanner));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "scan.cancel", NULL));
  g_assert_true (mc_test_wait_until (idle, NULL, 5));
  g_assert_cmpuint (n_pages (), ==, before);
  g_assert_null (mc_scan_panel_get_error (panel));
  mc_test_screenshot (GTK_WIDGET (window), "scan-panel-cancelled");
}

static void
test_remembers_device (void)
{
  g_autofree char *device = g_settings_get_string (settings, "scanner-device");

  /* The last device used is what the next start selects. */
  g_assert_cmpstr (device, ==, "test:0");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  setlocale (LC_ALL, "");
  gtk_test_init (&argc, &argv, NULL);
  mc_ui_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  mc_test_load_style ();

  dir = mc_test_make_tmpdir ("ui-scan");
  store = mc_page_store_new (dir, &error);
  g_assert_no_error (error);
  settings = g_settings_new (APP_ID);
  scanner = mc_scanner_new ();
  panel = MC_SCAN_PANEL (mc_scan_panel_new (scanner, settings));
  mc_scan_panel_set_store (panel, store);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 900, 640);
  gtk_window_set_child (window, GTK_WIDGET (panel));
  gtk_window_present (window);

  g_test_add_func ("/ui/scan/switch-then-scan", test_switch_then_scan);
  g_test_add_func ("/ui/scan/specimens", test_scan_specimens);
  g_test_add_func ("/ui/scan/page-tools", test_page_tools);
  g_test_add_func ("/ui/scan/folder", test_scan_folder);
  g_test_add_func ("/ui/scan/cancel", test_cancel);
  g_test_add_func ("/ui/scan/remembers-device", test_remembers_device);
  ret = g_test_run ();

  gtk_window_destroy (window);
  mc_test_iterate ();
  g_clear_object (&scanner);
  mc_test_iterate ();
  mc_page_store_flush (store, NULL);
  g_clear_object (&store);
  g_clear_object (&settings);
  mc_test_rm_rf (dir);
  g_free (dir);
  return ret;
}
