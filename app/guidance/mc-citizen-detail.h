/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One line of “please check your details”: what it is, what was read, and
 * where it was read from (“QR code on the card”, “machine-readable lines”),
 * all as the citizen should see them. */

#define MC_TYPE_CITIZEN_DETAIL (mc_citizen_detail_get_type ())
G_DECLARE_FINAL_TYPE (McCitizenDetail, mc_citizen_detail, MC, CITIZEN_DETAIL, GObject)

McCitizenDetail *mc_citizen_detail_new        (const char      *label,
                                               const char      *value,
                                               const char      *source);
const char      *mc_citizen_detail_get_label  (McCitizenDetail *self);
const char      *mc_citizen_detail_get_value  (McCitizenDetail *self);
const char      *mc_citizen_detail_get_source (McCitizenDetail *self);

G_END_DECLS
