/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-pdf-sign"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/pkcs11.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>

#include "mc-file-util.h"
#include "mc-pdf-sign-private.h"

/* Why GnuTLS rather than OpenSSL: GnuTLS reaches any PKCS#11 module
 * through p11-kit with plain pkcs11: URIs (gnutls_privkey_import_url),
 * reports the token's PIN flags (count low, final try, locked), and its
 * gnutls_pkcs7_sign writes exactly the signed attributes asked for:
 * content-type and message-digest always, signing-time only if asked
 * (PAdES B-B forbids it; the time is in /M), and signing-certificate-v2
 * added by us. OpenSSL's CMS always adds signing-time, and reaching a
 * token needs its PKCS#11 engine, deprecated in OpenSSL 3. */

#define OID_SIGNING_CERTIFICATE_V2 "1.2.840.113549.1.9.16.2.47"

G_DEFINE_QUARK (mc-sign-error-quark, mc_sign_error)

struct _McSigner
{
  GObject         parent_instance;
  McPinFunc       pin_func;
  gpointer        pin_data;
  GDestroyNotify  pin_destroy;
  char           *tsa_url;
};

G_DEFINE_FINAL_TYPE (McSigner, mc_signer, G_TYPE_OBJECT)

static void
mc_signer_finalize (GObject *object)
{
  McSigner *self = MC_SIGNER (object);

  if (self->pin_destroy)
    self->pin_destroy (self->pin_data);
  g_free (self->tsa_url);
  G_OBJECT_CLASS (mc_signer_parent_class)->finalize (object);
}

static void
mc_signer_class_init (McSignerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_signer_finalize;
}

static void
mc_signer_init (McSigner *self)
{
}

void
mc_signer_cert_free (McSignerCert *cert)
{
  if (cert == NULL)
    return;
  g_free (cert->uri);
  g_free (cert->token);
  g_free (cert->holder);
  g_free (cert->issuer);
  g_clear_pointer (&cert->not_before, g_date_time_unref);
  g_clear_pointer (&cert->not_after, g_date_time_unref);
  g_free (cert);
}

void
mc_sign_result_clear (McSignResult *result)
{
  g_clear_pointer (&result->signer, g_free);
  g_clear_pointer (&result->time, g_date_time_unref);
}

/* Once per process: GnuTLS's PKCS#11 layer is global. */
static gboolean
pkcs11_init (GError **error)
{
  static gsize once = 0;
  static int result = 0;

  if (g_once_init_enter (&once))
    {
      const char *module = g_getenv ("MOTCUA_PKCS11_MODULE");

      if (module != NULL && *module != '\0')
        {
          result = gnutls_pkcs11_init (GNUTLS_PKCS11_FLAG_MANUAL, NULL);
          if (result >= 0)
            result = gnutls_pkcs11_add_provider (module, NULL);
        }
      else
        result = gnutls_pkcs11_init (GNUTLS_PKCS11_FLAG_AUTO, NULL);
      g_once_init_leave (&once, 1);
    }
  if (result < 0)
    {
      g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_NO_TOKEN,
                   _("The driver for signing tokens could not be loaded (%s)."), gnutls_strerror (result));
      return FALSE;
    }
  return TRUE;
}

McSigner *
mc_signer_new (GError **error)
{
  if (!pkcs11_init (error))
    return NULL;
  return g_object_new (MC_TYPE_SIGNER, NULL);
}

void
mc_signer_set_pin_func (McSigner       *self,
                        McPinFunc       func,
                        gpointer        user_data,
                        GDestroyNotify  destroy)
{
  if (self->pin_destroy)
    self->pin_destroy (self->pin_data);
  self->pin_func = func;
  self->pin_data = user_data;
  self->pin_destroy = destroy;
}

void
mc_signer_set_tsa_url (McSigner   *self,
                       const char *url)
{
  g_return_if_fail (MC_IS_SIGNER (self));

  g_free (self->tsa_url);
  self->tsa_url = (url != NULL && *url != '\0') ? g_strdup (url) : NULL;
}

/* ---- certificates ------------------------------------------------------ */

static char *
dn_cn (gnutls_x509_crt_t crt, gboolean issuer)
{
  char buf[512];
  size_t len = sizeof buf;
  int ret = issuer
    ? gnutls_x509_crt_get_issuer_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &len)
    : gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &len);

  if (ret < 0 || !g_utf8_validate (buf, len, NULL))
    return NULL;
  return g_strndup (buf, len);
}

