/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <json-glib/json-glib.h>

#include "mc-test-portal.h"

#define MAX_HEADER_BYTES (64 * 1024)
#define MAX_BODY_BYTES   (64 * 1024 * 1024)
#define STALL_LIMIT_US   (30 * G_USEC_PER_SEC)

typedef struct {
  char *receipt;
  char *manifest_sha256;
  char *received_at;
} Filing;

struct _McTestPortal
{
  char            *token;
  GTlsCertificate *certificate;
  char            *endpoint;

  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  GSocketService  *service;

  GMutex           lock;
  GCond            cond;
  gboolean         ready;
  gboolean         shutting_down;
  GQueue           faults;         /* McFault * */
  GPtrArray       *requests;       /* McPortalRequest * */
  GHashTable      *filings;        /* key → Filing * */
  guint            n_repeats;
  guint            n_invalid;
  guint            n_active;
  guint            seq;
  gint64           stall_began_us;
};

void
mc_portal_request_free (McPortalRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->method);
  g_free (request->path);
  g_free (request->idempotency_key);
  g_free (request);
}

static void
filing_free (Filing *f)
{
  g_free (f->receipt);
  g_free (f->manifest_sha256);
  g_free (f->received_at);
  g_free (f);
}

/* ---- Wire helpers ------------------------------------------------------ */

typedef struct {
  McTestPortal    *self;
  GSocket         *socket;
  GInputStream    *in;
  GOutputStream   *out;
  GByteArray      *buf;       /* read but not yet used */
  McPortalRequest *request;   /* owned by self->requests */
  GHashTable      *headers;   /* lower-case name → value */
} Conn;

static gboolean
shutting_down (McTestPortal *self)
{
  gboolean stop;

  g_mutex_lock (&self->lock);
  stop = self->shutting_down;
  g_mutex_unlock (&self->lock);
  return stop;
}

/* Reads what is there (at most @max), waiting up to 100 ms at a time so
 * that a shutdown is seen; 0 on EOF, -1 on error. */
static gssize
read_some (Conn  *c,
           gsize  max)
{
  guint8 chunk[16384];
  gssize n;

  for (;;)
    {
      g_autoptr(GError) error = NULL;

      if (shutting_down (c->self))
        return -1;
      if (!g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (c->in)) &&
          !g_socket_condition_timed_wait (c->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, 100000, NULL, NULL))
        continue;
      n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (c->in), chunk,
                                                    MIN (max, sizeof chunk), NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_socket_condition_timed_wait (c->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, 100000, NULL, NULL);
          continue;
        }
      if (n > 0)
        g_byte_array_append (c->buf, chunk, (guint) n);
      return n;
    }
}

static void
note_body (Conn  *c,
           gsize  bytes,
           gboolean complete)
{
  g_mutex_lock (&c->self->lock);
  c->request->body_bytes = bytes;
  c->request->complete = complete;
  g_cond_broadcast (&c->self->cond);
  g_mutex_unlock (&c->self->lock);
}

static void
respond (Conn       *c,
         guint       status,
         int         retry_after,
         const char *body)
{
  g_autoptr(GString) head = g_string_new (NULL);
  const char *reason;

  switch (status)
    {
    case 200: reason = "OK"; break;
    case 201: reason = "Created"; break;
    case 400: reason = "Bad Request"; break;
    case 401: reason = "Unauthorized"; break;
    case 404: reason = "Not Found"; break;
    case 413: reason = "Payload Too Large"; break;
    case 422: reason = "Unprocessable Entity"; break;
    case 429: reason = "Too Many Requests"; break;
    case 500: reason = "Internal Server Error"; break;
    case 503: reason = "Service Unavailable"; break;
    default: reason = "Status"; break;
    }
  g_string_append_printf (head, "HTTP/1.1 %u %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n",
                          status, reason, strlen (body));
  if (retry_after >= 0)
    g_string_append_printf (head, "Retry-After: %d\r\n", retry_after);
  g_string_append (head, "\r\n");
  g_string_append (head, body);

  g_mutex_lock (&c->self->lock);
  c->request->status = status;
  g_cond_broadcast (&c->self->cond);
  g_mutex_unlock (&c->self->lock);

  g_output_stream_write_all (c->out, head->str, head->len, NULL, NULL, NULL);
  g_output_stream_flush (c->out, NULL, NULL);
}

