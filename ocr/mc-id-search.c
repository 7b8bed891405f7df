/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-id-search"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mc-id-error.h"
#include "mc-id-level.h"
#include "mc-id-rules.h"
#include "mc-id-search.h"
#include "mc-mrz-find.h"
#include "mc-mrz-reader.h"
#include "mc-qr-reader.h"
#include "mc-vips.h"

/* Reading a card without its outline.
 *
 * The card finder frames a card by its edge; a pale card on a pale lid, a
 * card cut off by the glass's edge, a photo on a busy table or a crop of
 * just the QR leave it nothing to frame. Every card still carries three
 * things that can be found anywhere in an image: its QR code (zbar finds
 * the finder patterns itself, at any angle), its MRZ (three OCR-B lines
 * that begin IDVNM and are full of '<') and its bilingual labels. This
 * file looks for them in the whole image. Nothing here logs what it
 * reads. */

#define READ_DPI 300.0
#define MIN_WORDS 6     /* fewer readable words than this: no text to turn */
#define STRIP_ASPECT 3.2
#define CARD_W_MM 85.6
#define CARD_H_MM 53.98
#define BACK_FIELDS_END 0.66   /* a back's printed fields end where its MRZ begins */

void
mc_id_search_result_clear (McIdSearchResult *result)
{
  g_clear_pointer (&result->fields, mc_id_ocr_fields_free);
  memset (result, 0, sizeof *result);
}

/* How much to scale @image by for a card's text to stand at about 300 dpi:
 * by its header when it states a resolution; otherwise by its size (a
 * small image is a crop or a chat-app copy of one card, a huge one a phone
 * photo). */
static double
reading_scale (VipsImage *image)
{
  double dpi = vips_image_get_xres (image) * 25.4;
  int long_side = MAX (vips_image_get_width (image), vips_image_get_height (image));

  if (dpi >= 100 && dpi <= 1300)
    return CLAMP (READ_DPI / dpi, 0.25, 3.0);
  if (long_side < 1600)
    return MIN (3.0, 2000.0 / long_side);
  if (long_side > 3200)
    return 3200.0 / long_side;
  return 1.0;
}

/* @image as 8-bit grey, scaled by @scale, in memory. */
static VipsImage *
grey_copy (VipsImage  *image,
           double      scale,
           GError    **error)
{
  g_autoptr(VipsImage) u8 = NULL;
  g_autoptr(VipsImage) sized = NULL;
  VipsImage *out;

  if (mc_vips_grey8 (image, &u8) != 0)
    return mc_id_error_from_vips (error), NULL;
  if (fabs (scale - 1.0) > 0.02)
    {
      if (vips_resize (u8, &sized, scale, NULL) != 0)
        return mc_id_error_from_vips (error), NULL;
    }
  else
    sized = g_object_ref (u8);
  if (!(out = vips_image_copy_memory (sized)))
    return mc_id_error_from_vips (error), NULL;
  return out;
}

/* ------------------------------------------------------------------ QR */

GPtrArray *
mc_id_search_qr (VipsImage  *image,
                 GError    **error)
{
  g_autoptr(VipsImage) base = NULL;
  int long_side;
  /* As given first: a glass scan's QR decodes at its own size. A photo's
   * may be too large for zbar's scanning grid or too small to resolve. */
  static const double scales[] = { 1.0, 0.5, 2.0, 0.25 };

  g_return_val_if_fail (VIPS_IS_IMAGE (image), NULL);

  if (!(base = grey_copy (image, 1.0, error)))
    return NULL;
  long_side = MAX (vips_image_get_width (base), vips_image_get_height (base));
  for (guint s = 0; s < G_N_ELEMENTS (scales); s++)
    {
      double scale = scales[s];
      g_autoptr(VipsImage) grey = NULL;
      g_autoptr(GPtrArray) symbols = NULL;

      if ((scale > 1 && long_side > 2000) || (scale < 0.5 && long_side < 3000) || long_side * scale < 200)
        continue;
      if (scale == 1.0)
        grey = g_object_ref (base);
      else if (vips_resize (base, &grey, scale, NULL) != 0)
        return mc_id_error_from_vips (error), NULL;
      if (!(symbols = mc_qr_reader_scan (grey, error)))
        return NULL;
      if (symbols->len > 0)
        return g_steal_pointer (&symbols);

      /* Pale or faded print: stretch the contrast and try again. */
      if (scale == 1.0)
        {
          g_autoptr(VipsImage) stretched = NULL;

          if (vips_hist_norm (grey, &stretched, NULL) != 0)
            return mc_id_error_from_vips (error), NULL;
          g_clear_pointer (&symbols, g_ptr_array_unref);
          if (!(symbols = mc_qr_reader_scan (stretched, error)))
            return NULL;
          if (symbols->len > 0)
            return g_steal_pointer (&symbols);
        }
    }
  return g_ptr_array_new_with_free_func ((GDestroyNotify) mc_qr_symbol_free);
}

