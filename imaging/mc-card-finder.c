/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-card-finder"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mc-card-anchors.h"
#include "mc-card-finder-private.h"
#include "mc-card-straighten.h"
#include "mc-vips.h"

/* Finding ID cards on a scan of the glass.
 *
 * Works on a copy at about 100 dpi: the background is what the border of
 * the image shows (the scanner lid, or the desk under a photographed card);
 * everything that cannot be reached from the border through background-like
 * pixels is an object, so a card whose tint is close to the lid still comes
 * out whole as long as its edge (its shadow on a scan) closes around it.
 * Each object's minimum-area rectangle (rotating calipers over its convex
 * hull) must have a card's proportions (1.586) and, when the resolution is
 * known, a card's size; two cards that touch come out as one object of twice
 * the size and are cut in half. When nothing stands out by its colour (a
 * pale card on a pale lid), the objects are what the border cannot reach
 * without crossing an edge, a step brighter than the lid's own grain. A
 * card pushed off the glass runs into the image's border: that flood does
 * not start from the stretch of border inside it, and an object with a
 * card's height and a short length there (or the reverse) is taken as a
 * card cut by the edge and made whole across the border, flagged as cut.
 * A photo (an image that states no resolution) is first split into
 * smooth regions parted by every edge, and a card is a region closed by
 * its rim with print on it (mc-card-finder-quad.c): framed by its four
 * corners, it is cut out with one perspective warp, enlarged or shrunk to
 * the crop's size. What that misses, the ways above still look for; on a
 * photo's table or cloth, a card is also framed by its pale face. Each
 * other card is then cut out of the full image, levelled by its text lines
 * (mc-card-straighten.c),
 * with one affine transform to 1012 × 638 (300 dpi) and turned upright by
 * its layout: the MRZ band belongs at the bottom of the back, text stands
 * with its accents above the line. Where no outline closed round any card
 * (a pale card on pale paper, glare across its rim), what is printed on
 * it still frames it: its QR code's finder patterns (mc-card-anchors.c). */

#define WORK_PPM 4.0              /* pixels per mm of the working copy */
#define WORK_LONG_SIDE 1000.0     /* …when the resolution is unknown */
#define MAX_INPUT_PIXELS (300.0 * 1000 * 1000)

G_DEFINE_QUARK (mc-card-finder-error-quark, mc_card_finder_error)

McCardCrop *
mc_card_crop_copy (const McCardCrop *crop)
{
  McCardCrop *copy = g_new (McCardCrop, 1);

  *copy = *crop;
  if (copy->image != NULL)
    g_object_ref (copy->image);
  return copy;
}

void
mc_card_crop_free (McCardCrop *crop)
{
  if (crop == NULL)
    return;
  g_clear_object (&crop->image);
  g_free (crop);
}

/* Turns the crop upside down: the image, and the corners with it. */
void
mc_card_crop_rotate_180 (McCardCrop *crop)
{
  VipsImage *rotated = NULL;
  double q[8];

  g_return_if_fail (crop != NULL && crop->image != NULL);

  if (vips_rot (crop->image, &rotated, VIPS_ANGLE_D180, NULL) != 0)
    {
      vips_error_clear ();
      return;
    }
  g_object_unref (crop->image);
  crop->image = rotated;
  memcpy (q, crop->quad, sizeof q);
  for (int i = 0; i < 4; i++)
    {
      crop->quad[2 * i] = q[2 * ((i + 2) % 4)];
      crop->quad[2 * i + 1] = q[2 * ((i + 2) % 4) + 1];
    }
  crop->angle = crop->angle > 0 ? crop->angle - 180 : crop->angle + 180;
}

static gboolean
vips_failed (GError **error)
{
  g_set_error (error, MC_CARD_FINDER_ERROR, MC_CARD_FINDER_ERROR_BAD_IMAGE,
               _("The image could not be processed: %s"), vips_error_buffer ());
  vips_error_clear ();
  return FALSE;
}

