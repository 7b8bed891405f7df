/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Crash-safe files: write beside the target, fsync, rename over it, fsync
 * the folder. After a power cut or SIGKILL the target holds either the old
 * or the new contents, never a torn mix. Files are private (0600). */

char     *mc_file_temp_path_for    (const char  *path);
/* Creates that temporary file, empty and private (0600), for a writer that
 * opens files by name (libvips, libtiff, the PDF writer): truncating an
 * existing file keeps its mode, so the data is never readable by others,
 * whatever the umask. Then mc_file_commit(), or unlink it on failure. */
char     *mc_file_temp_create      (const char  *path,
                                    GError     **error);
gboolean  mc_file_commit           (const char  *temp_path,
                                    const char  *path,
                                    GError     **error);
gboolean  mc_file_write_atomically (const char  *path,
                                    const char  *contents,
                                    gssize       length,
                                    GError     **error);
gboolean  mc_dir_ensure_private    (const char  *path,
                                    GError     **error);
/* Renames a folder (a package built beside its place) durably: the parent
 * is synced after the rename. */
gboolean  mc_dir_commit            (const char  *temp_path,
                                    const char  *path,
                                    GError     **error);

G_END_DECLS

G_BEGIN_DECLS

/* Saves successive versions of one small file (a manifest, visit.json) in
 * the background, in order, skipping versions already superseded: the main
 * thread never waits on fsync. Each write is atomic, as above. */
typedef struct _McSerialWriter McSerialWriter;

McSerialWriter *mc_serial_writer_new    (const char      *path);
void            mc_serial_writer_free   (McSerialWriter  *writer);
const char     *mc_serial_writer_get_path (McSerialWriter *writer);
void            mc_serial_writer_queue  (McSerialWriter  *writer,
                                         char            *contents);
gboolean        mc_serial_writer_write_now (McSerialWriter *writer,
                                            const char     *contents,
                                            GError        **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McSerialWriter, mc_serial_writer_free)

G_END_DECLS
