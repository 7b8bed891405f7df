/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-portal"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <curl/curl.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "mc-portal-client.h"
#include "mc-portal-client-private.h"
#include "mc-portal-error.h"
#include "mc-portal-package-private.h"

/* Answers are a few hundred bytes; anything far larger is not the portal
 * speaking the contract, and is not kept in memory. */
#define MAX_RESPONSE_BYTES (256 * 1024)
/* A portal asking to wait longer than a day is treated as asking a day. */
#define MAX_RETRY_AFTER_S  (24 * 3600)
#define MAX_TOKEN_LEN      4096
#define MAX_RECEIPT_LEN    128

struct _McPortalClient
{
  GObject         parent_instance;

  char           *endpoint;
  char           *host;       /* for messages */
  char           *token;
  McPortalConfig *config;
};

G_DEFINE_FINAL_TYPE (McPortalClient, mc_portal_client, G_TYPE_OBJECT)

void
mc_portal_receipt_free (McPortalReceipt *receipt)
{
  if (receipt == NULL)
    return;
  g_free (receipt->receipt);
  g_free (receipt->received_at);
  g_free (receipt);
}

void
mc_portal_status_free (McPortalStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->receipt);
  g_free (status->status);
  g_free (status->updated_at);
  g_free (status->message);
  g_free (status);
}

static void
mc_portal_client_finalize (GObject *object)
{
  McPortalClient *self = MC_PORTAL_CLIENT (object);

  /* The token leaves no copy behind in freed memory. */
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_free (self->endpoint);
  g_free (self->host);
  mc_portal_config_free (self->config);

  G_OBJECT_CLASS (mc_portal_client_parent_class)->finalize (object);
}

static void
mc_portal_client_class_init (McPortalClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_portal_client_finalize;
}

static void
mc_portal_client_init (McPortalClient *self)
{
}

/* libcurl's global state, once per process. The transfers never rely on
 * signals (CURLOPT_NOSIGNAL: they run on worker threads), so a peer that
 * closes a connection under a write must give EPIPE, not kill the
 * program: SIGPIPE is ignored unless the program already handles it. */
static gboolean
ensure_curl (GError **error)
{
  static gsize done = 0;
  static CURLcode result = CURLE_OK;

  if (g_once_init_enter (&done))
    {
      struct sigaction current;

      result = curl_global_init (CURL_GLOBAL_DEFAULT);
      if (sigaction (SIGPIPE, NULL, &current) == 0 && current.sa_handler == SIG_DFL)
        signal (SIGPIPE, SIG_IGN);
      g_once_init_leave (&done, 1);
    }
  if (result != CURLE_OK)
    {
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_FAILED,
                   _("The network library could not start: %s"), curl_easy_strerror (result));
      return FALSE;
    }
  return TRUE;
}

gboolean
mc_portal_token_is_valid (const char *token)
{
  gsize len;

  if (token == NULL)
    return FALSE;
  len = strlen (token);
  if (len == 0 || len > MAX_TOKEN_LEN)
    return FALSE;
  /* Header-safe: a CR or LF would let the token add headers of its own. */
  for (const char *p = token; *p; p++)
    if (*p < 0x21 || *p > 0x7e)
      return FALSE;
  return TRUE;
}

static char *
host_of (const char *endpoint)
{
  g_autoptr(GUri) uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL);

  return g_strdup (uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : endpoint);
}

McPortalClient *
mc_portal_client_new (const char            *endpoint,
                      const char            *token,
                      const McPortalConfig  *config,
                      GError               **error)
{
  g_autoptr(McPortalClient) self = NULL;
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  if (!ensure_curl (error))
    return NULL;
  if (!(normalized = mc_portal_endpoint_normalize (endpoint, error)))
    return NULL;
  if (!mc_portal_token_is_valid (token))
    {
      g_set_error_literal (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NO_TOKEN,
                           _("The portal access token is empty or contains spaces or special characters. Enter the token exactly as the province issued it."));
      return NULL;
    }

  self = g_object_new (MC_TYPE_PORTAL_CLIENT, NULL);
  self->endpoint = g_steal_pointer (&normalized);
  self->host = host_of (self->endpoint);
  self->token = g_strdup (token);
  self->config = mc_portal_config_copy (config);
  return g_steal_pointer (&self);
}

