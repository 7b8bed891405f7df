/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "mc-core.h"
#include "mc-id-accents.h"
#include "mc-ocr-pool.h"
#include "mc-vips.h"
#include "mc-test-util.h"

/* Black text on white, rendered by libvips through Pango. */
static VipsImage *
render_text (const char *text,
             int         dpi)
{
  g_autoptr(VipsImage) mask = NULL;
  g_autoptr(VipsImage) inverted = NULL;
  g_autoptr(VipsImage) framed = NULL;
  double white[] = { 255.0 };
  VipsArrayDouble *background = vips_array_double_new (white, 1);

  g_assert_cmpint (vips_text (&mask, text, "font", "Noto Sans 12", "dpi", dpi, NULL), ==, 0);
  g_assert_cmpint (vips_invert (mask, &inverted, NULL), ==, 0);
  g_assert_cmpint (vips_embed (inverted, &framed, 40, 40,
                               vips_image_get_width (inverted) + 80,
                               vips_image_get_height (inverted) + 80,
                               "extend", VIPS_EXTEND_BACKGROUND,
                               "background", background, NULL), ==, 0);
  vips_area_unref (VIPS_AREA (background));
  return g_steal_pointer (&framed);
}

static void
test_recognize_vietnamese (void)
{
  g_autoptr(McOcrPool) pool = mc_ocr_pool_new (1);
  g_autoptr(VipsImage) image = render_text ("Cộng hòa xã hội chủ nghĩa Việt Nam", 300);
  McOcrParams params = { .languages = "vie", .dpi = 300, .want_words = TRUE,
                         .page_seg_mode = 6 /* one block */ };
  g_autoptr(GError) error = NULL;
  g_autoptr(McOcrResult) result = mc_ocr_pool_recognize (pool, image, &params, NULL, &error);
  const McOcrWord *last;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (result->text, "Cộng hòa xã hội chủ nghĩa Việt Nam"));
  g_assert_cmpfloat (result->confidence, >, 0.8);
  g_assert_cmpuint (result->words->len, ==, 8);
  last = &g_array_index (result->words, McOcrWord, result->words->len - 1);
  g_assert_cmpstr (last->text, ==, "Nam");
  /* Boxes are in the image's pixels and inside it. */
  g_assert_cmpint (last->left, >, 0);
  g_assert_cmpint (last->left + last->width, <=, vips_image_get_width (image));
  g_assert_cmpint (last->top + last->height, <=, vips_image_get_height (image));
  g_assert_cmpint (last->baseline_y1, >, last->top);
}

static void
test_engines_reused (void)
{
  g_autoptr(McOcrPool) pool = mc_ocr_pool_new (2);
  g_autoptr(VipsImage) image = render_text ("Phường Bắc Nha Trang", 300);
  McOcrParams params = { .languages = "vie", .dpi = 300, .page_seg_mode = 7 /* one line */ };

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(McOcrResult) result = mc_ocr_pool_recognize (pool, image, &params, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (strstr (result->text, "Bắc Nha Trang"));
    }
  /* Three pages, one model loaded: engines are not re-initialised. */
  g_assert_cmpuint (mc_ocr_pool_get_n_initialised (pool), ==, 1);
}

/* A reading the pool does not offer itself (a letter's alternatives,
 * for a name's accents) borrows one of its engines: no model loaded a
 * second time, and the engine reads as before afterwards. */
