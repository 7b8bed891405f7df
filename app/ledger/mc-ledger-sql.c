/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SQL the two ledger stores build alike. */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include "mc-ledger-sql.h"

void
mc_ledger_sql_append_span_filter (GString                  *sql,
                                  const McLedgerSqlDialect *dialect,
                                  const char               *table_prefix,
                                  const McLedgerWardSpan   *spans,
                                  guint                     n_spans,
                                  int                       first_param)
{
  const char *t = table_prefix, *m = dialect->param;

  if (spans == NULL)
    return;
  if (n_spans == 0)
    {
      g_string_append_printf (sql, " AND %s", dialect->none);
      return;
    }
  g_string_append (sql, " AND (");
  for (guint i = 0; i < n_spans; i++)
    {
      int p = first_param + 3 * (int) i;

      g_string_append_printf (sql, "%s(%sward_code = %s%d AND %slocal_date BETWEEN %s%d AND %s%d)",
                              i ? " OR " : "", t, m, p, t, m, p + 1, m, p + 2);
    }
  g_string_append (sql, ")");
}

/* The smallest table that has every dimension asked for: the per-day
 * counts by counter, or by procedure and portal, or the filings when a
 * breakdown needs both. */
char *
mc_ledger_sql_count (const McLedgerCountQuery *q,
                     const McLedgerSqlDialect *dialect,
                     int                       cols[5])
{
  static const struct {
    McLedgerDims dim;
    const char  *column;
  } dims[5] = {
    { MC_LEDGER_DIM_DAY, "local_date" },
    { MC_LEDGER_DIM_WARD, "ward_code" },
    { MC_LEDGER_DIM_COUNTER, "counter" },
    { MC_LEDGER_DIM_PROCEDURE, "procedure" },
    { MC_LEDGER_DIM_CHANNEL, "channel" },
  };
  McLedgerDims group_by = q->group_by;
  g_autoptr(GString) group = g_string_new (NULL);
  g_autoptr(GString) sql = g_string_new ("SELECT ");
  gboolean by_counter = group_by & MC_LEDGER_DIM_COUNTER;
  gboolean by_pc = group_by & (MC_LEDGER_DIM_PROCEDURE | MC_LEDGER_DIM_CHANNEL);
  const char *table = by_counter && by_pc ? "filings" : by_pc ? "day_procedure_channel" : "day_counter";
  const char *sum = by_counter && by_pc ? "count(*)" : "sum(n)";
  int n = 0;

  for (int d = 0; d < 5; d++)
    {
      cols[d] = -1;
      if (group_by & dims[d].dim)
        {
          g_string_append_printf (group, "%s%s", group->len ? ", " : "", dims[d].column);
          cols[d] = n++;
        }
    }

  if (group->len)
    g_string_append_printf (sql, "%s, ", group->str);
  g_string_append_printf (sql, "%s FROM %s WHERE local_date BETWEEN %s1 AND %s2", sum, table,
                          dialect->param, dialect->param);
  if (by_counter && by_pc)
    g_string_append_printf (sql, " AND %s", dialect->not_voided);
  mc_ledger_sql_append_span_filter (sql, dialect, "", q->spans, q->n_spans, 3);
  if (group->len)
    g_string_append_printf (sql, " GROUP BY %s", group->str);
  g_string_append_printf (sql, " HAVING %s > 0", sum);
  if (group->len && dialect->order)
    g_string_append_printf (sql, " ORDER BY %s", group->str);
  return g_string_free (g_steal_pointer (&sql), FALSE);
}
