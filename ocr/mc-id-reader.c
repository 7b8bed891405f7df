/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-id-reader"

#include "config.h"

#include <math.h>
#include <time.h>

#include <glib/gi18n.h>

#include "mc-deblur.h"
#include "mc-id-fields.h"
#include "mc-id-merge.h"
#include "mc-id-reader.h"
#include "mc-id-reader-private.h"
#include "mc-id-rules.h"
#include "mc-id-search.h"
#include "mc-mrz-find.h"
#include "mc-mrz-reader.h"
#include "mc-page-image.h"
#include "mc-qr-payload.h"
#include "mc-qr-reader.h"
#include "mc-vips.h"

/* The whole reading of one citizen's card, in stages (each a function
 * below, run in this order by mc_id_reader_read() on one Reading):
 *
 * 1. find_cards(): mc_card_finder_find() on every image, up to two cards
 *    each.
 * 2. read_qr_codes(): zbar on every crop. A QR turns its crop upright
 *    (zbar tells which way the symbol stands) and tells the layout: a QR
 *    on the side with the MRZ is a căn cước (2024), a QR on the other side
 *    a chip CCCD (2021).
 * 3. read_mrzs(): the MRZ on the back(s), or found by its shape where no
 *    band was seen.
 * 4. read_printed(): printed text on the front, and on the back where the
 *    fields it holds are not already proven (a 2024 back always).
 * 5. search_unframed(): where no card was framed, or what was framed is
 *    not confirmed by a QR or a valid MRZ: the whole image, searched for a
 *    QR at several scales and read as text on every way up for labels and
 *    an MRZ band (mc-id-search.c). Where the finder saw more on the glass
 *    than it framed, that part is searched the same way even when the
 *    framed side is proven.
 * 5b. read_plain_number(): where no way in gave a number of a plausible
 *    shape, the whole images, then the framed sides, read as plain text
 *    as `tesseract -l vie` would: the reader never does worse on the
 *    number than that naive reading.
 * 5c. reframe_by_print(): where the outlines framed something and
 *    nothing was read in those frames, the frames the print votes for
 *    (the QR's finder patterns), read by stages 1b to 4 again.
 * 6. check_found(): the only stage that decides that there is no card,
 *    when none of the ways in read anything.
 * 7. merge_readings(): mc_id_merge(), one record, with warnings.
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

/* A resolution a header states that is a scanner's (others, 72 dpi or
 * none, are a file's default): as mc-id-search.c trusts it. */
#define MIN_HEADER_DPI 100.0
#define MAX_HEADER_DPI 1300.0

/* Printed text read without a frame is never sure on its own (below
 * MC_ID_CONFIDENCE_SURE). */
#define UNFRAMED_CONFIDENCE 0.75
/* A number found by its shape alone in plain text: for the clerk to check
 * (as mc-id-shapes.c's). */
#define PLAIN_CONFIDENCE 0.5

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

/* The CPU this process has used, in µs: the stages' times in the debug
 * log, which the machine's other load does not inflate as it does the
 * clock's (libvips' workers count; another reading running at the same
 * time would too). */
static gint64
cpu_now (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
    return g_get_monotonic_time ();
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
reading_clear (Reading *r)
{
  g_clear_pointer (&r->crops, g_ptr_array_unref);
  g_clear_pointer (&r->sides, g_array_unref);
  g_clear_pointer (&r->framed, g_free);
  g_clear_pointer (&r->unframed, g_free);
  g_clear_error (&r->finder_error);
  g_clear_pointer (&r->qr, mc_qr_payload_free);
  g_clear_pointer (&r->qr_text, g_free);
  g_clear_error (&r->qr_error);
  g_clear_pointer (&r->ocr, mc_id_ocr_fields_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reading, reading_clear)

static gboolean
is_back (const McCardCrop *crop)
{
  return crop->mrz_band;
}

static int
n_checks (const McMrz *mrz)
{
  int n = 0;

  for (guint bits = mrz->checks_valid; bits != 0; bits &= bits - 1)
    n++;
  return n;
}

static gboolean
mrz_valid (const Reading *r)
{
  return r->have_mrz && mc_mrz_is_valid (&r->mrz);
}

/* Keeps @attempt when more of its checks hold than of the MRZ so far. */
static void
keep_mrz (Reading     *r,
          const McMrz *attempt)
{
  if (!r->have_mrz || n_checks (attempt) > n_checks (&r->mrz))
    {
      r->mrz = *attempt;
      r->have_mrz = TRUE;
    }
}

/* An MRZ reading's error that must stop the whole reading; others only
 * mean that no zone was read there. */
static gboolean
mrz_error_stops (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, MC_OCR_ERROR, MC_OCR_ERROR_NO_LANGUAGE_DATA);
}

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

/* Reads the QR codes on @side's crop; turns the crop upright when the
 * symbol stands upside down. Keeps the first payload that parses. */
static void
read_qr (Reading *r,
         Side    *side)
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
      if (r->qr != NULL)
        continue;
      p = mc_qr_payload_parse (data, len, &parse_error);
      keep_qr_text (&r->qr_text, s->data, p != NULL);
      if (p != NULL)
        r->qr = p;
      else if (r->qr_error == NULL)
        r->qr_error = g_steal_pointer (&parse_error);
    }
}

