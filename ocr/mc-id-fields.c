/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-id-fields"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mc-id-fields-private.h"
#include "mc-id-rules.h"
#include "mc-id-shapes.h"
#include "mc-vips.h"

/* Reading the printed fields by their labels.
 *
 * Tesseract finds the words; here they are grouped into lines by their
 * vertical centres and each line into segments at wide gaps (a card has a
 * left column and a main column, and two label/value pairs may share a
 * line). A label is matched on the words' letters without diacritics or
 * spaces ("Ngày sinh / Date of birth" → NGAYSINH, DATEOFBIRTH), allowing a
 * misread letter or two, so that "Date ofbirth" still counts. The value is
 * the rest of the label's segment, or the nearest segment below it, and an
 * address may run on to one more line. Both card layouts share the code:
 * only their labels differ. Nothing here logs what it reads. */

typedef struct {
  McIdField   field;     /* MC_ID_FIELD_NONE: a label that ends the value above */
  const char *key;
  McCardType  hint;
  gboolean    starts_line;   /* counts only as the first word of its segment */
} Label;

static const Label labels[] = {
  { MC_ID_FIELD_ID_NUMBER, "SODINHDANHCANHAN", MC_CARD_TYPE_CANCUOC_2024 },
  { MC_ID_FIELD_ID_NUMBER, "PERSONALIDENTIFICATIONNUMBER", MC_CARD_TYPE_CANCUOC_2024 },
  { MC_ID_FIELD_ID_NUMBER, "SONO", MC_CARD_TYPE_CCCD_2021 },
  { MC_ID_FIELD_FULL_NAME, "HOCHUDEMVATENKHAISINH", MC_CARD_TYPE_CANCUOC_2024 },
  { MC_ID_FIELD_FULL_NAME, "HOVATEN", MC_CARD_TYPE_CCCD_2021 },
  { MC_ID_FIELD_FULL_NAME, "FULLNAME", MC_CARD_TYPE_UNKNOWN },
  { MC_ID_FIELD_DATE_OF_BIRTH, "NGAYTHANGNAMSINH", MC_CARD_TYPE_CANCUOC_2024 },
  { MC_ID_FIELD_DATE_OF_BIRTH, "NGAYSINH", MC_CARD_TYPE_CCCD_2021 },
  { MC_ID_FIELD_DATE_OF_BIRTH, "DATEOFBIRTH", MC_CARD_TYPE_UNKNOWN },
  { MC_ID_FIELD_SEX, "GIOITINH", MC_CARD_TYPE_UNKNOWN },
  /* "Giới" begins no other line: enough when "tính / Sex" is misread (an
   * address may hold the word, never at its start). */
  { MC_ID_FIELD_SEX, "GIOI", MC_CARD_TYPE_UNKNOWN, TRUE },
  { MC_ID_FIELD_SEX, "SEX", MC_CARD_TYPE_UNKNOWN },
  { MC_ID_FIELD_NATIONALITY, "QUOCTICH", MC_CARD_TYPE_UNKNOWN },
  { MC_ID_FIELD_NATIONALITY, "NATIONALITY", MC_CARD_TYPE_UNKNOWN },
  { MC_ID_FIELD_PLACE_OF_ORIGIN, "QUEQUAN", MC_CARD_TYPE_CCCD_2021 },
  { MC_ID_FIELD_PLACE_OF_ORIGIN, "PLACEOFORIGIN", MC_CARD_TYPE_CCCD_2021 },
  { MC_ID_FIELD_PLACE_OF_RESIDENCE, "NOITHUONGTRU", MC_CARD_TYPE_CCCD_2021 },
  { MC_ID_FIELD_PLACE_OF_RESIDENCE, "NOICUTRU", MC_CARD_TYPE_CANCUOC_2024 },
  { MC_ID_FIELD_PLACE_OF_RESIDENCE, "PLACEOFRESIDENCE", MC_CARD_TYPE_UNKNOWN },
  { MC_ID_FIELD_PLACE_OF_BIRTH, "NOIDANGKYKHAISINH", MC_CARD_TYPE_CANCUOC_2024 },
  { MC_ID_FIELD_PLACE_OF_BIRTH, "PLACEOFBIRTH", MC_CARD_TYPE_CANCUOC_2024 },
  { MC_ID_FIELD_DATE_OF_EXPIRY, "COGIATRIDEN", MC_CARD_TYPE_CCCD_2021 },
  { MC_ID_FIELD_DATE_OF_EXPIRY, "NGAYTHANGNAMHETHAN", MC_CARD_TYPE_CANCUOC_2024 },
  { MC_ID_FIELD_DATE_OF_EXPIRY, "DATEOFEXPIRY", MC_CARD_TYPE_UNKNOWN },
  { MC_ID_FIELD_DATE_OF_ISSUE, "NGAYTHANGNAMCAP", MC_CARD_TYPE_CANCUOC_2024 },
  { MC_ID_FIELD_DATE_OF_ISSUE, "DATEOFISSUE", MC_CARD_TYPE_CANCUOC_2024 },
  { MC_ID_FIELD_DATE_OF_ISSUE, "NGAYTHANGNAM", MC_CARD_TYPE_CCCD_2021 },
  { MC_ID_FIELD_DATE_OF_ISSUE, "DATEMONTHYEAR", MC_CARD_TYPE_CCCD_2021 },
  { MC_ID_FIELD_NONE, "DACDIEMNHANDANG", MC_CARD_TYPE_CCCD_2021 },
  { MC_ID_FIELD_NONE, "PERSONALIDENTIFICATION", MC_CARD_TYPE_CCCD_2021 },
  { MC_ID_FIELD_NONE, "NGONTROTRAI", MC_CARD_TYPE_CCCD_2021 },
  { MC_ID_FIELD_NONE, "BOCONGAN", MC_CARD_TYPE_CANCUOC_2024 },
  { MC_ID_FIELD_NONE, "MINISTRYOFPUBLICSECURITY", MC_CARD_TYPE_CANCUOC_2024 },
};

