/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-ledger.h"
#include "mc-ledger-link.h"
#include "mc-ward-catalog.h"

G_BEGIN_DECLS

/* The supervisor's view (“Thống kê”): filings today, this week, this
 * month or over other dates, for the counter's ward and the units merged
 * into it; per counter, procedure and portal; a chart per day with a
 * table of the same figures; the share filed online against the target;
 * “+1” for a filing helped without scanning; CSV, PDF and printing; and
 * corrections behind the supervisor PIN. Every figure comes from the
 * ledger, read off the main thread. */

#define MC_TYPE_STATISTICS_PAGE (mc_statistics_page_get_type ())
G_DECLARE_FINAL_TYPE (McStatisticsPage, mc_statistics_page, MC, STATISTICS_PAGE, AdwBin)

GtkWidget       *mc_statistics_page_new              (void);
void             mc_statistics_page_setup            (McStatisticsPage *self,
                                                      GSettings        *settings,
                                                      McWardCatalog    *catalog);
void             mc_statistics_page_set_ledger       (McStatisticsPage *self,
                                                      McLedger         *ledger);
/* The ledger could not be opened: say why, in place of the figures. */
void             mc_statistics_page_set_ledger_error (McStatisticsPage *self,
                                                      const char       *message);
McLedger        *mc_statistics_page_get_ledger       (McStatisticsPage *self);
/* The ward's or the city's ledger server: with one set up, a switch
 * “This counter / The ward / The city” (the “scope” property:
 * "counter", "ward" or "city"); a supervisor's PC starts on the ward. */
void             mc_statistics_page_set_ledger_link  (McStatisticsPage *self,
                                                      McLedgerLink     *link);
void             mc_statistics_page_set_scope        (McStatisticsPage *self,
                                                      const char       *scope);
const char      *mc_statistics_page_get_scope        (McStatisticsPage *self);

/* "today", "week", "month" or "custom" (the “period” property). */
void             mc_statistics_page_set_period       (McStatisticsPage *self,
                                                      const char       *period);
void             mc_statistics_page_set_custom_range (McStatisticsPage *self,
                                                      McDay             from,
                                                      McDay             to);
void             mc_statistics_page_get_range        (McStatisticsPage *self,
                                                      McDay            *from,
                                                      McDay            *to);
/* What is shown: "loading", "error", "empty" or "content". */
const char      *mc_statistics_page_get_state        (McStatisticsPage *self);
/* The figures shown, or NULL before the first ones arrive. */
const McSummary *mc_statistics_page_get_summary      (McStatisticsPage *self);
/* The ward the figures are for, or NULL for every ward. */
const char      *mc_statistics_page_get_ward_code    (McStatisticsPage *self);

/* The “+1” form's choices. */
void             mc_statistics_page_set_quick_entry  (McStatisticsPage *self,
                                                      const char       *procedure,
                                                      McChannel         channel);

void             mc_statistics_page_export_csv_async  (McStatisticsPage   *self,
                                                       GFile              *file,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
gboolean         mc_statistics_page_export_csv_finish (McStatisticsPage   *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);
void             mc_statistics_page_export_pdf_async  (McStatisticsPage   *self,
                                                       GFile              *file,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
gboolean         mc_statistics_page_export_pdf_finish (McStatisticsPage   *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);
/* Prints through the GTK print dialog; with @export_path, through the
 * same print operation straight to that PDF file, without the dialog. */
void             mc_statistics_page_print            (McStatisticsPage *self,
                                                      const char       *export_path);

G_END_DECLS
