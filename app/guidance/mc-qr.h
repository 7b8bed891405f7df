/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A QR code for @text (libqrencode, error correction level M, 8-bit
 * data so Vietnamese text survives): @size × @size modules, one byte each,
 * row by row, 1 for dark. No quiet zone: whoever draws it adds four
 * modules of margin. */
GBytes *mc_qr_encode (const char  *text,
                      guint       *size,
                      GError     **error);

G_END_DECLS
