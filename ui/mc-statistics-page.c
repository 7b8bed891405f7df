/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-statistics-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-correction-dialog.h"
#include "mc-day-chart.h"
#include "mc-procedure-names.h"
#include "mc-statistics-page-private.h"
#include "mc-ui.h"

/* ---- One row of the table beside the chart ----------------------------- */

#define MC_TYPE_STAT_ROW (mc_stat_row_get_type ())
G_DECLARE_FINAL_TYPE (McStatRow, mc_stat_row, MC, STAT_ROW, GObject)

struct _McStatRow
{
  GObject  parent_instance;
  char    *label;
  guint64  count;
};

G_DEFINE_FINAL_TYPE (McStatRow, mc_stat_row, G_TYPE_OBJECT)

static void
mc_stat_row_finalize (GObject *object)
{
  g_free (MC_STAT_ROW (object)->label);
  G_OBJECT_CLASS (mc_stat_row_parent_class)->finalize (object);
}

static void
mc_stat_row_class_init (McStatRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_stat_row_finalize;
}

static void
mc_stat_row_init (McStatRow *self)
{
}

static McStatRow *
mc_stat_row_new (char    *label,
                 guint64  count)
{
  McStatRow *row = g_object_new (MC_TYPE_STAT_ROW, NULL);

  row->label = label;
  row->count = count;
  return row;
}

/* ---- The page ---------------------------------------------------------- */

G_DEFINE_FINAL_TYPE (McStatisticsPage, mc_statistics_page, ADW_TYPE_BIN)

enum { PROP_0, PROP_PERIOD, PROP_SCOPE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { REFRESHED, RECORDED, PRINTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void refresh (McStatisticsPage *self);

void
_mc_statistics_page_toast (McStatisticsPage *self,
                           const char       *message)
{
  AdwToast *t = mc_toast_new_literal (message);

  /* The overlay is the bin's own child, not a bound template child:
   * AdwBin disposes it. */
  adw_toast_set_timeout (t, 4);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self))), t);
}

void
_mc_statistics_page_emit_printed (McStatisticsPage *self,
                                  int               result)
{
  g_signal_emit (self, signals[PRINTED], 0, result);
}

static McDay
add_days (McDay d,
          int   n)
{
  return (McDay) ((int) d + n);
}

void
mc_statistics_page_get_range (McStatisticsPage *self,
                              McDay            *from,
                              McDay            *to)
{
  McDay today = mc_day_today ();
  GDate date;

  g_return_if_fail (MC_IS_STATISTICS_PAGE (self));

  g_date_clear (&date, 1);
  g_date_set_julian (&date, today);
  if (g_str_equal (self->period, "week"))
    {
      /* Monday to Sunday, as the office's week runs. */
      *from = add_days (today, 1 - (int) g_date_get_weekday (&date));
      *to = add_days (*from, 6);
    }
  else if (g_str_equal (self->period, "month"))
    {
      g_date_set_day (&date, 1);
      *from = g_date_get_julian (&date);
      g_date_set_day (&date, g_date_get_days_in_month (g_date_get_month (&date), g_date_get_year (&date)));
      *to = g_date_get_julian (&date);
    }
  else if (g_str_equal (self->period, "custom"))
    {
      *from = self->custom_from;
      *to = self->custom_to;
    }
  else
    *from = *to = today;
}

