/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-ocr-pool.h"

G_BEGIN_DECLS

/* A minimal PDF writer for scanned documents: each page is one image
 * (JPEG passed through as DCTDecode, or CCITT G4) with an invisible text
 * layer in a glyphless font whose codes are the text's UTF-16 units, so
 * copying the text out gives exactly what the OCR read. Always: XMP
 * metadata matching the Info dictionary, the font embedded, every stream
 * of exact length, a file ID. With McPdfInfo.pdfa also the sRGB output
 * intent and the PDF/A-2b identification. The structure follows
 * ISO 19005-2 as far as we know it, but no validator (veraPDF) has
 * checked these files, so the claim is off unless asked for. */

typedef enum {
  MC_PDF_IMAGE_JPEG,   /* baseline or progressive JPEG, 1 or 3 components */
  MC_PDF_IMAGE_G4,     /* CCITT Group 4, 1 bit */
} McPdfImageEncoding;

typedef struct {
  McPdfImageEncoding  encoding;
  GBytes             *data;
  int                 width;       /* pixels */
  int                 height;
  int                 components;  /* JPEG: 1 or 3 */
  gboolean            black_is_1;  /* G4: 1 bits are black (TIFF min-is-black) */
} McPdfImage;

typedef struct {
  const char *title;       /* NULL: none */
  const char *producer;    /* NULL: "Một Cửa <version>" */
  GDateTime  *created;     /* NULL: now */
  gboolean    pdfa;        /* write the PDF/A-2b identification and output intent */
} McPdfInfo;

typedef struct _McPdfWriter McPdfWriter;

McPdfWriter *mc_pdf_writer_new        (GOutputStream     *out,
                                       const McPdfInfo   *info,
                                       GError           **error);
/* @words are in the pixels of an image @src_width × @src_height (the one
 * OCR read), which covers the whole page of @width_pt × @height_pt. */
gboolean     mc_pdf_writer_add_page   (McPdfWriter       *writer,
                                       const McPdfImage  *image,
                                       double             width_pt,
                                       double             height_pt,
                                       const McOcrWord   *words,
                                       guint              n_words,
                                       int                src_width,
                                       int                src_height,
                                       GError           **error);
gboolean     mc_pdf_writer_finish     (McPdfWriter       *writer,
                                       GError           **error);
goffset      mc_pdf_writer_get_offset (McPdfWriter       *writer);
void         mc_pdf_writer_free       (McPdfWriter       *writer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McPdfWriter, mc_pdf_writer_free)

/* The glyphless TrueType font program, for tests. */
GBytes      *mc_pdf_glyphless_font    (void);

G_END_DECLS
