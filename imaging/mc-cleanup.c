/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-cleanup"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>
#include <leptonica/allheaders.h>

#include "mc-cleanup-private.h"
#include "mc-vips.h"

/* Cleanup of paperwork pages.
 *
 * Everything is decided on two small copies of the page, then the output
 * is produced in one streaming libvips pass from the decoded page:
 *
 *   page ─┬─ 150 dpi grey ("ana"): ink mask → skew (Leptonica), blank test,
 *         │                        orientation (OSD through opts->orient)
 *         ├─ 50 dpi ("small"):     glass vs paper, background map, kind
 *         └─ output dpi:           turn (skew + quarter turns), trim,
 *                                  divide by the background, levels,
 *                                  then 1-bit G4 TIFF or JPEG
 *
 * Angles: a page lying at +a° (anticlockwise) on the glass is turned back
 * with vips_similarity (angle = -a). */

#define ANA_DPI          150.0
#define SMALL_DPI        50.0
#define INK_RATIO        0.72   /* darker than 72 % of the local paper: ink */
#define GLASS_CONTRAST   60.0   /* paper this much brighter than the border: paper on glass */
#define WHITE_POINT      232.0  /* after normalisation, lighter than this is paper */
#define BLACK_POINT      12.0
#define LINEART_THRESHOLD 150
#define COLOUR_CHROMA    70.0
#define COLOUR_FRACTION  0.0003 /* of the page: a 36 mm seal is ~0.25 %, a signature ~0.1 % */
#define MIN_ORIENT_CONFIDENCE 3.0  /* OSD below this: leave the page as it is */
#define GREY_FRACTION    0.004  /* smooth mid-tones over 0.4 % of the page (16 × 16 mm): a photo or shading */

typedef struct {
  double angle;       /* skew found, degrees anticlockwise */
  int    rotate;      /* quarter turns clockwise, in degrees */
  gboolean has_glass;
  double paper[3];    /* paper colour, per band */
  double paper_level; /* paper lightness */
  double glass_level;
  /* crop, as fractions of the turned image */
  double cx, cy, cw, ch;
} Geometry;

static gboolean
vips_failed (GError **error)
{
  g_autofree char *detail = g_strdup (vips_error_buffer ());

  vips_error_clear ();
  g_strchomp (detail);
  g_set_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_DAMAGED,
               _("The page could not be cleaned (%s)."), detail);
  return FALSE;
}

/* 8-bit sRGB (3 bands) or grey (1 band), alpha flattened onto white. */
static VipsImage *
to_working (VipsImage *in)
{
  VipsObject *ctx = VIPS_OBJECT (vips_image_new ());
  VipsImage **t = (VipsImage **) vips_object_local_array (ctx, 4);
  VipsImage *x = in;
  VipsImage *out = NULL;
  gboolean colour = vips_image_get_bands (in) >= 3;

  /* Already 8-bit grey or RGB, decoded in memory: use it as it is. */
  if (!vips_image_hasalpha (x) && vips_image_get_format (x) == VIPS_FORMAT_UCHAR &&
      (vips_image_get_bands (x) == 1 || vips_image_get_bands (x) == 3))
    {
      g_object_unref (ctx);
      return vips_image_copy_memory (in);
    }

  if (vips_image_hasalpha (x))
    {
      VipsArrayDouble *white = vips_array_double_newv (1, vips_image_get_format (x) == VIPS_FORMAT_USHORT ? 65535.0 : 255.0);
      int status = vips_flatten (x, &t[0], "background", white, NULL);

      vips_area_unref (VIPS_AREA (white));
      if (status)
        goto out;
      x = t[0];
    }
  if (vips_colourspace (x, &t[1], colour ? VIPS_INTERPRETATION_sRGB : VIPS_INTERPRETATION_B_W, NULL))
    goto out;
  x = t[1];
  if (vips_cast_uchar (x, &t[2], NULL))
    goto out;
  out = vips_image_copy_memory (t[2]);

out:
  g_object_unref (ctx);
  return out;
}

static double
percent (VipsImage *grey,
         double     pc)
{
  int threshold = 0;

  if (vips_percent (grey, pc, &threshold, NULL))
    return -1;
  return threshold;
}

/* Rec. 709 luma, in one pass: vips_colourspace() to B_W goes through
 * XYZ in floating point and costs several times more on a full page. */
static VipsImage *
grey_of (VipsImage *in)
{
  VipsImage *m = NULL, *f = NULL, *out = NULL;

  if (vips_image_get_bands (in) == 1)
    return g_object_ref (in);
  if (!(m = vips_image_new_matrixv (3, 1, 0.2126, 0.7152, 0.0722)))
    return NULL;
  if (vips_recomb (in, &f, m, NULL) == 0 && vips_cast_uchar (f, &out, NULL) == 0)
    out->Type = VIPS_INTERPRETATION_B_W;
  g_clear_object (&f);
  g_object_unref (m);
  return out;
}

