/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <leptonica/allheaders.h>
#include <vips/vips.h>

G_BEGIN_DECLS

/* Turns a card crop (sRGB, MC_CARD_CROP_WIDTH × MC_CARD_CROP_HEIGHT) so
 * that its text lines run level, when the outline it was cut by was a few
 * degrees off (a pale card whose edge barely showed, a sleeve, a photo).
 * The crop keeps its size. Returns the turn made, degrees anticlockwise;
 * 0 when the lines already run level or are too few to tell. */
double mc_card_crop_straighten (VipsImage **image);

/* The print on an 8-bit grey image: pixels below three fifths of its
 * median, as a 1-bit Pix (Leptonica's skew sweep reads that). */
PIX   *mc_card_ink_pix         (const guchar *px,
                                int           w,
                                int           h);

G_END_DECLS
