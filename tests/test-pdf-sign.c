/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The clerk's signature (issue 15): PDFs made by our writer, signed with a
 * key on a SoftHSM2 token the test initialises, checked by poppler's
 * pdfsig, by our verify and by qpdf; and each token fault, which must
 * give its message and leave nothing half-written. */
#define _GNU_SOURCE   /* memmem */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>

#include "mc-core.h"
#include "mc-pdf-sign.h"
#include "mc-pdf-sign-private.h"
#include "mc-pdf-writer.h"
#include "mc-test-token.h"
#include "mc-test-tool.h"
#include "mc-test-tsa.h"
#include "mc-test-util.h"
#include "mc-vips.h"

static McTestToken *token;
static McTestTsa *tsa;
static const char *sign_tsa_url;   /* tool_sign adds --tsa with this when set */
static char *tmpdir;
static char *unsigned_pdf;

static char *
run_capture (const char * const *argv,
             int                *status)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, status, &error);
  g_assert_no_error (error);
  return out;
}

/* One A4 page from our own writer, PDF/A-2b, with a line of text. */
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
  McPdfInfo info = { .title = "Giấy khai sinh (bản sao)", .pdfa = TRUE };
  McOcrWord word = { .text = (char *) "Thử", .left = 200, .top = 200, .width = 200, .height = 40,
                     .baseline_x1 = 200, .baseline_y1 = 240, .baseline_x2 = 400, .baseline_y2 = 240 };

  g_assert_cmpint (vips_black (&black, 827, 1170, NULL), ==, 0);
  g_assert_cmpint (vips_linear1 (black, &grey, 1.0, 235.0, "uchar", TRUE, NULL), ==, 0);
  g_assert_cmpint (vips_jpegsave_buffer (grey, &buf, &len, "Q", 60, NULL), ==, 0);
  jpeg = g_bytes_new_take (buf, len);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, &error);
  g_assert_no_error (error);
  writer = mc_pdf_writer_new (G_OUTPUT_STREAM (stream), &info, &error);
  g_assert_no_error (error);
  {
    McPdfImage image = { MC_PDF_IMAGE_JPEG, jpeg, 827, 1170, 1, FALSE };

    mc_pdf_writer_add_page (writer, &image, 595.3, 841.9, &word, 1, 827, 1170, &error);
    g_assert_no_error (error);
  }
  mc_pdf_writer_finish (writer, &error);
  g_assert_no_error (error);
  g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error);
  g_assert_no_error (error);
}

static char *
out_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static char *
pin_env (const char *pin)
{
  return g_strdup_printf ("MOTCUA_PIN=%s", pin);
}

/* Signs @in into @out with the tool; returns the exit status. */
static int
tool_sign (const char *in, const char *out, const char *uri, const char *pin,
           const char *fault, char **err)
{
  g_auto(McToolRun) run = { 0 };
  g_autofree char *pin_var = pin_env (pin);
  g_autofree char *fault_var = g_strdup_printf ("MC_P11_FAULT=%s", fault ? fault : "");

  if (sign_tsa_url != NULL)
    mc_tool_run (&run, MC_ARGS (pin_var, fault_var),
                 MC_ARGS ("sign", in, "--key", uri, "-o", out, "--tsa", sign_tsa_url));
  else
    mc_tool_run (&run, MC_ARGS (pin_var, fault_var), MC_ARGS ("sign", in, "--key", uri, "-o", out));
  g_test_message ("sign %s: %d %s%s", uri, run.status, run.out, run.err);
  if (err)
    *err = g_steal_pointer (&run.err);
  return run.status;
}

static JsonObject *
tool_verify (const char *pdf, const char *ca, int *status)
{
  g_auto(McToolRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (ca)
    mc_tool_run (&run, NULL, MC_ARGS ("verify", pdf, "--json", "--ca", ca));
  else
    mc_tool_run (&run, NULL, MC_ARGS ("verify", pdf, "--json"));
  g_test_message ("verify: %d %s%s", run.status, run.out, run.err);
  *status = run.status;
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static JsonObject *
signature (JsonObject *report, guint i)
{
  JsonArray *sigs = json_object_get_array_member (report, "signatures");

  g_assert_cmpuint (json_array_get_length (sigs), >, i);
  return json_array_get_object_element (sigs, i);
}

static void
assert_pdfsig_valid (const char *pdf, guint n_sigs)
{
  int status = 0;
  g_autofree char *out = run_capture ((const char *[]) { "pdfsig", pdf, NULL }, &status);
  const char *p = out;
  guint valid = 0;

  g_test_message ("%s", out);
  while ((p = strstr (p, "Signature Validation: Signature is Valid.")) != NULL)
    valid++, p++;
  g_assert_cmpuint (valid, ==, n_sigs);
  g_assert_nonnull (strstr (out, "Signer Certificate Common Name: " MC_TEST_TOKEN_HOLDER));
  g_assert_nonnull (strstr (out, "Signature Type: ETSI.CAdES.detached"));
  g_assert_nonnull (strstr (out, "Signing Hash Algorithm: SHA-256"));
  g_assert_nonnull (strstr (out, "Total document signed"));
}

static void
assert_qpdf_ok (const char *pdf)
{
  int status = 0;
  g_autofree char *out = run_capture ((const char *[]) { "qpdf", "--check", pdf, NULL }, &status);

  g_test_message ("%s", out);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "No syntax or stream encoding errors"));
}

