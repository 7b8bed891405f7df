/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sane/sane.h>

#include "mc-sane-backend.h"

G_BEGIN_DECLS

/* What the SANE backend's two halves share: the object and its requests
 * (mc-sane-backend.c, main thread) and the scanner thread that answers
 * them (mc-sane-thread.c). */

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
  McSaneBackend *scanner;
  NotifyKind     kind;
  guint          job;
  GPtrArray     *devices;
  McScanDevice  *device;
  McPage        *page;
  McPageStore   *store;
  char          *name;
  GError        *error;
  double         progress;
  guint          index;
} Notify;

typedef struct {
  McSaneBackend *scanner;
  guint          job;
  McPageStore   *store;
  guchar        *pixels;
  int            width;
  int            height;
  int            bands;
  double         dpi;
  McScanMode     mode;
  McScanSource   source;
  McPageSide     side;
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

Notify   *mc_sane_notify_new     (McSaneBackend *self,
                                  NotifyKind     kind,
                                  guint          job);
void      mc_sane_post           (McSaneBackend *self,
                                  Notify        *n);
gpointer  mc_sane_scanner_thread (gpointer       data);
void      mc_sane_writer_func    (gpointer       data,
                                  gpointer       user_data);

G_END_DECLS
