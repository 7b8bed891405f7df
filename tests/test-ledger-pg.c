/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <time.h>
#include <libpq-fe.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-ledger.h"
#include "mc-ledger-sync.h"
#include "mc-pg-ledger.h"
#include "mc-procedure-names.h"
#include "mc-sqlite-ledger.h"
#include "mc-test-pg.h"
#include "mc-test-tool.h"
#include "mc-test-ledger.h"
#include "mc-test-util.h"

/* The shared ledger for real: a private PostgreSQL started by the test
 * (initdb + pg_ctl, a Unix socket in a temporary folder), beside the
 * counters' SQLite files. */

static char *tmpdir;
static McWardCatalog *catalog;
static McProcedureCatalog *procedures;   /* names and order of the reports */

static McSqliteLedger *
new_sqlite (const char *name)
{
  g_autofree char *path = mc_test_ledger_path (tmpdir, name);
  g_autoptr(GError) error = NULL;
  McSqliteLedger *store = mc_sqlite_ledger_open (path, MC_SQLITE_LEDGER_OPEN_CREATE, &error);

  g_assert_no_error (error);
  return store;
}

/* A server with the schema, as the superuser. */
static McPgLedger *
open_server (McTestPg *pg)
{
  g_autoptr(GError) error = NULL;
  McPgLedger *server;

  mc_pg_ledger_server_init (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  server = mc_pg_ledger_open (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  return server;
}

/* ---- A random history --------------------------------------------------- */

static const char * const wards[] = {
  "22327", "22330", "22333", "22336", "22342", "22345", "22348", "22354",
  "22360", "22366", "22369", "22390", "22402", "22405", "99999",
};

/* @n_filings filings of @counter, with corrections (chains, branches,
 * voids, restorations) and status changes, each after what it points at. */
static GPtrArray *
make_history (GRand      *rand,
              const char *counter,
              guint       n_filings)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_ledger_event_free);
  McDay first, last;
  guint known = mc_procedure_names_get_n_known (procedures);

  g_assert_true (mc_day_parse ("2024-01-01", &first));
  g_assert_true (mc_day_parse ("2026-06-30", &last));
  for (guint i = 0; i < n_filings; i++)
    {
      McDay d = first + (McDay) g_rand_int_range (rand, 0, (gint32) (last - first + 1));
      McLedgerEvent *f = mc_ledger_event_new (MC_EVENT_FILING);
      McLedgerEvent *head = f;

      f->ward_code = g_strdup (wards[g_rand_int_range (rand, 0, G_N_ELEMENTS (wards))]);
      f->counter = g_strdup (counter);
      f->clerk = g_strdup ("can-bo-a");
      f->procedure = g_strdup (mc_procedure_names_get_code (procedures, g_rand_int_range (rand, 0, (gint32) known)));
      f->channel = (McChannel) g_rand_int_range (rand, 0, MC_N_CHANNELS);
      f->pages = 2;
      f->at_us = mc_test_noon_of (d) + (gint64) g_rand_int_range (rand, 0, 3600) * G_USEC_PER_SEC;
      f->local_day = d;
      g_ptr_array_add (events, f);

      for (int k = g_rand_int_range (rand, -2, 4); k > 0; k--)
        {
          const McLedgerEvent *base = g_rand_boolean (rand) ? head : f;
          McLedgerEvent *c = mc_ledger_event_copy (base);

          g_free (c->uuid);
          c->uuid = g_uuid_string_random ();
          c->kind = MC_EVENT_CORRECTION;
          g_free (c->filing_uuid);
          c->filing_uuid = g_strdup (f->uuid);
          g_free (c->corrects_uuid);
          c->corrects_uuid = g_strdup (base->uuid);
          g_clear_pointer (&c->visit_id, g_free);
          c->at_us = base->at_us + g_rand_int_range (rand, 1, 100000000);
          c->reason = MC_REASON_WRONG_DETAILS;
          c->voids = FALSE;
          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0:
              g_free (c->procedure);
              c->procedure = g_strdup (mc_procedure_names_get_code (procedures, g_rand_int_range (rand, 0, (gint32) known)));
              break;
            case 1:
              c->channel = (McChannel) g_rand_int_range (rand, 0, MC_N_CHANNELS);
              break;
            case 2:
              c->voids = TRUE;
              break;
            default:
              c->pages++;
              break;
            }
          g_ptr_array_add (events, c);
          head = c;
        }
      if (g_rand_int_range (rand, 0, 4) == 0)
        {
          McLedgerEvent *s = mc_ledger_event_new (MC_EVENT_STATUS);

          g_free (s->filing_uuid);
          s->filing_uuid = g_strdup (f->uuid);
          s->at_us = f->at_us + g_rand_int_range (rand, 1, 1000000000);
          s->local_day = f->local_day;
          s->status = (McFilingStatus) g_rand_int_range (rand, 0, MC_N_FILING_STATUSES);
          g_ptr_array_add (events, s);
        }
    }
  return events;
}

static void
append_all (McLedgerStore *store,
            GPtrArray     *events,
            guint          batch)
{
  for (guint i = 0; i < events->len; i += batch)
    {
      g_autoptr(GError) error = NULL;
      guint n = MIN (batch, events->len - i);

      mc_ledger_store_append (store, (McLedgerEvent * const *) events->pdata + i, n, NULL, &error);
      g_assert_no_error (error);
    }
}

/* Every breakdown, over the whole span and a month, for all wards and
 * for one: the two stores must give the same rows. */
