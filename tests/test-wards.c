/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-error.h"
#include "mc-ward-catalog.h"
#include "mc-test-util.h"

static McDay
day (const char *text)
{
  McDay d;

  g_assert_true (mc_day_parse (text, &d));
  return d;
}

static guint
count_on (McWardCatalog *catalog,
          const char    *text)
{
  g_autoptr(GPtrArray) units = mc_ward_catalog_units_on (catalog, day (text));

  return units->len;
}

static void
test_builtin_periods (void)
{
  g_autoptr(McWardCatalog) catalog = mc_ward_catalog_new_builtin ();

  g_assert_cmpstr (mc_ward_catalog_get_province_code (catalog), ==, "56");
  g_assert_cmpuint (count_on (catalog, "2020-01-01"), ==, 27);
  g_assert_cmpuint (count_on (catalog, "2024-06-01"), ==, 27);
  g_assert_cmpuint (count_on (catalog, "2024-10-31"), ==, 27);
  g_assert_cmpuint (count_on (catalog, "2024-11-01"), ==, 22);
  g_assert_cmpuint (count_on (catalog, "2025-06-30"), ==, 22);
  g_assert_cmpuint (count_on (catalog, "2025-07-01"), ==, 4);
  g_assert_cmpuint (count_on (catalog, "2026-01-01"), ==, 4);
}

static void
test_builtin_current_wards (void)
{
  g_autoptr(McWardCatalog) catalog = mc_ward_catalog_new_builtin ();
  g_autoptr(GPtrArray) units = mc_ward_catalog_units_on (catalog, day ("2026-01-01"));
  const char *expected[][2] = {
    { "22366", "Phường Nha Trang" },
    { "22333", "Phường Bắc Nha Trang" },
    { "22390", "Phường Tây Nha Trang" },
    { "22402", "Phường Nam Nha Trang" },
  };

  g_assert_cmpuint (units->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < units->len; i++)
    {
      const McWardUnit *unit = g_ptr_array_index (units, i);

      g_assert_cmpstr (mc_ward_unit_get_code (unit), ==, expected[i][0]);
      g_assert_cmpstr (mc_ward_unit_get_name (unit), ==, expected[i][1]);
      g_assert_cmpuint (mc_ward_unit_get_from (unit), ==, day ("2025-07-01"));
      g_assert_null (mc_ward_unit_get_successor (unit));
    }
}

/* The same GSO code names different units in different periods. */
static void
test_code_reuse (void)
{
  g_autoptr(McWardCatalog) catalog = mc_ward_catalog_new_builtin ();

  g_assert_cmpstr (mc_ward_unit_get_name (mc_ward_catalog_lookup (catalog, "22366", day ("2024-06-01"))),
                   ==, "Phường Phước Tiến");
  g_assert_cmpstr (mc_ward_unit_get_name (mc_ward_catalog_lookup (catalog, "22366", day ("2025-01-01"))),
                   ==, "Phường Tân Tiến");
  g_assert_cmpstr (mc_ward_unit_get_name (mc_ward_catalog_lookup (catalog, "22366", day ("2026-01-01"))),
                   ==, "Phường Nha Trang");
  g_assert_cmpstr (mc_ward_unit_get_name (mc_ward_catalog_lookup (catalog, "22333", day ("2025-06-30"))),
                   ==, "Phường Vĩnh Phước");
  g_assert_cmpstr (mc_ward_unit_get_name (mc_ward_catalog_lookup (catalog, "22333", day ("2025-07-01"))),
                   ==, "Phường Bắc Nha Trang");
  /* Xương Huân's code is not in use after its merge. */
  g_assert_null (mc_ward_catalog_lookup (catalog, "22342", day ("2025-01-01")));
  g_assert_null (mc_ward_catalog_lookup (catalog, "99999", day ("2025-01-01")));
}