/* Any input as 8-bit sRGB, alpha flattened on white. */
static VipsImage *
to_srgb8 (VipsImage  *in,
          GError    **error)
{
  g_autoptr(VipsImage) a = NULL;
  g_autoptr(VipsImage) b = NULL;
  g_autoptr(VipsImage) c = NULL;
  VipsImage *out = NULL;

  if (vips_colourspace (in, &a, VIPS_INTERPRETATION_sRGB, NULL) != 0)
    return vips_failed (error), NULL;
  if (vips_image_hasalpha (a))
    {
      double white[] = { 255.0 };
      /* Arrays passed as options are the caller's to unref. */
      VipsArrayDouble *background = vips_array_double_new (white, 1);
      int status = vips_flatten (a, &b, "background", background,
                                 "max_alpha", vips_image_get_format (a) == VIPS_FORMAT_USHORT ? 65535.0 : 255.0,
                                 NULL);

      vips_area_unref (VIPS_AREA (background));
      if (status != 0)
        return vips_failed (error), NULL;
    }
  else
    b = g_object_ref (a);
  if (vips_cast_uchar (b, &c, NULL) != 0)
    return vips_failed (error), NULL;
  if (vips_image_get_bands (c) > 3)
    {
      if (vips_extract_band (c, &out, 0, "n", 3, NULL) != 0)
        return vips_failed (error), NULL;
    }
  else if (vips_image_get_bands (c) < 3)
    {
      /* Grey scans after sRGB conversion are already 3 bands; anything
       * else odd is replicated. */
      VipsImage *bands[3] = { c, c, c };

      if (vips_bandjoin (bands, &out, 3, NULL) != 0)
        return vips_failed (error), NULL;
    }
  else
    out = g_object_ref (c);
  return out;
}

/* The input's resolution from its header, or 0 when it does not say (or
 * says the meaningless 72 dpi that photos carry). */
static double
image_dpi (VipsImage *image)
{
  double dpi = vips_image_get_xres (image) * 25.4;

  return (dpi >= 100 && dpi <= 1300) ? dpi : 0;
}

int
mc_card_finder_median_of_histogram (const guint *hist,
                                    guint        n)
{
  guint acc = 0;

  for (int i = 0; i < 256; i++)
    {
      acc += hist[i];
      if (acc * 2 >= n)
        return i;
    }
  return 255;
}

/* --------------------------------------------------- cutting the cards */

/* Cuts @r (full-resolution pixels) out of @srgb to the crop size with one
 * affine transform; very large inputs are shrunk first, so the transform
 * never has to drop more than a few pixels in a row. */
static VipsImage *
extract_card (VipsImage    *srgb,
              const Rect   *r,
              const double  lid[3],
              GError      **error)
{
  g_autoptr(VipsImage) region = NULL;
  g_autoptr(VipsImage) shrunk = NULL;
  g_autoptr(VipsImage) out = NULL;
  VipsInterpolate *interp = NULL;
  VipsArrayInt *oarea = NULL;
  VipsArrayDouble *background = NULL;
  VipsImage *src = srgb;
  int status;
  double kx = MC_CARD_CROP_WIDTH / r->w, ky = MC_CARD_CROP_HEIGHT / r->h;
  double cx = r->cx, cy = r->cy;
  double cs = cos (r->angle), sn = sin (r->angle);

  if (kx < 0.9)
    {
      /* Only the card's surroundings, then a proper downsampling. */
      double half = hypot (r->w, r->h) / 2 + 8;
      int left = MAX (0, (int) floor (cx - half));
      int top = MAX (0, (int) floor (cy - half));
      int right = MIN (vips_image_get_width (srgb), (int) ceil (cx + half));
      int bottom = MIN (vips_image_get_height (srgb), (int) ceil (cy + half));
      double s = MIN (1.0, kx * 1.25);

      if (right - left < 2 || bottom - top < 2 ||
          vips_extract_area (srgb, &region, left, top, right - left, bottom - top, NULL) != 0 ||
          vips_resize (region, &shrunk, s, NULL) != 0)
        return vips_failed (error), NULL;
      src = shrunk;
      cx = (cx - left) * s;
      cy = (cy - top) * s;
      kx /= s;
      ky /= s;
    }

  interp = vips_interpolate_new ("bicubic");
  oarea = vips_array_int_newv (4, 0, 0, MC_CARD_CROP_WIDTH, MC_CARD_CROP_HEIGHT);
  /* What lay off the glass of a cut card is shown in the lid's colour, not
   * as the image's last pixels smeared across it. */
  if (r->cut)
    {
      background = vips_array_double_new (lid, 3);
      status = vips_affine (src, &out,
                            kx * cs, kx * sn, -ky * sn, ky * cs,
                            "interpolate", interp,
                            "oarea", oarea,
                            "odx", MC_CARD_CROP_WIDTH / 2.0 - kx * (cx * cs + cy * sn),
                            "ody", MC_CARD_CROP_HEIGHT / 2.0 - ky * (-cx * sn + cy * cs),
                            "extend", VIPS_EXTEND_BACKGROUND,
                            "background", background,
                            NULL);
      vips_area_unref (VIPS_AREA (background));
    }
  else
    status = vips_affine (src, &out,
                          kx * cs, kx * sn, -ky * sn, ky * cs,
                          "interpolate", interp,
                          "oarea", oarea,
                          "odx", MC_CARD_CROP_WIDTH / 2.0 - kx * (cx * cs + cy * sn),
                          "ody", MC_CARD_CROP_HEIGHT / 2.0 - ky * (-cx * sn + cy * cs),
                          "extend", VIPS_EXTEND_COPY,
                          NULL);
  g_object_unref (interp);
  vips_area_unref (VIPS_AREA (oarea));
  if (status != 0)
    return vips_failed (error), NULL;

  /* Render now: the crop outlives the caller's source image. */
  {
    VipsImage *mem = vips_image_copy_memory (out);

    if (mem == NULL)
      return vips_failed (error), NULL;
    return mem;
  }
}

