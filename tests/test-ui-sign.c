/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "mc-application.h"
#include "mc-core.h"
#include "mc-page-fixture.h"
#include "mc-preferences-window.h"
#include "mc-reception-page.h"
#include "mc-scan-panel.h"
#include "mc-signing-group.h"
#include "mc-test-token.h"
#include "mc-test-tool.h"
#include "mc-test-ui.h"
#include "mc-test-util.h"
#include "mc-token-pin-dialog.h"
#include "mc-vips.h"
#include "mc-visit-view.h"
#include "mc-window.h"

/* The clerk's signature as the clerk meets it, in the real program with a
 * SoftHSM2 token the test makes: the certificate chosen once in
 * Preferences (those that cannot sign shown, not choosable), the PIN
 * prompt when the files are made, a wrong PIN asked again with the tries
 * left, each file shown signed, by whom and when, and the hand-off held
 * back while a required signature is missing. Then a whole visit as it
 * happens at the counter: each paper scanned from the virtual scanner
 * (SANE's pnm backend) through the program's own scanner, every file
 * signed, and each checked by pdfsig, by our verify and by qpdf.
 * Screenshots of each go to build/screenshots/. */

#define COPY "2.000815"           /* Chứng thực bản sao từ bản chính: two papers */

static McApplication *app;
static McWindow *window;
static McTestToken *token;
static GSettings *settings;
static char *data_dir;

static McVisitView *
view (void)
{
  GtkWidget *v = mc_reception_page_get_visit_view (mc_window_get_reception (window));

  return v ? MC_VISIT_VIEW (v) : NULL;
}

static gboolean
group_loaded (gpointer group)
{
  return !mc_signing_group_is_loading (group);
}

/* The check button of the certificate row for the token's object named
 * in @uri (the list gives the full URI of each, the object last). */
static GtkWidget *
find_choice (GtkWidget  *widget,
             const char *uri,
             gboolean   *row_sensitive)
{
  const char *object = strstr (uri, ";object=");
  const char *listed = g_object_get_data (G_OBJECT (widget), "uri");

  if (GTK_IS_CHECK_BUTTON (widget) && listed != NULL && g_str_has_suffix (listed, object))
    {
      GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_ACTION_ROW);

      *row_sensitive = gtk_widget_get_sensitive (row);
      return widget;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_choice (c, uri, row_sensitive);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_choose_certificate (void)
{
  GtkWidget *prefs = mc_preferences_window_new (GTK_WINDOW (window), settings, mc_application_get_catalog (app));
  McSigningGroup *group;
  GtkWidget *check;
  gboolean sensitive = FALSE;

  gtk_window_set_default_size (GTK_WINDOW (prefs), 720, 900);
  gtk_window_present (GTK_WINDOW (prefs));
  group = MC_SIGNING_GROUP (mc_test_find_type (prefs, MC_TYPE_SIGNING_GROUP));
  g_assert_nonnull (group);
  g_assert_true (mc_test_wait_until (group_loaded, group, 60));
  mc_test_wait_for_frames (prefs);

  /* Every certificate with a key is listed; those that cannot sign now
   * are shown but cannot be chosen. */
  g_assert_nonnull (find_choice (GTK_WIDGET (group), token->uri_expired, &sensitive));
  g_assert_false (sensitive);
  g_assert_nonnull (find_choice (GTK_WIDGET (group), token->uri_nosign, &sensitive));
  g_assert_false (sensitive);
  g_assert_nonnull (find_choice (GTK_WIDGET (group), token->uri_future, &sensitive));
  g_assert_false (sensitive);
  check = find_choice (GTK_WIDGET (group), token->uri_rsa, &sensitive);
  g_assert_nonnull (check);
  g_assert_true (sensitive);

  /* Chosen once, remembered by its URI. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  {
    g_autofree char *key = g_settings_get_string (settings, "signing-key");

    g_assert_cmpstr (key, ==, g_object_get_data (G_OBJECT (check), "uri"));
  }
  mc_test_wait_for_frames (prefs);
  mc_test_screenshot (prefs, "sign-certificate-choice");
  gtk_window_destroy (GTK_WINDOW (prefs));
  mc_test_iterate ();
}

static void
add_page (McVisit    *visit,
          const char *component,
          guint       variant)
{
  McPageFixture text = { .dpi = 150, .variant = variant, .n_paragraphs = 2 };
  McPageStore *pages = mc_visit_get_pages (visit, component);
  g_autoptr(VipsImage) image = mc_page_fixture_render (&text, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(McPage) page = NULL;

  page = mc_page_store_save_image (pages, image, text.dpi, MC_SCAN_MODE_GRAY, MC_SCAN_SOURCE_FLATBED,
                                   MC_PAGE_SIDE_FRONT, &error);
  g_assert_no_error (error);
  mc_page_store_append (pages, page);
}

static gboolean
view_idle (gpointer data)
{
  return !mc_visit_session_is_busy (mc_visit_view_get_session (view ()));
}

/* The @nth PIN prompt of the test on screen. Each prompt met is numbered:
 * comparing with the last one's address would not do, as a closed prompt
 * is freed and the next may be given the same memory. */
static McTokenPinDialog *pin_dialog;
static guint pins_met;

static gboolean
pin_asked (gpointer nth)
{
  GtkWindow *w = mc_test_find_toplevel (MC_TYPE_TOKEN_PIN_DIALOG);

  if (w == NULL)
    return FALSE;
  if (g_object_get_data (G_OBJECT (w), "mc-test-nth") == NULL)
    g_object_set_data (G_OBJECT (w), "mc-test-nth", GUINT_TO_POINTER (++pins_met));
  if (g_object_get_data (G_OBJECT (w), "mc-test-nth") != nth)
    return FALSE;
  pin_dialog = MC_TOKEN_PIN_DIALOG (w);
  return TRUE;
}

static gboolean
no_pin_dialog (gpointer data)
{
  return mc_test_find_toplevel (MC_TYPE_TOKEN_PIN_DIALOG) == NULL;
}

/* The first file row's subtitle in the hand-off. */
static char *
signed_row_subtitle (void)
{
  GtkWidget *group = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view ()), MC_TYPE_VISIT_VIEW, "handoff_group"));
  GtkWidget *row = mc_test_find_type (group, ADW_TYPE_ACTION_ROW);

  g_assert_nonnull (row);
  return g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
}

