/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-portal-outbox.h"
#include "mc-test-package.h"
#include "mc-test-portal.h"
#include "mc-test-tool.h"
#include "mc-test-util.h"

/* motcua-tool upload and outbox against a portal on loopback that this
 * test starts: the faults of issue 6, each ending with exactly one filing
 * on the portal, and motcua-tool killed mid-upload and run again. */

#define TOKEN "counter-token-7d41e0"

static char *tmpdir;
static char *token_file;

/* Each test gets its own data dir, so its own outbox. */
typedef struct {
  McTestPortal *portal;
  char         *data_home;
  char         *env_data;
  const char   *env[4];
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  static guint n;
  g_autofree char *name = g_strdup_printf ("data-%u", ++n);

  f->portal = mc_test_portal_new (TOKEN, NULL);
  f->data_home = g_build_filename (tmpdir, name, NULL);
  f->env_data = g_strconcat ("XDG_DATA_HOME=", f->data_home, NULL);
  f->env[0] = f->env_data;
  /* The password store is never reached in these tests unless a test
   * asks for it: no session bus. */
  f->env[1] = "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus";
  f->env[2] = NULL;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->portal, mc_test_portal_free);
  g_free (f->data_home);
  g_free (f->env_data);
}

static char *
make_package (guint   pixels,
              char  **visit)
{
  return mc_test_make_package (tmpdir, pixels, visit);
}

#define UPLOAD(f, dir, ...) \
  MC_ARGS ("upload", dir, "--endpoint", mc_test_portal_get_endpoint ((f)->portal), \
           "--token-file", token_file, ##__VA_ARGS__)

static void
expect_one_filing (Fixture    *f,
                   const char *visit,
                   const char *printed)
{
  g_autofree char *receipt = mc_test_portal_dup_receipt (f->portal, visit);

  g_assert_nonnull (receipt);
  g_assert_cmpstr (g_strstrip ((char *) printed), ==, receipt);
  g_assert_cmpuint (mc_test_portal_count_filings (f->portal), ==, 1);
  g_assert_cmpuint (mc_test_portal_count_invalid (f->portal), ==, 0);
}

static guint
count_posts (Fixture *f)
{
  g_autoptr(GPtrArray) requests = mc_test_portal_get_requests (f->portal);
  guint n = 0;

  for (guint i = 0; i < requests->len; i++)
    if (g_str_equal (((McPortalRequest *) requests->pdata[i])->method, "POST"))
      n++;
  return n;
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static JsonArray *
outbox_list (Fixture *f)
{
  g_auto(McToolRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  mc_tool_run (&run, f->env, MC_ARGS ("outbox", "list", "--json"));
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

/* ---- Help -------------------------------------------------------------- */

static void
test_help (void)
{
  g_auto(McToolRun) run = { 0 };
  g_auto(McToolRun) none = { 0 };
  g_auto(McToolRun) bad = { 0 };

  mc_tool_run (&run, NULL, MC_ARGS ("--help"));
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "upload DIR --endpoint URL [--token-file F] [--json]"));
  g_assert_nonnull (strstr (run.out, "outbox list [--json]"));
  g_assert_nonnull (strstr (run.out, "outbox retry"));
  for (int code = 50; code <= 55; code++)
    {
      g_autofree char *line = g_strdup_printf ("\n  %d ", code);

      g_assert_nonnull (strstr (run.out, line));
    }

  mc_tool_run (&none, NULL, MC_ARGS ("outbox"));
  g_assert_cmpint (none.status, ==, 2);
  mc_tool_run (&bad, NULL, MC_ARGS ("upload"));
  g_assert_cmpint (bad.status, ==, 2);
}

/* ---- Upload ------------------------------------------------------------ */

static void
test_success (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *visit = NULL;
  g_autofree char *dir = make_package (40000, &visit);
  g_auto(McToolRun) run = { 0 };
  g_auto(McToolRun) again = { 0 };
  g_auto(McToolRun) list = { 0 };
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(JsonArray) items = NULL;
  g_autofree char *receipt = NULL;
  JsonObject *item;

  mc_tool_run (&run, f->env, UPLOAD (f, dir));
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 0);
  expect_one_filing (f, visit, run.out);
  receipt = mc_test_portal_dup_receipt (f->portal, visit);

  /* Again, as JSON: the outbox knows it was sent; the portal is not asked. */
  mc_tool_run (&again, f->env, UPLOAD (f, dir, "--json"));
  g_assert_cmpint (again.status, ==, 0);
  json = parse_object (again.out);
  g_assert_cmpstr (json_object_get_string_member (json, "receipt"), ==, receipt);
  g_assert_cmpstr (json_object_get_string_member (json, "visit_id"), ==, visit);
  g_assert_true (json_object_get_boolean_member (json, "already_filed"));
  g_assert_cmpuint (count_posts (f), ==, 1);

  items = outbox_list (f);
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  item = json_array_get_object_element (items, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "state"), ==, "sent");
  g_assert_cmpstr (json_object_get_string_member (item, "receipt"), ==, receipt);
  g_assert_cmpint (json_object_get_int_member (item, "attempts"), ==, 1);

  mc_tool_run (&list, f->env, MC_ARGS ("outbox", "list"));
  g_assert_cmpint (list.status, ==, 0);
  g_assert_nonnull (strstr (list.out, receipt));
  g_assert_nonnull (strstr (list.out, visit));
}

