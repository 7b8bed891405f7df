/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-citizen-screen.h"
#include "mc-scanner.h"
#include "mc-self-service-session.h"
#include "mc-speaker.h"

G_BEGIN_DECLS

/* The self-service kiosk: a citizen alone picks a procedure from large
 * buttons, sees what to bring, scans each paper with step-by-step
 * prompts, and gets a package for the clerk (a McSelfServiceSession
 * folder, handed off). It offers nothing else: no ledger, no settings, no
 * other visit; it cannot be closed except by the self-service mode.
 * After the “self-service-timeout” setting without input (a countdown
 * shows before) the unfinished package is wiped and the welcome returns.
 *
 * Signals:
 *   call-clerk ()                                    “Call a clerk” pressed
 *   hand-off (procedure_code, folder, short_code)    a package is ready
 *   leave-requested ()                               the staff button */

typedef enum {
  MC_KIOSK_CHOOSE,      /* the procedure buttons */
  MC_KIOSK_BRING,       /* what to bring */
  MC_KIOSK_PLACE,       /* put a paper or the card on the scanner */
  MC_KIOSK_SCANNING,
  MC_KIOSK_REVIEW,      /* the pages of one paper, to check */
  MC_KIOSK_READY,       /* handed off: the code for the clerk */
} McKioskPhase;

#define MC_TYPE_SELF_SERVICE_WINDOW (mc_self_service_window_get_type ())
G_DECLARE_FINAL_TYPE (McSelfServiceWindow, mc_self_service_window, MC, SELF_SERVICE_WINDOW, AdwWindow)

/* @base_dir: where sessions go; NULL: $XDG_DATA_HOME/motcua/self-service. */
McSelfServiceWindow  *mc_self_service_window_new          (GtkApplication      *application,
                                                           GSettings           *settings,
                                                           McProcedureCatalog  *procedures,
                                                           McScanner           *scanner,
                                                           McSpeaker           *speaker,
                                                           const char          *base_dir);
McKioskPhase          mc_self_service_window_get_phase    (McSelfServiceWindow *self);
McCitizenScreen      *mc_self_service_window_get_screen   (McSelfServiceWindow *self);
/* The package being made, or NULL. */
McSelfServiceSession *mc_self_service_window_get_session  (McSelfServiceWindow *self);
/* The scanner's last problem shown to the citizen, or NULL. */
const char           *mc_self_service_window_get_status   (McSelfServiceWindow *self);
gboolean              mc_self_service_window_is_counting_down (McSelfServiceWindow *self);
/* The clerk answered a call: the citizen is told someone is coming. */
void                  mc_self_service_window_acknowledge_call (McSelfServiceWindow *self);
/* Wipes what is unfinished and shows the procedure buttons. */
void                  mc_self_service_window_reset        (McSelfServiceWindow *self);
/* Only the self-service mode closes the window. */
void                  mc_self_service_window_close_for_good (McSelfServiceWindow *self);

G_END_DECLS
