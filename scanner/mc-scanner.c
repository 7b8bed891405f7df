/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-scanner"

#include "config.h"

#include "mc-folder-backend.h"
#include "mc-sane-backend.h"
#include "mc-scanner.h"

/* The façade over the scan backends. Each request goes to the backend
 * that owns the device's name; each backend's signals come back out of
 * this object, so the UI and the tool never know which backend they use.
 * It numbers the jobs and knows whether one is running, whichever backend
 * runs it. */

struct _McScanner
{
  GObject        parent_instance;

  GPtrArray     *backends;      /* McScanBackend; asked from the last: SANE (first) takes the rest */
  McFolderBackend *folders;
  GPtrArray     *devices;       /* every backend's, SANE's first; NULL before a detection */
  McScanDevice  *open_device;
  McScanBackend *job_backend;   /* the running job's */
  guint          next_job;
  guint          current_job;
  gboolean       detecting;
  gboolean       detected;      /* a detection has been answered by every backend */
  guint          detect_pending;  /* bit i: backend i has not answered */
};

G_DEFINE_FINAL_TYPE (McScanner, mc_scanner, G_TYPE_OBJECT)

enum {
  SIGNAL_DEVICES_CHANGED,
  SIGNAL_DEVICE_READY,
  SIGNAL_DEVICE_FAILED,
  SIGNAL_PAGE_STARTED,
  SIGNAL_PAGE_PROGRESS,
  SIGNAL_PAGE_DONE,
  SIGNAL_PAGE_SKIPPED,
  SIGNAL_JOB_FINISHED,
  SIGNAL_JOB_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_BUSY,
  PROP_DETECTING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static McScanBackend *
backend_for (McScanner  *self,
             const char *name)
{
  for (guint i = self->backends->len; i > 0; i--)
    {
      McScanBackend *backend = g_ptr_array_index (self->backends, i - 1);

      if (mc_scan_backend_owns_device (backend, name))
        return backend;
    }
  return NULL;
}

static void
collect_devices (McScanner *self)
{
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->backends->len; i++)
    {
      GPtrArray *some = mc_scan_backend_get_devices (g_ptr_array_index (self->backends, i));

      for (guint j = 0; some != NULL && j < some->len; j++)
        g_ptr_array_add (all, g_object_ref (g_ptr_array_index (some, j)));
    }
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  self->devices = all;
}

/* ---- What the backends say ------------------------------------------------ */

static void
on_devices_changed (McScanBackend *backend,
                    McScanner     *self)
{
  /* Before the first detection a backend's own change (the scan folder
   * set at start) is no list: SANE has not been asked yet, and a list
   * without its scanners would tell the panels that detection is done. */
  if (!self->detecting && !self->detected)
    return;
  collect_devices (self);
  /* One answer after a detection, when every backend has given its list;
   * a list that changes meanwhile waits for it. */
  if (self->detecting)
    {
      guint index;

      if (g_ptr_array_find (self->backends, backend, &index))
        self->detect_pending &= ~(1u << index);
      if (self->detect_pending != 0)
        return;
      self->detecting = FALSE;
      self->detected = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETECTING]);
    }
  g_signal_emit (self, signals[SIGNAL_DEVICES_CHANGED], 0);
}

static void
on_device_ready (McScanBackend *backend,
                 McScanDevice  *device,
                 McScanner     *self)
{
  g_set_object (&self->open_device, device);
  g_signal_emit (self, signals[SIGNAL_DEVICE_READY], 0, device);
}

static void
on_device_failed (McScanBackend *backend,
                  const char    *name,
                  GError        *error,
                  McScanner     *self)
{
  if (self->open_device != NULL && g_strcmp0 (mc_scan_device_get_name (self->open_device), name) == 0)
    g_clear_object (&self->open_device);
  g_signal_emit (self, signals[SIGNAL_DEVICE_FAILED], 0, name, error);
}

static void
on_page_started (McScanBackend *backend,
                 guint          job,
                 guint          index,
                 McScanner     *self)
{
  g_signal_emit (self, signals[SIGNAL_PAGE_STARTED], 0, job, index);
}

