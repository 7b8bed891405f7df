/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-application"

#include "config.h"

#include <string.h>
#include <time.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "mc-application.h"
#include "mc-citizen-desk.h"
#include "mc-first-run-dialog.h"
#include "mc-preferences-window.h"
#include "mc-self-service.h"
#include "mc-ui.h"
#include "mc-core.h"
#include "mc-scanner.h"
#include "mc-visit-adopt.h"
#include "mc-portal-config.h"
#include "mc-portal-error.h"
#include "mc-reception-page.h"
#include "mc-visit-filing.h"
#include "mc-visit-store.h"
#include "mc-visit-view.h"
#include "mc-window.h"

/* Besides at start, the visits past their retention are purged at least
 * this often (a counter PC left on for days), and when the next one falls
 * due. */
#define PURGE_INTERVAL_S (60 * 60)

struct _McApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  McWardCatalog  *catalog;
  char           *catalog_problem;
  McLedger       *ledger;
  char           *ledger_problem;
  McProcedureCatalog *procedures;
  char           *procedures_problem;
  McVisitStore   *visits;
  char           *visits_dir;
  guint           purge_source;
  guint           adopting;       /* self-service papers being taken into visits */
  McPortalOutbox *outbox;
  char           *outbox_problem;
  McScanner      *scanner;
  guint           resumable;
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
                                                self->catalog);

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

/* ---- filings sent through the portal's API ------------------------------------ */

/* One path records a filing (mc_visit_filing_record()): the visit's
 * session, if one is open, joins the record under way. */
static void
record_visit (McApplication *self,
              McVisit       *visit)
{
  if (self->ledger != NULL)
    mc_visit_filing_record (visit, self->ledger, NULL, NULL, NULL);
}

/* The store has every visit on this computer; one it lacks (made by
 * another program since the start) is read from its folder. */
static McVisit *
find_visit (McApplication *self,
            const char    *visit_id)
{
  McVisit *visit;
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;

  if (visit_id == NULL || !g_uuid_string_is_valid (visit_id))
    return NULL;
  if ((visit = mc_visit_store_lookup (self->visits, visit_id)) != NULL)
    return g_object_ref (visit);
  dir = g_build_filename (self->visits_dir, visit_id, NULL);
  visit = mc_visit_load (dir, self->procedures, &error);
  if (visit == NULL)
    g_message ("Visit %s, sent to the portal, cannot be read: %s", visit_id, error->message);
  return visit;
}

static void
take_receipt (McApplication *self,
              McVisit       *visit,
              const char    *receipt)
{
  g_autoptr(GError) error = NULL;

  if (!mc_visit_take_portal_receipt (visit, receipt, &error))
    {
      g_message ("Visit %s: %s", mc_visit_get_id (visit), error->message);
      return;
    }
  record_visit (self, visit);
}

/* Whether or not a view shows the visit: the receipt is the visit's, and
 * the filing is recorded (the session's own record, if any, joins this one). */
static void
on_outbox_sent (McPortalOutbox *outbox,
                gint64          id,
                const char     *visit_id,
                const char     *receipt,
                const char     *received_at,
                McApplication  *self)
{
  g_autoptr(McVisit) visit = find_visit (self, visit_id);

  if (visit != NULL)
    take_receipt (self, visit, receipt);
}

/* Whether a failed upload of an abandoned visit is over for good: the
 * portal refused the filing, or the clerk stopped it (abandoning the
 * visit). Any other failure (no token, no password store, a package to
 * make again) can be put right and sent: the filing stays in the outbox,
 * and the visit's papers with it. */
static gboolean
failure_ends_filing (int code)
{
  return code == MC_PORTAL_ERROR_REJECTED || code == MC_PORTAL_ERROR_TOO_LARGE ||
         code == MC_PORTAL_ERROR_CANCELLED;
}

/* A failed upload of a visit filed another way (in the browser) leaves the
 * outbox; so does a refused upload of an abandoned visit. Then its papers
 * can be purged. */
static void
on_outbox_failed (McPortalOutbox *outbox,
                  gint64          id,
                  const char     *visit_id,
                  const char     *message,
                  int             code,
                  McApplication  *self)
{
  g_autoptr(McVisit) visit = find_visit (self, visit_id);
  g_autoptr(GError) error = NULL;

  if (visit == NULL || !mc_visit_is_finished (visit))
    return;
  if (mc_visit_get_state (visit) == MC_VISIT_ABANDONED && !failure_ends_filing (code))
    {
      g_message ("Outbox item %" G_GINT64_FORMAT " of abandoned visit %s kept: it can still be sent",
                 id, visit_id);
      return;
    }
  if (!mc_portal_outbox_remove (outbox, id, &error))
    g_message ("Outbox item %" G_GINT64_FORMAT " of finished visit %s kept: %s", id, visit_id, error->message);
}

