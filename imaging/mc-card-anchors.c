/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-card-finder"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mc-card-anchors.h"
#include "mc-card-finder-private.h"
#include "mc-vips.h"

/* The QR anchor. A finder pattern is a dark square ring round a dark
 * square: any line through its centre crosses dark, light, dark, light,
 * dark in the proportions 1:1:3:1:1, whatever the pattern's size and
 * angle, and it keeps them where blur, glare or a smudge stop zbar from
 * decoding the code. Three patterns of one size at a right angle are a
 * code: the corner one is its top-left, and which of the other two is its
 * top-right says which way up the code (and so the card) stands. The code
 * is printed about 16 mm wide at a known place: near the top-right corner
 * of a 2021 front (and of a 2024 back of some printings), near the
 * top-left corner of a 2024 back of others. Each place is a frame
 * hypothesis; the card's rim, where any of it shows, and the print beside
 * the code (the title and labels lie on the card's side of it) choose
 * between them and refine the frame to the rim. */

#define LONG_SIDE_MAX 2400.0   /* the copy searched: QR modules stay ≥ 2 px
                                * on a card a fifth of a 4000 px photo */
#define SEARCH_DPI 150.0       /* …or, on a scan, 2.4 px per module */
#define QR_CODE_MM 16.3        /* the code, quiet zone left out: 16.0 mm
                                * on the first generator's cards, 16.4 to
                                * 16.6 on the second's (18 mm with it) */
#define RIM_SEARCH_MM 3.0      /* how far a side may move to meet the rim */

typedef struct {
  double x, y, module;
  guint  count;
} Finder;

typedef struct {
  const guchar *g;
  int           w, h;
} Grey;

/* Whether five runs have a finder's proportions; their module size. */
static gboolean
finder_runs (const int runs[5],
             double   *module)
{
  int total = 0;
  double m, tol;

  for (int i = 0; i < 5; i++)
    {
      if (runs[i] == 0)
        return FALSE;
      total += runs[i];
    }
  if (total < 7)
    return FALSE;
  m = total / 7.0;
  tol = m * 0.6;
  if (fabs (runs[0] - m) > tol || fabs (runs[1] - m) > tol ||
      fabs (runs[3] - m) > tol || fabs (runs[4] - m) > tol ||
      fabs (runs[2] - 3 * m) > 3 * tol)
    return FALSE;
  *module = m;
  return TRUE;
}

/* Along the line through (@x, @y) in direction (@dx, @dy), the five runs
 * of a finder centred there (or not); the centre found and the total. */
static gboolean
cross_check (const Grey   *grey,
             const guchar *dark,
             int           x,
             int           y,
             int           dx,
             int           dy,
             int           max_total,
             double       *centre,
             double       *module)
{
  int runs[5] = { 0 };
  int cx = x, cy = y, before, after;

#define IN(px, py) ((px) >= 0 && (py) >= 0 && (px) < grey->w && (py) < grey->h)
#define DARK(px, py) (dark[(gsize) (py) * grey->w + (px)])
  if (!DARK (x, y))
    return FALSE;
  /* Backwards from the centre: dark, light, dark. */
  while (IN (cx, cy) && DARK (cx, cy))
    {
      runs[2]++;
      cx -= dx, cy -= dy;
    }
  before = runs[2];
  while (IN (cx, cy) && !DARK (cx, cy) && runs[1] <= max_total)
    {
      runs[1]++;
      cx -= dx, cy -= dy;
    }
  while (IN (cx, cy) && DARK (cx, cy) && runs[0] <= max_total)
    {
      runs[0]++;
      cx -= dx, cy -= dy;
    }
  /* Forwards. */
  cx = x + dx, cy = y + dy;
  while (IN (cx, cy) && DARK (cx, cy))
    {
      runs[2]++;
      cx += dx, cy += dy;
    }
  after = runs[2] - before;
  while (IN (cx, cy) && !DARK (cx, cy) && runs[3] <= max_total)
    {
      runs[3]++;
      cx += dx, cy += dy;
    }
  while (IN (cx, cy) && DARK (cx, cy) && runs[4] <= max_total)
    {
      runs[4]++;
      cx += dx, cy += dy;
    }
#undef DARK
#undef IN
  if (!finder_runs (runs, module) || runs[0] + runs[1] + runs[2] + runs[3] + runs[4] > max_total)
    return FALSE;
  /* The centre, along the line, from where this pixel stood in the
   * middle run. */
  *centre = (after - before + 1) / 2.0;
  return TRUE;
}

