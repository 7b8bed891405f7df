/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-identity"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>
#include <vips/vips.h>

#include "mc-id-rules.h"
#include "mc-identity.h"

/* The identity read from a citizen's card: per field the value, where it
 * came from and how sure the reader is, the MRZ as read, and the warnings
 * for the clerk. The visit stores it as JSON (mc_identity_to_json()). It
 * holds personal data: nothing here logs a value. */

struct _McIdentity
{
  GObject            parent_instance;

  McCardType         card_type;
  McIdentityField    fields[MC_ID_N_FIELDS];
  char              *mrz[4];              /* NULL-terminated, or mrz[0] == NULL */
  char              *qr_payload;          /* the QR's text as decoded, or NULL */
  McIdSourceStatus   status[MC_ID_SOURCE_MANUAL + 1];
  GPtrArray         *warnings;            /* McIdentityWarning */
};

G_DEFINE_FINAL_TYPE (McIdentity, mc_identity, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_QUARK (mc-id-error-quark, mc_id_error)

/* Sets @error from libvips's last failure while the reader prepared an
 * image (cut, turned, scaled, converted) and clears that failure. Always
 * FALSE, for "return mc_id_error_from_vips (error);". */
gboolean
mc_id_error_from_vips (GError **error)
{
  g_set_error (error, MC_ID_ERROR, MC_ID_ERROR_BAD_IMAGE,
               _("The image could not be prepared for reading: %s"), vips_error_buffer ());
  vips_error_clear ();
  return FALSE;
}

static const char *field_names[MC_ID_N_FIELDS] = {
  "id_number", "old_id_number", "full_name", "date_of_birth", "sex", "nationality",
  "place_of_origin", "place_of_birth", "place_of_residence", "date_of_issue", "date_of_expiry",
};

static const char *source_names[] = { "none", "qr", "mrz", "ocr", "manual" };
static const char *card_type_names[] = { "unknown", "cccd2021", "cancuoc2024", "cccd2016", "cmnd" };
static const char *status_names[] = { "absent", "unreadable", "partial", "valid" };

/* Warnings that mc_identity_check_rules() derives and may take back. */
static const char *rule_codes[] = {
  "id-number-malformed", "id-number-century", "id-number-sex", "id-number-year", "expired",
  "expiry-rule", NULL,
};

#define NO_EXPIRY_NOTE "no expiry"

static void
warning_free (gpointer data)
{
  McIdentityWarning *w = data;

  g_free (w->code);
  g_free (w->message);
  g_free (w);
}

static void
mc_identity_finalize (GObject *object)
{
  McIdentity *self = MC_IDENTITY (object);

  for (guint i = 0; i < MC_ID_N_FIELDS; i++)
    g_free (self->fields[i].value);
  for (guint i = 0; i < 3; i++)
    g_free (self->mrz[i]);
  g_free (self->qr_payload);
  g_ptr_array_unref (self->warnings);

  G_OBJECT_CLASS (mc_identity_parent_class)->finalize (object);
}

static void
mc_identity_class_init (McIdentityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_identity_finalize;

  /**
   * McIdentity::changed:
   *
   * A field, a warning or the card type changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mc_identity_init (McIdentity *self)
{
  self->warnings = g_ptr_array_new_with_free_func (warning_free);
}

McIdentity *
mc_identity_new (void)
{
  return g_object_new (MC_TYPE_IDENTITY, NULL);
}

McIdentity *
mc_identity_copy (McIdentity *self)
{
  McIdentity *copy;

  g_return_val_if_fail (MC_IS_IDENTITY (self), NULL);

  copy = mc_identity_new ();
  copy->card_type = self->card_type;
  for (guint i = 0; i < MC_ID_N_FIELDS; i++)
    {
      copy->fields[i] = self->fields[i];
      copy->fields[i].value = g_strdup (self->fields[i].value);
    }
  for (guint i = 0; i < 3; i++)
    copy->mrz[i] = g_strdup (self->mrz[i]);
  copy->qr_payload = g_strdup (self->qr_payload);
  memcpy (copy->status, self->status, sizeof copy->status);
  for (guint i = 0; i < self->warnings->len; i++)
    {
      McIdentityWarning *w = g_ptr_array_index (self->warnings, i);

      mc_identity_add_warning (copy, w->code, w->field, w->message);
    }
  return copy;
}

McCardType
mc_identity_get_card_type (McIdentity *self)
{
  g_return_val_if_fail (MC_IS_IDENTITY (self), MC_CARD_TYPE_UNKNOWN);
  return self->card_type;
}

void
mc_identity_set_card_type (McIdentity *self,
                           McCardType  card_type)
{
  g_return_if_fail (MC_IS_IDENTITY (self));
  g_return_if_fail (card_type <= MC_CARD_TYPE_CMND);

  self->card_type = card_type;
  g_signal_emit (self, signals[CHANGED], 0);
}

const McIdentityField *
mc_identity_get_field (McIdentity *self,
                       McIdField   field)
{
  g_return_val_if_fail (MC_IS_IDENTITY (self), NULL);
  g_return_val_if_fail (field >= 0 && field < MC_ID_N_FIELDS, NULL);
  return &self->fields[field];
}

const char *
mc_identity_get_value (McIdentity *self,
                       McIdField   field)
{
  g_return_val_if_fail (MC_IS_IDENTITY (self), NULL);
  g_return_val_if_fail (field >= 0 && field < MC_ID_N_FIELDS, NULL);
  return self->fields[field].value;
}

void
mc_identity_set_field (McIdentity     *self,
                       McIdField       field,
                       const char     *value,
                       McIdSource      source,
                       double          confidence,
                       McIdFieldFlags  flags,
                       guint           confirmed_by)
{
  McIdentityField *f;
  char *copy;

  g_return_if_fail (MC_IS_IDENTITY (self));
  g_return_if_fail (field >= 0 && field < MC_ID_N_FIELDS);
  g_return_if_fail (source <= MC_ID_SOURCE_MANUAL);

  f = &self->fields[field];
  /* @value may be the field's own: copy before freeing. Cleaned here, as
   * every reader's value passes through. */
  copy = mc_id_clean_text (value);
  g_free (f->value);
  f->value = copy;
  f->source = source;
  f->confidence = CLAMP (confidence, 0.0, 1.0);
  f->flags = flags;
  if (source != MC_ID_SOURCE_MANUAL && source != MC_ID_SOURCE_NONE &&
      f->confidence < MC_ID_CONFIDENCE_SURE)
    f->flags |= MC_ID_FIELD_FLAG_UNSURE;
  f->confirmed_by = confirmed_by & ~(1u << source);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
remove_warnings (McIdentity *self,
                 McIdField   field,
                 gboolean    rules_only)
{
  for (guint i = self->warnings->len; i > 0; i--)
    {
      McIdentityWarning *w = g_ptr_array_index (self->warnings, i - 1);
      gboolean is_rule = g_strv_contains (rule_codes, w->code);

      if (rules_only ? is_rule : (w->field == field && field != MC_ID_FIELD_NONE))
        g_ptr_array_remove_index (self->warnings, i - 1);
    }
}

/* The clerk typed @value (NULL or empty: cleared). The field becomes
 * "manual", fully trusted; its warnings go, since the clerk has looked. */
void
mc_identity_edit (McIdentity *self,
                  McIdField   field,
                  const char *value)
{
  McIdentityField *f;
  g_autofree char *tidy = NULL;

  g_return_if_fail (MC_IS_IDENTITY (self));
  g_return_if_fail (field >= 0 && field < MC_ID_N_FIELDS);

  tidy = mc_id_tidy_text (value);
  f = &self->fields[field];
  g_free (f->value);
  f->value = (tidy != NULL && *tidy != '\0') ? g_steal_pointer (&tidy) : NULL;
  f->source = MC_ID_SOURCE_MANUAL;
  f->confidence = 1.0;
  f->flags = 0;
  f->confirmed_by = 0;
  remove_warnings (self, field, FALSE);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* TRUE while a field is marked or a warning stands: the clerk must look
 * before the identity is used. */
gboolean
mc_identity_needs_review (McIdentity *self)
{
  g_return_val_if_fail (MC_IS_IDENTITY (self), TRUE);

  for (guint i = 0; i < MC_ID_N_FIELDS; i++)
    if (self->fields[i].flags & (MC_ID_FIELD_FLAG_UNSURE | MC_ID_FIELD_FLAG_CONFLICT))
      return TRUE;
  return self->warnings->len > 0;
}

const char * const *
mc_identity_get_mrz_lines (McIdentity *self)
{
  g_return_val_if_fail (MC_IS_IDENTITY (self), NULL);
  return self->mrz[0] != NULL ? (const char * const *) self->mrz : NULL;
}

void
mc_identity_set_mrz_lines (McIdentity         *self,
                           const char * const *lines)
{
  g_return_if_fail (MC_IS_IDENTITY (self));

  for (guint i = 0; i < 3; i++)
    g_clear_pointer (&self->mrz[i], g_free);
  if (lines == NULL)
    return;
  for (guint i = 0; i < 3 && lines[i] != NULL; i++)
    if ((self->mrz[i] = mc_id_clean_text (lines[i])) == NULL)
      break;
}

/* The QR code's text as decoded (UTF-8), so that a clerk or a test can
 * compare the sources; NULL when no QR was decoded. */
const char *
mc_identity_get_qr_payload (McIdentity *self)
{
  g_return_val_if_fail (MC_IS_IDENTITY (self), NULL);
  return self->qr_payload;
}

void
mc_identity_set_qr_payload (McIdentity *self,
                            const char *payload)
{
  g_return_if_fail (MC_IS_IDENTITY (self));
  g_return_if_fail (payload == NULL || g_utf8_validate (payload, -1, NULL));

  g_free (self->qr_payload);
  self->qr_payload = g_strdup (payload);
}

McIdSourceStatus
mc_identity_get_source_status (McIdentity *self,
                               McIdSource  source)
{
  g_return_val_if_fail (MC_IS_IDENTITY (self), MC_ID_SOURCE_STATUS_ABSENT);
  g_return_val_if_fail (source <= MC_ID_SOURCE_MANUAL, MC_ID_SOURCE_STATUS_ABSENT);
  return self->status[source];
}

void
mc_identity_set_source_status (McIdentity       *self,
                               McIdSource        source,
                               McIdSourceStatus  status)
{
  g_return_if_fail (MC_IS_IDENTITY (self));
  g_return_if_fail (source <= MC_ID_SOURCE_MANUAL);
  g_return_if_fail (status <= MC_ID_SOURCE_STATUS_VALID);
  self->status[source] = status;
}

GPtrArray *
mc_identity_get_warnings (McIdentity *self)
{
  g_return_val_if_fail (MC_IS_IDENTITY (self), NULL);
  return self->warnings;
}

void
mc_identity_add_warning (McIdentity *self,
                         const char *code,
                         McIdField   field,
                         const char *message)
{
  McIdentityWarning *w;

  g_return_if_fail (MC_IS_IDENTITY (self));
  g_return_if_fail (code != NULL && message != NULL);
  g_return_if_fail (field >= MC_ID_FIELD_NONE && field < MC_ID_N_FIELDS);

  /* Once is enough. */
  for (guint i = 0; i < self->warnings->len; i++)
    {
      McIdentityWarning *o = g_ptr_array_index (self->warnings, i);

      if (g_str_equal (o->code, code) && o->field == field)
        return;
    }
  w = g_new0 (McIdentityWarning, 1);
  w->code = g_strdup (code);
  w->field = field;
  w->message = mc_id_clean_text (message);
  if (w->message == NULL)
    w->message = g_strdup ("");
  g_ptr_array_add (self->warnings, w);
  g_signal_emit (self, signals[CHANGED], 0);
}

static gboolean
field_date (McIdentity *self,
            McIdField   field,
            GDate      *date)
{
  return mc_id_date_parse_iso (self->fields[field].value, date);
}

/* The checks that follow from the values alone: the number against the
 * birth date and sex, the expiry against today and against the renewal
 * ages. Run again after every edit, so a fixed field clears its warning. */
void
mc_identity_check_rules (McIdentity  *self,
                         const GDate *today)
{
  const char *number;
  GDate birth, issue, expiry, expected;
  gboolean have_birth, have_issue, have_expiry, no_expiry;
  McSex sex;

  g_return_if_fail (MC_IS_IDENTITY (self));

  remove_warnings (self, MC_ID_FIELD_NONE, TRUE);

  number = self->fields[MC_ID_FIELD_ID_NUMBER].value;
  have_birth = field_date (self, MC_ID_FIELD_DATE_OF_BIRTH, &birth);
  have_issue = field_date (self, MC_ID_FIELD_DATE_OF_ISSUE, &issue);
  have_expiry = field_date (self, MC_ID_FIELD_DATE_OF_EXPIRY, &expiry);
  no_expiry = (self->fields[MC_ID_FIELD_DATE_OF_EXPIRY].flags & MC_ID_FIELD_FLAG_NO_EXPIRY) != 0;
  sex = mc_sex_parse (self->fields[MC_ID_FIELD_SEX].value);

  if (number != NULL)
    {
      guint problems = mc_id_number_check (number, have_birth ? &birth : NULL, sex);

      /* A 9-digit CMND number has no coded digits to check. */
      if ((problems & MC_ID_NUMBER_MALFORMED) &&
          !(self->card_type == MC_CARD_TYPE_CMND && mc_id_number_is_old_number (number)))
        mc_identity_add_warning (self, "id-number-malformed", MC_ID_FIELD_ID_NUMBER,
                                 _("The ID number should have 12 digits."));
      if (problems & MC_ID_NUMBER_CENTURY_MISMATCH)
        mc_identity_add_warning (self, "id-number-century", MC_ID_FIELD_ID_NUMBER,
                                 _("Digit 4 of the ID number gives another century of birth than the date of birth. One of them was misread."));
      if (problems & MC_ID_NUMBER_SEX_MISMATCH)
        mc_identity_add_warning (self, "id-number-sex", MC_ID_FIELD_ID_NUMBER,
                                 _("Digit 4 of the ID number does not match the sex on the card. One of them was misread."));
      if (problems & MC_ID_NUMBER_YEAR_MISMATCH)
        mc_identity_add_warning (self, "id-number-year", MC_ID_FIELD_ID_NUMBER,
                                 _("Digits 5 and 6 of the ID number are not the year of birth. One of them was misread."));
    }

  if (have_expiry && today != NULL && g_date_valid (today) && g_date_compare (&expiry, today) < 0)
    mc_identity_add_warning (self, "expired", MC_ID_FIELD_DATE_OF_EXPIRY,
                             _("This card has expired. Ask the citizen for a valid card or a renewal receipt."));

  if (have_birth && have_issue && (have_expiry || no_expiry) &&
      mc_id_expected_expiry (self->card_type, &birth, &issue, &expected, &no_expiry))
    {
      gboolean agrees = no_expiry ? !have_expiry : (have_expiry && g_date_compare (&expected, &expiry) == 0);

      if (!agrees)
        mc_identity_add_warning (self, "expiry-rule", MC_ID_FIELD_DATE_OF_EXPIRY,
                                 _("The date of expiry does not follow from the dates of birth and issue. Check all three on the card."));
    }
}

/* ------------------------------------------------------------------ JSON */

static void
add_field_json (JsonBuilder           *b,
                const McIdentityField *f)
{
  if (f->value == NULL && !(f->flags & MC_ID_FIELD_FLAG_NO_EXPIRY))
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "value");
  if (f->value != NULL)
    json_builder_add_string_value (b, f->value);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "source");
  json_builder_add_string_value (b, source_names[f->source]);
  json_builder_set_member_name (b, "confidence");
  json_builder_add_double_value (b, round (f->confidence * 1000.0) / 1000.0);
  if (f->flags & MC_ID_FIELD_FLAG_NO_EXPIRY)
    {
      json_builder_set_member_name (b, "note");
      json_builder_add_string_value (b, NO_EXPIRY_NOTE);
    }
  if (f->flags & MC_ID_FIELD_FLAG_UNSURE)
    {
      json_builder_set_member_name (b, "unsure");
      json_builder_add_boolean_value (b, TRUE);
    }
  if (f->flags & MC_ID_FIELD_FLAG_CONFLICT)
    {
      json_builder_set_member_name (b, "conflict");
      json_builder_add_boolean_value (b, TRUE);
    }
  if (f->confirmed_by != 0)
    {
      json_builder_set_member_name (b, "confirmed_by");
      json_builder_begin_array (b);
      for (guint s = MC_ID_SOURCE_QR; s <= MC_ID_SOURCE_MANUAL; s++)
        if (f->confirmed_by & (1u << s))
          json_builder_add_string_value (b, source_names[s]);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

/* The record as `motcua-tool read-id --json` prints it and the visit
 * stores it: card_type, one member per field ({value, source, confidence}
 * or null), mrz, qr_payload (the QR's text, or null), warnings, sources. */
JsonNode *
mc_identity_to_json (McIdentity *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (MC_IS_IDENTITY (self), NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "card_type");
  if (self->card_type != MC_CARD_TYPE_UNKNOWN)
    json_builder_add_string_value (b, card_type_names[self->card_type]);
  else
    json_builder_add_null_value (b);
  for (guint i = 0; i < MC_ID_N_FIELDS; i++)
    {
      json_builder_set_member_name (b, field_names[i]);
      add_field_json (b, &self->fields[i]);
    }
  json_builder_set_member_name (b, "mrz");
  if (self->mrz[0] != NULL)
    {
      json_builder_begin_array (b);
      for (guint i = 0; i < 3 && self->mrz[i] != NULL; i++)
        json_builder_add_string_value (b, self->mrz[i]);
      json_builder_end_array (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "qr_payload");
  if (self->qr_payload != NULL)
    json_builder_add_string_value (b, self->qr_payload);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->warnings->len; i++)
    {
      McIdentityWarning *w = g_ptr_array_index (self->warnings, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, w->code);
      json_builder_set_member_name (b, "field");
      if (w->field != MC_ID_FIELD_NONE)
        json_builder_add_string_value (b, field_names[w->field]);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, w->message);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "sources");
  json_builder_begin_object (b);
  for (guint s = MC_ID_SOURCE_QR; s <= MC_ID_SOURCE_OCR; s++)
    {
      json_builder_set_member_name (b, source_names[s]);
      json_builder_add_string_value (b, status_names[self->status[s]]);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

static gboolean
bad_record (GError     **error,
            const char  *member)
{
  /* Translators: %s is the name of a member of the stored identity record */
  g_set_error (error, MC_ID_ERROR, MC_ID_ERROR_BAD_RECORD,
               _("The stored identity is damaged (“%s”). Read the card again."), member);
  return FALSE;
}

/* A string member, or NULL when it is null or missing; FALSE when it has
 * another type. json-glib's own getters would emit criticals instead. */
static gboolean
get_string (JsonObject  *obj,
            const char  *name,
            const char **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return bad_record (error, name);
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_field (McIdentity  *self,
            McIdField    field,
            JsonNode    *node,
            GError     **error)
{
  const char *name = field_names[field];
  JsonObject *obj;
  JsonNode *member;
  const char *value, *source, *note;
  McIdentityField *f = &self->fields[field];

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return bad_record (error, name);
  obj = json_node_get_object (node);

  if (!get_string (obj, "value", &value, error) || !get_string (obj, "source", &source, error) ||
      !get_string (obj, "note", &note, error))
    return FALSE;
  if (value != NULL && !g_utf8_validate (value, -1, NULL))
    return bad_record (error, name);
  f->source = mc_id_source_from_string (source);
  if (source == NULL || (f->source == MC_ID_SOURCE_NONE && !g_str_equal (source, "none")))
    return bad_record (error, name);
  /* A record stored before values were cleaned may hold anything. */
  f->value = mc_id_clean_text (value);

  member = json_object_get_member (obj, "confidence");
  if (member != NULL)
    {
      GType t;

      if (!JSON_NODE_HOLDS_VALUE (member))
        return bad_record (error, name);
      t = json_node_get_value_type (member);
      if (t != G_TYPE_DOUBLE && t != G_TYPE_INT64)
        return bad_record (error, name);
      f->confidence = CLAMP (json_node_get_double (member), 0.0, 1.0);
    }
  if (note != NULL && g_str_equal (note, NO_EXPIRY_NOTE) && field == MC_ID_FIELD_DATE_OF_EXPIRY)
    f->flags |= MC_ID_FIELD_FLAG_NO_EXPIRY;
  for (guint k = 0; k < 2; k++)
    {
      const char *flag = k == 0 ? "unsure" : "conflict";

      member = json_object_get_member (obj, flag);
      if (member == NULL)
        continue;
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        return bad_record (error, name);
      if (json_node_get_boolean (member))
        f->flags |= k == 0 ? MC_ID_FIELD_FLAG_UNSURE : MC_ID_FIELD_FLAG_CONFLICT;
    }
  member = json_object_get_member (obj, "confirmed_by");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      JsonArray *arr = json_node_get_array (member);

      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *e = json_array_get_element (arr, i);

          if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
            f->confirmed_by |= 1u << mc_id_source_from_string (json_node_get_string (e));
        }
      f->confirmed_by &= ~1u;
    }
  return TRUE;
}

McIdentity *
mc_identity_new_from_json (JsonNode  *node,
                           GError   **error)
{
  g_autoptr(McIdentity) self = mc_identity_new ();
  JsonObject *obj;
  JsonNode *member;
  const char *card_type;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return bad_record (error, "/"), NULL;
  obj = json_node_get_object (node);

  if (!get_string (obj, "card_type", &card_type, error))
    return NULL;
  self->card_type = mc_card_type_from_string (card_type);

  for (guint i = 0; i < MC_ID_N_FIELDS; i++)
    if (!read_field (self, i, json_object_get_member (obj, field_names[i]), error))
      return NULL;

  member = json_object_get_member (obj, "mrz");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      JsonArray *arr;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        return bad_record (error, "mrz"), NULL;
      arr = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (arr) && i < 3; i++)
        {
          JsonNode *e = json_array_get_element (arr, i);

          if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
            return bad_record (error, "mrz"), NULL;
          if ((self->mrz[i] = mc_id_clean_text (json_node_get_string (e))) == NULL)
            return bad_record (error, "mrz"), NULL;
        }
    }

  /* Records stored before the payload was kept have no such member. */
  member = json_object_get_member (obj, "qr_payload");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING ||
          !g_utf8_validate (json_node_get_string (member), -1, NULL))
        return bad_record (error, "qr_payload"), NULL;
      self->qr_payload = g_strdup (json_node_get_string (member));
    }

  member = json_object_get_member (obj, "warnings");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      JsonArray *arr;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        return bad_record (error, "warnings"), NULL;
      arr = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *e = json_array_get_element (arr, i);
          const char *code, *field, *message;
          McIdField f = MC_ID_FIELD_NONE;

          if (!JSON_NODE_HOLDS_OBJECT (e))
            return bad_record (error, "warnings"), NULL;
          if (!get_string (json_node_get_object (e), "code", &code, error) ||
              !get_string (json_node_get_object (e), "field", &field, error) ||
              !get_string (json_node_get_object (e), "message", &message, error))
            return NULL;
          if (code == NULL || message == NULL)
            return bad_record (error, "warnings"), NULL;
          if (field != NULL && (f = mc_id_field_from_string (field)) == MC_ID_FIELD_NONE)
            return bad_record (error, "warnings"), NULL;
          mc_identity_add_warning (self, code, f, message);
        }
    }

  member = json_object_get_member (obj, "sources");
  if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
    for (guint s = MC_ID_SOURCE_QR; s <= MC_ID_SOURCE_OCR; s++)
      {
        const char *status;

        if (!get_string (json_node_get_object (member), source_names[s], &status, error))
          return NULL;
        for (guint k = 0; status != NULL && k < G_N_ELEMENTS (status_names); k++)
          if (g_str_equal (status, status_names[k]))
            self->status[s] = k;
      }

  return g_steal_pointer (&self);
}