/* Labels a form or a letter in Vietnamese does not print: the English
 * halves of the card's bilingual labels, the issuer and the fingerprint
 * box. A paper that shows only "Họ và tên", "Ngày sinh"… is not a card. */
static gboolean
is_card_mark (const char *key)
{
  static const char * const marks[] = {
    "PERSONALIDENTIFICATIONNUMBER", "FULLNAME", "DATEOFBIRTH", "SEX", "NATIONALITY",
    "PLACEOFORIGIN", "PLACEOFRESIDENCE", "PLACEOFBIRTH", "DATEOFEXPIRY", "DATEOFISSUE",
    "DATEMONTHYEAR", "DACDIEMNHANDANG", "PERSONALIDENTIFICATION", "NGONTROTRAI",
    "BOCONGAN", "MINISTRYOFPUBLICSECURITY",
  };

  for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
    if (g_str_equal (key, marks[i]))
      return TRUE;
  return FALSE;
}

/* Headings: the name of the document. */
static const struct {
  const char *key;
  McCardType  type;
} headings[] = {
  { "CANCUOCCONGDAN", MC_CARD_TYPE_CCCD_2021 },
  { "CITIZENIDENTITYCARD", MC_CARD_TYPE_CCCD_2021 },
  { "CHUNGMINHNHANDAN", MC_CARD_TYPE_CMND },
  { "CANCUOC", MC_CARD_TYPE_CANCUOC_2024 },
  { "IDENTITYCARD", MC_CARD_TYPE_CANCUOC_2024 },
};

typedef struct {
  const McOcrWord *word;
  char            *key;     /* letters and digits, no diacritics, no spaces */
  double           cy;
} Tok;

typedef struct {
  GPtrArray *toks;          /* Tok*, left to right */
  int        left, right, top, bottom;
} Segment;

typedef struct {
  const Label *label;
  Segment     *seg;
  guint        start, end;  /* tokens [start, end) */
} Match;

McIdOcrFields *
mc_id_ocr_fields_new (void)
{
  return g_new0 (McIdOcrFields, 1);
}

void
mc_id_ocr_fields_free (McIdOcrFields *fields)
{
  if (fields == NULL)
    return;
  for (guint i = 0; i < MC_ID_N_FIELDS; i++)
    {
      g_free (fields->fields[i].value);
      g_free (fields->fields[i].text);
    }
  for (guint i = 0; i < fields->n_dates; i++)
    g_free (fields->dates[i]);
  g_free (fields);
}

/* Another date on the card (YYYY-MM-DD), once. */
void
mc_id_ocr_fields_add_date (McIdOcrFields *fields,
                           const char    *iso)
{
  g_return_if_fail (fields != NULL);

  if (iso == NULL || fields->n_dates == G_N_ELEMENTS (fields->dates))
    return;
  for (guint i = 0; i < fields->n_dates; i++)
    if (g_str_equal (fields->dates[i], iso))
      return;
  fields->dates[fields->n_dates++] = g_strdup (iso);
}

