/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-self-service"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-pin-prompt.h"
#include "mc-procedure-catalog.h"
#include "mc-self-service.h"

/* What a locked clerk window had before. */
typedef struct {
  GtkWidget *content;
  GPtrArray *widget_actions;   /* names of its class's actions we disabled */
  GPtrArray *map_actions;      /* names of its GActionMap's we disabled */
  gulong     close_handler;
  McSelfServiceBoard *board;
} Locked;

struct _McSelfService
{
  GObject              parent_instance;

  GtkApplication      *application;      /* unowned: it owns us */
  GSettings           *settings;
  McCitizenDesk       *desk;
  McScanner           *scanner;
  McScanner           *own_scanner;
  McLedger            *ledger;
  char                *base_dir;
  gboolean             active;
  McSelfServiceWindow *window;
  GHashTable          *locked;           /* GtkWindow → Locked */
  GPtrArray           *app_actions;      /* names we disabled */
  GSimpleAction       *enter_action;
};

G_DEFINE_FINAL_TYPE (McSelfService, mc_self_service, G_TYPE_OBJECT)

/* The program's procedure catalog, as the citizen screen shows it. */
static McProcedureCatalog *
procedures (McSelfService *self)
{
  return mc_citizen_screen_get_procedures (mc_citizen_desk_get_screen (self->desk));
}

enum {
  PROP_0,
  PROP_ACTIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum { HAND_OFF, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- Locking the clerk's windows ----------------------------------------------- */

static gboolean
refuse_close (GtkWindow *window,
              gpointer   user_data)
{
  return TRUE;
}

static void
each_board (McSelfService *self,
            void         (*func) (McSelfServiceBoard *board, gpointer data),
            gpointer       data)
{
  GHashTableIter iter;
  Locked *l;

  g_hash_table_iter_init (&iter, self->locked);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &l))
    func (l->board, data);
}

static void
board_clear_call (McSelfServiceBoard *board,
                  gpointer            data)
{
  mc_self_service_board_clear_call (board);
}

static void
on_acknowledge (McSelfService *self)
{
  each_board (self, board_clear_call, NULL);
  if (self->window != NULL)
    mc_self_service_window_acknowledge_call (self->window);
}

static void
on_board_leave (McSelfService      *self,
                McSelfServiceBoard *board)
{
  mc_self_service_ask_leave (self, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (board))));
}

static void
lock_window (McSelfService *self,
             GtkWindow     *window)
{
  Locked *l = g_new0 (Locked, 1);
  GtkWidgetClass *klass = GTK_WIDGET_GET_CLASS (window);
  GType own_type = G_OBJECT_TYPE (window);
  const GVariantType *parameter_type;
  const char *name, *property;
  GType owner;

  l->widget_actions = g_ptr_array_new_with_free_func (g_free);
  l->map_actions = g_ptr_array_new_with_free_func (g_free);

  /* The window's own actions (new visit, sections, and whatever a later
   * version adds): off. GTK's generic window actions stay as they are. */
  /* GTK 4.8 writes to every out argument: none may be NULL. */
  for (guint i = 0; gtk_widget_class_query_action (klass, i, &owner, &name, &parameter_type, &property); i++)
    if (owner == own_type)
      {
        gtk_widget_action_set_enabled (GTK_WIDGET (window), name, FALSE);
        g_ptr_array_add (l->widget_actions, g_strdup (name));
      }
  if (G_IS_ACTION_MAP (window))
    {
      g_auto(GStrv) names = g_action_group_list_actions (G_ACTION_GROUP (window));

      for (guint i = 0; names && names[i]; i++)
        {
          GAction *action = g_action_map_lookup_action (G_ACTION_MAP (window), names[i]);

          if (G_IS_SIMPLE_ACTION (action) && g_action_get_enabled (action))
            {
              g_simple_action_set_enabled (G_SIMPLE_ACTION (action), FALSE);
              g_ptr_array_add (l->map_actions, g_strdup (names[i]));
            }
        }
    }

  l->board = MC_SELF_SERVICE_BOARD (mc_self_service_board_new ());
  g_signal_connect_object (l->board, "acknowledge", G_CALLBACK (on_acknowledge), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (l->board, "leave-requested", G_CALLBACK (on_board_leave), self, G_CONNECT_SWAPPED);
  if (ADW_IS_APPLICATION_WINDOW (window))
    {
      l->content = g_object_ref (adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)));
      adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), GTK_WIDGET (l->board));
    }
  l->close_handler = g_signal_connect (window, "close-request", G_CALLBACK (refuse_close), NULL);
  g_hash_table_insert (self->locked, g_object_ref (window), l);
}

