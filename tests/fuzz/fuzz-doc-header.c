/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: OCR text of the top of a paper, read for the
 * digitization record (number and symbol, date, issuing body, title). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mc-doc-header.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_text (const char *text)
{
  if (text != NULL && (!g_utf8_validate (text, -1, NULL) || *text == '\0'))
    __builtin_trap ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(McDocHeader) header = mc_doc_header_parse (text);

  /* Whatever comes in: valid UTF-8 out, a real date or none. */
  check_text (header->issuer);
  check_text (header->number_symbol);
  check_text (header->title);
  check_text (header->issue_date);
  if (header->issue_date != NULL)
    {
      int y = 0, m = 0, d = 0;

      if (strlen (header->issue_date) != 10 ||
          sscanf (header->issue_date, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
          !g_date_valid_dmy (d, m, y))
        __builtin_trap ();
    }
  return 0;
}
