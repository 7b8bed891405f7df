/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-visit-filing"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "mc-json.h"
#include "mc-visit-filing.h"

gboolean
mc_visit_take_portal_receipt (McVisit     *visit,
                              const char  *receipt,
                              GError     **error)
{
  McVisitState state;

  g_return_val_if_fail (MC_IS_VISIT (visit), FALSE);

  state = mc_visit_get_state (visit);
  if (state >= MC_VISIT_HANDED_OFF && state != MC_VISIT_ABANDONED)
    {
      if (g_strcmp0 (mc_visit_get_receipt (visit), receipt) == 0)
        return TRUE;
      /* Filed in the browser as well: both receipts are real, the clerk's
       * stays with the visit. The log names the visit only. */
      g_set_error (error, MC_VISIT_ERROR, MC_VISIT_ERROR_STATE,
                   _("The portal also received this visit through the API, with the receipt code %s; the visit keeps the code entered before (%s)."),
                   receipt, mc_visit_get_receipt (visit));
      return FALSE;
    }
  return mc_visit_set_receipt (visit, receipt, MC_SUBMIT_API, error);
}

int
mc_package_count_pages (const char *package_dir)
{
  g_autofree char *path = g_build_filename (package_dir, "manifest.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *components;
  gint64 pages = 0;

  /* The typed getters: a damaged manifest counts as unknown (-1), without
   * a critical. */
  if (!json_parser_load_from_mapped_file (parser, path, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return -1;
  root = json_node_get_object (json_parser_get_root (parser));
  components = mc_json_get_array (root, path, "components", TRUE, NULL);
  if (components == NULL)
    return -1;
  for (guint i = 0; i < json_array_get_length (components); i++)
    {
      JsonNode *node = json_array_get_element (components, i);
      JsonArray *files;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !(files = mc_json_get_array (json_node_get_object (node), path, "files", FALSE, NULL)))
        continue;
      for (guint j = 0; j < json_array_get_length (files); j++)
        {
          JsonNode *f = json_array_get_element (files, j);
          gint64 n = 0;

          if (JSON_NODE_HOLDS_OBJECT (f) &&
              mc_json_get_int (json_node_get_object (f), path, "pages", FALSE, &n, NULL))
            pages += CLAMP (n, 0, 100000);
        }
    }
  return (int) CLAMP (pages, 0, G_MAXINT);
}

/* ---- one record per visit at a time ------------------------------------ */

typedef struct {
  McLedger  *ledger;
  char      *uuid;
  char      *visit_id;
  char      *ward_code;
  char      *counter;
  char      *clerk;
  char      *procedure;
  McChannel  channel;
  char      *receipt;
  char      *package_dir;
  int        pages;          /* given, or <= 0 */
  int        scanned_pages;  /* when the package cannot tell */
  GPtrArray *waiters;        /* GTask, returned together */
} Recording;

static GQuark
recording_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("mc-visit-recording");
  return quark;
}

static void
recording_free (Recording *r)
{
  g_clear_object (&r->ledger);
  g_free (r->uuid);
  g_free (r->visit_id);
  g_free (r->ward_code);
  g_free (r->counter);
  g_free (r->clerk);
  g_free (r->procedure);
  g_free (r->receipt);
  g_free (r->package_dir);
  g_ptr_array_unref (r->waiters);
  g_free (r);
}

static void
record_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Recording *r = task_data;
  McFilingRecord record = MC_FILING_RECORD_INIT;
  GError *error = NULL;
  char *uuid;

  record.uuid = r->uuid;
  record.visit_id = r->visit_id;
  record.ward_code = r->ward_code;
  record.counter = r->counter;
  record.clerk = r->clerk;
  record.procedure = r->procedure;
  record.channel = r->channel;
  record.receipt = r->receipt;
  record.pages = r->pages;
  /* The package says how many pages went to the portal (blank ones
   * dropped), whoever records: the view or the application. */
  if (record.pages <= 0 && r->package_dir != NULL)
    record.pages = mc_package_count_pages (r->package_dir);
  if (record.pages <= 0)
    record.pages = r->scanned_pages;

  uuid = mc_ledger_record_filing (r->ledger, &record, &error);
  if (uuid == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, uuid, g_free);
}

static void
on_recorded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  McVisit *visit = MC_VISIT (source);
  Recording *r = g_object_steal_qdata (G_OBJECT (visit), recording_quark ());
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_task_propagate_pointer (G_TASK (result), &error);

  g_assert (r == user_data);
  if (uuid != NULL && mc_visit_get_state (visit) != MC_VISIT_RECORDED)
    mc_visit_set_recorded (visit);
  if (uuid == NULL)
    g_message ("Filing of visit %s not recorded: %s", mc_visit_get_id (visit), error->message);
  for (guint i = 0; i < r->waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (r->waiters, i);

      if (uuid != NULL)
        g_task_return_boolean (waiter, TRUE);
      else
        g_task_return_error (waiter, g_error_copy (error));
    }
  recording_free (r);
}

