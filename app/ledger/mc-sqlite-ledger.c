/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-sqlite-ledger-private.h"

/* How long a writer waits for another program's transaction. A filing is
 * one short transaction, so anything longer means a stuck program. */
#define BUSY_TIMEOUT_MS 10000
#define OPEN_RETRIES 5

static void mc_sqlite_ledger_store_init (McLedgerStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (McSqliteLedger, mc_sqlite_ledger, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MC_TYPE_LEDGER_STORE, mc_sqlite_ledger_store_init))

/* ---- Checkpoints -------------------------------------------------------- */

#define CHECKPOINT_PAGES 1000

static void
checkpoint_run (gpointer data,
                gpointer user_data)
{
  McSqliteLedger *self = user_data;
  int rc;

  if (self->cdb == NULL)
    {
      rc = sqlite3_open_v2 (self->path, &self->cdb,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW, NULL);
      if (rc == SQLITE_OK)
        sqlite3_busy_timeout (self->cdb, BUSY_TIMEOUT_MS);
      else
        g_clear_pointer (&self->cdb, sqlite3_close);
    }
  /* PASSIVE: never waits for readers or writers; what it cannot copy now
   * the next one will. A failure here loses nothing, the WAL stays. */
  if (self->cdb != NULL)
    sqlite3_wal_checkpoint_v2 (self->cdb, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  g_atomic_int_set (&self->checkpoint_queued, 0);
}

static int
on_wal_commit (void       *user_data,
               sqlite3    *db,
               const char *name,
               int         n_pages)
{
  McSqliteLedger *self = user_data;

  if (n_pages >= CHECKPOINT_PAGES && g_atomic_int_compare_and_exchange (&self->checkpoint_queued, 0, 1))
    g_thread_pool_push (self->checkpointer, GINT_TO_POINTER (1), NULL);
  return SQLITE_OK;
}

/* ---- Opening and migrating --------------------------------------------- */

static gboolean count_mismatches (McSqliteLedger  *self,
                                  const char      *a,
                                  const char      *b,
                                  gint64          *out,
                                  GError         **error);

static gboolean
check_header (McSqliteLedger  *self,
              gboolean        *is_empty,
              GError         **error)
{
  static const char magic[16] = "SQLite format 3";
  char header[16];
  GStatBuf st;
  ssize_t n;
  int fd;

  *is_empty = FALSE;
  if (g_stat (self->path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_MISSING,
                   _("There is no ledger at %s (%s)."), self->path, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_NOT_LEDGER,
                   _("%s is not a ledger: it is not a regular file. It has not been changed."),
                   self->path);
      return FALSE;
    }
  if (st.st_size == 0)
    {
      *is_empty = TRUE;
      return TRUE;
    }

  fd = g_open (self->path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_READ_ONLY,
                   _("The ledger %s cannot be read (%s)."), self->path, g_strerror (saved));
      return FALSE;
    }
  n = read (fd, header, sizeof header);
  close (fd);
  if (n != (ssize_t) sizeof header || memcmp (header, magic, sizeof magic) != 0)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_NOT_LEDGER,
                   _("%s is not a ledger: it is not an SQLite database. It has not been changed."),
                   self->path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
create_file (McSqliteLedger  *self,
             GError         **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_READ_ONLY,
                   _("The folder %s for the ledger cannot be made (%s)."), dir, g_strerror (saved));
      return FALSE;
    }
  /* O_EXCL: a file that appeared meanwhile is opened, never truncated. */
  fd = g_open (self->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno != EEXIST)
    {
      int saved = errno;

      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_READ_ONLY,
                   _("The ledger %s cannot be created (%s)."), self->path, g_strerror (saved));
      return FALSE;
    }
  if (fd >= 0)
    close (fd);
  return TRUE;
}

