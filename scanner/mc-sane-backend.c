/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-scanner"

#include "config.h"

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <glib/gi18n.h>
#include <sane/sane.h>
#include <sane/saneopts.h>

#include "mc-page-image.h"
#include "mc-sane-backend.h"
#include "mc-scanner-private.h"
#include "mc-vips.h"

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

#define MAX_PAGE_LINES_MM 1500.0      /* a hand scanner that never stops */
#define BUSY_RETRIES 3
#define PROGRESS_INTERVAL_US (100 * 1000)

/* ---- Requests and notifications ---------------------------------------- */

typedef enum {
  REQUEST_REDETECT,
  REQUEST_OPEN,
  REQUEST_START,
  REQUEST_CLOSE,
  REQUEST_QUIT,
} RequestKind;

typedef struct {
  RequestKind       kind;
  char             *name;
  guint             job;
  McScanJobOptions *options;
  McPageStore      *store;
} Request;

typedef enum {
  NOTIFY_DEVICES,
  NOTIFY_DEVICE_READY,
  NOTIFY_DEVICE_FAILED,
  NOTIFY_PAGE_STARTED,
  NOTIFY_PAGE_PROGRESS,
  NOTIFY_PAGE_DONE,
  NOTIFY_JOB_FINISHED,
  NOTIFY_JOB_FAILED,
} NotifyKind;

typedef struct {
  McSaneBackend    *scanner;
  NotifyKind    kind;
  guint         job;
  GPtrArray    *devices;
  McScanDevice *device;
  McPage       *page;
  McPageStore  *store;
  char         *name;
  GError       *error;
  double        progress;
  guint         index;
} Notify;

typedef struct {
  McSaneBackend    *scanner;
  guint         job;
  McPageStore  *store;
  guchar       *pixels;
  int           width;
  int           height;
  int           bands;
  double        dpi;
  McScanMode    mode;
  McScanSource  source;
  McPageSide    side;
} WriteJob;

struct _McSaneBackend
{
  GObject       parent_instance;

  GMainContext *context;
  GThread      *thread;
  GAsyncQueue  *requests;
  GThreadPool  *writer;

  /* Main thread state */
  GPtrArray    *devices;
  guint         current_job;
  guint         cancelled_job;
  gboolean      detecting;

  /* Shared with the threads */
  gint          cancel_job;       /* atomic: the job to abandon */
  GMutex        handle_mutex;     /* guards handle against sane_close while cancelling */
  SANE_Handle   handle;           /* scanner thread writes, under the mutex */
  gboolean      reading;          /* under handle_mutex */
  GMutex        writer_mutex;
  GCond         writer_cond;
  guint         writes_pending;   /* under writer_mutex */
  GError       *write_error;      /* first write failure of the running job */

  /* Scanner thread only */
  char         *handle_name;
  McScanDevice *handle_device;
  gboolean      reopen;
};

static void backend_iface_init (McScanBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (McSaneBackend, mc_sane_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MC_TYPE_SCAN_BACKEND, backend_iface_init))

static void
request_free (Request *request)
{
  g_free (request->name);
  mc_scan_job_options_free (request->options);
  g_clear_object (&request->store);
  g_free (request);
}

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

static Notify *
notify_new (McSaneBackend  *self,
            NotifyKind  kind,
            guint       job)
{
  Notify *n = g_new0 (Notify, 1);

  n->scanner = g_object_ref (self);
  n->kind = kind;
  n->job = job;
  return n;
}

/* Always through a source on the creator's context, never
 * g_main_context_invoke(): that runs the callback at once in the calling
 * thread whenever nobody is iterating the context, which would emit
 * signals (and touch widgets) from the scanner thread. */
static void
post (McSaneBackend *self,
      Notify    *n)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, dispatch_notify, n, notify_free);
  g_source_set_static_name (source, "[mc-sane-backend] notify");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/* ---- SANE options, on the scanner thread ------------------------------- */

static const SANE_Option_Descriptor *
find_option (SANE_Handle  handle,
             const char  *name,
             SANE_Int    *index)
{
  for (SANE_Int i = 1; ; i++)
    {
      const SANE_Option_Descriptor *desc = sane_get_option_descriptor (handle, i);

      if (desc == NULL)
        return NULL;
      if (desc->name != NULL && g_str_equal (desc->name, name) &&
          SANE_OPTION_IS_ACTIVE (desc->cap))
        {
          *index = i;
          return desc;
        }
    }
}

static gboolean
option_failed (GError      **error,
               SANE_Status   status,
               const char   *name)
{
  if (status == SANE_STATUS_DEVICE_BUSY || status == SANE_STATUS_IO_ERROR ||
      status == SANE_STATUS_ACCESS_DENIED || status == SANE_STATUS_NO_MEM)
    return mc_scan_error_set_from_sane (error, status, NULL);
  g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_INVALID_OPTION,
               _("The scanner refused the setting “%s” (%s). Choose other scan settings."),
               name, sane_strstatus (status));
  return TRUE;
}

/* Sets a numeric option honouring its type: FIXED options (the test
 * backend's resolution) given an int come out as about 1 dpi, without any
 * error. Word lists get the nearest value; ranges are clamped and
 * quantised. *actual is what the device took (read back on INEXACT). */
