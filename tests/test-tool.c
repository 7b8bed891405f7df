/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>

#include "mc-test-tool.h"
#include "mc-test-util.h"

static void
test_version (void)
{
  g_auto(McToolRun) run = { 0 };

  mc_tool_run (&run, NULL, MC_ARGS ("--version"));
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "motcua-tool " PACKAGE_VERSION "\n");
}

static void
test_help (void)
{
  g_auto(McToolRun) run = { 0 };

  mc_tool_run (&run, NULL, MC_ARGS ("--help"));
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "wards [--json] [--on DATE]"));
  /* Exit codes are part of the help. */
  g_assert_nonnull (strstr (run.out, "Exit codes:"));
  g_assert_nonnull (strstr (run.out, "  2  "));
  g_assert_nonnull (strstr (run.out, "  3  "));
}

static void
test_usage_errors (void)
{
  g_auto(McToolRun) none = { 0 };
  g_auto(McToolRun) unknown = { 0 };
  g_auto(McToolRun) bad_date = { 0 };
  g_auto(McToolRun) bad_option = { 0 };
  g_auto(McToolRun) extra = { 0 };

  mc_tool_run (&none, NULL, (const char * const[]) { NULL });
  g_assert_cmpint (none.status, ==, 2);
  g_assert_nonnull (strstr (none.err, "Usage: motcua-tool COMMAND"));

  mc_tool_run (&unknown, NULL, MC_ARGS ("frobnicate"));
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "frobnicate"));
  g_assert_cmpstr (unknown.out, ==, "");

  mc_tool_run (&bad_date, NULL, MC_ARGS ("wards", "--on", "01/07/2025"));
  g_assert_cmpint (bad_date.status, ==, 2);
  g_assert_nonnull (strstr (bad_date.err, "01/07/2025"));

  mc_tool_run (&bad_option, NULL, MC_ARGS ("wards", "--colour"));
  g_assert_cmpint (bad_option.status, ==, 2);

  mc_tool_run (&extra, NULL, MC_ARGS ("wards", "extra"));
  g_assert_cmpint (extra.status, ==, 2);
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
test_wards_json (void)
{
  g_auto(McToolRun) now = { 0 };
  g_auto(McToolRun) before = { 0 };
  g_autoptr(JsonObject) now_obj = NULL;
  g_autoptr(JsonObject) before_obj = NULL;
  JsonArray *units;
  JsonObject *bac;

  mc_tool_run (&now, NULL, MC_ARGS ("wards", "--json", "--on", "2026-01-01"));
  g_assert_cmpint (now.status, ==, 0);
  now_obj = parse_object (now.out);
  g_assert_cmpstr (json_object_get_string_member (now_obj, "on"), ==, "2026-01-01");
  units = json_object_get_array_member (now_obj, "units");
  g_assert_cmpuint (json_array_get_length (units), ==, 4);
  g_assert_cmpint (json_object_get_int_member (now_obj, "count"), ==, 4);
  bac = json_array_get_object_element (units, 1);
  g_assert_cmpstr (json_object_get_string_member (bac, "name"), ==, "Phường Bắc Nha Trang");
  g_assert_cmpstr (json_object_get_string_member (bac, "code"), ==, "22333");
  g_assert_cmpstr (json_object_get_string_member (bac, "from"), ==, "2025-07-01");
  g_assert_true (json_object_get_null_member (bac, "until"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (bac, "merged_from")), ==, 6);

  mc_tool_run (&before, NULL, MC_ARGS ("wards", "--json", "--on", "2024-06-01"));
  g_assert_cmpint (before.status, ==, 0);
  before_obj = parse_object (before.out);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (before_obj, "units")), ==, 27);
}

static void
test_wards_table (void)
{
  g_auto(McToolRun) run = { 0 };

  mc_tool_run (&run, NULL, MC_ARGS ("wards", "--on", "2025-01-01"));
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "22 units in effect on 2025-01-01"));
  g_assert_nonnull (strstr (run.out, "Phường Tân Tiến"));
  g_assert_nonnull (strstr (run.out, "Phường Phước Tân, Phường Phước Tiến, Phường Tân Lập"));
}

static void
test_wards_bad_catalog (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("tool");
  g_autofree char *path = g_build_filename (dir, "wards.json", NULL);
  g_auto(McToolRun) run = { 0 };
  g_auto(McToolRun) missing = { 0 };

  mc_test_write_file (path, "{\"format\": 1, \"province\": {\"code\": \"56\", \"name\": \"x\"}, \"units\": [{\"id\": \"a\"}]}");
  mc_tool_run (&run, NULL, MC_ARGS ("wards", "--catalog", path));
  g_assert_cmpint (run.status, ==, 3);
  g_assert_nonnull (strstr (run.err, "wards.json"));
  g_assert_nonnull (strstr (run.err, "code"));
  g_assert_cmpstr (run.out, ==, "");

  mc_tool_run (&missing, NULL, MC_ARGS ("wards", "--catalog", "/nonexistent/wards.json"));
  g_assert_cmpint (missing.status, ==, 3);

  mc_test_rm_rf (dir);
}

/* A broken override in the config dir is an error for the tool: a script
 * must not silently report on the wrong list. */
static void
test_wards_broken_override (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("tool-config");
  g_autofree char *sub = g_build_filename (dir, "motcua", NULL);
  g_autofree char *path = g_build_filename (sub, "wards.json", NULL);
  g_autofree char *env = g_strdup_printf ("XDG_CONFIG_HOME=%s", dir);
  g_auto(McToolRun) run = { 0 };

  g_mkdir_with_parents (sub, 0700);
  mc_test_write_file (path, "not json");
  mc_tool_run (&run, (const char * const[]) { env, NULL }, MC_ARGS ("wards"));
  g_assert_cmpint (run.status, ==, 3);
  g_assert_nonnull (strstr (run.err, "JSON"));

  mc_test_rm_rf (dir);
}

static void
test_vietnamese_messages (void)
{
  g_auto(McToolRun) run = { 0 };
  g_auto(McToolRun) table = { 0 };

  mc_tool_run (&run, (const char * const[]) { "LANGUAGE=vi", "LC_ALL=C.UTF-8", NULL },
               MC_ARGS ("frobnicate"));
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "không có lệnh"));

  mc_tool_run (&table, (const char * const[]) { "LANGUAGE=vi", "LC_ALL=C.UTF-8", NULL },
               MC_ARGS ("wards", "--on", "2026-01-01"));
  g_assert_cmpint (table.status, ==, 0);
  g_assert_nonnull (strstr (table.out, "đơn vị"));
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);

  g_test_add_func ("/tool/version", test_version);
  g_test_add_func ("/tool/help", test_help);
  g_test_add_func ("/tool/usage-errors", test_usage_errors);
  g_test_add_func ("/tool/wards/json", test_wards_json);
  g_test_add_func ("/tool/wards/table", test_wards_table);
  g_test_add_func ("/tool/wards/bad-catalog", test_wards_bad_catalog);
  g_test_add_func ("/tool/wards/broken-override", test_wards_broken_override);
  g_test_add_func ("/tool/vietnamese", test_vietnamese_messages);

  return g_test_run ();
}
