/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-portal-config.h"
#include "mc-portal-package.h"

G_BEGIN_DECLS

/* The HTTP side of a province's portal API (docs/portal-api.md), one
 * request per call: POST {endpoint}/submissions and
 * GET {endpoint}/submissions/{receipt}. Retrying is the caller's (the
 * outbox's): mc_portal_error_is_transient() tells when to, and
 * mc_portal_config_retry_delay_us() how long to wait. Calls block: make
 * them from a worker thread. */

typedef struct {
  char  *receipt;       /* the portal's receipt code (mã hồ sơ) */
  char  *received_at;   /* ISO 8601, as the portal sent it */
  guint  http_status;   /* 201: filed now; 200: the portal already had this visit */
} McPortalReceipt;

typedef struct {
  char *receipt;
  char *status;         /* the portal's word for it: "received", "processing", … */
  char *updated_at;     /* ISO 8601, or NULL */
  char *message;        /* the portal's note, or NULL */
} McPortalStatus;

void mc_portal_receipt_free (McPortalReceipt *receipt);
void mc_portal_status_free  (McPortalStatus  *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McPortalReceipt, mc_portal_receipt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McPortalStatus, mc_portal_status_free)

/* Called on the sending thread as bytes go out (about ten times a
 * second at most, and once at the end). */
typedef void (*McPortalProgressFunc) (guint64  sent,
                                      guint64  total,
                                      gpointer user_data);

#define MC_TYPE_PORTAL_CLIENT (mc_portal_client_get_type ())
G_DECLARE_FINAL_TYPE (McPortalClient, mc_portal_client, MC, PORTAL_CLIENT, GObject)

/* @endpoint is checked with mc_portal_endpoint_normalize(); @token is the
 * bearer token (printable ASCII), kept only in memory. */
McPortalClient  *mc_portal_client_new          (const char             *endpoint,
                                                const char             *token,
                                                const McPortalConfig   *config,
                                                GError                **error);
const char      *mc_portal_client_get_endpoint (McPortalClient         *self);

/* One POST of @package, with its visit id as the Idempotency-Key. The
 * files are read again as they go out and the transfer is stopped before
 * its end if one no longer matches its checksum. On failure
 * @retry_after_us gets the portal's Retry-After (-1: none). Cancelling
 * @cancellable stops the transfer at once (G_IO_ERROR_CANCELLED). */
McPortalReceipt *mc_portal_client_submit       (McPortalClient         *self,
                                                McPortalPackage        *package,
                                                McPortalProgressFunc    progress,
                                                gpointer                user_data,
                                                gint64                 *retry_after_us,
                                                GCancellable           *cancellable,
                                                GError                **error);

McPortalStatus  *mc_portal_client_get_status   (McPortalClient         *self,
                                                const char             *receipt,
                                                GCancellable           *cancellable,
                                                GError                **error);

/* A token as it may be sent in a header: 1–4096 printable ASCII
 * characters, no spaces. */
gboolean         mc_portal_token_is_valid      (const char             *token);

G_END_DECLS
