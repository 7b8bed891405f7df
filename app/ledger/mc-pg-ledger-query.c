/* SPDX-License-Identifier: GPL-3.0-or-later */
/* McPgLedger: what reports read: filings, counts, every event. */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <string.h>
#include <libpq-fe.h>
#include <glib/gi18n.h>

#include "mc-ledger-sql.h"
#include "mc-pg-ledger-private.h"

/* ---- Filings ----------------------------------------------------------- */

#define FILING_SELECT \
  "SELECT fe.uuid, he.uuid, fe.at_us, f.local_date, f.ward_code, f.counter, he.clerk, f.procedure," \
  "       f.channel, he.pages, he.receipt, f.status, fe.source, f.voided," \
  "       (SELECT count(*) FROM events c WHERE c.filing_uuid = fe.uuid AND c.kind = 'correction')" \
  "  FROM filings f JOIN events fe ON fe.seq = f.seq JOIN events he ON he.seq = f.head_seq"

static McLedgerFiling *
filing_from_row (McPgLedger  *self,
                 PGresult    *res,
                 int          row,
                 GError     **error)
{
  g_autoptr(McLedgerFiling) filing = g_new0 (McLedgerFiling, 1);
  gboolean ok = TRUE;

  filing->uuid = mc_pg_value_dup (res, row, 0);
  filing->head_uuid = mc_pg_value_dup (res, row, 1);
  filing->at_us = g_ascii_strtoll (mc_pg_value (res, row, 2), NULL, 10);
  ok &= mc_day_parse (mc_pg_value (res, row, 3), &filing->local_day);
  filing->ward_code = mc_pg_value_dup (res, row, 4);
  filing->counter = mc_pg_value_dup (res, row, 5);
  filing->clerk = mc_pg_value_dup (res, row, 6);
  filing->procedure = mc_pg_value_dup (res, row, 7);
  ok &= mc_channel_from_string (mc_pg_value (res, row, 8), &filing->channel);
  filing->pages = mc_pg_value (res, row, 9) ? atoi (mc_pg_value (res, row, 9)) : 0;
  filing->receipt = mc_pg_value_dup (res, row, 10);
  ok &= mc_filing_status_from_string (mc_pg_value (res, row, 11), &filing->status);
  ok &= mc_source_from_string (mc_pg_value (res, row, 12), &filing->source);
  filing->voided = g_strcmp0 (mc_pg_value (res, row, 13), "t") == 0;
  filing->n_corrections = atoi (mc_pg_value (res, row, 14));

  if (!ok)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CORRUPT,
                   _("The ledger server %s holds a filing that cannot be read (%s)."),
                   mc_pg_where (self->conn), filing->uuid ? filing->uuid : "?");
      return NULL;
    }
  return g_steal_pointer (&filing);
}

McLedgerFiling *
mc_pg_ledger_store_lookup_filing (McLedgerStore  *store,
                                  const char     *filing_uuid,
                                  GError        **error)
{
  McPgLedger *self = MC_PG_LEDGER (store);
  g_autoptr(GPtrArray) params = g_ptr_array_new ();
  g_autoptr(PGresult) res = NULL;
  McLedgerFiling *filing = NULL;

  g_ptr_array_add (params, (gpointer) filing_uuid);
  g_mutex_lock (&self->lock);
  if (mc_pg_ensure_connected (self, error))
    res = mc_pg_query (self, FILING_SELECT " WHERE fe.uuid = $1", params, error);
  if (res != NULL && PQntuples (res) > 0)
    filing = filing_from_row (self, res, 0, error);
  g_mutex_unlock (&self->lock);
  return filing;
}

static void
add_day (GPtrArray  *params,
         McDay       day,
         const char *open_value)
{
  char *text = mc_day_format (day);

  g_ptr_array_add (params, text ? text : g_strdup (open_value));
}

static const McLedgerSqlDialect dialect = { "$", "false", "NOT voided", TRUE };

/* The spans' parameters, three each, after those already there. */
static void
add_span_params (GPtrArray              *params,
                 const McLedgerWardSpan *spans,
                 guint                   n_spans)
{
  for (guint i = 0; spans != NULL && i < n_spans; i++)
    {
      g_ptr_array_add (params, g_strdup (spans[i].ward_code));
      add_day (params, spans[i].from, "-infinity");
      add_day (params, spans[i].to, "infinity");
    }
}

GPtrArray *
mc_pg_ledger_store_list_filings (McLedgerStore              *store,
                                 const McLedgerFilingQuery  *q,
                                 GError                    **error)
{
  McPgLedger *self = MC_PG_LEDGER (store);
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_ledger_filing_free);
  g_autoptr(GString) sql = g_string_new (FILING_SELECT " WHERE f.local_date BETWEEN $1 AND $2");
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(PGresult) res = NULL;
  gboolean ok = TRUE;

  add_day (params, q->from, "-infinity");
  add_day (params, q->to, "infinity");
  g_ptr_array_add (params, q->limit ? g_strdup_printf ("%u", q->limit) : NULL);
  if (!q->include_voided)
    g_string_append (sql, " AND NOT f.voided");
  mc_ledger_sql_append_span_filter (sql, &dialect, "f.", q->spans, q->n_spans, (int) params->len + 1);
  add_span_params (params, q->spans, q->n_spans);
  g_string_append (sql, " ORDER BY f.local_date DESC, fe.at_us DESC, fe.uuid DESC LIMIT $3");

  g_mutex_lock (&self->lock);
  ok = mc_pg_ensure_connected (self, error) && (res = mc_pg_query (self, sql->str, params, error)) != NULL;
  for (int i = 0; ok && i < PQntuples (res); i++)
    {
      McLedgerFiling *filing = filing_from_row (self, res, i, error);

      if (filing == NULL)
        ok = FALSE;
      else
        g_ptr_array_add (result, filing);
    }
  g_mutex_unlock (&self->lock);
  return ok ? g_steal_pointer (&result) : NULL;
}

