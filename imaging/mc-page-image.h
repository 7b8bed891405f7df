/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vips/vips.h>

G_BEGIN_DECLS

#define MC_PAGE_IMAGE_ERROR (mc_page_image_error_quark ())

typedef enum {
  MC_PAGE_IMAGE_ERROR_NOT_FOUND,
  MC_PAGE_IMAGE_ERROR_EMPTY,        /* zero-byte file */
  MC_PAGE_IMAGE_ERROR_UNSUPPORTED,  /* not an image format we read */
  MC_PAGE_IMAGE_ERROR_DAMAGED,      /* corrupt or truncated */
  MC_PAGE_IMAGE_ERROR_TOO_LARGE,    /* more pixels than any real page scan */
  MC_PAGE_IMAGE_ERROR_WRITE,        /* the cleaned page could not be saved */
} McPageImageError;

GQuark mc_page_image_error_quark (void);

/* Largest page accepted: A3 at 600 dpi is 7016 × 9921 (70 Mpx); anything
 * claiming more is refused from its header, before a pixel is decoded. */
#define MC_PAGE_IMAGE_MAX_PIXELS    (100u * 1000u * 1000u)
#define MC_PAGE_IMAGE_MAX_SIDE      30000
/* Used when neither the caller nor the file says. */
#define MC_PAGE_IMAGE_DEFAULT_DPI   300

VipsImage  *mc_page_image_load        (const char  *path,
                                       int         *dpi,
                                       GError     **error);
gboolean    mc_page_image_check       (VipsImage   *image,
                                       const char  *what,
                                       GError     **error);
int         mc_page_image_get_dpi     (VipsImage   *image);
void        mc_page_image_set_dpi     (VipsImage   *image,
                                       int          dpi);
int         mc_page_image_dpi_from_size (int       width,
                                         int       height);
VipsImage  *mc_page_image_upright     (VipsImage   *image);

G_END_DECLS