static sqlite3 *
open_connection (McSqliteLedger  *self,
                 GError         **error)
{
  sqlite3 *db = NULL;
  int rc;

  /* No SQLITE_OPEN_CREATE: the file exists by now, and SQLite must never
   * make one of its own at a mistyped path. */
  rc = sqlite3_open_v2 (self->path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW,
                        NULL);
  if (rc != SQLITE_OK)
    {
      mc_sqlite_ledger_set_error_from_rc (self, error, db, rc);
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  return db;
}

static gboolean
make_backup (McSqliteLedger  *self,
             int              from_version,
             GError         **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *path = g_strdup_printf ("%s.schema-%d-%s.bak", self->path, from_version, stamp);
  g_autofree char *sql = NULL;
  char *quoted = sqlite3_mprintf ("%Q", path);

  sql = g_strdup_printf ("VACUUM INTO %s", quoted);
  sqlite3_free (quoted);
  if (!mc_sqlite_ledger_exec (self, self->wdb, sql, error))
    {
      g_prefix_error (error, _("Before updating the ledger a copy is made, and it failed: "));
      return FALSE;
    }
  g_chmod (path, 0600);
  self->backup_path = g_steal_pointer (&path);
  return TRUE;
}

static gboolean
migrate (McSqliteLedger  *self,
         gboolean         fresh,
         GError         **error)
{
  gint64 version = 0, n_events = 0;
  int rc;

  /* Table rebuilds need foreign keys off; they are checked before commit. */
  if (!mc_sqlite_ledger_exec (self, self->wdb, "PRAGMA foreign_keys = OFF", error) ||
      !mc_sqlite_ledger_exec (self, self->wdb, "BEGIN IMMEDIATE", error))
    return FALSE;

  /* Another program may have migrated while we waited for the lock. */
  if (!mc_sqlite_ledger_query_int (self, self->wdb, "PRAGMA user_version", &version, error))
    goto fail;
  if (version >= MC_SQLITE_LEDGER_SCHEMA_VERSION)
    {
      self->schema_version = version;
      return mc_sqlite_ledger_exec (self, self->wdb, "COMMIT", error) &&
             mc_sqlite_ledger_exec (self, self->wdb, "PRAGMA foreign_keys = ON", error);
    }

  if (!fresh && version > 0 &&
      !mc_sqlite_ledger_query_int (self, self->wdb, "SELECT count(*) FROM events", &n_events, error))
    goto fail;
  if (n_events > 0)
    {
      /* VACUUM cannot run inside a transaction: step out, copy, and start
       * again; the version is read once more under the lock. */
      mc_sqlite_ledger_exec (self, self->wdb, "ROLLBACK", NULL);
      if (!make_backup (self, version, error))
        {
          mc_sqlite_ledger_exec (self, self->wdb, "PRAGMA foreign_keys = ON", NULL);
          return FALSE;
        }
      if (!mc_sqlite_ledger_exec (self, self->wdb, "BEGIN IMMEDIATE", error) ||
          !mc_sqlite_ledger_query_int (self, self->wdb, "PRAGMA user_version", &version, error))
        goto fail;
    }

  for (gint64 v = version + 1; v <= MC_SQLITE_LEDGER_SCHEMA_VERSION; v++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, v);

      if (!mc_sqlite_ledger_exec (self, self->wdb, mc_sqlite_ledger_migrations[v], error) ||
          !mc_sqlite_ledger_exec (self, self->wdb, set_version, error))
        {
          g_prefix_error (error, _("Updating the ledger to version %d failed, and it was left as it was: "),
                          (int) v);
          goto fail;
        }
    }

  {
    sqlite3_stmt *stmt = NULL;

    rc = sqlite3_prepare_v2 (self->wdb, "PRAGMA foreign_key_check", -1, &stmt, NULL);
    if (rc == SQLITE_OK)
      rc = sqlite3_step (stmt);
    sqlite3_finalize (stmt);
    if (rc == SQLITE_ROW)
      {
        g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CORRUPT,
                     _("The ledger %s has events that point at missing events; it was left as it was."),
                     self->path);
        goto fail;
      }
    if (rc != SQLITE_DONE)
      {
        mc_sqlite_ledger_set_error_from_rc (self, error, self->wdb, rc);
        goto fail;
      }
  }

  {
    g_autofree char *app_id = g_strdup_printf ("PRAGMA application_id = %d",
                                               MC_SQLITE_LEDGER_APPLICATION_ID);

    if (!mc_sqlite_ledger_exec (self, self->wdb, app_id, error) ||
        !mc_sqlite_ledger_exec (self, self->wdb, "COMMIT", error))
      goto fail;
  }

  self->schema_version = MC_SQLITE_LEDGER_SCHEMA_VERSION;
  return mc_sqlite_ledger_exec (self, self->wdb, "PRAGMA foreign_keys = ON", error);

fail:
  mc_sqlite_ledger_exec (self, self->wdb, "ROLLBACK", NULL);
  mc_sqlite_ledger_exec (self, self->wdb, "PRAGMA foreign_keys = ON", NULL);
  return FALSE;
}