/* ----------------------------------------------------------------- MRZ */

static int
n_checks (const McMrz *mrz)
{
  int n = 0;

  for (guint bits = mrz->checks_valid; bits != 0; bits &= bits - 1)
    n++;
  return n;
}

/* The MRZ characters of @text, upper case; guillemets as the '<' they
 * were printed as. */
static char *
mrz_chars (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; p != NULL && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0x00AB)          /* « */
        g_string_append (out, "<<");
      else if (c == 0x2039 || c == '<')
        g_string_append_c (out, '<');
      else if (c < 0x80 && g_ascii_isalnum (c))
        g_string_append_c (out, g_ascii_toupper (c));
    }
  return g_string_free (out, FALSE);
}

static gboolean
looks_like_mrz (const char *chars)
{
  gsize len = strlen (chars);
  int fillers = 0;

  for (const char *p = chars; *p; p++)
    fillers += *p == '<';
  if (len >= 10 && (g_str_has_prefix (chars, "IDVNM") || strstr (chars, "VNM<") != NULL))
    return TRUE;
  return len >= 12 && fillers >= 3;
}

typedef struct {
  int  left, top, right, bottom;
  guint key;                   /* block, paragraph, line */
  char *chars;
} MrzLine;

static void
mrz_line_clear (gpointer data)
{
  g_free (((MrzLine *) data)->chars);
}

/* The OCR lines (Tesseract's own grouping) that look like MRZ lines. */
static GArray *
find_mrz_lines (const McOcrWord *words,
                guint            n)
{
  GArray *lines = g_array_new (FALSE, TRUE, sizeof (MrzLine));
  guint i = 0;

  g_array_set_clear_func (lines, mrz_line_clear);
  while (i < n)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      MrzLine line = { G_MAXINT, G_MAXINT, 0, 0, 0, NULL };
      guint j = i;
      g_autofree char *chars = NULL;

      while (j < n && words[j].block == words[i].block && words[j].paragraph == words[i].paragraph &&
             words[j].line == words[i].line)
        {
          const McOcrWord *w = &words[j];

          if (w->text != NULL && g_utf8_validate (w->text, -1, NULL))
            g_string_append (text, w->text);
          line.left = MIN (line.left, w->left);
          line.top = MIN (line.top, w->top);
          line.right = MAX (line.right, w->left + w->width);
          line.bottom = MAX (line.bottom, w->top + w->height);
          j++;
        }
      chars = mrz_chars (text->str);
      if (looks_like_mrz (chars))
        {
          line.chars = g_steal_pointer (&chars);
          g_array_append_val (lines, line);
        }
      i = j;
    }
  return lines;
}

static void
keep_better (McMrz       *best,
             gboolean    *have,
             const McMrz *attempt)
{
  if (attempt->checks_valid == 0)
    return;
  if (!*have || n_checks (attempt) > n_checks (best))
    {
      *best = *attempt;
      *have = TRUE;
    }
}

/* Reads the MRZ whose lines @lines found in @upright: as a band cut around
 * them (with room for a line OCR missed), then, if that does not hold, the
 * lines as the text pass read them. */
