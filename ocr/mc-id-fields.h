/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vips/vips.h>

#include "mc-identity.h"
#include "mc-ocr-pool.h"

G_BEGIN_DECLS

/* The printed fields of a card, as Tesseract (vie) read them: found by
 * their bilingual labels, the value to the right of the label or on the
 * line below. Values are normalised: dates YYYY-MM-DD, sex "Nam"/"Nữ",
 * the number digits only, names upper case with their diacritics. */

typedef struct {
  char   *value;         /* NULL when not found */
  double  confidence;    /* OCR confidence of its least sure word, 0–1 */
  int     boxes[2][4];   /* where its lines are: x, y, width, height in the card;
                          * a date's box is kept even when what was read there
                          * did not parse, so that it can be read again */
  guint   n_boxes;
  char   *text;          /* the words as read, before parsing */
} McIdOcrValue;

#define MC_ID_OCR_MAX_DATES 4

typedef struct {
  McIdOcrValue  fields[MC_ID_N_FIELDS];
  McCardType    card_type;      /* what the headings and labels say, or UNKNOWN */
  gboolean      no_expiry;      /* "Không thời hạn" printed as the expiry */
  double        no_expiry_confidence;
  guint         n_labels;       /* labels found: none means this is no card side */
  guint         n_card_marks;   /* what only a card prints: the English half of a
                                 * bilingual label, the issuer, the fingerprint box */
  guint         n_shaped;       /* fields found by their shape alone (mc-id-shapes.c) */
  /* Other dates the print holds (YYYY-MM-DD): under no label that was
   * recognised, or a second reading of a date field that differed from
   * the first. The expiry rule may pick one of them. */
  char         *dates[MC_ID_OCR_MAX_DATES];
  guint         n_dates;
  /* The name's other reading, when its line read again alone gave
   * another name than the sparse pass: the MRZ's letters, where read,
   * choose between the two (mc-id-merge.c). NULL: one reading. */
  char         *name_other;
} McIdOcrFields;

McIdOcrFields *mc_id_ocr_fields_new     (void);
void           mc_id_ocr_fields_free    (McIdOcrFields   *fields);
void           mc_id_ocr_fields_absorb  (McIdOcrFields   *into,
                                         const McIdOcrFields *from);
void           mc_id_ocr_fields_add_date (McIdOcrFields  *fields,
                                          const char     *iso);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (McIdOcrFields, mc_id_ocr_fields_free)

/* Finds the labels among @words (as mc_ocr_pool_recognize() returns them
 * with want_words) and reads the values; adds what it finds to @fields. */
void           mc_id_fields_extract     (const McOcrWord *words,
                                         guint            n_words,
                                         McIdOcrFields   *fields);

/* Reads one upright card crop (300 dpi), the rows from @top to @bottom
 * (fractions of its height: 0 and 1 for all of it; less to leave out the
 * MRZ band of a back, or parts whose fields are already proven). */
McIdOcrFields *mc_id_fields_read        (McOcrPool       *pool,
                                         VipsImage       *card,
                                         double           top,
                                         double           bottom,
                                         GCancellable    *cancellable,
                                         GError         **error);

/* Reads the lines of the fields in @mask again, each alone (Tesseract's
 * single-line mode on a tight crop, which gets diacritics right more often
 * than the sparse pass over the whole card). Two readings that agree make
 * the value surer; when they differ, the line's reading is kept and the
 * field is marked unsure. A date is read enlarged, as digits and '/' only,
 * also where the first reading did not parse; readings that saw the same
 * digits agree, whatever the separators were read as. */
gboolean       mc_id_fields_reread      (McOcrPool       *pool,
                                         VipsImage       *card,
                                         McIdOcrFields   *fields,
                                         guint            mask,
                                         GCancellable    *cancellable,
                                         GError         **error);

G_END_DECLS
