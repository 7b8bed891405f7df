/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-date.h"

G_BEGIN_DECLS

/* The ledger's errors. Messages are for a clerk or a supervisor: what
 * happened, and whether anything was lost (it never is). */
#define MC_LEDGER_ERROR (mc_ledger_error_quark ())

typedef enum {
  MC_LEDGER_ERROR_FAILED,        /* SQLite or I/O failure not covered below */
  MC_LEDGER_ERROR_MISSING,       /* no ledger file at that path */
  MC_LEDGER_ERROR_NOT_LEDGER,    /* not an SQLite file, or another program's database */
  MC_LEDGER_ERROR_TOO_NEW,       /* written by a newer Một Cửa */
  MC_LEDGER_ERROR_CORRUPT,       /* SQLite reports damage, or the check found problems */
  MC_LEDGER_ERROR_BUSY,          /* another program held the ledger too long */
  MC_LEDGER_ERROR_READ_ONLY,     /* the file or its folder cannot be written */
  MC_LEDGER_ERROR_FULL,          /* the disk is full */
  MC_LEDGER_ERROR_INVALID,       /* a field of an event is not acceptable */
  MC_LEDGER_ERROR_NOT_FOUND,     /* a filing named by its UUID is not in the ledger */
  MC_LEDGER_ERROR_CONFLICT,      /* the same UUID with different contents */
  MC_LEDGER_ERROR_BUNDLE,        /* an import file is not a valid bundle */
  MC_LEDGER_ERROR_PIN_NOT_SET,   /* corrections need a supervisor PIN, none is set */
  MC_LEDGER_ERROR_PIN_WRONG,     /* the PIN given is not the supervisor's */
  MC_LEDGER_ERROR_OFFLINE,       /* the ledger server cannot be reached */
  MC_LEDGER_ERROR_AUTH,          /* the ledger server refused the account or its password */
} McLedgerError;

GQuark mc_ledger_error_quark (void);

/* The enums' nicks (from glib-mkenums: MC_CHANNEL_NATIONAL → "national",
 * MC_REASON_WRONG_PROCEDURE → "wrong-procedure") are the values the ledger
 * and its bundles store: never rename a member. */

/* Where a filing went. The first five are the channels; “paper”
 * counts what the counter still took on paper, so the share of online
 * filings can be compared with the city's target. */
typedef enum {
  MC_CHANNEL_NATIONAL,     /* dichvucong.gov.vn */
  MC_CHANNEL_PROVINCIAL,   /* dichvucong.khanhhoa.gov.vn */
  MC_CHANNEL_RESIDENCE,    /* dichvucong.dancuquocgia.gov.vn */
  MC_CHANNEL_LINKED,       /* linked services (khai sinh + thường trú + BHYT) */
  MC_CHANNEL_OTHER,        /* another online system */
  MC_CHANNEL_PAPER,        /* not online */
  MC_N_CHANNELS /*< skip >*/
} McChannel;

typedef enum {
  MC_FILING_STATUS_SUBMITTED,
  MC_FILING_STATUS_ACCEPTED,
  MC_FILING_STATUS_SUPPLEMENT,
  MC_FILING_STATUS_REJECTED,
  MC_FILING_STATUS_COMPLETED,
  MC_FILING_STATUS_WITHDRAWN,
  MC_N_FILING_STATUSES /*< skip >*/
} McFilingStatus;

typedef enum {
  MC_EVENT_FILING,       /* a filing was recorded */
  MC_EVENT_STATUS,       /* its status changed */
  MC_EVENT_CORRECTION,   /* its countable fields were corrected, or it was voided */
} McEventKind;

typedef enum {
  MC_SOURCE_VISIT,       /* recorded at the end of a scanned visit */
  MC_SOURCE_MANUAL,      /* “+1”: helped without scanning */
} McSource;

