/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "mc-id-error.h"

G_BEGIN_DECLS

typedef enum {
  MC_CARD_TYPE_UNKNOWN,
  MC_CARD_TYPE_CCCD_2021,       /* chip CCCD: QR on the front, MRZ on the back */
  MC_CARD_TYPE_CANCUOC_2024,    /* căn cước: QR and MRZ on the back */
  MC_CARD_TYPE_CCCD_2016,       /* CCCD with a barcode, no chip */
  MC_CARD_TYPE_CMND,            /* chứng minh nhân dân, 9 or 12 digits */
} McCardType;

typedef enum {
  MC_ID_FIELD_ID_NUMBER,
  MC_ID_FIELD_OLD_ID_NUMBER,
  MC_ID_FIELD_FULL_NAME,
  MC_ID_FIELD_DATE_OF_BIRTH,
  MC_ID_FIELD_SEX,
  MC_ID_FIELD_NATIONALITY,
  MC_ID_FIELD_PLACE_OF_ORIGIN,
  MC_ID_FIELD_PLACE_OF_BIRTH,
  MC_ID_FIELD_PLACE_OF_RESIDENCE,
  MC_ID_FIELD_DATE_OF_ISSUE,
  MC_ID_FIELD_DATE_OF_EXPIRY,
  MC_ID_N_FIELDS,
  MC_ID_FIELD_NONE = -1,
} McIdField;

typedef enum {
  MC_ID_SOURCE_NONE,
  MC_ID_SOURCE_QR,
  MC_ID_SOURCE_MRZ,
  MC_ID_SOURCE_OCR,
  MC_ID_SOURCE_MANUAL,
} McIdSource;

typedef enum {
  MC_ID_FIELD_FLAG_UNSURE    = 1 << 0,   /* not sure enough: the clerk must look */
  MC_ID_FIELD_FLAG_CONFLICT  = 1 << 1,   /* the sources disagree */
  MC_ID_FIELD_FLAG_NO_EXPIRY = 1 << 2,   /* date of expiry: the card has none */
} McIdFieldFlags;

/* How each source fared on this card. */
typedef enum {
  MC_ID_SOURCE_STATUS_ABSENT,      /* not on the sides that were scanned */
  MC_ID_SOURCE_STATUS_UNREADABLE,  /* there, but nothing usable came out */
  MC_ID_SOURCE_STATUS_PARTIAL,     /* read, some checks failed */
  MC_ID_SOURCE_STATUS_VALID,       /* read, and every check holds */
} McIdSourceStatus;

typedef struct {
  char           *value;          /* NULL when absent, or when the card has no expiry */
  McIdSource      source;
  double          confidence;     /* 0–1 */
  McIdFieldFlags  flags;
  guint           confirmed_by;   /* 1 << McIdSource of other sources that agree */
} McIdentityField;

typedef struct {
  char      *code;       /* stable: "conflict", "expired", "id-number-year", … */
  McIdField  field;      /* MC_ID_FIELD_NONE when about the whole card */
  char      *message;    /* for the clerk, in their language */
} McIdentityWarning;

/* Below this a field is marked unsure whatever its source. */
#define MC_ID_CONFIDENCE_SURE 0.80

#define MC_TYPE_IDENTITY (mc_identity_get_type ())
G_DECLARE_FINAL_TYPE (McIdentity, mc_identity, MC, IDENTITY, GObject)

McIdentity              *mc_identity_new                (void);
McIdentity              *mc_identity_copy               (McIdentity        *self);

McCardType               mc_identity_get_card_type      (McIdentity        *self);
void                     mc_identity_set_card_type      (McIdentity        *self,
                                                         McCardType         card_type);

const McIdentityField   *mc_identity_get_field          (McIdentity        *self,
                                                         McIdField          field);
const char              *mc_identity_get_value          (McIdentity        *self,
                                                         McIdField          field);
void                     mc_identity_set_field          (McIdentity        *self,
                                                         McIdField          field,
                                                         const char        *value,
                                                         McIdSource         source,
                                                         double             confidence,
                                                         McIdFieldFlags     flags,
                                                         guint              confirmed_by);
void                     mc_identity_edit               (McIdentity        *self,
                                                         McIdField          field,
                                                         const char        *value);
gboolean                 mc_identity_needs_review       (McIdentity        *self);

const char * const      *mc_identity_get_mrz_lines      (McIdentity        *self);
void                     mc_identity_set_mrz_lines      (McIdentity        *self,
                                                         const char * const *lines);

const char              *mc_identity_get_qr_payload     (McIdentity        *self);
void                     mc_identity_set_qr_payload     (McIdentity        *self,
                                                         const char        *payload);

McIdSourceStatus         mc_identity_get_source_status  (McIdentity        *self,
                                                         McIdSource         source);
void                     mc_identity_set_source_status  (McIdentity        *self,
                                                         McIdSource         source,
                                                         McIdSourceStatus   status);

GPtrArray               *mc_identity_get_warnings       (McIdentity        *self);
void                     mc_identity_add_warning        (McIdentity        *self,
                                                         const char        *code,
                                                         McIdField          field,
                                                         const char        *message);
void                     mc_identity_check_rules        (McIdentity        *self,
                                                         const GDate       *today);

JsonNode                *mc_identity_to_json            (McIdentity        *self);
McIdentity              *mc_identity_new_from_json      (JsonNode          *node,
                                                         GError           **error);

const char              *mc_id_field_to_string          (McIdField          field);
McIdField                mc_id_field_from_string        (const char        *name);
const char              *mc_id_field_get_title          (McIdField          field);
const char              *mc_id_source_to_string         (McIdSource         source);
McIdSource               mc_id_source_from_string       (const char        *name);
const char              *mc_id_source_get_title         (McIdSource         source);
const char              *mc_card_type_to_string         (McCardType         card_type);
McCardType               mc_card_type_from_string       (const char        *name);
const char              *mc_card_type_get_title         (McCardType         card_type);
const char              *mc_id_source_status_to_string  (McIdSourceStatus   status);

G_END_DECLS
