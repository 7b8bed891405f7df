/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-citizen-screen"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-citizen-screen.h"
#include "mc-guide-book.h"
#include "mc-procedure-catalog.h"

struct _McCitizenScreen
{
  GObject         parent_instance;

  McProcedureCatalog *procedures;
  McCitizenStep   step;
  char           *procedure_code;
  char           *component_key;
  McCitizenCardSide      card_side;
  gboolean        use_feeder;
  gboolean        scanner_busy;
  GListModel     *pages;
  GListStore     *details;
  char           *receipt_code;
  char           *follow_url;
  char           *guide_id;
};

G_DEFINE_FINAL_TYPE (McCitizenScreen, mc_citizen_screen, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (McCitizenStep, mc_citizen_step,
  G_DEFINE_ENUM_VALUE (MC_CITIZEN_STEP_WELCOME, "welcome"),
  G_DEFINE_ENUM_VALUE (MC_CITIZEN_STEP_WHAT_TO_BRING, "what-to-bring"),
  G_DEFINE_ENUM_VALUE (MC_CITIZEN_STEP_PLACE_CARD, "place-the-card"),
  G_DEFINE_ENUM_VALUE (MC_CITIZEN_STEP_PLACE_PAPERS, "place-the-papers"),
  G_DEFINE_ENUM_VALUE (MC_CITIZEN_STEP_SCANNING, "scanning"),
  G_DEFINE_ENUM_VALUE (MC_CITIZEN_STEP_CHECK_DETAILS, "check-your-details"),
  G_DEFINE_ENUM_VALUE (MC_CITIZEN_STEP_WHAT_NEXT, "what-next"),
  G_DEFINE_ENUM_VALUE (MC_CITIZEN_STEP_RECEIPT, "receipt"),
  G_DEFINE_ENUM_VALUE (MC_CITIZEN_STEP_GOODBYE, "goodbye"))

G_DEFINE_ENUM_TYPE (McCitizenCardSide, mc_citizen_card_side,
  G_DEFINE_ENUM_VALUE (MC_CITIZEN_CARD_FRONT, "front"),
  G_DEFINE_ENUM_VALUE (MC_CITIZEN_CARD_BACK, "back"))

enum {
  PROP_0,
  PROP_PROCEDURES,
  PROP_STEP,
  PROP_PROCEDURE_CODE,
  PROP_COMPONENT_KEY,
  PROP_CARD_SIDE,
  PROP_USE_FEEDER,
  PROP_SCANNER_BUSY,
  PROP_PAGES,
  PROP_DETAILS,
  PROP_RECEIPT_CODE,
  PROP_FOLLOW_URL,
  PROP_GUIDE_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
mc_citizen_step_to_string (McCitizenStep step)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (MC_TYPE_CITIZEN_STEP);
  GEnumValue *value = g_enum_get_value (klass, step);

  return value ? value->value_nick : NULL;
}

gboolean
mc_citizen_step_from_string (const char    *text,
                             McCitizenStep *step)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (MC_TYPE_CITIZEN_STEP);
  GEnumValue *value = text ? g_enum_get_value_by_nick (klass, text) : NULL;

  if (value == NULL)
    return FALSE;
  *step = value->value;
  return TRUE;
}

static gboolean
set_string (McCitizenScreen  *self,
            char            **field,
            const char       *value,
            guint             prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

/* Everything that is about one citizen. */
static void
forget_citizen (McCitizenScreen *self)
{
  mc_citizen_screen_clear_details (self);
  mc_citizen_screen_set_pages (self, NULL);
  set_string (self, &self->receipt_code, NULL, PROP_RECEIPT_CODE);
  set_string (self, &self->follow_url, NULL, PROP_FOLLOW_URL);
  set_string (self, &self->component_key, NULL, PROP_COMPONENT_KEY);
  set_string (self, &self->procedure_code, NULL, PROP_PROCEDURE_CODE);
  set_string (self, &self->guide_id, NULL, PROP_GUIDE_ID);
}

McCitizenScreen *
mc_citizen_screen_new (McProcedureCatalog *procedures)
{
  g_return_val_if_fail (MC_IS_PROCEDURE_CATALOG (procedures), NULL);
  return g_object_new (MC_TYPE_CITIZEN_SCREEN, "procedures", procedures, NULL);
}

/* The catalog the screen's procedure codes and guides come from. */
McProcedureCatalog *
mc_citizen_screen_get_procedures (McCitizenScreen *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_SCREEN (self), NULL);
  return self->procedures;
}

