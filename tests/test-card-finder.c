/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "mc-card-finder.h"
#include "mc-card-straighten.h"
#include "mc-core.h"
#include "mc-test-id-cards.h"
#include "mc-vips.h"
#include "mc-test-util.h"

/* The "id-card" profile on the generated glass scans, photos and crops,
 * and on inputs with no card at all. */

static GPtrArray *cards;

static gboolean
vips_warnings_pass (const char     *log_domain,
                    GLogLevelFlags  log_level,
                    const char     *message,
                    gpointer        user_data)
{
  /* libvips warns about corrupt input before failing; that is expected. */
  return g_strcmp0 (log_domain, "VIPS") != 0;
}

/* Largest distance between the crop's corners and the truth's, in order:
 * small only if the crop is where the card is and the right way up. */
static double
corner_error (const McCardCrop *crop,
              JsonArray        *quad,
              gboolean          turned)
{
  double worst = 0;

  for (int i = 0; i < 4; i++)
    {
      int k = turned ? (i + 2) % 4 : i;
      double dx = crop->quad[2 * k] - json_array_get_double_element (quad, 2 * i);
      double dy = crop->quad[2 * k + 1] - json_array_get_double_element (quad, 2 * i + 1);

      worst = MAX (worst, hypot (dx, dy));
    }
  return worst;
}

static void
test_generated (void)
{
  guint n_sides = 0, n_upright_known = 0, n_backs = 0;

  for (guint c = 0; c < cards->len; c++)
    {
      JsonObject *card = g_ptr_array_index (cards, c);
      JsonArray *images = json_object_get_array_member (card, "images");
      JsonArray *placements = json_object_get_array_member (card, "placements");
      g_autoptr(GPtrArray) found_per_image = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

      for (guint i = 0; i < json_array_get_length (images); i++)
        {
          g_autoptr(VipsImage) image = vips_image_new_from_file (json_array_get_string_element (images, i), NULL);
          g_autoptr(GError) error = NULL;
          GPtrArray *found;

          g_assert_nonnull (image);
          found = mc_card_finder_find (image, i, 2, NULL, &error);
          g_assert_no_error (error);
          g_assert_nonnull (found);
          g_ptr_array_add (found_per_image, found);
        }

      for (guint p = 0; p < json_array_get_length (placements); p++)
        {
          JsonObject *pl = json_array_get_object_element (placements, p);
          guint image = json_object_get_int_member (pl, "image");
          JsonArray *quad = json_object_get_array_member (pl, "quad");
          gboolean back = g_str_equal (json_object_get_string_member (pl, "side"), "back");
          GPtrArray *found = g_ptr_array_index (found_per_image, image);
          McCardCrop *best = NULL;
          double best_error = G_MAXDOUBLE;
          double mm;

          for (guint k = 0; k < found->len; k++)
            {
              McCardCrop *crop = g_ptr_array_index (found, k);
              double e = MIN (corner_error (crop, quad, FALSE), corner_error (crop, quad, TRUE));

              if (e < best_error)
                {
                  best_error = e;
                  best = crop;
                }
            }
          g_assert_nonnull (best);
          n_sides++;
          /* Within 2 mm of the card's true corners. */
          mm = best->dpi / 25.4;
          g_assert_cmpfloat (best_error, <, 2.0 * mm);
          g_assert_cmpuint (best->image ? vips_image_get_width (best->image) : 0, ==, MC_CARD_CROP_WIDTH);
          g_assert_cmpuint (vips_image_get_height (best->image), ==, MC_CARD_CROP_HEIGHT);

          /* Backs have their MRZ band found; when the layout tells which
           * way up a side is, it is never wrong. */
          g_assert_cmpint (best->mrz_band, ==, back);
          if (back)
            {
              n_backs++;
              g_assert_cmpint (best->side, ==, MC_CARD_SIDE_BACK);
            }
          else
            g_assert_cmpint (best->side, !=, MC_CARD_SIDE_BACK);
          if (best->upright_known)
            {
              n_upright_known++;
              g_assert_cmpfloat (corner_error (best, quad, FALSE), <, 2.0 * mm);
            }
        }
      /* A glass scan with two sides gives two crops, no more. */
      if (json_array_get_length (images) == 1)
        g_assert_cmpuint (((GPtrArray *) g_ptr_array_index (found_per_image, 0))->len, ==, 2);
    }
  g_test_message ("%u sides, %u backs, way up known for %u", n_sides, n_backs, n_upright_known);
  /* Every back by its MRZ, every front by its emblem, on this set. */
  g_assert_cmpuint (n_upright_known, ==, n_sides);
}

