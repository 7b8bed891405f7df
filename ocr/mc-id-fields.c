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
  g_free (fields->name_other);
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
  if (value == NULL && (!mc_id_field_keeps_place (field) || v->value != NULL || v->n_boxes > 0 || n_boxes == 0))
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
  /* The other reading goes with the name that was kept. */
  if (from->name_other != NULL && g_strcmp0 (into->fields[MC_ID_FIELD_FULL_NAME].value,
                                             from->fields[MC_ID_FIELD_FULL_NAME].value) == 0)
    {
      g_free (into->name_other);
      into->name_other = g_strdup (from->name_other);
    }
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

/* What has been read for one label so far. */
typedef struct {
  char        *text;
  char        *value;
  double       conf;
  int          boxes[2][4];
  guint        n_boxes;
  McIdSegment *last;    /* the segment the value ends in */
} Reading;

/* The first token of the next label in @m's segment, or its end. */
static guint
value_end (GArray          *matches,
           const McIdMatch *m)
{
  guint to = m->seg->toks->len;

  for (guint i = 0; i < matches->len; i++)
    {
      const McIdMatch *o = &g_array_index (matches, McIdMatch, i);

      if (o->seg == m->seg && o->start >= m->end && o->start < to)
        to = o->start;
    }
  return to;
}

/* Tokens [from, to) of @seg as what was read. */
static void
take_tokens (Reading       *r,
             McIdSegment   *seg,
             guint          from,
             guint          to,
             McIdField      field,
             McIdOcrFields *fields)
{
  r->text = mc_id_tokens_text (seg, from, to, &r->conf);
  r->value = mc_id_fields_parse_value (field, r->text, fields, r->conf);
  mc_id_tokens_box (seg, from, to, r->boxes[0]);
  r->n_boxes = 1;
}

/* On the label's own line: the rest of its segment up to the next label,
 * or a segment just beside it that no label starts. */
static void
read_beside (GPtrArray       *segments,
             GArray          *matches,
             const McIdMatch *m,
             double           line_h,
             McIdOcrFields   *fields,
             Reading         *r)
{
  McIdField field = m->label->field;
  McIdSegment *seg = m->seg, *beside;
  guint to = value_end (matches, m);

  if (field == MC_ID_FIELD_FULL_NAME)
    return;
  if (m->end < to)
    {
      guint from = m->end;

      /* A date from its first digit on, without what is left of a label
       * misread beyond recognition ("/ Date otbi+h: 16/11/2004"). */
      while (mc_id_field_is_date (field) && from + 1 < to &&
             strpbrk (((McIdTok *) seg->toks->pdata[from])->word->text, "0123456789") == NULL)
        from++;
      /* The same for the sex ("nh sạ- Nữ"): its word's confidence, not the
       * label's remains'. */
      while (field == MC_ID_FIELD_SEX && from + 1 < to &&
             mc_sex_parse (((McIdTok *) seg->toks->pdata[from])->word->text) == MC_SEX_UNKNOWN)
        from++;
      take_tokens (r, seg, from, to, field, fields);
    }
  else if (m->end == seg->toks->len &&
           (beside = mc_id_segment_beside (segments, seg, line_h)) != NULL &&
           mc_id_match_starting_segment (matches, beside) == NULL)
    {
      take_tokens (r, beside, 0, beside->toks->len, field, fields);
      if (r->value != NULL)
        r->last = beside;
    }
}

/* Under the label: a value below starts where its label does, past a
 * label set on two lines ("Có giá trị đến:" over "Date of expiry"). */
