/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mc-procedure-names.h"

/* Names and usual portals come from the procedure catalog the program runs
 * with (resources/procedures.json or the ward's own), given by the caller:
 * one list, so a code reissued in the catalog is reissued in the reports
 * too. */

static const McProcedure *
lookup (McProcedureCatalog *catalog,
        const char         *code)
{
  return catalog != NULL ? mc_procedure_catalog_lookup (catalog, code) : NULL;
}

static int
index_of (McProcedureCatalog *catalog,
          const char         *code)
{
  guint n = mc_procedure_names_get_n_known (catalog);

  for (guint i = 0; code != NULL && i < n; i++)
    if (g_str_equal (mc_procedure_catalog_get_procedure (catalog, i)->code, code))
      return (int) i;
  return -1;
}

guint
mc_procedure_names_get_n_known (McProcedureCatalog *catalog)
{
  g_return_val_if_fail (catalog == NULL || MC_IS_PROCEDURE_CATALOG (catalog), 0);
  return catalog != NULL ? mc_procedure_catalog_get_n_procedures (catalog) : 0;
}

const char *
mc_procedure_names_get_code (McProcedureCatalog *catalog,
                             guint               index)
{
  const McProcedure *p;

  g_return_val_if_fail (MC_IS_PROCEDURE_CATALOG (catalog), NULL);
  p = mc_procedure_catalog_get_procedure (catalog, index);
  g_return_val_if_fail (p != NULL, NULL);
  return p->code;
}

const char *
mc_procedure_names_lookup (McProcedureCatalog *catalog,
                           const char         *code)
{
  const McProcedure *p = lookup (catalog, code);

  return p != NULL ? p->name : NULL;
}

McChannel
mc_procedure_names_default_channel (McProcedureCatalog *catalog,
                                    const char         *code)
{
  const McProcedure *p = lookup (catalog, code);
  McChannel channel = MC_CHANNEL_PROVINCIAL;

  if (p != NULL)
    mc_channel_from_string (p->portal->key, &channel);
  return channel;
}

int
mc_procedure_names_compare (McProcedureCatalog *catalog,
                            const char         *a,
                            const char         *b)
{
  int ia = index_of (catalog, a), ib = index_of (catalog, b);

  if (ia >= 0 && ib >= 0)
    return ia - ib;
  if (ia >= 0)
    return -1;
  if (ib >= 0)
    return 1;
  return g_strcmp0 (a, b);
}

char *
mc_procedure_names_dup_label (McProcedureCatalog *catalog,
                              const char         *code)
{
  const char *name = mc_procedure_names_lookup (catalog, code);

  if (name != NULL)
    return g_strdup (name);
  /* Translators: a procedure whose code is not in the program's list */
  return g_strdup_printf (_("Procedure %s"), code);
}
