/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-error.h"
#include "mc-package.h"
#include "mc-page-store.h"
#include "mc-page-store-private.h"
#include "mc-scan-error.h"
#include "mc-self-service-session.h"
#include "mc-visit.h"
#include "mc-visit-filing.h"
#include "mc-vips.h"
#include "mc-test-util.h"

/* Damaged files of a visit (issue 12): visit.json, session.json and a page
 * store's .pages.json, empty, truncated or with members of the wrong type.
 * Each is an error with a message, never a GLib critical: the tests run
 * with G_DEBUG=fatal-warnings, so a critical aborts them. */

static McProcedureCatalog *catalog;

#define ID "3f2b8a64-5b0e-4c1c-9d7e-0a1b2c3d4e5f"
#define GOOD_HEAD "{\"format\": 1, \"id\": \"" ID "\", \"created_at\": \"2026-12-01T08:00:00Z\", "

typedef struct {
  const char *name;
  const char *contents;
} Damaged;

/* Common to every file: not JSON, or not an object. */
#define COMMON_CASES \
  { "empty", "" }, \
  { "blank", "  \n" }, \
  { "array", "[]" }, \
  { "null", "null" }, \
  { "number", "3" }, \
  { "string", "\"visit\"" }, \
  { "truncated", "{\"format\": 1, \"id\": \"" }, \
  { "not-utf8", "{\"format\": 1, \"id\": \"\xff\xfe\"}" }, \
  { "nul-inside", "{\"format\"\0: 1}" }

static const Damaged visit_cases[] = {
  COMMON_CASES,
  { "pages-number", "{\"pages\": 3}" },
  { "format-string", "{\"format\": \"1\", \"id\": \"" ID "\"}" },
  { "format-object", "{\"format\": {}, \"id\": \"" ID "\"}" },
  { "id-number", "{\"format\": 1, \"id\": 42, \"procedure\": \"1.001193\"}" },
  { "id-array", "{\"format\": 1, \"id\": [], \"procedure\": \"1.001193\"}" },
  { "id-not-uuid", "{\"format\": 1, \"id\": \"abc\", \"procedure\": \"1.001193\"}" },
  { "procedure-object", GOOD_HEAD "\"procedure\": {}}" },
  { "state-number", GOOD_HEAD "\"procedure\": \"1.001193\", \"state\": 3}" },
  { "state-object", GOOD_HEAD "\"procedure\": \"1.001193\", \"state\": {\"a\": 1}}" },
  { "created-number", "{\"format\": 1, \"id\": \"" ID "\", \"procedure\": \"1.001193\", \"created_at\": 5}" },
  { "created-not-a-date", "{\"format\": 1, \"id\": \"" ID "\", \"procedure\": \"1.001193\", \"created_at\": \"yesterday\"}" },
  { "created-missing", "{\"format\": 1, \"id\": \"" ID "\", \"procedure\": \"1.001193\"}" },
  { "ward-array", GOOD_HEAD "\"procedure\": \"1.001193\", \"ward_code\": [1]}" },
  { "cleanup-array", GOOD_HEAD "\"procedure\": \"1.001193\", \"cleanup\": []}" },
  { "cleanup-entry-string", GOOD_HEAD "\"procedure\": \"1.001193\", \"cleanup\": {\"a/page-001.png\": \"x\"}}" },
  { "cleanup-rotation-string", GOOD_HEAD "\"procedure\": \"1.001193\", \"cleanup\": {\"a/page-001.png\": {\"rotation\": \"90\"}}}" },
  { "cleanup-skew-bool", GOOD_HEAD "\"procedure\": \"1.001193\", \"cleanup\": {\"a/page-001.png\": {\"skew\": true}}}" },
  { "cleanup-output-number", GOOD_HEAD "\"procedure\": \"1.001193\", \"cleanup\": {\"a/page-001.png\": {\"output\": 1}}}" },
  { "identity-array", GOOD_HEAD "\"procedure\": \"1.001193\", \"identity\": []}" },
  { "identity-member-object", GOOD_HEAD "\"procedure\": \"1.001193\", \"identity\": {\"full_name\": {}}}" },
  { "in-package-string", GOOD_HEAD "\"procedure\": \"1.001193\", \"identity_in_package\": \"yes\"}" },
  { "receipt-number", GOOD_HEAD "\"procedure\": \"1.001193\", \"receipt\": 12}" },
  { "submitted-array", GOOD_HEAD "\"procedure\": \"1.001193\", \"submitted_at\": []}" },
  { "method-bool", GOOD_HEAD "\"procedure\": \"1.001193\", \"submit_method\": false}" },
};

