/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mc-startup-bench.h"

/* MOTCUA_BENCH_STARTUP=1: report the time from process start to the first
 * frame of the main window, and the peak memory once idle, then quit.
 * build-aux/bench-startup.sh runs it several times and takes the median. */
static gint64
process_age_us (void)
{
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_comm;
  struct timespec now;
  guint64 start_ticks;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) ||
      (after_comm = strrchr (stat, ')')) == NULL)
    return -1;
  fields = g_strsplit (after_comm + 2, " ", -1);
  if (g_strv_length (fields) < 20)
    return -1;
  /* Field 22 of stat, the 20th after the command name: start time in
   * clock ticks since boot. */
  start_ticks = g_ascii_strtoull (fields[19], NULL, 10);
  clock_gettime (CLOCK_BOOTTIME, &now);
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000 -
         (gint64) (start_ticks * G_USEC_PER_SEC / (guint64) sysconf (_SC_CLK_TCK));
}

static gboolean
bench_report_memory (gpointer user_data)
{
  GApplication *app = user_data;
  g_autofree char *status = NULL;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    {
      const char *hwm = strstr (status, "VmHWM:");
      const char *rss = strstr (status, "VmRSS:");

      if (hwm != NULL)
        g_print ("peak-rss-kb: %" G_GUINT64_FORMAT "\n", g_ascii_strtoull (hwm + 6, NULL, 10));
      if (rss != NULL)
        g_print ("idle-rss-kb: %" G_GUINT64_FORMAT "\n", g_ascii_strtoull (rss + 6, NULL, 10));
    }
  g_application_quit (app);
  return G_SOURCE_REMOVE;
}

static void
bench_after_paint (GdkFrameClock *clock,
                   gpointer       user_data)
{
  g_print ("first-frame-ms: %.1f\n", process_age_us () / 1000.0);
  g_signal_handlers_disconnect_by_func (clock, bench_after_paint, user_data);
  /* Let the idle window settle before reading its memory. */
  g_timeout_add_seconds (2, bench_report_memory, user_data);
}

static void
bench_on_map (GtkWidget *window,
              gpointer   user_data)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (bench_after_paint), user_data);
}

void
mc_startup_bench_watch (GtkWindow    *window,
                        GApplication *app)
{
  if (g_strcmp0 (g_getenv ("MOTCUA_BENCH_STARTUP"), "1") == 0)
    g_signal_connect (window, "map", G_CALLBACK (bench_on_map), app);
}
