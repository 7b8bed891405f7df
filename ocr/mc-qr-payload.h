/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The text in the QR code of a chip CCCD (2021) or a căn cước (2024):
 * fields separated by '|', at least seven of them:
 *   number | old number | full name | ddmmyyyy birth | Nam/Nữ | residence | ddmmyyyy issue
 * The 2024 card may add more after these; they are kept, not interpreted. */
typedef struct {
  char    *id_number;            /* 12 digits */
  char    *old_id_number;        /* 9 or 12 digits; NULL when the field is empty */
  char    *full_name;            /* as encoded (usually title case), NFC */
  char    *date_of_birth;        /* YYYY-MM-DD */
  char    *sex;                  /* "Nam" or "Nữ" */
  char    *place_of_residence;   /* NULL when empty */
  char    *date_of_issue;        /* YYYY-MM-DD */
  guint    n_fields;
  GStrv    extra;                /* the fields after the seventh, possibly empty */
} McQrPayload;

McQrPayload *mc_qr_payload_parse (const guint8  *data,
                                  gsize          len,
                                  GError       **error);
void         mc_qr_payload_free  (McQrPayload   *payload);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (McQrPayload, mc_qr_payload_free)

G_END_DECLS
