/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sqlite3.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>

#include "mc-test-tool.h"
#include "mc-test-ledger.h"
#include "mc-test-util.h"

/* motcua-tool ledger as scripts and the supervisor use it, and the
 * ledger under several processes: two writers at once, and a writer
 * killed mid-stream. */

static char *tmpdir;

static void
add_filing (const char *db,
            const char *ward,
            const char *counter,
            const char *procedure,
            const char *channel,
            const char *date)
{
  g_auto(McToolRun) run = { 0 };

  mc_tool_run (&run, NULL, MC_ARGS ("ledger", "add", "--db", db, "--ward", ward, "--counter", counter,
                                    "--procedure", procedure, "--channel", channel, "--date", date));
  if (run.status != 0)
    g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_uuid_string_is_valid (g_strstrip (run.out)));
}

static void
test_help (void)
{
  g_auto(McToolRun) run = { 0 };
  g_auto(McToolRun) sub = { 0 };
  g_auto(McToolRun) none = { 0 };

  mc_tool_run (&run, NULL, MC_ARGS ("--help"));
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "ledger add --procedure CODE --channel CH [--receipt R] [--pages N]"));
  g_assert_nonnull (strstr (run.out, "ledger report [--from DATE] [--to DATE] [--by day|counter|procedure|channel|ward]"));
  g_assert_nonnull (strstr (run.out, "ledger check"));
  /* Every ledger exit code is documented. */
  for (int code = 40; code <= 48; code++)
    {
      g_autofree char *line = g_strdup_printf ("\n  %d ledger: ", code);

      g_assert_nonnull (strstr (run.out, line));
    }

  mc_tool_run (&sub, NULL, MC_ARGS ("ledger", "report", "--help"));
  g_assert_cmpint (sub.status, ==, 0);
  g_assert_nonnull (strstr (sub.out, "--format"));

  mc_tool_run (&none, NULL, MC_ARGS ("ledger"));
  g_assert_cmpint (none.status, ==, 2);
}

