/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <curl/curl.h>
#include <glib.h>

G_BEGIN_DECLS

/* Overwrites the text of every header in @headers (libcurl's list holds
 * its own copies: the Authorization header carries the portal's token). */
void mc_portal_headers_wipe (struct curl_slist *headers);
/* Wipes, then frees the list. */
void mc_portal_headers_free (struct curl_slist *headers);

G_END_DECLS