static gboolean
set_number (SANE_Handle   handle,
            const char   *name,
            double        value,
            double       *actual,
            GError      **error)
{
  const SANE_Option_Descriptor *desc;
  SANE_Int index, info = 0;
  SANE_Word word;
  SANE_Status status;

  if (!(desc = find_option (handle, name, &index)))
    return TRUE;
  if (!SANE_OPTION_IS_SETTABLE (desc->cap) || desc->size != sizeof (SANE_Word))
    return TRUE;
  if (desc->type != SANE_TYPE_INT && desc->type != SANE_TYPE_FIXED)
    return TRUE;

  if (desc->constraint_type == SANE_CONSTRAINT_RANGE)
    {
      const SANE_Range *r = desc->constraint.range;
      double min = desc->type == SANE_TYPE_FIXED ? SANE_UNFIX (r->min) : r->min;
      double max = desc->type == SANE_TYPE_FIXED ? SANE_UNFIX (r->max) : r->max;
      double quant = desc->type == SANE_TYPE_FIXED ? SANE_UNFIX (r->quant) : r->quant;

      value = CLAMP (value, min, max);
      if (quant > 0)
        value = min + round ((value - min) / quant) * quant;
      value = MIN (value, max);
    }
  else if (desc->constraint_type == SANE_CONSTRAINT_WORD_LIST)
    {
      const SANE_Word *list = desc->constraint.word_list;
      double best = 0, best_diff = G_MAXDOUBLE;

      for (SANE_Int i = 1; i <= list[0]; i++)
        {
          double v = desc->type == SANE_TYPE_FIXED ? SANE_UNFIX (list[i]) : list[i];

          if (fabs (v - value) < best_diff)
            {
              best_diff = fabs (v - value);
              best = v;
            }
        }
      if (list[0] > 0)
        value = best;
    }

  word = desc->type == SANE_TYPE_FIXED ? SANE_FIX (value) : (SANE_Word) lround (value);
  status = sane_control_option (handle, index, SANE_ACTION_SET_VALUE, &word, &info);
  if (status != SANE_STATUS_GOOD)
    return !option_failed (error, status, name);

  if (info & SANE_INFO_INEXACT)
    sane_control_option (handle, index, SANE_ACTION_GET_VALUE, &word, NULL);
  if (actual != NULL)
    *actual = desc->type == SANE_TYPE_FIXED ? SANE_UNFIX (word) : word;
  return TRUE;
}

static gboolean
set_string (SANE_Handle   handle,
            const char   *name,
            const char   *value,
            GError      **error)
{
  const SANE_Option_Descriptor *desc;
  SANE_Int index, info = 0;
  g_autofree char *buffer = NULL;
  SANE_Status status;

  if (!(desc = find_option (handle, name, &index)) || desc->type != SANE_TYPE_STRING ||
      !SANE_OPTION_IS_SETTABLE (desc->cap))
    return TRUE;

  buffer = g_malloc0 (MAX ((gsize) desc->size, strlen (value) + 1));
  g_strlcpy (buffer, value, MAX ((gsize) desc->size, 1));
  status = sane_control_option (handle, index, SANE_ACTION_SET_VALUE, buffer, &info);
  if (status != SANE_STATUS_GOOD)
    return !option_failed (error, status, name);
  return TRUE;
}

/* The current value of an option as "name=value", to put it back later. */
static char *
get_option_text (SANE_Handle  handle,
                 const char  *name)
{
  const SANE_Option_Descriptor *desc;
  g_autofree guchar *value = NULL;
  SANE_Int index;

  if (!(desc = find_option (handle, name, &index)) || desc->size <= 0)
    return NULL;
  value = g_malloc0 ((gsize) desc->size + 1);
  if (sane_control_option (handle, index, SANE_ACTION_GET_VALUE, value, NULL) != SANE_STATUS_GOOD)
    return NULL;

  switch (desc->type)
    {
    case SANE_TYPE_BOOL:
      return g_strdup_printf ("%s=%s", name, *(SANE_Word *) (void *) value ? "yes" : "no");
    case SANE_TYPE_INT:
      return g_strdup_printf ("%s=%d", name, *(SANE_Word *) (void *) value);
    case SANE_TYPE_FIXED:
      {
        char number[G_ASCII_DTOSTR_BUF_SIZE];

        g_ascii_dtostr (number, sizeof number, SANE_UNFIX (*(SANE_Word *) (void *) value));
        return g_strdup_printf ("%s=%s", name, number);
      }
    case SANE_TYPE_STRING:
      return g_strdup_printf ("%s=%s", name, (const char *) value);
    default:
      return NULL;
    }
}

/* "name=value" from the command line or a training scenario, typed by the
 * option's descriptor. */
static gboolean
set_option_text (SANE_Handle   handle,
                 const char   *name,
                 const char   *value,
                 GError      **error)
{
  const SANE_Option_Descriptor *desc;
  SANE_Int index;
  SANE_Word word;
  SANE_Status status;

  if (!(desc = find_option (handle, name, &index)))
    {
      g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_INVALID_OPTION,
                   _("This scanner has no setting “%s”."), name);
      return FALSE;
    }

  switch (desc->type)
    {
    case SANE_TYPE_BOOL:
      word = (g_ascii_strcasecmp (value, "yes") == 0 || g_ascii_strcasecmp (value, "true") == 0 ||
              g_str_equal (value, "1")) ? SANE_TRUE : SANE_FALSE;
      status = sane_control_option (handle, index, SANE_ACTION_SET_VALUE, &word, NULL);
      if (status != SANE_STATUS_GOOD)
        return !option_failed (error, status, name);
      return TRUE;
    case SANE_TYPE_INT:
    case SANE_TYPE_FIXED:
      {
        char *end = NULL;
        double v = g_ascii_strtod (value, &end);

        if (end == value)
          {
            g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_INVALID_OPTION,
                         _("The setting “%s” takes a number, not “%s”."), name, value);
            return FALSE;
          }
        return set_number (handle, name, v, NULL, error);
      }
    case SANE_TYPE_STRING:
      return set_string (handle, name, value, error);
    default:
      g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_INVALID_OPTION,
                   _("The setting “%s” cannot be set this way."), name);
      return FALSE;
    }
}