static gboolean
crt_can_sign (gnutls_x509_crt_t crt)
{
  unsigned usage = 0, critical = 0;

  /* No key usage extension: any use. */
  if (gnutls_x509_crt_get_key_usage (crt, &usage, &critical) < 0)
    return TRUE;
  return (usage & (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION)) != 0;
}

GPtrArray *
mc_signer_list_certificates (McSigner  *self,
                             GError   **error)
{
  g_autoptr(GPtrArray) certs = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_signer_cert_free);

  g_return_val_if_fail (MC_IS_SIGNER (self), NULL);

  for (unsigned seq = 0;; seq++)
    {
      g_autofree char *token_url = NULL;
      gnutls_pkcs11_obj_t *objs = NULL;
      unsigned n_objs = 0;
      char label[256];
      size_t label_len = sizeof label;
      int ret = gnutls_pkcs11_token_get_url (seq, GNUTLS_PKCS11_URL_GENERIC, &token_url);

      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (ret < 0)
        continue;
      /* p11-kit's trust module (the system's CA list) is not a signing
       * token. */
      {
        unsigned token_flags_ = 0;

        if (gnutls_pkcs11_token_get_flags (token_url, &token_flags_) >= 0 &&
            (token_flags_ & GNUTLS_PKCS11_TOKEN_TRUSTED))
          continue;
      }
      if (gnutls_pkcs11_token_get_info (token_url, GNUTLS_PKCS11_TOKEN_LABEL, label, &label_len) < 0)
        label[0] = '\0';
      /* Certificates are public objects: listed without the PIN (the
       * private keys beside them are not visible before login). */
      ret = gnutls_pkcs11_obj_list_import_url4 (&objs, &n_objs, token_url,
                                                GNUTLS_PKCS11_OBJ_FLAG_CRT);
      if (ret < 0)
        continue;
      for (unsigned i = 0; i < n_objs; i++)
        {
          gnutls_x509_crt_t crt = NULL;
          char *url = NULL;

          /* Tokens often carry their issuers' certificates too: a CA
           * certificate is never the clerk's own. */
          if (gnutls_x509_crt_init (&crt) >= 0 &&
              gnutls_x509_crt_import_pkcs11 (crt, objs[i]) >= 0 &&
              gnutls_x509_crt_get_ca_status (crt, NULL) <= 0 &&
              gnutls_pkcs11_obj_export_url (objs[i], GNUTLS_PKCS11_URL_GENERIC, &url) >= 0)
            {
              McSignerCert *c = g_new0 (McSignerCert, 1);
              g_autofree char *plain = g_strdup (url);
              char *type = strstr (plain, ";type=cert");

              /* The URI names token and object; the type is implied. */
              if (type != NULL)
                memmove (type, type + 10, strlen (type + 10) + 1);
              c->uri = g_steal_pointer (&plain);
              c->token = g_strndup (label, strnlen (label, sizeof label));
              g_strchomp (c->token);
              c->holder = dn_cn (crt, FALSE);
              c->issuer = dn_cn (crt, TRUE);
              c->not_before = g_date_time_new_from_unix_utc (gnutls_x509_crt_get_activation_time (crt));
              c->not_after = g_date_time_new_from_unix_utc (gnutls_x509_crt_get_expiration_time (crt));
              c->can_sign = crt_can_sign (crt);
              g_ptr_array_add (certs, c);
            }
          gnutls_free (url);
          if (crt)
            gnutls_x509_crt_deinit (crt);
          gnutls_pkcs11_obj_deinit (objs[i]);
        }
      gnutls_free (objs);
    }
  return g_steal_pointer (&certs);
}

/* ---- the CMS ------------------------------------------------------------ */

static void
der (GByteArray *out, guint8 tag, const guint8 *content, gsize len)
{
  guint8 head[6];
  gsize n = 0;

  head[n++] = tag;
  if (len < 0x80)
    head[n++] = len;
  else if (len < 0x100)
    {
      head[n++] = 0x81;
      head[n++] = len;
    }
  else
    {
      head[n++] = 0x82;
      head[n++] = len >> 8;
      head[n++] = len;
    }
  g_byte_array_append (out, head, n);
  g_byte_array_append (out, content, len);
}

