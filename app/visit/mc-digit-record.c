/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-digit-record"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-digit-record.h"
#include "mc-doc-header.h"
#include "mc-error.h"
#include "mc-id-rules.h"
#include "mc-json.h"

static const char * const field_names[MC_RECORD_N_FIELDS] = {
  "doc_type_code", "holder_id", "doc_name", "number_symbol", "issue_date",
  "issuer", "summary", "validity", "scope",
};

static const char * const source_names[] = {
  NULL, "not-signed", "intact", "broken",
};

/* As motcua-tool verify --json says it. */
static const char * const chain_names[] = {
  "not-checked", "trusted", "untrusted",
};

const char *
mc_record_field_to_string (McRecordField field)
{
  g_return_val_if_fail (field < MC_RECORD_N_FIELDS, NULL);
  return field_names[field];
}

const char *
mc_record_field_get_label (McRecordField field)
{
  switch (field)
    {
    case MC_RECORD_DOC_TYPE: return _("Document type code");
    case MC_RECORD_HOLDER_ID: return _("Holder’s identity number");
    case MC_RECORD_DOC_NAME: return _("Document name");
    case MC_RECORD_NUMBER_SYMBOL: return _("Number and symbol");
    case MC_RECORD_ISSUE_DATE: return _("Date of issue");
    case MC_RECORD_ISSUER: return _("Issuing body");
    case MC_RECORD_SUMMARY: return _("Summary");
    case MC_RECORD_VALIDITY: return _("Validity period");
    case MC_RECORD_SCOPE: return _("Scope of validity");
    case MC_RECORD_N_FIELDS:
    default: return "";
    }
}

McDigitRecord *
mc_digit_record_new (void)
{
  return g_new0 (McDigitRecord, 1);
}

McDigitRecord *
mc_digit_record_copy (const McDigitRecord *record)
{
  McDigitRecord *copy = g_new0 (McDigitRecord, 1);

  for (guint i = 0; i < MC_RECORD_N_FIELDS; i++)
    copy->values[i] = g_strdup (record->values[i]);
  copy->edited = record->edited;
  copy->source = record->source;
  copy->source_signer = g_strdup (record->source_signer);
  copy->source_file = g_strdup (record->source_file);
  copy->source_chain = record->source_chain;
  return copy;
}

void
mc_digit_record_free (McDigitRecord *record)
{
  if (record == NULL)
    return;
  for (guint i = 0; i < MC_RECORD_N_FIELDS; i++)
    g_free (record->values[i]);
  g_free (record->source_signer);
  g_free (record->source_file);
  g_free (record);
}

const char *
mc_digit_record_get (const McDigitRecord *record,
                     McRecordField        field)
{
  g_return_val_if_fail (field < MC_RECORD_N_FIELDS, NULL);
  return record->values[field];
}

void
mc_digit_record_set (McDigitRecord *record,
                     McRecordField  field,
                     const char    *value)
{
  g_autofree char *clean = value ? mc_id_clean_text (value) : NULL;

  g_return_if_fail (field < MC_RECORD_N_FIELDS);
  if (clean != NULL)
    g_strstrip (clean);
  g_free (record->values[field]);
  record->values[field] = clean != NULL && *clean ? g_steal_pointer (&clean) : NULL;
}

static void
fill (McDigitRecord *record,
      McRecordField  field,
      const char    *value)
{
  if (record->values[field] == NULL && value != NULL)
    mc_digit_record_set (record, field, value);
}

void
mc_digit_record_prefill (McDigitRecord     *record,
                         const McComponent *component,
                         JsonObject        *identity,
                         const char        *ocr_text)
{
  if (record->edited)
    return;

  if (identity != NULL)
    fill (record, MC_RECORD_HOLDER_ID,
          json_object_get_string_member_with_default (identity, "id_number", NULL));
  if (ocr_text != NULL)
    {
      g_autoptr(McDocHeader) header = mc_doc_header_parse (ocr_text);

      fill (record, MC_RECORD_NUMBER_SYMBOL, header->number_symbol);
      fill (record, MC_RECORD_ISSUE_DATE, header->issue_date);
      fill (record, MC_RECORD_ISSUER, header->issuer);
      /* The paper's own title, else the catalog's name for it. */
      fill (record, MC_RECORD_DOC_NAME, header->title);
    }
  if (component != NULL)
    fill (record, MC_RECORD_DOC_NAME, component->name);
}

