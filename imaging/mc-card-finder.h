/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vips/vips.h>

G_BEGIN_DECLS

/* The "id-card" cleanup profile: finds ID-1 cards (85.6 × 53.98 mm) on a
 * scan of the glass, a photo or a crop, and cuts each out straight. */

#define MC_CARD_FINDER_ERROR (mc_card_finder_error_quark ())

typedef enum {
  MC_CARD_FINDER_ERROR_NO_CARD,     /* nothing card-shaped in the image */
  MC_CARD_FINDER_ERROR_BAD_IMAGE,   /* too small, too large, or unreadable */
} McCardFinderError;

GQuark mc_card_finder_error_quark (void);

/* Every crop has this size: the card at 300 dpi, landscape. */
#define MC_CARD_CROP_WIDTH  1012
#define MC_CARD_CROP_HEIGHT 638
#define MC_CARD_CROP_DPI    300.0

typedef enum {
  MC_CARD_SIDE_UNKNOWN,
  MC_CARD_SIDE_FRONT,
  MC_CARD_SIDE_BACK,
} McCardSide;

typedef struct {
  VipsImage  *image;           /* sRGB, MC_CARD_CROP_WIDTH × MC_CARD_CROP_HEIGHT, upright as far as known */
  guint       source;          /* index of the input image it was found in */
  double      quad[8];         /* its corners in that image, in pixels: top-left,
                                * top-right, bottom-right, bottom-left of the crop */
  double      angle;           /* degrees the card lay turned on the glass, clockwise */
  double      dpi;             /* the card's resolution in the input */
  McCardSide  side;            /* from the layout alone; the reader confirms it */
  gboolean    mrz_band;        /* three full-width lines at the bottom: a back */
  gboolean    upright_known;   /* the layout told which way up the card is */
  gboolean    whole_image;     /* the input was a crop of this one card */
  gboolean    cut;             /* part of the card lay off the glass: the crop
                                * shows the lid's colour there */
} McCardCrop;

McCardCrop *mc_card_crop_copy        (const McCardCrop *crop);
void        mc_card_crop_free        (McCardCrop       *crop);
void        mc_card_crop_rotate_180  (McCardCrop       *crop);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (McCardCrop, mc_card_crop_free)

/* Up to @max_cards crops (McCardCrop*), largest first. An error only when
 * there is no card at all or the image cannot be used. */
GPtrArray  *mc_card_finder_find      (VipsImage        *image,
                                      guint             source,
                                      guint             max_cards,
                                      GCancellable     *cancellable,
                                      GError          **error);

/* As mc_card_finder_find(); @unframed, when not NULL, is set to the
 * bounding box (in @image's pixels, with a margin) of what lies on the
 * glass beside the cards found but was not framed as a card, when it
 * covers a good part of a card's area: a card cut too far by the glass's
 * edge, or one whose outline never closed. Its width is 0 when there is
 * no such thing, or when no card was framed at all. */
GPtrArray  *mc_card_finder_find_full (VipsImage        *image,
                                      guint             source,
                                      guint             max_cards,
                                      VipsRect         *unframed,
                                      GCancellable     *cancellable,
                                      GError          **error);

/* Up to @max_cards crops (McCardCrop*) framed by what is printed on the
 * cards alone (the QR's finder patterns, mc-card-anchors.c), whatever
 * outlines the image shows: a second opinion where the frames of
 * mc_card_finder_find() held nothing readable. Empty when no anchor
 * frames a card; NULL on error. */
GPtrArray  *mc_card_finder_find_by_print (VipsImage    *image,
                                          guint         source,
                                          guint         max_cards,
                                          GCancellable *cancellable,
                                          GError      **error);

/* The cues the finder uses, exposed for the reader and the tests: whether
 * the crop has an MRZ band at its bottom (or, upside down, at its top), and
 * which way up its text stands (+1 upright, -1 upside down, 0 unclear). */
void        mc_card_crop_find_mrz    (VipsImage        *crop,
                                      gboolean         *at_bottom,
                                      gboolean         *at_top);
int         mc_card_crop_text_upright (VipsImage       *crop);

G_END_DECLS
