/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <utime.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-identity.h"
#include "mc-import.h"
#include "mc-page-fixture.h"
#include "mc-page-image.h"
#include "mc-self-service-session.h"
#include "mc-visit-adopt.h"
#include "mc-ledger.h"
#include "mc-visit-filing.h"
#include "mc-visit-store.h"
#include "mc-vips.h"
#include "mc-test-ledger.h"
#include "mc-test-text.h"
#include "mc-test-util.h"

static McProcedureCatalog *catalog;

static McPage *
add_page (McVisit    *visit,
          const char *key)
{
  McPageStore *store = mc_visit_get_pages (visit, key);
  g_autoptr(VipsImage) black = NULL;
  g_autoptr(VipsImage) grey = NULL;
  g_autoptr(GError) error = NULL;
  McPage *page;

  g_assert_cmpint (vips_black (&black, 60, 80, NULL), ==, 0);
  g_assert_cmpint (vips_cast_uchar (black, &grey, NULL), ==, 0);
  page = mc_page_store_save_image (store, grey, 100, MC_SCAN_MODE_GRAY, MC_SCAN_SOURCE_FLATBED,
                                   MC_PAGE_SIDE_FRONT, &error);
  g_assert_no_error (error);
  mc_page_store_append (store, page);
  g_object_unref (page);
  return page;
}

static void
settle (McVisit *visit)
{
  g_autoptr(GError) error = NULL;

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (mc_visit_flush (visit, &error));
  g_assert_no_error (error);
}

static void
test_create_and_load (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("visit");
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisit) visit = mc_visit_create (dir, catalog, "1.001193", "22333", "Quầy 1", "Cán bộ A", &error);
  g_autoptr(McVisit) loaded = NULL;
  g_autofree char *json = NULL;
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (mc_visit_get_id (visit)));
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_DRAFT);

  /* Private folder, private file, on disk from the first moment. */
  g_assert_cmpint (g_stat (mc_visit_get_dir (visit), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  json = g_build_filename (mc_visit_get_dir (visit), "visit.json", NULL);
  g_assert_cmpint (g_stat (json, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  loaded = mc_visit_load (mc_visit_get_dir (visit), catalog, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mc_visit_get_id (loaded), ==, mc_visit_get_id (visit));
  g_assert_cmpstr (mc_visit_get_procedure (loaded)->code, ==, "1.001193");
  g_assert_cmpstr (mc_visit_get_counter (loaded), ==, "Quầy 1");
  g_assert_cmpstr (mc_visit_get_ward_code (loaded), ==, "22333");

  g_assert_null (mc_visit_create (dir, catalog, "9.999999", NULL, NULL, NULL, &error));
  g_assert_error (error, MC_VISIT_ERROR, MC_VISIT_ERROR_UNKNOWN_PROCEDURE);
  mc_test_rm_rf (dir);
}

static void
test_states (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("visit-states");
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisit) visit = mc_visit_create (dir, catalog, "1.001193", "22333", "Quầy 1", NULL, &error);
  g_autoptr(GPtrArray) missing = mc_visit_missing_required (visit);
  g_autoptr(McVisit) loaded = NULL;
  McPage *page;
  const char *uuid;

  g_assert_cmpuint (missing->len, ==, 3);
  add_page (visit, "to-khai");
  add_page (visit, "giay-chung-sinh");
  mc_visit_refresh_state (visit);
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_DRAFT);
  page = add_page (visit, "giay-to-tuy-than");
  mc_visit_refresh_state (visit);
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_READY);

  /* A package made, then a page deleted: the package is stale. */
  mc_visit_set_packaged (visit, "/nonexistent/package");
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_PACKAGED);
  g_assert_true (mc_page_store_remove (mc_visit_get_pages (visit, "giay-to-tuy-than"), page, &error));
  mc_visit_refresh_state (visit);
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_DRAFT);
  g_assert_null (mc_visit_get_package_dir (visit));

  /* A receipt must look like one. */
  g_assert_false (mc_visit_set_receipt (visit, "abc def", MC_SUBMIT_BROWSER, &error));
  g_assert_error (error, MC_VISIT_ERROR, MC_VISIT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (mc_visit_set_receipt (visit, "  G22.99.10-251128-0001 ", MC_SUBMIT_BROWSER, &error));
  g_assert_cmpstr (mc_visit_get_receipt (visit), ==, "G22.99.10-251128-0001");
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_HANDED_OFF);

  /* The ledger UUID is on disk before the ledger is written. */
  uuid = mc_visit_ensure_filing_uuid (visit);
  g_assert_true (g_uuid_string_is_valid (uuid));
  loaded = mc_visit_load (mc_visit_get_dir (visit), catalog, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mc_visit_get_filing_uuid (loaded), ==, uuid);
  g_assert_cmpstr (mc_visit_ensure_filing_uuid (visit), ==, uuid);

  mc_visit_set_recorded (visit);
  g_assert_true (mc_visit_is_finished (visit));
  g_assert_nonnull (mc_visit_get_finished (visit));
  g_assert_false (mc_visit_set_receipt (visit, "G22-2", MC_SUBMIT_BROWSER, &error));
  g_assert_error (error, MC_VISIT_ERROR, MC_VISIT_ERROR_STATE);

  settle (visit);
  mc_test_rm_rf (dir);
}

