/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-sqlite-ledger.h"

G_BEGIN_DECLS

/* Replication of a counter's ledger to the ward's or the city's server,
 * offline first. The counter keeps writing its SQLite ledger; this pushes
 * the events the server has not confirmed, in order and in batches, each
 * batch one transaction on the server, idempotent by UUID. The SQLite
 * ledger records, per server, the last event confirmed: a push cut off
 * anywhere (network, server killed, program closed) is simply repeated,
 * and what the server already holds is counted as present, not twice.
 *
 * Pushes run on worker threads (GTask), never on the main thread. Once
 * started, it pushes at once, then every interval; after a failure it
 * waits, doubling the wait up to a limit, and tries again. Its status
 * (properties, notified on the main context it was made in): the last
 * successful push, the events waiting, the last error in plain words.
 *
 * In the program, McLedgerLink (owned by the services) makes one for the
 * counter's ledger and calls mc_ledger_sync_poke() after each write. */

#define MC_TYPE_LEDGER_SYNC (mc_ledger_sync_get_type ())
G_DECLARE_FINAL_TYPE (McLedgerSync, mc_ledger_sync, MC, LEDGER_SYNC, GObject)

typedef struct {
  guint64 n_sent;      /* events sent */
  guint64 n_added;     /* of those, new on the server */
  guint64 n_present;   /* of those, already there (a repeated push) */
  guint   n_batches;
  guint64 n_waiting;   /* events still to push afterwards */
} McLedgerSyncResult;

McLedgerSync *mc_ledger_sync_new             (McSqliteLedger       *local,
                                              const char           *conninfo);
/* Events per batch (default 500). */
void          mc_ledger_sync_set_batch_size  (McLedgerSync         *self,
                                              guint                 n_events);
/* Background timing in milliseconds: between pushes when all went well,
 * and the first and the longest wait after failures. */
void          mc_ledger_sync_set_timing      (McLedgerSync         *self,
                                              guint                 interval_ms,
                                              guint                 retry_min_ms,
                                              guint                 retry_max_ms);

/* A push that waits on the server this long (default two minutes) is cut
 * off with a plain error; nothing is lost, the next push sends it. */
void          mc_ledger_sync_set_stall_timeout (McLedgerSync       *self,
                                                guint               ms);

/* One push of everything waiting, blocking: for the tool and for
 * threads. Stops between batches when @cancellable is cancelled. What a
 * failed push sent before its last confirmed batch stays pushed. */
gboolean      mc_ledger_sync_push            (McLedgerSync         *self,
                                              GCancellable         *cancellable,
                                              McLedgerSyncResult   *result,
                                              GError              **error);
void          mc_ledger_sync_push_async      (McLedgerSync         *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean      mc_ledger_sync_push_finish     (McLedgerSync         *self,
                                              GAsyncResult         *result,
                                              McLedgerSyncResult   *out,
                                              GError              **error);

/* The background pushes, on the thread-default main context. */
void          mc_ledger_sync_start           (McLedgerSync         *self);
void          mc_ledger_sync_stop            (McLedgerSync         *self);
/* Push soon (a filing was just recorded); also cuts a back-off short. */
void          mc_ledger_sync_poke            (McLedgerSync         *self);

/* Status. 0 when no push has succeeded yet. */
gint64        mc_ledger_sync_get_last_push_us (McLedgerSync        *self);
guint64       mc_ledger_sync_get_n_waiting    (McLedgerSync        *self);
/* NULL when the last attempt succeeded. */
const char   *mc_ledger_sync_get_last_error   (McLedgerSync        *self);
gboolean      mc_ledger_sync_get_busy         (McLedgerSync        *self);

G_END_DECLS
