/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "motcua-tool"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "mc-core.h"
#include "mc-tool.h"

static const struct {
  const char    *name;
  McToolCommand  run;
  const char    *synopsis;
  const char    *summary;
} commands[] = {
  { "wards", mc_tool_wards, "wards [--json] [--on DATE] [--catalog FILE]",
    N_("List the wards in effect on a day (today by default)") },
  { "read-id", mc_tool_read_id, "read-id IMAGE… [--json] [--on DATE] [--crops DIR]",
    N_("Read a citizen’s ID card from scans or photos of it (both sides)") },
};

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: motcua-tool COMMAND [OPTION…]"));
  fprintf (out, "%s\n\n", _("The headless side of Một Cửa: the same code as the program, without a display."));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %s\n      %s\n", commands[i].synopsis, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Options:"));
  fprintf (out, "  --help       %s\n", _("Show this help; COMMAND --help shows a command’s options"));
  fprintf (out, "  --version    %s\n", _("Show the program version"));
  fprintf (out, "\n%s\n", _("Exit codes:"));
  fprintf (out, "  0  %s\n", _("success"));
  fprintf (out, "  1  %s\n", _("unexpected failure (a message on standard error says what)"));
  fprintf (out, "  2  %s\n", _("wrong usage: unknown command or option, or a bad value"));
  fprintf (out, "  3  %s\n", _("a data file is missing or invalid (ward catalog, procedure catalog, image)"));
  fprintf (out, "  30 %s\n", _("read-id: no ID card was found in the images"));
  fprintf (out, "  31 %s\n", _("read-id: a card was found, but nothing on it could be read"));
  fprintf (out, "\n%s\n", _("Messages follow the language of the environment (LANGUAGE=vi for Vietnamese)."));
}

int
main (int   argc,
      char *argv[])
{
  const char *name;

  mc_core_limit_omp_threads (argv);
  setlocale (LC_ALL, "");
  mc_core_init ();
  g_set_prgname ("motcua-tool");

  if (argc < 2)
    {
      print_help (stderr);
      return MC_EXIT_USAGE;
    }

  name = argv[1];
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      print_help (stdout);
      return MC_EXIT_OK;
    }
  if (g_str_equal (name, "--version"))
    {
      printf ("motcua-tool %s\n", PACKAGE_VERSION);
      return MC_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (name, commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  /* Translators: %s is what the user typed as the command */
  fprintf (stderr, _("motcua-tool: unknown command “%s”. Run “motcua-tool --help” for the list."), name);
  fputc ('\n', stderr);
  return MC_EXIT_USAGE;
}
