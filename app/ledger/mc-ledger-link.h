/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-ledger.h"
#include "mc-ledger-sync.h"

G_BEGIN_DECLS

/* This PC's link to the ward's or the city's ledger server, as the
 * settings say ("ledger-server", "ledger-server-ca-file"): the password
 * from the desktop's password store (when the store is not there, libpq's
 * own means: ~/.pgpass, or none, and a note says so), the server's ledger
 * for the supervisor view, and on a counter (a "counter-name" is set) the
 * background push of the counter's ledger, poked after each write. A
 * supervisor's PC (no counter name) opens the server read-only and pushes
 * nothing. A change of the settings starts it all again; nothing here
 * ever blocks the main thread.
 *
 * Properties (notified on the main context it was made in):
 *   "configured"     a server is set up
 *   "sync"           McLedgerSync, or NULL (no server, no counter, not yet)
 *   "server-ledger"  McLedger on the server, or NULL while it cannot be read
 *   "problem"        why the server cannot be used, or a note; NULL if none
 *   "status"         the push status in plain words, or NULL */

#define MC_TYPE_LEDGER_LINK (mc_ledger_link_get_type ())
G_DECLARE_FINAL_TYPE (McLedgerLink, mc_ledger_link, MC, LEDGER_LINK, GObject)

McLedgerLink *mc_ledger_link_new               (GSettings    *settings);
/* The counter's own ledger, once open: what is pushed. */
void          mc_ledger_link_set_local         (McLedgerLink *self,
                                                McLedger     *local);
/* Stops the pushes (the program closes); what was not sent goes later. */
void          mc_ledger_link_stop              (McLedgerLink *self);
/* Tries the server again now (it could not be opened before). */
void          mc_ledger_link_retry             (McLedgerLink *self);

gboolean      mc_ledger_link_get_configured    (McLedgerLink *self);
gboolean      mc_ledger_link_get_read_only     (McLedgerLink *self);
McLedgerSync *mc_ledger_link_get_sync          (McLedgerLink *self);
McLedger     *mc_ledger_link_get_server_ledger (McLedgerLink *self);
const char   *mc_ledger_link_get_problem       (McLedgerLink *self);
const char   *mc_ledger_link_get_status        (McLedgerLink *self);

/* Whether the server answers with @conninfo, @ca_file and @password (NULL:
 * the one in the password store, if any): for the preferences' “Test
 * Connection”. On a worker thread. */
void          mc_ledger_link_test_async        (const char          *conninfo,
                                                const char          *ca_file,
                                                const char          *password,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean      mc_ledger_link_test_finish       (GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