/* Resize to exactly @w × @h (libvips rounds the scale its own way). */
static VipsImage *
resize_to (VipsImage *in,
           int        w,
           int        h,
           VipsKernel kernel)
{
  VipsImage *scaled = NULL, *out = NULL;
  double sx = (double) w / vips_image_get_width (in);
  double sy = (double) h / vips_image_get_height (in);

  if (vips_resize (in, &scaled, sx, "vscale", sy, "kernel", kernel, NULL))
    return NULL;
  if (vips_image_get_width (scaled) == w && vips_image_get_height (scaled) == h)
    return scaled;
  if (vips_embed (scaled, &out, 0, 0, w, h, "extend", VIPS_EXTEND_COPY, NULL))
    out = NULL;
  g_object_unref (scaled);
  return out;
}

/* The paper's lightness around each point at SMALL_DPI: the brightest
 * value in a 7 × 7 window (3.5 mm) skips text strokes; where that is still
 * dark (a photo, a large seal, the glass) the page's paper level stands in,
 * so such areas are not bleached. */
static VipsImage *
background_map (VipsImage *small_grey,
                double     paper_level)
{
  VipsObject *ctx = VIPS_OBJECT (vips_image_new ());
  VipsImage **t = (VipsImage **) vips_object_local_array (ctx, 6);
  VipsImage *out = NULL;

  if (vips_rank (small_grey, &t[0], 7, 7, 48, NULL) ||
      vips_less_const1 (t[0], &t[1], 0.6 * paper_level, NULL) ||
      !(t[5] = vips_image_new_from_image1 (t[0], paper_level)) ||
      vips_ifthenelse (t[1], t[5], t[0], &t[2], NULL) ||
      vips_gaussblur (t[2], &t[3], 1.5, NULL) ||
      vips_linear1 (t[3], &t[4], 1.0, 1.0, NULL))  /* never divide by zero */
    goto out;
  out = vips_image_copy_memory (t[4]);

out:
  g_object_unref (ctx);
  return out;
}

/* Flood the dark pixels connected to the border: they are the glass (or
 * the dark lid) around the paper. Returns 255 on paper, 0 on glass. */
static VipsImage *
paper_mask (VipsImage *small_grey,
            double     threshold)
{
  VipsObject *ctx = VIPS_OBJECT (vips_image_new ());
  VipsImage **t = (VipsImage **) vips_object_local_array (ctx, 4);
  VipsImage *mem = NULL, *out = NULL;
  double glass[] = { 128.0 };
  int w = vips_image_get_width (small_grey), h = vips_image_get_height (small_grey);
  guchar *p;

  if (vips_moreeq_const1 (small_grey, &t[0], threshold, NULL))
    goto out;
  if (!(mem = vips_image_copy_memory (t[0])))
    goto out;
  p = (guchar *) VIPS_IMAGE_ADDR (mem, 0, 0);
  for (int x = 0; x < w; x++)
    for (int k = 0; k < 2; k++)
      {
        int y = k ? h - 1 : 0;

        if (p[y * w + x] == 0 && vips_draw_flood (mem, glass, 1, x, y, "equal", TRUE, NULL))
          goto out;
      }
  for (int y = 0; y < h; y++)
    for (int k = 0; k < 2; k++)
      {
        int x = k ? w - 1 : 0;

        if (p[y * w + x] == 0 && vips_draw_flood (mem, glass, 1, x, y, "equal", TRUE, NULL))
          goto out;
      }
  if (vips_notequal_const1 (mem, &t[1], 128.0, NULL))
    goto out;
  out = vips_image_copy_memory (t[1]);

out:
  g_clear_object (&mem);
  g_object_unref (ctx);
  return out;
}

/* Ink at 150 dpi: darker than INK_RATIO of the local paper level (the
 * 50 dpi background map, interpolated) and on the paper (the 50 dpi mask).
 * One pass in C: as a chain of libvips operations (resize, compare, and)
 * this was the slowest step of the analysis. Returns 255 on ink as a
 * VipsImage, and the same as Leptonica 1 bpp (1 = ink) in @pix. */
