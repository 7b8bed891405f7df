/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-report"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <unistd.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-report-document.h"

/* Margins of Vietnamese administrative papers: wider on the binding side. */
#define MARGIN_LEFT   70.0
#define MARGIN_RIGHT  45.0
#define MARGIN_TOP    42.0
#define MARGIN_BOTTOM 44.0
#define GAP            8.0
#define CELL_PAD       2.5
/* The chart gives up height, down to the least, to keep a report on
 * fewer pages. */
#define CHART_HEIGHT     120.0
#define CHART_HEIGHT_MIN  64.0

#define A4_WIDTH  595.276
#define A4_HEIGHT 841.89

#define FONT_BODY    "Noto Serif 10"
#define FONT_BOLD    "Noto Serif Bold 10"
#define FONT_ITALIC  "Noto Serif Italic 9"
#define FONT_TITLE   "Noto Serif Bold 14"
#define FONT_TABLE   "Noto Sans 8.5"
#define FONT_TABLE_B "Noto Sans Bold 8.5"
#define FONT_TABLE_H "Noto Sans Bold 7.5"
#define FONT_SMALL   "Noto Sans 7"

typedef enum {
  BLOCK_HEADER,
  BLOCK_TITLE,
  BLOCK_HEADING,
  BLOCK_PROC_HEAD,
  BLOCK_PROC_ROW,
  BLOCK_PROC_TOTAL,
  BLOCK_SHARE,
  BLOCK_CHART,
  BLOCK_COUNTER_HEAD,
  BLOCK_COUNTER_ROW,
  BLOCK_COUNTER_TOTAL,
  BLOCK_SIGNATURES,
} BlockKind;

typedef struct {
  BlockKind kind;
  int       index;
  guint     page;
  double    y;
} Block;

struct _McReportDocument
{
  GObject     parent_instance;

  McSummary  *summary;
  guint       target_percent;
  GArray     *blocks;      /* Block, placed by the last paginate */
  guint       n_pages;
  double      width;
  double      height;
  double      chart_height;
};

G_DEFINE_FINAL_TYPE (McReportDocument, mc_report_document, G_TYPE_OBJECT)

/* ---- Text -------------------------------------------------------------- */

typedef struct {
  McReportDocument *self;
  cairo_t          *cr;
  PangoContext     *context;
  gboolean          draw;
} Pen;

static void
pen_init (Pen              *pen,
          McReportDocument *self,
          cairo_t          *cr,
          gboolean          draw)
{
  cairo_font_options_t *options = cairo_font_options_create ();

  pen->self = self;
  pen->cr = cr;
  pen->draw = draw;
  pen->context = pango_cairo_create_context (cr);
  /* Points everywhere, and no hinting: the same layout on paper, in the
   * PDF and in the print preview. */
  pango_cairo_context_set_resolution (pen->context, 72.0);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (pen->context, options);
  cairo_font_options_destroy (options);
}

static void
pen_clear (Pen *pen)
{
  g_clear_object (&pen->context);
}

/* Draws (when the pen draws) and returns the height of @text set in
 * @font, wrapped to @width. */
static double
pen_text (Pen            *pen,
          double          x,
          double          y,
          double          width,
          const char     *font,
          PangoAlignment  align,
          const char     *text)
{
  g_autoptr(PangoLayout) layout = pango_layout_new (pen->context);
  PangoFontDescription *desc = pango_font_description_from_string (font);
  int w, h;

  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, align);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_size (layout, &w, &h);

  if (pen->draw)
    {
      cairo_move_to (pen->cr, x, y);
      pango_cairo_update_context (pen->cr, pen->context);
      pango_layout_context_changed (layout);
      pango_cairo_show_layout (pen->cr, layout);
    }
  return (double) h / PANGO_SCALE;
}

static char *
format_count (guint64 n)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, n);
}

/* ---- Blocks ------------------------------------------------------------ */

static double
content_width (McReportDocument *self)
{
  return self->width - MARGIN_LEFT - MARGIN_RIGHT;
}

