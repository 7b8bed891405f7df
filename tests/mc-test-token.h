/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A SoftHSM2 token made by the test in a temporary folder: initialised
 * with a known SO PIN and user PIN, a test CA (its certificate in
 * ca_pem), and keys with certificates issued by it to a synthetic holder,
 * "NGUYỄN VĂN THỬ". The environment is set so that everything started
 * afterwards (the tool included) sees only this token: SOFTHSM2_CONF, and
 * MOTCUA_PKCS11_MODULE naming the fault-injecting module
 * (tests/mc-p11-liar.c, which locks the PIN after three wrong tries) in
 * front of SoftHSM2. */
typedef struct {
  char *dir;
  char *label;         /* token label */
  char *pin;
  char *so_pin;
  char *ca_pem;        /* the test CA's certificate */
  char *other_ca_pem;  /* a CA that issued nothing on the token */
  char *uri_rsa;       /* RSA 2048, valid, digitalSignature + nonRepudiation */
  char *uri_ec;        /* ECDSA P-256, valid */
  char *uri_expired;   /* RSA, expired last year */
  char *uri_future;    /* RSA, valid only from next year */
  char *uri_nosign;    /* RSA, keyEncipherment only */
  char *state;         /* the wrong-PIN counter of the module */
} McTestToken;

#define MC_TEST_TOKEN_HOLDER "NGUYỄN VĂN THỬ"

McTestToken *mc_test_token_new   (void);
/* Forgets wrong PIN tries (a fresh token for the next test). */
void         mc_test_token_reset (McTestToken *token);
void         mc_test_token_free  (McTestToken *token);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McTestToken, mc_test_token_free)

G_END_DECLS