static void
test_roll_up (void)
{
  g_autoptr(McWardCatalog) catalog = mc_ward_catalog_new_builtin ();
  const McWardUnit *vinh_hai = mc_ward_catalog_lookup (catalog, "22330", day ("2024-06-01"));
  const McWardUnit *xuong_huan = mc_ward_catalog_lookup_id (catalog, "xuong-huan");
  const McWardUnit *bac = mc_ward_catalog_lookup_id (catalog, "bac-nha-trang");
  const McWardUnit *nha_trang = mc_ward_catalog_lookup_id (catalog, "nha-trang");
  const McWardUnit *van_thanh = mc_ward_catalog_lookup_id (catalog, "van-thanh");
  g_autoptr(GPtrArray) into_bac = NULL;
  g_autoptr(GPtrArray) into_nha_trang = NULL;
  gboolean has_vinh_hai = FALSE, has_xuong_huan = FALSE, has_tan_tien = FALSE;

  g_assert_nonnull (vinh_hai);
  g_assert_true (mc_ward_catalog_resolve (catalog, vinh_hai, day ("2025-06-30")) == vinh_hai);
  g_assert_true (mc_ward_catalog_resolve (catalog, vinh_hai, day ("2026-03-01")) == bac);
  /* Two hops: Xương Huân → Vạn Thạnh (Nov 2024) → Nha Trang (Jul 2025). */
  g_assert_true (mc_ward_catalog_resolve (catalog, xuong_huan, day ("2025-01-01")) == van_thanh);
  g_assert_true (mc_ward_catalog_resolve (catalog, xuong_huan, day ("2025-07-01")) == nha_trang);
  /* A unit that did not exist yet resolves to nothing. */
  g_assert_null (mc_ward_catalog_resolve (catalog, bac, day ("2024-01-01")));

  into_bac = mc_ward_catalog_predecessors (catalog, bac);
  g_assert_cmpuint (into_bac->len, ==, 6);
  for (guint i = 0; i < into_bac->len; i++)
    if (g_ptr_array_index (into_bac, i) == vinh_hai)
      has_vinh_hai = TRUE;
  g_assert_true (has_vinh_hai);

  /* Vạn Thạnh, Lộc Thọ, Vĩnh Nguyên, Tân Tiến, Phước Hòa, and through them
   * Xương Huân, Vạn Thắng, Phước Tân, Phước Tiến, Tân Lập. */
  into_nha_trang = mc_ward_catalog_predecessors (catalog, nha_trang);
  g_assert_cmpuint (into_nha_trang->len, ==, 10);
  for (guint i = 0; i < into_nha_trang->len; i++)
    {
      const char *id = mc_ward_unit_get_id (g_ptr_array_index (into_nha_trang, i));

      has_xuong_huan |= g_str_equal (id, "xuong-huan");
      has_tan_tien |= g_str_equal (id, "tan-tien");
    }
  g_assert_true (has_xuong_huan);
  g_assert_true (has_tan_tien);
}

/* Every unit of the 2024 list ends in exactly one of the 4 current wards. */
static void
test_every_unit_rolls_up (void)
{
  g_autoptr(McWardCatalog) catalog = mc_ward_catalog_new_builtin ();
  McDay today = day ("2026-06-01");

  for (guint i = 0; i < mc_ward_catalog_get_n_units (catalog); i++)
    {
      const McWardUnit *unit = mc_ward_catalog_get_unit (catalog, i);
      const McWardUnit *now = mc_ward_catalog_resolve (catalog, unit, today);

      g_assert_nonnull (now);
      g_assert_null (mc_ward_unit_get_successor (now));
      g_assert_true (mc_ward_unit_is_valid_on (now, today));
    }
}

static void
test_lookup_current (void)
{
  g_autoptr(McWardCatalog) catalog = mc_ward_catalog_new_builtin ();

  /* A counter configured with Vĩnh Hải's code before July 2025. */
  g_assert_cmpstr (mc_ward_unit_get_id (mc_ward_catalog_lookup_current (catalog, "22330", day ("2026-01-01"))),
                   ==, "bac-nha-trang");
  /* A reused code means the unit that holds it now. */
  g_assert_cmpstr (mc_ward_unit_get_id (mc_ward_catalog_lookup_current (catalog, "22366", day ("2026-01-01"))),
                   ==, "nha-trang");
  g_assert_null (mc_ward_catalog_lookup_current (catalog, "", day ("2026-01-01")));
  g_assert_null (mc_ward_catalog_lookup_current (catalog, "12345", day ("2026-01-01")));
}

typedef struct {
  const char *name;
  const char *json;
  int         code;
  const char *must_mention;
} BadCase;

#define UNIT_A "{\"id\":\"a\",\"code\":\"10001\",\"name\":\"Phường A\",\"kind\":\"phuong\",\"until\":\"2020-12-31\",\"into\":\"b\"}"
#define UNIT_B "{\"id\":\"b\",\"code\":\"10002\",\"name\":\"Phường B\",\"kind\":\"phuong\",\"from\":\"2021-01-01\"}"
#define WRAP(units) "{\"format\":1,\"province\":{\"code\":\"56\",\"name\":\"T\"},\"units\":[" units "]}"

