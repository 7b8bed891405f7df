/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "mc-application.h"
#include "mc-core.h"
#include "mc-ledger.h"
#include "mc-portal-error.h"
#include "mc-portal-outbox.h"
#include "mc-reception-page.h"
#include "mc-test-package.h"
#include "mc-test-portal.h"
#include "mc-test-ui.h"
#include "mc-test-ledger.h"
#include "mc-test-util.h"
#include "mc-visit-filing.h"
#include "mc-visit-view.h"
#include "mc-window.h"

/* Filing through the portal's API from the visit, in the real program
 * (McApplication, its window and its outbox) against the loopback portal
 * (tests/mc-test-portal.c, real HTTP): upload with progress, the receipt
 * taken and recorded once; a refusal, then Try Again; an outage the
 * outbox waits out; the clerk's Stop; the view closed mid-upload (the
 * application records it); a visit sent by another program, taken up
 * again; and the retention purge sparing a visit whose filing is unsent.
 * The packages are the fixture's (a PDF and a PNG), in each visit's
 * folder, so no scanning or OCR is needed here. */

#define TOKEN "ui-upload-token-5e1d"
#define BIRTH "1.001193"

static McApplication *app;
static McProcedureCatalog *procedures;   /* the built-in catalog, made in main() */
static McTestPortal *portal;
static McWindow *window;
static char *data_dir;
static char *kept_visit_dir;      /* abandoned long ago, its filing unsent */
static char *purged_visit_dir;    /* abandoned long ago, nothing unsent */

/* What the outbox said, and what the view showed while it did. */
static guint64 progress_sent;
static double view_fraction;
static guint failed_signals;

static McVisitView *
view (void)
{
  return mc_test_window_visit_view (window);
}

static GtkWidget *
child (const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view ()), MC_TYPE_VISIT_VIEW, name));
}

static void
on_progress (McPortalOutbox *outbox,
             gint64          id,
             guint64         sent,
             guint64         total)
{
  /* Connected after the view: it has shown this already. */
  progress_sent = MAX (progress_sent, sent);
  if (view () != NULL)
    view_fraction = MAX (view_fraction, gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (child ("upload_progress"))));
}

static void
on_failed (void)
{
  failed_signals++;
}

/* A visit whose files are made: the fixture's package in its folder. */
static McVisit *
packaged_visit (guint noise_pixels)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *package = NULL;
  McVisit *visit;

  visit = mc_visit_store_create (mc_application_get_visits (app), BIRTH, "22366", "Quầy 1", "Cán bộ thử", &error);
  g_assert_no_error (error);
  package = g_build_filename (mc_visit_get_dir (visit), "package", NULL);
  mc_test_make_visit_package (package, mc_visit_get_id (visit), noise_pixels);
  mc_visit_set_packaged (visit, package);
  mc_reception_page_open_visit (mc_window_get_reception (window), visit);
  g_assert_cmpstr (mc_visit_view_get_step (view ()), ==, "submit");
  progress_sent = 0;
  view_fraction = 0;
  failed_signals = 0;
  return visit;
}

static int
ledger_count (const char *receipt)
{
  g_autofree char *path = mc_ledger_get_default_path ();

  return mc_test_count_ledger_filings (path, receipt);
}

static guint
posts_with_key (const char *key)
{
  g_autoptr(GPtrArray) requests = mc_test_portal_get_requests (portal);
  guint n = 0;

  for (guint i = 0; i < requests->len; i++)
    {
      McPortalRequest *r = g_ptr_array_index (requests, i);

      if (g_str_equal (r->method, "POST") && g_strcmp0 (r->idempotency_key, key) == 0)
        n++;
    }
  return n;
}

static gboolean
is_recorded (gpointer visit)
{
  return mc_visit_get_state (visit) == MC_VISIT_RECORDED && !mc_visit_is_recording (visit);
}

static gboolean
upload_failed (gpointer data)
{
  return failed_signals > 0 && gtk_widget_get_visible (child ("upload_retry_button"));
}

