/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sqlite3.h>
#include <glib/gi18n.h>

#include "mc-application.h"
#include "mc-core.h"
#include "mc-correction-dialog.h"
#include "mc-pin-dialog.h"
#include "mc-pin-prompt.h"
#include "mc-preferences-window.h"
#include "mc-statistics-page.h"
#include "mc-supervisor-pin.h"
#include "mc-test-ui.h"
#include "mc-test-util.h"
#include "mc-ui.h"
#include "mc-window.h"

/* The supervisor view of the real application under Xvfb, with a real
 * ledger in a temporary user data dir: the empty state, counts written by
 * another program, the periods, “+1”, exports and printing, corrections
 * behind the PIN, and the PIN preference. Screenshots go to
 * build/screenshots/<language>/statistics-*.png. */

static McApplication *app;
static const char *lang;
static char *data_dir;
static McLedger *writer;       /* a second connection: “another program” */
static McDay today;
static guint64 n_recorded;     /* what this test wrote, by day */
static GHashTable *by_day;     /* McDay → count */

static gboolean
is_vietnamese (void)
{
  return g_str_has_prefix (lang, "vi");
}

static gboolean
toplevel_shown (gpointer type)
{
  return mc_test_find_toplevel ((GType) GPOINTER_TO_SIZE (type)) != NULL;
}

static GtkWidget *
find_descendant (GtkWidget  *widget,
                 GType       type,
                 const char *name)
{
  GQueue queue = G_QUEUE_INIT;

  g_queue_push_tail (&queue, widget);
  while (!g_queue_is_empty (&queue))
    {
      GtkWidget *w = g_queue_pop_head (&queue);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) &&
          (name == NULL || g_strcmp0 (gtk_widget_get_name (w), name) == 0))
        {
          g_queue_clear (&queue);
          return w;
        }
      for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
        g_queue_push_tail (&queue, c);
    }
  return NULL;
}

static McStatisticsPage *
page (void)
{
  GtkWidget *p = find_descendant (GTK_WIDGET (mc_test_main_window ()), MC_TYPE_STATISTICS_PAGE, NULL);

  g_assert_nonnull (p);
  return MC_STATISTICS_PAGE (p);
}

static const char *
label_text (const char *name)
{
  GtkWidget *label = find_descendant (GTK_WIDGET (page ()), GTK_TYPE_LABEL, name);

  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

/* ---- Waiting for the figures ------------------------------------------- */

typedef struct {
  const char *state;
  guint64     total;
  McDay       from;
  McDay       to;
} Expect;

static gboolean
page_shows (gpointer data)
{
  const Expect *e = data;
  McStatisticsPage *p = page ();
  const McSummary *s = mc_statistics_page_get_summary (p);

  if (g_strcmp0 (mc_statistics_page_get_state (p), e->state) != 0)
    return FALSE;
  if (g_str_equal (e->state, "content"))
    return s != NULL && s->total == e->total && s->from == e->from && s->to == e->to;
  return TRUE;
}

static guint64
expected_between (McDay from,
                  McDay to)
{
  guint64 n = 0;

  for (McDay d = from; d <= to; d++)
    n += GPOINTER_TO_SIZE (g_hash_table_lookup (by_day, GUINT_TO_POINTER (d)));
  return n;
}

static void
wait_for_total (void)
{
  Expect e = { "content", 0, 0, 0 };
  gboolean ok;

  mc_statistics_page_get_range (page (), &e.from, &e.to);
  e.total = expected_between (e.from, e.to);
  /* The view learns of another program's writes by polling. */
  ok = mc_test_wait_until (page_shows, &e, 20);
  if (!ok)
    {
      const McSummary *s = mc_statistics_page_get_summary (page ());

      g_test_message ("state %s, total %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT,
                      mc_statistics_page_get_state (page ()), s ? s->total : 0, e.total);
    }
  g_assert_true (ok);
  mc_test_iterate ();
}

static void
record (const char *ward,
        const char *counter,
        const char *procedure,
        McChannel   channel,
        McDay       d)
{
  McFilingRecord r = MC_FILING_RECORD_INIT;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  GDate date;
  g_autoptr(GDateTime) at = NULL;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, d);
  at = g_date_time_new_local (g_date_get_year (&date), g_date_get_month (&date), g_date_get_day (&date), 9, 30, 0);
  r.ward_code = ward;
  r.counter = counter;
  r.clerk = "can-bo-a";
  r.procedure = procedure;
  r.channel = channel;
  r.pages = 3;
  r.at_us = g_date_time_to_unix (at) * G_USEC_PER_SEC + n_recorded;
  uuid = mc_ledger_record_filing (writer, &r, &error);
  g_assert_no_error (error);
  n_recorded++;
  g_hash_table_insert (by_day, GUINT_TO_POINTER (d),
                       GSIZE_TO_POINTER (GPOINTER_TO_SIZE (g_hash_table_lookup (by_day, GUINT_TO_POINTER (d))) + 1));
}