/* SigningCertificateV2 (RFC 5035) for @crt: the SHA-256 of the
 * certificate (the default algorithm, so not written) and its issuer and
 * serial number. */
static GBytes *
signing_certificate_v2 (gnutls_x509_crt_t   crt,
                        GError            **error)
{
  gnutls_datum_t cert_der = { 0 }, issuer = { 0 };
  guint8 hash[32], serial[64];
  size_t serial_len = sizeof serial;
  g_autoptr(GByteArray) names = g_byte_array_new ();
  g_autoptr(GByteArray) gn = g_byte_array_new ();
  g_autoptr(GByteArray) issuer_serial = g_byte_array_new ();
  g_autoptr(GByteArray) inner = g_byte_array_new ();
  g_autoptr(GByteArray) id = g_byte_array_new ();
  g_autoptr(GByteArray) ids = g_byte_array_new ();
  GByteArray *attr = g_byte_array_new ();

  if (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &cert_der) < 0 ||
      gnutls_hash_fast (GNUTLS_DIG_SHA256, cert_der.data, cert_der.size, hash) < 0 ||
      gnutls_x509_crt_get_raw_issuer_dn (crt, &issuer) < 0 ||
      gnutls_x509_crt_get_serial (crt, serial, &serial_len) < 0)
    {
      gnutls_free (cert_der.data);
      gnutls_free (issuer.data);
      g_byte_array_unref (attr);
      g_set_error_literal (error, MC_SIGN_ERROR, MC_SIGN_ERROR_FAILED,
                           _("The signing certificate could not be read."));
      return NULL;
    }
  der (gn, 0xA4, issuer.data, issuer.size);                       /* directoryName [4] */
  der (names, 0x30, gn->data, gn->len);                           /* GeneralNames */
  g_byte_array_append (issuer_serial, names->data, names->len);
  if (serial[0] & 0x80)
    {
      guint8 tmp[65] = { 0 };

      memcpy (tmp + 1, serial, serial_len);
      der (issuer_serial, 0x02, tmp, serial_len + 1);
    }
  else
    der (issuer_serial, 0x02, serial, serial_len);
  der (inner, 0x04, hash, sizeof hash);                           /* certHash */
  der (inner, 0x30, issuer_serial->data, issuer_serial->len);     /* issuerSerial */
  der (id, 0x30, inner->data, inner->len);                        /* ESSCertIDv2 */
  der (ids, 0x30, id->data, id->len);                             /* certs */
  der (attr, 0x30, ids->data, ids->len);                          /* SigningCertificateV2 */
  gnutls_free (cert_der.data);
  gnutls_free (issuer.data);
  return g_byte_array_free_to_bytes (attr);
}

/* ---- signing ---------------------------------------------------------- */

typedef struct {
  McSigner *self;
  char     *token;
  char     *pin;        /* for this signing only, wiped after it */
  gboolean  asked;
  gboolean  wrong;
  gboolean  cancelled;
} PinContext;

static void
pin_context_wipe (PinContext *ctx)
{
  if (ctx->pin != NULL)
    {
      memset (ctx->pin, 0, strlen (ctx->pin));
      g_clear_pointer (&ctx->pin, g_free);
    }
}

static int
pin_callback (void        *userdata,
              int          attempt,
              const char  *token_url,
              const char  *token_label,
              unsigned     flags,
              char        *pin,
              size_t       pin_max)
{
  PinContext *ctx = userdata;
  McPinRequest request = { 0 };
  char *given = NULL;
  gsize len;

  /* A wrong PIN ends this attempt: the caller shows how many tries are
   * left and asks again, rather than a loop that locks the token. */
  if (attempt > 0 || (flags & GNUTLS_PIN_WRONG))
    {
      ctx->wrong = TRUE;
      return -1;
    }
  /* Asked again within one signing (a new session, or a key that wants
   * the PIN for each use): the PIN the clerk just gave. */
  if (ctx->asked)
    {
      if (ctx->pin == NULL || strlen (ctx->pin) + 1 > pin_max)
        return -1;
      memcpy (pin, ctx->pin, strlen (ctx->pin) + 1);
      return 0;
    }
  ctx->asked = TRUE;
  if (ctx->self->pin_func == NULL)
    {
      ctx->cancelled = TRUE;
      return -1;
    }
  request.token = token_label ? token_label : ctx->token;
  request.attempt = attempt;
  request.count_low = (flags & GNUTLS_PIN_COUNT_LOW) != 0;
  request.final_try = (flags & GNUTLS_PIN_FINAL_TRY) != 0;
  given = ctx->self->pin_func (&request, ctx->self->pin_data);
  if (given == NULL)
    {
      ctx->cancelled = TRUE;
      return -1;
    }
  ctx->pin = given;
  len = strlen (given);
  if (len + 1 > pin_max)
    {
      ctx->wrong = TRUE;
      return -1;
    }
  memcpy (pin, given, len + 1);
  return 0;
}

