/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The citizen screen, driven by the visit session the clerk works on.
 *
 * The screen follows what the clerk is doing rather than the visit alone:
 * what the citizen needs to see is what the clerk is doing with them now
 * (this paper, on the glass now, these details to confirm now). The view
 * tells the session its step, its paper, what the paper shows and whether
 * the scanner runs; each change of those, of pages, of the card read or
 * of the visit recomputes the whole screen from the session's state, so
 * there is no order of events to get wrong. */

#include "config.h"

#include <glib/gi18n.h>

#include "mc-id-rules.h"
#include "mc-visit-citizen.h"

struct _McVisitCitizen
{
  GObject          parent_instance;

  McCitizenScreen *screen;
  McVisitSession  *session;       /* followed while the clerk shows it */
  McVisit         *visit;         /* the session's, watched */
  McIdentity      *identity;      /* the details shown for checking; watched */
  McPageStore     *store;         /* the paper followed; watched */
  gboolean         moved;         /* the clerk has done something since the session was shown */
  char            *details_key;   /* what the details list holds, to rebuild only on change */
};

G_DEFINE_FINAL_TYPE (McVisitCitizen, mc_visit_citizen, G_TYPE_OBJECT)

static void update (McVisitCitizen *self);

/* Where a detail was read, as the citizen should hear it. */
static const char *
source_for_citizen (McIdSource source)
{
  switch (source)
    {
    case MC_ID_SOURCE_QR:
      return _("the QR code on your card");
    case MC_ID_SOURCE_MRZ:
      return _("the code lines on the back of your card");
    case MC_ID_SOURCE_OCR:
      return _("the printed text on your card");
    case MC_ID_SOURCE_MANUAL:
      return _("typed in by the clerk");
    case MC_ID_SOURCE_NONE:
    default:
      return NULL;
    }
}

/* The details the citizen can check, in the order the card prints them. */
static const McIdField citizen_fields[] = {
  MC_ID_FIELD_FULL_NAME,
  MC_ID_FIELD_DATE_OF_BIRTH,
  MC_ID_FIELD_SEX,
  MC_ID_FIELD_ID_NUMBER,
  MC_ID_FIELD_PLACE_OF_ORIGIN,
  MC_ID_FIELD_PLACE_OF_RESIDENCE,
  MC_ID_FIELD_DATE_OF_EXPIRY,
};

static char *
field_text (const McIdentityField *f,
            McIdField              field)
{
  GDate date;

  if (f->flags & MC_ID_FIELD_FLAG_NO_EXPIRY)
    return g_strdup (_("No expiry"));
  if (f->value == NULL || *f->value == '\0')
    return NULL;
  if ((field == MC_ID_FIELD_DATE_OF_BIRTH || field == MC_ID_FIELD_DATE_OF_EXPIRY) &&
      mc_id_date_parse_iso (f->value, &date))
    return g_strdup_printf ("%02d/%02d/%04d", g_date_get_day (&date), g_date_get_month (&date),
                            g_date_get_year (&date));
  return g_strdup (f->value);
}

/* Returns FALSE when there is nothing to check. */
static gboolean
set_details (McVisitCitizen *self,
             McIdentity     *identity)
{
  g_autoptr(GString) key = g_string_new (NULL);
  g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (McIdField));
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  if (identity == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (citizen_fields); i++)
    {
      const McIdentityField *f = mc_identity_get_field (identity, citizen_fields[i]);
      char *text = f ? field_text (f, citizen_fields[i]) : NULL;

      if (text == NULL)
        continue;
      g_string_append_printf (key, "%d\x1f%s\x1f%d\x1e", citizen_fields[i], text, f->source);
      g_array_append_val (fields, citizen_fields[i]);
      g_ptr_array_add (texts, text);
    }
  if (fields->len == 0)
    return FALSE;
  if (g_strcmp0 (key->str, self->details_key) == 0)
    return TRUE;

  g_free (self->details_key);
  self->details_key = g_strdup (key->str);
  mc_citizen_screen_clear_details (self->screen);
  for (guint i = 0; i < fields->len; i++)
    {
      McIdField field = g_array_index (fields, McIdField, i);
      const McIdentityField *f = mc_identity_get_field (identity, field);

      mc_citizen_screen_add_detail (self->screen, mc_id_field_get_title (field),
                                    g_ptr_array_index (texts, i), source_for_citizen (f->source));
    }
  return TRUE;
}

