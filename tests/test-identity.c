/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mc-core.h"
#include "mc-id-merge.h"
#include "mc-id-rules.h"
#include "mc-identity.h"
#include "mc-test-text.h"
#include "mc-test-util.h"

/* The merge, from readings built by hand (the reader's end to end run is
 * test-id-reader), and the record's JSON as the visit stores it. */

#define VN1 "IDVNM0900012345056090001234<<6"
#define VN2 "9001011M3001019VNM<<<<<<<<<<<8"
#define VN3 "NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<"
#define QR "056090001234||Nguyễn Văn An|01011990|Nam|Thôn Phú Hội 2, Ninh Hưng, Ninh Hòa, Khánh Hòa|10072021"

static GDate today;

static McQrPayload *
qr_payload (const char *text)
{
  g_autoptr(GError) error = NULL;
  McQrPayload *p = mc_qr_payload_parse ((const guint8 *) text, strlen (text), &error);

  g_assert_no_error (error);
  return p;
}

static void
parse_mrz (const char *l1,
           const char *l2,
           const char *l3,
           McMrz      *mrz)
{
  g_autofree char *text = g_strjoin ("\n", l1, l2, l3, NULL);

  g_assert_true (mc_mrz_parse (text, -1, mrz, NULL));
}

static void
ocr_set (McIdOcrFields *ocr,
         McIdField      field,
         const char    *value,
         double         confidence)
{
  g_free (ocr->fields[field].value);
  ocr->fields[field].value = g_strdup (value);
  ocr->fields[field].confidence = confidence;
}

/* What the printed text of the front of this card reads. */
static McIdOcrFields *
ocr_front (void)
{
  McIdOcrFields *ocr = mc_id_ocr_fields_new ();

  ocr_set (ocr, MC_ID_FIELD_ID_NUMBER, "056090001234", 0.96);
  ocr_set (ocr, MC_ID_FIELD_FULL_NAME, "NGUYỄN VĂN AN", 0.93);
  ocr_set (ocr, MC_ID_FIELD_DATE_OF_BIRTH, "1990-01-01", 0.95);
  ocr_set (ocr, MC_ID_FIELD_SEX, "Nam", 0.95);
  ocr_set (ocr, MC_ID_FIELD_NATIONALITY, "Việt Nam", 0.95);
  ocr_set (ocr, MC_ID_FIELD_PLACE_OF_ORIGIN, "Vạn Ninh, Khánh Hòa", 0.94);
  ocr_set (ocr, MC_ID_FIELD_PLACE_OF_RESIDENCE, "Thôn Phú Hội 2, Ninh Hưng, Ninh Hòa, Khánh Hòa", 0.92);
  ocr_set (ocr, MC_ID_FIELD_DATE_OF_EXPIRY, "2030-01-01", 0.95);
  ocr->card_type = MC_CARD_TYPE_CCCD_2021;
  ocr->n_labels = 9;
  return ocr;
}

static gboolean
has_warning (McIdentity *id,
             const char *code,
             McIdField   field)
{
  GPtrArray *w = mc_identity_get_warnings (id);

  for (guint i = 0; i < w->len; i++)
    {
      McIdentityWarning *x = g_ptr_array_index (w, i);

      if (g_str_equal (x->code, code) && x->field == field)
        return TRUE;
    }
  return FALSE;
}

static void
assert_field (McIdentity  *id,
              McIdField    field,
              const char  *value,
              McIdSource   source,
              gboolean     sure)
{
  const McIdentityField *f = mc_identity_get_field (id, field);

  g_assert_cmpstr (f->value, ==, value);
  g_assert_cmpint (f->source, ==, source);
  if (sure)
    {
      g_assert_cmpfloat (f->confidence, >=, MC_ID_CONFIDENCE_SURE);
      g_assert_false (f->flags & (MC_ID_FIELD_FLAG_UNSURE | MC_ID_FIELD_FLAG_CONFLICT));
    }
  else
    g_assert_true (f->flags & (MC_ID_FIELD_FLAG_UNSURE | MC_ID_FIELD_FLAG_CONFLICT));
}

