/* SPDX-License-Identifier: GPL-3.0-or-later */
/* memmem() */
#define _GNU_SOURCE
#include "config.h"

#include <string.h>
#include <utime.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-application.h"
#include "mc-core.h"
#include "mc-package.h"
#include "mc-portal-error.h"
#include "mc-portal-outbox.h"
#include "mc-reception-page.h"
#include "mc-self-service-session.h"
#include "mc-test-package.h"
#include "mc-test-portal.h"
#include "mc-test-ui.h"
#include "mc-test-util.h"
#include "mc-vips.h"
#include "mc-visit-filing.h"
#include "mc-visit-store.h"
#include "mc-visit-view.h"
#include "mc-window.h"

/* What the program keeps, and for how long, in the real program
 * (McApplication, its window, outbox and ledger) with its own data,
 * config, cache and state folders:
 *  - at start, a kiosk session nobody finished is removed and papers a
 *    citizen handed off are taken into a visit;
 *  - an unfinished visit's row warns before it is deleted;
 *  - an outbox row whose visit folder is gone is removed at start;
 *  - a visit past its retention whose filing was sent, the receipt not
 *    taken yet, is kept until it takes it;
 *  - a whole visit of a synthetic citizen (a page with the name and
 *    number on it, the identity, the package, the upload to the loopback
 *    portal, the ledger), then the clock past the retention period: the
 *    purge leaves neither the name nor the number in any file under those
 *    folders (SQLite files, WAL, outbox included), and the outbox row
 *    goes with the visit. */

#define TOKEN     "ui-retention-token-7c2a"
#define PROCEDURE "1.001193"
/* Synthetic: "MẪU" is the specimen mark; the number is no one's. */
#define CITIZEN_NAME   "NGUYỄN THỊ MẪU RETENTION"
#define CITIZEN_NUMBER "001098765432"

static char *root;
static McApplication *app;
static McProcedureCatalog *procedures;   /* the built-in catalog, made in main() */
static McTestPortal *portal;
static McWindow *window;
static char *unfinished_dir;   /* a kiosk session cut short */
static char *handed_off_dir;   /* papers a citizen finished */
static char *old_draft_id;     /* set aside 20 hours ago */
static char *orphan_visit_id;  /* sent, its folder purged by an older program */
static char *sent_visit_dir;   /* sent while the program was closed, long ago */

static McVisitView *
view (void)
{
  return mc_test_window_visit_view (window);
}

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

/* Black text on white paper, at 200 dpi, as a scanned page would be. */
static VipsImage *
text_page (const char *text)
{
  g_autoptr(VipsImage) mask = NULL;
  g_autoptr(VipsImage) ink = NULL;
  VipsImage *page = NULL;

  g_assert_cmpint (vips_text (&mask, text, "dpi", 200, "font", "Noto Sans 12", NULL), ==, 0);
  g_assert_cmpint (vips_invert (mask, &ink, NULL), ==, 0);
  g_assert_cmpint (vips_embed (ink, &page, 120, 160, 1240, 1750, "extend", VIPS_EXTEND_WHITE, NULL), ==, 0);
  return page;
}

static void
add_page (McPageStore *store,
          VipsImage   *image)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VipsImage) blank = NULL;
  g_autoptr(McPage) page = NULL;

  if (image == NULL)
    {
      g_autoptr(VipsImage) black = NULL;

      g_assert_cmpint (vips_black (&black, 600, 800, NULL), ==, 0);
      g_assert_cmpint (vips_invert (black, &blank, NULL), ==, 0);
      image = blank;
    }
  page = mc_page_store_save_image (store, image, 200, MC_SCAN_MODE_GRAY, MC_SCAN_SOURCE_FLATBED,
                                   MC_PAGE_SIDE_FRONT, &error);
  g_assert_no_error (error);
  mc_page_store_append (store, page);
}

/* ---- before the program starts ---------------------------------------- */

