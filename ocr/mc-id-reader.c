/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-id-reader"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-id-fields.h"
#include "mc-id-merge.h"
#include "mc-id-reader.h"
#include "mc-id-rules.h"
#include "mc-id-search.h"
#include "mc-mrz-find.h"
#include "mc-mrz-reader.h"
#include "mc-qr-payload.h"
#include "mc-qr-reader.h"
#include "mc-vips.h"

/* The whole reading of one citizen's card.
 *
 * 1. Cards: mc_card_finder_find() on every image, up to two cards each.
 * 2. QR: zbar on every crop. A QR turns its crop upright (zbar tells which
 *    way the symbol stands) and tells the layout: a QR on the side with the
 *    MRZ is a căn cước (2024), a QR on the other side a chip CCCD (2021).
 * 3. MRZ on the back; printed text on the front, and on the back where the
 *    fields it holds are not already proven (a 2024 back always).
 * 4. Where no card was framed, or what was framed is not confirmed by a QR
 *    or a valid MRZ: the whole image, searched for a QR at several scales
 *    and read as text on every way up for labels and an MRZ band
 *    (mc-id-search.c). No single stage decides that there is no card.
 *    Where the finder saw more on the glass than it framed, that part is
 *    searched the same way even when the framed side is proven.
 * 5. mc_id_merge(): one record, with warnings.
 *
 * Personal data stays in the result: the debug log carries counts and
 * timings only. */

/* Bands of an upright card, as fractions of its height: where the state
 * heading ends on a front (its fields start at 35 %), where the addresses
 * end on a căn cước's back, and where the MRZ begins on any back. */
#define HEADING_END 0.32
#define PLACES_END 0.38
#define MRZ_TOP 0.66

/* An ID-1 card, in inches. */
#define CARD_W_IN (85.6 / 25.4)
#define CARD_H_IN (53.98 / 25.4)

/* Printed text read without a frame is never sure on its own (below
 * MC_ID_CONFIDENCE_SURE). */
#define UNFRAMED_CONFIDENCE 0.75

struct _McIdReader
{
  GObject    parent_instance;

  McOcrPool *pool;
  GDate      today;    /* invalid: the real today */
};

G_DEFINE_FINAL_TYPE (McIdReader, mc_id_reader, G_TYPE_OBJECT)

void
mc_id_result_free (McIdResult *result)
{
  if (result == NULL)
    return;
  g_clear_object (&result->identity);
  g_clear_pointer (&result->crops, g_ptr_array_unref);
  g_free (result);
}

static void
mc_id_reader_finalize (GObject *object)
{
  McIdReader *self = MC_ID_READER (object);

  g_clear_object (&self->pool);
  G_OBJECT_CLASS (mc_id_reader_parent_class)->finalize (object);
}

static void
mc_id_reader_class_init (McIdReaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_id_reader_finalize;
}

static void
mc_id_reader_init (McIdReader *self)
{
  g_date_clear (&self->today, 1);
}

/* @pool: the engines to read with; NULL for the process's default pool. */
McIdReader *
mc_id_reader_new (McOcrPool *pool)
{
  McIdReader *self = g_object_new (MC_TYPE_ID_READER, NULL);

  self->pool = pool != NULL ? g_object_ref (pool) : g_object_ref (mc_ocr_pool_get_default ());
  return self;
}

/* The day expiry is checked against (tests pin it); NULL: the real today. */
void
mc_id_reader_set_today (McIdReader  *self,
                        const GDate *today)
{
  g_return_if_fail (MC_IS_ID_READER (self));

  if (today != NULL && g_date_valid (today))
    self->today = *today;
  else
    g_date_clear (&self->today, 1);
}

typedef struct {
  McCardCrop  *crop;         /* borrowed from the crops array */
  gboolean     back;         /* carries the MRZ band */
  gboolean     qr_seen;      /* zbar decoded a QR here */
  gboolean     qr_here;      /* the QR payload came from here */
} Side;

static gboolean
is_back (const McCardCrop *crop)
{
  return crop->mrz_band;
}

/* Reads the QR codes on @crop; turns the crop upright when the symbol
 * stands upside down. Keeps the first payload that parses. */
/* Keeps the QR's decoded text for the record: the one that parsed, else
 * the first that is text at all. */
