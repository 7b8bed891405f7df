/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE   /* memmem */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mc-cleanup.h"
#include "mc-core.h"
#include "mc-page-fixture.h"
#include "mc-pdf-writer.h"
#include "mc-searchable-pdf.h"
#include "mc-test-tool.h"
#include "mc-test-util.h"
#include "mc-vips.h"

#define DPI 300   /* as scanned; cleanup brings pages to 200 dpi */

static char *tmpdir;
/* Three cleaned pages, made once: line art, line art (turned upside
 * down on the glass), colour with a seal. */
static char *pages[4];
static char *truths[3];

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

static char *
pdftotext_page (const char *pdf,
                int         page)
{
  g_autofree char *n = g_strdup_printf ("%d", page);
  int status = 0;
  char *text = run_capture ((const char *[]) { "pdftotext", "-enc", "UTF-8", "-f", n, "-l", n,
                                               pdf, "-", NULL }, &status);

  g_assert_cmpint (status, ==, 0);
  return text;
}

static void
make_pages (void)
{
  McPageFixture fixtures[3] = {
    { .dpi = DPI, .skew = 1.2, .n_paragraphs = 5, .variant = 0 },
    { .dpi = DPI, .skew = -0.8, .rotation = 180, .n_paragraphs = 5, .variant = 5, .grey_paper = TRUE },
    { .dpi = DPI, .seal = TRUE, .n_paragraphs = 4, .variant = 2 },
  };
  McCleanupOptions options = { .orient = mc_ocr_orient_func };

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(VipsImage) raw = mc_page_fixture_render (&fixtures[i], &truths[i]);
      g_autofree char *base = g_strdup_printf ("%s/page-%u", tmpdir, i + 1);
      g_autoptr(GError) error = NULL;
      g_autoptr(McCleanupResult) r = mc_cleanup_image (raw, DPI, base, &options, NULL, &error);

      g_assert_no_error (error);
      g_assert_false (r->blank);
      pages[i] = g_strdup (r->output);
    }
  g_assert_true (g_str_has_suffix (pages[0], ".tif"));
  g_assert_true (g_str_has_suffix (pages[2], ".jpg"));
}

