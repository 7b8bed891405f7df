/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mc-application.h"
#include "mc-core.h"
#include "mc-page-fixture.h"
#include "mc-preferences-window.h"
#include "mc-reception-page.h"
#include "mc-signing-group.h"
#include "mc-test-token.h"
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
back while a required signature is missing. Screenshots of each
 * go to build/screenshots/. */

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