static void
keep_qr_text (char         **text,
              GBytes        *data,
              gboolean       parsed)
{
  gsize len;
  const char *bytes = g_bytes_get_data (data, &len);

  if ((*text != NULL && !parsed) || !g_utf8_validate_len (bytes, len, NULL))
    return;
  g_free (*text);
  *text = g_strndup (bytes, len);
}

static void
read_qr (Side          *side,
         McQrPayload  **payload,
         char         **payload_text,
         GError       **payload_error)
{
  g_autoptr(GPtrArray) symbols = NULL;
  g_autoptr(GError) error = NULL;

  symbols = mc_qr_reader_scan (side->crop->image, &error);
  if (symbols == NULL)
    return;
  for (guint i = 0; i < symbols->len; i++)
    {
      McQrSymbol *s = g_ptr_array_index (symbols, i);
      gsize len;
      const guint8 *data = g_bytes_get_data (s->data, &len);
      g_autoptr(GError) parse_error = NULL;
      McQrPayload *p;

      side->qr_seen = TRUE;
      if (i == 0 && s->orientation == MC_QR_ORIENT_DOWN)
        {
          mc_card_crop_rotate_180 (side->crop);
          side->crop->upright_known = TRUE;
        }
      else if (i == 0 && s->orientation == MC_QR_ORIENT_UP)
        side->crop->upright_known = TRUE;
      if (*payload != NULL)
        continue;
      p = mc_qr_payload_parse (data, len, &parse_error);
      keep_qr_text (payload_text, s->data, p != NULL);
      if (p != NULL)
        *payload = p;
      else if (*payload_error == NULL)
        *payload_error = g_steal_pointer (&parse_error);
    }
}

/* Prints on a front with no QR and an unclear layout may be upside down:
 * read again turned round when the first reading found next to no labels.
 * @top skips the state heading when the layout is already known. */
static McIdOcrFields *
read_front (McIdReader    *self,
            Side          *side,
            double         top,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(McIdOcrFields) fields = NULL;
  g_autoptr(McIdOcrFields) turned = NULL;

  fields = mc_id_fields_read (self->pool, side->crop->image, top, 1.0, cancellable, error);
  if (fields == NULL)
    return NULL;
  if (side->crop->upright_known || fields->n_labels >= 3)
    return g_steal_pointer (&fields);

  mc_card_crop_rotate_180 (side->crop);
  turned = mc_id_fields_read (self->pool, side->crop->image, 0.0, 1.0, cancellable, error);
  if (turned == NULL)
    return NULL;
  if (turned->n_labels > fields->n_labels)
    return g_steal_pointer (&turned);
  mc_card_crop_rotate_180 (side->crop);
  return g_steal_pointer (&fields);
}

static int
n_checks (const McMrz *mrz)
{
  int n = 0;

  for (guint bits = mrz->checks_valid; bits != 0; bits &= bits - 1)
    n++;
  return n;
}

/* A QR anywhere in @image (zbar at several scales). Returns the way up it
 * tells, as degrees to turn the image by, or -1. */
static int
search_qr (VipsImage     *image,
           McQrPayload  **qr,
           char         **qr_text,
           GError       **qr_error)
{
  g_autoptr(GPtrArray) symbols = NULL;
  g_autoptr(GError) local = NULL;
  int hint = -1;

  symbols = mc_id_search_qr (image, &local);
  for (guint i = 0; symbols != NULL && i < symbols->len; i++)
    {
      McQrSymbol *s = g_ptr_array_index (symbols, i);
      static const int upright[] = { 0, 270, 180, 90 };   /* per McQrOrientation */
      gsize len;
      const guint8 *data = g_bytes_get_data (s->data, &len);
      g_autoptr(GError) parse_error = NULL;
      McQrPayload *p;

      if (hint < 0 && s->orientation != MC_QR_ORIENT_UNKNOWN)
        hint = upright[s->orientation];
      if (*qr != NULL)
        continue;
      p = mc_qr_payload_parse (data, len, &parse_error);
      keep_qr_text (qr_text, s->data, p != NULL);
      if (p != NULL)
        {
          *qr = p;
          g_clear_error (qr_error);
        }
      else if (*qr_error == NULL)
        *qr_error = g_steal_pointer (&parse_error);
    }
  return hint;
}