static void
test_searchable (void)
{
  g_autofree char *pdf = g_build_filename (tmpdir, "hoso.pdf", NULL);
  McPdfOptions options = { .title = "Hồ sơ đăng ký khai sinh", .max_bytes = MC_PDF_DEFAULT_MAX_BYTES,
                           .pdfa = TRUE };
  McPdfReport report = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *info = NULL;
  g_autofree char *fonts = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *jpeg = NULL;
  g_autofree char *qpdf = NULL;
  gsize len = 0, jpeg_len = 0;
  int status = 0;

  g_assert_true (mc_searchable_pdf_write ((const char * const *) pages, pdf, &options, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pages, ==, 3);
  g_assert_cmpuint (report.steps, ==, 0);
  g_assert_cmpuint (report.passed_through, ==, 3);

  /* It opens, with the right page count, size and title. */
  info = run_capture ((const char *[]) { "pdfinfo", "-f", "1", "-l", "3", pdf, NULL }, &status);
  g_assert_cmpint (status, ==, 0);
  g_test_message ("%s", info);
  g_assert_nonnull (strstr (info, "Pages:           3\n"));
  g_assert_nonnull (strstr (info, "Title:           Hồ sơ đăng ký khai sinh\n"));
  g_assert_nonnull (strstr (info, "Producer:        Một Cửa"));
  for (int p = 1; p <= 3; p++)
    {
      g_autofree char *key = g_strdup_printf ("Page %4d size: ", p);
      const char *at = strstr (info, key);
      double w, h;

      g_assert_nonnull (at);
      g_assert_cmpint (sscanf (at + strlen (key), "%lf x %lf", &w, &h), ==, 2);
      /* A4 is 595.3 × 841.9 pt; the cleaned pages keep it within 1 mm. */
      g_assert_cmpfloat (fabs (w - 595.3), <, 3.0);
      g_assert_cmpfloat (fabs (h - 841.9), <, 3.0);
    }

  /* Copying the text out gives the Vietnamese that was printed. */
  for (int p = 1; p <= 3; p++)
    {
      g_autofree char *text = pdftotext_page (pdf, p);
      double cer = mc_text_cer (truths[p - 1], text);

      g_test_message ("page %d: CER %.2f %%", p, 100 * cer);
      g_assert_cmpfloat (cer, <, 0.02);
    }

  /* The font is embedded. */
  fonts = run_capture ((const char *[]) { "pdffonts", pdf, NULL }, &status);
  g_assert_cmpint (status, ==, 0);
  {
    const char *line = strstr (fonts, "GlyphLessFont");
    g_autofree char *one = NULL;
    g_auto(GStrv) cols = NULL;

    g_assert_nonnull (line);
    one = g_strndup (line, strcspn (line, "\n"));
    cols = g_regex_split_simple ("\\s+", one, 0, 0);
    /* name, "CID", "TrueType", encoding, emb, sub, uni, object, generation */
    g_assert_cmpuint (g_strv_length (cols), ==, 9);
    g_assert_cmpstr (cols[1], ==, "CID");
    g_assert_cmpstr (cols[3], ==, "Identity-H");
    g_assert_cmpstr (cols[4], ==, "yes");   /* embedded */
    g_assert_cmpstr (cols[6], ==, "yes");   /* has a ToUnicode map */
  }

  /* The JPEG page went in byte for byte; line art as G4. */
  g_assert_true (g_file_get_contents (pdf, &bytes, &len, NULL));
  g_assert_true (g_file_get_contents (pages[2], &jpeg, &jpeg_len, NULL));
  g_assert_nonnull (memmem (bytes, len, jpeg, jpeg_len));
  g_assert_nonnull (memmem (bytes, len, "/CCITTFaxDecode", 15));
  g_assert_nonnull (memmem (bytes, len, "<pdfaid:part>2</pdfaid:part>", 28));
  g_assert_nonnull (memmem (bytes, len, "/GTS_PDFA1", 10));
  g_assert_cmpmem (bytes + len - 6, 6, "%%EOF\n", 6);

  /* Structure check by an independent reader, when there is one. */
  qpdf = g_find_program_in_path ("qpdf");
  if (qpdf != NULL)
    {
      g_autofree char *check = run_capture ((const char *[]) { "qpdf", "--check", pdf, NULL }, &status);

      g_test_message ("%s", check);
      g_assert_cmpint (status, ==, 0);
    }
}

/* Pages that are not cleaned: a PNG at 300 dpi is encoded once, at the
 * PDF's resolution. */
static void
test_uncleaned_input (void)
{
  g_autofree char *png = g_build_filename (tmpdir, "raw.png", NULL);
  g_autofree char *pdf = g_build_filename (tmpdir, "raw.pdf", NULL);
  g_autofree char *truth = NULL;
  g_autofree char *text = NULL;
  McPageFixture f = { .dpi = DPI, .n_paragraphs = 3, .variant = 7, .grey_paper = TRUE };
  const char *inputs[] = { png, NULL };
  McPdfReport report = { 0 };
  g_autoptr(GError) error = NULL;

  mc_page_fixture_save (&f, png, &truth);
  g_assert_true (mc_searchable_pdf_write (inputs, pdf, NULL, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.passed_through, ==, 0);
  g_assert_cmpint (report.dpi, ==, 200);
  text = pdftotext_page (pdf, 1);
  g_assert_cmpfloat (mc_text_cer (truth, text), <, 0.02);
  /* PDF/A is claimed only when asked for. */
  {
    g_autofree char *bytes = NULL;
    gsize len = 0;

    g_assert_true (g_file_get_contents (pdf, &bytes, &len, NULL));
    g_assert_null (memmem (bytes, len, "pdfaid", 6));
  }
}

static void
test_budget (void)
{
  g_autofree char *pdf = g_build_filename (tmpdir, "small.pdf", NULL);
  g_autofree char *none = g_build_filename (tmpdir, "none.pdf", NULL);
  McPdfReport full = { 0 }, report = { 0 };
  g_autoptr(GError) error = NULL;
  McPdfOptions options = { 0 };
  GStatBuf st;

  /* How big it is without a budget. */
  g_assert_true (mc_searchable_pdf_write ((const char * const *) pages, pdf, &options, &full, NULL, &error));
  g_assert_no_error (error);

  /* A budget of 70 % of that: the images step down, the file fits. */
  options.max_bytes = full.bytes * 7 / 10;
  g_assert_true (mc_searchable_pdf_write ((const char * const *) pages, pdf, &options, &report, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("%" G_GUINT64_FORMAT " → %" G_GUINT64_FORMAT " bytes (budget %" G_GUINT64_FORMAT "), %d dpi, quality %d",
                  full.bytes, report.bytes, options.max_bytes, report.dpi, report.quality);
  g_assert_cmpuint (report.steps, >, 0);
  g_assert_cmpuint (report.bytes, <=, options.max_bytes);
  g_assert_cmpint (report.dpi, >=, MC_PDF_FLOOR_DPI);
  g_assert_cmpint (g_stat (pdf, &st), ==, 0);
  g_assert_cmpuint (st.st_size, ==, report.bytes);
  /* Still searchable. */
  {
    g_autofree char *text = pdftotext_page (pdf, 1);

    g_assert_cmpfloat (mc_text_cer (truths[0], text), <, 0.02);
  }

  /* An impossible budget: a clear error and no file. */
  options.max_bytes = 20000;
  g_assert_false (mc_searchable_pdf_write ((const char * const *) pages, none, &options, &report, NULL, &error));
  g_assert_error (error, MC_PDF_ERROR, MC_PDF_ERROR_TOO_LARGE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "150 dpi"));
  g_assert_false (g_file_test (none, G_FILE_TEST_EXISTS));
  {
    /* No temporary file left behind either. */
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)) != NULL)
      g_assert_false (g_str_has_suffix (name, ".part"));
  }
}