static gboolean
read_mrz_lines (McOcrPool     *pool,
                VipsImage     *upright,
                GArray        *lines,
                McMrz         *mrz,
                gboolean      *have_mrz,
                GCancellable  *cancellable,
                GError       **error)
{
  int w = vips_image_get_width (upright), h = vips_image_get_height (upright);
  int left = G_MAXINT, top = G_MAXINT, right = 0, bottom = 0, line_h = 0;
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < lines->len; i++)
    {
      MrzLine *l = &g_array_index (lines, MrzLine, i);

      left = MIN (left, l->left);
      top = MIN (top, l->top);
      right = MAX (right, l->right);
      bottom = MAX (bottom, l->bottom);
      line_h = MAX (line_h, l->bottom - l->top);
      g_string_append_printf (text, "%s\n", l->chars);
    }

  for (int tight = 0; tight < 2 && !(*have_mrz && mc_mrz_is_valid (mrz)); tight++)
    {
      /* Three lines are about 3.5 line heights: room for those OCR missed. */
      double grow = tight ? 0.7 : 2.6;
      int x0 = MAX (0, left - (right - left) / 8);
      int x1 = MIN (w, right + (right - left) / 8);
      int y0 = MAX (0, top - (int) (grow * line_h));
      int y1 = MIN (h, bottom + (int) (grow * line_h));
      g_autoptr(VipsImage) band = NULL;
      g_autoptr(GError) local = NULL;
      McMrz attempt;

      if (x1 - x0 < 40 || y1 - y0 < 10)
        break;
      if (vips_extract_area (upright, &band, x0, y0, x1 - x0, y1 - y0, NULL) != 0)
        return mc_id_error_from_vips (error);
      if (mc_mrz_read_band (pool, band, &attempt, cancellable, &local))
        keep_better (mrz, have_mrz, &attempt);
      else if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
               g_error_matches (local, MC_OCR_ERROR, MC_OCR_ERROR_NO_LANGUAGE_DATA))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }

  if (!(*have_mrz && mc_mrz_is_valid (mrz)))
    {
      McMrz attempt;

      if (mc_mrz_parse (text->str, -1, &attempt, NULL))
        keep_better (mrz, have_mrz, &attempt);
    }
  return TRUE;
}

/* ---------------------------------------------------------------- text */

static int
count_words (const McOcrResult *result)
{
  int n = 0;

  for (guint i = 0; i < result->words->len; i++)
    {
      const McOcrWord *w = &g_array_index (result->words, McOcrWord, i);

      if (w->confidence >= 0.5 && w->text != NULL && g_utf8_strlen (w->text, -1) >= 2)
        n++;
    }
  return n;
}

/* One search of one image: what mc_id_search_text()'s stages share. */
typedef struct {
  McOcrPool         *pool;
  VipsImage         *image;        /* as given, borrowed */
  VipsImage         *grey;         /* 8-bit grey at about 300 dpi, owned */
  McIdSearchResult  *result;
  GCancellable      *cancellable;
  int                hint;         /* clockwise degrees to stand it up, or -1 */
  int                found_at;     /* the way up that read, or -1 */
  gboolean           strip;        /* as long as an MRZ band and as narrow */
  gboolean           want_mrz;     /* no MRZ read yet whose checks hold */
} Search;

static void
search_clear (Search *s)
{
  g_clear_object (&s->grey);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Search, search_clear)

/* One way up: the labelled fields and any MRZ. Returns the number of
 * readable words (to tell an image with no text), or -1 on error. */
