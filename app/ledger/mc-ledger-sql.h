/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SQL the two ledger stores (SQLite, PostgreSQL) build alike: which
 * table a count reads and how it groups, and the filter by ward spans.
 * Not installed, not public. */

#pragma once

#include <glib.h>

#include "mc-ledger-store.h"

G_BEGIN_DECLS

/* Where the two dialects differ. */
typedef struct {
  const char *param;        /* a parameter's mark before its number: "$" or "?" */
  const char *none;         /* a condition no row meets: "false" or "0" */
  const char *not_voided;   /* "NOT voided" or "voided = 0" */
  gboolean    order;        /* ORDER BY the grouping (SQLite's GROUP BY already sorts) */
} McLedgerSqlDialect;

/* " AND (…)": the records of @table_prefix ("f." or "") within the spans,
 * three parameters per span from @first_param on (ward code, first day,
 * last day); nothing when @spans is NULL. */
G_GNUC_INTERNAL
void   mc_ledger_sql_append_span_filter (GString                  *sql,
                                         const McLedgerSqlDialect *dialect,
                                         const char               *table_prefix,
                                         const McLedgerWardSpan   *spans,
                                         guint                     n_spans,
                                         int                       first_param);

/* A count query: parameter 1 and 2 the first and last day, the spans'
 * from 3 on. @cols gets the result column of each dimension (day, ward,
 * counter, procedure, channel; -1 if not grouped); the count comes after
 * them. */
G_GNUC_INTERNAL
char  *mc_ledger_sql_count              (const McLedgerCountQuery *q,
                                         const McLedgerSqlDialect *dialect,
                                         int                       cols[5]);

G_END_DECLS
