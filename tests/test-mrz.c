/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mc-id-error.h"
#include "mc-mrz.h"
#include "mc-test-util.h"

/* The synthetic card in shared/reference/id-cards.md */
#define VN1 "IDVNM0900012345056090001234<<6"
#define VN2 "9001011M3001019VNM<<<<<<<<<<<8"
#define VN3 "NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<"

/* ICAO 9303 part 5, the TD1 specimen */
#define ICAO1 "I<UTOD231458907<<<<<<<<<<<<<<<"
#define ICAO2 "7408122F1204159UTO<<<<<<<<<<<6"
#define ICAO3 "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"

#define ALL_VN (MC_MRZ_CHECK_DOCUMENT_NUMBER | MC_MRZ_CHECK_ID_NUMBER | MC_MRZ_CHECK_BIRTH | \
                MC_MRZ_CHECK_EXPIRY | MC_MRZ_CHECK_COMPOSITE)

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
  /* ICAO 9303 part 4, the TD3 passport specimen: document number
   * L898902C3 → 6, optional data ZE184226B<<<<< → 1, and the composite
   * over number, birth, expiry and optional data → 0. */
  g_assert_cmpint (mc_mrz_check_digit ("L898902C3", -1), ==, 6);
  g_assert_cmpint (mc_mrz_check_digit ("ZE184226B<<<<<", -1), ==, 1);
  g_assert_cmpint (mc_mrz_check_digit ("L898902C3674081221204159ZE184226B<<<<<1", -1), ==, 0);
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

static void
parse_ok (const char *text,
          McMrz      *mrz)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (mc_mrz_parse (text, -1, mrz, &error));
  g_assert_no_error (error);
}

static void
test_parse_vietnam (void)
{
  McMrz mrz;

  parse_ok (VN1 "\n" VN2 "\n" VN3 "\n", &mrz);
  g_assert_true (mc_mrz_is_valid (&mrz));
  g_assert_cmpuint (mrz.checks_present, ==, ALL_VN);
  g_assert_cmpuint (mrz.checks_valid, ==, ALL_VN);
  g_assert_cmpuint (mrz.n_repairs, ==, 0);
  g_assert_cmpstr (mrz.document_code, ==, "ID");
  g_assert_cmpstr (mrz.issuing_state, ==, "VNM");
  g_assert_cmpstr (mrz.document_number, ==, "090001234");
  g_assert_cmpstr (mrz.id_number, ==, "056090001234");
  g_assert_cmpstr (mrz.birth, ==, "900101");
  g_assert_cmpint (mrz.sex, ==, 'M');
  g_assert_cmpstr (mrz.expiry, ==, "300101");
  g_assert_cmpstr (mrz.nationality, ==, "VNM");
  g_assert_cmpstr (mrz.surname, ==, "NGUYEN");
  g_assert_cmpstr (mrz.given_names, ==, "VAN A");
  g_assert_cmpstr (mrz.name, ==, "NGUYEN VAN A");
  g_assert_false (mrz.name_suspect);
  g_assert_cmpstr (mrz.lines[0], ==, VN1);
  g_assert_true (mc_mrz_name_matches (&mrz, "Nguyễn Văn A"));
  g_assert_false (mc_mrz_name_matches (&mrz, "Nguyễn Văn Bình"));
}

static void
test_parse_icao_specimen (void)
{
  McMrz mrz;

  parse_ok (ICAO1 "\n" ICAO2 "\n" ICAO3, &mrz);
  g_assert_true (mc_mrz_is_valid (&mrz));
  /* Not Vietnamese: no 12-digit number in the optional data. */
  g_assert_false (mrz.checks_present & MC_MRZ_CHECK_ID_NUMBER);
  g_assert_cmpstr (mrz.document_code, ==, "I");
  g_assert_cmpstr (mrz.issuing_state, ==, "UTO");
  g_assert_cmpstr (mrz.document_number, ==, "D23145890");
  g_assert_cmpstr (mrz.id_number, ==, "");
  g_assert_cmpint (mrz.sex, ==, 'F');
  g_assert_cmpstr (mrz.surname, ==, "ERIKSSON");
  g_assert_cmpstr (mrz.given_names, ==, "ANNA MARIA");
}

/* What OCR does to an MRZ: spaces, blank lines, text above it, lower
 * case, and the long filler runs one '<' too long or too short. */