/* ---- Tests ------------------------------------------------------------- */

static void
test_empty (void)
{
  Expect e = { "empty", 0, 0, 0 };
  McWindow *window;

  g_application_activate (G_APPLICATION (app));
  mc_test_iterate ();
  window = mc_test_main_window ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", "statistics"));

  /* A first start: the ledger is created, and nothing is invented. */
  g_assert_true (mc_test_wait_until (page_shows, &e, 10));
  g_assert_nonnull (mc_window_get_ledger (window));
  mc_test_screenshot (GTK_WIDGET (window), "statistics-empty");
}

static void
test_counts_from_another_program (void)
{
  g_autofree char *path = g_build_filename (data_dir, "motcua", "ledger.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  GtkWidget *table;
  GListModel *rows;
  McDay from, to;

  /* motcua-tool or an import writes through its own connection. */
  writer = mc_ledger_open (path, FALSE, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    record ("22333", "Quầy 1", "1.001193", MC_CHANNEL_NATIONAL, today);
  for (guint i = 0; i < 2; i++)
    record ("22333", "Quầy 2", "1.004222", MC_CHANNEL_RESIDENCE, today);
  record ("22333", "Quầy 2", "2.000815", MC_CHANNEL_PAPER, today);
  record ("22333", "Quầy 1", "2.000986", MC_CHANNEL_LINKED, today - 1);
  record ("22333", "Quầy 1", "1.000894", MC_CHANNEL_NATIONAL, today - 2);
  record ("22333", "Quầy 1", "1.004194", MC_CHANNEL_RESIDENCE, today - 9);
  record ("22333", "Quầy 3", "2.000884", MC_CHANNEL_PROVINCIAL, today - 9);
  record ("22333", "Quầy 1", "1.004873", MC_CHANNEL_NATIONAL, today - 40);
  /* Another ward's filing never shows in this ward's counts. */
  record ("22366", "Quầy 1", "1.001193", MC_CHANNEL_NATIONAL, today);
  g_hash_table_insert (by_day, GUINT_TO_POINTER (today),
                       GSIZE_TO_POINTER (GPOINTER_TO_SIZE (g_hash_table_lookup (by_day, GUINT_TO_POINTER (today))) - 1));

  mc_statistics_page_set_period (page (), "today");
  wait_for_total ();
  g_assert_cmpstr (label_text ("total"), ==, "6");
  g_assert_cmpstr (label_text ("online"), ==, "83.3 %");
  g_assert_false (gtk_widget_get_visible (find_descendant (GTK_WIDGET (page ()), GTK_TYPE_LABEL, "ledger-mismatch")));
  g_assert_nonnull (strstr (label_text ("period"), "Phường Bắc Nha Trang"));
  g_assert_nonnull (strstr (label_text ("target"), "100"));
  /* The accessible table beside the chart has the same figures. */
  table = find_descendant (GTK_WIDGET (page ()), GTK_TYPE_COLUMN_VIEW, NULL);
  rows = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (table)));
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 1);
  mc_test_screenshot (GTK_WIDGET (mc_test_main_window ()), "statistics-today");

  mc_statistics_page_set_period (page (), "week");
  wait_for_total ();
  mc_statistics_page_get_range (page (), &from, &to);
  g_assert_cmpuint (to - from, ==, 6);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 7);
  mc_test_screenshot (GTK_WIDGET (mc_test_main_window ()), "statistics-week");

  mc_statistics_page_set_period (page (), "month");
  wait_for_total ();
  mc_test_screenshot (GTK_WIDGET (mc_test_main_window ()), "statistics-month");
}

