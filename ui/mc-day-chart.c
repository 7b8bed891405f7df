/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-day-chart"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "mc-day-chart.h"
#include "mc-report-document.h"

#define AXIS_WIDTH   36.0
#define LABEL_HEIGHT 20.0
#define TOP_PAD      18.0

struct _McDayChart
{
  GtkWidget  parent_instance;

  McDay      first;
  GArray    *counts;   /* guint64 */
};

G_DEFINE_FINAL_TYPE (McDayChart, mc_day_chart, GTK_TYPE_WIDGET)

static void
draw_text (McDayChart *self,
           cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      align,
           gboolean    small)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  int w, h;

  if (small)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_scale_new (0.8));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - w * align, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static void
mc_day_chart_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  McDayChart *self = MC_DAY_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double plot_w = width - AXIS_WIDTH - 4, plot_h = height - LABEL_HEIGHT - TOP_PAD;
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  GdkRGBA fg, accent, grid;
  guint n = self->counts->len;
  guint64 max = 0, top;
  double bar;
  guint every;
  cairo_t *cr;

  if (n == 0 || plot_w <= 0 || plot_h <= 0)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (style, &fg);
  if (!gtk_style_context_lookup_color (style, "accent_bg_color", &accent))
    accent = (GdkRGBA) { 0.21, 0.52, 0.89, 1.0 };
  G_GNUC_END_IGNORE_DEPRECATIONS
  grid = fg;
  grid.alpha = 0.15;

  for (guint i = 0; i < n; i++)
    max = MAX (max, g_array_index (self->counts, guint64, i));
  top = mc_report_chart_top (max);
  bar = plot_w / n;
  /* Room for a label: a day number, or a day and month on long ranges. */
  every = MAX (1, (guint) ceil ((n > 62 ? 52.0 : 28.0) / bar));

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  for (guint k = 0; k <= 2; k++)
    {
      double y = TOP_PAD + plot_h - plot_h * k / 2.0;
      g_autofree char *label = g_strdup_printf ("%" G_GUINT64_FORMAT, top * k / 2);

      gdk_cairo_set_source_rgba (cr, &grid);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, AXIS_WIDTH, floor (y) + 0.5);
      cairo_line_to (cr, AXIS_WIDTH + plot_w, floor (y) + 0.5);
      cairo_stroke (cr);
      gdk_cairo_set_source_rgba (cr, &fg);
      draw_text (self, cr, label, AXIS_WIDTH - 6, y, 1.0, TRUE);
    }

  for (guint i = 0; i < n; i++)
    {
      guint64 v = g_array_index (self->counts, guint64, i);
      double h = plot_h * (double) v / (double) top;
      double x = AXIS_WIDTH + i * bar;

      gdk_cairo_set_source_rgba (cr, &accent);
      cairo_rectangle (cr, x + bar * 0.15, TOP_PAD + plot_h - h, MAX (bar * 0.7, 1.0), h);
      cairo_fill (cr);

      gdk_cairo_set_source_rgba (cr, &fg);
      if (v > 0 && bar >= 18)
        {
          g_autofree char *label = g_strdup_printf ("%" G_GUINT64_FORMAT, v);

          draw_text (self, cr, label, x + bar / 2, TOP_PAD + plot_h - h - 9, 0.5, TRUE);
        }
      if (i % every == 0)
        {
          GDate d;
          g_autofree char *label = NULL;

          g_date_clear (&d, 1);
          g_date_set_julian (&d, self->first + i);
          label = n > 62 ? g_strdup_printf ("%02u/%02u", g_date_get_day (&d), g_date_get_month (&d))
                         : g_strdup_printf ("%u", g_date_get_day (&d));
          draw_text (self, cr, label, x + bar / 2, TOP_PAD + plot_h + LABEL_HEIGHT / 2 + 1, 0.5, TRUE);
        }
    }
  cairo_destroy (cr);
}

/* A tooltip with the exact figure of the bar under the pointer. */
static gboolean
mc_day_chart_query_tooltip (GtkWidget  *widget,
                            int         x,
                            int         y,
                            gboolean    keyboard,
                            GtkTooltip *tooltip)
{
  McDayChart *self = MC_DAY_CHART (widget);
  double plot_w = gtk_widget_get_width (widget) - AXIS_WIDTH - 4;
  g_autofree char *day = NULL;
  g_autofree char *text = NULL;
  guint64 v;
  GDate d;
  int i;

  if (self->counts->len == 0 || keyboard || x < AXIS_WIDTH || plot_w <= 0)
    return FALSE;
  i = (int) ((x - AXIS_WIDTH) / (plot_w / self->counts->len));
  if (i < 0 || (guint) i >= self->counts->len)
    return FALSE;
  v = g_array_index (self->counts, guint64, i);
  g_date_clear (&d, 1);
  g_date_set_julian (&d, self->first + (guint) i);
  day = g_strdup_printf ("%02u/%02u/%04u", g_date_get_day (&d), g_date_get_month (&d), g_date_get_year (&d));
  /* Translators: tooltip of a bar: the day, then the number of filings */
  text = g_strdup_printf (ngettext ("%s: %llu filing", "%s: %llu filings", (gulong) MIN (v, 1000000)),
                          day, (unsigned long long) v);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
mc_day_chart_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 520;
    }
  else
    {
      *minimum = 160;
      *natural = 220;
    }
}

static void
mc_day_chart_finalize (GObject *object)
{
  McDayChart *self = MC_DAY_CHART (object);

  g_clear_pointer (&self->counts, g_array_unref);
  G_OBJECT_CLASS (mc_day_chart_parent_class)->finalize (object);
}

static void
mc_day_chart_class_init (McDayChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = mc_day_chart_finalize;
  widget_class->snapshot = mc_day_chart_snapshot;
  widget_class->measure = mc_day_chart_measure;
  widget_class->query_tooltip = mc_day_chart_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "daychart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
mc_day_chart_init (McDayChart *self)
{
  self->counts = g_array_new (FALSE, TRUE, sizeof (guint64));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Chart of filings per day"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("The table next to the chart lists the same figures, day by day."),
                                  -1);
}

GtkWidget *
mc_day_chart_new (void)
{
  return g_object_new (MC_TYPE_DAY_CHART, NULL);
}

void
mc_day_chart_set_days (McDayChart    *self,
                       McDay          first,
                       const guint64 *counts,
                       guint          n_days)
{
  g_return_if_fail (MC_IS_DAY_CHART (self));

  self->first = first;
  g_array_set_size (self->counts, 0);
  if (counts != NULL)
    g_array_append_vals (self->counts, counts, n_days);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
mc_day_chart_get_n_days (McDayChart *self)
{
  g_return_val_if_fail (MC_IS_DAY_CHART (self), 0);
  return self->counts->len;
}