static void
test_parse_noisy_layout (void)
{
  McMrz mrz;

  parse_ok ("Ngày, tháng, năm / Date, month, year: 01/08/2023\n\n"
            "IDVNM 090001234 5 056090001234 <<<6\n"
            "\n"
            "9001011M3001019vnm<<<<<<<<<<8\n"
            "NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<<<<\n", &mrz);
  g_assert_true (mc_mrz_is_valid (&mrz));
  g_assert_cmpstr (mrz.lines[0], ==, VN1);
  g_assert_cmpstr (mrz.lines[1], ==, VN2);
  g_assert_cmpstr (mrz.lines[2], ==, VN3);
  /* The lines as read are kept as read. */
  g_assert_cmpstr (mrz.read[1], ==, "9001011M3001019VNM<<<<<<<<<<8");
}

/* Look-alike letters in digit fields are repaired when the field's check
 * digit then holds; each repair is counted. */
static void
test_repair_confirmed (void)
{
  McMrz mrz;

  parse_ok ("IDVNM0900O12345O5609OOO1234<<6\n"
            "9OO1O11M3OO1O19VNM<<<<<<<<<<<B\n"
            VN3, &mrz);
  g_assert_true (mc_mrz_is_valid (&mrz));
  g_assert_cmpstr (mrz.lines[0], ==, VN1);
  g_assert_cmpstr (mrz.lines[1], ==, VN2);
  g_assert_cmpuint (mrz.n_repairs, ==, 12);
  g_assert_cmpstr (mrz.id_number, ==, "056090001234");

  /* I/1, S/5, Z/2 likewise. */
  parse_ok ("IDVNM09000I2345056090001234<<6\n"
            "9001011M3001019VNM<<<<<<<<<<<8\n"
            VN3, &mrz);
  g_assert_true (mc_mrz_is_valid (&mrz));
  g_assert_cmpuint (mrz.n_repairs, ==, 1);
  parse_ok ("IDVNM090001234SO56O9OOO1234<<6\n"
            "9OO1O11M3OO1O19VNM<<<<<<<<<<<8\n"
            VN3, &mrz);
  g_assert_true (mc_mrz_is_valid (&mrz));
}

/* A repair the check digit does not confirm is not made: the field stays
 * as read and its check fails. */
static void
test_repair_unconfirmed (void)
{
  McMrz mrz;

  /* The birth date's 0 smudged into a B: B → 8 does not make the check
   * hold, so nothing is changed. */
  parse_ok (VN1 "\n9B01011M3001019VNM<<<<<<<<<<<8\n" VN3, &mrz);
  g_assert_false (mc_mrz_is_valid (&mrz));
  g_assert_false (mrz.checks_valid & MC_MRZ_CHECK_BIRTH);
  g_assert_false (mrz.checks_valid & MC_MRZ_CHECK_COMPOSITE);
  g_assert_true (mrz.checks_valid & MC_MRZ_CHECK_EXPIRY);
  g_assert_true (mrz.checks_valid & MC_MRZ_CHECK_ID_NUMBER);
  g_assert_cmpstr (mrz.birth, ==, "9B0101");
  g_assert_cmpuint (mrz.n_repairs, ==, 0);

  /* A wrong digit (not a look-alike) is caught by its check, and by the
   * composite. */
  parse_ok ("IDVNM0900012345056090001284<<6\n" VN2 "\n" VN3, &mrz);
  g_assert_false (mrz.checks_valid & MC_MRZ_CHECK_ID_NUMBER);
  g_assert_true (mrz.checks_valid & MC_MRZ_CHECK_DOCUMENT_NUMBER);
  g_assert_false (mrz.checks_valid & MC_MRZ_CHECK_COMPOSITE);
  g_assert_cmpstr (mrz.id_number, ==, "056090001284");
}

/* Outside Vietnam a document number may hold letters: the smallest swap
 * of look-alikes that makes the check hold, and only if it is the only one. */
static void
test_repair_alphanumeric (void)
{
  McMrz mrz;

  parse_ok ("I<UTOD2314S8907<<<<<<<<<<<<<<<\n" ICAO2 "\n" ICAO3, &mrz);
  g_assert_true (mrz.checks_valid & MC_MRZ_CHECK_DOCUMENT_NUMBER);
  g_assert_cmpstr (mrz.document_number, ==, "D23145890");
  g_assert_cmpuint (mrz.n_repairs, ==, 1);
  g_assert_true (mc_mrz_is_valid (&mrz));

  /* Z → 2 and 8 → B both make this one hold: no telling, no repair. */
  parse_ok ("I<UTODZ31458907<<<<<<<<<<<<<<<\n" ICAO2 "\n" ICAO3, &mrz);
  g_assert_false (mrz.checks_valid & MC_MRZ_CHECK_DOCUMENT_NUMBER);
  g_assert_cmpstr (mrz.document_number, ==, "DZ3145890");
  g_assert_cmpuint (mrz.n_repairs, ==, 0);
}

