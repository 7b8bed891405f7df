/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The preferences of the ward's or the city's ledger server: its address
 * (checked before it is kept), the certificate authority file, the
 * password (into the desktop's password store, never the settings) and
 * “Test Connection”. */

#define MC_TYPE_LEDGER_SERVER_GROUP (mc_ledger_server_group_get_type ())
G_DECLARE_FINAL_TYPE (McLedgerServerGroup, mc_ledger_server_group, MC, LEDGER_SERVER_GROUP, AdwPreferencesGroup)

GtkWidget  *mc_ledger_server_group_new        (GSettings           *settings);
/* What the group last said (a test waits on it). */
const char *mc_ledger_server_group_get_status (McLedgerServerGroup *self);

G_END_DECLS