static void
write_bytes (const char *path,
             const char *contents,
             gsize       length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, (gssize) length, &error);
  g_assert_no_error (error);
}

/* The nul-inside case carries its length; the others are strings. */
static gsize
case_length (const Damaged *c)
{
  return g_str_equal (c->name, "nul-inside") ? 14 : strlen (c->contents);
}

static void
test_visit_json (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("damaged-visit");
  g_autofree char *path = g_build_filename (dir, "visit.json", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (visit_cases); i++)
    {
      const Damaged *c = &visit_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(McVisit) visit = NULL;

      write_bytes (path, c->contents, case_length (c));
      visit = mc_visit_load (dir, catalog, &error);
      g_test_message ("visit.json %s: %s", c->name, error ? error->message : "loaded");
      g_assert_null (visit);
      g_assert_error (error, MC_VISIT_ERROR, MC_VISIT_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, dir));
    }

  /* The same head with what a real visit has loads: the cases above fail
   * for what they break, not for something they all share. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(McVisit) visit = NULL;

    write_bytes (path, GOOD_HEAD "\"procedure\": \"1.001193\", \"state\": \"ready\", \"skew\": 1, "
                 "\"cleanup\": {\"a/page-001.png\": {\"rotation\": 90, \"skew\": 1, \"kind\": \"lineart\"}}, "
                 "\"identity\": {\"full_name\": \"NGUYỄN VĂN A\", \"note\": null}, \"receipt\": null}", -1);
    visit = mc_visit_load (dir, catalog, &error);
    g_assert_no_error (error);
    g_assert_nonnull (visit);
    g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_READY);
    g_assert_cmpstr (json_object_get_string_member (mc_visit_get_identity (visit), "full_name"), ==, "NGUYỄN VĂN A");
  }
  mc_test_rm_rf (dir);
}

static const Damaged session_cases[] = {
  COMMON_CASES,
  { "pages-number", "{\"pages\": 3}" },
  { "state-number", "{\"state\": 3, \"procedure\": \"1.001193\", \"components\": []}" },
  { "procedure-array", "{\"state\": \"handed-off\", \"procedure\": [], \"components\": []}" },
  { "components-object", "{\"state\": \"handed-off\", \"procedure\": \"1.001193\", \"components\": {}}" },
  { "components-number", "{\"state\": \"handed-off\", \"procedure\": \"1.001193\", \"components\": 3}" },
  { "component-string", "{\"state\": \"handed-off\", \"procedure\": \"1.001193\", \"components\": [\"a\"]}" },
  { "folder-number", "{\"state\": \"handed-off\", \"procedure\": \"1.001193\", \"components\": [{\"folder\": 1, \"pages\": 1}]}" },
  { "pages-string", "{\"state\": \"handed-off\", \"procedure\": \"1.001193\", \"components\": [{\"folder\": \"a\", \"pages\": \"1\"}]}" },
  { "folder-escapes", "{\"state\": \"handed-off\", \"procedure\": \"1.001193\", \"components\": [{\"folder\": \"../a\", \"pages\": 1}]}" },
};

static void
test_session_json (void)
{
  g_autofree char *base = mc_test_make_tmpdir ("damaged-session");
  g_autofree char *dir = g_build_filename (base, ID, NULL);
  g_autofree char *path = g_build_filename (dir, "session.json", NULL);

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (session_cases); i++)
    {
      const Damaged *c = &session_cases[i];
      g_autoptr(GError) error = NULL;
      McSelfServiceHandOff *hand_off;

      write_bytes (path, c->contents, case_length (c));
      hand_off = mc_self_service_read_hand_off (dir, &error);
      g_test_message ("session.json %s: %s", c->name, error ? error->message : "read");
      g_assert_null (hand_off);
      g_assert_nonnull (error);
      g_assert_cmpuint (strlen (error->message), >, 10);
    }

  /* The purge reads the same file: a damaged session is unfinished and
   * goes, without a critical. */
  for (guint i = 0; i <= G_N_ELEMENTS (session_cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      if (i < G_N_ELEMENTS (session_cases))
        write_bytes (path, session_cases[i].contents, case_length (&session_cases[i]));
      else
        write_bytes (path, "{\"state\": \"handed-off\", \"handed_off\": 1}", 40);
      g_assert_cmpuint (mc_self_service_purge (base, 24, &error), ==, 1);
      g_assert_no_error (error);
      g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
    }
  mc_test_rm_rf (base);
}

