/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-id-search"

#include "config.h"

#include <math.h>
#include <leptonica/allheaders.h>

#include "mc-card-straighten.h"
#include "mc-id-level.h"
#include "mc-vips.h"

/* Below a degree Tesseract reads lines whole; beyond ten what lies there
 * is no card laid straight by hand. */
#define MIN_TURN 1.0
#define MAX_TURN 10.0
/* Leptonica's confidence is its best angle's score over its worst's: its
 * bar for a page of lines is 3, a framed card's crop takes 1.5
 * (mc_card_crop_straighten()), and a card alone on a sheet of lid scores
 * less. The caller turns only an image that did not read straight and
 * keeps the turned reading only where it reads better, so any clear peak
 * is worth the try. */
#define MIN_CONFIDENCE 1.1
/* Upright lines give 4 or more; only below is the sideways look worth it. */
#define UPRIGHT_CONFIDENCE 4.0
/* The sweep looks at a copy no larger than this: the angle of lines
 * hundreds of pixels long does not need every pixel. */
#define SWEEP_PIXELS (1200 * 1200)
/* The tallest print on a card at the 300 dpi the image is read at: the
 * title's capitals stand under 5 mm. */
#define MAX_PRINT_PX 60.0

/* Print clearly darker than the image's median (the paper or the lid),
 * on a copy small enough for the sweep (@scale: its size to the image's). */
static PIX *
ink_of (VipsImage *grey,
        double    *scale)
{
  g_autoptr(VipsImage) small = NULL;
  g_autofree guchar *px = NULL;
  gsize size = 0;
  int w, h;
  double area = (double) vips_image_get_width (grey) * vips_image_get_height (grey);

  *scale = area > SWEEP_PIXELS ? sqrt (SWEEP_PIXELS / area) : 1.0;
  if (*scale < 1.0)
    {
      if (vips_resize (grey, &small, *scale, NULL) != 0)
        return NULL;
    }
  else
    small = g_object_ref (grey);
  w = vips_image_get_width (small);
  h = vips_image_get_height (small);
  if (!(px = vips_image_write_to_memory (small, &size)) || size != (gsize) w * h)
    return NULL;
  return mc_card_ink_pix (px, w, h);
}

double
mc_id_level_lines (VipsImage **grey)
{
  g_autoptr(VipsImage) turned = NULL;
  VipsArrayDouble *paper;
  int status;
  l_float32 a0 = 0, c0 = 0, a90 = 0, c90 = 0;
  double angle, confidence, scale = 1.0;
  VipsImage *mem;
  PIX *ink;

  g_return_val_if_fail (grey != NULL && VIPS_IS_IMAGE (*grey), 0);
  g_return_val_if_fail (vips_image_get_bands (*grey) == 1, 0);

  if (!(ink = ink_of (*grey, &scale)))
    {
      vips_error_clear ();
      return 0;
    }
  /* Only what is as tall as print: a photo, an emblem or a lid's shadow
   * weighs more than the lines and has no angle to tell. */
  {
    PIX *print = pixSelectBySize (ink, 0, (int) ceil (MAX_PRINT_PX * scale), 8,
                                  L_SELECT_HEIGHT, L_SELECT_IF_LTE, NULL);

    if (print != NULL)
      {
        pixDestroy (&ink);
        ink = print;
      }
  }
  pixFindSkewSweepAndSearch (ink, &a0, &c0, 1, 1, MAX_TURN, 0.5, 0.01);
  /* A card lying sideways: its lines run down the image. A small turn
   * and a quarter turn commute, so the angle found on the turned copy is
   * the one to turn the image itself by. */
  if (c0 < UPRIGHT_CONFIDENCE)
    {
      PIX *sideways = pixRotate90 (ink, 1);

      pixFindSkewSweepAndSearch (sideways, &a90, &c90, 1, 1, MAX_TURN, 0.5, 0.01);
      pixDestroy (&sideways);
    }
  pixDestroy (&ink);
  angle = c0 >= c90 ? a0 : a90;
  confidence = MAX (c0, c90);
  if (confidence < MIN_CONFIDENCE || fabs (angle) < MIN_TURN || fabs (angle) >= MAX_TURN)
    return 0;

  /* Leptonica's angle is the turn that levels the lines, in the sense
   * libvips turns by for a positive angle. The corners turned in are
   * paper. */
  paper = vips_array_double_newv (1, 255.0);
  status = vips_similarity (*grey, &turned, "angle", angle, "background", paper, NULL);
  vips_area_unref (VIPS_AREA (paper));
  if (status != 0 || !(mem = vips_image_copy_memory (turned)))
    {
      vips_error_clear ();
      return 0;
    }
  g_object_unref (*grey);
  *grey = mem;
  g_debug ("whole image turned %.1f° to level its lines (confidence %.1f)", angle, confidence);
  return angle;
}
