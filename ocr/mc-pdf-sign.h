/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The clerk's digital signature on a component PDF (issue 15): a PAdES
 * baseline B-B signature made with a key on a PKCS#11 token, written as an
 * incremental update with a visible stamp at the top left of page 1; and
 * the check of the signatures in a PDF. */

#define MC_SIGN_ERROR (mc_sign_error_quark ())

typedef enum {
  MC_SIGN_ERROR_FAILED,
  MC_SIGN_ERROR_NO_TOKEN,        /* no token plugged in, or none holds that certificate */
  MC_SIGN_ERROR_TOKEN_REMOVED,   /* the token went away or stopped answering */
  MC_SIGN_ERROR_WRONG_PIN,
  MC_SIGN_ERROR_PIN_LOCKED,
  MC_SIGN_ERROR_CANCELLED,       /* no PIN given */
  MC_SIGN_ERROR_CERT_EXPIRED,
  MC_SIGN_ERROR_CERT_NOT_YET_VALID,
  MC_SIGN_ERROR_CERT_USAGE,      /* the certificate is not for signing */
  MC_SIGN_ERROR_INPUT,           /* the PDF cannot be read or is not one we can sign */
  MC_SIGN_ERROR_WRITE,           /* the signed file cannot be written */
  MC_SIGN_ERROR_TSA,             /* the timestamp server is unreachable, refuses, or answers wrongly */
} McSignError;

GQuark mc_sign_error_quark (void);

/* A certificate with its key on a token. */
typedef struct {
  char      *uri;           /* pkcs11: URI naming token and object */
  char      *token;         /* the token's label */
  char      *holder;        /* the certificate's common name */
  char      *issuer;        /* the issuer's common name */
  GDateTime *not_before;
  GDateTime *not_after;
  gboolean   can_sign;      /* key usage allows digitalSignature or nonRepudiation */
} McSignerCert;

void mc_signer_cert_free (McSignerCert *cert);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McSignerCert, mc_signer_cert_free)

/* What a PIN prompt is told. */
typedef struct {
  const char *token;        /* the token's label */
  guint       attempt;      /* 0 the first time; more after a wrong PIN */
  gboolean    count_low;    /* the token says few tries are left */
  gboolean    final_try;    /* the token locks after one more wrong PIN */
} McPinRequest;

/* Returns the PIN (freed with g_free after use, wiped first), or NULL to
 * cancel. The PIN is never stored. */
typedef char *(*McPinFunc) (const McPinRequest *request,
                            gpointer            user_data);

#define MC_TYPE_SIGNER (mc_signer_get_type ())
G_DECLARE_FINAL_TYPE (McSigner, mc_signer, MC, SIGNER, GObject)

/* Tokens are reached through p11-kit's configured modules, or through the
 * one module at $MOTCUA_PKCS11_MODULE when that is set. */
McSigner  *mc_signer_new               (GError      **error);
void       mc_signer_set_pin_func      (McSigner     *self,
                                        McPinFunc     func,
                                        gpointer      user_data,
                                        GDestroyNotify destroy);
/* An RFC 3161 timestamp server: signatures made afterwards carry its
 * timestamp over the signature value (PAdES B-T). NULL: none (B-B). */
void       mc_signer_set_tsa_url       (McSigner     *self,
                                        const char   *url);
/* The certificates on all tokens that have a private key beside them. */
GPtrArray *mc_signer_list_certificates (McSigner     *self,
                                        GError      **error);

typedef struct {
  char      *signer;        /* holder name */
  GDateTime *time;          /* the time in /M and on the stamp */
  guint64    bytes_added;
  gboolean   timestamped;   /* a TSA's timestamp was added */
} McSignResult;

void mc_sign_result_clear (McSignResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (McSignResult, mc_sign_result_clear)

/* Signs @input (a PDF written by Một Cửa, signed before or not) with the
 * key and certificate at @uri, writing @output atomically: @output appears
 * complete or not at all, and @input is never touched (they may be the
 * same path). @when NULL: now. */
gboolean   mc_signer_sign_pdf          (McSigner     *self,
                                        const char   *input,
                                        const char   *output,
                                        const char   *uri,
                                        GDateTime    *when,
                                        McSignResult *result,
                                        GCancellable *cancellable,
                                        GError      **error);

/* ---- verifying ------------------------------------------------------ */

typedef enum {
  MC_CHAIN_NOT_CHECKED,     /* no CA bundle given */
  MC_CHAIN_TRUSTED,
  MC_CHAIN_UNTRUSTED,
} McChainStatus;

typedef struct {
  char          *signer;        /* the signing certificate's common name; NULL if unreadable */
  GDateTime     *time;          /* /M; NULL if absent */
  char          *sub_filter;
  gboolean       intact;        /* digest over /ByteRange matches and the CMS signature is valid */
  gboolean       covers_whole_file;
  guint64        bytes_after;   /* bytes after the signed range (later revisions or appended data) */
  McChainStatus  chain;
  char          *problem;       /* why not intact or not trusted, for people; NULL if none */
  GDateTime     *timestamp;     /* an RFC 3161 timestamp's time that belongs to the signature; NULL if none */
} McPdfSignature;

void       mc_pdf_signature_free  (McPdfSignature *sig);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McPdfSignature, mc_pdf_signature_free)

/* Every signature in @path, in file order. @ca_file (PEM, may hold
 * several) NULL: the chain is not checked. */
GPtrArray *mc_pdf_verify          (const char  *path,
                                   const char  *ca_file,
                                   GError     **error);

G_END_DECLS
