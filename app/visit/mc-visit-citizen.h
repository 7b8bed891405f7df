/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-citizen-screen.h"
#include "mc-visit-session.h"

G_BEGIN_DECLS

/* The citizen screen follows the visit the clerk has open: which step,
 * which paper to place, the pages as they are scanned, the details read
 * from the card, and at the end the receipt. It reads the visit session
 * (the visit, and what the clerk is doing now: step, paper, scanner) and
 * never holds anything the clerk types elsewhere (another visit, the
 * ledger, the settings). With no session, the screen welcomes the next
 * citizen. No GTK: the view only tells the session what the clerk does. */

#define MC_TYPE_VISIT_CITIZEN (mc_visit_citizen_get_type ())
G_DECLARE_FINAL_TYPE (McVisitCitizen, mc_visit_citizen, MC, VISIT_CITIZEN, GObject)

McVisitCitizen  *mc_visit_citizen_new         (McCitizenScreen *screen);
McCitizenScreen *mc_visit_citizen_get_screen  (McVisitCitizen  *self);
/* @session: the visit shown to the clerk, or NULL when none is. */
void             mc_visit_citizen_set_session (McVisitCitizen  *self,
                                               McVisitSession  *session);
McVisitSession  *mc_visit_citizen_get_session (McVisitCitizen  *self);

G_END_DECLS
