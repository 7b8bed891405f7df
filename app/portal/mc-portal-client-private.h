/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <curl/curl.h>
#include <glib.h>

#include "mc-portal-client.h"

G_BEGIN_DECLS

/* Overwrites the text of every header in @headers (libcurl's list holds
 * its own copies: the Authorization header carries the portal's token). */
void mc_portal_headers_wipe (struct curl_slist *headers);
/* Wipes, then frees the list. */
void mc_portal_headers_free (struct curl_slist *headers);
/* How the client reads what the portal answered, apart from the transfer
 * (for the fuzz targets). @host names the portal in messages. */

/* One header line as libcurl hands it over (CRLF included): the wait a
 * Retry-After asks for in µs (at most a day), -1 on a new status line,
 * else @retry_after_us unchanged. */
gint64           mc_portal_reply_header        (const char    *data,
                                                gsize          len,
                                                gint64         retry_after_us);
/* The answer to POST /submissions: HTTP @status and its body. */
McPortalReceipt *mc_portal_reply_read_receipt  (const char    *host,
                                                long           status,
                                                const guint8  *body,
                                                gsize          len,
                                                GError       **error);
/* The answer to GET /submissions/@receipt. */
McPortalStatus  *mc_portal_reply_read_status   (const char    *host,
                                                const char    *receipt,
                                                long           status,
                                                const guint8  *body,
                                                gsize          len,
                                                GError       **error);

/* The error for an HTTP status other than success, in a clerk's words,
 * with the portal's own message when it gave one. In
 * mc-portal-client-http.c. */
void             mc_portal_set_http_error      (const char    *host,
                                                const guint8  *body,
                                                gsize          len,
                                                long           status,
                                                GError       **error);

G_END_DECLS
