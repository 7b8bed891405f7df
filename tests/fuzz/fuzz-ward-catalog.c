/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a ward catalog override (wards.json) as a ward's IT
 * contact could edit it, loaded and walked as the program walks it. */
#include "config.h"

#include "mc-fuzz.h"
#include "mc-ward-catalog.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(McWardCatalog) catalog = NULL;
  guint n;

  mc_fuzz_init ();
  catalog = mc_ward_catalog_new_from_bytes (bytes, "wards.json", &error);
  if ((catalog == NULL) == (error == NULL))
    __builtin_trap ();
  if (catalog == NULL)
    return 0;

  mc_ward_catalog_get_province_code (catalog);
  mc_ward_catalog_get_province_name (catalog);
  n = mc_ward_catalog_get_n_units (catalog);
  for (guint i = 0; i < n && i < 200; i++)
    {
      const McWardUnit *unit = mc_ward_catalog_get_unit (catalog, i);
      McDay from = mc_ward_unit_get_from (unit);
      McDay until = mc_ward_unit_get_until (unit);

      if (mc_ward_unit_get_id (unit) == NULL || mc_ward_unit_get_code (unit) == NULL ||
          mc_ward_unit_get_name (unit) == NULL)
        __builtin_trap ();
      if (mc_ward_catalog_lookup_id (catalog, mc_ward_unit_get_id (unit)) != unit)
        __builtin_trap ();
      g_free (mc_day_format (from));
      mc_ward_unit_get_kind (unit);
      mc_ward_unit_get_district_code (unit);
      mc_ward_unit_get_district_name (unit);
      mc_ward_unit_get_basis (unit);
      mc_ward_unit_get_successor (unit);
      mc_ward_unit_is_valid_on (unit, from);
      mc_ward_catalog_lookup (catalog, mc_ward_unit_get_code (unit), from);
      mc_ward_catalog_lookup_current (catalog, mc_ward_unit_get_code (unit), until);
      mc_ward_catalog_resolve (catalog, unit, until != MC_DAY_OPEN ? until + 1 : from);
      g_ptr_array_unref (mc_ward_catalog_predecessors (catalog, unit));
      g_ptr_array_unref (mc_ward_catalog_units_on (catalog, from));
    }
  return 0;
}
