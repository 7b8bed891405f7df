/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mc-citizen-screen.h"
#include "mc-core.h"
#include "mc-page-fixture.h"
#include "mc-visit-citizen.h"
#include "mc-visit-session.h"
#include "mc-visit-store.h"
#include "mc-vips.h"
#include "mc-test-id-cards.h"
#include "mc-test-util.h"

/* The citizen screen's model without GTK: a visit session driven as the
 * clerk's view drives it (step, paper, scanner, what the paper shows),
 * with real pages and the real card reader, and the screen's content
 * checked at each step. The tests follow one birth registration in order. */

#define BIRTH "1.001193"          /* Đăng ký khai sinh */
#define FORM "to-khai"
#define CARD "giay-to-tuy-than"
#define RECEIPT "000.00.22.H31-261128-0002"

static McProcedureCatalog *catalog;
static char *dir;
static GSettings *settings;
static McVisitStore *store;
static McVisit *visit;
static McVisitSession *session;
static McCitizenScreen *screen;
static McVisitCitizen *citizen;

static gboolean
idle (gpointer data)
{
  return !mc_visit_session_is_busy (session);
}

static gboolean
card_read (gpointer data)
{
  return !mc_visit_session_is_busy (session) && mc_visit_session_get_card (session, CARD) != NULL;
}

static McCitizenDetail *
find_detail (McIdField field)
{
  GListModel *details = mc_citizen_screen_get_details (screen);

  for (guint i = 0; i < g_list_model_get_n_items (details); i++)
    {
      g_autoptr(McCitizenDetail) detail = g_list_model_get_item (details, i);

      if (g_strcmp0 (mc_citizen_detail_get_label (detail), mc_id_field_get_title (field)) == 0)
        return detail;   /* the list holds it */
    }
  return NULL;
}

static void
assert_step (McCitizenStep step)
{
  g_assert_cmpstr (mc_citizen_step_to_string (mc_citizen_screen_get_step (screen)), ==,
                   mc_citizen_step_to_string (step));
}

static void
test_welcome (void)
{
  /* No visit shown: the next citizen is welcomed. */
  assert_step (MC_CITIZEN_STEP_WELCOME);

  /* The visit shown, nothing done yet: what to bring for its procedure. */
  mc_visit_citizen_set_session (citizen, session);
  g_assert_true (mc_visit_citizen_get_session (citizen) == session);
  assert_step (MC_CITIZEN_STEP_WHAT_TO_BRING);
  g_assert_cmpstr (mc_citizen_screen_get_procedure_code (screen), ==, BIRTH);
}

static void
test_place (void)
{
  /* The clerk goes to the form: place it on the glass… */
  mc_visit_session_set_component (session, FORM);
  assert_step (MC_CITIZEN_STEP_PLACE_PAPERS);
  g_assert_cmpstr (mc_citizen_screen_get_component_key (screen), ==, FORM);
  g_assert_false (mc_citizen_screen_get_use_feeder (screen));
  /* …or in the feeder, when the clerk picks it. */
  mc_visit_session_set_use_feeder (session, TRUE);
  g_assert_true (mc_citizen_screen_get_use_feeder (screen));
  mc_visit_session_set_use_feeder (session, FALSE);
  g_assert_false (mc_citizen_screen_get_use_feeder (screen));

  /* The card: its front on the glass. */
  mc_visit_session_set_component (session, CARD);
  assert_step (MC_CITIZEN_STEP_PLACE_CARD);
  g_assert_cmpstr (mc_citizen_screen_get_component_key (screen), ==, CARD);
  g_assert_cmpint (mc_citizen_screen_get_card_side (screen), ==, MC_CITIZEN_CARD_FRONT);
}

