/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>

#include "mc-core.h"
#include "mc-error.h"
#include "mc-procedure-catalog.h"
#include "mc-test-tool.h"
#include "mc-test-util.h"

static const char *reference_codes[] = {
  "1.001193", "2.000986", "1.000894", "1.000656", "2.000815", "2.000635",
  "1.004873", "1.004222", "1.004194", "1.004884", "1.004859", "2.000884",
};

static void
test_builtin (void)
{
  g_autoptr(McProcedureCatalog) catalog = mc_procedure_catalog_new_builtin ();

  g_assert_cmpuint (mc_procedure_catalog_get_n_procedures (catalog), ==, G_N_ELEMENTS (reference_codes));
  for (guint i = 0; i < G_N_ELEMENTS (reference_codes); i++)
    {
      const McProcedure *p = mc_procedure_catalog_lookup (catalog, reference_codes[i]);
      guint required = 0;

      g_assert_nonnull (p);
      g_assert_true (g_utf8_validate (p->name, -1, NULL));
      g_assert_cmpstr (p->name_en, !=, "");
      g_assert_nonnull (p->portal);
      g_assert_true (g_str_has_prefix (p->portal->home, "https://"));
      g_assert_cmpuint (p->portal->file_limit_mb, ==, 5);
      for (guint j = 0; j < p->components->len; j++)
        {
          const McComponent *c = g_ptr_array_index (p->components, j);

          required += c->required;
          g_assert_nonnull (c->hint);
          g_assert_nonnull (c->hint_en);
          g_assert_true (g_strv_contains ((const char * const *) c->formats, "pdf"));
        }
      /* Something must be asked of the citizen. */
      g_assert_cmpuint (required, >=, 1);
    }

  /* Birth registration needs the form, the hospital's certificate and a
   * parent's ID card; the authorisation is optional. */
  {
    const McProcedure *birth = mc_procedure_catalog_lookup (catalog, "1.001193");

    g_assert_cmpstr (birth->name, ==, "Đăng ký khai sinh");
    g_assert_true (mc_procedure_find_component (birth, "to-khai")->required);
    g_assert_true (mc_procedure_find_component (birth, "giay-chung-sinh")->required);
    g_assert_cmpint (mc_procedure_find_component (birth, "giay-to-tuy-than")->profile, ==, MC_PROFILE_ID_CARD);
    g_assert_false (mc_procedure_find_component (birth, "van-ban-uy-quyen")->required);
    g_assert_null (mc_procedure_find_component (birth, "nothing"));
  }
}

static void
test_apply_url (void)
{
  g_autoptr(McProcedureCatalog) catalog = mc_procedure_catalog_new_builtin ();
  g_autofree char *provincial = mc_procedure_dup_apply_url (mc_procedure_catalog_lookup (catalog, "2.000815"));
  g_autofree char *national = mc_procedure_dup_apply_url (mc_procedure_catalog_lookup (catalog, "1.001193"));

  /* Khánh Hòa's portal has deep links; for the others the clerk searches
   * by code on the home page. */
  g_assert_cmpstr (provincial, ==, "https://dichvucong.khanhhoa.gov.vn/vi/nps/apply?MaTTHC=2.000815");
  g_assert_cmpstr (national, ==, "https://dichvucong.gov.vn");
}

static const char *
first_code (McProcedureCatalog *catalog,
            const char         *query)
{
  g_autoptr(GPtrArray) found = mc_procedure_catalog_search (catalog, query);

  return found->len ? ((const McProcedure *) g_ptr_array_index (found, 0))->code : NULL;
}

