/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-ledger-store.h"

G_BEGIN_DECLS

/* A ledger bundle carries the events of one counter to the supervisor's
 * PC: JSON lines, UTF-8.
 *
 *   {"format": "motcua-ledger-bundle", "version": 1, "exported_at": TIME}
 *   {"uuid": …, "kind": "filing", …}            one line per event, each
 *   …                                           after those it points at
 *   {"format": "motcua-ledger-bundle-end", "events": N}
 *
 * The last line makes a bundle cut short on its way (a full USB stick)
 * detectable. Importing is idempotent: an event already in the ledger is
 * skipped, so importing a bundle twice adds nothing the second time. */

#define MC_LEDGER_BUNDLE_VERSION 1

typedef struct {
  guint64 n_events;     /* events in the bundle */
  guint64 n_added;
  guint64 n_present;    /* already in the ledger */
} McLedgerImportResult;

gboolean mc_ledger_bundle_export (McLedgerStore         *store,
                                  GFile                 *file,
                                  guint64               *n_events,
                                  GCancellable          *cancellable,
                                  GError               **error);
/* Checks the whole bundle first; nothing is imported from a bundle with
 * a bad line. Large bundles are then added in batches of a few thousand
 * events per transaction; should a batch fail, importing the same bundle
 * again after fixing the cause completes it without counting twice. */
gboolean mc_ledger_bundle_import (McLedgerStore         *store,
                                  GFile                 *file,
                                  McLedgerImportResult  *result,
                                  GCancellable          *cancellable,
                                  GError               **error);

/* One event as one line of JSON (no newline), and back. */
char          *mc_ledger_event_to_json   (const McLedgerEvent  *event);
McLedgerEvent *mc_ledger_event_from_json (const char           *line,
                                          GError              **error);

G_END_DECLS
