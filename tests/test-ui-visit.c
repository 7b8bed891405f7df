/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "mc-citizen-detail.h"
#include "mc-citizen-screen.h"
#include "mc-citizen-view.h"
#include "mc-core.h"
#include "mc-identity-form.h"
#include "mc-ledger.h"
#include "mc-procedure-catalog.h"
#include "mc-reception-page.h"
#include "mc-scan-panel.h"
#include "mc-test-ui.h"
#include "mc-test-util.h"
#include "mc-visit-store.h"
#include "mc-visit-view.h"

/* A whole assisted filing at the counter, as a clerk does it: choose the
 * procedure, scan each paper from the virtual scanner (specimen pages and
 * the specimen ID card), check what was read from the card, make the
 * files for the portal, take the receipt, and see the filing recorded in
 * the ledger. Then the bad cases a counter meets: a page that is not a
 * card, a receipt code typed wrong, a visit taken up again. Real SANE
 * (pnm backend), real Tesseract, a real SQLite ledger. */

#define BIRTH "1.001193"          /* Đăng ký khai sinh */
#define RECEIPT "000.00.22.H31-261128-0001"

static GtkWindow *window;
static McReceptionPage *page;
static McScanner *scanner;
static McProcedureCatalog *procedures;   /* the built-in catalog, made in main() */
static McVisitStore *visits;
static McLedger *ledger;
static GSettings *settings;
static char *dir;
static char *ledger_path;
static McVisit *visit;            /* the birth registration, owned by the store */
static McCitizenScreen *citizen;  /* what the citizen's screen shows */
static guint citizen_busy_seen;   /* times the citizen screen said "scanning…" */
static GtkWindow *citizen_window; /* the citizen's monitor, for screenshots */

static McVisitView *
view (void)
{
  return MC_VISIT_VIEW (mc_reception_page_get_visit_view (page));
}

static McScanPanel *
panel (void)
{
  return MC_SCAN_PANEL (mc_visit_view_get_scan_panel (view ()));
}

static McIdentity *
form_identity (void)
{
  return mc_identity_form_get_identity (MC_IDENTITY_FORM (mc_visit_view_get_identity_form (view ())));
}

static gboolean
scanner_ready (gpointer data)
{
  return mc_scanner_get_devices (scanner) != NULL && !mc_scanner_is_busy (scanner) &&
         gtk_widget_is_sensitive (GTK_WIDGET (panel ()));
}

static gboolean
settled (gpointer data)
{
  return !mc_scanner_is_busy (scanner) && !mc_visit_view_is_busy (view ());
}

static void
wait_settled (void)
{
  if (!mc_test_wait_until (settled, NULL, 120))
    g_error ("the visit is still busy: message “%s”, scan status “%s”, error “%s”",
             mc_visit_view_get_message (view ()), mc_scan_panel_get_status (panel ()),
             mc_scan_panel_get_error (panel ()));
}

static void
scan (const char *component,
      const char *specimen,
      guint       expected_pages)
{
  mc_visit_view_select_component (view (), component);
  g_assert_true (mc_test_wait_until (scanner_ready, NULL, 30));
  g_assert_true (mc_scan_panel_select_device (panel (), "pnm:0"));
  g_assert_true (mc_scan_panel_select_specimen (panel (), specimen));
  g_assert_true (gtk_widget_activate_action (mc_visit_view_get_scan_panel (view ()), "scan.start", NULL));
  wait_settled ();
  g_assert_null (mc_scan_panel_get_error (panel ()));
  g_assert_cmpuint (mc_visit_count_pages (visit, component), ==, expected_pages);
}

/* The detail the citizen screen shows under @label, or NULL. */
static McCitizenDetail *
citizen_detail (const char *value)
{
  GListModel *details = mc_citizen_screen_get_details (citizen);

  for (guint i = 0; i < g_list_model_get_n_items (details); i++)
    {
      g_autoptr(McCitizenDetail) d = g_list_model_get_item (details, i);

      if (g_strcmp0 (mc_citizen_detail_get_value (d), value) == 0)
        return d;
    }
  return NULL;
}

/* What the citizen sees at this moment. */
static void
citizen_shot (const char *name)
{
  mc_citizen_view_sync (MC_CITIZEN_VIEW (gtk_window_get_child (citizen_window)));
  mc_test_screenshot (GTK_WIDGET (citizen_window), name);
}

