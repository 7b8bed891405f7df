/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "mc-card-finder.h"
#include "mc-core.h"
#include "mc-id-error.h"
#include "mc-id-reader.h"
#include "mc-mrz-find.h"
#include "mc-vips.h"
#include "mc-test-util.h"

/* The MRZ found by its shape (ocr/mc-mrz-find.c): a synthetic zone drawn in
 * OCR-B among other print on a page, turned and scaled as a scan or a
 * photo leaves it, with no card outline around it. */

/* The synthetic card in shared/reference/id-cards.md */
#define VN1 "IDVNM0900012345056090001234<<6"
#define VN2 "9001011M3001019VNM<<<<<<<<<<<8"
#define VN3 "NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<"

#define PAGE_W 1800
#define PAGE_H 1300
#define MRZ_X 260
#define MRZ_Y 760

typedef struct {
  VipsImage *image;
  double     centre[2];     /* the zone's centre in @image */
  double     along[2];      /* its reading direction */
  double     pitch;
} Scene;

static void
scene_clear (Scene *scene)
{
  g_clear_object (&scene->image);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Scene, scene_clear)

/* Black print of @text in @font at 300 dpi, on white. */
static VipsImage *
print_text (const char *text,
            const char *font,
            int         width)
{
  g_autoptr(VipsImage) mask = NULL;
  g_autofree char *markup = g_markup_escape_text (text, -1);
  VipsImage *out = NULL;

  /* vips_text() takes Pango markup: the fillers must be escaped. */
  text = markup;
  if (width > 0)
    g_assert_cmpint (vips_text (&mask, text, "font", font, "dpi", 300, "width", width, NULL), ==, 0);
  else
    g_assert_cmpint (vips_text (&mask, text, "font", font, "dpi", 300, NULL), ==, 0);
  g_assert_cmpint (vips_invert (mask, &out, NULL), ==, 0);
  return out;
}

static void
paste (VipsImage  **page,
       VipsImage   *part,
       int          x,
       int          y)
{
  VipsImage *out = NULL;

  g_assert_cmpint (vips_insert (*page, part, &out, x, y, NULL), ==, 0);
  g_object_unref (*page);
  *page = out;
}

/* A page at 300 dpi: paragraphs of proportional print, a dark box, a
 * ruled line, and the zone; @pitch and @centre of the zone on the page. */
static VipsImage *
make_page (double *pitch,
           double  centre[2])
{
  g_autoptr(VipsImage) blank = NULL;
  g_autoptr(VipsImage) mrz = print_text (VN1 "\n" VN2 "\n" VN3, "OCR B 10", 0);
  g_autoptr(VipsImage) heading = print_text ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
                                             "Noto Sans Bold 11", 1400);
  g_autoptr(VipsImage) body = print_text ("Nơi cư trú / Place of residence: Số 1 đường Mẫu, phường Bắc "
                                          "Nha Trang, tỉnh Khánh Hòa. Ngày, tháng, năm cấp / Date of "
                                          "issue: 01/07/2024. Ghi chú: giấy này chỉ để thử.",
                                          "Noto Sans 9", 1300);
  g_autoptr(VipsImage) box = NULL;
  g_autoptr(VipsImage) rule = NULL;
  VipsImage *page = NULL;

  g_assert_cmpint (vips_black (&blank, PAGE_W, PAGE_H, NULL), ==, 0);
  g_assert_cmpint (vips_linear1 (blank, &page, 1.0, 245.0, NULL), ==, 0);
  {
    VipsImage *u8 = NULL;

    g_assert_cmpint (vips_cast_uchar (page, &u8, NULL), ==, 0);
    g_object_unref (page);
    page = u8;
  }
  g_assert_cmpint (vips_black (&box, 300, 300, NULL), ==, 0);
  g_assert_cmpint (vips_black (&rule, 1500, 4, NULL), ==, 0);
  paste (&page, heading, 200, 80);
  paste (&page, body, 200, 300);
  paste (&page, box, 1400, 330);
  paste (&page, rule, 150, 690);
  paste (&page, mrz, MRZ_X, MRZ_Y);

  *pitch = vips_image_get_width (mrz) / 30.0;
  centre[0] = MRZ_X + vips_image_get_width (mrz) / 2.0;
  centre[1] = MRZ_Y + vips_image_get_height (mrz) / 2.0;
  return page;
}

/* The page turned @degrees clockwise and scaled by @scale, with a
 * resolution in its header only when @dpi_known. */
