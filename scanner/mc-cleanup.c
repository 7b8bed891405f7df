/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-cleanup"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <leptonica/allheaders.h>

#include "mc-cleanup.h"
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

void
mc_cleanup_result_free (McCleanupResult *result)
{
  if (result == NULL)
    return;
  g_free (result->output);
  g_free (result);
}

const char *
mc_page_kind_to_string (McPageKind kind)
{
  switch (kind)
    {
    case MC_PAGE_KIND_LINEART: return "lineart";
    case MC_PAGE_KIND_GREY: return "grey";
    case MC_PAGE_KIND_COLOUR: return "colour";
    default: return "unknown";
    }
}

const char *
mc_page_kind_to_label (McPageKind kind)
{
  switch (kind)
    {
    case MC_PAGE_KIND_LINEART: return _("black and white");
    case MC_PAGE_KIND_GREY: return _("grey");
    case MC_PAGE_KIND_COLOUR: return _("colour");
    default: return "?";
    }
}

static gboolean
vips_failed (GError    **error,
             const char *what)
{
  g_autofree char *detail = g_strdup (vips_error_buffer ());

  vips_error_clear ();
  g_strchomp (detail);
  g_set_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_DAMAGED,
               _("%s: the page could not be cleaned (%s)."), what, detail);
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

  if (vips_image_hasalpha (x))
    {
      if (vips_flatten (x, &t[0], "background", vips_array_double_newv (1, vips_image_get_format (x) == VIPS_FORMAT_USHORT ? 65535.0 : 255.0), NULL))
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

static VipsImage *
grey_of (VipsImage *in)
{
  VipsImage *out = NULL;

  if (vips_image_get_bands (in) == 1)
    return g_object_ref (in);
  if (vips_colourspace (in, &out, VIPS_INTERPRETATION_B_W, NULL))
    return NULL;
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

/* uchar 255/0 → Leptonica 1 bpp, 1 = ink. */
static PIX *
mask_to_pix (VipsImage *mask)
{
  int w = vips_image_get_width (mask), h = vips_image_get_height (mask);
  PIX *pix = pixCreate (w, h, 1);
  l_uint32 *data = pixGetData (pix);
  int wpl = pixGetWpl (pix);

  for (int y = 0; y < h; y++)
    {
      const guchar *row = VIPS_IMAGE_ADDR (mask, 0, y);
      l_uint32 *line = data + y * wpl;

      for (int x = 0; x < w; x++)
        if (row[x])
          SET_DATA_BIT (line, x);
    }
  return pix;
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
  sideways = pixRotate90 (ink, 1);
  pixFindSkewSweepAndSearch (sideways, &a90, &c90, 2, 1, MC_CLEANUP_MAX_SKEW, 0.5, 0.01);
  pixDestroy (&sideways);
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
      if (vips_similarity (in, &a, "scale", scale, "angle", -angle,
                           "interpolate", vips_interpolate_bilinear_static (),
                           "background", vips_array_double_newv (1, background), NULL))
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

typedef struct {
  McPageKind kind;
  double     ink;
} Analysis;

/* Kind of page, from the normalised small copy. */
static McPageKind
classify (VipsImage *norm_small,
          gboolean   colour_source,
          GError   **error)
{
  VipsObject *ctx = VIPS_OBJECT (vips_image_new ());
  VipsImage **t = (VipsImage **) vips_object_local_array (ctx, 14);
  McPageKind kind = MC_PAGE_KIND_LINEART;
  double mean;

  if (colour_source)
    {
      /* Chroma as max − min of R, G, B: scanner noise on neutral paper
       * stays far below it, a red seal or blue ink far above. */
      {
        VipsImage *bands[3];

        for (int i = 0; i < 3; i++)
          if (vips_extract_band (norm_small, &bands[i], i, NULL))
            goto failed;
        if (vips_bandrank (bands, &t[2], 3, "index", 2, NULL) ||  /* max */
            vips_bandrank (bands, &t[3], 3, "index", 0, NULL))    /* min */
          {
            for (int i = 0; i < 3; i++)
              g_object_unref (bands[i]);
            goto failed;
          }
        for (int i = 0; i < 3; i++)
          g_object_unref (bands[i]);
      }
      if (vips_subtract (t[2], t[3], &t[4], NULL) ||
          vips_moreeq_const1 (t[4], &t[5], COLOUR_CHROMA, NULL) ||
          vips_avg (t[5], &mean, NULL))
        goto failed;
      g_debug ("colour %.4f", mean / 255.0);
      if (mean / 255.0 >= COLOUR_FRACTION)
        {
          kind = MC_PAGE_KIND_COLOUR;
          goto done;
        }
    }

  /* Smooth mid-tones: a photo or shading has grey areas whose 3 × 3
   * neighbourhood at 50 dpi varies little; text at that scale is grey too,
   * but always next to paper-white. */
  {
    g_autoptr(VipsImage) grey = grey_of (norm_small);

    if (grey == NULL ||
        vips_rank (grey, &t[6], 3, 3, 8, NULL) ||   /* max */
        vips_rank (grey, &t[7], 3, 3, 0, NULL) ||   /* min */
        vips_subtract (t[6], t[7], &t[8], NULL) ||
        vips_less_const1 (t[8], &t[9], 40.0, NULL) ||
        vips_more_const1 (grey, &t[10], 55.0, NULL) ||
        vips_less_const1 (grey, &t[11], 195.0, NULL) ||
        vips_boolean (t[10], t[11], &t[12], VIPS_OPERATION_BOOLEAN_AND, NULL) ||
        vips_boolean (t[9], t[12], &t[13], VIPS_OPERATION_BOOLEAN_AND, NULL) ||
        vips_avg (t[13], &mean, NULL))
      goto failed;
    g_debug ("smooth mid-tones %.4f", mean / 255.0);
    if (mean / 255.0 >= GREY_FRACTION)
      kind = MC_PAGE_KIND_GREY;
  }

done:
  g_object_unref (ctx);
  return kind;

failed:
  g_object_unref (ctx);
  vips_failed (error, "classify");
  return (McPageKind) -1;
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

static gboolean
save_output (VipsImage   *out,
             McPageKind   kind,
             int          dpi,
             int          quality,
             const char  *base,
             char       **written,
             GError     **error)
{
  const char *ext = kind == MC_PAGE_KIND_LINEART ? ".tif" : ".jpg";
  g_autofree char *final = g_strconcat (base, ext, NULL);
  g_autofree char *tmp = g_strdup_printf ("%s.%u.part", final, g_random_int ());
  double ppm = dpi / 25.4;
  int status;

  if (kind == MC_PAGE_KIND_LINEART)
    status = vips_tiffsave (out, tmp, "compression", VIPS_FOREIGN_TIFF_COMPRESSION_CCITTFAX4,
                            "bitdepth", 1, "miniswhite", TRUE, "xres", ppm, "yres", ppm,
                            "resunit", VIPS_FOREIGN_TIFF_RESUNIT_INCH, "strip", TRUE, NULL);
  else
    {
      out->Xres = out->Yres = ppm;
      status = vips_jpegsave (out, tmp, "Q", quality, "optimize_coding", TRUE,
                              "strip", TRUE, NULL);
    }
  if (status != 0)
    {
      g_autofree char *name = g_filename_display_name (final);

      vips_error_clear ();
      g_unlink (tmp);
      g_set_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_WRITE,
                   _("The cleaned page could not be saved as %s. Check that the folder exists and the disk is not full."),
                   name);
      return FALSE;
    }
  if (g_rename (tmp, final) != 0)
    {
      int saved = errno;
      g_autofree char *name = g_filename_display_name (final);

      g_unlink (tmp);
      g_set_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_WRITE,
                   _("The cleaned page could not be saved as %s: %s"), name, g_strerror (saved));
      return FALSE;
    }
  *written = g_steal_pointer (&final);
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
  VipsObject *ctx = NULL;
  VipsImage **t;
  Geometry g = { 0 };
  gint64 start = g_get_monotonic_time ();
  gboolean colour, document;
  int out_dpi, quality;
  double blank_ink;
  PIX *ink = NULL;

  if (options == NULL)
    options = &defaults;
  document = options->profile == MC_CLEANUP_PROFILE_DOCUMENT;
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
    return (vips_failed (error, _("page")), NULL);
  colour = vips_image_get_bands (work) == 3;

  ctx = VIPS_OBJECT (vips_image_new ());
  t = (VipsImage **) vips_object_local_array (ctx, 41);

  /* The two small copies. */
  {
    double ana_scale = MIN (1.0, ANA_DPI / dpi);
    double ana_dpi = dpi * ana_scale;

    if (vips_resize (work, &t[0], ana_scale, NULL) ||
        !(t[1] = vips_image_copy_memory (t[0])) ||
        vips_resize (t[1], &t[2], SMALL_DPI / ana_dpi, NULL) ||
        !(t[3] = vips_image_copy_memory (t[2])) ||   /* small, colour or grey */
        !(t[4] = grey_of (t[3])) ||
        !(t[5] = vips_image_copy_memory (t[4])))     /* small grey */
      goto vips_error;
  }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto failed;

  /* Paper and glass. */
  {
    VipsImage *sg = t[5];
    int sw = vips_image_get_width (sg), sh = vips_image_get_height (sg);
    int ring = MAX (2, MIN (sw, sh) / 60);
    double border = 255.0;

    /* The darkest of the four edges' medians: glass shows on at least one
     * side when the paper is smaller than the scan. */
    g.paper_level = percent (sg, 90);
    for (int i = 0; i < 4; i++)
      {
        g_autoptr(VipsImage) strip = NULL;
        int x = i == 3 ? sw - ring : 0, y = i == 1 ? sh - ring : 0;
        int ew = i < 2 ? sw : ring, eh = i < 2 ? ring : sh;

        if (vips_extract_area (sg, &strip, x, y, ew, eh, NULL))
          goto vips_error;
        border = MIN (border, percent (strip, 50));
      }
    g.glass_level = border;
    g.has_glass = g.paper_level - border > GLASS_CONTRAST;
    g_debug ("paper %.0f border %.0f", g.paper_level, border);
    if (g.has_glass)
      {
        if (!(t[7] = paper_mask (sg, (g.paper_level + border) / 2.0)))
          goto vips_error;
      }
    else
      {
        if (vips_black (&t[8], sw, sh, NULL) ||
            vips_linear1 (t[8], &t[9], 1.0, 255.0, NULL) ||
            vips_cast_uchar (t[9], &t[7], NULL))
          goto vips_error;
      }
    /* Paper colour, per band, for a white balance. */
    for (int b = 0; b < vips_image_get_bands (t[3]); b++)
      {
        g_autoptr(VipsImage) band = NULL;

        if (vips_extract_band (t[3], &band, b, NULL))
          goto vips_error;
        g.paper[b] = MAX (percent (band, 90), 1.0);
      }
  }

  if (document)
    {
      VipsImage *ana = t[1];
      int aw = vips_image_get_width (ana), ah = vips_image_get_height (ana);
      double ana_dpi = dpi * MIN (1.0, ANA_DPI / dpi);
      int px, py, pw, ph;

      /* Ink mask at 150 dpi: darker than INK_RATIO of the local paper,
       * and on the paper (the glass is not ink). */
      if (!(t[10] = grey_of (ana)) ||
          !(t[11] = background_map (t[5], g.paper_level)) ||
          !(t[12] = resize_to (t[11], aw, ah, VIPS_KERNEL_LINEAR)) ||
          vips_linear1 (t[12], &t[13], INK_RATIO, 0.0, NULL) ||
          vips_less (t[10], t[13], &t[14], NULL) ||
          !(t[15] = resize_to (t[7], aw, ah, VIPS_KERNEL_NEAREST)) ||
          vips_boolean (t[14], t[15], &t[16], VIPS_OPERATION_BOOLEAN_AND, NULL) ||
          !(t[17] = vips_image_copy_memory (t[16])))
        goto vips_error;
      ink = mask_to_pix (t[17]);

      g.angle = find_skew (ink);

      /* Blank: within the paper's bounding box. */
      if (vips_find_trim (t[15], &px, &py, &pw, &ph, "background", vips_array_double_newv (1, 0.0),
                          "threshold", 10.0, NULL))
        goto vips_error;
      if (pw < 8 || ph < 8)
        {
          px = py = 0;
          pw = aw;
          ph = ah;
        }
      result->ink = ink_coverage (ink, px, py, pw, ph, ana_dpi);
      result->blank = result->ink < blank_ink;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto failed;

      /* Orientation, on the normalised, deskewed 150 dpi copy. */
      if (options->orient != NULL && !result->blank)
        {
          g_autoptr(GError) local = NULL;
          float confidence = 0;
          int rotate = 0;

          if (vips_divide (t[10], t[12], &t[18], NULL) ||
              vips_linear1 (t[18], &t[19], 255.0, 0.0, NULL) ||
              !(t[40] = vips_image_new_from_image1 (t[19], 255.0)) ||
              vips_ifthenelse (t[15], t[19], t[40], &t[20], NULL) ||
              !(t[21] = turn (t[20], 1.0, g.angle, 0, 255.0)) ||
              vips_cast_uchar (t[21], &t[22], NULL) ||
              !(t[23] = vips_image_copy_memory (t[22])))
            goto vips_error;
          if (options->orient (t[23], (int) lround (ana_dpi), &rotate, &confidence,
                               cancellable, &local, options->orient_data))
            {
              g.rotate = ((rotate % 360) + 360) % 360 / 90 * 90;
              result->orientation_known = TRUE;
            }
          else if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              goto failed;
            }
          else
            g_debug ("orientation unknown: %s", local ? local->message : "?");
        }
    }

  /* Crop box, found on the turned paper mask. */
  {
    int mw, mh, bx, by, bw, bh;

    if (!(t[24] = turn (t[7], 1.0, g.angle, g.rotate, 0.0)))
      goto vips_error;
    mw = vips_image_get_width (t[24]);
    mh = vips_image_get_height (t[24]);
    if (g.has_glass)
      {
        double inset = 1.0 / 25.4 * SMALL_DPI;   /* 1 mm: the paper's shadowed edge */

        if (vips_find_trim (t[24], &bx, &by, &bw, &bh, "background", vips_array_double_newv (1, 0.0),
                            "threshold", 128.0, NULL))
          goto vips_error;
        if (bw < mw / 10 || bh < mh / 10)
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
            result->trimmed = TRUE;
          }
        g.cx = (double) bx / mw;
        g.cy = (double) by / mh;
        g.cw = (double) bw / mw;
        g.ch = (double) bh / mh;
      }
    else
      {
        /* White lid: keep the scanner's field, the same size as the scan. */
        gboolean sideways = g.rotate == 90 || g.rotate == 270;
        double sw = vips_image_get_width (t[3]), sh = vips_image_get_height (t[3]);
        double ow = sideways ? sh : sw, oh = sideways ? sw : sh;

        g.cw = MIN (1.0, ow / mw);
        g.ch = MIN (1.0, oh / mh);
        g.cx = (1.0 - g.cw) / 2.0;
        g.cy = (1.0 - g.ch) / 2.0;
      }
  }

  /* Normalised small copy, in the output's geometry: for the kind, and
   * whose background map scales up for the output. */
  {
    double wb[3];
    int nb = vips_image_get_bands (t[3]);
    double paper_lum = g.paper_level;

    for (int b = 0; b < nb; b++)
      wb[b] = nb == 1 ? 1.0 : paper_lum / g.paper[b];
    if (!(t[25] = turn (t[3], 1.0, g.angle, g.rotate, g.has_glass ? g.glass_level : g.paper_level)) ||
        !(t[26] = crop_fraction (t[25], &g)) ||
        !(t[27] = vips_image_copy_memory (t[26])) ||
        !(t[28] = grey_of (t[27])) ||
        !(t[29] = background_map (t[28], g.paper_level)))
      goto vips_error;

    if (document)
      {
        McPageKind kind;

        if (vips_divide (t[27], t[29], &t[30], NULL) ||
            vips_linear (t[30], &t[31], (double[]) { 255.0 * wb[0], 255.0 * wb[1], 255.0 * wb[2] },
                         (double[]) { 0.0, 0.0, 0.0 }, nb, NULL) ||
            vips_cast_uchar (t[31], &t[32], NULL))
          goto vips_error;
        kind = classify (t[32], colour, error);
        if ((int) kind < 0)
          goto failed;
        result->kind = kind;
      }
    else
      result->kind = colour ? MC_PAGE_KIND_COLOUR : MC_PAGE_KIND_GREY;
    if (result->kind == MC_PAGE_KIND_COLOUR)
      result->blank = FALSE;
  }

  result->skew = g.angle;
  result->rotation = g.rotate;
  result->dpi = out_dpi;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto failed;

  /* The output, in one pass from the decoded page. */
  {
    double scale = (double) out_dpi / dpi;
    VipsImage *x;
    int ow, oh;

    if (!(t[33] = turn (work, scale, g.angle, g.rotate, g.has_glass ? g.glass_level : g.paper_level)) ||
        !(t[34] = crop_fraction (t[33], &g)))
      goto vips_error;
    x = t[34];
    ow = vips_image_get_width (x);
    oh = vips_image_get_height (x);

    if (document)
      {
        int nb = vips_image_get_bands (x);
        double a[3], bias[3];
        double range = WHITE_POINT - BLACK_POINT;

        /* out = (x / bg · 255 · wb − black) · 255 / range */
        for (int b = 0; b < nb; b++)
          {
            double wb = nb == 1 ? 1.0 : g.paper_level / g.paper[b];

            a[b] = 255.0 * wb * 255.0 / range;
            bias[b] = -BLACK_POINT * 255.0 / range;
          }
        if (!(t[35] = resize_to (t[29], ow, oh, VIPS_KERNEL_LINEAR)) ||
            vips_divide (x, t[35], &t[36], NULL) ||
            vips_linear (t[36], &t[37], a, bias, nb, NULL) ||
            vips_cast_uchar (t[37], &t[38], NULL))
          goto vips_error;
        x = t[38];
        if (result->kind != MC_PAGE_KIND_COLOUR && nb == 3)
          {
            if (!(t[39] = grey_of (x)))
              goto vips_error;
            x = t[39];
          }
        if (result->kind == MC_PAGE_KIND_LINEART)
          {
            VipsImage *bw = NULL;

            if (vips_moreeq_const1 (x, &bw, LINEART_THRESHOLD, NULL))
              goto vips_error;
            vips_object_local (ctx, bw);
            x = bw;
          }
      }
    else
      quality = MAX (quality, 80);

    result->width = ow;
    result->height = oh;
    if (output_base != NULL && !(result->blank && !options->keep_blank))
      if (!save_output (x, result->kind, out_dpi, quality, output_base, &result->output, error))
        goto failed;
  }

  pixDestroy (&ink);
  g_object_unref (ctx);
  result->seconds = (g_get_monotonic_time () - start) / 1e6;
  return g_steal_pointer (&result);

vips_error:
  vips_failed (error, _("page"));
failed:
  pixDestroy (&ink);
  g_clear_object (&ctx);
  return NULL;
}

