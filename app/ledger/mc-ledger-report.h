/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-ledger-store.h"
#include "mc-procedure-catalog.h"
#include "mc-ward-catalog.h"

G_BEGIN_DECLS

/* Reports count filings in effect over a range of local days, with the
 * ward roll-up: each filing belongs to the unit its ward code named on
 * its day (mc_ward_catalog_lookup_current), carried forward through
 * mergers to the unit in effect on the report's last day. A report for
 * Phường Bắc Nha Trang over 2024–2026 therefore includes what Vĩnh Hải
 * recorded before 1 July 2025, and says so in merged_in. */

typedef enum {
  MC_REPORT_BY_DAY,
  MC_REPORT_BY_COUNTER,
  MC_REPORT_BY_PROCEDURE,
  MC_REPORT_BY_CHANNEL,
  MC_REPORT_BY_WARD,
} McReportBy;

const char *mc_report_by_to_string   (McReportBy   by);
gboolean    mc_report_by_from_string (const char  *text,
                                      McReportBy  *out);

/* A unit whose records were counted under another (merged into it). */
typedef struct {
  char  *code;
  char  *name;
  McDay  until;
  char  *into_name;
} McMergedUnit;

typedef struct {
  char      *key;        /* stable: a date, a code, a channel name, a counter */
  char      *label;      /* for people */
  guint64    count;
  GPtrArray *merged_in;  /* by ward: McMergedUnit counted in this row; else NULL */
} McReportRow;

typedef struct {
  McDay       from;
  McDay       to;
  McReportBy  by;
  char       *unit_code;     /* the ward asked for, or NULL for every ward */
  char       *unit_name;
  GPtrArray  *merged_in;     /* McMergedUnit whose records are included */
  GPtrArray  *rows;          /* McReportRow */
  guint64     total;
  gint64      generated_at_us;
} McReport;

typedef struct {
  McDay        from;         /* both bounds required, included */
  McDay        to;
  McReportBy   by;
  const char  *ward_code;    /* NULL: every ward */
} McReportSpec;

/* @procedures names and orders the procedures (NULL: by code). */
McReport   *mc_report_build (McLedgerStore       *store,
                             McWardCatalog       *catalog,
                             McProcedureCatalog  *procedures,
                             const McReportSpec  *spec,
                             GError             **error);
void        mc_report_free  (McReport            *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McReport, mc_report_free)

/* Everything the supervisor view and the monthly report show, counted on
 * one snapshot of the ledger so that every table adds up to the same
 * total. */
typedef struct {
  char    *code;
  char    *label;
  guint64  by_channel[MC_N_CHANNELS];
  guint64  total;
} McSummaryProcedure;

typedef struct {
  McDay       from;
  McDay       to;
  char       *unit_code;
  char       *unit_name;
  GPtrArray  *merged_in;      /* McMergedUnit */
  guint64     total;
  guint64     online;         /* not on paper */
  guint64     by_channel[MC_N_CHANNELS];
  GArray     *by_day;         /* guint64, one per day from..to */
  GPtrArray  *counters;       /* McReportRow */
  GPtrArray  *procedures;     /* McSummaryProcedure: the known list, then others */
  gint64      generated_at_us;
} McSummary;

McSummary  *mc_summary_build (McLedgerStore       *store,
                              McWardCatalog       *catalog,
                              McProcedureCatalog  *procedures,
                              McDay                from,
                              McDay                to,
                              const char          *ward_code,
                              GError             **error);
void        mc_summary_free  (McSummary      *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McSummary, mc_summary_free)

/* The spans of recorded ward codes whose records count under the unit
 * @ward_code names on @to (McLedgerWardSpan, codes owned by @catalog). */
GArray     *mc_report_ward_spans (McWardCatalog  *catalog,
                                  const char     *ward_code,
                                  McDay           from,
                                  McDay           to,
                                  GError        **error);

/* The names of merged units, joined with “, ”. */
char       *mc_merged_units_dup_names (GPtrArray *merged_in);

G_END_DECLS
