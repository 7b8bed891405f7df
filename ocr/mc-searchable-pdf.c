/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-searchable-pdf"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <leptonica/allheaders.h>
#include <tiffio.h>

#include "mc-file-util.h"
#include "mc-page-image.h"
#include "mc-pdf-writer.h"
#include "mc-searchable-pdf.h"
#include "mc-searchable-pdf-private.h"
#include "mc-vips.h"

/* N cleaned pages → one searchable PDF under a size budget.
 *
 * Workers (one per core) each take a page: decode it, read it with
 * Tesseract once, and encode its image at the current "level" (resolution
 * and JPEG quality). The calling thread writes the pages in order as they
 * come; at most n_workers + 1 pages are in flight, so memory stays flat
 * however many pages there are. If the file grows past the budget, the
 * level steps down (lower resolution, then lower quality, never under
 * 150 dpi) and the document is written again, reusing what OCR read. */

G_DEFINE_QUARK (mc-pdf-error-quark, mc_pdf_error)

#define TRAILER_ALLOWANCE 4096   /* Pages, Catalog, Info, xref for a few dozen pages */

typedef struct {
  int dpi;
  int quality;
} Level;

typedef struct {
  /* what OCR read, kept across levels */
  GArray     *words;        /* McOcrWord */
  int         src_width;
  int         src_height;
  int         src_dpi;
  double      ocr_seconds;
  /* the image at level_done */
  int         level_done;   /* -1: nothing yet */
  McPdfImage  image;
  gboolean    passed_through;
  GError     *error;
  gboolean    queued;
} Page;

typedef struct {
  GMutex        lock;
  GCond         cond;
  Page         *pages;
  guint         n_pages;
  char        **inputs;
  char         *languages;
  GArray       *levels;     /* Level */
  int           level;
  guint         in_flight;
  McOcrPool    *pool;
  GCancellable *cancellable;
  gboolean      abort;
} Ctx;

typedef struct {
  Ctx   *ctx;
  guint  index;
  int    level;
} Job;

static void
words_free (GArray *words)
{
  if (words == NULL)
    return;
  for (guint i = 0; i < words->len; i++)
    g_free (g_array_index (words, McOcrWord, i).text);
  g_array_unref (words);
}

static void
page_clear_image (Page *page)
{
  g_clear_pointer (&page->image.data, g_bytes_unref);
  page->level_done = -1;
  page->passed_through = FALSE;
}

/* 1-band image whose only values are 0 and 255. */
static gboolean
is_bilevel (VipsImage *image)
{
  g_autoptr(VipsImage) hist = NULL;
  g_autofree guint32 *bins = NULL;
  size_t size = 0;

  if (vips_image_get_bands (image) != 1 || vips_image_get_format (image) != VIPS_FORMAT_UCHAR)
    return FALSE;
  if (vips_hist_find (image, &hist, NULL) != 0)
    {
      vips_error_clear ();
      return FALSE;
    }
  bins = vips_image_write_to_memory (hist, &size);
  if (bins == NULL || size < 256 * sizeof (guint32))
    return FALSE;
  for (int i = 1; i < 255; i++)
    if (bins[i] != 0)
      return FALSE;
  return TRUE;
}

/* 8-bit grey or sRGB, alpha flattened onto white. */
static VipsImage *
to_8bit (VipsImage *in)
{
  VipsObject *ctx = VIPS_OBJECT (vips_image_new ());
  VipsImage **t = (VipsImage **) vips_object_local_array (ctx, 3);
  VipsImage *x = in, *out = NULL;
  gboolean colour = vips_image_get_bands (in) >= 3;

  if (vips_image_hasalpha (x))
    {
      VipsArrayDouble *white = vips_array_double_newv (1, vips_image_get_format (x) == VIPS_FORMAT_USHORT ? 65535.0 : 255.0);
      int status = vips_flatten (x, &t[0], "background", white, NULL);

      vips_area_unref (VIPS_AREA (white));
      if (status)
        goto out;
      x = t[0];
    }
  if (vips_colourspace (x, &t[1], colour ? VIPS_INTERPRETATION_sRGB : VIPS_INTERPRETATION_B_W, NULL) ||
      vips_cast_uchar (t[1], &t[2], NULL))
    goto out;
  out = g_object_ref (t[2]);
out:
  g_object_unref (ctx);
  return out;
}

