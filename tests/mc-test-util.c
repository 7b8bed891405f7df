/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "mc-test-util.h"

char *
mc_test_make_tmpdir (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("motcua-%s-XXXXXX", name);
  char *dir = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  return dir;
}

void
mc_test_write_file (const char *path,
                    const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

void
mc_test_rm_rf (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFileInfo *info;

      while ((info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
        {
          g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));
          g_autofree char *child_path = g_file_get_path (child);

          if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
            mc_test_rm_rf (child_path);
          else
            g_file_delete (child, NULL, NULL);
          g_object_unref (info);
        }
    }
  g_file_delete (file, NULL, NULL);
}

static gboolean
mc_test_vips_warnings_not_fatal (const char     *log_domain,
                                 GLogLevelFlags  log_level,
                                 const char     *message,
                                 gpointer        user_data)
{
  /* libvips reports bad input with g_warning() in its own domain. */
  return g_strcmp0 (log_domain, "VIPS") != 0;
}

static void
mc_test_vips_warning_to_message (const char     *log_domain,
                                 GLogLevelFlags  log_level,
                                 const char     *message,
                                 gpointer        user_data)
{
  g_test_message ("libvips: %s", message);
}

void
mc_test_allow_vips_warnings (void)
{
  g_test_log_set_fatal_handler (mc_test_vips_warnings_not_fatal, NULL);
  g_log_set_handler ("VIPS", G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL,
                     mc_test_vips_warning_to_message, NULL);
}

void
mc_test_init (int    *argc,
              char ***argv)
{
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
}

guint
mc_test_guard_seconds (guint seconds)
{
  return 4 * seconds;
}

gboolean
mc_test_wait_until (gboolean (*done) (gpointer),
                    gpointer   data,
                    guint      seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) mc_test_guard_seconds (seconds) * G_USEC_PER_SEC;

  /* @done is asked once per turn and its answer kept: a predicate that
   * takes what it finds (the next prompt, the next row) may say TRUE only
   * once. */
  for (;;)
    {
      gboolean expired = g_get_monotonic_time () >= deadline;

      if (done (data))
        return TRUE;
      if (expired)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5 * 1000);
    }
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

gboolean
mc_test_wait_for_flag (gboolean *flag,
                       guint     seconds)
{
  return mc_test_wait_until (flag_set, flag, seconds);
}