static const BadCase bad_cases[] = {
  { "empty", "", MC_DATA_ERROR_SYNTAX, "empty" },
  { "syntax", "{\"format\": 1,\n \"units\": [\n  {,}\n]}", MC_DATA_ERROR_SYNTAX, "3:" },
  { "not-object", "[1, 2]", MC_DATA_ERROR_INVALID, "top level" },
  { "no-format", "{\"units\": []}", MC_DATA_ERROR_INVALID, "format" },
  { "format-2", "{\"format\": 2}", MC_DATA_ERROR_UNSUPPORTED_FORMAT, "2" },
  { "format-string", "{\"format\": \"1\"}", MC_DATA_ERROR_INVALID, "format" },
  { "no-units", "{\"format\":1,\"province\":{\"code\":\"56\",\"name\":\"T\"}}", MC_DATA_ERROR_INVALID, "units" },
  { "units-empty", WRAP (""), MC_DATA_ERROR_INVALID, "empty" },
  { "unit-not-object", WRAP ("42"), MC_DATA_ERROR_INVALID, "unit 1" },
  { "bad-id", WRAP ("{\"id\":\"Vĩnh Hải\",\"code\":\"10001\",\"name\":\"x\",\"kind\":\"xa\"}"), MC_DATA_ERROR_INVALID, "Vĩnh Hải" },
  { "code-number", WRAP ("{\"id\":\"a\",\"code\":10001,\"name\":\"x\",\"kind\":\"xa\"}"), MC_DATA_ERROR_INVALID, "code" },
  { "code-short", WRAP ("{\"id\":\"a\",\"code\":\"1001\",\"name\":\"x\",\"kind\":\"xa\"}"), MC_DATA_ERROR_INVALID, "1001" },
  { "no-name", WRAP ("{\"id\":\"a\",\"code\":\"10001\",\"kind\":\"xa\"}"), MC_DATA_ERROR_INVALID, "name" },
  { "bad-kind", WRAP ("{\"id\":\"a\",\"code\":\"10001\",\"name\":\"x\",\"kind\":\"city\"}"), MC_DATA_ERROR_INVALID, "city" },
  { "bad-date", WRAP ("{\"id\":\"a\",\"code\":\"10001\",\"name\":\"x\",\"kind\":\"xa\",\"until\":\"31/12/2020\"}"), MC_DATA_ERROR_INVALID, "31/12/2020" },
  { "impossible-date", WRAP ("{\"id\":\"a\",\"code\":\"10001\",\"name\":\"x\",\"kind\":\"xa\",\"from\":\"2021-02-30\"}"), MC_DATA_ERROR_INVALID, "2021-02-30" },
  { "from-after-until", WRAP ("{\"id\":\"a\",\"code\":\"10001\",\"name\":\"x\",\"kind\":\"xa\",\"from\":\"2022-01-01\",\"until\":\"2021-01-01\"}"), MC_DATA_ERROR_INVALID, "from" },
  { "into-without-until", WRAP ("{\"id\":\"a\",\"code\":\"10001\",\"name\":\"x\",\"kind\":\"xa\",\"into\":\"b\"}," UNIT_B), MC_DATA_ERROR_INVALID, "until" },
  { "duplicate-id", WRAP (UNIT_B "," UNIT_B), MC_DATA_ERROR_INVALID, "twice" },
  { "unknown-successor", WRAP (UNIT_A), MC_DATA_ERROR_INVALID, "“b”" },
  { "successor-gap", WRAP ("{\"id\":\"a\",\"code\":\"10001\",\"name\":\"x\",\"kind\":\"xa\",\"until\":\"2020-06-30\",\"into\":\"b\"}," UNIT_B), MC_DATA_ERROR_INVALID, "“a”" },
  { "code-overlap", WRAP (UNIT_B ",{\"id\":\"c\",\"code\":\"10002\",\"name\":\"x\",\"kind\":\"xa\"}"), MC_DATA_ERROR_INVALID, "10002" },
  { "district-not-object", WRAP ("{\"id\":\"a\",\"code\":\"10001\",\"name\":\"x\",\"kind\":\"xa\",\"district\":\"568\"}"), MC_DATA_ERROR_INVALID, "district" },
};

static void
test_malformed (gconstpointer data)
{
  const BadCase *bad = data;
  g_autoptr(GBytes) bytes = g_bytes_new_static (bad->json, strlen (bad->json));
  g_autoptr(GError) error = NULL;
  g_autoptr(McWardCatalog) catalog = mc_ward_catalog_new_from_bytes (bytes, "test.json", &error);

  g_assert_null (catalog);
  g_assert_error (error, MC_DATA_ERROR, bad->code);
  g_assert_true (g_str_has_prefix (error->message, "test.json"));
  if (strstr (error->message, bad->must_mention) == NULL)
    g_error ("message “%s” does not mention “%s”", error->message, bad->must_mention);
}

