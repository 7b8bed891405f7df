/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mc-citizen-screen.h"
#include "mc-citizen-view.h"
#include "mc-core.h"
#include "mc-identity.h"
#include "mc-identity-form.h"
#include "mc-procedure-catalog.h"
#include "mc-self-service-board.h"
#include "mc-test-text.h"
#include "mc-test-ui.h"
#include "mc-test-util.h"
#include "mc-visit-store.h"
#include "mc-visit-view.h"

/* A citizen's name, a file name or a message quoting one is text, never
 * Pango markup: a name with "&" or "<" (from the card's QR code, typed, or
 * read by OCR) must show as it is, and must not make GTK log a warning
 * quoting it (and the ID number beside it) into the journal. Every message
 * logged while the screens show such names is recorded, and none may hold
 * the name or the number. Synthetic names and numbers only. */

#define BIRTH "1.001193"          /* Đăng ký khai sinh */
#define CARD "giay-to-tuy-than"
#define NAME "NGUYỄN VĂN A&B <i>"
#define SPAN "<span foreground=\"red\">X</span>"
#define LINK "<a href=\"http://x\">y</a>"
#define NUMBER "001099000042"
#define ENTITY "&lt;b&gt; A&amp;B"

static const char *names[] = { NAME, SPAN, LINK };

static GMutex log_lock;
static GPtrArray *log_lines;     /* every message logged: "LEVEL domain: message" */
static guint log_warnings;       /* of which warnings and criticals */
static char *dir;
static GSettings *settings;
static McProcedureCatalog *procedures;   /* the built-in catalog, made in main() */
static McScanner *scanner;

static GLogWriterOutput
record_log (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0)
      domain = fields[i].value;
    else if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
      message = fields[i].value;
  g_mutex_lock (&log_lock);
  g_ptr_array_add (log_lines, g_strdup_printf ("%d %s: %s", log_level & G_LOG_LEVEL_MASK,
                                               domain ? domain : "-", message ? message : ""));
  if (log_level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    log_warnings++;
  g_mutex_unlock (&log_lock);
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* Whether @label draws markup's doing: italic, a colour, a link. */
static gboolean
has_markup_attributes (GtkLabel *label)
{
  PangoAttrList *attrs = pango_layout_get_attributes (gtk_label_get_layout (label));
  GSList *list = attrs != NULL ? pango_attr_list_get_attributes (attrs) : NULL;
  gboolean found = FALSE;

  for (GSList *l = list; l != NULL; l = l->next)
    {
      PangoAttrType type = ((PangoAttribute *) l->data)->klass->type;

      if (type == PANGO_ATTR_STYLE || type == PANGO_ATTR_FOREGROUND || type == PANGO_ATTR_UNDERLINE)
        found = TRUE;
    }
  g_slist_free_full (list, (GDestroyNotify) pango_attribute_destroy);
  return found;
}

/* Whether a label under @widget shows exactly @text, as text. */
static gboolean
shows_literally (GtkWidget  *widget,
                 const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return !has_markup_attributes (GTK_LABEL (widget));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (shows_literally (c, text))
      return TRUE;
  return FALSE;
}

static GtkWindow *
show (GtkWidget *child)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 1280, 860);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  mc_test_wait_for_frames (GTK_WIDGET (window));
  return window;
}

static void
touch (const char *folder,
       const char *name)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);

  mc_test_write_file (path, "%PDF-1.7\n");
}

/* The clerk's visit: the name checked on the card row, the name and
 * number on the review, the package's files by name. */
