/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a page store's .pages.json beside two real pages (and
 * a name with no file), as a crash or a hand could leave it. Opened,
 * flushed, and opened again: the same pages in the same order. */
#include "config.h"

#include "mc-fuzz.h"
#include "mc-page-store.h"
#include "mc-vips.h"

static char *dir;

static void
make_page (const char *name,
           int         width,
           int         bands)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(VipsImage) black = NULL;
  g_autoptr(VipsImage) image = NULL;

  if (vips_black (&black, width, 40, "bands", bands, NULL) != 0 ||
      vips_linear1 (black, &image, 1.0, 200.0, "uchar", TRUE, NULL) != 0 ||
      vips_pngsave (image, path, NULL) != 0)
    g_error ("cannot make %s: %s", name, vips_error_buffer ());
}

static GPtrArray *
page_names (McPageStore *store)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (store), i);

      g_ptr_array_add (names, g_strdup (mc_page_get_basename (page)));
    }
  return names;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McPageStore) store = NULL;
  g_autoptr(McPageStore) again = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;

  /* A damaged .pages.json is an error with a message: a critical is a crash. */
  mc_fuzz_init ();
  if (dir == NULL)
    {
      dir = g_build_filename (mc_fuzz_tmp_dir (), "pages", NULL);
      g_mkdir_with_parents (dir, 0700);
      make_page ("page-001.png", 30, 1);
      make_page ("page-002.png", 20, 3);
    }

  path = mc_fuzz_write_file (dir, ".pages.json", data, size);
  store = mc_page_store_new (dir, &error);
  if (store == NULL)
    g_error ("cannot open the page store: %s", error->message);
  before = page_names (store);
  /* Every page file is in the store once, whatever the manifest says. */
  if (before->len != 2)
    __builtin_trap ();
  if (g_list_model_get_n_items (G_LIST_MODEL (store)) > 1)
    mc_page_store_move (store, 1, 0);
  if (!mc_page_store_flush (store, &error))
    g_error ("cannot save the manifest: %s", error->message);
  g_clear_pointer (&before, g_ptr_array_unref);
  before = page_names (store);
  g_clear_object (&store);

  again = mc_page_store_new (dir, &error);
  if (again == NULL)
    g_error ("cannot open the page store again: %s", error->message);
  after = page_names (again);
  if (after->len != before->len)
    __builtin_trap ();
  for (guint i = 0; i < after->len; i++)
    if (g_strcmp0 (g_ptr_array_index (before, i), g_ptr_array_index (after, i)) != 0)
      __builtin_trap ();
  return 0;
}
