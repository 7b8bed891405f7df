/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-correction-dialog"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-correction-dialog.h"
#include "mc-procedure-names.h"
#include "mc-supervisor-pin.h"
#include "mc-ui.h"

/* The reasons offered, in the order of the reason row. */
static const McCorrectionReason reasons[] = {
  MC_REASON_WRONG_PROCEDURE, MC_REASON_WRONG_CHANNEL, MC_REASON_WRONG_DETAILS,
  MC_REASON_DUPLICATE, MC_REASON_NOT_FILED, MC_REASON_OTHER,
};

struct _McCorrectionDialog
{
  AdwWindow       parent_instance;

  /* Owned */
  McLedger       *ledger;
  GSettings      *settings;
  McWardCatalog  *catalog;
  McDay           from;
  McDay           to;
  char           *ward_code;
  char           *pin;         /* kept while the dialog is open, wiped on close */
  GPtrArray      *filings;     /* McLedgerFiling, as listed */
  McLedgerFiling *editing;     /* borrowed from filings */
  GPtrArray      *codes;       /* procedure codes of the procedure row */
  GCancellable   *cancellable;
  gboolean        busy;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  GtkWidget       *back_button;
  AdwPasswordEntryRow *pin_row;
  GtkLabel        *pin_message;
  GtkLabel        *list_title;
  GtkListBox      *filings_list;
  AdwPreferencesGroup *edit_group;
  AdwComboRow     *procedure_row;
  AdwComboRow     *channel_row;
  GtkSpinButton   *pages_spin;
  AdwEntryRow     *receipt_row;
  GtkSwitch       *void_switch;
  AdwComboRow     *reason_row;
};

G_DEFINE_FINAL_TYPE (McCorrectionDialog, mc_correction_dialog, ADW_TYPE_WINDOW)

enum { PAGE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
show_page (McCorrectionDialog *self,
           const char         *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_widget_set_visible (self->back_button, g_str_equal (name, "edit"));
  g_signal_emit (self, signals[PAGE_CHANGED], 0, name);
}

static void
forget_pin (McCorrectionDialog *self)
{
  if (self->pin != NULL)
    {
      memset (self->pin, 0, strlen (self->pin));
      g_clear_pointer (&self->pin, g_free);
    }
}

static void
set_busy (McCorrectionDialog *self,
          gboolean            busy)
{
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "correction.unlock", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "correction.save", !busy);
}

/* ---- The list ----------------------------------------------------------- */

static char *
describe (McCorrectionDialog   *self,
          const McLedgerFiling *f)
{
  g_autofree char *name = mc_procedure_names_dup_label (mc_ledger_get_procedures (self->ledger), f->procedure);

  /* Translators: procedure · portal, as a row title */
  return g_strdup_printf (_("%s · %s"), name, mc_channel_get_label (f->channel));
}

static char *
describe_details (const McLedgerFiling *f)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (f->at_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);
  g_autofree char *when = g_date_time_format (local, "%d/%m/%Y %H:%M");
  GString *s = g_string_new (when);

  g_string_append_printf (s, " · %s", f->counter);
  if (f->receipt != NULL)
    g_string_append_printf (s, " · %s", f->receipt);
  if (f->voided)
    g_string_append_printf (s, " · %s", _("left out of the counts"));
  else if (f->n_corrections > 0)
    g_string_append_printf (s, " · %s", _("corrected"));
  return g_string_free (s, FALSE);
}

static void
on_row_activated (McCorrectionDialog *self,
                  GtkListBoxRow      *row)
{
  mc_correction_dialog_edit (self, (guint) gtk_list_box_row_get_index (row));
}