static void
test_visit_view (void)
{
  g_autofree char *visits_dir = g_build_filename (dir, "visits", NULL);
  g_autoptr(McVisitStore) store = mc_visit_store_new (visits_dir, procedures);
  g_autoptr(GError) error = NULL;

  mc_visit_store_load (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      McVisit *visit = mc_visit_store_create (store, BIRTH, "22366", "Quầy 1", "Cán bộ thử", &error);
      g_autoptr(JsonObject) identity = json_object_new ();
      g_autofree char *package = NULL;
      g_autofree char *checked = g_strdup_printf (_("Details checked: %s"), names[i]);
      g_autofree char *review = g_strdup_printf (_("%s · %s"), names[i], NUMBER);
      g_autofree char *file = g_strconcat (names[i], ".pdf", NULL);
      g_autoptr(McVisitSession) session = NULL;
      GtkWindow *window;
      GtkWidget *view;

      g_assert_no_error (error);
      json_object_set_string_member (identity, "full_name", names[i]);
      json_object_set_string_member (identity, "id_number", NUMBER);
      json_object_set_string_member (identity, "component", CARD);
      mc_visit_set_identity (visit, identity);
      package = g_build_filename (mc_visit_get_dir (visit), "package", NULL);
      g_assert_cmpint (g_mkdir (package, 0700), ==, 0);
      /* "/" cannot be in a file name: the link goes in as an entity. */
      touch (package, strchr (names[i], '/') == NULL ? file : ENTITY ".pdf");
      mc_visit_set_packaged (visit, package);

      session = mc_visit_session_new (visit, settings);
      view = mc_visit_view_new (session, scanner, settings);
      window = show (view);
      mc_visit_view_show_step (MC_VISIT_VIEW (view), "review");
      mc_test_wait_for_frames (GTK_WIDGET (window));
      if (i == 0)
        mc_test_screenshot (GTK_WIDGET (window), "markup-visit-review");
      g_assert_true (shows_literally (view, checked));
      g_assert_true (shows_literally (view, review));
      g_assert_true (shows_literally (view, strchr (names[i], '/') == NULL ? file : ENTITY ".pdf"));
      gtk_window_destroy (window);
      mc_test_iterate ();
    }
  mc_visit_store_flush (store, NULL);
}

/* The form the clerk checks the card's details in. */
static void
test_identity_form (void)
{
  g_autoptr(McIdentity) identity = mc_identity_new ();
  GtkWidget *form = mc_identity_form_new ();
  GtkWindow *window;

  mc_identity_set_card_type (identity, MC_CARD_TYPE_CCCD_2021);
  mc_identity_set_field (identity, MC_ID_FIELD_ID_NUMBER, NUMBER, MC_ID_SOURCE_QR, 1.0, 0, 0);
  mc_identity_set_field (identity, MC_ID_FIELD_FULL_NAME, NAME, MC_ID_SOURCE_QR, 1.0, 0, 0);
  mc_identity_set_field (identity, MC_ID_FIELD_PLACE_OF_ORIGIN, SPAN, MC_ID_SOURCE_OCR, 0.5,
                         MC_ID_FIELD_FLAG_UNSURE, 0);
  mc_identity_set_field (identity, MC_ID_FIELD_PLACE_OF_RESIDENCE, LINK, MC_ID_SOURCE_OCR, 0.5,
                         MC_ID_FIELD_FLAG_UNSURE, 0);
  mc_identity_add_warning (identity, "test", MC_ID_FIELD_FULL_NAME, "Kiểm tra: " NAME);
  mc_identity_form_set_identity (MC_IDENTITY_FORM (form), identity);
  window = show (form);
  mc_test_screenshot (GTK_WIDGET (window), "markup-identity-form");
  g_assert_true (shows_literally (form, "Kiểm tra: " NAME));

  /* The clerk types (or pastes) a name with a right-to-left override
   * and other hidden characters: the identity keeps it clean. */
  {
    GtkWidget *row = mc_test_find_named (form, "full_name");

    g_assert_nonnull (row);
    gtk_editable_set_text (GTK_EDITABLE (row), MC_TEST_HIDDEN_NAME);
    g_signal_emit_by_name (row, "apply");
    mc_test_iterate ();
    g_assert_cmpstr (mc_identity_get_value (mc_identity_form_get_identity (MC_IDENTITY_FORM (form)),
                                            MC_ID_FIELD_FULL_NAME), ==, MC_TEST_HIDDEN_NAME_CLEAN);
  }
  gtk_window_destroy (window);
  mc_test_iterate ();
}

