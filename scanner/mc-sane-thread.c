/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-scanner"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-page-image.h"
#include "mc-sane-backend-private.h"
#include "mc-sane-options.h"
#include "mc-scanner-private.h"
#include "mc-vips.h"

/* The scanner thread: every SANE call of the backend happens here, one
 * request at a time; pages go to the writer thread, results back to the
 * main context as notifications. */

#define MAX_PAGE_LINES_MM 1500.0      /* a hand scanner that never stops */
#define BUSY_RETRIES 3
#define PROGRESS_INTERVAL_US (100 * 1000)

/* ---- The scanner thread ------------------------------------------------ */

static gboolean
job_cancelled (McSaneBackend *self,
               guint          job)
{
  return job != 0 && (guint) g_atomic_int_get (&self->cancel_job) == job;
}

/* Waits, answering a cancel within a tenth of a second. */
static gboolean
sleep_unless_cancelled (McSaneBackend *self,
                        guint          job,
                        guint          ms)
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
ensure_open (McSaneBackend  *self,
             const char     *name,
             guint           job,
             GError        **error)
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
  self->handle_device = mc_sane_read_capabilities (handle, basic);
  return TRUE;
}

static void
do_redetect (McSaneBackend *self)
{
  const SANE_Device **list = NULL;
  Notify *n = mc_sane_notify_new (self, NOTIFY_DEVICES, 0);
  SANE_Status status;

  n->devices = g_ptr_array_new_with_free_func (g_object_unref);
  status = sane_get_devices (&list, SANE_FALSE);
  if (status == SANE_STATUS_GOOD && list != NULL)
    for (guint i = 0; list[i]; i++)
      g_ptr_array_add (n->devices, mc_scan_device_new (list[i]->name, list[i]->vendor,
                                                       list[i]->model, list[i]->type));
  else if (status != SANE_STATUS_GOOD)
    g_message ("sane_get_devices: %s", sane_strstatus (status));
  mc_sane_post (self, n);
}

