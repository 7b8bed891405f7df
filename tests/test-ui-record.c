/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mc-core.h"
#include "mc-record-dialog.h"
#include "mc-test-ui.h"
#include "mc-test-util.h"
#include "mc-vips.h"
#include "mc-visit-store.h"
#include "mc-visit-view.h"

/* The digitization record in the visit: the clerk opens a paper's record,
 * sees it pre-filled (the catalog, the card, the top of the page read by
 * the real Tesseract), corrects and saves it; the check of a signed PDF
 * the citizen brought shows on the paper. Synthetic data only. */

#define BIRTH "1.001193"          /* Đăng ký khai sinh */
#define HOLDER "NGUYỄN VĂN THỬ"

static char *dir;
static GSettings *settings;
static McScanner *scanner;

/* The header of a decision as a ward prints it, black on white at 200 dpi. */
static VipsImage *
header_page (void)
{
  g_autoptr(VipsImage) ink = NULL;
  g_autoptr(VipsImage) text = NULL;
  g_autoptr(VipsImage) black = NULL;
  g_autoptr(VipsImage) white = NULL;
  g_autoptr(VipsImage) page = NULL;
  VipsImage *out = NULL;
  const char *lines =
    "UBND QUẬN TÂN BÌNH\n"
    "ỦY BAN NHÂN DÂN PHƯỜNG 4\n\n"
    "Số: 123/QĐ-UBND\n\n"
    "Tân Bình, ngày 05 tháng 3 năm 2024\n\n"
    "QUYẾT ĐỊNH\n"
    "Về việc xác nhận thông tin cư trú";

  g_assert_cmpint (vips_text (&ink, lines, "font", "Noto Sans 12", "dpi", 200, NULL), ==, 0);
  g_assert_cmpint (vips_invert (ink, &text, NULL), ==, 0);
  g_assert_cmpint (vips_black (&black, 1654, 2339, NULL), ==, 0);
  g_assert_cmpint (vips_invert (black, &white, NULL), ==, 0);
  g_assert_cmpint (vips_insert (white, text, &page, 160, 160, NULL), ==, 0);
  g_assert_cmpint (vips_cast_uchar (page, &out, NULL), ==, 0);
  out->Xres = out->Yres = 200 / 25.4;
  return out;
}

typedef struct {
  McVisitSession *session;
  McRecordDialog *dialog;
} Wait;

static gboolean
cleaned (gpointer data)
{
  Wait *w = data;

  return !mc_visit_session_is_busy (w->session);
}

static gboolean
read_done (gpointer data)
{
  Wait *w = data;

  mc_test_iterate ();
  return !mc_record_dialog_is_reading (w->dialog) &&
         g_strcmp0 (mc_record_dialog_get_field (w->dialog, MC_RECORD_NUMBER_SYMBOL), "") != 0;
}

static McRecordDialog *
open_record (GtkWidget *view)
{
  GtkWindow *found;

  g_assert_true (gtk_widget_activate_action (view, "visit.edit-record", NULL));
  mc_test_iterate ();
  found = mc_test_find_toplevel (MC_TYPE_RECORD_DIALOG);
  g_assert_nonnull (found);
  return MC_RECORD_DIALOG (found);
}

static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_is_visible (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (shows_text (c, text))
      return TRUE;
  return FALSE;
}

