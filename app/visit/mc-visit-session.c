/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-visit-session"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-import.h"
#include "mc-package.h"
#include "mc-visit-filing.h"
#include "mc-visit-session-private.h"

/* The session itself: what the view is told, the papers, the package,
 * the receipt and its record, the object. Cleaning, card reading and the
 * upload are in mc-visit-session-{clean,cards,upload}.c. */


G_DEFINE_FINAL_TYPE (McVisitSession, mc_visit_session, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  SIGNAL_UPLOAD_CHANGED,
  SIGNAL_SHOW_STEP,
  SIGNAL_PAGE_CLEANED,
  SIGNAL_CARD_CHANGED,
  SIGNAL_PIN_NEEDED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_MESSAGE,
  PROP_MESSAGE_IS_ERROR,
  PROP_BUSY,
  PROP_COMPONENT,
  PROP_UPLOAD_STATUS,
  PROP_STEP,
  PROP_PAPERS_VIEW,
  PROP_SCANNING,
  PROP_USE_FEEDER,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

/* ---- what the view is told --------------------------------------------------- */

void
_mc_visit_session_changed (McVisitSession *self)
{
  _mc_visit_session_update_upload_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
_mc_visit_session_show_step (McVisitSession *self,
           const char     *step,
           const char     *component)
{
  g_signal_emit (self, signals[SIGNAL_SHOW_STEP], 0, step, component);
}

void
mc_visit_session_set_message (McVisitSession *self,
                              const char     *message,
                              gboolean        is_error)
{
  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  g_free (self->message);
  self->message = g_strdup (message);
  self->message_is_error = is_error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE_IS_ERROR]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

const char *
mc_visit_session_get_message (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);
  return self->message;
}

gboolean
mc_visit_session_get_message_is_error (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return self->message_is_error;
}

/* A button's label as the clerk reads it, for messages that name it. */
char *
_mc_visit_session_strip_mnemonic (const char *label)
{
  GString *out = g_string_new (NULL);

  for (const char *p = label; *p; p++)
    if (*p != '_' || p[1] == '_')
      g_string_append_c (out, *p);
    else if (p[1] == '\0')
      break;
  return g_string_free (out, FALSE);
}

/* ---- the papers ------------------------------------------------------------- */

static void
on_store_changed (McVisitSession *self)
{
  mc_visit_refresh_state (self->visit);
  _mc_visit_session_clean_new_pages (self);
  _mc_visit_session_read_new_cards (self);
  _mc_visit_session_changed (self);
}

static void
watch_store (McVisitSession *self,
             McPageStore    *store)
{
  if (store == NULL || g_ptr_array_find (self->watched, store, NULL))
    return;
  g_ptr_array_add (self->watched, g_object_ref (store));
  g_signal_connect_object (store, "items-changed", G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
}

void
mc_visit_session_set_component (McVisitSession *self,
                                const char     *key)
{
  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  if (g_strcmp0 (self->component, key) == 0)
    return;
  g_free (self->component);
  self->component = g_strdup (key);
  watch_store (self, key ? mc_visit_get_pages (self->visit, key) : NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPONENT]);
}

const char *
mc_visit_session_get_component (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);
  return self->component;
}

/* ---- what the clerk is doing now ---------------------------------------------- */

void
mc_visit_session_set_step (McVisitSession *self,
                           const char     *step)
{
  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  if (g_strcmp0 (self->step, step) == 0)
    return;
  g_free (self->step);
  self->step = g_strdup (step);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

const char *
mc_visit_session_get_step (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);
  return self->step;
}

void
mc_visit_session_set_papers_view (McVisitSession *self,
                                  const char     *papers_view)
{
  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  if (g_strcmp0 (self->papers_view, papers_view) == 0)
    return;
  g_free (self->papers_view);
  self->papers_view = g_strdup (papers_view);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAPERS_VIEW]);
}

const char *
mc_visit_session_get_papers_view (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);
  return self->papers_view;
}

void
mc_visit_session_set_scanning (McVisitSession *self,
                               gboolean        scanning)
{
  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  if (self->scanning == !!scanning)
    return;
  self->scanning = !!scanning;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
}