static char *
report_text (McLedgerStore *store,
             McReportBy     by,
             const char    *from,
             const char    *to,
             const char    *ward)
{
  McReportSpec spec = { 0, 0, by, ward };
  g_autoptr(GError) error = NULL;
  g_autoptr(McReport) report = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_true (mc_day_parse (from, &spec.from));
  g_assert_true (mc_day_parse (to, &spec.to));
  report = mc_report_build (store, catalog, procedures, &spec, &error);
  g_assert_no_error (error);
  g_string_append_printf (out, "total %" G_GUINT64_FORMAT "\n", report->total);
  for (guint i = 0; i < report->rows->len; i++)
    {
      McReportRow *row = g_ptr_array_index (report->rows, i);

      g_string_append_printf (out, "%s %" G_GUINT64_FORMAT "\n", row->key, row->count);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
assert_same_reports (McLedgerStore *a,
                     McLedgerStore *b)
{
  static const McReportBy bys[] = {
    MC_REPORT_BY_DAY, MC_REPORT_BY_COUNTER, MC_REPORT_BY_PROCEDURE, MC_REPORT_BY_CHANNEL, MC_REPORT_BY_WARD,
  };
  static const char * const spans[][2] = { { "2020-01-01", "2030-12-31" }, { "2025-03-01", "2025-03-31" } };
  static const char * const targets[] = { NULL, "22333", "22366" };

  for (guint i = 0; i < G_N_ELEMENTS (bys); i++)
    for (guint s = 0; s < G_N_ELEMENTS (spans); s++)
      for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
        {
          g_autofree char *ta = report_text (a, bys[i], spans[s][0], spans[s][1], targets[t]);
          g_autofree char *tb = report_text (b, bys[i], spans[s][0], spans[s][1], targets[t]);

          g_assert_cmpstr (ta, ==, tb);
        }
}

/* ---- The store ---------------------------------------------------------- */

static void
test_server_init (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(McPgLedger) server = NULL;

  if (pg == NULL)
    return;

  /* Not initialised: a clear message, nothing made. */
  server = mc_pg_ledger_open (mc_test_pg_get_conninfo (pg), &error);
  g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_MISSING);
  g_assert_null (server);
  g_clear_error (&error);

  /* Twice: the second run finds the schema up to date. */
  mc_pg_ledger_server_init (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  mc_pg_ledger_server_init (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  g_assert_cmpint (mc_test_pg_query_int (pg, "SELECT max (version) FROM motcua.schema_migrations"),
                   ==, MC_PG_LEDGER_SCHEMA_VERSION);

  server = mc_pg_ledger_open (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (mc_pg_ledger_get_server_id (server)));
  mc_test_assert_ledger_clean (MC_LEDGER_STORE (server));
}

/* Counters and supervisors are updated one PC at a time, and the server
 * by server-init at some point between: a program opens a server one
 * version older when nothing it uses changed, and a newer one unless that
 * one says programs of this version can no longer use it. */
static void
test_schema_versions (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(McPgLedger) server = NULL;
  g_autofree char *newer = NULL;
  g_autofree char *needs_newer = NULL;

  if (pg == NULL)
    return;
  mc_pg_ledger_server_init (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);

  /* A server still at the first version (before rebuild_derived ()). */
  mc_test_pg_exec (pg, "DROP FUNCTION motcua.rebuild_derived ()");
  mc_test_pg_exec (pg, "DELETE FROM motcua.schema_migrations WHERE version > 1");
  server = mc_pg_ledger_open (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  g_clear_object (&server);
  /* server-init brings it up to date again. */
  mc_pg_ledger_server_init (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  g_assert_cmpint (mc_test_pg_query_int (pg, "SELECT max (version) FROM motcua.schema_migrations"),
                   ==, MC_PG_LEDGER_SCHEMA_VERSION);

  /* One version newer, usable by this program. */
  newer = g_strdup_printf ("INSERT INTO motcua.schema_migrations (version, needs) VALUES (%d, %d)",
                           MC_PG_LEDGER_SCHEMA_VERSION + 1, MC_PG_LEDGER_SCHEMA_OLDEST);
  mc_test_pg_exec (pg, newer);
  server = mc_pg_ledger_open (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  g_clear_object (&server);

  /* One that needs a newer program: refused, in plain words. */
  needs_newer = g_strdup_printf ("UPDATE motcua.schema_migrations SET needs = %d WHERE version = %d",
                                 MC_PG_LEDGER_SCHEMA_VERSION + 1, MC_PG_LEDGER_SCHEMA_VERSION + 1);
  mc_test_pg_exec (pg, needs_newer);
  server = mc_pg_ledger_open (mc_test_pg_get_conninfo (pg), &error);
  g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_TOO_NEW);
  g_assert_null (server);
}

/* What a session of @user shows for @setting. */
static char *
show_as (McTestPg   *pg,
         const char *user,
         const char *setting)
{
  g_autofree char *info = mc_test_pg_conninfo_for (pg, user);
  g_autofree char *sql = g_strdup_printf ("SHOW %s", setting);
  PGconn *conn = PQconnectdb (info);
  PGresult *res;
  char *value;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  res = PQexec (conn, sql);
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  value = g_strdup (PQgetvalue (res, 0, 0));
  PQclear (res);
  PQfinish (conn);
  return value;
}

/* A counter that vanishes in the middle of a push (power cut, network
 * gone) must not keep its transaction, and the ward's lock with it, until
 * the server's TCP gives up after hours: server-init gives the logins of
 * both roles a bound on idling inside a transaction, and counters one on
 * a statement. Role settings are not inherited through membership, so
 * they go on each login (made before this run of server-init) and on the
 * roles; the administrator's own account is left alone. */
static void
test_server_init_timeouts (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(GError) error = NULL;

  if (pg == NULL)
    return;
  mc_pg_ledger_server_init (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  mc_test_pg_exec (pg, "CREATE ROLE quay1 LOGIN IN ROLE motcua_counter;"
                   "CREATE ROLE nhom_quay NOLOGIN IN ROLE motcua_counter;"
                   "CREATE ROLE quay2 LOGIN IN ROLE nhom_quay;"
                   "CREATE ROLE giamsat LOGIN IN ROLE motcua_reader;"
                   "CREATE ROLE khac LOGIN");
  /* Again, as the administrator does after adding logins. */
  mc_pg_ledger_server_init (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);

  g_assert_cmpint (mc_test_pg_query_int (pg, "SELECT count(*) FROM pg_db_role_setting s"
                                         " JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = 'motcua_counter'"
                                         " AND 'idle_in_transaction_session_timeout=1min' = ANY (s.setconfig)"), ==, 1);
  for (guint i = 0; i < 2; i++)
    {
      const char *login = i ? "quay2" : "quay1";
      g_autofree char *idle = show_as (pg, login, "idle_in_transaction_session_timeout");
      g_autofree char *statement = show_as (pg, login, "statement_timeout");

      g_assert_cmpstr (idle, ==, "1min");
      g_assert_cmpstr (statement, ==, "10min");
    }
  {
    g_autofree char *idle = show_as (pg, "giamsat", "idle_in_transaction_session_timeout");
    g_autofree char *statement = show_as (pg, "giamsat", "statement_timeout");
    g_autofree char *other = show_as (pg, "khac", "idle_in_transaction_session_timeout");
    g_autofree char *admin = show_as (pg, "postgres", "idle_in_transaction_session_timeout");

    /* A city-wide report may take long; an idle read is cut all the same. */
    g_assert_cmpstr (idle, ==, "1min");
    g_assert_cmpstr (statement, ==, "0");
    g_assert_cmpstr (other, ==, "0");
    g_assert_cmpstr (admin, ==, "0");
  }
}

/* The same history in both stores, in batches of different sizes: the
 * same reports, filings and checks. The SQLite store's own tests hold
 * it to a brute-force count; here the server is held to it. */
static void
test_same_as_sqlite (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(McSqliteLedger) local = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fa = NULL, fb = NULL;
  guint32 seed = g_test_rand_int ();
  McLedgerFilingQuery fq = { MC_DAY_OPEN, MC_DAY_OPEN, NULL, 0, TRUE, 0 };

  if (pg == NULL)
    return;
  g_test_message ("seed %u", seed);
  rand = g_rand_new_with_seed (seed);
  server = open_server (pg);
  local = new_sqlite ("same.sqlite");
  events = make_history (rand, "Quầy 1", 600);

  append_all (MC_LEDGER_STORE (local), events, 37);
  append_all (MC_LEDGER_STORE (server), events, 101);
  assert_same_reports (MC_LEDGER_STORE (local), MC_LEDGER_STORE (server));
  mc_test_assert_ledger_clean (MC_LEDGER_STORE (server));

  fa = mc_ledger_store_list_filings (MC_LEDGER_STORE (local), &fq, &error);
  g_assert_no_error (error);
  fb = mc_ledger_store_list_filings (MC_LEDGER_STORE (server), &fq, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fa->len, ==, fb->len);
  for (guint i = 0; i < fa->len; i++)
    {
      McLedgerFiling *a = g_ptr_array_index (fa, i), *b = g_ptr_array_index (fb, i);

      g_assert_cmpstr (a->uuid, ==, b->uuid);
      g_assert_cmpstr (a->head_uuid, ==, b->head_uuid);
      g_assert_cmpint (a->local_day, ==, b->local_day);
      g_assert_cmpstr (a->procedure, ==, b->procedure);
      g_assert_cmpint (a->channel, ==, b->channel);
      g_assert_cmpint (a->status, ==, b->status);
      g_assert_cmpint (a->voided, ==, b->voided);
      g_assert_cmpuint (a->n_corrections, ==, b->n_corrections);
      g_assert_cmpint (a->pages, ==, b->pages);
    }

  /* Every event reads back equal to what was sent. */
  for (guint i = 0; i < events->len; i += 7)
    {
      const McLedgerEvent *e = g_ptr_array_index (events, i);
      g_autoptr(McLedgerEvent) back = mc_ledger_store_lookup_event (MC_LEDGER_STORE (server), e->uuid, &error);

      g_assert_no_error (error);
      g_assert_true (mc_ledger_event_equal (e, back));
    }
}

/* @events in a random order in which each still comes after what it
 * points at: corrections of one filing arrive in any order. */
static GPtrArray *
shuffled (GRand     *rand,
          GPtrArray *events)
{
  g_autoptr(GPtrArray) left = g_ptr_array_copy (events, NULL, NULL);
  g_autoptr(GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *out = g_ptr_array_new ();

  /* The copy frees what it holds, as @events does: it holds nothing. */
  g_ptr_array_set_free_func (left, NULL);
  for (guint i = left->len; i > 1; i--)
    {
      guint j = (guint) g_rand_int_range (rand, 0, (gint32) i);
      gpointer t = left->pdata[i - 1];

      left->pdata[i - 1] = left->pdata[j];
      left->pdata[j] = t;
    }
  while (left->len > 0)
    for (guint i = 0; i < left->len;)
      {
        McLedgerEvent *e = g_ptr_array_index (left, i);

        if (e->kind == MC_EVENT_FILING
            || (g_hash_table_contains (done, e->filing_uuid)
                && (e->corrects_uuid == NULL || g_hash_table_contains (done, e->corrects_uuid))))
          {
            g_hash_table_add (done, e->uuid);
            g_ptr_array_add (out, e);
            g_ptr_array_remove_index (left, i);
          }
        else
          i++;
      }
  return out;
}

/* The set-wise build of the projection and the per-day counts
 * (rebuild_derived (), what a bulk load uses) gives, row by row, what the
 * triggers built one event at a time, also for corrections that arrive
 * out of order, voids, restorations, status changes and the counts left
 * at 0. */
static void
test_rebuild_derived (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(GRand) rand = NULL;
  guint32 seed = g_test_rand_int ();
  static const char * const tables[] = { "filings", "day_counter", "day_procedure_channel" };

  if (pg == NULL)
    return;
  g_test_message ("seed %u", seed);
  rand = g_rand_new_with_seed (seed);
  server = open_server (pg);
  for (guint c = 0; c < 3; c++)
    {
      g_autofree char *counter = g_strdup_printf ("Quầy %u", c + 1);
      g_autoptr(GPtrArray) events = make_history (rand, counter, 300);
      g_autoptr(GPtrArray) order = shuffled (rand, events);

      append_all (MC_LEDGER_STORE (server), order, 97);
    }
  /* What the history holds, so that the comparison means something. */
  g_assert_cmpint (mc_test_pg_query_int (pg, "SELECT count (*) FROM motcua.filings WHERE voided"), >, 0);
  g_assert_cmpint (mc_test_pg_query_int (pg, "SELECT count (*) FROM motcua.filings WHERE status_seq <> seq"), >, 0);
  g_assert_cmpint (mc_test_pg_query_int (pg, "SELECT count (*) FROM motcua.filings WHERE head_seq <>"
                                         " (SELECT max (e.seq) FROM motcua.events e, motcua.events f"
                                         "  WHERE f.seq = filings.seq AND e.filing_uuid = f.uuid AND e.kind <> 'status')"),
                   >, 0);
  g_assert_cmpint (mc_test_pg_query_int (pg, "SELECT count (*) FROM motcua.day_counter WHERE n = 0"), >, 0);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("CREATE TABLE public.by_triggers_%s AS SELECT * FROM motcua.%s",
                                              tables[i], tables[i]);

      mc_test_pg_exec (pg, sql);
    }
  mc_test_pg_exec (pg, "SELECT motcua.rebuild_derived ()");
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *count = g_strdup_printf ("SELECT count (*) FROM motcua.%s", tables[i]);
      g_autofree char *diff = g_strdup_printf ("SELECT count (*) FROM ((SELECT * FROM motcua.%s"
                                               " EXCEPT ALL SELECT * FROM public.by_triggers_%s)"
                                               " UNION ALL (SELECT * FROM public.by_triggers_%s"
                                               " EXCEPT ALL SELECT * FROM motcua.%s)) d",
                                               tables[i], tables[i], tables[i], tables[i]);

      g_test_message ("%s: %" G_GINT64_FORMAT " rows", tables[i], mc_test_pg_query_int (pg, count));
      g_assert_cmpint (mc_test_pg_query_int (pg, count), >, 0);
      g_assert_cmpint (mc_test_pg_query_int (pg, diff), ==, 0);
    }
  mc_test_assert_ledger_clean (MC_LEDGER_STORE (server));

  /* The triggers go on from the rebuilt rows: a correction pushed now
   * moves its filing as it would have. */
  {
    g_autoptr(GPtrArray) events = make_history (rand, "Quầy 9", 40);

    append_all (MC_LEDGER_STORE (server), events, 13);
    mc_test_assert_ledger_clean (MC_LEDGER_STORE (server));
  }
}

static void
test_append_rules (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(McLedgerEvent) f = NULL;
  g_autoptr(McLedgerEvent) other = NULL;
  g_autoptr(McLedgerEvent) orphan = NULL;
  g_autoptr(GError) error = NULL;
  McLedgerAppendResult result = { 0, 0 };
  g_autofree char *counter_info = NULL;
  g_autoptr(McPgLedger) as_counter = NULL;
  PGconn *conn;
  PGresult *res;

  if (pg == NULL)
    return;
  server = open_server (pg);

  f = mc_ledger_event_new (MC_EVENT_FILING);
  f->ward_code = g_strdup ("22333");
  f->counter = g_strdup ("Quầy 1");
  f->clerk = g_strdup ("can-bo-a");
  f->procedure = g_strdup ("1.001193");
  f->channel = MC_CHANNEL_NATIONAL;
  mc_ledger_store_append (MC_LEDGER_STORE (server), &f, 1, &result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_added, ==, 1);

  /* Again: present, not added. */
  mc_ledger_store_append (MC_LEDGER_STORE (server), &f, 1, &result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_added, ==, 0);
  g_assert_cmpuint (result.n_present, ==, 1);

  /* The same UUID with other contents: refused, as the SQLite store does. */
  other = mc_ledger_event_copy (f);
  other->pages = 9;
  g_assert_false (mc_ledger_store_append (MC_LEDGER_STORE (server), &other, 1, &result, &error));
  g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CONFLICT);
  g_clear_error (&error);

  /* A status change about a filing the server never saw. */
  orphan = mc_ledger_event_new (MC_EVENT_STATUS);
  g_free (orphan->filing_uuid);
  orphan->filing_uuid = g_uuid_string_random ();
  g_assert_false (mc_ledger_store_append (MC_LEDGER_STORE (server), &orphan, 1, &result, &error));
  g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The server itself refuses changes, even from its owner. */
  conn = PQconnectdb (mc_test_pg_get_conninfo (pg));
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  res = PQexec (conn, "UPDATE motcua.events SET pages = 7");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_FATAL_ERROR);
  g_assert_nonnull (strstr (PQresultErrorMessage (res), "append-only"));
  PQclear (res);
  res = PQexec (conn, "DELETE FROM motcua.events");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_FATAL_ERROR);
  PQclear (res);
  res = PQexec (conn, "TRUNCATE motcua.events CASCADE");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_FATAL_ERROR);
  PQclear (res);
  PQfinish (conn);
  g_assert_cmpint (mc_test_pg_query_int (pg, "SELECT count(*) FROM motcua.events"), ==, 1);

  /* A counter's role adds and reads events, and nothing else. */
  mc_test_pg_exec (pg, "CREATE ROLE quay1 LOGIN IN ROLE motcua_counter");
  counter_info = mc_test_pg_conninfo_for (pg, "quay1");
  as_counter = mc_pg_ledger_open (counter_info, &error);
  g_assert_no_error (error);
  {
    g_autoptr(McLedgerEvent) g = mc_ledger_event_copy (f);

    g_free (g->uuid);
    g->uuid = g_uuid_string_random ();
    g_free (g->filing_uuid);
    g->filing_uuid = g_strdup (g->uuid);
    mc_ledger_store_append (MC_LEDGER_STORE (as_counter), &g, 1, &result, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result.n_added, ==, 1);
  }
  conn = PQconnectdb (counter_info);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  res = PQexec (conn, "UPDATE motcua.day_counter SET n = n + 5");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_FATAL_ERROR);
  g_assert_cmpstr (PQresultErrorField (res, PG_DIAG_SQLSTATE), ==, "42501");
  PQclear (res);
  res = PQexec (conn, "INSERT INTO motcua.filings SELECT * FROM motcua.filings");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_FATAL_ERROR);
  PQclear (res);
  PQfinish (conn);
  mc_test_assert_ledger_clean (MC_LEDGER_STORE (server));

  /* A supervisor's PC reads and checks, and cannot add. */
  mc_test_pg_exec (pg, "CREATE ROLE giamsat LOGIN IN ROLE motcua_reader");
  {
    g_autofree char *reader_info = mc_test_pg_conninfo_for (pg, "giamsat");
    g_autoptr(McPgLedger) as_reader = mc_pg_ledger_open (reader_info, &error);
    g_autoptr(McLedgerEvent) h = mc_ledger_event_copy (f);
    g_autofree char *text = NULL;

    g_assert_no_error (error);
    text = report_text (MC_LEDGER_STORE (as_reader), MC_REPORT_BY_COUNTER, "2020-01-01", "2040-12-31", NULL);
    g_assert_true (g_str_has_prefix (text, "total 2\n"));
    mc_test_assert_ledger_clean (MC_LEDGER_STORE (as_reader));
    g_free (h->uuid);
    h->uuid = g_uuid_string_random ();
    g_free (h->filing_uuid);
    h->filing_uuid = g_strdup (h->uuid);
    g_assert_false (mc_ledger_store_append (MC_LEDGER_STORE (as_reader), &h, 1, &result, &error));
    g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_READ_ONLY);
    g_clear_error (&error);
  }
}


