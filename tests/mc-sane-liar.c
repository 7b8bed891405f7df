/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A backend that misbehaves, for test-scanner-frames and
 * test-ui-kiosk-hang: loaded with LD_PRELOAD, it wraps libsane's calls
 * and, as MC_SANE_LIE says, reports a frame that does not add up while the
 * real `test` backend goes on sending its real bytes:
 *
 *   short-lines  bytes_per_line smaller than the pixels need
 *   wide         a line of a million pixels (bytes to match)
 *   tall         ten million lines
 *   depth        12 bits per sample
 *   format       a frame format SANE does not define
 *
 * or hangs as a scanner stuck in a USB transfer does:
 *
 *   stall-read   sane_read() blocks until sane_cancel() is called
 *
 * Unset or empty: the truth. Plain C, no GLib: it runs inside libsane. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sane/sane.h>

static int cancelled;   /* __atomic: sane_cancel() was called */

static int
lying (const char *how)
{
  const char *lie = getenv ("MC_SANE_LIE");

  return lie != NULL && strcmp (lie, how) == 0;
}

SANE_Status sane_start (SANE_Handle handle);
SANE_Status sane_read (SANE_Handle handle, SANE_Byte *data, SANE_Int max_length, SANE_Int *length);
void sane_cancel (SANE_Handle handle);

/* A new page: a cancel before it is not one of this page. */
SANE_Status
sane_start (SANE_Handle handle)
{
  static SANE_Status (*real) (SANE_Handle);

  if (real == NULL)
    real = (SANE_Status (*) (SANE_Handle)) dlsym (RTLD_NEXT, "sane_start");
  if (real == NULL)
    return SANE_STATUS_INVAL;
  __atomic_store_n (&cancelled, 0, __ATOMIC_SEQ_CST);
  return real (handle);
}

SANE_Status
sane_read (SANE_Handle  handle,
           SANE_Byte   *data,
           SANE_Int     max_length,
           SANE_Int    *length)
{
  static SANE_Status (*real) (SANE_Handle, SANE_Byte *, SANE_Int, SANE_Int *);

  if (real == NULL)
    real = (SANE_Status (*) (SANE_Handle, SANE_Byte *, SANE_Int, SANE_Int *)) dlsym (RTLD_NEXT, "sane_read");
  if (real == NULL)
    return SANE_STATUS_INVAL;
  if (lying ("stall-read"))
    {
      /* Nothing comes, for as long as nobody cancels. */
      *length = 0;
      while (!__atomic_load_n (&cancelled, __ATOMIC_SEQ_CST))
        usleep (10 * 1000);
      return SANE_STATUS_CANCELLED;
    }
  return real (handle, data, max_length, length);
}

void
sane_cancel (SANE_Handle handle)
{
  static void (*real) (SANE_Handle);

  if (real == NULL)
    real = (void (*) (SANE_Handle)) dlsym (RTLD_NEXT, "sane_cancel");
  __atomic_store_n (&cancelled, 1, __ATOMIC_SEQ_CST);
  if (real != NULL)
    real (handle);
}

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
