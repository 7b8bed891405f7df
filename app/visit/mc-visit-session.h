/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-cleanup.h"
#include "mc-id-reader.h"
#include "mc-ledger.h"
#include "mc-pdf-sign.h"
#include "mc-portal-outbox.h"
#include "mc-visit.h"

G_BEGIN_DECLS

#define MC_TYPE_VISIT_SESSION (mc_visit_session_get_type ())
G_DECLARE_FINAL_TYPE (McVisitSession, mc_visit_session, MC, VISIT_SESSION, GObject)

/* One open visit's workflow, without GTK: pages that arrive in the
 * visit's page stores are cleaned on worker threads (ID cards are read
 * instead), files are imported, the package is made, the receipt is taken
 * (typed, or brought back by the outbox) and the filing recorded in the
 * ledger. A view shows it and asks the clerk; the session decides and does.
 *
 * Signals:
 *   "changed"       anything shown may have changed
 *   "upload-changed" only the upload's status and progress changed
 *   "show-step" (step, component or NULL)  the clerk is taken to a step
 *                   ("papers", "review", "submit", "done"), and to a paper
 *   "page-cleaned" (component)  a page of that paper was cleaned
 *   "card-changed" (component)  its card read started, ended or has
 *                   nothing to read
 *   "pin-needed" (token, problem or NULL)  the clerk's PIN for the token
 *                   is needed to sign the papers; answer with
 *                   mc_visit_session_answer_pin() (@problem: why it is
 *                   asked again, e.g. a wrong PIN and the tries left)
 * Properties: "message" (with "message-is-error"), "busy", "component",
 * "upload-status", and what the clerk is doing now: "step", "papers-view",
 * "scanning", "use-feeder". */

McVisitSession *mc_visit_session_new             (McVisit         *visit,
                                                  GSettings       *settings);
McVisit        *mc_visit_session_get_visit       (McVisitSession  *self);
/* Cleans and reads what the stores hold already (a visit taken up again). */
void            mc_visit_session_start           (McVisitSession  *self);
/* Stops the work under way and stops following the stores, the outbox
 * and the settings (the view is gone); a record under way ends. */
void            mc_visit_session_close           (McVisitSession  *self);

void            mc_visit_session_set_ledger      (McVisitSession  *self,
                                                  McLedger        *ledger);
void            mc_visit_session_set_outbox      (McVisitSession  *self,
                                                  McPortalOutbox  *outbox);

/* The paper the clerk works on: messages about a card read are for it. */
void            mc_visit_session_set_component   (McVisitSession  *self,
                                                  const char      *key);
const char     *mc_visit_session_get_component   (McVisitSession  *self);

/* What the clerk is doing now, told by the view that shows the session
 * (the citizen screen follows it, mc-visit-citizen.h): the step shown
 * ("papers", "review", "submit", "done"), what the paper shows ("scan":
 * its pages, "card": the details read from its card), whether the
 * scanner is scanning for it and whether its papers go in the feeder. */
void            mc_visit_session_set_step        (McVisitSession  *self,
                                                  const char      *step);
const char     *mc_visit_session_get_step        (McVisitSession  *self);
void            mc_visit_session_set_papers_view (McVisitSession  *self,
                                                  const char      *papers_view);
const char     *mc_visit_session_get_papers_view (McVisitSession  *self);
void            mc_visit_session_set_scanning    (McVisitSession  *self,
                                                  gboolean         scanning);
gboolean        mc_visit_session_get_scanning    (McVisitSession  *self);
void            mc_visit_session_set_use_feeder  (McVisitSession  *self,
                                                  gboolean         use_feeder);
gboolean        mc_visit_session_get_use_feeder  (McVisitSession  *self);
/* The identity the clerk checks with the citizen: the one read from the
 * card of the paper worked on, if that paper is an ID card; NULL else. */
McIdentity     *mc_visit_session_get_shown_identity (McVisitSession *self);

const char     *mc_visit_session_get_message     (McVisitSession  *self);
gboolean        mc_visit_session_get_message_is_error (McVisitSession *self);
void            mc_visit_session_set_message     (McVisitSession  *self,
                                                  const char      *message,
                                                  gboolean         is_error);
gboolean        mc_visit_session_is_busy         (McVisitSession  *self);
gboolean        mc_visit_session_is_packaging    (McVisitSession  *self);
gboolean        mc_visit_session_is_recording    (McVisitSession  *self);

/* Cleaning */
gboolean        mc_visit_session_is_cleaning     (McVisitSession  *self,
                                                  const char      *component,
                                                  const char      *basename);
char           *mc_visit_session_dup_clean_thumbnail (McVisitSession *self,
                                                      const char     *component,
                                                      const char     *basename);
void            mc_visit_session_toggle_original (McVisitSession  *self,
                                                  const char      *component,
                                                  const char      *basename);
/* The clerk turned @page by hand: cleaned again, keeping that turn. */
void            mc_visit_session_page_rotated    (McVisitSession  *self,
                                                  const char      *component,
                                                  McPage          *page);

