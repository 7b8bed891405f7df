/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-visit-view"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-record-dialog.h"
#include "mc-scan-panel.h"
#include "mc-ui.h"
#include "mc-token-pin-dialog.h"
#include "mc-visit-session.h"
#include "mc-visit-view-private.h"

/* The clerk's work on one visit, shown: the papers one component at a
 * time, then the steps to the receipt (mc-visit-view-submit.c). What is
 * done is the session's (mc-visit-session.c); the view shows and asks. */

G_DEFINE_FINAL_TYPE (McVisitView, mc_visit_view, ADW_TYPE_BIN)

enum { SIGNAL_CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void update_all (McVisitView *self);

/* ---- what the clerk is doing now, told to the session ------------------------ */

/* The citizen screen follows the session (mc-visit-citizen.h): the view
 * tells it the step, what the paper shows, and the scanner's state. */
static void
tell_session (McVisitView *self)
{
  McScanJobOptions *options;

  if (self->session == NULL || self->scan_panel == NULL)
    return;
  options = mc_scan_panel_build_options (MC_SCAN_PANEL (self->scan_panel));
  mc_visit_session_set_use_feeder (self->session,
                                   options != NULL && (options->source == MC_SCAN_SOURCE_ADF ||
                                                       options->source == MC_SCAN_SOURCE_DUPLEX));
  g_clear_pointer (&options, mc_scan_job_options_free);
  mc_visit_session_set_papers_view (self->session, gtk_stack_get_visible_child_name (self->component_stack));
  mc_visit_session_set_scanning (self->session, mc_scan_panel_is_busy (MC_SCAN_PANEL (self->scan_panel)));
  mc_visit_session_set_step (self->session, gtk_stack_get_visible_child_name (self->steps));
}

/* ---- messages -------------------------------------------------------------- */

static void
on_message (McVisitView *self)
{
  const char *message = mc_visit_session_get_message (self->session);

  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (mc_visit_session_get_message_is_error (self->session))
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "visit-error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "visit-error");
}

const char *
mc_visit_view_get_message (McVisitView *self)
{
  g_return_val_if_fail (MC_IS_VISIT_VIEW (self), NULL);
  return mc_visit_session_get_message (self->session);
}

/* ---- cleaned pages in the strip ----------------------------------------------- */

static void
decorate_page (McPage           *page,
               McPageDecoration *deco,
               gpointer          user_data)
{
  McVisitView *self = user_data;
  const McPageCleanup *c = mc_visit_get_cleanup (self->visit, self->component, mc_page_get_basename (page));

  if (c == NULL)
    {
      if (mc_visit_session_is_cleaning (self->session, self->component, mc_page_get_basename (page)))
        deco->note = g_strdup (_("Cleaning…"));
      return;
    }
  if (c->blank && c->output == NULL)
    {
      deco->note = g_strdup (_("Blank page: left out of the file"));
      return;
    }
  deco->can_toggle = TRUE;
  deco->using_original = c->undone;
  if (c->undone)
    {
      deco->note = g_strdup (_("The original scan is used"));
      return;
    }
  deco->thumbnail = mc_visit_session_dup_clean_thumbnail (self->session, self->component, mc_page_get_basename (page));
  if (!g_file_test (deco->thumbnail, G_FILE_TEST_IS_REGULAR))
    g_clear_pointer (&deco->thumbnail, g_free);
  if (ABS (c->skew) >= 0.1)
    /* Translators: e.g. "Cleaned: grey, straightened 1.2°" */
    deco->note = g_strdup_printf (_("Cleaned: %s, straightened %.1f°"),
                                  mc_page_kind_to_label (c->kind), ABS (c->skew));
  else
    deco->note = g_strdup_printf (_("Cleaned: %s"), mc_page_kind_to_label (c->kind));
}

static void
on_toggle_original (McVisitView *self,
                    const char  *basename)
{
  mc_visit_session_toggle_original (self->session, self->component, basename);
  mc_scan_panel_refresh_pages (MC_SCAN_PANEL (self->scan_panel));
}

static void
on_page_rotated (McVisitView *self,
                 McPage      *page)
{
  mc_visit_session_page_rotated (self->session, self->component, page);
  mc_scan_panel_refresh_pages (MC_SCAN_PANEL (self->scan_panel));
}

static void
on_page_cleaned (McVisitView *self,
                 const char  *component)
{
  if (g_strcmp0 (self->component, component) == 0)
    mc_scan_panel_refresh_pages (MC_SCAN_PANEL (self->scan_panel));
}

/* ---- ID cards ------------------------------------------------------------------ */

static void
show_card (McVisitView *self)
{
  const McComponent *c = self->component
    ? mc_procedure_find_component (mc_visit_get_procedure (self->visit), self->component) : NULL;
  gboolean is_card = c != NULL && c->profile == MC_PROFILE_ID_CARD;
  McIdResult *result = is_card ? mc_visit_session_get_card (self->session, c->key) : NULL;
  gboolean reading = is_card && mc_visit_session_is_reading_card (self->session, c->key);

  gtk_widget_set_visible (GTK_WIDGET (self->component_switcher), is_card);
  gtk_widget_set_visible (GTK_WIDGET (self->reading_spinner), reading);
  gtk_spinner_set_spinning (self->reading_spinner, reading);
  mc_identity_form_set_result (self->identity_form, result);
  if (!is_card)
    gtk_stack_set_visible_child_name (self->component_stack, "scan");
}

/* The card of the paper shown: being read, read, or nothing to read. */
static void
on_card_changed (McVisitView *self,
                 const char  *component)
{
  if (g_strcmp0 (self->component, component) != 0)
    return;
  show_card (self);
  if (mc_visit_session_is_reading_card (self->session, component))
    return;
  if (mc_visit_session_get_card (self->session, component) == NULL)
    gtk_stack_set_visible_child_name (self->component_stack, "scan");
  /* Not while the scanner still turns pages: the clerk watches the
   * scan; the card comes up when the scanner stops. */
  else if (!mc_scanner_is_busy (self->scanner))
    gtk_stack_set_visible_child_name (self->component_stack, "card");
  else
    {
      g_free (self->card_pending);
      self->card_pending = g_strdup (component);
    }
}

static void
on_identity_accepted (McVisitView *self,
                      McIdentity  *identity)
{
  mc_visit_session_accept_identity (self->session, identity);
}

/* ---- the papers step ----------------------------------------------------------- */

static GtkWidget *
find_row (McVisitView *self,
          const char  *key)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->components_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "component"), key) == 0)
      return row;
  return NULL;
}