/* ---- Replication ------------------------------------------------------- */

/* A counter's ledger with a history of @n_filings. */
static McSqliteLedger *
counter_with_history (const char *name,
                      const char *counter,
                      GRand      *rand,
                      guint       n_filings,
                      GPtrArray **out_events)
{
  McSqliteLedger *local = new_sqlite (name);
  g_autoptr(GPtrArray) events = make_history (rand, counter, n_filings);

  append_all (MC_LEDGER_STORE (local), events, 50);
  if (out_events != NULL)
    *out_events = g_steal_pointer (&events);
  return local;
}

static guint64
n_events (McLedgerStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(McLedgerCheck) check = mc_ledger_store_check (store, &error);

  g_assert_no_error (error);
  return check->n_events;
}

static void
push_ok (McLedgerSync       *sync,
         McLedgerSyncResult *result)
{
  g_autoptr(GError) error = NULL;

  mc_ledger_sync_push (sync, NULL, result, &error);
  g_assert_no_error (error);
}

/* The server down when the push starts: a clear message, nothing lost;
 * once it is back, one push sends everything. */
static void
test_sync_server_down (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(McSqliteLedger) local = NULL;
  g_autoptr(McLedgerSync) sync = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);
  g_autoptr(GError) error = NULL;
  McLedgerSyncResult result;
  guint64 total;

  if (pg == NULL)
    return;
  server = open_server (pg);
  local = counter_with_history ("down.sqlite", "Quầy 1", rand, 120, NULL);
  total = n_events (MC_LEDGER_STORE (local));
  sync = mc_ledger_sync_new (local, mc_test_pg_get_conninfo (pg));
  mc_ledger_sync_set_batch_size (sync, 40);

  mc_test_pg_stop (pg);
  g_assert_false (mc_ledger_sync_push (sync, NULL, &result, &error));
  g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_OFFLINE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "Nothing is lost"));
  g_assert_cmpuint (result.n_sent, ==, 0);
  g_assert_cmpuint (result.n_waiting, ==, total);
  g_clear_error (&error);

  mc_test_pg_start (pg);
  push_ok (sync, &result);
  g_assert_cmpuint (result.n_sent, ==, total);
  g_assert_cmpuint (result.n_added, ==, total);
  g_assert_cmpuint (result.n_waiting, ==, 0);
  g_assert_cmpuint (result.n_batches, ==, (total + 39) / 40);
  assert_same_reports (MC_LEDGER_STORE (local), MC_LEDGER_STORE (server));

  /* Nothing new: nothing sent. */
  push_ok (sync, &result);
  g_assert_cmpuint (result.n_sent, ==, 0);
}

