/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <openssl/evp.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-ledger.h"
#include "mc-ledger-types.h"
#include "mc-supervisor-pin.h"

#define SALT_LEN 16
#define HASH_LEN 32

#define PIN_TRIES       5
#define FIRST_LOCK_US   (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define LONGEST_LOCK_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

gboolean
mc_supervisor_pin_check_format (const char  *pin,
                                GError     **error)
{
  gsize len = pin ? strlen (pin) : 0;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (pin[i]))
      len = 0;
  if (len < 4 || len > 12)
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("A supervisor PIN is 4 to 12 digits"));
      return FALSE;
    }
  return TRUE;
}

/* PBKDF2 (RFC 8018) with HMAC-SHA256, one 32-byte block. The keyed HMAC
 * is copied for each round rather than keyed again: half the work. */
static void
pbkdf2_sha256 (const char   *password,
               const guint8 *salt,
               gsize         salt_len,
               guint         iterations,
               guint8        out[HASH_LEN])
{
  g_autoptr(GHmac) keyed = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) password, strlen (password));
  guint8 u[HASH_LEN];
  gsize len = HASH_LEN;
  static const guint8 block_index[4] = { 0, 0, 0, 1 };

  {
    g_autoptr(GHmac) h = g_hmac_copy (keyed);

    g_hmac_update (h, salt, salt_len);
    g_hmac_update (h, block_index, sizeof block_index);
    g_hmac_get_digest (h, u, &len);
  }
  memcpy (out, u, HASH_LEN);

  for (guint i = 1; i < iterations; i++)
    {
      g_autoptr(GHmac) h = g_hmac_copy (keyed);

      len = HASH_LEN;
      g_hmac_update (h, u, HASH_LEN);
      g_hmac_get_digest (h, u, &len);
      for (guint j = 0; j < HASH_LEN; j++)
        out[j] ^= u[j];
    }
}

/* scrypt (RFC 7914) through OpenSSL; FALSE if it could not run (memory). */
static gboolean
scrypt_derive (const char   *password,
               const guint8 *salt,
               gsize         salt_len,
               guint         log2_n,
               guint         r,
               guint         p,
               guint8        out[HASH_LEN])
{
  guint64 n = G_GUINT64_CONSTANT (1) << log2_n;
  /* What OpenSSL needs: V (128 r N) and B (128 r p), and some room. */
  guint64 maxmem = 128 * (guint64) r * (n + p + 2) + 1024 * 1024;

  return EVP_PBE_scrypt (password, strlen (password), salt, salt_len, n, r, p, maxmem, out, HASH_LEN) == 1;
}

static gboolean
random_salt (guint8   salt[SALT_LEN],
             GError **error)
{
  if (getrandom (salt, SALT_LEN, 0) != (ssize_t) SALT_LEN)
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_FAILED,
                           _("The system gave no random numbers to protect the PIN; try again"));
      return FALSE;
    }
  return TRUE;
}

char *
mc_supervisor_pin_hash_full (const char  *pin,
                             guint        iterations,
                             GError     **error)
{
  guint8 salt[SALT_LEN];
  guint8 hash[HASH_LEN];
  g_autofree char *salt64 = NULL;
  g_autofree char *hash64 = NULL;

  if (!mc_supervisor_pin_check_format (pin, error))
    return NULL;
  g_return_val_if_fail (iterations > 0, NULL);

  if (!random_salt (salt, error))
    return NULL;
  pbkdf2_sha256 (pin, salt, sizeof salt, iterations, hash);
  salt64 = g_base64_encode (salt, sizeof salt);
  hash64 = g_base64_encode (hash, sizeof hash);
  return g_strdup_printf ("pbkdf2-sha256$%u$%s$%s", iterations, salt64, hash64);
}

static gboolean
scrypt_failed (GError **error)
{
  g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_FAILED,
                       _("There was not enough memory to check the PIN; close other programs and try again"));
  return FALSE;
}