static void
unlock_window (GtkWindow *window,
               Locked    *l)
{
  if (l->content != NULL)
    {
      adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), l->content);
      g_clear_object (&l->content);
    }
  for (guint i = 0; i < l->widget_actions->len; i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (window), g_ptr_array_index (l->widget_actions, i), TRUE);
  for (guint i = 0; i < l->map_actions->len; i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (window), g_ptr_array_index (l->map_actions, i));

      if (G_IS_SIMPLE_ACTION (action))
        g_simple_action_set_enabled (G_SIMPLE_ACTION (action), TRUE);
    }
  g_signal_handler_disconnect (window, l->close_handler);
  g_ptr_array_unref (l->widget_actions);
  g_ptr_array_unref (l->map_actions);
  g_free (l);
}

/* ---- The kiosk's signals --------------------------------------------------------- */

static void
board_show_call (McSelfServiceBoard *board,
                 gpointer            data)
{
  mc_self_service_board_show_call (board);
}

static void
on_call_clerk (McSelfService *self)
{
  GHashTableIter iter;
  GtkWindow *window;

  each_board (self, board_show_call, NULL);
  /* The clerk's window comes forward, where there is a second screen. */
  g_hash_table_iter_init (&iter, self->locked);
  while (g_hash_table_iter_next (&iter, (gpointer *) &window, NULL))
    gtk_window_present (window);
}

typedef struct {
  const char *code;
  const char *name;
  const char *folder;
} Package;

static void
board_add_package (McSelfServiceBoard *board,
                   gpointer            data)
{
  Package *p = data;

  mc_self_service_board_add_package (board, p->code, p->name, p->folder);
}

static void
on_hand_off (McSelfService *self,
             const char    *procedure_code,
             const char    *folder,
             const char    *short_code)
{
  const McProcedure *procedure = mc_procedure_catalog_lookup (procedures (self), procedure_code);
  Package p = { short_code, procedure ? mc_catalog_text (procedure->name, procedure->name_en) : procedure_code, folder };

  each_board (self, board_add_package, &p);
  g_signal_emit (self, signals[HAND_OFF], 0, procedure_code, folder, short_code);
}

static void
board_set_activity (McSelfServiceBoard *board,
                    gpointer            data)
{
  mc_self_service_board_set_activity (board, data);
}

static void
on_kiosk_step (McSelfService   *self,
               GParamSpec      *pspec,
               McCitizenScreen *screen)
{
  const McProcedure *procedure = mc_procedure_catalog_lookup (procedures (self),
                                                              mc_citizen_screen_get_procedure_code (screen));
  g_autofree char *text = NULL;

  /* What the citizen does, never what they scanned. */
  if (procedure == NULL)
    text = g_strdup (_("The self-service screen shows the procedures to choose from."));
  else
    /* Translators: %s is the procedure a citizen is doing at the self-service screen */
    text = g_strdup_printf (_("A citizen is preparing: %s."), mc_catalog_text (procedure->name, procedure->name_en));
  each_board (self, board_set_activity, text);
}

static void
on_leave_requested (McSelfService *self)
{
  mc_self_service_ask_leave (self, GTK_WINDOW (self->window));
}

/* ---- Entering and leaving ------------------------------------------------------------ */

