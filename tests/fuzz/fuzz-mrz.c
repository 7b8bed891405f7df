/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: text as OCR could return it for an MRZ band. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "mc-mrz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GError *error = NULL;
  McMrz mrz;

  if (mc_mrz_parse ((const char *) data, size, &mrz, &error))
    {
      /* Normalised lines are 30 MRZ characters; repairs are counted;
       * only the checks the zone has can hold. */
      for (int i = 0; i < 3; i++)
        {
          if (strlen (mrz.lines[i]) != MC_MRZ_LINE_LENGTH)
            __builtin_trap ();
          for (int k = 0; k < MC_MRZ_LINE_LENGTH; k++)
            if (mc_mrz_check_digit (mrz.lines[i] + k, 1) < 0)
              __builtin_trap ();
        }
      if ((mrz.checks_valid & ~mrz.checks_present) != 0 || mrz.n_repairs > 3 * MC_MRZ_LINE_LENGTH)
        __builtin_trap ();
      mc_mrz_name_matches (&mrz, "Nguyễn Văn An");
      mc_mrz_is_valid (&mrz);
    }
  else if (error == NULL)
    __builtin_trap ();
  g_clear_error (&error);
  return 0;
}