/* The visit has the portal's receipt, taken through the API, recorded
 * once, and the portal filed it once. */
static void
assert_filed_once (McVisit *visit)
{
  g_autofree char *receipt = mc_test_portal_dup_receipt (portal, mc_visit_get_id (visit));

  g_assert_nonnull (receipt);
  g_assert_cmpstr (mc_visit_get_receipt (visit), ==, receipt);
  g_assert_cmpint (mc_visit_get_submit_method (visit), ==, MC_SUBMIT_API);
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_RECORDED);
  g_assert_cmpint (ledger_count (receipt), ==, 1);
  g_assert_cmpuint (mc_test_portal_count_invalid (portal), ==, 0);
}

static gboolean
ledger_open (gpointer data)
{
  return mc_application_get_ledger (app) != NULL;
}

static gboolean
kept_item_failed (gpointer data)
{
  g_autofree char *visit_id = g_path_get_basename (kept_visit_dir);
  g_autoptr(McOutboxItem) item = mc_portal_outbox_lookup_visit (mc_application_get_outbox (app), visit_id, NULL);

  return failed_signals > 0 && (item == NULL || item->state == MC_OUTBOX_FAILED);
}

static void
test_purge_spares_unsent (void)
{
  g_autofree char *visit_id = g_path_get_basename (kept_visit_dir);
  g_autoptr(McOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;

  /* At start, past their retention: the visit whose filing is still in
   * the outbox stays, the other goes. */
  g_assert_true (g_file_test (kept_visit_dir, G_FILE_TEST_IS_DIR));
  g_assert_false (g_file_test (purged_visit_dir, G_FILE_TEST_EXISTS));

  /* Its upload fails here, not at the portal (its package is damaged;
   * or no token yet): that can be put right, so the filing stays in the
   * outbox, and a later purge still spares the visit. */
  g_assert_true (mc_test_wait_until (kept_item_failed, NULL, 30));
  mc_test_iterate ();
  item = mc_portal_outbox_lookup_visit (mc_application_get_outbox (app), visit_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (item->state, ==, MC_OUTBOX_FAILED);
  g_assert_cmpuint (mc_visit_store_purge (mc_application_get_visits (app), 24, NULL, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_true (g_file_test (kept_visit_dir, G_FILE_TEST_IS_DIR));
}

static void
test_sent (void)
{
  McVisit *visit;
  guint filings = mc_test_portal_count_filings (portal);

  g_assert_true (mc_test_wait_until (ledger_open, NULL, 30));
  /* 1.5 MB of noise: enough for several progress reports. */
  visit = packaged_visit (500 * 1000);
  g_assert_true (gtk_widget_get_visible (child ("upload_group")));
  g_assert_true (gtk_widget_get_visible (child ("upload_button")));
  g_assert_false (gtk_widget_get_visible (child ("upload_cancel_button")));
  /* One suggested action on the page: the upload. */
  g_assert_false (gtk_widget_has_css_class (child ("open_portal_button"), "suggested-action"));
  g_assert_true (gtk_widget_has_css_class (child ("upload_button"), "suggested-action"));
  mc_test_screenshot (GTK_WIDGET (window), "upload-ready");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.upload", NULL));
  g_assert_true (mc_test_wait_until (is_recorded, visit, 30));
  mc_test_iterate ();
  assert_filed_once (visit);
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, filings + 1);
  g_assert_cmpuint (posts_with_key (mc_visit_get_id (visit)), ==, 1);
  g_assert_cmpuint (progress_sent, >, 0);
  g_assert_cmpfloat (view_fraction, >, 0.0);
  g_assert_cmpstr (mc_visit_view_get_step (view ()), ==, "done");
  mc_test_screenshot (GTK_WIDGET (window), "upload-done");
}

static void
test_refused_then_retry (void)
{
  McVisit *visit = packaged_visit (20 * 1000);
  guint filings = mc_test_portal_count_filings (portal);
  g_autofree char *expected = NULL;

  mc_test_portal_push_fault (portal, (McFault) { MC_FAULT_EARLY_STATUS, 413, -1, 0 });
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.upload", NULL));
  g_assert_true (mc_test_wait_until (upload_failed, NULL, 30));
  /* Said in the clerk's words, with what to do, and nothing filed. */
  expected = g_strdup (_("The portal refused the package as too large. Make the files smaller (a lower resolution, or fewer pages per file) and package the visit again."));
  g_assert_nonnull (strstr (mc_visit_view_get_message (view ()), expected));
  g_assert_nonnull (strstr (mc_visit_view_get_upload_status (view ()), expected));
  g_assert_false (gtk_widget_get_visible (child ("upload_button")));
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_PACKAGED);
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, filings);
  mc_test_screenshot (GTK_WIDGET (window), "upload-refused");

  /* Put right (here: the fault is gone), Try Again sends it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.upload-retry", NULL));
  g_assert_true (mc_test_wait_until (is_recorded, visit, 30));
  assert_filed_once (visit);
  g_assert_cmpuint (posts_with_key (mc_visit_get_id (visit)), ==, 2);
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, filings + 1);
}

static gboolean
waiting_shown (gpointer data)
{
  const char *status = mc_visit_view_get_upload_status (view ());
  g_autofree char *prefix = g_strdup_printf (_("Waiting: %s It will be tried again at %s."), "", "");

  /* The part before the first %s. */
  *strchr (prefix, ' ') = '\0';
  return status != NULL && g_str_has_prefix (status, prefix) && strstr (status, "503") != NULL;
}

static void
test_outage (void)
{
  McVisit *visit = packaged_visit (20 * 1000);
  McFault down = { MC_FAULT_STATUS, 503, -1, 0 };

  mc_test_portal_push_fault (portal, down);
  mc_test_portal_push_fault (portal, down);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.upload", NULL));
  /* The portal is down: the filing waits, the clerk sees why and when
   * it is tried again, and can still stop it. */
  g_assert_true (mc_test_wait_until (waiting_shown, NULL, 30));
  g_assert_true (gtk_widget_get_visible (child ("upload_cancel_button")));
  g_assert_true (g_regex_match_simple ("[0-9][0-9]:[0-9][0-9]", mc_visit_view_get_upload_status (view ()), 0, 0));
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_PACKAGED);
  mc_test_screenshot (GTK_WIDGET (window), "upload-waiting");

  /* Back up: sent by itself, once. */
  g_assert_true (mc_test_wait_until (is_recorded, visit, 60));
  assert_filed_once (visit);
  g_assert_cmpuint (posts_with_key (mc_visit_get_id (visit)), ==, 3);
  g_assert_cmpuint (failed_signals, ==, 0);
}