/* visit.json survives SIGKILL at any moment: the file is always one whole
 * version, the old or the new. */
static void
test_sigkill_atomic (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("visit-kill");
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisit) visit = mc_visit_create (dir, catalog, "1.000894", "22333", "Quầy 1", NULL, &error);
  g_autofree char *visit_dir = g_strdup (mc_visit_get_dir (visit));
  GRand *rand = g_rand_new_with_seed (20261128);

  g_assert_no_error (error);
  for (guint round = 0; round < 25; round++)
    {
      pid_t pid = fork ();

      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          /* The child rewrites the visit as fast as it can. */
          for (gint64 i = 0; ; i++)
            {
              g_autoptr(JsonObject) identity = json_object_new ();

              json_object_set_int_member (identity, "serial", i);
              json_object_set_string_member (identity, "full_name", "NGUYỄN VĂN MẪU");
              mc_visit_set_identity (visit, identity);
              mc_visit_save (visit, NULL);
            }
        }
      g_usleep (g_rand_int_range (rand, 1000, 30000));
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);

      {
        g_autoptr(McVisit) loaded = mc_visit_load (visit_dir, catalog, &error);
        JsonObject *identity;

        g_assert_no_error (error);
        identity = mc_visit_get_identity (loaded);
        /* Round 0 may be killed before its first save. */
        if (identity != NULL)
          g_assert_cmpstr (json_object_get_string_member (identity, "full_name"), ==, "NGUYỄN VĂN MẪU");
        g_assert_cmpstr (mc_visit_get_procedure (loaded)->code, ==, "1.000894");
      }
    }
  g_rand_free (rand);
  settle (visit);
  mc_test_rm_rf (dir);
}

/* Whether the text of a field of the identity in @path (a visit.json)
 * holds a control or format character. */
static gboolean
identity_file_has_hidden (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *identity;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  identity = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "identity");
  for (McIdField f = 0; f < MC_ID_N_FIELDS; f++)
    if (json_object_has_member (identity, mc_id_field_to_string (f)) &&
        mc_test_json_has_hidden (json_object_get_member (identity, mc_id_field_to_string (f))))
      return TRUE;
  return FALSE;
}

/* Characters that reorder or hide text never reach visit.json: not when
 * the identity is set, and not from a visit.json written before they were
 * dropped (or edited by hand), which is cleaned as it is loaded. */
static void
test_identity_hidden_characters (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("visit-hidden");
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisit) visit = mc_visit_create (dir, catalog, "1.001193", "22333", "Quầy 1", NULL, &error);
  g_autoptr(JsonObject) identity = json_object_new ();
  g_autoptr(McVisit) loaded = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *path = NULL;
  JsonObject *kept;

  g_assert_no_error (error);
  json_object_set_string_member (identity, "full_name", MC_TEST_HIDDEN_NAME);
  json_object_set_string_member (identity, "id_number", "\u202E056090000000");
  json_object_set_string_member (identity, "place_of_residence", MC_TEST_HIDDEN_ADDRESS);
  json_object_set_int_member (identity, "serial", 7);
  /* Which scans it came from: the program's own, one name a line. */
  json_object_set_string_member (identity, "pages", "a.png\nb.png\n");
  mc_visit_set_identity (visit, identity);
  kept = mc_visit_get_identity (visit);
  g_assert_cmpstr (json_object_get_string_member (kept, "full_name"), ==, MC_TEST_HIDDEN_NAME_CLEAN);
  g_assert_cmpstr (json_object_get_string_member (kept, "id_number"), ==, "056090000000");
  g_assert_cmpstr (json_object_get_string_member (kept, "place_of_residence"), ==, MC_TEST_HIDDEN_ADDRESS_CLEAN);
  g_assert_cmpint (json_object_get_int_member (kept, "serial"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (kept, "pages"), ==, "a.png\nb.png\n");
  /* The caller's object is the caller's. */
  g_assert_cmpstr (json_object_get_string_member (identity, "full_name"), ==, MC_TEST_HIDDEN_NAME);
  g_assert_true (mc_visit_save (visit, &error));
  g_assert_no_error (error);
  path = g_build_filename (mc_visit_get_dir (visit), "visit.json", NULL);
  g_assert_false (identity_file_has_hidden (path));

  /* An old visit.json with the name as it came. */
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  json_object_set_string_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                                                 "identity"),
                                 "full_name", MC_TEST_HIDDEN_NAME);
  json_generator_set_root (generator, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (generator, path, &error));
  g_assert_no_error (error);
  g_assert_true (identity_file_has_hidden (path));
  loaded = mc_visit_load (mc_visit_get_dir (visit), catalog, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (mc_visit_get_identity (loaded), "full_name"), ==,
                   MC_TEST_HIDDEN_NAME_CLEAN);
  g_assert_cmpstr (json_object_get_string_member (mc_visit_get_identity (loaded), "pages"), ==, "a.png\nb.png\n");
  g_assert_true (mc_visit_save (loaded, &error));
  g_assert_no_error (error);
  g_assert_false (identity_file_has_hidden (path));

  settle (loaded);
  settle (visit);
  mc_test_rm_rf (dir);
}