static void
make_self_service_folders (void)
{
  g_autofree char *base = mc_self_service_get_base_dir ();
  const McProcedure *p = mc_procedure_catalog_lookup (procedures, PROCEDURE);
  g_autoptr(McSelfServiceSession) unfinished = NULL;
  g_autoptr(McSelfServiceSession) handed_off = NULL;
  g_autoptr(GError) error = NULL;

  unfinished = mc_self_service_session_new (base, p, &error);
  g_assert_no_error (error);
  handed_off = mc_self_service_session_new (base, p, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < p->components->len; i++)
    {
      McComponent *c = g_ptr_array_index (p->components, i);

      if (!c->required)
        continue;
      add_page (mc_self_service_session_get_store (unfinished, c->key, &error), NULL);
      add_page (mc_self_service_session_get_store (handed_off, c->key, &error), NULL);
      g_assert_no_error (error);
    }
  g_assert_true (mc_self_service_session_hand_off (handed_off, &error));
  g_assert_no_error (error);
  unfinished_dir = g_strdup (mc_self_service_session_get_dir (unfinished));
  handed_off_dir = g_strdup (mc_self_service_session_get_dir (handed_off));
}

/* A packaged visit sent through the outbox by another program (the
 * program was closed): the visit has not taken its receipt. */
static McVisit *
sent_visit (const char *visits_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisit) visit = NULL;
  g_autofree char *package = NULL;
  g_autofree char *outbox_path = mc_portal_outbox_get_default_path ();
  g_autoptr(McPortalOutbox) outbox = mc_portal_outbox_new (outbox_path, &error);
  g_autoptr(McOutboxItem) queued = NULL;
  g_autoptr(McOutboxItem) sent = NULL;

  g_assert_no_error (error);
  visit = mc_visit_create (visits_dir, procedures, PROCEDURE, "22366", "Quầy 1",
                           "Cán bộ thử", &error);
  g_assert_no_error (error);
  package = g_build_filename (mc_visit_get_dir (visit), "package", NULL);
  mc_test_make_visit_package (package, mc_visit_get_id (visit), 2000);
  mc_visit_set_packaged (visit, package);
  g_assert_true (mc_visit_flush (visit, &error));
  mc_portal_outbox_set_token (outbox, TOKEN);
  queued = mc_portal_outbox_enqueue (outbox, package, mc_test_portal_get_endpoint (portal), NULL, &error);
  g_assert_no_error (error);
  sent = mc_portal_outbox_send (outbox, queued->id, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sent->state, ==, MC_OUTBOX_SENT);
  return g_steal_pointer (&visit);
}

/* Sets the visit's last change @hours ago, in visit.json and its files. */
static void
age_visit (const char *visit_dir,
           int         hours)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_hours (now, -hours);
  g_autofree char *then_text = g_date_time_format_iso8601 (then);
  g_autofree char *json_path = g_build_filename (visit_dir, "visit.json", NULL);
  g_autofree char *json = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *replacement = g_strdup_printf ("\"updated_at\" : \"%s\"", then_text);
  g_autoptr(GRegex) re = g_regex_new ("\"updated_at\"\\s*:\\s*\"[^\"]*\"", 0, 0, NULL);

  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  changed = g_regex_replace_literal (re, json, -1, 0, replacement, 0, NULL);
  g_assert_cmpstr (changed, !=, json);
  g_assert_true (g_file_set_contents (json_path, changed, -1, NULL));
  touch_tree (visit_dir, then);
}

static void
make_old_draft (const char *visits_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisit) visit = NULL;

  visit = mc_visit_create (visits_dir, procedures, PROCEDURE, "22366", "Quầy 1",
                           "Cán bộ thử", &error);
  g_assert_no_error (error);
  g_assert_true (mc_visit_flush (visit, &error));
  old_draft_id = g_strdup (mc_visit_get_id (visit));
  age_visit (mc_visit_get_dir (visit), 20);
}