/* All three sources agree: QR wins, the others confirm. */
static void
test_merge_all_agree (void)
{
  g_autoptr(McQrPayload) qr = qr_payload (QR);
  g_autoptr(McIdOcrFields) ocr = ocr_front ();
  g_autoptr(McIdentity) id = NULL;
  McMrz mrz;
  McIdReadings r = { 0 };
  const McIdentityField *f;

  parse_mrz (VN1, VN2, VN3, &mrz);
  r = (McIdReadings) { .qr = qr, .qr_expected = TRUE, .mrz = &mrz, .mrz_expected = TRUE,
                       .ocr = ocr, .card_type = MC_CARD_TYPE_CCCD_2021, .today = &today };
  id = mc_id_merge (&r);

  g_assert_cmpint (mc_identity_get_card_type (id), ==, MC_CARD_TYPE_CCCD_2021);
  assert_field (id, MC_ID_FIELD_ID_NUMBER, "056090001234", MC_ID_SOURCE_QR, TRUE);
  f = mc_identity_get_field (id, MC_ID_FIELD_ID_NUMBER);
  g_assert_cmpuint (f->confirmed_by, ==, (1u << MC_ID_SOURCE_MRZ) | (1u << MC_ID_SOURCE_OCR));
  g_assert_cmpfloat (f->confidence, >, 0.999);
  /* The name: upper case with its diacritics, the MRZ agreeing without them. */
  assert_field (id, MC_ID_FIELD_FULL_NAME, "NGUYỄN VĂN AN", MC_ID_SOURCE_QR, TRUE);
  g_assert_true (mc_identity_get_field (id, MC_ID_FIELD_FULL_NAME)->confirmed_by & (1u << MC_ID_SOURCE_MRZ));
  assert_field (id, MC_ID_FIELD_DATE_OF_BIRTH, "1990-01-01", MC_ID_SOURCE_QR, TRUE);
  assert_field (id, MC_ID_FIELD_SEX, "Nam", MC_ID_SOURCE_QR, TRUE);
  assert_field (id, MC_ID_FIELD_DATE_OF_EXPIRY, "2030-01-01", MC_ID_SOURCE_MRZ, TRUE);
  assert_field (id, MC_ID_FIELD_DATE_OF_ISSUE, "2021-07-10", MC_ID_SOURCE_QR, TRUE);
  assert_field (id, MC_ID_FIELD_PLACE_OF_ORIGIN, "Vạn Ninh, Khánh Hòa", MC_ID_SOURCE_OCR, TRUE);
  assert_field (id, MC_ID_FIELD_NATIONALITY, "Việt Nam", MC_ID_SOURCE_OCR, TRUE);
  g_assert_null (mc_identity_get_value (id, MC_ID_FIELD_OLD_ID_NUMBER));
  g_assert_null (mc_identity_get_value (id, MC_ID_FIELD_PLACE_OF_BIRTH));
  g_assert_cmpuint (mc_identity_get_warnings (id)->len, ==, 0);
  g_assert_false (mc_identity_needs_review (id));
  g_assert_cmpint (mc_identity_get_source_status (id, MC_ID_SOURCE_QR), ==, MC_ID_SOURCE_STATUS_VALID);
  g_assert_cmpint (mc_identity_get_source_status (id, MC_ID_SOURCE_MRZ), ==, MC_ID_SOURCE_STATUS_VALID);
  g_assert_cmpstr (mc_identity_get_mrz_lines (id)[0], ==, VN1);
}

/* A căn cước whose front was left unread because its QR and zone give
 * all it prints: the back's print read what only it holds, and the
 * clerk is told the printed text was read, not "partly read". */
static void
test_merge_print_given (void)
{
  g_autoptr(McQrPayload) qr = qr_payload (QR);
  g_autoptr(McIdOcrFields) ocr = mc_id_ocr_fields_new ();
  McMrz mrz;
  McIdReadings r;

  parse_mrz (VN1, VN2, VN3, &mrz);
  ocr_set (ocr, MC_ID_FIELD_PLACE_OF_BIRTH, "Vạn Ninh, Khánh Hòa", 0.94);
  ocr_set (ocr, MC_ID_FIELD_PLACE_OF_RESIDENCE, "Thôn Phú Hội 2, Ninh Hưng, Ninh Hòa, Khánh Hòa", 0.92);
  ocr->n_labels = 2;
  for (int given = 0; given < 2; given++)
    {
      g_autoptr(McIdentity) id = NULL;

      r = (McIdReadings) { .qr = qr, .qr_expected = TRUE, .mrz = &mrz, .mrz_expected = TRUE, .ocr = ocr,
                           .print_given = given, .card_type = MC_CARD_TYPE_CANCUOC_2024,
                           .front_read = TRUE, .back_read = TRUE, .today = &today };
      id = mc_id_merge (&r);
      g_assert_cmpint (mc_identity_get_source_status (id, MC_ID_SOURCE_OCR), ==,
                       given ? MC_ID_SOURCE_STATUS_VALID : MC_ID_SOURCE_STATUS_PARTIAL);
      /* What the front would have added comes from the QR and the zone. */
      assert_field (id, MC_ID_FIELD_ID_NUMBER, "056090001234", MC_ID_SOURCE_QR, TRUE);
      assert_field (id, MC_ID_FIELD_NATIONALITY, "Việt Nam", MC_ID_SOURCE_MRZ, TRUE);
      assert_field (id, MC_ID_FIELD_PLACE_OF_BIRTH, "Vạn Ninh, Khánh Hòa", MC_ID_SOURCE_OCR, TRUE);
    }
}