static char *
error_body (const char *code,
            const char *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
respond_error (Conn       *c,
               guint       status,
               int         retry_after,
               const char *code,
               const char *message)
{
  g_autofree char *body = error_body (code, message);

  respond (c, status, retry_after, body);
}

/* Tells the peer nothing more: an RST, as a crashed proxy sends. */
static void
reset_connection (Conn *c)
{
  struct linger lg = { 1, 0 };

  setsockopt (g_socket_get_fd (c->socket), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  g_socket_close (c->socket, NULL);
}

/* Waits, doing nothing, until the client goes away, the portal shuts
 * down, or 30 s pass. With the whole request read, anything readable
 * means the client closed. */
static void
stall (Conn     *c,
       gboolean  watch_client)
{
  gint64 until = g_get_monotonic_time () + STALL_LIMIT_US;

  g_mutex_lock (&c->self->lock);
  c->self->stall_began_us = g_get_monotonic_time ();
  g_mutex_unlock (&c->self->lock);
  while (g_get_monotonic_time () < until && !shutting_down (c->self))
    {
      if (watch_client &&
          g_socket_condition_timed_wait (c->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, 50000, NULL, NULL))
        {
          guint8 byte;

          if (g_socket_receive (c->socket, (char *) &byte, 1, NULL, NULL) <= 0)
            return;
        }
      else if (!watch_client)
        g_usleep (50000);
    }
}

/* ---- Parsing ----------------------------------------------------------- */

static gssize
find (const guint8 *data,
      gsize         len,
      const char   *needle,
      gsize         from)
{
  gsize n = strlen (needle);

  for (gsize i = from; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return (gssize) i;
  return -1;
}

static GHashTable *
parse_headers (const char  *text,
               char       **first_line)
{
  GHashTable *headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);

  *first_line = g_strdup (lines[0]);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');

      if (colon == NULL)
        continue;
      *colon = '\0';
      g_hash_table_insert (headers, g_ascii_strdown (g_strstrip (lines[i]), -1), g_strdup (g_strstrip (colon + 1)));
    }
  return headers;
}

/* The value of @param in a header value such as
 * form-data; name="file"; filename="01-to-khai.pdf" */
static char *
header_param (const char *value,
              const char *param)
{
  g_auto(GStrv) parts = g_strsplit (value, ";", -1);

  for (guint i = 1; parts[i] != NULL; i++)
    {
      char *p = g_strstrip (parts[i]);
      gsize n = strlen (param);

      if (g_ascii_strncasecmp (p, param, n) == 0 && p[n] == '=')
        {
          char *v = p + n + 1;
          gsize len = strlen (v);

          if (len >= 2 && v[0] == '"' && v[len - 1] == '"')
            return g_strndup (v + 1, len - 2);
          return g_strdup (v);
        }
    }
  return NULL;
}

typedef struct {
  char         *name;
  char         *filename;
  char         *content_type;
  const guint8 *data;
  gsize         len;
} Part;

static void
part_free (Part *p)
{
  g_free (p->name);
  g_free (p->filename);
  g_free (p->content_type);
  g_free (p);
}

static GPtrArray *
parse_multipart (const guint8  *body,
                 gsize          len,
                 const char    *boundary,
                 char         **why)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) part_free);
  g_autofree char *first = g_strconcat ("--", boundary, "\r\n", NULL);
  g_autofree char *delim = g_strconcat ("\r\n--", boundary, NULL);
  gsize pos;

  if (len < strlen (first) || memcmp (body, first, strlen (first)) != 0)
    {
      *why = g_strdup ("the body does not start with the boundary");
      return NULL;
    }
  pos = strlen (first);

  for (;;)
    {
      gssize head_end = find (body, len, "\r\n\r\n", pos);
      gssize end;
      g_autofree char *head = NULL, *line = NULL;
      g_autoptr(GHashTable) headers = NULL;
      const char *disposition;
      Part *part;

      if (head_end < 0)
        {
          *why = g_strdup ("a part has no end of headers");
          return NULL;
        }
      /* parse_headers wants a first line: give it an empty one. */
      head = g_strconcat ("\r\n", (const char *) body + pos, NULL);
      head[head_end - pos + 2] = '\0';
      headers = parse_headers (head, &line);
      end = find (body, len, delim, (gsize) head_end + 4);
      if (end < 0)
        {
          *why = g_strdup ("a part is not closed by the boundary");
          return NULL;
        }

      disposition = g_hash_table_lookup (headers, "content-disposition");
      if (disposition == NULL || !g_str_has_prefix (disposition, "form-data"))
        {
          *why = g_strdup ("a part is not form-data");
          return NULL;
        }
      part = g_new0 (Part, 1);
      part->name = header_param (disposition, "name");
      part->filename = header_param (disposition, "filename");
      part->content_type = g_strdup (g_hash_table_lookup (headers, "content-type"));
      part->data = body + head_end + 4;
      part->len = (gsize) end - ((gsize) head_end + 4);
      g_ptr_array_add (parts, part);

      pos = (gsize) end + strlen (delim);
      if (pos + 2 <= len && memcmp (body + pos, "--", 2) == 0)
        break;
      if (pos + 2 > len || memcmp (body + pos, "\r\n", 2) != 0)
        {
          *why = g_strdup ("a boundary is followed by neither a part nor the end");
          return NULL;
        }
      pos += 2;
    }
  return g_steal_pointer (&parts);
}