static void
on_page_progress (McScanBackend *backend,
                  guint          job,
                  double         fraction,
                  McScanner     *self)
{
  g_signal_emit (self, signals[SIGNAL_PAGE_PROGRESS], 0, job, fraction);
}

static void
on_page_done (McScanBackend *backend,
              guint          job,
              McPage        *page,
              McScanner     *self)
{
  g_signal_emit (self, signals[SIGNAL_PAGE_DONE], 0, job, page);
}

static void
on_page_skipped (McScanBackend *backend,
                 guint          job,
                 GError        *error,
                 McScanner     *self)
{
  g_signal_emit (self, signals[SIGNAL_PAGE_SKIPPED], 0, job, error);
}

static void
job_ended (McScanner *self,
           guint      job)
{
  if (self->current_job != job)
    return;
  self->current_job = 0;
  self->job_backend = NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
on_job_finished (McScanBackend *backend,
                 guint          job,
                 guint          n_pages,
                 McScanner     *self)
{
  job_ended (self, job);
  g_signal_emit (self, signals[SIGNAL_JOB_FINISHED], 0, job, n_pages);
}

static void
on_job_failed (McScanBackend *backend,
               guint          job,
               GError        *error,
               guint          n_pages,
               McScanner     *self)
{
  job_ended (self, job);
  g_signal_emit (self, signals[SIGNAL_JOB_FAILED], 0, job, error, n_pages);
}

static void
add_backend (McScanner     *self,
             McScanBackend *backend)
{
  g_ptr_array_add (self->backends, backend);
  g_signal_connect (backend, "devices-changed", G_CALLBACK (on_devices_changed), self);
  g_signal_connect (backend, "device-ready", G_CALLBACK (on_device_ready), self);
  g_signal_connect (backend, "device-failed", G_CALLBACK (on_device_failed), self);
  g_signal_connect (backend, "page-started", G_CALLBACK (on_page_started), self);
  g_signal_connect (backend, "page-progress", G_CALLBACK (on_page_progress), self);
  g_signal_connect (backend, "page-done", G_CALLBACK (on_page_done), self);
  g_signal_connect (backend, "page-skipped", G_CALLBACK (on_page_skipped), self);
  g_signal_connect (backend, "job-finished", G_CALLBACK (on_job_finished), self);
  g_signal_connect (backend, "job-failed", G_CALLBACK (on_job_failed), self);
}

/* ---- Public API (main thread) -------------------------------------------- */

McScanner *
mc_scanner_new (void)
{
  return g_object_new (MC_TYPE_SCANNER, NULL);
}

void
mc_scanner_redetect (McScanner *self)
{
  g_return_if_fail (MC_IS_SCANNER (self));

  if (self->detecting)
    return;
  self->detecting = TRUE;
  self->detect_pending = (1u << self->backends->len) - 1;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETECTING]);
  for (guint i = 0; i < self->backends->len; i++)
    mc_scan_backend_redetect (g_ptr_array_index (self->backends, i));
}

gboolean
mc_scanner_is_detecting (McScanner *self)
{
  g_return_val_if_fail (MC_IS_SCANNER (self), FALSE);
  return self->detecting;
}

/* Returns: (transfer none) (nullable): the devices found by the last
 * detection: SANE's in SANE's order, then the folders; NULL until a first
 * mc_scanner_redetect() has been answered (the caller starts one). */
GPtrArray *
mc_scanner_get_devices (McScanner *self)
{
  g_return_val_if_fail (MC_IS_SCANNER (self), NULL);
  return self->devices;
}

void
mc_scanner_open_device (McScanner  *self,
                        const char *name)
{
  g_return_if_fail (MC_IS_SCANNER (self));
  g_return_if_fail (name != NULL);
  mc_scan_backend_open_device (backend_for (self, name), name);
}

McScanDevice *
mc_scanner_get_open_device (McScanner *self)
{
  g_return_val_if_fail (MC_IS_SCANNER (self), NULL);
  return self->open_device;
}