static void
test_custom_range_with_merged_ward (void)
{
  McDay june = mc_day_from_ymd (2025, 6, 20);

  /* Vĩnh Hải recorded this before it became part of Bắc Nha Trang. */
  record ("22330", "Quầy 1", "1.001193", MC_CHANNEL_NATIONAL, june);
  record ("22330", "Quầy 1", "1.004222", MC_CHANNEL_PAPER, june);
  mc_statistics_page_set_custom_range (page (), mc_day_from_ymd (2025, 6, 1), today);
  wait_for_total ();
  g_assert_nonnull (strstr (label_text ("merged"), "Phường Vĩnh Hải"));
  g_assert_true (gtk_widget_get_visible (find_descendant (GTK_WIDGET (page ()), GTK_TYPE_LABEL, "merged")));
  mc_test_screenshot (GTK_WIDGET (mc_test_main_window ()), "statistics-custom");
}

static gboolean
got_string (gpointer data)
{
  return *(char **) data != NULL;
}

static void
on_recorded (McStatisticsPage *p,
             const char       *uuid,
             char            **out)
{
  *out = g_strdup (uuid ? uuid : "");
}

static void
test_quick_entry (void)
{
  McStatisticsPage *p = page ();
  GtkWidget *button = find_descendant (GTK_WIDGET (p), GTK_TYPE_MENU_BUTTON, "quick-entry");
  GtkWidget *popover = NULL;
  g_autofree char *uuid = NULL;
  g_autoptr(McLedgerFiling) filing = NULL;
  g_autoptr(GError) error = NULL;
  gulong id;

  mc_statistics_page_set_period (p, "today");
  wait_for_total ();

  /* The “+1” form, as the clerk sees it. */
  g_assert_nonnull (button);
  mc_statistics_page_set_quick_entry (p, "1.004194", MC_CHANNEL_RESIDENCE);
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  g_assert_true (gtk_widget_get_visible (popover));
  mc_test_screenshot (popover, "statistics-quick-entry");

  id = g_signal_connect (p, "recorded", G_CALLBACK (on_recorded), &uuid);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (p), "statistics.quick-add", NULL));
  g_assert_true (mc_test_wait_until (got_string, &uuid, 10));
  g_signal_handler_disconnect (p, id);
  g_assert_true (g_uuid_string_is_valid (uuid));
  g_assert_false (gtk_widget_get_visible (popover));

  /* It is in the ledger, as a manual filing of this counter. */
  filing = mc_ledger_store_lookup_filing (mc_ledger_get_store (writer), uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (filing->procedure, ==, "1.004194");
  g_assert_cmpint (filing->channel, ==, MC_CHANNEL_RESIDENCE);
  g_assert_cmpint (filing->source, ==, MC_SOURCE_MANUAL);
  g_assert_cmpstr (filing->counter, ==, "Quầy 1");
  g_assert_cmpstr (filing->ward_code, ==, "22333");
  g_hash_table_insert (by_day, GUINT_TO_POINTER (today),
                       GSIZE_TO_POINTER (GPOINTER_TO_SIZE (g_hash_table_lookup (by_day, GUINT_TO_POINTER (today))) + 1));
  wait_for_total ();
  g_assert_cmpstr (label_text ("total"), ==, "7");
}

/* ---- Exports and printing ----------------------------------------------- */

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
got_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static char *
pdf_text (const char *path)
{
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
  g_autoptr(GError) error = NULL;
  const char *argv[] = { pdftotext, "-layout", path, "-", NULL };
  char *text = NULL;
  int status = 0;

  g_assert_nonnull (pdftotext);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &text, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return text;
}