static void
forget_details (McVisitCitizen *self)
{
  if (self->details_key == NULL)
    return;
  g_clear_pointer (&self->details_key, g_free);
  mc_citizen_screen_clear_details (self->screen);
}

static void
on_store_changed (McVisitCitizen *self)
{
  self->moved = TRUE;
  update (self);
}

static void
follow_store (McVisitCitizen *self,
              McPageStore    *store)
{
  if (self->store == store)
    return;
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (store, "items-changed", G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
}

/* The details shown for checking follow their edits by the clerk. */
static void
follow_identity (McVisitCitizen *self,
                 McIdentity     *identity)
{
  if (self->identity == identity)
    return;
  if (self->identity != NULL)
    g_signal_handlers_disconnect_by_data (self->identity, self);
  g_set_object (&self->identity, identity);
  if (identity != NULL)
    g_signal_connect_object (identity, "changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
}

static void
show_step (McVisitCitizen *self,
           McCitizenStep   step)
{
  if (step != MC_CITIZEN_STEP_CHECK_DETAILS)
    forget_details (self);
  mc_citizen_screen_set_step (self->screen, step);
}

/* The papers step: what to bring, where to place the paper, the pages
 * being scanned, or the details read from the card. */
static void
update_papers (McVisitCitizen *self)
{
  McVisit *visit = self->visit;
  const McProcedure *procedure = mc_visit_get_procedure (visit);
  const char *key = mc_visit_session_get_component (self->session);
  const McComponent *c = key ? mc_procedure_find_component (procedure, key) : NULL;
  McPageStore *store = c ? mc_visit_get_pages (visit, key) : NULL;
  gboolean busy = mc_visit_session_get_scanning (self->session);
  guint n_pages = store ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0;

  follow_store (self, store);
  if (c == NULL || (!self->moved && !busy && mc_visit_count_all_pages (visit) == 0))
    {
      /* A visit just begun: first, everything to have at hand. */
      mc_citizen_screen_set_pages (self->screen, NULL);
      show_step (self, MC_CITIZEN_STEP_WHAT_TO_BRING);
    }
  else if (c->profile == MC_PROFILE_ID_CARD && !busy &&
           g_strcmp0 (mc_visit_session_get_papers_view (self->session), "card") == 0 &&
           set_details (self, self->identity))
    show_step (self, MC_CITIZEN_STEP_CHECK_DETAILS);
  else
    {
      mc_citizen_screen_set_component_key (self->screen, key);
      if (busy || n_pages > 0)
        {
          mc_citizen_screen_set_pages (self->screen, G_LIST_MODEL (store));
          mc_citizen_screen_set_scanner_busy (self->screen, busy);
          show_step (self, MC_CITIZEN_STEP_SCANNING);
        }
      else
        {
          mc_citizen_screen_set_pages (self->screen, NULL);
          mc_citizen_screen_set_scanner_busy (self->screen, FALSE);
          if (c->profile == MC_PROFILE_ID_CARD)
            {
              mc_citizen_screen_set_card_side (self->screen, MC_CITIZEN_CARD_FRONT);
              show_step (self, MC_CITIZEN_STEP_PLACE_CARD);
            }
          else
            {
              mc_citizen_screen_set_use_feeder (self->screen, mc_visit_session_get_use_feeder (self->session));
              show_step (self, MC_CITIZEN_STEP_PLACE_PAPERS);
            }
        }
    }
}

static void
update (McVisitCitizen *self)
{
  const char *step;
  const char *receipt;
  McVisitState state;

  if (self->session == NULL)
    {
      follow_store (self, NULL);
      follow_identity (self, NULL);
      g_clear_pointer (&self->details_key, g_free);
      if (mc_citizen_screen_get_step (self->screen) != MC_CITIZEN_STEP_WELCOME)
        mc_citizen_screen_reset (self->screen);
      return;
    }

  state = mc_visit_get_state (self->visit);
  receipt = mc_visit_get_receipt (self->visit);
  step = mc_visit_session_get_step (self->session);
  follow_identity (self, mc_visit_session_get_shown_identity (self->session));

  g_object_freeze_notify (G_OBJECT (self->screen));
  mc_citizen_screen_set_procedure_code (self->screen, mc_visit_get_procedure (self->visit)->code);

  if (state == MC_VISIT_ABANDONED)
    {
      follow_store (self, NULL);
      show_step (self, MC_CITIZEN_STEP_GOODBYE);
    }
  else if (receipt != NULL && *receipt != '\0' && state >= MC_VISIT_HANDED_OFF)
    {
      follow_store (self, NULL);
      mc_citizen_screen_set_pages (self->screen, NULL);
      mc_citizen_screen_set_receipt (self->screen, receipt, NULL);
      show_step (self, MC_CITIZEN_STEP_RECEIPT);
    }
  else if (g_strcmp0 (step, "papers") == 0)
    update_papers (self);
  else if (g_strcmp0 (step, "review") == 0)
    {
      follow_store (self, NULL);
      mc_citizen_screen_set_pages (self->screen, NULL);
      /* The last look before the files are made: the citizen's details
       * once more if the card was read, else what happens next. */
      if (set_details (self, self->identity))
        show_step (self, MC_CITIZEN_STEP_CHECK_DETAILS);
      else
        show_step (self, MC_CITIZEN_STEP_WHAT_NEXT);
    }
  else
    {
      follow_store (self, NULL);
      mc_citizen_screen_set_pages (self->screen, NULL);
      show_step (self, MC_CITIZEN_STEP_WHAT_NEXT);
    }
  g_object_thaw_notify (G_OBJECT (self->screen));
}

/* The clerk went to another step or paper, or the scanner started or
 * stopped: past the first look at what to bring. */
static void
on_clerk_moved (McVisitCitizen *self)
{
  self->moved = TRUE;
  update (self);
}

static void
disconnect_session (McVisitCitizen *self)
{
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->visit != NULL)
    g_signal_handlers_disconnect_by_data (self->visit, self);
  follow_store (self, NULL);
  follow_identity (self, NULL);
  g_clear_object (&self->visit);
  g_clear_object (&self->session);
}

void
mc_visit_citizen_set_session (McVisitCitizen *self,
                              McVisitSession *session)
{
  g_return_if_fail (MC_IS_VISIT_CITIZEN (self));
  g_return_if_fail (session == NULL || MC_IS_VISIT_SESSION (session));

  if (self->session == session)
    return;
  disconnect_session (self);
  g_clear_pointer (&self->details_key, g_free);
  self->moved = FALSE;

  if (session != NULL)
    {
      /* Another citizen, or the same one taken up again: never a
       * glimpse of what the screen showed before. */
      mc_citizen_screen_reset (self->screen);
      self->session = g_object_ref (session);
      self->visit = g_object_ref (mc_visit_session_get_visit (session));
      g_signal_connect_object (session, "notify::step", G_CALLBACK (on_clerk_moved), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::component", G_CALLBACK (on_clerk_moved), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::scanning", G_CALLBACK (on_clerk_moved), self, G_CONNECT_SWAPPED);
      /* The session sends the clerk to a step or a paper (the one still
       * missing, say): a move even when it is the paper already shown. */
      g_signal_connect_object (session, "show-step", G_CALLBACK (on_clerk_moved), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::papers-view", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::use-feeder", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "card-changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->visit, "changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
    }
  update (self);
}

McVisitSession *
mc_visit_citizen_get_session (McVisitCitizen *self)
{
  g_return_val_if_fail (MC_IS_VISIT_CITIZEN (self), NULL);
  return self->session;
}

McCitizenScreen *
mc_visit_citizen_get_screen (McVisitCitizen *self)
{
  g_return_val_if_fail (MC_IS_VISIT_CITIZEN (self), NULL);
  return self->screen;
}

static void
mc_visit_citizen_dispose (GObject *object)
{
  McVisitCitizen *self = MC_VISIT_CITIZEN (object);

  disconnect_session (self);
  g_clear_object (&self->screen);
  G_OBJECT_CLASS (mc_visit_citizen_parent_class)->dispose (object);
}

static void
mc_visit_citizen_finalize (GObject *object)
{
  McVisitCitizen *self = MC_VISIT_CITIZEN (object);

  g_free (self->details_key);
  G_OBJECT_CLASS (mc_visit_citizen_parent_class)->finalize (object);
}

static void
mc_visit_citizen_class_init (McVisitCitizenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mc_visit_citizen_dispose;
  object_class->finalize = mc_visit_citizen_finalize;
}

static void
mc_visit_citizen_init (McVisitCitizen *self)
{
}

McVisitCitizen *
mc_visit_citizen_new (McCitizenScreen *screen)
{
  McVisitCitizen *self;

  g_return_val_if_fail (MC_IS_CITIZEN_SCREEN (screen), NULL);

  self = g_object_new (MC_TYPE_VISIT_CITIZEN, NULL);
  self->screen = g_object_ref (screen);
  return self;
}
