/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-procedure-catalog"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-core.h"
#include "mc-error.h"
#include "mc-json.h"
#include "mc-procedure-catalog.h"

struct _McProcedureCatalog
{
  GObject     parent_instance;

  char       *origin;
  GHashTable *portals;      /* key → McPortal */
  GPtrArray  *procedures;   /* McProcedure, catalog order */
};

G_DEFINE_FINAL_TYPE (McProcedureCatalog, mc_procedure_catalog, G_TYPE_OBJECT)

static void
component_free (McComponent *c)
{
  g_free (c->key);
  g_free (c->name);
  g_free (c->name_en);
  g_strfreev (c->formats);
  g_free (c->hint);
  g_free (c->hint_en);
  g_free (c);
}

static void
portal_free (McPortal *p)
{
  g_free (p->key);
  g_free (p->name);
  g_free (p->name_en);
  g_free (p->home);
  g_free (p->apply_url);
  g_free (p->note);
  g_free (p->note_en);
  g_strfreev (p->formats);
  g_free (p);
}

static void
procedure_free (McProcedure *p)
{
  g_free (p->code);
  g_free (p->name);
  g_free (p->name_en);
  g_free (p->field);
  g_free (p->field_en);
  g_free (p->fee);
  g_free (p->fee_en);
  g_ptr_array_unref (p->components);
  g_free (p);
}

const char *
mc_component_profile_to_string (McComponentProfile profile)
{
  switch (profile)
    {
    case MC_PROFILE_ID_CARD: return "id-card";
    case MC_PROFILE_PHOTO: return "photo";
    case MC_PROFILE_DOCUMENT:
    default: return "document";
    }
}

const char *
mc_catalog_text (const char *vietnamese,
                 const char *english)
{
  /* Translators: do not translate the text; write the code of the language
   * the catalogs' texts should be shown in: “vi” for Vietnamese. Catalog
   * data has Vietnamese and English texts only. */
  const char *lang = C_("catalog language", "en");

  if (g_str_equal (lang, "en") && english != NULL && *english != '\0')
    return english;
  return vietnamese;
}

const McComponent *
mc_procedure_find_component (const McProcedure *procedure,
                             const char        *key)
{
  for (guint i = 0; i < procedure->components->len; i++)
    {
      const McComponent *c = g_ptr_array_index (procedure->components, i);

      if (g_strcmp0 (c->key, key) == 0)
        return c;
    }
  return NULL;
}

/* The page to open on the portal: the procedure's own page when the portal
 * has a link pattern, else its home page (the clerk then searches by code). */
char *
mc_procedure_dup_apply_url (const McProcedure *procedure)
{
  g_autoptr(GString) url = NULL;

  if (procedure->portal->apply_url == NULL)
    return g_strdup (procedure->portal->home);
  url = g_string_new (procedure->portal->apply_url);
  g_string_replace (url, "{code}", procedure->code, 0);
  return g_string_free (g_steal_pointer (&url), FALSE);
}

static void
mc_procedure_catalog_finalize (GObject *object)
{
  McProcedureCatalog *self = MC_PROCEDURE_CATALOG (object);

  g_free (self->origin);
  g_clear_pointer (&self->procedures, g_ptr_array_unref);
  g_clear_pointer (&self->portals, g_hash_table_unref);

  G_OBJECT_CLASS (mc_procedure_catalog_parent_class)->finalize (object);
}

static void
mc_procedure_catalog_class_init (McProcedureCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_procedure_catalog_finalize;
}

static void
mc_procedure_catalog_init (McProcedureCatalog *self)
{
  self->portals = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) portal_free);
  self->procedures = g_ptr_array_new_with_free_func ((GDestroyNotify) procedure_free);
}

static gboolean
is_key (const char *s)
{
  if (s == NULL || *s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!(g_ascii_islower (*s) || g_ascii_isdigit (*s) || *s == '-'))
      return FALSE;
  return TRUE;
}

/* National procedure codes look like 1.001193 or 2.000986. */
static gboolean
is_code (const char *s)
{
  guint digits = 0;

  if (s == NULL || !g_ascii_isdigit (s[0]) || s[1] != '.')
    return FALSE;
  for (s += 2; *s; s++, digits++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return digits == 6;
}

static gboolean
read_text (JsonObject  *obj,
           const char  *where,
           const char  *name,
           gboolean     required,
           char       **out,
           GError     **error)
{
  const char *value;

  if (!mc_json_get_string (obj, where, name, required, &value, error))
    return FALSE;
  if (required && *value == '\0')
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the field “%s” is empty"), where, name);
      return FALSE;
    }
  *out = g_strdup (value);
  return TRUE;
}

