/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-reception-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-procedure-chooser.h"
#include "mc-reception-page.h"
#include "mc-visit-citizen.h"
#include "mc-visit-view.h"
#include "mc-ui.h"

struct _McReceptionPage
{
  AdwBin              parent_instance;

  McVisitStore       *visits;
  McProcedureCatalog *catalog;
  McScanner          *scanner;
  GSettings          *settings;
  McLedger           *ledger;
  McVisitCitizen     *citizen;     /* the citizen screen follows the visit shown */
  McPortalOutbox     *outbox;

  GtkWidget          *chooser;
  GtkWidget          *view;        /* McVisitView of the current visit, or NULL */
  gboolean            updating;

  GtkListBox         *visits_list;
  GtkStack           *content;
};

G_DEFINE_FINAL_TYPE (McReceptionPage, mc_reception_page, ADW_TYPE_BIN)

/* An unfinished visit is deleted a retention period after its last
 * change: the row says so once less than half of it is left. */
static GtkWidget *
purge_warning (McReceptionPage *self,
               McVisit         *visit)
{
  guint retention = g_settings_get_uint (self->settings, "retention-hours");
  g_autoptr(GDateTime) due = mc_visit_store_dup_purge_time (self->visits, visit, retention);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = NULL;
  GTimeSpan left;
  guint hours;
  GtkWidget *label;

  if (due == NULL || mc_visit_is_finished (visit) ||
      (left = g_date_time_difference (due, now)) >= (GTimeSpan) retention * G_TIME_SPAN_HOUR / 2)
    return NULL;
  hours = (guint) CLAMP ((left + G_TIME_SPAN_HOUR - 1) / G_TIME_SPAN_HOUR, 1, G_MAXUINT);
  text = g_strdup_printf (ngettext ("Deleted in %u hour unless finished", "Deleted in %u hours unless finished",
                                    hours), hours);
  label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "warning");
  return label;
}

/* "09:30 07/12 · Files ready for the portal", and the self-service code. */
static char *
dup_visit_subtitle (McVisit *visit)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (mc_visit_get_created (visit));
  g_autofree char *time = g_date_time_format (local, "%H:%M %d/%m");

  if (mc_visit_get_self_service_code (visit) != NULL)
    /* Translators: time · state · the code the citizen got at the self-service screen */
    return g_strdup_printf (_("%s · %s · self-service %s"), time,
                            mc_visit_state_get_label (mc_visit_get_state (visit)),
                            mc_visit_get_self_service_code (visit));
  return g_strdup_printf ("%s · %s", time, mc_visit_state_get_label (mc_visit_get_state (visit)));
}

/* The row follows its visit: packaged, handed off, recorded… */
static void
on_row_visit_changed (McVisit  *visit,
                      GtkLabel *sub)
{
  g_autofree char *subtitle = dup_visit_subtitle (visit);

  gtk_label_set_text (sub, subtitle);
}

static GtkWidget *
create_visit_row (gpointer item,
                  gpointer user_data)
{
  McReceptionPage *self = user_data;
  McVisit *visit = item;
  GtkWidget *warning;
  const McProcedure *p = mc_visit_get_procedure (visit);
  g_autofree char *subtitle = dup_visit_subtitle (visit);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (mc_catalog_text (p->name, p->name_en));
  GtkWidget *sub = gtk_label_new (subtitle);

  gtk_widget_set_name (sub, "visit-row-state");
  g_signal_connect_object (visit, "changed", G_CALLBACK (on_row_visit_changed), sub, 0);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_xalign (GTK_LABEL (sub), 0);
  gtk_widget_add_css_class (sub, "caption");
  gtk_widget_add_css_class (sub, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), sub);
  if ((warning = purge_warning (self, visit)) != NULL)
    {
      gtk_widget_set_name (warning, "purge-warning");
      gtk_box_append (GTK_BOX (box), warning);
    }
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  g_object_set_data_full (G_OBJECT (box), "visit", g_object_ref (visit), g_object_unref);
  return box;
}

