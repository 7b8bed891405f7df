/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-id-shapes"

#include "config.h"

#include <string.h>

#include "mc-id-rules.h"
#include "mc-id-shapes.h"

/* Below the labels' own readings: the clerk checks each of these. */
#define SHAPE_CONFIDENCE 0.5
/* The left column of a chip CCCD's front (photo, then expiry) ends at
 * about 30 % of the card's width. */
#define LEFT_COLUMN 0.31

typedef struct {
  GString *text;
  int      left, top, right, bottom;
  double   confidence;      /* of its least sure word */
} Line;

static void
line_clear (gpointer data)
{
  Line *l = data;

  g_string_free (l->text, TRUE);
}

/* Tesseract's own lines. */
static GArray *
group_lines (const McOcrWord *words,
             guint            n)
{
  GArray *lines = g_array_new (FALSE, TRUE, sizeof (Line));
  guint i = 0;

  g_array_set_clear_func (lines, line_clear);
  while (i < n)
    {
      Line line = { g_string_new (NULL), G_MAXINT, G_MAXINT, 0, 0, 1.0 };
      guint j = i;

      while (j < n && words[j].block == words[i].block && words[j].paragraph == words[i].paragraph &&
             words[j].line == words[i].line)
        {
          const McOcrWord *w = &words[j++];

          if (w->text == NULL || *w->text == '\0' || !g_utf8_validate (w->text, -1, NULL))
            continue;
          if (line.text->len > 0)
            g_string_append_c (line.text, ' ');
          g_string_append (line.text, w->text);
          line.left = MIN (line.left, w->left);
          line.top = MIN (line.top, w->top);
          line.right = MAX (line.right, w->left + w->width);
          line.bottom = MAX (line.bottom, w->top + w->height);
          line.confidence = MIN (line.confidence, w->confidence);
        }
      if (line.text->len > 0)
        g_array_append_val (lines, line);
      else
        g_string_free (line.text, TRUE);
      i = j;
    }
  return lines;
}

/* Runs of exactly 12 digits in @text (spaces inside a run allowed, as
 * OCR splits long numbers): the number when there is one such run. */
static char *
twelve_digits (const char *text)
{
  g_autoptr(GString) run = g_string_new (NULL);
  char *found = NULL;

  for (const char *p = text;; p++)
    {
      if (*p != '\0' && g_ascii_isdigit (*p))
        g_string_append_c (run, *p);
      else if (*p == ' ' && run->len > 0 && g_ascii_isdigit (p[1]))
        continue;
      else
        {
          if (run->len == 12)
            {
              if (found != NULL && strcmp (found, run->str) != 0)
                {
                  g_free (found);
                  return NULL;
                }
              if (found == NULL)
                found = g_strdup (run->str);
            }
          g_string_truncate (run, 0);
          if (*p == '\0')
            break;
        }
    }
  return found;
}

/* An upper-case line of two words or more, letters only: a name. */
static char *
name_of (const char *text)
{
  g_autofree char *tidy = mc_id_tidy_text (text);
  GString *out;
  guint words = 0, upper = 0, letters = 0;
  gboolean space = TRUE;

  if (tidy == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (const char *p = tidy; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isdigit (c))
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      if (g_unichar_isalpha (c) || g_unichar_ismark (c))
        {
          if (space)
            {
              if (out->len > 0)
                g_string_append_c (out, ' ');
              words++;
            }
          if (g_unichar_isalpha (c))
            {
              letters++;
              upper += g_unichar_isupper (c);
            }
          g_string_append_unichar (out, c);
          space = FALSE;
        }
      else
        space = TRUE;
    }
  if (words < 2 || letters < 4 || upper * 10 < letters * 9)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* dd/mm/yyyy anywhere in @text, letters OCR takes for digits mended. */
static gboolean
date_in (const char *text,
         GDate      *date)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    {
      char c = *p;

      if (c == 'O' || c == 'o')
        c = '0';
      else if (c == 'I' || c == 'l' || c == '|')
        c = '1';
      g_string_append_c (s, c);
    }
  for (gsize i = 0; i + 10 <= s->len; i++)
    {
      char d[11];

      if (!g_ascii_isdigit (s->str[i]) || (i > 0 && g_ascii_isdigit (s->str[i - 1])) ||
          (i + 10 < s->len && g_ascii_isdigit (s->str[i + 10])))
        continue;
      memcpy (d, s->str + i, 10);
      d[10] = '\0';
      /* One slash read as a 1 or a 7 ("07/0712029"): it stands where the
       * other one says. */
      if (d[2] == '/' && d[5] != '/')
        d[5] = '/';
      else if (d[5] == '/' && d[2] != '/')
        d[2] = '/';
      if (mc_id_date_parse_dmy (d, 10, date))
        return TRUE;
    }
  return FALSE;
}