static void
update_component_rows (McVisitView *self)
{
  const McProcedure *procedure = mc_visit_get_procedure (self->visit);

  for (guint i = 0; i < procedure->components->len; i++)
    {
      const McComponent *c = g_ptr_array_index (procedure->components, i);
      GtkWidget *row = find_row (self, c->key);
      GtkLabel *count = g_object_get_data (G_OBJECT (row), "count");
      GtkWidget *done = g_object_get_data (G_OBJECT (row), "done");
      guint n = mc_visit_count_pages (self->visit, c->key);
      g_autofree char *text = NULL;

      if (n > 0)
        text = g_strdup_printf (ngettext ("%u page", "%u pages", n), n);
      else
        text = g_strdup (c->required ? _("Missing") : _("None"));
      gtk_label_set_text (count, text);
      gtk_widget_set_visible (done, n > 0);
      if (c->profile == MC_PROFILE_ID_CARD && mc_visit_session_identity_accepted_for (self->session, c->key))
        {
          g_autofree char *checked = g_strdup_printf (_("Details checked: %s"),
                                                      json_object_get_string_member_with_default (mc_visit_get_identity (self->visit),
                                                                                                  "full_name", ""));

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), checked);
        }
      else
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), c->required ? _("Required") : _("Optional"));
      if (n == 0 && c->required)
        gtk_widget_add_css_class (GTK_WIDGET (count), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (count), "error");
    }
}