static void
add_finder (GArray *finders,
            double  x,
            double  y,
            double  module)
{
  for (guint i = 0; i < finders->len; i++)
    {
      Finder *f = &g_array_index (finders, Finder, i);

      if (hypot (f->x - x, f->y - y) < 2 * MAX (f->module, module) &&
          fabs (f->module - module) < 0.5 * MAX (f->module, module))
        {
          f->x = (f->x * f->count + x) / (f->count + 1);
          f->y = (f->y * f->count + y) / (f->count + 1);
          f->module = (f->module * f->count + module) / (f->count + 1);
          f->count++;
          return;
        }
    }
  g_array_append_val (finders, ((Finder) { x, y, module, 1 }));
}

/* Dark where darker than the neighbourhood's mean by a margin: a local
 * threshold holds under a lighting gradient and a glare's edge. */
static guchar *
binarise (const Grey *grey)
{
  int w = grey->w, h = grey->h, r = CLAMP (MAX (w, h) / 60, 8, 40);
  g_autofree guint64 *sum = g_new0 (guint64, (gsize) (w + 1) * (h + 1));
  guchar *dark = g_malloc ((gsize) w * h);

  for (int y = 0; y < h; y++)
    {
      guint64 row = 0;

      for (int x = 0; x < w; x++)
        {
          row += grey->g[(gsize) y * w + x];
          sum[(gsize) (y + 1) * (w + 1) + x + 1] = sum[(gsize) y * (w + 1) + x + 1] + row;
        }
    }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        int x0 = MAX (0, x - r), y0 = MAX (0, y - r), x1 = MIN (w, x + r + 1), y1 = MIN (h, y + r + 1);
        guint64 s = sum[(gsize) y1 * (w + 1) + x1] - sum[(gsize) y0 * (w + 1) + x1] -
                    sum[(gsize) y1 * (w + 1) + x0] + sum[(gsize) y0 * (w + 1) + x0];
        guint64 area = (guint64) (x1 - x0) * (y1 - y0);
        /* g + max (6, mean / 16) < mean, in integers */
        guint64 margin = MAX (6 * area, s / 16);

        dark[(gsize) y * w + x] = grey->g[(gsize) y * w + x] * area + margin < s;
      }
  return dark;
}

/* The finder patterns: 1:1:3:1:1 along a row, confirmed down the column
 * and along the row again through the centre found. */
static GArray *
find_finders (const Grey   *grey,
              const guchar *dark)
{
  GArray *finders = g_array_new (FALSE, FALSE, sizeof (Finder));
  int w = grey->w, h = grey->h;
  int max_total = MIN (w, h) / 4;

  for (int y = 0; y < h; y++)
    {
      const guchar *row = dark + (gsize) y * w;
      int runs[5] = { 0 }, starts[5] = { 0 }, n = 0;

      for (int x = 0; x <= w; x++)
        {
          gboolean d = x < w && row[x];
          double m, off, mv, offh;

          if (x > 0 && x < w && d == row[x - 1])
            {
              runs[n - 1]++;
              continue;
            }
          /* A run ended (or the row did): five runs starting with dark
           * ending here are a candidate. */
          if (n == 5 && row[starts[0]] && finder_runs (runs, &m))
            {
              int cx = starts[2] + runs[2] / 2;

              if (cross_check (grey, dark, cx, y, 0, 1, max_total, &off, &mv) &&
                  fabs (mv - m) < 0.6 * MAX (m, mv))
                {
                  int cy = (int) lround (y + off);

                  if (cy >= 0 && cy < h && cross_check (grey, dark, cx, cy, 1, 0, max_total, &offh, &m))
                    add_finder (finders, cx + offh, cy, (m + mv) / 2);
                }
            }
          if (x == w)
            break;
          if (n == 5)
            {
              memmove (runs, runs + 1, 4 * sizeof (int));
              memmove (starts, starts + 1, 4 * sizeof (int));
              n = 4;
            }
          runs[n] = 1;
          starts[n] = x;
          n++;
        }
    }
  /* A pattern crosses several rows; a single hit is noise in print. */
  for (guint i = 0; i < finders->len; i++)
    if (g_array_index (finders, Finder, i).count < 2)
      g_array_remove_index_fast (finders, i--);
  return finders;
}

