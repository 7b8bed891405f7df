/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a PDF as a citizen may bring it (verify reads any
 * file's /ByteRange and CMS) or as a damaged component reaches signing
 * (the reader of our own PDFs, which must refuse, never misread). */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "mc-fuzz.h"
#include "mc-pdf-sign-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) sigs = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GDateTime) when = NULL;
  GError *error = NULL;
  McPdfSigUpdate update = { 0 };

  mc_fuzz_init ();
  path = mc_fuzz_write_file (NULL, "in.pdf", data, size);
  sigs = mc_pdf_verify (path, NULL, &error);
  if (sigs == NULL && error == NULL)
    __builtin_trap ();
  g_clear_error (&error);

  /* As read from disk: NUL-terminated beyond its length. */
  {
    char *copy = g_malloc (size + 1);

    memcpy (copy, data, size);
    copy[size] = '\0';
    bytes = g_bytes_new_take (copy, size);
  }
  when = g_date_time_new_utc (2026, 6, 1, 8, 30, 0);
  if (mc_pdf_sig_prepare (bytes, "NGUYỄN VĂN THỬ", when, &update, &error))
    {
      /* The original bytes come first, untouched, and the placeholder
       * sits inside the new file. */
      if (update.file->len <= size || memcmp (update.file->data, data, size) != 0 ||
          update.contents_at + update.contents_len > update.file->len ||
          update.file->data[update.contents_at] != '<')
        __builtin_trap ();
      g_byte_array_unref (update.file);
    }
  else if (error == NULL)
    __builtin_trap ();
  g_clear_error (&error);
  return 0;
}
