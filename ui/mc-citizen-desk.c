/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-citizen-desk"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-citizen-desk.h"
#include "mc-guide-book.h"
#include "mc-window.h"

struct _McCitizenDesk
{
  GObject          parent_instance;

  GtkApplication  *application;    /* unowned: it owns us */
  GSettings       *settings;
  McCitizenScreen *screen;
  McSpeaker       *speaker;
  McCitizenWindow *window;
  GSimpleAction   *visible_action;
  GSimpleAction   *guide_action;
  gboolean         suspended;
  gboolean         wanted;
};

G_DEFINE_FINAL_TYPE (McCitizenDesk, mc_citizen_desk, G_TYPE_OBJECT)

/* The guides of the catalog the screen shows. */
static McGuideBook *
guide_book (McCitizenDesk *self)
{
  return mc_guide_book_get_shared (mc_citizen_screen_get_procedures (self->screen));
}

static McWindow *
clerk_window (McCitizenDesk *self)
{
  for (GList *l = gtk_application_get_windows (self->application); l; l = l->next)
    if (MC_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static void
on_window_destroyed (McCitizenDesk *self)
{
  self->window = NULL;
  if (!self->suspended)
    {
      self->wanted = FALSE;
      g_simple_action_set_state (self->visible_action, g_variant_new_boolean (FALSE));
    }
}

static void
show_window (McCitizenDesk *self)
{
  if (self->window == NULL)
    {
      self->window = mc_citizen_window_new (self->application, self->settings, self->screen, self->speaker);
      g_signal_connect_object (self->window, "destroy", G_CALLBACK (on_window_destroyed), self, G_CONNECT_SWAPPED);
    }
  gtk_window_present (GTK_WINDOW (self->window));
}

void
mc_citizen_desk_set_visible (McCitizenDesk *self,
                             gboolean       visible)
{
  g_return_if_fail (MC_IS_CITIZEN_DESK (self));

  self->wanted = visible;
  g_simple_action_set_state (self->visible_action, g_variant_new_boolean (visible));
  if (self->suspended)
    return;
  if (visible)
    show_window (self);
  else if (self->window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->window));
}

void
mc_citizen_desk_set_suspended (McCitizenDesk *self,
                               gboolean       suspended)
{
  gboolean wanted;

  g_return_if_fail (MC_IS_CITIZEN_DESK (self));

  if (self->suspended == suspended)
    return;
  wanted = self->wanted;
  if (suspended && self->window != NULL)
    {
      self->suspended = TRUE;
      gtk_window_destroy (GTK_WINDOW (self->window));
    }
  self->suspended = suspended;
  if (!suspended && wanted)
    show_window (self);
}

/* ---- Actions ------------------------------------------------------------------ */

static void
change_visible (GSimpleAction *action,
                GVariant      *value,
                gpointer       user_data)
{
  mc_citizen_desk_set_visible (user_data, g_variant_get_boolean (value));
}

static void
show_guide (GSimpleAction *action,
            GVariant      *param,
            gpointer       user_data)
{
  McCitizenDesk *self = user_data;
  const char *id = g_variant_get_string (param, NULL);
  g_autoptr(GVariant) state = g_action_get_state (G_ACTION (action));

  /* The same guide again switches it off, as a toggle button does. */
  if (*id == '\0' || g_str_equal (g_variant_get_string (state, NULL), id) ||
      mc_guide_book_lookup (guide_book (self), id) == NULL)
    id = NULL;
  mc_citizen_screen_set_guide_id (self->screen, id);
  g_simple_action_set_state (action, g_variant_new_string (id ? id : ""));
  if (id != NULL)
    mc_citizen_desk_set_visible (self, TRUE);
}

static void
on_guide_changed (McCitizenDesk *self)
{
  const char *id = mc_citizen_screen_get_guide_id (self->screen);

  g_simple_action_set_state (self->guide_action, g_variant_new_string (id ? id : ""));
}

static void
read_guide (GSimpleAction *action,
            GVariant      *param,
            gpointer       user_data)
{
  McCitizenDesk *self = user_data;
  const McGuide *guide = mc_guide_book_lookup (guide_book (self), g_variant_get_string (param, NULL));
  g_autoptr(GString) text = g_string_new (NULL);

  if (guide == NULL)
    return;
  g_string_append_printf (text, "%s. %s", mc_guide_get_title (guide), mc_guide_get_summary (guide));
  for (guint i = 0; i < guide->steps->len; i++)
    g_string_append_printf (text, " %u. %s", i + 1, mc_guide_step_get_text (g_ptr_array_index (guide->steps, i)));
  mc_speaker_say (self->speaker, text->str, mc_catalog_text ("vi", "en"));
}

static void
on_speaker_error (McCitizenDesk *self)
{
  const char *error = mc_speaker_get_error (self->speaker);
  McWindow *window = clerk_window (self);

  /* Once per problem, in the clerk's window: the citizen screen stays
   * free of technical messages. */
  if (error != NULL && window != NULL)
    mc_window_add_toast (window, error);
}

static void
on_window_added (McCitizenDesk *self,
                 GtkWindow     *window)
{
  /* The citizen screen comes up with the clerk's window when the ward
   * asked for it at start. */
  if (MC_IS_WINDOW (window) && g_settings_get_boolean (self->settings, "citizen-screen"))
    {
      g_signal_handlers_disconnect_by_func (self->application, on_window_added, self);
      mc_citizen_desk_set_visible (self, TRUE);
    }
}

/* ---- GObject ------------------------------------------------------------------- */

McCitizenScreen *
mc_citizen_desk_get_screen (McCitizenDesk *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_DESK (self), NULL);
  return self->screen;
}

