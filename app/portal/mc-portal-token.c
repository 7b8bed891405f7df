/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-portal"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-portal-client.h"
#include "mc-portal-config.h"
#include "mc-portal-error.h"
#include "mc-portal-token.h"
#include "mc-secret.h"

/* One item per portal address; the schema is named for the program so
 * the password manager shows whose items they are. */
static const McSecretKind token_kind = {
  {
    "org.motcua.MotCua.PortalToken",
    SECRET_SCHEMA_NONE,
    {
      { "endpoint", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  },
  mc_portal_error_quark,
  MC_PORTAL_ERROR_SECRET_SERVICE,
  N_("The password store of this computer (GNOME Keyring) is not available, so the portal access token cannot be read or saved. Sign in to the desktop again, or give the token in a file (motcua-tool --token-file)."),
};

void
mc_portal_token_free (char *token)
{
  mc_secret_free (token);
}

char *
mc_portal_token_lookup (const char    *endpoint,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autofree char *key = mc_portal_endpoint_normalize (endpoint, error);
  GError *local_error = NULL;
  char *token;

  if (key == NULL)
    return NULL;

  token = mc_secret_lookup (&token_kind, cancellable, &local_error, "endpoint", key, NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (token == NULL)
    g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NO_TOKEN,
                 _("No access token is stored for the portal %s. Ask the ward’s IT contact for the counter’s token and enter it in Preferences."),
                 key);
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
  return mc_secret_store (&token_kind, label, token, cancellable, error, "endpoint", key, NULL);
}

gboolean
mc_portal_token_forget (const char    *endpoint,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autofree char *key = mc_portal_endpoint_normalize (endpoint, error);

  if (key == NULL)
    return FALSE;
  return mc_secret_clear (&token_kind, cancellable, error, "endpoint", key, NULL);
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
