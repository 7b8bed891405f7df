/* SPDX-License-Identifier: GPL-3.0-or-later */
/* McPgLedger: appending events, idempotently by UUID, in pipelined batches. */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <libpq-fe.h>
#include <glib/gi18n.h>

#include "mc-pg-ledger-private.h"

/* A deadlock the ward locks below do not prevent (another program
 * writing the server) aborts one transaction, which is tried again. */
#define DEADLOCK_RETRIES 5

static gboolean
is_deadlock (const GError *error)
{
  return g_error_matches (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUSY);
}

static McLedgerEvent *
lookup_event_locked (McPgLedger  *self,
                     const char  *uuid,
                     GError     **error)
{
  g_autoptr(GPtrArray) params = g_ptr_array_new ();
  g_autoptr(PGresult) res = NULL;

  g_ptr_array_add (params, (gpointer) uuid);
  res = mc_pg_query (self, "SELECT " EVENT_COLUMNS " FROM events WHERE uuid = $1", params, error);
  if (res == NULL || PQntuples (res) == 0)
    return NULL;
  return mc_pg_event_from_row (self, res, 0, error);
}

#define INSERT_EVENT \
  "INSERT INTO events (" EVENT_COLUMNS ") VALUES" \
  " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)" \
  " ON CONFLICT (uuid) DO NOTHING RETURNING seq"

/* Sends at most this many INSERTs before reading their answers, so
 * neither side's socket buffer fills while the other waits. */
#define PIPELINE_CHUNK 256

static GPtrArray *
event_params (const McLedgerEvent *e)
{
  GPtrArray *params = g_ptr_array_new_with_free_func (g_free);
  gboolean countable = e->kind != MC_EVENT_STATUS;

#define P(x) g_ptr_array_add (params, (x))
  P (g_strdup (e->uuid));
  P (g_strdup (mc_event_kind_to_string (e->kind)));
  P (g_strdup (e->filing_uuid));
  P (g_strdup (e->corrects_uuid));
  P (g_strdup_printf ("%" G_GINT64_FORMAT, e->at_us));
  P (mc_day_format (e->local_day));
  P (g_strdup (e->kind == MC_EVENT_FILING ? e->visit_id : NULL));
  P (g_strdup (countable ? e->ward_code : NULL));
  P (g_strdup (countable ? e->counter : NULL));
  P (g_strdup (countable ? e->clerk : NULL));
  P (g_strdup (countable ? e->procedure : NULL));
  P (g_strdup (countable ? mc_channel_to_string (e->channel) : NULL));
  P (countable ? g_strdup_printf ("%d", e->pages) : NULL);
  P (g_strdup (countable ? e->receipt : NULL));
  P (g_strdup (e->kind != MC_EVENT_CORRECTION ? mc_filing_status_to_string (e->status) : NULL));
  P (g_strdup (e->kind == MC_EVENT_FILING ? mc_source_to_string (e->source) : NULL));
  P (g_strdup (e->kind == MC_EVENT_CORRECTION && e->voids ? "t" : "f"));
  P (g_strdup (e->kind == MC_EVENT_CORRECTION ? mc_correction_reason_to_string (e->reason) : NULL));
#undef P
  return params;
}

/* The INSERTs of events[first..first+n) in one pipeline round trip
 * (libpq's pipeline mode): added[i] tells which were new. The first
 * error is kept; the server skips the rest until the sync. */
static gboolean
insert_chunk (McPgLedger            *self,
              McLedgerEvent * const *events,
              guint                  n,
              gboolean              *added,
              GError               **error)
{
  gboolean ok = TRUE;
  guint i = 0;

  if (!PQenterPipelineMode (self->conn))
    {
      mc_pg_set_result_error (self, NULL, error);
      return FALSE;
    }
  for (guint k = 0; k < n; k++)
    {
      g_autoptr(GPtrArray) params = event_params (events[k]);

      if (!PQsendQueryParams (self->conn, INSERT_EVENT, (int) params->len, NULL,
                              (const char * const *) params->pdata, NULL, NULL, 0))
        {
          ok = FALSE;
          break;
        }
    }
  if (!ok || !PQpipelineSync (self->conn))
    {
      mc_pg_set_result_error (self, NULL, error);
      /* The connection is in an unknown state: start afresh. */
      g_clear_pointer (&self->conn, PQfinish);
      return FALSE;
    }

  /* Each INSERT's answer is followed by NULL; the sync ends the chunk. */
  for (;;)
    {
      PGresult *res = PQgetResult (self->conn);
      ExecStatusType st;

      if (res == NULL)
        {
          if (PQstatus (self->conn) == CONNECTION_BAD)
            {
              if (ok)
                mc_pg_set_result_error (self, NULL, error);
              ok = FALSE;
              break;
            }
          continue;
        }
      st = PQresultStatus (res);
      if (st == PGRES_PIPELINE_SYNC)
        {
          PQclear (res);
          break;
        }
      if (st == PGRES_TUPLES_OK && i < n)
        added[i++] = PQntuples (res) == 1;
      else if (st != PGRES_PIPELINE_ABORTED && ok)
        {
          mc_pg_set_result_error (self, res, error);
          ok = FALSE;
        }
      PQclear (res);
    }
  if (self->conn != NULL && PQstatus (self->conn) == CONNECTION_OK)
    PQexitPipelineMode (self->conn);
  return ok && i == n;
}

