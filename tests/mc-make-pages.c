/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "mc-core.h"
#include "mc-page-fixture.h"

/* Writes synthetic pages for the benchmark and for looking at by eye:
 *   mc-make-pages DIR N DPI [seal|grey|glass|blank|skew|rotate|mixed]…
 * Each page is DIR/page-NN.png with its text in DIR/page-NN.txt. "mixed"
 * gives every page a different skew (±3°), some rotated, grey or sealed. */
int
main (int   argc,
      char *argv[])
{
  const char *dir;
  int n, dpi;
  gboolean mixed = FALSE;
  McPageFixture base = { 0 };

  mc_core_init ();
  if (argc < 4)
    {
      fprintf (stderr, "usage: mc-make-pages DIR N DPI [seal|grey|glass|blank|photo|mixed|skew=DEG|rotate=DEG|paragraphs=N|first=N]…\n");
      return 2;
    }
  dir = argv[1];
  n = atoi (argv[2]);
  dpi = atoi (argv[3]);
  base.dpi = dpi;
  for (int i = 4; i < argc; i++)
    {
      if (g_str_equal (argv[i], "seal")) base.seal = TRUE;
      else if (g_str_equal (argv[i], "grey")) base.grey_paper = TRUE;
      else if (g_str_equal (argv[i], "glass")) base.glass = TRUE;
      else if (g_str_equal (argv[i], "blank")) base.blank = TRUE;
      else if (g_str_equal (argv[i], "photo")) base.photo = TRUE;
      else if (g_str_equal (argv[i], "mixed")) mixed = TRUE;
      else if (g_str_has_prefix (argv[i], "skew=")) base.skew = g_ascii_strtod (argv[i] + 5, NULL);
      else if (g_str_has_prefix (argv[i], "rotate=")) base.rotation = atoi (argv[i] + 7);
      else if (g_str_has_prefix (argv[i], "paragraphs=")) base.n_paragraphs = atoi (argv[i] + 11);
      else if (g_str_has_prefix (argv[i], "first=")) base.variant = atoi (argv[i] + 6);
      else { fprintf (stderr, "unknown: %s\n", argv[i]); return 2; }
    }
  g_mkdir_with_parents (dir, 0700);
  for (int i = 0; i < n; i++)
    {
      McPageFixture f = base;
      g_autofree char *png = g_strdup_printf ("%s/page-%02d.png", dir, i + 1);
      g_autofree char *txt = g_strdup_printf ("%s/page-%02d.txt", dir, i + 1);
      g_autofree char *truth = NULL;

      f.variant = base.variant + i;
      if (mixed)
        {
          /* Deterministic variety: skews from -3° to +3°, every fifth page
           * upside down, every seventh turned, a third on grey paper, every
           * fourth with a seal. */
          f.skew = ((i * 37) % 61 - 30) / 10.0;
          f.rotation = i % 5 == 4 ? 180 : i % 7 == 6 ? 90 : 0;
          f.grey_paper = i % 3 == 1;
          f.seal = i % 4 == 3;
        }
      mc_page_fixture_save (&f, png, &truth);
      if (truth != NULL)
        g_file_set_contents (txt, truth, -1, NULL);
    }
  return 0;
}
