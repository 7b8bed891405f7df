/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-citizen-desk.h"
#include "mc-ledger.h"
#include "mc-scanner.h"
#include "mc-self-service-board.h"
#include "mc-self-service-window.h"

G_BEGIN_DECLS

/* Self-service mode, for the whole program. Entered and left with the
 * supervisor PIN (app.self-service, installed here; leaving is on the
 * clerk's window and on a small staff button of the kiosk). While it is
 * on:
 *   - the kiosk window (McSelfServiceWindow) fills the citizen's monitor,
 *     or the only one;
 *   - every clerk window (AdwApplicationWindow) shows the self-service
 *     board instead of its content, its own actions are disabled and it
 *     cannot be closed;
 *   - every application action (preferences, quit, …) is disabled;
 *   - the counter's citizen screen is hidden.
 * All of it is put back as it was when the mode is left.
 *
 * Signals:
 *   hand-off (procedure_code, folder, short_code)
 *       a citizen finished: @folder is a McSelfServiceSession folder
 *       (session.json + one page store per paper) for the clerk's visit
 *       workflow to take over; the board lists it meanwhile. */

#define MC_TYPE_SELF_SERVICE (mc_self_service_get_type ())
G_DECLARE_FINAL_TYPE (McSelfService, mc_self_service, MC, SELF_SERVICE, GObject)

McSelfService       *mc_self_service_new          (GtkApplication *application,
                                                   GSettings      *settings,
                                                   McCitizenDesk  *desk);
/* The program's scanner; without one the mode makes its own while on. */
void                 mc_self_service_set_scanner  (McSelfService  *self,
                                                   McScanner      *scanner);
/* For the PIN's lock-out after wrong tries. */
void                 mc_self_service_set_ledger   (McSelfService  *self,
                                                   McLedger       *ledger);
/* Where packages go; NULL: $XDG_DATA_HOME/motcua/self-service. */
void                 mc_self_service_set_base_dir (McSelfService  *self,
                                                   const char     *base_dir);
gboolean             mc_self_service_is_active    (McSelfService  *self);
McSelfServiceWindow *mc_self_service_get_window   (McSelfService  *self);
McSelfServiceBoard  *mc_self_service_get_board    (McSelfService  *self,
                                                   GtkWindow      *clerk_window);
/* Opens the PIN prompt to enter or leave, over @parent. */
GtkWidget           *mc_self_service_ask_enter    (McSelfService  *self,
                                                   GtkWindow      *parent);
GtkWidget           *mc_self_service_ask_leave    (McSelfService  *self,
                                                   GtkWindow      *parent);

G_END_DECLS
