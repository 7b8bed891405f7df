/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-id-merge"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-id-accents.h"
#include "mc-id-merge.h"
#include "mc-id-rules.h"

/* One identity from three readings of the same card.
 *
 * A value is "checked" when something proves it was read right: the QR
 * payload parsed (its error correction makes a misread byte all but
 * impossible), or an MRZ field whose check digit holds. Checked values win;
 * the printed text (OCR) fills in what they lack (diacritics, place of
 * origin) and adds weight where it agrees. Two checked values that disagree
 * are a conflict for the clerk, never settled here. Confidence combines as
 * independent evidence: 1 − Π(1 − cᵢ) over the sources that agree. A field
 * only OCR read, or read against the other sources, stays below
 * MC_ID_CONFIDENCE_SURE and is marked unsure: never silently guessed. */

#define QR_CONFIDENCE 0.97
#define MRZ_CHECKED_CONFIDENCE 0.95
#define MRZ_REPAIRED_CONFIDENCE 0.92
#define MRZ_UNCHECKED_CONFIDENCE 0.85
/* A field whose check digit holds while the composite check fails: a check
 * digit holds by chance one time in ten, and a smudge spoils several. */
#define MRZ_UNCONFIRMED_CONFIDENCE 0.7
#define OCR_WEIGHT 0.90
#define PRINTED_DIFFERS_MIN 0.75

typedef struct {
  McIdSource  source;
  char       *value;
  double      confidence;
  gboolean    checked;
} Cand;

typedef struct {
  Cand  c[4];
  guint n;
} Cands;

typedef gboolean (*SameFunc) (const char *a, const char *b);

static void
cands_add (Cands      *cs,
           McIdSource  source,
           const char *value,
           double      confidence,
           gboolean    checked)
{
  if (value == NULL || *value == '\0' || cs->n == G_N_ELEMENTS (cs->c))
    return;
  cs->c[cs->n].source = source;
  cs->c[cs->n].value = g_strdup (value);
  cs->c[cs->n].confidence = CLAMP (confidence, 0.0, 0.999);
  cs->c[cs->n].checked = checked;
  cs->n++;
}

static void
cands_clear (Cands *cs)
{
  for (guint i = 0; i < cs->n; i++)
    g_free (cs->c[i].value);
  cs->n = 0;
}

static gboolean
same_exact (const char *a,
            const char *b)
{
  return g_strcmp0 (a, b) == 0;
}

/* Places compare without diacritics, case and punctuation, and a letter
 * in ten may differ: OCR's slips in a long address are not a conflict. */
static gboolean
same_place (const char *a,
            const char *b)
{
  g_autofree char *fa = mc_id_fold (a);
  g_autofree char *fb = mc_id_fold (b);
  gsize longest;

  if (fa == NULL || fb == NULL)
    return FALSE;
  longest = MAX (strlen (fa), strlen (fb));
  return longest > 0 && mc_id_levenshtein (fa, strlen (fa), fb, strlen (fb)) * 10 <= longest;
}

static const char *
source_phrase (McIdSource source)
{
  switch (source)
    {
    case MC_ID_SOURCE_QR: return _("the QR code");
    case MC_ID_SOURCE_MRZ: return _("the MRZ");
    case MC_ID_SOURCE_OCR: return _("the printed text");
    case MC_ID_SOURCE_MANUAL:
    case MC_ID_SOURCE_NONE:
    default: return "";
    }
}

static void
warn_disagree (McIdentity *id,
               McIdField   field,
               McIdSource  a,
               McIdSource  b,
               const char *code)
{
  /* Translators: "Date of birth: the QR code and the MRZ disagree. …";
   * the first %s is a field's title, the others name where it was read */
  g_autofree char *msg = g_strdup_printf (_("%s: %s and %s disagree. Check it on the card."),
                                          mc_id_field_get_title (field),
                                          source_phrase (a), source_phrase (b));

  mc_identity_add_warning (id, code, field, msg);
}

/* An MRZ field counts as checked when its own check digit and the
 * composite check both hold. */
static gboolean
mrz_checked (const McMrz *mrz,
             McMrzCheck   check)
{
  return (mrz->checks_valid & check) && (mrz->checks_valid & MC_MRZ_CHECK_COMPOSITE);
}

static double
mrz_field_confidence (const McMrz *mrz,
                      McMrzCheck   check,
                      double       checked_confidence)
{
  return mrz_checked (mrz, check) ? checked_confidence : MRZ_UNCONFIRMED_CONFIDENCE;
}

/* Picks the value of one field from its candidates: checked ones first
 * (QR before MRZ), then the most confident. */
