/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Exit codes of motcua-tool; documented in `motcua-tool --help`. Scripts
 * depend on them: never renumber, only add. */
typedef enum {
  MC_EXIT_OK           = 0,
  MC_EXIT_FAILURE      = 1,
  MC_EXIT_USAGE        = 2,
  MC_EXIT_DATA         = 3,
  /* ID card reader (issue 5): 30–39 */
  MC_EXIT_NO_CARD      = 30,
  MC_EXIT_CARD_UNREADABLE = 31,
} McExit;

typedef int (*McToolCommand) (int argc, char **argv);

int   mc_tool_wards           (int          argc,
                               char       **argv);
int   mc_tool_read_id         (int          argc,
                               char       **argv);

/* Shared helpers */
int   mc_tool_usage_error     (GOptionContext *context,
                               const char     *message);
void  mc_tool_print_padded    (const char     *text,
                               guint           width);
void  mc_tool_print_json      (JsonNode       *node);

G_END_DECLS
