/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mc-mrz.h"

int
mc_mrz_check_digit (const char *text,
                    gssize      len)
{
  static const int weights[3] = { 7, 3, 1 };
  int sum = 0;

  g_return_val_if_fail (text != NULL, -1);

  if (len < 0)
    len = (gssize) strlen (text);

  for (gssize i = 0; i < len; i++)
    {
      char c = text[i];
      int v;

      if (c >= '0' && c <= '9')
        v = c - '0';
      else if (c >= 'A' && c <= 'Z')
        v = c - 'A' + 10;
      else if (c == '<')
        v = 0;
      else
        return -1;

      sum += v * weights[i % 3];
    }

  return sum % 10;
}
