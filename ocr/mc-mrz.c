/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-id-error.h"
#include "mc-id-rules.h"
#include "mc-mrz.h"

/* Parsing a TD1 machine-readable zone (ICAO 9303 part 5) as OCR read it.
 *
 * OCR gets two things wrong on an MRZ: the number of '<' in a long filler
 * run, and look-alike characters (O/0, I/1, B/8, S/5, Z/2). The first is
 * undone by recounting the filler run so each line has 30 characters; the
 * second is repaired only where the field's check digit then holds, so a
 * repair is never a guess. Everything here works on bytes: the input may be
 * anything (it is fuzzed). */

#define L MC_MRZ_LINE_LENGTH

int
mc_mrz_check_digit (const char *text,
                    gssize      len)
{
  static const int weights[3] = { 7, 3, 1 };
  int sum = 0;

  g_return_val_if_fail (text != NULL, -1);

  if (len < 0)
    len = (gssize) strlen (text);

  for (gssize i = 0; i < len; i++)
    {
      char c = text[i];
      int v;

      if (c >= '0' && c <= '9')
        v = c - '0';
      else if (c >= 'A' && c <= 'Z')
        v = c - 'A' + 10;
      else if (c == '<')
        v = 0;
      else
        return -1;

      sum += v * weights[i % 3];
    }

  return sum % 10;
}

static gboolean
is_mrz_char (char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<';
}

static char
letter_as_digit (char c)
{
  switch (c)
    {
    case 'O': return '0';
    case 'I': return '1';
    case 'B': return '8';
    case 'S': return '5';
    case 'Z': return '2';
    default: return 0;
    }
}

static char
digit_as_letter (char c)
{
  switch (c)
    {
    case '0': return 'O';
    case '1': return 'I';
    case '8': return 'B';
    case '5': return 'S';
    case '2': return 'Z';
    default: return 0;
    }
}

/* Keeps the MRZ characters of one OCR line; lower case is taken as upper
 * case, spaces and anything else are dropped. */
static gsize
clean_line (const char *p,
            gsize       n,
            char       *out,
            gsize       out_size)
{
  gsize k = 0;

  for (gsize i = 0; i < n && k + 1 < out_size; i++)
    {
      char c = g_ascii_toupper (p[i]);

      if (is_mrz_char (c))
        out[k++] = c;
    }
  out[k] = '\0';
  return k;
}

/* Brings @in to exactly 30 characters by recounting one filler run: the
 * longest (or, for the name line, the last), since OCR miscounts long runs
 * of '<' and little else. */
static void
fix_length (const char *in,
            char        out[L + 1],
            gboolean    last_run)
{
  gsize n = strlen (in);
  gssize run_start = -1, run_len = 0;
  gssize diff = (gssize) L - (gssize) n;

  if (n == L)
    {
      memcpy (out, in, L + 1);
      return;
    }

  for (gsize i = 0; i < n;)
    {
      gsize j = i;

      while (j < n && in[j] == '<')
        j++;
      if (j > i && (last_run || (gssize) (j - i) >= run_len))
        {
          run_start = i;
          run_len = j - i;
        }
      i = j > i ? j : i + 1;
    }

  if (run_start >= 0 && run_len + diff >= 1)
    {
      gsize k = 0;

      for (gssize i = 0; i < run_start && k < L; i++)
        out[k++] = in[i];
      for (gssize i = 0; i < run_len + diff && k < L; i++)
        out[k++] = '<';
      for (gsize i = run_start + run_len; i < n && k < L; i++)
        out[k++] = in[i];
      while (k < L)
        out[k++] = '<';
      out[L] = '\0';
      return;
    }

  /* No run to recount: cut or pad at the end. */
  for (gsize i = 0; i < L; i++)
    out[i] = i < n ? in[i] : '<';
  out[L] = '\0';
}

static gboolean
field_checks (const char *line,
              int         start,
              int         len,
              int         check_pos)
{
  char c = line[check_pos];

  return c >= '0' && c <= '9' && mc_mrz_check_digit (line + start, len) == c - '0';
}

