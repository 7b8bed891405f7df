/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-scanner"

#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <sane/sane.h>

#include "mc-context.h"
#include "mc-sane-backend-private.h"

#define MC_EXPORTED __attribute__ ((visibility ("default")))

/* Backends built on sanei_thread (test, pnm's siblings, several real ones)
 * read the device in a thread of our process and stop it with
 * pthread_cancel() after switching it to *asynchronous* cancellation.
 * Cancelled inside malloc() or gettext() (it formats an error message as
 * soon as its pipe is closed), that thread dies holding a glibc lock and
 * the whole program hangs later, typically at exit. This definition, which
 * the program exports (see scanner/meson.build), keeps every thread on
 * deferred cancellation: a reader stops at its next write() or sleep, where
 * it holds no lock. */
MC_EXPORTED int pthread_setcanceltype (int type, int *oldtype);

int
pthread_setcanceltype (int  type,
                       int *oldtype)
{
  static int (*real) (int, int *);

  if (real == NULL)
    real = (int (*) (int, int *)) dlsym (RTLD_NEXT, "pthread_setcanceltype");
  (void) type;
  return real != NULL ? real (PTHREAD_CANCEL_DEFERRED, oldtype) : 0;
}

/* The model is Simple Scan's scanner.vala: one thread owns libsane (it is
 * not re-entrant), takes requests from a queue and sends notifications back
 * to the main context. Pages are written by a second thread while the next
 * one is read, with at most one page waiting, so memory stays bounded by
 * two pages whatever the batch size. */

static void backend_iface_init (McScanBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (McSaneBackend, mc_sane_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MC_TYPE_SCAN_BACKEND, backend_iface_init))

static void
notify_free (gpointer data)
{
  Notify *n = data;

  g_clear_object (&n->scanner);
  g_clear_pointer (&n->devices, g_ptr_array_unref);
  g_clear_object (&n->device);
  g_clear_object (&n->page);
  g_clear_object (&n->store);
  g_free (n->name);
  g_clear_error (&n->error);
  g_free (n);
}

static gboolean
dispatch_notify (gpointer data)
{
  Notify *n = data;
  McSaneBackend *self = n->scanner;
  gboolean job_is_cancelled = n->job != 0 && n->job == self->cancelled_job;

  switch (n->kind)
    {
    case NOTIFY_DEVICES:
      g_clear_pointer (&self->devices, g_ptr_array_unref);
      self->devices = g_ptr_array_ref (n->devices);
      self->detecting = FALSE;
      g_signal_emit_by_name (self, "devices-changed");
      break;

    case NOTIFY_DEVICE_READY:
      g_signal_emit_by_name (self, "device-ready", n->device);
      break;

    case NOTIFY_DEVICE_FAILED:
      g_signal_emit_by_name (self, "device-failed", n->name, n->error);
      break;

    case NOTIFY_PAGE_STARTED:
      if (!job_is_cancelled)
        g_signal_emit_by_name (self, "page-started", n->job, n->index);
      break;

    case NOTIFY_PAGE_PROGRESS:
      if (!job_is_cancelled)
        g_signal_emit_by_name (self, "page-progress", n->job, n->progress);
      break;

    case NOTIFY_PAGE_DONE:
      /* Complete pages are kept even from a cancelled job. */
      mc_page_store_append (n->store, n->page);
      g_signal_emit_by_name (self, "page-done", n->job, n->page);
      break;

    case NOTIFY_JOB_FINISHED:
    case NOTIFY_JOB_FAILED:
      if (self->current_job == n->job)
        self->current_job = 0;
      if (n->kind == NOTIFY_JOB_FINISHED)
        g_signal_emit_by_name (self, "job-finished", n->job, n->index);
      else
        g_signal_emit_by_name (self, "job-failed", n->job, n->error, n->index);
      break;

    default:
      g_assert_not_reached ();
    }

  return G_SOURCE_REMOVE;
}

Notify *
mc_sane_notify_new (McSaneBackend *self,
                    NotifyKind     kind,
                    guint          job)
{
  Notify *n = g_new0 (Notify, 1);

  n->scanner = g_object_ref (self);
  n->kind = kind;
  n->job = job;
  return n;
}

/* Always through a source on the creator's context (mc-context.h says why). */
void
mc_sane_post (McSaneBackend *self,
              Notify        *n)
{
  mc_context_post (self->context, dispatch_notify, n, notify_free, "[mc-sane-backend] notify");
}

/* ---- The backend interface (main thread) -------------------------------- */

static void
push_request (McSaneBackend *self,
              RequestKind    kind,
              const char    *name)
{
  Request *request = g_new0 (Request, 1);

  request->kind = kind;
  request->name = g_strdup (name);
  g_async_queue_push (self->requests, request);
}