static void
test_sign_visit (void)
{
  g_autoptr(GError) error = NULL;
  McVisit *visit;
  McVisitSession *session;
  g_autofree char *subtitle = NULL;
  const char *problem;

  mc_test_token_reset (token);
  g_settings_set_string (settings, "signing-key", token->uri_rsa);
  visit = mc_visit_store_create (mc_application_get_visits (app), COPY, "22366", "Quầy 1", "Cán bộ thử", &error);
  g_assert_no_error (error);
  mc_reception_page_open_visit (mc_window_get_reception (window), visit);
  session = mc_visit_view_get_session (view ());
  add_page (visit, "ban-chinh", 1);
  add_page (visit, "ban-sao", 2);
  g_assert_true (mc_test_wait_until (view_idle, NULL, 60));

  /* Making the files asks for the PIN, once for the visit. */
  gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.package", NULL);
  g_assert_true (mc_test_wait_until (pin_asked, GUINT_TO_POINTER (1), 120));
  g_assert_null (mc_token_pin_dialog_get_problem (pin_dialog));
  mc_test_wait_for_frames (GTK_WIDGET (pin_dialog));
  mc_test_screenshot (GTK_WIDGET (pin_dialog), "sign-pin-prompt");

  /* A wrong PIN: asked again, told how many tries are left. */
  mc_token_pin_dialog_set_pin (pin_dialog, "000000");
  gtk_widget_activate_action (GTK_WIDGET (pin_dialog), "token.sign", NULL);
  g_assert_true (mc_test_wait_until (pin_asked, GUINT_TO_POINTER (2), 60));
  problem = mc_token_pin_dialog_get_problem (pin_dialog);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, _("Wrong PIN. Only a few tries are left before the token locks.")));
  mc_test_wait_for_frames (GTK_WIDGET (pin_dialog));
  mc_test_screenshot (GTK_WIDGET (pin_dialog), "sign-wrong-pin");

  mc_token_pin_dialog_set_pin (pin_dialog, token->pin);
  gtk_widget_activate_action (GTK_WIDGET (pin_dialog), "token.sign", NULL);
  g_assert_true (mc_test_wait_until (no_pin_dialog, NULL, 30));
  g_assert_true (mc_test_wait_until (view_idle, NULL, 120));
  g_assert_false (mc_visit_session_get_message_is_error (session));

  /* Each file: signed, by whom and when. */
  g_assert_cmpstr (mc_visit_view_get_step (view ()), ==, "submit");
  subtitle = signed_row_subtitle ();
  g_test_message ("row: %s", subtitle);
  {
    /* Translators' text, as shown: "Signed by %s at %s". */
    g_autofree char *prefix = g_strdup_printf (_("Signed by %s at %s"), MC_TEST_TOKEN_HOLDER, "");

    g_assert_nonnull (strstr (subtitle, prefix));
  }
  mc_test_wait_for_frames (GTK_WIDGET (window));
  mc_test_screenshot (GTK_WIDGET (window), "sign-signed-badge");

  /* Signed files may go even with signatures required. */
  g_settings_set_boolean (settings, "signing-required", TRUE);
  mc_test_iterate ();
  {
    g_autofree char *again = signed_row_subtitle ();

    g_assert_cmpstr (again, ==, subtitle);
  }

  /* Made again without a certificate: the files are not offered for the
   * hand-off, and the page says why. */
  g_settings_set_string (settings, "signing-key", "");
  gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.package", NULL);
  g_assert_true (mc_test_wait_until (view_idle, NULL, 120));
  {
    GtkWidget *group = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view ()), MC_TYPE_VISIT_VIEW, "handoff_group"));
    GtkWidget *row = mc_test_find_type (group, ADW_TYPE_ACTION_ROW);

    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, _("Not ready to hand off"));
    g_assert_false (mc_visit_session_can_upload (session));
  }
  mc_test_wait_for_frames (GTK_WIDGET (window));
  mc_test_screenshot (GTK_WIDGET (window), "sign-required-unsigned");
  g_settings_set_boolean (settings, "signing-required", FALSE);
}

