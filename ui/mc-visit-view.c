/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-visit-view"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-file-util.h"
#include "mc-id-reader.h"
#include "mc-identity-form.h"
#include "mc-import.h"
#include "mc-package.h"
#include "mc-portal-error.h"
#include "mc-visit-filing.h"
#include "mc-scan-panel.h"
#include "mc-searchable-pdf.h"
#include "mc-visit-view.h"
#include "mc-vips.h"
#include "mc-ui.h"

struct _McVisitView
{
  AdwBin           parent_instance;

  McVisit         *visit;
  McScanner       *scanner;
  GSettings       *settings;
  McLedger        *ledger;
  GCancellable    *cancellable;
  char            *component;      /* key shown in the papers step */
  GHashTable      *cleaning;       /* "key/page" being cleaned */
  GPtrArray       *watched;        /* McPageStore whose changes we follow */
  GtkWidget       *scan_panel;
  char            *message;
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
  char            *card_pending;   /* component whose read ended while the scanner was busy */

  /* Template widgets */
  GtkLabel        *title_label;
  GtkLabel        *subtitle_label;
  GtkLabel        *message_label;
  GtkStack        *steps;
  GtkListBox      *components_list;
  GtkBox          *component_box;
  GtkLabel        *component_label;
  GtkLabel        *hint_label;
  GtkSpinner      *reading_spinner;
  GtkStackSwitcher *component_switcher;
  GtkStack        *component_stack;
  AdwBin          *scan_bin;
  McIdentityForm  *identity_form;
  AdwPreferencesGroup *review_group;
  AdwActionRow    *identity_row;
  GtkSwitch       *identity_switch;
  GtkSpinner      *package_spinner;
  AdwPreferencesGroup *files_group;
  AdwActionRow    *portal_row;
  GtkWidget       *open_portal_button;
  AdwPreferencesGroup *upload_group;
  AdwActionRow    *upload_row;
  GtkWidget       *upload_button;
  GtkWidget       *upload_cancel_button;
  GtkWidget       *upload_retry_button;
  GtkProgressBar  *upload_progress;
  AdwPreferencesGroup *handoff_group;
  AdwEntryRow     *receipt_row;
  AdwStatusPage   *done_page;

  GPtrArray       *review_rows;    /* rows we added, to remove */
  GPtrArray       *file_rows;
  GPtrArray       *handoff_rows;
};

G_DEFINE_FINAL_TYPE (McVisitView, mc_visit_view, ADW_TYPE_BIN)

enum { SIGNAL_CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Read-only, for what follows the visit (the citizen screen): which step,
 * which paper, and whether that paper shows its scans or the card read. */
enum { PROP_0, PROP_STEP, PROP_COMPONENT_KEY, PROP_PAPERS_VIEW, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void update_all (McVisitView *self);
static void update_upload (McVisitView *self);
static void drop_upload (McVisitView *self);

/* ---- messages -------------------------------------------------------------- */

static void
show_message (McVisitView *self,
              const char  *message,
              gboolean     is_error)
{
  g_free (self->message);
  self->message = g_strdup (message);
  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "visit-error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "visit-error");
}

const char *
mc_visit_view_get_message (McVisitView *self)
{
  g_return_val_if_fail (MC_IS_VISIT_VIEW (self), NULL);
  return self->message;
}

/* ---- cleanup of pages as they arrive ------------------------------------------ */

typedef struct {
  McVisitView       *view;
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
  g_clear_object (&job->view);
  g_free (job->component);
  g_clear_object (&job->page);
  g_free (job->source);
  g_free (job->output_base);
  g_free (job->thumb);
  g_clear_pointer (&job->result, mc_cleanup_result_free);
  g_free (job);
}

static char *
clean_thumb_path (McVisitView *self,
                  const char  *component,
                  const char  *page_basename)
{
  g_autofree char *dir = mc_visit_dup_clean_dir (self->visit, component);

  return g_build_filename (dir, ".thumbs", page_basename, NULL);
}

static void
clean_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CleanJob *job = task_data;
  GError *error = NULL;