static VipsImage *
ink_mask (VipsImage  *grey,
          VipsImage  *background,
          VipsImage  *paper,
          PIX       **pix)
{
  int w = vips_image_get_width (grey), h = vips_image_get_height (grey);
  int sw = vips_image_get_width (background), sh = vips_image_get_height (background);
  g_autoptr(VipsImage) bg = NULL;
  g_autoptr(VipsImage) bgf = NULL;
  g_autoptr(VipsImage) pm = vips_image_copy_memory (paper);
  guchar *out = g_malloc0 ((gsize) w * h);
  VipsImage *image;
  l_uint32 *data;
  int wpl;

  if (vips_cast_float (background, &bgf, NULL) || !(bg = vips_image_copy_memory (bgf)) || pm == NULL)
    {
      g_free (out);
      return NULL;
    }
  *pix = pixCreate (w, h, 1);
  data = pixGetData (*pix);
  wpl = pixGetWpl (*pix);
  for (int y = 0; y < h; y++)
    {
      const guchar *src = VIPS_IMAGE_ADDR (grey, 0, y);
      double fy = CLAMP ((y + 0.5) * sh / h - 0.5, 0.0, sh - 1.0);
      int y0 = (int) fy, y1 = MIN (y0 + 1, sh - 1);
      double dy = fy - y0;
      const float *b0 = (const float *) VIPS_IMAGE_ADDR (bg, 0, y0);
      const float *b1 = (const float *) VIPS_IMAGE_ADDR (bg, 0, y1);
      const guchar *prow = VIPS_IMAGE_ADDR (pm, 0, MIN ((int) ((y + 0.5) * sh / h), sh - 1));
      l_uint32 *line = data + y * wpl;
      guchar *dst = out + (gsize) y * w;

      for (int x = 0; x < w; x++)
        {
          double fx = CLAMP ((x + 0.5) * sw / w - 0.5, 0.0, sw - 1.0);
          int x0 = (int) fx, x1 = MIN (x0 + 1, sw - 1);
          double dx = fx - x0;
          double level = (b0[x0] * (1 - dx) + b0[x1] * dx) * (1 - dy) + (b1[x0] * (1 - dx) + b1[x1] * dx) * dy;

          if (src[x] < INK_RATIO * level && prow[MIN ((int) ((x + 0.5) * sw / w), sw - 1)])
            {
              dst[x] = 255;
              SET_DATA_BIT (line, x);
            }
        }
    }
  image = vips_image_new_from_memory_copy (out, (gsize) w * h, w, h, 1, VIPS_FORMAT_UCHAR);
  g_free (out);
  return image;
}

/* Skew of the text lines, ±MC_CLEANUP_MAX_SKEW, in either upright or
 * sideways orientation (the quarter turn is left to OSD). Returns the
 * anticlockwise angle of the page; 0 when there are too few lines. */
static double
find_skew (PIX *ink)
{
  l_float32 a0 = 0, c0 = 0, a90 = 0, c90 = 0;
  PIX *sideways;

  pixFindSkewSweepAndSearch (ink, &a0, &c0, 2, 1, MC_CLEANUP_MAX_SKEW, 0.5, 0.01);
  /* Upright text lines give a confidence of 5 or more; sideways pages
   * stay under 2 here, and only they need the second look. */
  if (c0 < 4.0)
    {
      sideways = pixRotate90 (ink, 1);
      pixFindSkewSweepAndSearch (sideways, &a90, &c90, 2, 1, MC_CLEANUP_MAX_SKEW, 0.5, 0.01);
      pixDestroy (&sideways);
    }
  g_debug ("skew upright %.3f (%.2f), sideways %.3f (%.2f)", a0, c0, a90, c90);
  /* Leptonica's angle is the anticlockwise turn that deskews, so the
   * page lies that far clockwise. On the sideways copy the sense is the
   * same, as quarter turns and small turns commute. Leptonica's own
   * threshold for a believable result is a confidence of 3. */
  if (MAX (c0, c90) < 3.0)
    return 0.0;
  return -(c0 >= c90 ? a0 : a90);
}

static VipsImage *
turn (VipsImage *in,
      double     scale,
      double     angle,
      int        rotate,
      double     background)
{
  VipsImage *a = NULL, *b = NULL;

  if (fabs (angle) >= 0.05)
    {
      VipsArrayDouble *bg = vips_array_double_newv (1, background);
      int status = vips_similarity (in, &a, "scale", scale, "angle", -angle,
                                    "interpolate", vips_interpolate_bilinear_static (),
                                    "background", bg, NULL);

      vips_area_unref (VIPS_AREA (bg));
      if (status)
        return NULL;
    }
  else if (scale < 0.999)
    {
      if (vips_resize (in, &a, scale, NULL))
        return NULL;
    }
  else
    a = g_object_ref (in);

  if (rotate == 0)
    return a;
  if (vips_rot (a, &b, rotate == 90 ? VIPS_ANGLE_D90 : rotate == 180 ? VIPS_ANGLE_D180 : VIPS_ANGLE_D270, NULL))
    b = NULL;
  g_object_unref (a);
  return b;
}

/* Bounding box of the pixels at or above @threshold in a one-band uchar
 * mask. A plain scan: vips_find_trim() filters the image first and costs
 * tens of milliseconds even at 150 dpi. FALSE when nothing is set. */
