/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vips/vips.h>

G_BEGIN_DECLS

/* Which way a QR code stands in the image it was found in. */
typedef enum {
  MC_QR_ORIENT_UNKNOWN = -1,
  MC_QR_ORIENT_UP,          /* upright */
  MC_QR_ORIENT_RIGHT,       /* turned a quarter clockwise */
  MC_QR_ORIENT_DOWN,        /* upside down */
  MC_QR_ORIENT_LEFT,        /* turned a quarter anticlockwise */
} McQrOrientation;

typedef struct {
  GBytes           *data;         /* the payload's bytes, exactly as encoded */
  double            x, y, size;   /* centre and rough side, in image pixels */
  McQrOrientation   orientation;
} McQrSymbol;

void        mc_qr_symbol_free   (McQrSymbol *symbol);

/* Every QR code zbar finds in @image (McQrSymbol*; empty when none), read
 * in binary mode so the bytes are never reinterpreted in a guessed
 * character set. */
GPtrArray  *mc_qr_reader_scan   (VipsImage  *image,
                                 GError    **error);

G_END_DECLS