/* Refuses, without writing, anything that is not a ledger of ours. */
static gboolean
inspect (McSqliteLedger  *self,
         gboolean        *fresh,
         GError         **error)
{
  gint64 app_id = 0, version = 0, n_objects = 0;

  /* One snapshot for the three: another program may be creating the ledger
   * right now, and its tables, version and id must be seen all or none. */
  if (!mc_sqlite_ledger_exec (self, self->wdb, "BEGIN", error))
    return FALSE;
  if (!mc_sqlite_ledger_query_int (self, self->wdb, "PRAGMA application_id", &app_id, error) ||
      !mc_sqlite_ledger_query_int (self, self->wdb, "PRAGMA user_version", &version, error) ||
      !mc_sqlite_ledger_query_int (self, self->wdb, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    {
      mc_sqlite_ledger_exec (self, self->wdb, "ROLLBACK", NULL);
      return FALSE;
    }
  if (!mc_sqlite_ledger_exec (self, self->wdb, "COMMIT", error))
    return FALSE;

  *fresh = (n_objects == 0 && version == 0 && app_id == 0);
  if (*fresh)
    return TRUE;

  if (app_id != MC_SQLITE_LEDGER_APPLICATION_ID)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_NOT_LEDGER,
                   _("%s is an SQLite database of another program, not a Một Cửa ledger. It has not been changed."),
                   self->path);
      return FALSE;
    }
  if (version > MC_SQLITE_LEDGER_SCHEMA_VERSION)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_TOO_NEW,
                   _("The ledger %s was written by a newer version of Một Cửa (ledger version %d; this program knows up to %d). It has not been changed; update Một Cửa."),
                   self->path, (int) version, MC_SQLITE_LEDGER_SCHEMA_VERSION);
      return FALSE;
    }
  self->schema_version = version;
  return TRUE;
}

/* ---- The check at open ------------------------------------------------ */

/* What each filing must look like, recomputed from the events alone: its
 * latest record (filing or correction) and latest status (filing or
 * status change), by (at, uuid). One lookup per filing through the
 * index on filing_uuid, rather than sorting every event. The filings
 * looked at are the filing events that meet @filter (on f) and the
 * projected rows that meet @filter_fl (on fl). */
#define FILING_MISMATCHES(filter, filter_fl) \
  "WITH x AS (" \
  "  SELECT f.seq AS seq," \
  "    (SELECT e.seq FROM events e WHERE e.filing_uuid = f.uuid AND e.kind <> 'status'" \
  "      ORDER BY e.at DESC, e.uuid DESC LIMIT 1) AS head," \
  "    (SELECT e.seq FROM events e WHERE e.filing_uuid = f.uuid AND e.kind <> 'correction'" \
  "      ORDER BY e.at DESC, e.uuid DESC LIMIT 1) AS st" \
  "  FROM events f WHERE f.kind = 'filing' AND " filter ")" \
  " SELECT (SELECT count(*) FROM x" \
  "           LEFT JOIN filings fl ON fl.seq = x.seq" \
  "           JOIN events h ON h.seq = x.head" \
  "           JOIN events s ON s.seq = x.st" \
  "          WHERE fl.seq IS NULL OR fl.head_seq IS NOT x.head OR fl.status_seq IS NOT x.st" \
  "             OR fl.local_date IS NOT h.local_date OR fl.ward_code IS NOT h.ward_code" \
  "             OR fl.counter IS NOT h.counter OR fl.procedure IS NOT h.procedure" \
  "             OR fl.channel IS NOT h.channel OR fl.voided IS NOT h.voids" \
  "             OR fl.status IS NOT s.status)" \
  "      + (SELECT count(*) FROM filings fl WHERE " filter_fl " AND NOT EXISTS" \
  "           (SELECT 1 FROM events f WHERE f.seq = fl.seq AND f.kind = 'filing'))"


static const char * const safeguard_triggers[] = {
  "events_append_only_update", "events_append_only_delete", "events_check_refs",
  "events_project_filing", "events_project_correction", "events_project_status",
  "filings_count_new", "filings_uncount_old", "filings_count_updated",
  "ledger_applied_guard_insert", "ledger_applied_guard_update", "ledger_applied_guard_delete",
  "filings_guard_insert", "filings_guard_update", "filings_guard_delete",
  "day_counter_guard_insert", "day_counter_guard_update", "day_counter_guard_delete",
  "day_procedure_channel_guard_insert", "day_procedure_channel_guard_update",
  "day_procedure_channel_guard_delete",
};