McSpeaker *
mc_citizen_desk_get_speaker (McCitizenDesk *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_DESK (self), NULL);
  return self->speaker;
}

McCitizenWindow *
mc_citizen_desk_get_window (McCitizenDesk *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_DESK (self), NULL);
  return self->window;
}

static void
mc_citizen_desk_dispose (GObject *object)
{
  McCitizenDesk *self = MC_CITIZEN_DESK (object);

  if (self->window != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->window, self);
      gtk_window_destroy (GTK_WINDOW (self->window));
      self->window = NULL;
    }
  g_clear_object (&self->settings);
  g_clear_object (&self->screen);
  g_clear_object (&self->speaker);
  g_clear_object (&self->visible_action);
  g_clear_object (&self->guide_action);

  G_OBJECT_CLASS (mc_citizen_desk_parent_class)->dispose (object);
}

static void
mc_citizen_desk_class_init (McCitizenDeskClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mc_citizen_desk_dispose;
}

static void
mc_citizen_desk_init (McCitizenDesk *self)
{
}

McCitizenDesk *
mc_citizen_desk_new (GtkApplication     *application,
                     GSettings          *settings,
                     McProcedureCatalog *procedures)
{
  McCitizenDesk *self = g_object_new (MC_TYPE_CITIZEN_DESK, NULL);
  GSimpleAction *read_action;

  self->application = application;
  self->settings = g_object_ref (settings);
  self->screen = mc_citizen_screen_new (procedures);
  self->speaker = mc_speaker_new ();
  g_signal_connect_object (self->speaker, "notify::error", G_CALLBACK (on_speaker_error), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->screen, "notify::guide-id", G_CALLBACK (on_guide_changed), self, G_CONNECT_SWAPPED);

  self->visible_action = g_simple_action_new_stateful ("citizen-screen", NULL, g_variant_new_boolean (FALSE));
  g_signal_connect (self->visible_action, "change-state", G_CALLBACK (change_visible), self);
  g_action_map_add_action (G_ACTION_MAP (application), G_ACTION (self->visible_action));

  self->guide_action = g_simple_action_new_stateful ("show-guide", G_VARIANT_TYPE_STRING, g_variant_new_string (""));
  g_signal_connect (self->guide_action, "activate", G_CALLBACK (show_guide), self);
  g_action_map_add_action (G_ACTION_MAP (application), G_ACTION (self->guide_action));

  read_action = g_simple_action_new ("read-guide", G_VARIANT_TYPE_STRING);
  g_signal_connect (read_action, "activate", G_CALLBACK (read_guide), self);
  g_action_map_add_action (G_ACTION_MAP (application), G_ACTION (read_action));
  g_object_unref (read_action);

  {
    static const char *accels[] = { "F12", NULL };

    gtk_application_set_accels_for_action (application, "app.citizen-screen", accels);
  }
  g_signal_connect_object (application, "window-added", G_CALLBACK (on_window_added), self, G_CONNECT_SWAPPED);
  return self;
}
