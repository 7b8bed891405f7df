/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vips/vips.h>

#include "mc-card-finder.h"
#include "mc-identity.h"
#include "mc-ocr-pool.h"

G_BEGIN_DECLS

/* Reads a citizen's card from one or more images of it (a glass scan with
 * both sides, or one file per side): finds the cards, reads QR, MRZ and
 * printed text, and merges them into one McIdentity. */

typedef struct {
  McIdentity *identity;
  GPtrArray  *crops;        /* McCardCrop*, upright: front(s) first, then back(s) */
} McIdResult;

void        mc_id_result_free        (McIdResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McIdResult, mc_id_result_free)

#define MC_TYPE_ID_READER (mc_id_reader_get_type ())
G_DECLARE_FINAL_TYPE (McIdReader, mc_id_reader, MC, ID_READER, GObject)

McIdReader *mc_id_reader_new         (McOcrPool           *pool);
void        mc_id_reader_set_today   (McIdReader          *self,
                                      const GDate         *today);

McIdResult *mc_id_reader_read        (McIdReader          *self,
                                      GPtrArray           *images,
                                      GCancellable        *cancellable,
                                      GError             **error);
void        mc_id_reader_read_async  (McIdReader          *self,
                                      GPtrArray           *images,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
McIdResult *mc_id_reader_read_finish (McIdReader          *self,
                                      GAsyncResult        *result,
                                      GError             **error);

G_END_DECLS