/* Two checked sources that disagree: a conflict for the clerk. */
static void
test_merge_conflict (void)
{
  g_autoptr(McQrPayload) qr = qr_payload ("056090001234||Nguyễn Văn An|02011990|Nam|X|10072021");
  g_autoptr(McIdentity) id = NULL;
  McMrz mrz;
  McIdReadings r;

  parse_mrz (VN1, VN2, VN3, &mrz);
  r = (McIdReadings) { .qr = qr, .qr_expected = TRUE, .mrz = &mrz, .mrz_expected = TRUE,
                       .card_type = MC_CARD_TYPE_CCCD_2021, .today = &today };
  id = mc_id_merge (&r);
  assert_field (id, MC_ID_FIELD_DATE_OF_BIRTH, "1990-01-02", MC_ID_SOURCE_QR, FALSE);
  g_assert_true (mc_identity_get_field (id, MC_ID_FIELD_DATE_OF_BIRTH)->flags & MC_ID_FIELD_FLAG_CONFLICT);
  g_assert_cmpfloat (mc_identity_get_field (id, MC_ID_FIELD_DATE_OF_BIRTH)->confidence, <=, 0.5);
  g_assert_true (has_warning (id, "conflict", MC_ID_FIELD_DATE_OF_BIRTH));
  g_assert_true (mc_identity_needs_review (id));
}

/* No QR: the MRZ proves the letters of the name, OCR gives the diacritics. */
static void
test_merge_no_qr (void)
{
  g_autoptr(McIdOcrFields) ocr = ocr_front ();
  g_autoptr(McIdentity) id = NULL;
  McMrz mrz;
  McIdReadings r;

  parse_mrz (VN1, VN2, VN3, &mrz);
  r = (McIdReadings) { .qr_expected = TRUE, .mrz = &mrz, .mrz_expected = TRUE, .ocr = ocr,
                       .card_type = MC_CARD_TYPE_CCCD_2021, .today = &today };
  id = mc_id_merge (&r);
  assert_field (id, MC_ID_FIELD_ID_NUMBER, "056090001234", MC_ID_SOURCE_MRZ, TRUE);
  assert_field (id, MC_ID_FIELD_FULL_NAME, "NGUYỄN VĂN AN", MC_ID_SOURCE_OCR, TRUE);
  g_assert_true (mc_identity_get_field (id, MC_ID_FIELD_FULL_NAME)->confirmed_by & (1u << MC_ID_SOURCE_MRZ));
  assert_field (id, MC_ID_FIELD_DATE_OF_BIRTH, "1990-01-01", MC_ID_SOURCE_MRZ, TRUE);
  g_assert_null (mc_identity_get_value (id, MC_ID_FIELD_DATE_OF_ISSUE));
  g_assert_cmpint (mc_identity_get_source_status (id, MC_ID_SOURCE_QR), ==, MC_ID_SOURCE_STATUS_UNREADABLE);
  g_assert_true (has_warning (id, "qr-unreadable", MC_ID_FIELD_NONE));

  /* The OCR name with other letters than the MRZ's: not trusted. */
  ocr_set (ocr, MC_ID_FIELD_FULL_NAME, "NGUYỄN VĂN BÌNH", 0.95);
  g_clear_object (&id);
  id = mc_id_merge (&r);
  assert_field (id, MC_ID_FIELD_FULL_NAME, "NGUYỄN VĂN BÌNH", MC_ID_SOURCE_OCR, FALSE);
  g_assert_true (has_warning (id, "sources-differ", MC_ID_FIELD_FULL_NAME));

  /* A letter misread in the print: the MRZ's letter, the print's marks,
   * marked for the clerk all the same. */
  ocr_set (ocr, MC_ID_FIELD_FULL_NAME, "NGUYỄN VĂN ẤM", 0.95);
  g_clear_object (&id);
  id = mc_id_merge (&r);
  assert_field (id, MC_ID_FIELD_FULL_NAME, "NGUYỄN VĂN ẤN", MC_ID_SOURCE_OCR, FALSE);
  g_assert_true (mc_identity_get_field (id, MC_ID_FIELD_FULL_NAME)->confirmed_by & (1u << MC_ID_SOURCE_MRZ));

  /* The MRZ proves the letters, not the marks: "NGUYỄN VĂN ÂN" passes it
   * as well as the right name, so an unsure reading stays unsure. */
  ocr_set (ocr, MC_ID_FIELD_FULL_NAME, "NGUYỄN VĂN ÂN", 0.75);
  g_clear_object (&id);
  id = mc_id_merge (&r);
  assert_field (id, MC_ID_FIELD_FULL_NAME, "NGUYỄN VĂN ÂN", MC_ID_SOURCE_OCR, FALSE);
  g_assert_true (mc_identity_get_field (id, MC_ID_FIELD_FULL_NAME)->confirmed_by & (1u << MC_ID_SOURCE_MRZ));
}

/* Only the print, every field consistent: the number still rests on no
 * check at all, so it is marked, and the clerk told what would prove it. */
