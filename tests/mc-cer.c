/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "mc-page-fixture.h"

/* mc-cer TRUTH.txt TEXT.txt: prints the character error rate, for the
 * benchmark. */
int
main (int   argc,
      char *argv[])
{
  g_autofree char *truth = NULL;
  g_autofree char *text = NULL;

  if (argc != 3 || !g_file_get_contents (argv[1], &truth, NULL, NULL) ||
      !g_file_get_contents (argv[2], &text, NULL, NULL))
    {
      fprintf (stderr, "usage: mc-cer TRUTH.txt TEXT.txt\n");
      return 2;
    }
  printf ("%.4f\n", mc_text_cer (truth, text));
  return 0;
}