/* A digits-only field holds only when it is all digits: letters may make
 * the sum come out right by chance (five O's in the number do). */
static gboolean
numeric_field_checks (const char *line,
                      int         start,
                      int         len,
                      int         check_pos)
{
  for (int i = start; i < start + len; i++)
    if (!g_ascii_isdigit (line[i]))
      return FALSE;
  return field_checks (line, start, len, check_pos);
}

/* A field that can only hold digits, with its check digit: a letter there
 * is a look-alike misread. Reads each as its digit and keeps the result
 * only if the check then holds. */
static gboolean
check_numeric (char  *line,
               int    start,
               int    len,
               int    check_pos,
               guint *n_repairs)
{
  char trial[L + 1];
  guint changed = 0;

  if (numeric_field_checks (line, start, len, check_pos))
    return TRUE;

  memcpy (trial, line, L + 1);
  for (int i = start; i < start + len; i++)
    if (letter_as_digit (trial[i]))
      {
        trial[i] = letter_as_digit (trial[i]);
        changed++;
      }
  if (letter_as_digit (trial[check_pos]))
    {
      trial[check_pos] = letter_as_digit (trial[check_pos]);
      changed++;
    }
  if (changed > 0 && numeric_field_checks (trial, start, len, check_pos))
    {
      memcpy (line, trial, L + 1);
      *n_repairs += changed;
      return TRUE;
    }
  return FALSE;
}

/* A field that may hold letters and digits (a document number outside
 * Vietnam): tries every way of swapping its look-alike characters and
 * keeps the single smallest change that makes the check hold. */
static gboolean
check_alphanumeric (char  *line,
                    int    start,
                    int    len,
                    int    check_pos,
                    guint *n_repairs)
{
  int pos[12];
  int n = 0;
  guint best_mask = 0;
  int best_changes = G_MAXINT, best_count = 0;
  char trial[L + 1];

  if (field_checks (line, start, len, check_pos))
    return TRUE;

  for (int i = start; i < start + len && n < (int) G_N_ELEMENTS (pos); i++)
    if (letter_as_digit (line[i]) || digit_as_letter (line[i]))
      pos[n++] = i;
  if (letter_as_digit (line[check_pos]) && n < (int) G_N_ELEMENTS (pos))
    pos[n++] = check_pos;

  for (guint mask = 1; mask < (1u << n); mask++)
    {
      int changes = 0;

      memcpy (trial, line, L + 1);
      for (int b = 0; b < n; b++)
        if (mask & (1u << b))
          {
            char c = trial[pos[b]];
            char r = letter_as_digit (c) ? letter_as_digit (c) : digit_as_letter (c);

            trial[pos[b]] = r;
            changes++;
          }
      if (field_checks (trial, start, len, check_pos))
        {
          if (changes < best_changes)
            {
              best_changes = changes;
              best_mask = mask;
              best_count = 1;
            }
          else if (changes == best_changes)
            best_count++;
        }
    }

  /* More than two swaps is rewriting the field, not repairing it. */
  if (best_count != 1 || best_changes > 2)
    return FALSE;
  for (int b = 0; b < n; b++)
    if (best_mask & (1u << b))
      {
        char c = line[pos[b]];

        line[pos[b]] = letter_as_digit (c) ? letter_as_digit (c) : digit_as_letter (c);
      }
  *n_repairs += best_changes;
  return TRUE;
}

static void
copy_field (char       *out,
            gsize       out_size,
            const char *src,
            int         len,
            gboolean    drop_fillers)
{
  gsize k = 0;

  for (int i = 0; i < len && k + 1 < out_size; i++)
    if (!drop_fillers || src[i] != '<')
      out[k++] = src[i];
  out[k] = '\0';
}

static gboolean
is_vowel (char c)
{
  return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U' || c == 'Y';
}

/* OCR often reads a '<' beside a letter as 'K' (its shape is half a K).
 * In a Vietnamese name that can be told: no syllable ends in K, and K is
 * followed only by H or a vowel. Such K's become the '<' they were, and
 * digits, which no name has, go. Returns TRUE if anything changed. */
