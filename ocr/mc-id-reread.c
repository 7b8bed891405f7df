/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-id-fields"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-id-accents.h"
#include "mc-id-fields-private.h"
#include "mc-id-rules.h"
#include "mc-vips.h"

/* Reading a field's lines again, each alone: Tesseract's single-line mode
 * on a tight crop gets diacritics right more often than the sparse pass
 * over the whole card, and a date read enlarged as digits and '/' only
 * gets what the sparse pass misread beyond parsing. */

/* @grey (one line cut from a card) in a margin of its own paper: a white
 * margin around a tinted card's line pulls Tesseract's global threshold
 * up, and thin strokes break ("25/02/2001" read "28/02/2001" on a pale
 * blue-grey card that read right without the margin). The paper is the
 * line's bright majority, the print being a minority of a line's area.
 * Only for digits: a name read so took a stray mark at its edge for a
 * letter and a tone over a plain one (tune cards 00039, 00065), where
 * in white it read right. */
static gboolean
frame_on_paper (VipsImage  *grey,
                VipsImage **framed)
{
  VipsArrayDouble *paper;
  int level = 255, status;

  if (vips_percent (grey, 75.0, &level, NULL) != 0)
    return FALSE;
  paper = vips_array_double_newv (1, (double) level);
  status = vips_embed (grey, framed, 12, 12, vips_image_get_width (grey) + 24,
                       vips_image_get_height (grey) + 24,
                       "extend", VIPS_EXTEND_BACKGROUND, "background", paper, NULL);
  vips_area_unref (VIPS_AREA (paper));
  return status == 0;
}

/* The lines of @v alone, each framed in white (@on_paper: in its own
 * paper) and scaled by @scale; @above: how much of a line's height to
 * take above its box; @words, if not NULL, gets each word read
 * (McIdWordRead). */
static gboolean
read_lines (McOcrPool           *pool,
            VipsImage           *card,
            const McIdOcrValue  *v,
            const McOcrParams   *params,
            double               scale,
            double               above,
            gboolean             on_paper,
            GString             *text,
            double              *confidence,
            GArray              *words,
            GCancellable        *cancellable,
            GError             **error)
{
  int w = vips_image_get_width (card), h = vips_image_get_height (card);

  *confidence = 1.0;
  for (guint b = 0; b < v->n_boxes; b++)
    {
      g_autoptr(VipsImage) line = NULL;
      g_autoptr(VipsImage) grey = NULL;
      g_autoptr(VipsImage) framed = NULL;
      g_autoptr(VipsImage) scaled = NULL;
      g_autoptr(McOcrResult) result = NULL;
      /* Tight above and below (the neighbouring lines are close and
       * single-line mode reads nothing when it sees parts of them),
       * half a line's height to the sides. */
      int vpad = v->boxes[b][3] / 6 + 2, hpad = v->boxes[b][3] / 2 + 4;
      int apad = MAX (vpad, (int) (v->boxes[b][3] * above));
      int x0 = MAX (0, v->boxes[b][0] - hpad), y0 = MAX (0, v->boxes[b][1] - apad);
      int x1 = MIN (w, v->boxes[b][0] + v->boxes[b][2] + hpad);
      int y1 = MIN (h, v->boxes[b][1] + v->boxes[b][3] + vpad);

      if (x1 - x0 < 8 || y1 - y0 < 8 ||
          vips_extract_area (card, &line, x0, y0, x1 - x0, y1 - y0, NULL) != 0 ||
          !(on_paper ? mc_vips_grey8 (line, &grey) == 0 && frame_on_paper (grey, &framed)
                     : vips_embed (line, &framed, 12, 12, x1 - x0 + 24, y1 - y0 + 24,
                                   "extend", VIPS_EXTEND_WHITE, NULL) == 0) ||
          (scale != 1.0 ? vips_resize (framed, &scaled, scale, NULL)
                        : vips_copy (framed, &scaled, NULL)) != 0)
        {
          mc_id_error_from_vips (error);
          return FALSE;
        }
      result = mc_ocr_pool_recognize (pool, scaled, params, cancellable, error);
      if (result == NULL)
        return FALSE;
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, g_strstrip (result->text));
      for (guint k = 0; k < result->words->len; k++)
        {
          const McOcrWord *word = &g_array_index (result->words, McOcrWord, k);

          *confidence = MIN (*confidence, word->confidence);
          if (words != NULL)
            {
              McIdWordRead read = { g_strdup (word->text), word->confidence };

              g_array_append_val (words, read);
            }
        }
      if (result->words->len == 0)
        *confidence = 0;
    }
  return TRUE;
}