static gboolean
progress_seen (gpointer data)
{
  return progress_sent > 0;
}

static void
test_stop_then_retry (void)
{
  /* 1.8 MB read slowly: more than the sockets hold, so a stop leaves
   * the portal without the whole filing. */
  McVisit *visit = packaged_visit (600 * 1000);
  guint filings = mc_test_portal_count_filings (portal);

  mc_test_portal_push_fault (portal, (McFault) { MC_FAULT_SLOW_READ, 0, -1, 0 });
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.upload", NULL));
  g_assert_true (mc_test_wait_until (progress_seen, NULL, 30));
  g_assert_true (gtk_widget_get_visible (child ("upload_cancel_button")));
  g_assert_true (gtk_widget_get_visible (child ("upload_progress")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.upload-cancel", NULL));
  g_assert_true (mc_test_wait_until (upload_failed, NULL, 30));
  g_assert_nonnull (strstr (mc_visit_view_get_message (view ()),
                            _("Sending was stopped. Send it again when ready: the portal files a visit only once.")));
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_PACKAGED);
  g_assert_true (mc_test_portal_wait_idle (portal, 5000));
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, filings);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.upload-retry", NULL));
  g_assert_true (mc_test_wait_until (is_recorded, visit, 30));
  assert_filed_once (visit);
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, filings + 1);
}