static void
on_citizen_busy (McCitizenScreen *screen)
{
  if (mc_citizen_screen_get_scanner_busy (screen))
    citizen_busy_seen++;
}

static void
test_start (void)
{
  g_autoptr(GError) error = NULL;
  const McProcedure *procedure;

  mc_reception_page_new_visit (page);
  mc_test_screenshot (GTK_WIDGET (window), "visit-choose");
  /* While the clerk chooses, the citizen is welcomed. */
  g_assert_cmpint (mc_citizen_screen_get_step (citizen), ==, MC_CITIZEN_STEP_WELCOME);
  visit = mc_reception_page_start_visit (page, BIRTH, &error);
  g_assert_no_error (error);
  g_assert_nonnull (visit);
  g_assert_cmpstr (mc_visit_view_get_step (view ()), ==, "papers");
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_DRAFT);
  /* A visit just begun: the citizen sees what to have at hand. */
  g_assert_cmpint (mc_citizen_screen_get_step (citizen), ==, MC_CITIZEN_STEP_WHAT_TO_BRING);
  g_assert_cmpstr (mc_citizen_screen_get_procedure_code (citizen), ==, BIRTH);
  citizen_shot ("citizen-visit-bring");

  /* Nothing can be packaged while required papers are missing, and the
   * clerk is told which. */
  mc_visit_view_show_step (view (), "review");
  mc_visit_view_select_component (view (), "giay-chung-sinh");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.package", NULL));
  mc_test_iterate ();
  g_assert_false (mc_visit_view_is_busy (view ()));
  g_assert_null (mc_visit_get_package_dir (visit));
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_DRAFT);
  procedure = mc_visit_get_procedure (visit);
  for (guint i = 0; i < procedure->components->len; i++)
    {
      const McComponent *c = g_ptr_array_index (procedure->components, i);

      g_assert_true ((strstr (mc_visit_view_get_message (view ()), mc_catalog_text (c->name, c->name_en)) != NULL) ==
                     c->required);
    }
  /* Back on the papers, at the first one missing. */
  g_assert_cmpstr (mc_visit_view_get_step (view ()), ==, "papers");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (view ()), MC_TYPE_VISIT_VIEW,
                                                                                  "component_label"))), ==,
                   mc_catalog_text (((McComponent *) g_ptr_array_index (procedure->components, 0))->name,
                                    ((McComponent *) g_ptr_array_index (procedure->components, 0))->name_en));
  mc_test_screenshot (GTK_WIDGET (window), "visit-papers-empty");
  /* The clerk is at a paper now: the citizen is shown how to place it. */
  g_assert_cmpint (mc_citizen_screen_get_step (citizen), ==, MC_CITIZEN_STEP_PLACE_PAPERS);
  g_assert_cmpstr (mc_citizen_screen_get_component_key (citizen), ==,
                   ((McComponent *) g_ptr_array_index (procedure->components, 0))->key);
  citizen_shot ("citizen-visit-place");
}

static void
test_papers (void)
{
  const McPageCleanup *cleanup;
  g_autoptr(McPage) first = NULL;
  g_autofree char *clean_path = NULL;

  /* The declaration form, two pages, one after the other on the glass. */
  scan ("to-khai", "to-khai-khai-sinh-1.pgm", 1);
  scan ("to-khai", "to-khai-khai-sinh-2.pgm", 2);
  scan ("giay-chung-sinh", "giay-chung-sinh.ppm", 1);
  /* The citizen saw each scan happen, and sees the pages of this paper. */
  g_assert_cmpuint (citizen_busy_seen, >=, 3);
  g_assert_false (mc_citizen_screen_get_scanner_busy (citizen));
  g_assert_cmpint (mc_citizen_screen_get_step (citizen), ==, MC_CITIZEN_STEP_SCANNING);
  g_assert_cmpstr (mc_citizen_screen_get_component_key (citizen), ==, "giay-chung-sinh");
  g_assert_true (mc_citizen_screen_get_pages (citizen) == G_LIST_MODEL (mc_visit_get_pages (visit, "giay-chung-sinh")));
  g_assert_cmpuint (g_list_model_get_n_items (mc_citizen_screen_get_pages (citizen)), ==, 1);
  citizen_shot ("citizen-visit-pages");

  /* Each page was cleaned as it came. */
  first = g_list_model_get_item (G_LIST_MODEL (mc_visit_get_pages (visit, "to-khai")), 0);
  cleanup = mc_visit_get_cleanup (visit, "to-khai", mc_page_get_basename (first));
  g_assert_nonnull (cleanup);
  g_assert_nonnull (cleanup->output);
  clean_path = mc_visit_dup_page_for_package (visit, "to-khai", first);
  g_assert_true (g_str_has_suffix (clean_path, cleanup->output));
  g_assert_true (g_file_test (clean_path, G_FILE_TEST_IS_REGULAR));
  mc_visit_view_select_component (view (), "to-khai");
  g_assert_cmpstr (mc_visit_view_get_papers_view (view ()), ==, "scan");
  mc_test_screenshot (GTK_WIDGET (window), "visit-papers");
}

