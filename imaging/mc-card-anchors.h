/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <vips/vips.h>

#include "mc-card-finder.h"

G_BEGIN_DECLS

/* Framing a card by what is printed on it, not by its rim (issue 13): a
 * card whose outline does not show (glare across the rim, a pale card on
 * pale paper, a sleeve) still carries its QR code, whose three finder
 * patterns give the card's position, scale, angle and which way up it
 * stands, for each layout that prints a QR at a known place. */

typedef struct {
  double      quad[8];   /* the card's corners in the input, in pixels:
                          * top-left, top-right, bottom-right, bottom-left
                          * of the card standing upright */
  double      score;     /* how well the rim and the print agree, > 0 */
  guint       votes;     /* cues that agree on this frame: the QR, and its
                          * rim where that shows */
  McCardSide  side;      /* the layout's side, UNKNOWN when either */
} McCardAnchorFrame;

/* The frames that the anchors in @srgb (8-bit sRGB, @dpi or 0 when
 * unknown) vote for, best first (McCardAnchorFrame), at most one per QR
 * code found; empty when none. */
GArray *mc_card_anchors_find (VipsImage  *srgb,
                              double      dpi,
                              GError    **error);

G_END_DECLS
