/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The supervisor PIN guards corrections. It is kept only as a salted
 * PBKDF2-HMAC-SHA256 hash, written as
 *
 *   pbkdf2-sha256$ITERATIONS$SALT$HASH     (SALT, HASH: base64)
 *
 * in the GSettings key “supervisor-pin-hash”. It keeps clerks from editing
 * counts by accident or on a whim; it is not a defence against someone
 * who can already write this user's files (they could edit the ledger
 * file directly), and it makes no such claim. */

#define MC_SUPERVISOR_PIN_ITERATIONS 100000

/* 4 to 12 digits. */
gboolean  mc_supervisor_pin_check_format  (const char  *pin,
                                           GError     **error);
char     *mc_supervisor_pin_hash          (const char  *pin,
                                           GError     **error);
char     *mc_supervisor_pin_hash_full     (const char  *pin,
                                           guint        iterations,
                                           GError     **error);
/* FALSE with MC_LEDGER_ERROR_PIN_NOT_SET when @stored is empty,
 * MC_LEDGER_ERROR_PIN_WRONG when @pin does not match. */
gboolean  mc_supervisor_pin_verify        (const char  *stored,
                                           const char  *pin,
                                           GError     **error);

G_END_DECLS