static gboolean
find_box (VipsImage *mask,
          double     threshold,
          int       *x,
          int       *y,
          int       *w,
          int       *h)
{
  g_autoptr(VipsImage) mem = vips_image_copy_memory (mask);
  int width, height, x0, y0, x1 = -1, y1 = -1;

  if (mem == NULL)
    return FALSE;
  width = vips_image_get_width (mem);
  height = vips_image_get_height (mem);
  x0 = width;
  y0 = height;
  for (int yy = 0; yy < height; yy++)
    {
      const guchar *row = VIPS_IMAGE_ADDR (mem, 0, yy);
      int first = -1, last = -1;

      for (int xx = 0; xx < width; xx++)
        if (row[xx] >= threshold)
          {
            if (first < 0)
              first = xx;
            last = xx;
          }
      if (first < 0)
        continue;
      x0 = MIN (x0, first);
      x1 = MAX (x1, last);
      y0 = MIN (y0, yy);
      y1 = yy;
    }
  if (x1 < 0)
    return FALSE;
  *x = x0;
  *y = y0;
  *w = x1 - x0 + 1;
  *h = y1 - y0 + 1;
  return TRUE;
}

static VipsImage *
crop_fraction (VipsImage      *in,
               const Geometry *g)
{
  VipsImage *out = NULL;
  int w = vips_image_get_width (in), h = vips_image_get_height (in);
  int x = CLAMP ((int) lround (g->cx * w), 0, w - 1);
  int y = CLAMP ((int) lround (g->cy * h), 0, h - 1);
  int cw = CLAMP ((int) lround (g->cw * w), 1, w - x);
  int ch = CLAMP ((int) lround (g->ch * h), 1, h - y);

  if (vips_extract_area (in, &out, x, y, cw, ch, NULL))
    return NULL;
  return out;
}

/* Colour that carries meaning: chroma (max − min of R, G, B) that
 * scanner noise on neutral or yellowed paper stays far below and a red seal
 * or blue ink far above, over more than COLOUR_FRACTION of the page. */
static gboolean
has_colour (VipsImage  *small,
            GError    **error)
{
  VipsObject *ctx = VIPS_OBJECT (vips_image_new ());
  VipsImage **t = (VipsImage **) vips_object_local_array (ctx, 8);
  double mean = 0;
  gboolean ok;

  ok = !(vips_extract_band (small, &t[0], 0, NULL) ||
         vips_extract_band (small, &t[1], 1, NULL) ||
         vips_extract_band (small, &t[2], 2, NULL) ||
         vips_bandrank (t, &t[3], 3, "index", 2, NULL) ||
         vips_bandrank (t, &t[4], 3, "index", 0, NULL) ||
         vips_subtract (t[3], t[4], &t[5], NULL) ||
         vips_moreeq_const1 (t[5], &t[6], COLOUR_CHROMA, NULL) ||
         vips_avg (t[6], &mean, NULL));
  g_object_unref (ctx);
  if (!ok)
    return vips_failed (error);
  g_debug ("colour %.4f", mean / 255.0);
  return mean / 255.0 >= COLOUR_FRACTION;
}

/* Smooth mid-tones: a photo or shading has grey areas whose 3 × 3
 * neighbourhood at 50 dpi varies little; text at that scale is grey too,
 * but always next to paper white. */
static gboolean
has_smooth_grey (VipsImage  *grey,
                 GError    **error)
{
  VipsObject *ctx = VIPS_OBJECT (vips_image_new ());
  VipsImage **t = (VipsImage **) vips_object_local_array (ctx, 8);
  double mean = 0;
  gboolean ok;

  ok = !(vips_rank (grey, &t[0], 3, 3, 8, NULL) ||   /* max */
         vips_rank (grey, &t[1], 3, 3, 0, NULL) ||   /* min */
         vips_subtract (t[0], t[1], &t[2], NULL) ||
         vips_less_const1 (t[2], &t[3], 40.0, NULL) ||
         vips_more_const1 (grey, &t[4], 55.0, NULL) ||
         vips_less_const1 (grey, &t[5], 195.0, NULL) ||
         vips_boolean (t[4], t[5], &t[6], VIPS_OPERATION_BOOLEAN_AND, NULL) ||
         vips_boolean (t[3], t[6], &t[7], VIPS_OPERATION_BOOLEAN_AND, NULL) ||
         vips_avg (t[7], &mean, NULL));
  g_object_unref (ctx);
  if (!ok)
    return vips_failed (error);
  g_debug ("smooth mid-tones %.4f", mean / 255.0);
  return mean / 255.0 >= GREY_FRACTION;
}

/* What OSD reads: the ink mask, black on white, turned back when the skew
 * is more than OSD tolerates, and cut to a band of about a third of the
 * page across the middle of the text. OSD's time grows with the number
 * of letters, and a third of a page of text is plenty to tell which way up
 * it stands. */