static void
read_below (GPtrArray       *segments,
            GArray          *matches,
            const McIdMatch *m,
            double           line_h,
            McIdOcrFields   *fields,
            Reading         *r)
{
  McIdField field = m->label->field;
  McIdSegment *seg = m->seg, *below;
  const McIdMatch *start;

  below = mc_id_segment_below (segments, seg, seg->left - (int) line_h, seg->right, line_h);
  if (below != NULL && (start = mc_id_match_starting_segment (matches, below)) != NULL &&
      start->label->field == field && start->end == below->toks->len)
    below = mc_id_segment_below (segments, below, seg->left - (int) line_h, seg->right, line_h);
  /* A date stands out from what OCR made of the rest of its label,
   * which a small font, a misread or a split line may leave between
   * the two ("Date of" / "expiry" under "Có giá trị đến:"): a few
   * lines down the same column, up to the next label. */
  for (guint k = 0; below != NULL && mc_id_match_starting_segment (matches, below) == NULL; k++)
    {
      double below_conf;
      g_autofree char *below_text = mc_id_tokens_text (below, 0, below->toks->len, &below_conf);
      char *parsed = mc_id_fields_parse_value (field, below_text, fields, below_conf);

      /* The first line below stands for the value as the old reading
       * did, unless digits beside the label are a better guess. */
      if (parsed != NULL || (k == 0 && (!mc_id_field_is_date (field) || r->text == NULL ||
                                        strpbrk (r->text, "0123456789") == NULL)))
        {
          g_free (r->value);
          r->value = parsed;
          g_free (r->text);
          r->text = g_steal_pointer (&below_text);
          r->conf = below_conf;
          mc_id_tokens_box (below, 0, below->toks->len, r->boxes[0]);
          r->n_boxes = 1;
          r->last = below;
        }
      if (r->value != NULL || !mc_id_field_is_date (field) || k == 2 ||
          (field == MC_ID_FIELD_DATE_OF_EXPIRY && fields->no_expiry))
        break;
      below = mc_id_segment_below (segments, below, seg->left - (int) line_h, seg->right, line_h);
    }
}

/* An address continues on the next line when that line is not a label. */
static void
read_next_line (GPtrArray       *segments,
                GArray          *matches,
                const McIdMatch *m,
                double           line_h,
                int              card_right,
                McIdOcrFields   *fields,
                Reading         *r)
{
  McIdSegment *more = mc_id_segment_below (segments, r->last, m->seg->left, card_right, line_h);
  double more_conf;
  g_autofree char *more_text = NULL;
  g_autofree char *joined = NULL;

  if (more == NULL || mc_id_match_starting_segment (matches, more) != NULL)
    return;
  more_text = mc_id_tokens_text (more, 0, more->toks->len, &more_conf);
  joined = g_strconcat (r->text, " ", more_text, NULL);
  g_free (r->value);
  r->value = mc_id_fields_parse_value (m->label->field, joined, fields, r->conf);
  r->conf = MIN (r->conf, more_conf);
  mc_id_tokens_box (more, 0, more->toks->len, r->boxes[1]);
  r->n_boxes = 2;
}

/* The value of label @m: beside it, else below it; a place may run on to
 * one more line. */
static void
read_value (GPtrArray       *segments,
            GArray          *matches,
            const McIdMatch *m,
            double           line_h,
            int              card_right,
            McIdOcrFields   *fields)
{
  McIdField field = m->label->field;
  Reading r = { .last = m->seg };

  read_beside (segments, matches, m, line_h, fields, &r);
  if (r.value == NULL && !(field == MC_ID_FIELD_DATE_OF_EXPIRY && fields->no_expiry))
    read_below (segments, matches, m, line_h, fields, &r);
  if (r.value == NULL)
    {
      /* Where an unreadable date, sex or number is, for
       * mc_id_fields_reread(). */
      if (mc_id_field_keeps_place (field) && r.n_boxes > 0 && r.text != NULL &&
          (field == MC_ID_FIELD_SEX || strpbrk (r.text, "0123456789") != NULL))
        set_value (fields, field, NULL, r.text, r.conf, r.boxes, 1);
      g_free (r.text);
      return;
    }
  if (mc_id_field_is_place (field))
    read_next_line (segments, matches, m, line_h, card_right, fields, &r);
  set_value (fields, field, g_steal_pointer (&r.value), r.text, r.conf, r.boxes, r.n_boxes);
  g_free (r.text);
}

