/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-record-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-record-dialog.h"
#include "mc-ui.h"

struct _McRecordDialog
{
  AdwWindow       parent_instance;

  /* Owned */
  McVisitSession *session;
  char           *component;
  McDigitRecord  *record;       /* as pre-filled or saved, for what the form does not show */
  gboolean        touched[MC_RECORD_N_FIELDS];   /* the clerk typed in it */
  gboolean        filling;      /* the form is being set, not typed in */
  gulong          changed_id;

  /* Template widgets */
  GtkSpinner          *reading_spinner;
  AdwPreferencesGroup *fields_group;
  AdwPreferencesGroup *source_group;
  AdwActionRow        *source_row;
  GtkImage            *source_icon;
  AdwEntryRow         *rows[MC_RECORD_N_FIELDS];
};

G_DEFINE_FINAL_TYPE (McRecordDialog, mc_record_dialog, ADW_TYPE_WINDOW)

static void
on_row_changed (McRecordDialog *self,
                AdwEntryRow    *row)
{
  if (self->filling)
    return;
  for (guint i = 0; i < MC_RECORD_N_FIELDS; i++)
    if (self->rows[i] == row)
      self->touched[i] = TRUE;
}

/* The fields the clerk has not typed in follow the record (a read of the
 * page that ends while the dialog is open fills them); the signature check
 * is shown as it is. */
static void
show_record (McRecordDialog *self)
{
  g_autofree char *source = NULL;

  self->filling = TRUE;
  for (guint i = 0; i < MC_RECORD_N_FIELDS; i++)
    if (!self->touched[i])
      {
        const char *value = mc_digit_record_get (self->record, i);

        gtk_editable_set_text (GTK_EDITABLE (self->rows[i]), value ? value : "");
      }
  self->filling = FALSE;

  source = mc_digit_record_dup_source_text (self->record);
  gtk_widget_set_visible (GTK_WIDGET (self->source_group), source != NULL);
  if (source != NULL)
    {
      gboolean good = self->record->source == MC_SOURCE_SIGNED_INTACT &&
                      self->record->source_chain != MC_CHAIN_UNTRUSTED;

      adw_action_row_set_subtitle (self->source_row, source);
      if (self->record->source_file != NULL)
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->source_row), self->record->source_file);
      gtk_image_set_from_icon_name (self->source_icon,
                                    self->record->source == MC_SOURCE_NOT_SIGNED ? "dialog-information-symbolic"
                                    : good ? "security-high-symbolic" : "dialog-warning-symbolic");
      gtk_widget_remove_css_class (GTK_WIDGET (self->source_icon), "success");
      gtk_widget_remove_css_class (GTK_WIDGET (self->source_icon), "error");
      if (self->record->source != MC_SOURCE_NOT_SIGNED)
        gtk_widget_add_css_class (GTK_WIDGET (self->source_icon), good ? "success" : "error");
    }
}

static void
on_session_changed (McRecordDialog *self)
{
  gboolean reading = mc_visit_session_is_reading_record (self->session, self->component);

  gtk_widget_set_visible (GTK_WIDGET (self->reading_spinner), reading);
  gtk_spinner_set_spinning (self->reading_spinner, reading);
  g_clear_pointer (&self->record, mc_digit_record_free);
  self->record = mc_visit_session_dup_record (self->session, self->component);
  show_record (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  McRecordDialog *self = MC_RECORD_DIALOG (widget);
  g_autoptr(McDigitRecord) record = mc_digit_record_copy (self->record);

  for (guint i = 0; i < MC_RECORD_N_FIELDS; i++)
    mc_digit_record_set (record, i, gtk_editable_get_text (GTK_EDITABLE (self->rows[i])));
  mc_visit_session_save_record (self->session, self->component, record);
  gtk_window_close (GTK_WINDOW (self));
}

static void
mc_record_dialog_dispose (GObject *object)
{
  McRecordDialog *self = MC_RECORD_DIALOG (object);

  if (self->session != NULL)
    g_clear_signal_handler (&self->changed_id, self->session);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_RECORD_DIALOG);
  G_OBJECT_CLASS (mc_record_dialog_parent_class)->dispose (object);
}

static void
mc_record_dialog_finalize (GObject *object)
{
  McRecordDialog *self = MC_RECORD_DIALOG (object);

  g_free (self->component);
  g_clear_pointer (&self->record, mc_digit_record_free);
  G_OBJECT_CLASS (mc_record_dialog_parent_class)->finalize (object);
}

static void
mc_record_dialog_class_init (McRecordDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mc_record_dialog_dispose;
  object_class->finalize = mc_record_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-record-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, McRecordDialog, reading_spinner);
  gtk_widget_class_bind_template_child (widget_class, McRecordDialog, fields_group);
  gtk_widget_class_bind_template_child (widget_class, McRecordDialog, source_group);
  gtk_widget_class_bind_template_child (widget_class, McRecordDialog, source_row);
  gtk_widget_class_bind_template_child (widget_class, McRecordDialog, source_icon);
  gtk_widget_class_install_action (widget_class, "record.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "record.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mc_record_dialog_init (McRecordDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* One row per field of the rules, in their order. */
  for (guint i = 0; i < MC_RECORD_N_FIELDS; i++)
    {
      GtkWidget *row = adw_entry_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mc_record_field_get_label (i));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_widget_set_name (row, mc_record_field_to_string (i));
      g_signal_connect_swapped (row, "changed", G_CALLBACK (on_row_changed), self);
      adw_preferences_group_add (self->fields_group, row);
      self->rows[i] = ADW_ENTRY_ROW (row);
    }
}

GtkWidget *
mc_record_dialog_new (GtkWindow      *parent,
                      McVisitSession *session,
                      const char     *component)
{
  McRecordDialog *self;
  const McComponent *c;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (session), NULL);
  c = mc_procedure_find_component (mc_visit_get_procedure (mc_visit_session_get_visit (session)), component);
  g_return_val_if_fail (c != NULL, NULL);

  self = g_object_new (MC_TYPE_RECORD_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  self->component = g_strdup (component);
  adw_preferences_group_set_title (self->fields_group, mc_catalog_text (c->name, c->name_en));
  self->changed_id = g_signal_connect_swapped (session, "changed", G_CALLBACK (on_session_changed), self);
  on_session_changed (self);
  /* Not checked yet: read the page for what is still empty. */
  if (!self->record->edited)
    mc_visit_session_read_record (session, component);
  return GTK_WIDGET (self);
}

const char *
mc_record_dialog_get_field (McRecordDialog *self,
                            McRecordField   field)
{
  g_return_val_if_fail (MC_IS_RECORD_DIALOG (self), NULL);
  g_return_val_if_fail (field < MC_RECORD_N_FIELDS, NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->rows[field]));
}

void
mc_record_dialog_set_field (McRecordDialog *self,
                            McRecordField   field,
                            const char     *text)
{
  g_return_if_fail (MC_IS_RECORD_DIALOG (self));
  g_return_if_fail (field < MC_RECORD_N_FIELDS);
  gtk_editable_set_text (GTK_EDITABLE (self->rows[field]), text);
}

gboolean
mc_record_dialog_is_reading (McRecordDialog *self)
{
  g_return_val_if_fail (MC_IS_RECORD_DIALOG (self), FALSE);
  return mc_visit_session_is_reading_record (self->session, self->component);
}