/* ---- Showing the figures ------------------------------------------------ */

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
add_count_row (GtkListBox *list,
               const char *title,
               const char *subtitle,
               guint64     count)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, count);
  GtkWidget *label = gtk_label_new (text);

  /* Markup off first: the title is parsed as soon as it is set. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "heading");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  gtk_list_box_append (list, row);
}

static void
add_placeholder_row (GtkListBox *list)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("None in this period"));
  gtk_widget_add_css_class (row, "dim-label");
  gtk_list_box_append (list, row);
}

static int
compare_by_count (gconstpointer a,
                  gconstpointer b)
{
  guint64 x = (*(McSummaryProcedure **) a)->total, y = (*(McSummaryProcedure **) b)->total;

  return x < y ? 1 : x > y ? -1 : 0;
}

static int
compare_rows_by_count (gconstpointer a,
                       gconstpointer b)
{
  guint64 x = (*(McReportRow **) a)->count, y = (*(McReportRow **) b)->count;

  return x < y ? 1 : x > y ? -1 : 0;
}

static void
update_view (McStatisticsPage *self)
{
  const McSummary *s = self->summary;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *range = NULL;
  g_autofree char *title = NULL;
  g_autofree char *total = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *target_text = NULL;
  g_autoptr(GPtrArray) procedures = NULL;
  g_autoptr(GPtrArray) counters = NULL;
  guint target = g_settings_get_uint (self->settings, "online-target-percent");

  if (s == NULL)
    return;

  gtk_stack_set_visible_child_name (self->stack, self->ledger_empty ? "empty" : "content");

  from = mc_day_format_display (s->from);
  to = mc_day_format_display (s->to);
  range = s->from == s->to ? g_strdup (from) : g_strdup_printf ("%s – %s", from, to);
  /* Translators: the ward (or “Every ward”), then the dates shown */
  title = g_strdup_printf (_("%s · %s"), s->unit_name ? s->unit_name : _("Every ward"), range);
  gtk_label_set_text (self->period_label, title);

  if (s->merged_in->len > 0)
    {
      g_autofree char *names = mc_merged_units_dup_names (s->merged_in);
      g_autofree char *note = g_strdup_printf (_("Includes the records of units since merged into this ward: %s."), names);

      gtk_label_set_text (self->merged_label, note);
      gtk_widget_set_visible (GTK_WIDGET (self->merged_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->merged_label), FALSE);

  total = g_strdup_printf ("%" G_GUINT64_FORMAT, s->total);
  gtk_label_set_text (self->total_label, total);
  if (s->total == 0)
    detail = g_strdup (_("No filings in this period."));
  else
    detail = g_strdup_printf (ngettext ("%llu on paper, not online", "%llu on paper, not online",
                                        (gulong) MIN (s->by_channel[MC_CHANNEL_PAPER], 1000000)),
                              (unsigned long long) s->by_channel[MC_CHANNEL_PAPER]);
  gtk_label_set_text (self->total_detail_label, detail);

  gtk_widget_remove_css_class (GTK_WIDGET (self->target_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->target_label), "warning");
  if (s->total == 0)
    {
      gtk_label_set_text (self->online_label, "—");
      gtk_level_bar_set_value (self->online_bar, 0);
      target_text = g_strdup_printf (_("Target: %u %%"), target);
    }
  else
    {
      double share = 100.0 * (double) s->online / (double) s->total;
      g_autofree char *share_text = g_strdup_printf ("%.1f %%", share);

      gtk_label_set_text (self->online_label, share_text);
      gtk_level_bar_set_value (self->online_bar, share);
      if (share + 1e-9 >= target)
        {
          target_text = g_strdup_printf (_("Target: %u %% — met"), target);
          gtk_widget_add_css_class (GTK_WIDGET (self->target_label), "success");
        }
      else
        {
          target_text = g_strdup_printf (_("Target: %u %% — %.1f points below"), target, target - share);
          gtk_widget_add_css_class (GTK_WIDGET (self->target_label), "warning");
        }
    }
  gtk_label_set_text (self->target_label, target_text);

  mc_day_chart_set_days (self->chart, s->from, (const guint64 *) (void *) s->by_day->data, s->by_day->len);
  g_list_store_remove_all (self->day_rows);
  for (guint i = 0; i < s->by_day->len; i++)
    {
      g_autoptr(McStatRow) row = mc_stat_row_new (mc_day_format_display (s->from + i),
                                                  g_array_index (s->by_day, guint64, i));

      g_list_store_append (self->day_rows, row);
    }

  /* Lists: most filings first; every portal, even at zero. */
  clear_list (self->counters_list);
  /* A copy to sort: it must not free what the summary owns. */
  counters = g_ptr_array_copy (s->counters, NULL, NULL);
  g_ptr_array_set_free_func (counters, NULL);
  g_ptr_array_sort (counters, compare_rows_by_count);
  for (guint i = 0; i < counters->len; i++)
    {
      McReportRow *row = g_ptr_array_index (counters, i);

      add_count_row (self->counters_list, row->label, NULL, row->count);
    }
  if (counters->len == 0)
    add_placeholder_row (self->counters_list);

  clear_list (self->procedures_list);
  procedures = g_ptr_array_copy (s->procedures, NULL, NULL);
  g_ptr_array_set_free_func (procedures, NULL);
  g_ptr_array_sort (procedures, compare_by_count);
  for (guint i = 0; i < procedures->len; i++)
    {
      McSummaryProcedure *p = g_ptr_array_index (procedures, i);

      if (p->total > 0)
        add_count_row (self->procedures_list, p->label, p->code, p->total);
    }
  if (s->total == 0)
    add_placeholder_row (self->procedures_list);

  clear_list (self->channels_list);
  for (McChannel ch = 0; ch < MC_N_CHANNELS; ch++)
    add_count_row (self->channels_list, mc_channel_get_label (ch), NULL, s->by_channel[ch]);

  g_signal_emit (self, signals[REFRESHED], 0);
}