/* Expiry 991231: the card never expires (a holder aged 58 or more). */
static void
test_no_expiry (void)
{
  McMrz mrz;

  parse_ok ("IDVNM1500012340056150001234<<1\n"
            "5001013F9912315VNM<<<<<<<<<<<6\n"
            "LE<<THI<HOA<<<<<<<<<<<<<<<<<<<\n", &mrz);
  g_assert_true (mc_mrz_is_valid (&mrz));
  g_assert_cmpstr (mrz.expiry, ==, "991231");
  g_assert_cmpstr (mrz.birth, ==, "500101");
  g_assert_cmpint (mrz.sex, ==, 'F');
}

/* OCR reads a '<' beside a letter as K. No Vietnamese syllable ends in K
 * or has K before a consonant other than H, so those K's go; the name
 * line has no check digit, so it is flagged as suspect. */
static void
test_name_k_misreads (void)
{
  McMrz mrz;

  parse_ok (VN1 "\n" VN2 "\nTO<<KIMKMY<YENK<<<<<<<<<<<<<<<\n", &mrz);
  g_assert_cmpstr (mrz.name, ==, "TO KIM MY YEN");
  g_assert_true (mrz.name_suspect);
  g_assert_true (mc_mrz_name_matches (&mrz, "Tô Kim Mỹ Yến"));
  g_assert_true (mc_mrz_is_valid (&mrz));

  parse_ok (VN1 "\n" VN2 "\nHUYNH<<XUAN<KTAI<<<<<<<<<<<<<<\n", &mrz);
  g_assert_cmpstr (mrz.name, ==, "HUYNH XUAN TAI");
  parse_ok (VN1 "\n" VN2 "\nCAO0<<KHANH<LINH<<<<<<<<<<<<<\n", &mrz);
  g_assert_cmpstr (mrz.name, ==, "CAO KHANH LINH");
  g_assert_true (mc_mrz_name_matches (&mrz, "Cao Khánh Linh"));
  /* One letter off still matches; two do not. */
  g_assert_true (mc_mrz_name_matches (&mrz, "Cao Khánh Linhh"));
  g_assert_false (mc_mrz_name_matches (&mrz, "Cao Thanh Lan"));
  g_assert_false (mc_mrz_name_matches (&mrz, NULL));
  g_assert_false (mc_mrz_name_matches (&mrz, "\xff\xfe"));
}

/* Once the checks hold, the lines come back as printed: fillers read as K
 * (which count as 0, like '<', so no check catches them) are '<' again,
 * and the name line is rebuilt from the words it holds. */
