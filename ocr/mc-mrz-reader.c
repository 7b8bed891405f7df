/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-mrz-reader"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-id-error.h"
#include "mc-mrz-reader.h"
#include "mc-vips.h"

/* The MRZ of a TD1 card fills the bottom third of the back: its three
 * lines run from about 73 % to 98 % of the card's height. Tesseract reads
 * the band with only the MRZ alphabet allowed; the English model knows
 * OCR-B's shapes, though not perfectly (it sometimes takes a 7 at the start
 * of a line for a T, or a '<' for a K).
 *
 * So the band is read up to three ways (as scanned, enlarged, framed in
 * white), stopping as soon as every check holds; each line is then taken
 * from whichever reading made its own check digits hold (line 1: the
 * document number and the 12-digit number; line 2: birth and expiry), and
 * the composite check over both decides whether the combination stands.
 * A clean card costs one pass. */

#define MRZ_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
#define MRZ_TOP 0.66
#define LINE1_CHECKS (MC_MRZ_CHECK_DOCUMENT_NUMBER | MC_MRZ_CHECK_ID_NUMBER)
#define LINE2_CHECKS (MC_MRZ_CHECK_BIRTH | MC_MRZ_CHECK_EXPIRY)

static int
n_bits (guint bits)
{
  int n = 0;

  for (; bits != 0; bits &= bits - 1)
    n++;
  return n;
}

/* One reading of @band: 0 as scanned, 1 enlarged by half, 2 trimmed of the
 * card's edges and framed in white. */
static gboolean
read_variant (McOcrPool     *pool,
              VipsImage     *band,
              int            variant,
              McMrz         *mrz,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(VipsImage) grey = NULL;
  g_autoptr(VipsImage) shaped = NULL;
  g_autoptr(McOcrResult) result = NULL;
  McOcrParams params = {
    .languages = "eng",
    .page_seg_mode = 6,     /* one uniform block of text */
    .char_whitelist = MRZ_ALPHABET,
    .dpi = 300,
  };
  int w = vips_image_get_width (band), h = vips_image_get_height (band);

  if (vips_colourspace (band, &grey, VIPS_INTERPRETATION_B_W, NULL) != 0)
    return mc_id_error_from_vips (error);
  switch (variant)
    {
    case 1:
      params.dpi = 450;
      if (vips_resize (grey, &shaped, 1.5, NULL) != 0)
        return mc_id_error_from_vips (error);
      break;
    case 2:
      {
        g_autoptr(VipsImage) inner = NULL;

        if (vips_extract_area (grey, &inner, w / 40, h / 10, w - w / 20, h - h / 10 - 2, NULL) != 0 ||
            vips_embed (inner, &shaped, 24, 24, vips_image_get_width (inner) + 48,
                        vips_image_get_height (inner) + 48, "extend", VIPS_EXTEND_WHITE, NULL) != 0)
          return mc_id_error_from_vips (error);
      }
      break;
    case 0:
    default:
      shaped = g_object_ref (grey);
      break;
    }
  result = mc_ocr_pool_recognize (pool, shaped, &params, cancellable, error);
  if (result == NULL)
    return FALSE;
  return mc_mrz_parse (result->text, -1, mrz, error);
}

/* The lines of @attempts, each from the reading whose own checks hold best,
 * parsed again as one zone. */
static gboolean
combine (const McMrz *attempts,
         guint        n,
         McMrz       *out)
{
  guint l1 = 0, l2 = 0, l3 = 0;
  g_autofree char *text = NULL;

  for (guint i = 1; i < n; i++)
    {
      if (n_bits (attempts[i].checks_valid & LINE1_CHECKS) > n_bits (attempts[l1].checks_valid & LINE1_CHECKS))
        l1 = i;
      if (n_bits (attempts[i].checks_valid & LINE2_CHECKS) > n_bits (attempts[l2].checks_valid & LINE2_CHECKS))
        l2 = i;
      if (attempts[l3].name_suspect && !attempts[i].name_suspect)
        l3 = i;
    }
  text = g_strjoin ("\n", attempts[l1].read[0], attempts[l2].read[1], attempts[l3].read[2], NULL);
  return mc_mrz_parse (text, -1, out, NULL);
}

gboolean
mc_mrz_read_band (McOcrPool     *pool,
                  VipsImage     *band,
                  McMrz         *mrz,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GError) first_error = NULL;
  McMrz attempts[3];
  McMrz best;
  guint n = 0;
  gboolean have_best = FALSE;

  g_return_val_if_fail (MC_IS_OCR_POOL (pool), FALSE);
  g_return_val_if_fail (VIPS_IS_IMAGE (band), FALSE);
  g_return_val_if_fail (mrz != NULL, FALSE);

  for (int variant = 0; variant < 3; variant++)
    {
      g_autoptr(GError) local = NULL;
      McMrz combined;

      if (!read_variant (pool, band, variant, &attempts[n], cancellable, &local))
        {
          if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
              g_error_matches (local, MC_OCR_ERROR, MC_OCR_ERROR_NO_LANGUAGE_DATA))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          if (first_error == NULL)
            first_error = g_steal_pointer (&local);
          continue;
        }
      n++;

      if (!have_best || n_bits (attempts[n - 1].checks_valid) > n_bits (best.checks_valid))
        best = attempts[n - 1];
      have_best = TRUE;
      if (n > 1 && combine (attempts, n, &combined) &&
          n_bits (combined.checks_valid) > n_bits (best.checks_valid))
        best = combined;
      if (mc_mrz_is_valid (&best))
        break;
    }

  if (!have_best)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }
  *mrz = best;
  return TRUE;
}

gboolean
mc_mrz_read_card (McOcrPool     *pool,
                  VipsImage     *card,
                  McMrz         *mrz,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(VipsImage) band = NULL;
  int w, h, top;

  g_return_val_if_fail (MC_IS_OCR_POOL (pool), FALSE);
  g_return_val_if_fail (VIPS_IS_IMAGE (card), FALSE);
  g_return_val_if_fail (mrz != NULL, FALSE);

  w = vips_image_get_width (card);
  h = vips_image_get_height (card);
  top = (int) (h * MRZ_TOP);
  if (vips_extract_area (card, &band, 0, top, w, h - top, NULL) != 0)
    return mc_id_error_from_vips (error);
  return mc_mrz_read_band (pool, band, mrz, cancellable, error);
}
