/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-scanner.h"
#include "mc-visit.h"
#include "mc-visit-session.h"

G_BEGIN_DECLS

#define MC_TYPE_VISIT_VIEW (mc_visit_view_get_type ())
G_DECLARE_FINAL_TYPE (McVisitView, mc_visit_view, MC, VISIT_VIEW, AdwBin)

/* The clerk's work on one visit: the papers, one component at a time
 * (scan with the component's preset, import files, or drop them), then
 * review and package, then file on the portal and record the receipt.
 * It shows a session made by whoever opens the visit (with the ledger and
 * the outbox it needs), tells it what the clerk does (step, paper,
 * scanner), and closes it when the view goes.
 * Emits "closed" when the visit is finished or set aside. */
GtkWidget   *mc_visit_view_new            (McVisitSession *session,
                                           McScanner      *scanner,
                                           GSettings      *settings);
McVisit     *mc_visit_view_get_visit      (McVisitView *self);
/* The workflow the view shows. */
McVisitSession *mc_visit_view_get_session (McVisitView *self);
const char  *mc_visit_view_get_upload_status (McVisitView *self);
void         mc_visit_view_show_step      (McVisitView *self,
                                           const char  *step);
const char  *mc_visit_view_get_step       (McVisitView *self);
void         mc_visit_view_select_component (McVisitView *self,
                                             const char  *key);
const char  *mc_visit_view_get_component_key (McVisitView *self);
const char  *mc_visit_view_get_message    (McVisitView *self);
GtkWidget   *mc_visit_view_get_scan_panel (McVisitView *self);
GtkWidget   *mc_visit_view_get_identity_form (McVisitView *self);
const char  *mc_visit_view_get_papers_view (McVisitView *self);
gboolean     mc_visit_view_is_busy        (McVisitView *self);

G_END_DECLS