static GBytes *
encode_g4 (VipsImage *bilevel,
           gboolean  *black_is_1)
{
  int w = vips_image_get_width (bilevel), h = vips_image_get_height (bilevel);
  g_autoptr(VipsImage) mem = vips_image_copy_memory (bilevel);
  L_COMP_DATA *cid = NULL;
  GBytes *bytes;
  PIX *pix;
  l_uint32 *data;
  int wpl;

  if (mem == NULL)
    return NULL;
  pix = pixCreate (w, h, 1);
  data = pixGetData (pix);
  wpl = pixGetWpl (pix);
  for (int y = 0; y < h; y++)
    {
      const guchar *row = VIPS_IMAGE_ADDR (mem, 0, y);
      l_uint32 *line = data + y * wpl;

      for (int x = 0; x < w; x++)
        if (row[x] < 128)
          SET_DATA_BIT (line, x);   /* Leptonica: 1 is black */
    }
  if (pixGenerateCIData (pix, L_G4_ENCODE, 0, 0, &cid) != 0 || cid == NULL)
    {
      pixDestroy (&pix);
      return NULL;
    }
  pixDestroy (&pix);
  *black_is_1 = cid->minisblack;
  bytes = g_bytes_new (cid->datacomp, cid->nbytescomp);
  l_CIDataDestroy (&cid);
  return bytes;
}

/* libtiff's complaints about a file that is not the one-strip G4 we
 * want. Handled here, on this file's handle: the process-wide handlers
 * may belong to a library libvips loaded (ImageMagick's abort when
 * called outside its own reading). */
static int
quiet_tiff_handler (TIFF       *tif,
                    void       *user_data,
                    const char *module,
                    const char *fmt,
                    va_list     ap)
{
  return 1;
}

