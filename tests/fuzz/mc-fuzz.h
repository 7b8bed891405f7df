/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>

#include <glib.h>

G_BEGIN_DECLS

/* What every libFuzzer target here shares. */
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Once per process: libvips and the program's resources, a log writer
 * that keeps the output readable (messages and debug dropped, each
 * distinct warning printed once) and aborts on a critical, and a private
 * temporary folder removed at exit. */
void        mc_fuzz_init       (void);
const char *mc_fuzz_tmp_dir    (void);
/* Writes @data to @name in the temporary folder (or in @dir when not
 * NULL); returns the path (free it). Aborts when it cannot. */
char       *mc_fuzz_write_file (const char      *dir,
                                const char      *name,
                                const uint8_t   *data,
                                size_t           size);
/* Empties @dir (not following symbolic links), keeping the folder. */
void        mc_fuzz_empty_dir  (const char      *dir);

G_END_DECLS
