/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-id-fields"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <tesseract/capi.h>

#include "mc-id-accents.h"
#include "mc-id-error.h"
#include "mc-id-rules.h"
#include "mc-vips.h"

/* The accents of a name in capitals are where OCR errs most: a tone mark
 * stacked over a circumflex or breve ("Ễ", "Ặ") is small and close to the
 * line above, and Tesseract sometimes settles on the letter without it
 * ("NGUYÊN" for "NGUYỄN", "ĐĂNG" for "ĐẶNG") while its LSTM gave the right
 * one nearly as much weight. Both are valid syllables, so the spelling
 * alone cannot choose; for the family name a reader of Vietnamese would
 * take the common name when the print leaves it open, and that is the
 * rule here: among the readings Tesseract itself offered for the family
 * name's letters, differing only in their marks, the one that is a more
 * common family name than the first reading stands. */

void
mc_id_letter_word_free (McIdLetterWord *word)
{
  if (word == NULL)
    return;
  g_free (word->text);
  g_ptr_array_unref (word->letters);
  g_free (word);
}

static void
letter_free (gpointer data)
{
  McIdLetter *letter = data;

  for (guint i = 0; i < letter->choices->len; i++)
    g_free (g_array_index (letter->choices, McIdLetterChoice, i).text);
  g_array_unref (letter->choices);
  g_free (letter->text);
  g_free (letter);
}

/* @text in NFD without its combining marks, "Đ" kept (it is a letter of
 * its own, not a D with an accent), upper case: "NGUYỄN" → "NGUYEN",
 * "ĐẶNG" → "ĐANG". */
