/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void     mc_ui_init                (void);
gboolean mc_widget_save_screenshot (GtkWidget   *widget,
                                    const char  *path,
                                    GError     **error);

/* Text shown as it is, never read as markup (a name, a file name). */
AdwToast *mc_toast_new_literal                   (const char    *text);
void      mc_status_page_set_description_literal (AdwStatusPage *page,
                                                  const char    *text);

G_END_DECLS
