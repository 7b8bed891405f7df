/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <unistd.h>
#include <string.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mc-test-package.h"

/* Synthetic paper: a title, then a square of noise that does not
 * compress (so the file has a known, useful size). */
static void
draw_page (cairo_t    *cr,
           const char *title,
           guint       side,
           GRand      *rand)
{
  cairo_surface_t *noise = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) side, (int) side);
  guint8 *data;
  int stride;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 18);
  cairo_move_to (cr, 40, 50);
  cairo_show_text (cr, title);

  cairo_surface_flush (noise);
  data = cairo_image_surface_get_data (noise);
  stride = cairo_image_surface_get_stride (noise);
  for (guint y = 0; y < side; y++)
    for (guint x = 0; x < side; x++)
      ((guint32 *) (data + (gsize) y * (gsize) stride))[x] = g_rand_int (rand) & 0xffffff;
  cairo_surface_mark_dirty (noise);
  cairo_set_source_surface (cr, noise, 40, 80);
  cairo_paint (cr);
  cairo_surface_destroy (noise);
}

static void
add_file (JsonBuilder *b,
          const char  *dir,
          const char  *name,
          const char  *media_type,
          int          pages,
          gint64      *total)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *data = NULL;
  g_autofree char *sha = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
  *total += (gint64) len;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "media_type");
  json_builder_add_string_value (b, media_type);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, (gint64) len);
  json_builder_set_member_name (b, "pages");
  json_builder_add_int_value (b, pages);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, sha);
  json_builder_end_object (b);
}

static void
begin_component (JsonBuilder *b,
                 const char  *key,
                 const char  *name,
                 gboolean     required)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "required");
  json_builder_add_boolean_value (b, required);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
}

static void
make_package (const char *dir,
              const char *uuid,
              guint       noise_pixels)
{
  g_autofree char *pdf = g_build_filename (dir, "01-to-khai.pdf", NULL);
  g_autofree char *png = g_build_filename (dir, "02-giay-chung-sinh.png", NULL);
  g_autofree char *tmp = g_build_filename (dir, ".manifest.json.tmp", NULL);
  g_autofree char *manifest = g_build_filename (dir, "manifest.json", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_str_hash (uuid));
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(GError) error = NULL;
  guint side = (guint) MAX (sqrt (noise_pixels / 2.0), 8);
  cairo_surface_t *surface;
  cairo_t *cr;
  gint64 total = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  surface = cairo_pdf_surface_create (pdf, 595, 842);
  cr = cairo_create (surface);
  draw_page (cr, "TO KHAI DANG KY KHAI SINH (mau thu, du lieu gia)", side, rand);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) side + 80, (int) side + 120);
  cr = cairo_create (surface);
  draw_page (cr, "GIAY CHUNG SINH (mau thu)", side, rand);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, "motcua-package");
  json_builder_set_member_name (b, "program");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "motcua");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "visit_id");
  json_builder_add_string_value (b, uuid);
  json_builder_set_member_name (b, "created_at");
  json_builder_add_string_value (b, "2026-11-28T02:40:00Z");
  json_builder_set_member_name (b, "ward_code");
  json_builder_add_string_value (b, "22366");
  json_builder_set_member_name (b, "counter");
  json_builder_add_string_value (b, "Quầy 1");
  json_builder_set_member_name (b, "procedure");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, "1.001193");
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "Đăng ký khai sinh");
  json_builder_set_member_name (b, "portal");
  json_builder_add_string_value (b, "national");
  json_builder_end_object (b);
  json_builder_set_member_name (b, "components");
  json_builder_begin_array (b);
  begin_component (b, "to-khai", "Tờ khai đăng ký khai sinh", TRUE);
  add_file (b, dir, "01-to-khai.pdf", "application/pdf", 1, &total);
  json_builder_end_array (b);
  json_builder_end_object (b);
  begin_component (b, "giay-chung-sinh", "Giấy chứng sinh", TRUE);
  add_file (b, dir, "02-giay-chung-sinh.png", "image/png", 1, &total);
  json_builder_end_array (b);
  json_builder_end_object (b);
  begin_component (b, "uy-quyen", "Văn bản ủy quyền", FALSE);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "total_size");
  json_builder_add_int_value (b, total);
  json_builder_set_member_name (b, "identity");
  json_builder_add_null_value (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_to_file (gen, tmp, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_rename (tmp, manifest), ==, 0);
}

char *
mc_test_make_package (const char  *parent,
                      guint        noise_pixels,
                      char       **visit_id)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *dir = g_build_filename (parent, uuid, NULL);

  make_package (dir, uuid, noise_pixels);
  if (visit_id != NULL)
    *visit_id = g_steal_pointer (&uuid);
  return g_steal_pointer (&dir);
}

void
mc_test_make_visit_package (const char *dir,
                            const char *visit_id,
                            guint       noise_pixels)
{
  make_package (dir, visit_id, noise_pixels);
}

void
mc_test_package_tamper (const char *dir,
                        const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GStatBuf st;
  guint8 byte;
  int fd;

  /* In place, as a program writing into the file would: a reader that
   * holds it open sees the change. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 10);
  fd = g_open (path, O_RDWR, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pread (fd, &byte, 1, st.st_size / 2), ==, 1);
  byte ^= 0x5a;
  g_assert_cmpint (pwrite (fd, &byte, 1, st.st_size / 2), ==, 1);
  g_assert_cmpint (close (fd), ==, 0);
}
