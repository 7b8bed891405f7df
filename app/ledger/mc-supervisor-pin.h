/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The supervisor PIN guards corrections. It is kept only as a salted
 * hash in the GSettings key “supervisor-pin-hash”, with the parameters
 * that made it:
 *
 *   scrypt$LOG2_N$R$P$SALT$HASH            (SALT, HASH: base64)
 *   pbkdf2-sha256$ITERATIONS$SALT$HASH     (earlier versions)
 *
 * A PIN has 4 to 12 digits, so a copy of the hash could be guessed
 * offline: scrypt (OpenSSL) with N = 2^16, r = 8 (64 MiB, about a quarter
 * of a second on a counter PC) makes each guess costly, in memory too.
 * Old hashes still verify; the UI stores a new one after the next right
 * PIN (mc_supervisor_pin_needs_rehash). The hash takes a noticeable
 * moment on purpose: compute it off the main thread. It keeps clerks from editing
 * counts by accident or on a whim; it is not a defence against someone
 * who can already write this user's files (they could edit the ledger
 * file directly), and it makes no such claim. */

/* The old PBKDF2 format (mc_supervisor_pin_hash_full). */
#define MC_SUPERVISOR_PIN_ITERATIONS 100000
/* scrypt's cost for new hashes. */
#define MC_SUPERVISOR_PIN_SCRYPT_LOG2_N 16
#define MC_SUPERVISOR_PIN_SCRYPT_R      8
#define MC_SUPERVISOR_PIN_SCRYPT_P      1

/* 4 to 12 digits. */
gboolean  mc_supervisor_pin_check_format  (const char  *pin,
                                           GError     **error);
/* scrypt with the parameters above. */
char     *mc_supervisor_pin_hash          (const char  *pin,
                                           GError     **error);
/* PBKDF2-HMAC-SHA256, the earlier format (tests, and cheap test hashes). */
char     *mc_supervisor_pin_hash_full     (const char  *pin,
                                           guint        iterations,
                                           GError     **error);
/* TRUE when @stored was made with less than today's cost. */
gboolean  mc_supervisor_pin_needs_rehash  (const char  *stored);
/* FALSE with MC_LEDGER_ERROR_PIN_NOT_SET when @stored is empty,
 * MC_LEDGER_ERROR_PIN_WRONG when @pin does not match. */
gboolean  mc_supervisor_pin_verify        (const char  *stored,
                                           const char  *pin,
                                           GError     **error);

/* Wrong PINs in a row and the lock-out they cause are kept in a small
 * 0600 file beside the ledger, so that a restart does not clear them:
 * after five wrong PINs every try is refused for a minute, after each
 * further five for twice as long as the last time, up to an hour. A
 * right PIN starts over. The file of a ledger at @ledger_path (NULL: the
 * program's ledger, also when it is not open). */
char     *mc_supervisor_pin_lockout_path  (const char  *ledger_path);
/* mc_supervisor_pin_verify() behind the lock-out kept in @lockout_path.
 * Checks run one at a time, so tries cannot race past the count. */
gboolean  mc_supervisor_pin_check         (const char  *lockout_path,
                                           const char  *stored,
                                           const char  *pin,
                                           GError     **error);

G_END_DECLS
