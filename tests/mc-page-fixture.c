/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "mc-page-fixture.h"
#include "mc-vips.h"

/* Made-up paperwork in the style of ward forms: no real person, place
 * names only at the level of the ward. */
static const char *paragraphs[] = {
  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập – Tự do – Hạnh phúc",
  "TỜ KHAI ĐĂNG KÝ KHAI SINH\nKính gửi: Ủy ban nhân dân phường Bắc Nha Trang, tỉnh Khánh Hòa.",
  "Họ, chữ đệm, tên người yêu cầu: Trần Thị Mẫu. Nơi cư trú: tổ dân phố số 4, phường Bắc Nha Trang. Giấy tờ tùy thân: căn cước, cấp ngày 12 tháng 3 năm 2021.",
  "Quan hệ với người được khai sinh: mẹ. Đề nghị cơ quan đăng ký khai sinh cho người dưới đây: họ, chữ đệm, tên: Lê Văn Thử; ngày, tháng, năm sinh: 05/01/2024; giới tính: nam; dân tộc: Kinh; quốc tịch: Việt Nam.",
  "Nơi sinh: Bệnh viện đa khoa tỉnh Khánh Hòa. Quê quán: xã Vĩnh Lương, thành phố Nha Trang. Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa thuận nhất trí của các bên liên quan theo quy định pháp luật.",
  "Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan của mình. Đề nghị cấp bản sao trích lục khai sinh: có, số lượng: hai bản.",
  "Giấy xác nhận cư trú này có giá trị sáu tháng kể từ ngày cấp. Người được xác nhận phải thông báo cho cơ quan đăng ký cư trú khi có thay đổi về nơi ở, nghề nghiệp hoặc nhân thân.",
  "Ghi chú: hồ sơ nộp trực tuyến qua Cổng dịch vụ công quốc gia hoặc Cổng dịch vụ công của tỉnh; kết quả được trả tại Bộ phận Tiếp nhận và Trả kết quả hoặc qua dịch vụ bưu chính công ích.",
  "Đơn đề nghị xác nhận tình trạng hôn nhân để làm thủ tục đăng ký kết hôn. Thời gian cư trú tại phường: từ tháng 8 năm 2015 đến nay. Mục đích sử dụng: bổ sung hồ sơ vay vốn tại ngân hàng chính sách xã hội.",
  "Biên nhận hồ sơ số 27/BN-UBND. Ngày hẹn trả kết quả: thứ sáu, ngày 14 tháng 6 năm 2024. Người nhận hồ sơ ký và ghi rõ họ tên; người nộp hồ sơ ký và ghi rõ họ tên.",
};

static void
check (int status)
{
  if (status != 0)
    g_error ("fixture: %s", vips_error_buffer ());
}

static char *
page_text (const McPageFixture *f)
{
  GString *s = g_string_new (NULL);
  guint n = f->n_paragraphs ? f->n_paragraphs : G_N_ELEMENTS (paragraphs);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (s, "\n\n");
      g_string_append (s, paragraphs[(i + f->variant) % G_N_ELEMENTS (paragraphs)]);
    }
  return g_string_free (s, FALSE);
}

/* A red round seal, as a 0–255 coverage mask, diameter 36 mm. */
static VipsImage *
seal_mask (double px_per_mm)
{
  g_autoptr(VipsImage) canvas = NULL;
  g_autoptr(VipsImage) mem = NULL;
  g_autoptr(VipsImage) label = NULL;
  double on[] = { 255.0 }, off[] = { 0.0 };
  int r = (int) (18.0 * px_per_mm);
  int t = MAX (2, (int) (0.9 * px_per_mm));
  int size = 2 * r + 4;
  int c = size / 2;

  check (vips_black (&canvas, size, size, NULL));
  mem = vips_image_copy_memory (canvas);
  check (mem == NULL);
  check (vips_draw_circle (mem, on, 1, c, c, r, "fill", TRUE, NULL));
  check (vips_draw_circle (mem, off, 1, c, c, r - t, "fill", TRUE, NULL));
  check (vips_draw_circle (mem, on, 1, c, c, r - 4 * t, "fill", TRUE, NULL));
  check (vips_draw_circle (mem, off, 1, c, c, r - 5 * t, "fill", TRUE, NULL));
  check (vips_draw_circle (mem, on, 1, c, c, (int) (4 * px_per_mm), "fill", TRUE, NULL));
  check (vips_text (&label, "ỦY BAN NHÂN DÂN", "font", "Noto Sans Bold 6",
                    "dpi", (int) (px_per_mm * 25.4), NULL));
  check (vips_draw_image (mem, label, c - vips_image_get_width (label) / 2,
                          c - (int) (9 * px_per_mm), "mode", VIPS_COMBINE_MODE_ADD, NULL));
  return g_steal_pointer (&mem);
}