/* Looks for an MRZ in @image by its shape (any angle) and keeps it if
 * more of its checks hold than of @mrz's; *@valid_band (if not NULL) is
 * set when its checks all hold. FALSE only on an error that must stop
 * the reading. */
static gboolean
find_mrz (McIdReader    *self,
          VipsImage     *image,
          McMrz         *mrz,
          gboolean      *have_mrz,
          McMrzBand     *valid_band,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(GError) local = NULL;
  McMrzBand band;
  McMrz attempt;

  if (!mc_mrz_find_read (self->pool, image, &attempt, &band, cancellable, &local))
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (local, MC_OCR_ERROR, MC_OCR_ERROR_NO_LANGUAGE_DATA))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      return TRUE;
    }
  if (!*have_mrz || n_checks (&attempt) > n_checks (mrz))
    {
      *mrz = attempt;
      *have_mrz = TRUE;
    }
  if (valid_band != NULL && mc_mrz_is_valid (&attempt))
    *valid_band = band;
  return TRUE;
}

/* The MRZ by its shape on @side's crop: one whose checks hold makes the
 * side a back, turned upright by the zone. */
static gboolean
find_mrz_on_crop (McIdReader    *self,
                  Side          *side,
                  McMrz         *mrz,
                  gboolean      *have_mrz,
                  GCancellable  *cancellable,
                  GError       **error)
{
  McMrzBand band = { 0 };

  if (!find_mrz (self, side->crop->image, mrz, have_mrz, &band, cancellable, error))
    return FALSE;
  if (band.pitch == 0)
    return TRUE;
  side->back = TRUE;
  side->crop->mrz_band = TRUE;
  side->crop->side = MC_CARD_SIDE_BACK;
  switch (mc_mrz_band_rotation (&band))
    {
    case 180:
      mc_card_crop_rotate_180 (side->crop);
      side->crop->upright_known = TRUE;
      break;
    case 0:
      side->crop->upright_known = TRUE;
      break;
    default:   /* framed across: the zone was read all the same */
      break;
    }
  return TRUE;
}

/* Whether @image (input @source) has room for a card beside those
 * framed in it: an ID-sized scan of one card has none. */
static gboolean
room_for_another (VipsImage *image,
                  guint      source,
                  GPtrArray *crops)
{
  double framed = 0;
  guint n = 0;

  for (guint k = 0; k < crops->len; k++)
    {
      const McCardCrop *crop = g_ptr_array_index (crops, k);

      if (crop->source == source && crop->dpi > 0)
        {
          framed += (CARD_W_IN * crop->dpi) * (CARD_H_IN * crop->dpi);
          n++;
        }
    }
  /* Most of a card's area free besides those framed. */
  return n == 0 ||
         (double) vips_image_get_width (image) * vips_image_get_height (image) > framed + 0.8 * framed / n;
}

/* The ways in that need no frame, on the whole of @image: a QR anywhere
 * (when none is read yet and @want_qr), then the text on every way up for
 * labels and an MRZ band. What they find joins what the crops gave. */
static gboolean
search_image (McIdReader     *self,
              VipsImage      *image,
              gboolean        want_qr,
              McQrPayload   **qr,
              char          **qr_text,
              GError        **qr_error,
              McMrz          *mrz,
              gboolean       *have_mrz,
              McIdOcrFields  *ocr,
              gboolean       *have_front,
              gboolean       *have_back,
              GCancellable   *cancellable,
              GError        **error)
{
  McIdSearchResult found = { 0 };
  int hint = -1;
  gboolean ok;

  if (want_qr && *qr == NULL)
    hint = search_qr (image, qr, qr_text, qr_error);
  ok = mc_id_search_text (self->pool, image, hint, !(*have_mrz && mc_mrz_is_valid (mrz)), &found,
                          cancellable, error);
  if (ok)
    {
      if (found.have_mrz && (!*have_mrz || n_checks (&found.mrz) > n_checks (mrz)))
        {
          *mrz = found.mrz;
          *have_mrz = TRUE;
        }
      if (found.have_mrz)
        *have_back = TRUE;
      if (found.fields->fields[MC_ID_FIELD_FULL_NAME].value != NULL ||
          found.fields->fields[MC_ID_FIELD_DATE_OF_BIRTH].value != NULL)
        *have_front = TRUE;
      /* Read without a frame, among whatever else the image holds: a
       * value no QR or MRZ confirms is one for the clerk to check. */
      for (guint f = 0; f < MC_ID_N_FIELDS; f++)
        found.fields->fields[f].confidence = MIN (found.fields->fields[f].confidence, UNFRAMED_CONFIDENCE);
      found.fields->no_expiry_confidence = MIN (found.fields->no_expiry_confidence, UNFRAMED_CONFIDENCE);
      mc_id_ocr_fields_absorb (ocr, found.fields);
    }
  mc_id_search_result_clear (&found);
  return ok;
}