static void
assert_report_pdf (const char *path,
                   guint64     total)
{
  g_autofree char *text = pdf_text (path);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *expected = g_strdup_printf ("%" G_GUINT64_FORMAT, total);
  const char *total_word = is_vietnamese () ? "Tổng" : "Total";
  guint totals = 0;

  g_assert_nonnull (strstr (text, is_vietnamese () ? "Người lập biểu" : "Prepared by"));
  g_assert_nonnull (strstr (text, is_vietnamese () ? "Thủ trưởng đơn vị" : "Head of the unit"));
  g_assert_nonnull (strstr (text, "PHƯỜNG BẮC NHA TRANG"));
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) words = g_strsplit (g_strstrip (lines[i]), " ", -1);
      gboolean has = FALSE;

      if (words[0] == NULL || !g_str_equal (words[0], total_word))
        continue;
      for (guint w = 1; words[w]; w++)
        has |= g_str_equal (words[w], expected);
      totals += has;
    }
  g_assert_cmpuint (totals, ==, 2);
}

static gboolean
got_int (gpointer data)
{
  return *(int *) data >= 0;
}

static void
on_printed (McStatisticsPage *p,
            int               result,
            int              *out)
{
  *out = result;
}

static void
test_exports_and_printing (void)
{
  McStatisticsPage *p = page ();
  g_autofree char *csv_path = g_build_filename (data_dir, "thong-ke.csv", NULL);
  g_autofree char *pdf_path = g_build_filename (data_dir, "bao-cao.pdf", NULL);
  g_autofree char *print_path = g_build_filename (data_dir, "in.pdf", NULL);
  g_autoptr(GFile) csv = g_file_new_for_path (csv_path);
  g_autoptr(GFile) pdf = g_file_new_for_path (pdf_path);
  g_autoptr(GAsyncResult) csv_done = NULL;
  g_autoptr(GAsyncResult) pdf_done = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *total_row = NULL;
  guint64 by_channel[MC_N_CHANNELS], total;
  int printed = -1;
  GtkWindow *dialog;
  gulong id;

  mc_statistics_page_set_period (p, "month");
  wait_for_total ();
  /* Copied: the view may count again (it polls) while the exports run. */
  memcpy (by_channel, mc_statistics_page_get_summary (p)->by_channel, sizeof by_channel);
  total = mc_statistics_page_get_summary (p)->total;

  mc_statistics_page_export_csv_async (p, csv, on_done, &csv_done);
  g_assert_true (mc_test_wait_until (got_result, &csv_done, 10));
  g_assert_true (mc_statistics_page_export_csv_finish (p, csv_done, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "\xEF\xBB\xBF"));
  total_row = g_strdup_printf (",%s,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%"
                               G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "\r\n",
                               is_vietnamese () ? "Tổng cộng" : "Total",
                               by_channel[0], by_channel[1], by_channel[2], by_channel[3],
                               by_channel[4], by_channel[5], total);
  if (!g_str_has_suffix (contents, total_row))
    g_test_message ("CSV: %s\nexpected last row: %s", contents, total_row);
  g_assert_true (g_str_has_suffix (contents, total_row));

  mc_statistics_page_export_pdf_async (p, pdf, on_done, &pdf_done);
  g_assert_true (mc_test_wait_until (got_result, &pdf_done, 20));
  g_assert_true (mc_statistics_page_export_pdf_finish (p, pdf_done, &error));
  g_assert_no_error (error);
  assert_report_pdf (pdf_path, total);

  /* The print operation the dialog runs, sent to a file. */
  id = g_signal_connect (p, "printed", G_CALLBACK (on_printed), &printed);
  mc_statistics_page_print (p, print_path);
  g_assert_true (mc_test_wait_until (got_int, &printed, 20));
  g_assert_cmpint (printed, ==, GTK_PRINT_OPERATION_RESULT_APPLY);
  assert_report_pdf (print_path, total);

  /* And the GTK print dialog itself (the only GtkDialog here). */
  printed = -1;
  mc_statistics_page_print (p, NULL);
  g_assert_true (mc_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (GTK_TYPE_DIALOG), 20));
  dialog = mc_test_find_toplevel (GTK_TYPE_DIALOG);
  mc_test_screenshot (GTK_WIDGET (dialog), "statistics-print-dialog");
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_assert_true (mc_test_wait_until (got_int, &printed, 20));
  g_assert_cmpint (printed, ==, GTK_PRINT_OPERATION_RESULT_CANCEL);
  g_signal_handler_disconnect (p, id);
}