static void
test_merge_print_only (void)
{
  g_autoptr(McIdOcrFields) ocr = ocr_front ();
  g_autoptr(McIdentity) id = NULL;
  McIdReadings r;

  r = (McIdReadings) { .ocr = ocr, .card_type = MC_CARD_TYPE_CCCD_2021, .front_read = TRUE,
                       .today = &today };
  id = mc_id_merge (&r);
  assert_field (id, MC_ID_FIELD_ID_NUMBER, "056090001234", MC_ID_SOURCE_OCR, FALSE);
  g_assert_true (has_warning (id, "number-unproven", MC_ID_FIELD_ID_NUMBER));
  g_assert_false (has_warning (id, "id-number-sex", MC_ID_FIELD_ID_NUMBER));
}

/* Only the MRZ: a name without diacritics is offered, marked, explained. */
static void
test_merge_mrz_only (void)
{
  g_autoptr(McIdentity) id = NULL;
  McMrz mrz;
  McIdReadings r;

  parse_mrz (VN1, VN2, VN3, &mrz);
  r = (McIdReadings) { .mrz = &mrz, .mrz_expected = TRUE, .today = &today };
  id = mc_id_merge (&r);
  assert_field (id, MC_ID_FIELD_FULL_NAME, "NGUYEN VAN AN", MC_ID_SOURCE_MRZ, FALSE);
  g_assert_true (has_warning (id, "name-without-diacritics", MC_ID_FIELD_FULL_NAME));
  assert_field (id, MC_ID_FIELD_ID_NUMBER, "056090001234", MC_ID_SOURCE_MRZ, TRUE);
  assert_field (id, MC_ID_FIELD_SEX, "Nam", MC_ID_SOURCE_MRZ, TRUE);
  assert_field (id, MC_ID_FIELD_NATIONALITY, "Việt Nam", MC_ID_SOURCE_MRZ, TRUE);
}

/* Only OCR, and a sex that contradicts the number's digit 4: warned, and
 * the unproven fields are marked. */
static void
test_merge_rules (void)
{
  g_autoptr(McIdOcrFields) ocr = ocr_front ();
  g_autoptr(McIdentity) id = NULL;
  McIdReadings r;

  ocr_set (ocr, MC_ID_FIELD_SEX, "Nữ", 0.95);
  r = (McIdReadings) { .ocr = ocr, .today = &today };
  id = mc_id_merge (&r);
  g_assert_true (has_warning (id, "id-number-sex", MC_ID_FIELD_ID_NUMBER));
  assert_field (id, MC_ID_FIELD_SEX, "Nữ", MC_ID_SOURCE_OCR, FALSE);
  assert_field (id, MC_ID_FIELD_ID_NUMBER, "056090001234", MC_ID_SOURCE_OCR, FALSE);

  /* The clerk fixes the sex: manual, trusted, and the rule warning goes. */
  mc_identity_edit (id, MC_ID_FIELD_SEX, "Nam");
  mc_identity_check_rules (id, &today);
  assert_field (id, MC_ID_FIELD_SEX, "Nam", MC_ID_SOURCE_MANUAL, TRUE);
  g_assert_cmpfloat (mc_identity_get_field (id, MC_ID_FIELD_SEX)->confidence, ==, 1.0);
  g_assert_false (has_warning (id, "id-number-sex", MC_ID_FIELD_ID_NUMBER));

  /* A year of birth the number contradicts. */
  mc_identity_edit (id, MC_ID_FIELD_DATE_OF_BIRTH, "1991-01-01");
  mc_identity_check_rules (id, &today);
  g_assert_true (has_warning (id, "id-number-year", MC_ID_FIELD_ID_NUMBER));
}

/* A key field nothing read is a warning, not a quiet blank. */
static void
test_merge_missing (void)
{
  g_autoptr(McIdOcrFields) ocr = ocr_front ();
  g_autoptr(McIdentity) id = NULL;
  McIdReadings r;

  g_clear_pointer (&ocr->fields[MC_ID_FIELD_DATE_OF_EXPIRY].value, g_free);
  r = (McIdReadings) { .ocr = ocr, .today = &today };
  id = mc_id_merge (&r);
  g_assert_null (mc_identity_get_value (id, MC_ID_FIELD_DATE_OF_EXPIRY));
  g_assert_true (has_warning (id, "missing", MC_ID_FIELD_DATE_OF_EXPIRY));
  g_assert_false (has_warning (id, "missing", MC_ID_FIELD_FULL_NAME));
  g_assert_true (mc_identity_needs_review (id));

  /* Not only the key fields: whatever the side that was read prints. */
  {
    g_autoptr(McIdentity) front = NULL;

    g_clear_pointer (&ocr->fields[MC_ID_FIELD_PLACE_OF_ORIGIN].value, g_free);
    r = (McIdReadings) { .ocr = ocr, .today = &today, .card_type = MC_CARD_TYPE_CCCD_2021,
                         .front_read = TRUE };
    front = mc_id_merge (&r);
    g_assert_null (mc_identity_get_value (front, MC_ID_FIELD_PLACE_OF_ORIGIN));
    g_assert_true (has_warning (front, "missing", MC_ID_FIELD_PLACE_OF_ORIGIN));
    /* The back was not read: its date of issue is not missing, just not there. */
    g_assert_false (has_warning (front, "missing", MC_ID_FIELD_DATE_OF_ISSUE));
    g_assert_false (has_warning (front, "missing", MC_ID_FIELD_PLACE_OF_BIRTH));
  }
}

