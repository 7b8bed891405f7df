/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-visit-session"

#include "config.h"

#include <string.h>

#include "mc-file-util.h"
#include "mc-searchable-pdf.h"
#include "mc-visit-session-private.h"
#include "mc-vips.h"

/* The cleaning of a visit's pages: the policy (one, for the session and
 * motcua-tool pack) and the queue that cleans pages on worker threads as
 * they arrive, with their thumbnails in the page store's layout. */

/* ---- the cleaning policy ------------------------------------------------------- */

gboolean
mc_visit_cleanup_options (const McComponent *component,
                          int                output_dpi,
                          gboolean           keep_blank,
                          gboolean           clerk_turned,
                          McCleanupOptions  *options)
{
  g_return_val_if_fail (component != NULL, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  /* ID cards are read, not cleaned as paperwork: the card reader finds
   * and crops them. */
  if (component->profile == MC_PROFILE_ID_CARD)
    return FALSE;
  memset (options, 0, sizeof *options);
  options->profile = component->profile == MC_PROFILE_PHOTO ? MC_CLEANUP_PROFILE_PHOTO
                                                            : MC_CLEANUP_PROFILE_DOCUMENT;
  options->output_dpi = output_dpi;
  options->keep_blank = keep_blank;
  options->orient = mc_ocr_orient_func;
  /* The clerk turned the page by hand: trust that, not the OSD guess. */
  options->fixed_rotation = clerk_turned;
  options->rotation = 0;
  return TRUE;
}

/* Where a page's cleaned file and its thumbnail go (the thumbnail in the
 * page store's layout, beside the cleaned pages). Main thread. */
static gboolean
clean_paths (McVisit     *visit,
             const char  *component,
             McPage      *page,
             char       **output_base,
             char       **thumb,
             GError     **error)
{
  g_autofree char *clean_dir = mc_visit_dup_clean_dir (visit, component);
  const char *basename = mc_page_get_basename (page);
  g_autofree char *stem = NULL;

  if (!mc_dir_ensure_private (clean_dir, error))
    return FALSE;
  stem = g_strndup (basename, strlen (basename) - 4);
  *output_base = g_build_filename (clean_dir, stem, NULL);
  *thumb = mc_page_store_dup_thumbnail_path (clean_dir, basename);
  return TRUE;
}

/* Any thread. */
static McCleanupResult *
clean_to (const char              *source,
          int                      dpi,
          const char              *output_base,
          const char              *thumb,
          const McCleanupOptions  *options,
          GCancellable            *cancellable,
          GError                 **error)
{
  McCleanupResult *result = mc_cleanup_file (source, dpi, output_base, options, cancellable, error);

  /* A small picture of the cleaned page for the strip. */
  if (result != NULL && result->output != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (thumb);
      g_autoptr(VipsImage) image = NULL;

      if (mc_dir_ensure_private (dir, NULL) &&
          (image = vips_image_new_from_file (result->output, "access", VIPS_ACCESS_SEQUENTIAL, NULL)) != NULL)
        mc_page_store_write_thumbnail (image, thumb, NULL);
      vips_error_clear ();
    }
  return result;
}

gboolean
mc_visit_clean_page (McVisit                *visit,
                     const char             *component,
                     McPage                 *page,
                     const McCleanupOptions *options,
                     GCancellable           *cancellable,
                     GError                **error)
{
  g_autofree char *output_base = NULL;
  g_autofree char *thumb = NULL;
  g_autoptr(McCleanupResult) result = NULL;

  g_return_val_if_fail (MC_IS_VISIT (visit), FALSE);
  g_return_val_if_fail (MC_IS_PAGE (page), FALSE);

  if (!clean_paths (visit, component, page, &output_base, &thumb, error))
    return FALSE;
  result = clean_to (mc_page_get_path (page), (int) mc_page_get_dpi (page), output_base, thumb,
                     options, cancellable, error);
  if (result == NULL)
    return FALSE;
  mc_visit_set_cleanup (visit, component, mc_page_get_basename (page), result);
  return TRUE;
}

/* ---- cleanup of pages as they arrive ------------------------------------------ */

typedef struct {
  McVisitSession    *session;
  char              *component;
  McPage            *page;
  char              *source;
  char              *output_base;
  char              *thumb;
  int                dpi;
  McCleanupOptions   options;
  McCleanupResult   *result;
} CleanJob;

static void
clean_job_free (CleanJob *job)
{
  g_clear_object (&job->session);
  g_free (job->component);
  g_clear_object (&job->page);
  g_free (job->source);
  g_free (job->output_base);
  g_free (job->thumb);
  g_clear_pointer (&job->result, mc_cleanup_result_free);
  g_free (job);
}

static void
clean_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CleanJob *job = task_data;
  GError *error = NULL;

  job->result = clean_to (job->source, job->dpi, job->output_base, job->thumb, &job->options,
                          cancellable, &error);
  if (job->result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_cleaned (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CleanJob *job = g_task_get_task_data (G_TASK (result));
  McVisitSession *self = job->session;
  g_autofree char *key = g_strconcat (job->component, "/", mc_page_get_basename (job->page), NULL);
  g_autoptr(GError) error = NULL;

  g_hash_table_remove (self->cleaning, key);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        /* The original scan stays usable: it goes into the package as is. */
        g_message ("Page not cleaned: %s", error->message);
      return;
    }
  mc_visit_set_cleanup (self->visit, job->component, mc_page_get_basename (job->page), job->result);
  g_signal_emit_by_name (self, "page-cleaned", job->component);
  _mc_visit_session_changed (self);
}

static void
clean_page (McVisitSession    *self,
            const McComponent *component,
            McPage            *page,
            gboolean           clerk_turned)
{
  g_autofree char *key = g_strconcat (component->key, "/", mc_page_get_basename (page), NULL);
  g_autoptr(GTask) task = NULL;
  McCleanupOptions options;
  CleanJob *job;

  if (!mc_visit_cleanup_options (component,
                                 (int) g_settings_get_uint (self->settings, "scan-resolution"),
                                 !g_settings_get_boolean (self->settings, "drop-blank-pages"),
                                 clerk_turned, &options) ||
      g_hash_table_contains (self->cleaning, key))
    return;

  job = g_new0 (CleanJob, 1);
  if (!clean_paths (self->visit, component->key, page, &job->output_base, &job->thumb, NULL))
    {
      clean_job_free (job);
      return;
    }
  job->session = g_object_ref (self);
  job->component = g_strdup (component->key);
  job->page = g_object_ref (page);
  job->source = g_strdup (mc_page_get_path (page));
  job->dpi = (int) mc_page_get_dpi (page);
  job->options = options;

  g_hash_table_add (self->cleaning, g_steal_pointer (&key));
  task = g_task_new (NULL, self->cancellable, on_cleaned, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) clean_job_free);
  g_task_run_in_thread (task, clean_thread);
}

