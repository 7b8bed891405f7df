/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-import"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-import.h"
#include "mc-page-image.h"
#include "mc-vips.h"

G_DEFINE_QUARK (mc-import-error-quark, mc_import_error)

#define MAX_PDF_PAGES 200

static gboolean
is_pdf (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, NULL);
  char magic[5] = { 0 };

  return in != NULL && g_input_stream_read (G_INPUT_STREAM (in), magic, 5, NULL, NULL) == 5 &&
         memcmp (magic, "%PDF-", 5) == 0;
}

gboolean
mc_import_is_supported (const char *path)
{
  gboolean supported = is_pdf (path) || vips_foreign_find_load (path) != NULL;

  vips_error_clear ();
  return supported;
}

/* Flattens transparency on white and keeps 8-bit grey or sRGB. */
static VipsImage *
normalise (VipsImage  *in,
           GError    **error)
{
  g_autoptr(VipsImage) flat = NULL, srgb = NULL, u8 = NULL;
  VipsImage *img = in;

  if (vips_image_hasalpha (img))
    {
      double white[] = { 255.0 };
      VipsArrayDouble *bg = vips_array_double_new (white, 1);
      int status = vips_flatten (img, &flat, "background", bg, NULL);

      vips_area_unref (VIPS_AREA (bg));
      if (status != 0)
        goto failed;
      img = flat;
    }
  if (vips_image_get_bands (img) != 1 && vips_image_get_bands (img) != 3)
    {
      if (vips_colourspace (img, &srgb, VIPS_INTERPRETATION_sRGB, NULL) != 0)
        goto failed;
      img = srgb;
    }
  if (vips_cast_uchar (img, &u8, NULL) != 0)
    goto failed;
  return g_steal_pointer (&u8);

failed:
  g_set_error (error, MC_IMPORT_ERROR, MC_IMPORT_ERROR_DAMAGED,
               _("The picture could not be read: %s"), vips_error_buffer ());
  vips_error_clear ();
  return NULL;
}

static McPage *
save_page (McPageStore  *store,
           VipsImage    *image,
           double        dpi,
           GError      **error)
{
  g_autoptr(VipsImage) page = normalise (image, error);

  if (page == NULL)
    return NULL;
  return mc_page_store_save_image (store, page, dpi,
                                   vips_image_get_bands (page) >= 3 ? MC_SCAN_MODE_COLOR : MC_SCAN_MODE_GRAY,
                                   MC_SCAN_SOURCE_OTHER, MC_PAGE_SIDE_FRONT, error);
}

static void
set_damaged (GError     **error,
             const char  *path)
{
  g_autofree char *base = g_path_get_basename (path);

  g_set_error (error, MC_IMPORT_ERROR, MC_IMPORT_ERROR_DAMAGED,
               _("“%s” is damaged or incomplete and cannot be read. Copy it again, or scan the paper."),
               base);
  vips_error_clear ();
}

GPtrArray *
mc_import_file (McPageStore   *store,
                const char    *path,
                int            pdf_dpi,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *base = g_path_get_basename (path);
  GStatBuf st;

  if (pdf_dpi <= 0)
    pdf_dpi = 200;

  if (g_stat (path, &st) == 0 && st.st_size > 0 && is_pdf (path))
    {
      g_autoptr(VipsImage) first = vips_image_new_from_file (path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
      int n_pages;

      if (first == NULL)
        {
          set_damaged (error, path);
          return NULL;
        }
      n_pages = vips_image_get_n_pages (first);
      if (n_pages < 1 || n_pages > MAX_PDF_PAGES)
        {
          g_set_error (error, MC_IMPORT_ERROR, MC_IMPORT_ERROR_TOO_LARGE,
                       _("“%s” has %d pages; this program takes at most %d from one file."),
                       base, n_pages, MAX_PDF_PAGES);
          return NULL;
        }
      for (int i = 0; i < n_pages; i++)
        {
          g_autoptr(VipsImage) img = NULL;
          McPage *page;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;
          if (vips_pdfload (path, &img, "page", i, "dpi", (double) pdf_dpi, NULL) != 0)
            {
              set_damaged (error, path);
              return NULL;
            }
          if (!(page = save_page (store, img, pdf_dpi, error)))
            return NULL;
          g_ptr_array_add (pages, page);
        }
      return g_steal_pointer (&pages);
    }

  {
    /* Pictures: the same checks as every scanned page (empty, damaged,
     * absurd size from the header, before any pixel is decoded). */
    g_autoptr(VipsImage) image = NULL;
    int dpi = 0;
    McPage *page;

    if (!(image = mc_page_image_load (path, &dpi, error)))
      return NULL;
    /* Phone photos and images without a resolution say 72 or nothing. */
    if (dpi < 100 || dpi > 1200)
      dpi = 200;
    if (!(page = save_page (store, image, dpi, error)))
      return NULL;
    g_ptr_array_add (pages, page);
  }
  return g_steal_pointer (&pages);
}

typedef struct {
  GStrv      paths;
  GPtrArray *partial;   /* pages read before a failure */
} ImportData;

static void
import_data_free (gpointer data)
{
  ImportData *d = data;

  g_strfreev (d->paths);
  g_clear_pointer (&d->partial, g_ptr_array_unref);
  g_free (d);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportData *d = task_data;
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; d->paths[i]; i++)
    {
      GError *error = NULL;
      g_autoptr(GPtrArray) pages = mc_import_file (source_object, d->paths[i], 200, cancellable, &error);

      if (pages == NULL)
        {
          d->partial = g_steal_pointer (&all);
          g_task_return_error (task, error);
          return;
        }
      for (guint j = 0; j < pages->len; j++)
        g_ptr_array_add (all, g_object_ref (g_ptr_array_index (pages, j)));
    }
  g_task_return_pointer (task, g_steal_pointer (&all), (GDestroyNotify) g_ptr_array_unref);
}

/* Imports several files in order, off the main thread. */
void
mc_import_files_async (McPageStore        *store,
                       const char * const *paths,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);
  ImportData *d = g_new0 (ImportData, 1);

  d->paths = g_strdupv ((char **) paths);
  g_task_set_source_tag (task, mc_import_files_async);
  g_task_set_task_data (task, d, import_data_free);
  g_task_run_in_thread (task, import_thread);
}

/* Returns the pages read, for the caller to append. On error, @partial
 * (if not NULL) receives the pages read before the failure: they are
 * saved and should be appended too. */
GPtrArray *
mc_import_files_finish (McPageStore   *store,
                        GAsyncResult  *result,
                        GPtrArray    **partial,
                        GError       **error)
{
  ImportData *d;

  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  d = g_task_get_task_data (G_TASK (result));
  if (partial != NULL)
    *partial = d->partial ? g_ptr_array_ref (d->partial) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}
