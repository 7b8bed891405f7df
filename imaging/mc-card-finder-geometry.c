/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-card-finder"

#include "config.h"

#include <math.h>
#include <string.h>

#include "mc-card-finder-private.h"

/* Part of mc-card-finder.c: objects of the mask to card rectangles. */

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
GArray *
mc_card_finder_convex_hull (GArray *pts)
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
gboolean
mc_card_finder_min_area_rect (GArray *hull,
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

/* Connected objects of the mask (8-connected) and their rectangles. */
GArray *
mc_card_finder_find_blobs (const Work *work,
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
      hull = mc_card_finder_convex_hull (pts);
      if (!mc_card_finder_min_area_rect (hull, &blob.rect))
        continue;
      blob.area = area;
      blob.touches = (blob.x0 == 0 ? 1 : 0) | (blob.y0 == 0 ? 2 : 0) |
                     (blob.x1 == w - 1 ? 4 : 0) | (blob.y1 == h - 1 ? 8 : 0);
      g_array_append_val (blobs, blob);
    }
  return blobs;
}

int
mc_card_finder_compare_blob_area (gconstpointer a,
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
GArray *
mc_card_finder_pick_cards (GArray   *blobs,
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
  g_array_sort (cards, mc_card_finder_compare_blob_area);
  return cards;
}