/* A QR code: its three finders, top-left first. */
typedef struct {
  Finder tl, tr, bl;
  int    between;    /* modules from one finder's centre to the next */
  double score;
} Code;

/* Modules between the centres: 4 v + 10 for version v. */
static int
modules_between (double d,
                 double module)
{
  return MAX (14, (int) lround ((d / module - 10) / 4) * 4 + 10);
}

static int
compare_code_score (gconstpointer a,
                    gconstpointer b)
{
  double sa = ((const Code *) a)->score, sb = ((const Code *) b)->score;

  return (sa < sb) - (sa > sb);
}

/* Whether the code's timing patterns show: the row and the column of
 * modules joining its finders alternate dark and light, which noise, a
 * cloth's check or print does not do along both lines at once. Either
 * line may lie under a smudge, not both. */
static gboolean
timing_shows (const Grey   *grey,
              const guchar *dark,
              const Finder *tl,
              const Finder *tr,
              const Finder *bl,
              int           between)
{
  double ux = (tr->x - tl->x) / between, uy = (tr->y - tl->y) / between;
  double vx = (bl->x - tl->x) / between, vy = (bl->y - tl->y) / between;
  int good[2] = { 0 }, n = 0;

  /* Module (i, j) lies at the top-left finder's centre (module 3, 3)
   * plus (i - 3) u + (j - 3) v; the timing modules 8 … N - 9 are dark at
   * even places. */
  for (int k = 8; k <= between - 2; k++, n++)
    for (int line = 0; line < 2; line++)
      {
        int i = line == 0 ? k : 6, j = line == 0 ? 6 : k;
        int x = (int) lround (tl->x + (i - 3) * ux + (j - 3) * vx);
        int y = (int) lround (tl->y + (i - 3) * uy + (j - 3) * vy);

        if (x >= 0 && y >= 0 && x < grey->w && y < grey->h &&
            (dark[(gsize) y * grey->w + x] != 0) == (k % 2 == 0))
          good[line]++;
      }
  return n >= 6 && MAX (good[0], good[1]) >= 0.8 * n && MIN (good[0], good[1]) >= 0.6 * n;
}

static GArray *
find_codes (const Grey   *grey,
            const guchar *dark,
            GArray       *finders)
{
  GArray *codes = g_array_new (FALSE, FALSE, sizeof (Code));
  guint n = finders->len;

  for (guint b = 0; b < n; b++)
    for (guint a = 0; a < n; a++)
      for (guint c = a + 1; c < n; c++)
        {
          const Finder *fb = &g_array_index (finders, Finder, b);
          const Finder *fa = &g_array_index (finders, Finder, a);
          const Finder *fc = &g_array_index (finders, Finder, c);
          double ax = fa->x - fb->x, ay = fa->y - fb->y, cx = fc->x - fb->x, cy = fc->y - fb->y;
          double da = hypot (ax, ay), dc = hypot (cx, cy), m = (fa->module + fb->module + fc->module) / 3;
          double cosine, cross;
          Code code;

          if (a == b || c == b || da == 0 || dc == 0)
            continue;
          if (MAX (fa->module, MAX (fb->module, fc->module)) > 1.6 * MIN (fa->module, MIN (fb->module, fc->module)))
            continue;
          /* Versions 1 to 13: 14 to 62 modules between centres; a photo's
           * slant stretches one side against the other. */
          if (da < 10 * m || dc < 10 * m || da > 70 * m || dc > 70 * m ||
              MAX (da, dc) > 1.3 * MIN (da, dc))
            continue;
          cosine = (ax * cx + ay * cy) / (da * dc);
          if (fabs (cosine) > 0.26)
            continue;
          cross = ax * cy - ay * cx;
          code.tl = *fb;
          /* In image coordinates (y down), top-right then bottom-left turn
           * clockwise. */
          code.tr = cross > 0 ? *fa : *fc;
          code.bl = cross > 0 ? *fc : *fa;
          code.between = modules_between ((da + dc) / 2, m);
          if (!timing_shows (grey, dark, &code.tl, &code.tr, &code.bl, code.between))
            continue;
          code.score = (fa->count + fb->count + fc->count) * (1 - fabs (cosine)) *
                       MIN (da, dc) / MAX (da, dc);
          g_array_append_val (codes, code);
        }
  g_array_sort (codes, compare_code_score);
  /* One code per finder: the best triple keeps it. */
  for (guint i = 0; i < codes->len; i++)
    for (guint k = i + 1; k < codes->len; k++)
      {
        const Code *p = &g_array_index (codes, Code, i), *q = &g_array_index (codes, Code, k);
        const Finder *pf[3] = { &p->tl, &p->tr, &p->bl }, *qf[3] = { &q->tl, &q->tr, &q->bl };
        gboolean shared = FALSE;

        for (int s = 0; s < 3 && !shared; s++)
          for (int t = 0; t < 3 && !shared; t++)
            shared = pf[s]->x == qf[t]->x && pf[s]->y == qf[t]->y;
        if (shared)
          g_array_remove_index (codes, k--);
      }
  return codes;
}

