/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A QR code drawn module by module, crisp at any size, black on white
 * with the four-module quiet zone phones need. */

#define MC_TYPE_QR_CODE (mc_qr_code_get_type ())
G_DECLARE_FINAL_TYPE (McQrCode, mc_qr_code, MC, QR_CODE, GtkWidget)

GtkWidget  *mc_qr_code_new       (void);
const char *mc_qr_code_get_text  (McQrCode   *self);
/* FALSE (and nothing drawn) when @text cannot be encoded. */
gboolean    mc_qr_code_set_text  (McQrCode   *self,
                                  const char *text);

G_END_DECLS