static void
test_record (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(McProcedureCatalog) catalog = mc_procedure_catalog_new_builtin ();
  g_autoptr(McVisitStore) store = mc_visit_store_new (dir, catalog);
  g_autoptr(JsonObject) identity = json_object_new ();
  g_autoptr(McVisitSession) session = NULL;
  g_autoptr(VipsImage) image = header_page ();
  g_autoptr(McPage) page = NULL;
  g_autoptr(McDigitRecord) brought = mc_digit_record_new ();
  g_autofree char *signed_text = g_strdup_printf (_("Signed by %s, intact; certificate from a trusted authority"), HOLDER);
  McVisit *visit;
  McRecordDialog *dialog;
  GtkWindow *window;
  GtkWidget *view;
  Wait w = { 0 };

  visit = mc_visit_store_create (store, BIRTH, "22366", "Quầy 1", "Cán bộ thử", &error);
  g_assert_no_error (error);
  json_object_set_string_member (identity, "full_name", "NGUYỄN VĂN MẪU");
  json_object_set_string_member (identity, "id_number", "056090000000");
  mc_visit_set_identity (visit, identity);
  page = mc_page_store_save_image (mc_visit_get_pages (visit, "to-khai"), image, 200, MC_SCAN_MODE_GRAY,
                                   MC_SCAN_SOURCE_FLATBED, MC_PAGE_SIDE_FRONT, &error);
  g_assert_no_error (error);
  mc_page_store_append (mc_visit_get_pages (visit, "to-khai"), page);
  /* The result of the check of a signed PDF the citizen brought for the
   * paper (the check itself: test visit-records). */
  brought->source = MC_SOURCE_SIGNED_INTACT;
  brought->source_signer = g_strdup (HOLDER);
  brought->source_chain = MC_CHAIN_TRUSTED;
  brought->source_file = g_strdup ("quyet-dinh.pdf");
  mc_visit_set_record (visit, "to-khai", brought);

  session = mc_visit_session_new (visit, settings);
  w.session = session;
  mc_visit_session_start (session);
  g_assert_true (mc_test_wait_until (cleaned, &w, 60));

  view = mc_visit_view_new (session, scanner, settings);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1280, 860);
  gtk_window_set_child (window, view);
  gtk_window_present (window);
  mc_visit_view_select_component (MC_VISIT_VIEW (view), "to-khai");
  mc_test_wait_for_frames (GTK_WIDGET (window));
  /* The paper says what the check of the brought file found. */
  g_assert_true (shows_text (view, signed_text));
  mc_test_screenshot (GTK_WIDGET (window), "record-paper");

  /* Opened: the catalog's name and the card's number at once, the page's
   * number, date and body once read. */
  dialog = open_record (view);
  w.dialog = dialog;
  g_assert_cmpstr (mc_record_dialog_get_field (dialog, MC_RECORD_HOLDER_ID), ==, "056090000000");
  g_assert_true (mc_test_wait_until (read_done, &w, 60));
  g_assert_cmpstr (mc_record_dialog_get_field (dialog, MC_RECORD_NUMBER_SYMBOL), ==, "123/QĐ-UBND");
  g_assert_cmpstr (mc_record_dialog_get_field (dialog, MC_RECORD_ISSUE_DATE), ==, "2024-03-05");
  g_assert_cmpstr (mc_record_dialog_get_field (dialog, MC_RECORD_DOC_NAME), ==, "QUYẾT ĐỊNH");
  g_assert_true (g_str_has_suffix (mc_record_dialog_get_field (dialog, MC_RECORD_ISSUER), "PHƯỜNG 4"));
  mc_test_screenshot (GTK_WIDGET (dialog), "record-dialog");

  /* The clerk corrects, adds the summary and saves. */
  mc_record_dialog_set_field (dialog, MC_RECORD_NUMBER_SYMBOL, "124/QĐ-UBND");
  mc_record_dialog_set_field (dialog, MC_RECORD_SUMMARY, "Xác nhận thông tin cư trú");
  mc_record_dialog_set_field (dialog, MC_RECORD_VALIDITY, "Không thời hạn");
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &w.dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "record.save", NULL));
  mc_test_iterate ();
  g_assert_null (w.dialog);
  {
    const McDigitRecord *saved = mc_visit_get_record (visit, "to-khai");

    g_assert_true (saved->edited);
    g_assert_cmpstr (mc_digit_record_get (saved, MC_RECORD_NUMBER_SYMBOL), ==, "124/QĐ-UBND");
    g_assert_cmpstr (mc_digit_record_get (saved, MC_RECORD_SUMMARY), ==, "Xác nhận thông tin cư trú");
    g_assert_cmpstr (mc_digit_record_get (saved, MC_RECORD_ISSUE_DATE), ==, "2024-03-05");
    /* The check of the brought file stays with the record. */
    g_assert_cmpint (saved->source, ==, MC_SOURCE_SIGNED_INTACT);
  }

  /* Opened again: as saved, and the page is not read over it. */
  dialog = open_record (view);
  g_assert_false (mc_record_dialog_is_reading (dialog));
  g_assert_cmpstr (mc_record_dialog_get_field (dialog, MC_RECORD_NUMBER_SYMBOL), ==, "124/QĐ-UBND");
  g_assert_cmpstr (mc_record_dialog_get_field (dialog, MC_RECORD_VALIDITY), ==, "Không thời hạn");
  gtk_window_destroy (GTK_WINDOW (dialog));

  mc_visit_session_close (session);
  gtk_window_destroy (window);
  mc_test_iterate ();
  mc_visit_store_flush (store, NULL);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "");
  gtk_test_init (&argc, &argv, NULL);
  mc_ui_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  mc_test_load_style ();

  dir = mc_test_make_tmpdir ("ui-record");
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "ward-code", "22366");
  g_settings_set_string (settings, "counter-name", "Quầy 1");
  scanner = mc_scanner_new ();

  g_test_add_func ("/ui/record/edit", test_record);
  ret = g_test_run ();

  g_clear_object (&scanner);
  g_clear_object (&settings);
  mc_test_rm_rf (dir);
  g_free (dir);
  return ret;
}
