/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-visit-session.h"
#include "mc-visit-store.h"
#include "mc-vips.h"
#include "mc-test-token.h"
#include "mc-test-tool.h"
#include "mc-test-util.h"

/* The digitization record in a visit, without GTK: pre-filled from the
 * top of a paper's first page (real cleanup, real Tesseract) and kept as
 * the clerk saves it; PDFs the citizen brings have their signatures
 * checked on import: signed with a key on a SoftHSM2 token the test makes,
 * the same file with one byte changed, and an unsigned one. Synthetic
 * data only. */

#define BIRTH "1.001193"          /* Đăng ký khai sinh */

static McProcedureCatalog *catalog;
static char *dir;
static GSettings *settings;
static McVisitStore *store;
static McVisit *visit;
static McVisitSession *session;
static McTestToken *token;

static gboolean
idle (gpointer data)
{
  return !mc_visit_session_is_busy (session) && !mc_visit_session_is_reading_record (session, data);
}

/* The import appended its page and the page is cleaned. */
static gboolean
imported (gpointer data)
{
  return mc_visit_count_pages (visit, data) > 0 && idle (data);
}

typedef struct {
  const char        *component;
  McSourceSignature  was;
} SourceWait;

static gboolean
source_changed (gpointer data)
{
  SourceWait *w = data;
  const McDigitRecord *r = mc_visit_get_record (visit, w->component);

  return r != NULL && r->source != w->was && !mc_visit_session_is_busy (session);
}

/* The header of a decision as a ward prints it, black on white at 200 dpi. */
static char *
write_header_page (void)
{
  g_autoptr(VipsImage) ink = NULL;
  g_autoptr(VipsImage) paper = NULL;
  g_autoptr(VipsImage) page = NULL;
  g_autoptr(VipsImage) text = NULL;
  char *path = g_build_filename (dir, "header.png", NULL);
  const char *markup =
    "UBND QUẬN TÂN BÌNH\n"
    "ỦY BAN NHÂN DÂN PHƯỜNG 4\n\n"
    "Số: 123/QĐ-UBND\n\n"
    "Tân Bình, ngày 05 tháng 3 năm 2024\n\n"
    "QUYẾT ĐỊNH\n"
    "Về việc xác nhận thông tin cư trú";

  g_assert_cmpint (vips_text (&ink, markup, "font", "Noto Sans 12", "dpi", 200, NULL), ==, 0);
  g_assert_cmpint (vips_invert (ink, &text, NULL), ==, 0);
  g_assert_cmpint (vips_black (&paper, 1654, 2339, NULL), ==, 0);
  g_assert_cmpint (vips_invert (paper, &page, NULL), ==, 0);
  g_clear_object (&paper);
  g_assert_cmpint (vips_insert (page, text, &paper, 160, 160, NULL), ==, 0);
  g_clear_object (&page);
  g_assert_cmpint (vips_cast_uchar (paper, &page, NULL), ==, 0);
  vips_image_set_double (page, "xres", 200 / 25.4);
  vips_image_set_double (page, "yres", 200 / 25.4);
  page->Xres = page->Yres = 200 / 25.4;
  g_assert_cmpint (vips_pngsave (page, path, NULL), ==, 0);
  return path;
}

static void
test_prefill (void)
{
  g_autofree char *png = write_header_page ();
  g_autoptr(McDigitRecord) record = NULL;
  g_autoptr(JsonObject) identity = json_object_new ();

  json_object_set_string_member (identity, "id_number", "056090000000");
  mc_visit_set_identity (visit, identity);

  /* Before any page: the catalog's name and the card's number. */
  record = mc_visit_session_dup_record (session, "to-khai");
  g_assert_cmpstr (mc_digit_record_get (record, MC_RECORD_DOC_NAME), ==, "Tờ khai đăng ký khai sinh");
  g_assert_cmpstr (mc_digit_record_get (record, MC_RECORD_HOLDER_ID), ==, "056090000000");
  g_assert_null (mc_digit_record_get (record, MC_RECORD_NUMBER_SYMBOL));
  g_clear_pointer (&record, mc_digit_record_free);

  mc_visit_session_set_component (session, "giay-chung-sinh");
  mc_visit_session_import (session, (const char * const[]) { png, NULL });
  g_assert_true (mc_test_wait_until (imported, (gpointer) "giay-chung-sinh", 60));
  g_assert_cmpuint (mc_visit_count_pages (visit, "giay-chung-sinh"), ==, 1);

  mc_visit_session_read_record (session, "giay-chung-sinh");
  g_assert_true (mc_visit_session_is_reading_record (session, "giay-chung-sinh"));
  g_assert_true (mc_test_wait_until (idle, (gpointer) "giay-chung-sinh", 60));
  record = mc_visit_session_dup_record (session, "giay-chung-sinh");
  g_assert_cmpstr (mc_digit_record_get (record, MC_RECORD_NUMBER_SYMBOL), ==, "123/QĐ-UBND");
  g_assert_cmpstr (mc_digit_record_get (record, MC_RECORD_ISSUE_DATE), ==, "2024-03-05");
  /* Both lines of the body and nothing else; OCR may miss a mark in it. */
  g_assert_true (g_str_has_prefix (mc_digit_record_get (record, MC_RECORD_ISSUER), "UBND QU"));
  g_assert_nonnull (strstr (mc_digit_record_get (record, MC_RECORD_ISSUER), "TÂN BÌNH"));
  g_assert_true (g_str_has_suffix (mc_digit_record_get (record, MC_RECORD_ISSUER), "PHƯỜNG 4"));
  g_assert_cmpstr (mc_digit_record_get (record, MC_RECORD_DOC_NAME), ==, "QUYẾT ĐỊNH");
  g_assert_false (record->edited);

  /* The clerk's corrections stand: reading the page again changes nothing. */
  mc_digit_record_set (record, MC_RECORD_NUMBER_SYMBOL, "124/QĐ-UBND");
  mc_digit_record_set (record, MC_RECORD_ISSUER, NULL);
  mc_visit_session_save_record (session, "giay-chung-sinh", record);
  mc_visit_session_read_record (session, "giay-chung-sinh");
  g_assert_true (mc_test_wait_until (idle, (gpointer) "giay-chung-sinh", 60));
  g_assert_true (mc_visit_get_record (visit, "giay-chung-sinh")->edited);
  g_assert_cmpstr (mc_digit_record_get (mc_visit_get_record (visit, "giay-chung-sinh"), MC_RECORD_NUMBER_SYMBOL),
                   ==, "124/QĐ-UBND");
  g_assert_null (mc_digit_record_get (mc_visit_get_record (visit, "giay-chung-sinh"), MC_RECORD_ISSUER));
}

