/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-application"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-application.h"
#include "mc-citizen-desk.h"
#include "mc-first-run-dialog.h"
#include "mc-preferences-window.h"
#include "mc-self-service.h"
#include "mc-ui.h"
#include "mc-reception-page.h"
#include "mc-services.h"
#include "mc-startup-bench.h"
#include "mc-visit-view.h"
#include "mc-window.h"

struct _McApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  McServices     *services;       /* what runs besides the windows */
  McCitizenDesk  *citizen_desk;
  McSelfService  *self_service;
};

G_DEFINE_FINAL_TYPE (McApplication, mc_application, ADW_TYPE_APPLICATION)

static GtkWindow *
get_main_window (McApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (MC_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  McApplication *self = user_data;
  GtkWindow *window = get_main_window (self);

  /* Closing through the window lets it save its size. */
  if (window != NULL)
    gtk_window_close (window);
  g_application_quit (G_APPLICATION (self));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  McApplication *self = user_data;
  GtkWidget *prefs = mc_preferences_window_new (get_main_window (self), self->settings,
                                                mc_services_get_ward_catalog (self->services));

  gtk_window_present (GTK_WINDOW (prefs));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  McApplication *self = user_data;
  static const char *developers[] = { "The Một Cửa developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", get_main_window (self),
                        "modal", TRUE,
                        "application-icon", APP_ID,
                        "application-name", "Một Cửa",
                        "version", PACKAGE_VERSION,
                        "comments", _("Help citizens file procedures online at the ward’s one-stop counter: scan, read the ID card, prepare the files, record the filing."),
                        "developer-name", "The Một Cửa developers",
                        "developers", developers,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", "https://motcua.org/",
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "about", about_action },
};

/* ---- the services, shown ------------------------------------------------------ */

/* Whether a window shows @visit: the clerk is working on it. */
static gboolean
is_shown (McVisit  *visit,
          gpointer  user_data)
{
  McApplication *self = user_data;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    {
      GtkWidget *view;

      if (MC_IS_WINDOW (l->data) &&
          (view = mc_reception_page_get_visit_view (mc_window_get_reception (l->data))) != NULL &&
          mc_visit_view_get_visit (MC_VISIT_VIEW (view)) == visit)
        return TRUE;
    }
  return FALSE;
}

/* The self-service folders are not purged while a citizen is at the kiosk. */
static gboolean
kiosk_idle (gpointer user_data)
{
  McApplication *self = user_data;

  return self->self_service == NULL || !mc_self_service_is_active (self->self_service);
}

static void
on_ledger_opened (McApplication *self)
{
  McLedger *ledger = mc_services_get_ledger (self->services);

  /* Wrong supervisor PINs at the kiosk count towards the ledger's lock-out. */
  if (self->self_service != NULL)
    mc_self_service_set_ledger (self->self_service, ledger);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (MC_IS_WINDOW (l->data))
      {
        if (ledger != NULL)
          mc_window_set_ledger (l->data, ledger);
        else
          mc_window_set_ledger_error (l->data, mc_services_get_ledger_problem (self->services));
      }
}

/* Self-service: the papers a citizen prepared became a visit, or not. */
static void
on_adopted (McApplication *self,
            McVisit       *visit,
            const char    *short_code,
            const char    *problem)
{
  GtkWindow *window = get_main_window (self);
  g_autofree char *text = NULL;

  if (visit == NULL)
    /* Translators: %s is the short code the citizen was given, then the reason */
    text = g_strdup_printf (_("The papers prepared at the self-service screen (code %s) could not be taken into a visit; they are kept. %s"),
                            short_code ? short_code : "—", problem ? problem : "");
  else
    {
      const McProcedure *procedure = mc_visit_get_procedure (visit);

      /* Translators: the first %s is the citizen's short code, the second the procedure */
      text = g_strdup_printf (_("Papers from the self-service screen (code %s) are ready as a visit: %s."),
                              short_code ? short_code : "—",
                              mc_catalog_text (procedure->name, procedure->name_en));
    }
  if (window != NULL)
    mc_window_add_toast (MC_WINDOW (window), text);
}

static void
on_self_service_hand_off (McApplication *self,
                          const char    *procedure_code,
                          const char    *folder,
                          const char    *short_code)
{
  mc_services_adopt_self_service (self->services, folder, short_code);
}

static void
mc_application_startup (GApplication *application)
{
  McApplication *self = MC_APPLICATION (application);
  static const char *quit_accels[] = { "<Primary>q", NULL };
  static const char *prefs_accels[] = { "<Primary>comma", NULL };
  static const char *new_visit_accels[] = { "<Primary>n", NULL };

  G_APPLICATION_CLASS (mc_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-visit", new_visit_accels);

  self->settings = g_settings_new (APP_ID);
  self->services = mc_services_new (self->settings);
  self->citizen_desk = mc_citizen_desk_new (GTK_APPLICATION (self), self->settings,
                                            mc_services_get_procedures (self->services));
  self->self_service = mc_self_service_new (GTK_APPLICATION (self), self->settings, self->citizen_desk);
  mc_services_set_visit_open_func (self->services, is_shown, self);
  mc_services_set_kiosk_idle_func (self->services, kiosk_idle, self);
  g_signal_connect_object (self->services, "ledger-opened", G_CALLBACK (on_ledger_opened), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->services, "adopted", G_CALLBACK (on_adopted), self, G_CONNECT_SWAPPED);

  /* One scanner for the whole program: the kiosk uses the counter's. */
  mc_self_service_set_scanner (self->self_service, mc_services_get_scanner (self->services));
  g_signal_connect_object (self->self_service, "hand-off", G_CALLBACK (on_self_service_hand_off), self,
                           G_CONNECT_SWAPPED);
  mc_services_adopt_pending (self->services);
}

static void
mc_application_activate (GApplication *application)
{
  McApplication *self = MC_APPLICATION (application);
  GtkWindow *window = get_main_window (self);

  if (window == NULL)
    {
      McServices *services = self->services;
      guint resumable = mc_services_get_resumable (services);

      window = GTK_WINDOW (mc_window_new (GTK_APPLICATION (self), self->settings,
                                          mc_services_get_ward_catalog (services)));
      if (mc_services_get_ward_catalog_problem (services) != NULL)
        mc_window_add_toast (MC_WINDOW (window), mc_services_get_ward_catalog_problem (services));
      if (mc_services_get_procedures_problem (services) != NULL)
        mc_window_add_toast (MC_WINDOW (window), mc_services_get_procedures_problem (services));
      mc_window_set_services (MC_WINDOW (window), mc_services_get_visits (services),
                              mc_services_get_procedures (services), mc_services_get_scanner (services),
                              mc_citizen_desk_get_screen (self->citizen_desk));
      mc_window_set_outbox (MC_WINDOW (window), mc_services_get_outbox (services));
      mc_window_set_ledger_link (MC_WINDOW (window), mc_services_get_ledger_link (services));
      if (mc_services_get_outbox_problem (services) != NULL)
        {
          g_autofree char *endpoint = g_settings_get_string (self->settings, "portal-api-endpoint");

          if (*endpoint != '\0')
            mc_window_add_toast (MC_WINDOW (window), mc_services_get_outbox_problem (services));
        }
      if (resumable > 0)
        {
          g_autofree char *text = g_strdup_printf (ngettext ("%u unfinished visit can be resumed: choose it on the left.",
                                                             "%u unfinished visits can be resumed: choose one on the left.",
                                                             resumable), resumable);

          mc_window_add_toast (MC_WINDOW (window), text);
        }
      if (mc_services_get_ledger (services) != NULL)
        mc_window_set_ledger (MC_WINDOW (window), mc_services_get_ledger (services));
      else if (mc_services_get_ledger_problem (services) != NULL)
        mc_window_set_ledger_error (MC_WINDOW (window), mc_services_get_ledger_problem (services));
      mc_startup_bench_watch (window, G_APPLICATION (self));
    }

  gtk_window_present (window);

  if (mc_first_run_dialog_is_needed (self->settings))
    {
      GtkWidget *dialog = mc_first_run_dialog_new (window, self->settings,
                                                  mc_services_get_ward_catalog (self->services));

      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
mc_application_shutdown (GApplication *application)
{
  McApplication *self = MC_APPLICATION (application);

  if (self->services != NULL)
    mc_services_shutdown (self->services);

  G_APPLICATION_CLASS (mc_application_parent_class)->shutdown (application);
}

static void
mc_application_finalize (GObject *object)
{
  McApplication *self = MC_APPLICATION (object);

  g_clear_object (&self->self_service);
  g_clear_object (&self->citizen_desk);
  g_clear_object (&self->services);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (mc_application_parent_class)->finalize (object);
}

static void
mc_application_class_init (McApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = mc_application_finalize;
  app_class->startup = mc_application_startup;
  app_class->activate = mc_application_activate;
  app_class->shutdown = mc_application_shutdown;
}

static void
mc_application_init (McApplication *self)
{
}

McApplication *
mc_application_new (void)
{
  mc_ui_init ();
  return g_object_new (MC_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

GSettings *
mc_application_get_settings (McApplication *self)
{
  g_return_val_if_fail (MC_IS_APPLICATION (self), NULL);
  return self->settings;
}

McWardCatalog *
mc_application_get_catalog (McApplication *self)
{
  g_return_val_if_fail (MC_IS_APPLICATION (self), NULL);
  return mc_services_get_ward_catalog (self->services);
}

/* NULL until the ledger has opened, or when it could not be. */
McLedger *
mc_application_get_ledger (McApplication *self)
{
  g_return_val_if_fail (MC_IS_APPLICATION (self), NULL);
  return mc_services_get_ledger (self->services);
}

/* What the citizen screen shows: the visit sets its step and details. */
McCitizenScreen *
mc_application_get_citizen_screen (McApplication *self)
{
  g_return_val_if_fail (MC_IS_APPLICATION (self), NULL);
  return self->citizen_desk ? mc_citizen_desk_get_screen (self->citizen_desk) : NULL;
}

/* Self-service mode: connect to its “hand-off” signal to take over the
 * packages citizens prepare alone. */
McSelfService *
mc_application_get_self_service (McApplication *self)
{
  g_return_val_if_fail (MC_IS_APPLICATION (self), NULL);
  return self->self_service;
}

/* The outbox of portal API uploads; NULL when it could not be opened
 * (mc_application_get_outbox_problem() says why). */
McPortalOutbox *
mc_application_get_outbox (McApplication *self)
{
  g_return_val_if_fail (MC_IS_APPLICATION (self), NULL);
  return mc_services_get_outbox (self->services);
}

const char *
mc_application_get_outbox_problem (McApplication *self)
{
  g_return_val_if_fail (MC_IS_APPLICATION (self), NULL);
  return mc_services_get_outbox_problem (self->services);
}

/* The visits at this counter (a GListModel of the open ones). */
McVisitStore *
mc_application_get_visits (McApplication *self)
{
  g_return_val_if_fail (MC_IS_APPLICATION (self), NULL);
  return mc_services_get_visits (self->services);
}

McCitizenDesk *
mc_application_get_citizen_desk (McApplication *self)
{
  g_return_val_if_fail (MC_IS_APPLICATION (self), NULL);
  return self->citizen_desk;
}

/* What runs besides the windows: catalogs, ledger, outbox, scanner, visits. */
McServices *
mc_application_get_services (McApplication *self)
{
  g_return_val_if_fail (MC_IS_APPLICATION (self), NULL);
  return self->services;
}