const char *
mc_portal_client_get_endpoint (McPortalClient *self)
{
  g_return_val_if_fail (MC_IS_PORTAL_CLIENT (self), NULL);
  return self->endpoint;
}

/* ---- One transfer ------------------------------------------------------ */

typedef struct {
  GCancellable         *cancellable;
  McPortalProgressFunc  progress;
  gpointer              progress_data;
  gint64                last_progress_us;

  /* “Stalled” is no byte moving either way for stall_us: the portal
   * stops reading the upload, or never answers it. libcurl's low-speed
   * limit averages over several seconds, so this is measured here. */
  gint64                stall_us;
  gint64                last_activity_us;
  curl_off_t            last_up;
  curl_off_t            last_down;
  gboolean              stalled;

  GByteArray           *body;
  gboolean              body_too_large;
  gint64                retry_after_us;

  /* Set by a part reader that found its file changed. */
  char                 *changed_file;
} Transfer;

typedef struct {
  Transfer           *transfer;
  const McPortalFile *file;
  int                 fd;
  guint64             offset;
  GChecksum          *checksum;
} PartReader;

static void
transfer_clear (Transfer *t)
{
  g_clear_pointer (&t->body, g_byte_array_unref);
  g_clear_pointer (&t->changed_file, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Transfer, transfer_clear)

static size_t
on_body (char   *data,
         size_t  size,
         size_t  nmemb,
         void   *user_data)
{
  Transfer *t = user_data;
  size_t n = size * nmemb;

  if (t->body->len + n > MAX_RESPONSE_BYTES)
    {
      t->body_too_large = TRUE;
      return 0;   /* CURLE_WRITE_ERROR */
    }
  g_byte_array_append (t->body, (const guint8 *) data, (guint) n);
  return n;
}

static gint64
parse_retry_after (const char *value)
{
  gint64 seconds = -1;
  guint64 n;

  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT32, &n, NULL))
    seconds = (gint64) n;
  else
    {
      /* The contract says seconds; HTTP also allows a date. */
      time_t when = curl_getdate (value, NULL);

      if (when != (time_t) -1)
        seconds = MAX ((gint64) when - (gint64) time (NULL), 0);
    }
  if (seconds < 0)
    return -1;
  return MIN (seconds, MAX_RETRY_AFTER_S) * G_USEC_PER_SEC;
}

gint64
mc_portal_reply_header (const char *data,
                        gsize       len,
                        gint64      retry_after_us)
{
  g_autofree char *line = g_strndup (data, len);
  char *colon;

  /* A new status line (after “100 Continue”) starts a new set of headers. */
  if (g_str_has_prefix (line, "HTTP/"))
    return -1;
  colon = strchr (line, ':');
  if (colon == NULL)
    return retry_after_us;
  *colon = '\0';
  if (g_ascii_strcasecmp (g_strstrip (line), "Retry-After") == 0)
    return parse_retry_after (g_strstrip (colon + 1));
  return retry_after_us;
}

static size_t
on_header (char   *data,
           size_t  size,
           size_t  nmemb,
           void   *user_data)
{
  Transfer *t = user_data;
  size_t n = size * nmemb;

  t->retry_after_us = mc_portal_reply_header (data, n, t->retry_after_us);
  return n;
}

static int
on_progress (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  Transfer *t = user_data;
  gint64 now;

  if (g_cancellable_is_cancelled (t->cancellable))
    return 1;   /* CURLE_ABORTED_BY_CALLBACK */

  now = g_get_monotonic_time ();
  if (ulnow != t->last_up || dlnow != t->last_down)
    {
      t->last_up = ulnow;
      t->last_down = dlnow;
      t->last_activity_us = now;
    }
  else if (now - t->last_activity_us >= t->stall_us)
    {
      t->stalled = TRUE;
      return 1;
    }
  if (t->progress != NULL && ultotal > 0 &&
      (now - t->last_progress_us >= G_USEC_PER_SEC / 10 || ulnow == ultotal))
    {
      t->last_progress_us = now;
      t->progress ((guint64) ulnow, (guint64) ultotal, t->progress_data);
    }
  return 0;
}

