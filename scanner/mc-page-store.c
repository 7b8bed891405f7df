/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-page-store"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mc-file-util.h"
#include "mc-page-store.h"
#include "mc-page-store-private.h"
#include "mc-scan-error.h"
#include "mc-vips.h"

#define MANIFEST ".pages.json"
#define THUMBS ".thumbs"
#define THUMB_SIZE 240

struct _McPageStore
{
  GObject    parent_instance;

  char      *dir;
  GPtrArray *pages;            /* McPage, main thread */
  gint       next_index;       /* atomic: number of the next page file */

  McSerialWriter *manifest;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (McPageStore, mc_page_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return MC_TYPE_PAGE;
}

static guint
get_n_items (GListModel *model)
{
  return MC_PAGE_STORE (model)->pages->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  McPageStore *self = MC_PAGE_STORE (model);

  if (position >= self->pages->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->pages, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
mc_page_store_finalize (GObject *object)
{
  McPageStore *self = MC_PAGE_STORE (object);

  g_ptr_array_unref (self->pages);
  g_free (self->dir);
  g_clear_pointer (&self->manifest, mc_serial_writer_free);

  G_OBJECT_CLASS (mc_page_store_parent_class)->finalize (object);
}

static void
mc_page_store_class_init (McPageStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_page_store_finalize;
}

static void
mc_page_store_init (McPageStore *self)
{
  self->pages = g_ptr_array_new_with_free_func (g_object_unref);
  self->next_index = 1;
}

static int
page_number (const char *basename)
{
  unsigned n = 0;
  char tail[8];

  /* "page-123.png" exactly */
  if (sscanf (basename, "page-%u.%7s", &n, tail) != 2 || !g_str_equal (tail, "png") ||
      !g_str_has_prefix (basename, "page-") || n == 0 || n > 99999)
    return 0;
  return (int) n;
}

static char *
thumbnail_path_for (McPageStore *self,
                    const char  *basename)
{
  return mc_page_store_dup_thumbnail_path (self->dir, basename);
}

char *
mc_page_store_dup_thumbnail_path (const char *dir,
                                  const char *basename)
{
  return g_build_filename (dir, THUMBS, basename, NULL);
}

gboolean
mc_page_store_write_thumbnail (VipsImage   *image,
                               const char  *thumb_path,
                               GError     **error)
{
  g_autoptr(VipsImage) thumb = NULL;
  g_autofree char *temp = mc_file_temp_create (thumb_path, error);

  if (temp == NULL)
    return FALSE;
  if (vips_thumbnail_image (image, &thumb, THUMB_SIZE, "height", THUMB_SIZE, NULL) != 0 ||
      vips_pngsave (thumb, temp, "compression", 1, "strip", TRUE, NULL) != 0)
    {
      g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_STORAGE,
                   _("Could not make a thumbnail: %s"), vips_error_buffer ());
      vips_error_clear ();
      g_unlink (temp);
      return FALSE;
    }
  return mc_file_commit (temp, thumb_path, error);
}

static gboolean
write_thumbnail (McPageStore  *self,
                 VipsImage    *image,
                 const char   *thumb_path,
                 GError      **error)
{
  return mc_page_store_write_thumbnail (image, thumb_path, error);
}

/* What the manifest does not say, the file does: size, resolution and
 * whether it is grey or colour. */
static McPage *
page_from_file (McPageStore *self,
                const char  *basename,
                double       dpi_hint,
                McScanMode   mode_hint,
                gboolean     has_mode,
                McScanSource source,
                McPageSide   side)
{
  g_autofree char *path = g_build_filename (self->dir, basename, NULL);
  g_autofree char *thumb = thumbnail_path_for (self, basename);
  g_autoptr(VipsImage) image = vips_image_new_from_file (path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
  McScanMode mode;
  double dpi;

  if (image == NULL)
    {
      /* An unreadable file is not a page; keep it on disk for inspection. */
      g_message ("Skipping unreadable page file %s", basename);
      vips_error_clear ();
      return NULL;
    }

  dpi = dpi_hint > 0 ? dpi_hint : vips_image_get_xres (image) * 25.4;
  if (dpi < 10)
    dpi = 300;
  mode = has_mode ? mode_hint
                  : (vips_image_get_bands (image) >= 3 ? MC_SCAN_MODE_COLOR : MC_SCAN_MODE_GRAY);

  if (!g_file_test (thumb, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr(VipsImage) again = vips_image_new_from_file (path, NULL);
      g_autoptr(GError) error = NULL;

      if (again == NULL || !write_thumbnail (self, again, thumb, &error))
        g_message ("No thumbnail for %s", basename);
      vips_error_clear ();
    }

  return mc_page_new (path, thumb, vips_image_get_width (image), vips_image_get_height (image),
                      dpi, mode, source, side);
}

static void
manifest_entry_free (gpointer data)
{
  McManifestEntry *e = data;

  g_free (e->file);
  g_free (e->mode);
  g_free (e->source);
  g_free (e->side);
  g_free (e);
}

/* Returns NULL, for the parser's early returns. */
static gpointer
manifest_damaged (GError     **error,
                  const char  *why)
{
  g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_STORAGE,
               _("The list of scanned pages (%s) is damaged: %s"), MANIFEST, why);
  return NULL;
}

/* json-glib's own getters emit criticals on a mistyped member: these ask
 * for the type first. A missing or null member leaves *out as it was. */
static gboolean
manifest_get_string (JsonObject  *obj,
                     const char  *name,
                     char       **out,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *why = g_strdup_printf (_("“%s” is not text"), name);

      manifest_damaged (error, why);
      return FALSE;
    }
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
manifest_get_number (JsonObject  *obj,
                     const char  *name,
                     double      *out,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);
  GType type;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    {
      g_autofree char *why = g_strdup_printf (_("“%s” is not a number"), name);

      manifest_damaged (error, why);
      return FALSE;
    }
  *out = json_node_get_double (node);
  return TRUE;
}

GPtrArray *
mc_page_store_parse_manifest (const char  *contents,
                              gssize       length,
                              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (manifest_entry_free);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root_node, *pages_node;
  JsonArray *pages;

  if (length < 0)
    length = (gssize) strlen (contents);
  if (length == 0)
    return manifest_damaged (error, _("the file is empty"));
  if (!g_utf8_validate (contents, length, NULL))
    return manifest_damaged (error, _("the file is not UTF-8 text"));
  if (!json_parser_load_from_data (parser, contents, length, &local_error))
    return manifest_damaged (error, local_error->message);
  /* Whitespace alone parses, to no root at all. */
  root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    return manifest_damaged (error, _("the top level must be an object"));
  pages_node = json_object_get_member (json_node_get_object (root_node), "pages");
  if (pages_node == NULL || !JSON_NODE_HOLDS_ARRAY (pages_node))
    return manifest_damaged (error, _("there is no list of pages"));
  pages = json_node_get_array (pages_node);

  for (guint i = 0; i < json_array_get_length (pages); i++)
    {
      JsonNode *node = json_array_get_element (pages, i);
      JsonObject *obj;
      McManifestEntry *e;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return manifest_damaged (error, _("a page is not described"));
      obj = json_node_get_object (node);
      e = g_new0 (McManifestEntry, 1);
      g_ptr_array_add (entries, e);
      if (!manifest_get_string (obj, "file", &e->file, error) ||
          !manifest_get_number (obj, "dpi", &e->dpi, error) ||
          !manifest_get_string (obj, "mode", &e->mode, error) ||
          !manifest_get_string (obj, "source", &e->source, error) ||
          !manifest_get_string (obj, "side", &e->side, error))
        return NULL;
      if (e->file == NULL || page_number (e->file) == 0)
        return manifest_damaged (error, _("a page has no file name"));
      if (!isfinite (e->dpi) || e->dpi < 0 || e->dpi > 100000)
        e->dpi = 0;
    }
  return g_steal_pointer (&entries);
}

/* The manifest is what the store knows beyond the page files (order, mode,
 * source, side); when it is damaged the pages are still there, so the
 * store is rebuilt from the files instead of being lost. */
static void
load_manifest (McPageStore *self,
               GHashTable  *seen)
{
  g_autofree char *path = g_build_filename (self->dir, MANIFEST, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return;
  if (!(entries = mc_page_store_parse_manifest (contents, (gssize) length, &error)))
    {
      g_message ("%s; rebuilding it from the page files", error->message);
      return;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      McManifestEntry *e = g_ptr_array_index (entries, i);
      McScanMode mode = MC_SCAN_MODE_GRAY;
      McScanSource source = MC_SCAN_SOURCE_FLATBED;
      gboolean has_mode;
      McPage *page;

      if (g_hash_table_contains (seen, e->file))
        continue;
      has_mode = mc_scan_mode_from_string (e->mode, &mode);
      mc_scan_source_from_string (e->source, &source);
      page = page_from_file (self, e->file, e->dpi, mode, has_mode, source,
                             g_strcmp0 (e->side, "back") == 0 ? MC_PAGE_SIDE_BACK : MC_PAGE_SIDE_FRONT);
      if (page != NULL)
        {
          g_ptr_array_add (self->pages, page);
          g_hash_table_add (seen, g_strdup (e->file));
        }
    }
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return page_number (*(const char **) a) - page_number (*(const char **) b);
}

McPageStore *
mc_page_store_new (const char  *dir,
                   GError     **error)
{
  g_autoptr(McPageStore) self = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) orphans = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *thumbs = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;
  int max_number = 0;

  g_return_val_if_fail (dir != NULL, NULL);

  self = g_object_new (MC_TYPE_PAGE_STORE, NULL);
  self->dir = g_canonicalize_filename (dir, NULL);
  thumbs = g_build_filename (self->dir, THUMBS, NULL);
  {
    g_autofree char *manifest = g_build_filename (self->dir, MANIFEST, NULL);

    self->manifest = mc_serial_writer_new (manifest);
  }
  if (!mc_dir_ensure_private (self->dir, error) || !mc_dir_ensure_private (thumbs, error))
    return NULL;

  load_manifest (self, seen);

  /* Pages saved after the manifest was last written: a crash between the
   * two. Also sweep away half-written temporary files. */
  listing = g_dir_open (self->dir, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      int n = page_number (name);

      if (g_str_has_suffix (name, ".part"))
        {
          g_autofree char *part = g_build_filename (self->dir, name, NULL);

          g_unlink (part);
          continue;
        }
      max_number = MAX (max_number, n);
      if (n > 0 && !g_hash_table_contains (seen, name))
        g_ptr_array_add (orphans, g_strdup (name));
    }
  g_ptr_array_sort (orphans, compare_names);
  for (guint i = 0; i < orphans->len; i++)
    {
      McPage *page = page_from_file (self, g_ptr_array_index (orphans, i), 0, MC_SCAN_MODE_GRAY,
                                     FALSE, MC_SCAN_SOURCE_FLATBED, MC_PAGE_SIDE_FRONT);
      if (page != NULL)
        g_ptr_array_add (self->pages, page);
    }

  self->next_index = max_number + 1;
  return g_steal_pointer (&self);
}

const char *
mc_page_store_get_dir (McPageStore *self)
{
  g_return_val_if_fail (MC_IS_PAGE_STORE (self), NULL);
  return self->dir;
}

McPage *
mc_page_store_save_image (McPageStore   *self,
                          VipsImage     *image,
                          double         dpi,
                          McScanMode     mode,
                          McScanSource   source,
                          McPageSide     side,
                          GError       **error)
{
  g_autoptr(VipsImage) tagged = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *path = NULL;
  g_autofree char *temp = NULL;
  g_autofree char *thumb = NULL;
  int number;

  g_return_val_if_fail (MC_IS_PAGE_STORE (self), NULL);
  g_return_val_if_fail (VIPS_IS_IMAGE (image), NULL);

  number = g_atomic_int_add (&self->next_index, 1);
  basename = g_strdup_printf ("page-%03d.png", number);
  path = g_build_filename (self->dir, basename, NULL);
  thumb = thumbnail_path_for (self, basename);
  if (!(temp = mc_file_temp_create (path, error)))
    return NULL;

  /* The resolution goes into the PNG (pHYs) so the file stands alone. */
  if (vips_copy (image, &tagged, "xres", dpi / 25.4, "yres", dpi / 25.4, NULL) != 0 ||
      vips_pngsave (tagged, temp,
                    "compression", 1,
                    "bitdepth", mode == MC_SCAN_MODE_LINEART ? 1 : 8,
                    NULL) != 0)
    {
      g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_STORAGE,
                   _("The scanned page could not be saved (is the disk full?): %s"),
                   vips_error_buffer ());
      vips_error_clear ();
      g_unlink (temp);
      return NULL;
    }
  if (!mc_file_commit (temp, path, error))
    return NULL;

  /* A missing thumbnail is made again when the store is opened. */
  if (!write_thumbnail (self, tagged, thumb, NULL))
    g_message ("No thumbnail for %s", basename);

  return mc_page_new (path, thumb, vips_image_get_width (image), vips_image_get_height (image),
                      dpi, mode, source, side);
}

static char *
manifest_to_json (McPageStore *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "pages");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->pages->len; i++)
    {
      McPage *page = g_ptr_array_index (self->pages, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, mc_page_get_basename (page));
      json_builder_set_member_name (b, "dpi");
      json_builder_add_double_value (b, mc_page_get_dpi (page));
      json_builder_set_member_name (b, "mode");
      json_builder_add_string_value (b, mc_scan_mode_to_string (mc_page_get_mode (page)));
      json_builder_set_member_name (b, "source");
      json_builder_add_string_value (b, mc_scan_source_to_string (mc_page_get_source (page)));
      json_builder_set_member_name (b, "side");
      json_builder_add_string_value (b, mc_page_side_to_string (mc_page_get_side (page)));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

static void
schedule_save (McPageStore *self)
{
  mc_serial_writer_queue (self->manifest, manifest_to_json (self));
}

/* Writes the manifest now, waiting for it: for tools that exit next. */
gboolean
mc_page_store_flush (McPageStore  *self,
                     GError      **error)
{
  g_autofree char *json = manifest_to_json (self);

  return mc_serial_writer_write_now (self->manifest, json, error);
}

void
mc_page_store_append (McPageStore *self,
                      McPage      *page)
{
  g_return_if_fail (MC_IS_PAGE_STORE (self));
  g_return_if_fail (MC_IS_PAGE (page));

  g_ptr_array_add (self->pages, g_object_ref (page));
  g_list_model_items_changed (G_LIST_MODEL (self), self->pages->len - 1, 0, 1);
  schedule_save (self);
}

void
mc_page_store_move (McPageStore *self,
                    guint        from,
                    guint        to)
{
  gpointer page;

  g_return_if_fail (MC_IS_PAGE_STORE (self));

  if (from >= self->pages->len || to >= self->pages->len || from == to)
    return;

  page = g_ptr_array_steal_index (self->pages, from);
  g_ptr_array_insert (self->pages, (int) to, page);
  g_list_model_items_changed (G_LIST_MODEL (self), MIN (from, to), MAX (from, to) - MIN (from, to) + 1,
                              MAX (from, to) - MIN (from, to) + 1);
  schedule_save (self);
}

gboolean
mc_page_store_remove (McPageStore  *self,
                      McPage       *page,
                      GError      **error)
{
  guint position;

  g_return_val_if_fail (MC_IS_PAGE_STORE (self), FALSE);

  if (!g_ptr_array_find (self->pages, page, &position))
    return TRUE;

  /* The file goes first: a page in the list must exist on disk. Removing
   * a directory entry does not block like writing does. */
  if (g_unlink (mc_page_get_path (page)) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not delete the page: %s"), g_strerror (saved));
      return FALSE;
    }
  g_unlink (mc_page_get_thumbnail_path (page));

  g_ptr_array_remove_index (self->pages, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  schedule_save (self);
  return TRUE;
}

typedef struct {
  McPage *page;
  int     degrees;
  int     width;
  int     height;
} RotateData;

static void
rotate_data_free (gpointer data)
{
  RotateData *rd = data;

  g_clear_object (&rd->page);
  g_free (rd);
}

static void
rotate_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  McPageStore *self = source_object;
  RotateData *rd = task_data;
  const char *path = mc_page_get_path (rd->page);
  g_autofree char *temp = NULL;
  g_autoptr(VipsImage) image = NULL;
  g_autoptr(VipsImage) rotated = NULL;
  GError *error = NULL;
  VipsAngle angle;

  switch (((rd->degrees % 360) + 360) % 360)
    {
    case 90: angle = VIPS_ANGLE_D90; break;
    case 180: angle = VIPS_ANGLE_D180; break;
    case 270: angle = VIPS_ANGLE_D270; break;
    default:
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (!(temp = mc_file_temp_create (path, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Random access: vips_rot reads the whole image anyway. */
  image = vips_image_new_from_file (path, NULL);
  if (image == NULL || vips_rot (image, &rotated, angle, NULL) != 0 ||
      vips_pngsave (rotated, temp, "compression", 1,
                    "bitdepth", mc_page_get_mode (rd->page) == MC_SCAN_MODE_LINEART ? 1 : 8,
                    NULL) != 0)
    {
      g_unlink (temp);
      g_task_return_new_error (task, MC_SCAN_ERROR, MC_SCAN_ERROR_STORAGE,
                               _("Could not turn the page: %s"), vips_error_buffer ());
      vips_error_clear ();
      return;
    }
  if (!mc_file_commit (temp, path, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  write_thumbnail (self, rotated, mc_page_get_thumbnail_path (rd->page), NULL);
  rd->width = vips_image_get_width (rotated);
  rd->height = vips_image_get_height (rotated);
  g_task_return_boolean (task, TRUE);
}

/* Turns the page on disk by a multiple of 90° clockwise. */
void
mc_page_store_rotate_async (McPageStore         *self,
                            McPage              *page,
                            int                  degrees,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  RotateData *rd = g_new0 (RotateData, 1);

  rd->page = g_object_ref (page);
  rd->degrees = degrees;
  g_task_set_source_tag (task, mc_page_store_rotate_async);
  g_task_set_task_data (task, rd, rotate_data_free);
  g_task_run_in_thread (task, rotate_thread);
}

gboolean
mc_page_store_rotate_finish (McPageStore   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  RotateData *rd;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  rd = g_task_get_task_data (G_TASK (result));
  if (rd->width > 0)
    mc_page_update_size (rd->page, rd->width, rd->height);
  return TRUE;
}
