/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-pdf-sign"

#include "config.h"

#include <string.h>
#include <curl/curl.h>
#include <glib/gi18n.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>

#include "mc-pdf-sign-private.h"

/* RFC 3161 timestamps on the clerk's signature (PAdES B-T): the request
 * over the SignerInfo's signature value, the TSA's answer checked, and
 * the token added to the CMS as the unsigned attribute
 * id-aa-signatureTimeStampToken. GnuTLS has no TSP API, and the DER
 * involved is small: a reader with a bound check on every length, and a
 * writer, both here. Only definite lengths (DER) are accepted. */

#define TSA_MAX_REPLY (256 * 1024)
#define OID_TST_INFO "1.2.840.113549.1.9.16.1.4"

/* ---- DER ------------------------------------------------------------- */

typedef struct {
  guint8        tag;
  const guint8 *start;   /* the tag byte */
  const guint8 *value;
  gsize         len;     /* of the value */
  gsize         total;   /* tag, length and value */
} Tlv;

/* One TLV at @p, within @avail bytes; single-byte tags only (all we
 * meet here). */
static gboolean
tlv_read (const guint8 *p,
          gsize         avail,
          Tlv          *t)
{
  gsize head = 2, len;

  if (avail < 2 || (p[0] & 0x1F) == 0x1F)
    return FALSE;
  len = p[1];
  if (len & 0x80)
    {
      gsize n = len & 0x7F;

      /* 0x80 alone is the indefinite length: not DER. */
      if (n == 0 || n > 4 || avail < 2 + n)
        return FALSE;
      len = 0;
      for (gsize i = 0; i < n; i++)
        len = len << 8 | p[2 + i];
      head += n;
    }
  if (len > avail - head)
    return FALSE;
  t->tag = p[0];
  t->start = p;
  t->value = p + head;
  t->len = len;
  t->total = head + len;
  return TRUE;
}

/* The @i-th element inside constructed @outer. */
static gboolean
tlv_child (const Tlv *outer,
           guint      i,
           Tlv       *child)
{
  const guint8 *p = outer->value;
  gsize left = outer->len;

  for (guint k = 0;; k++)
    {
      if (!tlv_read (p, left, child))
        return FALSE;
      if (k == i)
        return TRUE;
      p += child->total;
      left -= child->total;
    }
}

static void
der_header (GByteArray *out,
            guint8      tag,
            gsize       len)
{
  guint8 head[6];
  gsize n = 0;

  head[n++] = tag;
  if (len < 0x80)
    head[n++] = len;
  else
    {
      guint bytes = len > 0xFFFFFF ? 4 : len > 0xFFFF ? 3 : len > 0xFF ? 2 : 1;

      head[n++] = 0x80 | bytes;
      for (guint i = bytes; i > 0; i--)
        head[n++] = len >> (8 * (i - 1));
    }
  g_byte_array_append (out, head, n);
}

static void
der (GByteArray   *out,
     guint8        tag,
     const guint8 *content,
     gsize         len)
{
  der_header (out, tag, len);
  g_byte_array_append (out, content, len);
}

/* @outer again, with its child @old replaced by @replacement. */
static GByteArray *
der_replace (const Tlv    *outer,
             const Tlv    *old,
             const guint8 *replacement,
             gsize         replacement_len)
{
  GByteArray *out = g_byte_array_new ();
  gsize before = old->start - outer->value;
  gsize after = outer->len - before - old->total;

  der_header (out, outer->tag, before + replacement_len + after);
  g_byte_array_append (out, outer->value, before);
  g_byte_array_append (out, replacement, replacement_len);
  g_byte_array_append (out, old->start + old->total, after);
  return out;
}

/* ---- the CMS's parts --------------------------------------------------- */

/* The path to the one SignerInfo: ContentInfo, [0], SignedData, the set
 * signerInfos (SignedData's last element), the SignerInfo. */
