/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-mrz-find"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mc-card-finder.h"
#include "mc-id-error.h"
#include "mc-mrz-find.h"
#include "mc-mrz-find-private.h"
#include "mc-mrz-reader.h"
#include "mc-vips.h"

/* Finding an MRZ by its shape, without a card frame and without reading.
 *
 * A TD1 zone is three lines of 30 OCR-B characters, monospaced at 2.54 mm,
 * 2.3–2.6 mm tall, the lines about 3.5 mm apart. Nothing else on a card or
 * on a paper is like it: proportional print does not keep an even pitch
 * over thirty characters, and a guilloche or a photo does not come apart
 * into blobs of a letter's size. So the ink (darker than its surroundings)
 * is cut into connected blobs; from each blob, chains are followed to the
 * blob one pitch further, and one further, as long as the next blob is
 * where the pitch says; a chain of twenty-odd that sits on a straight line
 * with its blobs at whole multiples of one pitch is an MRZ line. Two or
 * three such lines side by side, with the same pitch and the spacing of an
 * MRZ, are a band. All of it is about directions and ratios, so it holds
 * at any angle and any scale; the band is then cut out upright with one
 * affine transform and read by mc_mrz_read_band(). Which way the text
 * reads is guessed from the fillers: a third of a Vietnamese zone is '<',
 * which opens ahead; the check digits decide. */

#define PITCH_MM 2.54           /* an MRZ's character pitch */
#define CARD_W_MM 85.6          /* ID-1 */
#define CARD_H_MM 53.98
#define ZONE_BELOW_CENTRE 7.1   /* pitches from the card's centre down to the zone's */
#define BAND_PITCH_PX 24.0      /* Tesseract reads OCR-B best a little under 300 dpi */
#define MIN_LINE_MEMBERS 12
#define MAX_POSITIONS 36
#define MAX_BANDS 3

typedef struct {
  int idx;
  int pos;                     /* character position along the chain */
} Member;

typedef struct {
  GArray *members;             /* Member */
  double  ox, oy;              /* fitted centre of position 0 */
  double  vx, vy;              /* fitted pitch vector */
  double  pitch;
  double  ends[4];             /* centres of the first and last members */
  int     span;                /* positions from the first to the last */
  gboolean used;
} Line;

/* Follows the chain from its last member one pitch at a time (a missing
 * character may be skipped), in the direction @sign; the pitch vector is
 * refitted from the chain's ends as it grows. */
static void
follow (const McMrzGlyphs *ctx,
        GArray            *members,
        double            *vx,
        double            *vy,
        int                sign,
        double             size)
{
  for (;;)
    {
      Member *first = &g_array_index (members, Member, 0);
      Member *last = &g_array_index (members, Member, members->len - 1);
      Member *end = sign > 0 ? last : first;
      const McMrzGlyph *e = &ctx->glyphs[end->idx];
      double pitch = hypot (*vx, *vy);
      int found = -1, k;

      if (last->pos - first->pos >= MAX_POSITIONS)
        return;
      for (k = 1; k <= 2 && found < 0; k++)
        found = mc_mrz_glyph_near (ctx, e->cx + sign * k * *vx, e->cy + sign * k * *vy, 0.3 * pitch, size);
      if (found < 0)
        return;
      k--;
      if (sign > 0)
        g_array_append_val (members, ((Member) { found, end->pos + k }));
      else
        g_array_prepend_val (members, ((Member) { found, end->pos - k }));
      first = &g_array_index (members, Member, 0);
      last = &g_array_index (members, Member, members->len - 1);
      *vx = (ctx->glyphs[last->idx].cx - ctx->glyphs[first->idx].cx) / (last->pos - first->pos);
      *vy = (ctx->glyphs[last->idx].cy - ctx->glyphs[first->idx].cy) / (last->pos - first->pos);
    }
}