/* A card photographed small is enlarged to the crop's 300 dpi by the
 * finder's warp, which leaves its print as soft as it came: enlarged three
 * times, a stroke spreads over three pixels and Tesseract reads next to
 * none of the words. An unsharp mask as wide as the enlargement gives the
 * strokes back their edges. Crops of cards seen at SOFT_DPI or more (under
 * about 640 px wide) are left as they are, and so is every glass scan, at
 * 200 dpi or more, whose crop a measured frame may put a little below. */
#define SOFT_DPI 190.0
#define SHARPEN_GAIN 1.5

static gboolean
sharpen_enlarged (McCardCrop  *crop,
                  GError     **error)
{
  g_autoptr(VipsImage) blur = NULL;
  g_autoptr(VipsImage) detail = NULL;
  g_autoptr(VipsImage) sum = NULL;
  g_autoptr(VipsImage) u8 = NULL;
  VipsImage *sharp;
  double enlarged;

  if (crop->dpi <= 0 || crop->dpi >= SOFT_DPI)
    return TRUE;
  enlarged = 300.0 / crop->dpi;
  if (vips_gaussblur (crop->image, &blur, 0.5 * enlarged, NULL) != 0 ||
      vips_subtract (crop->image, blur, &detail, NULL) != 0 ||
      vips_linear1 (detail, &sum, SHARPEN_GAIN, 0.0, NULL) != 0 ||
      vips_add (crop->image, sum, &u8, NULL) != 0)
    goto failed;
  g_clear_object (&sum);
  if (vips_cast_uchar (u8, &sum, NULL) != 0 || !(sharp = vips_image_copy_memory (sum)))
    goto failed;
  g_debug ("a card seen at %.0f dpi: its crop sharpened", crop->dpi);
  g_object_unref (crop->image);
  crop->image = sharp;
  return TRUE;

failed:
  mc_id_error_from_vips (error);
  return FALSE;
}

/* How much of a card side a reading found: its labels, and the fields
 * found by their shape (a number of a real number's shape, the dates and
 * the name beside it). A small card in a photo prints its labels too
 * small to read, its values large enough. */
static guint
reading_score (const McIdOcrFields *fields)
{
  return fields->n_labels + fields->n_shaped;
}

/* Prints on a front with no QR and an unclear layout may be upside down:
 * read again turned round when the first reading found next to no labels.
 * A way up the layout guessed (the emblem, the text's ascenders) is tried
 * the other way round too when nothing at all read on it: those guesses
 * fail on small and blurred photos, and a reading that found nothing
 * loses nothing to a second look. @top skips the state heading when the
 * layout is already known. */
static McIdOcrFields *
read_front (Reading  *r,
            Side     *side,
            double    top,
            GError  **error)
{
  McOcrPool *pool = r->self->pool;
  g_autoptr(McIdOcrFields) fields = NULL;
  g_autoptr(McIdOcrFields) turned = NULL;

  if (!sharpen_enlarged (side->crop, error))
    return NULL;
  fields = mc_id_fields_read (pool, side->crop->image, top, 1.0, r->cancellable, error);
  if (fields == NULL)
    return NULL;
  if (fields->n_labels >= 3 ||
      (side->crop->upright_known && (r->qr != NULL || reading_score (fields) > 0)))
    return g_steal_pointer (&fields);

  mc_card_crop_rotate_180 (side->crop);
  turned = mc_id_fields_read (pool, side->crop->image, 0.0, 1.0, r->cancellable, error);
  if (turned == NULL)
    return NULL;
  g_debug ("front read both ways up: %u labels and %u by shape, turned %u and %u", fields->n_labels,
           fields->n_shaped, turned->n_labels, turned->n_shaped);
  if (reading_score (turned) > reading_score (fields))
    {
      side->crop->upright_known = TRUE;
      return g_steal_pointer (&turned);
    }
  mc_card_crop_rotate_180 (side->crop);
  return g_steal_pointer (&fields);
}

/* A QR anywhere in @image (zbar at several scales). Returns the way up it
 * tells, as degrees to turn the image by, or -1. */
static int
search_qr (Reading   *r,
           VipsImage *image)
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
      if (r->qr != NULL)
        continue;
      p = mc_qr_payload_parse (data, len, &parse_error);
      keep_qr_text (&r->qr_text, s->data, p != NULL);
      if (p != NULL)
        {
          r->qr = p;
          g_clear_error (&r->qr_error);
        }
      else if (r->qr_error == NULL)
        r->qr_error = g_steal_pointer (&parse_error);
    }
  return hint;
}

/* Looks for an MRZ in @image by its shape (any angle) and keeps it if
 * more of its checks hold than of the one so far; *@valid_band (if not
 * NULL) is set when its checks all hold. FALSE only on an error that must
 * stop the reading. */
static gboolean
find_mrz (Reading    *r,
          VipsImage  *image,
          McMrzBand  *valid_band,
          GError    **error)
{
  g_autoptr(GError) local = NULL;
  McMrzBand band;
  McMrz attempt;

  if (!mc_mrz_find_read (r->self->pool, image, &attempt, &band, r->cancellable, &local))
    {
      if (mrz_error_stops (local))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      return TRUE;
    }
  keep_mrz (r, &attempt);
  if (valid_band != NULL && mc_mrz_is_valid (&attempt))
    *valid_band = band;
  return TRUE;
}