McSaneBackend *
mc_sane_backend_new (void)
{
  return g_object_new (MC_TYPE_SANE_BACKEND, NULL);
}

/* Every name that is not another backend's: SANE names are free-form
 * ("test:0", "airscan:e0:Canon", "/dev/usb/scanner0"). */
static gboolean
backend_owns_device (McScanBackend *backend,
                     const char    *name)
{
  return name != NULL;
}

static void
backend_redetect (McScanBackend *backend)
{
  McSaneBackend *self = MC_SANE_BACKEND (backend);

  if (self->detecting)
    return;
  self->detecting = TRUE;
  push_request (self, REQUEST_REDETECT, NULL);
}

static GPtrArray *
backend_get_devices (McScanBackend *backend)
{
  return MC_SANE_BACKEND (backend)->devices;
}

static void
backend_open_device (McScanBackend *backend,
                     const char    *name)
{
  g_return_if_fail (name != NULL);
  push_request (MC_SANE_BACKEND (backend), REQUEST_OPEN, name);
}

static void
backend_start (McScanBackend          *backend,
               guint                   job,
               const McScanJobOptions *options,
               McPageStore            *store)
{
  McSaneBackend *self = MC_SANE_BACKEND (backend);
  Request *request = g_new0 (Request, 1);

  request->kind = REQUEST_START;
  request->job = job;
  request->options = mc_scan_job_options_copy (options);
  request->store = g_object_ref (store);
  self->current_job = job;
  /* The scanner thread owns the request from here on, and may free it. */
  g_async_queue_push (self->requests, request);
}

/* Returns at once. The scanner thread stops within a read (a fraction of a
 * second even on a slow device) and the job ends with job-failed
 * (G_IO_ERROR_CANCELLED). */
static void
backend_cancel (McScanBackend *backend,
                guint          job)
{
  McSaneBackend *self = MC_SANE_BACKEND (backend);

  if (self->current_job == 0 || self->current_job != job)
    return;

  self->cancelled_job = self->current_job;
  g_atomic_int_set (&self->cancel_job, (gint) self->current_job);

  /* SANE allows sane_cancel() from another thread (even a signal handler)
   * to interrupt a blocking sane_read(); the handle cannot be closed
   * meanwhile because closing takes the same lock. */
  g_mutex_lock (&self->handle_mutex);
  if (self->handle != NULL && self->reading)
    sane_cancel (self->handle);
  g_mutex_unlock (&self->handle_mutex);
}

static void
backend_close (McScanBackend *backend)
{
  push_request (MC_SANE_BACKEND (backend), REQUEST_CLOSE, NULL);
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

static void
mc_sane_backend_dispose (GObject *object)
{
  McSaneBackend *self = MC_SANE_BACKEND (object);

  if (self->thread != NULL)
    {
      /* Stop a running job, then let the thread close the device and end.
       * Pending notifications hold a reference, so none can outlive us. */
      if (self->current_job != 0)
        g_atomic_int_set (&self->cancel_job, (gint) self->current_job);
      g_mutex_lock (&self->handle_mutex);
      if (self->handle != NULL && self->reading)
        sane_cancel (self->handle);
      g_mutex_unlock (&self->handle_mutex);
      push_request (self, REQUEST_QUIT, NULL);
      g_thread_join (self->thread);
      self->thread = NULL;
      g_thread_pool_free (self->writer, FALSE, TRUE);
      self->writer = NULL;
    }

  g_clear_pointer (&self->devices, g_ptr_array_unref);

  G_OBJECT_CLASS (mc_sane_backend_parent_class)->dispose (object);
}

static void
mc_sane_backend_finalize (GObject *object)
{
  McSaneBackend *self = MC_SANE_BACKEND (object);

  g_async_queue_unref (self->requests);
  g_mutex_clear (&self->handle_mutex);
  g_mutex_clear (&self->writer_mutex);
  g_cond_clear (&self->writer_cond);
  g_clear_error (&self->write_error);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (mc_sane_backend_parent_class)->finalize (object);
}

static void
mc_sane_backend_class_init (McSaneBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mc_sane_backend_dispose;
  object_class->finalize = mc_sane_backend_finalize;
}

static void
mc_sane_backend_init (McSaneBackend *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->requests = g_async_queue_new ();
  g_mutex_init (&self->handle_mutex);
  g_mutex_init (&self->writer_mutex);
  g_cond_init (&self->writer_cond);
  self->writer = g_thread_pool_new (mc_sane_writer_func, NULL, 1, FALSE, NULL);
  self->thread = g_thread_new ("mc-scanner", mc_sane_scanner_thread, self);
}