static void
resolve (McIdentity *id,
         McIdField   field,
         Cands      *cs,
         SameFunc    same,
         guint       extra_flags)
{
  guint w = 0, confirmed = 0, flags = extra_flags;
  double miss;

  if (cs->n == 0)
    return;
  for (guint i = 1; i < cs->n; i++)
    {
      const Cand *a = &cs->c[i], *b = &cs->c[w];

      if ((a->checked && !b->checked) ||
          (a->checked == b->checked && a->checked && a->source < b->source) ||
          (a->checked == b->checked && !a->checked && a->confidence > b->confidence))
        w = i;
    }

  miss = 1.0 - cs->c[w].confidence;
  for (guint i = 0; i < cs->n; i++)
    {
      const Cand *c = &cs->c[i];

      if (i == w)
        continue;
      if (same (cs->c[w].value, c->value))
        {
          miss *= 1.0 - c->confidence;
          confirmed |= 1u << c->source;
        }
      else if (c->checked && cs->c[w].checked)
        {
          flags |= MC_ID_FIELD_FLAG_CONFLICT;
          warn_disagree (id, field, cs->c[w].source, c->source, "conflict");
        }
      else if (c->confidence >= PRINTED_DIFFERS_MIN || !cs->c[w].checked)
        {
          /* A checked value against a confident reading of the print, or
           * two unchecked readings that differ: the clerk should look. */
          if (!cs->c[w].checked)
            flags |= MC_ID_FIELD_FLAG_UNSURE;
          warn_disagree (id, field, cs->c[w].source, c->source, "sources-differ");
        }
    }

  mc_identity_set_field (id, field, cs->c[w].value, cs->c[w].source,
                         (flags & MC_ID_FIELD_FLAG_CONFLICT) ? MIN (1.0 - miss, 0.5) : 1.0 - miss,
                         flags, confirmed);
}

static double
ocr_confidence (const McIdOcrFields *ocr,
                McIdField            field)
{
  return ocr->fields[field].confidence * OCR_WEIGHT;
}

static const char *
ocr_value (const McIdOcrFields *ocr,
           McIdField            field)
{
  return ocr != NULL ? ocr->fields[field].value : NULL;
}

/* The name: the QR's keeps its diacritics and wins; the MRZ's has none and
 * no check digit, so it only confirms; OCR's carries the diacritics when
 * there is no QR, and is trusted when the MRZ spells the same letters;
 * where the two differ in a letter of a word, the MRZ's letter stands. */
