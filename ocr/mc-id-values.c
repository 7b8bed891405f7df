/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-id-fields"

#include "config.h"

#include <string.h>

#include "mc-id-fields-private.h"
#include "mc-id-rules.h"

/* The value readers: what was printed after a label, as a number, a date,
 * a sex, a name or a place; each returns NULL for what it cannot take. */

gboolean
mc_id_field_is_date (McIdField field)
{
  return field == MC_ID_FIELD_DATE_OF_BIRTH || field == MC_ID_FIELD_DATE_OF_ISSUE ||
         field == MC_ID_FIELD_DATE_OF_EXPIRY;
}

/* Short values whose place is kept when what was read there did not
 * parse, to be read again alone: a date, the sex, and the number, whose
 * long run of digits the sparse pass sometimes cuts short by one. */
gboolean
mc_id_field_keeps_place (McIdField field)
{
  return mc_id_field_is_date (field) || field == MC_ID_FIELD_SEX || field == MC_ID_FIELD_ID_NUMBER;
}

gboolean
mc_id_field_is_place (McIdField field)
{
  return field == MC_ID_FIELD_PLACE_OF_ORIGIN || field == MC_ID_FIELD_PLACE_OF_BIRTH ||
         field == MC_ID_FIELD_PLACE_OF_RESIDENCE;
}

/* ------------------------------------------------------ value parsers */

static char *
parse_number (const char *text)
{
  GString *digits = g_string_new (NULL);
  g_autofree char *best = NULL;

  /* The longest run of digits, spaces inside it allowed. */
  for (const char *p = text;; p++)
    {
      if (*p != '\0' && g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (*p == ' ' && digits->len > 0)
        continue;
      else
        {
          if (digits->len > (best ? strlen (best) : 0))
            {
              g_free (best);
              best = g_strdup (digits->str);
            }
          g_string_truncate (digits, 0);
          if (*p == '\0')
            break;
        }
    }
  g_string_free (digits, TRUE);
  if (best != NULL && (strlen (best) == 12 || strlen (best) == 9))
    return g_steal_pointer (&best);
  return NULL;
}

/* Cards print dates as dd/mm/yyyy: eight digits, where a separator read
 * as another mark ("10I12I2007", "27l091952") can only stand after the
 * second and the fourth digit. */
static gboolean
parse_printed_date (const char *word,
                    GDate      *date)
{
  char digits[9];
  guint n = 0, marks = 0;

  for (const char *p = word; *p; p = g_utf8_next_char (p))
    {
      if (g_ascii_isdigit (*p))
        {
          if (n == 8)
            return FALSE;
          digits[n++] = *p;
        }
      else if ((n == 2 || n == 4) && marks < 2 && p > word && g_ascii_isdigit (p[-1]))
        marks++;
      else
        return FALSE;
    }
  digits[n] = '\0';
  return n == 8 && mc_id_date_parse_dmy (digits, -1, date);
}

static gboolean
is_separator_mark (char c)
{
  return c == '1' || c == 'I' || c == 'l' || c == '|' || c == '/';
}

static gboolean
all_digits (const char *p,
            gsize       n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (p[i]))
      return FALSE;
  return TRUE;
}

/* dd + mm + yyyy, each from its own place in @word. */
static gboolean
date_from (const char *dd,
           const char *mm,
           const char *yyyy,
           GDate      *date)
{
  char digits[9] = { dd[0], dd[1], mm[0], mm[1], yyyy[0], yyyy[1], yyyy[2], yyyy[3], '\0' };

  return all_digits (digits, 8) && mc_id_date_parse_dmy (digits, 8, date);
}

/* A '/' read as '1' ("14I1111995", "1411111995" for 14/11/1995): ten
 * marks are a date by position. With one '/' lost as well ("141112035"),
 * the separator left stands either after the day or after the month;
 * the reading is taken only when both places give the same date, or
 * only one of them a date at all. */
static gboolean
parse_separators_read_as_one (const char *word,
                              GDate      *date)
{
  gsize n = strlen (word);
  GDate a, b;
  gboolean after_day, after_month;

  if (n == 10)
    return is_separator_mark (word[2]) && is_separator_mark (word[5]) &&
           date_from (word, word + 3, word + 6, date);
  if (n != 9 || !all_digits (word, 2) || !all_digits (word + 5, 4))
    return FALSE;
  g_date_clear (&a, 1);
  g_date_clear (&b, 1);
  after_day = is_separator_mark (word[2]) && date_from (word, word + 3, word + 5, &a);
  after_month = is_separator_mark (word[4]) && date_from (word, word + 2, word + 5, &b);
  if (after_day && after_month && g_date_compare (&a, &b) != 0)
    return FALSE;
  if (after_day)
    *date = a;
  else if (after_month)
    *date = b;
  return after_day || after_month;
}

char *
mc_id_fields_parse_date (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, " ", -1);
  GDate date;

  /* One token, or a date broken by a stray space. */
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (mc_id_date_parse_dmy (parts[i], -1, &date) || parse_printed_date (parts[i], &date) ||
          parse_separators_read_as_one (parts[i], &date))
        return mc_id_date_format_iso (&date);
      if (parts[i + 1] != NULL)
        {
          g_autofree char *two = g_strconcat (parts[i], parts[i + 1], NULL);

          if (mc_id_date_parse_dmy (two, -1, &date))
            return mc_id_date_format_iso (&date);
        }
    }
  return NULL;
}