static void
do_open (McSaneBackend *self,
         const char    *name)
{
  GError *error = NULL;
  Notify *n;

  if (ensure_open (self, name, 0, &error))
    {
      n = mc_sane_notify_new (self, NOTIFY_DEVICE_READY, 0);
      n->device = g_object_ref (self->handle_device);
    }
  else
    {
      n = mc_sane_notify_new (self, NOTIFY_DEVICE_FAILED, 0);
      n->name = g_strdup (name);
      n->error = error;
    }
  mc_sane_post (self, n);
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

typedef enum {
  READ_OK,
  READ_NO_DOCS,
  READ_FAILED,
  READ_CANCELLED,
} ReadResult;

static SANE_Status
start_with_retries (McSaneBackend *self,
                    guint          job)
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

/* One frame being read: whole lines are assembled from SANE's chunks,
 * whatever their size. */
typedef struct {
  SANE_Parameters params;
  int             channel;     /* the band a single-colour frame fills, -1: all */
  gboolean        first;       /* the first frame of the page */
  guchar         *line;        /* bytes_per_line */
  gsize           fill;
  int             row;
} Frame;

typedef struct {
  gint64 time;
  double fraction;
  int    row;
} Progress;

/* Starts the next frame and checks what it announces: nothing is
 * allocated or read from a frame that does not add up. */
static ReadResult
start_frame (McSaneBackend          *self,
             guint                   job,
             Frame                  *frame,
             const SANE_Parameters  *first_params,
             GError                **error)
{
  SANE_Status status = frame->first ? start_with_retries (self, job) : sane_start (self->handle);

  if (job_cancelled (self, job))
    return READ_CANCELLED;
  if (status == SANE_STATUS_NO_DOCS && frame->first)
    return READ_NO_DOCS;
  if (status != SANE_STATUS_GOOD)
    {
      mc_scan_error_set_from_sane (error, status, NULL);
      return READ_FAILED;
    }

  status = sane_get_parameters (self->handle, &frame->params);
  if (status != SANE_STATUS_GOOD)
    {
      mc_scan_error_set_from_sane (error, status, NULL);
      return READ_FAILED;
    }
  if (!mc_scanner_check_parameters (&frame->params, frame->first ? NULL : first_params, error))
    return READ_FAILED;

  switch (frame->params.format)
    {
    case SANE_FRAME_RED: frame->channel = 0; break;
    case SANE_FRAME_GREEN: frame->channel = 1; break;
    case SANE_FRAME_BLUE: frame->channel = 2; break;
    default: frame->channel = -1; break;
    }
  frame->line = g_realloc (frame->line, frame->params.bytes_per_line);
  frame->fill = 0;
  frame->row = 0;
  return READ_OK;
}

/* Sizes the page from its first frame, within the sanity limits. */
static gboolean
begin_page (McSaneBackend          *self,
            PageBuffer             *page,
            const SANE_Parameters  *params,
            double                  dpi,
            GError                **error)
{
  page->width = params->pixels_per_line;
  page->bands = (params->format == SANE_FRAME_GRAY) ? 1 : 3;
  page->max_rows = (int) (MAX (dpi, 75.0) * MAX_PAGE_LINES_MM / 25.4);
  page->max_rows = MIN (page->max_rows, MC_SCAN_MAX_LINES);
  page->max_rows = MIN (page->max_rows, (int) (MC_PAGE_IMAGE_MAX_PIXELS / (guint) page->width));
  if (!page_buffer_reserve (page, params->lines > 0 ? MIN (params->lines, page->max_rows) : 256))
    {
      mc_scan_error_set_from_sane (error, SANE_STATUS_NO_MEM, NULL);
      return FALSE;
    }
  g_mutex_lock (&self->handle_mutex);
  self->reading = TRUE;
  g_mutex_unlock (&self->handle_mutex);
  return TRUE;
}

/* Adds one chunk of a frame to the page; lines beyond the announced count
 * (the pnm backend sends them) make the page taller instead of
 * overflowing it. */
static void
add_chunk (PageBuffer   *page,
           Frame        *frame,
           const guchar *data,
           SANE_Int      len)
{
  const gsize bytes_per_line = (gsize) frame->params.bytes_per_line;

  for (SANE_Int off = 0; off < len; )
    {
      gsize take = MIN ((gsize) (len - off), bytes_per_line - frame->fill);

      memcpy (frame->line + frame->fill, data + off, take);
      frame->fill += take;
      off += (SANE_Int) take;
      if (frame->fill < bytes_per_line)
        continue;
      if (!page_buffer_reserve (page, frame->row + 1))
        break;    /* past the sanity limit: keep what we have */
      if (frame->channel >= 0 || frame->first)
        {
          guchar *out = page->pixels + (gsize) frame->row * page->width * page->bands;

          if (frame->first && frame->channel >= 0)
            memset (out, 0, (gsize) page->width * page->bands);
          mc_scanner_convert_line (frame->line, &frame->params, out, page->width, page->bands,
                                   frame->channel);
        }
      frame->row++;
      frame->fill = 0;
    }
  if (frame->first)
    page->rows = frame->row;
}

/* A page of unknown length says -1 each time lines have come: the clerk's
 * bar pulses, and the kiosk sees a scan that moves. */
static void
report_progress (McSaneBackend *self,
                 guint          job,
                 const Frame   *frame,
                 Progress      *last)
{
  gint64 now = g_get_monotonic_time ();
  int expected = frame->params.lines;
  double fraction = expected > 0 ? CLAMP ((double) frame->row / expected, 0.0, 1.0) : -1.0;
  Notify *n;

  if (now - last->time < PROGRESS_INTERVAL_US ||
      (fraction == last->fraction && (fraction >= 0 || frame->row == last->row)))
    return;
  n = mc_sane_notify_new (self, NOTIFY_PAGE_PROGRESS, job);
  n->progress = frame->params.format >= SANE_FRAME_RED && frame->params.format <= SANE_FRAME_BLUE
                ? (frame->channel + fraction) / 3.0 : fraction;
  mc_sane_post (self, n);
  last->time = now;
  last->fraction = fraction;
  last->row = frame->row;
}

/* Reads a started frame to its end. */
static ReadResult
read_frame (McSaneBackend  *self,
            guint           job,
            PageBuffer     *page,
            Frame          *frame,
            guchar         *buffer,
            gsize           buffer_size,
            Progress       *progress,
            GError        **error)
{
  for (;;)
    {
      SANE_Int len = 0;
      SANE_Status status;

      if (job_cancelled (self, job))
        return READ_CANCELLED;

      status = sane_read (self->handle, buffer, (SANE_Int) buffer_size, &len);
      /* A cancelled read may end in EOF: the page is cut short, not done. */
      if (job_cancelled (self, job))
        return READ_CANCELLED;
      if (status == SANE_STATUS_EOF)
        return READ_OK;
      if (status == SANE_STATUS_CANCELLED && job_cancelled (self, job))
        return READ_CANCELLED;
      if (status != SANE_STATUS_GOOD)
        {
          mc_scan_error_set_from_sane (error, status, NULL);
          return READ_FAILED;
        }
      add_chunk (page, frame, buffer, len);
      report_progress (self, job, frame, progress);
    }
}

static ReadResult
read_page (McSaneBackend  *self,
           guint           job,
           PageBuffer     *page,
           double          dpi,
           GError        **error)
{
  const gsize buffer_size = 64 * 1024;
  g_autofree guchar *buffer = g_malloc (buffer_size);
  Frame frame = { .first = TRUE, .channel = -1 };
  Progress progress = { .time = 0, .fraction = -2, .row = -1 };
  SANE_Parameters first_params = { 0 };
  ReadResult result = READ_OK;

  memset (page, 0, sizeof *page);
  for (;;)    /* frames: one, or three on a three-pass scanner */
    {
      if ((result = start_frame (self, job, &frame, &first_params, error)) != READ_OK)
        break;
      if (frame.first)
        {
          first_params = frame.params;
          if (!begin_page (self, page, &frame.params, dpi, error))
            {
              result = READ_FAILED;
              break;
            }
        }
      if ((result = read_frame (self, job, page, &frame, buffer, buffer_size, &progress, error)) != READ_OK)
        break;
      if (frame.first)
        page->rows = frame.row;
      frame.first = FALSE;
      if (frame.params.last_frame)
        break;
    }
  g_free (frame.line);
  if (result != READ_OK)
    return result;

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

void
mc_sane_writer_func (gpointer data,
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
      Notify *n = mc_sane_notify_new (self, NOTIFY_PAGE_DONE, wj->job);

      n->page = page;
      n->store = g_object_ref (wj->store);
      mc_sane_post (self, n);
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
                 guint          at_most)
{
  g_mutex_lock (&self->writer_mutex);
  while (self->writes_pending > at_most)
    g_cond_wait (&self->writer_cond, &self->writer_mutex);
  g_mutex_unlock (&self->writer_mutex);
}

/* ---- A job ---------------------------------------------------------------- */

static void
finish_job (McSaneBackend *self,
            guint          job,
            guint          n_pages,
            GError        *error)
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

  n = mc_sane_notify_new (self, error ? NOTIFY_JOB_FAILED : NOTIFY_JOB_FINISHED, job);
  n->error = error;
  n->index = n_pages;
  mc_sane_post (self, n);
}

static void
do_job (McSaneBackend    *self,
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

  if (!mc_sane_apply_settings (self->handle, self->handle_device, options, source, &dpi, saved, &error) ||
      !mc_sane_apply_faults (self->handle, options, 0, saved, &error))
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

      n = mc_sane_notify_new (self, NOTIFY_PAGE_STARTED, job);
      n->index = pages;
      mc_sane_post (self, n);

      result = read_page (self, job, &page, dpi, &error);
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
      if (!mc_sane_apply_faults (self->handle, options, pages, saved, &error))
        {
          sane_cancel (self->handle);
          finish_job (self, job, pages, error);
          return;
        }
    }

  finish_job (self, job, pages, NULL);
}

