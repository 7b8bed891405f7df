/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-scanner"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mc-context.h"
#include "mc-file-util.h"
#include "mc-folder-backend.h"
#include "mc-import.h"
#include "mc-page-image.h"

/* A copier writes a page of scan-to-folder in a second or two; a network
 * share may pause longer between chunks. A file whose size and time hold
 * this long is taken. */
#define DEFAULT_SETTLE_MS 2000
/* Without a file monitor (network shares often send no events) the folder
 * is looked at this often while watched. */
#define POLL_MS           2000
#define PDF_DPI           200
#define MAX_CLASH_SUFFIX  10000

/* ---- Notifications, to the main context ---------------------------------- */

typedef enum {
  NOTIFY_DEVICES,
  NOTIFY_PAGE_STARTED,
  NOTIFY_PAGE_DONE,
  NOTIFY_PAGE_SKIPPED,
  NOTIFY_JOB_FINISHED,
  NOTIFY_JOB_FAILED,
} NotifyKind;

typedef struct {
  McFolderBackend *backend;
  NotifyKind       kind;
  guint            job;
  guint            index;
  McPage          *page;
  McPageStore     *store;
  GError          *error;
} Notify;

/* One job: its thread reads the folder; the main thread only cancels it
 * and wakes it when the folder changes. */
typedef struct {
  McFolderBackend *backend;      /* not a reference: the backend joins the thread before it goes */
  guint            id;
  char            *dir;
  gboolean         watch;
  guint            max_pages;
  guint            settle_ms;
  McPageStore     *store;
  GCancellable    *cancellable;
  GMutex           mutex;
  GCond            cond;
  gboolean         wake;         /* under mutex */
} Job;

/* A file as last seen: taken once it has looked the same for the settle
 * time. */
typedef struct {
  char    *name;
  goffset  size;
  gint64   mtime;                /* µs since the epoch */
  gint64   since;                /* monotonic µs: first seen like this */
} Sighting;

struct _McFolderBackend
{
  GObject       parent_instance;

  GMainContext *context;
  GPtrArray    *devices;
  guint         settle_ms;

  Job          *job;             /* the running job, or NULL */
  GThread      *thread;
  GFileMonitor *monitor;
};

static void backend_iface_init (McScanBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (McFolderBackend, mc_folder_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MC_TYPE_SCAN_BACKEND, backend_iface_init))

static void
job_free (Job *job)
{
  g_free (job->dir);
  g_clear_object (&job->store);
  g_clear_object (&job->cancellable);
  g_mutex_clear (&job->mutex);
  g_cond_clear (&job->cond);
  g_free (job);
}

static void
sighting_free (gpointer data)
{
  Sighting *s = data;

  g_free (s->name);
  g_free (s);
}

static void
notify_free (gpointer data)
{
  Notify *n = data;

  g_clear_object (&n->backend);
  g_clear_object (&n->page);
  g_clear_object (&n->store);
  g_clear_error (&n->error);
  g_free (n);
}

/* The job is over once its thread has said so: join it (it is returning)
 * and stop watching. */
static void
end_job (McFolderBackend *self,
         guint            id)
{
  if (self->job == NULL || self->job->id != id)
    return;
  if (self->thread != NULL)
    g_thread_join (g_steal_pointer (&self->thread));
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  g_clear_pointer (&self->job, job_free);
}

static gboolean
dispatch_notify (gpointer data)
{
  Notify *n = data;
  McFolderBackend *self = n->backend;

  switch (n->kind)
    {
    case NOTIFY_DEVICES:
      g_signal_emit_by_name (self, "devices-changed");
      break;
    case NOTIFY_PAGE_STARTED:
      g_signal_emit_by_name (self, "page-started", n->job, n->index);
      break;
    case NOTIFY_PAGE_DONE:
      mc_page_store_append (n->store, n->page);
      g_signal_emit_by_name (self, "page-done", n->job, n->page);
      break;
    case NOTIFY_PAGE_SKIPPED:
      g_signal_emit_by_name (self, "page-skipped", n->job, n->error);
      break;
    case NOTIFY_JOB_FINISHED:
      end_job (self, n->job);
      g_signal_emit_by_name (self, "job-finished", n->job, n->index);
      break;
    case NOTIFY_JOB_FAILED:
      end_job (self, n->job);
      g_signal_emit_by_name (self, "job-failed", n->job, n->error, n->index);
      break;
    default:
      g_assert_not_reached ();
    }
  return G_SOURCE_REMOVE;
}