  job->result = mc_cleanup_file (job->source, job->dpi, job->output_base, &job->options,
                                 cancellable, &error);
  if (job->result == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* A small picture of the cleaned page for the strip. */
  if (job->result->output != NULL)
    {
      g_autoptr(VipsImage) thumb = NULL;
      g_autofree char *dir = g_path_get_dirname (job->thumb);
      g_autofree char *temp = NULL;

      /* Private from the first byte, synced, renamed into place. */
      if (mc_dir_ensure_private (dir, NULL) && (temp = mc_file_temp_create (job->thumb, NULL)) != NULL)
        {
          if (vips_thumbnail (job->result->output, &thumb, 240, "height", 240, NULL) == 0 &&
              vips_pngsave (thumb, temp, "compression", 1, NULL) == 0)
            mc_file_commit (temp, job->thumb, NULL);
          else
            g_unlink (temp);
        }
      vips_error_clear ();
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_cleaned (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CleanJob *job = g_task_get_task_data (G_TASK (result));
  McVisitView *self = job->view;
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
  if (g_strcmp0 (self->component, job->component) == 0)
    mc_scan_panel_refresh_pages (MC_SCAN_PANEL (self->scan_panel));
  update_all (self);
}

static void
clean_page (McVisitView       *self,
            const McComponent *component,
            McPage            *page,
            gboolean           clerk_turned)
{
  g_autofree char *key = g_strconcat (component->key, "/", mc_page_get_basename (page), NULL);
  g_autofree char *clean_dir = NULL;
  g_autofree char *stem = NULL;
  g_autoptr(GTask) task = NULL;
  CleanJob *job;

  /* ID cards are read, not cleaned as paperwork. */
  if (component->profile == MC_PROFILE_ID_CARD || g_hash_table_contains (self->cleaning, key))
    return;

  clean_dir = mc_visit_dup_clean_dir (self->visit, component->key);
  if (!mc_dir_ensure_private (clean_dir, NULL))
    return;
  stem = g_strndup (mc_page_get_basename (page), strlen (mc_page_get_basename (page)) - 4);

  job = g_new0 (CleanJob, 1);
  job->view = g_object_ref (self);
  job->component = g_strdup (component->key);
  job->page = g_object_ref (page);
  job->source = g_strdup (mc_page_get_path (page));
  job->output_base = g_build_filename (clean_dir, stem, NULL);
  job->thumb = clean_thumb_path (self, component->key, mc_page_get_basename (page));
  job->dpi = (int) mc_page_get_dpi (page);
  job->options.profile = component->profile == MC_PROFILE_PHOTO ? MC_CLEANUP_PROFILE_PHOTO
                                                                : MC_CLEANUP_PROFILE_DOCUMENT;
  job->options.output_dpi = (int) g_settings_get_uint (self->settings, "scan-resolution");
  job->options.keep_blank = !g_settings_get_boolean (self->settings, "drop-blank-pages");
  job->options.orient = mc_ocr_orient_func;
  /* The clerk turned the page by hand: trust that, not the OSD guess. */
  job->options.fixed_rotation = clerk_turned;
  job->options.rotation = 0;

  g_hash_table_add (self->cleaning, g_steal_pointer (&key));
  task = g_task_new (NULL, self->cancellable, on_cleaned, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) clean_job_free);
  g_task_run_in_thread (task, clean_thread);
}

static void
clean_new_pages (McVisitView *self)
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

static void
decorate_page (McPage           *page,
               McPageDecoration *deco,
               gpointer          user_data)
{
  McVisitView *self = user_data;
  const McPageCleanup *c = mc_visit_get_cleanup (self->visit, self->component, mc_page_get_basename (page));
  g_autofree char *key = g_strconcat (self->component, "/", mc_page_get_basename (page), NULL);

  if (c == NULL)
    {
      if (g_hash_table_contains (self->cleaning, key))
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
  deco->thumbnail = clean_thumb_path (self, self->component, mc_page_get_basename (page));
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
  const McPageCleanup *c = mc_visit_get_cleanup (self->visit, self->component, basename);

  if (c == NULL)
    return;
  mc_visit_set_cleanup_undone (self->visit, self->component, basename, !c->undone);
  mc_scan_panel_refresh_pages (MC_SCAN_PANEL (self->scan_panel));
}

static void
on_page_rotated (McVisitView *self,
                 McPage      *page)
{
  const McComponent *c = mc_procedure_find_component (mc_visit_get_procedure (self->visit), self->component);

  if (c != NULL)
    clean_page (self, c, page, TRUE);
  mc_scan_panel_refresh_pages (MC_SCAN_PANEL (self->scan_panel));
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
  McVisitView *view;
  char        *component;
  char        *signature;
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
  g_clear_object (&job->view);
  g_free (job->component);
  g_free (job->signature);
  g_free (job);
}

static char *
mc_strip_mnemonic (const char *label)
{
  GString *out = g_string_new (NULL);

  for (const char *p = label; *p; p++)
    if (*p != '_' || p[1] == '_')
      g_string_append_c (out, *p);
    else if (p[1] == '\0')
      break;
  return g_string_free (out, FALSE);
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
restore_accepted (McVisitView *self,
                  const char  *component,
                  const char  *signature,
                  McIdentity  *identity)
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

static gboolean
identity_accepted_here (McVisitView *self,
                        const char  *component)
{
  JsonObject *accepted = mc_visit_get_identity (self->visit);

  return accepted != NULL &&
         g_strcmp0 (json_object_get_string_member_with_default (accepted, "component", NULL), component) == 0;
}

static void
show_card (McVisitView *self)
{
  const McComponent *c = self->component
    ? mc_procedure_find_component (mc_visit_get_procedure (self->visit), self->component) : NULL;
  CardRead *card = c && c->profile == MC_PROFILE_ID_CARD ? g_hash_table_lookup (self->cards, c->key) : NULL;
  gboolean is_card = c != NULL && c->profile == MC_PROFILE_ID_CARD;
  gboolean reading = card != NULL && card->cancellable != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->component_switcher), is_card);
  gtk_widget_set_visible (GTK_WIDGET (self->reading_spinner), reading);
  gtk_spinner_set_spinning (self->reading_spinner, reading);
  if (card != NULL && card->result != NULL)
    mc_identity_form_set_result (self->identity_form, card->result);
  else
    mc_identity_form_set_result (self->identity_form, NULL);
  if (!is_card)
    gtk_stack_set_visible_child_name (self->component_stack, "scan");
}

static void
on_card_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CardJob *job = user_data;
  McVisitView *self = job->view;
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
      show_card (self);
      /* Not while the scanner still turns pages: the clerk watches the
       * scan; the card comes up when the scanner stops. */
      if (!mc_scanner_is_busy (self->scanner))
        gtk_stack_set_visible_child_name (self->component_stack, "card");
      else
        {
          g_free (self->card_pending);
          self->card_pending = g_strdup (job->component);
        }
      if (card->error != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("%s You can also type the details under Card Details."),
                                                   card->error);

          show_message (self, text, TRUE);
        }
      else if (identity_accepted_here (self, job->component))
        show_message (self, NULL, FALSE);
      else
        {
          /* The button's own words, so the two never drift apart. */
          g_autofree char *button = mc_strip_mnemonic (_("_Use This Identity for the Visit"));
          g_autofree char *text = NULL;

          if (mc_identity_needs_review (card->result->identity))
            /* Translators: %s is the button's label */
            text = g_strdup_printf (_("Card read. Check the fields marked in colour against the card, then press “%s”."), button);
          else
            /* Translators: %s is the button's label */
            text = g_strdup_printf (_("Card read and checked. Compare the name and photo with the citizen, then press “%s”."), button);
          show_message (self, text, FALSE);
        }
    }
  update_all (self);
  card_job_free (job);
}