static size_t
on_part_read (char   *buffer,
              size_t  size,
              size_t  nitems,
              void   *arg)
{
  PartReader *r = arg;
  size_t want = size * nitems;
  guint64 left = r->file->size - r->offset;
  ssize_t n;

  if (g_cancellable_is_cancelled (r->transfer->cancellable))
    return CURL_READFUNC_ABORT;
  if (left == 0)
    return 0;

  want = (size_t) MIN ((guint64) want, left);
  do
    n = pread (r->fd, buffer, want, (off_t) r->offset);
  while (n < 0 && errno == EINTR);

  if (n <= 0)
    {
      /* Shorter than the manifest says: it changed since it was checked. */
      g_free (r->transfer->changed_file);
      r->transfer->changed_file = g_strdup (r->file->name);
      return CURL_READFUNC_ABORT;
    }

  g_checksum_update (r->checksum, (const guchar *) buffer, n);
  r->offset += (guint64) n;

  /* The last piece of the file is held back unless the whole file still
   * has the manifest's checksum: a part that changed after packaging
   * never reaches the portal complete, so it can never be filed. */
  if (r->offset == r->file->size &&
      !g_str_equal (g_checksum_get_string (r->checksum), r->file->sha256))
    {
      g_free (r->transfer->changed_file);
      r->transfer->changed_file = g_strdup (r->file->name);
      return CURL_READFUNC_ABORT;
    }
  return (size_t) n;
}

static int
on_part_seek (void       *arg,
              curl_off_t  offset,
              int         origin)
{
  PartReader *r = arg;

  /* libcurl rewinds a part only to send it again from the start. */
  if (origin != SEEK_SET || offset != 0)
    return CURL_SEEKFUNC_CANTSEEK;
  r->offset = 0;
  g_checksum_reset (r->checksum);
  return CURL_SEEKFUNC_OK;
}

/* The kernel's send buffer grows to megabytes on its own; what is in it
 * counts as sent for progress, and keeps flowing after a cancel. A
 * bounded buffer (512 KiB once the kernel doubles it) keeps the progress
 * bar honest and a cancel prompt on the wire, and still fills a
 * 50 Mbit/s link at 80 ms round trip. */
static int
on_socket (void          *user_data,
           curl_socket_t  fd,
           curlsocktype   purpose)
{
  int size = 256 * 1024;

  if (purpose == CURLSOCKTYPE_IPCXN)
    setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  return CURL_SOCKOPT_OK;
}

static void
wake_multi (GCancellable *cancellable,
            gpointer      multi)
{
  curl_multi_wakeup (multi);
}

/* Runs @easy on a multi handle so that a cancel from another thread
 * wakes the wait at once, instead of at libcurl's next progress call. */
static CURLcode
run_transfer (CURL         *easy,
              Transfer     *t)
{
  GCancellable *cancellable = t->cancellable;
  CURLM *multi = curl_multi_init ();
  CURLcode result = CURLE_OK;
  gulong handler = 0;
  int running = 1;

  if (multi == NULL)
    return CURLE_OUT_OF_MEMORY;
  if (curl_multi_add_handle (multi, easy) != CURLM_OK)
    {
      curl_multi_cleanup (multi);
      return CURLE_OUT_OF_MEMORY;
    }
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_multi), multi, NULL);

  while (running)
    {
      if (curl_multi_perform (multi, &running) != CURLM_OK)
        {
          result = CURLE_OUT_OF_MEMORY;
          break;
        }
      if (!running)
        break;
      if (g_cancellable_is_cancelled (cancellable))
        {
          result = CURLE_ABORTED_BY_CALLBACK;
          break;
        }
      /* Wake at least every 100 ms so the progress callback, which
       * measures stalls, runs on time even when nothing happens. */
      if (curl_multi_poll (multi, NULL, 0, 100, NULL) != CURLM_OK)
        {
          result = CURLE_OUT_OF_MEMORY;
          break;
        }
    }

  if (!running)
    {
      CURLMsg *msg;
      int left;

      while ((msg = curl_multi_info_read (multi, &left)) != NULL)
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy)
          result = msg->data.result;
    }

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  curl_multi_remove_handle (multi, easy);
  curl_multi_cleanup (multi);
  return result;
}

