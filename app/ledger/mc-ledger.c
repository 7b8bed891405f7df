/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-context.h"
#include "mc-core.h"
#include "mc-ledger.h"
#include "mc-sqlite-ledger.h"
#include "mc-supervisor-pin.h"

struct _McLedger
{
  GObject        parent_instance;

  McLedgerStore *store;
  McProcedureCatalog *procedures;
  GMainContext  *context;        /* where “changed” is emitted */
  GThread       *home;           /* the thread of that context */

  guint64        stamp;
  gboolean       have_stamp;
  gboolean       polling;
  GSource       *watch;

  GPtrArray     *no_problems;    /* for stores without a check at open */

  char          *pin_lockout_path;
};

G_DEFINE_FINAL_TYPE (McLedger, mc_ledger, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
mc_ledger_dispose (GObject *object)
{
  McLedger *self = MC_LEDGER (object);

  if (self->watch != NULL)
    {
      g_source_destroy (self->watch);
      g_clear_pointer (&self->watch, g_source_unref);
    }
  G_OBJECT_CLASS (mc_ledger_parent_class)->dispose (object);
}

static void
mc_ledger_finalize (GObject *object)
{
  McLedger *self = MC_LEDGER (object);

  g_clear_object (&self->store);
  g_clear_object (&self->procedures);
  g_clear_pointer (&self->no_problems, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->pin_lockout_path);

  G_OBJECT_CLASS (mc_ledger_parent_class)->finalize (object);
}

static void
mc_ledger_class_init (McLedgerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mc_ledger_dispose;
  object_class->finalize = mc_ledger_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mc_ledger_init (McLedger *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->home = g_thread_self ();
}

McLedger *
mc_ledger_new (McLedgerStore *store)
{
  McLedger *self;

  g_return_val_if_fail (MC_IS_LEDGER_STORE (store), NULL);

  self = g_object_new (MC_TYPE_LEDGER, NULL);
  self->store = g_object_ref (store);
  /* Wrong PINs are counted beside the ledger file, so a restart keeps
   * them; a store without a file shares the program's count. */
  self->pin_lockout_path =
    mc_supervisor_pin_lockout_path (MC_IS_SQLITE_LEDGER (store)
                                    ? mc_sqlite_ledger_get_path (MC_SQLITE_LEDGER (store)) : NULL);
  return self;
}

void
mc_ledger_set_procedures (McLedger           *self,
                          McProcedureCatalog *procedures)
{
  g_return_if_fail (MC_IS_LEDGER (self));
  g_return_if_fail (procedures == NULL || MC_IS_PROCEDURE_CATALOG (procedures));
  g_set_object (&self->procedures, procedures);
}

McProcedureCatalog *
mc_ledger_get_procedures (McLedger *self)
{
  g_return_val_if_fail (MC_IS_LEDGER (self), NULL);
  return self->procedures;
}

char *
mc_ledger_get_default_path (void)
{
  g_autofree char *dir = mc_core_get_data_dir ();

  return g_build_filename (dir, "ledger.sqlite", NULL);
}

McLedger *
mc_ledger_open (const char  *path,
                gboolean     create,
                GError     **error)
{
  g_autoptr(McSqliteLedger) store = NULL;

  store = mc_sqlite_ledger_open (path, create ? MC_SQLITE_LEDGER_OPEN_CREATE : MC_SQLITE_LEDGER_OPEN_EXISTING,
                                 error);
  return store ? mc_ledger_new (MC_LEDGER_STORE (store)) : NULL;
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  McLedger *ledger = mc_ledger_open (task_data, TRUE, &error);

  if (ledger == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ledger, g_object_unref);
}

void
mc_ledger_open_async (const char          *path,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, mc_ledger_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_thread);
}

McLedger *
mc_ledger_open_finish (GAsyncResult  *result,
                       GError       **error)
{
  McLedger *self = g_task_propagate_pointer (G_TASK (result), error);

  /* Made on a worker thread: its signals belong to the caller's context. */
  if (self != NULL)
    {
      g_main_context_unref (self->context);
      self->context = g_main_context_ref_thread_default ();
      self->home = g_thread_self ();
    }
  return self;
}

GPtrArray *
mc_ledger_get_open_problems (McLedger *self)
{
  g_return_val_if_fail (MC_IS_LEDGER (self), NULL);

  if (MC_IS_SQLITE_LEDGER (self->store))
    return mc_sqlite_ledger_get_open_problems (MC_SQLITE_LEDGER (self->store));
  if (self->no_problems == NULL)
    self->no_problems = g_ptr_array_new ();
  return self->no_problems;
}

McLedgerStore *
mc_ledger_get_store (McLedger *self)
{
  g_return_val_if_fail (MC_IS_LEDGER (self), NULL);
  return self->store;
}

/* ---- Change notification ----------------------------------------------- */

static gboolean
emit_changed (gpointer data)
{
  g_signal_emit (data, signals[CHANGED], 0);
  return G_SOURCE_REMOVE;
}

/* "changed" on the thread that opened the ledger: at once when that thread
 * records, through its context when a worker does (mc-context.h). */
static void
notify_changed (McLedger *self)
{
  mc_context_invoke_owner (self->context, self->home, emit_changed,
                           g_object_ref (self), g_object_unref, "[motcua] ledger changed");
}

static void
stamp_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  McLedger *self = source_object;
  guint64 *stamp = g_new (guint64, 1);

  *stamp = mc_ledger_store_change_stamp (self->store);
  g_task_return_pointer (task, stamp, g_free);
}

