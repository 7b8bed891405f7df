/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-visit-session.h"

G_BEGIN_DECLS

/* Asks for the PIN of the clerk's signing token when a visit's papers are
 * signed (the session's "pin-needed"), in the look of the supervisor's
 * McPinPrompt. The PIN goes straight to the session and leaves the entry;
 * closing the dialog without it answers "no PIN", and the papers stay
 * unsigned. @problem: why it is asked again (a wrong PIN, the tries left). */

#define MC_TYPE_TOKEN_PIN_DIALOG (mc_token_pin_dialog_get_type ())
G_DECLARE_FINAL_TYPE (McTokenPinDialog, mc_token_pin_dialog, MC, TOKEN_PIN_DIALOG, AdwWindow)

GtkWidget  *mc_token_pin_dialog_new       (GtkWindow        *parent,
                                           McVisitSession   *session,
                                           const char       *token,
                                           const char       *problem);
void        mc_token_pin_dialog_set_pin   (McTokenPinDialog *self,
                                           const char       *pin);
/* What the dialog says of a wrong PIN, or NULL. */
const char *mc_token_pin_dialog_get_problem (McTokenPinDialog *self);

G_END_DECLS
