/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-visit-session"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-file-util.h"
#include "mc-import.h"
#include "mc-ocr-pool.h"
#include "mc-package.h"
#include "mc-portal-error.h"
#include "mc-searchable-pdf.h"
#include "mc-visit-filing.h"
#include "mc-visit-session.h"
#include "mc-vips.h"

struct _McVisitSession
{
  GObject          parent_instance;

  McVisit         *visit;
  GSettings       *settings;
  McLedger        *ledger;
  GCancellable    *cancellable;
  char            *component;      /* the paper the clerk works on */
  GHashTable      *cleaning;       /* "key/page" being cleaned */
  GPtrArray       *watched;        /* McPageStore whose changes we follow */
  char            *message;
  gboolean         message_is_error;
  gboolean         packaging;
  gboolean         recording;
  McPortalOutbox  *outbox;
  McOutboxItem    *item;           /* the visit's upload, as last seen; NULL: none */
  gboolean         enqueuing;
  guint64          upload_sent;
  guint64          upload_total;
  char            *upload_status;
  McIdReader      *id_reader;
  GHashTable      *cards;          /* component key → CardRead*, ID card components */
};

G_DEFINE_FINAL_TYPE (McVisitSession, mc_visit_session, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  SIGNAL_UPLOAD_CHANGED,
  SIGNAL_SHOW_STEP,
  SIGNAL_PAGE_CLEANED,
  SIGNAL_CARD_CHANGED,
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
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void drop_upload (McVisitSession *self);
static void update_upload_status (McVisitSession *self);

/* ---- what the view is told --------------------------------------------------- */

static void
emit_changed (McVisitSession *self)
{
  update_upload_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
emit_upload_changed (McVisitSession *self)
{
  update_upload_status (self);
  g_signal_emit (self, signals[SIGNAL_UPLOAD_CHANGED], 0);
}

static void
show_step (McVisitSession *self,
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
static char *
strip_mnemonic (const char *label)
{
  GString *out = g_string_new (NULL);

  for (const char *p = label; *p; p++)
    if (*p != '_' || p[1] == '_')
      g_string_append_c (out, *p);
    else if (p[1] == '\0')
      break;
  return g_string_free (out, FALSE);
}

/* ---- the cleaning policy ------------------------------------------------------- */

gboolean
mc_visit_cleanup_options (const McComponent *component,
                          int                output_dpi,
                          gboolean           keep_blank,
                          gboolean           clerk_turned,
                          McCleanupOptions  *options)
{
  g_return_val_if_fail (component != NULL, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  /* ID cards are read, not cleaned as paperwork: the card reader finds
   * and crops them. */
  if (component->profile == MC_PROFILE_ID_CARD)
    return FALSE;
  memset (options, 0, sizeof *options);
  options->profile = component->profile == MC_PROFILE_PHOTO ? MC_CLEANUP_PROFILE_PHOTO
                                                            : MC_CLEANUP_PROFILE_DOCUMENT;
  options->output_dpi = output_dpi;
  options->keep_blank = keep_blank;
  options->orient = mc_ocr_orient_func;
  /* The clerk turned the page by hand: trust that, not the OSD guess. */
  options->fixed_rotation = clerk_turned;
  options->rotation = 0;
  return TRUE;
}

/* Where a page's cleaned file and its thumbnail go (the thumbnail in the
 * page store's layout, beside the cleaned pages). Main thread. */
static gboolean
clean_paths (McVisit     *visit,
             const char  *component,
             McPage      *page,
             char       **output_base,
             char       **thumb,
             GError     **error)
{
  g_autofree char *clean_dir = mc_visit_dup_clean_dir (visit, component);
  const char *basename = mc_page_get_basename (page);
  g_autofree char *stem = NULL;

  if (!mc_dir_ensure_private (clean_dir, error))
    return FALSE;
  stem = g_strndup (basename, strlen (basename) - 4);
  *output_base = g_build_filename (clean_dir, stem, NULL);
  *thumb = mc_page_store_dup_thumbnail_path (clean_dir, basename);
  return TRUE;
}

/* Any thread. */
static McCleanupResult *
clean_to (const char              *source,
          int                      dpi,
          const char              *output_base,
          const char              *thumb,
          const McCleanupOptions  *options,
          GCancellable            *cancellable,
          GError                 **error)
{
  McCleanupResult *result = mc_cleanup_file (source, dpi, output_base, options, cancellable, error);

  /* A small picture of the cleaned page for the strip. */
  if (result != NULL && result->output != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (thumb);
      g_autoptr(VipsImage) image = NULL;

      if (mc_dir_ensure_private (dir, NULL) &&
          (image = vips_image_new_from_file (result->output, "access", VIPS_ACCESS_SEQUENTIAL, NULL)) != NULL)
        mc_page_store_write_thumbnail (image, thumb, NULL);
      vips_error_clear ();
    }
  return result;
}

gboolean
mc_visit_clean_page (McVisit                *visit,
                     const char             *component,
                     McPage                 *page,
                     const McCleanupOptions *options,
                     GCancellable           *cancellable,
                     GError                **error)
{
  g_autofree char *output_base = NULL;
  g_autofree char *thumb = NULL;
  g_autoptr(McCleanupResult) result = NULL;

  g_return_val_if_fail (MC_IS_VISIT (visit), FALSE);
  g_return_val_if_fail (MC_IS_PAGE (page), FALSE);

  if (!clean_paths (visit, component, page, &output_base, &thumb, error))
    return FALSE;
  result = clean_to (mc_page_get_path (page), (int) mc_page_get_dpi (page), output_base, thumb,
                     options, cancellable, error);
  if (result == NULL)
    return FALSE;
  mc_visit_set_cleanup (visit, component, mc_page_get_basename (page), result);
  return TRUE;
}

/* ---- cleanup of pages as they arrive ------------------------------------------ */

typedef struct {
  McVisitSession    *session;
  char              *component;
  McPage            *page;
  char              *source;
  char              *output_base;
  char              *thumb;
  int                dpi;
  McCleanupOptions   options;
  McCleanupResult   *result;
} CleanJob;

static void
clean_job_free (CleanJob *job)
{
  g_clear_object (&job->session);
  g_free (job->component);
  g_clear_object (&job->page);
  g_free (job->source);
  g_free (job->output_base);
  g_free (job->thumb);
  g_clear_pointer (&job->result, mc_cleanup_result_free);
  g_free (job);
}

static void
clean_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CleanJob *job = task_data;
  GError *error = NULL;

  job->result = clean_to (job->source, job->dpi, job->output_base, job->thumb, &job->options,
                          cancellable, &error);
  if (job->result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_cleaned (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CleanJob *job = g_task_get_task_data (G_TASK (result));
  McVisitSession *self = job->session;
  g_autofree char *key = g_strconcat (job->component, "/", mc_page_get_basename (job->page), NULL);
  g_autoptr(GError) error = NULL;

  g_hash_table_remove (self->cleaning, key);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        /* The original scan stays usable: it goes into the package as is. */
        g_message ("Page not cleaned: %s", error->message);
      return;
    }
  mc_visit_set_cleanup (self->visit, job->component, mc_page_get_basename (job->page), job->result);
  g_signal_emit (self, signals[SIGNAL_PAGE_CLEANED], 0, job->component);
  emit_changed (self);
}

static void
clean_page (McVisitSession    *self,
            const McComponent *component,
            McPage            *page,
            gboolean           clerk_turned)
{
  g_autofree char *key = g_strconcat (component->key, "/", mc_page_get_basename (page), NULL);
  g_autoptr(GTask) task = NULL;
  McCleanupOptions options;
  CleanJob *job;

  if (!mc_visit_cleanup_options (component,
                                 (int) g_settings_get_uint (self->settings, "scan-resolution"),
                                 !g_settings_get_boolean (self->settings, "drop-blank-pages"),
                                 clerk_turned, &options) ||
      g_hash_table_contains (self->cleaning, key))
    return;

  job = g_new0 (CleanJob, 1);
  if (!clean_paths (self->visit, component->key, page, &job->output_base, &job->thumb, NULL))
    {
      clean_job_free (job);
      return;
    }
  job->session = g_object_ref (self);
  job->component = g_strdup (component->key);
  job->page = g_object_ref (page);
  job->source = g_strdup (mc_page_get_path (page));
  job->dpi = (int) mc_page_get_dpi (page);
  job->options = options;

  g_hash_table_add (self->cleaning, g_steal_pointer (&key));
  task = g_task_new (NULL, self->cancellable, on_cleaned, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) clean_job_free);
  g_task_run_in_thread (task, clean_thread);
}

static void
clean_new_pages (McVisitSession *self)
{
  const McProcedure *procedure = mc_visit_get_procedure (self->visit);

  for (guint i = 0; i < procedure->components->len; i++)
    {
      const McComponent *c = g_ptr_array_index (procedure->components, i);
      McPageStore *store = mc_visit_get_pages (self->visit, c->key);

      for (guint j = 0; store && j < g_list_model_get_n_items (G_LIST_MODEL (store)); j++)
        {
          g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (store), j);

          if (mc_visit_get_cleanup (self->visit, c->key, mc_page_get_basename (page)) == NULL)
            clean_page (self, c, page, FALSE);
        }
    }
}

gboolean
mc_visit_session_is_cleaning (McVisitSession *self,
                              const char     *component,
                              const char     *basename)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  key = g_strconcat (component, "/", basename, NULL);
  return g_hash_table_contains (self->cleaning, key);
}

char *
mc_visit_session_dup_clean_thumbnail (McVisitSession *self,
                                      const char     *component,
                                      const char     *basename)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);
  dir = mc_visit_dup_clean_dir (self->visit, component);
  return mc_page_store_dup_thumbnail_path (dir, basename);
}

