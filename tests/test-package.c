/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/stat.h>
#include <json-glib/json-glib.h>

#include "mc-cleanup.h"
#include "mc-core.h"
#include "mc-file-util.h"
#include "mc-package.h"
#include "mc-package-naming.h"
#include "mc-page-fixture.h"
#include "mc-scanner.h"
#include "mc-vips.h"
#include "mc-test-text.h"
#include "mc-test-tool.h"
#include "mc-test-util.h"

/* Packages from generated paperwork pages: real cleanup is not needed
 * here (the cleanup tests cover it), real OCR and PDF writing are. */

static McProcedureCatalog *catalog;

static void
add_fixture_page (McVisit    *visit,
                  const char *key,
                  guint       variant,
                  gboolean    seal)
{
  McPageStore *store = mc_visit_get_pages (visit, key);
  McPageFixture fixture = { .dpi = 150, .width_mm = 148, .height_mm = 105,
                            .variant = variant, .n_paragraphs = 2, .seal = seal };
  g_autoptr(VipsImage) image = mc_page_fixture_render (&fixture, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(McPage) page = mc_page_store_save_image (store, image, 150, MC_SCAN_MODE_COLOR,
                                                     MC_SCAN_SOURCE_FLATBED, MC_PAGE_SIDE_FRONT, &error);

  g_assert_no_error (error);
  mc_page_store_append (store, page);
}

static McVisit *
birth_visit (const char *dir)
{
  g_autoptr(GError) error = NULL;
  McVisit *visit = mc_visit_create (dir, catalog, "1.001193", "22333", "Quầy 1", "Cán bộ A", &error);

  g_assert_no_error (error);
  add_fixture_page (visit, "to-khai", 1, FALSE);
  add_fixture_page (visit, "to-khai", 2, FALSE);
  add_fixture_page (visit, "giay-chung-sinh", 3, TRUE);
  add_fixture_page (visit, "giay-to-tuy-than", 4, FALSE);
  mc_visit_refresh_state (visit);
  return visit;
}

static char *
sha256_of (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static JsonObject *
read_manifest (const char *package_dir)
{
  g_autofree char *path = g_build_filename (package_dir, "manifest.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
settle (McVisit *visit)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
  mc_visit_flush (visit, NULL);
}

static void
test_build (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("package");
  g_autoptr(McVisit) visit = birth_visit (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) manifest = NULL;
  McPackageReport report = { 0 };
  JsonArray *components;
  gint64 total = 0;

  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_READY);
  g_assert_true (mc_package_build (visit, NULL, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_PACKAGED);
  g_assert_cmpuint (report.files, ==, 3);
  g_assert_cmpuint (report.pages, ==, 4);

  manifest = read_manifest (mc_visit_get_package_dir (visit));
  g_assert_cmpint (json_object_get_int_member (manifest, "format"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (manifest, "kind"), ==, "motcua-package");
  g_assert_cmpstr (json_object_get_string_member (manifest, "visit_id"), ==, mc_visit_get_id (visit));
  g_assert_cmpstr (json_object_get_string_member (manifest, "ward_code"), ==, "22333");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (manifest, "procedure"), "code"),
                   ==, "1.001193");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (manifest, "procedure"), "portal"),
                   ==, "national");
  /* Nothing about the citizen unless the clerk asked. */
  g_assert_true (json_object_get_null_member (manifest, "identity"));

  components = json_object_get_array_member (manifest, "components");
  g_assert_cmpuint (json_array_get_length (components), ==, 4);
  for (guint i = 0; i < json_array_get_length (components); i++)
    {
      JsonObject *c = json_array_get_object_element (components, i);
      JsonArray *files = json_object_get_array_member (c, "files");
      const McComponent *catalog_c = g_ptr_array_index (mc_visit_get_procedure (visit)->components, i);

      /* Catalog order, and an empty list for the optional authorisation. */
      g_assert_cmpstr (json_object_get_string_member (c, "key"), ==, catalog_c->key);
      if (g_str_equal (catalog_c->key, "van-ban-uy-quyen"))
        {
          g_assert_cmpuint (json_array_get_length (files), ==, 0);
          continue;
        }
      g_assert_cmpuint (json_array_get_length (files), ==, 1);
      {
        JsonObject *f = json_array_get_object_element (files, 0);
        JsonObject *record = json_object_get_object_member (c, "record");
        g_autofree char *visit8 = g_ascii_strup (mc_visit_get_id (visit), 8);
        g_autoptr(GDateTime) day = g_date_time_to_local (mc_visit_get_created (visit));
        g_autofree char *ymd = g_date_time_format (day, "%Y%m%d");
        /* The defaults: before the receipt, the visit's short code stands in. */
        g_autofree char *expected_name = g_strdup_printf ("%s-%02u-%s.pdf", visit8, i + 1, catalog_c->key);
        g_autofree char *expected_code = g_strdup_printf ("22333.%s.%s.%02u", ymd, visit8, i + 1);
        g_autofree char *path = g_build_filename (mc_visit_get_package_dir (visit), expected_name, NULL);
        g_autofree char *sha = sha256_of (path);
        GStatBuf st;

        g_assert_cmpstr (json_object_get_string_member (f, "name"), ==, expected_name);
        g_assert_cmpstr (json_object_get_string_member (f, "digitization_code"), ==, expected_code);
        /* The record, pre-filled with the paper's name; no holder's
         * number without the clerk's opt-in. */
        g_assert_cmpstr (json_object_get_string_member (record, "doc_name"), ==, catalog_c->name);
        g_assert_true (json_object_get_null_member (record, "holder_id"));
        g_assert_true (json_object_get_null_member (record, "number_symbol"));
        g_assert_false (json_object_get_boolean_member (record, "edited"));
        g_assert_cmpstr (json_object_get_string_member (f, "media_type"), ==, "application/pdf");
        g_assert_cmpstr (json_object_get_string_member (f, "sha256"), ==, sha);
        g_assert_cmpint (g_stat (path, &st), ==, 0);
        g_assert_cmpint (json_object_get_int_member (f, "size"), ==, st.st_size);
        g_assert_cmpint (json_object_get_int_member (f, "pages"), ==, i == 0 ? 2 : 1);
        /* Under the portal's 5 MB. */
        g_assert_cmpint (st.st_size, <, 5 * 1000 * 1000);
        total += st.st_size;
      }
    }
  g_assert_cmpint (json_object_get_int_member (manifest, "total_size"), ==, total);
  g_assert_true (mc_package_verify (mc_visit_get_package_dir (visit), &error));
  g_assert_no_error (error);

  settle (visit);
  mc_test_rm_rf (dir);
}

