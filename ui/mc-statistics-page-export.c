/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-statistics-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-ledger-csv.h"
#include "mc-report-document.h"
#include "mc-statistics-page-private.h"
#include "mc-ui.h"

/* The statistics page's exports (CSV table, PDF report) and printing. */

static char *
suggested_name (McStatisticsPage *self,
                const char       *extension)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  McDay a, b;

  mc_statistics_page_get_range (self, &a, &b);
  from = mc_day_format (a);
  to = mc_day_format (b);
  /* Translators: file name of an export: first day, last day, extension */
  return g_strdup_printf (_("filings-%s-to-%s.%s"), from, to, extension);
}

typedef struct {
  McLedger      *ledger;
  McWardCatalog *catalog;
  McDay          from;
  McDay          to;
  char          *ward_code;
  guint          target;
  GFile         *file;
  gboolean       pdf;
} ExportData;

static void
export_data_free (ExportData *d)
{
  g_clear_object (&d->ledger);
  g_clear_object (&d->catalog);
  g_clear_object (&d->file);
  g_free (d->ward_code);
  g_free (d);
}

static ExportData *
export_data_new (McStatisticsPage *self,
                 GFile            *file,
                 gboolean          pdf)
{
  ExportData *d = g_new0 (ExportData, 1);

  d->ledger = g_object_ref (self->ledger);
  d->catalog = g_object_ref (self->catalog);
  mc_statistics_page_get_range (self, &d->from, &d->to);
  d->ward_code = g_strdup (self->ward_code);
  d->target = g_settings_get_uint (self->settings, "online-target-percent");
  d->file = file ? g_object_ref (file) : NULL;
  d->pdf = pdf;
  return d;
}

/* Exports count afresh on their own snapshot: what is written is what the
 * ledger holds when the button is pressed. */