/* The MRZ by its shape on @side's crop: one whose checks hold makes the
 * side a back, turned upright by the zone. */
static gboolean
find_mrz_on_crop (Reading  *r,
                  Side     *side,
                  GError  **error)
{
  McMrzBand band = { 0 };

  if (!find_mrz (r, side->crop->image, &band, error))
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

/* Fields read without a frame, among whatever else the image holds,
 * join what the crops gave: a value no QR or MRZ confirms is one for the
 * clerk to check. */
static void
absorb_unframed (Reading       *r,
                 McIdOcrFields *fields)
{
  for (guint f = 0; f < MC_ID_N_FIELDS; f++)
    fields->fields[f].confidence = MIN (fields->fields[f].confidence, UNFRAMED_CONFIDENCE);
  fields->no_expiry_confidence = MIN (fields->no_expiry_confidence, UNFRAMED_CONFIDENCE);
  mc_id_ocr_fields_absorb (r->ocr, fields);
}

/* The ways in that need no frame, on the whole of @image: a QR anywhere
 * (when none is read yet and @want_qr), then the text on every way up for
 * labels and an MRZ band, from @hint (degrees to turn it by, or -1) when
 * no QR tells. What they find joins what the crops gave. */
static gboolean
search_image (Reading    *r,
              VipsImage  *image,
              gboolean    want_qr,
              int         hint,
              GError    **error)
{
  McIdSearchResult found = { 0 };
  gboolean ok;

  if (want_qr && r->qr == NULL)
    {
      int qr_hint = search_qr (r, image);

      if (qr_hint >= 0)
        hint = qr_hint;
    }
  ok = mc_id_search_text (r->self->pool, image, hint, !mrz_valid (r), &found, r->cancellable, error);
  if (ok)
    {
      if (found.have_mrz)
        {
          keep_mrz (r, &found.mrz);
          r->have_back = TRUE;
        }
      if (found.fields->fields[MC_ID_FIELD_FULL_NAME].value != NULL ||
          found.fields->fields[MC_ID_FIELD_DATE_OF_BIRTH].value != NULL)
        r->have_front = TRUE;
      absorb_unframed (r, found.fields);
    }
  mc_id_search_result_clear (&found);
  return ok;
}

/* The part of @image in @rest, searched as a whole image is: what the
 * finder saw there beside the cards it framed. What it reads belongs to
 * the side not framed yet: a QR beside a framed back is a front's. */
static gboolean
search_rest (Reading         *r,
             VipsImage       *image,
             guint            source,
             const VipsRect  *rest,
             GError         **error)
{
  g_autoptr(VipsImage) cut = NULL;
  g_autoptr(VipsImage) part = NULL;
  gboolean had_qr = r->qr != NULL;
  gboolean front_before = r->have_front;
  double header_dpi = vips_image_get_xres (image) * 25.4;
  double card_dpi = 0;
  int hint = -1;

  /* One glass scan has one resolution. Where its header states none, the
   * card framed in it measures it: without, the part would be read as a
   * crop of unknown size, enlarged to be sure, at several times the
   * cost. */
  for (guint k = 0; k < r->crops->len && card_dpi == 0; k++)
    {
      const McCardCrop *crop = g_ptr_array_index (r->crops, k);

      if (crop->source == source && crop->dpi > 0)
        card_dpi = crop->dpi;
    }
  if ((header_dpi < MIN_HEADER_DPI || header_dpi > MAX_HEADER_DPI) && card_dpi > 0)
    header_dpi = card_dpi;
  if (vips_extract_area (image, &cut, rest->left, rest->top, rest->width, rest->height, NULL) != 0 ||
      vips_copy (cut, &part, "xres", header_dpi / 25.4, "yres", header_dpi / 25.4, NULL) != 0)
    {
      mc_id_error_from_vips (error);
      return FALSE;
    }
  /* The QR first: a chip CCCD's front beside its back, whose MRZ already
   * holds, needs nothing more, and reading text there costs a second. */
  /* The QR's way up is the text's: no guess by Tesseract's OSD, no
   * reading the wrong way up first. */
  if (r->qr == NULL)
    hint = search_qr (r, part);
  if (!(r->qr != NULL && !had_qr && mrz_valid (r)) &&
      !search_image (r, part, FALSE, hint, error))
    return FALSE;
  if (!front_before && !had_qr && r->qr != NULL)
    r->have_front = TRUE;
  g_debug ("searched an unframed part of %d × %d px: qr %s", rest->width, rest->height,
           r->qr != NULL && !had_qr ? "found" : "none new");
  return TRUE;
}

/* Which card this is. What is printed tells the layouts apart (the
 * headings, and labels only one layout has); the QR confirms it: its date
 * of issue settles it, as căn cước are issued from 1 July 2024 and chip
 * CCCDs were until then. Where the QR was found (front or back, by the MRZ
 * band) is the last resort only: a back whose band was not seen passes
 * for a front. */
McCardType
_mc_id_decide_layout (McCardType         printed,
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

/* Whether the zone @band lies in @rest: the back the finder saw there
 * but could not frame. */
static gboolean
band_in_rest (const McMrzBand *band,
              const VipsRect  *rest)
{
  return band->pitch > 0 &&
         band->centre[0] >= rest->left && band->centre[0] < rest->left + rest->width &&
         band->centre[1] >= rest->top && band->centre[1] < rest->top + rest->height;
}

/* The part of @image in @rest, a back framed by its zone @band (whose
 * checks hold): its QR when none is read yet (a căn cước's), and its
 * printed fields, unless it is a chip CCCD's whose QR is read (its date
 * of issue is in the QR). Framed by the zone, not by what the finder saw,
 * which may cut the zone or the fields; and no reading of the whole part
 * on every way up, as the zone tells the way up. */
static gboolean
read_rest_back (Reading          *r,
                VipsImage        *image,
                const VipsRect   *rest,
                const McMrzBand  *band,
                GError          **error)
{
  g_autoptr(McIdOcrFields) fields = NULL;

  if (r->qr == NULL)
    {
      g_autoptr(VipsImage) part = NULL;

      if (vips_extract_area (image, &part, rest->left, rest->top, rest->width, rest->height, NULL) != 0)
        {
          mc_id_error_from_vips (error);
          return FALSE;
        }
      search_qr (r, part);
    }
  r->have_back = TRUE;
  if (r->qr != NULL && _mc_id_decide_layout (MC_CARD_TYPE_UNKNOWN, MC_CARD_TYPE_UNKNOWN, r->qr) == MC_CARD_TYPE_CCCD_2021)
    return TRUE;
  fields = mc_id_ocr_fields_new ();
  if (!mc_id_search_read_back (r->self->pool, image, band, fields, r->cancellable, error))
    return FALSE;
  absorb_unframed (r, fields);
  g_debug ("read an unframed back of %d × %d px by its zone", rest->width, rest->height);
  return TRUE;
}

/* ------------------------------------------------------------- stages */

/* 1. The cards: up to two framed in each image, one side each. An image
 * the finder frames nothing in is no error here: later stages search it
 * whole. */
static gboolean
find_cards (Reading  *r,
            GError  **error)
{
  if (r->images->len == 0)
    {
      g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_NO_CARD, _("No ID card was found in the images."));
      return FALSE;
    }
  r->framed = g_new0 (gboolean, r->images->len);
  r->unframed = g_new0 (VipsRect, r->images->len);
  for (guint i = 0; i < r->images->len; i++)
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(GPtrArray) found = mc_card_finder_find_full (g_ptr_array_index (r->images, i), i, 2,
                                                             &r->unframed[i], r->cancellable, &local);

      if (found == NULL)
        {
          if (g_error_matches (local, MC_CARD_FINDER_ERROR, MC_CARD_FINDER_ERROR_NO_CARD))
            {
              if (r->finder_error == NULL)
                r->finder_error = g_steal_pointer (&local);
              continue;
            }
          if (g_error_matches (local, MC_CARD_FINDER_ERROR, MC_CARD_FINDER_ERROR_BAD_IMAGE))
            {
              g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_BAD_IMAGE, local->message);
              return FALSE;
            }
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      r->framed[i] = found->len > 0;
      for (guint k = 0; k < found->len; k++)
        g_ptr_array_add (r->crops, g_ptr_array_steal_index (found, k--));
    }

  g_array_set_size (r->sides, r->crops->len);
  for (guint i = 0; i < r->crops->len; i++)
    {
      Side *side = &g_array_index (r->sides, Side, i);

      side->crop = g_ptr_array_index (r->crops, i);
      side->back = is_back (side->crop);
      if (!side->crop->whole_image)
        r->all_whole = FALSE;
    }
  r->t_find = cpu_now ();
  return TRUE;
}