static void
resolve_name (McIdentity         *id,
              const McIdReadings *r)
{
  const McMrz *mrz = r->mrz;
  const char *ocr = ocr_value (r->ocr, MC_ID_FIELD_FULL_NAME);
  g_autofree char *mended = NULL;
  gboolean mrz_usable = mrz != NULL && mrz->name[0] != '\0';
  guint confirmed = 0, flags = 0;
  double conf;

  if (r->qr != NULL)
    {
      g_autofree char *upper = g_utf8_strup (r->qr->full_name, -1);
      g_autofree char *value = g_utf8_normalize (upper, -1, G_NORMALIZE_NFC);
      double miss = 1.0 - QR_CONFIDENCE;

      if (mrz_usable && mc_mrz_name_matches (mrz, value))
        {
          confirmed |= 1u << MC_ID_SOURCE_MRZ;
          miss *= 1.0 - MRZ_UNCHECKED_CONFIDENCE;
        }
      else if (mrz_usable && !mrz->name_suspect)
        warn_disagree (id, MC_ID_FIELD_FULL_NAME, MC_ID_SOURCE_QR, MC_ID_SOURCE_MRZ, "sources-differ");
      if (ocr != NULL && g_strcmp0 (ocr, value) == 0)
        {
          confirmed |= 1u << MC_ID_SOURCE_OCR;
          miss *= 1.0 - ocr_confidence (r->ocr, MC_ID_FIELD_FULL_NAME);
        }
      mc_identity_set_field (id, MC_ID_FIELD_FULL_NAME, value, MC_ID_SOURCE_QR, 1.0 - miss, 0, confirmed);
      return;
    }

  if (ocr != NULL)
    {
      conf = ocr_confidence (r->ocr, MC_ID_FIELD_FULL_NAME);
      /* Two readings of the printed name (the sparse pass's and its line
       * read alone): where the MRZ spells the letters of the other one
       * more nearly, that one is the name. */
      if (mrz_usable && r->ocr->name_other != NULL && mc_mrz_name_matches (mrz, r->ocr->name_other))
        {
          int d = mc_mrz_name_distance (mrz, ocr);
          int d_other = mc_mrz_name_distance (mrz, r->ocr->name_other);

          if (d < 0 || d_other < d)
            ocr = r->ocr->name_other;
        }
      /* A letter misread here and there in the print ("HÙNC" for
       * "HÙNG"): the MRZ's letters, the print's marks. Still marked: the
       * marks of a letter OCR misread are no surer than the letter was. */
      if (mrz_usable && !mrz->name_suspect)
        {
          guint changed = 0;

          mended = mc_id_name_on_mrz_letters (ocr, mrz->name, &changed);
          if (mended != NULL && changed > 0)
            {
              ocr = mended;
              conf = MIN (conf, 0.6);
              flags |= MC_ID_FIELD_FLAG_UNSURE;
            }
        }
      if (mrz_usable && mc_mrz_name_matches (mrz, ocr))
        {
          /* The letters are proven; the diacritics rest on OCR alone, so
           * a name that has any is no surer than OCR was of it ("THĂNG"
           * for "THẮNG" passes the MRZ as well as the right one). */
          if (g_str_is_ascii (ocr))
            conf = 0.5 + 0.5 * conf;
          confirmed |= 1u << MC_ID_SOURCE_MRZ;
        }
      else if (mrz_usable)
        {
          conf = MIN (conf, 0.6);
          flags |= MC_ID_FIELD_FLAG_UNSURE;
          warn_disagree (id, MC_ID_FIELD_FULL_NAME, MC_ID_SOURCE_OCR, MC_ID_SOURCE_MRZ, "sources-differ");
        }
      if (mc_id_family_name_unusual (ocr))
        {
          conf = MIN (conf, 0.6);
          flags |= MC_ID_FIELD_FLAG_UNSURE;
          mc_identity_add_warning (id, "name-accents", MC_ID_FIELD_FULL_NAME,
                                   _("The family name was read with unusual accents. Check the name on the card."));
        }
      mc_identity_set_field (id, MC_ID_FIELD_FULL_NAME, ocr, MC_ID_SOURCE_OCR, conf, flags, confirmed);
      return;
    }

  if (mrz_usable)
    {
      mc_identity_set_field (id, MC_ID_FIELD_FULL_NAME, mrz->name, MC_ID_SOURCE_MRZ, 0.5,
                             MC_ID_FIELD_FLAG_UNSURE, 0);
      mc_identity_add_warning (id, "name-without-diacritics", MC_ID_FIELD_FULL_NAME,
                               _("The name comes from the MRZ, which has no diacritics. Type it as printed on the card."));
    }
}

/* The 12-digit number; the MRZ's document number (its last nine digits,
 * with a check digit of their own) confirms it even when the MRZ's copy of
 * the whole number did not read. */
static void
resolve_number (McIdentity         *id,
                const McIdReadings *r,
                double              mrz_conf)
{
  Cands cs = { 0 };
  const char *ocr = ocr_value (r->ocr, MC_ID_FIELD_ID_NUMBER);
  const McMrz *mrz = r->mrz;
  const McIdentityField *f;

  if (r->qr != NULL)
    cands_add (&cs, MC_ID_SOURCE_QR, r->qr->id_number, QR_CONFIDENCE, TRUE);
  if (mrz != NULL && (mrz->checks_valid & MC_MRZ_CHECK_ID_NUMBER) && mrz->id_number[0] != '\0')
    cands_add (&cs, MC_ID_SOURCE_MRZ, mrz->id_number,
               mrz_field_confidence (mrz, MC_MRZ_CHECK_ID_NUMBER, mrz_conf),
               mrz_checked (mrz, MC_MRZ_CHECK_ID_NUMBER));
  if (ocr != NULL)
    cands_add (&cs, MC_ID_SOURCE_OCR, ocr, ocr_confidence (r->ocr, MC_ID_FIELD_ID_NUMBER), FALSE);
  resolve (id, MC_ID_FIELD_ID_NUMBER, &cs, same_exact, 0);
  cands_clear (&cs);

  f = mc_identity_get_field (id, MC_ID_FIELD_ID_NUMBER);
  if (f->value != NULL && mrz != NULL && !(f->confirmed_by & (1u << MC_ID_SOURCE_MRZ)) &&
      f->source != MC_ID_SOURCE_MRZ && (mrz->checks_valid & MC_MRZ_CHECK_DOCUMENT_NUMBER) &&
      strlen (f->value) == 12 && g_str_equal (f->value + 3, mrz->document_number))
    {
      double conf = 1.0 - (1.0 - f->confidence) * (1.0 - 0.9 * mrz_conf);

      mc_identity_set_field (id, MC_ID_FIELD_ID_NUMBER, f->value, f->source, conf,
                             f->flags & ~MC_ID_FIELD_FLAG_UNSURE,
                             f->confirmed_by | (1u << MC_ID_SOURCE_MRZ));
    }

  /* Printed digits alone: one misread digit past the sixth leaves a number
   * as plausible as the right one, and reading it twice with the same
   * engine proves nothing. Only the QR or the MRZ's check digits do. */
  f = mc_identity_get_field (id, MC_ID_FIELD_ID_NUMBER);
  if (f->value != NULL && f->source == MC_ID_SOURCE_OCR &&
      !(f->confirmed_by & ((1u << MC_ID_SOURCE_QR) | (1u << MC_ID_SOURCE_MRZ))))
    {
      mc_identity_set_field (id, MC_ID_FIELD_ID_NUMBER, f->value, f->source, MIN (f->confidence, 0.7),
                             f->flags | MC_ID_FIELD_FLAG_UNSURE, f->confirmed_by);
      mc_identity_add_warning (id, "number-unproven", MC_ID_FIELD_ID_NUMBER,
                               _("The ID number was read from the print alone: no QR code or MRZ confirms it. "
                                 "Check it against the card, or scan the side with the QR code and the MRZ too."));
    }
}