/* Cuts the quadrilateral @quad (full-resolution pixels: the corners that
 * become the crop's top-left, top-right, bottom-right and bottom-left) out
 * of @srgb to the crop size with one perspective warp, bicubic: a small
 * card is enlarged smoothly, a large one shrunk first as extract_card()
 * does. */
static VipsImage *
extract_quad (VipsImage     *srgb,
              const double   quad_in[8],
              GError       **error)
{
  g_autoptr(VipsImage) region = NULL;
  g_autoptr(VipsImage) shrunk = NULL;
  g_autoptr(VipsImage) index = NULL;
  g_autoptr(VipsImage) out = NULL;
  g_autofree float *map = NULL;
  VipsInterpolate *interp;
  VipsImage *src = srgb;
  double q[8], len = 0, x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  double dx1, dx2, dx3, dy1, dy2, dy3, a, b, c, d, e, f, g = 0, k = 0;
  int status;

  memcpy (q, quad_in, sizeof q);
  for (int i = 0; i < 4; i++)
    {
      len = MAX (len, hypot (q[2 * ((i + 1) % 4)] - q[2 * i], q[2 * ((i + 1) % 4) + 1] - q[2 * i + 1]));
      x0 = MIN (x0, q[2 * i]);
      x1 = MAX (x1, q[2 * i]);
      y0 = MIN (y0, q[2 * i + 1]);
      y1 = MAX (y1, q[2 * i + 1]);
    }
  if (len > 1.25 * MC_CARD_CROP_WIDTH)
    {
      int left = MAX (0, (int) floor (x0) - 8), top = MAX (0, (int) floor (y0) - 8);
      int right = MIN (vips_image_get_width (srgb), (int) ceil (x1) + 8);
      int bottom = MIN (vips_image_get_height (srgb), (int) ceil (y1) + 8);
      double s = 1.25 * MC_CARD_CROP_WIDTH / len;

      if (right - left < 2 || bottom - top < 2 ||
          vips_extract_area (srgb, &region, left, top, right - left, bottom - top, NULL) != 0 ||
          vips_resize (region, &shrunk, s, NULL) != 0)
        return vips_failed (error), NULL;
      src = shrunk;
      for (int i = 0; i < 4; i++)
        {
          q[2 * i] = (q[2 * i] - left) * s;
          q[2 * i + 1] = (q[2 * i + 1] - top) * s;
        }
    }

  /* The unit square onto the quadrilateral (Heckbert's closed form). */
  dx1 = q[2] - q[4];
  dx2 = q[6] - q[4];
  dx3 = q[0] - q[2] + q[4] - q[6];
  dy1 = q[3] - q[5];
  dy2 = q[7] - q[5];
  dy3 = q[1] - q[3] + q[5] - q[7];
  if (fabs (dx3) > 1e-9 || fabs (dy3) > 1e-9)
    {
      double den = dx1 * dy2 - dx2 * dy1;

      if (fabs (den) < 1e-9)
        {
          g_set_error_literal (error, MC_CARD_FINDER_ERROR, MC_CARD_FINDER_ERROR_NO_CARD,
                               _("No ID card was found in the image. Place the card flat on the glass, away from the edges, and scan again."));
          return NULL;
        }
      g = (dx3 * dy2 - dx2 * dy3) / den;
      k = (dx1 * dy3 - dx3 * dy1) / den;
    }
  a = q[2] - q[0] + g * q[2];
  b = q[6] - q[0] + k * q[6];
  c = q[0];
  d = q[3] - q[1] + g * q[3];
  e = q[7] - q[1] + k * q[7];
  f = q[1];

  map = g_new (float, (gsize) MC_CARD_CROP_WIDTH * MC_CARD_CROP_HEIGHT * 2);
  for (int y = 0; y < MC_CARD_CROP_HEIGHT; y++)
    for (int x = 0; x < MC_CARD_CROP_WIDTH; x++)
      {
        double u = (x + 0.5) / MC_CARD_CROP_WIDTH, v = (y + 0.5) / MC_CARD_CROP_HEIGHT;
        double wgt = g * u + k * v + 1;
        float *m = map + 2 * ((gsize) y * MC_CARD_CROP_WIDTH + x);

        /* libvips samples a pixel at its top-left corner. */
        m[0] = (float) ((a * u + b * v + c) / wgt - 0.5);
        m[1] = (float) ((d * u + e * v + f) / wgt - 0.5);
      }
  index = vips_image_new_from_memory (map, (gsize) MC_CARD_CROP_WIDTH * MC_CARD_CROP_HEIGHT * 2 * sizeof (float),
                                      MC_CARD_CROP_WIDTH, MC_CARD_CROP_HEIGHT, 2, VIPS_FORMAT_FLOAT);
  if (index == NULL)
    return vips_failed (error), NULL;
  interp = vips_interpolate_new ("bicubic");
  status = vips_mapim (src, &out, index, "interpolate", interp, NULL);
  g_object_unref (interp);
  if (status != 0)
    return vips_failed (error), NULL;
  {
    VipsImage *mem = vips_image_copy_memory (out);

    if (mem == NULL)
      return vips_failed (error), NULL;
    return mem;
  }
}

