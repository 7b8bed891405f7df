/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "mc-ledger-types.h"

G_BEGIN_DECLS

/* The one place that turns a procedure code into a name for counts and
 * reports. The ledger stores codes only; when the procedure catalog
 * arrives, these three functions read it instead of the table behind
 * them, and nothing else changes. Names are the official Vietnamese
 * names, which are proper names and are not translated. */

guint        mc_procedure_names_get_n_known      (void);
const char  *mc_procedure_names_get_code         (guint       index);
/* NULL for a code outside the list. */
const char  *mc_procedure_names_lookup           (const char *code);
/* The portal a procedure usually goes to, for the “+1” form. */
McChannel    mc_procedure_names_default_channel  (const char *code);
/* Position in the list for sorting; unknown codes sort after, by code. */
int          mc_procedure_names_compare          (const char *a,
                                                  const char *b);
/* The name, or “Procedure CODE” for a code outside the list. */
char        *mc_procedure_names_dup_label        (const char *code);

G_END_DECLS
