/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-procedure-chooser"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-procedure-chooser.h"

#define MAX_RECENT 5

struct _McProcedureChooser
{
  AdwBin              parent_instance;

  McProcedureCatalog *catalog;
  GSettings          *settings;
  GPtrArray          *shown;    /* const McProcedure*, in list order */

  GtkSearchEntry     *search_entry;
  GtkListBox         *list;
};

G_DEFINE_FINAL_TYPE (McProcedureChooser, mc_procedure_chooser, ADW_TYPE_BIN)

enum { SIGNAL_CHOSEN, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Puts @code first in the list of recent procedures. */
void
mc_procedure_note_recent (GSettings  *settings,
                          const char *code)
{
  g_auto(GStrv) recent = g_settings_get_strv (settings, "recent-procedures");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  guint n = 1;

  g_strv_builder_add (builder, code);
  for (guint i = 0; recent[i] && n < MAX_RECENT; i++)
    if (!g_str_equal (recent[i], code))
      {
        g_strv_builder_add (builder, recent[i]);
        n++;
      }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "recent-procedures", (const char * const *) updated);
}

static GtkWidget *
make_row (const McProcedure *p,
          gboolean           recent)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = NULL;
  const char *portal = mc_catalog_text (p->portal->name, p->portal->name_en);

  if (recent)
    /* Translators: procedure code · portal name · "recently used" */
    subtitle = g_strdup_printf (_("%s · %s · used recently"), p->code, portal);
  else
    subtitle = g_strdup_printf ("%s · %s", p->code, portal);

  /* Names come from the catalog, which a ward may override: "&" is text. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mc_catalog_text (p->name, p->name_en));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  return row;
}

static void
refresh (McProcedureChooser *self)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GPtrArray) found = mc_procedure_catalog_search (self->catalog, query);
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-procedures");
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  g_ptr_array_set_size (self->shown, 0);

  /* With no query, recent procedures lead; a query ranks by match. */
  if (*query == '\0')
    for (guint i = 0; recent[i]; i++)
      {
        const McProcedure *p = mc_procedure_catalog_lookup (self->catalog, recent[i]);

        if (p != NULL)
          {
            g_ptr_array_add (self->shown, (gpointer) p);
            gtk_list_box_append (self->list, make_row (p, TRUE));
          }
      }

  for (guint i = 0; i < found->len; i++)
    {
      const McProcedure *p = g_ptr_array_index (found, i);

      if (*query == '\0' && g_strv_contains ((const char * const *) recent, p->code))
        continue;
      g_ptr_array_add (self->shown, (gpointer) p);
      gtk_list_box_append (self->list, make_row (p, FALSE));
    }

  if (self->shown->len == 0)
    {
      GtkWidget *none = gtk_label_new (_("No procedure matches. Try part of the name, or the code."));

      gtk_widget_add_css_class (none, "dim-label");
      gtk_widget_set_margin_top (none, 12);
      gtk_widget_set_margin_bottom (none, 12);
      gtk_list_box_append (self->list, none);
    }
}

static void
choose (McProcedureChooser *self,
        guint               index)
{
  const McProcedure *p;

  if (index >= self->shown->len)
    return;
  p = g_ptr_array_index (self->shown, index);
  mc_procedure_note_recent (self->settings, p->code);
  g_signal_emit (self, signals[SIGNAL_CHOSEN], 0, p->code);
}

static void
on_row_activated (McProcedureChooser *self,
                  GtkListBoxRow      *row)
{
  choose (self, (guint) gtk_list_box_row_get_index (row));
}

static void
on_activate (McProcedureChooser *self)
{
  choose (self, 0);
}

const char *
mc_procedure_chooser_get_first_code (McProcedureChooser *self)
{
  g_return_val_if_fail (MC_IS_PROCEDURE_CHOOSER (self), NULL);
  return self->shown->len ? ((const McProcedure *) g_ptr_array_index (self->shown, 0))->code : NULL;
}

void
mc_procedure_chooser_set_query (McProcedureChooser *self,
                                const char         *query)
{
  g_return_if_fail (MC_IS_PROCEDURE_CHOOSER (self));
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), query);
  refresh (self);
}

void
mc_procedure_chooser_reset (McProcedureChooser *self)
{
  g_return_if_fail (MC_IS_PROCEDURE_CHOOSER (self));
  mc_procedure_chooser_set_query (self, "");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
mc_procedure_chooser_dispose (GObject *object)
{
  McProcedureChooser *self = MC_PROCEDURE_CHOOSER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_PROCEDURE_CHOOSER);
  g_clear_object (&self->catalog);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->shown, g_ptr_array_unref);

  G_OBJECT_CLASS (mc_procedure_chooser_parent_class)->dispose (object);
}

static void
mc_procedure_chooser_class_init (McProcedureChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mc_procedure_chooser_dispose;

  signals[SIGNAL_CHOSEN] =
    g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-procedure-chooser.ui");
  gtk_widget_class_bind_template_child (widget_class, McProcedureChooser, search_entry);
  gtk_widget_class_bind_template_child (widget_class, McProcedureChooser, list);
}

static void
mc_procedure_chooser_init (McProcedureChooser *self)
{
  self->shown = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (refresh), self);
  g_signal_connect_swapped (self->search_entry, "activate", G_CALLBACK (on_activate), self);
  g_signal_connect_swapped (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
}

GtkWidget *
mc_procedure_chooser_new (McProcedureCatalog *catalog,
                          GSettings          *settings)
{
  McProcedureChooser *self = g_object_new (MC_TYPE_PROCEDURE_CHOOSER, NULL);

  self->catalog = g_object_ref (catalog);
  self->settings = g_object_ref (settings);
  refresh (self);
  return GTK_WIDGET (self);
}