/* Checks an upload as a strict portal would; NULL when it is right,
 * otherwise why not. On success @manifest_sha256 gets the manifest's
 * digest (what the key was filed with). */
static char *
check_upload (Conn        *c,
              const char  *key,
              const guint8 *body,
              gsize        len,
              char       **manifest_sha256)
{
  const char *type = g_hash_table_lookup (c->headers, "content-type");
  g_autofree char *boundary = NULL;
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Part *manifest = NULL;
  char *why = NULL;
  JsonObject *root;
  JsonArray *components;
  guint n_files = 0;

  if (type == NULL || !g_str_has_prefix (type, "multipart/form-data") ||
      !(boundary = header_param (type, "boundary")))
    return g_strdup ("the body is not multipart/form-data");
  if (!(parts = parse_multipart (body, len, boundary, &why)))
    return why;

  for (guint i = 0; i < parts->len; i++)
    {
      Part *p = g_ptr_array_index (parts, i);

      if (g_strcmp0 (p->name, "manifest") == 0)
        {
          if (manifest != NULL)
            return g_strdup ("two manifest parts");
          manifest = p;
        }
      else if (g_strcmp0 (p->name, "file") != 0)
        return g_strdup_printf ("a part named %s", p->name ? p->name : "(none)");
    }
  if (manifest == NULL)
    return g_strdup ("no manifest part");
  if (g_strcmp0 (manifest->content_type, "application/json") != 0)
    return g_strdup ("the manifest part is not application/json");
  if (!json_parser_load_from_data (parser, (const char *) manifest->data, (gssize) manifest->len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_strdup ("the manifest is not a JSON object");
  root = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (root, "visit_id", ""), key) != 0)
    return g_strdup ("the Idempotency-Key is not the manifest's visit_id");

  components = json_object_get_array_member (root, "components");
  for (guint i = 0; components != NULL && i < json_array_get_length (components); i++)
    {
      JsonArray *files = json_object_get_array_member (json_array_get_object_element (components, i), "files");

      for (guint f = 0; files != NULL && f < json_array_get_length (files); f++)
        {
          JsonObject *file = json_array_get_object_element (files, f);
          g_autofree char *expect = g_strdup_printf ("%" G_GINT64_FORMAT ":%s:%s",
                                                     json_object_get_int_member (file, "size"),
                                                     json_object_get_string_member (file, "sha256"),
                                                     json_object_get_string_member (file, "media_type"));

          g_hash_table_insert (listed, g_strdup (json_object_get_string_member (file, "name")), g_steal_pointer (&expect));
        }
    }

  for (guint i = 0; i < parts->len; i++)
    {
      Part *p = g_ptr_array_index (parts, i);
      g_autofree char *sha = NULL, *got = NULL;
      const char *expect;

      if (p == manifest)
        continue;
      n_files++;
      if (p->filename == NULL || !(expect = g_hash_table_lookup (listed, p->filename)))
        return g_strdup_printf ("a file part (%s) the manifest does not list", p->filename ? p->filename : "no filename");
      sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, p->data, p->len);
      got = g_strdup_printf ("%zu:%s:%s", p->len, sha, p->content_type ? p->content_type : "");
      if (!g_str_equal (got, expect))
        return g_strdup_printf ("the file %s differs from the manifest (%s, expected %s)", p->filename, got, expect);
    }
  if (n_files != g_hash_table_size (listed))
    return g_strdup_printf ("%u file parts for %u files listed", n_files, g_hash_table_size (listed));

  *manifest_sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, manifest->data, manifest->len);
  return NULL;
}