void
_mc_visit_session_clean_new_pages (McVisitSession *self)
{
  const McProcedure *procedure = mc_visit_get_procedure (self->visit);

  for (guint i = 0; i < procedure->components->len; i++)
    {
      const McComponent *c = g_ptr_array_index (procedure->components, i);
      McPageStore *store = mc_visit_get_pages (self->visit, c->key);

      for (guint j = 0; store && j < g_list_model_get_n_items (G_LIST_MODEL (store)); j++)
        {
          g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (store), j);

          if (mc_visit_get_cleanup (self->visit, c->key, mc_page_get_basename (page)) == NULL)
            clean_page (self, c, page, FALSE);
        }
    }
}

gboolean
mc_visit_session_is_cleaning (McVisitSession *self,
                              const char     *component,
                              const char     *basename)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  key = g_strconcat (component, "/", basename, NULL);
  return g_hash_table_contains (self->cleaning, key);
}

char *
mc_visit_session_dup_clean_thumbnail (McVisitSession *self,
                                      const char     *component,
                                      const char     *basename)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);
  dir = mc_visit_dup_clean_dir (self->visit, component);
  return mc_page_store_dup_thumbnail_path (dir, basename);
}

void
mc_visit_session_toggle_original (McVisitSession *self,
                                  const char     *component,
                                  const char     *basename)
{
  const McPageCleanup *c;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));
  c = mc_visit_get_cleanup (self->visit, component, basename);
  if (c != NULL)
    mc_visit_set_cleanup_undone (self->visit, component, basename, !c->undone);
}

void
mc_visit_session_page_rotated (McVisitSession *self,
                               const char     *component,
                               McPage         *page)
{
  const McComponent *c;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));
  c = mc_procedure_find_component (mc_visit_get_procedure (self->visit), component);
  if (c != NULL)
    clean_page (self, c, page, TRUE);
}
