/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vips/vips.h>

#include "mc-mrz.h"
#include "mc-ocr-pool.h"

G_BEGIN_DECLS

/* An MRZ band found by its shape alone: three (at least two) parallel
 * lines of evenly pitched, equally tall characters, at any angle and any
 * scale. Coordinates are pixels of the image it was found in. */
typedef struct {
  double centre[2];
  double along[2];     /* unit vector along the lines; in reading order once read */
  double length;       /* the band's size along the lines, margins included */
  double height;       /* …and across them */
  double pitch;        /* character pitch */
  int    n_lines;      /* lines seen: 2 or 3 (1 only for a very clear line) */
} McMrzBand;

/* The bands in @image, most likely first (McMrzBand, possibly empty).
 * Works on a copy at about 150 dpi; @image's resolution is taken from its
 * header when it states one. */
GArray    *mc_mrz_find_bands    (VipsImage        *image,
                                 GError          **error);

/* @band cut out of @image upright, 8-bit grey, its characters 24 pixels
 * apart (a little under 300 dpi print); turned round when @turned. */
VipsImage *mc_mrz_band_cut      (VipsImage        *image,
                                 const McMrzBand  *band,
                                 gboolean          turned,
                                 GError          **error);

/* The ID-1 card whose zone @band is (read, so pointing along its reading
 * order), cut out upright in colour at the card finder's crop size (300
 * dpi): the zone is centred on a card's back, its middle line about 45 mm
 * below the top edge. */
VipsImage *mc_mrz_band_card     (VipsImage        *image,
                                 const McMrzBand  *band,
                                 GError          **error);

/* Clockwise degrees (0, 90, 180, 270) that stand @band's text upright. */
int        mc_mrz_band_rotation (const McMrzBand  *band);

/* Finds the bands in @image and reads them, both ways round unless the
 * first holds; the check digits decide. TRUE when a zone with at least one
 * check holding was read (@band, if not NULL, then points along its
 * reading order); FALSE with MC_ID_ERROR_NOT_MRZ when there is none. */
gboolean   mc_mrz_find_read     (McOcrPool        *pool,
                                 VipsImage        *image,
                                 McMrz            *mrz,
                                 McMrzBand        *band,
                                 GCancellable     *cancellable,
                                 GError          **error);

G_END_DECLS
