/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-pdf-writer.h"

G_BEGIN_DECLS

/* The compressed data of a one-strip, MSB-first CCITT G4 TIFF at @path,
 * as it is copied into the PDF untouched; FALSE (and @image as it was)
 * for any other file. For the fuzz target. */
gboolean mc_searchable_pdf_read_g4 (const char *path,
                                    McPdfImage *image);

G_END_DECLS