static void
test_merge_expiry (void)
{
  g_autoptr(McIdOcrFields) ocr = ocr_front ();
  g_autoptr(McIdentity) id = NULL;
  McIdReadings r;
  GDate later;
  McMrz mrz;
  const McIdentityField *f;

  /* Checked against a day after the expiry: a warning. */
  g_date_clear (&later, 1);
  g_date_set_dmy (&later, 2, 1, 2030);
  parse_mrz (VN1, VN2, VN3, &mrz);
  r = (McIdReadings) { .mrz = &mrz, .mrz_expected = TRUE, .ocr = ocr, .today = &later };
  id = mc_id_merge (&r);
  g_assert_true (has_warning (id, "expired", MC_ID_FIELD_DATE_OF_EXPIRY));
  g_clear_object (&id);

  /* No expiry: value null, flagged, and the rule agrees for a holder who
   * was 58 or older at issue. */
  parse_mrz ("IDVNM1500012340056150001234<<1", "5001013F9912315VNM<<<<<<<<<<<6",
             "LE<<THI<HOA<<<<<<<<<<<<<<<<<<<", &mrz);
  g_clear_pointer (&ocr, mc_id_ocr_fields_free);
  ocr = mc_id_ocr_fields_new ();
  ocr_set (ocr, MC_ID_FIELD_DATE_OF_ISSUE, "2021-07-10", 0.95);
  ocr->no_expiry = TRUE;
  ocr->no_expiry_confidence = 0.9;
  r = (McIdReadings) { .mrz = &mrz, .mrz_expected = TRUE, .ocr = ocr,
                       .card_type = MC_CARD_TYPE_CCCD_2021, .today = &today };
  id = mc_id_merge (&r);
  f = mc_identity_get_field (id, MC_ID_FIELD_DATE_OF_EXPIRY);
  g_assert_null (f->value);
  g_assert_true (f->flags & MC_ID_FIELD_FLAG_NO_EXPIRY);
  g_assert_cmpint (f->source, ==, MC_ID_SOURCE_MRZ);
  g_assert_true (f->confirmed_by & (1u << MC_ID_SOURCE_OCR));
  g_assert_false (has_warning (id, "expiry-rule", MC_ID_FIELD_DATE_OF_EXPIRY));
  g_assert_false (has_warning (id, "expired", MC_ID_FIELD_DATE_OF_EXPIRY));
}

/* The MRZ's copy of the number smudged: its document number (the last nine
 * digits, with their own check digit) still confirms the printed number. */
static void
test_merge_document_number (void)
{
  g_autoptr(McIdOcrFields) ocr = ocr_front ();
  g_autoptr(McIdentity) id = NULL;
  McIdReadings r;
  McMrz mrz;

  parse_mrz ("IDVNM0900012345056090001284<<6", VN2, VN3, &mrz);
  g_assert_false (mrz.checks_valid & MC_MRZ_CHECK_ID_NUMBER);
  r = (McIdReadings) { .mrz = &mrz, .mrz_expected = TRUE, .ocr = ocr, .today = &today };
  id = mc_id_merge (&r);
  assert_field (id, MC_ID_FIELD_ID_NUMBER, "056090001234", MC_ID_SOURCE_OCR, TRUE);
  g_assert_true (mc_identity_get_field (id, MC_ID_FIELD_ID_NUMBER)->confirmed_by & (1u << MC_ID_SOURCE_MRZ));
  g_assert_true (has_warning (id, "mrz-checks", MC_ID_FIELD_NONE));
  g_assert_cmpint (mc_identity_get_source_status (id, MC_ID_SOURCE_MRZ), ==, MC_ID_SOURCE_STATUS_PARTIAL);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static char *
to_text (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

/* The JSON the tool prints and the visit stores: the issue's shape. */
static void
test_json_shape (void)
{
  g_autoptr(McQrPayload) qr = qr_payload (QR);
  g_autoptr(McIdOcrFields) ocr = ocr_front ();
  g_autoptr(McIdentity) id = NULL;
  g_autoptr(JsonNode) node = NULL;
  McIdReadings r;
  McMrz mrz;
  JsonObject *obj, *field;
  const char *names[] = {
    "id_number", "old_id_number", "full_name", "date_of_birth", "sex", "nationality",
    "place_of_origin", "place_of_birth", "place_of_residence", "date_of_issue", "date_of_expiry",
  };

  parse_mrz (VN1, VN2, VN3, &mrz);
  r = (McIdReadings) { .qr = qr, .qr_expected = TRUE, .mrz = &mrz, .mrz_expected = TRUE,
                       .ocr = ocr, .card_type = MC_CARD_TYPE_CCCD_2021, .today = &today };
  id = mc_id_merge (&r);
  node = mc_identity_to_json (id);
  obj = json_node_get_object (node);

  g_assert_cmpstr (json_object_get_string_member (obj, "card_type"), ==, "cccd2021");
  /* The merge does not know the QR's text; the reader sets it. */
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (obj, "qr_payload")));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_true (json_object_has_member (obj, names[i]));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (obj, "old_id_number")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (obj, "place_of_birth")));
  field = json_object_get_object_member (obj, "date_of_birth");
  g_assert_cmpstr (json_object_get_string_member (field, "value"), ==, "1990-01-01");
  g_assert_cmpstr (json_object_get_string_member (field, "source"), ==, "qr");
  g_assert_cmpfloat (json_object_get_double_member (field, "confidence"), >, 0.99);
  g_assert_cmpfloat (json_object_get_double_member (field, "confidence"), <=, 1.0);
  field = json_object_get_object_member (obj, "sex");
  g_assert_cmpstr (json_object_get_string_member (field, "value"), ==, "Nam");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj, "mrz")), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj, "warnings")), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (obj, "sources"), "qr"),
                   ==, "valid");
}