static McCardCrop *
make_crop (VipsImage    *srgb,
           const Rect   *r,
           const double  lid[3],
           guint         source,
           double        scale_to_full,
           double        input_dpi,
           GError      **error)
{
  g_autoptr(McCardCrop) crop = g_new0 (McCardCrop, 1);
  Rect full = *r;
  double cs, sn;

  full.cx = (r->cx) / scale_to_full;
  full.cy = (r->cy) / scale_to_full;
  full.w = r->w / scale_to_full;
  full.h = r->h / scale_to_full;
  cs = cos (full.angle);
  sn = sin (full.angle);

  if (!(crop->image = extract_card (srgb, &full, lid, error)))
    return NULL;
  mc_card_crop_straighten (&crop->image);
  crop->source = source;
  crop->cut = r->cut;
  crop->dpi = input_dpi > 0 ? input_dpi : full.w / CARD_W_MM * 25.4;
  crop->angle = full.angle * 180 / G_PI;
  for (int i = 0; i < 4; i++)
    {
      static const int su[4] = { -1, 1, 1, -1 }, sv[4] = { -1, -1, 1, 1 };
      double u = su[i] * full.w / 2, v = sv[i] * full.h / 2;

      crop->quad[2 * i] = full.cx + u * cs - v * sn;
      crop->quad[2 * i + 1] = full.cy + u * sn + v * cs;
    }
  mc_card_finder_orient_crop (crop);
  return g_steal_pointer (&crop);
}

/* A card framed by its four corners in a photo (@c in the working copy's
 * pixels). */
static McCardCrop *
make_quad_crop (VipsImage       *srgb,
                const CardQuad  *c,
                guint            source,
                double           scale_to_full,
                GError         **error)
{
  g_autoptr(McCardCrop) crop = g_new0 (McCardCrop, 1);
  double top_len, bottom_len;

  for (int i = 0; i < 8; i++)
    crop->quad[i] = c->quad[i] / scale_to_full;
  if (!(crop->image = extract_quad (srgb, crop->quad, error)))
    return NULL;
  mc_card_crop_straighten (&crop->image);
  crop->source = source;
  top_len = hypot (crop->quad[2] - crop->quad[0], crop->quad[3] - crop->quad[1]);
  bottom_len = hypot (crop->quad[4] - crop->quad[6], crop->quad[5] - crop->quad[7]);
  crop->dpi = (top_len + bottom_len) / 2 / CARD_W_MM * 25.4;
  crop->angle = atan2 (crop->quad[3] - crop->quad[1], crop->quad[2] - crop->quad[0]) * 180 / G_PI;
  mc_card_finder_orient_crop (crop);
  return g_steal_pointer (&crop);
}

static double
quad_area (const double q[8])
{
  double a = 0;

  for (int i = 0; i < 4; i++)
    a += q[2 * i] * q[2 * ((i + 1) % 4) + 1] - q[2 * ((i + 1) % 4)] * q[2 * i + 1];
  return fabs (a) / 2;
}

/* A card framed by what is printed on it (mc-card-anchors.c): @frame's
 * corners stand in the card's upright order, so the crop is upright. */
