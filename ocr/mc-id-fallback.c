/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-id-fallback"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-id-error.h"
#include "mc-id-fallback.h"
#include "mc-id-rules.h"
#include "mc-id-shapes.h"
#include "mc-vips.h"

/* The reader's last resort.
 *
 * The careful passes (the card's frame, the QR, the MRZ, labels read
 * sparse-text at 300 dpi) each rest on something a phone photo can lose:
 * an outline in a sleeve, a QR under glare, labels too small to read. On
 * such photos plain `tesseract IMAGE stdout -l vie` and a regular
 * expression for 12 digits still find the number more often than not, so
 * the reader must never do worse: when nothing else gave a number, it
 * runs that same pass (the whole image as it is, automatic page
 * segmentation), on every way up until a labelled number is found, and
 * with none, once more enlarged and with the contrast evened out. Twelve
 * digits count only where they can be a card's number. What it finds is
 * never sure: the merge marks an OCR-only number unproven. Nothing here
 * logs what it reads. */

/* Past this, Tesseract's page layout pass takes seconds and finds no
 * more: a phone's 4000 px photo is brought down to it. */
#define MAX_LONG_SIDE 3200
/* Twelve digits Tesseract is less than even sure of are a guess at
 * noise (a table's rules, a blurred line), not a number it read. */
#define MIN_NUMBER_CONFIDENCE 0.5
/* The fields of the fallback stay well below MC_ID_CONFIDENCE_SURE. */
#define FALLBACK_CONFIDENCE 0.6

static gboolean
prepare_failed (GError **error)
{
  g_set_error (error, MC_ID_ERROR, MC_ID_ERROR_BAD_IMAGE,
               _("The image could not be prepared for reading: %s"), vips_error_buffer ());
  vips_error_clear ();
  return FALSE;
}

/* Whether the text before a number on its line ends in its label: "Số",
 * "No." (folded: "SO", "NO", whatever punctuation followed). */
static gboolean
after_label (const char *line_start,
             const char *number)
{
  g_autofree char *before = g_strndup (line_start, number - line_start);
  g_autofree char *folded = mc_id_fold (before);
  gsize len = folded != NULL ? strlen (folded) : 0;

  if (len < 2 || (len > 2 && folded[len - 3] != ' '))
    return FALSE;
  return g_str_has_suffix (folded, "SO") || g_str_has_suffix (folded, "NO");
}

/* Whether the run from @start to @end is a word of its own: digits glued
 * to letters are a garbled reading ("0H7090000202008700đ1"), not a
 * number printed in its own place. */
static gboolean
stands_alone (const char *text,
              const char *start,
              const char *end)
{
  if (start > text)
    {
      gunichar before = g_utf8_get_char (g_utf8_find_prev_char (text, start));

      if (g_unichar_isalnum (before) || g_unichar_ismark (before))
        return FALSE;
    }
  return !(g_unichar_isalnum (g_utf8_get_char (end)) || g_unichar_ismark (g_utf8_get_char (end)));
}

/* Tesseract's confidence in the words that spell @number (the least
 * sure of them), 0 when no run of words does. */
static double
number_confidence (const McOcrResult *result,
                   const char        *number)
{
  const McOcrWord *words = (const McOcrWord *) result->words->data;
  guint n = result->words->len;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GString) digits = g_string_new (NULL);
      double conf = 1.0;

      /* The number as one word, or split in up to three. */
      for (guint j = i; j < n && j < i + 3 && digits->len < 12; j++)
        {
          gsize before = digits->len;

          for (const char *c = words[j].text; c != NULL && *c; c++)
            if (g_ascii_isdigit (*c))
              g_string_append_c (digits, *c);
          if (digits->len == before)
            break;
          conf = MIN (conf, words[j].confidence);
          if (strstr (digits->str, number) != NULL)
            return conf;
          if (!g_str_has_prefix (number, digits->str))
            break;
        }
    }
  return 0;
}

/* The number in @text and how sure it is: 1 for twelve digits that can
 * be a number (a province's code, a century and sex digit), 2 for such
 * digits after their label; implausible runs are left out, and with
 * @words (the same reading's words), those Tesseract hardly saw. */
