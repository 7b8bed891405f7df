/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-mrz-find"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "mc-id-error.h"
#include "mc-mrz-find-private.h"
#include "mc-vips.h"

/* The ink of an image cut into character-sized blobs, for mc-mrz-find.c:
 * on a working copy at about 150 dpi, the pixels clearly darker than their
 * neighbourhood, 8-connected; each blob with its centre, its extent along
 * eight directions (a size that does not depend on the angle) and its
 * moments up to the third (which way a '<' opens). */

#define WORK_DPI 150.0
#define WORK_MAX_SIDE 1600.0   /* working copy of an image of unknown resolution */
#define WORK_MIN_SIDE 800.0

static double dir_cos[MC_MRZ_N_DIRS], dir_sin[MC_MRZ_N_DIRS];

/* @image as 8-bit grey with white behind any transparency. */
VipsImage *
mc_mrz_grey (VipsImage  *image,
             GError    **error)
{
  VipsImage *u8 = NULL;

  if (mc_vips_grey8 (image, &u8) != 0)
    return mc_id_error_from_vips (error), NULL;
  return u8;
}

/* How much to scale @image by for a working copy at about 150 dpi: by its
 * header when it states a resolution, otherwise by its size. */
static double
working_scale (VipsImage *image)
{
  double dpi = vips_image_get_xres (image) * 25.4;
  int long_side = MAX (vips_image_get_width (image), vips_image_get_height (image));

  if (dpi >= 100 && dpi <= 1300)
    return MIN (1.0, WORK_DPI / dpi);
  if (long_side > WORK_MAX_SIDE)
    return WORK_MAX_SIDE / long_side;
  if (long_side < WORK_MIN_SIDE)
    return MIN (2.0, WORK_MIN_SIDE / long_side);
  return 1.0;
}

/* Ink: clearly darker than the mean of its neighbourhood (about two
 * characters across), so a lighting gradient, a pale card or a dark lid
 * leave only print. */
static guchar *
ink_mask (const guchar *grey,
          int           w,
          int           h,
          int           radius)
{
  g_autofree guint64 *sum = g_new0 (guint64, (gsize) (w + 1) * (h + 1));
  guchar *ink = g_malloc0 ((gsize) w * h);

  for (int y = 0; y < h; y++)
    {
      guint64 row = 0;

      for (int x = 0; x < w; x++)
        {
          row += grey[(gsize) y * w + x];
          sum[(gsize) (y + 1) * (w + 1) + x + 1] = sum[(gsize) y * (w + 1) + x + 1] + row;
        }
    }
  for (int y = 0; y < h; y++)
    {
      int y0 = MAX (0, y - radius), y1 = MIN (h, y + radius + 1);

      for (int x = 0; x < w; x++)
        {
          int x0 = MAX (0, x - radius), x1 = MIN (w, x + radius + 1);
          guint64 s = sum[(gsize) y1 * (w + 1) + x1] - sum[(gsize) y0 * (w + 1) + x1] -
                      sum[(gsize) y1 * (w + 1) + x0] + sum[(gsize) y0 * (w + 1) + x0];
          guint64 area = (guint64) (x1 - x0) * (y1 - y0);
          guint64 p = grey[(gsize) y * w + x];

          /* p + 14 < mean and p < 0.82 × mean, in integers. */
          ink[(gsize) y * w + x] = (p + 14) * area < s && p * area * 100 < 82 * s;
        }
    }
  return ink;
}

/* The connected blobs of @ink (8-connected) of a character's size: their
 * centres and their extents along MC_MRZ_N_DIRS directions. */