void
mc_visit_session_toggle_original (McVisitSession *self,
                                  const char     *component,
                                  const char     *basename)
{
  const McPageCleanup *c;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));
  c = mc_visit_get_cleanup (self->visit, component, basename);
  if (c != NULL)
    mc_visit_set_cleanup_undone (self->visit, component, basename, !c->undone);
}

void
mc_visit_session_page_rotated (McVisitSession *self,
                               const char     *component,
                               McPage         *page)
{
  const McComponent *c;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));
  c = mc_procedure_find_component (mc_visit_get_procedure (self->visit), component);
  if (c != NULL)
    clean_page (self, c, page, TRUE);
}

/* ---- ID cards: read as they arrive ------------------------------------------------ */

/* One per ID card component: what was last read from its pages. */
typedef struct {
  char         *signature;    /* the pages read, one basename per line */
  GCancellable *cancellable;  /* of the read under way */
  McIdResult   *result;
  char         *error;        /* why nothing could be read */
} CardRead;

typedef struct {
  McVisitSession *session;
  char           *component;
  char           *signature;
} CardJob;

static void
card_read_free (CardRead *card)
{
  if (card->cancellable != NULL)
    g_cancellable_cancel (card->cancellable);
  g_clear_object (&card->cancellable);
  g_free (card->signature);
  g_clear_pointer (&card->result, mc_id_result_free);
  g_free (card->error);
  g_free (card);
}

