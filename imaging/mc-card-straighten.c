/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-card-finder"

#include "config.h"

#include <math.h>
#include <leptonica/allheaders.h>

#include "mc-card-straighten.h"
#include "mc-vips.h"

/* Leptonica's sweep over the ink (print clearly darker than the card's own
 * median tint), as the page cleanup does for paperwork, on a card-sized
 * image. Below a degree the OCR does not care; beyond ten the frame was
 * not a card's at all. */
#define MIN_TURN 1.0
#define MAX_TURN 10.0

/* The print on an 8-bit grey image (@px, @w × @h pixels): what is
 * clearly darker than the image's median tint (a card's, a paper's or a
 * lid's), below three fifths of it, as a 1-bit Pix for Leptonica. */
PIX *
mc_card_ink_pix (const guchar *px,
                 int           w,
                 int           h)
{
  guint hist[256] = { 0 };
  gsize acc = 0, size = (gsize) w * h;
  int median = 255, threshold;
  PIX *ink;

  for (gsize i = 0; i < size; i++)
    hist[px[i]]++;
  for (int v = 0; v < 256; v++)
    {
      acc += hist[v];
      if (acc * 2 >= size)
        {
          median = v;
          break;
        }
    }
  threshold = median * 3 / 5;
  ink = pixCreate (w, h, 1);
  for (int y = 0; y < h; y++)
    {
      l_uint32 *line = pixGetData (ink) + (gsize) y * pixGetWpl (ink);

      for (int x = 0; x < w; x++)
        if (px[(gsize) y * w + x] < threshold)
          SET_DATA_BIT (line, x);
    }
  return ink;
}

double
mc_card_crop_straighten (VipsImage **image)
{
  g_autoptr(VipsImage) u8 = NULL;
  g_autoptr(VipsImage) turned = NULL;
  g_autoptr(VipsImage) cut = NULL;
  g_autofree guchar *px = NULL;
  int w, h;
  size_t size;
  PIX *ink;
  l_float32 angle = 0, confidence = 0;
  VipsArrayDouble *white;
  int status;

  g_return_val_if_fail (image != NULL && VIPS_IS_IMAGE (*image), 0);

  w = vips_image_get_width (*image);
  h = vips_image_get_height (*image);
  if (mc_vips_grey8 (*image, &u8) != 0 ||
      !(px = vips_image_write_to_memory (u8, &size)) || size != (size_t) w * h)
    {
      vips_error_clear ();
      return 0;
    }
  ink = mc_card_ink_pix (px, w, h);
  pixFindSkewSweepAndSearch (ink, &angle, &confidence, 2, 1, MAX_TURN, 0.5, 0.01);
  pixDestroy (&ink);
  /* Leptonica's own bar for a believable result is a confidence of 3,
   * for a page of lines; a card has a dozen short ones among pictures, and
   * half that bar holds there (a level card reads under a tenth of a
   * degree whatever its confidence). */
  if (confidence < 1.5 || fabs (angle) < MIN_TURN || fabs (angle) >= MAX_TURN)
    return 0;

  /* Leptonica's angle is the turn that levels the lines, in the sense
   * libvips turns by for a positive angle (clockwise on the screen, with
   * y running down). */
  white = vips_array_double_newv (3, 255.0, 255.0, 255.0);
  status = vips_similarity (*image, &turned, "angle", (double) angle, "background", white, NULL);
  vips_area_unref (VIPS_AREA (white));
  if (status != 0 ||
      vips_extract_area (turned, &cut, (vips_image_get_width (turned) - w) / 2,
                         (vips_image_get_height (turned) - h) / 2, w, h, NULL) != 0)
    {
      vips_error_clear ();
      return 0;
    }
  {
    VipsImage *mem = vips_image_copy_memory (cut);

    if (mem == NULL)
      {
        vips_error_clear ();
        return 0;
      }
    g_object_unref (*image);
    *image = mem;
  }
  g_debug ("card crop turned %.1f° to level its lines (confidence %.1f)", angle, confidence);
  return angle;
}
