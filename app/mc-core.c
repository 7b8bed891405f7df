/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <unistd.h>
#include <vips/vips.h>

#include "mc-core.h"
#include "resources/mc-data-resources.h"

/* Lets the program run from the build tree (build-aux/dev.sh, tests) with
 * the translations compiled there, before anything is installed. */
const char *
mc_core_get_localedir (void)
{
  const char *dir = g_getenv ("MOTCUA_LOCALEDIR");

  return (dir != NULL && *dir != '\0') ? dir : LOCALEDIR;
}

/* Tesseract runs OpenMP loops inside each engine; with one engine per core
 * that oversubscribes the CPU several times over (stack notes: 6x slower on
 * 2 cores). libgomp reads OMP_THREAD_LIMIT once, when it is loaded, so it
 * must be in the environment before the process starts: if it is not, set
 * it and exec the program again. Call first thing in main(). The desktop
 * file and `dev.sh run` set it, which saves loading every library twice
 * (about 60 ms of the first frame). */
void
mc_core_limit_omp_threads (char **argv)
{
  if (g_getenv ("OMP_THREAD_LIMIT") != NULL)
    return;

  g_setenv ("OMP_THREAD_LIMIT", "1", TRUE);
  execv ("/proc/self/exe", argv);
  /* Still here: exec failed (no /proc). Run on, slower but correct. */
}

/* Called by the program, the tool and every test before anything else:
 * registers the data resources and binds the translation domain. */
void
mc_core_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      mc_data_register_resource ();
      if (VIPS_INIT ("motcua") != 0)
        g_warning ("libvips failed to start: %s", vips_error_buffer ());
      /* Each page passes through once: libvips' operation cache would only
       * hold finished pages in memory (100 MB by default). */
      vips_cache_set_max (0);
      bindtextdomain (GETTEXT_PACKAGE, mc_core_get_localedir ());
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
      g_once_init_leave (&initialized, 1);
    }
}

/* $XDG_DATA_HOME/motcua: visits, page stores and the ledger live here. */
char *
mc_core_get_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "motcua", NULL);
}

static gboolean
remove_failed (const char  *path,
               int          saved,
               GError     **error)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               _("Could not delete %s: %s"), path, g_strerror (saved));
  return FALSE;
}

gboolean
mc_core_remove_tree (const char  *path,
                     GError     **error)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return errno == ENOENT || remove_failed (path, errno, error);

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = NULL;
      g_autoptr(GError) local_error = NULL;
      gboolean ok = TRUE;
      const char *name;

      if (!(dir = g_dir_open (path, 0, &local_error)))
        {
          if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return TRUE;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Everything it can, the first failure reported. */
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (!mc_core_remove_tree (child, ok ? error : NULL))
            ok = FALSE;
        }
      if (!ok)
        return FALSE;
      if (g_rmdir (path) != 0 && errno != ENOENT)
        return remove_failed (path, errno, error);
      return TRUE;
    }

  if (g_unlink (path) != 0 && errno != ENOENT)
    return remove_failed (path, errno, error);
  return TRUE;
}
