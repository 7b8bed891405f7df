/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The synthetic cards resources/specimens/mc-make-id-cards renders at build time: the truth
 * files are named in MOTCUA_ID_CARDS (colon-separated). Each card is a
 * JsonObject as the generator wrote it; "images" are made absolute. */
static inline GPtrArray *
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

static inline const char *
mc_test_id_card_field (JsonObject *card,
                       const char *field)
{
  JsonObject *fields = json_object_get_object_member (card, "fields");

  return json_object_get_null_member (fields, field) ? NULL : json_object_get_string_member (fields, field);
}

G_END_DECLS