/* Sent through the outbox, its folder purged by an older program that
 * left the outbox row. */
static void
make_orphan_row (const char *visits_dir)
{
  g_autoptr(McVisit) visit = sent_visit (visits_dir);

  orphan_visit_id = g_strdup (mc_visit_get_id (visit));
  mc_test_rm_rf (mc_visit_get_dir (visit));
}

/* Sent while the program was closed, and last changed 30 hours ago: past
 * the retention of an unfinished visit, but its receipt is still to be
 * taken and recorded. */
static void
make_sent_unreceipted (const char *visits_dir)
{
  g_autoptr(McVisit) visit = sent_visit (visits_dir);

  sent_visit_dir = g_strdup (mc_visit_get_dir (visit));
  age_visit (sent_visit_dir, 30);
}

/* ---- tests -------------------------------------------------------------- */

static gboolean
sent_recorded (gpointer data)
{
  g_autofree char *id = g_path_get_basename (sent_visit_dir);
  McVisit *visit = mc_visit_store_lookup (mc_application_get_visits (app), id);

  return visit != NULL && mc_visit_get_state (visit) == MC_VISIT_RECORDED && !mc_visit_is_recording (visit);
}

static void
test_sent_kept_until_received (void)
{
  /* Past its retention at start, but its filing's receipt was not taken
   * yet: kept, then it takes the receipt and is recorded. */
  g_assert_true (g_file_test (sent_visit_dir, G_FILE_TEST_IS_DIR));
  g_assert_true (mc_test_wait_until (sent_recorded, NULL, 60));
  g_assert_true (g_file_test (sent_visit_dir, G_FILE_TEST_IS_DIR));
}

static gboolean
orphan_pruned (gpointer data)
{
  g_autoptr(McOutboxItem) item = mc_portal_outbox_lookup_visit (mc_application_get_outbox (app),
                                                                orphan_visit_id, NULL);

  return item == NULL;
}

static void
test_orphan_row_pruned (void)
{
  /* The row named a package folder that is gone: removed at start. */
  g_assert_true (mc_test_wait_until (orphan_pruned, NULL, 30));
}

static gboolean
adopted (gpointer data)
{
  GListModel *visits = G_LIST_MODEL (mc_application_get_visits (app));

  if (g_file_test (handed_off_dir, G_FILE_TEST_EXISTS))
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (visits); i++)
    {
      g_autoptr(McVisit) visit = g_list_model_get_item (visits, i);

      if (mc_visit_get_self_service_code (visit) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_self_service_at_start (void)
{
  /* Removed at start, before anyone entered self-service again. */
  g_assert_false (g_file_test (unfinished_dir, G_FILE_TEST_EXISTS));
  /* Taken into a visit, then its folder removed. */
  g_assert_true (mc_test_wait_until (adopted, NULL, 60));
}

static void
test_warning_row (void)
{
  g_autofree char *expected = g_strdup_printf (ngettext ("Deleted in %u hour unless finished",
                                                         "Deleted in %u hours unless finished", 4), 4);
  McVisit *draft = mc_visit_store_lookup (mc_application_get_visits (app), old_draft_id);
  GtkWidget *label;

  /* 20 of its 24 hours gone: the row says when it goes. */
  g_assert_nonnull (draft);
  mc_test_iterate ();
  label = mc_test_find_named (GTK_WIDGET (window), "purge-warning");
  g_assert_nonnull (label);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, expected);
  mc_test_screenshot (GTK_WIDGET (window), "retention-warning");
}

/* Whether any file under @path holds @needle (binary: SQLite files and
 * their WAL included). Names the first such file in *where. */
static gboolean
tree_contains (const char  *path,
               const char  *needle,
               char       **where)
{
  g_autoptr(GDir) listing = g_dir_open (path, 0, NULL);
  const char *name;

  if (listing == NULL)
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) ||
          !g_file_get_contents (path, &contents, &length, NULL) ||
          memmem (contents, length, needle, strlen (needle)) == NULL)
        return FALSE;
      *where = g_strdup (path);
      return TRUE;
    }
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (!g_file_test (child, G_FILE_TEST_IS_SYMLINK) && tree_contains (child, needle, where))
        return TRUE;
    }
  return FALSE;
}

