/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-self-service-board"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-self-service-board.h"

struct _McSelfServiceBoard
{
  AdwBin       parent_instance;

  guint        n_packages;

  /* Template widgets */
  GtkWidget   *alert_box;
  GtkLabel    *alert_time;
  GtkLabel    *activity_label;
  GtkListBox  *packages_list;
};

G_DEFINE_FINAL_TYPE (McSelfServiceBoard, mc_self_service_board, ADW_TYPE_BIN)

enum { ACKNOWLEDGE, LEAVE_REQUESTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static char *
now_text (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%H:%M");
}

void
mc_self_service_board_show_call (McSelfServiceBoard *self)
{
  g_autofree char *time = now_text ();
  g_autofree char *text = NULL;

  g_return_if_fail (MC_IS_SELF_SERVICE_BOARD (self));

  /* Translators: %s is the time of the call, e.g. “10:42” */
  text = g_strdup_printf (_("Called at %s."), time);
  gtk_label_set_text (self->alert_time, text);
  gtk_widget_set_visible (self->alert_box, TRUE);
  /* Heard as well as seen, for a clerk looking elsewhere. */
  gtk_widget_error_bell (GTK_WIDGET (self));
}

void
mc_self_service_board_clear_call (McSelfServiceBoard *self)
{
  g_return_if_fail (MC_IS_SELF_SERVICE_BOARD (self));
  gtk_widget_set_visible (self->alert_box, FALSE);
}

gboolean
mc_self_service_board_has_call (McSelfServiceBoard *self)
{
  g_return_val_if_fail (MC_IS_SELF_SERVICE_BOARD (self), FALSE);
  return gtk_widget_get_visible (self->alert_box);
}

void
mc_self_service_board_set_activity (McSelfServiceBoard *self,
                                    const char         *text)
{
  g_return_if_fail (MC_IS_SELF_SERVICE_BOARD (self));
  gtk_label_set_text (self->activity_label, text ? text : "");
}

void
mc_self_service_board_add_package (McSelfServiceBoard *self,
                                   const char         *short_code,
                                   const char         *procedure_name,
                                   const char         *folder)
{
  GtkWidget *row;
  g_autofree char *time = now_text ();
  /* Translators: a package on the self-service board: the citizen's code · the time it was ready */
  g_autofree char *title = g_strdup_printf (_("%s · ready at %s"), short_code, time);

  g_return_if_fail (MC_IS_SELF_SERVICE_BOARD (self));

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), procedure_name);
  gtk_widget_set_tooltip_text (row, folder);
  gtk_list_box_prepend (self->packages_list, row);
  self->n_packages++;
}

guint
mc_self_service_board_get_n_packages (McSelfServiceBoard *self)
{
  g_return_val_if_fail (MC_IS_SELF_SERVICE_BOARD (self), 0);
  return self->n_packages;
}

static void
acknowledge_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  McSelfServiceBoard *self = MC_SELF_SERVICE_BOARD (widget);

  mc_self_service_board_clear_call (self);
  g_signal_emit (self, signals[ACKNOWLEDGE], 0);
}

static void
leave_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  g_signal_emit (widget, signals[LEAVE_REQUESTED], 0);
}

static void
mc_self_service_board_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MC_TYPE_SELF_SERVICE_BOARD);
  G_OBJECT_CLASS (mc_self_service_board_parent_class)->dispose (object);
}

static void
mc_self_service_board_class_init (McSelfServiceBoardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mc_self_service_board_dispose;

  signals[ACKNOWLEDGE] = g_signal_new ("acknowledge", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[LEAVE_REQUESTED] = g_signal_new ("leave-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-self-service-board.ui");
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceBoard, alert_box);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceBoard, alert_time);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceBoard, activity_label);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceBoard, packages_list);

  gtk_widget_class_install_action (widget_class, "board.acknowledge", NULL, acknowledge_action);
  gtk_widget_class_install_action (widget_class, "board.leave", NULL, leave_action);
}

static void
mc_self_service_board_init (McSelfServiceBoard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mc_self_service_board_new (void)
{
  return g_object_new (MC_TYPE_SELF_SERVICE_BOARD, NULL);
}