typedef struct {
  gboolean done;
  gboolean ok;
  McLedgerSyncResult result;
  GError *error;
} PushWait;

static void
on_push_done (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  PushWait *w = user_data;

  w->ok = mc_ledger_sync_push_finish (MC_LEDGER_SYNC (object), res, &w->result, &w->error);
  w->done = TRUE;
}

/* kill -9 of the server while a push is under way, then a restart: the
 * next push completes it; the server holds each event once, and its
 * counts are the counter's. */
static void
test_sync_server_killed (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(McSqliteLedger) local = NULL;
  g_autoptr(McLedgerSync) sync = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (1616);
  McLedgerSyncResult result;
  PushWait w = { 0 };
  gint64 deadline = g_get_monotonic_time () + (gint64) mc_test_guard_seconds (60) * G_USEC_PER_SEC;
  guint64 total, on_server = 0;

  if (pg == NULL)
    return;
  server = open_server (pg);
  local = counter_with_history ("killed.sqlite", "Quầy 1", rand, 2500, NULL);
  total = n_events (MC_LEDGER_STORE (local));
  sync = mc_ledger_sync_new (local, mc_test_pg_get_conninfo (pg));
  mc_ledger_sync_set_batch_size (sync, 300);

  mc_ledger_sync_push_async (sync, NULL, on_push_done, &w);
  /* Wait for the first batch to be committed: the next one is then on
   * its way. */
  while (!w.done && (on_server = (guint64) mc_test_pg_query_int (pg, "SELECT count(*) FROM motcua.events")) == 0)
    {
      g_main_context_iteration (NULL, FALSE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  mc_test_pg_kill (pg);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("killed with %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " events on the server: %s",
                  on_server, total, w.error ? w.error->message : "(the push had finished)");
  g_assert_false (w.ok);
  g_assert_error (w.error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_OFFLINE);
  g_assert_cmpuint (w.result.n_waiting, >, 0);
  g_clear_error (&w.error);

  mc_test_pg_start (pg);
  push_ok (sync, &result);
  g_assert_cmpuint (result.n_waiting, ==, 0);
  g_assert_cmpuint (mc_test_pg_query_int (pg, "SELECT count(*) FROM motcua.events"), ==, total);
  g_assert_cmpuint (mc_test_pg_query_int (pg, "SELECT count(DISTINCT uuid) FROM motcua.events"), ==, total);
  assert_same_reports (MC_LEDGER_STORE (local), MC_LEDGER_STORE (server));
  mc_test_assert_ledger_clean (MC_LEDGER_STORE (server));
}

typedef struct {
  McLedgerSync *sync;
  GError *error;
} PushThread;

static gpointer
push_in_thread (gpointer data)
{
  PushThread *t = data;

  mc_ledger_sync_push (t->sync, NULL, NULL, &t->error);
  return NULL;
}

/* Two counters of the same ward push at once, in small batches, onto the
 * same days, procedures and portals: the server's counts are the sum. A
 * counter that replays its whole history (a new ledger file holding the
 * same events, as after restoring a copy) adds nothing. */
static void
test_sync_two_counters (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(McSqliteLedger) a = NULL, b = NULL, both = NULL, replay = NULL;
  g_autoptr(McLedgerSync) sa = NULL, sb = NULL, sr = NULL;
  g_autoptr(GPtrArray) ea = NULL, eb = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (2);
  PushThread ta = { 0 }, tb = { 0 };
  GThread *threads[2];
  McLedgerSyncResult result;

  if (pg == NULL)
    return;
  server = open_server (pg);
  a = counter_with_history ("a.sqlite", "Quầy 1", rand, 800, &ea);
  b = counter_with_history ("b.sqlite", "Quầy 2", rand, 800, &eb);
  both = new_sqlite ("both.sqlite");
  append_all (MC_LEDGER_STORE (both), ea, 500);
  append_all (MC_LEDGER_STORE (both), eb, 500);

  sa = mc_ledger_sync_new (a, mc_test_pg_get_conninfo (pg));
  sb = mc_ledger_sync_new (b, mc_test_pg_get_conninfo (pg));
  mc_ledger_sync_set_batch_size (sa, 25);
  mc_ledger_sync_set_batch_size (sb, 25);
  ta.sync = sa;
  tb.sync = sb;
  threads[0] = g_thread_new ("counter-a", push_in_thread, &ta);
  threads[1] = g_thread_new ("counter-b", push_in_thread, &tb);
  g_thread_join (threads[0]);
  g_thread_join (threads[1]);
  g_assert_no_error (ta.error);
  g_assert_no_error (tb.error);

  g_assert_cmpuint (n_events (MC_LEDGER_STORE (server)), ==, ea->len + eb->len);
  assert_same_reports (MC_LEDGER_STORE (both), MC_LEDGER_STORE (server));
  mc_test_assert_ledger_clean (MC_LEDGER_STORE (server));

  replay = new_sqlite ("replay.sqlite");
  append_all (MC_LEDGER_STORE (replay), ea, 500);
  sr = mc_ledger_sync_new (replay, mc_test_pg_get_conninfo (pg));
  push_ok (sr, &result);
  g_assert_cmpuint (result.n_sent, ==, ea->len);
  g_assert_cmpuint (result.n_added, ==, 0);
  g_assert_cmpuint (result.n_present, ==, ea->len);
  g_assert_cmpuint (n_events (MC_LEDGER_STORE (server)), ==, ea->len + eb->len);
  assert_same_reports (MC_LEDGER_STORE (both), MC_LEDGER_STORE (server));
}

/* A counter whose clock is hours off: its filings carry the counter's
 * local day, and the server counts them on that day, not on the day the
 * timestamp falls on. */
static void
test_sync_clock_off (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(McSqliteLedger) local = NULL;
  g_autoptr(McLedgerSync) sync = NULL;
  g_autoptr(McLedgerEvent) f = mc_ledger_event_new (MC_EVENT_FILING);
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  g_autofree char *by_day = NULL, *expected = NULL;
  McDay d;

  if (pg == NULL)
    return;
  server = open_server (pg);
  local = new_sqlite ("clock.sqlite");
  g_assert_true (mc_day_parse ("2025-03-14", &d));
  f->ward_code = g_strdup ("22333");
  f->counter = g_strdup ("Quầy 3");
  f->clerk = g_strdup ("can-bo-a");
  f->procedure = g_strdup ("1.001193");
  f->channel = MC_CHANNEL_NATIONAL;
  f->local_day = d;
  /* Twenty hours ahead: the timestamp falls on the next day everywhere. */
  f->at_us = mc_test_noon_of (d) + 20 * G_TIME_SPAN_HOUR;
  g_ptr_array_add (one, f);
  append_all (MC_LEDGER_STORE (local), one, 1);

  sync = mc_ledger_sync_new (local, mc_test_pg_get_conninfo (pg));
  push_ok (sync, NULL);
  by_day = report_text (MC_LEDGER_STORE (server), MC_REPORT_BY_DAY, "2025-03-01", "2025-03-31", NULL);
  expected = report_text (MC_LEDGER_STORE (local), MC_REPORT_BY_DAY, "2025-03-01", "2025-03-31", NULL);
  g_assert_true (g_str_has_prefix (by_day, "total 1\n"));
  g_assert_nonnull (strstr (by_day, "\n2025-03-14 1\n"));
  g_assert_nonnull (strstr (by_day, "\n2025-03-15 0\n"));
  g_assert_cmpstr (by_day, ==, expected);
}

/* ---- A stalled connection ------------------------------------------------ */

/* A TCP proxy to the server's Unix socket that, once stalled, accepts and
 * keeps every connection open but forwards nothing more: a server or a
 * middlebox that hangs. The kernel still acknowledges what is sent, so
 * only the program's own watchdog can tell. */
typedef struct {
  GSocketListener *listener;
  char            *socket_path;
  guint16          port;
  GThread         *thread;
} Proxy;

/* Global: a pipe may outlive its proxy by one poll. */
static gint proxy_stalled;
static gint proxy_quit;

typedef struct {
  int a, b;
} Pipe;

static gpointer
pipe_thread (gpointer data)
{
  Pipe *p = data;
  char buf[16384];

  while (!g_atomic_int_get (&proxy_quit))
    {
      struct pollfd fds[2] = { { p->a, POLLIN, 0 }, { p->b, POLLIN, 0 } };

      /* The timeout only lets a stalled pipe notice the test's end. */
      if (poll (fds, 2, 100) <= 0 || g_atomic_int_get (&proxy_stalled))
        continue;
      for (int i = 0; i < 2; i++)
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
          {
            ssize_t n = read (i ? p->b : p->a, buf, sizeof buf);

            if (n <= 0 || write (i ? p->a : p->b, buf, (size_t) n) != n)
              goto out;
          }
    }
out:
  close (p->a);
  close (p->b);
  g_free (p);
  return NULL;
}

static gpointer
proxy_thread (gpointer data)
{
  Proxy *proxy = data;

  for (;;)
    {
      g_autoptr(GSocket) client = g_socket_listener_accept_socket (proxy->listener, NULL, NULL, NULL);
      struct sockaddr_un addr = { .sun_family = AF_UNIX };
      Pipe *p;
      int up;

      if (client == NULL || g_atomic_int_get (&proxy_quit))
        return NULL;
      up = socket (AF_UNIX, SOCK_STREAM, 0);
      g_strlcpy (addr.sun_path, proxy->socket_path, sizeof addr.sun_path);
      g_assert_cmpint (connect (up, (struct sockaddr *) &addr, sizeof addr), ==, 0);
      p = g_new0 (Pipe, 1);
      p->a = dup (g_socket_get_fd (client));
      p->b = up;
      g_thread_unref (g_thread_new ("proxy pipe", pipe_thread, p));
    }
}

static Proxy *
proxy_new (McTestPg *pg)
{
  Proxy *proxy = g_new0 (Proxy, 1);
  g_autoptr(GError) error = NULL;

  proxy->socket_path = g_strdup_printf ("%s/.s.PGSQL.%d", mc_test_pg_get_dir (pg),
                                        atoi (strstr (mc_test_pg_get_conninfo (pg), "port=") + 5));
  proxy->listener = g_socket_listener_new ();
  proxy->port = g_socket_listener_add_any_inet_port (proxy->listener, NULL, &error);
  g_assert_no_error (error);
  g_atomic_int_set (&proxy_stalled, FALSE);
  g_atomic_int_set (&proxy_quit, FALSE);
  proxy->thread = g_thread_new ("proxy", proxy_thread, proxy);
  return proxy;
}

static void
proxy_free (Proxy *proxy)
{
  g_autoptr(GSocketClient) c = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;

  /* A connection wakes the accept, which then sees the end; closing the
   * listener first would leave it blocked. */
  g_atomic_int_set (&proxy_quit, TRUE);
  g_socket_client_set_enable_proxy (c, FALSE);
  conn = g_socket_client_connect_to_host (c, "127.0.0.1", proxy->port, NULL, NULL);
  g_thread_join (proxy->thread);
  g_socket_listener_close (proxy->listener);
  g_object_unref (proxy->listener);
  g_free (proxy->socket_path);
  g_free (proxy);
}

/* A server that stops answering in the middle: the push gives up after
 * the stall timeout with a plain message, nothing is lost, and the next
 * push, once the way is clear, sends everything once. */
static void
test_sync_stalled (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(McSqliteLedger) local = NULL;
  g_autoptr(McLedgerSync) sync = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(GPtrArray) more = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = NULL;
  McLedgerSyncResult result = { 0 };
  Proxy *proxy;
  gint64 start;

  if (pg == NULL)
    return;
  server = open_server (pg);
  local = counter_with_history ("stalled.sqlite", "Quầy 1", rand, 60, NULL);
  proxy = proxy_new (pg);
  conninfo = g_strdup_printf ("host=127.0.0.1 port=%u dbname=motcua user=postgres sslmode=disable", proxy->port);

  sync = mc_ledger_sync_new (local, conninfo);
  mc_ledger_sync_set_stall_timeout (sync, 2000);
  g_assert_true (mc_ledger_sync_push (sync, NULL, &result, &error));
  g_assert_no_error (error);

  g_atomic_int_set (&proxy_stalled, TRUE);
  more = make_history (rand, "Quầy 1", 20);
  append_all (MC_LEDGER_STORE (local), more, 7);
  start = g_get_monotonic_time ();
  result = (McLedgerSyncResult) { 0 };
  g_assert_false (mc_ledger_sync_push (sync, NULL, &result, &error));
  g_test_message ("stalled: %s (after %.1f s)", error->message, (g_get_monotonic_time () - start) / 1e6);
  g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_OFFLINE);
  g_assert_nonnull (strstr (error->message, "stopped answering"));
  /* The watchdog, not TCP's own timeouts (a minute and more). */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
  g_clear_error (&error);

  g_atomic_int_set (&proxy_stalled, FALSE);
  result = (McLedgerSyncResult) { 0 };
  g_assert_true (mc_ledger_sync_push (sync, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_waiting, ==, 0);
  g_assert_cmpuint (n_events (MC_LEDGER_STORE (server)), ==, n_events (MC_LEDGER_STORE (local)));
  assert_same_reports (MC_LEDGER_STORE (local), MC_LEDGER_STORE (server));
  g_clear_object (&sync);
  proxy_free (proxy);
}

/* A server whose certificate names another host: refused before anything
 * is sent, with a message that says so; the same server under the name
 * its certificate gives is accepted. */
static void
test_certificate_mismatch (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(McSqliteLedger) local = NULL;
  g_autoptr(McLedgerSync) sync = NULL;
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (13);
  g_autoptr(GError) error = NULL;
  g_autofree char *ca = NULL;
  g_autofree char *wrong = NULL;
  McLedgerSyncResult result = { 0 };

  if (pg == NULL)
    return;
  mc_pg_ledger_server_init (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  /* 127.0.0.1 is "localhost"; the certificate says another name. */
  ca = mc_test_pg_enable_tls (pg, "ledger.other-ward.example");
  wrong = g_strdup_printf ("host=localhost port=%d dbname=motcua user=postgres sslmode=verify-full sslrootcert=%s",
                           mc_test_pg_get_port (pg),
                           ca);
  local = counter_with_history ("mismatch.sqlite", "Quầy 1", rand, 10, NULL);
  sync = mc_ledger_sync_new (local, wrong);
  g_assert_false (mc_ledger_sync_push (sync, NULL, &result, &error));
  g_test_message ("mismatch: %s", error->message);
  g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "could not prove it is the ward’s server"));
  g_assert_nonnull (strstr (error->message, "ledger.other-ward.example"));
  g_assert_cmpuint (result.n_sent, ==, 0);
  g_clear_error (&error);

  /* Over TLS, checked: the server really is reachable that way. */
  {
    g_autofree char *right = g_strdup_printf ("hostaddr=127.0.0.1 host=ledger.other-ward.example port=%d dbname=motcua"
                                              " user=postgres sslmode=verify-full sslrootcert=%s",
                                              mc_test_pg_get_port (pg), ca);

    server = mc_pg_ledger_open (right, &error);
    g_assert_no_error (error);
    g_assert_nonnull (server);
  }
  g_assert_cmpint (mc_test_pg_query_int (pg, "SELECT count(*) FROM motcua.events"), ==, 0);
}

/* A server whose certificate has the right name but was signed by
 * another authority than the counter's CA file (a server put in the
 * ward's server's place, or an old CA file): refused before anything is
 * sent, with a message that points at the CA file. The name case is
 * /ledger-pg/sync/certificate-mismatch. */
static void
test_certificate_other_ca (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(McSqliteLedger) local = NULL;
  g_autoptr(McLedgerSync) sync = NULL;
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (14);
  g_autoptr(GError) error = NULL;
  g_autofree char *ca = NULL, *old_ca = NULL, *old_ca_text = NULL;
  g_autofree char *wrong = NULL, *right = NULL;
  McLedgerSyncResult result = { 0 };

  if (pg == NULL)
    return;
  mc_pg_ledger_server_init (mc_test_pg_get_conninfo (pg), &error);
  g_assert_no_error (error);
  /* The first authority's certificate, kept; then a new authority signs
   * the server's certificate for the same name. */
  ca = mc_test_pg_enable_tls (pg, "ledger.phuong.example");
  g_assert_true (g_file_get_contents (ca, &old_ca_text, NULL, NULL));
  old_ca = g_build_filename (tmpdir, "old-ca.pem", NULL);
  mc_test_write_file (old_ca, old_ca_text);
  g_free (ca);
  ca = mc_test_pg_enable_tls (pg, "ledger.phuong.example");

  wrong = g_strdup_printf ("hostaddr=127.0.0.1 host=ledger.phuong.example port=%d dbname=motcua user=postgres"
                           " sslmode=verify-full sslrootcert=%s", mc_test_pg_get_port (pg), old_ca);
  local = counter_with_history ("other-ca.sqlite", "Quầy 1", rand, 10, NULL);
  sync = mc_ledger_sync_new (local, wrong);
  g_assert_false (mc_ledger_sync_push (sync, NULL, &result, &error));
  g_test_message ("other CA: %s", error->message);
  g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "certificate authority (the CA file in the settings) did not sign"));
  g_assert_nonnull (strstr (error->message, "Nothing was sent"));
  g_assert_cmpuint (result.n_sent, ==, 0);
  g_clear_error (&error);
  g_assert_cmpint (mc_test_pg_query_int (pg, "SELECT count(*) FROM motcua.events"), ==, 0);

  /* The CA that did sign it: accepted. */
  right = g_strdup_printf ("hostaddr=127.0.0.1 host=ledger.phuong.example port=%d dbname=motcua user=postgres"
                           " sslmode=verify-full sslrootcert=%s", mc_test_pg_get_port (pg), ca);
  server = mc_pg_ledger_open (right, &error);
  g_assert_no_error (error);
  g_assert_nonnull (server);
}

