/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mc-doc-header.h"
#include "mc-test-util.h"

/* The header of an administrative paper read from OCR text, for the
 * digitization record: number and symbol, date, issuing body, name. The
 * texts are synthetic, laid out as NĐ 30/2020 sets them and as Tesseract
 * gives a two-column header (body and motto on the same line). */

static void
check (const char *text,
       const char *issuer,
       const char *number,
       const char *date,
       const char *title)
{
  g_autoptr(McDocHeader) h = mc_doc_header_parse (text);

  g_assert_cmpstr (h->issuer, ==, issuer);
  g_assert_cmpstr (h->number_symbol, ==, number);
  g_assert_cmpstr (h->issue_date, ==, date);
  g_assert_cmpstr (h->title, ==, title);
}

static void
test_decision (void)
{
  /* Body and motto on shared lines, as OCR reads the two columns. */
  check ("UBND QUẬN TÂN BÌNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
         "ỦY BAN NHÂN DÂN PHƯỜNG 4 Độc lập - Tự do - Hạnh phúc\n"
         "\n"
         "Số: 123/QĐ-UBND Tân Bình, ngày 05 tháng 3 năm 2024\n"
         "\n"
         "QUYẾT ĐỊNH\n"
         "Về việc cấp giấy phép xây dựng\n",
         "UBND QUẬN TÂN BÌNH ỦY BAN NHÂN DÂN PHƯỜNG 4", "123/QĐ-UBND", "2024-03-05", "QUYẾT ĐỊNH");
}

static void
test_lines_apart (void)
{
  /* Each on its own line, the spelling "HOÀ", a year in the symbol, no
   * colon after "Số" (the symbol makes it a number), Ð for Đ. */
  check ("SỞ TƯ PHÁP\n"
         "TRUNG TÂM TRỢ GIÚP PHÁP LÝ\n"
         "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
         "Độc lập - Tự do - Hạnh phúc\n"
         "Số 45/2023/TB-TTTGPL\n"
         "Nha Trang, ngày 1 tháng 12 năm 2023\n"
         "THÔNG BÁO\n",
         "SỞ TƯ PHÁP TRUNG TÂM TRỢ GIÚP PHÁP LÝ", "45/2023/TB-TTTGPL", "2023-12-01", "THÔNG BÁO");
  check ("UBND XÃ PHƯỚC ÐỒNG\n"
         "Số:07/GXN-UBND\n",
         "UBND XÃ PHƯỚC ĐỒNG", "07/GXN-UBND", NULL, NULL);
}

static void
test_form (void)
{
  /* A form has no body block and no number: its title is not a body, and
   * "Số điện thoại" or a house number is not a number. */
  check ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
         "Độc lập - Tự do - Hạnh phúc\n"
         "TỜ KHAI ĐĂNG KÝ KHAI SINH\n"
         "Họ, chữ đệm, tên người yêu cầu: NGUYỄN VĂN MẪU\n"
         "Số điện thoại: 0900000000\n"
         "Nơi cư trú: Số 5 đường Lê Lợi\n"
         "Làm tại: Phường 4, ngày 31 tháng 2 năm 2024\n"
         "ngay 7 thang 8 nam 2024\n",
         NULL, NULL, "2024-08-07", "TỜ KHAI ĐĂNG KÝ KHAI SINH");
}

static void
test_nothing (void)
{
  check ("", NULL, NULL, NULL, NULL);
  check ("lorem ipsum\n12345\n-----\n", NULL, NULL, NULL, NULL);
  /* Not UTF-8: nothing, and no critical. */
  check ("S\xff\xfe: 1/QĐ\n", NULL, NULL, NULL, NULL);
}

int
main (int argc, char **argv)
{
  mc_test_init (&argc, &argv);
  g_test_add_func ("/doc-header/decision", test_decision);
  g_test_add_func ("/doc-header/lines-apart", test_lines_apart);
  g_test_add_func ("/doc-header/form", test_form);
  g_test_add_func ("/doc-header/nothing", test_nothing);
  return g_test_run ();
}