/* The record survives a round trip through JSON, warnings and all. */
static void
test_json_round_trip (void)
{
  g_autoptr(McIdentity) id = mc_identity_new ();
  g_autoptr(McIdentity) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  const char *lines[] = { VN1, VN2, VN3, NULL };
  const McIdentityField *f;

  mc_identity_set_card_type (id, MC_CARD_TYPE_CANCUOC_2024);
  mc_identity_set_field (id, MC_ID_FIELD_ID_NUMBER, "056090001234", MC_ID_SOURCE_QR, 0.9985, 0,
                         1u << MC_ID_SOURCE_MRZ);
  mc_identity_set_field (id, MC_ID_FIELD_FULL_NAME, "NGUYỄN VĂN AN", MC_ID_SOURCE_OCR, 0.61, 0, 0);
  mc_identity_set_field (id, MC_ID_FIELD_DATE_OF_EXPIRY, NULL, MC_ID_SOURCE_MRZ, 0.95,
                         MC_ID_FIELD_FLAG_NO_EXPIRY, 0);
  mc_identity_set_field (id, MC_ID_FIELD_DATE_OF_BIRTH, "1990-01-01", MC_ID_SOURCE_QR, 0.5,
                         MC_ID_FIELD_FLAG_CONFLICT, 0);
  mc_identity_edit (id, MC_ID_FIELD_PLACE_OF_BIRTH, "  Khánh   Hòa ");
  mc_identity_set_mrz_lines (id, lines);
  mc_identity_set_source_status (id, MC_ID_SOURCE_QR, MC_ID_SOURCE_STATUS_VALID);
  mc_identity_set_source_status (id, MC_ID_SOURCE_MRZ, MC_ID_SOURCE_STATUS_PARTIAL);
  mc_identity_add_warning (id, "conflict", MC_ID_FIELD_DATE_OF_BIRTH, "Ngày sinh: …");
  mc_identity_add_warning (id, "qr-unreadable", MC_ID_FIELD_NONE, "…");
  mc_identity_add_warning (id, "qr-unreadable", MC_ID_FIELD_NONE, "…");   /* once is enough */

  /* The OCR name below the sure line was marked unsure on the way in. */
  f = mc_identity_get_field (id, MC_ID_FIELD_FULL_NAME);
  g_assert_true (f->flags & MC_ID_FIELD_FLAG_UNSURE);
  g_assert_cmpstr (mc_identity_get_value (id, MC_ID_FIELD_PLACE_OF_BIRTH), ==, "Khánh Hòa");
  g_assert_cmpuint (mc_identity_get_warnings (id)->len, ==, 2);
  g_assert_null (mc_identity_get_qr_payload (id));
  mc_identity_set_qr_payload (id, "056090001234||Nguyễn Văn An|01011990|Nam||01072024|||");

  node = mc_identity_to_json (id);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "qr_payload"), ==,
                   "056090001234||Nguyễn Văn An|01011990|Nam||01072024|||");
  {
    JsonObject *exp = json_object_get_object_member (json_node_get_object (node), "date_of_expiry");

    g_assert_true (json_object_get_null_member (exp, "value"));
    g_assert_cmpstr (json_object_get_string_member (exp, "note"), ==, "no expiry");
  }
  back = mc_identity_new_from_json (node, &error);
  g_assert_no_error (error);
  again = mc_identity_to_json (back);
  a = to_text (node);
  b = to_text (again);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpint (mc_identity_get_card_type (back), ==, MC_CARD_TYPE_CANCUOC_2024);
  g_assert_cmpstr (mc_identity_get_qr_payload (back), ==, mc_identity_get_qr_payload (id));
  f = mc_identity_get_field (back, MC_ID_FIELD_PLACE_OF_BIRTH);
  g_assert_cmpint (f->source, ==, MC_ID_SOURCE_MANUAL);
  g_assert_cmpfloat (f->confidence, ==, 1.0);

  /* A copy is equal and independent. */
  {
    g_autoptr(McIdentity) copy = mc_identity_copy (back);
    g_autoptr(JsonNode) c = mc_identity_to_json (copy);
    g_autofree char *ct = to_text (c);

    g_assert_cmpstr (ct, ==, b);
    mc_identity_edit (copy, MC_ID_FIELD_SEX, "Nữ");
    g_assert_null (mc_identity_get_value (back, MC_ID_FIELD_SEX));
  }
}

