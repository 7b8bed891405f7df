/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "mc-identity.h"

G_BEGIN_DECLS

/* The rules of Vietnamese ID documents: the 12-digit number, dates as they
 * are printed and encoded, sex, the renewal ages. Pure functions. */

typedef enum {
  MC_SEX_UNKNOWN,
  MC_SEX_MALE,
  MC_SEX_FEMALE,
} McSex;

typedef enum {
  MC_ID_NUMBER_MALFORMED        = 1 << 0,   /* not 12 digits */
  MC_ID_NUMBER_CENTURY_MISMATCH = 1 << 1,   /* digit 4 gives another century than the birth date */
  MC_ID_NUMBER_SEX_MISMATCH     = 1 << 2,   /* digit 4 gives the other sex */
  MC_ID_NUMBER_YEAR_MISMATCH    = 1 << 3,   /* digits 5–6 are not the birth year */
} McIdNumberProblem;

gboolean     mc_id_number_is_well_formed (const char  *number);
gboolean     mc_id_number_is_old_number  (const char  *number);
gboolean     mc_id_number_decode         (const char  *number,
                                          int         *century,
                                          McSex       *sex,
                                          int         *year_in_century);
guint        mc_id_number_check          (const char  *number,
                                          const GDate *birth,
                                          McSex        sex);

gboolean     mc_id_date_parse_dmy        (const char  *text,
                                          gssize       len,
                                          GDate       *date);
gboolean     mc_id_date_parse_iso        (const char  *text,
                                          GDate       *date);
char        *mc_id_date_format_iso       (const GDate *date);
gboolean     mc_id_date_from_mrz_birth   (const char  *yymmdd,
                                          const char  *id_number,
                                          const GDate *today,
                                          GDate       *date);
gboolean     mc_id_date_from_mrz_expiry  (const char  *yymmdd,
                                          GDate       *date,
                                          gboolean    *no_expiry);
gboolean     mc_id_expected_expiry       (McCardType   card_type,
                                          const GDate *birth,
                                          const GDate *issue,
                                          GDate       *expiry,
                                          gboolean    *no_expiry);
/* Whether @expiry is a birthday at one of the ages a card expires at
 * (14, 25, 40 or 60): every CCCD and căn cước expiry is. */
gboolean     mc_id_expiry_is_a_birthday  (const GDate *birth,
                                          const GDate *expiry);

McSex        mc_sex_parse                (const char  *text);
const char  *mc_sex_to_string            (McSex        sex);

gboolean     mc_id_family_name_unusual   (const char  *full_name);
int          mc_id_family_name_rank      (const char  *word);

char        *mc_id_fold                  (const char  *text);
char        *mc_id_clean_text            (const char  *text);
char        *mc_id_tidy_text             (const char  *text);
gsize        mc_id_levenshtein           (const char  *a,
                                          gsize        n,
                                          const char  *b,
                                          gsize        m);

G_END_DECLS
