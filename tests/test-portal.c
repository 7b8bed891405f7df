/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-portal-client.h"
#include "mc-portal-client-private.h"
#include "mc-portal-error.h"
#include "mc-portal-outbox.h"
#include "mc-portal-package.h"
#include "mc-test-package.h"
#include "mc-test-portal.h"
#include "mc-test-util.h"

/* The portal client, the package check and the outbox, against a portal
 * on loopback that this test starts (real HTTP, real TLS, real faults). */

#define TOKEN "test-token-5f2a9c"

static char *tmpdir;

static char *
tmp_path (const char *name)
{
  static guint n;
  g_autofree char *file = g_strdup_printf ("%u-%s", ++n, name);

  return g_build_filename (tmpdir, file, NULL);
}

static McPortalConfig *
fast_config (void)
{
  McPortalConfig *config = mc_portal_config_new ();

  config->retry_delay_ms = 50;
  config->retry_max_delay_s = 1;
  config->stall_timeout_s = 1;
  config->connect_timeout_s = 5;
  return config;
}

static McPortalClient *
new_client (McTestPortal *portal)
{
  g_autoptr(McPortalConfig) config = fast_config ();
  g_autoptr(GError) error = NULL;
  McPortalClient *client = mc_portal_client_new (mc_test_portal_get_endpoint (portal), TOKEN, config, &error);

  g_assert_no_error (error);
  return client;
}

static McPortalPackage *
load (const char *dir)
{
  g_autoptr(GError) error = NULL;
  McPortalPackage *package = mc_portal_package_load (dir, NULL, &error);

  g_assert_no_error (error);
  return package;
}

/* ---- Addresses --------------------------------------------------------- */

static void
test_endpoint (void)
{
  const struct {
    const char *url;
    const char *normalized;   /* NULL: refused */
    int         code;
  } cases[] = {
    { "https://dichvucong.example.gov.vn/api/", "https://dichvucong.example.gov.vn/api", 0 },
    { "https://dichvucong.example.gov.vn", "https://dichvucong.example.gov.vn", 0 },
    { "https://dichvucong.example.gov.vn:8443/a/b", "https://dichvucong.example.gov.vn:8443/a/b", 0 },
    { "http://127.0.0.1:8080/api", "http://127.0.0.1:8080/api", 0 },
    { "http://127.45.6.7/api", "http://127.45.6.7/api", 0 },
    { "http://[::1]:9000/", "http://[::1]:9000", 0 },
    { "http://localhost:9000/api", "http://localhost:9000/api", 0 },
    { "http://192.0.2.10/api", NULL, MC_PORTAL_ERROR_INSECURE },
    { "http://dichvucong.example.gov.vn/api", NULL, MC_PORTAL_ERROR_INSECURE },
    { "http://localhost.example.com/api", NULL, MC_PORTAL_ERROR_INSECURE },
    { "http://127.0.0.1.example.com/api", NULL, MC_PORTAL_ERROR_INSECURE },
    { "http://[::ffff:192.0.2.1]/api", NULL, MC_PORTAL_ERROR_INSECURE },
    { "http://10.0.0.1/api", NULL, MC_PORTAL_ERROR_INSECURE },
    { "", NULL, MC_PORTAL_ERROR_ENDPOINT },
    { "ftp://dichvucong.example.gov.vn/", NULL, MC_PORTAL_ERROR_ENDPOINT },
    { "dichvucong.example.gov.vn/api", NULL, MC_PORTAL_ERROR_ENDPOINT },
    { "https://user:secret@dichvucong.example.gov.vn/", NULL, MC_PORTAL_ERROR_ENDPOINT },
    { "https://dichvucong.example.gov.vn/api?token=x", NULL, MC_PORTAL_ERROR_ENDPOINT },
    { "https://dichvucong.example.gov.vn/api#x", NULL, MC_PORTAL_ERROR_ENDPOINT },
    { "https://dichvu cong.example.gov.vn/", NULL, MC_PORTAL_ERROR_ENDPOINT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *got = mc_portal_endpoint_normalize (cases[i].url, &error);

      g_test_message ("%s", cases[i].url);
      if (cases[i].normalized != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (got, ==, cases[i].normalized);
        }
      else
        {
          g_assert_null (got);
          g_assert_error (error, MC_PORTAL_ERROR, cases[i].code);
          if (*cases[i].url != '\0')
            g_assert_nonnull (strstr (error->message, cases[i].url));
        }
    }
}

static void
test_insecure_client (void)
{
  g_autoptr(McPortalConfig) config = mc_portal_config_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(McPortalClient) client = NULL;

  /* Refused before anything is opened: the check needs no network. */
  client = mc_portal_client_new ("http://192.0.2.10/api", TOKEN, config, &error);
  g_assert_null (client);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_INSECURE);
  g_assert_nonnull (strstr (error->message, "https://"));
  g_clear_error (&error);

  client = mc_portal_client_new ("https://portal.example.vn/api", "two words", config, &error);
  g_assert_null (client);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NO_TOKEN);
  g_clear_error (&error);

  client = mc_portal_client_new ("https://portal.example.vn/api", "line\r\nX-Evil: 1", config, &error);
  g_assert_null (client);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NO_TOKEN);
}

/* ---- Settings and backoff ---------------------------------------------- */

static void
test_config (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(McPortalConfig) defaults = mc_portal_config_new ();
  g_autoptr(McPortalConfig) from_settings = mc_portal_config_new_from_settings (settings);
  g_autoptr(McPortalConfig) changed = NULL;
  g_autofree char *endpoint = g_settings_get_string (settings, "portal-api-endpoint");

  /* The schema's defaults and the built-in ones agree. */
  g_assert_cmpstr (endpoint, ==, "");
  g_assert_null (from_settings->ca_file);
  g_assert_cmpuint (from_settings->connect_timeout_s, ==, defaults->connect_timeout_s);
  g_assert_cmpuint (from_settings->stall_timeout_s, ==, defaults->stall_timeout_s);
  g_assert_cmpuint (from_settings->max_attempts, ==, defaults->max_attempts);
  g_assert_cmpuint (from_settings->retry_delay_ms, ==, defaults->retry_delay_ms);
  g_assert_cmpuint (from_settings->retry_max_delay_s, ==, defaults->retry_max_delay_s);

  g_settings_set_string (settings, "portal-ca-file", "/etc/motcua/khanhhoa-ca.pem");
  g_settings_set_uint (settings, "portal-stall-timeout", 7);
  changed = mc_portal_config_new_from_settings (settings);
  g_assert_cmpstr (changed->ca_file, ==, "/etc/motcua/khanhhoa-ca.pem");
  g_assert_cmpuint (changed->stall_timeout_s, ==, 7);
  g_settings_reset (settings, "portal-ca-file");
  g_settings_reset (settings, "portal-stall-timeout");
}