static void
test_usage_errors (void)
{
  g_autofree char *db = mc_test_ledger_path (tmpdir, "usage.sqlite");
  struct {
    const char * const *args;
    const char *fragment;
  } cases[] = {
    { MC_ARGS ("ledger", "frobnicate"), "frobnicate" },
    { MC_ARGS ("ledger", "add", "--db", db, "--channel", "national", "--ward", "22333", "--counter", "Q"), "--procedure" },
    { MC_ARGS ("ledger", "add", "--db", db, "--procedure", "1.001193", "--channel", "fax", "--ward", "22333", "--counter", "Q"), "fax" },
    { MC_ARGS ("ledger", "add", "--db", db, "--procedure", "1.001193", "--channel", "paper", "--counter", "Q"), "--ward" },
    { MC_ARGS ("ledger", "add", "--db", db, "--procedure", "1.001193", "--channel", "paper", "--ward", "22333", "--counter", "Q", "--date", "2999-01-01"), "2999-01-01" },
    { MC_ARGS ("ledger", "add", "--db", db, "--procedure", "1.001193", "--channel", "paper", "--ward", "22333", "--counter", "Q", "--pages", "-3"), "--pages" },
    { MC_ARGS ("ledger", "report", "--db", db, "--from", "01/07/2025"), "01/07/2025" },
    { MC_ARGS ("ledger", "report", "--db", db, "--from", "2025-08-01", "--to", "2025-07-01"), "--from" },
    { MC_ARGS ("ledger", "report", "--db", db, "--by", "month"), "month" },
    { MC_ARGS ("ledger", "report", "--db", db, "--format", "xlsx"), "xlsx" },
    { MC_ARGS ("ledger", "report", "--db", db, "--format", "pdf"), "-o" },
    { MC_ARGS ("ledger", "export", "--db", db), "FILE" },
    { MC_ARGS ("ledger", "import", "--db", db, "a", "b"), "FILE" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(McToolRun) run = { 0 };

      mc_tool_run (&run, NULL, cases[i].args);
      g_assert_cmpint (run.status, ==, 2);
      if (strstr (run.err, cases[i].fragment) == NULL)
        g_error ("case %u: “%s” not in: %s", i, cases[i].fragment, run.err);
    }
  /* Usage errors never make a ledger. */
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
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

static void
test_report_json_shape (void)
{
  g_autofree char *db = mc_test_ledger_path (tmpdir, "json.sqlite");
  g_auto(McToolRun) run = { 0 };
  g_auto(McToolRun) by_day = { 0 };
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(JsonObject) days = NULL;
  g_autoptr(GList) members = NULL;
  JsonArray *rows;
  const char *expected[] = { "from", "to", "by", "rows", "total", "ward", "merged_in" };
  guint i = 0;

  add_filing (db, "22330", "Quầy 1", "1.001193", "national", "2025-06-20");
  add_filing (db, "22333", "Quầy 1", "1.001193", "national", "2025-07-02");
  add_filing (db, "22333", "Quầy 1", "1.004222", "residence", "2025-07-03");
  add_filing (db, "22366", "Quầy 1", "1.004222", "paper", "2025-07-03");

  mc_tool_run (&run, NULL, MC_ARGS ("ledger", "report", "--db", db, "--from", "2025-06-01", "--to", "2025-07-31",
                                    "--by", "procedure", "--ward", "22333", "--format", "json"));
  g_assert_cmpint (run.status, ==, 0);
  obj = parse_object (run.out);

  /* The shape, in its order, then what this ledger adds. */
  members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next, i++)
    g_assert_cmpstr (l->data, ==, expected[i]);
  g_assert_cmpuint (i, ==, G_N_ELEMENTS (expected));
  g_assert_cmpstr (json_object_get_string_member (obj, "from"), ==, "2025-06-01");
  g_assert_cmpstr (json_object_get_string_member (obj, "to"), ==, "2025-07-31");
  g_assert_cmpstr (json_object_get_string_member (obj, "by"), ==, "procedure");
  g_assert_cmpint (json_object_get_int_member (obj, "total"), ==, 3);
  rows = json_object_get_array_member (obj, "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, 2);
  {
    JsonObject *row = json_array_get_object_element (rows, 0);
    g_autoptr(GList) keys = json_object_get_members (row);

    g_assert_cmpuint (g_list_length (keys), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (row, "key"), ==, "1.001193");
    g_assert_cmpstr (json_object_get_string_member (row, "label"), ==, "Đăng ký khai sinh");
    g_assert_cmpint (json_object_get_int_member (row, "count"), ==, 2);
  }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (obj, "merged_in"), 0), "name"), ==, "Phường Vĩnh Hải");

  /* By day: every day of the period, empty ones too. */
  mc_tool_run (&by_day, NULL, MC_ARGS ("ledger", "report", "--db", db, "--from", "2025-07-01", "--to", "2025-07-31",
                                       "--by", "day", "--format", "json"));
  g_assert_cmpint (by_day.status, ==, 0);
  days = parse_object (by_day.out);
  rows = json_object_get_array_member (days, "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, 31);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 2), "key"), ==, "2025-07-03");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (rows, 2), "count"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (days, "total"), ==, 3);
}

/* A strict RFC 4180 reader, as a spreadsheet reads the file. */
static GPtrArray *
read_csv (const char *text)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) record = g_ptr_array_new ();
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text;

  g_assert_true (g_str_has_prefix (p, "\xEF\xBB\xBF"));
  p += 3;
  while (*p)
    {
      if (*p == '"')
        {
          for (p++; !(p[0] == '"' && p[1] != '"'); p++)
            {
              g_assert_cmpint (*p, !=, '\0');
              if (*p == '"')
                p++;
              g_string_append_c (field, *p);
            }
          p++;
        }
      else
        for (; *p && *p != ',' && *p != '\r'; p++)
          {
            g_assert_cmpint (*p, !=, '"');
            g_assert_cmpint (*p, !=, '\n');
            g_string_append_c (field, *p);
          }
      g_ptr_array_add (record, g_strdup (field->str));
      g_string_truncate (field, 0);
      if (*p == ',')
        p++;
      else
        {
          g_assert_true (p[0] == '\r' && p[1] == '\n');
          p += 2;
          g_ptr_array_add (record, NULL);
          g_ptr_array_add (records, g_ptr_array_free (g_steal_pointer (&record), FALSE));
          record = g_ptr_array_new ();
        }
    }
  g_assert_cmpuint (record->len, ==, 0);
  return records;
}

