/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-ledger.h"
#include "mc-services.h"
#include "mc-visit-filing.h"
#include "mc-vips.h"
#include "mc-test-ledger.h"
#include "mc-test-util.h"

/* The services without a window, in a data folder of their own
 * (G_TEST_OPTION_ISOLATE_DIRS): what the application starts, each part
 * real (SQLite ledger, outbox file, visit folders). */

#define BIRTH "1.001193"          /* Đăng ký khai sinh */
#define RECEIPT "000.00.22.H31-261128-0007"

typedef struct {
  McServices *services;
  char       *visit_id;
  guint       opened;
} Start;

static void
on_ledger_opened (McServices *services,
                  Start      *start)
{
  start->opened++;
}

static gboolean
recorded (gpointer data)
{
  Start *start = data;
  McVisit *visit;

  if (start->opened == 0)
    return FALSE;
  visit = mc_visit_store_lookup (mc_services_get_visits (start->services), start->visit_id);
  return visit != NULL && mc_visit_get_state (visit) == MC_VISIT_RECORDED && !mc_visit_is_recording (visit);
}

/* A visit filed before the program stopped (its receipt kept, its record
 * not made): at the next start the services record it once the ledger is
 * open, and once only, however often the program starts again. */
static void
test_record_waiting (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *data = mc_core_get_data_dir ();
  g_autofree char *visits_dir = g_build_filename (data, "visits", NULL);
  g_autofree char *ledger_path = mc_ledger_get_default_path ();
  g_autoptr(McProcedureCatalog) catalog = mc_procedure_catalog_new_builtin ();
  g_autoptr(GError) error = NULL;
  Start start = { 0 };

  g_assert_true (g_str_has_prefix (data, g_get_user_data_dir ()));
  {
    g_autoptr(McVisitStore) before = mc_visit_store_new (visits_dir, catalog);
    g_autoptr(VipsImage) black = NULL;
    g_autoptr(VipsImage) grey = NULL;
    g_autoptr(McPage) page = NULL;
    McVisit *visit = mc_visit_store_create (before, BIRTH, "22333", "Quầy 1", "Cán bộ A", &error);

    g_assert_no_error (error);
    g_assert_cmpint (vips_black (&black, 60, 80, NULL), ==, 0);
    g_assert_cmpint (vips_cast_uchar (black, &grey, NULL), ==, 0);
    page = mc_page_store_save_image (mc_visit_get_pages (visit, "to-khai"), grey, 100, MC_SCAN_MODE_GRAY,
                                     MC_SCAN_SOURCE_FLATBED, MC_PAGE_SIDE_FRONT, &error);
    g_assert_no_error (error);
    mc_page_store_append (mc_visit_get_pages (visit, "to-khai"), page);
    g_assert_true (mc_visit_set_receipt (visit, RECEIPT, MC_SUBMIT_BROWSER, &error));
    g_assert_no_error (error);
    start.visit_id = g_strdup (mc_visit_get_id (visit));
    g_assert_true (mc_visit_store_flush (before, &error));
    g_assert_no_error (error);
  }

  for (guint run = 0; run < 2; run++)
    {
      start.opened = 0;
      start.services = mc_services_new (settings);
      g_signal_connect (start.services, "ledger-opened", G_CALLBACK (on_ledger_opened), &start);
      g_assert_nonnull (mc_services_get_outbox (start.services));
      g_assert_nonnull (mc_services_get_scanner (start.services));
      g_assert_nonnull (mc_procedure_catalog_lookup (mc_services_get_procedures (start.services), BIRTH));
      /* The filed visit is not finished until it is recorded. */
      g_assert_cmpuint (mc_services_get_resumable (start.services), ==, run == 0 ? 1 : 0);
      g_assert_true (mc_test_wait_until (recorded, &start, 60));
      g_assert_nonnull (mc_services_get_ledger (start.services));
      g_assert_null (mc_services_get_ledger_problem (start.services));
      g_assert_cmpint (mc_test_count_ledger_filings (ledger_path, RECEIPT), ==, 1);
      mc_services_shutdown (start.services);
      g_clear_object (&start.services);
    }
  g_free (start.visit_id);
}

typedef struct {
  McScanner  *scanner;
  const char *folder;       /* "folder:DIR", or NULL: must not be listed */
} Listing;

static gboolean
lists (McScanner *scanner, const char *name)
{
  GPtrArray *devices = mc_scanner_get_devices (scanner);

  for (guint i = 0; devices != NULL && i < devices->len; i++)
    if (g_str_equal (mc_scan_device_get_name (g_ptr_array_index (devices, i)), name))
      return TRUE;
  return FALSE;
}

