/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Renders the papers the virtual "pnm" scanner scans in demos and
 * training: a two-page birth-registration form and a hospital birth
 * certificate with a red seal. Every sheet is synthetic and marked
 * MẪU / SPECIMEN; no real person's data. Written as PNM, the format the
 * pnm backend reads, at 200 dpi.
 *
 * Usage: mc-make-specimens OUTDIR */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#define DPI 200.0
#define MM(x) ((x) * DPI / 25.4)

/* Points are points: fonts are sized for the page's 200 dpi, not the
 * screen's 96. */
static PangoLayout *
make_layout (cairo_t *cr)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);

  pango_cairo_context_set_resolution (pango_layout_get_context (layout), DPI);
  pango_layout_context_changed (layout);
  return layout;
}

static void
text (cairo_t    *cr,
      double      x_mm,
      double      y_mm,
      double      width_mm,
      const char *font,
      PangoAlignment align,
      const char *markup)
{
  PangoLayout *layout = make_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_width (layout, (int) (MM (width_mm) * PANGO_SCALE));
  pango_layout_set_alignment (layout, align);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  pango_layout_set_markup (layout, markup, -1);
  cairo_move_to (cr, MM (x_mm), MM (y_mm));
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (desc);
  g_object_unref (layout);
}

static void
watermark (cairo_t *cr,
           double   w_mm,
           double   h_mm)
{
  PangoLayout *layout = make_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string ("Noto Sans Bold 60");

  cairo_save (cr);
  cairo_translate (cr, MM (w_mm / 2), MM (h_mm / 2));
  cairo_rotate (cr, -M_PI / 5);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, "MẪU · SPECIMEN", -1);
  {
    int lw, lh;

    pango_layout_get_pixel_size (layout, &lw, &lh);
    cairo_move_to (cr, -lw / 2.0, -lh / 2.0);
  }
  cairo_set_source_rgba (cr, 0.55, 0.55, 0.55, 0.35);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  pango_font_description_free (desc);
  g_object_unref (layout);
}

static void
dotted_field (cairo_t    *cr,
              double      y_mm,
              const char *label,
              const char *value)
{
  char *markup = g_markup_printf_escaped ("%s <i>%s</i>", label, value);

  text (cr, 25, y_mm, 165, "Noto Serif 12", PANGO_ALIGN_LEFT, markup);
  g_free (markup);
}

static int
save_pnm (cairo_surface_t *surface,
          const char      *path,
          int              grey)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  unsigned char *data;
  FILE *f = fopen (path, "wb");

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  if (f == NULL)
    return 1;
  fprintf (f, grey ? "P5\n%d %d\n255\n" : "P6\n%d %d\n255\n", w, h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = ((guint32 *) (void *) (data + y * stride))[x];
        unsigned char r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;

        if (grey)
          fputc ((r * 30 + g * 59 + b * 11) / 100, f);
        else
          {
            fputc (r, f);
            fputc (g, f);
            fputc (b, f);
          }
      }
  return fclose (f) != 0;
}

static cairo_surface_t *
new_page (cairo_t **cr)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) MM (210), (int) MM (297));

  *cr = cairo_create (s);
  cairo_set_source_rgb (*cr, 1, 1, 1);
  cairo_paint (*cr);
  cairo_set_source_rgb (*cr, 0.05, 0.05, 0.05);
  return s;
}