static void
stamp_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  McLedger *self = MC_LEDGER (object);
  g_autofree guint64 *stamp = g_task_propagate_pointer (G_TASK (result), NULL);

  self->polling = FALSE;
  if (stamp == NULL)
    return;
  if (self->have_stamp && *stamp != self->stamp)
    g_signal_emit (self, signals[CHANGED], 0);
  self->stamp = *stamp;
  self->have_stamp = TRUE;
}

static gboolean
poll_stamp (gpointer data)
{
  McLedger *self = data;
  g_autoptr(GTask) task = NULL;

  if (self->polling)
    return G_SOURCE_CONTINUE;
  self->polling = TRUE;
  task = g_task_new (self, NULL, stamp_done, NULL);
  g_task_run_in_thread (task, stamp_thread);
  return G_SOURCE_CONTINUE;
}

void
mc_ledger_watch (McLedger *self,
                 guint     seconds)
{
  g_return_if_fail (MC_IS_LEDGER (self));

  if (self->watch != NULL)
    {
      g_source_destroy (self->watch);
      g_clear_pointer (&self->watch, g_source_unref);
    }
  if (seconds == 0)
    return;
  self->watch = g_timeout_source_new_seconds (seconds);
  g_source_set_callback (self->watch, poll_stamp, self, NULL);
  g_source_attach (self->watch, self->context);
  poll_stamp (self);
}

/* ---- Recording --------------------------------------------------------- */

static McLedgerEvent *
event_from_record (const McFilingRecord  *r,
                   GError               **error)
{
  g_autoptr(McLedgerEvent) e = mc_ledger_event_new (MC_EVENT_FILING);

  if (r->uuid != NULL)
    {
      if (!mc_ledger_is_uuid (r->uuid))
        {
          g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                       _("“%s” is not a UUID"), r->uuid);
          return NULL;
        }
      g_free (e->uuid);
      g_free (e->filing_uuid);
      e->uuid = g_strdup (r->uuid);
      e->filing_uuid = g_strdup (r->uuid);
    }
  if (r->at_us != 0)
    {
      e->at_us = r->at_us;
      e->local_day = mc_ledger_local_day_of (r->at_us);
    }
  e->visit_id = g_strdup (r->visit_id);
  e->ward_code = g_strdup (r->ward_code);
  e->counter = g_strdup (r->counter);
  e->clerk = g_strdup (r->clerk);
  e->procedure = g_strdup (r->procedure);
  e->channel = r->channel;
  e->pages = r->pages;
  e->receipt = g_strdup (r->receipt);
  e->status = r->status;
  e->source = r->source;

  if (!mc_ledger_event_validate (e, error))
    return NULL;
  return g_steal_pointer (&e);
}

static gboolean
same_filing (const McLedgerEvent *a,
             const McLedgerEvent *b)
{
  return a->kind == MC_EVENT_FILING && b->kind == MC_EVENT_FILING &&
         g_strcmp0 (a->visit_id, b->visit_id) == 0 &&
         g_strcmp0 (a->ward_code, b->ward_code) == 0 &&
         g_strcmp0 (a->counter, b->counter) == 0 &&
         g_strcmp0 (a->clerk, b->clerk) == 0 &&
         g_strcmp0 (a->procedure, b->procedure) == 0 &&
         a->channel == b->channel && a->pages == b->pages &&
         g_strcmp0 (a->receipt, b->receipt) == 0;
}