/* 1b. A card a phone smeared as it moved: its crop restored before
 * anything on it is read (and shown). A sharp crop is left as it is;
 * what was measured stays with its side (see restore_unread()). */
static gboolean
restore_blurred (Reading  *r,
                 GError  **error)
{
  for (guint i = 0; i < r->crops->len; i++)
    {
      McCardCrop *crop = g_ptr_array_index (r->crops, i);
      Side *side = &g_array_index (r->sides, Side, i);
      VipsImage *sharp = NULL;

      if (!mc_motion_blur_sharpen (crop->image, &sharp, &side->blur, error))
        return FALSE;
      g_object_unref (crop->image);
      crop->image = sharp;
    }
  return !g_cancellable_set_error_if_cancelled (r->cancellable, error);
}

/* 2. QR codes on the framed sides, which also tell which way up and
 * which layout. A card carries one QR (a chip CCCD's on its front, a căn
 * cước's on its back): once a payload is read, the sides after it, the
 * card's other face, are not searched for another. */
static gboolean
read_qr_codes (Reading  *r,
               GError  **error)
{
  for (guint i = 0; i < r->sides->len && r->qr == NULL; i++)
    {
      Side *side = &g_array_index (r->sides, Side, i);

      read_qr (r, side);
      side->qr_here = r->qr != NULL;
      if (g_cancellable_set_error_if_cancelled (r->cancellable, error))
        return FALSE;
    }
  r->t_qr = cpu_now ();
  return TRUE;
}

