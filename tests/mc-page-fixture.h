/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <vips/vips.h>

G_BEGIN_DECLS

/* Synthetic paperwork pages for the cleanup and PDF tests and the
 * benchmark: Vietnamese text rendered by Pango (through vips_text), then
 * degraded the way a counter scanner degrades real papers. Never a real
 * person's papers. */
typedef struct {
  int         dpi;          /* resolution of the "scan" */
  double      width_mm;     /* paper size; 0: A4 */
  double      height_mm;
  double      skew;         /* degrees, anticlockwise, as the paper lies on the glass */
  int         rotation;     /* 0, 90, 180, 270: the page was fed turned this far clockwise */
  gboolean    grey_paper;   /* grey, noisy, unevenly lit paper instead of white */
  gboolean    seal;         /* a red round seal over the signature block */
  gboolean    photo;        /* a grey ID-photo-like patch in the corner */
  gboolean    blank;        /* no text: paper, scanner noise and a few specks */
  gboolean    glass;        /* dark glass (lid open) around the paper */
  double      noise;        /* noise sigma in grey levels; 0: 6 */
  guint       variant;      /* picks the text, so pages differ */
  guint       n_paragraphs; /* 0: enough to fill most of the page */
  const char *font;         /* NULL: "Noto Sans 12" */
} McPageFixture;

/* Returns an sRGB uchar image (3 bands) with its resolution set; @truth
 * receives the text printed on the page (NULL for a blank page). */
VipsImage *mc_page_fixture_render   (const McPageFixture *fixture,
                                     char               **truth);
/* Writes the fixture as a PNG with its resolution. */
void       mc_page_fixture_save     (const McPageFixture *fixture,
                                     const char          *path,
                                     char               **truth);

/* Character error rate of @got against @truth: edit distance over Unicode
 * characters (NFC) with runs of white space folded to one space, divided by
 * the length of the truth. */
double     mc_text_cer              (const char *truth,
                                     const char *got);

/* Bad inputs, for the error-path tests. */
void       mc_fixture_write_huge_png_header (const char *path,
                                             guint32     width,
                                             guint32     height);

G_END_DECLS
