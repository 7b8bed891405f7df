/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-visit-view"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-package.h"
#include "mc-ui.h"
#include "mc-visit-view-private.h"

/* The visit view's last two steps: what is checked and packaged, the
 * files handed to the portal in the browser, and the upload through the
 * portal's API. The session does the work; this shows it. */

/* ---- review and package ---------------------------------------------------------- */

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static void
update_review (McVisitView *self)
{
  const McProcedure *procedure = mc_visit_get_procedure (self->visit);
  JsonObject *identity = mc_visit_get_identity (self->visit);

  clear_rows (self->review_group, self->review_rows);
  for (guint i = 0; i < procedure->components->len; i++)
    {
      const McComponent *c = g_ptr_array_index (procedure->components, i);
      GtkWidget *row = adw_action_row_new ();
      guint n = mc_visit_count_pages (self->visit, c->key);
      g_autofree char *subtitle = NULL;

      if (n > 0)
        subtitle = g_strdup_printf (ngettext ("%u page", "%u pages", n), n);
      else if (c->required)
        subtitle = g_strdup (_("Missing: scan or import it in step 1"));
      else
        subtitle = g_strdup (_("Optional, not given"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mc_catalog_text (c->name, c->name_en));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name (n > 0 ? "emblem-ok-symbolic"
                                                               : c->required ? "dialog-warning-symbolic"
                                                               : "list-remove-symbolic"));
      adw_preferences_group_add (self->review_group, row);
      g_ptr_array_add (self->review_rows, row);
    }

  if (identity != NULL && json_object_has_member (identity, "full_name"))
    {
      /* Translators: the citizen's name · ID number */
      g_autofree char *text = g_strdup_printf (_("%s · %s"),
                                               json_object_get_string_member_with_default (identity, "full_name", ""),
                                               json_object_get_string_member_with_default (identity, "id_number", "—"));

      adw_action_row_set_subtitle (self->identity_row, text);
    }
  else
    adw_action_row_set_subtitle (self->identity_row, _("Not read yet: scan the ID card with the papers"));
}

static void
package_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  mc_visit_session_package (MC_VISIT_VIEW (widget)->session);
}

static void
on_zip_response (GtkNativeDialog *dialog,
                 int              response,
                 McVisitView     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      mc_visit_session_export_zip (self->session, path);
    }
  g_object_unref (dialog);
}

