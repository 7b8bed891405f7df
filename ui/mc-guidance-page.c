/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-guidance-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-guidance-page.h"
#include "mc-guide-book.h"
#include "mc-guide-view.h"

struct _McGuidancePage
{
  AdwBin           parent_instance;

  McProcedureCatalog *procedures;
  McGuideBook     *book;
  GSettings       *settings;
  GPtrArray       *ids;          /* parallel to the list's rows */
  gboolean         filled;       /* built when first shown: not on the start's path */

  /* Template widgets */
  GtkWidget       *problems_box;
  GtkLabel        *problems_label;
  GtkListBox      *guide_list;
  GtkLabel        *folder_label;
  GtkButton       *read_button;
  GtkToggleButton *show_button;
  McGuideView     *guide_view;
};

G_DEFINE_FINAL_TYPE (McGuidancePage, mc_guidance_page, ADW_TYPE_BIN)

static GtkWidget *
make_row (const McGuide *guide)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *label = gtk_label_new (mc_guide_get_title (guide));
  GtkWidget *pictogram = mc_guide_pictogram_new (guide->pictogram, 32, NULL);

  gtk_widget_set_valign (pictogram, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), pictogram);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  mc_guide_get_title (guide), -1);
  return row;
}

static void
show_selected (McGuidancePage *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->guide_list);
  int index = row ? gtk_list_box_row_get_index (row) : -1;
  const char *id;

  if (index < 0 || (guint) index >= self->ids->len)
    return;
  id = g_ptr_array_index (self->ids, index);
  mc_guide_view_show (self->guide_view, self->book, id, MC_GUIDE_PART_ALL, TRUE);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->read_button), "s", id);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->show_button), "s", id);
}

static void
fill (McGuidancePage *self)
{
  GPtrArray *problems = mc_guide_book_get_problems (self->book);
  g_autoptr(GFile) dir = mc_guide_book_get_override_dir ();
  g_autofree char *dir_name = g_file_get_parse_name (dir);
  /* Translators: %s is a folder */
  g_autofree char *folder = g_strdup_printf (_("Your ward’s own guides and pictures go in %s"), dir_name);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->guide_list))) != NULL)
    gtk_list_box_remove (self->guide_list, child);
  g_ptr_array_set_size (self->ids, 0);

  for (guint i = 0; i < mc_guide_book_get_n_guides (self->book); i++)
    {
      const McGuide *guide = mc_guide_book_get_guide (self->book, i);

      gtk_list_box_append (self->guide_list, make_row (guide));
      g_ptr_array_add (self->ids, g_strdup (guide->id));
    }

  if (problems->len > 0)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < problems->len; i++)
        g_string_append_printf (text, "%s%s", i ? "\n" : "", (char *) g_ptr_array_index (problems, i));
      gtk_label_set_text (self->problems_label, text->str);
    }
  gtk_widget_set_visible (self->problems_box, problems->len > 0);
  gtk_label_set_text (self->folder_label, folder);

  gtk_list_box_select_row (self->guide_list, gtk_list_box_get_row_at_index (self->guide_list, 0));
  show_selected (self);
}

/* The guides are read and drawn (a pictogram per row, the first guide's
 * pictures) when the section is first shown or asked about, so a program
 * that starts on Reception does not pay for them. */
static void
ensure_filled (McGuidancePage *self)
{
  if (self->filled || self->procedures == NULL)
    return;
  self->filled = TRUE;
  self->book = g_object_ref (mc_guide_book_get_shared (self->procedures));
  fill (self);
}

void
mc_guidance_page_reload (McGuidancePage *self)
{
  g_autofree char *selected = NULL;

  g_return_if_fail (MC_IS_GUIDANCE_PAGE (self));

  ensure_filled (self);
  if (!self->filled)
    return;
  selected = g_strdup (mc_guidance_page_get_selected (self));
  g_set_object (&self->book, mc_guide_book_reload_shared (self->procedures));
  fill (self);
  if (selected != NULL)
    mc_guidance_page_select (self, selected);
}