/* What the check of a PDF the citizen brought for this paper found. */
static void
update_source_label (McVisitView *self)
{
  const McDigitRecord *record = self->component ? mc_visit_get_record (self->visit, self->component) : NULL;
  g_autofree char *text = record ? mc_digit_record_dup_source_text (record) : NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->source_label), text != NULL);
  gtk_label_set_text (self->source_label, text ? text : "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->source_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->source_label), "success");
  if (record != NULL && record->source == MC_SOURCE_SIGNED_BROKEN)
    gtk_widget_add_css_class (GTK_WIDGET (self->source_label), "error");
  else if (record != NULL && record->source == MC_SOURCE_SIGNED_INTACT && record->source_chain != MC_CHAIN_UNTRUSTED)
    gtk_widget_add_css_class (GTK_WIDGET (self->source_label), "success");
}

static void
edit_record_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  McVisitView *self = MC_VISIT_VIEW (widget);
  GtkWidget *dialog;

  if (self->component == NULL)
    return;
  dialog = mc_record_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->session, self->component);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
mc_visit_view_select_component (McVisitView *self,
                                const char  *key)
{
  const McComponent *c;
  McPageStore *store;
  GtkWidget *row;

  g_return_if_fail (MC_IS_VISIT_VIEW (self));

  c = mc_procedure_find_component (mc_visit_get_procedure (self->visit), key);
  if (c == NULL)
    return;
  g_free (self->component);
  self->component = g_strdup (key);
  mc_visit_session_set_component (self->session, key);

  store = mc_visit_get_pages (self->visit, key);
  gtk_label_set_text (self->component_label, mc_catalog_text (c->name, c->name_en));
  gtk_label_set_text (self->hint_label, mc_catalog_text (c->hint ? c->hint : "", c->hint_en));
  mc_scan_panel_set_preset (MC_SCAN_PANEL (self->scan_panel),
                            c->profile == MC_PROFILE_ID_CARD ? MC_SCAN_PRESET_ID_CARD
                            : c->profile == MC_PROFILE_PHOTO ? MC_SCAN_PRESET_PHOTO
                            : MC_SCAN_PRESET_DOCUMENT);
  mc_scan_panel_set_store (MC_SCAN_PANEL (self->scan_panel), store);
  mc_scan_panel_refresh_pages (MC_SCAN_PANEL (self->scan_panel));
  show_card (self);
  update_source_label (self);
  if (c->profile == MC_PROFILE_ID_CARD)
    gtk_stack_set_visible_child_name (self->component_stack,
                                      mc_visit_session_get_card (self->session, key) != NULL ? "card" : "scan");

  tell_session (self);

  row = find_row (self, key);
  if (row != NULL && gtk_list_box_get_selected_row (self->components_list) != GTK_LIST_BOX_ROW (row))
    gtk_list_box_select_row (self->components_list, GTK_LIST_BOX_ROW (row));
}

static void
on_component_selected (McVisitView   *self,
                       GtkListBoxRow *row)
{
  const char *key = row ? g_object_get_data (G_OBJECT (row), "component") : NULL;

  if (key != NULL && g_strcmp0 (key, self->component) != 0)
    mc_visit_view_select_component (self, key);
}