/* ----------------------------------------------------------------- names */

const char *
mc_id_field_to_string (McIdField field)
{
  g_return_val_if_fail (field >= 0 && field < MC_ID_N_FIELDS, NULL);
  return field_names[field];
}

McIdField
mc_id_field_from_string (const char *name)
{
  for (guint i = 0; name != NULL && i < MC_ID_N_FIELDS; i++)
    if (g_str_equal (name, field_names[i]))
      return i;
  return MC_ID_FIELD_NONE;
}

const char *
mc_id_field_get_title (McIdField field)
{
  static const char *titles[MC_ID_N_FIELDS] = {
    N_("ID number"), N_("Old ID number"), N_("Full name"), N_("Date of birth"), N_("Sex"),
    N_("Nationality"), N_("Place of origin"), N_("Place of birth"), N_("Place of residence"),
    N_("Date of issue"), N_("Date of expiry"),
  };

  g_return_val_if_fail (field >= 0 && field < MC_ID_N_FIELDS, NULL);
  return _(titles[field]);
}

const char *
mc_id_source_to_string (McIdSource source)
{
  g_return_val_if_fail (source <= MC_ID_SOURCE_MANUAL, NULL);
  return source_names[source];
}

McIdSource
mc_id_source_from_string (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (source_names); i++)
    if (g_str_equal (name, source_names[i]))
      return i;
  return MC_ID_SOURCE_NONE;
}