static char *
dup_period (const McSummary *s)
{
  g_autofree char *from = mc_day_format_display (s->from);
  g_autofree char *to = mc_day_format_display (s->to);
  GDate a, b;

  g_date_clear (&a, 1);
  g_date_clear (&b, 1);
  g_date_set_julian (&a, s->from);
  g_date_set_julian (&b, s->to);
  if (g_date_get_day (&a) == 1 && g_date_is_last_of_month (&b) &&
      g_date_get_month (&a) == g_date_get_month (&b) && g_date_get_year (&a) == g_date_get_year (&b))
    /* Translators: the report's period: month/year, then the first and last day */
    return g_strdup_printf (_("Month %02u/%04u (%s to %s)"), g_date_get_month (&a), g_date_get_year (&a),
                            from, to);
  /* Translators: the report's period, first and last day */
  return g_strdup_printf (_("From %s to %s"), from, to);
}

static double
block_header (McReportDocument *self,
              Pen              *pen,
              double            y)
{
  const McSummary *s = self->summary;
  double w = content_width (self);
  double half = w * 0.42;
  g_autofree char *unit = s->unit_name ? g_utf8_strup (s->unit_name, -1) : g_strdup (_("ALL WARDS"));
  double left, right;

  left = pen_text (pen, MARGIN_LEFT, y, half, FONT_BOLD, PANGO_ALIGN_CENTER, unit);
  left += pen_text (pen, MARGIN_LEFT, y + left, half, FONT_BODY, PANGO_ALIGN_CENTER,
                    _("Reception and Results Office"));
  right = pen_text (pen, MARGIN_LEFT + w - w * 0.55, y, w * 0.55, FONT_BOLD, PANGO_ALIGN_CENTER,
                    _("SOCIALIST REPUBLIC OF VIET NAM"));
  right += pen_text (pen, MARGIN_LEFT + w - w * 0.55, y + right, w * 0.55, FONT_BOLD, PANGO_ALIGN_CENTER,
                     _("Independence – Freedom – Happiness"));
  if (pen->draw)
    {
      double cx = MARGIN_LEFT + w - w * 0.275;

      cairo_set_line_width (pen->cr, 0.6);
      cairo_move_to (pen->cr, cx - 70, y + right + 2);
      cairo_line_to (pen->cr, cx + 70, y + right + 2);
      cairo_move_to (pen->cr, MARGIN_LEFT + half / 2 - 40, y + left + 2);
      cairo_line_to (pen->cr, MARGIN_LEFT + half / 2 + 40, y + left + 2);
      cairo_stroke (pen->cr);
    }
  return MAX (left, right) + 1.5 * GAP;
}

static double
block_title (McReportDocument *self,
             Pen              *pen,
             double            y)
{
  const McSummary *s = self->summary;
  double w = content_width (self);
  g_autofree char *period = dup_period (s);
  double h;

  h = pen_text (pen, MARGIN_LEFT, y, w, FONT_TITLE, PANGO_ALIGN_CENTER, _("REPORT"));
  h += pen_text (pen, MARGIN_LEFT, y + h, w, FONT_BOLD, PANGO_ALIGN_CENTER,
                 _("Filings made with the help of the online-filing support point"));
  h += pen_text (pen, MARGIN_LEFT, y + h, w, FONT_BODY, PANGO_ALIGN_CENTER, period);
  if (s->merged_in->len > 0)
    {
      g_autofree char *names = mc_merged_units_dup_names (s->merged_in);
      g_autofree char *note = g_strdup_printf (_("Includes the records of units since merged into this ward: %s."), names);

      h += 4 + pen_text (pen, MARGIN_LEFT, y + h + 4, w, FONT_ITALIC, PANGO_ALIGN_CENTER, note);
    }
  return h + GAP;
}

static const char *
heading_text (int index)
{
  switch (index)
    {
    case 0: return _("1. Filings by procedure and portal");
    case 1: return _("2. Filings per day");
    case 2: return _("3. Filings by counter");
    default: return "";
    }
}

/* Procedure table: number, procedure, one column per channel, total. */
#define NUM_COL  22.0
#define CH_COL   40.0
#define CODE_COL 50.0
#define PROC_COLS (MC_N_CHANNELS + 4)

static void
cell_rect (Pen    *pen,
           double  x,
           double  y,
           double  w,
           double  h,
           gboolean shade)
{
  if (!pen->draw)
    return;
  if (shade)
    {
      cairo_set_source_rgb (pen->cr, 0.92, 0.93, 0.95);
      cairo_rectangle (pen->cr, x, y, w, h);
      cairo_fill (pen->cr);
      cairo_set_source_rgb (pen->cr, 0, 0, 0);
    }
  cairo_set_line_width (pen->cr, 0.5);
  cairo_rectangle (pen->cr, x, y, w, h);
  cairo_stroke (pen->cr);
}

