/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-ledger.h"

G_BEGIN_DECLS

/* Asks for the supervisor PIN (the one set in Preferences, checked off
 * the main thread behind the lock-out kept on disk: the ledger's when
 * there is one, the program's ledger's file otherwise) before something
 * only a supervisor may do. A right PIN whose stored hash is of an older,
 * cheaper kind gets a new hash. Signals: verified () once the PIN is
 * right, then the prompt closes. */

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