/* A card's frame in the copy: its top-left corner and its axes, pixels per
 * mm along the card's width (@ex, @ey) and height (@fx, @fy). */
typedef struct {
  double ox, oy, ex, ey, fx, fy;
} Frame;

static inline double
sample (const Grey  *grey,
        const Frame *f,
        double       X,
        double       Y)
{
  double x = f->ox + X * f->ex + Y * f->fx, y = f->oy + X * f->ey + Y * f->fy;
  int ix = (int) lround (x), iy = (int) lround (y);

  if (ix < 0 || iy < 0 || ix >= grey->w || iy >= grey->h)
    return -1;
  return grey->g[(gsize) iy * grey->w + ix];
}

/* The step across the line X = @at (or Y = @at when @across_x is FALSE)
 * of the card, between 8 mm from its ends: the mean of outside minus
 * inside (@sign tells which side is outside), weighed by how steadily it
 * keeps its sign: a rim steps the same way all along, a line of print
 * or the QR's modules step up and down. Only what lies in the image. */
static double
rim_step (const Grey  *grey,
          const Frame *f,
          gboolean     across_x,
          double       at,
          int          sign)
{
  double sum = 0, sum_abs = 0, along_len = across_x ? CARD_H_MM : CARD_W_MM;
  int n = 0;

  for (double t = 8; t <= along_len - 8; t += 0.5)
    {
      double out = across_x ? sample (grey, f, at - sign * 0.6, t) : sample (grey, f, t, at - sign * 0.6);
      double in = across_x ? sample (grey, f, at + sign * 0.6, t) : sample (grey, f, t, at + sign * 0.6);

      if (out < 0 || in < 0)
        continue;
      sum += out - in;
      sum_abs += fabs (out - in);
      n++;
    }
  if (n < 10 || sum_abs == 0)
    return 0;
  return fabs (sum / n) * fabs (sum) / sum_abs;
}

/* Moves each side of @f's card to the rim where one shows within
 * RIM_SEARCH_MM; returns how strongly the rim showed (the steps of the
 * sides that moved, 0 when none), and the sides' offsets in @d (left,
 * top, right, bottom, in mm). A rim is a sharp step: a peak in the step
 * along the search, standing well above its neighbours a millimetre
 * either side (the slope of a glare or a shadow is broad) and above
 * what the line shows elsewhere. */