/* 3. The MRZ on the back(s): the reading with the most checks holding.
 * Where the layout did not show a band, the zone found by its shape
 * settles which side is a back. Then each side counts as a front or a
 * back, and the QR's side tells a layout. */
static gboolean
read_mrzs (Reading  *r,
           GError  **error)
{
  for (guint i = 0; i < r->sides->len; i++)
    {
      Side *side = &g_array_index (r->sides, Side, i);
      McMrz attempt;
      g_autoptr(GError) local = NULL;

      if (!side->back)
        continue;
      if (mc_mrz_read_card (r->self->pool, side->crop->image, &attempt, r->cancellable, &local))
        keep_mrz (r, &attempt);
      else if (mrz_error_stops (local))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }

  /* A side the layout could not place, or one carrying a căn cước's QR
   * (which sits on the back), may still be a back turned or skewed in its
   * crop. The MRZ found by its shape settles it, and which way up the crop
   * stands. */
  for (guint i = 0; i < r->sides->len && !mrz_valid (r); i++)
    {
      Side *side = &g_array_index (r->sides, Side, i);

      if (side->back ||
          !(side->crop->side == MC_CARD_SIDE_UNKNOWN ||
            (side->qr_here && _mc_id_decide_layout (MC_CARD_TYPE_UNKNOWN, MC_CARD_TYPE_UNKNOWN, r->qr) ==
                              MC_CARD_TYPE_CANCUOC_2024)))
        continue;
      if (!find_mrz_on_crop (r, side, error))
        return FALSE;
    }

  for (guint i = 0; i < r->sides->len; i++)
    {
      Side *side = &g_array_index (r->sides, Side, i);

      if (side->qr_here)
        r->qr_layout = side->back ? MC_CARD_TYPE_CANCUOC_2024 : MC_CARD_TYPE_CCCD_2021;
      if (side->back)
        r->have_back = TRUE;
      else
        r->have_front = TRUE;
    }
  r->t_mrz = cpu_now ();
  return TRUE;
}

/* 4. The printed text: every front; a back when it holds fields no check
 * proved. Parts whose fields a valid QR already gives are left out, as
 * Tesseract's time grows with the text it is shown: the state heading
 * (once the QR told the layout), a căn cước's dates (the QR and MRZ have
 * them; its top third still holds the place of birth, which only the
 * print has), a chip CCCD's back (date of issue, in the QR). */
static gboolean
read_printed (Reading  *r,
              GError  **error)
{
  McOcrPool *pool = r->self->pool;
  /* The number's digits past the sixth have no check of their own: where
   * neither the QR nor the MRZ's check digits give them, the printed
   * number is read a second time, and two readings that differ leave it
   * unsure. */
  gboolean number_proven = r->qr != NULL || (r->have_mrz && (r->mrz.checks_valid & MC_MRZ_CHECK_ID_NUMBER));
  /* What only the print holds, and the name when no QR spells it out
   * with its diacritics, is read a second time line by line. */
  guint reread = (1u << MC_ID_FIELD_PLACE_OF_ORIGIN) | (1u << MC_ID_FIELD_PLACE_OF_BIRTH) |
                 (1u << MC_ID_FIELD_DATE_OF_EXPIRY) |
                 (r->qr == NULL ? (1u << MC_ID_FIELD_FULL_NAME) | (1u << MC_ID_FIELD_PLACE_OF_RESIDENCE) |
                                  (1u << MC_ID_FIELD_DATE_OF_BIRTH) | (1u << MC_ID_FIELD_SEX) |
                                  (1u << MC_ID_FIELD_DATE_OF_ISSUE) : 0) |
                 (number_proven ? 0 : (1u << MC_ID_FIELD_ID_NUMBER));
  /* A căn cước's front prints nothing that its QR (number, name, birth,
   * sex) and a zone whose checks hold (nationality) do not already give:
   * reading it would only repeat them. */
  gboolean front_given = r->qr != NULL && mrz_valid (r) &&
                         _mc_id_decide_layout (MC_CARD_TYPE_UNKNOWN, r->qr_layout, r->qr) == MC_CARD_TYPE_CANCUOC_2024;

  for (guint i = 0; i < r->sides->len; i++)
    {
      Side *side = &g_array_index (r->sides, Side, i);
      g_autoptr(McIdOcrFields) fields = NULL;

      /* Which way up it stands still needs its print when nothing else
       * told (the clerk is shown the crop). */
      if (!side->back && front_given && side->crop->upright_known)
        {
          r->print_given = TRUE;
          continue;
        }
      if (!side->back)
        fields = read_front (r, side, r->qr != NULL ? HEADING_END : 0.0, error);
      else if (r->qr == NULL)
        fields = mc_id_fields_read (pool, side->crop->image, 0.0, MRZ_TOP, r->cancellable, error);
      else if (r->qr_layout == MC_CARD_TYPE_CANCUOC_2024)
        fields = mc_id_fields_read (pool, side->crop->image, 0.0, PLACES_END, r->cancellable, error);
      else
        continue;
      if (fields == NULL)
        return FALSE;
      if (!mc_id_fields_reread (pool, side->crop->image, fields, reread, r->cancellable, error))
        return FALSE;
      mc_id_ocr_fields_absorb (r->ocr, fields);
    }
  r->t_ocr = cpu_now ();
  return TRUE;
}