static gboolean
clean_vietnamese_line (char *line)
{
  gsize n = strlen (line), k = 0;
  gboolean changed = FALSE;

  for (gsize i = 0; i < n; i++)
    {
      char c = line[i];
      char next = i + 1 < n ? line[i + 1] : '<';

      if (g_ascii_isdigit (c))
        {
          changed = TRUE;
          continue;
        }
      if (c == 'K' && next != 'H' && !is_vowel (next))
        {
          changed = TRUE;
          c = '<';
        }
      line[k++] = c;
    }
  line[k] = '\0';
  return changed;
}

/* Joins the words of @src (separated by runs of '<' or spaces) with single
 * spaces into @out, cleaning them first when @vietnamese. */
static gboolean
clean_words (const char *src,
             char       *out,
             gsize       out_size,
             gboolean    vietnamese)
{
  g_autofree char *copy = g_strdup (src);
  g_auto(GStrv) words = NULL;
  gboolean changed = vietnamese && clean_vietnamese_line (copy);
  gsize k = 0;

  words = g_strsplit_set (copy, "< ", -1);
  out[0] = '\0';
  for (guint i = 0; words[i] != NULL; i++)
    {
      gsize len = strlen (words[i]);

      if (len == 0)
        continue;
      if (k > 0 && k + 1 < out_size)
        out[k++] = ' ';
      for (gsize j = 0; j < len && k + 1 < out_size; j++)
        out[k++] = words[i][j];
      out[k] = '\0';
    }
  return changed;
}

/* SURNAME<<GIVEN<NAMES<<<<: words separated by single spaces. Anything
 * after the given names' closing "<<" is a stray mark. */
static void
parse_name (McMrz    *mrz,
            gboolean  vietnamese)
{
  const char *line = mrz->lines[2];
  int end = L;
  int sep = -1, stop;

  while (end > 0 && line[end - 1] == '<')
    end--;
  for (int i = 0; i + 1 < end; i++)
    if (line[i] == '<' && line[i + 1] == '<')
      {
        sep = i;
        break;
      }

  mrz->name_suspect = FALSE;
  for (int i = 0; i < end; i++)
    if (g_ascii_isdigit (line[i]))
      mrz->name_suspect = TRUE;

  if (sep < 0)
    {
      copy_field (mrz->surname, sizeof mrz->surname, line, end, FALSE);
      mrz->given_names[0] = '\0';
    }
  else
    {
      int g = sep;

      copy_field (mrz->surname, sizeof mrz->surname, line, sep, FALSE);
      while (g < end && line[g] == '<')
        g++;
      stop = g;
      while (stop < end && !(line[stop] == '<' && stop + 1 < end && line[stop + 1] == '<'))
        stop++;
      copy_field (mrz->given_names, sizeof mrz->given_names, line + g, stop - g, FALSE);
      if (stop < end)
        mrz->name_suspect = TRUE;
    }

  {
    char s[L + 1], g[L + 1];

    g_strlcpy (s, mrz->surname, sizeof s);
    g_strlcpy (g, mrz->given_names, sizeof g);
    if (clean_words (s, mrz->surname, sizeof mrz->surname, vietnamese))
      mrz->name_suspect = TRUE;
    if (clean_words (g, mrz->given_names, sizeof mrz->given_names, vietnamese))
      mrz->name_suspect = TRUE;
  }

  /* The whole name up to the filler, in the order a Vietnamese card
   * prints it: family name first. A misread "<<" does not lose words. */
  {
    char head[L + 1];
    int k = 0;

    for (int i = 0; i < end && k < L; i++)
      {
        if (line[i] == '<' && i + 2 < end && line[i + 1] == '<' && line[i + 2] == '<')
          break;
        head[k++] = line[i];
      }
    head[k] = '\0';
    clean_words (head, mrz->name, sizeof mrz->name, vietnamese);
  }
  if (mrz->surname[0] == '\0')
    mrz->name_suspect = TRUE;
}

