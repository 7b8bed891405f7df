/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a self-service session.json, as the counter reads it
 * to take the citizen's papers over (and as the purge reads it). */
#include "config.h"

#include <string.h>

#include "mc-fuzz.h"
#include "mc-self-service-session.h"
#include "mc-visit-adopt.h"

#define SESSION_ID "00000000-0000-4000-8000-000000000001"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *base = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McSelfServiceHandOff) hand_off = NULL;

  /* A damaged session.json is an error with a message: a critical is a crash. */
  mc_fuzz_init ();

  base = g_build_filename (mc_fuzz_tmp_dir (), "self-service", NULL);
  dir = g_build_filename (base, SESSION_ID, NULL);
  g_mkdir_with_parents (dir, 0700);
  path = mc_fuzz_write_file (dir, "session.json", data, size);

  hand_off = mc_self_service_read_hand_off (dir, &error);
  if ((hand_off == NULL) == (error == NULL))
    __builtin_trap ();
  if (hand_off != NULL)
    {
      if (hand_off->procedure_code == NULL || hand_off->folders->len != hand_off->page_counts->len)
        __builtin_trap ();
      for (guint i = 0; i < hand_off->folders->len; i++)
        {
          const char *folder = g_ptr_array_index (hand_off->folders, i);

          /* Never a path out of the session's folder. */
          if (*folder == '\0' || *folder == '.' || strchr (folder, '/') != NULL)
            __builtin_trap ();
        }
    }

  /* The counter's list of papers waiting, then the purge; both read it. */
  g_ptr_array_unref (mc_visit_adopt_list_pending (base));
  mc_self_service_purge (base, 24, NULL);
  return 0;
}