static void
test_identity_opt_in (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("package-id");
  g_autoptr(McVisit) visit = birth_visit (dir);
  g_autoptr(JsonObject) identity = json_object_new ();
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *id;

  /* A right-to-left override and a bell in the name as it was read:
   * dropped, so the manifest holds the name as printed on the card. */
  json_object_set_string_member (identity, "full_name", "\u202ENGUYỄN VĂN MẪU\x07");
  json_object_set_string_member (identity, "id_number", "056090000000");
  json_object_set_string_member (identity, "date_of_birth", "1990-01-01");
  json_object_set_string_member (identity, "place_of_residence", "Số 1 đường Mẫu");
  mc_visit_set_identity (visit, identity);
  mc_visit_set_identity_in_package (visit, TRUE);
  g_assert_true (mc_package_build (visit, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  manifest = read_manifest (mc_visit_get_package_dir (visit));
  id = json_object_get_object_member (manifest, "identity");
  g_assert_cmpstr (json_object_get_string_member (id, "full_name"), ==, "NGUYỄN VĂN MẪU");
  /* Only the three fields the format allows. */
  g_assert_cmpuint (json_object_get_size (id), ==, 3);
  g_assert_false (json_object_has_member (id, "place_of_residence"));
  g_assert_false (mc_test_json_has_hidden (json_object_get_member (manifest, "identity")));
  {
    g_autofree char *path = g_build_filename (mc_visit_get_package_dir (visit), "manifest.json", NULL);

    g_assert_false (mc_test_json_file_has_hidden (path));
  }

  settle (visit);
  mc_test_rm_rf (dir);
}

/* The record the clerk saved goes into the manifest as saved; templates
 * from the settings name the files and code them, each uniquely, the
 * names without diacritics or slashes. */
static void
test_records_and_names (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("package-records");
  g_autoptr(McVisit) visit = birth_visit (dir);
  g_autoptr(McVisit) again = NULL;
  g_autoptr(McDigitRecord) record = mc_digit_record_new ();
  g_autoptr(JsonObject) identity = json_object_new ();
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(GError) error = NULL;
  /* No {position}: the codes would repeat, and must not. */
  McPackageOptions options = { .code_format = "{ward_code}-{receipt}",
                               .name_template = "Hồ sơ {receipt}/{procedure} Đơn {position}" };
  McPackageOptions unknown = { .name_template = "{receipt}-{page}" };
  JsonArray *components;
  JsonObject *first, *file;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();

  json_object_set_string_member (identity, "id_number", "056090000000");
  mc_visit_set_identity (visit, identity);
  mc_digit_record_set (record, MC_RECORD_NUMBER_SYMBOL, " 123/QĐ-UBND ");
  mc_digit_record_set (record, MC_RECORD_ISSUE_DATE, "2024-03-05");
  mc_digit_record_set (record, MC_RECORD_SUMMARY, "\u202ETờ khai của người yêu cầu");
  mc_digit_record_set (record, MC_RECORD_HOLDER_ID, "056090000000");
  record->edited = TRUE;
  mc_visit_set_record (visit, "to-khai", record);
  g_assert_true (mc_visit_set_receipt (visit, "000.00.21.H23-241207-0001/X", MC_SUBMIT_BROWSER, &error));
  g_assert_no_error (error);

  g_assert_false (mc_package_build (visit, &unknown, NULL, NULL, &error));
  g_assert_error (error, MC_PACKAGE_ERROR, MC_PACKAGE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "{page}"));
  g_clear_error (&error);

  mc_visit_set_identity_in_package (visit, TRUE);
  g_assert_true (mc_package_build (visit, &options, NULL, NULL, &error));
  g_assert_no_error (error);
  manifest = read_manifest (mc_visit_get_package_dir (visit));
  components = json_object_get_array_member (manifest, "components");
  for (guint i = 0; i < json_array_get_length (components); i++)
    {
      JsonArray *files = json_object_get_array_member (json_array_get_object_element (components, i), "files");

      for (guint j = 0; j < json_array_get_length (files); j++)
        {
          file = json_array_get_object_element (files, j);
          g_ptr_array_add (names, (gpointer) json_object_get_string_member (file, "name"));
          g_ptr_array_add (codes, (gpointer) json_object_get_string_member (file, "digitization_code"));
        }
    }
  g_assert_cmpuint (names->len, ==, 3);
  g_assert_cmpstr (names->pdata[0], ==, "Ho-so-000.00.21.H23-241207-0001-X-1.001193-Don-1.pdf");
  g_assert_cmpstr (codes->pdata[0], ==, "22333-000.00.21.H23-241207-0001/X");
  g_assert_cmpstr (codes->pdata[1], ==, "22333-000.00.21.H23-241207-0001/X.2");
  g_assert_cmpstr (codes->pdata[2], ==, "22333-000.00.21.H23-241207-0001/X.3");

  first = json_object_get_object_member (json_array_get_object_element (components, 0), "record");
  g_assert_cmpstr (json_object_get_string_member (first, "number_symbol"), ==, "123/QĐ-UBND");
  g_assert_cmpstr (json_object_get_string_member (first, "issue_date"), ==, "2024-03-05");
  g_assert_cmpstr (json_object_get_string_member (first, "summary"), ==, "Tờ khai của người yêu cầu");
  g_assert_cmpstr (json_object_get_string_member (first, "holder_id"), ==, "056090000000");
  g_assert_true (json_object_get_boolean_member (first, "edited"));
  /* The clerk's record is as saved: nothing pre-filled over it. */
  g_assert_true (json_object_get_null_member (first, "doc_name"));
  /* The others are pre-filled: the paper's name, the holder's number. */
  first = json_object_get_object_member (json_array_get_object_element (components, 1), "record");
  g_assert_cmpstr (json_object_get_string_member (first, "doc_name"), ==,
                   "Giấy chứng sinh (hoặc văn bản của người làm chứng, giấy cam đoan)");
  g_assert_cmpstr (json_object_get_string_member (first, "holder_id"), ==, "056090000000");
  g_assert_false (json_object_get_boolean_member (first, "edited"));
  g_assert_true (mc_package_verify (mc_visit_get_package_dir (visit), &error));
  g_assert_no_error (error);

  /* Named by the paper alone, the files still come in the procedure's order. */
  {
    McPackageOptions by_key = { .name_template = "{key}" };
    g_autoptr(GPtrArray) listed = NULL;

    g_assert_true (mc_package_build (visit, &by_key, NULL, NULL, &error));
    g_assert_no_error (error);
    listed = mc_package_list_files (mc_visit_get_package_dir (visit));
    g_assert_cmpuint (listed->len, ==, 3);
    g_assert_cmpstr (listed->pdata[0], ==, "to-khai.pdf");
    g_assert_cmpstr (listed->pdata[1], ==, "giay-chung-sinh.pdf");
    g_assert_cmpstr (listed->pdata[2], ==, "giay-to-tuy-than.pdf");
  }

  /* Kept with the visit: read back after a restart. */
  settle (visit);
  again = mc_visit_load (mc_visit_get_dir (visit), catalog, &error);
  g_assert_no_error (error);
  g_assert_nonnull (mc_visit_get_record (again, "to-khai"));
  g_assert_cmpstr (mc_digit_record_get (mc_visit_get_record (again, "to-khai"), MC_RECORD_NUMBER_SYMBOL),
                   ==, "123/QĐ-UBND");
  g_assert_true (mc_visit_get_record (again, "to-khai")->edited);
  g_assert_null (mc_visit_get_record (again, "giay-chung-sinh"));

  mc_test_rm_rf (dir);
}

static void
test_naming (void)
{
  g_autoptr(GDateTime) day = g_date_time_new_local (2026, 3, 5, 10, 0, 0);
  McNamingContext ctx = { .ward_code = "26734", .date = day, .visit_id = "0a1b2c3d-0000-4000-8000-000000000000",
                          .procedure_code = "1.001193", .key = "to-khai", .position = 3, .file = 1 };
  g_autoptr(GError) error = NULL;
  struct { const char *in, *out; } names[] = {
    { "Giấy chứng nhận ĐĂNG KÝ kết hôn", "Giay-chung-nhan-DANG-KY-ket-hon" },
    { "../../etc/passwd", "etc-passwd" },
    { "a/b\\c:d*e?f\"g<h>i|j", "a-b-c-d-e-f-g-h-i-j" },
    { "", "file" },
    { "...", "file" },
    { "\xff\xfe", "file" },
    { "Nguyễn Thị Ánh-Tuyết_02.pdf", "Nguyen-Thi-Anh-Tuyet_02.pdf" },
  };
  struct { const char *tmpl, *out; } expand[] = {
    { MC_DEFAULT_CODE_FORMAT, "26734.20260305.0A1B2C3D.03" },
    { MC_DEFAULT_NAME_TEMPLATE, "0A1B2C3D-03-to-khai" },
    { "{yymmdd}-{visit}-{file:03}-{position}", "260305-0a1b2c3d-001-3" },
  };
  const char *bad[] = { "{position", "x}", "{position:2}", "{position:0}", "{}", "", "{nope}" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *out = mc_naming_sanitize (names[i].in);

      g_assert_cmpstr (out, ==, names[i].out);
    }
  {
    g_autofree char *long_name = mc_naming_sanitize ("ĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐ");

    g_assert_cmpuint (strlen (long_name), ==, 120);
  }
  for (guint i = 0; i < G_N_ELEMENTS (expand); i++)
    {
      g_autofree char *out = mc_naming_expand (expand[i].tmpl, &ctx, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, expand[i].out);
    }
  ctx.receipt = "H23.99-241207-0001";
  {
    g_autofree char *out = mc_naming_expand (MC_DEFAULT_NAME_TEMPLATE, &ctx, &error);

    g_assert_cmpstr (out, ==, "H23.99-241207-0001-03-to-khai");
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *out = mc_naming_expand (bad[i], &ctx, &error);

      g_assert_null (out);
      g_assert_error (error, MC_PACKAGE_ERROR, MC_PACKAGE_ERROR_FAILED);
      g_clear_error (&error);
    }
}

static void
test_missing_required (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("package-missing");
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisit) visit = mc_visit_create (dir, catalog, "1.001193", "22333", "Quầy 1", NULL, &error);
  g_autofree char *package = NULL;

  add_fixture_page (visit, "to-khai", 1, FALSE);
  g_assert_false (mc_package_build (visit, NULL, NULL, NULL, &error));
  g_assert_error (error, MC_PACKAGE_ERROR, MC_PACKAGE_ERROR_MISSING);
  /* The message names what is missing. */
  g_assert_nonnull (strstr (error->message, "Birth certificate from the hospital"));
  g_assert_nonnull (strstr (error->message, "ID card of the father or mother"));
  package = g_build_filename (mc_visit_get_dir (visit), "package", NULL);
  g_assert_false (g_file_test (package, G_FILE_TEST_EXISTS));

  settle (visit);
  mc_test_rm_rf (dir);
}

