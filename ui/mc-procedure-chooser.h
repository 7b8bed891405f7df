/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-procedure-catalog.h"

G_BEGIN_DECLS

#define MC_TYPE_PROCEDURE_CHOOSER (mc_procedure_chooser_get_type ())
G_DECLARE_FINAL_TYPE (McProcedureChooser, mc_procedure_chooser, MC, PROCEDURE_CHOOSER, AdwBin)

/* Emits "chosen" (const char *code). Recent procedures (GSettings
 * "recent-procedures") come first; typing filters by code or name, with or
 * without diacritics; Enter takes the first match. */
GtkWidget *mc_procedure_chooser_new    (McProcedureCatalog *catalog,
                                        GSettings          *settings);
void       mc_procedure_chooser_reset  (McProcedureChooser *self);
void       mc_procedure_chooser_set_query (McProcedureChooser *self,
                                           const char         *query);
const char *mc_procedure_chooser_get_first_code (McProcedureChooser *self);
void       mc_procedure_note_recent    (GSettings          *settings,
                                        const char         *code);

G_END_DECLS
