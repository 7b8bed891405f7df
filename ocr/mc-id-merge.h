/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "mc-id-fields.h"
#include "mc-identity.h"
#include "mc-mrz.h"
#include "mc-qr-payload.h"

G_BEGIN_DECLS

/* What each source gave for one card. */
typedef struct {
  const McQrPayload   *qr;             /* NULL: no QR payload decoded */
  gboolean             qr_expected;    /* the side that carries the QR was scanned */
  const McMrz         *mrz;            /* NULL: no MRZ parsed */
  gboolean             mrz_expected;   /* the back was scanned */
  const McIdOcrFields *ocr;            /* NULL: no printed text read */
  gboolean             print_given;    /* a side's print was left unread: the QR and MRZ gave it all */
  McCardType           card_type;      /* from the layout (where the QR was), or UNKNOWN */
  gboolean             front_read;     /* the front was scanned and read */
  gboolean             back_read;      /* the back was scanned and read */
  const GDate         *today;          /* for the expiry warning; NULL: none */
} McIdReadings;

McIdentity *mc_id_merge (const McIdReadings *readings);

G_END_DECLS