/* ---- a whole visit scanned from the virtual scanner ---------------------- */

static McScanPanel *
panel (void)
{
  return MC_SCAN_PANEL (mc_visit_view_get_scan_panel (view ()));
}

/* The program's scanner (McServices's, as the clerk uses it) lists the
 * virtual scanner: its panel asked SANE for the devices. */
static gboolean
scanner_lists_pnm (gpointer data)
{
  McScanner *scanner = mc_services_get_scanner (mc_application_get_services (app));
  GPtrArray *devices = mc_scanner_get_devices (scanner);

  for (guint i = 0; devices != NULL && i < devices->len; i++)
    if (g_str_equal (mc_scan_device_get_name (g_ptr_array_index (devices, i)), "pnm:0"))
      return !mc_scanner_is_busy (scanner) && gtk_widget_is_sensitive (GTK_WIDGET (panel ()));
  return FALSE;
}

static gboolean
visit_settled (gpointer data)
{
  McScanner *scanner = mc_services_get_scanner (mc_application_get_services (app));

  return !mc_scanner_is_busy (scanner) && !mc_visit_view_is_busy (view ());
}

static void
scan_paper (McVisit    *visit,
            const char *component,
            const char *specimen)
{
  mc_visit_view_select_component (view (), component);
  if (!mc_test_wait_until (scanner_lists_pnm, NULL, 60))
    g_error ("the program's scanner does not list pnm:0: status “%s”, error “%s”",
             mc_scan_panel_get_status (panel ()), mc_scan_panel_get_error (panel ()));
  g_assert_true (mc_scan_panel_select_device (panel (), "pnm:0"));
  g_assert_true (mc_scan_panel_select_specimen (panel (), specimen));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel ()), "scan.start", NULL));
  if (!mc_test_wait_until (visit_settled, NULL, 120))
    g_error ("the visit is still busy: message “%s”, scan status “%s”",
             mc_visit_view_get_message (view ()), mc_scan_panel_get_status (panel ()));
  g_assert_null (mc_scan_panel_get_error (panel ()));
  g_assert_cmpuint (mc_visit_count_pages (visit, component), ==, 1);
}

static char *
run_capture (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, NULL, &error);
  g_assert_no_error (error);
  return out;
}

/* One signed file as pdfsig, our verify (against the test CA) and qpdf
 * see it. */
static void
assert_file_signed (const char *path)
{
  g_autofree char *pdfsig = run_capture ((const char *[]) { "pdfsig", path, NULL });
  g_autofree char *qpdf = run_capture ((const char *[]) { "qpdf", "--check", path, NULL });
  g_auto(McToolRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *sigs;
  JsonObject *sig;

  g_test_message ("%s: %s", path, pdfsig);
  g_assert_nonnull (strstr (pdfsig, "Signature Validation: Signature is Valid."));
  g_assert_nonnull (strstr (pdfsig, "Total document signed"));
  g_assert_nonnull (strstr (pdfsig, "Signer Certificate Common Name: " MC_TEST_TOKEN_HOLDER));
  g_assert_null (strstr (pdfsig, "Signature #2"));
  g_assert_nonnull (strstr (qpdf, "No syntax or stream encoding errors"));

  mc_tool_run (&run, NULL, MC_ARGS ("verify", path, "--json", "--ca", token->ca_pem));
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  sigs = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "signatures");
  g_assert_cmpuint (json_array_get_length (sigs), ==, 1);
  sig = json_array_get_object_element (sigs, 0);
  g_assert_cmpstr (json_object_get_string_member (sig, "signer"), ==, MC_TEST_TOKEN_HOLDER);
  g_assert_true (json_object_get_boolean_member (sig, "intact"));
  g_assert_true (json_object_get_boolean_member (sig, "covers_whole_file"));
  g_assert_cmpstr (json_object_get_string_member (sig, "chain"), ==, "trusted");
}

