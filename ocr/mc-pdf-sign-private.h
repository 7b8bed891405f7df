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
  gsize       cms_room;     /* in: the room for the CMS in bytes; 0: MC_PDF_SIG_MAX_CMS */
} McPdfSigUpdate;

/* The room for the CMS (signed attributes, the signer's certificate and
 * the signature): 1.5 kB measured with RSA 2048 and the test certificate;
 * a real certificate with its extensions and RSA 4096 stay well under
 * 4 kB, which leaves room for an RFC 3161 timestamp later. */
#define MC_PDF_SIG_MAX_CMS 8192

/* With an RFC 3161 timestamp: the token adds its TSTInfo, the TSA's
 * signature and usually its certificate (2-3 kB with RSA 2048; a TSA
 * that sends its whole chain adds a few kB more). */
#define MC_PDF_SIG_TSA_ROOM 16384

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

/* ---- RFC 3161 timestamps (mc-pdf-tsa.c) ------------------------------- */

#define MC_OID_SIGNATURE_TIME_STAMP_TOKEN "1.2.840.113549.1.9.16.2.14"

/* Asks the TSA at @url for a timestamp over the signature value of the
 * one SignerInfo in @cms (DER, as GnuTLS writes it), checks the answer
 * (granted, same imprint, same nonce, the token's own signature) and
 * returns the CMS again with the token as the unsigned attribute
 * id-aa-signatureTimeStampToken. Errors: MC_SIGN_ERROR_TSA. */
GBytes    *mc_pdf_tsa_stamp_cms   (const guint8   *cms,
                                   gsize           cms_len,
                                   const char     *url,
                                   GCancellable   *cancellable,
                                   GError        **error);

/* Checks a timestamp token found on a signature whose signature value is
 * @sig: the imprint is the SHA-256 of @sig and the token's signature is
 * valid. Returns its time (UTC), or NULL with @problem set. With @trust,
 * *@trusted says whether the TSA's certificate chains to it. A token
 * whose certificate lacks the critical id-kp-timeStamping purpose (RFC
 * 3161 §2.3) returns its time with @problem set and is never trusted. */
GDateTime *mc_pdf_tsa_check_token (const guint8   *token,
                                   gsize           token_len,
                                   const guint8   *sig,
                                   gsize           sig_len,
                                   gpointer        trust,     /* gnutls_x509_trust_list_t or NULL */
                                   gboolean       *trusted,
                                   char          **problem);

G_END_DECLS
