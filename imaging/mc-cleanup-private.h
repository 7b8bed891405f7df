/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <vips/vips.h>

#include "mc-cleanup.h"

G_BEGIN_DECLS

/* Shared by mc-cleanup.c and mc-cleanup-output.c. */

gboolean mc_cleanup_save_output (VipsImage   *out,
                                 McPageKind   kind,
                                 int          dpi,
                                 int          quality,
                                 const char  *base,
                                 char       **written,
                                 GError     **error);

G_END_DECLS