/* Always through a source on the creator's context (mc-context.h says why). */
static void
post (McFolderBackend *self,
      NotifyKind       kind,
      guint            job,
      guint            index,
      McPage          *page,
      McPageStore     *store,
      GError          *error)
{
  Notify *n = g_new0 (Notify, 1);

  n->backend = g_object_ref (self);
  n->kind = kind;
  n->job = job;
  n->index = index;
  n->page = page ? g_object_ref (page) : NULL;
  n->store = store ? g_object_ref (store) : NULL;
  n->error = error;
  mc_context_post (self->context, dispatch_notify, n, notify_free, "[mc-folder-backend] notify");
}

/* ---- Which files are pages ------------------------------------------------- */

/* By name, not content: a file still being written has no trustworthy
 * content yet, and copiers write "scan.pdf.tmp" or "~scan" before the
 * final name. The types the import reads. */
static gboolean
is_page_file (const char *name)
{
  static const char * const suffixes[] = {
    ".png", ".jpg", ".jpeg", ".jpe", ".tif", ".tiff", ".pnm", ".pbm", ".pgm", ".ppm",
    ".webp", ".pdf",
  };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (name[0] == '.' || name[0] == '~')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (lower, suffixes[i]))
      return TRUE;
  return FALSE;
}

static int
compare_sightings (gconstpointer a,
                   gconstpointer b)
{
  const Sighting *x = *(Sighting * const *) a;
  const Sighting *y = *(Sighting * const *) b;

  if (x->mtime != y->mtime)
    return x->mtime < y->mtime ? -1 : 1;
  return strcmp (x->name, y->name);
}

/* Lists the folder and updates what has been seen. Returns the files that
 * are ready (unchanged for the settle time), oldest first; *waiting counts
 * those still settling. In a batch (@batch not NULL) only its files count. */
static GPtrArray *
look (Job         *job,
      GHashTable  *seen,
      GHashTable  *batch,
      guint       *waiting,
      GError     **error)
{
  g_autoptr(GFile) dir = g_file_new_for_path (job->dir);
  g_autoptr(GFileEnumerator) entries = NULL;
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) ready = g_ptr_array_new ();
  g_autoptr(GError) local_error = NULL;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key;

  *waiting = 0;
  entries = g_file_enumerate_children (dir,
                                       G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                       G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                       G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                       G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                       G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                       G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &local_error);
  for (;;)
    {
      GFileInfo *info = NULL;
      const char *name;
      Sighting *s;
      goffset size;
      gint64 mtime;

      if (entries == NULL || !g_file_enumerator_iterate (entries, &info, NULL, NULL, &local_error) ||
          info == NULL)
        break;
      name = g_file_info_get_name (info);
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR || !is_page_file (name) ||
          (batch != NULL && !g_hash_table_contains (batch, name)))
        continue;

      size = g_file_info_get_size (info);
      mtime = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * G_USEC_PER_SEC +
              g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
      s = g_hash_table_lookup (seen, name);
      if (s == NULL || s->size != size || s->mtime != mtime)
        {
          s = g_new0 (Sighting, 1);
          s->name = g_strdup (name);
          s->size = size;
          s->mtime = mtime;
          s->since = now;
          g_hash_table_replace (seen, s->name, s);
        }
      g_hash_table_add (present, s->name);
      if (now - s->since >= (gint64) job->settle_ms * 1000)
        g_ptr_array_add (ready, s);
      else
        (*waiting)++;
    }

  if (local_error != NULL)
    {
      g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_DISCONNECTED,
                   _("The folder “%s” cannot be read (%s). Check that it is there and that its network drive is connected, then scan again."),
                   job->dir, local_error->message);
      return NULL;
    }

  /* Files that went away are forgotten. */
  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (present, key))
      g_hash_table_iter_remove (&iter);

  g_ptr_array_sort (ready, compare_sightings);
  return g_steal_pointer (&ready);
}

/* Waits until the folder changes, the job is cancelled or @ms pass. */
static void
wait_for_change (Job   *job,
                 guint  ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  g_mutex_lock (&job->mutex);
  while (!job->wake && !g_cancellable_is_cancelled (job->cancellable))
    if (!g_cond_wait_until (&job->cond, &job->mutex, end))
      break;
  job->wake = FALSE;
  g_mutex_unlock (&job->mutex);
}

static void
wake (Job *job)
{
  g_mutex_lock (&job->mutex);
  job->wake = TRUE;
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->mutex);
}

/* ---- Taking a file ----------------------------------------------------------- */

