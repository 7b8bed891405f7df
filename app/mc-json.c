/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-json"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-core.h"
#include "mc-error.h"
#include "mc-json.h"

static JsonNode *
lookup (JsonObject  *obj,
        const char  *where,
        const char  *name,
        gboolean     required,
        GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                     _("%s: the field “%s” is missing"), where, name);
      return NULL;
    }

  return node;
}

static void
set_type_error (GError     **error,
                const char  *where,
                const char  *name,
                const char  *expected)
{
  g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
               _("%s: the field “%s” must be %s"), where, name, expected);
}

/* The member @name of @obj holding a value of @type (a double also takes a
 * whole number): TRUE with *node set, or with *node NULL when it is absent
 * and not @required; FALSE with an error saying what was @expected. */
static gboolean
find_value (JsonObject  *obj,
            const char  *where,
            const char  *name,
            gboolean     required,
            GType        type,
            const char  *expected,
            JsonNode   **node,
            GError     **error)
{
  GError *local_error = NULL;
  GType held;

  *node = lookup (obj, where, name, required, &local_error);
  if (*node == NULL)
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, local_error);
      return FALSE;
    }
  held = JSON_NODE_HOLDS_VALUE (*node) ? json_node_get_value_type (*node) : G_TYPE_INVALID;
  if (held != type && !(type == G_TYPE_DOUBLE && held == G_TYPE_INT64))
    {
      set_type_error (error, where, name, expected);
      *node = NULL;
      return FALSE;
    }
  return TRUE;
}

gboolean
mc_json_get_string (JsonObject  *obj,
                    const char  *where,
                    const char  *name,
                    gboolean     required,
                    const char **out,
                    GError     **error)
{
  JsonNode *node;
  gboolean found = find_value (obj, where, name, required, G_TYPE_STRING, _("text"), &node, error);

  /* Absent or of the wrong type: NULL. */
  *out = node != NULL ? json_node_get_string (node) : NULL;
  return found;
}

gboolean
mc_json_get_int (JsonObject  *obj,
                 const char  *where,
                 const char  *name,
                 gboolean     required,
                 gint64      *out,
                 GError     **error)
{
  JsonNode *node;

  if (!find_value (obj, where, name, required, G_TYPE_INT64, _("a whole number"), &node, error))
    return FALSE;
  if (node != NULL)
    *out = json_node_get_int (node);
  return TRUE;
}

gboolean
mc_json_get_double (JsonObject  *obj,
                    const char  *where,
                    const char  *name,
                    gboolean     required,
                    double      *out,
                    GError     **error)
{
  JsonNode *node;

  if (!find_value (obj, where, name, required, G_TYPE_DOUBLE, _("a number"), &node, error))
    return FALSE;
  if (node != NULL)
    *out = json_node_get_double (node);
  return TRUE;
}

gboolean
mc_json_get_bool (JsonObject  *obj,
                  const char  *where,
                  const char  *name,
                  gboolean     required,
                  gboolean    *out,
                  GError     **error)
{
  JsonNode *node;

  if (!find_value (obj, where, name, required, G_TYPE_BOOLEAN, _("true or false"), &node, error))
    return FALSE;
  if (node != NULL)
    *out = json_node_get_boolean (node);
  return TRUE;
}

JsonObject *
mc_json_get_object (JsonObject  *obj,
                    const char  *where,
                    const char  *name,
                    gboolean     required,
                    GError     **error)
{
  JsonNode *node = lookup (obj, where, name, required, error);

  if (node == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_type_error (error, where, name, _("an object"));
      return NULL;
    }

  return json_node_get_object (node);
}

JsonArray *
mc_json_get_array (JsonObject  *obj,
                   const char  *where,
                   const char  *name,
                   gboolean     required,
                   GError     **error)
{
  JsonNode *node = lookup (obj, where, name, required, error);

  if (node == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      set_type_error (error, where, name, _("a list"));
      return NULL;
    }

  return json_node_get_array (node);
}

GBytes *
mc_data_load_file (GFile       *file,
                   const char  *origin,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes = g_file_load_bytes (file, NULL, NULL, &local_error);

  if (bytes == NULL)
    g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_NOT_FOUND,
                 _("%s: cannot be read: %s"), origin, local_error->message);
  return bytes;
}

JsonNode *
mc_json_parse_bytes (GBytes      *bytes,
                     const char  *origin,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  JsonNode *root;

  if (len == 0)
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_SYNTAX,
                   _("%s: the file is empty"), origin);
      return NULL;
    }

  if (!g_utf8_validate (data, len, NULL))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_SYNTAX,
                   _("%s: the file is not UTF-8 text"), origin);
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      /* json-glib's message already names the line and column; it quotes
       * the text it stumbled on, cut anywhere, even inside a character. */
      g_autofree char *detail = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_SYNTAX,
                   _("%s: not valid JSON: %s"), origin, detail);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the top level must be an object"), origin);
      return NULL;
    }

  return json_node_copy (root);
}

GFile *
mc_data_get_override_file (const char *name)
{
  return g_file_new_build_filename (g_get_user_config_dir (), "motcua", name, NULL);
}

gpointer
mc_data_parse_file (GFile            *file,
                    McDataParseFunc   parse,
                    GError          **error)
{
  g_autofree char *origin = g_file_get_parse_name (file);
  g_autoptr(GBytes) bytes = mc_data_load_file (file, origin, error);

  if (bytes == NULL)
    return NULL;
  return parse (bytes, origin, error);
}

gpointer
mc_data_parse_builtin (const char      *name,
                       McDataParseFunc  parse)
{
  g_autofree char *path = g_strconcat (RESOURCE_BASE "/data/", name, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gpointer self = NULL;

  mc_core_init ();
  bytes = g_resources_lookup_data (path, 0, &error);
  if (bytes != NULL)
    self = parse (bytes, name, &error);
  if (self == NULL)
    g_error ("Built-in %s is broken: %s", name, error->message);
  return self;
}

gpointer
mc_data_load (const char       *name,
              McDataParseFunc   parse,
              GError          **override_error)
{
  g_autoptr(GFile) file = mc_data_get_override_file (name);

  if (g_file_query_exists (file, NULL))
    {
      gpointer self = mc_data_parse_file (file, parse, override_error);

      if (self != NULL)
        return self;
    }
  return mc_data_parse_builtin (name, parse);
}

void
mc_json_add_string_or_null (JsonBuilder *b,
                            const char  *member,
                            const char  *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}
