/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-id-reader.h"
#include "mc-identity.h"

G_BEGIN_DECLS

#define MC_TYPE_IDENTITY_FORM (mc_identity_form_get_type ())
G_DECLARE_FINAL_TYPE (McIdentityForm, mc_identity_form, MC, IDENTITY_FORM, AdwBin)

GtkWidget  *mc_identity_form_new           (void);
void        mc_identity_form_set_result    (McIdentityForm *self,
                                            McIdResult     *result);
void        mc_identity_form_set_identity  (McIdentityForm *self,
                                            McIdentity     *identity);
McIdentity *mc_identity_form_get_identity  (McIdentityForm *self);
void        mc_identity_form_set_crops     (McIdentityForm *self,
                                            GPtrArray      *crops);
void        mc_identity_form_set_today     (McIdentityForm *self,
                                            const GDate    *today);
guint       mc_identity_form_count_marked  (McIdentityForm *self);
void        mc_identity_form_set_compact   (McIdentityForm *self,
                                            gboolean        compact);

G_END_DECLS