void
mc_citizen_screen_reset (McCitizenScreen *self)
{
  g_return_if_fail (MC_IS_CITIZEN_SCREEN (self));

  g_object_freeze_notify (G_OBJECT (self));
  mc_citizen_screen_set_step (self, MC_CITIZEN_STEP_WELCOME);
  forget_citizen (self);
  mc_citizen_screen_set_scanner_busy (self, FALSE);
  mc_citizen_screen_set_card_side (self, MC_CITIZEN_CARD_FRONT);
  mc_citizen_screen_set_use_feeder (self, FALSE);
  g_object_thaw_notify (G_OBJECT (self));
}

McCitizenStep
mc_citizen_screen_get_step (McCitizenScreen *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_SCREEN (self), MC_CITIZEN_STEP_WELCOME);
  return self->step;
}

void
mc_citizen_screen_set_step (McCitizenScreen *self,
                            McCitizenStep    step)
{
  g_return_if_fail (MC_IS_CITIZEN_SCREEN (self));
  g_return_if_fail (step < MC_CITIZEN_N_STEPS);

  g_object_freeze_notify (G_OBJECT (self));
  if (step == MC_CITIZEN_STEP_WELCOME || step == MC_CITIZEN_STEP_GOODBYE)
    forget_citizen (self);
  if (self->step != step)
    {
      self->step = step;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
mc_citizen_screen_get_procedure_code (McCitizenScreen *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_SCREEN (self), NULL);
  return self->procedure_code;
}

void
mc_citizen_screen_set_procedure_code (McCitizenScreen *self,
                                      const char      *code)
{
  g_return_if_fail (MC_IS_CITIZEN_SCREEN (self));
  set_string (self, &self->procedure_code, code, PROP_PROCEDURE_CODE);
}

const char *
mc_citizen_screen_get_component_key (McCitizenScreen *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_SCREEN (self), NULL);
  return self->component_key;
}

void
mc_citizen_screen_set_component_key (McCitizenScreen *self,
                                     const char      *key)
{
  g_return_if_fail (MC_IS_CITIZEN_SCREEN (self));
  set_string (self, &self->component_key, key, PROP_COMPONENT_KEY);
}

McCitizenCardSide
mc_citizen_screen_get_card_side (McCitizenScreen *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_SCREEN (self), MC_CITIZEN_CARD_FRONT);
  return self->card_side;
}

void
mc_citizen_screen_set_card_side (McCitizenScreen *self,
                                 McCitizenCardSide       side)
{
  g_return_if_fail (MC_IS_CITIZEN_SCREEN (self));

  if (self->card_side != side)
    {
      self->card_side = side;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CARD_SIDE]);
    }
}

gboolean
mc_citizen_screen_get_use_feeder (McCitizenScreen *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_SCREEN (self), FALSE);
  return self->use_feeder;
}

void
mc_citizen_screen_set_use_feeder (McCitizenScreen *self,
                                  gboolean         use_feeder)
{
  g_return_if_fail (MC_IS_CITIZEN_SCREEN (self));

  use_feeder = !!use_feeder;
  if (self->use_feeder != use_feeder)
    {
      self->use_feeder = use_feeder;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USE_FEEDER]);
    }
}

gboolean
mc_citizen_screen_get_scanner_busy (McCitizenScreen *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_SCREEN (self), FALSE);
  return self->scanner_busy;
}

void
mc_citizen_screen_set_scanner_busy (McCitizenScreen *self,
                                    gboolean         busy)
{
  g_return_if_fail (MC_IS_CITIZEN_SCREEN (self));

  busy = !!busy;
  if (self->scanner_busy != busy)
    {
      self->scanner_busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNER_BUSY]);
    }
}

GListModel *
mc_citizen_screen_get_pages (McCitizenScreen *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_SCREEN (self), NULL);
  return self->pages;
}

