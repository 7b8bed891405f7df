/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a procedure catalog override (procedures.json) as a
 * ward could edit it, loaded and used as the program uses it. */
#include "config.h"

#include <string.h>

#include "mc-fuzz.h"
#include "mc-package.h"
#include "mc-procedure-catalog.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(McProcedureCatalog) catalog = NULL;
  guint n;

  mc_fuzz_init ();
  catalog = mc_procedure_catalog_new_from_bytes (bytes, "procedures.json", &error);
  if ((catalog == NULL) == (error == NULL))
    __builtin_trap ();
  if (catalog == NULL)
    return 0;

  n = mc_procedure_catalog_get_n_procedures (catalog);
  for (guint i = 0; i < n && i < 200; i++)
    {
      const McProcedure *p = mc_procedure_catalog_get_procedure (catalog, i);
      char *url = mc_procedure_dup_apply_url (p);

      if (p->code == NULL || p->name == NULL || p->portal == NULL || p->components == NULL)
        __builtin_trap ();
      if (mc_procedure_catalog_lookup (catalog, p->code) == NULL ||
          mc_procedure_catalog_get_portal (catalog, p->portal->key) != p->portal)
        __builtin_trap ();
      g_free (url);
      mc_catalog_text (p->name, p->name_en);
      for (guint c = 0; c < p->components->len; c++)
        {
          const McComponent *component = g_ptr_array_index (p->components, c);
          g_autofree char *name = NULL;

          if (component->key == NULL || mc_procedure_find_component (p, component->key) == NULL)
            __builtin_trap ();
          mc_component_profile_to_string (component->profile);
          /* Keys become file names in the package. */
          name = mc_package_dup_file_name (c + 1, component->key, "pdf");
          if (name == NULL || strchr (name, '/') != NULL)
            __builtin_trap ();
        }
    }
  g_ptr_array_unref (mc_procedure_catalog_search (catalog, "khai sinh"));
  return 0;
}