static void
test_size_budget (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("package-budget");
  g_autoptr(McVisit) visit = birth_visit (dir);
  g_autoptr(GError) error = NULL;
  McPackageOptions tiny = { .file_limit_bytes = 3000 };
  McPackageOptions small_total = { .total_limit_bytes = 20000 };

  /* No page is legible in 3 kB: a clear error naming the paper. */
  g_assert_false (mc_package_build (visit, &tiny, NULL, NULL, &error));
  g_assert_error (error, MC_PACKAGE_ERROR, MC_PACKAGE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "Tờ khai đăng ký khai sinh"));
  g_clear_error (&error);
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_READY);

  g_assert_false (mc_package_build (visit, &small_total, NULL, NULL, &error));
  g_assert_error (error, MC_PACKAGE_ERROR, MC_PACKAGE_ERROR_TOO_LARGE);

  settle (visit);
  mc_test_rm_rf (dir);
}

static void
test_verify_and_zip (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("package-zip");
  g_autoptr(McVisit) visit = birth_visit (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *zip = g_build_filename (dir, "package.zip", NULL);
  g_autofree char *extra = NULL;
  JsonArray *components;
  struct archive *a;
  struct archive_entry *entry;
  guint entries = 0;

  g_assert_true (mc_package_build (visit, NULL, NULL, NULL, &error));
  manifest = read_manifest (mc_visit_get_package_dir (visit));
  components = json_object_get_array_member (manifest, "components");
  for (guint i = 0; i < json_array_get_length (components); i++)
    {
      JsonArray *files = json_object_get_array_member (json_array_get_object_element (components, i), "files");

      for (guint j = 0; j < json_array_get_length (files); j++)
        {
          JsonObject *f = json_array_get_object_element (files, j);

          g_hash_table_insert (expected, g_strdup (json_object_get_string_member (f, "name")),
                               g_strdup (json_object_get_string_member (f, "sha256")));
        }
    }

  /* ZIP round trip: the same files, byte for byte, and the manifest. */
  g_assert_true (mc_package_export_zip (mc_visit_get_package_dir (visit), zip, &error));
  g_assert_no_error (error);
  a = archive_read_new ();
  archive_read_support_format_zip (a);
  g_assert_cmpint (archive_read_open_filename (a, zip, 16384), ==, ARCHIVE_OK);
  while (archive_read_next_header (a, &entry) == ARCHIVE_OK)
    {
      const char *name = archive_entry_pathname (entry);
      gsize size = (gsize) archive_entry_size (entry);
      g_autofree guchar *data = g_malloc (MAX (size, 1));
      g_autofree char *sha = NULL;

      g_assert_cmpint (archive_read_data (a, data, size), ==, (la_ssize_t) size);
      entries++;
      if (g_str_equal (name, "manifest.json"))
        continue;
      sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);
      g_assert_cmpstr (g_hash_table_lookup (expected, name), ==, sha);
    }
  archive_read_free (a);
  g_assert_cmpuint (entries, ==, g_hash_table_size (expected) + 1);

  /* A changed file or a stray one is caught. */
  extra = g_build_filename (mc_visit_get_package_dir (visit), "notes.txt", NULL);
  mc_test_write_file (extra, "x");
  g_assert_false (mc_package_verify (mc_visit_get_package_dir (visit), &error));
  g_assert_nonnull (strstr (error->message, "notes.txt"));
  g_clear_error (&error);
  g_unlink (extra);
  {
    g_autofree char *visit8 = g_ascii_strup (mc_visit_get_id (visit), 8);
    g_autofree char *name = g_strdup_printf ("%s-01-to-khai.pdf", visit8);
    g_autofree char *pdf = g_build_filename (mc_visit_get_package_dir (visit), name, NULL);
    FILE *f = fopen (pdf, "ab");

    fputc ('%', f);
    fclose (f);
    g_assert_false (mc_package_verify (mc_visit_get_package_dir (visit), &error));
    g_assert_nonnull (strstr (error->message, name));
  }

  settle (visit);
  mc_test_rm_rf (dir);
}