/* Every trigger that keeps the ledger append-only and its counts derived
 * from the events is there, and every event has been applied. */
static gboolean
check_safeguards (McSqliteLedger  *self,
                  GPtrArray       *problems,
                  GError         **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name IN (");
  gint64 n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (safeguard_triggers); i++)
    g_string_append_printf (sql, "%s'%s'", i ? ", " : "", safeguard_triggers[i]);
  g_string_append (sql, ")");
  if (!mc_sqlite_ledger_query_int (self, self->rdb, sql->str, &n, error))
    return FALSE;
  if (n != G_N_ELEMENTS (safeguard_triggers))
    {
      g_ptr_array_add (problems, g_strdup (_("Some of the ledger’s safeguards (triggers) are missing")));
      return TRUE;
    }

  if (!mc_sqlite_ledger_query_int (self, self->rdb,
                                   "SELECT count(*) FROM ledger_applied"
                                   " WHERE seq IS (SELECT coalesce (max (seq), 0) FROM events)", &n, error))
    return FALSE;
  if (n != 1)
    g_ptr_array_add (problems, g_strdup (_("Some recorded events were never counted")));
  return TRUE;
}

/* The filings of the days since %Q (twice), and those the last 10 000
 * events touch. Most were never corrected nor changed status: their row
 * must be their filing event's, and no other event of theirs may exist
 * (one probe of the filing index, no sorting). The others are recomputed
 * in full, as in FILING_MISMATCHES. */
static const char recent_filing_mismatches[] =
  "WITH cand (seq) AS ("
  "  SELECT seq FROM filings WHERE local_date >= %Q"
  "  UNION SELECT f.seq FROM events e JOIN events f ON f.uuid = e.filing_uuid"
  "   WHERE e.seq > (SELECT max (seq) FROM events) - 10000),"
  " x AS ("
  "  SELECT f.seq AS seq,"
  "    (SELECT e.seq FROM events e WHERE e.filing_uuid = f.uuid AND e.kind <> 'status'"
  "      ORDER BY e.at DESC, e.uuid DESC LIMIT 1) AS head,"
  "    (SELECT e.seq FROM events e WHERE e.filing_uuid = f.uuid AND e.kind <> 'correction'"
  "      ORDER BY e.at DESC, e.uuid DESC LIMIT 1) AS st"
  "  FROM cand JOIN events f ON f.seq = cand.seq"
  "  WHERE f.kind = 'filing' AND NOT EXISTS (SELECT 1 FROM filings p"
  "    WHERE p.seq = f.seq AND p.head_seq = p.seq AND p.status_seq = p.seq))"
  " SELECT (SELECT count(*) FROM cand JOIN filings fl ON fl.seq = cand.seq JOIN events f ON f.seq = fl.seq"
  "          WHERE fl.head_seq = fl.seq AND fl.status_seq = fl.seq"
  "            AND (f.kind IS NOT 'filing' OR fl.local_date IS NOT f.local_date"
  "                 OR fl.ward_code IS NOT f.ward_code OR fl.counter IS NOT f.counter"
  "                 OR fl.procedure IS NOT f.procedure OR fl.channel IS NOT f.channel"
  "                 OR fl.voided IS NOT 0 OR fl.status IS NOT f.status"
  "                 OR EXISTS (SELECT 1 FROM events e WHERE e.filing_uuid = f.uuid AND e.seq <> f.seq)))"
  "      + (SELECT count(*) FROM x"
  "           LEFT JOIN filings fl ON fl.seq = x.seq"
  "           JOIN events h ON h.seq = x.head"
  "           JOIN events s ON s.seq = x.st"
  "          WHERE fl.seq IS NULL OR fl.head_seq IS NOT x.head OR fl.status_seq IS NOT x.st"
  "             OR fl.local_date IS NOT h.local_date OR fl.ward_code IS NOT h.ward_code"
  "             OR fl.counter IS NOT h.counter OR fl.procedure IS NOT h.procedure"
  "             OR fl.channel IS NOT h.channel OR fl.voided IS NOT h.voids"
  "             OR fl.status IS NOT s.status)"
  "      + (SELECT count(*) FROM filings fl WHERE fl.local_date >= %Q AND NOT EXISTS"
  "           (SELECT 1 FROM events f WHERE f.seq = fl.seq AND f.kind = 'filing'))";