static char *
digits_of (const char *text)
{
  GString *d = g_string_new (NULL);

  for (const char *p = text; p != NULL && *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (d, *p);
  return g_string_free (d, FALSE);
}

/* Whether field @f as read disagrees with what the rest of the card says
 * of it: the number's digits 4 to 6 give the century, the sex and the
 * year of birth, in the card's largest type; a card expires on a
 * birthday (the 14th, 25th, 40th or 60th). One of the two is misread; the
 * value is read again however sure its first reading was. */
static gboolean
disagrees_with_card (const McIdOcrFields *fields,
                     McIdField            f)
{
  const char *number = fields->fields[MC_ID_FIELD_ID_NUMBER].value;
  const char *value = fields->fields[f].value;
  GDate birth, expiry;

  if (f == MC_ID_FIELD_DATE_OF_EXPIRY)
    return value != NULL &&
           mc_id_date_parse_iso (fields->fields[MC_ID_FIELD_DATE_OF_BIRTH].value, &birth) &&
           mc_id_date_parse_iso (value, &expiry) &&
           !mc_id_expiry_is_a_birthday (&birth, &expiry);
  if (number == NULL || value == NULL || !mc_id_number_decode (number, NULL, NULL, NULL))
    return FALSE;
  if (f == MC_ID_FIELD_DATE_OF_BIRTH)
    return mc_id_date_parse_iso (value, &birth) &&
           (mc_id_number_check (number, &birth, MC_SEX_UNKNOWN) &
            (MC_ID_NUMBER_CENTURY_MISMATCH | MC_ID_NUMBER_YEAR_MISMATCH)) != 0;
  if (f == MC_ID_FIELD_SEX)
    return (mc_id_number_check (number, NULL, mc_sex_parse (value)) & MC_ID_NUMBER_SEX_MISMATCH) != 0;
  return FALSE;
}

/* A date read again enlarged, as digits and '/' only (a '/' read as 'l' or
 * 'I' spoils the first reading, a '1' lost beside a '/' changes the day).
 * Readings that saw the same digits agree; two dates that differ leave the
 * second standing, unsure, and the first among the card's other dates. */
static gboolean
reread_date (McOcrPool      *pool,
             VipsImage      *card,
             McIdOcrFields  *fields,
             McIdField       f,
             gboolean        doubted,
             GCancellable   *cancellable,
             GError        **error)
{
  McOcrParams params = {
    .languages = "vie",     /* loaded already: another model costs more than the reading */
    .page_seg_mode = 7,
    .char_whitelist = "0123456789/",
    .dpi = 600,
    .want_words = TRUE,
  };
  McIdOcrValue *v = &fields->fields[f];
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *again = NULL;
  g_autofree char *first_digits = NULL;
  g_autofree char *again_digits = NULL;
  double conf;

  /* A clear first reading is left alone: the time goes to doubtful ones. */
  if (v->value != NULL && v->confidence >= 0.9 && !doubted)
    return TRUE;
  if (!read_lines (pool, card, v, &params, 2.0, 0, TRUE, text, &conf, NULL, cancellable, error))
    return FALSE;
  first_digits = digits_of (v->text);
  again_digits = digits_of (text->str);
  again = mc_id_fields_parse_date (text->str);
  /* With only digits and '/' allowed, a '/' is sometimes left out. */
  if (again == NULL && strlen (again_digits) == 8)
    again = mc_id_fields_parse_date (again_digits);
  if (again == NULL)
    return TRUE;
  if (v->value != NULL && g_str_equal (again, v->value))
    v->confidence = MAX (v->confidence, conf);
  else if (g_str_equal (first_digits, again_digits))
    {
      /* The first reading saw these digits and missed a separator. */
      g_free (v->value);
      v->value = g_steal_pointer (&again);
      v->confidence = MAX (v->confidence, conf);
    }
  else
    {
      if (v->value != NULL)
        mc_id_ocr_fields_add_date (fields, v->value);
      g_free (v->value);
      v->value = g_steal_pointer (&again);
      v->confidence = MIN (conf, 0.6);
    }
  return TRUE;
}

/* TRUE when @taller is @first with, on one letter or more, the upper of
 * two stacked marks that @first lacks: a tone over a circumflex or a
 * breve ("Ô" → "Ỗ", "Ă" → "Ắ"), and nothing else different. */
static gboolean
adds_stacked_tones (const char *first,
                    const char *taller)
{
  guint added = 0;
  const char *p = first, *q = taller;

  for (; *p && *q; p = g_utf8_next_char (p), q = g_utf8_next_char (q))
    {
      gunichar a = g_utf8_get_char (p), b = g_utf8_get_char (q);
      gunichar da[4], db[4];
      gsize na, nb;

      if (a == b)
        continue;
      na = g_unichar_fully_decompose (a, FALSE, da, G_N_ELEMENTS (da));
      nb = g_unichar_fully_decompose (b, FALSE, db, G_N_ELEMENTS (db));
      if (nb != na + 1 || na < 2 || memcmp (da, db, na * sizeof (gunichar)) != 0 ||
          (da[na - 1] != 0x0302 && da[na - 1] != 0x0306) ||
          (db[nb - 1] != 0x0300 && db[nb - 1] != 0x0301 && db[nb - 1] != 0x0303 && db[nb - 1] != 0x0309))
        return FALSE;
      added++;
    }
  return *p == '\0' && *q == '\0' && added > 0;
}

/* A name is in capitals, over which Vietnamese stacks two marks ("Ỗ",
 * "Ắ"), and the box Tesseract gives it sometimes starts at the lower one:
 * the tight crop then cuts the upper one off ("ĐÔ" for "ĐỖ"). The line is
 * read once more with a third of its height above the box, where those
 * marks stand. That taller crop may take in the foot of the line above,
 * so its reading replaces @value only where it adds that upper mark
 * and changes nothing else ("THƯ" read "THỨ" so is refused). */
static gboolean
reread_name_marks (McOcrPool          *pool,
                   VipsImage          *card,
                   const McIdOcrValue *v,
                   const McOcrParams  *params,
                   McIdOcrFields      *fields,
                   char              **value,
                   double             *confidence,
                   GCancellable       *cancellable,
                   GError            **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *taller = NULL;
  double conf;

  if (!read_lines (pool, card, v, params, 1.0, 0.35, FALSE, text, &conf, NULL, cancellable, error))
    return FALSE;
  taller = mc_id_fields_parse_value (MC_ID_FIELD_FULL_NAME, text->str, fields, conf);
  if (taller == NULL)
    return TRUE;
  if (adds_stacked_tones (*value, taller))
    {
      g_free (*value);
      *value = g_steal_pointer (&taller);
      *confidence = conf;
    }
  return TRUE;
}

/* The family name read again with the alternatives Tesseract gives each
 * letter (mc-id-accents.c), where the first reading is not one of the
 * common family names: where the print leaves a letter's marks open
 * ("Ê" or "Ễ"), the common name is taken, still marked for the clerk. */
static gboolean
reread_family_accents (McOcrPool      *pool,
                       VipsImage      *card,
                       McIdOcrValue   *v,
                       GCancellable   *cancellable,
                       GError        **error)
{
  int w = vips_image_get_width (card), h = vips_image_get_height (card);
  const char *space;
  g_autofree char *family = NULL;
  g_autofree char *better = NULL;
  g_autoptr(GPtrArray) words = NULL;
  g_autoptr(VipsImage) line = NULL;
  g_autoptr(VipsImage) framed = NULL;
  int rank, x0, y0, x1, y1, lh;

  if (v->value == NULL || v->n_boxes == 0)
    return TRUE;
  space = strchr (v->value, ' ');
  family = g_strndup (v->value, space != NULL ? (gsize) (space - v->value) : strlen (v->value));
  rank = mc_id_family_name_rank (family);
  /* One of the common names is left alone, and a rarer one read clearly. */
  if (!mc_id_family_name_unusual (v->value) && (rank < 0 || rank < 20 || v->confidence >= 0.9))
    return TRUE;

  /* The first line, with room above for stacked marks and below for a
   * dot under the letter. */
  lh = v->boxes[0][3];
  x0 = MAX (0, v->boxes[0][0] - lh / 2 - 4);
  y0 = MAX (0, v->boxes[0][1] - (int) (lh * 0.35));
  x1 = MIN (w, v->boxes[0][0] + v->boxes[0][2] + lh / 2 + 4);
  y1 = MIN (h, v->boxes[0][1] + lh + lh / 4 + 2);
  if (x1 - x0 < 8 || y1 - y0 < 8)
    return TRUE;
  if (vips_extract_area (card, &line, x0, y0, x1 - x0, y1 - y0, NULL) != 0 ||
      vips_embed (line, &framed, 12, 12, x1 - x0 + 24, y1 - y0 + 24,
                  "extend", VIPS_EXTEND_WHITE, NULL) != 0)
    {
      mc_id_error_from_vips (error);
      return FALSE;
    }
  words = mc_id_read_letter_choices (pool, framed, 300, cancellable, error);
  if (words == NULL)
    return FALSE;
  for (guint i = 0; i < words->len && better == NULL; i++)
    better = mc_id_family_name_from_choices (words->pdata[i], family);
  if (better != NULL)
    {
      char *value = g_strconcat (better, space != NULL ? space : "", NULL);

      g_debug ("family name %s read as %s", family, better);
      g_free (v->value);
      v->value = value;
      v->confidence = MIN (v->confidence, 0.6);
    }
  return TRUE;
}

/* The capitals a name may hold, for a reading that sees nothing else. */
#define NAME_LETTERS "AĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY" \
  "ÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ "

/* A name's marks on small print: the line read again enlarged (twice, by
 * Lanczos), as capitals only. A word of it replaces the same word of the
 * name only where the two have the same letters and other marks, and
 * Tesseract is surer of the enlarged one than it was of the first
 * ("THƯ" read "THỨ" at 15 pixels a capital). @first: the words of the
 * line read at its own size, with their confidences. */
static gboolean
reread_name_enlarged (McOcrPool      *pool,
                      VipsImage      *card,
                      McIdOcrValue   *v,
                      GArray         *first,
                      GCancellable   *cancellable,
                      GError        **error)
{
  McOcrParams params = {
    .languages = "vie",
    .page_seg_mode = 7,
    .char_whitelist = NAME_LETTERS,
    .dpi = 600,
    .want_words = TRUE,
  };
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GArray) words = mc_id_words_read_new ();
  g_autofree char *mended = NULL;
  double conf;

  if (v->value == NULL || v->n_boxes == 0 || v->confidence >= 0.9)
    return TRUE;
  if (!read_lines (pool, card, v, &params, 2.0, 0, FALSE, text, &conf, words, cancellable, error))
    return FALSE;
  mended = mc_id_name_marks_from_words (v->value, first, words, v->confidence);
  if (mended == NULL)
    return TRUE;
  g_debug ("name %s read enlarged as %s", v->value, mended);
  g_free (v->value);
  v->value = g_steal_pointer (&mended);
  return TRUE;
}

