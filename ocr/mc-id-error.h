/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Errors of the ID card reader: its parsers, readers and the record. */
#define MC_ID_ERROR (mc_id_error_quark ())

typedef enum {
  MC_ID_ERROR_NO_CARD,        /* no ID card in the images */
  MC_ID_ERROR_UNREADABLE,     /* a card was found, but nothing on it could be read */
  MC_ID_ERROR_BAD_IMAGE,      /* the image cannot be used at all */
  MC_ID_ERROR_QR_NOT_UTF8,    /* QR bytes are not UTF-8 text */
  MC_ID_ERROR_QR_TRUNCATED,   /* fewer fields than an ID card's QR holds */
  MC_ID_ERROR_QR_BAD_FIELD,   /* a field does not have the form it must */
  MC_ID_ERROR_NOT_MRZ,        /* no 3 × 30 machine-readable zone in the text */
  MC_ID_ERROR_BAD_RECORD,     /* a stored identity record is malformed */
} McIdError;

GQuark   mc_id_error_quark     (void);
gboolean mc_id_error_from_vips (GError **error);

G_END_DECLS
