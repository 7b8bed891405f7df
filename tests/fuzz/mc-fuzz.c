/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mc-core.h"
#include "mc-fuzz.h"

static GHashTable *seen;
static char *tmp_dir;

static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  const char *domain = NULL, *message = NULL;

  if (!(level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)))
    return G_LOG_WRITER_HANDLED;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].length < 0)
        domain = fields[i].value;
      else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
        message = fields[i].value;
    }

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    {
      fprintf (stderr, "%s-CRITICAL: %s\n", domain ? domain : "**", message ? message : "");
      abort ();
    }

  {
    char *key = g_strdup_printf ("WARNING %s: %s", domain ? domain : "**", message ? message : "");

    if (g_hash_table_add (seen, key))
      fprintf (stderr, "%s (printed once)\n", key);
  }
  return G_LOG_WRITER_HANDLED;
}

static void
remove_tmp_dir (void)
{
  if (tmp_dir != NULL)
    {
      mc_fuzz_empty_dir (tmp_dir);
      g_rmdir (tmp_dir);
    }
}

void
mc_fuzz_init (void)
{
  g_autoptr(GError) error = NULL;

  if (seen != NULL)
    return;
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
  /* In memory when there is a tmpfs: every file of a visit is synced,
   * which on a disk would make each input take milliseconds. */
  if (g_getenv ("TMPDIR") == NULL && g_access ("/dev/shm", W_OK) == 0)
    g_setenv ("TMPDIR", "/dev/shm", TRUE);
  tmp_dir = g_dir_make_tmp ("motcua-fuzz-XXXXXX", &error);
  if (tmp_dir == NULL)
    {
      fprintf (stderr, "no temporary folder: %s\n", error->message);
      abort ();
    }
  atexit (remove_tmp_dir);

  /* The program's settings and data never touch the user's. */
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("OMP_THREAD_LIMIT", "1", TRUE);
  for (guint i = 0; i < 3; i++)
    {
      static const char *const vars[] = { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME" };
      g_autofree char *home = g_build_filename (tmp_dir, vars[i], NULL);

      g_setenv (vars[i], home, TRUE);
    }
  mc_core_init ();
}

const char *
mc_fuzz_tmp_dir (void)
{
  return tmp_dir;
}

char *
mc_fuzz_write_file (const char    *dir,
                    const char    *name,
                    const uint8_t *data,
                    size_t         size)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir ? dir : tmp_dir, name, NULL);

  if (!g_file_set_contents (path, (const char *) data, (gssize) size, &error))
    {
      fprintf (stderr, "cannot write %s: %s\n", path, error->message);
      abort ();
    }
  return path;
}

void
mc_fuzz_empty_dir (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        {
          mc_fuzz_empty_dir (path);
          g_rmdir (path);
        }
      else
        g_unlink (path);
    }
}