void
mc_citizen_screen_set_pages (McCitizenScreen *self,
                             GListModel      *pages)
{
  g_return_if_fail (MC_IS_CITIZEN_SCREEN (self));
  g_return_if_fail (pages == NULL || G_IS_LIST_MODEL (pages));

  if (g_set_object (&self->pages, pages))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGES]);
}

GListModel *
mc_citizen_screen_get_details (McCitizenScreen *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_SCREEN (self), NULL);
  return G_LIST_MODEL (self->details);
}

void
mc_citizen_screen_add_detail (McCitizenScreen *self,
                              const char      *label,
                              const char      *value,
                              const char      *source)
{
  g_autoptr(McCitizenDetail) detail = NULL;

  g_return_if_fail (MC_IS_CITIZEN_SCREEN (self));
  g_return_if_fail (label != NULL);

  detail = mc_citizen_detail_new (label, value ? value : "", source);
  g_list_store_append (self->details, detail);
}

void
mc_citizen_screen_clear_details (McCitizenScreen *self)
{
  g_return_if_fail (MC_IS_CITIZEN_SCREEN (self));
  g_list_store_remove_all (self->details);
}

const char *
mc_citizen_screen_get_receipt_code (McCitizenScreen *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_SCREEN (self), NULL);
  return self->receipt_code;
}

/* Where the filing can be followed: as given, else the portal of the
 * procedure, else the national portal. */
const char *
mc_citizen_screen_get_follow_url (McCitizenScreen *self)
{
  const McProcedure *procedure;

  g_return_val_if_fail (MC_IS_CITIZEN_SCREEN (self), NULL);

  if (self->follow_url != NULL)
    return self->follow_url;
  procedure = mc_procedure_catalog_lookup (self->procedures, self->procedure_code);
  if (procedure != NULL)
    return procedure->portal->home;
  return "https://dichvucong.gov.vn";
}

void
mc_citizen_screen_set_receipt (McCitizenScreen *self,
                               const char      *code,
                               const char      *follow_url)
{
  g_return_if_fail (MC_IS_CITIZEN_SCREEN (self));

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->receipt_code, code, PROP_RECEIPT_CODE);
  set_string (self, &self->follow_url, follow_url, PROP_FOLLOW_URL);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
mc_citizen_screen_get_guide_id (McCitizenScreen *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_SCREEN (self), NULL);
  return self->guide_id;
}

void
mc_citizen_screen_set_guide_id (McCitizenScreen *self,
                                const char      *guide_id)
{
  g_return_if_fail (MC_IS_CITIZEN_SCREEN (self));
  set_string (self, &self->guide_id, guide_id, PROP_GUIDE_ID);
}

/* ---- Privacy ---------------------------------------------------------------- */

char *
mc_citizen_privacy_notice (guint retention_hours)
{
  return g_strdup_printf (ngettext ("Your privacy: this computer keeps the scans of your papers and the details read from your card only to file them, and deletes them %u hour after the filing is recorded. Nothing about you stays on this computer after that. The counter’s register keeps only counts: no names, no ID numbers, no pictures.",
                                    "Your privacy: this computer keeps the scans of your papers and the details read from your card only to file them, and deletes them %u hours after the filing is recorded. Nothing about you stays on this computer after that. The counter’s register keeps only counts: no names, no ID numbers, no pictures.",
                                    retention_hours),
                          retention_hours);
}

char *
mc_citizen_privacy_reminder (guint retention_hours)
{
  return g_strdup_printf (ngettext ("These details are used only for your filing and are deleted from this computer %u hour after it is recorded.",
                                    "These details are used only for your filing and are deleted from this computer %u hours after it is recorded.",
                                    retention_hours),
                          retention_hours);
}

/* ---- Speech ----------------------------------------------------------------- */

static void
append_sentence (GString    *s,
                 const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  if (s->len > 0)
    g_string_append_c (s, ' ');
  g_string_append (s, text);
  /* A pause between sentences, however the text ended. */
  if (!g_str_has_suffix (text, ".") && !g_str_has_suffix (text, "!") &&
      !g_str_has_suffix (text, "?") && !g_str_has_suffix (text, "…"))
    g_string_append_c (s, '.');
}

/* What is read aloud: the step's title and instruction, never the
 * citizen's details (others at the counter would hear them). The texts
 * are those the citizen window shows, from the same translations. */