static void
show_error (McStatisticsPage *self,
            const char       *message)
{
  mc_status_page_set_description_literal (self->error_page, message);
  gtk_stack_set_visible_child_name (self->stack, "error");
  g_signal_emit (self, signals[REFRESHED], 0);
}

static void
on_any_filing (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(McStatisticsPage) self = user_data;
  g_autoptr(GPtrArray) filings = NULL;
  g_autoptr(GError) error = NULL;

  filings = mc_ledger_list_filings_finish (MC_LEDGER (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (filings == NULL)
    {
      show_error (self, error->message);
      return;
    }
  self->ledger_empty = filings->len == 0;
  update_view (self);
}

static void
on_summary (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(McStatisticsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  McSummary *summary = mc_ledger_summarize_finish (MC_LEDGER (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (summary == NULL)
    {
      show_error (self, error->message);
      return;
    }
  g_clear_pointer (&self->summary, mc_summary_free);
  self->summary = summary;

  if (summary->total > 0)
    {
      self->ledger_empty = FALSE;
      update_view (self);
    }
  else
    {
      /* Nothing in this period: is there anything at all? An empty
       * ledger gets a page that says how filings get there. */
      McLedgerFilingQuery any = { MC_DAY_OPEN, MC_DAY_OPEN, NULL, 0, TRUE, 1 };

      mc_ledger_list_filings_async (MC_LEDGER (object), &any, self->cancellable, on_any_filing,
                                    g_object_ref (self));
    }
}

static void
refresh (McStatisticsPage *self)
{
  g_autofree char *code = NULL;
  const McWardUnit *unit = NULL;
  McDay from, to;

  McLedger *ledger = _mc_statistics_page_reading_ledger (self);

  if (self->catalog == NULL || self->settings == NULL)
    return;
  if (ledger == NULL)
    {
      /* The ward or the city, and the server cannot be read now. */
      if (self->ledger != NULL && _mc_statistics_page_server_problem (self) != NULL)
        show_error (self, _mc_statistics_page_server_problem (self));
      return;
    }

  mc_statistics_page_get_range (self, &from, &to);
  code = g_settings_get_string (self->settings, "ward-code");
  if (*code != '\0' && !_mc_statistics_page_every_ward (self))
    unit = mc_ward_catalog_lookup_current (self->catalog, code, to);
  g_free (self->ward_code);
  self->ward_code = unit ? g_strdup (mc_ward_unit_get_code (unit)) : NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->summary == NULL || g_str_equal (gtk_stack_get_visible_child_name (self->stack), "error"))
    gtk_stack_set_visible_child_name (self->stack, "loading");
  mc_ledger_summarize_async (ledger, self->catalog, from, to, self->ward_code, self->cancellable,
                             on_summary, g_object_ref (self));
}

void
_mc_statistics_page_refresh (McStatisticsPage *self)
{
  refresh (self);
}

/* ---- Period ------------------------------------------------------------- */

static void
set_calendar (GtkCalendar *calendar,
              McDay        day)
{
  GDate d;
  g_autoptr(GDateTime) dt = NULL;

  g_date_clear (&d, 1);
  g_date_set_julian (&d, day);
  dt = g_date_time_new_local (g_date_get_year (&d), g_date_get_month (&d), g_date_get_day (&d), 0, 0, 0);
  gtk_calendar_select_day (calendar, dt);
}

static McDay
calendar_day (GtkCalendar *calendar)
{
  g_autoptr(GDateTime) dt = gtk_calendar_get_date (calendar);

  return mc_day_from_ymd (g_date_time_get_year (dt), g_date_time_get_month (dt),
                          g_date_time_get_day_of_month (dt));
}

static void
update_custom_buttons (McStatisticsPage *self)
{
  g_autofree char *from = mc_day_format_display (self->custom_from);
  g_autofree char *to = mc_day_format_display (self->custom_to);

  gtk_menu_button_set_label (self->from_button, from);
  gtk_menu_button_set_label (self->to_button, to);
  self->updating_calendars = TRUE;
  set_calendar (self->from_calendar, self->custom_from);
  set_calendar (self->to_calendar, self->custom_to);
  self->updating_calendars = FALSE;
}

static void
on_calendar_day_selected (McStatisticsPage *self,
                          GtkCalendar      *calendar)
{
  McDay from, to;

  if (self->updating_calendars)
    return;
  from = calendar_day (self->from_calendar);
  to = calendar_day (self->to_calendar);
  /* A range picked backwards is still the range meant. */
  mc_statistics_page_set_custom_range (self, MIN (from, to), MAX (from, to));
  gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (GTK_WIDGET (calendar), GTK_TYPE_POPOVER)));
}

void
mc_statistics_page_set_period (McStatisticsPage *self,
                               const char       *period)
{
  g_return_if_fail (MC_IS_STATISTICS_PAGE (self));

  if (!g_str_equal (period, "today") && !g_str_equal (period, "week") &&
      !g_str_equal (period, "month") && !g_str_equal (period, "custom"))
    return;
  if (g_strcmp0 (self->period, period) == 0)
    return;
  g_free (self->period);
  self->period = g_strdup (period);
  gtk_widget_set_visible (self->custom_box, g_str_equal (period, "custom"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERIOD]);
  refresh (self);
}

void
mc_statistics_page_set_custom_range (McStatisticsPage *self,
                                     McDay             from,
                                     McDay             to)
{
  g_return_if_fail (MC_IS_STATISTICS_PAGE (self));
  g_return_if_fail (from != MC_DAY_OPEN && from <= to);

  self->custom_from = from;
  self->custom_to = to;
  update_custom_buttons (self);
  if (g_str_equal (self->period, "custom"))
    refresh (self);
  else
    mc_statistics_page_set_period (self, "custom");
}

/* ---- “+1” --------------------------------------------------------------- */

/* The procedure catalog the ledger names procedures by. */
static McProcedureCatalog *
procedures (McStatisticsPage *self)
{
  return self->ledger != NULL ? mc_ledger_get_procedures (self->ledger) : NULL;
}

static void
on_procedure_selected (McStatisticsPage *self)
{
  guint i = gtk_drop_down_get_selected (self->procedure_dropdown);

  if (i < mc_procedure_names_get_n_known (procedures (self)))
    gtk_drop_down_set_selected (self->channel_dropdown,
                                mc_procedure_names_default_channel (procedures (self),
                                                                    mc_procedure_names_get_code (procedures (self), i)));
}

static void
fill_procedure_list (McStatisticsPage *self)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  McProcedureCatalog *catalog = procedures (self);

  for (guint i = 0; i < mc_procedure_names_get_n_known (catalog); i++)
    gtk_string_list_append (list, mc_procedure_names_lookup (catalog, mc_procedure_names_get_code (catalog, i)));
  gtk_drop_down_set_model (self->procedure_dropdown, G_LIST_MODEL (list));
  on_procedure_selected (self);
}

void
mc_statistics_page_set_quick_entry (McStatisticsPage *self,
                                    const char       *procedure,
                                    McChannel         channel)
{
  g_return_if_fail (MC_IS_STATISTICS_PAGE (self));

  for (guint i = 0; i < mc_procedure_names_get_n_known (procedures (self)); i++)
    if (g_str_equal (mc_procedure_names_get_code (procedures (self), i), procedure))
      gtk_drop_down_set_selected (self->procedure_dropdown, i);
  if (channel < MC_N_CHANNELS)
    gtk_drop_down_set_selected (self->channel_dropdown, channel);
}

static void
on_recorded (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(McStatisticsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = mc_ledger_record_filing_finish (MC_LEDGER (object), result, &error);

  if (uuid == NULL)
    _mc_statistics_page_toast (self, error->message);
  else
    _mc_statistics_page_toast (self, _("Filing recorded"));
  g_signal_emit (self, signals[RECORDED], 0, uuid);
}

static void
quick_add_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  McStatisticsPage *self = MC_STATISTICS_PAGE (widget);
  g_autofree char *ward = NULL;
  g_autofree char *counter = NULL;
  g_autofree char *clerk = NULL;
  McFilingRecord r = MC_FILING_RECORD_INIT;
  guint p = gtk_drop_down_get_selected (self->procedure_dropdown);
  guint ch = gtk_drop_down_get_selected (self->channel_dropdown);

  if (self->ledger == NULL || self->settings == NULL)
    return;
  ward = g_settings_get_string (self->settings, "ward-code");
  counter = g_strstrip (g_settings_get_string (self->settings, "counter-name"));
  clerk = g_strstrip (g_settings_get_string (self->settings, "clerk-name"));
  if (*ward == '\0' || *counter == '\0')
    {
      _mc_statistics_page_toast (self, _("Choose this counter’s ward and name in Preferences first"));
      return;
    }
  if (p >= mc_procedure_names_get_n_known (procedures (self)) || ch >= MC_N_CHANNELS)
    return;

  r.ward_code = ward;
  r.counter = counter;
  /* The clerk's account: the display name set for this counter, or else
   * the login of the person at the PC. */
  r.clerk = *clerk ? clerk : g_get_user_name ();
  r.procedure = mc_procedure_names_get_code (procedures (self), p);
  r.channel = (McChannel) ch;
  r.source = MC_SOURCE_MANUAL;
  gtk_popover_popdown (self->quick_popover);
  mc_ledger_record_filing_async (self->ledger, &r, NULL, on_recorded, g_object_ref (self));
}

/* ---- Exports and printing: mc-statistics-page-export.c ------------------ */

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  _mc_statistics_page_ask_where_to_save (MC_STATISTICS_PAGE (widget), FALSE);
}

