/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "mc-tool.h"

/* The options of one command: @parameter as GOption shows it after
 * [OPTION…], @summary (translated) above them. NULL when the entries have
 * a G_OPTION_REMAINING one: GOption shows its description there too. */
GOptionContext *
mc_tool_option_context_new (const char         *parameter,
                            const char         *summary,
                            const GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameter);

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  return context;
}

int
mc_tool_usage_error (GOptionContext *context,
                     const char     *message)
{
  fprintf (stderr, "motcua-tool: %s\n", message);
  if (context != NULL)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      fputs (help, stderr);
    }
  return MC_EXIT_USAGE;
}

/* Pads by characters, not bytes, so Vietnamese names line up. */
void
mc_tool_print_padded (const char *text,
                      guint       width)
{
  glong n = g_utf8_strlen (text ? text : "", -1);

  fputs (text ? text : "", stdout);
  for (glong i = n; i < (glong) width; i++)
    fputc (' ', stdout);
}

void
mc_tool_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  puts (text);
}
