/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <qrencode.h>

#include "mc-core.h"
#include "mc-id-error.h"
#include "mc-qr-payload.h"
#include "mc-qr-reader.h"
#include "mc-test-text.h"
#include "mc-vips.h"
#include "mc-test-util.h"

/* The example in shared/reference/id-cards.md: no old number. */
#define P2021 "056090001234||Nguyễn Văn An|01011990|Nam|Thôn Phú Hội 2, Ninh Hưng, Ninh Hòa, Khánh Hòa|10072021"

static McQrPayload *
parse (const char *text,
       GError    **error)
{
  return mc_qr_payload_parse ((const guint8 *) text, strlen (text), error);
}

static void
test_empty_old_number (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(McQrPayload) p = parse (P2021, &error);

  g_assert_no_error (error);
  g_assert_nonnull (p);
  g_assert_cmpuint (p->n_fields, ==, 7);
  g_assert_cmpstr (p->id_number, ==, "056090001234");
  g_assert_null (p->old_id_number);
  g_assert_cmpstr (p->full_name, ==, "Nguyễn Văn An");
  g_assert_cmpstr (p->date_of_birth, ==, "1990-01-01");
  g_assert_cmpstr (p->sex, ==, "Nam");
  g_assert_cmpstr (p->place_of_residence, ==, "Thôn Phú Hội 2, Ninh Hưng, Ninh Hòa, Khánh Hòa");
  g_assert_cmpstr (p->date_of_issue, ==, "2021-07-10");
  g_assert_nonnull (p->extra);
  g_assert_cmpuint (g_strv_length (p->extra), ==, 0);
}

static void
test_old_number (void)
{
  g_autoptr(McQrPayload) p =
    parse ("058185000321|225123456|Trần Thị Bích Ngọc|28021985|Nữ|Tổ 3, Phước Hải, Nha Trang, Khánh Hòa|03032022\n",
           NULL);

  g_assert_nonnull (p);
  g_assert_cmpstr (p->old_id_number, ==, "225123456");
  g_assert_cmpstr (p->sex, ==, "Nữ");
  g_assert_cmpstr (p->date_of_birth, ==, "1985-02-28");
}

/* A 2024 card may carry more fields after the seventh: kept, in order, and
 * nothing read past the end. */
static void
test_extra_fields (void)
{
  g_autoptr(McQrPayload) p =
    parse (P2021 "|Nguyễn Văn Bình|Lê Thị Hoa|", NULL);

  g_assert_nonnull (p);
  g_assert_cmpuint (p->n_fields, ==, 10);
  g_assert_cmpuint (g_strv_length (p->extra), ==, 3);
  g_assert_cmpstr (p->extra[0], ==, "Nguyễn Văn Bình");
  g_assert_cmpstr (p->extra[1], ==, "Lê Thị Hoa");
  g_assert_cmpstr (p->extra[2], ==, "");
  g_assert_cmpstr (p->date_of_issue, ==, "2021-07-10");
}

static void
test_not_utf8 (void)
{
  /* "Hòa" in Latin-1, and a NUL inside otherwise good text. */
  static const guint8 latin1[] = "056090001234||Nguy\xe9n V\xe3n An|01011990|Nam|H\xf2" "a|10072021";
  static const guint8 with_nul[] = "056090001234||Nguy\0n|01011990|Nam|Hoa|10072021";
  g_autoptr(GError) error = NULL;

  g_assert_null (mc_qr_payload_parse (latin1, sizeof latin1 - 1, &error));
  g_assert_error (error, MC_ID_ERROR, MC_ID_ERROR_QR_NOT_UTF8);
  g_clear_error (&error);
  g_assert_null (mc_qr_payload_parse (with_nul, sizeof with_nul - 1, &error));
  g_assert_error (error, MC_ID_ERROR, MC_ID_ERROR_QR_NOT_UTF8);
}

/* Characters that reorder or hide text (a right-to-left override in the
 * name, say) are dropped where the QR code's text enters the program, and
 * line breaks in an address become spaces. */
static void
test_hidden_characters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(McQrPayload) p =
    parse ("056090001234||" MC_TEST_HIDDEN_NAME "|01011990|Nam|" MC_TEST_HIDDEN_ADDRESS "|10072021|\u202EAB\u202C", &error);

  g_assert_no_error (error);
  g_assert_nonnull (p);
  g_assert_cmpstr (p->full_name, ==, MC_TEST_HIDDEN_NAME_CLEAN);
  g_assert_cmpstr (p->place_of_residence, ==, MC_TEST_HIDDEN_ADDRESS_CLEAN);
  g_assert_cmpstr (p->extra[0], ==, "AB");
  g_clear_pointer (&p, mc_qr_payload_free);

  /* A name of nothing but such characters is no name. */
  p = parse ("056090001234||\u202E\u200F\x07|01011990|Nam|Hòa|10072021", &error);
  g_assert_null (p);
  g_assert_error (error, MC_ID_ERROR, MC_ID_ERROR_QR_BAD_FIELD);
}

