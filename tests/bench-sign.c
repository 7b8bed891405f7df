/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Figures only, never a pass or fail: seconds per signature on the
 * SoftHSM2 token (RSA 2048 and ECDSA P-256, in process, the PIN given
 * each time as a clerk would), bytes each signature adds, and seconds per
 * verify; and RSA 2048 with an RFC 3161 timestamp from the loopback TSA
 * (tests/mc-test-tsa.c: `openssl ts -reply` run for each request, so the
 * figure includes starting openssl).   meson test -C build --benchmark sign -v */
#include "config.h"

#include <stdio.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-pdf-sign.h"
#include "mc-pdf-writer.h"
#include "mc-test-token.h"
#include "mc-test-tsa.h"
#include "mc-test-util.h"
#include "mc-vips.h"

#define ROUNDS 20

static char *
give_pin (const McPinRequest *request, gpointer user_data)
{
  return g_strdup (user_data);
}

static void
make_pdf (const char *path)
{
  g_autoptr(VipsImage) black = NULL;
  g_autoptr(VipsImage) grey = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(McPdfWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = NULL;
  void *buf = NULL;
  size_t len = 0;
  McPdfInfo info = { .title = "Bench", .pdfa = TRUE };

  if (vips_black (&black, 1654, 2339, NULL) || vips_linear1 (black, &grey, 1.0, 235.0, "uchar", TRUE, NULL) ||
      vips_jpegsave_buffer (grey, &buf, &len, "Q", 60, NULL))
    g_error ("bench: %s", vips_error_buffer ());
  jpeg = g_bytes_new_take (buf, len);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, &error);
  writer = stream ? mc_pdf_writer_new (G_OUTPUT_STREAM (stream), &info, &error) : NULL;
  if (writer != NULL)
    {
      McPdfImage image = { MC_PDF_IMAGE_JPEG, jpeg, 1654, 2339, 1, FALSE };

      if (mc_pdf_writer_add_page (writer, &image, 595.3, 841.9, NULL, 0, 1654, 2339, &error))
        mc_pdf_writer_finish (writer, &error);
    }
  if (error == NULL)
    g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error);
  if (error != NULL)
    g_error ("bench: %s", error->message);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(McTestToken) token = NULL;
  g_autoptr(McTestTsa) tsa = NULL;
  g_autoptr(McSigner) signer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *in = NULL;
  g_autofree char *out = NULL;
  const char *uris[3];
  const char *names[3] = { "RSA 2048", "ECDSA P-256", "RSA+TSA" };

  mc_core_init ();
  dir = mc_test_make_tmpdir ("bench-sign");
  token = mc_test_token_new ();
  in = g_build_filename (dir, "in.pdf", NULL);
  out = g_build_filename (dir, "out.pdf", NULL);
  make_pdf (in);
  uris[0] = token->uri_rsa;
  uris[1] = token->uri_ec;
  uris[2] = token->uri_rsa;
  tsa = mc_test_tsa_new (dir);
  signer = mc_signer_new (&error);
  if (signer == NULL)
    g_error ("bench: %s", error->message);
  mc_signer_set_pin_func (signer, give_pin, token->pin, NULL);

  for (guint k = 0; k < 3; k++)
    {
      g_auto(McSignResult) result = { 0 };
      gint64 start;
      double sign_s, verify_s;

      /* The last round: PAdES B-T, through the loopback TSA. */
      mc_signer_set_tsa_url (signer, k == 2 ? mc_test_tsa_url (tsa) : NULL);
      start = g_get_monotonic_time ();

      for (guint i = 0; i < ROUNDS; i++)
        {
          mc_sign_result_clear (&result);
          if (!mc_signer_sign_pdf (signer, in, out, uris[k], NULL, &result, NULL, &error))
            g_error ("bench: %s", error->message);
        }
      sign_s = (g_get_monotonic_time () - start) / 1e6 / ROUNDS;
      start = g_get_monotonic_time ();
      for (guint i = 0; i < ROUNDS; i++)
        {
          g_autoptr(GPtrArray) sigs = mc_pdf_verify (out, token->ca_pem, &error);

          if (sigs == NULL || sigs->len != 1)
            g_error ("bench: verify failed");
        }
      verify_s = (g_get_monotonic_time () - start) / 1e6 / ROUNDS;
      printf ("%-12s sign %.3f s per signature (PIN, CMS, stamp, write+fsync), "
              "verify %.3f s, %" G_GUINT64_FORMAT " bytes added\n",
              names[k], sign_s, verify_s, result.bytes_added);
    }
  g_clear_pointer (&tsa, mc_test_tsa_free);
  mc_test_rm_rf (dir);
  return 0;
}