/* Solves the 3 × 3 system @m × x = @b (Cramer's rule); FALSE when singular. */
static gboolean
solve3 (const double m[3][3],
        const double b[3],
        double       x[3])
{
  double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
               m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
               m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);

  if (fabs (det) < 1e-9)
    return FALSE;
  for (int k = 0; k < 3; k++)
    {
      double c[3][3];

      memcpy (c, m, sizeof c);
      for (int r = 0; r < 3; r++)
        c[r][k] = b[r];
      x[k] = (c[0][0] * (c[1][1] * c[2][2] - c[1][2] * c[2][1]) -
              c[0][1] * (c[1][0] * c[2][2] - c[1][2] * c[2][0]) +
              c[0][2] * (c[1][0] * c[2][1] - c[1][1] * c[2][0])) / det;
    }
  return TRUE;
}

/* Fits the members' centres to a + q v + q² w (q: the position from the
 * chain's middle; w lets a photo's perspective shrink the pitch along the
 * line); FALSE when they stray from it (not monospaced, not straight).
 * The line keeps the tangent at its middle: origin + pos × pitch vector. */
static gboolean
fit_line (const McMrzGlyphs *ctx,
          Line              *line)
{
  double n = line->members->len, mean = 0, m[3][3] = { { 0 } }, bx[3] = { 0 }, by[3] = { 0 };
  double fx[3], fy[3], ux, uy, along = 0, across = 0, span;

  for (guint i = 0; i < line->members->len; i++)
    mean += g_array_index (line->members, Member, i).pos / n;
  for (guint i = 0; i < line->members->len; i++)
    {
      const Member *mb = &g_array_index (line->members, Member, i);
      const McMrzGlyph *g = &ctx->glyphs[mb->idx];
      double q = mb->pos - mean, basis[3] = { 1, q, q * q };

      for (int r = 0; r < 3; r++)
        {
          for (int c = 0; c < 3; c++)
            m[r][c] += basis[r] * basis[c];
          bx[r] += basis[r] * g->cx;
          by[r] += basis[r] * g->cy;
        }
    }
  if (!solve3 (m, bx, fx) || !solve3 (m, by, fy))
    return FALSE;
  line->vx = fx[1];
  line->vy = fy[1];
  line->ox = fx[0] - mean * fx[1];
  line->oy = fy[0] - mean * fy[1];
  line->pitch = hypot (line->vx, line->vy);
  if (line->pitch < MC_MRZ_MIN_GLYPH)
    return FALSE;
  ux = line->vx / line->pitch;
  uy = line->vy / line->pitch;
  {
    const McMrzGlyph *first = &ctx->glyphs[g_array_index (line->members, Member, 0).idx];
    const McMrzGlyph *last = &ctx->glyphs[g_array_index (line->members, Member, line->members->len - 1).idx];

    line->ends[0] = first->cx;
    line->ends[1] = first->cy;
    line->ends[2] = last->cx;
    line->ends[3] = last->cy;
  }
  /* An MRZ prints every position: a chain with many gaps is words. */
  span = g_array_index (line->members, Member, line->members->len - 1).pos -
         g_array_index (line->members, Member, 0).pos;
  line->span = (int) span + 1;
  if (n < 0.8 * line->span)
    return FALSE;
  /* The pitch may change by a third from end to end, no more. */
  if (2 * fabs (fx[2] * ux + fy[2] * uy) * span > 0.35 * line->pitch)
    return FALSE;
  for (guint i = 0; i < line->members->len; i++)
    {
      const Member *mb = &g_array_index (line->members, Member, i);
      const McMrzGlyph *g = &ctx->glyphs[mb->idx];
      double q = mb->pos - mean;
      double dx = g->cx - (fx[0] + q * fx[1] + q * q * fx[2]), dy = g->cy - (fy[0] + q * fy[1] + q * q * fy[2]);
      double a = dx * ux + dy * uy, c = -dx * uy + dy * ux;

      along += a * a;
      across += c * c;
    }
  along = sqrt (along / n) / line->pitch;
  across = sqrt (across / n) / line->pitch;
  return along <= 0.12 && across <= 0.12;
}

