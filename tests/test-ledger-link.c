/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-ledger.h"
#include "mc-ledger-link.h"
#include "mc-ledger-server.h"
#include "mc-pg-ledger.h"
#include "mc-procedure-names.h"
#include "mc-test-pg.h"
#include "mc-test-util.h"

/* The program's link to the ledger server (issue 16): the setting's
 * rules, the counter pushing after each filing in the background, and a
 * supervisor's PC reading the server read-only; against a private
 * PostgreSQL, with no password store on the session bus. */

static char *tmpdir;
static McProcedureCatalog *procedures;

static GSettings *
fresh_settings (const char *counter,
                const char *server)
{
  GSettings *settings = g_settings_new ("org.motcua.MotCua");

  g_settings_set_string (settings, "ward-code", "22333");
  g_settings_set_string (settings, "counter-name", counter);
  g_settings_set_string (settings, "ledger-server-ca-file", "");
  g_settings_set_string (settings, "ledger-server", server);
  return settings;
}

static void
assert_refused (const char *conninfo,
                const char *ca_file,
                const char *words)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (mc_ledger_server_check (conninfo, ca_file, &error));
  g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID);
  g_test_message ("%s: %s", conninfo, error->message);
  g_assert_nonnull (strstr (error->message, words));
}

/* Over the network only with the server's certificate checked against a
 * CA file; never a password in the setting. */
