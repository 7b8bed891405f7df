/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-page-store.h"
#include "mc-procedure-catalog.h"

G_BEGIN_DECLS

/* What a citizen scans alone in self-service mode, before a clerk takes
 * it over: a folder $XDG_DATA_HOME/motcua/self-service/<uuid>/ (0700)
 * holding session.json and one page store per paper of the procedure
 * (<uuid>/<component-key>/). When the citizen is done the session is
 * handed off (session.json says so) and the clerk's visit workflow takes
 * the folder; a session left unfinished is wiped, folder and all. */

#define MC_TYPE_SELF_SERVICE_SESSION (mc_self_service_session_get_type ())
G_DECLARE_FINAL_TYPE (McSelfServiceSession, mc_self_service_session, MC, SELF_SERVICE_SESSION, GObject)

char                 *mc_self_service_get_base_dir            (void);

/* @base_dir: NULL for mc_self_service_get_base_dir(). */
McSelfServiceSession *mc_self_service_session_new             (const char            *base_dir,
                                                               const McProcedure     *procedure,
                                                               GError               **error);
const char           *mc_self_service_session_get_dir         (McSelfServiceSession  *self);
const char           *mc_self_service_session_get_id          (McSelfServiceSession  *self);
/* Four characters the citizen tells the clerk, such as “K7QM”. */
const char           *mc_self_service_session_get_short_code  (McSelfServiceSession  *self);
const char           *mc_self_service_session_get_procedure_code (McSelfServiceSession *self);
/* The store of one paper, made on first use. */
McPageStore          *mc_self_service_session_get_store       (McSelfServiceSession  *self,
                                                               const char            *component_key,
                                                               GError               **error);
guint                 mc_self_service_session_count_pages     (McSelfServiceSession  *self,
                                                               const char            *component_key);
gboolean              mc_self_service_session_is_handed_off   (McSelfServiceSession  *self);
/* Writes session.json with every paper and its pages, marked handed off. */
gboolean              mc_self_service_session_hand_off        (McSelfServiceSession  *self,
                                                               GError               **error);
/* Deletes the folder and everything in it. The stores must be idle. */
gboolean              mc_self_service_session_wipe            (McSelfServiceSession  *self,
                                                               GError               **error);

/* What session.json in @dir says of a session handed off: the procedure,
 * the citizen's code (NULL if none), and each paper's folder (a name
 * inside @dir, never a path out of it) with its page count. NULL and
 * @error (G_IO_ERROR_INVALID_DATA, in words for the clerk) when the file
 * is damaged or the citizen has not finished. */
typedef struct {
  char      *procedure_code;
  char      *short_code;
  GPtrArray *folders;       /* char * */
  GArray    *page_counts;   /* guint, parallel to folders */
} McSelfServiceHandOff;

McSelfServiceHandOff *mc_self_service_read_hand_off (const char            *dir,
                                                     GError               **error);
void                  mc_self_service_hand_off_free (McSelfServiceHandOff  *hand_off);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McSelfServiceHandOff, mc_self_service_hand_off_free)

/* Removes sessions nobody finished (a program stopped mid-way) and
 * handed-off ones older than @retention_hours. Returns how many. */
guint                 mc_self_service_purge                   (const char            *base_dir,
                                                               guint                  retention_hours,
                                                               GError               **error);
/* Removes only the sessions nobody finished, whatever their age (the
 * program starting: no citizen is at the kiosk). */
guint                 mc_self_service_purge_unfinished        (const char            *base_dir,
                                                               GError               **error);

G_END_DECLS
