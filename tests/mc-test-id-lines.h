/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-id-fields.h"
#include "mc-vips.h"

G_BEGIN_DECLS

/* Line fixtures for the field reader: the words Tesseract gave on a
 * synthetic card, written out as rows, and a white card with one value
 * rendered where those words say it stands, for the re-reads. */

typedef struct {
  const char *text;
  int         left, top, width, height;
  double      confidence;
  int         bx1, by1, bx2, by2;   /* the baseline Tesseract fitted; 0: none */
} McTestIdWord;

/* A GArray of McOcrWord (texts borrowed from @w); one Tesseract line per
 * row of words, as the sparse pass gives. */
GArray        *mc_test_id_words_new  (const McTestIdWord *w,
                                      guint               n);

/* The fields the labels give; with @card_width > 0 also those the shapes
 * give (mc_id_fields_by_shape) on a card that wide. */
McIdOcrFields *mc_test_id_extract    (const McTestIdWord *w,
                                      guint               n,
                                      int                 card_width);

/* A 1012 × 638 card, white, with @markup in black at (@x, @y), rendered
 * at 300 dpi in @font; its size in @w and @h. */
VipsImage     *mc_test_id_card_with  (const char         *markup,
                                      const char         *font,
                                      int                 x,
                                      int                 y,
                                      int                *w,
                                      int                *h);

G_END_DECLS
