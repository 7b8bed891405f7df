/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a ledger bundle brought in on a USB stick, imported
 * into a supervisor's ledger; each line also read alone, written out and
 * read back. */
#include "config.h"

#include <string.h>

#include "mc-fuzz.h"
#include "mc-ledger-bundle.h"
#include "mc-sqlite-ledger.h"

static McSqliteLedger *store;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  McLedgerImportResult result = { 0, 0, 0 };
  gboolean ok;

  mc_fuzz_init ();
  if (store == NULL)
    {
      g_autofree char *ledger = g_build_filename (mc_fuzz_tmp_dir (), "ledger", "ledger.sqlite", NULL);

      store = mc_sqlite_ledger_open (ledger, MC_SQLITE_LEDGER_OPEN_CREATE, &error);
      if (store == NULL || !mc_sqlite_ledger_set_synchronous_full (store, FALSE, &error))
        g_error ("cannot open the ledger: %s", error->message);
    }

  path = mc_fuzz_write_file (NULL, "bundle.jsonl", data, size);
  file = g_file_new_for_path (path);
  ok = mc_ledger_bundle_import (MC_LEDGER_STORE (store), file, &result, NULL, &error);
  if (ok == (error != NULL) || (ok && result.n_added + result.n_present != result.n_events))
    __builtin_trap ();

  /* Each line alone: an event that was read writes out and reads back. */
  if (size < 64 * 1024)
    {
      g_autofree char *text = g_strndup ((const char *) data, size);
      g_auto(GStrv) lines = g_strsplit (text, "\n", 64);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_autoptr(GError) line_error = NULL;
          g_autoptr(McLedgerEvent) event = NULL;

          if (!g_utf8_validate (lines[i], -1, NULL))
            continue;
          event = mc_ledger_event_from_json (lines[i], &line_error);
          if ((event == NULL) == (line_error == NULL))
            __builtin_trap ();
          if (event != NULL)
            {
              g_autofree char *again = mc_ledger_event_to_json (event);
              g_autoptr(McLedgerEvent) back = mc_ledger_event_from_json (again, NULL);
              g_autofree char *twice = NULL;

              if (back == NULL)
                __builtin_trap ();
              twice = mc_ledger_event_to_json (back);
              if (strcmp (again, twice) != 0)
                __builtin_trap ();
            }
        }
    }
  return 0;
}
