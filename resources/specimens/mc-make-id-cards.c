/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Renders synthetic Vietnamese ID cards (chip CCCD 2021 and căn cước 2024)
 * for the reader's tests and benchmark: fake random identities from a fixed
 * seed, valid 12-digit numbers and MRZ check digits, every card watermarked
 * MẪU. Each identity is presented as a glass scan with both sides (random
 * position, angle, resolution, blur, noise, JPEG), as two single-side crops,
 * or as two photos on a table; some have a damaged QR code or a smudged MRZ.
 * The truth goes to truth.json beside the images.
 *
 * Nothing here comes from a real card: names, numbers and addresses are
 * drawn at random from short lists of common words.
 *
 * Usage: mc-make-id-cards --out DIR --truth FILE [--seed N] [--first N] [--count N]
 *        mc-make-id-cards --specimen FILE.ppm
 *
 * The second form draws the one card the virtual scanner offers as a
 * specimen: both sides on the glass, slightly askew, as a clerk lays them.
 *
 * Card i of a seed is always the same card, whatever --first and --count:
 * the build makes its set in parts that run side by side.
 *
 * The MRZ check digits and the number's century digit are computed here on
 * their own, not with the reader's code, so a mistake in one cannot hide a
 * mistake in the other. */

#include <math.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <vips/vips.h>
#include <json-glib/json-glib.h>

#define CARD_W 85.6
#define CARD_H 53.98
#define CARD_R 3.18

/* The reader's tests check expiry against this day. */
#define REFERENCE_DAY "2025-06-01"

/* The image folder, relative to the truth file's. */
static const char *image_prefix = "";

typedef enum { LAYOUT_2021, LAYOUT_2024 } Layout;
typedef enum { PRESENT_GLASS, PRESENT_SIDES, PRESENT_PHOTO } Presentation;
typedef enum { QR_OK, QR_LIGHT, QR_HEAVY } QrDamage;

typedef struct {
  Layout     layout;
  char       id[13];
  char       old_id[10];       /* "" when none */
  char      *name;             /* upper case with diacritics, as printed */
  char      *name_title;       /* as in the QR payload */
  GDate      dob;
  gboolean   female;
  char      *origin;           /* 2021 only */
  char      *birth_place;      /* 2024 only */
  char      *residence;
  char      *features;         /* "Đặc điểm nhân dạng", 2021 back */
  GDate      issue;
  GDate      expiry;
  gboolean   no_expiry;
  GPtrArray *qr_extra;         /* 2024: fields after the seventh */
  char       mrz[3][31];
} Identity;

typedef struct {
  Identity      id;
  Presentation  presentation;
  QrDamage      qr_damage;
  gboolean      mrz_smudge;
  int           dpi;           /* glass and sides; photos: 0 */
} Card;

/* ---------------------------------------------------------------- data */

static const char *surnames[] = {
  "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
  "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lâm", "Mai",
  "Tô", "Châu", "Đoàn", "Lương", "Trịnh", "Cao", "Hà", "Tạ",
};
static const char *middle_m[] = {
  "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công", "Xuân", "Đình", "Ngọc", "Quang", "Trọng",
};
static const char *middle_f[] = {
  "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Bích", "Hồng", "Phương", "Khánh", "Thùy", "Diễm",
};
static const char *given_m[] = {
  "An", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
  "Khang", "Khoa", "Lâm", "Long", "Lực", "Minh", "Nam", "Nghĩa", "Nhân", "Phát", "Phong",
  "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Thịnh", "Tiến", "Toàn", "Trí", "Trung", "Tuấn",
  "Việt", "Vinh", "Vũ", "Khải", "Lộc", "Đông",
};
static const char *given_f[] = {
  "Anh", "Châu", "Chi", "Diệp", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Huệ",
  "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh",
  "Phượng", "Quyên", "Thảo", "Thư", "Thủy", "Trang", "Trinh", "Tuyết", "Vân", "Xuân", "Yến",
  "Ánh", "Ngọc",
};

/* Province codes of the ID number (place where the birth was registered). */
static const char *provinces[][2] = {
  { "056", "Khánh Hòa" }, { "056", "Khánh Hòa" }, { "056", "Khánh Hòa" }, { "058", "Ninh Thuận" },
  { "054", "Phú Yên" }, { "052", "Bình Định" }, { "001", "Hà Nội" }, { "079", "Hồ Chí Minh" },
  { "048", "Đà Nẵng" }, { "040", "Nghệ An" }, { "036", "Nam Định" }, { "049", "Quảng Nam" },
  { "066", "Đắk Lắk" }, { "060", "Bình Thuận" }, { "038", "Thanh Hóa" }, { "051", "Quảng Ngãi" },
};

static const char *districts_kh[] = {
  "Nha Trang", "Cam Ranh", "Ninh Hòa", "Vạn Ninh", "Diên Khánh", "Cam Lâm", "Khánh Vĩnh",
};
static const char *origins[] = {
  "Ninh Hòa, Khánh Hòa", "Diên Khánh, Khánh Hòa", "Vạn Ninh, Khánh Hòa", "Cam Lâm, Khánh Hòa",
  "Tuy Phước, Bình Định", "Hải Hậu, Nam Định", "Quỳnh Lưu, Nghệ An", "Điện Bàn, Quảng Nam",
  "Tuy An, Phú Yên", "Ninh Phước, Ninh Thuận", "Đức Phổ, Quảng Ngãi", "Hương Trà, Thừa Thiên Huế",
  "Phù Mỹ, Bình Định", "Nghĩa Hành, Quảng Ngãi", "Xuân Trường, Nam Định", "Tĩnh Gia, Thanh Hóa",
};
static const char *streets[] = {
  "Trần Phú", "Lê Thánh Tôn", "Nguyễn Thiện Thuật", "Yersin", "Hùng Vương", "2 Tháng 4",
  "Lê Hồng Phong", "Nguyễn Trãi", "Thống Nhất", "Phạm Văn Đồng", "Hoàng Văn Thụ", "Lý Tự Trọng",
};
static const char *wards_nt[] = {
  "Vĩnh Hải", "Vĩnh Phước", "Lộc Thọ", "Tân Lập", "Phước Hải", "Vĩnh Nguyên", "Phước Long",
  "Vĩnh Hòa", "Ngọc Hiệp", "Phương Sài", "Vạn Thạnh", "Xương Huân",
};
static const char *villages[] = {
  "Phú Bình", "Tân Mỹ", "Xuân Sơn", "Hòa Thuận", "Đông Hải", "Quảng Hội", "Lạc An", "Vĩnh Yên",
};
static const char *communes[] = {
  "Vạn Thắng", "Ninh Hưng", "Diên Phú", "Cam Hải Tây", "Suối Tiên", "Ninh Ích", "Vạn Phú",
};
static const char *marks[] = {
  "Nốt ruồi C:2cm trên sau đuôi mắt trái", "Sẹo chấm C:1cm dưới trước cằm",
  "Nốt ruồi C:1,5cm dưới sau cánh mũi phải", "Sẹo chấm C:3cm trên trước đầu mày phải",
  "Nốt ruồi C:2cm dưới sau mép trái",
};
static const char *issue_places_2024[] = {
  "Khánh Hòa", "Phường Lộc Thọ, Thành phố Nha Trang, Tỉnh Khánh Hòa",
  "Xã Vạn Thắng, Huyện Vạn Ninh, Tỉnh Khánh Hòa", "Ninh Thuận", "Thành phố Hồ Chí Minh",
};

#define PICK(rng, arr) (arr[g_rand_int_range ((rng), 0, G_N_ELEMENTS (arr))])

/* -------------------------------------------------------------- identity */

static int
check_digit (const char *s, int len)
{
  static const int w[3] = { 7, 3, 1 };
  int sum = 0;

  for (int i = 0; i < len; i++)
    {
      int v = s[i] == '<' ? 0 : (s[i] >= 'A' ? s[i] - 'A' + 10 : s[i] - '0');
      sum += v * w[i % 3];
    }
  return sum % 10;
}