/* ---- Requests ---------------------------------------------------------- */

static char *
now_iso (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

/* Keeps the filing for @key (or finds the one kept), and says whether it
 * is new. NULL receipt: the key was used for other contents. */
static char *
file_it (McTestPortal *self,
         const char   *key,
         const char   *manifest_sha256,
         gboolean     *repeat,
         char        **received_at)
{
  Filing *f;
  char *receipt = NULL;

  g_mutex_lock (&self->lock);
  f = g_hash_table_lookup (self->filings, key);
  if (f == NULL)
    {
      f = g_new0 (Filing, 1);
      f->receipt = g_strdup_printf ("000.00.21.H33-%06u", ++self->seq);
      f->manifest_sha256 = g_strdup (manifest_sha256);
      f->received_at = now_iso ();
      g_hash_table_insert (self->filings, g_strdup (key), f);
      *repeat = FALSE;
    }
  else
    {
      *repeat = TRUE;
      self->n_repeats++;
    }
  if (g_str_equal (f->manifest_sha256, manifest_sha256))
    {
      receipt = g_strdup (f->receipt);
      *received_at = g_strdup (f->received_at);
    }
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return receipt;
}

static void
invalid (Conn       *c,
         const char *why)
{
  g_mutex_lock (&c->self->lock);
  c->self->n_invalid++;
  g_mutex_unlock (&c->self->lock);
  g_test_message ("test portal: refused an upload that breaks the contract: %s", why);
  respond_error (c, 400, -1, "bad_request", why);
}

static void
handle_status (Conn       *c,
               const char *path)
{
  const char *receipt = path + strlen ("/api/submissions/");
  g_autofree char *body = NULL;
  GHashTableIter iter;
  Filing *f;
  gboolean found = FALSE;

  g_mutex_lock (&c->self->lock);
  g_hash_table_iter_init (&iter, c->self->filings);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &f))
    if (g_str_equal (f->receipt, receipt))
      {
        body = g_strdup_printf ("{\"receipt\": \"%s\", \"status\": \"received\", \"updated_at\": \"%s\"}",
                                f->receipt, f->received_at);
        found = TRUE;
      }
  g_mutex_unlock (&c->self->lock);

  if (found)
    respond (c, 200, -1, body);
  else
    respond_error (c, 404, -1, "not_found", "no such filing");
}

/* The request line and headers; NULL when the client went away or sent
 * no request line. */
static GStrv
read_head (Conn  *c,
           gsize *body_start)
{
  g_autofree char *first = NULL, *head = NULL;
  g_auto(GStrv) words = NULL;
  gssize head_end;

  while ((head_end = find (c->buf->data, c->buf->len, "\r\n\r\n", 0)) < 0)
    if (c->buf->len > MAX_HEADER_BYTES || read_some (c, 16384) <= 0)
      return NULL;
  head = g_strndup ((const char *) c->buf->data, (gsize) head_end);
  c->headers = parse_headers (head, &first);
  *body_start = (gsize) head_end + 4;
  words = g_strsplit (first, " ", 3);
  if (g_strv_length (words) != 3)
    return NULL;
  return g_steal_pointer (&words);
}

/* The request, in the log tests read; a POST takes the next queued fault. */
static McFault
log_request (Conn       *c,
             GStrv       words,
             const char *key)
{
  McTestPortal *self = c->self;
  McFault fault = { MC_FAULT_NONE, 0, -1, 0 };

  c->request = g_new0 (McPortalRequest, 1);
  c->request->method = g_strdup (words[0]);
  c->request->path = g_strdup (words[1]);
  c->request->idempotency_key = g_strdup (key);
  c->request->at_us = g_get_monotonic_time ();

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->requests, c->request);
  if (g_str_equal (words[0], "POST") && !g_queue_is_empty (&self->faults))
    {
      McFault *queued = g_queue_pop_head (&self->faults);

      fault = *queued;
      g_free (queued);
    }
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return fault;
}

static gboolean
authorized (Conn *c)
{
  g_autofree char *expected = g_strconcat ("Bearer ", c->self->token, NULL);

  return g_strcmp0 (g_hash_table_lookup (c->headers, "authorization"), expected) == 0;
}