static void
line_clear (gpointer data)
{
  g_clear_pointer (&((Line *) data)->members, g_array_unref);
}

/* Whether glyphs sit halfway between the chain's members: then it skips
 * every other character of a line and its pitch is twice the real one. */
static gboolean
skips_characters (const McMrzGlyphs *ctx,
                  const Line        *line)
{
  int halfway = 0;

  for (guint i = 0; i < line->members->len; i++)
    {
      const Member *m = &g_array_index (line->members, Member, i);
      double x = line->ox + (m->pos + 0.5) * line->vx, y = line->oy + (m->pos + 0.5) * line->vy;

      if (mc_mrz_glyph_near (ctx, x, y, 0.2 * line->pitch, ctx->glyphs[m->idx].size) >= 0)
        halfway++;
    }
  return halfway * 3 >= (int) line->members->len;
}

/* Every MRZ-like line: a chain of at least MIN_LINE_MEMBERS glyphs, evenly
 * pitched along a straight line. */
static GArray *
find_lines (McMrzGlyphs *ctx)
{
  GArray *lines = g_array_new (FALSE, TRUE, sizeof (Line));

  g_array_set_clear_func (lines, line_clear);
  for (int i = 0; i < ctx->n_glyphs; i++)
    {
      int near[3], n_near;

      if (ctx->in_line[i])
        continue;
      n_near = mc_mrz_glyph_neighbours (ctx, i, near);
      for (int k = 0; k < n_near; k++)
        {
          const McMrzGlyph *s = &ctx->glyphs[i], *g = &ctx->glyphs[near[k]];
          double vx = g->cx - s->cx, vy = g->cy - s->cy;
          Line line = { 0 };
          Member *first, *last;

          line.members = g_array_new (FALSE, FALSE, sizeof (Member));
          g_array_append_val (line.members, ((Member) { i, 0 }));
          g_array_append_val (line.members, ((Member) { near[k], 1 }));
          follow (ctx, line.members, &vx, &vy, 1, s->size);
          follow (ctx, line.members, &vx, &vy, -1, s->size);
          first = &g_array_index (line.members, Member, 0);
          last = &g_array_index (line.members, Member, line.members->len - 1);
          if (line.members->len >= MIN_LINE_MEMBERS && last->pos - first->pos < MAX_POSITIONS &&
              fit_line (ctx, &line) && !skips_characters (ctx, &line))
            {
              for (guint m = 0; m < line.members->len; m++)
                ctx->in_line[g_array_index (line.members, Member, m).idx] = 1;
              g_array_append_val (lines, line);
              break;
            }
          line_clear (&line);
        }
    }
  return lines;
}

/* Where @line runs along @ux, @uy: from @s0 to @s1 (its end characters'
 * centres), at @t across. */
static void
line_extent (const Line *line,
             double      ux,
             double      uy,
             double     *s0,
             double     *s1,
             double     *t)
{
  double a = line->ends[0] * ux + line->ends[1] * uy;
  double b = line->ends[2] * ux + line->ends[3] * uy;

  *s0 = MIN (a, b);
  *s1 = MAX (a, b);
  *t = -line->ox * uy + line->oy * ux;
}

typedef struct {
  int    line;
  double t;
} Placed;

static int
compare_placed (const void *a,
                const void *b)
{
  double p = ((const Placed *) a)->t, q = ((const Placed *) b)->t;

  return p < q ? -1 : p > q ? 1 : 0;
}

/* The lines that run beside @anchor as the lines of one MRZ do: parallel,
 * the same pitch, overlapping, within a few lines' spacing; sorted across. */
