/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-card-finder"

#include "config.h"

#include <math.h>
#include <string.h>

#include "mc-card-finder-private.h"

/* Part of mc-card-finder.c: cards in a photo, framed by their smooth face
 * and cut out along their four corners.
 *
 * On a phone photo the card lies on a desk among papers, on a checked
 * cloth, in a sleeve, under glare: no single colour sets it apart from
 * what lies round it. What does is its outline: a card is an even face
 * closed all round by an edge (its rim, its shadow), whatever colours lie
 * on either side. So the working copy is split into smooth regions, parted
 * by every step in brightness; the print on a card makes holes in its
 * face, filled here. A region whose filled shape has a card's proportions
 * (loosely: the photo's perspective changes them) and fills its rectangle
 * is a card. A sleeve is an even band round the card, parted from it by
 * the card's rim: of two such shapes one inside the other with nearly the
 * same size, the inner one is the card. Glare is a smooth patch of its own
 * inside the card (a hole, filled) or, where it washes out the rim, joins
 * the card's face without changing its outline much.
 *
 * Seen at an angle, a card is a quadrilateral, not a rectangle: each of
 * its four sides is fitted as a straight line through the edge of its
 * region (away from the rounded corners), and the corners are where those
 * lines meet. mc-card-finder.c straightens the card along them with a
 * perspective warp. */

/* A step of about 12 grey levels across two pixels of the lightly blurred
 * working copy (a card's rim against the desk, a printed stroke) parts
 * regions; a printed guilloche or a JPEG's noise does not. Where a rim
 * fades for a pixel or two (a sleeve's sheen, a small photo), the face
 * leaks out through the gap: then again with every edge a pixel thicker,
 * which closes such gaps. Last, a stronger step only, for a face whose
 * own pattern broke it up. */
static const struct {
  int step;
  int thicken;
} PASSES[] = { { 6, 0 }, { 6, 1 }, { 12, 0 } };

/* The corners of an ID-1 card are rounded with a radius of 3.18 mm, 4 %
 * of its length: points that near a corner belong to no side. */
#define CORNER_SKIP 0.10

static guchar *
smooth_map (const Work *work,
            int         step,
            int         thicken)
{
  int w = work->w, h = work->h;
  gsize n = (gsize) w * h;
  g_autofree int *grey = g_new (int, n);
  g_autofree int *blur = g_new0 (int, n);
  guchar *smooth = g_malloc0 (n);

  for (gsize i = 0; i < n; i++)
    {
      const guchar *p = work->rgb + 3 * i;

      grey[i] = p[0] + p[1] + p[2];
    }
  /* 3 × 3 box sums (×9, and ×3 for the channels). */
  for (int y = 1; y < h - 1; y++)
    for (int x = 1; x < w - 1; x++)
      {
        int s = 0;

        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -1; dx <= 1; dx++)
            s += grey[(gsize) (y + dy) * w + x + dx];
        blur[(gsize) y * w + x] = s;
      }
  /* Central differences are twice the step per pixel; the box sums 27
   * times a pixel's grey. */
  for (int y = 2; y < h - 2; y++)
    for (int x = 2; x < w - 2; x++)
      {
        gsize i = (gsize) y * w + x;
        double gx = (blur[i + 1] - blur[i - 1]) / 54.0;
        double gy = (blur[i + w] - blur[i - w]) / 54.0;

        smooth[i] = gx * gx + gy * gy < (double) step * step;
      }
  for (int t = 0; t < thicken; t++)
    {
      g_autofree guchar *was = g_memdup2 (smooth, n);

      for (int y = 1; y < h - 1; y++)
        for (int x = 1; x < w - 1; x++)
          {
            gsize i = (gsize) y * w + x;

            smooth[i] = was[i] && was[i - 1] && was[i + 1] && was[i - w] && was[i + w] &&
                        was[i - w - 1] && was[i - w + 1] && was[i + w - 1] && was[i + w + 1];
          }
    }
  return smooth;
}

/* Fits a line through @pts (total least squares): a point on it and its
 * direction. FALSE when the points are too few to tell. */