/* The G4 data of a one-strip, MSB-first CCITT G4 TIFF, untouched. */
gboolean
mc_searchable_pdf_read_g4 (const char *path,
                           McPdfImage *image)
{
  TIFF *tif;
  uint16_t compression = 0, photometric = 0, fill = FILLORDER_MSB2LSB, bps = 0, spp = 1;
  uint32_t w = 0, h = 0;
  uint64_t *counts = NULL;
  gboolean ok = FALSE;

  TIFFOpenOptions *options = TIFFOpenOptionsAlloc ();

  TIFFOpenOptionsSetErrorHandlerExtR (options, quiet_tiff_handler, NULL);
  TIFFOpenOptionsSetWarningHandlerExtR (options, quiet_tiff_handler, NULL);
  tif = TIFFOpenExt (path, "r", options);
  TIFFOpenOptionsFree (options);
  if (tif == NULL)
    return FALSE;
  TIFFGetField (tif, TIFFTAG_COMPRESSION, &compression);
  TIFFGetField (tif, TIFFTAG_PHOTOMETRIC, &photometric);
  TIFFGetFieldDefaulted (tif, TIFFTAG_FILLORDER, &fill);
  TIFFGetFieldDefaulted (tif, TIFFTAG_BITSPERSAMPLE, &bps);
  TIFFGetFieldDefaulted (tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
  TIFFGetField (tif, TIFFTAG_IMAGEWIDTH, &w);
  TIFFGetField (tif, TIFFTAG_IMAGELENGTH, &h);
  if (compression == COMPRESSION_CCITTFAX4 && fill == FILLORDER_MSB2LSB && bps == 1 && spp == 1 &&
      !TIFFIsTiled (tif) && TIFFNumberOfStrips (tif) == 1 &&
      TIFFGetField (tif, TIFFTAG_STRIPBYTECOUNTS, &counts) && counts != NULL &&
      counts[0] > 0 && counts[0] < 64u * 1024 * 1024)
    {
      gsize len = counts[0];
      guint8 *buf = g_malloc (len);

      if (TIFFReadRawStrip (tif, 0, buf, len) == (tmsize_t) len)
        {
          image->encoding = MC_PDF_IMAGE_G4;
          image->data = g_bytes_new_take (buf, len);
          image->width = w;
          image->height = h;
          /* G4 codes white and black runs; in a min-is-black TIFF the
           * "white" runs are 1 bits, which is what BlackIs1 says. */
          image->black_is_1 = photometric == PHOTOMETRIC_MINISBLACK;
          ok = TRUE;
        }
      else
        g_free (buf);
    }
  TIFFClose (tif);
  return ok;
}

static gboolean
encode_page (Page         *page,
             const char   *path,
             VipsImage    *image,
             const Level  *level,
             gboolean      first_level,
             GError      **error)
{
  g_autofree char *name = g_filename_display_basename (path);
  const char *loader = NULL;
  g_autoptr(VipsImage) scaled = NULL;
  VipsImage *x = image;
  gboolean bilevel = is_bilevel (image);
  double scale = MIN (1.0, (double) level->dpi / page->src_dpi);

  if (vips_image_get_typeof (image, VIPS_META_LOADER) != 0)
    vips_image_get_string (image, VIPS_META_LOADER, &loader);

  /* Passed through untouched: a JPEG already at or under the resolution
   * (on the first level only: stepping down must shrink it), or a G4 TIFF
   * (lossless, so at any level where its resolution fits). */
  if (scale >= 1.0 && loader != NULL)
    {
      if (first_level && g_str_has_prefix (loader, "jpegload") &&
          (vips_image_get_bands (image) == 1 || vips_image_get_bands (image) == 3) &&
          vips_image_get_interpretation (image) != VIPS_INTERPRETATION_CMYK)
        {
          g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);

          if (file != NULL)
            {
              page->image.encoding = MC_PDF_IMAGE_JPEG;
              page->image.data = g_mapped_file_get_bytes (file);
              page->image.width = vips_image_get_width (image);
              page->image.height = vips_image_get_height (image);
              page->image.components = vips_image_get_bands (image);
              page->passed_through = TRUE;
              return TRUE;
            }
        }
      if (bilevel && g_str_has_prefix (loader, "tiffload") && mc_searchable_pdf_read_g4 (path, &page->image))
        {
          page->passed_through = TRUE;
          return TRUE;
        }
    }

  if (scale < 1.0)
    {
      g_autoptr(VipsImage) resized = NULL;

      if (vips_resize (image, &resized, scale, NULL))
        goto vips_failed;
      if (bilevel)
        {
          if (vips_moreeq_const1 (resized, &scaled, 128.0, NULL))
            goto vips_failed;
        }
      else
        scaled = g_steal_pointer (&resized);
      x = scaled;
    }

  page->image.width = vips_image_get_width (x);
  page->image.height = vips_image_get_height (x);
  if (bilevel)
    {
      page->image.encoding = MC_PDF_IMAGE_G4;
      page->image.data = encode_g4 (x, &page->image.black_is_1);
      if (page->image.data == NULL)
        goto vips_failed;
    }
  else
    {
      void *buf = NULL;
      size_t len = 0;

      if (vips_jpegsave_buffer (x, &buf, &len, "Q", level->quality, "optimize_coding", TRUE,
                                "strip", TRUE, NULL))
        goto vips_failed;
      page->image.encoding = MC_PDF_IMAGE_JPEG;
      page->image.data = g_bytes_new_with_free_func (buf, len, g_free, buf);
      page->image.components = vips_image_get_bands (x);
    }
  return TRUE;

vips_failed:
  vips_error_clear ();
  g_set_error (error, MC_PDF_ERROR, MC_PDF_ERROR_FAILED,
               _("%s: the page image could not be prepared for the PDF."), name);
  return FALSE;
}