static McCardCrop *
make_anchor_crop (VipsImage               *srgb,
                  const McCardAnchorFrame *frame,
                  guint                    source,
                  GError                 **error)
{
  g_autoptr(McCardCrop) crop = g_new0 (McCardCrop, 1);
  gboolean bottom, top;
  double top_len, bottom_len;

  memcpy (crop->quad, frame->quad, sizeof crop->quad);
  if (!(crop->image = extract_quad (srgb, crop->quad, error)))
    return NULL;
  crop->source = source;
  top_len = hypot (crop->quad[2] - crop->quad[0], crop->quad[3] - crop->quad[1]);
  bottom_len = hypot (crop->quad[4] - crop->quad[6], crop->quad[5] - crop->quad[7]);
  crop->dpi = (top_len + bottom_len) / 2 / CARD_W_MM * 25.4;
  crop->angle = atan2 (crop->quad[3] - crop->quad[1], crop->quad[2] - crop->quad[0]) * 180 / G_PI;
  crop->side = frame->side;
  crop->upright_known = TRUE;
  mc_card_crop_find_mrz (crop->image, &bottom, &top);
  crop->mrz_band = bottom && !top;
  if (crop->mrz_band)
    crop->side = MC_CARD_SIDE_BACK;
  return g_steal_pointer (&crop);
}

/* The whole input is one side of a card (a crop from elsewhere). */
static McCardCrop *
whole_image_crop (VipsImage  *srgb,
                  guint       source,
                  GError    **error)
{
  g_autoptr(McCardCrop) crop = g_new0 (McCardCrop, 1);
  g_autoptr(VipsImage) resized = NULL;
  int w = vips_image_get_width (srgb), h = vips_image_get_height (srgb);
  VipsImage *src = srgb;
  g_autoptr(VipsImage) turned = NULL;

  if (h > w)
    {
      if (vips_rot (srgb, &turned, VIPS_ANGLE_D90, NULL) != 0)
        return vips_failed (error), NULL;
      src = turned;
      w = vips_image_get_width (src);
      h = vips_image_get_height (src);
    }
  if (vips_resize (src, &resized, (double) MC_CARD_CROP_WIDTH / w,
                   "vscale", (double) MC_CARD_CROP_HEIGHT / h, NULL) != 0)
    return vips_failed (error), NULL;
  if (!(crop->image = vips_image_copy_memory (resized)))
    return vips_failed (error), NULL;
  mc_card_crop_straighten (&crop->image);
  crop->source = source;
  crop->whole_image = TRUE;
  crop->dpi = w / CARD_W_MM * 25.4;
  crop->angle = turned ? 90 : 0;
  {
    int W = vips_image_get_width (srgb), H = vips_image_get_height (srgb);
    double q0[8] = { 0, 0, W, 0, W, H, 0, H };
    double q90[8] = { 0, H, 0, 0, W, 0, W, H };

    memcpy (crop->quad, turned ? q90 : q0, sizeof crop->quad);
  }
  mc_card_finder_orient_crop (crop);
  return g_steal_pointer (&crop);
}

/* Objects of @blobs that no card was taken from and that lie outside the
 * cards, at least @min_area pixels each: their bounding box joins @box. */
static void
add_unframed (GArray      *blobs,
              GArray      *cards,
              double       min_area,
              VipsRect    *box)
{
  for (guint i = 0; blobs != NULL && i < blobs->len; i++)
    {
      const Blob *b = &g_array_index (blobs, Blob, i);
      double bx = (b->x0 + b->x1 + 1) / 2.0, by = (b->y0 + b->y1 + 1) / 2.0;
      gboolean on_card = FALSE;
      VipsRect r = { b->x0, b->y0, b->x1 - b->x0 + 1, b->y1 - b->y0 + 1 };

      if (b->taken || b->area < min_area)
        continue;
      for (guint k = 0; k < cards->len && !on_card; k++)
        {
          const Rect *c = &g_array_index (cards, Rect, k);
          double dx = bx - c->cx, dy = by - c->cy;
          double u = dx * cos (c->angle) + dy * sin (c->angle);
          double v = -dx * sin (c->angle) + dy * cos (c->angle);

          on_card = fabs (u) <= c->w / 2 && fabs (v) <= c->h / 2;
        }
      if (on_card)
        continue;
      if (vips_rect_isempty (box))
        *box = r;
      else
        vips_rect_unionrect (box, &r, box);
    }
}

/* The working copy of @srgb (@w × @h, @dpi or 0 when unknown) in @work,
 * at about WORK_PPM pixels per mm; @scale: its real scale. */