static gboolean
is_date_field (McIdField field)
{
  return field == MC_ID_FIELD_DATE_OF_BIRTH || field == MC_ID_FIELD_DATE_OF_ISSUE ||
         field == MC_ID_FIELD_DATE_OF_EXPIRY;
}

/* Short values whose place is kept when what was read there did not
 * parse, to be read again alone. */
static gboolean
keeps_place (McIdField field)
{
  return is_date_field (field) || field == MC_ID_FIELD_SEX;
}

static void
set_value (McIdOcrFields *fields,
           McIdField      field,
           char          *value,     /* owned */
           const char    *text,
           double         confidence,
           int            boxes[][4],
           guint          n_boxes)
{
  McIdOcrValue *v = &fields->fields[field];

  if (value != NULL && *value == '\0')
    g_clear_pointer (&value, g_free);
  /* A date or sex that did not parse: only where it is, to be read again. */
  if (value == NULL && (!keeps_place (field) || v->value != NULL || v->n_boxes > 0 || n_boxes == 0))
    return;
  if (v->value != NULL && v->confidence >= confidence)
    {
      g_free (value);
      return;
    }
  g_free (v->value);
  g_free (v->text);
  v->value = value;
  v->text = g_strdup (text);
  v->confidence = confidence;
  v->n_boxes = MIN (n_boxes, G_N_ELEMENTS (v->boxes));
  for (guint i = 0; i < v->n_boxes; i++)
    memcpy (v->boxes[i], boxes[i], sizeof v->boxes[i]);
}

/* Front and back read separately: keeps the surer reading of each field. */
void
mc_id_ocr_fields_absorb (McIdOcrFields       *into,
                         const McIdOcrFields *from)
{
  g_return_if_fail (into != NULL && from != NULL);

  for (guint i = 0; i < MC_ID_N_FIELDS; i++)
    if (from->fields[i].value != NULL)
      set_value (into, i, g_strdup (from->fields[i].value), from->fields[i].text, from->fields[i].confidence,
                 (int (*)[4]) from->fields[i].boxes, from->fields[i].n_boxes);
  for (guint i = 0; i < from->n_dates; i++)
    mc_id_ocr_fields_add_date (into, from->dates[i]);
  if (from->no_expiry && (!into->no_expiry || from->no_expiry_confidence > into->no_expiry_confidence))
    {
      into->no_expiry = TRUE;
      into->no_expiry_confidence = from->no_expiry_confidence;
    }
  if (into->card_type == MC_CARD_TYPE_UNKNOWN)
    into->card_type = from->card_type;
  into->n_labels += from->n_labels;
  into->n_card_marks += from->n_card_marks;
  into->n_shaped += from->n_shaped;
}

static gsize
levenshtein (const char *a,
             gsize       n,
             const char *b,
             gsize       m)
{
  gsize prev[64], cur[64];

  if (m >= G_N_ELEMENTS (prev))
    return G_MAXSIZE;
  for (gsize j = 0; j <= m; j++)
    prev[j] = j;
  for (gsize i = 1; i <= n; i++)
    {
      cur[0] = i;
      for (gsize j = 1; j <= m; j++)
        cur[j] = MIN (MIN (prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + (a[i - 1] != b[j - 1]));
      memcpy (prev, cur, sizeof (gsize) * (m + 1));
    }
  return prev[m];
}

static gsize
allowed_distance (gsize len)
{
  return len <= 4 ? 0 : len <= 8 ? 1 : 2;
}

static void
tok_free (gpointer data)
{
  Tok *t = data;

  g_free (t->key);
  g_free (t);
}

static void
segment_free (gpointer data)
{
  Segment *s = data;

  g_ptr_array_unref (s->toks);
  g_free (s);
}

static char *
key_of (const char *text)
{
  g_autofree char *folded = mc_id_fold (text);
  GString *key = g_string_new (NULL);

  for (const char *p = folded; p != NULL && *p; p++)
    if (*p != ' ')
      g_string_append_c (key, *p);
  return g_string_free (key, FALSE);
}

static int
compare_tok_cy (gconstpointer a,
                gconstpointer b)
{
  const Tok *p = *(Tok * const *) a, *q = *(Tok * const *) b;

  return p->cy < q->cy ? -1 : p->cy > q->cy ? 1 : 0;
}

static int
compare_tok_x (gconstpointer a,
               gconstpointer b)
{
  const Tok *p = *(Tok * const *) a, *q = *(Tok * const *) b;

  return p->word->left - q->word->left;
}

static int
compare_seg (gconstpointer a,
             gconstpointer b)
{
  const Segment *p = *(Segment * const *) a, *q = *(Segment * const *) b;

  if (p->top != q->top)
    return p->top - q->top;
  return p->left - q->left;
}

static double
median_height (const McOcrWord *words,
               guint            n)
{
  g_autoptr(GArray) h = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < n; i++)
    if (words[i].text != NULL && g_utf8_strlen (words[i].text, -1) >= 2)
      {
        double v = words[i].height;

        g_array_append_val (h, v);
      }
  if (h->len == 0)
    return 20;
  for (guint i = 1; i < h->len; i++)
    for (guint j = i; j > 0 && g_array_index (h, double, j - 1) > g_array_index (h, double, j); j--)
      {
        double t = g_array_index (h, double, j);

        g_array_index (h, double, j) = g_array_index (h, double, j - 1);
        g_array_index (h, double, j - 1) = t;
      }
  return MAX (g_array_index (h, double, h->len / 2), 4.0);
}

