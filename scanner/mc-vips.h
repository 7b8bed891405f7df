/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <vips/vips.h>

G_BEGIN_DECLS

/* libvips 8.14 (Debian 12) has no autoptr for its images. */
#ifndef MC_VIPS_AUTOPTR_DEFINED
#define MC_VIPS_AUTOPTR_DEFINED
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)
#endif

G_END_DECLS
