/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mc-package.h"
#include "mc-visit-session.h"

G_BEGIN_DECLS

/* What the files of the visit session share: mc-visit-session.c (the
 * object, messages, papers, package, recording), -clean.c (the cleaning
 * policy and queue), -cards.c (ID cards read as they arrive),
 * -records.c (digitization records, signatures on brought PDFs) and
 * -upload.c (the upload through the outbox). */

/* One per ID card component: what was last read from its pages. */
typedef struct {
  char         *signature;    /* the pages read, one basename per line */
  GCancellable *cancellable;  /* of the read under way */
  McIdResult   *result;
  char         *error;        /* why nothing could be read */
} CardRead;

struct _McVisitSession
{
  GObject          parent_instance;

  McVisit         *visit;
  GSettings       *settings;
  McLedger        *ledger;
  GCancellable    *cancellable;
  char            *component;      /* the paper the clerk works on */
  GHashTable      *cleaning;       /* "key/page" being cleaned */
  GPtrArray       *watched;        /* McPageStore whose changes we follow */
  char            *message;
  gboolean         message_is_error;
  gboolean         packaging;
  gboolean         recording;
  McPortalOutbox  *outbox;
  McOutboxItem    *item;           /* the visit's upload, as last seen; NULL: none */
  gboolean         enqueuing;
  guint64          upload_sent;
  guint64          upload_total;
  char            *upload_status;
  McIdReader      *id_reader;
  GHashTable      *cards;          /* component key → CardRead*, ID card components */
  GHashTable      *reading_records; /* component keys whose header is being read */

  /* What the clerk is doing now, as the view tells it (the citizen
   * screen follows it): the step, what the paper shows, the scanner. */
  char            *step;
  char            *papers_view;
  gboolean         scanning;
  gboolean         use_feeder;

  /* Signing (mc-visit-session-sign.c): the signer and the PIN live as
   * long as the visit's session; pin_* are shared with the packaging
   * thread under pin_lock. */
  GMainContext    *context;
  McSigner        *signer;
  GHashTable      *signatures;     /* component key → McComponentSignature*, of the package in place */
  gpointer         sign_run;       /* the signing of the package being made */
  gboolean         loading_signatures;
  GMutex           pin_lock;
  GCond            pin_cond;
  char            *pin;            /* the PIN given in this visit */
  char            *pin_answer;
  char            *pin_problem;    /* why the PIN is asked again */
  gboolean         pin_waiting;
  gboolean         pin_answered;
};

/* mc-visit-session.c */
void     _mc_visit_session_changed              (McVisitSession *self);
void     _mc_visit_session_show_step            (McVisitSession *self,
                                                 const char     *step,
                                                 const char     *component);
char    *_mc_visit_session_strip_mnemonic       (const char     *label);
void     _mc_visit_session_record_filing        (McVisitSession *self);

/* mc-visit-session-clean.c */
void     _mc_visit_session_clean_new_pages      (McVisitSession *self);

/* mc-visit-session-cards.c */
void     _mc_visit_session_card_read_free       (CardRead       *card);
void     _mc_visit_session_read_new_cards       (McVisitSession *self);

/* mc-visit-session-sign.c */
void     _mc_visit_session_signature_free       (McComponentSignature *sig);
void     _mc_visit_session_begin_signing        (McVisitSession   *self,
                                                 McPackageOptions *options);
char    *_mc_visit_session_end_signing          (McVisitSession   *self,
                                                 gboolean          packaged);
void     _mc_visit_session_forget_pin           (McVisitSession   *self);
void     _mc_visit_session_load_signatures      (McVisitSession   *self);
/* mc-visit-session-records.c */
void     _mc_visit_session_check_imported       (McVisitSession     *self,
                                                 const char         *component,
                                                 const char * const *paths);

/* mc-visit-session-upload.c */
void     _mc_visit_session_update_upload_status (McVisitSession *self);
void     _mc_visit_session_drop_upload          (McVisitSession *self);

G_END_DECLS
