/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mc-id-fields.h"
#include "mc-id-shapes.h"
#include "mc-test-util.h"

/* The fields of a front by their shape, on words as Tesseract gives them
 * for a photographed card whose small labels came out garbled (the words
 * and their places are those of a real reading of a synthetic card). */

typedef struct {
  const char *text;
  int left, top, width, height;
} W;

static GArray *
words_of (const W *in,
          guint    n)
{
  GArray *words = g_array_new (FALSE, TRUE, sizeof (McOcrWord));

  for (guint i = 0; i < n; i++)
    {
      McOcrWord w = { 0 };

      w.text = (char *) in[i].text;
      w.left = in[i].left;
      w.top = in[i].top;
      w.width = in[i].width;
      w.height = in[i].height;
      w.confidence = 0.9f;
      w.line = i;            /* one word, one line: enough here */
      g_array_append_val (words, w);
    }
  return words;
}

static const W front_2021[] = {
  { "CỘNG HÒA XÃ HỘI CHỦ NGIĨA VIỆT NAM", 246, 40, 470, 26 },
  { "CĂN CƯỚC CÔNG DÂN", 326, 185, 434, 40 },
  { "Cihzen kdent ty Card.", 439, 228, 215, 22 },
  { "ss: 064169599004", 314, 265, 359, 36 },
  { "l4o và lên / v4 samse", 312, 318, 196, 20 },
  { "LÊ BÍCH HÀ", 327, 352, 192, 30 },
  { "Ngày se: ( Ouác ý m 07/07/1969", 310, 400, 364, 26 },
  { "Guới th /Ssex NỮ", 316, 440, 182, 24 },
  { "Quốc $ch ( wassssey„ Việt Nam", 625, 440, 321, 26 },
  { "An Khê, Gia Lai", 315, 510, 200, 26 },
  { "Có giá wị đền:", 57, 548, 118, 18 },
  { "07/0712029", 60, 598, 128, 24 },
  { "Nha Trang, Khánh Hòa", 316, 585, 289, 26 },
};

static void
test_front (void)
{
  g_autoptr(GArray) words = words_of (front_2021, G_N_ELEMENTS (front_2021));
  g_autoptr(McIdOcrFields) fields = mc_id_ocr_fields_new ();

  mc_id_fields_by_shape ((const McOcrWord *) words->data, words->len, 1012, fields);
  g_assert_cmpstr (fields->fields[MC_ID_FIELD_ID_NUMBER].value, ==, "064169599004");
  g_assert_cmpstr (fields->fields[MC_ID_FIELD_FULL_NAME].value, ==, "LÊ BÍCH HÀ");
  g_assert_cmpstr (fields->fields[MC_ID_FIELD_DATE_OF_BIRTH].value, ==, "1969-07-07");
  /* One slash read as a 1, mended by where the other stands. */
  g_assert_cmpstr (fields->fields[MC_ID_FIELD_DATE_OF_EXPIRY].value, ==, "2029-07-07");
  /* The number's fourth digit: 1, a woman born in the 1900s. */
  g_assert_cmpstr (fields->fields[MC_ID_FIELD_SEX].value, ==, "Nữ");
  g_assert_cmpuint (fields->n_shaped, ==, 5);
  g_assert_cmpuint (fields->n_labels, ==, 0);
  for (guint f = 0; f < MC_ID_N_FIELDS; f++)
    if (fields->fields[f].value != NULL)
      g_assert_cmpfloat (fields->fields[f].confidence, <, MC_ID_CONFIDENCE_SURE);
  /* The headings above the number are no name. */
  g_assert_cmpstr (fields->fields[MC_ID_FIELD_FULL_NAME].value, !=, "CĂN CƯỚC CÔNG DÂN");
}

/* What the labels read is kept; shape fills only what they left empty. */
static void
test_labels_first (void)
{
  g_autoptr(GArray) words = words_of (front_2021, G_N_ELEMENTS (front_2021));
  g_autoptr(McIdOcrFields) fields = mc_id_ocr_fields_new ();

  fields->fields[MC_ID_FIELD_FULL_NAME].value = g_strdup ("LÊ BÍCH HẢ");
  fields->fields[MC_ID_FIELD_FULL_NAME].confidence = 0.95;
  mc_id_fields_by_shape ((const McOcrWord *) words->data, words->len, 1012, fields);
  g_assert_cmpstr (fields->fields[MC_ID_FIELD_FULL_NAME].value, ==, "LÊ BÍCH HẢ");
  g_assert_cmpfloat (fields->fields[MC_ID_FIELD_FULL_NAME].confidence, ==, 0.95);
  g_assert_cmpuint (fields->n_shaped, ==, 4);
}

/* No number, or two: nothing says this is one card's front. */
static void
test_not_a_front (void)
{
  static const W back[] = {
    { "Ngày, tháng, năm / Date, month, year: 25/08/2022", 20, 100, 600, 24 },
    { "CỤC TRƯỞNG CỤC CẢNH SÁT", 100, 150, 300, 24 },
    { "IDVNM0734265261052073426526<<8", 40, 450, 900, 40 },
  };
  static const W two[] = {
    { "Số: 064169599004", 314, 265, 359, 36 },
    { "NGUYỄN VĂN AN", 327, 310, 192, 30 },
    { "Số: 056090001234", 314, 400, 359, 36 },
    { "01/01/1990", 320, 450, 128, 24 },
  };
  g_autoptr(GArray) w1 = words_of (back, G_N_ELEMENTS (back));
  g_autoptr(GArray) w2 = words_of (two, G_N_ELEMENTS (two));
  g_autoptr(McIdOcrFields) f1 = mc_id_ocr_fields_new ();
  g_autoptr(McIdOcrFields) f2 = mc_id_ocr_fields_new ();

  mc_id_fields_by_shape ((const McOcrWord *) w1->data, w1->len, 1012, f1);
  mc_id_fields_by_shape ((const McOcrWord *) w2->data, w2->len, 1012, f2);
  for (guint f = 0; f < MC_ID_N_FIELDS; f++)
    {
      g_assert_null (f1->fields[f].value);
      g_assert_null (f2->fields[f].value);
    }
  g_assert_cmpuint (f1->n_shaped + f2->n_shaped, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  g_test_add_func ("/ocr/id-shapes/front", test_front);
  g_test_add_func ("/ocr/id-shapes/labels-first", test_labels_first);
  g_test_add_func ("/ocr/id-shapes/not-a-front", test_not_a_front);
  return g_test_run ();
}
