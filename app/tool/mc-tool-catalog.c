/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "mc-json.h"
#include "mc-procedure-catalog.h"
#include "mc-tool.h"

static void
add_strv (JsonBuilder        *b,
          const char         *member,
          const char * const *values)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; values && values[i]; i++)
    json_builder_add_string_value (b, values[i]);
  json_builder_end_array (b);
}

static void
print_json (McProcedureCatalog *catalog)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  mc_json_add_string_or_null (b, "catalog", mc_procedure_catalog_get_origin (catalog));
  json_builder_set_member_name (b, "procedures");
  json_builder_begin_array (b);
  for (guint i = 0; i < mc_procedure_catalog_get_n_procedures (catalog); i++)
    {
      const McProcedure *p = mc_procedure_catalog_get_procedure (catalog, i);
      g_autofree char *url = mc_procedure_dup_apply_url (p);

      json_builder_begin_object (b);
      mc_json_add_string_or_null (b, "code", p->code);
      mc_json_add_string_or_null (b, "name", p->name);
      mc_json_add_string_or_null (b, "name_en", p->name_en);
      mc_json_add_string_or_null (b, "field", p->field);
      mc_json_add_string_or_null (b, "fee", p->fee);
      mc_json_add_string_or_null (b, "portal", p->portal->key);
      mc_json_add_string_or_null (b, "portal_name", p->portal->name);
      mc_json_add_string_or_null (b, "url", url);
      json_builder_set_member_name (b, "file_limit_mb");
      json_builder_add_int_value (b, p->portal->file_limit_mb);
      json_builder_set_member_name (b, "components");
      json_builder_begin_array (b);
      for (guint j = 0; j < p->components->len; j++)
        {
          const McComponent *c = g_ptr_array_index (p->components, j);

          json_builder_begin_object (b);
          mc_json_add_string_or_null (b, "key", c->key);
          mc_json_add_string_or_null (b, "name", c->name);
          mc_json_add_string_or_null (b, "name_en", c->name_en);
          json_builder_set_member_name (b, "required");
          json_builder_add_boolean_value (b, c->required);
          add_strv (b, "formats", (const char * const *) c->formats);
          mc_json_add_string_or_null (b, "profile", mc_component_profile_to_string (c->profile));
          mc_json_add_string_or_null (b, "hint", c->hint);
          mc_json_add_string_or_null (b, "hint_en", c->hint_en);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  mc_tool_print_json (root);
}

static void
print_table (McProcedureCatalog *catalog)
{
  for (guint i = 0; i < mc_procedure_catalog_get_n_procedures (catalog); i++)
    {
      const McProcedure *p = mc_procedure_catalog_get_procedure (catalog, i);

      mc_tool_print_padded (p->code, 10);
      printf ("%s  [%s]\n", mc_catalog_text (p->name, p->name_en), p->portal->key);
      for (guint j = 0; j < p->components->len; j++)
        {
          const McComponent *c = g_ptr_array_index (p->components, j);

          printf ("          %s %s\n", c->required ? "*" : "-", mc_catalog_text (c->name, c->name_en));
        }
    }
  printf ("\n%s\n", _("* required   - optional"));
}

int
mc_tool_catalog (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McProcedureCatalog) catalog = NULL;
  g_autofree char *validate = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of a list"), NULL },
    { "validate", 0, 0, G_OPTION_ARG_FILENAME, &validate, N_("Check a procedure catalog file and say what is wrong with it"), N_("FILE") },
    { NULL }
  };

  context = mc_tool_option_context_new (NULL,
                                        _("List the procedures, the papers each needs and the portal it is filed on."),
                                        entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (argc > 1)
    return mc_tool_usage_error (context, _("catalog takes no arguments besides its options"));

  if (validate != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (validate);

      catalog = mc_procedure_catalog_new_from_file (file, &error);
      if (catalog == NULL)
        {
          fprintf (stderr, "motcua-tool: %s\n", error->message);
          return MC_EXIT_DATA;
        }
      if (!json)
        {
          printf (ngettext ("%s: valid, %u procedure\n", "%s: valid, %u procedures\n",
                            mc_procedure_catalog_get_n_procedures (catalog)),
                  validate, mc_procedure_catalog_get_n_procedures (catalog));
          return MC_EXIT_OK;
        }
    }
  else
    {
      catalog = mc_procedure_catalog_load (&error);
      if (error != NULL)
        {
          fprintf (stderr, "motcua-tool: %s\n", error->message);
          return MC_EXIT_DATA;
        }
    }

  if (json)
    print_json (catalog);
  else
    print_table (catalog);
  return MC_EXIT_OK;
}