static void
test_report_csv_by_procedure (void)
{
  g_autofree char *db = mc_test_ledger_path (tmpdir, "csv.sqlite");
  g_autofree char *out = mc_test_ledger_path (tmpdir, "by-procedure.csv");
  g_auto(McToolRun) run = { 0 };
  g_auto(McToolRun) to_file = { 0 };
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *written = NULL;

  add_filing (db, "22402", "Quầy 1", "1.001193", "national", "2025-09-01");
  add_filing (db, "22402", "Quầy 1", "2.000986", "linked", "2025-09-01");
  add_filing (db, "22402", "Quầy 2", "2.000986", "linked", "2025-09-02");

  mc_tool_run (&run, NULL, MC_ARGS ("ledger", "report", "--db", db, "--from", "2025-09-01", "--to", "2025-09-30",
                                    "--by", "procedure", "--format", "csv"));
  g_assert_cmpint (run.status, ==, 0);
  records = read_csv (run.out);
  g_assert_cmpuint (records->len, ==, 4);
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 0))[0], ==, "Procedure code");
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 2))[0], ==, "2.000986");
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 2))[1], ==,
                   "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT cho trẻ em dưới 6 tuổi");
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 2))[2], ==, "2");
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 3))[2], ==, "3");

  /* -o writes the same bytes to a file. */
  mc_tool_run (&to_file, NULL, MC_ARGS ("ledger", "report", "--db", db, "--from", "2025-09-01", "--to", "2025-09-30",
                                        "--by", "procedure", "--format", "csv", "-o", out));
  g_assert_cmpint (to_file.status, ==, 0);
  g_assert_true (g_file_get_contents (out, &written, NULL, NULL));
  g_assert_cmpstr (written, ==, run.out);
}

/* Every ward has its "Quầy 1": a report by counter over every ward keeps
 * them apart and names each with its ward; for one ward, the name alone. */
static void
test_report_by_counter_every_ward (void)
{
  g_autofree char *db = mc_test_ledger_path (tmpdir, "counters-of-wards.sqlite");
  g_auto(McToolRun) all = { 0 };
  g_auto(McToolRun) one = { 0 };
  g_autoptr(GPtrArray) records = NULL;

  add_filing (db, "22333", "Quầy 1", "1.001193", "national", "2025-09-01");
  add_filing (db, "22333", "Quầy 1", "1.001193", "national", "2025-09-02");
  add_filing (db, "22366", "Quầy 1", "2.000986", "linked", "2025-09-02");

  mc_tool_run (&all, NULL, MC_ARGS ("ledger", "report", "--db", db, "--from", "2025-09-01", "--to", "2025-09-30",
                                    "--by", "counter", "--format", "csv"));
  g_assert_cmpint (all.status, ==, 0);
  g_test_message ("%s", all.out);
  records = read_csv (all.out);
  g_assert_cmpuint (records->len, ==, 4);
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 1))[0], ==, "Quầy 1@bac-nha-trang");
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 1))[1], ==, "Quầy 1 (Phường Bắc Nha Trang)");
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 1))[2], ==, "2");
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 2))[0], ==, "Quầy 1@nha-trang");
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 2))[1], ==, "Quầy 1 (Phường Nha Trang)");
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 2))[2], ==, "1");
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 3))[2], ==, "3");

  mc_tool_run (&one, NULL, MC_ARGS ("ledger", "report", "--db", db, "--from", "2025-09-01", "--to", "2025-09-30",
                                    "--by", "counter", "--ward", "22366", "--format", "csv"));
  g_assert_cmpint (one.status, ==, 0);
  g_assert_nonnull (strstr (one.out, "Quầy 1,Quầy 1,1\r\n"));
}