static void
test_500_then_success (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *visit = NULL;
  g_autofree char *dir = make_package (40000, &visit);
  g_auto(McToolRun) run = { 0 };

  mc_test_portal_push_fault (f->portal, (McFault) { MC_FAULT_STATUS, 500, -1, 0 });
  mc_tool_run (&run, f->env, UPLOAD (f, dir));
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 0);
  expect_one_filing (f, visit, run.out);
  g_assert_cmpuint (count_posts (f), ==, 2);
}

static void
test_429_retry_after (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *visit = NULL;
  g_autofree char *dir = make_package (40000, &visit);
  g_auto(McToolRun) run = { 0 };
  g_autoptr(GPtrArray) requests = NULL;
  McPortalRequest *first, *second;

  mc_test_portal_push_fault (f->portal, (McFault) { MC_FAULT_STATUS, 429, 2, 0 });
  mc_tool_run (&run, f->env, UPLOAD (f, dir));
  g_assert_cmpint (run.status, ==, 0);
  expect_one_filing (f, visit, run.out);

  requests = mc_test_portal_get_requests (f->portal);
  g_assert_cmpuint (requests->len, ==, 2);
  first = requests->pdata[0];
  second = requests->pdata[1];
  g_assert_cmpuint (first->status, ==, 429);
  g_test_message ("second attempt %.2f s after the 429 (Retry-After: 2)", (second->at_us - first->at_us) / 1e6);
  g_assert_cmpint (second->at_us - first->at_us, >=, 2 * G_USEC_PER_SEC);
}

static void
test_stall (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *visit = NULL;
  g_autofree char *dir = make_package (40000, &visit);
  g_auto(McToolRun) run = { 0 };

  /* The portal files it, then never answers: the stall timeout fires,
   * the retry with the same key gets the same receipt. */
  mc_test_portal_push_fault (f->portal, (McFault) { MC_FAULT_STALL_AFTER_FILING, 0, -1, 0 });
  mc_tool_run (&run, f->env, UPLOAD (f, dir, "--stall-timeout", "1"));
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 0);
  expect_one_filing (f, visit, run.out);
  g_assert_cmpuint (count_posts (f), ==, 2);
  g_assert_cmpuint (mc_test_portal_count_repeats (f->portal), ==, 1);
  g_assert_nonnull (strstr (run.err, "already had this visit"));
}

