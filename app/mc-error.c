/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mc-error.h"

G_DEFINE_QUARK (mc-data-error-quark, mc_data_error)