static gboolean
fit_line (GArray *pts,
          Pt     *at,
          Pt     *dir)
{
  double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0, theta;

  if (pts->len < 8)
    return FALSE;
  for (guint i = 0; i < pts->len; i++)
    {
      mx += g_array_index (pts, Pt, i).x;
      my += g_array_index (pts, Pt, i).y;
    }
  mx /= pts->len;
  my /= pts->len;
  for (guint i = 0; i < pts->len; i++)
    {
      double dx = g_array_index (pts, Pt, i).x - mx, dy = g_array_index (pts, Pt, i).y - my;

      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
  theta = 0.5 * atan2 (2 * sxy, sxx - syy);
  at->x = mx;
  at->y = my;
  dir->x = cos (theta);
  dir->y = sin (theta);
  return TRUE;
}

static gboolean
intersect (Pt  a,
           Pt  da,
           Pt  b,
           Pt  db,
           Pt *out)
{
  double den = da.x * db.y - da.y * db.x;
  double t;

  if (fabs (den) < 1e-6)
    return FALSE;
  t = ((b.x - a.x) * db.y - (b.y - a.y) * db.x) / den;
  out->x = a.x + t * da.x;
  out->y = a.y + t * da.y;
  return TRUE;
}

/* The four corners of the card whose filled region is @filled (within
 * [x0, x1] × [y0, y1]) and whose rectangle is @r: its rim's points, each
 * given to the rectangle's nearest side, one line per side, cut two by
 * two. In the rectangle's order (top-left, top-right, bottom-right,
 * bottom-left along its angle). Falls back to the rectangle's own corners
 * when a side cannot be fitted or the corners stray from it. */
static void
fit_quad (const guchar *filled,
          int           w,
          int           x0,
          int           y0,
          int           x1,
          int           y1,
          const Rect   *r,
          int           grow,
          double        skip,
          double        quad[8])
{
  static const int su[4] = { -1, 1, 1, -1 }, sv[4] = { -1, -1, 1, 1 };
  GArray *side[4];
  double cs = cos (r->angle), sn = sin (r->angle);
  Pt at[4], dir[4];
  double fitted[8];

  for (int i = 0; i < 4; i++)
    {
      double u = su[i] * r->w / 2, v = sv[i] * r->h / 2;

      quad[2 * i] = r->cx + u * cs - v * sn;
      quad[2 * i + 1] = r->cy + u * sn + v * cs;
      side[i] = g_array_new (FALSE, FALSE, sizeof (Pt));
    }

  /* Sides: 0 top (v = -h/2), 1 right (u = w/2), 2 bottom, 3 left. */
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        gsize i = (gsize) y * w + x;
        double px = x + 0.5, py = y + 0.5, u, v, d[4];
        int best = 0;
        Pt p = { px, py };

        if (!filled[i] ||
            (x > x0 && x < x1 && y > y0 && y < y1 &&
             filled[i - 1] && filled[i + 1] && filled[i - w] && filled[i + w]))
          continue;
        u = (px - r->cx) * cs + (py - r->cy) * sn;
        v = -(px - r->cx) * sn + (py - r->cy) * cs;
        d[0] = fabs (v + r->h / 2);
        d[1] = fabs (u - r->w / 2);
        d[2] = fabs (v - r->h / 2);
        d[3] = fabs (u + r->w / 2);
        for (int k = 1; k < 4; k++)
          if (d[k] < d[best])
            best = k;
        /* Away from the rounded corners. */
        if ((best % 2 == 0 && fabs (u) > 0.5 * r->w - skip) ||
            (best % 2 == 1 && fabs (v) > 0.5 * r->h - skip))
          continue;
        g_array_append_val (side[best], p);
      }

  for (int k = 0; k < 4; k++)
    {
      gboolean fitted_side = fit_line (side[k], &at[k], &dir[k]);

      g_array_unref (side[k]);
      side[k] = NULL;
      if (!fitted_side)
        {
          for (int j = k + 1; j < 4; j++)
            g_array_unref (side[j]);
          return;
        }
      /* Thickened edges ate into the face: the side lies further out. */
      {
        Pt normal = { -dir[k].y, dir[k].x };

        if ((at[k].x - r->cx) * normal.x + (at[k].y - r->cy) * normal.y < 0)
          normal.x = -normal.x, normal.y = -normal.y;
        at[k].x += grow * normal.x;
        at[k].y += grow * normal.y;
      }
    }
  /* Corner i lies between sides: 0 (TL) top/left, 1 (TR) top/right,
   * 2 (BR) bottom/right, 3 (BL) bottom/left. */
  {
    static const int a_side[4] = { 0, 0, 2, 2 }, b_side[4] = { 3, 1, 1, 3 };

    for (int i = 0; i < 4; i++)
      {
        Pt c;

        if (!intersect (at[a_side[i]], dir[a_side[i]], at[b_side[i]], dir[b_side[i]], &c) ||
            hypot (c.x - quad[2 * i], c.y - quad[2 * i + 1]) > 0.15 * r->h)
          return;
        fitted[2 * i] = c.x;
        fitted[2 * i + 1] = c.y;
      }
  }
  memcpy (quad, fitted, sizeof fitted);
}

