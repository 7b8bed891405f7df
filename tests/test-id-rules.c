/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mc-core.h"
#include "mc-id-rules.h"
#include "mc-test-util.h"

static GDate
ymd (int y,
     int m,
     int d)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  return date;
}

static void
assert_date (const GDate *date,
             const char  *iso)
{
  g_autofree char *text = mc_id_date_format_iso (date);

  g_assert_cmpstr (text, ==, iso);
}

static void
test_number_decode (void)
{
  int century, yic;
  McSex sex;

  /* Digit 4: century and sex of birth; digits 5–6: the year. */
  g_assert_true (mc_id_number_decode ("056090001234", &century, &sex, &yic));
  g_assert_cmpint (century, ==, 1900);
  g_assert_cmpint (sex, ==, MC_SEX_MALE);
  g_assert_cmpint (yic, ==, 90);
  g_assert_true (mc_id_number_decode ("001185000001", &century, &sex, &yic));
  g_assert_cmpint (century, ==, 1900);
  g_assert_cmpint (sex, ==, MC_SEX_FEMALE);
  g_assert_cmpint (yic, ==, 85);
  g_assert_true (mc_id_number_decode ("079205000001", &century, &sex, &yic));
  g_assert_cmpint (century, ==, 2000);
  g_assert_cmpint (sex, ==, MC_SEX_MALE);
  g_assert_true (mc_id_number_decode ("048310000001", &century, &sex, &yic));
  g_assert_cmpint (century, ==, 2000);
  g_assert_cmpint (sex, ==, MC_SEX_FEMALE);
  g_assert_cmpint (yic, ==, 10);
  g_assert_true (mc_id_number_decode ("056501000001", &century, &sex, &yic));
  g_assert_cmpint (century, ==, 2100);
  g_assert_cmpint (sex, ==, MC_SEX_FEMALE);

  g_assert_false (mc_id_number_decode ("05609000123", NULL, NULL, NULL));
  g_assert_false (mc_id_number_decode ("05609000123X", NULL, NULL, NULL));
  g_assert_false (mc_id_number_decode (NULL, NULL, NULL, NULL));
  g_assert_true (mc_id_number_is_old_number ("225123456"));
  g_assert_true (mc_id_number_is_old_number ("056090001234"));
  g_assert_false (mc_id_number_is_old_number ("2251234567"));
}

static void
test_number_check (void)
{
  GDate b1990 = ymd (1990, 1, 1), b2003 = ymd (2003, 5, 7), b1985 = ymd (1985, 2, 28);

  g_assert_cmpuint (mc_id_number_check ("056090001234", &b1990, MC_SEX_MALE), ==, 0);
  g_assert_cmpuint (mc_id_number_check ("056090001234", &b1990, MC_SEX_UNKNOWN), ==, 0);
  g_assert_cmpuint (mc_id_number_check ("056090001234", NULL, MC_SEX_MALE), ==, 0);
  g_assert_cmpuint (mc_id_number_check ("056090001234", &b1990, MC_SEX_FEMALE), ==,
                    MC_ID_NUMBER_SEX_MISMATCH);
  g_assert_cmpuint (mc_id_number_check ("056090001234", &b2003, MC_SEX_MALE), ==,
                    MC_ID_NUMBER_CENTURY_MISMATCH | MC_ID_NUMBER_YEAR_MISMATCH);
  g_assert_cmpuint (mc_id_number_check ("056290001234", &b1990, MC_SEX_MALE), ==,
                    MC_ID_NUMBER_CENTURY_MISMATCH);
  g_assert_cmpuint (mc_id_number_check ("056085001234", &b1985, MC_SEX_FEMALE), ==,
                    MC_ID_NUMBER_SEX_MISMATCH);
  g_assert_cmpuint (mc_id_number_check ("056186001234", &b1985, MC_SEX_FEMALE), ==,
                    MC_ID_NUMBER_YEAR_MISMATCH);
  g_assert_cmpuint (mc_id_number_check ("0561850012", &b1985, MC_SEX_FEMALE), ==,
                    MC_ID_NUMBER_MALFORMED);
}

