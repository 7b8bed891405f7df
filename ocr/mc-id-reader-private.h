/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-card-finder.h"
#include "mc-deblur.h"
#include "mc-id-fields.h"
#include "mc-id-reader.h"
#include "mc-mrz.h"
#include "mc-qr-payload.h"

G_BEGIN_DECLS

/* Shared by the reader's stages (mc-id-reader.c) and the end of a
 * reading (mc-id-reading.c). */

struct _McIdReader
{
  GObject    parent_instance;

  McOcrPool *pool;
  GDate      today;    /* invalid: the real today */
};

typedef struct {
  McCardCrop  *crop;         /* borrowed from the crops array */
  gboolean     back;         /* carries the MRZ band */
  gboolean     qr_seen;      /* zbar decoded a QR here */
  gboolean     qr_here;      /* the QR payload came from here */
  McMotionBlur blur;         /* the smear measured on the crop (restored if sure) */
} Side;

/* One reading of one card: what the stages below find, each adding to
 * what the earlier ones found. */
typedef struct {
  McIdReader     *self;
  GPtrArray      *images;        /* VipsImage*, borrowed */
  GCancellable   *cancellable;

  GPtrArray      *crops;         /* McCardCrop*, the cards framed */
  GArray         *sides;         /* Side, one per crop */
  gboolean       *framed;        /* per image: the finder framed a card in it */
  VipsRect       *unframed;      /* per image: what the finder saw but did not frame */
  GError         *finder_error;  /* why the finder framed nothing, for the clerk */
  gboolean        all_whole;     /* every crop is its whole image */

  McQrPayload    *qr;            /* the first payload that parsed */
  char           *qr_text;       /* its decoded text (or the first text seen) */
  GError         *qr_error;      /* why a QR seen did not parse */
  McMrz           mrz;           /* the reading with the most checks holding */
  gboolean        have_mrz;
  McIdOcrFields  *ocr;           /* the printed fields */
  gboolean        have_front;
  gboolean        have_back;
  McCardType      qr_layout;     /* the layout told by the side the QR was on */
  gboolean        searched;      /* a whole image, or part of one, was searched */
  gboolean        frames_read;   /* something was read in the frames, before any search */
  gboolean        print_given;   /* a front left unread: the QR and MRZ gave all it prints */

  gint64          start_wall;    /* µs by the clock */
  gint64          start, t_find, t_qr, t_mrz, t_ocr, t_search;   /* µs of CPU, see cpu_now() */
} Reading;

McCardType  _mc_id_decide_layout          (McCardType         printed,
                                           McCardType         qr_side,
                                           const McQrPayload *qr);
gboolean    _mc_id_reading_read_anything  (const Reading     *r);
gboolean    _mc_id_reading_check_found    (Reading           *r,
                                           GError           **error);
McIdentity *_mc_id_reading_merge          (Reading           *r);
GPtrArray  *_mc_id_reading_upright_crops  (Reading           *r);

G_END_DECLS
