/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-visit-store"

#include "config.h"

#include <errno.h>
#include <sys/stat.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-file-util.h"
#include "mc-visit-store.h"

struct _McVisitStore
{
  GObject             parent_instance;

  char               *dir;
  McProcedureCatalog *catalog;
  GPtrArray          *open;       /* McVisit, unfinished, oldest first */
  GPtrArray          *finished;   /* McVisit, awaiting purge */
  GHashTable         *changed_at; /* visit id → GDateTime, last change of an unfinished visit */
  GHashTable         *unreadable; /* folder name → GDateTime, newest file of a folder not loaded */
  GHashTable         *warned;     /* ids of unfinished visits shown as soon to be purged */
  McVisitKeepFunc     keep;
  gpointer            keep_data;
  GDestroyNotify      keep_destroy;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (McVisitStore, mc_visit_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  SIGNAL_VISIT_PURGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType get_item_type (GListModel *m) { return MC_TYPE_VISIT; }
static guint get_n_items (GListModel *m) { return MC_VISIT_STORE (m)->open->len; }

static gpointer
get_item (GListModel *model,
          guint       position)
{
  McVisitStore *self = MC_VISIT_STORE (model);

  return position < self->open->len ? g_object_ref (g_ptr_array_index (self->open, position)) : NULL;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
mc_visit_store_finalize (GObject *object)
{
  McVisitStore *self = MC_VISIT_STORE (object);

  g_free (self->dir);
  g_clear_object (&self->catalog);
  g_ptr_array_unref (self->open);
  g_ptr_array_unref (self->finished);
  g_hash_table_unref (self->changed_at);
  g_hash_table_unref (self->unreadable);
  g_hash_table_unref (self->warned);
  if (self->keep_destroy != NULL)
    self->keep_destroy (self->keep_data);

  G_OBJECT_CLASS (mc_visit_store_parent_class)->finalize (object);
}

static void
mc_visit_store_class_init (McVisitStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_visit_store_finalize;

  /* visit-purged (const char *visit_id): its folder was deleted. */
  signals[SIGNAL_VISIT_PURGED] =
    g_signal_new ("visit-purged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
mc_visit_store_init (McVisitStore *self)
{
  self->open = g_ptr_array_new_with_free_func (g_object_unref);
  self->finished = g_ptr_array_new_with_free_func (g_object_unref);
  self->changed_at = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_date_time_unref);
  self->unreadable = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_date_time_unref);
  self->warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

McVisitStore *
mc_visit_store_new (const char         *dir,
                    McProcedureCatalog *catalog)
{
  McVisitStore *self = g_object_new (MC_TYPE_VISIT_STORE, NULL);

  self->dir = g_strdup (dir);
  self->catalog = g_object_ref (catalog);
  return self;
}

const char *
mc_visit_store_get_dir (McVisitStore *self)
{
  g_return_val_if_fail (MC_IS_VISIT_STORE (self), NULL);
  return self->dir;
}

/* The files the program writes again on every flush (each time it
 * closes) without anything changing: visit.json (its updated_at says when
 * the visit last changed) and the page lists, and their temporary files. */
static gboolean
is_rewritten (const char *name)
{
  return g_str_has_prefix (name, "visit.json") || g_str_has_prefix (name, ".pages.json");
}

/* The newest modification time of the files in @path and below (a folder's
 * own time changes with every atomic rewrite inside it, so it does not
 * count); with @papers_only, not the files rewritten on every flush. NULL
 * when there is none. Symbolic links are not followed. */
static GDateTime *
newest_mtime (const char *path,
              gboolean    papers_only)
{
  g_autoptr(GDir) listing = g_dir_open (path, 0, NULL);
  GDateTime *newest = NULL;
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GDateTime *t = NULL;
      GStatBuf st;

      if ((papers_only && is_rewritten (name)) || g_lstat (child, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        t = newest_mtime (child, papers_only);
      else if (S_ISREG (st.st_mode))
        t = g_date_time_new_from_unix_utc ((gint64) st.st_mtime);
      if (t != NULL && (newest == NULL || g_date_time_compare (t, newest) > 0))
        {
          g_clear_pointer (&newest, g_date_time_unref);
          newest = t;
        }
      else if (t != NULL)
        g_date_time_unref (t);
    }
  return newest;
}

/* When a folder that cannot be read last changed: its newest file, or
 * the folder itself when it holds none. */
static GDateTime *
folder_mtime (const char *path)
{
  GDateTime *newest = newest_mtime (path, FALSE);
  GStatBuf st;

  if (newest == NULL && g_lstat (path, &st) == 0)
    newest = g_date_time_new_from_unix_utc ((gint64) st.st_mtime);
  return newest;
}

/* Keeps the later of what is known and @t (consumed) as the visit's last
 * change. */
static void
note_change (McVisitStore *self,
             const char   *id,
             GDateTime    *t)
{
  GDateTime *known = g_hash_table_lookup (self->changed_at, id);

  if (t == NULL)
    return;
  if (known != NULL && g_date_time_compare (known, t) >= 0)
    {
      g_date_time_unref (t);
      return;
    }
  g_hash_table_insert (self->changed_at, g_strdup (id), t);
}

/* A visit that finishes moves from the open list to the finished one. */
static void
on_visit_changed (McVisit      *visit,
                  McVisitStore *self)
{
  guint position;

  note_change (self, mc_visit_get_id (visit), g_date_time_new_now_utc ());
  if (mc_visit_is_finished (visit) && g_ptr_array_find (self->open, visit, &position))
    {
      g_ptr_array_add (self->finished, g_object_ref (visit));
      g_ptr_array_remove_index (self->open, position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
    }
}

static void
add_visit (McVisitStore *self,
           McVisit      *visit)
{
  g_signal_connect_object (visit, "changed", G_CALLBACK (on_visit_changed), self, 0);
  note_change (self, mc_visit_get_id (visit), g_date_time_ref (mc_visit_get_updated (visit)));
  if (mc_visit_is_finished (visit))
    g_ptr_array_add (self->finished, g_object_ref (visit));
  else
    {
      g_ptr_array_add (self->open, g_object_ref (visit));
      g_list_model_items_changed (G_LIST_MODEL (self), self->open->len - 1, 0, 1);
    }
}

static int
compare_created (gconstpointer a,
                 gconstpointer b)
{
  return g_date_time_compare (mc_visit_get_created (*(McVisit **) a),
                              mc_visit_get_created (*(McVisit **) b));
}

/* Reads every visit folder. One that cannot be read is skipped (and said
 * so in the log, by id only): only the purge deletes it, once its files
 * are older than the retention period. */
guint
mc_visit_store_load (McVisitStore  *self,
                     GError       **error)
{
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func (g_object_unref);
  const char *name;
  guint before = self->open->len;

  if (!mc_dir_ensure_private (self->dir, error))
    return 0;
  listing = g_dir_open (self->dir, 0, error);
  if (listing == NULL)
    return 0;

  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->dir, name, NULL);
      g_autoptr(GError) local_error = NULL;
      McVisit *visit;

      if (!g_uuid_string_is_valid (name) || mc_visit_store_lookup (self, name) != NULL ||
          !g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;
      visit = mc_visit_load (path, self->catalog, &local_error);
      if (visit == NULL)
        {
          GDateTime *t = folder_mtime (path);

          g_message ("Visit %s not loaded: %s", name, local_error->message);
          if (t != NULL)
            g_hash_table_insert (self->unreadable, g_strdup (name), t);
          continue;
        }
      g_hash_table_remove (self->unreadable, name);
      /* Pages may have come after the last save of visit.json. */
      note_change (self, mc_visit_get_id (visit), newest_mtime (path, TRUE));
      g_ptr_array_add (loaded, visit);
    }

  g_ptr_array_sort (loaded, compare_created);
  for (guint i = 0; i < loaded->len; i++)
    add_visit (self, g_ptr_array_index (loaded, i));
  return self->open->len - before;
}

McVisit *
mc_visit_store_create (McVisitStore  *self,
                       const char    *procedure_code,
                       const char    *ward_code,
                       const char    *counter,
                       const char    *clerk,
                       GError       **error)
{
  g_autoptr(McVisit) visit = NULL;

  visit = mc_visit_create (self->dir, self->catalog, procedure_code, ward_code, counter, clerk, error);
  if (visit == NULL)
    return NULL;
  add_visit (self, visit);
  return visit;
}

McVisit *
mc_visit_store_lookup (McVisitStore *self,
                       const char   *id)
{
  for (guint i = 0; i < self->open->len; i++)
    if (g_str_equal (mc_visit_get_id (g_ptr_array_index (self->open, i)), id))
      return g_ptr_array_index (self->open, i);
  for (guint i = 0; i < self->finished->len; i++)
    if (g_str_equal (mc_visit_get_id (g_ptr_array_index (self->finished, i)), id))
      return g_ptr_array_index (self->finished, i);
  return NULL;
}

void
mc_visit_store_set_keep_func (McVisitStore    *self,
                              McVisitKeepFunc  func,
                              gpointer         user_data,
                              GDestroyNotify   destroy)
{
  g_return_if_fail (MC_IS_VISIT_STORE (self));

  if (self->keep_destroy != NULL)
    self->keep_destroy (self->keep_data);
  self->keep = func;
  self->keep_data = user_data;
  self->keep_destroy = destroy;
}

/* When the visit's retention period ends: counted from when it finished,
 * or for an unfinished one from its last change. */
static GDateTime *
purge_time (McVisitStore *self,
            McVisit      *visit,
            guint         retention_hours)
{
  GDateTime *from = mc_visit_get_finished (visit);

  if (!mc_visit_is_finished (visit))
    from = g_hash_table_lookup (self->changed_at, mc_visit_get_id (visit));
  if (from == NULL)
    from = mc_visit_get_updated (visit);
  return g_date_time_add_hours (from, (int) retention_hours);
}

GDateTime *
mc_visit_store_dup_purge_time (McVisitStore *self,
                               McVisit      *visit,
                               guint         retention_hours)
{
  g_return_val_if_fail (MC_IS_VISIT_STORE (self), NULL);
  g_return_val_if_fail (MC_IS_VISIT (visit), NULL);

  if (!g_ptr_array_find (self->open, visit, NULL) && !g_ptr_array_find (self->finished, visit, NULL))
    return NULL;
  return purge_time (self, visit, retention_hours);
}

static void
keep_earliest (GDateTime **earliest,
               GDateTime  *due,
               GDateTime  *now)
{
  if (g_date_time_compare (due, now) > 0 &&
      (*earliest == NULL || g_date_time_compare (due, *earliest) < 0))
    {
      g_clear_pointer (earliest, g_date_time_unref);
      *earliest = g_date_time_ref (due);
    }
}

GDateTime *
mc_visit_store_dup_next_due (McVisitStore *self,
                             guint         retention_hours,
                             GDateTime    *now)
{
  g_autoptr(GDateTime) current = now ? g_date_time_ref (now) : g_date_time_new_now_utc ();
  GDateTime *earliest = NULL;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (MC_IS_VISIT_STORE (self), NULL);

  for (guint i = 0; i < self->open->len + self->finished->len; i++)
    {
      McVisit *visit = i < self->open->len ? g_ptr_array_index (self->open, i)
                                            : g_ptr_array_index (self->finished, i - self->open->len);
      g_autoptr(GDateTime) due = purge_time (self, visit, retention_hours);

      keep_earliest (&earliest, due, current);
    }
  g_hash_table_iter_init (&iter, self->unreadable);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_autoptr(GDateTime) due = g_date_time_add_hours (value, (int) retention_hours);

      keep_earliest (&earliest, due, current);
    }
  return earliest;
}

static gboolean
is_due (GDateTime *from,
        guint      retention_hours,
        GDateTime *now)
{
  return from != NULL && g_date_time_difference (now, from) >= (GTimeSpan) retention_hours * G_TIME_SPAN_HOUR;
}

static gboolean
purge_visit (McVisitStore  *self,
             McVisit       *visit,
             GDateTime     *from,
             GError       **error)
{
  g_autofree char *when = g_date_time_format_iso8601 (from);
  g_autofree char *id = g_strdup (mc_visit_get_id (visit));

  /* The visit's own writer may still hold a queued save: let it land
   * first so it cannot recreate the folder after the delete. */
  mc_visit_flush (visit, NULL);
  if (!mc_core_remove_tree (mc_visit_get_dir (visit), error))
    return FALSE;
  mc_visit_set_purged (visit);
  g_message ("Purged visit %s (%s, %s %s)", id, mc_visit_state_to_string (mc_visit_get_state (visit)),
             mc_visit_is_finished (visit) ? "finished" : "last changed", when);
  g_signal_handlers_disconnect_by_data (visit, self);
  g_hash_table_remove (self->changed_at, id);
  g_hash_table_remove (self->warned, id);
  return TRUE;
}

/* The visits list warns before an unfinished visit goes, once less than
 * half its retention period is left: its row is made again when that
 * starts. */
static void
update_warnings (McVisitStore *self,
                 guint         retention_hours,
                 GDateTime    *now)
{
  for (guint i = 0; i < self->open->len; i++)
    {
      McVisit *visit = g_ptr_array_index (self->open, i);
      g_autoptr(GDateTime) due = purge_time (self, visit, retention_hours);
      gboolean warn = g_date_time_difference (due, now) < (GTimeSpan) retention_hours * G_TIME_SPAN_HOUR / 2;
      gboolean warned = g_hash_table_contains (self->warned, mc_visit_get_id (visit));

      if (warn == warned)
        continue;
      if (warn)
        g_hash_table_add (self->warned, g_strdup (mc_visit_get_id (visit)));
      else
        g_hash_table_remove (self->warned, mc_visit_get_id (visit));
      g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 1);
    }
}

guint
mc_visit_store_purge (McVisitStore  *self,
                      guint          retention_hours,
                      GDateTime     *now,
                      GError       **error)
{
  g_autoptr(GDateTime) current = now ? g_date_time_ref (now) : g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) folders = NULL;
  guint purged = 0;

  g_return_val_if_fail (MC_IS_VISIT_STORE (self), 0);

  for (guint i = self->finished->len; i > 0; i--)
    {
      g_autoptr(McVisit) visit = g_object_ref (g_ptr_array_index (self->finished, i - 1));
      GDateTime *finished = mc_visit_get_finished (visit);

      if (!is_due (finished, retention_hours, current) ||
          (self->keep != NULL && self->keep (mc_visit_get_id (visit), visit, self->keep_data)))
        continue;
      if (!purge_visit (self, visit, finished, error))
        return purged;
      g_ptr_array_remove_index (self->finished, i - 1);
      g_signal_emit (self, signals[SIGNAL_VISIT_PURGED], 0, mc_visit_get_id (visit));
      purged++;
    }

  /* Unfinished: set aside, or stuck (recording keeps failing). */
  for (guint i = self->open->len; i > 0; i--)
    {
      g_autoptr(McVisit) visit = g_object_ref (g_ptr_array_index (self->open, i - 1));
      const char *id = mc_visit_get_id (visit);
      GDateTime *changed;

      if (!is_due (g_hash_table_lookup (self->changed_at, id), retention_hours, current))
        continue;
      /* Papers may have come since, without a save of visit.json. */
      note_change (self, id, newest_mtime (mc_visit_get_dir (visit), TRUE));
      changed = g_hash_table_lookup (self->changed_at, id);
      if (!is_due (changed, retention_hours, current) ||
          (self->keep != NULL && self->keep (id, visit, self->keep_data)))
        continue;
      if (!purge_visit (self, visit, changed, error))
        return purged;
      g_ptr_array_remove_index (self->open, i - 1);
      g_list_model_items_changed (G_LIST_MODEL (self), i - 1, 1, 0);
      g_signal_emit (self, signals[SIGNAL_VISIT_PURGED], 0, id);
      purged++;
    }

  /* Folders that cannot be read as a visit: by the age of their files. */
  folders = g_ptr_array_new_with_free_func (g_free);
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, self->unreadable);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_ptr_array_add (folders, g_strdup (key));
  }
  for (guint i = 0; i < folders->len; i++)
    {
      const char *name = g_ptr_array_index (folders, i);
      g_autofree char *path = g_build_filename (self->dir, name, NULL);
      g_autoptr(GDateTime) newest = NULL;
      g_autofree char *when = NULL;

      if (!is_due (g_hash_table_lookup (self->unreadable, name), retention_hours, current))
        continue;
      newest = folder_mtime (path);
      if (newest == NULL)
        {
          g_hash_table_remove (self->unreadable, name);
          continue;
        }
      g_hash_table_insert (self->unreadable, g_strdup (name), g_date_time_ref (newest));
      if (!is_due (newest, retention_hours, current) ||
          (self->keep != NULL && self->keep (name, NULL, self->keep_data)))
        continue;
      if (!mc_core_remove_tree (path, error))
        return purged;
      when = g_date_time_format_iso8601 (newest);
      g_message ("Purged unreadable visit folder %s (last changed %s)", name, when);
      g_hash_table_remove (self->unreadable, name);
      g_signal_emit (self, signals[SIGNAL_VISIT_PURGED], 0, name);
      purged++;
    }

  update_warnings (self, retention_hours, current);
  return purged;
}

gboolean
mc_visit_store_flush (McVisitStore  *self,
                      GError       **error)
{
  for (guint i = 0; i < self->open->len; i++)
    if (!mc_visit_flush (g_ptr_array_index (self->open, i), error))
      return FALSE;
  for (guint i = 0; i < self->finished->len; i++)
    if (!mc_visit_flush (g_ptr_array_index (self->finished, i), error))
      return FALSE;
  return TRUE;
}
