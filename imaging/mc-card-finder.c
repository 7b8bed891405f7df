/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-card-finder"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mc-card-finder.h"
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
 * On a photo's table or cloth, a card is framed by its pale face. Each
 * card is then cut out of the full image, levelled by its text lines
 * (mc-card-straighten.c),
 * with one affine transform to 1012 × 638 (300 dpi) and turned upright by
 * its layout: the MRZ band belongs at the bottom of the back, text stands
 * with its accents above the line. */

#define CARD_W_MM 85.6
#define CARD_H_MM 53.98
#define CARD_ASPECT (CARD_W_MM / CARD_H_MM)
#define WORK_PPM 4.0              /* pixels per mm of the working copy */
#define WORK_LONG_SIDE 1000.0     /* …when the resolution is unknown */
#define MAX_INPUT_PIXELS (300.0 * 1000 * 1000)

G_DEFINE_QUARK (mc-card-finder-error-quark, mc_card_finder_error)

typedef struct {
  double x, y;
} Pt;

typedef struct {
  double   cx, cy;   /* centre */
  double   w, h;     /* w along the angle, w >= h */
  double   angle;    /* radians, image coordinates (y down) */
  gboolean cut;      /* a card cut by the image's edge, made whole */
} Rect;

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

static int
median_of_histogram (const guint *hist,
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

/* ---------------------------------------------------------- the mask */

typedef struct {
  int      w, h;
  guchar  *rgb;       /* working copy */
  guchar  *mask;      /* 1: object */
  int      bg[3];     /* the lid's colour */
  double   ppm;       /* pixels per mm, 0 when unknown */
} Work;

static inline int
colour_distance (const guchar *p,
                 const int     bg[3])
{
  int d = ABS (p[0] - bg[0]);

  d = MAX (d, ABS (p[1] - bg[1]));
  return MAX (d, ABS (p[2] - bg[2]));
}

/* Background: the median colour of a thin ring along the border; its
 * spread there sets how far a pixel may differ and still be background. */
static void
estimate_background (const Work *work,
                     int         bg[3],
                     int        *tolerance)
{
  guint hist[3][256] = { { 0 } };
  guint dist_hist[256] = { 0 };
  int ring = MAX (2, MIN (work->w, work->h) / 100);
  guint n = 0;

  for (int y = 0; y < work->h; y++)
    for (int x = 0; x < work->w; x++)
      {
        const guchar *p;

        if (y >= ring && y < work->h - ring && x >= ring && x < work->w - ring)
          continue;
        p = work->rgb + 3 * ((gsize) y * work->w + x);
        for (int c = 0; c < 3; c++)
          hist[c][p[c]]++;
        n++;
      }
  for (int c = 0; c < 3; c++)
    bg[c] = median_of_histogram (hist[c], n);

  for (int y = 0; y < work->h; y++)
    for (int x = 0; x < work->w; x++)
      {
        if (y >= ring && y < work->h - ring && x >= ring && x < work->w - ring)
          continue;
        dist_hist[MIN (colour_distance (work->rgb + 3 * ((gsize) y * work->w + x), bg), 255)]++;
      }
  /* 1.4826 × MAD estimates the noise's sigma. */
  *tolerance = CLAMP ((int) (4 * 1.4826 * median_of_histogram (dist_hist, n)) + 12, 16, 70);
}

/* Every @passable pixel of the border, marked in @reached and put on
 * @stack; returns how many. */
static gsize
seed_border (const Work   *work,
             const guchar *passable,
             guchar       *reached,
             guint        *stack)
{
  int w = work->w, h = work->h;
  gsize top = 0;

#define SEED(i) G_STMT_START { \
    guint _i = (i); \
    if (!reached[_i] && passable[_i]) \
      { reached[_i] = 1; stack[top++] = _i; } \
  } G_STMT_END

  for (int x = 0; x < w; x++)
    {
      SEED (x);
      SEED ((guint) ((h - 1) * w + x));
    }
  for (int y = 0; y < h; y++)
    {
      SEED ((guint) (y * w));
      SEED ((guint) (y * w + w - 1));
    }
#undef SEED
  return top;
}

/* Floods from the @top pixels on @stack (marked in @reached) through
 * @passable ones, 4-connected; the mask is then everything not reached:
 * the objects, their holes filled. */