static void
test_store_resume_and_purge (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("visits");
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisitStore) store = mc_visit_store_new (dir, catalog);
  g_autoptr(McVisitStore) again = NULL;
  g_autoptr(McVisitStore) later = NULL;
  g_autoptr(GDateTime) tomorrow = NULL;
  g_autofree char *damaged_dir = g_build_filename (dir, "00000000-0000-4000-8000-000000000000", NULL);
  g_autofree char *damaged = g_build_filename (damaged_dir, "visit.json", NULL);
  McVisit *open, *done, *gone;
  g_autofree char *done_dir = NULL;
  g_autofree char *gone_dir = NULL;

  g_assert_cmpuint (mc_visit_store_load (store, &error), ==, 0);
  g_assert_no_error (error);
  open = mc_visit_store_create (store, "1.004194", "22333", "Quầy 1", NULL, &error);
  done = mc_visit_store_create (store, "2.000815", "22333", "Quầy 1", NULL, &error);
  gone = mc_visit_store_create (store, "1.000656", "22333", "Quầy 1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);
  done_dir = g_strdup (mc_visit_get_dir (done));
  gone_dir = g_strdup (mc_visit_get_dir (gone));
  add_page (open, "to-khai");
  mc_visit_set_receipt (done, "G22-0001", MC_SUBMIT_BROWSER, &error);
  mc_visit_set_recorded (done);
  mc_visit_abandon (gone);
  g_assert_no_error (error);
  /* Finished visits leave the list of visits to resume. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  g_assert_true (mc_visit_store_flush (store, &error));

  /* A visit the program cannot read is skipped when loading. */
  g_mkdir_with_parents (damaged_dir, 0700);
  mc_test_write_file (damaged, "{ this is not json");

  /* The next start offers the unfinished visit, with its page. */
  again = mc_visit_store_new (dir, catalog);
  g_assert_cmpuint (mc_visit_store_load (again, &error), ==, 1);
  {
    g_autoptr(McVisit) resumed = g_list_model_get_item (G_LIST_MODEL (again), 0);

    g_assert_cmpstr (mc_visit_get_id (resumed), ==, mc_visit_get_id (open));
    g_assert_cmpuint (mc_visit_count_pages (resumed, "to-khai"), ==, 1);
  }

  /* Within the retention period, nothing goes. */
  g_assert_cmpuint (mc_visit_store_purge (again, 24, NULL, &error), ==, 0);
  g_assert_true (g_file_test (done_dir, G_FILE_TEST_IS_DIR));

  /* After it, every folder goes: the finished visits', the open one not
   * changed since and the damaged one (each rule: /visit/purge-rules). */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    tomorrow = g_date_time_add_hours (now, 25);
  }
  later = mc_visit_store_new (dir, catalog);
  mc_visit_store_load (later, &error);
  g_assert_cmpuint (mc_visit_store_purge (later, 24, tomorrow, &error), ==, 4);
  g_assert_no_error (error);
  g_assert_false (g_file_test (done_dir, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (gone_dir, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (mc_visit_get_dir (open), G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (damaged_dir, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (later)), ==, 0);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  mc_visit_store_flush (store, NULL);
  mc_visit_store_flush (again, NULL);
  mc_visit_store_flush (later, NULL);
  mc_test_rm_rf (dir);
}

static void
test_import (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("import");
  g_autofree char *pages_dir = g_build_filename (dir, "pages", NULL);
  g_autofree char *pdf = g_build_filename (dir, "two.pdf", NULL);
  g_autofree char *png = g_build_filename (dir, "photo.png", NULL);
  g_autofree char *truncated = g_build_filename (dir, "truncated.png", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.jpg", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *huge = g_build_filename (dir, "huge.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(McPageStore) store = mc_page_store_new (pages_dir, &error);
  g_autoptr(GPtrArray) from_pdf = NULL;
  g_autoptr(GPtrArray) from_png = NULL;
  g_autoptr(VipsImage) xyz = NULL;
  g_autoptr(VipsImage) rgb = NULL;
  g_autofree char *png_data = NULL;
  gsize png_len = 0;
  cairo_surface_t *surface;
  cairo_t *cr;

  mc_test_allow_vips_warnings ();

  /* A two-page A5 PDF. */
  surface = cairo_pdf_surface_create (pdf, 420, 595);
  cr = cairo_create (surface);
  cairo_move_to (cr, 50, 100);
  cairo_show_text (cr, "page one");
  cairo_show_page (cr);
  cairo_move_to (cr, 50, 100);
  cairo_show_text (cr, "page two");
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  from_pdf = mc_import_file (store, pdf, 150, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_pdf->len, ==, 2);
  /* 420 pt at 150 dpi */
  g_assert_cmpint (mc_page_get_width (g_ptr_array_index (from_pdf, 0)), ==, 875);
  g_assert_cmpfloat (mc_page_get_dpi (g_ptr_array_index (from_pdf, 0)), ==, 150);

  g_assert_cmpint (vips_xyz (&xyz, 300, 200, NULL), ==, 0);
  g_assert_cmpint (vips_cast_uchar (xyz, &rgb, NULL), ==, 0);
  g_assert_cmpint (vips_pngsave (rgb, png, NULL), ==, 0);
  from_png = mc_import_file (store, png, 200, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_png->len, ==, 1);
  g_assert_cmpint (mc_page_get_width (g_ptr_array_index (from_png, 0)), ==, 300);

  /* Bad files: clear errors, nothing added. */
  g_file_get_contents (png, &png_data, &png_len, NULL);
  g_file_set_contents (truncated, png_data, png_len / 2, NULL);
  g_assert_null (mc_import_file (store, truncated, 200, NULL, &error));
  g_assert_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_DAMAGED);
  g_assert_nonnull (strstr (error->message, "truncated.png"));
  g_clear_error (&error);

  mc_test_write_file (empty, "");
  g_assert_null (mc_import_file (store, empty, 200, NULL, &error));
  g_assert_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_EMPTY);
  g_clear_error (&error);

  mc_test_write_file (text, "Họ và tên: not a picture\n");
  g_assert_null (mc_import_file (store, text, 200, NULL, &error));
  g_assert_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  mc_fixture_write_huge_png_header (huge, 100000, 100000);
  g_assert_null (mc_import_file (store, huge, 200, NULL, &error));
  g_assert_error (error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_TOO_LARGE);
  g_clear_error (&error);

  mc_page_store_flush (store, NULL);
  mc_test_rm_rf (dir);
}

/* ---- Self-service papers taken into a visit -------------------------------------- */

typedef struct {
  gboolean  done;
  McVisit  *visit;
  GError   *error;
} Adopted;

static void
on_adopted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Adopted *a = user_data;

  a->visit = mc_visit_store_adopt_finish (MC_VISIT_STORE (source), result, &a->error);
  a->done = TRUE;
}