typedef struct {
  McApplication *self;
  GPtrArray     *items;
} SentScan;

static void
list_sent_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *items = mc_portal_outbox_list (MC_PORTAL_OUTBOX (source_object), &error);

  if (items == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
}

/* A sent or failed row whose visit folder is gone (purged by an older
 * program, which left the row): it names a package that no longer
 * exists. Packages made elsewhere (motcua-tool pack) are left alone. */
static gboolean
is_orphan_row (McApplication *self,
               McOutboxItem  *item)
{
  g_autofree char *prefix = g_strconcat (self->visits_dir, G_DIR_SEPARATOR_S, NULL);
  g_autofree char *visit_dir = NULL;

  if ((item->state != MC_OUTBOX_SENT && item->state != MC_OUTBOX_FAILED) ||
      !g_str_has_prefix (item->package_dir, prefix) || !g_uuid_string_is_valid (item->visit_id))
    return FALSE;
  visit_dir = g_build_filename (self->visits_dir, item->visit_id, NULL);
  return !g_file_test (visit_dir, G_FILE_TEST_EXISTS);
}

/* At start: visits the outbox sent while they were not told (the program
 * was closed, or motcua-tool sent them) take their receipts. */
static void
on_sent_listed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(McApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_task_propagate_pointer (G_TASK (result), &error);

  if (items == NULL)
    {
      g_message ("The outbox cannot be read: %s", error->message);
      return;
    }
  for (guint i = 0; i < items->len; i++)
    {
      McOutboxItem *item = g_ptr_array_index (items, i);
      McVisit *visit;

      if (is_orphan_row (self, item))
        {
          g_autoptr(GError) remove_error = NULL;

          if (!mc_portal_outbox_remove (self->outbox, item->id, &remove_error))
            g_message ("Outbox item %" G_GINT64_FORMAT " kept: %s", item->id, remove_error->message);
          continue;
        }
      if (item->state != MC_OUTBOX_SENT ||
          (visit = mc_visit_store_lookup (self->visits, item->visit_id)) == NULL ||
          mc_visit_get_state (visit) >= MC_VISIT_HANDED_OFF)
        continue;
      take_receipt (self, visit, item->receipt);
    }
}

