/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-package"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mc-package.h"
#include "mc-package-naming.h"

#define MAX_NAME 120

/* The receipt, or the visit's short code until the portal gives one: the
 * package is made before the filing, so its first files carry the latter. */
static char *
receipt_or_visit (const McNamingContext *c)
{
  if (c->receipt != NULL && *c->receipt)
    return g_strdup (c->receipt);
  if (c->visit_id != NULL)
    {
      g_autofree char *head = g_strndup (c->visit_id, 8);

      return g_ascii_strup (head, -1);
    }
  return g_strdup ("");
}

/* One field's text; FALSE if the name is unknown. @width > 0 pads numbers. */
static gboolean
field_text (const McNamingContext *c,
            const char            *name,
            int                    width,
            GString               *out)
{
  if (g_str_equal (name, "position") || g_str_equal (name, "file"))
    {
      guint n = g_str_equal (name, "position") ? c->position : c->file;

      g_string_append_printf (out, "%0*u", width, n);
    }
  else if (g_str_equal (name, "yyyymmdd") || g_str_equal (name, "yymmdd"))
    {
      g_autofree char *day = c->date ? g_date_time_format (c->date, g_str_equal (name, "yyyymmdd") ? "%Y%m%d" : "%y%m%d")
                                     : g_strdup ("");

      g_string_append (out, day);
    }
  else if (g_str_equal (name, "receipt"))
    {
      g_autofree char *r = receipt_or_visit (c);

      g_string_append (out, r);
    }
  else if (g_str_equal (name, "ward_code"))
    g_string_append (out, c->ward_code ? c->ward_code : "");
  else if (g_str_equal (name, "procedure"))
    g_string_append (out, c->procedure_code ? c->procedure_code : "");
  else if (g_str_equal (name, "key"))
    g_string_append (out, c->key ? c->key : "");
  else if (g_str_equal (name, "visit"))
    {
      g_autofree char *head = g_strndup (c->visit_id ? c->visit_id : "", 8);

      g_string_append (out, head);
    }
  else
    return FALSE;
  return TRUE;
}

char *
mc_naming_expand (const char            *template_,
                  const McNamingContext *context,
                  GError               **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = template_;

  while (*p)
    {
      const char *end;
      g_autofree char *field = NULL;
      char *colon;
      int width = 0;

      if (*p != '{')
        {
          if (*p == '}')
            goto bad;
          g_string_append_c (out, *p++);
          continue;
        }
      if (!(end = strchr (p, '}')))
        goto bad;
      field = g_strndup (p + 1, end - p - 1);
      if ((colon = strchr (field, ':')) != NULL)
        {
          char *rest = NULL;

          *colon = '\0';
          width = (int) strtol (colon + 1, &rest, 10);
          if (colon[1] != '0' || *rest != '\0' || width < 1 || width > 9)
            goto bad;
        }
      if (!field_text (context, field, width, out))
        {
          g_set_error (error, MC_PACKAGE_ERROR, MC_PACKAGE_ERROR_FAILED,
                       _("The naming template “%s” in the settings uses the unknown field {%s}. Correct it in the settings."),
                       template_, field);
          return NULL;
        }
      p = end + 1;
    }
  if (out->len == 0)
    goto bad;
  return g_string_free (g_steal_pointer (&out), FALSE);

bad:
  g_set_error (error, MC_PACKAGE_ERROR, MC_PACKAGE_ERROR_FAILED,
               _("The naming template “%s” in the settings is not valid: write fields as {name} or {name:02}. Correct it in the settings."),
               template_);
  return NULL;
}

char *
mc_naming_sanitize (const char *name)
{
  g_autofree char *valid = g_utf8_make_valid (name ? name : "", -1);
  g_autofree char *nfd = g_utf8_normalize (valid, -1, G_NORMALIZE_NFD);
  GString *out = g_string_new (NULL);

  for (const char *p = nfd; p && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      char ch;

      if (c == 0x0110 || c == 0x0111)   /* Đ, đ have no decomposition */
        ch = c == 0x0110 ? 'D' : 'd';
      else if (g_unichar_ismark (c))
        continue;
      else if (c < 0x80 && (g_ascii_isalnum (c) || c == '.' || c == '_' || c == '-'))
        ch = (char) c;
      else
        ch = '-';
      /* No runs of separators, no leading dot or dash (hidden files, options). */
      if (ch == '-' && (out->len == 0 || out->str[out->len - 1] == '-'))
        continue;
      if (ch == '.' && out->len == 0)
        continue;
      g_string_append_c (out, ch);
    }
  if (out->len > MAX_NAME)
    g_string_truncate (out, MAX_NAME);
  while (out->len > 0 && strchr ("-.", out->str[out->len - 1]))
    g_string_truncate (out, out->len - 1);
  if (out->len == 0)
    g_string_append (out, "file");
  return g_string_free (out, FALSE);
}
