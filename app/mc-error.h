/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Errors in data files: the ward catalog, the procedure catalog, guides. */
#define MC_DATA_ERROR (mc_data_error_quark ())

typedef enum {
  MC_DATA_ERROR_NOT_FOUND,
  MC_DATA_ERROR_SYNTAX,
  MC_DATA_ERROR_INVALID,
  MC_DATA_ERROR_UNSUPPORTED_FORMAT,
} McDataError;

GQuark mc_data_error_quark (void);

G_END_DECLS