static double
range_max_mm (SANE_Handle  handle,
              const char  *name)
{
  const SANE_Option_Descriptor *desc;
  SANE_Int index;

  if (!(desc = find_option (handle, name, &index)) || desc->unit != SANE_UNIT_MM ||
      desc->constraint_type != SANE_CONSTRAINT_RANGE)
    return 0;
  return desc->type == SANE_TYPE_FIXED ? SANE_UNFIX (desc->constraint.range->max)
                                       : desc->constraint.range->max;
}

static McScanDevice *
read_capabilities (SANE_Handle   handle,
                   McScanDevice *basic)
{
  McScanDevice *device = mc_scan_device_new (mc_scan_device_get_name (basic),
                                             mc_scan_device_get_vendor (basic),
                                             mc_scan_device_get_model (basic),
                                             mc_scan_device_get_kind (basic));
  const SANE_Option_Descriptor *desc;
  SANE_Int index;

  if ((desc = find_option (handle, SANE_NAME_SCAN_SOURCE, &index)) &&
      desc->type == SANE_TYPE_STRING && desc->constraint_type == SANE_CONSTRAINT_STRING_LIST)
    for (const SANE_String_Const *s = desc->constraint.string_list; *s; s++)
      mc_scan_device_add_source (device, *s);

  if ((desc = find_option (handle, SANE_NAME_SCAN_MODE, &index)) &&
      desc->type == SANE_TYPE_STRING && desc->constraint_type == SANE_CONSTRAINT_STRING_LIST)
    for (const SANE_String_Const *s = desc->constraint.string_list; *s; s++)
      {
        McScanMode mode;

        if (mc_scan_mode_classify (*s, &mode))
          mc_scan_device_add_mode (device, mode, *s);
      }
  /* No line-art mode, but 1-bit grey: that is line art. */
  if (!mc_scan_device_has_mode (device, MC_SCAN_MODE_LINEART) &&
      mc_scan_device_has_mode (device, MC_SCAN_MODE_GRAY) &&
      (desc = find_option (handle, SANE_NAME_BIT_DEPTH, &index)) &&
      desc->constraint_type == SANE_CONSTRAINT_WORD_LIST)
    for (SANE_Int i = 1; i <= desc->constraint.word_list[0]; i++)
      if (desc->constraint.word_list[i] == 1)
        mc_scan_device_add_mode (device, MC_SCAN_MODE_LINEART,
                                 mc_scan_device_get_mode_name (device, MC_SCAN_MODE_GRAY));

  if ((desc = find_option (handle, SANE_NAME_SCAN_RESOLUTION, &index)) &&
      (desc->type == SANE_TYPE_INT || desc->type == SANE_TYPE_FIXED))
    {
      gboolean fixed = desc->type == SANE_TYPE_FIXED;

      if (desc->constraint_type == SANE_CONSTRAINT_RANGE)
        mc_scan_device_set_resolutions (device, NULL, 0,
                                        fixed ? SANE_UNFIX (desc->constraint.range->min) : desc->constraint.range->min,
                                        fixed ? SANE_UNFIX (desc->constraint.range->max) : desc->constraint.range->max);
      else if (desc->constraint_type == SANE_CONSTRAINT_WORD_LIST)
        {
          g_autoptr(GArray) list = g_array_new (FALSE, FALSE, sizeof (double));

          for (SANE_Int i = 1; i <= desc->constraint.word_list[0]; i++)
            {
              double v = fixed ? SANE_UNFIX (desc->constraint.word_list[i]) : desc->constraint.word_list[i];

              if (v > 0)
                g_array_append_val (list, v);
            }
          mc_scan_device_set_resolutions (device, (double *) (void *) list->data, list->len, 0, 0);
        }
    }

  mc_scan_device_set_max_area (device, range_max_mm (handle, SANE_NAME_SCAN_BR_X),
                               range_max_mm (handle, SANE_NAME_SCAN_BR_Y));
  mc_scan_device_set_has_capabilities (device);
  return device;
}

/* ---- The scanner thread ------------------------------------------------ */

static gboolean
job_cancelled (McSaneBackend *self,
               guint      job)
{
  return job != 0 && (guint) g_atomic_int_get (&self->cancel_job) == job;
}

/* Waits, answering a cancel within a tenth of a second. */
static gboolean
sleep_unless_cancelled (McSaneBackend *self,
                        guint      job,
                        guint      ms)
{
  for (guint waited = 0; waited < ms; waited += 100)
    {
      if (job_cancelled (self, job))
        return FALSE;
      g_usleep (100 * 1000);
    }
  return !job_cancelled (self, job);
}

static void
close_handle (McSaneBackend *self)
{
  if (self->handle == NULL)
    return;

  g_mutex_lock (&self->handle_mutex);
  sane_cancel (self->handle);
  sane_close (self->handle);
  self->handle = NULL;
  g_mutex_unlock (&self->handle_mutex);
  g_clear_pointer (&self->handle_name, g_free);
  g_clear_object (&self->handle_device);
}

static void
cancel_device (McSaneBackend *self)
{
  sane_cancel (self->handle);
}

static McScanDevice *
lookup_basic_device (const char *name)
{
  const SANE_Device **list = NULL;

  if (sane_get_devices (&list, SANE_TRUE) == SANE_STATUS_GOOD && list != NULL)
    for (guint i = 0; list[i]; i++)
      if (g_strcmp0 (list[i]->name, name) == 0)
        return mc_scan_device_new (list[i]->name, list[i]->vendor, list[i]->model, list[i]->type);
  return mc_scan_device_new (name, "", "", "");
}

