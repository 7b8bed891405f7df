/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-file-util"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-file-util.h"

/* A unique name in the same folder, so the rename stays on one filesystem.
 * Starts with '.' and ends with ".part" so listings can skip it. */
char *
mc_file_temp_path_for (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  static gint counter;

  return g_strdup_printf ("%s/.%s.%d-%d.part", dir, base, (int) getpid (),
                          g_atomic_int_add (&counter, 1));
}

static void
set_save_error (GError     **error,
                const char  *path,
                int          saved)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               _("Could not save %s: %s"), path, g_strerror (saved));
}

char *
mc_file_temp_create (const char  *path,
                     GError     **error)
{
  g_autofree char *temp = mc_file_temp_path_for (path);
  int fd = g_open (temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      set_save_error (error, path, errno);
      return NULL;
    }
  close (fd);
  return g_steal_pointer (&temp);
}

static gboolean
fsync_path (const char  *path,
            int          flags,
            GError     **error)
{
  int fd = g_open (path, flags | O_CLOEXEC, 0);
  int saved;

  if (fd < 0)
    goto fail;
  if (fsync (fd) != 0 && errno != EINVAL)
    {
      saved = errno;
      close (fd);
      errno = saved;
      goto fail;
    }
  close (fd);
  return TRUE;

fail:
  saved = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               _("Could not save %s: %s"), path, g_strerror (saved));
  return FALSE;
}

gboolean
mc_file_commit (const char  *temp_path,
                const char  *path,
                GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int saved;

  if (g_chmod (temp_path, 0600) != 0 ||
      !fsync_path (temp_path, O_RDONLY, error))
    {
      if (error != NULL && *error == NULL)
        {
          saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not save %s: %s"), path, g_strerror (saved));
        }
      g_unlink (temp_path);
      return FALSE;
    }

  if (g_rename (temp_path, path) != 0)
    {
      saved = errno;
      g_unlink (temp_path);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not save %s: %s"), path, g_strerror (saved));
      return FALSE;
    }

  /* The rename itself is durable only once the folder is synced. */
  return fsync_path (dir, O_RDONLY | O_DIRECTORY, error);
}

gboolean
mc_file_write_atomically (const char  *path,
                          const char  *contents,
                          gssize       length,
                          GError     **error)
{
  g_autofree char *temp = mc_file_temp_create (path, error);
  gsize len = length < 0 ? strlen (contents) : (gsize) length;
  gsize done = 0;
  int fd;

  if (temp == NULL)
    return FALSE;
  fd = g_open (temp, O_WRONLY | O_TRUNC | O_CLOEXEC, 0);
  if (fd < 0)
    {
      set_save_error (error, path, errno);
      g_unlink (temp);
      return FALSE;
    }

  while (done < len)
    {
      gssize n = write (fd, contents + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno ? errno : EIO;

          close (fd);
          g_unlink (temp);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not save %s: %s"), path, g_strerror (saved));
          return FALSE;
        }
      done += (gsize) n;
    }
  close (fd);

  return mc_file_commit (temp, path, error);
}

gboolean
mc_dir_ensure_private (const char  *path,
                       GError     **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the folder %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  /* An existing folder may have been created with looser permissions. */
  g_chmod (path, 0700);
  return TRUE;
}

gboolean
mc_dir_commit (const char  *temp_path,
               const char  *path,
               GError     **error)
{
  g_autofree char *parent = g_path_get_dirname (path);

  if (g_rename (temp_path, path) != 0)
    {
      set_save_error (error, path, errno);
      return FALSE;
    }
  return fsync_path (parent, O_RDONLY | O_DIRECTORY, error);
}

struct _McSerialWriter
{
  char    *path;
  GMutex   mutex;       /* serialises writes */
  guint64  generation;  /* newest version queued, under mutex */
  gint     ref_count;   /* the writer and each queued write */
};

typedef struct {
  McSerialWriter *writer;
  char           *contents;
  guint64         generation;
} QueuedWrite;

McSerialWriter *
mc_serial_writer_new (const char *path)
{
  McSerialWriter *writer = g_new0 (McSerialWriter, 1);

  writer->path = g_strdup (path);
  g_mutex_init (&writer->mutex);
  writer->ref_count = 1;
  return writer;
}

static void
serial_writer_unref (McSerialWriter *writer)
{
  if (!g_atomic_int_dec_and_test (&writer->ref_count))
    return;
  g_mutex_clear (&writer->mutex);
  g_free (writer->path);
  g_free (writer);
}

/* Queued versions still get written after this. */
void
mc_serial_writer_free (McSerialWriter *writer)
{
  if (writer != NULL)
    serial_writer_unref (writer);
}

const char *
mc_serial_writer_get_path (McSerialWriter *writer)
{
  return writer->path;
}

static void
queued_write_free (gpointer data)
{
  QueuedWrite *qw = data;

  serial_writer_unref (qw->writer);
  g_free (qw->contents);
  g_free (qw);
}

static void
serial_write_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  QueuedWrite *qw = task_data;
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&qw->writer->mutex);
  /* A newer version is queued behind this one: it says it all. */
  if (qw->generation == qw->writer->generation &&
      !mc_file_write_atomically (qw->writer->path, qw->contents, -1, &error))
    g_warning ("%s", error->message);
  g_mutex_unlock (&qw->writer->mutex);
  g_task_return_boolean (task, TRUE);
}

/* Takes @contents. */
void
mc_serial_writer_queue (McSerialWriter *writer,
                        char           *contents)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);
  QueuedWrite *qw = g_new0 (QueuedWrite, 1);

  g_atomic_int_inc (&writer->ref_count);
  qw->writer = writer;
  qw->contents = contents;
  g_mutex_lock (&writer->mutex);
  qw->generation = ++writer->generation;
  g_mutex_unlock (&writer->mutex);

  g_task_set_task_data (task, qw, queued_write_free);
  g_task_run_in_thread (task, serial_write_thread);
}

/* Writes @contents now and waits: for tools that exit next, and tests.
 * Versions queued before are superseded. */
gboolean
mc_serial_writer_write_now (McSerialWriter  *writer,
                            const char      *contents,
                            GError         **error)
{
  gboolean ok;

  g_mutex_lock (&writer->mutex);
  writer->generation++;
  ok = mc_file_write_atomically (writer->path, contents, -1, error);
  g_mutex_unlock (&writer->mutex);
  return ok;
}
