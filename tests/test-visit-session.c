/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-ledger.h"
#include "mc-page-fixture.h"
#include "mc-visit-filing.h"
#include "mc-visit-session.h"
#include "mc-visit-store.h"
#include "mc-vips.h"
#include "mc-test-id-cards.h"
#include "mc-test-ledger.h"
#include "mc-test-util.h"

/* One visit's workflow without GTK and without a window: the session
 * cleans the pages that arrive, reads the ID card, makes the package and
 * records the filing once, with real pages, the real card reader, a real
 * SQLite ledger. The tests follow one birth registration in order. */

#define BIRTH "1.001193"          /* Đăng ký khai sinh */
#define RECEIPT "000.00.22.H31-261128-0001"

static McProcedureCatalog *catalog;
static char *dir;
static GSettings *settings;
static McVisitStore *store;
static McVisit *visit;
static McVisitSession *session;

/* What the session told a view. */
static GPtrArray *steps;          /* "step" or "step:component" */
static GPtrArray *cleaned;        /* component of each page-cleaned */
static guint n_card_changed;

static void
on_show_step (McVisitSession *s,
              const char     *step,
              const char     *component)
{
  g_ptr_array_add (steps, component ? g_strconcat (step, ":", component, NULL) : g_strdup (step));
}

static void
on_page_cleaned (McVisitSession *s,
                 const char     *component)
{
  g_ptr_array_add (cleaned, g_strdup (component));
}

static void
on_card_changed (McVisitSession *s,
                 const char     *component)
{
  n_card_changed++;
}

static gboolean
idle (gpointer data)
{
  return !mc_visit_session_is_busy (session);
}

static McPage *
add_fixture_page (const char          *component,
                  const McPageFixture *fixture)
{
  McPageStore *pages = mc_visit_get_pages (visit, component);
  g_autoptr(VipsImage) image = mc_page_fixture_render (fixture, NULL);
  g_autoptr(GError) error = NULL;
  McPage *page;

  page = mc_page_store_save_image (pages, image, fixture->dpi, MC_SCAN_MODE_GRAY, MC_SCAN_SOURCE_FLATBED,
                                   MC_PAGE_SIDE_FRONT, &error);
  g_assert_no_error (error);
  mc_page_store_append (pages, page);
  g_object_unref (page);
  return page;
}

static void
test_clean (void)
{
  McPageFixture text = { .dpi = 150, .skew = 2.0, .variant = 1, .n_paragraphs = 3 };
  McPageFixture blank = { .dpi = 150, .blank = TRUE };
  const McPageCleanup *c;
  McPage *page, *empty;
  g_autofree char *thumb = NULL;
  g_autoptr(VipsImage) image = NULL;

  /* Pages put in the store (as the scanner does) are cleaned on the
   * workers; the blank one is left out, as the setting says. */
  page = add_fixture_page ("to-khai", &text);
  empty = add_fixture_page ("to-khai", &blank);
  g_assert_true (mc_visit_session_is_busy (session));
  g_assert_true (mc_visit_session_is_cleaning (session, "to-khai", mc_page_get_basename (page)));
  g_assert_true (mc_test_wait_until (idle, NULL, 30));

  c = mc_visit_get_cleanup (visit, "to-khai", mc_page_get_basename (page));
  g_assert_nonnull (c);
  g_assert_nonnull (c->output);
  g_assert_false (c->blank);
  g_assert_cmpfloat (ABS (c->skew), >, 1.0);
  c = mc_visit_get_cleanup (visit, "to-khai", mc_page_get_basename (empty));
  g_assert_nonnull (c);
  g_assert_true (c->blank);
  g_assert_null (c->output);
  g_assert_cmpuint (cleaned->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (cleaned, 0), ==, "to-khai");

  /* The strip's picture of the cleaned page, in the page store's layout. */
  thumb = mc_visit_session_dup_clean_thumbnail (session, "to-khai", mc_page_get_basename (page));
  g_assert_true (g_str_has_suffix (thumb, G_DIR_SEPARATOR_S ".thumbs" G_DIR_SEPARATOR_S "page-001.png"));
  image = vips_image_new_from_file (thumb, NULL);
  g_assert_nonnull (image);
  g_assert_cmpint (vips_image_get_height (image), ==, 240);

  /* The clerk prefers the scan: the visit keeps that. */
  mc_visit_session_toggle_original (session, "to-khai", mc_page_get_basename (page));
  g_assert_true (mc_visit_get_cleanup (visit, "to-khai", mc_page_get_basename (page))->undone);
  mc_visit_session_toggle_original (session, "to-khai", mc_page_get_basename (page));
  g_assert_false (mc_visit_get_cleanup (visit, "to-khai", mc_page_get_basename (page))->undone);
}

static gboolean
card_read (gpointer data)
{
  return !mc_visit_session_is_busy (session) &&
         mc_visit_session_get_card (session, "giay-to-tuy-than") != NULL;
}