McCleanupResult *
mc_cleanup_file (const char             *path,
                 int                     dpi,
                 const char             *output_base,
                 const McCleanupOptions *options,
                 GCancellable           *cancellable,
                 GError                **error)
{
  g_autoptr(VipsImage) image = mc_page_image_load (path, &dpi, error);
  g_autofree char *name = NULL;
  GError *local = NULL;
  McCleanupResult *result;

  if (image == NULL)
    return NULL;
  result = mc_cleanup_image (image, dpi, output_base, options, cancellable, &local);
  if (result == NULL && local != NULL && local->domain == MC_PAGE_IMAGE_ERROR)
    {
      /* Name the file the clerk knows, not "page". */
      name = g_filename_display_basename (path);
      g_prefix_error (&local, "%s: ", name);
    }
  if (local != NULL)
    g_propagate_error (error, local);
  return result;
}

/* The workers. */

typedef struct {
  char             *path;
  VipsImage        *image;
  int               dpi;
  char             *output_base;
  McCleanupOptions  options;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->path);
  g_clear_object (&job->image);
  g_free (job->output_base);
  g_free (job);
}

static void
worker (gpointer data,
        gpointer user_data)
{
  GTask *task = data;
  Job *job = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  McCleanupResult *result;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (job->image != NULL)
    result = mc_cleanup_image (job->image, job->dpi, job->output_base, &job->options, cancellable, &error);
  else
    result = mc_cleanup_file (job->path, job->dpi, job->output_base, &job->options, cancellable, &error);
  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) mc_cleanup_result_free);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