static double
meet_rim (const Grey  *grey,
          const Frame *f,
          double       d[4])
{
  static const struct { gboolean across_x; double base; int sign; } SIDES[4] = {
    { TRUE, 0, 1 }, { FALSE, 0, 1 }, { TRUE, CARD_W_MM, -1 }, { FALSE, CARD_H_MM, -1 },
  };
  enum { STEPS = (int) (RIM_SEARCH_MM * 8) + 1 };
  double strength = 0;

  for (int s = 0; s < 4; s++)
    {
      double steps[STEPS], sorted[STEPS], best = 0, median;
      int best_k = -1;

      for (int k = 0; k < STEPS; k++)
        steps[k] = rim_step (grey, f, SIDES[s].across_x,
                             SIDES[s].base + (k - STEPS / 2) * 0.25, SIDES[s].sign);
      memcpy (sorted, steps, sizeof steps);
      for (int i = 1; i < STEPS; i++)
        for (int k = i; k > 0 && sorted[k - 1] > sorted[k]; k--)
          {
            double tmp = sorted[k];

            sorted[k] = sorted[k - 1];
            sorted[k - 1] = tmp;
          }
      median = sorted[STEPS / 2];
      for (int k = 4; k < STEPS - 4; k++)
        if (steps[k] > best && steps[k] >= 1.6 * MAX (steps[k - 4], steps[k + 4]) &&
            steps[k] >= 2.5 * median && steps[k] >= 4)
          {
            best = steps[k];
            best_k = k;
          }
      d[s] = 0;
      if (best_k >= 0)
        {
          d[s] = (best_k - STEPS / 2) * 0.25;
          strength += best;
        }
    }
  return strength;
}

/* The print's texture (mean absolute grey step) in the card's box
 * @x0..@x1 × @y0..@y1 (mm). */
static double
print_texture (const Grey  *grey,
               const Frame *f,
               double       x0,
               double       y0,
               double       x1,
               double       y1)
{
  double sum = 0;
  int n = 0;

  for (double Y = y0; Y <= y1; Y += 0.3)
    for (double X = x0; X <= x1; X += 0.3)
      {
        double a = sample (grey, f, X, Y), b = sample (grey, f, X + 0.3, Y);

        if (a < 0 || b < 0)
          continue;
        sum += fabs (a - b);
        n++;
      }
  return n > 0 ? sum / n : 0;
}

/* Where the code's top-left corner sits on the card (mm from the card's
 * top-left corner), per layout. */
static const struct {
  double     x, y;
  McCardSide side;
} LAYOUTS[] = {
  { 66.3, 3.0, MC_CARD_SIDE_UNKNOWN },   /* top-right: 2021 front, some 2024 backs */
  { 3.5, 3.0, MC_CARD_SIDE_BACK },       /* top-left: 2024 back */
};

