/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-scanner"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-page-image.h"
#include "mc-scan-error.h"
#include "mc-scanner-private.h"

/* A SANE frame: the checks its parameters pass before a byte of it is
 * read, and the conversion of its lines. Pure functions, fuzzed. */

gsize
mc_scanner_line_bytes (const SANE_Parameters *params)
{
  guint64 samples = (guint64) MAX (params->pixels_per_line, 0) *
                    (params->format == SANE_FRAME_RGB ? 3 : 1);

  return (gsize) ((samples * (guint64) MAX (params->depth, 0) + 7) / 8);
}

static gboolean
is_single_colour (SANE_Frame format)
{
  return format == SANE_FRAME_RED || format == SANE_FRAME_GREEN || format == SANE_FRAME_BLUE;
}

gboolean
mc_scanner_check_parameters (const SANE_Parameters  *params,
                             const SANE_Parameters  *first,
                             GError                **error)
{
  if (params->format != SANE_FRAME_GRAY && params->format != SANE_FRAME_RGB &&
      !is_single_colour (params->format))
    {
      g_set_error_literal (error, MC_SCAN_ERROR, MC_SCAN_ERROR_INVALID_OPTION,
                           _("The scanner sent an image in a form this program cannot read. Choose colour or grey."));
      return FALSE;
    }
  if (params->depth != 1 && params->depth != 8 && params->depth != 16)
    {
      g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_INVALID_OPTION,
                   _("The scanner sent an image this program cannot read (%d bits per sample). Choose colour or grey."),
                   params->depth);
      return FALSE;
    }
  /* Lines of unknown number (-1) are allowed: hand scanners, feeders. */
  if (params->pixels_per_line <= 0 || params->pixels_per_line > MC_SCAN_MAX_LINE_PIXELS ||
      params->lines > MC_SCAN_MAX_LINES ||
      (params->lines > 0 &&
       (guint64) params->pixels_per_line * (guint64) params->lines > MC_PAGE_IMAGE_MAX_PIXELS))
    {
      g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_FAILED,
                   _("The scanner announced a page of %d × %d pixels, larger than any paper. Check the scan area and resolution, then scan again."),
                   params->pixels_per_line, params->lines);
      return FALSE;
    }
  /* A line must hold its pixels, or reading it would run past its end. */
  if (params->bytes_per_line <= 0 || (gsize) params->bytes_per_line < mc_scanner_line_bytes (params) ||
      (gsize) params->bytes_per_line > mc_scanner_line_bytes (params) + 4096)
    {
      g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_FAILED,
                   _("The scanner sent an image whose size does not add up (%d pixels in %d bytes per line). Scan again; if it happens again, restart the scanner."),
                   params->pixels_per_line, params->bytes_per_line);
      return FALSE;
    }
  /* The later frames of a three-pass scan: one colour each, same width. */
  if (first != NULL &&
      (!is_single_colour (first->format) || !is_single_colour (params->format) ||
       params->pixels_per_line != first->pixels_per_line))
    {
      g_set_error_literal (error, MC_SCAN_ERROR, MC_SCAN_ERROR_FAILED,
                           _("The scanner sent the colours of one page at different sizes. Scan again."));
      return FALSE;
    }
  return TRUE;
}

/* Converts one raw SANE line into an output row. Depth 1 grey is
 * 1 = black (SANE's convention); 16-bit samples are in host order and keep
 * their high byte. Reads mc_scanner_line_bytes() bytes of @raw at most. */
void
mc_scanner_convert_line (const guchar          *raw,
                         const SANE_Parameters *params,
                         guchar                *out,
                         int                    width,
                         int                    bands,
                         int                    channel)
{
  int in_samples = params->format == SANE_FRAME_RGB ? 3 : 1;

  for (int x = 0; x < width; x++)
    for (int s = 0; s < in_samples; s++)
      {
        int i = x * in_samples + s;
        guchar v;

        if (params->depth == 1)
          v = (raw[i / 8] & (0x80 >> (i % 8))) ? 0 : 255;
        else if (params->depth == 16)
          v = (guchar) (((const guint16 *) (const void *) raw)[i] >> 8);
        else
          v = raw[i];

        if (channel >= 0)
          out[x * bands + channel] = v;
        else
          out[x * bands + s] = v;
      }
}
