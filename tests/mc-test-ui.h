/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers shared by the UI tests, which run under Xvfb. */

#include <gtk/gtk.h>

#include "mc-ui.h"

G_BEGIN_DECLS

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

/* The program's style sheet, as AdwApplication loads it for the real
 * program, so screenshots look like what the clerk sees. */
void mc_test_load_style (void);

G_END_DECLS
