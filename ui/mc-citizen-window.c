/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-citizen-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-citizen-window.h"

struct _McCitizenWindow
{
  AdwWindow        parent_instance;

  GSettings       *settings;
  GdkMonitor      *monitor;
  GListModel      *monitors;

  /* Template widgets */
  AdwHeaderBar    *header_bar;
  McCitizenView   *view;
};

G_DEFINE_FINAL_TYPE (McCitizenWindow, mc_citizen_window, ADW_TYPE_WINDOW)

GdkMonitor *
mc_citizen_choose_monitor (GdkDisplay *display,
                           GtkWindow  *clerk)
{
  GListModel *monitors = gdk_display_get_monitors (display);
  guint n = g_list_model_get_n_items (monitors);
  GdkMonitor *clerk_monitor = NULL;
  GdkSurface *surface;

  if (n < 2)
    return NULL;
  if (clerk != NULL && (surface = gtk_native_get_surface (GTK_NATIVE (clerk))) != NULL)
    clerk_monitor = gdk_display_get_monitor_at_surface (display, surface);

  /* The last one that is not the clerk's: with two monitors, the other
   * one; plugged-in screens tend to come last. */
  for (guint i = n; i-- > 0;)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, i);

      if (monitor != clerk_monitor)
        return monitor;   /* the display's list keeps it alive */
    }
  return NULL;
}

static GtkWindow *
clerk_window (McCitizenWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  for (GList *l = app ? gtk_application_get_windows (app) : NULL; l; l = l->next)
    if (l->data != self && ADW_IS_APPLICATION_WINDOW (l->data))
      return l->data;
  return NULL;
}

static void
place (McCitizenWindow *self)
{
  GdkMonitor *monitor = mc_citizen_choose_monitor (gtk_widget_get_display (GTK_WIDGET (self)),
                                                   clerk_window (self));

  if (monitor == self->monitor)
    return;
  self->monitor = monitor;
  if (monitor != NULL)
    gtk_window_fullscreen_on_monitor (GTK_WINDOW (self), monitor);
  else
    gtk_window_unfullscreen (GTK_WINDOW (self));
  /* Full-screen, nothing to move or close: the clerk does that. */
  gtk_widget_set_visible (GTK_WIDGET (self->header_bar), monitor == NULL);
}

GdkMonitor *
mc_citizen_window_get_monitor (McCitizenWindow *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_WINDOW (self), NULL);
  return self->monitor;
}

McCitizenView *
mc_citizen_window_get_view (McCitizenWindow *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_WINDOW (self), NULL);
  return self->view;
}

static void
mc_citizen_window_realize (GtkWidget *widget)
{
  McCitizenWindow *self = MC_CITIZEN_WINDOW (widget);

  GTK_WIDGET_CLASS (mc_citizen_window_parent_class)->realize (widget);
  self->monitor = NULL;
  place (self);
}

static void
mc_citizen_window_dispose (GObject *object)
{
  McCitizenWindow *self = MC_CITIZEN_WINDOW (object);

  if (self->monitors != NULL)
    g_signal_handlers_disconnect_by_data (self->monitors, self);
  g_clear_object (&self->monitors);
  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_CITIZEN_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (mc_citizen_window_parent_class)->dispose (object);
}

static void
mc_citizen_window_class_init (McCitizenWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mc_citizen_window_dispose;
  widget_class->realize = mc_citizen_window_realize;

  g_type_ensure (MC_TYPE_CITIZEN_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-citizen-window.ui");
  gtk_widget_class_bind_template_child (widget_class, McCitizenWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, McCitizenWindow, view);
}

static void
mc_citizen_window_init (McCitizenWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

McCitizenWindow *
mc_citizen_window_new (GtkApplication  *application,
                       GSettings       *settings,
                       McCitizenScreen *screen,
                       McSpeaker       *speaker)
{
  McCitizenWindow *self = g_object_new (MC_TYPE_CITIZEN_WINDOW, "application", application, NULL);

  self->settings = g_object_ref (settings);
  mc_citizen_view_set_settings (self->view, settings);
  mc_citizen_view_set_speaker (self->view, speaker);
  mc_citizen_view_set_screen (self->view, screen);

  /* A monitor plugged in or out moves the window at once. */
  self->monitors = g_object_ref (gdk_display_get_monitors (gtk_widget_get_display (GTK_WIDGET (self))));
  g_signal_connect_object (self->monitors, "items-changed", G_CALLBACK (place), self, G_CONNECT_SWAPPED);
  return self;
}