static void
test_reset (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *visit = NULL;
  g_autofree char *dir = make_package (100000, &visit);
  g_auto(McToolRun) run = { 0 };

  mc_test_portal_push_fault (f->portal, (McFault) { MC_FAULT_RESET_BODY, 0, -1, 65536 });
  mc_tool_run (&run, f->env, UPLOAD (f, dir));
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 0);
  expect_one_filing (f, visit, run.out);
  g_assert_cmpuint (count_posts (f), ==, 2);
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  const struct {
    McFault     fault;
    int         status;
    const char *en;
    const char *vi;
  } cases[] = {
    { { MC_FAULT_STATUS, 401, -1, 0 }, 51, "access token", "mã truy cập" },
    { { MC_FAULT_EARLY_STATUS, 413, -1, 0 }, 52, "too large", "quá lớn" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint vi = 0; vi < 2; vi++)
      {
        g_autofree char *dir = make_package (40000, NULL);
        g_auto(McToolRun) run = { 0 };
        guint before = count_posts (f);
        const char *env[] = { f->env[0], f->env[1], vi ? "LANGUAGE=vi" : "LANGUAGE=", NULL };
        g_autoptr(JsonArray) items = NULL;
        JsonObject *item;

        mc_test_portal_push_fault (f->portal, cases[i].fault);
        mc_tool_run (&run, env, UPLOAD (f, dir));
        g_test_message ("%s", run.err);
        g_assert_cmpint (run.status, ==, cases[i].status);
        g_assert_cmpstr (run.out, ==, "");
        /* A clerk's sentence in their language, and no retry. */
        g_assert_nonnull (strstr (run.err, vi ? cases[i].vi : cases[i].en));
        g_assert_true (mc_test_portal_wait_idle (f->portal, 5000));
        g_assert_cmpuint (count_posts (f), ==, before + 1);

        items = outbox_list (f);
        item = json_array_get_object_element (items, json_array_get_length (items) - 1);
        g_assert_cmpstr (json_object_get_string_member (item, "state"), ==, "failed");
        g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (item, "error"), "code"),
                         ==, cases[i].status == 51 ? "unauthorized" : "too-large");
      }
  g_assert_cmpuint (mc_test_portal_count_filings (f->portal), ==, 0);
}

static void
test_manifest_mismatch (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *dir = make_package (40000, NULL);
  g_auto(McToolRun) run = { 0 };
  g_autoptr(JsonArray) items = NULL;

  mc_test_package_tamper (dir, "01-to-khai.pdf");
  mc_tool_run (&run, f->env, UPLOAD (f, dir));
  g_assert_cmpint (run.status, ==, 50);
  g_assert_nonnull (strstr (run.err, "01-to-khai.pdf"));
  g_assert_nonnull (strstr (run.err, "checksum"));
  /* Refused before anything was queued or sent. */
  g_assert_cmpuint (count_posts (f), ==, 0);
  items = outbox_list (f);
  g_assert_cmpuint (json_array_get_length (items), ==, 0);
}

static void
test_plain_http_refused (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *dir = make_package (2000, NULL);
  g_auto(McToolRun) run = { 0 };
  g_auto(McToolRun) vi = { 0 };
  const char *env_vi[] = { f->env[0], f->env[1], "LANGUAGE=vi", NULL };

  /* 192.0.2.0/24 is documentation space: nothing is there, and nothing
   * is sent there: the address is refused before any connection. */
  mc_tool_run (&run, f->env, MC_ARGS ("upload", dir, "--endpoint", "http://192.0.2.10:8080/api", "--token-file", token_file));
  g_assert_cmpint (run.status, ==, 54);
  g_assert_nonnull (strstr (run.err, "https://"));
  g_assert_nonnull (strstr (run.err, "http://192.0.2.10:8080/api"));

  mc_tool_run (&vi, env_vi, MC_ARGS ("upload", dir, "--endpoint", "http://portal.example.vn/api", "--token-file", token_file));
  g_assert_cmpint (vi.status, ==, 54);
  g_assert_nonnull (strstr (vi.err, "https://"));
  g_assert_nonnull (strstr (vi.err, "không được bảo vệ"));
}

static void
test_no_token (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *dir = make_package (2000, NULL);
  g_autofree char *bad_file = g_build_filename (tmpdir, "bad-token", NULL);
  g_auto(McToolRun) run = { 0 };
  g_auto(McToolRun) bad = { 0 };

  /* No token file and no password store: a clear message, nothing sent. */
  mc_tool_run (&run, f->env, MC_ARGS ("upload", dir, "--endpoint", mc_test_portal_get_endpoint (f->portal)));
  g_assert_cmpint (run.status, ==, 51);
  g_assert_nonnull (strstr (run.err, "password store"));
  g_assert_nonnull (strstr (run.err, "--token-file"));

  mc_test_write_file (bad_file, "two words\n");
  mc_tool_run (&bad, f->env, MC_ARGS ("upload", dir, "--endpoint", mc_test_portal_get_endpoint (f->portal),
                                      "--token-file", bad_file));
  g_assert_cmpint (bad.status, ==, 51);
  g_assert_cmpuint (count_posts (f), ==, 0);
}

/* Out of attempts: the filing waits in the outbox; “outbox retry” sends
 * it later, still once. */
