/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a file a citizen brings on a USB stick or phone (a
 * picture or a PDF), imported into a visit's pages as the Import button
 * does. */
#include "config.h"

#include "mc-fuzz.h"
#include "mc-import.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McPageStore) store = NULL;
  g_autoptr(GPtrArray) pages = NULL;

  mc_fuzz_init ();
  dir = g_build_filename (mc_fuzz_tmp_dir (), "pages", NULL);
  mc_fuzz_empty_dir (dir);
  /* The name says nothing: files come with any name. */
  path = mc_fuzz_write_file (NULL, "imported-file", data, size);

  store = mc_page_store_new (dir, &error);
  if (store == NULL)
    g_error ("cannot open the page store: %s", error->message);
  mc_import_is_supported (path);
  /* PDF pages at the resolution the Import button uses. */
  pages = mc_import_file (store, path, 200, NULL, &error);
  if ((pages == NULL) == (error == NULL))
    __builtin_trap ();
  if (pages != NULL)
    {
      if (pages->len == 0)
        __builtin_trap ();
      for (guint i = 0; i < pages->len; i++)
        {
          McPage *page = g_ptr_array_index (pages, i);

          if (mc_page_get_width (page) <= 0 || mc_page_get_height (page) <= 0)
            __builtin_trap ();
        }
    }
  return 0;
}
