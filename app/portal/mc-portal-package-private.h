/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-portal-package.h"

G_BEGIN_DECLS

/* The open file behind file @index, read by the upload with pread(). */
int mc_portal_package_get_fd (McPortalPackage *self,
                              guint            index);

G_END_DECLS
