/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-cleanup"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <tiffio.h>

#include "mc-cleanup-private.h"
#include "mc-file-util.h"
#include "mc-vips.h"

/* What a cleaning gives back: the result, the page kinds' names and the
 * output file. */

void
mc_cleanup_result_free (McCleanupResult *result)
{
  if (result == NULL)
    return;
  g_free (result->output);
  g_free (result);
}

const char *
mc_page_kind_to_string (McPageKind kind)
{
  switch (kind)
    {
    case MC_PAGE_KIND_LINEART: return "lineart";
    case MC_PAGE_KIND_GREY: return "grey";
    case MC_PAGE_KIND_COLOUR: return "colour";
    default: return "unknown";
    }
}

const char *
mc_page_kind_to_label (McPageKind kind)
{
  switch (kind)
    {
    case MC_PAGE_KIND_LINEART: return _("black and white");
    case MC_PAGE_KIND_GREY: return _("grey");
    case MC_PAGE_KIND_COLOUR: return _("colour");
    default: return "?";
    }
}

/* A CCITT G4 TIFF in one strip, 0 = white: the PDF writer can then copy
 * the G4 data as it is (libvips writes many strips, which cannot be joined
 * into one G4 stream). */
static int
write_g4_tiff (VipsImage  *bilevel,
               int         dpi,
               const char *path)
{
  g_autoptr(VipsImage) mem = vips_image_copy_memory (bilevel);
  int w = vips_image_get_width (bilevel), h = vips_image_get_height (bilevel);
  g_autofree guint8 *row = g_malloc0 ((w + 7) / 8);
  TIFF *tif;
  int status = 0;

  if (mem == NULL || !(tif = TIFFOpen (path, "w")))
    return -1;
  TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, (uint32_t) w);
  TIFFSetField (tif, TIFFTAG_IMAGELENGTH, (uint32_t) h);
  TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 1);
  TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField (tif, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
  TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
  TIFFSetField (tif, TIFFTAG_FILLORDER, FILLORDER_MSB2LSB);
  TIFFSetField (tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, (uint32_t) h);
  TIFFSetField (tif, TIFFTAG_XRESOLUTION, (float) dpi);
  TIFFSetField (tif, TIFFTAG_YRESOLUTION, (float) dpi);
  TIFFSetField (tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
  for (int y = 0; y < h && status == 0; y++)
    {
      const guchar *src = VIPS_IMAGE_ADDR (mem, 0, y);

      memset (row, 0, (w + 7) / 8);
      for (int x = 0; x < w; x++)
        if (src[x] == 0)
          row[x >> 3] |= 0x80 >> (x & 7);
      if (TIFFWriteScanline (tif, row, y, 0) < 0)
        status = -1;
    }
  TIFFClose (tif);
  return status;
}

gboolean
mc_cleanup_save_output (VipsImage   *out,
                        McPageKind   kind,
                        int          dpi,
                        int          quality,
                        const char  *base,
                        char       **written,
                        GError     **error)
{
  const char *ext = kind == MC_PAGE_KIND_LINEART ? ".tif" : ".jpg";
  g_autofree char *final = g_strconcat (base, ext, NULL);
  g_autofree char *tmp = NULL;
  g_autoptr(GError) local_error = NULL;
  double ppm = dpi / 25.4;
  int status;

  /* Private from the first byte, then synced and renamed into place. */
  if (!(tmp = mc_file_temp_create (final, &local_error)))
    status = -1;
  else if (kind == MC_PAGE_KIND_LINEART)
    status = write_g4_tiff (out, dpi, tmp);
  else
    {
      g_autoptr(VipsImage) copy = NULL;

      /* The resolution goes in the JFIF header, which "strip" would drop;
       * a copy carries it without touching the caller's image. */
      if (vips_copy (out, &copy, "xres", ppm, "yres", ppm, NULL) == 0)
        {
          vips_image_remove (copy, VIPS_META_EXIF_NAME);
          vips_image_remove (copy, VIPS_META_XMP_NAME);
          vips_image_remove (copy, VIPS_META_IPTC_NAME);
          status = vips_jpegsave (copy, tmp, "Q", quality, "optimize_coding", TRUE, NULL);
        }
      else
        status = -1;
    }
  if (status != 0)
    {
      g_autofree char *name = g_filename_display_name (final);

      vips_error_clear ();
      if (tmp != NULL)
        g_unlink (tmp);
      g_set_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_WRITE,
                   _("The cleaned page could not be saved as %s. Check that the folder exists and the disk is not full."),
                   name);
      return FALSE;
    }
  if (!mc_file_commit (tmp, final, &local_error))
    {
      g_autofree char *name = g_filename_display_name (final);

      g_set_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_WRITE,
                   _("The cleaned page could not be saved as %s: %s"), name, local_error->message);
      return FALSE;
    }
  *written = g_steal_pointer (&final);
  return TRUE;
}
