/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-scan-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-scan-panel-private.h"

/* The page strip of the scan panel: one card per page, with buttons to
 * turn, move and delete it, and drag and drop to reorder. */

static McPage *
find_page (McScanPanel *self,
           const char  *basename,
           guint       *position)
{
  guint n = self->store ? g_list_model_get_n_items (G_LIST_MODEL (self->store)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (g_str_equal (mc_page_get_basename (page), basename))
        {
          if (position)
            *position = i;
          return page;   /* the store keeps its reference */
        }
    }
  return NULL;
}

typedef struct {
  McScanPanel *panel;
  McPage      *page;
} RotateData;

static void
on_rotated (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  RotateData *rd = user_data;
  g_autoptr(GError) error = NULL;

  if (!mc_page_store_rotate_finish (MC_PAGE_STORE (source), result, &error))
    _mc_scan_panel_set_error (rd->panel, error->message);
  else
    /* The clerk turned it: a view that keeps derived images redoes them. */
    _mc_scan_panel_emit_pages_rotated (rd->panel, rd->page);
  g_object_unref (rd->panel);
  g_object_unref (rd->page);
  g_free (rd);
}

static void
rotate_page (McScanPanel *self,
             McPage      *page,
             int          degrees)
{
  RotateData *rd = g_new0 (RotateData, 1);

  rd->panel = g_object_ref (self);
  rd->page = g_object_ref (page);
  mc_page_store_rotate_async (self->store, page, degrees, NULL, on_rotated, rd);
}

void
_mc_scan_panel_page_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *param)
{
  McScanPanel *self = MC_SCAN_PANEL (widget);
  const char *basename = g_variant_get_string (param, NULL);
  g_autoptr(GError) error = NULL;
  guint position = 0;
  McPage *page = find_page (self, basename, &position);
  guint n;

  if (page == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  if (g_str_equal (action_name, "page.toggle-original"))
    _mc_scan_panel_emit_toggle_original (self, basename);
  else if (g_str_equal (action_name, "page.rotate-left"))
    rotate_page (self, page, 270);
  else if (g_str_equal (action_name, "page.rotate-right"))
    rotate_page (self, page, 90);
  else if (g_str_equal (action_name, "page.move-earlier") && position > 0)
    mc_page_store_move (self->store, position, position - 1);
  else if (g_str_equal (action_name, "page.move-later") && position + 1 < n)
    mc_page_store_move (self->store, position, position + 1);
  else if (g_str_equal (action_name, "page.delete") &&
           !mc_page_store_remove (self->store, page, &error))
    _mc_scan_panel_set_error (self, error->message);
}

static void
on_revision (McPage     *page,
             GParamSpec *pspec,
             GtkPicture *picture)
{
  /* The file changed under the same name: load it afresh. */
  gtk_picture_set_filename (picture, NULL);
  gtk_picture_set_filename (picture, mc_page_get_thumbnail_path (page));
}

static GdkContentProvider *
on_drag_prepare (GtkDragSource *source,
                 double         x,
                 double         y,
                 McPage        *page)
{
  return gdk_content_provider_new_typed (G_TYPE_STRING, mc_page_get_basename (page));
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         McPage        *onto)
{
  GtkWidget *card = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
  McScanPanel *self = MC_SCAN_PANEL (gtk_widget_get_ancestor (card, MC_TYPE_SCAN_PANEL));
  guint from = 0, to = 0;

  if (self == NULL || !G_VALUE_HOLDS_STRING (value) ||
      find_page (self, g_value_get_string (value), &from) == NULL ||
      find_page (self, mc_page_get_basename (onto), &to) == NULL)
    return FALSE;
  mc_page_store_move (self->store, from, to);
  return TRUE;
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             const char *action,
             McPage     *page)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", mc_page_get_basename (page));
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "circular");
  return button;
}

GtkWidget *
_mc_scan_panel_create_page_widget (gpointer item,
                                   gpointer user_data)
{
  McScanPanel *self = user_data;
  McPage *page = item;
  GtkWidget *card, *picture, *label, *tools;
  GtkDragSource *drag;
  GtkDropTarget *drop;
  guint position = 0;
  g_autofree char *text = NULL;

  find_page (self, mc_page_get_basename (page), &position);
  if (mc_page_get_side (page) == MC_PAGE_SIDE_BACK)
    /* Translators: a thumbnail caption; %u is the page's position */
    text = g_strdup_printf (_("Page %u · back"), position + 1);
  else
    text = g_strdup_printf (_("Page %u"), position + 1);

  McPageDecoration deco = { 0 };

  if (self->decorator != NULL)
    self->decorator (page, &deco, self->decorator_data);

  card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "page-card");

  picture = gtk_picture_new_for_filename (deco.thumbnail ? deco.thumbnail : mc_page_get_thumbnail_path (page));
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_size_request (picture, 140, 180);
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  g_signal_connect_object (page, "notify::revision", G_CALLBACK (on_revision), picture, 0);
  gtk_box_append (GTK_BOX (card), picture);

  label = gtk_label_new (text);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (card), label);
  if (deco.note != NULL)
    {
      GtkWidget *note = gtk_label_new (deco.note);

      gtk_widget_add_css_class (note, "caption");
      gtk_widget_add_css_class (note, "dim-label");
      gtk_label_set_wrap (GTK_LABEL (note), TRUE);
      gtk_label_set_justify (GTK_LABEL (note), GTK_JUSTIFY_CENTER);
      gtk_box_append (GTK_BOX (card), note);
    }
  if (deco.can_toggle)
    {
      GtkWidget *toggle = gtk_button_new_with_label (deco.using_original ? _("Use the cleaned page")
                                                                         : _("Use the original scan"));

      gtk_widget_add_css_class (toggle, "flat");
      gtk_widget_add_css_class (toggle, "caption");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (toggle), "page.toggle-original");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (toggle), "s", mc_page_get_basename (page));
      gtk_box_append (GTK_BOX (card), toggle);
    }
  g_free (deco.thumbnail);
  g_free (deco.note);

  tools = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_halign (tools, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (tools), icon_button ("go-previous-symbolic", _("Move earlier"), "page.move-earlier", page));
  gtk_box_append (GTK_BOX (tools), icon_button ("object-rotate-left-symbolic", _("Turn left"), "page.rotate-left", page));
  gtk_box_append (GTK_BOX (tools), icon_button ("object-rotate-right-symbolic", _("Turn right"), "page.rotate-right", page));
  gtk_box_append (GTK_BOX (tools), icon_button ("user-trash-symbolic", _("Delete page"), "page.delete", page));
  gtk_box_append (GTK_BOX (tools), icon_button ("go-next-symbolic", _("Move later"), "page.move-later", page));
  gtk_box_append (GTK_BOX (card), tools);

  /* Drag a page onto another to put it there. */
  drag = gtk_drag_source_new ();
  g_signal_connect_object (drag, "prepare", G_CALLBACK (on_drag_prepare), page, 0);
  gtk_widget_add_controller (picture, GTK_EVENT_CONTROLLER (drag));
  drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY | GDK_ACTION_MOVE);
  g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop), page, 0);
  gtk_widget_add_controller (card, GTK_EVENT_CONTROLLER (drop));

  return card;
}