static void
do_job_and_reset (McSaneBackend    *self,
                  guint             job,
                  McScanJobOptions *options,
                  McPageStore      *store)
{
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func (g_free);

  self->reopen = FALSE;
  do_job (self, job, options, store, saved);
  mc_sane_restore_options (self->handle, saved);
  if (self->reopen)
    close_handle (self);
}

static void
request_free (Request *request)
{
  g_free (request->name);
  mc_scan_job_options_free (request->options);
  g_clear_object (&request->store);
  g_free (request);
}

/* SANE is started once per process and never ended: libsane's dll
 * backend does not survive sane_exit() followed by sane_init() in one
 * process (its next sane_get_devices() reads freed memory; seen as a
 * crash in the services test, where one program's scanner ends and the
 * next one starts). Handles are closed by their thread; what sane_exit()
 * would release besides goes with the process, as in Simple Scan. */
static SANE_Status
start_sane (void)
{
  static gsize started = 0;
  static SANE_Status status;

  if (g_once_init_enter (&started))
    {
      SANE_Int version = 0;

      status = sane_init (&version, NULL);
      if (status != SANE_STATUS_GOOD)
        g_warning ("sane_init failed: %s", sane_strstatus (status));
      g_once_init_leave (&started, 1);
    }
  return status;
}

gpointer
mc_sane_scanner_thread (gpointer data)
{
  McSaneBackend *self = data;

  start_sane ();

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

  return NULL;
}
