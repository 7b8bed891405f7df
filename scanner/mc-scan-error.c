/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-scanner"

#include "config.h"

#include <glib/gi18n.h>
#include <sane/sane.h>

#include "mc-scan-error.h"

G_DEFINE_QUARK (mc-scan-error-quark, mc_scan_error)

/* Turns a SANE status into an error whose message tells the clerk what to
 * do next. Returns FALSE (and sets nothing) for SANE_STATUS_GOOD. */
gboolean
mc_scan_error_set_from_sane (GError     **error,
                             int          status,
                             const char  *label)
{
  McScanError code;
  const char *message;

  switch (status)
    {
    case SANE_STATUS_GOOD:
      return FALSE;
    case SANE_STATUS_NO_DOCS:
      code = MC_SCAN_ERROR_FEEDER_EMPTY;
      message = _("The feeder is empty. Put the papers in the feeder, face down, then scan again.");
      break;
    case SANE_STATUS_JAMMED:
      code = MC_SCAN_ERROR_JAMMED;
      message = _("Paper is jammed in the scanner. Open the feeder cover, remove the sheet, then scan again. Pages scanned before the jam are kept.");
      break;
    case SANE_STATUS_COVER_OPEN:
      code = MC_SCAN_ERROR_COVER_OPEN;
      message = _("The scanner cover is open. Close it, then scan again.");
      break;
    case SANE_STATUS_DEVICE_BUSY:
      code = MC_SCAN_ERROR_BUSY;
      message = _("The scanner is busy with another program or computer. Wait a moment, then scan again.");
      break;
    case SANE_STATUS_IO_ERROR:
      code = MC_SCAN_ERROR_DISCONNECTED;
      message = _("The scanner stopped answering. Check that it is switched on and its cable is plugged in, then scan again.");
      break;
    case SANE_STATUS_ACCESS_DENIED:
      code = MC_SCAN_ERROR_ACCESS_DENIED;
      message = _("This computer account may not use the scanner. Ask the IT staff to add it to the “scanner” group (and check the udev rules), then log in again.");
      break;
    case SANE_STATUS_NO_MEM:
      code = MC_SCAN_ERROR_NO_MEMORY;
      message = _("The scanner or this computer ran out of memory. Scan fewer pages at a time or a lower resolution.");
      break;
    case SANE_STATUS_INVAL:
    case SANE_STATUS_UNSUPPORTED:
      code = MC_SCAN_ERROR_INVALID_OPTION;
      message = _("The scanner does not accept these settings. Choose another paper source, size or resolution.");
      break;
    /* Newer SANE statuses, as numbers: Debian 12's headers predate them. */
    case 12:  /* SANE_STATUS_WARMING_UP */
      code = MC_SCAN_ERROR_WARMING_UP;
      message = _("The scanner lamp is warming up. Wait a few seconds, then scan again.");
      break;
    case 13:  /* SANE_STATUS_HW_LOCKED */
      code = MC_SCAN_ERROR_LOCKED;
      message = _("The scanner is locked for transport. Unlock it (a switch or lever on the scanner), then scan again.");
      break;
    default:
      code = MC_SCAN_ERROR_FAILED;
      message = _("The scanner reported a problem. Switch it off and on again, then scan again.");
      break;
    }

  if (label != NULL)
    g_set_error (error, MC_SCAN_ERROR, code, "%s (%s)", message, label);
  else
    g_set_error_literal (error, MC_SCAN_ERROR, code, message);
  return TRUE;
}
