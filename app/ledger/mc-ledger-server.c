/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <libpq-fe.h>
#include <glib/gi18n.h>

#include "mc-ledger-server.h"
#include "mc-ledger-types.h"
#include "mc-secret.h"

/* One item per account and server. */
static const McSecretKind password_kind = {
  {
    "org.motcua.MotCua.LedgerServer",
    SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  },
  mc_ledger_error_quark,
  MC_LEDGER_ERROR_AUTH,
  N_("The password store of this computer (GNOME Keyring) is not available, so the ledger server’s password cannot be read or saved there. The password is looked for in the file ~/.pgpass instead."),
};

static void
options_free (PQconninfoOption *options)
{
  PQconninfoFree (options);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PQconninfoOption, options_free)

static PQconninfoOption *
parse (const char  *conninfo,
       GError     **error)
{
  char *message = NULL;
  PQconninfoOption *options;

  if (conninfo == NULL || *conninfo == '\0')
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("No ledger server is set up."));
      return NULL;
    }
  options = PQconninfoParse (conninfo, &message);
  if (options == NULL)
    {
      g_autofree char *detail = g_strstrip (g_strdup (message ? message : ""));

      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                   _("The ledger server’s address cannot be read (%s). Write it as “host=… dbname=… user=…” or as a postgresql:// address."),
                   detail);
      PQfreemem (message);
    }
  return options;
}

static const char *
option (PQconninfoOption *options,
        const char       *key)
{
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    if (g_str_equal (o->keyword, key))
      return o->val && *o->val ? o->val : NULL;
  return NULL;
}

/* Every host a Unix socket (a path, or an abstract socket): no network. */
static gboolean
is_local_socket (PQconninfoOption *options)
{
  const char *host = option (options, "host");
  g_auto(GStrv) hosts = NULL;

  if (option (options, "hostaddr") != NULL)
    return FALSE;
  if (host == NULL)
    return TRUE;
  hosts = g_strsplit (host, ",", -1);
  for (guint i = 0; hosts[i] != NULL; i++)
    if (hosts[i][0] != '/' && hosts[i][0] != '@')
      return FALSE;
  return TRUE;
}

gboolean
mc_ledger_server_check (const char  *conninfo,
                        const char  *ca_file,
                        GError     **error)
{
  g_autoptr(PQconninfoOption) options = parse (conninfo, error);
  const char *sslmode, *rootcert;

  if (options == NULL)
    return FALSE;
  if (option (options, "password") != NULL)
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("The ledger server’s address contains a password. Passwords are kept in the password store of this computer: remove it from the address and enter it in the password field."));
      return FALSE;
    }
  if (is_local_socket (options))
    return TRUE;

  sslmode = option (options, "sslmode");
  rootcert = ca_file && *ca_file ? ca_file : option (options, "sslrootcert");
  if (g_strcmp0 (sslmode, "verify-full") != 0)
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("The ledger server is reached over the network, so it must prove who it is: add “sslmode=verify-full” to its address, and choose the certificate authority file of the ward’s server."));
      return FALSE;
    }
  if (rootcert == NULL)
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("The ledger server is reached over the network, so the certificate authority file of the ward’s server is needed to check it. Choose that file."));
      return FALSE;
    }
  if (!g_str_equal (rootcert, "system") && !g_file_test (rootcert, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                   _("The certificate authority file %s of the ledger server does not exist or is not a file."),
                   rootcert);
      return FALSE;
    }
  return TRUE;
}

char *
mc_ledger_server_describe (const char  *conninfo,
                           GError     **error)
{
  g_autoptr(PQconninfoOption) options = parse (conninfo, error);
  const char *user, *host, *port, *dbname;

  if (options == NULL)
    return NULL;
  user = option (options, "user");
  host = option (options, "host");
  if (host == NULL)
    host = option (options, "hostaddr");
  port = option (options, "port");
  dbname = option (options, "dbname");
  return g_strdup_printf ("%s@%s:%s/%s", user ? user : g_get_user_name (),
                          host ? host : "localhost", port ? port : "5432",
                          dbname ? dbname : (user ? user : g_get_user_name ()));
}

char *
mc_ledger_server_password_lookup (const char    *conninfo,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  g_autofree char *key = mc_ledger_server_describe (conninfo, error);

  if (key == NULL)
    return NULL;
  return mc_secret_lookup (&password_kind, cancellable, error, "server", key, NULL);
}

gboolean
mc_ledger_server_password_store (const char    *conninfo,
                                 const char    *password,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autofree char *key = mc_ledger_server_describe (conninfo, error);
  g_autofree char *label = NULL;

  if (key == NULL)
    return FALSE;
  if (password == NULL || *password == '\0')
    return mc_secret_clear (&password_kind, cancellable, error, "server", key, NULL);

  /* Translators: the label of the password in the password manager */
  label = g_strdup_printf (_("Một Cửa ledger server %s"), key);
  return mc_secret_store (&password_kind, label, password, cancellable, error, "server", key, NULL);
}

void
mc_ledger_server_password_free (char *password)
{
  mc_secret_free (password);
}

/* A value in a key=value connection string: quoted, with \ and ' escaped. */
static void
append_value (GString    *s,
              const char *key,
              const char *value)
{
  g_string_append_printf (s, "%s%s='", s->len ? " " : "", key);
  for (const char *p = value; *p; p++)
    {
      if (*p == '\\' || *p == '\'')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '\'');
}

char *
mc_ledger_server_build_conninfo (const char  *conninfo,
                                 const char  *ca_file,
                                 const char  *password,
                                 gboolean     read_only,
                                 GError     **error)
{
  g_autoptr(PQconninfoOption) options = NULL;
  g_autoptr(GString) s = g_string_new (NULL);

  if (!mc_ledger_server_check (conninfo, ca_file, error) || !(options = parse (conninfo, error)))
    return NULL;
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      const char *value = o->val;

      if (g_str_equal (o->keyword, "sslrootcert") && ca_file != NULL && *ca_file)
        value = ca_file;
      /* Written last, into room made for it beforehand (below). */
      if (g_str_equal (o->keyword, "password") && password != NULL && *password)
        continue;
      if (g_str_equal (o->keyword, "options") && read_only)
        {
          g_autofree char *both = g_strdup_printf ("%s -c default_transaction_read_only=on", value ? value : "");

          append_value (s, "options", g_strstrip (both));
          continue;
        }
      if (value != NULL && *value)
        append_value (s, o->keyword, value);
    }
  /* The password goes in without the string growing while it does: a
   * GString that grows frees its old buffer as it is, so a password
   * written before a growth would stay behind in freed memory. The
   * caller zeroes the result (mc_ledger_server_password_free()). */
  if (password != NULL && *password)
    {
      gsize len = s->len;

      g_string_set_size (s, len + strlen (" password=''") + 2 * strlen (password) + 1);
      g_string_truncate (s, len);
      append_value (s, "password", password);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}
