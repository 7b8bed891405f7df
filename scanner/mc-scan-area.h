/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where on the glass to scan. Sizes in millimetres, as SANE uses them. */
typedef enum {
  MC_SCAN_AREA_GLASS,     /* the whole scan area the device offers */
  MC_SCAN_AREA_A4,
  MC_SCAN_AREA_A3,     /* the counter's scanner takes papers beyond A4 */
  MC_SCAN_AREA_A5,
  MC_SCAN_AREA_LETTER,
  MC_SCAN_AREA_LEGAL,
  MC_SCAN_AREA_ID_CARD,   /* ID-1: 85.6 × 53.98 mm */
  MC_SCAN_AREA_CUSTOM,
} McScanAreaKind;

typedef struct {
  McScanAreaKind kind;
  double         width_mm;   /* 0 for GLASS */
  double         height_mm;
} McScanArea;

gboolean    mc_scan_area_parse        (const char  *text,
                                       McScanArea  *out);
const char *mc_scan_area_kind_to_string (McScanAreaKind kind);
void        mc_scan_area_for_kind     (McScanAreaKind kind,
                                       McScanArea  *out);

G_END_DECLS
