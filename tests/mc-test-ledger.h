/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Reading a ledger file behind the program's back, as a supervisor's
 * report would: the tests' independent check of what was recorded; and
 * what the ledger tests share to make and look at ledgers. */

#include <glib.h>
#include <sqlite3.h>

#include "mc-ledger-store.h"

/* How many filings the ledger at @path holds with @receipt; -1 if the
 * query found no row. */
int     mc_test_count_ledger_filings (const char    *path,
                                      const char    *receipt);
/* @name in @dir, numbered: every call names a new file. */
char   *mc_test_ledger_path          (const char    *dir,
                                      const char    *name);
/* 05:00 UTC is midday in Nha Trang: safely inside the local day @day. */
gint64  mc_test_noon_of              (McDay          day);
/* The one integer @sql gives on the SQLite file at @path, opened
 * read-only. */
gint64  mc_test_sql_int              (const char    *path,
                                      const char    *sql);
/* SHA-256 of the file's bytes: to show a refused file was not touched. */
char   *mc_test_file_digest          (const char    *path);
/* The store's own check finds no problem (and prints what it found). */
void    mc_test_assert_ledger_clean  (McLedgerStore *store);
