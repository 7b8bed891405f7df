/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mc-id-rules.h"

/* Facts from shared/reference/id-cards.md: the 12-digit number has no check
 * digit of its own, but its fourth digit encodes century and sex of birth
 * and the next two the year, so they must agree with what else the card
 * says; a card is renewed at fixed ages. */

gboolean
mc_id_number_is_well_formed (const char *number)
{
  if (number == NULL || strlen (number) != 12)
    return FALSE;
  for (int i = 0; i < 12; i++)
    if (!g_ascii_isdigit (number[i]))
      return FALSE;
  return TRUE;
}

/* A CMND number: 9 digits, or 12 for the cards of about 2012. */
gboolean
mc_id_number_is_old_number (const char *number)
{
  gsize n;

  if (number == NULL)
    return FALSE;
  n = strlen (number);
  if (n != 9 && n != 12)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (number[i]))
      return FALSE;
  return TRUE;
}

/* Digit 4: 0/1 born in the 1900s (male/female), 2/3 in the 2000s, 4/5 in
 * the 2100s, and so on; digits 5–6: the year within the century. */
gboolean
mc_id_number_decode (const char *number,
                     int        *century,
                     McSex      *sex,
                     int        *year_in_century)
{
  int d;

  if (!mc_id_number_is_well_formed (number))
    return FALSE;
  d = number[3] - '0';
  if (century)
    *century = 1900 + (d / 2) * 100;
  if (sex)
    *sex = (d % 2) ? MC_SEX_FEMALE : MC_SEX_MALE;
  if (year_in_century)
    *year_in_century = (number[4] - '0') * 10 + (number[5] - '0');
  return TRUE;
}

guint
mc_id_number_check (const char  *number,
                    const GDate *birth,
                    McSex        sex)
{
  int century, yic;
  McSex coded;
  guint problems = 0;

  if (!mc_id_number_decode (number, &century, &coded, &yic))
    return MC_ID_NUMBER_MALFORMED;
  if (birth != NULL && g_date_valid (birth))
    {
      int year = g_date_get_year (birth);

      if (year - year % 100 != century)
        problems |= MC_ID_NUMBER_CENTURY_MISMATCH;
      if (year % 100 != yic)
        problems |= MC_ID_NUMBER_YEAR_MISMATCH;
    }
  if (sex != MC_SEX_UNKNOWN && sex != coded)
    problems |= MC_ID_NUMBER_SEX_MISMATCH;
  return problems;
}

