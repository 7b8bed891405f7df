/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-visit-session"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <vips/vips.h>

#include "mc-ocr-pool.h"
#include "mc-pdf-sign.h"
#include "mc-vips.h"
#include "mc-visit-session-private.h"

/* The digitization record of each paper (Thông tư 01/2023/TT-VPCP Điều
 * 7–8): pre-filled from the catalog, the card read and the text at the top
 * of the paper's first page, saved by the clerk; and the check of the
 * signatures on PDFs the citizen brings, kept in the record. */

/* The header of a paper: the top of the page (body, number, date, title). */
#define HEADER_FRACTION 0.45

/* ---- the record ---------------------------------------------------------- */

McDigitRecord *
mc_visit_session_dup_record (McVisitSession *self,
                             const char     *component)
{
  const McComponent *c;
  const McDigitRecord *saved;
  McDigitRecord *record;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);

  c = mc_procedure_find_component (mc_visit_get_procedure (self->visit), component);
  g_return_val_if_fail (c != NULL, NULL);
  saved = mc_visit_get_record (self->visit, component);
  record = saved ? mc_digit_record_copy (saved) : mc_digit_record_new ();
  mc_digit_record_prefill (record, c, mc_visit_get_identity (self->visit), NULL);
  return record;
}

/* The clerk checked it: kept as given, never pre-filled over again. */
void
mc_visit_session_save_record (McVisitSession      *self,
                              const char          *component,
                              const McDigitRecord *record)
{
  g_autoptr(McDigitRecord) copy = NULL;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));
  g_return_if_fail (record != NULL);

  copy = mc_digit_record_copy (record);
  copy->edited = TRUE;
  mc_visit_set_record (self->visit, component, copy);
  _mc_visit_session_changed (self);
}

/* ---- pre-filling from the page ------------------------------------------- */

typedef struct {
  McVisitSession *session;
  char           *component;
  char           *path;
} ReadData;

static void
read_data_free (ReadData *d)
{
  g_object_unref (d->session);
  g_free (d->component);
  g_free (d->path);
  g_free (d);
}

static void
read_header_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ReadData *d = task_data;
  g_autoptr(VipsImage) image = vips_image_new_from_file (d->path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
  g_autoptr(VipsImage) top = NULL;
  g_autoptr(McOcrResult) result = NULL;
  McOcrParams params = { .languages = "vie" };
  GError *error = NULL;

  if (image == NULL ||
      vips_crop (image, &top, 0, 0, image->Xsize, MAX (1, (int) (image->Ysize * HEADER_FRACTION)), NULL) != 0)
    {
      vips_error_clear ();
      g_task_return_new_error (task, MC_OCR_ERROR, MC_OCR_ERROR_BAD_IMAGE,
                               _("The page could not be read: %s"), d->path);
      return;
    }
  params.dpi = (int) (image->Xres * 25.4 + 0.5);
  result = mc_ocr_pool_recognize (mc_ocr_pool_get_default (), top, &params, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (result->text), g_free);
}

static void
on_header_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ReadData *d = g_task_get_task_data (G_TASK (result));
  McVisitSession *self = d->session;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_task_propagate_pointer (G_TASK (result), &error);
  const McComponent *c;
  g_autoptr(McDigitRecord) record = NULL;

  g_hash_table_remove (self->reading_records, d->component);
  /* The session was closed: nothing more to show. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->visit == NULL)
    return;
  if (text == NULL)
    {
      /* Pre-filling is a help: the clerk types what could not be read. */
      g_debug ("No text for the record of %s: %s", d->component, error->message);
      _mc_visit_session_changed (self);
      return;
    }
  c = mc_procedure_find_component (mc_visit_get_procedure (self->visit), d->component);
  record = mc_visit_get_record (self->visit, d->component)
           ? mc_digit_record_copy (mc_visit_get_record (self->visit, d->component)) : mc_digit_record_new ();
  if (!record->edited)
    {
      mc_digit_record_prefill (record, c, mc_visit_get_identity (self->visit), text);
      mc_visit_set_record (self->visit, d->component, record);
    }
  _mc_visit_session_changed (self);
}

/* Reads the top of the paper's first page (cleaned, as it is packaged)
 * on a worker and fills what is still empty in its record. */
void
mc_visit_session_read_record (McVisitSession *self,
                              const char     *component)
{
  McPageStore *store;
  g_autoptr(GTask) task = NULL;
  ReadData *d;
  char *path = NULL;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  if (g_hash_table_contains (self->reading_records, component) ||
      !(store = mc_visit_get_pages (self->visit, component)))
    return;
  for (guint i = 0; path == NULL && i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (!mc_visit_session_is_cleaning (self, component, mc_page_get_basename (page)))
        path = mc_visit_dup_page_for_package (self->visit, component, page);
    }
  if (path == NULL)
    return;

  d = g_new0 (ReadData, 1);
  d->session = g_object_ref (self);
  d->component = g_strdup (component);
  d->path = path;
  g_hash_table_add (self->reading_records, g_strdup (component));
  task = g_task_new (NULL, self->cancellable, on_header_read, NULL);
  g_task_set_source_tag (task, mc_visit_session_read_record);
  g_task_set_task_data (task, d, (GDestroyNotify) read_data_free);
  g_task_run_in_thread (task, read_header_thread);
  _mc_visit_session_changed (self);
}

gboolean
mc_visit_session_is_reading_record (McVisitSession *self,
                                    const char     *component)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return g_hash_table_contains (self->reading_records, component);
}

/* ---- signatures on the PDFs the citizen brings ------------------------------ */