/* Letters only, upper case, diacritics dropped, Đ as D. */
static char *
name_letters (const char *text)
{
  g_autofree char *nfd = g_utf8_normalize (text, -1, G_NORMALIZE_NFD);
  GString *out = g_string_new (NULL);

  for (const char *p = nfd; p != NULL && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0x0110 || c == 0x0111)
        g_string_append_c (out, 'D');
      else if (c < 0x80 && g_ascii_isalpha (c))
        g_string_append_c (out, g_ascii_toupper (c));
    }
  return g_string_free (out, FALSE);
}

gboolean
mc_mrz_name_line (const char *name,
                  char        line[MC_MRZ_LINE_LENGTH + 1])
{
  g_autofree char *nfd = NULL;
  g_auto(GStrv) words = NULL;
  GString *out;
  gboolean ok;

  g_return_val_if_fail (line != NULL, FALSE);
  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return FALSE;
  nfd = g_utf8_normalize (name, -1, G_NORMALIZE_NFD);
  out = g_string_new (NULL);
  for (const char *p = nfd; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0x0110 || c == 0x0111)
        g_string_append_c (out, 'D');
      else if (c < 0x80 && g_ascii_isalpha (c))
        g_string_append_c (out, g_ascii_toupper (c));
      else if (g_unichar_isspace (c) || c == '-')
        g_string_append_c (out, ' ');
    }
  words = g_strsplit (out->str, " ", -1);
  g_string_truncate (out, 0);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (out->len > 0)
        g_string_append (out, i > 0 && !strstr (out->str, "<<") ? "<<" : "<");
      g_string_append (out, words[i]);
    }
  ok = out->len > 0 && out->len <= L && strstr (out->str, "<<") != NULL;
  if (ok)
    {
      memset (line, '<', L);
      memcpy (line, out->str, out->len);
      line[L] = '\0';
    }
  g_string_free (out, TRUE);
  return ok;
}

int
mc_mrz_name_distance (const McMrz *mrz,
                      const char  *name)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  g_return_val_if_fail (mrz != NULL, -1);
  if (name == NULL || !g_utf8_validate (name, -1, NULL) || mrz->name[0] == '\0')
    return -1;
  a = name_letters (mrz->name);
  b = name_letters (name);
  if (*a == '\0' || *b == '\0')
    return -1;
  return (int) MIN (mc_id_levenshtein (a, strlen (a), b, strlen (b)), (gsize) G_MAXINT);
}

gboolean
mc_mrz_name_matches (const McMrz *mrz,
                     const char  *name)
{
  int d;

  g_return_val_if_fail (mrz != NULL, FALSE);
  d = mc_mrz_name_distance (mrz, name);
  return d >= 0 && d <= 1;
}

static int
n_bits (guint bits)
{
  int n = 0;

  for (; bits != 0; bits &= bits - 1)
    n++;
  return n;
}

/* How much a window of three lines looks like TD1. */
static int
window_score (char lines[][64],
              const gsize *lens,
              guint        first)
{
  int score = 0;

  for (guint i = 0; i < 3; i++)
    score -= ABS ((int) lens[first + i] - L);
  if (strchr ("IAC", lines[first][0]) != NULL)
    score += 6;
  if (g_ascii_isdigit (lines[first + 1][0]))
    score += 3;
  return score;
}

/* A Vietnamese zone whose checks all hold, written as printed. Its filler
 * positions (line 1 after the 12-digit number, line 2 after the
 * nationality) hold nothing but '<'; OCR reads some as K, which a check
 * cannot catch (K counts 20, as good as 0). The name line has no check: it
 * is rebuilt from the words it was read as, surname, "<<", given names
 * (mc_mrz_name_line() does better when a surer source has the name). */
/* "VNM" or a misreading of it: a V, then at most two letters off. */
static gboolean
near_vnm (const char *code)
{
  int off = 0;

  if (strlen (code) != 3 || code[0] != 'V')
    return FALSE;
  off = (code[1] != 'N') + (code[2] != 'M');
  return off <= 2 && g_ascii_isupper (code[1]) && g_ascii_isupper (code[2]);
}

