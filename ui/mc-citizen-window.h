/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-citizen-screen.h"
#include "mc-citizen-view.h"
#include "mc-speaker.h"

G_BEGIN_DECLS

/* The second screen at the counter, facing the citizen: it follows a
 * McCitizenScreen and nothing else. With a second monitor it opens
 * full-screen there (away from the clerk's window) and follows monitors
 * being plugged in or out; with one monitor it is a normal window the
 * clerk can move. */

#define MC_TYPE_CITIZEN_WINDOW (mc_citizen_window_get_type ())
G_DECLARE_FINAL_TYPE (McCitizenWindow, mc_citizen_window, MC, CITIZEN_WINDOW, AdwWindow)

McCitizenWindow *mc_citizen_window_new         (GtkApplication  *application,
                                                GSettings       *settings,
                                                McCitizenScreen *screen,
                                                McSpeaker       *speaker);
McCitizenView   *mc_citizen_window_get_view    (McCitizenWindow *self);
/* The monitor it is full-screen on; NULL: a normal window. */
GdkMonitor      *mc_citizen_window_get_monitor (McCitizenWindow *self);
/* The monitor for a citizen-facing window: one that is not @clerk's,
 * when there are at least two; else NULL. */
GdkMonitor      *mc_citizen_choose_monitor     (GdkDisplay      *display,
                                                GtkWindow       *clerk);

G_END_DECLS