static void
test_id_card (void)
{
  McIdentity *identity;
  JsonObject *kept;
  g_autofree char *expected = NULL;

  /* Both sides of the specimen card on the glass, read straight away. */
  scan ("giay-to-tuy-than", "can-cuoc-hai-mat.ppm", 1);
  g_assert_cmpstr (mc_visit_view_get_papers_view (view ()), ==, "card");
  identity = form_identity ();
  g_assert_nonnull (identity);
  g_assert_cmpint (mc_identity_get_card_type (identity), ==, MC_CARD_TYPE_CCCD_2021);
  g_assert_cmpstr (mc_identity_get_value (identity, MC_ID_FIELD_ID_NUMBER), ==, "056182600141");
  g_assert_cmpstr (mc_identity_get_value (identity, MC_ID_FIELD_FULL_NAME), ==, "VŨ KIM NGỌC");
  g_assert_cmpstr (mc_identity_get_value (identity, MC_ID_FIELD_DATE_OF_BIRTH), ==, "1982-06-11");
  g_assert_cmpint (mc_identity_get_field (identity, MC_ID_FIELD_ID_NUMBER)->source, ==, MC_ID_SOURCE_QR);
  /* The citizen checks the details read, in large type, with where each
   * came from. */
  g_assert_cmpint (mc_citizen_screen_get_step (citizen), ==, MC_CITIZEN_STEP_CHECK_DETAILS);
  g_assert_nonnull (citizen_detail ("VŨ KIM NGỌC"));
  g_assert_cmpstr (mc_citizen_detail_get_label (citizen_detail ("VŨ KIM NGỌC")), ==,
                   mc_id_field_get_title (MC_ID_FIELD_FULL_NAME));
  g_assert_nonnull (citizen_detail ("11/06/1982"));
  g_assert_cmpstr (mc_citizen_detail_get_source (citizen_detail ("056182600141")), ==, _("the QR code on your card"));
  citizen_shot ("citizen-visit-details");
  /* Not kept for the visit until the clerk says so. */
  g_assert_null (mc_visit_get_identity (visit));
  mc_test_screenshot (GTK_WIDGET (window), "visit-card");

  /* The clerk corrects a field against the card, then accepts. */
  mc_identity_edit (identity, MC_ID_FIELD_PLACE_OF_ORIGIN, "Hải Hậu, Nam Định, Việt Nam");
  g_assert_true (gtk_widget_activate_action (mc_visit_view_get_identity_form (view ()), "identity.use", NULL));
  /* On the review, the citizen's details once more, with the correction. */
  g_assert_cmpint (mc_citizen_screen_get_step (citizen), ==, MC_CITIZEN_STEP_CHECK_DETAILS);
  g_assert_nonnull (citizen_detail ("Hải Hậu, Nam Định, Việt Nam"));
  g_assert_cmpstr (mc_citizen_detail_get_source (citizen_detail ("Hải Hậu, Nam Định, Việt Nam")), ==,
                   _("typed in by the clerk"));
  kept = mc_visit_get_identity (visit);
  g_assert_nonnull (kept);
  g_assert_cmpstr (json_object_get_string_member (kept, "id_number"), ==, "056182600141");
  g_assert_cmpstr (json_object_get_string_member (kept, "full_name"), ==, "VŨ KIM NGỌC");
  g_assert_cmpstr (json_object_get_string_member (kept, "place_of_origin"), ==, "Hải Hậu, Nam Định, Việt Nam");
  g_assert_cmpstr (json_object_get_string_member (kept, "component"), ==, "giay-to-tuy-than");
  expected = g_strdup_printf (_("%s’s details are kept for this visit."), "VŨ KIM NGỌC");
  g_assert_cmpstr (mc_visit_view_get_message (view ()), ==, expected);
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_READY);
  /* Nothing else is missing: on to checking and packaging. */
  g_assert_cmpstr (mc_visit_view_get_step (view ()), ==, "review");
}