/* One A4 page as a PDF, from the program's own tool (pack would OCR:
 * the pdf command only wraps the image). */
static char *
make_pdf (const char *name)
{
  g_autofree char *png = write_header_page ();
  g_autofree char *pdf = g_build_filename (dir, name, NULL);
  g_auto(McToolRun) run = { 0 };

  mc_tool_run (&run, NULL, MC_ARGS ("pdf", "-o", pdf, png));
  g_test_message ("pdf: %d %s%s", run.status, run.out, run.err);
  g_assert_cmpint (run.status, ==, 0);
  return g_steal_pointer (&pdf);
}

static char *
sign (const char *in,
      const char *name)
{
  g_autofree char *out = g_build_filename (dir, name, NULL);
  g_autofree char *pin_var = g_strdup_printf ("MOTCUA_PIN=%s", token->pin);
  g_auto(McToolRun) run = { 0 };

  mc_test_token_reset (token);
  mc_tool_run (&run, MC_ARGS (pin_var), MC_ARGS ("sign", in, "--key", token->uri_rsa, "-o", out));
  g_test_message ("sign: %d %s%s", run.status, run.out, run.err);
  g_assert_cmpint (run.status, ==, 0);
  return g_steal_pointer (&out);
}

/* The record as if nothing had been checked yet, so the next check shows. */
static void
forget_source (const char *component)
{
  g_autoptr(McDigitRecord) empty = mc_digit_record_new ();

  mc_visit_set_record (visit, component, empty);
}

static void
import_and_wait (const char *component,
                 const char *path)
{
  const McDigitRecord *before = mc_visit_get_record (visit, component);
  SourceWait w = { component, before ? before->source : MC_SOURCE_NOT_CHECKED };

  mc_visit_session_set_component (session, component);
  mc_visit_session_import (session, (const char * const[]) { path, NULL });
  g_assert_true (mc_test_wait_until (source_changed, &w, 60));
}

