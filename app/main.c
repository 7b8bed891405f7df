/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "mc-application.h"
#include "mc-core.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(McApplication) app = NULL;

  mc_core_limit_omp_threads (argv);
  setlocale (LC_ALL, "");
  mc_core_init ();
  g_set_application_name ("Một Cửa");
  g_set_prgname ("motcua");

  app = mc_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
