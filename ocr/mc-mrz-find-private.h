/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vips/vips.h>

G_BEGIN_DECLS

/* What mc-mrz-find.c and mc-mrz-glyphs.c share: the character-sized
 * blobs of an image's working copy, and a grid to look them up by place. */

#define MC_MRZ_N_DIRS 8          /* directions a blob's extent is measured along */
#define MC_MRZ_MIN_GLYPH 5.0     /* pixels of the working copy */

typedef struct {
  double cx, cy;
  double ext[MC_MRZ_N_DIRS];
  double size;                 /* the largest extent */
  int    n;
  double m20, m11, m02;        /* central moments, per pixel */
  double m30, m21, m12, m03;
} McMrzGlyph;

typedef struct {
  int         w, h;            /* of the working copy */
  double      scale;           /* working copy / image */
  GArray     *array;           /* McMrzGlyph */
  McMrzGlyph *glyphs;          /* its data */
  int         n_glyphs;
  int         cell;
  int         gw, gh;
  int        *cell_start;      /* glyph indices sorted by cell */
  int        *cell_glyphs;
  guchar     *in_line;         /* glyph already in an accepted line */
} McMrzGlyphs;

VipsImage   *mc_mrz_grey             (VipsImage          *image,
                                      GError            **error);
McMrzGlyphs *mc_mrz_glyphs_find      (VipsImage          *image,
                                      GError            **error);
void         mc_mrz_glyphs_free      (McMrzGlyphs        *glyphs);
gboolean     mc_mrz_similar_size     (double              a,
                                      double              b);
int          mc_mrz_glyph_near       (const McMrzGlyphs  *ctx,
                                      double              x,
                                      double              y,
                                      double              radius,
                                      double              size);
int          mc_mrz_glyph_neighbours (const McMrzGlyphs  *ctx,
                                      int                 i,
                                      int                 near[3]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (McMrzGlyphs, mc_mrz_glyphs_free)

G_END_DECLS
