/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mc-scan-area.h"

static const struct {
  McScanAreaKind kind;
  const char    *name;
  double         width_mm;
  double         height_mm;
} presets[] = {
  { MC_SCAN_AREA_GLASS,   "glass",   0.0,    0.0 },
  { MC_SCAN_AREA_A4,      "a4",      210.0,  297.0 },
  { MC_SCAN_AREA_A3,      "a3",      297.0,  420.0 },
  { MC_SCAN_AREA_A5,      "a5",      148.0,  210.0 },
  { MC_SCAN_AREA_LETTER,  "letter",  215.9,  279.4 },
  { MC_SCAN_AREA_LEGAL,   "legal",   215.9,  355.6 },
  { MC_SCAN_AREA_ID_CARD, "id-card", 85.6,   53.98 },
};

const char *
mc_scan_area_kind_to_string (McScanAreaKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (presets[i].kind == kind)
      return presets[i].name;
  return "custom";
}

void
mc_scan_area_for_kind (McScanAreaKind  kind,
                       McScanArea     *out)
{
  out->kind = kind;
  out->width_mm = 0.0;
  out->height_mm = 0.0;
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (presets[i].kind == kind)
      {
        out->width_mm = presets[i].width_mm;
        out->height_mm = presets[i].height_mm;
      }
}

/* Accepts a preset name ("a4", "id-card", "glass", …) or "WxH-mm", such as
 * "100x150-mm" or "85.6x54mm". */
gboolean
mc_scan_area_parse (const char *text,
                    McScanArea *out)
{
  g_autofree char *lower = NULL;
  char *end = NULL;
  double w, h;

  if (text == NULL)
    return FALSE;

  lower = g_ascii_strdown (text, -1);
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_str_equal (lower, presets[i].name))
      {
        mc_scan_area_for_kind (presets[i].kind, out);
        return TRUE;
      }

  w = g_ascii_strtod (lower, &end);
  if (end == lower || *end != 'x')
    return FALSE;
  text = end + 1;
  h = g_ascii_strtod (text, &end);
  if (end == text)
    return FALSE;
  if (!g_str_equal (end, "-mm") && !g_str_equal (end, "mm"))
    return FALSE;
  if (!(w >= 10.0 && w <= 1000.0 && h >= 10.0 && h <= 1000.0))
    return FALSE;

  out->kind = MC_SCAN_AREA_CUSTOM;
  out->width_mm = w;
  out->height_mm = h;
  return TRUE;
}
