/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-id-fields.h"

G_BEGIN_DECLS

/* What mc-id-fields.c shares with mc-id-reread.c. */

char     *mc_id_fields_parse_value (McIdField      field,
                                    const char    *text,
                                    McIdOcrFields *fields,
                                    double         confidence);
char     *mc_id_fields_parse_date  (const char    *text);
gboolean  mc_id_field_is_date      (McIdField      field);
gboolean  mc_id_field_keeps_place  (McIdField      field);

G_END_DECLS
