/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-ocr-pool.h"

G_BEGIN_DECLS

#define MC_PDF_ERROR (mc_pdf_error_quark ())

typedef enum {
  MC_PDF_ERROR_FAILED,
  MC_PDF_ERROR_NO_PAGES,
  MC_PDF_ERROR_TOO_LARGE,   /* does not fit the size budget even at the legibility floor */
  MC_PDF_ERROR_WRITE,       /* the output file could not be written */
} McPdfError;

GQuark mc_pdf_error_quark (void);

#define MC_PDF_DEFAULT_MAX_BYTES  (5u * 1000u * 1000u)   /* the portal's 5 MB */
#define MC_PDF_DEFAULT_DPI        200
#define MC_PDF_FLOOR_DPI          150                     /* legibility floor */
#define MC_PDF_DEFAULT_QUALITY    60
#define MC_PDF_FLOOR_QUALITY      30

typedef struct {
  const char *languages;    /* NULL: "vie" */
  int         dpi;          /* largest image resolution; 0: MC_PDF_DEFAULT_DPI */
  guint64     max_bytes;    /* size budget; 0: no budget */
  int         quality;      /* JPEG quality when a page must be encoded; 0: default */
  const char *title;        /* NULL: none */
  gboolean    pdfa;         /* claim PDF/A-2b (see the writer: not checked by a validator) */
  guint       n_workers;    /* 0: one per core */
  McOcrPool  *pool;         /* NULL: mc_ocr_pool_get_default () */
} McPdfOptions;

typedef struct {
  guint    pages;
  guint64  bytes;
  int      dpi;             /* resolution the images ended at */
  int      quality;         /* JPEG quality the images ended at (pages passed through keep theirs) */
  guint    steps;           /* how many times the budget made us step down */
  guint    passed_through;  /* pages whose image went in untouched */
  double   seconds;
  double   ocr_seconds;     /* summed over pages */
} McPdfReport;

/* One searchable PDF from @inputs (cleaned page images: 1-bit TIFF/PNG,
 * grey or colour JPEG/PNG), in order, written to @output atomically.
 * Pages are read and recognised side by side, a few at a time, and
 * written in order: memory does not grow with the number of pages. */
gboolean mc_searchable_pdf_write        (const char * const *inputs,
                                         const char         *output,
                                         const McPdfOptions *options,
                                         McPdfReport        *report,
                                         GCancellable       *cancellable,
                                         GError            **error);
void     mc_searchable_pdf_write_async  (const char * const *inputs,
                                         const char         *output,
                                         const McPdfOptions *options,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
gboolean mc_searchable_pdf_write_finish (GAsyncResult       *result,
                                         McPdfReport        *report,
                                         GError            **error);

/* For the cleanup's McOrientFunc: Tesseract OSD through @user_data (a
 * McOcrPool, or NULL for the default pool). */
gboolean mc_ocr_orient_func             (VipsImage          *page,
                                         int                 dpi,
                                         int                *rotate,
                                         float              *confidence,
                                         GCancellable       *cancellable,
                                         GError            **error,
                                         gpointer            user_data);

G_END_DECLS
