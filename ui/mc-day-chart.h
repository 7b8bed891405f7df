/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "mc-date.h"

G_BEGIN_DECLS

/* Filings per day as bars, drawn with cairo. It is a picture for the
 * eye: the same figures are in the table the supervisor view puts
 * beside it, which is what screen readers read. */

#define MC_TYPE_DAY_CHART (mc_day_chart_get_type ())
G_DECLARE_FINAL_TYPE (McDayChart, mc_day_chart, MC, DAY_CHART, GtkWidget)

GtkWidget *mc_day_chart_new      (void);
/* @counts: one per day from @first (copied); NULL clears the chart. */
void       mc_day_chart_set_days (McDayChart    *self,
                                  McDay          first,
                                  const guint64 *counts,
                                  guint          n_days);
guint      mc_day_chart_get_n_days (McDayChart  *self);

G_END_DECLS
