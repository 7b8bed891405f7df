/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-guide-book"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-core.h"
#include "mc-error.h"
#include "mc-guide-book-private.h"
#include "mc-json.h"

#define GUIDES_RESOURCE RESOURCE_BASE "/data/guides"
#define ILLUSTRATIONS_RESOURCE RESOURCE_BASE "/data/illustrations"
#define PICTOGRAMS_RESOURCE RESOURCE_BASE "/data/pictograms"
#define PROCEDURES_FILE "procedures.json"

struct _McGuideBook
{
  GObject     parent_instance;

  GFile      *override_dir;
  GPtrArray  *guides;     /* McGuide, in the order they are listed */
  GPtrArray  *problems;   /* char *, for the clerk */
};

G_DEFINE_FINAL_TYPE (McGuideBook, mc_guide_book, G_TYPE_OBJECT)

/* The general guides a clerk looks for first, in this order. */
static const char * const general_order[] = { "portal-sign-in", "follow-filing", "pay-fees" };

/* ---- Reading ---------------------------------------------------------------- */

/* A procedure's own part of procedures.json. */
typedef struct {
  char      *pictogram;
  char      *summary;
  char      *summary_en;
  GPtrArray *steps;
  GPtrArray *after;
} Entry;

static void
entry_free (Entry *e)
{
  g_free (e->pictogram);
  g_free (e->summary);
  g_free (e->summary_en);
  g_clear_pointer (&e->steps, g_ptr_array_unref);
  g_clear_pointer (&e->after, g_ptr_array_unref);
  g_free (e);
}

/* procedures.json: its templates and the entries by procedure code. */
typedef struct {
  McGuideStep *bring;
  McGuideStep *bring_optional;
  McGuideStep *fee;
  GPtrArray   *after_all;
  Entry       *fallback;
  GHashTable  *entries;      /* code → Entry */
  char        *origin;
} ProcedureData;

static void
procedure_data_free (ProcedureData *d)
{
  g_clear_pointer (&d->bring, mc_guide_step_free);
  g_clear_pointer (&d->bring_optional, mc_guide_step_free);
  g_clear_pointer (&d->fee, mc_guide_step_free);
  g_clear_pointer (&d->after_all, g_ptr_array_unref);
  g_clear_pointer (&d->fallback, entry_free);
  g_clear_pointer (&d->entries, g_hash_table_unref);
  g_free (d->origin);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProcedureData, procedure_data_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McGuide, mc_guide_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McGuideStep, mc_guide_step_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Entry, entry_free)

static gboolean
is_blank (const char *s)
{
  for (; s && *s; s = g_utf8_next_char (s))
    if (!g_unichar_isspace (g_utf8_get_char (s)))
      return FALSE;
  return TRUE;
}

static gboolean
read_text (JsonObject  *obj,
           const char  *where,
           const char  *name,
           gboolean     required,
           char       **out,
           GError     **error)
{
  const char *value = NULL;

  if (!mc_json_get_string (obj, where, name, required, &value, error))
    return FALSE;
  if (value != NULL && is_blank (value))
    {
      if (!required)
        return TRUE;
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the field “%s” is empty"), where, name);
      return FALSE;
    }
  *out = g_strdup (value);
  return TRUE;
}