static int
lines_beside (GArray *lines,
              guint   anchor,
              Placed *placed,
              int     max_placed)
{
  Line *a = &g_array_index (lines, Line, anchor);
  double ux = a->vx / a->pitch, uy = a->vy / a->pitch, as0, as1, at;
  int n = 0;

  line_extent (a, ux, uy, &as0, &as1, &at);
  for (guint j = 0; j < lines->len && n < max_placed; j++)
    {
      Line *b = &g_array_index (lines, Line, j);
      double bx = b->vx / b->pitch, by = b->vy / b->pitch, bs0, bs1, bt;

      if (b->used)
        continue;
      if (j != anchor)
        {
          /* Within a photo's perspective. */
          if (fabs (ux * by - uy * bx) > 0.1 || b->pitch < 0.8 * a->pitch || b->pitch > 1.25 * a->pitch)
            continue;
          line_extent (b, ux, uy, &bs0, &bs1, &bt);
          if (fabs (bt - at) > 6 * a->pitch ||
              MIN (as1, bs1) - MAX (as0, bs0) < 0.4 * MIN (as1 - as0, bs1 - bs0))
            continue;
        }
      else
        bt = at;
      placed[n++] = (Placed) { j, bt };
    }
  qsort (placed, n, sizeof (Placed), compare_placed);
  return n;
}

/* How much the glyphs of @line open towards @ux, @uy, as a filler '<'
 * does (its point behind, its arms ahead): the skew of their spread
 * across the line along it, from each glyph's third moments. Positive
 * when the text reads along the vector: the fillers outnumber whatever
 * letters open either way. */
static double
chevron_lean (const McMrzGlyphs *ctx,
              const Line        *line,
              double             ux,
              double             uy)
{
  double lean = 0;

  for (guint i = 0; i < line->members->len; i++)
    {
      const McMrzGlyph *g = &ctx->glyphs[g_array_index (line->members, Member, i).idx];
      double var_a = ux * ux * g->m20 + 2 * ux * uy * g->m11 + uy * uy * g->m02;
      double var_c = uy * uy * g->m20 - 2 * ux * uy * g->m11 + ux * ux * g->m02;
      double skew = ux * uy * uy * g->m30 + (uy * uy * uy - 2 * ux * ux * uy) * g->m21 +
                    (ux * ux * ux - 2 * ux * uy * uy) * g->m12 + ux * ux * uy * g->m03;

      if (var_a > 0 && var_c > 0)
        lean += CLAMP (skew / (sqrt (var_a) * var_c), -1.0, 1.0);
    }
  return lean;
}

/* The band of the @n lines @placed beside @anchor (in @n_lines rows, from
 * @t0 to @t1 across), in working pixels; the vector along points the way the fillers
 * say the text reads. */
static McMrzBand
make_band (const McMrzGlyphs *ctx,
           GArray            *lines,
           const Line        *anchor,
           const Placed      *placed,
           int                n,
           double             t0,
           double             t1,
           int                n_lines)
{
  /* The anchor's direction: the one @placed were measured across. */
  double ux = anchor->vx / anchor->pitch, uy = anchor->vy / anchor->pitch, pitch = 0;
  double s0 = G_MAXDOUBLE, s1 = -G_MAXDOUBLE, spacing, lean = 0, deficit;
  McMrzBand band = { 0 };

  for (int k = 0; k < n; k++)
    {
      Line *l = &g_array_index (lines, Line, placed[k].line);
      double a0, a1, t;

      line_extent (l, ux, uy, &a0, &a1, &t);
      s0 = MIN (s0, a0);
      s1 = MAX (s1, a1);
      pitch += l->pitch / n;
      lean += chevron_lean (ctx, l, ux, uy);
    }
  spacing = n_lines > 1 ? (t1 - t0) / (n_lines - 1) : 1.4 * pitch;
  /* Two lines one spacing apart: the third is above or below. */
  if (n_lines < 3 && t1 - t0 < 2.2 * pitch)
    {
      t0 -= spacing;
      t1 += spacing;
    }
  /* A line whose ends were not seen: room for its 30 characters. */
  deficit = MAX (0, 29 * pitch - (s1 - s0));
  s0 -= deficit + 1.5 * pitch;
  s1 += deficit + 1.5 * pitch;
  t0 -= 1.2 * pitch;
  t1 += 1.2 * pitch;
  if (lean < 0)
    {
      double s = s0, t = t0;

      ux = -ux;
      uy = -uy;
      s0 = -s1;
      s1 = -s;
      t0 = -t1;
      t1 = -t;
    }
  band.along[0] = ux;
  band.along[1] = uy;
  band.centre[0] = (s0 + s1) / 2 * ux - (t0 + t1) / 2 * uy;
  band.centre[1] = (s0 + s1) / 2 * uy + (t0 + t1) / 2 * ux;
  band.length = s1 - s0;
  band.height = t1 - t0;
  band.pitch = pitch;
  band.n_lines = n_lines;
  return band;
}

