/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a cleaned line-art page (a one-strip CCITT G4 TIFF)
 * whose compressed data the searchable PDF copies as it is: read as the
 * PDF maker reads it, loaded as libvips loads it, and put on a PDF page. */
#include "config.h"

#include "mc-fuzz.h"
#include "mc-searchable-pdf-private.h"
#include "mc-vips.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = NULL;
  McPdfImage image = { 0 };

  mc_fuzz_init ();
  path = mc_fuzz_write_file (NULL, "page.tif", data, size);

  {
    /* The PDF maker looks at the page with libvips first. */
    g_autoptr(VipsImage) page = vips_image_new_from_file (path, "access", VIPS_ACCESS_SEQUENTIAL,
                                                          "fail", TRUE, NULL);
    double avg;

    if (page != NULL && (gint64) vips_image_get_width (page) * vips_image_get_height (page) < 4000000)
      vips_avg (page, &avg, NULL);
    vips_error_clear ();
  }

  if (mc_searchable_pdf_read_g4 (path, &image))
    {
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
      g_autoptr(McPdfWriter) writer = NULL;
      g_autoptr(GError) error = NULL;

      if (image.encoding != MC_PDF_IMAGE_G4 || image.data == NULL || g_bytes_get_size (image.data) == 0)
        __builtin_trap ();
      writer = mc_pdf_writer_new (out, NULL, &error);
      if (writer == NULL ||
          !mc_pdf_writer_add_page (writer, &image, 595, 842, NULL, 0,
                                   MAX (image.width, 1), MAX (image.height, 1), &error) ||
          !mc_pdf_writer_finish (writer, &error))
        g_error ("the PDF writer failed on a G4 page: %s", error ? error->message : "?");
      g_bytes_unref (image.data);
    }
  return 0;
}
