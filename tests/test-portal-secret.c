/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mc-core.h"
#include "mc-portal-error.h"
#include "mc-portal-token.h"
#include "mc-test-keyring.h"
#include "mc-test-package.h"
#include "mc-test-portal.h"
#include "mc-test-util.h"

/* The portal token in a real password store: gnome-keyring-daemon on a
 * private session bus (tests/mc-test-keyring.c), stopped at the end. */

#define TOKEN "keyring-token-91c3b7"

static char *tmpdir;

/* Runs motcua-tool on the private bus, with @input on its standard input. */
static int
run_tool (const char  *input,
          const char  *data_home,
          char       **out,
          char       **err,
          ...)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;
  const char *arg;

  g_ptr_array_add (argv, (char *) g_getenv ("MOTCUA_TOOL"));
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  if (data_home != NULL)
    g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, out, err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (proc))
    g_test_message ("motcua-tool died: %s", *err);
  g_assert_true (g_subprocess_get_if_exited (proc));
  return g_subprocess_get_exit_status (proc);
}

static void
test_store_lookup_forget (void)
{
  g_autoptr(GError) error = NULL;
  char *token;

  g_assert_true (mc_portal_token_store ("https://portal.example.vn/api/", TOKEN, NULL, &error));
  g_assert_no_error (error);

  /* The address is normalised: with or without the slash, one item. */
  token = mc_portal_token_lookup ("https://portal.example.vn/api", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, TOKEN);
  mc_portal_token_free (token);

  token = mc_portal_token_lookup ("https://other.example.vn/api", NULL, &error);
  g_assert_null (token);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NO_TOKEN);
  g_assert_nonnull (strstr (error->message, "https://other.example.vn/api"));
  g_clear_error (&error);

  g_assert_false (mc_portal_token_store ("https://portal.example.vn/api", "has space", NULL, &error));
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NO_TOKEN);
  g_clear_error (&error);
  g_assert_false (mc_portal_token_store ("http://portal.example.vn/api", TOKEN, NULL, &error));
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_INSECURE);
  g_clear_error (&error);

  g_assert_true (mc_portal_token_forget ("https://portal.example.vn/api", NULL, &error));
  g_assert_no_error (error);
  token = mc_portal_token_lookup ("https://portal.example.vn/api", NULL, &error);
  g_assert_null (token);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NO_TOKEN);
  g_clear_error (&error);
  /* Forgetting what is not there is not an error. */
  g_assert_true (mc_portal_token_forget ("https://portal.example.vn/api", NULL, &error));
  g_assert_no_error (error);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  for (gsize i = 0; i + strlen (needle) <= len; i++)
    if (memcmp (data + i, needle, strlen (needle)) == 0)
      return TRUE;
  return FALSE;
}

/* The tool keeps the token with “token set” and uploads with it, without
 * --token-file; the token is in no file of the outbox and in no output. */
static void
test_tool_upload (void)
{
  g_autoptr(McTestPortal) portal = mc_test_portal_new (TOKEN, NULL);
  g_autofree char *data_home = g_build_filename (tmpdir, "data", NULL);
  g_autofree char *visit = NULL;
  g_autofree char *dir = mc_test_make_package (tmpdir, 20000, &visit);
  g_autofree char *receipt = NULL;
  const char *endpoint = mc_test_portal_get_endpoint (portal);
  const char *outbox_files[] = { "outbox.sqlite", "outbox.sqlite-wal", "outbox.sqlite-shm", "outbox.sqlite.lock" };
  char *out = NULL, *err = NULL;
  int status;

  status = run_tool (TOKEN "\n", data_home, &out, &err, "token", "set", "--endpoint", endpoint, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_null (strstr (out, TOKEN));
  g_assert_null (strstr (err, TOKEN));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = run_tool (NULL, data_home, &out, &err, "token", "check", "--endpoint", endpoint, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_null (strstr (out, TOKEN));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = run_tool (NULL, data_home, &out, &err, "upload", dir, "--endpoint", endpoint, NULL);
  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 0);
  receipt = mc_test_portal_dup_receipt (portal, visit);
  g_assert_cmpstr (g_strstrip (out), ==, receipt);
  g_assert_null (strstr (err, TOKEN));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (outbox_files); i++)
    {
      g_autofree char *path = g_build_filename (data_home, "motcua", outbox_files[i], NULL);

      g_assert_false (file_contains (path, TOKEN));
    }

  status = run_tool (NULL, data_home, &out, &err, "token", "forget", "--endpoint", endpoint, NULL);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
}

/* The store stops (the session ends): a clear message, not a hang. */
static void
test_store_gone (void)
{
  g_autoptr(GError) error = NULL;
  char *token;

  mc_test_keyring_stop ();
  token = mc_portal_token_lookup ("https://portal.example.vn/api", NULL, &error);
  g_assert_null (token);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_SECRET_SERVICE);
  g_assert_nonnull (strstr (error->message, "--token-file"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mc_core_init ();
  mc_test_init (&argc, &argv);

  tmpdir = mc_test_make_tmpdir ("portal-secret");
  mc_test_keyring_start (tmpdir);

  g_test_add_func ("/portal-secret/store-lookup-forget", test_store_lookup_forget);
  g_test_add_func ("/portal-secret/tool-upload", test_tool_upload);
  g_test_add_func ("/portal-secret/store-gone", test_store_gone);

  status = g_test_run ();

  mc_test_keyring_end ();
  mc_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