static void
on_filings (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(McCorrectionDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *filings = mc_ledger_list_filings_finish (MC_LEDGER (object), result, &error);
  GtkWidget *child;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (filings == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, mc_toast_new_literal (error->message));
      return;
    }
  g_clear_pointer (&self->filings, g_ptr_array_unref);
  self->filings = filings;
  self->editing = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->filings_list))) != NULL)
    gtk_list_box_remove (self->filings_list, child);
  for (guint i = 0; i < filings->len; i++)
    {
      McLedgerFiling *f = g_ptr_array_index (filings, i);
      g_autofree char *title = describe (self, f);
      g_autofree char *details = describe_details (f);
      GtkWidget *row = adw_action_row_new ();

      /* Markup off first: the title is parsed as soon as it is set. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), details);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      if (f->voided)
        gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->filings_list, row);
    }
  if (filings->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No filings in this period"));
      gtk_list_box_append (self->filings_list, row);
    }
  show_page (self, "list");
}

static void
load_filings (McCorrectionDialog *self)
{
  g_autoptr(GArray) spans = NULL;
  g_autoptr(GError) error = NULL;
  McLedgerFilingQuery query = { self->from, self->to, NULL, 0, TRUE, 500 };

  if (self->ward_code != NULL)
    {
      spans = mc_report_ward_spans (self->catalog, self->ward_code, self->from, self->to, &error);
      if (spans == NULL)
        {
          adw_toast_overlay_add_toast (self->toast_overlay, mc_toast_new_literal (error->message));
          return;
        }
      query.spans = (McLedgerWardSpan *) (void *) spans->data;
      query.n_spans = spans->len;
    }
  mc_ledger_list_filings_async (self->ledger, &query, self->cancellable, on_filings, g_object_ref (self));
}

/* ---- The PIN ------------------------------------------------------------ */

static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  McCorrectionDialog *self = source_object;
  char **data = task_data;
  GError *error = NULL;

  if (!mc_ledger_verify_pin (self->ledger, data[0], data[1], &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* An old hash is replaced while the right PIN is at hand (data[2]). */
  if (mc_supervisor_pin_needs_rehash (data[0]))
    data[2] = mc_supervisor_pin_hash (data[1], NULL);
  g_task_return_boolean (task, TRUE);
}

static void
on_verified (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  McCorrectionDialog *self = MC_CORRECTION_DIALOG (object);
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      gtk_label_set_text (self->pin_message, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->pin_message), TRUE);
      gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");
      gtk_widget_add_css_class (GTK_WIDGET (self->pin_row), "error");
      forget_pin (self);
      g_signal_emit (self, signals[PAGE_CHANGED], 0, "pin");
      return;
    }
  {
    char **data = g_task_get_task_data (G_TASK (result));
    g_autofree char *current = g_settings_get_string (self->settings, "supervisor-pin-hash");

    /* Unless the PIN was changed meanwhile. */
    if (data[2] != NULL && g_strcmp0 (current, data[0]) == 0)
      g_settings_set_string (self->settings, "supervisor-pin-hash", data[2]);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->pin_message), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->pin_row), "error");
  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");
  load_filings (self);
}

static void
wipe_strv (gpointer data)
{
  char **strv = data;

  for (guint i = 0; strv[i]; i++)
    memset (strv[i], 0, strlen (strv[i]));
  g_strfreev (strv);
}

static void
unlock_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  McCorrectionDialog *self = MC_CORRECTION_DIALOG (widget);
  g_autoptr(GTask) task = NULL;
  g_autofree char *hash = g_settings_get_string (self->settings, "supervisor-pin-hash");
  char **data;

  if (self->busy)
    return;
  forget_pin (self);
  self->pin = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->pin_row)));
  data = g_new0 (char *, 4);
  data[0] = g_strdup (hash);
  data[1] = g_strdup (self->pin);

  /* The PIN's hash takes a noticeable moment on purpose: not on the main thread. */
  set_busy (self, TRUE);
  task = g_task_new (self, self->cancellable, on_verified, NULL);
  g_task_set_task_data (task, data, wipe_strv);
  g_task_run_in_thread (task, verify_thread);
}

/* ---- Editing ------------------------------------------------------------ */

void
mc_correction_dialog_edit (McCorrectionDialog *self,
                           guint               index)
{
  McLedgerFiling *f;
  g_autofree char *title = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  McProcedureCatalog *procedures = mc_ledger_get_procedures (self->ledger);
  guint selected = 0;

  g_return_if_fail (MC_IS_CORRECTION_DIALOG (self));
  if (self->filings == NULL || index >= self->filings->len)
    return;

  f = self->editing = g_ptr_array_index (self->filings, index);
  title = describe (self, f);
  /* A group's title and description are always read as markup in
   * libadwaita 1.2: a clerk's name or a receipt with "&" is text. */
  {
    g_autofree char *escaped = g_markup_escape_text (title, -1);
    g_autofree char *details = describe_details (f);
    g_autofree char *escaped_details = details != NULL ? g_markup_escape_text (details, -1) : NULL;

    adw_preferences_group_set_title (self->edit_group, escaped);
    adw_preferences_group_set_description (self->edit_group, escaped_details);
  }

  g_ptr_array_set_size (self->codes, 0);
  for (guint i = 0; i < mc_procedure_names_get_n_known (procedures); i++)
    {
      const char *code = mc_procedure_names_get_code (procedures, i);
      g_autofree char *label = g_strdup_printf ("%s (%s)", mc_procedure_names_lookup (procedures, code), code);

      gtk_string_list_append (names, label);
      g_ptr_array_add (self->codes, g_strdup (code));
      if (g_str_equal (code, f->procedure))
        selected = i;
    }
  if (mc_procedure_names_lookup (procedures, f->procedure) == NULL)
    {
      g_autofree char *label = mc_procedure_names_dup_label (procedures, f->procedure);

      gtk_string_list_append (names, label);
      g_ptr_array_add (self->codes, g_strdup (f->procedure));
      selected = self->codes->len - 1;
    }
  adw_combo_row_set_model (self->procedure_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->procedure_row, selected);
  adw_combo_row_set_selected (self->channel_row, f->channel);
  gtk_spin_button_set_value (self->pages_spin, f->pages);
  gtk_editable_set_text (GTK_EDITABLE (self->receipt_row), f->receipt ? f->receipt : "");
  gtk_switch_set_active (self->void_switch, f->voided);
  adw_combo_row_set_selected (self->reason_row, 0);
  show_page (self, "edit");
}