void
mc_visit_record_filing_async (McVisit             *visit,
                              McLedger            *ledger,
                              int                  pages,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) job = NULL;
  const McProcedure *procedure;
  McVisitState state;
  Recording *r;

  g_return_if_fail (MC_IS_VISIT (visit));
  g_return_if_fail (MC_IS_LEDGER (ledger));

  task = g_task_new (visit, cancellable, callback, user_data);
  g_task_set_source_tag (task, mc_visit_record_filing_async);

  state = mc_visit_get_state (visit);
  if (state == MC_VISIT_RECORDED)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (state != MC_VISIT_HANDED_OFF && state != MC_VISIT_UPLOADED)
    {
      g_task_return_new_error (task, MC_VISIT_ERROR, MC_VISIT_ERROR_STATE,
                               _("The visit has no receipt code yet, so there is nothing to record."));
      return;
    }

  r = g_object_get_qdata (G_OBJECT (visit), recording_quark ());
  if (r != NULL)
    {
      g_ptr_array_add (r->waiters, g_steal_pointer (&task));
      return;
    }

  procedure = mc_visit_get_procedure (visit);
  r = g_new0 (Recording, 1);
  r->ledger = g_object_ref (ledger);
  r->uuid = g_strdup (mc_visit_ensure_filing_uuid (visit));
  r->visit_id = g_strdup (mc_visit_get_id (visit));
  r->ward_code = g_strdup (mc_visit_get_ward_code (visit));
  r->counter = g_strdup (mc_visit_get_counter (visit));
  r->clerk = g_strdup (mc_visit_get_clerk (visit));
  r->procedure = g_strdup (procedure->code);
  r->channel = MC_CHANNEL_PROVINCIAL;
  mc_channel_from_string (procedure->portal->key, &r->channel);
  r->receipt = g_strdup (mc_visit_get_receipt (visit));
  r->package_dir = g_strdup (mc_visit_get_package_dir (visit));
  r->pages = pages;
  r->scanned_pages = (int) mc_visit_count_all_pages (visit);
  r->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (r->waiters, g_steal_pointer (&task));
  g_object_set_qdata (G_OBJECT (visit), recording_quark (), r);

  job = g_task_new (visit, NULL, on_recorded, r);
  g_task_set_source_tag (job, record_thread);
  g_task_set_task_data (job, r, NULL);
  g_task_run_in_thread (job, record_thread);
}

gboolean
mc_visit_record_filing_finish (McVisit       *visit,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, visit), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
mc_visit_is_recording (McVisit *visit)
{
  g_return_val_if_fail (MC_IS_VISIT (visit), FALSE);
  return g_object_get_qdata (G_OBJECT (visit), recording_quark ()) != NULL;
}

gboolean
mc_visit_filing_is_due (McVisit *visit)
{
  McVisitState state;

  g_return_val_if_fail (MC_IS_VISIT (visit), FALSE);
  state = mc_visit_get_state (visit);
  return state == MC_VISIT_HANDED_OFF || state == MC_VISIT_UPLOADED;
}

static void
on_filing_recorded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The session showing the visit, if any, says it to the clerk; the log
   * names the visit only. */
  if (!mc_visit_record_filing_finish (MC_VISIT (source), result, &error))
    g_message ("Visit %s not recorded yet: %s", mc_visit_get_id (MC_VISIT (source)), error->message);
}

gboolean
mc_visit_filing_record (McVisit             *visit,
                        McLedger            *ledger,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_val_if_fail (MC_IS_VISIT (visit), FALSE);
  g_return_val_if_fail (MC_IS_LEDGER (ledger), FALSE);

  if (!mc_visit_filing_is_due (visit) && mc_visit_get_state (visit) != MC_VISIT_RECORDED)
    return FALSE;
  if (callback == NULL)
    callback = on_filing_recorded;
  mc_visit_record_filing_async (visit, ledger, 0, cancellable, callback, user_data);
  return TRUE;
}

void
mc_visit_filing_record_all (GListModel *visits,
                            McLedger   *ledger)
{
  guint n;

  g_return_if_fail (G_IS_LIST_MODEL (visits));
  g_return_if_fail (MC_IS_LEDGER (ledger));

  n = g_list_model_get_n_items (visits);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(McVisit) visit = g_list_model_get_item (visits, i);

      if (mc_visit_filing_is_due (visit))
        mc_visit_filing_record (visit, ledger, NULL, NULL, NULL);
    }
}