static void
flood_to_mask (Work         *work,
               const guchar *passable,
               guchar       *reached,
               guint        *stack,
               gsize         top)
{
  int w = work->w, h = work->h;
  gsize n = (gsize) w * h;

#define PUSH(i) G_STMT_START { \
    guint _i = (i); \
    if (!reached[_i] && passable[_i]) \
      { reached[_i] = 1; stack[top++] = _i; } \
  } G_STMT_END

  while (top > 0)
    {
      guint i = stack[--top];
      int x = i % w, y = i / w;

      if (x > 0) PUSH (i - 1);
      if (x < w - 1) PUSH (i + 1);
      if (y > 0) PUSH (i - w);
      if (y < h - 1) PUSH (i + w);
    }
#undef PUSH

  g_free (work->mask);
  work->mask = g_malloc (n);
  for (gsize i = 0; i < n; i++)
    work->mask[i] = !reached[i];
}

/* Marks as object everything not reachable from the border through
 * background-like pixels: holes (a card's pale interior) are filled. */
static void
build_mask (Work *work)
{
  int *bg = work->bg, tol;
  gsize n = (gsize) work->w * work->h;
  g_autofree guchar *background = g_malloc (n);
  g_autofree guchar *reached = g_malloc0 (n);
  g_autofree guint *stack = g_new (guint, n);

  estimate_background (work, bg, &tol);
  for (gsize i = 0; i < n; i++)
    background[i] = colour_distance (work->rgb + 3 * i, bg) < tol;
  flood_to_mask (work, background, reached, stack, seed_border (work, background, reached, stack));
}

/* The border pixels, clockwise round the image from the top-left corner:
 * the @k-th of 2 (w + h) - 4. */
static guint
perimeter_pixel (int w,
                 int h,
                 int k)
{
  if (k < w)
    return k;
  k -= w;
  if (k < h - 1)
    return (guint) (k + 1) * w + w - 1;
  k -= h - 1;
  if (k < w - 1)
    return (guint) (h - 1) * w + (w - 2 - k);
  k -= w - 1;
  return (guint) (h - 2 - k) * w;
}

/* Where the edge flood starts. A card cut by the glass's edge runs into
 * the border: its inside, as flat as the lid, would be flooded from there.
 * So the border is cut into runs where an edge crosses it (a step in the
 * pixels just inside), and a run no longer than a card's length, with an
 * edge at both ends, is taken for the inside of such a card and not
 * flooded from: the lid around it is reached from its other runs anyway.
 * The border pixels carry the step of the pixels inside them, so the
 * flood cannot slip along the border into a card either. */
static void
seed_border_runs (const Work *work,
                  guchar     *grad,
                  int         threshold,
                  guchar     *reached,
                  guint      *stack,
                  gsize      *top)
{
  int w = work->w, h = work->h;
  int n = 2 * (w + h) - 4;
  g_autofree guchar *crossing = g_malloc0 (n);
  double card_run = work->ppm > 0 ? 1.1 * CARD_W_MM * work->ppm : 0.5 * MAX (w, h);
  int first = -1, seeded = 0;

  for (int k = 0; k < n; k++)
    {
      guint i = perimeter_pixel (w, h, k);
      int x = i % w, y = i / w;
      int ix = CLAMP (x, 1, w - 2), iy = CLAMP (y, 1, h - 2);
      int step = grad[(gsize) iy * w + ix];

      /* One pixel further in too: the card's outline may start there. */
      step = MAX (step, grad[(gsize) CLAMP (iy + (y == 0) - (y == h - 1), 1, h - 2) * w +
                             CLAMP (ix + (x == 0) - (x == w - 1), 1, w - 2)]);
      grad[i] = step;
      crossing[k] = step >= threshold;
      if (crossing[k] && first < 0)
        first = k;
    }

  for (int pass = 0; pass < 2 && seeded == 0; pass++)
    {
      /* Runs between crossings, round the loop from the first crossing;
       * none at all: the whole border is one run. */
      int k = first < 0 ? 0 : first;

      for (int done = 0; done < n;)
        {
          int len = 0;

          while (done < n && crossing[k])
            {
              k = (k + 1) % n;
              done++;
            }
          while (done + len < n && !crossing[(k + len) % n])
            len++;
          if (len > 0 && (pass == 1 || first < 0 || len > card_run))
            {
              for (int j = 0; j < len; j++)
                {
                  guint i = perimeter_pixel (w, h, (k + j) % n);

                  if (!reached[i] && grad[i] < threshold)
                    {
                      reached[i] = 1;
                      stack[(*top)++] = i;
                    }
                }
              seeded++;
            }
          k = (k + len) % n;
          done += len;
        }
    }
}

