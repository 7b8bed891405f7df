/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <sqlite3.h>
#include <glib/gi18n.h>

#include "mc-sqlite-ledger-private.h"

/* ---- Events ------------------------------------------------------------ */

McLedgerEvent *
mc_sqlite_ledger_event_from_row (McSqliteLedger  *self,
                                 sqlite3_stmt    *stmt,
                                 GError         **error)
{
  g_autoptr(McLedgerEvent) event = g_new0 (McLedgerEvent, 1);
  const char *text;
  gboolean ok = TRUE;

  event->uuid = mc_sqlite_ledger_column_dup (stmt, 0);
  ok &= mc_event_kind_from_string (mc_sqlite_ledger_column_text (stmt, 1), &event->kind);
  event->filing_uuid = mc_sqlite_ledger_column_dup (stmt, 2);
  event->corrects_uuid = mc_sqlite_ledger_column_dup (stmt, 3);
  ok &= mc_ledger_parse_time (mc_sqlite_ledger_column_text (stmt, 4), &event->at_us);
  ok &= mc_day_parse (mc_sqlite_ledger_column_text (stmt, 5), &event->local_day);
  event->visit_id = mc_sqlite_ledger_column_dup (stmt, 6);
  event->ward_code = mc_sqlite_ledger_column_dup (stmt, 7);
  event->counter = mc_sqlite_ledger_column_dup (stmt, 8);
  event->clerk = mc_sqlite_ledger_column_dup (stmt, 9);
  event->procedure = mc_sqlite_ledger_column_dup (stmt, 10);
  if ((text = mc_sqlite_ledger_column_text (stmt, 11)) != NULL)
    ok &= mc_channel_from_string (text, &event->channel);
  event->pages = sqlite3_column_int (stmt, 12);
  event->receipt = mc_sqlite_ledger_column_dup (stmt, 13);
  if ((text = mc_sqlite_ledger_column_text (stmt, 14)) != NULL)
    ok &= mc_filing_status_from_string (text, &event->status);
  if ((text = mc_sqlite_ledger_column_text (stmt, 15)) != NULL)
    ok &= mc_source_from_string (text, &event->source);
  event->voids = sqlite3_column_int (stmt, 16) != 0;
  if ((text = mc_sqlite_ledger_column_text (stmt, 17)) != NULL)
    ok &= mc_correction_reason_from_string (text, &event->reason);

  if (!ok)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CORRUPT,
                   _("The ledger %s holds an event that cannot be read (%s)."),
                   self->path, event->uuid ? event->uuid : "?");
      return NULL;
    }
  return g_steal_pointer (&event);
}

static McLedgerEvent *
lookup_event_locked (McSqliteLedger  *self,
                     sqlite3         *db,
                     GHashTable      *cache,
                     const char      *uuid,
                     GError         **error)
{
  sqlite3_stmt *stmt = mc_sqlite_ledger_prepare (self, db, cache,
                                                 "SELECT " EVENT_COLUMNS " FROM events WHERE uuid = ?1", error);
  McLedgerEvent *event = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  mc_sqlite_ledger_bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    event = mc_sqlite_ledger_event_from_row (self, stmt, error);
  else if (rc != SQLITE_DONE)
    mc_sqlite_ledger_set_error_from_rc (self, error, db, rc);
  sqlite3_reset (stmt);
  return event;
}

static gboolean
insert_event (McSqliteLedger       *self,
              const McLedgerEvent  *e,
              GError              **error)
{
  sqlite3_stmt *stmt = mc_sqlite_ledger_prepare (self, self->wdb, self->wstmts,
                                                 "INSERT INTO events (" EVENT_COLUMNS ") VALUES"
                                                 " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
                                                 error);
  g_autofree char *at = NULL;
  gboolean countable = e->kind != MC_EVENT_STATUS;

  if (stmt == NULL)
    return FALSE;

  at = mc_ledger_format_time (e->at_us);
  mc_sqlite_ledger_bind_text (stmt, 1, e->uuid);
  mc_sqlite_ledger_bind_text (stmt, 2, mc_event_kind_to_string (e->kind));
  mc_sqlite_ledger_bind_text (stmt, 3, e->filing_uuid);
  mc_sqlite_ledger_bind_text (stmt, 4, e->corrects_uuid);
  mc_sqlite_ledger_bind_text (stmt, 5, at);
  mc_sqlite_ledger_bind_day (stmt, 6, e->local_day, NULL);
  mc_sqlite_ledger_bind_text (stmt, 7, e->kind == MC_EVENT_FILING ? e->visit_id : NULL);
  if (countable)
    {
      mc_sqlite_ledger_bind_text (stmt, 8, e->ward_code);
      mc_sqlite_ledger_bind_text (stmt, 9, e->counter);
      mc_sqlite_ledger_bind_text (stmt, 10, e->clerk);
      mc_sqlite_ledger_bind_text (stmt, 11, e->procedure);
      mc_sqlite_ledger_bind_text (stmt, 12, mc_channel_to_string (e->channel));
      sqlite3_bind_int (stmt, 13, e->pages);
      mc_sqlite_ledger_bind_text (stmt, 14, e->receipt);
    }
  mc_sqlite_ledger_bind_text (stmt, 15, e->kind != MC_EVENT_CORRECTION ? mc_filing_status_to_string (e->status) : NULL);
  mc_sqlite_ledger_bind_text (stmt, 16, e->kind == MC_EVENT_FILING ? mc_source_to_string (e->source) : NULL);
  sqlite3_bind_int (stmt, 17, e->kind == MC_EVENT_CORRECTION && e->voids);
  mc_sqlite_ledger_bind_text (stmt, 18, e->kind == MC_EVENT_CORRECTION ? mc_correction_reason_to_string (e->reason) : NULL);

  return mc_sqlite_ledger_step_done (self, self->wdb, stmt, error);
}