static void
set_curl_error (McPortalClient  *self,
                Transfer        *t,
                CURLcode         code,
                const char      *detail,
                GError         **error)
{
  g_debug ("transfer to %s failed: %s (%s)", self->host, curl_easy_strerror (code), detail);

  switch (code)
    {
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_READ_ERROR:
      if (t->stalled)
        g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_TIMEOUT,
                     _("The portal (%s) stopped responding during the upload. The network may be slow or the portal overloaded; try again later."),
                     self->host);
      else if (t->changed_file != NULL)
        g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_PACKAGE,
                     _("The file “%s” changed while it was being sent, so the upload was stopped before the portal received it whole. Package the visit again."),
                     t->changed_file);
      else if (g_cancellable_is_cancelled (t->cancellable))
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Sending was cancelled."));
      else
        g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_FAILED,
                     _("The upload stopped unexpectedly: %s"), curl_easy_strerror (code));
      return;

    case CURLE_WRITE_ERROR:
      if (t->body_too_large)
        {
          g_set_error_literal (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_BAD_RESPONSE,
                               _("The portal gave an answer Một Cửa does not understand (far too long). If this happens again, tell the ward’s IT contact."));
          return;
        }
      G_GNUC_FALLTHROUGH;
    case CURLE_OUT_OF_MEMORY:
    case CURLE_FAILED_INIT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_NOT_BUILT_IN:
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_FAILED,
                   _("The upload could not be made: %s"), curl_easy_strerror (code));
      return;

    case CURLE_OPERATION_TIMEDOUT:
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_TIMEOUT,
                   _("The portal (%s) did not answer in time. The network may be slow or the portal overloaded; try again later."),
                   self->host);
      return;

    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_UNREACHABLE,
                   _("The portal’s name (%s) cannot be found. Check that this computer is connected to the network."),
                   self->host);
      return;

    case CURLE_COULDNT_CONNECT:
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_UNREACHABLE,
                   _("Cannot connect to the portal (%s): it may be down, or this computer is off the network."),
                   self->host);
      return;

    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_RESET,
                   _("The connection to the portal (%s) was cut off before the filing was confirmed. Sending again is safe: the portal never files the same visit twice."),
                   self->host);
      return;

    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CIPHER:
    case CURLE_USE_SSL_FAILED:
      if (code == CURLE_SSL_CACERT_BADFILE && self->config->ca_file != NULL)
        g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_TLS,
                     _("The portal certificate file “%s” (setting “CA file”) cannot be read or holds no certificate, so nothing was sent. Ask the ward’s IT contact to check it."),
                     self->config->ca_file);
      else
        g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_TLS,
                     _("The portal’s security certificate (%s) could not be verified, so nothing was sent: the connection may not be the real portal. Ask the ward’s IT contact to check the portal address and the certificate setting (CA file)."),
                     self->host);
      return;

    default:
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_BAD_RESPONSE,
                   _("The exchange with the portal (%s) failed: %s. Try again later; if this repeats, tell the ward’s IT contact."),
                   self->host, curl_easy_strerror (code));
      return;
    }
}

static void
set_bad_response (GError     **error,
                  const char  *what)
{
  g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_BAD_RESPONSE,
               _("The portal gave an answer Một Cửa does not understand (%s). If this happens again, tell the ward’s IT contact."),
               what);
}

