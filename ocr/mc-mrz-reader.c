/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-mrz-reader"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-id-error.h"
#include "mc-mrz-reader.h"
#include "mc-vips.h"

/* The MRZ of a TD1 card fills the bottom quarter of the back: its three
 * lines run from about 73 % to 98 % of the card's height. Tesseract reads
 * the band with only the MRZ alphabet allowed; the English model knows
 * OCR-B's shapes well enough, and the check digits catch what it misses.
 * A second, enlarged reading is tried only when the first leaves checks
 * failing, so a clean card costs one pass. */

#define MRZ_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"

static int
n_valid (const McMrz *mrz)
{
  int n = 0;

  for (guint bits = mrz->checks_valid; bits != 0; bits &= bits - 1)
    n++;
  return n;
}

static gboolean
read_band (McOcrPool     *pool,
           VipsImage     *band,
           double         scale,
           McMrz         *mrz,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(VipsImage) grey = NULL;
  g_autoptr(VipsImage) scaled = NULL;
  g_autoptr(McOcrResult) result = NULL;
  McOcrParams params = {
    .languages = "eng",
    .page_seg_mode = 6,     /* one uniform block of text */
    .char_whitelist = MRZ_ALPHABET,
    .dpi = (int) (300 * scale),
  };

  if (vips_colourspace (band, &grey, VIPS_INTERPRETATION_B_W, NULL) != 0 ||
      vips_resize (grey, &scaled, scale, NULL) != 0)
    {
      g_set_error (error, MC_ID_ERROR, MC_ID_ERROR_BAD_IMAGE,
                   _("The card image could not be prepared for reading: %s"), vips_error_buffer ());
      vips_error_clear ();
      return FALSE;
    }
  result = mc_ocr_pool_recognize (pool, scaled, &params, cancellable, error);
  if (result == NULL)
    return FALSE;
  return mc_mrz_parse (result->text, -1, mrz, error);
}

gboolean
mc_mrz_read_card (McOcrPool     *pool,
                  VipsImage     *card,
                  McMrz         *mrz,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(VipsImage) band = NULL;
  g_autoptr(GError) first_error = NULL;
  McMrz second;
  int w = vips_image_get_width (card), h = vips_image_get_height (card);
  int top = h * 66 / 100;
  gboolean ok;

  g_return_val_if_fail (MC_IS_OCR_POOL (pool), FALSE);
  g_return_val_if_fail (VIPS_IS_IMAGE (card), FALSE);
  g_return_val_if_fail (mrz != NULL, FALSE);

  if (vips_extract_area (card, &band, 0, top, w, h - top, NULL) != 0)
    {
      g_set_error (error, MC_ID_ERROR, MC_ID_ERROR_BAD_IMAGE,
                   _("The card image could not be prepared for reading: %s"), vips_error_buffer ());
      vips_error_clear ();
      return FALSE;
    }

  ok = read_band (pool, band, 1.0, mrz, cancellable, &first_error);
  if (ok && mc_mrz_is_valid (mrz))
    return TRUE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* Larger glyphs help with smudges and blur. */
  if (read_band (pool, band, 1.5, &second, cancellable, NULL) &&
      (!ok || n_valid (&second) > n_valid (mrz)))
    {
      *mrz = second;
      return TRUE;
    }
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }
  return TRUE;
}