/* Upper case ASCII without diacritics, Đ → D, spaces as '<'. */
static char *
mrz_name (const char *name)
{
  g_autofree char *nfd = g_utf8_normalize (name, -1, G_NORMALIZE_NFD);
  GString *out = g_string_new (NULL);

  for (const char *p = nfd; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0x0110 || c == 0x0111)
        g_string_append_c (out, 'D');
      else if (c == ' ')
        g_string_append_c (out, '<');
      else if (c < 0x80 && g_ascii_isalpha (c))
        g_string_append_c (out, g_ascii_toupper (c));
    }
  return g_string_free (out, FALSE);
}

static void
yymmdd (const GDate *d, char *out)
{
  g_snprintf (out, 7, "%02d%02d%02d", g_date_get_year (d) % 100, g_date_get_month (d),
              g_date_get_day (d));
}

static void
compose_mrz (Identity *id)
{
  char *l1 = id->mrz[0], *l2 = id->mrz[1], *l3 = id->mrz[2];
  char birth[7], exp[7];
  g_autofree char *name = mrz_name (id->name);
  char *first_gap;
  GString *composite;

  g_snprintf (l1, 31, "IDVNM%.9s%d%s<<%d", id->id + 3, check_digit (id->id + 3, 9), id->id,
              check_digit (id->id, 12));
  yymmdd (&id->dob, birth);
  if (id->no_expiry)
    strcpy (exp, "991231");
  else
    yymmdd (&id->expiry, exp);
  g_snprintf (l2, 31, "%s%d%c%s%dVNM<<<<<<<<<<<", birth, check_digit (birth, 6),
              id->female ? 'F' : 'M', exp, check_digit (exp, 6));
  composite = g_string_new (NULL);
  g_string_append_len (composite, l1 + 5, 25);
  g_string_append_len (composite, l2, 7);
  g_string_append_len (composite, l2 + 8, 7);
  g_string_append_len (composite, l2 + 18, 11);
  l2[29] = '0' + check_digit (composite->str, composite->len);
  l2[30] = '\0';
  g_string_free (composite, TRUE);

  /* SURNAME<<GIVEN<NAMES: the first word is the family name. */
  first_gap = strchr (name, '<');
  memset (l3, '<', 30);
  l3[30] = '\0';
  if (first_gap != NULL)
    {
      int sl = first_gap - name;
      g_autofree char *rest = g_strdup (first_gap + 1);
      int n = MIN (sl, 30);

      memcpy (l3, name, n);
      if (n + 2 < 30)
        memcpy (l3 + n + 2, rest, MIN ((int) strlen (rest), 30 - n - 2));
    }
  else
    memcpy (l3, name, MIN ((int) strlen (name), 30));
}

static int
age_on (const GDate *dob, const GDate *day)
{
  int age = g_date_get_year (day) - g_date_get_year (dob);

  if (g_date_get_month (day) < g_date_get_month (dob) ||
      (g_date_get_month (day) == g_date_get_month (dob) && g_date_get_day (day) < g_date_get_day (dob)))
    age--;
  return age;
}

static void
birthday_at (const GDate *dob, int age, GDate *out)
{
  int y = g_date_get_year (dob) + age;
  int m = g_date_get_month (dob);
  int d = g_date_get_day (dob);

  if (!g_date_valid_dmy (d, m, y))
    d = g_date_get_days_in_month (m, y);
  g_date_clear (out, 1);
  g_date_set_dmy (out, d, m, y);
}

/* Renewal ages: a card issued less than two years before one of them is
 * good until the next; none left means no expiry. */
static void
expiry_rule (Identity *id)
{
  static const int ages_2021[] = { 25, 40, 60 };
  static const int ages_2024[] = { 14, 25, 40, 60 };
  const int *ages = id->layout == LAYOUT_2021 ? ages_2021 : ages_2024;
  int n = id->layout == LAYOUT_2021 ? 3 : 4;

  id->no_expiry = TRUE;
  for (int i = 0; i < n; i++)
    {
      GDate limit;

      birthday_at (&id->dob, ages[i] - 2, &limit);
      if (g_date_compare (&id->issue, &limit) < 0)
        {
          birthday_at (&id->dob, ages[i], &id->expiry);
          id->no_expiry = FALSE;
          return;
        }
    }
}

static void
random_date (GRand *rng, int y0, int y1, GDate *out)
{
  GDate a, b;

  g_date_clear (&a, 1);
  g_date_clear (&b, 1);
  g_date_set_dmy (&a, 1, 1, y0);
  g_date_set_dmy (&b, 31, 12, y1);
  g_date_clear (out, 1);
  g_date_set_julian (out, g_rand_int_range (rng, g_date_get_julian (&a), g_date_get_julian (&b) + 1));
}

static char *
title_to_upper (const char *s)
{
  return g_utf8_strup (s, -1);
}

static char *
random_residence (GRand *rng)
{
  switch (g_rand_int_range (rng, 0, 3))
    {
    case 0:
      return g_strdup_printf ("Số %d %s, %s, Nha Trang, Khánh Hòa", g_rand_int_range (rng, 1, 180),
                              PICK (rng, streets), PICK (rng, wards_nt));
    case 1:
      return g_strdup_printf ("Tổ %d, %s, Nha Trang, Khánh Hòa", g_rand_int_range (rng, 1, 25),
                              PICK (rng, wards_nt));
    default:
      return g_strdup_printf ("Thôn %s, %s, %s, Khánh Hòa", PICK (rng, villages),
                              PICK (rng, communes), PICK (rng, districts_kh));
    }
}

static void
random_identity (GRand *rng, Layout layout, Identity *id)
{
  GString *name = g_string_new (NULL);
  int prov = g_rand_int_range (rng, 0, G_N_ELEMENTS (provinces));
  int year;
  GDate earliest, latest;

  memset (id, 0, sizeof *id);
  id->layout = layout;
  id->female = g_rand_boolean (rng);

  g_string_append (name, PICK (rng, surnames));
  g_string_append_c (name, ' ');
  if (id->female)
    {
      g_string_append (name, PICK (rng, middle_f));
      if (g_rand_int_range (rng, 0, 3) == 0)
        g_string_append_printf (name, " %s", PICK (rng, middle_f));
      g_string_append_printf (name, " %s", PICK (rng, given_f));
    }
  else
    {
      g_string_append (name, PICK (rng, middle_m));
      if (g_rand_int_range (rng, 0, 4) == 0)
        g_string_append_printf (name, " %s", PICK (rng, middle_m));
      g_string_append_printf (name, " %s", PICK (rng, given_m));
    }
  id->name_title = g_string_free (name, FALSE);
  id->name = title_to_upper (id->name_title);

  /* Issue first, then a birth date that makes the holder old enough. */
  /* Chip CCCDs were issued from 2021 until June 2024, căn cước since July 2024. */
  g_date_clear (&earliest, 1);
  g_date_clear (&latest, 1);
  if (layout == LAYOUT_2021)
    {
      g_date_set_dmy (&earliest, 1, 1, 2021);
      g_date_set_dmy (&latest, 30, 6, 2024);
    }
  else
    {
      g_date_set_dmy (&earliest, 1, 7, 2024);
      g_date_set_dmy (&latest, 31, 5, 2025);
    }
  g_date_clear (&id->issue, 1);
  g_date_set_julian (&id->issue, g_rand_int_range (rng, g_date_get_julian (&earliest),
                                                   g_date_get_julian (&latest) + 1));

  /* Mostly working-age adults, some young, some past 58 (no expiry). */
  switch (g_rand_int_range (rng, 0, 10))
    {
    case 0:
      year = g_date_get_year (&id->issue) - g_rand_int_range (rng, 58, 85);
      break;
    case 1:
      year = g_date_get_year (&id->issue) - g_rand_int_range (rng, layout == LAYOUT_2021 ? 15 : 8, 23);
      break;
    default:
      year = g_date_get_year (&id->issue) - g_rand_int_range (rng, 23, 58);
      break;
    }
  random_date (rng, year, year, &id->dob);
  if (age_on (&id->dob, &id->issue) < (layout == LAYOUT_2021 ? 14 : 6))
    g_date_subtract_years (&id->dob, 2);
  expiry_rule (id);

  g_snprintf (id->id, sizeof id->id, "%s%d%02d%06d", provinces[prov][0],
              (g_date_get_year (&id->dob) >= 2000 ? 2 : 0) + (id->female ? 1 : 0),
              g_date_get_year (&id->dob) % 100, g_rand_int_range (rng, 0, 1000000));
  if (g_rand_boolean (rng) && g_date_get_year (&id->dob) < 2000)
    g_snprintf (id->old_id, sizeof id->old_id, "2%08d", g_rand_int_range (rng, 0, 100000000));

  id->origin = g_strdup (PICK (rng, origins));
  id->birth_place = g_strdup (PICK (rng, issue_places_2024));
  id->residence = random_residence (rng);
  id->features = g_strdup (PICK (rng, marks));

  id->qr_extra = g_ptr_array_new_with_free_func (g_free);
  if (layout == LAYOUT_2024 && g_rand_boolean (rng))
    {
      /* Parents' names and a cancelled number: the reader must skip them. */
      g_ptr_array_add (id->qr_extra, g_strdup_printf ("%s %s %s", PICK (rng, surnames),
                                                      PICK (rng, middle_m), PICK (rng, given_m)));
      g_ptr_array_add (id->qr_extra, g_strdup_printf ("%s %s %s", PICK (rng, surnames),
                                                      PICK (rng, middle_f), PICK (rng, given_f)));
      if (g_rand_boolean (rng))
        g_ptr_array_add (id->qr_extra, g_strdup (""));
    }

  compose_mrz (id);
}