/* A name, never a path: files come only from the two known places. */
static gboolean
is_file_name (const char *name)
{
  if (name == NULL || !g_ascii_isalnum (name[0]) || strlen (name) > 100)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!(g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.'))
      return FALSE;
  return g_str_has_suffix (name, ".svg") || g_str_has_suffix (name, ".png") ||
         g_str_has_suffix (name, ".jpg");
}

static gboolean
resource_exists (const char *path)
{
  return g_resources_get_info (path, 0, NULL, NULL, NULL);
}

static GFile *
find_illustration (GFile      *override_dir,
                   const char *name)
{
  g_autofree char *path = NULL;

  if (!is_file_name (name))
    return NULL;
  if (override_dir != NULL)
    {
      g_autoptr(GFile) file = g_file_get_child (override_dir, name);

      if (g_file_query_file_type (file, 0, NULL) == G_FILE_TYPE_REGULAR)
        return g_steal_pointer (&file);
    }
  path = g_strconcat (ILLUSTRATIONS_RESOURCE "/", name, NULL);
  if (!resource_exists (path))
    return NULL;
  g_free (path);
  path = g_strconcat ("resource://" ILLUSTRATIONS_RESOURCE "/", name, NULL);
  return g_file_new_for_uri (path);
}

GFile *
mc_guide_find_pictogram (const char *name)
{
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;

  if (name == NULL || !g_regex_match_simple ("^[a-z0-9-]+$", name, 0, 0))
    return NULL;
  mc_core_init ();
  path = g_strconcat (PICTOGRAMS_RESOURCE "/", name, ".svg", NULL);
  if (!resource_exists (path))
    return NULL;
  uri = g_strconcat ("resource://", path, NULL);
  return g_file_new_for_uri (uri);
}

static char *
list_pictograms (void)
{
  g_auto(GStrv) names = g_resources_enumerate_children (PICTOGRAMS_RESOURCE, 0, NULL);
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint i = 0; names && names[i]; i++)
    {
      if (!g_str_has_suffix (names[i], ".svg"))
        continue;
      if (list->len > 0)
        g_string_append (list, ", ");
      g_string_append_len (list, names[i], strlen (names[i]) - 4);
    }
  return g_string_free (g_steal_pointer (&list), FALSE);
}

static gboolean
check_pictogram (const char  *where,
                 const char  *name,
                 GError     **error)
{
  g_autoptr(GFile) file = mc_guide_find_pictogram (name);
  g_autofree char *known = NULL;

  if (file != NULL)
    return TRUE;
  known = list_pictograms ();
  g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
               _("%s: the pictogram “%s” does not exist; use one of: %s"), where, name, known);
  return FALSE;
}

static McGuideStep *
parse_step (GFile       *override_dir,
            JsonNode    *node,
            const char  *where,
            GError     **error)
{
  g_autoptr(McGuideStep) step = g_new0 (McGuideStep, 1);
  JsonObject *obj;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID, _("%s: must be an object"), where);
      return NULL;
    }
  obj = json_node_get_object (node);
  if (!read_text (obj, where, "text", TRUE, &step->text, error) ||
      !read_text (obj, where, "text_en", TRUE, &step->text_en, error) ||
      !read_text (obj, where, "detail", FALSE, &step->detail, error) ||
      !read_text (obj, where, "detail_en", FALSE, &step->detail_en, error) ||
      !read_text (obj, where, "illustration", FALSE, &step->illustration, error))
    return NULL;

  /* A detail must exist in both languages, or in neither. */
  if ((step->detail == NULL) != (step->detail_en == NULL))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: “detail” and “detail_en” must be given together"), where);
      return NULL;
    }
  if (step->illustration != NULL)
    {
      g_autoptr(GFile) file = NULL;

      if (!is_file_name (step->illustration))
        {
          g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                       _("%s: the illustration “%s” must be a file name ending in .svg, .png or .jpg, without folders"),
                       where, step->illustration);
          return NULL;
        }
      if ((file = find_illustration (override_dir, step->illustration)) == NULL)
        {
          g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                       _("%s: the illustration “%s” does not exist, neither in the guides folder nor among the built-in ones"),
                       where, step->illustration);
          return NULL;
        }
    }
  return g_steal_pointer (&step);
}

static GPtrArray *
parse_steps (GFile       *override_dir,
             JsonObject  *obj,
             const char  *where,
             const char  *name,
             gboolean     required,
             gboolean     may_be_empty,
             GError     **error)
{
  g_autoptr(GPtrArray) steps = mc_guide_steps_new ();
  GError *local_error = NULL;
  JsonArray *array = mc_json_get_array (obj, where, name, required, &local_error);

  if (array == NULL)
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      return g_steal_pointer (&steps);
    }
  if (json_array_get_length (array) == 0 && !may_be_empty)
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the list “%s” is empty"), where, name);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      /* Translators: where a problem is in a guide file: the place, the list's name, the step's number */
      g_autofree char *step_where = g_strdup_printf (_("%s, “%s” step %u"), where, name, i + 1);
      McGuideStep *step = parse_step (override_dir, json_array_get_element (array, i), step_where, error);

      if (step == NULL)
        return NULL;
      g_ptr_array_add (steps, step);
    }
  return g_steal_pointer (&steps);
}

