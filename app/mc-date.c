/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mc-date.h"

McDay
mc_day_from_ymd (int year,
                 int month,
                 int day)
{
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return MC_DAY_OPEN;

  {
    GDate date;

    g_date_clear (&date, 1);
    g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
    return g_date_get_julian (&date);
  }
}

/* Strict YYYY-MM-DD: g_date_set_parse() is locale-dependent and lenient. */
gboolean
mc_day_parse (const char *text,
              McDay      *out)
{
  int y, m, d;

  *out = MC_DAY_OPEN;
  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  y = (int) g_ascii_strtoll (text, NULL, 10);
  m = (int) g_ascii_strtoll (text + 5, NULL, 10);
  d = (int) g_ascii_strtoll (text + 8, NULL, 10);
  *out = mc_day_from_ymd (y, m, d);
  return *out != MC_DAY_OPEN;
}

char *
mc_day_format (McDay day)
{
  GDate date;

  if (day == MC_DAY_OPEN)
    return NULL;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, day);
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&date),
                          g_date_get_month (&date), g_date_get_day (&date));
}

McDay
mc_day_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return mc_day_from_ymd (g_date_time_get_year (now),
                          g_date_time_get_month (now),
                          g_date_time_get_day_of_month (now));
}
