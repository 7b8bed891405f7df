/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-ledger.h"
#include "mc-ledger-link.h"
#include "mc-reception-page.h"
#include "mc-ward-catalog.h"

G_BEGIN_DECLS

#define MC_TYPE_WINDOW (mc_window_get_type ())
G_DECLARE_FINAL_TYPE (McWindow, mc_window, MC, WINDOW, AdwApplicationWindow)

McWindow   *mc_window_new                 (GtkApplication *application,
                                           GSettings      *settings,
                                           McWardCatalog  *catalog);
const char *mc_window_get_visible_section (McWindow       *self);
void        mc_window_show_section        (McWindow       *self,
                                           const char     *name);
void        mc_window_add_toast           (McWindow       *self,
                                           const char     *message);
char       *mc_window_dup_header_text     (McWindow       *self);
void        mc_window_set_ledger          (McWindow       *self,
                                           McLedger       *ledger);
McLedger   *mc_window_get_ledger          (McWindow       *self);
void        mc_window_set_ledger_error    (McWindow       *self,
                                           const char     *message);
/* The ward's or the city's ledger server, for the supervisor view. */
void        mc_window_set_ledger_link     (McWindow       *self,
                                           McLedgerLink   *link);

void        mc_window_set_outbox          (McWindow       *self,
                                           McPortalOutbox *outbox);
void        mc_window_set_services        (McWindow           *self,
                                           McVisitStore       *visits,
                                           McProcedureCatalog *catalog,
                                           McScanner          *scanner,
                                          McCitizenScreen    *citizen_screen);
McReceptionPage *mc_window_get_reception  (McWindow           *self);

G_END_DECLS
