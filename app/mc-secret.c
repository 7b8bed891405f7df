/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-secret"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-secret.h"

/* Takes @cause. */
static void
set_store_error (const McSecretKind  *kind,
                 GError             **error,
                 GError              *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, cause);
      return;
    }
  g_debug ("Secret Service (%s): %s", kind->schema.name, cause->message);
  g_error_free (cause);
  g_set_error_literal (error, kind->error_quark (), kind->error_code, _(kind->unavailable));
}

char *
mc_secret_lookup (const McSecretKind  *kind,
                  GCancellable        *cancellable,
                  GError             **error,
                  ...)
{
  g_autoptr(GHashTable) attributes = NULL;
  GError *local_error = NULL;
  char *secret, *copy;
  va_list args;

  va_start (args, error);
  attributes = secret_attributes_buildv (&kind->schema, args);
  va_end (args);

  secret = secret_password_lookupv_sync (&kind->schema, attributes, cancellable, &local_error);
  if (local_error != NULL)
    {
      set_store_error (kind, error, local_error);
      return NULL;
    }
  if (secret == NULL)
    return NULL;
  /* libsecret's copy is in its secure memory, which it wipes. */
  copy = g_strdup (secret);
  secret_password_free (secret);
  return copy;
}

gboolean
mc_secret_store (const McSecretKind  *kind,
                 const char          *label,
                 const char          *secret,
                 GCancellable        *cancellable,
                 GError             **error,
                 ...)
{
  g_autoptr(GHashTable) attributes = NULL;
  GError *local_error = NULL;
  va_list args;

  va_start (args, error);
  attributes = secret_attributes_buildv (&kind->schema, args);
  va_end (args);

  if (!secret_password_storev_sync (&kind->schema, attributes, SECRET_COLLECTION_DEFAULT, label, secret,
                                    cancellable, &local_error))
    {
      set_store_error (kind, error, local_error);
      return FALSE;
    }
  return TRUE;
}

gboolean
mc_secret_clear (const McSecretKind  *kind,
                 GCancellable        *cancellable,
                 GError             **error,
                 ...)
{
  g_autoptr(GHashTable) attributes = NULL;
  GError *local_error = NULL;
  va_list args;

  va_start (args, error);
  attributes = secret_attributes_buildv (&kind->schema, args);
  va_end (args);

  /* FALSE without an error when nothing matched. */
  secret_password_clearv_sync (&kind->schema, attributes, cancellable, &local_error);
  if (local_error != NULL)
    {
      set_store_error (kind, error, local_error);
      return FALSE;
    }
  return TRUE;
}

void
mc_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  memset (secret, 0, strlen (secret));
  g_free (secret);
}