static VipsImage *
osd_input (VipsImage *ink_mask,
           double     angle)
{
  VipsObject *ctx = VIPS_OBJECT (vips_image_new ());
  VipsImage **t = (VipsImage **) vips_object_local_array (ctx, 4);
  VipsImage *x = ink_mask, *out = NULL;
  int w, h, bx, by, bw, bh, band;

  if (fabs (angle) >= 2.0)
    {
      if (!(t[0] = turn (x, 1.0, angle, 0, 0.0)) || !(t[1] = vips_image_copy_memory (t[0])))
        goto out;
      x = t[1];
    }
  w = vips_image_get_width (x);
  h = vips_image_get_height (x);
  if (!find_box (x, 128.0, &bx, &by, &bw, &bh) || bw < 8 || bh < 8)
    {
      bx = by = 0;
      bw = w;
      bh = h;
    }
  band = MIN (bh, MAX (h / 3, 64));
  by = CLAMP (by + bh / 2 - band / 2, 0, MAX (0, h - band));
  if (vips_extract_area (x, &t[2], 0, by, w, MIN (band, h - by), NULL) ||
      vips_invert (t[2], &t[3], NULL))
    goto out;
  out = vips_image_copy_memory (t[3]);
out:
  g_object_unref (ctx);
  return out;
}

/* Fraction of the page's inner area (4 % margins left out: punch holes,
 * edge shadows) covered by marks bigger than 0.5 mm. */
static double
ink_coverage (PIX       *ink,
              int        x0,
              int        y0,
              int        w,
              int        h,
              double     dpi)
{
  int mx = (int) (w * 0.04), my = (int) (h * 0.04);
  int min_size = MAX (2, (int) lround (0.5 / 25.4 * dpi));
  BOX *box = boxCreate (x0 + mx, y0 + my, w - 2 * mx, h - 2 * my);
  PIX *inner = pixClipRectangle (ink, box, NULL);
  PIX *big;
  l_int32 count = 0;
  double area = (double) (w - 2 * mx) * (h - 2 * my);

  boxDestroy (&box);
  if (inner == NULL)
    return 0.0;
  big = pixSelectBySize (inner, min_size, min_size, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GTE, NULL);
  if (big != NULL)
    pixCountPixels (big, &count, NULL);
  pixDestroy (&big);
  pixDestroy (&inner);
  return area > 0 ? count / area : 0.0;
}


/* G_MESSAGES_DEBUG=mc-cleanup prints how long each step took. */
/* One cleaning, stage by stage. Every intermediate image is owned by
 * @ctx and goes with it; each stage takes its own local array there. */
typedef struct {
  const McCleanupOptions *options;
  GCancellable           *cancellable;
  McCleanupResult        *result;
  VipsObject             *ctx;
  VipsImage              *work;        /* the page, 8-bit sRGB or grey */
  int                     dpi;
  gboolean                document;
  gboolean                colour;      /* colour worth keeping */
  VipsImage              *small;       /* 50 dpi, grey unless colour */
  VipsImage              *small_grey;  /* 50 dpi, grey */
  VipsImage              *mask;        /* 50 dpi: paper 255, glass 0 */
  VipsImage              *ana_ink;     /* 150 dpi ink mask (documents) */
  VipsImage              *background;  /* background map, output geometry */
  PIX                    *ink;
  Geometry                g;
  gint64                  stage_start;
} Cleaning;

static VipsImage **
stage_images (Cleaning *c,
              int       n)
{
  return (VipsImage **) vips_object_local_array (c->ctx, n);
}

static void
stage_done (Cleaning   *c,
            const char *name)
{
  gint64 now = g_get_monotonic_time ();

  g_debug ("%-12s %6.1f ms", name, (now - c->stage_start) / 1000.0);
  c->stage_start = now;
}

/* A 50 dpi copy first: whether the page has colour worth keeping decides
 * whether everything after works on one band or three. Without meaningful
 * colour, the page goes grey as early as the pipelines allow: after each
 * shrink, never as a full-size copy. */