static void
test_backoff (void)
{
  g_autoptr(McPortalConfig) config = mc_portal_config_new ();
  gboolean spread = FALSE;

  config->retry_delay_ms = 100;
  config->retry_max_delay_s = 2;

  for (guint failures = 1; failures <= 12; failures++)
    {
      gint64 full = MIN ((gint64) 100000 << (failures - 1), 2 * G_USEC_PER_SEC);
      gint64 first = -1;

      for (guint i = 0; i < 50; i++)
        {
          gint64 d = mc_portal_config_retry_delay_us (config, failures, -1);

          /* Exponential, capped, with jitter in the upper half. */
          g_assert_cmpint (d, >=, full / 2);
          g_assert_cmpint (d, <=, full);
          if (first < 0)
            first = d;
          else if (d != first)
            spread = TRUE;
        }
    }
  g_assert_true (spread);

  /* Retry-After is a floor, with at most a tenth (or a second) on top. */
  for (guint i = 0; i < 50; i++)
    {
      gint64 d = mc_portal_config_retry_delay_us (config, 1, 3 * G_USEC_PER_SEC);

      g_assert_cmpint (d, >=, 3 * G_USEC_PER_SEC);
      g_assert_cmpint (d, <=, 3 * G_USEC_PER_SEC + 300000);
    }
  g_assert_cmpint (mc_portal_config_retry_delay_us (config, 12, 0), >=, G_USEC_PER_SEC);
}

/* ---- Packages ---------------------------------------------------------- */

static void
test_package_ok (void)
{
  g_autofree char *visit = NULL;
  g_autofree char *dir = mc_test_make_package (tmpdir, 20000, &visit);
  g_autoptr(McPortalPackage) package = load (dir);
  const McPortalFile *pdf, *png;

  g_assert_cmpstr (mc_portal_package_get_visit_id (package), ==, visit);
  g_assert_cmpstr (mc_portal_package_get_procedure (package), ==, "1.001193");
  g_assert_cmpuint (mc_portal_package_get_n_files (package), ==, 2);
  pdf = mc_portal_package_get_file (package, 0);
  png = mc_portal_package_get_file (package, 1);
  g_assert_cmpstr (pdf->name, ==, "01-to-khai.pdf");
  g_assert_cmpstr (pdf->media_type, ==, "application/pdf");
  g_assert_cmpstr (pdf->component, ==, "to-khai");
  g_assert_cmpstr (png->name, ==, "02-giay-chung-sinh.png");
  g_assert_cmpuint (mc_portal_package_get_total_size (package), ==, pdf->size + png->size);
  g_assert_cmpuint (pdf->size, >, 10000);
}

/* Rewrites the manifest with @from replaced by @to (once). */
static void
edit_manifest (const char *dir,
               const char *from,
               const char *to)
{
  g_autofree char *path = g_build_filename (dir, "manifest.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) edited = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, from));
  edited = g_string_new (text);
  g_string_replace (edited, from, to, 1);
  mc_test_write_file (path, edited->str);
}

static void
expect_package_error (const char *dir,
                      const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(McPortalPackage) package = mc_portal_package_load (dir, NULL, &error);

  g_assert_null (package);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_PACKAGE);
  g_test_message ("%s", error->message);
  if (fragment != NULL)
    g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_package_bad (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL, *other = NULL, *missing = NULL;

  missing = tmp_path ("no-such-package");
  expect_package_error (missing, "does not exist");

  dir = mc_test_make_package (tmpdir, 2000, NULL);
  path = g_build_filename (dir, "manifest.json", NULL);
  g_assert_cmpint (g_unlink (path), ==, 0);
  expect_package_error (dir, "manifest.json");
  g_clear_pointer (&dir, g_free);

  /* Same size, one byte changed: only the checksum tells. */
  dir = mc_test_make_package (tmpdir, 2000, NULL);
  mc_test_package_tamper (dir, "02-giay-chung-sinh.png");
  expect_package_error (dir, "02-giay-chung-sinh.png");
  g_clear_pointer (&dir, g_free);

  dir = mc_test_make_package (tmpdir, 2000, NULL);
  g_clear_pointer (&path, g_free);
  path = g_build_filename (dir, "01-to-khai.pdf", NULL);
  mc_test_write_file (path, "%PDF-1.4 shorter");
  expect_package_error (dir, "01-to-khai.pdf");
  g_clear_pointer (&dir, g_free);

  dir = mc_test_make_package (tmpdir, 2000, NULL);
  g_clear_pointer (&path, g_free);
  path = g_build_filename (dir, "01-to-khai.pdf", NULL);
  g_assert_cmpint (g_unlink (path), ==, 0);
  expect_package_error (dir, "01-to-khai.pdf");
  g_clear_pointer (&dir, g_free);

  /* A symbolic link could send any file of the computer. */
  dir = mc_test_make_package (tmpdir, 2000, NULL);
  g_clear_pointer (&path, g_free);
  path = g_build_filename (dir, "01-to-khai.pdf", NULL);
  other = g_build_filename (tmpdir, "elsewhere.pdf", NULL);
  g_assert_cmpint (g_rename (path, other), ==, 0);
  g_assert_cmpint (symlink (other, path), ==, 0);
  expect_package_error (dir, "01-to-khai.pdf");
  g_clear_pointer (&dir, g_free);

  dir = mc_test_make_package (tmpdir, 2000, NULL);
  g_clear_pointer (&path, g_free);
  path = g_build_filename (dir, "03-ghi-chu.txt", NULL);
  mc_test_write_file (path, "not listed");
  expect_package_error (dir, "03-ghi-chu.txt");
  g_clear_pointer (&dir, g_free);

  dir = mc_test_make_package (tmpdir, 2000, NULL);
  /* Format 2 (the digitization records) is read; a newer one is not. */
  edit_manifest (dir, "\"format\" : 1", "\"format\" : 3");
  expect_package_error (dir, "format 3");
  g_clear_pointer (&dir, g_free);

  dir = mc_test_make_package (tmpdir, 2000, NULL);
  edit_manifest (dir, "\"01-to-khai.pdf\"", "\"../01-to-khai.pdf\"");
  expect_package_error (dir, "../01-to-khai.pdf");
  g_clear_pointer (&dir, g_free);

  dir = mc_test_make_package (tmpdir, 2000, NULL);
  edit_manifest (dir, "\"total_size\" : ", "\"total_size\" : 1");
  expect_package_error (dir, "total size");
  g_clear_pointer (&dir, g_free);

  dir = mc_test_make_package (tmpdir, 2000, NULL);
  edit_manifest (dir, "\"visit_id\" : \"", "\"visit_id\" : \"x");
  expect_package_error (dir, "UUID");
  g_clear_pointer (&dir, g_free);

  dir = mc_test_make_package (tmpdir, 2000, NULL);
  edit_manifest (dir, "\"image/png\"", "\"image/gif\"");
  expect_package_error (dir, "image/gif");
  g_clear_pointer (&dir, g_free);

  dir = mc_test_make_package (tmpdir, 2000, NULL);
  edit_manifest (dir, "\"size\" :", "\"bytes\" :");
  expect_package_error (dir, "size");
  g_clear_pointer (&dir, g_free);

  dir = mc_test_make_package (tmpdir, 2000, NULL);
  edit_manifest (dir, "{", "[");
  expect_package_error (dir, "JSON");
  g_clear_pointer (&dir, g_free);

  /* The optional component made required, with no file for it. */
  dir = mc_test_make_package (tmpdir, 2000, NULL);
  edit_manifest (dir, "\"required\" : false", "\"required\" : true");
  expect_package_error (dir, "Văn bản ủy quyền");
}

/* ---- Submit ------------------------------------------------------------ */

typedef struct {
  guint64 last_sent;
  guint64 last_total;
  guint   calls;
} Progress;

static void
on_progress (guint64  sent,
             guint64  total,
             gpointer user_data)
{
  Progress *p = user_data;

  g_assert_cmpuint (sent, <=, total);
  g_assert_cmpuint (sent, >=, p->last_sent);
  p->last_sent = sent;
  p->last_total = total;
  p->calls++;
}

static void
test_submit_ok (void)
{
  g_autoptr(McTestPortal) portal = mc_test_portal_new (TOKEN, NULL);
  g_autoptr(McPortalClient) client = new_client (portal);
  g_autofree char *visit = NULL;
  g_autofree char *dir = mc_test_make_package (tmpdir, 60000, &visit);
  g_autoptr(McPortalPackage) package = load (dir);
  g_autoptr(McPortalReceipt) receipt = NULL, again = NULL;
  g_autoptr(McPortalStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *server_receipt = NULL;
  Progress progress = { 0 };
  gint64 retry_after = 0;

  receipt = mc_portal_client_submit (client, package, on_progress, &progress, &retry_after, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (receipt);
  g_assert_cmpuint (receipt->http_status, ==, 201);
  server_receipt = mc_test_portal_dup_receipt (portal, visit);
  g_assert_cmpstr (receipt->receipt, ==, server_receipt);
  g_assert_nonnull (receipt->received_at);

  /* Progress counts the whole body (manifest, files, multipart framing). */
  g_assert_cmpuint (progress.calls, >=, 1);
  g_assert_cmpuint (progress.last_total, >, mc_portal_package_get_total_size (package));
  g_assert_cmpuint (progress.last_sent, ==, progress.last_total);

  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 1);
  g_assert_cmpuint (mc_test_portal_count_invalid (portal), ==, 0);
  requests = mc_test_portal_get_requests (portal);
  g_assert_cmpuint (requests->len, ==, 1);
  g_assert_cmpstr (((McPortalRequest *) requests->pdata[0])->idempotency_key, ==, visit);

  /* The same visit again: the portal answers 200 with the same receipt. */
  again = mc_portal_client_submit (client, package, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->http_status, ==, 200);
  g_assert_cmpstr (again->receipt, ==, receipt->receipt);
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 1);
  g_assert_cmpuint (mc_test_portal_count_repeats (portal), ==, 1);

  status = mc_portal_client_get_status (client, receipt->receipt, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status->receipt, ==, receipt->receipt);
  g_assert_cmpstr (status->status, ==, "received");

  g_clear_pointer (&status, mc_portal_status_free);
  status = mc_portal_client_get_status (client, "000.00.21.H33-999999", NULL, &error);
  g_assert_null (status);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A receipt cannot smuggle a path or a query into the request. */
  status = mc_portal_client_get_status (client, "../x?y", NULL, &error);
  g_assert_null (status);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NOT_FOUND);
}

