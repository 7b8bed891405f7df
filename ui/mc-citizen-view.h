/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-citizen-screen.h"
#include "mc-speaker.h"

G_BEGIN_DECLS

/* What a McCitizenScreen says, drawn for the citizen: one page per step,
 * in large, high-contrast type (the “citizen” style class on the window
 * around it). Shared by the citizen window and the self-service window.
 * With a speaker and the “read-aloud” setting on, each step is read
 * aloud once it is shown. */

#define MC_TYPE_CITIZEN_VIEW (mc_citizen_view_get_type ())
G_DECLARE_FINAL_TYPE (McCitizenView, mc_citizen_view, MC, CITIZEN_VIEW, AdwBin)

GtkWidget       *mc_citizen_view_new           (void);
McCitizenScreen *mc_citizen_view_get_screen    (McCitizenView   *self);
void             mc_citizen_view_set_screen    (McCitizenView   *self,
                                                McCitizenScreen *screen);
/* For “retention-hours” and “read-aloud”; NULL: 24 hours, silent. */
void             mc_citizen_view_set_settings  (McCitizenView   *self,
                                                GSettings       *settings);
void             mc_citizen_view_set_speaker   (McCitizenView   *self,
                                                McSpeaker       *speaker);
/* The page shown: a step's name (“receipt”) or “guide”. */
const char      *mc_citizen_view_get_page      (McCitizenView   *self);
/* Brings the view up to date with its screen now rather than at idle. */
void             mc_citizen_view_sync          (McCitizenView   *self);

G_END_DECLS
