/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-pdf-sign.h"

G_BEGIN_DECLS

/* An incremental update ready to be signed: the whole new file, with the
 * signature's /Contents a hex placeholder of contents_len bytes (the
 * angle brackets included) at contents_at, and /ByteRange already filled
 * in around it. */
typedef struct {
  GByteArray *file;
  gsize       contents_at;
  gsize       contents_len;
} McPdfSigUpdate;

/* The room for the CMS (signed attributes, the signer's certificate and
 * the signature): 1.5 kB measured with RSA 2048 and the test certificate;
 * a real certificate with its extensions and RSA 4096 stay well under
 * 4 kB, which leaves room for an RFC 3161 timestamp later. */
#define MC_PDF_SIG_MAX_CMS 8192

gboolean mc_pdf_sig_prepare (GBytes          *original,
                             const char      *signer,
                             GDateTime       *when,
                             McPdfSigUpdate  *update,
                             GError         **error);

/* The visible stamp: an appearance stream and its font objects, numbered
 * from *next_obj on, written into @out. Returns the appearance stream's
 * object number and sets the stamp's size in points. */
typedef struct {
  guint obj;
  gsize offset;
} McPdfXrefEntry;

/* Starts object @n in @out, which goes into the file at @base. */
void     mc_pdf_begin_obj   (GString         *out,
                             GArray          *xref,      /* McPdfXrefEntry */
                             gsize            base,
                             guint            n);

guint    mc_pdf_stamp_write (GString         *out,
                             GArray          *xref,
                             gsize            base,
                             guint           *next_obj,
                             const char * const *lines,
                             double          *width,
                             double          *height,
                             GError         **error);

/* D:YYYYMMDDHHmmSS+07'00' */
char    *mc_pdf_date        (GDateTime       *when);
GDateTime *mc_pdf_date_parse (const char     *text);

G_END_DECLS