static void
fill (McIdOcrFields *fields,
      McIdField      field,
      char          *value,        /* owned */
      double         confidence,
      const Line    *line)
{
  McIdOcrValue *v = &fields->fields[field];

  if (value == NULL || v->value != NULL)
    {
      g_free (value);
      return;
    }
  v->value = value;
  v->confidence = MIN (confidence, SHAPE_CONFIDENCE);
  v->n_boxes = 0;
  if (line != NULL)
    {
      v->boxes[0][0] = line->left;
      v->boxes[0][1] = line->top;
      v->boxes[0][2] = line->right - line->left;
      v->boxes[0][3] = line->bottom - line->top;
      v->n_boxes = 1;
      g_free (v->text);
      v->text = g_strdup (line->text->str);
    }
  fields->n_shaped++;
}

void
mc_id_fields_by_shape (const McOcrWord *words,
                       guint            n_words,
                       int              width,
                       McIdOcrFields   *fields)
{
  g_autoptr(GArray) lines = NULL;
  g_autofree char *number = NULL;
  const Line *number_line = NULL;
  int century = 0, year_in_century = 0;
  McSex coded = MC_SEX_UNKNOWN;
  const Line *birth_line = NULL, *expiry_line = NULL;
  GDate birth, expiry;

  g_return_if_fail (fields != NULL);

  lines = group_lines (words, n_words);
  for (guint i = 0; i < lines->len; i++)
    {
      const Line *l = &g_array_index (lines, Line, i);
      g_autofree char *n = twelve_digits (l->text->str);

      if (n == NULL)
        continue;
      if (number != NULL && strcmp (number, n) != 0)
        return;       /* two numbers: not a front, or not one card */
      if (number == NULL)
        {
          number = g_steal_pointer (&n);
          number_line = l;
        }
    }
  if (number == NULL || !mc_id_number_decode (number, &century, &coded, &year_in_century))
    return;

  /* The dates: the one in the year the number says is the birth; one at
   * least fourteen years later, under the photo, the expiry. */
  g_date_clear (&birth, 1);
  g_date_clear (&expiry, 1);
  for (guint i = 0; i < lines->len; i++)
    {
      const Line *l = &g_array_index (lines, Line, i);
      GDate d;
      int year;

      if (!date_in (l->text->str, &d))
        continue;
      year = g_date_get_year (&d);
      if (year == century + year_in_century && birth_line == NULL)
        {
          birth = d;
          birth_line = l;
        }
      else if (year >= century + year_in_century + 14 && (l->left + l->right) / 2 < LEFT_COLUMN * width &&
               expiry_line == NULL)
        {
          expiry = d;
          expiry_line = l;
        }
    }

  fill (fields, MC_ID_FIELD_ID_NUMBER, g_strdup (number), number_line->confidence, number_line);
  if (birth_line != NULL)
    fill (fields, MC_ID_FIELD_DATE_OF_BIRTH, mc_id_date_format_iso (&birth), birth_line->confidence, birth_line);
  if (expiry_line != NULL)
    fill (fields, MC_ID_FIELD_DATE_OF_EXPIRY, mc_id_date_format_iso (&expiry), expiry_line->confidence, expiry_line);
  /* The number's fourth digit is the sex; the printed word is not needed. */
  fill (fields, MC_ID_FIELD_SEX, g_strdup (mc_sex_to_string (coded)), SHAPE_CONFIDENCE, NULL);

  /* The name: the first upper-case line under the number, within a few
   * lines (the label "Họ và tên / Full name" between them is not upper
   * case), and above the birth date. */
  for (guint i = 0; i < lines->len; i++)
    {
      const Line *l = &g_array_index (lines, Line, i);
      int line_h = MAX (number_line->bottom - number_line->top, 1);
      char *name;

      if (l->top < number_line->bottom - line_h / 4 || l->top > number_line->bottom + 5 * line_h)
        continue;
      if (birth_line != NULL && l->top >= birth_line->top)
        continue;
      if ((name = name_of (l->text->str)) != NULL)
        {
          fill (fields, MC_ID_FIELD_FULL_NAME, name, l->confidence, l);
          break;
        }
    }
}
