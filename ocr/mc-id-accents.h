/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vips/vips.h>

#include "mc-ocr-pool.h"

G_BEGIN_DECLS

/* One letter as Tesseract read it, with the other readings its LSTM gave
 * the same place (lstm_choice_mode 2), each with its confidence (0–100). */
typedef struct {
  char   *text;
  GArray *choices;      /* McIdLetterChoice, best first */
} McIdLetter;

typedef struct {
  char  *text;
  float  confidence;
} McIdLetterChoice;

typedef struct {
  char      *text;      /* the word as read */
  GPtrArray *letters;   /* McIdLetter */
} McIdLetterWord;

void         mc_id_letter_word_free        (McIdLetterWord *word);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McIdLetterWord, mc_id_letter_word_free)

GPtrArray   *mc_id_read_letter_choices     (McOcrPool     *pool,
                                            VipsImage     *line,
                                            int            dpi,
                                            GCancellable  *cancellable,
                                            GError       **error);

char        *mc_id_family_name_from_choices (const McIdLetterWord *word,
                                             const char           *family);

/* A word of a line as read, with Tesseract's confidence in it (0–1). */
typedef struct {
  char   *text;
  double  confidence;
} McIdWordRead;

GArray      *mc_id_words_read_new          (void);
char        *mc_id_name_marks_from_words   (const char *name,
                                            GArray     *first,
                                            GArray     *again,
                                            double      otherwise);

char        *mc_id_strip_marks             (const char *text);
char        *mc_id_name_on_mrz_letters     (const char *ocr,
                                            const char *mrz_name,
                                            guint      *n_changed);

G_END_DECLS
