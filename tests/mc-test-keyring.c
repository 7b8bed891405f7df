/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "mc-test-keyring.h"
#include "mc-test-util.h"

static GTestDBus *bus;
static GSubprocess *keyring;

static gboolean
store_owned (gpointer data)
{
  GDBusConnection *connection = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                           "org.freedesktop.DBus", "NameHasOwner",
                                                           g_variant_new ("(s)", "org.freedesktop.secrets"),
                                                           G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                                           -1, NULL, &error);
  gboolean owned = FALSE;

  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &owned);
  return owned;
}

void
mc_test_keyring_start (const char *tmpdir)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *home = g_build_filename (tmpdir, "home", NULL);
  g_autofree char *run = g_build_filename (tmpdir, "run", NULL);
  g_autofree char *data = g_build_filename (home, ".local", "share", NULL);
  GOutputStream *stdin_pipe;

  g_assert_null (keyring);
  g_assert_cmpint (g_mkdir_with_parents (home, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (run, 0700), ==, 0);

  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", run, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", g_test_dbus_get_bus_address (bus), TRUE);
  /* The tests' fatal-warnings are for our code: gnome-keyring 42 warns
   * ("already registered") when an item is stored over, and would abort. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  /* --unlock reads the login keyring's password from standard input and
   * makes the keyring, unlocked, so nothing prompts. */
  keyring = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon", "--foreground",
                                         "--components=secrets", "--unlock", NULL);
  g_assert_no_error (error);
  stdin_pipe = g_subprocess_get_stdin_pipe (keyring);
  g_output_stream_write_all (stdin_pipe, "motcua-test", 11, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (stdin_pipe, NULL, &error);
  g_assert_no_error (error);

  /* Ready when it owns the Secret Service name; the time is only a guard
   * against a daemon that never comes. */
  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (mc_test_wait_until (store_owned, connection, 30));
}

void
mc_test_keyring_stop (void)
{
  if (keyring == NULL)
    return;
  g_subprocess_send_signal (keyring, SIGTERM);
  g_subprocess_wait (keyring, NULL, NULL);
  g_clear_object (&keyring);
}

void
mc_test_keyring_end (void)
{
  secret_service_disconnect ();
  mc_test_keyring_stop ();
  if (bus != NULL)
    g_test_dbus_stop (bus);
  /* The GTestDBus lives until exit: freeing it runs _down(). */
}