/* Short, for a badge beside the field. */
const char *
mc_id_source_get_title (McIdSource source)
{
  switch (source)
    {
    /* Translators: badge: the value was read from the card's QR code */
    case MC_ID_SOURCE_QR: return C_("source", "QR");
    /* Translators: badge: the value was read from the machine-readable zone */
    case MC_ID_SOURCE_MRZ: return C_("source", "MRZ");
    /* Translators: badge: the value was read from the printed text (OCR) */
    case MC_ID_SOURCE_OCR: return C_("source", "Printed");
    /* Translators: badge: the clerk typed or corrected the value */
    case MC_ID_SOURCE_MANUAL: return C_("source", "Typed");
    case MC_ID_SOURCE_NONE:
    default: return "";
    }
}

const char *
mc_card_type_to_string (McCardType card_type)
{
  g_return_val_if_fail (card_type <= MC_CARD_TYPE_CMND, NULL);
  return card_type_names[card_type];
}

McCardType
mc_card_type_from_string (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (card_type_names); i++)
    if (g_str_equal (name, card_type_names[i]))
      return i;
  return MC_CARD_TYPE_UNKNOWN;
}

const char *
mc_card_type_get_title (McCardType card_type)
{
  switch (card_type)
    {
    case MC_CARD_TYPE_CCCD_2021: return _("Citizen ID card with chip (2021)");
    case MC_CARD_TYPE_CANCUOC_2024: return _("Identity card (2024)");
    case MC_CARD_TYPE_CCCD_2016: return _("Citizen ID card with barcode (2016)");
    case MC_CARD_TYPE_CMND: return _("People’s ID card (CMND)");
    case MC_CARD_TYPE_UNKNOWN:
    default: return _("Unknown kind of card");
    }
}

const char *
mc_id_source_status_to_string (McIdSourceStatus status)
{
  g_return_val_if_fail (status <= MC_ID_SOURCE_STATUS_VALID, NULL);
  return status_names[status];
}