static void
worker (gpointer data,
        gpointer user_data)
{
  Job *job = data;
  Ctx *ctx = job->ctx;
  Page *page = &ctx->pages[job->index];
  const char *path = ctx->inputs[job->index];
  g_autoptr(VipsImage) loaded = NULL;
  g_autoptr(VipsImage) image = NULL;
  g_autoptr(McOcrResult) ocr = NULL;
  GError *error = NULL;
  gboolean need_ocr, stale;
  Page result = { 0 };
  int dpi = 0;

  g_mutex_lock (&ctx->lock);
  stale = ctx->abort || job->level != ctx->level;
  need_ocr = page->words == NULL;
  g_mutex_unlock (&ctx->lock);
  if (stale || g_cancellable_is_cancelled (ctx->cancellable))
    goto done;

  loaded = mc_page_image_load (path, &dpi, &error);
  if (loaded == NULL)
    goto done;
  image = to_8bit (loaded);
  if (image == NULL)
    {
      g_autofree char *name = g_filename_display_basename (path);

      vips_error_clear ();
      g_set_error (&error, MC_PDF_ERROR, MC_PDF_ERROR_FAILED,
                   _("%s: the page image could not be prepared for the PDF."), name);
      goto done;
    }
  /* The loader's name rides along for the pass-through decision. */
  {
    const char *loader = NULL;

    if (vips_image_get_typeof (loaded, VIPS_META_LOADER) != 0 &&
        vips_image_get_string (loaded, VIPS_META_LOADER, &loader) == 0)
      vips_image_set_string (image, VIPS_META_LOADER, loader);
  }

  result.src_width = vips_image_get_width (image);
  result.src_height = vips_image_get_height (image);
  result.src_dpi = dpi;

  if (need_ocr)
    {
      McOcrParams params = { .languages = ctx->languages, .dpi = dpi, .want_words = TRUE };
      gint64 t0 = g_get_monotonic_time ();

      ocr = mc_ocr_pool_recognize (ctx->pool, image, &params, ctx->cancellable, &error);
      if (ocr == NULL)
        goto done;
      result.ocr_seconds = (g_get_monotonic_time () - t0) / 1e6;
      result.words = g_steal_pointer (&ocr->words);
    }

  {
    Level level = g_array_index (ctx->levels, Level, job->level);

    result.src_dpi = dpi;
    if (!encode_page (&result, path, image, &level, job->level == 0, &error))
      goto done;
  }

done:
  g_mutex_lock (&ctx->lock);
  if (result.words != NULL && page->words == NULL)
    {
      page->words = g_steal_pointer (&result.words);
      page->ocr_seconds = result.ocr_seconds;
    }
  page->src_width = result.src_width ? result.src_width : page->src_width;
  page->src_height = result.src_height ? result.src_height : page->src_height;
  page->src_dpi = result.src_dpi ? result.src_dpi : page->src_dpi;
  if (error != NULL)
    {
      if (page->error == NULL)
        page->error = g_steal_pointer (&error);
      g_clear_error (&error);
    }
  else if (result.image.data != NULL && job->level == ctx->level && !ctx->abort)
    {
      page_clear_image (page);
      page->image = result.image;
      result.image.data = NULL;
      page->passed_through = result.passed_through;
      page->level_done = job->level;
    }
  page->queued = FALSE;
  ctx->in_flight--;
  g_cond_broadcast (&ctx->cond);
  g_mutex_unlock (&ctx->lock);

  g_clear_pointer (&result.image.data, g_bytes_unref);
  words_free (result.words);
  g_free (job);
}

static GArray *
make_levels (int dpi,
             int quality)
{
  GArray *levels = g_array_new (FALSE, FALSE, sizeof (Level));
  Level l = { dpi, quality };

  /* Resolution first, in steps of about an eighth, down to the floor; then
   * quality, in steps of 10, down to its floor. */
  g_array_append_val (levels, l);
  while (l.dpi > MC_PDF_FLOOR_DPI)
    {
      l.dpi = MAX (MC_PDF_FLOOR_DPI, (int) lround (l.dpi * 0.875));
      l.quality = MAX (MC_PDF_FLOOR_QUALITY, l.quality - 5);
      g_array_append_val (levels, l);
    }
  while (l.quality > MC_PDF_FLOOR_QUALITY)
    {
      l.quality = MAX (MC_PDF_FLOOR_QUALITY, l.quality - 10);
      g_array_append_val (levels, l);
    }
  return levels;
}

static char *
format_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_DEFAULT);
}

/* "The PDF could not be written to …", or the cancellation as it is. */
static void
set_write_error (const char  *output,
                 GError      *local,
                 GError     **error)
{
  g_autofree char *name = g_filename_display_name (output);

  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_error_copy (local));
  else
    g_set_error (error, MC_PDF_ERROR, MC_PDF_ERROR_WRITE,
                 _("The PDF could not be written to %s: %s"), name,
                 local ? local->message : g_strerror (EIO));
}

