/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ocr-pool"

#include "config.h"

#include <dlfcn.h>
#include <glib/gi18n.h>
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "mc-ocr-pool.h"
#include "mc-vips.h"

/* A fixed set of Tesseract engines shared by every worker thread: a caller
 * borrows an idle engine, runs it in its own thread and gives it back.
 * Initialising a language model costs far more than reading a small image,
 * so each engine keeps one initialised TessBaseAPI per language string and
 * reuses it. The process must run with OMP_THREAD_LIMIT=1 (see
 * mc_core_limit_omp_threads()): with OpenMP threads inside each engine the
 * engines oversubscribe the cores and run several times slower. */

#define MAX_PIXELS (100u * 1000u * 1000u)

typedef struct {
  GHashTable *apis;   /* languages → TessBaseAPI* */
} Engine;

struct _McOcrPool
{
  GObject      parent_instance;

  guint        n_engines;
  GAsyncQueue *idle;          /* Engine* */
  GMutex       mutex;
  guint        n_created;
  guint        n_initialised; /* TessBaseAPI instances initialised so far */
  guint        n_recognized;  /* images recognised so far */
};

G_DEFINE_FINAL_TYPE (McOcrPool, mc_ocr_pool, G_TYPE_OBJECT)

G_DEFINE_QUARK (mc-ocr-error-quark, mc_ocr_error)

/* Every model Tesseract 5 initialises first builds a table of
 * "universal ambiguities" (rn/m, cl/d… across all scripts, built into the
 * library) by inserting a few thousand entries into sorted linked lists:
 * about 0.12 s of each init, nine tenths of it, on this machine. Only the
 * legacy engine consults that table; the LSTM engines this pool starts for
 * text never do. libtesseract calls its own UnicharAmbigs::LoadUniversal()
 * through the dynamic linker, so the definition below, exported by the
 * program, is the one called: while this thread initialises an LSTM-only
 * engine it builds nothing, otherwise (the legacy OSD model) it hands on to
 * the library's. Should a Tesseract build bind that call inside the
 * library, this is simply never called and the table is built as before. */
#define LOAD_UNIVERSAL_SYMBOL "_ZN9tesseract13UnicharAmbigs13LoadUniversalERKNS_10UNICHARSETEPS1_"

void mc_ocr_load_universal_ambigs (void       *ambigs,
                                   const void *encoder_set,
                                   void       *unicharset)
  __asm__ (LOAD_UNIVERSAL_SYMBOL) __attribute__ ((visibility ("default")));

static __thread gboolean initialising_lstm_only;
static guint n_universal_ambigs_skipped;

void
mc_ocr_load_universal_ambigs (void       *ambigs,
                              const void *encoder_set,
                              void       *unicharset)
{
  static void (*library_load) (void *, const void *, void *);
  static gsize looked_up;

  if (initialising_lstm_only)
    {
      g_atomic_int_inc (&n_universal_ambigs_skipped);
      return;
    }
  if (g_once_init_enter (&looked_up))
    {
      *(void **) &library_load = dlsym (RTLD_NEXT, LOAD_UNIVERSAL_SYMBOL);
      g_once_init_leave (&looked_up, 1);
    }
  if (library_load != NULL)
    library_load (ambigs, encoder_set, unicharset);
}

/* How many LSTM-only engines were initialised without the legacy engine's
 * universal ambiguity table (see above): 0 where the library does not call
 * through the dynamic linker. */
guint
mc_ocr_get_n_universal_ambigs_skipped (void)
{
  return g_atomic_int_get (&n_universal_ambigs_skipped);
}

/* Tesseract hands every word or line image to its LSTM as a PNG in memory
 * (ImageData::SetPixInternal() writes it with pixWriteMem(), the LSTM
 * decodes it again at once): deflating those PNGs was 5-10 % of read-id's
 * CPU. While a thread recognises with one of the pool's engines, PNGs
 * written through pixWriteMem() are stored uncompressed (zlib level 0):
 * the same pixels and header, no deflate. Leptonica's own callers and
 * everyone else's are untouched. */
static __thread gboolean recognising;

l_ok pixWriteMem (l_uint8 **pdata, size_t *psize, PIX *pix, l_int32 format)
  __attribute__ ((visibility ("default")));

