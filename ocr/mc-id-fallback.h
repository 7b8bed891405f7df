/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vips/vips.h>

#include "mc-id-fields.h"
#include "mc-ocr-pool.h"

G_BEGIN_DECLS

/* The last way in, when the card finder, the QR, the MRZ and the labelled
 * passes found no number: the whole image read as plain Tesseract reads a
 * page, and the 12-digit number taken from its text. */

/* The card number in @text: a run of exactly 12 digits (a space between
 * groups allowed) that can be one: its first three digits a province's
 * code, its fourth a century and sex digit (mc_id_number_province_known()).
 * Of several, the first after "Số" / "No.", else the first. NULL when
 * there is none. */
char    *mc_id_fallback_pick_number (const char     *text);

/* Reads @image as a whole (Tesseract `vie`, automatic page segmentation),
 * as given first, on every way up until a number after its label is
 * found; with none found, the same enlarged (when small) and with its
 * contrast evened out locally (glare, a sleeve). Where a number is found, it and what the labels and the shape
 * of the print give (mc_id_fields_extract(), mc_id_fields_by_shape())
 * are added to @fields, below MC_ID_CONFIDENCE_SURE; nothing otherwise.
 * *@found is set when a number was found. */
gboolean mc_id_fallback_read        (McOcrPool      *pool,
                                     VipsImage      *image,
                                     McIdOcrFields  *fields,
                                     gboolean       *found,
                                     GCancellable   *cancellable,
                                     GError        **error);

G_END_DECLS
