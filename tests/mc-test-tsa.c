/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mc-test-tsa.h"
#include "mc-test-util.h"

struct _McTestTsa {
  char             *dir;
  char             *config;
  char             *cert;
  char             *no_eku_key;
  char             *no_eku_cert;
  char             *url;
  GSocketListener  *listener;
  GCancellable     *cancel;
  GThread          *thread;
  gint              mode;       /* McTestTsaMode, atomic */
  guint             requests;   /* atomic */
};

static void
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
}

/* A DER length. */
static void
append_length (GByteArray *out, gsize len)
{
  guint8 b[5];
  guint n = 0;

  if (len < 0x80)
    {
      b[0] = len;
      g_byte_array_append (out, b, 1);
      return;
    }
  for (gsize l = len; l > 0; l >>= 8)
    n++;
  b[0] = 0x80 | n;
  for (guint i = 0; i < n; i++)
    b[1 + i] = len >> (8 * (n - 1 - i));
  g_byte_array_append (out, b, 1 + n);
}

/* The token of reply @r signed again, same TSTInfo, by the certificate
 * without the timestamping purpose (openssl ts -reply refuses such a
 * signer, openssl cms does not), as a granted TimeStampResp. */
static GBytes *
resign_without_eku (McTestTsa *tsa, const char *r)
{
  g_autofree char *tok = g_build_filename (tsa->dir, "token.der", NULL);
  g_autofree char *tst = g_build_filename (tsa->dir, "tstinfo.der", NULL);
  g_autofree char *tok2 = g_build_filename (tsa->dir, "token-no-eku.der", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  static const guint8 sequence = 0x30;
  static const guint8 granted[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
  GByteArray *resp = g_byte_array_new ();

  run ((const char *[]) { "openssl", "ts", "-reply", "-in", r, "-token_out", "-out", tok, NULL });
  run ((const char *[]) { "openssl", "cms", "-verify", "-noverify", "-inform", "DER", "-in", tok, "-binary",
                          "-out", tst, NULL });
  run ((const char *[]) { "openssl", "cms", "-sign", "-binary", "-nodetach", "-in", tst,
                          "-econtent_type", "1.2.840.113549.1.9.16.1.4", "-signer", tsa->no_eku_cert,
                          "-inkey", tsa->no_eku_key, "-md", "sha256", "-nosmimecap", "-outform", "DER",
                          "-out", tok2, NULL });
  g_file_get_contents (tok2, &data, &len, &error);
  g_assert_no_error (error);
  /* TimeStampResp { PKIStatusInfo { granted (0) }, timeStampToken } */
  g_byte_array_append (resp, &sequence, 1);
  append_length (resp, sizeof granted + len);
  g_byte_array_append (resp, granted, sizeof granted);
  g_byte_array_append (resp, (const guint8 *) data, len);
  return g_byte_array_free_to_bytes (resp);
}

/* The reply to @query (DER) in the current mode. */
static GBytes *
reply_for (McTestTsa *tsa, const guint8 *query, gsize len)
{
  g_autofree char *q = g_build_filename (tsa->dir, "query.tsq", NULL);
  g_autofree char *r = g_build_filename (tsa->dir, "reply.tsr", NULL);
  g_autofree char *other = g_build_filename (tsa->dir, "other.txt", NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize data_len = 0;

  switch (g_atomic_int_get (&tsa->mode))
    {
    case MC_TEST_TSA_REJECT:
      {
        /* TimeStampResp { PKIStatusInfo { rejection (2) } } */
        static const guint8 rejection[] = { 0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02 };

        return g_bytes_new (rejection, sizeof rejection);
      }
    case MC_TEST_TSA_OTHER_IMPRINT:
      mc_test_write_file (other, "another document");
      run ((const char *[]) { "openssl", "ts", "-query", "-data", other, "-sha256", "-cert",
                              "-out", q, NULL });
      break;
    default:
      g_file_set_contents (q, (const char *) query, len, &error);
      g_assert_no_error (error);
      break;
    }
  run ((const char *[]) { "openssl", "ts", "-reply", "-config", tsa->config, "-queryfile", q,
                          "-out", r, NULL });
  if (g_atomic_int_get (&tsa->mode) == MC_TEST_TSA_NO_EKU)
    return resign_without_eku (tsa, r);
  g_file_get_contents (r, &data, &data_len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, data_len);
}

/* One HTTP/1.1 POST: the headers, the body by Content-Length, one reply;
 * the connection closed after it. */
static void
serve (McTestTsa *tsa, GSocketConnection *conn)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *head = NULL;
  guint8 chunk[4096];
  gsize body_at = 0, body_len = 0;
  const char *cl;

  for (;;)
    {
      gssize n;

      if (body_at == 0)
        {
          for (gsize i = 3; i < buf->len; i++)
            if (memcmp (buf->data + i - 3, "\r\n\r\n", 4) == 0)
              {
                body_at = i + 1;
                head = g_ascii_strdown ((const char *) buf->data, body_at);
                cl = strstr (head, "content-length:");
                body_len = cl ? g_ascii_strtoull (cl + 15, NULL, 10) : 0;
                break;
              }
        }
      if (body_at > 0 && buf->len >= body_at + body_len)
        break;
      n = g_input_stream_read (in, chunk, sizeof chunk, NULL, NULL);
      if (n <= 0)
        return;
      g_byte_array_append (buf, chunk, n);
    }
  g_atomic_int_inc (&tsa->requests);
  reply = reply_for (tsa, buf->data + body_at, body_len);
  {
    g_autofree char *header = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\n"
                                               "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                                               g_bytes_get_size (reply));

    g_output_stream_write_all (out, header, strlen (header), NULL, NULL, NULL);
    g_output_stream_write_all (out, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL, NULL, NULL);
  }
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
}

static gpointer
server_thread (gpointer data)
{
  McTestTsa *tsa = data;

  for (;;)
    {
      g_autoptr(GSocketConnection) conn = g_socket_listener_accept (tsa->listener, NULL, tsa->cancel, NULL);

      if (conn == NULL)
        return NULL;
      serve (tsa, conn);
    }
}

McTestTsa *
mc_test_tsa_new (const char *dir)
{
  McTestTsa *tsa = g_new0 (McTestTsa, 1);
  g_autofree char *key = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  tsa->dir = g_build_filename (dir, "tsa", NULL);
  g_mkdir_with_parents (tsa->dir, 0700);
  key = g_build_filename (tsa->dir, "tsa.key", NULL);
  tsa->cert = g_build_filename (tsa->dir, "tsa.pem", NULL);
  serial = g_build_filename (tsa->dir, "serial", NULL);
  tsa->config = g_build_filename (tsa->dir, "tsa.cnf", NULL);
  run ((const char *[]) { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                          "-out", tsa->cert, "-days", "3650", "-subj", "/CN=Motcua test TSA/O=Motcua tests/C=VN",
                          "-addext", "extendedKeyUsage=critical,timeStamping",
                          "-addext", "keyUsage=critical,digitalSignature", NULL });
  tsa->no_eku_key = g_build_filename (tsa->dir, "tsa-no-eku.key", NULL);
  tsa->no_eku_cert = g_build_filename (tsa->dir, "tsa-no-eku.pem", NULL);
  run ((const char *[]) { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", tsa->no_eku_key,
                          "-out", tsa->no_eku_cert, "-days", "3650",
                          "-subj", "/CN=Motcua test TSA without timestamping purpose/O=Motcua tests/C=VN",
                          "-addext", "keyUsage=critical,digitalSignature", NULL });
  mc_test_write_file (serial, "01\n");
  text = g_strdup_printf ("[ tsa ]\ndefault_tsa = tsa1\n[ tsa1 ]\nserial = %s\ncrypto_device = builtin\n"
                          "signer_cert = %s\nsigner_key = %s\nsigner_digest = sha256\n"
                          "default_policy = 1.2.3.4.1\ndigests = sha256\naccuracy = secs:1\n"
                          "ordering = no\ntsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n",
                          serial, tsa->cert, key);
  mc_test_write_file (tsa->config, text);

  tsa->listener = g_socket_listener_new ();
  tsa->cancel = g_cancellable_new ();
  g_socket_listener_add_address (tsa->listener, any, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  tsa->url = g_strdup_printf ("http://127.0.0.1:%u/tsa",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  tsa->thread = g_thread_new ("test-tsa", server_thread, tsa);
  return tsa;
}

const char *
mc_test_tsa_url (McTestTsa *tsa)
{
  return tsa->url;
}

const char *
mc_test_tsa_cert (McTestTsa *tsa)
{
  return tsa->cert;
}

const char *
mc_test_tsa_cert_no_eku (McTestTsa *tsa)
{
  return tsa->no_eku_cert;
}

void
mc_test_tsa_set_mode (McTestTsa *tsa, McTestTsaMode mode)
{
  g_atomic_int_set (&tsa->mode, mode);
}

guint
mc_test_tsa_requests (McTestTsa *tsa)
{
  return g_atomic_int_get (&tsa->requests);
}

void
mc_test_tsa_free (McTestTsa *tsa)
{
  if (tsa == NULL)
    return;
  g_cancellable_cancel (tsa->cancel);
  g_thread_join (tsa->thread);
  g_socket_listener_close (tsa->listener);
  g_object_unref (tsa->listener);
  g_object_unref (tsa->cancel);
  g_free (tsa->dir);
  g_free (tsa->config);
  g_free (tsa->cert);
  g_free (tsa->no_eku_key);
  g_free (tsa->no_eku_cert);
  g_free (tsa->url);
  g_free (tsa);
}

char *
mc_test_tsa_dead_url (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  /* A port the system just gave out, closed again. */
  g_socket_listener_add_address (listener, any, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_listener_close (listener);
  return g_strdup_printf ("http://127.0.0.1:%u/tsa", port);
}