char *
mc_id_strip_marks (const char *text)
{
  g_autofree char *nfd = NULL;
  g_autofree char *upper = NULL;
  GString *out;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;
  upper = g_utf8_strup (text, -1);
  nfd = g_utf8_normalize (upper, -1, G_NORMALIZE_NFD);
  if (nfd == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (const char *p = nfd; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x0300 || c > 0x036f)
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static char *
upper_nfc (const char *text)
{
  g_autofree char *upper = g_utf8_strup (text, -1);

  return g_utf8_normalize (upper, -1, G_NORMALIZE_NFC);
}

/* The readings of one letter worth trying: the one read, and those of the
 * same letter with other marks that the LSTM gave at least half the
 * weight of the one read (an alternative it all but ruled out is no
 * ambiguity). */
static GPtrArray *
letter_options (const McIdLetter *letter)
{
  GPtrArray *options = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *read = upper_nfc (letter->text);
  g_autofree char *base = mc_id_strip_marks (letter->text);
  float read_confidence = 0;

  g_ptr_array_add (options, g_strdup (read));
  for (guint i = 0; i < letter->choices->len; i++)
    {
      const McIdLetterChoice *c = &g_array_index (letter->choices, McIdLetterChoice, i);
      g_autofree char *text = upper_nfc (c->text);

      if (g_strcmp0 (text, read) == 0)
        read_confidence = MAX (read_confidence, c->confidence);
    }
  for (guint i = 0; i < letter->choices->len; i++)
    {
      const McIdLetterChoice *c = &g_array_index (letter->choices, McIdLetterChoice, i);
      g_autofree char *text = upper_nfc (c->text);
      g_autofree char *text_base = mc_id_strip_marks (c->text);
      gboolean seen = FALSE;

      if (text == NULL || g_strcmp0 (text_base, base) != 0 || c->confidence <= 0 ||
          c->confidence < 0.5f * read_confidence)
        continue;
      for (guint k = 0; k < options->len; k++)
        seen |= g_str_equal (options->pdata[k], text);
      if (!seen)
        g_ptr_array_add (options, g_steal_pointer (&text));
    }
  return options;
}

static void
best_name (GPtrArray   **options,
           guint         n,
           guint         at,
           GString      *spelled,
           int          *best_rank,
           char        **best)
{
  if (at == n)
    {
      int rank = mc_id_family_name_rank (spelled->str);

      if (rank >= 0 && (*best_rank < 0 || rank < *best_rank))
        {
          *best_rank = rank;
          g_free (*best);
          *best = g_strdup (spelled->str);
        }
      return;
    }
  for (guint i = 0; i < options[at]->len; i++)
    {
      gsize len = spelled->len;

      g_string_append (spelled, options[at]->pdata[i]);
      best_name (options, n, at + 1, spelled, best_rank, best);
      g_string_truncate (spelled, len);
    }
}

/* The family name @word spells with the marks Tesseract read or offered
 * for its letters, where that is a more common family name than @family
 * (the reading taken so far, which must have the same letters as @word);
 * NULL when none is. Letters keep their places: only marks change. */
char *
mc_id_family_name_from_choices (const McIdLetterWord *word,
                                const char           *family)
{
  g_autofree char *family_letters = NULL;
  g_autofree char *read_letters = NULL;
  g_autofree char *family_nfc = NULL;
  g_autoptr(GString) spelled = g_string_new (NULL);
  GPtrArray **options;
  guint n, n_open = 0;
  int rank, best_rank;
  char *best = NULL;

  g_return_val_if_fail (word != NULL, NULL);
  if (family == NULL || !g_utf8_validate (family, -1, NULL))
    return NULL;
  family_nfc = upper_nfc (family);
  for (guint i = 0; i < word->letters->len; i++)
    g_string_append (spelled, ((McIdLetter *) word->letters->pdata[i])->text);
  family_letters = mc_id_strip_marks (family_nfc);
  read_letters = mc_id_strip_marks (spelled->str);
  if (g_strcmp0 (read_letters, family_letters) != 0)
    return NULL;
  g_string_truncate (spelled, 0);

  n = word->letters->len;
  options = g_new0 (GPtrArray *, n);
  for (guint i = 0; i < n; i++)
    {
      options[i] = letter_options (word->letters->pdata[i]);
      n_open += options[i]->len > 1;
    }
  rank = best_rank = mc_id_family_name_rank (family_nfc);
  /* A few open letters at most: a name is short, and a word with many
   * doubtful letters is no reading to choose marks on. */
  if (n_open <= 3)
    best_name (options, n, 0, spelled, &best_rank, &best);
  for (guint i = 0; i < n; i++)
    g_ptr_array_unref (options[i]);
  g_free (options);
  if (best != NULL && (rank < 0 || best_rank < rank))
    return best;
  g_free (best);
  return NULL;
}

static McIdLetter *
letter_at (TessResultIterator *it)
{
  McIdLetter *letter;
  TessChoiceIterator *ci;
  char *text = TessResultIteratorGetUTF8Text (it, RIL_SYMBOL);

  if (text == NULL)
    return NULL;
  letter = g_new0 (McIdLetter, 1);
  letter->text = g_strdup (text);
  TessDeleteText (text);
  letter->choices = g_array_new (FALSE, TRUE, sizeof (McIdLetterChoice));
  ci = TessResultIteratorGetChoiceIterator (it);
  if (ci != NULL)
    {
      do
        {
          const char *t = TessChoiceIteratorGetUTF8Text (ci);
          McIdLetterChoice c;

          if (t == NULL || !g_utf8_validate (t, -1, NULL))
            continue;
          c.text = g_strdup (t);
          c.confidence = TessChoiceIteratorConfidence (ci);
          g_array_append_val (letter->choices, c);
        }
      while (TessChoiceIteratorNext (ci));
      TessChoiceIteratorDelete (ci);
    }
  return letter;
}

static bool
cancel_func (void *cancel_this,
             int   words)
{
  return g_cancellable_is_cancelled (cancel_this);
}

typedef struct {
  VipsImage *grey;
  guchar    *pixels;
  int        dpi;
} LetterReading;

/* With one of the pool's engines: the line read with the LSTM's
 * alternatives on (and off again for the pool's next reading). */
static gpointer
read_letters_with (gpointer       engine,
                   gpointer       user_data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  TessBaseAPI *api = engine;
  LetterReading *lr = user_data;
  GPtrArray *words;
  McIdLetterWord *word = NULL;
  TessResultIterator *it;
  ETEXT_DESC *monitor;
  int status;

  TessBaseAPISetVariable (api, "lstm_choice_mode", "2");
  TessBaseAPISetVariable (api, "tessedit_char_whitelist", "");
  TessBaseAPISetPageSegMode (api, PSM_SINGLE_LINE);
  TessBaseAPISetImage (api, lr->pixels, vips_image_get_width (lr->grey), vips_image_get_height (lr->grey), 1,
                       vips_image_get_width (lr->grey));
  if (lr->dpi > 0)
    TessBaseAPISetSourceResolution (api, lr->dpi);
  monitor = TessMonitorCreate ();
  if (cancellable != NULL)
    {
      TessMonitorSetCancelFunc (monitor, cancel_func);
      TessMonitorSetCancelThis (monitor, cancellable);
    }
  status = TessBaseAPIRecognize (api, monitor);
  TessMonitorDelete (monitor);
  if (status != 0 || g_cancellable_is_cancelled (cancellable))
    {
      TessBaseAPISetVariable (api, "lstm_choice_mode", "0");
      if (!g_cancellable_set_error_if_cancelled (cancellable, error))
        g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_BAD_IMAGE,
                             _("Text recognition failed on this image."));
      return NULL;
    }

  words = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_id_letter_word_free);
  it = TessBaseAPIGetIterator (api);
  if (it != NULL)
    {
      do
        {
          const TessPageIterator *pit = TessResultIteratorGetPageIteratorConst (it);
          McIdLetter *letter;

          if (word == NULL || TessPageIteratorIsAtBeginningOf (pit, RIL_WORD))
            {
              char *text = TessResultIteratorGetUTF8Text (it, RIL_WORD);

              word = g_new0 (McIdLetterWord, 1);
              word->text = g_strdup (text != NULL ? text : "");
              word->letters = g_ptr_array_new_with_free_func (letter_free);
              if (text != NULL)
                TessDeleteText (text);
              g_ptr_array_add (words, word);
            }
          letter = letter_at (it);
          if (letter != NULL)
            g_ptr_array_add (word->letters, letter);
        }
      while (TessResultIteratorNext (it, RIL_SYMBOL));
      TessResultIteratorDelete (it);
    }
  TessBaseAPISetVariable (api, "lstm_choice_mode", "0");
  return words;
}