static void
state_header (cairo_t *cr,
              double   x_mm,
              double   width_mm)
{
  text (cr, x_mm, 15, width_mm, "Noto Serif Bold 12", PANGO_ALIGN_CENTER,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n<u>Độc lập - Tự do - Hạnh phúc</u>");
}

static int
form_page_1 (const char *path)
{
  cairo_t *cr;
  cairo_surface_t *s = new_page (&cr);
  double y = 48;

  state_header (cr, 20, 170);
  text (cr, 20, 36, 170, "Noto Serif Bold 15", PANGO_ALIGN_CENTER, "TỜ KHAI ĐĂNG KÝ KHAI SINH");
  text (cr, 20, y, 170, "Noto Serif 12", PANGO_ALIGN_CENTER,
        "Kính gửi: Ủy ban nhân dân phường Bắc Nha Trang, tỉnh Khánh Hòa");
  y += 14;
  dotted_field (cr, y, "Họ, chữ đệm, tên người yêu cầu:", "NGUYỄN VĂN MẪU"); y += 9;
  dotted_field (cr, y, "Nơi cư trú:", "Số 1 đường Mẫu, phường Bắc Nha Trang, tỉnh Khánh Hòa"); y += 9;
  dotted_field (cr, y, "Giấy tờ tùy thân:", "Căn cước số 056090000000 (số mẫu)"); y += 9;
  dotted_field (cr, y, "Quan hệ với người được khai sinh:", "Cha"); y += 14;
  text (cr, 25, y, 165, "Noto Serif Bold 12", PANGO_ALIGN_LEFT, "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:"); y += 10;
  dotted_field (cr, y, "Họ, chữ đệm, tên:", "NGUYỄN THỊ MẪU"); y += 9;
  dotted_field (cr, y, "Ngày, tháng, năm sinh:", "01/01/2026   ghi bằng chữ: Ngày một, tháng một, năm hai nghìn không trăm hai mươi sáu"); y += 14;
  dotted_field (cr, y, "Giới tính:", "Nữ        Dân tộc: Kinh        Quốc tịch: Việt Nam"); y += 9;
  dotted_field (cr, y, "Nơi sinh:", "Bệnh viện Mẫu, tỉnh Khánh Hòa"); y += 9;
  dotted_field (cr, y, "Quê quán:", "Phường Bắc Nha Trang, tỉnh Khánh Hòa"); y += 14;
  dotted_field (cr, y, "Họ, chữ đệm, tên người mẹ:", "TRẦN THỊ MẪU"); y += 9;
  dotted_field (cr, y, "Năm sinh:", "1995     Dân tộc: Kinh     Quốc tịch: Việt Nam"); y += 9;
  dotted_field (cr, y, "Họ, chữ đệm, tên người cha:", "NGUYỄN VĂN MẪU"); y += 9;
  dotted_field (cr, y, "Năm sinh:", "1990     Dân tộc: Kinh     Quốc tịch: Việt Nam"); y += 14;
  text (cr, 25, y, 165, "Noto Serif 12", PANGO_ALIGN_LEFT,
        "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa thuận nhất trí của các bên liên quan theo quy định pháp luật.");
  text (cr, 20, 280, 170, "Noto Sans 9", PANGO_ALIGN_CENTER, "Trang 1/2 · Giấy tờ mẫu do chương trình Một Cửa tạo ra để thử máy quét");
  watermark (cr, 210, 297);
  cairo_destroy (cr);
  {
    int r = save_pnm (s, path, 1);

    cairo_surface_destroy (s);
    return r;
  }
}

static int
form_page_2 (const char *path)
{
  cairo_t *cr;
  cairo_surface_t *s = new_page (&cr);

  text (cr, 25, 25, 165, "Noto Serif 12", PANGO_ALIGN_LEFT,
        "Đề nghị cấp bản sao trích lục khai sinh:   Có ☒   Không ☐\nSố lượng: 02 bản");
  text (cr, 110, 60, 80, "Noto Serif Italic 12", PANGO_ALIGN_CENTER,
        "Làm tại: phường Bắc Nha Trang, ngày 02 tháng 01 năm 2026");
  text (cr, 110, 75, 80, "Noto Serif Bold 12", PANGO_ALIGN_CENTER, "Người yêu cầu\n<span weight='normal' style='italic'>(ký, ghi rõ họ, chữ đệm, tên)</span>");
  text (cr, 110, 110, 80, "Noto Serif 14", PANGO_ALIGN_CENTER, "<i>Mẫu</i>\nNGUYỄN VĂN MẪU");
  text (cr, 25, 150, 165, "Noto Serif 11", PANGO_ALIGN_LEFT,
        "<b>Chú thích:</b> Đối với người nước ngoài, đối với trường hợp đăng ký khai sinh có yếu tố nước ngoài thì khai theo mẫu khác. Giấy tờ mẫu này chỉ dùng để thử máy quét và tập huấn.");
  text (cr, 20, 280, 170, "Noto Sans 9", PANGO_ALIGN_CENTER, "Trang 2/2 · Giấy tờ mẫu do chương trình Một Cửa tạo ra để thử máy quét");
  watermark (cr, 210, 297);
  cairo_destroy (cr);
  {
    int r = save_pnm (s, path, 1);

    cairo_surface_destroy (s);
    return r;
  }
}

static void
red_seal (cairo_t    *cr,
          double      cx_mm,
          double      cy_mm,
          double      r_mm)
{
  PangoLayout *layout;
  PangoFontDescription *desc;
  const char *ring = "BỆNH VIỆN MẪU * KHÁNH HÒA * ";
  glong n = g_utf8_strlen (ring, -1);
  const char *p = ring;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.85, 0.1, 0.1);
  cairo_set_line_width (cr, MM (0.8));
  cairo_new_path (cr);
  cairo_arc (cr, MM (cx_mm), MM (cy_mm), MM (r_mm), 0, 2 * M_PI);
  cairo_stroke (cr);
  cairo_arc (cr, MM (cx_mm), MM (cy_mm), MM (r_mm - 6), 0, 2 * M_PI);
  cairo_stroke (cr);

  layout = make_layout (cr);
  desc = pango_font_description_from_string ("Noto Sans Bold 9");
  pango_layout_set_font_description (layout, desc);
  for (glong i = 0; i < n; i++)
    {
      const char *next = g_utf8_next_char (p);
      double angle = 2 * M_PI * i / n - M_PI / 2;

      pango_layout_set_text (layout, p, (int) (next - p));
      cairo_save (cr);
      cairo_translate (cr, MM (cx_mm) + cos (angle) * MM (r_mm - 3.5),
                       MM (cy_mm) + sin (angle) * MM (r_mm - 3.5));
      cairo_rotate (cr, angle + M_PI / 2);
      cairo_move_to (cr, -MM (1), -MM (1.5));
      pango_cairo_show_layout (cr, layout);
      cairo_restore (cr);
      p = next;
    }
  pango_layout_set_text (layout, "★", -1);
  cairo_move_to (cr, MM (cx_mm - 2), MM (cy_mm - 3));
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  pango_font_description_free (desc);
  g_object_unref (layout);
}