static void
card_job_free (CardJob *job)
{
  g_clear_object (&job->session);
  g_free (job->component);
  g_free (job->signature);
  g_free (job);
}

static char *
pages_signature (McPageStore *store)
{
  GString *sig = g_string_new (NULL);

  for (guint i = 0; store && i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (store), i);

      g_string_append_printf (sig, "%s\n", mc_page_get_basename (page));
    }
  return g_string_free (sig, FALSE);
}

/* What the visit keeps: the values the clerk accepted, flat, and which
 * scans they came from, so a later read of the same scans can be matched. */
static JsonObject *
identity_for_visit (McIdentity *identity,
                    const char *component,
                    const char *signature)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "component", component);
  json_object_set_string_member (o, "pages", signature ? signature : "");
  json_object_set_string_member (o, "card_type", mc_card_type_to_string (mc_identity_get_card_type (identity)));
  for (McIdField f = 0; f < MC_ID_N_FIELDS; f++)
    {
      const char *value = mc_identity_get_value (identity, f);

      if (value != NULL)
        json_object_set_string_member (o, mc_id_field_to_string (f), value);
    }
  return o;
}

/* A visit taken up again reads its card again; what the clerk corrected
 * then is put back, marked as typed. */
static void
restore_accepted (McVisitSession *self,
                  const char     *component,
                  const char     *signature,
                  McIdentity     *identity)
{
  JsonObject *accepted = mc_visit_get_identity (self->visit);

  if (accepted == NULL ||
      g_strcmp0 (json_object_get_string_member_with_default (accepted, "component", NULL), component) != 0 ||
      g_strcmp0 (json_object_get_string_member_with_default (accepted, "pages", NULL), signature) != 0)
    return;
  for (McIdField f = 0; f < MC_ID_N_FIELDS; f++)
    {
      const char *value = json_object_get_string_member_with_default (accepted, mc_id_field_to_string (f), NULL);

      if (value != NULL && g_strcmp0 (value, mc_identity_get_value (identity, f)) != 0)
        mc_identity_edit (identity, f, value);
    }
}

gboolean
mc_visit_session_identity_accepted_for (McVisitSession *self,
                                        const char     *component)
{
  JsonObject *accepted;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  accepted = mc_visit_get_identity (self->visit);
  return accepted != NULL &&
         g_strcmp0 (json_object_get_string_member_with_default (accepted, "component", NULL), component) == 0;
}