typedef struct {
  double t;                    /* across, of its first piece */
  int    from, to;             /* its pieces in the placed lines */
} Row;

/* Groups the lines into bands: two or three lines at an MRZ's spacing (a
 * single line only when nearly whole), most characters first. */
static GArray *
group_bands (const McMrzGlyphs *ctx,
             GArray            *lines)
{
  GArray *bands = g_array_new (FALSE, FALSE, sizeof (McMrzBand));
  g_autofree Placed *placed = g_new (Placed, lines->len);
  g_autofree int *order = g_new (int, lines->len);
  g_autofree Row *rows = g_new (Row, lines->len);

  /* Longest lines first. */
  for (guint i = 0; i < lines->len; i++)
    order[i] = i;
  for (guint i = 1; i < lines->len; i++)
    for (guint j = i; j > 0 && g_array_index (lines, Line, order[j]).members->len >
                                g_array_index (lines, Line, order[j - 1]).members->len; j--)
      {
        int t = order[j];

        order[j] = order[j - 1];
        order[j - 1] = t;
      }

  for (guint o = 0; o < lines->len && bands->len < MAX_BANDS; o++)
    {
      Line *a = &g_array_index (lines, Line, order[o]);
      int n, n_rows, at = 0, from, to;

      if (a->used)
        continue;
      n = lines_beside (lines, order[o], placed, lines->len);
      /* Pieces of one line (a smudge broke it) make one row. */
      n_rows = 0;
      for (int k = 0; k < n; k++)
        {
          if (n_rows == 0 || placed[k].t - rows[n_rows - 1].t > 0.5 * a->pitch)
            rows[n_rows++] = (Row) { placed[k].t, k, k + 1 };
          else
            rows[n_rows - 1].to = k + 1;
          if (placed[k].line == order[o])
            at = n_rows - 1;
        }
      /* Outwards from the anchor while the spacing is an MRZ's. */
      from = at;
      to = at + 1;
      while (to - from < 3)
        {
          double pitch = a->pitch;

          if (to < n_rows && rows[to].t - rows[to - 1].t >= 0.9 * pitch &&
              rows[to].t - rows[to - 1].t <= 2.6 * pitch)
            to++;
          else if (from > 0 && rows[from].t - rows[from - 1].t >= 0.9 * pitch &&
                   rows[from].t - rows[from - 1].t <= 2.6 * pitch)
            from--;
          else
            break;
        }
      /* Some line nearly whole (a smudge may break the others). */
      {
        int longest = 0;

        for (int k = rows[from].from; k < rows[to - 1].to; k++)
          longest = MAX (longest, g_array_index (lines, Line, placed[k].line).span);
        if (longest < 25 || (to - from < 2 && a->members->len < 26))
          continue;
      }
      for (int k = rows[from].from; k < rows[to - 1].to; k++)
        g_array_index (lines, Line, placed[k].line).used = TRUE;
      g_array_append_val (bands, ((McMrzBand) { 0 }));
      g_array_index (bands, McMrzBand, bands->len - 1) =
        make_band (ctx, lines, a, placed + rows[from].from, rows[to - 1].to - rows[from].from,
                   rows[from].t, rows[to - 1].t, to - from);
    }
  return bands;
}

