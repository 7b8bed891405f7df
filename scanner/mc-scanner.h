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
  char         *device;        /* SANE device name */
  McScanSource  source;
  double        dpi;           /* 0: the device's default */
  McScanMode    mode;
  McScanArea    area;
  guint         max_pages;     /* 0: flatbed 1, feeder until it is empty */
  char         *pnm_file;      /* the file a pnm: device "scans" */
  GPtrArray    *device_options;/* "name=value", set before the first page */
  GPtrArray    *faults;        /* McScanFault: set after a given page (training, tests) */
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
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McScanJobOptions, mc_scan_job_options_free)

#define MC_TYPE_SCANNER (mc_scanner_get_type ())
G_DECLARE_FINAL_TYPE (McScanner, mc_scanner, MC, SCANNER, GObject)

/* The scanner service: every SANE call happens on one thread of its own;
 * requests go in through these functions, results come back as signals on
 * the main context of the thread that created the scanner:
 *
 *   devices-changed ()                       after mc_scanner_redetect()
 *   device-ready (McScanDevice*)             capabilities known
 *   device-failed (const char *name, GError*)
 *   page-started (guint job, guint index)
 *   page-progress (guint job, double fraction)   -1: length unknown
 *   page-done (guint job, McPage*)           saved, and appended to the store
 *   job-finished (guint job, guint n_pages)
 *   job-failed (guint job, GError*, guint n_pages)  pages before it are kept
 *
 * A cancelled job ends with job-failed (G_IO_ERROR_CANCELLED); its late
 * progress is dropped, but a page that was complete is never lost. */

McScanner    *mc_scanner_new            (void);
void          mc_scanner_redetect       (McScanner        *self);
GPtrArray    *mc_scanner_get_devices    (McScanner        *self);
gboolean      mc_scanner_is_detecting   (McScanner        *self);
void          mc_scanner_open_device    (McScanner        *self,
                                         const char       *name);
McScanDevice *mc_scanner_get_open_device (McScanner       *self);
guint         mc_scanner_start          (McScanner        *self,
                                         const McScanJobOptions *options,
                                         McPageStore      *store);
void          mc_scanner_cancel         (McScanner        *self);
void          mc_scanner_close          (McScanner        *self);
gboolean      mc_scanner_is_busy        (McScanner        *self);
guint         mc_scanner_get_current_job (McScanner       *self);

G_END_DECLS