static void
identity_clear (Identity *id)
{
  g_free (id->name);
  g_free (id->name_title);
  g_free (id->origin);
  g_free (id->birth_place);
  g_free (id->residence);
  g_free (id->features);
  g_clear_pointer (&id->qr_extra, g_ptr_array_unref);
}

static char *
ddmmyyyy (const GDate *d, const char *sep)
{
  return g_strdup_printf ("%02d%s%02d%s%04d", g_date_get_day (d), sep, g_date_get_month (d), sep,
                          g_date_get_year (d));
}

static char *
iso (const GDate *d)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (d), g_date_get_month (d), g_date_get_day (d));
}

static char *
qr_payload (const Identity *id)
{
  g_autofree char *dob = ddmmyyyy (&id->dob, "");
  g_autofree char *issue = ddmmyyyy (&id->issue, "");
  GString *s = g_string_new (NULL);

  g_string_printf (s, "%s|%s|%s|%s|%s|%s|%s", id->id, id->old_id, id->name_title, dob,
                   id->female ? "Nữ" : "Nam", id->residence, issue);
  for (guint i = 0; i < id->qr_extra->len; i++)
    g_string_append_printf (s, "|%s", (char *) g_ptr_array_index (id->qr_extra, i));
  return g_string_free (s, FALSE);
}

/* ------------------------------------------------------------- drawing */

typedef struct {
  double r, g, b;
} Rgb;

static const Rgb INK = { 0.08, 0.08, 0.12 };
static const Rgb LABEL = { 0.12, 0.14, 0.22 };
static const Rgb RED = { 0.78, 0.10, 0.10 };

/* Unhinted outlines, unrounded glyph positions: the same shapes and
 * advances at every resolution (rounding would snap each glyph to whole
 * millimetres, since the drawing units are millimetres). */