/* Opens @name unless it is open already; a busy device is tried again a
 * few times with a growing pause before giving up. */
static gboolean
ensure_open (McSaneBackend   *self,
             const char  *name,
             guint        job,
             GError     **error)
{
  g_autoptr(McScanDevice) basic = NULL;
  SANE_Handle handle = NULL;
  SANE_Status status = SANE_STATUS_INVAL;
  guint pause = 500;

  if (self->handle != NULL && g_strcmp0 (self->handle_name, name) == 0)
    return TRUE;
  close_handle (self);

  for (guint attempt = 0; attempt <= BUSY_RETRIES; attempt++)
    {
      status = sane_open (name, &handle);
      if (status != SANE_STATUS_DEVICE_BUSY)
        break;
      if (attempt == BUSY_RETRIES || !sleep_unless_cancelled (self, job, pause))
        break;
      pause *= 2;
    }

  if (status != SANE_STATUS_GOOD)
    {
      if (status == SANE_STATUS_INVAL)
        g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_NO_DEVICE,
                     _("The scanner “%s” is not connected. Check its cable and power, then choose it again."),
                     name);
      else
        mc_scan_error_set_from_sane (error, status, name);
      return FALSE;
    }

  basic = lookup_basic_device (name);
  g_mutex_lock (&self->handle_mutex);
  self->handle = handle;
  g_mutex_unlock (&self->handle_mutex);
  self->handle_name = g_strdup (name);
  self->handle_device = read_capabilities (handle, basic);
  return TRUE;
}

static void
do_redetect (McSaneBackend *self)
{
  const SANE_Device **list = NULL;
  Notify *n = notify_new (self, NOTIFY_DEVICES, 0);
  SANE_Status status;

  n->devices = g_ptr_array_new_with_free_func (g_object_unref);
  status = sane_get_devices (&list, SANE_FALSE);
  if (status == SANE_STATUS_GOOD && list != NULL)
    for (guint i = 0; list[i]; i++)
      g_ptr_array_add (n->devices, mc_scan_device_new (list[i]->name, list[i]->vendor,
                                                       list[i]->model, list[i]->type));
  else if (status != SANE_STATUS_GOOD)
    g_message ("sane_get_devices: %s", sane_strstatus (status));
  post (self, n);
}

static void
do_open (McSaneBackend  *self,
         const char *name)
{
  GError *error = NULL;
  Notify *n;

  if (ensure_open (self, name, 0, &error))
    {
      n = notify_new (self, NOTIFY_DEVICE_READY, 0);
      n->device = g_object_ref (self->handle_device);
    }
  else
    {
      n = notify_new (self, NOTIFY_DEVICE_FAILED, 0);
      n->name = g_strdup (name);
      n->error = error;
    }
  post (self, n);
}

/* ---- Reading a page ----------------------------------------------------- */

typedef struct {
  guchar *pixels;      /* output rows: width × bands bytes, 8 bits per sample */
  int     width;
  int     bands;
  int     rows;        /* complete rows in pixels */
  int     capacity;    /* rows allocated */
  int     max_rows;
} PageBuffer;

static gboolean
page_buffer_reserve (PageBuffer *page,
                     int         rows)
{
  if (rows <= page->capacity)
    return TRUE;
  if (rows > page->max_rows)
    return FALSE;
  page->capacity = MIN (MAX (rows, page->capacity * 2), page->max_rows);
  page->pixels = g_realloc_n (page->pixels, (gsize) page->capacity,
                              (gsize) page->width * page->bands);
  return TRUE;
}

gsize
mc_scanner_line_bytes (const SANE_Parameters *params)
{
  guint64 samples = (guint64) MAX (params->pixels_per_line, 0) *
                    (params->format == SANE_FRAME_RGB ? 3 : 1);

  return (gsize) ((samples * (guint64) MAX (params->depth, 0) + 7) / 8);
}

static gboolean
is_single_colour (SANE_Frame format)
{
  return format == SANE_FRAME_RED || format == SANE_FRAME_GREEN || format == SANE_FRAME_BLUE;
}

gboolean
mc_scanner_check_parameters (const SANE_Parameters *params,
                             const SANE_Parameters *first,
                             GError               **error)
{
  if (params->format != SANE_FRAME_GRAY && params->format != SANE_FRAME_RGB &&
      !is_single_colour (params->format))
    {
      g_set_error_literal (error, MC_SCAN_ERROR, MC_SCAN_ERROR_INVALID_OPTION,
                           _("The scanner sent an image in a form this program cannot read. Choose colour or grey."));
      return FALSE;
    }
  if (params->depth != 1 && params->depth != 8 && params->depth != 16)
    {
      g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_INVALID_OPTION,
                   _("The scanner sent an image this program cannot read (%d bits per sample). Choose colour or grey."),
                   params->depth);
      return FALSE;
    }
  /* Lines of unknown number (-1) are allowed: hand scanners, feeders. */
  if (params->pixels_per_line <= 0 || params->pixels_per_line > MC_SCAN_MAX_LINE_PIXELS ||
      params->lines > MC_SCAN_MAX_LINES ||
      (params->lines > 0 &&
       (guint64) params->pixels_per_line * (guint64) params->lines > MC_PAGE_IMAGE_MAX_PIXELS))
    {
      g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_FAILED,
                   _("The scanner announced a page of %d × %d pixels, larger than any paper. Check the scan area and resolution, then scan again."),
                   params->pixels_per_line, params->lines);
      return FALSE;
    }
  /* A line must hold its pixels, or reading it would run past its end. */
  if (params->bytes_per_line <= 0 || (gsize) params->bytes_per_line < mc_scanner_line_bytes (params) ||
      (gsize) params->bytes_per_line > mc_scanner_line_bytes (params) + 4096)
    {
      g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_FAILED,
                   _("The scanner sent an image whose size does not add up (%d pixels in %d bytes per line). Scan again; if it happens again, restart the scanner."),
                   params->pixels_per_line, params->bytes_per_line);
      return FALSE;
    }
  /* The later frames of a three-pass scan: one colour each, same width. */
  if (first != NULL &&
      (!is_single_colour (first->format) || !is_single_colour (params->format) ||
       params->pixels_per_line != first->pixels_per_line))
    {
      g_set_error_literal (error, MC_SCAN_ERROR, MC_SCAN_ERROR_FAILED,
                           _("The scanner sent the colours of one page at different sizes. Scan again."));
      return FALSE;
    }
  return TRUE;
}

