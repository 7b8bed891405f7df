/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-application.h"
#include "mc-core.h"
#include "mc-first-run-dialog.h"
#include "mc-guidance-page.h"
#include "mc-preferences-window.h"
#include "mc-ui.h"
#include "mc-statistics-page.h"
#include "mc-test-ui.h"
#include "mc-test-util.h"
#include "mc-ward-row.h"
#include "mc-window.h"

/* Runs the real application under Xvfb: the main window, the first-run
 * dialog, the three sections and the preferences, with a screenshot of
 * each under build/screenshots/<language>/. */

static McApplication *app;
static const char *lang;
static char *data_dir;

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type,
                 guint      nth)
{
  guint seen = 0;
  GQueue queue = G_QUEUE_INIT;

  g_queue_push_tail (&queue, widget);
  while (!g_queue_is_empty (&queue))
    {
      GtkWidget *w = g_queue_pop_head (&queue);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && seen++ == nth)
        {
          g_queue_clear (&queue);
          return w;
        }
      for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
        g_queue_push_tail (&queue, c);
    }
  return NULL;
}

static gboolean
is_vietnamese (void)
{
  return g_str_has_prefix (lang, "vi");
}

static void
test_first_run (void)
{
  GSettings *settings = mc_application_get_settings (app);
  GtkWindow *dialog;
  g_autofree char *header = NULL;
  g_autofree char *ward = NULL;
  g_autofree char *counter = NULL;

  g_application_activate (G_APPLICATION (app));
  mc_test_iterate ();

  /* No ward yet: the first-run dialog asks before anything else. */
  dialog = mc_test_find_toplevel (MC_TYPE_FIRST_RUN_DIALOG);
  g_assert_nonnull (dialog);
  /* Held weakly: were it closed and freed, a new dialog could take its
   * address and pass for it. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (gtk_window_get_modal (dialog));
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (mc_test_main_window ()));
  mc_test_screenshot (GTK_WIDGET (dialog), "first-run-empty");

  /* Start stays disabled until both ward and counter are given. */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.start", NULL) &&
                  mc_test_find_toplevel (MC_TYPE_FIRST_RUN_DIALOG) == NULL);
  mc_first_run_dialog_set_values (MC_FIRST_RUN_DIALOG (dialog), "22333", "", "");
  mc_test_iterate ();
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.start", NULL);
  mc_test_iterate ();
  g_assert_nonnull (dialog);
  g_assert_true (mc_test_find_toplevel (MC_TYPE_FIRST_RUN_DIALOG) == dialog);
  ward = g_settings_get_string (settings, "ward-code");
  g_assert_cmpstr (ward, ==, "");

  mc_first_run_dialog_set_values (MC_FIRST_RUN_DIALOG (dialog), "22333", "  Quầy 1 ", "Cán bộ A");
  mc_test_iterate ();
  mc_test_screenshot (GTK_WIDGET (dialog), "first-run-filled");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.start", NULL));
  mc_test_iterate ();

  g_assert_null (mc_test_find_toplevel (MC_TYPE_FIRST_RUN_DIALOG));
  g_clear_weak_pointer (&dialog);
  g_clear_pointer (&ward, g_free);
  ward = g_settings_get_string (settings, "ward-code");
  counter = g_settings_get_string (settings, "counter-name");
  g_assert_cmpstr (ward, ==, "22333");
  g_assert_cmpstr (counter, ==, "Quầy 1");
  g_assert_false (mc_first_run_dialog_is_needed (settings));

  header = mc_window_dup_header_text (mc_test_main_window ());
  g_assert_cmpstr (header, ==, "Phường Bắc Nha Trang\nQuầy 1 · Cán bộ A");
}