static PangoLayout *
make_layout (cairo_t *cr)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  cairo_font_options_t *fo = cairo_font_options_create ();

  cairo_font_options_set_hint_style (fo, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics (fo, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (pango_layout_get_context (layout), fo);
  pango_context_set_round_glyph_positions (pango_layout_get_context (layout), FALSE);
  pango_layout_context_changed (layout);
  cairo_font_options_destroy (fo);
  return layout;
}

/* Text at (x, y) in mm, y the top of the line; size is the em in mm. */
static double
text (cairo_t    *cr,
      double      x,
      double      y,
      const char *family,
      gboolean    bold,
      double      size,
      Rgb         colour,
      const char *str,
      int         align)    /* -1 left, 0 centre, 1 right */
{
  PangoLayout *layout = make_layout (cr);
  PangoFontDescription *desc = pango_font_description_new ();
  PangoRectangle ink, logical;

  pango_font_description_set_family (desc, family);
  pango_font_description_set_weight (desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, str, -1);
  pango_layout_get_extents (layout, &ink, &logical);

  double w = (double) logical.width / PANGO_SCALE;
  double x0 = align < 0 ? x : align == 0 ? x - w / 2 : x - w;

  cairo_set_source_rgb (cr, colour.r, colour.g, colour.b);
  cairo_move_to (cr, x0, y);
  pango_cairo_show_layout (cr, layout);
  cairo_new_path (cr);

  pango_font_description_free (desc);
  g_object_unref (layout);
  return x0 + w;
}

static double
text_width (cairo_t *cr, const char *family, gboolean bold, double size, const char *str)
{
  PangoLayout *layout = make_layout (cr);
  PangoFontDescription *desc = pango_font_description_new ();
  PangoRectangle logical;

  pango_font_description_set_family (desc, family);
  pango_font_description_set_weight (desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, str, -1);
  pango_layout_get_extents (layout, NULL, &logical);
  pango_font_description_free (desc);
  g_object_unref (layout);
  return (double) logical.width / PANGO_SCALE;
}

/* A bilingual label "Vietnamese / English:" then the value on the same line.
 * Returns the x where the value starts. */
static double
label (cairo_t *cr, double x, double y, const char *vi, const char *en)
{
  g_autofree char *s = g_strdup_printf ("%s / %s:", vi, en);

  return text (cr, x, y + 0.35, "Noto Sans", FALSE, 1.65, LABEL, s, -1) + 1.0;
}

static void
rounded_rect (cairo_t *cr, double x, double y, double w, double h, double r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
card_background (cairo_t *cr, Layout layout, GRand *rng)
{
  Rgb tint = layout == LAYOUT_2021 ? (Rgb) { 0.86, 0.92, 0.93 } : (Rgb) { 0.93, 0.90, 0.88 };
  Rgb line = layout == LAYOUT_2021 ? (Rgb) { 0.70, 0.80, 0.86 } : (Rgb) { 0.86, 0.78, 0.76 };
  double phase = g_rand_double (rng) * 6.28;
  cairo_pattern_t *grad;

  rounded_rect (cr, 0, 0, CARD_W, CARD_H, CARD_R);
  cairo_save (cr);
  cairo_clip_preserve (cr);
  grad = cairo_pattern_create_linear (0, 0, CARD_W, CARD_H);
  cairo_pattern_add_color_stop_rgb (grad, 0, tint.r, tint.g, tint.b);
  cairo_pattern_add_color_stop_rgb (grad, 1, tint.r - 0.03, tint.g - 0.02, tint.b + 0.02);
  cairo_set_source (cr, grad);
  cairo_fill (cr);
  cairo_pattern_destroy (grad);

  /* Guilloche: fine light waves, as printed security backgrounds have. */
  cairo_set_source_rgb (cr, line.r, line.g, line.b);
  cairo_set_line_width (cr, 0.08);
  for (double y0 = -4; y0 < CARD_H + 4; y0 += 1.6)
    {
      cairo_move_to (cr, 0, y0);
      for (double x = 0; x <= CARD_W; x += 0.8)
        cairo_line_to (cr, x, y0 + 1.1 * sin (x / 3.0 + y0 / 5.0 + phase));
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static void
emblem (cairo_t *cr, double cx, double cy, double r)
{
  cairo_arc (cr, cx, cy, r, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, 0.80, 0.12, 0.10);
  cairo_fill (cr);
  cairo_arc (cr, cx, cy, r * 0.92, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, 0.95, 0.78, 0.20);
  cairo_set_line_width (cr, r * 0.08);
  cairo_stroke (cr);
  cairo_move_to (cr, cx, cy - r * 0.55);
  for (int i = 1; i <= 10; i++)
    {
      double a = -G_PI / 2 + i * G_PI / 5;
      double rr = (i % 2) ? r * 0.22 : r * 0.55;

      cairo_line_to (cr, cx + rr * cos (a), cy + rr * sin (a));
    }
  cairo_close_path (cr);
  cairo_set_source_rgb (cr, 0.98, 0.85, 0.15);
  cairo_fill (cr);
}

static void
photo (cairo_t *cr, double x, double y, double w, double h, gboolean female)
{
  cairo_rectangle (cr, x, y, w, h);
  cairo_set_source_rgb (cr, 0.80, 0.86, 0.94);
  cairo_fill (cr);
  cairo_save (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, 0.30, 0.30, 0.34);
  cairo_arc (cr, x + w / 2, y + h * 0.42, w * 0.24, 0, 2 * G_PI);
  cairo_fill (cr);
  if (female)
    {
      cairo_arc (cr, x + w / 2, y + h * 0.40, w * 0.30, G_PI, 2 * G_PI);
      cairo_fill (cr);
    }
  cairo_arc (cr, x + w / 2, y + h * 1.05, w * 0.48, G_PI, 2 * G_PI);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_set_source_rgb (cr, 0.5, 0.5, 0.55);
  cairo_set_line_width (cr, 0.1);
  cairo_stroke (cr);
}

static void
chip (cairo_t *cr, double x, double y)
{
  rounded_rect (cr, x, y, 11, 9, 1.2);
  cairo_set_source_rgb (cr, 0.85, 0.72, 0.35);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.55, 0.45, 0.20);
  cairo_set_line_width (cr, 0.2);
  cairo_move_to (cr, x + 3.6, y);
  cairo_line_to (cr, x + 3.6, y + 9);
  cairo_move_to (cr, x + 7.4, y);
  cairo_line_to (cr, x + 7.4, y + 9);
  cairo_move_to (cr, x, y + 4.5);
  cairo_line_to (cr, x + 11, y + 4.5);
  cairo_stroke (cr);
}

static void
seal (cairo_t *cr, double cx, double cy, double r)
{
  cairo_set_source_rgba (cr, 0.80, 0.12, 0.12, 0.55);
  cairo_set_line_width (cr, 0.35);
  cairo_arc (cr, cx, cy, r, 0, 2 * G_PI);
  cairo_stroke (cr);
  cairo_arc (cr, cx, cy, r * 0.72, 0, 2 * G_PI);
  cairo_stroke (cr);
}

static void
signature (cairo_t *cr, double x, double y, GRand *rng)
{
  cairo_set_source_rgb (cr, 0.15, 0.20, 0.55);
  cairo_set_line_width (cr, 0.25);
  cairo_move_to (cr, x, y);
  for (int i = 0; i < 6; i++)
    cairo_rel_curve_to (cr, 1.5, -2.5 - g_rand_double (rng), 2.5, 2.5, 3.5, -0.3);
  cairo_stroke (cr);
}

static void
fingerprint (cairo_t *cr, double x, double y, double w, double h)
{
  cairo_rectangle (cr, x, y, w, h);
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.4);
  cairo_set_line_width (cr, 0.15);
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, 0.55, 0.55, 0.6);
  cairo_set_line_width (cr, 0.12);
  for (double r = 0.8; r < w * 0.42; r += 0.7)
    {
      cairo_new_sub_path (cr);
      cairo_arc (cr, x + w / 2, y + h * 0.55, r, G_PI * 1.05, G_PI * 2.95);
      cairo_stroke (cr);
    }
}

static void
qr (cairo_t *cr, const char *payload, double x, double y, double size, QrDamage damage, GRand *rng)
{
  QRcode *code = QRcode_encodeData (strlen (payload), (const unsigned char *) payload, 0, QR_ECLEVEL_M);
  double quiet = 1.0;
  double m;

  g_assert (code != NULL);
  m = (size - 2 * quiet) / code->width;
  cairo_rectangle (cr, x, y, size, size);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int r = 0; r < code->width; r++)
    for (int c = 0; c < code->width; c++)
      if (code->data[r * code->width + c] & 1)
        cairo_rectangle (cr, x + quiet + c * m, y + quiet + r * m, m, m);
  cairo_fill (cr);
  QRcode_free (code);

  if (damage == QR_LIGHT)
    {
      /* A small ink blot: within what error correction repairs. */
      double bx = x + quiet + size * (0.35 + 0.3 * g_rand_double (rng));
      double by = y + quiet + size * (0.45 + 0.3 * g_rand_double (rng));

      cairo_arc (cr, bx, by, 0.9, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.2);
      cairo_fill (cr);
    }
  else if (damage == QR_HEAVY)
    {
      /* Worn away across the middle and scratched: beyond repair. */
      cairo_rectangle (cr, x + size * 0.15, y + size * 0.30, size * 0.75, size * 0.40);
      cairo_set_source_rgb (cr, 0.93, 0.93, 0.92);
      cairo_fill (cr);
      cairo_move_to (cr, x, y + size * (0.2 + 0.2 * g_rand_double (rng)));
      cairo_line_to (cr, x + size, y + size * (0.6 + 0.3 * g_rand_double (rng)));
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      cairo_set_line_width (cr, 0.9);
      cairo_stroke (cr);
    }
}

static void
watermark (cairo_t *cr, double y_label)
{
  PangoLayout *layout = make_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string ("Noto Sans Bold");
  PangoRectangle logical;

  pango_font_description_set_absolute_size (desc, 16 * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, "MẪU", -1);
  pango_layout_get_extents (layout, NULL, &logical);
  cairo_save (cr);
  cairo_translate (cr, CARD_W * 0.55, CARD_H * 0.55);
  cairo_rotate (cr, -0.45);
  cairo_move_to (cr, -logical.width / 2.0 / PANGO_SCALE, -logical.height / 2.0 / PANGO_SCALE);
  pango_cairo_layout_path (cr, layout);
  cairo_set_source_rgba (cr, 0.85, 0.15, 0.15, 0.22);
  cairo_set_line_width (cr, 0.25);
  cairo_stroke (cr);
  cairo_restore (cr);
  pango_font_description_free (desc);
  g_object_unref (layout);

  text (cr, CARD_W - 2.5, y_label, "Noto Sans", TRUE, 1.3, RED, "MẪU · SPECIMEN", 1);
}

/* Splits @value so that its first part fits in @first_width mm after a
 * label and the rest on the next line. */
static void
split_value (cairo_t *cr, const char *value, double size, double first_width, char **a, char **b)
{
  g_auto(GStrv) words = g_strsplit (value, " ", -1);
  GString *first = g_string_new (NULL);
  guint i;

  for (i = 0; words[i]; i++)
    {
      g_autofree char *attempt = first->len ? g_strdup_printf ("%s %s", first->str, words[i])
                                            : g_strdup (words[i]);

      if (text_width (cr, "Noto Sans", FALSE, size, attempt) > first_width)
        break;
      g_string_assign (first, attempt);
    }
  *a = g_string_free (first, FALSE);
  *b = g_strjoinv (" ", words + i);
}

static void
header (cairo_t *cr, double cx, const char *title, const char *title_en)
{
  text (cr, cx, 2.2, "Noto Sans", TRUE, 1.85, INK, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 0);
  text (cr, cx, 4.6, "Noto Sans", TRUE, 1.75, INK, "Độc lập - Tự do - Hạnh phúc", 0);
  text (cr, cx, 7.0, "Noto Sans", FALSE, 1.45, INK, "SOCIALIST REPUBLIC OF VIET NAM", 0);
  text (cr, cx, 8.9, "Noto Sans", FALSE, 1.4, INK, "Independence - Freedom - Happiness", 0);
  text (cr, cx, 11.2, "Noto Sans", TRUE, 3.0, RED, title, 0);
  text (cr, cx, 15.2, "Noto Sans", FALSE, 1.8, INK, title_en, 0);
}