GArray *
mc_mrz_find_bands (VipsImage  *image,
                   GError    **error)
{
  g_autoptr(McMrzGlyphs) glyphs = NULL;
  g_autoptr(GArray) lines = NULL;
  GArray *bands;
  gint64 start = g_get_monotonic_time ();

  g_return_val_if_fail (VIPS_IS_IMAGE (image), NULL);

  if (!(glyphs = mc_mrz_glyphs_find (image, error)))
    return NULL;
  lines = find_lines (glyphs);
  bands = group_bands (glyphs, lines);

  /* Back to the pixels of @image. */
  for (guint i = 0; i < bands->len; i++)
    {
      McMrzBand *b = &g_array_index (bands, McMrzBand, i);

      b->centre[0] /= glyphs->scale;
      b->centre[1] /= glyphs->scale;
      b->length /= glyphs->scale;
      b->height /= glyphs->scale;
      b->pitch /= glyphs->scale;
      g_debug ("band %u: centre %.0f,%.0f along %.2f,%.2f, %.0f × %.0f, pitch %.1f, %d lines", i,
               b->centre[0], b->centre[1], b->along[0], b->along[1], b->length, b->height, b->pitch, b->n_lines);
    }
  g_debug ("%d × %d at %.2f: %d glyphs, %u lines, %u bands in %.3f s", glyphs->w, glyphs->h, glyphs->scale,
           glyphs->n_glyphs, lines->len, bands->len, (g_get_monotonic_time () - start) / 1e6);
  return bands;
}

/* The rectangle of @length × @height around @centre, its long side along
 * (@ux, @uy), cut out of @src upright and scaled by @k into @out_w ×
 * @out_h; paper (white) beyond the image's edge, as where a card was cut
 * off by the glass. */
static VipsImage *
cut_upright (VipsImage     *src,
             const double   centre[2],
             double         ux,
             double         uy,
             double         length,
             double         height,
             double         k,
             int            out_w,
             int            out_h,
             GError       **error)
{
  double s_min = centre[0] * ux + centre[1] * uy - length / 2;
  double t_min = -centre[0] * uy + centre[1] * ux - height / 2;
  VipsArrayInt *area = vips_array_int_newv (4, 0, 0, out_w, out_h);
  VipsArrayDouble *white = vips_array_double_newv (1, 255.0);
  VipsImage *out = NULL;
  int status;

  status = vips_affine (src, &out, k * ux, k * uy, -k * uy, k * ux,
                        "oarea", area, "odx", -k * s_min, "ody", -k * t_min,
                        "extend", VIPS_EXTEND_BACKGROUND, "background", white, NULL);
  vips_area_unref (VIPS_AREA (area));
  vips_area_unref (VIPS_AREA (white));
  if (status != 0)
    return mc_id_error_from_vips (error), NULL;
  return out;
}

VipsImage *
mc_mrz_band_cut (VipsImage        *image,
                 const McMrzBand  *band,
                 gboolean          turned,
                 GError          **error)
{
  g_autoptr(VipsImage) grey = NULL;
  double sign = turned ? -1 : 1, k;

  g_return_val_if_fail (VIPS_IS_IMAGE (image), NULL);
  g_return_val_if_fail (band->pitch > 0, NULL);

  if (!(grey = mc_mrz_grey (image, error)))
    return NULL;
  k = BAND_PITCH_PX / band->pitch;
  return cut_upright (grey, band->centre, sign * band->along[0], sign * band->along[1],
                      band->length, band->height, k, (int) ceil (band->length * k),
                      (int) ceil (band->height * k), error);
}

