/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>

#include "mc-core.h"
#include "mc-id-accents.h"
#include "mc-id-reader.h"
#include "mc-id-rules.h"
#include "mc-vips.h"
#include "mc-test-util.h"

/* The accents of a family name in capitals (issue 13): a tone stacked
 * over a circumflex or a breve ("Ễ", "Ặ") that OCR read as the letter
 * without it. The cards are drawn by the second, independent generator
 * (tests/idgen/make-cards.py). */

/* A word as Tesseract would give it: each letter "read:conf|other:conf…". */
static McIdLetterWord *
word_of (const char *const *letters)
{
  McIdLetterWord *word = g_new0 (McIdLetterWord, 1);
  GString *text = g_string_new (NULL);

  word->letters = g_ptr_array_new ();
  for (guint i = 0; letters[i] != NULL; i++)
    {
      g_auto(GStrv) choices = g_strsplit (letters[i], "|", -1);
      McIdLetter *letter = g_new0 (McIdLetter, 1);

      letter->choices = g_array_new (FALSE, TRUE, sizeof (McIdLetterChoice));
      for (guint k = 0; choices[k] != NULL; k++)
        {
          g_auto(GStrv) parts = g_strsplit (choices[k], ":", 2);
          McIdLetterChoice c = { g_strdup (parts[0]), (float) g_ascii_strtod (parts[1], NULL) };

          if (k == 0)
            letter->text = g_strdup (parts[0]);
          g_array_append_val (letter->choices, c);
        }
      g_string_append (text, letter->text);
      g_ptr_array_add (word->letters, letter);
    }
  word->text = g_string_free (text, FALSE);
  return word;
}

static void
word_free (McIdLetterWord *word)
{
  for (guint i = 0; i < word->letters->len; i++)
    {
      McIdLetter *letter = word->letters->pdata[i];

      for (guint k = 0; k < letter->choices->len; k++)
        g_free (g_array_index (letter->choices, McIdLetterChoice, k).text);
      g_array_unref (letter->choices);
      g_free (letter->text);
      g_free (letter);
    }
  g_ptr_array_unref (word->letters);
  g_free (word->text);
  g_free (word);
}

static void
assert_from_choices (const char *const *letters,
                     const char        *family,
                     const char        *expected)
{
  McIdLetterWord *word = word_of (letters);
  g_autofree char *got = mc_id_family_name_from_choices (word, family);

  g_assert_cmpstr (got, ==, expected);
  word_free (word);
}

static void
test_strip_marks (void)
{
  g_autofree char *nguyen = mc_id_strip_marks ("NGUYỄN");
  g_autofree char *dang = mc_id_strip_marks ("Đặng");
  g_autofree char *truong = mc_id_strip_marks ("TRƯƠNG");

  g_assert_cmpstr (nguyen, ==, "NGUYEN");
  g_assert_cmpstr (dang, ==, "ĐANG");      /* Đ is a letter of its own */
  g_assert_cmpstr (truong, ==, "TRUONG");
}

static void
test_family_rank (void)
{
  g_assert_cmpint (mc_id_family_name_rank ("NGUYỄN"), ==, 0);
  g_assert_cmpint (mc_id_family_name_rank ("nguyễn"), ==, 0);
  g_assert_cmpint (mc_id_family_name_rank ("NGUYÊN"), ==, -1);
  g_assert_cmpint (mc_id_family_name_rank ("ĐẶNG"), >=, 0);
  g_assert_cmpint (mc_id_family_name_rank ("ĐĂNG"), >, mc_id_family_name_rank ("ĐẶNG"));
  g_assert_cmpint (mc_id_family_name_rank ("TRẦN"), <, mc_id_family_name_rank ("ĐINH"));
  g_assert_cmpint (mc_id_family_name_rank ("NGUYỄN THU"), ==, -1);
  g_assert_cmpint (mc_id_family_name_rank (NULL), ==, -1);
}

/* Only marks Tesseract itself gave weight to, only where they make a more
 * common family name, never another letter. */