static gboolean
frame_code (const Grey        *grey,
            const Code        *code,
            double             to_input,
            McCardAnchorFrame *out)
{
  int between = code->between;
  int modules = between + 7;
  double ux = (code->tr.x - code->tl.x) / between, uy = (code->tr.y - code->tl.y) / between;
  double vx = (code->bl.x - code->tl.x) / between, vy = (code->bl.y - code->tl.y) / between;
  double per_mm = modules / QR_CODE_MM;
  double cx = code->tl.x - 3.5 * (ux + vx), cy = code->tl.y - 3.5 * (uy + vy);
  double best_score = -1;

  for (guint l = 0; l < G_N_ELEMENTS (LAYOUTS); l++)
    {
      Frame f;
      double off[4], rim, here, there, score, inside = 0;
      double corners[4][2];

      f.ex = ux * per_mm;
      f.ey = uy * per_mm;
      f.fx = vx * per_mm;
      f.fy = vy * per_mm;
      f.ox = cx - LAYOUTS[l].x * f.ex - LAYOUTS[l].y * f.fx;
      f.oy = cy - LAYOUTS[l].x * f.ey - LAYOUTS[l].y * f.fy;
      rim = meet_rim (grey, &f, off);
      /* The card's print lies beside the code on the card's side: the
       * title and the labels, against the photo's background on the
       * other. */
      if (LAYOUTS[l].x > CARD_W_MM / 2)
        {
          here = print_texture (grey, &f, LAYOUTS[l].x - 40, 4, LAYOUTS[l].x - 6, 18);
          there = print_texture (grey, &f, LAYOUTS[l].x + QR_CODE_MM + 6, 4, LAYOUTS[l].x + QR_CODE_MM + 40, 18);
        }
      else
        {
          here = print_texture (grey, &f, LAYOUTS[l].x + QR_CODE_MM + 6, 4, LAYOUTS[l].x + QR_CODE_MM + 40, 18);
          there = print_texture (grey, &f, LAYOUTS[l].x - 40, 4, LAYOUTS[l].x - 6, 18);
        }
      corners[0][0] = off[0];
      corners[0][1] = off[1];
      corners[1][0] = CARD_W_MM + off[2];
      corners[1][1] = off[1];
      corners[2][0] = CARD_W_MM + off[2];
      corners[2][1] = CARD_H_MM + off[3];
      corners[3][0] = off[0];
      corners[3][1] = CARD_H_MM + off[3];
      for (int k = 0; k < 4; k++)
        {
          double x = f.ox + corners[k][0] * f.ex + corners[k][1] * f.fx;
          double y = f.oy + corners[k][0] * f.ey + corners[k][1] * f.fy;

          inside += x >= 0 && y >= 0 && x < grey->w && y < grey->h;
          corners[k][0] = x;
          corners[k][1] = y;
        }
      /* A card is seen when most of it lies in the image: a code alone
       * (a crop of the QR) frames no card, the whole-image search reads
       * it. */
      if (inside < 3)
        continue;
      score = (1 + rim / 16) * (here + 1) / (here + there + 2) * (inside + 1) / 5;
      g_debug ("QR anchor, layout %u: rim %.1f (%.1f %.1f %.1f %.1f mm), print %.1f against %.1f, "
               "corners inside %.0f: score %.3f", l, rim, off[0], off[1], off[2], off[3], here, there,
               inside, score);
      if (score > best_score)
        {
          best_score = score;
          out->score = score;
          out->side = LAYOUTS[l].side;
          out->votes = 1 + (rim > 0);
          for (int k = 0; k < 4; k++)
            {
              out->quad[2 * k] = (corners[k][0] + 0.5) / to_input - 0.5;
              out->quad[2 * k + 1] = (corners[k][1] + 0.5) / to_input - 0.5;
            }
        }
    }
  return best_score > 0;
}

GArray *
mc_card_anchors_find (VipsImage  *srgb,
                      double      dpi,
                      GError    **error)
{
  g_autoptr(VipsImage) grey_image = NULL;
  g_autoptr(VipsImage) small = NULL;
  g_autoptr(GArray) finders = NULL;
  g_autoptr(GArray) codes = NULL;
  g_autofree guchar *pixels = NULL;
  g_autofree guchar *dark = NULL;
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (McCardAnchorFrame));
  int w = vips_image_get_width (srgb), h = vips_image_get_height (srgb);
  double scale = MIN (1.0, dpi > 0 ? SEARCH_DPI / dpi : LONG_SIDE_MAX / MAX (w, h));
  gint64 start = g_get_monotonic_time ();
  size_t size;
  Grey grey;

  if (mc_vips_grey8 (srgb, &grey_image) != 0 ||
      (scale < 1.0 ? vips_resize (grey_image, &small, scale, NULL)
                   : (small = g_object_ref (grey_image), 0)) != 0 ||
      !(pixels = vips_image_write_to_memory (small, &size)))
    {
      g_set_error (error, MC_CARD_FINDER_ERROR, MC_CARD_FINDER_ERROR_BAD_IMAGE,
                   _("The image could not be processed: %s"), vips_error_buffer ());
      vips_error_clear ();
      g_array_unref (frames);
      return NULL;
    }
  grey.g = pixels;
  grey.w = vips_image_get_width (small);
  grey.h = vips_image_get_height (small);
  scale = (double) grey.w / w;

  dark = binarise (&grey);
  finders = find_finders (&grey, dark);
  codes = find_codes (&grey, dark, finders);
  g_debug ("QR anchors: %u finder patterns, %u codes (%d x %d px, %.0f ms)", finders->len, codes->len,
           grey.w, grey.h, (g_get_monotonic_time () - start) / 1000.0);
  for (guint i = 0; i < codes->len; i++)
    {
      McCardAnchorFrame frame = { 0 };

      if (frame_code (&grey, &g_array_index (codes, Code, i), scale, &frame))
        g_array_append_val (frames, frame);
    }
  return frames;
}