McIdResult *
mc_visit_session_get_card (McVisitSession *self,
                           const char     *component)
{
  CardRead *card;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);
  card = component ? g_hash_table_lookup (self->cards, component) : NULL;
  return card != NULL ? card->result : NULL;
}

gboolean
mc_visit_session_is_reading_card (McVisitSession *self,
                                  const char     *component)
{
  CardRead *card;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  card = component ? g_hash_table_lookup (self->cards, component) : NULL;
  return card != NULL && card->cancellable != NULL;
}

/* What the clerk is told once the card of the paper they look at is read. */
static void
say_card_read (McVisitSession *self,
               const char     *component,
               CardRead       *card)
{
  if (card->error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("%s You can also type the details under Card Details."),
                                               card->error);

      mc_visit_session_set_message (self, text, TRUE);
    }
  else if (mc_visit_session_identity_accepted_for (self, component))
    mc_visit_session_set_message (self, NULL, FALSE);
  else
    {
      /* The button's own words, so the two never drift apart. */
      g_autofree char *button = strip_mnemonic (_("_Use This Identity for the Visit"));
      g_autofree char *text = NULL;

      if (mc_identity_needs_review (card->result->identity))
        /* Translators: %s is the button's label */
        text = g_strdup_printf (_("Card read. Check the fields marked in colour against the card, then press “%s”."), button);
      else
        /* Translators: %s is the button's label */
        text = g_strdup_printf (_("Card read and checked. Compare the name and photo with the citizen, then press “%s”."), button);
      mc_visit_session_set_message (self, text, FALSE);
    }
}

static void
on_card_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CardJob *job = user_data;
  McVisitSession *self = job->session;
  CardRead *card = g_hash_table_lookup (self->cards, job->component);
  g_autoptr(GError) error = NULL;
  g_autoptr(McIdResult) read = mc_id_reader_read_finish (MC_ID_READER (source), result, &error);

  /* Cancelled, or other scans came since: a newer read answers. */
  if (card == NULL || g_strcmp0 (card->signature, job->signature) != 0 ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      card_job_free (job);
      return;
    }
  g_clear_object (&card->cancellable);
  g_clear_pointer (&card->result, mc_id_result_free);
  g_clear_pointer (&card->error, g_free);
  if (read == NULL)
    {
      /* Nothing to check: the clerk can still type the details. */
      card->error = g_strdup (error->message);
      card->result = g_new0 (McIdResult, 1);
      card->result->identity = mc_identity_new ();
      card->result->crops = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_card_crop_free);
    }
  else
    {
      card->result = g_steal_pointer (&read);
      restore_accepted (self, job->component, job->signature, card->result->identity);
    }

  if (g_strcmp0 (self->component, job->component) == 0)
    {
      g_signal_emit (self, signals[SIGNAL_CARD_CHANGED], 0, job->component);
      say_card_read (self, job->component, card);
    }
  emit_changed (self);
  card_job_free (job);
}

static void
read_card (McVisitSession    *self,
           const McComponent *component)
{
  McPageStore *store = mc_visit_get_pages (self->visit, component->key);
  g_autofree char *signature = pages_signature (store);
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func (g_object_unref);
  CardRead *card = g_hash_table_lookup (self->cards, component->key);
  CardJob *job;

  if (card == NULL)
    {
      card = g_new0 (CardRead, 1);
      g_hash_table_insert (self->cards, g_strdup (component->key), card);
    }
  if (g_strcmp0 (card->signature, signature) == 0)
    return;
  if (card->cancellable != NULL)
    g_cancellable_cancel (card->cancellable);
  g_clear_object (&card->cancellable);
  g_free (card->signature);
  card->signature = g_strdup (signature);
  g_clear_pointer (&card->result, mc_id_result_free);
  g_clear_pointer (&card->error, g_free);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (store), i);
      VipsImage *image = vips_image_new_from_file (mc_page_get_path (page), "access", VIPS_ACCESS_RANDOM, NULL);

      if (image != NULL)
        g_ptr_array_add (images, image);
      vips_error_clear ();
    }
  if (images->len == 0)
    {
      if (g_strcmp0 (self->component, component->key) == 0)
        g_signal_emit (self, signals[SIGNAL_CARD_CHANGED], 0, component->key);
      return;
    }

  if (self->id_reader == NULL)
    self->id_reader = mc_id_reader_new (mc_ocr_pool_get_default ());
  card->cancellable = g_cancellable_new ();
  job = g_new0 (CardJob, 1);
  job->session = g_object_ref (self);
  job->component = g_strdup (component->key);
  job->signature = g_steal_pointer (&signature);
  mc_id_reader_read_async (self->id_reader, images, card->cancellable, on_card_read, job);
  if (g_strcmp0 (self->component, component->key) == 0)
    {
      g_signal_emit (self, signals[SIGNAL_CARD_CHANGED], 0, component->key);
      mc_visit_session_set_message (self, _("Reading the card…"), FALSE);
    }
}

