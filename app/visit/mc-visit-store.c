/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-visit-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-file-util.h"
#include "mc-visit-store.h"

struct _McVisitStore
{
  GObject             parent_instance;

  char               *dir;
  McProcedureCatalog *catalog;
  GPtrArray          *open;       /* McVisit, unfinished, oldest first */
  GPtrArray          *finished;   /* McVisit, awaiting purge */
  McVisitKeepFunc     keep;
  gpointer            keep_data;
  GDestroyNotify      keep_destroy;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (McVisitStore, mc_visit_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

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
  if (self->keep_destroy != NULL)
    self->keep_destroy (self->keep_data);

  G_OBJECT_CLASS (mc_visit_store_parent_class)->finalize (object);
}

static void
mc_visit_store_class_init (McVisitStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_visit_store_finalize;
}

static void
mc_visit_store_init (McVisitStore *self)
{
  self->open = g_ptr_array_new_with_free_func (g_object_unref);
  self->finished = g_ptr_array_new_with_free_func (g_object_unref);
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

/* A visit that finishes moves from the open list to the finished one. */
static void
on_visit_changed (McVisit      *visit,
                  McVisitStore *self)
{
  guint position;

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
 * so in the log, by id only): it is never deleted here, whatever its age. */
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
          g_message ("Visit %s not loaded: %s", name, local_error->message);
          continue;
        }
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

static gboolean
remove_tree (const char  *path,
             GError     **error)
{
  g_autoptr(GDir) listing = g_dir_open (path, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        {
          if (!remove_tree (child, error))
            return FALSE;
        }
      else if (g_unlink (child) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not delete %s: %s"), child, g_strerror (saved));
          return FALSE;
        }
    }
  if (g_rmdir (path) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not delete %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
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

/* Deletes the folders of visits finished more than @retention_hours before
 * @now (NULL: now). The log says which visit and when it finished, never
 * who the citizen was. Returns how many were purged. */
guint
mc_visit_store_purge (McVisitStore  *self,
                      guint          retention_hours,
                      GDateTime     *now,
                      GError       **error)
{
  g_autoptr(GDateTime) current = now ? g_date_time_ref (now) : g_date_time_new_now_utc ();
  guint purged = 0;

  for (guint i = self->finished->len; i > 0; i--)
    {
      McVisit *visit = g_ptr_array_index (self->finished, i - 1);
      GDateTime *finished = mc_visit_get_finished (visit);
      g_autofree char *when = NULL;

      if (finished == NULL ||
          g_date_time_difference (current, finished) < (GTimeSpan) retention_hours * G_TIME_SPAN_HOUR)
        continue;
      if (self->keep != NULL && self->keep (visit, self->keep_data))
        continue;
      /* The visit's own writer may still hold a queued save: let it land
       * first so it cannot recreate the folder after the delete. */
      mc_visit_flush (visit, NULL);
      if (!remove_tree (mc_visit_get_dir (visit), error))
        return purged;
      when = g_date_time_format_iso8601 (finished);
      g_message ("Purged visit %s (%s, finished %s)", mc_visit_get_id (visit),
                 mc_visit_state_to_string (mc_visit_get_state (visit)), when);
      g_ptr_array_remove_index (self->finished, i - 1);
      purged++;
    }
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