static GArray *
find_glyphs (const guchar *ink,
             int           w,
             int           h,
             double        max_size)
{
  GArray *glyphs = g_array_new (FALSE, FALSE, sizeof (McMrzGlyph));
  gsize n = (gsize) w * h;
  g_autofree guchar *seen = g_malloc0 (n);
  g_autofree guint *stack = g_new (guint, n);

  for (gsize start = 0; start < n; start++)
    {
      double lo[MC_MRZ_N_DIRS], hi[MC_MRZ_N_DIRS], sx = 0, sy = 0;
      double sxx = 0, sxy = 0, syy = 0, sxxx = 0, sxxy = 0, sxyy = 0, syyy = 0, mx, my;
      int x0 = start % w, y0 = start / w;
      gsize top = 0, area = 0;
      McMrzGlyph g;

      if (!ink[start] || seen[start])
        continue;
      for (int d = 0; d < MC_MRZ_N_DIRS; d++)
        {
          lo[d] = G_MAXDOUBLE;
          hi[d] = -G_MAXDOUBLE;
        }
      seen[start] = 1;
      stack[top++] = start;
      while (top > 0)
        {
          guint i = stack[--top];
          int x = i % w, y = i / w;

          area++;
          {
            /* Moments about the first pixel keep the sums small. */
            double X = x - x0, Y = y - y0;

            sx += X;
            sy += Y;
            sxx += X * X;
            sxy += X * Y;
            syy += Y * Y;
            sxxx += X * X * X;
            sxxy += X * X * Y;
            sxyy += X * Y * Y;
            syyy += Y * Y * Y;
          }
          for (int d = 0; d < MC_MRZ_N_DIRS; d++)
            {
              double p = x * dir_cos[d] + y * dir_sin[d];

              lo[d] = MIN (lo[d], p);
              hi[d] = MAX (hi[d], p);
            }
          for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
              {
                int nx = x + dx, ny = y + dy;
                guint j;

                if (nx < 0 || ny < 0 || nx >= w || ny >= h)
                  continue;
                j = ny * w + nx;
                if (ink[j] && !seen[j])
                  {
                    seen[j] = 1;
                    stack[top++] = j;
                  }
              }
        }
      g.size = 0;
      for (int d = 0; d < MC_MRZ_N_DIRS; d++)
        {
          g.ext[d] = hi[d] - lo[d] + 1;
          g.size = MAX (g.size, g.ext[d]);
        }
      if (area < 6 || g.size < MC_MRZ_MIN_GLYPH || g.size > max_size)
        continue;
      mx = sx / area;
      my = sy / area;
      g.cx = x0 + mx;
      g.cy = y0 + my;
      g.n = area;
      g.m20 = sxx / area - mx * mx;
      g.m11 = sxy / area - mx * my;
      g.m02 = syy / area - my * my;
      g.m30 = sxxx / area - 3 * mx * sxx / area + 2 * mx * mx * mx;
      g.m03 = syyy / area - 3 * my * syy / area + 2 * my * my * my;
      g.m21 = sxxy / area - 2 * mx * sxy / area - my * sxx / area + 2 * mx * mx * my;
      g.m12 = sxyy / area - 2 * my * sxy / area - mx * syy / area + 2 * mx * my * my;
      g_array_append_val (glyphs, g);
    }
  return glyphs;
}

static void
index_glyphs (McMrzGlyphs *ctx)
{
  int n_cells;
  g_autofree int *fill = NULL;

  ctx->gw = ctx->w / ctx->cell + 1;
  ctx->gh = ctx->h / ctx->cell + 1;
  n_cells = ctx->gw * ctx->gh;
  ctx->cell_start = g_new0 (int, n_cells + 1);
  ctx->cell_glyphs = g_new (int, MAX (ctx->n_glyphs, 1));
  fill = g_new0 (int, n_cells);
  for (int i = 0; i < ctx->n_glyphs; i++)
    ctx->cell_start[(int) (ctx->glyphs[i].cy / ctx->cell) * ctx->gw + (int) (ctx->glyphs[i].cx / ctx->cell) + 1]++;
  for (int c = 0; c < n_cells; c++)
    ctx->cell_start[c + 1] += ctx->cell_start[c];
  for (int i = 0; i < ctx->n_glyphs; i++)
    {
      int c = (int) (ctx->glyphs[i].cy / ctx->cell) * ctx->gw + (int) (ctx->glyphs[i].cx / ctx->cell);

      ctx->cell_glyphs[ctx->cell_start[c] + fill[c]++] = i;
    }
}

gboolean
mc_mrz_similar_size (double a,
                     double b)
{
  /* A filler '<' is about half a letter's size. */
  return a < 2.3 * b && b < 2.3 * a;
}

/* The glyph nearest to (@x, @y) within @radius whose size is like @size,
 * or -1. */
int
mc_mrz_glyph_near (const McMrzGlyphs *ctx,
                   double             x,
                   double             y,
                   double             radius,
                   double             size)
{
  int best = -1;
  double best_d2 = radius * radius;
  int cx0 = MAX (0, (int) ((x - radius) / ctx->cell)), cx1 = MIN (ctx->gw - 1, (int) ((x + radius) / ctx->cell));
  int cy0 = MAX (0, (int) ((y - radius) / ctx->cell)), cy1 = MIN (ctx->gh - 1, (int) ((y + radius) / ctx->cell));

  if (x < -radius || y < -radius || x > ctx->w + radius || y > ctx->h + radius)
    return -1;
  for (int cy = cy0; cy <= cy1; cy++)
    for (int cx = cx0; cx <= cx1; cx++)
      {
        int c = cy * ctx->gw + cx;

        for (int k = ctx->cell_start[c]; k < ctx->cell_start[c + 1]; k++)
          {
            int i = ctx->cell_glyphs[k];
            const McMrzGlyph *g = &ctx->glyphs[i];
            double d2 = (g->cx - x) * (g->cx - x) + (g->cy - y) * (g->cy - y);

            if (d2 < best_d2 && !ctx->in_line[i] && mc_mrz_similar_size (g->size, size))
              {
                best_d2 = d2;
                best = i;
              }
          }
      }
  return best;
}

/* Up to three like-sized glyphs near @i, ahead of it (one half-plane, so
 * each direction is tried from one end only), nearest first. */