static void
export_pdf_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  _mc_statistics_page_ask_where_to_save (MC_STATISTICS_PAGE (widget), TRUE);
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  mc_statistics_page_print (MC_STATISTICS_PAGE (widget), NULL);
}

static void
correct_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  McStatisticsPage *self = MC_STATISTICS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;
  McDay from, to;

  if (self->ledger == NULL)
    return;
  mc_statistics_page_get_range (self, &from, &to);
  dialog = mc_correction_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->ledger,
                                     self->settings, self->catalog, from, to, self->ward_code);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Table factories ---------------------------------------------------- */

static void
setup_label (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_INT (user_data) ? 1.0 : 0.0);
  if (GPOINTER_TO_INT (user_data))
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_day (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  McStatRow *row = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), row->label);
}

static void
bind_count (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  McStatRow *row = gtk_list_item_get_item (item);
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, row->count);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
setup_table (McStatisticsPage *self)
{
  GtkListItemFactory *day = gtk_signal_list_item_factory_new ();
  GtkListItemFactory *count = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkNoSelection) selection = NULL;

  g_signal_connect (day, "setup", G_CALLBACK (setup_label), GINT_TO_POINTER (FALSE));
  g_signal_connect (day, "bind", G_CALLBACK (bind_day), NULL);
  g_signal_connect (count, "setup", G_CALLBACK (setup_label), GINT_TO_POINTER (TRUE));
  g_signal_connect (count, "bind", G_CALLBACK (bind_count), NULL);
  gtk_column_view_column_set_factory (self->day_column, day);
  gtk_column_view_column_set_factory (self->count_column, count);
  g_object_unref (day);
  g_object_unref (count);

  self->day_rows = g_list_store_new (MC_TYPE_STAT_ROW);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->day_rows)));
  gtk_column_view_set_model (self->day_table, GTK_SELECTION_MODEL (selection));
}

