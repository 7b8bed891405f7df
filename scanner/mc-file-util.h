/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Crash-safe files: write beside the target, fsync, rename over it, fsync
 * the folder. After a power cut or SIGKILL the target holds either the old
 * or the new contents, never a torn mix. Files are private (0600). */

char     *mc_file_temp_path_for    (const char  *path);
gboolean  mc_file_commit           (const char  *temp_path,
                                    const char  *path,
                                    GError     **error);
gboolean  mc_file_write_atomically (const char  *path,
                                    const char  *contents,
                                    gssize       length,
                                    GError     **error);
gboolean  mc_dir_ensure_private    (const char  *path,
                                    GError     **error);

G_END_DECLS