/* Lays out one table row: measures every cell, then draws them all at
 * the height of the tallest. */
static double
table_row (Pen                *pen,
           double              y,
           const double       *widths,
           const char * const *cells,
           guint               n,
           gboolean            bold,
           gboolean            shade)
{
  const char *font = shade ? FONT_TABLE_H : bold ? FONT_TABLE_B : FONT_TABLE;
  double h = 0, x;
  gboolean draw = pen->draw;

  pen->draw = FALSE;
  for (guint i = 0; i < n; i++)
    h = MAX (h, pen_text (pen, 0, 0, widths[i] - 2 * CELL_PAD, font, PANGO_ALIGN_LEFT, cells[i]));
  pen->draw = draw;
  h += 2 * CELL_PAD;

  x = MARGIN_LEFT;
  for (guint i = 0; i < n; i++)
    {
      /* Numbers to the right, text to the left, headings centred. */
      PangoAlignment align = (i == 1 && !shade) ? PANGO_ALIGN_LEFT :
                             shade ? PANGO_ALIGN_CENTER : PANGO_ALIGN_RIGHT;

      if ((i == 0 || (i == 2 && n == PROC_COLS)) && !shade)
        align = PANGO_ALIGN_CENTER;
      cell_rect (pen, x, y, widths[i], h, shade);
      pen_text (pen, x + CELL_PAD, y + CELL_PAD, widths[i] - 2 * CELL_PAD, font, align, cells[i]);
      x += widths[i];
    }
  return h;
}

static void
proc_widths (McReportDocument *self,
             double            widths[PROC_COLS])
{
  widths[0] = NUM_COL;
  widths[1] = content_width (self) - NUM_COL - CODE_COL - (MC_N_CHANNELS + 1) * CH_COL;
  widths[2] = CODE_COL;
  for (guint i = 0; i <= MC_N_CHANNELS; i++)
    widths[3 + i] = CH_COL;
}

static double
block_proc_head (McReportDocument *self,
                 Pen              *pen,
                 double            y)
{
  double widths[PROC_COLS];
  const char *cells[PROC_COLS];

  proc_widths (self, widths);
  cells[0] = _("No.");
  cells[1] = _("Procedure");
  cells[2] = _("Code");
  for (McChannel ch = 0; ch < MC_N_CHANNELS; ch++)
    cells[3 + ch] = mc_channel_get_short_label (ch);
  cells[PROC_COLS - 1] = _("Total");
  return table_row (pen, y, widths, cells, PROC_COLS, TRUE, TRUE);
}

static double
block_proc_row (McReportDocument *self,
                Pen              *pen,
                double            y,
                int               index)
{
  const McSummary *s = self->summary;
  double widths[PROC_COLS];
  char *cells[PROC_COLS];
  guint64 totals[MC_N_CHANNELS] = { 0 };
  guint64 total;
  double h;

  proc_widths (self, widths);
  if (index >= 0)
    {
      McSummaryProcedure *p = g_ptr_array_index (s->procedures, index);

      cells[0] = g_strdup_printf ("%d", index + 1);
      cells[1] = g_strdup (p->label);
      cells[2] = g_strdup (p->code);
      for (McChannel ch = 0; ch < MC_N_CHANNELS; ch++)
        totals[ch] = p->by_channel[ch];
      total = p->total;
    }
  else
    {
      cells[0] = g_strdup ("");
      cells[1] = g_strdup (_("Total"));
      cells[2] = g_strdup ("");
      for (McChannel ch = 0; ch < MC_N_CHANNELS; ch++)
        totals[ch] = s->by_channel[ch];
      total = s->total;
    }
  for (McChannel ch = 0; ch < MC_N_CHANNELS; ch++)
    cells[3 + ch] = format_count (totals[ch]);
  cells[PROC_COLS - 1] = format_count (total);

  h = table_row (pen, y, widths, (const char * const *) cells, PROC_COLS, index < 0, FALSE);
  for (guint i = 0; i < PROC_COLS; i++)
    g_free (cells[i]);
  return h;
}

