/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-doc-header"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mc-doc-header.h"

/* Rules from the layout every administrative paper follows (NĐ 30/2020
 * Phụ lục I), not from any one sample: the issuing body stands in capitals
 * at the top left, above "Số: …"; the national motto stands at the top
 * right, and OCR often puts it on the same lines as the body; the place
 * and date come as "…, ngày D tháng M năm YYYY"; the document's name is
 * the first line in capitals below them. */

void
mc_doc_header_free (McDocHeader *header)
{
  if (header == NULL)
    return;
  g_free (header->issuer);
  g_free (header->number_symbol);
  g_free (header->issue_date);
  g_free (header->title);
  g_free (header);
}

/* NFC, and the look-alike capital eth (Ð, U+00D0) OCR gives for Đ. */
static char *
normalize (const char *text)
{
  g_autofree char *nfc = g_utf8_normalize (text, -1, G_NORMALIZE_NFC);
  GString *out = g_string_new (NULL);

  if (nfc == NULL)
    return g_string_free (out, FALSE);
  for (const char *p = nfc; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0x00D0)
        c = 0x0110;
      else if (c == 0x00F0)
        c = 0x0111;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* The line without the motto ("CỘNG HÒA XÃ HỘI…", "Độc lập - Tự do -
 * Hạnh phúc"), which OCR may join to the body's line; collapsed spaces. */
static char *
without_motto (const char *line)
{
  g_autoptr(GRegex) motto = g_regex_new ("(C[ỘO]NG\\s+H(?:ÒA|OÀ|OA)|Đ[ỘO]C\\s+L[ẬA]P|X[ÃA]\\s+H[ỘO]I\\s+CH[ỦU]\\s+NGH).*$",
                                         G_REGEX_CASELESS, 0, NULL);
  g_autoptr(GRegex) spaces = g_regex_new ("\\s+", 0, 0, NULL);
  g_autofree char *cut = NULL;
  char *out;

  cut = g_regex_replace_literal (motto, line, -1, 0, "", 0, NULL);
  out = g_regex_replace_literal (spaces, cut ? cut : line, -1, 0, " ", 0, NULL);
  return g_strstrip (out);
}

/* Capitals only, and enough letters to be words (not "-----" or "1"). */
static gboolean
is_capitals (const char *line)
{
  guint upper = 0;

  for (const char *p = line; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_islower (c))
        return FALSE;
      if (g_unichar_isupper (c))
        upper++;
    }
  return upper >= 4;
}

/* "Số: 123/QĐ-UBND": a number, then its symbol after "/". Without a colon
 * the value must have a symbol, or "Số 5 đường…" would be a number. */
static char *
find_number (const char *line)
{
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GRegex) re = g_regex_new ("(?<!\\pL)S[ỐO]\\s*([:.]?)\\s*([0-9][0-9A-ZĐ./\\-]*)",
                                      G_REGEX_CASELESS, 0, NULL);
  for (g_regex_match (re, line, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *colon = g_match_info_fetch (match, 1);
      g_autofree char *value = g_match_info_fetch (match, 2);
      gsize n = strlen (value);

      while (n > 0 && strchr ("./-", value[n - 1]))
        value[--n] = '\0';
      if (*colon == ':' || strchr (value, '/') != NULL)
        return g_steal_pointer (&value);
    }
  return NULL;
}

/* "ngày 05 tháng 3 năm 2024", with or without the marks OCR may drop;
 * a date that does not exist is not one. */
static char *
find_date (const char *line)
{
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GRegex) re = g_regex_new ("(?<!\\pL)ng[àa]y\\s*(\\d{1,2})\\s*th[áa]ng\\s*(\\d{1,2})\\s*n[ăa]m\\s*(\\d{4})(?!\\d)",
                                      G_REGEX_CASELESS, 0, NULL);
  for (g_regex_match (re, line, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *d = g_match_info_fetch (match, 1);
      g_autofree char *m = g_match_info_fetch (match, 2);
      g_autofree char *y = g_match_info_fetch (match, 3);
      int day = atoi (d), month = atoi (m), year = atoi (y);

      if (year >= 1900 && year <= 2100 && month >= 1 && month <= 12 &&
          g_date_valid_dmy (day, month, year))
        return g_strdup_printf ("%04d-%02d-%02d", year, month, day);
    }
  return NULL;
}

McDocHeader *
mc_doc_header_parse (const char *text)
{
  g_autofree char *norm = normalize (text ? text : "");
  g_auto(GStrv) lines = g_strsplit (norm, "\n", -1);
  McDocHeader *header = g_new0 (McDocHeader, 1);
  int number_line = -1;
  guint n = g_strv_length (lines);

  for (guint i = 0; i < n; i++)
    {
      if (header->number_symbol == NULL && (header->number_symbol = find_number (lines[i])))
        number_line = (int) i;
      if (header->issue_date == NULL)
        header->issue_date = find_date (lines[i]);
    }

  /* The body: the lines in capitals above "Số", at most three (a body
   * and the one above it, as "UBND QUẬN 1" over "UBND PHƯỜNG BẾN NGHÉ").
   * With no "Số" line there is no body block: a form's title is not one. */
  if (number_line >= 0)
    {
      g_autoptr(GString) issuer = g_string_new (NULL);
      guint taken = 0;

      for (int i = 0; i < number_line && taken < 3; i++)
        {
          g_autofree char *line = without_motto (lines[i]);

          if (!is_capitals (line))
            continue;
          if (issuer->len > 0)
            g_string_append_c (issuer, ' ');
          g_string_append (issuer, line);
          taken++;
        }
      if (issuer->len > 0)
        header->issuer = g_string_free (g_steal_pointer (&issuer), FALSE);
    }

  /* The title: the first line in capitals below the number (the place and
   * date line is not in capitals), or from the top on a paper without a
   * number, the motto left out. */
  for (guint i = (guint) (number_line + 1); i < n && header->title == NULL; i++)
    {
      g_autofree char *line = without_motto (lines[i]);

      if (is_capitals (line) && find_number (line) == NULL)
        header->title = g_steal_pointer (&line);
    }
  return header;
}