/* ---- Corrections --------------------------------------------------------- */

static gboolean
dialog_page_is (gpointer data)
{
  const char * const *want = data;
  McCorrectionDialog *dialog = MC_CORRECTION_DIALOG (mc_test_find_toplevel (MC_TYPE_CORRECTION_DIALOG));

  return dialog != NULL && g_strcmp0 (mc_correction_dialog_get_page (dialog), want[0]) == 0 &&
         (want[1] == NULL || mc_correction_dialog_get_message (dialog) != NULL);
}

static void
on_page_changed (McCorrectionDialog *dialog,
                 const char         *name,
                 guint              *count)
{
  (*count)++;
}

static gboolean
count_reached (gpointer data)
{
  return ((guint *) data)[0] >= ((guint *) data)[1];
}

static void
test_wrong_pin_cannot_correct (void)
{
  GSettings *settings = mc_application_get_settings (app);
  McStatisticsPage *p = page ();
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = mc_supervisor_pin_hash_full ("2468", 1000, &error);
  McCorrectionDialog *dialog;
  GtkWidget *pin_row;
  guint changes[2] = { 0, 1 };
  const char *at_pin_with_message[] = { "pin", "message" };
  const char *at_list[] = { "list", NULL };
  McDay from, to;
  guint64 before;

  g_assert_no_error (error);
  g_settings_set_string (settings, "supervisor-pin-hash", hash);
  mc_statistics_page_set_period (p, "today");
  wait_for_total ();
  before = mc_statistics_page_get_summary (p)->total;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (p), "statistics.correct", NULL));
  g_assert_true (mc_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (MC_TYPE_CORRECTION_DIALOG), 10));
  dialog = MC_CORRECTION_DIALOG (mc_test_find_toplevel (MC_TYPE_CORRECTION_DIALOG));
  g_assert_cmpstr (mc_correction_dialog_get_page (dialog), ==, "pin");
  mc_test_screenshot (GTK_WIDGET (dialog), "correction-pin");

  /* A wrong PIN: refused, said so, nothing shown, nothing changed. */
  pin_row = find_descendant (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  g_signal_connect (dialog, "page-changed", G_CALLBACK (on_page_changed), &changes[0]);
  gtk_editable_set_text (GTK_EDITABLE (pin_row), "1357");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "correction.unlock", NULL));
  g_assert_true (mc_test_wait_until (count_reached, changes, 10));
  g_assert_true (dialog_page_is (at_pin_with_message));
  g_assert_nonnull (strstr (mc_correction_dialog_get_message (dialog),
                            is_vietnamese () ? "không phải" : "not the supervisor PIN"));
  g_assert_cmpuint (mc_correction_dialog_get_n_filings (dialog), ==, 0);
  mc_test_screenshot (GTK_WIDGET (dialog), "correction-wrong-pin");

  /* The right PIN opens the list of the period's filings. */
  gtk_editable_set_text (GTK_EDITABLE (pin_row), "2468");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "correction.unlock", NULL));
  g_assert_true (mc_test_wait_until (dialog_page_is, at_list, 10));
  mc_statistics_page_get_range (p, &from, &to);
  g_assert_cmpuint (mc_correction_dialog_get_n_filings (dialog), ==, expected_between (from, to));
  mc_test_screenshot (GTK_WIDGET (dialog), "correction-list");

  /* Withdraw one recorded twice. */
  mc_correction_dialog_edit (dialog, 0);
  g_assert_cmpstr (mc_correction_dialog_get_page (dialog), ==, "edit");
  mc_correction_dialog_set_void (dialog, TRUE, MC_REASON_DUPLICATE);
  mc_test_screenshot (GTK_WIDGET (dialog), "correction-edit");
  changes[0] = 0;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "correction.save", NULL));
  g_assert_true (mc_test_wait_until (dialog_page_is, at_list, 10));
  gtk_window_destroy (GTK_WINDOW (dialog));
  mc_test_iterate ();

  g_hash_table_insert (by_day, GUINT_TO_POINTER (today),
                       GSIZE_TO_POINTER (GPOINTER_TO_SIZE (g_hash_table_lookup (by_day, GUINT_TO_POINTER (today))) - 1));
  wait_for_total ();
  g_assert_cmpuint (mc_statistics_page_get_summary (p)->total, ==, before - 1);
}