static void
build_component_rows (McVisitView *self)
{
  const McProcedure *procedure = mc_visit_get_procedure (self->visit);

  for (guint i = 0; i < procedure->components->len; i++)
    {
      const McComponent *c = g_ptr_array_index (procedure->components, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *count = gtk_label_new (NULL);
      GtkWidget *done = gtk_image_new_from_icon_name ("emblem-ok-symbolic");

      /* The subtitle shows the citizen's name once the card is checked. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mc_catalog_text (c->name, c->name_en));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), c->required ? _("Required") : _("Optional"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (done), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Done"), -1);
      gtk_widget_add_css_class (done, "success");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), count);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), done);
      g_object_set_data_full (G_OBJECT (row), "component", g_strdup (c->key), g_free);
      g_object_set_data (G_OBJECT (row), "count", count);
      g_object_set_data (G_OBJECT (row), "done", done);
      gtk_list_box_append (self->components_list, row);
    }
}

/* ---- imports ------------------------------------------------------------------ */

static void
import_files (McVisitView  *self,
              GSList       *files)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_null_terminated (0, g_free, TRUE);

  for (GSList *l = files; l; l = l->next)
    {
      char *path = g_file_get_path (l->data);

      if (path != NULL)
        g_ptr_array_add (paths, path);
    }
  mc_visit_session_import (self->session, (const char * const *) paths->pdata);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         McVisitView   *self)
{
  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  import_files (self, gdk_file_list_get_files (g_value_get_boxed (value)));
  return TRUE;
}

static void
on_import_response (GtkNativeDialog *dialog,
                    int              response,
                    McVisitView     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      GSList *list = NULL;

      for (guint i = g_list_model_get_n_items (files); i > 0; i--)
        list = g_slist_prepend (list, g_list_model_get_item (files, i - 1));
      import_files (self, list);
      g_slist_free_full (list, g_object_unref);
    }
  g_object_unref (dialog);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  McVisitView *self = MC_VISIT_VIEW (widget);
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Import Papers"), GTK_WINDOW (gtk_widget_get_root (widget)),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
  gtk_file_filter_set_name (filter, _("PDFs and pictures"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_mime_type (filter, "image/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_signal_connect (dialog, "response", G_CALLBACK (on_import_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- recording ----------------------------------------------------------------------- */

static void
on_receipt_apply (McVisitView *self)
{
  mc_visit_session_apply_receipt (self->session, gtk_editable_get_text (GTK_EDITABLE (self->receipt_row)));
}

/* For tests and accessibility: what the upload row says. */
const char *
mc_visit_view_get_upload_status (McVisitView *self)
{
  g_return_val_if_fail (MC_IS_VISIT_VIEW (self), NULL);
  return mc_visit_session_get_upload_status (self->session);
}

/* ---- actions ------------------------------------------------------------------------ */

static void
set_aside_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  McVisitView *self = MC_VISIT_VIEW (widget);

  mc_visit_session_set_aside (self->session);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  g_signal_emit (widget, signals[SIGNAL_CLOSED], 0);
}

static void
on_abandon_response (AdwMessageDialog *dialog,
                     const char       *response,
                     McVisitView      *self)
{
  if (g_strcmp0 (response, "abandon") != 0)
    return;
  mc_visit_session_abandon (self->session);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

static void
abandon_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  McVisitView *self = MC_VISIT_VIEW (widget);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                              _("Abandon this visit?"),
                                              _("Nothing is filed or recorded. The scanned papers are deleted after the retention period."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep the Visit"),
                                    "abandon", _("_Abandon"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "abandon",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_abandon_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- state shown ------------------------------------------------------------------------ */

static void
update_all (McVisitView *self)
{
  const McProcedure *procedure = mc_visit_get_procedure (self->visit);
  McVisitState state = mc_visit_get_state (self->visit);
  g_autoptr(GPtrArray) missing = mc_visit_missing_required (self->visit);
  g_autofree char *subtitle = NULL;
  gboolean finished = mc_visit_is_finished (self->visit);
  gboolean filed = state >= MC_VISIT_HANDED_OFF;

  subtitle = g_strdup_printf ("%s · %s · %s", procedure->code,
                              mc_catalog_text (procedure->portal->name, procedure->portal->name_en),
                              mc_visit_state_get_label (state));
  gtk_label_set_text (self->subtitle_label, subtitle);

  update_component_rows (self);
  update_source_label (self);
  _mc_visit_view_update_files (self);

  /* Pressed with papers missing, it says which: not a button greyed out
   * without a reason. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.package",
                                 !mc_visit_session_is_packaging (self->session) && !filed);
  gtk_spinner_set_spinning (self->package_spinner, mc_visit_session_is_packaging (self->session));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.export-zip",
                                 mc_visit_get_package_dir (self->visit) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.import", !filed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.abandon", !finished && !filed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.set-aside", !finished);
  gtk_widget_set_sensitive (GTK_WIDGET (self->receipt_row),
                            (state == MC_VISIT_PACKAGED || state == MC_VISIT_READY) &&
                            !mc_visit_session_is_recording (self->session));
  /* A filing on its way through the API is not filed in the browser too. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.open-portal",
                                 !mc_visit_session_upload_active (self->session) &&
                                 !mc_visit_session_is_enqueuing (self->session));
  gtk_widget_set_sensitive (self->scan_panel, !filed);

  if (state == MC_VISIT_RECORDED)
    {
      g_autofree char *description = g_strdup_printf (_("Receipt code: %s\nRecorded for the ward’s counts. The citizen can follow the filing on the portal with this code."),
                                                      mc_visit_get_receipt (self->visit));

      adw_status_page_set_title (self->done_page, _("Filed and recorded"));
      mc_status_page_set_description_literal (self->done_page, description);
    }
  else if (filed)
    {
      g_autofree char *description = g_strdup_printf (_("Receipt code: %s\nNot yet recorded for the ward’s counts."),
                                                      mc_visit_get_receipt (self->visit));

      adw_status_page_set_title (self->done_page, _("Filed"));
      mc_status_page_set_description_literal (self->done_page, description);
    }
  else
    {
      adw_status_page_set_title (self->done_page, _("Not filed yet"));
      adw_status_page_set_description (self->done_page, _("The receipt appears here once the portal has accepted the filing."));
    }
  _mc_visit_view_update_upload (self);
  tell_session (self);
}

static void
on_identity_switch (McVisitView *self)
{
  mc_visit_session_set_identity_in_package (self->session, gtk_switch_get_active (self->identity_switch));
}

/* The session asks for a step, and for the paper to give. */
static void
on_show_step (McVisitView *self,
              const char  *step,
              const char  *component)
{
  if (component != NULL)
    mc_visit_view_select_component (self, component);
  gtk_stack_set_visible_child_name (self->steps, step);
}

/* ---- public ------------------------------------------------------------------------ */

McVisitSession *
mc_visit_view_get_session (McVisitView *self)
{
  g_return_val_if_fail (MC_IS_VISIT_VIEW (self), NULL);
  return self->session;
}

McVisit *
mc_visit_view_get_visit (McVisitView *self)
{
  g_return_val_if_fail (MC_IS_VISIT_VIEW (self), NULL);
  return self->visit;
}

void
mc_visit_view_show_step (McVisitView *self,
                         const char  *step)
{
  g_return_if_fail (MC_IS_VISIT_VIEW (self));
  gtk_stack_set_visible_child_name (self->steps, step);
}

const char *
mc_visit_view_get_step (McVisitView *self)
{
  g_return_val_if_fail (MC_IS_VISIT_VIEW (self), NULL);
  return gtk_stack_get_visible_child_name (self->steps);
}

GtkWidget *
mc_visit_view_get_scan_panel (McVisitView *self)
{
  g_return_val_if_fail (MC_IS_VISIT_VIEW (self), NULL);
  return self->scan_panel;
}

/* The form where the clerk checks what was read from an ID card. */
GtkWidget *
mc_visit_view_get_identity_form (McVisitView *self)
{
  g_return_val_if_fail (MC_IS_VISIT_VIEW (self), NULL);
  return GTK_WIDGET (self->identity_form);
}

/* What the papers step shows of the current paper: "scan" or "card". */
const char *
mc_visit_view_get_papers_view (McVisitView *self)
{
  g_return_val_if_fail (MC_IS_VISIT_VIEW (self), NULL);
  return gtk_stack_get_visible_child_name (self->component_stack);
}

gboolean
mc_visit_view_is_busy (McVisitView *self)
{
  g_return_val_if_fail (MC_IS_VISIT_VIEW (self), FALSE);
  return mc_visit_session_is_busy (self->session);
}

static void
mc_visit_view_dispose (GObject *object)
{
  McVisitView *self = MC_VISIT_VIEW (object);

  /* The work under way stops with the view; a record under way ends. */
  if (self->session != NULL)
    {
      mc_visit_session_close (self->session);
      g_signal_handlers_disconnect_by_data (self->session, self);
    }
  /* No step or paper changes are announced while the parts go away. */
  if (self->steps != NULL)
    g_signal_handlers_disconnect_by_data (self->steps, self);
  if (self->component_stack != NULL)
    g_signal_handlers_disconnect_by_data (self->component_stack, self);
  if (self->scan_panel != NULL)
    g_signal_handlers_disconnect_by_data (self->scan_panel, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_VISIT_VIEW);
  g_clear_object (&self->session);
  g_clear_object (&self->visit);
  g_clear_object (&self->scanner);

  G_OBJECT_CLASS (mc_visit_view_parent_class)->dispose (object);
}

static void
mc_visit_view_finalize (GObject *object)
{
  McVisitView *self = MC_VISIT_VIEW (object);

  g_free (self->component);
  g_free (self->card_pending);
  g_ptr_array_unref (self->review_rows);
  g_ptr_array_unref (self->file_rows);
  g_ptr_array_unref (self->handoff_rows);

  G_OBJECT_CLASS (mc_visit_view_parent_class)->finalize (object);
}

const char *
mc_visit_view_get_component_key (McVisitView *self)
{
  g_return_val_if_fail (MC_IS_VISIT_VIEW (self), NULL);
  return self->component;
}

static void
mc_visit_view_class_init (McVisitViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mc_visit_view_dispose;
  object_class->finalize = mc_visit_view_finalize;

  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  g_type_ensure (MC_TYPE_IDENTITY_FORM);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-visit-view.ui");
  gtk_widget_class_bind_template_child (widget_class, McVisitView, title_label);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, message_label);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, steps);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, components_list);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, component_box);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, component_label);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, hint_label);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, source_label);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, reading_spinner);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, component_switcher);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, component_stack);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, scan_bin);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, identity_form);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, review_group);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, identity_row);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, identity_switch);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, package_spinner);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, files_group);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, portal_row);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, open_portal_button);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, upload_group);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, upload_row);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, upload_button);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, upload_cancel_button);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, upload_retry_button);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, upload_progress);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, handoff_group);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, receipt_row);
  gtk_widget_class_bind_template_child (widget_class, McVisitView, done_page);

  gtk_widget_class_install_action (widget_class, "visit.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "visit.edit-record", NULL, edit_record_action);
  _mc_visit_view_class_init_submit (widget_class);
  gtk_widget_class_install_action (widget_class, "visit.set-aside", NULL, set_aside_action);
  gtk_widget_class_install_action (widget_class, "visit.abandon", NULL, abandon_action);
  gtk_widget_class_install_action (widget_class, "visit.close", NULL, close_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "visit.import", NULL);
}

