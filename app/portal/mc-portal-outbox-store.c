/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-portal"
/* F_OFD_SETLK: locks owned by an open file, not by the process. */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-portal-client.h"
#include "mc-portal-error.h"
#include "mc-portal-outbox-private.h"
#include "mc-portal-package.h"

/* The outbox's queue: one SQLite file of items and a lock file beside
 * it, shared by every process that sends (the program, motcua-tool). */

/* “MCOB”: tells an outbox from any other SQLite file at that path. */
#define OUTBOX_APPLICATION_ID 0x4d434f42
#define OUTBOX_SCHEMA_VERSION 1
#define BUSY_TIMEOUT_MS       10000

static const char schema_sql[] =
  "CREATE TABLE outbox ("
  "  id              INTEGER PRIMARY KEY,"
  "  visit_id        TEXT NOT NULL UNIQUE CHECK (length (visit_id) = 36),"
  "  package_dir     TEXT NOT NULL,"
  "  endpoint        TEXT NOT NULL,"
  "  state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),"
  "  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
  "  created_at      INTEGER NOT NULL,"
  "  updated_at      INTEGER NOT NULL,"
  "  next_attempt_at INTEGER NOT NULL,"
  "  last_error      TEXT,"
  "  error_code      INTEGER,"
  "  receipt         TEXT,"
  "  received_at     TEXT,"
  "  http_status     INTEGER,"
  "  CHECK ((state = 'sent') = (receipt IS NOT NULL))"
  ");"
  "CREATE INDEX outbox_due ON outbox (state, next_attempt_at);";

static const char item_columns[] =
  "id, visit_id, package_dir, endpoint, state, attempts, created_at, updated_at,"
  " next_attempt_at, last_error, error_code, receipt, received_at, http_status";

/* ---- Items ------------------------------------------------------------- */

const char *
mc_outbox_state_to_string (McOutboxState state)
{
  switch (state)
    {
    case MC_OUTBOX_QUEUED: return "queued";
    case MC_OUTBOX_SENDING: return "sending";
    case MC_OUTBOX_SENT: return "sent";
    case MC_OUTBOX_FAILED: return "failed";
    default: return "unknown";
    }
}

static McOutboxState
state_from_string (const char *text)
{
  if (g_strcmp0 (text, "sending") == 0)
    return MC_OUTBOX_SENDING;
  if (g_strcmp0 (text, "sent") == 0)
    return MC_OUTBOX_SENT;
  if (g_strcmp0 (text, "failed") == 0)
    return MC_OUTBOX_FAILED;
  return MC_OUTBOX_QUEUED;
}

McOutboxItem *
mc_outbox_item_copy (const McOutboxItem *item)
{
  McOutboxItem *copy = g_memdup2 (item, sizeof *item);

  copy->visit_id = g_strdup (item->visit_id);
  copy->package_dir = g_strdup (item->package_dir);
  copy->endpoint = g_strdup (item->endpoint);
  copy->last_error = g_strdup (item->last_error);
  copy->receipt = g_strdup (item->receipt);
  copy->received_at = g_strdup (item->received_at);
  return copy;
}

void
mc_outbox_item_free (McOutboxItem *item)
{
  if (item == NULL)
    return;
  g_free (item->visit_id);
  g_free (item->package_dir);
  g_free (item->endpoint);
  g_free (item->last_error);
  g_free (item->receipt);
  g_free (item->received_at);
  g_free (item);
}

/* ---- Item locks -------------------------------------------------------- */

/* One byte per item in the lock file, locked with an open-file-description
 * lock: it belongs to this open() (so two threads of one process exclude
 * each other too) and the kernel releases it when the holder exits. */