/* The words of the one text line in @line, each with its letters and the
 * alternatives Tesseract's LSTM gave them (McIdLetterWord), read by one
 * of @pool's `vie` engines. */
GPtrArray *
mc_id_read_letter_choices (McOcrPool     *pool,
                           VipsImage     *line,
                           int            dpi,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(VipsImage) grey = NULL;
  g_autofree guchar *pixels = NULL;
  LetterReading lr;
  size_t size = 0;

  g_return_val_if_fail (MC_IS_OCR_POOL (pool), NULL);
  g_return_val_if_fail (VIPS_IS_IMAGE (line), NULL);

  if (mc_vips_grey8 (line, &grey) != 0 ||
      (pixels = vips_image_write_to_memory (grey, &size)) == NULL)
    {
      mc_id_error_from_vips (error);
      return NULL;
    }
  lr.grey = grey;
  lr.pixels = pixels;
  lr.dpi = dpi;
  return mc_ocr_pool_with_engine (pool, "vie", read_letters_with, &lr, cancellable, error);
}

/* One letter of a name: @ocr's marks on @letter, the MRZ's letter in its
 * place. A consonant takes no marks; "Đ" stands for the MRZ's "D". */
static void
append_letter (GString  *out,
               gunichar  ocr,
               char      letter)
{
  gunichar marks[4];
  gsize n = g_unichar_fully_decompose (ocr, FALSE, marks, G_N_ELEMENTS (marks));
  GString *spelled;
  g_autofree char *nfc = NULL;

  if ((ocr == 0x0110 || ocr == 0x0111) && letter == 'D')
    {
      g_string_append_unichar (out, 0x0110);
      return;
    }
  if (strchr ("AEIOUY", letter) == NULL)
    {
      g_string_append_c (out, letter);
      return;
    }
  spelled = g_string_new (NULL);
  g_string_append_c (spelled, letter);
  for (gsize i = 1; i < n; i++)
    g_string_append_unichar (spelled, marks[i]);
  nfc = g_utf8_normalize (spelled->str, -1, G_NORMALIZE_NFC);
  /* Marks that make no Vietnamese letter on this vowel ("Ơ" read where
   * the MRZ has "A") are dropped: the clerk is shown the name anyway. */
  if (nfc != NULL && g_utf8_strlen (nfc, -1) == 1)
    g_string_append (out, nfc);
  else
    g_string_append_c (out, letter);
  g_string_free (spelled, TRUE);
}

/* @ocr's name spelled with the letters of the MRZ's @mrz_name (upper-case
 * ASCII words), where the two differ in a letter here and there: the MRZ
 * is printed in OCR-B for machines and its letters are the surer, while
 * only the print has the diacritics. Each word must have as many letters
 * in both and differ in at most one of them; otherwise the two are other
 * readings, not one to mend, and NULL is returned. @n_changed: the letters
 * taken from the MRZ. */