/* Converts one raw SANE line into an output row. Depth 1 grey is
 * 1 = black (SANE's convention); 16-bit samples are in host order and keep
 * their high byte. Reads mc_scanner_line_bytes() bytes of @raw at most. */
void
mc_scanner_convert_line (const guchar              *raw,
                         const SANE_Parameters     *params,
                         guchar                    *out,
                         int                        width,
                         int                        bands,
                         int                        channel)
{
  int in_samples = params->format == SANE_FRAME_RGB ? 3 : 1;

  for (int x = 0; x < width; x++)
    for (int s = 0; s < in_samples; s++)
      {
        int i = x * in_samples + s;
        guchar v;

        if (params->depth == 1)
          v = (raw[i / 8] & (0x80 >> (i % 8))) ? 0 : 255;
        else if (params->depth == 16)
          v = (guchar) (((const guint16 *) (const void *) raw)[i] >> 8);
        else
          v = raw[i];

        if (channel >= 0)
          out[x * bands + channel] = v;
        else
          out[x * bands + s] = v;
      }
}

typedef enum {
  READ_OK,
  READ_NO_DOCS,
  READ_FAILED,
  READ_CANCELLED,
} ReadResult;

static SANE_Status
start_with_retries (McSaneBackend *self,
                    guint      job)
{
  SANE_Status status = SANE_STATUS_INVAL;
  guint pause = 500;

  for (guint attempt = 0; attempt <= BUSY_RETRIES; attempt++)
    {
      status = sane_start (self->handle);
      if (status != SANE_STATUS_DEVICE_BUSY)
        break;
      if (attempt == BUSY_RETRIES || !sleep_unless_cancelled (self, job, pause))
        break;
      pause *= 2;
    }
  return status;
}

static ReadResult
read_page (McSaneBackend   *self,
           guint        job,
           guint        index,
           PageBuffer  *page,
           double       dpi,
           GError     **error)
{
  g_autofree guchar *buffer = NULL;
  g_autofree guchar *line = NULL;
  const gsize buffer_size = 64 * 1024;
  gint64 last_progress = 0;
  double last_fraction = -2;
  int last_row = -1;
  gboolean first_frame = TRUE;
  SANE_Parameters first_params = { 0 };
  SANE_Status status;

  memset (page, 0, sizeof *page);
  buffer = g_malloc (buffer_size);

  for (;;)    /* frames: one, or three on a three-pass scanner */
    {
      SANE_Parameters params;
      int channel = -1, expected, row = 0;
      gsize line_fill = 0;

      status = first_frame ? start_with_retries (self, job) : sane_start (self->handle);
      if (job_cancelled (self, job))
        return READ_CANCELLED;
      if (status == SANE_STATUS_NO_DOCS && first_frame)
        return READ_NO_DOCS;
      if (status != SANE_STATUS_GOOD)
        {
          mc_scan_error_set_from_sane (error, status, NULL);
          return READ_FAILED;
        }

      status = sane_get_parameters (self->handle, &params);
      if (status != SANE_STATUS_GOOD)
        {
          mc_scan_error_set_from_sane (error, status, NULL);
          return READ_FAILED;
        }
      /* Nothing is allocated or read from a frame that does not add up. */
      if (!mc_scanner_check_parameters (&params, first_frame ? NULL : &first_params, error))
        return READ_FAILED;

      switch (params.format)
        {
        case SANE_FRAME_RED: channel = 0; break;
        case SANE_FRAME_GREEN: channel = 1; break;
        case SANE_FRAME_BLUE: channel = 2; break;
        default: break;
        }

      if (first_frame)
        {
          first_params = params;
          page->width = params.pixels_per_line;
          page->bands = (params.format == SANE_FRAME_GRAY) ? 1 : 3;
          page->max_rows = (int) (MAX (dpi, 75.0) * MAX_PAGE_LINES_MM / 25.4);
          page->max_rows = MIN (page->max_rows, MC_SCAN_MAX_LINES);
          page->max_rows = MIN (page->max_rows, (int) (MC_PAGE_IMAGE_MAX_PIXELS / (guint) page->width));
          first_params = params;
          if (!page_buffer_reserve (page, params.lines > 0 ? MIN (params.lines, page->max_rows) : 256))
            {
              mc_scan_error_set_from_sane (error, SANE_STATUS_NO_MEM, NULL);
              return READ_FAILED;
            }
          g_mutex_lock (&self->handle_mutex);
          self->reading = TRUE;
          g_mutex_unlock (&self->handle_mutex);
        }

      expected = params.lines;
      line = g_realloc (line, params.bytes_per_line);

      for (;;)
        {
          SANE_Int len = 0;

          if (job_cancelled (self, job))
            return READ_CANCELLED;

          status = sane_read (self->handle, buffer, (SANE_Int) buffer_size, &len);
          /* A cancelled read may end in EOF: the page is cut short, not done. */
          if (job_cancelled (self, job))
            return READ_CANCELLED;
          if (status == SANE_STATUS_EOF)
            break;
          if (status == SANE_STATUS_CANCELLED && job_cancelled (self, job))
            return READ_CANCELLED;
          if (status != SANE_STATUS_GOOD)
            {
              mc_scan_error_set_from_sane (error, status, NULL);
              return READ_FAILED;
            }

          /* Assemble whole lines whatever the chunking; lines beyond the
           * announced count (the pnm backend sends them) make the page
           * taller instead of overflowing it. */
          for (SANE_Int off = 0; off < len; )
            {
              gsize take = MIN ((gsize) (len - off), (gsize) params.bytes_per_line - line_fill);

              memcpy (line + line_fill, buffer + off, take);
              line_fill += take;
              off += (SANE_Int) take;
              if (line_fill == (gsize) params.bytes_per_line)
                {
                  if (!page_buffer_reserve (page, row + 1))
                    break;    /* past the sanity limit: keep what we have */
                  if (channel >= 0 || first_frame)
                    {
                      guchar *out = page->pixels + (gsize) row * page->width * page->bands;

                      if (first_frame && channel >= 0)
                        memset (out, 0, (gsize) page->width * page->bands);
                      mc_scanner_convert_line (line, &params, out, page->width, page->bands, channel);
                    }
                  row++;
                  line_fill = 0;
                }
            }

          if (first_frame)
            page->rows = row;
          {
            gint64 now = g_get_monotonic_time ();
            double fraction = expected > 0 ? CLAMP ((double) row / expected, 0.0, 1.0) : -1.0;

            /* A page of unknown length says -1 each time lines have come:
             * the clerk's bar pulses, and the kiosk sees a scan that moves. */
            if (now - last_progress >= PROGRESS_INTERVAL_US &&
                (fraction != last_fraction || (fraction < 0 && row != last_row)))
              {
                Notify *n = notify_new (self, NOTIFY_PAGE_PROGRESS, job);

                n->progress = params.format >= SANE_FRAME_RED && params.format <= SANE_FRAME_BLUE
                              ? (channel + fraction) / 3.0 : fraction;
                post (self, n);
                last_progress = now;
                last_fraction = fraction;
                last_row = row;
              }
          }
        }

      if (first_frame)
        page->rows = row;
      first_frame = FALSE;
      if (params.last_frame)
        break;
    }

  (void) index;
  if (page->rows == 0)
    {
      g_set_error_literal (error, MC_SCAN_ERROR, MC_SCAN_ERROR_FAILED,
                           _("The scanner sent an empty page. Scan again."));
      return READ_FAILED;
    }
  return READ_OK;
}

