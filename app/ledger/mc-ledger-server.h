/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The ward's or the city's ledger server as the program is set up for it
 * (GSettings "ledger-server" and "ledger-server-ca-file"): the setting
 * checked, the password kept in the desktop's password store (Secret
 * Service), never in the settings, and the connection string libpq gets.
 *
 * Over the network the server must prove who it is: anything but a local
 * socket needs sslmode=verify-full and a CA file (in the setting or in
 * the connection string's sslrootcert). */

/* Whether @conninfo (a libpq connection string or URI) with @ca_file
 * (may be NULL or empty) is acceptable; MC_LEDGER_ERROR_INVALID with a
 * message for people when not. */
gboolean  mc_ledger_server_check            (const char    *conninfo,
                                             const char    *ca_file,
                                             GError       **error);
/* The server as people and the password store know it:
 * "user@host:port/database". */
char     *mc_ledger_server_describe         (const char    *conninfo,
                                             GError       **error);

/* The password stored for @conninfo's account and server; NULL with no
 * error when none is stored. The store is reached over D-Bus: call from
 * a worker thread. MC_LEDGER_ERROR_AUTH when the store is not running. */
char     *mc_ledger_server_password_lookup  (const char    *conninfo,
                                             GCancellable  *cancellable,
                                             GError       **error);
gboolean  mc_ledger_server_password_store   (const char    *conninfo,
                                             const char    *password,
                                             GCancellable  *cancellable,
                                             GError       **error);
/* Overwrites and frees a password. */
void      mc_ledger_server_password_free    (char          *password);

/* The connection string to give libpq: @conninfo checked, with the CA
 * file, the password (may be NULL: libpq then looks in ~/.pgpass) and,
 * with @read_only, every transaction read-only. */
char     *mc_ledger_server_build_conninfo   (const char    *conninfo,
                                             const char    *ca_file,
                                             const char    *password,
                                             gboolean       read_only,
                                             GError       **error);

G_END_DECLS