/* The region @label with its holes filled, in @filled (cleared first over
 * the box); returns its pixel count. */
static gsize
fill_region (const guint *labels,
             guint        label,
             int          w,
             const int    box[4],
             guchar      *filled,
             guint       *stack)
{
  int bx = box[0] - 1, by = box[1] - 1;
  int bw = box[2] - box[0] + 3, bh = box[3] - box[1] + 3;
  g_autofree guchar *outside = g_malloc0 ((gsize) bw * bh);
  gsize top = 0, area = 0;

  /* Flood the box's frame (one pixel beyond the region) inwards through
   * everything that is not the region. */
#define IN_REGION(lx, ly) \
  ((lx) > 0 && (ly) > 0 && (lx) < bw - 1 && (ly) < bh - 1 && \
   labels[(gsize) ((ly) + by) * w + (lx) + bx] == label)
  for (int lx = 0; lx < bw; lx++)
    for (int ly = 0; ly < bh; ly += (lx == 0 || lx == bw - 1) ? 1 : bh - 1)
      {
        outside[(gsize) ly * bw + lx] = 1;
        stack[top++] = (guint) ly * bw + lx;
      }
  while (top > 0)
    {
      guint i = stack[--top];
      int lx = i % bw, ly = i / bw;

#define PUSH(nx, ny) G_STMT_START { \
        int _x = (nx), _y = (ny); \
        if (_x >= 0 && _y >= 0 && _x < bw && _y < bh && \
            !outside[(gsize) _y * bw + _x] && !IN_REGION (_x, _y)) \
          { outside[(gsize) _y * bw + _x] = 1; stack[top++] = (guint) _y * bw + _x; } \
      } G_STMT_END
      PUSH (lx - 1, ly);
      PUSH (lx + 1, ly);
      PUSH (lx, ly - 1);
      PUSH (lx, ly + 1);
#undef PUSH
    }
#undef IN_REGION
  for (int ly = 1; ly < bh - 1; ly++)
    for (int lx = 1; lx < bw - 1; lx++)
      {
        gboolean in = !outside[(gsize) ly * bw + lx];

        filled[(gsize) (ly + by) * w + lx + bx] = in;
        area += in;
      }
  return area;
}

static gboolean
inside_rect (const Rect *outer,
             double      x,
             double      y)
{
  double dx = x - outer->cx, dy = y - outer->cy;
  double u = dx * cos (outer->angle) + dy * sin (outer->angle);
  double v = -dx * sin (outer->angle) + dy * cos (outer->angle);

  return fabs (u) <= outer->w / 2 && fabs (v) <= outer->h / 2;
}

static int
compare_quad_area (gconstpointer a,
                   gconstpointer b)
{
  return mc_card_finder_compare_blob_area (&((const CardQuad *) a)->rect,
                                           &((const CardQuad *) b)->rect);
}

/* Erodes (@keep_all) or dilates @m (@bw × @bh) by a square of side
 * 2 @r + 1, one direction at a time with running counts. */
static void
square_filter (guchar   *m,
               int       bw,
               int       bh,
               int       r,
               gboolean  keep_all)
{
  int longest = MAX (bw, bh);
  g_autofree int *sum = g_new (int, longest + 1);
  g_autofree guchar *line = g_new (guchar, longest);

  for (int pass = 0; pass < 2; pass++)
    {
      int lines = pass == 0 ? bh : bw, len = pass == 0 ? bw : bh;

      for (int l = 0; l < lines; l++)
        {
          sum[0] = 0;
          for (int t = 0; t < len; t++)
            {
              line[t] = pass == 0 ? m[(gsize) l * bw + t] : m[(gsize) t * bw + l];
              sum[t + 1] = sum[t] + line[t];
            }
          for (int t = 0; t < len; t++)
            {
              int a = t - r, b = t + r + 1, count = sum[MIN (b, len)] - sum[MAX (a, 0)];
              guchar v = keep_all ? (a >= 0 && b <= len && count == b - a) : count > 0;

              if (pass == 0)
                m[(gsize) l * bw + t] = v;
              else
                m[(gsize) t * bw + l] = v;
            }
        }
    }
}