/* Whether a window shows @visit: the clerk is working on it. */
static gboolean
is_shown (McApplication *self,
          McVisit       *visit)
{
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

/* The retention purge keeps a visit whose filing is still to be sent (or
 * sent, its receipt not taken yet), and one the clerk has open. @visit is
 * NULL for a folder that cannot be read. */
static gboolean
keep_visit (const char *visit_id,
            McVisit    *visit,
            gpointer    user_data)
{
  McApplication *self = user_data;
  g_autoptr(McOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;

  if (visit != NULL && is_shown (self, visit))
    {
      g_message ("Visit %s kept past its retention: it is open", visit_id);
      return TRUE;
    }
  if (self->outbox == NULL)
    return FALSE;
  item = mc_portal_outbox_lookup_visit (self->outbox, visit_id, &error);
  if (item == NULL)
    {
      if (g_error_matches (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NOT_FOUND))
        return FALSE;
      g_message ("Visit %s kept: the outbox cannot be read (%s)", visit_id, error->message);
      return TRUE;
    }
  /* Sent, but the visit has not taken the receipt yet (item-sent, or the
   * listing at start, is still to come): it must, and be recorded. A
   * folder that cannot be read, or a finished visit, never will. */
  if (item->state == MC_OUTBOX_SENT && (visit == NULL || mc_visit_get_state (visit) >= MC_VISIT_HANDED_OFF))
    return FALSE;
  g_message ("Visit %s kept past its retention: its filing is %s in the outbox",
             visit_id, mc_outbox_state_to_string (item->state));
  return TRUE;
}

/* A purged visit's outbox row goes with it: it names its package folder. */
static void
on_visit_purged (McVisitStore  *store,
                 const char    *visit_id,
                 McApplication *self)
{
  g_autoptr(McOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;

  if (self->outbox == NULL ||
      (item = mc_portal_outbox_lookup_visit (self->outbox, visit_id, NULL)) == NULL)
    return;
  if (!mc_portal_outbox_remove (self->outbox, item->id, &error))
    g_message ("Outbox item %" G_GINT64_FORMAT " of purged visit %s kept: %s", item->id, visit_id, error->message);
}

static void schedule_purge (McApplication *self);

/* @self_service_too: also the self-service papers handed off longer than
 * the retention ago that no visit could take (not at start: those
 * waiting are taken into visits first). */
static void
purge_visits (McApplication *self,
              gboolean       self_service_too)
{
  guint retention = g_settings_get_uint (self->settings, "retention-hours");
  g_autoptr(GError) error = NULL;

  mc_visit_store_purge (self->visits, retention, NULL, &error);
  if (error != NULL)
    g_warning ("Old visits could not all be deleted: %s", error->message);
  g_clear_error (&error);
  /* Not while a citizen is at the kiosk, nor while papers are being
   * taken into a visit. */
  if (self_service_too && self->adopting == 0 &&
      (self->self_service == NULL || !mc_self_service_is_active (self->self_service)))
    {
      g_autofree char *base = mc_self_service_get_base_dir ();

      mc_self_service_purge (base, retention, &error);
      if (error != NULL)
        g_warning ("Old self-service folders could not all be removed: %s", error->message);
    }
}

static gboolean
purge_timeout (gpointer user_data)
{
  McApplication *self = user_data;

  self->purge_source = 0;
  purge_visits (self, TRUE);
  schedule_purge (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_purge (McApplication *self)
{
  guint retention = g_settings_get_uint (self->settings, "retention-hours");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) next = mc_visit_store_dup_next_due (self->visits, retention, now);
  gint64 seconds = PURGE_INTERVAL_S;

  if (next != NULL)
    seconds = CLAMP ((g_date_time_difference (next, now) + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC,
                     1, PURGE_INTERVAL_S);
  g_clear_handle_id (&self->purge_source, g_source_remove);
  self->purge_source = g_timeout_add_seconds_full (G_PRIORITY_LOW, (guint) seconds, purge_timeout, self, NULL);
}

static void
apply_portal_config (McApplication *self)
{
  g_autoptr(McPortalConfig) config = mc_portal_config_new_from_settings (self->settings);

  mc_portal_outbox_set_config (self->outbox, config);
}

static void
on_settings_changed (GSettings     *settings,
                     const char    *key,
                     McApplication *self)
{
  if (self->outbox != NULL && g_str_has_prefix (key, "portal-"))
    apply_portal_config (self);
  if (self->visits != NULL && g_str_equal (key, "retention-hours"))
    schedule_purge (self);
}

static void
open_outbox (McApplication *self)
{
  g_autoptr(GError) error = NULL;

  self->outbox = mc_portal_outbox_new (NULL, &error);
  if (self->outbox == NULL)
    {
      self->outbox_problem = g_strdup (error->message);
      g_message ("The outbox cannot be used: %s", error->message);
      return;
    }
  apply_portal_config (self);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self, 0);
  g_signal_connect_object (self->outbox, "item-sent", G_CALLBACK (on_outbox_sent), self, 0);
  g_signal_connect_object (self->outbox, "item-failed", G_CALLBACK (on_outbox_failed), self, 0);
}

/* Once the visits are loaded and purged: the sender starts, and visits
 * sent while the program was closed take their receipts. Before, the
 * sender could fail or send an item while the purge was deciding on its
 * visit. */
static void
start_outbox (McApplication *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->outbox == NULL)
    return;
  mc_portal_outbox_start (self->outbox);
  task = g_task_new (self->outbox, NULL, on_sent_listed, g_object_ref (self));
  g_task_run_in_thread (task, list_sent_thread);
}

/* The ledger opens on a worker thread (a first start creates it, an old
 * one may be migrated); the windows get it when it is ready. */
static void
on_ledger_opened (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(McApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  self->ledger = mc_ledger_open_finish (result, &error);
  /* Wrong supervisor PINs at the kiosk count towards the ledger's lock-out. */
  if (self->self_service != NULL)
    mc_self_service_set_ledger (self->self_service, self->ledger);
  if (self->ledger == NULL)
    {
      self->ledger_problem = g_strdup (error->message);
      g_message ("The ledger cannot be used: %s", error->message);
    }
  /* Filings whose receipt came while the ledger was not open (or before
   * a restart) are recorded once it is. */
  if (self->ledger != NULL)
    mc_visit_filing_record_all (G_LIST_MODEL (self->visits), self->ledger);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (MC_IS_WINDOW (l->data))
      {
        if (self->ledger != NULL)
          mc_window_set_ledger (l->data, self->ledger);
        else
          mc_window_set_ledger_error (l->data, self->ledger_problem);
      }
}

/* ---- Self-service: the papers a citizen prepared become a visit ---------------------- */

typedef struct {
  McApplication *app;
  char          *short_code;
} Adopting;

static void
on_adopted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Adopting *adopting = user_data;
  McApplication *self = adopting->app;
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisit) visit = mc_visit_store_adopt_finish (MC_VISIT_STORE (source), result, &error);
  GtkWindow *window = get_main_window (self);
  g_autofree char *text = NULL;

  if (visit == NULL)
    {
      /* Translators: %s is the short code the citizen was given, then the reason */
      text = g_strdup_printf (_("The papers prepared at the self-service screen (code %s) could not be taken into a visit; they are kept. %s"),
                              adopting->short_code ? adopting->short_code : "—", error->message);
      g_warning ("Self-service papers not taken into a visit: %s", error->message);
    }
  else
    {
      const McProcedure *procedure = mc_visit_get_procedure (visit);

      /* Translators: the first %s is the citizen's short code, the second the procedure */
      text = g_strdup_printf (_("Papers from the self-service screen (code %s) are ready as a visit: %s."),
                              adopting->short_code ? adopting->short_code : "—",
                              mc_catalog_text (procedure->name, procedure->name_en));
    }
  if (window != NULL)
    mc_window_add_toast (MC_WINDOW (window), text);
  self->adopting--;
  g_object_unref (adopting->app);
  g_free (adopting->short_code);
  g_free (adopting);
}

static void
adopt_self_service (McApplication *self,
                    const char    *folder,
                    const char    *short_code)
{
  g_autofree char *ward = g_settings_get_string (self->settings, "ward-code");
  g_autofree char *counter = g_settings_get_string (self->settings, "counter-name");
  g_autofree char *clerk = g_settings_get_string (self->settings, "clerk-name");
  Adopting *adopting = g_new0 (Adopting, 1);

  adopting->app = g_object_ref (self);
  adopting->short_code = g_strdup (short_code);
  self->adopting++;
  mc_visit_store_adopt_async (self->visits, folder, ward, counter, clerk, NULL, on_adopted, adopting);
}

static void
on_self_service_hand_off (McApplication *self,
                          const char    *procedure_code,
                          const char    *folder,
                          const char    *short_code)
{
  adopt_self_service (self, folder, short_code);
}

static void
mc_application_startup (GApplication *application)
{
  McApplication *self = MC_APPLICATION (application);
  static const char *quit_accels[] = { "<Primary>q", NULL };
  static const char *prefs_accels[] = { "<Primary>comma", NULL };
  static const char *new_visit_accels[] = { "<Primary>n", NULL };
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (mc_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-visit", new_visit_accels);

  self->settings = g_settings_new (APP_ID);
  self->citizen_desk = mc_citizen_desk_new (GTK_APPLICATION (self), self->settings);
  self->self_service = mc_self_service_new (GTK_APPLICATION (self), self->settings, self->citizen_desk);
  self->catalog = mc_ward_catalog_load (&error);
  if (error != NULL)
    {
      /* Keep working with the built-in list, but say so: a ward admin
       * who edited the file must learn it was not used. */
      self->catalog_problem = g_strdup_printf (_("Your ward list could not be used, the built-in one is shown instead. %s"),
                                               error->message);
      g_warning ("%s", self->catalog_problem);
    }

  {
    g_autofree char *ledger_path = mc_ledger_get_default_path ();

    mc_ledger_open_async (ledger_path, NULL, on_ledger_opened, g_object_ref (self));
  }

  g_clear_error (&error);
  self->procedures = mc_procedure_catalog_load (&error);
  if (error != NULL)
    {
      self->procedures_problem = g_strdup_printf (_("Your procedure list could not be used, the built-in one is used instead. %s"),
                                                  error->message);
      g_warning ("%s", self->procedures_problem);
      g_clear_error (&error);
    }

  /* Visits left unfinished (a crash, a citizen who stepped away) are
   * offered again; those past their retention are deleted (the rules:
   * mc_visit_store_purge()). Both read only small JSON files. */
  {
    g_autofree char *data_dir = mc_core_get_data_dir ();
    g_autofree char *visits_dir = g_build_filename (data_dir, "visits", NULL);

    self->visits = mc_visit_store_new (visits_dir, self->procedures);
    self->visits_dir = g_strdup (visits_dir);
    open_outbox (self);
    mc_visit_store_set_keep_func (self->visits, keep_visit, self, NULL);
    g_signal_connect_object (self->visits, "visit-purged", G_CALLBACK (on_visit_purged), self, 0);
    self->resumable = mc_visit_store_load (self->visits, &error);
    if (error != NULL)
      g_warning ("Visits cannot be read: %s", error->message);
    g_clear_error (&error);
    purge_visits (self, FALSE);
    self->resumable = g_list_model_get_n_items (G_LIST_MODEL (self->visits));
    start_outbox (self);
    schedule_purge (self);
    g_signal_connect_object (self->visits, "items-changed", G_CALLBACK (schedule_purge), self, G_CONNECT_SWAPPED);
  }
  self->scanner = mc_scanner_new ();

  /* One scanner for the whole program: the kiosk uses the counter's. */
  mc_self_service_set_scanner (self->self_service, self->scanner);
  g_signal_connect_object (self->self_service, "hand-off", G_CALLBACK (on_self_service_hand_off), self,
                           G_CONNECT_SWAPPED);
  /* Papers a citizen finished just before the program stopped are taken
   * into visits; what nobody finished (a crash, a power cut at the kiosk)
   * is removed now rather than when self-service is next entered. */
  {
    g_autofree char *base = mc_self_service_get_base_dir ();
    g_autoptr(GPtrArray) pending = NULL;
    guint removed = mc_self_service_purge_unfinished (base, &error);

    if (error != NULL)
      g_warning ("Unfinished self-service folders could not all be removed: %s", error->message);
    else if (removed > 0)
      g_message ("Removed %u unfinished self-service folders", removed);
    g_clear_error (&error);
    pending = mc_visit_adopt_list_pending (base);

    for (guint i = 0; i < pending->len; i++)
      adopt_self_service (self, g_ptr_array_index (pending, i), NULL);
  }
}

/* MOTCUA_BENCH_STARTUP=1: report the time from process start to the first
 * frame of the main window, and the peak memory once idle, then quit.
 * build-aux/bench-startup.sh runs it several times and takes the median. */
static gint64
process_age_us (void)
{
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_comm;
  struct timespec now;
  guint64 start_ticks;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) ||
      (after_comm = strrchr (stat, ')')) == NULL)
    return -1;
  fields = g_strsplit (after_comm + 2, " ", -1);
  if (g_strv_length (fields) < 20)
    return -1;
  /* Field 22 of stat, the 20th after the command name: start time in
   * clock ticks since boot. */
  start_ticks = g_ascii_strtoull (fields[19], NULL, 10);
  clock_gettime (CLOCK_BOOTTIME, &now);
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000 -
         (gint64) (start_ticks * G_USEC_PER_SEC / (guint64) sysconf (_SC_CLK_TCK));
}

static gboolean
bench_report_memory (gpointer user_data)
{
  McApplication *self = user_data;
  g_autofree char *status = NULL;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    {
      const char *hwm = strstr (status, "VmHWM:");
      const char *rss = strstr (status, "VmRSS:");

      if (hwm != NULL)
        g_print ("peak-rss-kb: %" G_GUINT64_FORMAT "\n", g_ascii_strtoull (hwm + 6, NULL, 10));
      if (rss != NULL)
        g_print ("idle-rss-kb: %" G_GUINT64_FORMAT "\n", g_ascii_strtoull (rss + 6, NULL, 10));
    }
  g_application_quit (G_APPLICATION (self));
  return G_SOURCE_REMOVE;
}

static void
bench_after_paint (GdkFrameClock *clock,
                   gpointer       user_data)
{
  McApplication *self = user_data;

  g_print ("first-frame-ms: %.1f\n", process_age_us () / 1000.0);
  g_signal_handlers_disconnect_by_func (clock, bench_after_paint, user_data);
  /* Let the idle window settle before reading its memory. */
  g_timeout_add_seconds (2, bench_report_memory, self);
}

static void
bench_on_map (GtkWidget *window,
              gpointer   user_data)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (bench_after_paint), user_data);
}

