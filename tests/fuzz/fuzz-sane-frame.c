/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: what a SANE backend (a real driver, or a faulty one)
 * sends for one page: each frame's parameters, checked, then its lines
 * converted into the page as the scanner thread does.
 *
 * Input: the number of frames (1–3), 12 bytes of parameters per frame
 * (format, last frame, depth, pixels per line: 2 bytes, bytes per line:
 * 4 bytes, signed, lines: 2 bytes, signed, one unused; little-endian),
 * then the data, each frame taking its lines in turn (all that is left
 * if it gives none). */
#include "config.h"

#include <string.h>

#include "mc-fuzz.h"
#include "mc-scanner-private.h"

#define MAX_ROWS 32
#define MAX_PAGE_BYTES (4 * 1024 * 1024)

static gint32
le (const uint8_t *p,
    guint          n)
{
  guint32 v = 0;

  for (guint i = 0; i < n; i++)
    v |= (guint32) p[i] << (8 * i);
  if (n == 2)
    return (gint16) v;
  return (gint32) v;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  SANE_Parameters frames[3], first = { 0 };
  guint n_frames, at;
  g_autofree guchar *pixels = NULL;
  int width = 0, bands = 0, rows = 0;

  mc_fuzz_init ();
  if (size < 1)
    return 0;
  n_frames = 1 + data[0] % 3;
  if (size < 1 + 12 * n_frames)
    return 0;
  for (guint f = 0; f < n_frames; f++)
    {
      const uint8_t *p = data + 1 + 12 * f;

      frames[f].format = (SANE_Frame) p[0];
      frames[f].last_frame = p[1] & 1;
      frames[f].depth = p[2];
      frames[f].pixels_per_line = le (p + 3, 2) & 0xffff;
      frames[f].bytes_per_line = le (p + 5, 4);
      frames[f].lines = le (p + 9, 2);
    }
  at = 1 + 12 * n_frames;

  for (guint f = 0; f < n_frames; f++)
    {
      const SANE_Parameters *params = &frames[f];
      g_autoptr(GError) error = NULL;
      g_autofree guchar *line = NULL;
      int channel = -1;

      if (!mc_scanner_check_parameters (params, f == 0 ? NULL : &first, &error))
        {
          if (error == NULL || !g_utf8_validate (error->message, -1, NULL))
            __builtin_trap ();
          break;
        }
      switch (params->format)
        {
        case SANE_FRAME_RED: channel = 0; break;
        case SANE_FRAME_GREEN: channel = 1; break;
        case SANE_FRAME_BLUE: channel = 2; break;
        default: break;
        }
      if (f == 0)
        {
          first = *params;
          width = params->pixels_per_line;
          bands = params->format == SANE_FRAME_GRAY ? 1 : 3;
          /* As many rows as the first frame announces, as the scanner
           * thread reserves them. Huge widths are the size checks'
           * business, not this target's. */
          rows = params->lines > 0 ? MIN (params->lines, MAX_ROWS) : MAX_ROWS;
          if ((gsize) width * bands * rows > MAX_PAGE_BYTES)
            return 0;
          pixels = g_malloc0 ((gsize) width * bands * rows);
        }
      if ((gsize) params->bytes_per_line > size)
        break;

      /* As the scanner thread does: exactly one line in its own buffer. */
      line = g_malloc (params->bytes_per_line);
      for (int row = 0; row < rows && (params->lines <= 0 || row < params->lines) &&
                        size - at >= (gsize) params->bytes_per_line; row++)
        {
          memcpy (line, data + at, params->bytes_per_line);
          at += params->bytes_per_line;
          if (channel >= 0 || f == 0)
            {
              guchar *out = pixels + (gsize) row * width * bands;

              if (f == 0 && channel >= 0)
                memset (out, 0, (gsize) width * bands);
              mc_scanner_convert_line (line, params, out, width, bands, channel);
            }
        }
      if (params->last_frame)
        break;
    }
  return 0;
}
