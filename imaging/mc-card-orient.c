/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-card-finder"

#include "config.h"

#include <math.h>
#include <string.h>

#include "mc-card-finder-private.h"
#include "mc-vips.h"

/* Which side of a framed card this is and which way is up, from its
 * layout alone: the MRZ's three lines at one end, the emblem in a corner,
 * the weight of the printed text. */

static guchar *
grey_pixels (VipsImage *crop,
             int       *w,
             int       *h)
{
  g_autoptr(VipsImage) grey = NULL;
  g_autoptr(VipsImage) u8 = NULL;
  size_t size;
  guchar *data;

  if (vips_colourspace (crop, &grey, VIPS_INTERPRETATION_B_W, NULL) != 0 ||
      vips_cast_uchar (grey, &u8, NULL) != 0)
    {
      vips_error_clear ();
      return NULL;
    }
  data = vips_image_write_to_memory (u8, &size);
  if (data == NULL)
    {
      vips_error_clear ();
      return NULL;
    }
  *w = vips_image_get_width (u8);
  *h = vips_image_get_height (u8);
  if (vips_image_get_bands (u8) != 1 || size != (size_t) *w * *h)
    {
      g_free (data);
      return NULL;
    }
  return data;
}

/* Ink: clearly darker than the card's own background (its median). */
static guchar *
ink_mask (const guchar *grey,
          int           w,
          int           h)
{
  guint hist[256] = { 0 };
  gsize n = (gsize) w * h;
  guchar *ink = g_malloc (n);
  int threshold;

  for (gsize i = 0; i < n; i++)
    hist[grey[i]]++;
  threshold = MIN (128, mc_card_finder_median_of_histogram (hist, n) * 55 / 100);
  for (gsize i = 0; i < n; i++)
    ink[i] = grey[i] < threshold;
  return ink;
}

/* Counts the lines of a TD1 MRZ in rows [y0, y1): a text line as tall as
 * OCR-B at this size, with ink across 80 % of the card and no gap wider
 * than 4 mm — nothing else on a card is both that wide and that even. */
static int
count_mrz_lines (const guchar *ink,
                 int           w,
                 int           h,
                 int           y0,
                 int           y1)
{
  double ppm = w / CARD_W_MM;
  int x0 = (int) (w * 0.02), x1 = (int) (w * 0.98);
  int lines = 0;
  int y = y0;

  while (y < y1)
    {
      int run_start, run_end;
      g_autofree int *cols = NULL;
      int first = -1, last = -1, gap = 0, max_gap = 0;

      /* The next run of rows with some ink. */
      while (y < y1)
        {
          int count = 0;

          for (int x = x0; x < x1; x++)
            count += ink[(gsize) y * w + x];
          if (count > (x1 - x0) / 40)
            break;
          y++;
        }
      run_start = y;
      while (y < y1)
        {
          int count = 0;

          for (int x = x0; x < x1; x++)
            count += ink[(gsize) y * w + x];
          if (count <= (x1 - x0) / 40)
            break;
          y++;
        }
      run_end = y;
      if (run_end - run_start < 1.5 * ppm || run_end - run_start > 4.2 * ppm)
        continue;

      cols = g_new0 (int, w);
      for (int yy = run_start; yy < run_end; yy++)
        for (int x = x0; x < x1; x++)
          cols[x] += ink[(gsize) yy * w + x];
      for (int x = x0; x < x1; x++)
        if (cols[x] >= 2)
          {
            if (first < 0)
              first = x;
            max_gap = MAX (max_gap, gap);
            gap = 0;
            last = x;
          }
        else if (first >= 0)
          gap++;
      if (first >= 0 && last - first >= 0.80 * w && max_gap <= 4.0 * ppm)
        lines++;
    }
  return lines;
}

void
mc_card_crop_find_mrz (VipsImage *crop,
                       gboolean  *at_bottom,
                       gboolean  *at_top)
{
  g_autofree guchar *grey = NULL;
  g_autofree guchar *ink = NULL;
  int w, h;

  *at_bottom = *at_top = FALSE;
  if (!(grey = grey_pixels (crop, &w, &h)))
    return;
  ink = ink_mask (grey, w, h);
  /* The three lines sit in the bottom 35 % of the back. */
  *at_bottom = count_mrz_lines (ink, w, h, (int) (h * 0.62), h - 1) >= 2;
  *at_top = count_mrz_lines (ink, w, h, 1, (int) (h * 0.38)) >= 2;
}