static gboolean
check_format (JsonObject  *obj,
              const char  *origin,
              GError     **error)
{
  gint64 format = 0;

  if (!mc_json_get_int (obj, origin, "format", TRUE, &format, error))
    return FALSE;
  if (format != 1)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, format);

      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_UNSUPPORTED_FORMAT,
                   _("%s: format %s is not supported; this program reads format 1"), origin, text);
      return FALSE;
    }
  return TRUE;
}

static McGuide *
parse_guide (GFile       *override_dir,
             JsonObject  *obj,
             const char  *origin,
             GError     **error)
{
  g_autoptr(McGuide) guide = g_new0 (McGuide, 1);

  guide->kind = MC_GUIDE_KIND_GENERAL;
  guide->origin = g_strdup (origin);
  if (!read_text (obj, origin, "id", TRUE, &guide->id, error))
    return NULL;
  if (!g_regex_match_simple ("^[a-z0-9][a-z0-9-]*$", guide->id, 0, 0))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the id “%s” may only contain a–z, 0–9 and “-”"), origin, guide->id);
      return NULL;
    }
  if (!read_text (obj, origin, "pictogram", TRUE, &guide->pictogram, error) ||
      !check_pictogram (origin, guide->pictogram, error) ||
      !read_text (obj, origin, "title", TRUE, &guide->title, error) ||
      !read_text (obj, origin, "title_en", TRUE, &guide->title_en, error) ||
      !read_text (obj, origin, "summary", TRUE, &guide->summary, error) ||
      !read_text (obj, origin, "summary_en", TRUE, &guide->summary_en, error) ||
      !(guide->steps = parse_steps (override_dir, obj, origin, "steps", TRUE, FALSE, error)))
    return NULL;
  guide->after = mc_guide_steps_new ();
  return g_steal_pointer (&guide);
}

static Entry *
parse_entry (GFile       *override_dir,
             JsonObject  *obj,
             const char  *where,
             GError     **error)
{
  g_autoptr(Entry) e = g_new0 (Entry, 1);

  if (!read_text (obj, where, "pictogram", TRUE, &e->pictogram, error) ||
      !check_pictogram (where, e->pictogram, error) ||
      !read_text (obj, where, "summary", TRUE, &e->summary, error) ||
      !read_text (obj, where, "summary_en", TRUE, &e->summary_en, error) ||
      !(e->steps = parse_steps (override_dir, obj, where, "steps", FALSE, TRUE, error)) ||
      !(e->after = parse_steps (override_dir, obj, where, "after", FALSE, TRUE, error)))
    return NULL;
  return g_steal_pointer (&e);
}

/* A template: a step whose texts hold {name} (or {fee}). */
static gboolean
parse_template (GFile         *override_dir,
                JsonObject    *obj,
                const char    *origin,
                const char    *name,
                const char    *placeholder,
                gboolean       required,
                McGuideStep  **out,
                GError       **error)
{
  g_autofree char *where = g_strdup_printf ("%s, “%s”", origin, name);
  JsonNode *node = json_object_get_member (obj, name);
  McGuideStep *step;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                       _("%s: the field “%s” is missing"), origin, name);
          return FALSE;
        }
      return TRUE;
    }
  if (!(step = parse_step (override_dir, node, where, error)))
    return FALSE;
  if (strstr (step->text, placeholder) == NULL || strstr (step->text_en, placeholder) == NULL)
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: both texts must contain “%s”, where the program puts the paper’s name or the fee"),
                   where, placeholder);
      mc_guide_step_free (step);
      return FALSE;
    }
  *out = step;
  return TRUE;
}

