/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sane/sane.h>

G_BEGIN_DECLS

/* What mc-sane-backend.c shares with its tests and fuzz targets: the
 * checks a frame's SANE parameters pass before a byte of it is read, and the
 * conversion of one raw line. */

/* 1.2 m at 600 dpi: wider than any paper a counter scanner takes. */
#define MC_SCAN_MAX_LINE_PIXELS 28346
/* 1.5 m at 600 dpi: the longest hand-scanner pass kept. */
#define MC_SCAN_MAX_LINES       35433

/* Refuses a frame whose parameters do not add up: an unknown format, a
 * depth other than 1, 8 or 16, fewer bytes per line than its pixels need,
 * a size beyond any page. @first: the first frame of a three-pass page
 * (NULL for the first frame itself); later frames must be single colours
 * of the same width. */
gboolean mc_scanner_check_parameters (const SANE_Parameters *params,
                                      const SANE_Parameters *first,
                                      GError               **error);

/* The bytes one line of @params holds (its pixels, without padding). */
gsize    mc_scanner_line_bytes       (const SANE_Parameters *params);

/* Converts one raw line of a checked frame (@raw holds bytes_per_line
 * bytes) into @out: @width pixels of @bands 8-bit samples; @channel is the
 * band a single-colour frame fills, -1 for all. */
void     mc_scanner_convert_line     (const guchar          *raw,
                                      const SANE_Parameters *params,
                                      guchar                *out,
                                      int                    width,
                                      int                    bands,
                                      int                    channel);

G_END_DECLS