/* ---- Preferences ---------------------------------------------------------- */

static void
on_pin_done (McPinDialog *dialog,
             gboolean     ok,
             int         *out)
{
  *out = ok;
}

static void
test_supervisor_preferences (void)
{
  GSettings *settings = mc_application_get_settings (app);
  GtkWindow *prefs;
  McPinDialog *dialog;
  g_autofree char *old_hash = g_settings_get_string (settings, "supervisor-pin-hash");
  g_autofree char *new_hash = NULL;
  int done = -1;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  mc_test_iterate ();
  prefs = mc_test_find_toplevel (MC_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "supervisor");
  mc_test_screenshot (GTK_WIDGET (prefs), "preferences-supervisor");

  /* The target is a setting, and the view follows it. */
  g_settings_set_uint (settings, "online-target-percent", 80);
  mc_test_iterate ();
  g_assert_nonnull (strstr (label_text ("target"), "80"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (prefs), "prefs.set-pin", NULL));
  g_assert_true (mc_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (MC_TYPE_PIN_DIALOG), 10));
  dialog = MC_PIN_DIALOG (mc_test_find_toplevel (MC_TYPE_PIN_DIALOG));
  g_signal_connect (dialog, "done", G_CALLBACK (on_pin_done), &done);

  /* Changing the PIN needs the current one. */
  mc_pin_dialog_set_entries (dialog, "0000", "97531", "97531");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "pin.save", NULL));
  g_assert_true (mc_test_wait_until (got_int, &done, 10));
  g_assert_cmpint (done, ==, FALSE);
  g_assert_nonnull (mc_pin_dialog_get_message (dialog));
  new_hash = g_settings_get_string (settings, "supervisor-pin-hash");
  g_assert_cmpstr (new_hash, ==, old_hash);
  g_clear_pointer (&new_hash, g_free);
  mc_test_screenshot (GTK_WIDGET (dialog), "preferences-pin-refused");

  done = -1;
  mc_pin_dialog_set_entries (dialog, "2468", "97531", "97531");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "pin.save", NULL));
  g_assert_true (mc_test_wait_until (got_int, &done, 20));
  g_assert_cmpint (done, ==, TRUE);
  new_hash = g_settings_get_string (settings, "supervisor-pin-hash");
  g_assert_cmpstr (new_hash, !=, old_hash);
  g_assert_null (strstr (new_hash, "97531"));
  g_assert_true (mc_supervisor_pin_verify (new_hash, "97531", NULL));

  gtk_window_destroy (prefs);
  mc_test_iterate ();
}

static void
on_opened (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(McLedger) ledger = mc_ledger_open_finish (result, &error);

  g_assert_null (ledger);
  *(char **) user_data = g_strdup (error->message);
}