/* A second way to the mask, for a card of the lid's own tint (a pale card
 * on a white or light-grey lid, where the colour flood above runs straight
 * through it): the card's edge still shows as a faint step or line. Marks
 * as object everything not reachable from the border without crossing a
 * brightness step stronger than the lid's own grain. */
static void
build_edge_mask (Work *work)
{
  int w = work->w, h = work->h;
  gsize n = (gsize) w * h;
  g_autofree int *grey = g_new (int, n);
  g_autofree guchar *grad = g_malloc0 (n);
  g_autofree guchar *flat = NULL;
  g_autofree guchar *reached = g_malloc0 (n);
  g_autofree guint *stack = g_new (guint, n);
  guint ring_hist[256] = { 0 };
  guint ring_n = 0;
  int ring = MAX (2, MIN (w, h) / 100);
  int threshold;
  gsize top = 0;

  for (gsize i = 0; i < n; i++)
    {
      const guchar *p = work->rgb + 3 * i;

      grey[i] = (p[0] + 2 * p[1] + p[2]) / 4;
    }
  /* Sobel, the larger of the two directions. */
  for (int y = 1; y < h - 1; y++)
    for (int x = 1; x < w - 1; x++)
      {
        const int *g = grey + (gsize) y * w + x;
        int gx = (g[-w + 1] + 2 * g[1] + g[w + 1]) - (g[-w - 1] + 2 * g[-1] + g[w - 1]);
        int gy = (g[w - 1] + 2 * g[w] + g[w + 1]) - (g[-w - 1] + 2 * g[-w] + g[-w + 1]);

        grad[(gsize) y * w + x] = MIN (255, MAX (ABS (gx), ABS (gy)));
      }
  for (int y = 1; y < h - 1; y++)
    for (int x = 1; x < w - 1; x++)
      if (y <= ring || y >= h - 1 - ring || x <= ring || x >= w - 1 - ring)
        {
          ring_hist[grad[(gsize) y * w + x]]++;
          ring_n++;
        }
  /* The lid's grain sets the bar: its typical step, well above. */
  threshold = CLAMP (3 * median_of_histogram (ring_hist, ring_n) + 4, 6, 60);

  /* A faint outline drawn on a slant, or broken by a line of print close
   * to the card's edge, comes out as steps that touch only at corners or
   * leave a pixel's gap: a closing (3 × 3 dilation, then erosion) of the
   * steps joins them without making the outline any thicker. */
  {
    g_autofree guchar *thick = g_malloc0 (n);

    for (int y = 1; y < h - 1; y++)
      for (int x = 1; x < w - 1; x++)
        {
          const guchar *g = grad + (gsize) y * w + x;
          gboolean any = FALSE;

          for (int dy = -1; dy <= 1 && !any; dy++)
            for (int dx = -1; dx <= 1 && !any; dx++)
              any = g[dy * w + dx] >= threshold;
          thick[(gsize) y * w + x] = any;
        }
    for (int y = 2; y < h - 2; y++)
      for (int x = 2; x < w - 2; x++)
        {
          const guchar *t = thick + (gsize) y * w + x;
          gboolean all = TRUE;

          for (int dy = -1; dy <= 1 && all; dy++)
            for (int dx = -1; dx <= 1 && all; dx++)
              all = t[dy * w + dx];
          if (all && grad[(gsize) y * w + x] < threshold)
            grad[(gsize) y * w + x] = threshold;
        }
  }

  seed_border_runs (work, grad, threshold, reached, stack, &top);
  /* After the seeding: it gives the border pixels the step inside them. */
  flat = g_malloc (n);
  for (gsize i = 0; i < n; i++)
    flat[i] = grad[i] < threshold;
  flood_to_mask (work, flat, reached, stack, top);
}

/* A third way to the mask, for a photo: the background is a table or a
 * cloth, neither one colour nor free of edges, so neither way above finds
 * a card on it. What every card still has is a face of pale, hardly
 * coloured plastic, brighter than most of what lies around it. Marks as
 * object everything the border cannot reach without crossing such pale
 * pixels: the card's face, and its print enclosed by it. (A card on
 * papers as pale as itself merges with them: the whole-image search reads
 * that one.) */
