/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-id-error.h"
#include "mc-id-rules.h"
#include "mc-qr-payload.h"

/* The payload comes from a QR decoder in binary mode, so these are the
 * bytes as printed: they must be UTF-8 (a decoder that guesses a charset
 * turns "Hòa" into valid-looking garbage, which is why it is not allowed
 * to). The field count decides what is there: a 2021 card has seven, a
 * 2024 card may have more, nothing is read past the end. Any input is
 * safe here (it is fuzzed). */

#define MIN_FIELDS 7
#define MAX_PAYLOAD 4096

enum {
  F_ID, F_OLD_ID, F_NAME, F_BIRTH, F_SEX, F_RESIDENCE, F_ISSUE,
};

void
mc_qr_payload_free (McQrPayload *payload)
{
  if (payload == NULL)
    return;
  g_free (payload->id_number);
  g_free (payload->old_id_number);
  g_free (payload->full_name);
  g_free (payload->date_of_birth);
  g_free (payload->sex);
  g_free (payload->place_of_residence);
  g_free (payload->date_of_issue);
  g_strfreev (payload->extra);
  g_free (payload);
}

static gboolean
bad_field (GError     **error,
           guint        index,
           const char  *what)
{
  /* Translators: %u is the position of a field in the QR code (1, 2, …),
   * %s says what it should be */
  g_set_error (error, MC_ID_ERROR, MC_ID_ERROR_QR_BAD_FIELD,
               _("The QR code is not an ID card’s: field %u should be %s."), index + 1, what);
  return FALSE;
}

static char *
dmy_to_iso (const char *text)
{
  GDate date;

  /* Exactly ddmmyyyy here: the QR has no separators. */
  if (strlen (text) != 8 || !mc_id_date_parse_dmy (text, 8, &date))
    return NULL;
  return mc_id_date_format_iso (&date);
}

McQrPayload *
mc_qr_payload_parse (const guint8  *data,
                     gsize          len,
                     GError       **error)
{
  g_autoptr(McQrPayload) p = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  g_autofree char *folded_sex = NULL;
  const char *end;
  guint n;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len > MAX_PAYLOAD)
    {
      g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_QR_BAD_FIELD,
                           _("The QR code holds far more data than an ID card’s."));
      return NULL;
    }
  /* A NUL inside would cut the text short without anyone noticing. */
  if (!g_utf8_validate_len ((const char *) data, len, &end) || memchr (data, '\0', len) != NULL)
    {
      g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_QR_NOT_UTF8,
                           _("The QR code does not hold UTF-8 text, so it is not a Vietnamese ID card’s."));
      return NULL;
    }

  text = g_strndup ((const char *) data, len);
  /* Some encoders end the payload with a line break. */
  while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
    text[--len] = '\0';
  fields = g_strsplit (text, "|", -1);
  n = g_strv_length (fields);
  if (n < MIN_FIELDS)
    {
      /* Translators: %u is a number of fields */
      g_set_error (error, MC_ID_ERROR, MC_ID_ERROR_QR_TRUNCATED,
                   ngettext ("The QR code holds %u field; an ID card’s holds at least 7.",
                             "The QR code holds %u fields; an ID card’s holds at least 7.", n),
                   n);
      return NULL;
    }

  p = g_new0 (McQrPayload, 1);
  p->n_fields = n;

  if (!mc_id_number_is_well_formed (fields[F_ID]))
    return bad_field (error, F_ID, _("the 12-digit number")), NULL;
  p->id_number = g_strdup (fields[F_ID]);

  if (*fields[F_OLD_ID] != '\0')
    {
      if (!mc_id_number_is_old_number (fields[F_OLD_ID]))
        return bad_field (error, F_OLD_ID, _("empty or the old 9-digit number")), NULL;
      p->old_id_number = g_strdup (fields[F_OLD_ID]);
    }

  p->full_name = mc_id_tidy_text (fields[F_NAME]);
  if (p->full_name == NULL || *p->full_name == '\0')
    return bad_field (error, F_NAME, _("the full name")), NULL;

  if (!(p->date_of_birth = dmy_to_iso (fields[F_BIRTH])))
    return bad_field (error, F_BIRTH, _("the date of birth as ddmmyyyy")), NULL;

  folded_sex = mc_id_fold (fields[F_SEX]);
  if (g_strcmp0 (folded_sex, "NAM") == 0)
    p->sex = g_strdup (mc_sex_to_string (MC_SEX_MALE));
  else if (g_strcmp0 (folded_sex, "NU") == 0)
    p->sex = g_strdup (mc_sex_to_string (MC_SEX_FEMALE));
  else
    return bad_field (error, F_SEX, _("“Nam” or “Nữ”")), NULL;

  p->place_of_residence = mc_id_tidy_text (fields[F_RESIDENCE]);
  if (p->place_of_residence != NULL && *p->place_of_residence == '\0')
    g_clear_pointer (&p->place_of_residence, g_free);

  if (!(p->date_of_issue = dmy_to_iso (fields[F_ISSUE])))
    return bad_field (error, F_ISSUE, _("the date of issue as ddmmyyyy")), NULL;

  p->extra = g_new0 (char *, n - MIN_FIELDS + 1);
  for (guint i = MIN_FIELDS; i < n; i++)
    p->extra[i - MIN_FIELDS] = mc_id_clean_text (fields[i]);

  return g_steal_pointer (&p);
}