static JsonObject *
parse_answer (const guint8  *body,
              gsize          len,
              GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (len == 0 ||
      !g_utf8_validate ((const char *) body, len, NULL) ||
      !json_parser_load_from_data (parser, (const char *) body, len, NULL) ||
      !(root = json_parser_get_root (parser)) || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_bad_response (error, _("not a JSON object"));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static const char *
answer_string (JsonObject *obj,
               const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
is_valid_receipt (const char *receipt)
{
  gsize len;

  if (receipt == NULL)
    return FALSE;
  len = strlen (receipt);
  if (len == 0 || len > MAX_RECEIPT_LEN)
    return FALSE;
  for (const char *p = receipt; *p; p++)
    if (*p < 0x21 || *p > 0x7e)
      return FALSE;
  return TRUE;
}

static gboolean
is_valid_time (const char *text)
{
  g_autoptr(GDateTime) when = NULL;

  if (text == NULL)
    return FALSE;
  when = g_date_time_new_from_iso8601 (text, NULL);
  return when != NULL;
}

void
mc_portal_headers_wipe (struct curl_slist *headers)
{
  for (struct curl_slist *node = headers; node != NULL; node = node->next)
    if (node->data != NULL)
      explicit_bzero (node->data, strlen (node->data));
}

void
mc_portal_headers_free (struct curl_slist *headers)
{
  mc_portal_headers_wipe (headers);
  curl_slist_free_all (headers);
}

static struct curl_slist *
common_headers (McPortalClient *self)
{
  struct curl_slist *headers = NULL;
  g_autofree char *auth = g_strconcat ("Authorization: Bearer ", self->token, NULL);

  headers = curl_slist_append (headers, auth);
  headers = curl_slist_append (headers, "Accept: application/json");
  explicit_bzero (auth, strlen (auth));
  return headers;
}

/* The settings every request shares: the URL through libcurl's own parser
 * (checked again here), TLS verification, timeouts, no redirects. */
static CURL *
new_easy (McPortalClient  *self,
          const char      *url,
          Transfer        *t,
          char            *errbuf,
          GError         **error)
{
  g_autofree char *checked = NULL;
  g_autofree char *user_agent = NULL;
  g_autoptr(GUri) uri = NULL;
  CURL *easy;
  CURLcode rc = CURLE_OK;

  if (!(checked = mc_portal_endpoint_normalize (url, error)))
    return NULL;
  uri = g_uri_parse (checked, G_URI_FLAGS_NONE, NULL);

  easy = curl_easy_init ();
  if (easy == NULL)
    {
      g_set_error_literal (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_FAILED, _("Out of memory"));
      return NULL;
    }

  user_agent = g_strdup_printf ("motcua/%s", PACKAGE_VERSION);
  t->body = g_byte_array_new ();
  t->retry_after_us = -1;
  t->stall_us = (gint64) MAX (self->config->stall_timeout_s, 1) * G_USEC_PER_SEC;
  t->last_activity_us = g_get_monotonic_time ();
  errbuf[0] = '\0';

#define SET(opt, val) if (rc == CURLE_OK) rc = curl_easy_setopt (easy, opt, val)
  SET (CURLOPT_URL, checked);
  SET (CURLOPT_PROTOCOLS_STR, "https,http");
  SET (CURLOPT_REDIR_PROTOCOLS_STR, "https");
  SET (CURLOPT_FOLLOWLOCATION, 0L);
  SET (CURLOPT_NOSIGNAL, 1L);
  SET (CURLOPT_ERRORBUFFER, errbuf);
  SET (CURLOPT_USERAGENT, user_agent);
  SET (CURLOPT_SSL_VERIFYPEER, 1L);
  SET (CURLOPT_SSL_VERIFYHOST, 2L);
  SET (CURLOPT_SSLVERSION, (long) CURL_SSLVERSION_TLSv1_2);
  if (self->config->ca_file != NULL)
    SET (CURLOPT_CAINFO, self->config->ca_file);
  /* Plain http:// is only ever to this computer: never through a proxy,
   * which would carry the papers unprotected over the network. */
  if (uri != NULL && g_strcmp0 (g_uri_get_scheme (uri), "http") == 0)
    SET (CURLOPT_PROXY, "");
  SET (CURLOPT_CONNECTTIMEOUT, (long) MAX (self->config->connect_timeout_s, 1));
  SET (CURLOPT_TCP_KEEPALIVE, 1L);
  SET (CURLOPT_SOCKOPTFUNCTION, on_socket);
  SET (CURLOPT_WRITEFUNCTION, on_body);
  SET (CURLOPT_WRITEDATA, t);
  SET (CURLOPT_HEADERFUNCTION, on_header);
  SET (CURLOPT_HEADERDATA, t);
  SET (CURLOPT_NOPROGRESS, 0L);
  SET (CURLOPT_XFERINFOFUNCTION, on_progress);
  SET (CURLOPT_XFERINFODATA, t);
#undef SET

  if (rc != CURLE_OK)
    {
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_FAILED,
                   _("The upload could not be made: %s"), curl_easy_strerror (rc));
      curl_easy_cleanup (easy);
      return NULL;
    }
  return easy;
}

/* The answer to a submission: HTTP @status and its @body. */
McPortalReceipt *
mc_portal_reply_read_receipt (const char    *host,
                              long           status,
                              const guint8  *body,
                              gsize          len,
                              GError       **error)
{
  g_autoptr(JsonObject) answer = NULL;
  McPortalReceipt *receipt;
  const char *code, *received_at;

  if (status != 200 && status != 201)
    {
      mc_portal_set_http_error (host, body, len, status, error);
      return NULL;
    }
  if (!(answer = parse_answer (body, len, error)))
    return NULL;
  code = answer_string (answer, "receipt");
  received_at = answer_string (answer, "received_at");
  if (!is_valid_receipt (code))
    {
      set_bad_response (error, _("no valid receipt code"));
      return NULL;
    }
  if (!is_valid_time (received_at))
    {
      set_bad_response (error, _("no valid time of receipt"));
      return NULL;
    }
  receipt = g_new0 (McPortalReceipt, 1);
  receipt->receipt = g_strdup (code);
  receipt->received_at = g_strdup (received_at);
  receipt->http_status = (guint) status;
  return receipt;
}

/* The answer to a status request for @receipt. */
McPortalStatus *
mc_portal_reply_read_status (const char    *host,
                             const char    *receipt,
                             long           status,
                             const guint8  *body,
                             gsize          len,
                             GError       **error)
{
  g_autoptr(JsonObject) answer = NULL;
  McPortalStatus *result;
  const char *code, *state;

  if (status == 404)
    {
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NOT_FOUND,
                   _("The portal knows no filing with the receipt code “%s”."), receipt);
      return NULL;
    }
  if (status != 200)
    {
      mc_portal_set_http_error (host, body, len, status, error);
      return NULL;
    }
  if (!(answer = parse_answer (body, len, error)))
    return NULL;
  code = answer_string (answer, "receipt");
  state = answer_string (answer, "status");
  if (g_strcmp0 (code, receipt) != 0)
    {
      set_bad_response (error, _("the status of another filing"));
      return NULL;
    }
  if (state == NULL || *state == '\0')
    {
      set_bad_response (error, _("no status"));
      return NULL;
    }
  result = g_new0 (McPortalStatus, 1);
  result->receipt = g_strdup (code);
  result->status = g_strdup (state);
  result->updated_at = g_strdup (answer_string (answer, "updated_at"));
  result->message = g_strdup (answer_string (answer, "message"));
  return result;
}

McPortalReceipt *
mc_portal_client_submit (McPortalClient        *self,
                         McPortalPackage       *package,
                         McPortalProgressFunc   progress,
                         gpointer               user_data,
                         gint64                *retry_after_us,
                         GCancellable          *cancellable,
                         GError               **error)
{
  g_auto(Transfer) t = { .cancellable = cancellable, .progress = progress, .progress_data = user_data };
  g_autofree char *url = NULL;
  g_autofree char *key_header = NULL;
  g_autofree PartReader *readers = NULL;
  char errbuf[CURL_ERROR_SIZE];
  struct curl_slist *headers = NULL;
  curl_mime *mime = NULL;
  curl_mimepart *part;
  CURL *easy = NULL;
  CURLcode rc = CURLE_OK;
  long status = 0;
  guint n_files;
  GBytes *manifest;
  gsize manifest_len;
  const void *manifest_data;
  McPortalReceipt *receipt = NULL;

  g_return_val_if_fail (MC_IS_PORTAL_CLIENT (self), NULL);
  g_return_val_if_fail (package != NULL, NULL);

  if (retry_after_us != NULL)
    *retry_after_us = -1;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  url = g_strconcat (self->endpoint, "/submissions", NULL);
  if (!(easy = new_easy (self, url, &t, errbuf, error)))
    return NULL;

  n_files = mc_portal_package_get_n_files (package);
  readers = g_new0 (PartReader, n_files);
  mime = curl_mime_init (easy);

  manifest = mc_portal_package_get_manifest (package);
  manifest_data = g_bytes_get_data (manifest, &manifest_len);
  part = curl_mime_addpart (mime);
  if (rc == CURLE_OK) rc = curl_mime_name (part, "manifest");
  if (rc == CURLE_OK) rc = curl_mime_type (part, "application/json");
  if (rc == CURLE_OK) rc = curl_mime_data (part, manifest_data, manifest_len);

  for (guint i = 0; i < n_files && rc == CURLE_OK; i++)
    {
      const McPortalFile *file = mc_portal_package_get_file (package, i);

      readers[i].transfer = &t;
      readers[i].file = file;
      readers[i].fd = mc_portal_package_get_fd (package, i);
      readers[i].checksum = g_checksum_new (G_CHECKSUM_SHA256);

      part = curl_mime_addpart (mime);
      rc = curl_mime_name (part, "file");
      if (rc == CURLE_OK) rc = curl_mime_filename (part, file->name);
      if (rc == CURLE_OK) rc = curl_mime_type (part, file->media_type);
      if (rc == CURLE_OK) rc = curl_mime_data_cb (part, (curl_off_t) file->size,
                                                  on_part_read, on_part_seek, NULL, &readers[i]);
    }

  key_header = g_strconcat ("Idempotency-Key: ", mc_portal_package_get_visit_id (package), NULL);
  headers = common_headers (self);
  headers = curl_slist_append (headers, key_header);
  /* The body follows the headers at once: “Expect: 100-continue” would
   * add a round trip (or a second's wait) for nothing the contract uses. */
  headers = curl_slist_append (headers, "Expect:");
  if (headers == NULL)
    rc = CURLE_OUT_OF_MEMORY;

  if (rc == CURLE_OK) rc = curl_easy_setopt (easy, CURLOPT_MIMEPOST, mime);
  if (rc == CURLE_OK) rc = curl_easy_setopt (easy, CURLOPT_HTTPHEADER, headers);

  if (rc != CURLE_OK)
    g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_FAILED,
                 _("The upload could not be made: %s"), curl_easy_strerror (rc));
  else
    {
      g_debug ("sending visit %s (%u files, %" G_GUINT64_FORMAT " bytes) to %s",
               mc_portal_package_get_visit_id (package), n_files,
               mc_portal_package_get_total_size (package), self->host);
      rc = run_transfer (easy, &t);
      if (rc != CURLE_OK)
        set_curl_error (self, &t, rc, errbuf, error);
      else
        {
          curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &status);
          receipt = mc_portal_reply_read_receipt (self->host, status, t.body->data, t.body->len, error);
        }
    }

  if (receipt == NULL && retry_after_us != NULL)
    *retry_after_us = t.retry_after_us;

  curl_easy_cleanup (easy);
  curl_mime_free (mime);
  mc_portal_headers_free (headers);
  for (guint i = 0; i < n_files; i++)
    g_clear_pointer (&readers[i].checksum, g_checksum_free);
  return receipt;
}