static void
test_brought_pdfs (void)
{
  g_autofree char *plain = make_pdf ("plain.pdf");
  g_autofree char *signed_pdf = sign (plain, "signed.pdf");
  g_autofree char *tampered = g_build_filename (dir, "tampered.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;
  const McDigitRecord *r;

  /* One byte inside the signed range, in the page's image. */
  g_assert_true (g_file_get_contents (signed_pdf, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 4000);
  contents[3000] ^= 0x01;
  g_assert_true (g_file_set_contents (tampered, contents, (gssize) len, NULL));

  /* No authority configured: intact, signer named, chain not checked. */
  import_and_wait ("van-ban-uy-quyen", signed_pdf);
  r = mc_visit_get_record (visit, "van-ban-uy-quyen");
  g_assert_cmpint (r->source, ==, MC_SOURCE_SIGNED_INTACT);
  g_assert_cmpstr (r->source_signer, ==, MC_TEST_TOKEN_HOLDER);
  g_assert_cmpint (r->source_chain, ==, MC_CHAIN_NOT_CHECKED);
  g_assert_cmpstr (r->source_file, ==, "signed.pdf");
  text = mc_digit_record_dup_source_text (r);
  g_assert_cmpstr (text, ==, "Signed by " MC_TEST_TOKEN_HOLDER ", intact");
  g_clear_pointer (&text, g_free);

  /* The changed copy: broken, and the clerk is told at once. */
  import_and_wait ("van-ban-uy-quyen", tampered);
  r = mc_visit_get_record (visit, "van-ban-uy-quyen");
  g_assert_cmpint (r->source, ==, MC_SOURCE_SIGNED_BROKEN);
  g_assert_cmpstr (r->source_file, ==, "tampered.pdf");
  g_assert_true (mc_visit_session_get_message_is_error (session));
  g_assert_nonnull (strstr (mc_visit_session_get_message (session), "tampered.pdf"));
  g_assert_nonnull (strstr (mc_visit_session_get_message (session), "Signature broken"));

  /* Not signed. */
  import_and_wait ("to-khai", plain);
  r = mc_visit_get_record (visit, "to-khai");
  g_assert_cmpint (r->source, ==, MC_SOURCE_NOT_SIGNED);
  text = mc_digit_record_dup_source_text (r);
  g_assert_cmpstr (text, ==, "No digital signature");
  g_clear_pointer (&text, g_free);

  /* With the test CA as the authority: trusted; with another, not. */
  g_settings_set_string (settings, "signature-ca-file", token->ca_pem);
  import_and_wait ("to-khai", signed_pdf);
  r = mc_visit_get_record (visit, "to-khai");
  g_assert_cmpint (r->source, ==, MC_SOURCE_SIGNED_INTACT);
  g_assert_cmpint (r->source_chain, ==, MC_CHAIN_TRUSTED);
  g_settings_set_string (settings, "signature-ca-file", token->other_ca_pem);
  forget_source ("to-khai");
  import_and_wait ("to-khai", signed_pdf);
  r = mc_visit_get_record (visit, "to-khai");
  g_assert_cmpint (r->source_chain, ==, MC_CHAIN_UNTRUSTED);
  text = mc_digit_record_dup_source_text (r);
  g_assert_nonnull (strstr (text, "not from a trusted authority"));
  g_clear_pointer (&text, g_free);

  /* An authorities file that is no such thing: still intact, unchecked. */
  g_settings_set_string (settings, "signature-ca-file", plain);
  forget_source ("to-khai");
  import_and_wait ("to-khai", signed_pdf);
  r = mc_visit_get_record (visit, "to-khai");
  g_assert_cmpint (r->source, ==, MC_SOURCE_SIGNED_INTACT);
  g_assert_cmpint (r->source_chain, ==, MC_CHAIN_NOT_CHECKED);
  g_settings_set_string (settings, "signature-ca-file", token->other_ca_pem);
  forget_source ("to-khai");
  import_and_wait ("to-khai", signed_pdf);
  g_settings_reset (settings, "signature-ca-file");
}

/* Every import has brought its page and every page is cleaned. */
static gboolean
settled (gpointer data)
{
  return mc_visit_count_pages (visit, "to-khai") == 5 && mc_visit_count_pages (visit, "van-ban-uy-quyen") == 2 &&
         !mc_visit_session_is_busy (session);
}

/* What was checked and saved survives a restart of the program. */
static void
test_kept (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisit) again = NULL;

  g_assert_true (mc_test_wait_until (settled, NULL, 120));

  g_assert_true (mc_visit_flush (visit, &error));
  g_assert_no_error (error);
  again = mc_visit_load (mc_visit_get_dir (visit), catalog, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mc_visit_get_record (again, "van-ban-uy-quyen")->source, ==, MC_SOURCE_SIGNED_BROKEN);
  g_assert_cmpstr (mc_visit_get_record (again, "van-ban-uy-quyen")->source_file, ==, "tampered.pdf");
  g_assert_cmpint (mc_visit_get_record (again, "to-khai")->source_chain, ==, MC_CHAIN_UNTRUSTED);
  g_assert_cmpstr (mc_digit_record_get (mc_visit_get_record (again, "giay-chung-sinh"), MC_RECORD_NUMBER_SYMBOL),
                   ==, "124/QĐ-UBND");
  g_assert_true (mc_visit_get_record (again, "giay-chung-sinh")->edited);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  mc_test_init (&argc, &argv);
  mc_core_init ();
  token = mc_test_token_new ();
  catalog = mc_procedure_catalog_new_builtin ();
  dir = mc_test_make_tmpdir ("visit-records");
  settings = g_settings_new (APP_ID);
  store = mc_visit_store_new (dir, catalog);
  visit = mc_visit_store_create (store, BIRTH, "22333", "Quầy 1", "Cán bộ A", &error);
  g_assert_no_error (error);
  session = mc_visit_session_new (visit, settings);
  mc_visit_session_start (session);

  g_test_add_func ("/visit-records/prefill", test_prefill);
  g_test_add_func ("/visit-records/brought-pdfs", test_brought_pdfs);
  g_test_add_func ("/visit-records/kept", test_kept);
  status = g_test_run ();

  mc_visit_session_close (session);
  g_clear_object (&session);
  mc_visit_store_flush (store, NULL);
  g_clear_object (&store);
  g_clear_object (&settings);
  g_clear_object (&catalog);
  g_clear_pointer (&token, mc_test_token_free);
  mc_test_rm_rf (dir);
  g_free (dir);
  return status;
}
