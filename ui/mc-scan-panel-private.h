/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-scan-panel.h"

G_BEGIN_DECLS

/* What the files of the scan panel share: mc-scan-panel.c (the object,
 * devices, the scan job) and mc-scan-panel-pages.c (the page strip: the
 * cards, turning, reordering, deleting). */

struct _McScanPanel
{
  AdwBin          parent_instance;

  /* Owned */
  McScanner      *scanner;
  GSettings      *settings;
  McPageStore    *store;
  GPtrArray      *devices;        /* McScanDevice, parallel to device_dropdown */
  GPtrArray      *specimens;      /* paths, parallel to specimen_dropdown */
  McScanPreset    preset;
  guint           job;
  gboolean        was_busy;       /* as last notified */
  guint           job_pages;
  char           *status;
  char           *error;
  char           *wanted_device;  /* to select once detection finishes */
  gboolean        updating;
  McPageDecorator decorator;
  gpointer        decorator_data;

  /* Template widgets */
  GtkDropDown    *device_dropdown;
  GtkDropDown    *source_dropdown;
  gboolean        source_chosen;  /* by the clerk, not our guess */
  GtkBox         *specimen_box;
  GtkDropDown    *specimen_dropdown;
  GtkToggleButton *id_card_toggle;
  GtkToggleButton *document_toggle;
  GtkToggleButton *photo_toggle;
  GtkButton      *scan_button;
  GtkButton      *cancel_button;
  GtkLabel       *status_label;
  GtkProgressBar *progress_bar;
  GtkBox         *error_box;
  GtkLabel       *error_label;
  GtkStack       *pages_stack;
  GtkFlowBox     *pages_box;
};

/* mc-scan-panel.c */
void       _mc_scan_panel_set_error            (McScanPanel *self,
                                                const char  *message);
void       _mc_scan_panel_emit_toggle_original (McScanPanel *self,
                                                const char  *basename);
void       _mc_scan_panel_emit_pages_rotated   (McScanPanel *self,
                                                McPage      *page);

/* mc-scan-panel-pages.c */
void       _mc_scan_panel_page_action          (GtkWidget   *widget,
                                                const char  *action_name,
                                                GVariant    *param);
GtkWidget *_mc_scan_panel_create_page_widget   (gpointer     item,
                                                gpointer     user_data);

G_END_DECLS
