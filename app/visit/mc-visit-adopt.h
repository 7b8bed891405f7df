/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-visit-store.h"

G_BEGIN_DECLS

/* A citizen's self-service folder becomes a visit at the counter: the
 * folder (session.json, marked handed off, and one page store per paper;
 * see mc-self-service-session.h) is read, a visit of the same procedure is
 * made in @store, every page is copied into the visit's papers, and only
 * then is the folder deleted. If anything fails, the folder stays as it
 * was (nothing the citizen scanned is lost) and the half-made visit is
 * abandoned. */
void     mc_visit_store_adopt_async  (McVisitStore        *store,
                                      const char          *folder,
                                      const char          *ward_code,
                                      const char          *counter,
                                      const char          *clerk,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
McVisit *mc_visit_store_adopt_finish (McVisitStore        *store,
                                      GAsyncResult        *result,
                                      GError             **error);

/* The folders in @base_dir a citizen handed off and no visit has taken
 * yet (the program stopped in between). */
GPtrArray *mc_visit_adopt_list_pending (const char       *base_dir);

G_END_DECLS
