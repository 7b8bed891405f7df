/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vips/vips.h>

#include "mc-page-image.h"

G_BEGIN_DECLS

/* What a cleaned page is stored as. */
typedef enum {
  MC_PAGE_KIND_LINEART,   /* 1-bit, CCITT G4 TIFF: text-only pages */
  MC_PAGE_KIND_GREY,      /* 8-bit grey JPEG: stamps, photos, shading */
  MC_PAGE_KIND_COLOUR,    /* sRGB JPEG: colour that carries meaning (red seals, blue ink) */
} McPageKind;

typedef enum {
  MC_CLEANUP_PROFILE_DOCUMENT,  /* paperwork: deskew, orientation, whiten, 1-bit when possible */
  MC_CLEANUP_PROFILE_PHOTO,     /* pictures: trim to the paper only, keep tones */
} McCleanupProfile;

/* Defaults. A page is blank when, after background normalisation and
 * leaving out a 4 % margin on each side, marks larger than 0.5 mm cover
 * less than MC_CLEANUP_DEFAULT_BLANK_INK of the page (0.03 %, about
 * 19 mm² on A4: less than a single printed word of 12 pt text, more than
 * the dust and noise of a scanner's blank duplex back). */
#define MC_CLEANUP_DEFAULT_DPI           200
#define MC_CLEANUP_MIN_DPI               150
#define MC_CLEANUP_DEFAULT_JPEG_QUALITY  60
#define MC_CLEANUP_DEFAULT_BLANK_INK     0.0003
#define MC_CLEANUP_MAX_SKEW              20.0

/* Orientation of an upright-skew-free page, as Tesseract's OSD gives it:
 * @rotate receives how far to turn the page clockwise (0, 90, 180, 270)
 * to stand it upright. ocr/ provides one (mc_ocr_orient_func); scanner/
 * cannot depend on ocr/. */
typedef gboolean (*McOrientFunc) (VipsImage     *page,
                                  int            dpi,
                                  int           *rotate,
                                  float         *confidence,
                                  GCancellable  *cancellable,
                                  GError       **error,
                                  gpointer       user_data);

typedef struct {
  McCleanupProfile profile;
  int              output_dpi;      /* 0: MC_CLEANUP_DEFAULT_DPI; never above the source */
  int              jpeg_quality;    /* 0: MC_CLEANUP_DEFAULT_JPEG_QUALITY */
  double           blank_ink;       /* 0: MC_CLEANUP_DEFAULT_BLANK_INK */
  gboolean         keep_blank;      /* write blank pages too (they are flagged either way) */
  McOrientFunc     orient;          /* NULL: orientation is not corrected */
  gpointer         orient_data;
  /* The clerk's one-click rotate: clean again from the original with the
   * quarter turn given (0, 90, 180, 270 clockwise) instead of OSD's. */
  gboolean         fixed_rotation;
  int              rotation;
} McCleanupOptions;

typedef struct {
  char       *output;      /* file written (base + ".tif" or ".jpg"); NULL for a dropped blank page */
  McPageKind  kind;
  double      skew;        /* degrees anticlockwise the page lay at; it has been turned back */
  int         rotation;    /* degrees the page was turned clockwise to stand upright */
  gboolean    orientation_known;  /* FALSE: too little text to tell, or no orient func */
  gboolean    blank;
  double      ink;         /* fraction of the page covered by marks */
  gboolean    trimmed;     /* the paper was found on a darker glass and cut out */
  int         width;       /* of the output, pixels */
  int         height;
  int         dpi;         /* of the output */
  double      seconds;     /* time spent */
} McCleanupResult;

void             mc_cleanup_result_free    (McCleanupResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McCleanupResult, mc_cleanup_result_free)

const char      *mc_page_kind_to_string    (McPageKind kind);
const char      *mc_page_kind_to_label     (McPageKind kind);

/* Cleans one page. @dpi is the source resolution (0: from the image, else
 * MC_PAGE_IMAGE_DEFAULT_DPI). The cleaned page is written to @output_base
 * plus ".tif" (line art) or ".jpg" (grey, colour), atomically. With
 * @output_base NULL nothing is written (analysis only). */
McCleanupResult *mc_cleanup_image          (VipsImage              *image,
                                            int                     dpi,
                                            const char             *output_base,
                                            const McCleanupOptions *options,
                                            GCancellable           *cancellable,
                                            GError                **error);
McCleanupResult *mc_cleanup_file           (const char             *path,
                                            int                     dpi,
                                            const char             *output_base,
                                            const McCleanupOptions *options,
                                            GCancellable           *cancellable,
                                            GError                **error);

/* Runs mc_cleanup_file() on the cleanup workers: as many as there are
 * cores, so pages are cleaned side by side and a slow page holds up only
 * its own worker. The callback runs in the caller's thread-default main
 * context. The options are copied. */
void             mc_cleanup_file_async     (const char             *path,
                                            int                     dpi,
                                            const char             *output_base,
                                            const McCleanupOptions *options,
                                            GCancellable           *cancellable,
                                            GAsyncReadyCallback     callback,
                                            gpointer                user_data);
void             mc_cleanup_image_async    (VipsImage              *image,
                                            int                     dpi,
                                            const char             *output_base,
                                            const McCleanupOptions *options,
                                            GCancellable           *cancellable,
                                            GAsyncReadyCallback     callback,
                                            gpointer                user_data);
McCleanupResult *mc_cleanup_finish         (GAsyncResult           *result,
                                            GError                **error);
/* How many pages are cleaned at once (default: one per core). */
void             mc_cleanup_set_workers    (guint                   n_workers);

G_END_DECLS