static char *
pick_number (const char        *text,
             const McOcrResult *words,
             int               *score_out)
{
  g_autoptr(GString) run = g_string_new (NULL);
  g_autofree char *best = NULL;
  const char *line_start, *run_start = NULL;
  int best_score = 0, group = 0, splits = 0;

  *score_out = 0;
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;
  line_start = text;
  for (const char *p = text;; p++)
    {
      if (*p != '\0' && g_ascii_isdigit (*p))
        {
          if (run->len == 0)
            run_start = p;
          g_string_append_c (run, *p);
          group++;
          continue;
        }
      /* OCR splits the printed run at a space now and then ("056 090
       * 001234"), never into single digits (the rules of a table, read as
       * "0 1 0 0 …"); twelve digits already are one, whatever follows. */
      if (*p == ' ' && run->len < 12 && group >= 3 && splits < 2 && g_ascii_isdigit (p[1]))
        {
          group = 0;
          splits++;
          continue;
        }
      if (run->len == 12 && group >= 3 && stands_alone (text, run_start, p))
        {
          int score = !mc_id_number_province_known (run->str) ? 0 :
                      words != NULL && number_confidence (words, run->str) < MIN_NUMBER_CONFIDENCE ? 0 :
                      after_label (line_start, run_start) ? 2 : 1;

          if (score > 0 && score > best_score)
            {
              g_free (best);
              best = g_strdup (run->str);
              best_score = score;
            }
        }
      g_string_truncate (run, 0);
      group = splits = 0;
      if (*p == '\0')
        break;
      if (*p == '\n')
        line_start = p + 1;
    }
  *score_out = best_score;
  return g_steal_pointer (&best);
}

char *
mc_id_fallback_pick_number (const char *text)
{
  int score;

  return pick_number (text, NULL, &score);
}

/* The second look: a small image enlarged to the size a phone's photo
 * is read at (print a few pixels tall is below what Tesseract reads), its
 * contrast evened out by neighbourhood (CLAHE: glare and a sleeve's sheen
 * lift the paper unevenly; each part stretched on its own shows the print
 * under them), and read as at 300 dpi where the image does not say (the
 * first look left that to Tesseract, as its command line does). */
static VipsImage *
second_look (VipsImage  *grey,
             int        *dpi,
             GError    **error)
{
  g_autoptr(VipsImage) big = NULL;
  g_autoptr(VipsImage) equal = NULL;
  int w = vips_image_get_width (grey), h = vips_image_get_height (grey);
  double scale = MIN ((double) MAX_LONG_SIDE / MAX (w, h), 3.0);
  int window;
  VipsImage *out;

  if (scale > 1.25)
    {
      if (vips_resize (grey, &big, scale, NULL) != 0)
        return prepare_failed (error), NULL;
    }
  else
    {
      big = g_object_ref (grey);
      scale = 1.0;
    }
  *dpi = *dpi > 0 ? (int) (*dpi * scale + 0.5) : 300;
  window = MAX (MAX (vips_image_get_width (big), vips_image_get_height (big)) / 12, 32);
  if (vips_hist_local (big, &equal, window, window, "max_slope", 3, NULL) != 0)
    return prepare_failed (error), NULL;
  if (!(out = vips_image_copy_memory (equal)))
    return prepare_failed (error), NULL;
  return out;
}

/* Words read with some confidence: the way up that stands the text
 * upright reads many, the others next to none. */
static guint
count_good_words (const McOcrResult *result)
{
  guint n = 0;

  for (guint i = 0; i < result->words->len; i++)
    {
      const McOcrWord *w = &g_array_index (result->words, McOcrWord, i);

      if (w->confidence >= 0.6 && w->text != NULL && g_utf8_strlen (w->text, -1) >= 2)
        n++;
    }
  return n;
}

typedef struct {
  McIdOcrFields *fields;     /* NULL: no number */
  int            score;      /* as pick_number() gives */
  guint          good_words;
} Reading;

static void
reading_clear (Reading *r)
{
  g_clear_pointer (&r->fields, mc_id_ocr_fields_free);
}

/* Whether @a is the better of two readings with a number: the better
 * placed number, then the text that read better. */
static gboolean
better (const Reading *a,
        const Reading *b)
{
  if (b->fields == NULL)
    return a->fields != NULL;
  if (a->fields == NULL)
    return FALSE;
  if (a->score != b->score)
    return a->score > b->score;
  return a->good_words > b->good_words;
}