static void
read_card (McVisitView       *self,
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
        {
          show_card (self);
          gtk_stack_set_visible_child_name (self->component_stack, "scan");
        }
      return;
    }

  if (self->id_reader == NULL)
    self->id_reader = mc_id_reader_new (mc_ocr_pool_get_default ());
  card->cancellable = g_cancellable_new ();
  job = g_new0 (CardJob, 1);
  job->view = g_object_ref (self);
  job->component = g_strdup (component->key);
  job->signature = g_steal_pointer (&signature);
  mc_id_reader_read_async (self->id_reader, images, card->cancellable, on_card_read, job);
  if (g_strcmp0 (self->component, component->key) == 0)
    {
      show_card (self);
      show_message (self, _("Reading the card…"), FALSE);
    }
}

static void
read_new_cards (McVisitView *self)
{
  const McProcedure *procedure = mc_visit_get_procedure (self->visit);

  for (guint i = 0; i < procedure->components->len; i++)
    {
      const McComponent *c = g_ptr_array_index (procedure->components, i);

      if (c->profile == MC_PROFILE_ID_CARD)
        read_card (self, c);
    }
}

static void
on_identity_accepted (McVisitView *self,
                      McIdentity  *identity)
{
  CardRead *card = self->component ? g_hash_table_lookup (self->cards, self->component) : NULL;
  g_autoptr(JsonObject) flat = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autofree char *text = NULL;
  const char *name;

  if (card == NULL)
    return;
  flat = identity_for_visit (identity, self->component, card->signature);
  mc_visit_set_identity (self->visit, flat);
  mc_visit_schedule_save (self->visit);
  name = mc_identity_get_value (identity, MC_ID_FIELD_FULL_NAME);
  /* Translators: %s is the citizen's name */
  text = g_strdup_printf (_("%s’s details are kept for this visit."), name ? name : _("The citizen"));
  show_message (self, text, FALSE);
  update_all (self);
  /* The card is usually the last paper: with nothing missing, the next
   * thing to do is to check and package. */
  missing = mc_visit_missing_required (self->visit);
  if (missing->len == 0)
    gtk_stack_set_visible_child_name (self->steps, "review");
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
      if (c->profile == MC_PROFILE_ID_CARD && identity_accepted_here (self, c->key))
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

static void
on_store_changed (McVisitView *self)
{
  mc_visit_refresh_state (self->visit);
  clean_new_pages (self);
  read_new_cards (self);
  update_all (self);
}

static void
watch_store (McVisitView *self,
             McPageStore *store)
{
  if (store == NULL || g_ptr_array_find (self->watched, store, NULL))
    return;
  g_ptr_array_add (self->watched, g_object_ref (store));
  g_signal_connect_object (store, "items-changed", G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPONENT_KEY]);

  store = mc_visit_get_pages (self->visit, key);
  watch_store (self, store);
  gtk_label_set_text (self->component_label, mc_catalog_text (c->name, c->name_en));
  gtk_label_set_text (self->hint_label, mc_catalog_text (c->hint ? c->hint : "", c->hint_en));
  mc_scan_panel_set_preset (MC_SCAN_PANEL (self->scan_panel),
                            c->profile == MC_PROFILE_ID_CARD ? MC_SCAN_PRESET_ID_CARD
                            : c->profile == MC_PROFILE_PHOTO ? MC_SCAN_PRESET_PHOTO
                            : MC_SCAN_PRESET_DOCUMENT);
  mc_scan_panel_set_store (MC_SCAN_PANEL (self->scan_panel), store);
  mc_scan_panel_refresh_pages (MC_SCAN_PANEL (self->scan_panel));
  show_card (self);
  if (c->profile == MC_PROFILE_ID_CARD)
    {
      CardRead *card = g_hash_table_lookup (self->cards, key);

      gtk_stack_set_visible_child_name (self->component_stack,
                                        card != NULL && card->result != NULL ? "card" : "scan");
    }

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
      watch_store (self, mc_visit_get_pages (self->visit, c->key));
    }
}