static const Damaged manifest_cases[] = {
  COMMON_CASES,
  { "pages-number", "{\"pages\": 3}" },
  { "pages-object", "{\"pages\": {}}" },
  { "pages-missing", "{\"format\": 1}" },
  { "page-string", "{\"pages\": [\"page-001.png\"]}" },
  { "page-null", "{\"pages\": [null]}" },
  { "file-number", "{\"pages\": [{\"file\": 1}]}" },
  { "file-missing", "{\"pages\": [{\"dpi\": 100}]}" },
  { "file-escapes", "{\"pages\": [{\"file\": \"../page-001.png\"}]}" },
  { "dpi-string", "{\"pages\": [{\"file\": \"page-001.png\", \"dpi\": \"300\"}]}" },
  { "mode-number", "{\"pages\": [{\"file\": \"page-001.png\", \"mode\": 2}]}" },
  { "source-array", "{\"pages\": [{\"file\": \"page-001.png\", \"source\": []}]}" },
  { "side-object", "{\"pages\": [{\"file\": \"page-001.png\", \"side\": {}}]}" },
};

static void
test_pages_json (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("damaged-pages");
  g_autofree char *path = g_build_filename (dir, ".pages.json", NULL);
  g_autoptr(VipsImage) black = NULL;
  g_autoptr(VipsImage) grey = NULL;
  g_autoptr(GError) error = NULL;

  /* One real page in the folder: a damaged manifest loses nothing. */
  {
    g_autoptr(McPageStore) store = mc_page_store_new (dir, &error);
    McPage *page;

    g_assert_no_error (error);
    g_assert_cmpint (vips_black (&black, 60, 80, NULL), ==, 0);
    g_assert_cmpint (vips_cast_uchar (black, &grey, NULL), ==, 0);
    page = mc_page_store_save_image (store, grey, 100, MC_SCAN_MODE_GRAY, MC_SCAN_SOURCE_ADF,
                                     MC_PAGE_SIDE_BACK, &error);
    g_assert_no_error (error);
    mc_page_store_append (store, page);
    g_object_unref (page);
    g_assert_true (mc_page_store_flush (store, &error));
  }

  for (guint i = 0; i < G_N_ELEMENTS (manifest_cases); i++)
    {
      const Damaged *c = &manifest_cases[i];
      g_autoptr(GPtrArray) entries = NULL;
      g_autoptr(McPageStore) store = NULL;

      entries = mc_page_store_parse_manifest (c->contents, (gssize) case_length (c), &error);
      g_test_message (".pages.json %s: %s", c->name, error ? error->message : "read");
      g_assert_null (entries);
      g_assert_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_STORAGE);
      g_clear_error (&error);

      /* The store opens all the same, rebuilt from its page files. */
      write_bytes (path, c->contents, case_length (c));
      store = mc_page_store_new (dir, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
    }

  /* A sound manifest still says what the file cannot: the source and side. */
  {
    g_autoptr(GPtrArray) entries = NULL;
    g_autoptr(McPageStore) store = NULL;
    g_autoptr(McPage) page = NULL;
    const char *good = "{\"format\": 1, \"pages\": [{\"file\": \"page-001.png\", \"dpi\": 100, "
                       "\"mode\": \"gray\", \"source\": \"adf\", \"side\": \"back\"}]}";

    entries = mc_page_store_parse_manifest (good, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (entries->len, ==, 1);
    write_bytes (path, good, strlen (good));
    store = mc_page_store_new (dir, &error);
    g_assert_no_error (error);
    page = g_list_model_get_item (G_LIST_MODEL (store), 0);
    g_assert_cmpint (mc_page_get_side (page), ==, MC_PAGE_SIDE_BACK);
  }
  mc_test_rm_rf (dir);
}

/* The package manifest, as the visits list counts its pages. */
static void
test_package_manifest (void)
{
  static const Damaged cases[] = {
    COMMON_CASES,
    { "components-number", "{\"components\": 3}" },
    { "files-string", "{\"components\": [{\"files\": \"a\"}]}" },
    { "pages-string", "{\"components\": [{\"files\": [{\"pages\": \"3\"}]}]}" },
  };
  g_autofree char *dir = mc_test_make_tmpdir ("damaged-package");
  g_autofree char *path = g_build_filename (dir, "manifest.json", NULL);

  static const Damaged verify_cases[] = {
    { "format-string", "{\"format\": \"1\", \"components\": []}" },
    { "component-string", "{\"format\": 1, \"components\": [\"a\"]}" },
    { "file-number", "{\"format\": 1, \"components\": [{\"files\": [3]}]}" },
    { "name-number", "{\"format\": 1, \"components\": [{\"files\": [{\"name\": 3, \"size\": 1, \"sha256\": \"x\"}]}]}" },
    { "name-missing", "{\"format\": 1, \"components\": [{\"files\": [{\"size\": 1, \"sha256\": \"x\"}]}]}" },
    { "name-escapes", "{\"format\": 1, \"components\": [{\"files\": [{\"name\": \"../a\", \"size\": 1, \"sha256\": \"x\"}]}]}" },
    { "size-string", "{\"format\": 1, \"components\": [{\"files\": [{\"name\": \"a.pdf\", \"size\": \"1\", \"sha256\": \"x\"}]}]}" },
    { "sha-array", "{\"format\": 1, \"components\": [{\"files\": [{\"name\": \"a.pdf\", \"size\": 1, \"sha256\": []}]}]}" },
  };
  g_autofree char *file = g_build_filename (dir, "a.pdf", NULL);

  mc_test_write_file (file, "%PDF-1.4\n");
  for (guint i = 0; i < G_N_ELEMENTS (cases) + G_N_ELEMENTS (verify_cases); i++)
    {
      const Damaged *c = i < G_N_ELEMENTS (cases) ? &cases[i] : &verify_cases[i - G_N_ELEMENTS (cases)];
      g_autoptr(GError) error = NULL;

      write_bytes (path, c->contents, case_length (c));
      g_test_message ("manifest.json %s: %d", c->name, mc_package_count_pages (dir));
      g_assert_cmpint (mc_package_count_pages (dir), <=, 1);
      /* The check before an upload: an error, never a critical. */
      g_assert_false (mc_package_verify (dir, &error));
      g_assert_nonnull (error);
      g_test_message ("  verify: %s", error->message);
    }
  mc_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();
  catalog = mc_procedure_catalog_new_builtin ();

  g_test_add_func ("/damaged-files/visit-json", test_visit_json);
  g_test_add_func ("/damaged-files/session-json", test_session_json);
  g_test_add_func ("/damaged-files/pages-json", test_pages_json);
  g_test_add_func ("/damaged-files/package-manifest", test_package_manifest);

  int status = g_test_run ();
  g_clear_object (&catalog);
  return status;
}