char *
mc_ledger_record_filing (McLedger              *self,
                         const McFilingRecord  *record,
                         GError               **error)
{
  g_autoptr(McLedgerEvent) event = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (MC_IS_LEDGER (self), NULL);
  g_return_val_if_fail (record != NULL, NULL);

  if (!(event = event_from_record (record, error)))
    return NULL;

  if (record->uuid != NULL)
    {
      g_autoptr(McLedgerEvent) existing = mc_ledger_store_lookup_event (self->store, record->uuid, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (existing != NULL)
        {
          /* A repeat after a crash: already recorded, nothing to do. */
          if (same_filing (existing, event))
            return g_strdup (existing->uuid);
          g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CONFLICT,
                       _("Filing %s is already recorded with other details. Nothing was recorded."),
                       record->uuid);
          return NULL;
        }
    }

  if (!mc_ledger_store_append (self->store, &event, 1, NULL, error))
    return NULL;
  notify_changed (self);
  return g_strdup (event->uuid);
}

typedef struct {
  McFilingRecord  record;
  char           *strings[9];
} RecordData;

static void
record_data_free (RecordData *d)
{
  for (guint i = 0; i < G_N_ELEMENTS (d->strings); i++)
    g_free (d->strings[i]);
  g_free (d);
}

static RecordData *
record_data_new (const McFilingRecord *r)
{
  RecordData *d = g_new0 (RecordData, 1);

  d->record = *r;
  d->record.uuid = d->strings[0] = g_strdup (r->uuid);
  d->record.visit_id = d->strings[1] = g_strdup (r->visit_id);
  d->record.ward_code = d->strings[2] = g_strdup (r->ward_code);
  d->record.counter = d->strings[3] = g_strdup (r->counter);
  d->record.clerk = d->strings[4] = g_strdup (r->clerk);
  d->record.procedure = d->strings[5] = g_strdup (r->procedure);
  d->record.receipt = d->strings[6] = g_strdup (r->receipt);
  /* The time is taken when the call is made, not when a thread runs it. */
  if (d->record.at_us == 0)
    d->record.at_us = mc_ledger_now_us ();
  return d;
}

static void
record_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RecordData *d = task_data;
  GError *error = NULL;
  char *uuid = mc_ledger_record_filing (source_object, &d->record, &error);

  if (uuid == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, uuid, g_free);
}

void
mc_ledger_record_filing_async (McLedger              *self,
                               const McFilingRecord  *record,
                               GCancellable          *cancellable,
                               GAsyncReadyCallback    callback,
                               gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MC_IS_LEDGER (self));
  g_return_if_fail (record != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mc_ledger_record_filing_async);
  g_task_set_task_data (task, record_data_new (record), (GDestroyNotify) record_data_free);
  /* Once started, a filing is recorded even if the caller goes away. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, record_thread);
}

char *
mc_ledger_record_filing_finish (McLedger      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
mc_ledger_record_status (McLedger        *self,
                         const char      *filing_uuid,
                         McFilingStatus   status,
                         GError         **error)
{
  g_autoptr(McLedgerFiling) filing = NULL;
  g_autoptr(McLedgerEvent) event = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (MC_IS_LEDGER (self), NULL);

  filing = mc_ledger_store_lookup_filing (self->store, filing_uuid, &local_error);
  if (filing == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_NOT_FOUND,
                     _("Filing %s is not in the ledger"), filing_uuid);
      return NULL;
    }

  event = mc_ledger_event_new (MC_EVENT_STATUS);
  g_free (event->filing_uuid);
  event->filing_uuid = g_strdup (filing->uuid);
  /* Later than the filing even if this PC's clock is behind the one that
   * recorded it; the ledger orders events by time. */
  event->at_us = MAX (event->at_us, filing->at_us + 1);
  event->local_day = mc_ledger_local_day_of (event->at_us);
  event->status = status;

  if (!mc_ledger_store_append (self->store, &event, 1, NULL, error))
    return NULL;
  notify_changed (self);
  return g_strdup (event->uuid);
}