gboolean
mc_id_fields_reread (McOcrPool     *pool,
                     VipsImage     *card,
                     McIdOcrFields *fields,
                     guint          mask,
                     GCancellable  *cancellable,
                     GError       **error)
{
  McOcrParams params = {
    .languages = "vie",
    .page_seg_mode = 7,     /* a single text line */
    .dpi = 300,
    .want_words = TRUE,
  };
  g_autoptr(GArray) name_words = NULL;

  g_return_val_if_fail (MC_IS_OCR_POOL (pool), FALSE);
  g_return_val_if_fail (VIPS_IS_IMAGE (card), FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);

  name_words = mc_id_words_read_new ();
  for (McIdField f = 0; f < MC_ID_N_FIELDS; f++)
    {
      McIdOcrValue *v = &fields->fields[f];
      g_autoptr(GString) text = NULL;
      g_autofree char *again = NULL;
      gboolean doubted;
      double conf;

      if (!(mask & (1u << f)) || v->n_boxes == 0)
        continue;
      doubted = disagrees_with_card (fields, f);
      /* A clear first reading of a short value is left alone (not the
       * number: its digits past the sixth have no check of their own). */
      if ((mc_id_field_is_date (f) || f == MC_ID_FIELD_SEX) && v->value != NULL && v->confidence >= 0.9 &&
          !doubted)
        continue;
      if (mc_id_field_is_date (f))
        {
          if (!reread_date (pool, card, fields, f, doubted, cancellable, error))
            return FALSE;
          continue;
        }
      if (v->value == NULL && !mc_id_field_keeps_place (f))
        continue;
      text = g_string_new (NULL);
      if (!read_lines (pool, card, v, &params, 1.0, 0, FALSE, text, &conf,
                       f == MC_ID_FIELD_FULL_NAME ? name_words : NULL, cancellable, error))
        return FALSE;

      again = mc_id_fields_parse_value (f, text->str, fields, conf);
      if (f == MC_ID_FIELD_FULL_NAME && again != NULL &&
          !reread_name_marks (pool, card, v, &params, fields, &again, &conf, cancellable, error))
        return FALSE;
      /* The number's place may hold the old 9-digit one's shape: only
       * twelve digits are the number. */
      if (again == NULL || (f == MC_ID_FIELD_ID_NUMBER && !mc_id_number_is_well_formed (again)))
        continue;
      /* The same engine twice: agreeing is no independent proof, so the
       * surer of the two least sure words stands, no more. */
      if (v->value != NULL && g_str_equal (again, v->value))
        v->confidence = MAX (v->confidence, conf);
      else
        {
          /* Two readings, two answers (or the first unreadable): the
           * line's is usually the better, but not surely; of a name,
           * the first is kept for the MRZ to choose between them. */
          if (f == MC_ID_FIELD_FULL_NAME && v->value != NULL)
            {
              g_free (fields->name_other);
              fields->name_other = g_steal_pointer (&v->value);
            }
          g_free (v->value);
          v->value = g_steal_pointer (&again);
          v->confidence = MIN (conf, 0.6);
        }
    }
  if ((mask & (1u << MC_ID_FIELD_FULL_NAME)) &&
      (!reread_name_enlarged (pool, card, &fields->fields[MC_ID_FIELD_FULL_NAME], name_words,
                              cancellable, error) ||
       !reread_family_accents (pool, card, &fields->fields[MC_ID_FIELD_FULL_NAME], cancellable, error)))
    return FALSE;
  return TRUE;
}
