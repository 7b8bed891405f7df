/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-ledger-store.h"

G_BEGIN_DECLS

/* The ledger of one counter (or of a supervisor who imports the counters'
 * bundles): an SQLite file in WAL mode with synchronous=FULL, so an
 * acknowledged filing survives a power cut; foreign keys on; a busy
 * timeout so the program and motcua-tool can write at the same time.
 * Schema changes are migrations numbered by PRAGMA user_version; before
 * migrating a ledger that has events, a copy is written beside it. */

#define MC_TYPE_SQLITE_LEDGER (mc_sqlite_ledger_get_type ())
G_DECLARE_FINAL_TYPE (McSqliteLedger, mc_sqlite_ledger, MC, SQLITE_LEDGER, GObject)

/* The schema this build writes. */
#define MC_SQLITE_LEDGER_SCHEMA_VERSION 4
/* PRAGMA application_id of every ledger: “MCLG”. */
#define MC_SQLITE_LEDGER_APPLICATION_ID 0x4D434C47

typedef enum {
  MC_SQLITE_LEDGER_OPEN_EXISTING = 0,        /* MC_LEDGER_ERROR_MISSING when absent */
  MC_SQLITE_LEDGER_OPEN_CREATE   = 1 << 0,   /* create it (mode 0600, folder 0700) */
} McSqliteLedgerOpenFlags;

McSqliteLedger *mc_sqlite_ledger_open              (const char               *path,
                                                    McSqliteLedgerOpenFlags   flags,
                                                    GError                  **error);
const char     *mc_sqlite_ledger_get_path          (McSqliteLedger           *self);
int             mc_sqlite_ledger_get_schema_version (McSqliteLedger          *self);
/* The copy made before a migration during this open, or NULL. */
const char     *mc_sqlite_ledger_get_backup_path   (McSqliteLedger           *self);
/* What the quick check made when the ledger opened found wrong, for
 * people (char *); empty when all is well. Never NULL. */
GPtrArray      *mc_sqlite_ledger_get_open_problems (McSqliteLedger          *self);
/* The check made at open, for the days since @since; appends what it
 * finds to @problems. FALSE with @error if it could not run. */
gboolean        mc_sqlite_ledger_quick_check       (McSqliteLedger          *self,
                                                    McDay                    since,
                                                    GPtrArray               *problems,
                                                    GError                 **error);
/* FULL (the default) or NORMAL; for the benchmark that measures the cost. */
gboolean        mc_sqlite_ledger_set_synchronous_full (McSqliteLedger        *self,
                                                       gboolean               full,
                                                       GError               **error);

/* Replication (McLedgerSync). Up to @limit events after @after_seq, in
 * the order they were recorded (each after what it points at); @last_seq
 * is the seq of the last one (@after_seq when none). */
GPtrArray      *mc_sqlite_ledger_read_after        (McSqliteLedger          *self,
                                                    gint64                   after_seq,
                                                    guint                    limit,
                                                    gint64                  *last_seq,
                                                    GError                 **error);
/* The seq of the last event @server_id confirmed (0: none) and how many
 * events came after it. NULL @server_id: the server pushed to last. */
gboolean        mc_sqlite_ledger_get_push_mark     (McSqliteLedger          *self,
                                                    const char              *server_id,
                                                    gint64                  *pushed_seq,
                                                    guint64                 *n_waiting,
                                                    GError                 **error);
/* Records that @server_id holds every event up to @pushed_seq; the mark
 * never moves back. */
gboolean        mc_sqlite_ledger_set_push_mark     (McSqliteLedger          *self,
                                                    const char              *server_id,
                                                    gint64                   pushed_seq,
                                                    GError                 **error);
G_END_DECLS