/* ---- imports ------------------------------------------------------------------ */

static void
on_imported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(McVisitView) self = user_data;
  McPageStore *store = MC_PAGE_STORE (source);
  g_autoptr(GPtrArray) partial = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GError) error = NULL;

  pages = mc_import_files_finish (store, result, &partial, &error);
  if (pages == NULL)
    {
      show_message (self, error->message, TRUE);
      pages = g_steal_pointer (&partial);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u page added.", "%u pages added.", pages->len),
                                               pages->len);

      show_message (self, text, FALSE);
    }
  for (guint i = 0; pages && i < pages->len; i++)
    mc_page_store_append (store, g_ptr_array_index (pages, i));
}

static void
import_files (McVisitView  *self,
              GSList       *files)
{
  McPageStore *store;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_null_terminated (0, g_free, TRUE);

  if (self->component == NULL || !(store = mc_visit_get_pages (self->visit, self->component)))
    return;
  for (GSList *l = files; l; l = l->next)
    {
      char *path = g_file_get_path (l->data);

      if (path != NULL)
        g_ptr_array_add (paths, path);
    }
  if (paths->len == 0)
    return;
  show_message (self, _("Reading the files…"), FALSE);
  mc_import_files_async (store, (const char * const *) paths->pdata, self->cancellable,
                         on_imported, g_object_ref (self));
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
add_file_rows (McVisitView         *self,
               AdwPreferencesGroup *group,
               GPtrArray           *rows,
               gboolean             draggable);

static void
on_packaged (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(McVisitView) self = user_data;
  g_autoptr(GError) error = NULL;
  McPackageReport report = { 0 };

  self->packaging = FALSE;
  gtk_spinner_stop (self->package_spinner);
  if (!mc_package_build_finish (MC_VISIT (source), result, &report, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (self, error->message, TRUE);
      update_all (self);
      return;
    }

  {
    g_autofree char *size = g_format_size (report.bytes);
    g_autofree char *text = g_strdup_printf (_("%u files ready, %u pages, %s in all."),
                                             report.files, report.pages, size);

    show_message (self, text, FALSE);
  }
  update_all (self);
  gtk_stack_set_visible_child_name (self->steps, "submit");
}

static void
package_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  McVisitView *self = MC_VISIT_VIEW (widget);
  McPackageOptions options = { 0 };

  g_autoptr(GPtrArray) missing = mc_visit_missing_required (self->visit);

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
      mc_visit_view_select_component (self, ((const McComponent *) g_ptr_array_index (missing, 0))->key);
      gtk_stack_set_visible_child_name (self->steps, "papers");
      show_message (self, text, TRUE);
      return;
    }
  options.file_limit_bytes = (guint64) g_settings_get_uint (self->settings, "portal-file-limit-mb") * 1000 * 1000;
  options.dpi = (int) g_settings_get_uint (self->settings, "scan-resolution");
  self->packaging = TRUE;
  gtk_spinner_start (self->package_spinner);
  show_message (self, _("Making the files: reading the text of every page…"), FALSE);
  update_all (self);
  mc_package_build_async (self->visit, &options, self->cancellable, on_packaged, g_object_ref (self));
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
      g_autoptr(GError) error = NULL;

      if (mc_package_export_zip (mc_visit_get_package_dir (self->visit), path, &error))
        show_message (self, _("The ZIP file is saved."), FALSE);
      else
        show_message (self, error->message, TRUE);
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
  show_message (self, text, FALSE);
}

