/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-citizen-screen.h"
#include "mc-visit-view.h"

G_BEGIN_DECLS

/* The citizen screen follows the visit the clerk has open: which step,
 * which paper to place, the pages as they are scanned, the details read
 * from the card, and at the end the receipt. It reads the visit view's
 * state and never holds anything the clerk types elsewhere (another
 * visit, the ledger, the settings). With no visit open the screen
 * welcomes the next citizen. */

#define MC_TYPE_VISIT_CITIZEN (mc_visit_citizen_get_type ())
G_DECLARE_FINAL_TYPE (McVisitCitizen, mc_visit_citizen, MC, VISIT_CITIZEN, GObject)

McVisitCitizen *mc_visit_citizen_new      (McCitizenScreen *screen);
McCitizenScreen *mc_visit_citizen_get_screen (McVisitCitizen *self);
/* @view: the visit shown to the clerk, or NULL when none is. */
void            mc_visit_citizen_set_view (McVisitCitizen  *self,
                                           McVisitView     *view);
McVisitView    *mc_visit_citizen_get_view (McVisitCitizen  *self);

G_END_DECLS
