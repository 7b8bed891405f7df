/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-portal"

#include "config.h"

#include <string.h>
#include <curl/curl.h>
#include <glib/gi18n.h>

#include "mc-portal-config.h"
#include "mc-portal-error.h"

McPortalConfig *
mc_portal_config_new (void)
{
  McPortalConfig *config = g_new0 (McPortalConfig, 1);

  config->connect_timeout_s = MC_PORTAL_DEFAULT_CONNECT_TIMEOUT_S;
  config->stall_timeout_s = MC_PORTAL_DEFAULT_STALL_TIMEOUT_S;
  config->max_attempts = MC_PORTAL_DEFAULT_MAX_ATTEMPTS;
  config->retry_delay_ms = MC_PORTAL_DEFAULT_RETRY_DELAY_MS;
  config->retry_max_delay_s = MC_PORTAL_DEFAULT_RETRY_MAX_DELAY_S;
  return config;
}

/* An older installed schema may lack a key: keep the default then. */
static gboolean
has_key (GSettings  *settings,
         const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  return schema != NULL && g_settings_schema_has_key (schema, key);
}

static void
read_uint (GSettings  *settings,
           const char *key,
           guint      *out)
{
  if (has_key (settings, key))
    *out = g_settings_get_uint (settings, key);
}

McPortalConfig *
mc_portal_config_new_from_settings (GSettings *settings)
{
  McPortalConfig *config = mc_portal_config_new ();

  if (settings == NULL)
    return config;

  if (has_key (settings, "portal-ca-file"))
    {
      g_autofree char *ca = g_settings_get_string (settings, "portal-ca-file");

      if (*ca != '\0')
        config->ca_file = g_steal_pointer (&ca);
    }
  read_uint (settings, "portal-connect-timeout", &config->connect_timeout_s);
  read_uint (settings, "portal-stall-timeout", &config->stall_timeout_s);
  read_uint (settings, "portal-retry-attempts", &config->max_attempts);
  read_uint (settings, "portal-retry-delay-ms", &config->retry_delay_ms);
  read_uint (settings, "portal-retry-max-delay", &config->retry_max_delay_s);
  return config;
}

McPortalConfig *
mc_portal_config_copy (const McPortalConfig *config)
{
  McPortalConfig *copy = g_memdup2 (config, sizeof *config);

  copy->ca_file = g_strdup (config->ca_file);
  return copy;
}

void
mc_portal_config_free (McPortalConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->ca_file);
  g_free (config);
}

gint64
mc_portal_config_retry_delay_us (const McPortalConfig *config,
                                 guint                 failures,
                                 gint64                retry_after_us)
{
  gint64 cap = (gint64) MAX (config->retry_max_delay_s, 1) * G_USEC_PER_SEC;
  gint64 delay = (gint64) MAX (config->retry_delay_ms, 1) * 1000;
  gint64 jittered;

  for (guint i = 1; i < failures && delay < cap; i++)
    delay *= 2;
  delay = MIN (delay, cap);

  /* “Equal jitter”: half the backoff for sure, the other half at random,
   * so counters that lost the network together do not return together. */
  jittered = delay / 2 + (gint64) (g_random_double () * (double) (delay / 2));

  if (retry_after_us >= 0)
    {
      /* The portal's own wait is a floor; a little spread on top of it
       * keeps a queue of counters from arriving in the same second. */
      gint64 spread = MIN (retry_after_us / 10, G_USEC_PER_SEC);

      retry_after_us += (gint64) (g_random_double () * (double) spread);
      jittered = MAX (jittered, retry_after_us);
    }
  return jittered;
}

/* ---- Endpoint ---------------------------------------------------------- */

gboolean
mc_portal_host_is_loopback (const char *host)
{
  g_autofree char *bare = NULL;
  g_autoptr(GInetAddress) address = NULL;
  gsize len;

  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  len = strlen (host);
  if (host[0] == '[' && len > 2 && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  else
    bare = g_strdup (host);

  /* Only literal addresses: a name other than localhost could resolve to
   * anything, and the check must not depend on a lookup. */
  address = g_inet_address_new_from_string (bare);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static char *
url_part (CURLU       *url,
          CURLUPart    part)
{
  char *value = NULL;
  char *copy;

  if (curl_url_get (url, part, &value, 0) != CURLUE_OK)
    return NULL;
  copy = g_strdup (value);
  curl_free (value);
  return copy;
}

char *
mc_portal_endpoint_normalize (const char  *endpoint,
                              GError     **error)
{
  CURLU *url;
  g_autofree char *scheme = NULL, *host = NULL, *user = NULL, *password = NULL;
  g_autofree char *query = NULL, *fragment = NULL, *full = NULL;
  gsize len;

  if (endpoint == NULL || *endpoint == '\0')
    {
      g_set_error_literal (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_ENDPOINT,
                           _("No portal address is set. Enter the address of the province’s portal API in Preferences."));
      return NULL;
    }

  /* libcurl's own parser decides where the request goes, so the same
   * parser does the check: no gap between what is checked and what is
   * used (“http://127.0.0.1\@elsewhere” and the like). */
  url = curl_url ();
  if (url == NULL)
    {
      g_set_error_literal (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_FAILED, _("Out of memory"));
      return NULL;
    }
  if (strlen (endpoint) > 2000 || strpbrk (endpoint, " \t\r\n") != NULL ||
      curl_url_set (url, CURLUPART_URL, endpoint, 0) != CURLUE_OK)
    {
      curl_url_cleanup (url);
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_ENDPOINT,
                   _("“%s” is not a portal address: it must look like https://dichvucong.example.gov.vn/api"),
                   endpoint);
      return NULL;
    }

  scheme = url_part (url, CURLUPART_SCHEME);
  host = url_part (url, CURLUPART_HOST);
  user = url_part (url, CURLUPART_USER);
  password = url_part (url, CURLUPART_PASSWORD);
  query = url_part (url, CURLUPART_QUERY);
  fragment = url_part (url, CURLUPART_FRAGMENT);
  full = url_part (url, CURLUPART_URL);
  curl_url_cleanup (url);

  if (scheme == NULL || host == NULL || full == NULL ||
      (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0))
    {
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_ENDPOINT,
                   _("“%s” is not a portal address: it must start with https://"), endpoint);
      return NULL;
    }
  if (user != NULL || password != NULL || query != NULL || fragment != NULL)
    {
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_ENDPOINT,
                   _("The portal address “%s” must not contain a user name, password, “?” or “#”: the access token is stored separately."),
                   endpoint);
      return NULL;
    }
  if (g_ascii_strcasecmp (scheme, "http") == 0 && !mc_portal_host_is_loopback (host))
    {
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_INSECURE,
                   _("The portal address “%s” uses plain http://, which would send citizens’ papers unprotected. Use an https:// address (plain http:// is allowed only to this computer itself, for testing)."),
                   endpoint);
      return NULL;
    }

  len = strlen (full);
  while (len > 0 && full[len - 1] == '/')
    full[--len] = '\0';
  return g_steal_pointer (&full);
}
