/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "mc-portal-error.h"

G_DEFINE_QUARK (mc-portal-error-quark, mc_portal_error)

gboolean
mc_portal_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != MC_PORTAL_ERROR)
    return FALSE;

  switch ((McPortalError) error->code)
    {
    case MC_PORTAL_ERROR_BUSY:
    case MC_PORTAL_ERROR_SERVER:
    case MC_PORTAL_ERROR_TIMEOUT:
    case MC_PORTAL_ERROR_UNREACHABLE:
    case MC_PORTAL_ERROR_RESET:
    case MC_PORTAL_ERROR_BAD_RESPONSE:
      return TRUE;
    case MC_PORTAL_ERROR_FAILED:
    case MC_PORTAL_ERROR_ENDPOINT:
    case MC_PORTAL_ERROR_INSECURE:
    case MC_PORTAL_ERROR_PACKAGE:
    case MC_PORTAL_ERROR_NO_TOKEN:
    case MC_PORTAL_ERROR_SECRET_SERVICE:
    case MC_PORTAL_ERROR_UNAUTHORIZED:
    case MC_PORTAL_ERROR_TOO_LARGE:
    case MC_PORTAL_ERROR_REJECTED:
    case MC_PORTAL_ERROR_TLS:
    case MC_PORTAL_ERROR_OUTBOX:
    case MC_PORTAL_ERROR_NOT_FOUND:
    case MC_PORTAL_ERROR_CANCELLED:
    default:
      return FALSE;
    }
}