static void
mc_application_activate (GApplication *application)
{
  McApplication *self = MC_APPLICATION (application);
  GtkWindow *window = get_main_window (self);

  if (window == NULL)
    {
      window = GTK_WINDOW (mc_window_new (GTK_APPLICATION (self), self->settings, self->catalog));
      if (self->catalog_problem != NULL)
        mc_window_add_toast (MC_WINDOW (window), self->catalog_problem);
      if (self->procedures_problem != NULL)
        mc_window_add_toast (MC_WINDOW (window), self->procedures_problem);
      mc_window_set_services (MC_WINDOW (window), self->visits, self->procedures, self->scanner,
                              mc_citizen_desk_get_screen (self->citizen_desk));
      mc_window_set_outbox (MC_WINDOW (window), self->outbox);
      if (self->outbox_problem != NULL)
        {
          g_autofree char *endpoint = g_settings_get_string (self->settings, "portal-api-endpoint");

          if (*endpoint != '\0')
            mc_window_add_toast (MC_WINDOW (window), self->outbox_problem);
        }
      if (self->resumable > 0)
        {
          g_autofree char *text = g_strdup_printf (ngettext ("%u unfinished visit can be resumed: choose it on the left.",
                                                             "%u unfinished visits can be resumed: choose one on the left.",
                                                             self->resumable), self->resumable);

          mc_window_add_toast (MC_WINDOW (window), text);
        }
      if (self->ledger != NULL)
        mc_window_set_ledger (MC_WINDOW (window), self->ledger);
      else if (self->ledger_problem != NULL)
        mc_window_set_ledger_error (MC_WINDOW (window), self->ledger_problem);
      if (g_strcmp0 (g_getenv ("MOTCUA_BENCH_STARTUP"), "1") == 0)
        g_signal_connect (window, "map", G_CALLBACK (bench_on_map), self);
    }

  gtk_window_present (window);

  if (mc_first_run_dialog_is_needed (self->settings))
    {
      GtkWidget *dialog = mc_first_run_dialog_new (window, self->settings, self->catalog);

      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
mc_application_shutdown (GApplication *application)
{
  McApplication *self = MC_APPLICATION (application);

  g_clear_handle_id (&self->purge_source, g_source_remove);
  /* An upload in flight stays queued, for the next start. */
  if (self->outbox != NULL)
    mc_portal_outbox_stop (self->outbox);

  G_APPLICATION_CLASS (mc_application_parent_class)->shutdown (application);
}

static void
mc_application_finalize (GObject *object)
{
  McApplication *self = MC_APPLICATION (object);

  g_clear_handle_id (&self->purge_source, g_source_remove);
  if (self->visits != NULL)
    mc_visit_store_flush (self->visits, NULL);
  if (self->visits != NULL)
    mc_visit_store_set_keep_func (self->visits, NULL, NULL, NULL);
  g_clear_object (&self->visits);
  g_free (self->visits_dir);
  if (self->outbox != NULL)
    {
      mc_portal_outbox_stop (self->outbox);
      g_signal_handlers_disconnect_by_data (self->outbox, self);
    }
  g_clear_object (&self->outbox);
  g_free (self->outbox_problem);
  g_clear_object (&self->scanner);
  g_clear_object (&self->procedures);
  g_free (self->procedures_problem);
  g_clear_object (&self->self_service);
  g_clear_object (&self->citizen_desk);
  g_clear_object (&self->settings);
  g_clear_object (&self->catalog);
  g_free (self->catalog_problem);
  g_clear_object (&self->ledger);
  g_free (self->ledger_problem);

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
  return self->catalog;
}

/* NULL until the ledger has opened, or when it could not be. */
McLedger *
mc_application_get_ledger (McApplication *self)
{
  g_return_val_if_fail (MC_IS_APPLICATION (self), NULL);
  return self->ledger;
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
  return self->outbox;
}

const char *
mc_application_get_outbox_problem (McApplication *self)
{
  g_return_val_if_fail (MC_IS_APPLICATION (self), NULL);
  return self->outbox_problem;
}

/* The visits at this counter (a GListModel of the open ones). */
McVisitStore *
mc_application_get_visits (McApplication *self)
{
  g_return_val_if_fail (MC_IS_APPLICATION (self), NULL);
  return self->visits;
}

McCitizenDesk *
mc_application_get_citizen_desk (McApplication *self)
{
  g_return_val_if_fail (MC_IS_APPLICATION (self), NULL);
  return self->citizen_desk;
}