static gboolean
make_work (VipsImage  *srgb,
           double      dpi,
           int         w,
           int         h,
           Work       *work,
           double     *scale,
           GError    **error)
{
  g_autoptr(VipsImage) small = NULL;
  size_t size;

  *scale = dpi > 0 ? WORK_PPM * 25.4 / dpi : WORK_LONG_SIDE / MAX (w, h);
  *scale = MIN (*scale, 1.0);
  if (vips_resize (srgb, &small, *scale, NULL) != 0)
    return vips_failed (error);
  work->w = vips_image_get_width (small);
  work->h = vips_image_get_height (small);
  /* The working copy's real scale, after rounding to whole pixels. */
  *scale = (double) work->w / w;
  work->ppm = dpi > 0 ? *scale * dpi / 25.4 : 0;
  work->rgb = vips_image_write_to_memory (small, &size);
  if (work->rgb == NULL || size != (size_t) work->w * work->h * 3)
    {
      g_clear_pointer (&work->rgb, g_free);
      return vips_failed (error);
    }
  return TRUE;
}

/* Fewer cards stood out from the lid by their colour than may lie
 * there: by their edge, then (a pale back beside a coloured front).
 * A card both ways find is kept once. The objects found by colour move
 * from @blobs to @colour_blobs; @blobs gets those found by edge. */
static void
add_cards_by_edge (Work     *work,
                   double    ppm,
                   GArray   *cards,
                   GArray  **blobs,
                   GArray  **colour_blobs)
{
  g_autoptr(GArray) by_edge = NULL;

  *colour_blobs = g_steal_pointer (blobs);
  mc_card_finder_build_edge_mask (work);
  mc_card_finder_open_mask (work);
  *blobs = mc_card_finder_find_blobs (work, 0.01 * work->w * work->h);
  by_edge = mc_card_finder_pick_cards (*blobs, ppm, work->w, work->h,
                                       cards->len > 0 ? g_array_index (cards, Rect, 0).h : 0, TRUE);
  for (guint i = 0; i < by_edge->len; i++)
    {
      const Rect *e = &g_array_index (by_edge, Rect, i);
      gboolean known = FALSE;

      for (guint k = 0; k < cards->len && !known; k++)
        {
          const Rect *c = &g_array_index (cards, Rect, k);

          known = hypot (e->cx - c->cx, e->cy - c->cy) < 0.5 * MIN (c->h, e->h);
        }
      if (!known)
        g_array_append_val (cards, *e);
    }
  g_array_sort (cards, mc_card_finder_compare_blob_area);
}

/* Nothing stands out from a lid on a picture that states no
 * resolution: a photo, perhaps, of a card on a table. By the card's
 * pale face; @w × @h: the input's size. */
static void
find_cards_by_face (Work     *work,
                    double    ppm,
                    int       w,
                    int       h,
                    GArray  **blobs,
                    GArray  **cards)
{
  double aspect;

  g_clear_pointer (blobs, g_array_unref);
  g_clear_pointer (cards, g_array_unref);
  mc_card_finder_build_pale_mask (work);
  mc_card_finder_open_mask (work);
  *blobs = mc_card_finder_find_blobs (work, 0.01 * work->w * work->h);
  /* No pairs: a card in a pale sleeve is a wider pale object, and
   * must not come out as two halves. */
  *cards = mc_card_finder_pick_cards (*blobs, ppm, work->w, work->h, 0, FALSE);
  /* A face that fills a card-shaped picture: the picture is the card
   * (a crop), framed more surely by its own edges below. */
  aspect = (double) MAX (w, h) / MIN (w, h);
  if ((*cards)->len > 0 && aspect >= 1.45 && aspect <= 1.72 &&
      g_array_index (*cards, Rect, 0).w * g_array_index (*cards, Rect, 0).h > 0.5 * work->w * work->h)
    g_array_set_size (*cards, 0);
}

/* Drops from @cards those a card of @faces (framed by its outline,
 * may be NULL) already holds, or that hold one; then appends the faces'
 * rectangles, so that what they framed counts as framed. Returns how many
 * of @cards are left before those. */
static guint
drop_framed (GArray *cards,
             GArray *faces)
{
  guint left;

  for (guint i = 0; faces != NULL && i < cards->len; i++)
    {
      const Rect *c = &g_array_index (cards, Rect, i);
      gboolean framed = FALSE;

      for (guint k = 0; k < faces->len && !framed; k++)
        {
          const Rect *f = &g_array_index (faces, CardQuad, k).rect;

          framed = hypot (c->cx - f->cx, c->cy - f->cy) < 0.5 * MAX (c->h, f->h);
        }
      if (framed)
        g_array_remove_index (cards, i--);
    }
  left = cards->len;
  for (guint k = 0; faces != NULL && k < faces->len; k++)
    g_array_append_val (cards, g_array_index (faces, CardQuad, k).rect);
  return left;
}

