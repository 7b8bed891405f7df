/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-services"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-core.h"
#include "mc-portal-config.h"
#include "mc-portal-error.h"
#include "mc-self-service-session.h"
#include "mc-services.h"
#include "mc-visit-adopt.h"
#include "mc-visit-filing.h"

/* Besides at start, the visits past their retention are purged at least
 * this often (a counter PC left on for days), and when the next one falls
 * due. */
#define PURGE_INTERVAL_S (60 * 60)

struct _McServices
{
  GObject         parent_instance;

  GSettings      *settings;
  McWardCatalog  *catalog;
  char           *catalog_problem;
  McLedger       *ledger;
  char           *ledger_problem;
  McLedgerLink   *ledger_link;
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

  McServicesVisitOpenFunc visit_open;
  gpointer        visit_open_data;
  McServicesKioskIdleFunc kiosk_idle;
  gpointer        kiosk_idle_data;
};

G_DEFINE_FINAL_TYPE (McServices, mc_services, G_TYPE_OBJECT)

enum { SIGNAL_LEDGER_OPENED, SIGNAL_ADOPTED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- filings sent through the portal's API ------------------------------------ */

/* One path records a filing (mc_visit_filing_record()): the visit's
 * session, if one is open, joins the record under way. */
static void
record_visit (McServices    *self,
              McVisit       *visit)
{
  if (self->ledger != NULL)
    mc_visit_filing_record (visit, self->ledger, NULL, NULL, NULL);
}

/* The store has every visit on this computer; one it lacks (made by
 * another program since the start) is read from its folder. */
static McVisit *
find_visit (McServices    *self,
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
take_receipt (McServices    *self,
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
                McServices     *self)
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
                  McServices     *self)
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
is_orphan_row (McServices    *self,
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
  g_autoptr(McServices) self = user_data;
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

/* The retention purge keeps a visit whose filing is still to be sent (or
 * sent, its receipt not taken yet), and one the clerk has open. @visit is
 * NULL for a folder that cannot be read. */
static gboolean
keep_visit (const char *visit_id,
            McVisit    *visit,
            gpointer    user_data)
{
  McServices *self = user_data;
  g_autoptr(McOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;

  if (visit != NULL && self->visit_open != NULL && self->visit_open (visit, self->visit_open_data))
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
                 McServices    *self)
{
  g_autoptr(McOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;

  if (self->outbox == NULL ||
      (item = mc_portal_outbox_lookup_visit (self->outbox, visit_id, NULL)) == NULL)
    return;
  if (!mc_portal_outbox_remove (self->outbox, item->id, &error))
    g_message ("Outbox item %" G_GINT64_FORMAT " of purged visit %s kept: %s", item->id, visit_id, error->message);
}

static void schedule_purge (McServices *self);

/* @self_service_too: also the self-service papers handed off longer than
 * the retention ago that no visit could take (not at start: those
 * waiting are taken into visits first). */
static void
purge_visits (McServices    *self,
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
      (self->kiosk_idle == NULL || self->kiosk_idle (self->kiosk_idle_data)))
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
  McServices *self = user_data;

  self->purge_source = 0;
  purge_visits (self, TRUE);
  schedule_purge (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_purge (McServices *self)
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
apply_portal_config (McServices *self)
{
  g_autoptr(McPortalConfig) config = mc_portal_config_new_from_settings (self->settings);

  mc_portal_outbox_set_config (self->outbox, config);
}

/* A copier's scan-to-folder, offered as one more scanner. */
static void
apply_scan_folder (McServices *self)
{
  g_autofree char *folder = g_settings_get_string (self->settings, "scan-folder");
  const char * const dirs[] = { folder, NULL };

  mc_scanner_set_folders (self->scanner, dirs);
}

static void
on_settings_changed (GSettings     *settings,
                     const char    *key,
                     McServices    *self)
{
  if (self->outbox != NULL && g_str_has_prefix (key, "portal-"))
    apply_portal_config (self);
  if (self->visits != NULL && g_str_equal (key, "retention-hours"))
    schedule_purge (self);
  if (self->scanner != NULL && g_str_equal (key, "scan-folder"))
    apply_scan_folder (self);
}

static void
open_outbox (McServices *self)
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
start_outbox (McServices *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->outbox == NULL)
    return;
  mc_portal_outbox_start (self->outbox);
  task = g_task_new (self->outbox, NULL, on_sent_listed, g_object_ref (self));
  g_task_run_in_thread (task, list_sent_thread);
}

/* The ledger opens on a worker thread (a first start creates it, an old
 * one may be migrated); "ledger-opened" tells the windows. */
static void
on_ledger_opened (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(McServices) self = user_data;
  g_autoptr(GError) error = NULL;

  self->ledger = mc_ledger_open_finish (result, &error);
  if (self->ledger != NULL)
    mc_ledger_set_procedures (self->ledger, self->procedures);
  else
    {
      self->ledger_problem = g_strdup (error->message);
      g_message ("The ledger cannot be used: %s", error->message);
    }
  /* Filings whose receipt came while the ledger was not open (or before
   * a restart) are recorded once it is. */
  if (self->ledger != NULL)
    mc_visit_filing_record_all (G_LIST_MODEL (self->visits), self->ledger);
  /* Pushed to the ward's server, if one is set up, and after each write. */
  if (self->ledger != NULL)
    mc_ledger_link_set_local (self->ledger_link, self->ledger);
  g_signal_emit (self, signals[SIGNAL_LEDGER_OPENED], 0);
}

/* ---- Self-service: the papers a citizen prepared become a visit ---------------------- */

typedef struct {
  McServices *services;
  char       *short_code;
} Adopting;

static void
on_adopted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Adopting *adopting = user_data;
  McServices *self = adopting->services;
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisit) visit = mc_visit_store_adopt_finish (MC_VISIT_STORE (source), result, &error);

  if (visit == NULL)
    g_warning ("Self-service papers not taken into a visit: %s", error->message);
  self->adopting--;
  g_signal_emit (self, signals[SIGNAL_ADOPTED], 0, visit, adopting->short_code,
                 error != NULL ? error->message : NULL);
  g_object_unref (adopting->services);
  g_free (adopting->short_code);
  g_free (adopting);
}

void
mc_services_adopt_self_service (McServices *self,
                                const char *folder,
                                const char *short_code)
{
  g_autofree char *ward = NULL;
  g_autofree char *counter = NULL;
  g_autofree char *clerk = NULL;
  Adopting *adopting;

  g_return_if_fail (MC_IS_SERVICES (self));

  ward = g_settings_get_string (self->settings, "ward-code");
  counter = g_settings_get_string (self->settings, "counter-name");
  clerk = g_settings_get_string (self->settings, "clerk-name");
  adopting = g_new0 (Adopting, 1);
  adopting->services = g_object_ref (self);
  adopting->short_code = g_strdup (short_code);
  self->adopting++;
  mc_visit_store_adopt_async (self->visits, folder, ward, counter, clerk, NULL, on_adopted, adopting);
}

/* Papers a citizen finished just before the program stopped are taken
 * into visits; what nobody finished (a crash, a power cut at the kiosk)
 * is removed now rather than when self-service is next entered. */
void
mc_services_adopt_pending (McServices *self)
{
  g_autofree char *base = mc_self_service_get_base_dir ();
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  guint removed;

  g_return_if_fail (MC_IS_SERVICES (self));

  removed = mc_self_service_purge_unfinished (base, &error);
  if (error != NULL)
    g_warning ("Unfinished self-service folders could not all be removed: %s", error->message);
  else if (removed > 0)
    g_message ("Removed %u unfinished self-service folders", removed);
  pending = mc_visit_adopt_list_pending (base);
  for (guint i = 0; i < pending->len; i++)
    mc_services_adopt_self_service (self, g_ptr_array_index (pending, i), NULL);
}

/* ---- the object ------------------------------------------------------------------------ */

static void
load_catalogs (McServices *self)
{
  g_autoptr(GError) error = NULL;

  self->catalog = mc_ward_catalog_load (&error);
  if (error != NULL)
    {
      /* Keep working with the built-in list, but say so: a ward admin
       * who edited the file must learn it was not used. */
      self->catalog_problem = g_strdup_printf (_("Your ward list could not be used, the built-in one is shown instead. %s"),
                                               error->message);
      g_warning ("%s", self->catalog_problem);
    }
  g_clear_error (&error);
  self->procedures = mc_procedure_catalog_load (&error);
  if (error != NULL)
    {
      self->procedures_problem = g_strdup_printf (_("Your procedure list could not be used, the built-in one is used instead. %s"),
                                                  error->message);
      g_warning ("%s", self->procedures_problem);
    }
}

/* Visits left unfinished (a crash, a citizen who stepped away) are
 * offered again; those past their retention are deleted (the rules:
 * mc_visit_store_purge()). Both read only small JSON files. */
static void
load_visits (McServices *self)
{
  g_autofree char *data_dir = mc_core_get_data_dir ();
  g_autofree char *visits_dir = g_build_filename (data_dir, "visits", NULL);
  g_autoptr(GError) error = NULL;

  self->visits = mc_visit_store_new (visits_dir, self->procedures);
  self->visits_dir = g_strdup (visits_dir);
  open_outbox (self);
  mc_visit_store_set_keep_func (self->visits, keep_visit, self, NULL);
  g_signal_connect_object (self->visits, "visit-purged", G_CALLBACK (on_visit_purged), self, 0);
  self->resumable = mc_visit_store_load (self->visits, &error);
  if (error != NULL)
    g_warning ("Visits cannot be read: %s", error->message);
  purge_visits (self, FALSE);
  self->resumable = g_list_model_get_n_items (G_LIST_MODEL (self->visits));
  start_outbox (self);
  schedule_purge (self);
  g_signal_connect_object (self->visits, "items-changed", G_CALLBACK (schedule_purge), self, G_CONNECT_SWAPPED);
}

McServices *
mc_services_new (GSettings *settings)
{
  McServices *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (MC_TYPE_SERVICES, NULL);
  self->settings = g_object_ref (settings);
  self->ledger_link = mc_ledger_link_new (settings);
  load_catalogs (self);
  {
    g_autofree char *ledger_path = mc_ledger_get_default_path ();

    mc_ledger_open_async (ledger_path, NULL, on_ledger_opened, g_object_ref (self));
  }
  load_visits (self);
  self->scanner = mc_scanner_new ();
  apply_scan_folder (self);
  return self;
}

void
mc_services_shutdown (McServices *self)
{
  g_return_if_fail (MC_IS_SERVICES (self));

  g_clear_handle_id (&self->purge_source, g_source_remove);
  /* What was not pushed to the ledger server goes at the next start. */
  mc_ledger_link_stop (self->ledger_link);
  /* An upload in flight stays queued, for the next start. */
  if (self->outbox != NULL)
    mc_portal_outbox_stop (self->outbox);
}

static void
mc_services_finalize (GObject *object)
{
  McServices *self = MC_SERVICES (object);

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
  g_clear_object (&self->settings);
  g_clear_object (&self->catalog);
  g_free (self->catalog_problem);
  if (self->ledger_link != NULL)
    mc_ledger_link_stop (self->ledger_link);
  g_clear_object (&self->ledger_link);
  g_clear_object (&self->ledger);
  g_free (self->ledger_problem);

  G_OBJECT_CLASS (mc_services_parent_class)->finalize (object);
}

static void
mc_services_class_init (McServicesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mc_services_finalize;

  signals[SIGNAL_LEDGER_OPENED] =
    g_signal_new ("ledger-opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[SIGNAL_ADOPTED] =
    g_signal_new ("adopted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, MC_TYPE_VISIT, G_TYPE_STRING, G_TYPE_STRING);
}

static void
mc_services_init (McServices *self)
{
}

void
mc_services_set_visit_open_func (McServices              *self,
                                 McServicesVisitOpenFunc  func,
                                 gpointer                 user_data)
{
  g_return_if_fail (MC_IS_SERVICES (self));
  self->visit_open = func;
  self->visit_open_data = user_data;
}

void
mc_services_set_kiosk_idle_func (McServices              *self,
                                 McServicesKioskIdleFunc  func,
                                 gpointer                 user_data)
{
  g_return_if_fail (MC_IS_SERVICES (self));
  self->kiosk_idle = func;
  self->kiosk_idle_data = user_data;
}

GSettings *
mc_services_get_settings (McServices *self)
{
  g_return_val_if_fail (MC_IS_SERVICES (self), NULL);
  return self->settings;
}

McWardCatalog *
mc_services_get_ward_catalog (McServices *self)
{
  g_return_val_if_fail (MC_IS_SERVICES (self), NULL);
  return self->catalog;
}

const char *
mc_services_get_ward_catalog_problem (McServices *self)
{
  g_return_val_if_fail (MC_IS_SERVICES (self), NULL);
  return self->catalog_problem;
}

McProcedureCatalog *
mc_services_get_procedures (McServices *self)
{
  g_return_val_if_fail (MC_IS_SERVICES (self), NULL);
  return self->procedures;
}

const char *
mc_services_get_procedures_problem (McServices *self)
{
  g_return_val_if_fail (MC_IS_SERVICES (self), NULL);
  return self->procedures_problem;
}

/* The link to the ward's or the city's ledger server: its push status,
 * its ledger for the supervisor view. Always there; see "configured". */
McLedgerLink *
mc_services_get_ledger_link (McServices *self)
{
  g_return_val_if_fail (MC_IS_SERVICES (self), NULL);
  return self->ledger_link;
}

/* NULL until the ledger has opened, or when it could not be. */
McLedger *
mc_services_get_ledger (McServices *self)
{
  g_return_val_if_fail (MC_IS_SERVICES (self), NULL);
  return self->ledger;
}

const char *
mc_services_get_ledger_problem (McServices *self)
{
  g_return_val_if_fail (MC_IS_SERVICES (self), NULL);
  return self->ledger_problem;
}

/* NULL when it could not be opened (get_outbox_problem() says why). */
McPortalOutbox *
mc_services_get_outbox (McServices *self)
{
  g_return_val_if_fail (MC_IS_SERVICES (self), NULL);
  return self->outbox;
}

const char *
mc_services_get_outbox_problem (McServices *self)
{
  g_return_val_if_fail (MC_IS_SERVICES (self), NULL);
  return self->outbox_problem;
}

/* One scanner for the whole program: the kiosk uses the counter's. */
McScanner *
mc_services_get_scanner (McServices *self)
{
  g_return_val_if_fail (MC_IS_SERVICES (self), NULL);
  return self->scanner;
}

McVisitStore *
mc_services_get_visits (McServices *self)
{
  g_return_val_if_fail (MC_IS_SERVICES (self), NULL);
  return self->visits;
}

guint
mc_services_get_resumable (McServices *self)
{
  g_return_val_if_fail (MC_IS_SERVICES (self), 0);
  return self->resumable;
}
