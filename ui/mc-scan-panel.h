/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-scanner.h"

G_BEGIN_DECLS

typedef enum {
  MC_SCAN_PRESET_ID_CARD,    /* "Căn cước": 300 dpi colour, the whole glass */
  MC_SCAN_PRESET_DOCUMENT,   /* "Giấy tờ": the paperwork settings, A4 */
  MC_SCAN_PRESET_PHOTO,      /* "Ảnh": 300 dpi colour, the whole glass */
} McScanPreset;

/* What a view wants shown for a page beyond the scan itself: the cleaned
 * version's thumbnail, a note, and a switch between it and the original. */
typedef struct {
  char     *thumbnail;       /* NULL: the scan's own; the panel frees it */
  char     *note;            /* NULL: none; the panel frees it */
  gboolean  can_toggle;
  gboolean  using_original;
} McPageDecoration;

typedef void (*McPageDecorator) (McPage           *page,
                                 McPageDecoration *decoration,
                                 gpointer          user_data);

#define MC_TYPE_SCAN_PANEL (mc_scan_panel_get_type ())
G_DECLARE_FINAL_TYPE (McScanPanel, mc_scan_panel, MC, SCAN_PANEL, AdwBin)

GtkWidget    *mc_scan_panel_new          (McScanner    *scanner,
                                          GSettings    *settings);
McPageStore  *mc_scan_panel_get_store    (McScanPanel  *self);
void          mc_scan_panel_set_store    (McScanPanel  *self,
                                          McPageStore  *store);
McScanPreset  mc_scan_panel_get_preset   (McScanPanel  *self);
void          mc_scan_panel_set_preset   (McScanPanel  *self,
                                          McScanPreset  preset);
gboolean      mc_scan_panel_select_device (McScanPanel *self,
                                           const char  *name);
gboolean      mc_scan_panel_select_specimen (McScanPanel *self,
                                             const char  *basename);
const char   *mc_scan_panel_get_status   (McScanPanel  *self);
gboolean      mc_scan_panel_is_busy      (McScanPanel  *self);
const char   *mc_scan_panel_get_error    (McScanPanel  *self);
McScanJobOptions *mc_scan_panel_build_options (McScanPanel *self);

void          mc_scan_panel_set_decorator (McScanPanel    *self,
                                           McPageDecorator decorator,
                                           gpointer        user_data);
void          mc_scan_panel_refresh_pages (McScanPanel   *self);

char         *mc_specimen_dir            (void);

G_END_DECLS
