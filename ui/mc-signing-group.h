/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Preferences → Digital signature: the certificate the clerk signs the
 * visit's papers with, chosen once from the certificates on the tokens
 * plugged in (holder, validity, the token's label; those expired, not yet
 * valid or not for signing shown but not choosable, with the reason) and
 * kept by its pkcs11: URI in "signing-key"; and "signing-required". The
 * tokens are read off the main thread. */

#define MC_TYPE_SIGNING_GROUP (mc_signing_group_get_type ())
G_DECLARE_FINAL_TYPE (McSigningGroup, mc_signing_group, MC, SIGNING_GROUP, AdwPreferencesGroup)

void     mc_signing_group_set_settings (McSigningGroup *self,
                                        GSettings      *settings);
/* Reads the tokens again (a token plugged in meanwhile). */
void     mc_signing_group_refresh      (McSigningGroup *self);
gboolean mc_signing_group_is_loading   (McSigningGroup *self);

G_END_DECLS