static gboolean
read_formats (JsonObject  *obj,
              const char  *where,
              GStrv       *out,
              GError     **error)
{
  JsonArray *array = mc_json_get_array (obj, where, "formats", TRUE, error);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (array == NULL)
    return FALSE;
  if (json_array_get_length (array) == 0)
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the list “formats” is empty"), where);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *f;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
          !is_key ((f = json_node_get_string (node))))
        {
          g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                       _("%s: “formats” must list file types such as “pdf” or “jpg”"), where);
          return FALSE;
        }
      g_strv_builder_add (builder, f);
    }
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static McPortal *
parse_portal (JsonObject  *obj,
              const char  *key,
              const char  *origin,
              GError     **error)
{
  g_autofree char *where = g_strdup_printf (_("%s: portal “%s”"), origin, key);
  McPortal *portal = g_new0 (McPortal, 1);
  gint64 file_limit = 0, total_limit = 0;

  portal->key = g_strdup (key);
  if (!is_key (key))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the key may only contain a–z, 0–9 and “-”"), where);
      goto fail;
    }
  if (!read_text (obj, where, "name", TRUE, &portal->name, error) ||
      !read_text (obj, where, "name_en", TRUE, &portal->name_en, error) ||
      !read_text (obj, where, "home", TRUE, &portal->home, error) ||
      !read_text (obj, where, "apply_url", FALSE, &portal->apply_url, error) ||
      !read_text (obj, where, "note", FALSE, &portal->note, error) ||
      !read_text (obj, where, "note_en", FALSE, &portal->note_en, error) ||
      !mc_json_get_int (obj, where, "file_limit_mb", TRUE, &file_limit, error) ||
      !mc_json_get_int (obj, where, "total_limit_mb", TRUE, &total_limit, error) ||
      !read_formats (obj, where, &portal->formats, error))
    goto fail;

  /* TLS always: a portal is never reached over plain HTTP. */
  if (!g_str_has_prefix (portal->home, "https://") ||
      (portal->apply_url != NULL && !g_str_has_prefix (portal->apply_url, "https://")))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: portal addresses must start with https://"), where);
      goto fail;
    }
  if (file_limit < 1 || file_limit > 100 || total_limit < file_limit || total_limit > 1000)
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: size limits must be 1–100 MB per file, and the total at least that"), where);
      goto fail;
    }
  portal->file_limit_mb = (guint) file_limit;
  portal->total_limit_mb = (guint) total_limit;
  return portal;

fail:
  portal_free (portal);
  return NULL;
}

static McComponent *
parse_component (JsonNode    *node,
                 const char  *proc_where,
                 guint        index,
                 GError     **error)
{
  g_autofree char *where = g_strdup_printf (_("%s, component %u"), proc_where, index + 1);
  McComponent *c;
  JsonObject *obj;
  const char *profile;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID, _("%s: must be an object"), where);
      return NULL;
    }
  obj = json_node_get_object (node);
  c = g_new0 (McComponent, 1);

  if (!read_text (obj, where, "key", TRUE, &c->key, error))
    goto fail;
  if (!is_key (c->key))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the key “%s” may only contain a–z, 0–9 and “-”"), where, c->key);
      goto fail;
    }
  g_free (where);
  where = g_strdup_printf (_("%s, component %u (“%s”)"), proc_where, index + 1, c->key);

  if (!read_text (obj, where, "name", TRUE, &c->name, error) ||
      !read_text (obj, where, "name_en", TRUE, &c->name_en, error) ||
      !mc_json_get_bool (obj, where, "required", TRUE, &c->required, error) ||
      !read_formats (obj, where, &c->formats, error) ||
      !mc_json_get_string (obj, where, "profile", TRUE, &profile, error) ||
      !read_text (obj, where, "hint", FALSE, &c->hint, error) ||
      !read_text (obj, where, "hint_en", FALSE, &c->hint_en, error))
    goto fail;

  if (g_str_equal (profile, "document"))
    c->profile = MC_PROFILE_DOCUMENT;
  else if (g_str_equal (profile, "id-card"))
    c->profile = MC_PROFILE_ID_CARD;
  else if (g_str_equal (profile, "photo"))
    c->profile = MC_PROFILE_PHOTO;
  else
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the profile “%s” must be “document”, “id-card” or “photo”"), where, profile);
      goto fail;
    }
  return c;

fail:
  component_free (c);
  return NULL;
}

