/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-citizen-screen.h"
#include "mc-ledger.h"
#include "mc-portal-outbox.h"
#include "mc-scanner.h"
#include "mc-visit-store.h"

G_BEGIN_DECLS

#define MC_TYPE_RECEPTION_PAGE (mc_reception_page_get_type ())
G_DECLARE_FINAL_TYPE (McReceptionPage, mc_reception_page, MC, RECEPTION_PAGE, AdwBin)

/* The Reception section: the visits in progress down the side (several at
 * once: a citizen steps away to fetch a paper), a new visit, and the
 * current visit's work area. */
GtkWidget   *mc_reception_page_new          (McVisitStore       *visits,
                                             McProcedureCatalog *catalog,
                                             McScanner          *scanner,
                                             GSettings          *settings);
void         mc_reception_page_set_ledger   (McReceptionPage    *self,
                                             McLedger           *ledger);
void         mc_reception_page_set_citizen_screen (McReceptionPage *self,
                                                   McCitizenScreen *screen);
void         mc_reception_page_set_outbox   (McReceptionPage    *self,
                                             McPortalOutbox     *outbox);
void         mc_reception_page_new_visit    (McReceptionPage    *self);
McVisit     *mc_reception_page_start_visit  (McReceptionPage    *self,
                                             const char         *procedure_code,
                                             GError            **error);
void         mc_reception_page_open_visit   (McReceptionPage    *self,
                                             McVisit            *visit);
GtkWidget   *mc_reception_page_get_visit_view (McReceptionPage  *self);
GtkWidget   *mc_reception_page_get_chooser  (McReceptionPage    *self);

G_END_DECLS
