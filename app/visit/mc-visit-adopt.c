/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-visit"

#include "config.h"

#include <glib/gi18n.h>
#include <vips/vips.h>

#include "mc-json.h"
#include "mc-self-service-session.h"
#include "mc-visit-adopt.h"

#define SESSION_FILE "session.json"

typedef struct {
  char        *key;
  McPageStore *source;        /* the citizen's pages */
  McPageStore *target;        /* the visit's */
  GPtrArray   *copied;        /* McPage, made in the worker, appended on the main thread */
} Paper;

typedef struct {
  char      *folder;
  McVisit   *visit;
  GPtrArray *papers;          /* Paper */
} Adoption;

static void
paper_free (Paper *paper)
{
  g_free (paper->key);
  g_clear_object (&paper->source);
  g_clear_object (&paper->target);
  g_clear_pointer (&paper->copied, g_ptr_array_unref);
  g_free (paper);
}

static void
adoption_free (Adoption *adoption)
{
  g_free (adoption->folder);
  g_clear_object (&adoption->visit);
  g_clear_pointer (&adoption->papers, g_ptr_array_unref);
  g_free (adoption);
}

/* session.json: handed off, its procedure, the folder of each paper. */
static gboolean
read_session (const char  *folder,
              char       **procedure_code,
              char       **short_code,
              GPtrArray  **keys,
              GArray     **counts,
              GError     **error)
{
  g_autofree char *path = g_build_filename (folder, SESSION_FILE, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) found_counts = g_array_new (FALSE, FALSE, sizeof (guint));
  JsonObject *root;
  JsonArray *components;
  const char *state = NULL, *procedure = NULL, *code = NULL;

  if (!json_parser_load_from_mapped_file (parser, path, &local_error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The papers a citizen prepared cannot be read (%s): %s"), path,
                   local_error ? local_error->message : _("not a JSON object"));
      return FALSE;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  if (!mc_json_get_string (root, path, "state", TRUE, &state, error) ||
      !mc_json_get_string (root, path, "procedure", TRUE, &procedure, error) ||
      !mc_json_get_string (root, path, "short_code", FALSE, &code, error) ||
      (components = mc_json_get_array (root, path, "components", TRUE, error)) == NULL)
    return FALSE;
  if (!g_str_equal (state, "handed-off"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The citizen has not finished preparing these papers yet."));
      return FALSE;
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
          return FALSE;
        }
      /* A folder inside this one, never a path out of it. */
      if (*folder_name == '\0' || strchr (folder_name, '/') != NULL || folder_name[0] == '.')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The papers a citizen prepared cannot be read (%s): a paper is not described."), path);
          return FALSE;
        }
      g_ptr_array_add (found, g_strdup (folder_name));
      n = (guint) pages;
      g_array_append_val (found_counts, n);
    }
  *procedure_code = g_strdup (procedure);
  if (short_code != NULL)
    *short_code = g_strdup (code);
  *keys = g_steal_pointer (&found);
  if (counts != NULL)
    *counts = g_steal_pointer (&found_counts);
  return TRUE;
}

/* Worker: decode and store again, so each copy gets its own thumbnail and
 * the visit's own file names. The pages are small; a handful per paper. */
