/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-ledger-report.h"

G_BEGIN_DECLS

/* CSV as RFC 4180 writes it (comma separators, CRLF line ends, a field
 * with a comma, quote, CR or LF in double quotes, quotes doubled), in
 * UTF-8 with a byte-order mark so that Excel shows Vietnamese. Text that
 * a spreadsheet would run as a formula (starting with = + - @) is
 * prefixed with an apostrophe. */

void    mc_csv_append_row      (GString            *out,
                                const char * const *fields);
GBytes *mc_report_to_csv       (const McReport     *report);
/* The table by procedure and portal, with totals, as on the printed report. */
GBytes *mc_summary_to_csv      (const McSummary    *summary);

G_END_DECLS
