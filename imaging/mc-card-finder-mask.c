/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-card-finder"

#include "config.h"

#include <math.h>
#include <string.h>

#include "mc-card-finder-private.h"

/* Part of mc-card-finder.c: which pixels of the working copy are objects. */

/* ---------------------------------------------------------- the mask */

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
    bg[c] = mc_card_finder_median_of_histogram (hist[c], n);

  for (int y = 0; y < work->h; y++)
    for (int x = 0; x < work->w; x++)
      {
        if (y >= ring && y < work->h - ring && x >= ring && x < work->w - ring)
          continue;
        dist_hist[MIN (colour_distance (work->rgb + 3 * ((gsize) y * work->w + x), bg), 255)]++;
      }
  /* 1.4826 × MAD estimates the noise's sigma. */
  *tolerance = CLAMP ((int) (4 * 1.4826 * mc_card_finder_median_of_histogram (dist_hist, n)) + 12, 16, 70);
}

/* Every @passable pixel of the border, marked in @reached and put on
 * @stack; returns how many. */
static gsize
seed_border (const Work   *work,
             const guchar *passable,
             guint        *reached,
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

gsize
mc_card_finder_flood (const guchar *passable,
                      guint        *labels,
                      guint         label,
                      int           w,
                      int           h,
                      guint        *stack,
                      gsize         top,
                      int           box[4])
{
  gsize area = 0;
  int x0 = w, y0 = h, x1 = -1, y1 = -1;

#define PUSH(j) G_STMT_START { \
    guint _j = (j); \
    if (passable[_j] && labels[_j] == 0) \
      { labels[_j] = label; stack[top++] = _j; } \
  } G_STMT_END

  while (top > 0)
    {
      guint i = stack[--top];
      int x = i % w, y = i / w;

      area++;
      x0 = MIN (x0, x);
      y0 = MIN (y0, y);
      x1 = MAX (x1, x);
      y1 = MAX (y1, y);
      if (x > 0) PUSH (i - 1);
      if (x < w - 1) PUSH (i + 1);
      if (y > 0) PUSH (i - w);
      if (y < h - 1) PUSH (i + w);
    }
#undef PUSH

  if (box != NULL)
    {
      box[0] = x0;
      box[1] = y0;
      box[2] = x1;
      box[3] = y1;
    }
  return area;
}

/* Floods from the @top pixels on @stack (marked in @reached) through
 * @passable ones, 4-connected; the mask is then everything not reached:
 * the objects, their holes filled. */
static void
flood_to_mask (Work         *work,
               const guchar *passable,
               guint        *reached,
               guint        *stack,
               gsize         top)
{
  gsize n = (gsize) work->w * work->h;

  mc_card_finder_flood (passable, reached, 1, work->w, work->h, stack, top, NULL);
  g_free (work->mask);
  work->mask = g_malloc (n);
  for (gsize i = 0; i < n; i++)
    work->mask[i] = !reached[i];
}

/* Marks as object everything not reachable from the border through
 * background-like pixels: holes (a card's pale interior) are filled. */
void
mc_card_finder_build_mask (Work *work)
{
  int *bg = work->bg, tol;
  gsize n = (gsize) work->w * work->h;
  g_autofree guchar *background = g_malloc (n);
  g_autofree guint *reached = g_new0 (guint, n);
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
                  guint      *reached,
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
void
mc_card_finder_build_edge_mask (Work *work)
{
  int w = work->w, h = work->h;
  gsize n = (gsize) w * h;
  g_autofree int *grey = g_new (int, n);
  g_autofree guchar *grad = g_malloc0 (n);
  g_autofree guchar *flat = NULL;
  g_autofree guint *reached = g_new0 (guint, n);
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
  threshold = CLAMP (3 * mc_card_finder_median_of_histogram (ring_hist, ring_n) + 4, 6, 60);

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
void
mc_card_finder_build_pale_mask (Work *work)
{
  int w = work->w, h = work->h;
  gsize n = (gsize) w * h;
  g_autofree guchar *not_pale = g_malloc (n);
  g_autofree guint *reached = g_new0 (guint, n);
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
void
mc_card_finder_open_mask (Work *work)
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