/* A date field proven by a check (QR, MRZ check digits), or confirmed by
 * one: what the expiry rule may rest on. */
static gboolean
field_proven_date (McIdentity *id,
                   McIdField   field,
                   GDate      *date)
{
  const McIdentityField *f = mc_identity_get_field (id, field);

  return (f->source == MC_ID_SOURCE_QR || f->source == MC_ID_SOURCE_MRZ ||
          (f->confirmed_by & ((1u << MC_ID_SOURCE_QR) | (1u << MC_ID_SOURCE_MRZ)))) &&
         !(f->flags & (MC_ID_FIELD_FLAG_UNSURE | MC_ID_FIELD_FLAG_CONFLICT)) &&
         mc_id_date_parse_iso (f->value, date);
}

/* The expiry the renewal ages give, from a proven date of birth and date
 * of issue: "none" for a card that never expires. NULL when they are not
 * both proven or the card type has no such rule. */
static char *
expiry_by_rule (McIdentity *id,
                McCardType  type)
{
  GDate birth, issue, expiry;
  gboolean none;

  if (!field_proven_date (id, MC_ID_FIELD_DATE_OF_BIRTH, &birth) ||
      !field_proven_date (id, MC_ID_FIELD_DATE_OF_ISSUE, &issue) ||
      !mc_id_expected_expiry (type, &birth, &issue, &expiry, &none))
    return NULL;
  return none ? g_strdup ("none") : mc_id_date_format_iso (&expiry);
}