static void
build_pale_mask (Work *work)
{
  int w = work->w, h = work->h;
  gsize n = (gsize) w * h;
  g_autofree guchar *not_pale = g_malloc (n);
  g_autofree guchar *reached = g_malloc0 (n);
  g_autofree guint *stack = g_new (guint, n);
  guint hist[256] = { 0 };
  guint acc = 0;
  int bright = 255, threshold;

  for (gsize i = 0; i < n; i++)
    {
      const guchar *p = work->rgb + 3 * i;

      hist[MAX (p[0], MAX (p[1], p[2]))]++;
    }
  /* The brightest 5 % are the card's face (or the glare on it); its
   * shaded side still reaches two thirds of that. */
  for (int v = 255; v >= 0; v--)
    {
      acc += hist[v];
      if (acc * 20 >= n)
        {
          bright = v;
          break;
        }
    }
  threshold = MAX (100, bright * 2 / 3);
  for (gsize i = 0; i < n; i++)
    {
      const guchar *p = work->rgb + 3 * i;
      int hi = MAX (p[0], MAX (p[1], p[2])), lo = MIN (p[0], MIN (p[1], p[2]));

      not_pale[i] = !(hi >= threshold && hi - lo <= 48);
    }
  flood_to_mask (work, not_pale, reached, stack, seed_border (work, not_pale, reached, stack));
}

/* 3 × 3 erosion then dilation: dust and hair-thin lines go, cards stay. */
static void
open_mask (Work *work)
{
  gsize n = (gsize) work->w * work->h;
  g_autofree guchar *tmp = g_malloc0 (n);
  int w = work->w, h = work->h;

  for (int y = 1; y < h - 1; y++)
    for (int x = 1; x < w - 1; x++)
      {
        const guchar *m = work->mask + (gsize) y * w + x;

        tmp[(gsize) y * w + x] = m[0] && m[-1] && m[1] && m[-w] && m[w] &&
                                 m[-w - 1] && m[-w + 1] && m[w - 1] && m[w + 1];
      }
  memset (work->mask, 0, n);
  for (int y = 1; y < h - 1; y++)
    for (int x = 1; x < w - 1; x++)
      if (tmp[(gsize) y * w + x])
        for (int dy = -1; dy <= 1; dy++)
          memset (work->mask + (gsize) (y + dy) * w + x - 1, 1, 3);
}

/* ------------------------------------------------------- the geometry */

static int
compare_pt (gconstpointer a,
            gconstpointer b)
{
  const Pt *p = a, *q = b;

  if (p->x != q->x)
    return p->x < q->x ? -1 : 1;
  if (p->y != q->y)
    return p->y < q->y ? -1 : 1;
  return 0;
}

