/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <locale.h>

#include "mc-core.h"
#include "mc-test-ui.h"
#include "mc-test-util.h"

static gboolean
mc_test_on_tick (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

void
mc_test_wait_for_frames (GtkWidget *widget)
{
  guint frames = 0;
  guint id;
  gint64 deadline = g_get_monotonic_time () + (gint64) mc_test_guard_seconds (60) * G_USEC_PER_SEC;

  gtk_widget_queue_draw (widget);
  id = gtk_widget_add_tick_callback (widget, mc_test_on_tick, &frames, NULL);
  while (frames < 3 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (widget, id);
  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_cmpuint (frames, >=, 3);
}

void
mc_test_iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

const char *
mc_test_language (void)
{
  const char *lang = g_getenv ("LANGUAGE");

  return (lang == NULL || *lang == '\0') ? "en" : lang;
}

void
mc_test_screenshot (GtkWidget  *widget,
                    const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("MOTCUA_SCREENSHOT_DIR"), mc_test_language (), file, NULL);

  mc_test_wait_for_frames (widget);
  mc_widget_save_screenshot (widget, path, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_test_message ("screenshot: %s", path);
}

GtkWidget *
mc_test_find_named (GtkWidget  *widget,
                    const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = mc_test_find_named (c, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
mc_test_find_type (GtkWidget *widget,
                   GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = mc_test_find_type (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWindow *
mc_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}


void
mc_test_load_style (void)
{
  GtkCssProvider *css = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (css, RESOURCE_BASE "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_unref (css);
}

McWindow *
mc_test_main_window (void)
{
  GtkWindow *window = mc_test_find_toplevel (MC_TYPE_WINDOW);

  g_assert_nonnull (window);
  return MC_WINDOW (window);
}

McVisitView *
mc_test_window_visit_view (McWindow *window)
{
  GtkWidget *view = mc_reception_page_get_visit_view (mc_window_get_reception (window));

  return view != NULL ? MC_VISIT_VIEW (view) : NULL;
}

void
mc_test_ui_init (int    *argc,
                 char ***argv)
{
  setlocale (LC_ALL, "");
  gtk_test_init (argc, argv, NULL);
  mc_core_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

McApplication *
mc_test_app_new (void)
{
  McApplication *app = mc_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  return app;
}
