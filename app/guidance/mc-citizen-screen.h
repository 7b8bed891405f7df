/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-citizen-detail.h"
#include "mc-procedure-catalog.h"

G_BEGIN_DECLS

/* What the citizen's screen shows, and nothing else: the visit (or the
 * self-service mode) sets these properties, the citizen window follows
 * them. It holds no reference to a visit, so the screen can never show
 * something the clerk is typing elsewhere.
 *
 * Going back to the welcome or goodbye step forgets everything personal
 * (details, pages, receipt): a citizen never sees the previous one's. */

typedef enum {
  MC_CITIZEN_STEP_WELCOME,
  MC_CITIZEN_STEP_WHAT_TO_BRING,    /* procedure-code */
  MC_CITIZEN_STEP_PLACE_CARD,       /* card-side, component-key */
  MC_CITIZEN_STEP_PLACE_PAPERS,     /* component-key, use-feeder */
  MC_CITIZEN_STEP_SCANNING,         /* pages, component-key, scanner-busy */
  MC_CITIZEN_STEP_CHECK_DETAILS,    /* details */
  MC_CITIZEN_STEP_WHAT_NEXT,        /* procedure-code */
  MC_CITIZEN_STEP_RECEIPT,          /* receipt-code, follow-url */
  MC_CITIZEN_STEP_GOODBYE,
} McCitizenStep;

#define MC_CITIZEN_N_STEPS (MC_CITIZEN_STEP_GOODBYE + 1)

typedef enum {
  MC_CITIZEN_CARD_FRONT,
  MC_CITIZEN_CARD_BACK,
} McCitizenCardSide;

GType        mc_citizen_step_get_type     (void) G_GNUC_CONST;
GType        mc_citizen_card_side_get_type        (void) G_GNUC_CONST;
#define MC_TYPE_CITIZEN_STEP (mc_citizen_step_get_type ())
#define MC_TYPE_CITIZEN_CARD_SIDE (mc_citizen_card_side_get_type ())

/* "welcome", "what-to-bring", …, "goodbye". */
const char  *mc_citizen_step_to_string    (McCitizenStep  step);
gboolean     mc_citizen_step_from_string  (const char    *text,
                                           McCitizenStep *step);

#define MC_TYPE_CITIZEN_SCREEN (mc_citizen_screen_get_type ())
G_DECLARE_FINAL_TYPE (McCitizenScreen, mc_citizen_screen, MC, CITIZEN_SCREEN, GObject)

McCitizenScreen *mc_citizen_screen_new                (McProcedureCatalog *procedures);
McProcedureCatalog *mc_citizen_screen_get_procedures  (McCitizenScreen *self);
void             mc_citizen_screen_reset              (McCitizenScreen *self);

McCitizenStep    mc_citizen_screen_get_step           (McCitizenScreen *self);
void             mc_citizen_screen_set_step           (McCitizenScreen *self,
                                                       McCitizenStep    step);
const char      *mc_citizen_screen_get_procedure_code (McCitizenScreen *self);
void             mc_citizen_screen_set_procedure_code (McCitizenScreen *self,
                                                       const char      *code);
/* The paper asked for (place-the-card, place-the-papers) or being
 * scanned: a component key of the procedure in the catalog. */
const char      *mc_citizen_screen_get_component_key  (McCitizenScreen *self);
void             mc_citizen_screen_set_component_key  (McCitizenScreen *self,
                                                       const char      *key);
McCitizenCardSide       mc_citizen_screen_get_card_side      (McCitizenScreen *self);
void             mc_citizen_screen_set_card_side      (McCitizenScreen *self,
                                                       McCitizenCardSide       side);
/* Papers go in the feeder rather than on the glass. */
gboolean         mc_citizen_screen_get_use_feeder     (McCitizenScreen *self);
void             mc_citizen_screen_set_use_feeder     (McCitizenScreen *self,
                                                       gboolean         use_feeder);
/* The scanner is working (scanning step): a spinner, “Scanning…”;
 * otherwise the step shows the pages scanned for checking. */
gboolean         mc_citizen_screen_get_scanner_busy   (McCitizenScreen *self);
void             mc_citizen_screen_set_scanner_busy   (McCitizenScreen *self,
                                                       gboolean         busy);
/* A GListModel of McPage (a McPageStore), shown as thumbnails. */
GListModel      *mc_citizen_screen_get_pages          (McCitizenScreen *self);
void             mc_citizen_screen_set_pages          (McCitizenScreen *self,
                                                       GListModel      *pages);
/* McCitizenDetail rows, for “please check your details”. */
GListModel      *mc_citizen_screen_get_details        (McCitizenScreen *self);
void             mc_citizen_screen_add_detail         (McCitizenScreen *self,
                                                       const char      *label,
                                                       const char      *value,
                                                       const char      *source);
void             mc_citizen_screen_clear_details      (McCitizenScreen *self);
const char      *mc_citizen_screen_get_receipt_code   (McCitizenScreen *self);
const char      *mc_citizen_screen_get_follow_url     (McCitizenScreen *self);
/* @follow_url: where the filing can be followed; NULL: the procedure's
 * portal. */
void             mc_citizen_screen_set_receipt        (McCitizenScreen *self,
                                                       const char      *code,
                                                       const char      *follow_url);
/* A guide shown in place of the step (the Guidance section's “show on
 * the citizen screen”); NULL: the step. */
const char      *mc_citizen_screen_get_guide_id       (McCitizenScreen *self);
void             mc_citizen_screen_set_guide_id       (McCitizenScreen *self,
                                                       const char      *guide_id);

/* What this computer keeps about the citizen, for how long, and that
 * nothing stays after that: the long form and a one-line reminder. */
char            *mc_citizen_privacy_notice            (guint            retention_hours);
char            *mc_citizen_privacy_reminder          (guint            retention_hours);

/* The text of the current step, as it is read aloud. */
char            *mc_citizen_screen_dup_speech         (McCitizenScreen *self);

G_END_DECLS