l_ok
pixWriteMem (l_uint8 **pdata,
             size_t   *psize,
             PIX      *pix,
             l_int32   format)
{
  static l_ok (*library_write) (l_uint8 **, size_t *, PIX *, l_int32);
  static gsize looked_up;

  if (g_once_init_enter (&looked_up))
    {
      *(void **) &library_write = dlsym (RTLD_NEXT, "pixWriteMem");
      g_once_init_leave (&looked_up, 1);
    }
  if (library_write == NULL)
    return 1;
  if (!recognising || format != IFF_PNG || pix == NULL)
    return library_write (pdata, psize, pix, format);

  /* Tesseract's own copy of the word, destroyed right after. */
  pixSetZlibCompression (pix, 0);
  return library_write (pdata, psize, pix, format);
}

static void
api_free (gpointer data)
{
  TessBaseAPI *api = data;

  TessBaseAPIEnd (api);
  TessBaseAPIDelete (api);
}

static Engine *
engine_new (void)
{
  Engine *engine = g_new0 (Engine, 1);

  engine->apis = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, api_free);
  return engine;
}

static void
engine_free (gpointer data)
{
  Engine *engine = data;

  g_hash_table_unref (engine->apis);
  g_free (engine);
}

void
mc_ocr_result_free (McOcrResult *result)
{
  if (result == NULL)
    return;
  g_free (result->text);
  if (result->words != NULL)
    {
      for (guint i = 0; i < result->words->len; i++)
        g_free (g_array_index (result->words, McOcrWord, i).text);
      g_array_unref (result->words);
    }
  g_free (result);
}

static void
mc_ocr_pool_finalize (GObject *object)
{
  McOcrPool *self = MC_OCR_POOL (object);
  Engine *engine;

  while ((engine = g_async_queue_try_pop (self->idle)) != NULL)
    engine_free (engine);
  g_async_queue_unref (self->idle);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (mc_ocr_pool_parent_class)->finalize (object);
}

static void
mc_ocr_pool_class_init (McOcrPoolClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_ocr_pool_finalize;
}

static void
mc_ocr_pool_init (McOcrPool *self)
{
  self->idle = g_async_queue_new ();
  g_mutex_init (&self->mutex);
}

McOcrPool *
mc_ocr_pool_new (guint n_engines)
{
  McOcrPool *self = g_object_new (MC_TYPE_OCR_POOL, NULL);

  /* Leptonica prints its complaints about odd inputs ("box outside
   * rectangle") on stderr, where a clerk's terminal or the tool's caller
   * gets them; errors that matter come back as return values. */
  setMsgSeverity (L_SEVERITY_NONE);

  self->n_engines = MAX (n_engines, 1);
  return self;
}

/* One pool for the process, one engine per core. */
McOcrPool *
mc_ocr_pool_get_default (void)
{
  static McOcrPool *pool;
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      pool = mc_ocr_pool_new (g_get_num_processors ());
      g_once_init_leave (&initialized, 1);
    }
  return pool;
}

guint
mc_ocr_pool_get_n_engines (McOcrPool *self)
{
  g_return_val_if_fail (MC_IS_OCR_POOL (self), 0);
  return self->n_engines;
}

guint
mc_ocr_pool_get_n_initialised (McOcrPool *self)
{
  guint n;

  g_return_val_if_fail (MC_IS_OCR_POOL (self), 0);
  g_mutex_lock (&self->mutex);
  n = self->n_initialised;
  g_mutex_unlock (&self->mutex);
  return n;
}

/* How many images were recognised so far: what the readers' cost grows
 * with, for the tests that keep it down. */
guint
mc_ocr_pool_get_n_recognized (McOcrPool *self)
{
  guint n;

  g_return_val_if_fail (MC_IS_OCR_POOL (self), 0);
  g_mutex_lock (&self->mutex);
  n = self->n_recognized;
  g_mutex_unlock (&self->mutex);
  return n;
}

static Engine *
borrow_engine (McOcrPool     *self,
               GCancellable  *cancellable,
               GError       **error)
{
  Engine *engine = g_async_queue_try_pop (self->idle);

  if (engine != NULL)
    return engine;

  g_mutex_lock (&self->mutex);
  if (self->n_created < self->n_engines)
    {
      self->n_created++;
      g_mutex_unlock (&self->mutex);
      return engine_new ();
    }
  g_mutex_unlock (&self->mutex);

  /* All engines busy: wait for one, still answering a cancel. */
  while ((engine = g_async_queue_timeout_pop (self->idle, 50 * 1000)) == NULL)
    if (g_cancellable_set_error_if_cancelled (cancellable, error))
      return NULL;
  return engine;
}

