/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void     mc_ui_init                (void);
gboolean mc_widget_save_screenshot (GtkWidget   *widget,
                                    const char  *path,
                                    GError     **error);

G_END_DECLS