/* Every date printed that no label took: a label misread beyond
 * recognition leaves its value here, for the expiry rule to find. */
static void
add_other_dates (GPtrArray     *segments,
                 McIdOcrFields *fields)
{
  for (guint s = 0; s < segments->len; s++)
    {
      McIdSegment *seg = segments->pdata[s];
      double conf;
      g_autofree char *text = mc_id_tokens_text (seg, 0, seg->toks->len, &conf);
      g_auto(GStrv) words = g_strsplit (text, " ", -1);

      for (guint i = 0; words[i] != NULL; i++)
        {
          g_autofree char *iso = mc_id_fields_parse_date (words[i]);
          gboolean taken = FALSE;

          for (McIdField f = 0; f < MC_ID_N_FIELDS && iso != NULL; f++)
            if (mc_id_field_is_date (f) && g_strcmp0 (fields->fields[f].value, iso) == 0)
              taken = TRUE;
          if (iso != NULL && !taken)
            mc_id_ocr_fields_add_date (fields, iso);
        }
    }
}

/* Where no label gave the number (its "Số / No." misread beyond
 * recognition, "ss;xo:"), the only run of ten to fourteen digits on the
 * card is the number's place: nothing else a card prints is that long a
 * run. Twelve digits are the number as read (from the print alone, so
 * the merge marks it); a run one or two off twelve (a digit lost or read
 * twice by the sparse pass) is kept to be read again alone. */
static void
keep_number_place (GPtrArray     *segments,
                   McIdOcrFields *fields)
{
  McIdOcrValue *v = &fields->fields[MC_ID_FIELD_ID_NUMBER];
  McIdSegment *found_seg = NULL;
  guint found = 0, n_found = 0;

  if (v->value != NULL || v->n_boxes > 0)
    return;
  for (guint s = 0; s < segments->len; s++)
    {
      McIdSegment *seg = segments->pdata[s];

      for (guint i = 0; i < seg->toks->len; i++)
        {
          const char *text = ((McIdTok *) seg->toks->pdata[i])->word->text;
          gsize n = strspn (text, "0123456789");

          if (text[n] == '\0' && n >= 10 && n <= 14)
            {
              found_seg = seg;
              found = i;
              n_found++;
            }
        }
    }
  if (n_found == 1)
    {
      int boxes[1][4];
      double conf;
      g_autofree char *text = mc_id_tokens_text (found_seg, found, found + 1, &conf);

      mc_id_tokens_box (found_seg, found, found + 1, boxes[0]);
      set_value (fields, MC_ID_FIELD_ID_NUMBER, mc_id_fields_parse_value (MC_ID_FIELD_ID_NUMBER, text, fields, conf),
                 text, conf, boxes, 1);
    }
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

  line_h = mc_id_median_height (words, n_words);
  for (guint i = 0; i < n_words; i++)
    right = MAX (right, words[i].left + words[i].width);
  segments = mc_id_segments_build (words, n_words, line_h);
  matches = mc_id_labels_find (segments);

  for (guint i = 0; i < matches->len; i++)
    {
      const McIdMatch *m = &g_array_index (matches, McIdMatch, i);

      if (mc_id_label_is_card_mark (m->label->key))
        fields->n_card_marks++;
      if (m->label->field == MC_ID_FIELD_NONE)
        continue;
      fields->n_labels++;
      read_value (segments, matches, m, line_h, right, fields);
    }
  add_other_dates (segments, fields);
  keep_number_place (segments, fields);

  type = mc_id_card_type_from_text (segments, matches);
  if (fields->card_type == MC_CARD_TYPE_UNKNOWN)
    fields->card_type = type;
}

McIdOcrFields *
mc_id_fields_read (McOcrPool    *pool,
                   VipsImage    *card,
                   double        top,
                   double        bottom,
                   GCancellable *cancellable,
                   GError      **error)
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
      mc_id_error_from_vips (error);
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