typedef struct {
  const char *what;
  McFault     fault;
  int         code;
  gboolean    transient;
  gint64      retry_after_us;
  const char *fragment;
} FaultCase;

static void
test_submit_faults (void)
{
  g_autoptr(McTestPortal) portal = mc_test_portal_new (TOKEN, NULL);
  g_autoptr(McPortalClient) client = new_client (portal);
  g_autofree char *dir = mc_test_make_package (tmpdir, 200000, NULL);
  g_autoptr(McPortalPackage) package = load (dir);
  const FaultCase cases[] = {
    { "401", { MC_FAULT_STATUS, 401, -1, 0 }, MC_PORTAL_ERROR_UNAUTHORIZED, FALSE, -1, "token" },
    { "403", { MC_FAULT_STATUS, 403, -1, 0 }, MC_PORTAL_ERROR_UNAUTHORIZED, FALSE, -1, "token" },
    { "413 early", { MC_FAULT_EARLY_STATUS, 413, -1, 0 }, MC_PORTAL_ERROR_TOO_LARGE, FALSE, -1, "too large" },
    { "413", { MC_FAULT_STATUS, 413, -1, 0 }, MC_PORTAL_ERROR_TOO_LARGE, FALSE, -1, "too large" },
    { "422", { MC_FAULT_STATUS, 422, -1, 0 }, MC_PORTAL_ERROR_REJECTED, FALSE, -1, "Lỗi do kiểm thử gây ra" },
    { "404", { MC_FAULT_STATUS, 404, -1, 0 }, MC_PORTAL_ERROR_REJECTED, FALSE, -1, "404" },
    { "500", { MC_FAULT_STATUS, 500, -1, 0 }, MC_PORTAL_ERROR_SERVER, TRUE, -1, "500" },
    { "503", { MC_FAULT_STATUS, 503, 7, 0 }, MC_PORTAL_ERROR_SERVER, TRUE, 7 * G_USEC_PER_SEC, "503" },
    { "429", { MC_FAULT_STATUS, 429, 3, 0 }, MC_PORTAL_ERROR_BUSY, TRUE, 3 * G_USEC_PER_SEC, "busy" },
    { "408", { MC_FAULT_STATUS, 408, -1, 0 }, MC_PORTAL_ERROR_TIMEOUT, TRUE, -1, "in time" },
    { "bad json", { MC_FAULT_BAD_JSON, 0, -1, 0 }, MC_PORTAL_ERROR_BAD_RESPONSE, TRUE, -1, "receipt" },
    { "reset", { MC_FAULT_RESET_BODY, 0, -1, 100000 }, MC_PORTAL_ERROR_RESET, TRUE, -1, "cut off" },
    { "stall after filing", { MC_FAULT_STALL_AFTER_FILING, 0, -1, 0 }, MC_PORTAL_ERROR_TIMEOUT, TRUE, -1, "stopped responding" },
    { "stall mid-body", { MC_FAULT_STALL_BODY, 0, -1, 100000 }, MC_PORTAL_ERROR_TIMEOUT, TRUE, -1, "stopped responding" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(McPortalReceipt) receipt = NULL;
      gint64 retry_after = 0;
      gint64 start = g_get_monotonic_time ();

      g_test_message ("fault: %s", cases[i].what);
      mc_test_portal_push_fault (portal, cases[i].fault);
      receipt = mc_portal_client_submit (client, package, NULL, NULL, &retry_after, NULL, &error);
      g_assert_null (receipt);
      g_assert_error (error, MC_PORTAL_ERROR, cases[i].code);
      g_test_message ("  → %s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].fragment));
      g_assert_cmpint (mc_portal_error_is_transient (error), ==, cases[i].transient);
      g_assert_cmpint (retry_after, ==, cases[i].retry_after_us);
      if (cases[i].fault.kind == MC_FAULT_STALL_AFTER_FILING || cases[i].fault.kind == MC_FAULT_STALL_BODY)
        {
          gint64 now = g_get_monotonic_time ();
          gint64 began = mc_test_portal_get_stall_began (portal);

          /* Given up after the stall timeout (1 s), not libcurl's
           * several-second average. Counted from when the portal began
           * to stall: connecting, TLS and sending the package are slower
           * under load or ASan, and are no part of the stall. */
          g_test_message ("  given up %.1f s after the stall began, %.1f s after the start",
                          (now - began) / 1e6, (now - start) / 1e6);
          g_assert_cmpint (began, >, start);
          g_assert_cmpint (now - start, >=, G_USEC_PER_SEC);
          g_assert_cmpint (now - began, <, 4 * G_USEC_PER_SEC);
        }
    }
  /* A reset, a stall mid-body or a refusal files nothing; the stalled
   * answer and the bad JSON came after the portal kept the filing. */
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 1);
  g_assert_cmpuint (mc_test_portal_count_invalid (portal), ==, 0);
}

static void
test_wrong_token (void)
{
  g_autoptr(McTestPortal) portal = mc_test_portal_new ("the-right-token", NULL);
  g_autoptr(McPortalClient) client = new_client (portal);
  g_autofree char *dir = mc_test_make_package (tmpdir, 2000, NULL);
  g_autoptr(McPortalPackage) package = load (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(McPortalReceipt) receipt = NULL;

  receipt = mc_portal_client_submit (client, package, NULL, NULL, NULL, NULL, &error);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_UNAUTHORIZED);
  g_assert_false (mc_portal_error_is_transient (error));
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 0);
}

