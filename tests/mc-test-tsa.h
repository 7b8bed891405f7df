/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A loopback RFC 3161 timestamp server for the signing tests and bench:
 * `openssl ts -reply` behind a tiny HTTP server on 127.0.0.1, on its own
 * thread (signing blocks the thread that asks), with a TSA key and a
 * self-signed certificate (extendedKeyUsage timeStamping, critical) made
 * in @dir. */
typedef enum {
  MC_TEST_TSA_GRANT,          /* a proper timestamp for the request */
  MC_TEST_TSA_OTHER_IMPRINT,  /* a valid timestamp, for another document */
  MC_TEST_TSA_REJECT,         /* status rejection, no token */
  MC_TEST_TSA_NO_EKU,         /* a proper timestamp, signed with a certificate
                               * that lacks id-kp-timeStamping (RFC 3161 §2.3) */
} McTestTsaMode;

typedef struct _McTestTsa McTestTsa;

McTestTsa  *mc_test_tsa_new      (const char    *dir);
const char *mc_test_tsa_url      (McTestTsa     *tsa);
/* The TSA's certificate (PEM), to add to a CA bundle. */
const char *mc_test_tsa_cert     (McTestTsa     *tsa);
/* The certificate of MC_TEST_TSA_NO_EKU's tokens (PEM): self-signed,
 * digitalSignature, no extendedKeyUsage. */
const char *mc_test_tsa_cert_no_eku (McTestTsa *tsa);
void        mc_test_tsa_set_mode (McTestTsa     *tsa,
                                  McTestTsaMode  mode);
guint       mc_test_tsa_requests (McTestTsa     *tsa);
void        mc_test_tsa_free     (McTestTsa     *tsa);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McTestTsa, mc_test_tsa_free)

/* http://127.0.0.1:PORT/ where nothing listens. */
char       *mc_test_tsa_dead_url (void);

G_END_DECLS
