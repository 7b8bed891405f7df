/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-ledger.h"

G_BEGIN_DECLS

/* Asks for the supervisor PIN (the one set in Preferences, checked with
 * mc_supervisor_pin_verify() off the main thread; through the ledger
 * when there is one, so wrong tries count towards its lock-out) before
 * something only a supervisor may do. Signals: verified () once the PIN
 * is right, then the prompt closes. */

#define MC_TYPE_PIN_PROMPT (mc_pin_prompt_get_type ())
G_DECLARE_FINAL_TYPE (McPinPrompt, mc_pin_prompt, MC, PIN_PROMPT, AdwWindow)

GtkWidget  *mc_pin_prompt_new         (GtkWindow   *parent,
                                       GSettings   *settings,
                                       McLedger    *ledger,
                                       const char  *explanation);
void        mc_pin_prompt_set_pin     (McPinPrompt *self,
                                       const char  *pin);
/* What the prompt says after a refusal, or NULL. */
const char *mc_pin_prompt_get_message (McPinPrompt *self);
gboolean    mc_pin_prompt_is_busy     (McPinPrompt *self);

G_END_DECLS
