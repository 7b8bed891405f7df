/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Reading a ledger file behind the program's back, as a supervisor's
 * report would: the tests' independent check of what was recorded. */

#include <glib.h>
#include <sqlite3.h>

/* How many filings the ledger at @path holds with @receipt; -1 if the
 * query found no row. */
int mc_test_count_ledger_filings (const char *path, const char *receipt);
