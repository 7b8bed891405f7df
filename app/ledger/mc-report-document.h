/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>

#include "mc-ledger-report.h"

G_BEGIN_DECLS

/* The printable monthly report: the unit, the period, the table by
 * procedure and portal with totals, the share filed online against the
 * target, a chart per day, the table by counter, the signature blocks
 * (“Người lập biểu”, “Thủ trưởng đơn vị”) and the time it was made.
 *
 * Laid out with Pango and drawn with cairo, so the same code writes the
 * PDF and draws the pages of the GTK print dialog: paginate for a page
 * size, then draw each page on the cairo context given. Units are points. */

#define MC_TYPE_REPORT_DOCUMENT (mc_report_document_get_type ())
G_DECLARE_FINAL_TYPE (McReportDocument, mc_report_document, MC, REPORT_DOCUMENT, GObject)

/* Takes @summary. @target_percent: the share of online filings aimed at. */
McReportDocument *mc_report_document_new        (McSummary         *summary,
                                                 guint              target_percent);
const McSummary  *mc_report_document_get_summary (McReportDocument *self);
/* Lays out for a page of @width × @height points, measuring with @cr's
 * fonts; returns the number of pages. */
guint             mc_report_document_paginate   (McReportDocument  *self,
                                                 cairo_t           *cr,
                                                 double             width,
                                                 double             height);
void              mc_report_document_draw_page  (McReportDocument  *self,
                                                 cairo_t           *cr,
                                                 guint              page);
/* A4 PDF, written to a temporary file and renamed over @path. */
gboolean          mc_report_document_write_pdf  (McReportDocument  *self,
                                                 const char        *path,
                                                 GError           **error);

/* The top of a chart's scale for counts up to @max: 2, 4, 6, 8 or 10
 * times a power of ten, even so that its half is a whole number too. The
 * report's chart and the statistics page's both scale with it. */
guint64           mc_report_chart_top           (guint64            max);

G_END_DECLS
