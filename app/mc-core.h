/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void        mc_core_limit_omp_threads (char **argv);
void        mc_core_init          (void);
const char *mc_core_get_localedir (void);
char       *mc_core_get_data_dir  (void);

G_END_DECLS