typedef struct {
  Tlv content_info, explicit0, signed_data, signer_infos, signer_info, signature;
} CmsPath;

static gboolean
cms_path (const guint8 *cms,
          gsize         len,
          CmsPath      *path)
{
  Tlv t;

  if (!tlv_read (cms, len, &path->content_info) || path->content_info.tag != 0x30 ||
      !tlv_child (&path->content_info, 1, &path->explicit0) || path->explicit0.tag != 0xA0 ||
      !tlv_child (&path->explicit0, 0, &path->signed_data) || path->signed_data.tag != 0x30)
    return FALSE;
  /* signerInfos is the last element of SignedData. */
  path->signer_infos.tag = 0;
  for (guint i = 0; tlv_child (&path->signed_data, i, &t); i++)
    path->signer_infos = t;
  if (path->signer_infos.tag != 0x31 ||
      !tlv_child (&path->signer_infos, 0, &path->signer_info) || path->signer_info.tag != 0x30 ||
      tlv_child (&path->signer_infos, 1, &t))
    return FALSE;
  /* The signature value: SignerInfo's first OCTET STRING; no unsigned
   * attributes yet. */
  path->signature.tag = 0;
  for (guint i = 0; tlv_child (&path->signer_info, i, &t); i++)
    {
      if (t.tag == 0x04 && path->signature.tag == 0)
        path->signature = t;
      if (t.tag == 0xA1)
        return FALSE;
    }
  return path->signature.tag == 0x04;
}

/* The CMS with the unsigned attribute added, every enclosing length
 * written again. */
static GBytes *
cms_add_token (const CmsPath *path,
               const guint8  *token,
               gsize          token_len)
{
  static const guint8 oid[] = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x02, 0x0E };
  g_autoptr(GByteArray) values = g_byte_array_new ();
  g_autoptr(GByteArray) attr_body = g_byte_array_new ();
  g_autoptr(GByteArray) attr = g_byte_array_new ();
  g_autoptr(GByteArray) info_body = g_byte_array_new ();
  g_autoptr(GByteArray) info = g_byte_array_new ();
  g_autoptr(GByteArray) infos = NULL;
  g_autoptr(GByteArray) sd = NULL;
  g_autoptr(GByteArray) ex = NULL;
  GByteArray *ci;

  der (values, 0x31, token, token_len);
  der (attr_body, 0x06, oid, sizeof oid);
  g_byte_array_append (attr_body, values->data, values->len);
  der (attr, 0x30, attr_body->data, attr_body->len);
  /* unsignedAttrs [1] IMPLICIT SET OF Attribute, at the SignerInfo's end */
  g_byte_array_append (info_body, path->signer_info.value, path->signer_info.len);
  der (info_body, 0xA1, attr->data, attr->len);
  der (info, 0x30, info_body->data, info_body->len);
  infos = der_replace (&path->signer_infos, &path->signer_info, info->data, info->len);
  sd = der_replace (&path->signed_data, &path->signer_infos, infos->data, infos->len);
  ex = der_replace (&path->explicit0, &path->signed_data, sd->data, sd->len);
  ci = der_replace (&path->content_info, &path->explicit0, ex->data, ex->len);
  return g_byte_array_free_to_bytes (ci);
}

/* ---- the request and the reply ---------------------------------------- */

static GBytes *
make_request (const guint8 hash[32],
              const guint8 nonce[8])
{
  static const guint8 sha256_alg[] = { 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00 };
  static const guint8 version[] = { 0x02, 0x01, 0x01 };
  static const guint8 cert_req[] = { 0x01, 0x01, 0xFF };
  g_autoptr(GByteArray) imprint = g_byte_array_new ();
  g_autoptr(GByteArray) body = g_byte_array_new ();
  GByteArray *req = g_byte_array_new ();

  g_byte_array_append (imprint, sha256_alg, sizeof sha256_alg);
  der (imprint, 0x04, hash, 32);
  g_byte_array_append (body, version, sizeof version);
  der (body, 0x30, imprint->data, imprint->len);
  der (body, 0x02, nonce, 8);
  g_byte_array_append (body, cert_req, sizeof cert_req);
  der (req, 0x30, body->data, body->len);
  return g_byte_array_free_to_bytes (req);
}