typedef struct {
  McVisitSession *session;
  char           *component;
  GStrv           paths;
  char           *ca_file;
} CheckData;

static void
check_data_free (CheckData *d)
{
  g_object_unref (d->session);
  g_free (d->component);
  g_strfreev (d->paths);
  g_free (d->ca_file);
  g_free (d);
}

/* What one file shows: the last signature covers the ones before it and
 * must reach the end of the file, or something was added after signing. */
static McSourceSignature
check_file (const char     *path,
            const char     *ca_file,
            char          **signer,
            McChainStatus  *chain)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sigs = mc_pdf_verify (path, ca_file, &error);
  McPdfSignature *last;

  /* An authorities file that cannot be read must not make every
   * signature look broken: checked without it, the chain unchecked. */
  if (sigs == NULL && ca_file != NULL)
    {
      g_debug ("Signatures of %s checked without %s: %s", path, ca_file, error->message);
      g_clear_error (&error);
      sigs = mc_pdf_verify (path, NULL, &error);
    }
  /* Not a PDF that can be read: the import says so; nothing to show here. */
  if (sigs == NULL)
    {
      g_debug ("Signatures of %s not checked: %s", path, error->message);
      return MC_SOURCE_NOT_CHECKED;
    }
  if (sigs->len == 0)
    return MC_SOURCE_NOT_SIGNED;
  for (guint i = 0; i < sigs->len; i++)
    if (!((McPdfSignature *) g_ptr_array_index (sigs, i))->intact)
      return MC_SOURCE_SIGNED_BROKEN;
  last = g_ptr_array_index (sigs, sigs->len - 1);
  if (!last->covers_whole_file)
    return MC_SOURCE_SIGNED_BROKEN;
  *signer = g_strdup (last->signer);
  *chain = last->chain;
  return MC_SOURCE_SIGNED_INTACT;
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CheckData *d = task_data;
  McDigitRecord *found = mc_digit_record_new ();

  /* Several files for one paper: the worst result stands (broken, then
   * not signed, then signed and intact). */
  for (guint i = 0; d->paths[i] != NULL; i++)
    {
      g_autofree char *signer = NULL;
      McChainStatus chain = MC_CHAIN_NOT_CHECKED;
      McSourceSignature status = check_file (d->paths[i], d->ca_file, &signer, &chain);
      static const int rank[] = { 0, 2, 1, 3 };

      if (status == MC_SOURCE_NOT_CHECKED)
        continue;
      if (found->source == MC_SOURCE_NOT_CHECKED || rank[status] > rank[found->source])
        {
          found->source = status;
          g_free (found->source_signer);
          found->source_signer = g_steal_pointer (&signer);
          found->source_chain = chain;
          g_free (found->source_file);
          found->source_file = g_path_get_basename (d->paths[i]);
        }
    }
  g_task_return_pointer (task, found, (GDestroyNotify) mc_digit_record_free);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CheckData *d = g_task_get_task_data (G_TASK (result));
  McVisitSession *self = d->session;
  g_autoptr(McDigitRecord) found = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr(McDigitRecord) record = NULL;
  g_autofree char *text = NULL;

  if (found == NULL || found->source == MC_SOURCE_NOT_CHECKED || self->visit == NULL)
    return;
  record = mc_visit_get_record (self->visit, d->component)
           ? mc_digit_record_copy (mc_visit_get_record (self->visit, d->component)) : mc_digit_record_new ();
  record->source = found->source;
  g_free (record->source_signer);
  record->source_signer = g_steal_pointer (&found->source_signer);
  record->source_chain = found->source_chain;
  g_free (record->source_file);
  record->source_file = g_steal_pointer (&found->source_file);
  mc_visit_set_record (self->visit, d->component, record);

  /* A broken signature is worth stopping for; the others are shown on the paper. */
  text = mc_digit_record_dup_source_text (record);
  if (record->source == MC_SOURCE_SIGNED_BROKEN)
    {
      /* TRANSLATORS: the file's name, then what its signature check found */
      g_autofree char *message = g_strdup_printf (_("%s: %s. Ask the citizen for the original."),
                                                  record->source_file, text);

      mc_visit_session_set_message (self, message, TRUE);
    }
  _mc_visit_session_changed (self);
}

/* Called with the files imported into @component: the PDFs among them
 * have their signatures checked on a worker, against the configured
 * authorities ("signature-ca-file") if any. */
void
_mc_visit_session_check_imported (McVisitSession     *self,
                                  const char         *component,
                                  const char * const *paths)
{
  g_autoptr(GStrvBuilder) pdfs = g_strv_builder_new ();
  g_autoptr(GTask) task = NULL;
  g_autofree char *ca_file = NULL;
  CheckData *d;
  guint n = 0;

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autofree char *lower = g_ascii_strdown (paths[i], -1);

      if (g_str_has_suffix (lower, ".pdf"))
        {
          g_strv_builder_add (pdfs, paths[i]);
          n++;
        }
    }
  if (n == 0)
    return;

  ca_file = g_settings_get_string (self->settings, "signature-ca-file");
  d = g_new0 (CheckData, 1);
  d->session = g_object_ref (self);
  d->component = g_strdup (component);
  d->paths = g_strv_builder_end (pdfs);
  d->ca_file = *ca_file ? g_steal_pointer (&ca_file) : NULL;
  task = g_task_new (NULL, self->cancellable, on_checked, NULL);
  g_task_set_source_tag (task, _mc_visit_session_check_imported);
  g_task_set_task_data (task, d, (GDestroyNotify) check_data_free);
  g_task_run_in_thread (task, check_thread);
}