static gboolean
packaged (gpointer data)
{
  return mc_visit_get_state (visit) == MC_VISIT_PACKAGED && !mc_visit_view_is_busy (view ());
}

static void
test_package (void)
{
  g_autofree char *manifest_path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *manifest;
  JsonArray *components;
  guint n_files = 0;
  gint64 n_pages = 0;

  mc_visit_view_show_step (view (), "review");
  mc_test_screenshot (GTK_WIDGET (window), "visit-review");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.package", NULL));
  if (!mc_test_wait_until (packaged, NULL, 180))
    g_error ("not packaged: %s", mc_visit_view_get_message (view ()));
  /* Files made: the citizen learns what happens next, and no longer sees
   * their details. */
  g_assert_cmpint (mc_citizen_screen_get_step (citizen), ==, MC_CITIZEN_STEP_WHAT_NEXT);
  g_assert_cmpuint (g_list_model_get_n_items (mc_citizen_screen_get_details (citizen)), ==, 0);
  citizen_shot ("citizen-visit-next");

  /* One PDF per paper given, and nothing about the citizen by default. */
  manifest_path = g_build_filename (mc_visit_get_package_dir (visit), "manifest.json", NULL);
  json_parser_load_from_file (parser, manifest_path, &error);
  g_assert_no_error (error);
  manifest = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (manifest, "procedure"), "code"),
                   ==, BIRTH);
  components = json_object_get_array_member (manifest, "components");
  g_assert_cmpuint (json_array_get_length (components), ==, 4);
  for (guint i = 0; i < json_array_get_length (components); i++)
    {
      JsonObject *c = json_array_get_object_element (components, i);
      JsonArray *files = json_object_get_array_member (c, "files");

      /* The optional letter of authority was not given. */
      n_files += json_array_get_length (files);
      g_assert_cmpuint (json_array_get_length (files), ==,
                        g_str_equal (json_object_get_string_member (c, "key"), "van-ban-uy-quyen") ? 0 : 1);
      for (guint j = 0; j < json_array_get_length (files); j++)
        {
          JsonObject *f = json_array_get_object_element (files, j);
          g_autofree char *path = g_build_filename (mc_visit_get_package_dir (visit),
                                                    json_object_get_string_member (f, "name"), NULL);

          g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
          g_assert_cmpstr (json_object_get_string_member (f, "media_type"), ==, "application/pdf");
          n_pages += json_object_get_int_member (f, "pages");
        }
    }
  g_assert_cmpuint (n_files, ==, 3);
  g_assert_cmpint (n_pages, ==, 4);
  g_assert_true (json_object_get_null_member (manifest, "identity"));
  g_assert_cmpstr (mc_visit_view_get_step (view ()), ==, "submit");
  /* The visit's row in the list follows it: no longer "gathering papers". */
  {
    GtkWidget *row_state = mc_test_find_named (GTK_WIDGET (window), "visit-row-state");

    g_assert_nonnull (row_state);
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (row_state)),
                              mc_visit_state_get_label (MC_VISIT_PACKAGED)));
  }
  mc_test_screenshot (GTK_WIDGET (window), "visit-submit");
}

static gboolean
recorded (gpointer data)
{
  return mc_visit_get_state (visit) == MC_VISIT_RECORDED;
}

