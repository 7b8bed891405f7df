/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

/* The desktop's password store (Secret Service: GNOME Keyring), for every
 * secret the program keeps there. A caller describes its items once, as a
 * static McSecretKind; the calls talk to the store over D-Bus and may show
 * an unlock prompt: call them off the main thread. */
typedef struct
{
  SecretSchema   schema;
  /* Whatever libsecret says went wrong (no session bus, no Secret Service,
   * a locked or absent keyring), the clerk gets this advice, as
   * error_quark () / error_code; a cancelled call stays G_IO_ERROR_CANCELLED. */
  GQuark       (*error_quark) (void);
  gint           error_code;
  /* An English msgid marked with N_(): translated when the error is set. */
  const char    *unavailable;
} McSecretKind;

/* The secret of the item with these attributes (name, value pairs of the
 * schema, then NULL), in memory of its own: free it with mc_secret_free().
 * NULL without an error when there is none. */
char     *mc_secret_lookup (const McSecretKind  *kind,
                            GCancellable        *cancellable,
                            GError             **error,
                            ...) G_GNUC_NULL_TERMINATED;
/* Keeps @secret, shown in the password manager as @label, in the default
 * collection, replacing the item with the same attributes. */
gboolean  mc_secret_store  (const McSecretKind  *kind,
                            const char          *label,
                            const char          *secret,
                            GCancellable        *cancellable,
                            GError             **error,
                            ...) G_GNUC_NULL_TERMINATED;
/* TRUE also when there was none. */
gboolean  mc_secret_clear  (const McSecretKind  *kind,
                            GCancellable        *cancellable,
                            GError             **error,
                            ...) G_GNUC_NULL_TERMINATED;

/* Overwrites and frees a secret. */
void      mc_secret_free   (char                *secret);

G_END_DECLS