static void
return_engine (McOcrPool *self,
               Engine    *engine)
{
  g_async_queue_push (self->idle, engine);
}

static TessBaseAPI *
engine_get_api (McOcrPool   *self,
                Engine      *engine,
                const char  *languages,
                GError     **error)
{
  TessBaseAPI *api = g_hash_table_lookup (engine->apis, languages);
  /* The legacy OSD model needs the legacy engine; the vie model is LSTM only. */
  TessOcrEngineMode oem = g_str_equal (languages, "osd") ? OEM_DEFAULT : OEM_LSTM_ONLY;
  int status;

  if (api != NULL)
    return api;

  api = TessBaseAPICreate ();
  initialising_lstm_only = (oem == OEM_LSTM_ONLY);
  status = TessBaseAPIInit2 (api, NULL, languages, oem);
  initialising_lstm_only = FALSE;
  if (status != 0)
    {
      TessBaseAPIDelete (api);
      g_set_error (error, MC_OCR_ERROR, MC_OCR_ERROR_NO_LANGUAGE_DATA,
                   _("Text recognition data for “%s” is not installed (Debian packages tesseract-ocr-vie, tesseract-ocr-eng, tesseract-ocr-osd)."),
                   languages);
      return NULL;
    }
  /* Tesseract writes diagnostics ("Estimating resolution…") to stderr. */
  TessBaseAPISetVariable (api, "debug_file", "/dev/null");
  g_hash_table_insert (engine->apis, g_strdup (languages), api);

  g_mutex_lock (&self->mutex);
  self->n_initialised++;
  g_mutex_unlock (&self->mutex);
  return api;
}

/* 8-bit grey or RGB pixels, alpha flattened on white, for TessBaseAPISetImage(). */
static guchar *
image_to_pixels (VipsImage  *image,
                 int        *width,
                 int        *height,
                 int        *bands,
                 GError    **error)
{
  g_autoptr(VipsImage) flat = NULL;
  g_autoptr(VipsImage) u8 = NULL;
  g_autoptr(VipsImage) srgb = NULL;
  VipsImage *in = image;
  guchar *pixels;
  size_t size = 0;

  if (image == NULL || vips_image_get_width (image) <= 0 || vips_image_get_height (image) <= 0 ||
      (guint64) vips_image_get_width (image) * (guint64) vips_image_get_height (image) > MAX_PIXELS)
    {
      g_set_error_literal (error, MC_OCR_ERROR, MC_OCR_ERROR_BAD_IMAGE,
                           _("The image is empty or too large to read."));
      return NULL;
    }

  if (vips_image_hasalpha (in))
    {
      double white[] = { 255.0 };
      VipsArrayDouble *background = vips_array_double_new (white, 1);
      int status = vips_flatten (in, &flat, "background", background, NULL);

      /* The caller keeps its reference to an argument array. */
      vips_area_unref (VIPS_AREA (background));
      if (status != 0)
        goto vips_failed;
      in = flat;
    }
  if (vips_image_get_bands (in) != 1 && vips_image_get_bands (in) != 3)
    {
      if (vips_colourspace (in, &srgb, VIPS_INTERPRETATION_sRGB, NULL) != 0)
        goto vips_failed;
      in = srgb;
    }
  if (vips_cast_uchar (in, &u8, NULL) != 0)
    goto vips_failed;

  pixels = vips_image_write_to_memory (u8, &size);
  if (pixels == NULL)
    goto vips_failed;

  *width = vips_image_get_width (u8);
  *height = vips_image_get_height (u8);
  *bands = vips_image_get_bands (u8);
  return pixels;

vips_failed:
  g_set_error (error, MC_OCR_ERROR, MC_OCR_ERROR_BAD_IMAGE,
               _("The image could not be prepared for reading: %s"), vips_error_buffer ());
  vips_error_clear ();
  return NULL;
}

static bool
cancel_func (void *cancel_this,
             int   words)
{
  return g_cancellable_is_cancelled (cancel_this);
}