static void
resolve_expiry (McIdentity         *id,
                const McIdReadings *r,
                double              mrz_conf)
{
  Cands cs = { 0 };
  const McMrz *mrz = r->mrz;
  const McIdentityField *f;
  g_autofree char *by_rule = expiry_by_rule (id, mc_identity_get_card_type (id));
  const char *ocr = ocr_value (r->ocr, MC_ID_FIELD_DATE_OF_EXPIRY);
  double ocr_conf = ocr != NULL ? ocr_confidence (r->ocr, MC_ID_FIELD_DATE_OF_EXPIRY) : 0;

  /* "none" stands for "no expiry" while comparing. */
  if (mrz != NULL && (mrz->checks_valid & MC_MRZ_CHECK_EXPIRY))
    {
      GDate date;
      gboolean none;

      if (mc_id_date_from_mrz_expiry (mrz->expiry, &date, &none))
        {
          g_autofree char *iso = none ? g_strdup ("none") : mc_id_date_format_iso (&date);

          cands_add (&cs, MC_ID_SOURCE_MRZ, iso, mrz_field_confidence (mrz, MC_MRZ_CHECK_EXPIRY, mrz_conf),
                     mrz_checked (mrz, MC_MRZ_CHECK_EXPIRY));
        }
    }
  /* Among the dates the print gave (the label's, a second reading of it,
   * dates under no recognised label), the rule picks the one it predicts:
   * a misread that happens to fall on that very day is all but impossible. */
  if (r->ocr != NULL && by_rule != NULL && !r->ocr->no_expiry && g_strcmp0 (ocr, by_rule) != 0)
    for (guint i = 0; i < r->ocr->n_dates; i++)
      if (g_str_equal (r->ocr->dates[i], by_rule))
        {
          ocr = r->ocr->dates[i];
          ocr_conf = MAX (ocr_conf, OCR_WEIGHT);
        }
  if (r->ocr != NULL && r->ocr->no_expiry)
    cands_add (&cs, MC_ID_SOURCE_OCR, "none", r->ocr->no_expiry_confidence * OCR_WEIGHT, FALSE);
  else if (ocr != NULL)
    cands_add (&cs, MC_ID_SOURCE_OCR, ocr, ocr_conf, FALSE);
  resolve (id, MC_ID_FIELD_DATE_OF_EXPIRY, &cs, same_exact, 0);
  cands_clear (&cs);

  /* Nothing read, but the rule knows: offered, marked, and said so. */
  f = mc_identity_get_field (id, MC_ID_FIELD_DATE_OF_EXPIRY);
  if (f->value == NULL && by_rule != NULL)
    {
      mc_identity_set_field (id, MC_ID_FIELD_DATE_OF_EXPIRY, by_rule, MC_ID_SOURCE_NONE, 0.5,
                             MC_ID_FIELD_FLAG_UNSURE, 0);
      mc_identity_add_warning (id, "expiry-computed", MC_ID_FIELD_DATE_OF_EXPIRY,
                               g_str_equal (by_rule, "none")
                               ? _("The date of expiry could not be read. By the dates of birth and issue, this card has no expiry. Check it on the card.")
                               : _("The date of expiry could not be read. It was computed from the dates of birth and issue, not read. Check it on the card."));
    }

  f = mc_identity_get_field (id, MC_ID_FIELD_DATE_OF_EXPIRY);
  if (g_strcmp0 (f->value, "none") == 0)
    mc_identity_set_field (id, MC_ID_FIELD_DATE_OF_EXPIRY, NULL, f->source, f->confidence,
                           f->flags | MC_ID_FIELD_FLAG_NO_EXPIRY, f->confirmed_by);
}

static McCardType
guess_card_type (McIdentity         *id,
                 const McIdReadings *r)
{
  GDate issue, launch;

  if (r->card_type != MC_CARD_TYPE_UNKNOWN)
    return r->card_type;
  if (r->ocr != NULL && r->ocr->card_type != MC_CARD_TYPE_UNKNOWN)
    return r->ocr->card_type;
  /* Căn cước are issued since 1 July 2024, chip CCCDs before. */
  if ((r->qr != NULL || r->mrz != NULL) &&
      mc_id_date_parse_iso (mc_identity_get_value (id, MC_ID_FIELD_DATE_OF_ISSUE), &issue))
    {
      g_date_clear (&launch, 1);
      g_date_set_dmy (&launch, 1, 7, 2024);
      return g_date_compare (&issue, &launch) >= 0 ? MC_CARD_TYPE_CANCUOC_2024 : MC_CARD_TYPE_CCCD_2021;
    }
  return MC_CARD_TYPE_UNKNOWN;
}

/* After the rules ran: a field that failed one and rests on no check is
 * marked unsure; a checked one is left for the warning to explain. */
static void
mark_rule_failures (McIdentity *id)
{
  GPtrArray *warnings = mc_identity_get_warnings (id);
  static const McIdField involved[] = {
    MC_ID_FIELD_ID_NUMBER, MC_ID_FIELD_DATE_OF_BIRTH, MC_ID_FIELD_SEX,
  };

  for (guint i = 0; i < warnings->len; i++)
    {
      McIdentityWarning *w = g_ptr_array_index (warnings, i);
      gboolean number_rule = g_str_has_prefix (w->code, "id-number-");
      gboolean expiry_rule = g_str_equal (w->code, "expiry-rule");

      for (guint k = 0; k < G_N_ELEMENTS (involved) && number_rule; k++)
        {
          const McIdentityField *f = mc_identity_get_field (id, involved[k]);

          if (f->source == MC_ID_SOURCE_OCR && f->confirmed_by == 0)
            mc_identity_set_field (id, involved[k], f->value, f->source, MIN (f->confidence, 0.6),
                                   f->flags | MC_ID_FIELD_FLAG_UNSURE, f->confirmed_by);
        }
      if (expiry_rule)
        {
          McIdField fs[] = { MC_ID_FIELD_DATE_OF_EXPIRY, MC_ID_FIELD_DATE_OF_ISSUE };

          for (guint k = 0; k < G_N_ELEMENTS (fs); k++)
            {
              const McIdentityField *f = mc_identity_get_field (id, fs[k]);

              if (f->source == MC_ID_SOURCE_OCR && f->confirmed_by == 0)
                mc_identity_set_field (id, fs[k], f->value, f->source, MIN (f->confidence, 0.6),
                                       f->flags | MC_ID_FIELD_FLAG_UNSURE, f->confirmed_by);
            }
        }
    }
}