static void
test_unreachable (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(McPortalConfig) config = fast_config ();
  g_autoptr(McPortalClient) client = NULL;
  g_autoptr(McPortalReceipt) receipt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *dir = mc_test_make_package (tmpdir, 2000, NULL);
  g_autoptr(McPortalPackage) package = load (dir);

  /* A port that was free a moment ago and has nobody listening. */
  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  endpoint = g_strdup_printf ("http://127.0.0.1:%u/api", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  client = mc_portal_client_new (endpoint, TOKEN, config, &error);
  g_assert_no_error (error);
  receipt = mc_portal_client_submit (client, package, NULL, NULL, NULL, NULL, &error);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_UNREACHABLE);
  g_assert_true (mc_portal_error_is_transient (error));
}

typedef struct {
  McPortalClient  *client;
  McPortalPackage *package;
  Progress        *progress;
  GCancellable    *cancellable;
  GError          *error;
  McPortalReceipt *receipt;
  gint64           returned_at;
} SubmitThread;

static gpointer
submit_thread (gpointer data)
{
  SubmitThread *s = data;

  s->receipt = mc_portal_client_submit (s->client, s->package, on_progress, s->progress, NULL,
                                        s->cancellable, &s->error);
  s->returned_at = g_get_monotonic_time ();
  return NULL;
}

/* The clerk's Cancel comes from the main thread while the upload runs on
 * a worker: it must stop the transfer at once, not at libcurl's next
 * progress call or the stall timeout. */
static void
test_cancel (void)
{
  g_autoptr(McTestPortal) portal = mc_test_portal_new (TOKEN, NULL);
  g_autoptr(McPortalClient) client = NULL;
  g_autoptr(McPortalConfig) config = fast_config ();
  g_autofree char *dir = mc_test_make_package (tmpdir, 1000000, NULL);
  g_autoptr(McPortalPackage) package = load (dir);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Progress progress = { 0 };
  SubmitThread s = { NULL, package, &progress, cancellable, NULL, NULL, 0 };
  GThread *thread;
  gint64 cancelled_at;

  config->stall_timeout_s = 60;
  client = mc_portal_client_new (mc_test_portal_get_endpoint (portal), TOKEN, config, &error);
  g_assert_no_error (error);
  s.client = client;
  mc_test_portal_push_fault (portal, (McFault) { MC_FAULT_SLOW_READ, 0, -1, 0 });

  thread = g_thread_new ("submit", submit_thread, &s);
  /* Well into the upload, then a pause with nothing moving. */
  g_assert_true (mc_test_portal_wait_body (portal, 100000, 20000));
  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);

  g_assert_null (s.receipt);
  g_assert_error (s.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&s.error);
  g_assert_cmpuint (progress.calls, >, 0);
  g_assert_cmpuint (progress.last_sent, <, progress.last_total);
  g_test_message ("cancel took %.1f ms", (s.returned_at - cancelled_at) / 1000.0);
  /* Far below the 60 s stall timeout, the only other way out; generous
   * for a loaded machine. */
  g_assert_cmpint (s.returned_at - cancelled_at, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 0);
}

/* A file changed between the check and the send never reaches the
 * portal whole. */
static void
test_changed_while_sending (void)
{
  g_autoptr(McTestPortal) portal = mc_test_portal_new (TOKEN, NULL);
  g_autoptr(McPortalClient) client = new_client (portal);
  g_autofree char *dir = mc_test_make_package (tmpdir, 100000, NULL);
  g_autoptr(McPortalPackage) package = load (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(McPortalReceipt) receipt = NULL;
  g_autoptr(GPtrArray) requests = NULL;

  mc_test_package_tamper (dir, "02-giay-chung-sinh.png");
  receipt = mc_portal_client_submit (client, package, NULL, NULL, NULL, NULL, &error);
  g_assert_null (receipt);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_PACKAGE);
  g_assert_nonnull (strstr (error->message, "02-giay-chung-sinh.png"));

  g_assert_true (mc_test_portal_wait_idle (portal, 5000));
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 0);
  g_assert_cmpuint (mc_test_portal_count_invalid (portal), ==, 0);
  /* The portal may not even have parsed the request when the client
   * resets the connection (a loaded machine); what matters is that no
   * request reached it whole. */
  requests = mc_test_portal_get_requests (portal);
  g_assert_cmpuint (requests->len, <=, 1);
  for (guint i = 0; i < requests->len; i++)
    g_assert_false (((McPortalRequest *) requests->pdata[i])->complete);
}

/* ---- TLS --------------------------------------------------------------- */

/* A self-signed certificate for localhost and 127.0.0.1, made now. */
static GTlsCertificate *
make_certificate (const char *cn,
                  char      **cert_path)
{
  g_autofree char *key = tmp_path ("key.pem");
  g_autofree char *subject = g_strdup_printf ("/CN=%s", cn);
  g_autofree char *san = g_strdup_printf ("subjectAltName=DNS:%s,IP:127.0.0.1", cn);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  GTlsCertificate *certificate;

  *cert_path = tmp_path ("cert.pem");
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                           "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                           "-nodes", "-days", "2", "-subj", subject, "-addext", san,
                           "-keyout", key, "-out", *cert_path, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (proc, NULL, &error));
  g_assert_no_error (error);

  certificate = g_tls_certificate_new_from_files (*cert_path, key, &error);
  g_assert_no_error (error);
  return certificate;
}