/* @partial: a ward's file, which may give only what it changes. */
static ProcedureData *
parse_procedure_data (GFile               *override_dir,
                      JsonObject          *obj,
                      const char          *origin,
                      McProcedureCatalog  *catalog,
                      gboolean             partial,
                      GError             **error)
{
  g_autoptr(ProcedureData) d = g_new0 (ProcedureData, 1);
  GError *local_error = NULL;
  JsonObject *fallback;
  JsonArray *procedures;

  d->origin = g_strdup (origin);
  d->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);

  if (!parse_template (override_dir, obj, origin, "bring", "{name}", !partial, &d->bring, error) ||
      !parse_template (override_dir, obj, origin, "bring_optional", "{name}", !partial, &d->bring_optional, error) ||
      !parse_template (override_dir, obj, origin, "fee", "{fee}", !partial, &d->fee, error))
    return NULL;
  if (json_object_has_member (obj, "after_all") || !partial)
    {
      if (!(d->after_all = parse_steps (override_dir, obj, origin, "after_all", TRUE, TRUE, error)))
        return NULL;
    }
  if (json_object_has_member (obj, "default") || !partial)
    {
      g_autofree char *where = g_strdup_printf ("%s, “default”", origin);

      if (!(fallback = mc_json_get_object (obj, origin, "default", TRUE, error)) ||
          !(d->fallback = parse_entry (override_dir, fallback, where, error)))
        return NULL;
    }

  if (!(procedures = mc_json_get_array (obj, origin, "procedures", !partial, &local_error)))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      return g_steal_pointer (&d);
    }

  for (guint i = 0; i < json_array_get_length (procedures); i++)
    {
      JsonNode *node = json_array_get_element (procedures, i);
      g_autofree char *where = g_strdup_printf (_("%s: procedure %u"), origin, i + 1);
      g_autofree char *code = NULL;
      Entry *e;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID, _("%s: must be an object"), where);
          return NULL;
        }
      if (!read_text (json_node_get_object (node), where, "code", TRUE, &code, error))
        return NULL;
      g_free (where);
      where = g_strdup_printf (_("%s: procedure %u (“%s”)"), origin, i + 1, code);
      if (g_hash_table_contains (d->entries, code))
        {
          g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                       _("%s: the code is used twice"), where);
          return NULL;
        }
      /* A ward's entry for a code the catalog lacks is a typo to report,
       * never a guide nobody sees. */
      if (partial && mc_procedure_catalog_lookup (catalog, code) == NULL)
        {
          g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                       _("%s: there is no such procedure in the procedure catalog"), where);
          return NULL;
        }
      if (!(e = parse_entry (override_dir, json_node_get_object (node), where, error)))
        return NULL;
      g_hash_table_insert (d->entries, g_steal_pointer (&code), e);
    }
  return g_steal_pointer (&d);
}

/* The ward's procedures.json changes only what it gives. */
static void
procedure_data_merge (ProcedureData *into,
                      ProcedureData *from)
{
  GHashTableIter iter;
  gpointer code, entry;

#define TAKE(field, free_func) \
  if (from->field != NULL) \
    { \
      g_clear_pointer (&into->field, free_func); \
      into->field = g_steal_pointer (&from->field); \
    }
  TAKE (bring, mc_guide_step_free);
  TAKE (bring_optional, mc_guide_step_free);
  TAKE (fee, mc_guide_step_free);
  TAKE (after_all, g_ptr_array_unref);
  TAKE (fallback, entry_free);
#undef TAKE

  g_hash_table_iter_init (&iter, from->entries);
  while (g_hash_table_iter_next (&iter, &code, &entry))
    {
      g_hash_table_iter_steal (&iter);
      g_hash_table_replace (into->entries, code, entry);
    }
}

static JsonObject *
parse_file_bytes (GBytes      *bytes,
                  const char  *origin,
                  JsonNode   **root_out,
                  GError     **error)
{
  JsonNode *root = mc_json_parse_bytes (bytes, origin, error);

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_SYNTAX,
                   _("%s: the file must hold one JSON object"), origin);
      json_node_unref (root);
      return NULL;
    }
  *root_out = root;
  return json_node_get_object (root);
}

/* ---- Putting a book together ------------------------------------------------ */

