/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-page-store.h"
#include "mc-scan-area.h"
#include "mc-scan-device.h"
#include "mc-scan-error.h"

G_BEGIN_DECLS

/* What to scan. Options a device lacks are left at its defaults (a source
 * it does not have is an error: the clerk asked for the feeder). */
typedef struct {
  char         *device;        /* SANE device name, or folder:DIR */
  McScanSource  source;
  double        dpi;           /* 0: the device's default */
  McScanMode    mode;
  McScanArea    area;
  guint         max_pages;     /* 0: flatbed 1, feeder until it is empty */
  char         *pnm_file;      /* the file a pnm: device "scans" */
  GPtrArray    *device_options;/* "name=value", set before the first page */
  GPtrArray    *faults;        /* McScanFault: set after a given page (training, tests) */
  gboolean      watch;         /* folder: keep taking files as they appear, until cancelled */
} McScanJobOptions;

typedef struct {
  guint  after_page;           /* 0: before the first page */
  char  *name;
  char  *value;
} McScanFault;

McScanJobOptions *mc_scan_job_options_new        (const char       *device);
McScanJobOptions *mc_scan_job_options_copy       (const McScanJobOptions *options);
void              mc_scan_job_options_free       (McScanJobOptions *options);
gboolean          mc_scan_job_options_add_option (McScanJobOptions *options,
                                                  const char       *name_value);
gboolean          mc_scan_job_options_add_fault  (McScanJobOptions *options,
                                                  guint             after_page,
                                                  const char       *name_value);
gboolean          mc_scan_split_name_value       (const char       *name_value,
                                                  char            **name,
                                                  char            **value);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McScanJobOptions, mc_scan_job_options_free)

#define MC_TYPE_SCAN_BACKEND (mc_scan_backend_get_type ())
G_DECLARE_INTERFACE (McScanBackend, mc_scan_backend, MC, SCAN_BACKEND, GObject)

/* A source of pages: SANE devices, a watched folder; later eSCL or WIA.
 * Requests go in through the functions below and return at once; results
 * come back as signals on the main context of the thread that made the
 * backend (never from a worker thread):
 *
 *   devices-changed ()                       after redetect()
 *   device-ready (McScanDevice*)             capabilities known
 *   device-failed (const char *name, GError*)
 *   page-started (guint job, guint index)
 *   page-progress (guint job, double fraction)   -1: length unknown
 *   page-done (guint job, McPage*)           saved, and appended to the store
 *   page-skipped (guint job, GError*)        one input could not become a
 *                                            page (a damaged file); the job
 *                                            goes on
 *   job-finished (guint job, guint n_pages)
 *   job-failed (guint job, GError*, guint n_pages)  pages before it are kept
 *
 * Errors are McScanError (or G_IO_ERROR_CANCELLED for a cancelled job);
 * a skipped input carries the error that explains it. A backend runs one
 * job at a time; the job number is the caller's. */
struct _McScanBackendInterface
{
  GTypeInterface parent_iface;

  gboolean    (*owns_device) (McScanBackend          *self,
                              const char             *name);
  void        (*redetect)    (McScanBackend          *self);
  GPtrArray * (*get_devices) (McScanBackend          *self);
  void        (*open_device) (McScanBackend          *self,
                              const char             *name);
  void        (*start)       (McScanBackend          *self,
                              guint                   job,
                              const McScanJobOptions *options,
                              McPageStore            *store);
  void        (*cancel)      (McScanBackend          *self,
                              guint                   job);
  void        (*close)       (McScanBackend          *self);
};

gboolean   mc_scan_backend_owns_device (McScanBackend          *self,
                                        const char             *name);
void       mc_scan_backend_redetect    (McScanBackend          *self);
GPtrArray *mc_scan_backend_get_devices (McScanBackend          *self);
void       mc_scan_backend_open_device (McScanBackend          *self,
                                        const char             *name);
void       mc_scan_backend_start       (McScanBackend          *self,
                                        guint                   job,
                                        const McScanJobOptions *options,
                                        McPageStore            *store);
void       mc_scan_backend_cancel      (McScanBackend          *self,
                                        guint                   job);
void       mc_scan_backend_close       (McScanBackend          *self);

G_END_DECLS