static gboolean
set_date (GDate *date,
          int    day,
          int    month,
          int    year)
{
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1 ||
      !g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

/* "ddmmyyyy" (QR) or "dd/mm/yyyy" as printed; '-', '.' and stray spaces
 * around the separators are accepted, since OCR puts them there. */
gboolean
mc_id_date_parse_dmy (const char *text,
                      gssize      len,
                      GDate      *date)
{
  int parts[3] = { 0, 0, 0 };
  int digits[3] = { 0, 0, 0 };
  int part = 0, total = 0;
  gboolean separated = FALSE;

  g_return_val_if_fail (date != NULL, FALSE);
  if (text == NULL)
    return FALSE;
  if (len < 0)
    len = strlen (text);

  while (len > 0 && g_ascii_isspace (*text))
    text++, len--;
  while (len > 0 && g_ascii_isspace (text[len - 1]))
    len--;

  for (gssize i = 0; i < len; i++)
    {
      char c = text[i];

      if (g_ascii_isdigit (c))
        {
          if (total >= 8)
            return FALSE;
          total++;
          if (!separated)
            {
              /* Unseparated: 2 + 2 + 4 digits. */
              part = total <= 2 ? 0 : total <= 4 ? 1 : 2;
            }
          parts[part] = parts[part] * 10 + (c - '0');
          digits[part]++;
        }
      else if (c == '/' || c == '-' || c == '.')
        {
          if (part >= 2 || digits[part] == 0)
            return FALSE;
          separated = TRUE;
          part++;
        }
      else if (c != ' ')
        return FALSE;
    }

  if (digits[0] < 1 || digits[0] > 2 || digits[1] < 1 || digits[1] > 2 || digits[2] != 4)
    return FALSE;
  return set_date (date, parts[0], parts[1], parts[2]);
}

gboolean
mc_id_date_parse_iso (const char *text,
                      GDate      *date)
{
  int y, m, d;

  g_return_val_if_fail (date != NULL, FALSE);
  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  y = atoi (text);
  m = atoi (text + 5);
  d = atoi (text + 8);
  return set_date (date, d, m, y);
}

char *
mc_id_date_format_iso (const GDate *date)
{
  if (date == NULL || !g_date_valid (date))
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

static gboolean
yymmdd (const char *s,
        int        *yy,
        int        *mm,
        int        *dd)
{
  if (s == NULL || strlen (s) != 6)
    return FALSE;
  for (int i = 0; i < 6; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  *yy = (s[0] - '0') * 10 + (s[1] - '0');
  *mm = (s[2] - '0') * 10 + (s[3] - '0');
  *dd = (s[4] - '0') * 10 + (s[5] - '0');
  return TRUE;
}

/* The MRZ gives two digits of the year; the number's century digit gives
 * the rest when it is known, otherwise the latest year not in the future. */
gboolean
mc_id_date_from_mrz_birth (const char  *s,
                           const char  *id_number,
                           const GDate *today,
                           GDate       *date)
{
  int yy, mm, dd, century;

  if (!yymmdd (s, &yy, &mm, &dd))
    return FALSE;
  if (!mc_id_number_decode (id_number, &century, NULL, NULL))
    {
      int now = (today != NULL && g_date_valid (today)) ? g_date_get_year (today) : 2100;

      century = (2000 + yy <= now) ? 2000 : 1900;
    }
  return set_date (date, dd, mm, century + yy);
}

/* Expiry is always in this century; 991231 means the card has none. */
gboolean
mc_id_date_from_mrz_expiry (const char *s,
                            GDate      *date,
                            gboolean   *no_expiry)
{
  int yy, mm, dd;

  *no_expiry = FALSE;
  if (!yymmdd (s, &yy, &mm, &dd))
    return FALSE;
  if (yy == 99 && mm == 12 && dd == 31)
    {
      *no_expiry = TRUE;
      g_date_clear (date, 1);
      return TRUE;
    }
  return set_date (date, dd, mm, 2000 + yy);
}

static void
birthday_at (const GDate *birth,
             int          age,
             GDate       *out)
{
  int y = g_date_get_year (birth) + age;
  int m = g_date_get_month (birth);
  int d = g_date_get_day (birth);

  /* Born on 29 February: the birthday falls on the 28th in other years. */
  if (!g_date_valid_dmy (d, m, y))
    d = g_date_get_days_in_month (m, y);
  g_date_clear (out, 1);
  g_date_set_dmy (out, d, m, y);
}

/* A card is renewed at fixed ages (CCCD: 25, 40, 60; căn cước: 14, 25, 40,
 * 60) and expires on the birthday at the next of them; one issued within
 * two years before an age lasts until the following one, so one issued at
 * 58 or later never expires. Returns FALSE when the type has no such rule. */
gboolean
mc_id_expected_expiry (McCardType   card_type,
                       const GDate *birth,
                       const GDate *issue,
                       GDate       *expiry,
                       gboolean    *no_expiry)
{
  static const int ages_cccd[] = { 25, 40, 60 };
  static const int ages_cancuoc[] = { 14, 25, 40, 60 };
  const int *ages;
  int n;

  if (birth == NULL || issue == NULL || !g_date_valid (birth) || !g_date_valid (issue))
    return FALSE;
  switch (card_type)
    {
    case MC_CARD_TYPE_CCCD_2021:
    case MC_CARD_TYPE_CCCD_2016:
      ages = ages_cccd;
      n = G_N_ELEMENTS (ages_cccd);
      break;
    case MC_CARD_TYPE_CANCUOC_2024:
      ages = ages_cancuoc;
      n = G_N_ELEMENTS (ages_cancuoc);
      break;
    case MC_CARD_TYPE_CMND:
    case MC_CARD_TYPE_UNKNOWN:
    default:
      return FALSE;
    }

  for (int i = 0; i < n; i++)
    {
      GDate limit;

      birthday_at (birth, ages[i] - 2, &limit);
      if (g_date_compare (issue, &limit) < 0)
        {
          birthday_at (birth, ages[i], expiry);
          *no_expiry = FALSE;
          return TRUE;
        }
    }
  g_date_clear (expiry, 1);
  *no_expiry = TRUE;
  return TRUE;
}

gboolean
mc_id_expiry_is_a_birthday (const GDate *birth,
                            const GDate *expiry)
{
  static const int ages[] = { 14, 25, 40, 60 };

  g_return_val_if_fail (birth != NULL && expiry != NULL, FALSE);

  if (!g_date_valid (birth) || !g_date_valid (expiry))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (ages); i++)
    {
      GDate birthday;

      birthday_at (birth, ages[i], &birthday);
      if (g_date_compare (&birthday, expiry) == 0)
        return TRUE;
    }
  return FALSE;
}

McSex
mc_sex_parse (const char *text)
{
  g_autofree char *f = mc_id_fold (text);

  if (f == NULL)
    return MC_SEX_UNKNOWN;
  if (g_str_equal (f, "NAM") || g_str_equal (f, "M") || g_str_equal (f, "MALE"))
    return MC_SEX_MALE;
  if (g_str_equal (f, "NU") || g_str_equal (f, "F") || g_str_equal (f, "FEMALE"))
    return MC_SEX_FEMALE;
  return MC_SEX_UNKNOWN;
}

const char *
mc_sex_to_string (McSex sex)
{
  switch (sex)
    {
    case MC_SEX_MALE: return "Nam";
    case MC_SEX_FEMALE: return "Nữ";
    case MC_SEX_UNKNOWN:
    default: return NULL;
    }
}

/* For comparing across sources: upper-case ASCII letters and digits, the
 * diacritics dropped, Đ as D (as the MRZ writes it), every other run of
 * characters as one space. "Nguyễn Văn Đức" → "NGUYEN VAN DUC". */
char *
mc_id_fold (const char *text)
{
  g_autofree char *nfd = NULL;
  GString *out;
  gboolean space = FALSE;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;
  nfd = g_utf8_normalize (text, -1, G_NORMALIZE_NFD);
  if (nfd == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (const char *p = nfd; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x0300 && c <= 0x036f)
        continue;
      if (c == 0x0110 || c == 0x0111)
        c = 'D';
      if (c < 0x80 && g_ascii_isalnum (c))
        {
          if (space && out->len > 0)
            g_string_append_c (out, ' ');
          space = FALSE;
          g_string_append_c (out, g_ascii_toupper (c));
        }
      else
        space = TRUE;
    }
  return g_string_free (out, FALSE);
}

/* Every text about a citizen enters the program through here: what the
 * QR code, the MRZ and OCR read, what the clerk types, and what a stored
 * visit.json holds. Controls (C0, C1) and format characters are dropped:
 * right-to-left overrides, embeddings, isolates and marks (U+202A–202E,
 * U+2066–2069, U+200E/200F, U+061C), zero-width characters, U+FEFF, tags;
 * they can reorder or hide what the clerk, the citizen and the portal
 * read. A line break or other separator becomes a space, as no field
 * holds more than one line. The result is NFC, so a Vietnamese letter
 * given as a base and combining marks is the same as the precomposed one.
 * NULL for NULL or text that is not UTF-8. */
char *
mc_id_clean_text (const char *text)
{
  g_autoptr(GString) kept = NULL;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;
  kept = g_string_sized_new (strlen (text));
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if ((c >= '\t' && c <= '\r') || c == 0x85 ||
          type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR)
        g_string_append_c (kept, ' ');
      else if (type != G_UNICODE_CONTROL && type != G_UNICODE_FORMAT)
        g_string_append_unichar (kept, c);
    }
  /* After the dropping: a mark may now follow its letter directly. */
  return g_utf8_normalize (kept->str, kept->len, G_NORMALIZE_NFC);
}

/* Clean (mc_id_clean_text), one space between words, no stray
 * punctuation at either end. */
char *
mc_id_tidy_text (const char *text)
{
  g_autofree char *nfc = NULL;
  GString *out;
  gboolean space = FALSE;

  nfc = mc_id_clean_text (text);
  if (nfc == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (const char *p = nfc; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          space = TRUE;
          continue;
        }
      if (space && out->len > 0)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_unichar (out, c);
    }
  while (out->len > 0 && strchr (":;|-_.,'\"`~", out->str[0]) != NULL)
    g_string_erase (out, 0, out->str[1] == ' ' ? 2 : 1);
  while (out->len > 0 && strchr (":;|-_,'\"`~ ", out->str[out->len - 1]) != NULL)
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

/* Family names: a closed set, in which a hundred names cover nearly
 * everyone; most common first. (Common knowledge, spelled as the civil
 * registry spells them.) */
static const char *family_names[] = {
  "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
  "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lâm", "Mai", "Tô", "Châu", "Đoàn", "Lương",
  "Trịnh", "Cao", "Hà", "Tạ", "Phùng", "Quách", "Lưu", "Thái", "Triệu", "Kiều", "Tăng", "Văn",
  "Hứa", "Từ", "Lạc", "Lục", "Mạc", "La", "Thân", "Vương", "Tống", "Khổng", "Âu", "Đàm", "Đào",
  "Chu", "Nông", "Lò", "Giang", "Doãn", "Tôn", "Ông", "Diệp", "Khúc", "Bạch", "Kim", "Lã", "Lữ",
  "Nghiêm", "Ninh", "Phí", "Quan", "Tiêu", "Trang", "Vi", "Viên", "Cù", "Hầu", "Đồng", "Hàn",
  "Ứng", "Thạch", "Sầm", "Lại", "Bế", "Hạ", "Khương", "Lạng", "Mã", "Mông", "Nhan", "Phó",
  "Quang", "Thiều", "Tiết", "Tòng", "Trà", "Trác", "Vòng", "Yên", "Ôn", "Giáp", "Khuất",
  "Đường", "Đậu", "Chung", "Cung", "Dư", "Hoa", "Kha", "Khưu", "Lỗ", "Luyện", "Mẫn", "Ngụy",
  "Phương", "Quản", "Tào", "Lăng", "Đăng", "Đàng",
};

static char *
upper_nfc (const char *text, gssize len)
{
  g_autofree char *nfc = g_utf8_normalize (text, len, G_NORMALIZE_NFC);

  return nfc != NULL ? g_utf8_strup (nfc, -1) : NULL;
}

/* Where @word (one word, any case) stands among the family names above,
 * most common first; -1 when it is none of them. */
int
mc_id_family_name_rank (const char *word)
{
  g_autofree char *upper = NULL;

  if (word == NULL || !g_utf8_validate (word, -1, NULL))
    return -1;
  upper = upper_nfc (word, -1);
  for (guint i = 0; i < G_N_ELEMENTS (family_names); i++)
    {
      g_autofree char *name = upper_nfc (family_names[i], -1);

      if (g_strcmp0 (name, upper) == 0)
        return (int) i;
    }
  return -1;
}

/* TRUE when the first word of @full_name has the letters of a common
 * family name but other diacritics ("NGUYÊN" for "NGUYỄN"): a misread
 * accent OCR may be sure of. Only for marking a field, never to change it:
 * a rare family name is rare, not wrong. */
gboolean
mc_id_family_name_unusual (const char *full_name)
{
  const char *space;
  g_autofree char *word = NULL;
  g_autofree char *folded = NULL;
  gboolean known_letters = FALSE;

  if (full_name == NULL || !g_utf8_validate (full_name, -1, NULL))
    return FALSE;
  space = strchr (full_name, ' ');
  word = upper_nfc (full_name, space != NULL ? space - full_name : -1);
  folded = mc_id_fold (word);
  if (word == NULL || folded == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (family_names); i++)
    {
      g_autofree char *name = upper_nfc (family_names[i], -1);
      g_autofree char *name_folded = mc_id_fold (name);

      if (g_strcmp0 (name, word) == 0)
        return FALSE;
      if (g_strcmp0 (name_folded, folded) == 0)
        known_letters = TRUE;
    }
  return known_letters;
}

/* The edit distance (insertions, deletions, substitutions) between the
 * bytes a[0, n) and b[0, m): how far a reading is from a label, a word
 * or another source's reading. */
gsize
mc_id_levenshtein (const char *a,
                   gsize       n,
                   const char *b,
                   gsize       m)
{
  gsize stack[2][64];
  g_autofree gsize *heap = NULL;
  gsize *prev = stack[0], *cur = stack[1];

  if (m >= G_N_ELEMENTS (stack[0]))
    {
      heap = g_new (gsize, 2 * (m + 1));
      prev = heap;
      cur = heap + m + 1;
    }
  for (gsize j = 0; j <= m; j++)
    prev[j] = j;
  for (gsize i = 1; i <= n; i++)
    {
      cur[0] = i;
      for (gsize j = 1; j <= m; j++)
        cur[j] = MIN (MIN (prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + (a[i - 1] != b[j - 1]));
      memcpy (prev, cur, sizeof (gsize) * (m + 1));
    }
  return prev[m];
}