static GThreadPool *
get_pool (void)
{
  static GThreadPool *pool;
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      pool = g_thread_pool_new (worker, NULL, (int) g_get_num_processors (), FALSE, NULL);
      g_once_init_leave (&initialized, 1);
    }
  return pool;
}

static void
submit (Job                 *job,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, submit);
  g_task_set_task_data (task, job, job_free);
  g_thread_pool_push (get_pool (), task, NULL);
}

void
mc_cleanup_file_async (const char             *path,
                       int                     dpi,
                       const char             *output_base,
                       const McCleanupOptions *options,
                       GCancellable           *cancellable,
                       GAsyncReadyCallback     callback,
                       gpointer                user_data)
{
  Job *job = g_new0 (Job, 1);

  job->path = g_strdup (path);
  job->dpi = dpi;
  job->output_base = g_strdup (output_base);
  if (options != NULL)
    job->options = *options;
  submit (job, cancellable, callback, user_data);
}

void
mc_cleanup_image_async (VipsImage              *image,
                        int                     dpi,
                        const char             *output_base,
                        const McCleanupOptions *options,
                        GCancellable           *cancellable,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  Job *job = g_new0 (Job, 1);

  job->image = image ? g_object_ref (image) : NULL;
  job->dpi = dpi;
  job->output_base = g_strdup (output_base);
  if (options != NULL)
    job->options = *options;
  submit (job, cancellable, callback, user_data);
}

McCleanupResult *
mc_cleanup_finish (GAsyncResult  *result,
                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == submit, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
