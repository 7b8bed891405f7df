/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-self-service-session"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mc-core.h"
#include "mc-file-util.h"
#include "mc-json.h"
#include "mc-self-service-session.h"

#define SESSION_FILE "session.json"

struct _McSelfServiceSession
{
  GObject      parent_instance;

  char        *dir;
  char        *id;
  char        *short_code;
  char        *procedure_code;
  GPtrArray   *component_keys;   /* in the catalog's order */
  GHashTable  *stores;           /* key → McPageStore */
  GDateTime   *created;
  gboolean     handed_off;
  gboolean     wiped;
};

G_DEFINE_FINAL_TYPE (McSelfServiceSession, mc_self_service_session, G_TYPE_OBJECT)

char *
mc_self_service_get_base_dir (void)
{
  g_autofree char *data_dir = mc_core_get_data_dir ();

  return g_build_filename (data_dir, "self-service", NULL);
}

/* Letters a person reads out without confusion: no 0/O, 1/I/L, 5/S, 8/B. */
static char *
make_short_code (void)
{
  static const char alphabet[] = "ACDEFGHJKMNPQRTUVWXY234679";
  char code[5];

  for (guint i = 0; i < 4; i++)
    code[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
  code[4] = '\0';
  return g_strdup (code);
}

static char *
format_time (GDateTime *time)
{
  return g_date_time_format_iso8601 (time);
}

static gboolean
write_session_file (McSelfServiceSession  *self,
                    GError               **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *created = format_time (self->created);
  g_autofree char *path = g_build_filename (self->dir, SESSION_FILE, NULL);
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->id);
  json_builder_set_member_name (builder, "short_code");
  json_builder_add_string_value (builder, self->short_code);
  json_builder_set_member_name (builder, "procedure");
  json_builder_add_string_value (builder, self->procedure_code);
  json_builder_set_member_name (builder, "created");
  json_builder_add_string_value (builder, created);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, self->handed_off ? "handed-off" : "open");
  if (self->handed_off)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *at = format_time (now);

      json_builder_set_member_name (builder, "handed_off");
      json_builder_add_string_value (builder, at);
    }
  json_builder_set_member_name (builder, "components");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->component_keys->len; i++)
    {
      const char *key = g_ptr_array_index (self->component_keys, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "key");
      json_builder_add_string_value (builder, key);
      json_builder_set_member_name (builder, "folder");
      json_builder_add_string_value (builder, key);
      json_builder_set_member_name (builder, "pages");
      json_builder_add_int_value (builder, mc_self_service_session_count_pages (self, key));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  return mc_file_write_atomically (path, text, -1, error);
}

McSelfServiceSession *
mc_self_service_session_new (const char         *base_dir,
                             const McProcedure  *procedure,
                             GError            **error)
{
  g_autoptr(McSelfServiceSession) self = NULL;
  g_autofree char *default_base = NULL;

  g_return_val_if_fail (procedure != NULL, NULL);

  if (base_dir == NULL)
    base_dir = default_base = mc_self_service_get_base_dir ();

  self = g_object_new (MC_TYPE_SELF_SERVICE_SESSION, NULL);
  self->id = g_uuid_string_random ();
  self->short_code = make_short_code ();
  self->procedure_code = g_strdup (procedure->code);
  self->created = g_date_time_new_now_local ();
  self->dir = g_build_filename (base_dir, self->id, NULL);
  for (guint i = 0; i < procedure->components->len; i++)
    g_ptr_array_add (self->component_keys,
                     g_strdup (((McComponent *) g_ptr_array_index (procedure->components, i))->key));

  if (!mc_dir_ensure_private (base_dir, error) ||
      !mc_dir_ensure_private (self->dir, error) ||
      !write_session_file (self, error))
    {
      mc_core_remove_tree (self->dir, NULL);
      return NULL;
    }
  return g_steal_pointer (&self);
}

const char *
mc_self_service_session_get_dir (McSelfServiceSession *self)
{
  g_return_val_if_fail (MC_IS_SELF_SERVICE_SESSION (self), NULL);
  return self->dir;
}

const char *
mc_self_service_session_get_id (McSelfServiceSession *self)
{
  g_return_val_if_fail (MC_IS_SELF_SERVICE_SESSION (self), NULL);
  return self->id;
}

const char *
mc_self_service_session_get_short_code (McSelfServiceSession *self)
{
  g_return_val_if_fail (MC_IS_SELF_SERVICE_SESSION (self), NULL);
  return self->short_code;
}

const char *
mc_self_service_session_get_procedure_code (McSelfServiceSession *self)
{
  g_return_val_if_fail (MC_IS_SELF_SERVICE_SESSION (self), NULL);
  return self->procedure_code;
}

