/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Exit codes of motcua-tool; documented in `motcua-tool --help`. Scripts
 * depend on them: never renumber, only add. */
typedef enum {
  MC_EXIT_OK           = 0,
  MC_EXIT_FAILURE      = 1,
  MC_EXIT_USAGE        = 2,
  MC_EXIT_DATA         = 3,
  /* Page cleanup and PDF (issue 4): 20–29 */
  MC_EXIT_IMAGE        = 20,  /* an image is missing, empty, damaged, unsupported or too large */
  MC_EXIT_OCR          = 21,  /* text recognition failed or its language data is missing */
  MC_EXIT_TOO_LARGE    = 22,  /* the PDF cannot fit the size limit even at 150 dpi */
  MC_EXIT_WRITE        = 23,  /* the output file or folder could not be written */
} McExit;

typedef int (*McToolCommand) (int argc, char **argv);

int   mc_tool_wards           (int          argc,
                               char       **argv);
int   mc_tool_clean           (int          argc,
                               char       **argv);
int   mc_tool_pdf             (int          argc,
                               char       **argv);

/* Shared helpers */
int   mc_tool_usage_error     (GOptionContext *context,
                               const char     *message);
void  mc_tool_print_padded    (const char     *text,
                               guint           width);
void  mc_tool_print_json      (JsonNode       *node);

/* Page cleanup and PDF helpers (mc-tool-clean.c, mc-tool-pdf.c) */
GSettings *mc_tool_settings        (void);
void       mc_tool_setup_page_work (void);
int        mc_tool_exit_for_error  (const GError   *error);
gboolean   mc_tool_parse_size      (const char     *text,
                                    guint64        *bytes);

G_END_DECLS