static unsigned
token_flags (const char *uri)
{
  unsigned flags = 0;

  if (gnutls_pkcs11_token_get_flags (uri, &flags) < 0)
    return 0;
  return flags;
}

static gboolean
any_token (void)
{
  g_autofree char *url = NULL;

  return gnutls_pkcs11_token_get_url (0, GNUTLS_PKCS11_URL_GENERIC, &url) >= 0;
}

/* What went wrong on the token, for the clerk. */
static void
set_token_error (GError     **error,
                 int          ret,
                 PinContext  *ctx,
                 const char  *uri,
                 gboolean     after_login)
{
  unsigned flags = token_flags (uri);

  if (ctx->cancelled)
    g_set_error_literal (error, MC_SIGN_ERROR, MC_SIGN_ERROR_CANCELLED,
                         _("Signing was cancelled: no PIN was given."));
  else if (ret == GNUTLS_E_PKCS11_PIN_LOCKED || (flags & GNUTLS_PKCS11_TOKEN_USER_PIN_LOCKED))
    g_set_error_literal (error, MC_SIGN_ERROR, MC_SIGN_ERROR_PIN_LOCKED,
                         _("The token is locked after too many wrong PINs. Ask the certificate provider to unlock it."));
  else if (ctx->wrong || ret == GNUTLS_E_PKCS11_PIN_ERROR)
    {
      if (flags & GNUTLS_PKCS11_TOKEN_USER_PIN_FINAL_TRY)
        g_set_error_literal (error, MC_SIGN_ERROR, MC_SIGN_ERROR_WRONG_PIN,
                             _("Wrong PIN. One try is left: one more wrong PIN locks the token."));
      else if (flags & GNUTLS_PKCS11_TOKEN_USER_PIN_COUNT_LOW)
        g_set_error_literal (error, MC_SIGN_ERROR, MC_SIGN_ERROR_WRONG_PIN,
                             _("Wrong PIN. Only a few tries are left before the token locks."));
      else
        g_set_error_literal (error, MC_SIGN_ERROR, MC_SIGN_ERROR_WRONG_PIN,
                             _("Wrong PIN. Check it and try again."));
    }
  else if (!any_token ())
    g_set_error_literal (error, MC_SIGN_ERROR,
                         after_login ? MC_SIGN_ERROR_TOKEN_REMOVED : MC_SIGN_ERROR_NO_TOKEN,
                         after_login
                         ? _("The signing token was removed or stopped answering while signing. Nothing was signed; plug it in and try again.")
                         : _("No signing token was found. Plug in the USB token and try again."));
  else if (after_login)
    g_set_error_literal (error, MC_SIGN_ERROR, MC_SIGN_ERROR_TOKEN_REMOVED,
                         _("The signing token was removed or stopped answering while signing. Nothing was signed; plug it in and try again."));
  else
    g_set_error_literal (error, MC_SIGN_ERROR, MC_SIGN_ERROR_NO_TOKEN,
                         _("The chosen certificate is not on any token plugged in. Plug in its token, or choose the certificate again."));
  g_debug ("token error: %s", gnutls_strerror (ret));
}