static void
collect_words (TessBaseAPI *api,
               McOcrResult *result)
{
  TessResultIterator *it = TessBaseAPIGetIterator (api);
  guint block = 0, para = 0, line = 0;
  gboolean first = TRUE;

  if (it == NULL)
    return;

  do
    {
      const TessPageIterator *pit = TessResultIteratorGetPageIteratorConst (it);
      McOcrWord word = { 0 };
      char *text;

      if (TessPageIteratorIsAtBeginningOf (pit, RIL_BLOCK) && !first)
        block++;
      if (TessPageIteratorIsAtBeginningOf (pit, RIL_PARA) && !first)
        para++;
      if (TessPageIteratorIsAtBeginningOf (pit, RIL_TEXTLINE) && !first)
        line++;
      first = FALSE;

      text = TessResultIteratorGetUTF8Text (it, RIL_WORD);
      if (text == NULL)
        continue;
      if (*text == '\0')
        {
          TessDeleteText (text);
          continue;
        }

      int l, t, r, b;
      TessPageIteratorBoundingBox (pit, RIL_WORD, &l, &t, &r, &b);
      word.text = g_strdup (text);
      TessDeleteText (text);
      word.left = l;
      word.top = t;
      word.width = r - l;
      word.height = b - t;
      TessPageIteratorBaseline (pit, RIL_WORD, &word.baseline_x1, &word.baseline_y1,
                                &word.baseline_x2, &word.baseline_y2);
      word.confidence = TessResultIteratorConfidence (it, RIL_WORD) / 100.0f;
      word.block = block;
      word.paragraph = para;
      word.line = line;
      g_array_append_val (result->words, word);
    }
  while (TessResultIteratorNext (it, RIL_WORD));

  TessResultIteratorDelete (it);
}

McOcrResult *
mc_ocr_pool_recognize (McOcrPool          *self,
                       VipsImage          *image,
                       const McOcrParams  *params,
                       GCancellable       *cancellable,
                       GError            **error)
{
  static const McOcrParams defaults = { 0 };
  g_autofree guchar *pixels = NULL;
  McOcrResult *result = NULL;
  ETEXT_DESC *monitor = NULL;
  TessBaseAPI *api;
  Engine *engine;
  const char *languages;
  char *text;
  int width, height, bands, status;

  g_return_val_if_fail (MC_IS_OCR_POOL (self), NULL);

  if (params == NULL)
    params = &defaults;
  languages = params->languages ? params->languages : "vie+eng";

  if (!(pixels = image_to_pixels (image, &width, &height, &bands, error)))
    return NULL;
  if (!(engine = borrow_engine (self, cancellable, error)))
    return NULL;
  if (!(api = engine_get_api (self, engine, languages, error)))
    goto out;

  TessBaseAPISetPageSegMode (api, params->page_seg_mode > 0 ? (TessPageSegMode) params->page_seg_mode
                                                            : PSM_AUTO);
  TessBaseAPISetVariable (api, "tessedit_char_whitelist",
                          params->char_whitelist ? params->char_whitelist : "");
  TessBaseAPISetImage (api, pixels, width, height, bands, width * bands);
  if (params->dpi > 0)
    TessBaseAPISetSourceResolution (api, params->dpi);

  g_mutex_lock (&self->mutex);
  self->n_recognized++;
  g_mutex_unlock (&self->mutex);

  monitor = TessMonitorCreate ();
  TessMonitorSetCancelFunc (monitor, cancel_func);
  TessMonitorSetCancelThis (monitor, cancellable);
  if (cancellable == NULL)
    TessMonitorSetCancelFunc (monitor, NULL);

  recognising = TRUE;
  status = TessBaseAPIRecognize (api, monitor);
  recognising = FALSE;
  if (status != 0)
    {
      if (!g_cancellable_set_error_if_cancelled (cancellable, error))
        g_set_error_literal (error, MC_OCR_ERROR, MC_OCR_ERROR_FAILED,
                             _("Text recognition failed on this image."));
      TessBaseAPIClear (api);
      goto out;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      TessBaseAPIClear (api);
      goto out;
    }

  result = g_new0 (McOcrResult, 1);
  result->words = g_array_new (FALSE, TRUE, sizeof (McOcrWord));
  text = TessBaseAPIGetUTF8Text (api);
  result->text = g_strdup (text ? text : "");
  TessDeleteText (text);
  result->confidence = MAX (TessBaseAPIMeanTextConf (api), 0) / 100.0;
  if (params->want_words)
    collect_words (api, result);
  TessBaseAPIClear (api);

out:
  if (monitor != NULL)
    TessMonitorDelete (monitor);
  return_engine (self, engine);
  return result;
}

