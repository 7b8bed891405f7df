/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mc-core.h"
#include "mc-ledger-server.h"
#include "mc-ledger-types.h"
#include "mc-secret.h"
#include "mc-test-keyring.h"
#include "mc-test-util.h"

/* The desktop's password store (app/mc-secret.c) and the ledger server's
 * password in it, in a real store: gnome-keyring on a private session bus
 * (tests/mc-test-keyring.c). The portal's token is in test-portal-secret.c. */

#define PASSWORD "ledger-pw-5e21a0"
#define SERVER "host=ledger.example.vn port=5433 dbname=motcua user=quay-1 sslmode=verify-full"
#define OTHER "host=ledger.example.vn port=5433 dbname=motcua user=quay-2 sslmode=verify-full"

static char *tmpdir;

/* A kind of the test's own: two attributes, its own error. */
static GQuark
test_error_quark (void)
{
  return g_quark_from_static_string ("mc-test-secret-error");
}

static const McSecretKind test_kind = {
  {
    "org.motcua.MotCua.Test",
    SECRET_SCHEMA_NONE,
    {
      { "ward", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "counter", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  },
  test_error_quark,
  7,
  "test store gone",
};

/* Items are told apart by all their attributes; the secret comes back in
 * memory of its own, and clearing one leaves the other. */
static void
test_kind_items (void)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  g_assert_true (mc_secret_store (&test_kind, "counter 1", "s3cr3t-1", NULL, &error,
                                  "ward", "22333", "counter", "1", NULL));
  g_assert_no_error (error);
  g_assert_true (mc_secret_store (&test_kind, "counter 2", "s3cr3t-2", NULL, &error,
                                  "ward", "22333", "counter", "2", NULL));
  g_assert_no_error (error);

  secret = mc_secret_lookup (&test_kind, NULL, &error, "ward", "22333", "counter", "2", NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "s3cr3t-2");
  mc_secret_free (secret);

  g_assert_true (mc_secret_clear (&test_kind, NULL, &error, "ward", "22333", "counter", "2", NULL));
  g_assert_no_error (error);
  secret = mc_secret_lookup (&test_kind, NULL, &error, "ward", "22333", "counter", "2", NULL);
  g_assert_no_error (error);
  g_assert_null (secret);
  secret = mc_secret_lookup (&test_kind, NULL, &error, "ward", "22333", "counter", "1", NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "s3cr3t-1");
  mc_secret_free (secret);

  /* Clearing what is not there is not an error. */
  g_assert_true (mc_secret_clear (&test_kind, NULL, &error, "ward", "22333", "counter", "2", NULL));
  g_assert_no_error (error);
  g_assert_true (mc_secret_clear (&test_kind, NULL, &error, "ward", "22333", "counter", "1", NULL));
  g_assert_no_error (error);
  mc_secret_free (NULL);
}

static void
test_ledger_password (void)
{
  g_autoptr(GError) error = NULL;
  char *password;

  g_assert_true (mc_ledger_server_password_store (SERVER, PASSWORD, NULL, &error));
  g_assert_no_error (error);

  /* One item per account and server: the same account written otherwise
   * finds it, another account does not, and none is not an error. */
  password = mc_ledger_server_password_lookup ("postgresql://quay-1@ledger.example.vn:5433/motcua?sslmode=verify-full",
                                               NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, PASSWORD);
  mc_ledger_server_password_free (password);
  password = mc_ledger_server_password_lookup (OTHER, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (password);

  /* Stored again: replaced, not added. */
  g_assert_true (mc_ledger_server_password_store (SERVER, PASSWORD "-2", NULL, &error));
  g_assert_no_error (error);
  password = mc_ledger_server_password_lookup (SERVER, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, PASSWORD "-2");
  mc_ledger_server_password_free (password);

  /* An empty password forgets it, twice as well as once. */
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (mc_ledger_server_password_store (SERVER, "", NULL, &error));
      g_assert_no_error (error);
      password = mc_ledger_server_password_lookup (SERVER, NULL, &error);
      g_assert_no_error (error);
      g_assert_null (password);
    }

  /* An address that cannot be read is said, before the store is asked. */
  g_assert_false (mc_ledger_server_password_store ("host='", PASSWORD, NULL, &error));
  g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID);
  g_clear_error (&error);
}

/* A cancelled call is cancelled, not "the store is not available". */
static void
test_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_null (mc_ledger_server_password_lookup (SERVER, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The store stops (the session ends): the clerk's advice, not a hang. */
static void
test_store_gone (void)
{
  g_autoptr(GError) error = NULL;

  mc_test_keyring_stop ();
  g_assert_null (mc_ledger_server_password_lookup (SERVER, NULL, &error));
  g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, ".pgpass"));
  g_clear_error (&error);
  g_assert_false (mc_ledger_server_password_store (SERVER, PASSWORD, NULL, &error));
  g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_AUTH);
  g_clear_error (&error);
  g_assert_false (mc_ledger_server_password_store (SERVER, NULL, NULL, &error));
  g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_AUTH);
  g_clear_error (&error);

  /* Each kind its own error and advice. */
  g_assert_null (mc_secret_lookup (&test_kind, NULL, &error, "ward", "22333", "counter", "1", NULL));
  g_assert_error (error, test_error_quark (), 7);
  g_assert_cmpstr (error->message, ==, "test store gone");
  g_clear_error (&error);
  g_assert_false (mc_secret_store (&test_kind, "counter 1", "s3cr3t-1", NULL, &error,
                                   "ward", "22333", "counter", "1", NULL));
  g_assert_error (error, test_error_quark (), 7);
  g_clear_error (&error);
  g_assert_false (mc_secret_clear (&test_kind, NULL, &error, "ward", "22333", "counter", "1", NULL));
  g_assert_error (error, test_error_quark (), 7);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mc_core_init ();
  mc_test_init (&argc, &argv);

  tmpdir = mc_test_make_tmpdir ("secret");
  mc_test_keyring_start (tmpdir);

  g_test_add_func ("/secret/kind-items", test_kind_items);
  g_test_add_func ("/secret/ledger-password", test_ledger_password);
  g_test_add_func ("/secret/cancelled", test_cancelled);
  g_test_add_func ("/secret/store-gone", test_store_gone);

  status = g_test_run ();

  mc_test_keyring_end ();
  mc_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
