/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vips/vips.h>

G_BEGIN_DECLS

#define MC_OCR_ERROR (mc_ocr_error_quark ())

typedef enum {
  MC_OCR_ERROR_NO_LANGUAGE_DATA,   /* tesseract-ocr-vie (or osd) is not installed */
  MC_OCR_ERROR_BAD_IMAGE,          /* empty, too large, or not convertible */
  MC_OCR_ERROR_FAILED,
} McOcrError;

GQuark mc_ocr_error_quark (void);

typedef struct {
  char  *text;                  /* UTF-8 */
  int    left, top, width, height;   /* pixels of the image passed in */
  int    baseline_x1, baseline_y1, baseline_x2, baseline_y2;
  float  confidence;            /* 0–1 */
  guint  block, paragraph, line;     /* indices, in reading order */
} McOcrWord;

typedef struct {
  char   *text;                 /* the whole recognised text, UTF-8 */
  GArray *words;                /* McOcrWord, reading order; empty unless asked */
  double  confidence;           /* mean word confidence, 0–1 */
} McOcrResult;

void mc_ocr_result_free (McOcrResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McOcrResult, mc_ocr_result_free)

typedef struct {
  const char *languages;        /* "vie", "vie+eng", "eng", …; NULL: "vie+eng" */
  int         page_seg_mode;    /* Tesseract PSM; 0: automatic (PSM_AUTO) */
  const char *char_whitelist;   /* NULL: any character */
  int         dpi;              /* the image's resolution; 0: unknown */
  gboolean    want_words;       /* fill McOcrResult.words */
} McOcrParams;

#define MC_TYPE_OCR_POOL (mc_ocr_pool_get_type ())
G_DECLARE_FINAL_TYPE (McOcrPool, mc_ocr_pool, MC, OCR_POOL, GObject)

McOcrPool   *mc_ocr_pool_new                (guint              n_engines);
McOcrPool   *mc_ocr_pool_get_default        (void);
guint        mc_ocr_pool_get_n_engines      (McOcrPool         *self);
guint        mc_ocr_pool_get_n_initialised  (McOcrPool         *self);
guint        mc_ocr_pool_get_n_recognized   (McOcrPool         *self);
guint        mc_ocr_get_n_universal_ambigs_skipped (void);

McOcrResult *mc_ocr_pool_recognize          (McOcrPool         *self,
                                             VipsImage         *image,
                                             const McOcrParams *params,
                                             GCancellable      *cancellable,
                                             GError           **error);
void         mc_ocr_pool_recognize_async    (McOcrPool         *self,
                                             VipsImage         *image,
                                             const McOcrParams *params,
                                             GCancellable      *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer           user_data);
McOcrResult *mc_ocr_pool_recognize_finish   (McOcrPool         *self,
                                             GAsyncResult      *result,
                                             GError           **error);

/* For a reading mc_ocr_pool_recognize() does not offer (a letter's
 * alternatives): @func gets one of the pool's engines for @languages
 * (a TessBaseAPI *), sets what it needs and puts back what it changed
 * but the image and the page mode. */
typedef gpointer (*McOcrPoolEngineFunc) (gpointer       api,
                                         gpointer       user_data,
                                         GCancellable  *cancellable,
                                         GError       **error);

gpointer     mc_ocr_pool_with_engine        (McOcrPool         *self,
                                             const char        *languages,
                                             McOcrPoolEngineFunc func,
                                             gpointer           user_data,
                                             GCancellable      *cancellable,
                                             GError           **error);

gboolean     mc_ocr_pool_detect_orientation (McOcrPool         *self,
                                             VipsImage         *image,
                                             int                dpi,
                                             int               *orient_degrees,
                                             float             *confidence,
                                             GCancellable      *cancellable,
                                             GError           **error);

G_END_DECLS