/* Words → lines (by vertical centre) → segments (split at wide gaps). */
static GPtrArray *
build_segments (const McOcrWord *words,
                guint            n,
                double           line_h)
{
  g_autoptr(GPtrArray) toks = g_ptr_array_new ();
  GPtrArray *segments = g_ptr_array_new_with_free_func (segment_free);
  guint i = 0;

  for (guint k = 0; k < n; k++)
    {
      Tok *t;

      if (words[k].text == NULL || *words[k].text == '\0' || !g_utf8_validate (words[k].text, -1, NULL))
        continue;
      /* Marks as tall as three lines are pictures, not text. */
      if (words[k].height > 3 * line_h)
        continue;
      t = g_new0 (Tok, 1);
      t->word = &words[k];
      t->key = key_of (words[k].text);
      t->cy = words[k].top + words[k].height / 2.0;
      g_ptr_array_add (toks, t);
    }
  g_ptr_array_sort (toks, compare_tok_cy);

  while (i < toks->len)
    {
      g_autoptr(GPtrArray) line = g_ptr_array_new ();
      double cy = ((Tok *) toks->pdata[i])->cy;
      double sum = 0;
      Segment *seg = NULL;
      int last_right = 0;

      while (i < toks->len && ((Tok *) toks->pdata[i])->cy - cy < 0.5 * line_h)
        {
          g_ptr_array_add (line, toks->pdata[i]);
          sum += ((Tok *) toks->pdata[i])->cy;
          cy = sum / line->len;
          i++;
        }
      g_ptr_array_sort (line, compare_tok_x);
      for (guint k = 0; k < line->len; k++)
        {
          Tok *t = line->pdata[k];
          const McOcrWord *w = t->word;

          if (seg == NULL || w->left - last_right > 2.5 * line_h)
            {
              seg = g_new0 (Segment, 1);
              seg->toks = g_ptr_array_new_with_free_func (tok_free);
              seg->left = w->left;
              seg->top = w->top;
              seg->bottom = w->top + w->height;
              g_ptr_array_add (segments, seg);
            }
          g_ptr_array_add (seg->toks, t);
          seg->right = MAX (seg->right, w->left + w->width);
          seg->top = MIN (seg->top, w->top);
          seg->bottom = MAX (seg->bottom, w->top + w->height);
          last_right = w->left + w->width;
        }
    }
  g_ptr_array_sort (segments, compare_seg);
  return segments;
}

/* The longest label starting at token @i, if any. */
static gboolean
match_label_at (Segment  *seg,
                guint     i,
                Match    *out)
{
  gboolean found = FALSE;
  gsize best_len = 0, best_dist = G_MAXSIZE;

  if (*((Tok *) seg->toks->pdata[i])->key == '\0')
    return FALSE;
  for (guint l = 0; l < G_N_ELEMENTS (labels); l++)
    {
      const char *key = labels[l].key;
      gsize klen = strlen (key);
      char concat[96];
      gsize clen = 0;

      if (labels[l].starts_line && i != 0)
        continue;

      for (guint j = i; j < seg->toks->len && j < i + 8; j++)
        {
          const char *k = ((Tok *) seg->toks->pdata[j])->key;
          gsize n = strlen (k), d;

          if (clen + n >= sizeof concat || clen + n > klen + 2)
            break;
          memcpy (concat + clen, k, n);
          clen += n;
          if (n == 0)
            continue;
          d = levenshtein (concat, clen, key, klen);
          if (d <= allowed_distance (klen) && (klen > best_len || (klen == best_len && d < best_dist)))
            {
              found = TRUE;
              best_len = klen;
              best_dist = d;
              out->label = &labels[l];
              out->seg = seg;
              out->start = i;
              out->end = j + 1;
            }
        }
    }
  return found;
}