static void
test_card (void)
{
  g_autoptr(GPtrArray) cards = mc_test_id_cards_load ();
  JsonObject *card = NULL;
  JsonArray *images;
  const char *paths[2] = { NULL, NULL };
  McIdResult *result;
  g_autofree char *kept = NULL;

  /* A card of the first generator, one image, both sides on it. */
  for (guint i = 0; i < cards->len && card == NULL; i++)
    if (json_array_get_length (json_object_get_array_member (g_ptr_array_index (cards, i), "images")) == 1)
      card = g_ptr_array_index (cards, i);
  g_assert_nonnull (card);
  images = json_object_get_array_member (card, "images");
  paths[0] = json_array_get_string_element (images, 0);

  /* Imported as the clerk drops a file on the paper: read, not cleaned. */
  mc_visit_session_set_component (session, "giay-to-tuy-than");
  mc_visit_session_import (session, paths);
  g_assert_true (mc_test_wait_until (card_read, NULL, 30));
  g_assert_cmpuint (mc_visit_count_pages (visit, "giay-to-tuy-than"), ==, 1);
  g_assert_null (mc_visit_get_cleanup (visit, "giay-to-tuy-than", "page-001.png"));
  g_assert_cmpuint (n_card_changed, >=, 2);   /* reading, then read */
  result = mc_visit_session_get_card (session, "giay-to-tuy-than");
  g_assert_cmpstr (mc_identity_get_value (result->identity, MC_ID_FIELD_ID_NUMBER), ==,
                   mc_test_id_card_field (card, "id_number"));
  g_assert_false (mc_visit_session_get_message_is_error (session));
  g_assert_false (mc_visit_session_identity_accepted_for (session, "giay-to-tuy-than"));

  /* The clerk accepts it: the visit keeps it; papers still missing, so
   * no step is suggested. */
  mc_visit_session_accept_identity (session, result->identity);
  g_assert_true (mc_visit_session_identity_accepted_for (session, "giay-to-tuy-than"));
  g_assert_cmpstr (json_object_get_string_member (mc_visit_get_identity (visit), "id_number"), ==,
                   mc_test_id_card_field (card, "id_number"));
  /* Translators: %s is the citizen's name */
  kept = g_strdup_printf (_("%s’s details are kept for this visit."), mc_test_id_card_field (card, "full_name"));
  g_assert_cmpstr (mc_visit_session_get_message (session), ==, kept);
  g_assert_cmpuint (steps->len, ==, 0);
}

static gboolean
packaged (gpointer data)
{
  return !mc_visit_session_is_busy (session) && mc_visit_get_state (visit) == MC_VISIT_PACKAGED;
}

static void
test_package (void)
{
  McPageFixture text = { .dpi = 150, .variant = 2, .n_paragraphs = 2 };
  g_autofree char *manifest = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GPtrArray) files = NULL;
  const char *name;
  guint pdfs = 0;

  /* Asked with a paper missing: it is named, and the clerk is sent to it. */
  mc_visit_session_package (session);
  g_assert_false (mc_visit_session_is_packaging (session));
  g_assert_true (mc_visit_session_get_message_is_error (session));
  g_assert_cmpuint (steps->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (steps, 0), ==, "papers:giay-chung-sinh");

  add_fixture_page ("giay-chung-sinh", &text);
  g_assert_true (mc_test_wait_until (idle, NULL, 30));
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_READY);
  mc_visit_session_package (session);
  g_assert_true (mc_visit_session_is_packaging (session));
  g_assert_true (mc_test_wait_until (packaged, NULL, 75));
  g_assert_false (mc_visit_session_get_message_is_error (session));
  g_assert_cmpstr (g_ptr_array_index (steps, steps->len - 1), ==, "submit");

  /* One searchable PDF per given paper, and the manifest. */
  manifest = g_build_filename (mc_visit_get_package_dir (visit), "manifest.json", NULL);
  g_assert_true (g_file_test (manifest, G_FILE_TEST_IS_REGULAR));
  listing = g_dir_open (mc_visit_get_package_dir (visit), 0, NULL);
  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, ".pdf"))
      pdfs++;
  g_assert_cmpuint (pdfs, ==, 3);
  g_assert_cmpint (mc_package_count_pages (mc_visit_get_package_dir (visit)), ==, 3);

  /* Shown to the clerk in the order the portal lists the papers. */
  files = mc_visit_session_list_package_files (session);
  g_assert_cmpuint (files->len, ==, 3);
  /* Named by the default template: the receipt (before the filing, the
   * visit's short code), the position, the paper. */
  {
    g_autofree char *visit8 = g_ascii_strup (mc_visit_get_id (visit), 8);
    g_autofree char *first = g_strdup_printf ("%s-01-to-khai.pdf", visit8);
    g_autofree char *third = g_strdup_printf ("%s-03-giay-to-tuy-than.pdf", visit8);

    g_assert_cmpstr (g_ptr_array_index (files, 0), ==, first);
    g_assert_cmpstr (g_ptr_array_index (files, 2), ==, third);
  }
}

typedef struct {
  guint done;
  guint ok;
} Recorded;

