/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-pdf-sign"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>

#include "mc-pdf-sign-private.h"

/* Checking the signatures in any PDF, ours or a citizen's: each signature
 * dictionary is found by its /ByteRange, whose gap must be exactly the
 * /Contents hex string; the bytes of the range are hashed and checked
 * against the CMS (message-digest and the signature itself), and the
 * signer's certificate is chained to the CA bundle when one is given.
 * This looks at the bytes, not at the PDF's object structure, so it
 * works the same on files our reader would not understand. */

void
mc_pdf_signature_free (McPdfSignature *sig)
{
  if (sig == NULL)
    return;
  g_free (sig->signer);
  g_clear_pointer (&sig->time, g_date_time_unref);
  g_free (sig->sub_filter);
  g_free (sig->problem);
  g_clear_pointer (&sig->timestamp, g_date_time_unref);
  g_free (sig);
}

static const char *
find (const char *hay, gsize len, const char *needle, gsize from)
{
  gsize n = strlen (needle);

  for (gsize i = from; i + n <= len; i++)
    if (hay[i] == needle[0] && memcmp (hay + i, needle, n) == 0)
      return hay + i;
  return NULL;
}

/* The dictionary around @at: from the "<<" before it to the "endobj"
 * after (or a bounded window), where /M and /SubFilter are found. */
static char *
value_in_object (const char *data, gsize len, gsize at, const char *key)
{
  gsize start = at > 4096 ? at - 4096 : 0;
  const char *obj = NULL, *end, *k;

  for (const char *p = data + start; (p = find (data, at, " obj", p - data)) != NULL; p++)
    obj = p;
  if (obj == NULL)
    obj = data + start;
  end = find (data, len, "endobj", at);
  if (end == NULL)
    end = data + MIN (len, at + 65536);
  /* The key itself, not a longer name it begins (/M, not /MediaBox). */
  for (k = find (data, end - data, key, obj - data);
       k != NULL && k + strlen (key) < end && g_ascii_isalnum (k[strlen (key)]);
       k = find (data, end - data, key, k - data + 1))
    ;
  if (k == NULL)
    return NULL;
  k += strlen (key);
  while (k < end && (*k == ' ' || *k == '\n' || *k == '\r'))
    k++;
  if (*k == '(')
    {
      const char *close = memchr (k, ')', end - k);

      return close ? g_strndup (k + 1, close - k - 1) : NULL;
    }
  if (*k == '/')
    {
      const char *e = k + 1;

      while (e < end && (g_ascii_isalnum (*e) || *e == '.' || *e == '-' || *e == '_'))
        e++;
      return g_strndup (k + 1, e - k - 1);
    }
  return NULL;
}

static GBytes *
unhex (const char *p, gsize len)
{
  GByteArray *out = g_byte_array_sized_new (len / 2);
  int hi = -1;

  for (gsize i = 0; i < len; i++)
    {
      int v = g_ascii_xdigit_value (p[i]);

      if (v < 0)
        continue;
      if (hi < 0)
        hi = v;
      else
        {
          guint8 b = hi << 4 | v;

          g_byte_array_append (out, &b, 1);
          hi = -1;
        }
    }
  return g_byte_array_free_to_bytes (out);
}

/* The DER object's own length, without the zeros padding /Contents. */
static gsize
der_length (const guint8 *p, gsize len)
{
  gsize n, l;

  if (len < 2 || p[0] != 0x30)
    return len;
  if (p[1] < 0x80)
    return MIN (len, (gsize) p[1] + 2);
  n = p[1] & 0x7F;
  if (n > 4 || len < 2 + n)
    return len;
  l = 0;
  for (gsize i = 0; i < n; i++)
    l = l << 8 | p[2 + i];
  return MIN (len, 2 + n + l);
}

static char *
crt_cn (gnutls_x509_crt_t crt)
{
  char buf[512];
  size_t len = sizeof buf;

  if (gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &len) < 0 ||
      !g_utf8_validate (buf, len, NULL))
    return NULL;
  return g_strndup (buf, len);
}

/* The RFC 3161 timestamp among the unsigned attributes, if any: its
 * time is kept when it belongs to this signature value. Returns whether
 * it may be used as the time of the chain check (its TSA is trusted). */