/* All labels in all segments; the Vietnamese and English halves of one
 * label ("Họ và tên / Full name") become one match. */
static GArray *
find_labels (GPtrArray *segments)
{
  GArray *matches = g_array_new (FALSE, FALSE, sizeof (Match));

  for (guint s = 0; s < segments->len; s++)
    {
      Segment *seg = segments->pdata[s];
      guint i = 0;

      while (i < seg->toks->len)
        {
          Match m;

          if (!match_label_at (seg, i, &m))
            {
              i++;
              continue;
            }
          if (matches->len > 0)
            {
              Match *prev = &g_array_index (matches, Match, matches->len - 1);
              gboolean adjacent = prev->seg == seg;

              /* Only separators ("/") between the two halves. */
              for (guint k = adjacent ? prev->end : 0; adjacent && k < m.start; k++)
                if (*((Tok *) seg->toks->pdata[k])->key != '\0')
                  adjacent = FALSE;
              if (adjacent && prev->label->field == m.label->field)
                {
                  prev->end = m.end;
                  if (prev->label->hint == MC_CARD_TYPE_UNKNOWN)
                    prev->label = m.label;
                  i = m.end;
                  continue;
                }
            }
          g_array_append_val (matches, m);
          i = m.end;
        }
    }
  return matches;
}

static const Match *
match_starting_segment (GArray  *matches,
                        Segment *seg)
{
  for (guint i = 0; i < matches->len; i++)
    {
      const Match *m = &g_array_index (matches, Match, i);

      if (m->seg == seg && m->start == 0)
        return m;
    }
  return NULL;
}

/* Tokens [from, to) of @seg as text, and the confidence of the least sure
 * of them: one misread diacritic spoils a name however clear the rest is,
 * and Tesseract is markedly less sure of that one word. */
static char *
tokens_text (Segment *seg,
             guint    from,
             guint    to,
             double  *confidence)
{
  GString *s = g_string_new (NULL);
  double least = 1.0;
  guint n = 0;

  for (guint k = from; k < to && k < seg->toks->len; k++)
    {
      const McOcrWord *w = ((Tok *) seg->toks->pdata[k])->word;

      if (s->len > 0)
        g_string_append_c (s, ' ');
      g_string_append (s, w->text);
      least = MIN (least, w->confidence);
      n++;
    }
  *confidence = n > 0 ? least : 0;
  return g_string_free (s, FALSE);
}

/* The box around tokens [from, to) of @seg. */
static void
tokens_box (Segment *seg,
            guint    from,
            guint    to,
            int      box[4])
{
  int l = G_MAXINT, t = G_MAXINT, r = 0, b = 0;

  for (guint k = from; k < to && k < seg->toks->len; k++)
    {
      const McOcrWord *w = ((Tok *) seg->toks->pdata[k])->word;

      l = MIN (l, w->left);
      t = MIN (t, w->top);
      r = MAX (r, w->left + w->width);
      b = MAX (b, w->top + w->height);
    }
  box[0] = l;
  box[1] = t;
  box[2] = MAX (r - l, 0);
  box[3] = MAX (b - t, 0);
}

/* The nearest segment under @above that overlaps it sideways. */
static Segment *
segment_below (GPtrArray *segments,
               Segment   *above,
               int        left,
               int        right,
               double     line_h)
{
  Segment *best = NULL;
  int best_gap = G_MAXINT;

  for (guint s = 0; s < segments->len; s++)
    {
      Segment *seg = segments->pdata[s];
      int gap = seg->top - above->bottom;

      if (seg == above || (seg->top + seg->bottom) / 2 <= (above->top + above->bottom) / 2 + line_h / 2)
        continue;
      if (gap > 1.6 * line_h || seg->right < left || seg->left > right)
        continue;
      if (gap < best_gap)
        {
          best = seg;
          best_gap = gap;
        }
    }
  return best;
}

/* The segment just right of @label that shares at least half the height
 * of the lower of the two: a value beside its label that fell into another
 * line, as one taller word ("NỮ") or a tilted photo may put it. */
