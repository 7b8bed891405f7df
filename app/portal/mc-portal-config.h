/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How uploads to a portal behave: the settings' portal-* keys, or values
 * given on motcua-tool's command line. */
typedef struct {
  char  *ca_file;            /* PEM file of the CAs to trust instead of the system's; NULL: the system's */
  guint  connect_timeout_s;  /* to open the connection, TLS included */
  guint  stall_timeout_s;    /* an attempt with no byte moving for this long is given up */
  guint  max_attempts;       /* attempts of one foreground send (motcua-tool upload, outbox retry) */
  guint  retry_delay_ms;     /* the first wait between attempts; it doubles each time */
  guint  retry_max_delay_s;  /* the longest wait between attempts */
} McPortalConfig;

#define MC_PORTAL_DEFAULT_CONNECT_TIMEOUT_S 15
#define MC_PORTAL_DEFAULT_STALL_TIMEOUT_S   60
#define MC_PORTAL_DEFAULT_MAX_ATTEMPTS      5
#define MC_PORTAL_DEFAULT_RETRY_DELAY_MS    1000
#define MC_PORTAL_DEFAULT_RETRY_MAX_DELAY_S 600

McPortalConfig *mc_portal_config_new               (void);
McPortalConfig *mc_portal_config_new_from_settings (GSettings            *settings);
McPortalConfig *mc_portal_config_copy              (const McPortalConfig *config);
void            mc_portal_config_free              (McPortalConfig       *config);

/* How long to wait before the next attempt after @failures failed ones
 * (1 after the first): exponential backoff with jitter, never less than the
 * portal's Retry-After (@retry_after_us, -1 when it sent none). */
gint64          mc_portal_config_retry_delay_us    (const McPortalConfig *config,
                                                    guint                 failures,
                                                    gint64                retry_after_us);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (McPortalConfig, mc_portal_config_free)

/* Checks a portal API address and returns it normalised, without a
 * trailing slash. Only https:// is accepted, and plain http:// to this
 * computer itself (127.0.0.0/8, ::1, localhost), where tests run their
 * portal; no user name, password, query or fragment. Errors:
 * MC_PORTAL_ERROR_ENDPOINT, MC_PORTAL_ERROR_INSECURE. */
char           *mc_portal_endpoint_normalize       (const char           *endpoint,
                                                    GError              **error);
gboolean        mc_portal_host_is_loopback         (const char           *host);

G_END_DECLS