char *
mc_citizen_screen_dup_speech (McCitizenScreen *self)
{
  GString *s = g_string_new (NULL);
  McGuideBook *book = mc_guide_book_get_shared (self->procedures);
  const McGuide *guide;

  g_return_val_if_fail (MC_IS_CITIZEN_SCREEN (self), NULL);

  if (self->guide_id != NULL && (guide = mc_guide_book_lookup (book, self->guide_id)) != NULL)
    {
      append_sentence (s, mc_guide_get_title (guide));
      for (guint i = 0; i < guide->steps->len; i++)
        append_sentence (s, mc_guide_step_get_text (g_ptr_array_index (guide->steps, i)));
      return g_string_free (s, FALSE);
    }

  switch (self->step)
    {
    case MC_CITIZEN_STEP_WELCOME:
      append_sentence (s, _("Welcome"));
      append_sentence (s, _("The clerk will help you file your papers online. Follow the steps on this screen."));
      break;
    case MC_CITIZEN_STEP_WHAT_TO_BRING:
      append_sentence (s, _("Papers to bring"));
      if ((guide = mc_guide_book_lookup_procedure (book, self->procedure_code)) != NULL)
        for (guint i = 0; i < guide->steps->len; i++)
          append_sentence (s, mc_guide_step_get_text (g_ptr_array_index (guide->steps, i)));
      break;
    case MC_CITIZEN_STEP_PLACE_CARD:
      append_sentence (s, _("Place your ID card on the glass"));
      append_sentence (s, self->card_side == MC_CITIZEN_CARD_BACK
                          ? _("Now turn the card over: the back, with the chip, face down in the same corner.")
                          : _("The front, with your photo, face down in the corner with the arrow. Then close the lid."));
      break;
    case MC_CITIZEN_STEP_PLACE_PAPERS:
      append_sentence (s, self->use_feeder ? _("Put the papers in the feeder")
                                           : _("Place the paper on the glass"));
      append_sentence (s, self->use_feeder ? _("Text side up, top edge first. Straighten the stack.")
                                           : _("Text side down, in the corner with the arrow. Then close the lid."));
      break;
    case MC_CITIZEN_STEP_SCANNING:
      if (self->scanner_busy)
        {
          append_sentence (s, _("Scanning…"));
          append_sentence (s, _("Please do not move the paper until the scanner stops."));
        }
      else
        {
          append_sentence (s, _("Your scanned pages"));
          append_sentence (s, _("Check that every page is there and easy to read."));
        }
      break;
    case MC_CITIZEN_STEP_CHECK_DETAILS:
      append_sentence (s, _("Please check your details"));
      append_sentence (s, _("These details were read from your ID card. If anything is wrong, tell the clerk."));
      break;
    case MC_CITIZEN_STEP_WHAT_NEXT:
      append_sentence (s, _("What happens next"));
      if ((guide = mc_guide_book_lookup_procedure (book, self->procedure_code)) != NULL)
        for (guint i = 0; i < guide->after->len; i++)
          append_sentence (s, mc_guide_step_get_text (g_ptr_array_index (guide->after, i)));
      break;
    case MC_CITIZEN_STEP_RECEIPT:
      append_sentence (s, _("Your receipt code"));
      append_sentence (s, _("Keep this code. Scan the QR code with your phone to follow your filing."));
      break;
    case MC_CITIZEN_STEP_GOODBYE:
    default:
      append_sentence (s, _("Thank you"));
      append_sentence (s, _("Your filing is done. Have a good day!"));
      break;
    }
  return g_string_free (s, FALSE);
}

/* ---- GObject ---------------------------------------------------------------- */