static void
test_tool_pack (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("pack-tool");
  g_autofree char *form = g_build_filename (dir, "form.png", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.png", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.png", NULL);
  /* Written as a clerk types a folder, with its slash. */
  g_autofree char *out = g_build_filename (dir, "out/", NULL);
  g_autofree char *zip = g_build_filename (dir, "out.zip", NULL);
  g_autofree char *form_arg = g_strdup_printf ("to-khai=%s", form);
  g_autofree char *cert_arg = g_strdup_printf ("giay-chung-sinh=%s", cert);
  g_autofree char *id_arg = g_strdup_printf ("giay-to-tuy-than=%s", cert);
  g_autofree char *bad_arg = g_strdup_printf ("to-khai=%s", bad);
  McPageFixture a = { .dpi = 150, .width_mm = 148, .height_mm = 105, .variant = 5, .n_paragraphs = 2 };
  McPageFixture b = { .dpi = 150, .width_mm = 148, .height_mm = 105, .variant = 6, .n_paragraphs = 1 };
  g_auto(McToolRun) ok = { 0 };
  g_auto(McToolRun) missing = { 0 };
  g_auto(McToolRun) damaged = { 0 };
  g_auto(McToolRun) unknown = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  mc_page_fixture_save (&a, form, NULL);
  mc_page_fixture_save (&b, cert, NULL);
  mc_test_write_file (bad, "\x89PNG\r\n\x1a\n not really");

  mc_tool_run (&ok, NULL, MC_ARGS ("pack", "--procedure", "1.001193", "--component", form_arg,
                                   "--component", cert_arg, "--component", id_arg,
                                   "--ward", "26734", "--name-template", "{ward_code}-{position:02}-{key}",
                                   "--out", out, "--zip", "--json"));
  g_assert_cmpint (ok.status, ==, 0);
  {
    g_autoptr(JsonObject) manifest = read_manifest (out);
    JsonObject *first = json_array_get_object_element (json_object_get_array_member (manifest, "components"), 0);
    JsonObject *file = json_array_get_object_element (json_object_get_array_member (first, "files"), 0);

    g_assert_cmpstr (json_object_get_string_member (file, "name"), ==, "26734-01-to-khai.pdf");
    g_assert_true (g_str_has_prefix (json_object_get_string_member (file, "digitization_code"), "26734."));
    g_assert_true (g_str_has_suffix (json_object_get_string_member (file, "digitization_code"), ".01"));
  }
  json_parser_load_from_data (parser, ok.out, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "kind"),
                   ==, "motcua-package");
  g_assert_true (mc_package_verify (out, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (zip, G_FILE_TEST_IS_REGULAR));

  mc_tool_run (&missing, NULL, MC_ARGS ("pack", "--procedure", "1.001193", "--component", form_arg,
                                        "--out", out));
  g_assert_cmpint (missing.status, ==, 56);

  mc_tool_run (&damaged, (const char * const[]) { "G_DEBUG=", NULL },
               MC_ARGS ("pack", "--procedure", "1.001193", "--component", bad_arg, "--out", out));
  g_assert_cmpint (damaged.status, ==, 58);
  g_assert_nonnull (strstr (damaged.err, "bad.png"));

  mc_tool_run (&unknown, NULL, MC_ARGS ("pack", "--procedure", "1.001193", "--component", "nope=x",
                                        "--out", out));
  g_assert_cmpint (unknown.status, ==, 2);

  mc_test_rm_rf (dir);
}

