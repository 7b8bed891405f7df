/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A backend that lies about its frames, for test-scanner-frames: loaded
 * with LD_PRELOAD, it wraps libsane's sane_get_parameters() and, as
 * MC_SANE_LIE says, reports a frame that does not add up while the real
 * `test` backend goes on sending its real bytes:
 *
 *   short-lines  bytes_per_line smaller than the pixels need
 *   wide         a line of a million pixels (bytes to match)
 *   tall         ten million lines
 *   depth        12 bits per sample
 *   format       a frame format SANE does not define
 *
 * Unset or empty: the truth. Plain C, no GLib: it runs inside libsane. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sane/sane.h>

SANE_Status sane_get_parameters (SANE_Handle handle, SANE_Parameters *params);

SANE_Status
sane_get_parameters (SANE_Handle      handle,
                     SANE_Parameters *params)
{
  static SANE_Status (*real) (SANE_Handle, SANE_Parameters *);
  const char *lie = getenv ("MC_SANE_LIE");
  SANE_Status status;

  if (real == NULL)
    real = (SANE_Status (*) (SANE_Handle, SANE_Parameters *)) dlsym (RTLD_NEXT, "sane_get_parameters");
  if (real == NULL)
    return SANE_STATUS_INVAL;
  status = real (handle, params);
  if (status != SANE_STATUS_GOOD || lie == NULL || *lie == '\0')
    return status;

  if (strcmp (lie, "short-lines") == 0)
    params->bytes_per_line = params->bytes_per_line / 4;
  else if (strcmp (lie, "wide") == 0)
    {
      params->pixels_per_line = 1000 * 1000;
      params->bytes_per_line = params->pixels_per_line * (params->format == SANE_FRAME_RGB ? 3 : 1) *
                               (params->depth == 16 ? 2 : 1);
    }
  else if (strcmp (lie, "tall") == 0)
    params->lines = 10 * 1000 * 1000;
  else if (strcmp (lie, "depth") == 0)
    params->depth = 12;
  else if (strcmp (lie, "format") == 0)
    params->format = (SANE_Frame) 42;
  return status;
}