static void
draw_mrz (cairo_t *cr, const Identity *id, gboolean smudge, GRand *rng)
{
  /* OCR-B at 10 characters per 25.4 mm: scale the font to that pitch. */
  double w = text_width (cr, "OCR B", FALSE, 3.0, "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<");
  double size = 3.0 * 76.2 / w;

  for (int i = 0; i < 3; i++)
    text (cr, 4.7, 39.6 + i * 4.3, "OCR B", FALSE, size, (Rgb) { 0, 0, 0 }, id->mrz[i], -1);

  if (smudge)
    {
      int n = g_rand_int_range (rng, 2, 4);

      for (int i = 0; i < n; i++)
        {
          int line = g_rand_int_range (rng, 0, 2);
          /* Over the digits of the number or the dates, where it matters. */
          int col = line == 0 ? g_rand_int_range (rng, 5, 27) : g_rand_int_range (rng, 0, 15);
          double cx = 4.7 + (col + 0.5) * 2.54;
          double cy = 39.6 + line * 4.3 + 1.9;
          cairo_pattern_t *p = cairo_pattern_create_radial (cx, cy, 0, cx, cy, 1.6);

          cairo_pattern_add_color_stop_rgba (p, 0, 0.25, 0.25, 0.3, 0.95);
          cairo_pattern_add_color_stop_rgba (p, 0.6, 0.3, 0.3, 0.35, 0.8);
          cairo_pattern_add_color_stop_rgba (p, 1, 0.4, 0.4, 0.45, 0.0);
          cairo_set_source (cr, p);
          cairo_save (cr);
          cairo_translate (cr, cx, cy);
          cairo_scale (cr, 1.0, 0.8);
          cairo_translate (cr, -cx, -cy);
          cairo_arc (cr, cx, cy, 1.6, 0, 2 * G_PI);
          cairo_fill (cr);
          cairo_restore (cr);
          cairo_pattern_destroy (p);
        }
    }
}

static void
draw_front (cairo_t *cr, const Card *card, GRand *rng)
{
  const Identity *id = &card->id;
  g_autofree char *dob = ddmmyyyy (&id->dob, "/");
  double x = 24.5, vx;

  card_background (cr, id->layout, rng);
  emblem (cr, 8.5, 8.5, 5.8);
  photo (cr, 3.0, 18.5, 18.5, 24.5, id->female);

  if (id->layout == LAYOUT_2021)
    {
      g_autofree char *payload = qr_payload (id);
      g_autofree char *a = NULL, *b = NULL;

      header (cr, 43.5, "CĂN CƯỚC CÔNG DÂN", "Citizen Identity Card");
      qr (cr, payload, 66.0, 1.5, 18.0, card->qr_damage, rng);

      vx = label (cr, x, 19.6, "Số", "No.");
      text (cr, vx + 1.5, 18.9, "Noto Sans", TRUE, 2.9, INK, id->id, -1);
      label (cr, x, 23.5, "Họ và tên", "Full name");
      text (cr, x, 26.2, "Noto Sans", TRUE, 2.55, INK, id->name, -1);
      vx = label (cr, x, 29.9, "Ngày sinh", "Date of birth");
      text (cr, vx, 29.7, "Noto Sans", FALSE, 2.1, INK, dob, -1);
      vx = label (cr, x, 33.1, "Giới tính", "Sex");
      text (cr, vx, 32.9, "Noto Sans", FALSE, 2.1, INK, id->female ? "Nữ" : "Nam", -1);
      vx = label (cr, 49.0, 33.1, "Quốc tịch", "Nationality");
      text (cr, vx, 32.9, "Noto Sans", FALSE, 2.1, INK, "Việt Nam", -1);
      label (cr, x, 36.3, "Quê quán", "Place of origin");
      text (cr, x, 38.9, "Noto Sans", FALSE, 2.1, INK, id->origin, -1);
      vx = label (cr, x, 42.4, "Nơi thường trú", "Place of residence");
      split_value (cr, id->residence, 2.1, 83.5 - vx, &a, &b);
      text (cr, vx, 42.2, "Noto Sans", FALSE, 2.1, INK, a, -1);
      if (*b)
        text (cr, 83.5, 45.2, "Noto Sans", FALSE, 2.1, INK, b, 1);

      text (cr, 3.0, 44.0, "Noto Sans", FALSE, 1.35, LABEL, "Có giá trị đến:", -1);
      text (cr, 3.0, 45.8, "Noto Sans", FALSE, 1.35, LABEL, "Date of expiry", -1);
      if (id->no_expiry)
        text (cr, 3.0, 47.8, "Noto Sans", FALSE, 1.8, INK, "Không thời hạn", -1);
      else
        {
          g_autofree char *exp = ddmmyyyy (&id->expiry, "/");

          text (cr, 3.0, 47.8, "Noto Sans", FALSE, 1.8, INK, exp, -1);
        }
    }
  else
    {
      header (cr, 46.0, "CĂN CƯỚC", "IDENTITY CARD");
      label (cr, x, 19.4, "Số định danh cá nhân", "Personal identification number");
      text (cr, x, 21.8, "Noto Sans", TRUE, 2.9, INK, id->id, -1);
      label (cr, x, 26.0, "Họ, chữ đệm và tên khai sinh", "Full name");
      text (cr, x, 28.6, "Noto Sans", TRUE, 2.55, INK, id->name, -1);
      vx = label (cr, x, 32.6, "Ngày, tháng, năm sinh", "Date of birth");
      text (cr, vx, 32.4, "Noto Sans", FALSE, 2.1, INK, dob, -1);
      vx = label (cr, x, 36.0, "Giới tính", "Sex");
      text (cr, vx, 35.8, "Noto Sans", FALSE, 2.1, INK, id->female ? "Nữ" : "Nam", -1);
      vx = label (cr, 49.0, 36.0, "Quốc tịch", "Nationality");
      text (cr, vx, 35.8, "Noto Sans", FALSE, 2.1, INK, "Việt Nam", -1);
      chip (cr, 70.0, 41.0);
    }
  watermark (cr, CARD_H - 3.4);
}

