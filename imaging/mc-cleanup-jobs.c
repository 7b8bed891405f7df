/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-cleanup"

#include "config.h"

#include "mc-cleanup.h"
#include "mc-vips.h"

/* Cleaning a page file, and cleaning in the background on a pool of
 * workers. */

McCleanupResult *
mc_cleanup_file (const char             *path,
                 int                     dpi,
                 const char             *output_base,
                 const McCleanupOptions *options,
                 GCancellable           *cancellable,
                 GError                **error)
{
  g_autoptr(VipsImage) image = mc_page_image_load (path, &dpi, error);
  g_autofree char *name = NULL;
  GError *local = NULL;
  McCleanupResult *result;

  if (image == NULL)
    return NULL;
  result = mc_cleanup_image (image, dpi, output_base, options, cancellable, &local);
  if (result == NULL && local != NULL && local->domain == MC_PAGE_IMAGE_ERROR &&
      local->code != MC_PAGE_IMAGE_ERROR_WRITE)
    {
      /* Name the file the clerk knows, not "page". */
      name = g_filename_display_basename (path);
      g_prefix_error (&local, "%s: ", name);
    }
  if (local != NULL)
    g_propagate_error (error, local);
  return result;
}

/* The workers. */

typedef struct {
  char             *path;
  VipsImage        *image;
  int               dpi;
  char             *output_base;
  McCleanupOptions  options;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->path);
  g_clear_object (&job->image);
  g_free (job->output_base);
  g_free (job);
}

static void
worker (gpointer data,
        gpointer user_data)
{
  GTask *task = data;
  Job *job = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  McCleanupResult *result;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (job->image != NULL)
    result = mc_cleanup_image (job->image, job->dpi, job->output_base, &job->options, cancellable, &error);
  else
    result = mc_cleanup_file (job->path, job->dpi, job->output_base, &job->options, cancellable, &error);
  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) mc_cleanup_result_free);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

static GThreadPool *
get_pool (void)
{
  static GThreadPool *pool;
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      pool = g_thread_pool_new (worker, NULL, (int) g_get_num_processors (), FALSE, NULL);
      g_once_init_leave (&initialized, 1);
    }
  return pool;
}

void
mc_cleanup_set_workers (guint n_workers)
{
  g_thread_pool_set_max_threads (get_pool (), (int) MAX (n_workers, 1), NULL);
}

static void
submit (Job                 *job,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, submit);
  g_task_set_task_data (task, job, job_free);
  g_thread_pool_push (get_pool (), task, NULL);
}

void
mc_cleanup_file_async (const char             *path,
                       int                     dpi,
                       const char             *output_base,
                       const McCleanupOptions *options,
                       GCancellable           *cancellable,
                       GAsyncReadyCallback     callback,
                       gpointer                user_data)
{
  Job *job = g_new0 (Job, 1);

  job->path = g_strdup (path);
  job->dpi = dpi;
  job->output_base = g_strdup (output_base);
  if (options != NULL)
    job->options = *options;
  submit (job, cancellable, callback, user_data);
}

void
mc_cleanup_image_async (VipsImage              *image,
                        int                     dpi,
                        const char             *output_base,
                        const McCleanupOptions *options,
                        GCancellable           *cancellable,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  Job *job = g_new0 (Job, 1);

  job->image = image ? g_object_ref (image) : NULL;
  job->dpi = dpi;
  job->output_base = g_strdup (output_base);
  if (options != NULL)
    job->options = *options;
  submit (job, cancellable, callback, user_data);
}

McCleanupResult *
mc_cleanup_finish (GAsyncResult  *result,
                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == submit, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