/* Which way up the text stands: accents and ascenders rise above a line's
 * densest band, few marks hang below it. Measured in four vertical strips
 * so that columns with different baselines do not blur each other. */
int
mc_card_crop_text_upright (VipsImage *crop)
{
  g_autofree guchar *grey = NULL;
  g_autofree guchar *ink = NULL;
  double above = 0, below = 0;
  int w, h;

  if (!(grey = grey_pixels (crop, &w, &h)))
    return 0;
  ink = ink_mask (grey, w, h);

  for (int s = 0; s < 4; s++)
    {
      int x0 = s * w / 4, x1 = (s + 1) * w / 4;
      g_autofree int *rows = g_new0 (int, h);
      int y = 0;

      for (int yy = 0; yy < h; yy++)
        for (int x = x0; x < x1; x++)
          rows[yy] += ink[(gsize) yy * w + x];

      while (y < h)
        {
          int start, end, peak = 0, core_top = -1, core_bottom = -1;

          while (y < h && rows[y] < 2)
            y++;
          start = y;
          while (y < h && rows[y] >= 2)
            y++;
          end = y;
          /* Text lines only: 1 to 5 mm tall. */
          if (end - start < h / 54 || end - start > h / 11)
            continue;
          for (int yy = start; yy < end; yy++)
            peak = MAX (peak, rows[yy]);
          if (peak < (x1 - x0) / 20)
            continue;
          for (int yy = start; yy < end; yy++)
            if (rows[yy] * 2 >= peak)
              {
                if (core_top < 0)
                  core_top = yy;
                core_bottom = yy;
              }
          for (int yy = start; yy < core_top; yy++)
            above += rows[yy];
          for (int yy = core_bottom + 1; yy < end; yy++)
            below += rows[yy];
        }
    }

  if (above + below < 200)
    return 0;
  if (above > 1.4 * below)
    return 1;
  if (below > 1.4 * above)
    return -1;
  return 0;
}

/* The state emblem, a red disc with a yellow star and rim, sits in the top
 * left corner of the front of every card still in use: compares the red
 * there with the opposite corner. +1 upright, -1 upside down. */
static int
emblem_upright (VipsImage *crop)
{
  g_autofree guchar *rgb = NULL;
  size_t size;
  int w = vips_image_get_width (crop), h = vips_image_get_height (crop);
  int tl = 0, br = 0;

  if (vips_image_get_bands (crop) != 3 || vips_image_get_format (crop) != VIPS_FORMAT_UCHAR)
    return 0;
  rgb = vips_image_write_to_memory (crop, &size);
  if (rgb == NULL || size != (size_t) w * h * 3)
    {
      vips_error_clear ();
      return 0;
    }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guchar *p = rgb + 3 * ((gsize) y * w + x);
        /* Red only: the gold of a chip is as yellow as the star. */
        gboolean red = p[0] > 140 && p[0] - p[1] > 60 && p[0] - p[2] > 60;

        if (!red)
          continue;
        if (x < w / 4 && y < h * 38 / 100)
          tl++;
        else if (x > w * 3 / 4 && y > h * 62 / 100)
          br++;
      }
  /* The disc's red covers about 1.5 % of the card. */
  if (tl > 4 * br && tl > w * h / 150)
    return 1;
  if (br > 4 * tl && br > w * h / 150)
    return -1;
  return 0;
}

/* Sets the side and way up from the layout alone. */
void
mc_card_finder_orient_crop (McCardCrop *crop)
{
  gboolean bottom, top;
  int upright;

  mc_card_crop_find_mrz (crop->image, &bottom, &top);
  if (bottom != top)
    {
      crop->mrz_band = TRUE;
      crop->side = MC_CARD_SIDE_BACK;
      crop->upright_known = TRUE;
      if (top)
        mc_card_crop_rotate_180 (crop);
      return;
    }
  upright = emblem_upright (crop->image);
  if (upright != 0)
    crop->side = MC_CARD_SIDE_FRONT;
  else
    {
      upright = mc_card_crop_text_upright (crop->image);
      crop->side = MC_CARD_SIDE_UNKNOWN;
    }
  crop->upright_known = upright != 0;
  if (upright < 0)
    mc_card_crop_rotate_180 (crop);
}
