/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "mc-ledger-types.h"
#include "mc-procedure-catalog.h"

G_BEGIN_DECLS

/* The one place that turns a procedure code into a name for counts and
 * reports. The ledger stores codes only; names, order and usual portals
 * come from @catalog, the procedure catalog the program runs with (NULL:
 * no code is known, labels are “Procedure CODE”). Names are the official
 * Vietnamese names, which are proper names and are not translated. */

guint        mc_procedure_names_get_n_known      (McProcedureCatalog *catalog);
const char  *mc_procedure_names_get_code         (McProcedureCatalog *catalog,
                                                  guint               index);
/* NULL for a code outside the list. */
const char  *mc_procedure_names_lookup           (McProcedureCatalog *catalog,
                                                  const char         *code);
/* The portal a procedure usually goes to, for the “+1” form. */
McChannel    mc_procedure_names_default_channel  (McProcedureCatalog *catalog,
                                                  const char         *code);
/* Position in the list for sorting; unknown codes sort after, by code. */
int          mc_procedure_names_compare          (McProcedureCatalog *catalog,
                                                  const char         *a,
                                                  const char         *b);
/* The name, or “Procedure CODE” for a code outside the list. */
char        *mc_procedure_names_dup_label        (McProcedureCatalog *catalog,
                                                  const char         *code);

G_END_DECLS