static int
read_turned (Search          *s,
             int              rotation,
             McIdOcrFields  **fields_out,
             GError         **error)
{
  McOcrPool *pool = s->pool;
  McIdSearchResult *out = s->result;
  GCancellable *cancellable = s->cancellable;
  static const VipsAngle angles[] = { VIPS_ANGLE_D0, VIPS_ANGLE_D90, VIPS_ANGLE_D180, VIPS_ANGLE_D270 };
  g_autoptr(VipsImage) upright = NULL;
  g_autoptr(McOcrResult) result = NULL;
  g_autoptr(GArray) lines = NULL;
  g_autoptr(McIdOcrFields) fields = mc_id_ocr_fields_new ();
  McOcrParams params = {
    .languages = "vie",
    .page_seg_mode = 11,
    .dpi = (int) READ_DPI,
    .want_words = TRUE,
  };
  double aspect;

  if (vips_rot (s->grey, &upright, angles[(rotation / 90) % 4], NULL) != 0)
    return mc_id_error_from_vips (error), -1;
  aspect = (double) vips_image_get_width (upright) / vips_image_get_height (upright);

  /* A strip as wide as an MRZ and three lines tall is read as one band
   * first: nothing else in it to find. */
  if (aspect > STRIP_ASPECT)
    {
      g_autoptr(GError) local = NULL;
      McMrz attempt;

      if (mc_mrz_read_band (pool, upright, &attempt, cancellable, &local))
        keep_better (&out->mrz, &out->have_mrz, &attempt);
      else if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
               g_error_matches (local, MC_OCR_ERROR, MC_OCR_ERROR_NO_LANGUAGE_DATA))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return -1;
        }
      if (out->have_mrz && mc_mrz_is_valid (&out->mrz))
        {
          *fields_out = g_steal_pointer (&fields);
          return MIN_WORDS;
        }
    }

  result = mc_ocr_pool_recognize (pool, upright, &params, cancellable, error);
  if (result == NULL)
    return -1;
  mc_id_fields_extract ((const McOcrWord *) result->words->data, result->words->len, fields);
  lines = find_mrz_lines ((const McOcrWord *) result->words->data, result->words->len);
  if (lines->len > 0 &&
      !read_mrz_lines (pool, upright, lines, &out->mrz, &out->have_mrz, cancellable, error))
    return -1;
  *fields_out = g_steal_pointer (&fields);
  return count_words (result);
}

/* Pale print on a pale card (a light scan, a squeezed JPEG): the darkest
 * print made black and the paper white, so Tesseract sees the contrast it
 * was trained on. */
static gboolean
stretch_levels (VipsImage **grey,
                GError    **error)
{
  g_autoptr(VipsImage) stretched = NULL;
  g_autoptr(VipsImage) u8 = NULL;
  int dark = 0, paper = 255;

  if (vips_percent (*grey, 0.5, &dark, NULL) != 0 || vips_percent (*grey, 50.0, &paper, NULL) != 0)
    return mc_id_error_from_vips (error);
  /* Only where the print is faint: stretching a normal scan sharpens its
   * noise and costs Tesseract more than it gives. */
  if (paper - dark < 16 || paper - dark > 140)
    return TRUE;
  if (vips_linear1 (*grey, &stretched, 255.0 / (paper - dark), -255.0 * dark / (paper - dark), NULL) != 0 ||
      vips_cast_uchar (stretched, &u8, NULL) != 0)
    return mc_id_error_from_vips (error);
  g_object_unref (*grey);
  if (!(*grey = vips_image_copy_memory (u8)))
    return mc_id_error_from_vips (error);
  return TRUE;
}

/* Whether @grey has any print: pixels well darker than its paper (by a
 * fixed step, not a ratio: pale print on a pale card is still print). */
static gboolean
has_ink (VipsImage *grey)
{
  g_autoptr(VipsImage) dark = NULL;
  int median = 0;
  double mean = 0;

  if (vips_percent (grey, 50.0, &median, NULL) != 0 ||
      vips_relational_const1 (grey, &dark, VIPS_OPERATION_RELATIONAL_LESS, MAX (median - 48, 1), NULL) != 0 ||
      vips_avg (dark, &mean, NULL) != 0)
    {
      vips_error_clear ();
      return TRUE;
    }
  return mean / 255.0 > 0.0005;
}

/* The card's back framed by its zone @band: its printed fields above the
 * zone (place of birth, dates) read as on a framed card. @alone is set
 * when @image has no room for another card beside it. */