/* One field from what each source read of it (NULL: not read there); the
 * QR is error-corrected, so always checked. */
static void
resolve_read (McIdentity         *id,
              McIdField           field,
              const McIdReadings *r,
              const char         *from_qr,
              const char         *from_mrz,
              double              mrz_confidence,
              gboolean            mrz_is_checked,
              SameFunc            same)
{
  Cands cs = { 0 };

  cands_add (&cs, MC_ID_SOURCE_QR, from_qr, QR_CONFIDENCE, TRUE);
  cands_add (&cs, MC_ID_SOURCE_MRZ, from_mrz, mrz_confidence, mrz_is_checked);
  if (ocr_value (r->ocr, field))
    cands_add (&cs, MC_ID_SOURCE_OCR, ocr_value (r->ocr, field), ocr_confidence (r->ocr, field), FALSE);
  resolve (id, field, &cs, same, 0);
  cands_clear (&cs);
}

/* The number's digits 4 to 6 print the century and the year of birth
 * again, in the card's largest type. A date of birth from the print alone
 * whose year is one digit off them ("16/07/1961" for a number coding
 * 1951), where the number was read more surely than the date, is one
 * misread digit of the date: its year is taken from the number, marked,
 * since the number too rests on the print unless a check proves it. */
static void
birth_year_from_number (McIdentity         *id,
                        const McIdReadings *r)
{
  const McIdentityField *birth = mc_identity_get_field (id, MC_ID_FIELD_DATE_OF_BIRTH);
  const McIdentityField *number = mc_identity_get_field (id, MC_ID_FIELD_ID_NUMBER);
  g_autofree char *iso = NULL;
  int century, year_in_century, year, coded;
  guint differ = 0;
  GDate date;

  if (birth->value == NULL || birth->source != MC_ID_SOURCE_OCR || birth->confirmed_by != 0 ||
      !mc_id_date_parse_iso (birth->value, &date) ||
      !mc_id_number_decode (number->value, &century, NULL, &year_in_century))
    return;
  if (number->source == MC_ID_SOURCE_OCR && number->confirmed_by == 0 &&
      (r->ocr == NULL || r->ocr->fields[MC_ID_FIELD_ID_NUMBER].confidence <=
                         r->ocr->fields[MC_ID_FIELD_DATE_OF_BIRTH].confidence))
    return;
  year = g_date_get_year (&date);
  coded = century + year_in_century;
  for (int y = year, c = coded, i = 0; i < 4; y /= 10, c /= 10, i++)
    differ += (y % 10) != (c % 10);
  if (differ != 1 || !g_date_valid_dmy (g_date_get_day (&date), g_date_get_month (&date), coded))
    return;
  g_date_set_year (&date, coded);
  iso = mc_id_date_format_iso (&date);
  mc_identity_set_field (id, MC_ID_FIELD_DATE_OF_BIRTH, iso, MC_ID_SOURCE_OCR, MIN (birth->confidence, 0.6),
                         birth->flags | MC_ID_FIELD_FLAG_UNSURE, 0);
  mc_identity_add_warning (id, "birth-year-from-number", MC_ID_FIELD_DATE_OF_BIRTH,
                           _("The year of birth was read differently from the one the ID number gives "
                             "(its digits 4 to 6); the number's was taken. Check the date of birth on the card."));
}

