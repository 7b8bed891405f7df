/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-ledger-link.h"
#include "mc-ledger-server.h"
#include "mc-ledger-server-group.h"

struct _McLedgerServerGroup
{
  AdwPreferencesGroup  parent_instance;

  GSettings           *settings;
  GCancellable        *cancellable;
  AdwEntryRow         *address_row;
  AdwEntryRow         *ca_row;
  AdwPasswordEntryRow *password_row;
  GtkButton           *test_button;
  GtkLabel            *status_label;
};

G_DEFINE_FINAL_TYPE (McLedgerServerGroup, mc_ledger_server_group, ADW_TYPE_PREFERENCES_GROUP)

static void
set_status (McLedgerServerGroup *self,
            const char          *text,
            gboolean             is_error)
{
  gtk_label_set_text (self->status_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL && *text != '\0');
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
show_address (McLedgerServerGroup *self)
{
  g_autofree char *address = g_settings_get_string (self->settings, "ledger-server");

  gtk_editable_set_text (GTK_EDITABLE (self->address_row), address);
  gtk_widget_remove_css_class (GTK_WIDGET (self->address_row), "error");
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), *address != '\0');
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), *address != '\0');
}

/* Checked before it is kept: over the network only with verify-full and
 * a CA file, and never with a password in it. */
static void
on_address_apply (McLedgerServerGroup *self)
{
  g_autofree char *address = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->address_row))));
  g_autofree char *ca = g_settings_get_string (self->settings, "ledger-server-ca-file");
  g_autoptr(GError) error = NULL;

  if (*address == '\0')
    {
      g_settings_set_string (self->settings, "ledger-server", "");
      set_status (self, _("No ledger server: the filings stay on this counter."), FALSE);
      return;
    }
  if (!mc_ledger_server_check (address, ca, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->address_row), "error");
      set_status (self, error->message, TRUE);
      return;
    }
  g_settings_set_string (self->settings, "ledger-server", address);
  set_status (self, _("Saved. Enter the password of this counter’s account, then test the connection."), FALSE);
}

typedef struct {
  char *conninfo;
  char *password;
} PasswordJob;

static void
password_job_free (PasswordJob *job)
{
  g_free (job->conninfo);
  mc_ledger_server_password_free (job->password);
  g_free (job);
}

static void
store_password_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  PasswordJob *job = task_data;
  GError *error = NULL;

  if (mc_ledger_server_password_store (job->conninfo, job->password, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_password_stored (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  McLedgerServerGroup *self = MC_LEDGER_SERVER_GROUP (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, error->message, TRUE);
      return;
    }
  /* The password leaves the screen once it is in the password store. */
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  set_status (self, _("The password is kept in this computer’s password store, not in the settings."), FALSE);
}

static void
on_password_apply (McLedgerServerGroup *self)
{
  g_autoptr(GTask) task = NULL;
  PasswordJob *job = g_new0 (PasswordJob, 1);

  job->conninfo = g_settings_get_string (self->settings, "ledger-server");
  job->password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
  set_status (self, _("Saving the password…"), FALSE);
  task = g_task_new (self, self->cancellable, on_password_stored, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) password_job_free);
  g_task_run_in_thread (task, store_password_thread);
}

static void
on_tested (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(McLedgerServerGroup) self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->status_label == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), TRUE);
  if (mc_ledger_link_test_finish (result, &error))
    set_status (self, _("The ledger server answers: the connection works."), FALSE);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_status (self, error->message, TRUE);
}

static void
on_test_clicked (McLedgerServerGroup *self)
{
  g_autofree char *address = g_settings_get_string (self->settings, "ledger-server");
  g_autofree char *ca = g_settings_get_string (self->settings, "ledger-server-ca-file");
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), FALSE);
  set_status (self, _("Connecting to the ledger server…"), FALSE);
  /* A password typed and not saved yet is tried; else the stored one. */
  mc_ledger_link_test_async (address, ca, *typed ? typed : NULL, self->cancellable, on_tested,
                             g_object_ref (self));
}

static void
mc_ledger_server_group_dispose (GObject *object)
{
  McLedgerServerGroup *self = MC_LEDGER_SERVER_GROUP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  self->status_label = NULL;

  G_OBJECT_CLASS (mc_ledger_server_group_parent_class)->dispose (object);
}

static void
mc_ledger_server_group_class_init (McLedgerServerGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mc_ledger_server_group_dispose;
}

static void
mc_ledger_server_group_init (McLedgerServerGroup *self)
{
  AdwActionRow *test_row;

  self->cancellable = g_cancellable_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Ledger Server of the Ward or City"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         _("Where this counter sends its filings, and where the supervisor view reads the ward and the city. Over the network the address must say sslmode=verify-full, with the certificate authority file of the server. Leave the address empty to keep the filings on this counter only."));

  self->ca_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->ca_row), _("Certificate authority file of the server"));
  gtk_widget_set_name (GTK_WIDGET (self->ca_row), "ledger-ca-file");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->ca_row));

  self->address_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->address_row),
                                 _("Server address (host=… dbname=… user=… or postgresql://…)"));
  adw_entry_row_set_show_apply_button (self->address_row, TRUE);
  gtk_widget_set_name (GTK_WIDGET (self->address_row), "ledger-address");
  g_signal_connect_swapped (self->address_row, "apply", G_CALLBACK (on_address_apply), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->address_row));

  self->password_row = ADW_PASSWORD_ENTRY_ROW (adw_password_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row), _("Password of this counter’s account"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (self->password_row), TRUE);
  gtk_widget_set_name (GTK_WIDGET (self->password_row), "ledger-password");
  g_signal_connect_swapped (self->password_row, "apply", G_CALLBACK (on_password_apply), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->password_row));

  test_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (test_row), _("Whether the server answers"));
  self->test_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Test Connection")));
  gtk_widget_set_name (GTK_WIDGET (self->test_button), "ledger-test");
  gtk_widget_set_valign (GTK_WIDGET (self->test_button), GTK_ALIGN_CENTER);
  g_signal_connect_swapped (self->test_button, "clicked", G_CALLBACK (on_test_clicked), self);
  adw_action_row_add_suffix (test_row, GTK_WIDGET (self->test_button));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (test_row));

  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (self->status_label), "ledger-server-preferences-status");
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_label_set_xalign (self->status_label, 0);
  gtk_widget_set_margin_top (GTK_WIDGET (self->status_label), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->status_label));
}

GtkWidget *
mc_ledger_server_group_new (GSettings *settings)
{
  McLedgerServerGroup *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (MC_TYPE_LEDGER_SERVER_GROUP, NULL);
  self->settings = g_object_ref (settings);
  g_settings_bind (settings, "ledger-server-ca-file", self->ca_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (settings, "changed::ledger-server", G_CALLBACK (show_address), self,
                           G_CONNECT_SWAPPED);
  show_address (self);
  return GTK_WIDGET (self);
}

const char *
mc_ledger_server_group_get_status (McLedgerServerGroup *self)
{
  g_return_val_if_fail (MC_IS_LEDGER_SERVER_GROUP (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->status_label)) ? gtk_label_get_text (self->status_label) : NULL;
}
