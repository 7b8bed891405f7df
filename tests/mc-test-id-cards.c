/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "mc-test-id-cards.h"

GPtrArray *
mc_test_id_cards_load (void)
{
  const char *list = g_getenv ("MOTCUA_ID_CARDS");
  g_auto(GStrv) files = NULL;
  GPtrArray *cards = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  g_assert_nonnull (list);
  files = g_strsplit (list, ":", -1);
  for (guint i = 0; files[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_path_get_dirname (files[i]);
      JsonArray *array;

      json_parser_load_from_file (parser, files[i], &error);
      g_assert_no_error (error);
      array = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "cards");
      for (guint k = 0; k < json_array_get_length (array); k++)
        {
          JsonObject *card = json_array_get_object_element (array, k);
          JsonArray *images = json_object_get_array_member (card, "images");
          JsonArray *absolute = json_array_new ();

          for (guint m = 0; m < json_array_get_length (images); m++)
            {
              const char *rel = json_array_get_string_element (images, m);
              g_autofree char *path = g_path_is_absolute (rel) ? g_strdup (rel) : g_build_filename (dir, rel, NULL);

              json_array_add_string_element (absolute, path);
            }
          json_object_set_array_member (card, "images", absolute);
          g_ptr_array_add (cards, json_object_ref (card));
        }
    }
  g_assert_cmpuint (cards->len, >, 0);
  return cards;
}

const char *
mc_test_id_card_field (JsonObject *card,
                       const char *field)
{
  JsonObject *fields = json_object_get_object_member (card, "fields");

  return json_object_get_null_member (fields, field) ? NULL : json_object_get_string_member (fields, field);
}

VipsImage *
mc_test_id_card_cut_side (JsonObject *card,
                          const char *side)
{
  JsonArray *placements = json_object_get_array_member (card, "placements");
  JsonArray *files = json_object_get_array_member (card, "images");

  for (guint i = 0; i < json_array_get_length (placements); i++)
    {
      JsonObject *p = json_array_get_object_element (placements, i);
      JsonArray *q = json_object_get_array_member (p, "quad");
      g_autoptr(VipsImage) image = NULL;
      g_autoptr(VipsImage) out = NULL;
      VipsImage *mem;
      double x0, y0, ux, uy, vx, vy, a, b, c, d, det;
      VipsArrayInt *oarea;
      int status;

      if (!g_str_equal (json_object_get_string_member (p, "side"), side))
        continue;
      image = vips_image_new_from_file (json_array_get_string_element (files, json_object_get_int_member (p, "image")),
                                        "access", VIPS_ACCESS_RANDOM, NULL);
      g_assert_nonnull (image);
      x0 = json_array_get_double_element (q, 0);
      y0 = json_array_get_double_element (q, 1);
      /* Input vectors of one output pixel along x (TL → TR) and y (TL → BL). */
      ux = (json_array_get_double_element (q, 2) - x0) / 1012.0;
      uy = (json_array_get_double_element (q, 3) - y0) / 1012.0;
      vx = (json_array_get_double_element (q, 6) - x0) / 638.0;
      vy = (json_array_get_double_element (q, 7) - y0) / 638.0;
      /* vips_affine maps input to output: invert [ux vx; uy vy]. */
      det = ux * vy - vx * uy;
      a = vy / det;
      b = -vx / det;
      c = -uy / det;
      d = ux / det;
      oarea = vips_array_int_newv (4, 0, 0, 1012, 638);
      status = vips_affine (image, &out, a, b, c, d,
                            "oarea", oarea,
                            "odx", -(a * x0 + b * y0),
                            "ody", -(c * x0 + d * y0),
                            "extend", VIPS_EXTEND_COPY, NULL);
      vips_area_unref (VIPS_AREA (oarea));
      g_assert_cmpint (status, ==, 0);
      mem = vips_image_copy_memory (out);
      g_assert_nonnull (mem);
      return mem;
    }
  g_assert_not_reached ();
  return NULL;
}
