/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-portal"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "mc-portal-client-private.h"
#include "mc-portal-error.h"

/* The part of an answer's error a clerk may see: the portal's own words,
 * without control characters, cut to a readable length. */
static char *
portal_message (const guint8 *body,
                gsize         len)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonObject *err;
  JsonNode *msg;
  GString *out;
  const char *text;
  guint n = 0;

  if (len == 0 ||
      !g_utf8_validate ((const char *) body, len, NULL) ||
      !json_parser_load_from_data (parser, (const char *) body, len, NULL) ||
      !(root = json_parser_get_root (parser)) || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "error"))
    return NULL;

  msg = json_object_get_member (json_node_get_object (root), "error");
  if (!JSON_NODE_HOLDS_OBJECT (msg))
    return NULL;
  err = json_node_get_object (msg);
  msg = json_object_get_member (err, "message");
  if (msg == NULL || !JSON_NODE_HOLDS_VALUE (msg) || json_node_get_value_type (msg) != G_TYPE_STRING)
    return NULL;

  text = json_node_get_string (msg);
  out = g_string_new (NULL);
  for (const char *p = text; *p && n < 200; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (out, g_unichar_iscntrl (c) ? ' ' : c);
    }
  if (*text != '\0' && n == 200)
    g_string_append (out, "…");
  g_strstrip (out->str);
  if (out->str[0] == '\0')
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

void
mc_portal_set_http_error (const char    *host,
                          const guint8  *body,
                          gsize          len,
                          long           status,
                          GError       **error)
{
  g_autofree char *said = portal_message (body, len);

  g_debug ("portal %s answered HTTP %ld", host, status);

  if (status == 401)
    g_set_error_literal (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_UNAUTHORIZED,
                         _("The portal did not accept this counter’s access token: it is wrong or has expired. Ask the ward’s IT contact for a new token and enter it again."));
  else if (status == 403)
    g_set_error_literal (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_UNAUTHORIZED,
                         _("The portal accepted this counter’s access token but does not allow it to file this. Ask the ward’s IT contact to check the token’s rights."));
  else if (status == 413)
    g_set_error_literal (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_TOO_LARGE,
                         _("The portal refused the package as too large. Make the files smaller (a lower resolution, or fewer pages per file) and package the visit again."));
  else if (status == 408)
    g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_TIMEOUT,
                 _("The portal (%s) did not answer in time. The network may be slow or the portal overloaded; try again later."),
                 host);
  else if (status == 429)
    g_set_error_literal (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_BUSY,
                         _("The portal is busy and asked to wait before sending again."));
  else if (status >= 500 && status <= 599)
    {
      if (said != NULL)
        g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_SERVER,
                     _("The portal is not working at the moment (error %ld: %s)."), status, said);
      else
        g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_SERVER,
                     _("The portal is not working at the moment (error %ld)."), status);
    }
  else if (status >= 300 && status <= 399)
    g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_REJECTED,
                 _("The portal address sends Một Cửa elsewhere (error %ld), so nothing was filed. Ask the ward’s IT contact to check the portal address in Preferences."),
                 status);
  else if (status >= 400 && status <= 499)
    {
      if (said != NULL)
        g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_REJECTED,
                     _("The portal refused the filing (error %ld): %s"), status, said);
      else
        g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_REJECTED,
                     _("The portal refused the filing (error %ld) without saying why."), status);
    }
  else
    g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_BAD_RESPONSE,
                 _("The portal gave an answer Một Cửa does not understand (HTTP status %ld). If this happens again, tell the ward’s IT contact."),
                 status);
}