static gboolean
read_back (McOcrPool        *pool,
           VipsImage        *image,
           const McMrzBand  *band,
           McIdOcrFields    *into,
           gboolean         *alone,
           GCancellable     *cancellable,
           GError          **error)
{
  g_autoptr(VipsImage) card = NULL;
  g_autoptr(McIdOcrFields) fields = NULL;
  double card_area = (CARD_W_MM / 2.54 * band->pitch) * (CARD_H_MM / 2.54 * band->pitch);

  *alone = (double) vips_image_get_width (image) * vips_image_get_height (image) < 1.8 * card_area;
  if (!(card = mc_mrz_band_card (image, band, NULL)))
    {
      vips_error_clear ();
      *alone = FALSE;
      return TRUE;
    }
  if (!(fields = mc_id_fields_read (pool, card, 0.0, BACK_FIELDS_END, cancellable, error)))
    return FALSE;
  g_debug ("back framed by its zone: %u labels%s", fields->n_labels, *alone ? ", alone in the image" : "");
  mc_id_ocr_fields_absorb (into, fields);
  return TRUE;
}

gboolean
mc_id_search_read_back (McOcrPool        *pool,
                        VipsImage        *image,
                        const McMrzBand  *band,
                        McIdOcrFields    *into,
                        GCancellable     *cancellable,
                        GError          **error)
{
  gboolean alone;

  g_return_val_if_fail (MC_IS_OCR_POOL (pool), FALSE);
  g_return_val_if_fail (VIPS_IS_IMAGE (image), FALSE);
  g_return_val_if_fail (band != NULL && into != NULL, FALSE);

  return read_back (pool, image, band, into, &alone, cancellable, error);
}

/* The image as Tesseract reads it best: grey, at about 300 dpi, faint
 * print stretched. */
static gboolean
prepare_grey (Search  *s,
              GError **error)
{
  if (!(s->grey = grey_copy (s->image, reading_scale (s->image), error)))
    return FALSE;
  return stretch_levels (&s->grey, error);
}

/* The MRZ by its shape first: Tesseract's pass over the whole image reads
 * OCR-B among other print too poorly to find it reliably, and a zone
 * whose checks hold tells which way the card's text stands. *@done is set
 * when the zone's card is alone in the image: nothing more to read. */