static void
test_dates (void)
{
  GDate d;

  g_assert_true (mc_id_date_parse_dmy ("01011990", -1, &d));
  assert_date (&d, "1990-01-01");
  g_assert_true (mc_id_date_parse_dmy ("22/03/1980", -1, &d));
  assert_date (&d, "1980-03-22");
  g_assert_true (mc_id_date_parse_dmy (" 29/02/2000 ", -1, &d));
  assert_date (&d, "2000-02-29");
  g_assert_true (mc_id_date_parse_dmy ("22/03/ 1980", -1, &d));   /* OCR's stray space */
  g_assert_true (mc_id_date_parse_dmy ("1-3-1980", -1, &d));
  assert_date (&d, "1980-03-01");
  g_assert_true (mc_id_date_parse_dmy ("15.08.2021xyz", 10, &d));

  const char *bad[] = {
    "", "1990", "31/02/2000", "29/02/2001", "00/01/2000", "01/13/2000", "01/01/90",
    "01011899", "010119901", "01/01/1990/", "/01/1990", "ab/cd/efgh", "01/0l/1990",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (mc_id_date_parse_dmy (bad[i], -1, &d));
  g_assert_false (mc_id_date_parse_dmy (NULL, -1, &d));

  g_assert_true (mc_id_date_parse_iso ("2030-01-01", &d));
  assert_date (&d, "2030-01-01");
  g_assert_false (mc_id_date_parse_iso ("2030-1-01", &d));
  g_assert_false (mc_id_date_parse_iso ("2030-02-30", &d));
  g_assert_false (mc_id_date_parse_iso ("01/01/2030", &d));
  g_assert_false (mc_id_date_parse_iso (NULL, &d));
  g_assert_null (mc_id_date_format_iso (NULL));
}

static void
test_mrz_dates (void)
{
  GDate d, today = ymd (2025, 6, 1);
  gboolean none;

  /* The number's century digit decides. */
  g_assert_true (mc_id_date_from_mrz_birth ("900101", "056090001234", &today, &d));
  assert_date (&d, "1990-01-01");
  g_assert_true (mc_id_date_from_mrz_birth ("050301", "056205001234", &today, &d));
  assert_date (&d, "2005-03-01");
  g_assert_true (mc_id_date_from_mrz_birth ("200229", "056120001234", &today, &d));
  assert_date (&d, "1920-02-29");
  /* Without a number: the latest year not in the future. */
  g_assert_true (mc_id_date_from_mrz_birth ("200229", NULL, &today, &d));
  assert_date (&d, "2020-02-29");
  g_assert_true (mc_id_date_from_mrz_birth ("300101", NULL, &today, &d));
  assert_date (&d, "1930-01-01");
  g_assert_false (mc_id_date_from_mrz_birth ("9B0101", NULL, &today, &d));
  g_assert_false (mc_id_date_from_mrz_birth ("901301", NULL, &today, &d));

  g_assert_true (mc_id_date_from_mrz_expiry ("300101", &d, &none));
  g_assert_false (none);
  assert_date (&d, "2030-01-01");
  g_assert_true (mc_id_date_from_mrz_expiry ("991231", &d, &none));
  g_assert_true (none);
  g_assert_false (mc_id_date_from_mrz_expiry ("99123", &d, &none));
}

static void
assert_expiry (McCardType  type,
               GDate       birth,
               GDate       issue,
               const char *expected)
{
  GDate expiry;
  gboolean none;

  g_assert_true (mc_id_expected_expiry (type, &birth, &issue, &expiry, &none));
  if (expected == NULL)
    g_assert_true (none);
  else
    {
      g_assert_false (none);
      assert_date (&expiry, expected);
    }
}

/* Renewal at 25, 40 and 60 (căn cước also at 14); a card issued within two
 * years before one of those ages lasts to the next; issued at 58 or later,
 * never expires. */
static void
test_expected_expiry (void)
{
  GDate expiry;
  gboolean none;

  assert_expiry (MC_CARD_TYPE_CCCD_2021, ymd (1990, 1, 1), ymd (2021, 7, 10), "2030-01-01");
  assert_expiry (MC_CARD_TYPE_CCCD_2021, ymd (2000, 5, 3), ymd (2021, 7, 10), "2025-05-03");
  /* 23 years and 3 months old at issue: less than two years before 25. */
  assert_expiry (MC_CARD_TYPE_CCCD_2021, ymd (1998, 4, 1), ymd (2021, 7, 10), "2038-04-01");
  assert_expiry (MC_CARD_TYPE_CCCD_2021, ymd (1965, 9, 9), ymd (2022, 1, 1), "2025-09-09");
  assert_expiry (MC_CARD_TYPE_CCCD_2021, ymd (1963, 9, 9), ymd (2022, 1, 1), NULL);
  assert_expiry (MC_CARD_TYPE_CCCD_2021, ymd (1940, 1, 1), ymd (2022, 1, 1), NULL);
  /* Born on 29 February: the birthday is the 28th in common years. */
  assert_expiry (MC_CARD_TYPE_CCCD_2021, ymd (1996, 2, 29), ymd (2021, 3, 1), "2036-02-29");
  assert_expiry (MC_CARD_TYPE_CCCD_2021, ymd (1997, 2, 28), ymd (2021, 3, 1), "2037-02-28");
  assert_expiry (MC_CARD_TYPE_CANCUOC_2024, ymd (1984, 2, 29), ymd (2024, 8, 1), "2044-02-29");
  assert_expiry (MC_CARD_TYPE_CANCUOC_2024, ymd (2015, 2, 28), ymd (2024, 8, 1), "2029-02-28");
  assert_expiry (MC_CARD_TYPE_CANCUOC_2024, ymd (2012, 6, 1), ymd (2024, 8, 1), "2037-06-01");

  g_assert_false (mc_id_expected_expiry (MC_CARD_TYPE_CMND, &(GDate) { 0 }, &(GDate) { 0 }, &expiry, &none));
}

static void
test_sex (void)
{
  g_assert_cmpint (mc_sex_parse ("Nam"), ==, MC_SEX_MALE);
  g_assert_cmpint (mc_sex_parse ("Nữ"), ==, MC_SEX_FEMALE);
  g_assert_cmpint (mc_sex_parse ("NỮ"), ==, MC_SEX_FEMALE);
  g_assert_cmpint (mc_sex_parse (" nam "), ==, MC_SEX_MALE);
  g_assert_cmpint (mc_sex_parse ("F"), ==, MC_SEX_FEMALE);
  g_assert_cmpint (mc_sex_parse ("Nan"), ==, MC_SEX_UNKNOWN);
  g_assert_cmpint (mc_sex_parse (NULL), ==, MC_SEX_UNKNOWN);
  g_assert_cmpstr (mc_sex_to_string (MC_SEX_FEMALE), ==, "Nữ");
  g_assert_null (mc_sex_to_string (MC_SEX_UNKNOWN));
}

static void
test_fold_and_tidy (void)
{
  g_autofree char *a = mc_id_fold ("Nguyễn Văn Đức");
  g_autofree char *b = mc_id_fold ("  Thôn Phú Hội 2,  Ninh Hưng ");
  g_autofree char *c = mc_id_fold ("\xff");
  g_autofree char *d = mc_id_tidy_text (" : Tổ 17,  Vĩnh Hải ,");
  /* Decomposed input (NFD) comes out composed (NFC). */
  g_autofree char *e = mc_id_tidy_text ("Ho\xcc\x80" "a");

  g_assert_cmpstr (a, ==, "NGUYEN VAN DUC");
  g_assert_cmpstr (b, ==, "THON PHU HOI 2 NINH HUNG");
  g_assert_null (c);
  g_assert_cmpstr (d, ==, "Tổ 17, Vĩnh Hải");
  g_assert_cmpstr (e, ==, "Hòa");
}

/* A family name with the letters of a common one and other accents is a
 * likely misread; a rare name, or one not in the list, is not flagged. */
static void
test_family_name (void)
{
  g_assert_true (mc_id_family_name_unusual ("NGUYÊN HỒNG ÁNH"));
  g_assert_true (mc_id_family_name_unusual ("TRẤN VĂN AN"));
  g_assert_false (mc_id_family_name_unusual ("NGUYỄN HỒNG ÁNH"));
  g_assert_false (mc_id_family_name_unusual ("Nguyễn Hồng Ánh"));
  g_assert_false (mc_id_family_name_unusual ("HÀ THỊ MAI"));
  g_assert_false (mc_id_family_name_unusual ("HẠ THỊ MAI"));     /* Hà and Hạ both exist */
  g_assert_false (mc_id_family_name_unusual ("KPĂ H'LUN"));     /* not in the list: not judged */
  g_assert_false (mc_id_family_name_unusual (""));
  g_assert_false (mc_id_family_name_unusual (NULL));
  g_assert_false (mc_id_family_name_unusual ("\xff"));
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();
  g_test_add_func ("/ocr/id-rules/number-decode", test_number_decode);
  g_test_add_func ("/ocr/id-rules/number-check", test_number_check);
  g_test_add_func ("/ocr/id-rules/dates", test_dates);
  g_test_add_func ("/ocr/id-rules/mrz-dates", test_mrz_dates);
  g_test_add_func ("/ocr/id-rules/expected-expiry", test_expected_expiry);
  g_test_add_func ("/ocr/id-rules/sex", test_sex);
  g_test_add_func ("/ocr/id-rules/fold-and-tidy", test_fold_and_tidy);
  g_test_add_func ("/ocr/id-rules/family-name", test_family_name);
  return g_test_run ();
}