/* A status before the body is read ("too large"), then a lingering
 * close: read what the client still sends, so the kernel does not
 * answer it with a reset before it reads the status. */
static void
answer_early (Conn    *c,
              McFault  fault,
              gsize    body_start,
              guint64  length)
{
  gsize got = c->buf->len - body_start;

  respond_error (c, fault.status, fault.retry_after, "too_large", "the package is larger than the portal accepts");
  while (got < length)
    {
      gssize n = read_some (c, 16384);

      if (n <= 0)
        break;
      got += (gsize) n;
    }
  note_body (c, got, got >= length);
}

/* The body, as far as the fault lets it come; FALSE when the client went
 * away. */
static gboolean
read_body (Conn    *c,
           McFault  fault,
           gsize    body_start,
           guint64  length)
{
  while (c->buf->len - body_start < length)
    {
      gsize have = c->buf->len - body_start;
      gsize want = (gsize) length - have;

      if ((fault.kind == MC_FAULT_STALL_BODY || fault.kind == MC_FAULT_RESET_BODY) && have >= fault.after_bytes)
        break;
      if (fault.kind == MC_FAULT_SLOW_READ)
        {
          g_usleep (50000);
          want = MIN (want, 4096);
        }
      if ((fault.kind == MC_FAULT_STALL_BODY || fault.kind == MC_FAULT_RESET_BODY))
        want = MIN (want, fault.after_bytes - have);
      if (read_some (c, want) <= 0)
        {
          note_body (c, c->buf->len - body_start, FALSE);
          return FALSE;
        }
      note_body (c, c->buf->len - body_start, FALSE);
    }
  return TRUE;
}

/* A whole, authorised upload: checked, filed once per key, answered. */
static void
answer_upload (Conn       *c,
               McFault     fault,
               const char *key,
               gsize       body_start,
               guint64     length)
{
  g_autofree char *why = NULL, *manifest_sha = NULL, *receipt = NULL, *received_at = NULL, *body = NULL;
  gboolean repeat = FALSE;

  why = check_upload (c, key, c->buf->data + body_start, (gsize) length, &manifest_sha);
  if (why != NULL)
    {
      invalid (c, why);
      return;
    }
  receipt = file_it (c->self, key, manifest_sha, &repeat, &received_at);
  if (receipt == NULL)
    {
      respond_error (c, 422, -1, "idempotency_key_reused", "this key was used for another filing");
      return;
    }

  if (fault.kind == MC_FAULT_STALL_AFTER_FILING)
    {
      stall (c, TRUE);
      return;
    }
  if (fault.kind == MC_FAULT_BAD_JSON)
    {
      respond (c, 201, -1, "{\"receipt\": 42}");
      return;
    }
  body = g_strdup_printf ("{\"receipt\": \"%s\", \"received_at\": \"%s\"}", receipt, received_at);
  respond (c, repeat ? 200 : 201, -1, body);
}

static void
handle (Conn *c)
{
  g_auto(GStrv) words = NULL;
  const char *key, *length_text;
  McFault fault;
  guint64 length = 0;
  gsize body_start = 0;

  if ((words = read_head (c, &body_start)) == NULL)
    return;
  key = g_hash_table_lookup (c->headers, "idempotency-key");
  fault = log_request (c, words, key);

  if (g_str_equal (words[0], "GET") && g_str_has_prefix (words[1], "/api/submissions/"))
    {
      if (!authorized (c))
        respond_error (c, 401, -1, "unauthorized", "bad token");
      else
        handle_status (c, words[1]);
      return;
    }
  if (!g_str_equal (words[0], "POST") || !g_str_equal (words[1], "/api/submissions"))
    {
      respond_error (c, 404, -1, "not_found", "no such resource");
      return;
    }

  length_text = g_hash_table_lookup (c->headers, "content-length");
  if (length_text == NULL || !g_ascii_string_to_unsigned (length_text, 10, 0, MAX_BODY_BYTES, &length, NULL))
    {
      invalid (c, "no usable Content-Length");
      return;
    }
  if (fault.kind == MC_FAULT_EARLY_STATUS)
    {
      answer_early (c, fault, body_start, length);
      return;
    }
  if (!read_body (c, fault, body_start, length))
    return;

  if (fault.kind == MC_FAULT_STALL_BODY)
    {
      stall (c, FALSE);
      return;
    }
  if (fault.kind == MC_FAULT_RESET_BODY)
    {
      reset_connection (c);
      return;
    }
  note_body (c, (gsize) length, TRUE);

  if (fault.kind == MC_FAULT_STATUS)
    {
      respond_error (c, fault.status, fault.retry_after, fault.status == 401 ? "unauthorized" : "fault",
                     fault.status == 413 ? "Hồ sơ quá lớn" : "Lỗi do kiểm thử gây ra");
      return;
    }
  if (!authorized (c))
    {
      respond_error (c, 401, -1, "unauthorized", "Mã truy cập không hợp lệ");
      return;
    }
  if (key == NULL || !g_uuid_string_is_valid (key))
    {
      invalid (c, "no Idempotency-Key, or not a UUID");
      return;
    }
  answer_upload (c, fault, key, body_start, length);
}