char *
mc_supervisor_pin_hash (const char  *pin,
                        GError     **error)
{
  guint8 salt[SALT_LEN];
  guint8 hash[HASH_LEN];
  g_autofree char *salt64 = NULL;
  g_autofree char *hash64 = NULL;

  if (!mc_supervisor_pin_check_format (pin, error) || !random_salt (salt, error))
    return NULL;
  if (!scrypt_derive (pin, salt, sizeof salt, MC_SUPERVISOR_PIN_SCRYPT_LOG2_N,
                      MC_SUPERVISOR_PIN_SCRYPT_R, MC_SUPERVISOR_PIN_SCRYPT_P, hash))
    {
      scrypt_failed (error);
      return NULL;
    }
  salt64 = g_base64_encode (salt, sizeof salt);
  hash64 = g_base64_encode (hash, sizeof hash);
  return g_strdup_printf ("scrypt$%u$%u$%u$%s$%s", MC_SUPERVISOR_PIN_SCRYPT_LOG2_N,
                          MC_SUPERVISOR_PIN_SCRYPT_R, MC_SUPERVISOR_PIN_SCRYPT_P, salt64, hash64);
}

/* Splits @stored; NULL if it is not one of the two formats. */
static char **
split_hash (const char *stored,
            gboolean   *is_scrypt,
            guint64     params[3])
{
  g_auto(GStrv) parts = g_strsplit (stored, "$", -1);
  guint n = g_strv_length (parts);

  *is_scrypt = n == 6 && g_str_equal (parts[0], "scrypt");
  if (*is_scrypt)
    {
      if (!g_ascii_string_to_unsigned (parts[1], 10, 10, 22, &params[0], NULL) ||
          !g_ascii_string_to_unsigned (parts[2], 10, 1, 32, &params[1], NULL) ||
          !g_ascii_string_to_unsigned (parts[3], 10, 1, 16, &params[2], NULL))
        return NULL;
      return g_steal_pointer (&parts);
    }
  if (n == 4 && g_str_equal (parts[0], "pbkdf2-sha256") &&
      g_ascii_string_to_unsigned (parts[1], 10, 1, 10000000, &params[0], NULL))
    return g_steal_pointer (&parts);
  return NULL;
}

gboolean
mc_supervisor_pin_needs_rehash (const char *stored)
{
  g_auto(GStrv) parts = NULL;
  guint64 params[3] = { 0, 0, 0 };
  gboolean is_scrypt = FALSE;

  if (stored == NULL || *stored == '\0' || !(parts = split_hash (stored, &is_scrypt, params)))
    return FALSE;
  return !is_scrypt || params[0] < MC_SUPERVISOR_PIN_SCRYPT_LOG2_N ||
         params[1] < MC_SUPERVISOR_PIN_SCRYPT_R || params[2] < MC_SUPERVISOR_PIN_SCRYPT_P;
}

gboolean
mc_supervisor_pin_verify (const char  *stored,
                          const char  *pin,
                          GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *expected = NULL;
  gsize salt_len = 0, expected_len = 0;
  guint8 hash[HASH_LEN];
  guint64 params[3] = { 0, 0, 0 };
  gboolean is_scrypt = FALSE;
  guint8 diff = 0;
  int last;

  if (stored == NULL || *stored == '\0')
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_PIN_NOT_SET,
                           _("No supervisor PIN is set. Set one in Preferences, under Supervisor, before correcting records."));
      return FALSE;
    }

  if (!(parts = split_hash (stored, &is_scrypt, params)))
    goto malformed;
  last = is_scrypt ? 4 : 2;
  salt = g_base64_decode (parts[last], &salt_len);
  expected = g_base64_decode (parts[last + 1], &expected_len);
  if (salt_len < 8 || expected_len != HASH_LEN)
    goto malformed;

  /* A PIN of the wrong shape can never match; still take the time, so
   * the answer does not tell the shape apart from a wrong PIN. */
  if (!is_scrypt)
    pbkdf2_sha256 (pin ? pin : "", salt, salt_len, (guint) params[0], hash);
  else if (!scrypt_derive (pin ? pin : "", salt, salt_len, (guint) params[0], (guint) params[1],
                           (guint) params[2], hash))
    return scrypt_failed (error);
  for (guint i = 0; i < HASH_LEN; i++)
    diff |= hash[i] ^ expected[i];
  if (diff != 0 || !mc_supervisor_pin_check_format (pin, NULL))
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_PIN_WRONG,
                           _("That is not the supervisor PIN. Nothing was changed."));
      return FALSE;
    }
  return TRUE;