static void
add_file_rows (McVisitView         *self,
               AdwPreferencesGroup *group,
               GPtrArray           *rows,
               gboolean             draggable)
{
  const char *dir = mc_visit_get_package_dir (self->visit);
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  clear_rows (group, rows);
  gtk_widget_set_visible (GTK_WIDGET (group), dir != NULL);
  if (dir == NULL || !(listing = g_dir_open (dir, 0, NULL)))
    return;
  while ((name = g_dir_read_name (listing)) != NULL)
    if (!g_str_equal (name, "manifest.json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *shown = g_filename_display_name (g_ptr_array_index (names, i));
      GStatBuf st;
      g_autofree char *size = NULL;

      g_stat (path, &st);
      size = g_format_size (st.st_size);
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

/* ---- recording ----------------------------------------------------------------------- */

static void
on_recorded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(McVisitView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!mc_visit_record_filing_finish (MC_VISIT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;   /* the view is gone; the record went on without it */
      self->recording = FALSE;
      {
        g_autofree char *text = g_strdup_printf (_("The receipt is kept with the visit, but the filing could not be recorded for the counts: %s"),
                                                 error->message);

        show_message (self, text, TRUE);
      }
      update_all (self);
      return;
    }
  self->recording = FALSE;
  show_message (self, NULL, FALSE);
  update_all (self);
  gtk_stack_set_visible_child_name (self->steps, "done");
}

/* The view and the application both record through the visit, which
 * keeps a single record under way: whichever asks second waits for it. */
static void
record_filing (McVisitView *self)
{
  if (self->ledger == NULL)
    {
      show_message (self, _("The receipt is saved. The record of filings is not open yet; the filing will be recorded when it is."), FALSE);
      return;
    }
  if (self->recording)
    return;
  self->recording = TRUE;
  mc_visit_record_filing_async (self->visit, self->ledger, 0, self->cancellable, on_recorded, g_object_ref (self));
}

static void
on_receipt_apply (McVisitView *self)
{
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->receipt_row));

  if (!mc_visit_set_receipt (self->visit, text, MC_SUBMIT_BROWSER, &error))
    {
      show_message (self, error->message, TRUE);
      return;
    }
  /* Filed in the browser: an upload still waiting must not file it again. */
  drop_upload (self);
  record_filing (self);
  update_all (self);
}

void
mc_visit_view_set_ledger (McVisitView *self,
                          McLedger    *ledger)
{
  g_return_if_fail (MC_IS_VISIT_VIEW (self));

  if (!g_set_object (&self->ledger, ledger))
    return;
  /* A receipt taken while the ledger was not open yet: record it now. */
  if (ledger != NULL &&
      (mc_visit_get_state (self->visit) == MC_VISIT_HANDED_OFF ||
       mc_visit_get_state (self->visit) == MC_VISIT_UPLOADED))
    record_filing (self);
}

/* ---- upload through the portal's API -------------------------------------------------- */

static char *
dup_endpoint (McVisitView *self)
{
  g_autofree char *endpoint = g_settings_get_string (self->settings, "portal-api-endpoint");

  g_strstrip (endpoint);
  return *endpoint != '\0' ? g_steal_pointer (&endpoint) : NULL;
}

static gboolean
upload_active (McVisitView *self)
{
  return self->item != NULL &&
         (self->item->state == MC_OUTBOX_QUEUED || self->item->state == MC_OUTBOX_SENDING);
}

static void
set_item (McVisitView  *self,
          McOutboxItem *item)
{
  if (self->item == NULL || item == NULL || self->item->id != item->id)
    self->upload_sent = self->upload_total = 0;
  g_clear_pointer (&self->item, mc_outbox_item_free);
  self->item = item;
}

/* The portal gave its receipt: the visit takes it and is recorded. */
static void
take_receipt (McVisitView *self,
              const char  *receipt)
{
  g_autoptr(GError) error = NULL;

  if (!mc_visit_take_portal_receipt (self->visit, receipt, &error))
    {
      show_message (self, error->message, TRUE);
      update_all (self);
      return;
    }
  show_message (self, NULL, FALSE);
  record_filing (self);
  update_all (self);
}

static void
show_failure (McVisitView *self,
              const char  *reason)
{
  g_autofree char *button = mc_strip_mnemonic (_("_Try Again"));
  /* Translators: %s is why, then the button's label */
  g_autofree char *text = g_strdup_printf (_("The filing was not sent. %s\nWhen that is put right, press “%s”, or file it in the browser below."),
                                           reason, button);

  show_message (self, text, TRUE);
}

/* What the clerk sees of the upload, from the item as the outbox has it. */
static void
update_upload (McVisitView *self)
{
  g_autofree char *endpoint = dup_endpoint (self);
  McVisitState state = mc_visit_get_state (self->visit);
  gboolean filed = state >= MC_VISIT_HANDED_OFF;
  gboolean active = upload_active (self);
  gboolean failed = self->item != NULL && self->item->state == MC_OUTBOX_FAILED && !filed;
  g_autofree char *status = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->upload_group), endpoint != NULL);
  /* One suggested action on the page: the upload when there is one. */
  if (endpoint != NULL)
    gtk_widget_remove_css_class (self->open_portal_button, "suggested-action");
  else
    gtk_widget_add_css_class (self->open_portal_button, "suggested-action");

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
  g_free (self->upload_status);
  self->upload_status = g_steal_pointer (&status);
  adw_action_row_set_subtitle (self->upload_row, self->upload_status);

  gtk_widget_set_visible (self->upload_button, !active && !failed && !filed);
  gtk_widget_set_visible (self->upload_cancel_button, active && !filed);
  gtk_widget_set_visible (self->upload_retry_button, failed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.upload",
                                 self->outbox != NULL && endpoint != NULL && !self->enqueuing && !active &&
                                 !self->recording && state == MC_VISIT_PACKAGED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.upload-cancel", active && !filed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.upload-retry", failed && state == MC_VISIT_PACKAGED);

  /* Only while the files go: a waiting filing starts from nothing again. */
  gtk_widget_set_visible (GTK_WIDGET (self->upload_progress),
                          self->item != NULL && (self->item->state == MC_OUTBOX_SENDING ||
                                                 self->item->state == MC_OUTBOX_SENT));
  if (self->item != NULL && self->item->state == MC_OUTBOX_QUEUED)
    self->upload_sent = self->upload_total = 0;
  if (self->item != NULL && self->item->state == MC_OUTBOX_SENT)
    {
      gtk_progress_bar_set_fraction (self->upload_progress, 1.0);
      gtk_progress_bar_set_text (self->upload_progress, _("Sent"));
    }
  else if (self->upload_total > 0)
    {
      g_autofree char *sent = g_format_size (self->upload_sent);
      g_autofree char *total = g_format_size (self->upload_total);
      /* Translators: e.g. "1.2 MB of 3.4 MB" */
      g_autofree char *text = g_strdup_printf (_("%s of %s"), sent, total);

      gtk_progress_bar_set_fraction (self->upload_progress, (double) self->upload_sent / (double) self->upload_total);
      gtk_progress_bar_set_text (self->upload_progress, text);
    }
  else
    {
      gtk_progress_bar_set_fraction (self->upload_progress, 0.0);
      gtk_progress_bar_set_text (self->upload_progress, _("Not started"));
    }
}