gboolean
mc_visit_session_get_scanning (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return self->scanning;
}

void
mc_visit_session_set_use_feeder (McVisitSession *self,
                                 gboolean        use_feeder)
{
  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  if (self->use_feeder == !!use_feeder)
    return;
  self->use_feeder = !!use_feeder;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USE_FEEDER]);
}

gboolean
mc_visit_session_get_use_feeder (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return self->use_feeder;
}

McIdentity *
mc_visit_session_get_shown_identity (McVisitSession *self)
{
  const McComponent *c;
  McIdResult *result;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);

  c = self->component ? mc_procedure_find_component (mc_visit_get_procedure (self->visit), self->component) : NULL;
  if (c == NULL || c->profile != MC_PROFILE_ID_CARD)
    return NULL;
  result = mc_visit_session_get_card (self, c->key);
  return result != NULL ? result->identity : NULL;
}

static void
on_imported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(McVisitSession) self = user_data;
  McPageStore *store = MC_PAGE_STORE (source);
  g_autoptr(GPtrArray) partial = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GError) error = NULL;

  pages = mc_import_files_finish (store, result, &partial, &error);
  if (pages == NULL)
    {
      mc_visit_session_set_message (self, error->message, TRUE);
      pages = g_steal_pointer (&partial);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u page added.", "%u pages added.", pages->len),
                                               pages->len);

      mc_visit_session_set_message (self, text, FALSE);
    }
  for (guint i = 0; pages && i < pages->len; i++)
    mc_page_store_append (store, g_ptr_array_index (pages, i));
}

/* Files (PDFs, pictures) become pages of the current paper. */
void
mc_visit_session_import (McVisitSession     *self,
                         const char * const *paths)
{
  McPageStore *store;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  if (self->component == NULL || !(store = mc_visit_get_pages (self->visit, self->component)) ||
      paths == NULL || paths[0] == NULL)
    return;
  mc_visit_session_set_message (self, _("Reading the files…"), FALSE);
  mc_import_files_async (store, paths, self->cancellable, on_imported, g_object_ref (self));
  _mc_visit_session_check_imported (self, self->component, paths);
}

/* ---- package --------------------------------------------------------------------- */

static void
on_packaged (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(McVisitSession) self = user_data;
  g_autoptr(GError) error = NULL;
  McPackageReport report = { 0 };
  g_autofree char *unsigned_why = NULL;
  gboolean built;

  self->packaging = FALSE;
  built = mc_package_build_finish (MC_VISIT (source), result, &report, &error);
  unsigned_why = _mc_visit_session_end_signing (self, built);
  if (!built)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        mc_visit_session_set_message (self, error->message, TRUE);
      _mc_visit_session_changed (self);
      return;
    }

  {
    g_autofree char *size = g_format_size (report.bytes);
    g_autofree char *text = g_strdup_printf (_("%u files ready, %u pages, %s in all."),
                                             report.files, report.pages, size);

    if (unsigned_why != NULL)
      {
        /* The files are whole, only not signed: say why, and how to sign them. */
        g_autofree char *button = _mc_visit_session_strip_mnemonic (_("_Make the Files for the Portal"));
        /* Translators: the files made, then why they are not signed, then the button's label */
        g_autofree char *full = g_strdup_printf (_("%s Not every file is signed: %s\nWhen that is put right, press “%s” again to sign them."),
                                                 text, unsigned_why, button);

        mc_visit_session_set_message (self, full, TRUE);
      }
    else
      mc_visit_session_set_message (self, text, FALSE);
  }
  _mc_visit_session_changed (self);
  _mc_visit_session_show_step (self, "submit", NULL);
}