static void
export_zip_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  McVisitView *self = MC_VISIT_VIEW (widget);
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;

  if (mc_visit_get_package_dir (self->visit) == NULL)
    return;
  dialog = gtk_file_chooser_native_new (_("Save the Files as ZIP"), GTK_WINDOW (gtk_widget_get_root (widget)),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  name = g_strdup_printf ("%s-%s.zip", mc_visit_get_procedure (self->visit)->code,
                          mc_visit_get_id (self->visit));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_signal_connect (dialog, "response", G_CALLBACK (on_zip_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- hand-off to the portal in the browser ---------------------------------------- */

static GdkContentProvider *
on_file_drag_prepare (GtkDragSource *source,
                      double         x,
                      double         y,
                      GFile         *file)
{
  GSList list = { file, NULL };
  GdkFileList *files = gdk_file_list_new_from_list (&list);
  GdkContentProvider *provider;

  /* Browsers take a file list (text/uri-list) on their upload fields. */
  provider = gdk_content_provider_new_union ((GdkContentProvider *[]) {
      gdk_content_provider_new_typed (GDK_TYPE_FILE_LIST, files),
      gdk_content_provider_new_typed (G_TYPE_FILE, file),
    }, 2);
  g_boxed_free (GDK_TYPE_FILE_LIST, files);
  return provider;
}

static void
copy_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  McVisitView *self = MC_VISIT_VIEW (widget);
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (param, NULL));
  GSList list = { file, NULL };
  GdkFileList *files = gdk_file_list_new_from_list (&list);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *text = g_strdup_printf (_("%s copied: paste it on the portal’s upload field."), name);

  gdk_clipboard_set (gtk_widget_get_clipboard (widget), GDK_TYPE_FILE_LIST, files);
  g_boxed_free (GDK_TYPE_FILE_LIST, files);
  mc_visit_session_set_message (self->session, text, FALSE);
}

static void
add_file_rows (McVisitView         *self,
               AdwPreferencesGroup *group,
               GPtrArray           *rows,
               gboolean             draggable)
{
  const char *dir = mc_visit_get_package_dir (self->visit);
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *unsigned_why = NULL;

  clear_rows (group, rows);
  gtk_widget_set_visible (GTK_WIDGET (group), dir != NULL);
  if (dir == NULL)
    return;
  names = mc_visit_session_list_package_files (self->session);
  /* Signatures required and a file unsigned: nothing to hand off yet. */
  if (draggable && (unsigned_why = mc_visit_session_dup_unsigned_reason (self->session)) != NULL)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      draggable = FALSE;
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Not ready to hand off"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), unsigned_why);
      /* The reason in plain text: tinted, it is hard to read. */
      gtk_widget_add_css_class (icon, "warning");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_preferences_group_add (group, row);
      g_ptr_array_add (rows, row);
    }

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *shown = g_filename_display_name (g_ptr_array_index (names, i));
      GStatBuf st;
      g_autofree char *size = NULL;
      g_autofree char *signature = mc_visit_session_dup_signature_text (self->session, g_ptr_array_index (names, i));
      const McComponentSignature *sig = mc_visit_session_get_signature (self->session, g_ptr_array_index (names, i));

      g_stat (path, &st);
      size = g_format_size (st.st_size);
      /* Each paper says whether it carries the clerk's signature, and whose. */
      if (signature != NULL)
        {
          gboolean is_signed = sig != NULL && sig->signer != NULL;
          GtkWidget *badge = gtk_image_new_from_icon_name (is_signed ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
          g_autofree char *both = g_strdup_printf ("%s · %s", size, signature);

          gtk_widget_add_css_class (badge, is_signed ? "success" : "warning");
          gtk_widget_set_tooltip_text (badge, sig != NULL && sig->problem != NULL ? sig->problem : signature);
          gtk_accessible_update_property (GTK_ACCESSIBLE (badge), GTK_ACCESSIBLE_PROPERTY_LABEL, signature, -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
          g_free (size);
          size = g_steal_pointer (&both);
        }
      /* A file name is shown as it is, whatever characters it holds. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), shown);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), size);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("x-office-document-symbolic"));
      if (draggable)
        {
          GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
          GtkDragSource *drag = gtk_drag_source_new ();

          gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (copy, _("Copy the file"));
          gtk_accessible_update_property (GTK_ACCESSIBLE (copy), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _("Copy the file"), -1);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "visit.copy-file");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (copy), "s", path);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), copy);
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("list-drag-handle-symbolic"));
          gtk_drag_source_set_actions (drag, GDK_ACTION_COPY);
          g_signal_connect_data (drag, "prepare", G_CALLBACK (on_file_drag_prepare),
                                 g_object_ref (file), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
          gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (drag));
        }
      adw_preferences_group_add (group, row);
      g_ptr_array_add (rows, row);
    }
}

static void
open_portal_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  McVisitView *self = MC_VISIT_VIEW (widget);
  g_autofree char *url = mc_procedure_dup_apply_url (mc_visit_get_procedure (self->visit));

  gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (widget)), url, GDK_CURRENT_TIME);
}

/* ---- upload through the portal's API -------------------------------------------------- */

/* What the clerk sees of the upload, as the session has it. */
void
_mc_visit_view_update_upload (McVisitView *self)
{
  McVisitState state = mc_visit_get_state (self->visit);
  gboolean filed = state >= MC_VISIT_HANDED_OFF;
  gboolean offered = mc_visit_session_upload_offered (self->session);
  gboolean active = mc_visit_session_upload_active (self->session);
  gboolean failed = mc_visit_session_upload_failed (self->session);
  gboolean progress_visible = FALSE;
  double fraction = 0.0;
  g_autofree char *progress = mc_visit_session_dup_upload_progress (self->session, &fraction, &progress_visible);

  gtk_widget_set_visible (GTK_WIDGET (self->upload_group), offered);
  /* One suggested action on the page: the upload when there is one. */
  if (offered)
    gtk_widget_remove_css_class (self->open_portal_button, "suggested-action");
  else
    gtk_widget_add_css_class (self->open_portal_button, "suggested-action");
  adw_action_row_set_subtitle (self->upload_row, mc_visit_session_get_upload_status (self->session));

  gtk_widget_set_visible (self->upload_button, !active && !failed && !filed);
  gtk_widget_set_visible (self->upload_cancel_button, active && !filed);
  gtk_widget_set_visible (self->upload_retry_button, failed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.upload", mc_visit_session_can_upload (self->session));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.upload-cancel", active && !filed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.upload-retry",
                                 mc_visit_session_can_retry_upload (self->session));

  gtk_widget_set_visible (GTK_WIDGET (self->upload_progress), progress_visible);
  gtk_progress_bar_set_fraction (self->upload_progress, fraction);
  gtk_progress_bar_set_text (self->upload_progress, progress);
}

static void
upload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  mc_visit_session_upload (MC_VISIT_VIEW (widget)->session);
}

static void
upload_cancel_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  mc_visit_session_upload_cancel (MC_VISIT_VIEW (widget)->session);
}

static void
upload_retry_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  mc_visit_session_upload_retry (MC_VISIT_VIEW (widget)->session);
}

/* The review's rows and the prepared files, in the review and hand-off. */
void
_mc_visit_view_update_files (McVisitView *self)
{
  update_review (self);
  add_file_rows (self, self->files_group, self->file_rows, FALSE);
  add_file_rows (self, self->handoff_group, self->handoff_rows, TRUE);
}

void
_mc_visit_view_class_init_submit (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "visit.package", NULL, package_action);
  gtk_widget_class_install_action (widget_class, "visit.export-zip", NULL, export_zip_action);
  gtk_widget_class_install_action (widget_class, "visit.open-portal", NULL, open_portal_action);
  gtk_widget_class_install_action (widget_class, "visit.upload", NULL, upload_action);
  gtk_widget_class_install_action (widget_class, "visit.upload-cancel", NULL, upload_cancel_action);
  gtk_widget_class_install_action (widget_class, "visit.upload-retry", NULL, upload_retry_action);
  gtk_widget_class_install_action (widget_class, "visit.copy-file", "s", copy_file_action);
}
