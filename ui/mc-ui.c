/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-core.h"
#include "mc-ui.h"
#include "resources/mc-ui-resources.h"

/* Registers the templates, icons and CSS. Must run before the first widget
 * class of ui/ is initialised. */
void
mc_ui_init (void)
{
  static gsize initialized = 0;

  mc_core_init ();
  if (g_once_init_enter (&initialized))
    {
      mc_ui_register_resource ();
      g_once_init_leave (&initialized, 1);
    }
}

/* Text that may hold a citizen's name, a file name or a message quoting
 * one goes on screen as it is, never as Pango markup: "A&B" or "<" would
 * make GTK log a warning that quotes the whole text into the journal, and
 * "<span>" or "<a href>" would be drawn. Rows turn markup off
 * (AdwPreferencesRow:use-markup); libadwaita 1.2 has no such switch for a
 * toast's title or a status page's description, so those are escaped. */
AdwToast *
mc_toast_new_literal (const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  return adw_toast_new (escaped);
}

void
mc_status_page_set_description_literal (AdwStatusPage *page,
                                        const char    *text)
{
  g_autofree char *escaped = text != NULL ? g_markup_escape_text (text, -1) : NULL;

  adw_status_page_set_description (page, escaped);
}

/* Renders @widget as it is on screen into a PNG, from inside the program:
 * no screen grabber, so it works the same under Xvfb. */
gboolean
mc_widget_save_screenshot (GtkWidget   *widget,
                           const char  *path,
                           GError     **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = NULL;
  GskRenderer *renderer;
  GtkNative *native;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  native = gtk_widget_get_native (widget);
  if (width <= 0 || height <= 0 || native == NULL ||
      (renderer = gtk_native_get_renderer (native)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The window is not shown yet, so there is nothing to capture"));
      return FALSE;
    }

  paintable = gtk_widget_paintable_new (widget);
  /* At the paintable's own size, one pixel for one pixel: a window's bounds
   * include its client-side border, and squeezing them into the widget's
   * size would resample everything (a QR code's modules then come out
   * uneven and unreadable). */
  if (gdk_paintable_get_intrinsic_width (paintable) > 0 && gdk_paintable_get_intrinsic_height (paintable) > 0)
    {
      width = gdk_paintable_get_intrinsic_width (paintable);
      height = gdk_paintable_get_intrinsic_height (paintable);
    }
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The window drew nothing to capture"));
      return FALSE;
    }

  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  dir = g_path_get_dirname (path);
  g_mkdir_with_parents (dir, 0755);
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write the screenshot to %s"), path);
      return FALSE;
    }
  return TRUE;
}