static gboolean
check_timestamp (McPdfSignature                  *sig,
                 gnutls_pkcs7_signature_info_st  *info,
                 gnutls_x509_trust_list_t         trust)
{
  for (unsigned i = 0;; i++)
    {
      char *oid = NULL;
      gnutls_datum_t value = { 0 };
      gboolean trusted = FALSE;
      g_autofree char *problem = NULL;
      int ret = gnutls_pkcs7_get_attr (info->unsigned_attrs, i, &oid, &value, 0);

      if (ret < 0)
        return FALSE;
      if (strcmp (oid, MC_OID_SIGNATURE_TIME_STAMP_TOKEN) != 0)
        {
          gnutls_free (value.data);
          continue;
        }
      sig->timestamp = mc_pdf_tsa_check_token (value.data, value.size, info->sig.data, info->sig.size,
                                               trust, &trusted, &problem);
      gnutls_free (value.data);
      /* No time, or one that cannot be trusted whatever the bundle. */
      if (sig->timestamp == NULL || problem != NULL)
        {
          sig->problem = g_steal_pointer (&problem);
          return FALSE;
        }
      if (trust != NULL && !trusted)
        {
          sig->problem = g_strdup (_("The timestamp’s authority does not chain to a trusted authority."));
          return FALSE;
        }
      return trust != NULL;
    }
}

/* The signer: the included certificate matching the signer info, or
 * NULL. */
static gnutls_x509_crt_t
find_signer (gnutls_pkcs7_t                         p7,
             const gnutls_pkcs7_signature_info_st *info)
{
  gnutls_x509_crt_t signer = NULL;

  for (int i = 0, n = gnutls_pkcs7_get_crt_count (p7); i < n && signer == NULL; i++)
    {
      gnutls_datum_t raw = { 0 };
      gnutls_x509_crt_t crt = NULL;
      guint8 serial[64];
      size_t serial_len = sizeof serial;
      gnutls_datum_t issuer = { 0 };

      if (gnutls_pkcs7_get_crt_raw2 (p7, i, &raw) < 0)
        continue;
      if (gnutls_x509_crt_init (&crt) >= 0 && gnutls_x509_crt_import (crt, &raw, GNUTLS_X509_FMT_DER) >= 0)
        {
          gboolean match = TRUE;

          if (info->signer_serial.size > 0 &&
              gnutls_x509_crt_get_serial (crt, serial, &serial_len) >= 0)
            match = serial_len == info->signer_serial.size &&
                    memcmp (serial, info->signer_serial.data, serial_len) == 0;
          if (match && info->issuer_dn.size > 0 && gnutls_x509_crt_get_raw_issuer_dn (crt, &issuer) >= 0)
            {
              match = issuer.size == info->issuer_dn.size && memcmp (issuer.data, info->issuer_dn.data, issuer.size) == 0;
              gnutls_free (issuer.data);
            }
          if (match)
            signer = g_steal_pointer (&crt);
        }
      if (crt)
        gnutls_x509_crt_deinit (crt);
      gnutls_free (raw.data);
    }
  return signer;
}

