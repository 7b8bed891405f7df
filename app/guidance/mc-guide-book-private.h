/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-guide-book.h"

G_BEGIN_DECLS

/* The parts of a guide, shared by mc-guide-book.c and mc-guide-book-parts.c. */

void         mc_guide_step_free  (McGuideStep       *step);
McGuideStep *mc_guide_step_copy  (const McGuideStep *step);
void         mc_guide_free       (McGuide           *guide);
GPtrArray   *mc_guide_steps_new  (void);

G_END_DECLS