/* Passwords come from libpq's password file; a wrong one, or none, is
 * said plainly, and nothing is lost. */
static void
test_sync_wrong_password (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(McSqliteLedger) local = NULL;
  g_autoptr(McLedgerSync) sync = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (28);
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = NULL, *passfile = NULL, *line = NULL;
  McLedgerSyncResult result;

  if (pg == NULL)
    return;
  server = open_server (pg);
  mc_test_pg_exec (pg, "CREATE ROLE quay2 LOGIN PASSWORD 'mat-khau-dung' IN ROLE motcua_counter");
  mc_test_pg_require_passwords (pg);
  local = counter_with_history ("password.sqlite", "Quầy 2", rand, 30, NULL);
  conninfo = mc_test_pg_conninfo_for (pg, "quay2");
  passfile = mc_test_ledger_path (tmpdir, "pgpass");
  g_setenv ("PGPASSFILE", passfile, TRUE);

  /* No password anywhere. */
  sync = mc_ledger_sync_new (local, conninfo);
  g_assert_false (mc_ledger_sync_push (sync, NULL, &result, &error));
  g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_AUTH);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "needs a password"));
  g_clear_error (&error);

  /* A wrong one. */
  line = g_strdup_printf ("%s:%d:motcua:quay2:mat-khau-sai\n", mc_test_pg_get_dir (pg), mc_test_pg_get_port (pg));
  mc_test_write_file (passfile, line);
  g_assert_cmpint (g_chmod (passfile, 0600), ==, 0);
  g_assert_false (mc_ledger_sync_push (sync, NULL, &result, &error));
  g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_AUTH);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "refused this counter’s account or password"));
  g_assert_cmpuint (result.n_waiting, ==, n_events (MC_LEDGER_STORE (local)));
  g_clear_error (&error);

  /* The right one. */
  g_free (line);
  line = g_strdup_printf ("%s:%d:motcua:quay2:mat-khau-dung\n", mc_test_pg_get_dir (pg), mc_test_pg_get_port (pg));
  mc_test_write_file (passfile, line);
  /* libpq ignores a password file others can read. */
  g_assert_cmpint (g_chmod (passfile, 0600), ==, 0);
  push_ok (sync, &result);
  g_assert_cmpuint (result.n_waiting, ==, 0);
  g_assert_cmpuint (result.n_added, ==, n_events (MC_LEDGER_STORE (local)));
  g_unsetenv ("PGPASSFILE");
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
wait_for (gboolean (*cond) (McLedgerSync *), McLedgerSync *sync)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) mc_test_guard_seconds (60) * G_USEC_PER_SEC;

  while (!cond (sync))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