static gboolean
clean_small_copy (Cleaning  *c,
                  GError   **error)
{
  VipsImage **t = stage_images (c, 6);
  GError *local_error = NULL;

  if (vips_shrink (c->work, &t[0], c->dpi / SMALL_DPI, c->dpi / SMALL_DPI, NULL) ||
      !(t[1] = vips_image_copy_memory (t[0])))
    return vips_failed (error);
  c->small = t[1];
  c->colour = vips_image_get_bands (c->work) == 3 && has_colour (c->small, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (!c->colour && vips_image_get_bands (c->small) == 3)
    {
      if (!(t[2] = grey_of (c->small)) || !(t[3] = vips_image_copy_memory (t[2])))
        return vips_failed (error);
      c->small = t[3];
    }
  if (!(t[4] = grey_of (c->small)) || !(t[5] = vips_image_copy_memory (t[4])))
    return vips_failed (error);
  c->small_grey = t[5];
  if (g_cancellable_set_error_if_cancelled (c->cancellable, error))
    return FALSE;
  stage_done (c, "small copy");
  return TRUE;
}

/* Paper and glass: the darkest of the four edges' medians (glass shows on
 * at least one side when the paper is smaller than the scan), the paper
 * mask, and the paper's colour per band for a white balance. */
static gboolean
clean_find_paper (Cleaning  *c,
                  GError   **error)
{
  VipsImage **t = stage_images (c, 3);
  VipsImage *grey = c->small_grey;
  int sw = vips_image_get_width (grey), sh = vips_image_get_height (grey);
  int ring = MAX (2, MIN (sw, sh) / 60);
  double border = 255.0;

  c->g.paper_level = percent (grey, 90);
  for (int i = 0; i < 4; i++)
    {
      g_autoptr(VipsImage) strip = NULL;
      int x = i == 3 ? sw - ring : 0, y = i == 1 ? sh - ring : 0;
      int ew = i < 2 ? sw : ring, eh = i < 2 ? ring : sh;

      if (vips_extract_area (grey, &strip, x, y, ew, eh, NULL))
        return vips_failed (error);
      border = MIN (border, percent (strip, 50));
    }
  c->g.glass_level = border;
  c->g.has_glass = c->g.paper_level - border > GLASS_CONTRAST;
  g_debug ("paper %.0f, darkest edge %.0f", c->g.paper_level, border);
  if (c->g.has_glass)
    {
      if (!(t[0] = paper_mask (grey, (c->g.paper_level + border) / 2.0)))
        return vips_failed (error);
    }
  else if (vips_black (&t[1], sw, sh, NULL) ||
           vips_linear1 (t[1], &t[2], 1.0, 255.0, NULL) ||
           vips_cast_uchar (t[2], &t[0], NULL))
    return vips_failed (error);
  c->mask = t[0];
  for (int b = 0; b < vips_image_get_bands (c->small); b++)
    {
      g_autoptr(VipsImage) band = NULL;

      if (vips_extract_band (c->small, &band, b, NULL))
        return vips_failed (error);
      c->g.paper[b] = MAX (percent (band, 90), 1.0);
    }
  return TRUE;
}

/* Documents: the ink mask at 150 dpi (darker than INK_RATIO of the local
 * paper, and on the paper), the skew, and whether the page is blank
 * (ink within the paper's bounding box). */
static gboolean
clean_find_ink (Cleaning  *c,
                double     blank_ink,
                double    *ana_dpi,
                GError   **error)
{
  VipsImage **t = stage_images (c, 5);
  double ana_scale = MIN (1.0, ANA_DPI / c->dpi);
  int aw, ah, px, py, pw, ph;

  *ana_dpi = c->dpi * ana_scale;
  /* The green band stands in for lightness here: black text, red seals
   * and blue ink are all dark in it, and it costs a third. */
  if (vips_image_get_bands (c->work) == 3)
    {
      if (vips_extract_band (c->work, &t[0], 1, NULL))
        return vips_failed (error);
    }
  else
    t[0] = g_object_ref (c->work);
  if (vips_shrink (t[0], &t[1], 1.0 / ana_scale, 1.0 / ana_scale, NULL) ||
      !(t[2] = vips_image_copy_memory (t[1])) ||
      !(t[3] = background_map (c->small_grey, c->g.paper_level)))
    return vips_failed (error);
  aw = vips_image_get_width (t[2]);
  ah = vips_image_get_height (t[2]);
  stage_done (c, "150 dpi copy");
  if (!(t[4] = ink_mask (t[2], t[3], c->mask, &c->ink)))
    return vips_failed (error);
  c->ana_ink = t[4];
  stage_done (c, "ink mask");

  c->g.angle = find_skew (c->ink);
  stage_done (c, "skew");

  if (find_box (c->mask, 128.0, &px, &py, &pw, &ph) && pw >= 4 && ph >= 4)
    {
      double fx = (double) aw / vips_image_get_width (c->mask);
      double fy = (double) ah / vips_image_get_height (c->mask);

      px = (int) (px * fx);
      py = (int) (py * fy);
      pw = MIN ((int) (pw * fx), aw - px);
      ph = MIN ((int) (ph * fy), ah - py);
    }
  else
    {
      px = py = 0;
      pw = aw;
      ph = ah;
    }
  c->result->ink = ink_coverage (c->ink, px, py, pw, ph, *ana_dpi);
  c->result->blank = c->result->ink < blank_ink && !c->colour;
  return !g_cancellable_set_error_if_cancelled (c->cancellable, error);
}

/* Orientation: a fixed turn the caller asked for, or OSD on the deskewed
 * ink mask, black on white (documents that are not blank). */
static gboolean
clean_orientation (Cleaning  *c,
                   double     ana_dpi,
                   GError   **error)
{
  const McCleanupOptions *options = c->options;
  g_autoptr(GError) osd_error = NULL;
  g_autoptr(VipsImage) upright = NULL;
  float confidence = 0;
  int rotate = 0;

  if (options->fixed_rotation)
    {
      c->g.rotate = ((options->rotation % 360) + 360) % 360 / 90 * 90;
      c->result->orientation_known = TRUE;
      return TRUE;
    }
  if (!c->document || options->orient == NULL || c->result->blank)
    return TRUE;
  if (!(upright = osd_input (c->ana_ink, c->g.angle)))
    return vips_failed (error);
  stage_done (c, "osd input");
  if (options->orient (upright, (int) lround (ana_dpi), &rotate, &confidence,
                       c->cancellable, &osd_error, options->orient_data))
    {
      g_debug ("orientation %d, confidence %.2f", rotate, confidence);
      if (confidence >= MIN_ORIENT_CONFIDENCE)
        {
          c->g.rotate = ((rotate % 360) + 360) % 360 / 90 * 90;
          c->result->orientation_known = TRUE;
        }
    }
  else if (g_error_matches (osd_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&osd_error));
      return FALSE;
    }
  else
    g_debug ("orientation unknown: %s", osd_error ? osd_error->message : "?");
  stage_done (c, "orientation");
  return TRUE;
}