/* The fields besides the number, the name and the expiry. */
static void
resolve_others (McIdentity         *id,
                const McIdReadings *r,
                double              mrz_conf)
{
  const McMrz *mrz = r->mrz;
  const McQrPayload *qr = r->qr;
  const char *number = mc_identity_get_value (id, MC_ID_FIELD_ID_NUMBER);
  /* No check digit covers the MRZ's sex or nationality, but its line
   * reading cleanly (the composite check holds) speaks for them. */
  double mrz_unchecked = (mrz != NULL && (mrz->checks_valid & MC_MRZ_CHECK_COMPOSITE))
                         ? MRZ_UNCHECKED_CONFIDENCE : 0.7;
  g_autofree char *mrz_birth = NULL;
  const char *mrz_sex = NULL;
  GDate date;

  /* Date of birth: the MRZ gives two digits of the year; the number's
   * century digit gives the rest. */
  if (mrz != NULL && (mrz->checks_valid & MC_MRZ_CHECK_BIRTH) &&
      mc_id_date_from_mrz_birth (mrz->birth, number, r->today, &date))
    mrz_birth = mc_id_date_format_iso (&date);
  resolve_read (id, MC_ID_FIELD_DATE_OF_BIRTH, r, qr != NULL ? qr->date_of_birth : NULL, mrz_birth,
                mrz_birth != NULL ? mrz_field_confidence (mrz, MC_MRZ_CHECK_BIRTH, mrz_conf) : 0,
                mrz_birth != NULL && mrz_checked (mrz, MC_MRZ_CHECK_BIRTH), same_exact);
  birth_year_from_number (id, r);

  if (mrz != NULL && (mrz->sex == 'M' || mrz->sex == 'F'))
    mrz_sex = mc_sex_to_string (mrz->sex == 'M' ? MC_SEX_MALE : MC_SEX_FEMALE);
  resolve_read (id, MC_ID_FIELD_SEX, r, qr != NULL ? qr->sex : NULL, mrz_sex, mrz_unchecked, FALSE, same_exact);

  /* Old number: only the QR has it; an empty field there means none. */
  if (qr != NULL && qr->old_id_number != NULL)
    mc_identity_set_field (id, MC_ID_FIELD_OLD_ID_NUMBER, qr->old_id_number, MC_ID_SOURCE_QR,
                           QR_CONFIDENCE, 0, 0);

  resolve_read (id, MC_ID_FIELD_NATIONALITY, r, NULL,
                mrz != NULL && g_str_equal (mrz->nationality, "VNM") ? "Việt Nam" : NULL,
                mrz_unchecked, FALSE, same_exact);
  resolve_read (id, MC_ID_FIELD_PLACE_OF_RESIDENCE, r, qr != NULL ? qr->place_of_residence : NULL, NULL,
                0, FALSE, same_place);
  resolve_read (id, MC_ID_FIELD_PLACE_OF_ORIGIN, r, NULL, NULL, 0, FALSE, same_place);
  resolve_read (id, MC_ID_FIELD_PLACE_OF_BIRTH, r, NULL, NULL, 0, FALSE, same_place);
  resolve_read (id, MC_ID_FIELD_DATE_OF_ISSUE, r, qr != NULL ? qr->date_of_issue : NULL, NULL,
                0, FALSE, same_exact);
}

/* Confirmed by every check: as printed (fillers restored); otherwise as
 * read, so the clerk sees what the scan gave. */
static void
set_mrz_lines (McIdentity  *id,
               const McMrz *mrz)
{
  if (mrz != NULL && mc_mrz_is_valid (mrz))
    {
      const char *lines[] = { mrz->lines[0], mrz->lines[1], mrz->lines[2], NULL };
      const McIdentityField *name = mc_identity_get_field (id, MC_ID_FIELD_FULL_NAME);
      char from_name[MC_MRZ_LINE_LENGTH + 1];

      int distance = mc_mrz_name_distance (mrz, name->value);

      /* The name line has no check digit: where the QR spells the name
       * (error-corrected, so sure) and the line was read as the same name
       * but for a few fillers misread as letters, or the print confirmed
       * agrees with it to a letter, it is written from that name. */
      if (name->value != NULL && !(name->flags & (MC_ID_FIELD_FLAG_UNSURE | MC_ID_FIELD_FLAG_CONFLICT)) &&
          distance >= 0 &&
          ((name->source == MC_ID_SOURCE_QR && distance <= 3) || (name->confirmed_by != 0 && distance <= 1)) &&
          mc_mrz_name_line (name->value, from_name))
        lines[2] = from_name;
      mc_identity_set_mrz_lines (id, lines);
    }
  else if (mrz != NULL)
    {
      const char *lines[] = { mrz->read[0], mrz->read[1], mrz->read[2], NULL };

      mc_identity_set_mrz_lines (id, lines);
    }
}

