/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-ledger.h"
#include "mc-visit.h"

G_BEGIN_DECLS

/* Recording a visit's filing in the ledger once its receipt is known,
 * shared by the visit view (the clerk typed the receipt, or the upload
 * finished while the view was open) and the application (the outbox sent
 * a visit no view shows, perhaps after a restart).
 *
 * The record carries the visit's filing UUID, so repeating it is
 * harmless; still, while one record of a visit is under way, further
 * calls for that visit wait for it and get its result instead of
 * recording again. Once started, a record finishes even if every caller
 * has gone (a cancelled caller only stops waiting). */

/* The outbox sent the visit's package and the portal gave @receipt: the
 * visit takes it (submitted through the API) unless it already has a
 * receipt. FALSE, with a reason, when the visit keeps another one or is
 * finished without it (abandoned). */
gboolean  mc_visit_take_portal_receipt   (McVisit              *visit,
                                          const char           *receipt,
                                          GError              **error);

/* @pages <= 0: the pages the package's manifest lists (the scanned pages
 * when there is no package). The visit must have its receipt (handed off
 * or uploaded); a recorded one returns TRUE at once. */
void      mc_visit_record_filing_async   (McVisit              *visit,
                                          McLedger             *ledger,
                                          int                   pages,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean  mc_visit_record_filing_finish  (McVisit              *visit,
                                          GAsyncResult         *result,
                                          GError              **error);
gboolean  mc_visit_is_recording          (McVisit              *visit);

/* The one path a filing takes to the ledger, for the visit session (the
 * clerk typed the receipt, or the upload brought it) and the application
 * (the outbox sent a visit no session shows, or the ledger opened late).
 * Whether the visit has a receipt not yet recorded. */
gboolean  mc_visit_filing_is_due         (McVisit              *visit);
/* Records the filing when it is due (mc_visit_record_filing_async()); a
 * recorded visit is answered at once. FALSE, and @callback is not called,
 * when there is nothing to record. @callback NULL: a failure is logged. */
gboolean  mc_visit_filing_record         (McVisit              *visit,
                                          McLedger             *ledger,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
/* Every visit of @visits (a GListModel of McVisit) whose filing is due. */
void      mc_visit_filing_record_all     (GListModel           *visits,
                                          McLedger             *ledger);

/* The pages a package's manifest lists; -1 if it cannot be read. Reads a
 * small file: call it off the main thread. */
int       mc_package_count_pages         (const char           *package_dir);

G_END_DECLS
