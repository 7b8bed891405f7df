/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One page as the store's manifest (.pages.json) describes it. */
typedef struct {
  char   *file;      /* "page-NNN.png" */
  double  dpi;       /* 0: unknown */
  char   *mode;      /* NULL: unknown */
  char   *source;    /* NULL: unknown */
  char   *side;      /* NULL: front */
} McManifestEntry;

/* Reads a manifest: (element-type McManifestEntry), or NULL and an error
 * (MC_SCAN_ERROR_STORAGE) for an empty, truncated or mistyped file, never a
 * critical. @length: -1 for NUL-terminated. */
GPtrArray *mc_page_store_parse_manifest (const char  *contents,
                                         gssize       length,
                                         GError     **error);

G_END_DECLS
