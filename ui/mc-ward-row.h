/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-ward-catalog.h"

G_BEGIN_DECLS

#define MC_TYPE_WARD_ROW (mc_ward_row_get_type ())
G_DECLARE_FINAL_TYPE (McWardRow, mc_ward_row, MC, WARD_ROW, AdwComboRow)

GtkWidget     *mc_ward_row_new           (McWardCatalog *catalog);
McWardCatalog *mc_ward_row_get_catalog   (McWardRow     *self);
void           mc_ward_row_set_catalog   (McWardRow     *self,
                                          McWardCatalog *catalog);
const char    *mc_ward_row_get_ward_code (McWardRow     *self);
void           mc_ward_row_set_ward_code (McWardRow     *self,
                                          const char    *code);

G_END_DECLS
