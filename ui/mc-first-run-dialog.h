/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-ward-catalog.h"

G_BEGIN_DECLS

#define MC_TYPE_FIRST_RUN_DIALOG (mc_first_run_dialog_get_type ())
G_DECLARE_FINAL_TYPE (McFirstRunDialog, mc_first_run_dialog, MC, FIRST_RUN_DIALOG, AdwWindow)

GtkWidget *mc_first_run_dialog_new          (GtkWindow        *parent,
                                             GSettings        *settings,
                                             McWardCatalog    *catalog);
gboolean   mc_first_run_dialog_is_needed    (GSettings        *settings);
void       mc_first_run_dialog_set_values   (McFirstRunDialog *self,
                                             const char       *ward_code,
                                             const char       *counter,
                                             const char       *clerk);

G_END_DECLS
