/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <sqlite3.h>

#include "mc-sqlite-ledger-private.h"

/* ---- Replication -------------------------------------------------------- */

GPtrArray *
mc_sqlite_ledger_read_after (McSqliteLedger  *self,
                             gint64           after_seq,
                             guint            limit,
                             gint64          *last_seq,
                             GError         **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_ledger_event_free);
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (MC_IS_SQLITE_LEDGER (self), NULL);

  *last_seq = after_seq;
  g_mutex_lock (&self->read_lock);
  stmt = mc_sqlite_ledger_prepare (self, self->rdb, self->rstmts,
                                   "SELECT " EVENT_COLUMNS ", seq FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2", error);
  if (stmt == NULL)
    ok = FALSE;
  else
    {
      sqlite3_bind_int64 (stmt, 1, after_seq);
      sqlite3_bind_int64 (stmt, 2, limit);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          McLedgerEvent *event = mc_sqlite_ledger_event_from_row (self, stmt, error);

          if (event == NULL)
            {
              ok = FALSE;
              break;
            }
          g_ptr_array_add (events, event);
          *last_seq = sqlite3_column_int64 (stmt, 18);
        }
      if (ok && rc != SQLITE_DONE)
        {
          mc_sqlite_ledger_set_error_from_rc (self, error, self->rdb, rc);
          ok = FALSE;
        }
      sqlite3_reset (stmt);
    }
  g_mutex_unlock (&self->read_lock);
  return ok ? g_steal_pointer (&events) : NULL;
}

gboolean
mc_sqlite_ledger_get_push_mark (McSqliteLedger  *self,
                                const char      *server_id,
                                gint64          *pushed_seq,
                                guint64         *n_waiting,
                                GError         **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (MC_IS_SQLITE_LEDGER (self), FALSE);

  /* Without a server (never reached yet): the one pushed to last. */
  g_mutex_lock (&self->read_lock);
  stmt = mc_sqlite_ledger_prepare (self, self->rdb, self->rstmts,
                                   "WITH m AS (SELECT coalesce ((SELECT seq FROM pushed WHERE ?1 IS NULL OR server_id = ?1"
                                   "                             ORDER BY at DESC LIMIT 1), 0) AS mark)"
                                   " SELECT m.mark, (SELECT count(*) FROM events WHERE seq > m.mark) FROM m", error);
  if (stmt != NULL)
    {
      mc_sqlite_ledger_bind_text (stmt, 1, server_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          if (pushed_seq != NULL)
            *pushed_seq = sqlite3_column_int64 (stmt, 0);
          if (n_waiting != NULL)
            *n_waiting = (guint64) sqlite3_column_int64 (stmt, 1);
          ok = TRUE;
        }
      else
        mc_sqlite_ledger_set_error_from_rc (self, error, self->rdb, rc);
      sqlite3_reset (stmt);
    }
  g_mutex_unlock (&self->read_lock);
  return ok;
}

gboolean
mc_sqlite_ledger_set_push_mark (McSqliteLedger  *self,
                                const char      *server_id,
                                gint64           pushed_seq,
                                GError         **error)
{
  g_autofree char *now = mc_ledger_format_time (mc_ledger_now_us ());
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  g_return_val_if_fail (MC_IS_SQLITE_LEDGER (self), FALSE);
  g_return_val_if_fail (server_id != NULL, FALSE);

  g_mutex_lock (&self->write_lock);
  stmt = mc_sqlite_ledger_prepare (self, self->wdb, self->wstmts,
                                   "INSERT INTO pushed (server_id, seq, at) VALUES (?1, ?2, ?3)"
                                   " ON CONFLICT (server_id) DO UPDATE SET seq = max (seq, excluded.seq), at = excluded.at",
                                   error);
  if (stmt != NULL)
    {
      mc_sqlite_ledger_bind_text (stmt, 1, server_id);
      sqlite3_bind_int64 (stmt, 2, pushed_seq);
      mc_sqlite_ledger_bind_text (stmt, 3, now);
      ok = mc_sqlite_ledger_step_done (self, self->wdb, stmt, error);
    }
  g_mutex_unlock (&self->write_lock);
  return ok;
}
