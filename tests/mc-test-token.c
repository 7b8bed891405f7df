/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "mc-test-token.h"
#include "mc-test-util.h"

#define DAY (24 * 60 * 60)

static void
check (int ret, const char *what)
{
  if (ret < 0)
    g_error ("test token: %s: %s", what, gnutls_strerror (ret));
}

static void
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("test token: %s failed:\n%s%s", argv[0], out, err);
}

static void
save (const char *path, gnutls_datum_t *d)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) d->data, d->size, &error);
  g_assert_no_error (error);
  gnutls_free (d->data);
}

static gnutls_x509_privkey_t
make_key (gnutls_pk_algorithm_t algo, unsigned bits)
{
  gnutls_x509_privkey_t key;

  check (gnutls_x509_privkey_init (&key), "key");
  check (gnutls_x509_privkey_generate (key, algo, bits, 0), "generate key");
  return key;
}

/* A certificate for @key, signed by @issuer (self-signed when NULL). */
static gnutls_x509_crt_t
make_crt (gnutls_x509_privkey_t  key,
          const char            *dn,
          gboolean               ca,
          guint                  usage,
          time_t                 from,
          time_t                 until,
          gnutls_x509_crt_t      issuer,
          gnutls_x509_privkey_t  issuer_key,
          guint8                 serial)
{
  gnutls_x509_crt_t crt;
  const char *err = NULL;
  guint8 id[20];
  size_t id_len = sizeof id;
  guint8 sn[2] = { 0x10, serial };

  check (gnutls_x509_crt_init (&crt), "crt");
  check (gnutls_x509_crt_set_version (crt, 3), "version");
  check (gnutls_x509_crt_set_serial (crt, sn, sizeof sn), "serial");
  check (gnutls_x509_crt_set_activation_time (crt, from), "activation");
  check (gnutls_x509_crt_set_expiration_time (crt, until), "expiration");
  if (gnutls_x509_crt_set_dn (crt, dn, &err) < 0)
    g_error ("test token: bad DN at %s", err);
  check (gnutls_x509_crt_set_key (crt, key), "set key");
  check (gnutls_x509_crt_set_basic_constraints (crt, ca, -1), "basic constraints");
  check (gnutls_x509_crt_set_key_usage (crt, usage), "key usage");
  check (gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA1, id, &id_len), "key id");
  check (gnutls_x509_crt_set_subject_key_id (crt, id, id_len), "subject key id");
  if (issuer != NULL)
    {
      id_len = sizeof id;
      check (gnutls_x509_privkey_get_key_id (issuer_key, GNUTLS_KEYID_USE_SHA1, id, &id_len), "issuer key id");
      check (gnutls_x509_crt_set_authority_key_id (crt, id, id_len), "authority key id");
    }
  check (gnutls_x509_crt_sign2 (crt, issuer ? issuer : crt, issuer ? issuer_key : key,
                                GNUTLS_DIG_SHA256, 0), "sign");
  return crt;
}

static void
put_on_token (McTestToken            *t,
              const char             *module,
              gnutls_x509_privkey_t   key,
              gnutls_x509_crt_t       crt,
              const char             *label,
              const char             *id)
{
  g_autofree char *key_pem = g_build_filename (t->dir, "key.pem", NULL);
  g_autofree char *crt_pem = g_strdup_printf ("%s/%s.pem", t->dir, label);
  g_autofree char *token_uri = g_strdup_printf ("pkcs11:token=%s", t->label);
  g_autofree char *id_arg = g_strdup_printf ("--id=%s", id);
  g_autofree char *label_arg = g_strdup_printf ("--label=%s", label);
  g_autofree char *provider = g_strdup_printf ("--provider=%s", module);
  gnutls_datum_t d;

  check (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &d), "pkcs8");
  save (key_pem, &d);
  check (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &d), "export crt");
  save (crt_pem, &d);
  run ((const char *[]) { "softhsm2-util", "--import", key_pem, "--token", t->label, "--label", label,
                          "--id", id, "--pin", t->pin, NULL });
  g_unlink (key_pem);
  run ((const char *[]) { "p11tool", provider, "--login", "--write", label_arg, id_arg,
                          "--load-certificate", crt_pem, token_uri, NULL });
}