static gboolean
check_certificate (gnutls_x509_crt_t   crt,
                   GDateTime          *when,
                   GError            **error)
{
  gint64 t = g_date_time_to_unix (when);
  time_t from = gnutls_x509_crt_get_activation_time (crt);
  time_t until = gnutls_x509_crt_get_expiration_time (crt);

  if (until != (time_t) -1 && t > until)
    {
      g_autoptr(GDateTime) d = g_date_time_new_from_unix_local (until);
      g_autofree char *s = g_date_time_format (d, "%d/%m/%Y");

      g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_CERT_EXPIRED,
                   _("The signing certificate expired on %s. Renew it with the certificate provider."), s);
      return FALSE;
    }
  if (from != (time_t) -1 && t < from)
    {
      g_autoptr(GDateTime) d = g_date_time_new_from_unix_local (from);
      g_autofree char *s = g_date_time_format (d, "%d/%m/%Y");

      g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_CERT_NOT_YET_VALID,
                   _("The signing certificate is valid only from %s. Check the computer’s clock, or use another certificate."), s);
      return FALSE;
    }
  if (!crt_can_sign (crt))
    {
      g_set_error_literal (error, MC_SIGN_ERROR, MC_SIGN_ERROR_CERT_USAGE,
                           _("This certificate is not for signing documents (its key usage does not allow it). Choose the signing certificate on the token."));
      return FALSE;
    }
  return TRUE;
}

static char *
hex_upper (const guint8 *data, gsize len)
{
  static const char digits[] = "0123456789ABCDEF";
  char *s = g_malloc (2 * len + 1);

  for (gsize i = 0; i < len; i++)
    {
      s[2 * i] = digits[data[i] >> 4];
      s[2 * i + 1] = digits[data[i] & 15];
    }
  s[2 * len] = '\0';
  return s;
}

/* The file first: nothing is asked of the token for a file we cannot
 * sign. Read whole, and ending in a NUL the reader's number parsing can
 * stop at. */
static GBytes *
read_pdf (const char  *input,
          GError     **error)
{
  g_autoptr(GError) local = NULL;
  char *text = NULL;
  gsize len = 0;

  if (!g_file_get_contents (input, &text, &len, &local))
    {
      g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_INPUT,
                   _("The PDF %s cannot be read: %s"), input, local->message);
      return NULL;
    }
  return g_bytes_new_take (text, len);
}

/* The CMS (CAdES: with the signing-certificate-v2 attribute) over the
 * file without its /Contents; a GnuTLS error code on failure. */
static int
sign_update (gnutls_x509_crt_t      crt,
             gnutls_privkey_t       key,
             GBytes                *ess,
             const McPdfSigUpdate  *update,
             gnutls_datum_t        *cms)
{
  gsize after = update->contents_at + update->contents_len;
  gnutls_datum_t data = { 0 }, attr = { 0 };
  gnutls_pkcs7_t p7 = NULL;
  gnutls_pkcs7_attrs_t attrs = NULL;
  int ret;

  data.size = update->file->len - update->contents_len;
  data.data = g_malloc (data.size);
  memcpy (data.data, update->file->data, update->contents_at);
  memcpy (data.data + update->contents_at, update->file->data + after, update->file->len - after);
  attr.data = (guint8 *) g_bytes_get_data (ess, NULL);
  attr.size = g_bytes_get_size (ess);
  if ((ret = gnutls_pkcs7_init (&p7)) >= 0 &&
      (ret = gnutls_pkcs7_add_attr (&attrs, OID_SIGNING_CERTIFICATE_V2, &attr, 0)) >= 0 &&
      (ret = gnutls_pkcs7_sign (p7, crt, key, &data, attrs, NULL, GNUTLS_DIG_SHA256,
                                GNUTLS_PKCS7_INCLUDE_CERT)) >= 0)
    ret = gnutls_pkcs7_export2 (p7, GNUTLS_X509_FMT_DER, cms);
  g_free (data.data);
  if (attrs)
    gnutls_pkcs7_attrs_deinit (attrs);
  if (p7)
    gnutls_pkcs7_deinit (p7);
  return ret;
}

/* The CMS, in hex, into the room kept for it in /Contents. */
static gboolean
put_cms (McPdfSigUpdate        *update,
         const guint8          *cms,
         gsize                  cms_len,
         GError               **error)
{
  g_autofree char *contents = NULL;

  if (2 * cms_len + 2 > update->contents_len)
    {
      g_set_error_literal (error, MC_SIGN_ERROR, MC_SIGN_ERROR_FAILED,
                           _("The signature is larger than the room kept for it in the PDF."));
      return FALSE;
    }
  contents = hex_upper (cms, cms_len);
  memcpy (update->file->data + update->contents_at + 1, contents, strlen (contents));
  return TRUE;
}