/* Moves @path into @taken under its own name, or "name-2.ext", "name-3.ext"
 * … if that is there already: nothing in .taken/ is ever overwritten. */
static char *
move_into (const char  *path,
           const char  *taken,
           GError     **error)
{
  g_autoptr(GFile) source = g_file_new_for_path (path);
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');
  g_autofree char *stem = g_strndup (base, dot && dot != base ? (gsize) (dot - base) : strlen (base));
  const char *ext = dot && dot != base ? dot : "";

  for (guint i = 1; i <= MAX_CLASH_SUFFIX; i++)
    {
      g_autofree char *name = i == 1 ? g_strdup (base) : g_strdup_printf ("%s-%u%s", stem, i, ext);
      g_autofree char *dest_path = g_build_filename (taken, name, NULL);
      g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
      g_autoptr(GError) local_error = NULL;

      if (g_file_move (source, dest, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, &local_error))
        return g_steal_pointer (&dest_path);
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, g_strerror (EEXIST));
  return NULL;
}

static void
set_move_error (GError     **error,
                const char  *path,
                const char  *taken,
                GError      *cause)
{
  g_autofree char *base = g_path_get_basename (path);

  g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_ACCESS_DENIED,
               _("“%s” was read but could not be moved into “%s” (%s). Move it out of the scan folder by hand, so that it is not taken twice."),
               base, taken, cause->message);
}

/* Whether an import error is the file's own (damaged, empty, not a page,
 * too large) rather than the store's or the machine's. */
static gboolean
is_file_fault (const GError *error)
{
  return error->domain == MC_IMPORT_ERROR ||
         (error->domain == MC_PAGE_IMAGE_ERROR && error->code != MC_PAGE_IMAGE_ERROR_WRITE);
}

/* Reads one file into pages, moves it into .taken/ and hands the pages
 * over. A damaged file is reported and moved aside; FALSE only for what
 * ends the job (the store cannot be written, the folder refuses a move). */
static gboolean
take_file (Job         *job,
           const char  *name,
           const char  *taken,
           guint       *n_pages,
           GError     **error)
{
  McFolderBackend *self = job->backend;
  g_autofree char *path = g_build_filename (job->dir, name, NULL);
  g_autofree char *moved = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) move_error = NULL;

  post (self, NOTIFY_PAGE_STARTED, job->id, *n_pages, NULL, NULL, NULL);
  pages = mc_import_file (job->store, path, PDF_DPI, job->cancellable, &local_error);
  if (pages == NULL)
    {
      GError *skipped;

      /* Cancelled: the file stays for next time. Gone: someone took it. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (local_error, MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_NOT_FOUND))
        return TRUE;
      if (!is_file_fault (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Put aside, not left: left, it would be read and refused again on
       * every look; in .taken/ it is kept for whoever wants to see it. */
      if (!(moved = move_into (path, taken, &move_error)))
        {
          set_move_error (error, path, taken, move_error);
          return FALSE;
        }
      skipped = g_error_new (local_error->domain, local_error->code,
                             _("%s The file was moved into “%s”; the other files are taken as usual."),
                             local_error->message, taken);
      post (self, NOTIFY_PAGE_SKIPPED, job->id, 0, NULL, NULL, skipped);
      return TRUE;
    }

  /* The pages are saved: hand them over even if the move fails. */
  moved = move_into (path, taken, &move_error);
  for (guint i = 0; i < pages->len; i++)
    post (self, NOTIFY_PAGE_DONE, job->id, 0, g_ptr_array_index (pages, i), job->store, NULL);
  *n_pages += pages->len;
  if (moved == NULL)
    {
      set_move_error (error, path, taken, move_error);
      return FALSE;
    }
  return TRUE;
}

/* ---- A job, on its own thread ----------------------------------------------- */

static void
set_no_folder_error (GError     **error,
                     const char  *dir)
{
  g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_NO_DEVICE,
               _("The scan folder “%s” does not exist. Check the folder’s name, or connect its network drive, then scan again."),
               dir);
}

