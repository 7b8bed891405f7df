/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* What the clerk's window shows while self-service mode is on, in place
 * of the visits, the ledger and the settings: who is asking for help,
 * what the citizen is doing, and the packages ready for the clerk.
 * Signals: acknowledge () “I am on my way”; leave-requested (). */

#define MC_TYPE_SELF_SERVICE_BOARD (mc_self_service_board_get_type ())
G_DECLARE_FINAL_TYPE (McSelfServiceBoard, mc_self_service_board, MC, SELF_SERVICE_BOARD, AdwBin)

GtkWidget *mc_self_service_board_new          (void);
void       mc_self_service_board_show_call    (McSelfServiceBoard *self);
void       mc_self_service_board_clear_call   (McSelfServiceBoard *self);
gboolean   mc_self_service_board_has_call     (McSelfServiceBoard *self);
void       mc_self_service_board_set_activity (McSelfServiceBoard *self,
                                               const char         *text);
void       mc_self_service_board_add_package  (McSelfServiceBoard *self,
                                               const char         *short_code,
                                               const char         *procedure_name,
                                               const char         *folder);
guint      mc_self_service_board_get_n_packages (McSelfServiceBoard *self);

G_END_DECLS