static void
test_sections (void)
{
  McWindow *window = mc_test_main_window ();
  AdwViewStack *stack = ADW_VIEW_STACK (find_descendant (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK, 0));
  const char *names[] = { "reception", "statistics", "guidance" };
  const char *titles_en[] = { "Reception", "Statistics", "Guidance" };
  const char *titles_vi[] = { "Tiếp nhận", "Thống kê", "Hướng dẫn" };

  g_assert_nonnull (stack);
  g_assert_cmpstr (mc_window_get_visible_section (window), ==, "reception");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *shot = g_strconcat ("main-", names[i], NULL);
      GtkWidget *child = adw_view_stack_get_child_by_name (stack, names[i]);
      AdwViewStackPage *page;

      g_assert_nonnull (child);
      page = adw_view_stack_get_page (stack, child);
      g_assert_cmpstr (adw_view_stack_page_get_title (page), ==,
                       is_vietnamese () ? titles_vi[i] : titles_en[i]);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", names[i]));
      g_assert_cmpstr (mc_window_get_visible_section (window), ==, names[i]);
      /* An empty section says what will be there; no invented figures.
       * The statistics are tested on their own (test-ui-statistics.c). */
      if (MC_IS_STATISTICS_PAGE (child))
        g_assert_nonnull (mc_statistics_page_get_state (MC_STATISTICS_PAGE (child)));
      else if (MC_IS_GUIDANCE_PAGE (child))
        /* The guides are tested on their own (test-ui-citizen.c). */
        g_assert_cmpuint (mc_guidance_page_get_n_guides (MC_GUIDANCE_PAGE (child)), >, 0);
      else
        {
          /* The first status page in the section: Reception's "no visit
           * open" says how to start one. */
          AdwStatusPage *status = ADW_STATUS_PAGE (find_descendant (child, ADW_TYPE_STATUS_PAGE, 0));

          g_assert_nonnull (status);
          g_assert_nonnull (adw_status_page_get_description (status));
        }
      mc_test_screenshot (GTK_WIDGET (window), shot);
    }

  /* Ctrl+N goes back to the reception area and asks for the procedure. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-visit", NULL));
  g_assert_cmpstr (mc_window_get_visible_section (window), ==, "reception");
  g_assert_true (gtk_widget_get_mapped (mc_reception_page_get_chooser (mc_window_get_reception (window))));
  mc_test_screenshot (GTK_WIDGET (window), "reception-choose-procedure");
}

static void
assert_accel (const char *action,
              const char *accel)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), action);

  g_assert_nonnull (accels);
  g_assert_true (g_strv_contains ((const char * const *) accels, accel));
}

static void
test_shortcuts (void)
{
  GtkWindow *overlay;

  assert_accel ("win.new-visit", "<Control>n");
  assert_accel ("app.preferences", "<Control>comma");
  assert_accel ("app.quit", "<Control>q");
  assert_accel ("win.show-help-overlay", "<Control>question");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (mc_test_main_window ()), "win.show-help-overlay", NULL));
  mc_test_iterate ();
  overlay = mc_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (overlay);
  mc_test_screenshot (GTK_WIDGET (overlay), "shortcuts");
  gtk_window_destroy (overlay);
  mc_test_iterate ();
}

static void
test_preferences (void)
{
  GSettings *settings = mc_application_get_settings (app);
  GtkWindow *prefs;
  McWardRow *ward_row;
  g_autofree char *ward = NULL;
  g_autofree char *endpoint = NULL;
  GtkWidget *endpoint_row, *token_row;
  GtkLabel *status;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  mc_test_iterate ();
  prefs = mc_test_find_toplevel (MC_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);
  g_assert_nonnull (find_descendant (GTK_WIDGET (prefs), ADW_TYPE_PREFERENCES_PAGE, 3));
  mc_test_screenshot (GTK_WIDGET (prefs), "preferences");

  /* The ward row follows the setting and writes it back. */
  ward_row = MC_WARD_ROW (find_descendant (GTK_WIDGET (prefs), MC_TYPE_WARD_ROW, 0));
  g_assert_nonnull (ward_row);
  g_assert_cmpstr (mc_ward_row_get_ward_code (ward_row), ==, "22333");
  g_settings_set_string (settings, "ward-code", "22390");
  g_assert_cmpstr (mc_ward_row_get_ward_code (ward_row), ==, "22390");
  adw_combo_row_set_selected (ADW_COMBO_ROW (ward_row), 3);
  ward = g_settings_get_string (settings, "ward-code");
  g_assert_cmpstr (ward, ==, "22402");

  /* The portal's API address is checked before it is kept: plain http to
   * another computer is refused in words, https is kept normalised, and
   * only then can a token be given. */
  endpoint_row = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (prefs), MC_TYPE_PREFERENCES_WINDOW, "endpoint_row");
  token_row = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (prefs), MC_TYPE_PREFERENCES_WINDOW, "token_row");
  status = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (prefs), MC_TYPE_PREFERENCES_WINDOW, "api_status_label"));
  g_assert_false (gtk_widget_get_sensitive (token_row));
  gtk_editable_set_text (GTK_EDITABLE (endpoint_row), "http://portal.example.vn/api");
  g_signal_emit_by_name (endpoint_row, "apply");
  endpoint = g_settings_get_string (settings, "portal-api-endpoint");
  g_assert_cmpstr (endpoint, ==, "");
  g_assert_true (gtk_widget_has_css_class (endpoint_row, "error"));
  g_assert_cmpuint (strlen (gtk_label_get_text (status)), >, 10);
  g_clear_pointer (&endpoint, g_free);
  gtk_editable_set_text (GTK_EDITABLE (endpoint_row), " https://portal.example.vn/api/ ");
  g_signal_emit_by_name (endpoint_row, "apply");
  endpoint = g_settings_get_string (settings, "portal-api-endpoint");
  g_assert_cmpstr (endpoint, ==, "https://portal.example.vn/api");
  g_assert_false (gtk_widget_has_css_class (endpoint_row, "error"));
  g_assert_true (gtk_widget_get_sensitive (token_row));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "portal");
  mc_test_screenshot (GTK_WIDGET (prefs), "preferences-portal");
  g_settings_reset (settings, "portal-api-endpoint");

  gtk_window_destroy (prefs);
  mc_test_iterate ();
}

static void
test_about (void)
{
  GtkWindow *about;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  mc_test_iterate ();
  about = mc_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Một Cửa");
  mc_test_screenshot (GTK_WIDGET (about), "about");
  gtk_window_destroy (about);
  mc_test_iterate ();
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  lang = g_getenv ("LANGUAGE");
  if (lang == NULL || *lang == '\0')
    lang = "en";

  /* The program keeps its ledger in the user data dir: a fresh one here,
   * never the real home's. */
  data_dir = g_dir_make_tmp ("motcua-ui-data-XXXXXX", NULL);
  g_assert_nonnull (data_dir);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);

  mc_test_ui_init (&argc, &argv);

  app = mc_test_app_new ();

  g_test_add_func ("/ui/first-run", test_first_run);
  g_test_add_func ("/ui/sections", test_sections);
  g_test_add_func ("/ui/shortcuts", test_shortcuts);
  g_test_add_func ("/ui/preferences", test_preferences);
  g_test_add_func ("/ui/about", test_about);

  ret = g_test_run ();

  g_application_quit (G_APPLICATION (app));
  g_clear_object (&app);
  mc_test_rm_rf (data_dir);
  g_free (data_dir);
  return ret;
}