static void
test_tls (void)
{
  g_autofree char *cert_path = NULL, *other_path = NULL;
  g_autoptr(GTlsCertificate) certificate = make_certificate ("localhost", &cert_path);
  g_autoptr(GTlsCertificate) other = make_certificate ("portal.example.vn", &other_path);
  g_autoptr(McTestPortal) portal = mc_test_portal_new (TOKEN, certificate);
  g_autoptr(McTestPortal) misnamed = mc_test_portal_new (TOKEN, other);
  g_autoptr(McPortalConfig) config = fast_config ();
  g_autofree char *dir = mc_test_make_package (tmpdir, 20000, NULL);
  g_autoptr(McPortalPackage) package = load (dir);
  g_autofree char *missing = tmp_path ("no-such-ca.pem");

  /* Nothing here is about stalls: a TLS handshake in the sanitizer build on
   * a loaded machine can sit silent for more than fast_config's second
   * (seen: "stopped responding" instead of the certificate error); the
   * handshake counts in the connect timeout too (seen at load 25: "did
   * not answer in time"). */
  config->stall_timeout_s = 60;
  config->connect_timeout_s = 60;

  g_assert_true (g_str_has_prefix (mc_test_portal_get_endpoint (portal), "https://localhost:"));

  /* Not signed by a CA the system trusts: refused, nothing sent, no retry. */
  {
    g_autoptr(McPortalClient) client = mc_portal_client_new (mc_test_portal_get_endpoint (portal), TOKEN, config, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(McPortalReceipt) receipt = mc_portal_client_submit (client, package, NULL, NULL, NULL, NULL, &error);

    g_assert_null (receipt);
    g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_TLS);
    g_assert_false (mc_portal_error_is_transient (error));
    g_assert_nonnull (strstr (error->message, "certificate"));
  }

  /* The province's CA file, as the setting gives it. */
  {
    g_autoptr(McPortalClient) client = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(McPortalReceipt) receipt = NULL;

    config->ca_file = g_strdup (cert_path);
    client = mc_portal_client_new (mc_test_portal_get_endpoint (portal), TOKEN, config, NULL);
    receipt = mc_portal_client_submit (client, package, NULL, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (receipt->http_status, ==, 201);
  }

  /* A trusted certificate for another name is still refused. */
  {
    g_autoptr(McPortalClient) client = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(McPortalReceipt) receipt = NULL;

    g_free (config->ca_file);
    config->ca_file = g_strdup (other_path);
    client = mc_portal_client_new (mc_test_portal_get_endpoint (misnamed), TOKEN, config, NULL);
    receipt = mc_portal_client_submit (client, package, NULL, NULL, NULL, NULL, &error);
    g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_TLS);
  }

  /* A CA file that is not there says so. */
  {
    g_autoptr(McPortalClient) client = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(McPortalReceipt) receipt = NULL;

    g_free (config->ca_file);
    config->ca_file = g_strdup (missing);
    client = mc_portal_client_new (mc_test_portal_get_endpoint (portal), TOKEN, config, NULL);
    receipt = mc_portal_client_submit (client, package, NULL, NULL, NULL, NULL, &error);
    g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_TLS);
    g_assert_nonnull (strstr (error->message, missing));
  }

  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 1);
  g_assert_cmpuint (mc_test_portal_count_filings (misnamed), ==, 0);
}

/* ---- Outbox ------------------------------------------------------------ */

typedef struct {
  GMainLoop *loop;
  guint      n_sent;
  guint      n_failed;
  guint      n_changed;
  guint      n_progress;
  gint64     last_id;
  char      *receipt;
  char      *message;
  int        code;
  McPortalOutbox *cancel_outbox;
} Signals;

