/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-ledger-report.h"
#include "mc-ledger-store.h"

G_BEGIN_DECLS

/* The filing ledger as the program uses it: a store (SQLite today), the
 * one call the visit workflow makes to record a filing, corrections
 * guarded by the supervisor PIN, and asynchronous versions that keep
 * SQLite off the main thread. “changed” is emitted on the main context
 * the ledger was made in, after this program writes and, once
 * mc_ledger_watch() is called, when another program (motcua-tool, an
 * import) has written. */

#define MC_TYPE_LEDGER (mc_ledger_get_type ())
G_DECLARE_FINAL_TYPE (McLedger, mc_ledger, MC, LEDGER, GObject)

McLedger      *mc_ledger_new              (McLedgerStore        *store);
/* $XDG_DATA_HOME/motcua/ledger.sqlite */
char          *mc_ledger_get_default_path (void);
McLedger      *mc_ledger_open             (const char           *path,
                                           gboolean              create,
                                           GError              **error);
void           mc_ledger_open_async       (const char           *path,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
McLedger      *mc_ledger_open_finish      (GAsyncResult         *result,
                                           GError              **error);
McLedgerStore *mc_ledger_get_store        (McLedger             *self);
/* What the quick check made when the ledger opened found (char *, for
 * people): counts that do not match the recorded filings, safeguards
 * missing. Empty when all is well; never NULL. Reports from a ledger with
 * problems must say so. */
GPtrArray     *mc_ledger_get_open_problems (McLedger            *self);
/* The procedure catalog the summaries name and order procedures by (the
 * program's, given by whoever opened the ledger); NULL until set: codes. */
void           mc_ledger_set_procedures   (McLedger             *self,
                                           McProcedureCatalog   *procedures);
McProcedureCatalog *mc_ledger_get_procedures (McLedger          *self);
/* Polls for writes by other programs every @seconds (0 stops). */
void           mc_ledger_watch            (McLedger             *self,
                                           guint                 seconds);

/* ---- Recording a filing ------------------------------------------------
 *
 * The visit workflow calls mc_ledger_record_filing() once the portal has
 * taken the files (or the clerk has confirmed the filing), with what
 * counts need and nothing about the citizen:
 *
 *   McFilingRecord r = MC_FILING_RECORD_INIT;
 *   r.uuid = visit->filing_uuid;     // made and saved in visit.json first
 *   r.visit_id = visit->id;
 *   r.ward_code = …; r.counter = …; r.clerk = …;   // from GSettings
 *   r.procedure = "1.001193";
 *   r.channel = MC_CHANNEL_NATIONAL;
 *   r.pages = 4;
 *   r.receipt = "G22.99.10-250701-0001";            // or NULL
 *   mc_ledger_record_filing_async (ledger, &r, NULL, on_recorded, visit);
 *
 * When it returns without an error the filing is on disk (synchronous
 * FULL): a power cut after that loses nothing. Giving the UUID makes the
 * call safe to repeat: resuming a visit after a crash records the filing
 * once, whether or not the first call got through. A second call with the
 * same UUID but other values is refused (MC_LEDGER_ERROR_CONFLICT).
 * Strings are copied; the record may be freed after the call returns. */

typedef struct {
  const char     *uuid;        /* optional (see above); NULL: a new one */
  const char     *visit_id;    /* optional: the visit's UUID */
  const char     *ward_code;   /* GSO code from the ward-code setting */
  const char     *counter;
  const char     *clerk;
  const char     *procedure;   /* national procedure code */
  McChannel       channel;
  int             pages;
  const char     *receipt;     /* the portal's code for the file, or NULL */
  McFilingStatus  status;      /* usually MC_FILING_STATUS_SUBMITTED */
  McSource        source;      /* MC_SOURCE_VISIT, or MC_SOURCE_MANUAL for “+1” */
  gint64          at_us;       /* 0: now */
} McFilingRecord;

#define MC_FILING_RECORD_INIT { NULL, NULL, NULL, NULL, NULL, NULL, MC_CHANNEL_PROVINCIAL, 0, NULL, \
                                MC_FILING_STATUS_SUBMITTED, MC_SOURCE_VISIT, 0 }

/* Returns the filing's UUID. Blocks for one fsync'd transaction. */
char          *mc_ledger_record_filing        (McLedger              *self,
                                               const McFilingRecord  *record,
                                               GError               **error);
void           mc_ledger_record_filing_async  (McLedger              *self,
                                               const McFilingRecord  *record,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
char          *mc_ledger_record_filing_finish (McLedger              *self,
                                               GAsyncResult          *result,
                                               GError               **error);

/* The portal reported a new status for a filing (no PIN: nothing counted
 * changes). Returns the event's UUID. */
char          *mc_ledger_record_status        (McLedger              *self,
                                               const char            *filing_uuid,
                                               McFilingStatus         status,
                                               GError               **error);

/* ---- Corrections ------------------------------------------------------- */

/* New values for a filing; NULL, -1 and MC_N_CHANNELS keep the current
 * one. With @voids the filing leaves the counts (recorded twice, never
 * filed); nothing is ever deleted. */
typedef struct {
  const char          *procedure;
  McChannel            channel;
  int                  pages;
  const char          *receipt;      /* "" removes it */
  const char          *counter;
  gboolean             voids;
  McCorrectionReason   reason;
} McFilingCorrection;

#define MC_FILING_CORRECTION_INIT { NULL, MC_N_CHANNELS, -1, NULL, NULL, FALSE, MC_REASON_OTHER }

/* Checks @pin against @pin_hash (the supervisor-pin-hash setting) and
 * then appends a correction pointing at the filing's current record.
 * After five wrong PINs, further tries are refused for a minute, then
 * longer (see mc_supervisor_pin_check(); the count is kept beside the
 * ledger file and survives a restart). Returns the correction's UUID. */
char          *mc_ledger_correct              (McLedger                  *self,
                                               const char                *pin_hash,
                                               const char                *pin,
                                               const char                *filing_uuid,
                                               const McFilingCorrection  *changes,
                                               GError                   **error);
void           mc_ledger_correct_async        (McLedger                  *self,
                                               const char                *pin_hash,
                                               const char                *pin,
                                               const char                *filing_uuid,
                                               const McFilingCorrection  *changes,
                                               GCancellable              *cancellable,
                                               GAsyncReadyCallback        callback,
                                               gpointer                   user_data);
char          *mc_ledger_correct_finish       (McLedger                  *self,
                                               GAsyncResult              *result,
                                               GError                   **error);
/* Checks a PIN without changing anything (same lock-out as above). */
gboolean       mc_ledger_verify_pin           (McLedger                  *self,
                                               const char                *pin_hash,
                                               const char                *pin,
                                               GError                   **error);

/* ---- Reading, off the main thread -------------------------------------- */

void           mc_ledger_summarize_async      (McLedger              *self,
                                               McWardCatalog         *catalog,
                                               McDay                  from,
                                               McDay                  to,
                                               const char            *ward_code,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
McSummary     *mc_ledger_summarize_finish     (McLedger              *self,
                                               GAsyncResult          *result,
                                               GError               **error);
/* Filings in effect or voided, newest first (for corrections). */
void           mc_ledger_list_filings_async   (McLedger              *self,
                                               const McLedgerFilingQuery *query,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
GPtrArray     *mc_ledger_list_filings_finish  (McLedger              *self,
                                               GAsyncResult          *result,
                                               GError               **error);

G_END_DECLS