static int
count_filings (const char *procedure,
               const char *receipt)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int n = -1;

  g_assert_cmpint (sqlite3_open_v2 (ledger_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM events WHERE kind = 'filing' "
                                           "AND procedure = ? AND receipt = ? AND pages = 4",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, procedure, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, receipt, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
test_receipt (void)
{
  GtkWidget *receipt_row = NULL;

  /* A receipt typed with a space is refused, in words, and nothing is recorded. */
  g_assert_false (mc_visit_set_receipt (visit, "000.00.22 H31", MC_SUBMIT_BROWSER, NULL));
  g_assert_cmpint (count_filings (BIRTH, RECEIPT), ==, 0);

  /* The clerk pastes the portal's code in the receipt row and applies. */
  receipt_row = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view ()), MC_TYPE_VISIT_VIEW, "receipt_row"));
  g_assert_nonnull (receipt_row);
  gtk_editable_set_text (GTK_EDITABLE (receipt_row), "000.00.22 H31");
  g_signal_emit_by_name (receipt_row, "apply");
  g_assert_cmpstr (mc_visit_view_get_message (view ()), ==,
                   _("That does not look like a receipt code. Copy it from the portal: letters, digits, dots and dashes, without spaces."));
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_PACKAGED);

  gtk_editable_set_text (GTK_EDITABLE (receipt_row), "  " RECEIPT " ");
  g_signal_emit_by_name (receipt_row, "apply");
  g_assert_true (mc_test_wait_until (recorded, NULL, 30));
  g_assert_cmpstr (mc_visit_get_receipt (visit), ==, RECEIPT);
  g_assert_cmpstr (mc_visit_view_get_step (view ()), ==, "done");
  g_assert_cmpint (count_filings (BIRTH, RECEIPT), ==, 1);
  mc_test_screenshot (GTK_WIDGET (window), "visit-done");
  /* The citizen takes the receipt code home, with a QR code to follow it. */
  g_assert_cmpint (mc_citizen_screen_get_step (citizen), ==, MC_CITIZEN_STEP_RECEIPT);
  g_assert_cmpstr (mc_citizen_screen_get_receipt_code (citizen), ==, RECEIPT);
  g_assert_nonnull (mc_citizen_screen_get_follow_url (citizen));
  citizen_shot ("citizen-visit-receipt");

  /* The next citizen: nothing of this one stays on their screen. */
  mc_reception_page_new_visit (page);
  g_assert_cmpint (mc_citizen_screen_get_step (citizen), ==, MC_CITIZEN_STEP_WELCOME);
  g_assert_null (mc_citizen_screen_get_receipt_code (citizen));
  g_assert_null (mc_citizen_screen_get_procedure_code (citizen));
  g_assert_cmpuint (g_list_model_get_n_items (mc_citizen_screen_get_details (citizen)), ==, 0);
  mc_reception_page_open_visit (page, visit);
}

static gboolean
card_read (gpointer data)
{
  return !mc_visit_view_is_busy (view ()) && form_identity () != NULL;
}

static void
test_taken_up_again (void)
{
  g_autoptr(McVisitStore) again = NULL;
  g_autoptr(GError) error = NULL;
  McVisit *reloaded;
  McIdentity *identity;

  /* Saved to disk as it went: a new store (the program restarted) finds it. */
  g_assert_true (mc_visit_store_flush (visits, &error));
  g_assert_no_error (error);
  again = mc_visit_store_new (mc_visit_store_get_dir (visits), procedures);
  mc_visit_store_load (again, &error);
  g_assert_no_error (error);
  reloaded = mc_visit_store_lookup (again, mc_visit_get_id (visit));
  g_assert_nonnull (reloaded);
  g_assert_cmpint (mc_visit_get_state (reloaded), ==, MC_VISIT_RECORDED);
  g_assert_cmpstr (json_object_get_string_member (mc_visit_get_identity (reloaded), "id_number"), ==,
                   "056182600141");

  /* Opened again, the card is read again and the clerk's correction put back. */
  mc_reception_page_open_visit (page, reloaded);
  mc_visit_view_select_component (view (), "giay-to-tuy-than");
  g_assert_true (mc_test_wait_until (card_read, NULL, 60));
  identity = form_identity ();
  g_assert_cmpstr (mc_identity_get_value (identity, MC_ID_FIELD_PLACE_OF_ORIGIN), ==, "Hải Hậu, Nam Định, Việt Nam");
  g_assert_cmpint (mc_identity_get_field (identity, MC_ID_FIELD_PLACE_OF_ORIGIN)->source, ==, MC_ID_SOURCE_MANUAL);
  g_assert_cmpint (mc_identity_get_field (identity, MC_ID_FIELD_ID_NUMBER)->source, ==, MC_ID_SOURCE_QR);
  g_assert_cmpstr (mc_visit_view_get_step (view ()), ==, "done");

  /* Back to the first store for what follows. */
  mc_reception_page_open_visit (page, visit);
}

