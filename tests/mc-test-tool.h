/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  int   status;
  char *out;
  char *err;
} McToolRun;

void mc_tool_run_clear (McToolRun *run);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (McToolRun, mc_tool_run_clear)

/* Runs the built motcua-tool with @args (NULL-terminated) and @env
 * additions ("NAME=value", NULL-terminated, may be NULL). */
void mc_tool_run (McToolRun *run, const char * const *env, const char * const *args);

#define MC_ARGS(...) ((const char * const[]) { __VA_ARGS__, NULL })

G_END_DECLS