static void
draw_back (cairo_t *cr, const Card *card, GRand *rng)
{
  const Identity *id = &card->id;
  g_autofree char *issue = ddmmyyyy (&id->issue, "/");
  double vx;

  card_background (cr, id->layout, rng);

  if (id->layout == LAYOUT_2021)
    {
      label (cr, 3.0, 2.5, "Đặc điểm nhân dạng", "Personal identification");
      text (cr, 3.0, 5.0, "Noto Sans", FALSE, 1.9, INK, id->features, -1);
      vx = label (cr, 3.0, 9.2, "Ngày, tháng, năm", "Date, month, year");
      text (cr, vx, 9.0, "Noto Sans", FALSE, 2.0, INK, issue, -1);
      text (cr, 22.0, 13.0, "Noto Sans", TRUE, 1.7, INK, "CỤC TRƯỞNG CỤC CẢNH SÁT", 0);
      text (cr, 22.0, 15.3, "Noto Sans", TRUE, 1.7, INK, "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", 0);
      seal (cr, 17.0, 25.0, 6.0);
      signature (cr, 14.0, 27.0, rng);
      chip (cr, 44.0, 20.0);
      fingerprint (cr, 57.5, 3.0, 12.5, 16.0);
      fingerprint (cr, 71.5, 3.0, 12.5, 16.0);
      text (cr, 63.75, 19.6, "Noto Sans", FALSE, 1.3, LABEL, "Ngón trỏ trái", 0);
      text (cr, 77.75, 19.6, "Noto Sans", FALSE, 1.3, LABEL, "Ngón trỏ phải", 0);
    }
  else
    {
      g_autofree char *payload = qr_payload (id);
      g_autofree char *a = NULL, *b = NULL;

      qr (cr, payload, 2.5, 2.0, 18.0, card->qr_damage, rng);
      label (cr, 23.5, 2.2, "Nơi cư trú", "Place of residence");
      split_value (cr, id->residence, 2.0, 59.5, &a, &b);
      text (cr, 23.5, 4.7, "Noto Sans", FALSE, 2.0, INK, a, -1);
      if (*b)
        text (cr, 23.5, 7.4, "Noto Sans", FALSE, 2.0, INK, b, -1);
      g_clear_pointer (&a, g_free);
      g_clear_pointer (&b, g_free);
      label (cr, 23.5, 10.6, "Nơi đăng ký khai sinh", "Place of birth");
      split_value (cr, id->birth_place, 2.0, 59.5, &a, &b);
      text (cr, 23.5, 13.1, "Noto Sans", FALSE, 2.0, INK, a, -1);
      if (*b)
        text (cr, 23.5, 15.8, "Noto Sans", FALSE, 2.0, INK, b, -1);

      label (cr, 2.5, 21.6, "Ngày, tháng, năm cấp", "Date of issue");
      text (cr, 2.5, 24.0, "Noto Sans", FALSE, 2.0, INK, issue, -1);
      label (cr, 2.5, 28.0, "Ngày, tháng, năm hết hạn", "Date of expiry");
      if (id->no_expiry)
        text (cr, 2.5, 30.4, "Noto Sans", FALSE, 2.0, INK, "Không thời hạn", -1);
      else
        {
          g_autofree char *exp = ddmmyyyy (&id->expiry, "/");

          text (cr, 2.5, 30.4, "Noto Sans", FALSE, 2.0, INK, exp, -1);
        }
      text (cr, 64.0, 21.6, "Noto Sans", TRUE, 1.9, INK, "BỘ CÔNG AN", 0);
      text (cr, 64.0, 24.0, "Noto Sans", FALSE, 1.4, INK, "MINISTRY OF PUBLIC SECURITY", 0);
      seal (cr, 60.0, 31.5, 5.0);
      signature (cr, 58.0, 33.0, rng);
    }
  draw_mrz (cr, id, card->mrz_smudge, rng);
  watermark (cr, 36.2);
}

/* -------------------------------------------------------- presentation */

typedef struct {
  double cx, cy;       /* centre, mm in the image */
  double angle;        /* radians, clockwise on screen */
  gboolean front;
} Placement;

static void
place_card (cairo_t *cr, const Card *card, const Placement *p, double scale_px_per_mm,
            gboolean shadow, GRand *rng)
{
  cairo_save (cr);
  cairo_scale (cr, scale_px_per_mm, scale_px_per_mm);
  cairo_translate (cr, p->cx, p->cy);
  cairo_rotate (cr, p->angle);
  cairo_translate (cr, -CARD_W / 2, -CARD_H / 2);
  if (shadow)
    {
      /* The card's edge casts a thin shadow under the scanner lid. */
      rounded_rect (cr, -0.15, -0.15, CARD_W + 0.3, CARD_H + 0.3, CARD_R + 0.15);
      cairo_set_source_rgba (cr, 0.25, 0.25, 0.25, 0.55);
      cairo_set_line_width (cr, 0.35);
      cairo_stroke (cr);
    }
  if (p->front)
    draw_front (cr, card, rng);
  else
    draw_back (cr, card, rng);
  cairo_restore (cr);
}

/* The corners of a placed card, in pixels, in the order top-left, top-right,
 * bottom-right, bottom-left of the card as printed. */
static void
placement_quad (const Placement *p, double px_per_mm, double quad[8])
{
  static const double cx[4] = { -1, 1, 1, -1 }, cy[4] = { -1, -1, 1, 1 };

  for (int i = 0; i < 4; i++)
    {
      double x = cx[i] * CARD_W / 2, y = cy[i] * CARD_H / 2;

      quad[2 * i] = (p->cx + x * cos (p->angle) - y * sin (p->angle)) * px_per_mm;
      quad[2 * i + 1] = (p->cy + x * sin (p->angle) + y * cos (p->angle)) * px_per_mm;
    }
}

static gboolean
placement_fits (const Placement *p, double w, double h, const Placement *other)
{
  double bw = fabs (CARD_W * cos (p->angle)) + fabs (CARD_H * sin (p->angle));
  double bh = fabs (CARD_W * sin (p->angle)) + fabs (CARD_H * cos (p->angle));

  if (p->cx - bw / 2 < 3 || p->cy - bh / 2 < 3 || p->cx + bw / 2 > w - 3 || p->cy + bh / 2 > h - 3)
    return FALSE;
  if (other != NULL)
    {
      double ow = fabs (CARD_W * cos (other->angle)) + fabs (CARD_H * sin (other->angle));
      double oh = fabs (CARD_W * sin (other->angle)) + fabs (CARD_H * cos (other->angle));

      if (fabs (p->cx - other->cx) < (bw + ow) / 2 + 4 && fabs (p->cy - other->cy) < (bh + oh) / 2 + 4)
        return FALSE;
    }
  return TRUE;
}

static double
random_angle (GRand *rng)
{
  static const double turns[] = { 0, 90, 180, 270 };
  double skew = g_rand_double_range (rng, -6.0, 6.0);
  /* Most cards lie as the clerk reads them; some turned. */
  double turn = g_rand_int_range (rng, 0, 3) == 0 ? turns[g_rand_int_range (rng, 1, 4)] : 0;

  return (turn + skew) * G_PI / 180.0;
}

/* Blur, sensor noise, then JPEG: what a cheap flatbed or phone does. */
static void
degrade_and_save (cairo_surface_t *surface, double blur, double noise, int quality,
                  double px_per_mm, const char *path, GRand *rng)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *data;
  guchar *rgb = g_malloc ((gsize) w * h * 3);
  VipsImage *img, *t1 = NULL, *t2 = NULL, *t3 = NULL, *t4 = NULL, *t5 = NULL, *t6 = NULL;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  for (int y = 0; y < h; y++)
    {
      const guint32 *row = (const guint32 *) (data + (gsize) y * stride);

      for (int x = 0; x < w; x++)
        {
          guint32 px = row[x];
          guchar *o = rgb + ((gsize) y * w + x) * 3;

          o[0] = (px >> 16) & 0xff;
          o[1] = (px >> 8) & 0xff;
          o[2] = px & 0xff;
        }
    }
  img = vips_image_new_from_memory_copy (rgb, (gsize) w * h * 3, w, h, 3, VIPS_FORMAT_UCHAR);
  g_free (rgb);

  if (blur > 0.05)
    {
      if (vips_gaussblur (img, &t1, blur, "precision", VIPS_PRECISION_INTEGER, NULL))
        vips_error_exit ("blur");
    }
  else
    t1 = g_object_ref (img);
  /* Sensor noise from one 509 × 509 tile repeated: drawing a Gaussian for
   * every pixel of a page is most of the generator's time otherwise. */
  {
    VipsImage *tile = NULL, *tile8 = NULL, *mem = NULL;

    /* Seeded: the same card every build (libvips seeds at random). */
    if (vips_gaussnoise (&tile, MIN (w, 509), MIN (h, 509), "sigma", noise, "mean", 0.0,
                         "seed", (int) (g_rand_int (rng) & 0x7fffffff), NULL) ||
        vips_cast (tile, &tile8, VIPS_FORMAT_CHAR, NULL) ||
        !(mem = vips_image_copy_memory (tile8)) ||
        vips_replicate (mem, &t6, (w + 508) / 509, (h + 508) / 509, NULL) ||
        vips_extract_area (t6, &t2, 0, 0, w, h, NULL))
      vips_error_exit ("noise");
    g_object_unref (tile);
    g_object_unref (tile8);
    g_object_unref (mem);
  }
  if (vips_add (t1, t2, &t3, NULL) ||
      vips_cast_uchar (t3, &t4, NULL) ||
      vips_copy (t4, &t5, "interpretation", VIPS_INTERPRETATION_sRGB,
                 "xres", px_per_mm > 0 ? px_per_mm : 72 / 25.4,
                 "yres", px_per_mm > 0 ? px_per_mm : 72 / 25.4, NULL))
    vips_error_exit ("noise");
  if (g_str_has_suffix (path, ".png"))
    {
      if (vips_pngsave (t5, path, "compression", 1, NULL))
        vips_error_exit ("png");
    }
  else if (g_str_has_suffix (path, ".ppm"))
    {
      if (vips_ppmsave (t5, path, NULL))
        vips_error_exit ("ppm");
    }
  else if (vips_jpegsave (t5, path, "Q", quality, "strip", px_per_mm <= 0, NULL))
    vips_error_exit ("jpeg");

  g_object_unref (img);
  g_object_unref (t1);
  g_object_unref (t2);
  g_object_unref (t3);
  g_object_unref (t4);
  g_object_unref (t5);
  g_object_unref (t6);
}