static gboolean
prepare_folder (Job         *job,
                const char  *taken,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_file_test (job->dir, G_FILE_TEST_IS_DIR))
    {
      set_no_folder_error (error, job->dir);
      return FALSE;
    }
  if (!mc_dir_ensure_private (taken, &local_error))
    {
      g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_ACCESS_DENIED,
                   _("Files cannot be taken from the scan folder “%s”: this account may not write to it (%s). Ask the IT staff to allow it."),
                   job->dir, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static guint
run_job (Job     *job,
         GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, sighting_free);
  g_autoptr(GHashTable) batch = NULL;
  g_autofree char *taken = g_build_filename (job->dir, MC_FOLDER_TAKEN_DIR, NULL);
  guint n_pages = 0;

  if (!prepare_folder (job, taken, error))
    return 0;

  for (;;)
    {
      g_autoptr(GPtrArray) ready = NULL;
      guint waiting = 0;

      if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
        return n_pages;
      if (!(ready = look (job, seen, batch, &waiting, error)))
        return n_pages;

      /* A batch is the files there when it starts; later ones wait for the
       * next scan. */
      if (!job->watch && batch == NULL)
        {
          GHashTableIter iter;
          gpointer key;

          batch = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g_hash_table_iter_init (&iter, seen);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            g_hash_table_add (batch, g_strdup (key));
          if (g_hash_table_size (batch) == 0)
            {
              g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_FEEDER_EMPTY,
                           _("The scan folder “%s” has no pages to take. Scan to it from the copier (or copy the files into it), then scan again."),
                           job->dir);
              return 0;
            }
        }

      for (guint i = 0; i < ready->len; i++)
        {
          const Sighting *s = g_ptr_array_index (ready, i);
          g_autofree char *name = g_strdup (s->name);

          if (g_cancellable_is_cancelled (job->cancellable) ||
              (job->max_pages > 0 && n_pages >= job->max_pages))
            break;
          if (!take_file (job, name, taken, &n_pages, error))
            return n_pages;
          g_hash_table_remove (seen, name);
          if (batch != NULL)
            g_hash_table_remove (batch, name);
        }

      if (job->max_pages > 0 && n_pages >= job->max_pages)
        return n_pages;
      /* The batch is done when its files are taken or gone. */
      if (batch != NULL && g_hash_table_size (seen) == 0)
        return n_pages;
      wait_for_change (job, waiting > 0 ? job->settle_ms : POLL_MS);
    }
}

static gpointer
job_thread (gpointer data)
{
  Job *job = data;
  GError *error = NULL;
  guint n_pages = run_job (job, &error);

  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&error);
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Scanning was cancelled."));
    }
  post (job->backend, error ? NOTIFY_JOB_FAILED : NOTIFY_JOB_FINISHED, job->id, n_pages,
        NULL, NULL, error);
  return NULL;
}

/* ---- Devices ----------------------------------------------------------------- */

static McScanDevice *
folder_device_new (const char *name,
                   gboolean    with_capabilities)
{
  McScanDevice *device = mc_scan_device_new (name, "", "", "folder");

  if (with_capabilities)
    {
      /* A stack of files behaves like a feeder: a batch until it is empty. */
      mc_scan_device_add_source (device, "ADF");
      mc_scan_device_add_mode (device, MC_SCAN_MODE_COLOR, "Color");
      mc_scan_device_add_mode (device, MC_SCAN_MODE_GRAY, "Gray");
      mc_scan_device_set_has_capabilities (device);
    }
  return device;
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *name = task_data;
  const char *dir = name + strlen (MC_FOLDER_DEVICE_PREFIX);

  GError *error = NULL;

  if (*dir == '\0' || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      set_no_folder_error (&error, dir);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, folder_device_new (name, TRUE), g_object_unref);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  McFolderBackend *self = MC_FOLDER_BACKEND (source);
  g_autoptr(McScanDevice) device = NULL;
  g_autoptr(GError) error = NULL;

  device = g_task_propagate_pointer (G_TASK (result), &error);
  if (device != NULL)
    g_signal_emit_by_name (self, "device-ready", device);
  else
    g_signal_emit_by_name (self, "device-failed", g_task_get_task_data (G_TASK (result)), error);
}

/* ---- The backend interface (main thread) ----------------------------------- */

static gboolean
backend_owns_device (McScanBackend *backend,
                     const char    *name)
{
  return name != NULL && g_str_has_prefix (name, MC_FOLDER_DEVICE_PREFIX);
}

static void
backend_redetect (McScanBackend *backend)
{
  /* The folders are known already; answer as a detection does, later. */
  post (MC_FOLDER_BACKEND (backend), NOTIFY_DEVICES, 0, 0, NULL, NULL, NULL);
}

static GPtrArray *
backend_get_devices (McScanBackend *backend)
{
  return MC_FOLDER_BACKEND (backend)->devices;
}

static void
backend_open_device (McScanBackend *backend,
                     const char    *name)
{
  g_autoptr(GTask) task = g_task_new (backend, NULL, on_opened, NULL);

  g_task_set_task_data (task, g_strdup (name), g_free);
  g_task_run_in_thread (task, open_thread);
}