/* ---- Corrections ------------------------------------------------------- */

gboolean
mc_ledger_verify_pin (McLedger    *self,
                      const char  *pin_hash,
                      const char  *pin,
                      GError     **error)
{
  g_return_val_if_fail (MC_IS_LEDGER (self), FALSE);

  return mc_supervisor_pin_check (self->pin_lockout_path, pin_hash, pin, error);
}

char *
mc_ledger_correct (McLedger                  *self,
                   const char                *pin_hash,
                   const char                *pin,
                   const char                *filing_uuid,
                   const McFilingCorrection  *changes,
                   GError                   **error)
{
  g_autoptr(McLedgerFiling) filing = NULL;
  g_autoptr(McLedgerEvent) head = NULL;
  g_autoptr(McLedgerEvent) e = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean changed;

  g_return_val_if_fail (MC_IS_LEDGER (self), NULL);
  g_return_val_if_fail (filing_uuid != NULL && changes != NULL, NULL);

  /* The PIN first: nothing about the record is read for a wrong one. */
  if (!mc_ledger_verify_pin (self, pin_hash, pin, error))
    return NULL;

  filing = mc_ledger_store_lookup_filing (self->store, filing_uuid, &local_error);
  if (filing != NULL)
    head = mc_ledger_store_lookup_event (self->store, filing->head_uuid, &local_error);
  if (head == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_NOT_FOUND,
                     _("Filing %s is not in the ledger"), filing_uuid);
      return NULL;
    }

  e = mc_ledger_event_copy (head);
  g_free (e->uuid);
  e->uuid = g_uuid_string_random ();
  e->kind = MC_EVENT_CORRECTION;
  g_free (e->corrects_uuid);
  e->corrects_uuid = g_strdup (head->uuid);
  g_clear_pointer (&e->visit_id, g_free);
  e->at_us = MAX (mc_ledger_now_us (), head->at_us + 1);
  /* The filing keeps its day: a correction changes what, not when. */
  e->local_day = head->local_day;
  e->voids = changes->voids;
  e->reason = changes->reason;

  if (changes->procedure != NULL)
    {
      g_free (e->procedure);
      e->procedure = g_strdup (changes->procedure);
    }
  if (changes->channel < MC_N_CHANNELS)
    e->channel = changes->channel;
  if (changes->pages >= 0)
    e->pages = changes->pages;
  if (changes->receipt != NULL)
    {
      g_free (e->receipt);
      e->receipt = *changes->receipt ? g_strdup (changes->receipt) : NULL;
    }
  if (changes->counter != NULL)
    {
      g_free (e->counter);
      e->counter = g_strdup (changes->counter);
    }

  changed = e->voids != (head->kind == MC_EVENT_CORRECTION && head->voids) ||
            g_strcmp0 (e->procedure, head->procedure) != 0 || e->channel != head->channel ||
            e->pages != head->pages || g_strcmp0 (e->receipt, head->receipt) != 0 ||
            g_strcmp0 (e->counter, head->counter) != 0;
  if (!changed)
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("The correction changes nothing; nothing was recorded"));
      return NULL;
    }
  if (e->reason == MC_REASON_NONE)
    e->reason = MC_REASON_OTHER;

  if (!mc_ledger_store_append (self->store, &e, 1, NULL, error))
    return NULL;
  notify_changed (self);
  return g_strdup (e->uuid);
}

typedef struct {
  char               *pin_hash;
  char               *pin;
  char               *filing_uuid;
  McFilingCorrection  changes;
  char               *procedure;
  char               *receipt;
  char               *counter;
} CorrectData;

static void
correct_data_free (CorrectData *d)
{
  g_free (d->pin_hash);
  if (d->pin != NULL)
    {
      /* Do not leave the PIN in freed memory. */
      memset (d->pin, 0, strlen (d->pin));
      g_free (d->pin);
    }
  g_free (d->filing_uuid);
  g_free (d->procedure);
  g_free (d->receipt);
  g_free (d->counter);
  g_free (d);
}

static void
correct_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  CorrectData *d = task_data;
  GError *error = NULL;
  char *uuid = mc_ledger_correct (source_object, d->pin_hash, d->pin, d->filing_uuid, &d->changes, &error);

  if (uuid == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, uuid, g_free);
}