gpointer
mc_ocr_pool_with_engine (McOcrPool           *self,
                         const char          *languages,
                         McOcrPoolEngineFunc  func,
                         gpointer             user_data,
                         GCancellable        *cancellable,
                         GError             **error)
{
  Engine *engine;
  TessBaseAPI *api;
  gpointer result = NULL;

  g_return_val_if_fail (MC_IS_OCR_POOL (self), NULL);
  g_return_val_if_fail (languages != NULL && func != NULL, NULL);

  if (!(engine = borrow_engine (self, cancellable, error)))
    return NULL;
  if ((api = engine_get_api (self, engine, languages, error)) != NULL)
    {
      g_mutex_lock (&self->mutex);
      self->n_recognized++;
      g_mutex_unlock (&self->mutex);
      recognising = TRUE;
      result = func (api, user_data, cancellable, error);
      recognising = FALSE;
      TessBaseAPIClear (api);
    }
  return_engine (self, engine);
  return result;
}

typedef struct {
  VipsImage   *image;
  McOcrParams  params;
  char        *languages;
  char        *whitelist;
} RecognizeData;

static void
recognize_data_free (gpointer data)
{
  RecognizeData *rd = data;

  g_clear_object (&rd->image);
  g_free (rd->languages);
  g_free (rd->whitelist);
  g_free (rd);
}

static void
recognize_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  RecognizeData *rd = task_data;
  GError *error = NULL;
  McOcrResult *result;

  result = mc_ocr_pool_recognize (source_object, rd->image, &rd->params, cancellable, &error);
  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) mc_ocr_result_free);
  else
    g_task_return_error (task, error);
}

void
mc_ocr_pool_recognize_async (McOcrPool           *self,
                             VipsImage           *image,
                             const McOcrParams   *params,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  RecognizeData *rd = g_new0 (RecognizeData, 1);

  rd->image = g_object_ref (image);
  if (params != NULL)
    rd->params = *params;
  rd->languages = g_strdup (rd->params.languages);
  rd->whitelist = g_strdup (rd->params.char_whitelist);
  rd->params.languages = rd->languages;
  rd->params.char_whitelist = rd->whitelist;

  g_task_set_source_tag (task, mc_ocr_pool_recognize_async);
  g_task_set_task_data (task, rd, recognize_data_free);
  g_task_run_in_thread (task, recognize_thread);
}

McOcrResult *
mc_ocr_pool_recognize_finish (McOcrPool     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Page orientation by Tesseract's OSD model. @orient_degrees is the
 * orientation as TessBaseAPIDetectOrientationScript() reports it (0, 90,
 * 180 or 270). Returns FALSE with an error when there is too little text
 * to tell. */
gboolean
mc_ocr_pool_detect_orientation (McOcrPool     *self,
                                VipsImage     *image,
                                int            dpi,
                                int           *orient_degrees,
                                float         *confidence,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_autofree guchar *pixels = NULL;
  TessBaseAPI *api;
  Engine *engine;
  gboolean ok = FALSE;
  const char *script = NULL;
  float script_conf = 0.0f;
  int width, height, bands;

  g_return_val_if_fail (MC_IS_OCR_POOL (self), FALSE);

  if (!(pixels = image_to_pixels (image, &width, &height, &bands, error)))
    return FALSE;
  if (!(engine = borrow_engine (self, cancellable, error)))
    return FALSE;
  if (!(api = engine_get_api (self, engine, "osd", error)))
    goto out;

  TessBaseAPISetPageSegMode (api, PSM_OSD_ONLY);
  TessBaseAPISetImage (api, pixels, width, height, bands, width * bands);
  if (dpi > 0)
    TessBaseAPISetSourceResolution (api, dpi);
  ok = TessBaseAPIDetectOrientationScript (api, orient_degrees, confidence, &script, &script_conf);
  TessBaseAPIClear (api);
  if (!ok)
    g_set_error_literal (error, MC_OCR_ERROR, MC_OCR_ERROR_FAILED,
                         _("There is too little text on this page to tell which way up it is."));

out:
  return_engine (self, engine);
  return ok;
}
