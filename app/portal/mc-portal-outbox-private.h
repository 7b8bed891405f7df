/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "mc-portal-outbox.h"

G_BEGIN_DECLS

/* What the outbox's files share: mc-portal-outbox.c (the object, its
 * signals and the background sender), mc-portal-outbox-store.c (the queue
 * in SQLite and the item locks), mc-portal-outbox-attempt.c (one attempt
 * at sending, and the foreground send). */

struct _McPortalOutbox
{
  GObject         parent_instance;

  char           *path;
  char           *lock_path;
  GMainContext   *context;       /* where the signals are emitted */
  GThread        *home;          /* the thread of that context */

  GMutex          db_lock;
  sqlite3        *db;

  GMutex          lock;          /* what follows */
  GCond           cond;
  McPortalConfig *config;
  char           *token;
  GThread        *worker;
  gboolean        stopping;
  gboolean        woken;
  GCancellable   *stop_cancellable;
  GHashTable     *in_flight;     /* gint64 id → InFlight */
};

typedef struct {
  GCancellable *cancellable;
  gboolean      by_clerk;
} InFlight;

enum {
  ITEM_CHANGED,
  ITEM_SENT,
  ITEM_FAILED,
  PROGRESS,
  N_SIGNALS
};

typedef struct {
  McPortalOutbox *self;
  guint           signal;
  gint64          id;
  char           *visit_id;
  char           *text1;
  char           *text2;
  int             code;
  guint64         sent;
  guint64         total;
} Emission;

typedef enum {
  ATTEMPT_SENT,
  ATTEMPT_FAILED,    /* for good */
  ATTEMPT_RETRY,     /* transient: queued again for later */
  ATTEMPT_STOPPED,   /* interrupted by stop() or the caller: queued, due now */
  ATTEMPT_BUSY,      /* another sender holds it */
  ATTEMPT_GONE,      /* not waiting to be sent (any more) */
  ATTEMPT_ERROR,     /* the outbox itself failed */
} AttemptResult;

/* ---- mc-portal-outbox.c ---- */

/* Emits on the thread that made the outbox (mc_context_invoke_owner()). */
void           mc_portal_outbox_emit         (McPortalOutbox  *self,
                                              Emission         e);
void           mc_portal_outbox_emit_changed (McPortalOutbox  *self,
                                              gint64           id);
void           mc_portal_outbox_wake_worker  (McPortalOutbox  *self);

/* ---- mc-portal-outbox-store.c ---- */

gboolean       mc_portal_outbox_open_db      (McPortalOutbox  *self,
                                              GError         **error);
/* The lock of item @id: an open file descriptor to close, or -1 when
 * another sender holds it. */
int            mc_portal_outbox_lock_item    (McPortalOutbox  *self,
                                              gint64           id);
/* Caller holds db_lock. @where binds ?1 to @id, or to @text when @text
 * is given. NULL without an error when there is no such row. */
McOutboxItem  *mc_portal_outbox_select_one   (McPortalOutbox  *self,
                                              const char      *where,
                                              gint64           id,
                                              const char      *text,
                                              GError         **error);
/* Runs one statement with the given binds: “i” an int64, “s” a string
 * (NULL binds NULL), “n” NULL. Caller holds db_lock. */
gboolean       mc_portal_outbox_run          (McPortalOutbox  *self,
                                              GError         **error,
                                              const char      *sql,
                                              const char      *types,
                                              ...);

/* ---- mc-portal-outbox-attempt.c ---- */

/* One attempt at item @id, whose lock it takes; @stop interrupts it. */
AttemptResult  mc_portal_outbox_attempt      (McPortalOutbox  *self,
                                              gint64           id,
                                              GCancellable    *stop,
                                              GError         **error);

G_END_DECLS
