/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A real password store for the tests: a private session bus (GTestDBus)
 * with gnome-keyring-daemon on it, a fresh home under @tmpdir and an
 * unlocked login keyring, so nothing prompts. Returns when the daemon owns
 * the Secret Service name. */
void mc_test_keyring_start (const char *tmpdir);

/* Stops the daemon (the session ends); the bus stays. */
void mc_test_keyring_stop  (void);

/* At the end of main(): the daemon and the bus. libsecret keeps its bus
 * connection for the process's life, so the bus is stopped, not brought
 * down (g_test_dbus_down() would wait for that connection to go). */
void mc_test_keyring_end   (void);

G_END_DECLS
