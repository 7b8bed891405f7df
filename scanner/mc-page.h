/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-scan-device.h"

G_BEGIN_DECLS

#define MC_TYPE_PAGE (mc_page_get_type ())
G_DECLARE_FINAL_TYPE (McPage, mc_page, MC, PAGE, GObject)

/* One scanned page, saved in a page store. The image lives on disk, never
 * in memory; a page object only describes it. */
McPage       *mc_page_new              (const char   *path,
                                        const char   *thumbnail_path,
                                        int           width,
                                        int           height,
                                        double        dpi,
                                        McScanMode    mode,
                                        McScanSource  source,
                                        McPageSide    side);
const char   *mc_page_get_path         (McPage       *self);
const char   *mc_page_get_basename     (McPage       *self);
const char   *mc_page_get_thumbnail_path (McPage     *self);
int           mc_page_get_width        (McPage       *self);
int           mc_page_get_height       (McPage       *self);
double        mc_page_get_dpi          (McPage       *self);
McScanMode    mc_page_get_mode         (McPage       *self);
McScanSource  mc_page_get_source       (McPage       *self);
McPageSide    mc_page_get_side         (McPage       *self);
guint         mc_page_get_revision     (McPage       *self);

void          mc_page_update_size      (McPage       *self,
                                        int           width,
                                        int           height);

G_END_DECLS