/* How each source fared, and a word for the clerk when one failed. */
static void
set_source_status (McIdentity         *id,
                   const McIdReadings *r)
{
  const McMrz *mrz = r->mrz;
  const McIdOcrFields *ocr = r->ocr;
  const McQrPayload *qr = r->qr;

  mc_identity_set_source_status (id, MC_ID_SOURCE_QR,
                                 qr != NULL ? MC_ID_SOURCE_STATUS_VALID
                                 : r->qr_expected ? MC_ID_SOURCE_STATUS_UNREADABLE
                                 : MC_ID_SOURCE_STATUS_ABSENT);
  if (qr == NULL && r->qr_expected)
    mc_identity_add_warning (id, "qr-unreadable", MC_ID_FIELD_NONE,
                             _("The QR code could not be read, so more rests on the printed text. Check the marked fields."));
  mc_identity_set_source_status (id, MC_ID_SOURCE_MRZ,
                                 mrz == NULL ? (r->mrz_expected ? MC_ID_SOURCE_STATUS_UNREADABLE
                                                                : MC_ID_SOURCE_STATUS_ABSENT)
                                 : mc_mrz_is_valid (mrz) ? MC_ID_SOURCE_STATUS_VALID
                                 : mrz->checks_valid != 0 ? MC_ID_SOURCE_STATUS_PARTIAL
                                 : MC_ID_SOURCE_STATUS_UNREADABLE);
  if ((mrz != NULL && !mc_mrz_is_valid (mrz)) || (mrz == NULL && r->mrz_expected))
    mc_identity_add_warning (id, "mrz-checks", MC_ID_FIELD_NONE,
                             _("Some check digits of the MRZ do not hold (a smudge or a misread), so the values they cover were not used."));
  mc_identity_set_source_status (id, MC_ID_SOURCE_OCR,
                                 ocr == NULL ? MC_ID_SOURCE_STATUS_ABSENT
                                 : ocr->n_labels >= 4 || (r->print_given && ocr->n_labels > 0)
                                 ? MC_ID_SOURCE_STATUS_VALID
                                 : ocr->n_labels > 0 ? MC_ID_SOURCE_STATUS_PARTIAL
                                 : MC_ID_SOURCE_STATUS_UNREADABLE);
}

/* A field nothing could read is said so, not left blank quietly. */
static void
warn_missing (McIdentity         *id,
              const McIdReadings *r)
{
  static const McIdField key[] = {
    MC_ID_FIELD_ID_NUMBER, MC_ID_FIELD_FULL_NAME, MC_ID_FIELD_DATE_OF_BIRTH, MC_ID_FIELD_SEX,
    MC_ID_FIELD_DATE_OF_EXPIRY,
  };

  /* And what the sides that were read print, by layout. */
  McCardType type = mc_identity_get_card_type (id);
  guint printed = 0;

  if (type == MC_CARD_TYPE_CCCD_2021)
    printed = (r->front_read ? (1u << MC_ID_FIELD_NATIONALITY) | (1u << MC_ID_FIELD_PLACE_OF_ORIGIN) |
                               (1u << MC_ID_FIELD_PLACE_OF_RESIDENCE) : 0) |
              (r->back_read ? (1u << MC_ID_FIELD_DATE_OF_ISSUE) : 0);
  else if (type == MC_CARD_TYPE_CANCUOC_2024)
    printed = (r->front_read ? (1u << MC_ID_FIELD_NATIONALITY) : 0) |
              (r->back_read ? (1u << MC_ID_FIELD_PLACE_OF_RESIDENCE) | (1u << MC_ID_FIELD_PLACE_OF_BIRTH) |
                              (1u << MC_ID_FIELD_DATE_OF_ISSUE) : 0);
  for (guint i = 0; i < G_N_ELEMENTS (key); i++)
    printed |= 1u << key[i];

  for (McIdField k = 0; k < MC_ID_N_FIELDS; k++)
    {
      const McIdentityField *f = mc_identity_get_field (id, k);

      if ((printed & (1u << k)) && f->value == NULL && !(f->flags & MC_ID_FIELD_FLAG_NO_EXPIRY))
        {
          /* Translators: %s is a field's title: "Date of expiry: could not…" */
          g_autofree char *msg = g_strdup_printf (_("%s: could not be read. Type it from the card."),
                                                  mc_id_field_get_title (k));

          mc_identity_add_warning (id, "missing", k, msg);
        }
    }
}

McIdentity *
mc_id_merge (const McIdReadings *r)
{
  g_autoptr(McIdentity) id = mc_identity_new ();
  double mrz_conf;

  g_return_val_if_fail (r != NULL, NULL);
  mrz_conf = (r->mrz != NULL && r->mrz->n_repairs > 0) ? MRZ_REPAIRED_CONFIDENCE : MRZ_CHECKED_CONFIDENCE;

  resolve_number (id, r, mrz_conf);
  resolve_name (id, r);
  resolve_others (id, r, mrz_conf);
  /* The expiry rule needs the card type. */
  mc_identity_set_card_type (id, guess_card_type (id, r));
  resolve_expiry (id, r, mrz_conf);

  set_mrz_lines (id, r->mrz);
  set_source_status (id, r);
  warn_missing (id, r);

  mc_identity_check_rules (id, r->today);
  mark_rule_failures (id);
  return g_steal_pointer (&id);
}