static void
test_closed_while_sending (void)
{
  McVisit *visit = packaged_visit (100 * 1000);
  g_autoptr(McVisit) held = g_object_ref (visit);

  /* Slow enough to close the visit while the files go. */
  mc_test_portal_push_fault (portal, (McFault) { MC_FAULT_SLOW_READ, 0, -1, 0 });
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.upload", NULL));
  g_assert_true (mc_test_wait_until (progress_seen, NULL, 30));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.set-aside", NULL));
  mc_test_iterate ();
  g_assert_null (view ());
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_PACKAGED);

  /* The application takes the receipt and records it, no view open. */
  g_assert_true (mc_test_wait_until (is_recorded, visit, 60));
  assert_filed_once (visit);
  g_assert_cmpuint (posts_with_key (mc_visit_get_id (visit)), ==, 1);
}

static void
test_sent_by_another_program (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(McPortalOutbox) other = NULL;
  g_autoptr(McOutboxItem) queued = NULL;
  g_autoptr(McOutboxItem) sent = NULL;
  McVisit *visit = packaged_visit (20 * 1000);

  /* Closed again, then sent meanwhile by another program on the same
   * outbox (motcua-tool upload, say): this program was never told. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "visit.close", NULL));
  mc_test_iterate ();
  other = mc_portal_outbox_new (mc_portal_outbox_get_path (mc_application_get_outbox (app)), &error);
  g_assert_no_error (error);
  mc_portal_outbox_set_token (other, TOKEN);
  queued = mc_portal_outbox_enqueue (other, mc_visit_get_package_dir (visit), mc_test_portal_get_endpoint (portal),
                                     NULL, &error);
  g_assert_no_error (error);
  sent = mc_portal_outbox_send (other, queued->id, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sent->state, ==, MC_OUTBOX_SENT);
  g_assert_cmpint (mc_visit_get_state (visit), ==, MC_VISIT_PACKAGED);

  /* Taken up again, the visit shows it sent, takes the receipt and is
   * recorded. */
  mc_reception_page_open_visit (mc_window_get_reception (window), visit);
  g_assert_true (mc_test_wait_until (is_recorded, visit, 30));
  mc_test_iterate ();
  assert_filed_once (visit);
  g_assert_cmpstr (mc_visit_get_receipt (visit), ==, sent->receipt);
  g_assert_cmpstr (mc_visit_view_get_step (view ()), ==, "done");
  g_assert_cmpuint (posts_with_key (mc_visit_get_id (visit)), ==, 1);
}

/* Before the program starts: two visits abandoned two days ago, one of
 * them with its filing queued (to a portal that is not there). */
