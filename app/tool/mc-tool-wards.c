/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "mc-json.h"
#include "mc-tool.h"
#include "mc-ward-catalog.h"

static void
add_day (JsonBuilder *b,
         const char  *member,
         McDay        day)
{
  g_autofree char *text = mc_day_format (day);

  mc_json_add_string_or_null (b, member, text);
}

static void
add_unit_ref (JsonBuilder      *b,
              const McWardUnit *unit)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, mc_ward_unit_get_id (unit));
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, mc_ward_unit_get_code (unit));
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, mc_ward_unit_get_name (unit));
  add_day (b, "until", mc_ward_unit_get_until (unit));
  json_builder_end_object (b);
}

static void
print_json (McWardCatalog *catalog,
            GPtrArray     *units,
            McDay          day)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  add_day (b, "on", day);
  json_builder_set_member_name (b, "catalog");
  json_builder_add_string_value (b, mc_ward_catalog_get_origin (catalog));
  json_builder_set_member_name (b, "province");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, mc_ward_catalog_get_province_code (catalog));
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, mc_ward_catalog_get_province_name (catalog));
  json_builder_end_object (b);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, units->len);
  json_builder_set_member_name (b, "units");
  json_builder_begin_array (b);
  for (guint i = 0; i < units->len; i++)
    {
      const McWardUnit *unit = g_ptr_array_index (units, i);
      const McWardUnit *next = mc_ward_unit_get_successor (unit);
      g_autoptr(GPtrArray) merged = mc_ward_catalog_predecessors (catalog, unit);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, mc_ward_unit_get_id (unit));
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, mc_ward_unit_get_code (unit));
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, mc_ward_unit_get_name (unit));
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, mc_ward_unit_get_kind (unit));
      json_builder_set_member_name (b, "district");
      if (mc_ward_unit_get_district_code (unit) != NULL)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "code");
          json_builder_add_string_value (b, mc_ward_unit_get_district_code (unit));
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, mc_ward_unit_get_district_name (unit));
          json_builder_end_object (b);
        }
      else
        json_builder_add_null_value (b);
      add_day (b, "from", mc_ward_unit_get_from (unit));
      add_day (b, "until", mc_ward_unit_get_until (unit));
      json_builder_set_member_name (b, "into");
      if (next != NULL)
        json_builder_add_string_value (b, mc_ward_unit_get_id (next));
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "merged_from");
      json_builder_begin_array (b);
      for (guint j = 0; j < merged->len; j++)
        add_unit_ref (b, g_ptr_array_index (merged, j));
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  mc_tool_print_json (root);
}

static void
print_table (McWardCatalog *catalog,
             GPtrArray     *units,
             McDay          day)
{
  g_autofree char *day_text = mc_day_format (day);

  /* Translators: %u is a count of wards and communes, %s a date */
  printf (ngettext ("%u unit in effect on %s (%s)\n", "%u units in effect on %s (%s)\n", units->len),
          units->len, day_text, mc_ward_catalog_get_province_name (catalog));
  mc_tool_print_padded (_("Code"), 7);
  mc_tool_print_padded (_("Name"), 24);
  mc_tool_print_padded (_("From"), 12);
  mc_tool_print_padded (_("Until"), 12);
  puts (_("Merged from"));

  for (guint i = 0; i < units->len; i++)
    {
      const McWardUnit *unit = g_ptr_array_index (units, i);
      g_autoptr(GPtrArray) merged = mc_ward_catalog_predecessors (catalog, unit);
      g_autofree char *from = mc_day_format (mc_ward_unit_get_from (unit));
      g_autofree char *until = mc_day_format (mc_ward_unit_get_until (unit));
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint j = 0; j < merged->len; j++)
        {
          if (j > 0)
            g_string_append (names, ", ");
          g_string_append (names, mc_ward_unit_get_name (g_ptr_array_index (merged, j)));
        }

      mc_tool_print_padded (mc_ward_unit_get_code (unit), 7);
      mc_tool_print_padded (mc_ward_unit_get_name (unit), 24);
      mc_tool_print_padded (from ? from : "—", 12);
      mc_tool_print_padded (until ? until : "—", 12);
      puts (names->len ? names->str : "—");
    }
}

int
mc_tool_wards (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(McWardCatalog) catalog = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *on = NULL;
  g_autofree char *catalog_path = NULL;
  gboolean json = FALSE;
  McDay day;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of a table"), NULL },
    { "on", 0, 0, G_OPTION_ARG_STRING, &on, N_("The day to list, as YYYY-MM-DD (default: today)"), N_("DATE") },
    { "catalog", 0, 0, G_OPTION_ARG_FILENAME, &catalog_path, N_("Read this ward catalog instead of the installed one"), N_("FILE") },
    { NULL }
  };

  context = mc_tool_option_context_new (NULL,
                                        _("List the wards in effect on a day, with the units merged into each."),
                                        entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (argc > 1)
    return mc_tool_usage_error (context, _("wards takes no arguments besides its options"));

  if (on == NULL)
    day = mc_day_today ();
  else if (!mc_day_parse (on, &day))
    {
      g_autofree char *msg = g_strdup_printf (_("“%s” is not a date written as YYYY-MM-DD"), on);
      return mc_tool_usage_error (NULL, msg);
    }

  if (catalog_path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (catalog_path);

      catalog = mc_ward_catalog_new_from_file (file, &error);
    }
  else
    {
      catalog = mc_ward_catalog_load (&error);
    }
  if (error != NULL)
    {
      fprintf (stderr, "motcua-tool: %s\n", error->message);
      return MC_EXIT_DATA;
    }

  units = mc_ward_catalog_units_on (catalog, day);
  if (json)
    print_json (catalog, units, day);
  else
    print_table (catalog, units, day);

  return MC_EXIT_OK;
}