static void
read_new_cards (McVisitSession *self)
{
  const McProcedure *procedure = mc_visit_get_procedure (self->visit);

  for (guint i = 0; i < procedure->components->len; i++)
    {
      const McComponent *c = g_ptr_array_index (procedure->components, i);

      if (c->profile == MC_PROFILE_ID_CARD)
        read_card (self, c);
    }
}

/* The clerk checked what was read from the card of the current paper. */
void
mc_visit_session_accept_identity (McVisitSession *self,
                                  McIdentity     *identity)
{
  CardRead *card;
  g_autoptr(JsonObject) flat = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autofree char *text = NULL;
  const char *name;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));
  card = self->component ? g_hash_table_lookup (self->cards, self->component) : NULL;
  if (card == NULL)
    return;
  flat = identity_for_visit (identity, self->component, card->signature);
  mc_visit_set_identity (self->visit, flat);
  mc_visit_schedule_save (self->visit);
  name = mc_identity_get_value (identity, MC_ID_FIELD_FULL_NAME);
  /* Translators: %s is the citizen's name */
  text = g_strdup_printf (_("%s’s details are kept for this visit."), name ? name : _("The citizen"));
  mc_visit_session_set_message (self, text, FALSE);
  emit_changed (self);
  /* The card is usually the last paper: with nothing missing, the next
   * thing to do is to check and package. */
  missing = mc_visit_missing_required (self->visit);
  if (missing->len == 0)
    show_step (self, "review", NULL);
}

/* ---- the papers ------------------------------------------------------------- */

static void
on_store_changed (McVisitSession *self)
{
  mc_visit_refresh_state (self->visit);
  clean_new_pages (self);
  read_new_cards (self);
  emit_changed (self);
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

  self->packaging = FALSE;
  if (!mc_package_build_finish (MC_VISIT (source), result, &report, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        mc_visit_session_set_message (self, error->message, TRUE);
      emit_changed (self);
      return;
    }

  {
    g_autofree char *size = g_format_size (report.bytes);
    g_autofree char *text = g_strdup_printf (_("%u files ready, %u pages, %s in all."),
                                             report.files, report.pages, size);

    mc_visit_session_set_message (self, text, FALSE);
  }
  emit_changed (self);
  show_step (self, "submit", NULL);
}

void
mc_visit_session_package (McVisitSession *self)
{
  McPackageOptions options = { 0 };
  g_autoptr(GPtrArray) missing = NULL;

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
      show_step (self, "papers", ((const McComponent *) g_ptr_array_index (missing, 0))->key);
      mc_visit_session_set_message (self, text, TRUE);
      return;
    }
  options.file_limit_bytes = (guint64) g_settings_get_uint (self->settings, "portal-file-limit-mb") * 1000 * 1000;
  options.dpi = (int) g_settings_get_uint (self->settings, "scan-resolution");
  self->packaging = TRUE;
  mc_visit_session_set_message (self, _("Making the files: reading the text of every page…"), FALSE);
  emit_changed (self);
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

  names = g_ptr_array_new_with_free_func (g_free);
  dir = mc_visit_get_package_dir (self->visit);
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
  emit_changed (self);
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
      emit_changed (self);
      return;
    }
  self->recording = FALSE;
  mc_visit_session_set_message (self, NULL, FALSE);
  emit_changed (self);
  show_step (self, "done", NULL);
}

/* The session and the application both record through
 * mc_visit_filing_record(): whichever asks second joins the record under
 * way. */
static void
record_filing (McVisitSession *self)
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
  drop_upload (self);
  record_filing (self);
  emit_changed (self);
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
    record_filing (self);
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

/* ---- upload through the portal's API -------------------------------------------------- */

static char *
dup_endpoint (McVisitSession *self)
{
  g_autofree char *endpoint = g_settings_get_string (self->settings, "portal-api-endpoint");

  g_strstrip (endpoint);
  return *endpoint != '\0' ? g_steal_pointer (&endpoint) : NULL;
}