/* The checks the triggers also make, done first for a clear message. */
static gboolean
check_references (McSqliteLedger       *self,
                  const McLedgerEvent  *e,
                  GError              **error)
{
  g_autoptr(McLedgerEvent) filing = NULL;
  g_autoptr(McLedgerEvent) corrected = NULL;
  g_autoptr(GError) local_error = NULL;

  if (e->kind == MC_EVENT_FILING)
    return TRUE;

  filing = lookup_event_locked (self, self->wdb, self->wstmts, e->filing_uuid, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (filing == NULL || filing->kind != MC_EVENT_FILING)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_NOT_FOUND,
                   _("Event %s is about filing %s, which is not in the ledger."),
                   e->uuid, e->filing_uuid);
      return FALSE;
    }
  if (e->kind == MC_EVENT_STATUS)
    {
      if (e->at_us <= filing->at_us)
        {
          g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                       _("Status change %s is dated before its filing."), e->uuid);
          return FALSE;
        }
      return TRUE;
    }

  corrected = lookup_event_locked (self, self->wdb, self->wstmts, e->corrects_uuid, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (corrected == NULL || corrected->kind == MC_EVENT_STATUS ||
      g_strcmp0 (corrected->filing_uuid, e->filing_uuid) != 0)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_NOT_FOUND,
                   _("Correction %s points at %s, which is not a record of the same filing in the ledger."),
                   e->uuid, e->corrects_uuid);
      return FALSE;
    }
  if (e->at_us <= corrected->at_us)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                   _("Correction %s is dated before the record it corrects."), e->uuid);
      return FALSE;
    }
  return TRUE;
}

gboolean
mc_sqlite_ledger_append (McLedgerStore         *store,
                         McLedgerEvent * const *events,
                         guint                  n_events,
                         McLedgerAppendResult  *result,
                         GError               **error)
{
  McSqliteLedger *self = MC_SQLITE_LEDGER (store);
  McLedgerAppendResult counts = { 0, 0 };
  gboolean ok = FALSE;

  for (guint i = 0; i < n_events; i++)
    if (!mc_ledger_event_validate (events[i], error))
      return FALSE;

  g_mutex_lock (&self->write_lock);

  if (!mc_sqlite_ledger_exec (self, self->wdb, "BEGIN IMMEDIATE", error))
    goto out;

  for (guint i = 0; i < n_events; i++)
    {
      const McLedgerEvent *e = events[i];
      g_autoptr(McLedgerEvent) existing = NULL;
      g_autoptr(GError) local_error = NULL;

      existing = lookup_event_locked (self, self->wdb, self->wstmts, e->uuid, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto rollback;
        }
      if (existing != NULL)
        {
          if (!mc_ledger_event_equal (existing, e))
            {
              g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CONFLICT,
                           _("Event %s is already in the ledger with different contents. Nothing was recorded."),
                           e->uuid);
              goto rollback;
            }
          counts.n_present++;
          continue;
        }
      if (!check_references (self, e, error) || !insert_event (self, e, error))
        goto rollback;
      counts.n_added++;
    }

  if (!mc_sqlite_ledger_exec (self, self->wdb, "COMMIT", error))
    goto rollback;

  *result = counts;
  ok = TRUE;
  goto out;

rollback:
  mc_sqlite_ledger_exec (self, self->wdb, "ROLLBACK", NULL);
out:
  g_mutex_unlock (&self->write_lock);
  return ok;
}

McLedgerEvent *
mc_sqlite_ledger_lookup_event (McLedgerStore  *store,
                               const char     *uuid,
                               GError        **error)
{
  McSqliteLedger *self = MC_SQLITE_LEDGER (store);
  McLedgerEvent *event;

  g_mutex_lock (&self->read_lock);
  event = lookup_event_locked (self, self->rdb, self->rstmts, uuid, error);
  g_mutex_unlock (&self->read_lock);
  return event;
}