static McVisit *
adopt (McVisitStore *store,
       const char   *folder,
       GError      **error)
{
  Adopted a = { 0 };

  mc_visit_store_adopt_async (store, folder, "22366", "Quầy 2", "Cán bộ thử", NULL, on_adopted, &a);
  while (!a.done)
    g_main_context_iteration (NULL, TRUE);
  if (a.error != NULL)
    g_propagate_error (error, a.error);
  return a.visit;
}

static McSelfServiceSession *
make_session (const char *base,
              guint       n_pages)
{
  g_autoptr(GError) error = NULL;
  const McProcedure *p = mc_procedure_catalog_lookup (catalog, "1.001193");
  McSelfServiceSession *session = mc_self_service_session_new (base, p, &error);
  McPageStore *store;

  g_assert_no_error (error);
  store = mc_self_service_session_get_store (session, "giay-chung-sinh", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n_pages; i++)
    {
      g_autoptr(VipsImage) black = NULL;
      g_autoptr(VipsImage) grey = NULL;
      g_autoptr(McPage) page = NULL;

      g_assert_cmpint (vips_black (&black, 70 + (int) i, 90, NULL), ==, 0);
      g_assert_cmpint (vips_cast_uchar (black, &grey, NULL), ==, 0);
      page = mc_page_store_save_image (store, grey, 150, MC_SCAN_MODE_GRAY, MC_SCAN_SOURCE_ADF,
                                       MC_PAGE_SIDE_FRONT, &error);
      g_assert_no_error (error);
      mc_page_store_append (store, page);
    }
  return session;
}

static guint
count_open (McVisitStore *store)
{
  return g_list_model_get_n_items (G_LIST_MODEL (store));
}