static void
test_glyphless_font (void)
{
  g_autoptr(GBytes) font = mc_pdf_glyphless_font ();
  gsize len = 0;
  const guint8 *p = g_bytes_get_data (font, &len);
  guint32 sum = 0;

  /* A TrueType file: version 1.0, 8 tables, whole-file checksum as the
   * head table's adjustment makes it. */
  g_assert_cmpuint (len, >, 12 + 8 * 16);
  g_assert_cmpuint (len % 4, ==, 0);
  g_assert_cmpint (p[0], ==, 0); g_assert_cmpint (p[1], ==, 1);
  g_assert_cmpint (p[5], ==, 8);
  for (gsize i = 0; i < len; i += 4)
    sum += (guint32) p[i] << 24 | (guint32) p[i + 1] << 16 | (guint32) p[i + 2] << 8 | p[i + 3];
  g_assert_cmpuint (sum, ==, 0xB1B0AFBAu);
}


static void
test_bad_input (void)
{
  g_autofree char *truncated = g_build_filename (tmpdir, "cut.jpg", NULL);
  g_autofree char *pdf = g_build_filename (tmpdir, "bad.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  const char *inputs[] = { pages[0], truncated, NULL };
  const char *no_inputs[] = { NULL };
  gsize len = 0;

  mc_test_allow_vips_warnings ();
  g_assert_true (g_file_get_contents (pages[2], &contents, &len, NULL));
  g_assert_true (g_file_set_contents (truncated, contents, len / 3, NULL));

  g_assert_false (mc_searchable_pdf_write (inputs, pdf, NULL, NULL, NULL, &error));
  g_assert_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_DAMAGED);
  g_assert_nonnull (strstr (error->message, "cut.jpg"));
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_assert_false (mc_searchable_pdf_write (no_inputs, pdf, NULL, NULL, NULL, &error));
  g_assert_error (error, MC_PDF_ERROR, MC_PDF_ERROR_NO_PAGES);
}

static void
test_tool (void)
{
  g_autofree char *pdf = g_build_filename (tmpdir, "tool.pdf", NULL);
  g_autofree char *huge = g_build_filename (tmpdir, "huge.png", NULL);
  g_auto(McToolRun) run = { 0 };
  g_auto(McToolRun) big = { 0 };
  g_auto(McToolRun) vi = { 0 };
  g_auto(McToolRun) bad = { 0 };
  g_auto(McToolRun) usage = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *o;

  mc_tool_run (&run, NULL, MC_ARGS ("pdf", "--lang", "vie", "--max-size", "5M", "--dpi", "200",
                                    pages[0], pages[1], pages[2], "-o", pdf, "--json"));
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (o, "pages"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (o, "bytes"), <=, 5000000);
  g_assert_cmpfloat (json_object_get_double_member (o, "seconds"), >, 0.0);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));

  /* Cannot fit: exit 22, and the message says what to do, in Vietnamese
   * under LANGUAGE=vi. */
  mc_tool_run (&big, NULL, MC_ARGS ("pdf", "--max-size", "20K", pages[2], "-o", pdf));
  g_assert_cmpint (big.status, ==, 22);
  g_assert_nonnull (strstr (big.err, "150 dpi"));
  mc_tool_run (&vi, MC_ARGS ("LANGUAGE=vi"), MC_ARGS ("pdf", "--max-size", "20K", pages[2], "-o", pdf));
  g_assert_cmpint (vi.status, ==, 22);
  g_assert_nonnull (strstr (vi.err, "Chia hồ sơ"));

  /* A PNG header claiming 100000 × 100000: refused from the header, exit
   * 20, no huge allocation (the ASan build would catch one). */
  mc_fixture_write_huge_png_header (huge, 100000, 100000);
  mc_tool_run (&bad, MC_ARGS ("G_DEBUG="), MC_ARGS ("pdf", huge, "-o", pdf));
  g_assert_cmpint (bad.status, ==, 20);
  g_assert_nonnull (strstr (bad.err, "huge.png"));

  mc_tool_run (&usage, NULL, MC_ARGS ("pdf", "--max-size", "lots", pages[0], "-o", pdf));
  g_assert_cmpint (usage.status, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mc_test_init (&argc, &argv);
  mc_core_init ();
  vips_cache_set_max (0);
  tmpdir = mc_test_make_tmpdir ("pdf");
  make_pages ();

  g_test_add_func ("/pdf/glyphless-font", test_glyphless_font);
  g_test_add_func ("/pdf/searchable", test_searchable);
  g_test_add_func ("/pdf/uncleaned-input", test_uncleaned_input);
  g_test_add_func ("/pdf/budget", test_budget);
  g_test_add_func ("/pdf/bad-input", test_bad_input);
  g_test_add_func ("/pdf/tool", test_tool);

  status = g_test_run ();
  mc_test_rm_rf (tmpdir);
  for (guint i = 0; i < 3; i++)
    {
      g_free (pages[i]);
      g_free (truths[i]);
    }
  g_free (tmpdir);
  return status;
}