char *
mc_digit_record_dup_source_text (const McDigitRecord *record)
{
  switch (record->source)
    {
    case MC_SOURCE_NOT_SIGNED:
      return g_strdup (_("No digital signature"));
    case MC_SOURCE_SIGNED_INTACT:
      if (record->source_chain == MC_CHAIN_UNTRUSTED)
        /* TRANSLATORS: %s is the signer's name, from the certificate */
        return g_strdup_printf (_("Signed by %s, intact; the signer’s certificate is not from a trusted authority"),
                                record->source_signer ? record->source_signer : "?");
      if (record->source_chain == MC_CHAIN_TRUSTED)
        /* TRANSLATORS: %s is the signer's name, from the certificate */
        return g_strdup_printf (_("Signed by %s, intact; certificate from a trusted authority"),
                                record->source_signer ? record->source_signer : "?");
      /* TRANSLATORS: %s is the signer's name, from the certificate */
      return g_strdup_printf (_("Signed by %s, intact"), record->source_signer ? record->source_signer : "?");
    case MC_SOURCE_SIGNED_BROKEN:
      return g_strdup (_("Signature broken: the file was changed after it was signed"));
    case MC_SOURCE_NOT_CHECKED:
    default:
      return NULL;
    }
}

void
mc_digit_record_to_json (const McDigitRecord *record,
                         JsonBuilder         *b)
{
  json_builder_begin_object (b);
  for (guint i = 0; i < MC_RECORD_N_FIELDS; i++)
    {
      mc_json_add_string_or_null (b, field_names[i], record->values[i]);
    }
  json_builder_set_member_name (b, "edited");
  json_builder_add_boolean_value (b, record->edited);
  if (record->source != MC_SOURCE_NOT_CHECKED)
    {
      json_builder_set_member_name (b, "source_signature");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, source_names[record->source]);
      mc_json_add_string_or_null (b, "signer", record->source_signer);
      json_builder_set_member_name (b, "chain");
      json_builder_add_string_value (b, chain_names[record->source_chain]);
      mc_json_add_string_or_null (b, "file", record->source_file);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

McDigitRecord *
mc_digit_record_from_json (JsonObject  *object,
                           const char  *origin,
                           GError     **error)
{
  g_autoptr(McDigitRecord) record = mc_digit_record_new ();
  JsonObject *source;
  g_autoptr(GError) local_error = NULL;

  for (guint i = 0; i < MC_RECORD_N_FIELDS; i++)
    {
      const char *value = NULL;

      if (!mc_json_get_string (object, origin, field_names[i], FALSE, &value, error))
        return NULL;
      mc_digit_record_set (record, i, value);
    }
  if (!mc_json_get_bool (object, origin, "edited", FALSE, &record->edited, error))
    return NULL;
  source = mc_json_get_object (object, origin, "source_signature", FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (source != NULL)
    {
      const char *status = NULL, *signer = NULL, *file = NULL, *chain = NULL;

      if (!mc_json_get_string (source, origin, "status", TRUE, &status, error) ||
          !mc_json_get_string (source, origin, "signer", FALSE, &signer, error) ||
          !mc_json_get_string (source, origin, "file", FALSE, &file, error) ||
          !mc_json_get_string (source, origin, "chain", FALSE, &chain, error))
        return NULL;
      for (guint i = 0; chain != NULL && i < G_N_ELEMENTS (chain_names); i++)
        if (g_str_equal (chain, chain_names[i]))
          record->source_chain = i;
      for (guint i = 1; i < G_N_ELEMENTS (source_names); i++)
        if (g_str_equal (status, source_names[i]))
          record->source = i;
      record->source_signer = signer ? mc_id_clean_text (signer) : NULL;
      record->source_file = g_strdup (file);
    }
  return g_steal_pointer (&record);
}

void
mc_digit_records_to_json (GHashTable  *records,
                          JsonBuilder *b)
{
  g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (records), (GCompareFunc) g_strcmp0);

  json_builder_begin_object (b);
  for (GList *l = keys; l; l = l->next)
    {
      json_builder_set_member_name (b, l->data);
      mc_digit_record_to_json (g_hash_table_lookup (records, l->data), b);
    }
  json_builder_end_object (b);
}

gboolean
mc_digit_records_load (GHashTable  *records,
                       JsonObject  *root,
                       const char  *origin,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonObject *object = mc_json_get_object (root, origin, "records", FALSE, &local_error);
  g_autoptr(GList) members = NULL;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  members = object ? json_object_get_members (object) : NULL;
  for (GList *l = members; l; l = l->next)
    {
      JsonObject *o = mc_json_get_object (object, origin, l->data, TRUE, error);
      McDigitRecord *record = o ? mc_digit_record_from_json (o, origin, error) : NULL;

      if (record == NULL)
        return FALSE;
      g_hash_table_insert (records, g_strdup (l->data), record);
    }
  return TRUE;
}
