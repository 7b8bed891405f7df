/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes a package as docs/package-format.md describes it, in a new
 * folder under @parent: a birth registration (1.001193) with a one-page
 * PDF form and a PNG birth certificate, both synthetic (cairo: a title and
 * a noise image, which does not compress, so @noise_pixels sets the
 * size: about 3 bytes each, split over the two files). The manifest is
 * written last, through a temporary file, as packaging does. Returns the
 * folder; @visit_id (if not NULL) gets the visit id. */
char *mc_test_make_package      (const char  *parent,
                                 guint        noise_pixels,
                                 char       **visit_id);

/* The same package in @dir, for the visit @visit_id (a real visit's
 * folder, say). */
void  mc_test_make_visit_package (const char  *dir,
                                  const char  *visit_id,
                                  guint        noise_pixels);

/* Rewrites @name in @dir with the same size and other bytes, so only the
 * checksum can tell. */
void  mc_test_package_tamper    (const char  *dir,
                                 const char  *name);

G_END_DECLS