/* ID cards */
McIdResult     *mc_visit_session_get_card        (McVisitSession  *self,
                                                  const char      *component);
gboolean        mc_visit_session_is_reading_card (McVisitSession  *self,
                                                  const char      *component);
gboolean        mc_visit_session_identity_accepted_for (McVisitSession *self,
                                                        const char     *component);
void            mc_visit_session_accept_identity (McVisitSession  *self,
                                                  McIdentity      *identity);

/* Papers, package, hand-off */
void            mc_visit_session_import          (McVisitSession     *self,
                                                  const char * const *paths);
void            mc_visit_session_package         (McVisitSession  *self);
void            mc_visit_session_export_zip      (McVisitSession  *self,
                                                  const char      *path);
/* The package's files for the portal, in the procedure's order (the
 * manifest left out); empty when there is no package. */
GPtrArray      *mc_visit_session_list_package_files (McVisitSession *self);
void            mc_visit_session_set_identity_in_package (McVisitSession *self,
                                                          gboolean        include);
void            mc_visit_session_apply_receipt   (McVisitSession  *self,
                                                  const char      *receipt);
void            mc_visit_session_set_aside       (McVisitSession  *self);
void            mc_visit_session_abandon         (McVisitSession  *self);

/* The clerk's signature (setting "signing-key"): each paper's PDF is
 * signed as the files are made. */
typedef struct {
  char      *file;      /* the file's name in the package */
  char      *signer;    /* the certificate's holder; NULL: not signed */
  GDateTime *time;
  char      *problem;   /* why it is not signed */
} McComponentSignature;

/* @pin NULL: the clerk cancelled; the papers stay unsigned. The PIN is
 * kept in memory for the rest of the visit, never written anywhere. */
void            mc_visit_session_answer_pin      (McVisitSession  *self,
                                                  const char      *pin);
gboolean        mc_visit_session_is_asking_pin   (McVisitSession  *self);
/* @file: a name from mc_visit_session_list_package_files(). */
const McComponentSignature *
                mc_visit_session_get_signature   (McVisitSession  *self,
                                                  const char      *file);
char           *mc_visit_session_dup_signature_text (McVisitSession *self,
                                                     const char     *file);
/* Why the files may not be handed off or uploaded yet (the setting
 * "signing-required" and a paper not signed); NULL: they may. */
char           *mc_visit_session_dup_unsigned_reason (McVisitSession *self);

/* Upload through the outbox */
gboolean        mc_visit_session_upload_offered  (McVisitSession  *self);
gboolean        mc_visit_session_has_outbox      (McVisitSession  *self);
gboolean        mc_visit_session_upload_active   (McVisitSession  *self);
gboolean        mc_visit_session_is_enqueuing    (McVisitSession  *self);
gboolean        mc_visit_session_upload_failed   (McVisitSession  *self);
gboolean        mc_visit_session_can_upload      (McVisitSession  *self);
gboolean        mc_visit_session_can_retry_upload (McVisitSession *self);
const char     *mc_visit_session_get_upload_status (McVisitSession *self);
/* The progress bar's text and fraction; @visible: only while the files go. */
char           *mc_visit_session_dup_upload_progress (McVisitSession *self,
                                                      double         *fraction,
                                                      gboolean       *visible);
void            mc_visit_session_upload          (McVisitSession  *self);
void            mc_visit_session_upload_cancel   (McVisitSession  *self);
void            mc_visit_session_upload_retry    (McVisitSession  *self);

/* Digitization records (mc-visit-session-records.c): a copy of the
 * paper's record, pre-filled where empty from the catalog and the card
 * read; the clerk's saved one (kept as given); the top of its first page
 * read on a worker to fill what is still empty ("changed" when done). A
 * PDF imported into a paper has its signatures checked; the result is in
 * the record (mc_digit_record_dup_source_text()). */
McDigitRecord  *mc_visit_session_dup_record      (McVisitSession      *self,
                                                  const char          *component);
void            mc_visit_session_save_record     (McVisitSession      *self,
                                                  const char          *component,
                                                  const McDigitRecord *record);
void            mc_visit_session_read_record     (McVisitSession      *self,
                                                  const char          *component);
gboolean        mc_visit_session_is_reading_record (McVisitSession    *self,
                                                    const char        *component);

/* The page-cleaning policy, once for the visit and motcua-tool pack:
 * FALSE for papers that are not cleaned (ID cards are read as scanned). */
gboolean        mc_visit_cleanup_options         (const McComponent *component,
                                                  int                output_dpi,
                                                  gboolean           keep_blank,
                                                  gboolean           clerk_turned,
                                                  McCleanupOptions  *options);
/* Cleans one page with @options into the paper's clean folder, with its
 * thumbnail beside it, and keeps the result in the visit. Blocks. */
gboolean        mc_visit_clean_page              (McVisit                *visit,
                                                  const char             *component,
                                                  McPage                 *page,
                                                  const McCleanupOptions *options,
                                                  GCancellable           *cancellable,
                                                  GError                **error);

G_END_DECLS
