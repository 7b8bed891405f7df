/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <string.h>
#include <sqlite3.h>
#include <glib/gi18n.h>

#include "mc-ledger-sql.h"
#include "mc-sqlite-ledger-private.h"

/* ---- Filings ----------------------------------------------------------- */

#define FILING_SELECT \
  "SELECT fe.uuid, he.uuid, fe.at, f.local_date, f.ward_code, f.counter, he.clerk, f.procedure," \
  "       f.channel, he.pages, he.receipt, f.status, fe.source, f.voided," \
  "       (SELECT count(*) FROM events c WHERE c.filing_uuid = fe.uuid AND c.kind = 'correction')" \
  "  FROM filings f JOIN events fe ON fe.seq = f.seq JOIN events he ON he.seq = f.head_seq"

static McLedgerFiling *
filing_from_row (McSqliteLedger  *self,
                 sqlite3_stmt    *stmt,
                 GError         **error)
{
  g_autoptr(McLedgerFiling) filing = g_new0 (McLedgerFiling, 1);
  gboolean ok = TRUE;

  filing->uuid = mc_sqlite_ledger_column_dup (stmt, 0);
  filing->head_uuid = mc_sqlite_ledger_column_dup (stmt, 1);
  ok &= mc_ledger_parse_time (mc_sqlite_ledger_column_text (stmt, 2), &filing->at_us);
  ok &= mc_day_parse (mc_sqlite_ledger_column_text (stmt, 3), &filing->local_day);
  filing->ward_code = mc_sqlite_ledger_column_dup (stmt, 4);
  filing->counter = mc_sqlite_ledger_column_dup (stmt, 5);
  filing->clerk = mc_sqlite_ledger_column_dup (stmt, 6);
  filing->procedure = mc_sqlite_ledger_column_dup (stmt, 7);
  ok &= mc_channel_from_string (mc_sqlite_ledger_column_text (stmt, 8), &filing->channel);
  filing->pages = sqlite3_column_int (stmt, 9);
  filing->receipt = mc_sqlite_ledger_column_dup (stmt, 10);
  ok &= mc_filing_status_from_string (mc_sqlite_ledger_column_text (stmt, 11), &filing->status);
  ok &= mc_source_from_string (mc_sqlite_ledger_column_text (stmt, 12), &filing->source);
  filing->voided = sqlite3_column_int (stmt, 13) != 0;
  filing->n_corrections = sqlite3_column_int (stmt, 14);

  if (!ok)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CORRUPT,
                   _("The ledger %s holds a filing that cannot be read (%s)."),
                   self->path, filing->uuid ? filing->uuid : "?");
      return NULL;
    }
  return g_steal_pointer (&filing);
}

McLedgerFiling *
mc_sqlite_ledger_lookup_filing (McLedgerStore  *store,
                                const char     *filing_uuid,
                                GError        **error)
{
  McSqliteLedger *self = MC_SQLITE_LEDGER (store);
  McLedgerFiling *filing = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_mutex_lock (&self->read_lock);
  stmt = mc_sqlite_ledger_prepare (self, self->rdb, self->rstmts, FILING_SELECT " WHERE fe.uuid = ?1", error);
  if (stmt != NULL)
    {
      mc_sqlite_ledger_bind_text (stmt, 1, filing_uuid);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        filing = filing_from_row (self, stmt, error);
      else if (rc != SQLITE_DONE)
        mc_sqlite_ledger_set_error_from_rc (self, error, self->rdb, rc);
      sqlite3_reset (stmt);
    }
  g_mutex_unlock (&self->read_lock);
  return filing;
}

static const McLedgerSqlDialect dialect = { "?", "0", "voided = 0", FALSE };

static void
bind_spans (sqlite3_stmt           *stmt,
            const McLedgerWardSpan *spans,
            guint                   n_spans,
            int                     first_param)
{
  for (guint i = 0; spans != NULL && i < n_spans; i++)
    {
      int p = first_param + 3 * (int) i;

      mc_sqlite_ledger_bind_text (stmt, p, spans[i].ward_code);
      mc_sqlite_ledger_bind_day (stmt, p + 1, spans[i].from, "0000-00-00");
      mc_sqlite_ledger_bind_day (stmt, p + 2, spans[i].to, "9999-99-99");
    }
}

