/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-signing-group"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-pdf-sign.h"
#include "mc-signing-group.h"

struct _McSigningGroup
{
  AdwPreferencesGroup  parent_instance;

  GSettings           *settings;
  GCancellable        *cancellable;
  gboolean             loading;
  GPtrArray           *rows;          /* the rows shown, rebuilt on each reading */
  GtkWidget           *required_row;
  GtkWidget           *required_switch;
  GtkWidget           *refresh_button;
};

G_DEFINE_FINAL_TYPE (McSigningGroup, mc_signing_group, ADW_TYPE_PREFERENCES_GROUP)

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(McSigner) signer = NULL;
  GError *error = NULL;
  GPtrArray *certs;

  if (!(signer = mc_signer_new (&error)) || !(certs = mc_signer_list_certificates (signer, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, certs, (GDestroyNotify) g_ptr_array_unref);
}

static void
clear_rows (McSigningGroup *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
}

static void
add_row (McSigningGroup *self,
         GtkWidget      *row)
{
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
  g_ptr_array_add (self->rows, row);
}

/* Why a certificate cannot sign now, or NULL. */
static char *
dup_unusable_reason (const McSignerCert *cert,
                     GDateTime          *now)
{
  if (!cert->can_sign)
    return g_strdup (_("Not for signing documents"));
  if (cert->not_after != NULL && g_date_time_compare (now, cert->not_after) > 0)
    {
      g_autofree char *day = g_date_time_format (cert->not_after, "%d/%m/%Y");

      /* Translators: %s is a date like 31/12/2025 */
      return g_strdup_printf (_("Expired on %s"), day);
    }
  if (cert->not_before != NULL && g_date_time_compare (now, cert->not_before) < 0)
    {
      g_autofree char *day = g_date_time_format (cert->not_before, "%d/%m/%Y");

      /* Translators: %s is a date like 31/12/2025 */
      return g_strdup_printf (_("Valid only from %s"), day);
    }
  return NULL;
}

/* The certificate's label on the token, from its pkcs11: URI (RFC 7512). */
static char *
dup_object_label (const char *uri)
{
  const char *start = uri ? strstr (uri, ";object=") : NULL;
  const char *end;
  g_autofree char *raw = NULL;

  if (start == NULL)
    return NULL;
  start += strlen (";object=");
  end = strchr (start, ';');
  raw = end ? g_strndup (start, end - start) : g_strdup (start);
  return g_uri_unescape_string (raw, NULL);
}

static void
on_choice_toggled (GtkCheckButton *check,
                   McSigningGroup *self)
{
  const char *uri = g_object_get_data (G_OBJECT (check), "uri");

  if (gtk_check_button_get_active (check))
    g_settings_set_string (self->settings, "signing-key", uri);
}

static void
on_none_toggled (GtkCheckButton *check,
                 McSigningGroup *self)
{
  if (gtk_check_button_get_active (check))
    g_settings_set_string (self->settings, "signing-key", "");
}

static void
show_certificates (McSigningGroup *self,
                   GPtrArray      *certs,
                   const char     *error)
{
  g_autofree char *chosen = g_settings_get_string (self->settings, "signing-key");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GtkWidget *none_row = adw_action_row_new ();
  GtkWidget *none = gtk_check_button_new ();
  gboolean chosen_shown = *chosen == '\0';

  clear_rows (self);
  /* "Do not sign" first: a counter without a token still works. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (none_row), _("Do not sign"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (none_row), none);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (none_row), none);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (none), *chosen == '\0');
  g_signal_connect (none, "toggled", G_CALLBACK (on_none_toggled), self);
  add_row (self, none_row);

  for (guint i = 0; certs != NULL && i < certs->len; i++)
    {
      const McSignerCert *cert = g_ptr_array_index (certs, i);
      g_autofree char *reason = dup_unusable_reason (cert, now);
      g_autofree char *until = cert->not_after ? g_date_time_format (cert->not_after, "%d/%m/%Y") : g_strdup ("—");
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      g_autofree char *object = dup_object_label (cert->uri);
      g_autofree char *on_token = g_strdup_printf (_("Token “%s”"), cert->token ? cert->token : "");
      /* Translators: %s is a date like 31/12/2027 */
      g_autofree char *validity = reason ? g_strdup (reason) : g_strdup_printf (_("valid until %s"), until);

      /* One holder often has several certificates: their labels on the
       * token tell them apart. */
      if (object != NULL)
        subtitle = g_strdup_printf ("%s · %s · %s", object, on_token, validity);
      else
        subtitle = g_strdup_printf ("%s · %s", on_token, validity);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cert->holder ? cert->holder : _("Unnamed certificate"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_check_button_set_group (GTK_CHECK_BUTTON (check), GTK_CHECK_BUTTON (none));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_strcmp0 (cert->uri, chosen) == 0);
      chosen_shown |= g_strcmp0 (cert->uri, chosen) == 0;
      g_object_set_data_full (G_OBJECT (check), "uri", g_strdup (cert->uri), g_free);
      g_signal_connect (check, "toggled", G_CALLBACK (on_choice_toggled), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      /* Shown, so the clerk sees why it cannot be chosen; not choosable. */
      gtk_widget_set_sensitive (row, reason == NULL);
      add_row (self, row);
    }

  if (error != NULL || !chosen_shown || certs == NULL || certs->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      if (error != NULL)
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), error);
      else if (!chosen_shown)
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                       _("The chosen certificate’s token is not plugged in. Plug it in and look again, or choose another."));
      else
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                       _("No certificate found. Plug in the USB token and look again."));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("dialog-information-symbolic"));
      add_row (self, row);
    }
  /* The requirement stays last, under the choice. */
  g_object_ref (self->required_row);
  adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), self->required_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), self->required_row);
  g_object_unref (self->required_row);
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) certs = g_task_propagate_pointer (G_TASK (result), &error);
  McSigningGroup *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = MC_SIGNING_GROUP (user_data);
  self->loading = FALSE;
  gtk_widget_set_sensitive (self->refresh_button, TRUE);
  show_certificates (self, certs, error ? error->message : NULL);
}