/* The crop box, found on the turned paper mask; with a white lid, the
 * scanner's field, the same size as the scan. */
static gboolean
clean_crop_box (Cleaning  *c,
                GError   **error)
{
  VipsImage **t = stage_images (c, 1);
  Geometry *g = &c->g;
  int mw, mh, bx, by, bw, bh;

  if (!(t[0] = turn (c->mask, 1.0, g->angle, g->rotate, 0.0)))
    return vips_failed (error);
  mw = vips_image_get_width (t[0]);
  mh = vips_image_get_height (t[0]);
  if (g->has_glass)
    {
      int inset = (int) lround (1.0 / 25.4 * SMALL_DPI);   /* 1 mm: the paper's shadowed edge */

      if (!find_box (t[0], 128.0, &bx, &by, &bw, &bh) || bw < mw / 10 || bh < mh / 10)
        {
          /* Not a believable paper: keep the whole scan. */
          bx = by = 0;
          bw = mw;
          bh = mh;
        }
      else
        {
          bx += inset;
          by += inset;
          bw -= 2 * inset;
          bh -= 2 * inset;
          c->result->trimmed = TRUE;
        }
      g->cx = (double) bx / mw;
      g->cy = (double) by / mh;
      g->cw = (double) bw / mw;
      g->ch = (double) bh / mh;
    }
  else
    {
      gboolean sideways = g->rotate == 90 || g->rotate == 270;
      double sw = vips_image_get_width (c->mask), sh = vips_image_get_height (c->mask);
      double ow = sideways ? sh : sw, oh = sideways ? sw : sh;

      g->cw = MIN (1.0, ow / mw);
      g->ch = MIN (1.0, oh / mh);
      g->cx = (1.0 - g->cw) / 2.0;
      g->cy = (1.0 - g->ch) / 2.0;
    }
  return TRUE;
}

/* The background map in the output's geometry; on documents without
 * colour, the page's kind: line art unless smooth grey areas say
 * otherwise. */