static void
on_app_recorded (GObject      *source,
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

static gboolean
recorded (gpointer data)
{
  Recorded *r = data;

  return r->done == 1 && !mc_visit_session_is_busy (session) &&
         mc_visit_get_state (visit) == MC_VISIT_RECORDED;
}

static void
test_record_once (void)
{
  g_autofree char *ledger_path = g_build_filename (dir, "ledger.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(McLedger) ledger = mc_ledger_open (ledger_path, TRUE, &error);
  Recorded r = { 0 };
  guint n_steps;

  g_assert_no_error (error);

  /* The receipt typed before the ledger is open: kept, said so. */
  mc_visit_session_apply_receipt (session, RECEIPT);
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_HANDED_OFF);
  g_assert_false (mc_visit_session_is_recording (session));
  g_assert_cmpint (mc_test_count_ledger_filings (ledger_path, RECEIPT), ==, 0);

  /* The ledger opens: the application records the visits waiting for it
   * and the session its own, both at once. One record. */
  n_steps = steps->len;
  mc_visit_filing_record_all (G_LIST_MODEL (store), ledger);
  mc_visit_session_set_ledger (session, ledger);
  g_assert_true (mc_visit_session_is_recording (session));
  g_assert_true (mc_visit_filing_record (visit, ledger, NULL, on_app_recorded, &r));
  g_assert_true (mc_test_wait_until (recorded, &r, 15));
  g_assert_cmpuint (r.ok, ==, 1);
  g_assert_cmpint (mc_test_count_ledger_filings (ledger_path, RECEIPT), ==, 1);
  g_assert_null (mc_visit_session_get_message (session));
  g_assert_cmpuint (steps->len, ==, n_steps + 1);
  g_assert_cmpstr (g_ptr_array_index (steps, n_steps), ==, "done");

  /* Recorded: nothing more is due, asking again records nothing. */
  g_assert_false (mc_visit_filing_is_due (visit));
  mc_visit_filing_record_all (G_LIST_MODEL (store), ledger);
  r = (Recorded) { 0 };
  g_assert_true (mc_visit_filing_record (visit, ledger, NULL, on_app_recorded, &r));
  g_assert_true (mc_test_wait_until (recorded, &r, 15));
  g_assert_cmpint (mc_test_count_ledger_filings (ledger_path, RECEIPT), ==, 1);
}

/* The view is gone: its session stops following the visit's papers. */
static void
test_close (void)
{
  g_autoptr(GError) error = NULL;
  McVisit *other = mc_visit_store_create (store, BIRTH, "22333", "Quầy 1", "Cán bộ A", &error);
  g_autoptr(McVisitSession) closed = NULL;
  McPageFixture text = { .dpi = 150, .variant = 3, .n_paragraphs = 1 };
  McPageStore *pages;
  g_autoptr(VipsImage) image = NULL;
  g_autoptr(McPage) page = NULL;

  g_assert_no_error (error);
  closed = mc_visit_session_new (other, settings);
  mc_visit_session_start (closed);
  mc_visit_session_close (closed);

  pages = mc_visit_get_pages (other, "to-khai");
  image = mc_page_fixture_render (&text, NULL);
  page = mc_page_store_save_image (pages, image, text.dpi, MC_SCAN_MODE_GRAY, MC_SCAN_SOURCE_FLATBED,
                                   MC_PAGE_SIDE_FRONT, &error);
  g_assert_no_error (error);
  mc_page_store_append (pages, page);
  g_assert_false (mc_visit_session_is_busy (closed));
  g_assert_false (mc_visit_session_is_cleaning (closed, "to-khai", mc_page_get_basename (page)));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (mc_visit_get_cleanup (other, "to-khai", mc_page_get_basename (page)));
  mc_visit_abandon (other);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  mc_test_init (&argc, &argv);
  mc_core_init ();
  catalog = mc_procedure_catalog_new_builtin ();
  dir = mc_test_make_tmpdir ("visit-session");
  settings = g_settings_new (APP_ID);
  store = mc_visit_store_new (dir, catalog);
  visit = mc_visit_store_create (store, BIRTH, "22333", "Quầy 1", "Cán bộ A", &error);
  g_assert_no_error (error);
  session = mc_visit_session_new (visit, settings);
  steps = g_ptr_array_new_with_free_func (g_free);
  cleaned = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (session, "show-step", G_CALLBACK (on_show_step), NULL);
  g_signal_connect (session, "page-cleaned", G_CALLBACK (on_page_cleaned), NULL);
  g_signal_connect (session, "card-changed", G_CALLBACK (on_card_changed), NULL);
  mc_visit_session_start (session);

  g_test_add_func ("/visit-session/clean", test_clean);
  g_test_add_func ("/visit-session/card", test_card);
  g_test_add_func ("/visit-session/package", test_package);
  g_test_add_func ("/visit-session/record-once", test_record_once);
  g_test_add_func ("/visit-session/close", test_close);
  status = g_test_run ();

  g_clear_object (&session);
  mc_visit_store_flush (store, NULL);
  g_clear_object (&store);
  g_clear_object (&settings);
  g_clear_object (&catalog);
  g_ptr_array_unref (steps);
  g_ptr_array_unref (cleaned);
  mc_test_rm_rf (dir);
  g_free (dir);
  return status;
}