void
mc_correction_dialog_set_void (McCorrectionDialog *self,
                               gboolean            voids,
                               McCorrectionReason  reason)
{
  g_return_if_fail (MC_IS_CORRECTION_DIALOG (self));

  gtk_switch_set_active (self->void_switch, voids);
  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (reasons[i] == reason)
      adw_combo_row_set_selected (self->reason_row, i);
}

static void
on_corrected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(McCorrectionDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = mc_ledger_correct_finish (MC_LEDGER (object), result, &error);

  set_busy (self, FALSE);
  if (uuid == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, mc_toast_new_literal (error->message));
      /* The PIN was changed or locked meanwhile: ask again. */
      if (g_error_matches (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_PIN_WRONG) ||
          g_error_matches (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_PIN_NOT_SET))
        {
          forget_pin (self);
          show_page (self, "pin");
        }
      else
        g_signal_emit (self, signals[PAGE_CHANGED], 0, "edit");
      return;
    }
  adw_toast_overlay_add_toast (self->toast_overlay, mc_toast_new_literal (_("Correction recorded")));
  load_filings (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  McCorrectionDialog *self = MC_CORRECTION_DIALOG (widget);
  g_autofree char *hash = NULL;
  g_autofree char *receipt = NULL;
  McFilingCorrection fix = MC_FILING_CORRECTION_INIT;
  McLedgerFiling *f = self->editing;
  guint p = adw_combo_row_get_selected (self->procedure_row);
  guint ch = adw_combo_row_get_selected (self->channel_row);
  guint r = adw_combo_row_get_selected (self->reason_row);
  int pages = gtk_spin_button_get_value_as_int (self->pages_spin);

  if (f == NULL || self->pin == NULL || self->busy)
    return;

  receipt = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->receipt_row))));
  if (p < self->codes->len && !g_str_equal (g_ptr_array_index (self->codes, p), f->procedure))
    fix.procedure = g_ptr_array_index (self->codes, p);
  if (ch < MC_N_CHANNELS && ch != f->channel)
    fix.channel = (McChannel) ch;
  if (pages != f->pages)
    fix.pages = pages;
  if (g_strcmp0 (*receipt ? receipt : NULL, f->receipt) != 0)
    fix.receipt = receipt;
  fix.voids = gtk_switch_get_active (self->void_switch);
  fix.reason = r < G_N_ELEMENTS (reasons) ? reasons[r] : MC_REASON_OTHER;

  hash = g_settings_get_string (self->settings, "supervisor-pin-hash");
  set_busy (self, TRUE);
  mc_ledger_correct_async (self->ledger, hash, self->pin, f->uuid, &fix, self->cancellable,
                           on_corrected, g_object_ref (self));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  MC_CORRECTION_DIALOG (widget)->editing = NULL;
  show_page (MC_CORRECTION_DIALOG (widget), "list");
}

/* ---- Public ------------------------------------------------------------- */