static gboolean
clean_page_kind (Cleaning  *c,
                 GError   **error)
{
  VipsImage **t = stage_images (c, 7);
  Geometry *g = &c->g;
  GError *local_error = NULL;
  gboolean grey;

  if (!(t[0] = turn (c->small_grey, 1.0, g->angle, g->rotate, g->has_glass ? g->glass_level : g->paper_level)) ||
      !(t[1] = crop_fraction (t[0], g)) ||
      !(t[2] = vips_image_copy_memory (t[1])) ||
      !(t[3] = background_map (t[2], g->paper_level)))
    return vips_failed (error);
  c->background = t[3];
  if (c->colour)
    c->result->kind = MC_PAGE_KIND_COLOUR;
  else if (!c->document)
    c->result->kind = MC_PAGE_KIND_GREY;
  else
    {
      if (vips_divide (t[2], t[3], &t[4], NULL) ||
          vips_linear1 (t[4], &t[5], 255.0, 0.0, NULL) ||
          vips_cast_uchar (t[5], &t[6], NULL))
        return vips_failed (error);
      grey = has_smooth_grey (t[6], &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      c->result->kind = grey ? MC_PAGE_KIND_GREY : MC_PAGE_KIND_LINEART;
    }
  c->result->skew = g->angle;
  c->result->rotation = g->rotate;
  if (g_cancellable_set_error_if_cancelled (c->cancellable, error))
    return FALSE;
  stage_done (c, "kind");
  return TRUE;
}

/* The output, in one pass from the decoded page: grey before turning (the
 * resampling then works on one band), turned, cropped, and on documents
 * divided by the background, white-balanced and stretched:
 * out = (x / bg · 255 · wb − black) · 255 / range; line art thresholded. */
static gboolean
clean_write_output (Cleaning    *c,
                    int          out_dpi,
                    int          quality,
                    const char  *output_base,
                    GError     **error)
{
  VipsImage **t = stage_images (c, 8);
  McCleanupResult *result = c->result;
  Geometry *g = &c->g;
  double scale = (double) out_dpi / c->dpi;
  VipsImage *src = c->work;
  VipsImage *x;
  int ow, oh;

  if (!c->colour && vips_image_get_bands (c->work) == 3)
    {
      if (!(t[0] = grey_of (c->work)))
        return vips_failed (error);
      src = t[0];
    }
  if (!(t[1] = turn (src, scale, g->angle, g->rotate, g->has_glass ? g->glass_level : g->paper_level)) ||
      !(t[2] = crop_fraction (t[1], g)))
    return vips_failed (error);
  x = t[2];
  ow = vips_image_get_width (x);
  oh = vips_image_get_height (x);

  if (c->document)
    {
      int nb = vips_image_get_bands (x);
      double a[3], bias[3];
      double range = WHITE_POINT - BLACK_POINT;

      for (int b = 0; b < nb; b++)
        {
          double wb = nb == 1 ? 1.0 : g->paper_level / g->paper[b];

          a[b] = 255.0 * wb * 255.0 / range;
          bias[b] = -BLACK_POINT * 255.0 / range;
        }
      if (!(t[3] = resize_to (c->background, ow, oh, VIPS_KERNEL_LINEAR)) ||
          vips_divide (x, t[3], &t[4], NULL) ||
          vips_linear (t[4], &t[5], a, bias, nb, NULL) ||
          vips_cast_uchar (t[5], &t[6], NULL))
        return vips_failed (error);
      x = t[6];
      if (result->kind == MC_PAGE_KIND_LINEART)
        {
          if (vips_moreeq_const1 (x, &t[7], LINEART_THRESHOLD, NULL))
            return vips_failed (error);
          x = t[7];
        }
    }
  else
    quality = MAX (quality, 80);

  result->width = ow;
  result->height = oh;
  if (output_base != NULL && !(result->blank && !c->options->keep_blank))
    if (!mc_cleanup_save_output (x, result->kind, out_dpi, quality, output_base, &result->output, error))
      return FALSE;
  stage_done (c, "output");
  return TRUE;
}

McCleanupResult *
mc_cleanup_image (VipsImage              *image,
                  int                     dpi,
                  const char             *output_base,
                  const McCleanupOptions *options,
                  GCancellable           *cancellable,
                  GError                **error)
{
  static const McCleanupOptions defaults = { 0 };
  g_autoptr(McCleanupResult) result = g_new0 (McCleanupResult, 1);
  g_autoptr(VipsImage) work = NULL;
  Cleaning c = { 0 };
  gint64 start = g_get_monotonic_time ();
  int out_dpi, quality;
  double blank_ink, ana_dpi = 0;
  gboolean ok;

  if (options == NULL)
    options = &defaults;
  if (image == NULL)
    {
      g_set_error_literal (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_DAMAGED,
                           _("There is no page image to clean."));
      return NULL;
    }
  if (!mc_page_image_check (image, _("page"), error))
    return NULL;
  if (dpi <= 0)
    dpi = mc_page_image_get_dpi (image);
  if (dpi <= 0)
    dpi = MC_PAGE_IMAGE_DEFAULT_DPI;
  out_dpi = options->output_dpi > 0 ? options->output_dpi : MC_CLEANUP_DEFAULT_DPI;
  out_dpi = MIN (out_dpi, dpi);   /* never upscale */
  quality = options->jpeg_quality > 0 ? CLAMP (options->jpeg_quality, 10, 100) : MC_CLEANUP_DEFAULT_JPEG_QUALITY;
  blank_ink = options->blank_ink > 0 ? options->blank_ink : MC_CLEANUP_DEFAULT_BLANK_INK;

  if (!(work = to_working (image)))
    return (vips_failed (error), NULL);

  c.options = options;
  c.cancellable = cancellable;
  c.result = result;
  c.ctx = VIPS_OBJECT (vips_image_new ());
  c.work = work;
  c.dpi = dpi;
  c.document = options->profile == MC_CLEANUP_PROFILE_DOCUMENT;
  c.stage_start = start;

  ok = clean_small_copy (&c, error) &&
       clean_find_paper (&c, error) &&
       (!c.document || clean_find_ink (&c, blank_ink, &ana_dpi, error)) &&
       clean_orientation (&c, ana_dpi, error) &&
       clean_crop_box (&c, error) &&
       clean_page_kind (&c, error);
  result->dpi = out_dpi;
  ok = ok && clean_write_output (&c, out_dpi, quality, output_base, error);

  pixDestroy (&c.ink);
  g_object_unref (c.ctx);
  if (!ok)
    return NULL;
  result->seconds = (g_get_monotonic_time () - start) / 1e6;
  return g_steal_pointer (&result);
}
