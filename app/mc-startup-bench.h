/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* MOTCUA_BENCH_STARTUP=1: @window, once shown, reports the time from
 * process start to its first frame and the peak memory once idle, then
 * @app quits (build-aux/bench-startup.sh). Otherwise nothing. */
void mc_startup_bench_watch (GtkWindow    *window,
                             GApplication *app);

G_END_DECLS