static Segment *
segment_beside (GPtrArray *segments,
                Segment   *label,
                double     line_h)
{
  Segment *best = NULL;

  for (guint s = 0; s < segments->len; s++)
    {
      Segment *seg = segments->pdata[s];
      int gap = seg->left - label->right;
      int overlap = MIN (seg->bottom, label->bottom) - MAX (seg->top, label->top);
      int lower = MIN (seg->bottom - seg->top, label->bottom - label->top);

      if (seg == label || gap < -line_h / 2 || gap > 2.5 * line_h || 2 * overlap < lower)
        continue;
      if (best == NULL || seg->left < best->left)
        best = seg;
    }
  return best;
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

static char *
parse_date (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, " ", -1);
  GDate date;

  /* One token, or a date broken by a stray space. */
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (mc_id_date_parse_dmy (parts[i], -1, &date) || parse_printed_date (parts[i], &date))
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
  g_autofree char *key = key_of (text);

  return key != NULL && strlen (key) >= 10 &&
         levenshtein (key, MIN (strlen (key), 12), "KHONGTHOIHAN", 12) <= 2;
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
  key = key_of (parts[0]);
  n = strlen (key);
  if (n < 2 || n > 4)
    return NULL;
  to_nam = levenshtein (key, n, "NAM", 3);
  to_nu = levenshtein (key, n, "NU", 2);
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

      if (g_unichar_isalpha (c) || g_unichar_ismark (c))
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
  g_autofree char *key = key_of (text);

  if (key != NULL && levenshtein (key, strlen (key), "VIETNAM", 7) <= 1)
    return g_strdup ("Việt Nam");
  return parse_place (text);
}