static void
adopt_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Adoption *adoption = task_data;

  for (guint i = 0; i < adoption->papers->len; i++)
    {
      Paper *paper = g_ptr_array_index (adoption->papers, i);
      GListModel *pages = G_LIST_MODEL (paper->source);

      for (guint j = 0; j < g_list_model_get_n_items (pages); j++)
        {
          g_autoptr(McPage) page = g_list_model_get_item (pages, j);
          VipsImage *image;
          g_autoptr(GError) error = NULL;
          McPage *copy;

          if (g_task_return_error_if_cancelled (task))
            return;
          image = vips_image_new_from_file (mc_page_get_path (page), NULL);
          if (image == NULL)
            {
              g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                       _("A page the citizen scanned cannot be read: %s"),
                                       vips_error_buffer ());
              vips_error_clear ();
              return;
            }
          copy = mc_page_store_save_image (paper->target, image, mc_page_get_dpi (page),
                                           mc_page_get_mode (page), mc_page_get_source (page),
                                           mc_page_get_side (page), &error);
          g_object_unref (image);
          if (copy == NULL)
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
          g_ptr_array_add (paper->copied, copy);
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_adopted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Adoption *adoption = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* The citizen's folder stays whole; the half-made visit goes. */
      mc_visit_abandon (adoption->visit);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < adoption->papers->len; i++)
    {
      Paper *paper = g_ptr_array_index (adoption->papers, i);

      for (guint j = 0; j < paper->copied->len; j++)
        mc_page_store_append (paper->target, g_ptr_array_index (paper->copied, j));
      if (!mc_page_store_flush (paper->target, &error))
        {
          mc_visit_abandon (adoption->visit);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  mc_visit_refresh_state (adoption->visit);
  if (!mc_visit_flush (adoption->visit, &error))
    {
      mc_visit_abandon (adoption->visit);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Everything is in the visit, on disk: the citizen's copy can go. */
  for (guint i = 0; i < adoption->papers->len; i++)
    mc_page_store_flush (((Paper *) g_ptr_array_index (adoption->papers, i))->source, NULL);
  g_ptr_array_set_size (adoption->papers, 0);
  if (!mc_self_service_remove_tree (adoption->folder, &error))
    g_warning ("A self-service folder taken into a visit could not be deleted: %s", error->message);
  g_message ("Self-service papers taken into visit %s", mc_visit_get_id (adoption->visit));
  g_task_return_pointer (task, g_object_ref (adoption->visit), g_object_unref);
}

void
mc_visit_store_adopt_async (McVisitStore        *store,
                            const char          *folder,
                            const char          *ward_code,
                            const char          *counter,
                            const char          *clerk,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *procedure_code = NULL;
  g_autofree char *short_code = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GArray) counts = NULL;
  Adoption *adoption;
  const McProcedure *procedure;

  g_return_if_fail (MC_IS_VISIT_STORE (store));
  g_return_if_fail (folder != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, mc_visit_store_adopt_async);

  if (!read_session (folder, &procedure_code, &short_code, &keys, &counts, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  adoption = g_new0 (Adoption, 1);
  adoption->folder = g_strdup (folder);
  adoption->papers = g_ptr_array_new_with_free_func ((GDestroyNotify) paper_free);
  g_task_set_task_data (task, adoption, (GDestroyNotify) adoption_free);

  adoption->visit = mc_visit_store_create (store, procedure_code, ward_code, counter, clerk, &error);
  if (adoption->visit == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_object_ref (adoption->visit);
  mc_visit_set_self_service_code (adoption->visit, short_code);
  procedure = mc_visit_get_procedure (adoption->visit);

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      g_autofree char *dir = g_build_filename (folder, key, NULL);
      Paper *paper;

      /* A paper the procedure does not have (an older catalog) or one the
       * citizen skipped: nothing to take. */
      if (g_array_index (counts, guint, i) == 0 ||
          mc_procedure_find_component (procedure, key) == NULL)
        continue;
      paper = g_new0 (Paper, 1);
      paper->key = g_strdup (key);
      paper->copied = g_ptr_array_new_with_free_func (g_object_unref);
      paper->target = g_object_ref (mc_visit_get_pages (adoption->visit, key));
      paper->source = mc_page_store_new (dir, &error);
      g_ptr_array_add (adoption->papers, paper);
      /* The store leaves out a page file it cannot read; the session says
       * how many the citizen scanned. None may go missing on the way. */
      if (paper->source != NULL &&
          g_list_model_get_n_items (G_LIST_MODEL (paper->source)) != g_array_index (counts, guint, i))
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("A page the citizen scanned cannot be read: %s"), dir);
      if (error != NULL)
        {
          mc_visit_abandon (adoption->visit);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  worker = g_task_new (store, cancellable, on_adopted, g_steal_pointer (&task));
  g_task_set_task_data (worker, adoption, NULL);
  g_task_run_in_thread (worker, adopt_thread);
}

McVisit *
mc_visit_store_adopt_finish (McVisitStore  *store,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GPtrArray *
mc_visit_adopt_list_pending (const char *base_dir)
{
  g_autoptr(GDir) listing = g_dir_open (base_dir, 0, NULL);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (listing == NULL)
    return found;
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *dir = g_build_filename (base_dir, name, NULL);
      g_autofree char *procedure = NULL;
      g_autoptr(GPtrArray) keys = NULL;

      if (g_uuid_string_is_valid (name) && g_file_test (dir, G_FILE_TEST_IS_DIR) &&
          read_session (dir, &procedure, NULL, &keys, NULL, NULL))
        g_ptr_array_add (found, g_steal_pointer (&dir));
    }
  return found;
}
