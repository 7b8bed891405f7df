/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <vips/vips.h>

G_BEGIN_DECLS

/* libvips 8.14 (Debian 12) has no autoptr for its images. */
#ifndef MC_VIPS_AUTOPTR_DEFINED
#define MC_VIPS_AUTOPTR_DEFINED
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)
#endif

/* @in with any alpha flattened onto white (a new reference to @in when
 * it has none); 0 on success, as libvips's own calls return. */
static inline int
mc_vips_flatten_white (VipsImage  *in,
                       VipsImage **out)
{
  VipsArrayDouble *white;
  int status;

  if (!vips_image_hasalpha (in))
    {
      *out = g_object_ref (in);
      return 0;
    }
  white = vips_array_double_newv (1, 255.0);
  status = vips_flatten (in, out, "background", white, NULL);
  vips_area_unref (VIPS_AREA (white));
  return status;
}

/* @in as one band of 8-bit grey, alpha flattened onto white. */
static inline int
mc_vips_grey8 (VipsImage  *in,
               VipsImage **out)
{
  g_autoptr(VipsImage) flat = NULL;
  g_autoptr(VipsImage) grey = NULL;

  if (mc_vips_flatten_white (in, &flat) != 0 ||
      vips_colourspace (flat, &grey, VIPS_INTERPRETATION_B_W, NULL) != 0)
    return -1;
  return vips_cast_uchar (grey, out, NULL);
}

G_END_DECLS
