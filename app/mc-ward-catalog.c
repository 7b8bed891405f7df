/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ward-catalog"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-core.h"
#include "mc-error.h"
#include "mc-json.h"
#include "mc-ward-catalog.h"

struct _McWardUnit
{
  char  *id;
  char  *code;
  char  *name;
  char  *kind;
  char  *district_code;
  char  *district_name;
  char  *basis;
  char  *into_id;
  McDay  from;
  McDay  until;
  const McWardUnit *successor;
};

struct _McWardCatalog
{
  GObject     parent_instance;

  char       *origin;
  char       *province_code;
  char       *province_name;
  GPtrArray  *units;      /* McWardUnit, catalog order */
  GHashTable *by_id;      /* id → McWardUnit */
};

G_DEFINE_FINAL_TYPE (McWardCatalog, mc_ward_catalog, G_TYPE_OBJECT)

static void
mc_ward_unit_free (McWardUnit *unit)
{
  g_free (unit->id);
  g_free (unit->code);
  g_free (unit->name);
  g_free (unit->kind);
  g_free (unit->district_code);
  g_free (unit->district_name);
  g_free (unit->basis);
  g_free (unit->into_id);
  g_free (unit);
}

const char *mc_ward_unit_get_id (const McWardUnit *unit) { return unit->id; }
const char *mc_ward_unit_get_code (const McWardUnit *unit) { return unit->code; }
const char *mc_ward_unit_get_name (const McWardUnit *unit) { return unit->name; }
const char *mc_ward_unit_get_kind (const McWardUnit *unit) { return unit->kind; }
const char *mc_ward_unit_get_district_code (const McWardUnit *unit) { return unit->district_code; }
const char *mc_ward_unit_get_district_name (const McWardUnit *unit) { return unit->district_name; }
const char *mc_ward_unit_get_basis (const McWardUnit *unit) { return unit->basis; }
McDay mc_ward_unit_get_from (const McWardUnit *unit) { return unit->from; }
McDay mc_ward_unit_get_until (const McWardUnit *unit) { return unit->until; }
const McWardUnit *mc_ward_unit_get_successor (const McWardUnit *unit) { return unit->successor; }

gboolean
mc_ward_unit_is_valid_on (const McWardUnit *unit,
                          McDay             day)
{
  return (unit->from == MC_DAY_OPEN || unit->from <= day) &&
         (unit->until == MC_DAY_OPEN || day <= unit->until);
}

static void
mc_ward_catalog_finalize (GObject *object)
{
  McWardCatalog *self = MC_WARD_CATALOG (object);

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->units, g_ptr_array_unref);
  g_free (self->origin);
  g_free (self->province_code);
  g_free (self->province_name);

  G_OBJECT_CLASS (mc_ward_catalog_parent_class)->finalize (object);
}

static void
mc_ward_catalog_class_init (McWardCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_ward_catalog_finalize;
}

static void
mc_ward_catalog_init (McWardCatalog *self)
{
  self->units = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_ward_unit_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

static gboolean
is_slug (const char *s)
{
  if (s == NULL || *s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!(g_ascii_islower (*s) || g_ascii_isdigit (*s) || *s == '-'))
      return FALSE;
  return TRUE;
}

static gboolean
is_digits (const char *s,
           gsize       n)
{
  gsize i;

  if (s == NULL)
    return FALSE;
  for (i = 0; s[i]; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return i == n;
}

static gboolean
read_day (JsonObject  *obj,
          const char  *where,
          const char  *name,
          McDay       *out,
          GError     **error)
{
  const char *text;

  *out = MC_DAY_OPEN;
  if (!mc_json_get_string (obj, where, name, FALSE, &text, error))
    return FALSE;
  if (text != NULL && !mc_day_parse (text, out))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the field “%s” is not a date written as YYYY-MM-DD: “%s”"),
                   where, name, text);
      return FALSE;
    }
  return TRUE;
}

