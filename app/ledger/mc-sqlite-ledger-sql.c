/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <sqlite3.h>
#include <glib/gi18n.h>

#include "mc-sqlite-ledger-private.h"

/* ---- Errors ------------------------------------------------------------ */

void
mc_sqlite_ledger_set_error_from_rc (McSqliteLedger  *self,
                                    GError         **error,
                                    sqlite3         *db,
                                    int              rc)
{
  const char *path = self->path;
  const char *detail = db ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUSY,
                   _("The ledger %s is in use by another program and did not become free in time. Nothing was changed; try again."),
                   path);
      break;
    case SQLITE_NOTADB:
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_NOT_LEDGER,
                   _("%s is not a ledger: it is not an SQLite database. It has not been changed."),
                   path);
      break;
    case SQLITE_CORRUPT:
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CORRUPT,
                   _("The ledger %s is damaged (%s). It has not been changed; keep a copy and restore the last bundle exported from it."),
                   path, detail);
      break;
    case SQLITE_FULL:
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_FULL,
                   _("The disk holding the ledger %s is full. Nothing was recorded; free some space and try again."),
                   path);
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_READ_ONLY,
                   _("The ledger %s cannot be written (%s). Nothing was recorded."),
                   path, detail);
      break;
    case SQLITE_CANTOPEN:
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_FAILED,
                   _("The ledger %s cannot be opened (%s)."),
                   path, detail);
      break;
    case SQLITE_CONSTRAINT:
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                   _("The ledger %s refused an event: %s. Nothing was recorded."),
                   path, detail);
      break;
    default:
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_FAILED,
                   _("The ledger %s could not be used: %s"),
                   path, detail);
      break;
    }
}

/* ---- Statements -------------------------------------------------------- */

sqlite3_stmt *
mc_sqlite_ledger_prepare (McSqliteLedger  *self,
                          sqlite3         *db,
                          GHashTable      *cache,
                          const char      *sql,
                          GError         **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (cache, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      mc_sqlite_ledger_set_error_from_rc (self, error, db, rc);
      return NULL;
    }
  g_hash_table_insert (cache, g_strdup (sql), stmt);
  return stmt;
}

gboolean
mc_sqlite_ledger_exec (McSqliteLedger  *self,
                       sqlite3         *db,
                       const char      *sql,
                       GError         **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      mc_sqlite_ledger_set_error_from_rc (self, error, db, rc);
      return FALSE;
    }
  return TRUE;
}

gboolean
mc_sqlite_ledger_query_int (McSqliteLedger  *self,
                            sqlite3         *db,
                            const char      *sql,
                            gint64          *out,
                            GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *out = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        {
          *out = 0;
          rc = SQLITE_OK;
        }
    }
  if (rc != SQLITE_OK)
    mc_sqlite_ledger_set_error_from_rc (self, error, db, rc);
  sqlite3_finalize (stmt);
  return rc == SQLITE_OK;
}

void
mc_sqlite_ledger_bind_text (sqlite3_stmt *stmt,
                            int           index,
                            const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

void
mc_sqlite_ledger_bind_day (sqlite3_stmt *stmt,
                           int           index,
                           McDay         day,
                           const char   *open_value)
{
  g_autofree char *text = mc_day_format (day);

  sqlite3_bind_text (stmt, index, text ? text : open_value, -1, SQLITE_TRANSIENT);
}

gboolean
mc_sqlite_ledger_step_done (McSqliteLedger  *self,
                            sqlite3         *db,
                            sqlite3_stmt    *stmt,
                            GError         **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      mc_sqlite_ledger_set_error_from_rc (self, error, db, rc);
      return FALSE;
    }
  return TRUE;
}

const char *
mc_sqlite_ledger_column_text (sqlite3_stmt *stmt,
                              int           col)
{
  return (const char *) sqlite3_column_text (stmt, col);
}

char *
mc_sqlite_ledger_column_dup (sqlite3_stmt *stmt,
                             int           col)
{
  return g_strdup (mc_sqlite_ledger_column_text (stmt, col));
}
