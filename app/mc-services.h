/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-ledger.h"
#include "mc-ledger-link.h"
#include "mc-portal-outbox.h"
#include "mc-procedure-catalog.h"
#include "mc-scanner.h"
#include "mc-visit-store.h"
#include "mc-ward-catalog.h"

G_BEGIN_DECLS

#define MC_TYPE_SERVICES (mc_services_get_type ())
G_DECLARE_FINAL_TYPE (McServices, mc_services, MC, SERVICES, GObject)

/* What the counter's program runs besides its windows, without GTK: the
 * ward and procedure catalogs, the ledger (opened on a worker) and its
 * link to the ward's or the city's ledger server (McLedgerLink: pushes in
 * the background, poked after each write, stopped at shutdown), the outbox
 * of portal uploads, the scanner, the visits and their retention purge,
 * and the reconciliation outbox → visit → ledger (a receipt the outbox
 * brings back is the visit's, and its filing is recorded once).
 *
 * Signals:
 *   "ledger-opened"  the ledger is open, or could not be (get_ledger() is
 *                    NULL and get_ledger_problem() says why)
 *   "adopted" (McVisit or NULL, short code or NULL, reason or NULL)
 *                    papers from the self-service screen became a visit,
 *                    or could not */

/* Whether a window shows @visit (the clerk works on it): the purge keeps it. */
typedef gboolean (*McServicesVisitOpenFunc) (McVisit  *visit,
                                             gpointer  user_data);
/* Whether the self-service folders may be purged now (no citizen at the kiosk). */
typedef gboolean (*McServicesKioskIdleFunc) (gpointer  user_data);

McServices         *mc_services_new                  (GSettings  *settings);

GSettings          *mc_services_get_settings         (McServices *self);
McWardCatalog      *mc_services_get_ward_catalog     (McServices *self);
const char         *mc_services_get_ward_catalog_problem (McServices *self);
McProcedureCatalog *mc_services_get_procedures       (McServices *self);
const char         *mc_services_get_procedures_problem (McServices *self);
McLedger           *mc_services_get_ledger           (McServices *self);
const char         *mc_services_get_ledger_problem   (McServices *self);
McLedgerLink       *mc_services_get_ledger_link      (McServices *self);
McPortalOutbox     *mc_services_get_outbox           (McServices *self);
const char         *mc_services_get_outbox_problem   (McServices *self);
McScanner          *mc_services_get_scanner          (McServices *self);
McVisitStore       *mc_services_get_visits           (McServices *self);
/* Unfinished visits found at start. */
guint               mc_services_get_resumable        (McServices *self);

void                mc_services_set_visit_open_func  (McServices              *self,
                                                      McServicesVisitOpenFunc  func,
                                                      gpointer                 user_data);
void                mc_services_set_kiosk_idle_func  (McServices              *self,
                                                      McServicesKioskIdleFunc  func,
                                                      gpointer                 user_data);

/* The papers a citizen prepared at the self-service screen in @folder
 * become a visit of this counter ("adopted" tells how it went). */
void                mc_services_adopt_self_service   (McServices *self,
                                                      const char *folder,
                                                      const char *short_code);
/* At start: unfinished self-service folders are removed, finished ones
 * taken into visits. */
void                mc_services_adopt_pending        (McServices *self);

/* The program stops: an upload in flight stays queued for the next start. */
void                mc_services_shutdown             (McServices *self);

G_END_DECLS