static char *
fill (const char *template,
      const char *placeholder,
      const char *value)
{
  g_autoptr(GString) s = g_string_new (template);

  g_string_replace (s, placeholder, value, 0);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static McGuideStep *
fill_step (const McGuideStep *template,
           const char        *placeholder,
           const char        *value,
           const char        *value_en)
{
  McGuideStep *step = g_new0 (McGuideStep, 1);

  step->text = fill (template->text, placeholder, value);
  step->text_en = fill (template->text_en, placeholder, value_en ? value_en : value);
  step->illustration = g_strdup (template->illustration);
  return step;
}

static McGuide *
build_procedure_guide (const McProcedure   *p,
                       const ProcedureData *d)
{
  const Entry *e = g_hash_table_lookup (d->entries, p->code);
  McGuide *guide = g_new0 (McGuide, 1);

  if (e == NULL)
    e = d->fallback;

  guide->id = g_strconcat (MC_GUIDE_PROCEDURE_PREFIX, p->code, NULL);
  guide->kind = MC_GUIDE_KIND_PROCEDURE;
  guide->procedure_code = g_strdup (p->code);
  guide->pictogram = g_strdup (e->pictogram);
  guide->title = g_strdup (p->name);
  guide->title_en = g_strdup (p->name_en);
  guide->summary = g_strdup (e->summary);
  guide->summary_en = g_strdup (e->summary_en);
  guide->origin = g_strdup (d->origin);
  guide->steps = mc_guide_steps_new ();
  guide->after = mc_guide_steps_new ();

  for (guint i = 0; i < e->steps->len; i++)
    g_ptr_array_add (guide->steps, mc_guide_step_copy (g_ptr_array_index (e->steps, i)));

  /* The papers to bring are the catalog's, so the two never disagree. */
  for (guint i = 0; i < p->components->len; i++)
    {
      const McComponent *c = g_ptr_array_index (p->components, i);
      McGuideStep *step = fill_step (c->required ? d->bring : d->bring_optional, "{name}",
                                     c->name, c->name_en);

      /* An ID card's hint tells the clerk how to scan it; a paper's hint
       * tells the citizen which paper is meant. */
      if (c->profile != MC_PROFILE_ID_CARD && c->hint != NULL)
        {
          step->detail = g_strdup (c->hint);
          step->detail_en = g_strdup (c->hint_en ? c->hint_en : c->hint);
        }
      g_ptr_array_add (guide->steps, step);
    }
  if (p->fee != NULL)
    g_ptr_array_add (guide->steps, fill_step (d->fee, "{fee}", p->fee, p->fee_en));

  for (guint i = 0; i < e->after->len; i++)
    g_ptr_array_add (guide->after, mc_guide_step_copy (g_ptr_array_index (e->after, i)));
  for (guint i = 0; i < d->after_all->len; i++)
    g_ptr_array_add (guide->after, mc_guide_step_copy (g_ptr_array_index (d->after_all, i)));
  return guide;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static int
general_rank (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (general_order); i++)
    if (g_str_equal (general_order[i], id))
      return (int) i;
  return G_N_ELEMENTS (general_order);
}

static int
compare_general (gconstpointer a,
                 gconstpointer b)
{
  const McGuide *ga = *(McGuide **) a, *gb = *(McGuide **) b;
  int ra = general_rank (ga->id), rb = general_rank (gb->id);

  return ra != rb ? ra - rb : g_strcmp0 (ga->id, gb->id);
}

static void
add_problem (McGuideBook *self,
             GError      *error)
{
  g_ptr_array_add (self->problems, g_strdup (error->message));
}

/* Reads one file into @general or @procedures; FALSE and @error when the
 * file is unusable. */
static gboolean
read_file (McGuideBook          *self,
           GBytes               *bytes,
           const char           *origin,
           McProcedureCatalog   *catalog,
           gboolean              partial,
           GHashTable           *general,
           ProcedureData       **procedures,
           GError              **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj = parse_file_bytes (bytes, origin, &root, error);

  if (obj == NULL || !check_format (obj, origin, error))
    return FALSE;

  if (json_object_has_member (obj, "procedures") || json_object_has_member (obj, "bring"))
    {
      ProcedureData *d = parse_procedure_data (self->override_dir, obj, origin, catalog, partial, error);

      if (d == NULL)
        return FALSE;
      if (*procedures == NULL)
        *procedures = d;
      else
        {
          procedure_data_merge (*procedures, d);
          procedure_data_free (d);
        }
      return TRUE;
    }
  else
    {
      McGuide *guide = parse_guide (self->override_dir, obj, origin, error);

      if (guide == NULL)
        return FALSE;
      g_hash_table_replace (general, guide->id, guide);
      return TRUE;
    }
}

static void
read_builtin (McGuideBook        *self,
              McProcedureCatalog *catalog,
              GHashTable         *general,
              ProcedureData     **procedures)
{
  g_auto(GStrv) names = g_resources_enumerate_children (GUIDES_RESOURCE, 0, NULL);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

  for (guint i = 0; names && names[i]; i++)
    if (g_str_has_suffix (names[i], ".json"))
      g_ptr_array_add (sorted, names[i]);
  g_ptr_array_sort (sorted, compare_names);

  for (guint i = 0; i < sorted->len; i++)
    {
      const char *name = g_ptr_array_index (sorted, i);
      g_autofree char *path = g_strconcat (GUIDES_RESOURCE "/", name, NULL);
      g_autofree char *origin = g_strconcat ("guides/", name, NULL);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, NULL);
      g_autoptr(GError) error = NULL;

      if (bytes == NULL ||
          !read_file (self, bytes, origin, catalog, FALSE, general, procedures, &error))
        {
          /* The test suite reads every built-in file: reaching this is a
           * build defect, reported like a ward's bad file all the same. */
          if (error != NULL)
            add_problem (self, error);
        }
    }
}