static void
test_outbox_retry (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *visit = NULL;
  g_autofree char *dir = make_package (20000, &visit);
  g_auto(McToolRun) run = { 0 };
  g_auto(McToolRun) retry = { 0 };
  g_auto(McToolRun) nothing = { 0 };
  g_autoptr(JsonArray) items = NULL;
  JsonObject *item;

  mc_test_portal_push_fault (f->portal, (McFault) { MC_FAULT_STATUS, 503, -1, 0 });
  mc_test_portal_push_fault (f->portal, (McFault) { MC_FAULT_STATUS, 503, -1, 0 });
  mc_tool_run (&run, f->env, UPLOAD (f, dir, "--attempts", "2"));
  g_assert_cmpint (run.status, ==, 53);
  g_assert_nonnull (strstr (run.err, "503"));
  g_assert_nonnull (strstr (run.err, "outbox"));

  items = outbox_list (f);
  item = json_array_get_object_element (items, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "state"), ==, "queued");
  g_assert_cmpint (json_object_get_int_member (item, "attempts"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (item, "error"), "code"), ==, "server");
  g_assert_nonnull (json_object_get_string_member (item, "next_attempt_at"));

  mc_tool_run (&retry, f->env, MC_ARGS ("outbox", "retry", "--token-file", token_file));
  g_test_message ("%s", retry.err);
  g_assert_cmpint (retry.status, ==, 0);
  g_assert_nonnull (strstr (retry.out, visit));
  g_assert_cmpuint (mc_test_portal_count_filings (f->portal), ==, 1);
  g_assert_cmpuint (count_posts (f), ==, 3);
  {
    g_autofree char *receipt = mc_test_portal_dup_receipt (f->portal, visit);

    g_assert_nonnull (strstr (retry.out, receipt));
  }

  mc_tool_run (&nothing, f->env, MC_ARGS ("outbox", "retry", "--token-file", token_file));
  g_assert_cmpint (nothing.status, ==, 0);
  g_assert_cmpuint (count_posts (f), ==, 3);
}

/* ---- Killed mid-upload ------------------------------------------------- */

static GSubprocess *
spawn_upload (Fixture    *f,
              const char *dir)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("MOTCUA_TOOL"), "upload", dir,
                                      "--endpoint", mc_test_portal_get_endpoint (f->portal),
                                      "--token-file", token_file, NULL);
  g_assert_no_error (error);
  return proc;
}

static void
kill_and_reap (GSubprocess *proc)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (proc, SIGKILL);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (proc));
  g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGKILL);
}

static void
check_resumes (Fixture    *f,
               const char *visit,
               guint       posts_before)
{
  g_autoptr(JsonArray) items = outbox_list (f);
  g_auto(McToolRun) retry = { 0 };
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *receipt = NULL;
  JsonObject *item;

  /* The killed sender's item: marked sending, nobody sending it. */
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  item = json_array_get_object_element (items, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "visit_id"), ==, visit);
  g_assert_cmpstr (json_object_get_string_member (item, "state"), ==, "sending");
  g_assert_false (json_object_get_boolean_member (item, "in_flight"));

  mc_tool_run (&retry, f->env, MC_ARGS ("outbox", "retry", "--token-file", token_file));
  g_test_message ("%s", retry.err);
  g_assert_cmpint (retry.status, ==, 0);
  receipt = mc_test_portal_dup_receipt (f->portal, visit);
  g_assert_nonnull (receipt);
  g_assert_nonnull (strstr (retry.out, receipt));

  /* Exactly one filing; every request carried the visit as its key. */
  g_assert_cmpuint (mc_test_portal_count_filings (f->portal), ==, 1);
  g_assert_cmpuint (mc_test_portal_count_invalid (f->portal), ==, 0);
  g_assert_cmpuint (count_posts (f), ==, posts_before + 1);
  requests = mc_test_portal_get_requests (f->portal);
  for (guint i = 0; i < requests->len; i++)
    g_assert_cmpstr (((McPortalRequest *) requests->pdata[i])->idempotency_key, ==, visit);
}

static void
test_killed_mid_body (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *visit = NULL;
  g_autofree char *dir = make_package (1000000, &visit);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) requests = NULL;

  /* The portal has read a quarter of a megabyte of a 3 MB upload when
   * the tool is killed. */
  mc_test_portal_push_fault (f->portal, (McFault) { MC_FAULT_STALL_BODY, 0, -1, 256 * 1024 });
  proc = spawn_upload (f, dir);
  g_assert_true (mc_test_portal_wait_body (f->portal, 256 * 1024, 20000));
  kill_and_reap (proc);

  requests = mc_test_portal_get_requests (f->portal);
  g_assert_cmpuint (requests->len, ==, 1);
  g_assert_false (((McPortalRequest *) requests->pdata[0])->complete);
  g_assert_cmpuint (mc_test_portal_count_filings (f->portal), ==, 0);

  check_resumes (f, visit, 1);
  g_assert_cmpuint (mc_test_portal_count_repeats (f->portal), ==, 0);
}