void
mc_ledger_correct_async (McLedger                  *self,
                         const char                *pin_hash,
                         const char                *pin,
                         const char                *filing_uuid,
                         const McFilingCorrection  *changes,
                         GCancellable              *cancellable,
                         GAsyncReadyCallback        callback,
                         gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  CorrectData *d;

  g_return_if_fail (MC_IS_LEDGER (self));

  d = g_new0 (CorrectData, 1);
  d->pin_hash = g_strdup (pin_hash);
  d->pin = g_strdup (pin);
  d->filing_uuid = g_strdup (filing_uuid);
  d->changes = *changes;
  d->changes.procedure = d->procedure = g_strdup (changes->procedure);
  d->changes.receipt = d->receipt = g_strdup (changes->receipt);
  d->changes.counter = d->counter = g_strdup (changes->counter);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mc_ledger_correct_async);
  g_task_set_task_data (task, d, (GDestroyNotify) correct_data_free);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, correct_thread);
}

char *
mc_ledger_correct_finish (McLedger      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Reading ----------------------------------------------------------- */

typedef struct {
  McWardCatalog *catalog;
  McProcedureCatalog *procedures;
  McDay          from;
  McDay          to;
  char          *ward_code;
} SummaryData;

static void
summary_data_free (SummaryData *d)
{
  g_clear_object (&d->catalog);
  g_clear_object (&d->procedures);
  g_free (d->ward_code);
  g_free (d);
}

static void
summary_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  McLedger *self = source_object;
  SummaryData *d = task_data;
  GError *error = NULL;
  McSummary *summary = mc_summary_build (self->store, d->catalog, d->procedures, d->from, d->to, d->ward_code, &error);

  if (summary == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summary, (GDestroyNotify) mc_summary_free);
}

void
mc_ledger_summarize_async (McLedger             *self,
                           McWardCatalog        *catalog,
                           McDay                 from,
                           McDay                 to,
                           const char           *ward_code,
                           GCancellable         *cancellable,
                           GAsyncReadyCallback   callback,
                           gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  SummaryData *d;

  g_return_if_fail (MC_IS_LEDGER (self));
  g_return_if_fail (MC_IS_WARD_CATALOG (catalog));

  d = g_new0 (SummaryData, 1);
  d->catalog = g_object_ref (catalog);
  /* Taken now: the worker reads it while the main thread may set another. */
  g_set_object (&d->procedures, self->procedures);
  d->from = from;
  d->to = to;
  d->ward_code = g_strdup (ward_code);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mc_ledger_summarize_async);
  g_task_set_task_data (task, d, (GDestroyNotify) summary_data_free);
  g_task_run_in_thread (task, summary_thread);
}

McSummary *
mc_ledger_summarize_finish (McLedger      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  McLedgerFilingQuery  query;
  McLedgerWardSpan    *spans;
  char               **codes;
} ListData;

static void
list_data_free (ListData *d)
{
  g_free (d->spans);
  g_strfreev (d->codes);
  g_free (d);
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  McLedger *self = source_object;
  ListData *d = task_data;
  GError *error = NULL;
  GPtrArray *filings = mc_ledger_store_list_filings (self->store, &d->query, &error);

  if (filings == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, filings, (GDestroyNotify) g_ptr_array_unref);
}

void
mc_ledger_list_filings_async (McLedger                   *self,
                              const McLedgerFilingQuery  *query,
                              GCancellable               *cancellable,
                              GAsyncReadyCallback         callback,
                              gpointer                    user_data)
{
  g_autoptr(GTask) task = NULL;
  ListData *d;

  g_return_if_fail (MC_IS_LEDGER (self));

  d = g_new0 (ListData, 1);
  d->query = *query;
  if (query->spans != NULL)
    {
      d->spans = g_new0 (McLedgerWardSpan, MAX (query->n_spans, 1));
      d->codes = g_new0 (char *, query->n_spans + 1);
      for (guint i = 0; i < query->n_spans; i++)
        {
          d->spans[i] = query->spans[i];
          d->spans[i].ward_code = d->codes[i] = g_strdup (query->spans[i].ward_code);
        }
      d->query.spans = d->spans;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mc_ledger_list_filings_async);
  g_task_set_task_data (task, d, (GDestroyNotify) list_data_free);
  g_task_run_in_thread (task, list_thread);
}

GPtrArray *
mc_ledger_list_filings_finish (McLedger      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