static void
normalise_vietnamese (McMrz *mrz)
{
  char line[L + 1];
  g_auto(GStrv) surname = g_strsplit (mrz->surname, " ", -1);
  g_auto(GStrv) given = g_strsplit (mrz->given_names, " ", -1);
  GString *name = g_string_new (NULL);

  /* What every Vietnamese card prints there, whatever was read. */
  memcpy (mrz->lines[0], "IDVNM", 5);
  memcpy (mrz->lines[1] + 15, "VNM", 3);
  g_strlcpy (mrz->document_code, "ID", sizeof mrz->document_code);
  g_strlcpy (mrz->issuing_state, "VNM", sizeof mrz->issuing_state);
  g_strlcpy (mrz->nationality, "VNM", sizeof mrz->nationality);
  /* An unreadable sex: the proven number's fourth digit says it. */
  if (mrz->sex == '?' && g_ascii_isdigit (mrz->lines[0][18]))
    {
      mrz->sex = (mrz->lines[0][18] - '0') % 2 ? 'F' : 'M';
      mrz->lines[1][7] = mrz->sex;
    }
  mrz->lines[0][27] = mrz->lines[0][28] = '<';
  for (int i = 18; i < 29; i++)
    mrz->lines[1][i] = '<';

  if ((given[0] == NULL || *given[0] == '\0') && surname[0] != NULL && surname[1] != NULL)
    {
      /* No "<<" was read: a Vietnamese family name is its first word. */
      g_string_append (name, surname[0]);
      g_string_append (name, "<<");
      for (guint i = 1; surname[i] != NULL; i++)
        g_string_append_printf (name, "%s%s", i > 1 ? "<" : "", surname[i]);
    }
  else
    {
      for (guint i = 0; surname[i] != NULL; i++)
        if (*surname[i] != '\0')
          g_string_append_printf (name, "%s%s", name->len > 0 ? "<" : "", surname[i]);
      if (name->len > 0 && given[0] != NULL && *given[0] != '\0')
        {
          g_string_append (name, "<<");
          for (guint i = 0; given[i] != NULL; i++)
            if (*given[i] != '\0')
              g_string_append_printf (name, "%s%s", i > 0 ? "<" : "", given[i]);
        }
    }
  if (name->len > 0 && name->len <= L)
    {
      memset (line, '<', L);
      memcpy (line, name->str, name->len);
      line[L] = '\0';
      memcpy (mrz->lines[2], line, L + 1);
    }
  g_string_free (name, TRUE);
}

/* The zone in @text: lines of 20 to 40 MRZ characters, the three in a
 * row that look most like one, as read, into @mrz->read. */
static gboolean
find_zone (const char *text,
           gssize      len,
           McMrz      *mrz)
{
  char cand[16][64];
  gsize cand_len[16];
  guint n_cand = 0;
  gssize best = -1;
  int best_score = G_MININT;

  /* Lines of 20 to 40 MRZ characters; the zone is the last such run. */
  for (gssize i = 0; i < len;)
    {
      gssize j = i;
      char buf[256];
      gsize n;

      while (j < len && text[j] != '\n' && text[j] != '\r')
        j++;
      n = clean_line (text + i, (gsize) (j - i), buf, sizeof buf);
      if (n >= 20 && n <= 40)
        {
          if (n_cand == G_N_ELEMENTS (cand))
            {
              memmove (cand, cand + 1, sizeof cand[0] * (n_cand - 1));
              memmove (cand_len, cand_len + 1, sizeof cand_len[0] * (n_cand - 1));
              n_cand--;
            }
          memcpy (cand[n_cand], buf, n + 1);
          cand_len[n_cand] = n;
          n_cand++;
        }
      i = j + 1;
    }

  for (guint i = 0; i + 3 <= n_cand; i++)
    {
      int score = window_score (cand, cand_len, i);

      if (score >= best_score)
        {
          best_score = score;
          best = i;
        }
    }
  if (best < 0)
    return FALSE;
  for (guint i = 0; i < 3; i++)
    g_strlcpy (mrz->read[i], cand[best + i], sizeof mrz->read[i]);
  return TRUE;
}