McTestToken *
mc_test_token_new (void)
{
  McTestToken *t = g_new0 (McTestToken, 1);
  const char *softhsm = g_getenv ("MC_SOFTHSM_MODULE");
  const char *liar = g_getenv ("MC_P11_LIAR");
  g_autofree char *tokens = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *conf_text = NULL;
  const char *holder = "CN=" MC_TEST_TOKEN_HOLDER ",O=UBND Phường Thử,L=Hà Nội,C=VN";
  time_t now = time (NULL);
  gnutls_x509_privkey_t ca_key, other_key, rsa, ec;
  gnutls_x509_crt_t ca, other, crt;
  gnutls_datum_t d;
  guint sign_usage = GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION;

  g_assert_nonnull (softhsm);
  g_assert_nonnull (liar);
  t->dir = mc_test_make_tmpdir ("token");
  t->label = g_strdup ("motcua-test");
  t->pin = g_strdup ("123456");
  t->so_pin = g_strdup ("12345678");
  t->state = g_build_filename (t->dir, "wrong-pin-tries", NULL);
  tokens = g_build_filename (t->dir, "tokens", NULL);
  g_assert_cmpint (g_mkdir (tokens, 0700), ==, 0);
  conf = g_build_filename (t->dir, "softhsm2.conf", NULL);
  conf_text = g_strdup_printf ("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", tokens);
  mc_test_write_file (conf, conf_text);

  /* Hermetic: only this token, through the fault-injecting module, for
   * this process and every program it starts. */
  g_setenv ("SOFTHSM2_CONF", conf, TRUE);
  g_setenv ("MC_P11_REAL", softhsm, TRUE);
  g_setenv ("MC_P11_STATE", t->state, TRUE);
  g_setenv ("MOTCUA_PKCS11_MODULE", liar, TRUE);
  g_unsetenv ("MC_P11_FAULT");

  run ((const char *[]) { "softhsm2-util", "--init-token", "--free", "--label", t->label,
                          "--so-pin", t->so_pin, "--pin", t->pin, NULL });
  g_setenv ("GNUTLS_PIN", t->pin, TRUE);
  g_setenv ("GNUTLS_SO_PIN", t->so_pin, TRUE);

  ca_key = make_key (GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1));
  ca = make_crt (ca_key, "CN=CA Thử nghiệm Một Cửa,O=Một Cửa tests,C=VN", TRUE,
                 GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN,
                 now - 400 * DAY, now + 3650 * DAY, NULL, NULL, 1);
  t->ca_pem = g_build_filename (t->dir, "ca.pem", NULL);
  check (gnutls_x509_crt_export2 (ca, GNUTLS_X509_FMT_PEM, &d), "export ca");
  save (t->ca_pem, &d);
  other_key = make_key (GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1));
  other = make_crt (other_key, "CN=Another CA,C=VN", TRUE, GNUTLS_KEY_KEY_CERT_SIGN,
                    now - 400 * DAY, now + 3650 * DAY, NULL, NULL, 2);
  t->other_ca_pem = g_build_filename (t->dir, "other-ca.pem", NULL);
  check (gnutls_x509_crt_export2 (other, GNUTLS_X509_FMT_PEM, &d), "export other ca");
  save (t->other_ca_pem, &d);

  /* The CA's certificate on the token too, as real tokens carry their
   * chain: it has no key there and is not a signing certificate. */
  {
    g_autofree char *provider = g_strdup_printf ("--provider=%s", softhsm);
    g_autofree char *token_uri = g_strdup_printf ("pkcs11:token=%s", t->label);

    run ((const char *[]) { "p11tool", provider, "--login", "--write", "--label=ca", "--id=09",
                            "--load-certificate", t->ca_pem, token_uri, NULL });
  }

  rsa = make_key (GNUTLS_PK_RSA, 2048);
  ec = make_key (GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1));

  crt = make_crt (rsa, holder, FALSE, sign_usage, now - DAY, now + 365 * DAY, ca, ca_key, 10);
  put_on_token (t, softhsm, rsa, crt, "clerk", "01");
  gnutls_x509_crt_deinit (crt);
  crt = make_crt (ec, holder, FALSE, sign_usage, now - DAY, now + 365 * DAY, ca, ca_key, 11);
  put_on_token (t, softhsm, ec, crt, "clerk-ec", "02");
  gnutls_x509_crt_deinit (crt);
  crt = make_crt (rsa, holder, FALSE, sign_usage, now - 400 * DAY, now - 35 * DAY, ca, ca_key, 12);
  put_on_token (t, softhsm, rsa, crt, "expired", "03");
  gnutls_x509_crt_deinit (crt);
  crt = make_crt (rsa, holder, FALSE, sign_usage, now + 365 * DAY, now + 730 * DAY, ca, ca_key, 13);
  put_on_token (t, softhsm, rsa, crt, "future", "04");
  gnutls_x509_crt_deinit (crt);
  crt = make_crt (rsa, holder, FALSE, GNUTLS_KEY_KEY_ENCIPHERMENT, now - DAY, now + 365 * DAY, ca, ca_key, 14);
  put_on_token (t, softhsm, rsa, crt, "nosign", "05");
  gnutls_x509_crt_deinit (crt);

  g_unsetenv ("GNUTLS_PIN");
  g_unsetenv ("GNUTLS_SO_PIN");
  gnutls_x509_privkey_deinit (rsa);
  gnutls_x509_privkey_deinit (ec);
  gnutls_x509_privkey_deinit (ca_key);
  gnutls_x509_privkey_deinit (other_key);
  gnutls_x509_crt_deinit (ca);
  gnutls_x509_crt_deinit (other);

#define URI(o) g_strdup_printf ("pkcs11:token=%s;object=%s", t->label, o)
  t->uri_rsa = URI ("clerk");
  t->uri_ec = URI ("clerk-ec");
  t->uri_expired = URI ("expired");
  t->uri_future = URI ("future");
  t->uri_nosign = URI ("nosign");
#undef URI
  return t;
}

void
mc_test_token_reset (McTestToken *t)
{
  g_unlink (t->state);
  g_unsetenv ("MC_P11_FAULT");
}

void
mc_test_token_free (McTestToken *t)
{
  if (t == NULL)
    return;
  mc_test_rm_rf (t->dir);
  g_free (t->dir);
  g_free (t->label);
  g_free (t->pin);
  g_free (t->so_pin);
  g_free (t->ca_pem);
  g_free (t->other_ca_pem);
  g_free (t->uri_rsa);
  g_free (t->uri_ec);
  g_free (t->uri_expired);
  g_free (t->uri_future);
  g_free (t->uri_nosign);
  g_free (t->state);
  g_free (t);
}
