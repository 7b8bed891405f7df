/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-token-pin-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-token-pin-dialog.h"

struct _McTokenPinDialog
{
  AdwWindow        parent_instance;

  McVisitSession  *session;
  gboolean         answered;

  GtkLabel        *explanation;
  GtkPasswordEntry *pin_row;
  GtkLabel        *message;
  GtkButton       *sign_button;
};

G_DEFINE_FINAL_TYPE (McTokenPinDialog, mc_token_pin_dialog, ADW_TYPE_WINDOW)

static void
sign_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  McTokenPinDialog *self = MC_TOKEN_PIN_DIALOG (widget);
  const char *pin = gtk_editable_get_text (GTK_EDITABLE (self->pin_row));

  if (*pin == '\0' || self->answered)
    return;
  self->answered = TRUE;
  mc_visit_session_answer_pin (self->session, pin);
  /* The PIN leaves the entry at once; the session keeps it for this visit. */
  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
on_close_request (McTokenPinDialog *self)
{
  /* Closed without a PIN: the papers stay unsigned, and the session says so. */
  if (!self->answered && self->session != NULL)
    {
      self->answered = TRUE;
      mc_visit_session_answer_pin (self->session, NULL);
    }
  return FALSE;
}

/* The session stopped waiting (the visit closed, or the files were made
 * another way): the prompt has nothing left to ask. */
static void
on_session_changed (McTokenPinDialog *self)
{
  if (self->session != NULL && !mc_visit_session_is_asking_pin (self->session))
    {
      self->answered = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
}

static void
on_pin_changed (McTokenPinDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "token.sign",
                                 *gtk_editable_get_text (GTK_EDITABLE (self->pin_row)) != '\0');
}

void
mc_token_pin_dialog_set_pin (McTokenPinDialog *self,
                             const char       *pin)
{
  g_return_if_fail (MC_IS_TOKEN_PIN_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), pin ? pin : "");
}

const char *
mc_token_pin_dialog_get_problem (McTokenPinDialog *self)
{
  g_return_val_if_fail (MC_IS_TOKEN_PIN_DIALOG (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->message)) ? gtk_label_get_text (self->message) : NULL;
}

static void
mc_token_pin_dialog_dispose (GObject *object)
{
  McTokenPinDialog *self = MC_TOKEN_PIN_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_TOKEN_PIN_DIALOG);
  /* The session outlives a closed prompt: its "changed" must not reach
   * a disposed one (g_signal_connect_object lets go only at finalize). */
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (mc_token_pin_dialog_parent_class)->dispose (object);
}

static void
mc_token_pin_dialog_class_init (McTokenPinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mc_token_pin_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-token-pin-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, McTokenPinDialog, explanation);
  gtk_widget_class_bind_template_child (widget_class, McTokenPinDialog, pin_row);
  gtk_widget_class_bind_template_child (widget_class, McTokenPinDialog, message);
  gtk_widget_class_bind_template_child (widget_class, McTokenPinDialog, sign_button);

  gtk_widget_class_install_action (widget_class, "token.sign", NULL, sign_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mc_token_pin_dialog_init (McTokenPinDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->sign_button));
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), NULL);
  g_signal_connect_swapped (self->pin_row, "changed", G_CALLBACK (on_pin_changed), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "token.sign", FALSE);
}

GtkWidget *
mc_token_pin_dialog_new (GtkWindow      *parent,
                         McVisitSession *session,
                         const char     *token,
                         const char     *problem)
{
  McTokenPinDialog *self = g_object_new (MC_TYPE_TOKEN_PIN_DIALOG, "transient-for", parent, NULL);
  g_autofree char *text = NULL;

  self->session = g_object_ref (session);
  g_signal_connect_object (session, "changed", G_CALLBACK (on_session_changed), self, G_CONNECT_SWAPPED);
  /* Translators: %s is the token's label, as its maker named it */
  text = g_strdup_printf (_("Your digital signature goes on every paper of this visit. Enter the PIN of the token “%s”. It is asked once for this visit and never saved."),
                          token != NULL && *token != '\0' ? token : _("signing token"));
  gtk_label_set_text (self->explanation, text);
  if (problem != NULL && *problem != '\0')
    {
      gtk_label_set_text (self->message, problem);
      gtk_widget_set_visible (GTK_WIDGET (self->message), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->pin_row), "error");
    }
  return GTK_WIDGET (self);
}