static void
make_scene (double  degrees,
            double  scale,
            gboolean dpi_known,
            Scene  *scene)
{
  g_autoptr(VipsImage) page = NULL;
  g_autoptr(VipsImage) turned = NULL;
  g_autoptr(VipsImage) with_res = NULL;
  double res, pitch, centre[2], r = degrees * G_PI / 180;
  double a = scale * cos (r), b = -scale * sin (r), c = scale * sin (r), d = scale * cos (r);
  double xs[4] = { 0, PAGE_W, 0, PAGE_W }, ys[4] = { 0, 0, PAGE_H, PAGE_H };
  double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, max_x = -G_MAXDOUBLE, max_y = -G_MAXDOUBLE;
  VipsArrayInt *area;
  VipsArrayDouble *paper;

  page = make_page (&pitch, centre);
  for (int i = 0; i < 4; i++)
    {
      min_x = MIN (min_x, a * xs[i] + b * ys[i]);
      max_x = MAX (max_x, a * xs[i] + b * ys[i]);
      min_y = MIN (min_y, c * xs[i] + d * ys[i]);
      max_y = MAX (max_y, c * xs[i] + d * ys[i]);
    }
  area = vips_array_int_newv (4, 0, 0, (int) (max_x - min_x), (int) (max_y - min_y));
  paper = vips_array_double_newv (1, 245.0);
  g_assert_cmpint (vips_affine (page, &turned, a, b, c, d, "oarea", area, "odx", -min_x, "ody", -min_y,
                                "extend", VIPS_EXTEND_BACKGROUND, "background", paper, NULL), ==, 0);
  vips_area_unref (VIPS_AREA (area));
  vips_area_unref (VIPS_AREA (paper));
  /* No resolution: libvips's default of one pixel per millimetre. */
  res = dpi_known ? 300 * scale / 25.4 : 1.0;
  g_assert_cmpint (vips_copy (turned, &with_res, "xres", res, "yres", res, NULL), ==, 0);
  scene->image = vips_image_copy_memory (with_res);
  scene->centre[0] = a * centre[0] + b * centre[1] - min_x;
  scene->centre[1] = c * centre[0] + d * centre[1] - min_y;
  scene->along[0] = cos (r);
  scene->along[1] = sin (r);
  scene->pitch = pitch * scale;
}

static const double angles[] = { 7, 95, 200 };
/* For the geometry alone (no reading): also exactly on end, where the
 * lines' directions fall either side of vertical. */
static const double more_angles[] = { 7, 90, 95, 200, 270 };
static const double scales[] = { 0.6, 1.4 };

/* The band itself: where the zone is, along its lines, at its pitch. */
static void
test_geometry (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (more_angles); i++)
    for (guint s = 0; s < G_N_ELEMENTS (scales); s++)
      {
        g_auto(Scene) scene = { 0 };
        g_autoptr(GArray) bands = NULL;
        g_autoptr(GError) error = NULL;
        McMrzBand *band;

        g_test_message ("turned %.0f degrees, scaled by %.1f", more_angles[i], scales[s]);
        make_scene (more_angles[i], scales[s], s == 0, &scene);
        bands = mc_mrz_find_bands (scene.image, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (bands->len, >=, 1);
        band = &g_array_index (bands, McMrzBand, 0);
        g_assert_cmpint (band->n_lines, ==, 3);
        g_assert_cmpfloat (fabs (band->pitch - scene.pitch), <, 0.1 * scene.pitch);
        /* Along the lines, and the way they read: the fillers open ahead. */
        g_assert_cmpfloat (band->along[0] * scene.along[0] + band->along[1] * scene.along[1], >, 0.999);
        g_assert_cmpfloat (hypot (band->centre[0] - scene.centre[0], band->centre[1] - scene.centre[1]), <,
                           2 * scene.pitch);
        g_assert_cmpfloat (band->length, >=, 29 * scene.pitch);
      }
}

/* Read both ways round if need be: the check digits hold, and the band
 * then points the way the text reads and frames its card. */
