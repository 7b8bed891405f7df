/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-scan-backend.h"

G_BEGIN_DECLS

#define MC_FOLDER_DEVICE_PREFIX "folder:"
#define MC_FOLDER_TAKEN_DIR     ".taken"

#define MC_TYPE_FOLDER_BACKEND (mc_folder_backend_get_type ())
G_DECLARE_FINAL_TYPE (McFolderBackend, mc_folder_backend, MC, FOLDER_BACKEND, GObject)

/* A folder as a scanner: a copier's scan-to-folder, or any folder. Device
 * "folder:DIR": the image and PDF files in DIR (PNG, JPEG, TIFF, PNM,
 * WebP, PDF, by their names) become pages, oldest first by modification
 * time, then by name, through the page store like scanned ones. A file is
 * taken once its size and time have not changed for the settle time (it
 * may still be being written); each taken file is moved into
 * DIR/.taken/ (made 0700; a clash gets a "-2" suffix, nothing is
 * overwritten). A damaged file is reported with page-skipped, moved into
 * .taken/ too so that it is neither lost nor read again, and the job goes
 * on. Other files (hidden, temporary, links, folders) are left alone.
 *
 * A job takes the files in DIR when it starts and ends when they are
 * taken (an empty folder fails like an empty feeder); with the job
 * options' watch set, it keeps taking files as they appear until it is
 * cancelled. Files are read and saved on a thread of the job's own. */
McFolderBackend *mc_folder_backend_new         (void);
void             mc_folder_backend_set_folders (McFolderBackend    *self,
                                                const char * const *dirs);
void             mc_folder_backend_set_settle_time (McFolderBackend *self,
                                                    guint            ms);

G_END_DECLS
