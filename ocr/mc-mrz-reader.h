/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vips/vips.h>

#include "mc-mrz.h"
#include "mc-ocr-pool.h"

G_BEGIN_DECLS

/* Reads the MRZ at the bottom of an upright card back (a crop from
 * mc_card_finder_find()). FALSE with MC_ID_ERROR_NOT_MRZ when there is none. */
gboolean mc_mrz_read_card (McOcrPool     *pool,
                           VipsImage     *card,
                           McMrz         *mrz,
                           GCancellable  *cancellable,
                           GError       **error);

G_END_DECLS