static void
on_job_finished (McScanner *scanner, guint job, guint n_pages, gboolean *done)
{
  *done = TRUE;
}

static void
on_job_failed (McScanner *scanner, guint job, GError *error, guint n_pages, gboolean *done)
{
  g_test_message ("scan failed: %s", error->message);
  *done = TRUE;
}

/* Two pages from the real `test` backend's feeder into @store. */
static void
scan_into (McPageStore *store)
{
  g_autoptr(McScanner) scanner = mc_scanner_new ();
  g_autoptr(McScanJobOptions) options = mc_scan_job_options_new ("test:0");
  gboolean done = FALSE;

  g_signal_connect (scanner, "job-finished", G_CALLBACK (on_job_finished), &done);
  g_signal_connect (scanner, "job-failed", G_CALLBACK (on_job_failed), &done);
  options->source = MC_SCAN_SOURCE_ADF;
  options->max_pages = 2;
  options->dpi = 150;
  options->mode = MC_SCAN_MODE_GRAY;
  mc_scan_area_for_kind (MC_SCAN_AREA_A5, &options->area);
  mc_scan_job_options_add_option (options, "test-picture=Grid");
  g_assert_cmpuint (mc_scanner_start (scanner, options, store), >, 0);
  g_assert_true (mc_test_wait_for_flag (&done, 60));
  g_clear_object (&scanner);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
}

