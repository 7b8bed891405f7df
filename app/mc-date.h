/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A calendar day as a GDate Julian day number; 0 means "open" (no bound). */
typedef guint32 McDay;

#define MC_DAY_OPEN ((McDay) 0)

gboolean  mc_day_parse      (const char *text,
                             McDay      *out);
char     *mc_day_format     (McDay       day);
McDay     mc_day_today      (void);
McDay     mc_day_from_ymd   (int         year,
                             int         month,
                             int         day);

G_END_DECLS
