/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a guide a ward put in its guides folder, read with the
 * built-in ones as the citizen screen reads them. */
#include "config.h"

#include <string.h>

#include "mc-fuzz.h"
#include "mc-guide-book.h"

static McProcedureCatalog *catalog;
static GFile *dir;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = NULL;
  g_autoptr(McGuideBook) book = NULL;
  GPtrArray *problems;

  mc_fuzz_init ();
  if (catalog == NULL)
    {
      g_autofree char *name = g_build_filename (mc_fuzz_tmp_dir (), "guides", NULL);

      catalog = mc_procedure_catalog_new_builtin ();
      g_mkdir_with_parents (name, 0700);
      dir = g_file_new_for_path (name);
    }

  path = mc_fuzz_write_file (g_file_peek_path (dir), "ward-guide.json", data, size);
  book = mc_guide_book_load (catalog, dir);
  if (book == NULL)
    __builtin_trap ();
  problems = mc_guide_book_get_problems (book);
  for (guint i = 0; i < problems->len; i++)
    if (!g_utf8_validate (g_ptr_array_index (problems, i), -1, NULL))
      __builtin_trap ();

  for (guint i = 0; i < mc_guide_book_get_n_guides (book); i++)
    {
      const McGuide *guide = mc_guide_book_get_guide (book, i);

      if (guide->id == NULL || mc_guide_book_lookup (book, guide->id) == NULL ||
          mc_guide_get_title (guide) == NULL)
        __builtin_trap ();
      mc_guide_get_summary (guide);
      if (guide->procedure_code != NULL)
        mc_guide_book_lookup_procedure (book, guide->procedure_code);
      if (guide->pictogram != NULL)
        {
          GFile *file = mc_guide_find_pictogram (guide->pictogram);

          g_clear_object (&file);
        }
      for (guint s = 0; guide->steps != NULL && s < guide->steps->len; s++)
        {
          const McGuideStep *step = g_ptr_array_index (guide->steps, s);

          if (mc_guide_step_get_text (step) == NULL)
            __builtin_trap ();
          mc_guide_step_get_detail (step);
          if (step->illustration != NULL)
            {
              /* A name, never a path out of the guides folders. */
              GFile *file = mc_guide_book_find_illustration (book, step->illustration);

              if (file != NULL && strstr (step->illustration, "..") != NULL)
                __builtin_trap ();
              g_clear_object (&file);
            }
        }
    }
  return 0;
}