/* ---- Writing pages ------------------------------------------------------ */

static void
write_job_free (WriteJob *wj)
{
  g_clear_object (&wj->scanner);
  g_clear_object (&wj->store);
  g_free (wj->pixels);
  g_free (wj);
}

static void
writer_func (gpointer data,
             gpointer user_data)
{
  WriteJob *wj = data;
  McSaneBackend *self = wj->scanner;
  g_autoptr(VipsImage) image = NULL;
  g_autoptr(VipsImage) tagged = NULL;
  GError *error = NULL;
  McPage *page = NULL;
  gsize size = (gsize) wj->width * wj->height * wj->bands;

  image = vips_image_new_from_memory (wj->pixels, size, wj->width, wj->height, wj->bands,
                                      VIPS_FORMAT_UCHAR);
  if (image != NULL &&
      vips_copy (image, &tagged, "interpretation",
                 wj->bands == 3 ? VIPS_INTERPRETATION_sRGB : VIPS_INTERPRETATION_B_W, NULL) == 0)
    page = mc_page_store_save_image (wj->store, tagged, wj->dpi, wj->mode, wj->source, wj->side, &error);
  else
    {
      g_set_error (&error, MC_SCAN_ERROR, MC_SCAN_ERROR_STORAGE,
                   _("The scanned page could not be saved: %s"), vips_error_buffer ());
      vips_error_clear ();
    }
  g_clear_object (&tagged);
  g_clear_object (&image);

  if (page != NULL)
    {
      Notify *n = notify_new (self, NOTIFY_PAGE_DONE, wj->job);

      n->page = page;
      n->store = g_object_ref (wj->store);
      post (self, n);
    }

  g_mutex_lock (&self->writer_mutex);
  if (error != NULL && self->write_error == NULL)
    self->write_error = error;
  else
    g_clear_error (&error);
  self->writes_pending--;
  g_cond_broadcast (&self->writer_cond);
  g_mutex_unlock (&self->writer_mutex);

  write_job_free (wj);
}

static void
wait_for_writes (McSaneBackend *self,
                 guint      at_most)
{
  g_mutex_lock (&self->writer_mutex);
  while (self->writes_pending > at_most)
    g_cond_wait (&self->writer_cond, &self->writer_mutex);
  g_mutex_unlock (&self->writer_mutex);
}

/* ---- A job ---------------------------------------------------------------- */

static void
remember_option (McSaneBackend  *self,
                 GPtrArray  *saved,
                 const char *name)
{
  char *previous;

  for (guint i = 0; i < saved->len; i++)
    {
      const char *entry = g_ptr_array_index (saved, i);

      if (g_str_has_prefix (entry, name) && entry[strlen (name)] == '=')
        return;    /* keep the value from before the job */
    }
  if ((previous = get_option_text (self->handle, name)) != NULL)
    g_ptr_array_add (saved, previous);
}