/* The sheet being made: its size in pixels and its paper's grey. */
typedef struct {
  const McPageFixture *f;
  int                  w, h;
  double               px_per_mm;
  double               paper;
} Sheet;

/* @page becomes @next, which it owns. */
static void
replace (VipsImage **page,
         VipsImage  *next)
{
  g_object_unref (*page);
  *page = next;
}

/* The paper, with the text printed inside 20 mm margins. */
static VipsImage *
print_text (const Sheet *s,
            char       **text)
{
  const McPageFixture *f = s->f;
  g_autoptr(VipsImage) black = NULL;
  g_autoptr(VipsImage) paper = NULL;
  g_autoptr(VipsImage) mask = NULL;
  g_autoptr(VipsImage) mask_full = NULL;
  g_autoptr(VipsImage) inked = NULL;
  VipsImage *page = NULL;
  double ink = 25.0;
  int margin = (int) (20 * s->px_per_mm);

  check (vips_black (&black, s->w, s->h, NULL));
  check (vips_linear1 (black, &paper, 1.0, s->paper, NULL));
  if (f->blank)
    return g_steal_pointer (&paper);
  *text = page_text (f);
  check (vips_text (&mask, *text, "font", f->font ? f->font : "Noto Sans 12",
                    "width", s->w - 2 * margin, "dpi", f->dpi, "spacing", (int) (f->dpi * 0.08), NULL));
  check (vips_embed (mask, &mask_full, margin, margin, s->w, s->h, NULL));
  /* page - mask * (paper - ink) / 255 */
  check (vips_linear1 (mask_full, &inked, -(s->paper - ink) / 255.0, 0.0, NULL));
  check (vips_add (paper, inked, &page, NULL));
  return page;
}

/* A smooth mid-grey gradient with a darker "face": what a printed ID
 * photo looks like to a classifier. */
static void
add_photo (const Sheet *s,
           VipsImage  **page)
{
  g_autoptr(VipsImage) grad = NULL;
  g_autoptr(VipsImage) grad8 = NULL;
  VipsImage *with = NULL;
  int pw = (int) (30 * s->px_per_mm), ph = (int) (40 * s->px_per_mm);

  check (vips_sines (&grad, pw, ph, "hfreq", 0.5, "vfreq", 0.7, NULL));
  check (vips_linear1 (grad, &grad8, 45.0, 120.0, NULL));
  check (vips_insert (*page, grad8, &with, s->w - pw - (int) (25 * s->px_per_mm),
                      s->h - ph - (int) (30 * s->px_per_mm), NULL));
  replace (page, with);
}

/* Uneven lighting on grey paper: a gentle left-to-right falloff. */
static void
light_unevenly (const Sheet *s,
                VipsImage  **page)
{
  g_autoptr(VipsImage) ramp = NULL;
  g_autoptr(VipsImage) x = NULL;
  g_autoptr(VipsImage) falloff = NULL;
  VipsImage *lit = NULL;

  check (vips_xyz (&ramp, s->w, s->h, NULL));
  check (vips_extract_band (ramp, &x, 0, NULL));
  check (vips_linear1 (x, &falloff, -0.25 / s->w, 1.0, NULL));
  check (vips_multiply (*page, falloff, &lit, NULL));
  replace (page, lit);
}

/* Noise: one band, so the paper stays neutral grey. */
static void
add_noise (const Sheet *s,
           VipsImage  **page)
{
  g_autoptr(VipsImage) noise = NULL;
  VipsImage *noisy = NULL;

  check (vips_gaussnoise (&noise, s->w, s->h, "sigma", s->f->noise > 0 ? s->f->noise : 6.0, "mean", 0.0,
                          "seed", (int) (s->f->variant * 7919 + 17), NULL));
  check (vips_add (*page, noise, &noisy, NULL));
  replace (page, noisy);
}

/* To sRGB uchar, in memory (the seal and the dust draw on it). */
static void
to_rgb (VipsImage **page)
{
  g_autoptr(VipsImage) u8 = NULL;
  g_autoptr(VipsImage) rgb = NULL;
  VipsImage *bands[3];

  check (vips_cast_uchar (*page, &u8, NULL));
  bands[0] = bands[1] = bands[2] = u8;
  check (vips_bandjoin (bands, &rgb, 3, NULL));
  replace (page, vips_image_copy_memory (rgb));
  check (*page == NULL);
}

