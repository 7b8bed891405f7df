/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-id-fields.h"

G_BEGIN_DECLS

/* What the parts of the field reader share: mc-id-labels.c (where the
 * words and labels stand), mc-id-values.c (what a value says),
 * mc-id-fields.c (label → value → field) and mc-id-reread.c. */

typedef struct {
  McIdField   field;     /* MC_ID_FIELD_NONE: a label that ends the value above */
  const char *key;
  McCardType  hint;
  gboolean    starts_line;   /* counts only as the first word of its segment */
} McIdLabel;

typedef struct {
  const McOcrWord *word;
  char            *key;     /* letters and digits, no diacritics, no spaces */
  double           cy;
  int              top, bottom;   /* of its letters: see tok_extent() */
} McIdTok;

typedef struct {
  GPtrArray *toks;          /* McIdTok*, left to right */
  int        left, right, top, bottom;
} McIdSegment;

typedef struct {
  const McIdLabel *label;
  McIdSegment     *seg;
  guint            start, end;  /* tokens [start, end) */
} McIdMatch;

/* mc-id-labels.c */
char         *mc_id_key_of                 (const char      *text);
double        mc_id_median_height          (const McOcrWord *words,
                                            guint            n);
GPtrArray    *mc_id_segments_build         (const McOcrWord *words,
                                            guint            n,
                                            double           line_h);
GArray       *mc_id_labels_find            (GPtrArray       *segments);
gboolean      mc_id_label_is_card_mark     (const char      *key);
const McIdMatch *mc_id_match_starting_segment (GArray      *matches,
                                               McIdSegment *seg);
char         *mc_id_tokens_text            (McIdSegment     *seg,
                                            guint            from,
                                            guint            to,
                                            double          *confidence);
void          mc_id_tokens_box             (McIdSegment     *seg,
                                            guint            from,
                                            guint            to,
                                            int              box[4]);
McIdSegment  *mc_id_segment_below          (GPtrArray       *segments,
                                            McIdSegment     *above,
                                            int              left,
                                            int              right,
                                            double           line_h);
McIdSegment  *mc_id_segment_beside         (GPtrArray       *segments,
                                            McIdSegment     *label,
                                            double           line_h);
McCardType    mc_id_card_type_from_text    (GPtrArray       *segments,
                                            GArray          *matches);

/* mc-id-values.c */
char         *mc_id_fields_parse_value     (McIdField        field,
                                            const char      *text,
                                            McIdOcrFields   *fields,
                                            double           confidence);
char         *mc_id_fields_parse_date      (const char      *text);
gboolean      mc_id_field_is_date          (McIdField        field);
gboolean      mc_id_field_keeps_place      (McIdField        field);
gboolean      mc_id_field_is_place         (McIdField        field);

G_END_DECLS