static void
enter (McSelfService *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *default_base = NULL;
  const char *base = self->base_dir;
  g_auto(GStrv) names = NULL;
  GList *windows;
  McScanner *scanner;
  guint purged;

  if (self->active)
    return;

  /* Leftovers of a kiosk stopped mid-way (a power cut) go first. */
  if (base == NULL)
    base = default_base = mc_self_service_get_base_dir ();
  purged = mc_self_service_purge (base, g_settings_get_uint (self->settings, "retention-hours"), &error);
  if (error != NULL)
    g_warning ("Old self-service folders could not be removed: %s", error->message);
  else if (purged > 0)
    g_message ("Removed %u old self-service folders", purged);

  self->active = TRUE;
  mc_citizen_desk_set_suspended (self->desk, TRUE);

  names = g_action_group_list_actions (G_ACTION_GROUP (self->application));
  for (guint i = 0; names && names[i]; i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->application), names[i]);

      if (G_IS_SIMPLE_ACTION (action) && g_action_get_enabled (action))
        {
          g_simple_action_set_enabled (G_SIMPLE_ACTION (action), FALSE);
          g_ptr_array_add (self->app_actions, g_strdup (names[i]));
        }
    }

  windows = g_list_copy (gtk_application_get_windows (self->application));
  for (GList *l = windows; l; l = l->next)
    if (ADW_IS_APPLICATION_WINDOW (l->data))
      lock_window (self, l->data);
  g_list_free (windows);

  if (self->scanner != NULL)
    scanner = self->scanner;
  else
    scanner = self->own_scanner = mc_scanner_new ();
  self->window = mc_self_service_window_new (self->application, self->settings, procedures (self), scanner,
                                             mc_citizen_desk_get_speaker (self->desk), self->base_dir);
  g_signal_connect_object (self->window, "call-clerk", G_CALLBACK (on_call_clerk), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->window, "hand-off", G_CALLBACK (on_hand_off), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->window, "leave-requested", G_CALLBACK (on_leave_requested), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (mc_self_service_window_get_screen (self->window), "notify::procedure-code",
                           G_CALLBACK (on_kiosk_step), self, G_CONNECT_SWAPPED);
  on_kiosk_step (self, NULL, mc_self_service_window_get_screen (self->window));
  gtk_window_present (GTK_WINDOW (self->window));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

static void
leave (McSelfService *self)
{
  GHashTableIter iter;
  gpointer window, locked;

  if (!self->active)
    return;

  if (self->window != NULL)
    {
      McSelfServiceWindow *window_ = g_steal_pointer (&self->window);

      g_signal_handlers_disconnect_by_data (window_, self);
      g_signal_handlers_disconnect_by_data (mc_self_service_window_get_screen (window_), self);
      /* What the citizen had not finished is wiped with it. */
      mc_self_service_window_close_for_good (window_);
    }
  g_clear_object (&self->own_scanner);

  g_hash_table_iter_init (&iter, self->locked);
  while (g_hash_table_iter_next (&iter, &window, &locked))
    {
      unlock_window (window, locked);
      g_hash_table_iter_steal (&iter);
      g_object_unref (window);
    }

  for (guint i = 0; i < self->app_actions->len; i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->application),
                                                    g_ptr_array_index (self->app_actions, i));

      if (G_IS_SIMPLE_ACTION (action))
        g_simple_action_set_enabled (G_SIMPLE_ACTION (action), TRUE);
    }
  g_ptr_array_set_size (self->app_actions, 0);

  self->active = FALSE;
  mc_citizen_desk_set_suspended (self->desk, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

GtkWidget *
mc_self_service_ask_enter (McSelfService *self,
                           GtkWindow     *parent)
{
  GtkWidget *prompt;

  g_return_val_if_fail (MC_IS_SELF_SERVICE (self), NULL);

  if (self->active)
    return NULL;
  prompt = mc_pin_prompt_new (parent, self->settings, self->ledger,
                              _("Self-service mode lets citizens scan their papers alone. Visits, the ledger and the preferences are locked until a supervisor leaves the mode with the PIN."));
  gtk_window_set_title (GTK_WINDOW (prompt), _("Start Self-Service Mode"));
  g_signal_connect_object (prompt, "verified", G_CALLBACK (enter), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (prompt));
  return prompt;
}

GtkWidget *
mc_self_service_ask_leave (McSelfService *self,
                           GtkWindow     *parent)
{
  GtkWidget *prompt;

  g_return_val_if_fail (MC_IS_SELF_SERVICE (self), NULL);

  if (!self->active)
    return NULL;
  prompt = mc_pin_prompt_new (parent, self->settings, self->ledger,
                              _("Leaving self-service mode unlocks the visits, the ledger and the preferences. A citizen’s unfinished scans are deleted."));
  gtk_window_set_title (GTK_WINDOW (prompt), _("Leave Self-Service Mode"));
  g_signal_connect_object (prompt, "verified", G_CALLBACK (leave), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (prompt));
  return prompt;
}

static void
enter_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  McSelfService *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (self->application);

  mc_self_service_ask_enter (self, parent);
}