/* Whether the shape @filled (within @box) is card-shaped: its rectangle
 * and four corners in @q. */
static gboolean
card_shaped (const guchar *filled,
             int           w,
             int           h,
             const int     box[4],
             gsize         filled_area,
             int           grow,
             double        skip,
             CardQuad     *q)
{
  g_autoptr(GArray) pts = g_array_new (FALSE, FALSE, sizeof (Pt));
  g_autoptr(GArray) hull = NULL;
  double aspect, fill, image_area = (double) w * h;

  for (int y = box[1]; y <= box[3]; y++)
    for (int x = box[0]; x <= box[2]; x++)
      {
        gsize i = (gsize) y * w + x;

        if (filled[i] &&
            (x == 0 || y == 0 || x == w - 1 || y == h - 1 ||
             !(filled[i - 1] && filled[i + 1] && filled[i - w] && filled[i + w])))
          {
            Pt c[4] = { { x, y }, { x + 1, y }, { x, y + 1 }, { x + 1, y + 1 } };

            g_array_append_vals (pts, c, 4);
          }
      }
  hull = mc_card_finder_convex_hull (pts);
  if (!mc_card_finder_min_area_rect (hull, &q->rect))
    return FALSE;
  aspect = q->rect.w / MAX (q->rect.h, 1e-9);
  fill = filled_area / MAX (q->rect.w * q->rect.h, 1e-9);
  g_debug ("face: %.0f × %.0f px at (%.0f, %.0f), %.1f°, fill %.2f",
           q->rect.w, q->rect.h, q->rect.cx, q->rect.cy, q->rect.angle * 180 / G_PI, fill);
  /* Seen at an angle, a card's proportions change and its shape fills a
   * little less of its rectangle. */
  if (fill < 0.85 || aspect < 1.40 || aspect > 1.85 ||
      q->rect.w * q->rect.h < 0.02 * image_area || q->rect.w * q->rect.h > 0.9 * image_area)
    return FALSE;
  fit_quad (filled, w, box[0], box[1], box[2], box[3], &q->rect, grow, MAX (skip, CORNER_SKIP * q->rect.h), q->quad);
  return TRUE;
}

/* A face that leaked out through a stretch of its rim washed out by glare
 * or a sleeve: what leaked is narrower than the card (a strip of desk
 * between two lines of a letter, a square of cloth). Opening the shape by
 * a square an eighth of its height removes it; of the parts left, one
 * clear of the photo's edge and card-shaped is the card, its corners
 * rounded off. */
static gboolean
card_in_leak (guchar       *filled,
              int           w,
              int           h,
              const int     box[4],
              const Rect   *leaky,
              guint        *stack,
              CardQuad     *q)
{
  int bw = box[2] - box[0] + 1, bh = box[3] - box[1] + 1;
  int r = (int) (leaky->h / 8);
  g_autofree guchar *m = g_malloc ((gsize) bw * bh);
  g_autofree guint *part = NULL;
  guint parts = 0;

  if (r < 3)
    return FALSE;
  for (int y = 0; y < bh; y++)
    memcpy (m + (gsize) y * bw, filled + (gsize) (y + box[1]) * w + box[0], bw);
  square_filter (m, bw, bh, r, TRUE);
  square_filter (m, bw, bh, r, FALSE);

  part = g_new0 (guint, (gsize) bw * bh);
  for (gsize start = 0; start < (gsize) bw * bh; start++)
    {
      gsize area;
      int pbox[4];
      int abs_box[4];

      if (!m[start] || part[start] != 0)
        continue;
      part[start] = ++parts;
      stack[0] = start;
      area = mc_card_finder_flood (m, part, parts, bw, bh, stack, 1, pbox);
      abs_box[0] = pbox[0] + box[0];
      abs_box[1] = pbox[1] + box[1];
      abs_box[2] = pbox[2] + box[0];
      abs_box[3] = pbox[3] + box[1];
      if (area < 0.02 * w * h ||
          abs_box[0] <= 2 || abs_box[1] <= 2 || abs_box[2] >= w - 3 || abs_box[3] >= h - 3)
        continue;
      for (int y = 0; y < bh; y++)
        for (int x = 0; x < bw; x++)
          filled[(gsize) (y + box[1]) * w + x + box[0]] = part[(gsize) y * bw + x] == parts;
      /* The square cut a corner off as far as 1.5 r along each side. */
      if (card_shaped (filled, w, h, abs_box, area, 0, 1.5 * r, q))
        return TRUE;
    }
  return FALSE;
}