void
mc_visit_session_package (McVisitSession *self)
{
  McPackageOptions options = { 0 };
  g_autoptr(GPtrArray) missing = NULL;
  g_autofree char *code_format = NULL;
  g_autofree char *name_template = NULL;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  missing = mc_visit_missing_required (self->visit);
  if (self->packaging)
    return;
  if (missing->len > 0)
    {
      /* Name what is missing and go where it is given. */
      g_autoptr(GString) names = g_string_new (NULL);
      g_autofree char *text = NULL;

      for (guint i = 0; i < missing->len; i++)
        {
          const McComponent *c = g_ptr_array_index (missing, i);

          if (i > 0)
            g_string_append (names, _(", "));
          g_string_append (names, mc_catalog_text (c->name, c->name_en));
        }
      text = g_strdup_printf (ngettext ("Still missing: %s. Scan or import it, then make the files.",
                                        "Still missing: %s. Scan or import them, then make the files.",
                                        missing->len), names->str);
      _mc_visit_session_show_step (self, "papers", ((const McComponent *) g_ptr_array_index (missing, 0))->key);
      mc_visit_session_set_message (self, text, TRUE);
      return;
    }
  options.file_limit_bytes = (guint64) g_settings_get_uint (self->settings, "portal-file-limit-mb") * 1000 * 1000;
  options.dpi = (int) g_settings_get_uint (self->settings, "scan-resolution");
  _mc_visit_session_begin_signing (self, &options);
  code_format = g_settings_get_string (self->settings, "digitization-code-format");
  name_template = g_settings_get_string (self->settings, "file-name-template");
  options.code_format = code_format;
  options.name_template = name_template;
  self->packaging = TRUE;
  mc_visit_session_set_message (self, _("Making the files: reading the text of every page…"), FALSE);
  _mc_visit_session_changed (self);
  mc_package_build_async (self->visit, &options, self->cancellable, on_packaged, g_object_ref (self));
}

void
mc_visit_session_export_zip (McVisitSession *self,
                             const char     *path)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  if (mc_package_export_zip (mc_visit_get_package_dir (self->visit), path, &error))
    mc_visit_session_set_message (self, _("The ZIP file is saved."), FALSE);
  else
    mc_visit_session_set_message (self, error->message, TRUE);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
mc_visit_session_list_package_files (McVisitSession *self)
{
  const char *dir;
  g_autoptr(GDir) listing = NULL;
  GPtrArray *names;
  const char *name;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);

  dir = mc_visit_get_package_dir (self->visit);
  /* The procedure's order, whatever the names' (file-name-template). */
  if (dir != NULL && (names = mc_package_list_files (dir)) != NULL)
    return names;
  names = g_ptr_array_new_with_free_func (g_free);
  if (dir == NULL || !(listing = g_dir_open (dir, 0, NULL)))
    return names;
  while ((name = g_dir_read_name (listing)) != NULL)
    if (!g_str_equal (name, "manifest.json"))
      g_ptr_array_add (names, g_strdup (name));
  /* g_ptr_array_sort() hands the comparison the elements' addresses. */
  g_ptr_array_sort (names, compare_names);
  return names;
}

void
mc_visit_session_set_identity_in_package (McVisitSession *self,
                                          gboolean        include)
{
  g_return_if_fail (MC_IS_VISIT_SESSION (self));
  mc_visit_set_identity_in_package (self->visit, include);
  _mc_visit_session_changed (self);
}

/* ---- recording ----------------------------------------------------------------------- */

static void
on_recorded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(McVisitSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!mc_visit_record_filing_finish (MC_VISIT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;   /* the session is closed; the record went on without it */
      self->recording = FALSE;
      {
        g_autofree char *text = g_strdup_printf (_("The receipt is kept with the visit, but the filing could not be recorded for the counts: %s"),
                                                 error->message);

        mc_visit_session_set_message (self, text, TRUE);
      }
      _mc_visit_session_changed (self);
      return;
    }
  self->recording = FALSE;
  mc_visit_session_set_message (self, NULL, FALSE);
  _mc_visit_session_changed (self);
  _mc_visit_session_show_step (self, "done", NULL);
}

/* The session and the application both record through
 * mc_visit_filing_record(): whichever asks second joins the record under
 * way. */