/* Fewer cards framed than the glass may hold, beside objects that were
 * not taken as cards: where those lie, a card may still be read without
 * its frame. Worth it from a good part of a card's area. */
static void
note_unframed (GArray   *cards,
               GArray   *blobs,
               GArray   *colour_blobs,
               double    ppm,
               guint     max_cards,
               VipsRect *rest)
{
  const Rect *c;
  double card_area;

  if (cards->len == 0 || cards->len >= max_cards)
    return;
  c = &g_array_index (cards, Rect, 0);
  card_area = ppm > 0 ? CARD_W_MM * CARD_H_MM * ppm * ppm : c->w * c->h;
  add_unframed (colour_blobs, cards, 0.4 * card_area, rest);
  add_unframed (blobs, cards, 0.4 * card_area, rest);
}

/* A photo (no resolution stated): the cards framed by their outline,
 * cut out along their four corners into @crops (up to @max_cards). The
 * outlines found, or NULL on error. */
static GArray *
frame_faces (const Work   *work,
             VipsImage    *srgb,
             guint         source,
             double        scale,
             guint         max_cards,
             GPtrArray    *crops,
             GError      **error)
{
  g_autoptr(GArray) faces = mc_card_finder_find_faces (work);

  for (guint i = 0; i < faces->len && crops->len < max_cards; i++)
    {
      McCardCrop *crop = make_quad_crop (srgb, &g_array_index (faces, CardQuad, i), source, scale, error);

      if (crop == NULL)
        return NULL;
      g_ptr_array_add (crops, crop);
    }
  return g_steal_pointer (&faces);
}

/* @rest (working-copy pixels) in the input's pixels, @margin round it,
 * within the @w × @h input. */
static void
to_input_rect (const VipsRect *rest,
               double          margin,
               double          scale,
               int             w,
               int             h,
               VipsRect       *out)
{
  VipsRect all = { 0, 0, w, h };

  out->left = (int) floor ((rest->left - margin) / scale);
  out->top = (int) floor ((rest->top - margin) / scale);
  out->width = (int) ceil ((rest->width + 2 * margin) / scale);
  out->height = (int) ceil ((rest->height + 2 * margin) / scale);
  vips_rect_intersectrect (out, &all, out);
}

GPtrArray *
mc_card_finder_find (VipsImage     *image,
                     guint          source,
                     guint          max_cards,
                     GCancellable  *cancellable,
                     GError       **error)
{
  return mc_card_finder_find_full (image, source, max_cards, NULL, cancellable, error);
}

/* The frames the anchors in @srgb vote for, up to @max_cards of them,
 * appended to @crops; an image of a card's shape that a frame nearly
 * fills is left to be cut out whole. */
static gboolean
add_anchor_crops (VipsImage  *srgb,
                  double      dpi,
                  guint       source,
                  guint       max_cards,
                  GPtrArray  *crops,
                  GError    **error)
{
  g_autoptr(GArray) frames = mc_card_anchors_find (srgb, dpi, error);
  int w = vips_image_get_width (srgb), h = vips_image_get_height (srgb);
  double aspect = (double) MAX (w, h) / MIN (w, h);

  if (frames == NULL)
    return FALSE;
  for (guint i = 0; i < frames->len && crops->len < max_cards; i++)
    {
      const McCardAnchorFrame *frame = &g_array_index (frames, McCardAnchorFrame, i);
      McCardCrop *crop;

      if (aspect >= 1.45 && aspect <= 1.72 && quad_area (frame->quad) >= 0.6 * w * h)
        continue;
      if (!(crop = make_anchor_crop (srgb, frame, source, error)))
        return FALSE;
      g_ptr_array_add (crops, crop);
    }
  return TRUE;
}

GPtrArray *
mc_card_finder_find_by_print (VipsImage     *image,
                              guint          source,
                              guint          max_cards,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GPtrArray) crops = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_card_crop_free);
  g_autoptr(VipsImage) srgb = NULL;
  int w, h;

  g_return_val_if_fail (VIPS_IS_IMAGE (image), NULL);

  w = vips_image_get_width (image);
  h = vips_image_get_height (image);
  if (w < 32 || h < 32 || (double) w * h > MAX_INPUT_PIXELS)
    return g_steal_pointer (&crops);
  if (!(srgb = to_srgb8 (image, error)))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (!add_anchor_crops (srgb, image_dpi (image), source, max_cards == 0 ? 2 : max_cards, crops, error))
    return NULL;
  return g_steal_pointer (&crops);
}