static void
test_adopt_self_service (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("adopt");
  g_autofree char *base = g_build_filename (dir, "self-service", NULL);
  g_autofree char *visits_dir = g_build_filename (dir, "visits", NULL);
  g_autoptr(McVisitStore) store = mc_visit_store_new (visits_dir, catalog);
  g_autoptr(McSelfServiceSession) unfinished = NULL;
  g_autoptr(McSelfServiceSession) damaged = NULL;
  g_autoptr(McSelfServiceSession) good = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McPage) bad_page = NULL;
  g_autofree char *folder = NULL;
  McVisit *visit;

  /* A citizen still at the screen: not taken, nothing touched. */
  unfinished = make_session (base, 1);
  g_assert_null (adopt (store, mc_self_service_session_get_dir (unfinished), &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (count_open (store), ==, 0);
  g_assert_cmpuint (mc_self_service_session_count_pages (unfinished, "giay-chung-sinh"), ==, 1);

  /* A page damaged on disk: refused in words; the citizen's folder stays
   * whole and the half-made visit is abandoned, not left open. */
  damaged = make_session (base, 2);
  g_assert_true (mc_self_service_session_hand_off (damaged, &error));
  g_assert_no_error (error);
  bad_page = g_list_model_get_item (G_LIST_MODEL (mc_self_service_session_get_store (damaged, "giay-chung-sinh", NULL)), 1);
  g_assert_true (g_file_set_contents (mc_page_get_path (bad_page), "not a picture", -1, &error));
  g_assert_no_error (error);
  g_assert_null (adopt (store, mc_self_service_session_get_dir (damaged), &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "cannot be read"));
  g_clear_error (&error);
  g_assert_cmpuint (count_open (store), ==, 0);
  g_assert_true (g_file_test (mc_page_get_path (bad_page), G_FILE_TEST_IS_REGULAR));

  /* The usual case: the pages come into a new visit, then the folder goes. */
  good = make_session (base, 2);
  g_assert_true (mc_self_service_session_hand_off (good, &error));
  g_assert_no_error (error);
  pending = mc_visit_adopt_list_pending (base);
  g_assert_cmpuint (pending->len, ==, 2);   /* the damaged one and this one */
  folder = g_strdup (mc_self_service_session_get_dir (good));
  visit = adopt (store, folder, &error);
  g_assert_no_error (error);
  g_assert_nonnull (visit);
  g_assert_cmpstr (mc_visit_get_procedure (visit)->code, ==, "1.001193");
  g_assert_cmpstr (mc_visit_get_counter (visit), ==, "Quầy 2");
  /* The clerk finds it by the code the citizen was given. */
  g_assert_cmpstr (mc_visit_get_self_service_code (visit), ==, mc_self_service_session_get_short_code (good));
  g_assert_cmpuint (mc_visit_count_pages (visit, "giay-chung-sinh"), ==, 2);
  g_assert_cmpuint (count_open (store), ==, 1);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (mc_visit_get_pages (visit, "giay-chung-sinh")), i);

      g_assert_true (g_str_has_prefix (mc_page_get_path (page), mc_visit_get_dir (visit)));
      g_assert_cmpfloat (mc_page_get_dpi (page), ==, 150);
      g_assert_cmpint (mc_page_get_source (page), ==, MC_SCAN_SOURCE_ADF);
      g_assert_cmpint (mc_page_get_width (page), ==, 70 + (int) i);
    }
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  /* On disk: a restarted program finds the visit with its pages. */
  g_assert_true (mc_visit_store_flush (store, &error));
  g_assert_no_error (error);
  {
    g_autoptr(McVisitStore) again = mc_visit_store_new (visits_dir, catalog);
    McVisit *reloaded;

    mc_visit_store_load (again, &error);
    g_assert_no_error (error);
    reloaded = mc_visit_store_lookup (again, mc_visit_get_id (visit));
    g_assert_nonnull (reloaded);
    g_assert_cmpuint (mc_visit_count_pages (reloaded, "giay-chung-sinh"), ==, 2);
    g_assert_cmpstr (mc_visit_get_self_service_code (reloaded), ==, mc_self_service_session_get_short_code (good));
  }
  g_object_unref (visit);
  mc_test_rm_rf (dir);
}

static gboolean
keep_named (const char *visit_id,
            McVisit    *visit,
            gpointer    user_data)
{
  return g_strcmp0 (visit_id, user_data) == 0;
}

/* The purge asks before deleting: a visit kept (its filing unsent in the
 * outbox, in the program) survives its retention. */
