/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-day-chart.h"
#include "mc-statistics-page.h"

G_BEGIN_DECLS

/* What the files of the statistics page share: mc-statistics-page.c (the
 * object, the view, quick entry, the template callbacks),
 * mc-statistics-page-export.c (CSV and PDF exports, printing) and
 * mc-statistics-page-scope.c (this counter, the ward or the city: which
 * ledger the figures come from, and the server's status). */

struct _McStatisticsPage
{
  AdwBin               parent_instance;

  /* Owned */
  GSettings           *settings;
  McWardCatalog       *catalog;
  McLedger            *ledger;
  /* The ward's or the city's server (mc-statistics-page-scope.c). */
  McLedgerLink        *link;
  McLedger            *server_ledger;
  char                *scope;
  McSummary           *summary;
  GCancellable        *cancellable;
  GListStore          *day_rows;
  char                *period;
  char                *ward_code;
  McDay                custom_from;
  McDay                custom_to;
  gboolean             ledger_empty;
  gboolean             updating_calendars;

  /* Template widgets */
  GtkWidget           *mismatch_label;
  GtkWidget           *toolbar;
  GtkWidget           *scope_box;
  GtkLabel            *server_label;
  GtkStack            *stack;
  AdwStatusPage       *error_page;
  GtkWidget           *custom_box;
  GtkMenuButton       *from_button;
  GtkMenuButton       *to_button;
  GtkCalendar         *from_calendar;
  GtkCalendar         *to_calendar;
  GtkPopover          *quick_popover;
  GtkDropDown         *procedure_dropdown;
  GtkDropDown         *channel_dropdown;
  GtkLabel            *period_label;
  GtkLabel            *merged_label;
  GtkLabel            *total_label;
  GtkLabel            *total_detail_label;
  GtkLabel            *online_label;
  GtkLevelBar         *online_bar;
  GtkLabel            *target_label;
  McDayChart          *chart;
  GtkColumnView       *day_table;
  GtkColumnViewColumn *day_column;
  GtkColumnViewColumn *count_column;
  GtkListBox          *counters_list;
  GtkListBox          *procedures_list;
  GtkListBox          *channels_list;
};

/* mc-statistics-page.c */
void _mc_statistics_page_toast        (McStatisticsPage *self,
                                       const char       *message);
void _mc_statistics_page_emit_printed (McStatisticsPage *self,
                                       int               result);

void _mc_statistics_page_refresh     (McStatisticsPage *self);

/* mc-statistics-page-scope.c */
/* The ledger the figures are read from (NULL: not readable now) and the
 * ward they are for (NULL: every ward). */
McLedger   *_mc_statistics_page_reading_ledger (McStatisticsPage *self);
gboolean    _mc_statistics_page_every_ward     (McStatisticsPage *self);
const char *_mc_statistics_page_server_problem (McStatisticsPage *self);
void        _mc_statistics_page_scope_dispose  (McStatisticsPage *self);

/* mc-statistics-page-export.c */
void _mc_statistics_page_ask_where_to_save (McStatisticsPage *self,
                                            gboolean          pdf);

G_END_DECLS
