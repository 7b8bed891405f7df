/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mc-core.h"
#include "mc-ledger-server-group.h"
#include "mc-ledger.h"
#include "mc-ledger-link.h"
#include "mc-pg-ledger.h"
#include "mc-procedure-names.h"
#include "mc-statistics-page.h"
#include "mc-test-pg.h"
#include "mc-test-ui.h"
#include "mc-test-util.h"

/* The supervisor view reading the ward and the city from the ledger
 * server (issue 16): a private PostgreSQL holding other counters'
 * filings, this counter's own ledger pushed to it in the background, and
 * the statistics page switched between this counter, the ward and the
 * city. Screenshots: build/screenshots/<language>/supervisor-*.png. */

static char *tmpdir;
static McProcedureCatalog *procedures;

static void
record (McLedger   *ledger,
        const char *ward,
        const char *counter,
        guint       n,
        guint       procedure)
{
  for (guint i = 0; i < n; i++)
    {
      McFilingRecord r = MC_FILING_RECORD_INIT;
      g_autoptr(GError) error = NULL;
      g_autofree char *uuid = NULL;

      r.ward_code = ward;
      r.counter = counter;
      r.clerk = "can-bo-a";
      r.procedure = mc_procedure_names_get_code (procedures, (procedure + i) % mc_procedure_names_get_n_known (procedures));
      r.channel = i % 3 == 2 ? MC_CHANNEL_PAPER : MC_CHANNEL_PROVINCIAL;
      r.pages = 3;
      uuid = mc_ledger_record_filing (ledger, &r, &error);
      g_assert_no_error (error);
    }
}

typedef struct {
  McStatisticsPage *page;
  guint64           total;
  gboolean          every_ward;
} Expect;

static gboolean
page_shows (gpointer data)
{
  const Expect *e = data;
  const McSummary *s = mc_statistics_page_get_summary (e->page);

  return g_strcmp0 (mc_statistics_page_get_state (e->page), "content") == 0 && s != NULL &&
         s->total == e->total && (s->unit_name == NULL) == e->every_ward;
}

