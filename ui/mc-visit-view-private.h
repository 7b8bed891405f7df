/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-identity-form.h"
#include "mc-visit-view.h"

G_BEGIN_DECLS

/* What the files of the visit view share: mc-visit-view.c (the papers,
 * the steps, the object) and mc-visit-view-submit.c (review, package,
 * hand-off in the browser, upload). */

struct _McVisitView
{
  AdwBin           parent_instance;

  McVisitSession  *session;        /* the workflow: the view shows it and asks */
  McVisit         *visit;
  McScanner       *scanner;
  char            *component;      /* key shown in the papers step */
  GtkWidget       *scan_panel;
  char            *card_pending;   /* component whose read ended while the scanner was busy */

  /* Template widgets */
  GtkLabel        *title_label;
  GtkLabel        *subtitle_label;
  GtkLabel        *message_label;
  GtkStack        *steps;
  GtkListBox      *components_list;
  GtkBox          *component_box;
  GtkLabel        *component_label;
  GtkLabel        *hint_label;
  GtkLabel        *source_label;   /* the signature check of a brought PDF */
  GtkSpinner      *reading_spinner;
  GtkStackSwitcher *component_switcher;
  GtkStack        *component_stack;
  AdwBin          *scan_bin;
  McIdentityForm  *identity_form;
  AdwPreferencesGroup *review_group;
  AdwActionRow    *identity_row;
  GtkSwitch       *identity_switch;
  GtkSpinner      *package_spinner;
  AdwPreferencesGroup *files_group;
  AdwActionRow    *portal_row;
  GtkWidget       *open_portal_button;
  AdwPreferencesGroup *upload_group;
  AdwActionRow    *upload_row;
  GtkWidget       *upload_button;
  GtkWidget       *upload_cancel_button;
  GtkWidget       *upload_retry_button;
  GtkProgressBar  *upload_progress;
  AdwPreferencesGroup *handoff_group;
  AdwEntryRow     *receipt_row;
  AdwStatusPage   *done_page;

  GPtrArray       *review_rows;    /* rows we added, to remove */
  GPtrArray       *file_rows;
  GPtrArray       *handoff_rows;
};

/* mc-visit-view-submit.c */
void _mc_visit_view_class_init_submit (GtkWidgetClass *widget_class);
void _mc_visit_view_update_files      (McVisitView    *self);
void _mc_visit_view_update_upload     (McVisitView    *self);

G_END_DECLS