static void
signals_clear (Signals *s)
{
  g_clear_pointer (&s->loop, g_main_loop_unref);
  g_clear_pointer (&s->receipt, g_free);
  g_clear_pointer (&s->message, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Signals, signals_clear)

/* The test's own thread: every outbox here is made on it. */
static GThread *owner_thread;

static void
on_sent (McPortalOutbox *outbox,
         gint64          id,
         const char     *visit_id,
         const char     *receipt,
         const char     *received_at,
         Signals        *s)
{
  /* On the thread that made the outbox (at once when it sends itself),
   * never on the sender's. */
  g_assert_true (g_thread_self () == owner_thread);
  s->n_sent++;
  s->last_id = id;
  g_free (s->receipt);
  s->receipt = g_strdup (receipt);
  g_assert_nonnull (received_at);
  if (s->loop != NULL)
    g_main_loop_quit (s->loop);
}

static void
on_failed (McPortalOutbox *outbox,
           gint64          id,
           const char     *visit_id,
           const char     *message,
           int             code,
           Signals        *s)
{
  s->n_failed++;
  s->last_id = id;
  s->code = code;
  g_free (s->message);
  s->message = g_strdup (message);
  if (s->loop != NULL)
    g_main_loop_quit (s->loop);
}

static void
on_changed (McPortalOutbox *outbox,
            gint64          id,
            Signals        *s)
{
  s->n_changed++;
}

static void
on_outbox_progress (McPortalOutbox *outbox,
                    gint64          id,
                    guint64         sent,
                    guint64         total,
                    Signals        *s)
{
  s->n_progress++;
  if (s->cancel_outbox != NULL && sent > 0)
    {
      g_assert_true (mc_portal_outbox_cancel (s->cancel_outbox, id));
      s->cancel_outbox = NULL;
    }
}

static McPortalOutbox *
new_outbox (const char *path,
            Signals    *s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(McPortalConfig) config = fast_config ();
  McPortalOutbox *outbox = mc_portal_outbox_new (path, &error);

  g_assert_no_error (error);
  /* The slow-reading portal moves data in bursts as the socket buffers
   * drain: far from a stall. */
  config->stall_timeout_s = 30;
  mc_portal_outbox_set_config (outbox, config);
  mc_portal_outbox_set_token (outbox, TOKEN);
  if (s != NULL)
    {
      g_signal_connect (outbox, "item-sent", G_CALLBACK (on_sent), s);
      g_signal_connect (outbox, "item-failed", G_CALLBACK (on_failed), s);
      g_signal_connect (outbox, "item-changed", G_CALLBACK (on_changed), s);
      g_signal_connect (outbox, "progress", G_CALLBACK (on_outbox_progress), s);
    }
  return outbox;
}

static void
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
quit_on_timeout (gpointer data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

static void
run_until_signal (Signals *s,
                  guint    seconds)
{
  guint timeout = g_timeout_add_seconds (mc_test_guard_seconds (seconds), quit_on_timeout, NULL);

  s->loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (s->loop);
  g_clear_pointer (&s->loop, g_main_loop_unref);
  g_source_remove (timeout);
}

static McOutboxItem *
enqueue (McPortalOutbox *outbox,
         const char     *dir,
         McTestPortal   *portal)
{
  g_autoptr(GError) error = NULL;
  McOutboxItem *item = mc_portal_outbox_enqueue (outbox, dir, mc_test_portal_get_endpoint (portal), NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (item);
  return item;
}

static void
test_outbox_file (void)
{
  g_autofree char *path = tmp_path ("outbox.sqlite");
  g_autofree char *other = tmp_path ("other.sqlite");
  g_autofree char *text = tmp_path ("text.sqlite");
  g_autoptr(McPortalOutbox) outbox = new_outbox (path, NULL);
  g_autoptr(McPortalOutbox) refused = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  /* WAL, full sync, private. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  /* Another program's database, or no database: left untouched. */
  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  refused = mc_portal_outbox_new (other, &error);
  g_assert_null (refused);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_OUTBOX);
  g_assert_nonnull (strstr (error->message, "not a Một Cửa outbox"));
  g_clear_error (&error);

  mc_test_write_file (text, "not a database at all, but long enough to be read as one by SQLite");
  refused = mc_portal_outbox_new (text, &error);
  g_assert_null (refused);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_OUTBOX);
}

static void
test_outbox_send_retry (void)
{
  g_autoptr(McTestPortal) portal = mc_test_portal_new (TOKEN, NULL);
  g_autofree char *path = tmp_path ("outbox.sqlite");
  g_auto(Signals) s = { 0 };
  g_autoptr(McPortalOutbox) outbox = new_outbox (path, &s);
  g_autofree char *visit = NULL;
  g_autofree char *dir = mc_test_make_package (tmpdir, 30000, &visit);
  g_autoptr(McOutboxItem) queued = enqueue (outbox, dir, portal);
  g_autoptr(McOutboxItem) item = NULL, again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *server_receipt = NULL;

  g_assert_cmpint (queued->state, ==, MC_OUTBOX_QUEUED);
  g_assert_cmpstr (queued->visit_id, ==, visit);
  g_assert_cmpuint (queued->attempts, ==, 0);

  /* 500, then 503: both retried, with the same key; then filed once. */
  mc_test_portal_push_fault (portal, (McFault) { MC_FAULT_STATUS, 500, -1, 0 });
  mc_test_portal_push_fault (portal, (McFault) { MC_FAULT_STATUS, 503, -1, 0 });
  item = mc_portal_outbox_send (outbox, queued->id, 5, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (item->state, ==, MC_OUTBOX_SENT);
  g_assert_cmpuint (item->attempts, ==, 3);
  g_assert_cmpuint (item->http_status, ==, 201);
  server_receipt = mc_test_portal_dup_receipt (portal, visit);
  g_assert_cmpstr (item->receipt, ==, server_receipt);
  g_assert_null (item->last_error);
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 1);
  g_assert_cmpuint (mc_test_portal_count_invalid (portal), ==, 0);

  drain_main_context ();
  g_assert_cmpuint (s.n_sent, ==, 1);
  g_assert_cmpstr (s.receipt, ==, server_receipt);
  g_assert_cmpuint (s.n_failed, ==, 0);
  g_assert_cmpuint (s.n_progress, >, 0);

  /* The same visit again: nothing is sent, the receipt is there. */
  again = enqueue (outbox, dir, portal);
  g_assert_cmpint (again->state, ==, MC_OUTBOX_SENT);
  g_assert_cmpstr (again->receipt, ==, server_receipt);
  list = mc_portal_outbox_list (outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  {
    g_autoptr(GPtrArray) requests = mc_test_portal_get_requests (portal);

    g_assert_cmpuint (requests->len, ==, 3);
    for (guint i = 0; i < requests->len; i++)
      g_assert_cmpstr (((McPortalRequest *) requests->pdata[i])->idempotency_key, ==, visit);
  }
}

static void
test_outbox_gives_up_for_now (void)
{
  g_autoptr(McTestPortal) portal = mc_test_portal_new (TOKEN, NULL);
  g_autofree char *path = tmp_path ("outbox.sqlite");
  g_autoptr(McPortalOutbox) outbox = new_outbox (path, NULL);
  g_autofree char *dir = mc_test_make_package (tmpdir, 2000, NULL);
  g_autoptr(McOutboxItem) queued = enqueue (outbox, dir, portal);
  g_autoptr(McOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;

  mc_test_portal_push_fault (portal, (McFault) { MC_FAULT_STATUS, 502, -1, 0 });
  mc_test_portal_push_fault (portal, (McFault) { MC_FAULT_STATUS, 502, -1, 0 });
  item = mc_portal_outbox_send (outbox, queued->id, 2, NULL, &error);
  g_assert_no_error (error);
  /* Still queued, with why and when next. */
  g_assert_cmpint (item->state, ==, MC_OUTBOX_QUEUED);
  g_assert_cmpuint (item->attempts, ==, 2);
  g_assert_cmpint (item->error_code, ==, MC_PORTAL_ERROR_SERVER);
  g_assert_nonnull (strstr (item->last_error, "502"));
  g_assert_cmpint (item->next_attempt_us, >, item->updated_us);
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 0);
}

static void
test_outbox_worker (void)
{
  g_autoptr(McTestPortal) portal = mc_test_portal_new (TOKEN, NULL);
  g_autofree char *path = tmp_path ("outbox.sqlite");
  g_auto(Signals) s = { 0 };
  g_autoptr(McPortalOutbox) outbox = new_outbox (path, &s);
  g_autofree char *visit = NULL;
  g_autofree char *dir = mc_test_make_package (tmpdir, 20000, &visit);
  g_autoptr(McOutboxItem) queued = NULL;
  g_autoptr(McOutboxItem) item = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GError) error = NULL;
  McPortalRequest *first, *second;

  /* 429 with Retry-After: 1 → the next attempt no sooner than a second. */
  mc_test_portal_push_fault (portal, (McFault) { MC_FAULT_STATUS, 429, 1, 0 });
  mc_portal_outbox_start (outbox);
  queued = enqueue (outbox, dir, portal);
  run_until_signal (&s, 30);
  mc_portal_outbox_stop (outbox);

  g_assert_cmpuint (s.n_sent, ==, 1);
  g_assert_cmpint (s.last_id, ==, queued->id);
  item = mc_portal_outbox_lookup (outbox, queued->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (item->state, ==, MC_OUTBOX_SENT);
  g_assert_cmpstr (item->receipt, ==, s.receipt);

  requests = mc_test_portal_get_requests (portal);
  g_assert_cmpuint (requests->len, ==, 2);
  first = requests->pdata[0];
  second = requests->pdata[1];
  g_assert_cmpuint (first->status, ==, 429);
  g_assert_cmpuint (second->status, ==, 201);
  g_test_message ("second attempt %.2f s after the 429", (second->at_us - first->at_us) / 1e6);
  g_assert_cmpint (second->at_us - first->at_us, >=, G_USEC_PER_SEC);
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 1);
}

static void
test_outbox_permanent (void)
{
  g_autoptr(McTestPortal) portal = mc_test_portal_new (TOKEN, NULL);
  g_autofree char *path = tmp_path ("outbox.sqlite");
  g_auto(Signals) s = { 0 };
  g_autoptr(McPortalOutbox) outbox = new_outbox (path, &s);
  g_autofree char *dir = mc_test_make_package (tmpdir, 20000, NULL);
  g_autoptr(McOutboxItem) queued = NULL;
  g_autoptr(McOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;

  mc_test_portal_push_fault (portal, (McFault) { MC_FAULT_EARLY_STATUS, 413, -1, 0 });
  mc_portal_outbox_start (outbox);
  queued = enqueue (outbox, dir, portal);
  run_until_signal (&s, 30);

  /* Refused for good: one request, no retry, the reason kept. */
  g_assert_cmpuint (s.n_failed, ==, 1);
  g_assert_cmpint (s.code, ==, MC_PORTAL_ERROR_TOO_LARGE);
  item = mc_portal_outbox_lookup (outbox, queued->id, &error);
  g_assert_cmpint (item->state, ==, MC_OUTBOX_FAILED);
  g_assert_cmpint (item->error_code, ==, MC_PORTAL_ERROR_TOO_LARGE);
  g_assert_cmpstr (item->last_error, ==, s.message);
  g_assert_true (mc_test_portal_wait_idle (portal, 5000));
  {
    g_autoptr(GPtrArray) requests = mc_test_portal_get_requests (portal);

    g_assert_cmpuint (requests->len, ==, 1);
  }

  /* The clerk makes the files smaller (here: the portal relents) and retries. */
  g_assert_cmpuint (mc_portal_outbox_retry (outbox, queued->id, &error), ==, 1);
  g_assert_no_error (error);
  run_until_signal (&s, 30);
  mc_portal_outbox_stop (outbox);
  g_assert_cmpuint (s.n_sent, ==, 1);
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 1);

  /* Nothing to retry on a sent item; an unknown one says so. */
  g_assert_cmpuint (mc_portal_outbox_retry (outbox, queued->id, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (mc_portal_outbox_retry (outbox, 9999, &error), ==, 0);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NOT_FOUND);
}

static void
test_outbox_cancel (void)
{
  g_autoptr(McTestPortal) portal = mc_test_portal_new (TOKEN, NULL);
  g_autofree char *path = tmp_path ("outbox.sqlite");
  g_auto(Signals) s = { 0 };
  g_autoptr(McPortalOutbox) outbox = new_outbox (path, &s);
  g_autofree char *dir = mc_test_make_package (tmpdir, 600000, NULL);
  g_autoptr(McOutboxItem) queued = NULL;
  g_autoptr(McOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;

  mc_test_portal_push_fault (portal, (McFault) { MC_FAULT_SLOW_READ, 0, -1, 0 });
  s.cancel_outbox = outbox;
  mc_portal_outbox_start (outbox);
  queued = enqueue (outbox, dir, portal);
  run_until_signal (&s, 30);

  g_assert_cmpuint (s.n_failed, ==, 1);
  g_assert_cmpint (s.code, ==, MC_PORTAL_ERROR_CANCELLED);
  item = mc_portal_outbox_lookup (outbox, queued->id, &error);
  g_assert_cmpint (item->state, ==, MC_OUTBOX_FAILED);
  g_assert_false (mc_portal_outbox_cancel (outbox, queued->id));
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 0);

  g_assert_cmpuint (mc_portal_outbox_retry (outbox, 0, &error), ==, 1);
  run_until_signal (&s, 30);
  mc_portal_outbox_stop (outbox);
  g_assert_cmpuint (s.n_sent, ==, 1);
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 1);
}

/* The sender's thread never runs the outbox's signal handlers itself,
 * even while the owner is busy elsewhere and not iterating its loop (a
 * program in its startup, loading and purging visits): they wait for the
 * owner's loop. Handlers that ran in the sender's thread raced the
 * startup purge and removed an unsent filing under it. */
static void
test_outbox_signals_wait_for_owner (void)
{
  g_autoptr(McTestPortal) portal = mc_test_portal_new ("another-token", NULL);
  g_autofree char *path = tmp_path ("outbox.sqlite");
  g_auto(Signals) s = { 0 };
  g_autoptr(McPortalOutbox) outbox = new_outbox (path, &s);
  g_autofree char *dir = mc_test_make_package (tmpdir, 2000, NULL);
  g_autoptr(McOutboxItem) queued = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) mc_test_guard_seconds (30) * G_USEC_PER_SEC;

  queued = enqueue (outbox, dir, portal);
  drain_main_context ();
  s.n_changed = 0;
  mc_portal_outbox_start (outbox);
  /* Refused (a wrong token) while this thread never touches its loop. */
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(McOutboxItem) item = mc_portal_outbox_lookup (outbox, queued->id, &error);

      g_assert_no_error (error);
      if (item->state == MC_OUTBOX_FAILED)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10000);
    }
  /* Joined: whatever the sender emitted has been emitted or queued. */
  mc_portal_outbox_stop (outbox);
  g_assert_cmpuint (s.n_failed, ==, 0);
  g_assert_cmpuint (s.n_changed, ==, 0);
  drain_main_context ();
  g_assert_cmpuint (s.n_failed, ==, 1);
  g_assert_cmpint (s.code, ==, MC_PORTAL_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (s.n_changed, >, 0);
}