static gboolean
says_no_expiry (const char *text)
{
  g_autofree char *key = mc_id_key_of (text);

  return key != NULL && strlen (key) >= 10 &&
         mc_id_levenshtein (key, MIN (strlen (key), 12), "KHONGTHOIHAN", 12) <= 2;
}

/* "Nam" or "Nữ", wherever it stands after the label (the rest of a
 * misread label may come first). A single word one letter off the one and
 * not the other ("NữỮ", a letter read twice) is taken as the nearer: the
 * number's fourth digit checks it in the merge. */
static char *
parse_sex (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, " ", -1);
  g_autofree char *key = NULL;
  gsize n, to_nam, to_nu;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      McSex sex = mc_sex_parse (parts[i]);

      if (sex != MC_SEX_UNKNOWN)
        return g_strdup (mc_sex_to_string (sex));
    }
  if (g_strv_length (parts) != 1)
    return NULL;
  key = mc_id_key_of (parts[0]);
  n = strlen (key);
  if (n < 2 || n > 4)
    return NULL;
  to_nam = mc_id_levenshtein (key, n, "NAM", 3);
  to_nu = mc_id_levenshtein (key, n, "NU", 2);
  if (to_nam <= 1 && to_nam < to_nu)
    return g_strdup (mc_sex_to_string (MC_SEX_MALE));
  if (to_nu <= 1 && to_nu < to_nam)
    return g_strdup (mc_sex_to_string (MC_SEX_FEMALE));
  return NULL;
}

/* Upper case with diacritics; only letters and single spaces. */
static char *
parse_name (const char *text)
{
  g_autofree char *tidy = mc_id_tidy_text (text);
  g_autofree char *upper = NULL;
  GString *out;
  guint words = 0;
  gboolean space = TRUE;

  if (tidy == NULL)
    return NULL;
  upper = g_utf8_strup (tidy, -1);
  out = g_string_new (NULL);
  for (const char *p = upper; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* Not a modifier letter ("ˆ"): a mark read apart from its letter,
       * from the foot of the line above, is no part of a name. */
      if ((g_unichar_isalpha (c) && g_unichar_type (c) != G_UNICODE_MODIFIER_LETTER) || g_unichar_ismark (c))
        {
          if (space)
            {
              if (out->len > 0)
                g_string_append_c (out, ' ');
              words++;
            }
          g_string_append_unichar (out, c);
          space = FALSE;
        }
      else
        space = TRUE;
    }
  if (words < 2)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static char *
parse_place (const char *text)
{
  g_autofree char *tidy = mc_id_tidy_text (text);
  GString *out;

  if (tidy == NULL || g_utf8_strlen (tidy, -1) < 3)
    return NULL;
  /* "Nha Trang ," → "Nha Trang,"; "Hải,Nha" → "Hải, Nha". */
  out = g_string_new (NULL);
  for (const char *p = tidy; *p; p++)
    {
      if (*p == ' ' && p[1] == ',')
        continue;
      g_string_append_c (out, *p);
      if (*p == ',' && p[1] != ' ' && p[1] != '\0')
        g_string_append_c (out, ' ');
    }
  return g_string_free (out, FALSE);
}

static char *
parse_nationality (const char *text)
{
  g_autofree char *key = mc_id_key_of (text);

  if (key != NULL && mc_id_levenshtein (key, strlen (key), "VIETNAM", 7) <= 1)
    return g_strdup ("Việt Nam");
  return parse_place (text);
}

char *
mc_id_fields_parse_value (McIdField      field,
                          const char    *text,
                          McIdOcrFields *fields,
                          double         confidence)
{
  switch (field)
    {
    case MC_ID_FIELD_ID_NUMBER:
    case MC_ID_FIELD_OLD_ID_NUMBER:
      return parse_number (text);
    case MC_ID_FIELD_DATE_OF_BIRTH:
    case MC_ID_FIELD_DATE_OF_ISSUE:
      return mc_id_fields_parse_date (text);
    case MC_ID_FIELD_DATE_OF_EXPIRY:
      if (says_no_expiry (text))
        {
          fields->no_expiry = TRUE;
          fields->no_expiry_confidence = MAX (fields->no_expiry_confidence, confidence);
          return NULL;
        }
      return mc_id_fields_parse_date (text);
    case MC_ID_FIELD_SEX:
      return parse_sex (text);
    case MC_ID_FIELD_FULL_NAME:
      return parse_name (text);
    case MC_ID_FIELD_NATIONALITY:
      return parse_nationality (text);
    case MC_ID_FIELD_PLACE_OF_ORIGIN:
    case MC_ID_FIELD_PLACE_OF_BIRTH:
    case MC_ID_FIELD_PLACE_OF_RESIDENCE:
      return parse_place (text);
    case MC_ID_N_FIELDS:
    case MC_ID_FIELD_NONE:
    default:
      return NULL;
    }
}