/* Recomputes, from the events, what the reports of the days since @since
 * read, and compares. It reads the recent filings through the date index
 * and each one's events through the filing index, so its cost grows with
 * the days checked, not with the ledger; the whole ledger is for
 * mc_ledger_store_check(). Found problems go to @problems, for people. */
gboolean
mc_sqlite_ledger_quick_check (McSqliteLedger  *self,
                              McDay            since,
                              GPtrArray       *problems,
                              GError         **error)
{
  g_autofree char *since_text = mc_day_format (since);
  g_autofree char *display = mc_day_format_display (since);
  char *quoted = sqlite3_mprintf ("%Q", since_text);
  g_autofree char *recent = g_strdup_printf ("local_date >= %s", quoted);
  gint64 n = 0, m = 0;
  gboolean ok = FALSE;
  const char * const summaries[][2] = {
    { "SELECT local_date, ward_code, counter, count(*) FROM filings WHERE voided = 0 AND %s"
      " GROUP BY local_date, ward_code, counter",
      "SELECT local_date, ward_code, counter, n FROM day_counter WHERE n > 0 AND %s" },
    { "SELECT local_date, ward_code, procedure, channel, count(*) FROM filings WHERE voided = 0 AND %s"
      " GROUP BY local_date, ward_code, procedure, channel",
      "SELECT local_date, ward_code, procedure, channel, n FROM day_procedure_channel WHERE n > 0 AND %s" },
  };

  sqlite3_free (quoted);
  g_mutex_lock (&self->read_lock);
  if (!mc_sqlite_ledger_exec (self, self->rdb, "BEGIN", error))
    goto out;

  if (!check_safeguards (self, problems, error))
    goto out;

  /* The days since @since, per counter and per procedure and portal. */
  for (guint i = 0; i < G_N_ELEMENTS (summaries); i++)
    {
      g_autofree char *expected = g_strdup_printf (summaries[i][0], recent);
      g_autofree char *stored = g_strdup_printf (summaries[i][1], recent);

      if (!count_mismatches (self, expected, stored, &n, error) ||
          !count_mismatches (self, stored, expected, &m, error))
        goto out;
      if (n + m > 0)
        {
          g_ptr_array_add (problems,
                           g_strdup_printf (_("The daily counts since %s do not match the recorded filings"), display));
          break;
        }
    }

  /* The filings of those days, and those the latest events touch, against
   * their events. */
  {
    char *sql = sqlite3_mprintf (recent_filing_mismatches, since_text, since_text);

    ok = mc_sqlite_ledger_query_int (self, self->rdb, sql, &n, error);
    sqlite3_free (sql);
    if (!ok)
      goto out;
  }
  if (n > 0)
    g_ptr_array_add (problems,
                     g_strdup_printf (_("%lld recent filings do not match the events recorded for them"), (long long) n));
  ok = TRUE;

out:
  mc_sqlite_ledger_exec (self, self->rdb, "COMMIT", NULL);
  g_mutex_unlock (&self->read_lock);
  return ok;
}

/* The first day of the month before today's: the reports a supervisor
 * makes now (this month, and last month's due before the 15th). */
static McDay
quick_check_since (void)
{
  GDate d;

  g_date_clear (&d, 1);
  g_date_set_julian (&d, mc_day_today ());
  g_date_set_day (&d, 1);
  g_date_subtract_months (&d, 1);
  return g_date_get_julian (&d);
}

/* The writing connection, the file's mode and the schema. */
static gboolean
prepare_writer (McSqliteLedger  *self,
                gboolean        *fresh,
                GError         **error)
{
  if (!(self->wdb = open_connection (self, error)) ||
      !inspect (self, fresh, error))
    return FALSE;

  if (!mc_sqlite_ledger_exec (self, self->wdb, "PRAGMA journal_mode = WAL", error) ||
      !mc_sqlite_ledger_exec (self, self->wdb, "PRAGMA synchronous = FULL", error) ||
      !mc_sqlite_ledger_exec (self, self->wdb, "PRAGMA foreign_keys = ON", error))
    return FALSE;

  return self->schema_version >= MC_SQLITE_LEDGER_SCHEMA_VERSION || migrate (self, *fresh, error);
}

