/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* g_test_init() with each test case in its own home, data, config, cache,
 * state and runtime folders (G_TEST_OPTION_ISOLATE_DIRS), set in the
 * environment too, so the tool a test starts uses them as well. */
void mc_test_init (int *argc, char ***argv);

/* A fresh directory under the test's temporary dir, removed with the
 * process's own tmp tree by the caller when it is done. */
char *mc_test_make_tmpdir (const char *name);

void mc_test_write_file (const char *path, const char *contents);

void mc_test_rm_rf (const char *path);

/* For tests that feed damaged images on purpose: libvips' warnings (and
 * only those) become TAP comments instead of aborting the test under
 * G_DEBUG=fatal-warnings; the test checks the error that follows. */
void mc_test_allow_vips_warnings (void);

/* Iterates the main loop until @done returns TRUE. @seconds is only a
 * guard against a hang, never a measure: it is stretched fourfold so that a
 * loaded machine or the sanitizer build (several times slower) waits as
 * long as the condition needs. */
gboolean mc_test_wait_until (gboolean (*done) (gpointer), gpointer data, guint seconds);

/* A hang guard of @seconds stretched as mc_test_wait_until() stretches
 * it, for waits that cannot use it (a GMainLoop run, a loop that must
 * not iterate the main context). */
guint mc_test_guard_seconds (guint seconds);

/* mc_test_wait_until() for a flag a callback sets. */
gboolean mc_test_wait_for_flag (gboolean *flag, guint seconds);

G_END_DECLS