static gboolean
search_mrz_shape (Search    *s,
                  gboolean  *done,
                  GError   **error)
{
  McIdSearchResult *result = s->result;
  g_autoptr(GError) local = NULL;
  McMrzBand band;
  gboolean alone = FALSE;

  if (!mc_mrz_find_read (s->pool, s->image, &result->mrz, &band, s->cancellable, &local))
    {
      if (g_error_matches (local, MC_ID_ERROR, MC_ID_ERROR_NOT_MRZ))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  result->have_mrz = TRUE;
  if (mc_mrz_is_valid (&result->mrz) &&
      !read_back (s->pool, s->image, &band, result->fields, &alone, s->cancellable, error))
    return FALSE;
  /* No room for another card beside this one: nothing more to read. */
  if (alone)
    {
      result->rotation = mc_mrz_band_rotation (&band);
      *done = TRUE;
      return TRUE;
    }
  /* Unless a QR on the same image says otherwise (two cards turned
   * differently), the text stands as the zone does. */
  if (mc_mrz_is_valid (&result->mrz) &&
      (s->hint < 0 || s->hint % 360 == mc_mrz_band_rotation (&band)))
    {
      s->found_at = result->rotation = mc_mrz_band_rotation (&band);
      s->hint = s->found_at;
    }
  return TRUE;
}

/* The ways up to read in, most likely first: the hint, else Tesseract's
 * OSD; then its opposite, then the two across. */
static gboolean
plan_ways_up (Search  *s,
              int      order[4],
              GError **error)
{
  int w = vips_image_get_width (s->grey), h = vips_image_get_height (s->grey);
  int first = 0;

  if (s->hint >= 0)
    first = s->hint % 360;
  else
    {
      int degrees = 0;
      float confidence = 0;

      /* OSD reports how far the text is turned clockwise. Too little text
       * to tell is no error here: the labels decide. */
      if (mc_ocr_pool_detect_orientation (s->pool, s->grey, (int) READ_DPI, &degrees, &confidence,
                                          s->cancellable, NULL))
        first = (360 - degrees) % 360;
      if (g_cancellable_set_error_if_cancelled (s->cancellable, error))
        return FALSE;
    }
  /* A strip is an MRZ band only lying down: its two ways of lying first. */
  s->strip = MAX (w, h) > STRIP_ASPECT * MIN (w, h);
  if (s->strip && (first % 180 == 0) != (w > h))
    first = (first + 90) % 360;
  order[0] = first;
  order[1] = (first + 180) % 360;
  order[2] = (first + 90) % 360;
  order[3] = (first + 270) % 360;
  return TRUE;
}

/* The reading of one way up (@fields, and an MRZ the result did not have
 * before unless @had_mrz) joins the result where it shows a card; the
 * first such way up is the one the text stands. */
static void
keep_if_card (Search         *s,
              int             way,
              McIdOcrFields  *fields,
              gboolean        had_mrz)
{
  McIdSearchResult *result = s->result;

  /* Labels count only beside something a card alone prints: a form
   * asks for a name and a date of birth too. */
  if (!((fields->n_labels >= 2 && fields->n_card_marks >= 1) || (result->have_mrz && !had_mrz)))
    return;
  mc_id_ocr_fields_absorb (result->fields, fields);
  if (s->found_at < 0)
    {
      s->found_at = way;
      result->rotation = way;
    }
}

/* Where no way up showed a card though one of them (@way) held text: the
 * image read again that way with its lines levelled. Tesseract reads a
 * line turned a few degrees in pieces and loses its small print (a card
 * lying askew on the glass, whose outline the finder did not close); a
 * level image reads as before, so only a turned one is read again. */
static gboolean
read_levelled (Search   *s,
               int       way,
               GError  **error)
{
  g_autoptr(McIdOcrFields) fields = NULL;
  VipsImage *level = g_object_ref (s->grey);
  double angle = mc_id_level_lines (&level);
  gboolean had_mrz = s->result->have_mrz;
  int n_words;

  if (angle == 0)
    {
      g_object_unref (level);
      return TRUE;
    }
  g_object_unref (s->grey);
  s->grey = level;
  n_words = read_turned (s, way, &fields, error);
  if (n_words < 0)
    return FALSE;
  g_debug ("whole image levelled by %.1f°, turned %d°: %d words, %u labels, mrz %s", angle, way, n_words,
           fields->n_labels, s->result->have_mrz ? "yes" : "no");
  keep_if_card (s, way, fields, had_mrz);
  return TRUE;
}

/* Reads each way up in @order until the labels or an MRZ show how the
 * text stands and what more there is to read. */
static gboolean
read_ways_up (Search     *s,
              const int   order[4],
              GError    **error)
{
  McIdSearchResult *result = s->result;
  int words_seen = 0, most_words = 0, wordiest = -1;

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(McIdOcrFields) fields = NULL;
      gboolean had_mrz = result->have_mrz;
      int n_words;

      /* Once one way up has read, only its opposite may still hold the
       * other side of the card (two cards laid head to tail). */
      if (s->found_at >= 0 && order[i] != s->found_at && order[i] != (s->found_at + 180) % 360)
        break;
      n_words = read_turned (s, order[i], &fields, error);
      if (n_words < 0)
        return FALSE;
      g_debug ("whole image %d × %d turned %d°: %d words, %u labels, mrz %s",
               vips_image_get_width (s->grey), vips_image_get_height (s->grey), order[i], n_words,
               fields->n_labels, result->have_mrz ? "yes" : "no");
      keep_if_card (s, order[i], fields, had_mrz);
      words_seen += n_words;
      if (n_words > most_words)
        {
          most_words = n_words;
          wordiest = order[i];
        }
      if (s->found_at >= 0 && result->have_mrz && (s->strip || result->fields->n_labels >= 3))
        break;
      /* The opposite way up is read for the other side of a card laid
       * head to tail, for its zone. With a zone already proven (the
       * caller read it elsewhere), a side whose labels read is all the
       * text there is: each reading of a whole image costs about half a
       * second. */
      if (s->found_at >= 0 && !s->want_mrz && result->fields->n_labels >= 3)
        break;
      /* No text either way up: turning it further will not help. (OSD,
       * even when sure, is wrong on cards lying sideways on the glass.) */
      if (s->found_at < 0 && i == 1 && words_seen < MIN_WORDS)
        break;
    }
  if (s->found_at < 0 && most_words >= MIN_WORDS && !s->strip)
    return read_levelled (s, wordiest, error);
  return TRUE;
}