static void
test_search (void)
{
  g_autoptr(McProcedureCatalog) catalog = mc_procedure_catalog_new_builtin ();
  g_autoptr(GPtrArray) all = mc_procedure_catalog_search (catalog, "");
  g_autoptr(GPtrArray) khai_sinh = mc_procedure_catalog_search (catalog, "khai sinh");
  g_autoptr(GPtrArray) none = mc_procedure_catalog_search (catalog, "xyzzy");

  g_assert_cmpuint (all->len, ==, 12);
  g_assert_cmpstr (first_code (catalog, "1.0011"), ==, "1.001193");
  g_assert_cmpstr (first_code (catalog, "2.0008"), ==, "2.000815");
  /* No Vietnamese keyboard needed. */
  g_assert_cmpstr (first_code (catalog, "dang ky ket hon"), ==, "1.000894");
  g_assert_cmpstr (first_code (catalog, "Đăng ký kết hôn"), ==, "1.000894");
  g_assert_cmpstr (first_code (catalog, "tam tru"), ==, "1.004194");
  g_assert_cmpstr (first_code (catalog, "marriage"), ==, "1.000894");
  /* Every procedure about birth, the plain one first. */
  g_assert_cmpuint (khai_sinh->len, >=, 3);
  g_assert_cmpstr (((const McProcedure *) g_ptr_array_index (khai_sinh, 0))->code, ==, "1.001193");
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_fold (void)
{
  g_autofree char *a = mc_text_fold ("Đăng KÝ Khai Sinh");
  g_autofree char *b = mc_text_fold ("Xương Huân, Vĩnh Hải");

  g_assert_cmpstr (a, ==, "dang ky khai sinh");
  g_assert_cmpstr (b, ==, "xuong huan, vinh hai");
}

#define PORTAL "\"p\":{\"name\":\"P\",\"name_en\":\"P\",\"home\":\"https://p.example\",\"file_limit_mb\":5,\"total_limit_mb\":20,\"formats\":[\"pdf\"]}"
#define COMP "{\"key\":\"a\",\"name\":\"A\",\"name_en\":\"A\",\"required\":true,\"formats\":[\"pdf\"],\"profile\":\"document\"}"
#define PROC(comps) "{\"code\":\"1.000001\",\"name\":\"X\",\"name_en\":\"X\",\"portal\":\"p\",\"components\":[" comps "]}"
#define CATALOG(portals, procs) "{\"format\":1,\"portals\":{" portals "},\"procedures\":[" procs "]}"

typedef struct {
  const char *name;
  const char *json;
  int         code;
  const char *must_mention;
} BadCase;

static const BadCase bad_cases[] = {
  { "syntax", "{\"format\": 1,\n \"portals\": {,}}", MC_DATA_ERROR_SYNTAX, "2:" },
  { "format", "{\"format\": 3}", MC_DATA_ERROR_UNSUPPORTED_FORMAT, "3" },
  { "no-portals", "{\"format\":1,\"procedures\":[]}", MC_DATA_ERROR_INVALID, "portals" },
  { "no-procedures", CATALOG (PORTAL, ""), MC_DATA_ERROR_INVALID, "procedures" },
  { "bad-code", CATALOG (PORTAL, "{\"code\":\"1001193\",\"name\":\"X\",\"name_en\":\"X\",\"portal\":\"p\",\"components\":[" COMP "]}"), MC_DATA_ERROR_INVALID, "1001193" },
  { "unknown-portal", CATALOG (PORTAL, "{\"code\":\"1.000001\",\"name\":\"X\",\"name_en\":\"X\",\"portal\":\"q\",\"components\":[" COMP "]}"), MC_DATA_ERROR_INVALID, "“q”" },
  { "no-components", CATALOG (PORTAL, PROC ("")), MC_DATA_ERROR_INVALID, "components" },
  { "duplicate-component", CATALOG (PORTAL, PROC (COMP "," COMP)), MC_DATA_ERROR_INVALID, "twice" },
  { "required-string", CATALOG (PORTAL, PROC ("{\"key\":\"a\",\"name\":\"A\",\"name_en\":\"A\",\"required\":\"yes\",\"formats\":[\"pdf\"],\"profile\":\"document\"}")), MC_DATA_ERROR_INVALID, "required" },
  { "bad-profile", CATALOG (PORTAL, PROC ("{\"key\":\"a\",\"name\":\"A\",\"name_en\":\"A\",\"required\":true,\"formats\":[\"pdf\"],\"profile\":\"selfie\"}")), MC_DATA_ERROR_INVALID, "selfie" },
  { "empty-formats", CATALOG (PORTAL, PROC ("{\"key\":\"a\",\"name\":\"A\",\"name_en\":\"A\",\"required\":true,\"formats\":[],\"profile\":\"document\"}")), MC_DATA_ERROR_INVALID, "formats" },
  { "component-names-path", CATALOG (PORTAL, PROC (COMP ",{\"key\":\"b\",\"name_en\":\"B\",\"required\":true,\"formats\":[\"pdf\"],\"profile\":\"document\"}")), MC_DATA_ERROR_INVALID, "component 2 (“b”)" },
  { "http-portal", CATALOG ("\"p\":{\"name\":\"P\",\"name_en\":\"P\",\"home\":\"http://p.example\",\"file_limit_mb\":5,\"total_limit_mb\":20,\"formats\":[\"pdf\"]}", PROC (COMP)), MC_DATA_ERROR_INVALID, "https" },
  { "limits", CATALOG ("\"p\":{\"name\":\"P\",\"name_en\":\"P\",\"home\":\"https://p.example\",\"file_limit_mb\":0,\"total_limit_mb\":20,\"formats\":[\"pdf\"]}", PROC (COMP)), MC_DATA_ERROR_INVALID, "MB" },
  { "duplicate-code", CATALOG (PORTAL, PROC (COMP) "," PROC (COMP)), MC_DATA_ERROR_INVALID, "twice" },
};

static void
test_malformed (gconstpointer data)
{
  const BadCase *bad = data;
  g_autoptr(GBytes) bytes = g_bytes_new_static (bad->json, strlen (bad->json));
  g_autoptr(GError) error = NULL;
  g_autoptr(McProcedureCatalog) catalog = mc_procedure_catalog_new_from_bytes (bytes, "test.json", &error);

  g_assert_null (catalog);
  g_assert_error (error, MC_DATA_ERROR, bad->code);
  g_assert_true (g_str_has_prefix (error->message, "test.json"));
  if (strstr (error->message, bad->must_mention) == NULL)
    g_error ("message “%s” does not mention “%s”", error->message, bad->must_mention);
}

static void
test_minimal_valid (void)
{
  const char *json = CATALOG (PORTAL, PROC (COMP));
  g_autoptr(GBytes) bytes = g_bytes_new_static (json, strlen (json));
  g_autoptr(GError) error = NULL;
  g_autoptr(McProcedureCatalog) catalog = mc_procedure_catalog_new_from_bytes (bytes, "ok.json", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (mc_procedure_catalog_get_n_procedures (catalog), ==, 1);
  g_assert_nonnull (mc_procedure_catalog_get_portal (catalog, "p"));
}

static void
test_tool (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("catalog");
  g_autofree char *bad = g_build_filename (dir, "bad.json", NULL);
  g_autofree char *good = g_build_filename (dir, "good.json", NULL);
  g_auto(McToolRun) list = { 0 };
  g_auto(McToolRun) invalid = { 0 };
  g_auto(McToolRun) valid = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *procedures;

  mc_tool_run (&list, NULL, MC_ARGS ("catalog", "--json"));
  g_assert_cmpint (list.status, ==, 0);
  json_parser_load_from_data (parser, list.out, -1, &error);
  g_assert_no_error (error);
  procedures = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "procedures");
  g_assert_cmpuint (json_array_get_length (procedures), ==, 12);

  mc_test_write_file (bad, CATALOG (PORTAL, PROC ("{\"key\":\"a\",\"name\":\"A\",\"name_en\":\"A\",\"required\":true,\"formats\":[\"pdf\"],\"profile\":\"fax\"}")));
  mc_tool_run (&invalid, NULL, MC_ARGS ("catalog", "--validate", bad));
  g_assert_cmpint (invalid.status, ==, 3);
  g_assert_nonnull (strstr (invalid.err, "component 1 (“a”)"));
  g_assert_nonnull (strstr (invalid.err, "fax"));

  mc_test_write_file (good, CATALOG (PORTAL, PROC (COMP)));
  mc_tool_run (&valid, NULL, MC_ARGS ("catalog", "--validate", good));
  g_assert_cmpint (valid.status, ==, 0);
  mc_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();

  g_test_add_func ("/procedures/builtin", test_builtin);
  g_test_add_func ("/procedures/apply-url", test_apply_url);
  g_test_add_func ("/procedures/search", test_search);
  g_test_add_func ("/procedures/fold", test_fold);
  g_test_add_func ("/procedures/minimal-valid", test_minimal_valid);
  g_test_add_func ("/procedures/tool", test_tool);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/procedures/malformed/%s", bad_cases[i].name);

      g_test_add_data_func (path, &bad_cases[i], test_malformed);
    }
  return g_test_run ();
}