static void
test_truncated (void)
{
  const char *texts[] = {
    "",
    "056090001234",
    "056090001234||Nguyễn Văn An|01011990|Nam|Thôn Phú Hội 2",   /* six fields */
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (parse (texts[i], &error));
      g_assert_error (error, MC_ID_ERROR, MC_ID_ERROR_QR_TRUNCATED);
      g_assert_nonnull (strstr (error->message, "7"));
    }
  /* A payload cut in the middle of a UTF-8 sequence. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (mc_qr_payload_parse ((const guint8 *) P2021, 20, &error));
    g_assert_error (error, MC_ID_ERROR, MC_ID_ERROR_QR_NOT_UTF8);
  }
}

static void
test_bad_fields (void)
{
  const char *texts[] = {
    "05609000123||Nguyễn Văn An|01011990|Nam|X|10072021",        /* 11 digits */
    "05609000123A||Nguyễn Văn An|01011990|Nam|X|10072021",
    "056090001234|1234|Nguyễn Văn An|01011990|Nam|X|10072021",  /* old number */
    "056090001234|| |01011990|Nam|X|10072021",                  /* no name */
    "056090001234||Nguyễn Văn An|31021990|Nam|X|10072021",      /* 31 February */
    "056090001234||Nguyễn Văn An|01/01/1990|Nam|X|10072021",    /* separators */
    "056090001234||Nguyễn Văn An|01011990|M|X|10072021",        /* not Nam/Nữ */
    "056090001234||Nguyễn Văn An|01011990|Nam|X|2021",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (parse (texts[i], &error));
      g_assert_error (error, MC_ID_ERROR, MC_ID_ERROR_QR_BAD_FIELD);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *huge = g_strnfill (5000, 'A');

    g_assert_null (parse (huge, &error));
    g_assert_error (error, MC_ID_ERROR, MC_ID_ERROR_QR_BAD_FIELD);
  }
}

/* Renders @text as a QR code (8-bit mode, UTF-8 bytes) into an image. */
static VipsImage *
render_qr (const char *text)
{
  QRcode *code = QRcode_encodeData (strlen (text), (const unsigned char *) text, 0, QR_ECLEVEL_M);
  int scale = 4, quiet = 4;
  int size = (code->width + 2 * quiet) * scale;
  guchar *pixels = g_malloc (size * size);
  VipsImage *image;

  memset (pixels, 255, size * size);
  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      if (code->data[y * code->width + x] & 1)
        for (int dy = 0; dy < scale; dy++)
          memset (pixels + (gsize) ((quiet + y) * scale + dy) * size + (quiet + x) * scale, 0, scale);
  image = vips_image_new_from_memory_copy (pixels, size * size, size, size, 1, VIPS_FORMAT_UCHAR);
  g_free (pixels);
  QRcode_free (code);
  return image;
}

/* Through real zbar: the bytes come back exactly as encoded. In its default
 * text mode zbar would guess Shift-JIS for some of these and hand back
 * valid-looking garbage ("Hòa" as "H簷a"). */
static void
test_zbar_binary_mode (void)
{
  const char *texts[] = {
    P2021,
    "058185000321|225123456|Đặng Thị Thùy Dương|28021985|Nữ|Thôn Đồng Hòa, Diên Khánh, Khánh Hòa|03032022",
    "079203000111||Võ Hoàng Yến|15082003|Nữ|Số 12 Trần Phú, Lộc Thọ, Nha Trang, Khánh Hòa|01082024|Võ Văn Lực|Hà Thị Mỹ",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(VipsImage) image = render_qr (texts[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) symbols = mc_qr_reader_scan (image, &error);
      g_autoptr(McQrPayload) p = NULL;
      McQrSymbol *s;
      gsize len;
      const guint8 *data;

      g_assert_no_error (error);
      g_assert_cmpuint (symbols->len, ==, 1);
      s = g_ptr_array_index (symbols, 0);
      data = g_bytes_get_data (s->data, &len);
      g_assert_cmpmem (data, len, texts[i], strlen (texts[i]));
      g_assert_cmpint (s->orientation, ==, MC_QR_ORIENT_UP);
      p = mc_qr_payload_parse (data, len, &error);
      g_assert_no_error (error);
      g_assert_nonnull (p);
    }
}

/* zbar says which way the symbol stands: the reader turns the card by it. */
static void
test_zbar_orientation (void)
{
  g_autoptr(VipsImage) image = render_qr (P2021);
  g_autoptr(VipsImage) turned = NULL;
  g_autoptr(GPtrArray) symbols = NULL;

  g_assert_cmpint (vips_rot (image, &turned, VIPS_ANGLE_D180, NULL), ==, 0);
  symbols = mc_qr_reader_scan (turned, NULL);
  g_assert_cmpuint (symbols->len, ==, 1);
  g_assert_cmpint (((McQrSymbol *) g_ptr_array_index (symbols, 0))->orientation, ==, MC_QR_ORIENT_DOWN);
}

static void
test_zbar_nothing (void)
{
  g_autoptr(VipsImage) blank = NULL;
  g_autoptr(GPtrArray) symbols = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (vips_black (&blank, 300, 200, NULL), ==, 0);
  symbols = mc_qr_reader_scan (blank, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (symbols->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();
  g_test_add_func ("/ocr/qr-payload/empty-old-number", test_empty_old_number);
  g_test_add_func ("/ocr/qr-payload/old-number", test_old_number);
  g_test_add_func ("/ocr/qr-payload/extra-fields", test_extra_fields);
  g_test_add_func ("/ocr/qr-payload/not-utf8", test_not_utf8);
  g_test_add_func ("/ocr/qr-payload/hidden-characters", test_hidden_characters);
  g_test_add_func ("/ocr/qr-payload/truncated", test_truncated);
  g_test_add_func ("/ocr/qr-payload/bad-fields", test_bad_fields);
  g_test_add_func ("/ocr/qr-reader/binary-mode", test_zbar_binary_mode);
  g_test_add_func ("/ocr/qr-reader/orientation", test_zbar_orientation);
  g_test_add_func ("/ocr/qr-reader/nothing", test_zbar_nothing);
  return g_test_run ();
}
