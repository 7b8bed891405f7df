/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mc-scan-area.h"
#include "mc-test-util.h"

static void
test_presets (void)
{
  McScanArea area;

  g_assert_true (mc_scan_area_parse ("a4", &area));
  g_assert_cmpint (area.kind, ==, MC_SCAN_AREA_A4);
  g_assert_cmpfloat (area.width_mm, ==, 210.0);
  g_assert_cmpfloat (area.height_mm, ==, 297.0);

  g_assert_true (mc_scan_area_parse ("ID-CARD", &area));
  g_assert_cmpint (area.kind, ==, MC_SCAN_AREA_ID_CARD);
  g_assert_cmpfloat_with_epsilon (area.width_mm, 85.6, 1e-9);
  g_assert_cmpfloat_with_epsilon (area.height_mm, 53.98, 1e-9);

  g_assert_true (mc_scan_area_parse ("a3", &area));
  g_assert_cmpfloat (area.height_mm, ==, 420.0);

  g_assert_true (mc_scan_area_parse ("glass", &area));
  g_assert_cmpint (area.kind, ==, MC_SCAN_AREA_GLASS);
  g_assert_cmpstr (mc_scan_area_kind_to_string (MC_SCAN_AREA_LEGAL), ==, "legal");
}

static void
test_custom (void)
{
  McScanArea area;

  g_assert_true (mc_scan_area_parse ("100x150-mm", &area));
  g_assert_cmpint (area.kind, ==, MC_SCAN_AREA_CUSTOM);
  g_assert_cmpfloat (area.width_mm, ==, 100.0);
  g_assert_cmpfloat (area.height_mm, ==, 150.0);
  g_assert_true (mc_scan_area_parse ("85.6x54mm", &area));
  g_assert_cmpfloat_with_epsilon (area.width_mm, 85.6, 1e-9);

  g_assert_false (mc_scan_area_parse ("100x150", &area));
  g_assert_false (mc_scan_area_parse ("x150-mm", &area));
  g_assert_false (mc_scan_area_parse ("0x0-mm", &area));
  g_assert_false (mc_scan_area_parse ("5000x150-mm", &area));
  g_assert_false (mc_scan_area_parse ("b4", &area));
  g_assert_false (mc_scan_area_parse ("", &area));
  g_assert_false (mc_scan_area_parse (NULL, &area));
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  g_test_add_func ("/scanner/area/presets", test_presets);
  g_test_add_func ("/scanner/area/custom", test_custom);
  return g_test_run ();
}
