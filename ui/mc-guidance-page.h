/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-procedure-catalog.h"

G_BEGIN_DECLS

/* The Guidance section of the clerk's window: every guide (portal
 * sign-in, following a filing, fees, each procedure), to read through
 * with a citizen, show on the citizen screen (app.show-guide) or read
 * aloud (app.read-guide). Guide files the ward edited are re-read with
 * “Reload Guides”; the problems found in them are listed on top. */

#define MC_TYPE_GUIDANCE_PAGE (mc_guidance_page_get_type ())
G_DECLARE_FINAL_TYPE (McGuidancePage, mc_guidance_page, MC, GUIDANCE_PAGE, AdwBin)

GtkWidget  *mc_guidance_page_new          (void);
void        mc_guidance_page_set_procedures (McGuidancePage     *self,
                                             McProcedureCatalog *procedures);
gboolean    mc_guidance_page_select       (McGuidancePage *self,
                                           const char     *guide_id);
const char *mc_guidance_page_get_selected (McGuidancePage *self);
guint       mc_guidance_page_get_n_guides (McGuidancePage *self);
/* The problems shown, one a line; NULL when there are none. */
const char *mc_guidance_page_get_problems (McGuidancePage *self);
void        mc_guidance_page_reload       (McGuidancePage *self);

G_END_DECLS