void
mc_signing_group_refresh (McSigningGroup *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MC_IS_SIGNING_GROUP (self));

  if (self->loading || self->settings == NULL)
    return;
  self->loading = TRUE;
  gtk_widget_set_sensitive (self->refresh_button, FALSE);
  task = g_task_new (NULL, self->cancellable, on_listed, self);
  g_task_set_check_cancellable (task, TRUE);
  g_task_run_in_thread (task, list_thread);
}

gboolean
mc_signing_group_is_loading (McSigningGroup *self)
{
  g_return_val_if_fail (MC_IS_SIGNING_GROUP (self), FALSE);
  return self->loading;
}

void
mc_signing_group_set_settings (McSigningGroup *self,
                               GSettings      *settings)
{
  g_return_if_fail (MC_IS_SIGNING_GROUP (self));

  g_set_object (&self->settings, settings);
  g_settings_bind (settings, "signing-required", self->required_switch, "active", G_SETTINGS_BIND_DEFAULT);
  mc_signing_group_refresh (self);
}

static void
mc_signing_group_dispose (GObject *object)
{
  McSigningGroup *self = MC_SIGNING_GROUP (object);

  /* A reading under way ends without the group. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (mc_signing_group_parent_class)->dispose (object);
}

static void
mc_signing_group_finalize (GObject *object)
{
  McSigningGroup *self = MC_SIGNING_GROUP (object);

  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->rows);

  G_OBJECT_CLASS (mc_signing_group_parent_class)->finalize (object);
}

static void
mc_signing_group_class_init (McSigningGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mc_signing_group_dispose;
  object_class->finalize = mc_signing_group_finalize;
}

static void
mc_signing_group_init (McSigningGroup *self)
{
  GtkWidget *row = adw_action_row_new ();

  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Digital Signature"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         _("Every digitized paper is signed with your certificate as the files are made. The PIN is asked once per visit and never saved."));

  self->refresh_button = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_set_valign (self->refresh_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->refresh_button, "flat");
  gtk_widget_set_tooltip_text (self->refresh_button, _("Look for tokens again"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->refresh_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Look for tokens again"), -1);
  g_signal_connect_swapped (self->refresh_button, "clicked", G_CALLBACK (mc_signing_group_refresh), self);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self), self->refresh_button);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Require a signature on every digitized paper"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Unsigned files are then neither uploaded nor handed off."));
  self->required_switch = gtk_switch_new ();
  gtk_widget_set_valign (self->required_switch, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->required_switch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Require a signature on every digitized paper"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->required_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->required_switch);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
  self->required_row = row;
}
