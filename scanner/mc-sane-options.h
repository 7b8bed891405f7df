/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sane/sane.h>

#include "mc-scan-backend.h"

G_BEGIN_DECLS

/* For the SANE backend's scanner thread (mc-sane-thread.c). */

McScanDevice *mc_sane_read_capabilities (SANE_Handle              handle,
                                         McScanDevice            *basic);
gboolean      mc_sane_apply_settings    (SANE_Handle              handle,
                                         McScanDevice            *device,
                                         const McScanJobOptions  *options,
                                         McScanSource             source,
                                         double                  *dpi,
                                         GPtrArray               *saved,
                                         GError                 **error);
gboolean      mc_sane_apply_faults      (SANE_Handle              handle,
                                         const McScanJobOptions  *options,
                                         guint                    after_page,
                                         GPtrArray               *saved,
                                         GError                 **error);
void          mc_sane_restore_options   (SANE_Handle              handle,
                                         GPtrArray               *saved);

G_END_DECLS