/* @mrz->read restored to full lines of 30 characters in @mrz->lines. */
static void
restore_lines (McMrz *mrz)
{
  char l[2][64];

  /* A '<' between two others read as K, in the fillers of a Vietnamese
   * card's first two lines (where nothing else can stand), goes back to
   * '<' before the runs are recounted. K counts as 0 in check digits,
   * like '<', so this changes no check. */
  for (guint i = 0; i < 2; i++)
    {
      g_strlcpy (l[i], mrz->read[i], sizeof l[i]);
      if (strstr (mrz->read[0], "VNM") != NULL || strstr (mrz->read[1], "VNM") != NULL)
        for (gsize k = 1; l[i][k] != '\0' && l[i][k + 1] != '\0'; k++)
          if (l[i][k] == 'K' && l[i][k - 1] == '<' && l[i][k + 1] == '<')
            l[i][k] = '<';
    }
  fix_length (l[0], mrz->lines[0], FALSE);
  fix_length (l[1], mrz->lines[1], FALSE);
  fix_length (mrz->read[2], mrz->lines[2], TRUE);
}

/* Issued in Viet Nam, by the codes or, misread, by the numbers. */
static gboolean
is_vietnamese (McMrz *mrz)
{
  const char *l1 = mrz->lines[0], *l2 = mrz->lines[1];
  gboolean vietnam;

  copy_field (mrz->issuing_state, sizeof mrz->issuing_state, l1 + 2, 3, FALSE);
  copy_field (mrz->nationality, sizeof mrz->nationality, l2 + 15, 3, FALSE);
  vietnam = g_str_equal (mrz->issuing_state, "VNM") || g_str_equal (mrz->nationality, "VNM");
  if (!vietnam && (near_vnm (mrz->issuing_state) || near_vnm (mrz->nationality)))
    {
      /* "VWH" for VNM, twice: small OCR-B misread. A Vietnamese card it
       * is when its numbers say so: both checks hold on a copy, and the
       * document number is the 12-digit number's last nine. */
      char trial[L + 1];
      guint ignored = 0;

      g_strlcpy (trial, l1, sizeof trial);
      vietnam = check_numeric (trial, 5, 9, 14, &ignored) && check_numeric (trial, 15, 12, 29, &ignored) &&
                memcmp (trial + 5, trial + 18, 9) == 0;
    }
  return vietnam;
}

/* Field by field, each with its own check digit, then the composite;
 * a misread digit the check proves is repaired. */
static void
check_digits (McMrz    *mrz,
              gboolean  vietnam)
{
  char *l1 = mrz->lines[0], *l2 = mrz->lines[1];
  GString *composite;

  mrz->checks_present = MC_MRZ_CHECK_DOCUMENT_NUMBER | MC_MRZ_CHECK_BIRTH |
                        MC_MRZ_CHECK_EXPIRY | MC_MRZ_CHECK_COMPOSITE;
  if (vietnam)
    {
      mrz->checks_present |= MC_MRZ_CHECK_ID_NUMBER;
      if (check_numeric (l1, 5, 9, 14, &mrz->n_repairs))
        mrz->checks_valid |= MC_MRZ_CHECK_DOCUMENT_NUMBER;
      if (check_numeric (l1, 15, 12, 29, &mrz->n_repairs))
        mrz->checks_valid |= MC_MRZ_CHECK_ID_NUMBER;
    }
  else if (check_alphanumeric (l1, 5, 9, 14, &mrz->n_repairs))
    mrz->checks_valid |= MC_MRZ_CHECK_DOCUMENT_NUMBER;
  if (check_numeric (l2, 0, 6, 6, &mrz->n_repairs))
    mrz->checks_valid |= MC_MRZ_CHECK_BIRTH;
  if (check_numeric (l2, 8, 6, 14, &mrz->n_repairs))
    mrz->checks_valid |= MC_MRZ_CHECK_EXPIRY;

  composite = g_string_new (NULL);
  g_string_append_len (composite, l1 + 5, 25);
  g_string_append_len (composite, l2, 7);
  g_string_append_len (composite, l2 + 8, 7);
  g_string_append_len (composite, l2 + 18, 11);
  if (letter_as_digit (l2[29]) && mc_mrz_check_digit (composite->str, composite->len) ==
                                  letter_as_digit (l2[29]) - '0')
    {
      l2[29] = letter_as_digit (l2[29]);
      mrz->n_repairs++;
    }
  if (g_ascii_isdigit (l2[29]) && mc_mrz_check_digit (composite->str, composite->len) == l2[29] - '0')
    mrz->checks_valid |= MC_MRZ_CHECK_COMPOSITE;
  g_string_free (composite, TRUE);

  /* On a Vietnamese card the document number is the last nine digits of
   * the 12-digit number: if both checks hold but the two differ, one held
   * by chance (a check digit does one time in ten), and neither is proof. */
  if (vietnam && (mrz->checks_valid & MC_MRZ_CHECK_DOCUMENT_NUMBER) &&
      (mrz->checks_valid & MC_MRZ_CHECK_ID_NUMBER) && memcmp (l1 + 5, l1 + 18, 9) != 0)
    mrz->checks_valid &= ~(MC_MRZ_CHECK_DOCUMENT_NUMBER | MC_MRZ_CHECK_ID_NUMBER);
}

