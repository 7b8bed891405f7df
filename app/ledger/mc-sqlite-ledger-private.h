/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the files of McSqliteLedger share. Not installed, not public. */

#pragma once

#include "mc-sqlite-ledger.h"

G_BEGIN_DECLS

/* The SQL that takes an empty file, or one of schema v − 1, to schema v;
 * index 0 is NULL. In mc-sqlite-ledger-schema.c. */
G_GNUC_INTERNAL
extern const char * const mc_sqlite_ledger_migrations[MC_SQLITE_LEDGER_SCHEMA_VERSION + 1];

G_END_DECLS