static char *
parse_value (McIdField      field,
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
      return parse_date (text);
    case MC_ID_FIELD_DATE_OF_EXPIRY:
      if (says_no_expiry (text))
        {
          fields->no_expiry = TRUE;
          fields->no_expiry_confidence = MAX (fields->no_expiry_confidence, confidence);
          return NULL;
        }
      return parse_date (text);
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

static gboolean
is_place (McIdField field)
{
  return field == MC_ID_FIELD_PLACE_OF_ORIGIN || field == MC_ID_FIELD_PLACE_OF_BIRTH ||
         field == MC_ID_FIELD_PLACE_OF_RESIDENCE;
}

/* The value of label @m: the rest of its segment up to the next label, or
 * the segment below (past a second line of the same label); an address
 * continues on the next line when that line is not a label. */
static void
read_value (GPtrArray     *segments,
            GArray        *matches,
            const Match   *m,
            double         line_h,
            int            card_right,
            McIdOcrFields *fields)
{
  McIdField field = m->label->field;
  Segment *seg = m->seg;
  guint to = seg->toks->len;
  g_autofree char *text = NULL;
  char *value = NULL;
  double conf = 0;
  Segment *below, *beside, *last = seg;
  int boxes[2][4];
  guint n_boxes = 0;

  for (guint i = 0; i < matches->len; i++)
    {
      const Match *o = &g_array_index (matches, Match, i);

      if (o->seg == seg && o->start >= m->end && o->start < to)
        to = o->start;
    }

  if (m->end < to && field != MC_ID_FIELD_FULL_NAME)
    {
      guint from = m->end;

      /* A date from its first digit on, without what is left of a label
       * misread beyond recognition ("/ Date otbi+h: 16/11/2004"). */
      while (is_date_field (field) && from + 1 < to &&
             strpbrk (((Tok *) seg->toks->pdata[from])->word->text, "0123456789") == NULL)
        from++;
      /* The same for the sex ("nh sạ- Nữ"): its word's confidence, not the
       * label's remains'. */
      while (field == MC_ID_FIELD_SEX && from + 1 < to &&
             mc_sex_parse (((Tok *) seg->toks->pdata[from])->word->text) == MC_SEX_UNKNOWN)
        from++;
      text = tokens_text (seg, from, to, &conf);
      value = parse_value (field, text, fields, conf);
      tokens_box (seg, from, to, boxes[0]);
      n_boxes = 1;
    }
  else if (m->end == seg->toks->len && field != MC_ID_FIELD_FULL_NAME &&
           (beside = segment_beside (segments, seg, line_h)) != NULL &&
           match_starting_segment (matches, beside) == NULL)
    {
      text = tokens_text (beside, 0, beside->toks->len, &conf);
      value = parse_value (field, text, fields, conf);
      tokens_box (beside, 0, beside->toks->len, boxes[0]);
      n_boxes = 1;
      if (value != NULL)
        last = beside;
    }

  if (value == NULL && !(field == MC_ID_FIELD_DATE_OF_EXPIRY && fields->no_expiry))
    {
      Segment *from = seg;
      const Match *start;

      /* Under the label itself: a value below starts where its label does. */
      below = segment_below (segments, from, seg->left - (int) line_h, seg->right, line_h);
      /* A label set on two lines ("Có giá trị đến:" over "Date of expiry"). */
      if (below != NULL && (start = match_starting_segment (matches, below)) != NULL &&
          start->label->field == field && start->end == below->toks->len)
        below = segment_below (segments, below, seg->left - (int) line_h, seg->right, line_h);
      /* A date stands out from what OCR made of the rest of its label,
       * which a small font, a misread or a split line may leave between
       * the two ("Date of" / "expiry" under "Có giá trị đến:"): a few
       * lines down the same column, up to the next label. */
      for (guint k = 0; below != NULL && match_starting_segment (matches, below) == NULL; k++)
        {
          double below_conf;
          g_autofree char *below_text = tokens_text (below, 0, below->toks->len, &below_conf);
          char *parsed = parse_value (field, below_text, fields, below_conf);

          /* The first line below stands for the value as the old reading
           * did, unless digits beside the label are a better guess. */
          if (parsed != NULL || (k == 0 && (!is_date_field (field) || text == NULL ||
                                                     strpbrk (text, "0123456789") == NULL)))
            {
              g_free (value);
              value = parsed;
              g_free (text);
              text = g_steal_pointer (&below_text);
              conf = below_conf;
              tokens_box (below, 0, below->toks->len, boxes[0]);
              n_boxes = 1;
              last = below;
            }
          if (value != NULL || !is_date_field (field) || k == 2 ||
              (field == MC_ID_FIELD_DATE_OF_EXPIRY && fields->no_expiry))
            break;
          below = segment_below (segments, below, seg->left - (int) line_h, seg->right, line_h);
        }
    }
  if (value == NULL)
    {
      /* Where an unreadable date or sex is, for mc_id_fields_reread(). */
      if (keeps_place (field) && n_boxes > 0 && text != NULL &&
          (!is_date_field (field) || strpbrk (text, "0123456789") != NULL))
        set_value (fields, field, NULL, text, conf, boxes, 1);
      return;
    }

  if (is_place (field))
    {
      Segment *more = segment_below (segments, last, seg->left, card_right, line_h);

      if (more != NULL && match_starting_segment (matches, more) == NULL)
        {
          double more_conf;
          g_autofree char *more_text = tokens_text (more, 0, more->toks->len, &more_conf);
          g_autofree char *joined = g_strconcat (text, " ", more_text, NULL);

          g_free (value);
          value = parse_value (field, joined, fields, conf);
          conf = MIN (conf, more_conf);
          tokens_box (more, 0, more->toks->len, boxes[1]);
          n_boxes = 2;
        }
    }
  set_value (fields, field, value, text, conf, boxes, n_boxes);
}

/* Every date printed that no label took: a label misread beyond
 * recognition leaves its value here, for the expiry rule to find. */
static void
add_other_dates (GPtrArray     *segments,
                 McIdOcrFields *fields)
{
  for (guint s = 0; s < segments->len; s++)
    {
      Segment *seg = segments->pdata[s];
      double conf;
      g_autofree char *text = tokens_text (seg, 0, seg->toks->len, &conf);
      g_auto(GStrv) words = g_strsplit (text, " ", -1);

      for (guint i = 0; words[i] != NULL; i++)
        {
          g_autofree char *iso = parse_date (words[i]);
          gboolean taken = FALSE;

          for (McIdField f = 0; f < MC_ID_N_FIELDS && iso != NULL; f++)
            if (is_date_field (f) && g_strcmp0 (fields->fields[f].value, iso) == 0)
              taken = TRUE;
          if (iso != NULL && !taken)
            mc_id_ocr_fields_add_date (fields, iso);
        }
    }
}

static McCardType
card_type_from_text (GPtrArray *segments,
                     GArray    *matches)
{
  int votes[MC_CARD_TYPE_CMND + 1] = { 0 };
  McCardType best = MC_CARD_TYPE_UNKNOWN;

  for (guint s = 0; s < segments->len; s++)
    {
      Segment *seg = segments->pdata[s];
      GString *all = g_string_new (NULL);

      for (guint k = 0; k < seg->toks->len; k++)
        g_string_append (all, ((Tok *) seg->toks->pdata[k])->key);
      for (guint h = 0; h < G_N_ELEMENTS (headings); h++)
        {
          gsize klen = strlen (headings[h].key);

          /* The heading is a line of its own. */
          if (all->len + 2 >= klen && all->len <= klen + 2 &&
              levenshtein (all->str, all->len, headings[h].key, klen) <= allowed_distance (klen))
            {
              votes[headings[h].type] += 3;
              break;
            }
        }
      g_string_free (all, TRUE);
    }
  for (guint i = 0; i < matches->len; i++)
    votes[g_array_index (matches, Match, i).label->hint]++;

  for (int t = MC_CARD_TYPE_CCCD_2021; t <= MC_CARD_TYPE_CMND; t++)
    if (votes[t] > votes[best] && votes[t] >= 2)
      best = t;
  return best;
}

void
mc_id_fields_extract (const McOcrWord *words,
                      guint            n_words,
                      McIdOcrFields   *fields)
{
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(GArray) matches = NULL;
  double line_h;
  int right = 0;
  McCardType type;

  g_return_if_fail (fields != NULL);
  if (words == NULL || n_words == 0)
    return;

  line_h = median_height (words, n_words);
  for (guint i = 0; i < n_words; i++)
    right = MAX (right, words[i].left + words[i].width);
  segments = build_segments (words, n_words, line_h);
  matches = find_labels (segments);

  for (guint i = 0; i < matches->len; i++)
    {
      const Match *m = &g_array_index (matches, Match, i);

      if (is_card_mark (m->label->key))
        fields->n_card_marks++;
      if (m->label->field == MC_ID_FIELD_NONE)
        continue;
      fields->n_labels++;
      read_value (segments, matches, m, line_h, right, fields);
    }
  add_other_dates (segments, fields);

  type = card_type_from_text (segments, matches);
  if (fields->card_type == MC_CARD_TYPE_UNKNOWN)
    fields->card_type = type;
}

McIdOcrFields *
mc_id_fields_read (McOcrPool     *pool,
                   VipsImage     *card,
                   double         top,
                   double         bottom,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(McIdOcrFields) fields = mc_id_ocr_fields_new ();
  g_autoptr(McOcrResult) result = NULL;
  g_autoptr(VipsImage) region = NULL;
  McOcrParams params = {
    .languages = "vie",
    /* Sparse text: a card is label/value pairs around pictures, not a page. */
    .page_seg_mode = 11,
    .dpi = 300,
    .want_words = TRUE,
  };
  int h = vips_image_get_height (card);
  int y0, y1;

  g_return_val_if_fail (MC_IS_OCR_POOL (pool), NULL);
  g_return_val_if_fail (VIPS_IS_IMAGE (card), NULL);

  y0 = (int) (h * CLAMP (top, 0.0, 1.0));
  y1 = (int) (h * CLAMP (bottom, 0.0, 1.0));
  if (y1 - y0 < 8)
    return g_steal_pointer (&fields);
  if (vips_extract_area (card, &region, 0, y0, vips_image_get_width (card), y1 - y0, NULL) != 0)
    {
      g_set_error (error, MC_ID_ERROR, MC_ID_ERROR_BAD_IMAGE,
                   _("The card image could not be prepared for reading: %s"), vips_error_buffer ());
      vips_error_clear ();
      return NULL;
    }
  result = mc_ocr_pool_recognize (pool, region, &params, cancellable, error);
  if (result == NULL)
    return NULL;
  mc_id_fields_extract ((const McOcrWord *) result->words->data, result->words->len, fields);
  mc_id_fields_by_shape ((const McOcrWord *) result->words->data, result->words->len,
                         vips_image_get_width (card), fields);
  /* Boxes in the card's coordinates, not the band's. */
  for (guint f = 0; f < MC_ID_N_FIELDS; f++)
    for (guint b = 0; b < fields->fields[f].n_boxes; b++)
      fields->fields[f].boxes[b][1] += y0;
  return g_steal_pointer (&fields);
}

/* For mc-id-reread.c, which reads values again. */
char *
mc_id_fields_parse_value (McIdField      field,
                          const char    *text,
                          McIdOcrFields *fields,
                          double         confidence)
{
  return parse_value (field, text, fields, confidence);
}

char *
mc_id_fields_parse_date (const char *text)
{
  return parse_date (text);
}

gboolean
mc_id_field_is_date (McIdField field)
{
  return is_date_field (field);
}

gboolean
mc_id_field_keeps_place (McIdField field)
{
  return keeps_place (field);
}