GPtrArray *
mc_card_finder_find_full (VipsImage     *image,
                          guint          source,
                          guint          max_cards,
                          VipsRect      *unframed,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GPtrArray) crops = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_card_crop_free);
  g_autoptr(VipsImage) srgb = NULL;
  g_autoptr(GArray) blobs = NULL;
  g_autoptr(GArray) colour_blobs = NULL;
  g_autoptr(GArray) cards = NULL;
  g_autoptr(GArray) faces = NULL;
  guint n_cards;
  VipsRect rest = { 0, 0, 0, 0 };
  Work work = { 0 };
  double dpi, scale, ppm, aspect, lid[3];
  int w, h;

  g_return_val_if_fail (VIPS_IS_IMAGE (image), NULL);

  if (unframed != NULL)
    *unframed = rest;
  w = vips_image_get_width (image);
  h = vips_image_get_height (image);
  if (w < 32 || h < 32)
    {
      g_set_error_literal (error, MC_CARD_FINDER_ERROR, MC_CARD_FINDER_ERROR_BAD_IMAGE,
                           _("The image is too small to show an ID card."));
      return NULL;
    }
  if ((double) w * h > MAX_INPUT_PIXELS)
    {
      g_set_error_literal (error, MC_CARD_FINDER_ERROR, MC_CARD_FINDER_ERROR_BAD_IMAGE,
                           _("The image is too large. Scan the glass at 600 dpi or less."));
      return NULL;
    }
  if (max_cards == 0)
    max_cards = 2;

  if (!(srgb = to_srgb8 (image, error)))
    return NULL;
  dpi = image_dpi (image);
  if (!make_work (srgb, dpi, w, h, &work, &scale, error))
    return NULL;
  ppm = work.ppm;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_free (work.rgb);
      return NULL;
    }

  /* A photo (no resolution stated): by the card's outline first; the
   * other ways then look for what it did not frame (a card cut by the
   * photo's edge, one whose outline never closed). The margin round what
   * is left unframed: 3 mm, or 1 % of a photo. */
  if (ppm <= 0)
    {
      if (!(faces = frame_faces (&work, srgb, source, scale, max_cards, crops, error)))
        {
          g_free (work.rgb);
          return NULL;
        }
      if (crops->len >= max_cards)
        {
          g_free (work.rgb);
          return g_steal_pointer (&crops);
        }
    }

  mc_card_finder_build_mask (&work);
  mc_card_finder_open_mask (&work);
  blobs = mc_card_finder_find_blobs (&work, 0.01 * work.w * work.h);
  cards = mc_card_finder_pick_cards (blobs, ppm, work.w, work.h, 0, TRUE);
  if (cards->len + crops->len < max_cards)
    add_cards_by_edge (&work, ppm, cards, &blobs, &colour_blobs);
  n_cards = drop_framed (cards, faces);
  note_unframed (cards, blobs, colour_blobs, ppm, max_cards, &rest);
  g_array_set_size (cards, n_cards);
  if (cards->len == 0 && crops->len == 0 && ppm <= 0)
    find_cards_by_face (&work, ppm, w, h, &blobs, &cards);
  g_free (work.rgb);
  g_free (work.mask);
  for (int c = 0; c < 3; c++)
    lid[c] = work.bg[c];

  for (guint i = 0; i < cards->len && crops->len < max_cards; i++)
    {
      McCardCrop *crop;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (!(crop = make_crop (srgb, &g_array_index (cards, Rect, i), lid, source, scale, dpi, error)))
        return NULL;
      g_ptr_array_add (crops, crop);
    }

  if (unframed != NULL && !vips_rect_isempty (&rest) && crops->len > 0)
    to_input_rect (&rest, ppm > 0 ? 3 * ppm : 0.01 * MAX (work.w, work.h), scale, w, h, unframed);

  aspect = (double) MAX (w, h) / MIN (w, h);
  /* No outline closed round a card (glare across its rim, a pale card on
   * pale paper, a sleeve, a small or blurred card): what is printed on it
   * still frames it. */
  if (crops->len == 0 && !add_anchor_crops (srgb, dpi, source, max_cards, crops, error))
    return NULL;

  /* Nothing on a background: perhaps the image is the card itself. */
  if (crops->len == 0 && aspect >= 1.45 && aspect <= 1.72)
    {
      McCardCrop *crop = whole_image_crop (srgb, source, error);

      if (crop == NULL)
        return NULL;
      g_ptr_array_add (crops, crop);
    }

  if (crops->len == 0)
    {
      g_set_error_literal (error, MC_CARD_FINDER_ERROR, MC_CARD_FINDER_ERROR_NO_CARD,
                           _("No ID card was found in the image. Place the card flat on the glass, away from the edges, and scan again."));
      return NULL;
    }
  return g_steal_pointer (&crops);
}
