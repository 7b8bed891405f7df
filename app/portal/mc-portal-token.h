/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The portal access token of this counter, kept in the desktop's password
 * store (Secret Service: GNOME Keyring), one per portal address; never in
 * the settings, the outbox or a log. The calls talk to the store over
 * D-Bus and may show an unlock prompt: call them off the main thread. */

/* The token for @endpoint (normalised first). Errors:
 * MC_PORTAL_ERROR_NO_TOKEN when none is stored,
 * MC_PORTAL_ERROR_SECRET_SERVICE when the store is not running. */
char     *mc_portal_token_lookup  (const char    *endpoint,
                                   GCancellable  *cancellable,
                                   GError       **error);
gboolean  mc_portal_token_store   (const char    *endpoint,
                                   const char    *token,
                                   GCancellable  *cancellable,
                                   GError       **error);
/* TRUE also when there was none. */
gboolean  mc_portal_token_forget  (const char    *endpoint,
                                   GCancellable  *cancellable,
                                   GError       **error);

/* A token from a file the ward's IT contact prepared (motcua-tool
 * --token-file): its first line, without surrounding spaces. */
char     *mc_portal_token_read_file (const char  *path,
                                     GError     **error);

/* Overwrites and frees a token. */
void      mc_portal_token_free    (char          *token);

G_END_DECLS
