/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-scan-backend.h"

G_BEGIN_DECLS

#define MC_TYPE_SANE_BACKEND (mc_sane_backend_get_type ())
G_DECLARE_FINAL_TYPE (McSaneBackend, mc_sane_backend, MC, SANE_BACKEND, GObject)

/* SANE devices: every SANE call happens on one thread of its own (libsane
 * is not re-entrant), as in Simple Scan's scanner.vala. Owns every device
 * name no other backend claims. */
McSaneBackend *mc_sane_backend_new (void);

G_END_DECLS