static void
test_read (void)
{
  g_autoptr(McOcrPool) pool = g_object_ref (mc_ocr_pool_get_default ());

  for (guint i = 0; i < G_N_ELEMENTS (angles); i++)
    for (guint s = 0; s < G_N_ELEMENTS (scales); s++)
      {
        g_auto(Scene) scene = { 0 };
        g_autoptr(GError) error = NULL;
        McMrzBand band;
        McMrz mrz;
        int upright = ((int) (360 - lround (angles[i] / 90) * 90) % 360 + 360) % 360;

        g_test_message ("turned %.0f degrees, scaled by %.1f", angles[i], scales[s]);
        make_scene (angles[i], scales[s], s == 0, &scene);
        g_assert_true (mc_mrz_find_read (pool, scene.image, &mrz, &band, NULL, &error));
        g_assert_no_error (error);
        g_assert_true (mc_mrz_is_valid (&mrz));
        g_assert_cmpstr (mrz.id_number, ==, "056090001234");
        g_assert_cmpstr (mrz.birth, ==, "900101");
        g_assert_cmpstr (mrz.expiry, ==, "300101");
        g_assert_cmpfloat (band.along[0] * scene.along[0] + band.along[1] * scene.along[1], >, 0.95);
        g_assert_cmpint (mc_mrz_band_rotation (&band), ==, upright);

        /* The card it frames: upright, the zone across its bottom third. */
        {
          g_autoptr(VipsImage) card = mc_mrz_band_card (scene.image, &band, &error);
          g_autoptr(GArray) in_card = NULL;
          McMrzBand *zone;

          g_assert_no_error (error);
          g_assert_cmpint (vips_image_get_width (card), ==, MC_CARD_CROP_WIDTH);
          g_assert_cmpint (vips_image_get_height (card), ==, MC_CARD_CROP_HEIGHT);
          in_card = mc_mrz_find_bands (card, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (in_card->len, >=, 1);
          zone = &g_array_index (in_card, McMrzBand, 0);
          g_assert_cmpfloat (zone->along[0], >, 0.999);
          g_assert_cmpfloat (zone->centre[1], >, 0.66 * MC_CARD_CROP_HEIGHT);
          g_assert_cmpfloat (fabs (zone->centre[0] - MC_CARD_CROP_WIDTH / 2.0), <, 0.05 * MC_CARD_CROP_WIDTH);
        }
      }
}

/* The reader on such a page, turned further than Tesseract reads: no card
 * outline, no QR, no labels; the zone alone gives the record. */
static void
test_reader_turned_page (void)
{
  g_autoptr(McIdReader) reader = mc_id_reader_new (NULL);
  g_autoptr(GPtrArray) images = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(McIdResult) result = NULL;
  g_auto(Scene) scene = { 0 };
  const McIdentityField *number, *expiry;

  make_scene (35, 0.8, TRUE, &scene);
  g_ptr_array_add (images, scene.image);
  result = mc_id_reader_read (reader, images, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpint (mc_identity_get_source_status (result->identity, MC_ID_SOURCE_MRZ), ==,
                   MC_ID_SOURCE_STATUS_VALID);
  number = mc_identity_get_field (result->identity, MC_ID_FIELD_ID_NUMBER);
  g_assert_cmpstr (number->value, ==, "056090001234");
  expiry = mc_identity_get_field (result->identity, MC_ID_FIELD_DATE_OF_EXPIRY);
  g_assert_cmpstr (expiry->value, ==, "2030-01-01");
}

/* Print with no zone, and no print at all: no band, and no error. */
static void
test_none (void)
{
  g_autoptr(VipsImage) text = print_text ("Đơn đề nghị cấp bản sao trích lục hộ tịch. Kính gửi: Ủy ban "
                                          "nhân dân phường. Họ và tên người yêu cầu: NGUYỄN THỊ MẪU. "
                                          "Số định danh cá nhân: 056090001234.",
                                          "Noto Sans 11", 1800);
  g_autoptr(VipsImage) blank = NULL;
  g_autoptr(GArray) bands = NULL;
  g_autoptr(GArray) none = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McOcrPool) pool = g_object_ref (mc_ocr_pool_get_default ());
  McMrz mrz;

  bands = mc_mrz_find_bands (text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bands->len, ==, 0);
  g_assert_false (mc_mrz_find_read (pool, text, &mrz, NULL, NULL, &error));
  g_assert_error (error, MC_ID_ERROR, MC_ID_ERROR_NOT_MRZ);
  g_clear_error (&error);

  g_assert_cmpint (vips_black (&blank, 400, 300, NULL), ==, 0);
  none = mc_mrz_find_bands (blank, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();

  g_test_add_func ("/ocr/mrz-find/geometry", test_geometry);
  g_test_add_func ("/ocr/mrz-find/read", test_read);
  g_test_add_func ("/ocr/mrz-find/reader-turned-page", test_reader_turned_page);
  g_test_add_func ("/ocr/mrz-find/none", test_none);
  return g_test_run ();
}