static void
test_purge_keep_func (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("visits-keep");
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisitStore) store = mc_visit_store_new (dir, catalog);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_hours (now, 25);
  McVisit *kept, *gone;
  g_autofree char *kept_dir = NULL;
  g_autofree char *gone_dir = NULL;

  kept = mc_visit_store_create (store, "1.001193", "22333", "Quầy 1", NULL, &error);
  gone = mc_visit_store_create (store, "1.001193", "22333", "Quầy 1", NULL, &error);
  g_assert_no_error (error);
  kept_dir = g_strdup (mc_visit_get_dir (kept));
  gone_dir = g_strdup (mc_visit_get_dir (gone));
  mc_visit_abandon (kept);
  mc_visit_abandon (gone);
  mc_visit_store_set_keep_func (store, keep_named, g_strdup (mc_visit_get_id (kept)), g_free);
  g_assert_cmpuint (mc_visit_store_purge (store, 24, later, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_true (g_file_test (kept_dir, G_FILE_TEST_IS_DIR));
  g_assert_false (g_file_test (gone_dir, G_FILE_TEST_EXISTS));
  /* Let go: it goes too. */
  mc_visit_store_set_keep_func (store, NULL, NULL, NULL);
  g_assert_cmpuint (mc_visit_store_purge (store, 24, later, &error), ==, 1);
  g_assert_false (g_file_test (kept_dir, G_FILE_TEST_EXISTS));
}

/* Sets the modification time of @path and everything below it. */
static void
touch_tree (const char *path,
            GDateTime  *when)
{
  g_autoptr(GDir) listing = g_dir_open (path, 0, NULL);
  struct utimbuf times = { g_date_time_to_unix (when), g_date_time_to_unix (when) };
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      touch_tree (child, when);
    }
  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

static void
count_rows_changed (guint *n)
{
  (*n)++;
}

static void
count_purged (McVisitStore *store,
              const char   *visit_id,
              GPtrArray    *purged)
{
  g_ptr_array_add (purged, g_strdup (visit_id));
}

/* Every visit folder has a purge rule, with the clock injected: finished
 * visits from when they finished; unfinished ones (a draft set aside, a
 * visit stuck after the hand-off because recording fails) from their last
 * change, their files included; folders that cannot be read (damaged, or
 * a procedure an override catalog dropped) from their files' age. The
 * list warns before an unfinished visit goes, and says when. */
/* The visits of the purge rules: a draft with a page; one stuck after
 * the hand-off, one after the upload; one worked on later; one recorded;
 * one of a procedure the catalog no longer has. */
enum { DRAFT, STUCK, UPLOADED, WORKED, RECORDED, UNKNOWN, N_PURGE_VISITS };

static void
make_purge_visits (McVisitStore *made,
                   McVisit      *v[N_PURGE_VISITS],
                   char         *dirs[N_PURGE_VISITS])
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < N_PURGE_VISITS; i++)
    {
      v[i] = mc_visit_store_create (made, "1.001193", "22333", "Quầy 1", NULL, &error);
      g_assert_no_error (error);
    }
  add_page (v[DRAFT], "to-khai");
  add_page (v[WORKED], "to-khai");
  g_assert_true (mc_visit_set_receipt (v[STUCK], "G22-0002", MC_SUBMIT_BROWSER, &error));
  g_assert_true (mc_visit_set_receipt (v[UPLOADED], "G22-0004", MC_SUBMIT_API, &error));
  g_assert_true (mc_visit_set_receipt (v[RECORDED], "G22-0003", MC_SUBMIT_BROWSER, &error));
  mc_visit_set_recorded (v[RECORDED]);
  g_assert_true (mc_visit_store_flush (made, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < N_PURGE_VISITS; i++)
    dirs[i] = g_strdup (mc_visit_get_dir (v[i]));
}

/* The visit in @visit_dir now names a procedure no catalog has. */
static void
forget_procedure (const char *visit_dir)
{
  g_autofree char *path = g_build_filename (visit_dir, "visit.json", NULL);
  g_autofree char *json = NULL;
  g_autoptr(GRegex) re = g_regex_new ("\"procedure\"\\s*:\\s*\"[^\"]*\"", 0, 0, NULL);
  g_autofree char *changed = NULL;

  g_assert_true (g_file_get_contents (path, &json, NULL, NULL));
  changed = g_regex_replace_literal (re, json, -1, 0, "\"procedure\" : \"9.999999\"", 0, NULL);
  g_assert_cmpstr (changed, !=, json);
  g_assert_true (g_file_set_contents (path, changed, -1, NULL));
}

/* When each goes, and the earliest: the finished one's retention; past
 * the first ones, the next is the one worked on later (at @t10). */
