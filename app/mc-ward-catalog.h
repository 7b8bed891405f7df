/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-date.h"

G_BEGIN_DECLS

/* One commune-level unit (phường / xã) for the span of days it existed.
 * GSO codes are reused (Phường Nha Trang took Phước Tiến's 22366), so a unit
 * is named by its catalog id, or by its code together with a day. */
typedef struct _McWardUnit McWardUnit;

const char *mc_ward_unit_get_id            (const McWardUnit *unit);
const char *mc_ward_unit_get_code          (const McWardUnit *unit);
const char *mc_ward_unit_get_name          (const McWardUnit *unit);
const char *mc_ward_unit_get_kind          (const McWardUnit *unit);
const char *mc_ward_unit_get_district_code (const McWardUnit *unit);
const char *mc_ward_unit_get_district_name (const McWardUnit *unit);
const char *mc_ward_unit_get_basis         (const McWardUnit *unit);
McDay       mc_ward_unit_get_from          (const McWardUnit *unit);
McDay       mc_ward_unit_get_until         (const McWardUnit *unit);
const McWardUnit *mc_ward_unit_get_successor (const McWardUnit *unit);
gboolean    mc_ward_unit_is_valid_on       (const McWardUnit *unit,
                                            McDay             day);

#define MC_TYPE_WARD_CATALOG (mc_ward_catalog_get_type ())
G_DECLARE_FINAL_TYPE (McWardCatalog, mc_ward_catalog, MC, WARD_CATALOG, GObject)

McWardCatalog    *mc_ward_catalog_new_from_bytes (GBytes         *bytes,
                                                  const char     *origin,
                                                  GError        **error);
McWardCatalog    *mc_ward_catalog_new_from_file  (GFile          *file,
                                                  GError        **error);
McWardCatalog    *mc_ward_catalog_new_builtin    (void);
McWardCatalog    *mc_ward_catalog_load           (GError        **override_error);
GFile            *mc_ward_catalog_get_override_file (void);

const char       *mc_ward_catalog_get_origin     (McWardCatalog  *self);
const char       *mc_ward_catalog_get_province_code (McWardCatalog *self);
const char       *mc_ward_catalog_get_province_name (McWardCatalog *self);
guint             mc_ward_catalog_get_n_units    (McWardCatalog  *self);
const McWardUnit *mc_ward_catalog_get_unit       (McWardCatalog  *self,
                                                  guint           index);
GPtrArray        *mc_ward_catalog_units_on       (McWardCatalog  *self,
                                                  McDay           day);
const McWardUnit *mc_ward_catalog_lookup_id      (McWardCatalog  *self,
                                                  const char     *id);
const McWardUnit *mc_ward_catalog_lookup         (McWardCatalog  *self,
                                                  const char     *code,
                                                  McDay           day);
const McWardUnit *mc_ward_catalog_lookup_current (McWardCatalog *self,
                                                  const char     *code,
                                                  McDay           day);
const McWardUnit *mc_ward_catalog_resolve        (McWardCatalog  *self,
                                                  const McWardUnit *unit,
                                                  McDay           day);
GPtrArray        *mc_ward_catalog_predecessors   (McWardCatalog  *self,
                                                  const McWardUnit *unit);

G_END_DECLS
