/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-id-fields.h"

G_BEGIN_DECLS

/* The fields of a card's front that its labels did not give, by the shape
 * of what is printed: the one 12-digit number, the upper-case line under
 * it (the name), the dates beside (birth) and under the photo (expiry),
 * and the sex that the number's fourth digit encodes. Small print on a
 * photographed card is often unreadable where the large values are not.
 * Only fills fields still empty, always below MC_ID_CONFIDENCE_SURE, and
 * only when the number is there to say this is a front. @width: of the
 * card the words were read on. */
void mc_id_fields_by_shape (const McOcrWord *words,
                            guint            n_words,
                            int              width,
                            McIdOcrFields   *fields);

G_END_DECLS
