/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <string.h>
#include <sys/random.h>
#include <glib/gi18n.h>

#include "mc-ledger-types.h"
#include "mc-supervisor-pin.h"

#define SALT_LEN 16
#define HASH_LEN 32

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

  if (getrandom (salt, sizeof salt, 0) != (ssize_t) sizeof salt)
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_FAILED,
                           _("The system gave no random numbers to protect the PIN; try again"));
      return NULL;
    }
  pbkdf2_sha256 (pin, salt, sizeof salt, iterations, hash);
  salt64 = g_base64_encode (salt, sizeof salt);
  hash64 = g_base64_encode (hash, sizeof hash);
  return g_strdup_printf ("pbkdf2-sha256$%u$%s$%s", iterations, salt64, hash64);
}

char *
mc_supervisor_pin_hash (const char  *pin,
                        GError     **error)
{
  return mc_supervisor_pin_hash_full (pin, MC_SUPERVISOR_PIN_ITERATIONS, error);
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
  guint64 iterations = 0;
  guint8 diff = 0;

  if (stored == NULL || *stored == '\0')
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_PIN_NOT_SET,
                           _("No supervisor PIN is set. Set one in Preferences, under Supervisor, before correcting records."));
      return FALSE;
    }

  parts = g_strsplit (stored, "$", -1);
  if (g_strv_length (parts) != 4 || !g_str_equal (parts[0], "pbkdf2-sha256") ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, 10000000, &iterations, NULL))
    goto malformed;
  salt = g_base64_decode (parts[2], &salt_len);
  expected = g_base64_decode (parts[3], &expected_len);
  if (salt_len < 8 || expected_len != HASH_LEN)
    goto malformed;

  /* A PIN of the wrong shape can never match; still take the time, so
   * the answer does not tell the shape apart from a wrong PIN. */
  pbkdf2_sha256 (pin ? pin : "", salt, salt_len, (guint) iterations, hash);
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