/* The CMS of the last signature: PAdES B-B signed attributes, exactly
 * content-type, message-digest and signing-certificate-v2; no
 * signing-time (the time is in /M). */
static void
assert_cades_attributes (const char *data, gsize len)
{
  const char *br = NULL;
  guint64 r[4];
  GByteArray *der = g_byte_array_new ();
  gnutls_pkcs7_t p7;
  gnutls_pkcs7_signature_info_st info;
  gnutls_datum_t cms;
  gboolean content_type = FALSE, digest = FALSE, ess = FALSE;
  guint n_attrs = 0;

  for (const char *p = data; (p = memmem (p, len - (p - data), "/ByteRange [", 12)) != NULL; p++)
    br = p;
  g_assert_nonnull (br);
  g_assert_cmpint (sscanf (br + 12, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                           &r[0], &r[1], &r[2], &r[3]), ==, 4);
  for (guint64 i = r[1] + 1; i + 1 < r[2] - 1; i += 2)
    {
      guint8 b = g_ascii_xdigit_value (data[i]) << 4 | g_ascii_xdigit_value (data[i + 1]);

      g_byte_array_append (der, &b, 1);
    }
  cms.data = der->data;
  cms.size = der->len;
  while (cms.size > 0 && cms.data[cms.size - 1] == 0)
    cms.size--;
  /* The DER's own length, whatever the padding. */
  g_assert_cmpint (cms.data[0], ==, 0x30);
  if (cms.data[1] == 0x82)
    cms.size = 4 + (cms.data[2] << 8 | cms.data[3]);
  g_assert_cmpint (gnutls_pkcs7_init (&p7), ==, 0);
  g_assert_cmpint (gnutls_pkcs7_import (p7, &cms, GNUTLS_X509_FMT_DER), ==, 0);
  g_assert_cmpint (gnutls_pkcs7_get_signature_info (p7, 0, &info), ==, 0);
  g_assert_cmpint (info.algo, !=, GNUTLS_SIGN_UNKNOWN);
  g_assert_true (info.signing_time == (time_t) -1);
  for (unsigned i = 0;; i++)
    {
      char *oid = NULL;   /* read-only, the list's own */
      gnutls_datum_t value = { 0 };

      if (gnutls_pkcs7_get_attr (info.signed_attrs, i, &oid, &value, 0) < 0)
        break;
      n_attrs++;
      content_type |= g_str_equal (oid, "1.2.840.113549.1.9.3");
      digest |= g_str_equal (oid, "1.2.840.113549.1.9.4");
      ess |= g_str_equal (oid, "1.2.840.113549.1.9.16.2.47");
      g_assert_cmpstr (oid, !=, "1.2.840.113549.1.9.5");   /* signing-time */
      gnutls_free (value.data);
    }
  g_assert_true (content_type);
  g_assert_true (digest);
  g_assert_true (ess);
  g_assert_cmpuint (n_attrs, ==, 3);
  gnutls_pkcs7_signature_info_deinit (&info);
  gnutls_pkcs7_deinit (p7);
  g_byte_array_unref (der);
}

static void
test_tokens (void)
{
  g_auto(McToolRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *certs;
  guint can_sign = 0;

  mc_test_token_reset (token);
  mc_tool_run (&run, NULL, MC_ARGS ("tokens", "--json"));
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  certs = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "certificates");
  /* The five with keys; not the CA's certificate beside them. */
  g_assert_cmpuint (json_array_get_length (certs), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      JsonObject *c = json_array_get_object_element (certs, i);

      g_assert_cmpstr (json_object_get_string_member (c, "holder"), ==, MC_TEST_TOKEN_HOLDER);
      g_assert_cmpstr (json_object_get_string_member (c, "token"), ==, "motcua-test");
      g_assert_true (g_str_has_prefix (json_object_get_string_member (c, "uri"), "pkcs11:"));
      g_assert_nonnull (strstr (json_object_get_string_member (c, "uri"), "token=motcua-test"));
      can_sign += json_object_get_boolean_member (c, "can_sign");
    }
  g_assert_cmpuint (can_sign, ==, 4);   /* all but the encipherment-only one */
}

