/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Digitization codes and file names from templates (settings
 * "digitization-code-format" and "file-name-template";
 * docs/package-format.md lists the fields). A field is written {name} or,
 * for numbers, {name:0N} (zero-padded to N digits). */

#define MC_DEFAULT_CODE_FORMAT    "{ward_code}.{yyyymmdd}.{receipt}.{position:02}"
#define MC_DEFAULT_NAME_TEMPLATE  "{receipt}-{position:02}-{key}"

typedef struct {
  const char *ward_code;
  GDateTime  *date;            /* the visit's day (local time) */
  const char *receipt;         /* the portal's receipt code; NULL: not known yet */
  const char *visit_id;        /* UUID; its first 8 digits stand in for the receipt */
  const char *procedure_code;
  const char *key;             /* the component's catalog key */
  guint       position;        /* the component's place in the procedure, from 1 */
  guint       file;            /* the file's place in the component, from 1 */
} McNamingContext;

char *mc_naming_expand         (const char            *template_,
                                const McNamingContext *context,
                                GError               **error);
/* ASCII letters, digits, '.', '_' and '-' only: diacritics are dropped
 * (Đ becomes D), '/' and anything else become '-'; never empty, never
 * starting with '.', at most 120 bytes. */
char *mc_naming_sanitize       (const char            *name);

G_END_DECLS
