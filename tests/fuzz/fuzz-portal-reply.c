/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: what a portal (or anything pretending to be one)
 * answers: the status line and headers (Retry-After), then the body, read
 * as the answer to a submission and to a status request.
 *
 * Input: an HTTP answer head, a blank line, the body. Without a status
 * line the status is 200. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mc-fuzz.h"
#include "mc-portal-client-private.h"
#include "mc-portal-error.h"

#define HOST "portal.example"

static void
check_error (const GError *error)
{
  /* A message for the clerk: UTF-8, one line, a sane length. */
  if (error == NULL || !g_utf8_validate (error->message, -1, NULL) ||
      strchr (error->message, '\n') != NULL || strlen (error->message) > 2000)
    __builtin_trap ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  const char *end = g_strstr_len (text, (gssize) size, "\r\n\r\n");
  gsize head_len = end ? (gsize) (end - text) : 0;
  const guint8 *body = end ? data + head_len + 4 : data;
  gsize body_len = size - (gsize) (body - data);
  gint64 retry_after_us = -1;
  long status = 200;
  g_autoptr(GError) error = NULL;
  g_autoptr(McPortalReceipt) receipt = NULL;
  g_autoptr(McPortalStatus) state = NULL;

  mc_fuzz_init ();

  for (gsize at = 0; at < head_len; )
    {
      const char *line = text + at;
      const char *eol = g_strstr_len (line, (gssize) (head_len - at), "\r\n");
      gsize len = eol ? (gsize) (eol - line) + 2 : head_len - at;

      if (g_str_has_prefix (line, "HTTP/") && len > 9)
        {
          const char *code = memchr (line, ' ', len);

          if (code != NULL && (gsize) (code - line) + 4 <= len &&
              g_ascii_isdigit (code[1]) && g_ascii_isdigit (code[2]) && g_ascii_isdigit (code[3]))
            status = (code[1] - '0') * 100 + (code[2] - '0') * 10 + (code[3] - '0');
        }
      retry_after_us = mc_portal_reply_header (line, len, retry_after_us);
      if (retry_after_us < -1 || retry_after_us > (gint64) 24 * 3600 * G_USEC_PER_SEC)
        __builtin_trap ();
      at += len;
    }

  receipt = mc_portal_reply_read_receipt (HOST, status, body, body_len, &error);
  if (receipt == NULL)
    check_error (error);
  else if (error != NULL || receipt->receipt == NULL || receipt->received_at == NULL)
    __builtin_trap ();
  g_clear_error (&error);

  state = mc_portal_reply_read_status (HOST, "MC-2026-000001", status, body, body_len, &error);
  if (state == NULL)
    check_error (error);
  else if (error != NULL || g_strcmp0 (state->receipt, "MC-2026-000001") != 0 || state->status == NULL)
    __builtin_trap ();
  return 0;
}