static void
test_letter_choices_share_engine (void)
{
  g_autoptr(McOcrPool) pool = mc_ocr_pool_new (1);
  g_autoptr(VipsImage) name = render_text ("NGUYỄN", 300);
  g_autoptr(VipsImage) line = render_text ("Phường Bắc Nha Trang", 300);
  McOcrParams params = { .languages = "vie", .dpi = 300, .page_seg_mode = 7 /* one line */ };
  g_autoptr(GError) error = NULL;
  g_autoptr(McOcrResult) before = mc_ocr_pool_recognize (pool, line, &params, NULL, &error);
  g_autoptr(McOcrResult) after = NULL;
  g_autoptr(GPtrArray) words = NULL;
  const McIdLetterWord *word;

  g_assert_no_error (error);
  words = mc_id_read_letter_choices (pool, name, 300, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (words->len, ==, 1);
  word = g_ptr_array_index (words, 0);
  g_assert_cmpstr (word->text, ==, "NGUYỄN");
  g_assert_cmpuint (word->letters->len, ==, 6);
  for (guint i = 0; i < word->letters->len; i++)
    g_assert_cmpuint (((McIdLetter *) g_ptr_array_index (word->letters, i))->choices->len, >=, 1);
  g_assert_cmpuint (mc_ocr_pool_get_n_initialised (pool), ==, 1);

  after = mc_ocr_pool_recognize (pool, line, &params, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after->text, ==, before->text);
  g_assert_cmpuint (mc_ocr_pool_get_n_initialised (pool), ==, 1);
}

/* @image read by a Tesseract engine of the test's own, started the
 * library's usual way (with the legacy engine's universal ambiguity table). */
static char *
read_with_plain_engine (VipsImage  *image,
                        const char *languages,
                        int        *confidence)
{
  TessBaseAPI *api = TessBaseAPICreate ();
  g_autofree guchar *pixels = NULL;
  size_t size = 0;
  char *text, *copy;

  g_assert_cmpint (vips_image_get_bands (image), ==, 1);
  pixels = vips_image_write_to_memory (image, &size);
  g_assert_nonnull (pixels);
  g_assert_cmpint (TessBaseAPIInit2 (api, NULL, languages, OEM_LSTM_ONLY), ==, 0);
  TessBaseAPISetVariable (api, "debug_file", "/dev/null");
  TessBaseAPISetPageSegMode (api, PSM_SINGLE_LINE);
  TessBaseAPISetImage (api, pixels, vips_image_get_width (image), vips_image_get_height (image), 1,
                       vips_image_get_width (image));
  TessBaseAPISetSourceResolution (api, 300);
  g_assert_cmpint (TessBaseAPIRecognize (api, NULL), ==, 0);
  text = TessBaseAPIGetUTF8Text (api);
  copy = g_strdup (text);
  *confidence = TessBaseAPIMeanTextConf (api);
  TessDeleteText (text);
  TessBaseAPIEnd (api);
  TessBaseAPIDelete (api);
  return copy;
}

/* The pool's engines are LSTM only, and start without the legacy engine's
 * universal ambiguity table (most of a model's start-up): one skip per
 * model loaded, and the same text and confidence as an engine started
 * with it, for the print (vie) and for an MRZ line (eng). */
static void
test_lstm_engines_skip_ambiguity_table (void)
{
  g_autoptr(McOcrPool) pool = mc_ocr_pool_new (1);
  struct {
    const char *languages, *text;
  } cases[] = {
    { "vie", "Quê quán: Tuy Phước, Bình Định" },
    { "eng", "IDVNM0734265261052073426526<<8" },
  };
  guint skipped = mc_ocr_get_n_universal_ambigs_skipped ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markup = g_markup_escape_text (cases[i].text, -1);
      g_autoptr(VipsImage) image = render_text (markup, 300);
      McOcrParams params = { .languages = cases[i].languages, .dpi = 300, .page_seg_mode = 7 /* one line */ };
      g_autoptr(GError) error = NULL;
      g_autoptr(McOcrResult) result = mc_ocr_pool_recognize (pool, image, &params, NULL, &error);
      g_autofree char *plain = NULL;
      int plain_confidence = -1;

      g_assert_no_error (error);
      g_assert_cmpuint (mc_ocr_get_n_universal_ambigs_skipped (), ==, skipped + i + 1);
      plain = read_with_plain_engine (image, cases[i].languages, &plain_confidence);
      /* The test's own engine built the table: no skip counted for it. */
      g_assert_cmpuint (mc_ocr_get_n_universal_ambigs_skipped (), ==, skipped + i + 1);
      g_assert_nonnull (strstr (result->text, cases[i].text));
      g_assert_cmpstr (result->text, ==, plain);
      g_assert_cmpfloat (result->confidence, ==, MAX (plain_confidence, 0) / 100.0);
    }
  g_assert_cmpuint (mc_ocr_pool_get_n_initialised (pool), ==, 2);
}

static size_t
png_size_of_blank_page (void)
{
  PIX *pix = pixCreate (600, 400, 8);
  l_uint8 *data = NULL;
  size_t size = 0;

  pixSetAllArbitrary (pix, 255);
  g_assert_cmpint (pixWriteMem (&data, &size, pix, IFF_PNG), ==, 0);
  pixDestroy (&pix);
  lept_free (data);
  return size;
}