void
_mc_visit_session_record_filing (McVisitSession *self)
{
  if (self->ledger == NULL)
    {
      mc_visit_session_set_message (self, _("The receipt is saved. The record of filings is not open yet; the filing will be recorded when it is."), FALSE);
      return;
    }
  if (self->recording)
    return;
  self->recording = TRUE;
  if (!mc_visit_filing_record (self->visit, self->ledger, self->cancellable, on_recorded, g_object_ref (self)))
    {
      g_object_unref (self);
      self->recording = FALSE;
    }
}

/* The clerk typed the receipt the portal gave in the browser. */
void
mc_visit_session_apply_receipt (McVisitSession *self,
                                const char     *receipt)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  if (!mc_visit_set_receipt (self->visit, receipt, MC_SUBMIT_BROWSER, &error))
    {
      mc_visit_session_set_message (self, error->message, TRUE);
      return;
    }
  /* Filed in the browser: an upload still waiting must not file it again. */
  _mc_visit_session_drop_upload (self);
  _mc_visit_session_record_filing (self);
  _mc_visit_session_changed (self);
}

void
mc_visit_session_set_ledger (McVisitSession *self,
                             McLedger       *ledger)
{
  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  if (!g_set_object (&self->ledger, ledger))
    return;
  /* A receipt taken while the ledger was not open yet: record it now. */
  if (ledger != NULL && mc_visit_filing_is_due (self->visit))
    _mc_visit_session_record_filing (self);
}

gboolean
mc_visit_session_is_recording (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return self->recording;
}

gboolean
mc_visit_session_is_packaging (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return self->packaging;
}

/* ---- leaving the visit ----------------------------------------------------------------- */

void
mc_visit_session_set_aside (McVisitSession *self)
{
  g_return_if_fail (MC_IS_VISIT_SESSION (self));
  mc_visit_schedule_save (self->visit);
}

void
mc_visit_session_abandon (McVisitSession *self)
{
  g_return_if_fail (MC_IS_VISIT_SESSION (self));
  _mc_visit_session_drop_upload (self);
  mc_visit_abandon (self->visit);
}

/* ---- the object ------------------------------------------------------------------------ */

McVisit *
mc_visit_session_get_visit (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);
  return self->visit;
}

gboolean
mc_visit_session_is_busy (McVisitSession *self)
{
  GHashTableIter iter;
  CardRead *card;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);

  if (self->packaging || self->recording || self->enqueuing || self->loading_signatures ||
      g_hash_table_size (self->cleaning) > 0)
    return TRUE;
  g_hash_table_iter_init (&iter, self->cards);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &card))
    if (card->cancellable != NULL)
      return TRUE;
  return FALSE;
}

void
mc_visit_session_start (McVisitSession *self)
{
  g_return_if_fail (MC_IS_VISIT_SESSION (self));
  _mc_visit_session_clean_new_pages (self);
  _mc_visit_session_read_new_cards (self);
  _mc_visit_session_load_signatures (self);
  _mc_visit_session_changed (self);
}

void
mc_visit_session_close (McVisitSession *self)
{
  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  /* Closed, it no longer acts on what it was following: new pages, the
   * outbox, the settings. What it started ends without it. */
  g_cancellable_cancel (self->cancellable);
  _mc_visit_session_forget_pin (self);
  for (guint i = 0; self->watched != NULL && i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  if (self->outbox != NULL)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  if (self->cards != NULL)
    {
      GHashTableIter iter;
      CardRead *card;

      g_hash_table_iter_init (&iter, self->cards);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &card))
        if (card->cancellable != NULL)
          g_cancellable_cancel (card->cancellable);
    }
}

static void
mc_visit_session_dispose (GObject *object)
{
  McVisitSession *self = MC_VISIT_SESSION (object);

  mc_visit_session_close (self);
  g_clear_object (&self->id_reader);
  g_clear_object (&self->signer);
  if (self->outbox != NULL)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  g_clear_object (&self->outbox);
  g_clear_pointer (&self->item, mc_outbox_item_free);
  g_clear_pointer (&self->watched, g_ptr_array_unref);
  g_clear_object (&self->ledger);
  g_clear_object (&self->settings);
  g_clear_object (&self->visit);

  G_OBJECT_CLASS (mc_visit_session_parent_class)->dispose (object);
}