static void
test_normalised_lines (void)
{
  McMrz mrz;

  parse_ok ("IDVNM0900012345056090001234<K6\n"
            "9001011M3001019VNM<<<K<<<<<<<8\n"
            "PHAM<K<<BA<VU<<<<<<<<<<<<<<<<<\n", &mrz);
  g_assert_true (mc_mrz_is_valid (&mrz));
  g_assert_cmpstr (mrz.lines[0], ==, VN1);
  g_assert_cmpstr (mrz.lines[1], ==, VN2);
  g_assert_cmpstr (mrz.lines[2], ==, "PHAM<<BA<VU<<<<<<<<<<<<<<<<<<<");
  g_assert_cmpstr (mrz.name, ==, "PHAM BA VU");

  parse_ok (VN1 "\n" VN2 "\nTO<<KIMKMY<YENK<<<<<<<<<<<<<<<\n", &mrz);
  g_assert_cmpstr (mrz.lines[2], ==, "TO<<KIM<MY<YEN<<<<<<<<<<<<<<<<");

  /* No "<<" read: the family name is the first word. */
  parse_ok (VN1 "\n" VN2 "\nVU<KIM<NGOC<<<<<<<<<<<<<<<<<<<\n", &mrz);
  g_assert_cmpstr (mrz.lines[2], ==, "VU<<KIM<NGOC<<<<<<<<<<<<<<<<<<");

  /* From a name in any script. */
  {
    char line[MC_MRZ_LINE_LENGTH + 1];

    g_assert_true (mc_mrz_name_line ("Lê Xuân Huy", line));
    g_assert_cmpstr (line, ==, "LE<<XUAN<HUY<<<<<<<<<<<<<<<<<<");
    g_assert_true (mc_mrz_name_line ("ĐẶNG  THỊ ÁNH", line));
    g_assert_cmpstr (line, ==, "DANG<<THI<ANH<<<<<<<<<<<<<<<<<");
    g_assert_false (mc_mrz_name_line ("An", line));
    g_assert_false (mc_mrz_name_line ("Nguyễn Hoàng Phương Thảo Nguyên Khánh Linh", line));
    g_assert_false (mc_mrz_name_line (NULL, line));
  }

  /* Unconfirmed lines are left as read: a broken check digit. */
  parse_ok ("IDVNM0900012345056090001234<K7\n" VN2 "\n" VN3 "\n", &mrz);
  g_assert_false (mc_mrz_is_valid (&mrz));
  g_assert_cmpint (mrz.lines[0][28], ==, 'K');

  /* Small OCR-B misread on a photo: "1DVWH…VWH" and the sex as a 0. The
   * numbers' checks say it is a Vietnamese card; the lines come back as
   * the card prints them, the sex from the number's fourth digit. */
  parse_ok ("1DVWH0900012345056090001234<<6\n"
            "900101103001019VWH<<<<<<<<<<<8\n"
            "NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<\n", &mrz);
  g_assert_true (mc_mrz_is_valid (&mrz));
  g_assert_cmpstr (mrz.id_number, ==, "056090001234");
  g_assert_cmpstr (mrz.lines[0], ==, VN1);
  g_assert_cmpstr (mrz.lines[1], ==, VN2);
  g_assert_cmpint (mrz.sex, ==, 'M');

  /* A first line merely like VNM's, whose numbers do not agree: not
   * taken for a Vietnamese card. */
  parse_ok ("IDVWH0900012346056090001234<<6\n"
            "9001011M3001019VWH<<<<<<<<<<<8\n"
            "NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<\n", &mrz);
  g_assert_cmpstr (mrz.id_number, ==, "");
  g_assert_false (mrz.checks_valid & MC_MRZ_CHECK_ID_NUMBER);
}

static void
test_not_mrz (void)
{
  const char *texts[] = {
    "",
    "\n\n\n",
    "Họ và tên / Full name:\nNGUYỄN VĂN AN\n",
    "IDVNM0900012345056090001234<<6\n",              /* one line */
    "XBCDEFGHIJKLMNOPQRSTUVWXYZABCD\nXBCDEFGHIJKLMNOPQRSTUVWXYZABCD\nXBCDEFGHIJKLMNOPQRSTUVWXYZABCD",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      McMrz mrz;

      g_assert_false (mc_mrz_parse (texts[i], -1, &mrz, &error));
      g_assert_error (error, MC_ID_ERROR, MC_ID_ERROR_NOT_MRZ);
    }
}

/* Bytes that are not text, embedded NULs, very long lines: no crash, and
 * nothing read past the length given. */
static void
test_parse_garbage (void)
{
  static const char bytes[] = "IDVNM0900012345056090001234<<6\n\0\xff\xfe\n" VN2 "\n" VN3;
  g_autofree char *long_line = g_strnfill (10000, '<');
  McMrz mrz;

  mc_mrz_parse (bytes, sizeof bytes - 1, &mrz, NULL);
  mc_mrz_parse (long_line, -1, &mrz, NULL);
  g_assert_false (mc_mrz_parse (VN1 "\n" VN2 "\n" VN3, 40, &mrz, NULL));
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  g_test_add_func ("/ocr/mrz/check-digit", test_check_digit);
  g_test_add_func ("/ocr/mrz/check-digit-rejects", test_check_digit_rejects);
  g_test_add_func ("/ocr/mrz/parse-vietnam", test_parse_vietnam);
  g_test_add_func ("/ocr/mrz/parse-icao-specimen", test_parse_icao_specimen);
  g_test_add_func ("/ocr/mrz/parse-noisy-layout", test_parse_noisy_layout);
  g_test_add_func ("/ocr/mrz/repair-confirmed", test_repair_confirmed);
  g_test_add_func ("/ocr/mrz/repair-unconfirmed", test_repair_unconfirmed);
  g_test_add_func ("/ocr/mrz/repair-alphanumeric", test_repair_alphanumeric);
  g_test_add_func ("/ocr/mrz/no-expiry", test_no_expiry);
  g_test_add_func ("/ocr/mrz/name-k-misreads", test_name_k_misreads);
  g_test_add_func ("/ocr/mrz/normalised-lines", test_normalised_lines);
  g_test_add_func ("/ocr/mrz/not-mrz", test_not_mrz);
  g_test_add_func ("/ocr/mrz/garbage", test_parse_garbage);
  return g_test_run ();
}
