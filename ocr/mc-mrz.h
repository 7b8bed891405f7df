/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ICAO 9303 check digit over @len bytes of @text (-1: up to NUL):
 * weights 7, 3, 1; digits as themselves, A–Z as 10–35, '<' as 0.
 * Returns -1 when @text holds any other character. */
int mc_mrz_check_digit (const char *text,
                        gssize      len);

/* The check digits of a TD1 (ID card) MRZ. MC_MRZ_CHECK_ID_NUMBER is the
 * Vietnamese one: line 1 carries the 12-digit number in its optional data,
 * followed by "<<" and a check digit over those 12 digits. */
typedef enum {
  MC_MRZ_CHECK_DOCUMENT_NUMBER = 1 << 0,
  MC_MRZ_CHECK_ID_NUMBER       = 1 << 1,
  MC_MRZ_CHECK_BIRTH           = 1 << 2,
  MC_MRZ_CHECK_EXPIRY          = 1 << 3,
  MC_MRZ_CHECK_COMPOSITE       = 1 << 4,
} McMrzCheck;

#define MC_MRZ_LINE_LENGTH 30

typedef struct {
  /* The three lines as read (spaces removed), and as normalised: exactly
   * 30 characters, filler runs recounted, confirmed repairs applied. */
  char     read[3][64];
  char     lines[3][MC_MRZ_LINE_LENGTH + 1];

  char     document_code[3];
  char     issuing_state[4];
  char     document_number[10];   /* fillers removed */
  char     id_number[13];         /* the 12-digit number (Vietnam), or "" */
  char     birth[7];              /* YYMMDD */
  char     sex;                   /* 'M', 'F', '<' (unspecified) or '?' (unreadable) */
  char     expiry[7];             /* YYMMDD; 991231 means no expiry */
  char     nationality[4];
  char     surname[MC_MRZ_LINE_LENGTH + 1];      /* words separated by one space */
  char     given_names[MC_MRZ_LINE_LENGTH + 1];
  char     name[MC_MRZ_LINE_LENGTH + 1];         /* all words in order, as printed on a Vietnamese card */

  guint    checks_present;        /* McMrzCheck: the checks this zone has */
  guint    checks_valid;          /* McMrzCheck: the ones that hold */
  guint    n_repairs;             /* characters changed, each confirmed by a check */
  gboolean name_suspect;          /* digits or stray marks in the name line */
} McMrz;

gboolean mc_mrz_parse       (const char  *text,
                             gssize       len,
                             McMrz       *mrz,
                             GError     **error);

/* TRUE when every check the zone has holds. */
gboolean mc_mrz_is_valid    (const McMrz *mrz);

/* Whether the name line agrees with @name (any script, diacritics
 * ignored); the line has no check digit, so a one-letter slip is allowed. */
gboolean mc_mrz_name_matches (const McMrz *mrz,
                              const char  *name);

/* Letters to change between the name line and @name (diacritics and
 * spaces ignored), or -1 when either is empty. */
int      mc_mrz_name_distance (const McMrz *mrz,
                               const char  *name);

/* The name line a Vietnamese card prints for @name (any script): family
 * name, "<<", the other words joined by '<', no diacritics, Đ as D, padded
 * to 30. FALSE when it does not fit or has fewer than two words. */
gboolean mc_mrz_name_line   (const char  *name,
                             char         line[MC_MRZ_LINE_LENGTH + 1]);

G_END_DECLS
