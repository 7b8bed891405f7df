/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-portal"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "mc-portal-client.h"
#include "mc-portal-config.h"
#include "mc-portal-error.h"
#include "mc-portal-token.h"

/* One item per portal address; the schema is named for the program so
 * the password manager shows whose items they are. */
static const SecretSchema token_schema = {
  "org.motcua.MotCua.PortalToken",
  SECRET_SCHEMA_NONE,
  {
    { "endpoint", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

void
mc_portal_token_free (char *token)
{
  if (token == NULL)
    return;
  memset (token, 0, strlen (token));
  g_free (token);
}

/* Whatever libsecret says went wrong (no session bus, no Secret Service,
 * a locked or absent keyring), the clerk needs the same advice. */
static void
set_store_error (GError     **error,
                 GError      *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, cause);
      return;
    }
  g_debug ("Secret Service: %s", cause->message);
  g_error_free (cause);
  g_set_error_literal (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_SECRET_SERVICE,
                       _("The password store of this computer (GNOME Keyring) is not available, so the portal access token cannot be read or saved. Sign in to the desktop again, or give the token in a file (motcua-tool --token-file)."));
}

char *
mc_portal_token_lookup (const char    *endpoint,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autofree char *key = mc_portal_endpoint_normalize (endpoint, error);
  GError *local_error = NULL;
  char *secret;
  char *token;

  if (key == NULL)
    return NULL;

  secret = secret_password_lookup_sync (&token_schema, cancellable, &local_error,
                                        "endpoint", key, NULL);
  if (local_error != NULL)
    {
      set_store_error (error, local_error);
      return NULL;
    }
  if (secret == NULL)
    {
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NO_TOKEN,
                   _("No access token is stored for the portal %s. Ask the ward’s IT contact for the counter’s token and enter it in Preferences."),
                   key);
      return NULL;
    }

  token = g_strdup (secret);
  secret_password_free (secret);
  return token;
}

gboolean
mc_portal_token_store (const char    *endpoint,
                       const char    *token,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autofree char *key = mc_portal_endpoint_normalize (endpoint, error);
  g_autofree char *label = NULL;
  GError *local_error = NULL;

  if (key == NULL)
    return FALSE;
  if (!mc_portal_token_is_valid (token))
    {
      g_set_error_literal (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NO_TOKEN,
                           _("The portal access token is empty or contains spaces or special characters. Enter the token exactly as the province issued it."));
      return FALSE;
    }

  /* Translators: the label of the token in the password manager */
  label = g_strdup_printf (_("Một Cửa portal token for %s"), key);
  if (!secret_password_store_sync (&token_schema, SECRET_COLLECTION_DEFAULT, label, token,
                                   cancellable, &local_error, "endpoint", key, NULL))
    {
      set_store_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

gboolean
mc_portal_token_forget (const char    *endpoint,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autofree char *key = mc_portal_endpoint_normalize (endpoint, error);
  GError *local_error = NULL;

  if (key == NULL)
    return FALSE;
  secret_password_clear_sync (&token_schema, cancellable, &local_error, "endpoint", key, NULL);
  if (local_error != NULL)
    {
      set_store_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

char *
mc_portal_token_read_file (const char  *path,
                           GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len = 0;
  char *newline;
  char *token;

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NO_TOKEN,
                   _("The token file cannot be read: %s"), local_error->message);
      return NULL;
    }
  if ((newline = strchr (contents, '\n')) != NULL)
    *newline = '\0';
  token = g_strdup (g_strstrip (contents));
  memset (contents, 0, len);

  if (!mc_portal_token_is_valid (token))
    {
      mc_portal_token_free (token);
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NO_TOKEN,
                   _("The token file “%s” does not hold a token on its first line (printable characters without spaces)."),
                   path);
      return NULL;
    }
  return token;
}