int
mc_mrz_glyph_neighbours (const McMrzGlyphs *ctx,
                         int                i,
                         int                near[3])
{
  const McMrzGlyph *s = &ctx->glyphs[i];
  double radius = 2.4 * s->size, dist[3];
  int n = 0;
  int cx0 = MAX (0, (int) ((s->cx - radius) / ctx->cell)), cx1 = MIN (ctx->gw - 1, (int) ((s->cx + radius) / ctx->cell));
  int cy0 = MAX (0, (int) ((s->cy - radius) / ctx->cell)), cy1 = MIN (ctx->gh - 1, (int) ((s->cy + radius) / ctx->cell));

  for (int cy = cy0; cy <= cy1; cy++)
    for (int cx = cx0; cx <= cx1; cx++)
      {
        int c = cy * ctx->gw + cx;

        for (int k = ctx->cell_start[c]; k < ctx->cell_start[c + 1]; k++)
          {
            int j = ctx->cell_glyphs[k];
            const McMrzGlyph *g = &ctx->glyphs[j];
            double dx = g->cx - s->cx, dy = g->cy - s->cy, d = hypot (dx, dy);
            int at;

            if (j == i || ctx->in_line[j] || !mc_mrz_similar_size (g->size, s->size) ||
                !(dx > 0 || (dx == 0 && dy > 0)) || d < 0.5 * s->size || d > radius)
              continue;
            if (n < 3)
              at = n++;
            else if (d < dist[2])
              at = 2;
            else
              continue;
            for (; at > 0 && dist[at - 1] > d; at--)
              {
                dist[at] = dist[at - 1];
                near[at] = near[at - 1];
              }
            dist[at] = d;
            near[at] = j;
          }
      }
  return n;
}


McMrzGlyphs *
mc_mrz_glyphs_find (VipsImage  *image,
                    GError    **error)
{
  g_autoptr(VipsImage) grey = NULL;
  g_autoptr(VipsImage) work = NULL;
  g_autoptr(VipsImage) band0 = NULL;
  g_autofree guchar *pixels = NULL;
  g_autofree guchar *ink = NULL;
  g_autoptr(McMrzGlyphs) ctx = g_new0 (McMrzGlyphs, 1);
  size_t size;

  if (dir_cos[0] == 0)
    for (int d = 0; d < MC_MRZ_N_DIRS; d++)
      {
        dir_cos[d] = cos (d * G_PI / MC_MRZ_N_DIRS);
        dir_sin[d] = sin (d * G_PI / MC_MRZ_N_DIRS);
      }

  ctx->scale = working_scale (image);
  /* Black print shows in any channel: an 8-bit colour scan's green one
   * spares converting the whole image to luminance. */
  if (vips_image_get_format (image) == VIPS_FORMAT_UCHAR && vips_image_get_bands (image) >= 3 &&
      vips_image_get_interpretation (image) == VIPS_INTERPRETATION_sRGB && !vips_image_hasalpha (image))
    {
      if (vips_extract_band (image, &grey, 1, NULL) != 0)
        return mc_id_error_from_vips (error), NULL;
    }
  else if (!(grey = mc_mrz_grey (image, error)))
    return NULL;
  if (fabs (ctx->scale - 1.0) > 0.01)
    {
      if (vips_resize (grey, &work, ctx->scale, "kernel", VIPS_KERNEL_LINEAR, NULL) != 0)
        return mc_id_error_from_vips (error), NULL;
    }
  else
    work = g_object_ref (grey);
  if (vips_extract_band (work, &band0, 0, NULL) != 0 ||
      !(pixels = vips_image_write_to_memory (band0, &size)))
    return mc_id_error_from_vips (error), NULL;
  ctx->w = vips_image_get_width (band0);
  ctx->h = vips_image_get_height (band0);
  if (size != (size_t) ctx->w * ctx->h)
    return mc_id_error_from_vips (error), NULL;

  ink = ink_mask (pixels, ctx->w, ctx->h, 10);
  /* An MRZ fits across the image: its 30 characters, a little over a
   * pitch each at their largest (measured on the slant). */
  ctx->array = find_glyphs (ink, ctx->w, ctx->h, MAX (ctx->w, ctx->h) / 20.0);
  ctx->glyphs = (McMrzGlyph *) ctx->array->data;
  ctx->n_glyphs = ctx->array->len;
  ctx->cell = 16;
  ctx->in_line = g_malloc0 (MAX (ctx->array->len, 1));
  index_glyphs (ctx);
  return g_steal_pointer (&ctx);
}

void
mc_mrz_glyphs_free (McMrzGlyphs *glyphs)
{
  if (glyphs == NULL)
    return;
  g_clear_pointer (&glyphs->array, g_array_unref);
  g_free (glyphs->cell_start);
  g_free (glyphs->cell_glyphs);
  g_free (glyphs->in_line);
  g_free (glyphs);
}
