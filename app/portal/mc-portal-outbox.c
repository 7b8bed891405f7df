/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-portal"
/* F_OFD_SETLK: locks owned by an open file, not by the process. */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-portal-client.h"
#include "mc-portal-error.h"
#include "mc-portal-outbox.h"
#include "mc-portal-package.h"
#include "mc-portal-token.h"

/* “MCOB”: tells an outbox from any other SQLite file at that path. */
#define OUTBOX_APPLICATION_ID 0x4d434f42
#define OUTBOX_SCHEMA_VERSION 1
#define BUSY_TIMEOUT_MS       10000
/* How often the background sender looks for items other processes added. */
#define POLL_INTERVAL_US      (5 * G_USEC_PER_SEC)
/* How long an item locked by another process is left alone before the
 * sender looks again. */
#define BUSY_SKIP_US          (2 * G_USEC_PER_SEC)

struct _McPortalOutbox
{
  GObject         parent_instance;

  char           *path;
  char           *lock_path;
  GMainContext   *context;

  GMutex          db_lock;
  sqlite3        *db;

  GMutex          lock;          /* what follows */
  GCond           cond;
  McPortalConfig *config;
  char           *token;
  GThread        *worker;
  gboolean        stopping;
  gboolean        woken;
  GCancellable   *stop_cancellable;
  GHashTable     *in_flight;     /* gint64 id → InFlight */
};

typedef struct {
  GCancellable *cancellable;
  gboolean      by_clerk;
} InFlight;

G_DEFINE_FINAL_TYPE (McPortalOutbox, mc_portal_outbox, G_TYPE_OBJECT)

