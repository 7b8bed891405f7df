/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "mc-cleanup.h"
#include "mc-digit-record.h"
#include "mc-page-store.h"
#include "mc-procedure-catalog.h"

G_BEGIN_DECLS

/* One citizen's visit: the procedure, the papers gathered for each of its
 * components, the identity read from the card, and how far the filing has
 * got. It lives in its own folder (0700), visit.json (0600) written
 * atomically on every change, one page store per component. */

typedef enum {
  MC_VISIT_DRAFT,        /* gathering papers */
  MC_VISIT_READY,        /* every required component has pages */
  MC_VISIT_PACKAGED,     /* the files for the portal are made */
  MC_VISIT_HANDED_OFF,   /* filed in the browser; the receipt code is known */
  MC_VISIT_UPLOADED,     /* filed through the portal's API; receipt known */
  MC_VISIT_RECORDED,     /* in the ledger: finished */
  MC_VISIT_ABANDONED,    /* the citizen left without filing: finished */
} McVisitState;

typedef enum {
  MC_SUBMIT_NONE,
  MC_SUBMIT_BROWSER,
  MC_SUBMIT_API,
} McSubmitMethod;

/* What the cleanup made of one scanned page, kept for the page strip and
 * the package; the original scan stays until the visit ends ("undo"). */
typedef struct {
  char       *output;     /* basename in the component's .clean folder; NULL if dropped blank */
  McPageKind  kind;
  int         rotation;
  double      skew;
  gboolean    blank;
  gboolean    undone;     /* the clerk chose the original over the cleaned page */
} McPageCleanup;

#define MC_VISIT_ERROR (mc_visit_error_quark ())
typedef enum {
  MC_VISIT_ERROR_INVALID,       /* visit.json is damaged or from a newer program */
  MC_VISIT_ERROR_UNKNOWN_PROCEDURE,
  MC_VISIT_ERROR_STATE,         /* not possible in the visit's state */
  MC_VISIT_ERROR_STORAGE,
} McVisitError;
GQuark mc_visit_error_quark (void);

#define MC_TYPE_VISIT (mc_visit_get_type ())
G_DECLARE_FINAL_TYPE (McVisit, mc_visit, MC, VISIT, GObject)

McVisit           *mc_visit_create            (const char          *visits_dir,
                                               McProcedureCatalog  *catalog,
                                               const char          *procedure_code,
                                               const char          *ward_code,
                                               const char          *counter,
                                               const char          *clerk,
                                               GError             **error);
McVisit           *mc_visit_load              (const char          *dir,
                                               McProcedureCatalog  *catalog,
                                               GError             **error);

const char        *mc_visit_get_id            (McVisit *self);
const char        *mc_visit_get_dir           (McVisit *self);
const McProcedure *mc_visit_get_procedure     (McVisit *self);
const char        *mc_visit_get_ward_code     (McVisit *self);
const char        *mc_visit_get_counter       (McVisit *self);
const char        *mc_visit_get_clerk         (McVisit *self);
GDateTime         *mc_visit_get_created       (McVisit *self);
GDateTime         *mc_visit_get_finished      (McVisit *self);
GDateTime         *mc_visit_get_updated       (McVisit *self);
McVisitState       mc_visit_get_state         (McVisit *self);
gboolean           mc_visit_is_finished       (McVisit *self);
const char        *mc_visit_state_to_string   (McVisitState state);
const char        *mc_visit_state_get_label   (McVisitState state);

/* Papers */
McPageStore       *mc_visit_get_pages         (McVisit     *self,
                                               const char  *component_key);
char              *mc_visit_dup_clean_dir     (McVisit     *self,
                                               const char  *component_key);
guint              mc_visit_count_pages       (McVisit     *self,
                                               const char  *component_key);
guint              mc_visit_count_all_pages   (McVisit     *self);
GPtrArray         *mc_visit_missing_required  (McVisit     *self);
const McPageCleanup *mc_visit_get_cleanup     (McVisit     *self,
                                               const char  *component_key,
                                               const char  *page_basename);
void               mc_visit_set_cleanup       (McVisit               *self,
                                               const char            *component_key,
                                               const char            *page_basename,
                                               const McCleanupResult *result);
void               mc_visit_set_cleanup_undone (McVisit    *self,
                                                const char *component_key,
                                                const char *page_basename,
                                                gboolean    undone);
char              *mc_visit_dup_page_for_package (McVisit   *self,
                                                  const char *component_key,
                                                  McPage     *page);

/* The citizen */
JsonObject        *mc_visit_get_identity      (McVisit     *self);
void               mc_visit_set_identity      (McVisit     *self,
                                               JsonObject  *identity);
gboolean           mc_visit_get_identity_in_package (McVisit *self);
void               mc_visit_set_identity_in_package (McVisit *self,
                                                     gboolean  include);

/* The digitization record of each component (NULL: none yet) */
const McDigitRecord *mc_visit_get_record     (McVisit             *self,
                                              const char          *component_key);
void               mc_visit_set_record        (McVisit             *self,
                                               const char          *component_key,
                                               const McDigitRecord *record);

/* The filing */
const char        *mc_visit_get_package_dir   (McVisit     *self);
void               mc_visit_set_packaged      (McVisit     *self,
                                               const char  *package_dir);
const char        *mc_visit_get_receipt       (McVisit     *self);
McSubmitMethod     mc_visit_get_submit_method (McVisit     *self);
gboolean           mc_visit_set_receipt       (McVisit        *self,
                                               const char     *receipt,
                                               McSubmitMethod  method,
                                               GError        **error);
const char        *mc_visit_ensure_filing_uuid (McVisit    *self);
const char        *mc_visit_get_self_service_code (McVisit   *self);
void               mc_visit_set_self_service_code (McVisit   *self,
                                                   const char *code);
const char        *mc_visit_get_filing_uuid   (McVisit     *self);
void               mc_visit_set_recorded      (McVisit     *self);
void               mc_visit_abandon           (McVisit     *self);

/* Re-derives draft / ready from the pages (and drops a package made before
 * the pages changed). Views call it after changing pages. */
void               mc_visit_refresh_state     (McVisit     *self);

gboolean           mc_visit_save              (McVisit     *self,
                                               GError     **error);
void               mc_visit_schedule_save     (McVisit     *self);
gboolean           mc_visit_flush             (McVisit     *self,
                                               GError     **error);
void               mc_visit_set_purged        (McVisit     *self);

gboolean           mc_receipt_is_valid        (const char  *receipt);

G_END_DECLS