/* The fields, once the checks have said what holds. */
static void
copy_fields (McMrz    *mrz,
             gboolean  vietnam)
{
  const char *l1 = mrz->lines[0], *l2 = mrz->lines[1];

  copy_field (mrz->document_code, sizeof mrz->document_code, l1, 2, TRUE);
  copy_field (mrz->document_number, sizeof mrz->document_number, l1 + 5, 9, TRUE);
  if (vietnam)
    {
      gboolean digits = TRUE;

      for (int i = 15; i < 27; i++)
        digits = digits && g_ascii_isdigit (l1[i]);
      if (digits)
        copy_field (mrz->id_number, sizeof mrz->id_number, l1 + 15, 12, FALSE);
    }
  copy_field (mrz->birth, sizeof mrz->birth, l2, 6, FALSE);
  copy_field (mrz->expiry, sizeof mrz->expiry, l2 + 8, 6, FALSE);
  mrz->sex = (l2[7] == 'M' || l2[7] == 'F' || l2[7] == '<') ? l2[7] : '?';
  parse_name (mrz, vietnam);
}

gboolean
mc_mrz_parse (const char  *text,
              gssize       len,
              McMrz       *mrz,
              GError     **error)
{
  gboolean vietnam;

  g_return_val_if_fail (text != NULL || len == 0, FALSE);
  g_return_val_if_fail (mrz != NULL, FALSE);

  memset (mrz, 0, sizeof *mrz);
  if (len < 0)
    len = (gssize) strlen (text);

  if (!find_zone (text, len, mrz))
    {
      g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_NOT_MRZ,
                           _("No machine-readable zone (three lines of 30 characters) was found."));
      return FALSE;
    }
  restore_lines (mrz);
  vietnam = is_vietnamese (mrz);
  check_digits (mrz, vietnam);
  copy_fields (mrz, vietnam);

  if (vietnam && mc_mrz_is_valid (mrz))
    normalise_vietnamese (mrz);

  /* Three lines of letters are not yet an MRZ: a TD1 zone starts with a
   * document code (I, A or C), or at least two of its checks hold (one can
   * hold by chance). */
  if (strchr ("IAC", mrz->lines[0][0]) == NULL && n_bits (mrz->checks_valid) < 2)
    {
      g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_NOT_MRZ,
                           _("No machine-readable zone (three lines of 30 characters) was found."));
      return FALSE;
    }
  return TRUE;
}

gboolean
mc_mrz_is_valid (const McMrz *mrz)
{
  g_return_val_if_fail (mrz != NULL, FALSE);
  return mrz->checks_present != 0 && (mrz->checks_valid & mrz->checks_present) == mrz->checks_present;
}