/* 5. Without a frame, or without a proof: the whole image. Where the
 * finder saw more on the glass than it framed (a card cut too far by the
 * glass's edge beside the one it framed), that part of it, even when the
 * framed side is proven: it is another side. */
static gboolean
search_unframed (Reading  *r,
                 GError  **error)
{
  r->frames_read = _mc_id_reading_read_anything (r);
  for (guint i = 0; i < r->images->len; i++)
    {
      VipsImage *image = g_ptr_array_index (r->images, i);
      gboolean confirmed = r->qr != NULL || mrz_valid (r);

      if (r->framed[i] && (confirmed || r->ocr->n_labels >= 4))
        {
          McMrzBand band = { 0 };

          /* A back beside the framed card that the finder missed (pale,
           * or touching it): its zone still gives the expiry. Looked for
           * in the whole image, and first: what the finder saw of that
           * back may cut its zone, and a zone found there frames the
           * back, which is then read by it. */
          if (!mrz_valid (r) && room_for_another (image, i, r->crops) && !find_mrz (r, image, &band, error))
            return FALSE;
          if (r->unframed[i].width > 0)
            {
              if (band_in_rest (&band, &r->unframed[i]) ? !read_rest_back (r, image, &r->unframed[i], &band, error)
                                                        : !search_rest (r, image, i, &r->unframed[i], error))
                return FALSE;
              r->searched = TRUE;
            }
          if (mrz_valid (r))
            r->have_back = TRUE;
          continue;
        }
      r->searched = TRUE;
      if (!search_image (r, image, !confirmed, -1, error))
        return FALSE;
    }
  r->t_search = cpu_now ();
  return TRUE;
}

/* Whether @crop frames what one of @tried (same image) framed: its
 * corners, in the same order, within a twentieth of the card's width. */
static gboolean
tried_before (const McCardCrop *crop,
              GPtrArray        *tried)
{
  double width = hypot (crop->quad[2] - crop->quad[0], crop->quad[3] - crop->quad[1]);

  for (guint k = 0; k < tried->len; k++)
    {
      const McCardCrop *t = g_ptr_array_index (tried, k);
      gboolean same = t->source == crop->source;

      for (int c = 0; c < 4 && same; c++)
        same = hypot (t->quad[2 * c] - crop->quad[2 * c], t->quad[2 * c + 1] - crop->quad[2 * c + 1]) < width / 20;
      if (same)
        return TRUE;
    }
  return FALSE;
}

/* The sides as @r->crops now stand, each a front or a back as its layout
 * tells. */
static void
set_sides (Reading *r)
{
  g_array_set_size (r->sides, 0);
  g_array_set_size (r->sides, r->crops->len);
  for (guint i = 0; i < r->crops->len; i++)
    {
      Side *side = &g_array_index (r->sides, Side, i);

      side->crop = g_ptr_array_index (r->crops, i);
      side->back = is_back (side->crop);
    }
}

/* 5c. A frame is taken for a card's when something printed on a card is
 * read inside it. Where the outlines framed something (a sleeve, a paper
 * beside the card, a patch of the table) and nothing was read there
 * (whatever the whole image gave), the next candidates are read too:
 * the frames the anchors printed on the card vote for (its QR's finder
 * patterns). (A front on which nothing read was read turned round
 * already, by read_front().) */
static gboolean
reframe_by_print (Reading  *r,
                  GError  **error)
{
  g_autoptr(GPtrArray) tried = NULL;
  g_autoptr(GPtrArray) crops = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_card_crop_free);
  gboolean ok, qr_before, mrz_before;
  guint labels_before;
  gint64 t_find, t_qr, t_mrz, t_ocr;

  if (r->frames_read || r->crops->len == 0 || r->all_whole)
    return TRUE;
  qr_before = r->qr != NULL, mrz_before = r->have_mrz, labels_before = r->ocr->n_labels;
  for (guint i = 0; i < r->images->len; i++)
    {
      g_autoptr(GPtrArray) found = mc_card_finder_find_by_print (g_ptr_array_index (r->images, i), i, 2,
                                                                 r->cancellable, error);

      if (found == NULL)
        return FALSE;
      for (guint k = 0; k < found->len; k++)
        if (!tried_before (g_ptr_array_index (found, k), r->crops))
          {
            g_ptr_array_add (crops, g_ptr_array_steal_index (found, k--));
            r->framed[i] = TRUE;
          }
    }
  g_debug ("nothing read in %u frame(s): %u other frame(s) by the print", r->crops->len, crops->len);
  if (crops->len == 0)
    return TRUE;

  /* The frames that held nothing make way for the new ones. */
  tried = g_steal_pointer (&r->crops);
  r->crops = g_steal_pointer (&crops);
  set_sides (r);
  /* The stages' times stay those of the first frames (the debug log's);
   * the total counts the second reading. */
  t_find = r->t_find, t_qr = r->t_qr, t_mrz = r->t_mrz, t_ocr = r->t_ocr;
  ok = restore_blurred (r, error) &&
       read_qr_codes (r, error) &&
       read_mrzs (r, error) &&
       read_printed (r, error);
  r->t_find = t_find, r->t_qr = t_qr, r->t_mrz = t_mrz, r->t_ocr = t_ocr;
  /* New frames that held nothing either are not the card's: the clerk is
   * shown the first ones. */
  if (ok && (r->qr != NULL) == qr_before && r->have_mrz == mrz_before && r->ocr->n_labels == labels_before)
    {
      g_ptr_array_unref (r->crops);
      r->crops = g_steal_pointer (&tried);
      set_sides (r);
    }
  return ok;
}