gboolean
mc_visit_session_upload_active (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return self->item != NULL &&
         (self->item->state == MC_OUTBOX_QUEUED || self->item->state == MC_OUTBOX_SENDING);
}

gboolean
mc_visit_session_upload_offered (McVisitSession *self)
{
  g_autofree char *endpoint = NULL;

  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  endpoint = dup_endpoint (self);
  return endpoint != NULL;
}

gboolean
mc_visit_session_has_outbox (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return self->outbox != NULL;
}

gboolean
mc_visit_session_is_enqueuing (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return self->enqueuing;
}

/* Failed, and the visit not filed another way meanwhile. */
gboolean
mc_visit_session_upload_failed (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return self->item != NULL && self->item->state == MC_OUTBOX_FAILED &&
         mc_visit_get_state (self->visit) < MC_VISIT_HANDED_OFF;
}

gboolean
mc_visit_session_can_upload (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return self->outbox != NULL && mc_visit_session_upload_offered (self) && !self->enqueuing &&
         !mc_visit_session_upload_active (self) && !self->recording &&
         mc_visit_get_state (self->visit) == MC_VISIT_PACKAGED;
}

gboolean
mc_visit_session_can_retry_upload (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), FALSE);
  return mc_visit_session_upload_failed (self) && mc_visit_get_state (self->visit) == MC_VISIT_PACKAGED;
}

static void
set_item (McVisitSession *self,
          McOutboxItem   *item)
{
  if (self->item == NULL || item == NULL || self->item->id != item->id)
    self->upload_sent = self->upload_total = 0;
  g_clear_pointer (&self->item, mc_outbox_item_free);
  self->item = item;
}

/* The portal gave its receipt: the visit takes it and is recorded. */
static void
take_receipt (McVisitSession *self,
              const char     *receipt)
{
  g_autoptr(GError) error = NULL;

  if (!mc_visit_take_portal_receipt (self->visit, receipt, &error))
    {
      mc_visit_session_set_message (self, error->message, TRUE);
      emit_changed (self);
      return;
    }
  mc_visit_session_set_message (self, NULL, FALSE);
  record_filing (self);
  emit_changed (self);
}

static void
show_failure (McVisitSession *self,
              const char     *reason)
{
  g_autofree char *button = strip_mnemonic (_("_Try Again"));
  /* Translators: %s is why, then the button's label */
  g_autofree char *text = g_strdup_printf (_("The filing was not sent. %s\nWhen that is put right, press “%s”, or file it in the browser below."),
                                           reason, button);

  mc_visit_session_set_message (self, text, TRUE);
}

/* What the clerk is told of the upload, from the item as the outbox has it. */
static void
update_upload_status (McVisitSession *self)
{
  g_autofree char *status = NULL;

  if (self->outbox == NULL)
    status = g_strdup (_("The outbox of filings cannot be used, so nothing can be sent from here. File in the browser below."));
  else if (self->enqueuing)
    status = g_strdup (_("Checking the files…"));
  else if (self->item == NULL)
    status = g_strdup (_("Sends the files and brings back the receipt code."));
  else if (self->item->state == MC_OUTBOX_SENT)
    status = g_strdup_printf (_("Sent. Receipt code: %s"), self->item->receipt);
  else if (self->item->state == MC_OUTBOX_FAILED)
    status = g_strdup_printf (_("Not sent: %s"), self->item->last_error ? self->item->last_error : "");
  else if (self->item->state == MC_OUTBOX_SENDING && self->item->in_flight)
    status = g_strdup (_("Sending…"));
  else if (self->item->last_error != NULL)
    {
      g_autoptr(GDateTime) next = g_date_time_new_from_unix_local (self->item->next_attempt_us / G_USEC_PER_SEC);
      g_autofree char *when = next ? g_date_time_format (next, "%H:%M") : g_strdup ("—");

      /* Translators: %s is why (a sentence), then a time like 14:05 */
      status = g_strdup_printf (_("Waiting: %s It will be tried again at %s."), self->item->last_error, when);
    }
  else
    status = g_strdup (_("Waiting to be sent…"));
  /* A waiting filing starts from nothing again. */
  if (self->item != NULL && self->item->state == MC_OUTBOX_QUEUED)
    self->upload_sent = self->upload_total = 0;
  if (g_strcmp0 (status, self->upload_status) != 0)
    {
      g_free (self->upload_status);
      self->upload_status = g_steal_pointer (&status);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPLOAD_STATUS]);
    }
}