GPtrArray *
mc_sqlite_ledger_list_filings (McLedgerStore              *store,
                               const McLedgerFilingQuery  *query,
                               GError                    **error)
{
  McSqliteLedger *self = MC_SQLITE_LEDGER (store);
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_ledger_filing_free);
  g_autoptr(GString) sql = g_string_new (FILING_SELECT " WHERE f.local_date BETWEEN ?1 AND ?2");
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;
  int rc;

  if (!query->include_voided)
    g_string_append (sql, " AND f.voided = 0");
  mc_ledger_sql_append_span_filter (sql, &dialect, "f.", query->spans, query->n_spans, 4);
  g_string_append (sql, " ORDER BY f.local_date DESC, fe.at DESC, fe.uuid DESC LIMIT ?3");

  g_mutex_lock (&self->read_lock);
  stmt = mc_sqlite_ledger_prepare (self, self->rdb, self->rstmts, sql->str, error);
  if (stmt == NULL)
    ok = FALSE;
  else
    {
      mc_sqlite_ledger_bind_day (stmt, 1, query->from, "0000-00-00");
      mc_sqlite_ledger_bind_day (stmt, 2, query->to, "9999-99-99");
      sqlite3_bind_int64 (stmt, 3, query->limit ? (gint64) query->limit : -1);
      bind_spans (stmt, query->spans, query->n_spans, 4);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          McLedgerFiling *filing = filing_from_row (self, stmt, error);

          if (filing == NULL)
            {
              ok = FALSE;
              break;
            }
          g_ptr_array_add (result, filing);
        }
      if (ok && rc != SQLITE_DONE)
        {
          mc_sqlite_ledger_set_error_from_rc (self, error, self->rdb, rc);
          ok = FALSE;
        }
      sqlite3_reset (stmt);
    }
  g_mutex_unlock (&self->read_lock);

  return ok ? g_steal_pointer (&result) : NULL;
}

/* ---- Counts ------------------------------------------------------------ */

static gboolean
run_count (McSqliteLedger            *self,
           const McLedgerCountQuery  *q,
           guint                      index,
           McLedgerCountFunc          func,
           gpointer                   user_data,
           GError                   **error)
{
  int cols[5];
  g_autofree char *sql = mc_ledger_sql_count (q, &dialect, cols);
  sqlite3_stmt *stmt = mc_sqlite_ledger_prepare (self, self->rdb, self->rstmts, sql, error);
  char last_day_text[11] = "";
  McDay last_day = MC_DAY_OPEN;
  int n_cols = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  for (int d = 0; d < 5; d++)
    if (cols[d] >= 0)
      n_cols++;

  mc_sqlite_ledger_bind_day (stmt, 1, q->from, "0000-00-00");
  mc_sqlite_ledger_bind_day (stmt, 2, q->to, "9999-99-99");
  bind_spans (stmt, q->spans, q->n_spans, 3);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      McLedgerCount row = { MC_DAY_OPEN, NULL, NULL, NULL, MC_N_CHANNELS, 0 };

      if (cols[0] >= 0)
        {
          const char *text = mc_sqlite_ledger_column_text (stmt, cols[0]);

          /* Rows come grouped by day: parse each day once. */
          if (text == NULL || strcmp (text, last_day_text) != 0)
            {
              if (!mc_day_parse (text, &last_day))
                {
                  g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CORRUPT,
                               _("The ledger %s holds a day that cannot be read (%s)."),
                               self->path, text ? text : "NULL");
                  sqlite3_reset (stmt);
                  return FALSE;
                }
              g_strlcpy (last_day_text, text, sizeof last_day_text);
            }
          row.day = last_day;
        }
      if (cols[1] >= 0)
        row.ward_code = mc_sqlite_ledger_column_text (stmt, cols[1]);
      if (cols[2] >= 0)
        row.counter = mc_sqlite_ledger_column_text (stmt, cols[2]);
      if (cols[3] >= 0)
        row.procedure = mc_sqlite_ledger_column_text (stmt, cols[3]);
      if (cols[4] >= 0 && !mc_channel_from_string (mc_sqlite_ledger_column_text (stmt, cols[4]), &row.channel))
        {
          g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CORRUPT,
                       _("The ledger %s holds a portal that cannot be read."), self->path);
          sqlite3_reset (stmt);
          return FALSE;
        }
      row.count = (guint64) sqlite3_column_int64 (stmt, n_cols);
      func (&row, index, user_data);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      mc_sqlite_ledger_set_error_from_rc (self, error, self->rdb, rc);
      return FALSE;
    }
  return TRUE;
}

gboolean
mc_sqlite_ledger_count (McLedgerStore             *store,
                        const McLedgerCountQuery  *queries,
                        guint                      n_queries,
                        McLedgerCountFunc          func,
                        gpointer                   user_data,
                        GError                   **error)
{
  McSqliteLedger *self = MC_SQLITE_LEDGER (store);
  gboolean ok;

  g_mutex_lock (&self->read_lock);
  /* One read transaction: one snapshot for every query. */
  ok = mc_sqlite_ledger_exec (self, self->rdb, "BEGIN", error);
  for (guint i = 0; ok && i < n_queries; i++)
    ok = run_count (self, &queries[i], i, func, user_data, error);
  mc_sqlite_ledger_exec (self, self->rdb, ok ? "COMMIT" : "ROLLBACK", NULL);
  g_mutex_unlock (&self->read_lock);
  return ok;
}