/* ---- API and GObject -------------------------------------------------------------------- */

void
mc_self_service_set_scanner (McSelfService *self,
                             McScanner     *scanner)
{
  g_return_if_fail (MC_IS_SELF_SERVICE (self));
  g_set_object (&self->scanner, scanner);
}

void
mc_self_service_set_ledger (McSelfService *self,
                            McLedger      *ledger)
{
  g_return_if_fail (MC_IS_SELF_SERVICE (self));
  g_set_object (&self->ledger, ledger);
}

void
mc_self_service_set_base_dir (McSelfService *self,
                              const char    *base_dir)
{
  g_return_if_fail (MC_IS_SELF_SERVICE (self));
  g_free (self->base_dir);
  self->base_dir = g_strdup (base_dir);
}

gboolean
mc_self_service_is_active (McSelfService *self)
{
  g_return_val_if_fail (MC_IS_SELF_SERVICE (self), FALSE);
  return self->active;
}

McSelfServiceWindow *
mc_self_service_get_window (McSelfService *self)
{
  g_return_val_if_fail (MC_IS_SELF_SERVICE (self), NULL);
  return self->window;
}

McSelfServiceBoard *
mc_self_service_get_board (McSelfService *self,
                           GtkWindow     *clerk_window)
{
  Locked *l;

  g_return_val_if_fail (MC_IS_SELF_SERVICE (self), NULL);
  l = g_hash_table_lookup (self->locked, clerk_window);
  return l ? l->board : NULL;
}

static void
mc_self_service_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_ACTIVE:
      g_value_set_boolean (value, MC_SELF_SERVICE (object)->active);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_self_service_dispose (GObject *object)
{
  McSelfService *self = MC_SELF_SERVICE (object);

  leave (self);
  g_clear_object (&self->settings);
  g_clear_object (&self->desk);
  g_clear_object (&self->scanner);
  g_clear_object (&self->ledger);
  g_clear_object (&self->enter_action);

  G_OBJECT_CLASS (mc_self_service_parent_class)->dispose (object);
}

static void
mc_self_service_finalize (GObject *object)
{
  McSelfService *self = MC_SELF_SERVICE (object);

  g_free (self->base_dir);
  g_hash_table_unref (self->locked);
  g_ptr_array_unref (self->app_actions);

  G_OBJECT_CLASS (mc_self_service_parent_class)->finalize (object);
}

static void
mc_self_service_class_init (McSelfServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mc_self_service_dispose;
  object_class->finalize = mc_self_service_finalize;
  object_class->get_property = mc_self_service_get_property;

  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[HAND_OFF] = g_signal_new ("hand-off", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                    G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

static void
mc_self_service_init (McSelfService *self)
{
  self->locked = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, NULL);
  self->app_actions = g_ptr_array_new_with_free_func (g_free);
}

McSelfService *
mc_self_service_new (GtkApplication *application,
                     GSettings      *settings,
                     McCitizenDesk  *desk)
{
  McSelfService *self = g_object_new (MC_TYPE_SELF_SERVICE, NULL);

  self->application = application;
  self->settings = g_object_ref (settings);
  self->desk = g_object_ref (desk);
  self->enter_action = g_simple_action_new ("self-service", NULL);
  g_signal_connect (self->enter_action, "activate", G_CALLBACK (enter_action), self);
  g_action_map_add_action (G_ACTION_MAP (application), G_ACTION (self->enter_action));
  return self;
}