static void
ctx_init (Ctx                *ctx,
          const char * const *inputs,
          const McPdfOptions *options,
          GCancellable       *cancellable)
{
  g_mutex_init (&ctx->lock);
  g_cond_init (&ctx->cond);
  ctx->pages = g_new0 (Page, ctx->n_pages);
  for (guint i = 0; i < ctx->n_pages; i++)
    ctx->pages[i].level_done = -1;
  ctx->inputs = g_strdupv ((char **) inputs);
  ctx->languages = g_strdup (options->languages ? options->languages : "vie");
  ctx->levels = make_levels (options->dpi > 0 ? MAX (options->dpi, MC_PDF_FLOOR_DPI) : MC_PDF_DEFAULT_DPI,
                             options->quality > 0 ? CLAMP (options->quality, MC_PDF_FLOOR_QUALITY, 95)
                                                  : MC_PDF_DEFAULT_QUALITY);
  ctx->pool = options->pool ? g_object_ref (options->pool) : g_object_ref (mc_ocr_pool_get_default ());
  ctx->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
}

/* Stops the workers and frees the context; the OCR time goes to @rep. */
static void
ctx_clear (Ctx          *ctx,
           GThreadPool  *threads,
           McPdfReport  *rep)
{
  g_mutex_lock (&ctx->lock);
  ctx->abort = TRUE;
  g_mutex_unlock (&ctx->lock);
  g_thread_pool_free (threads, FALSE, TRUE);
  for (guint i = 0; i < ctx->n_pages; i++)
    {
      rep->ocr_seconds += ctx->pages[i].ocr_seconds;
      words_free (ctx->pages[i].words);
      page_clear_image (&ctx->pages[i]);
      g_clear_error (&ctx->pages[i].error);
    }
  g_free (ctx->pages);
  g_strfreev (ctx->inputs);
  g_free (ctx->languages);
  g_array_unref (ctx->levels);
  g_object_unref (ctx->pool);
  g_clear_object (&ctx->cancellable);
  g_mutex_clear (&ctx->lock);
  g_cond_clear (&ctx->cond);
}

/* Waits for page @index at the current level, keeping up to @window pages
 * queued ahead of it (*next_submit is the next page to queue). */
static Page *
wait_for_page (Ctx          *ctx,
               GThreadPool  *threads,
               guint         index,
               guint         window,
               guint        *next_submit,
               GError      **error)
{
  Page *page = &ctx->pages[index];

  g_mutex_lock (&ctx->lock);
  while (*next_submit < ctx->n_pages && *next_submit < index + window)
    {
      Job *job = g_new0 (Job, 1);

      job->ctx = ctx;
      job->index = (*next_submit)++;
      job->level = ctx->level;
      ctx->pages[job->index].queued = TRUE;
      ctx->in_flight++;
      g_thread_pool_push (threads, job, NULL);
    }
  while (page->level_done != ctx->level && page->error == NULL && page->queued)
    g_cond_wait (&ctx->cond, &ctx->lock);
  g_mutex_unlock (&ctx->lock);

  if (g_cancellable_set_error_if_cancelled (ctx->cancellable, error))
    return NULL;
  if (page->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&page->error));
      return NULL;
    }
  if (page->level_done != ctx->level)
    {
      g_set_error_literal (error, MC_PDF_ERROR, MC_PDF_ERROR_FAILED,
                           _("A page could not be prepared for the PDF."));
      return NULL;
    }
  return page;
}

typedef enum {
  ATTEMPT_WRITTEN,   /* the file is in place */
  ATTEMPT_OVER,      /* over the budget at this level: step down */
  ATTEMPT_FAILED,
} Attempt;

/* One attempt at the current level: the pages in order into a temporary
 * file beside @output, which replaces @output only when the whole fits
 * the budget (synced, renamed into place, the folder synced: a power cut
 * leaves the old file or the whole new one). */
