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

/* Reads the three lines of an MRZ from @band, an upright strip at about
 * 300 dpi that holds them (and perhaps some margin or text above). */
gboolean mc_mrz_read_band (McOcrPool     *pool,
                           VipsImage     *band,
                           McMrz         *mrz,
                           GCancellable  *cancellable,
                           GError       **error);

G_END_DECLS