guint
mc_scanner_start (McScanner              *self,
                  const McScanJobOptions *options,
                  McPageStore            *store)
{
  g_return_val_if_fail (MC_IS_SCANNER (self), 0);
  g_return_val_if_fail (options != NULL && options->device != NULL, 0);
  g_return_val_if_fail (MC_IS_PAGE_STORE (store), 0);

  if (self->current_job != 0)
    return 0;

  self->current_job = ++self->next_job;
  self->job_backend = backend_for (self, options->device);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  mc_scan_backend_start (self->job_backend, self->current_job, options, store);
  return self->current_job;
}

/* Returns at once; the job ends soon after with job-failed
 * (G_IO_ERROR_CANCELLED). */
void
mc_scanner_cancel (McScanner *self)
{
  g_return_if_fail (MC_IS_SCANNER (self));

  if (self->current_job == 0)
    return;
  mc_scan_backend_cancel (self->job_backend, self->current_job);
}

void
mc_scanner_close (McScanner *self)
{
  g_return_if_fail (MC_IS_SCANNER (self));
  g_clear_object (&self->open_device);
  for (guint i = 0; i < self->backends->len; i++)
    mc_scan_backend_close (g_ptr_array_index (self->backends, i));
}

gboolean
mc_scanner_is_busy (McScanner *self)
{
  g_return_val_if_fail (MC_IS_SCANNER (self), FALSE);
  return self->current_job != 0;
}

guint
mc_scanner_get_current_job (McScanner *self)
{
  g_return_val_if_fail (MC_IS_SCANNER (self), 0);
  return self->current_job;
}

void
mc_scanner_set_folders (McScanner          *self,
                        const char * const *dirs)
{
  g_return_if_fail (MC_IS_SCANNER (self));
  mc_folder_backend_set_folders (self->folders, dirs);
}

static void
mc_scanner_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  McScanner *self = MC_SCANNER (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->current_job != 0);
      break;
    case PROP_DETECTING:
      g_value_set_boolean (value, self->detecting);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_scanner_dispose (GObject *object)
{
  McScanner *self = MC_SCANNER (object);

  /* A backend's late notifications (it stops its job as it goes) must
   * not reach a scanner that is gone. */
  if (self->backends != NULL)
    for (guint i = 0; i < self->backends->len; i++)
      g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->backends, i), self);
  g_clear_pointer (&self->backends, g_ptr_array_unref);
  self->folders = NULL;
  self->job_backend = NULL;
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_object (&self->open_device);

  G_OBJECT_CLASS (mc_scanner_parent_class)->dispose (object);
}

static void
mc_scanner_class_init (McScannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mc_scanner_dispose;
  object_class->get_property = mc_scanner_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DETECTING] =
    g_param_spec_boolean ("detecting", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_DEVICES_CHANGED] =
    g_signal_new ("devices-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DEVICE_READY] =
    g_signal_new ("device-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, MC_TYPE_SCAN_DEVICE);
  signals[SIGNAL_DEVICE_FAILED] =
    g_signal_new ("device-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
  signals[SIGNAL_PAGE_STARTED] =
    g_signal_new ("page-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_PAGE_PROGRESS] =
    g_signal_new ("page-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_DOUBLE);
  signals[SIGNAL_PAGE_DONE] =
    g_signal_new ("page-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, MC_TYPE_PAGE);
  signals[SIGNAL_PAGE_SKIPPED] =
    g_signal_new ("page-skipped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_ERROR);
  signals[SIGNAL_JOB_FINISHED] =
    g_signal_new ("job-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_JOB_FAILED] =
    g_signal_new ("job-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_ERROR, G_TYPE_UINT);
}

static void
mc_scanner_init (McScanner *self)
{
  self->backends = g_ptr_array_new_with_free_func (g_object_unref);
  add_backend (self, MC_SCAN_BACKEND (mc_sane_backend_new ()));
  self->folders = mc_folder_backend_new ();
  add_backend (self, MC_SCAN_BACKEND (self->folders));
}
