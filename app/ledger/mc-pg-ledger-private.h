/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the files of McPgLedger share. Not installed, not public. */

#pragma once

#include <libpq-fe.h>

#include "mc-pg-ledger.h"

G_BEGIN_DECLS

struct _McPgLedger
{
  GObject  parent_instance;

  char    *conninfo;
  char    *server_id;
  /* One connection, one caller at a time. */
  GMutex   lock;
  PGconn  *conn;

  /* The watchdog: a call that waits on the server longer than stall_ms
   * (0: never) has its socket shut down, so it fails instead of hanging
   * on a server or a network that accepts and never answers. */
  guint    stall_ms;
  GMutex   wd_lock;
  GCond    wd_cond;
  GThread *wd_thread;
  int      wd_fd;
  gint64   wd_deadline;    /* 0: not armed */
  gboolean wd_fired;
  gboolean wd_quit;
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

#define EVENT_COLUMNS \
  "uuid, kind, filing_uuid, corrects_uuid, at_us, local_date, visit_id, ward_code, counter, clerk," \
  " procedure, channel, pages, receipt, status, source, voids, reason"

/* ---- Connection, queries, errors: mc-pg-ledger.c -------------------------- */

/* The server's host name, for messages. */
G_GNUC_INTERNAL
const char    *mc_pg_where                       (PGconn              *conn);
G_GNUC_INTERNAL
void           mc_pg_set_result_error            (McPgLedger          *self,
                                                  PGresult            *res,
                                                  GError             **error);
/* Called with the lock held: a broken connection is made again. */
G_GNUC_INTERNAL
gboolean       mc_pg_ensure_connected            (McPgLedger          *self,
                                                  GError             **error);
G_GNUC_INTERNAL
PGresult      *mc_pg_query                       (McPgLedger          *self,
                                                  const char          *sql,
                                                  GPtrArray           *params,
                                                  GError             **error);
G_GNUC_INTERNAL
gboolean       mc_pg_exec                        (McPgLedger          *self,
                                                  const char          *sql,
                                                  GError             **error);
G_GNUC_INTERNAL
gboolean       mc_pg_query_int                   (McPgLedger          *self,
                                                  const char          *sql,
                                                  gint64              *out,
                                                  GError             **error);
G_GNUC_INTERNAL
void           mc_pg_rollback                    (McPgLedger          *self);
/* Around a call that waits on the server: disarm says whether the
 * watchdog fired (the connection is then dead). */
G_GNUC_INTERNAL
void           mc_pg_arm                         (McPgLedger          *self);
G_GNUC_INTERNAL
gboolean       mc_pg_disarm                      (McPgLedger          *self);
G_GNUC_INTERNAL
void           mc_pg_set_stall_error             (McPgLedger          *self,
                                                  GError             **error);
/* A column's text, NULL for SQL NULL. */
G_GNUC_INTERNAL
const char    *mc_pg_value                       (PGresult            *res,
                                                  int                  row,
                                                  int                  col);
G_GNUC_INTERNAL
char          *mc_pg_value_dup                   (PGresult            *res,
                                                  int                  row,
                                                  int                  col);
/* A row of EVENT_COLUMNS. */
G_GNUC_INTERNAL
McLedgerEvent *mc_pg_event_from_row              (McPgLedger          *self,
                                                  PGresult            *res,
                                                  int                  row,
                                                  GError             **error);

/* ---- Schema: mc-pg-ledger-schema.c ---------------------------------------- */

G_GNUC_INTERNAL
gboolean       mc_pg_read_version                (McPgLedger          *self,
                                                  int                 *version,
                                                  GError             **error);
G_GNUC_INTERNAL
gboolean       mc_pg_read_needs                  (McPgLedger          *self,
                                                  int                 *needs,
                                                  GError             **error);
G_GNUC_INTERNAL
McLedgerCheck *mc_pg_ledger_store_check          (McLedgerStore       *store,
                                                  GError             **error);

/* ---- Appending: mc-pg-ledger-push.c --------------------------------------- */

G_GNUC_INTERNAL
gboolean       mc_pg_ledger_store_append         (McLedgerStore         *store,
                                                  McLedgerEvent * const *events,
                                                  guint                  n_events,
                                                  McLedgerAppendResult  *result,
                                                  GError               **error);
G_GNUC_INTERNAL
McLedgerEvent *mc_pg_ledger_store_lookup_event   (McLedgerStore       *store,
                                                  const char          *uuid,
                                                  GError             **error);

/* ---- Reading: mc-pg-ledger-query.c ---------------------------------------- */

G_GNUC_INTERNAL
McLedgerFiling *mc_pg_ledger_store_lookup_filing (McLedgerStore             *store,
                                                  const char                *filing_uuid,
                                                  GError                   **error);
G_GNUC_INTERNAL
GPtrArray     *mc_pg_ledger_store_list_filings   (McLedgerStore             *store,
                                                  const McLedgerFilingQuery *q,
                                                  GError                   **error);
G_GNUC_INTERNAL
gboolean       mc_pg_ledger_store_count          (McLedgerStore             *store,
                                                  const McLedgerCountQuery  *queries,
                                                  guint                      n_queries,
                                                  McLedgerCountFunc          func,
                                                  gpointer                   user_data,
                                                  GError                   **error);
G_GNUC_INTERNAL
gboolean       mc_pg_ledger_store_foreach_event  (McLedgerStore             *store,
                                                  McLedgerEventFunc          func,
                                                  gpointer                   user_data,
                                                  GError                   **error);
G_GNUC_INTERNAL
guint64        mc_pg_ledger_store_change_stamp   (McLedgerStore             *store);

G_END_DECLS