static int
birth_certificate (const char *path)
{
  cairo_t *cr;
  cairo_surface_t *s = new_page (&cr);
  double y = 60;

  text (cr, 8, 15, 72, "Noto Serif 11", PANGO_ALIGN_CENTER, "SỞ Y TẾ KHÁNH HÒA\n<b>BỆNH VIỆN MẪU</b>\nSố: 0001/MẪU");
  state_header (cr, 82, 122);
  text (cr, 20, 42, 170, "Noto Serif Bold 16", PANGO_ALIGN_CENTER, "GIẤY CHỨNG SINH");
  dotted_field (cr, y, "Họ và tên mẹ:", "TRẦN THỊ MẪU"); y += 9;
  dotted_field (cr, y, "Năm sinh:", "1995"); y += 9;
  dotted_field (cr, y, "Nơi đăng ký thường trú:", "Phường Bắc Nha Trang, tỉnh Khánh Hòa"); y += 9;
  dotted_field (cr, y, "Đã sinh con vào lúc:", "08 giờ 30 phút, ngày 01 tháng 01 năm 2026"); y += 9;
  dotted_field (cr, y, "Tại:", "Bệnh viện Mẫu"); y += 9;
  dotted_field (cr, y, "Số con trong lần sinh này:", "01      Giới tính của con: Nữ      Cân nặng: 3.100 gam"); y += 9;
  dotted_field (cr, y, "Dự định đặt tên con là:", "NGUYỄN THỊ MẪU"); y += 20;
  text (cr, 110, y, 80, "Noto Serif Italic 12", PANGO_ALIGN_CENTER, "Khánh Hòa, ngày 01 tháng 01 năm 2026");
  text (cr, 110, y + 8, 80, "Noto Serif Bold 12", PANGO_ALIGN_CENTER, "GIÁM ĐỐC");
  red_seal (cr, 150, y + 30, 18);
  text (cr, 110, y + 52, 80, "Noto Serif Bold 12", PANGO_ALIGN_CENTER, "Bác sĩ MẪU");
  text (cr, 20, 280, 170, "Noto Sans 9", PANGO_ALIGN_CENTER, "Giấy tờ mẫu do chương trình Một Cửa tạo ra để thử máy quét");
  watermark (cr, 210, 297);
  cairo_destroy (cr);
  {
    int r = save_pnm (s, path, 0);

    cairo_surface_destroy (s);
    return r;
  }
}

int
main (int   argc,
      char *argv[])
{
  char *p1, *p2, *p3;
  int status;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s OUTDIR\n", argv[0]);
      return 2;
    }
  p1 = g_build_filename (argv[1], "to-khai-khai-sinh-1.pgm", NULL);
  p2 = g_build_filename (argv[1], "to-khai-khai-sinh-2.pgm", NULL);
  p3 = g_build_filename (argv[1], "giay-chung-sinh.ppm", NULL);
  status = form_page_1 (p1) | form_page_2 (p2) | birth_certificate (p3);
  g_free (p1);
  g_free (p2);
  g_free (p3);
  return status;
}
