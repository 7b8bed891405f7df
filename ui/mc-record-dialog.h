/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mc-visit-session.h"

G_BEGIN_DECLS

/* The digitization record of one paper of the visit (Thông tư 01/2023):
 * the fields pre-filled from the catalog, the card and the top of the
 * paper's first page (read when the dialog opens), for the clerk to check,
 * correct and save; and what the check of a PDF the citizen brought found. */

#define MC_TYPE_RECORD_DIALOG (mc_record_dialog_get_type ())
G_DECLARE_FINAL_TYPE (McRecordDialog, mc_record_dialog, MC, RECORD_DIALOG, AdwWindow)

GtkWidget  *mc_record_dialog_new        (GtkWindow      *parent,
                                         McVisitSession *session,
                                         const char     *component);
const char *mc_record_dialog_get_field  (McRecordDialog *self,
                                         McRecordField   field);
/* As if the clerk typed @text in the field. */
void        mc_record_dialog_set_field  (McRecordDialog *self,
                                         McRecordField   field,
                                         const char     *text);
gboolean    mc_record_dialog_is_reading (McRecordDialog *self);

G_END_DECLS
