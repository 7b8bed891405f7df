/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <json-glib/json-glib.h>

#include "mc-core.h"
#include "mc-id-level.h"
#include "mc-id-reader.h"
#include "mc-vips.h"
#include "mc-test-util.h"

/* Glass scans (issue 13) the reader misread: a card no outline frames,
 * read as a whole image, and small print re-read alone, on cards drawn by
 * the second, independent generator (tests/idgen/make-cards.py). */

/* Lines of print on white, turned by @angle degrees (as libvips turns). */
static VipsImage *
lines_turned (double angle)
{
  g_autoptr(VipsImage) text = NULL;
  g_autoptr(VipsImage) ink = NULL;
  g_autoptr(VipsImage) page = NULL;
  g_autoptr(VipsImage) u8 = NULL;
  VipsArrayDouble *white = vips_array_double_newv (1, 255.0);
  VipsImage *turned = NULL;
  int status;

  g_assert_cmpint (vips_text (&text,
                              "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                              "Số định danh cá nhân / Personal identification number\n"
                              "Họ, chữ đệm và tên khai sinh / Full name\n"
                              "Ngày, tháng, năm sinh / Date of birth: 23/03/1996\n"
                              "Giới tính / Sex: Nam     Quốc tịch / Nationality: Việt Nam",
                              "font", "DejaVu Sans 10", "dpi", 300, "spacing", 20, NULL), ==, 0);
  /* vips_text() draws ink as 255 on 0: print is dark on paper. */
  g_assert_cmpint (vips_invert (text, &ink, NULL), ==, 0);
  g_assert_cmpint (vips_embed (ink, &page, 300, 300, vips_image_get_width (ink) + 600,
                               vips_image_get_height (ink) + 600,
                               "extend", VIPS_EXTEND_WHITE, NULL), ==, 0);
  g_assert_cmpint (vips_cast_uchar (page, &u8, NULL), ==, 0);
  status = vips_similarity (u8, &turned, "angle", angle, "background", white, NULL);
  vips_area_unref (VIPS_AREA (white));
  g_assert_cmpint (status, ==, 0);
  return turned;
}

/* The lines of a page turned a few degrees are levelled, either way and
 * lying sideways too; level lines are left alone. */
static void
test_level_lines (void)
{
  static const struct {
    double turn;      /* degrees the print lies at */
    int    quarter;   /* then turned by quarter turns */
  } cases[] = {
    { 4.0, 0 }, { -3.0, 0 }, { 2.5, 90 }, { 0.0, 0 }, { 0.4, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VipsImage) turned = lines_turned (cases[i].turn);
      g_autoptr(VipsImage) image = NULL;
      int w, h;
      double made;

      if (cases[i].quarter == 90)
        g_assert_cmpint (vips_rot (turned, &image, VIPS_ANGLE_D90, NULL), ==, 0);
      else
        image = g_object_ref (turned);
      w = vips_image_get_width (image);
      h = vips_image_get_height (image);
      made = mc_id_level_lines (&image);
      if (fabs (cases[i].turn) < 1.0)
        {
          /* Below a degree Tesseract reads lines whole: not worth a turn. */
          g_assert_cmpfloat (made, ==, 0.0);
          g_assert_cmpint (vips_image_get_width (image), ==, w);
          continue;
        }
      g_assert_cmpfloat_with_epsilon (made, -cases[i].turn, 0.3);
      /* Nothing cut off: the turned image holds every corner. */
      g_assert_cmpint (vips_image_get_width (image), >=, w);
      g_assert_cmpint (vips_image_get_height (image), >=, h);
    }
}

/* A card of the second generator read whole: its key fields must come out
 * as printed; those in @unsure (bits of McIdField) left for the clerk to
 * check. @var names a truth file make-cards.py wrote. */
static void
assert_card_fields (const char *var,
                    guint       unsure)
{
  static const McIdField keys[] = {
    MC_ID_FIELD_ID_NUMBER, MC_ID_FIELD_FULL_NAME, MC_ID_FIELD_DATE_OF_BIRTH, MC_ID_FIELD_SEX,
  };
  static const char *const names[] = { "id_number", "full_name", "date_of_birth", "sex" };
  const char *truth_path = g_getenv (var);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(McIdReader) reader = mc_id_reader_new (NULL);
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(McIdResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  JsonObject *card, *fields;
  JsonArray *paths;

  if (truth_path == NULL)
    {
      g_test_skip ("the idgen cards were not made (no python3 with Pillow, NumPy and segno)");
      return;
    }
  g_assert_true (json_parser_load_from_file (parser, truth_path, &error));
  g_assert_no_error (error);
  card = json_array_get_object_element (json_object_get_array_member (
                                          json_node_get_object (json_parser_get_root (parser)), "cards"), 0);
  fields = json_object_get_object_member (card, "fields");
  dir = g_path_get_dirname (truth_path);
  paths = json_object_get_array_member (card, "images");
  for (guint i = 0; i < json_array_get_length (paths); i++)
    {
      g_autofree char *path = g_build_filename (dir, json_array_get_string_element (paths, i), NULL);
      VipsImage *image = vips_image_new_from_file (path, NULL);

      g_assert_nonnull (image);
      g_ptr_array_add (images, image);
    }

  result = mc_id_reader_read (reader, images, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const McIdentityField *got = mc_identity_get_field (result->identity, keys[i]);
      g_autofree char *expected = g_utf8_normalize (json_object_get_string_member (fields, names[i]), -1,
                                                    G_NORMALIZE_NFC);

      g_test_message ("%s: %s", names[i], got->value != NULL ? got->value : "(none)");
      g_assert_cmpstr (got->value, ==, expected);
      if (unsure & (1u << keys[i]))
        g_assert_true (got->flags & MC_ID_FIELD_FLAG_UNSURE);
    }
}

/* A pale căn cước front lying 5° askew on a pale lid against the glass's
 * edge (fresh tune card 01056): no outline closes, and read whole without
 * levelling its lines came apart ("Giới tính / 5@X") and showed no card. */
static void
test_card_askew (void)
{
  /* No QR or MRZ confirms, and no outline was found: all unsure. */
  assert_card_fields ("MOTCUA_SCAN_CARD_ASKEW", G_MAXUINT);
}

/* A pale căn cước front on a white lid, a 200 dpi JPEG (tune card 00080):
 * its date of birth, read again alone, was framed in white around the
 * card's blue-grey tint, and "25" came out "28". */
static void
test_card_tinted (void)
{
  /* The two readings of the date differ: the clerk checks it. */
  assert_card_fields ("MOTCUA_SCAN_CARD_TINTED", 1u << MC_ID_FIELD_DATE_OF_BIRTH);
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();
  g_test_add_func ("/ocr/id-reader/scans/level-lines", test_level_lines);
  g_test_add_func ("/ocr/id-reader/scans/card-askew", test_card_askew);
  g_test_add_func ("/ocr/id-reader/scans/card-tinted", test_card_tinted);
  return g_test_run ();
}
