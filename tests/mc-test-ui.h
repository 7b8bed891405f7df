/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers shared by the UI tests, which run under Xvfb. */

#include <gtk/gtk.h>

#include "mc-application.h"
#include "mc-ui.h"
#include "mc-visit-view.h"
#include "mc-window.h"

G_BEGIN_DECLS

/* What a UI test does first, as the program would: the environment's
 * locale (gtk_test_init() keeps C, the Vietnamese runs need theirs), GTK in
 * test mode, the program's resources, libadwaita; and no animations, so
 * that screenshots show the end state, not a cross-fade. */
void mc_test_ui_init (int *argc, char ***argv);

/* The program, registered, not yet activated. Not unique: there is no
 * session bus under xvfb-run. */
McApplication *mc_test_app_new (void);

/* Waits until @widget is mapped and has been painted a few times. */
void mc_test_wait_for_frames (GtkWidget *widget);

void mc_test_iterate (void);

const char *mc_test_language (void);

void mc_test_screenshot (GtkWidget *widget, const char *name);

/* The first widget under @widget (itself included, depth first) whose
 * name is @name, or NULL. */
GtkWidget *mc_test_find_named (GtkWidget *widget, const char *name);

/* The first widget under @widget (itself included, depth first) of @type,
 * or NULL. */
GtkWidget *mc_test_find_type (GtkWidget *widget, GType type);

/* The first visible toplevel window of @type, or NULL. */
GtkWindow *mc_test_find_toplevel (GType type);

/* The clerk's window the program shows; the test fails when there is
 * none. */
McWindow *mc_test_main_window (void);

/* The visit view @window's reception page shows, or NULL. */
McVisitView *mc_test_window_visit_view (McWindow *window);

/* The program's style sheet, as AdwApplication loads it for the real
 * program, so screenshots look like what the clerk sees. */
void mc_test_load_style (void);

G_END_DECLS
