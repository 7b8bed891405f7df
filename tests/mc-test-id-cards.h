/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include "mc-vips.h"

G_BEGIN_DECLS

/* The synthetic cards resources/specimens/mc-make-id-cards renders at build time: the truth
 * files are named in MOTCUA_ID_CARDS (colon-separated). Each card is a
 * JsonObject as the generator wrote it; "images" are made absolute. */
GPtrArray *mc_test_id_cards_load (void);

const char *mc_test_id_card_field (JsonObject *card, const char *field);

/* One side of @card, upright, at 300 dpi (1012 × 638), cut out of its
 * image with the affine transform its truth corners give: for tests that
 * lay the generated cards out differently from the generator. */
VipsImage *mc_test_id_card_cut_side (JsonObject *card, const char *side);

G_END_DECLS
