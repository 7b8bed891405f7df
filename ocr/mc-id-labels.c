/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-id-fields"

#include "config.h"

#include <math.h>
#include <string.h>

#include "mc-id-fields-private.h"
#include "mc-id-rules.h"

/* Where the words stand and which of them are labels: words → lines →
 * segments, the card's labels matched on their letters (a misread letter
 * or two allowed), and the segments beside and below a label, where its
 * value is. What the values say is mc-id-values.c's business. */

static const McIdLabel labels[] = {
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
gboolean
mc_id_label_is_card_mark (const char *key)
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

static gsize
allowed_distance (gsize len)
{
  return len <= 4 ? 0 : len <= 8 ? 1 : 2;
}

static void
tok_free (gpointer data)
{
  McIdTok *t = data;

  g_free (t->key);
  g_free (t);
}

static void
segment_free (gpointer data)
{
  McIdSegment *s = data;

  g_ptr_array_unref (s->toks);
  g_free (s);
}

char *
mc_id_key_of (const char *text)
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
  const McIdTok *p = *(McIdTok * const *) a, *q = *(McIdTok * const *) b;

  return p->cy < q->cy ? -1 : p->cy > q->cy ? 1 : 0;
}

static int
compare_tok_x (gconstpointer a,
               gconstpointer b)
{
  const McIdTok *p = *(McIdTok * const *) a, *q = *(McIdTok * const *) b;

  return p->word->left - q->word->left;
}

static int
compare_seg (gconstpointer a,
             gconstpointer b)
{
  const McIdSegment *p = *(McIdSegment * const *) a, *q = *(McIdSegment * const *) b;

  if (p->top != q->top)
    return p->top - q->top;
  return p->left - q->left;
}

double
mc_id_median_height (const McOcrWord *words,
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

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double p = *(const double *) a, q = *(const double *) b;

  return p < q ? -1 : p > q ? 1 : 0;
}

/* The slope of the print (dy/dx), from the baselines Tesseract fitted to
 * its words: a card read without its frame (the whole image) is as tilted
 * as it lay on the glass. 0 when too few words tell, or when the tilt
 * moves a line by less than a quarter of its height across the print,
 * which grouping by centres absorbs anyway. */
static double
print_slope (const McOcrWord *words,
             guint            n,
             double           line_h)
{
  g_autoptr(GArray) slopes = g_array_new (FALSE, FALSE, sizeof (double));
  int left = G_MAXINT, right = 0;
  double slope;

  for (guint i = 0; i < n; i++)
    {
      const McOcrWord *w = &words[i];
      int dx = w->baseline_x2 - w->baseline_x1;

      /* Words long enough for their baseline to have a direction. */
      if (w->text == NULL || g_utf8_strlen (w->text, -1) < 3 || dx < 2 * line_h)
        continue;
      slope = (double) (w->baseline_y2 - w->baseline_y1) / dx;
      g_array_append_val (slopes, slope);
      left = MIN (left, w->left);
      right = MAX (right, w->left + w->width);
    }
  if (slopes->len < 5)
    return 0;
  g_array_sort (slopes, compare_double);
  slope = g_array_index (slopes, double, slopes->len / 2);
  if (fabs (slope) * (right - left) < 0.25 * line_h || fabs (slope) > 0.35)
    return 0;
  return slope;
}

/* Where a word's letters stand, top to bottom. A box taller than a line
 * took in something besides its letters (a quote mark read before a name,
 * "“THÁI" 35 px high beside 21 px words, a speck, the foot of the line
 * above): its centre no longer tells which line the word is on. The
 * baseline Tesseract fitted to the letters does: the word is taken as one
 * line high, standing on it. */
static void
tok_extent (McIdTok *t,
            double   line_h)
{
  const McOcrWord *w = t->word;
  int dx = w->baseline_x2 - w->baseline_x1;

  t->top = w->top;
  t->bottom = w->top + w->height;
  if (w->height > 1.2 * line_h && dx > 0)
    {
      double x = w->left + w->width / 2.0;
      double base = w->baseline_y1 + (x - w->baseline_x1) * (w->baseline_y2 - w->baseline_y1) / dx;

      if (base > w->top + line_h && base <= t->bottom + 1)
        t->top = (int) (base - line_h);
    }
}

