/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "mc-test-ledger.h"

int
mc_test_count_ledger_filings (const char *path,
                              const char *receipt)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM events WHERE kind = 'filing' AND receipt = ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, receipt, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

char *
mc_test_ledger_path (const char *dir,
                     const char *name)
{
  static guint n;
  g_autofree char *file = g_strdup_printf ("%u-%s", ++n, name);

  return g_build_filename (dir, file, NULL);
}

gint64
mc_test_noon_of (McDay day)
{
  GDate date;
  g_autoptr(GDateTime) dt = NULL;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, day);
  dt = g_date_time_new_utc (g_date_get_year (&date), g_date_get_month (&date), g_date_get_day (&date), 5, 0, 0);
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

gint64
mc_test_sql_int (const char *path,
                 const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

char *
mc_test_file_digest (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
}

void
mc_test_assert_ledger_clean (McLedgerStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(McLedgerCheck) check = mc_ledger_store_check (store, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < check->problems->len; i++)
    g_test_message ("problem: %s", (char *) g_ptr_array_index (check->problems, i));
  g_assert_cmpuint (check->problems->len, ==, 0);
}