static void
on_item_sent (McPortalOutbox *outbox,
              gint64          id,
              const char     *visit_id,
              const char     *receipt,
              const char     *received_at,
              char          **out)
{
  *out = g_strdup (receipt);
}

static gboolean
give_up (gpointer data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

static void
test_killed_after_filing (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *visit = NULL;
  g_autofree char *dir = make_package (40000, &visit);
  g_autofree char *path = g_build_filename (f->data_home, "motcua", "outbox.sqlite", NULL);
  g_autofree char *receipt = NULL, *sent = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(McPortalOutbox) outbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) items = NULL;
  guint timeout;

  /* The worst moment: the portal has filed it, the answer has not come. */
  mc_test_portal_push_fault (f->portal, (McFault) { MC_FAULT_STALL_AFTER_FILING, 0, -1, 0 });
  proc = spawn_upload (f, dir);
  g_assert_true (mc_test_portal_wait_filings (f->portal, 1, 20000));
  kill_and_reap (proc);

  items = outbox_list (f);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "state"), ==, "sending");

  /* The program starts again: its background sender finds the item. */
  outbox = mc_portal_outbox_new (path, &error);
  g_assert_no_error (error);
  mc_portal_outbox_set_token (outbox, TOKEN);
  g_signal_connect (outbox, "item-sent", G_CALLBACK (on_item_sent), &sent);
  mc_portal_outbox_start (outbox);
  timeout = g_timeout_add_seconds (mc_test_guard_seconds (30), give_up, NULL);
  while (sent == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  mc_portal_outbox_stop (outbox);

  receipt = mc_test_portal_dup_receipt (f->portal, visit);
  g_assert_cmpstr (sent, ==, receipt);
  g_assert_cmpuint (mc_test_portal_count_filings (f->portal), ==, 1);
  g_assert_cmpuint (count_posts (f), ==, 2);
  /* The retry was answered from the filing already made. */
  g_assert_cmpuint (mc_test_portal_count_repeats (f->portal), ==, 1);
  g_assert_cmpuint (mc_test_portal_count_invalid (f->portal), ==, 0);
}

static void
test_interrupted (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *visit = NULL;
  g_autofree char *dir = make_package (1000000, &visit);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) items = NULL;
  JsonObject *item;

  /* Ctrl+C: the tool stops at once and says the filing waits. */
  mc_test_portal_push_fault (f->portal, (McFault) { MC_FAULT_STALL_BODY, 0, -1, 128 * 1024 });
  proc = spawn_upload (f, dir);
  g_assert_true (mc_test_portal_wait_body (f->portal, 128 * 1024, 20000));
  g_subprocess_send_signal (proc, SIGINT);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 53);

  items = outbox_list (f);
  item = json_array_get_object_element (items, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "state"), ==, "queued");
  g_assert_cmpuint (mc_test_portal_count_filings (f->portal), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mc_core_init ();
  mc_test_init (&argc, &argv);

  tmpdir = mc_test_make_tmpdir ("portal-tool");
  token_file = g_build_filename (tmpdir, "token", NULL);
  mc_test_write_file (token_file, TOKEN "\n");

  g_test_add_func ("/portal-tool/help", test_help);
#define ADD(path, fn) g_test_add ("/portal-tool/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("success", test_success);
  ADD ("500-then-success", test_500_then_success);
  ADD ("429-retry-after", test_429_retry_after);
  ADD ("stall", test_stall);
  ADD ("reset", test_reset);
  ADD ("refused", test_refused);
  ADD ("manifest-mismatch", test_manifest_mismatch);
  ADD ("plain-http-refused", test_plain_http_refused);
  ADD ("no-token", test_no_token);
  ADD ("outbox-retry", test_outbox_retry);
  ADD ("killed-mid-body", test_killed_mid_body);
  ADD ("killed-after-filing", test_killed_after_filing);
  ADD ("interrupted", test_interrupted);
#undef ADD

  status = g_test_run ();
  mc_test_rm_rf (tmpdir);
  g_free (tmpdir);
  g_free (token_file);
  return status;
}