/* ---- Setup -------------------------------------------------------------- */

static void
on_ledger_changed (McStatisticsPage *self)
{
  refresh (self);
}

static void
on_settings_changed (McStatisticsPage *self,
                     const char       *key)
{
  if (g_str_equal (key, "ward-code"))
    refresh (self);
  else if (g_str_equal (key, "online-target-percent"))
    update_view (self);
}

void
mc_statistics_page_setup (McStatisticsPage *self,
                          GSettings        *settings,
                          McWardCatalog    *catalog)
{
  g_return_if_fail (MC_IS_STATISTICS_PAGE (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_set_object (&self->settings, settings);
  g_set_object (&self->catalog, catalog);
  g_signal_connect_object (settings, "changed", G_CALLBACK (on_settings_changed), self, G_CONNECT_SWAPPED);
  refresh (self);
}

/* The supervisor must not read figures that do not match the filings
 * without being told: the check at open said what it found. */
static void
show_open_problems (McStatisticsPage *self)
{
  GPtrArray *problems = self->ledger ? mc_ledger_get_open_problems (self->ledger) : NULL;
  g_autoptr(GString) details = g_string_new (NULL);

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    g_string_append_printf (details, "%s%s", i ? "\n" : "", (const char *) g_ptr_array_index (problems, i));
  gtk_widget_set_tooltip_text (self->mismatch_label, details->len ? details->str : NULL);
  gtk_widget_set_visible (self->mismatch_label, details->len > 0);
}

void
mc_statistics_page_set_ledger (McStatisticsPage *self,
                               McLedger         *ledger)
{
  g_return_if_fail (MC_IS_STATISTICS_PAGE (self));

  if (self->ledger == ledger)
    return;
  if (self->ledger != NULL)
    g_signal_handlers_disconnect_by_func (self->ledger, on_ledger_changed, self);
  g_set_object (&self->ledger, ledger);
  if (ledger != NULL)
    {
      g_signal_connect_object (ledger, "changed", G_CALLBACK (on_ledger_changed), self, G_CONNECT_SWAPPED);
      /* Filings recorded by motcua-tool or an import show up too. */
      mc_ledger_watch (ledger, 3);
    }
  fill_procedure_list (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "statistics.quick-add", ledger != NULL);
  show_open_problems (self);
  refresh (self);
}

void
mc_statistics_page_set_ledger_error (McStatisticsPage *self,
                                     const char       *message)
{
  g_return_if_fail (MC_IS_STATISTICS_PAGE (self));

  /* Without a ledger there is nothing to count, record or export. */
  gtk_widget_set_visible (self->toolbar, FALSE);
  show_error (self, message);
}

McLedger *
mc_statistics_page_get_ledger (McStatisticsPage *self)
{
  g_return_val_if_fail (MC_IS_STATISTICS_PAGE (self), NULL);
  return self->ledger;
}

const char *
mc_statistics_page_get_state (McStatisticsPage *self)
{
  g_return_val_if_fail (MC_IS_STATISTICS_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

const McSummary *
mc_statistics_page_get_summary (McStatisticsPage *self)
{
  g_return_val_if_fail (MC_IS_STATISTICS_PAGE (self), NULL);
  return self->summary;
}

const char *
mc_statistics_page_get_ward_code (McStatisticsPage *self)
{
  g_return_val_if_fail (MC_IS_STATISTICS_PAGE (self), NULL);
  return self->ward_code;
}

static void
mc_statistics_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  McStatisticsPage *self = MC_STATISTICS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PERIOD:
      g_value_set_string (value, self->period);
      break;
    case PROP_SCOPE:
      g_value_set_string (value, self->scope);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_statistics_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  McStatisticsPage *self = MC_STATISTICS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PERIOD:
      mc_statistics_page_set_period (self, g_value_get_string (value));
      break;
    case PROP_SCOPE:
      mc_statistics_page_set_scope (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_statistics_page_dispose (GObject *object)
{
  McStatisticsPage *self = MC_STATISTICS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  _mc_statistics_page_scope_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_STATISTICS_PAGE);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->ledger);
  g_clear_object (&self->settings);
  g_clear_object (&self->catalog);
  g_clear_object (&self->day_rows);
  g_clear_pointer (&self->summary, mc_summary_free);

  G_OBJECT_CLASS (mc_statistics_page_parent_class)->dispose (object);
}

static void
mc_statistics_page_finalize (GObject *object)
{
  McStatisticsPage *self = MC_STATISTICS_PAGE (object);

  g_free (self->period);
  g_free (self->scope);
  g_free (self->ward_code);

  G_OBJECT_CLASS (mc_statistics_page_parent_class)->finalize (object);
}

static void
mc_statistics_page_class_init (McStatisticsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mc_statistics_page_dispose;
  object_class->finalize = mc_statistics_page_finalize;
  object_class->get_property = mc_statistics_page_get_property;
  object_class->set_property = mc_statistics_page_set_property;

  properties[PROP_PERIOD] =
    g_param_spec_string ("period", NULL, NULL, "today",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCOPE] =
    g_param_spec_string ("scope", NULL, NULL, "counter",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* After the figures are shown (tests and accessibility tools wait on it). */
  signals[REFRESHED] = g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A “+1” was recorded (the filing's UUID) or refused (NULL). */
  signals[RECORDED] = g_signal_new ("recorded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[PRINTED] = g_signal_new ("printed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  g_type_ensure (MC_TYPE_DAY_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-statistics-page.ui");
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, mismatch_label);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, toolbar);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, scope_box);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, server_label);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, custom_box);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, from_button);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, to_button);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, from_calendar);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, to_calendar);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, quick_popover);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, procedure_dropdown);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, channel_dropdown);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, period_label);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, merged_label);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, total_label);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, total_detail_label);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, online_label);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, online_bar);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, target_label);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, chart);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, day_table);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, day_column);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, count_column);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, counters_list);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, procedures_list);
  gtk_widget_class_bind_template_child (widget_class, McStatisticsPage, channels_list);

  gtk_widget_class_install_property_action (widget_class, "statistics.period", "period");
  gtk_widget_class_install_property_action (widget_class, "statistics.scope", "scope");
  gtk_widget_class_install_action (widget_class, "statistics.quick-add", NULL, quick_add_action);
  gtk_widget_class_install_action (widget_class, "statistics.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "statistics.export-pdf", NULL, export_pdf_action);
  gtk_widget_class_install_action (widget_class, "statistics.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "statistics.correct", NULL, correct_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "statistics.print", NULL);
}

static void
mc_statistics_page_init (McStatisticsPage *self)
{
  g_autoptr(GtkStringList) channels = gtk_string_list_new (NULL);
  McDay today = mc_day_today ();
  GDate first;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->period = g_strdup ("today");
  self->scope = g_strdup ("counter");

  for (McChannel ch = 0; ch < MC_N_CHANNELS; ch++)
    gtk_string_list_append (channels, mc_channel_get_label (ch));
  gtk_drop_down_set_model (self->channel_dropdown, G_LIST_MODEL (channels));
  g_signal_connect_object (self->procedure_dropdown, "notify::selected",
                           G_CALLBACK (on_procedure_selected), self, G_CONNECT_SWAPPED);
  fill_procedure_list (self);

  g_date_clear (&first, 1);
  g_date_set_julian (&first, today);
  g_date_set_day (&first, 1);
  self->custom_from = g_date_get_julian (&first);
  self->custom_to = today;
  update_custom_buttons (self);
  g_signal_connect_object (self->from_calendar, "day-selected", G_CALLBACK (on_calendar_day_selected),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->to_calendar, "day-selected", G_CALLBACK (on_calendar_day_selected),
                           self, G_CONNECT_SWAPPED);

  setup_table (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "statistics.quick-add", FALSE);
}

GtkWidget *
mc_statistics_page_new (void)
{
  return g_object_new (MC_TYPE_STATISTICS_PAGE, NULL);
}