static void
refresh_item (McVisitView *self)
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
                   McVisitView    *self)
{
  /* Without an item yet, any new one may be ours (motcua-tool queued
   * it): one look. */
  if (id != 0 && self->item != NULL && id != self->item->id)
    return;
  refresh_item (self);
  update_upload (self);
}

static void
on_outbox_progress (McPortalOutbox *outbox,
                    gint64          id,
                    guint64         sent,
                    guint64         total,
                    McVisitView    *self)
{
  if (self->item == NULL || id != self->item->id)
    return;
  self->upload_sent = sent;
  self->upload_total = total;
  if (self->item->state != MC_OUTBOX_SENDING)
    refresh_item (self);
  update_upload (self);
}

static void
on_outbox_sent (McPortalOutbox *outbox,
                gint64          id,
                const char     *visit_id,
                const char     *receipt,
                const char     *received_at,
                McVisitView    *self)
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
                  McVisitView    *self)
{
  if (g_strcmp0 (visit_id, mc_visit_get_id (self->visit)) != 0)
    return;
  refresh_item (self);
  if (mc_visit_get_state (self->visit) >= MC_VISIT_HANDED_OFF)
    drop_upload (self);   /* filed in the browser meanwhile */
  else
    show_failure (self, message);
  update_all (self);
}

static void
on_enqueued (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(McVisitView) self = user_data;
  g_autoptr(GError) error = NULL;
  McOutboxItem *item = mc_portal_outbox_enqueue_finish (MC_PORTAL_OUTBOX (source), result, &error);

  if (item == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->enqueuing = FALSE;
  if (item == NULL)
    {
      show_failure (self, error->message);
      update_all (self);
      return;
    }
  set_item (self, item);
  if (item->state == MC_OUTBOX_SENT)
    {
      /* The portal had it already (an earlier upload): its receipt now. */
      take_receipt (self, item->receipt);
      return;
    }
  show_message (self, NULL, FALSE);
  update_all (self);
}

static void
upload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  McVisitView *self = MC_VISIT_VIEW (widget);
  g_autofree char *endpoint = dup_endpoint (self);
  const char *package_dir = mc_visit_get_package_dir (self->visit);

  if (self->outbox == NULL || endpoint == NULL || package_dir == NULL || self->enqueuing ||
      upload_active (self) || mc_visit_get_state (self->visit) != MC_VISIT_PACKAGED)
    return;
  self->enqueuing = TRUE;
  show_message (self, _("Checking the files before sending…"), FALSE);
  update_all (self);
  mc_portal_outbox_enqueue_async (self->outbox, package_dir, endpoint, self->cancellable,
                                  on_enqueued, g_object_ref (self));
}