/* The catalog whose guides the section shows (the program's). */
void
mc_guidance_page_set_procedures (McGuidancePage     *self,
                                 McProcedureCatalog *procedures)
{
  g_return_if_fail (MC_IS_GUIDANCE_PAGE (self));
  g_return_if_fail (MC_IS_PROCEDURE_CATALOG (procedures));

  if (!g_set_object (&self->procedures, procedures))
    return;
  g_clear_object (&self->book);
  self->filled = FALSE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    ensure_filled (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  mc_guidance_page_reload (MC_GUIDANCE_PAGE (widget));
}

gboolean
mc_guidance_page_select (McGuidancePage *self,
                         const char     *guide_id)
{
  g_return_val_if_fail (MC_IS_GUIDANCE_PAGE (self), FALSE);

  ensure_filled (self);
  for (guint i = 0; i < self->ids->len; i++)
    if (g_str_equal (g_ptr_array_index (self->ids, i), guide_id))
      {
        gtk_list_box_select_row (self->guide_list, gtk_list_box_get_row_at_index (self->guide_list, (int) i));
        show_selected (self);
        return TRUE;
      }
  return FALSE;
}

const char *
mc_guidance_page_get_selected (McGuidancePage *self)
{
  g_return_val_if_fail (MC_IS_GUIDANCE_PAGE (self), NULL);
  ensure_filled (self);
  return mc_guide_view_get_guide_id (self->guide_view);
}

guint
mc_guidance_page_get_n_guides (McGuidancePage *self)
{
  g_return_val_if_fail (MC_IS_GUIDANCE_PAGE (self), 0);
  ensure_filled (self);
  return self->ids->len;
}

const char *
mc_guidance_page_get_problems (McGuidancePage *self)
{
  g_return_val_if_fail (MC_IS_GUIDANCE_PAGE (self), NULL);
  ensure_filled (self);
  return gtk_widget_get_visible (self->problems_box) ? gtk_label_get_text (self->problems_label) : NULL;
}

static void
on_read_aloud_changed (McGuidancePage *self)
{
  /* Reading aloud is offered where the ward switched it on. */
  gtk_widget_set_visible (GTK_WIDGET (self->read_button),
                          g_settings_get_boolean (self->settings, "read-aloud"));
}

static void
mc_guidance_page_dispose (GObject *object)
{
  McGuidancePage *self = MC_GUIDANCE_PAGE (object);

  /* The list empties as it goes: no row is "selected" on the way out. */
  if (self->guide_list != NULL)
    g_signal_handlers_disconnect_by_data (self->guide_list, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_GUIDANCE_PAGE);
  g_clear_object (&self->book);
  g_clear_object (&self->procedures);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->ids, g_ptr_array_unref);

  G_OBJECT_CLASS (mc_guidance_page_parent_class)->dispose (object);
}

static void
mc_guidance_page_class_init (McGuidancePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mc_guidance_page_dispose;

  g_type_ensure (MC_TYPE_GUIDE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-guidance-page.ui");
  gtk_widget_class_bind_template_child (widget_class, McGuidancePage, problems_box);
  gtk_widget_class_bind_template_child (widget_class, McGuidancePage, problems_label);
  gtk_widget_class_bind_template_child (widget_class, McGuidancePage, guide_list);
  gtk_widget_class_bind_template_child (widget_class, McGuidancePage, folder_label);
  gtk_widget_class_bind_template_child (widget_class, McGuidancePage, read_button);
  gtk_widget_class_bind_template_child (widget_class, McGuidancePage, show_button);
  gtk_widget_class_bind_template_child (widget_class, McGuidancePage, guide_view);

  gtk_widget_class_install_action (widget_class, "guidance.reload", NULL, reload_action);
}

static void
mc_guidance_page_init (McGuidancePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->ids = g_ptr_array_new_with_free_func (g_free);
  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::read-aloud",
                           G_CALLBACK (on_read_aloud_changed), self, G_CONNECT_SWAPPED);
  on_read_aloud_changed (self);
  g_signal_connect_swapped (self->guide_list, "row-selected", G_CALLBACK (show_selected), self);
  /* A target until a guide is chosen: the actions take a string. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->read_button), "s", "");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->show_button), "s", "");
  g_signal_connect (self, "map", G_CALLBACK (ensure_filled), NULL);
}

GtkWidget *
mc_guidance_page_new (void)
{
  return g_object_new (MC_TYPE_GUIDANCE_PAGE, NULL);
}
