/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-visit"

#include "config.h"

#include <glib/gi18n.h>
#include <vips/vips.h>

#include "mc-core.h"
#include "mc-self-service-session.h"
#include "mc-visit-adopt.h"

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
  if (!mc_core_remove_tree (adoption->folder, &error))
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
  g_autoptr(McSelfServiceHandOff) hand_off = NULL;
  Adoption *adoption;
  const McProcedure *procedure;

  g_return_if_fail (MC_IS_VISIT_STORE (store));
  g_return_if_fail (folder != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, mc_visit_store_adopt_async);

  if ((hand_off = mc_self_service_read_hand_off (folder, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  adoption = g_new0 (Adoption, 1);
  adoption->folder = g_strdup (folder);
  adoption->papers = g_ptr_array_new_with_free_func ((GDestroyNotify) paper_free);
  g_task_set_task_data (task, adoption, (GDestroyNotify) adoption_free);

  adoption->visit = mc_visit_store_create (store, hand_off->procedure_code, ward_code, counter, clerk, &error);
  if (adoption->visit == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_object_ref (adoption->visit);
  mc_visit_set_self_service_code (adoption->visit, hand_off->short_code);
  procedure = mc_visit_get_procedure (adoption->visit);

  for (guint i = 0; i < hand_off->folders->len; i++)
    {
      const char *key = g_ptr_array_index (hand_off->folders, i);
      g_autofree char *dir = g_build_filename (folder, key, NULL);
      Paper *paper;

      /* A paper the procedure does not have (an older catalog) or one the
       * citizen skipped: nothing to take. */
      if (g_array_index (hand_off->page_counts, guint, i) == 0 ||
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
          g_list_model_get_n_items (G_LIST_MODEL (paper->source)) != g_array_index (hand_off->page_counts, guint, i))
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
      g_autoptr(McSelfServiceHandOff) hand_off = NULL;

      if (g_uuid_string_is_valid (name) && g_file_test (dir, G_FILE_TEST_IS_DIR) &&
          (hand_off = mc_self_service_read_hand_off (dir, NULL)) != NULL)
        g_ptr_array_add (found, g_steal_pointer (&dir));
    }
  return found;
}