static void
sign_and_check (const char *uri, const char *name)
{
  g_autofree char *out = out_path (name);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *signed_bytes = NULL;
  g_autoptr(JsonObject) report = NULL;
  JsonObject *sig;
  gsize before_len, after_len, signed_len;
  int status;

  mc_test_token_reset (token);
  g_assert_true (g_file_get_contents (unsigned_pdf, &before, &before_len, NULL));
  g_assert_cmpint (tool_sign (unsigned_pdf, out, uri, token->pin, NULL, NULL), ==, 0);
  /* The unsigned file is left as it was. */
  g_assert_true (g_file_get_contents (unsigned_pdf, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);

  assert_pdfsig_valid (out, 1);
  assert_qpdf_ok (out);
  report = tool_verify (out, token->ca_pem, &status);
  g_assert_cmpint (status, ==, 0);
  sig = signature (report, 0);
  g_assert_cmpstr (json_object_get_string_member (sig, "signer"), ==, MC_TEST_TOKEN_HOLDER);
  g_assert_true (json_object_get_boolean_member (sig, "intact"));
  g_assert_true (json_object_get_boolean_member (sig, "covers_whole_file"));
  g_assert_cmpstr (json_object_get_string_member (sig, "chain"), ==, "trusted");
  g_assert_nonnull (json_object_get_string_member (sig, "time"));

  /* An incremental update: the original bytes come first, unchanged;
   * still PDF/A-2b where it was (the identification is untouched, the
   * stamp's font is embedded, the widget prints). */
  g_assert_true (g_file_get_contents (out, &signed_bytes, &signed_len, NULL));
  g_assert_cmpuint (signed_len, >, before_len);
  g_assert_cmpint (memcmp (signed_bytes, before, before_len), ==, 0);
  g_assert_nonnull (memmem (signed_bytes, signed_len, "<pdfaid:part>2</pdfaid:part>", 28));
  g_assert_nonnull (memmem (signed_bytes + before_len, signed_len - before_len, "/FontFile2", 10));
  g_assert_nonnull (memmem (signed_bytes + before_len, signed_len - before_len, "/F 132", 6));
  g_assert_null (memmem (signed_bytes, signed_len, "NeedAppearances", 15));
  assert_cades_attributes (signed_bytes, signed_len);
}

static void
test_sign_rsa (void)
{
  sign_and_check (token->uri_rsa, "signed-rsa.pdf");
}

static void
test_sign_ec (void)
{
  sign_and_check (token->uri_ec, "signed-ec.pdf");
}

/* The stamp is drawn at the top left of page 1: rendered, the corner
 * has ink that the unsigned page does not. */
static void
test_stamp (void)
{
  g_autofree char *out = out_path ("stamp.pdf");
  g_autofree char *png = out_path ("stamp");
  g_autofree char *png_file = out_path ("stamp.png");
  g_autofree char *text = NULL;
  g_autoptr(VipsImage) page = NULL;
  g_autoptr(VipsImage) corner = NULL;
  g_autoptr(VipsImage) far = NULL;
  double corner_min = 255, far_min = 255;
  int status = 0;

  mc_test_token_reset (token);
  g_assert_cmpint (tool_sign (unsigned_pdf, out, token->uri_rsa, token->pin, NULL, NULL), ==, 0);
  g_free (run_capture ((const char *[]) { "pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-singlefile",
                                         "-gray", "-png", out, png, NULL }, &status));
  g_assert_cmpint (status, ==, 0);
  page = vips_image_new_from_file (png_file, NULL);
  g_assert_nonnull (page);
  /* 72 dpi: a pixel is a point. The stamp's box starts 20 pt from the
   * top left; the bottom right corner of the page has nothing. */
  g_assert_cmpint (vips_crop (page, &corner, 20, 20, 120, 30, NULL), ==, 0);
  g_assert_cmpint (vips_crop (page, &far, 400, 700, 120, 30, NULL), ==, 0);
  g_assert_cmpint (vips_min (corner, &corner_min, NULL), ==, 0);
  g_assert_cmpint (vips_min (far, &far_min, NULL), ==, 0);
  g_assert_cmpfloat (corner_min, <, 150);
  g_assert_cmpfloat (far_min, >, 200);
  if (g_getenv ("MOTCUA_SCREENSHOT_DIR"))
    {
      g_autofree char *keep = g_build_filename (g_getenv ("MOTCUA_SCREENSHOT_DIR"), "signed-stamp", NULL);   /* pdftoppm adds .png */
      g_autofree char *dir = g_path_get_dirname (keep);

      g_mkdir_with_parents (dir, 0700);
      g_free (run_capture ((const char *[]) { "pdftoppm", "-r", "110", "-f", "1", "-l", "1", "-singlefile",
                                             "-png", "-x", "0", "-y", "0", "-W", "500", "-H", "160",
                                             out, keep, NULL }, &status));
    }
  /* Its text is Vietnamese that copies out. */
  text = run_capture ((const char *[]) { "pdftotext", "-enc", "UTF-8", out, "-", NULL }, &status);
  g_test_message ("%s", text);
}

static void
flip_byte (const char *path, gsize at)
{
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpuint (at, <, len);
  data[at] ^= 0x01;
  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

static void
test_tampered (void)
{
  g_autofree char *out = out_path ("tampered.pdf");
  g_autoptr(JsonObject) report = NULL;
  int status = 0;
  g_autofree char *pdfsig = NULL;

  mc_test_token_reset (token);
  g_assert_cmpint (tool_sign (unsigned_pdf, out, token->uri_rsa, token->pin, NULL, NULL), ==, 0);
  /* A byte inside the page's image, well inside the signed range. */
  flip_byte (out, 3000);
  report = tool_verify (out, token->ca_pem, &status);
  g_assert_cmpint (status, ==, 68);
  g_assert_false (json_object_get_boolean_member (signature (report, 0), "intact"));
  pdfsig = run_capture ((const char *[]) { "pdfsig", out, NULL }, &status);
  g_test_message ("%s", pdfsig);
  g_assert_null (strstr (pdfsig, "Signature is Valid"));
}

static void
test_appended (void)
{
  g_autofree char *out = out_path ("appended.pdf");
  g_autoptr(JsonObject) report = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *sig;
  int status = 0;

  mc_test_token_reset (token);
  g_assert_cmpint (tool_sign (unsigned_pdf, out, token->uri_rsa, token->pin, NULL, NULL), ==, 0);
  file = g_file_new_for_path (out);
  stream = g_file_append_to (file, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (G_OUTPUT_STREAM (stream), "% added later\n", 14, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error);
  g_assert_no_error (error);

  report = tool_verify (out, token->ca_pem, &status);
  g_assert_cmpint (status, ==, 68);
  sig = signature (report, 0);
  g_assert_true (json_object_get_boolean_member (sig, "intact"));
  g_assert_false (json_object_get_boolean_member (sig, "covers_whole_file"));
  g_assert_cmpint (json_object_get_int_member (sig, "bytes_after"), ==, 14);
}

static void
test_untrusted (void)
{
  g_autofree char *out = out_path ("untrusted.pdf");
  g_autoptr(JsonObject) report = NULL;
  g_autoptr(JsonObject) unchecked = NULL;
  int status = 0;

  mc_test_token_reset (token);
  g_assert_cmpint (tool_sign (unsigned_pdf, out, token->uri_rsa, token->pin, NULL, NULL), ==, 0);
  report = tool_verify (out, token->other_ca_pem, &status);
  g_assert_cmpint (status, ==, 68);
  g_assert_true (json_object_get_boolean_member (signature (report, 0), "intact"));
  g_assert_cmpstr (json_object_get_string_member (signature (report, 0), "chain"), ==, "untrusted");
  unchecked = tool_verify (out, NULL, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (signature (unchecked, 0), "chain"), ==, "not-checked");
}

static void
test_twice (void)
{
  g_autofree char *once = out_path ("once.pdf");
  g_autofree char *twice = out_path ("twice.pdf");
  g_autoptr(JsonObject) report = NULL;
  int status = 0;

  mc_test_token_reset (token);
  g_assert_cmpint (tool_sign (unsigned_pdf, once, token->uri_rsa, token->pin, NULL, NULL), ==, 0);
  g_assert_cmpint (tool_sign (once, twice, token->uri_ec, token->pin, NULL, NULL), ==, 0);
  assert_pdfsig_valid (twice, 2);
  assert_qpdf_ok (twice);
  report = tool_verify (twice, token->ca_pem, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (signature (report, 0), "intact"));
  g_assert_false (json_object_get_boolean_member (signature (report, 0), "covers_whole_file"));
  g_assert_true (json_object_get_boolean_member (signature (report, 1), "intact"));
  g_assert_true (json_object_get_boolean_member (signature (report, 1), "covers_whole_file"));
}

/* Signing a file onto itself: --pin-file, the new file replaces the old
 * one only once complete. */
static void
test_in_place (void)
{
  g_autofree char *path = out_path ("in-place.pdf");
  g_autofree char *pin_file = out_path ("pin.txt");
  g_autofree char *data = NULL;
  g_autoptr(JsonObject) report = NULL;
  g_auto(McToolRun) run = { 0 };
  g_autoptr(GError) error = NULL;
  gsize len;
  int status = 0;

  mc_test_token_reset (token);
  g_assert_true (g_file_get_contents (unsigned_pdf, &data, &len, NULL));
  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  mc_test_write_file (pin_file, token->pin);
  mc_tool_run (&run, NULL, MC_ARGS ("sign", path, "--key", token->uri_rsa, "--pin-file", pin_file,
                                    "-o", path, "--json"));
  g_test_message ("%s%s", run.out, run.err);
  g_assert_cmpint (run.status, ==, 0);
  assert_pdfsig_valid (path, 1);
  report = tool_verify (path, token->ca_pem, &status);
  g_assert_cmpint (status, ==, 0);
}

/* verify on what a citizen may bring: no signature, not a PDF, byte
 * ranges that do not fit (numbers chosen to wrap a careless sum). */
static void
test_verify_odd_files (void)
{
  g_autofree char *odd = out_path ("odd.pdf");
  g_autofree char *text = out_path ("text.pdf");
  g_autoptr(JsonObject) unsigned_report = NULL;
  g_autoptr(JsonObject) odd_report = NULL;
  g_auto(McToolRun) run = { 0 };
  JsonArray *sigs;
  int status = 0;

  unsigned_report = tool_verify (unsigned_pdf, token->ca_pem, &status);
  g_assert_cmpint (status, ==, 69);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (unsigned_report, "signatures")), ==, 0);

  mc_test_write_file (odd, "%PDF-1.7\n"
                      "1 0 obj << /Type /Sig /ByteRange [0 18446744073709551615 3 4] /Contents <00> >> endobj\n"
                      "2 0 obj << /Type /Sig /ByteRange [0 10 18446744073709551610 20] /Contents <00> >> endobj\n"
                      "3 0 obj << /Type /Sig /ByteRange [0 5 12 4] /M (D:2026) >> endobj\n"
                      "/ByteRange [0 1");
  odd_report = tool_verify (odd, NULL, &status);
  g_assert_cmpint (status, ==, 68);
  sigs = json_object_get_array_member (odd_report, "signatures");
  g_assert_cmpuint (json_array_get_length (sigs), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_false (json_object_get_boolean_member (json_array_get_object_element (sigs, i), "intact"));

  mc_test_write_file (text, "hello");
  mc_tool_run (&run, NULL, MC_ARGS ("verify", text));
  g_assert_cmpint (run.status, ==, 66);
  g_assert_nonnull (strstr (run.err, "is not a PDF file"));
}

/* A fault: the exit code, the message, no output file, no temp file
 * left beside it, the input untouched. */
static void
assert_fault (const char *uri, const char *pin, const char *fault, int code, const char *message)
{
  g_autofree char *out = out_path ("fault.pdf");
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_assert_true (g_file_get_contents (unsigned_pdf, &before, &before_len, NULL));
  g_assert_cmpint (tool_sign (unsigned_pdf, out, uri, pin, fault, &err), ==, code);
  g_assert_nonnull (strstr (err, message));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (unsigned_pdf, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
  dir = g_dir_open (tmpdir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, ".fault.pdf") || strstr (name, "fault.pdf.") != NULL);
}

static void
test_fault_no_token (void)
{
  g_autofree char *uri = g_strdup_printf ("pkcs11:token=%s;object=no-such-key", token->label);

  mc_test_token_reset (token);
  assert_fault (token->uri_rsa, token->pin, "no-token", 60, "No signing token was found");
  {
    g_auto(McToolRun) run = { 0 };

    mc_tool_run (&run, MC_ARGS ("MC_P11_FAULT=no-token"), MC_ARGS ("tokens"));
    g_assert_cmpint (run.status, ==, 60);
    g_assert_nonnull (strstr (run.out, "is the token plugged in"));
  }
  assert_fault (uri, token->pin, NULL, 60, "not on any token plugged in");
}

static void
test_fault_removed (void)
{
  mc_test_token_reset (token);
  assert_fault (token->uri_rsa, token->pin, "removed", 61, "removed or stopped answering");
}

static void
test_fault_certificates (void)
{
  mc_test_token_reset (token);
  assert_fault (token->uri_expired, token->pin, NULL, 64, "expired on");
  assert_fault (token->uri_future, token->pin, NULL, 64, "valid only from");
  assert_fault (token->uri_nosign, token->pin, NULL, 65, "not for signing");
}

static void
test_fault_not_ours (void)
{
  g_autofree char *text = out_path ("not-a-pdf.pdf");
  g_autofree char *out = out_path ("fault.pdf");
  g_autofree char *err = NULL;

  mc_test_token_reset (token);
  mc_test_write_file (text, "%PDF-1.4\nnot really\n");
  g_assert_cmpint (tool_sign (text, out, token->uri_rsa, token->pin, NULL, &err), ==, 66);
  g_assert_nonnull (strstr (err, "cannot be signed here"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

typedef struct {
  guint    calls;
  gboolean count_low;
  gboolean final_try;
  char    *pin;
} PinLog;

static char *
log_pin (const McPinRequest *request, gpointer user_data)
{
  PinLog *log = user_data;

  log->calls++;
  log->count_low = request->count_low;
  log->final_try = request->final_try;
  return g_strdup (log->pin);
}

/* Wrong PINs: each says so, with the tries left as the token reports
 * them; the third locks the token, and then even the right PIN is
 * refused. The prompt (in process, as the window will use it) is told
 * when few tries are left. */
static void
test_fault_pin (void)
{
  g_autoptr(McSigner) signer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = out_path ("pin.pdf");
  PinLog log = { 0 };

  mc_test_token_reset (token);
  assert_fault (token->uri_rsa, "000000", NULL, 62, "Wrong PIN. Only a few tries are left");

  signer = mc_signer_new (&error);
  g_assert_no_error (error);
  log.pin = (char *) "111111";
  mc_signer_set_pin_func (signer, log_pin, &log, NULL);
  g_assert_false (mc_signer_sign_pdf (signer, unsigned_pdf, out, token->uri_rsa, NULL, NULL, NULL, &error));
  g_assert_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_WRONG_PIN);
  g_assert_nonnull (strstr (error->message, "One try is left"));
  g_assert_cmpuint (log.calls, ==, 1);
  g_assert_true (log.count_low);
  g_assert_false (log.final_try);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  assert_fault (token->uri_rsa, "222222", NULL, 63, "locked");
  assert_fault (token->uri_rsa, token->pin, NULL, 63, "locked");

  /* Cancelling the prompt is not a wrong try. */
  mc_test_token_reset (token);
  log.pin = NULL;
  log.calls = 0;
  g_assert_false (mc_signer_sign_pdf (signer, unsigned_pdf, out, token->uri_rsa, NULL, NULL, NULL, &error));
  g_assert_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_CANCELLED);
  g_assert_cmpuint (log.calls, ==, 1);
  {
    g_autofree char *tries = NULL;

    if (g_file_get_contents (token->state, &tries, NULL, NULL))
      g_assert_cmpstr (tries, ==, "0\n");
  }
}

/* ---- RFC 3161 timestamps (PAdES B-T) ----------------------------------- */

/* The test CA and the loopback TSA's certificate in one bundle. */
static char *
ca_with_tsa (void)
{
  g_autofree char *ca = NULL;
  g_autofree char *tsa_pem = NULL;
  g_autofree char *both = NULL;
  char *path = out_path ("ca-and-tsa.pem");

  g_assert_true (g_file_get_contents (token->ca_pem, &ca, NULL, NULL));
  g_assert_true (g_file_get_contents (mc_test_tsa_cert (tsa), &tsa_pem, NULL, NULL));
  both = g_strconcat (ca, tsa_pem, NULL);
  mc_test_write_file (path, both);
  return path;
}

static void
test_tsa_timestamped (void)
{
  g_autofree char *out = out_path ("signed-tsa.pdf");
  g_autofree char *bundle = ca_with_tsa ();
  g_autoptr(JsonObject) report = NULL;
  g_autoptr(JsonObject) untrusted_tsa = NULL;
  g_autoptr(GDateTime) stamp = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  JsonObject *sig;
  guint before = mc_test_tsa_requests (tsa);
  int status;

  mc_test_token_reset (token);
  mc_test_tsa_set_mode (tsa, MC_TEST_TSA_GRANT);
  sign_tsa_url = mc_test_tsa_url (tsa);
  g_assert_cmpint (tool_sign (unsigned_pdf, out, token->uri_rsa, token->pin, NULL, NULL), ==, 0);
  sign_tsa_url = NULL;
  g_assert_cmpuint (mc_test_tsa_requests (tsa), ==, before + 1);

  /* poppler: valid, the whole document signed; qpdf: sound. */
  assert_pdfsig_valid (out, 1);
  assert_qpdf_ok (out);
  {
    g_autofree char *pdfsig = run_capture ((const char *[]) { "pdfsig", out, NULL }, &status);

    g_assert_nonnull (strstr (pdfsig, "Total document signed"));
  }
  /* Our verify: the timestamp's time, near now, and the chain trusted. */
  report = tool_verify (out, bundle, &status);
  g_assert_cmpint (status, ==, 0);
  sig = signature (report, 0);
  g_assert_true (json_object_get_boolean_member (sig, "intact"));
  g_assert_true (json_object_get_boolean_member (sig, "covers_whole_file"));
  g_assert_cmpstr (json_object_get_string_member (sig, "chain"), ==, "trusted");
  g_assert_false (json_object_has_member (sig, "problem"));
  g_assert_nonnull (json_object_get_string_member (sig, "timestamp"));
  stamp = g_date_time_new_from_iso8601 (json_object_get_string_member (sig, "timestamp"), NULL);
  g_assert_nonnull (stamp);
  g_assert_cmpint (ABS (g_date_time_difference (now, stamp)), <, 600 * G_TIME_SPAN_SECOND);

  /* A TSA not in the bundle: the timestamp is shown as not trusted. */
  untrusted_tsa = tool_verify (out, token->ca_pem, &status);
  sig = signature (untrusted_tsa, 0);
  g_assert_nonnull (strstr (json_object_get_string_member (sig, "problem"), "timestamp"));

  /* Without a TSA the signature has no timestamp: null. */
  {
    g_autofree char *plain = out_path ("signed-no-tsa.pdf");
    g_autoptr(JsonObject) r = NULL;

    mc_test_token_reset (token);
    g_assert_cmpint (tool_sign (unsigned_pdf, plain, token->uri_rsa, token->pin, NULL, NULL), ==, 0);
    r = tool_verify (plain, token->ca_pem, &status);
    g_assert_true (json_object_has_member (signature (r, 0), "timestamp"));
    g_assert_true (json_object_get_null_member (signature (r, 0), "timestamp"));
  }
}

/* Two years on, the clerk's certificate (valid one year) has expired:
 * GnuTLS's clock moved for this process only. */
static time_t
two_years_on (time_t *t)
{
  time_t now = time (NULL) + 2 * 365 * 24 * 3600;

  if (t)
    *t = now;
  return now;
}

static McChainStatus
chain_later (const char *pdf, const char *ca, gboolean *has_timestamp)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sigs = NULL;
  McPdfSignature *sig;

  gnutls_global_set_time_function (two_years_on);
  sigs = mc_pdf_verify (pdf, ca, &error);
  gnutls_global_set_time_function (time);
  g_assert_no_error (error);
  g_assert_cmpuint (sigs->len, ==, 1);
  sig = sigs->pdata[0];
  g_test_message ("two years on: chain %d, problem %s", sig->chain, sig->problem);
  g_assert_true (sig->intact);
  *has_timestamp = sig->timestamp != NULL;
  return sig->chain;
}

/* A certificate that expired after a timestamped signing stays trusted:
 * the chain is checked at the timestamp's time, when the bundle trusts
 * the TSA; without a timestamp, or with a TSA not trusted, at the
 * present time, when it has expired. */
static void
test_tsa_expired_later (void)
{
  g_autofree char *stamped = out_path ("signed-tsa-later.pdf");
  g_autofree char *plain = out_path ("signed-no-tsa-later.pdf");
  g_autofree char *bundle = ca_with_tsa ();
  gboolean has_timestamp = FALSE;

  mc_test_token_reset (token);
  mc_test_tsa_set_mode (tsa, MC_TEST_TSA_GRANT);
  sign_tsa_url = mc_test_tsa_url (tsa);
  g_assert_cmpint (tool_sign (unsigned_pdf, stamped, token->uri_rsa, token->pin, NULL, NULL), ==, 0);
  sign_tsa_url = NULL;
  mc_test_token_reset (token);
  g_assert_cmpint (tool_sign (unsigned_pdf, plain, token->uri_rsa, token->pin, NULL, NULL), ==, 0);

  g_assert_cmpint (chain_later (stamped, bundle, &has_timestamp), ==, MC_CHAIN_TRUSTED);
  g_assert_true (has_timestamp);
  g_assert_cmpint (chain_later (stamped, token->ca_pem, &has_timestamp), ==, MC_CHAIN_UNTRUSTED);
  g_assert_cmpint (chain_later (plain, bundle, &has_timestamp), ==, MC_CHAIN_UNTRUSTED);
  g_assert_false (has_timestamp);
}

/* RFC 3161 §2.3: a TSA's certificate carries the critical extended key
 * usage id-kp-timeStamping. A token signed by a certificate without it,
 * even one the bundle trusts, is no trusted time: said in plain words,
 * and not used as the time of the chain check. */
static void
test_tsa_no_timestamping_purpose (void)
{
  g_autofree char *stamped = out_path ("signed-tsa-no-eku.pdf");
  g_autofree char *bundle = out_path ("ca-and-tsa-no-eku.pem");
  g_autofree char *ca = NULL;
  g_autofree char *tsa_pem = NULL;
  g_autofree char *both = NULL;
  g_autoptr(JsonObject) report = NULL;
  gboolean has_timestamp = FALSE;
  JsonObject *sig;
  const char *problem;
  int status;

  g_assert_true (g_file_get_contents (token->ca_pem, &ca, NULL, NULL));
  g_assert_true (g_file_get_contents (mc_test_tsa_cert_no_eku (tsa), &tsa_pem, NULL, NULL));
  both = g_strconcat (ca, tsa_pem, NULL);
  mc_test_write_file (bundle, both);

  mc_test_token_reset (token);
  mc_test_tsa_set_mode (tsa, MC_TEST_TSA_NO_EKU);
  sign_tsa_url = mc_test_tsa_url (tsa);
  g_assert_cmpint (tool_sign (unsigned_pdf, stamped, token->uri_rsa, token->pin, NULL, NULL), ==, 0);
  sign_tsa_url = NULL;
  mc_test_tsa_set_mode (tsa, MC_TEST_TSA_GRANT);
  assert_pdfsig_valid (stamped, 1);

  /* The clerk's signature is fine today; the timestamp is not trusted. */
  report = tool_verify (stamped, bundle, &status);
  sig = signature (report, 0);
  g_assert_true (json_object_get_boolean_member (sig, "intact"));
  g_assert_cmpstr (json_object_get_string_member (sig, "chain"), ==, "trusted");
  g_assert_true (json_object_has_member (sig, "problem"));
  problem = json_object_get_string_member (sig, "problem");
  g_test_message ("problem: %s", problem);
  g_assert_nonnull (strstr (problem, "not a timestamp server"));

  /* Once the clerk's certificate has expired, that timestamp does not
   * keep the signature trusted. */
  g_assert_cmpint (chain_later (stamped, bundle, &has_timestamp), ==, MC_CHAIN_UNTRUSTED);
}

/* The CMS in the last /Contents of @pdf. */
static gnutls_pkcs7_t
last_cms (const char *pdf)
{
  g_autofree char *data = NULL;
  g_autofree guint8 *der = NULL;
  gsize len, n = 0;
  const char *open_, *close_;
  gnutls_pkcs7_t p7 = NULL;
  gnutls_datum_t d;

  g_assert_true (g_file_get_contents (pdf, &data, &len, NULL));
  /* The file holds binary data: memmem, not string functions. */
  open_ = NULL;
  for (const char *p = data; (p = memmem (p, len - (p - data), "/Contents <", 11)) != NULL; p++)
    open_ = p;
  g_assert_nonnull (open_);
  open_ += 11;
  close_ = memchr (open_, '>', len - (open_ - data));
  g_assert_nonnull (close_);
  der = g_malloc ((close_ - open_) / 2);
  for (const char *p = open_; p + 1 < close_; p += 2)
    der[n++] = g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]);
  /* The DER's own length, without the zeros after it. */
  d.data = der;
  if (der[1] == 0x82)
    d.size = 4 + ((guint) der[2] << 8 | der[3]);
  else if (der[1] == 0x83)
    d.size = 5 + ((guint) der[2] << 16 | (guint) der[3] << 8 | der[4]);
  else
    d.size = n;
  g_assert_cmpint (gnutls_pkcs7_init (&p7), >=, 0);
  g_assert_cmpint (gnutls_pkcs7_import (p7, &d, GNUTLS_X509_FMT_DER), >=, 0);
  return p7;
}

