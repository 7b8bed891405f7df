/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-scan-backend.h"

G_BEGIN_DECLS

#define MC_TYPE_SCANNER (mc_scanner_get_type ())
G_DECLARE_FINAL_TYPE (McScanner, mc_scanner, MC, SCANNER, GObject)

/* The scanner service the UI and the tool use: it hands each request to
 * the backend of the chosen device (a watched folder "folder:DIR", else
 * SANE, whose calls all happen on one thread of its own) and passes the
 * backend's results on as its own signals, on the main context of the
 * thread that created the scanner (see mc-scan-backend.h):
 *
 *   devices-changed ()                       after mc_scanner_redetect()
 *   device-ready (McScanDevice*)             capabilities known
 *   device-failed (const char *name, GError*)
 *   page-started (guint job, guint index)
 *   page-progress (guint job, double fraction)   -1: length unknown
 *   page-done (guint job, McPage*)           saved, and appended to the store
 *   page-skipped (guint job, GError*)        a damaged file was put aside;
 *                                            the job goes on
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

/* Folders offered as devices ("folder:DIR") besides the SANE ones; NULL
 * or empty: none. A folder: device works whether listed or not. */
void          mc_scanner_set_folders    (McScanner        *self,
                                         const char * const *dirs);


G_END_DECLS