static McProcedure *
parse_procedure (McProcedureCatalog  *self,
                 JsonNode            *node,
                 guint                index,
                 GError             **error)
{
  g_autofree char *where = g_strdup_printf (_("%s: procedure %u"), self->origin, index + 1);
  McProcedure *p;
  JsonObject *obj;
  JsonArray *components;
  const char *portal;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID, _("%s: must be an object"), where);
      return NULL;
    }
  obj = json_node_get_object (node);
  p = g_new0 (McProcedure, 1);
  p->components = g_ptr_array_new_with_free_func ((GDestroyNotify) component_free);

  if (!read_text (obj, where, "code", TRUE, &p->code, error))
    goto fail;
  if (!is_code (p->code))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the code “%s” must look like 1.001193"), where, p->code);
      goto fail;
    }
  g_free (where);
  where = g_strdup_printf (_("%s: procedure %u (“%s”)"), self->origin, index + 1, p->code);

  if (!read_text (obj, where, "name", TRUE, &p->name, error) ||
      !read_text (obj, where, "name_en", TRUE, &p->name_en, error) ||
      !read_text (obj, where, "field", FALSE, &p->field, error) ||
      !read_text (obj, where, "field_en", FALSE, &p->field_en, error) ||
      !read_text (obj, where, "fee", FALSE, &p->fee, error) ||
      !read_text (obj, where, "fee_en", FALSE, &p->fee_en, error) ||
      !mc_json_get_string (obj, where, "portal", TRUE, &portal, error) ||
      !(components = mc_json_get_array (obj, where, "components", TRUE, error)))
    goto fail;

  if (!(p->portal = g_hash_table_lookup (self->portals, portal)))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the portal “%s” is not among the catalog’s portals"), where, portal);
      goto fail;
    }
  if (json_array_get_length (components) == 0)
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the list of components is empty"), where);
      goto fail;
    }

  for (guint i = 0; i < json_array_get_length (components); i++)
    {
      McComponent *c = parse_component (json_array_get_element (components, i), where, i, error);

      if (c == NULL)
        goto fail;
      if (mc_procedure_find_component (p, c->key) != NULL)
        {
          g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                       _("%s: the component key “%s” is used twice"), where, c->key);
          component_free (c);
          goto fail;
        }
      g_ptr_array_add (p->components, c);
    }
  return p;

fail:
  procedure_free (p);
  return NULL;
}

McProcedureCatalog *
mc_procedure_catalog_new_from_bytes (GBytes      *bytes,
                                     const char  *origin,
                                     GError     **error)
{
  g_autoptr(McProcedureCatalog) self = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj, *portals;
  JsonArray *procedures;
  gint64 format = 0;
  GList *members;

  g_return_val_if_fail (bytes != NULL && origin != NULL, NULL);

  if (!(root = mc_json_parse_bytes (bytes, origin, error)))
    return NULL;
  obj = json_node_get_object (root);
  if (!mc_json_get_int (obj, origin, "format", TRUE, &format, error))
    return NULL;
  if (format != 1)
    {
      g_autofree char *format_text = g_strdup_printf ("%" G_GINT64_FORMAT, format);

      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_UNSUPPORTED_FORMAT,
                   _("%s: format %s is not supported; this program reads format 1"), origin, format_text);
      return NULL;
    }

  self = g_object_new (MC_TYPE_PROCEDURE_CATALOG, NULL);
  self->origin = g_strdup (origin);

  if (!(portals = mc_json_get_object (obj, origin, "portals", TRUE, error)) ||
      !(procedures = mc_json_get_array (obj, origin, "procedures", TRUE, error)))
    return NULL;

  members = json_object_get_members (portals);
  for (GList *l = members; l; l = l->next)
    {
      JsonNode *node = json_object_get_member (portals, l->data);
      McPortal *portal;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                       _("%s: portal “%s” must be an object"), origin, (const char *) l->data);
          g_list_free (members);
          return NULL;
        }
      if (!(portal = parse_portal (json_node_get_object (node), l->data, origin, error)))
        {
          g_list_free (members);
          return NULL;
        }
      g_hash_table_insert (self->portals, portal->key, portal);
    }
  g_list_free (members);

  if (json_array_get_length (procedures) == 0)
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the list of procedures is empty"), origin);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (procedures); i++)
    {
      McProcedure *p = parse_procedure (self, json_array_get_element (procedures, i), i, error);

      if (p == NULL)
        return NULL;
      if (mc_procedure_catalog_lookup (self, p->code) != NULL)
        {
          g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                       _("%s: procedure %u: the code “%s” is used twice"), origin, i + 1, p->code);
          procedure_free (p);
          return NULL;
        }
      g_ptr_array_add (self->procedures, p);
    }

  return g_steal_pointer (&self);
}

McProcedureCatalog *
mc_procedure_catalog_new_from_file (GFile   *file,
                                    GError **error)
{
  return mc_data_parse_file (file, (McDataParseFunc) mc_procedure_catalog_new_from_bytes, error);
}

McProcedureCatalog *
mc_procedure_catalog_new_builtin (void)
{
  return mc_data_parse_builtin ("procedures.json", (McDataParseFunc) mc_procedure_catalog_new_from_bytes);
}