has_error (McLedgerSync *sync)
{
  return mc_ledger_sync_get_last_error (sync) != NULL && !mc_ledger_sync_get_busy (sync);
}

static gboolean
caught_up (McLedgerSync *sync)
{
  return mc_ledger_sync_get_last_error (sync) == NULL && mc_ledger_sync_get_n_waiting (sync) == 0 &&
         mc_ledger_sync_get_last_push_us (sync) > 0 && !mc_ledger_sync_get_busy (sync);
}

/* In the background: the server down at start, an error in the status
 * and retries with back-off; the server back, everything pushed; a new
 * filing and a poke, pushed too. The main loop never waits on a push. */
static void
test_sync_background (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(McSqliteLedger) local = NULL;
  g_autoptr(McLedgerSync) sync = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GPtrArray) more = NULL;
  guint n_notified = 0;

  if (pg == NULL)
    return;
  server = open_server (pg);
  local = counter_with_history ("background.sqlite", "Quầy 1", rand, 100, NULL);
  mc_test_pg_stop (pg);

  sync = mc_ledger_sync_new (local, mc_test_pg_get_conninfo (pg));
  mc_ledger_sync_set_timing (sync, 60 * 1000, 20, 200);
  g_signal_connect (sync, "notify::last-error", G_CALLBACK (on_notify), &n_notified);
  mc_ledger_sync_start (sync);
  wait_for (has_error, sync);
  g_test_message ("status: %s", mc_ledger_sync_get_last_error (sync));
  g_assert_nonnull (strstr (mc_ledger_sync_get_last_error (sync), "cannot be reached"));
  g_assert_cmpuint (mc_ledger_sync_get_n_waiting (sync), ==, n_events (MC_LEDGER_STORE (local)));
  g_assert_cmpint (mc_ledger_sync_get_last_push_us (sync), ==, 0);

  mc_test_pg_start (pg);
  wait_for (caught_up, sync);
  g_assert_cmpuint (n_notified, ==, 2);
  assert_same_reports (MC_LEDGER_STORE (local), MC_LEDGER_STORE (server));

  /* A new filing: poked, pushed long before the interval. */
  more = make_history (rand, "Quầy 1", 5);
  append_all (MC_LEDGER_STORE (local), more, 100);
  mc_ledger_sync_poke (sync);
  while (n_events (MC_LEDGER_STORE (server)) != n_events (MC_LEDGER_STORE (local)))
    g_main_context_iteration (NULL, TRUE);
  wait_for (caught_up, sync);
  mc_ledger_sync_stop (sync);
  assert_same_reports (MC_LEDGER_STORE (local), MC_LEDGER_STORE (server));
}