/* The seal multiplies red into the page. */
static void
press_seal (const Sheet *s,
            VipsImage   *page)
{
  g_autoptr(VipsImage) mask = seal_mask (s->px_per_mm);
  g_autoptr(VipsImage) region = NULL;
  g_autoptr(VipsImage) tinted = NULL;
  g_autoptr(VipsImage) tinted8 = NULL;
  g_autoptr(VipsImage) m = NULL;
  double keep[3] = { -(1.0 - 200.0 / 255.0) / 255.0, -(1.0 - 30.0 / 255.0) / 255.0, -(1.0 - 35.0 / 255.0) / 255.0 };
  double one[3] = { 1.0, 1.0, 1.0 };
  int sx = s->w - vips_image_get_width (mask) - (int) (30 * s->px_per_mm);
  int sy = s->h - vips_image_get_height (mask) - (int) (60 * s->px_per_mm);

  /* factor = 1 - m/255 * (1 - red/255) per band; out = page * factor */
  check (vips_linear (mask, &m, keep, one, 3, NULL));
  check (vips_extract_area (page, &region, sx, sy, vips_image_get_width (mask),
                            vips_image_get_height (mask), NULL));
  check (vips_multiply (region, m, &tinted, NULL));
  check (vips_cast_uchar (tinted, &tinted8, NULL));
  check (vips_draw_image (page, tinted8, sx, sy, NULL));
}

/* Dust: a few dark specks a millimetre or less across. */
static void
add_dust (const Sheet *s,
          VipsImage   *page)
{
  GRand *rand = g_rand_new_with_seed (s->f->variant + 5);
  double dark[] = { 90.0, 90.0, 90.0 };

  for (int i = 0; i < 6; i++)
    check (vips_draw_circle (page, dark, 3, g_rand_int_range (rand, 0, s->w),
                             g_rand_int_range (rand, 0, s->h),
                             MAX (1, (int) (g_rand_double_range (rand, 0.1, 0.35) * s->px_per_mm)),
                             "fill", TRUE, NULL));
  g_rand_free (rand);
}

/* The paper on the glass: a dark surround, then the skew. */
static void
place_on_glass (const Sheet *s,
                VipsImage  **page)
{
  const McPageFixture *f = s->f;
  double bg_glass[] = { 40.0, 40.0, 40.0 };
  double bg_lid[] = { s->paper, s->paper, s->paper };
  g_autoptr(VipsImage) placed = NULL;
  g_autoptr(VipsImage) rotated = NULL;
  VipsImage *cropped = NULL;
  int gm = f->glass ? (int) (15 * s->px_per_mm) : 0;
  VipsArrayDouble *background = vips_array_double_new (f->glass ? bg_glass : bg_lid, 3);

  check (vips_embed (*page, &placed, gm, gm, s->w + 2 * gm, s->h + 2 * gm,
                     "extend", VIPS_EXTEND_BACKGROUND,
                     "background", background, NULL));
  if (f->skew != 0.0)
    {
      int pw = vips_image_get_width (placed), ph = vips_image_get_height (placed);

      check (vips_rotate (placed, &rotated, f->skew, "background", background, NULL));
      /* The scanner's field of view does not grow with the skew. */
      check (vips_extract_area (rotated, &cropped,
                                (vips_image_get_width (rotated) - pw) / 2,
                                (vips_image_get_height (rotated) - ph) / 2, pw, ph, NULL));
    }
  else
    cropped = g_object_ref (placed);
  vips_area_unref (VIPS_AREA (background));
  replace (page, cropped);
}

/* The page as fed: turned by @rotation degrees clockwise. */
static void
turn (int         rotation,
      VipsImage **page)
{
  VipsImage *turned = NULL;
  VipsAngle a = rotation == 90 ? VIPS_ANGLE_D90 : rotation == 180 ? VIPS_ANGLE_D180 : VIPS_ANGLE_D270;

  check (vips_rot (*page, &turned, a, NULL));
  replace (page, turned);
}

VipsImage *
mc_page_fixture_render (const McPageFixture *f,
                        char               **truth)
{
  double width_mm = f->width_mm > 0 ? f->width_mm : 210.0;
  double height_mm = f->height_mm > 0 ? f->height_mm : 297.0;
  Sheet s = { .f = f, .px_per_mm = f->dpi / 25.4, .paper = f->grey_paper ? 200.0 : 246.0 };
  g_autoptr(VipsImage) out = NULL;
  g_autofree char *text = NULL;
  VipsImage *page;

  s.w = (int) lround (width_mm * s.px_per_mm);
  s.h = (int) lround (height_mm * s.px_per_mm);
  page = print_text (&s, &text);
  if (f->photo)
    add_photo (&s, &page);
  if (f->grey_paper)
    light_unevenly (&s, &page);
  add_noise (&s, &page);
  to_rgb (&page);
  if (f->seal)
    press_seal (&s, page);
  if (f->blank)
    add_dust (&s, page);
  place_on_glass (&s, &page);
  if (f->rotation != 0)
    turn (f->rotation, &page);

  check (vips_cast_uchar (page, &out, NULL));
  replace (&page, vips_image_copy_memory (out));
  check (page == NULL);
  vips_image_set_double (page, "xres", s.px_per_mm);
  page->Xres = s.px_per_mm;
  page->Yres = s.px_per_mm;

  /* The seal's own words are printed on the page too, below the text. */
  if (f->seal && text != NULL)
    {
      char *with = g_strconcat (text, "\n\nỦY BAN NHÂN DÂN", NULL);

      g_free (text);
      text = with;
    }
  if (truth != NULL)
    *truth = g_steal_pointer (&text);
  return page;
}

