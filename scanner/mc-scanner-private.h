/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sane/sane.h>

G_BEGIN_DECLS

/* How a page is assembled from what a SANE backend sends (for the fuzz
 * target; the scanner thread is their one other caller). */

/* Whether a frame this program can read: depth 1, 8 or 16, and lines
 * long enough for their pixels; a later frame of a three-pass scan
 * (@first: the page's first frame, NULL for the first itself) must be
 * one colour of a colour page of the same width. An error for the clerk
 * otherwise. */
gboolean mc_scanner_check_frame  (const SANE_Parameters *params,
                                  const SANE_Parameters *first,
                                  GError               **error);
/* Converts one raw line of a frame @params (checked) into an output row
 * of @width pixels of @bands bytes, channel @channel (-1 for all). */
void     mc_scanner_convert_line (const guchar          *raw,
                                  const SANE_Parameters *params,
                                  guchar                *out,
                                  int                    width,
                                  int                    bands,
                                  int                    channel);

G_END_DECLS
