/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The procedures a counter helps with, the papers each needs, and the
 * portals they are filed on: data (resources/procedures.json), replaceable
 * per ward by $XDG_CONFIG_HOME/motcua/procedures.json. Codes are reissued
 * from time to time, so nothing in the program depends on a given code. */

typedef enum {
  MC_PROFILE_DOCUMENT,
  MC_PROFILE_ID_CARD,
  MC_PROFILE_PHOTO,
} McComponentProfile;

typedef struct {
  char               *key;        /* stable, ASCII: "to-khai" */
  char               *name;
  char               *name_en;
  gboolean            required;
  GStrv               formats;    /* "pdf", "jpg", "png" */
  McComponentProfile  profile;
  char               *hint;
  char               *hint_en;
} McComponent;

typedef struct {
  char  *key;                     /* = ledger channel: "national", "provincial", … */
  char  *name;
  char  *name_en;
  char  *home;
  char  *apply_url;               /* with {code}; NULL: no deep link known */
  char  *note;
  char  *note_en;
  guint  file_limit_mb;
  guint  total_limit_mb;
  GStrv  formats;
} McPortal;

typedef struct {
  char      *code;
  char      *name;                /* the official Vietnamese name */
  char      *name_en;
  char      *field;
  char      *field_en;
  char      *fee;
  char      *fee_en;
  McPortal  *portal;              /* owned by the catalog */
  GPtrArray *components;          /* McComponent */
} McProcedure;

const char   *mc_component_profile_to_string (McComponentProfile profile);
const McComponent *mc_procedure_find_component (const McProcedure *procedure,
                                                const char        *key);
char         *mc_procedure_dup_apply_url   (const McProcedure *procedure);

/* The text of a data field in the language the program speaks: the
 * English variant when the UI is in English, else the Vietnamese one. */
const char   *mc_catalog_text              (const char *vietnamese,
                                            const char *english);

#define MC_TYPE_PROCEDURE_CATALOG (mc_procedure_catalog_get_type ())
G_DECLARE_FINAL_TYPE (McProcedureCatalog, mc_procedure_catalog, MC, PROCEDURE_CATALOG, GObject)

McProcedureCatalog *mc_procedure_catalog_new_from_bytes (GBytes     *bytes,
                                                         const char *origin,
                                                         GError    **error);
McProcedureCatalog *mc_procedure_catalog_new_from_file  (GFile      *file,
                                                         GError    **error);
McProcedureCatalog *mc_procedure_catalog_new_builtin    (void);
McProcedureCatalog *mc_procedure_catalog_load           (GError   **override_error);
GFile              *mc_procedure_catalog_get_override_file (void);

const char         *mc_procedure_catalog_get_origin     (McProcedureCatalog *self);
guint               mc_procedure_catalog_get_n_procedures (McProcedureCatalog *self);
const McProcedure  *mc_procedure_catalog_get_procedure  (McProcedureCatalog *self,
                                                         guint               index);
const McProcedure  *mc_procedure_catalog_lookup         (McProcedureCatalog *self,
                                                         const char         *code);
const McPortal     *mc_procedure_catalog_get_portal     (McProcedureCatalog *self,
                                                         const char         *key);
GPtrArray          *mc_procedure_catalog_search         (McProcedureCatalog *self,
                                                         const char         *query);

char               *mc_text_fold                        (const char         *text);

G_END_DECLS