static size_t
collect (char   *data,
         size_t  size,
         size_t  n,
         void   *user_data)
{
  GByteArray *reply = user_data;

  if (reply->len + size * n > TSA_MAX_REPLY)
    return 0;
  g_byte_array_append (reply, (const guint8 *) data, size * n);
  return size * n;
}

static int
progress (void       *user_data,
          curl_off_t  dltotal,
          curl_off_t  dlnow,
          curl_off_t  ultotal,
          curl_off_t  ulnow)
{
  return g_cancellable_is_cancelled (user_data) ? 1 : 0;
}

static GBytes *
post (const char    *url,
      GBytes        *request,
      GCancellable  *cancellable,
      GError       **error)
{
  static gsize once = 0;
  g_autoptr(GByteArray) reply = g_byte_array_new ();
  struct curl_slist *headers = NULL;
  CURL *curl;
  CURLcode code;
  long http = 0;

  if (g_once_init_enter (&once))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&once, 1);
    }
  curl = curl_easy_init ();
  if (curl == NULL)
    {
      g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_TSA,
                   _("The timestamp server %s could not be reached: %s"), url, "curl");
      return NULL;
    }
  headers = curl_slist_append (headers, "Content-Type: application/timestamp-query");
  headers = curl_slist_append (headers, "Accept: application/timestamp-reply");
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, g_bytes_get_data (request, NULL));
  curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE, (long) g_bytes_get_size (request));
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, reply);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  if (cancellable != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, progress);
      curl_easy_setopt (curl, CURLOPT_XFERINFODATA, cancellable);
      curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
    }
  code = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &http);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (code != CURLE_OK)
    {
      g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_TSA,
                   _("The timestamp server %s could not be reached: %s"), url, curl_easy_strerror (code));
      return NULL;
    }
  if (http != 200)
    {
      g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_TSA,
                   _("The timestamp server %s refused the request (HTTP %ld)."), url, http);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&reply));
}

static GDateTime *
parse_generalized_time (const Tlv *t)
{
  char text[32];
  int y, mo, d, h, mi, s;

  /* YYYYMMDDHHMMSS[.f...]Z */
  if (t->tag != 0x18 || t->len < 15 || t->len >= sizeof text)
    return NULL;
  memcpy (text, t->value, t->len);
  text[t->len] = '\0';
  if (text[t->len - 1] != 'Z' ||
      sscanf (text, "%4d%2d%2d%2d%2d%2d", &y, &mo, &d, &h, &mi, &s) != 6)
    return NULL;
  return g_date_time_new_utc (y, mo, d, h, mi, s);
}

/* The token's TSTInfo, from its signed content, and whether the token's
 * own signature holds (against one of its certificates, and against
 * @trust when given). */
/* RFC 3161 §2.3: the TSA's certificate carries the extended key usage
 * id-kp-timeStamping, and that extension is critical. */
static gboolean
is_for_timestamps (gnutls_x509_crt_t crt)
{
  for (unsigned i = 0;; i++)
    {
      char oid[128];
      size_t size = sizeof oid;
      unsigned int critical = 0;

      if (gnutls_x509_crt_get_key_purpose_oid (crt, i, oid, &size, &critical) < 0)
        return FALSE;
      if (critical && strcmp (oid, GNUTLS_KP_TIME_STAMPING) == 0)
        return TRUE;
    }
}

/* @for_timestamps (may be NULL): whether the certificate that signed the
 * token is a TSA's (is_for_timestamps()). */
