/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Exit codes of motcua-tool; documented in `motcua-tool --help`. Scripts
 * depend on them: never renumber, only add. */
typedef enum {
  MC_EXIT_OK           = 0,
  MC_EXIT_FAILURE      = 1,
  MC_EXIT_USAGE        = 2,
  MC_EXIT_DATA         = 3,

  /* Scanning: 10–19 */
  MC_EXIT_SCAN_FEEDER_EMPTY   = 10,
  MC_EXIT_SCAN_JAMMED         = 11,
  MC_EXIT_SCAN_COVER_OPEN     = 12,
  MC_EXIT_SCAN_BUSY           = 13,
  MC_EXIT_SCAN_DISCONNECTED   = 14,
  MC_EXIT_SCAN_ACCESS_DENIED  = 15,
  MC_EXIT_SCAN_NO_MEMORY      = 16,
  MC_EXIT_SCAN_INVALID_OPTION = 17,
  MC_EXIT_SCAN_NO_DEVICE      = 18,
  MC_EXIT_SCAN_OTHER          = 19,

  /* Page cleanup and PDF (issue 4): 20–29 */
  MC_EXIT_IMAGE        = 20,  /* an image is missing, empty, damaged, unsupported or too large */
  MC_EXIT_OCR          = 21,  /* text recognition failed or its language data is missing */
  MC_EXIT_TOO_LARGE    = 22,  /* the PDF cannot fit the size limit even at 150 dpi */
  MC_EXIT_WRITE        = 23,  /* the output file or folder could not be written */

  /* ID card reader (issue 5): 30–39 */
  MC_EXIT_NO_CARD      = 30,
  MC_EXIT_CARD_UNREADABLE = 31,

  /* portal upload and outbox (issue 6): 50–55; 56–59 are packaging's */
  MC_EXIT_PORTAL_PACKAGE    = 50,  /* the package is invalid or differs from its manifest; nothing sent */
  MC_EXIT_PORTAL_AUTH       = 51,  /* no token, the password store is not running, or the token was refused */
  MC_EXIT_PORTAL_REFUSED    = 52,  /* the portal refused the filing (too large, or another 4xx) */
  MC_EXIT_PORTAL_NOT_SENT   = 53,  /* not sent yet (network, timeout, 5xx, 429, interrupted); it stays in the outbox */
  MC_EXIT_PORTAL_INSECURE   = 54,  /* TLS verification failed, or plain http:// to another computer */
  MC_EXIT_OUTBOX            = 55,  /* the outbox cannot be opened or written, or no such item */

  /* Packaging (issue 6): 56–59 */
  MC_EXIT_PACK_MISSING     = 56,  /* a required component has no file */
  MC_EXIT_PACK_TOO_LARGE   = 57,  /* a file or the whole does not fit the portal */
  MC_EXIT_PACK_INPUT       = 58,  /* an input file is damaged or not an image or PDF */
  MC_EXIT_PACK_OUTPUT      = 59,  /* the package cannot be written */

  /* ledger (issue 7): 40–49 */
  MC_EXIT_LEDGER_OPEN       = 40,
  MC_EXIT_LEDGER_MISSING    = 41,
  MC_EXIT_LEDGER_NOT_LEDGER = 42,
  MC_EXIT_LEDGER_TOO_NEW    = 43,
  MC_EXIT_LEDGER_DAMAGED    = 44,
  MC_EXIT_LEDGER_BUSY       = 45,
  MC_EXIT_LEDGER_REFUSED    = 46,
  MC_EXIT_LEDGER_BUNDLE     = 47,
  MC_EXIT_LEDGER_OUTPUT     = 48,
  MC_EXIT_LEDGER_SERVER     = 49,  /* the ledger server cannot be reached or refused the account */

  /* signing and verifying (issue 15): 60–69 */
  MC_EXIT_SIGN_NO_TOKEN      = 60,  /* no token, or none holds the certificate */
  MC_EXIT_SIGN_TOKEN_REMOVED = 61,  /* the token went away while signing */
  MC_EXIT_SIGN_WRONG_PIN     = 62,  /* wrong PIN, or none given */
  MC_EXIT_SIGN_PIN_LOCKED    = 63,
  MC_EXIT_SIGN_CERT_DATES    = 64,  /* the certificate is expired or not yet valid */
  MC_EXIT_SIGN_CERT_USAGE    = 65,  /* the certificate is not for signing */
  MC_EXIT_SIGN_INPUT         = 66,  /* the PDF cannot be read, or not signed here */
  MC_EXIT_SIGN_OUTPUT        = 67,  /* the signed PDF cannot be written */
  MC_EXIT_SIGN_INVALID       = 68,  /* verify: a signature is not intact, not trusted, or the file is not wholly covered */
  MC_EXIT_SIGN_NONE          = 69,  /* verify: no signature */
  MC_EXIT_SIGN_TSA           = 70,  /* sign --tsa: the timestamp server is unreachable, refuses, or answers wrongly */
} McExit;

typedef int (*McToolCommand) (int argc, char **argv);

int   mc_tool_wards           (int          argc,
                               char       **argv);
int   mc_tool_devices         (int          argc,
                               char       **argv);
int   mc_tool_scan            (int          argc,
                               char       **argv);
int   mc_tool_exit_for_scan_error (const GError *error);
int   mc_tool_catalog         (int          argc,
                               char       **argv);
int   mc_tool_clean           (int          argc,
                               char       **argv);
int   mc_tool_pack            (int          argc,
                               char       **argv);
int   mc_tool_pdf             (int          argc,
                               char       **argv);
int   mc_tool_read_id         (int          argc,
                               char       **argv);
int   mc_tool_ledger          (int          argc,
                               char       **argv);
int   mc_tool_upload          (int          argc,
                               char       **argv);
int   mc_tool_outbox          (int          argc,
                               char       **argv);
int   mc_tool_token           (int          argc,
                               char       **argv);
int   mc_tool_sign            (int          argc,
                               char       **argv);
int   mc_tool_verify          (int          argc,
                               char       **argv);
int   mc_tool_tokens          (int          argc,
                               char       **argv);

/* Shared helpers */
GOptionContext *mc_tool_option_context_new (const char         *parameter,
                                            const char         *summary,
                                            const GOptionEntry *entries);
int   mc_tool_usage_error     (GOptionContext *context,
                               const char     *message);
void  mc_tool_print_padded    (const char     *text,
                               guint           width);
void  mc_tool_print_json      (JsonNode       *node);

/* Page cleanup and PDF helpers (mc-tool-clean.c, mc-tool-pdf.c) */
GSettings *mc_tool_settings        (void);
void       mc_tool_setup_page_work (void);
int        mc_tool_exit_for_error  (const GError   *error);
gboolean   mc_tool_parse_size      (const char     *text,
                                    guint64        *bytes);

G_END_DECLS
