/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <vips/vips.h>

#include "mc-card-finder.h"

G_BEGIN_DECLS

/* Shared by mc-card-finder.c and its parts: mc-card-finder-mask.c (which
 * pixels are objects) and mc-card-finder-geometry.c (objects to card
 * rectangles). */

#define CARD_W_MM 85.6
#define CARD_H_MM 53.98
#define CARD_ASPECT (CARD_W_MM / CARD_H_MM)

typedef struct {
  double x, y;
} Pt;

typedef struct {
  double   cx, cy;   /* centre */
  double   w, h;     /* w along the angle, w >= h */
  double   angle;    /* radians, image coordinates (y down) */
  gboolean cut;      /* a card cut by the image's edge, made whole */
} Rect;

typedef struct {
  int      w, h;
  guchar  *rgb;       /* working copy */
  guchar  *mask;      /* 1: object */
  int      bg[3];     /* the lid's colour */
  double   ppm;       /* pixels per mm, 0 when unknown */
} Work;

typedef struct {
  Rect     rect;
  double   area;      /* pixels of the object */
  guint    touches;   /* the image's sides it reaches: 1 left, 2 top, 4 right, 8 bottom */
  int      x0, y0, x1, y1;   /* its bounding box, last pixel included */
  gboolean taken;     /* a card, or two */
} Blob;

/* A card seen at an angle: its rectangle and its four corners (top-left,
 * top-right, bottom-right, bottom-left along the rectangle's angle). */
typedef struct {
  Rect     rect;
  double   quad[8];
} CardQuad;

int     mc_card_finder_median_of_histogram (const guint *hist,
                                            guint        n);

/* Floods 4-connected from the @top pixels on @stack (already given
 * @label in @labels) through the @passable pixels not yet labelled, giving
 * each @label. Returns how many it labelled, the seeds included; @box,
 * when not NULL, gets their bounding box (x0, y0, x1, y1, last pixel
 * included). @stack holds w × h entries. */
gsize   mc_card_finder_flood               (const guchar *passable,
                                            guint        *labels,
                                            guint         label,
                                            int           w,
                                            int           h,
                                            guint        *stack,
                                            gsize         top,
                                            int           box[4]);

void    mc_card_finder_build_mask          (Work *work);
void    mc_card_finder_build_edge_mask     (Work *work);
void    mc_card_finder_build_pale_mask     (Work *work);
void    mc_card_finder_open_mask           (Work *work);

GArray *mc_card_finder_convex_hull         (GArray *pts);
gboolean mc_card_finder_min_area_rect      (GArray *hull,
                                            Rect   *out);

GArray *mc_card_finder_find_faces          (const Work *work);
/* mc-card-orient.c */
void    mc_card_finder_orient_crop          (McCardCrop *crop);

GArray *mc_card_finder_find_blobs          (const Work *work,
                                            double      min_area);
int     mc_card_finder_compare_blob_area   (gconstpointer a,
                                            gconstpointer b);
GArray *mc_card_finder_pick_cards          (GArray   *blobs,
                                            double    ppm,
                                            int       w,
                                            int       h,
                                            double    ref_h,
                                            gboolean  pairs);

G_END_DECLS