static void
assert_purge_times (McVisitStore *store,
                    McVisit      *draft,
                    McVisit      *worked,
                    GDateTime    *t0,
                    GDateTime    *t10)
{
  g_autoptr(GDateTime) t25 = g_date_time_add_hours (t0, 25);
  g_autoptr(GDateTime) due = NULL;

  due = mc_visit_store_dup_purge_time (store, mc_visit_store_lookup (store, mc_visit_get_id (draft)), 24);
  g_assert_cmpint (g_date_time_difference (due, t0) / G_TIME_SPAN_MINUTE, <=, 24 * 60 + 1);
  g_assert_cmpint (g_date_time_difference (due, t0) / G_TIME_SPAN_MINUTE, >=, 24 * 60 - 1);
  g_clear_pointer (&due, g_date_time_unref);
  due = mc_visit_store_dup_purge_time (store, mc_visit_store_lookup (store, mc_visit_get_id (worked)), 24);
  g_assert_cmpint (g_date_time_difference (due, t10) / G_TIME_SPAN_SECOND, <=, 24 * 3600 + 1);
  g_assert_cmpint (g_date_time_difference (due, t10) / G_TIME_SPAN_SECOND, >=, 24 * 3600 - 1);
  g_clear_pointer (&due, g_date_time_unref);
  due = mc_visit_store_dup_next_due (store, 24, t0);
  g_assert_nonnull (due);
  g_assert_cmpint (g_date_time_difference (due, t0) / G_TIME_SPAN_MINUTE, <=, 24 * 60 + 1);
  g_clear_pointer (&due, g_date_time_unref);
  due = mc_visit_store_dup_next_due (store, 24, t25);
  g_assert_nonnull (due);
  g_assert_cmpint (g_date_time_difference (due, t10) / G_TIME_SPAN_SECOND, <=, 24 * 3600 + 1);
}

/* Within the period, nothing goes; past half of it, the rows of the
 * unfinished visits due first are made again, for their warning. */
static void
assert_warned_within_period (McVisitStore *store,
                             GDateTime    *t0)
{
  g_autoptr(GDateTime) t13 = g_date_time_add_hours (t0, 13);
  g_autoptr(GDateTime) t23 = g_date_time_add_hours (t0, 23);
  g_autoptr(GError) error = NULL;
  guint rows_changed = 0;
  gulong id = g_signal_connect_swapped (store, "items-changed", G_CALLBACK (count_rows_changed), &rows_changed);

  g_assert_cmpuint (mc_visit_store_purge (store, 24, t0, &error), ==, 0);
  g_assert_cmpuint (rows_changed, ==, 0);
  g_assert_cmpuint (mc_visit_store_purge (store, 24, t13, &error), ==, 0);
  g_assert_cmpuint (rows_changed, ==, 3);
  g_assert_cmpuint (mc_visit_store_purge (store, 24, t23, &error), ==, 0);
  g_assert_cmpuint (rows_changed, ==, 4);
  g_signal_handler_disconnect (store, id);
  g_assert_no_error (error);
}

