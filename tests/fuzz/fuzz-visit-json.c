/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a visit.json as a crash, a full disk or a hand could
 * leave it. Loaded, looked at, saved, and loaded again. */
#include "config.h"

#include "mc-fuzz.h"
#include "mc-identity.h"
#include "mc-visit.h"

static McProcedureCatalog *catalog;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisit) visit = NULL;

  /* A damaged visit.json is an error with a message: a critical is a crash. */
  mc_fuzz_init ();
  if (catalog == NULL)
    catalog = mc_procedure_catalog_new_builtin ();

  dir = g_build_filename (mc_fuzz_tmp_dir (), "visit", NULL);
  g_mkdir_with_parents (dir, 0700);
  path = mc_fuzz_write_file (dir, "visit.json", data, size);

  visit = mc_visit_load (dir, catalog, &error);
  if ((visit == NULL) == (error == NULL))
    __builtin_trap ();
  if (visit != NULL)
    {
      g_autoptr(McVisit) again = NULL;
      GPtrArray *missing = mc_visit_missing_required (visit);
      g_autofree char *id = g_strdup (mc_visit_get_id (visit));
      JsonObject *identity = mc_visit_get_identity (visit);

      g_ptr_array_unref (missing);
      mc_visit_state_get_label (mc_visit_get_state (visit));
      mc_visit_is_finished (visit);
      mc_visit_get_self_service_code (visit);
      if (identity != NULL)
        {
          /* As the visit view reads it back. */
          g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), identity);
          McIdentity *read = mc_identity_new_from_json (node, NULL);

          g_clear_object (&read);
        }

      /* What was loaded saves, and the saved file loads as the same visit. */
      if (!mc_visit_save (visit, &error))
        g_error ("cannot save: %s", error->message);
      g_clear_object (&visit);
      again = mc_visit_load (dir, catalog, &error);
      if (again == NULL || g_strcmp0 (mc_visit_get_id (again), id) != 0)
        __builtin_trap ();
    }
  return 0;
}
