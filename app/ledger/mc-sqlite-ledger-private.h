/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the files of McSqliteLedger share. Not installed, not public. */

#pragma once

#include <sqlite3.h>

#include "mc-sqlite-ledger.h"

G_BEGIN_DECLS

struct _McSqliteLedger
{
  GObject     parent_instance;

  char       *path;
  char       *backup_path;
  int         schema_version;

  /* One connection writes, one reads: WAL lets a long report run while a
   * “+1” is recorded. Each is used by one thread at a time. */
  GMutex      write_lock;
  sqlite3    *wdb;
  GHashTable *wstmts;      /* SQL text → sqlite3_stmt */
  GMutex      read_lock;
  sqlite3    *rdb;
  GHashTable *rstmts;

  /* Checkpoints copy the WAL back into the file. SQLite would run them in
   * the commit that crosses the threshold, making that filing wait for a
   * burst of writes and an fsync of the whole file; here a third
   * connection runs them on a thread of their own, beside the writer. */
  GThreadPool *checkpointer;
  sqlite3     *cdb;
  gint         checkpoint_queued;

  GPtrArray   *open_problems;
};

/* ---- Statements and errors: mc-sqlite-ledger-sql.c ----------------------- */

G_GNUC_INTERNAL
void
mc_sqlite_ledger_set_error_from_rc (McSqliteLedger  *self,
                                    GError         **error,
                                    sqlite3         *db,
                                    int              rc);

G_GNUC_INTERNAL
sqlite3_stmt *
mc_sqlite_ledger_prepare (McSqliteLedger  *self,
                          sqlite3         *db,
                          GHashTable      *cache,
                          const char      *sql,
                          GError         **error);

G_GNUC_INTERNAL
gboolean
mc_sqlite_ledger_exec (McSqliteLedger  *self,
                       sqlite3         *db,
                       const char      *sql,
                       GError         **error);

G_GNUC_INTERNAL
gboolean
mc_sqlite_ledger_query_int (McSqliteLedger  *self,
                            sqlite3         *db,
                            const char      *sql,
                            gint64          *out,
                            GError         **error);

G_GNUC_INTERNAL
void
mc_sqlite_ledger_bind_text (sqlite3_stmt *stmt,
                            int           index,
                            const char   *text);

G_GNUC_INTERNAL
void
mc_sqlite_ledger_bind_day (sqlite3_stmt *stmt,
                           int           index,
                           McDay         day,
                           const char   *open_value);

G_GNUC_INTERNAL
gboolean
mc_sqlite_ledger_step_done (McSqliteLedger  *self,
                            sqlite3         *db,
                            sqlite3_stmt    *stmt,
                            GError         **error);

G_GNUC_INTERNAL
const char *
mc_sqlite_ledger_column_text (sqlite3_stmt *stmt,
                              int           col);

G_GNUC_INTERNAL
char *
mc_sqlite_ledger_column_dup (sqlite3_stmt *stmt,
                             int           col);

/* ---- Events: mc-sqlite-ledger-events.c ---------------------------------- */

#define EVENT_COLUMNS \
  "uuid, kind, filing_uuid, corrects_uuid, at, local_date, visit_id, ward_code, counter, clerk," \
  " procedure, channel, pages, receipt, status, source, voids, reason"

G_GNUC_INTERNAL
McLedgerEvent *
mc_sqlite_ledger_event_from_row (McSqliteLedger  *self,
                                 sqlite3_stmt    *stmt,
                                 GError         **error);

G_GNUC_INTERNAL
gboolean
mc_sqlite_ledger_append (McLedgerStore         *store,
                         McLedgerEvent * const *events,
                         guint                  n_events,
                         McLedgerAppendResult  *result,
                         GError               **error);

G_GNUC_INTERNAL
McLedgerEvent *
mc_sqlite_ledger_lookup_event (McLedgerStore  *store,
                               const char     *uuid,
                               GError        **error);

/* ---- Filings and counts: mc-sqlite-ledger-query.c ------------------------ */

G_GNUC_INTERNAL
McLedgerFiling *
mc_sqlite_ledger_lookup_filing (McLedgerStore  *store,
                                const char     *filing_uuid,
                                GError        **error);

G_GNUC_INTERNAL
GPtrArray *
mc_sqlite_ledger_list_filings (McLedgerStore              *store,
                               const McLedgerFilingQuery  *query,
                               GError                    **error);

G_GNUC_INTERNAL
gboolean
mc_sqlite_ledger_count (McLedgerStore             *store,
                        const McLedgerCountQuery  *queries,
                        guint                      n_queries,
                        McLedgerCountFunc          func,
                        gpointer                   user_data,
                        GError                   **error);

/* The SQL that takes an empty file, or one of schema v − 1, to schema v;
 * index 0 is NULL. In mc-sqlite-ledger-schema.c. */
G_GNUC_INTERNAL
extern const char * const mc_sqlite_ledger_migrations[MC_SQLITE_LEDGER_SCHEMA_VERSION + 1];

G_END_DECLS