/* One reading of @grey turned @degrees into @out. */
static gboolean
read_turned (McOcrPool      *pool,
             VipsImage      *grey,
             int             degrees,
             int             dpi,
             Reading        *out,
             GCancellable   *cancellable,
             GError        **error)
{
  static const VipsAngle angles[] = { VIPS_ANGLE_D0, VIPS_ANGLE_D90, VIPS_ANGLE_D180, VIPS_ANGLE_D270 };
  g_autoptr(VipsImage) turned = NULL;
  g_autoptr(McOcrResult) result = NULL;
  g_autofree char *number = NULL;
  McOcrParams params = {
    .languages = "vie",
    .page_seg_mode = 0,
    .dpi = dpi,
    .want_words = TRUE,
  };
  McIdOcrFields *read;
  const McOcrWord *words;
  guint n;

  memset (out, 0, sizeof *out);
  if (vips_rot (grey, &turned, angles[(degrees / 90) % 4], NULL) != 0)
    return prepare_failed (error);
  if (!(result = mc_ocr_pool_recognize (pool, turned, &params, cancellable, error)))
    return FALSE;
  number = pick_number (result->text, result, &out->score);
  out->good_words = count_good_words (result);
  g_debug ("whole image turned %d°: %s (score %d, confidence %.2f), %u words", degrees,
           number != NULL ? "a number" : "no number", out->score,
           number != NULL ? number_confidence (result, number) : 0.0, out->good_words);
  if (number == NULL)
    return TRUE;

  words = (const McOcrWord *) result->words->data;
  n = result->words->len;
  out->fields = read = mc_id_ocr_fields_new ();
  read->fields[MC_ID_FIELD_ID_NUMBER].value = g_steal_pointer (&number);
  read->fields[MC_ID_FIELD_ID_NUMBER].confidence = FALLBACK_CONFIDENCE;
  /* The labels where they read, then the shapes (the name under the
   * number, the date in the year it encodes, the sex it encodes). */
  mc_id_fields_extract (words, n, read);
  /* Width 0: the card's columns are not known in a whole image, so no
   * expiry by its place. */
  mc_id_fields_by_shape (words, n, 0, read);
  for (guint f = 0; f < MC_ID_N_FIELDS; f++)
    read->fields[f].confidence = MIN (read->fields[f].confidence, FALLBACK_CONFIDENCE);
  read->no_expiry_confidence = MIN (read->no_expiry_confidence, FALLBACK_CONFIDENCE);
  return TRUE;
}

gboolean
mc_id_fallback_read (McOcrPool      *pool,
                     VipsImage      *image,
                     McIdOcrFields  *fields,
                     gboolean       *found,
                     GCancellable   *cancellable,
                     GError        **error)
{
  static const int order[] = { 0, 180, 90, 270 };
  g_autoptr(VipsImage) u8 = NULL;
  g_autoptr(VipsImage) sized = NULL;
  g_autoptr(VipsImage) grey = NULL;
  Reading best = { 0 };
  double header_dpi = vips_image_get_xres (image) * 25.4;
  int long_side = MAX (vips_image_get_width (image), vips_image_get_height (image));
  int dpi = header_dpi >= 100 && header_dpi <= 1300 ? (int) (header_dpi + 0.5) : 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (MC_IS_OCR_POOL (pool), FALSE);
  g_return_val_if_fail (VIPS_IS_IMAGE (image), FALSE);
  g_return_val_if_fail (fields != NULL && found != NULL, FALSE);

  *found = FALSE;
  if (mc_vips_grey8 (image, &u8) != 0)
    return prepare_failed (error);
  if (long_side > MAX_LONG_SIDE)
    {
      double scale = (double) MAX_LONG_SIDE / long_side;

      if (vips_resize (u8, &sized, scale, NULL) != 0)
        return prepare_failed (error);
      if (dpi > 0)
        dpi = (int) (dpi * scale + 0.5);
    }
  else
    sized = g_object_ref (u8);
  if (!(grey = vips_image_copy_memory (sized)))
    return prepare_failed (error);

  /* Every way up while no number stands after its label: a garbled
   * reading of the wrong way up can make twelve digits of a table's rules
   * or a blurred line. Then, with none found at all, the second look. */
  for (int pass = 0; ok && pass < 2 && best.fields == NULL; pass++)
    {
      if (pass == 1)
        {
          VipsImage *even = second_look (grey, &dpi, error);

          if (even == NULL)
            {
              ok = FALSE;
              break;
            }
          g_object_unref (grey);
          grey = even;
        }
      for (guint i = 0; i < G_N_ELEMENTS (order) && !(best.fields != NULL && best.score >= 2); i++)
        {
          Reading r = { 0 };

          if (!(ok = read_turned (pool, grey, order[i], dpi, &r, cancellable, error)))
            break;
          if (better (&r, &best))
            {
              reading_clear (&best);
              best = r;
            }
          else
            reading_clear (&r);
        }
    }

  if (ok && best.fields != NULL)
    {
      mc_id_ocr_fields_absorb (fields, best.fields);
      *found = TRUE;
    }
  reading_clear (&best);
  return ok;
}