static void
upload_cancel_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  McVisitView *self = MC_VISIT_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (self->outbox == NULL || !upload_active (self))
    return;
  /* Being sent here: stopped, and it fails as cancelled (item-failed).
   * Only waiting: taken out of the outbox, and can be uploaded again. */
  if (mc_portal_outbox_cancel (self->outbox, self->item->id))
    return;
  if (!mc_portal_outbox_remove (self->outbox, self->item->id, &error))
    {
      /* It started meanwhile: stop that. */
      if (!mc_portal_outbox_cancel (self->outbox, self->item->id))
        show_message (self, error->message, TRUE);
      return;
    }
  set_item (self, NULL);
  show_message (self, _("Sending was stopped. Send it again when ready: the portal files a visit only once."), FALSE);
  update_all (self);
}

static void
upload_retry_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  McVisitView *self = MC_VISIT_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (self->outbox == NULL || self->item == NULL)
    return;
  if (mc_portal_outbox_retry (self->outbox, self->item->id, &error) == 0 && error != NULL)
    {
      show_message (self, error->message, TRUE);
      return;
    }
  show_message (self, NULL, FALSE);
  refresh_item (self);
  update_all (self);
}

/* The visit was filed another way, or abandoned: its upload must not
 * file it (again). What is being sent right now is stopped; the failure
 * that follows removes it (here, or in the application). */
static void
drop_upload (McVisitView *self)
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
mc_visit_view_set_outbox (McVisitView    *self,
                          McPortalOutbox *outbox)
{
  g_return_if_fail (MC_IS_VISIT_VIEW (self));

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
  update_all (self);
}

/* For tests and accessibility: what the upload row says. */
const char *
mc_visit_view_get_upload_status (McVisitView *self)
{
  g_return_val_if_fail (MC_IS_VISIT_VIEW (self), NULL);
  return self->upload_status;
}

/* ---- actions ------------------------------------------------------------------------ */

static void
set_aside_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  McVisitView *self = MC_VISIT_VIEW (widget);

  mc_visit_schedule_save (self->visit);
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
  drop_upload (self);
  mc_visit_abandon (self->visit);
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
  update_review (self);
  add_file_rows (self, self->files_group, self->file_rows, FALSE);
  add_file_rows (self, self->handoff_group, self->handoff_rows, TRUE);

  /* Pressed with papers missing, it says which: not a button greyed out
   * without a reason. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.package", !self->packaging && !filed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.export-zip",
                                 mc_visit_get_package_dir (self->visit) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.import", !filed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.abandon", !finished && !filed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.set-aside", !finished);
  gtk_widget_set_sensitive (GTK_WIDGET (self->receipt_row),
                            (state == MC_VISIT_PACKAGED || state == MC_VISIT_READY) && !self->recording);
  /* A filing on its way through the API is not filed in the browser too. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.open-portal", !upload_active (self) && !self->enqueuing);
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
  update_upload (self);
}

static void
on_identity_switch (McVisitView *self)
{
  mc_visit_set_identity_in_package (self->visit, gtk_switch_get_active (self->identity_switch));
  update_all (self);
}

/* ---- public ------------------------------------------------------------------------ */

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
  GHashTableIter iter;
  CardRead *card;

  if (self->packaging || self->recording || self->enqueuing || g_hash_table_size (self->cleaning) > 0)
    return TRUE;
  g_hash_table_iter_init (&iter, self->cards);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &card))
    if (card->cancellable != NULL)
      return TRUE;
  return FALSE;
}

static void
mc_visit_view_dispose (GObject *object)
{
  McVisitView *self = MC_VISIT_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->cards != NULL)
    {
      GHashTableIter iter;
      CardRead *card;

      g_hash_table_iter_init (&iter, self->cards);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &card))
        if (card->cancellable != NULL)
          g_cancellable_cancel (card->cancellable);
    }
  /* No step or paper changes are announced while the parts go away. */
  if (self->steps != NULL)
    g_signal_handlers_disconnect_by_data (self->steps, self);
  if (self->component_stack != NULL)
    g_signal_handlers_disconnect_by_data (self->component_stack, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_VISIT_VIEW);
  g_clear_object (&self->id_reader);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->visit);
  g_clear_object (&self->scanner);
  g_clear_object (&self->settings);
  g_clear_object (&self->ledger);
  if (self->outbox != NULL)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  g_clear_object (&self->outbox);
  g_clear_pointer (&self->item, mc_outbox_item_free);
  g_clear_pointer (&self->watched, g_ptr_array_unref);

  G_OBJECT_CLASS (mc_visit_view_parent_class)->dispose (object);
}

