/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vips/vips.h>

#include "mc-id-fields.h"
#include "mc-mrz.h"
#include "mc-mrz-find.h"
#include "mc-ocr-pool.h"

G_BEGIN_DECLS

/* Ways into a card that need no outline: the whole image searched for a
 * QR code, an MRZ band and labelled fields. The reader uses them when the
 * card finder frames nothing, or when what it framed did not read. */

/* Every QR code in @image (McQrSymbol*, possibly empty), tried at several
 * scales and with the contrast stretched until one decodes. zbar finds a
 * QR at any angle, so no turning is needed. */
GPtrArray *mc_id_search_qr    (VipsImage      *image,
                               GError        **error);

typedef struct {
  McIdOcrFields *fields;       /* labelled fields found (never NULL) */
  McMrz          mrz;
  gboolean       have_mrz;     /* an MRZ with at least one check holding */
  int            rotation;     /* clockwise degrees that stood the text upright */
} McIdSearchResult;

void       mc_id_search_result_clear (McIdSearchResult *result);

/* Reads @image as a whole, brought to about 300 dpi (small images are
 * enlarged): Tesseract on every way up, starting from @rotation_hint
 * (clockwise degrees, or -1 to let Tesseract's OSD guess), until the
 * labels or an MRZ show which way the text stands. MRZ lines are found
 * among the words (OCR-B lines starting IDVNM or full of '<') and read
 * again as a band; a strip that is nothing but the band is read as one.
 * When @want_mrz, the MRZ is first looked for by its shape
 * (mc_mrz_find_read()), at any angle; a valid one tells the way up and
 * frames the card's back, whose printed fields are then read as on a
 * framed card (and nothing else, when the image has no room for a second
 * card). */
gboolean   mc_id_search_text  (McOcrPool         *pool,
                               VipsImage         *image,
                               int                rotation_hint,
                               gboolean           want_mrz,
                               McIdSearchResult  *result,
                               GCancellable      *cancellable,
                               GError           **error);

/* The back of a card framed by its zone @band (a valid one, found in
 * @image by mc_mrz_find_read()): its printed fields above the zone, read
 * as on a framed card, added to @into. */
gboolean   mc_id_search_read_back (McOcrPool        *pool,
                                   VipsImage        *image,
                                   const McMrzBand  *band,
                                   McIdOcrFields    *into,
                                   GCancellable     *cancellable,
                                   GError          **error);

/* Whether @number (12 digits) has a citizen's number's shape: a province
 * code 001–096, a century and sex digit of someone born 1900–2099, and
 * not a birth year to come. */
gboolean   mc_id_search_number_plausible (const char *number);

/* The naive way in, which the careful ones must never do worse than:
 * @image read as plain text (Tesseract's own page layout, as
 * `tesseract -l vie` reads a photo), and the number taken by its label
 * "Số / No." or as the only run of 12 digits of a plausible shape. A
 * @card is a framed crop at 300 dpi, read as it is; another image is
 * read first exactly as the naive reading reads it (as it is, upright,
 * no resolution given), then brought to 300 dpi by @card_dpi (the resolution of a card framed in it,
 * so that its digits stand as on a crop), or by its size when 0. Read
 * each way up until a number reads: from @rotation_hint (clockwise
 * degrees), and then only its opposite, or all four from upright when
 * it is -1 (a @card: upright and upside down). *@number is NULL when
 * none did. */
gboolean   mc_id_search_plain_number (McOcrPool     *pool,
                                      VipsImage     *image,
                                      gboolean       card,
                                      double         card_dpi,
                                      int            rotation_hint,
                                      char         **number,
                                      GCancellable  *cancellable,
                                      GError       **error);

G_END_DECLS