static double
block_share (McReportDocument *self,
             Pen              *pen,
             double            y)
{
  const McSummary *s = self->summary;
  g_autofree char *text = NULL;

  if (s->total == 0)
    text = g_strdup_printf (_("No filings were recorded in this period. Target share filed online: %u %%."),
                            self->target_percent);
  else
    {
      double share = 100.0 * (double) s->online / (double) s->total;

      text = g_strdup_printf (_("Filed online: %llu of %llu (%.1f %%). Target: %u %%, %s."),
                              (unsigned long long) s->online, (unsigned long long) s->total,
                              share, self->target_percent,
                              share + 1e-9 >= self->target_percent ? _("met") : _("not met"));
    }
  return GAP / 2 + pen_text (pen, MARGIN_LEFT, y + GAP / 2, content_width (self), FONT_BODY,
                             PANGO_ALIGN_LEFT, text) + GAP;
}

guint64
mc_report_chart_top (guint64 max)
{
  static const guint64 steps[] = { 2, 4, 6, 8, 10 };
  guint64 scale = 1;

  while (scale * 10 < max)
    scale *= 10;
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] * scale >= max)
      return steps[i] * scale;
  return 10 * scale;
}

static double
block_chart (McReportDocument *self,
             Pen              *pen,
             double            y)
{
  const McSummary *s = self->summary;
  double w = content_width (self);
  double axis = 30, bottom = 16;
  double plot_x = MARGIN_LEFT + axis, plot_w = w - axis;
  double plot_y = y + 8, plot_h = self->chart_height - bottom - 8;
  guint n = s->by_day->len;
  guint64 max = 0, top;
  double bar;
  guint label_every;
  gboolean long_range = s->to - s->from > 62;

  if (!pen->draw)
    return self->chart_height + GAP;

  for (guint i = 0; i < n; i++)
    max = MAX (max, g_array_index (s->by_day, guint64, i));
  top = mc_report_chart_top (max);
  bar = plot_w / n;
  label_every = MAX (1, (guint) ceil ((long_range ? 30.0 : 14.0) / bar));

  /* Grid and scale: 0, half, top. */
  cairo_set_line_width (pen->cr, 0.4);
  for (guint k = 0; k <= 2; k++)
    {
      double gy = plot_y + plot_h - plot_h * k / 2.0;
      g_autofree char *label = format_count (top * k / 2);

      cairo_set_source_rgb (pen->cr, 0.75, 0.75, 0.75);
      cairo_move_to (pen->cr, plot_x, gy);
      cairo_line_to (pen->cr, plot_x + plot_w, gy);
      cairo_stroke (pen->cr);
      cairo_set_source_rgb (pen->cr, 0, 0, 0);
      pen_text (pen, MARGIN_LEFT, gy - 5, axis - 4, FONT_SMALL, PANGO_ALIGN_RIGHT, label);
    }

  for (guint i = 0; i < n; i++)
    {
      guint64 v = g_array_index (s->by_day, guint64, i);
      double bh = top ? plot_h * (double) v / (double) top : 0;
      double bx = plot_x + i * bar + bar * 0.15;

      cairo_set_source_rgb (pen->cr, 0.16, 0.36, 0.62);
      cairo_rectangle (pen->cr, bx, plot_y + plot_h - bh, bar * 0.7, bh);
      cairo_fill (pen->cr);
      cairo_set_source_rgb (pen->cr, 0, 0, 0);
      if (v > 0 && n <= 31 && bar >= 11)
        {
          g_autofree char *label = format_count (v);

          pen_text (pen, plot_x + i * bar - 4, plot_y + plot_h - bh - 9, bar + 8, FONT_SMALL,
                    PANGO_ALIGN_CENTER, label);
        }
      if (i % label_every == 0)
        {
          GDate d;
          g_autofree char *label = NULL;

          g_date_clear (&d, 1);
          g_date_set_julian (&d, s->from + i);
          label = long_range ? g_strdup_printf ("%02u/%02u", g_date_get_day (&d), g_date_get_month (&d))
                             : g_strdup_printf ("%u", g_date_get_day (&d));
          pen_text (pen, plot_x + i * bar - 10, plot_y + plot_h + 3, bar + 20, FONT_SMALL,
                    PANGO_ALIGN_CENTER, label);
        }
    }
  cairo_set_line_width (pen->cr, 0.6);
  cairo_move_to (pen->cr, plot_x, plot_y);
  cairo_line_to (pen->cr, plot_x, plot_y + plot_h);
  cairo_line_to (pen->cr, plot_x + plot_w, plot_y + plot_h);
  cairo_stroke (pen->cr);
  return self->chart_height + GAP;
}