static McWardUnit *
parse_unit (JsonNode    *node,
            guint        index,
            const char  *origin,
            GError     **error)
{
  g_autofree char *where = g_strdup_printf (_("%s: unit %u"), origin, index + 1);
  McWardUnit *unit;
  JsonObject *obj;
  JsonObject *district;
  const char *id, *code, *name, *kind, *basis, *into;
  const char *dcode = NULL, *dname = NULL;
  McDay from, until;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: must be an object"), where);
      return NULL;
    }
  obj = json_node_get_object (node);

  if (!mc_json_get_string (obj, where, "id", TRUE, &id, error))
    return NULL;
  if (!is_slug (id))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the id “%s” may only contain a–z, 0–9 and “-”"), where, id);
      return NULL;
    }
  g_free (where);
  where = g_strdup_printf (_("%s: unit %u (“%s”)"), origin, index + 1, id);

  if (!mc_json_get_string (obj, where, "code", TRUE, &code, error) ||
      !mc_json_get_string (obj, where, "name", TRUE, &name, error) ||
      !mc_json_get_string (obj, where, "kind", TRUE, &kind, error) ||
      !mc_json_get_string (obj, where, "basis", FALSE, &basis, error) ||
      !mc_json_get_string (obj, where, "into", FALSE, &into, error) ||
      !read_day (obj, where, "from", &from, error) ||
      !read_day (obj, where, "until", &until, error))
    return NULL;

  if (!is_digits (code, 5))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the code “%s” must be the 5-digit GSO code"), where, code);
      return NULL;
    }
  if (*name == '\0')
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the name is empty"), where);
      return NULL;
    }
  if (!g_str_equal (kind, "phuong") && !g_str_equal (kind, "xa") && !g_str_equal (kind, "thi-tran"))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the kind “%s” must be “phuong”, “xa” or “thi-tran”"), where, kind);
      return NULL;
    }
  if (from != MC_DAY_OPEN && until != MC_DAY_OPEN && from > until)
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: “from” is later than “until”"), where);
      return NULL;
    }
  if (into != NULL && until == MC_DAY_OPEN)
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: a unit merged “into” another needs the day it ended (“until”)"), where);
      return NULL;
    }

  district = mc_json_get_object (obj, where, "district", FALSE, error);
  if (district == NULL && error != NULL && *error != NULL)
    return NULL;
  if (district != NULL &&
      (!mc_json_get_string (district, where, "code", TRUE, &dcode, error) ||
       !mc_json_get_string (district, where, "name", TRUE, &dname, error)))
    return NULL;

  unit = g_new0 (McWardUnit, 1);
  unit->id = g_strdup (id);
  unit->code = g_strdup (code);
  unit->name = g_strdup (name);
  unit->kind = g_strdup (kind);
  unit->basis = g_strdup (basis);
  unit->into_id = g_strdup (into);
  unit->district_code = g_strdup (dcode);
  unit->district_name = g_strdup (dname);
  unit->from = from;
  unit->until = until;
  return unit;
}

static gboolean
ranges_overlap (const McWardUnit *a,
                const McWardUnit *b)
{
  McDay a_from = a->from, b_from = b->from;
  McDay a_until = a->until ? a->until : G_MAXUINT32;
  McDay b_until = b->until ? b->until : G_MAXUINT32;

  return a_from <= b_until && b_from <= a_until;
}

/* Links successors and checks the catalog as a whole. */
static gboolean
link_units (McWardCatalog  *self,
            GError        **error)
{
  for (guint i = 0; i < self->units->len; i++)
    {
      McWardUnit *unit = g_ptr_array_index (self->units, i);
      McWardUnit *next;

      for (guint j = i + 1; j < self->units->len; j++)
        {
          McWardUnit *other = g_ptr_array_index (self->units, j);

          if (g_str_equal (unit->code, other->code) && ranges_overlap (unit, other))
            {
              g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                           _("%s: units “%s” and “%s” both use the code %s on the same days"),
                           self->origin, unit->id, other->id, unit->code);
              return FALSE;
            }
        }

      if (unit->into_id == NULL)
        continue;

      next = g_hash_table_lookup (self->by_id, unit->into_id);
      if (next == NULL)
        {
          g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                       _("%s: unit “%s” is merged into “%s”, which is not in the catalog"),
                       self->origin, unit->id, unit->into_id);
          return FALSE;
        }
      /* The successor must exist on the day after this unit ended. Since
       * that pushes every hop forward in time, chains cannot loop. */
      if (!mc_ward_unit_is_valid_on (next, unit->until + 1))
        {
          g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                       _("%s: unit “%s” ends before “%s” exists: the day after “until” must fall in the successor’s dates"),
                       self->origin, unit->id, next->id);
          return FALSE;
        }
      unit->successor = next;
    }

  return TRUE;
}