/* libcurl keeps its own copy of every header, the Authorization one with
 * the token: the client overwrites them before the list is freed. */
static void
test_headers_wiped (void)
{
  struct curl_slist *headers = NULL;
  g_autoptr(GArray) lengths = g_array_new (FALSE, FALSE, sizeof (gsize));

  headers = curl_slist_append (headers, "Authorization: Bearer " TOKEN);
  headers = curl_slist_append (headers, "Accept: application/json");
  for (struct curl_slist *node = headers; node != NULL; node = node->next)
    {
      gsize n = strlen (node->data);

      g_array_append_val (lengths, n);
    }
  mc_portal_headers_wipe (headers);
  {
    guint i = 0;

    for (struct curl_slist *node = headers; node != NULL; node = node->next, i++)
      for (gsize j = 0; j < g_array_index (lengths, gsize, i); j++)
        g_assert_cmpint (node->data[j], ==, 0);
    g_assert_cmpuint (i, ==, 2);
  }
  mc_portal_headers_free (headers);
}

/* Closing the program mid-upload leaves the item queued, due at once;
 * another outbox on the file (the next start) sends it. */
static void
test_outbox_stop_and_resume (void)
{
  g_autoptr(McTestPortal) portal = mc_test_portal_new (TOKEN, NULL);
  g_autofree char *path = tmp_path ("outbox.sqlite");
  g_autoptr(McPortalOutbox) outbox = new_outbox (path, NULL);
  g_autoptr(McPortalOutbox) next_start = NULL;
  g_autofree char *visit = NULL;
  g_autofree char *dir = mc_test_make_package (tmpdir, 600000, &visit);
  g_autoptr(McOutboxItem) queued = NULL;
  g_autoptr(McOutboxItem) item = NULL;
  g_auto(Signals) s = { 0 };
  g_autoptr(GError) error = NULL;

  mc_test_portal_push_fault (portal, (McFault) { MC_FAULT_SLOW_READ, 0, -1, 0 });
  mc_portal_outbox_start (outbox);
  queued = enqueue (outbox, dir, portal);
  g_assert_true (mc_test_portal_wait_body (portal, 20000, 10000));
  mc_portal_outbox_stop (outbox);
  g_clear_object (&outbox);

  next_start = new_outbox (path, &s);
  item = mc_portal_outbox_lookup (next_start, queued->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (item->state, ==, MC_OUTBOX_QUEUED);
  g_assert_cmpint (item->next_attempt_us, <=, g_get_real_time ());
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 0);

  mc_portal_outbox_start (next_start);
  run_until_signal (&s, 30);
  mc_portal_outbox_stop (next_start);
  g_assert_cmpuint (s.n_sent, ==, 1);
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 1);
}

typedef struct {
  McPortalOutbox *outbox;
  gint64          id;
  McOutboxItem   *item;
  GError         *error;
} SendThread;

static gpointer
send_thread (gpointer data)
{
  SendThread *t = data;

  t->item = mc_portal_outbox_send (t->outbox, t->id, 3, NULL, &t->error);
  return NULL;
}

/* Two senders on one file (the program and motcua-tool): the item's lock
 * lets one send; the other waits and finds it sent. */