static gboolean
listed (gpointer data)
{
  Listing *l = data;

  return !mc_scanner_is_detecting (l->scanner) && lists (l->scanner, "pnm:0") &&
         (l->folder == NULL || lists (l->scanner, l->folder));
}

/* The program's one scanner lists SANE's devices (here the virtual ones)
 * with the copier's scan folder beside them. The folder is set as the
 * services start, before anyone asked SANE: that is no list yet, so the
 * scan panel, which detects only while there is none, does detect. */
static void
test_scanner_lists_sane (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *dir = mc_test_make_tmpdir ("services-scan-folder");
  g_autofree char *folder = g_strconcat ("folder:", dir, NULL);
  g_autoptr(McServices) services = NULL;
  Listing l = { NULL, folder };

  g_settings_set_string (settings, "scan-folder", dir);
  services = mc_services_new (settings);
  l.scanner = mc_services_get_scanner (services);
  g_assert_null (mc_scanner_get_devices (l.scanner));

  /* What the scan panel does when it finds no list. */
  mc_scanner_redetect (l.scanner);
  g_assert_true (mc_test_wait_until (listed, &l, 60));
  g_assert_true (lists (l.scanner, "test:0"));

  /* The folder setting cleared: SANE's stay, without a new detection. */
  g_settings_set_string (settings, "scan-folder", "");
  l.folder = NULL;
  g_assert_true (mc_test_wait_until (listed, &l, 60));
  g_assert_false (lists (l.scanner, folder));

  mc_services_shutdown (services);
  g_settings_reset (settings, "scan-folder");
  mc_test_rm_rf (dir);
}

/* mc_core_remove_tree(), which visits, packages and the kiosk's folders
 * are deleted with: the whole tree, a link deleted and never followed
 * (what it points to outside stays), what is already gone counts as
 * deleted, and a failure is reported by name. */
static void
test_remove_tree (void)
{
  g_autofree char *base = g_dir_make_tmp ("mc-remove-tree-XXXXXX", NULL);
  g_autofree char *outside = g_build_filename (base, "outside", NULL);
  g_autofree char *kept = g_build_filename (outside, "kept.txt", NULL);
  g_autofree char *tree = g_build_filename (base, "visit", NULL);
  g_autofree char *deep = g_build_filename (tree, "pages", "clean", NULL);
  g_autofree char *page = g_build_filename (deep, "page-001.png", NULL);
  g_autofree char *link = g_build_filename (tree, "pages", "to-outside", NULL);
  g_autofree char *top_link = g_build_filename (base, "link-to-outside", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (base);
  g_assert_cmpint (g_mkdir_with_parents (outside, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (deep, 0700), ==, 0);
  g_assert_true (g_file_set_contents (kept, "not the visit's", -1, NULL));
  g_assert_true (g_file_set_contents (page, "page", -1, NULL));
  g_assert_cmpint (symlink (outside, link), ==, 0);
  g_assert_cmpint (symlink (outside, top_link), ==, 0);

  g_assert_true (mc_core_remove_tree (tree, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (tree, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));

  /* A link given itself is the link, not its target. */
  g_assert_true (mc_core_remove_tree (top_link, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (top_link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));

  g_assert_true (mc_core_remove_tree (tree, &error));
  g_assert_no_error (error);

  /* What cannot be deleted is named. */
  {
    g_autofree char *plain = g_build_filename (base, "plain", NULL);
    g_autofree char *below = g_build_filename (plain, "child", NULL);

    g_assert_true (g_file_set_contents (plain, "a file", -1, NULL));
    g_assert_false (mc_core_remove_tree (below, &error));
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, below));
    g_clear_error (&error);
  }
  /* A folder that cannot be emptied (read-only; root may anyway). */
  if (geteuid () != 0)
    {
      g_assert_cmpint (g_chmod (outside, 0500), ==, 0);
      g_assert_false (mc_core_remove_tree (outside, &error));
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "kept.txt"));
      g_clear_error (&error);
      g_assert_cmpint (g_chmod (outside, 0700), ==, 0);
    }
  g_assert_true (mc_core_remove_tree (base, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (base, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();

  g_test_add_func ("/services/record-waiting", test_record_waiting);
  g_test_add_func ("/services/scanner-lists-sane", test_scanner_lists_sane);
  g_test_add_func ("/services/remove-tree", test_remove_tree);
  return g_test_run ();
}