/* How tall @w's print stands: its box's height, for a word of two
 * letters or digits or more (a slash's or a quote's box says nothing of
 * the print's size); 0 otherwise. */
static int
print_height (const McOcrWord *w)
{
  guint n = 0;

  for (const char *p = w->text; *p && n < 2; p = g_utf8_next_char (p))
    n += g_unichar_isalnum (g_utf8_get_char (p));
  return n >= 2 ? w->height : 0;
}

/* Words → lines (by vertical centre, along the print's slope) → segments
 * (split at wide gaps). */
GPtrArray *
mc_id_segments_build (const McOcrWord *words,
                      guint            n,
                      double           line_h)
{
  g_autoptr(GPtrArray) toks = g_ptr_array_new ();
  GPtrArray *segments = g_ptr_array_new_with_free_func (segment_free);
  double slope = print_slope (words, n, line_h);
  guint i = 0;

  for (guint k = 0; k < n; k++)
    {
      McIdTok *t;

      if (words[k].text == NULL || *words[k].text == '\0' || !g_utf8_validate (words[k].text, -1, NULL))
        continue;
      /* Marks as tall as three lines are pictures, not text. */
      if (words[k].height > 3 * line_h)
        continue;
      t = g_new0 (McIdTok, 1);
      t->word = &words[k];
      t->key = mc_id_key_of (words[k].text);
      tok_extent (t, line_h);
      t->cy = (t->top + t->bottom) / 2.0 - slope * (words[k].left + words[k].width / 2.0);
      g_ptr_array_add (toks, t);
    }
  g_ptr_array_sort (toks, compare_tok_cy);

  while (i < toks->len)
    {
      g_autoptr(GPtrArray) line = g_ptr_array_new ();
      double cy = ((McIdTok *) toks->pdata[i])->cy;
      double sum = 0;
      McIdSegment *seg = NULL;
      int last_right = 0, last_h = 0;

      while (i < toks->len && ((McIdTok *) toks->pdata[i])->cy - cy < 0.5 * line_h)
        {
          g_ptr_array_add (line, toks->pdata[i]);
          sum += ((McIdTok *) toks->pdata[i])->cy;
          cy = sum / line->len;
          i++;
        }
      g_ptr_array_sort (line, compare_tok_x);
      for (guint k = 0; k < line->len; k++)
        {
          McIdTok *t = line->pdata[k];
          const McOcrWord *w = t->word;

          /* Words part at a gap wider than their print's spaces: the
           * card's small print sets the measure, but between two words
           * of large print (a name in capitals) spaces are wider. */
          if (seg == NULL || w->left - last_right > 2.5 * MAX (line_h, MIN (last_h, print_height (w))))
            {
              seg = g_new0 (McIdSegment, 1);
              seg->toks = g_ptr_array_new_with_free_func (tok_free);
              seg->left = w->left;
              seg->top = t->top;
              seg->bottom = t->bottom;
              g_ptr_array_add (segments, seg);
            }
          g_ptr_array_add (seg->toks, t);
          seg->right = MAX (seg->right, w->left + w->width);
          seg->top = MIN (seg->top, t->top);
          seg->bottom = MAX (seg->bottom, t->bottom);
          last_right = w->left + w->width;
          last_h = print_height (w);
        }
    }
  g_ptr_array_sort (segments, compare_seg);
  return segments;
}