McWardCatalog *
mc_ward_catalog_new_from_bytes (GBytes      *bytes,
                                const char  *origin,
                                GError     **error)
{
  g_autoptr(McWardCatalog) self = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj, *province;
  JsonArray *units;
  gint64 format = 0;
  const char *pcode, *pname;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (origin != NULL, NULL);

  if (!(root = mc_json_parse_bytes (bytes, origin, error)))
    return NULL;
  obj = json_node_get_object (root);

  if (!mc_json_get_int (obj, origin, "format", TRUE, &format, error))
    return NULL;
  if (format != 1)
    {
      g_autofree char *format_text = g_strdup_printf ("%" G_GINT64_FORMAT, format);

      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_UNSUPPORTED_FORMAT,
                   _("%s: format %s is not supported; this program reads format 1"),
                   origin, format_text);
      return NULL;
    }

  if (!(province = mc_json_get_object (obj, origin, "province", TRUE, error)) ||
      !mc_json_get_string (province, origin, "code", TRUE, &pcode, error) ||
      !mc_json_get_string (province, origin, "name", TRUE, &pname, error) ||
      !(units = mc_json_get_array (obj, origin, "units", TRUE, error)))
    return NULL;

  if (json_array_get_length (units) == 0)
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the list of units is empty"), origin);
      return NULL;
    }

  self = g_object_new (MC_TYPE_WARD_CATALOG, NULL);
  self->origin = g_strdup (origin);
  self->province_code = g_strdup (pcode);
  self->province_name = g_strdup (pname);

  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      McWardUnit *unit = parse_unit (json_array_get_element (units, i), i, origin, error);

      if (unit == NULL)
        return NULL;
      if (g_hash_table_contains (self->by_id, unit->id))
        {
          g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                       _("%s: unit %u: the id “%s” is used twice"), origin, i + 1, unit->id);
          mc_ward_unit_free (unit);
          return NULL;
        }
      g_ptr_array_add (self->units, unit);
      g_hash_table_insert (self->by_id, unit->id, unit);
    }

  if (!link_units (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

McWardCatalog *
mc_ward_catalog_new_from_file (GFile   *file,
                               GError **error)
{
  return mc_data_parse_file (file, (McDataParseFunc) mc_ward_catalog_new_from_bytes, error);
}

McWardCatalog *
mc_ward_catalog_new_builtin (void)
{
  return mc_data_parse_builtin ("wards.json", (McDataParseFunc) mc_ward_catalog_new_from_bytes);
}

GFile *
mc_ward_catalog_get_override_file (void)
{
  return mc_data_get_override_file ("wards.json");
}

/* The override in the user's config dir wins when present and valid. When it
 * is present but broken, the built-in catalog is used and @override_error
 * says why, so the caller can show it instead of silently ignoring the file. */
McWardCatalog *
mc_ward_catalog_load (GError **override_error)
{
  return mc_data_load ("wards.json", (McDataParseFunc) mc_ward_catalog_new_from_bytes, override_error);
}

const char *
mc_ward_catalog_get_origin (McWardCatalog *self)
{
  g_return_val_if_fail (MC_IS_WARD_CATALOG (self), NULL);
  return self->origin;
}

const char *
mc_ward_catalog_get_province_code (McWardCatalog *self)
{
  g_return_val_if_fail (MC_IS_WARD_CATALOG (self), NULL);
  return self->province_code;
}

const char *
mc_ward_catalog_get_province_name (McWardCatalog *self)
{
  g_return_val_if_fail (MC_IS_WARD_CATALOG (self), NULL);
  return self->province_name;
}

guint
mc_ward_catalog_get_n_units (McWardCatalog *self)
{
  g_return_val_if_fail (MC_IS_WARD_CATALOG (self), 0);
  return self->units->len;
}

const McWardUnit *
mc_ward_catalog_get_unit (McWardCatalog *self,
                          guint          index)
{
  g_return_val_if_fail (MC_IS_WARD_CATALOG (self), NULL);
  g_return_val_if_fail (index < self->units->len, NULL);
  return g_ptr_array_index (self->units, index);
}

/* Returns: (transfer container) (element-type McWardUnit): units in effect on @day. */
GPtrArray *
mc_ward_catalog_units_on (McWardCatalog *self,
                          McDay          day)
{
  GPtrArray *result = g_ptr_array_new ();

  g_return_val_if_fail (MC_IS_WARD_CATALOG (self), result);

  for (guint i = 0; i < self->units->len; i++)
    {
      McWardUnit *unit = g_ptr_array_index (self->units, i);

      if (mc_ward_unit_is_valid_on (unit, day))
        g_ptr_array_add (result, unit);
    }
  return result;
}

const McWardUnit *
mc_ward_catalog_lookup_id (McWardCatalog *self,
                           const char    *id)
{
  g_return_val_if_fail (MC_IS_WARD_CATALOG (self), NULL);
  return id ? g_hash_table_lookup (self->by_id, id) : NULL;
}

const McWardUnit *
mc_ward_catalog_lookup (McWardCatalog *self,
                        const char    *code,
                        McDay          day)
{
  g_return_val_if_fail (MC_IS_WARD_CATALOG (self), NULL);

  if (code == NULL)
    return NULL;

  for (guint i = 0; i < self->units->len; i++)
    {
      McWardUnit *unit = g_ptr_array_index (self->units, i);

      if (g_str_equal (unit->code, code) && mc_ward_unit_is_valid_on (unit, day))
        return unit;
    }
  return NULL;
}

/* The unit a stored code stands for on @day: the unit that has the code that
 * day, or else the unit that an older holder of the code was merged into.
 * A counter configured before a merge keeps working after it. */
const McWardUnit *
mc_ward_catalog_lookup_current (McWardCatalog *self,
                                const char    *code,
                                McDay          day)
{
  const McWardUnit *unit = mc_ward_catalog_lookup (self, code, day);

  if (unit != NULL || code == NULL)
    return unit;

  for (guint i = self->units->len; i > 0; i--)
    {
      McWardUnit *older = g_ptr_array_index (self->units, i - 1);

      if (g_str_equal (older->code, code) &&
          (unit = mc_ward_catalog_resolve (self, older, day)) != NULL)
        return unit;
    }
  return NULL;
}

/* Follows merges forward: the unit that carries @unit's records on @day.
 * Returns @unit itself while it still exists, NULL when it ended without a
 * successor or @day is before it began. */
const McWardUnit *
mc_ward_catalog_resolve (McWardCatalog    *self,
                         const McWardUnit *unit,
                         McDay             day)
{
  g_return_val_if_fail (MC_IS_WARD_CATALOG (self), NULL);

  while (unit != NULL && !mc_ward_unit_is_valid_on (unit, day))
    {
      if (unit->until == MC_DAY_OPEN || day < unit->until)
        return NULL;
      unit = unit->successor;
    }
  return unit;
}

static gboolean
rolls_into (const McWardUnit *unit,
            const McWardUnit *target)
{
  for (unit = unit->successor; unit != NULL; unit = unit->successor)
    if (unit == target)
      return TRUE;
  return FALSE;
}

/* Returns: (transfer container) (element-type McWardUnit): every unit whose
 * records roll up into @unit, directly or through intermediate merges,
 * in catalog order. */
GPtrArray *
mc_ward_catalog_predecessors (McWardCatalog    *self,
                              const McWardUnit *unit)
{
  GPtrArray *result = g_ptr_array_new ();

  g_return_val_if_fail (MC_IS_WARD_CATALOG (self), result);

  for (guint i = 0; i < self->units->len; i++)
    {
      McWardUnit *other = g_ptr_array_index (self->units, i);

      if (rolls_into (other, unit))
        g_ptr_array_add (result, other);
    }
  return result;
}