/* A pale card on a light-grey lid, as a closed lid gives it: the two
 * tints a few levels apart and the scanner's noise on both, so no flood
 * from the border stops at the card. Its faint edge still frames it. */
static void
test_pale_lid (void)
{
  JsonObject *card = NULL;
  g_autoptr(VipsImage) front = NULL;
  g_autoptr(VipsImage) back = NULL;
  g_autoptr(VipsImage) black = NULL;
  g_autoptr(VipsImage) lid = NULL;
  g_autoptr(VipsImage) noise = NULL;
  g_autoptr(VipsImage) one = NULL;
  g_autoptr(VipsImage) two = NULL;
  g_autoptr(VipsImage) noisy = NULL;
  g_autoptr(VipsImage) pale = NULL;
  g_autoptr(VipsImage) scan = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  const double placed[2][2] = { { 100, 150 }, { 1180, 900 } };

  for (guint c = 0; c < cards->len && card == NULL; c++)
    if (g_str_equal (json_object_get_string_member (g_ptr_array_index (cards, c), "presentation"), "glass"))
      card = g_ptr_array_index (cards, c);
  g_assert_nonnull (card);
  front = mc_test_id_card_cut_side (card, "front");
  back = mc_test_id_card_cut_side (card, "back");

  g_assert_cmpint (vips_black (&black, 2300, 1700, "bands", 3, NULL), ==, 0);
  g_assert_cmpint (vips_linear1 (black, &lid, 1.0, 238.0, "uchar", TRUE, NULL), ==, 0);
  g_assert_cmpint (vips_insert (lid, front, &one, placed[0][0], placed[0][1], NULL), ==, 0);
  g_assert_cmpint (vips_insert (one, back, &two, placed[1][0], placed[1][1], NULL), ==, 0);
  g_assert_cmpint (vips_gaussnoise (&noise, 2300, 1700, "sigma", 2.0, "mean", 0.0, "seed", 13, NULL), ==, 0);
  g_assert_cmpint (vips_add (two, noise, &noisy, NULL), ==, 0);
  g_assert_cmpint (vips_linear1 (noisy, &pale, 0.55, 112.0, "uchar", TRUE, NULL), ==, 0);
  g_assert_cmpint (vips_copy (pale, &scan, "xres", 300 / 25.4, "yres", 300 / 25.4,
                              "interpretation", VIPS_INTERPRETATION_sRGB, NULL), ==, 0);

  found = mc_card_finder_find (scan, 0, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpuint (found->len, ==, 2);
  for (guint k = 0; k < 2; k++)
    {
      const double *at = placed[k];
      g_autoptr(JsonArray) quad = json_array_new ();
      double best = G_MAXDOUBLE;
      const double corners[8] = { at[0], at[1], at[0] + 1012, at[1], at[0] + 1012, at[1] + 638, at[0], at[1] + 638 };

      for (int i = 0; i < 8; i++)
        json_array_add_double_element (quad, corners[i]);
      for (guint f = 0; f < found->len; f++)
        best = MIN (best, MIN (corner_error (g_ptr_array_index (found, f), quad, FALSE),
                               corner_error (g_ptr_array_index (found, f), quad, TRUE)));
      /* Within 2 mm. */
      g_assert_cmpfloat (best, <, 2.0 * 300 / 25.4);
    }
}

/* The same pale card at any angle: its edge, not its colour, still frames
 * it, and the crop says how far it was turned. */
static void
test_pale_lid_turned (void)
{
  JsonObject *card = NULL;
  g_autoptr(VipsImage) front = NULL;
  g_autoptr(VipsImage) turned = NULL;
  g_autoptr(VipsImage) black = NULL;
  g_autoptr(VipsImage) lid = NULL;
  g_autoptr(VipsImage) placed = NULL;
  g_autoptr(VipsImage) noise = NULL;
  g_autoptr(VipsImage) noisy = NULL;
  g_autoptr(VipsImage) pale = NULL;
  g_autoptr(VipsImage) scan = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  VipsArrayDouble *grey;
  McCardCrop *crop;
  double turn;

  for (guint c = 0; c < cards->len && card == NULL; c++)
    if (g_str_equal (json_object_get_string_member (g_ptr_array_index (cards, c), "presentation"), "glass"))
      card = g_ptr_array_index (cards, c);
  g_assert_nonnull (card);
  front = mc_test_id_card_cut_side (card, "front");
  grey = vips_array_double_newv (3, 238.0, 238.0, 238.0);
  g_assert_cmpint (vips_similarity (front, &turned, "angle", 25.0, "background", grey, NULL), ==, 0);
  vips_area_unref (VIPS_AREA (grey));

  g_assert_cmpint (vips_black (&black, 1800, 1500, "bands", 3, NULL), ==, 0);
  g_assert_cmpint (vips_linear1 (black, &lid, 1.0, 238.0, "uchar", TRUE, NULL), ==, 0);
  g_assert_cmpint (vips_insert (lid, turned, &placed, 200, 200, NULL), ==, 0);
  g_assert_cmpint (vips_gaussnoise (&noise, 1800, 1500, "sigma", 2.0, "mean", 0.0, "seed", 7, NULL), ==, 0);
  g_assert_cmpint (vips_add (placed, noise, &noisy, NULL), ==, 0);
  g_assert_cmpint (vips_linear1 (noisy, &pale, 0.55, 112.0, "uchar", TRUE, NULL), ==, 0);
  g_assert_cmpint (vips_copy (pale, &scan, "xres", 300 / 25.4, "yres", 300 / 25.4,
                              "interpretation", VIPS_INTERPRETATION_sRGB, NULL), ==, 0);

  found = mc_card_finder_find (scan, 0, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  crop = g_ptr_array_index (found, 0);
  /* Turned 25° on the glass (clockwise, y down), or upside down from there. */
  turn = fmod (crop->angle - 25.0 + 360.0, 180.0);
  g_assert_cmpfloat (MIN (turn, 180.0 - turn), <, 1.5);
  g_assert_cmpfloat (fabs (crop->dpi - 300), <, 10);
}

/* What else counters produce: a dark lid, and a card pushed against the
 * glass's edge beside another. */
static void
test_lids (void)
{
  JsonObject *card = NULL;
  g_autoptr(VipsImage) front = NULL;
  g_autoptr(VipsImage) back = NULL;

  for (guint c = 0; c < cards->len && card == NULL; c++)
    if (g_str_equal (json_object_get_string_member (g_ptr_array_index (cards, c), "presentation"), "glass"))
      card = g_ptr_array_index (cards, c);
  g_assert_nonnull (card);
  front = mc_test_id_card_cut_side (card, "front");
  back = mc_test_id_card_cut_side (card, "back");

  for (int variant = 0; variant < 2; variant++)
    {
      g_autoptr(VipsImage) black = NULL;
      g_autoptr(VipsImage) lid = NULL;
      g_autoptr(VipsImage) one = NULL;
      g_autoptr(VipsImage) two = NULL;
      g_autoptr(VipsImage) scan = NULL;
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GError) error = NULL;
      /* 0: a dark lid; 1: a white lid, the front against the top left corner. */
      double tint = variant == 0 ? 40.0 : 250.0;
      int fx = variant == 0 ? 150 : 0, fy = variant == 0 ? 120 : 0;

      g_assert_cmpint (vips_black (&black, 2300, 1700, "bands", 3, NULL), ==, 0);
      g_assert_cmpint (vips_linear1 (black, &lid, 1.0, tint, "uchar", TRUE, NULL), ==, 0);
      g_assert_cmpint (vips_insert (lid, front, &one, fx, fy, NULL), ==, 0);
      g_assert_cmpint (vips_insert (one, back, &two, 1180, 900, NULL), ==, 0);
      g_assert_cmpint (vips_copy (two, &scan, "xres", 300 / 25.4, "yres", 300 / 25.4,
                                  "interpretation", VIPS_INTERPRETATION_sRGB, NULL), ==, 0);
      found = mc_card_finder_find (scan, 0, 2, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("lid %d: %u card(s)", variant, found->len);
      g_assert_cmpuint (found->len, ==, 2);
    }
}

static VipsImage *
load_first_side (const char *side)
{
  for (guint c = 0; c < cards->len; c++)
    {
      JsonObject *card = g_ptr_array_index (cards, c);

      if (g_str_equal (json_object_get_string_member (card, "presentation"), "sides"))
        {
          JsonArray *images = json_object_get_array_member (card, "images");
          JsonArray *placements = json_object_get_array_member (card, "placements");

          for (guint p = 0; p < json_array_get_length (placements); p++)
            {
              JsonObject *pl = json_array_get_object_element (placements, p);

              if (g_str_equal (json_object_get_string_member (pl, "side"), side))
                return vips_image_new_from_file (json_array_get_string_element (images, json_object_get_int_member (pl, "image")),
                                                 "access", VIPS_ACCESS_RANDOM, NULL);
            }
        }
    }
  g_assert_not_reached ();
  return NULL;
}

/* A white 300 dpi page with @a (and @b) pasted at the given places. */
static VipsImage *
glass_with (VipsImage *a,
            int        ax,
            int        ay,
            VipsImage *b,
            int        bx,
            int        by)
{
  g_autoptr(VipsImage) black = NULL;
  g_autoptr(VipsImage) white = NULL;
  g_autoptr(VipsImage) one = NULL;
  g_autoptr(VipsImage) two = NULL;
  VipsImage *out = NULL;

  g_assert_cmpint (vips_black (&black, 2480, 3508, "bands", 3, NULL), ==, 0);
  g_assert_cmpint (vips_linear1 (black, &white, 1.0, 246.0, "uchar", TRUE, NULL), ==, 0);
  g_assert_cmpint (vips_insert (white, a, &one, ax, ay, NULL), ==, 0);
  if (b != NULL)
    g_assert_cmpint (vips_insert (one, b, &two, bx, by, NULL), ==, 0);
  g_assert_cmpint (vips_copy (b != NULL ? two : one, &out, "xres", 300 / 25.4, "yres", 300 / 25.4,
                              "interpretation", VIPS_INTERPRETATION_sRGB, NULL), ==, 0);
  return out;
}

/* Two cards laid edge to edge make one object twice a card's size: cut in
 * half, each half found. Side by side, and one above the other. */
static void
test_touching (void)
{
  g_autoptr(VipsImage) front = load_first_side ("front");
  g_autoptr(VipsImage) back = load_first_side ("back");
  int w = vips_image_get_width (front), h = vips_image_get_height (front);

  for (int layout = 0; layout < 2; layout++)
    {
      g_autoptr(VipsImage) glass = layout == 0 ? glass_with (front, 300, 800, back, 300 + w, 800)
                                               : glass_with (front, 600, 800, back, 600, 800 + h);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) found = mc_card_finder_find (glass, 0, 2, NULL, &error);
      guint n_backs = 0;

      g_assert_no_error (error);
      g_assert_cmpuint (found->len, ==, 2);
      for (guint i = 0; i < found->len; i++)
        n_backs += ((McCardCrop *) g_ptr_array_index (found, i))->mrz_band;
      g_assert_cmpuint (n_backs, ==, 1);
    }
}

/* Turned a quarter, half and three quarters: the crop comes out upright. */
static void
test_turned (void)
{
  g_autoptr(VipsImage) back = load_first_side ("back");
  VipsAngle angles[] = { VIPS_ANGLE_D90, VIPS_ANGLE_D180, VIPS_ANGLE_D270 };

  for (guint i = 0; i < G_N_ELEMENTS (angles); i++)
    {
      g_autoptr(VipsImage) turned = NULL;
      g_autoptr(VipsImage) glass = NULL;
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GError) error = NULL;
      gboolean bottom, top;
      McCardCrop *crop;

      g_assert_cmpint (vips_rot (back, &turned, angles[i], NULL), ==, 0);
      glass = glass_with (turned, 700, 1200, NULL, 0, 0);
      found = mc_card_finder_find (glass, 0, 2, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (found->len, ==, 1);
      crop = g_ptr_array_index (found, 0);
      g_assert_true (crop->upright_known);
      mc_card_crop_find_mrz (crop->image, &bottom, &top);
      g_assert_true (bottom);
      g_assert_false (top);
    }
}

/* Grey scans and images with an alpha channel are cards too. */
static void
test_formats (void)
{
  g_autoptr(VipsImage) front = load_first_side ("front");
  g_autoptr(VipsImage) glass = glass_with (front, 500, 500, NULL, 0, 0);
  g_autoptr(VipsImage) grey = NULL;
  g_autoptr(VipsImage) alpha = NULL;
  g_autoptr(VipsImage) wide = NULL;
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autoptr(GPtrArray) c = NULL;

  g_assert_cmpint (vips_colourspace (glass, &grey, VIPS_INTERPRETATION_B_W, NULL), ==, 0);
  a = mc_card_finder_find (grey, 0, 2, NULL, NULL);
  g_assert_nonnull (a);
  g_assert_cmpuint (a->len, ==, 1);

  g_assert_cmpint (vips_bandjoin_const1 (glass, &alpha, 255, NULL), ==, 0);
  b = mc_card_finder_find (alpha, 0, 2, NULL, NULL);
  g_assert_nonnull (b);
  g_assert_cmpuint (b->len, ==, 1);

  /* 16 bits per channel. */
  g_assert_cmpint (vips_cast (glass, &wide, VIPS_FORMAT_USHORT, NULL), ==, 0);
  {
    g_autoptr(VipsImage) scaled = NULL;
    g_autoptr(VipsImage) tagged = NULL;

    g_assert_cmpint (vips_linear1 (wide, &scaled, 257.0, 0.0, NULL), ==, 0);
    g_assert_cmpint (vips_cast (scaled, &tagged, VIPS_FORMAT_USHORT, NULL), ==, 0);
    g_object_unref (wide);
    g_assert_cmpint (vips_copy (tagged, &wide, "interpretation", VIPS_INTERPRETATION_RGB16, NULL), ==, 0);
  }
  c = mc_card_finder_find (wide, 0, 2, NULL, NULL);
  g_assert_nonnull (c);
  g_assert_cmpuint (c->len, ==, 1);
}

static void
test_no_card (void)
{
  g_autoptr(VipsImage) tiny = NULL;
  g_autoptr(VipsImage) blank = NULL;
  g_autoptr(VipsImage) page = NULL;
  g_autoptr(VipsImage) noise = NULL;
  g_autoptr(VipsImage) noisy = NULL;
  g_autoptr(GError) error = NULL;

  /* 1 × 1: too small to be anything. */
  g_assert_cmpint (vips_black (&tiny, 1, 1, NULL), ==, 0);
  g_assert_null (mc_card_finder_find (tiny, 0, 2, NULL, &error));
  g_assert_error (error, MC_CARD_FINDER_ERROR, MC_CARD_FINDER_ERROR_BAD_IMAGE);
  g_clear_error (&error);

  /* A blank page. */
  g_assert_cmpint (vips_black (&blank, 2480, 3508, NULL), ==, 0);
  g_assert_cmpint (vips_linear1 (blank, &page, 1.0, 250.0, "uchar", TRUE, NULL), ==, 0);
  g_assert_null (mc_card_finder_find (page, 0, 2, NULL, &error));
  g_assert_error (error, MC_CARD_FINDER_ERROR, MC_CARD_FINDER_ERROR_NO_CARD);
  g_clear_error (&error);

  /* Noise all over. */
  g_assert_cmpint (vips_gaussnoise (&noise, 1240, 1754, "sigma", 30.0, "mean", 128.0, NULL), ==, 0);
  g_assert_cmpint (vips_cast_uchar (noise, &noisy, NULL), ==, 0);
  g_assert_null (mc_card_finder_find (noisy, 0, 2, NULL, &error));
  g_assert_error (error, MC_CARD_FINDER_ERROR, MC_CARD_FINDER_ERROR_NO_CARD);
}

/* A card pushed half off the glass: by each of its four edges it runs a
 * tenth of the card past the glass's edge, beside a whole card. The cut
 * card is still framed, whole (its corners where the card lies, also
 * those off the glass), the right way up and flagged as cut; on a pale
 * lid and on a dark one, with the resolution in the file or without
 * (then the whole card beside it gives the size). */
static void
test_cut_by_edge (void)
{
  JsonObject *card = NULL;
  g_autoptr(VipsImage) front = NULL;
  g_autoptr(VipsImage) back = NULL;
  const int W = 2480, H = 1754;

  for (guint c = 0; c < cards->len && card == NULL; c++)
    if (g_str_equal (json_object_get_string_member (g_ptr_array_index (cards, c), "presentation"), "glass"))
      card = g_ptr_array_index (cards, c);
  g_assert_nonnull (card);
  front = mc_test_id_card_cut_side (card, "front");
  back = mc_test_id_card_cut_side (card, "back");

  for (int variant = 0; variant < 16; variant++)
    {
      int edge = variant % 4;                 /* left, top, right, bottom */
      gboolean dpi_known = (variant / 4) % 2 == 0;
      gboolean pale = variant / 8 == 0;
      double tint = pale ? 238.0 : 45.0;
      double tilt = edge % 2 == 0 ? 2.0 : -1.5;
      g_autoptr(VipsImage) turned = NULL;
      g_autoptr(VipsImage) black = NULL;
      g_autoptr(VipsImage) lid = NULL;
      g_autoptr(VipsImage) one = NULL;
      g_autoptr(VipsImage) two = NULL;
      g_autoptr(VipsImage) noise = NULL;
      g_autoptr(VipsImage) noisy = NULL;
      g_autoptr(VipsImage) toned = NULL;
      g_autoptr(VipsImage) scan = NULL;
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonArray) quad = json_array_new ();
      VipsArrayDouble *background = vips_array_double_newv (3, tint, tint, tint);
      double rad = tilt * G_PI / 180, cs = cos (rad), sn = sin (rad);
      double cx[4] = { 0, 1012, 1012, 0 }, cy[4] = { 0, 0, 638, 638 };
      double tx[4], ty[4], minx = G_MAXDOUBLE, miny = G_MAXDOUBLE;
      int tw, th, fx, fy, bx, by;
      guint n_cut = 0;
      McCardCrop *cut = NULL;

      /* Turned a little, as cards lie; the corners turn with it. */
      g_assert_cmpint (vips_similarity (front, &turned, "angle", tilt, "background", background, NULL), ==, 0);
      vips_area_unref (VIPS_AREA (background));
      for (int i = 0; i < 4; i++)
        {
          tx[i] = cx[i] * cs - cy[i] * sn;
          ty[i] = cx[i] * sn + cy[i] * cs;
          minx = MIN (minx, tx[i]);
          miny = MIN (miny, ty[i]);
        }
      tw = vips_image_get_width (turned);
      th = vips_image_get_height (turned);
      /* A tenth of the card off the glass. */
      switch (edge)
        {
        case 0: fx = -101; fy = 300; bx = 1300; by = 900; break;
        case 1: fx = 300; fy = -64; bx = 1300; by = 900; break;
        case 2: fx = W - tw + 101; fy = 300; bx = 200; by = 900; break;
        default: fx = 300; fy = H - th + 64; bx = 1300; by = 200; break;
        }
      for (int i = 0; i < 4; i++)
        {
          json_array_add_double_element (quad, tx[i] - minx + fx);
          json_array_add_double_element (quad, ty[i] - miny + fy);
        }

      g_assert_cmpint (vips_black (&black, W, H, "bands", 3, NULL), ==, 0);
      g_assert_cmpint (vips_linear1 (black, &lid, 1.0, tint, "uchar", TRUE, NULL), ==, 0);
      g_assert_cmpint (vips_insert (lid, turned, &one, fx, fy, NULL), ==, 0);
      g_assert_cmpint (vips_insert (one, back, &two, bx, by, NULL), ==, 0);
      g_assert_cmpint (vips_gaussnoise (&noise, W, H, "sigma", 2.0, "mean", 0.0, "seed", 17 + variant, NULL), ==, 0);
      g_assert_cmpint (vips_add (two, noise, &noisy, NULL), ==, 0);
      /* Pale: the scanner's exposure squeezes card and lid towards white. */
      g_assert_cmpint (vips_linear1 (noisy, &toned, pale ? 0.55 : 1.0, pale ? 112.0 : 0.0, "uchar", TRUE, NULL), ==, 0);
      if (dpi_known)
        g_assert_cmpint (vips_copy (toned, &scan, "xres", 300 / 25.4, "yres", 300 / 25.4,
                                    "interpretation", VIPS_INTERPRETATION_sRGB, NULL), ==, 0);
      else
        g_assert_cmpint (vips_copy (toned, &scan, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), ==, 0);

      found = mc_card_finder_find (scan, 0, 2, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("edge %d, %s lid, dpi %s: %u card(s)", edge, pale ? "pale" : "dark",
                      dpi_known ? "known" : "unknown", found->len);
      g_assert_cmpuint (found->len, ==, 2);
      for (guint k = 0; k < found->len; k++)
        {
          McCardCrop *crop = g_ptr_array_index (found, k);

          g_test_message ("  crop %u: cut %d, MRZ band %d, side %d, at (%.0f, %.0f)", k, crop->cut,
                          crop->mrz_band, crop->side, crop->quad[0], crop->quad[1]);
          if (crop->cut)
            {
              n_cut++;
              cut = crop;
            }
          else
            g_assert_true (crop->mrz_band);
        }
      g_assert_cmpuint (n_cut, ==, 1);
      g_test_message ("  cut crop: corners %.1f px off, %s", corner_error (cut, quad, FALSE),
                      cut->upright_known ? "way up known" : "way up unknown");
      /* The whole card, within 2 mm, the right way up. */
      g_assert_cmpfloat (corner_error (cut, quad, FALSE), <, 2.0 * 300 / 25.4);
      g_assert_cmpint (cut->side, ==, MC_CARD_SIDE_FRONT);
    }
}

/* A phone photo of a card on a checked cloth: no one background colour,
 * edges everywhere. The card's pale face still frames it; a sheet of
 * white paper filling the photo is no card. */
static VipsImage *
checked_cloth (int w,
               int h)
{
  static const guchar tile[2 * 2 * 3] = {
    228, 128, 48,   52, 72, 110,
    52, 72, 110,    150, 92, 60,
  };
  g_autoptr(VipsImage) small = vips_image_new_from_memory_copy (tile, sizeof tile, 2, 2, 3, VIPS_FORMAT_UCHAR);
  g_autoptr(VipsImage) zoomed = NULL;
  g_autoptr(VipsImage) repeated = NULL;
  VipsImage *out = NULL;

  g_assert_nonnull (small);
  g_assert_cmpint (vips_zoom (small, &zoomed, 70, 70, NULL), ==, 0);
  g_assert_cmpint (vips_replicate (zoomed, &repeated, w / 140 + 1, h / 140 + 1, NULL), ==, 0);
  g_assert_cmpint (vips_extract_area (repeated, &out, 0, 0, w, h, NULL), ==, 0);
  return out;
}

static void
test_photo_cloth (void)
{
  JsonObject *card = NULL;
  g_autoptr(VipsImage) front = NULL;
  g_autoptr(VipsImage) opaque = NULL;
  g_autoptr(VipsImage) with_alpha = NULL;
  g_autoptr(VipsImage) turned = NULL;
  g_autoptr(VipsImage) cloth = NULL;
  g_autoptr(VipsImage) photo = NULL;
  g_autoptr(VipsImage) flat = NULL;
  g_autoptr(VipsImage) paper = NULL;
  g_autoptr(VipsImage) black = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  McCardCrop *crop;
  double cx = 0, cy = 0, turn;
  const int at[2] = { 520, 260 };

  for (guint c = 0; c < cards->len && card == NULL; c++)
    if (g_str_equal (json_object_get_string_member (g_ptr_array_index (cards, c), "presentation"), "glass"))
      card = g_ptr_array_index (cards, c);
  g_assert_nonnull (card);
  front = mc_test_id_card_cut_side (card, "front");
  g_assert_cmpint (vips_black (&opaque, vips_image_get_width (front), vips_image_get_height (front), NULL), ==, 0);
  {
    g_autoptr(VipsImage) alpha = NULL;

    g_assert_cmpint (vips_linear1 (opaque, &alpha, 1.0, 255.0, "uchar", TRUE, NULL), ==, 0);
    g_assert_cmpint (vips_bandjoin2 (front, alpha, &with_alpha, NULL), ==, 0);
  }
  g_assert_cmpint (vips_similarity (with_alpha, &turned, "angle", -20.0, NULL), ==, 0);
  cloth = checked_cloth (1920, 1280);
  g_assert_cmpint (vips_composite2 (cloth, turned, &photo, VIPS_BLEND_MODE_OVER,
                                    "x", at[0], "y", at[1], NULL), ==, 0);
  g_assert_cmpint (vips_flatten (photo, &flat, NULL), ==, 0);

  found = mc_card_finder_find (flat, 0, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpuint (found->len, ==, 1);
  crop = g_ptr_array_index (found, 0);
  for (int i = 0; i < 4; i++)
    {
      cx += crop->quad[2 * i] / 4;
      cy += crop->quad[2 * i + 1] / 4;
    }
  g_assert_cmpfloat (fabs (cx - (at[0] + vips_image_get_width (turned) / 2.0)), <, 15);
  g_assert_cmpfloat (fabs (cy - (at[1] + vips_image_get_height (turned) / 2.0)), <, 15);
  turn = fmod (crop->angle + 20.0 + 360.0, 180.0);
  g_assert_cmpfloat (MIN (turn, 180.0 - turn), <, 1.5);
  g_assert_cmpint (crop->side, ==, MC_CARD_SIDE_FRONT);

  /* A white sheet with a few grey lines fills a 16:9 photo: no card. */
  g_assert_cmpint (vips_black (&black, 1920, 1080, "bands", 3, NULL), ==, 0);
  g_assert_cmpint (vips_linear1 (black, &paper, 1.0, 245.0, "uchar", TRUE, NULL), ==, 0);
  for (int line = 0; line < 12; line++)
    {
      double grey[] = { 90, 90, 90 };

      g_assert_cmpint (vips_draw_rect (paper, grey, 3, 300, 150 + 60 * line, 1300, 14, "fill", TRUE, NULL), ==, 0);
    }
  g_clear_pointer (&found, g_ptr_array_unref);
  found = mc_card_finder_find (paper, 0, 2, NULL, &error);
  g_assert_null (found);
  g_assert_error (error, MC_CARD_FINDER_ERROR, MC_CARD_FINDER_ERROR_NO_CARD);
}

/* A crop whose frame was a few degrees off (the whole picture taken for
 * the card, a pale card's outline guessed): its text lines are levelled,
 * both ways round. */
static void
test_straighten (void)
{
  JsonObject *card = NULL;
  g_autoptr(VipsImage) front = NULL;

  for (guint c = 0; c < cards->len && card == NULL; c++)
    if (g_str_equal (json_object_get_string_member (g_ptr_array_index (cards, c), "presentation"), "glass"))
      card = g_ptr_array_index (cards, c);
  g_assert_nonnull (card);
  front = mc_test_id_card_cut_side (card, "front");

  for (int sense = -1; sense <= 1; sense += 2)
    {
      g_autoptr(VipsImage) turned = NULL;
      g_autoptr(VipsImage) cut = NULL;
      g_autoptr(VipsImage) level = NULL;
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GError) error = NULL;
      VipsArrayDouble *white = vips_array_double_newv (3, 255.0, 255.0, 255.0);
      McCardCrop *crop;
      double again;

      g_assert_cmpint (vips_similarity (front, &turned, "angle", sense * 6.0, "background", white, NULL), ==, 0);
      vips_area_unref (VIPS_AREA (white));
      g_assert_cmpint (vips_extract_area (turned, &cut, (vips_image_get_width (turned) - MC_CARD_CROP_WIDTH) / 2,
                                          (vips_image_get_height (turned) - MC_CARD_CROP_HEIGHT) / 2,
                                          MC_CARD_CROP_WIDTH, MC_CARD_CROP_HEIGHT, NULL), ==, 0);
      level = vips_image_copy_memory (cut);
      g_assert_cmpfloat (fabs (fabs (mc_card_crop_straighten (&level)) - 6.0), <, 1.0);
      g_assert_cmpfloat (fabs (mc_card_crop_straighten (&level)), <, 0.5);

      /* Through the finder: a card-shaped picture is taken whole, then
       * levelled. */
      found = mc_card_finder_find (cut, 0, 2, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (found->len, ==, 1);
      crop = g_ptr_array_index (found, 0);
      again = mc_card_crop_straighten (&crop->image);
      g_assert_cmpfloat (fabs (again), <, 0.5);
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  mc_test_init (&argc, &argv);
  mc_core_init ();
  g_test_log_set_fatal_handler (vips_warnings_pass, NULL);
  cards = mc_test_id_cards_load ();

  g_test_add_func ("/scanner/card-finder/generated", test_generated);
  g_test_add_func ("/scanner/card-finder/touching", test_touching);
  g_test_add_func ("/scanner/card-finder/turned", test_turned);
  g_test_add_func ("/scanner/card-finder/formats", test_formats);
  g_test_add_func ("/scanner/card-finder/no-card", test_no_card);
  g_test_add_func ("/scanner/card-finder/pale-lid", test_pale_lid);
  g_test_add_func ("/scanner/card-finder/pale-lid-turned", test_pale_lid_turned);
  g_test_add_func ("/scanner/card-finder/lids", test_lids);
  g_test_add_func ("/scanner/card-finder/cut-by-edge", test_cut_by_edge);
  g_test_add_func ("/scanner/card-finder/photo-cloth", test_photo_cloth);
  g_test_add_func ("/scanner/card-finder/straighten", test_straighten);
  ret = g_test_run ();
  g_ptr_array_unref (cards);
  return ret;
}