/* Damaged records give an error, never a critical or a crash. */
static void
test_json_malformed (void)
{
  const char *texts[] = {
    "[]",
    "\"x\"",
    "{\"card_type\": 5}",
    "{\"id_number\": \"056090001234\"}",
    "{\"id_number\": {\"value\": 5, \"source\": \"qr\"}}",
    "{\"id_number\": {\"value\": \"1\", \"source\": \"telepathy\"}}",
    "{\"id_number\": {\"value\": \"1\"}}",
    "{\"id_number\": {\"value\": \"1\", \"source\": \"qr\", \"confidence\": \"high\"}}",
    "{\"id_number\": {\"value\": \"1\", \"source\": \"qr\", \"unsure\": 1}}",
    "{\"mrz\": \"IDVNM\"}",
    "{\"mrz\": [1, 2, 3]}",
    "{\"warnings\": {}}",
    "{\"warnings\": [5]}",
    "{\"warnings\": [{\"code\": \"x\"}]}",
    "{\"warnings\": [{\"code\": \"x\", \"message\": \"m\", \"field\": \"shoe_size\"}]}",
    "{\"sources\": {\"qr\": 3}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(JsonNode) node = parse_json (texts[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(McIdentity) id = mc_identity_new_from_json (node, &error);

      g_assert_null (id);
      g_assert_error (error, MC_ID_ERROR, MC_ID_ERROR_BAD_RECORD);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (mc_identity_new_from_json (NULL, &error));
    g_assert_error (error, MC_ID_ERROR, MC_ID_ERROR_BAD_RECORD);
  }
  /* An empty object is an empty identity; unknown members are ignored. */
  {
    g_autoptr(JsonNode) node = parse_json ("{\"future_member\": true}");
    g_autoptr(McIdentity) id = mc_identity_new_from_json (node, NULL);

    g_assert_nonnull (id);
    g_assert_cmpint (mc_identity_get_card_type (id), ==, MC_CARD_TYPE_UNKNOWN);
    g_assert_null (mc_identity_get_mrz_lines (id));
  }
}

/* Controls and format characters (bidirectional overrides, marks and
 * isolates, zero-width and tag characters) never reach an identity: not
 * from a reader, not typed, not from a stored record. Vietnamese letters
 * keep their marks, composed (NFC). */