/* Kills the server once a push of @sync has committed its first batch
 * (or has finished): the next batch is then under way. */
static void
kill_during_push (McTestPg     *pg,
                  McLedgerSync *sync)
{
  PushWait w = { 0 };
  gint64 deadline = g_get_monotonic_time () + (gint64) mc_test_guard_seconds (60) * G_USEC_PER_SEC;
  gint64 before = mc_test_pg_query_int (pg, "SELECT count(*) FROM motcua.events");

  mc_ledger_sync_push_async (sync, NULL, on_push_done, &w);
  while (!w.done && mc_test_pg_query_int (pg, "SELECT count(*) FROM motcua.events") == before)
    {
      g_main_context_iteration (NULL, FALSE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  mc_test_pg_kill (pg);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  if (!w.ok)
    g_assert_error (w.error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_OFFLINE);
  g_clear_error (&w.error);
}

/* Three counters, and a random schedule of filings, pushes, kills in the
 * middle of a push, clean stops and restarts (the seed is printed; set
 * MC_FAULT_SEED to replay one). Afterwards the server holds each event
 * once and its counts are the sum of the counters' ledgers. */
static void
test_sync_random_faults (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(McSqliteLedger) all = NULL;
  g_autoptr(GRand) rand = NULL;
  McSqliteLedger *local[3];
  McLedgerSync *sync[3];
  const char *seed_text = g_getenv ("MC_FAULT_SEED");
  guint32 seed = seed_text ? (guint32) g_ascii_strtoull (seed_text, NULL, 10) : (guint32) g_test_rand_int ();
  gboolean up = TRUE;
  g_autoptr(GString) schedule = g_string_new (NULL);

  if (pg == NULL)
    return;
  g_test_message ("fault schedule seed %u (MC_FAULT_SEED=%u replays it)", seed, seed);
  rand = g_rand_new_with_seed (seed);
  server = open_server (pg);
  all = new_sqlite ("all.sqlite");
  for (guint i = 0; i < G_N_ELEMENTS (local); i++)
    {
      g_autofree char *name = g_strdup_printf ("fault-%u.sqlite", i);

      local[i] = new_sqlite (name);
      sync[i] = mc_ledger_sync_new (local[i], mc_test_pg_get_conninfo (pg));
      mc_ledger_sync_set_batch_size (sync[i], (guint) g_rand_int_range (rand, 5, 200));
    }

  for (guint step = 0; step < 30; step++)
    {
      guint k = (guint) g_rand_int_range (rand, 0, G_N_ELEMENTS (local));

      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0:
        case 1:
          {
            g_autofree char *counter = g_strdup_printf ("Quầy %u", k + 1);
            g_autoptr(GPtrArray) events = make_history (rand, counter, (guint) g_rand_int_range (rand, 10, 300));

            append_all (MC_LEDGER_STORE (local[k]), events, 64);
            append_all (MC_LEDGER_STORE (all), events, 500);
            g_string_append_printf (schedule, " file%u", k);
          }
          break;
        case 2:
          {
            McLedgerSyncResult result;
            g_autoptr(GError) error = NULL;
            gboolean ok = mc_ledger_sync_push (sync[k], NULL, &result, &error);

            if (up)
              g_assert_no_error (error);
            else
              {
                g_assert_false (ok);
                g_assert_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_OFFLINE);
              }
            g_string_append_printf (schedule, " push%u", k);
          }
          break;
        case 3:
          if (up)
            {
              kill_during_push (pg, sync[k]);
              up = FALSE;
              g_string_append_printf (schedule, " kill-during-push%u", k);
            }
          break;
        case 4:
          if (up)
            mc_test_pg_stop (pg);
          else
            mc_test_pg_start (pg);
          up = !up;
          g_string_append (schedule, up ? " start" : " stop");
          break;
        default:
          if (!up)
            {
              mc_test_pg_start (pg);
              up = TRUE;
              g_string_append (schedule, " start");
            }
          break;
        }
    }
  g_test_message ("schedule:%s", schedule->str);

  if (!up)
    mc_test_pg_start (pg);
  for (guint i = 0; i < G_N_ELEMENTS (local); i++)
    {
      McLedgerSyncResult result;

      push_ok (sync[i], &result);
      g_assert_cmpuint (result.n_waiting, ==, 0);
    }
  g_assert_cmpuint (n_events (MC_LEDGER_STORE (server)), ==, n_events (MC_LEDGER_STORE (all)));
  g_assert_cmpuint (mc_test_pg_query_int (pg, "SELECT count(DISTINCT uuid) FROM motcua.events"),
                    ==, n_events (MC_LEDGER_STORE (all)));
  assert_same_reports (MC_LEDGER_STORE (all), MC_LEDGER_STORE (server));
  mc_test_assert_ledger_clean (MC_LEDGER_STORE (server));

  for (guint i = 0; i < G_N_ELEMENTS (local); i++)
    {
      g_object_unref (sync[i]);
      g_object_unref (local[i]);
    }
}