static void
test_not_a_card (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *suffix = NULL;
  McVisit *other;
  const char *message;

  /* A form page scanned where the ID card should be: said in words, the
   * scan is kept, and the clerk can type the details instead. */
  other = mc_reception_page_start_visit (page, BIRTH, &error);
  g_assert_no_error (error);
  scan ("giay-to-tuy-than", "to-khai-khai-sinh-1.pgm", 1);
  message = mc_visit_view_get_message (view ());
  suffix = g_strdup_printf (_("%s You can also type the details under Card Details."), "");
  g_assert_nonnull (message);
  g_assert_true (g_str_has_suffix (message, g_strstrip (suffix)));
  g_assert_cmpuint (strlen (message), >, strlen (suffix) + 10);
  g_assert_cmpstr (mc_visit_view_get_papers_view (view ()), ==, "card");
  g_assert_nonnull (form_identity ());
  g_assert_null (mc_identity_get_value (form_identity (), MC_ID_FIELD_ID_NUMBER));
  g_assert_null (mc_visit_get_identity (other));
  g_assert_cmpuint (mc_visit_count_pages (other, "giay-to-tuy-than"), ==, 1);
  mc_test_screenshot (GTK_WIDGET (window), "visit-card-unreadable");

  /* Typed by hand, it is kept like a read one. */
  mc_identity_edit (form_identity (), MC_ID_FIELD_FULL_NAME, "NGUYỄN VĂN AN");
  mc_identity_edit (form_identity (), MC_ID_FIELD_ID_NUMBER, "056090001234");
  g_assert_true (gtk_widget_activate_action (mc_visit_view_get_identity_form (view ()), "identity.use", NULL));
  g_assert_cmpstr (json_object_get_string_member (mc_visit_get_identity (other), "full_name"), ==, "NGUYỄN VĂN AN");
  mc_visit_abandon (other);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *visits_dir = NULL;
  int ret;

  setlocale (LC_ALL, "");
  gtk_test_init (&argc, &argv, NULL);
  mc_ui_init ();
  adw_init ();
  procedures = mc_procedure_catalog_new_builtin ();
  mc_test_allow_vips_warnings ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  mc_test_load_style ();

  dir = mc_test_make_tmpdir ("ui-visit");
  visits_dir = g_build_filename (dir, "visits", NULL);
  ledger_path = g_build_filename (dir, "ledger.sqlite", NULL);
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "ward-code", "22366");
  g_settings_set_string (settings, "counter-name", "Quầy 1");
  g_settings_set_string (settings, "clerk-name", "Cán bộ thử");
  visits = mc_visit_store_new (visits_dir, procedures);
  mc_visit_store_load (visits, &error);
  g_assert_no_error (error);
  ledger = mc_ledger_open (ledger_path, TRUE, &error);
  g_assert_no_error (error);
  scanner = mc_scanner_new ();
  page = MC_RECEPTION_PAGE (mc_reception_page_new (visits, procedures, scanner, settings));
  mc_reception_page_set_ledger (page, ledger);
  citizen = mc_citizen_screen_new (procedures);
  g_signal_connect (citizen, "notify::scanner-busy", G_CALLBACK (on_citizen_busy), NULL);
  mc_reception_page_set_citizen_screen (page, citizen);
  {
    GtkWidget *citizen_view = mc_citizen_view_new ();

    citizen_window = GTK_WINDOW (gtk_window_new ());
    gtk_widget_add_css_class (GTK_WIDGET (citizen_window), "citizen");
    gtk_window_set_default_size (citizen_window, 1280, 800);
    mc_citizen_view_set_settings (MC_CITIZEN_VIEW (citizen_view), settings);
    mc_citizen_view_set_screen (MC_CITIZEN_VIEW (citizen_view), citizen);
    gtk_window_set_child (citizen_window, citizen_view);
    gtk_window_present (citizen_window);
  }
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1280, 860);
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);

  g_test_add_func ("/ui/visit/start", test_start);
  g_test_add_func ("/ui/visit/papers", test_papers);
  g_test_add_func ("/ui/visit/id-card", test_id_card);
  g_test_add_func ("/ui/visit/package", test_package);
  g_test_add_func ("/ui/visit/receipt", test_receipt);
  g_test_add_func ("/ui/visit/taken-up-again", test_taken_up_again);
  g_test_add_func ("/ui/visit/not-a-card", test_not_a_card);
  ret = g_test_run ();

  gtk_window_destroy (window);
  gtk_window_destroy (citizen_window);
  mc_test_iterate ();
  g_clear_object (&citizen);
  g_clear_object (&scanner);
  mc_test_iterate ();
  mc_visit_store_flush (visits, NULL);
  g_clear_object (&visits);
  g_clear_object (&ledger);
  g_clear_object (&settings);
  mc_test_rm_rf (dir);
  g_free (dir);
  g_free (ledger_path);
  return ret;
}