/* Counted when accepted, on the service's thread, not when a worker
 * thread picks the connection up: a connection is never “not yet
 * started” while the portal looks idle or is being freed. Runs before
 * the class handler that hands the connection to a worker. */
static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  McTestPortal *self = user_data;

  g_mutex_lock (&self->lock);
  self->n_active++;
  g_mutex_unlock (&self->lock);
  return FALSE;
}

static gboolean
on_run (GThreadedSocketService *service,
        GSocketConnection      *connection,
        GObject                *source,
        gpointer                user_data)
{
  McTestPortal *self = user_data;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  GIOStream *stream = G_IO_STREAM (connection);
  Conn c = { self, g_socket_connection_get_socket (connection), NULL, NULL, buf, NULL, NULL };

  if (self->certificate != NULL)
    {
      g_autoptr(GError) error = NULL;

      tls = G_IO_STREAM (g_tls_server_connection_new (stream, self->certificate, &error));
      if (tls == NULL || !g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error))
        {
          /* The client refused the certificate: what a TLS test wants. */
          g_test_message ("test portal: TLS handshake ended: %s", error ? error->message : "?");
          goto out;
        }
      stream = tls;
    }
  c.in = g_io_stream_get_input_stream (stream);
  c.out = g_io_stream_get_output_stream (stream);

  handle (&c);
  if (!g_socket_is_closed (c.socket))
    g_io_stream_close (stream, NULL, NULL);

out:
  g_clear_pointer (&c.headers, g_hash_table_unref);
  g_mutex_lock (&self->lock);
  self->n_active--;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* ---- Life -------------------------------------------------------------- */

static gpointer
server_main (gpointer data)
{
  McTestPortal *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_main_context_push_thread_default (self->context);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  /* A small receive buffer keeps a client's upload in flight while the
   * portal reads slowly or stalls, as on a real network. */
  g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, 32 * 1024, NULL);
  g_socket_bind (socket, any_port, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  self->service = g_threaded_socket_service_new (16);
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  g_signal_connect (self->service, "run", G_CALLBACK (on_run), self);
  g_socket_listener_add_socket (G_SOCKET_LISTENER (self->service), socket, NULL, &error);
  g_assert_no_error (error);
  g_socket_service_start (self->service);

  g_mutex_lock (&self->lock);
  self->endpoint = g_strdup_printf ("%s://%s:%u/api", self->certificate ? "https" : "http",
                                    self->certificate ? "localhost" : "127.0.0.1",
                                    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  self->ready = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  g_main_loop_run (self->loop);

  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

McTestPortal *
mc_test_portal_new (const char      *token,
                    GTlsCertificate *certificate)
{
  McTestPortal *self = g_new0 (McTestPortal, 1);

  self->token = g_strdup (token);
  self->certificate = certificate ? g_object_ref (certificate) : NULL;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_portal_request_free);
  self->filings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) filing_free);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->faults);

  self->thread = g_thread_new ("test-portal", server_main, self);
  g_mutex_lock (&self->lock);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
  return self;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
mc_test_portal_free (McTestPortal *self)
{
  gint64 until;

  if (self == NULL)
    return;

  g_mutex_lock (&self->lock);
  self->shutting_down = TRUE;
  g_mutex_unlock (&self->lock);

  g_main_context_invoke (self->context, quit_loop, self->loop);
  g_thread_join (self->thread);

  /* Handlers see the flag within 100 ms. */
  until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  g_mutex_lock (&self->lock);
  while (self->n_active > 0)
    if (!g_cond_wait_until (&self->cond, &self->lock, until))
      break;
  g_assert_cmpuint (self->n_active, ==, 0);
  g_mutex_unlock (&self->lock);

  g_clear_object (&self->service);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_queue_clear_full (&self->faults, g_free);
  g_ptr_array_unref (self->requests);
  g_hash_table_unref (self->filings);
  g_clear_object (&self->certificate);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self->endpoint);
  g_free (self->token);
  g_free (self);
}

