/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-pin-dialog"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-pin-dialog.h"
#include "mc-supervisor-pin.h"

struct _McPinDialog
{
  AdwWindow            parent_instance;

  GSettings           *settings;
  McLedger            *ledger;
  gboolean             busy;

  AdwPasswordEntryRow *current_row;
  AdwPasswordEntryRow *new_row;
  AdwPasswordEntryRow *repeat_row;
  GtkLabel            *message;
};

G_DEFINE_FINAL_TYPE (McPinDialog, mc_pin_dialog, ADW_TYPE_WINDOW)

enum { DONE, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct {
  char     *stored;
  char     *current;
  char     *new_pin;
  McLedger *ledger;
} SaveData;

static void
wipe (char *s)
{
  if (s != NULL)
    {
      memset (s, 0, strlen (s));
      g_free (s);
    }
}

static void
save_data_free (SaveData *d)
{
  g_free (d->stored);
  wipe (d->current);
  wipe (d->new_pin);
  g_clear_object (&d->ledger);
  g_free (d);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *d = task_data;
  GError *error = NULL;
  char *hash;

  if (*d->stored != '\0')
    {
      g_autofree char *lockout = d->ledger ? NULL : mc_supervisor_pin_lockout_path (NULL);
      /* The lock-out holds with or without a ledger. */
      gboolean ok = d->ledger ? mc_ledger_verify_pin (d->ledger, d->stored, d->current, &error)
                              : mc_supervisor_pin_check (lockout, d->stored, d->current, &error);

      if (!ok)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  if (!(hash = mc_supervisor_pin_hash (d->new_pin, &error)))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, hash, g_free);
}

static void
say (McPinDialog *self,
     const char  *text)
{
  gtk_label_set_text (self->message, text);
  gtk_widget_set_visible (GTK_WIDGET (self->message), text != NULL);
}

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  McPinDialog *self = MC_PIN_DIALOG (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = g_task_propagate_pointer (G_TASK (result), &error);

  self->busy = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pin.save", TRUE);
  if (hash == NULL)
    {
      say (self, error->message);
      gtk_editable_set_text (GTK_EDITABLE (self->current_row), "");
      g_signal_emit (self, signals[DONE], 0, FALSE);
      return;
    }
  g_settings_set_string (self->settings, "supervisor-pin-hash", hash);
  g_signal_emit (self, signals[DONE], 0, TRUE);
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  McPinDialog *self = MC_PIN_DIALOG (widget);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  const char *new_pin = gtk_editable_get_text (GTK_EDITABLE (self->new_row));
  const char *repeat = gtk_editable_get_text (GTK_EDITABLE (self->repeat_row));
  SaveData *d;

  if (self->busy)
    return;
  if (!mc_supervisor_pin_check_format (new_pin, &error))
    {
      say (self, error->message);
      g_signal_emit (self, signals[DONE], 0, FALSE);
      return;
    }
  if (!g_str_equal (new_pin, repeat))
    {
      say (self, _("The two new PINs differ; type the same PIN twice"));
      g_signal_emit (self, signals[DONE], 0, FALSE);
      return;
    }

  d = g_new0 (SaveData, 1);
  d->stored = g_settings_get_string (self->settings, "supervisor-pin-hash");
  d->current = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->current_row)));
  d->new_pin = g_strdup (new_pin);
  d->ledger = self->ledger ? g_object_ref (self->ledger) : NULL;
  gtk_editable_set_text (GTK_EDITABLE (self->new_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->repeat_row), "");
  say (self, NULL);

  self->busy = TRUE;
  gtk_widget_action_set_enabled (widget, "pin.save", FALSE);
  task = g_task_new (self, NULL, on_saved, NULL);
  g_task_set_task_data (task, d, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_thread);
}

void
mc_pin_dialog_set_entries (McPinDialog *self,
                           const char  *current,
                           const char  *new_pin,
                           const char  *repeat)
{
  g_return_if_fail (MC_IS_PIN_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->current_row), current ? current : "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_row), new_pin ? new_pin : "");
  gtk_editable_set_text (GTK_EDITABLE (self->repeat_row), repeat ? repeat : "");
}

const char *
mc_pin_dialog_get_message (McPinDialog *self)
{
  g_return_val_if_fail (MC_IS_PIN_DIALOG (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->message)) ? gtk_label_get_text (self->message) : NULL;
}

static void
mc_pin_dialog_dispose (GObject *object)
{
  McPinDialog *self = MC_PIN_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_PIN_DIALOG);
  g_clear_object (&self->settings);
  g_clear_object (&self->ledger);

  G_OBJECT_CLASS (mc_pin_dialog_parent_class)->dispose (object);
}

static void
mc_pin_dialog_class_init (McPinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mc_pin_dialog_dispose;

  /* TRUE once the new PIN is stored; FALSE after each refusal. */
  signals[DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-pin-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, McPinDialog, current_row);
  gtk_widget_class_bind_template_child (widget_class, McPinDialog, new_row);
  gtk_widget_class_bind_template_child (widget_class, McPinDialog, repeat_row);
  gtk_widget_class_bind_template_child (widget_class, McPinDialog, message);

  gtk_widget_class_install_action (widget_class, "pin.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mc_pin_dialog_init (McPinDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mc_pin_dialog_new (GtkWindow *parent,
                   GSettings *settings,
                   McLedger  *ledger)
{
  McPinDialog *self = g_object_new (MC_TYPE_PIN_DIALOG, "transient-for", parent, NULL);
  g_autofree char *stored = g_settings_get_string (settings, "supervisor-pin-hash");

  self->settings = g_object_ref (settings);
  self->ledger = ledger ? g_object_ref (ledger) : NULL;
  /* Setting the first PIN asks for no current one. */
  gtk_widget_set_visible (GTK_WIDGET (self->current_row), *stored != '\0');
  if (*stored == '\0')
    gtk_window_set_title (GTK_WINDOW (self), _("Set the Supervisor PIN"));
  else
    gtk_window_set_title (GTK_WINDOW (self), _("Change the Supervisor PIN"));
  return GTK_WIDGET (self);
}