static gboolean
apply_settings (McSaneBackend               *self,
                const McScanJobOptions  *options,
                McScanSource             source,
                double                  *dpi,
                GPtrArray               *saved,
                GError                 **error)
{
  McScanDevice *device = self->handle_device;
  const char *mode_name;
  double width, height, max_w, max_h, actual;

  /* Order matters: source and mode can change which resolutions and areas
   * are allowed (SANE_INFO_RELOAD_OPTIONS), so they go first. */
  if (source != MC_SCAN_SOURCE_AUTO && mc_scan_device_get_source_name (device, source) != NULL &&
      !set_string (self->handle, SANE_NAME_SCAN_SOURCE, mc_scan_device_get_source_name (device, source), error))
    return FALSE;

  mode_name = mc_scan_device_get_mode_name (device, options->mode);
  if (mode_name == NULL && options->mode == MC_SCAN_MODE_LINEART)
    mode_name = mc_scan_device_get_mode_name (device, MC_SCAN_MODE_GRAY);
  if (mode_name != NULL && !set_string (self->handle, SANE_NAME_SCAN_MODE, mode_name, error))
    return FALSE;
  /* Line art from a grey-only device: ask for 1 bit if it has it. */
  if (options->mode == MC_SCAN_MODE_LINEART &&
      !set_number (self->handle, SANE_NAME_BIT_DEPTH, 1, NULL, error))
    return FALSE;
  if (options->mode != MC_SCAN_MODE_LINEART &&
      !set_number (self->handle, SANE_NAME_BIT_DEPTH, 8, NULL, error))
    return FALSE;

  actual = options->dpi;
  if (options->dpi > 0 && !set_number (self->handle, SANE_NAME_SCAN_RESOLUTION, options->dpi, &actual, error))
    return FALSE;
  *dpi = actual > 0 ? actual : 300;

  /* The area: the preset, clipped to what the glass or feeder takes. */
  max_w = range_max_mm (self->handle, SANE_NAME_SCAN_BR_X);
  max_h = range_max_mm (self->handle, SANE_NAME_SCAN_BR_Y);
  width = options->area.kind == MC_SCAN_AREA_GLASS || options->area.width_mm <= 0 ? max_w : options->area.width_mm;
  height = options->area.kind == MC_SCAN_AREA_GLASS || options->area.height_mm <= 0 ? max_h : options->area.height_mm;
  if (max_w > 0 && max_h > 0)
    {
      if (!set_number (self->handle, SANE_NAME_SCAN_TL_X, 0, NULL, error) ||
          !set_number (self->handle, SANE_NAME_SCAN_TL_Y, 0, NULL, error) ||
          !set_number (self->handle, SANE_NAME_SCAN_BR_X, MIN (width, max_w), NULL, error) ||
          !set_number (self->handle, SANE_NAME_SCAN_BR_Y, MIN (height, max_h), NULL, error))
        return FALSE;
    }
  /* Feeders with paper-size options (fujitsu, canon_dr, …). */
  if (source == MC_SCAN_SOURCE_ADF || source == MC_SCAN_SOURCE_DUPLEX)
    {
      if (!set_number (self->handle, "page-width", width, NULL, error) ||
          !set_number (self->handle, "page-height", height, NULL, error))
        return FALSE;
    }

  if (options->pnm_file != NULL && !set_string (self->handle, "filename", options->pnm_file, error))
    return FALSE;

  for (guint i = 0; i < options->device_options->len; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      mc_scan_split_name_value (g_ptr_array_index (options->device_options, i), &name, &value);
      remember_option (self, saved, name);
      if (!set_option_text (self->handle, name, value, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_faults (McSaneBackend              *self,
              const McScanJobOptions *options,
              guint                   after_page,
              GPtrArray              *saved,
              GError                **error)
{
  for (guint i = 0; i < options->faults->len; i++)
    {
      const McScanFault *fault = g_ptr_array_index (options->faults, i);

      if (fault->after_page != after_page)
        continue;
      remember_option (self, saved, fault->name);
      if (!set_option_text (self->handle, fault->name, fault->value, error))
        return FALSE;
    }
  return TRUE;
}

/* Device options and rehearsed faults belong to one job. Some backends
 * (test) keep option values across sane_close(), so put them back. */
static void
restore_options (McSaneBackend *self,
                 GPtrArray *saved)
{
  if (self->handle == NULL)
    return;
  sane_cancel (self->handle);
  /* Last set, first restored: an option set later may depend on one set
   * earlier (read-delay-duration is inactive unless read-delay is on). */
  for (guint i = saved->len; i > 0; i--)
    {
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      g_autoptr(GError) error = NULL;

      if (mc_scan_split_name_value (g_ptr_array_index (saved, i - 1), &name, &value) &&
          !set_option_text (self->handle, name, value, &error))
        g_message ("Could not restore the option %s: %s", name, error->message);
    }
}

static void
finish_job (McSaneBackend *self,
            guint      job,
            guint      n_pages,
            GError    *error)
{
  Notify *n;

  /* Every page read is on disk before the job is said to end. */
  wait_for_writes (self, 0);
  g_mutex_lock (&self->writer_mutex);
  if (error == NULL && self->write_error != NULL)
    error = g_steal_pointer (&self->write_error);
  g_clear_error (&self->write_error);
  g_mutex_unlock (&self->writer_mutex);

  if (job_cancelled (self, job) && (error == NULL || !g_error_matches (error, MC_SCAN_ERROR, MC_SCAN_ERROR_STORAGE)))
    {
      g_clear_error (&error);
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Scanning was cancelled."));
    }

  n = notify_new (self, error ? NOTIFY_JOB_FAILED : NOTIFY_JOB_FINISHED, job);
  n->error = error;
  n->index = n_pages;
  post (self, n);
}

static void
do_job (McSaneBackend        *self,
        guint             job,
        McScanJobOptions *options,
        McPageStore      *store,
        GPtrArray        *saved)
{
  GError *error = NULL;
  McScanSource source = options->source;
  gboolean feeder;
  guint pages = 0;
  double dpi = 0;

  if (job_cancelled (self, job))
    {
      finish_job (self, job, 0, NULL);
      return;
    }

  if (!ensure_open (self, options->device, job, &error))
    {
      finish_job (self, job, 0, error);
      return;
    }

  if (source == MC_SCAN_SOURCE_AUTO)
    source = mc_scan_device_has_source (self->handle_device, MC_SCAN_SOURCE_ADF) ? MC_SCAN_SOURCE_ADF
                                                                               : MC_SCAN_SOURCE_FLATBED;
  if (!mc_scan_device_has_source (self->handle_device, source))
    {
      g_set_error (&error, MC_SCAN_ERROR, MC_SCAN_ERROR_INVALID_OPTION,
                   source == MC_SCAN_SOURCE_DUPLEX
                   ? _("This scanner cannot scan both sides. Scan the fronts, turn the stack over, then scan the backs.")
                   : source == MC_SCAN_SOURCE_ADF
                   ? _("This scanner has no document feeder. Place the pages on the glass one at a time.")
                   : _("This scanner has no glass. Put the papers in the feeder."));
      finish_job (self, job, 0, error);
      return;
    }
  feeder = source == MC_SCAN_SOURCE_ADF || source == MC_SCAN_SOURCE_DUPLEX;

  if (!apply_settings (self, options, source, &dpi, saved, &error) ||
      !apply_faults (self, options, 0, saved, &error))
    {
      sane_cancel (self->handle);
      finish_job (self, job, 0, error);
      return;
    }

  for (;;)
    {
      PageBuffer page;
      ReadResult result;
      Notify *n;

      n = notify_new (self, NOTIFY_PAGE_STARTED, job);
      n->index = pages;
      post (self, n);

      result = read_page (self, job, pages, &page, dpi, &error);
      g_mutex_lock (&self->handle_mutex);
      self->reading = FALSE;
      g_mutex_unlock (&self->handle_mutex);

      if (result != READ_OK)
        {
          g_free (page.pixels);
          cancel_device (self);
          if (result == READ_NO_DOCS && pages > 0)
            break;    /* the feeder ran out: the normal end of a batch */
          if (result == READ_NO_DOCS)
            mc_scan_error_set_from_sane (&error, SANE_STATUS_NO_DOCS, NULL);
          if (result == READ_FAILED && error != NULL &&
              g_error_matches (error, MC_SCAN_ERROR, MC_SCAN_ERROR_DISCONNECTED))
            self->reopen = TRUE;   /* it may be gone: open afresh next time */
          finish_job (self, job, pages, error);
          return;
        }

      /* Hand the page to the writer; with one page already waiting, wait. */
      wait_for_writes (self, 1);
      {
        WriteJob *wj = g_new0 (WriteJob, 1);

        wj->scanner = g_object_ref (self);
        wj->job = job;
        wj->store = g_object_ref (store);
        wj->pixels = page.pixels;
        wj->width = page.width;
        wj->height = page.rows;
        wj->bands = page.bands;
        wj->dpi = dpi;
        wj->mode = options->mode;
        wj->source = source;
        wj->side = (source == MC_SCAN_SOURCE_DUPLEX && pages % 2 == 1) ? MC_PAGE_SIDE_BACK : MC_PAGE_SIDE_FRONT;
        g_mutex_lock (&self->writer_mutex);
        self->writes_pending++;
        g_mutex_unlock (&self->writer_mutex);
        g_thread_pool_push (self->writer, wj, NULL);
      }
      pages++;

      if (!feeder || (options->max_pages > 0 && pages >= options->max_pages))
        {
          sane_cancel (self->handle);
          break;
        }
      if (!apply_faults (self, options, pages, saved, &error))
        {
          sane_cancel (self->handle);
          finish_job (self, job, pages, error);
          return;
        }
    }

  finish_job (self, job, pages, NULL);
}

static void
do_job_and_reset (McSaneBackend        *self,
                  guint             job,
                  McScanJobOptions *options,
                  McPageStore      *store)
{
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func (g_free);

  self->reopen = FALSE;
  do_job (self, job, options, store, saved);
  restore_options (self, saved);
  if (self->reopen)
    close_handle (self);
}

static gpointer
scanner_thread (gpointer data)
{
  McSaneBackend *self = data;
  SANE_Int version = 0;
  SANE_Status status = sane_init (&version, NULL);

  if (status != SANE_STATUS_GOOD)
    g_warning ("sane_init failed: %s", sane_strstatus (status));

  for (;;)
    {
      Request *request = g_async_queue_pop (self->requests);
      gboolean quit = request->kind == REQUEST_QUIT;

      switch (request->kind)
        {
        case REQUEST_REDETECT:
          do_redetect (self);
          break;
        case REQUEST_OPEN:
          do_open (self, request->name);
          break;
        case REQUEST_START:
          do_job_and_reset (self, request->job, request->options, request->store);
          break;
        case REQUEST_CLOSE:
        case REQUEST_QUIT:
          close_handle (self);
          break;
        default:
          g_assert_not_reached ();
        }
      request_free (request);
      if (quit)
        break;
    }

  if (status == SANE_STATUS_GOOD)
    sane_exit ();
  return NULL;
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
  self->writer = g_thread_pool_new (writer_func, NULL, 1, FALSE, NULL);
  self->thread = g_thread_new ("mc-scanner", scanner_thread, self);
}