static void
select_current (McReceptionPage *self)
{
  McVisit *current = self->view ? mc_visit_view_get_visit (MC_VISIT_VIEW (self->view)) : NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->visits));

  self->updating = TRUE;
  gtk_list_box_unselect_all (self->visits_list);
  for (guint i = 0; current && i < n; i++)
    {
      g_autoptr(McVisit) visit = g_list_model_get_item (G_LIST_MODEL (self->visits), i);

      if (visit == current)
        gtk_list_box_select_row (self->visits_list, gtk_list_box_get_row_at_index (self->visits_list, (int) i));
    }
  self->updating = FALSE;
}

static void
show_empty (McReceptionPage *self)
{
  if (self->view != NULL)
    {
      gtk_stack_remove (self->content, self->view);
      self->view = NULL;
    }
  gtk_stack_set_visible_child_name (self->content, "empty");
  select_current (self);
}

static void
on_view_closed (McReceptionPage *self)
{
  show_empty (self);
}

void
mc_reception_page_open_visit (McReceptionPage *self,
                              McVisit         *visit)
{
  g_autoptr(McVisitSession) session = NULL;

  g_return_if_fail (MC_IS_RECEPTION_PAGE (self));

  if (self->view != NULL && mc_visit_view_get_visit (MC_VISIT_VIEW (self->view)) == visit)
    {
      gtk_stack_set_visible_child (self->content, self->view);
      return;
    }
  if (self->view != NULL)
    gtk_stack_remove (self->content, self->view);

  /* The visit's workflow, from the services' objects; the view shows it. */
  session = mc_visit_session_new (visit, self->settings);
  mc_visit_session_set_ledger (session, self->ledger);
  mc_visit_session_set_outbox (session, self->outbox);
  self->view = mc_visit_view_new (session, self->scanner, self->settings);
  g_signal_connect_object (self->view, "closed", G_CALLBACK (on_view_closed), self, G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->content, self->view, "visit");
  gtk_stack_set_visible_child (self->content, self->view);
  select_current (self);
}

McVisit *
mc_reception_page_start_visit (McReceptionPage  *self,
                               const char       *procedure_code,
                               GError          **error)
{
  g_autofree char *ward = g_settings_get_string (self->settings, "ward-code");
  g_autofree char *counter = g_settings_get_string (self->settings, "counter-name");
  g_autofree char *clerk = g_settings_get_string (self->settings, "clerk-name");
  McVisit *visit;

  visit = mc_visit_store_create (self->visits, procedure_code, ward, counter, clerk, error);
  if (visit != NULL)
    mc_reception_page_open_visit (self, visit);
  return visit;
}

static void
on_chosen (McReceptionPage *self,
           const char      *code)
{
  g_autoptr(GError) error = NULL;

  if (mc_reception_page_start_visit (self, code, &error) == NULL)
    {
      /* The visits folder cannot be written: say it where the clerk looks. */
      AdwStatusPage *empty = ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->content, "empty"));

      adw_status_page_set_title (empty, _("The visit cannot be started"));
      mc_status_page_set_description_literal (empty, error->message);
      show_empty (self);
    }
}

void
mc_reception_page_new_visit (McReceptionPage *self)
{
  g_return_if_fail (MC_IS_RECEPTION_PAGE (self));

  mc_procedure_chooser_reset (MC_PROCEDURE_CHOOSER (self->chooser));
  gtk_stack_set_visible_child (self->content, self->chooser);
  gtk_list_box_unselect_all (self->visits_list);
}

static void
new_visit_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  mc_reception_page_new_visit (MC_RECEPTION_PAGE (widget));
}

static void
on_row_selected (McReceptionPage *self,
                 GtkListBoxRow   *row)
{
  McVisit *visit;

  if (self->updating || row == NULL)
    return;
  visit = g_object_get_data (G_OBJECT (gtk_list_box_row_get_child (row)), "visit");
  if (visit != NULL)
    mc_reception_page_open_visit (self, visit);
}

static void
on_visits_changed (McReceptionPage *self)
{
  select_current (self);
}

void
mc_reception_page_set_ledger (McReceptionPage *self,
                              McLedger        *ledger)
{
  g_return_if_fail (MC_IS_RECEPTION_PAGE (self));

  g_set_object (&self->ledger, ledger);
  if (self->view != NULL)
    mc_visit_session_set_ledger (mc_visit_view_get_session (MC_VISIT_VIEW (self->view)), ledger);
}

