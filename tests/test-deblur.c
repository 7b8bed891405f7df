/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Motion blur on a card crop: found in a crop smeared by a known line,
 * not found in a sharp one, and undone well enough that the number
 * reads again where it did not. Cards of the first generator
 * (MOTCUA_ID_CARDS), smeared here by a line of our own. */
#include "config.h"
#include <math.h>
#include "mc-core.h"
#include "mc-deblur.h"
#include "mc-id-fields.h"
#include "mc-ocr-pool.h"
#include "mc-test-id-cards.h"
#include "mc-test-util.h"
#include "mc-vips.h"

static GPtrArray *cards;

/* @image smeared along a line of @length pixels at @angle degrees
 * (anticlockwise): the mean of @length copies shifted along it, each by
 * a whole number of pixels, as a phone moving while its shutter is open. */
static VipsImage *
smear (VipsImage *image,
       int        length,
       double     angle)
{
  int reach = length / 2 + 1, size = 2 * reach + 1;
  g_autoptr(VipsImage) mask = vips_image_new_matrix (size, size);
  VipsImage *out = NULL;

  for (int i = 0; i < length; i++)
    {
      double t = i - (length - 1) / 2.0;
      int dx = (int) lround (t * cos (angle * G_PI / 180));
      int dy = (int) lround (-t * sin (angle * G_PI / 180));

      *VIPS_MATRIX (mask, reach + dx, reach + dy) += 1.0 / length;
    }
  g_assert_cmpint (vips_conv (image, &out, mask, "precision", VIPS_PRECISION_FLOAT, NULL), ==, 0);
  return out;
}

/* The fronts of the first @n cards that have one, cut upright at 300 dpi. */
static GPtrArray *
fronts (guint n)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint c = 0; c < cards->len && out->len < n; c++)
    g_ptr_array_add (out, mc_test_id_card_cut_side (g_ptr_array_index (cards, c), "front"));
  return out;
}

/* Sharp crops, fronts and backs: no smear found, the crop left as it is. */
static void
test_sharp (void)
{
  for (guint c = 0; c < MIN (cards->len, 6u); c++)
    for (guint s = 0; s < 2; s++)
      {
        g_autoptr(VipsImage) side = mc_test_id_card_cut_side (g_ptr_array_index (cards, c), s ? "back" : "front");
        g_autoptr(VipsImage) out = NULL;
        g_autoptr(GError) error = NULL;
        McMotionBlur blur;

        g_assert_true (mc_motion_blur_sharpen (side, &out, &blur, &error));
        g_assert_no_error (error);
        g_test_message ("card %u %s: dip %.1f deviations deep", c, s ? "back" : "front", blur.strength);
        g_assert_cmpfloat (blur.length, ==, 0);
        g_assert_true (out == side);
      }
}

/* A smear of known length and direction is measured as it was made. */
static void
test_measure (void)
{
  const struct { int length; double angle; } cases[] = {
    { 8, 0 }, { 12, 30 }, { 16, 100 }, { 24, 145 },
  };
  g_autoptr(GPtrArray) sides = fronts (G_N_ELEMENTS (cases));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VipsImage) blurred = smear (g_ptr_array_index (sides, i % sides->len), cases[i].length,
                                            cases[i].angle);
      g_autoptr(GError) error = NULL;
      McMotionBlur blur;
      double off;

      g_assert_true (mc_motion_blur_measure (blurred, &blur, &error));
      g_assert_no_error (error);
      g_test_message ("smear %d px at %.0f°: measured %.1f px at %.0f°, %.1f deviations", cases[i].length,
                      cases[i].angle, blur.length, blur.angle, blur.strength);
      g_assert_cmpfloat (fabs (blur.length - cases[i].length), <=, 1.5);
      /* A smear that stands out is also the likeliest one. */
      g_assert_cmpfloat (blur.likeliest_length, ==, blur.length);
      g_assert_cmpfloat (blur.likeliest_angle, ==, blur.angle);
      off = fmod (fabs (blur.angle - cases[i].angle), 180.0);
      g_assert_cmpfloat (MIN (off, 180.0 - off), <=, 8.0);
    }
}

/* The number on smeared fronts: unread (or misread) as they are, read
 * once restored. */
static void
test_number_reads (void)
{
  g_autoptr(McOcrPool) pool = g_object_ref (mc_ocr_pool_get_default ());
  guint n_blurred = 0, n_restored = 0, n = 0;

  for (guint c = 0; c < cards->len && n < 4; c++)
    {
      JsonObject *card = g_ptr_array_index (cards, c);
      const char *number = mc_test_id_card_field (card, "id_number");
      g_autoptr(VipsImage) side = mc_test_id_card_cut_side (card, "front");
      g_autoptr(VipsImage) blurred = smear (side, 14, 20.0 + 40.0 * n);
      g_autoptr(VipsImage) restored = NULL;
      g_autoptr(McIdOcrFields) before = NULL;
      g_autoptr(McIdOcrFields) after = NULL;
      g_autoptr(GError) error = NULL;
      McMotionBlur blur;

      before = mc_id_fields_read (pool, blurred, 0.0, 1.0, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (mc_motion_blur_sharpen (blurred, &restored, &blur, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (blur.length, >, 0);
      after = mc_id_fields_read (pool, restored, 0.0, 1.0, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("card %u (%s): smeared %s, restored %s", c, number,
                      before->fields[MC_ID_FIELD_ID_NUMBER].value, after->fields[MC_ID_FIELD_ID_NUMBER].value);
      n_blurred += g_strcmp0 (before->fields[MC_ID_FIELD_ID_NUMBER].value, number) == 0;
      n_restored += g_strcmp0 (after->fields[MC_ID_FIELD_ID_NUMBER].value, number) == 0;
      n++;
    }
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (n_blurred, ==, 0);
  g_assert_cmpuint (n_restored, ==, n);
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();
  cards = mc_test_id_cards_load ();

  g_test_add_func ("/imaging/deblur/sharp", test_sharp);
  g_test_add_func ("/imaging/deblur/measure", test_measure);
  g_test_add_func ("/imaging/deblur/number-reads", test_number_reads);
  return g_test_run ();
}
