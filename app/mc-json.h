/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Typed, non-warning accessors for data files the ward or an admin may edit:
 * json-glib's own getters emit criticals on a type mismatch, which a
 * malformed file must never cause. Each sets @error naming @where and @name. */

gboolean     mc_json_get_string   (JsonObject  *obj,
                                   const char  *where,
                                   const char  *name,
                                   gboolean     required,
                                   const char **out,
                                   GError     **error);
gboolean     mc_json_get_int      (JsonObject  *obj,
                                   const char  *where,
                                   const char  *name,
                                   gboolean     required,
                                   gint64      *out,
                                   GError     **error);
/* A number, whole or not. */
gboolean     mc_json_get_double   (JsonObject  *obj,
                                   const char  *where,
                                   const char  *name,
                                   gboolean     required,
                                   double      *out,
                                   GError     **error);
gboolean     mc_json_get_bool     (JsonObject  *obj,
                                   const char  *where,
                                   const char  *name,
                                   gboolean     required,
                                   gboolean    *out,
                                   GError     **error);
JsonObject  *mc_json_get_object   (JsonObject  *obj,
                                   const char  *where,
                                   const char  *name,
                                   gboolean     required,
                                   GError     **error);
JsonArray   *mc_json_get_array    (JsonObject  *obj,
                                   const char  *where,
                                   const char  *name,
                                   gboolean     required,
                                   GError     **error);
/* The whole of a data file a ward may edit; an error (MC_DATA_ERROR_NOT_FOUND)
 * names it as @origin. */
GBytes      *mc_data_load_file    (GFile       *file,
                                   const char  *origin,
                                   GError     **error);
JsonNode    *mc_json_parse_bytes  (GBytes      *bytes,
                                   const char  *origin,
                                   GError     **error);

/* A catalog (wards, procedures) made from a data file's bytes; @origin
 * names the file in errors. */
typedef gpointer (*McDataParseFunc) (GBytes      *bytes,
                                     const char  *origin,
                                     GError     **error);

/* Where the ward keeps its own copy of the data file @name:
 * $XDG_CONFIG_HOME/motcua/@name. */
GFile       *mc_data_get_override_file (const char      *name);
gpointer     mc_data_parse_file        (GFile           *file,
                                        McDataParseFunc  parse,
                                        GError         **error);
/* The copy of @name built into the program. The test suite validates
 * it, so failing here is a build defect, not bad input. */
gpointer     mc_data_parse_builtin     (const char      *name,
                                        McDataParseFunc  parse);
/* The ward's own @name when it is present and valid; the built-in one
 * otherwise, with @override_error saying why the ward's was not used, so
 * the caller can show it instead of silently ignoring the file. */
gpointer     mc_data_load              (const char      *name,
                                        McDataParseFunc  parse,
                                        GError         **override_error);

/* Writes @member: @value, or null when @value is NULL. */
void         mc_json_add_string_or_null (JsonBuilder *b,
                                         const char  *member,
                                         const char  *value);

G_END_DECLS
