/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-ledger-store.h"

G_BEGIN_DECLS

/* The ledger of a ward or a city on a shared PostgreSQL server, through
 * libpq: every counter's events, pushed by McLedgerSync. The server keeps
 * the rules itself, so no program can bend them: events are append-only
 * (triggers refuse UPDATE, DELETE and TRUNCATE), unique by UUID, and the
 * projection of filings and the per-day counts are kept by triggers, as
 * in the SQLite ledger. A counter logs in with a role that is a member
 * of `motcua_counter` (INSERT and SELECT on the events only); a
 * supervisor's PC with `motcua_reader` (SELECT only).
 *
 * The connection is a libpq connection string or URI. Passwords are
 * never part of it: libpq finds them in PGPASSFILE (~/.pgpass) or a
 * service file (PGSERVICEFILE). Everything lives in the schema `motcua`,
 * whose migrations are numbered in motcua.schema_migrations. */

#define MC_TYPE_PG_LEDGER (mc_pg_ledger_get_type ())
G_DECLARE_FINAL_TYPE (McPgLedger, mc_pg_ledger, MC, PG_LEDGER, GObject)

/* The schema this build writes. */
#define MC_PG_LEDGER_SCHEMA_VERSION 2
/* The oldest schema this build works with: a server not yet updated by
 * server-init keeps taking pushes and answering reports as long as
 * nothing this build uses changed (2 only added rebuild_derived (), for
 * the owner). Each migration states, in schema_migrations.needs, the
 * oldest build that can still use a server after it, so that a newer
 * server does not stop the counters not yet updated either. */
#define MC_PG_LEDGER_SCHEMA_OLDEST 1

/* Creates the schema, or migrates it to this build's version; needs an
 * account that may create schemas and roles. Safe to run again. */
gboolean    mc_pg_ledger_server_init    (const char  *conninfo,
                                         GError     **error);
/* Connects and checks the schema (MC_LEDGER_ERROR_MISSING when the
 * server was never initialised). A connection that breaks later is made
 * again by the next call. */
McPgLedger *mc_pg_ledger_open           (const char  *conninfo,
                                         GError     **error);
/* The server's ledger identity (a UUID made by server-init): what a
 * counter records its pushes against, so that a new server is sent
 * everything. */
const char *mc_pg_ledger_get_server_id  (McPgLedger  *self);
/* A push (mc_ledger_store_append()) or a ping that waits on the server
 * longer than @ms (0, the default: no limit) is cut off with
 * MC_LEDGER_ERROR_OFFLINE: TCP's own timeouts never fire when something
 * on the way accepts the data and never answers. */
void        mc_pg_ledger_set_stall_timeout (McPgLedger *self,
                                            guint       ms);
/* Whether the server answers now (connecting again if needed). */
gboolean    mc_pg_ledger_ping           (McPgLedger  *self,
                                         GError     **error);

G_END_DECLS