typedef enum {
  MC_REASON_NONE,
  MC_REASON_WRONG_PROCEDURE,
  MC_REASON_WRONG_CHANNEL,
  MC_REASON_WRONG_DETAILS,
  MC_REASON_DUPLICATE,
  MC_REASON_NOT_FILED,
  MC_REASON_OTHER,
  MC_N_REASONS /*< skip >*/
} McCorrectionReason;

const char *mc_channel_to_string        (McChannel           channel);
gboolean    mc_channel_from_string      (const char         *text,
                                         McChannel          *out);
const char *mc_channel_get_label        (McChannel           channel);
const char *mc_channel_get_short_label  (McChannel           channel);
gboolean    mc_channel_is_online        (McChannel           channel);

const char *mc_filing_status_to_string  (McFilingStatus      status);
gboolean    mc_filing_status_from_string (const char        *text,
                                          McFilingStatus    *out);
const char *mc_filing_status_get_label  (McFilingStatus      status);

const char *mc_event_kind_to_string     (McEventKind         kind);
gboolean    mc_event_kind_from_string   (const char         *text,
                                         McEventKind        *out);
const char *mc_source_to_string         (McSource            source);
gboolean    mc_source_from_string       (const char         *text,
                                         McSource           *out);
const char *mc_correction_reason_to_string   (McCorrectionReason reason);
gboolean    mc_correction_reason_from_string (const char        *text,
                                              McCorrectionReason *out);
const char *mc_correction_reason_get_label   (McCorrectionReason reason);

/* One append-only ledger event. Only what counts need: no names of
 * citizens, no ID numbers, no images. Strings are owned. */
typedef struct {
  char               *uuid;
  McEventKind         kind;
  char               *filing_uuid;    /* the filing it is about (its own uuid for a filing) */
  char               *corrects_uuid;  /* correction: the event whose values it replaces */
  gint64              at_us;          /* when, UTC microseconds since 1970 */
  McDay               local_day;      /* the counter's local day of the filing */
  char               *visit_id;       /* filing: the visit's id, NULL for “+1” */
  char               *ward_code;      /* filing/correction: GSO code as configured */
  char               *counter;
  char               *clerk;          /* the clerk's account at the counter */
  char               *procedure;      /* national procedure code, e.g. “1.001193” */
  McChannel           channel;
  int                 pages;
  char               *receipt;        /* the portal's receipt code, or NULL */
  McFilingStatus      status;         /* filing: initial; status event: new */
  McSource            source;
  gboolean            voids;          /* correction: the filing is withdrawn from counts */
  McCorrectionReason  reason;
} McLedgerEvent;

McLedgerEvent *mc_ledger_event_new      (McEventKind          kind);
McLedgerEvent *mc_ledger_event_copy     (const McLedgerEvent *event);
void           mc_ledger_event_free     (McLedgerEvent       *event);
gboolean       mc_ledger_event_equal    (const McLedgerEvent *a,
                                         const McLedgerEvent *b);
gboolean       mc_ledger_event_validate (const McLedgerEvent *event,
                                         GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (McLedgerEvent, mc_ledger_event_free)

/* Field checks shared by the tool, the UI and import. */
gboolean    mc_ledger_check_procedure_code (const char  *code,
                                            GError     **error);
gboolean    mc_ledger_check_receipt        (const char  *receipt,
                                            GError     **error);
gboolean    mc_ledger_check_label          (const char  *what,
                                            const char  *text,
                                            GError     **error);
gboolean    mc_ledger_is_uuid              (const char  *text);

/* Timestamps: “2025-07-01T02:03:04.000005Z”, always 27 characters, so
 * text order is time order. */
char       *mc_ledger_format_time          (gint64       at_us);
gboolean    mc_ledger_parse_time           (const char  *text,
                                            gint64      *out_us);
gint64      mc_ledger_now_us               (void);
McDay       mc_ledger_local_day_of         (gint64       at_us);
/* “dd/mm/yyyy”, as Vietnamese offices write dates. */
char       *mc_day_format_display          (McDay        day);

G_END_DECLS
