/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "mc-core.h"
#include "mc-ledger.h"

/* A second program writing to the ledger, for the tests of concurrent
 * writers and of a writer killed mid-stream:
 *
 *   ledger-writer DB COUNT COUNTER
 *
 * records COUNT filings, one transaction each, and prints each filing's
 * UUID on its own line once mc_ledger_record_filing() has returned, that
 * is once it is acknowledged as durable. */
int
main (int   argc,
      char *argv[])
{
  g_autoptr(McLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;
  guint64 count;
  static const char * const procedures[] = { "1.001193", "1.004222", "2.000815", "1.004194" };

  mc_core_init ();
  if (argc != 4 || !g_ascii_string_to_unsigned (argv[2], 10, 1, G_MAXUINT32, &count, NULL))
    {
      fprintf (stderr, "usage: ledger-writer DB COUNT COUNTER\n");
      return 2;
    }
  if (!(ledger = mc_ledger_open (argv[1], TRUE, &error)))
    {
      fprintf (stderr, "ledger-writer: %s\n", error->message);
      return 1;
    }

  for (guint64 i = 0; i < count; i++)
    {
      McFilingRecord r = MC_FILING_RECORD_INIT;
      g_autofree char *uuid = NULL;

      r.ward_code = "22333";
      r.counter = argv[3];
      r.clerk = "writer";
      r.procedure = procedures[i % G_N_ELEMENTS (procedures)];
      r.channel = (McChannel) (i % MC_N_CHANNELS);
      r.pages = (int) (i % 7);
      r.source = MC_SOURCE_MANUAL;
      if (!(uuid = mc_ledger_record_filing (ledger, &r, &error)))
        {
          fprintf (stderr, "ledger-writer: filing %" G_GUINT64_FORMAT ": %s\n", i, error->message);
          return 1;
        }
      printf ("%s\n", uuid);
      fflush (stdout);
    }
  return 0;
}