static void
mc_visit_view_finalize (GObject *object)
{
  McVisitView *self = MC_VISIT_VIEW (object);

  g_free (self->component);
  g_free (self->message);
  g_free (self->upload_status);
  g_free (self->card_pending);
  g_hash_table_unref (self->cleaning);
  g_hash_table_unref (self->cards);
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
mc_visit_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  McVisitView *self = MC_VISIT_VIEW (object);

  switch (prop_id)
    {
    case PROP_STEP:
      g_value_set_string (value, mc_visit_view_get_step (self));
      break;
    case PROP_COMPONENT_KEY:
      g_value_set_string (value, self->component);
      break;
    case PROP_PAPERS_VIEW:
      g_value_set_string (value, mc_visit_view_get_papers_view (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
notify_step (McVisitView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

static void
notify_papers_view (McVisitView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAPERS_VIEW]);
}

static void
mc_visit_view_class_init (McVisitViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mc_visit_view_dispose;
  object_class->finalize = mc_visit_view_finalize;
  object_class->get_property = mc_visit_view_get_property;

  properties[PROP_STEP] =
    g_param_spec_string ("step", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPONENT_KEY] =
    g_param_spec_string ("component-key", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAPERS_VIEW] =
    g_param_spec_string ("papers-view", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

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
  gtk_widget_class_install_action (widget_class, "visit.package", NULL, package_action);
  gtk_widget_class_install_action (widget_class, "visit.export-zip", NULL, export_zip_action);
  gtk_widget_class_install_action (widget_class, "visit.open-portal", NULL, open_portal_action);
  gtk_widget_class_install_action (widget_class, "visit.upload", NULL, upload_action);
  gtk_widget_class_install_action (widget_class, "visit.upload-cancel", NULL, upload_cancel_action);
  gtk_widget_class_install_action (widget_class, "visit.upload-retry", NULL, upload_retry_action);
  gtk_widget_class_install_action (widget_class, "visit.copy-file", "s", copy_file_action);
  gtk_widget_class_install_action (widget_class, "visit.set-aside", NULL, set_aside_action);
  gtk_widget_class_install_action (widget_class, "visit.abandon", NULL, abandon_action);
  gtk_widget_class_install_action (widget_class, "visit.close", NULL, close_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "visit.import", NULL);
}

static void
mc_visit_view_init (McVisitView *self)
{
  self->cancellable = g_cancellable_new ();
  self->cleaning = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) card_read_free);
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  self->review_rows = g_ptr_array_new ();
  self->file_rows = g_ptr_array_new ();
  self->handoff_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->steps, "notify::visible-child-name", G_CALLBACK (notify_step), self);
  g_signal_connect_swapped (self->component_stack, "notify::visible-child-name", G_CALLBACK (notify_papers_view), self);
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
      CardRead *card = g_hash_table_lookup (self->cards, pending);

      if (card != NULL && card->result != NULL)
        gtk_stack_set_visible_child_name (self->component_stack, "card");
    }
}

GtkWidget *
mc_visit_view_new (McVisit   *visit,
                   McScanner *scanner,
                   GSettings *settings)
{
  McVisitView *self = g_object_new (MC_TYPE_VISIT_VIEW, NULL);
  const McProcedure *procedure = mc_visit_get_procedure (visit);
  GtkDropTarget *drop;
  g_autofree char *portal_subtitle = NULL;

  self->visit = g_object_ref (visit);
  self->scanner = g_object_ref (scanner);
  self->settings = g_object_ref (settings);
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

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self->component_box), GTK_EVENT_CONTROLLER (drop));

  build_component_rows (self);
  g_signal_connect_swapped (self->components_list, "row-selected", G_CALLBACK (on_component_selected), self);
  g_signal_connect_swapped (self->receipt_row, "apply", G_CALLBACK (on_receipt_apply), self);
  g_signal_connect_swapped (self->receipt_row, "entry-activated", G_CALLBACK (on_receipt_apply), self);
  gtk_switch_set_active (self->identity_switch, mc_visit_get_identity_in_package (visit));
  g_signal_connect_object (settings, "changed::portal-api-endpoint", G_CALLBACK (update_all), self, G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self->identity_switch, "notify::active", G_CALLBACK (on_identity_switch), self);

  mc_visit_view_select_component (self, ((McComponent *) g_ptr_array_index (procedure->components, 0))->key);
  clean_new_pages (self);
  read_new_cards (self);
  update_all (self);

  if (mc_visit_get_state (visit) == MC_VISIT_RECORDED)
    gtk_stack_set_visible_child_name (self->steps, "done");
  else if (mc_visit_get_state (visit) >= MC_VISIT_PACKAGED)
    gtk_stack_set_visible_child_name (self->steps, "submit");
  return GTK_WIDGET (self);
}