static void
mc_visit_session_finalize (GObject *object)
{
  McVisitSession *self = MC_VISIT_SESSION (object);

  g_clear_object (&self->cancellable);
  g_free (self->component);
  g_free (self->message);
  g_free (self->upload_status);
  g_free (self->step);
  g_free (self->papers_view);
  g_hash_table_unref (self->cleaning);
  g_hash_table_unref (self->cards);
  g_hash_table_unref (self->signatures);
  g_free (self->pin_problem);
  g_mutex_clear (&self->pin_lock);
  g_cond_clear (&self->pin_cond);
  g_main_context_unref (self->context);
  g_hash_table_unref (self->reading_records);

  G_OBJECT_CLASS (mc_visit_session_parent_class)->finalize (object);
}

static void
mc_visit_session_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  McVisitSession *self = MC_VISIT_SESSION (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_MESSAGE_IS_ERROR:
      g_value_set_boolean (value, self->message_is_error);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, mc_visit_session_is_busy (self));
      break;
    case PROP_COMPONENT:
      g_value_set_string (value, self->component);
      break;
    case PROP_UPLOAD_STATUS:
      g_value_set_string (value, self->upload_status);
      break;
    case PROP_STEP:
      g_value_set_string (value, self->step);
      break;
    case PROP_PAPERS_VIEW:
      g_value_set_string (value, self->papers_view);
      break;
    case PROP_SCANNING:
      g_value_set_boolean (value, self->scanning);
      break;
    case PROP_USE_FEEDER:
      g_value_set_boolean (value, self->use_feeder);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_visit_session_class_init (McVisitSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mc_visit_session_dispose;
  object_class->finalize = mc_visit_session_finalize;
  object_class->get_property = mc_visit_session_get_property;

  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE_IS_ERROR] =
    g_param_spec_boolean ("message-is-error", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPONENT] =
    g_param_spec_string ("component", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPLOAD_STATUS] =
    g_param_spec_string ("upload-status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STEP] =
    g_param_spec_string ("step", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAPERS_VIEW] =
    g_param_spec_string ("papers-view", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCANNING] =
    g_param_spec_boolean ("scanning", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USE_FEEDER] =
    g_param_spec_boolean ("use-feeder", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[SIGNAL_UPLOAD_CHANGED] =
    g_signal_new ("upload-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[SIGNAL_SHOW_STEP] =
    g_signal_new ("show-step", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_PAGE_CLEANED] =
    g_signal_new ("page-cleaned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_CARD_CHANGED] =
    g_signal_new ("card-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_PIN_NEEDED] =
    g_signal_new ("pin-needed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
mc_visit_session_init (McVisitSession *self)
{
  self->cancellable = g_cancellable_new ();
  self->cleaning = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) _mc_visit_session_card_read_free);
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  self->signatures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) _mc_visit_session_signature_free);
  self->context = g_main_context_ref_thread_default ();
  g_mutex_init (&self->pin_lock);
  g_cond_init (&self->pin_cond);
  self->reading_records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* A visit begins with its papers, their scans shown. */
  self->step = g_strdup ("papers");
  self->papers_view = g_strdup ("scan");
}

/* @settings: the program's (scan resolution, blank pages, portal). */
McVisitSession *
mc_visit_session_new (McVisit   *visit,
                      GSettings *settings)
{
  McVisitSession *self;
  const McProcedure *procedure;

  g_return_val_if_fail (MC_IS_VISIT (visit), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (MC_TYPE_VISIT_SESSION, NULL);
  self->visit = g_object_ref (visit);
  self->settings = g_object_ref (settings);
  procedure = mc_visit_get_procedure (visit);
  for (guint i = 0; i < procedure->components->len; i++)
    watch_store (self, mc_visit_get_pages (visit, ((McComponent *) g_ptr_array_index (procedure->components, i))->key));
  g_signal_connect_object (settings, "changed::portal-api-endpoint", G_CALLBACK (_mc_visit_session_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::signing-required", G_CALLBACK (_mc_visit_session_changed), self,
                           G_CONNECT_SWAPPED);
  _mc_visit_session_update_upload_status (self);
  return self;
}