/* Counters of one ward update the same per-day counts by procedure and
 * portal, each in its own events' order: two pushes at once locked those
 * rows in opposite orders and the server aborted one, again on every
 * retry at a city's volume (bench-ledger-pg --full: 12 of 50 counters
 * gave up after five tries). Each batch first takes one lock per ward it
 * counts in, in the order of the locks' keys, so pushes for the same ward
 * take turns and other wards' go on. */
static gboolean
lock_wards (McPgLedger            *self,
            McLedgerEvent * const *events,
            guint                  n_events,
            GError               **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) wards = g_string_new (NULL);
  g_autoptr(GPtrArray) params = g_ptr_array_new ();
  g_autoptr(PGresult) res = NULL;

  for (guint i = 0; i < n_events; i++)
    if (events[i]->ward_code != NULL && g_hash_table_add (seen, events[i]->ward_code))
      g_string_append_printf (wards, "%s%s", wards->len > 0 ? "," : "", events[i]->ward_code);
  if (wards->len == 0)
    return TRUE;
  g_ptr_array_add (params, wards->str);
  /* Ward codes are digits (mc_ledger_event_validate); volatile functions
   * run after the sort, so the locks are taken in key order. */
  res = mc_pg_query (self,
                     "SELECT pg_advisory_xact_lock (k) FROM"
                     " (SELECT DISTINCT hashtext (w) AS k FROM unnest (string_to_array ($1, ',')) AS w) AS keys"
                     " ORDER BY k",
                     params, error);
  return res != NULL;
}

static gboolean
append_once (McPgLedger            *self,
             McLedgerEvent * const *events,
             guint                  n_events,
             McLedgerAppendResult  *counts,
             GError               **error)
{
  g_autofree gboolean *added = g_new0 (gboolean, MAX (n_events, 1));

  *counts = (McLedgerAppendResult) { 0, 0 };
  if (!mc_pg_exec (self, "BEGIN", error))
    return FALSE;
  if (!lock_wards (self, events, n_events, error))
    goto fail;

  for (guint i = 0; i < n_events; i += PIPELINE_CHUNK)
    if (!insert_chunk (self, events + i, MIN (PIPELINE_CHUNK, n_events - i), added + i, error))
      goto fail;

  for (guint i = 0; i < n_events; i++)
    {
      const McLedgerEvent *e = events[i];
      g_autoptr(McLedgerEvent) existing = NULL;

      if (added[i])
        {
          counts->n_added++;
          continue;
        }
      /* Already there: the same event again is fine, another is not. */
      existing = lookup_event_locked (self, e->uuid, error);
      if (existing == NULL)
        {
          if (error == NULL || *error == NULL)
            g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_FAILED,
                         _("The ledger server %s lost event %s while it was being recorded."),
                         mc_pg_where (self->conn), e->uuid);
          goto fail;
        }
      if (!mc_ledger_event_equal (existing, e))
        {
          g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CONFLICT,
                       _("Event %s is already on the ledger server with different contents. Nothing was recorded."),
                       e->uuid);
          goto fail;
        }
      counts->n_present++;
    }
  return mc_pg_exec (self, "COMMIT", error);

fail:
  if (self->conn != NULL)
    mc_pg_rollback (self);
  return FALSE;
}

gboolean
mc_pg_ledger_store_append (McLedgerStore         *store,
                           McLedgerEvent * const *events,
                           guint                  n_events,
                           McLedgerAppendResult  *result,
                           GError               **error)
{
  McPgLedger *self = MC_PG_LEDGER (store);
  McLedgerAppendResult counts = { 0, 0 };
  gboolean ok = FALSE;

  for (guint i = 0; i < n_events; i++)
    if (!mc_ledger_event_validate (events[i], error))
      return FALSE;

  g_mutex_lock (&self->lock);
  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean appended, stalled;

      if (!mc_pg_ensure_connected (self, &local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          break;
        }
      mc_pg_arm (self);
      appended = append_once (self, events, n_events, &counts, &local_error);
      stalled = mc_pg_disarm (self);
      if (stalled)
        g_clear_pointer (&self->conn, PQfinish);
      if (appended)
        {
          *result = counts;
          ok = TRUE;
          break;
        }
      if (stalled)
        {
          /* Whatever was on the way is rolled back by the server. */
          mc_pg_set_stall_error (self, &local_error);
          g_propagate_error (error, g_steal_pointer (&local_error));
          break;
        }
      if (!is_deadlock (local_error) || attempt == DEADLOCK_RETRIES)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          break;
        }
      g_usleep ((attempt + 1) * g_random_int_range (1000, 20000));
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

McLedgerEvent *
mc_pg_ledger_store_lookup_event (McLedgerStore  *store,
                                 const char     *uuid,
                                 GError        **error)
{
  McPgLedger *self = MC_PG_LEDGER (store);
  McLedgerEvent *event = NULL;

  g_mutex_lock (&self->lock);
  if (mc_pg_ensure_connected (self, error))
    event = lookup_event_locked (self, uuid, error);
  g_mutex_unlock (&self->lock);
  return event;
}