static void
mc_citizen_screen_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  McCitizenScreen *self = MC_CITIZEN_SCREEN (object);

  switch (prop_id)
    {
    case PROP_PROCEDURES:
      g_value_set_object (value, self->procedures);
      break;
    case PROP_STEP:
      g_value_set_enum (value, self->step);
      break;
    case PROP_PROCEDURE_CODE:
      g_value_set_string (value, self->procedure_code);
      break;
    case PROP_COMPONENT_KEY:
      g_value_set_string (value, self->component_key);
      break;
    case PROP_CARD_SIDE:
      g_value_set_enum (value, self->card_side);
      break;
    case PROP_USE_FEEDER:
      g_value_set_boolean (value, self->use_feeder);
      break;
    case PROP_SCANNER_BUSY:
      g_value_set_boolean (value, self->scanner_busy);
      break;
    case PROP_PAGES:
      g_value_set_object (value, self->pages);
      break;
    case PROP_DETAILS:
      g_value_set_object (value, self->details);
      break;
    case PROP_RECEIPT_CODE:
      g_value_set_string (value, self->receipt_code);
      break;
    case PROP_FOLLOW_URL:
      g_value_set_string (value, mc_citizen_screen_get_follow_url (self));
      break;
    case PROP_GUIDE_ID:
      g_value_set_string (value, self->guide_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_citizen_screen_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  McCitizenScreen *self = MC_CITIZEN_SCREEN (object);

  switch (prop_id)
    {
    case PROP_PROCEDURES:
      self->procedures = g_value_dup_object (value);
      break;
    case PROP_STEP:
      mc_citizen_screen_set_step (self, g_value_get_enum (value));
      break;
    case PROP_PROCEDURE_CODE:
      mc_citizen_screen_set_procedure_code (self, g_value_get_string (value));
      break;
    case PROP_COMPONENT_KEY:
      mc_citizen_screen_set_component_key (self, g_value_get_string (value));
      break;
    case PROP_CARD_SIDE:
      mc_citizen_screen_set_card_side (self, g_value_get_enum (value));
      break;
    case PROP_USE_FEEDER:
      mc_citizen_screen_set_use_feeder (self, g_value_get_boolean (value));
      break;
    case PROP_SCANNER_BUSY:
      mc_citizen_screen_set_scanner_busy (self, g_value_get_boolean (value));
      break;
    case PROP_PAGES:
      mc_citizen_screen_set_pages (self, g_value_get_object (value));
      break;
    case PROP_RECEIPT_CODE:
      set_string (self, &self->receipt_code, g_value_get_string (value), PROP_RECEIPT_CODE);
      break;
    case PROP_FOLLOW_URL:
      set_string (self, &self->follow_url, g_value_get_string (value), PROP_FOLLOW_URL);
      break;
    case PROP_GUIDE_ID:
      mc_citizen_screen_set_guide_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_citizen_screen_finalize (GObject *object)
{
  McCitizenScreen *self = MC_CITIZEN_SCREEN (object);

  g_clear_object (&self->procedures);
  g_free (self->procedure_code);
  g_free (self->component_key);
  g_clear_object (&self->pages);
  g_clear_object (&self->details);
  g_free (self->receipt_code);
  g_free (self->follow_url);
  g_free (self->guide_id);

  G_OBJECT_CLASS (mc_citizen_screen_parent_class)->finalize (object);
}

static void
mc_citizen_screen_class_init (McCitizenScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mc_citizen_screen_finalize;
  object_class->get_property = mc_citizen_screen_get_property;
  object_class->set_property = mc_citizen_screen_set_property;

  properties[PROP_PROCEDURES] =
    g_param_spec_object ("procedures", NULL, NULL, MC_TYPE_PROCEDURE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STEP] =
    g_param_spec_enum ("step", NULL, NULL, MC_TYPE_CITIZEN_STEP, MC_CITIZEN_STEP_WELCOME,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROCEDURE_CODE] =
    g_param_spec_string ("procedure-code", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPONENT_KEY] =
    g_param_spec_string ("component-key", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CARD_SIDE] =
    g_param_spec_enum ("card-side", NULL, NULL, MC_TYPE_CITIZEN_CARD_SIDE, MC_CITIZEN_CARD_FRONT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USE_FEEDER] =
    g_param_spec_boolean ("use-feeder", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCANNER_BUSY] =
    g_param_spec_boolean ("scanner-busy", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAGES] =
    g_param_spec_object ("pages", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DETAILS] =
    g_param_spec_object ("details", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECEIPT_CODE] =
    g_param_spec_string ("receipt-code", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOW_URL] =
    g_param_spec_string ("follow-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GUIDE_ID] =
    g_param_spec_string ("guide-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mc_citizen_screen_init (McCitizenScreen *self)
{
  self->details = g_list_store_new (MC_TYPE_CITIZEN_DETAIL);
}