McPortalStatus *
mc_portal_client_get_status (McPortalClient  *self,
                             const char      *receipt,
                             GCancellable    *cancellable,
                             GError         **error)
{
  g_auto(Transfer) t = { .cancellable = cancellable };
  g_autofree char *escaped = NULL, *url = NULL;
  char errbuf[CURL_ERROR_SIZE];
  struct curl_slist *headers = NULL;
  CURL *easy;
  CURLcode rc;
  long status = 0;
  McPortalStatus *result = NULL;

  g_return_val_if_fail (MC_IS_PORTAL_CLIENT (self), NULL);

  if (!is_valid_receipt (receipt))
    {
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NOT_FOUND,
                   _("“%s” is not a receipt code."), receipt ? receipt : "");
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  escaped = g_uri_escape_string (receipt, NULL, FALSE);
  url = g_strconcat (self->endpoint, "/submissions/", escaped, NULL);
  if (!(easy = new_easy (self, url, &t, errbuf, error)))
    return NULL;

  headers = common_headers (self);
  rc = curl_easy_setopt (easy, CURLOPT_HTTPHEADER, headers);
  if (rc == CURLE_OK)
    rc = run_transfer (easy, &t);

  if (rc != CURLE_OK)
    set_curl_error (self, &t, rc, errbuf, error);
  else
    {
      curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &status);
      result = mc_portal_reply_read_status (self->host, receipt, status, t.body->data, t.body->len, error);
    }

  curl_easy_cleanup (easy);
  mc_portal_headers_free (headers);
  return result;
}