const char *
mc_visit_session_get_upload_status (McVisitSession *self)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);
  return self->upload_status;
}

char *
mc_visit_session_dup_upload_progress (McVisitSession *self,
                                      double         *fraction,
                                      gboolean       *visible)
{
  g_return_val_if_fail (MC_IS_VISIT_SESSION (self), NULL);

  /* Only while the files go. */
  *visible = self->item != NULL && (self->item->state == MC_OUTBOX_SENDING ||
                                    self->item->state == MC_OUTBOX_SENT);
  if (self->item != NULL && self->item->state == MC_OUTBOX_SENT)
    {
      *fraction = 1.0;
      return g_strdup (_("Sent"));
    }
  if (self->upload_total > 0)
    {
      g_autofree char *sent = g_format_size (self->upload_sent);
      g_autofree char *total = g_format_size (self->upload_total);

      *fraction = (double) self->upload_sent / (double) self->upload_total;
      /* Translators: e.g. "1.2 MB of 3.4 MB" */
      return g_strdup_printf (_("%s of %s"), sent, total);
    }
  *fraction = 0.0;
  return g_strdup (_("Not started"));
}

static void
refresh_item (McVisitSession *self)
{
  g_autoptr(GError) error = NULL;
  McOutboxItem *item;

  if (self->outbox == NULL)
    return;
  item = mc_portal_outbox_lookup_visit (self->outbox, mc_visit_get_id (self->visit), &error);
  if (item == NULL && !g_error_matches (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NOT_FOUND))
    g_message ("Outbox not readable for visit %s: %s", mc_visit_get_id (self->visit), error->message);
  set_item (self, item);
}

static void
on_outbox_changed (McPortalOutbox *outbox,
                   gint64          id,
                   McVisitSession *self)
{
  /* Without an item yet, any new one may be ours (motcua-tool queued
   * it): one look. */
  if (id != 0 && self->item != NULL && id != self->item->id)
    return;
  refresh_item (self);
  emit_upload_changed (self);
}

static void
on_outbox_progress (McPortalOutbox *outbox,
                    gint64          id,
                    guint64         sent,
                    guint64         total,
                    McVisitSession *self)
{
  if (self->item == NULL || id != self->item->id)
    return;
  self->upload_sent = sent;
  self->upload_total = total;
  if (self->item->state != MC_OUTBOX_SENDING)
    refresh_item (self);
  emit_upload_changed (self);
}

static void
on_outbox_sent (McPortalOutbox *outbox,
                gint64          id,
                const char     *visit_id,
                const char     *receipt,
                const char     *received_at,
                McVisitSession *self)
{
  if (g_strcmp0 (visit_id, mc_visit_get_id (self->visit)) != 0)
    return;
  refresh_item (self);
  take_receipt (self, receipt);
}

static void
on_outbox_failed (McPortalOutbox *outbox,
                  gint64          id,
                  const char     *visit_id,
                  const char     *message,
                  int             code,
                  McVisitSession *self)
{
  if (g_strcmp0 (visit_id, mc_visit_get_id (self->visit)) != 0)
    return;
  refresh_item (self);
  if (mc_visit_get_state (self->visit) >= MC_VISIT_HANDED_OFF)
    drop_upload (self);   /* filed in the browser meanwhile */
  else
    show_failure (self, message);
  emit_changed (self);
}