const char *
mc_correction_dialog_get_page (McCorrectionDialog *self)
{
  g_return_val_if_fail (MC_IS_CORRECTION_DIALOG (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
mc_correction_dialog_get_message (McCorrectionDialog *self)
{
  g_return_val_if_fail (MC_IS_CORRECTION_DIALOG (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->pin_message)) ? gtk_label_get_text (self->pin_message) : NULL;
}

guint
mc_correction_dialog_get_n_filings (McCorrectionDialog *self)
{
  g_return_val_if_fail (MC_IS_CORRECTION_DIALOG (self), 0);
  return self->filings ? self->filings->len : 0;
}

static void
mc_correction_dialog_dispose (GObject *object)
{
  McCorrectionDialog *self = MC_CORRECTION_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  forget_pin (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_CORRECTION_DIALOG);
  g_clear_object (&self->ledger);
  g_clear_object (&self->settings);
  g_clear_object (&self->catalog);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->filings, g_ptr_array_unref);
  g_clear_pointer (&self->codes, g_ptr_array_unref);

  G_OBJECT_CLASS (mc_correction_dialog_parent_class)->dispose (object);
}

static void
mc_correction_dialog_finalize (GObject *object)
{
  g_free (MC_CORRECTION_DIALOG (object)->ward_code);
  G_OBJECT_CLASS (mc_correction_dialog_parent_class)->finalize (object);
}

static void
mc_correction_dialog_class_init (McCorrectionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mc_correction_dialog_dispose;
  object_class->finalize = mc_correction_dialog_finalize;

  /* The page shown, or shown again after a refusal. */
  signals[PAGE_CHANGED] = g_signal_new ("page-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-correction-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, McCorrectionDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, McCorrectionDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, McCorrectionDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, McCorrectionDialog, pin_row);
  gtk_widget_class_bind_template_child (widget_class, McCorrectionDialog, pin_message);
  gtk_widget_class_bind_template_child (widget_class, McCorrectionDialog, list_title);
  gtk_widget_class_bind_template_child (widget_class, McCorrectionDialog, filings_list);
  gtk_widget_class_bind_template_child (widget_class, McCorrectionDialog, edit_group);
  gtk_widget_class_bind_template_child (widget_class, McCorrectionDialog, procedure_row);
  gtk_widget_class_bind_template_child (widget_class, McCorrectionDialog, channel_row);
  gtk_widget_class_bind_template_child (widget_class, McCorrectionDialog, pages_spin);
  gtk_widget_class_bind_template_child (widget_class, McCorrectionDialog, receipt_row);
  gtk_widget_class_bind_template_child (widget_class, McCorrectionDialog, void_switch);
  gtk_widget_class_bind_template_child (widget_class, McCorrectionDialog, reason_row);

  gtk_widget_class_install_action (widget_class, "correction.unlock", NULL, unlock_action);
  gtk_widget_class_install_action (widget_class, "correction.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "correction.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
on_pin_activated (McCorrectionDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "correction.unlock", NULL);
}

static void
mc_correction_dialog_init (McCorrectionDialog *self)
{
  g_autoptr(GtkStringList) channels = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) reason_names = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->codes = g_ptr_array_new_with_free_func (g_free);

  for (McChannel ch = 0; ch < MC_N_CHANNELS; ch++)
    gtk_string_list_append (channels, mc_channel_get_label (ch));
  adw_combo_row_set_model (self->channel_row, G_LIST_MODEL (channels));
  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    gtk_string_list_append (reason_names, mc_correction_reason_get_label (reasons[i]));
  adw_combo_row_set_model (self->reason_row, G_LIST_MODEL (reason_names));

  g_signal_connect_object (self->filings_list, "row-activated", G_CALLBACK (on_row_activated),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pin_row, "entry-activated", G_CALLBACK (on_pin_activated),
                           self, G_CONNECT_SWAPPED);
}

GtkWidget *
mc_correction_dialog_new (GtkWindow     *parent,
                          McLedger      *ledger,
                          GSettings     *settings,
                          McWardCatalog *catalog,
                          McDay          from,
                          McDay          to,
                          const char    *ward_code)
{
  McCorrectionDialog *self;
  g_autofree char *a = mc_day_format_display (from);
  g_autofree char *b = mc_day_format_display (to);
  g_autofree char *title = NULL;

  g_return_val_if_fail (MC_IS_LEDGER (ledger), NULL);

  self = g_object_new (MC_TYPE_CORRECTION_DIALOG, "transient-for", parent, NULL);
  self->ledger = g_object_ref (ledger);
  self->settings = g_object_ref (settings);
  self->catalog = g_object_ref (catalog);
  self->from = from;
  self->to = to;
  self->ward_code = g_strdup (ward_code);
  /* Translators: the first and last day of the filings listed */
  title = g_strdup_printf (_("Filings from %s to %s, newest first"), a, b);
  gtk_label_set_text (self->list_title, title);
  return GTK_WIDGET (self);
}
