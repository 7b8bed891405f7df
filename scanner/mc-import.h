/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-page-store.h"

G_BEGIN_DECLS

/* PDFs fail with these; pictures with McPageImageError (mc-page-image.h). */
#define MC_IMPORT_ERROR (mc_import_error_quark ())
typedef enum {
  MC_IMPORT_ERROR_DAMAGED,       /* a PDF that cannot be read */
  MC_IMPORT_ERROR_TOO_LARGE,     /* a page larger than any paper, or too much at once */
} McImportError;
GQuark mc_import_error_quark (void);

/* The most one import (all its files) brings in, checked before anything
 * is rendered. */
#define MC_IMPORT_MAX_PAGES   200u
#define MC_IMPORT_MAX_PIXELS  (1000ull * 1000u * 1000u)

/* Reads an image (PNG, JPEG, TIFF, …) or a PDF (each page at @pdf_dpi)
 * into pages of @store, as the scanner would. Any thread: the pages are
 * saved but not yet in the list; the caller appends them (main thread).
 * Returns: (transfer full) (element-type McPage) or NULL with an error. */
GPtrArray *mc_import_file          (McPageStore   *store,
                                    const char    *path,
                                    int            pdf_dpi,
                                    GCancellable  *cancellable,
                                    GError       **error);
void       mc_import_files_async   (McPageStore   *store,
                                    const char * const *paths,
                                    GCancellable  *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer       user_data);
GPtrArray *mc_import_files_finish  (McPageStore   *store,
                                    GAsyncResult  *result,
                                    GPtrArray    **partial,
                                    GError       **error);
gboolean   mc_import_is_supported  (const char    *path);

G_END_DECLS