static gboolean
ledger_open (gpointer data)
{
  return mc_application_get_ledger (app) != NULL;
}

static gboolean
is_recorded (gpointer visit)
{
  return mc_visit_get_state (visit) == MC_VISIT_RECORDED && !mc_visit_is_recording (visit);
}

/* Every page of the visit cleaned (the view cleans them as they come,
 * ID cards excepted): no cleanup is still writing into its folder. */
static gboolean
all_cleaned (gpointer data)
{
  McVisit *visit = data;
  const McProcedure *p = mc_visit_get_procedure (visit);

  for (guint i = 0; i < p->components->len; i++)
    {
      McComponent *c = g_ptr_array_index (p->components, i);
      McPageStore *store = mc_visit_get_pages (visit, c->key);
      guint n = store && c->profile != MC_PROFILE_ID_CARD ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0;

      for (guint j = 0; j < n; j++)
        {
          g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (store), j);

          if (mc_visit_get_cleanup (visit, c->key, mc_page_get_basename (page)) == NULL)
            return FALSE;
        }
    }
  return TRUE;
}

static void
test_nothing_stays (void)
{
  McVisitStore *visits = mc_application_get_visits (app);
  McPortalOutbox *outbox = mc_application_get_outbox (app);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) identity = json_object_new ();
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) later = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(McOutboxItem) item = NULL;
  g_autofree char *visit_id = NULL;
  g_autofree char *where = NULL;
  McVisit *visit;

  g_assert_true (mc_test_wait_until (ledger_open, NULL, 30));

  /* The visit: a page with the citizen's name and number on it, blank
   * pages for the rest, the identity read from the card, in the package. */
  visit = mc_visit_store_create (visits, PROCEDURE, "22366", "Quầy 1", "Cán bộ thử", &error);
  g_assert_no_error (error);
  visit_id = g_strdup (mc_visit_get_id (visit));
  missing = mc_visit_missing_required (visit);
  for (guint i = 0; i < missing->len; i++)
    {
      McComponent *c = g_ptr_array_index (missing, i);
      g_autoptr(VipsImage) page = i == 0 ? text_page ("Họ, chữ đệm và tên: " CITIZEN_NAME "\n"
                                                      "Số định danh cá nhân: " CITIZEN_NUMBER) : NULL;

      add_page (mc_visit_get_pages (visit, c->key), page);
    }
  mc_visit_refresh_state (visit);
  json_object_set_string_member (identity, "full_name", CITIZEN_NAME);
  json_object_set_string_member (identity, "id_number", CITIZEN_NUMBER);
  json_object_set_string_member (identity, "date_of_birth", "01/02/1990");
  mc_visit_set_identity (visit, identity);
  mc_visit_set_identity_in_package (visit, TRUE);
  g_assert_true (mc_package_build (visit, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* Filed through the portal's API from the visit, and recorded. */
  mc_reception_page_open_visit (mc_window_get_reception (window), visit);
  g_assert_cmpstr (mc_visit_view_get_step (view ()), ==, "submit");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.upload", NULL));
  g_assert_true (mc_test_wait_until (is_recorded, visit, 60));
  g_assert_true (mc_test_wait_until (all_cleaned, visit, 60));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.close", NULL));
  mc_test_iterate ();
  g_assert_null (view ());
  g_assert_true (mc_visit_store_flush (visits, &error));
  g_assert_no_error (error);
  /* A flush (the program closing) writes visit.json again: that is no
   * change, the draft set aside still goes 24 hours after its last one. */
  {
    g_autoptr(GDateTime) current = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) soon = g_date_time_add_hours (current, 5);

    g_assert_cmpuint (mc_visit_store_purge (visits, 24, soon, &error), ==, 1);
    g_assert_no_error (error);
    g_assert_null (mc_visit_store_lookup (visits, old_draft_id));
  }
  item = mc_portal_outbox_lookup_visit (outbox, visit_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (item->state, ==, MC_OUTBOX_SENT);

  /* Until then the papers are there (and the search finds them). */
  g_assert_true (tree_contains (root, CITIZEN_NUMBER, &where));
  g_clear_pointer (&where, g_free);

  /* A day and an hour later. */
  now = g_date_time_new_now_utc ();
  later = g_date_time_add_hours (now, 25);
  g_assert_cmpuint (mc_visit_store_purge (visits, 24, later, &error), >=, 1);
  g_assert_no_error (error);
  mc_test_iterate ();
  g_assert_null (mc_visit_store_lookup (visits, visit_id));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (visits)), ==, 0);

  /* The outbox row went with the visit. */
  g_clear_pointer (&item, mc_outbox_item_free);
  item = mc_portal_outbox_lookup_visit (outbox, visit_id, &error);
  g_assert_null (item);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NOT_FOUND);

  /* Nothing about the citizen anywhere under the program's folders. */
  if (tree_contains (root, CITIZEN_NAME, &where) || tree_contains (root, CITIZEN_NUMBER, &where))
    g_error ("The citizen's name or number is still in %s", where);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *visits_dir = NULL;
  g_autoptr(GSettings) settings = NULL;
  const char *kinds[] = { "data", "config", "cache", "state" };
  const char *vars[] = { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME" };
  int ret;

  /* Every folder the program may write to: fresh, never the real home's. */
  root = g_dir_make_tmp ("motcua-ui-retention-XXXXXX", NULL);
  g_assert_nonnull (root);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *dir = g_build_filename (root, kinds[i], NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_setenv (vars[i], dir, TRUE);
    }

  mc_test_ui_init (&argc, &argv);
  procedures = mc_procedure_catalog_new_builtin ();
  mc_test_allow_vips_warnings ();

  visits_dir = g_build_filename (g_get_user_data_dir (), "motcua", "visits", NULL);
  g_assert_cmpint (g_mkdir_with_parents (visits_dir, 0700), ==, 0);
  make_self_service_folders ();
  make_old_draft (visits_dir);

  portal = mc_test_portal_new (TOKEN, NULL);
  make_orphan_row (visits_dir);
  make_sent_unreceipted (visits_dir);
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "ward-code", "22366");
  g_settings_set_string (settings, "counter-name", "Quầy 1");
  g_settings_set_string (settings, "clerk-name", "Cán bộ thử");
  g_settings_set_string (settings, "portal-api-endpoint", mc_test_portal_get_endpoint (portal));
  g_settings_set_uint (settings, "retention-hours", 24);

  app = mc_test_app_new ();
  g_assert_nonnull (mc_application_get_outbox (app));
  mc_portal_outbox_set_token (mc_application_get_outbox (app), TOKEN);
  g_application_activate (G_APPLICATION (app));
  window = MC_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  mc_window_show_section (window, "reception");

  g_test_add_func ("/retention/self-service-at-start", test_self_service_at_start);
  g_test_add_func ("/retention/sent-kept-until-received", test_sent_kept_until_received);
  g_test_add_func ("/retention/warning-row", test_warning_row);
  g_test_add_func ("/retention/orphan-row-pruned", test_orphan_row_pruned);
  g_test_add_func ("/retention/nothing-stays", test_nothing_stays);
  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  mc_test_iterate ();
  g_application_quit (G_APPLICATION (app));
  g_clear_object (&app);
  mc_test_portal_free (portal);
  mc_test_rm_rf (root);
  g_free (root);
  g_free (unfinished_dir);
  g_free (handed_off_dir);
  g_free (old_draft_id);
  g_free (orphan_visit_id);
  g_free (sent_visit_dir);
  return ret;
}