int
mc_portal_outbox_lock_item (McPortalOutbox *self,
                            gint64          id)
{
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = id, .l_len = 1 };
  int fd = open (self->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    return -1;
  if (fcntl (fd, F_OFD_SETLK, &fl) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static gboolean
item_is_locked (McPortalOutbox *self,
                gint64          id)
{
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = id, .l_len = 1 };
  int fd = open (self->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  gboolean locked;

  if (fd < 0)
    return FALSE;
  locked = fcntl (fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
  close (fd);
  return locked;
}

/* ---- Database ---------------------------------------------------------- */

static gboolean
db_error (McPortalOutbox  *self,
          GError         **error)
{
  g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_OUTBOX,
               _("The outbox (%s) cannot be read or written: %s"), self->path, sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
db_exec (McPortalOutbox  *self,
         const char      *sql,
         GError         **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_error (self, error);
  return TRUE;
}

static void
db_rollback (McPortalOutbox *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static McOutboxItem *
row_to_item (McPortalOutbox *self,
             sqlite3_stmt   *stmt)
{
  McOutboxItem *item = g_new0 (McOutboxItem, 1);

  item->id = sqlite3_column_int64 (stmt, 0);
  item->visit_id = column_dup (stmt, 1);
  item->package_dir = column_dup (stmt, 2);
  item->endpoint = column_dup (stmt, 3);
  item->state = state_from_string ((const char *) sqlite3_column_text (stmt, 4));
  item->attempts = (guint) sqlite3_column_int (stmt, 5);
  item->created_us = sqlite3_column_int64 (stmt, 6);
  item->updated_us = sqlite3_column_int64 (stmt, 7);
  item->next_attempt_us = sqlite3_column_int64 (stmt, 8);
  item->last_error = column_dup (stmt, 9);
  item->error_code = sqlite3_column_type (stmt, 10) == SQLITE_NULL ? -1 : sqlite3_column_int (stmt, 10);
  item->receipt = column_dup (stmt, 11);
  item->received_at = column_dup (stmt, 12);
  item->http_status = (guint) sqlite3_column_int (stmt, 13);
  if (item->state == MC_OUTBOX_SENDING)
    item->in_flight = item_is_locked (self, item->id);
  return item;
}

McOutboxItem *
mc_portal_outbox_select_one (McPortalOutbox  *self,
                             const char      *where,
                             gint64           id,
                             const char      *text,
                             GError         **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM outbox WHERE %s", item_columns, where);
  sqlite3_stmt *stmt = NULL;
  McOutboxItem *item = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      db_error (self, error);
      return NULL;
    }
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 1, id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    item = row_to_item (self, stmt);
  else if (rc != SQLITE_DONE)
    db_error (self, error);
  sqlite3_finalize (stmt);
  return item;
}

gboolean
mc_portal_outbox_open_db (McPortalOutbox  *self,
                          GError         **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  sqlite3_stmt *stmt = NULL;
  int app_id = 0, version = 0, n_tables = 0;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_OUTBOX,
                   _("The outbox folder %s cannot be made: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  if (sqlite3_open_v2 (self->path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    return db_error (self, error);
  /* Paths and receipts are not secrets, but nobody else needs them. */
  g_chmod (self->path, 0600);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* A queued filing must survive a power cut as well as a kill: WAL with
   * a full sync at every commit. */
  if (!db_exec (self, "PRAGMA journal_mode = WAL", error) ||
      !db_exec (self, "PRAGMA synchronous = FULL", error))
    return FALSE;
  /* A removed row (a purged visit's, naming its package folder) is
   * overwritten in the file, not only marked free. */
  if (!db_exec (self, "PRAGMA secure_delete = ON", error))
    return FALSE;

  if (!db_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (sqlite3_prepare_v2 (self->db,
                          "SELECT (SELECT application_id FROM pragma_application_id),"
                          " (SELECT user_version FROM pragma_user_version),"
                          " (SELECT count(*) FROM sqlite_schema WHERE type = 'table')",
                          -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      db_error (self, error);
      db_rollback (self);
      return FALSE;
    }
  app_id = sqlite3_column_int (stmt, 0);
  version = sqlite3_column_int (stmt, 1);
  n_tables = sqlite3_column_int (stmt, 2);
  sqlite3_finalize (stmt);

  if (n_tables == 0 && app_id == 0)
    {
      g_autofree char *pragmas = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                                                  OUTBOX_APPLICATION_ID, OUTBOX_SCHEMA_VERSION);

      if (!db_exec (self, schema_sql, error) || !db_exec (self, pragmas, error))
        {
          db_rollback (self);
          return FALSE;
        }
    }
  else if (app_id != OUTBOX_APPLICATION_ID)
    {
      db_rollback (self);
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_OUTBOX,
                   _("%s is not a Một Cửa outbox; it was left untouched."), self->path);
      return FALSE;
    }
  else if (version > OUTBOX_SCHEMA_VERSION)
    {
      db_rollback (self);
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_OUTBOX,
                   _("The outbox %s was written by a newer Một Cửa; it was left untouched."), self->path);
      return FALSE;
    }

  return db_exec (self, "COMMIT", error);
}

/* ---- Queries ----------------------------------------------------------- */

McOutboxItem *
mc_portal_outbox_lookup (McPortalOutbox  *self,
                         gint64           id,
                         GError         **error)
{
  GError *local_error = NULL;
  McOutboxItem *item;

  g_return_val_if_fail (MC_IS_PORTAL_OUTBOX (self), NULL);

  g_mutex_lock (&self->db_lock);
  item = mc_portal_outbox_select_one (self, "id = ?1", id, NULL, &local_error);
  g_mutex_unlock (&self->db_lock);

  if (local_error != NULL)
    g_propagate_error (error, local_error);
  else if (item == NULL)
    g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NOT_FOUND,
                 _("There is no item %lld in the outbox."), (long long) id);
  return item;
}

McOutboxItem *
mc_portal_outbox_lookup_visit (McPortalOutbox  *self,
                               const char      *visit_id,
                               GError         **error)
{
  GError *local_error = NULL;
  McOutboxItem *item;

  g_return_val_if_fail (MC_IS_PORTAL_OUTBOX (self), NULL);
  g_return_val_if_fail (visit_id != NULL, NULL);

  g_mutex_lock (&self->db_lock);
  item = mc_portal_outbox_select_one (self, "visit_id = ?1", 0, visit_id, &local_error);
  g_mutex_unlock (&self->db_lock);

  if (local_error != NULL)
    g_propagate_error (error, local_error);
  else if (item == NULL)
    g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_NOT_FOUND,
                 _("The visit %s is not in the outbox."), visit_id);
  return item;
}

GPtrArray *
mc_portal_outbox_list (McPortalOutbox  *self,
                       GError         **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_outbox_item_free);
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM outbox ORDER BY created_at, id", item_columns);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (MC_IS_PORTAL_OUTBOX (self), NULL);

  g_mutex_lock (&self->db_lock);
  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      db_error (self, error);
      g_mutex_unlock (&self->db_lock);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, row_to_item (self, stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      db_error (self, error);
      g_mutex_unlock (&self->db_lock);
      return NULL;
    }
  g_mutex_unlock (&self->db_lock);
  return g_steal_pointer (&items);
}

/* ---- Changes ----------------------------------------------------------- */

gboolean
mc_portal_outbox_run (McPortalOutbox  *self,
                      GError         **error,
                      const char      *sql,
                      const char      *types,
                      ...)
{
  sqlite3_stmt *stmt = NULL;
  va_list args;
  int rc;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return db_error (self, error);

  va_start (args, types);
  for (int i = 0; types[i]; i++)
    switch (types[i])
      {
      case 'i':
        sqlite3_bind_int64 (stmt, i + 1, va_arg (args, gint64));
        break;
      case 's':
        {
          const char *s = va_arg (args, const char *);

          if (s != NULL)
            sqlite3_bind_text (stmt, i + 1, s, -1, SQLITE_TRANSIENT);
          else
            sqlite3_bind_null (stmt, i + 1);
        }
        break;
      default:
        sqlite3_bind_null (stmt, i + 1);
        break;
      }
  va_end (args);

  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return db_error (self, error);
  return TRUE;
}

McOutboxItem *
mc_portal_outbox_enqueue (McPortalOutbox  *self,
                          const char      *package_dir,
                          const char      *endpoint,
                          GCancellable    *cancellable,
                          GError         **error)
{
  g_autoptr(McPortalPackage) package = NULL;
  g_autoptr(McOutboxItem) existing = NULL;
  g_autofree char *normalized = NULL;
  GError *local_error = NULL;
  McOutboxItem *item = NULL;
  gint64 now = g_get_real_time ();
  const char *visit_id;
  const char *dir;
  gboolean ok = FALSE;

  g_return_val_if_fail (MC_IS_PORTAL_OUTBOX (self), NULL);
  g_return_val_if_fail (package_dir != NULL, NULL);

  if (!(normalized = mc_portal_endpoint_normalize (endpoint, error)) ||
      !(package = mc_portal_package_load (package_dir, cancellable, error)))
    return NULL;
  visit_id = mc_portal_package_get_visit_id (package);
  dir = mc_portal_package_get_dir (package);

  g_mutex_lock (&self->db_lock);
  if (!db_exec (self, "BEGIN IMMEDIATE", error))
    goto out;

  existing = mc_portal_outbox_select_one (self, "visit_id = ?1", 0, visit_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      goto out;
    }

  if (existing == NULL)
    ok = mc_portal_outbox_run (self, error,
                               "INSERT INTO outbox (visit_id, package_dir, endpoint, state, attempts, created_at, updated_at, next_attempt_at)"
                               " VALUES (?1, ?2, ?3, 'queued', 0, ?4, ?4, ?4)",
                               "sssi", visit_id, dir, normalized, now);
  else if (existing->state == MC_OUTBOX_SENT || existing->in_flight)
    ok = TRUE;   /* filed already, or being sent right now: nothing to change */
  else
    ok = mc_portal_outbox_run (self, error,
                               "UPDATE outbox SET package_dir = ?2, endpoint = ?3, state = 'queued', attempts = 0,"
                               " updated_at = ?4, next_attempt_at = ?4, last_error = NULL, error_code = NULL WHERE id = ?1",
                               "issi", existing->id, dir, normalized, now);

  if (ok)
    ok = db_exec (self, "COMMIT", error);
  if (ok)
    {
      item = mc_portal_outbox_select_one (self, "visit_id = ?1", 0, visit_id, &local_error);
      if (local_error != NULL)
        g_propagate_error (error, local_error);
    }

out:
  db_rollback (self);
  g_mutex_unlock (&self->db_lock);

  if (item != NULL)
    {
      g_debug ("outbox: visit %s is item %" G_GINT64_FORMAT " (%s)", visit_id, item->id,
               mc_outbox_state_to_string (item->state));
      mc_portal_outbox_emit_changed (self, item->id);
      mc_portal_outbox_wake_worker (self);
    }
  return item;
}

typedef struct {
  char *package_dir;
  char *endpoint;
} EnqueueData;

static void
enqueue_data_free (EnqueueData *d)
{
  g_free (d->package_dir);
  g_free (d->endpoint);
  g_free (d);
}

static void
enqueue_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  EnqueueData *d = task_data;
  GError *error = NULL;
  McOutboxItem *item = mc_portal_outbox_enqueue (source, d->package_dir, d->endpoint, cancellable, &error);

  if (item != NULL)
    g_task_return_pointer (task, item, (GDestroyNotify) mc_outbox_item_free);
  else
    g_task_return_error (task, error);
}