static void
counter_widths (McReportDocument *self,
                double            widths[4])
{
  widths[0] = NUM_COL;
  widths[2] = 70;
  widths[3] = 70;
  widths[1] = content_width (self) - widths[0] - widths[2] - widths[3];
}

static double
block_counter_row (McReportDocument *self,
                   Pen              *pen,
                   double            y,
                   BlockKind         kind,
                   int               index)
{
  const McSummary *s = self->summary;
  double widths[4];
  g_autofree char *num = NULL, *count = NULL, *share = NULL;
  const char *cells[4];

  counter_widths (self, widths);
  if (kind == BLOCK_COUNTER_HEAD)
    {
      cells[0] = _("No.");
      cells[1] = _("Counter");
      cells[2] = _("Filings");
      cells[3] = _("Share");
      return table_row (pen, y, widths, cells, 4, TRUE, TRUE);
    }
  if (kind == BLOCK_COUNTER_ROW)
    {
      McReportRow *row = g_ptr_array_index (s->counters, index);

      num = g_strdup_printf ("%d", index + 1);
      count = format_count (row->count);
      share = g_strdup_printf ("%.1f %%", s->total ? 100.0 * (double) row->count / (double) s->total : 0.0);
      cells[1] = row->label;
    }
  else
    {
      num = g_strdup ("");
      count = format_count (s->total);
      share = g_strdup (s->total ? "100.0 %" : "0.0 %");
      cells[1] = _("Total");
    }
  cells[0] = num;
  cells[2] = count;
  cells[3] = share;
  return table_row (pen, y, widths, cells, 4, kind == BLOCK_COUNTER_TOTAL, FALSE);
}

static double
block_signatures (McReportDocument *self,
                  Pen              *pen,
                  double            y)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (self->summary->generated_at_us / G_USEC_PER_SEC);
  double w = content_width (self) / 2;
  g_autofree char *date = g_strdup_printf (_("Day %02d month %02d year %04d"),
                                           g_date_time_get_day_of_month (now),
                                           g_date_time_get_month (now), g_date_time_get_year (now));
  double h = GAP, left, right;

  right = pen_text (pen, MARGIN_LEFT + w, y + h, w, FONT_ITALIC, PANGO_ALIGN_CENTER, date) + 2;
  left = right;
  left += pen_text (pen, MARGIN_LEFT, y + h + left, w, FONT_BOLD, PANGO_ALIGN_CENTER,
                    _("Prepared by"));
  left += pen_text (pen, MARGIN_LEFT, y + h + left, w, FONT_ITALIC, PANGO_ALIGN_CENTER,
                    _("(Signature and full name)"));
  right += pen_text (pen, MARGIN_LEFT + w, y + h + right, w, FONT_BOLD, PANGO_ALIGN_CENTER,
                     _("Head of the unit"));
  right += pen_text (pen, MARGIN_LEFT + w, y + h + right, w, FONT_ITALIC, PANGO_ALIGN_CENTER,
                     _("(Signature, full name and seal)"));
  /* Room to sign. */
  return h + MAX (left, right) + 48;
}

static double
draw_block (McReportDocument *self,
            Pen              *pen,
            const Block      *b,
            double            y)
{
  switch (b->kind)
    {
    case BLOCK_HEADER:
      return block_header (self, pen, y);
    case BLOCK_TITLE:
      return block_title (self, pen, y);
    case BLOCK_HEADING:
      return GAP + pen_text (pen, MARGIN_LEFT, y + GAP, content_width (self), FONT_BOLD,
                             PANGO_ALIGN_LEFT, heading_text (b->index)) + GAP / 2;
    case BLOCK_PROC_HEAD:
      return block_proc_head (self, pen, y);
    case BLOCK_PROC_ROW:
      return block_proc_row (self, pen, y, b->index);
    case BLOCK_PROC_TOTAL:
      return block_proc_row (self, pen, y, -1);
    case BLOCK_SHARE:
      return block_share (self, pen, y);
    case BLOCK_CHART:
      return block_chart (self, pen, y);
    case BLOCK_COUNTER_HEAD:
    case BLOCK_COUNTER_ROW:
    case BLOCK_COUNTER_TOTAL:
      return block_counter_row (self, pen, y, b->kind, b->index);
    case BLOCK_SIGNATURES:
      return block_signatures (self, pen, y);
    default:
      return 0;
    }
}

/* ---- Pagination -------------------------------------------------------- */