static void
test_check (void)
{
  g_autofree char *ca = g_build_filename (tmpdir, "ca.pem", NULL);
  g_autofree char *built = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (ca, "-----BEGIN CERTIFICATE-----\n", -1, NULL));

  g_assert_true (mc_ledger_server_check ("host=/run/postgresql dbname=motcua", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (mc_ledger_server_check ("dbname=motcua", NULL, &error));
  g_assert_true (mc_ledger_server_check ("postgresql://quay1@ledger.example.org/motcua?sslmode=verify-full", ca, &error));
  g_assert_true (mc_ledger_server_check ("host=ledger.example.org sslmode=verify-full", ca, &error));
  g_assert_no_error (error);

  assert_refused ("host=ledger.example.org dbname=motcua user=quay1", ca, "sslmode=verify-full");
  assert_refused ("postgresql://quay1@ledger.example.org/motcua?sslmode=require", ca, "sslmode=verify-full");
  assert_refused ("hostaddr=192.0.2.7 dbname=motcua sslmode=prefer", ca, "sslmode=verify-full");
  assert_refused ("host=/run/postgresql,ledger.example.org sslmode=disable", ca, "sslmode=verify-full");
  assert_refused ("host=ledger.example.org sslmode=verify-full", NULL, "certificate authority");
  assert_refused ("host=ledger.example.org sslmode=verify-full", "/nonexistent/ca.pem", "/nonexistent/ca.pem");
  assert_refused ("host=/run/postgresql password=secret", NULL, "password");
  assert_refused ("host='unclosed", NULL, "cannot be read");

  key = mc_ledger_server_describe ("postgresql://quay1@ledger.example.org:6432/motcua", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "quay1@ledger.example.org:6432/motcua");

  /* What libpq gets: the CA file, the password quoted, read-only. */
  built = mc_ledger_server_build_conninfo ("postgresql://quay1@ledger.example.org/motcua?sslmode=verify-full",
                                           ca, "it's\\", TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (built, "password='it\\'s\\\\'"));
  g_assert_nonnull (strstr (built, "sslrootcert='"));
  g_assert_nonnull (strstr (built, "default_transaction_read_only=on"));
  g_assert_nonnull (strstr (built, "host='ledger.example.org'"));
}

typedef struct {
  McLedgerLink *link;
  McTestPg     *pg;
  gint64        n_events;
} Wait;

static gboolean
link_ready (gpointer data)
{
  Wait *w = data;

  return mc_ledger_link_get_server_ledger (w->link) != NULL &&
         (mc_ledger_link_get_read_only (w->link) || mc_ledger_link_get_sync (w->link) != NULL);
}

static gboolean
link_has_problem (gpointer data)
{
  Wait *w = data;

  return mc_ledger_link_get_problem (w->link) != NULL;
}

static gboolean
server_has_events (gpointer data)
{
  Wait *w = data;
  const char *status = mc_ledger_link_get_status (w->link);

  return mc_test_pg_query_int (w->pg, "SELECT count(*) FROM motcua.events") == w->n_events &&
         status != NULL && strstr (status, "Nothing is waiting") != NULL;
}

static char *
record_one (McLedger *ledger)
{
  McFilingRecord r = MC_FILING_RECORD_INIT;
  g_autoptr(GError) error = NULL;
  char *uuid;

  r.ward_code = "22333";
  r.counter = "Quầy 1";
  r.clerk = "can-bo-a";
  r.procedure = mc_procedure_names_get_code (procedures, 0);
  r.pages = 2;
  uuid = mc_ledger_record_filing (ledger, &r, &error);
  g_assert_no_error (error);
  return uuid;
}

static void
on_summary (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  *(McSummary **) user_data = mc_ledger_summarize_finish (MC_LEDGER (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
summary_done (gpointer data)
{
  return *(McSummary **) data != NULL;
}

/* A counter: each filing pushed soon after it is recorded (no waiting
 * for the interval), without a password store (a note, then libpq's own
 * means); then the supervisor's PC: the same server, read-only. */
static void
test_counter_and_supervisor (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(McLedger) local = NULL;
  g_autoptr(McLedgerLink) link = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "counter.sqlite", NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(McWardCatalog) catalog = NULL;
  McSummary *summary = NULL;
  McLedgerAppendResult appended;
  Wait w = { 0 };

  if (pg == NULL)
    return;
  mc_pg_ledger_server_init (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  local = mc_ledger_open (path, TRUE, &error);
  g_assert_no_error (error);

  settings = fresh_settings ("Quầy 1", mc_test_pg_get_conninfo (pg));
  link = mc_ledger_link_new (settings);
  g_assert_true (mc_ledger_link_get_configured (link));
  g_assert_false (mc_ledger_link_get_read_only (link));
  mc_ledger_link_set_local (link, local);
  w.link = link;
  w.pg = pg;
  g_assert_true (mc_test_wait_until (link_ready, &w, 60));
  /* No Secret Service here: said, and the server is used all the same. */
  g_test_message ("note: %s", mc_ledger_link_get_problem (link));
  g_assert_nonnull (mc_ledger_link_get_problem (link));
  g_assert_nonnull (strstr (mc_ledger_link_get_problem (link), ".pgpass"));

  first = record_one (local);
  w.n_events = 1;
  g_assert_true (mc_test_wait_until (server_has_events, &w, 60));
  second = record_one (local);
  w.n_events = 2;
  g_assert_true (mc_test_wait_until (server_has_events, &w, 60));
  g_test_message ("status: %s", mc_ledger_link_get_status (link));
  g_assert_nonnull (strstr (mc_ledger_link_get_status (link), "Last sent to the ledger server at"));

  /* Shutdown: no more pushes. */
  mc_ledger_link_stop (link);
  g_assert_nonnull (mc_ledger_link_get_sync (link));

  /* The supervisor's PC: no counter name. Reads, pushes nothing, and the
   * server refuses its writes. */
  g_settings_set_string (settings, "counter-name", "");
  g_assert_true (mc_ledger_link_get_read_only (link));
  g_assert_null (mc_ledger_link_get_sync (link));
  g_assert_true (mc_test_wait_until (link_ready, &w, 60));
  g_assert_null (mc_ledger_link_get_status (link));
  {
    g_autoptr(McLedgerEvent) event = mc_ledger_event_new (MC_EVENT_FILING);
    McLedgerEvent *events[] = { event };

    event->ward_code = g_strdup ("22333");
    event->counter = g_strdup ("Quầy 9");
    event->clerk = g_strdup ("can-bo-b");
    event->procedure = g_strdup (mc_procedure_names_get_code (procedures, 0));
    event->at_us = g_get_real_time ();
    event->local_day = mc_day_today ();
    g_assert_false (mc_ledger_store_append (mc_ledger_get_store (mc_ledger_link_get_server_ledger (link)),
                                            events, 1, &appended, &error));
    g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_READ_ONLY);
    g_test_message ("read-only: %s", error->message);
    g_clear_error (&error);
  }
  catalog = mc_ward_catalog_new_builtin ();
  mc_ledger_summarize_async (mc_ledger_link_get_server_ledger (link), catalog, mc_day_today () - 1, mc_day_today () + 1, NULL,
                             NULL, on_summary, &summary);
  g_assert_true (mc_test_wait_until (summary_done, &summary, 60));
  g_assert_cmpuint (summary->total, ==, 2);
  mc_summary_free (summary);
  g_assert_cmpint (mc_test_pg_query_int (pg, "SELECT count(*) FROM motcua.events"), ==, 2);
}

/* A setting the program refuses: said plainly, nothing opened. */
static void
test_refused (void)
{
  g_autoptr(GSettings) settings = fresh_settings ("Quầy 1", "host=ledger.example.org dbname=motcua user=quay1");
  g_autoptr(McLedgerLink) link = mc_ledger_link_new (settings);
  Wait w = { link, NULL, 0 };

  g_assert_true (mc_ledger_link_get_configured (link));
  g_assert_true (mc_test_wait_until (link_has_problem, &w, 10));
  g_assert_nonnull (strstr (mc_ledger_link_get_problem (link), "sslmode=verify-full"));
  g_assert_null (mc_ledger_link_get_server_ledger (link));
  g_assert_null (mc_ledger_link_get_sync (link));

  g_settings_set_string (settings, "ledger-server", "");
  g_assert_false (mc_ledger_link_get_configured (link));
  g_assert_null (mc_ledger_link_get_problem (link));
}

int
main (int    argc,
      char **argv)
{
  int status;

  setlocale (LC_ALL, "");
  /* No password store: the lookup must fail softly. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/motcua-test-bus", TRUE);
  mc_test_init (&argc, &argv);
  mc_core_init ();
  tmpdir = mc_test_make_tmpdir ("ledger-link");
  procedures = mc_procedure_catalog_new_builtin ();

  g_test_add_func ("/ledger-link/check", test_check);
  g_test_add_func ("/ledger-link/counter-and-supervisor", test_counter_and_supervisor);
  g_test_add_func ("/ledger-link/refused", test_refused);

  status = g_test_run ();
  g_clear_object (&procedures);
  mc_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