void
mc_page_fixture_save (const McPageFixture *fixture,
                      const char          *path,
                      char               **truth)
{
  g_autoptr(VipsImage) page = mc_page_fixture_render (fixture, truth);

  check (vips_image_write_to_file (page, path, "compression", 1, NULL));
}

static gunichar *
normalised_chars (const char *text,
                  glong      *n_out)
{
  g_autofree char *nfc = g_utf8_normalize (text ? text : "", -1, G_NORMALIZE_NFC);
  glong len = 0;
  g_autofree gunichar *chars = g_utf8_to_ucs4_fast (nfc ? nfc : "", -1, &len);
  gunichar *out = g_new (gunichar, len + 1);
  glong n = 0;
  gboolean space = TRUE;   /* drops leading space */

  for (glong i = 0; chars[i]; i++)
    {
      if (g_unichar_isspace (chars[i]))
        {
          if (!space)
            out[n++] = ' ';
          space = TRUE;
          continue;
        }
      out[n++] = chars[i];
      space = FALSE;
    }
  if (n > 0 && out[n - 1] == ' ')
    n--;
  *n_out = n;
  return out;
}

double
mc_text_cer (const char *truth,
             const char *got)
{
  glong n, m;
  g_autofree gunichar *a = normalised_chars (truth, &n);
  g_autofree gunichar *b = normalised_chars (got, &m);
  g_autofree guint *prev = g_new (guint, m + 1);
  g_autofree guint *cur = g_new (guint, m + 1);

  if (n == 0)
    return m == 0 ? 0.0 : 1.0;
  for (glong j = 0; j <= m; j++)
    prev[j] = j;
  for (glong i = 1; i <= n; i++)
    {
      cur[0] = i;
      for (glong j = 1; j <= m; j++)
        {
          guint sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
          guint del = prev[j] + 1;
          guint ins = cur[j - 1] + 1;

          cur[j] = MIN (sub, MIN (del, ins));
        }
      memcpy (prev, cur, (m + 1) * sizeof (guint));
    }
  return (double) prev[m] / n;
}

static guint32
crc32_update (guint32        crc,
              const guint8  *data,
              gsize          len)
{
  crc = ~crc;
  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
  return ~crc;
}

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

/* A PNG whose header (with a valid CRC) claims @width × @height, followed
 * by a tiny IDAT: a decoder that trusts the header would try to allocate
 * width × height × 3 bytes. */
void
mc_fixture_write_huge_png_header (const char *path,
                                  guint32     width,
                                  guint32     height)
{
  static const guint8 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guint8 idat_data[] = { 0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01 };
  guint8 ihdr[4 + 4 + 13 + 4];
  guint8 idat[4 + 4 + sizeof idat_data + 4];
  guint8 iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
  GString *png = g_string_new_len ((const char *) sig, 8);
  g_autoptr(GError) error = NULL;

  put_be32 (ihdr, 13);
  memcpy (ihdr + 4, "IHDR", 4);
  put_be32 (ihdr + 8, width);
  put_be32 (ihdr + 12, height);
  ihdr[16] = 8;   /* bit depth */
  ihdr[17] = 2;   /* RGB */
  ihdr[18] = ihdr[19] = ihdr[20] = 0;
  put_be32 (ihdr + 21, crc32_update (0, ihdr + 4, 17));
  g_string_append_len (png, (const char *) ihdr, sizeof ihdr);

  put_be32 (idat, sizeof idat_data);
  memcpy (idat + 4, "IDAT", 4);
  memcpy (idat + 8, idat_data, sizeof idat_data);
  put_be32 (idat + 8 + sizeof idat_data, crc32_update (0, idat + 4, 4 + sizeof idat_data));
  g_string_append_len (png, (const char *) idat, sizeof idat);
  g_string_append_len (png, (const char *) iend, sizeof iend);

  g_file_set_contents (path, png->str, png->len, &error);
  g_assert_no_error (error);
  g_string_free (png, TRUE);
}