static void
add_block (GArray    *list,
           BlockKind  kind,
           int        index)
{
  Block b = { kind, index, 0, 0 };

  g_array_append_val (list, b);
}

static gboolean
is_table_row (BlockKind kind)
{
  return kind == BLOCK_PROC_ROW || kind == BLOCK_PROC_TOTAL ||
         kind == BLOCK_COUNTER_ROW || kind == BLOCK_COUNTER_TOTAL;
}

static Block
table_head_for (BlockKind kind)
{
  Block head = { (kind == BLOCK_PROC_ROW || kind == BLOCK_PROC_TOTAL) ? BLOCK_PROC_HEAD : BLOCK_COUNTER_HEAD,
                 0, 0, 0 };

  return head;
}

/* Places the blocks on pages of the size set; returns the page count. */
static guint
place_blocks (McReportDocument *self,
              Pen              *pen,
              GArray           *flow)
{
  double bottom = self->height - MARGIN_BOTTOM;
  double y = MARGIN_TOP;
  guint page = 0;

  g_array_set_size (self->blocks, 0);
  for (guint i = 0; i < flow->len; i++)
    {
      Block b = g_array_index (flow, Block, i);
      double h = draw_block (self, pen, &b, y);

      /* A heading stays with what follows it. */
      if (b.kind == BLOCK_HEADING && i + 1 < flow->len)
        h += draw_block (self, pen, &g_array_index (flow, Block, i + 1), y + h);

      if (y + h > bottom && y > MARGIN_TOP)
        {
          Block carried = { BLOCK_HEADER, -1, 0, 0 };

          /* Signatures never stand alone on a page: the last row of the
           * table above goes with them. */
          if (b.kind == BLOCK_SIGNATURES && self->blocks->len > 0 &&
              is_table_row (g_array_index (self->blocks, Block, self->blocks->len - 1).kind))
            {
              carried = g_array_index (self->blocks, Block, self->blocks->len - 1);
              g_array_set_size (self->blocks, self->blocks->len - 1);
            }
          page++;
          y = MARGIN_TOP;
          /* A table that goes on repeats its heading row. */
          if (is_table_row (b.kind) || carried.index >= 0 || carried.kind != BLOCK_HEADER)
            {
              Block head = table_head_for (carried.kind != BLOCK_HEADER ? carried.kind : b.kind);

              head.page = page;
              head.y = y;
              g_array_append_val (self->blocks, head);
              y += draw_block (self, pen, &head, y);
            }
          if (carried.kind != BLOCK_HEADER)
            {
              carried.page = page;
              carried.y = y;
              g_array_append_val (self->blocks, carried);
              y += draw_block (self, pen, &carried, y);
            }
        }
      b.page = page;
      b.y = y;
      g_array_append_val (self->blocks, b);
      y += draw_block (self, pen, &b, y);
    }
  return page + 1;
}

guint
mc_report_document_paginate (McReportDocument *self,
                             cairo_t          *cr,
                             double            width,
                             double            height)
{
  g_autoptr(GArray) flow = g_array_new (FALSE, FALSE, sizeof (Block));
  gboolean found = FALSE;
  guint fewest;
  Pen pen;

  g_return_val_if_fail (MC_IS_REPORT_DOCUMENT (self), 0);

  self->width = width;
  self->height = height;

  add_block (flow, BLOCK_HEADER, 0);
  add_block (flow, BLOCK_TITLE, 0);
  add_block (flow, BLOCK_HEADING, 0);
  add_block (flow, BLOCK_PROC_HEAD, 0);
  for (guint i = 0; i < self->summary->procedures->len; i++)
    add_block (flow, BLOCK_PROC_ROW, (int) i);
  add_block (flow, BLOCK_PROC_TOTAL, 0);
  add_block (flow, BLOCK_SHARE, 0);
  add_block (flow, BLOCK_HEADING, 1);
  add_block (flow, BLOCK_CHART, 0);
  add_block (flow, BLOCK_HEADING, 2);
  add_block (flow, BLOCK_COUNTER_HEAD, 0);
  for (guint i = 0; i < self->summary->counters->len; i++)
    add_block (flow, BLOCK_COUNTER_ROW, (int) i);
  add_block (flow, BLOCK_COUNTER_TOTAL, 0);
  add_block (flow, BLOCK_SIGNATURES, 0);

  pen_init (&pen, self, cr, FALSE);
  /* The fewest pages the smallest chart allows; then the tallest chart
   * that still fits in them. */
  self->chart_height = CHART_HEIGHT_MIN;
  fewest = place_blocks (self, &pen, flow);
  for (double h = CHART_HEIGHT; h > CHART_HEIGHT_MIN; h -= 8)
    {
      self->chart_height = h;
      if (place_blocks (self, &pen, flow) == fewest)
        {
          found = TRUE;
          break;
        }
    }
  if (!found)
    {
      self->chart_height = CHART_HEIGHT_MIN;
      place_blocks (self, &pen, flow);
    }
  pen_clear (&pen);

  self->n_pages = fewest;
  return self->n_pages;
}

