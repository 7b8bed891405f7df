/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "mc-core.h"
#include "mc-identity-form.h"
#include "mc-procedure-catalog.h"
#include "mc-reception-page.h"
#include "mc-scan-panel.h"
#include "mc-test-ui.h"
#include "mc-test-util.h"
#include "mc-visit-store.h"
#include "mc-visit-view.h"

/* End to end on the virtual scanner (issue 6): a birth registration (the
 * declaration form, 2 pages; the hospital's birth certificate, 1 page; the
 * parent's ID card, both sides on the glass) from New Visit to the files
 * for the portal ready, driven through the real widgets' actions the way a
 * clerk's clicks reach them. Counts the clerk's actions (clicks and keys)
 * and times the machine: scanning (pnm backend), cleanup, the card read,
 * OCR and PDFs. Placing papers on the glass is the citizen's and clerk's
 * hands, not counted.
 *
 * Usage (under a display): bench-visit [RUNS]  — prints one line per run
 * and the medians. Figures only; nothing here passes or fails on time. */

#define BIRTH "1.001193"

static McReceptionPage *page;
static McScanner *scanner;
static McProcedureCatalog *procedures;   /* the built-in catalog, made in main() */
static guint actions;

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
  if (!mc_test_wait_until (settled, NULL, 300))
    g_error ("still busy: %s", mc_visit_view_get_message (view ()));
}

/* The clerk selects a paper in the checklist: one click. */
static void
click_component (const char *key)
{
  actions++;
  mc_visit_view_select_component (view (), key);
}

/* The citizen (or clerk) lays the page on the glass — not counted — and
 * the clerk presses Scan: one click. */
static void
click_scan (const char *specimen)
{
  if (!mc_test_wait_until (scanner_ready, NULL, 30) ||
      !mc_scan_panel_select_device (panel (), "pnm:0") ||
      !mc_scan_panel_select_specimen (panel (), specimen))
    g_error ("the virtual scanner is not there");
  actions++;
  if (!gtk_widget_activate_action (mc_visit_view_get_scan_panel (view ()), "scan.start", NULL))
    g_error ("no scan action");
  /* The clerk waits for the page before the next one goes on the glass. */
  while (!mc_scanner_is_busy (scanner) && g_main_context_iteration (NULL, FALSE))
    ;
  if (!mc_test_wait_until (scanner_ready, NULL, 60))
    g_error ("the scan did not finish: %s", mc_scan_panel_get_error (panel ()));
  if (mc_scan_panel_get_error (panel ()) != NULL)
    g_error ("scanning %s failed: %s", specimen, mc_scan_panel_get_error (panel ()));
}

static gboolean
packaged (gpointer data)
{
  McVisit *visit = data;

  return mc_visit_get_state (visit) == MC_VISIT_PACKAGED && !mc_visit_view_is_busy (view ());
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median_of (GArray *values)
{
  g_autoptr(GArray) sorted = g_array_sized_new (FALSE, FALSE, sizeof (double), values->len);

  g_array_append_vals (sorted, values->data, values->len);
  g_array_sort (sorted, compare_doubles);
  if (sorted->len % 2)
    return g_array_index (sorted, double, sorted->len / 2);
  return (g_array_index (sorted, double, sorted->len / 2 - 1) + g_array_index (sorted, double, sorted->len / 2)) / 2;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(McVisitStore) visits = NULL;
  g_autoptr(GArray) totals = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) papers = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) packaging = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *dir = NULL;
  g_autofree char *visits_dir = NULL;
  GtkWindow *window;
  int runs = argc > 1 ? atoi (argv[1]) : 5;
  guint run_actions = 0;

  setlocale (LC_ALL, "");
  gtk_init ();
  mc_ui_init ();
  adw_init ();
  procedures = mc_procedure_catalog_new_builtin ();
  mc_test_load_style ();
  mc_test_allow_vips_warnings ();

  dir = mc_test_make_tmpdir ("bench-visit");
  visits_dir = g_build_filename (dir, "visits", NULL);
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "ward-code", "22366");
  visits = mc_visit_store_new (visits_dir, procedures);
  mc_visit_store_load (visits, &error);
  g_assert_no_error (error);
  scanner = mc_scanner_new ();
  page = MC_RECEPTION_PAGE (mc_reception_page_new (visits, procedures, scanner, settings));
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1280, 860);
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);
  mc_test_wait_for_frames (GTK_WIDGET (window));

  printf ("# birth registration, New Visit to files ready; pnm virtual scanner, %d runs\n", runs);
  for (int r = 0; r < runs; r++)
    {
      gint64 start, scanned, done;
      McVisit *visit;
      double t;

      actions = 0;
      start = g_get_monotonic_time ();
      actions++;                               /* New Visit */
      mc_reception_page_new_visit (page);
      mc_test_iterate ();
      actions++;                               /* the procedure, first in the recent list */
      visit = mc_reception_page_start_visit (page, BIRTH, &error);
      g_assert_no_error (error);

      /* The declaration form is the paper selected first. */
      click_scan ("to-khai-khai-sinh-1.pgm");
      click_scan ("to-khai-khai-sinh-2.pgm");
      click_component ("giay-chung-sinh");
      click_scan ("giay-chung-sinh.ppm");
      click_component ("giay-to-tuy-than");
      click_scan ("can-cuoc-hai-mat.ppm");
      wait_settled ();
      if (mc_identity_form_get_identity (MC_IDENTITY_FORM (mc_visit_view_get_identity_form (view ()))) == NULL)
        g_error ("the card was not read: %s", mc_visit_view_get_message (view ()));
      actions++;                               /* Use This Identity for the Visit */
      gtk_widget_activate_action (mc_visit_view_get_identity_form (view ()), "identity.use", NULL);
      if (g_strcmp0 (mc_visit_view_get_step (view ()), "review") != 0)
        g_error ("not on the review step");
      scanned = g_get_monotonic_time ();
      actions++;                               /* Make the Files for the Portal */
      gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.package", NULL);
      if (!mc_test_wait_until (packaged, visit, 300))
        g_error ("not packaged: %s", mc_visit_view_get_message (view ()));
      done = g_get_monotonic_time ();

      t = (done - start) / 1e6;
      g_array_append_val (totals, t);
      t = (scanned - start) / 1e6;
      g_array_append_val (papers, t);
      t = (done - scanned) / 1e6;
      g_array_append_val (packaging, t);
      run_actions = actions;
      printf ("run %d: total_s=%.2f papers_and_card_s=%.2f package_s=%.2f clerk_actions=%u pages=%u\n",
              r + 1, (done - start) / 1e6, (scanned - start) / 1e6, (done - scanned) / 1e6, actions,
              mc_visit_count_all_pages (visit));
      if (mc_visit_count_all_pages (visit) != 4)
        g_error ("%u pages instead of 4", mc_visit_count_all_pages (visit));
      fflush (stdout);
      mc_visit_abandon (visit);
      mc_test_iterate ();
    }
  printf ("median: total_s=%.2f papers_and_card_s=%.2f package_s=%.2f clerk_actions=%u\n",
          median_of (totals), median_of (papers), median_of (packaging), run_actions);

  gtk_window_destroy (window);
  mc_test_iterate ();
  g_clear_object (&scanner);
  mc_test_iterate ();
  mc_visit_store_flush (visits, NULL);
  mc_test_rm_rf (dir);
  return 0;
}
