/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: QR payload bytes as zbar hands them over. */
#include "config.h"

#include <stdint.h>

#include "mc-qr-payload.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GError *error = NULL;
  McQrPayload *p = mc_qr_payload_parse (data, size, &error);

  /* Exactly one of a payload or an error, and a payload is sane. */
  if ((p == NULL) == (error == NULL))
    __builtin_trap ();
  if (p != NULL)
    {
      if (p->n_fields < 7 || p->id_number == NULL || p->full_name == NULL ||
          p->date_of_birth == NULL || p->sex == NULL || p->date_of_issue == NULL ||
          g_strv_length (p->extra) != p->n_fields - 7)
        __builtin_trap ();
    }
  mc_qr_payload_free (p);
  g_clear_error (&error);
  return 0;
}