static void
test_scanned_visit (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = NULL;
  McVisit *visit;
  McVisitSession *session;
  const McProcedure *procedure;
  const char *package_dir;
  gint64 start = g_get_monotonic_time ();

  mc_test_token_reset (token);
  g_settings_set_string (settings, "signing-key", token->uri_rsa);
  visit = mc_visit_store_create (mc_application_get_visits (app), COPY, "22366", "Quầy 1", "Cán bộ thử", &error);
  g_assert_no_error (error);
  mc_reception_page_open_visit (mc_window_get_reception (window), visit);
  session = mc_visit_view_get_session (view ());

  /* Each paper of the procedure, from the glass of the virtual scanner. */
  procedure = mc_visit_get_procedure (visit);
  g_assert_cmpuint (procedure->components->len, >=, 2);
  scan_paper (visit, "ban-chinh", "to-khai-khai-sinh-1.pgm");
  scan_paper (visit, "ban-sao", "giay-chung-sinh.ppm");
  g_assert_true (mc_test_wait_until (view_idle, NULL, 120));
  mc_test_wait_for_frames (GTK_WIDGET (window));
  mc_test_screenshot (GTK_WIDGET (window), "sign-scanned-visit");

  /* The files made with signing on: the PIN once, then every file signed. */
  gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.package", NULL);
  g_assert_true (mc_test_wait_until (pin_asked, GUINT_TO_POINTER (pins_met + 1), 120));
  g_assert_null (mc_token_pin_dialog_get_problem (pin_dialog));
  mc_token_pin_dialog_set_pin (pin_dialog, token->pin);
  gtk_widget_activate_action (GTK_WIDGET (pin_dialog), "token.sign", NULL);
  g_assert_true (mc_test_wait_until (no_pin_dialog, NULL, 30));
  g_assert_true (mc_test_wait_until (view_idle, NULL, 120));
  g_assert_false (mc_visit_session_get_message_is_error (session));
  g_assert_cmpstr (mc_visit_view_get_step (view ()), ==, "submit");
  mc_test_wait_for_frames (GTK_WIDGET (window));
  mc_test_screenshot (GTK_WIDGET (window), "sign-scanned-handoff");

  /* Every component's PDF, not just the first. */
  package_dir = mc_visit_get_package_dir (visit);
  g_assert_nonnull (package_dir);
  files = mc_visit_session_list_package_files (session);
  g_assert_cmpuint (files->len, ==, procedure->components->len);
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *path = g_build_filename (package_dir, g_ptr_array_index (files, i), NULL);
      const McComponentSignature *sig = mc_visit_session_get_signature (session, g_ptr_array_index (files, i));

      assert_file_signed (path);
      g_assert_nonnull (sig);
      g_assert_cmpstr (sig->signer, ==, MC_TEST_TOKEN_HOLDER);
      /* The first page of the scanned paper with its stamp, to look at. */
      if (i == 0)
        {
          g_autofree char *shot = g_build_filename (g_getenv ("MOTCUA_SCREENSHOT_DIR"), mc_test_language (),
                                                    "sign-scanned-stamp", NULL);
          g_autofree char *out = run_capture ((const char *[]) { "pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1",
                                                                 "-singlefile", path, shot, NULL });
          g_autofree char *png = g_strconcat (shot, ".png", NULL);

          g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
          g_test_message ("page 1: %s", png);
        }
    }
  g_test_message ("scanned, made and signed in %.1f s",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  data_dir = g_dir_make_tmp ("motcua-ui-sign-XXXXXX", NULL);
  g_assert_nonnull (data_dir);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);

  setlocale (LC_ALL, "");
  gtk_test_init (&argc, &argv, NULL);
  mc_core_init ();
  adw_init ();
  mc_test_allow_vips_warnings ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  token = mc_test_token_new ();

  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "ward-code", "22366");
  g_settings_set_string (settings, "counter-name", "Quầy 1");
  g_settings_set_string (settings, "clerk-name", "Cán bộ thử");

  app = mc_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_activate (G_APPLICATION (app));
  window = MC_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  mc_window_show_section (window, "reception");

  g_test_add_func ("/ui/sign/choose-certificate", test_choose_certificate);
  g_test_add_func ("/ui/sign/sign-visit", test_sign_visit);
  g_test_add_func ("/ui/sign/scanned-visit", test_scanned_visit);
  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  mc_test_iterate ();
  g_application_quit (G_APPLICATION (app));
  g_clear_object (&app);
  g_clear_object (&settings);
  g_clear_pointer (&token, mc_test_token_free);
  mc_test_rm_rf (data_dir);
  g_free (data_dir);
  return ret;
}