static void
test_outbox_two_senders (void)
{
  g_autoptr(McTestPortal) portal = mc_test_portal_new (TOKEN, NULL);
  g_autofree char *path = tmp_path ("outbox.sqlite");
  g_autoptr(McPortalOutbox) a = new_outbox (path, NULL);
  g_autoptr(McPortalOutbox) b = new_outbox (path, NULL);
  g_autofree char *dir = mc_test_make_package (tmpdir, 60000, NULL);
  g_autoptr(McOutboxItem) queued = enqueue (a, dir, portal);
  g_autoptr(McOutboxItem) seen = NULL;
  g_autoptr(GError) error = NULL;
  SendThread ta = { a, queued->id, NULL, NULL }, tb = { b, queued->id, NULL, NULL };
  GThread *first, *second;
  g_autoptr(GPtrArray) requests = NULL;

  mc_test_portal_push_fault (portal, (McFault) { MC_FAULT_SLOW_READ, 0, -1, 0 });
  first = g_thread_new ("a", send_thread, &ta);
  g_assert_true (mc_test_portal_wait_body (portal, 8000, 10000));

  /* Mid-upload, the other sees it in flight and cannot remove it. */
  seen = mc_portal_outbox_lookup (b, queued->id, &error);
  g_assert_cmpint (seen->state, ==, MC_OUTBOX_SENDING);
  g_assert_true (seen->in_flight);
  g_assert_false (mc_portal_outbox_remove (b, queued->id, &error));
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_OUTBOX);
  g_clear_error (&error);

  second = g_thread_new ("b", send_thread, &tb);
  g_thread_join (first);
  g_thread_join (second);

  g_assert_no_error (ta.error);
  g_assert_no_error (tb.error);
  g_assert_cmpint (ta.item->state, ==, MC_OUTBOX_SENT);
  g_assert_cmpint (tb.item->state, ==, MC_OUTBOX_SENT);
  g_assert_cmpstr (ta.item->receipt, ==, tb.item->receipt);
  requests = mc_test_portal_get_requests (portal);
  g_assert_cmpuint (requests->len, ==, 1);
  g_assert_cmpuint (mc_test_portal_count_filings (portal), ==, 1);
  mc_outbox_item_free (ta.item);
  mc_outbox_item_free (tb.item);

  g_assert_true (mc_portal_outbox_remove (b, queued->id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&seen, mc_outbox_item_free);
  seen = mc_portal_outbox_lookup (a, queued->id, &error);
  g_assert_null (seen);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NOT_FOUND);
}

/* The visit's folder purged (or damaged) while the item waited. */
static void
test_outbox_package_gone (void)
{
  g_autoptr(McTestPortal) portal = mc_test_portal_new (TOKEN, NULL);
  g_autofree char *path = tmp_path ("outbox.sqlite");
  g_auto(Signals) s = { 0 };
  g_autoptr(McPortalOutbox) outbox = new_outbox (path, &s);
  g_autofree char *dir = mc_test_make_package (tmpdir, 2000, NULL);
  g_autoptr(McOutboxItem) queued = enqueue (outbox, dir, portal);
  g_autoptr(McOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;

  mc_test_package_tamper (dir, "01-to-khai.pdf");
  item = mc_portal_outbox_send (outbox, queued->id, 3, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (item->state, ==, MC_OUTBOX_FAILED);
  g_assert_cmpint (item->error_code, ==, MC_PORTAL_ERROR_PACKAGE);
  g_assert_nonnull (strstr (item->last_error, "01-to-khai.pdf"));
  g_assert_cmpuint (item->attempts, ==, 1);
  g_assert_true (mc_test_portal_wait_idle (portal, 5000));
  {
    g_autoptr(GPtrArray) requests = mc_test_portal_get_requests (portal);

    g_assert_cmpuint (requests->len, ==, 0);
  }
  drain_main_context ();
  g_assert_cmpuint (s.n_failed, ==, 1);

  /* Refused at the door too. */
  g_clear_pointer (&item, mc_outbox_item_free);
  item = mc_portal_outbox_enqueue (outbox, dir, mc_test_portal_get_endpoint (portal), NULL, &error);
  g_assert_null (item);
  g_assert_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_PACKAGE);
}

static void
enqueued (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  McOutboxItem **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = mc_portal_outbox_enqueue_finish (MC_PORTAL_OUTBOX (source), result, &error);
  g_assert_no_error (error);
}

static void
test_outbox_enqueue_async (void)
{
  g_autoptr(McTestPortal) portal = mc_test_portal_new (TOKEN, NULL);
  g_autofree char *path = tmp_path ("outbox.sqlite");
  g_autoptr(McPortalOutbox) outbox = new_outbox (path, NULL);
  g_autofree char *visit = NULL;
  g_autofree char *dir = mc_test_make_package (tmpdir, 2000, &visit);
  McOutboxItem *item = NULL;

  mc_portal_outbox_enqueue_async (outbox, dir, mc_test_portal_get_endpoint (portal), NULL, enqueued, &item);
  while (item == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (item->visit_id, ==, visit);
  g_assert_cmpint (item->state, ==, MC_OUTBOX_QUEUED);
  mc_outbox_item_free (item);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mc_core_init ();
  mc_test_init (&argc, &argv);
  owner_thread = g_thread_self ();

  tmpdir = mc_test_make_tmpdir ("portal");

  g_test_add_func ("/portal/endpoint", test_endpoint);
  g_test_add_func ("/portal/insecure-client", test_insecure_client);
  g_test_add_func ("/portal/config", test_config);
  g_test_add_func ("/portal/backoff", test_backoff);
  g_test_add_func ("/portal/package/ok", test_package_ok);
  g_test_add_func ("/portal/package/bad", test_package_bad);
  g_test_add_func ("/portal/submit/ok", test_submit_ok);
  g_test_add_func ("/portal/submit/faults", test_submit_faults);
  g_test_add_func ("/portal/submit/wrong-token", test_wrong_token);
  g_test_add_func ("/portal/submit/unreachable", test_unreachable);
  g_test_add_func ("/portal/submit/cancel", test_cancel);
  g_test_add_func ("/portal/submit/changed-while-sending", test_changed_while_sending);
  g_test_add_func ("/portal/submit/tls", test_tls);
  g_test_add_func ("/portal/outbox/file", test_outbox_file);
  g_test_add_func ("/portal/outbox/send-retry", test_outbox_send_retry);
  g_test_add_func ("/portal/outbox/gives-up-for-now", test_outbox_gives_up_for_now);
  g_test_add_func ("/portal/outbox/worker-retry-after", test_outbox_worker);
  g_test_add_func ("/portal/outbox/permanent", test_outbox_permanent);
  g_test_add_func ("/portal/outbox/cancel", test_outbox_cancel);
  g_test_add_func ("/portal/outbox/signals-wait-for-owner", test_outbox_signals_wait_for_owner);
  g_test_add_func ("/portal/submit/headers-wiped", test_headers_wiped);
  g_test_add_func ("/portal/outbox/stop-and-resume", test_outbox_stop_and_resume);
  g_test_add_func ("/portal/outbox/two-senders", test_outbox_two_senders);
  g_test_add_func ("/portal/outbox/package-gone", test_outbox_package_gone);
  g_test_add_func ("/portal/outbox/enqueue-async", test_outbox_enqueue_async);

  status = g_test_run ();
  mc_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
