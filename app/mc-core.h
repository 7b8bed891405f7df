/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void        mc_core_limit_omp_threads (char **argv);
void        mc_core_init          (void);
const char *mc_core_get_localedir (void);
char       *mc_core_get_data_dir  (void);

/* Deletes @path and, when it is a folder, everything in it, never
 * following a link: a link is deleted, not what it points to, so deleting
 * a visit never takes anything outside it along. What is already gone
 * counts as deleted. Deletes all it can and reports the first failure. */
gboolean    mc_core_remove_tree   (const char  *path,
                                   GError     **error);

G_END_DECLS
