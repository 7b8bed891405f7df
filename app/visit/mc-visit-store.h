/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-visit.h"

G_BEGIN_DECLS

/* The visits on this computer ($XDG_DATA_HOME/motcua/visits): a GListModel
 * of the unfinished ones, which can be resumed, several at a time (a
 * citizen steps away to fetch a paper). Finished visits stay on disk until
 * the retention period has passed, then purge removes their folders. */

#define MC_TYPE_VISIT_STORE (mc_visit_store_get_type ())
G_DECLARE_FINAL_TYPE (McVisitStore, mc_visit_store, MC, VISIT_STORE, GObject)

McVisitStore *mc_visit_store_new        (const char          *dir,
                                         McProcedureCatalog  *catalog);
const char   *mc_visit_store_get_dir    (McVisitStore        *self);
guint         mc_visit_store_load       (McVisitStore        *self,
                                         GError             **error);
McVisit      *mc_visit_store_create     (McVisitStore        *self,
                                         const char          *procedure_code,
                                         const char          *ward_code,
                                         const char          *counter,
                                         const char          *clerk,
                                         GError             **error);
McVisit      *mc_visit_store_lookup     (McVisitStore        *self,
                                         const char          *id);
/* Asked for each visit past its retention before its folder is deleted:
 * TRUE keeps it (its package is still waiting to be sent, say). @visit is
 * NULL for a folder that cannot be read as a visit. */
typedef gboolean (*McVisitKeepFunc) (const char *visit_id,
                                     McVisit    *visit,
                                     gpointer    user_data);
void          mc_visit_store_set_keep_func (McVisitStore     *self,
                                            McVisitKeepFunc   func,
                                            gpointer          user_data,
                                            GDestroyNotify    destroy);
/* Every visit folder has a purge rule, counted in @retention_hours:
 *  - a finished visit (recorded, abandoned): from when it finished;
 *  - an unfinished one (a draft set aside, a visit stuck after hand-off or
 *    upload because recording fails): from its last change, the newest of
 *    updated_at and its files' modification times;
 *  - a folder that cannot be read (damaged, or its procedure missing from
 *    the catalog): from its files' newest modification time.
 * A visit the keep function keeps stays. Emits “visit-purged” (the id)
 * for each folder deleted. @now NULL: now. Returns how many went. */
guint         mc_visit_store_purge      (McVisitStore        *self,
                                         guint                retention_hours,
                                         GDateTime           *now,
                                         GError             **error);
/* When @visit is due to be purged (NULL: unknown visit). */
GDateTime    *mc_visit_store_dup_purge_time (McVisitStore    *self,
                                             McVisit         *visit,
                                             guint            retention_hours);
/* The earliest time after @now (NULL: now) something falls due, or NULL
 * when nothing will: when to purge next. */
GDateTime    *mc_visit_store_dup_next_due   (McVisitStore    *self,
                                             guint            retention_hours,
                                             GDateTime       *now);
gboolean      mc_visit_store_flush      (McVisitStore        *self,
                                         GError             **error);

G_END_DECLS