static void
on_enqueued (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(McVisitSession) self = user_data;
  g_autoptr(GError) error = NULL;
  McOutboxItem *item = mc_portal_outbox_enqueue_finish (MC_PORTAL_OUTBOX (source), result, &error);

  if (item == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->enqueuing = FALSE;
  if (item == NULL)
    {
      show_failure (self, error->message);
      emit_changed (self);
      return;
    }
  set_item (self, item);
  if (item->state == MC_OUTBOX_SENT)
    {
      /* The portal had it already (an earlier upload): its receipt now. */
      take_receipt (self, item->receipt);
      return;
    }
  mc_visit_session_set_message (self, NULL, FALSE);
  emit_changed (self);
}

void
mc_visit_session_upload (McVisitSession *self)
{
  g_autofree char *endpoint = NULL;
  const char *package_dir;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  endpoint = dup_endpoint (self);
  package_dir = mc_visit_get_package_dir (self->visit);
  if (self->outbox == NULL || endpoint == NULL || package_dir == NULL || self->enqueuing ||
      mc_visit_session_upload_active (self) || mc_visit_get_state (self->visit) != MC_VISIT_PACKAGED)
    return;
  self->enqueuing = TRUE;
  mc_visit_session_set_message (self, _("Checking the files before sending…"), FALSE);
  emit_changed (self);
  mc_portal_outbox_enqueue_async (self->outbox, package_dir, endpoint, self->cancellable,
                                  on_enqueued, g_object_ref (self));
}

void
mc_visit_session_upload_cancel (McVisitSession *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  if (self->outbox == NULL || !mc_visit_session_upload_active (self))
    return;
  /* Being sent here: stopped, and it fails as cancelled (item-failed).
   * Only waiting: taken out of the outbox, and can be uploaded again. */
  if (mc_portal_outbox_cancel (self->outbox, self->item->id))
    return;
  if (!mc_portal_outbox_remove (self->outbox, self->item->id, &error))
    {
      /* It started meanwhile: stop that. */
      if (!mc_portal_outbox_cancel (self->outbox, self->item->id))
        mc_visit_session_set_message (self, error->message, TRUE);
      return;
    }
  set_item (self, NULL);
  mc_visit_session_set_message (self, _("Sending was stopped. Send it again when ready: the portal files a visit only once."), FALSE);
  emit_changed (self);
}

void
mc_visit_session_upload_retry (McVisitSession *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  if (self->outbox == NULL || self->item == NULL)
    return;
  if (mc_portal_outbox_retry (self->outbox, self->item->id, &error) == 0 && error != NULL)
    {
      mc_visit_session_set_message (self, error->message, TRUE);
      return;
    }
  mc_visit_session_set_message (self, NULL, FALSE);
  refresh_item (self);
  emit_changed (self);
}

/* The visit was filed another way, or abandoned: its upload must not
 * file it (again). What is being sent right now is stopped; the failure
 * that follows removes it (here, or in the application). */
static void
drop_upload (McVisitSession *self)
{
  g_autoptr(GError) error = NULL;

  if (self->outbox == NULL)
    return;
  if (self->item == NULL)
    refresh_item (self);
  if (self->item == NULL || self->item->state == MC_OUTBOX_SENT)
    return;
  if (!mc_portal_outbox_remove (self->outbox, self->item->id, &error))
    mc_portal_outbox_cancel (self->outbox, self->item->id);
  else
    set_item (self, NULL);
}

void
mc_visit_session_set_outbox (McVisitSession *self,
                             McPortalOutbox *outbox)
{
  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  if (self->outbox == outbox && outbox != NULL)
    return;
  if (self->outbox != NULL)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  g_set_object (&self->outbox, outbox);
  set_item (self, NULL);
  if (outbox != NULL)
    {
      g_signal_connect_object (outbox, "item-changed", G_CALLBACK (on_outbox_changed), self, 0);
      g_signal_connect_object (outbox, "progress", G_CALLBACK (on_outbox_progress), self, 0);
      g_signal_connect_object (outbox, "item-sent", G_CALLBACK (on_outbox_sent), self, 0);
      g_signal_connect_object (outbox, "item-failed", G_CALLBACK (on_outbox_failed), self, 0);
      /* A visit taken up again shows where its upload is. */
      refresh_item (self);
      if (self->item != NULL && self->item->state == MC_OUTBOX_SENT &&
          mc_visit_get_state (self->visit) < MC_VISIT_HANDED_OFF)
        take_receipt (self, self->item->receipt);
      else if (self->item != NULL && self->item->state == MC_OUTBOX_FAILED &&
               mc_visit_get_state (self->visit) == MC_VISIT_PACKAGED)
        show_failure (self, self->item->last_error ? self->item->last_error : "");
    }
  emit_changed (self);
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
  drop_upload (self);
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

  if (self->packaging || self->recording || self->enqueuing || g_hash_table_size (self->cleaning) > 0)
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
  clean_new_pages (self);
  read_new_cards (self);
  emit_changed (self);
}

void
mc_visit_session_close (McVisitSession *self)
{
  g_return_if_fail (MC_IS_VISIT_SESSION (self));

  /* Closed, it no longer acts on what it was following: new pages, the
   * outbox, the settings. What it started ends without it. */
  g_cancellable_cancel (self->cancellable);
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
  g_hash_table_unref (self->cleaning);
  g_hash_table_unref (self->cards);

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
}

static void
mc_visit_session_init (McVisitSession *self)
{
  self->cancellable = g_cancellable_new ();
  self->cleaning = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) card_read_free);
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
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
  g_signal_connect_object (settings, "changed::portal-api-endpoint", G_CALLBACK (emit_changed), self,
                           G_CONNECT_SWAPPED);
  update_upload_status (self);
  return self;
}
