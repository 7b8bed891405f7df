/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ICAO 9303 check digit over @len bytes of @text (-1: up to NUL):
 * weights 7, 3, 1; digits as themselves, A–Z as 10–35, '<' as 0.
 * Returns -1 when @text holds any other character. */
int mc_mrz_check_digit (const char *text,
                        gssize      len);

G_END_DECLS
