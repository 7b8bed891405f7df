/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-pin-prompt"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-pin-prompt.h"
#include "mc-supervisor-pin.h"

struct _McPinPrompt
{
  AdwWindow            parent_instance;

  GSettings           *settings;
  McLedger            *ledger;
  gboolean             busy;

  GtkLabel            *explanation;
  GtkPasswordEntry    *pin_row;
  GtkLabel            *message;
  GtkButton           *check_button;
};

G_DEFINE_FINAL_TYPE (McPinPrompt, mc_pin_prompt, ADW_TYPE_WINDOW)

enum { VERIFIED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct {
  char     *stored;
  char     *pin;
  McLedger *ledger;
  char     *rehashed;   /* a new hash at today's cost, after a right PIN */
} CheckData;

static void
check_data_free (CheckData *d)
{
  g_free (d->stored);
  if (d->pin != NULL)
    {
      memset (d->pin, 0, strlen (d->pin));
      g_free (d->pin);
    }
  g_clear_object (&d->ledger);
  g_free (d->rehashed);
  g_free (d);
}

/* The PIN's hash takes a noticeable moment on purpose: never on the main
 * thread. Without a ledger the lock-out still holds: it is kept in the
 * file the program's ledger would use. */
static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CheckData *d = task_data;
  GError *error = NULL;
  gboolean ok;

  if (d->ledger != NULL)
    ok = mc_ledger_verify_pin (d->ledger, d->stored, d->pin, &error);
  else
    {
      g_autofree char *lockout = mc_supervisor_pin_lockout_path (NULL);

      ok = mc_supervisor_pin_check (lockout, d->stored, d->pin, &error);
    }

  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }
  /* An old hash is replaced while the right PIN is at hand. */
  if (mc_supervisor_pin_needs_rehash (d->stored))
    d->rehashed = mc_supervisor_pin_hash (d->pin, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
say (McPinPrompt *self,
     const char  *text)
{
  gtk_label_set_text (self->message, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message), text != NULL);
}

static void
on_checked (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  McPinPrompt *self = MC_PIN_PROMPT (object);
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pin.check", TRUE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      say (self, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->pin_row), "error");
      gtk_widget_grab_focus (GTK_WIDGET (self->pin_row));
      return;
    }
  {
    CheckData *d = g_task_get_task_data (G_TASK (result));
    g_autofree char *current = g_settings_get_string (self->settings, "supervisor-pin-hash");

    /* Unless the PIN was changed meanwhile. */
    if (d->rehashed != NULL && g_strcmp0 (current, d->stored) == 0)
      g_settings_set_string (self->settings, "supervisor-pin-hash", d->rehashed);
  }
  g_signal_emit (self, signals[VERIFIED], 0);
  gtk_window_close (GTK_WINDOW (self));
}

static void
check_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  McPinPrompt *self = MC_PIN_PROMPT (widget);
  g_autoptr(GTask) task = NULL;
  CheckData *d;

  if (self->busy)
    return;
  d = g_new0 (CheckData, 1);
  d->stored = g_settings_get_string (self->settings, "supervisor-pin-hash");
  d->pin = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->pin_row)));
  d->ledger = self->ledger ? g_object_ref (self->ledger) : NULL;
  /* The PIN leaves the entry at once; only the check's copy remains. */
  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->pin_row), "error");
  say (self, NULL);

  self->busy = TRUE;
  gtk_widget_action_set_enabled (widget, "pin.check", FALSE);
  task = g_task_new (self, NULL, on_checked, NULL);
  g_task_set_task_data (task, d, (GDestroyNotify) check_data_free);
  g_task_run_in_thread (task, check_thread);
}

void
mc_pin_prompt_set_pin (McPinPrompt *self,
                       const char  *pin)
{
  g_return_if_fail (MC_IS_PIN_PROMPT (self));
  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), pin ? pin : "");
}

const char *
mc_pin_prompt_get_message (McPinPrompt *self)
{
  g_return_val_if_fail (MC_IS_PIN_PROMPT (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->message)) ? gtk_label_get_text (self->message) : NULL;
}

gboolean
mc_pin_prompt_is_busy (McPinPrompt *self)
{
  g_return_val_if_fail (MC_IS_PIN_PROMPT (self), FALSE);
  return self->busy;
}

static void
mc_pin_prompt_dispose (GObject *object)
{
  McPinPrompt *self = MC_PIN_PROMPT (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_PIN_PROMPT);
  g_clear_object (&self->settings);
  g_clear_object (&self->ledger);

  G_OBJECT_CLASS (mc_pin_prompt_parent_class)->dispose (object);
}

static void
mc_pin_prompt_class_init (McPinPromptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mc_pin_prompt_dispose;

  signals[VERIFIED] = g_signal_new ("verified", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-pin-prompt.ui");
  gtk_widget_class_bind_template_child (widget_class, McPinPrompt, explanation);
  gtk_widget_class_bind_template_child (widget_class, McPinPrompt, pin_row);
  gtk_widget_class_bind_template_child (widget_class, McPinPrompt, message);
  gtk_widget_class_bind_template_child (widget_class, McPinPrompt, check_button);

  gtk_widget_class_install_action (widget_class, "pin.check", NULL, check_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mc_pin_prompt_init (McPinPrompt *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->check_button));
}

GtkWidget *
mc_pin_prompt_new (GtkWindow  *parent,
                   GSettings  *settings,
                   McLedger   *ledger,
                   const char *explanation)
{
  McPinPrompt *self = g_object_new (MC_TYPE_PIN_PROMPT, "transient-for", parent, NULL);
  g_autofree char *stored = g_settings_get_string (settings, "supervisor-pin-hash");

  self->settings = g_object_ref (settings);
  self->ledger = ledger ? g_object_ref (ledger) : NULL;
  gtk_label_set_text (self->explanation, explanation);
  if (*stored == '\0')
    {
      /* Nothing to check against: say where to set one. */
      say (self, _("No supervisor PIN is set. A supervisor sets one in Preferences, under Supervisor, first."));
      gtk_widget_set_sensitive (GTK_WIDGET (self->pin_row), FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "pin.check", FALSE);
    }
  return GTK_WIDGET (self);
}