static GArray *
find_faces_at (const Work *work,
               int         step,
               int         thicken)
{
  int w = work->w, h = work->h;
  gsize n = (gsize) w * h;
  g_autofree guchar *smooth = smooth_map (work, step, thicken);
  g_autofree guint *labels = g_new0 (guint, n);
  g_autofree guint *stack = g_new (guint, n + 2 * (w + h) + 8);
  g_autofree guchar *filled = g_malloc0 (n);
  GArray *found = g_array_new (FALSE, FALSE, sizeof (CardQuad));
  double image_area = (double) w * h;
  guint label = 0;

  for (gsize start = 0; start < n; start++)
    {
      int box[4];
      gsize area, filled_area;
      CardQuad q = { 0 };
      gboolean touching;

      if (!smooth[start] || labels[start] != 0)
        continue;
      labels[start] = ++label;
      stack[0] = start;
      area = mc_card_finder_flood (smooth, labels, label, w, h, stack, 1, box);
      /* A card fills at least 2 % of a photo of it (as the face finder
       * asks). */
      if (area < 0.01 * image_area)
        continue;
      touching = box[0] <= 2 || box[1] <= 2 || box[2] >= w - 3 || box[3] >= h - 3;
      filled_area = fill_region (labels, label, w, box, filled, stack);
      /* A card's face carries print (its title, number, photo box: holes
       * in its face), where a checked cloth's square or a bare sheet has
       * none. One touching the photo's edge is left to the other finders
       * unless a card lies inside it. */
      if (filled_area - area >= 0.04 * filled_area)
        {
          gboolean card = card_shaped (filled, w, h, box, filled_area, thicken, 0, &q) && !touching;
          Rect leaky = q.rect;

          if (!card && leaky.h > 0)
            card = card_in_leak (filled, w, h, box, &leaky, stack, &q);
          if (card)
            g_array_append_val (found, q);
        }
      for (int y = box[1]; y <= box[3]; y++)
        memset (filled + (gsize) y * w + box[0], 0, box[2] - box[0] + 1);
    }

  /* A card in a sleeve, or a card's printed frame: of two shapes one
   * inside the other, nearly the same size, the inner one is the card. A
   * much smaller one inside (a photo box) is a part of the card. */
  g_array_sort (found, compare_quad_area);
  for (guint i = 0; i < found->len; i++)
    {
      const Rect *outer = &g_array_index (found, CardQuad, i).rect;
      gboolean sleeve = FALSE;

      for (guint k = i + 1; k < found->len && !sleeve; k++)
        {
          const Rect *inner = &g_array_index (found, CardQuad, k).rect;

          sleeve = inside_rect (outer, inner->cx, inner->cy) &&
                   inner->w * inner->h >= 0.55 * outer->w * outer->h;
        }
      if (sleeve)
        g_array_remove_index (found, i--);
    }
  /* Whatever still lies inside a card found is part of it. */
  for (guint i = 0; i < found->len; i++)
    for (guint k = i + 1; k < found->len; k++)
      if (inside_rect (&g_array_index (found, CardQuad, i).rect,
                       g_array_index (found, CardQuad, k).rect.cx,
                       g_array_index (found, CardQuad, k).rect.cy))
        g_array_remove_index (found, k--);
  return found;
}

GArray *
mc_card_finder_find_faces (const Work *work)
{
  GArray *found = NULL;

  for (guint s = 0; s < G_N_ELEMENTS (PASSES); s++)
    {
      g_clear_pointer (&found, g_array_unref);
      found = find_faces_at (work, PASSES[s].step, PASSES[s].thicken);
      if (found->len > 0)
        break;
    }
  return found;
}