static Attempt
write_at_level (Ctx           *ctx,
                GThreadPool   *threads,
                guint          window,
                const char    *output,
                McPdfInfo     *info,
                guint64        budget,
                McPdfReport   *rep,
                guint64       *smallest,
                GError       **error)
{
  g_autofree char *tmp = mc_file_temp_path_for (output);
  g_autoptr(GFile) file = g_file_new_for_path (tmp);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(McPdfWriter) writer = NULL;
  g_autoptr(GError) local = NULL;
  guint next_submit = 0, next_write = 0;
  gboolean over = FALSE;

  stream = g_file_create (file, G_FILE_CREATE_PRIVATE, ctx->cancellable, &local);
  if (stream == NULL)
    {
      g_autofree char *name = g_filename_display_name (output);

      g_set_error (error, MC_PDF_ERROR, MC_PDF_ERROR_WRITE,
                   _("The PDF could not be written to %s: %s"), name, local->message);
      return ATTEMPT_FAILED;
    }
  writer = mc_pdf_writer_new (G_OUTPUT_STREAM (stream), info, &local);
  if (writer == NULL)
    goto write_failed;

  while (next_write < ctx->n_pages && !over)
    {
      Page *page = wait_for_page (ctx, threads, next_write, window, &next_submit, error);

      if (page == NULL)
        goto failed;
      if (!mc_pdf_writer_add_page (writer, &page->image,
                                   page->src_width * 72.0 / page->src_dpi,
                                   page->src_height * 72.0 / page->src_dpi,
                                   page->words ? &g_array_index (page->words, McOcrWord, 0) : NULL,
                                   page->words ? page->words->len : 0,
                                   page->src_width, page->src_height, &local))
        goto write_failed;
      if (page->passed_through)
        rep->passed_through++;
      page_clear_image (page);
      next_write++;
      over = budget > 0 && (guint64) mc_pdf_writer_get_offset (writer) + TRAILER_ALLOWANCE > budget;
    }

  if (!over)
    {
      if (!mc_pdf_writer_finish (writer, &local) ||
          !g_output_stream_close (G_OUTPUT_STREAM (stream), ctx->cancellable, &local))
        goto write_failed;
      if (budget == 0 || (guint64) mc_pdf_writer_get_offset (writer) <= budget)
        {
          Level level = g_array_index (ctx->levels, Level, ctx->level);

          if (!mc_file_commit (tmp, output, &local))
            {
              g_autofree char *name = g_filename_display_name (output);

              g_set_error (error, MC_PDF_ERROR, MC_PDF_ERROR_WRITE,
                           _("The PDF could not be written to %s: %s"), name, local->message);
              goto failed;
            }
          rep->pages = ctx->n_pages;
          rep->bytes = mc_pdf_writer_get_offset (writer);
          rep->dpi = level.dpi;
          rep->quality = level.quality;
          rep->steps = ctx->level;
          return ATTEMPT_WRITTEN;
        }
    }

  /* Over budget: drop this attempt, wait for the workers, step down. */
  *smallest = MIN (*smallest, (guint64) mc_pdf_writer_get_offset (writer) * ctx->n_pages / MAX (next_write, 1));
  g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, NULL);
  g_unlink (tmp);
  rep->passed_through = 0;
  g_mutex_lock (&ctx->lock);
  while (ctx->in_flight > 0)
    g_cond_wait (&ctx->cond, &ctx->lock);
  for (guint i = 0; i < ctx->n_pages; i++)
    page_clear_image (&ctx->pages[i]);
  g_mutex_unlock (&ctx->lock);
  g_debug ("level %d over budget (%" G_GUINT64_FORMAT " bytes estimated)", ctx->level, *smallest);
  return ATTEMPT_OVER;

write_failed:
  set_write_error (output, local, error);
failed:
  g_unlink (tmp);
  return ATTEMPT_FAILED;
}