static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *d = task_data;
  GError *error = NULL;
  g_autoptr(McSummary) summary = mc_summary_build (mc_ledger_get_store (d->ledger), d->catalog,
                                                   mc_ledger_get_procedures (d->ledger),
                                                   d->from, d->to, d->ward_code, &error);

  if (summary == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (d->pdf)
    {
      g_autoptr(McReportDocument) doc = mc_report_document_new (g_steal_pointer (&summary), d->target);
      g_autofree char *path = g_file_get_path (d->file);

      if (path == NULL || !mc_report_document_write_pdf (doc, path, &error))
        {
          if (error == NULL)
            error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                         _("The report can only be saved to a folder on this computer"));
          g_task_return_error (task, error);
          return;
        }
    }
  else
    {
      g_autoptr(GBytes) csv = mc_summary_to_csv (summary);

      if (!g_file_replace_contents (d->file, g_bytes_get_data (csv, NULL), g_bytes_get_size (csv), NULL,
                                    FALSE, G_FILE_CREATE_NONE, NULL, cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
start_export (McStatisticsPage    *self,
              GFile               *file,
              gboolean             pdf,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  if (self->ledger == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("The ledger is not open"));
      return;
    }
  g_task_set_task_data (task, export_data_new (self, file, pdf), (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

void
mc_statistics_page_export_csv_async (McStatisticsPage    *self,
                                     GFile               *file,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (MC_IS_STATISTICS_PAGE (self));
  start_export (self, file, FALSE, callback, user_data);
}

gboolean
mc_statistics_page_export_csv_finish (McStatisticsPage  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
mc_statistics_page_export_pdf_async (McStatisticsPage    *self,
                                     GFile               *file,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (MC_IS_STATISTICS_PAGE (self));
  start_export (self, file, TRUE, callback, user_data);
}

gboolean
mc_statistics_page_export_pdf_finish (McStatisticsPage  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_exported (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  McStatisticsPage *self = MC_STATISTICS_PAGE (object);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    _mc_statistics_page_toast (self, error->message);
  else
    _mc_statistics_page_toast (self, GPOINTER_TO_INT (user_data) ? _("Report saved") : _("Table saved"));
}

static void
on_save_response (GtkNativeDialog *native,
                  int              response,
                  gpointer         user_data)
{
  McStatisticsPage *self = user_data;
  gboolean pdf = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (native), "pdf"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      start_export (self, file, pdf, on_exported, GINT_TO_POINTER (pdf));
    }
  g_object_unref (native);
  g_object_unref (self);
}

void
_mc_statistics_page_ask_where_to_save (McStatisticsPage *self,
                                       gboolean          pdf)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *native;
  g_autofree char *name = suggested_name (self, pdf ? "pdf" : "csv");

  if (self->ledger == NULL)
    return;
  native = gtk_file_chooser_native_new (pdf ? _("Save the Monthly Report") : _("Save the Table"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  g_object_set_data (G_OBJECT (native), "pdf", GINT_TO_POINTER (pdf));
  g_signal_connect (native, "response", G_CALLBACK (on_save_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* ---- Printing ----------------------------------------------------------- */

static void
on_begin_print (GtkPrintOperation *op,
                GtkPrintContext   *context,
                McReportDocument  *doc)
{
  guint n = mc_report_document_paginate (doc, gtk_print_context_get_cairo_context (context),
                                         gtk_print_context_get_width (context),
                                         gtk_print_context_get_height (context));

  gtk_print_operation_set_n_pages (op, (int) n);
}

static void
on_draw_page (GtkPrintOperation *op,
              GtkPrintContext   *context,
              int                page,
              McReportDocument  *doc)
{
  mc_report_document_draw_page (doc, gtk_print_context_get_cairo_context (context), (guint) page);
}

static void
on_print_done (GtkPrintOperation       *op,
               GtkPrintOperationResult  result,
               McStatisticsPage        *self)
{
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_autoptr(GError) error = NULL;

      gtk_print_operation_get_error (op, &error);
      _mc_statistics_page_toast (self, error ? error->message : _("The report could not be printed"));
    }
  _mc_statistics_page_emit_printed (self, (int) result);
}

static void
on_print_summary (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(McStatisticsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkPrintOperation) op = NULL;
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autoptr(McReportDocument) doc = NULL;
  g_autofree char *export_path = g_strdup (g_object_get_data (G_OBJECT (self), "mc-print-export"));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  McSummary *summary = mc_ledger_summarize_finish (MC_LEDGER (object), result, &error);
  GtkPrintOperationResult res;

  g_object_set_data (G_OBJECT (self), "mc-print-export", NULL);
  if (summary == NULL)
    {
      _mc_statistics_page_toast (self, error->message);
      _mc_statistics_page_emit_printed (self, (int) GTK_PRINT_OPERATION_RESULT_ERROR);
      return;
    }

  doc = mc_report_document_new (summary, g_settings_get_uint (self->settings, "online-target-percent"));
  op = gtk_print_operation_new ();
  gtk_page_setup_set_paper_size (setup, a4);
  gtk_print_operation_set_default_page_setup (op, setup);
  gtk_print_operation_set_unit (op, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (op, TRUE);
  gtk_print_operation_set_embed_page_setup (op, TRUE);
  gtk_print_operation_set_job_name (op, _("Report of assisted online filings"));
  g_signal_connect_object (op, "begin-print", G_CALLBACK (on_begin_print), doc, 0);
  g_signal_connect_object (op, "draw-page", G_CALLBACK (on_draw_page), doc, 0);
  g_signal_connect_object (op, "done", G_CALLBACK (on_print_done), self, 0);
  /* The operation keeps the document for as long as it runs. */
  g_object_set_data_full (G_OBJECT (op), "mc-document", g_object_ref (doc), g_object_unref);

  if (export_path != NULL)
    {
      gtk_print_operation_set_export_filename (op, export_path);
      res = gtk_print_operation_run (op, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, &error);
    }
  else
    {
      gtk_print_operation_set_allow_async (op, TRUE);
      res = gtk_print_operation_run (op, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                     GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, &error);
    }
  if (res == GTK_PRINT_OPERATION_RESULT_ERROR)
    _mc_statistics_page_toast (self, error ? error->message : _("The report could not be printed"));
}

void
mc_statistics_page_print (McStatisticsPage *self,
                          const char       *export_path)
{
  McDay from, to;

  g_return_if_fail (MC_IS_STATISTICS_PAGE (self));

  if (self->ledger == NULL)
    return;
  mc_statistics_page_get_range (self, &from, &to);
  g_object_set_data_full (G_OBJECT (self), "mc-print-export", g_strdup (export_path), g_free);
  mc_ledger_summarize_async (self->ledger, self->catalog, from, to, self->ward_code, NULL,
                             on_print_summary, g_object_ref (self));
}