static void
draw_footer (McReportDocument *self,
             Pen              *pen,
             guint             page)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (self->summary->generated_at_us / G_USEC_PER_SEC);
  g_autofree char *time = g_date_time_format (when, "%H:%M");
  g_autofree char *day = g_date_time_format (when, "%d/%m/%Y");
  g_autofree char *text = NULL;

  /* Translators: footer of the printed report: version, time, date, page, pages */
  text = g_strdup_printf (_("Made with Một Cửa %s at %s on %s · page %u of %u"),
                          PACKAGE_VERSION, time, day, page + 1, self->n_pages);
  pen_text (pen, MARGIN_LEFT, self->height - MARGIN_BOTTOM + 18, content_width (self), FONT_SMALL,
            PANGO_ALIGN_CENTER, text);
}

void
mc_report_document_draw_page (McReportDocument *self,
                              cairo_t          *cr,
                              guint             page)
{
  Pen pen;

  g_return_if_fail (MC_IS_REPORT_DOCUMENT (self));
  g_return_if_fail (page < self->n_pages);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  pen_init (&pen, self, cr, TRUE);
  for (guint i = 0; i < self->blocks->len; i++)
    {
      const Block *b = &g_array_index (self->blocks, Block, i);

      if (b->page == page)
        {
          cairo_set_source_rgb (cr, 0, 0, 0);
          draw_block (self, &pen, b, b->y);
        }
    }
  draw_footer (self, &pen, page);
  pen_clear (&pen);
  cairo_restore (cr);
}

gboolean
mc_report_document_write_pdf (McReportDocument  *self,
                              const char        *path,
                              GError           **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  int fd;

  g_return_val_if_fail (MC_IS_REPORT_DOCUMENT (self), FALSE);

  /* Written beside the target and renamed, so a failure never leaves a
   * half report where the last good one was. */
  tmp = g_build_filename (dir, ".motcua-report-XXXXXX.pdf", NULL);
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("The report cannot be written to %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  close (fd);

  surface = cairo_pdf_surface_create (tmp, A4_WIDTH, A4_HEIGHT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, _("Report of assisted online filings"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Một Cửa " PACKAGE_VERSION);
  cr = cairo_create (surface);
  mc_report_document_paginate (self, cr, A4_WIDTH, A4_HEIGHT);
  for (guint page = 0; page < self->n_pages; page++)
    {
      mc_report_document_draw_page (self, cr, page);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The report could not be written: %s"), cairo_status_to_string (status));
      g_unlink (tmp);
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("The report cannot be written to %s: %s"), path, g_strerror (saved));
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}

/* ---- GObject ----------------------------------------------------------- */

static void
mc_report_document_finalize (GObject *object)
{
  McReportDocument *self = MC_REPORT_DOCUMENT (object);

  g_clear_pointer (&self->summary, mc_summary_free);
  g_clear_pointer (&self->blocks, g_array_unref);

  G_OBJECT_CLASS (mc_report_document_parent_class)->finalize (object);
}

static void
mc_report_document_class_init (McReportDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_report_document_finalize;
}

static void
mc_report_document_init (McReportDocument *self)
{
  self->blocks = g_array_new (FALSE, FALSE, sizeof (Block));
}

McReportDocument *
mc_report_document_new (McSummary *summary,
                        guint      target_percent)
{
  McReportDocument *self;

  g_return_val_if_fail (summary != NULL, NULL);

  self = g_object_new (MC_TYPE_REPORT_DOCUMENT, NULL);
  self->summary = summary;
  self->target_percent = MIN (target_percent, 100);
  return self;
}

const McSummary *
mc_report_document_get_summary (McReportDocument *self)
{
  g_return_val_if_fail (MC_IS_REPORT_DOCUMENT (self), NULL);
  return self->summary;
}