static void
check_one (McPdfSignature             *sig,
           const char                 *data,
           gsize                       len,
           const guint64               range[4],
           gnutls_x509_trust_list_t    trust)
{
  g_autoptr(GBytes) der = NULL;
  gnutls_pkcs7_t p7 = NULL;
  gnutls_x509_crt_t signer = NULL;
  gnutls_datum_t cms, signed_data = { 0 };
  gnutls_pkcs7_signature_info_st info = { 0 };
  gsize der_len;
  const guint8 *der_data;
  gboolean ts_usable;
  int ret;

  /* Each bound on its own, so that no sum of hostile numbers wraps. */
  if (range[0] != 0 || range[2] > len || range[3] > len - range[2] ||
      range[1] >= range[2] || range[2] - range[1] < 2 ||
      data[range[1]] != '<' || data[range[2] - 1] != '>')
    {
      sig->problem = g_strdup (_("The signature’s byte range does not fit the file."));
      return;
    }
  sig->bytes_after = len - (range[2] + range[3]);
  sig->covers_whole_file = sig->bytes_after == 0;

  der = unhex (data + range[1] + 1, range[2] - range[1] - 2);
  der_data = g_bytes_get_data (der, &der_len);
  cms.data = (guint8 *) der_data;
  cms.size = der_length (der_data, der_len);

  signed_data.size = range[1] + range[3];
  signed_data.data = g_malloc (signed_data.size);
  memcpy (signed_data.data, data, range[1]);
  memcpy (signed_data.data + range[1], data + range[2], range[3]);

  if (gnutls_pkcs7_init (&p7) < 0 || gnutls_pkcs7_import (p7, &cms, GNUTLS_X509_FMT_DER) < 0 ||
      gnutls_pkcs7_get_signature_info (p7, 0, &info) < 0)
    {
      sig->problem = g_strdup (_("The signature data is damaged."));
      goto out;
    }
  signer = find_signer (p7, &info);
  if (signer == NULL)
    {
      sig->problem = g_strdup (_("The signer’s certificate is not in the signature."));
      goto out;
    }
  sig->signer = crt_cn (signer);

  /* Intact is about the bytes and the signature alone: a certificate
   * that has expired since does not make the content changed (the chain
   * check below says what its dates mean). */
  ret = gnutls_pkcs7_verify_direct (p7, signer, 0, &signed_data,
                                    GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS);
  sig->intact = ret >= 0;
  if (!sig->intact)
    {
      sig->problem = g_strdup (_("The signed content was changed after signing, or the signature is not valid."));
      goto out;
    }
  ts_usable = check_timestamp (sig, &info, trust);
  if (trust != NULL)
    {
      /* With a timestamp from a trusted TSA, the chain is checked at the
       * timestamp's time: a certificate that expired after a timestamped
       * signing stays trusted. Otherwise at the present time. */
      if (ts_usable)
        {
          gint64 t = g_date_time_to_unix (sig->timestamp);

          ret = gnutls_pkcs7_verify (p7, trust, NULL, 0, 0, &signed_data,
                                     GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS);
          if (ret >= 0 && (t < gnutls_x509_crt_get_activation_time (signer) ||
                           t > gnutls_x509_crt_get_expiration_time (signer)))
            ret = GNUTLS_E_EXPIRED;
        }
      else
        ret = gnutls_pkcs7_verify (p7, trust, NULL, 0, 0, &signed_data, 0);
      sig->chain = ret >= 0 ? MC_CHAIN_TRUSTED : MC_CHAIN_UNTRUSTED;
      if (ret < 0 && sig->problem == NULL)
        sig->problem = g_strdup (_("The signer’s certificate does not chain to a trusted authority."));
    }

out:
  gnutls_pkcs7_signature_info_deinit (&info);
  g_free (signed_data.data);
  if (signer)
    gnutls_x509_crt_deinit (signer);
  if (p7)
    gnutls_pkcs7_deinit (p7);
}

GPtrArray *
mc_pdf_verify (const char  *path,
               const char  *ca_file,
               GError     **error)
{
  g_autoptr(GPtrArray) sigs = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_pdf_signature_free);
  g_autoptr(GError) local = NULL;
  gnutls_x509_trust_list_t trust = NULL;
  g_autofree char *data = NULL;   /* NUL-terminated: numbers are parsed in it */
  gsize len = 0, from = 0;

  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_INPUT, _("The PDF %s cannot be read: %s"),
                   path, local->message);
      return NULL;
    }
  if (len < 8 || strncmp (data, "%PDF-", 5) != 0)
    {
      g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_INPUT, _("%s is not a PDF file."), path);
      return NULL;
    }
  if (ca_file != NULL)
    {
      int ret;

      if (gnutls_x509_trust_list_init (&trust, 0) < 0 ||
          (ret = gnutls_x509_trust_list_add_trust_file (trust, ca_file, NULL, GNUTLS_X509_FMT_PEM, 0, 0)) <= 0)
        {
          if (trust)
            gnutls_x509_trust_list_deinit (trust, 1);
          g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_INPUT,
                       _("The certificate authority file %s holds no certificate."), ca_file);
          return NULL;
        }
    }

  for (const char *p; (p = find (data, len, "/ByteRange", from)) != NULL;)
    {
      g_autoptr(McPdfSignature) sig = g_new0 (McPdfSignature, 1);
      g_autofree char *m = NULL;
      guint64 range[4];
      const char *q = p + 10;
      char *e;
      gboolean parsed = TRUE;

      from = p - data + 10;
      while (q < data + len && (*q == ' ' || *q == '\n' || *q == '\r'))
        q++;
      if (q >= data + len || *q != '[')
        continue;
      q++;
      for (int i = 0; i < 4 && parsed; i++)
        {
          while (q < data + len && (*q == ' ' || *q == '\n' || *q == '\r'))
            q++;
          range[i] = g_ascii_strtoull (q, &e, 10);
          parsed = e != q;
          q = e;
        }
      if (!parsed)
        continue;
      sig->sub_filter = value_in_object (data, len, p - data, "/SubFilter");
      m = value_in_object (data, len, p - data, "/M");
      sig->time = mc_pdf_date_parse (m);
      check_one (sig, data, len, range, trust);
      g_ptr_array_add (sigs, g_steal_pointer (&sig));
    }
  if (trust)
    gnutls_x509_trust_list_deinit (trust, 1);
  return g_steal_pointer (&sigs);
}