void
mc_reception_page_set_outbox (McReceptionPage *self,
                              McPortalOutbox  *outbox)
{
  g_return_if_fail (MC_IS_RECEPTION_PAGE (self));

  g_set_object (&self->outbox, outbox);
  if (self->view != NULL)
    mc_visit_session_set_outbox (mc_visit_view_get_session (MC_VISIT_VIEW (self->view)), outbox);
}

GtkWidget *
mc_reception_page_get_visit_view (McReceptionPage *self)
{
  g_return_val_if_fail (MC_IS_RECEPTION_PAGE (self), NULL);
  return self->view;
}

/* The citizen screen shows the visit while it is in front of the clerk,
 * and welcomes the next citizen otherwise (choosing a procedure, no
 * visit open). */
static void
follow_visible (McReceptionPage *self)
{
  GtkWidget *visible;

  if (self->citizen == NULL)
    return;
  visible = gtk_stack_get_visible_child (self->content);
  mc_visit_citizen_set_session (self->citizen,
                                visible != NULL && visible == self->view
                                ? mc_visit_view_get_session (MC_VISIT_VIEW (visible)) : NULL);
}

void
mc_reception_page_set_citizen_screen (McReceptionPage *self,
                                      McCitizenScreen *screen)
{
  g_return_if_fail (MC_IS_RECEPTION_PAGE (self));
  g_return_if_fail (screen == NULL || MC_IS_CITIZEN_SCREEN (screen));

  if (self->citizen != NULL)
    mc_visit_citizen_set_session (self->citizen, NULL);
  g_clear_object (&self->citizen);
  if (screen != NULL)
    self->citizen = mc_visit_citizen_new (screen);
  follow_visible (self);
}

GtkWidget *
mc_reception_page_get_chooser (McReceptionPage *self)
{
  g_return_val_if_fail (MC_IS_RECEPTION_PAGE (self), NULL);
  return self->chooser;
}

static void
mc_reception_page_dispose (GObject *object)
{
  McReceptionPage *self = MC_RECEPTION_PAGE (object);

  if (self->visits_list != NULL)
    gtk_list_box_bind_model (self->visits_list, NULL, NULL, NULL, NULL);
  /* The citizen screen welcomes the next citizen once the window goes. */
  if (self->citizen != NULL)
    mc_visit_citizen_set_session (self->citizen, NULL);
  if (self->content != NULL)
    g_signal_handlers_disconnect_by_data (self->content, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_RECEPTION_PAGE);
  self->view = NULL;
  g_clear_object (&self->visits);
  g_clear_object (&self->catalog);
  g_clear_object (&self->scanner);
  g_clear_object (&self->settings);
  g_clear_object (&self->ledger);
  g_clear_object (&self->citizen);
  g_clear_object (&self->outbox);

  G_OBJECT_CLASS (mc_reception_page_parent_class)->dispose (object);
}

static void
mc_reception_page_class_init (McReceptionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mc_reception_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-reception-page.ui");
  gtk_widget_class_bind_template_child (widget_class, McReceptionPage, visits_list);
  gtk_widget_class_bind_template_child (widget_class, McReceptionPage, content);

  gtk_widget_class_install_action (widget_class, "reception.new-visit", NULL, new_visit_action);
}

static void
mc_reception_page_init (McReceptionPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mc_reception_page_new (McVisitStore       *visits,
                       McProcedureCatalog *catalog,
                       McScanner          *scanner,
                       GSettings          *settings)
{
  McReceptionPage *self = g_object_new (MC_TYPE_RECEPTION_PAGE, NULL);

  self->visits = g_object_ref (visits);
  self->catalog = g_object_ref (catalog);
  self->scanner = g_object_ref (scanner);
  self->settings = g_object_ref (settings);

  self->chooser = mc_procedure_chooser_new (catalog, settings);
  g_signal_connect_object (self->chooser, "chosen", G_CALLBACK (on_chosen), self, G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->content, self->chooser, "choose");

  gtk_list_box_bind_model (self->visits_list, G_LIST_MODEL (visits), create_visit_row, self, NULL);
  g_signal_connect_swapped (self->visits_list, "row-selected", G_CALLBACK (on_row_selected), self);
  g_signal_connect_object (visits, "items-changed", G_CALLBACK (on_visits_changed), self, G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->content, "empty");
  g_signal_connect_object (self->content, "notify::visible-child", G_CALLBACK (follow_visible), self,
                           G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}