GFile *
mc_procedure_catalog_get_override_file (void)
{
  return mc_data_get_override_file ("procedures.json");
}

/* As mc_ward_catalog_load(): the ward's own file when it is present and
 * valid; the built-in catalog otherwise, with @override_error saying why. */
McProcedureCatalog *
mc_procedure_catalog_load (GError **override_error)
{
  return mc_data_load ("procedures.json", (McDataParseFunc) mc_procedure_catalog_new_from_bytes, override_error);
}

const char *
mc_procedure_catalog_get_origin (McProcedureCatalog *self)
{
  g_return_val_if_fail (MC_IS_PROCEDURE_CATALOG (self), NULL);
  return self->origin;
}

guint
mc_procedure_catalog_get_n_procedures (McProcedureCatalog *self)
{
  g_return_val_if_fail (MC_IS_PROCEDURE_CATALOG (self), 0);
  return self->procedures->len;
}

const McProcedure *
mc_procedure_catalog_get_procedure (McProcedureCatalog *self,
                                    guint               index)
{
  g_return_val_if_fail (MC_IS_PROCEDURE_CATALOG (self), NULL);
  return index < self->procedures->len ? g_ptr_array_index (self->procedures, index) : NULL;
}

const McProcedure *
mc_procedure_catalog_lookup (McProcedureCatalog *self,
                             const char         *code)
{
  g_return_val_if_fail (MC_IS_PROCEDURE_CATALOG (self), NULL);

  for (guint i = 0; code != NULL && i < self->procedures->len; i++)
    {
      McProcedure *p = g_ptr_array_index (self->procedures, i);

      if (g_str_equal (p->code, code))
        return p;
    }
  return NULL;
}

const McPortal *
mc_procedure_catalog_get_portal (McProcedureCatalog *self,
                                 const char         *key)
{
  g_return_val_if_fail (MC_IS_PROCEDURE_CATALOG (self), NULL);
  return key ? g_hash_table_lookup (self->portals, key) : NULL;
}

/* Lower case without diacritics: "Đăng ký khai sinh" → "dang ky khai sinh",
 * so a clerk can type on a keyboard without Vietnamese input. */
char *
mc_text_fold (const char *text)
{
  g_autofree char *nfd = g_utf8_normalize (text ? text : "", -1, G_NORMALIZE_NFD);
  GString *out = g_string_new (NULL);

  for (const char *p = nfd; p && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_type (c) == G_UNICODE_NON_SPACING_MARK)
        continue;
      if (c == 0x0110 || c == 0x0111)   /* Đ đ */
        c = 'd';
      g_string_append_unichar (out, g_unichar_tolower (c));
    }
  return g_string_free (out, FALSE);
}

typedef struct {
  const McProcedure *procedure;
  int                rank;
  guint              index;
} Match;

static int
compare_matches (gconstpointer a,
                 gconstpointer b)
{
  const Match *ma = a, *mb = b;

  if (ma->rank != mb->rank)
    return ma->rank - mb->rank;
  return (int) ma->index - (int) mb->index;
}

/* Procedures matching @query by code or name (either language, with or
 * without diacritics), best first: code prefix, then name prefix, then a
 * word of the name, then anywhere. An empty query lists them all. */
GPtrArray *
mc_procedure_catalog_search (McProcedureCatalog *self,
                             const char         *query)
{
  g_autofree char *q = NULL;
  g_autoptr(GArray) matches = g_array_new (FALSE, FALSE, sizeof (Match));
  GPtrArray *result = g_ptr_array_new ();

  g_return_val_if_fail (MC_IS_PROCEDURE_CATALOG (self), result);

  q = mc_text_fold (query);
  g_strstrip (q);

  for (guint i = 0; i < self->procedures->len; i++)
    {
      const McProcedure *p = g_ptr_array_index (self->procedures, i);
      g_autofree char *name = mc_text_fold (p->name);
      g_autofree char *name_en = mc_text_fold (p->name_en);
      g_autofree char *word = g_strconcat (" ", q, NULL);
      Match m = { p, -1, i };

      if (*q == '\0')
        m.rank = 0;
      else if (g_str_has_prefix (p->code, q))
        m.rank = 0;
      else if (g_str_has_prefix (name, q) || g_str_has_prefix (name_en, q))
        m.rank = 1;
      else if (strstr (name, word) || strstr (name_en, word))
        m.rank = 2;
      else if (strstr (name, q) || strstr (name_en, q) || strstr (p->code, q))
        m.rank = 3;

      if (m.rank >= 0)
        g_array_append_val (matches, m);
    }

  g_array_sort (matches, compare_matches);
  for (guint i = 0; i < matches->len; i++)
    g_ptr_array_add (result, (gpointer) g_array_index (matches, Match, i).procedure);
  return result;
}