McSqliteLedger *
mc_sqlite_ledger_open (const char               *path,
                       McSqliteLedgerOpenFlags   flags,
                       GError                  **error)
{
  g_autoptr(McSqliteLedger) self = NULL;
  gboolean empty_file = FALSE, fresh = FALSE;
  g_autoptr(GError) header_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (MC_TYPE_SQLITE_LEDGER, NULL);
  self->path = g_strdup (path);

  if (!check_header (self, &empty_file, &header_error))
    {
      if (!g_error_matches (header_error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_MISSING) ||
          !(flags & MC_SQLITE_LEDGER_OPEN_CREATE))
        {
          g_propagate_error (error, g_steal_pointer (&header_error));
          return NULL;
        }
      if (!create_file (self, error))
        return NULL;
    }

  /* Two programs opening a new ledger at once can meet in SQLite's lock
   * upgrade (one turning the file to WAL or creating the tables while the
   * other reads it): SQLite then answers "busy" at once instead of waiting,
   * and the step must simply be tried again. */
  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GError) local_error = NULL;

      if (prepare_writer (self, &fresh, &local_error))
        break;
      g_clear_pointer (&self->wdb, sqlite3_close);
      if (attempt == OPEN_RETRIES || !g_error_matches (local_error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUSY))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_usleep ((attempt + 1) * 100 * 1000);
    }

  if (!(self->rdb = open_connection (self, error)) ||
      !mc_sqlite_ledger_exec (self, self->rdb, "PRAGMA query_only = ON", error))
    return NULL;

  /* A ledger whose counts were changed behind its back still opens, so
   * that it can be read and checked; what was found is shown with every
   * report. A check that cannot run at all says so the same way. */
  {
    g_autoptr(GError) check_error = NULL;

    if (!mc_sqlite_ledger_quick_check (self, quick_check_since (), self->open_problems, &check_error))
      g_ptr_array_add (self->open_problems,
                       g_strdup_printf (_("The ledger could not be checked: %s"), check_error->message));
  }

  self->checkpointer = g_thread_pool_new (checkpoint_run, self, 1, FALSE, NULL);
  sqlite3_wal_hook (self->wdb, on_wal_commit, self);

  return g_steal_pointer (&self);
}

const char *
mc_sqlite_ledger_get_path (McSqliteLedger *self)
{
  g_return_val_if_fail (MC_IS_SQLITE_LEDGER (self), NULL);
  return self->path;
}

int
mc_sqlite_ledger_get_schema_version (McSqliteLedger *self)
{
  g_return_val_if_fail (MC_IS_SQLITE_LEDGER (self), 0);
  return self->schema_version;
}

const char *
mc_sqlite_ledger_get_backup_path (McSqliteLedger *self)
{
  g_return_val_if_fail (MC_IS_SQLITE_LEDGER (self), NULL);
  return self->backup_path;
}

GPtrArray *
mc_sqlite_ledger_get_open_problems (McSqliteLedger *self)
{
  g_return_val_if_fail (MC_IS_SQLITE_LEDGER (self), NULL);
  return self->open_problems;
}

