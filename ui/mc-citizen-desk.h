/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-citizen-screen.h"
#include "mc-citizen-window.h"
#include "mc-speaker.h"

G_BEGIN_DECLS

/* The counter's citizen screen: the McCitizenScreen a visit drives, the
 * window that shows it, and the read-aloud voice. Installs these actions
 * on the application:
 *
 *   app.citizen-screen   (stateful, boolean)  show or hide the window
 *   app.show-guide (s)   (stateful, string)   a guide on the citizen
 *                                             screen; "" or the same id
 *                                             again: back to the step
 *   app.read-guide (s)                        read a guide aloud
 *
 * A read-aloud failure is shown once as a toast in the clerk's window. */

#define MC_TYPE_CITIZEN_DESK (mc_citizen_desk_get_type ())
G_DECLARE_FINAL_TYPE (McCitizenDesk, mc_citizen_desk, MC, CITIZEN_DESK, GObject)

McCitizenDesk   *mc_citizen_desk_new           (GtkApplication     *application,
                                                GSettings          *settings,
                                                McProcedureCatalog *procedures);
McCitizenScreen *mc_citizen_desk_get_screen    (McCitizenDesk  *self);
McSpeaker       *mc_citizen_desk_get_speaker   (McCitizenDesk  *self);
/* NULL while hidden. */
McCitizenWindow *mc_citizen_desk_get_window    (McCitizenDesk  *self);
void             mc_citizen_desk_set_visible   (McCitizenDesk  *self,
                                                gboolean        visible);
/* Self-service takes the citizen's screen: the window hides meanwhile
 * and comes back after. */
void             mc_citizen_desk_set_suspended (McCitizenDesk  *self,
                                                gboolean        suspended);

G_END_DECLS
