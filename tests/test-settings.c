/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "mc-core.h"
#include "mc-test-util.h"

static GSettingsSchema *
get_schema (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  GSettingsSchema *schema = g_settings_schema_source_lookup (source, APP_ID, FALSE);

  g_assert_nonnull (schema);
  return schema;
}

static void
test_defaults (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *ward = g_settings_get_string (settings, "ward-code");
  g_autofree char *counter = g_settings_get_string (settings, "counter-name");
  g_autofree char *mode = g_settings_get_string (settings, "scan-mode");
  g_autofree char *source = g_settings_get_string (settings, "scan-source");
  g_autofree char *portal = g_settings_get_string (settings, "portal");

  /* A new install knows no ward: the first-run dialog must ask. */
  g_assert_cmpstr (ward, ==, "");
  g_assert_cmpstr (counter, ==, "");
  g_assert_cmpuint (g_settings_get_uint (settings, "scan-resolution"), ==, 200);
  g_assert_cmpstr (mode, ==, "gray");
  g_assert_cmpstr (source, ==, "auto");
  g_assert_cmpstr (portal, ==, "provincial");
  g_assert_cmpuint (g_settings_get_uint (settings, "portal-file-limit-mb"), ==, 5);
  g_assert_cmpuint (g_settings_get_uint (settings, "retention-hours"), ==, 24);
}

static void
test_ranges (void)
{
  g_autoptr(GSettingsSchema) schema = get_schema ();
  g_autoptr(GSettingsSchemaKey) retention = g_settings_schema_get_key (schema, "retention-hours");
  g_autoptr(GSettingsSchemaKey) limit = g_settings_schema_get_key (schema, "portal-file-limit-mb");
  g_autoptr(GSettingsSchemaKey) mode = g_settings_schema_get_key (schema, "scan-mode");
  g_autoptr(GSettingsSchemaKey) resolution = g_settings_schema_get_key (schema, "scan-resolution");
  g_autoptr(GVariant) zero = g_variant_ref_sink (g_variant_new_uint32 (0));
  g_autoptr(GVariant) day = g_variant_ref_sink (g_variant_new_uint32 (24));
  g_autoptr(GVariant) month = g_variant_ref_sink (g_variant_new_uint32 (720));
  g_autoptr(GVariant) too_long = g_variant_ref_sink (g_variant_new_uint32 (721));
  g_autoptr(GVariant) huge = g_variant_ref_sink (g_variant_new_uint32 (500));
  g_autoptr(GVariant) sepia = g_variant_ref_sink (g_variant_new_string ("sepia"));
  g_autoptr(GVariant) lineart = g_variant_ref_sink (g_variant_new_string ("lineart"));
  g_autoptr(GVariant) dpi_1 = g_variant_ref_sink (g_variant_new_uint32 (1));

  /* Keeping papers for zero hours would delete them before filing;
   * more than a month breaks the privacy promise. */
  g_assert_false (g_settings_schema_key_range_check (retention, zero));
  g_assert_true (g_settings_schema_key_range_check (retention, day));
  g_assert_true (g_settings_schema_key_range_check (retention, month));
  g_assert_false (g_settings_schema_key_range_check (retention, too_long));
  g_assert_false (g_settings_schema_key_range_check (limit, zero));
  g_assert_false (g_settings_schema_key_range_check (limit, huge));
  g_assert_false (g_settings_schema_key_range_check (mode, sepia));
  g_assert_true (g_settings_schema_key_range_check (mode, lineart));
  /* 1 dpi is what a FIXED option set as an int gives: never a valid setting. */
  g_assert_false (g_settings_schema_key_range_check (resolution, dpi_1));
}

static void
test_every_key_documented (void)
{
  g_autoptr(GSettingsSchema) schema = get_schema ();
  g_auto(GStrv) keys = g_settings_schema_list_keys (schema);

  g_assert_cmpuint (g_strv_length (keys), >=, 13);
  for (guint i = 0; keys[i]; i++)
    {
      g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (schema, keys[i]);

      g_assert_nonnull (g_settings_schema_key_get_summary (key));
      g_assert_nonnull (g_settings_schema_key_get_description (key));
    }
}

static void
test_round_trip (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *counter = NULL;

  g_assert_true (g_settings_set_string (settings, "counter-name", "Quầy 2"));
  counter = g_settings_get_string (settings, "counter-name");
  g_assert_cmpstr (counter, ==, "Quầy 2");
  g_settings_reset (settings, "counter-name");
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();

  g_test_add_func ("/settings/defaults", test_defaults);
  g_test_add_func ("/settings/ranges", test_ranges);
  g_test_add_func ("/settings/documented", test_every_key_documented);
  g_test_add_func ("/settings/round-trip", test_round_trip);

  return g_test_run ();
}