static gboolean
has_counter (const McSummary *s,
             const char      *counter)
{
  for (guint i = 0; i < s->counters->len; i++)
    if (strstr (((McReportRow *) g_ptr_array_index (s->counters, i))->label, counter) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_scopes (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(McLedger) others = NULL;
  g_autoptr(McLedger) local = NULL;
  g_autoptr(McLedgerLink) link = NULL;
  g_autoptr(McWardCatalog) catalog = mc_ward_catalog_new_builtin ();
  g_autoptr(GSettings) settings = g_settings_new ("org.motcua.MotCua");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "counter.sqlite", NULL);
  McStatisticsPage *page;
  GtkWidget *window, *scope_box;
  Expect e = { 0 };

  if (pg == NULL)
    return;
  mc_pg_ledger_server_init (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  server = mc_pg_ledger_open (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);

  /* Other counters have pushed already: one in this ward, two elsewhere
   * in the city. */
  others = mc_ledger_new (MC_LEDGER_STORE (server));
  record (others, "22333", "Quầy 2", 4, 3);
  record (others, "22366", "Quầy 1", 3, 5);
  record (others, "22390", "Quầy 3", 2, 7);
  /* This counter's own filings, not on the server yet. */
  local = mc_ledger_open (path, TRUE, &error);
  g_assert_no_error (error);
  mc_ledger_set_procedures (local, procedures);   /* as McServices does */
  record (local, "22333", "Quầy 1", 3, 0);

  g_settings_set_string (settings, "ward-code", "22333");
  g_settings_set_string (settings, "counter-name", "Quầy 1");
  g_settings_set_string (settings, "ledger-server", mc_test_pg_get_conninfo (pg));
  link = mc_ledger_link_new (settings);
  mc_ledger_link_set_local (link, local);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 820);
  page = MC_STATISTICS_PAGE (mc_statistics_page_new ());
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  mc_statistics_page_setup (page, settings, catalog);
  mc_statistics_page_set_ledger (page, local);
  mc_statistics_page_set_ledger_link (page, link);
  gtk_window_present (GTK_WINDOW (window));

  /* This counter: its own ledger. */
  e.page = page;
  e.total = 3;
  g_assert_true (mc_test_wait_until (page_shows, &e, 60));
  scope_box = mc_test_find_named (GTK_WIDGET (page), "statistics-scope");
  g_assert_nonnull (scope_box);
  g_assert_true (gtk_widget_get_visible (scope_box));

  /* The ward: every counter of it on the server, this one's pushed. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "statistics.scope", "s", "ward"));
  g_assert_cmpstr (mc_statistics_page_get_scope (page), ==, "ward");
  e.total = 7;
  g_assert_true (mc_test_wait_until (page_shows, &e, 60));
  g_assert_true (has_counter (mc_statistics_page_get_summary (page), "Quầy 1"));
  g_assert_true (has_counter (mc_statistics_page_get_summary (page), "Quầy 2"));
  g_assert_true (gtk_widget_get_visible (mc_test_find_named (GTK_WIDGET (page), "ledger-server-status")));
  mc_test_screenshot (window, "supervisor-ward");

  /* The city: every ward. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "statistics.scope", "s", "city"));
  e.total = 12;
  e.every_ward = TRUE;
  g_assert_true (mc_test_wait_until (page_shows, &e, 60));
  g_assert_true (has_counter (mc_statistics_page_get_summary (page), "Quầy 3"));
  /* Each ward's “Quầy 1” apart, named with its ward. */
  g_assert_cmpuint (mc_statistics_page_get_summary (page)->counters->len, ==, 4);
  g_assert_true (has_counter (mc_statistics_page_get_summary (page), "Quầy 1 (Phường Bắc Nha Trang)"));
  mc_test_screenshot (window, "supervisor-city");

  /* Back to this counter: the local ledger again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "statistics.scope", "s", "counter"));
  e.total = 3;
  e.every_ward = FALSE;
  g_assert_true (mc_test_wait_until (page_shows, &e, 60));

  /* No server any more: the switch goes, the counter's figures stay. */
  g_settings_set_string (settings, "ledger-server", "");
  g_assert_false (gtk_widget_get_visible (scope_box));
  mc_ledger_link_stop (link);
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct {
  McLedgerServerGroup *group;
  const char          *words;
} StatusWait;

static gboolean
status_says (gpointer data)
{
  const StatusWait *w = data;
  const char *status = mc_ledger_server_group_get_status (w->group);

  return status != NULL && strstr (status, w->words) != NULL;
}

static void
type_and_apply (GtkWidget  *group,
                const char *name,
                const char *text)
{
  GtkWidget *row = mc_test_find_named (group, name);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
}

/* The preferences: an address the program refuses is not kept, and says
 * why; a good one is kept and tested; a password with no password store
 * is refused softly, with the way round it. */
static void
test_preferences (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(GSettings) settings = g_settings_new ("org.motcua.MotCua");
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  GtkWidget *window, *page, *group;
  StatusWait w = { 0 };

  if (pg == NULL)
    return;
  mc_pg_ledger_server_init (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  g_settings_set_string (settings, "ledger-server", "");
  g_settings_set_string (settings, "ledger-server-ca-file", "");

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 760, 620);
  page = adw_preferences_page_new ();
  group = mc_ledger_server_group_new (settings);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  w.group = MC_LEDGER_SERVER_GROUP (group);

  type_and_apply (group, "ledger-address", "host=ledger.example.org dbname=motcua user=quay1");
  w.words = "sslmode=verify-full";
  g_assert_true (status_says (&w));
  kept = g_settings_get_string (settings, "ledger-server");
  g_assert_cmpstr (kept, ==, "");
  mc_test_screenshot (window, "supervisor-preferences-refused");

  type_and_apply (group, "ledger-address", mc_test_pg_get_conninfo (pg));
  g_free (kept);
  kept = g_settings_get_string (settings, "ledger-server");
  g_assert_cmpstr (kept, ==, mc_test_pg_get_conninfo (pg));

  gtk_widget_activate (mc_test_find_named (group, "ledger-test"));
  /* The whole sentence, as the language at hand says it. */
  w.words = _("The ledger server answers: the connection works.");
  g_assert_true (mc_test_wait_until (status_says, &w, 60));
  mc_test_screenshot (window, "supervisor-preferences");

  type_and_apply (group, "ledger-password", "synthetic-password");
  w.words = ".pgpass";
  g_assert_true (mc_test_wait_until (status_says, &w, 60));

  g_settings_set_string (settings, "ledger-server", "");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* No password store: libpq's own means (the private server trusts). */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/motcua-test-bus", TRUE);
  setlocale (LC_ALL, "");
  gtk_test_init (&argc, &argv, NULL);
  mc_core_init ();
  adw_init ();
  mc_ui_init ();
  mc_test_load_style ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  tmpdir = mc_test_make_tmpdir ("ui-supervisor");
  procedures = mc_procedure_catalog_new_builtin ();

  g_test_add_func ("/supervisor/scopes", test_scopes);
  g_test_add_func ("/supervisor/preferences", test_preferences);

  ret = g_test_run ();
  g_clear_object (&procedures);
  mc_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return ret;
}