static void
test_scanning (void)
{
  McPageFixture text = { .dpi = 150, .variant = 1, .n_paragraphs = 2 };
  McPageStore *pages = mc_visit_get_pages (visit, FORM);
  g_autoptr(VipsImage) image = mc_page_fixture_render (&text, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(McPage) page = NULL;

  mc_visit_session_set_component (session, FORM);
  mc_visit_session_set_scanning (session, TRUE);
  assert_step (MC_CITIZEN_STEP_SCANNING);
  g_assert_true (mc_citizen_screen_get_scanner_busy (screen));
  g_assert_true (mc_citizen_screen_get_pages (screen) == G_LIST_MODEL (pages));

  /* A page arrives, the scanner stops: the page, shown for checking. */
  page = mc_page_store_save_image (pages, image, text.dpi, MC_SCAN_MODE_GRAY, MC_SCAN_SOURCE_FLATBED,
                                   MC_PAGE_SIDE_FRONT, &error);
  g_assert_no_error (error);
  mc_page_store_append (pages, page);
  mc_visit_session_set_scanning (session, FALSE);
  assert_step (MC_CITIZEN_STEP_SCANNING);
  g_assert_false (mc_citizen_screen_get_scanner_busy (screen));
  g_assert_cmpuint (g_list_model_get_n_items (mc_citizen_screen_get_pages (screen)), ==, 1);
  g_assert_true (mc_test_wait_until (idle, NULL, 30));
}

static void
test_details (void)
{
  g_autoptr(GPtrArray) cards = mc_test_id_cards_load ();
  JsonObject *card = NULL;
  const char *paths[2] = { NULL, NULL };
  McIdResult *result;
  McCitizenDetail *detail;

  for (guint i = 0; i < cards->len && card == NULL; i++)
    if (json_array_get_length (json_object_get_array_member (g_ptr_array_index (cards, i), "images")) == 1)
      card = g_ptr_array_index (cards, i);
  g_assert_nonnull (card);
  paths[0] = json_array_get_string_element (json_object_get_array_member (card, "images"), 0);

  /* The card's image given to its paper and read. */
  mc_visit_session_set_component (session, CARD);
  mc_visit_session_import (session, paths);
  g_assert_true (mc_test_wait_until (card_read, NULL, 30));
  result = mc_visit_session_get_card (session, CARD);
  g_assert_true (mc_visit_session_get_shown_identity (session) == result->identity);

  /* Still showing the scan: the scanned page, not yet the details. */
  assert_step (MC_CITIZEN_STEP_SCANNING);
  g_assert_cmpuint (g_list_model_get_n_items (mc_citizen_screen_get_details (screen)), ==, 0);

  /* The clerk shows what was read: the citizen checks the same details. */
  mc_visit_session_set_papers_view (session, "card");
  assert_step (MC_CITIZEN_STEP_CHECK_DETAILS);
  detail = find_detail (MC_ID_FIELD_ID_NUMBER);
  g_assert_nonnull (detail);
  g_assert_cmpstr (mc_citizen_detail_get_value (detail), ==, mc_test_id_card_field (card, "id_number"));
  g_assert_nonnull (mc_citizen_detail_get_source (detail));
  g_assert_nonnull (find_detail (MC_ID_FIELD_FULL_NAME));

  /* The clerk corrects the name: the citizen sees the correction. */
  mc_identity_edit (result->identity, MC_ID_FIELD_FULL_NAME, "NGUYỄN VĂN THỬ");
  detail = find_detail (MC_ID_FIELD_FULL_NAME);
  g_assert_nonnull (detail);
  g_assert_cmpstr (mc_citizen_detail_get_value (detail), ==, "NGUYỄN VĂN THỬ");
  g_assert_cmpstr (mc_citizen_detail_get_source (detail), ==, _("typed in by the clerk"));

  /* The review: the details once more; from another paper, what is next. */
  mc_visit_session_set_step (session, "review");
  assert_step (MC_CITIZEN_STEP_CHECK_DETAILS);
  mc_visit_session_set_component (session, FORM);
  assert_step (MC_CITIZEN_STEP_WHAT_NEXT);
  g_assert_cmpuint (g_list_model_get_n_items (mc_citizen_screen_get_details (screen)), ==, 0);
  g_assert_null (mc_citizen_screen_get_pages (screen));
}

static void
test_receipt (void)
{
  g_autoptr(GError) error = NULL;

  mc_visit_session_set_step (session, "submit");
  assert_step (MC_CITIZEN_STEP_WHAT_NEXT);
  g_assert_true (mc_visit_set_receipt (visit, RECEIPT, MC_SUBMIT_BROWSER, &error));
  g_assert_no_error (error);
  assert_step (MC_CITIZEN_STEP_RECEIPT);
  g_assert_cmpstr (mc_citizen_screen_get_receipt_code (screen), ==, RECEIPT);

  /* The clerk turns to something else: nothing of this citizen stays. */
  mc_visit_citizen_set_session (citizen, NULL);
  assert_step (MC_CITIZEN_STEP_WELCOME);
  g_assert_null (mc_citizen_screen_get_receipt_code (screen));
  g_assert_cmpuint (g_list_model_get_n_items (mc_citizen_screen_get_details (screen)), ==, 0);
}

/* As the view does when the session sends the clerk somewhere. */
static void
on_show_step (McVisitSession *s,
              const char     *step,
              const char     *component)
{
  if (component != NULL)
    mc_visit_session_set_component (s, component);
  mc_visit_session_set_step (s, step);
}

static void
test_goodbye (void)
{
  g_autoptr(GError) error = NULL;
  McVisit *other = mc_visit_store_create (store, BIRTH, "22333", "Quầy 1", "Cán bộ A", &error);
  g_autoptr(McVisitSession) other_session = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  const McComponent *first;

  g_assert_no_error (error);
  other_session = mc_visit_session_new (other, settings);
  g_signal_connect (other_session, "show-step", G_CALLBACK (on_show_step), NULL);
  missing = mc_visit_missing_required (other);
  g_assert_cmpuint (missing->len, >, 0);
  first = g_ptr_array_index (missing, 0);
  mc_visit_session_set_component (other_session, first->key);
  mc_visit_citizen_set_session (citizen, other_session);
  assert_step (MC_CITIZEN_STEP_WHAT_TO_BRING);

  /* Files asked for with nothing scanned: the session sends the clerk to
   * the first missing paper, the one shown already; the citizen is asked
   * for it. */
  mc_visit_session_package (other_session);
  g_assert_true (mc_visit_session_get_message_is_error (other_session));
  assert_step (first->profile == MC_PROFILE_ID_CARD ? MC_CITIZEN_STEP_PLACE_CARD : MC_CITIZEN_STEP_PLACE_PAPERS);
  g_assert_cmpstr (mc_citizen_screen_get_component_key (screen), ==, first->key);

  mc_visit_session_abandon (other_session);
  assert_step (MC_CITIZEN_STEP_GOODBYE);
  mc_visit_citizen_set_session (citizen, NULL);
  mc_visit_session_close (other_session);
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
  dir = mc_test_make_tmpdir ("visit-citizen");
  settings = g_settings_new (APP_ID);
  store = mc_visit_store_new (dir, catalog);
  visit = mc_visit_store_create (store, BIRTH, "22333", "Quầy 1", "Cán bộ A", &error);
  g_assert_no_error (error);
  session = mc_visit_session_new (visit, settings);
  mc_visit_session_start (session);
  screen = mc_citizen_screen_new (catalog);
  citizen = mc_visit_citizen_new (screen);

  g_test_add_func ("/visit-citizen/welcome", test_welcome);
  g_test_add_func ("/visit-citizen/place", test_place);
  g_test_add_func ("/visit-citizen/scanning", test_scanning);
  g_test_add_func ("/visit-citizen/details", test_details);
  g_test_add_func ("/visit-citizen/receipt", test_receipt);
  g_test_add_func ("/visit-citizen/goodbye", test_goodbye);
  status = g_test_run ();

  g_clear_object (&citizen);
  g_clear_object (&screen);
  mc_visit_session_close (session);
  g_clear_object (&session);
  mc_visit_store_flush (store, NULL);
  g_clear_object (&store);
  g_clear_object (&settings);
  g_clear_object (&catalog);
  mc_test_rm_rf (dir);
  g_free (dir);
  return status;
}
