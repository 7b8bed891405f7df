/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every way an upload to a portal can fail, one code per thing the clerk
 * (or the ward's IT contact) does about it. Messages are in the clerk's
 * language; a cancelled upload is G_IO_ERROR_CANCELLED. */
#define MC_PORTAL_ERROR (mc_portal_error_quark ())

typedef enum {
  MC_PORTAL_ERROR_FAILED,          /* unexpected: out of memory, libcurl refused a setting */
  MC_PORTAL_ERROR_ENDPOINT,        /* the address is not a portal URL */
  MC_PORTAL_ERROR_INSECURE,        /* plain http:// to another computer: never sent */
  MC_PORTAL_ERROR_PACKAGE,         /* the package is invalid or differs from its manifest: nothing sent */
  MC_PORTAL_ERROR_NO_TOKEN,        /* no access token is stored for the portal */
  MC_PORTAL_ERROR_SECRET_SERVICE,  /* the password store (Secret Service) is not available */
  MC_PORTAL_ERROR_UNAUTHORIZED,    /* 401 or 403: the token is wrong, expired or lacks rights */
  MC_PORTAL_ERROR_TOO_LARGE,       /* 413 */
  MC_PORTAL_ERROR_REJECTED,        /* any other 4xx (or a redirect): the portal refused the filing */
  MC_PORTAL_ERROR_BUSY,            /* 429: asked to wait */
  MC_PORTAL_ERROR_SERVER,          /* 5xx: the portal is down or failing */
  MC_PORTAL_ERROR_TIMEOUT,         /* no connection, or no progress, in time (or 408) */
  MC_PORTAL_ERROR_UNREACHABLE,     /* name unknown, connection refused, network down */
  MC_PORTAL_ERROR_RESET,           /* the connection was cut during the exchange */
  MC_PORTAL_ERROR_TLS,             /* the certificate could not be verified, or TLS failed */
  MC_PORTAL_ERROR_BAD_RESPONSE,    /* an answer outside the contract */
  MC_PORTAL_ERROR_OUTBOX,          /* the outbox file cannot be opened or written */
  MC_PORTAL_ERROR_NOT_FOUND,       /* no such outbox item, or the portal knows no such receipt */
  MC_PORTAL_ERROR_CANCELLED,       /* an outbox item the clerk stopped sending (calls say G_IO_ERROR_CANCELLED) */
} McPortalError;

GQuark   mc_portal_error_quark        (void);

/* TRUE when sending the same filing again later may succeed without anyone
 * changing anything: network faults, timeouts, 5xx, 429, odd answers. */
gboolean mc_portal_error_is_transient (const GError *error);

G_END_DECLS