static void
test_family_from_choices (void)
{
  /* "Ê" read, "Ễ" nearly as likely: Nguyễn, not the no-name "Nguyên". */
  assert_from_choices ((const char *[]) { "N:93", "G:94", "U:95", "Y:94", "Ê:80|Ễ:72|Ế:0", "N:93", NULL },
                       "NGUYÊN", "NGUYỄN");
  /* "Đăng" is a family name too, but a rare one: where the print leaves
   * "Ă" or "Ặ" open, Đặng. */
  assert_from_choices ((const char *[]) { "Đ:92", "Ă:83|Ặ:67", "N:93", "G:94", NULL },
                       "ĐĂNG", "ĐẶNG");
  /* A second reading that saw "Ặ" plainly. */
  assert_from_choices ((const char *[]) { "Đ:96", "Ặ:93|Ă:41", "N:95", "G:93", NULL },
                       "ĐĂNG", "ĐẶNG");
  /* An alternative the LSTM all but ruled out is no ambiguity. */
  assert_from_choices ((const char *[]) { "N:93", "G:94", "U:95", "Y:94", "Ê:90|Ễ:20", "N:93", NULL },
                       "NGUYÊN", NULL);
  /* Already a common name: left alone ("LỆ" is none). */
  assert_from_choices ((const char *[]) { "L:93", "Ê:80|Ệ:75", NULL }, "LÊ", NULL);
  /* "Đăng" read plainly, nothing else offered: a rare name is not wrong. */
  assert_from_choices ((const char *[]) { "Đ:96", "Ă:93|Ắ:3", "N:95", "G:93", NULL }, "ĐĂNG", NULL);
  /* Other letters are another reading, not other marks. */
  assert_from_choices ((const char *[]) { "D:90", "Ặ:90", "N:90", "G:90", NULL }, "ĐĂNG", NULL);
  assert_from_choices ((const char *[]) { "H:90", "U:90", "Ỳ:90", "N:90", "H:90", NULL }, "HOÀNG", NULL);
}

