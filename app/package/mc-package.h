/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-visit.h"

G_BEGIN_DECLS

/* Turns a visit's papers into the files for the portal: one searchable PDF
 * per component that has pages, named from a template, with its
 * digitization record and code, and manifest.json, in
 * <visit>/package/ (docs/package-format.md). Every file fits the portal's
 * per-file limit and the whole its total limit, or packaging fails with a
 * message that names what does not fit. */

#define MC_PACKAGE_ERROR (mc_package_error_quark ())
typedef enum {
  MC_PACKAGE_ERROR_MISSING,     /* a required component has no page */
  MC_PACKAGE_ERROR_TOO_LARGE,   /* a file or the whole does not fit the portal's limits */
  MC_PACKAGE_ERROR_FAILED,
} McPackageError;
GQuark mc_package_error_quark (void);

/* manifest.json's "format": 2 adds the digitization records and codes;
 * readers take 1 and 2. */
#define MC_PACKAGE_FORMAT 2

/* Called on the packaging thread with each component's PDF once it is
 * written in the package being made, before its size and checksum go in
 * the manifest: the clerk's signature is put on here (the visit session's
 * signing step), so the manifest lists the files as they are sent. What
 * the hook does not finish must leave @path as it was. */
typedef void (*McPackageFileHook) (const char   *path,
                                   const char   *component_key,
                                   GCancellable *cancellable,
                                   gpointer      user_data);

typedef struct {
  const char        *code_format;         /* NULL: MC_DEFAULT_CODE_FORMAT (mc-package-naming.h) */
  const char        *name_template;       /* NULL: MC_DEFAULT_NAME_TEMPLATE */
  guint64            file_limit_bytes;    /* 0: the portal's, from the catalog */
  guint64            total_limit_bytes;   /* 0: the portal's */
  int                dpi;                 /* 0: 200 */
  McPackageFileHook  file_hook;           /* NULL: none */
  gpointer           file_hook_data;      /* kept alive by the caller until the build ends */
  guint64            file_hook_reserve;   /* bytes the hook may add to a file: kept free under the limit */
} McPackageOptions;

typedef struct {
  guint    files;
  guint    pages;
  guint64  bytes;
  double   seconds;
} McPackageReport;

gboolean mc_package_build        (McVisit                *visit,
                                  const McPackageOptions *options,
                                  McPackageReport        *report,
                                  GCancellable           *cancellable,
                                  GError                **error);
void     mc_package_build_async  (McVisit                *visit,
                                  const McPackageOptions *options,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data);
gboolean mc_package_build_finish (McVisit                *visit,
                                  GAsyncResult           *result,
                                  McPackageReport        *report,
                                  GError                **error);

char    *mc_package_dup_file_name (guint       position,
                                   const char *component_key,
                                   const char *extension);
/* The package's file names in the manifest's order (the procedure's), or
 * NULL if its manifest cannot be read. */
GPtrArray *mc_package_list_files  (const char  *package_dir);
gboolean mc_package_verify        (const char  *package_dir,
                                   GError     **error);
gboolean mc_package_export_zip    (const char  *package_dir,
                                   const char  *zip_path,
                                   GError     **error);

G_END_DECLS