static void
test_unusable_ledger (void)
{
  g_autofree char *path = g_build_filename (data_dir, "not-a-ledger.sqlite", NULL);
  g_autofree char *message = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = mc_statistics_page_new ();

  /* What the supervisor sees when the file is not a ledger: the reason,
   * and nothing overwritten. */
  mc_test_write_file (path, "Ghi chú của cán bộ — không phải sổ theo dõi.\n");
  mc_ledger_open_async (path, NULL, on_opened, &message);
  g_assert_true (mc_test_wait_until (got_string, &message, 10));
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 520);
  gtk_window_set_child (GTK_WINDOW (window), view);
  mc_statistics_page_setup (MC_STATISTICS_PAGE (view), mc_application_get_settings (app),
                            mc_application_get_catalog (app));
  mc_statistics_page_set_ledger_error (MC_STATISTICS_PAGE (view), message);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (mc_statistics_page_get_state (MC_STATISTICS_PAGE (view)), ==, "error");
  mc_test_screenshot (window, "statistics-error");
  gtk_window_destroy (GTK_WINDOW (window));
  mc_test_iterate ();
}

/* Counts changed behind the ledger's back (its guards dropped with
 * sqlite3): the page says so in plain words above the figures. */
static void
test_tampered_ledger (void)
{
  g_autofree char *path = g_build_filename (data_dir, "tampered.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(McLedger) ledger = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = mc_statistics_page_new ();
  GtkWidget *banner;
  sqlite3 *db = NULL;

  ledger = mc_ledger_open (path, TRUE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      McFilingRecord r = MC_FILING_RECORD_INIT;
      g_autofree char *uuid = NULL;

      r.ward_code = "22333";
      r.counter = "Quầy 1";
      r.clerk = "can-bo-a";
      r.procedure = "1.001193";
      r.channel = MC_CHANNEL_NATIONAL;
      uuid = mc_ledger_record_filing (ledger, &r, &error);
      g_assert_no_error (error);
    }
  g_clear_object (&ledger);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER day_counter_guard_update;"
                                 "DROP TRIGGER day_procedure_channel_guard_update;"
                                 "UPDATE day_counter SET n = 299; UPDATE day_procedure_channel SET n = 299;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  ledger = mc_ledger_open (path, FALSE, &error);
  g_assert_no_error (error);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 520);
  gtk_window_set_child (GTK_WINDOW (window), view);
  mc_statistics_page_setup (MC_STATISTICS_PAGE (view), mc_application_get_settings (app),
                            mc_application_get_catalog (app));
  mc_statistics_page_set_ledger (MC_STATISTICS_PAGE (view), ledger);
  gtk_window_present (GTK_WINDOW (window));

  banner = find_descendant (view, GTK_TYPE_LABEL, "ledger-mismatch");
  g_assert_nonnull (banner);
  g_assert_true (gtk_widget_get_visible (banner));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (banner)),
                            g_str_equal (lang, "vi") ? "không khớp" : "do not match"));
  mc_test_screenshot (window, "statistics-tampered");
  gtk_window_destroy (GTK_WINDOW (window));
  mc_test_iterate ();
}

static gboolean
prompt_idle (gpointer data)
{
  return !mc_pin_prompt_is_busy (data);
}

static void
on_prompt_verified (gboolean *verified)
{
  *verified = TRUE;
}

/* A PIN prompt with no ledger open: a new prompt (as after a restart)
 * still finds the lock-out on disk; a right PIN later replaces the old,
 * cheap hash with one at today's cost. */
static McPinPrompt *
new_prompt (gboolean *verified)
{
  GtkWidget *prompt = mc_pin_prompt_new (NULL, mc_application_get_settings (app), NULL, "PIN");

  g_signal_connect_swapped (prompt, "verified", G_CALLBACK (on_prompt_verified), verified);
  gtk_window_present (GTK_WINDOW (prompt));
  return MC_PIN_PROMPT (prompt);
}

static void
answer (McPinPrompt *prompt,
        const char  *pin)
{
  /* A right PIN closes the prompt: keep it until the answer is in. */
  g_object_ref (prompt);
  mc_pin_prompt_set_pin (prompt, pin);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (prompt), "pin.check", NULL));
  g_assert_true (mc_test_wait_until (prompt_idle, prompt, 30));
  mc_test_iterate ();
  g_object_unref (prompt);
}