/* The part of @image in @rest, searched as a whole image is: what the
 * finder saw there beside the cards it framed. What it reads belongs to
 * the side not framed yet: a QR beside a framed back is a front's. */
static gboolean
search_rest (McIdReader     *self,
             VipsImage      *image,
             const VipsRect *rest,
             McQrPayload   **qr,
             char          **qr_text,
             GError        **qr_error,
             McMrz          *mrz,
             gboolean       *have_mrz,
             McIdOcrFields  *ocr,
             gboolean       *have_front,
             gboolean       *have_back,
             GCancellable   *cancellable,
             GError        **error)
{
  g_autoptr(VipsImage) part = NULL;
  gboolean had_qr = *qr != NULL;
  gboolean front_before = *have_front;

  if (vips_extract_area (image, &part, rest->left, rest->top, rest->width, rest->height, NULL) != 0)
    {
      g_set_error (error, MC_ID_ERROR, MC_ID_ERROR_BAD_IMAGE,
                   _("The image could not be prepared for reading: %s"), vips_error_buffer ());
      vips_error_clear ();
      return FALSE;
    }
  /* The QR first: a chip CCCD's front beside its back, whose MRZ already
   * holds, needs nothing more, and reading text there costs a second. */
  if (*qr == NULL)
    search_qr (part, qr, qr_text, qr_error);
  if (!(*qr != NULL && !had_qr && *have_mrz && mc_mrz_is_valid (mrz)) &&
      !search_image (self, part, FALSE, qr, qr_text, qr_error, mrz, have_mrz, ocr,
                     have_front, have_back, cancellable, error))
    return FALSE;
  if (!front_before && !had_qr && *qr != NULL)
    *have_front = TRUE;
  g_debug ("searched an unframed part of %d × %d px: qr %s", rest->width, rest->height,
           *qr != NULL && !had_qr ? "found" : "none new");
  return TRUE;
}

/* Which card this is. What is printed tells the layouts apart (the
 * headings, and labels only one layout has); the QR confirms it: its date
 * of issue settles it, as căn cước are issued from 1 July 2024 and chip
 * CCCDs were until then. Where the QR was found (front or back, by the MRZ
 * band) is the last resort only: a back whose band was not seen passes
 * for a front. */
static McCardType
decide_layout (McCardType         printed,
               McCardType         qr_side,
               const McQrPayload *qr)
{
  GDate issue, launch;

  if (qr != NULL && mc_id_date_parse_iso (qr->date_of_issue, &issue))
    {
      g_date_clear (&launch, 1);
      g_date_set_dmy (&launch, 1, 7, 2024);
      return g_date_compare (&issue, &launch) >= 0 ? MC_CARD_TYPE_CANCUOC_2024 : MC_CARD_TYPE_CCCD_2021;
    }
  if (printed != MC_CARD_TYPE_UNKNOWN)
    return printed;
  return qr_side;
}