static void
mc_visit_view_init (McVisitView *self)
{
  self->review_rows = g_ptr_array_new ();
  self->file_rows = g_ptr_array_new ();
  self->handoff_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->steps, "notify::visible-child-name", G_CALLBACK (tell_session), self);
  g_signal_connect_swapped (self->component_stack, "notify::visible-child-name", G_CALLBACK (tell_session), self);
}

/* A card read that ended during the scan is shown once the scanner stops,
 * if the clerk is still on that paper. */
static void
on_scanner_busy (McVisitView *self)
{
  g_autofree char *pending = NULL;

  if (mc_scanner_is_busy (self->scanner))
    return;
  pending = g_steal_pointer (&self->card_pending);
  if (pending != NULL && g_strcmp0 (pending, self->component) == 0)
    {
      if (mc_visit_session_get_card (self->session, pending) != NULL)
        gtk_stack_set_visible_child_name (self->component_stack, "card");
    }
}

/* The papers are being signed and the token's PIN is needed. */
static void
on_pin_needed (McVisitView *self,
               const char  *token,
               const char  *problem)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = mc_token_pin_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               self->session, token, problem);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* @session: the visit's workflow, made by whoever opens the visit; the
 * view shows it, tells it what the clerk does, and closes it when it goes. */
GtkWidget *
mc_visit_view_new (McVisitSession *session,
                   McScanner      *scanner,
                   GSettings      *settings)
{
  McVisitView *self;
  McVisit *visit;
  const McProcedure *procedure;
  GtkDropTarget *drop;
  g_autofree char *portal_subtitle = NULL;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (session), NULL);
  g_return_val_if_fail (MC_IS_SCANNER (scanner), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (MC_TYPE_VISIT_VIEW, NULL);
  visit = mc_visit_session_get_visit (session);
  procedure = mc_visit_get_procedure (visit);
  self->visit = g_object_ref (visit);
  self->scanner = g_object_ref (scanner);
  self->session = g_object_ref (session);
  g_signal_connect_object (self->session, "changed", G_CALLBACK (update_all), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "upload-changed", G_CALLBACK (_mc_visit_view_update_upload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::message", G_CALLBACK (on_message), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "show-step", G_CALLBACK (on_show_step), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "page-cleaned", G_CALLBACK (on_page_cleaned), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "card-changed", G_CALLBACK (on_card_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "pin-needed", G_CALLBACK (on_pin_needed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (scanner, "notify::busy", G_CALLBACK (on_scanner_busy), self, G_CONNECT_SWAPPED);

  gtk_label_set_text (self->title_label, mc_catalog_text (procedure->name, procedure->name_en));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->portal_row),
                                 mc_catalog_text (procedure->portal->name, procedure->portal->name_en));
  portal_subtitle = g_strdup_printf (_("%s\nProcedure code: %s"),
                                     mc_catalog_text (procedure->portal->note ? procedure->portal->note : "",
                                                      procedure->portal->note_en),
                                     procedure->code);
  adw_action_row_set_subtitle (self->portal_row, portal_subtitle);

  self->scan_panel = mc_scan_panel_new (scanner, settings);
  gtk_widget_set_vexpand (self->scan_panel, TRUE);
  adw_bin_set_child (self->scan_bin, self->scan_panel);
  mc_identity_form_set_compact (self->identity_form, TRUE);
  g_signal_connect_object (self->identity_form, "identity-accepted", G_CALLBACK (on_identity_accepted),
                           self, G_CONNECT_SWAPPED);
  mc_scan_panel_set_decorator (MC_SCAN_PANEL (self->scan_panel), decorate_page, self);
  g_signal_connect_object (self->scan_panel, "toggle-original", G_CALLBACK (on_toggle_original), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scan_panel, "page-rotated", G_CALLBACK (on_page_rotated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scan_panel, "notify::busy", G_CALLBACK (tell_session), self, G_CONNECT_SWAPPED);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self->component_box), GTK_EVENT_CONTROLLER (drop));

  build_component_rows (self);
  g_signal_connect_swapped (self->components_list, "row-selected", G_CALLBACK (on_component_selected), self);
  g_signal_connect_swapped (self->receipt_row, "apply", G_CALLBACK (on_receipt_apply), self);
  g_signal_connect_swapped (self->receipt_row, "entry-activated", G_CALLBACK (on_receipt_apply), self);
  gtk_switch_set_active (self->identity_switch, mc_visit_get_identity_in_package (visit));
  g_signal_connect_swapped (self->identity_switch, "notify::active", G_CALLBACK (on_identity_switch), self);

  mc_visit_view_select_component (self, ((McComponent *) g_ptr_array_index (procedure->components, 0))->key);
  mc_visit_session_start (self->session);

  if (mc_visit_get_state (visit) == MC_VISIT_RECORDED)
    gtk_stack_set_visible_child_name (self->steps, "done");
  else if (mc_visit_get_state (visit) >= MC_VISIT_PACKAGED)
    gtk_stack_set_visible_child_name (self->steps, "submit");
  tell_session (self);
  return GTK_WIDGET (self);
}