static double
cross (Pt o, Pt a, Pt b)
{
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/* Andrew's monotone chain; @pts is sorted in place. */
static GArray *
convex_hull (GArray *pts)
{
  GArray *hull = g_array_new (FALSE, FALSE, sizeof (Pt));
  guint n = pts->len;
  guint k = 0;

  if (n < 3)
    return hull;
  g_array_sort (pts, compare_pt);
  g_array_set_size (hull, 2 * n);
  for (guint i = 0; i < n; i++)
    {
      Pt p = g_array_index (pts, Pt, i);

      while (k >= 2 && cross (g_array_index (hull, Pt, k - 2), g_array_index (hull, Pt, k - 1), p) <= 0)
        k--;
      g_array_index (hull, Pt, k++) = p;
    }
  for (guint i = n - 1, t = k + 1; i > 0; i--)
    {
      Pt p = g_array_index (pts, Pt, i - 1);

      while (k >= t && cross (g_array_index (hull, Pt, k - 2), g_array_index (hull, Pt, k - 1), p) <= 0)
        k--;
      g_array_index (hull, Pt, k++) = p;
    }
  g_array_set_size (hull, k > 0 ? k - 1 : 0);
  return hull;
}

/* Rotating calipers: the smallest rectangle has a side on a hull edge. */
static gboolean
min_area_rect (GArray *hull,
               Rect   *out)
{
  double best = G_MAXDOUBLE;

  if (hull->len < 3)
    return FALSE;
  for (guint i = 0; i < hull->len; i++)
    {
      Pt a = g_array_index (hull, Pt, i);
      Pt b = g_array_index (hull, Pt, (i + 1) % hull->len);
      double dx = b.x - a.x, dy = b.y - a.y;
      double len = hypot (dx, dy);
      double ux, uy, umin = G_MAXDOUBLE, umax = -G_MAXDOUBLE, vmin = G_MAXDOUBLE, vmax = -G_MAXDOUBLE;

      if (len < 1e-9)
        continue;
      ux = dx / len;
      uy = dy / len;
      for (guint j = 0; j < hull->len; j++)
        {
          Pt p = g_array_index (hull, Pt, j);
          double u = p.x * ux + p.y * uy;
          double v = -p.x * uy + p.y * ux;

          umin = MIN (umin, u);
          umax = MAX (umax, u);
          vmin = MIN (vmin, v);
          vmax = MAX (vmax, v);
        }
      if ((umax - umin) * (vmax - vmin) < best)
        {
          double cu = (umin + umax) / 2, cv = (vmin + vmax) / 2;

          best = (umax - umin) * (vmax - vmin);
          out->cx = cu * ux - cv * uy;
          out->cy = cu * uy + cv * ux;
          out->w = umax - umin;
          out->h = vmax - vmin;
          out->angle = atan2 (uy, ux);
        }
    }
  if (best == G_MAXDOUBLE)
    return FALSE;
  out->cut = FALSE;

  /* Long side first, angle within (-90°, 90°]. */
  if (out->w < out->h)
    {
      double t = out->w;

      out->w = out->h;
      out->h = t;
      out->angle += G_PI / 2;
    }
  while (out->angle > G_PI / 2)
    out->angle -= G_PI;
  while (out->angle <= -G_PI / 2)
    out->angle += G_PI;
  return TRUE;
}

typedef struct {
  Rect     rect;
  double   area;      /* pixels of the object */
  guint    touches;   /* the image's sides it reaches: 1 left, 2 top, 4 right, 8 bottom */
  int      x0, y0, x1, y1;   /* its bounding box, last pixel included */
  gboolean taken;     /* a card, or two */
} Blob;

/* Connected objects of the mask (8-connected) and their rectangles. */
static GArray *
find_blobs (const Work *work,
            double      min_area)
{
  GArray *blobs = g_array_new (FALSE, FALSE, sizeof (Blob));
  gsize n = (gsize) work->w * work->h;
  g_autofree guchar *seen = g_malloc0 (n);
  g_autofree guint *stack = g_new (guint, n);
  int w = work->w, h = work->h;

  for (gsize start = 0; start < n; start++)
    {
      g_autoptr(GArray) pts = NULL;
      g_autoptr(GArray) hull = NULL;
      gsize top = 0, area = 0;
      Blob blob = { .x0 = w, .y0 = h, .x1 = -1, .y1 = -1 };

      if (!work->mask[start] || seen[start])
        continue;
      pts = g_array_new (FALSE, FALSE, sizeof (Pt));
      seen[start] = 1;
      stack[top++] = start;
      while (top > 0)
        {
          guint i = stack[--top];
          int x = i % w, y = i / w;
          gboolean edge = FALSE;

          area++;
          blob.x0 = MIN (blob.x0, x);
          blob.x1 = MAX (blob.x1, x);
          blob.y0 = MIN (blob.y0, y);
          blob.y1 = MAX (blob.y1, y);
          for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
              {
                int nx = x + dx, ny = y + dy;
                guint j;

                if (nx < 0 || ny < 0 || nx >= w || ny >= h)
                  {
                    edge = TRUE;
                    continue;
                  }
                j = ny * w + nx;
                if (!work->mask[j])
                  {
                    edge = TRUE;
                    continue;
                  }
                if (!seen[j])
                  {
                    seen[j] = 1;
                    stack[top++] = j;
                  }
              }
          if (edge)
            {
              /* The pixel's four corners: the hull then covers whole pixels. */
              Pt c[4] = { { x, y }, { x + 1, y }, { x, y + 1 }, { x + 1, y + 1 } };

              g_array_append_vals (pts, c, 4);
            }
        }
      if (area < min_area)
        continue;
      hull = convex_hull (pts);
      if (!min_area_rect (hull, &blob.rect))
        continue;
      blob.area = area;
      blob.touches = (blob.x0 == 0 ? 1 : 0) | (blob.y0 == 0 ? 2 : 0) |
                     (blob.x1 == w - 1 ? 4 : 0) | (blob.y1 == h - 1 ? 8 : 0);
      g_array_append_val (blobs, blob);
    }
  return blobs;
}

static int
compare_blob_area (gconstpointer a,
                   gconstpointer b)
{
  const Rect *p = a, *q = b;
  double pa = p->w * p->h, qa = q->w * q->h;

  return pa > qa ? -1 : pa < qa ? 1 : 0;
}

/* How far (x, y) lies inside a w × h image: negative outside. */
static double
depth_inside (double x,
              double y,
              int    w,
              int    h,
              guint *side)
{
  double d[4] = { x, y, w - x, h - y };
  int best = 0;

  for (int k = 1; k < 4; k++)
    if (d[k] < d[best])
      best = k;
  *side = 1u << best;
  return d[best];
}

/* The part of @r that lies on the image, in pixels², by sampling. */
static double
area_on_image (const Rect *r,
               int         w,
               int         h)
{
  const int n = 24;
  double cs = cos (r->angle), sn = sin (r->angle);
  int inside = 0;

  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      {
        double u = ((i + 0.5) / n - 0.5) * r->w, v = ((j + 0.5) / n - 0.5) * r->h;
        double x = r->cx + u * cs - v * sn, y = r->cy + u * sn + v * cs;

        inside += x >= 0 && y >= 0 && x <= w && y <= h;
      }
  return r->w * r->h * inside / (n * n);
}

/* A card cut by the glass's edge: an object that runs into the image's
 * border, fills its rectangle up to there, and has a card's height with a
 * short length (from 55 % of a card's), or a card's length with a short
 * height. The end at the border is where the rest of the card went: the
 * rectangle is extended across it to the whole card. @card_h is a card's
 * height in pixels (by the resolution, or by a card beside it), 0 when
 * unknown: then only an object already shaped nearly like a card, a little
 * short or a little low, is taken. */
static gboolean
extend_cut_card (const Blob *b,
                 double      card_h,
                 int         w,
                 int         h,
                 Rect       *out)
{
  Rect r = b->rect;
  double aspect = r.w / MAX (r.h, 1e-9);
  double axis, length, height, full_len, full_h;
  gboolean across;   /* cut across the card's length (else along it) */

  if (b->touches == 0 || b->area < 0.85 * area_on_image (&r, w, h))
    return FALSE;
  if (card_h > 0)
    {
      double card_w = card_h * CARD_ASPECT;

      if (fabs (r.h - card_h) <= 0.08 * card_h && r.w >= 0.55 * card_w && r.w <= 0.97 * card_w)
        axis = r.angle, across = TRUE;
      else if (fabs (r.w - card_h) <= 0.08 * card_h && r.h >= 0.55 * card_w && r.h <= 0.97 * card_w)
        axis = r.angle + G_PI / 2, across = TRUE;
      else if (fabs (r.w - card_w) <= 0.06 * card_w && r.h >= 0.5 * card_h && r.h <= 0.97 * card_h)
        axis = r.angle, across = FALSE;
      else
        return FALSE;
    }
  else if (aspect >= 1.42 && aspect < 1.54)
    axis = r.angle, across = TRUE, card_h = r.h;
  else if (aspect > 1.64 && aspect <= 1.78)
    axis = r.angle, across = FALSE, card_h = r.w / CARD_ASPECT;
  else
    return FALSE;

  full_h = card_h;
  full_len = card_h * CARD_ASPECT;
  /* As for any card whose size the resolution does not give. */
  if (full_h * full_len < 0.04 * w * h)
    return FALSE;
  length = fabs (axis - r.angle) < 1e-6 ? r.w : r.h;
  height = fabs (axis - r.angle) < 1e-6 ? r.h : r.w;

  {
    /* The direction the card is cut in: along its axis, or across it. */
    double ux = across ? cos (axis) : -sin (axis);
    double uy = across ? sin (axis) : cos (axis);
    double extent = across ? length : height;
    double missing = (across ? full_len : full_h) - extent;
    double thick = across ? height : length;
    guint side_a, side_b;
    double da = depth_inside (r.cx + ux * extent / 2, r.cy + uy * extent / 2, w, h, &side_a);
    double db = depth_inside (r.cx - ux * extent / 2, r.cy - uy * extent / 2, w, h, &side_b);
    /* A card turned a few degrees meets the border at one corner first. */
    double tol = 0.1 * thick + 2;
    int dir;

    if (da <= tol && (b->touches & side_a) && da < db)
      dir = 1;
    else if (db <= tol && (b->touches & side_b) && db < da)
      dir = -1;
    else
      return FALSE;
    if (missing <= 0)
      return FALSE;

    *out = r;
    out->cx = r.cx + dir * ux * missing / 2;
    out->cy = r.cy + dir * uy * missing / 2;
    out->w = full_len;
    out->h = full_h;
    out->angle = axis;
    while (out->angle > G_PI / 2)
      out->angle -= G_PI;
    while (out->angle <= -G_PI / 2)
      out->angle += G_PI;
    out->cut = TRUE;
  }
  return TRUE;
}

/* Which objects are cards: a card's proportions, filled, and a card's size
 * when the resolution is known (@ppm pixels per mm of the working copy,
 * 0 when unknown). Two cards side by side, or one above the other, make an
 * object twice the size: cut in half along its long side. Objects clear of
 * the image's border come first: a card among them gives the size a card
 * cut by the border is measured by, when the resolution does not (or
 * @ref_h, a card's height found before, in pixels). */
static GArray *
pick_cards (GArray   *blobs,
            double    ppm,
            int       w,
            int       h,
            double    ref_h,
            gboolean  pairs)
{
  GArray *cards = g_array_new (FALSE, FALSE, sizeof (Rect));
  double image_area = (double) w * h;

  for (guint i = 0; i < 2 * blobs->len; i++)
    {
      Blob *b = &g_array_index (blobs, Blob, i % blobs->len);
      Rect r = b->rect;
      double aspect = r.w / MAX (r.h, 1e-9);
      double fill = b->area / MAX (r.w * r.h, 1e-9);
      double long_mm = ppm > 0 ? r.w / ppm : 0;
      gboolean size_ok;
      guint before = cards->len;

      if (i < blobs->len)
        g_debug ("object %u: %.0f × %.0f px at (%.0f, %.0f), %.1f°, fill %.2f, touching %u",
                 i, r.w, r.h, r.cx, r.cy, r.angle * 180 / G_PI, fill, b->touches);
      if ((b->touches != 0) != (i >= blobs->len))
        continue;
      if (b->touches != 0)
        {
          double card_h = ppm > 0 ? CARD_H_MM * ppm
                        : ref_h > 0 ? ref_h
                        : cards->len > 0 ? g_array_index (cards, Rect, 0).h : 0;
          Rect whole;

          if (extend_cut_card (b, card_h, w, h, &whole))
            {
              g_array_append_val (cards, whole);
              b->taken = TRUE;
              continue;
            }
        }
      if (fill < 0.85)
        continue;
      /* The picture's own frame is no card: where nothing parted from
       * the border (a checked cloth), the whole picture is one object. */
      if (r.w * r.h > 0.96 * image_area && fabs (sin (2 * r.angle)) < 0.05)
        continue;
      if (aspect >= 1.42 && aspect <= 1.78)
        {
          size_ok = ppm > 0 ? (long_mm > 72 && long_mm < 100) : (r.w * r.h > 0.04 * image_area);
          if (size_ok)
            g_array_append_val (cards, r);
        }
      else if (pairs && ((aspect >= 2.8 && aspect <= 3.5) || (aspect >= 1.12 && aspect <= 1.40)))
        {
          gboolean side_by_side = aspect > 2;
          double expected = side_by_side ? 2 * CARD_W_MM : 2 * CARD_H_MM;

          size_ok = ppm > 0 ? fabs (long_mm - expected) < 0.15 * expected
                            : (r.w * r.h > 0.08 * image_area);
          if (!size_ok)
            continue;
          for (int k = -1; k <= 1; k += 2)
            {
              Rect half = r;

              half.w = r.w / 2;
              half.cx = r.cx + k * (r.w / 4) * cos (r.angle);
              half.cy = r.cy + k * (r.w / 4) * sin (r.angle);
              if (half.w < half.h)
                {
                  double t = half.w;

                  half.w = half.h;
                  half.h = t;
                  half.angle += half.angle <= 0 ? G_PI / 2 : -G_PI / 2;
                }
              g_array_append_val (cards, half);
            }
        }
      b->taken = cards->len > before;
    }
  g_array_sort (cards, compare_blob_area);
  return cards;
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
  threshold = MIN (128, median_of_histogram (hist, n) * 55 / 100);
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
static void
orient_crop (McCardCrop *crop)
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
  orient_crop (crop);
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
  orient_crop (crop);
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

GPtrArray *
mc_card_finder_find (VipsImage     *image,
                     guint          source,
                     guint          max_cards,
                     GCancellable  *cancellable,
                     GError       **error)
{
  return mc_card_finder_find_full (image, source, max_cards, NULL, cancellable, error);
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
  g_autoptr(VipsImage) small = NULL;
  g_autoptr(GArray) blobs = NULL;
  g_autoptr(GArray) colour_blobs = NULL;
  g_autoptr(GArray) cards = NULL;
  VipsRect rest = { 0, 0, 0, 0 };
  Work work = { 0 };
  double dpi, scale, ppm, aspect, lid[3];
  int w, h;
  size_t size;

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
  scale = dpi > 0 ? WORK_PPM * 25.4 / dpi : WORK_LONG_SIDE / MAX (w, h);
  scale = MIN (scale, 1.0);
  if (vips_resize (srgb, &small, scale, NULL) != 0)
    return vips_failed (error), NULL;
  work.w = vips_image_get_width (small);
  work.h = vips_image_get_height (small);
  /* The working copy's real scale, after rounding to whole pixels. */
  scale = (double) work.w / w;
  ppm = dpi > 0 ? scale * dpi / 25.4 : 0;
  work.ppm = ppm;
  work.rgb = vips_image_write_to_memory (small, &size);
  if (work.rgb == NULL || size != (size_t) work.w * work.h * 3)
    {
      g_free (work.rgb);
      return vips_failed (error), NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_free (work.rgb);
      return NULL;
    }

  build_mask (&work);
  open_mask (&work);
  blobs = find_blobs (&work, 0.01 * work.w * work.h);
  cards = pick_cards (blobs, ppm, work.w, work.h, 0, TRUE);
  if (cards->len < max_cards)
    {
      /* Fewer cards stood out from the lid by their colour than may lie
       * there: by their edge, then (a pale back beside a coloured front).
       * A card both ways find is kept once. */
      g_autoptr(GArray) by_edge = NULL;

      colour_blobs = g_steal_pointer (&blobs);
      build_edge_mask (&work);
      open_mask (&work);
      blobs = find_blobs (&work, 0.01 * work.w * work.h);
      by_edge = pick_cards (blobs, ppm, work.w, work.h,
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
      g_array_sort (cards, compare_blob_area);
    }
  /* Fewer cards framed than the glass may hold, beside objects that were
   * not taken as cards: where those lie, a card may still be read
   * without its frame. Worth it from a good part of a card's area. */
  if (cards->len > 0 && cards->len < max_cards)
    {
      const Rect *c = &g_array_index (cards, Rect, 0);
      double card_area = ppm > 0 ? CARD_W_MM * CARD_H_MM * ppm * ppm : c->w * c->h;

      add_unframed (colour_blobs, cards, 0.4 * card_area, &rest);
      add_unframed (blobs, cards, 0.4 * card_area, &rest);
    }
  if (cards->len == 0 && ppm <= 0)
    {
      /* Nothing stands out from a lid on a picture that states no
       * resolution: a photo, perhaps, of a card on a table. By the card's
       * pale face. */
      g_clear_pointer (&blobs, g_array_unref);
      g_clear_pointer (&cards, g_array_unref);
      build_pale_mask (&work);
      open_mask (&work);
      blobs = find_blobs (&work, 0.01 * work.w * work.h);
      /* No pairs: a card in a pale sleeve is a wider pale object, and
       * must not come out as two halves. */
      cards = pick_cards (blobs, ppm, work.w, work.h, 0, FALSE);
      /* A face that fills a card-shaped picture: the picture is the card
       * (a crop), framed more surely by its own edges below. */
      aspect = (double) MAX (w, h) / MIN (w, h);
      if (cards->len > 0 && aspect >= 1.45 && aspect <= 1.72 &&
          g_array_index (cards, Rect, 0).w * g_array_index (cards, Rect, 0).h > 0.5 * work.w * work.h)
        g_array_set_size (cards, 0);
    }
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
    {
      /* In the input's pixels, with 3 mm round it. */
      double margin = ppm > 0 ? 3 * ppm : 0.01 * MAX (work.w, work.h);
      VipsRect all = { 0, 0, w, h };

      unframed->left = (int) floor ((rest.left - margin) / scale);
      unframed->top = (int) floor ((rest.top - margin) / scale);
      unframed->width = (int) ceil ((rest.width + 2 * margin) / scale);
      unframed->height = (int) ceil ((rest.height + 2 * margin) / scale);
      vips_rect_intersectrect (unframed, &all, unframed);
    }

  /* Nothing on a background: perhaps the image is the card itself. */
  aspect = (double) MAX (w, h) / MIN (w, h);
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