static gboolean
token_tst_info (const guint8               *token,
                gsize                       token_len,
                gnutls_x509_trust_list_t    trust,
                gboolean                   *trusted,
                gboolean                   *for_timestamps,
                gnutls_datum_t             *tst)
{
  gnutls_pkcs7_t p7 = NULL;
  gnutls_datum_t raw = { (guint8 *) token, token_len };
  const char *oid = NULL;   /* the token's own */
  gboolean ok = FALSE;

  if (gnutls_pkcs7_init (&p7) < 0 ||
      gnutls_pkcs7_import (p7, &raw, GNUTLS_X509_FMT_DER) < 0 ||
      (oid = gnutls_pkcs7_get_embedded_data_oid (p7)) == NULL ||
      strcmp (oid, OID_TST_INFO) != 0 ||
      gnutls_pkcs7_get_embedded_data (p7, 0, tst) < 0)
    goto out;
  for (int i = 0, n = gnutls_pkcs7_get_crt_count (p7); i < n && !ok; i++)
    {
      gnutls_datum_t crt_der = { 0 };
      gnutls_x509_crt_t crt = NULL;

      if (gnutls_pkcs7_get_crt_raw2 (p7, i, &crt_der) >= 0 &&
          gnutls_x509_crt_init (&crt) >= 0 &&
          gnutls_x509_crt_import (crt, &crt_der, GNUTLS_X509_FMT_DER) >= 0)
        ok = gnutls_pkcs7_verify_direct (p7, crt, 0, NULL, GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                                         GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS) >= 0;
      if (ok && for_timestamps != NULL)
        *for_timestamps = is_for_timestamps (crt);
      if (crt)
        gnutls_x509_crt_deinit (crt);
      gnutls_free (crt_der.data);
    }
  if (ok && trust != NULL && trusted != NULL)
    *trusted = gnutls_pkcs7_verify (p7, trust, NULL, 0, 0, NULL, 0) >= 0;

out:
  if (!ok)
    {
      gnutls_free (tst->data);
      tst->data = NULL;
    }
  if (p7)
    gnutls_pkcs7_deinit (p7);
  return ok;
}

typedef enum { TST_OK, TST_DAMAGED, TST_OTHER_IMPRINT } TstCheck;

/* TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber,
 * genTime, accuracy OPTIONAL, ordering DEFAULT FALSE, nonce OPTIONAL,
 * tsa [0] OPTIONAL, extensions [1] OPTIONAL } */
static TstCheck
check_tst_info (const gnutls_datum_t  *tst,
                const guint8           hash[32],
                const guint8          *nonce,        /* 8 bytes, or NULL: not checked */
                GDateTime            **time)
{
  Tlv info, imprint, digest, gen_time, t;
  gboolean nonce_seen = FALSE;

  if (!tlv_read (tst->data, tst->size, &info) || info.tag != 0x30 ||
      !tlv_child (&info, 2, &imprint) || imprint.tag != 0x30 ||
      !tlv_child (&imprint, 1, &digest) || digest.tag != 0x04 ||
      !tlv_child (&info, 4, &gen_time) || (*time = parse_generalized_time (&gen_time)) == NULL)
    return TST_DAMAGED;
  for (guint i = 5; tlv_child (&info, i, &t); i++)
    if (t.tag == 0x02)
      {
        nonce_seen = TRUE;
        if (nonce != NULL && (t.len != 8 || memcmp (t.value, nonce, 8) != 0))
          return TST_OTHER_IMPRINT;
      }
  if (digest.len != 32 || memcmp (digest.value, hash, 32) != 0 || (nonce != NULL && !nonce_seen))
    return TST_OTHER_IMPRINT;
  return TST_OK;
}