VipsImage *
mc_mrz_band_card (VipsImage        *image,
                  const McMrzBand  *band,
                  GError          **error)
{
  g_autoptr(VipsImage) flat = NULL;
  g_autoptr(VipsImage) srgb = NULL;
  double ux = band->along[0], uy = band->along[1], p = band->pitch;
  double length = CARD_W_MM / PITCH_MM * p, height = CARD_H_MM / PITCH_MM * p;
  /* The zone's middle line sits about 45 mm below the card's top edge. */
  double centre[2] = { band->centre[0] + ZONE_BELOW_CENTRE * p * uy,
                       band->centre[1] - ZONE_BELOW_CENTRE * p * ux };

  g_return_val_if_fail (VIPS_IS_IMAGE (image), NULL);
  g_return_val_if_fail (band->pitch > 0, NULL);

  if (mc_vips_flatten_white (image, &flat) != 0 ||
      vips_colourspace (flat, &srgb, VIPS_INTERPRETATION_sRGB, NULL) != 0)
    return mc_id_error_from_vips (error), NULL;
  return cut_upright (srgb, centre, ux, uy, length, height, MC_CARD_CROP_WIDTH / length,
                      MC_CARD_CROP_WIDTH, MC_CARD_CROP_HEIGHT, error);
}

int
mc_mrz_band_rotation (const McMrzBand *band)
{
  double degrees = atan2 (band->along[1], band->along[0]) * 180 / G_PI;
  int quarter = ((int) lround (degrees / 90) % 4 + 4) % 4;

  return (360 - quarter * 90) % 360;
}

static int
n_checks (const McMrz *mrz)
{
  int n = 0;

  for (guint bits = mrz->checks_valid; bits != 0; bits &= bits - 1)
    n++;
  return n;
}

gboolean
mc_mrz_find_read (McOcrPool     *pool,
                  VipsImage     *image,
                  McMrz         *mrz,
                  McMrzBand     *band,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GArray) bands = NULL;
  McMrz best = { 0 };
  McMrzBand best_band = { 0 };
  gboolean have = FALSE;

  g_return_val_if_fail (MC_IS_OCR_POOL (pool), FALSE);
  g_return_val_if_fail (VIPS_IS_IMAGE (image), FALSE);
  g_return_val_if_fail (mrz != NULL, FALSE);

  if (!(bands = mc_mrz_find_bands (image, error)))
    return FALSE;
  /* Two bands at most: a third is seldom more than print. */
  for (guint i = 0; i < MIN (bands->len, 2) && !(have && mc_mrz_is_valid (&best)); i++)
    for (int turned = 0; turned < 2; turned++)
      {
        McMrzBand *b = &g_array_index (bands, McMrzBand, i);
        g_autoptr(VipsImage) cut = NULL;
        g_autoptr(GError) local = NULL;
        McMrz attempt;

        if (!(cut = mc_mrz_band_cut (image, b, turned, error)))
          return FALSE;
        if (!mc_mrz_read_band (pool, cut, &attempt, cancellable, &local))
          {
            if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
                g_error_matches (local, MC_OCR_ERROR, MC_OCR_ERROR_NO_LANGUAGE_DATA))
              {
                g_propagate_error (error, g_steal_pointer (&local));
                return FALSE;
              }
            continue;
          }
        if (attempt.checks_valid != 0 && (!have || n_checks (&attempt) > n_checks (&best)))
          {
            best = attempt;
            best_band = *b;
            if (turned)
              {
                best_band.along[0] = -b->along[0];
                best_band.along[1] = -b->along[1];
              }
            have = TRUE;
          }
        /* Two checks holding: the way round was right. */
        if (have && n_checks (&best) >= 2)
          break;
      }
  if (!have)
    {
      g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_NOT_MRZ,
                           _("No machine-readable zone (three lines of 30 characters) was found."));
      return FALSE;
    }
  *mrz = best;
  if (band != NULL)
    *band = best_band;
  return TRUE;
}