enum {
  ITEM_CHANGED,
  ITEM_SENT,
  ITEM_FAILED,
  PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
static int
lock_item (McPortalOutbox *self,
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

/* Caller holds db_lock. @where binds ?1 to @id, or to @text when @text
 * is given. NULL without an error when there is no such row. */
static McOutboxItem *
select_one (McPortalOutbox  *self,
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

static gboolean
open_db (McPortalOutbox  *self,
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

/* ---- Signals, in the owner's main context ------------------------------ */

typedef struct {
  McPortalOutbox *self;
  guint           signal;
  gint64          id;
  char           *visit_id;
  char           *text1;
  char           *text2;
  int             code;
  guint64         sent;
  guint64         total;
} Emission;

static void
emission_free (Emission *e)
{
  g_object_unref (e->self);
  g_free (e->visit_id);
  g_free (e->text1);
  g_free (e->text2);
  g_free (e);
}

static gboolean
emit_now (gpointer data)
{
  Emission *e = data;

  switch (e->signal)
    {
    case ITEM_CHANGED:
      g_signal_emit (e->self, signals[ITEM_CHANGED], 0, e->id);
      break;
    case ITEM_SENT:
      g_signal_emit (e->self, signals[ITEM_SENT], 0, e->id, e->visit_id, e->text1, e->text2);
      break;
    case ITEM_FAILED:
      g_signal_emit (e->self, signals[ITEM_FAILED], 0, e->id, e->visit_id, e->text1, e->code);
      break;
    case PROGRESS:
      g_signal_emit (e->self, signals[PROGRESS], 0, e->id, e->sent, e->total);
      break;
    default:
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
emit (McPortalOutbox *self,
      Emission        e)
{
  Emission *copy = g_memdup2 (&e, sizeof e);
  g_autoptr(GSource) source = NULL;

  copy->self = g_object_ref (self);
  if (g_main_context_is_owner (self->context))
    {
      emit_now (copy);
      emission_free (copy);
      return;
    }
  /* From the sender's thread (or any other): always through the owner's
   * loop. g_main_context_invoke() would run the handlers right here when
   * the owner is not iterating its loop at this moment (a program still
   * in its startup), in this thread and concurrently with the owner. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_now, copy, (GDestroyNotify) emission_free);
  g_source_set_static_name (source, "[motcua] outbox signal");
  g_source_attach (source, self->context);
}

static void
emit_changed (McPortalOutbox *self,
              gint64          id)
{
  emit (self, (Emission) { .signal = ITEM_CHANGED, .id = id });
}

/* ---- Object ------------------------------------------------------------ */

static void
mc_portal_outbox_dispose (GObject *object)
{
  McPortalOutbox *self = MC_PORTAL_OUTBOX (object);

  mc_portal_outbox_stop (self);
  G_OBJECT_CLASS (mc_portal_outbox_parent_class)->dispose (object);
}

static void
mc_portal_outbox_finalize (GObject *object)
{
  McPortalOutbox *self = MC_PORTAL_OUTBOX (object);

  if (self->db != NULL)
    sqlite3_close (self->db);
  mc_portal_token_free (self->token);
  mc_portal_config_free (self->config);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_object (&self->stop_cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->path);
  g_free (self->lock_path);
  g_mutex_clear (&self->db_lock);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (mc_portal_outbox_parent_class)->finalize (object);
}

static void
mc_portal_outbox_class_init (McPortalOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mc_portal_outbox_dispose;
  object_class->finalize = mc_portal_outbox_finalize;

  signals[ITEM_CHANGED] = g_signal_new ("item-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[ITEM_SENT] = g_signal_new ("item-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                                     G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[ITEM_FAILED] = g_signal_new ("item-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                                       G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_INT);
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                    G_TYPE_INT64, G_TYPE_UINT64, G_TYPE_UINT64);
}

static void
in_flight_free (InFlight *f)
{
  g_object_unref (f->cancellable);
  g_free (f);
}

static void
mc_portal_outbox_init (McPortalOutbox *self)
{
  g_mutex_init (&self->db_lock);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->config = mc_portal_config_new ();
  self->in_flight = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) in_flight_free);
}

char *
mc_portal_outbox_get_default_path (void)
{
  g_autofree char *dir = mc_core_get_data_dir ();

  return g_build_filename (dir, "outbox.sqlite", NULL);
}

McPortalOutbox *
mc_portal_outbox_new (const char  *path,
                      GError     **error)
{
  g_autoptr(McPortalOutbox) self = g_object_new (MC_TYPE_PORTAL_OUTBOX, NULL);

  self->path = path != NULL ? g_strdup (path) : mc_portal_outbox_get_default_path ();
  self->lock_path = g_strconcat (self->path, ".lock", NULL);
  self->context = g_main_context_ref_thread_default ();
  if (!open_db (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
mc_portal_outbox_get_path (McPortalOutbox *self)
{
  g_return_val_if_fail (MC_IS_PORTAL_OUTBOX (self), NULL);
  return self->path;
}

void
mc_portal_outbox_set_config (McPortalOutbox       *self,
                             const McPortalConfig *config)
{
  g_return_if_fail (MC_IS_PORTAL_OUTBOX (self));
  g_return_if_fail (config != NULL);

  g_mutex_lock (&self->lock);
  mc_portal_config_free (self->config);
  self->config = mc_portal_config_copy (config);
  g_mutex_unlock (&self->lock);
}

void
mc_portal_outbox_set_token (McPortalOutbox *self,
                            const char     *token)
{
  g_return_if_fail (MC_IS_PORTAL_OUTBOX (self));

  g_mutex_lock (&self->lock);
  mc_portal_token_free (self->token);
  self->token = g_strdup (token);
  g_mutex_unlock (&self->lock);
}

static void
wake_worker (McPortalOutbox *self)
{
  g_mutex_lock (&self->lock);
  self->woken = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
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
  item = select_one (self, "id = ?1", id, NULL, &local_error);
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
  item = select_one (self, "visit_id = ?1", 0, visit_id, &local_error);
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

/* Runs one statement with the given binds: “i” an int64, “s” a string
 * (NULL binds NULL), “n” NULL. Caller holds db_lock. */
static gboolean
run (McPortalOutbox  *self,
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

  existing = select_one (self, "visit_id = ?1", 0, visit_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      goto out;
    }

  if (existing == NULL)
    ok = run (self, error,
              "INSERT INTO outbox (visit_id, package_dir, endpoint, state, attempts, created_at, updated_at, next_attempt_at)"
              " VALUES (?1, ?2, ?3, 'queued', 0, ?4, ?4, ?4)",
              "sssi", visit_id, dir, normalized, now);
  else if (existing->state == MC_OUTBOX_SENT || existing->in_flight)
    ok = TRUE;   /* filed already, or being sent right now: nothing to change */
  else
    ok = run (self, error,
              "UPDATE outbox SET package_dir = ?2, endpoint = ?3, state = 'queued', attempts = 0,"
              " updated_at = ?4, next_attempt_at = ?4, last_error = NULL, error_code = NULL WHERE id = ?1",
              "issi", existing->id, dir, normalized, now);

  if (ok)
    ok = db_exec (self, "COMMIT", error);
  if (ok)
    {
      item = select_one (self, "visit_id = ?1", 0, visit_id, &local_error);
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
      emit_changed (self, item->id);
      wake_worker (self);
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
    ok = run (self, error,
              "UPDATE outbox SET state = CASE state WHEN 'failed' THEN 'queued' ELSE state END,"
              " attempts = 0, updated_at = ?2, next_attempt_at = ?2, last_error = NULL, error_code = NULL"
              " WHERE id = ?1 AND state <> 'sent'",
              "ii", id, now);
  else
    ok = run (self, error,
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
      emit_changed (self, id);
      wake_worker (self);
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
  if ((fd = lock_item (self, id)) < 0)
    {
      g_set_error_literal (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_OUTBOX,
                           _("This filing is being sent right now; stop it first."));
      return FALSE;
    }
  g_mutex_lock (&self->db_lock);
  ok = run (self, error, "DELETE FROM outbox WHERE id = ?1", "i", id);
  g_mutex_unlock (&self->db_lock);
  close (fd);
  if (ok)
    emit_changed (self, id);
  return ok;
}

gboolean
mc_portal_outbox_cancel (McPortalOutbox *self,
                         gint64          id)
{
  InFlight *f;
  gboolean found = FALSE;

  g_return_val_if_fail (MC_IS_PORTAL_OUTBOX (self), FALSE);

  g_mutex_lock (&self->lock);
  if ((f = g_hash_table_lookup (self->in_flight, &id)) != NULL)
    {
      f->by_clerk = TRUE;
      g_cancellable_cancel (f->cancellable);
      found = TRUE;
    }
  g_mutex_unlock (&self->lock);
  return found;
}

/* ---- One attempt ------------------------------------------------------- */

typedef enum {
  ATTEMPT_SENT,
  ATTEMPT_FAILED,    /* for good */
  ATTEMPT_RETRY,     /* transient: queued again for later */
  ATTEMPT_STOPPED,   /* interrupted by stop() or the caller: queued, due now */
  ATTEMPT_BUSY,      /* another sender holds it */
  ATTEMPT_GONE,      /* not waiting to be sent (any more) */
  ATTEMPT_ERROR,     /* the outbox itself failed */
} AttemptResult;

typedef struct {
  McPortalOutbox *self;
  gint64          id;
} ProgressData;

static void
on_progress (guint64  sent,
             guint64  total,
             gpointer user_data)
{
  ProgressData *p = user_data;

  emit (p->self, (Emission) { .signal = PROGRESS, .id = p->id, .sent = sent, .total = total });
}

static void
cancel_item (GCancellable *stop,
             GCancellable *item_cancellable)
{
  g_cancellable_cancel (item_cancellable);
}

static McPortalReceipt *
send_item (McPortalOutbox       *self,
           const McOutboxItem   *item,
           const McPortalConfig *config,
           const char           *token_override,
           gint64               *retry_after_us,
           GCancellable         *cancellable,
           GError              **error)
{
  g_autoptr(McPortalPackage) package = NULL;
  g_autoptr(McPortalClient) client = NULL;
  ProgressData progress = { self, item->id };
  char *token;

  *retry_after_us = -1;
  token = token_override != NULL ? g_strdup (token_override)
                                 : mc_portal_token_lookup (item->endpoint, cancellable, error);
  if (token == NULL)
    return NULL;

  /* Checked again at every attempt: the folder may have been purged or
   * changed since it was queued. */
  package = mc_portal_package_load (item->package_dir, cancellable, error);
  if (package != NULL && g_strcmp0 (mc_portal_package_get_visit_id (package), item->visit_id) != 0)
    {
      g_set_error (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_PACKAGE,
                   _("The folder %s now holds the package of another visit. Package the visit again."),
                   item->package_dir);
      g_clear_pointer (&package, mc_portal_package_unref);
    }
  if (package != NULL)
    client = mc_portal_client_new (item->endpoint, token, config, error);
  mc_portal_token_free (token);
  if (client == NULL)
    return NULL;

  return mc_portal_client_submit (client, package, on_progress, &progress, retry_after_us, cancellable, error);
}

/* Writes down how one attempt at item @id went, and says which outcome
 * it was: sent, stopped, to be retried, or failed. */
static AttemptResult
record_outcome (McPortalOutbox   *self,
                gint64            id,
                McOutboxItem     *item,
                McPortalConfig   *config,
                McPortalReceipt  *receipt,
                gboolean          by_clerk,
                gint64            retry_after_us,
                GError          **send_error,
                GError          **local_error)
{
  AttemptResult result;
  gint64 now;

  now = g_get_real_time ();
  g_mutex_lock (&self->db_lock);
  if (receipt != NULL)
    {
      result = ATTEMPT_SENT;
      if (!run (self, local_error,
                "UPDATE outbox SET state = 'sent', receipt = ?2, received_at = ?3, http_status = ?4,"
                " updated_at = ?5, last_error = NULL, error_code = NULL WHERE id = ?1",
                "issii", id, receipt->receipt, receipt->received_at, (gint64) receipt->http_status, now))
        result = ATTEMPT_ERROR;
    }
  else if (g_error_matches (*send_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && by_clerk)
    {
      result = ATTEMPT_FAILED;
      g_clear_error (send_error);
      g_set_error_literal (send_error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_CANCELLED,
                           _("Sending was stopped. Send it again when ready: the portal files a visit only once."));
      if (!run (self, local_error,
                "UPDATE outbox SET state = 'failed', updated_at = ?2, last_error = ?3, error_code = ?4 WHERE id = ?1",
                "iisi", id, now, (*send_error)->message, (gint64) (*send_error)->code))
        result = ATTEMPT_ERROR;
    }
  else if (g_error_matches (*send_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The program is closing, or the clerk interrupted motcua-tool:
       * the item waits, due at once, for the next sender. */
      result = ATTEMPT_STOPPED;
      if (!run (self, local_error,
                "UPDATE outbox SET state = 'queued', updated_at = ?2, next_attempt_at = ?2 WHERE id = ?1",
                "ii", id, now))
        result = ATTEMPT_ERROR;
    }
  else if (mc_portal_error_is_transient (*send_error))
    {
      gint64 delay = mc_portal_config_retry_delay_us (config, item->attempts, retry_after_us);

      result = ATTEMPT_RETRY;
      g_debug ("outbox: item %" G_GINT64_FORMAT " again in %.1f s", id, delay / 1e6);
      if (!run (self, local_error,
                "UPDATE outbox SET state = 'queued', updated_at = ?2, next_attempt_at = ?3,"
                " last_error = ?4, error_code = ?5 WHERE id = ?1",
                "iiisi", id, now, now + delay, (*send_error)->message, (gint64) (*send_error)->code))
        result = ATTEMPT_ERROR;
    }
  else
    {
      result = ATTEMPT_FAILED;
      if (!run (self, local_error,
                "UPDATE outbox SET state = 'failed', updated_at = ?2, last_error = ?3, error_code = ?4 WHERE id = ?1",
                "iisi", id, now, (*send_error)->message,
                (gint64) ((*send_error)->domain == MC_PORTAL_ERROR ? (*send_error)->code : MC_PORTAL_ERROR_FAILED)))
        result = ATTEMPT_ERROR;
    }
  g_mutex_unlock (&self->db_lock);

  return result;
}

static AttemptResult
attempt (McPortalOutbox  *self,
         gint64           id,
         GCancellable    *stop,
         GError         **error)
{
  g_autoptr(McOutboxItem) item = NULL;
  g_autoptr(McPortalConfig) config = NULL;
  g_autoptr(McPortalReceipt) receipt = NULL;
  g_autoptr(GError) send_error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *token = NULL;
  GError *local_error = NULL;
  AttemptResult result;
  InFlight *f;
  gboolean by_clerk = FALSE;
  gint64 retry_after_us = -1;
  gint64 now;
  gulong handler = 0;
  int fd;

  if ((fd = lock_item (self, id)) < 0)
    return ATTEMPT_BUSY;

  /* With the lock held, the row is ours to change. A row still marked
   * “sending” is one whose sender died: it goes again, as is. */
  g_mutex_lock (&self->db_lock);
  item = select_one (self, "id = ?1", id, NULL, &local_error);
  if (item != NULL && (item->state == MC_OUTBOX_QUEUED || item->state == MC_OUTBOX_SENDING))
    {
      now = g_get_real_time ();
      if (!run (self, &local_error,
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?2,"
                " next_attempt_at = ?2 WHERE id = ?1",
                "ii", id, now))
        g_clear_pointer (&item, mc_outbox_item_free);
      else
        item->attempts++;
    }
  g_mutex_unlock (&self->db_lock);

  if (local_error != NULL)
    {
      close (fd);
      g_propagate_error (error, local_error);
      return ATTEMPT_ERROR;
    }
  if (item == NULL || (item->state != MC_OUTBOX_QUEUED && item->state != MC_OUTBOX_SENDING))
    {
      close (fd);
      return ATTEMPT_GONE;
    }
  emit_changed (self, id);

  g_mutex_lock (&self->lock);
  config = mc_portal_config_copy (self->config);
  token = g_strdup (self->token);
  f = g_new0 (InFlight, 1);
  f->cancellable = g_object_ref (cancellable);
  g_hash_table_insert (self->in_flight, g_memdup2 (&id, sizeof id), f);
  g_mutex_unlock (&self->lock);

  if (stop != NULL)
    handler = g_cancellable_connect (stop, G_CALLBACK (cancel_item), cancellable, NULL);

  g_debug ("outbox: attempt %u of item %" G_GINT64_FORMAT, item->attempts, id);
  receipt = send_item (self, item, config, token, &retry_after_us, cancellable, &send_error);
  if (token != NULL)
    memset (token, 0, strlen (token));

  if (handler != 0)
    g_cancellable_disconnect (stop, handler);
  g_mutex_lock (&self->lock);
  if ((f = g_hash_table_lookup (self->in_flight, &id)) != NULL)
    by_clerk = f->by_clerk;
  g_hash_table_remove (self->in_flight, &id);
  g_mutex_unlock (&self->lock);

  result = record_outcome (self, id, item, config, receipt, by_clerk, retry_after_us,
                           &send_error, &local_error);
  close (fd);

  if (result == ATTEMPT_ERROR)
    {
      g_propagate_error (error, local_error);
      return result;
    }

  emit_changed (self, id);
  if (result == ATTEMPT_SENT)
    emit (self, (Emission) { .signal = ITEM_SENT, .id = id, .visit_id = g_strdup (item->visit_id),
                             .text1 = g_strdup (receipt->receipt), .text2 = g_strdup (receipt->received_at) });
  else if (result == ATTEMPT_FAILED)
    emit (self, (Emission) { .signal = ITEM_FAILED, .id = id, .visit_id = g_strdup (item->visit_id),
                             .text1 = g_strdup (send_error->message),
                             .code = send_error->domain == MC_PORTAL_ERROR ? send_error->code : MC_PORTAL_ERROR_FAILED });
  return result;
}

/* ---- Background sender ------------------------------------------------- */

/* The next item to try now, or 0; *wake_at_us gets when one falls due. */
static gint64
pick_due (McPortalOutbox *self,
          GHashTable     *skip,
          gint64          now,
          gint64         *wake_at_us)
{
  sqlite3_stmt *stmt = NULL;
  gint64 found = 0;

  *wake_at_us = now + POLL_INTERVAL_US;

  g_mutex_lock (&self->db_lock);
  if (sqlite3_prepare_v2 (self->db,
                          "SELECT id, next_attempt_at FROM outbox WHERE state IN ('queued', 'sending')"
                          " ORDER BY next_attempt_at, id",
                          -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);
        gint64 due = sqlite3_column_int64 (stmt, 1);
        gpointer skip_until = g_hash_table_lookup (skip, &id);

        if (skip_until != NULL && *(gint64 *) skip_until > now)
          due = MAX (due, *(gint64 *) skip_until);
        if (due <= now)
          {
            found = id;
            break;
          }
        *wake_at_us = MIN (*wake_at_us, due);
      }
  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->db_lock);
  return found;
}

static gpointer
worker_main (gpointer data)
{
  McPortalOutbox *self = data;
  g_autoptr(GHashTable) skip = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  for (;;)
    {
      gint64 now = g_get_real_time ();
      gint64 wake_at_us;
      gint64 id;

      g_mutex_lock (&self->lock);
      if (self->stopping)
        {
          g_mutex_unlock (&self->lock);
          break;
        }
      self->woken = FALSE;
      g_mutex_unlock (&self->lock);

      id = pick_due (self, skip, now, &wake_at_us);
      if (id != 0)
        {
          g_autoptr(GError) error = NULL;
          AttemptResult result = attempt (self, id, self->stop_cancellable, &error);

          if (result == ATTEMPT_BUSY || result == ATTEMPT_ERROR)
            {
              gint64 until = g_get_real_time () + BUSY_SKIP_US;

              if (error != NULL)
                g_warning ("outbox: %s", error->message);
              g_hash_table_insert (skip, g_memdup2 (&id, sizeof id), g_memdup2 (&until, sizeof until));
            }
          continue;
        }

      /* Sleep until something falls due, someone wakes us, or it is time
       * to look for items from other processes. Real time is what the
       * rows hold; the wait itself is on the monotonic clock. */
      g_mutex_lock (&self->lock);
      if (!self->stopping && !self->woken)
        {
          gint64 wait = MAX (wake_at_us - g_get_real_time (), 0);

          g_cond_wait_until (&self->cond, &self->lock, g_get_monotonic_time () + wait);
        }
      g_mutex_unlock (&self->lock);
    }
  return NULL;
}

void
mc_portal_outbox_start (McPortalOutbox *self)
{
  g_return_if_fail (MC_IS_PORTAL_OUTBOX (self));

  g_mutex_lock (&self->lock);
  if (self->worker == NULL)
    {
      self->stopping = FALSE;
      g_clear_object (&self->stop_cancellable);
      self->stop_cancellable = g_cancellable_new ();
      /* The thread borrows self: stop(), called by dispose at the latest,
       * joins it before self goes. */
      self->worker = g_thread_new ("mc-outbox", worker_main, self);
    }
  g_mutex_unlock (&self->lock);
}

void
mc_portal_outbox_stop (McPortalOutbox *self)
{
  GThread *worker;

  g_return_if_fail (MC_IS_PORTAL_OUTBOX (self));

  g_mutex_lock (&self->lock);
  worker = g_steal_pointer (&self->worker);
  self->stopping = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  if (worker == NULL)
    return;
  g_cancellable_cancel (self->stop_cancellable);
  g_thread_join (worker);
}

/* ---- Foreground send --------------------------------------------------- */

/* Sleeps @us or until @cancellable is cancelled; FALSE if it was. */
static gboolean
sleep_cancellable (gint64        us,
                   GCancellable *cancellable)
{
  GPollFD pfd;

  if (us <= 0)
    return !g_cancellable_is_cancelled (cancellable);
  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &pfd))
    {
      g_poll (&pfd, 1, (int) MIN ((us + 999) / 1000, G_MAXINT));
      g_cancellable_release_fd (cancellable);
    }
  else
    g_usleep ((gulong) us);
  return !g_cancellable_is_cancelled (cancellable);
}

McOutboxItem *
mc_portal_outbox_send (McPortalOutbox  *self,
                       gint64           id,
                       guint            max_attempts,
                       GCancellable    *cancellable,
                       GError         **error)
{
  guint made = 0;

  g_return_val_if_fail (MC_IS_PORTAL_OUTBOX (self), NULL);

  if (max_attempts == 0)
    {
      g_mutex_lock (&self->lock);
      max_attempts = MAX (self->config->max_attempts, 1);
      g_mutex_unlock (&self->lock);
    }

  for (;;)
    {
      g_autoptr(McOutboxItem) item = NULL;
      AttemptResult result;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !(item = mc_portal_outbox_lookup (self, id, error)))
        return NULL;
      if (item->state == MC_OUTBOX_SENT || item->state == MC_OUTBOX_FAILED || made >= max_attempts)
        return g_steal_pointer (&item);

      /* The first attempt goes now, whatever the schedule says: the
       * caller asked for it. Later ones wait their turn. */
      if (made > 0 && !sleep_cancellable (item->next_attempt_us - g_get_real_time (), cancellable))
        continue;

      result = attempt (self, id, cancellable, error);
      switch (result)
        {
        case ATTEMPT_ERROR:
          return NULL;
        case ATTEMPT_BUSY:
          /* Another process is sending it: wait for it to finish. */
          sleep_cancellable (G_USEC_PER_SEC / 4, cancellable);
          break;
        case ATTEMPT_RETRY:
          made++;
          break;
        case ATTEMPT_STOPPED:
        case ATTEMPT_SENT:
        case ATTEMPT_FAILED:
        case ATTEMPT_GONE:
        default:
          break;
        }
    }
}