static void
test_pdf_in_vietnamese (void)
{
  g_autofree char *db = mc_test_ledger_path (tmpdir, "pdf.sqlite");
  g_autofree char *pdf = mc_test_ledger_path (tmpdir, "bao-cao.pdf");
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
  const char * const vi[] = { "LANGUAGE=vi", "LC_ALL=C.UTF-8", NULL };
  g_auto(McToolRun) run = { 0 };
  g_autofree char *text = NULL;
  int status = 0;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (pdftotext);
  for (guint i = 0; i < 7; i++)
    add_filing (db, "22333", i % 2 ? "Quầy 1" : "Quầy 2", "1.004222", i % 3 ? "residence" : "paper", "2025-08-05");
  add_filing (db, "22330", "Quầy 1", "1.001193", "national", "2025-06-30");

  mc_tool_run (&run, vi, MC_ARGS ("ledger", "report", "--db", db, "--from", "2025-06-01", "--to", "2025-08-31",
                                  "--ward", "22333", "--format", "pdf", "-o", pdf));
  g_assert_cmpint (run.status, ==, 0);
  {
    const char *argv[] = { pdftotext, "-layout", pdf, "-", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &text, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_assert_nonnull (strstr (text, "Người lập biểu"));
  g_assert_nonnull (strstr (text, "Thủ trưởng đơn vị"));
  g_assert_nonnull (strstr (text, "PHƯỜNG BẮC NHA TRANG"));
  g_assert_nonnull (strstr (text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
  g_assert_nonnull (strstr (text, "Phường Vĩnh Hải"));
  g_assert_nonnull (strstr (text, "Đăng ký thường trú"));
  {
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
    guint totals = 0;

    for (guint i = 0; lines[i]; i++)
      {
        g_autofree char *line = g_strstrip (g_strdup (lines[i]));
        g_auto(GStrv) words = NULL;

        if (!g_str_has_prefix (line, "Tổng cộng"))
          continue;
        words = g_strsplit_set (line, " ", -1);
        for (guint w = 0; words[w]; w++)
          if (g_str_equal (words[w], "8"))
            {
              totals++;
              break;
            }
      }
    g_assert_cmpuint (totals, ==, 2);
  }
}

static void
test_bundle_through_tool (void)
{
  g_autofree char *counter = mc_test_ledger_path (tmpdir, "counter.sqlite");
  g_autofree char *supervisor = mc_test_ledger_path (tmpdir, "supervisor.sqlite");
  g_autofree char *bundle = mc_test_ledger_path (tmpdir, "quay-1.jsonl");
  g_autofree char *cut = mc_test_ledger_path (tmpdir, "cut.jsonl");
  g_auto(McToolRun) export = { 0 };
  g_auto(McToolRun) first = { 0 };
  g_auto(McToolRun) second = { 0 };
  g_auto(McToolRun) broken = { 0 };
  g_autofree char *text = NULL;

  for (guint i = 0; i < 5; i++)
    add_filing (counter, "22333", "Quầy 1", "2.000815", "provincial", "2025-08-01");

  mc_tool_run (&export, NULL, MC_ARGS ("ledger", "export", "--db", counter, bundle));
  g_assert_cmpint (export.status, ==, 0);
  g_assert_nonnull (strstr (export.out, "5 events"));

  mc_tool_run (&first, NULL, MC_ARGS ("ledger", "import", "--db", supervisor, bundle));
  g_assert_cmpint (first.status, ==, 0);
  g_assert_cmpstr (first.out, ==, "Added 5 events; 0 were already in the ledger.\n");
  mc_tool_run (&second, NULL, MC_ARGS ("ledger", "import", "--db", supervisor, bundle));
  g_assert_cmpint (second.status, ==, 0);
  g_assert_cmpstr (second.out, ==, "Added 0 events; 5 were already in the ledger.\n");

  g_assert_true (g_file_get_contents (bundle, &text, NULL, NULL));
  *strstr (text, "{\"format\":\"motcua-ledger-bundle-end\"") = '\0';
  mc_test_write_file (cut, text);
  mc_tool_run (&broken, NULL, MC_ARGS ("ledger", "import", "--db", supervisor, cut));
  g_assert_cmpint (broken.status, ==, 47);
  g_assert_nonnull (strstr (broken.err, "cut short"));
  g_assert_cmpint (mc_test_sql_int (supervisor, "SELECT count(*) FROM events"), ==, 5);
}

/* Each way a ledger file can be wrong has its own exit code, and the file
 * is never changed. */
/* Counts of this month changed behind the ledger's back (the guards
 * dropped): the check at open finds it, and every report says so. */
static void
test_report_marks_mismatch (void)
{
  g_autofree char *path = mc_test_ledger_path (tmpdir, "mismatch.sqlite");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  sqlite3 *db = NULL;

  add_filing (path, "22333", "Quầy 1", "1.001193", "national", today);
  add_filing (path, "22333", "Quầy 1", "1.001193", "national", today);
  add_filing (path, "22333", "Quầy 1", "1.001193", "national", today);
  {
    g_auto(McToolRun) run = { 0 };

    mc_tool_run (&run, NULL, MC_ARGS ("ledger", "report", "--db", path, "--by", "counter"));
    g_assert_cmpint (run.status, ==, 0);
    g_assert_null (strstr (run.out, "WARNING"));
  }

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER day_counter_guard_update;"
                                 "DROP TRIGGER day_procedure_channel_guard_update;"
                                 "UPDATE day_counter SET n = 299;"
                                 "UPDATE day_procedure_channel SET n = 299;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  {
    g_auto(McToolRun) table = { 0 };
    g_auto(McToolRun) json = { 0 };
    g_auto(McToolRun) pdf = { 0 };
    g_auto(McToolRun) vi = { 0 };
    g_autofree char *out = mc_test_ledger_path (tmpdir, "mismatch.pdf");

    mc_tool_run (&table, NULL, MC_ARGS ("ledger", "report", "--db", path, "--by", "counter"));
    g_test_message ("%s%s", table.out, table.err);
    g_assert_cmpint (table.status, ==, 44);
    g_assert_true (g_str_has_prefix (table.out, "WARNING: the counts in this ledger do not match"));
    g_assert_nonnull (strstr (table.out, "299"));
    g_assert_nonnull (strstr (table.err, "do not match the recorded filings"));

    mc_tool_run (&json, NULL, MC_ARGS ("ledger", "report", "--db", path, "--format", "json"));
    g_assert_cmpint (json.status, ==, 44);
    g_assert_nonnull (strstr (json.out, "\"ledger_problems\""));

    mc_tool_run (&pdf, NULL, MC_ARGS ("ledger", "report", "--db", path, "--format", "pdf", "-o", out));
    g_assert_cmpint (pdf.status, ==, 44);
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

    mc_tool_run (&vi, (const char * const[]) { "LANGUAGE=vi", "LC_ALL=C.UTF-8", NULL },
                 MC_ARGS ("ledger", "report", "--db", path));
    g_assert_cmpint (vi.status, ==, 44);
    g_assert_nonnull (strstr (vi.out, "CẢNH BÁO"));
  }
}

static void
test_exit_codes (void)
{
  g_autofree char *missing = mc_test_ledger_path (tmpdir, "missing.sqlite");
  g_autofree char *text = mc_test_ledger_path (tmpdir, "notes.sqlite");
  g_autofree char *newer = mc_test_ledger_path (tmpdir, "newer.sqlite");
  g_autofree char *skewed = mc_test_ledger_path (tmpdir, "skewed.sqlite");
  g_autofree char *good = mc_test_ledger_path (tmpdir, "good.sqlite");
  g_autofree char *digest = NULL;
  g_autofree char *digest_after = NULL;
  sqlite3 *db = NULL;

  {
    g_auto(McToolRun) run = { 0 };

    mc_tool_run (&run, NULL, MC_ARGS ("ledger", "report", "--db", missing));
    g_assert_cmpint (run.status, ==, 41);
    g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  }

  mc_test_write_file (text, "Danh sách công việc\n1. Nộp báo cáo tháng\n");
  digest = mc_test_file_digest (text);
  {
    g_auto(McToolRun) report = { 0 };
    g_auto(McToolRun) add = { 0 };
    g_auto(McToolRun) vi = { 0 };

    mc_tool_run (&report, NULL, MC_ARGS ("ledger", "check", "--db", text));
    g_assert_cmpint (report.status, ==, 42);
    g_assert_nonnull (strstr (report.err, "not an SQLite database"));
    mc_tool_run (&add, NULL, MC_ARGS ("ledger", "add", "--db", text, "--ward", "22333", "--counter", "Q",
                                      "--procedure", "1.001193", "--channel", "paper"));
    g_assert_cmpint (add.status, ==, 42);
    mc_tool_run (&vi, (const char * const[]) { "LANGUAGE=vi", "LC_ALL=C.UTF-8", NULL },
                 MC_ARGS ("ledger", "report", "--db", text));
    g_assert_cmpint (vi.status, ==, 42);
    g_assert_nonnull (strstr (vi.err, "không phải"));
  }
  digest_after = mc_test_file_digest (text);
  g_assert_cmpstr (digest, ==, digest_after);

  add_filing (newer, "22333", "Quầy 1", "1.001193", "national", "2025-08-01");
  g_assert_cmpint (sqlite3_open (newer, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 9", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  {
    g_auto(McToolRun) run = { 0 };

    mc_tool_run (&run, NULL, MC_ARGS ("ledger", "report", "--db", newer));
    g_assert_cmpint (run.status, ==, 43);
  }

  /* A summary changed behind the ledger's back: the check finds it. */
  add_filing (skewed, "22333", "Quầy 1", "1.001193", "national", "2025-08-01");
  add_filing (skewed, "22333", "Quầy 1", "1.001193", "national", "2025-08-02");
  g_assert_cmpint (sqlite3_open (skewed, &db), ==, SQLITE_OK);
  /* The guard is dropped first, as a determined user with sqlite3 would. */
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER day_counter_guard_update;"
                                 "UPDATE day_counter SET n = n + 1 WHERE local_date = '2025-08-02'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  {
    g_auto(McToolRun) check = { 0 };
    g_auto(McToolRun) pdf = { 0 };
    g_autofree char *out = mc_test_ledger_path (tmpdir, "skewed.pdf");

    mc_tool_run (&check, NULL, MC_ARGS ("ledger", "check", "--db", skewed));
    g_assert_cmpint (check.status, ==, 44);
    g_assert_nonnull (strstr (check.err, "disagree"));
    /* Nor does a report print figures that do not add up. */
    mc_tool_run (&pdf, NULL, MC_ARGS ("ledger", "report", "--db", skewed, "--from", "2025-08-01", "--to", "2025-08-31",
                                      "--format", "pdf", "-o", out));
    g_assert_cmpint (pdf.status, ==, 44);
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }

  {
    g_auto(McToolRun) id_number = { 0 };
    g_auto(McToolRun) check = { 0 };

    mc_tool_run (&id_number, NULL, MC_ARGS ("ledger", "add", "--db", good, "--ward", "22333", "--counter", "Q",
                                            "--procedure", "1.001193", "--channel", "national",
                                            "--receipt", "056090001234"));
    g_assert_cmpint (id_number.status, ==, 46);
    g_assert_nonnull (strstr (id_number.err, "ID card"));
    mc_tool_run (&check, NULL, MC_ARGS ("ledger", "check", "--db", good));
    g_assert_cmpint (check.status, ==, 0);
    g_assert_nonnull (strstr (check.out, "0 events"));
  }
}

/* ---- Several processes ------------------------------------------------- */

static GSubprocess *
spawn_writer (const char *db,
              guint       count,
              const char *counter)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *n = g_strdup_printf ("%u", count);
  GSubprocess *proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                        g_getenv ("MOTCUA_LEDGER_WRITER"), db, n, counter, NULL);

  g_assert_no_error (error);
  return proc;
}

/* The UUIDs a writer acknowledged: complete lines only. */
static GPtrArray *
read_acks (GSubprocess *proc,
           guint        stop_after,
           gboolean     kill_then)
{
  GPtrArray *acks = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  g_autoptr(GError) error = NULL;
  char *line;
  gsize len;

  while ((line = g_data_input_stream_read_line (in, &len, NULL, &error)) != NULL)
    {
      if (g_uuid_string_is_valid (line))
        g_ptr_array_add (acks, line);
      else
        g_free (line);
      if (kill_then && acks->len == stop_after)
        {
          /* A little later, anywhere in the next transactions. */
          g_usleep ((gulong) g_test_rand_int_range (0, 3000));
          g_subprocess_send_signal (proc, SIGKILL);
          kill_then = FALSE;
        }
    }
  g_assert_no_error (error);
  return acks;
}

static GHashTable *
stored_uuids (const char *path)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT uuid FROM events", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (set, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return set;
}

