/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mc-id-fields-private.h"
#include "mc-id-shapes.h"
#include "mc-test-id-lines.h"

GArray *
mc_test_id_words_new (const McTestIdWord *w,
                      guint               n)
{
  GArray *words = g_array_new (FALSE, TRUE, sizeof (McOcrWord));

  for (guint i = 0; i < n; i++)
    {
      McOcrWord word = {
        .text = (char *) w[i].text,
        .left = w[i].left, .top = w[i].top, .width = w[i].width, .height = w[i].height,
        .confidence = w[i].confidence,
        .baseline_x1 = w[i].bx1, .baseline_y1 = w[i].by1, .baseline_x2 = w[i].bx2, .baseline_y2 = w[i].by2,
        .line = w[i].top / 20,
      };

      g_array_append_val (words, word);
    }
  return words;
}

McIdOcrFields *
mc_test_id_extract (const McTestIdWord *w,
                    guint               n,
                    int                 card_width)
{
  g_autoptr(GArray) words = mc_test_id_words_new (w, n);
  McIdOcrFields *fields = mc_id_ocr_fields_new ();

  mc_id_fields_extract ((const McOcrWord *) words->data, words->len, fields);
  if (card_width > 0)
    mc_id_fields_by_shape ((const McOcrWord *) words->data, words->len, card_width, fields);
  return fields;
}

VipsImage *
mc_test_id_card_with (const char *markup,
                      const char *font,
                      int         x,
                      int         y,
                      int        *w,
                      int        *h)
{
  g_autoptr(VipsImage) text = NULL;
  g_autoptr(VipsImage) flat = NULL;
  VipsImage *card = NULL;

  g_assert_cmpint (vips_text (&text, markup, "font", font, "dpi", 300, NULL), ==, 0);
  *w = vips_image_get_width (text);
  *h = vips_image_get_height (text);
  g_assert_cmpint (vips_invert (text, &flat, NULL), ==, 0);
  g_assert_cmpint (vips_embed (flat, &card, x, y, 1012, 638, "extend", VIPS_EXTEND_WHITE, NULL), ==, 0);
  return card;
}
