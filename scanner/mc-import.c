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

/* What one import may bring in, all files together: 1000 million pixels is
 * some 250 A4 pages at 200 dpi. Checked from the files' headers before
 * any page is rendered, so a file that asks for more costs no memory. */
typedef struct {
  guint64 pixels;
  guint   pages;
  guint   files;
} Budget;

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

static gboolean
over_budget (const Budget  *budget,
             const char    *base,
             GError       **error)
{
  if (budget->pixels <= MC_IMPORT_MAX_PIXELS && budget->pages <= MC_IMPORT_MAX_PAGES)
    return FALSE;
  if (budget->files <= 1)
    g_set_error (error, MC_IMPORT_ERROR, MC_IMPORT_ERROR_TOO_LARGE,
                 _("“%s” holds more than one import takes (%u pages or %u million pixels, some 250 A4 pages). Ask for it in smaller files."),
                 base, MC_IMPORT_MAX_PAGES, (guint) (MC_IMPORT_MAX_PIXELS / 1000000u));
  else
    g_set_error (error, MC_IMPORT_ERROR, MC_IMPORT_ERROR_TOO_LARGE,
                 _("These files hold more than one import takes (%u pages or %u million pixels, some 250 A4 pages). Import fewer files at a time."),
                 MC_IMPORT_MAX_PAGES, (guint) (MC_IMPORT_MAX_PIXELS / 1000000u));
  return TRUE;
}

/* Adds every page of a PDF to @budget from its header (libvips reads the
 * page sizes, it renders nothing), and refuses a page larger than any
 * paper or a total beyond the budget. */
static gboolean
check_pdf (const char  *path,
           int          dpi,
           Budget      *budget,
           GError     **error)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(VipsImage) first = vips_image_new_from_file (path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
  int n_pages;

  if (first == NULL)
    {
      set_damaged (error, path);
      return FALSE;
    }
  n_pages = vips_image_get_n_pages (first);
  if (n_pages < 1 || n_pages > MAX_PDF_PAGES)
    {
      g_set_error (error, MC_IMPORT_ERROR, MC_IMPORT_ERROR_TOO_LARGE,
                   _("“%s” has %d pages; this program takes at most %d from one file."),
                   base, n_pages, MAX_PDF_PAGES);
      return FALSE;
    }
  for (int i = 0; i < n_pages; i++)
    {
      g_autoptr(VipsImage) header = NULL;
      int w, h;

      if (vips_pdfload (path, &header, "page", i, "dpi", (double) dpi, NULL) != 0)
        {
          set_damaged (error, path);
          return FALSE;
        }
      w = vips_image_get_width (header);
      h = vips_image_get_height (header);
      if (w <= 0 || h <= 0 || w > MC_PAGE_IMAGE_MAX_SIDE || h > MC_PAGE_IMAGE_MAX_SIDE ||
          (guint64) w * (guint64) h > MC_PAGE_IMAGE_MAX_PIXELS)
        {
          g_set_error (error, MC_IMPORT_ERROR, MC_IMPORT_ERROR_TOO_LARGE,
                       _("Page %d of “%s” measures %.0f × %.0f cm, larger than any paper this program takes (at most %u million pixels at %d dpi). Print that page and scan it, or ask for a smaller file."),
                       i + 1, base, w * 2.54 / dpi, h * 2.54 / dpi,
                       MC_PAGE_IMAGE_MAX_PIXELS / 1000000u, dpi);
          return FALSE;
        }
      budget->pixels += (guint64) w * (guint64) h;
      budget->pages++;
      if (over_budget (budget, base, error))
        return FALSE;
    }
  return TRUE;
}

/* A picture's share of the budget, from its header; a file that cannot be
 * read is left for mc_page_image_load() to explain. */
static gboolean
check_picture (const char  *path,
               Budget      *budget,
               GError     **error)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(VipsImage) header = vips_image_new_from_file (path, NULL);

  vips_error_clear ();
  if (header == NULL || !mc_page_image_check (header, base, NULL))
    return TRUE;
  budget->pixels += (guint64) MAX (vips_image_get_width (header), 0) *
                    (guint64) MAX (vips_image_get_height (header), 0);
  budget->pages++;
  return !over_budget (budget, base, error);
}

static gboolean
check_file (const char  *path,
            int          pdf_dpi,
            Budget      *budget,
            GError     **error)
{
  GStatBuf st;

  budget->files++;
  if (g_stat (path, &st) == 0 && st.st_size > 0 && is_pdf (path))
    return check_pdf (path, pdf_dpi, budget, error);
  if (mc_import_is_supported (path))
    return check_picture (path, budget, error);
  return TRUE;
}

/* Renders the pages of a checked PDF. */
static GPtrArray *
import_pdf (McPageStore   *store,
            const char    *path,
            int            pdf_dpi,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(VipsImage) first = vips_image_new_from_file (path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
  g_autofree char *base = g_path_get_basename (path);
  int n_pages;

  if (first == NULL)
    {
      set_damaged (error, path);
      return NULL;
    }
  n_pages = vips_image_get_n_pages (first);
  for (int i = 0; i < n_pages && i < MAX_PDF_PAGES; i++)
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
      /* The file may have changed since it was checked. */
      if (!mc_page_image_check (img, base, error))
        return NULL;
      if (!(page = save_page (store, img, pdf_dpi, error)))
        return NULL;
      g_ptr_array_add (pages, page);
    }
  return g_steal_pointer (&pages);
}

static GPtrArray *
import_checked_file (McPageStore   *store,
                     const char    *path,
                     int            pdf_dpi,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_object_unref);
  GStatBuf st;

  if (g_stat (path, &st) == 0 && st.st_size > 0 && is_pdf (path))
    return import_pdf (store, path, pdf_dpi, cancellable, error);

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

GPtrArray *
mc_import_file (McPageStore   *store,
                const char    *path,
                int            pdf_dpi,
                GCancellable  *cancellable,
                GError       **error)
{
  Budget budget = { 0 };

  if (pdf_dpi <= 0)
    pdf_dpi = 200;
  if (!check_file (path, pdf_dpi, &budget, error))
    return NULL;
  return import_checked_file (store, path, pdf_dpi, cancellable, error);
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
  Budget budget = { 0 };
  GError *error = NULL;

  /* All the files together, before any is read. */
  for (guint i = 0; d->paths[i]; i++)
    if (!check_file (d->paths[i], 200, &budget, &error))
      {
        g_task_return_error (task, error);
        return;
      }

  for (guint i = 0; d->paths[i]; i++)
    {
      g_autoptr(GPtrArray) pages = import_checked_file (source_object, d->paths[i], 200, cancellable, &error);

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