/* The longest label starting at token @i, if any. */
static gboolean
match_label_at (McIdSegment *seg,
                guint        i,
                McIdMatch   *out)
{
  gboolean found = FALSE;
  gsize best_len = 0, best_dist = G_MAXSIZE;

  if (*((McIdTok *) seg->toks->pdata[i])->key == '\0')
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
          const char *k = ((McIdTok *) seg->toks->pdata[j])->key;
          gsize n = strlen (k), d;

          if (clen + n >= sizeof concat || clen + n > klen + 2)
            break;
          memcpy (concat + clen, k, n);
          clen += n;
          if (n == 0)
            continue;
          d = mc_id_levenshtein (concat, clen, key, klen);
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
GArray *
mc_id_labels_find (GPtrArray *segments)
{
  GArray *matches = g_array_new (FALSE, FALSE, sizeof (McIdMatch));

  for (guint s = 0; s < segments->len; s++)
    {
      McIdSegment *seg = segments->pdata[s];
      guint i = 0;

      while (i < seg->toks->len)
        {
          McIdMatch m;

          if (!match_label_at (seg, i, &m))
            {
              i++;
              continue;
            }
          if (matches->len > 0)
            {
              McIdMatch *prev = &g_array_index (matches, McIdMatch, matches->len - 1);
              gboolean adjacent = prev->seg == seg;

              /* Only separators ("/") between the two halves. */
              for (guint k = adjacent ? prev->end : 0; adjacent && k < m.start; k++)
                if (*((McIdTok *) seg->toks->pdata[k])->key != '\0')
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

const McIdMatch *
mc_id_match_starting_segment (GArray      *matches,
                              McIdSegment *seg)
{
  for (guint i = 0; i < matches->len; i++)
    {
      const McIdMatch *m = &g_array_index (matches, McIdMatch, i);

      if (m->seg == seg && m->start == 0)
        return m;
    }
  return NULL;
}

/* Tokens [from, to) of @seg as text, and the confidence of the least sure
 * of them: one misread diacritic spoils a name however clear the rest is,
 * and Tesseract is markedly less sure of that one word. */
char *
mc_id_tokens_text (McIdSegment *seg,
                   guint        from,
                   guint        to,
                   double      *confidence)
{
  GString *s = g_string_new (NULL);
  double least = 1.0;
  guint n = 0;

  for (guint k = from; k < to && k < seg->toks->len; k++)
    {
      const McOcrWord *w = ((McIdTok *) seg->toks->pdata[k])->word;

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
void
mc_id_tokens_box (McIdSegment *seg,
                  guint        from,
                  guint        to,
                  int          box[4])
{
  int l = G_MAXINT, t = G_MAXINT, r = 0, b = 0;

  for (guint k = from; k < to && k < seg->toks->len; k++)
    {
      const McOcrWord *w = ((McIdTok *) seg->toks->pdata[k])->word;

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
McIdSegment *
mc_id_segment_below (GPtrArray   *segments,
                     McIdSegment *above,
                     int          left,
                     int          right,
                     double       line_h)
{
  McIdSegment *best = NULL;
  int best_gap = G_MAXINT;

  for (guint s = 0; s < segments->len; s++)
    {
      McIdSegment *seg = segments->pdata[s];
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
McIdSegment *
mc_id_segment_beside (GPtrArray   *segments,
                      McIdSegment *label,
                      double       line_h)
{
  McIdSegment *best = NULL;

  for (guint s = 0; s < segments->len; s++)
    {
      McIdSegment *seg = segments->pdata[s];
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

McCardType
mc_id_card_type_from_text (GPtrArray *segments,
                           GArray    *matches)
{
  int votes[MC_CARD_TYPE_CMND + 1] = { 0 };
  McCardType best = MC_CARD_TYPE_UNKNOWN;

  for (guint s = 0; s < segments->len; s++)
    {
      McIdSegment *seg = segments->pdata[s];
      GString *all = g_string_new (NULL);

      for (guint k = 0; k < seg->toks->len; k++)
        g_string_append (all, ((McIdTok *) seg->toks->pdata[k])->key);
      for (guint h = 0; h < G_N_ELEMENTS (headings); h++)
        {
          gsize klen = strlen (headings[h].key);

          /* The heading is a line of its own. */
          if (all->len + 2 >= klen && all->len <= klen + 2 &&
              mc_id_levenshtein (all->str, all->len, headings[h].key, klen) <= allowed_distance (klen))
            {
              votes[headings[h].type] += 3;
              break;
            }
        }
      g_string_free (all, TRUE);
    }
  for (guint i = 0; i < matches->len; i++)
    votes[g_array_index (matches, McIdMatch, i).label->hint]++;

  for (int t = MC_CARD_TYPE_CCCD_2021; t <= MC_CARD_TYPE_CMND; t++)
    if (votes[t] > votes[best] && votes[t] >= 2)
      best = t;
  return best;
}