gboolean
mc_searchable_pdf_write (const char * const *inputs,
                         const char         *output,
                         const McPdfOptions *options,
                         McPdfReport        *report,
                         GCancellable       *cancellable,
                         GError            **error)
{
  static const McPdfOptions defaults = { 0 };
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GThreadPool *threads;
  McPdfReport rep = { 0 };
  Ctx ctx = { 0 };
  gint64 start = g_get_monotonic_time ();
  guint n_workers;
  Attempt attempt = ATTEMPT_OVER;
  guint64 smallest = G_MAXUINT64;

  if (options == NULL)
    options = &defaults;
  ctx.n_pages = inputs ? g_strv_length ((char **) inputs) : 0;
  if (ctx.n_pages == 0)
    {
      g_set_error_literal (error, MC_PDF_ERROR, MC_PDF_ERROR_NO_PAGES,
                           _("There are no pages to put in the PDF."));
      return FALSE;
    }

  ctx_init (&ctx, inputs, options, cancellable);
  n_workers = options->n_workers ? options->n_workers : g_get_num_processors ();
  n_workers = MAX (1, MIN (n_workers, ctx.n_pages));
  threads = g_thread_pool_new (worker, NULL, (int) n_workers, FALSE, NULL);

  /* Each level a little smaller than the one before, until the file fits. */
  for (ctx.level = 0; ctx.level < (int) ctx.levels->len && attempt == ATTEMPT_OVER; ctx.level++)
    {
      McPdfInfo info = { .title = options->title, .created = now, .pdfa = options->pdfa };

      attempt = write_at_level (&ctx, threads, n_workers + 1, output, &info,
                                options->max_bytes, &rep, &smallest, error);
    }

  if (attempt == ATTEMPT_OVER)
    {
      g_autofree char *limit = format_size (options->max_bytes);
      g_autofree char *size = format_size (smallest);

      g_set_error (error, MC_PDF_ERROR, MC_PDF_ERROR_TOO_LARGE,
                   _("These %u pages do not fit in %s, even at %d dpi and the lowest quality that stays legible (about %s). Split the document into smaller parts, or leave out pages that are not needed."),
                   ctx.n_pages, limit, MC_PDF_FLOOR_DPI, size);
    }

  ctx_clear (&ctx, threads, &rep);
  rep.seconds = (g_get_monotonic_time () - start) / 1e6;
  if (report != NULL)
    *report = rep;
  return attempt == ATTEMPT_WRITTEN;
}

typedef struct {
  char         **inputs;
  char          *output;
  McPdfOptions   options;
  char          *languages;
  char          *title;
  McPdfReport    report;
} WriteData;

static void
write_data_free (gpointer data)
{
  WriteData *wd = data;

  g_strfreev (wd->inputs);
  g_free (wd->output);
  g_free (wd->languages);
  g_free (wd->title);
  g_clear_object (&wd->options.pool);
  g_free (wd);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteData *wd = task_data;
  GError *error = NULL;

  if (mc_searchable_pdf_write ((const char * const *) wd->inputs, wd->output, &wd->options,
                               &wd->report, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
mc_searchable_pdf_write_async (const char * const *inputs,
                               const char         *output,
                               const McPdfOptions *options,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  WriteData *wd = g_new0 (WriteData, 1);

  wd->inputs = g_strdupv ((char **) inputs);
  wd->output = g_strdup (output);
  if (options != NULL)
    wd->options = *options;
  wd->languages = g_strdup (wd->options.languages);
  wd->title = g_strdup (wd->options.title);
  wd->options.languages = wd->languages;
  wd->options.title = wd->title;
  if (wd->options.pool != NULL)
    g_object_ref (wd->options.pool);
  g_task_set_source_tag (task, mc_searchable_pdf_write_async);
  g_task_set_task_data (task, wd, write_data_free);
  g_task_run_in_thread (task, write_thread);
}

gboolean
mc_searchable_pdf_write_finish (GAsyncResult  *result,
                                McPdfReport   *report,
                                GError       **error)
{
  WriteData *wd;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  wd = g_task_get_task_data (G_TASK (result));
  if (report != NULL)
    *report = wd->report;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Tesseract's OSD reports how far the page is turned clockwise; the
 * cleanup wants the clockwise turn that stands it upright. */
gboolean
mc_ocr_orient_func (VipsImage     *page,
                    int            dpi,
                    int           *rotate,
                    float         *confidence,
                    GCancellable  *cancellable,
                    GError       **error,
                    gpointer       user_data)
{
  McOcrPool *pool = user_data ? MC_OCR_POOL (user_data) : mc_ocr_pool_get_default ();
  int degrees = 0;

  if (!mc_ocr_pool_detect_orientation (pool, page, dpi, &degrees, confidence, cancellable, error))
    return FALSE;
  *rotate = (360 - degrees) % 360;
  return TRUE;
}
