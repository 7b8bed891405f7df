/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-ledger.h"
#include "mc-ward-catalog.h"

G_BEGIN_DECLS

/* Corrects a filing of the period shown: first the supervisor PIN, then
 * the list of filings, then the new values. Each correction is a new
 * ledger event pointing at the old record. */

#define MC_TYPE_CORRECTION_DIALOG (mc_correction_dialog_get_type ())
G_DECLARE_FINAL_TYPE (McCorrectionDialog, mc_correction_dialog, MC, CORRECTION_DIALOG, AdwWindow)

GtkWidget  *mc_correction_dialog_new          (GtkWindow          *parent,
                                               McLedger           *ledger,
                                               GSettings          *settings,
                                               McWardCatalog      *catalog,
                                               McDay               from,
                                               McDay               to,
                                               const char         *ward_code);
/* "pin", "list" or "edit". */
const char *mc_correction_dialog_get_page     (McCorrectionDialog *self);
/* What the PIN page says after a refusal, or NULL. */
const char *mc_correction_dialog_get_message  (McCorrectionDialog *self);
guint       mc_correction_dialog_get_n_filings (McCorrectionDialog *self);
/* Opens the filing at @index of the list (newest first) for editing. */
void        mc_correction_dialog_edit         (McCorrectionDialog *self,
                                               guint               index);
void        mc_correction_dialog_set_void     (McCorrectionDialog *self,
                                               gboolean            voids,
                                               McCorrectionReason  reason);

G_END_DECLS