const char *
mc_test_portal_get_endpoint (McTestPortal *self)
{
  return self->endpoint;
}

void
mc_test_portal_push_fault (McTestPortal *self,
                           McFault       fault)
{
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->faults, g_memdup2 (&fault, sizeof fault));
  g_mutex_unlock (&self->lock);
}

guint
mc_test_portal_count_filings (McTestPortal *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = g_hash_table_size (self->filings);
  g_mutex_unlock (&self->lock);
  return n;
}

gint64
mc_test_portal_get_stall_began (McTestPortal *self)
{
  gint64 at;

  g_mutex_lock (&self->lock);
  at = self->stall_began_us;
  g_mutex_unlock (&self->lock);
  return at;
}

guint
mc_test_portal_count_repeats (McTestPortal *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->n_repeats;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
mc_test_portal_count_invalid (McTestPortal *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->n_invalid;
  g_mutex_unlock (&self->lock);
  return n;
}

GPtrArray *
mc_test_portal_get_requests (McTestPortal *self)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_portal_request_free);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->requests->len; i++)
    {
      McPortalRequest *r = g_ptr_array_index (self->requests, i);
      McPortalRequest *c = g_memdup2 (r, sizeof *r);

      c->method = g_strdup (r->method);
      c->path = g_strdup (r->path);
      c->idempotency_key = g_strdup (r->idempotency_key);
      g_ptr_array_add (copy, c);
    }
  g_mutex_unlock (&self->lock);
  return copy;
}

char *
mc_test_portal_dup_receipt (McTestPortal *self,
                            const char   *key)
{
  Filing *f;
  char *receipt;

  g_mutex_lock (&self->lock);
  f = g_hash_table_lookup (self->filings, key);
  receipt = f ? g_strdup (f->receipt) : NULL;
  g_mutex_unlock (&self->lock);
  return receipt;
}

typedef gboolean (*Condition) (McTestPortal *self, gsize n);

static gboolean
wait_for (McTestPortal *self,
          Condition     condition,
          gsize         n,
          guint         timeout_ms)
{
  /* The time is a guard against a hang, not a measure: stretched sixfold
   * for a loaded machine or the sanitizer build (a slow-read fault drains
   * what the sockets hold at 80 KB/s, and slower under load). */
  gint64 until = g_get_monotonic_time () + 6 * (gint64) timeout_ms * 1000;
  gboolean ok;

  g_mutex_lock (&self->lock);
  while (!(ok = condition (self, n)))
    if (!g_cond_wait_until (&self->cond, &self->lock, until))
      {
        ok = condition (self, n);
        break;
      }
  g_mutex_unlock (&self->lock);
  return ok;
}

static gboolean
has_requests (McTestPortal *self,
              gsize         n)
{
  return self->requests->len >= n;
}

static gboolean
has_body (McTestPortal *self,
          gsize         n)
{
  for (guint i = 0; i < self->requests->len; i++)
    if (((McPortalRequest *) g_ptr_array_index (self->requests, i))->body_bytes >= n)
      return TRUE;
  return FALSE;
}

static gboolean
has_filings (McTestPortal *self,
             gsize         n)
{
  return g_hash_table_size (self->filings) >= n;
}

static gboolean
is_idle (McTestPortal *self,
         gsize         n)
{
  return self->n_active == 0;
}

gboolean
mc_test_portal_wait_requests (McTestPortal *self,
                              guint         n,
                              guint         timeout_ms)
{
  return wait_for (self, has_requests, n, timeout_ms);
}

gboolean
mc_test_portal_wait_body (McTestPortal *self,
                          gsize         bytes,
                          guint         timeout_ms)
{
  return wait_for (self, has_body, bytes, timeout_ms);
}

gboolean
mc_test_portal_wait_filings (McTestPortal *self,
                             guint         n,
                             guint         timeout_ms)
{
  return wait_for (self, has_filings, n, timeout_ms);
}

gboolean
mc_test_portal_wait_idle (McTestPortal *self,
                          guint         timeout_ms)
{
  return wait_for (self, is_idle, 0, timeout_ms);
}
