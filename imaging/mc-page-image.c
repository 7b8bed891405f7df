/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-page-image"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-page-image.h"
#include "mc-vips.h"

/* Loading page images that come from a scanner, a folder or a citizen's
 * phone: every way a file can be bad ends in an error a clerk can act on,
 * never in a crash or a huge allocation. libvips reads only the header
 * when an image is opened, so the size is checked before any decoding. */

G_DEFINE_QUARK (mc-page-image-error-quark, mc_page_image_error)

int
mc_page_image_get_dpi (VipsImage *image)
{
  double ppm = vips_image_get_xres (image);
  double dpi = ppm * 25.4;

  /* libvips reports 1 pixel/mm (25.4 dpi) when the file says nothing. */
  if (!isfinite (dpi) || dpi < 50.0 || dpi > 2400.0)
    return 0;
  return (int) lround (dpi);
}

/* A scanner driver that writes no resolution into its file (many PNGs do
 * not) still gives the whole glass as an image of exactly a sheet's size
 * at one of the resolutions scanners offer: that size tells the
 * resolution. A phone photo or a crop matches none (both sides have to
 * agree on one resolution, within half a percent). */
int
mc_page_image_dpi_from_size (int width,
                             int height)
{
  static const double sheets_mm[][2] = {
    { 210.0, 297.0 },   /* A4 */
    { 215.9, 297.0 },   /* a flatbed's whole glass */
    { 215.9, 279.4 },   /* Letter */
    { 215.9, 355.6 },   /* Legal */
    { 148.0, 210.0 },   /* A5 */
  };
  static const int resolutions[] = { 100, 150, 200, 240, 300, 400, 600 };
  int short_side = MIN (width, height);
  int long_side = MAX (width, height);

  for (guint r = 0; r < G_N_ELEMENTS (resolutions); r++)
    for (guint s = 0; s < G_N_ELEMENTS (sheets_mm); s++)
      {
        double want_short = sheets_mm[s][0] / 25.4 * resolutions[r];
        double want_long = sheets_mm[s][1] / 25.4 * resolutions[r];

        if (fabs (short_side - want_short) <= MAX (2.0, 0.005 * want_short) &&
            fabs (long_side - want_long) <= MAX (2.0, 0.005 * want_long))
          return resolutions[r];
      }
  return 0;
}

void
mc_page_image_set_dpi (VipsImage *image,
                       int        dpi)
{
  image->Xres = dpi / 25.4;
  image->Yres = dpi / 25.4;
}

gboolean
mc_page_image_check (VipsImage   *image,
                     const char  *what,
                     GError     **error)
{
  int w = vips_image_get_width (image);
  int h = vips_image_get_height (image);
  int bands = vips_image_get_bands (image);

  if (w <= 0 || h <= 0)
    {
      g_set_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_DAMAGED,
                   _("%s: the image has no pixels."), what);
      return FALSE;
    }
  if (w > MC_PAGE_IMAGE_MAX_SIDE || h > MC_PAGE_IMAGE_MAX_SIDE ||
      (guint64) w * (guint64) h > MC_PAGE_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_TOO_LARGE,
                   _("%s: the image is %d × %d pixels, larger than any page scan (at most %u million pixels). Scan it again at a lower resolution."),
                   what, w, h, MC_PAGE_IMAGE_MAX_PIXELS / 1000000u);
      return FALSE;
    }
  if (bands < 1 || bands > 4)
    {
      g_set_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_UNSUPPORTED,
                   _("%s: images with %d colour channels are not supported."), what, bands);
      return FALSE;
    }
  return TRUE;
}

/* @image turned as its EXIF orientation asks, without the tag: a phone
 * stores a photo as its sensor lay and says there how to turn it for
 * viewing, as every viewer does. A new reference to @image itself when it
 * has no turn to make (or the turn cannot be made: then as stored). */
VipsImage *
mc_page_image_upright (VipsImage *image)
{
  VipsImage *turned = NULL;

  if (vips_image_get_orientation (image) <= 1)
    return g_object_ref (image);
  if (vips_autorot (image, &turned, NULL) != 0)
    {
      vips_error_clear ();
      return g_object_ref (image);
    }
  return turned;
}

/* Opens @path and decodes it into memory. @dpi: in, the resolution the
 * caller knows (0: unknown); out, the resolution used (the caller's, else
 * the file's, else the one a whole sheet's size gives, else
 * MC_PAGE_IMAGE_DEFAULT_DPI). A phone photo comes turned upright
 * (mc_page_image_upright()). */
VipsImage *
mc_page_image_load (const char  *path,
                    int         *dpi,
                    GError     **error)
{
  g_autofree char *name = g_filename_display_basename (path);
  g_autoptr(VipsImage) lazy = NULL;
  g_autoptr(VipsImage) upright = NULL;
  VipsImage *image;
  const char *loader;
  GStatBuf st;
  int file_dpi;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_NOT_FOUND,
                   _("%s: there is no such file."), name);
      return NULL;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_EMPTY,
                   _("%s: the file is empty (0 bytes). Scan the page again."), name);
      return NULL;
    }

  loader = vips_foreign_find_load (path);
  if (loader == NULL)
    {
      vips_error_clear ();
      g_set_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_UNSUPPORTED,
                   _("%s: this is not an image Một Cửa can read (PNG, JPEG, TIFF, PNM, WebP)."), name);
      return NULL;
    }
  /* Nothing but raster formats: no PDF, SVG or other vector input, which
   * would render at whatever size it asks for. */
  if (!g_str_has_prefix (loader, "VipsForeignLoadPng") &&
      !g_str_has_prefix (loader, "VipsForeignLoadJpeg") &&
      !g_str_has_prefix (loader, "VipsForeignLoadTiff") &&
      !g_str_has_prefix (loader, "VipsForeignLoadPpm") &&
      !g_str_has_prefix (loader, "VipsForeignLoadWebp"))
    {
      g_set_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_UNSUPPORTED,
                   _("%s: this is not an image Một Cửa can read (PNG, JPEG, TIFF, PNM, WebP)."), name);
      return NULL;
    }

  lazy = vips_image_new_from_file (path, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
  if (lazy == NULL)
    {
      vips_error_clear ();
      g_set_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_DAMAGED,
                   _("%s: the image file is damaged and cannot be read. Scan the page again."), name);
      return NULL;
    }
  if (!mc_page_image_check (lazy, name, error))
    return NULL;

  upright = mc_page_image_upright (lazy);
  image = vips_image_copy_memory (upright);
  if (image == NULL)
    {
      vips_error_clear ();
      g_set_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_DAMAGED,
                   _("%s: the image file is damaged or incomplete. Scan the page again."), name);
      return NULL;
    }

  file_dpi = mc_page_image_get_dpi (image);
  /* Nothing, or the 72 dpi that means nothing: a whole sheet's size says. */
  if (file_dpi < 100)
    {
      int sheet_dpi = mc_page_image_dpi_from_size (vips_image_get_width (image), vips_image_get_height (image));

      if (sheet_dpi > 0)
        file_dpi = sheet_dpi;
    }
  if (*dpi <= 0)
    *dpi = file_dpi > 0 ? file_dpi : MC_PAGE_IMAGE_DEFAULT_DPI;
  mc_page_image_set_dpi (image, *dpi);
  return image;
}
