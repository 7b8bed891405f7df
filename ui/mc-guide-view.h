/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-guide-book.h"

G_BEGIN_DECLS

/* One guide as the citizen reads it: a pictogram, the title and summary,
 * then numbered steps, each with its illustration. The Guidance section
 * shows it at the desktop's text size, the citizen screen in large type
 * (the “citizen” style class of its window). */

typedef enum {
  MC_GUIDE_PART_ALL,
  MC_GUIDE_PART_STEPS,   /* what to bring and do */
  MC_GUIDE_PART_AFTER,   /* what happens after filing */
} McGuidePart;

#define MC_TYPE_GUIDE_VIEW (mc_guide_view_get_type ())
G_DECLARE_FINAL_TYPE (McGuideView, mc_guide_view, MC, GUIDE_VIEW, AdwBin)

GtkWidget  *mc_guide_view_new          (void);
/* Shows the guide @guide_id of @book; FALSE (and shows nothing) when the
 * book has no such guide. */
gboolean    mc_guide_view_show         (McGuideView *self,
                                        McGuideBook *book,
                                        const char  *guide_id,
                                        McGuidePart  part,
                                        gboolean     with_header);
const char *mc_guide_view_get_guide_id (McGuideView *self);
/* Bigger illustrations, for the citizen screen. */
void        mc_guide_view_set_large    (McGuideView *self,
                                        gboolean     large);
guint       mc_guide_view_get_n_steps  (McGuideView *self);

/* A guide's pictogram at @size pixels, drawn crisply at that size;
 * @label: what a screen reader says for it (NULL: it is decoration). */
GtkWidget  *mc_guide_pictogram_new     (const char  *name,
                                        int          size,
                                        const char  *label);

G_END_DECLS