/* The timestamp token of a signature, as verify reads it: damaged in
 * any byte or cut anywhere, it is refused (never misread, never a
 * crash); moved onto another signature, it does not belong there. */
static void
test_tsa_token_damaged (void)
{
  g_autofree char *a = out_path ("signed-tsa-a.pdf");
  g_autofree char *b = out_path ("signed-tsa-b.pdf");
  gnutls_pkcs7_t p7a, p7b;
  gnutls_pkcs7_signature_info_st ia = { 0 }, ib = { 0 };
  gnutls_datum_t tst = { 0 };
  char *oid = NULL;
  g_autoptr(GDateTime) good = NULL;
  g_autofree char *problem = NULL;
  guint refused = 0;

  mc_test_tsa_set_mode (tsa, MC_TEST_TSA_GRANT);
  sign_tsa_url = mc_test_tsa_url (tsa);
  mc_test_token_reset (token);
  g_assert_cmpint (tool_sign (unsigned_pdf, a, token->uri_rsa, token->pin, NULL, NULL), ==, 0);
  mc_test_token_reset (token);
  g_assert_cmpint (tool_sign (unsigned_pdf, b, token->uri_ec, token->pin, NULL, NULL), ==, 0);
  sign_tsa_url = NULL;

  p7a = last_cms (a);
  p7b = last_cms (b);
  g_assert_cmpint (gnutls_pkcs7_get_signature_info (p7a, 0, &ia), >=, 0);
  g_assert_cmpint (gnutls_pkcs7_get_signature_info (p7b, 0, &ib), >=, 0);
  g_assert_cmpint (gnutls_pkcs7_get_attr (ia.unsigned_attrs, 0, &oid, &tst, 0), >=, 0);
  g_assert_cmpstr (oid, ==, MC_OID_SIGNATURE_TIME_STAMP_TOKEN);

  good = mc_pdf_tsa_check_token (tst.data, tst.size, ia.sig.data, ia.sig.size, NULL, NULL, &problem);
  g_assert_nonnull (good);
  g_assert_null (problem);

  /* Another signature's token. */
  g_assert_null (mc_pdf_tsa_check_token (tst.data, tst.size, ib.sig.data, ib.sig.size, NULL, NULL, &problem));
  g_assert_cmpstr (problem, ==, "The timestamp does not belong to this signature.");
  g_clear_pointer (&problem, g_free);

  /* Cut anywhere. */
  for (gsize cut = 0; cut < tst.size; cut++)
    {
      g_autoptr(GDateTime) t = mc_pdf_tsa_check_token (tst.data, cut, ia.sig.data, ia.sig.size, NULL, NULL, &problem);

      g_assert_null (t);
      g_assert_nonnull (problem);
      g_clear_pointer (&problem, g_free);
    }
  /* Each byte changed: refused, or (a byte no check covers, such as an
   * unsigned certificate field's padding) the same time. */
  for (gsize i = 0; i < tst.size; i++)
    {
      g_autoptr(GDateTime) t = NULL;

      tst.data[i] ^= 0x5A;
      t = mc_pdf_tsa_check_token (tst.data, tst.size, ia.sig.data, ia.sig.size, NULL, NULL, &problem);
      tst.data[i] ^= 0x5A;
      if (t == NULL)
        refused++;
      else
        g_assert_true (g_date_time_equal (t, good));
      g_clear_pointer (&problem, g_free);
    }
  g_test_message ("%u of %u changed bytes refused", refused, tst.size);
  g_assert_cmpuint (refused, >, tst.size / 2);

  gnutls_free (tst.data);
  gnutls_pkcs7_signature_info_deinit (&ia);
  gnutls_pkcs7_signature_info_deinit (&ib);
  gnutls_pkcs7_deinit (p7a);
  gnutls_pkcs7_deinit (p7b);
}

