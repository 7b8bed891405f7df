/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>

#include "mc-core.h"
#include "mc-id-reader.h"
#include "mc-id-search.h"
#include "mc-vips.h"
#include "mc-test-util.h"

/* Phone photos the careful ways in do not read (issue 13): the reader
 * must never do worse on the number than `tesseract -l vie` on the whole
 * image and a regular expression. The photo is drawn by the second,
 * independent generator (tests/idgen/make-framing-photo.py, "sleeve"). */

/* A number's shape: a province code 001–096, a century and sex digit of
 * someone born 1900–2099, a birth year not to come. */
static void
test_number_plausible (void)
{
  g_assert_true (mc_id_search_number_plausible ("048306479022"));
  g_assert_true (mc_id_search_number_plausible ("001075541058"));
  g_assert_true (mc_id_search_number_plausible ("096182600141"));
  g_assert_false (mc_id_search_number_plausible ("000075541058"));   /* no province 000 */
  g_assert_false (mc_id_search_number_plausible ("097075541058"));   /* nor 097 */
  g_assert_false (mc_id_search_number_plausible ("001475541058"));   /* born after 2099 */
  g_assert_false (mc_id_search_number_plausible ("001399541058"));   /* born in 2099 */
  g_assert_false (mc_id_search_number_plausible ("00107554105"));    /* 11 digits */
  g_assert_false (mc_id_search_number_plausible ("0010755410588"));
  g_assert_false (mc_id_search_number_plausible ("00107554105O"));
}

/* A căn cước front in a sleeve under glare, small in a photo: legible,
 * but Tesseract's sparse-text pass reads none of its labels nor its
 * number, on the crop or on the whole image. Before the plain reading,
 * the reader answered with no number at all. */
static void
test_plain_reading (void)
{
  const char *photo = g_getenv ("MOTCUA_PLAIN_PHOTO");
  g_autofree char *truth_path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(VipsImage) image = NULL;
  g_autoptr(McIdReader) reader = mc_id_reader_new (NULL);
  g_autoptr(GPtrArray) images = g_ptr_array_new ();
  g_autoptr(McIdResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const McIdentityField *number;
  const char *truth;

  if (photo == NULL)
    {
      g_test_skip ("MOTCUA_PLAIN_PHOTO is not set (no python3 with Pillow, NumPy and segno)");
      return;
    }
  truth_path = g_strconcat (photo, ".json", NULL);
  g_assert_true (json_parser_load_from_file (parser, truth_path, &error));
  g_assert_no_error (error);
  truth = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "id_number");

  image = vips_image_new_from_file (photo, NULL);
  g_assert_nonnull (image);
  g_ptr_array_add (images, image);
  result = mc_id_reader_read (reader, images, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  number = mc_identity_get_field (result->identity, MC_ID_FIELD_ID_NUMBER);
  g_assert_cmpstr (number->value, ==, truth);
  /* The print alone, without a QR or an MRZ: for the clerk to check. */
  g_assert_cmpint (number->source, ==, MC_ID_SOURCE_OCR);
  g_assert_true (number->flags & MC_ID_FIELD_FLAG_UNSURE);
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();
  g_test_add_func ("/ocr/id-reader/photo/number-plausible", test_number_plausible);
  g_test_add_func ("/ocr/id-reader/photo/plain-reading", test_plain_reading);
  return g_test_run ();
}