static void
add_quad (JsonBuilder *b, const char *side, int image, const double quad[8])
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "side");
  json_builder_add_string_value (b, side);
  json_builder_set_member_name (b, "image");
  json_builder_add_int_value (b, image);
  json_builder_set_member_name (b, "quad");
  json_builder_begin_array (b);
  for (int i = 0; i < 8; i++)
    json_builder_add_double_value (b, round (quad[i] * 10) / 10);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
render_glass (Card *card, GRand *rng, const char *dir, const char *name, JsonBuilder *files,
              JsonBuilder *quads)
{
  /* 600 dpi scans are of a smaller area, as a clerk sets it for cards. */
  double gw = card->dpi >= 600 ? 150 : 210, gh = card->dpi >= 600 ? 200 : 297;
  double ppm = card->dpi / 25.4;
  int w = (int) round (gw * ppm), h = (int) round (gh * ppm);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create (surface);
  Placement p[2];
  double lid = g_rand_double_range (rng, 0.93, 0.99);
  cairo_pattern_t *grad;
  g_autofree char *file = g_strdup_printf ("%s.jpg", name);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  gboolean front_first = g_rand_boolean (rng);

  grad = cairo_pattern_create_linear (0, 0, w, h);
  cairo_pattern_add_color_stop_rgb (grad, 0, lid, lid, lid);
  cairo_pattern_add_color_stop_rgb (grad, 1, lid - 0.03, lid - 0.03, lid - 0.02);
  cairo_set_source (cr, grad);
  cairo_paint (cr);
  cairo_pattern_destroy (grad);

  /* Dust on the glass. */
  cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
  for (int i = 0; i < 12; i++)
    {
      cairo_arc (cr, g_rand_double (rng) * w, g_rand_double (rng) * h, ppm * 0.15, 0, 2 * G_PI);
      cairo_fill (cr);
    }

  /* Two cards at random, not touching; after many misses (a small scan
   * area), one above the other, straight. */
  for (int tries = 0;; tries++)
    {
      for (int i = 0; i < 2; i++)
        {
          p[i].angle = random_angle (rng);
          p[i].cx = g_rand_double_range (rng, 35, gw - 35);
          p[i].cy = g_rand_double_range (rng, 35, gh - 35);
        }
      if (placement_fits (&p[0], gw, gh, NULL) && placement_fits (&p[1], gw, gh, &p[0]))
        break;
      if (tries > 5000)
        {
          for (int i = 0; i < 2; i++)
            {
              p[i].angle = 0;
              p[i].cx = gw / 2;
              p[i].cy = gh / 2 + (i == 0 ? -31 : 31);
            }
          break;
        }
    }
  for (int i = 0; i < 2; i++)
    {
      p[i].front = (i == 0) == front_first;
      place_card (cr, card, &p[i], ppm, TRUE, rng);
    }
  cairo_destroy (cr);

  degrade_and_save (surface, g_rand_double_range (rng, 0.2, 1.1) * card->dpi / 300.0,
                    g_rand_double_range (rng, 1.5, 6.0), g_rand_int_range (rng, 60, 93), ppm, path, rng);
  cairo_surface_destroy (surface);

  {
    g_autofree char *entry = g_build_filename (image_prefix, file, NULL);

    json_builder_add_string_value (files, entry);
  }
  for (int i = 0; i < 2; i++)
    {
      double quad[8];

      placement_quad (&p[i], ppm, quad);
      add_quad (quads, p[i].front ? "front" : "back", 0, quad);
    }
}

static void
render_single (Card *card, GRand *rng, gboolean front, gboolean as_photo, const char *dir,
               const char *name, int image_index, JsonBuilder *files, JsonBuilder *quads)
{
  double ppm, angle, margin;
  int w, h;
  cairo_surface_t *surface;
  cairo_t *cr;
  Placement p;
  double quad[8];
  g_autofree char *file = g_strdup_printf ("%s-%s.%s", name, front ? "front" : "back",
                                           as_photo ? "jpg" : (front ? "png" : "jpg"));
  g_autofree char *path = g_build_filename (dir, file, NULL);

  if (as_photo)
    {
      /* A phone held above the card on a desk: the card fills most of a
       * 1600 × 1200 frame, turned a little, lit unevenly. */
      static const Rgb desks[] = { { 0.45, 0.33, 0.22 }, { 0.35, 0.36, 0.38 }, { 0.22, 0.30, 0.25 },
                                   { 0.55, 0.50, 0.45 } };
      Rgb desk = desks[g_rand_int_range (rng, 0, G_N_ELEMENTS (desks))];
      cairo_pattern_t *light;

      w = 1600;
      h = 1200;
      ppm = w * g_rand_double_range (rng, 0.62, 0.78) / CARD_W;
      angle = g_rand_double_range (rng, -12, 12) * G_PI / 180 + (g_rand_int_range (rng, 0, 4) == 0 ? G_PI : 0);
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
      cr = cairo_create (surface);
      cairo_set_source_rgb (cr, desk.r, desk.g, desk.b);
      cairo_paint (cr);
      p.cx = w / ppm / 2 + g_rand_double_range (rng, -4, 4);
      p.cy = h / ppm / 2 + g_rand_double_range (rng, -3, 3);
      p.angle = angle;
      p.front = front;
      place_card (cr, card, &p, ppm, FALSE, rng);
      light = cairo_pattern_create_linear (0, 0, w, h * 0.3);
      cairo_pattern_add_color_stop_rgba (light, 0, 1, 1, 0.95, 0.10);
      cairo_pattern_add_color_stop_rgba (light, 1, 0, 0, 0.05, 0.12);
      cairo_set_source (cr, light);
      cairo_paint (cr);
      cairo_pattern_destroy (light);
      cairo_destroy (cr);
      degrade_and_save (surface, g_rand_double_range (rng, 0.4, 1.2), g_rand_double_range (rng, 2, 6),
                        g_rand_int_range (rng, 70, 92), 0, path, rng);
    }
  else
    {
      /* A crop of one side, as another program or a card scanner gives. */
      ppm = card->dpi / 25.4;
      margin = g_rand_double_range (rng, 0.5, 2.5);
      angle = g_rand_double_range (rng, -1.0, 1.0) * G_PI / 180;
      w = (int) round ((CARD_W + 2 * margin) * ppm);
      h = (int) round ((CARD_H + 2 * margin) * ppm);
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
      cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 0.97, 0.97, 0.97);
      cairo_paint (cr);
      p.cx = CARD_W / 2 + margin;
      p.cy = CARD_H / 2 + margin;
      p.angle = angle;
      p.front = front;
      place_card (cr, card, &p, ppm, TRUE, rng);
      cairo_destroy (cr);
      degrade_and_save (surface, g_rand_double_range (rng, 0.2, 0.8), g_rand_double_range (rng, 1, 4),
                        g_rand_int_range (rng, 75, 93), ppm, path, rng);
    }
  cairo_surface_destroy (surface);
  {
    g_autofree char *entry = g_build_filename (image_prefix, file, NULL);

    json_builder_add_string_value (files, entry);
  }
  placement_quad (&p, ppm, quad);
  add_quad (quads, front ? "front" : "back", image_index, quad);
}