static void
test_prompt_without_ledger (void)
{
  GSettings *settings = mc_application_get_settings (app);
  g_autofree char *old_hash = mc_supervisor_pin_hash_full ("2468", 1000, NULL);
  g_autofree char *lockout = mc_supervisor_pin_lockout_path (NULL);
  g_autofree char *saved = g_settings_get_string (settings, "supervisor-pin-hash");
  g_autofree char *new_hash = NULL;
  gboolean verified = FALSE;
  McPinPrompt *prompt;

  g_unlink (lockout);
  g_settings_set_string (settings, "supervisor-pin-hash", old_hash);
  prompt = new_prompt (&verified);
  for (guint i = 0; i < 5; i++)
    answer (prompt, "1357");
  gtk_window_destroy (GTK_WINDOW (prompt));
  g_assert_false (verified);

  prompt = new_prompt (&verified);
  answer (prompt, "2468");
  g_assert_false (verified);
  g_assert_nonnull (mc_pin_prompt_get_message (prompt));
  g_assert_nonnull (strstr (mc_pin_prompt_get_message (prompt), g_str_equal (lang, "vi") ? "thử lại sau" : "Try again in"));
  g_test_message ("%s", mc_pin_prompt_get_message (prompt));
  mc_test_screenshot (GTK_WIDGET (prompt), "pin-prompt-locked");
  gtk_window_destroy (GTK_WINDOW (prompt));

  /* The minute passed (the file says when; wind it back by hand). */
  g_assert_cmpint (g_unlink (lockout), ==, 0);
  prompt = new_prompt (&verified);
  answer (prompt, "2468");
  g_assert_true (verified);
  new_hash = g_settings_get_string (settings, "supervisor-pin-hash");
  g_assert_true (g_str_has_prefix (new_hash, "scrypt$"));
  g_assert_true (mc_supervisor_pin_verify (new_hash, "2468", NULL));

  g_settings_set_string (settings, "supervisor-pin-hash", saved);
  g_unlink (lockout);
}

int
main (int   argc,
      char *argv[])
{
  GSettings *settings;
  int ret;

  lang = g_getenv ("LANGUAGE");
  if (lang == NULL || *lang == '\0')
    lang = "en";
  data_dir = g_dir_make_tmp ("motcua-ui-statistics-XXXXXX", NULL);
  g_assert_nonnull (data_dir);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);

  mc_test_ui_init (&argc, &argv);
  today = mc_day_today ();
  by_day = g_hash_table_new (NULL, NULL);

  app = mc_test_app_new ();
  settings = mc_application_get_settings (app);
  /* A counter already set up: no first-run dialog. */
  g_settings_set_string (settings, "ward-code", "22333");
  g_settings_set_string (settings, "counter-name", "Quầy 1");
  g_settings_set_string (settings, "clerk-name", "Cán bộ A");

  g_test_add_func ("/statistics/empty", test_empty);
  g_test_add_func ("/statistics/counts", test_counts_from_another_program);
  g_test_add_func ("/statistics/custom-range", test_custom_range_with_merged_ward);
  g_test_add_func ("/statistics/quick-entry", test_quick_entry);
  g_test_add_func ("/statistics/exports", test_exports_and_printing);
  g_test_add_func ("/statistics/wrong-pin", test_wrong_pin_cannot_correct);
  g_test_add_func ("/statistics/preferences", test_supervisor_preferences);
  g_test_add_func ("/statistics/unusable-ledger", test_unusable_ledger);
  g_test_add_func ("/statistics/tampered-ledger", test_tampered_ledger);
  g_test_add_func ("/statistics/pin-prompt-without-ledger", test_prompt_without_ledger);

  ret = g_test_run ();

  g_application_quit (G_APPLICATION (app));
  g_clear_object (&app);
  g_clear_object (&writer);
  g_hash_table_unref (by_day);
  mc_test_rm_rf (data_dir);
  g_free (data_dir);
  return ret;
}