/* ---- The tool ---------------------------------------------------------- */

static void
test_tool (void)
{
  g_autoptr(McTestPg) pg = mc_test_pg_new ();
  g_autoptr(McSqliteLedger) local = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  g_autofree char *path = NULL, *n_text = NULL, *sent = NULL, *bad_server = NULL;
  const char *server;
  guint64 total;

  if (pg == NULL)
    return;
  server = mc_test_pg_get_conninfo (pg);
  local = counter_with_history ("tool.sqlite", "Quầy 1", rand, 200, NULL);
  path = g_strdup (mc_sqlite_ledger_get_path (local));
  total = n_events (MC_LEDGER_STORE (local));
  g_clear_object (&local);

  /* Before server-init: said plainly. */
  {
    g_auto(McToolRun) run = { 0 };

    mc_tool_run (&run, NULL, MC_ARGS ("ledger", "sync", "--db", path, "--server", server));
    g_assert_cmpint (run.status, ==, 41);
    g_assert_nonnull (strstr (run.err, "server-init"));
  }
  {
    g_auto(McToolRun) run = { 0 };

    mc_tool_run (&run, NULL, MC_ARGS ("ledger", "server-init", "--server", server));
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "ready"));
  }
  {
    g_auto(McToolRun) run = { 0 };

    sent = g_strdup_printf ("Sent %" G_GUINT64_FORMAT " events: %" G_GUINT64_FORMAT " new, 0 already on the server.",
                            total, total);
    mc_tool_run (&run, NULL, MC_ARGS ("ledger", "sync", "--db", path, "--server", server, "--batch", "70"));
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, sent));
    g_assert_nonnull (strstr (run.out, "Still waiting: 0."));
  }
  {
    g_auto(McToolRun) run = { 0 };

    mc_tool_run (&run, NULL, MC_ARGS ("ledger", "sync", "--db", path, "--server", server, "--json"));
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "\"sent\" : 0"));
    g_assert_nonnull (strstr (run.out, "\"waiting\" : 0"));
  }

  /* The same report from the server as from the file, in every format
   * that prints. */
  {
    static const char * const formats[] = { "table", "csv", "json" };

    for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
      {
        g_auto(McToolRun) from_file = { 0 };
        g_auto(McToolRun) from_server = { 0 };

        mc_tool_run (&from_file, NULL, MC_ARGS ("ledger", "report", "--db", path, "--from", "2024-01-01",
                                                "--to", "2026-06-30", "--by", "ward", "--format", formats[i]));
        mc_tool_run (&from_server, NULL, MC_ARGS ("ledger", "report", "--server", server, "--from", "2024-01-01",
                                                  "--to", "2026-06-30", "--by", "ward", "--format", formats[i]));
        g_assert_cmpint (from_file.status, ==, 0);
        g_assert_cmpint (from_server.status, ==, 0);
        /* JSON carries the time it was made; the rest must agree. */
        if (g_str_equal (formats[i], "json"))
          {
            g_assert_nonnull (strstr (from_server.out, "\"total\""));
            g_assert_cmpint (strlen (from_server.out), ==, strlen (from_file.out));
          }
        else
          g_assert_cmpstr (from_server.out, ==, from_file.out);
      }
  }

  /* A server that is not there: exit 49, nothing lost. */
  {
    g_auto(McToolRun) run = { 0 };

    bad_server = g_strdup_printf ("host=%s/nowhere dbname=motcua user=postgres", mc_test_pg_get_dir (pg));
    mc_tool_run (&run, NULL, MC_ARGS ("ledger", "sync", "--db", path, "--server", bad_server));
    g_assert_cmpint (run.status, ==, 49);
    g_assert_nonnull (strstr (run.err, "cannot be reached"));
    g_assert_nonnull (strstr (run.out, "Sent 0 events"));
  }
}

int
main (int    argc,
      char **argv)
{
  int status;

  setlocale (LC_ALL, "");
  mc_test_init (&argc, &argv);
  mc_core_init ();
  /* Local days in these tests are Nha Trang's, as in test-ledger.c. */
  g_setenv ("TZ", "Asia/Ho_Chi_Minh", TRUE);
  tzset ();
  tmpdir = mc_test_make_tmpdir ("ledger-pg");
  catalog = mc_ward_catalog_new_builtin ();
  procedures = mc_procedure_catalog_new_builtin ();

  g_test_add_func ("/ledger-pg/store/server-init", test_server_init);
  g_test_add_func ("/ledger-pg/store/server-init-timeouts", test_server_init_timeouts);
  g_test_add_func ("/ledger-pg/store/schema-versions", test_schema_versions);
  g_test_add_func ("/ledger-pg/store/same-as-sqlite", test_same_as_sqlite);
  g_test_add_func ("/ledger-pg/store/append-rules", test_append_rules);
  g_test_add_func ("/ledger-pg/store/rebuild-derived", test_rebuild_derived);
  g_test_add_func ("/ledger-pg/sync/server-down", test_sync_server_down);
  g_test_add_func ("/ledger-pg/sync/server-killed", test_sync_server_killed);
  g_test_add_func ("/ledger-pg/sync/two-counters-and-replay", test_sync_two_counters);
  g_test_add_func ("/ledger-pg/sync/clock-off", test_sync_clock_off);
  g_test_add_func ("/ledger-pg/sync/wrong-password", test_sync_wrong_password);
  g_test_add_func ("/ledger-pg/sync/stalled", test_sync_stalled);
  g_test_add_func ("/ledger-pg/sync/certificate-mismatch", test_certificate_mismatch);
  g_test_add_func ("/ledger-pg/sync/certificate-other-ca", test_certificate_other_ca);
  g_test_add_func ("/ledger-pg/sync/background", test_sync_background);
  g_test_add_func ("/ledger-pg/sync/random-faults", test_sync_random_faults);
  g_test_add_func ("/ledger-pg/tool/sync-and-report", test_tool);

  status = g_test_run ();
  g_object_unref (catalog);
  g_object_unref (procedures);
  mc_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