static gpointer
png_size_in_engine (gpointer       api,
                    gpointer       user_data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  *(size_t *) user_data = png_size_of_blank_page ();
  return GUINT_TO_POINTER (TRUE);
}

/* Tesseract passes each word to its LSTM as a PNG in memory: while one of
 * the pool's engines reads, those PNGs are stored, not deflated (a blank
 * 600 × 400 page: at least its 240 000 pixel bytes, where deflated it
 * takes a few hundred); elsewhere PNGs are compressed as usual. */
static void
test_engine_pngs_stored (void)
{
  g_autoptr(McOcrPool) pool = mc_ocr_pool_new (1);
  g_autoptr(GError) error = NULL;
  size_t inside = 0;

  g_assert_cmpuint (png_size_of_blank_page (), <, 10000);
  g_assert_true (mc_ocr_pool_with_engine (pool, "vie", png_size_in_engine, &inside, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (inside, >=, 600 * 400);
  g_assert_cmpuint (png_size_of_blank_page (), <, 10000);
}

typedef struct {
  guint  pending;
  guint  ok;
} AsyncState;

static void
on_recognized (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(McOcrResult) result = mc_ocr_pool_recognize_finish (MC_OCR_POOL (source), res, &error);

  g_assert_no_error (error);
  if (strstr (result->text, "Khánh Hòa") != NULL)
    state->ok++;
  state->pending--;
}

static void
test_concurrent (void)
{
  g_autoptr(McOcrPool) pool = mc_ocr_pool_new (2);
  g_autoptr(VipsImage) image = render_text ("Tỉnh Khánh Hòa", 300);
  McOcrParams params = { .languages = "vie", .dpi = 300, .page_seg_mode = 7 };
  AsyncState state = { 4, 0 };

  for (guint i = 0; i < 4; i++)
    mc_ocr_pool_recognize_async (pool, image, &params, NULL, on_recognized, &state);
  while (state.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (state.ok, ==, 4);
  /* Never more engines than asked for, however many callers. */
  g_assert_cmpuint (mc_ocr_pool_get_n_initialised (pool), <=, 2);
}

static void
test_cancelled (void)
{
  g_autoptr(McOcrPool) pool = mc_ocr_pool_new (1);
  g_autoptr(VipsImage) image = render_text ("Hủy", 300);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(McOcrResult) result = NULL;

  g_cancellable_cancel (cancellable);
  result = mc_ocr_pool_recognize (pool, image, NULL, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_bad_input (void)
{
  g_autoptr(McOcrPool) pool = mc_ocr_pool_new (1);
  g_autoptr(VipsImage) huge = NULL;
  g_autoptr(VipsImage) small = render_text ("x", 300);
  McOcrParams missing = { .languages = "zzz" };
  g_autoptr(GError) error = NULL;
  g_autoptr(McOcrResult) result = NULL;

  /* An absurd size is refused before any pixel is allocated. */
  g_assert_cmpint (vips_black (&huge, 100000, 100000, NULL), ==, 0);
  result = mc_ocr_pool_recognize (pool, huge, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, MC_OCR_ERROR, MC_OCR_ERROR_BAD_IMAGE);
  g_clear_error (&error);

  result = mc_ocr_pool_recognize (pool, NULL, NULL, NULL, &error);
  g_assert_error (error, MC_OCR_ERROR, MC_OCR_ERROR_BAD_IMAGE);
  g_clear_error (&error);

  result = mc_ocr_pool_recognize (pool, small, &missing, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, MC_OCR_ERROR, MC_OCR_ERROR_NO_LANGUAGE_DATA);
  g_assert_nonnull (strstr (error->message, "tesseract-ocr-vie"));
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();

  g_test_add_func ("/ocr/pool/recognize-vietnamese", test_recognize_vietnamese);
  g_test_add_func ("/ocr/pool/engines-reused", test_engines_reused);
  g_test_add_func ("/ocr/pool/letter-choices-share-engine", test_letter_choices_share_engine);
  g_test_add_func ("/ocr/pool/lstm-engines-skip-ambiguity-table", test_lstm_engines_skip_ambiguity_table);
  g_test_add_func ("/ocr/pool/engine-pngs-stored", test_engine_pngs_stored);
  g_test_add_func ("/ocr/pool/concurrent", test_concurrent);
  g_test_add_func ("/ocr/pool/cancelled", test_cancelled);
  g_test_add_func ("/ocr/pool/bad-input", test_bad_input);

  return g_test_run ();
}