/* Whether a number of a plausible shape is read: proven by the QR or
 * the zone, or printed. */
static gboolean
have_number (Reading *r)
{
  const char *printed = r->ocr->fields[MC_ID_FIELD_ID_NUMBER].value;

  return r->qr != NULL || (r->have_mrz && (r->mrz.checks_valid & MC_MRZ_CHECK_ID_NUMBER)) ||
         (printed != NULL && mc_id_search_number_plausible (printed));
}

/* Whether a number was read that something vouches for: the QR, the
 * zone's check digit, or labels read around it. A number of a plausible
 * shape alone is no sign of a readable card: a 2021 back's guilloche
 * gives one now and then. */
static gboolean
number_vouched (Reading *r)
{
  const char *printed = r->ocr->fields[MC_ID_FIELD_ID_NUMBER].value;

  return r->qr != NULL || (r->have_mrz && (r->mrz.checks_valid & MC_MRZ_CHECK_ID_NUMBER)) ||
         (printed != NULL && mc_id_search_number_plausible (printed) && r->ocr->n_labels > 0);
}

/* 4b. A smear too faint to be sure of: a phone's motion blur under its
 * lens's blur, its JPEG and its noise leaves the cepstrum's dip shallow,
 * and 1b leaves such a crop as it is, as a sharp card must stay. Where
 * no number came out of the crops, though, the likeliest smear is the
 * best guess there is: the crops 1b left alone are restored by it and
 * read again. Where that gave no number either, the crops go back to
 * what they were (what the restored ones gave is kept): the stages after
 * this one read them as they are, which a wrong guess would spoil. Before
 * the whole-image search, which a number read here spares. */
static gboolean
restore_unread (Reading  *r,
                GError  **error)
{
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_card_crop_free);
  gboolean ok, any = FALSE;
  gint64 t_qr, t_mrz, t_ocr;

  if (number_vouched (r) || r->crops->len == 0 || r->all_whole)
    return TRUE;
  for (guint i = 0; i < r->sides->len; i++)
    {
      Side *side = &g_array_index (r->sides, Side, i);
      McMotionBlur likeliest = { .length = side->blur.likeliest_length, .angle = side->blur.likeliest_angle };
      VipsImage *sharp = NULL;

      g_ptr_array_add (before, mc_card_crop_copy (side->crop));
      if (side->blur.length > 0 || likeliest.length <= 0 || side->crop->whole_image)
        continue;
      if (!mc_motion_blur_restore (side->crop->image, &likeliest, &sharp, error))
        return FALSE;
      g_debug ("nothing read: a faint smear of %.1f px at %.0f° undone", likeliest.length, likeliest.angle);
      g_object_unref (side->crop->image);
      side->crop->image = sharp;
      any = TRUE;
    }
  if (!any)
    return TRUE;

  /* The stages' times stay those of the first reading (the debug log's);
   * the total counts the second. */
  t_qr = r->t_qr, t_mrz = r->t_mrz, t_ocr = r->t_ocr;
  ok = read_qr_codes (r, error) &&
       read_mrzs (r, error) &&
       read_printed (r, error);
  r->t_qr = t_qr, r->t_mrz = t_mrz, r->t_ocr = t_ocr;
  /* The crops as they were, turned as they were: the second reading may
   * have turned a front round. */
  if (ok && !number_vouched (r))
    for (guint i = 0; i < r->sides->len; i++)
      {
        McCardCrop *crop = g_array_index (r->sides, Side, i).crop;
        McCardCrop *was = g_ptr_array_index (before, i);
        McCardCrop restored = *crop;

        *crop = *was;
        *was = restored;
      }
  return ok;
}

/* A card framed in image @source, or NULL. */
static const McCardCrop *
framed_in (Reading *r,
           guint    source)
{
  for (guint k = 0; k < r->crops->len; k++)
    {
      const McCardCrop *crop = g_ptr_array_index (r->crops, k);

      if (crop->source == source && crop->dpi > 0)
        return crop;
    }
  return NULL;
}

/* 5b. The naive way in, never to be done worse than: where no way in
 * gave a number of a plausible shape, the whole images read as plain
 * text (mc_id_search_plain_number()), as a naive reading reads them;
 * then, where that gave none, the framed sides (warped and enlarged,
 * they read worse where the whole image reads at all). A number read so
 * is the print's alone, never sure. */
