/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MC_SCAN_ERROR (mc_scan_error_quark ())

/* What went wrong, by what the clerk must do about it. */
typedef enum {
  MC_SCAN_ERROR_FEEDER_EMPTY,
  MC_SCAN_ERROR_JAMMED,
  MC_SCAN_ERROR_COVER_OPEN,
  MC_SCAN_ERROR_BUSY,
  MC_SCAN_ERROR_DISCONNECTED,     /* I/O error, unplugged, gone */
  MC_SCAN_ERROR_ACCESS_DENIED,
  MC_SCAN_ERROR_NO_MEMORY,
  MC_SCAN_ERROR_INVALID_OPTION,   /* the device refused a setting */
  MC_SCAN_ERROR_NO_DEVICE,        /* no such device, or none at all */
  MC_SCAN_ERROR_WARMING_UP,
  MC_SCAN_ERROR_LOCKED,
  MC_SCAN_ERROR_STORAGE,          /* the page could not be saved */
  MC_SCAN_ERROR_FAILED,
} McScanError;

GQuark   mc_scan_error_quark       (void);
gboolean mc_scan_error_set_from_sane (GError     **error,
                                      int          sane_status,
                                      const char  *device_label);

G_END_DECLS
