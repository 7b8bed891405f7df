/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A package folder (docs/package-format.md) as the upload sees it: its
 * manifest, read and checked, and its files, each checked against the
 * manifest's size and SHA-256. Loading keeps every file open, so what is
 * sent is what was checked. */

typedef struct {
  char    *name;         /* file name in the folder, also the upload's filename */
  char    *media_type;
  char    *component;    /* the component's catalog key */
  guint64  size;
  char    *sha256;       /* lower-case hex */
} McPortalFile;

typedef struct _McPortalPackage McPortalPackage;

/* Reads @dir/manifest.json and checks the folder against it: format 1,
 * a visit id, every file present with its size and SHA-256, no file the
 * manifest does not list, every required component filled. Reading the
 * files takes a moment (about 20 ms per 5 MB): call it off the main
 * thread. Errors: MC_PORTAL_ERROR_PACKAGE, G_IO_ERROR_CANCELLED. */
McPortalPackage    *mc_portal_package_load           (const char       *dir,
                                                      GCancellable     *cancellable,
                                                      GError          **error);
McPortalPackage    *mc_portal_package_ref            (McPortalPackage  *self);
void                mc_portal_package_unref          (McPortalPackage  *self);

const char         *mc_portal_package_get_dir        (McPortalPackage  *self);
const char         *mc_portal_package_get_visit_id   (McPortalPackage  *self);
const char         *mc_portal_package_get_procedure  (McPortalPackage  *self);
/* The manifest exactly as it is on disk: it is sent as it was checked. */
GBytes             *mc_portal_package_get_manifest   (McPortalPackage  *self);
guint64             mc_portal_package_get_total_size (McPortalPackage  *self);
guint               mc_portal_package_get_n_files    (McPortalPackage  *self);
const McPortalFile *mc_portal_package_get_file       (McPortalPackage  *self,
                                                      guint             index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (McPortalPackage, mc_portal_package_unref)

G_END_DECLS