gboolean
mc_sqlite_ledger_set_synchronous_full (McSqliteLedger  *self,
                                       gboolean         full,
                                       GError         **error)
{
  gboolean ok;

  g_return_val_if_fail (MC_IS_SQLITE_LEDGER (self), FALSE);

  g_mutex_lock (&self->write_lock);
  ok = mc_sqlite_ledger_exec (self, self->wdb, full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL", error);
  g_mutex_unlock (&self->write_lock);
  return ok;
}

/* ---- Export, check ----------------------------------------------------- */

static gboolean
mc_sqlite_ledger_foreach_event (McLedgerStore      *store,
                                McLedgerEventFunc   func,
                                gpointer            user_data,
                                GError            **error)
{
  McSqliteLedger *self = MC_SQLITE_LEDGER (store);
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;
  int rc = SQLITE_DONE;

  g_mutex_lock (&self->read_lock);
  ok = mc_sqlite_ledger_exec (self, self->rdb, "BEGIN", error);
  stmt = ok ? mc_sqlite_ledger_prepare (self, self->rdb, self->rstmts,
                                        "SELECT " EVENT_COLUMNS " FROM events ORDER BY seq", error) : NULL;
  if (stmt == NULL)
    ok = FALSE;
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(McLedgerEvent) event = mc_sqlite_ledger_event_from_row (self, stmt, error);

      if (event == NULL || !func (event, user_data, error))
        ok = FALSE;
    }
  if (ok && rc != SQLITE_DONE)
    {
      mc_sqlite_ledger_set_error_from_rc (self, error, self->rdb, rc);
      ok = FALSE;
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  mc_sqlite_ledger_exec (self, self->rdb, "COMMIT", NULL);
  g_mutex_unlock (&self->read_lock);
  return ok;
}

static const char filing_mismatches[] = FILING_MISMATCHES ("1", "1");

static gboolean
count_mismatches (McSqliteLedger  *self,
                  const char      *a,
                  const char      *b,
                  gint64          *out,
                  GError         **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM (%s EXCEPT %s)", a, b);

  return mc_sqlite_ledger_query_int (self, self->rdb, sql, out, error);
}

/* SQLite's own checks of the file, with the read lock held and a read
 * transaction open: each problem found goes to @problems. */
static gboolean
check_sqlite (McSqliteLedger  *self,
              GPtrArray       *problems,
              GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;
  int rc;

  /* SQLite's own check of pages, indexes and constraints. */
  rc = sqlite3_prepare_v2 (self->rdb, "PRAGMA integrity_check", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = mc_sqlite_ledger_column_text (stmt, 0);

      if (g_strcmp0 (line, "ok") != 0)
        g_ptr_array_add (problems, g_strdup_printf (_("SQLite: %s"), line));
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (rc != SQLITE_DONE)
    {
      mc_sqlite_ledger_set_error_from_rc (self, error, self->rdb, rc);
      return FALSE;
    }

  rc = sqlite3_prepare_v2 (self->rdb, "PRAGMA foreign_key_check", -1, &stmt, NULL);
  n = 0;
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      n++;
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (rc != SQLITE_DONE)
    {
      mc_sqlite_ledger_set_error_from_rc (self, error, self->rdb, rc);
      return FALSE;
    }
  if (n > 0)
    g_ptr_array_add (problems,
                     g_strdup_printf (_("%lld records point at events that are missing"), (long long) n));

  return TRUE;
}

static McLedgerCheck *
mc_sqlite_ledger_check (McLedgerStore  *store,
                        GError        **error)
{
  McSqliteLedger *self = MC_SQLITE_LEDGER (store);
  g_autoptr(McLedgerCheck) check = g_new0 (McLedgerCheck, 1);
  gint64 n, app_id = 0, version = 0;
  gboolean ok = FALSE;
  static const struct {
    const char *expected;
    const char *stored;
    const char *problem;
  } summaries[] = {
    { "SELECT local_date, ward_code, counter, count(*) FROM filings WHERE voided = 0"
      " GROUP BY local_date, ward_code, counter",
      "SELECT local_date, ward_code, counter, n FROM day_counter WHERE n > 0",
      N_("%lld daily counts per counter disagree with the filings") },
    { "SELECT local_date, ward_code, procedure, channel, count(*) FROM filings WHERE voided = 0"
      " GROUP BY local_date, ward_code, procedure, channel",
      "SELECT local_date, ward_code, procedure, channel, n FROM day_procedure_channel WHERE n > 0",
      N_("%lld daily counts per procedure and portal disagree with the filings") },
  };

  check->problems = g_ptr_array_new_with_free_func (g_free);

  g_mutex_lock (&self->read_lock);
  if (!mc_sqlite_ledger_exec (self, self->rdb, "BEGIN", error))
    goto out;

  if (!check_sqlite (self, check->problems, error))
    goto out;

  if (!mc_sqlite_ledger_query_int (self, self->rdb, "PRAGMA application_id", &app_id, error) ||
      !mc_sqlite_ledger_query_int (self, self->rdb, "PRAGMA user_version", &version, error))
    goto out;
  check->schema_version = version;
  if (app_id != MC_SQLITE_LEDGER_APPLICATION_ID || version != MC_SQLITE_LEDGER_SCHEMA_VERSION)
    g_ptr_array_add (check->problems,
                     g_strdup_printf (_("The ledger’s marks are wrong (application %lld, version %lld)"),
                                      (long long) app_id, (long long) version));

  /* Append-only is enforced by triggers; they must still be there. */
  if (!check_safeguards (self, check->problems, error))
    goto out;

  if (!mc_sqlite_ledger_query_int (self, self->rdb,
                                   "SELECT count(*) FROM events WHERE uuid NOT GLOB"
                                   " '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-"
                                   "[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-"
                                   "[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-"
                                   "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'",
                                   &n, error))
    goto out;
  if (n > 0)
    g_ptr_array_add (check->problems,
                     g_strdup_printf (_("%lld events have a malformed UUID"), (long long) n));

  if (!mc_sqlite_ledger_query_int (self, self->rdb, filing_mismatches, &n, error))
    goto out;
  if (n > 0)
    g_ptr_array_add (check->problems,
                     g_strdup_printf (_("%lld filings do not match their events"), (long long) n));

  for (guint i = 0; i < G_N_ELEMENTS (summaries); i++)
    {
      gint64 m = 0;

      if (!count_mismatches (self, summaries[i].expected, summaries[i].stored, &n, error) ||
          !count_mismatches (self, summaries[i].stored, summaries[i].expected, &m, error))
        goto out;
      if (n + m > 0)
        g_ptr_array_add (check->problems, g_strdup_printf (_(summaries[i].problem), (long long) (n + m)));
    }

  if (!mc_sqlite_ledger_query_int (self, self->rdb, "SELECT count(*) FROM events", &n, error))
    goto out;
  check->n_events = n;
  if (!mc_sqlite_ledger_query_int (self, self->rdb, "SELECT count(*) FROM filings", &n, error))
    goto out;
  check->n_filings = n;
  if (!mc_sqlite_ledger_query_int (self, self->rdb, "SELECT count(*) FROM filings WHERE voided <> 0", &n, error))
    goto out;
  check->n_voided = n;
  ok = TRUE;

out:
  mc_sqlite_ledger_exec (self, self->rdb, "COMMIT", NULL);
  g_mutex_unlock (&self->read_lock);
  return ok ? g_steal_pointer (&check) : NULL;
}

static guint64
mc_sqlite_ledger_change_stamp (McLedgerStore *store)
{
  McSqliteLedger *self = MC_SQLITE_LEDGER (store);
  gint64 version = 0;

  g_mutex_lock (&self->read_lock);
  mc_sqlite_ledger_query_int (self, self->rdb, "PRAGMA data_version", &version, NULL);
  g_mutex_unlock (&self->read_lock);
  return (guint64) version;
}

/* ---- GObject ----------------------------------------------------------- */

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

static void
mc_sqlite_ledger_finalize (GObject *object)
{
  McSqliteLedger *self = MC_SQLITE_LEDGER (object);

  /* Lets a running checkpoint finish before the connections close. */
  if (self->checkpointer != NULL)
    g_thread_pool_free (self->checkpointer, TRUE, TRUE);
  if (self->wdb != NULL)
    sqlite3_wal_hook (self->wdb, NULL, NULL);
  sqlite3_close (self->cdb);
  g_hash_table_remove_all (self->wstmts);
  g_hash_table_remove_all (self->rstmts);
  g_hash_table_unref (self->wstmts);
  g_hash_table_unref (self->rstmts);
  /* The last connection to close checkpoints the WAL into the file. */
  sqlite3_close (self->rdb);
  sqlite3_close (self->wdb);
  g_mutex_clear (&self->write_lock);
  g_mutex_clear (&self->read_lock);
  g_free (self->path);
  g_free (self->backup_path);
  g_ptr_array_unref (self->open_problems);

  G_OBJECT_CLASS (mc_sqlite_ledger_parent_class)->finalize (object);
}

static void
mc_sqlite_ledger_class_init (McSqliteLedgerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_sqlite_ledger_finalize;
}

static void
mc_sqlite_ledger_init (McSqliteLedger *self)
{
  g_mutex_init (&self->write_lock);
  g_mutex_init (&self->read_lock);
  self->wstmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
  self->rstmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
  self->open_problems = g_ptr_array_new_with_free_func (g_free);
}

static void
mc_sqlite_ledger_store_init (McLedgerStoreInterface *iface)
{
  iface->append = mc_sqlite_ledger_append;
  iface->lookup_event = mc_sqlite_ledger_lookup_event;
  iface->lookup_filing = mc_sqlite_ledger_lookup_filing;
  iface->count = mc_sqlite_ledger_count;
  iface->list_filings = mc_sqlite_ledger_list_filings;
  iface->foreach_event = mc_sqlite_ledger_foreach_event;
  iface->check = mc_sqlite_ledger_check;
  iface->change_stamp = mc_sqlite_ledger_change_stamp;
}