static void
assert_tool_check_passes (const char *db)
{
  g_auto(McToolRun) check = { 0 };

  mc_tool_run (&check, NULL, MC_ARGS ("ledger", "check", "--db", db));
  if (check.status != 0)
    g_test_message ("%s%s", check.out, check.err);
  g_assert_cmpint (check.status, ==, 0);
  g_assert_nonnull (strstr (check.out, "No problems found."));
}

static void
test_two_writers (void)
{
  g_autofree char *db = mc_test_ledger_path (tmpdir, "two-writers.sqlite");
  g_autoptr(GSubprocess) a = NULL;
  g_autoptr(GSubprocess) b = NULL;
  g_autoptr(GPtrArray) acks_a = NULL;
  g_autoptr(GPtrArray) acks_b = NULL;
  g_autoptr(GHashTable) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(McToolRun) report = { 0 };
  gint64 start = g_get_monotonic_time ();

  /* Both start on an empty path: they also race to create the ledger. */
  a = spawn_writer (db, 1000, "Quầy 1");
  b = spawn_writer (db, 1000, "Quầy 2");
  acks_a = read_acks (a, 0, FALSE);
  acks_b = read_acks (b, 0, FALSE);
  g_subprocess_wait_check (a, NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (b, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("two writers, 2000 filings: %.1f s", (g_get_monotonic_time () - start) / 1e6);

  g_assert_cmpuint (acks_a->len, ==, 1000);
  g_assert_cmpuint (acks_b->len, ==, 1000);
  stored = stored_uuids (db);
  g_assert_cmpuint (g_hash_table_size (stored), ==, 2000);
  for (guint i = 0; i < 1000; i++)
    {
      g_assert_true (g_hash_table_contains (stored, g_ptr_array_index (acks_a, i)));
      g_assert_true (g_hash_table_contains (stored, g_ptr_array_index (acks_b, i)));
    }

  mc_tool_run (&report, NULL, MC_ARGS ("ledger", "report", "--db", db, "--by", "counter", "--format", "csv"));
  g_assert_cmpint (report.status, ==, 0);
  /* Over every ward, each counter is named with its ward. */
  g_assert_nonnull (strstr (report.out, "Quầy 1@bac-nha-trang,Quầy 1 (Phường Bắc Nha Trang),1000\r\n"));
  g_assert_nonnull (strstr (report.out, "Quầy 2@bac-nha-trang,Quầy 2 (Phường Bắc Nha Trang),1000\r\n"));
  g_assert_nonnull (strstr (report.out, ",Total,2000\r\n"));
  assert_tool_check_passes (db);
}

static void
test_writer_killed (void)
{
  g_autofree char *db = mc_test_ledger_path (tmpdir, "killed.sqlite");
  g_autoptr(GSubprocess) writer = spawn_writer (db, 100000, "Quầy 1");
  g_autoptr(GPtrArray) acks = NULL;
  g_autoptr(GHashTable) stored = NULL;
  g_autoptr(GError) error = NULL;

  /* Killed while writing, somewhere after the 300th acknowledgement. */
  acks = read_acks (writer, 300, TRUE);
  g_subprocess_wait (writer, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (writer));
  g_assert_cmpint (g_subprocess_get_term_sig (writer), ==, SIGKILL);
  g_assert_cmpuint (acks->len, >=, 300);
  g_assert_cmpuint (acks->len, <, 100000);

  /* Every acknowledged filing is there; at most the one in flight is
   * also there, never half of anything. */
  stored = stored_uuids (db);
  for (guint i = 0; i < acks->len; i++)
    g_assert_true (g_hash_table_contains (stored, g_ptr_array_index (acks, i)));
  g_assert_cmpuint (g_hash_table_size (stored), >=, acks->len);
  g_assert_cmpuint (g_hash_table_size (stored), <=, acks->len + 1);
  g_test_message ("acknowledged %u, stored %u", acks->len, g_hash_table_size (stored));
  assert_tool_check_passes (db);

  /* And the ledger goes on taking filings. */
  add_filing (db, "22333", "Quầy 1", "1.001193", "national", "2025-08-01");
  assert_tool_check_passes (db);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  mc_test_init (&argc, &argv);
  g_assert_nonnull (g_getenv ("MOTCUA_LEDGER_WRITER"));
  tmpdir = mc_test_make_tmpdir ("ledger-tool");

  g_test_add_func ("/ledger-tool/help", test_help);
  g_test_add_func ("/ledger-tool/usage-errors", test_usage_errors);
  g_test_add_func ("/ledger-tool/report/json-shape", test_report_json_shape);
  g_test_add_func ("/ledger-tool/report/csv-by-procedure", test_report_csv_by_procedure);
  g_test_add_func ("/ledger-tool/report/pdf-in-vietnamese", test_pdf_in_vietnamese);
  g_test_add_func ("/ledger-tool/report/by-counter-every-ward", test_report_by_counter_every_ward);
  g_test_add_func ("/ledger-tool/bundle", test_bundle_through_tool);
  g_test_add_func ("/ledger-tool/exit-codes", test_exit_codes);
  g_test_add_func ("/ledger-tool/report/marks-mismatch", test_report_marks_mismatch);
  g_test_add_func ("/ledger-tool/two-writers", test_two_writers);
  g_test_add_func ("/ledger-tool/writer-killed", test_writer_killed);

  ret = g_test_run ();
  mc_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return ret;
}
