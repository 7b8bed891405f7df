/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-qr-reader"

#include "config.h"

#include <glib/gi18n.h>
#include <zbar.h>

#include "mc-id-error.h"
#include "mc-qr-reader.h"
#include "mc-vips.h"

/* zbar, QR codes only, in binary mode. Without ZBAR_CFG_BINARY zbar guesses
 * the text encoding of each QR payload (Shift-JIS, Latin-1 and Big5 before
 * UTF-8) and hands back Vietnamese names as valid-looking garbage, "Hòa" as
 * "H簷a": garbage that UTF-8 validation cannot catch. In binary mode it
 * returns the bytes as encoded, and mc_qr_payload_parse() validates them. */

void
mc_qr_symbol_free (McQrSymbol *symbol)
{
  if (symbol == NULL)
    return;
  g_bytes_unref (symbol->data);
  g_free (symbol);
}

static guchar *
grey_pixels (VipsImage  *image,
             int        *w,
             int        *h,
             GError    **error)
{
  g_autoptr(VipsImage) grey = NULL;
  g_autoptr(VipsImage) u8 = NULL;
  guchar *data;
  size_t size;

  if (vips_colourspace (image, &grey, VIPS_INTERPRETATION_B_W, NULL) != 0 ||
      vips_cast_uchar (grey, &u8, NULL) != 0 ||
      (data = vips_image_write_to_memory (u8, &size)) == NULL)
    {
      mc_id_error_from_vips (error);
      return NULL;
    }
  *w = vips_image_get_width (u8);
  *h = vips_image_get_height (u8);
  if (vips_image_get_bands (u8) != 1 || size != (size_t) *w * *h)
    {
      g_free (data);
      g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_BAD_IMAGE,
                           _("The image could not be prepared for reading."));
      return NULL;
    }
  return data;
}

GPtrArray *
mc_qr_reader_scan (VipsImage  *image,
                   GError    **error)
{
  g_autoptr(GPtrArray) symbols = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_qr_symbol_free);
  g_autofree guchar *pixels = NULL;
  zbar_image_scanner_t *scanner;
  zbar_image_t *zimage;
  int w, h;

  g_return_val_if_fail (VIPS_IS_IMAGE (image), NULL);

  if (!(pixels = grey_pixels (image, &w, &h, error)))
    return NULL;

  scanner = zbar_image_scanner_create ();
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);

  zimage = zbar_image_create ();
  zbar_image_set_format (zimage, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (zimage, w, h);
  zbar_image_set_data (zimage, pixels, (unsigned long) w * h, NULL);

  if (zbar_scan_image (scanner, zimage) > 0)
    for (const zbar_symbol_t *s = zbar_image_first_symbol (zimage); s != NULL;
         s = zbar_symbol_next (s))
      {
        McQrSymbol *symbol;
        unsigned n = zbar_symbol_get_loc_size (s);
        double minx = G_MAXDOUBLE, maxx = -G_MAXDOUBLE, miny = G_MAXDOUBLE, maxy = -G_MAXDOUBLE;

        if (zbar_symbol_get_type (s) != ZBAR_QRCODE)
          continue;
        symbol = g_new0 (McQrSymbol, 1);
        symbol->data = g_bytes_new (zbar_symbol_get_data (s), zbar_symbol_get_data_length (s));
        for (unsigned i = 0; i < n; i++)
          {
            minx = MIN (minx, zbar_symbol_get_loc_x (s, i));
            maxx = MAX (maxx, zbar_symbol_get_loc_x (s, i));
            miny = MIN (miny, zbar_symbol_get_loc_y (s, i));
            maxy = MAX (maxy, zbar_symbol_get_loc_y (s, i));
          }
        if (n > 0)
          {
            symbol->x = (minx + maxx) / 2;
            symbol->y = (miny + maxy) / 2;
            symbol->size = MAX (maxx - minx, maxy - miny);
          }
        switch (zbar_symbol_get_orientation (s))
          {
          case ZBAR_ORIENT_UP: symbol->orientation = MC_QR_ORIENT_UP; break;
          case ZBAR_ORIENT_RIGHT: symbol->orientation = MC_QR_ORIENT_RIGHT; break;
          case ZBAR_ORIENT_DOWN: symbol->orientation = MC_QR_ORIENT_DOWN; break;
          case ZBAR_ORIENT_LEFT: symbol->orientation = MC_QR_ORIENT_LEFT; break;
          case ZBAR_ORIENT_UNKNOWN:
          default: symbol->orientation = MC_QR_ORIENT_UNKNOWN; break;
          }
        g_ptr_array_add (symbols, symbol);
      }

  /* zbar must not free pixels it does not own. */
  zbar_image_set_data (zimage, NULL, 0, NULL);
  zbar_image_destroy (zimage);
  zbar_image_scanner_destroy (scanner);
  return g_steal_pointer (&symbols);
}