static void
add_field (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
write_truth (JsonBuilder *b, const Card *card)
{
  const Identity *id = &card->id;
  g_autofree char *dob = iso (&id->dob);
  g_autofree char *issue = iso (&id->issue);
  g_autofree char *exp = id->no_expiry ? NULL : iso (&id->expiry);
  static const char *qr_names[] = { "none", "light", "heavy" };
  static const char *presentations[] = { "glass", "sides", "photo" };

  json_builder_set_member_name (b, "card_type");
  json_builder_add_string_value (b, id->layout == LAYOUT_2021 ? "cccd2021" : "cancuoc2024");
  json_builder_set_member_name (b, "presentation");
  json_builder_add_string_value (b, presentations[card->presentation]);
  json_builder_set_member_name (b, "dpi");
  json_builder_add_int_value (b, card->dpi);
  json_builder_set_member_name (b, "qr_damage");
  json_builder_add_string_value (b, qr_names[card->qr_damage]);
  json_builder_set_member_name (b, "mrz_smudge");
  json_builder_add_boolean_value (b, card->mrz_smudge);
  json_builder_set_member_name (b, "no_expiry");
  json_builder_add_boolean_value (b, id->no_expiry);
  json_builder_set_member_name (b, "mrz");
  json_builder_begin_array (b);
  for (int i = 0; i < 3; i++)
    json_builder_add_string_value (b, id->mrz[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "fields");
  json_builder_begin_object (b);
  add_field (b, "id_number", id->id);
  add_field (b, "old_id_number", *id->old_id ? id->old_id : NULL);
  add_field (b, "full_name", id->name);
  add_field (b, "date_of_birth", dob);
  add_field (b, "sex", id->female ? "Nữ" : "Nam");
  add_field (b, "nationality", "Việt Nam");
  add_field (b, "place_of_origin", id->layout == LAYOUT_2021 ? id->origin : NULL);
  add_field (b, "place_of_birth", id->layout == LAYOUT_2024 ? id->birth_place : NULL);
  add_field (b, "place_of_residence", id->residence);
  add_field (b, "date_of_issue", issue);
  add_field (b, "date_of_expiry", exp);
  json_builder_end_object (b);
}

/* The demo card for the virtual scanner: card 0 of seed 5 (a chip CCCD),
 * both sides on the top of the glass at 300 dpi, a little askew, light
 * noise and no JPEG, saved as a PPM the pnm backend reads. */
static int
render_specimen (const char *path)
{
  const double gw = 150, gh = 130, dpi = 300, ppm = dpi / 25.4;
  int w = (int) round (gw * ppm), h = (int) round (gh * ppm);
  GRand *rng = g_rand_new_with_seed (5u * 1000003u);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create (surface);
  Placement p[2] = {
    { .cx = 66, .cy = 38, .angle = 1.4 * G_PI / 180, .front = TRUE },
    { .cx = 70, .cy = 96, .angle = -0.9 * G_PI / 180, .front = FALSE },
  };
  Card card = { 0 };

  random_identity (rng, LAYOUT_2021, &card.id);
  card.presentation = PRESENT_GLASS;
  card.qr_damage = QR_OK;
  card.dpi = (int) dpi;

  cairo_set_source_rgb (cr, 0.96, 0.96, 0.95);
  cairo_paint (cr);
  for (int i = 0; i < 2; i++)
    place_card (cr, &card, &p[i], ppm, TRUE, rng);
  cairo_destroy (cr);
  degrade_and_save (surface, 0.4, 2.0, 0, ppm, path, rng);
  cairo_surface_destroy (surface);
  identity_clear (&card.id);
  g_rand_free (rng);
  return 0;
}

int
main (int argc, char *argv[])
{
  g_autofree char *out = NULL;
  g_autofree char *truth = NULL;
  g_autofree char *rel = NULL;
  g_autofree char *specimen = NULL;
  int seed = 5, first = 0, count = 64;
  GOptionEntry entries[] = {
    { "specimen", 0, 0, G_OPTION_ARG_FILENAME, &specimen, "Draw the scanner's specimen card to FILE", "FILE" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Directory for the images", "DIR" },
    { "truth", 0, 0, G_OPTION_ARG_FILENAME, &truth, "The truth file to write (JSON)", "FILE" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Random seed (default 5)", "N" },
    { "first", 0, 0, G_OPTION_ARG_INT, &first, "Index of the first card (default 0)", "N" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Number of cards (default 64)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *truth_dir = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (g_option_context_parse (ctx, &argc, &argv, &error) && specimen != NULL)
    {
      int status;

      if (VIPS_INIT (argv[0]))
        vips_error_exit ("vips");
      status = render_specimen (specimen);
      vips_shutdown ();
      return status;
    }
  if (error != NULL || out == NULL || truth == NULL)
    {
      g_printerr ("mc-make-id-cards: %s\n", error ? error->message : "--out and --truth are required");
      return 2;
    }
  if (VIPS_INIT (argv[0]))
    vips_error_exit ("vips");
  g_mkdir_with_parents (out, 0755);
  /* Images are named relative to the truth file's folder. */
  truth_dir = g_path_get_dirname (truth);
  {
    g_autoptr(GFile) base = g_file_new_for_path (truth_dir);
    g_autoptr(GFile) dir = g_file_new_for_path (out);

    rel = g_file_get_relative_path (base, dir);
    if (rel == NULL)
      rel = g_file_equal (base, dir) ? g_strdup ("") : g_file_get_path (dir);
    image_prefix = rel;
  }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, seed);
  json_builder_set_member_name (b, "reference_day");
  json_builder_add_string_value (b, REFERENCE_DAY);
  json_builder_set_member_name (b, "cards");
  json_builder_begin_array (b);

  for (int i = first; i < first + count; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%d-card-%03d", seed, i);
      g_autoptr(JsonBuilder) files = json_builder_new ();
      g_autoptr(JsonBuilder) quads = json_builder_new ();
      g_autoptr(JsonNode) files_node = NULL, quads_node = NULL;
      GRand *card_rng = g_rand_new_with_seed ((guint32) seed * 1000003u + (guint32) i);
      Card card = { 0 };
      int r;

      random_identity (card_rng, i % 2 == 0 ? LAYOUT_2021 : LAYOUT_2024, &card.id);
      /* A fixed pattern of presentations and damage, so every kind is in
       * every set whatever the seed. */
      card.presentation = i % 8 == 6 ? PRESENT_SIDES : i % 8 == 7 ? PRESENT_PHOTO : PRESENT_GLASS;
      card.qr_damage = i % 10 == 3 ? QR_HEAVY : i % 10 == 5 ? QR_LIGHT : QR_OK;
      card.mrz_smudge = i % 10 == 8;
      r = g_rand_int_range (card_rng, 0, 20);
      card.dpi = r < 3 ? 200 : r < 15 ? 300 : r < 17 ? 400 : 600;
      if (card.presentation != PRESENT_GLASS)
        card.dpi = 300;

      json_builder_begin_array (files);
      json_builder_begin_array (quads);
      if (card.presentation == PRESENT_GLASS)
        render_glass (&card, card_rng, out, name, files, quads);
      else
        {
          render_single (&card, card_rng, TRUE, card.presentation == PRESENT_PHOTO, out, name, 0,
                         files, quads);
          render_single (&card, card_rng, FALSE, card.presentation == PRESENT_PHOTO, out, name, 1,
                         files, quads);
        }
      json_builder_end_array (files);
      json_builder_end_array (quads);
      files_node = json_builder_get_root (files);
      quads_node = json_builder_get_root (quads);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, name);
      json_builder_set_member_name (b, "images");
      json_builder_add_value (b, g_steal_pointer (&files_node));
      json_builder_set_member_name (b, "placements");
      json_builder_add_value (b, g_steal_pointer (&quads_node));
      write_truth (b, &card);
      json_builder_end_object (b);

      identity_clear (&card.id);
      g_rand_free (card_rng);
    }

  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  if (!json_generator_to_file (gen, truth, &error))
    {
      g_printerr ("mc-make-id-cards: %s\n", error->message);
      return 1;
    }
  vips_shutdown ();
  return 0;
}