static void
test_purge_rules (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("visits-rules");
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisitStore) made = mc_visit_store_new (dir, catalog);
  g_autoptr(McVisitStore) store = NULL;
  g_autoptr(GPtrArray) purged = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) t0 = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) t10 = g_date_time_add_hours (t0, 10);
  g_autoptr(GDateTime) t25 = g_date_time_add_hours (t0, 25);
  g_autoptr(GDateTime) t35 = g_date_time_add_hours (t0, 35);
  g_autofree char *damaged_dir = g_build_filename (dir, "00000000-0000-4000-8000-0000000000aa", NULL);
  g_autofree char *damaged = g_build_filename (damaged_dir, "visit.json", NULL);
  McVisit *v[N_PURGE_VISITS];
  char *dirs[N_PURGE_VISITS];
  g_autoptr(McVisit) held = NULL;

  make_purge_visits (made, v, dirs);

  /* A procedure the override catalog no longer has; a damaged file. */
  forget_procedure (dirs[UNKNOWN]);
  g_mkdir_with_parents (damaged_dir, 0700);
  mc_test_write_file (damaged, "{ \"format\": 1, ");
  /* Worked on for ten hours more (a page replaced, say): its files are
   * newer than its visit.json. The damaged folder was written to then too. */
  touch_tree (dirs[WORKED], t10);
  touch_tree (damaged_dir, t10);

  /* The next start: two folders cannot be read, four visits are open. */
  store = mc_visit_store_new (dir, catalog);
  g_signal_connect (store, "visit-purged", G_CALLBACK (count_purged), purged);
  g_assert_cmpuint (mc_visit_store_load (store, &error), ==, 4);
  g_assert_no_error (error);
  assert_purge_times (store, v[DRAFT], v[WORKED], t0, t10);
  assert_warned_within_period (store, t0);

  /* Past it: the recorded one, the draft set aside, the ones stuck after
   * the hand-off or the upload and the unreadable one with old files go;
   * the visit worked on later and the folder written later stay. */
  held = g_object_ref (mc_visit_store_lookup (store, mc_visit_get_id (v[DRAFT])));
  g_assert_cmpuint (mc_visit_store_purge (store, 24, t25, &error), ==, 5);
  g_assert_no_error (error);
  /* Still held and changed (a cleanup finishing late): never written again. */
  mc_visit_set_identity_in_package (held, TRUE);
  g_assert_true (mc_visit_flush (held, &error));
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  for (guint i = 0; i < N_PURGE_VISITS; i++)
    g_assert_true (g_file_test (dirs[i], G_FILE_TEST_EXISTS) == (i == WORKED));
  g_assert_true (g_file_test (damaged, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  g_assert_cmpuint (purged->len, ==, 5);
  g_assert_true (g_ptr_array_find_with_equal_func (purged, mc_visit_get_id (v[UNKNOWN]), g_str_equal, NULL));

  /* Kept while asked to (an unsent filing), by id, even unreadable. */
  mc_visit_store_set_keep_func (store, keep_named, g_path_get_basename (damaged_dir), g_free);
  g_assert_cmpuint (mc_visit_store_purge (store, 24, t35, &error), ==, 1);
  g_assert_false (g_file_test (dirs[WORKED], G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (damaged, G_FILE_TEST_EXISTS));
  mc_visit_store_set_keep_func (store, NULL, NULL, NULL);
  g_assert_cmpuint (mc_visit_store_purge (store, 24, t35, &error), ==, 1);
  g_assert_false (g_file_test (damaged_dir, G_FILE_TEST_EXISTS));
  g_assert_no_error (error);
  g_assert_null (mc_visit_store_dup_next_due (store, 24, t35));

  mc_visit_store_flush (made, NULL);
  for (guint i = 0; i < N_PURGE_VISITS; i++)
    g_free (dirs[i]);
  mc_test_rm_rf (dir);
}

typedef struct {
  guint    done;
  guint    ok;
} Recorded;

static void
on_recorded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Recorded *r = user_data;
  g_autoptr(GError) error = NULL;

  if (mc_visit_record_filing_finish (MC_VISIT (source), result, &error))
    r->ok++;
  else
    g_test_message ("not recorded: %s", error->message);
  r->done++;
}

/* The view and the application asking at once (the outbox's item-sent
 * reaches both): one record, both told it is done; asking again after
 * is answered at once. */
static void
test_record_filing_once (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("visits-record");
  g_autofree char *ledger_path = g_build_filename (dir, "ledger.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisitStore) store = mc_visit_store_new (dir, catalog);
  g_autoptr(McLedger) ledger = mc_ledger_open (ledger_path, TRUE, &error);
  Recorded r = { 0 };
  McVisit *visit;

  g_assert_no_error (error);
  visit = mc_visit_store_create (store, "1.001193", "22333", "Quầy 1", "Cán bộ A", &error);
  g_assert_no_error (error);
  add_page (visit, "to-khai");

  /* No receipt yet: nothing to record. */
  mc_visit_record_filing_async (visit, ledger, 0, NULL, on_recorded, &r);
  while (r.done < 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (r.ok, ==, 0);

  g_assert_true (mc_visit_take_portal_receipt (visit, "G22-API-0001", &error));
  g_assert_no_error (error);
  g_assert_cmpint (mc_visit_get_submit_method (visit), ==, MC_SUBMIT_API);
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_UPLOADED);
  r = (Recorded) { 0 };
  mc_visit_record_filing_async (visit, ledger, 0, NULL, on_recorded, &r);
  g_assert_true (mc_visit_is_recording (visit));
  mc_visit_record_filing_async (visit, ledger, 0, NULL, on_recorded, &r);
  while (r.done < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (r.ok, ==, 2);
  g_assert_false (mc_visit_is_recording (visit));
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_RECORDED);
  g_assert_cmpuint (mc_test_count_ledger_filings (ledger_path, "G22-API-0001"), ==, 1);

  mc_visit_record_filing_async (visit, ledger, 0, NULL, on_recorded, &r);
  while (r.done < 3)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (r.ok, ==, 3);
  g_assert_cmpuint (mc_test_count_ledger_filings (ledger_path, "G22-API-0001"), ==, 1);

  /* The same receipt again is fine; another one is refused, the visit's
   * stays. */
  g_assert_true (mc_visit_take_portal_receipt (visit, "G22-API-0001", NULL));
  g_assert_false (mc_visit_take_portal_receipt (visit, "G22-API-0002", &error));
  g_assert_error (error, MC_VISIT_ERROR, MC_VISIT_ERROR_STATE);
  g_assert_cmpstr (mc_visit_get_receipt (visit), ==, "G22-API-0001");
  mc_visit_store_flush (store, NULL);
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();
  catalog = mc_procedure_catalog_new_builtin ();

  g_test_add_func ("/visit/create-and-load", test_create_and_load);
  g_test_add_func ("/visit/states", test_states);
  g_test_add_func ("/visit/sigkill-atomic", test_sigkill_atomic);
  g_test_add_func ("/visit/identity-hidden-characters", test_identity_hidden_characters);
  g_test_add_func ("/visit/store-resume-and-purge", test_store_resume_and_purge);
  g_test_add_func ("/visit/import", test_import);
  g_test_add_func ("/visit/adopt-self-service", test_adopt_self_service);
  g_test_add_func ("/visit/purge-keep-func", test_purge_keep_func);
  g_test_add_func ("/visit/purge-rules", test_purge_rules);
  g_test_add_func ("/visit/record-filing-once", test_record_filing_once);
  return g_test_run ();
}