/* ---- Counts ------------------------------------------------------------ */

static gboolean
run_count (McPgLedger                *self,
           const McLedgerCountQuery  *q,
           guint                      index,
           McLedgerCountFunc          func,
           gpointer                   user_data,
           GError                   **error)
{
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  int cols[5];
  g_autofree char *sql = mc_ledger_sql_count (q, &dialect, cols);
  g_autoptr(PGresult) res = NULL;
  int n_cols = 0;

  add_day (params, q->from, "-infinity");
  add_day (params, q->to, "infinity");
  add_span_params (params, q->spans, q->n_spans);
  if (!(res = mc_pg_query (self, sql, params, error)))
    return FALSE;
  for (int d = 0; d < 5; d++)
    if (cols[d] >= 0)
      n_cols++;

  for (int i = 0; i < PQntuples (res); i++)
    {
      McLedgerCount row = { MC_DAY_OPEN, NULL, NULL, NULL, MC_N_CHANNELS, 0 };

      if ((cols[0] >= 0 && !mc_day_parse (mc_pg_value (res, i, cols[0]), &row.day)) ||
          (cols[4] >= 0 && !mc_channel_from_string (mc_pg_value (res, i, cols[4]), &row.channel)))
        {
          g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CORRUPT,
                       _("The ledger server %s holds a count that cannot be read."), mc_pg_where (self->conn));
          return FALSE;
        }
      if (cols[1] >= 0)
        row.ward_code = mc_pg_value (res, i, cols[1]);
      if (cols[2] >= 0)
        row.counter = mc_pg_value (res, i, cols[2]);
      if (cols[3] >= 0)
        row.procedure = mc_pg_value (res, i, cols[3]);
      row.count = g_ascii_strtoull (mc_pg_value (res, i, n_cols), NULL, 10);
      func (&row, index, user_data);
    }
  return TRUE;
}

gboolean
mc_pg_ledger_store_count (McLedgerStore             *store,
                          const McLedgerCountQuery  *queries,
                          guint                      n_queries,
                          McLedgerCountFunc          func,
                          gpointer                   user_data,
                          GError                   **error)
{
  McPgLedger *self = MC_PG_LEDGER (store);
  gboolean ok;

  g_mutex_lock (&self->lock);
  /* One snapshot for every query, so breakdowns agree. */
  ok = mc_pg_ensure_connected (self, error) &&
       mc_pg_exec (self, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error);
  for (guint i = 0; ok && i < n_queries; i++)
    ok = run_count (self, &queries[i], i, func, user_data, error);
  if (ok)
    ok = mc_pg_exec (self, "COMMIT", error);
  else
    mc_pg_rollback (self);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* ---- Export ------------------------------------------------------------ */

gboolean
mc_pg_ledger_store_foreach_event (McLedgerStore      *store,
                                  McLedgerEventFunc   func,
                                  gpointer            user_data,
                                  GError            **error)
{
  McPgLedger *self = MC_PG_LEDGER (store);
  gboolean ok;
  PGresult *res;

  g_mutex_lock (&self->lock);
  ok = mc_pg_ensure_connected (self, error) &&
       PQsendQueryParams (self->conn, "SELECT " EVENT_COLUMNS " FROM events ORDER BY seq",
                          0, NULL, NULL, NULL, NULL, 0) &&
       PQsetSingleRowMode (self->conn);
  if (!ok && self->conn != NULL && (error == NULL || *error == NULL))
    mc_pg_set_result_error (self, NULL, error);
  /* Row by row: a city's ledger is not held in memory at once. Every
   * result is read, even after a stop, so the connection stays usable. */
  while (self->conn != NULL && (res = PQgetResult (self->conn)) != NULL)
    {
      ExecStatusType st = PQresultStatus (res);

      if (ok && st == PGRES_SINGLE_TUPLE)
        {
          g_autoptr(McLedgerEvent) event = mc_pg_event_from_row (self, res, 0, error);

          if (event == NULL || !func (event, user_data, error))
            ok = FALSE;
        }
      else if (ok && st != PGRES_TUPLES_OK)
        {
          mc_pg_set_result_error (self, res, error);
          ok = FALSE;
        }
      PQclear (res);
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

guint64
mc_pg_ledger_store_change_stamp (McLedgerStore *store)
{
  McPgLedger *self = MC_PG_LEDGER (store);
  gint64 stamp = 0;

  /* Events only grow: the newest seq changes with every commit that
   * matters to a report. */
  g_mutex_lock (&self->lock);
  if (mc_pg_ensure_connected (self, NULL))
    mc_pg_query_int (self, "SELECT coalesce (max (seq), 0) FROM events", &stamp, NULL);
  g_mutex_unlock (&self->lock);
  return (guint64) stamp;
}