void
mc_portal_outbox_enqueue_async (McPortalOutbox      *self,
                                const char          *package_dir,
                                const char          *endpoint,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  EnqueueData *d = g_new0 (EnqueueData, 1);

  d->package_dir = g_strdup (package_dir);
  d->endpoint = g_strdup (endpoint);
  g_task_set_source_tag (task, mc_portal_outbox_enqueue_async);
  g_task_set_task_data (task, d, (GDestroyNotify) enqueue_data_free);
  g_task_run_in_thread (task, enqueue_thread);
}

McOutboxItem *
mc_portal_outbox_enqueue_finish (McPortalOutbox  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
mc_portal_outbox_retry (McPortalOutbox  *self,
                        gint64           id,
                        GError         **error)
{
  gint64 now = g_get_real_time ();
  gboolean ok;
  guint n = 0;

  g_return_val_if_fail (MC_IS_PORTAL_OUTBOX (self), 0);

  g_mutex_lock (&self->db_lock);
  if (id > 0)
    ok = mc_portal_outbox_run (self, error,
                               "UPDATE outbox SET state = CASE state WHEN 'failed' THEN 'queued' ELSE state END,"
                               " attempts = 0, updated_at = ?2, next_attempt_at = ?2, last_error = NULL, error_code = NULL"
                               " WHERE id = ?1 AND state <> 'sent'",
                               "ii", id, now);
  else
    ok = mc_portal_outbox_run (self, error,
                               "UPDATE outbox SET state = CASE state WHEN 'failed' THEN 'queued' ELSE state END,"
                               " attempts = 0, updated_at = ?1, next_attempt_at = ?1, last_error = NULL, error_code = NULL"
                               " WHERE state <> 'sent'",
                               "i", now);
  if (ok)
    n = (guint) sqlite3_changes (self->db);
  g_mutex_unlock (&self->db_lock);

  if (ok && id > 0 && n == 0)
    {
      /* Nothing to retry: say so if the item does not exist at all (a
       * sent one is simply left alone). */
      McOutboxItem *item = mc_portal_outbox_lookup (self, id, error);

      mc_outbox_item_free (item);
      return 0;
    }
  if (n > 0)
    {
      mc_portal_outbox_emit_changed (self, id);
      mc_portal_outbox_wake_worker (self);
    }
  return n;
}

gboolean
mc_portal_outbox_remove (McPortalOutbox  *self,
                         gint64           id,
                         GError         **error)
{
  g_autoptr(McOutboxItem) item = NULL;
  int fd;
  gboolean ok;

  g_return_val_if_fail (MC_IS_PORTAL_OUTBOX (self), FALSE);

  if (!(item = mc_portal_outbox_lookup (self, id, error)))
    return FALSE;
  /* Holding its lock keeps every sender off it while it goes. */
  if ((fd = mc_portal_outbox_lock_item (self, id)) < 0)
    {
      g_set_error_literal (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_OUTBOX,
                           _("This filing is being sent right now; stop it first."));
      return FALSE;
    }
  g_mutex_lock (&self->db_lock);
  ok = mc_portal_outbox_run (self, error, "DELETE FROM outbox WHERE id = ?1", "i", id);
  g_mutex_unlock (&self->db_lock);
  close (fd);
  if (ok)
    mc_portal_outbox_emit_changed (self, id);
  return ok;
}