McIdResult *
mc_id_reader_read (McIdReader    *self,
                   GPtrArray     *images,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GPtrArray) crops = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_card_crop_free);
  g_autofree gboolean *framed = NULL;
  g_autofree VipsRect *unframed = NULL;
  g_autoptr(GArray) sides = g_array_new (FALSE, TRUE, sizeof (Side));
  g_autoptr(McQrPayload) qr = NULL;
  g_autofree char *qr_text = NULL;
  g_autoptr(GError) qr_error = NULL;
  g_autoptr(GError) finder_error = NULL;
  g_autoptr(McIdOcrFields) ocr = mc_id_ocr_fields_new ();
  g_autoptr(McIdentity) identity = NULL;
  McIdResult *result;
  McMrz mrz = { 0 };
  gboolean have_mrz = FALSE, have_front = FALSE, have_back = FALSE, all_whole = TRUE;
  gboolean searched = FALSE, number_proven;
  McCardType layout_type = MC_CARD_TYPE_UNKNOWN;
  McIdReadings readings = { 0 };
  GDate today;
  gint64 start = g_get_monotonic_time ();
  gint64 t_find, t_qr, t_mrz, t_ocr, t_search;

  g_return_val_if_fail (MC_IS_ID_READER (self), NULL);
  g_return_val_if_fail (images != NULL, NULL);

  /* 1. The cards. */
  if (images->len == 0)
    {
      g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_NO_CARD, _("No ID card was found in the images."));
      return NULL;
    }
  framed = g_new0 (gboolean, images->len);
  unframed = g_new0 (VipsRect, images->len);
  for (guint i = 0; i < images->len; i++)
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(GPtrArray) found = mc_card_finder_find_full (g_ptr_array_index (images, i), i, 2,
                                                             &unframed[i], cancellable, &local);

      if (found == NULL)
        {
          if (g_error_matches (local, MC_CARD_FINDER_ERROR, MC_CARD_FINDER_ERROR_NO_CARD))
            {
              if (finder_error == NULL)
                finder_error = g_steal_pointer (&local);
              continue;
            }
          if (g_error_matches (local, MC_CARD_FINDER_ERROR, MC_CARD_FINDER_ERROR_BAD_IMAGE))
            {
              g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_BAD_IMAGE, local->message);
              return NULL;
            }
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      framed[i] = found->len > 0;
      for (guint k = 0; k < found->len; k++)
        g_ptr_array_add (crops, g_ptr_array_steal_index (found, k--));
    }
  t_find = g_get_monotonic_time ();

  /* 2. QR codes, which also tell which way up and which layout. */
  g_array_set_size (sides, crops->len);
  for (guint i = 0; i < crops->len; i++)
    {
      Side *side = &g_array_index (sides, Side, i);
      gboolean had_qr = qr != NULL;

      side->crop = g_ptr_array_index (crops, i);
      side->back = is_back (side->crop);
      if (!side->crop->whole_image)
        all_whole = FALSE;
      read_qr (side, &qr, &qr_text, &qr_error);
      side->qr_here = qr != NULL && !had_qr;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }

  t_qr = g_get_monotonic_time ();

  /* 3. The MRZ on the back(s): the reading with the most checks holding. */
  for (guint i = 0; i < sides->len; i++)
    {
      Side *side = &g_array_index (sides, Side, i);
      McMrz attempt;
      g_autoptr(GError) local = NULL;

      if (!side->back)
        continue;
      if (mc_mrz_read_card (self->pool, side->crop->image, &attempt, cancellable, &local))
        {
          if (!have_mrz || n_checks (&attempt) > n_checks (&mrz))
            mrz = attempt;
          have_mrz = TRUE;
        }
      else if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
               g_error_matches (local, MC_OCR_ERROR, MC_OCR_ERROR_NO_LANGUAGE_DATA))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
    }

  /* Where the layout did not show a band: a side it could not place, or
   * one carrying a căn cước's QR (which sits on the back), may still be a
   * back turned or skewed in its crop. The MRZ found by its shape settles
   * it, and which way up the crop stands. */
  for (guint i = 0; i < sides->len && !(have_mrz && mc_mrz_is_valid (&mrz)); i++)
    {
      Side *side = &g_array_index (sides, Side, i);

      if (side->back ||
          !(side->crop->side == MC_CARD_SIDE_UNKNOWN ||
            (side->qr_here && decide_layout (MC_CARD_TYPE_UNKNOWN, MC_CARD_TYPE_UNKNOWN, qr) ==
                              MC_CARD_TYPE_CANCUOC_2024)))
        continue;
      if (!find_mrz_on_crop (self, side, &mrz, &have_mrz, cancellable, error))
        return NULL;
    }

  for (guint i = 0; i < sides->len; i++)
    {
      Side *side = &g_array_index (sides, Side, i);

      if (side->qr_here)
        layout_type = side->back ? MC_CARD_TYPE_CANCUOC_2024 : MC_CARD_TYPE_CCCD_2021;
      if (side->back)
        have_back = TRUE;
      else
        have_front = TRUE;
    }

  t_mrz = g_get_monotonic_time ();

  /* The number's digits past the sixth have no check of their own: where
   * neither the QR nor the MRZ's check digits give them, the printed
   * number is read a second time, and two readings that differ leave it
   * unsure. */
  number_proven = qr != NULL ||
                  (have_mrz && (mrz.checks_valid & MC_MRZ_CHECK_ID_NUMBER));

  /* The printed text: every front; a back when it holds fields no check
   * proved. Parts whose fields a valid QR already gives are left out, as
   * Tesseract's time grows with the text it is shown: the state heading
   * (once the QR told the layout), a căn cước's dates (the QR and MRZ have
   * them; its top third still holds the place of birth, which only the
   * print has), a chip CCCD's back (date of issue, in the QR). */
  for (guint i = 0; i < sides->len; i++)
    {
      Side *side = &g_array_index (sides, Side, i);
      g_autoptr(McIdOcrFields) fields = NULL;

      if (!side->back)
        fields = read_front (self, side, qr != NULL ? HEADING_END : 0.0, cancellable, error);
      else if (qr == NULL)
        fields = mc_id_fields_read (self->pool, side->crop->image, 0.0, MRZ_TOP, cancellable, error);
      else if (layout_type == MC_CARD_TYPE_CANCUOC_2024)
        fields = mc_id_fields_read (self->pool, side->crop->image, 0.0, PLACES_END, cancellable, error);
      else
        continue;
      if (fields == NULL)
        return NULL;
      /* What only the print holds, and the name when no QR spells it out
       * with its diacritics, is read a second time line by line. */
      if (!mc_id_fields_reread (self->pool, side->crop->image, fields,
                                (1u << MC_ID_FIELD_PLACE_OF_ORIGIN) | (1u << MC_ID_FIELD_PLACE_OF_BIRTH) |
                                (1u << MC_ID_FIELD_DATE_OF_EXPIRY) |
                                (qr == NULL ? (1u << MC_ID_FIELD_FULL_NAME) |
                                              (1u << MC_ID_FIELD_PLACE_OF_RESIDENCE) |
                                              (1u << MC_ID_FIELD_DATE_OF_BIRTH) |
                                              (1u << MC_ID_FIELD_SEX) |
                                              (1u << MC_ID_FIELD_DATE_OF_ISSUE) : 0) |
                                (number_proven ? 0 : (1u << MC_ID_FIELD_ID_NUMBER)),
                                cancellable, error))
        return NULL;
      mc_id_ocr_fields_absorb (ocr, fields);
    }

  t_ocr = g_get_monotonic_time ();

  /* 4. Without a frame, or without a proof: the whole image. Where the
   * finder saw more on the glass than it framed (a card cut too far by
   * the glass's edge beside the one it framed), that part of it, even
   * when the framed side is proven: it is another side. */
  for (guint i = 0; i < images->len; i++)
    {
      gboolean confirmed = qr != NULL || (have_mrz && mc_mrz_is_valid (&mrz));

      if (framed[i] && (confirmed || ocr->n_labels >= 4))
        {
          if (unframed[i].width > 0 &&
              !search_rest (self, g_ptr_array_index (images, i), &unframed[i], &qr, &qr_text, &qr_error,
                            &mrz, &have_mrz, ocr, &have_front, &have_back, cancellable, error))
            return NULL;
          searched = searched || unframed[i].width > 0;
          /* A back beside the framed card that the finder missed (pale,
           * or touching it): its zone still gives the expiry. */
          if (!(have_mrz && mc_mrz_is_valid (&mrz)) && room_for_another (g_ptr_array_index (images, i), i, crops) &&
              !find_mrz (self, g_ptr_array_index (images, i), &mrz, &have_mrz, NULL, cancellable, error))
            return NULL;
          if (have_mrz && mc_mrz_is_valid (&mrz))
            have_back = TRUE;
          continue;
        }
      searched = TRUE;
      if (!search_image (self, g_ptr_array_index (images, i), !confirmed, &qr, &qr_text, &qr_error,
                         &mrz, &have_mrz, ocr, &have_front, &have_back, cancellable, error))
        return NULL;
    }

  t_search = g_get_monotonic_time ();

  if (qr == NULL && !have_mrz && ocr->n_labels == 0 && ocr->n_shaped == 0)
    {
      if (crops->len == 0)
        g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_NO_CARD,
                             finder_error != NULL ? finder_error->message
                                                  : _("No ID card was found in the images."));
      else if (all_whole)
        g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_NO_CARD,
                             _("No ID card was found in the images. Place the card flat on the glass, away from the edges, and scan again."));
      else
        g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_UNREADABLE,
                             _("A card was found, but nothing on it could be read. Clean the glass and the card, scan at 300 dpi, and try again."));
      return NULL;
    }

  /* 5. One record. */
  layout_type = decide_layout (ocr->card_type, layout_type, qr);
  if (g_date_valid (&self->today))
    today = self->today;
  else
    {
      g_date_clear (&today, 1);
      g_date_set_time_t (&today, time (NULL));
    }
  readings.qr = qr;
  readings.qr_expected = (layout_type == MC_CARD_TYPE_CCCD_2021 && have_front) ||
                         (layout_type == MC_CARD_TYPE_CANCUOC_2024 && have_back);
  readings.mrz = have_mrz ? &mrz : NULL;
  readings.mrz_expected = have_back;
  readings.ocr = ocr;
  readings.card_type = layout_type;
  readings.front_read = have_front;
  readings.back_read = have_back;
  readings.today = &today;
  identity = mc_id_merge (&readings);

  mc_identity_set_qr_payload (identity, qr_text);
  if (qr_error != NULL)
    mc_identity_add_warning (identity, "qr-invalid", MC_ID_FIELD_NONE, qr_error->message);
  for (guint i = 0; i < crops->len; i++)
    if (((McCardCrop *) g_ptr_array_index (crops, i))->cut)
      {
        mc_identity_add_warning (identity, "card-cut", MC_ID_FIELD_NONE,
                                 _("Part of the card lay off the glass. Check the values against the card, or place it fully on the glass and scan again."));
        break;
      }
  if (crops->len == 0)
    mc_identity_add_warning (identity, "no-frame", MC_ID_FIELD_NONE,
                             _("The card’s outline was not found, so it was read from the whole image. Check the values against the card."));
  else if (!have_front || !have_back)
    mc_identity_add_warning (identity, "one-side", MC_ID_FIELD_NONE,
                             have_back ? _("Only the back of the card was read. Scan the front too.")
                                       : _("Only the front of the card was read. Scan the back too, for the MRZ."));

  result = g_new0 (McIdResult, 1);
  result->identity = g_steal_pointer (&identity);
  result->crops = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_card_crop_free);
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < sides->len; i++)
      {
        Side *side = &g_array_index (sides, Side, i);

        if (side->back == (pass == 1))
          {
            side->crop->side = side->back ? MC_CARD_SIDE_BACK : MC_CARD_SIDE_FRONT;
            g_ptr_array_add (result->crops, mc_card_crop_copy (side->crop));
          }
      }
  g_debug ("read %u card side(s) from %u image(s) in %.2f s (find %.2f, qr %.2f, mrz %.2f, "
           "text %.2f, whole image %.2f%s): qr %s, mrz %s, %u labels",
           crops->len, images->len, (g_get_monotonic_time () - start) / 1e6,
           (t_find - start) / 1e6, (t_qr - t_find) / 1e6, (t_mrz - t_qr) / 1e6, (t_ocr - t_mrz) / 1e6,
           (t_search - t_ocr) / 1e6, searched ? "" : " (skipped)",
           qr != NULL ? "yes" : "no", have_mrz ? (mc_mrz_is_valid (&mrz) ? "valid" : "partial") : "no",
           ocr->n_labels);
  return result;
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  McIdResult *result = mc_id_reader_read (source_object, task_data, cancellable, &error);

  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) mc_id_result_free);
  else
    g_task_return_error (task, error);
}

/* Reads in a worker thread; @images (VipsImage*) is kept until done. */
void
mc_id_reader_read_async (McIdReader          *self,
                         GPtrArray           *images,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MC_IS_ID_READER (self));
  g_return_if_fail (images != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mc_id_reader_read_async);
  g_task_set_task_data (task, g_ptr_array_ref (images), (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, read_thread);
}

McIdResult *
mc_id_reader_read_finish (McIdReader    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
