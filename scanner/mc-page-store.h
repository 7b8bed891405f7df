/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vips/vips.h>

#include "mc-page.h"

G_BEGIN_DECLS

#define MC_TYPE_PAGE_STORE (mc_page_store_get_type ())
G_DECLARE_FINAL_TYPE (McPageStore, mc_page_store, MC, PAGE_STORE, GObject)

/* The pages of one visit (or one `motcua-tool scan --out DIR`), on disk:
 * DIR/page-001.png …, DIR/.thumbs/page-001.png, and DIR/.pages.json for
 * their order and what the scanner said about them. A GListModel of
 * McPage for views. Every page file is written atomically and is complete
 * on its own, so a killed process loses no finished page; opening a store
 * picks up pages the manifest had not caught up with. */

McPageStore *mc_page_store_new            (const char          *dir,
                                           GError             **error);
const char  *mc_page_store_get_dir        (McPageStore         *self);

/* Any thread. */
McPage      *mc_page_store_save_image     (McPageStore         *self,
                                           VipsImage           *image,
                                           double               dpi,
                                           McScanMode           mode,
                                           McScanSource         source,
                                           McPageSide           side,
                                           GError             **error);

/* Main thread: these change the list and save the manifest in the background. */
void         mc_page_store_append         (McPageStore         *self,
                                           McPage              *page);
void         mc_page_store_move           (McPageStore         *self,
                                           guint                from,
                                           guint                to);
gboolean     mc_page_store_remove         (McPageStore         *self,
                                           McPage              *page,
                                           GError             **error);
void         mc_page_store_rotate_async   (McPageStore         *self,
                                           McPage              *page,
                                           int                  degrees,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean     mc_page_store_rotate_finish  (McPageStore         *self,
                                           GAsyncResult        *result,
                                           GError             **error);
gboolean     mc_page_store_flush          (McPageStore         *self,
                                           GError             **error);

/* The page strip's picture of a page, one layout for scanned and cleaned
 * pages: DIR/.thumbs/BASENAME, a PNG 240 pixels high, written privately
 * and atomically (the folder must exist). Any thread. */
char        *mc_page_store_dup_thumbnail_path (const char       *dir,
                                               const char       *basename);
gboolean     mc_page_store_write_thumbnail (VipsImage          *image,
                                            const char         *thumb_path,
                                            GError            **error);

G_END_DECLS
