/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mc-mrz.h"

static void
test_check_digit (void)
{
  /* The synthetic card in shared/reference/id-cards.md */
  g_assert_cmpint (mc_mrz_check_digit ("090001234", -1), ==, 5);
  g_assert_cmpint (mc_mrz_check_digit ("056090001234", -1), ==, 6);
  g_assert_cmpint (mc_mrz_check_digit ("900101", -1), ==, 1);
  g_assert_cmpint (mc_mrz_check_digit ("300101", -1), ==, 9);
  /* ICAO 9303 part 5 TD1 specimen: document number D23145890 → 7,
   * birth 740812 → 2, expiry 120415 → 9. */
  g_assert_cmpint (mc_mrz_check_digit ("D23145890", -1), ==, 7);
  g_assert_cmpint (mc_mrz_check_digit ("740812", -1), ==, 2);
  g_assert_cmpint (mc_mrz_check_digit ("120415", -1), ==, 9);
  /* Filler counts as zero. */
  g_assert_cmpint (mc_mrz_check_digit ("<<<<<<", -1), ==, 0);
  g_assert_cmpint (mc_mrz_check_digit ("AB<", 2), ==, mc_mrz_check_digit ("AB", -1));
}

static void
test_check_digit_rejects (void)
{
  g_assert_cmpint (mc_mrz_check_digit ("09000123a", -1), ==, -1);
  g_assert_cmpint (mc_mrz_check_digit ("0900 1234", -1), ==, -1);
  g_assert_cmpint (mc_mrz_check_digit ("Đ", -1), ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ocr/mrz/check-digit", test_check_digit);
  g_test_add_func ("/ocr/mrz/check-digit-rejects", test_check_digit_rejects);
  return g_test_run ();
}
