/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-id-reader"

#include "config.h"

#include <time.h>

#include <glib/gi18n.h>

#include "mc-id-merge.h"
#include "mc-id-reader-private.h"

/* The end of a reading: whether anything was read at all, one record
 * from everything read, and the framed sides upright for the clerk. */

/* Whether anything at all was read, by any way in. */
gboolean
_mc_id_reading_read_anything (const Reading *r)
{
  return r->qr != NULL || r->have_mrz || r->ocr->n_labels > 0 || r->ocr->n_shaped > 0;
}

/* 6. The one stage that gives up: nothing at all was read, by any way in. */
gboolean
_mc_id_reading_check_found (Reading  *r,
                            GError  **error)
{
  if (_mc_id_reading_read_anything (r))
    return TRUE;
  if (r->crops->len == 0)
    g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_NO_CARD,
                         r->finder_error != NULL ? r->finder_error->message
                                                 : _("No ID card was found in the images."));
  else if (r->all_whole)
    g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_NO_CARD,
                         _("No ID card was found in the images. Place the card flat on the glass, away from the edges, and scan again."));
  else
    g_set_error_literal (error, MC_ID_ERROR, MC_ID_ERROR_UNREADABLE,
                         _("A card was found, but nothing on it could be read. Clean the glass and the card, scan at 300 dpi, and try again."));
  return FALSE;
}

/* 7. One record from everything read, with warnings about how it was
 * read. */
McIdentity *
_mc_id_reading_merge (Reading *r)
{
  McIdReadings readings = { 0 };
  McCardType layout = _mc_id_decide_layout (r->ocr->card_type, r->qr_layout, r->qr);
  McIdentity *identity;
  GDate today;

  if (g_date_valid (&r->self->today))
    today = r->self->today;
  else
    {
      g_date_clear (&today, 1);
      g_date_set_time_t (&today, time (NULL));
    }
  readings.qr = r->qr;
  readings.qr_expected = (layout == MC_CARD_TYPE_CCCD_2021 && r->have_front) ||
                         (layout == MC_CARD_TYPE_CANCUOC_2024 && r->have_back);
  readings.mrz = r->have_mrz ? &r->mrz : NULL;
  readings.mrz_expected = r->have_back;
  readings.ocr = r->ocr;
  readings.print_given = r->print_given;
  readings.card_type = layout;
  readings.front_read = r->have_front;
  readings.back_read = r->have_back;
  readings.today = &today;
  identity = mc_id_merge (&readings);

  mc_identity_set_qr_payload (identity, r->qr_text);
  if (r->qr_error != NULL)
    mc_identity_add_warning (identity, "qr-invalid", MC_ID_FIELD_NONE, r->qr_error->message);
  for (guint i = 0; i < r->crops->len; i++)
    if (((McCardCrop *) g_ptr_array_index (r->crops, i))->cut)
      {
        mc_identity_add_warning (identity, "card-cut", MC_ID_FIELD_NONE,
                                 _("Part of the card lay off the glass. Check the values against the card, or place it fully on the glass and scan again."));
        break;
      }
  if (r->crops->len == 0)
    mc_identity_add_warning (identity, "no-frame", MC_ID_FIELD_NONE,
                             _("The card’s outline was not found, so it was read from the whole image. Check the values against the card."));
  else if (!r->have_front || !r->have_back)
    mc_identity_add_warning (identity, "one-side", MC_ID_FIELD_NONE,
                             r->have_back ? _("Only the back of the card was read. Scan the front too.")
                                          : _("Only the front of the card was read. Scan the back too, for the MRZ."));
  return identity;
}

/* The framed sides, upright, fronts first. */
GPtrArray *
_mc_id_reading_upright_crops (Reading *r)
{
  GPtrArray *crops = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_card_crop_free);

  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < r->sides->len; i++)
      {
        Side *side = &g_array_index (r->sides, Side, i);

        if (side->back == (pass == 1))
          {
            side->crop->side = side->back ? MC_CARD_SIDE_BACK : MC_CARD_SIDE_FRONT;
            g_ptr_array_add (crops, mc_card_crop_copy (side->crop));
          }
      }
  return crops;
}