/* The citizen's own screen, asking them to check their details. */
static void
test_citizen_view (void)
{
  g_autoptr(McCitizenScreen) screen = mc_citizen_screen_new (procedures);
  GtkWidget *view = mc_citizen_view_new ();
  GtkWindow *window;

  mc_citizen_view_set_settings (MC_CITIZEN_VIEW (view), settings);
  mc_citizen_view_set_screen (MC_CITIZEN_VIEW (view), screen);
  mc_citizen_screen_set_procedure_code (screen, BIRTH);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    mc_citizen_screen_add_detail (screen, mc_id_field_get_title (MC_ID_FIELD_FULL_NAME), names[i],
                                  _("the QR code on your card"));
  mc_citizen_screen_add_detail (screen, mc_id_field_get_title (MC_ID_FIELD_ID_NUMBER), NUMBER,
                                _("the QR code on your card"));
  mc_citizen_screen_set_step (screen, MC_CITIZEN_STEP_CHECK_DETAILS);
  window = show (view);
  mc_citizen_view_sync (MC_CITIZEN_VIEW (view));
  mc_test_screenshot (GTK_WIDGET (window), "markup-citizen-details");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_true (shows_literally (view, names[i]));
  gtk_window_destroy (window);
  mc_test_iterate ();
}

/* The self-service board lists packages by procedure name, and the
 * toasts and status pages quote messages that may hold a file name. */
static void
test_board_toast_status (void)
{
  GtkWidget *board = mc_self_service_board_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *overlay = adw_toast_overlay_new ();
  GtkWidget *status = adw_status_page_new ();
  g_autofree char *message = g_strdup_printf ("Không ghi được tệp %s.pdf", NAME);
  GtkWindow *window;

  mc_self_service_board_add_package (MC_SELF_SERVICE_BOARD (board), "A7K2", SPAN, "/tmp/x");
  mc_self_service_board_add_package (MC_SELF_SERVICE_BOARD (board), "B8M3", NAME, "/tmp/y");
  gtk_widget_set_vexpand (board, TRUE);
  gtk_box_append (GTK_BOX (box), board);
  mc_status_page_set_description_literal (ADW_STATUS_PAGE (status), message);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), status);
  gtk_box_append (GTK_BOX (box), overlay);
  window = show (box);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), mc_toast_new_literal (message));
  mc_test_wait_for_frames (GTK_WIDGET (window));
  g_assert_true (shows_literally (board, SPAN));
  g_assert_true (shows_literally (board, NAME));
  g_assert_true (shows_literally (status, message));
  g_assert_true (shows_literally (overlay, message));
  gtk_window_destroy (window);
  mc_test_iterate ();
}

/* Last: nothing logged while the screens above were shown quotes a name
 * or the number, and nothing went wrong enough to warn. */
static void
test_log (void)
{
  g_mutex_lock (&log_lock);
  for (guint i = 0; i < log_lines->len; i++)
    {
      const char *line = g_ptr_array_index (log_lines, i);

      g_test_message ("logged: %.*s…", 12, line);
      g_assert_null (strstr (line, NUMBER));
      g_assert_null (strstr (line, "NGUYỄN VĂN"));
      g_assert_null (strstr (line, "A&B"));
      g_assert_null (strstr (line, "foreground=\"red\""));
      g_assert_null (strstr (line, "href="));
    }
  g_assert_cmpuint (log_warnings, ==, 0);
  g_mutex_unlock (&log_lock);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  log_lines = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (record_log, NULL, NULL);
  setlocale (LC_ALL, "");
  gtk_test_init (&argc, &argv, NULL);
  /* A warning is recorded and fails the last test, which says what it
   * quoted, rather than aborting where it happens. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  mc_ui_init ();
  adw_init ();
  procedures = mc_procedure_catalog_new_builtin ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  mc_test_load_style ();

  dir = mc_test_make_tmpdir ("ui-markup");
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "ward-code", "22366");
  g_settings_set_string (settings, "counter-name", "Quầy 1");
  scanner = mc_scanner_new ();

  g_test_add_func ("/ui/markup/visit-view", test_visit_view);
  g_test_add_func ("/ui/markup/identity-form", test_identity_form);
  g_test_add_func ("/ui/markup/citizen-view", test_citizen_view);
  g_test_add_func ("/ui/markup/board-toast-status", test_board_toast_status);
  g_test_add_func ("/ui/markup/log", test_log);
  ret = g_test_run ();

  g_clear_object (&scanner);
  mc_test_iterate ();
  g_clear_object (&settings);
  mc_test_rm_rf (dir);
  g_free (dir);
  return ret;
}