static void
on_folder_changed (GFileMonitor      *monitor,
                   GFile             *file,
                   GFile             *other,
                   GFileMonitorEvent  event,
                   McFolderBackend   *self)
{
  if (self->job != NULL)
    wake (self->job);
}

static void
backend_start (McScanBackend          *backend,
               guint                   id,
               const McScanJobOptions *options,
               McPageStore            *store)
{
  McFolderBackend *self = MC_FOLDER_BACKEND (backend);
  Job *job;

  g_return_if_fail (self->job == NULL);

  job = g_new0 (Job, 1);
  job->backend = self;
  job->id = id;
  job->dir = g_strdup (options->device + strlen (MC_FOLDER_DEVICE_PREFIX));
  job->watch = options->watch;
  job->max_pages = options->max_pages;
  job->settle_ms = self->settle_ms;
  job->store = g_object_ref (store);
  job->cancellable = g_cancellable_new ();
  g_mutex_init (&job->mutex);
  g_cond_init (&job->cond);
  self->job = job;

  /* A watched folder is looked at as soon as something changes in it; the
   * polling in the thread covers shares that send no events. */
  if (job->watch)
    {
      g_autoptr(GFile) dir = g_file_new_for_path (job->dir);

      self->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
      if (self->monitor != NULL)
        g_signal_connect (self->monitor, "changed", G_CALLBACK (on_folder_changed), self);
    }
  self->thread = g_thread_new ("mc-folder-scan", job_thread, job);
}

static void
backend_cancel (McScanBackend *backend,
                guint          id)
{
  McFolderBackend *self = MC_FOLDER_BACKEND (backend);

  if (self->job == NULL || self->job->id != id)
    return;
  g_cancellable_cancel (self->job->cancellable);
  wake (self->job);
}

static void
backend_close (McScanBackend *backend)
{
}

static void
backend_iface_init (McScanBackendInterface *iface)
{
  iface->owns_device = backend_owns_device;
  iface->redetect = backend_redetect;
  iface->get_devices = backend_get_devices;
  iface->open_device = backend_open_device;
  iface->start = backend_start;
  iface->cancel = backend_cancel;
  iface->close = backend_close;
}

/* ---- Public API -------------------------------------------------------------- */

McFolderBackend *
mc_folder_backend_new (void)
{
  return g_object_new (MC_TYPE_FOLDER_BACKEND, NULL);
}

/* The folders listed as devices, "folder:DIR" each. */
void
mc_folder_backend_set_folders (McFolderBackend    *self,
                               const char * const *dirs)
{
  g_return_if_fail (MC_IS_FOLDER_BACKEND (self));

  g_ptr_array_set_size (self->devices, 0);
  for (guint i = 0; dirs != NULL && dirs[i] != NULL; i++)
    if (*dirs[i] != '\0')
      {
        g_autofree char *name = g_strconcat (MC_FOLDER_DEVICE_PREFIX, dirs[i], NULL);

        g_ptr_array_add (self->devices, folder_device_new (name, FALSE));
      }
  g_signal_emit_by_name (self, "devices-changed");
}

/* How long a file must stay the same before it is taken (tests shorten
 * it). */
void
mc_folder_backend_set_settle_time (McFolderBackend *self,
                                   guint            ms)
{
  g_return_if_fail (MC_IS_FOLDER_BACKEND (self));
  self->settle_ms = ms;
}

static void
mc_folder_backend_dispose (GObject *object)
{
  McFolderBackend *self = MC_FOLDER_BACKEND (object);

  /* Stop a running job and wait for its thread: it uses this object. */
  if (self->job != NULL)
    {
      g_cancellable_cancel (self->job->cancellable);
      wake (self->job);
      end_job (self, self->job->id);
    }
  g_clear_pointer (&self->devices, g_ptr_array_unref);

  G_OBJECT_CLASS (mc_folder_backend_parent_class)->dispose (object);
}

static void
mc_folder_backend_finalize (GObject *object)
{
  McFolderBackend *self = MC_FOLDER_BACKEND (object);

  g_main_context_unref (self->context);

  G_OBJECT_CLASS (mc_folder_backend_parent_class)->finalize (object);
}

static void
mc_folder_backend_class_init (McFolderBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mc_folder_backend_dispose;
  object_class->finalize = mc_folder_backend_finalize;
}

static void
mc_folder_backend_init (McFolderBackend *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->devices = g_ptr_array_new_with_free_func (g_object_unref);
  self->settle_ms = DEFAULT_SETTLE_MS;
}
