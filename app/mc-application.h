/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-citizen-desk.h"
#include "mc-citizen-screen.h"
#include "mc-ledger.h"
#include "mc-self-service.h"
#include "mc-portal-outbox.h"
#include "mc-services.h"
#include "mc-visit-store.h"
#include "mc-ward-catalog.h"

G_BEGIN_DECLS

#define MC_TYPE_APPLICATION (mc_application_get_type ())
G_DECLARE_FINAL_TYPE (McApplication, mc_application, MC, APPLICATION, AdwApplication)

McApplication *mc_application_new         (void);
GSettings     *mc_application_get_settings (McApplication *self);
McWardCatalog *mc_application_get_catalog  (McApplication *self);
McLedger      *mc_application_get_ledger   (McApplication *self);
McCitizenScreen *mc_application_get_citizen_screen (McApplication *self);
McCitizenDesk *mc_application_get_citizen_desk (McApplication *self);
McSelfService *mc_application_get_self_service (McApplication *self);
McPortalOutbox *mc_application_get_outbox  (McApplication *self);
McVisitStore  *mc_application_get_visits   (McApplication *self);
const char    *mc_application_get_outbox_problem (McApplication *self);
McServices    *mc_application_get_services (McApplication *self);

G_END_DECLS