static void
test_hidden_characters (void)
{
  static const char *hidden[] = {
    "\x01", "\x07", "\x1b", "\x7f", "\xc2\x80", "\xc2\x9b", "\xc2\xad", "\u061C", "\u180E",
    "\u200B", "\u200C", "\u200D", "\u200E", "\u200F", "\u202A", "\u202B", "\u202C", "\u202D",
    "\u202E", "\u2060", "\u2066", "\u2067", "\u2068", "\u2069", "\uFEFF", "\U000E0001", "\U000E007F",
  };
  static const char *breaks[] = { "\t", "\n", "\v", "\f", "\r", "\xc2\x85", "\u2028", "\u2029" };
  g_autoptr(McIdentity) id = mc_identity_new ();
  g_autoptr(JsonNode) stored = NULL;
  g_autoptr(McIdentity) loaded = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (hidden); i++)
    {
      g_autofree char *text = g_strconcat ("Lê", hidden[i], "Thị", NULL);
      g_autofree char *clean = mc_id_clean_text (text);

      g_assert_cmpstr (clean, ==, "LêThị");
    }
  for (guint i = 0; i < G_N_ELEMENTS (breaks); i++)
    {
      g_autofree char *text = g_strconcat ("Lê", breaks[i], "Thị", NULL);
      g_autofree char *clean = mc_id_clean_text (text);

      g_assert_cmpstr (clean, ==, "Lê Thị");
    }
  {
    /* Decomposed marks are composed; other letters are left alone. */
    g_autofree char *nfd = mc_id_clean_text ("Nguye\u0302\u0303n \u0110a\u0300o Thi\u0323 A\u0301nh");
    g_autofree char *same = mc_id_clean_text ("ĐẶNG THỊ NGỌC ÁNH, Ấp Mỹ Hòa, Q.1 & <i> “x”");

    g_assert_cmpstr (nfd, ==, "Nguyễn Đào Thị Ánh");
    g_assert_cmpstr (same, ==, "ĐẶNG THỊ NGỌC ÁNH, Ấp Mỹ Hòa, Q.1 & <i> “x”");
    g_assert_null (mc_id_clean_text (NULL));
    g_assert_null (mc_id_clean_text ("Nguy\xe9n"));
  }

  /* From a reader, typed by the clerk, and from a stored record. */
  mc_identity_set_field (id, MC_ID_FIELD_FULL_NAME, MC_TEST_HIDDEN_NAME, MC_ID_SOURCE_QR, 1.0, 0, 0);
  g_assert_cmpstr (mc_identity_get_value (id, MC_ID_FIELD_FULL_NAME), ==, MC_TEST_HIDDEN_NAME_CLEAN);
  mc_identity_edit (id, MC_ID_FIELD_PLACE_OF_RESIDENCE, MC_TEST_HIDDEN_ADDRESS);
  g_assert_cmpstr (mc_identity_get_value (id, MC_ID_FIELD_PLACE_OF_RESIDENCE), ==, MC_TEST_HIDDEN_ADDRESS_CLEAN);
  stored = parse_json ("{\"full_name\": {\"value\": \"\\u202eNGUY\\u1ec4N\\u202c V\\u0102N AB\\u0007\", "
                       "\"source\": \"qr\"}, \"mrz\": [\"IDVNM\\u202e<<\"]}");
  loaded = mc_identity_new_from_json (stored, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mc_identity_get_value (loaded, MC_ID_FIELD_FULL_NAME), ==, MC_TEST_HIDDEN_NAME_CLEAN);
  g_assert_cmpstr (mc_identity_get_mrz_lines (loaded)[0], ==, "IDVNM<<");
  g_clear_pointer (&stored, json_node_unref);
  stored = mc_identity_to_json (id);
  g_assert_false (mc_test_json_has_hidden (stored));
}

static void
test_names (void)
{
  for (McIdField f = 0; f < MC_ID_N_FIELDS; f++)
    {
      g_assert_cmpint (mc_id_field_from_string (mc_id_field_to_string (f)), ==, f);
      g_assert_nonnull (mc_id_field_get_title (f));
    }
  g_assert_cmpint (mc_id_field_from_string ("nope"), ==, MC_ID_FIELD_NONE);
  for (McIdSource s = MC_ID_SOURCE_NONE; s <= MC_ID_SOURCE_MANUAL; s++)
    g_assert_cmpint (mc_id_source_from_string (mc_id_source_to_string (s)), ==, s);
  for (McCardType t = MC_CARD_TYPE_UNKNOWN; t <= MC_CARD_TYPE_CMND; t++)
    {
      g_assert_cmpint (mc_card_type_from_string (mc_card_type_to_string (t)), ==, t);
      g_assert_nonnull (mc_card_type_get_title (t));
    }
  g_assert_cmpstr (mc_card_type_to_string (MC_CARD_TYPE_CANCUOC_2024), ==, "cancuoc2024");
  g_assert_cmpstr (mc_card_type_to_string (MC_CARD_TYPE_CMND), ==, "cmnd");
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, 6, 2025);

  g_test_add_func ("/ocr/identity/merge-all-agree", test_merge_all_agree);
  g_test_add_func ("/ocr/identity/merge-conflict", test_merge_conflict);
  g_test_add_func ("/ocr/identity/merge-print-given", test_merge_print_given);
  g_test_add_func ("/ocr/identity/merge-no-qr", test_merge_no_qr);
  g_test_add_func ("/ocr/identity/merge-mrz-only", test_merge_mrz_only);
  g_test_add_func ("/ocr/identity/merge-print-only", test_merge_print_only);
  g_test_add_func ("/ocr/identity/merge-rules", test_merge_rules);
  g_test_add_func ("/ocr/identity/merge-expiry", test_merge_expiry);
  g_test_add_func ("/ocr/identity/merge-missing", test_merge_missing);
  g_test_add_func ("/ocr/identity/merge-document-number", test_merge_document_number);
  g_test_add_func ("/ocr/identity/json-shape", test_json_shape);
  g_test_add_func ("/ocr/identity/json-round-trip", test_json_round_trip);
  g_test_add_func ("/ocr/identity/json-malformed", test_json_malformed);
  g_test_add_func ("/ocr/identity/names", test_names);
  g_test_add_func ("/ocr/identity/hidden-characters", test_hidden_characters);
  return g_test_run ();
}