static char *
old_abandoned_visit (const char *visits_dir,
                     gboolean    queued)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisit) visit = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_hours (now, -48);
  g_autofree char *then_text = g_date_time_format_iso8601 (then);
  g_autofree char *json_path = NULL;
  g_autofree char *json = NULL;
  g_autofree char *package = NULL;
  g_autoptr(GString) text = NULL;
  char *dir;

  visit = mc_visit_create (visits_dir, procedures, BIRTH, "22366", "Quầy 1", "Cán bộ thử",
                           &error);
  g_assert_no_error (error);
  package = g_build_filename (mc_visit_get_dir (visit), "package", NULL);
  mc_test_make_visit_package (package, mc_visit_get_id (visit), 5000);
  mc_visit_set_packaged (visit, package);
  if (queued)
    {
      g_autofree char *outbox_path = mc_portal_outbox_get_default_path ();
      g_autoptr(McPortalOutbox) outbox = mc_portal_outbox_new (outbox_path, &error);
      g_autoptr(McOutboxItem) item = NULL;

      g_assert_no_error (error);
      g_autofree char *manifest = g_build_filename (package, "manifest.json", NULL);

      item = mc_portal_outbox_enqueue (outbox, package, "http://127.0.0.1:9/api", NULL, &error);
      g_assert_no_error (error);
      /* Damaged since: sending it fails on this computer, for good. */
      g_assert_cmpint (g_unlink (manifest), ==, 0);
    }
  mc_visit_abandon (visit);
  g_assert_true (mc_visit_flush (visit, &error));
  g_assert_no_error (error);

  /* Abandoned two days ago. */
  json_path = g_build_filename (mc_visit_get_dir (visit), "visit.json", NULL);
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  text = g_string_new (json);
  {
    g_autoptr(GRegex) re = g_regex_new ("\"abandoned_at\"\\s*:\\s*\"[^\"]*\"", 0, 0, NULL);
    g_autofree char *replacement = g_strdup_printf ("\"abandoned_at\" : \"%s\"", then_text);
    g_autofree char *changed = g_regex_replace_literal (re, json, -1, 0, replacement, 0, NULL);

    g_assert_cmpstr (changed, !=, json);
    g_assert_true (g_file_set_contents (json_path, changed, -1, NULL));
  }
  dir = g_strdup (mc_visit_get_dir (visit));
  return dir;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *visits_dir = NULL;
  g_autoptr(GSettings) settings = NULL;
  McPortalOutbox *outbox;
  int ret;

  /* The program keeps its visits, outbox and ledger in the user data
   * dir: a fresh one, never the real home's. */
  data_dir = g_dir_make_tmp ("motcua-ui-upload-XXXXXX", NULL);
  g_assert_nonnull (data_dir);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);

  mc_test_ui_init (&argc, &argv);
  procedures = mc_procedure_catalog_new_builtin ();
  mc_test_allow_vips_warnings ();

  visits_dir = g_build_filename (data_dir, "motcua", "visits", NULL);
  g_assert_cmpint (g_mkdir_with_parents (visits_dir, 0700), ==, 0);
  kept_visit_dir = old_abandoned_visit (visits_dir, TRUE);
  purged_visit_dir = old_abandoned_visit (visits_dir, FALSE);

  portal = mc_test_portal_new (TOKEN, NULL);
  /* A counter set up for the API (memory settings: the program sees them). */
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "ward-code", "22366");
  g_settings_set_string (settings, "counter-name", "Quầy 1");
  g_settings_set_string (settings, "clerk-name", "Cán bộ thử");
  g_settings_set_string (settings, "portal-api-endpoint", mc_test_portal_get_endpoint (portal));
  g_settings_set_uint (settings, "portal-retry-delay-ms", 1500);

  app = mc_test_app_new ();
  outbox = mc_application_get_outbox (app);
  g_assert_nonnull (outbox);
  g_assert_null (mc_application_get_outbox_problem (app));
  /* The token as motcua-tool --token-file gives it: no password store here. */
  mc_portal_outbox_set_token (outbox, TOKEN);
  g_signal_connect (outbox, "progress", G_CALLBACK (on_progress), NULL);
  g_signal_connect (outbox, "item-failed", G_CALLBACK (on_failed), NULL);
  g_application_activate (G_APPLICATION (app));
  window = MC_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  mc_window_show_section (window, "reception");

  g_test_add_func ("/ui/upload/purge-spares-unsent", test_purge_spares_unsent);
  g_test_add_func ("/ui/upload/sent", test_sent);
  g_test_add_func ("/ui/upload/refused-then-retry", test_refused_then_retry);
  g_test_add_func ("/ui/upload/outage", test_outage);
  g_test_add_func ("/ui/upload/stop-then-retry", test_stop_then_retry);
  g_test_add_func ("/ui/upload/closed-while-sending", test_closed_while_sending);
  g_test_add_func ("/ui/upload/sent-by-another-program", test_sent_by_another_program);
  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  mc_test_iterate ();
  g_application_quit (G_APPLICATION (app));
  g_clear_object (&app);
  mc_test_portal_free (portal);
  mc_test_rm_rf (data_dir);
  g_free (data_dir);
  g_free (kept_visit_dir);
  g_free (purged_visit_dir);
  return ret;
}