gboolean
mc_id_search_text (McOcrPool         *pool,
                   VipsImage         *image,
                   int                rotation_hint,
                   gboolean           want_mrz,
                   McIdSearchResult  *result,
                   GCancellable      *cancellable,
                   GError           **error)
{
  g_auto(Search) s = { 0 };
  int order[4];
  gboolean done = FALSE;

  g_return_val_if_fail (MC_IS_OCR_POOL (pool), FALSE);
  g_return_val_if_fail (VIPS_IS_IMAGE (image), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  result->fields = mc_id_ocr_fields_new ();
  s.pool = pool;
  s.image = image;
  s.result = result;
  s.cancellable = cancellable;
  s.hint = rotation_hint;
  s.found_at = -1;
  s.want_mrz = want_mrz;

  if (!prepare_grey (&s, error))
    return FALSE;
  /* A blank page or lid: nothing to read whichever way up. */
  if (!has_ink (s.grey))
    {
      g_debug ("whole image %d × %d: no print", vips_image_get_width (s.grey), vips_image_get_height (s.grey));
      return TRUE;
    }
  if (want_mrz && !search_mrz_shape (&s, &done, error))
    return FALSE;
  if (done)
    return TRUE;
  if (!plan_ways_up (&s, order, error))
    return FALSE;
  return read_ways_up (&s, order, error);
}

/* ---------------------------------------------------------- plain text */

gboolean
mc_id_search_number_plausible (const char *number)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int province, century, year_in_century;

  if (!mc_id_number_decode (number, &century, NULL, &year_in_century))
    return FALSE;
  province = (number[0] - '0') * 100 + (number[1] - '0') * 10 + (number[2] - '0');
  return province >= 1 && province <= 96 && century <= 2000 &&
         century + year_in_century <= g_date_time_get_year (now);
}

/* The first run of exactly 12 digits in @text of a plausible shape; OCR
 * splits a long number at a space now and then. */
static char *
plausible_run (const char *text)
{
  g_autoptr(GString) run = g_string_new (NULL);

  for (const char *p = text;; p++)
    {
      if (*p != '\0' && g_ascii_isdigit (*p))
        g_string_append_c (run, *p);
      else if (*p == ' ' && run->len > 0 && g_ascii_isdigit (p[1]))
        continue;
      else
        {
          if (run->len == 12 && mc_id_search_number_plausible (run->str))
            return g_strdup (run->str);
          g_string_truncate (run, 0);
          if (*p == '\0')
            return NULL;
        }
    }
}

/* Whether @word is the number's label: "Số" (its tone often lost) or
 * "No.". */
static gboolean
is_number_label (const char *word)
{
  g_autofree char *folded = mc_id_fold (word);

  return folded != NULL && (g_str_equal (folded, "SO") || g_str_equal (folded, "NO"));
}

/* The number among @words, in Tesseract's lines: the first plausible run
 * on a line with the label or on the line after it; else the only
 * plausible run there is. */
static char *
number_in_words_any (const McOcrWord *words,
                     guint            n)
{
  g_autofree char *only = NULL;
  gboolean several = FALSE, label_before = FALSE;
  guint i = 0;

  while (i < n)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree char *run = NULL;
      gboolean label = FALSE;
      guint j = i;

      while (j < n && words[j].block == words[i].block && words[j].paragraph == words[i].paragraph &&
             words[j].line == words[i].line)
        {
          const McOcrWord *w = &words[j++];

          if (w->text == NULL || !g_utf8_validate (w->text, -1, NULL))
            continue;
          label = label || is_number_label (w->text);
          g_string_append_printf (text, "%s ", w->text);
        }
      i = j;
      if ((run = plausible_run (text->str)) != NULL)
        {
          if (label || label_before)
            return g_steal_pointer (&run);
          if (only == NULL)
            only = g_steal_pointer (&run);
          else if (!g_str_equal (only, run))
            several = TRUE;
        }
      label_before = label;
    }
  return several ? NULL : g_steal_pointer (&only);
}

/* More words than both sides of a card print together (about 60 each):
 * a page. Fewer, labels without a card mark are a card whose English
 * halves did not read (a blurred photo). */
#define PAGE_WORDS 150

