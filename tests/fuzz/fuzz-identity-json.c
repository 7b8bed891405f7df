/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a stored identity (visit.json) read back. */
#include "config.h"

#include <stdint.h>

#include "mc-identity.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  JsonParser *parser = json_parser_new ();
  GError *error = NULL;

  if (json_parser_load_from_data (parser, (const char *) data, size, NULL))
    {
      McIdentity *id = mc_identity_new_from_json (json_parser_get_root (parser), &error);

      if ((id == NULL) == (error == NULL))
        __builtin_trap ();
      if (id != NULL)
        {
          /* What was read back writes out and reads back the same. */
          JsonNode *node = mc_identity_to_json (id);
          McIdentity *again = mc_identity_new_from_json (node, NULL);

          if (again == NULL)
            __builtin_trap ();
          g_object_unref (again);
          json_node_unref (node);
          g_object_unref (id);
        }
    }
  g_clear_error (&error);
  g_object_unref (parser);
  return 0;
}
