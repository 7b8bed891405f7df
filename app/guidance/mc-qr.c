/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-qr"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>
#include <qrencode.h>

#include "mc-error.h"
#include "mc-qr.h"

GBytes *
mc_qr_encode (const char  *text,
              guint       *size,
              GError     **error)
{
  QRcode *code;
  guint8 *modules;
  guint n;

  g_return_val_if_fail (text != NULL && size != NULL, NULL);

  /* 8-bit mode keeps the bytes as they are (UTF-8); phones read it. */
  code = QRcode_encodeData ((int) strlen (text), (const unsigned char *) text, 0, QR_ECLEVEL_M);
  if (code == NULL)
    {
      int saved = errno;

      if (saved == ERANGE)
        g_set_error_literal (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                             _("The address is too long for a QR code"));
      else
        g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                     _("The QR code could not be made: %s"), g_strerror (saved));
      return NULL;
    }

  n = (guint) code->width;
  modules = g_malloc (n * n);
  /* Bit 0 of each of libqrencode's bytes is the module's colour. */
  for (guint i = 0; i < n * n; i++)
    modules[i] = code->data[i] & 1;
  QRcode_free (code);
  *size = n;
  return g_bytes_new_take (modules, n * n);
}
