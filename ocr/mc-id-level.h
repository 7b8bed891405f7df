/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <vips/vips.h>

G_BEGIN_DECLS

/* Turns @grey (one band of 8-bit grey, paper white) so that its text lines
 * run level, upright or lying sideways, when Leptonica's sweep finds them
 * a degree or more off (even with a weak peak: a caller keeps the result
 * only where it reads better). A card on the glass whose outline the
 * finder did not close is read as a whole image, and Tesseract breaks
 * lines turned a few degrees into pieces and misses their small print.
 * The turned image is as large as it needs to be to keep every corner. Returns the turn made, degrees as libvips
 * turns (clockwise on the screen); 0 when the lines already run level or
 * are too few to tell, or on any failure (left as it was). */
double mc_id_level_lines (VipsImage **grey);

G_END_DECLS