static void
read_override (McGuideBook        *self,
               McProcedureCatalog *catalog,
               GHashTable         *general,
               ProcedureData     **procedures)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  GFileInfo *info;

  if (self->override_dir == NULL)
    return;
  children = g_file_enumerate_children (self->override_dir, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NONE, NULL, &error);
  if (children == NULL)
    {
      /* No folder: the ward has not added anything, which is normal. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_autofree char *dir = g_file_get_parse_name (self->override_dir);

          g_ptr_array_add (self->problems,
                           g_strdup_printf (_("%s: the guides folder cannot be read: %s"), dir, error->message));
        }
      return;
    }
  while ((info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR &&
          g_str_has_suffix (g_file_info_get_name (info), ".json"))
        g_ptr_array_add (files, g_strdup (g_file_info_get_name (info)));
      g_object_unref (info);
    }
  g_ptr_array_sort (files, compare_names);

  for (guint i = 0; i < files->len; i++)
    {
      g_autoptr(GFile) file = g_file_get_child (self->override_dir, g_ptr_array_index (files, i));
      g_autofree char *origin = g_file_get_parse_name (file);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) file_error = NULL;

      if (!(bytes = mc_data_load_file (file, origin, &file_error)) ||
          !read_file (self, bytes, origin, catalog, TRUE, general, procedures, &file_error))
        add_problem (self, file_error);
    }
}

/* Always returns a book: what could not be read is in its problems. */
McGuideBook *
mc_guide_book_load (McProcedureCatalog *catalog,
                    GFile              *override_dir)
{
  McGuideBook *self;
  g_autoptr(GHashTable) general = NULL;
  g_autoptr(ProcedureData) procedures = NULL;
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (MC_IS_PROCEDURE_CATALOG (catalog), NULL);

  mc_core_init ();
  self = g_object_new (MC_TYPE_GUIDE_BOOK, NULL);
  self->override_dir = override_dir ? g_object_ref (override_dir) : NULL;
  general = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) mc_guide_free);

  read_builtin (self, catalog, general, &procedures);
  read_override (self, catalog, general, &procedures);

  g_hash_table_iter_init (&iter, general);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (sorted, value);
  g_ptr_array_sort (sorted, compare_general);
  for (guint i = 0; i < sorted->len; i++)
    {
      McGuide *guide = g_ptr_array_index (sorted, i);

      g_hash_table_steal (general, guide->id);
      g_ptr_array_add (self->guides, guide);
    }

  if (procedures != NULL && procedures->bring && procedures->bring_optional && procedures->fee &&
      procedures->after_all && procedures->fallback)
    for (guint i = 0; i < mc_procedure_catalog_get_n_procedures (catalog); i++)
      g_ptr_array_add (self->guides,
                       build_procedure_guide (mc_procedure_catalog_get_procedure (catalog, i), procedures));

  return self;
}

GFile *
mc_guide_book_get_override_dir (void)
{
  return g_file_new_build_filename (g_get_user_config_dir (), "motcua", "guides", NULL);
}