gboolean
mc_signer_sign_pdf (McSigner      *self,
                    const char    *input,
                    const char    *output,
                    const char    *uri,
                    GDateTime     *when,
                    McSignResult  *result,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GBytes) original = NULL;
  g_autoptr(GBytes) ess = NULL;
  g_autoptr(GBytes) stamped = NULL;
  g_autofree char *holder = NULL;
  g_autoptr(GError) local = NULL;
  McPdfSigUpdate update = { 0 };
  PinContext ctx = { self, NULL, NULL, FALSE, FALSE, FALSE };
  gnutls_x509_crt_t crt = NULL;
  gnutls_privkey_t key = NULL;
  gnutls_datum_t cms = { 0 };
  gboolean ok = FALSE;
  unsigned flags;
  int ret;

  g_return_val_if_fail (MC_IS_SIGNER (self), FALSE);

  /* Whole seconds: /M has no fractions, and the stamp must say the same. */
  if (when == NULL)
    when = now = g_date_time_new_from_unix_local (g_get_real_time () / G_USEC_PER_SEC);

  if ((original = read_pdf (input, error)) == NULL)
    return FALSE;

  /* The certificate: public, read without the PIN. */
  if ((ret = gnutls_x509_crt_init (&crt)) < 0 ||
      (ret = gnutls_x509_crt_import_url (crt, uri, 0)) < 0)
    {
      set_token_error (error, ret, &ctx, uri, FALSE);
      goto out;
    }
  if (!check_certificate (crt, when, error))
    goto out;
  holder = dn_cn (crt, FALSE);
  if (holder == NULL)
    holder = g_strdup ("?");
  if ((ess = signing_certificate_v2 (crt, error)) == NULL)
    goto out;

  flags = token_flags (uri);
  if (flags & GNUTLS_PKCS11_TOKEN_USER_PIN_LOCKED)
    {
      set_token_error (error, GNUTLS_E_PKCS11_PIN_LOCKED, &ctx, uri, FALSE);
      goto out;
    }

  /* A timestamp token needs room beside the signature. */
  update.cms_room = self->tsa_url ? MC_PDF_SIG_MAX_CMS + MC_PDF_SIG_TSA_ROOM : MC_PDF_SIG_MAX_CMS;
  if (!mc_pdf_sig_prepare (original, holder, when, &update, error))
    goto out;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;

  /* The key: asking for the PIN when the token wants it, through the
   * key's own PIN function, never GnuTLS's global one, so that signings
   * on two threads cannot answer each other's prompts. */
  if ((ret = gnutls_privkey_init (&key)) < 0)
    goto token_failed;
  gnutls_privkey_set_pin_function (key, pin_callback, &ctx);
  if ((ret = gnutls_privkey_import_url (key, uri, 0)) < 0)
    goto token_failed;
  if ((ret = sign_update (crt, key, ess, &update, &cms)) < 0)
    goto token_failed;
  /* PAdES B-T: the TSA's timestamp over the signature value, asked for
   * once the token is done; any fault there and nothing is written. */
  if (self->tsa_url != NULL)
    {
      if ((stamped = mc_pdf_tsa_stamp_cms (cms.data, cms.size, self->tsa_url, cancellable, error)) == NULL)
        goto out;
      if (!put_cms (&update, g_bytes_get_data (stamped, NULL), g_bytes_get_size (stamped), error))
        goto out;
    }
  else if (!put_cms (&update, cms.data, cms.size, error))
    goto out;

  if (!mc_file_write_atomically (output, (const char *) update.file->data, update.file->len, &local))
    {
      g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_WRITE,
                   _("The signed PDF could not be saved: %s"), local->message);
      goto out;
    }
  if (result != NULL)
    {
      result->signer = g_steal_pointer (&holder);
      result->time = g_date_time_ref (when);
      result->bytes_added = update.file->len - g_bytes_get_size (original);
      result->timestamped = stamped != NULL;
    }
  ok = TRUE;
  goto out;

token_failed:
  set_token_error (error, ret, &ctx, uri, ctx.asked && !ctx.wrong && !ctx.cancelled);

out:
  pin_context_wipe (&ctx);
  if (update.file)
    g_byte_array_unref (update.file);
  gnutls_free (cms.data);
  if (key)
    gnutls_privkey_deinit (key);
  if (crt)
    gnutls_x509_crt_deinit (crt);
  return ok;
}
