/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-visit-session"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-ocr-pool.h"
#include "mc-visit-session-private.h"
#include "mc-vips.h"

/* ID cards read as their scans arrive, and the identity the clerk accepts. */

/* ---- ID cards: read as they arrive ------------------------------------------------ */


typedef struct {
  McVisitSession *session;
  char           *component;
  char           *signature;
} CardJob;

void
_mc_visit_session_card_read_free (CardRead *card)
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
      g_autofree char *button = _mc_visit_session_strip_mnemonic (_("_Use This Identity for the Visit"));
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
      g_signal_emit_by_name (self, "card-changed", job->component);
      say_card_read (self, job->component, card);
    }
  _mc_visit_session_changed (self);
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
        g_signal_emit_by_name (self, "card-changed", component->key);
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
      g_signal_emit_by_name (self, "card-changed", component->key);
      mc_visit_session_set_message (self, _("Reading the card…"), FALSE);
    }
}

void
_mc_visit_session_read_new_cards (McVisitSession *self)
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
  _mc_visit_session_changed (self);
  /* The card is usually the last paper: with nothing missing, the next
   * thing to do is to check and package. */
  missing = mc_visit_missing_required (self->visit);
  if (missing->len == 0)
    _mc_visit_session_show_step (self, "review", NULL);
}
