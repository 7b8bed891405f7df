/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-ledger-types.h"

G_BEGIN_DECLS

/* The narrow storage interface of the ledger. McSqliteLedger implements it
 * for one counter's file; a shared PostgreSQL ledger for the city can
 * implement the same eight calls without the reports, exports or the UI
 * changing. Every call is thread-safe and may block: call it from a worker
 * thread (McLedger does). */

#define MC_TYPE_LEDGER_STORE (mc_ledger_store_get_type ())
G_DECLARE_INTERFACE (McLedgerStore, mc_ledger_store, MC, LEDGER_STORE, GObject)

typedef enum {
  MC_LEDGER_DIM_DAY       = 1 << 0,
  MC_LEDGER_DIM_WARD      = 1 << 1,
  MC_LEDGER_DIM_COUNTER   = 1 << 2,
  MC_LEDGER_DIM_PROCEDURE = 1 << 3,
  MC_LEDGER_DIM_CHANNEL   = 1 << 4,
} McLedgerDims;

/* Records made under @ward_code on the days from..to (both included).
 * Reports build these from the ward catalog: one unit's history is a few
 * spans, because GSO codes are reused after mergers. */
typedef struct {
  const char *ward_code;
  McDay       from;
  McDay       to;
} McLedgerWardSpan;

/* Counts of filings in effect (corrections applied, voided ones left out),
 * grouped by the dimensions asked for. Days are the counter's local days,
 * both bounds included; MC_DAY_OPEN leaves a bound open. */
typedef struct {
  McDay                   from;
  McDay                   to;
  McLedgerDims            group_by;
  const McLedgerWardSpan *spans;     /* only records in these; NULL: all */
  guint                   n_spans;
} McLedgerCountQuery;

/* One group. Fields outside group_by are 0, NULL or MC_N_CHANNELS.
 * Strings belong to the store and live only during the callback. */
typedef struct {
  McDay        day;
  const char  *ward_code;
  const char  *counter;
  const char  *procedure;
  McChannel    channel;
  guint64      count;
} McLedgerCount;

typedef void (*McLedgerCountFunc) (const McLedgerCount *row,
                                   guint                query_index,
                                   gpointer             user_data);

/* A filing as it stands after its corrections and status changes. */
typedef struct {
  char           *uuid;           /* the filing event's UUID */
  char           *head_uuid;      /* the event whose values are in effect */
  gint64          at_us;          /* when the filing was recorded */
  McDay           local_day;
  char           *ward_code;
  char           *counter;
  char           *clerk;
  char           *procedure;
  McChannel       channel;
  int             pages;
  char           *receipt;
  McFilingStatus  status;
  McSource        source;
  gboolean        voided;
  guint           n_corrections;
} McLedgerFiling;

void mc_ledger_filing_free (McLedgerFiling *filing);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McLedgerFiling, mc_ledger_filing_free)

typedef struct {
  McDay                   from;
  McDay                   to;
  const McLedgerWardSpan *spans;       /* NULL: all */
  guint                   n_spans;
  gboolean                include_voided;
  guint                   limit;       /* 0: no limit */
} McLedgerFilingQuery;

typedef struct {
  guint n_added;
  guint n_present;       /* already in the ledger, identical */
} McLedgerAppendResult;

typedef struct {
  int        schema_version;
  guint64    n_events;
  guint64    n_filings;
  guint64    n_voided;
  GPtrArray *problems;   /* char *, for people; empty when all is well */
} McLedgerCheck;

void mc_ledger_check_free (McLedgerCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McLedgerCheck, mc_ledger_check_free)

/* Return FALSE and set @error to stop. */
typedef gboolean (*McLedgerEventFunc) (const McLedgerEvent *event,
                                       gpointer             user_data,
                                       GError             **error);

struct _McLedgerStoreInterface
{
  GTypeInterface parent_iface;

  /* All or nothing, in one durable transaction. An event whose UUID is
   * already stored with the same contents is skipped (n_present); with
   * other contents the whole append fails with MC_LEDGER_ERROR_CONFLICT.
   * An event must come after the events it points at. */
  gboolean        (*append)        (McLedgerStore              *self,
                                    McLedgerEvent * const      *events,
                                    guint                       n_events,
                                    McLedgerAppendResult       *result,
                                    GError                    **error);
  /* NULL without an error when there is no such event. */
  McLedgerEvent  *(*lookup_event)  (McLedgerStore              *self,
                                    const char                 *uuid,
                                    GError                    **error);
  McLedgerFiling *(*lookup_filing) (McLedgerStore              *self,
                                    const char                 *filing_uuid,
                                    GError                    **error);
  /* Runs every query on one snapshot, so totals of different
   * breakdowns always agree; rows come with their query's index. */
  gboolean        (*count)         (McLedgerStore              *self,
                                    const McLedgerCountQuery   *queries,
                                    guint                       n_queries,
                                    McLedgerCountFunc           func,
                                    gpointer                    user_data,
                                    GError                    **error);
  /* Newest first. */
  GPtrArray      *(*list_filings)  (McLedgerStore              *self,
                                    const McLedgerFilingQuery  *query,
                                    GError                    **error);
  /* Every event, each after the events it points at. */
  gboolean        (*foreach_event) (McLedgerStore              *self,
                                    McLedgerEventFunc           func,
                                    gpointer                    user_data,
                                    GError                    **error);
  McLedgerCheck  *(*check)         (McLedgerStore              *self,
                                    GError                    **error);
  /* Changes whenever another connection or program commits. */
  guint64         (*change_stamp)  (McLedgerStore              *self);
};

gboolean        mc_ledger_store_append        (McLedgerStore              *self,
                                               McLedgerEvent * const      *events,
                                               guint                       n_events,
                                               McLedgerAppendResult       *result,
                                               GError                    **error);
McLedgerEvent  *mc_ledger_store_lookup_event  (McLedgerStore              *self,
                                               const char                 *uuid,
                                               GError                    **error);
McLedgerFiling *mc_ledger_store_lookup_filing (McLedgerStore              *self,
                                               const char                 *filing_uuid,
                                               GError                    **error);
gboolean        mc_ledger_store_count         (McLedgerStore              *self,
                                               const McLedgerCountQuery   *queries,
                                               guint                       n_queries,
                                               McLedgerCountFunc           func,
                                               gpointer                    user_data,
                                               GError                    **error);
GPtrArray      *mc_ledger_store_list_filings  (McLedgerStore              *self,
                                               const McLedgerFilingQuery  *query,
                                               GError                    **error);
gboolean        mc_ledger_store_foreach_event (McLedgerStore              *self,
                                               McLedgerEventFunc           func,
                                               gpointer                    user_data,
                                               GError                    **error);
McLedgerCheck  *mc_ledger_store_check         (McLedgerStore              *self,
                                               GError                    **error);
guint64         mc_ledger_store_change_stamp  (McLedgerStore              *self);

G_END_DECLS
