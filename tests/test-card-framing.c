/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <json-glib/json-glib.h>

#include "mc-card-finder.h"
#include "mc-core.h"
#include "mc-vips.h"
#include "mc-test-util.h"

/* Framing a card in a phone photo (issue 13): a photo made by the second,
 * independent generator (tests/idgen/make-framing-photo.py) of a card
 * upside down, tilted and seen at a slant on a cluttered desk, with pale
 * sheets touching it and glare on its rim. The finder must cut out the
 * card along its four corners, the right way up. */

/* The photo at @photo framed: its one crop's worst corner off the truth
 * (@photo.json), in pixels; @card_w gets the card's true width. */
static double
frame_photo (const char *photo,
             double     *card_w,
             gboolean   *upright_known)
{
  g_autofree char *truth_path = g_strconcat (photo, ".json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(VipsImage) image = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *quad;
  const McCardCrop *crop;
  double worst = 0;

  g_assert_true (json_parser_load_from_file (parser, truth_path, &error));
  g_assert_no_error (error);
  quad = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "quad");
  g_assert_cmpuint (json_array_get_length (quad), ==, 8);
  *card_w = hypot (json_array_get_double_element (quad, 2) - json_array_get_double_element (quad, 0),
                   json_array_get_double_element (quad, 3) - json_array_get_double_element (quad, 1));

  image = vips_image_new_from_file (photo, NULL);
  g_assert_nonnull (image);
  found = mc_card_finder_find (image, 0, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpuint (found->len, ==, 1);
  crop = g_ptr_array_index (found, 0);
  g_assert_cmpint (vips_image_get_width (crop->image), ==, MC_CARD_CROP_WIDTH);
  g_assert_cmpint (vips_image_get_height (crop->image), ==, MC_CARD_CROP_HEIGHT);

  /* Corner by corner, in order: where the card is, and which way up. */
  for (int i = 0; i < 4; i++)
    {
      double dx = crop->quad[2 * i] - json_array_get_double_element (quad, 2 * i);
      double dy = crop->quad[2 * i + 1] - json_array_get_double_element (quad, 2 * i + 1);

      g_test_message ("corner %d: (%.0f, %.0f), off by %.1f px", i,
                      crop->quad[2 * i], crop->quad[2 * i + 1], hypot (dx, dy));
      worst = MAX (worst, hypot (dx, dy));
    }
  *upright_known = crop->upright_known;
  return worst;
}

/* The worst corner of @crop off @quad (the truth), in pixels. */
static double
worst_corner (const McCardCrop *crop,
              JsonArray        *quad)
{
  double worst = 0;

  for (int i = 0; i < 4; i++)
    worst = MAX (worst, hypot (crop->quad[2 * i] - json_array_get_double_element (quad, 2 * i),
                               crop->quad[2 * i + 1] - json_array_get_double_element (quad, 2 * i + 1)));
  return worst;
}

static void
test_photo_on_desk (void)
{
  const char *photo = g_getenv ("MOTCUA_FRAMING_PHOTO");
  double card_w;
  gboolean upright_known;

  if (photo == NULL)
    {
      g_test_skip ("MOTCUA_FRAMING_PHOTO is not set (no python3 with Pillow, NumPy and segno)");
      return;
    }
  /* A rectangle round a card seen at a slant misses its corners by
   * several per cent of its length. */
  g_assert_cmpfloat (frame_photo (photo, &card_w, &upright_known), <, 0.02 * card_w);
  g_assert_true (upright_known);
}

/* A pale card on paper of its own tint, no shadow, a glare across its
 * rim (tests/idgen/make-framing-photo.py … pale): no outline to find, so
 * "No ID card was found" before the anchor vote. Its QR's finder patterns
 * frame it, the right way up. With no rim to meet, the frame is as exact
 * as the code's size and place are constant from one printing to the
 * next: within 2.5 % of the card's width (2 mm; 19 px on this card,
 * 760 px wide). */
static void
test_pale_card_by_anchors (void)
{
  const char *photo = g_getenv ("MOTCUA_FRAMING_PALE");
  double card_w;
  gboolean upright_known;

  if (photo == NULL)
    {
      g_test_skip ("MOTCUA_FRAMING_PALE is not set (no python3 with Pillow, NumPy and segno)");
      return;
    }
  g_assert_cmpfloat (frame_photo (photo, &card_w, &upright_known), <, 0.025 * card_w);
  g_assert_true (upright_known);
}

/* The pale card of the test above, a blank white key card beside it
 * casting a shadow (tests/idgen/make-framing-photo.py … decoy): the
 * outlines frame something that is not the ID card, and with a frame
 * found, the finder does not ask the anchors. Asked on their own
 * (mc_card_finder_find_by_print(), what the reader does when nothing
 * printed is read in the outlines' frames), the QR's finder patterns
 * frame the ID card, the right way up, as exactly as above. */
static void
test_decoy_then_by_print (void)
{
  const char *photo = g_getenv ("MOTCUA_FRAMING_DECOY");
  g_autofree char *truth_path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(VipsImage) image = NULL;
  g_autoptr(GPtrArray) outlined = NULL;
  g_autoptr(GPtrArray) printed = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *quad;
  double card_w;

  if (photo == NULL)
    {
      g_test_skip ("MOTCUA_FRAMING_DECOY is not set (no python3 with Pillow, NumPy and segno)");
      return;
    }
  truth_path = g_strconcat (photo, ".json", NULL);
  g_assert_true (json_parser_load_from_file (parser, truth_path, &error));
  g_assert_no_error (error);
  quad = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "quad");
  card_w = hypot (json_array_get_double_element (quad, 2) - json_array_get_double_element (quad, 0),
                  json_array_get_double_element (quad, 3) - json_array_get_double_element (quad, 1));
  image = vips_image_new_from_file (photo, NULL);
  g_assert_nonnull (image);

  /* What the outlines give: frames, none of them the ID card's. */
  outlined = mc_card_finder_find (image, 0, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (outlined);
  g_assert_cmpuint (outlined->len, >, 0);
  for (guint i = 0; i < outlined->len; i++)
    g_assert_cmpfloat (worst_corner (g_ptr_array_index (outlined, i), quad), >, 0.1 * card_w);

  printed = mc_card_finder_find_by_print (image, 0, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (printed);
  g_assert_cmpuint (printed->len, ==, 1);
  g_assert_cmpfloat (worst_corner (g_ptr_array_index (printed, 0), quad), <, 0.025 * card_w);
  g_assert_true (((McCardCrop *) g_ptr_array_index (printed, 0))->upright_known);
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();
  g_test_add_func ("/imaging/card-finder/photo-on-desk", test_photo_on_desk);
  g_test_add_func ("/imaging/card-finder/pale-card-by-anchors", test_pale_card_by_anchors);
  g_test_add_func ("/imaging/card-finder/decoy-then-by-print", test_decoy_then_by_print);
  return g_test_run ();
}