/* Every file under @dir is 0600 and every folder 0700; returns how many
 * files there are. */
static guint
assert_private_tree (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint files = 0;
  GStatBuf st;

  g_assert_nonnull (listing);
  g_assert_cmpint (g_lstat (dir, &st), ==, 0);
  if ((st.st_mode & 0777) != 0700)
    g_error ("%s is a folder of mode %o, not 0700", dir, st.st_mode & 0777);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_lstat (path, &st), ==, 0);
      if (S_ISDIR (st.st_mode))
        files += assert_private_tree (path);
      else
        {
          g_assert_true (S_ISREG (st.st_mode));
          /* No temporary file left behind either. */
          g_assert_false (g_str_has_suffix (name, ".part"));
          if ((st.st_mode & 0777) != 0600)
            g_error ("%s is a file of mode %o, not 0600", path, st.st_mode & 0777);
          files++;
        }
    }
  return files;
}

/* Issue 12: a visit's files are private whatever the umask: pages as the
 * scanner saved them, cleaned pages and their thumbnails, visit.json, the
 * package and its ZIP. */
static void
test_private_files (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("package-private");
  g_autofree char *zip = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisit) visit = mc_visit_create (dir, catalog, "1.001193", "22333", "Quầy 1", NULL, &error);
  McPageStore *store;
  mode_t old_umask = umask (022);
  guint files;

  g_assert_no_error (error);
  store = mc_visit_get_pages (visit, "to-khai");
  scan_into (store);
  add_fixture_page (visit, "giay-chung-sinh", 3, TRUE);
  add_fixture_page (visit, "giay-to-tuy-than", 4, FALSE);

  /* Clean the scanned pages as the visit view does. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (store), i);
      g_autofree char *clean_dir = mc_visit_dup_clean_dir (visit, "to-khai");
      g_autofree char *stem = g_strndup (mc_page_get_basename (page), strlen (mc_page_get_basename (page)) - 4);
      g_autofree char *base = g_build_filename (clean_dir, stem, NULL);
      McCleanupOptions options = { .keep_blank = TRUE };
      McCleanupResult *result;

      g_assert_true (mc_dir_ensure_private (clean_dir, NULL));
      result = mc_cleanup_file (mc_page_get_path (page), (int) mc_page_get_dpi (page), base, &options, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (result->output);
      mc_visit_set_cleanup (visit, "to-khai", mc_page_get_basename (page), result);
      mc_cleanup_result_free (result);
    }
  mc_visit_refresh_state (visit);
  g_assert_true (mc_package_build (visit, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  zip = g_build_filename (mc_visit_get_dir (visit), "package.zip", NULL);
  g_assert_true (mc_package_export_zip (mc_visit_get_package_dir (visit), zip, &error));
  g_assert_no_error (error);
  settle (visit);

  files = assert_private_tree (mc_visit_get_dir (visit));
  g_test_message ("%u files, all 0600", files);
  /* Pages, thumbnails, two cleaned pages, manifests, PDFs, visit.json. */
  g_assert_cmpuint (files, >=, 15);

  umask (old_umask);
  mc_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();
  catalog = mc_procedure_catalog_new_builtin ();

  g_test_add_func ("/package/build", test_build);
  g_test_add_func ("/package/identity-opt-in", test_identity_opt_in);
  g_test_add_func ("/package/missing-required", test_missing_required);
  g_test_add_func ("/package/naming", test_naming);
  g_test_add_func ("/package/records-and-names", test_records_and_names);
  g_test_add_func ("/package/size-budget", test_size_budget);
  g_test_add_func ("/package/verify-and-zip", test_verify_and_zip);
  g_test_add_func ("/package/tool-pack", test_tool_pack);
  g_test_add_func ("/package/private-files", test_private_files);
  return g_test_run ();
}