McPageStore *
mc_self_service_session_get_store (McSelfServiceSession  *self,
                                   const char            *component_key,
                                   GError               **error)
{
  McPageStore *store;
  g_autofree char *path = NULL;
  gboolean known = FALSE;

  g_return_val_if_fail (MC_IS_SELF_SERVICE_SESSION (self), NULL);
  g_return_val_if_fail (component_key != NULL, NULL);

  if ((store = g_hash_table_lookup (self->stores, component_key)) != NULL)
    return store;
  for (guint i = 0; i < self->component_keys->len; i++)
    known |= g_str_equal (g_ptr_array_index (self->component_keys, i), component_key);
  if (!known || self->wiped)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The paper “%s” is not part of this procedure"), component_key);
      return NULL;
    }
  path = g_build_filename (self->dir, component_key, NULL);
  if (!mc_dir_ensure_private (path, error) ||
      !(store = mc_page_store_new (path, error)))
    return NULL;
  g_hash_table_insert (self->stores, g_strdup (component_key), store);
  return store;
}

guint
mc_self_service_session_count_pages (McSelfServiceSession *self,
                                     const char           *component_key)
{
  McPageStore *store;

  g_return_val_if_fail (MC_IS_SELF_SERVICE_SESSION (self), 0);

  store = g_hash_table_lookup (self->stores, component_key);
  return store ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0;
}

gboolean
mc_self_service_session_is_handed_off (McSelfServiceSession *self)
{
  g_return_val_if_fail (MC_IS_SELF_SERVICE_SESSION (self), FALSE);
  return self->handed_off;
}

gboolean
mc_self_service_session_hand_off (McSelfServiceSession  *self,
                                  GError               **error)
{
  GHashTableIter iter;
  gpointer store;

  g_return_val_if_fail (MC_IS_SELF_SERVICE_SESSION (self), FALSE);

  /* Every page's manifest on disk before the folder changes hands. */
  g_hash_table_iter_init (&iter, self->stores);
  while (g_hash_table_iter_next (&iter, NULL, &store))
    if (!mc_page_store_flush (store, error))
      return FALSE;
  self->handed_off = TRUE;
  if (!write_session_file (self, error))
    {
      self->handed_off = FALSE;
      return FALSE;
    }
  return TRUE;
}

gboolean
mc_self_service_session_wipe (McSelfServiceSession  *self,
                              GError               **error)
{
  g_return_val_if_fail (MC_IS_SELF_SERVICE_SESSION (self), FALSE);

  /* The stores write their manifests in the background: let them finish
   * before the folder goes, so nothing is written back afterwards. */
  {
    GHashTableIter iter;
    gpointer store;

    g_hash_table_iter_init (&iter, self->stores);
    while (g_hash_table_iter_next (&iter, NULL, &store))
      mc_page_store_flush (store, NULL);
  }
  g_hash_table_remove_all (self->stores);
  self->wiped = TRUE;
  return mc_core_remove_tree (self->dir, error);
}

