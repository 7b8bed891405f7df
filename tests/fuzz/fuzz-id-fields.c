/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the words Tesseract could return for a card side, read
 * by the printed-field parser, then merged with a QR payload and an MRZ.
 *
 * Input: up to three sections separated by a line "===": the OCR text
 * (one OCR line per line; leading spaces move it right, 10 px each;
 * words split at spaces, 12 px per byte), the QR payload, the MRZ text. */
#include "config.h"

#include <string.h>

#include "mc-fuzz.h"
#include "mc-id-fields.h"
#include "mc-id-merge.h"
#include "mc-mrz.h"
#include "mc-qr-payload.h"

static GArray *
words_from_text (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", 200);
  GArray *words = g_array_new (FALSE, TRUE, sizeof (McOcrWord));

  for (guint l = 0; lines[l] != NULL; l++)
    {
      const char *p = lines[l];
      int x = 0;

      while (*p == ' ')
        {
          x += 10;
          p++;
        }
      while (*p != '\0' && words->len < 2000)
        {
          const char *end = strchr (p, ' ');
          gsize len = end ? (gsize) (end - p) : strlen (p);

          if (len > 0)
            {
              McOcrWord w = { 0 };

              w.text = g_strndup (p, len);
              w.left = x;
              w.top = 40 * (int) l;
              w.width = 12 * (int) len;
              w.height = 30;
              w.baseline_x1 = w.left;
              w.baseline_x2 = w.left + w.width;
              w.baseline_y1 = w.baseline_y2 = w.top + 24;
              w.confidence = 0.5f + 0.1f * (float) ((l + words->len) % 5);
              w.line = l;
              g_array_append_val (words, w);
              x += w.width;
            }
          x += 12;
          p += len;
          while (*p == ' ')
            p++;
        }
    }
  return words;
}

static void
words_free (GArray *words)
{
  for (guint i = 0; i < words->len; i++)
    g_free (g_array_index (words, McOcrWord, i).text);
  g_array_unref (words);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) sections = NULL;
  g_autoptr(McIdOcrFields) fields = NULL;
  g_autoptr(McIdOcrFields) both = NULL;
  g_autoptr(McQrPayload) qr = NULL;
  g_autoptr(GDate) today = g_date_new_dmy (7, G_DATE_DECEMBER, 2026);
  McIdReadings readings = { 0 };
  McIdentity *id;
  McMrz mrz;
  gboolean have_mrz = FALSE;
  GArray *words;

  mc_fuzz_init ();
  if (size > 64 * 1024)
    return 0;

  /* Tesseract hands over UTF-8. */
  text = g_utf8_make_valid ((const char *) data, (gssize) size);
  sections = g_strsplit (text, "\n===\n", 3);
  if (sections[0] == NULL)
    return 0;

  words = words_from_text (sections[0]);
  fields = mc_id_ocr_fields_new ();
  mc_id_fields_extract ((const McOcrWord *) (void *) words->data, words->len, fields);
  words_free (words);

  /* A second read of the same side adds to the first. */
  both = mc_id_ocr_fields_new ();
  mc_id_ocr_fields_absorb (both, fields);
  mc_id_ocr_fields_absorb (both, fields);

  if (sections[1] != NULL)
    {
      g_autoptr(GError) error = NULL;

      qr = mc_qr_payload_parse ((const guint8 *) sections[1], strlen (sections[1]), &error);
      if (sections[2] != NULL)
        {
          g_autoptr(GError) mrz_error = NULL;

          have_mrz = mc_mrz_parse (sections[2], strlen (sections[2]), &mrz, &mrz_error);
        }
    }

  readings.qr = qr;
  readings.qr_expected = sections[1] != NULL;
  readings.mrz = have_mrz ? &mrz : NULL;
  readings.mrz_expected = sections[1] != NULL && sections[2] != NULL;
  readings.ocr = fields;
  readings.card_type = fields->card_type;
  readings.today = today;

  id = mc_id_merge (&readings);
  if (id == NULL)
    __builtin_trap ();
  {
    /* What the merge made is stored and read back. */
    JsonNode *node = mc_identity_to_json (id);
    g_autoptr(GError) error = NULL;
    McIdentity *again = mc_identity_new_from_json (node, &error);

    if (again == NULL)
      __builtin_trap ();
    g_object_unref (again);
    json_node_unref (node);
  }
  g_object_unref (id);

  readings.ocr = both;
  readings.today = NULL;
  id = mc_id_merge (&readings);
  g_clear_object (&id);
  return 0;
}
