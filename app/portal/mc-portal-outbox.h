/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-portal-config.h"

G_BEGIN_DECLS

/* Filings waiting for a portal, in their own SQLite file
 * ($XDG_DATA_HOME/motcua/outbox.sqlite, WAL, synchronous=FULL), so that
 * nothing is lost when the program is closed, killed or the power goes:
 * an item interrupted mid-upload is sent again on the next start, with the
 * same Idempotency-Key (the visit id), so the portal files it once.
 *
 * Several processes may share the file (the program and motcua-tool): an
 * item is sent by whoever holds its lock, an open-file-description lock
 * on one byte of outbox.sqlite.lock that the kernel drops when its holder
 * dies, however it dies.
 *
 * The file holds no personal data: the visit id, the package folder's
 * path, the portal address, the receipt code and the last error. Tokens
 * come from the password store (or mc_portal_outbox_set_token()). */

typedef enum {
  MC_OUTBOX_QUEUED,    /* waiting for its next attempt (next_attempt_us) */
  MC_OUTBOX_SENDING,   /* an attempt started; in_flight says whether it is still running */
  MC_OUTBOX_SENT,      /* the portal gave its receipt */
  MC_OUTBOX_FAILED,    /* refused for good, or stopped by the clerk; mc_portal_outbox_retry() queues it again */
} McOutboxState;

typedef struct {
  gint64         id;
  char          *visit_id;
  char          *package_dir;
  char          *endpoint;
  McOutboxState  state;
  gboolean       in_flight;        /* a process is sending it right now */
  guint          attempts;         /* attempts started since it was queued or retried */
  gint64         created_us;       /* real time, µs since the epoch */
  gint64         updated_us;
  gint64         next_attempt_us;
  char          *last_error;       /* for people; NULL when none */
  int            error_code;       /* McPortalError of last_error; -1 when none */
  char          *receipt;          /* when sent */
  char          *received_at;      /* when sent: the portal's time of receipt, ISO 8601 */
  guint          http_status;      /* when sent: 201, or 200 when the portal already had it */
} McOutboxItem;

const char   *mc_outbox_state_to_string (McOutboxState  state);
McOutboxItem *mc_outbox_item_copy       (const McOutboxItem *item);
void          mc_outbox_item_free       (McOutboxItem  *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McOutboxItem, mc_outbox_item_free)

#define MC_TYPE_PORTAL_OUTBOX (mc_portal_outbox_get_type ())
G_DECLARE_FINAL_TYPE (McPortalOutbox, mc_portal_outbox, MC, PORTAL_OUTBOX, GObject)

/* Signals, emitted on the thread that made the outbox: at once when that
 * thread causes them, else through the main context that was its thread
 * default then (the program's main loop; never on the sender's thread):
 *   item-changed (gint64 id)                          any change; id 0: several items
 *   item-sent    (gint64 id, const char *visit_id,
 *                 const char *receipt, const char *received_at)
 *   item-failed  (gint64 id, const char *visit_id,
 *                 const char *message, int error_code)  failed for good
 *   progress     (gint64 id, guint64 sent, guint64 total)
 */

char           *mc_portal_outbox_get_default_path (void);

/* @path NULL: the default path. Errors: MC_PORTAL_ERROR_OUTBOX. */
McPortalOutbox *mc_portal_outbox_new      (const char            *path,
                                           GError               **error);
const char     *mc_portal_outbox_get_path (McPortalOutbox        *self);
void            mc_portal_outbox_set_config (McPortalOutbox      *self,
                                             const McPortalConfig *config);
/* Use @token for every portal instead of the password store (motcua-tool
 * --token-file); NULL goes back to the store. Kept in memory only. */
void            mc_portal_outbox_set_token  (McPortalOutbox      *self,
                                             const char          *token);

/* Checks the package (as mc_portal_package_load()) and @endpoint, and
 * queues the package for sending now; a visit is in the outbox at most
 * once. If the visit was already sent, nothing changes and the item
 * returned says so (state SENT, with its receipt); a failed or waiting
 * item of the visit is queued again with this package and address.
 * Blocks on reading the files: call from a thread, or use the _async
 * variant. Errors: MC_PORTAL_ERROR_PACKAGE, _ENDPOINT, _INSECURE, _OUTBOX. */
McOutboxItem   *mc_portal_outbox_enqueue        (McPortalOutbox       *self,
                                                 const char           *package_dir,
                                                 const char           *endpoint,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
void            mc_portal_outbox_enqueue_async  (McPortalOutbox       *self,
                                                 const char           *package_dir,
                                                 const char           *endpoint,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
McOutboxItem   *mc_portal_outbox_enqueue_finish (McPortalOutbox       *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* Oldest first. */
GPtrArray      *mc_portal_outbox_list           (McPortalOutbox       *self,
                                                 GError              **error);
/* MC_PORTAL_ERROR_NOT_FOUND when there is none. */
McOutboxItem   *mc_portal_outbox_lookup         (McPortalOutbox       *self,
                                                 gint64                id,
                                                 GError              **error);
McOutboxItem   *mc_portal_outbox_lookup_visit   (McPortalOutbox       *self,
                                                 const char           *visit_id,
                                                 GError              **error);
/* Queues failed items again, and makes waiting ones due now, with a fresh
 * backoff: @id, or every item when @id is 0. Returns how many. */
guint           mc_portal_outbox_retry          (McPortalOutbox       *self,
                                                 gint64                id,
                                                 GError              **error);
/* Removes an item that is not being sent (for a visit abandoned after a
 * refusal, say). */
gboolean        mc_portal_outbox_remove         (McPortalOutbox       *self,
                                                 gint64                id,
                                                 GError              **error);
/* Stops sending item @id (in this process) and marks it failed with
 * MC_PORTAL_ERROR_CANCELLED: the clerk's Cancel. Sending it again later is
 * safe (same Idempotency-Key). FALSE if it was not being sent here. */
gboolean        mc_portal_outbox_cancel         (McPortalOutbox       *self,
                                                 gint64                id);

/* The background sender: a thread that sends every due item, waits as
 * the backoff says between attempts, and looks for new items every few
 * seconds (motcua-tool may add some). stop() interrupts an upload in
 * flight, which stays queued, and waits for the thread; dispose stops. */
void            mc_portal_outbox_start          (McPortalOutbox       *self);
void            mc_portal_outbox_stop           (McPortalOutbox       *self);

/* Sends item @id now, in the calling thread: up to @max_attempts attempts
 * (0: the config's), with the backoff between them, until it is sent or
 * fails for good. Waits while another process is sending it. Returns the
 * item as it ends (still QUEUED after transient failures). Cancelling
 * leaves it queued and returns NULL with G_IO_ERROR_CANCELLED. */
McOutboxItem   *mc_portal_outbox_send           (McPortalOutbox       *self,
                                                 gint64                id,
                                                 guint                 max_attempts,
                                                 GCancellable         *cancellable,
                                                 GError              **error);

G_END_DECLS