malformed:
  g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_PIN_NOT_SET,
                       _("The stored supervisor PIN is unreadable. Set a new one in Preferences, under Supervisor."));
  return FALSE;
}

/* ---- The lock-out ------------------------------------------------------- */

static GMutex lockout_lock;

typedef struct {
  gint64 failures;       /* wrong PINs since the last lock or right PIN */
  gint64 locks;          /* locks since the last right PIN */
  gint64 locked_until;   /* real time, µs */
} LockState;

char *
mc_supervisor_pin_lockout_path (const char *ledger_path)
{
  g_autofree char *fallback = ledger_path ? NULL : mc_ledger_get_default_path ();

  return g_strconcat (ledger_path ? ledger_path : fallback, ".pin-lockout", NULL);
}

/* A missing file is a clean state; an unreadable one counts as a lock, so
 * that removing or spoiling it does not buy tries. */
static void
load_state (const char *path,
            LockState  *st)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  memset (st, 0, sizeof *st);
  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          st->locks = 1;
          st->locked_until = g_get_real_time () + FIRST_LOCK_US;
        }
      return;
    }
  st->failures = CLAMP (g_key_file_get_int64 (file, "supervisor-pin", "failures", NULL), 0, PIN_TRIES);
  st->locks = CLAMP (g_key_file_get_int64 (file, "supervisor-pin", "locks", NULL), 0, 64);
  /* Never longer than the longest lock, even if the clock was set back. */
  st->locked_until = CLAMP (g_key_file_get_int64 (file, "supervisor-pin", "locked-until", NULL),
                            0, g_get_real_time () + LONGEST_LOCK_US);
}

static gboolean
save_state (const char       *path,
            const LockState  *st,
            GError          **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len = 0;

  g_key_file_set_int64 (file, "supervisor-pin", "failures", st->failures);
  g_key_file_set_int64 (file, "supervisor-pin", "locks", st->locks);
  g_key_file_set_int64 (file, "supervisor-pin", "locked-until", st->locked_until);
  data = g_key_file_to_data (file, &len, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_FAILED,
                   _("Wrong PINs are counted in %s, which cannot be written (%s). Nothing was changed."),
                   path, g_strerror (saved));
      return FALSE;
    }
  if (!g_file_set_contents_full (path, data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_FAILED,
                   _("Wrong PINs are counted in %s, which cannot be written (%s). Nothing was changed."),
                   path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
set_locked_error (GError **error,
                  gint64   remaining_us)
{
  int seconds = (int) ((remaining_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

  if (seconds <= 90)
    g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_PIN_WRONG,
                 ngettext ("Too many wrong PINs. Try again in %d second.",
                           "Too many wrong PINs. Try again in %d seconds.", seconds),
                 seconds);
  else
    {
      int minutes = (seconds + 59) / 60;

      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_PIN_WRONG,
                   ngettext ("Too many wrong PINs. Try again in %d minute.",
                             "Too many wrong PINs. Try again in %d minutes.", minutes),
                   minutes);
    }
}

gboolean
mc_supervisor_pin_check (const char  *lockout_path,
                         const char  *stored,
                         const char  *pin,
                         GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  LockState st;
  gint64 now;
  gboolean ok = FALSE;

  g_return_val_if_fail (lockout_path != NULL, FALSE);

  g_mutex_lock (&lockout_lock);
  load_state (lockout_path, &st);
  now = g_get_real_time ();
  if (now < st.locked_until)
    {
      set_locked_error (error, st.locked_until - now);
      goto out;
    }

  if (mc_supervisor_pin_verify (stored, pin, &local_error))
    {
      LockState clean = { 0, 0, 0 };

      /* Starting over is not worth refusing a right PIN for. */
      if (st.failures != 0 || st.locks != 0)
        save_state (lockout_path, &clean, NULL);
      ok = TRUE;
      goto out;
    }
  if (g_error_matches (local_error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_PIN_WRONG))
    {
      if (++st.failures >= PIN_TRIES)
        {
          st.failures = 0;
          st.locked_until = now + MIN (FIRST_LOCK_US << MIN (st.locks, 6), LONGEST_LOCK_US);
          st.locks++;
        }
      /* A try that cannot be counted is not allowed either. */
      if (!save_state (lockout_path, &st, error))
        goto out;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));

out:
  g_mutex_unlock (&lockout_lock);
  return ok;
}
