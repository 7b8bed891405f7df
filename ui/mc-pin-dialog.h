/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-ledger.h"

G_BEGIN_DECLS

/* Sets or changes the supervisor PIN (the “supervisor-pin-hash” setting).
 * Changing it needs the current one; @ledger, when given, counts wrong
 * tries together with the correction dialog's. */

#define MC_TYPE_PIN_DIALOG (mc_pin_dialog_get_type ())
G_DECLARE_FINAL_TYPE (McPinDialog, mc_pin_dialog, MC, PIN_DIALOG, AdwWindow)

GtkWidget  *mc_pin_dialog_new         (GtkWindow   *parent,
                                       GSettings   *settings,
                                       McLedger    *ledger);
void        mc_pin_dialog_set_entries (McPinDialog *self,
                                       const char  *current,
                                       const char  *new_pin,
                                       const char  *repeat);
/* What the dialog says after a refusal, or NULL. */
const char *mc_pin_dialog_get_message (McPinDialog *self);

G_END_DECLS