static void
assert_tsa_fault (const char *url, const char *message)
{
  mc_test_token_reset (token);
  sign_tsa_url = url;
  assert_fault (token->uri_rsa, token->pin, NULL, 70, message);
  sign_tsa_url = NULL;
}

static void
test_tsa_down (void)
{
  g_autofree char *dead = mc_test_tsa_dead_url ();

  assert_tsa_fault (dead, "could not be reached");
}

static void
test_tsa_other_imprint (void)
{
  mc_test_tsa_set_mode (tsa, MC_TEST_TSA_OTHER_IMPRINT);
  assert_tsa_fault (mc_test_tsa_url (tsa), "answered for another document");
  mc_test_tsa_set_mode (tsa, MC_TEST_TSA_GRANT);
}

static void
test_tsa_refused (void)
{
  mc_test_tsa_set_mode (tsa, MC_TEST_TSA_REJECT);
  assert_tsa_fault (mc_test_tsa_url (tsa), "refused the request");
  mc_test_tsa_set_mode (tsa, MC_TEST_TSA_GRANT);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mc_test_init (&argc, &argv);
  mc_core_init ();
  vips_cache_set_max (0);
  tmpdir = mc_test_make_tmpdir ("pdf-sign");
  token = mc_test_token_new ();
  tsa = mc_test_tsa_new (tmpdir);
  unsigned_pdf = out_path ("component.pdf");
  make_pdf (unsigned_pdf);

  g_test_add_func ("/pdf-sign/tokens", test_tokens);
  g_test_add_func ("/pdf-sign/rsa", test_sign_rsa);
  g_test_add_func ("/pdf-sign/ecdsa", test_sign_ec);
  g_test_add_func ("/pdf-sign/stamp", test_stamp);
  g_test_add_func ("/pdf-sign/tampered", test_tampered);
  g_test_add_func ("/pdf-sign/appended", test_appended);
  g_test_add_func ("/pdf-sign/untrusted", test_untrusted);
  g_test_add_func ("/pdf-sign/twice", test_twice);
  g_test_add_func ("/pdf-sign/in-place", test_in_place);
  g_test_add_func ("/pdf-sign/verify-odd-files", test_verify_odd_files);
  g_test_add_func ("/pdf-sign/fault/no-token", test_fault_no_token);
  g_test_add_func ("/pdf-sign/fault/removed", test_fault_removed);
  g_test_add_func ("/pdf-sign/fault/certificates", test_fault_certificates);
  g_test_add_func ("/pdf-sign/fault/not-ours", test_fault_not_ours);
  g_test_add_func ("/pdf-sign/fault/pin", test_fault_pin);
  g_test_add_func ("/pdf-sign/tsa/timestamped", test_tsa_timestamped);
  g_test_add_func ("/pdf-sign/tsa/expired-later", test_tsa_expired_later);
  g_test_add_func ("/pdf-sign/tsa/no-timestamping-purpose", test_tsa_no_timestamping_purpose);
  g_test_add_func ("/pdf-sign/tsa/token-damaged", test_tsa_token_damaged);
  g_test_add_func ("/pdf-sign/tsa/down", test_tsa_down);
  g_test_add_func ("/pdf-sign/tsa/other-imprint", test_tsa_other_imprint);
  g_test_add_func ("/pdf-sign/tsa/refused", test_tsa_refused);

  status = g_test_run ();
  g_clear_pointer (&tsa, mc_test_tsa_free);
  g_clear_pointer (&token, mc_test_token_free);
  mc_test_rm_rf (tmpdir);
  g_free (tmpdir);
  g_free (unsigned_pdf);
  return status;
}