char *
mc_id_name_on_mrz_letters (const char *ocr,
                           const char *mrz_name,
                           guint      *n_changed)
{
  g_auto(GStrv) ocr_words = NULL;
  g_auto(GStrv) mrz_words = NULL;
  g_autofree char *nfc = NULL;
  g_autofree char *upper = NULL;
  GString *out;
  guint changed = 0;

  if (n_changed != NULL)
    *n_changed = 0;
  if (ocr == NULL || mrz_name == NULL || !g_utf8_validate (ocr, -1, NULL))
    return NULL;
  upper = g_utf8_strup (ocr, -1);
  nfc = g_utf8_normalize (upper, -1, G_NORMALIZE_NFC);
  ocr_words = g_strsplit (g_strstrip (nfc), " ", -1);
  mrz_words = g_strsplit (mrz_name, " ", -1);
  if (g_strv_length (ocr_words) != g_strv_length (mrz_words))
    return NULL;

  out = g_string_new (NULL);
  for (guint i = 0; ocr_words[i] != NULL; i++)
    {
      const char *m = mrz_words[i];
      guint differ = 0;

      if ((glong) strlen (m) != g_utf8_strlen (ocr_words[i], -1) || *m == '\0')
        break;
      if (i > 0)
        g_string_append_c (out, ' ');
      for (const char *p = ocr_words[i]; *p; p = g_utf8_next_char (p), m++)
        {
          gunichar c = g_utf8_get_char (p);
          gunichar base[4];
          gsize n = g_unichar_fully_decompose (c, FALSE, base, G_N_ELEMENTS (base));
          char letter = (c == 0x0110) ? 'D' : (n > 0 && base[0] < 0x80) ? (char) base[0] : '?';

          if (!g_ascii_isupper (*m))
            break;
          if (letter != *m)
            differ++;
          if (letter == *m)
            g_string_append_unichar (out, c);
          else
            append_letter (out, c, *m);
        }
      if (*m != '\0' || differ > 1)
        break;
      changed += differ;
      if (ocr_words[i + 1] == NULL)
        {
          if (n_changed != NULL)
            *n_changed = changed;
          return g_string_free (out, FALSE);
        }
    }
  g_string_free (out, TRUE);
  return NULL;
}

static void
word_read_clear (gpointer data)
{
  g_free (((McIdWordRead *) data)->text);
}

/* An empty array of McIdWordRead that frees their text. */
GArray *
mc_id_words_read_new (void)
{
  GArray *words = g_array_new (FALSE, TRUE, sizeof (McIdWordRead));

  g_array_set_clear_func (words, word_read_clear);
  return words;
}

static double
word_confidence (GArray     *words,
                 const char *text,
                 double      otherwise)
{
  for (guint i = 0; words != NULL && i < words->len; i++)
    {
      const McIdWordRead *w = &g_array_index (words, McIdWordRead, i);
      g_autofree char *nfc = upper_nfc (w->text);

      if (g_strcmp0 (nfc, text) == 0)
        return w->confidence;
    }
  return otherwise;
}

/* TRUE when @again is a rarer family name than @first, or none where
 * @first is one. */
static gboolean
family_rank_worse (const char *again,
                   const char *first)
{
  int a = mc_id_family_name_rank (again), f = mc_id_family_name_rank (first);

  return f >= 0 && (a < 0 || a > f);
}

/* @name (upper case, NFC) with the marks of the line read again, @again
 * (McIdWordRead): a word of it replaces the same word of @name only where
 * the two have the same letters and other marks, and Tesseract is surer
 * of it than it was of the word first read (found in @first, else
 * @otherwise), and, for the first word, the family name, where it is no
 * rarer a family name than the one read first. NULL when no word changes, or when @again is another
 * reading (other letters, other words). Words of one letter beside a
 * name of longer words are taken as stray marks, not words. */
char *
mc_id_name_marks_from_words (const char *name,
                             GArray     *first,
                             GArray     *again,
                             double      otherwise)
{
  g_auto(GStrv) words = NULL;
  GString *mended;
  guint n = 0, changed = 0;

  if (name == NULL || again == NULL || !g_utf8_validate (name, -1, NULL))
    return NULL;
  words = g_strsplit (name, " ", -1);
  mended = g_string_new (NULL);
  for (guint i = 0; i < again->len; i++)
    {
      const McIdWordRead *w = &g_array_index (again, McIdWordRead, i);
      g_autofree char *read = upper_nfc (w->text);
      g_autofree char *letters = NULL;
      g_autofree char *name_letters = NULL;

      if (read == NULL)
        break;
      if (g_utf8_strlen (read, -1) < 2 && (words[n] == NULL || g_utf8_strlen (words[n], -1) >= 2))
        continue;
      if (words[n] == NULL)
        break;
      letters = mc_id_strip_marks (read);
      name_letters = mc_id_strip_marks (words[n]);
      if (g_strcmp0 (letters, name_letters) != 0)
        break;
      if (mended->len > 0)
        g_string_append_c (mended, ' ');
      /* The family name keeps the prior it has everywhere: a reading
       * that leaves a common name for a rarer one, or for none, is not
       * taken on confidence alone ("NGUYÊN" read enlarged on "NGUYỄN"). */
      if (!g_str_equal (read, words[n]) && w->confidence > word_confidence (first, words[n], otherwise) &&
          (n > 0 || !family_rank_worse (read, words[n])))
        {
          g_string_append (mended, read);
          changed++;
        }
      else
        g_string_append (mended, words[n]);
      n++;
    }
  if (words[n] != NULL || changed == 0)
    {
      g_string_free (mended, TRUE);
      return NULL;
    }
  return g_string_free (mended, FALSE);
}