/* A number in @words, unless they read as a page of some other paper: a
 * form asks for a name, a date of birth and an ID number too, in
 * Vietnamese only, where a card prints its labels in two languages and
 * marks only a card prints. A page of labels without a card mark is such
 * a form, whose number is someone's, maybe not the citizen's; it is that
 * paper whichever way up it is read next: @other_paper is set. */
static char *
number_in_words (const McOcrWord *words,
                 guint            n,
                 gboolean        *other_paper)
{
  g_autoptr(McIdOcrFields) fields = mc_id_ocr_fields_new ();

  mc_id_fields_extract (words, n, fields);
  if (n >= PAGE_WORDS && fields->n_labels >= 2 && fields->n_card_marks == 0)
    {
      g_debug ("plain reading: %u words, %u labels and no card mark, a page of another paper", n, fields->n_labels);
      *other_paper = TRUE;
      return NULL;
    }
  return number_in_words_any (words, n);
}

gboolean
mc_id_search_plain_number (McOcrPool     *pool,
                           VipsImage     *image,
                           gboolean       card,
                           double         card_dpi,
                           int            rotation_hint,
                           char         **number,
                           GCancellable  *cancellable,
                           GError       **error)
{
  static const VipsAngle angles[] = { VIPS_ANGLE_D0, VIPS_ANGLE_D90, VIPS_ANGLE_D180, VIPS_ANGLE_D270 };
  g_autoptr(VipsImage) grey = NULL;
  McOcrParams params = {
    .languages = "vie",
    .page_seg_mode = 3,     /* automatic: Tesseract's own blocks and lines */
    .dpi = (int) READ_DPI,
    .want_words = TRUE,
  };
  int first = rotation_hint >= 0 ? rotation_hint % 360 : 0;
  int order[4] = { first, (first + 180) % 360, (first + 90) % 360, (first + 270) % 360 };
  gboolean other_paper = FALSE;

  g_return_val_if_fail (MC_IS_OCR_POOL (pool), FALSE);
  g_return_val_if_fail (VIPS_IS_IMAGE (image), FALSE);
  g_return_val_if_fail (number != NULL, FALSE);

  *number = NULL;
  /* First exactly as the naive reading reads a photo: as it is, upright,
   * its resolution Tesseract's own estimate. */
  if (!card)
    {
      g_autoptr(VipsImage) native = NULL;
      g_autoptr(McOcrResult) result = NULL;
      McOcrParams naive = params;

      naive.dpi = 0;
      if (!(native = grey_copy (image, 1.0, error)) ||
          !(result = mc_ocr_pool_recognize (pool, native, &naive, cancellable, error)))
        return FALSE;
      *number = number_in_words ((const McOcrWord *) result->words->data, result->words->len, &other_paper);
      g_debug ("plain reading of the image as it is: %s", *number != NULL ? "a number" : "no number");
      if (*number != NULL || other_paper)
        return TRUE;
    }
  if (!(grey = grey_copy (image, card ? 1.0 : card_dpi > 0 ? CLAMP (READ_DPI / card_dpi, 0.25, 3.0) : reading_scale (image),
                          error)))
    return FALSE;
  /* A framed card lies along its long side, and a card framed in an
   * image tells how it lies there (@rotation_hint): only two ways up. */
  for (guint i = 0; i < (card || rotation_hint >= 0 ? 2u : 4u) && *number == NULL && !other_paper; i++)
    {
      g_autoptr(VipsImage) turned = NULL;
      g_autoptr(McOcrResult) result = NULL;

      if (vips_rot (grey, &turned, angles[(order[i] / 90) % 4], NULL) != 0)
        return mc_id_error_from_vips (error);
      if (!(result = mc_ocr_pool_recognize (pool, turned, &params, cancellable, error)))
        return FALSE;
      *number = number_in_words ((const McOcrWord *) result->words->data, result->words->len, &other_paper);
      g_debug ("plain reading of %s %d × %d turned %d°: %s", card ? "a card" : "the image",
               vips_image_get_width (turned), vips_image_get_height (turned), order[i],
               *number != NULL ? "a number" : "no number");
    }
  return TRUE;
}