/* The book shown for a catalog is kept with that catalog: every window
 * that shows @catalog's procedures shows the same book, and a reload is
 * seen by all of them. The lock makes getting and replacing it atomic. */
#define SHARED_BOOK_KEY "mc-guide-book-shared"
G_LOCK_DEFINE_STATIC (shared_book);

/* The book the program shows for @catalog: its guides, with the ward's
 * own from mc_guide_book_get_override_dir(), read once. */
McGuideBook *
mc_guide_book_get_shared (McProcedureCatalog *catalog)
{
  McGuideBook *book;

  g_return_val_if_fail (MC_IS_PROCEDURE_CATALOG (catalog), NULL);

  G_LOCK (shared_book);
  book = g_object_get_data (G_OBJECT (catalog), SHARED_BOOK_KEY);
  if (book == NULL)
    {
      g_autoptr(GFile) dir = mc_guide_book_get_override_dir ();

      book = mc_guide_book_load (catalog, dir);
      g_object_set_data_full (G_OBJECT (catalog), SHARED_BOOK_KEY, book, g_object_unref);
    }
  G_UNLOCK (shared_book);
  return book;
}

/* Reads the guides again, after the ward has edited them, and replaces
 * @catalog's shared book; the previous one stays valid for whoever holds a
 * reference to it. */
McGuideBook *
mc_guide_book_reload_shared (McProcedureCatalog *catalog)
{
  g_autoptr(GFile) dir = mc_guide_book_get_override_dir ();
  McGuideBook *book;

  g_return_val_if_fail (MC_IS_PROCEDURE_CATALOG (catalog), NULL);

  book = mc_guide_book_load (catalog, dir);
  G_LOCK (shared_book);
  g_object_set_data_full (G_OBJECT (catalog), SHARED_BOOK_KEY, book, g_object_unref);
  G_UNLOCK (shared_book);
  return book;
}

guint
mc_guide_book_get_n_guides (McGuideBook *self)
{
  g_return_val_if_fail (MC_IS_GUIDE_BOOK (self), 0);
  return self->guides->len;
}

const McGuide *
mc_guide_book_get_guide (McGuideBook *self,
                         guint        index)
{
  g_return_val_if_fail (MC_IS_GUIDE_BOOK (self), NULL);
  return index < self->guides->len ? g_ptr_array_index (self->guides, index) : NULL;
}

const McGuide *
mc_guide_book_lookup (McGuideBook *self,
                      const char  *id)
{
  g_return_val_if_fail (MC_IS_GUIDE_BOOK (self), NULL);

  for (guint i = 0; id != NULL && i < self->guides->len; i++)
    {
      const McGuide *guide = g_ptr_array_index (self->guides, i);

      if (g_str_equal (guide->id, id))
        return guide;
    }
  return NULL;
}

const McGuide *
mc_guide_book_lookup_procedure (McGuideBook *self,
                                const char  *code)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (MC_IS_GUIDE_BOOK (self), NULL);
  if (code == NULL)
    return NULL;
  id = g_strconcat (MC_GUIDE_PROCEDURE_PREFIX, code, NULL);
  return mc_guide_book_lookup (self, id);
}

GPtrArray *
mc_guide_book_get_problems (McGuideBook *self)
{
  g_return_val_if_fail (MC_IS_GUIDE_BOOK (self), NULL);
  return self->problems;
}

GFile *
mc_guide_book_find_illustration (McGuideBook *self,
                                 const char  *name)
{
  g_return_val_if_fail (MC_IS_GUIDE_BOOK (self), NULL);
  return find_illustration (self->override_dir, name);
}

static void
mc_guide_book_finalize (GObject *object)
{
  McGuideBook *self = MC_GUIDE_BOOK (object);

  g_clear_object (&self->override_dir);
  g_clear_pointer (&self->guides, g_ptr_array_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);

  G_OBJECT_CLASS (mc_guide_book_parent_class)->finalize (object);
}

static void
mc_guide_book_class_init (McGuideBookClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_guide_book_finalize;
}

static void
mc_guide_book_init (McGuideBook *self)
{
  self->guides = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_guide_free);
  self->problems = g_ptr_array_new_with_free_func (g_free);
}