GBytes *
mc_pdf_tsa_stamp_cms (const guint8   *cms,
                      gsize           cms_len,
                      const char     *url,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GDateTime) time = NULL;
  gnutls_datum_t tst = { 0 };
  guint8 hash[32], nonce[8];
  const guint8 *data;
  gsize len;
  CmsPath path;
  Tlv resp, status_info, status, token;
  TstCheck check;

  if (!cms_path (cms, cms_len, &path))
    {
      g_set_error_literal (error, MC_SIGN_ERROR, MC_SIGN_ERROR_FAILED,
                           _("The signature could not be prepared for a timestamp."));
      return NULL;
    }
  if (gnutls_hash_fast (GNUTLS_DIG_SHA256, path.signature.value, path.signature.len, hash) < 0 ||
      gnutls_rnd (GNUTLS_RND_NONCE, nonce, sizeof nonce) < 0)
    {
      g_set_error_literal (error, MC_SIGN_ERROR, MC_SIGN_ERROR_FAILED,
                           _("The signature could not be prepared for a timestamp."));
      return NULL;
    }
  /* A positive INTEGER in its shortest form. */
  nonce[0] = (nonce[0] & 0x7F) | 0x40;
  request = make_request (hash, nonce);
  if ((reply = post (url, request, cancellable, error)) == NULL)
    return NULL;

  /* TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken OPTIONAL } */
  data = g_bytes_get_data (reply, &len);
  if (!tlv_read (data, len, &resp) || resp.tag != 0x30 ||
      !tlv_child (&resp, 0, &status_info) || status_info.tag != 0x30 ||
      !tlv_child (&status_info, 0, &status) || status.tag != 0x02 || status.len != 1)
    {
      g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_TSA,
                   _("The answer of the timestamp server %s is damaged or is not a timestamp."), url);
      return NULL;
    }
  /* granted (0) or grantedWithMods (1) */
  if (status.value[0] > 1)
    {
      g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_TSA,
                   _("The timestamp server %s refused the request (status %d)."), url, status.value[0]);
      return NULL;
    }
  if (!tlv_child (&resp, 1, &token) || token.tag != 0x30 ||
      !token_tst_info (token.start, token.total, NULL, NULL, NULL, &tst))
    {
      g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_TSA,
                   _("The answer of the timestamp server %s is damaged or is not a timestamp."), url);
      return NULL;
    }
  check = check_tst_info (&tst, hash, nonce, &time);
  gnutls_free (tst.data);
  if (check == TST_DAMAGED)
    {
      g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_TSA,
                   _("The answer of the timestamp server %s is damaged or is not a timestamp."), url);
      return NULL;
    }
  if (check == TST_OTHER_IMPRINT)
    {
      g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_TSA,
                   _("The timestamp server %s answered for another document (the imprint or the nonce does not match)."), url);
      return NULL;
    }
  return cms_add_token (&path, token.start, token.total);
}

GDateTime *
mc_pdf_tsa_check_token (const guint8   *token,
                        gsize           token_len,
                        const guint8   *sig,
                        gsize           sig_len,
                        gpointer        trust,
                        gboolean       *trusted,
                        char          **problem)
{
  gnutls_datum_t tst = { 0 };
  GDateTime *time = NULL;
  guint8 hash[32];
  TstCheck check;
  gboolean for_timestamps = FALSE;

  if (trusted)
    *trusted = FALSE;
  if (gnutls_hash_fast (GNUTLS_DIG_SHA256, sig, sig_len, hash) < 0 ||
      !token_tst_info (token, token_len, trust, trusted, &for_timestamps, &tst))
    {
      *problem = g_strdup (_("The timestamp is damaged or its signature is not valid."));
      return NULL;
    }
  check = check_tst_info (&tst, hash, NULL, &time);
  gnutls_free (tst.data);
  if (check != TST_OK)
    {
      g_clear_pointer (&time, g_date_time_unref);
      *problem = g_strdup (_("The timestamp does not belong to this signature."));
      return NULL;
    }
  /* Whoever trusts its issuer: a certificate not made for timestamps
   * gives no trusted time. */
  if (!for_timestamps)
    {
      if (trusted)
        *trusted = FALSE;
      *problem = g_strdup (_("The timestamp is not trusted: it was signed with a certificate that is not a timestamp server’s."));
    }
  return time;
}
