/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A portal on loopback, started by the test itself: real HTTP/1.1 (and
 * TLS when given a certificate) over a GThreadedSocketService on
 * 127.0.0.1, speaking the contract of docs/portal-api.md, with faults on
 * request. It checks every upload as a strict portal would (token,
 * Idempotency-Key, multipart parts, each file against the manifest's size
 * and SHA-256) and keeps the filings it accepted, one per key. */

typedef enum {
  MC_FAULT_NONE,                /* accept: 201, or 200 for a key it has */
  MC_FAULT_STATUS,              /* read the whole request, then answer `status` with an error body */
  MC_FAULT_EARLY_STATUS,        /* answer `status` right after the headers, then drain the body (a front proxy's 413) */
  MC_FAULT_STALL_AFTER_FILING,  /* accept and keep the filing, then never answer */
  MC_FAULT_STALL_BODY,          /* stop reading after `after_bytes` of the body, without answering */
  MC_FAULT_RESET_BODY,          /* reset the connection (TCP RST) after `after_bytes` of the body */
  MC_FAULT_BAD_JSON,            /* accept and keep the filing, answer 201 with a body outside the contract */
  MC_FAULT_SLOW_READ,           /* read the body 4 KiB every 50 ms */
} McFaultKind;

typedef struct {
  McFaultKind kind;
  guint       status;
  int         retry_after;      /* seconds; -1: no Retry-After */
  gsize       after_bytes;
} McFault;

typedef struct {
  char    *method;
  char    *path;
  char    *idempotency_key;
  gint64   at_us;               /* monotonic time the headers arrived */
  guint    status;              /* 0: never answered */
  gsize    body_bytes;          /* body bytes read */
  gboolean complete;            /* the whole body arrived */
} McPortalRequest;

typedef struct _McTestPortal McTestPortal;

/* @certificate NULL: plain http://127.0.0.1:PORT/api; otherwise TLS,
 * https://localhost:PORT/api. */
McTestPortal *mc_test_portal_new           (const char      *token,
                                            GTlsCertificate *certificate);
void          mc_test_portal_free          (McTestPortal    *self);
const char   *mc_test_portal_get_endpoint  (McTestPortal    *self);
/* Faults for the next POSTs to /submissions, in order. */
void          mc_test_portal_push_fault    (McTestPortal    *self,
                                            McFault          fault);
guint         mc_test_portal_count_filings (McTestPortal    *self);
/* POSTs whose key the portal had filed before (it answered 200). */
guint         mc_test_portal_count_repeats (McTestPortal    *self);
/* Uploads that broke the contract (the portal answered 400): any is a
 * bug in the client. */
guint         mc_test_portal_count_invalid (McTestPortal    *self);
/* When the last stall fault began to stall (g_get_monotonic_time ()), 0
 * before any. */
gint64        mc_test_portal_get_stall_began (McTestPortal *self);
/* Copies of the requests so far, in arrival order. */
GPtrArray    *mc_test_portal_get_requests  (McTestPortal    *self);
char         *mc_test_portal_dup_receipt   (McTestPortal    *self,
                                            const char      *key);
/* Waits (up to @timeout_ms) until @n requests arrived / a request's body
 * reached @bytes / @n filings are kept. */
gboolean      mc_test_portal_wait_requests (McTestPortal    *self,
                                            guint            n,
                                            guint            timeout_ms);
gboolean      mc_test_portal_wait_body     (McTestPortal    *self,
                                            gsize            bytes,
                                            guint            timeout_ms);
gboolean      mc_test_portal_wait_filings  (McTestPortal    *self,
                                            guint            n,
                                            guint            timeout_ms);
/* Waits until no connection is being handled. */
gboolean      mc_test_portal_wait_idle     (McTestPortal    *self,
                                            guint            timeout_ms);

void          mc_portal_request_free       (McPortalRequest *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (McTestPortal, mc_test_portal_free)

G_END_DECLS