/* The MRZ's letters, the print's marks: a letter misread in a word. */
static void
test_mrz_letters (void)
{
  struct {
    const char *ocr, *mrz, *expected;
    guint changed;
  } cases[] = {
    { "TRẦN VĂN HÙNC", "TRAN VAN HUNG", "TRẦN VĂN HÙNG", 1 },
    { "NGUYỄN THỊ HÒA", "NGUYEN THI HOA", "NGUYỄN THỊ HÒA", 0 },
    { "ĐẶNG THANH TRÍ", "DANG THANH TRI", "ĐẶNG THANH TRÍ", 0 },
    { "LÊ THỊ MỸ HẠNH", "LE THI MY HANH", "LÊ THỊ MỸ HẠNH", 0 },
    /* A vowel for a vowel keeps the tone where it makes a letter. */
    { "PHẠM THỊ THÙY", "PHAM THI THUY", "PHẠM THỊ THÙY", 0 },
    { "PHẠM THỊ THÙV", "PHAM THI THUY", "PHẠM THỊ THÙY", 1 },
    { "BÙI VĂN LỌC", "BUI VAN LAC", "BÙI VĂN LẠC", 1 },
    /* A consonant for a vowel takes no marks. */
    { "BÙI VĂN HỒA", "BUI VAN HCA", "BÙI VĂN HCA", 1 },
    /* Other readings, not one to mend. */
    { "NGUYỄN VĂN BÌNH", "NGUYEN VAN AN", NULL, 0 },
    { "NGUYỄN VĂN", "NGUYEN VAN AN", NULL, 0 },
    { "TRẦN VĂN HÙNC", "TRAN VAN HANG", NULL, 0 },     /* two letters in a word */
    { "DẶNG VĂN AN", "DANG VAN AN", "DẶNG VĂN AN", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint changed = 99;
      g_autofree char *got = mc_id_name_on_mrz_letters (cases[i].ocr, cases[i].mrz, &changed);

      g_assert_cmpstr (got, ==, cases[i].expected);
      if (got != NULL)
        g_assert_cmpuint (changed, ==, cases[i].changed);
    }
}

static GArray *
words_of (const char *spec)
{
  GArray *words = mc_id_words_read_new ();
  g_auto(GStrv) items = g_strsplit (spec, " ", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (items[i], ":", 2);
      McIdWordRead w = { g_strdup (parts[0]), g_ascii_strtod (parts[1], NULL) };

      g_array_append_val (words, w);
    }
  return words;
}

/* The enlarged reading's marks, word by word, where Tesseract is surer. */
static void
test_marks_from_words (void)
{
  struct {
    const char *name, *first, *again, *expected;
  } cases[] = {
    { "THÁI BÍCH HOÀI THỨ", "THÁI:0.9 BÍCH:0.9 HOÀI:0.9 THỨ:0.47", "THÁI:0.9 BÍCH:0.9 HOÀI:0.9 THƯ:0.85",
      "THÁI BÍCH HOÀI THƯ" },
    /* Less sure of the enlarged word: the first reading stands. */
    { "THÁI BÍCH HOÀI THỨ", "THÁI:0.9 BÍCH:0.9 HOÀI:0.9 THỨ:0.8", "THÁI:0.9 BÍCH:0.9 HOÀI:0.9 THƯ:0.6", NULL },
    /* Stray marks beside the line are no words. */
    { "ĐĂNG THANH TRÍ", "ĐĂNG:0.35 THANH:0.9 TRÍ:0.9", "Ì:0.3 ĐẶNG:0.87 THANH:0.95 TRÍ:0.9", "ĐẶNG THANH TRÍ" },
    /* Surer, but a common family name left for none: the first stands. */
    { "NGUYỄN CÔNG BÁ HIẾU", "NGUYỄN:0.6 CÔNG:0.9 BÁ:0.9 HIẾU:0.9", "NGUYÊN:0.9 CÔNG:0.9 BÁ:0.9 HIẾU:0.9",
      NULL },
    /* Other letters: another reading, not other marks. */
    { "TRẦN VĂN HÙNG", "TRẦN:0.5 VĂN:0.9 HÙNG:0.9", "TRẤN:0.9 VĂN:0.9 HÙNC:0.9", NULL },
    /* A word fewer: another reading. */
    { "LÊ THỊ MỸ HẠNH", "LÊ:0.5 THỊ:0.9 MỸ:0.9 HẠNH:0.9", "LỄ:0.9 THỊ:0.9 MỸHẠNH:0.9", NULL },
    /* The same reading: nothing to change. */
    { "LÊ THỊ MỸ HẠNH", "LÊ:0.5 THỊ:0.9 MỸ:0.9 HẠNH:0.9", "LÊ:0.9 THỊ:0.9 MỸ:0.9 HẠNH:0.9", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GArray) first = words_of (cases[i].first);
      g_autoptr(GArray) again = words_of (cases[i].again);
      g_autofree char *got = mc_id_name_marks_from_words (cases[i].name, first, again, 0.5);

      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

/* A card of the second generator read whole: its name must come out as
 * printed. @var names a truth file make-cards.py wrote. */
static void
assert_card_name (const char *var)
{
  const char *truth_path = g_getenv (var);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(McIdReader) reader = mc_id_reader_new (NULL);
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(McIdResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *expected = NULL;
  const McIdentityField *name;
  JsonObject *card;
  JsonArray *paths;

  if (truth_path == NULL)
    {
      g_test_skip ("the idgen cards were not made (no python3 with Pillow, NumPy and segno)");
      return;
    }
  g_assert_true (json_parser_load_from_file (parser, truth_path, &error));
  g_assert_no_error (error);
  card = json_array_get_object_element (json_object_get_array_member (
                                          json_node_get_object (json_parser_get_root (parser)), "cards"), 0);
  dir = g_path_get_dirname (truth_path);
  paths = json_object_get_array_member (card, "images");
  for (guint i = 0; i < json_array_get_length (paths); i++)
    {
      g_autofree char *path = g_build_filename (dir, json_array_get_string_element (paths, i), NULL);
      VipsImage *image = vips_image_new_from_file (path, NULL);

      g_assert_nonnull (image);
      g_ptr_array_add (images, image);
    }
  expected = g_utf8_normalize (json_object_get_string_member (json_object_get_object_member (card, "fields"),
                                                              "full_name"), -1, G_NORMALIZE_NFC);

  result = mc_id_reader_read (reader, images, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  name = mc_identity_get_field (result->identity, MC_ID_FIELD_FULL_NAME);
  g_assert_cmpstr (name->value, ==, expected);
  /* The print alone gave the marks, weighed by how common the name is:
   * still for the clerk to check. */
  g_assert_cmpint (name->source, ==, MC_ID_SOURCE_OCR);
  g_assert_true (name->flags & MC_ID_FIELD_FLAG_UNSURE);
}

/* A căn cước front (no QR, no MRZ) whose "NGUYỄN" read "NGUYÊN". */
static void
test_card_nguyen (void)
{
  assert_card_name ("MOTCUA_ACCENT_CARD_NGUYEN");
}

/* The same, turned 270°, whose "ĐẶNG" read "ĐĂNG". */
static void
test_card_dang (void)
{
  assert_card_name ("MOTCUA_ACCENT_CARD_DANG");
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();
  g_test_add_func ("/ocr/id-reader/accents/strip-marks", test_strip_marks);
  g_test_add_func ("/ocr/id-reader/accents/family-rank", test_family_rank);
  g_test_add_func ("/ocr/id-reader/accents/family-from-choices", test_family_from_choices);
  g_test_add_func ("/ocr/id-reader/accents/mrz-letters", test_mrz_letters);
  g_test_add_func ("/ocr/id-reader/accents/marks-from-words", test_marks_from_words);
  g_test_add_func ("/ocr/id-reader/accents/card-nguyen", test_card_nguyen);
  g_test_add_func ("/ocr/id-reader/accents/card-dang", test_card_dang);
  return g_test_run ();
}