static gboolean
read_plain_number (Reading  *r,
                   GError  **error)
{
  g_autofree char *whole = NULL;
  g_autofree char *framed = NULL;
  McIdOcrValue *v = &r->ocr->fields[MC_ID_FIELD_ID_NUMBER];

  if (have_number (r))
    return TRUE;
  /* An image with a card framed in it is read at the card's scale, along
   * the card's long side: its digits stand as on the crop. */
  for (guint i = 0; i < r->images->len && whole == NULL; i++)
    {
      const McCardCrop *crop = framed_in (r, i);

      if (!mc_id_search_plain_number (r->self->pool, g_ptr_array_index (r->images, i), FALSE,
                                      crop != NULL ? crop->dpi : 0,
                                      crop != NULL ? (int) (lround (crop->angle / 90.0) % 2 != 0) * 90 : -1,
                                      &whole, r->cancellable, error))
        return FALSE;
    }
  /* Fronts first: only a front prints the number outside the zone. */
  for (int pass = 0; pass < 2 && whole == NULL && framed == NULL; pass++)
    for (guint i = 0; i < r->sides->len && framed == NULL; i++)
      {
        Side *side = &g_array_index (r->sides, Side, i);

        if (side->back != (pass == 1))
          continue;
        if (!mc_id_search_plain_number (r->self->pool, side->crop->image, TRUE, 0,
                                        side->crop->upright_known ? 0 : -1, &framed, r->cancellable, error))
          return FALSE;
      }
  if (whole == NULL && framed == NULL)
    return TRUE;
  g_free (v->value);
  g_clear_pointer (&v->text, g_free);
  v->value = whole != NULL ? g_steal_pointer (&whole) : g_steal_pointer (&framed);
  v->confidence = PLAIN_CONFIDENCE;
  v->n_boxes = 0;
  r->ocr->n_shaped++;
  r->have_front = TRUE;
  return TRUE;
}

/* @images as the stages read them: a phone photo turned as its EXIF
 * orientation asks (mc_page_image_upright(), as a viewer shows it), and
 * each that states no resolution but has a whole sheet's size (a glass
 * scan saved without one) told the resolution its size gives: the finder
 * then frames its cards as on any scan, not as in a photo of unknown
 * scale, and the stages after it read them at their size. */
static GPtrArray *
prepare_images (GPtrArray *images)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < images->len; i++)
    {
      g_autoptr(VipsImage) image = mc_page_image_upright (g_ptr_array_index (images, i));
      double header_dpi = vips_image_get_xres (image) * 25.4;
      int dpi = 0;
      VipsImage *told = NULL;

      if (header_dpi < MIN_HEADER_DPI || header_dpi > MAX_HEADER_DPI)
        dpi = mc_page_image_dpi_from_size (vips_image_get_width (image), vips_image_get_height (image));
      if (dpi > 0 && vips_copy (image, &told, "xres", dpi / 25.4, "yres", dpi / 25.4, NULL) != 0)
        vips_error_clear ();
      g_ptr_array_add (out, told != NULL ? told : g_object_ref (image));
    }
  return out;
}

McIdResult *
mc_id_reader_read (McIdReader    *self,
                   GPtrArray     *images,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_auto(Reading) r = { 0 };
  g_autoptr(GPtrArray) sized = NULL;
  McIdResult *result;

  g_return_val_if_fail (MC_IS_ID_READER (self), NULL);
  g_return_val_if_fail (images != NULL, NULL);

  sized = prepare_images (images);
  r.self = self;
  r.images = sized;
  r.cancellable = cancellable;
  r.crops = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_card_crop_free);
  r.sides = g_array_new (FALSE, TRUE, sizeof (Side));
  r.all_whole = TRUE;
  r.ocr = mc_id_ocr_fields_new ();
  r.start_wall = g_get_monotonic_time ();
  r.start = cpu_now ();

  /* Each stage adds to what the ones before it found; none but the last
   * decides that there is no card. */
  if (!find_cards (&r, error) ||
      !restore_blurred (&r, error) ||
      !read_qr_codes (&r, error) ||
      !read_mrzs (&r, error) ||
      !read_printed (&r, error) ||
      !restore_unread (&r, error) ||
      !search_unframed (&r, error) ||
      !read_plain_number (&r, error) ||
      !reframe_by_print (&r, error) ||
      !_mc_id_reading_check_found (&r, error))
    return NULL;

  result = g_new0 (McIdResult, 1);
  result->identity = _mc_id_reading_merge (&r);
  result->crops = _mc_id_reading_upright_crops (&r);
  g_debug ("read %u card side(s) from %u image(s) in %.2f s, %.2f s CPU (find %.2f, qr %.2f, mrz %.2f, "
           "text %.2f, whole image %.2f%s): qr %s, mrz %s, %u labels",
           r.crops->len, images->len, (g_get_monotonic_time () - r.start_wall) / 1e6, (cpu_now () - r.start) / 1e6,
           (r.t_find - r.start) / 1e6, (r.t_qr - r.t_find) / 1e6, (r.t_mrz - r.t_qr) / 1e6,
           (r.t_ocr - r.t_mrz) / 1e6, (r.t_search - r.t_ocr) / 1e6, r.searched ? "" : " (skipped)",
           r.qr != NULL ? "yes" : "no", r.have_mrz ? (mc_mrz_is_valid (&r.mrz) ? "valid" : "partial") : "no",
           r.ocr->n_labels);
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
