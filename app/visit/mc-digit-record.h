/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "mc-pdf-sign.h"
#include "mc-procedure-catalog.h"

G_BEGIN_DECLS

/* The digitization record of one component (Thông tư 01/2023/TT-VPCP
 * Điều 7–8): the data extracted from the paper, pre-filled from what the
 * program knows and checked by the clerk. Kept in visit.json, written to
 * manifest.json (docs/package-format.md). */

typedef enum {
  MC_RECORD_DOC_TYPE,        /* mã loại giấy tờ */
  MC_RECORD_HOLDER_ID,       /* mã định danh of the holder */
  MC_RECORD_DOC_NAME,        /* tên giấy tờ */
  MC_RECORD_NUMBER_SYMBOL,   /* số, ký hiệu */
  MC_RECORD_ISSUE_DATE,      /* ngày cấp, YYYY-MM-DD */
  MC_RECORD_ISSUER,          /* cơ quan cấp */
  MC_RECORD_SUMMARY,         /* trích yếu */
  MC_RECORD_VALIDITY,        /* thời hạn hiệu lực */
  MC_RECORD_SCOPE,           /* phạm vi hiệu lực */
  MC_RECORD_N_FIELDS
} McRecordField;

/* What the visit learnt of a PDF the citizen brought (signed results of
 * other offices): the first signature's check, or none. */
typedef enum {
  MC_SOURCE_NOT_CHECKED,     /* scanned, or not a PDF */
  MC_SOURCE_NOT_SIGNED,
  MC_SOURCE_SIGNED_INTACT,
  MC_SOURCE_SIGNED_BROKEN,   /* changed after signing, or the signature is invalid */
} McSourceSignature;

typedef struct {
  char              *values[MC_RECORD_N_FIELDS];  /* NULL: not known */
  gboolean           edited;       /* the clerk saved it: pre-filling leaves it alone */
  McSourceSignature  source;
  char              *source_signer;
  char              *source_file;  /* the file's base name */
  McChainStatus      source_chain;
} McDigitRecord;

const char    *mc_record_field_to_string  (McRecordField field);
const char    *mc_record_field_get_label  (McRecordField field);

McDigitRecord *mc_digit_record_new        (void);
McDigitRecord *mc_digit_record_copy       (const McDigitRecord *record);
void           mc_digit_record_free       (McDigitRecord       *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McDigitRecord, mc_digit_record_free)

const char    *mc_digit_record_get        (const McDigitRecord *record,
                                           McRecordField        field);
/* Sets a field; empty or blank text clears it. Text is cleaned as typed
 * identity text is (NFC, no control or format characters). */
void           mc_digit_record_set        (McDigitRecord       *record,
                                           McRecordField        field,
                                           const char          *value);

/* Fills what is still empty and not the clerk's: the component's name,
 * the holder's number from @identity (NULL: none), and the header read
 * from @ocr_text (NULL: none). */
void           mc_digit_record_prefill    (McDigitRecord       *record,
                                           const McComponent   *component,
                                           JsonObject          *identity,
                                           const char          *ocr_text);

/* The result of the check of a brought PDF, for people. NULL: nothing to say. */
char          *mc_digit_record_dup_source_text (const McDigitRecord *record);

/* visit.json and manifest.json: an object of the fields (null when not
 * known), "edited", and "source_signature" when a brought PDF was checked. */
void           mc_digit_record_to_json    (const McDigitRecord *record,
                                           JsonBuilder         *builder);
McDigitRecord *mc_digit_record_from_json  (JsonObject          *object,
                                           const char          *origin,
                                           GError             **error);

/* A table of records (component key → McDigitRecord) as one object, and
 * back from the optional member "records" of @root into @records. */
void           mc_digit_records_to_json   (GHashTable          *records,
                                           JsonBuilder         *builder);
gboolean       mc_digit_records_load      (GHashTable          *records,
                                           JsonObject          *root,
                                           const char          *origin,
                                           GError             **error);

G_END_DECLS