static void
test_valid_minimal (void)
{
  const char *json = WRAP (UNIT_A "," UNIT_B);
  g_autoptr(GBytes) bytes = g_bytes_new_static (json, strlen (json));
  g_autoptr(GError) error = NULL;
  g_autoptr(McWardCatalog) catalog = mc_ward_catalog_new_from_bytes (bytes, "ok.json", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (mc_ward_catalog_get_n_units (catalog), ==, 2);
  g_assert_true (mc_ward_unit_get_successor (mc_ward_catalog_lookup_id (catalog, "a")) ==
                 mc_ward_catalog_lookup_id (catalog, "b"));
}

static void
test_not_utf8 (void)
{
  static const char data[] = "{\"format\":1,\"x\":\"\xff\xfe\"}";
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, sizeof data - 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(McWardCatalog) catalog = mc_ward_catalog_new_from_bytes (bytes, "latin1.json", &error);

  g_assert_null (catalog);
  g_assert_error (error, MC_DATA_ERROR, MC_DATA_ERROR_SYNTAX);
}

static void
test_missing_file (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/wards.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(McWardCatalog) catalog = mc_ward_catalog_new_from_file (file, &error);

  g_assert_null (catalog);
  g_assert_error (error, MC_DATA_ERROR, MC_DATA_ERROR_NOT_FOUND);
}

static void
test_override (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "motcua", NULL);
  g_autofree char *path = g_build_filename (dir, "wards.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(McWardCatalog) good = NULL;
  g_autoptr(McWardCatalog) broken = NULL;
  g_autoptr(McWardCatalog) none = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  /* A valid override replaces the built-in list. */
  mc_test_write_file (path, WRAP (UNIT_A "," UNIT_B));
  good = mc_ward_catalog_load (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (mc_ward_catalog_get_n_units (good), ==, 2);
  g_assert_true (g_str_has_suffix (mc_ward_catalog_get_origin (good), "motcua/wards.json"));

  /* A broken one falls back to the built-in list and says why. */
  mc_test_write_file (path, "{ \"format\": 1, ");
  broken = mc_ward_catalog_load (&error);
  g_assert_error (error, MC_DATA_ERROR, MC_DATA_ERROR_SYNTAX);
  g_assert_nonnull (broken);
  g_assert_cmpuint (mc_ward_catalog_get_n_units (broken), ==, 32);
  g_clear_error (&error);

  g_assert_cmpint (g_unlink (path), ==, 0);
  none = mc_ward_catalog_load (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (mc_ward_catalog_get_n_units (none), ==, 32);
}

static void
test_day_parse (void)
{
  McDay d;
  g_autofree char *text = NULL;

  g_assert_true (mc_day_parse ("2024-02-29", &d));
  text = mc_day_format (d);
  g_assert_cmpstr (text, ==, "2024-02-29");
  g_assert_false (mc_day_parse ("2023-02-29", &d));
  g_assert_false (mc_day_parse ("2024-2-29", &d));
  g_assert_false (mc_day_parse ("2024-02-29T00", &d));
  g_assert_false (mc_day_parse ("", &d));
  g_assert_false (mc_day_parse (NULL, &d));
  g_assert_false (mc_day_parse ("abcd-ef-gh", &d));
  g_assert_null (mc_day_format (MC_DAY_OPEN));
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();

  g_test_add_func ("/wards/builtin/periods", test_builtin_periods);
  g_test_add_func ("/wards/builtin/current", test_builtin_current_wards);
  g_test_add_func ("/wards/builtin/code-reuse", test_code_reuse);
  g_test_add_func ("/wards/builtin/roll-up", test_roll_up);
  g_test_add_func ("/wards/builtin/every-unit-rolls-up", test_every_unit_rolls_up);
  g_test_add_func ("/wards/builtin/lookup-current", test_lookup_current);
  g_test_add_func ("/wards/load/valid-minimal", test_valid_minimal);
  g_test_add_func ("/wards/load/not-utf8", test_not_utf8);
  g_test_add_func ("/wards/load/missing-file", test_missing_file);
  g_test_add_func ("/wards/load/override", test_override);
  g_test_add_func ("/wards/day/parse", test_day_parse);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/wards/load/malformed/%s", bad_cases[i].name);

      g_test_add_data_func (path, &bad_cases[i], test_malformed);
    }

  return g_test_run ();
}