/* What session.json says: handed off, and when; FALSE when unreadable. */
static gboolean
read_state (const char *dir,
            gboolean   *handed_off,
            GDateTime **at)
{
  g_autofree char *path = g_build_filename (dir, SESSION_FILE, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;
  const char *state = NULL, *when = NULL;

  /* An empty file parses, to no root at all. */
  if (!json_parser_load_from_mapped_file (parser, path, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  obj = json_node_get_object (json_parser_get_root (parser));
  /* The typed getters: a damaged file is treated as unfinished. */
  if (!mc_json_get_string (obj, path, "state", TRUE, &state, NULL) ||
      !mc_json_get_string (obj, path, "handed_off", FALSE, &when, NULL))
    return FALSE;
  *handed_off = g_str_equal (state, "handed-off");
  *at = when ? g_date_time_new_from_iso8601 (when, NULL) : NULL;
  return TRUE;
}

McSelfServiceHandOff *
mc_self_service_read_hand_off (const char  *dir,
                               GError     **error)
{
  g_autofree char *path = g_build_filename (dir, SESSION_FILE, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) found_counts = g_array_new (FALSE, FALSE, sizeof (guint));
  JsonObject *root;
  JsonArray *components;
  McSelfServiceHandOff *hand_off;
  const char *state = NULL, *procedure = NULL, *code = NULL;

  if (!json_parser_load_from_mapped_file (parser, path, &local_error) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The papers a citizen prepared cannot be read (%s): %s"), path,
                   local_error ? local_error->message : _("not a JSON object"));
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  if (!mc_json_get_string (root, path, "state", TRUE, &state, error) ||
      !mc_json_get_string (root, path, "procedure", TRUE, &procedure, error) ||
      !mc_json_get_string (root, path, "short_code", FALSE, &code, error) ||
      (components = mc_json_get_array (root, path, "components", TRUE, error)) == NULL)
    return NULL;
  if (!g_str_equal (state, "handed-off"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The citizen has not finished preparing these papers yet."));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (components); i++)
    {
      JsonNode *node = json_array_get_element (components, i);
      const char *folder_name = NULL;
      gint64 pages = 0;
      guint n;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !mc_json_get_string (json_node_get_object (node), path, "folder", TRUE, &folder_name, error) ||
          !mc_json_get_int (json_node_get_object (node), path, "pages", TRUE, &pages, error) ||
          pages < 0 || pages > 10000)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("The papers a citizen prepared cannot be read (%s): a paper is not described."), path);
          return NULL;
        }
      /* A folder inside this one, never a path out of it. */
      if (*folder_name == '\0' || strchr (folder_name, '/') != NULL || folder_name[0] == '.')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The papers a citizen prepared cannot be read (%s): a paper is not described."), path);
          return NULL;
        }
      g_ptr_array_add (found, g_strdup (folder_name));
      n = (guint) pages;
      g_array_append_val (found_counts, n);
    }
  hand_off = g_new0 (McSelfServiceHandOff, 1);
  hand_off->procedure_code = g_strdup (procedure);
  hand_off->short_code = g_strdup (code);
  hand_off->folders = g_steal_pointer (&found);
  hand_off->page_counts = g_steal_pointer (&found_counts);
  return hand_off;
}

void
mc_self_service_hand_off_free (McSelfServiceHandOff *hand_off)
{
  if (hand_off == NULL)
    return;
  g_free (hand_off->procedure_code);
  g_free (hand_off->short_code);
  g_clear_pointer (&hand_off->folders, g_ptr_array_unref);
  g_clear_pointer (&hand_off->page_counts, g_array_unref);
  g_free (hand_off);
}

static guint
purge_folders (const char  *base_dir,
               gboolean     unfinished_only,
               guint        retention_hours,
               GError     **error)
{
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GError) local_error = NULL;
  const char *name;
  guint removed = 0;

  listing = g_dir_open (base_dir, 0, &local_error);
  if (listing == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return 0;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return 0;
    }

  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *dir = g_build_filename (base_dir, name, NULL);
      g_autoptr(GDateTime) at = NULL;
      gboolean handed_off = FALSE;
      gboolean remove;

      /* Only our own folders: a uuid for a name. */
      if (!g_uuid_string_is_valid (name) || !g_file_test (dir, G_FILE_TEST_IS_DIR))
        continue;
      if (!read_state (dir, &handed_off, &at) || !handed_off || at == NULL)
        remove = TRUE;   /* nobody finished it: nobody will */
      else if (unfinished_only)
        remove = FALSE;
      else
        remove = g_date_time_difference (now, at) >= (GTimeSpan) retention_hours * G_TIME_SPAN_HOUR;

      if (remove)
        {
          if (!mc_core_remove_tree (dir, &local_error))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return removed;
            }
          removed++;
        }
    }
  return removed;
}

guint
mc_self_service_purge (const char  *base_dir,
                       guint        retention_hours,
                       GError     **error)
{
  return purge_folders (base_dir, FALSE, retention_hours, error);
}

/* At start, no citizen is at the kiosk: what nobody finished goes now;
 * what a citizen handed off stays, for a visit to take it. */
guint
mc_self_service_purge_unfinished (const char  *base_dir,
                                  GError     **error)
{
  return purge_folders (base_dir, TRUE, 0, error);
}

static void
mc_self_service_session_finalize (GObject *object)
{
  McSelfServiceSession *self = MC_SELF_SERVICE_SESSION (object);

  g_free (self->dir);
  g_free (self->id);
  g_free (self->short_code);
  g_free (self->procedure_code);
  g_clear_pointer (&self->component_keys, g_ptr_array_unref);
  g_clear_pointer (&self->stores, g_hash_table_unref);
  g_clear_pointer (&self->created, g_date_time_unref);

  G_OBJECT_CLASS (mc_self_service_session_parent_class)->finalize (object);
}

static void
mc_self_service_session_class_init (McSelfServiceSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_self_service_session_finalize;
}

static void
mc_self_service_session_init (McSelfServiceSession *self)
{
  self->component_keys = g_ptr_array_new_with_free_func (g_free);
  self->stores = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}
