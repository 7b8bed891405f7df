/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-core.h"
#include "mc-package.h"
#include "mc-page-fixture.h"
#include "mc-pdf-sign.h"
#include "mc-visit-session.h"
#include "mc-visit-store.h"
#include "mc-vips.h"
#include "mc-test-token.h"
#include "mc-test-tsa.h"
#include "mc-test-util.h"

/* The clerk's signature as a step of the visit, without GTK: a visit's
 * papers go through the session as the scanner puts them in, the files
 * are made, and each is signed on the SoftHSM2 token the test makes
 * (behind tests/mc-p11-liar.c: a PIN that locks, a token pulled out).
 * pdfsig checks every signature; each fault gives its message and keeps
 * the files whole and unsigned, and making the files again signs them. */

#define COPY "2.000815"           /* Chứng thực bản sao từ bản chính: two papers */

static McProcedureCatalog *catalog;
static char *dir;
static GSettings *settings;
static McVisitStore *store;
static McTestToken *token;

typedef struct {
  McVisit        *visit;     /* the store's */
  McVisitSession *session;
  GPtrArray      *answers;   /* the PINs the clerk types, in order; NULL: cancel */
  guint           asked;
  GPtrArray      *problems;  /* what each prompt said, "" for nothing */
  char           *token_label;
} Visit;

static void
on_pin_needed (McVisitSession *session,
               const char     *token_label,
               const char     *problem,
               Visit          *v)
{
  const char *pin = v->asked < v->answers->len ? g_ptr_array_index (v->answers, v->asked) : NULL;

  g_assert_true (mc_visit_session_is_asking_pin (session));
  g_ptr_array_add (v->problems, g_strdup (problem ? problem : ""));
  g_free (v->token_label);
  v->token_label = g_strdup (token_label);
  v->asked++;
  mc_visit_session_answer_pin (session, pin);
}

static void
add_page (Visit      *v,
          const char *component,
          guint       variant)
{
  McPageFixture text = { .dpi = 150, .variant = variant, .n_paragraphs = 2 };
  McPageStore *pages = mc_visit_get_pages (v->visit, component);
  g_autoptr(VipsImage) image = mc_page_fixture_render (&text, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(McPage) page = NULL;

  page = mc_page_store_save_image (pages, image, text.dpi, MC_SCAN_MODE_GRAY, MC_SCAN_SOURCE_FLATBED,
                                   MC_PAGE_SIDE_FRONT, &error);
  g_assert_no_error (error);
  mc_page_store_append (pages, page);
}

static gboolean
idle (gpointer data)
{
  Visit *v = data;

  return !mc_visit_session_is_busy (v->session);
}

/* A visit with both papers scanned and cleaned; @pins: what the clerk
 * types at each prompt. */
static Visit *
visit_new (const char * const *pins)
{
  Visit *v = g_new0 (Visit, 1);
  g_autoptr(GError) error = NULL;

  v->visit = mc_visit_store_create (store, COPY, "22333", "Quầy 1", "Cán bộ A", &error);
  g_assert_no_error (error);
  v->session = mc_visit_session_new (v->visit, settings);
  v->answers = g_ptr_array_new_with_free_func (g_free);
  v->problems = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; pins != NULL && pins[i] != NULL; i++)
    g_ptr_array_add (v->answers, g_strcmp0 (pins[i], "-") == 0 ? NULL : g_strdup (pins[i]));
  g_signal_connect (v->session, "pin-needed", G_CALLBACK (on_pin_needed), v);
  mc_visit_session_start (v->session);
  add_page (v, "ban-chinh", 1);
  add_page (v, "ban-sao", 2);
  g_assert_true (mc_test_wait_until (idle, v, 60));
  return v;
}

static void
visit_free (Visit *v)
{
  mc_visit_session_close (v->session);
  g_object_unref (v->session);
  g_ptr_array_unref (v->answers);
  g_ptr_array_unref (v->problems);
  g_free (v->token_label);
  g_free (v);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Visit, visit_free)

static void
package (Visit *v)
{
  mc_visit_session_package (v->session);
  g_assert_true (mc_visit_session_is_packaging (v->session));
  g_assert_true (mc_test_wait_until (idle, v, 120));
  g_assert_nonnull (mc_visit_get_package_dir (v->visit));
}

static char *
run_capture (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  return out;
}

/* Every file of the package signed once, valid for pdfsig, and the
 * manifest true to the signed files. */
static void
assert_all_signed (Visit *v)
{
  g_autoptr(GPtrArray) files = mc_visit_session_list_package_files (v->session);
  const char *package_dir = mc_visit_get_package_dir (v->visit);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (files->len, ==, 2);
  g_assert_true (mc_package_verify (package_dir, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < files->len; i++)
    {
      const char *name = g_ptr_array_index (files, i);
      g_autofree char *path = g_build_filename (package_dir, name, NULL);
      g_autofree char *out = run_capture ((const char *[]) { "pdfsig", path, NULL });
      g_autofree char *text = mc_visit_session_dup_signature_text (v->session, name);
      const McComponentSignature *sig = mc_visit_session_get_signature (v->session, name);

      g_test_message ("%s: %s", name, out);
      g_assert_nonnull (strstr (out, "Signature Validation: Signature is Valid."));
      g_assert_null (strstr (out, "Signature #2"));
      g_assert_nonnull (strstr (out, "Signer Certificate Common Name: " MC_TEST_TOKEN_HOLDER));
      g_assert_nonnull (strstr (out, "Total document signed"));
      g_assert_nonnull (sig);
      g_assert_cmpstr (sig->signer, ==, MC_TEST_TOKEN_HOLDER);
      g_assert_nonnull (sig->time);
      g_assert_true (g_str_has_prefix (text, "Signed by " MC_TEST_TOKEN_HOLDER " at "));
    }
}

/* Every file whole, as made, with no signature, and shown so. */
static void
assert_none_signed (Visit *v)
{
  g_autoptr(GPtrArray) files = mc_visit_session_list_package_files (v->session);
  const char *package_dir = mc_visit_get_package_dir (v->visit);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (files->len, ==, 2);
  g_assert_true (mc_package_verify (package_dir, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < files->len; i++)
    {
      const char *name = g_ptr_array_index (files, i);
      g_autofree char *path = g_build_filename (package_dir, name, NULL);
      g_autoptr(GPtrArray) sigs = mc_pdf_verify (path, NULL, &error);
      g_autofree char *text = mc_visit_session_dup_signature_text (v->session, name);
      g_autofree char *out = run_capture ((const char *[]) { "qpdf", "--check", path, NULL });

      g_assert_no_error (error);
      g_assert_cmpuint (sigs->len, ==, 0);
      g_assert_nonnull (strstr (out, "No syntax or stream encoding errors"));
      g_assert_cmpstr (text, ==, "Not signed");
      g_assert_nonnull (mc_visit_session_get_signature (v->session, name)->problem);
    }
}

static gboolean
no_temporary_files (const char *package_dir)
{
  g_autoptr(GDir) listing = g_dir_open (package_dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (listing)) != NULL)
    if (!g_str_has_suffix (name, ".pdf") && !g_str_equal (name, "manifest.json"))
      return FALSE;
  return TRUE;
}

/* A whole visit: two papers, the PIN asked once, both signed. */
static void
test_whole_visit (void)
{
  g_autoptr(Visit) v = NULL;

  mc_test_token_reset (token);
  v = visit_new ((const char *[]) { token->pin, NULL });
  package (v);
  g_assert_cmpuint (v->asked, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (v->problems, 0), ==, "");
  g_assert_cmpstr (v->token_label, ==, token->label);
  g_assert_false (mc_visit_session_get_message_is_error (v->session));
  assert_all_signed (v);
  g_assert_true (no_temporary_files (mc_visit_get_package_dir (v->visit)));

  /* Made again in the same visit: signed again, the PIN not asked again. */
  package (v);
  g_assert_cmpuint (v->asked, ==, 1);
  assert_all_signed (v);

  /* The visit taken up again (a new session): its files say who signed them. */
  {
    g_autoptr(McVisitSession) again = mc_visit_session_new (v->visit, settings);
    McVisitSession *first = v->session;

    mc_visit_session_start (again);
    v->session = again;
    g_assert_true (mc_test_wait_until (idle, v, 30));
    assert_all_signed (v);
    v->session = first;
    mc_visit_session_close (again);
  }
}

static void
on_pin_needed_thread (McVisitSession *session,
                      const char     *token_label,
                      const char     *problem,
                      GThread       **thread)
{
  g_atomic_pointer_set (thread, g_thread_self ());
}

/* "pin-needed" reaches the UI on the thread that owns the session's
 * context (a dialog is shown from it), even when that thread is between
 * two turns of its loop as the packaging thread asks: a test waiting for
 * a condition, or a nested wait. */
static void
test_pin_asked_on_main_thread (void)
{
  g_autoptr(Visit) v = NULL;
  GThread *asked_on = NULL;
  gint64 deadline;

  mc_test_token_reset (token);
  v = visit_new ((const char *[]) { token->pin, NULL });
  g_signal_connect (v->session, "pin-needed", G_CALLBACK (on_pin_needed_thread), &asked_on);
  mc_visit_session_package (v->session);
  /* The main context is left alone until the packaging thread waits for
   * the PIN (or was answered already, on the wrong thread). */
  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while (g_atomic_pointer_get (&asked_on) == NULL && !mc_visit_session_is_asking_pin (v->session) &&
         g_get_monotonic_time () < deadline)
    g_thread_yield ();
  g_assert_true (mc_test_wait_until (idle, v, 120));
  g_assert_true (asked_on == g_thread_self ());
  g_assert_cmpuint (v->asked, ==, 1);
  assert_all_signed (v);
}

/* A wrong PIN: asked again, told the tries left; the right one signs. */
static void
test_wrong_pin (void)
{
  g_autoptr(Visit) v = NULL;

  mc_test_token_reset (token);
  v = visit_new ((const char *[]) { "000000", token->pin, NULL });
  package (v);
  g_assert_cmpuint (v->asked, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (v->problems, 0), ==, "");
  g_assert_true (g_str_has_prefix (g_ptr_array_index (v->problems, 1), "Wrong PIN."));
  g_assert_nonnull (strstr (g_ptr_array_index (v->problems, 1), "tries are left"));
  assert_all_signed (v);
}

/* Three wrong PINs lock the token: no more asking, a clear message, the
 * files made and unsigned. */
static void
test_locked (void)
{
  g_autoptr(Visit) v = NULL;

  mc_test_token_reset (token);
  v = visit_new ((const char *[]) { "000000", "111111", "222222", token->pin, NULL });
  package (v);
  g_assert_cmpuint (v->asked, ==, 3);
  g_assert_nonnull (strstr (g_ptr_array_index (v->problems, 2), "One try is left"));
  g_assert_true (mc_visit_session_get_message_is_error (v->session));
  g_assert_nonnull (strstr (mc_visit_session_get_message (v->session), "locked"));
  assert_none_signed (v);
  mc_test_token_reset (token);
}

/* No PIN given: the files are made, unsigned, and the clerk is told. */
static void
test_cancelled (void)
{
  g_autoptr(Visit) v = NULL;

  mc_test_token_reset (token);
  v = visit_new ((const char *[]) { "-", NULL });
  package (v);
  g_assert_cmpuint (v->asked, ==, 1);
  g_assert_true (mc_visit_session_get_message_is_error (v->session));
  g_assert_nonnull (strstr (mc_visit_session_get_message (v->session), "no PIN was given"));
  assert_none_signed (v);

  /* Nobody to ask (no view follows the session): unsigned, and no hang. */
  g_signal_handlers_disconnect_by_func (v->session, on_pin_needed, v);
  package (v);
  g_assert_cmpuint (v->asked, ==, 1);
  g_assert_nonnull (strstr (mc_visit_session_get_message (v->session), "no PIN was given"));
  assert_none_signed (v);
}

/* The token pulled out while signing: the message says so, the files
 * stay whole and unsigned; plugged in again, making the files signs them. */
static void
test_removed (void)
{
  g_autoptr(Visit) v = NULL;

  mc_test_token_reset (token);
  v = visit_new ((const char *[]) { token->pin, token->pin, NULL });
  g_setenv ("MC_P11_FAULT", "removed", TRUE);
  package (v);
  g_unsetenv ("MC_P11_FAULT");
  g_assert_true (mc_visit_session_get_message_is_error (v->session));
  g_assert_nonnull (strstr (mc_visit_session_get_message (v->session), "removed"));
  assert_none_signed (v);
  g_assert_true (no_temporary_files (mc_visit_get_package_dir (v->visit)));

  package (v);
  g_assert_false (mc_visit_session_get_message_is_error (v->session));
  assert_all_signed (v);
}

/* A certificate that cannot sign, or no token: said in the visit, the
 * files whole and unsigned, the PIN not asked for nothing. */
static void
test_certificate_faults (void)
{
  struct {
    const char *uri;
    const char *fault;
    const char *says;
  } cases[] = {
    { token->uri_expired, NULL, "expired" },
    { token->uri_future, NULL, "valid only from" },
    { token->uri_nosign, NULL, "not for signing" },
    { token->uri_rsa, "no-token", "No signing token was found" },
  };
  g_autofree char *uri = g_settings_get_string (settings, "signing-key");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Visit) v = NULL;

      mc_test_token_reset (token);
      g_settings_set_string (settings, "signing-key", cases[i].uri);
      v = visit_new ((const char *[]) { token->pin, NULL });
      if (cases[i].fault != NULL)
        g_setenv ("MC_P11_FAULT", cases[i].fault, TRUE);
      package (v);
      g_unsetenv ("MC_P11_FAULT");
      g_test_message ("%s: %s", cases[i].uri, mc_visit_session_get_message (v->session));
      g_assert_true (mc_visit_session_get_message_is_error (v->session));
      g_assert_nonnull (strstr (mc_visit_session_get_message (v->session), cases[i].says));
      g_assert_cmpuint (v->asked, ==, 0);
      assert_none_signed (v);
    }
  g_settings_set_string (settings, "signing-key", uri);
}

/* With signatures required, unsigned files go nowhere, and the clerk is
 * told why; signed, they may go. */
static void
test_required (void)
{
  g_autoptr(Visit) v = NULL;
  g_autofree char *why = NULL;
  g_autofree char *uri = g_settings_get_string (settings, "signing-key");

  mc_test_token_reset (token);
  g_settings_set_boolean (settings, "signing-required", TRUE);
  g_settings_set_string (settings, "signing-key", "");
  v = visit_new ((const char *[]) { token->pin, NULL });
  g_assert_null (mc_visit_session_dup_unsigned_reason (v->session));   /* nothing made yet */
  package (v);
  g_assert_cmpuint (v->asked, ==, 0);
  why = mc_visit_session_dup_unsigned_reason (v->session);
  g_assert_nonnull (strstr (why, "no signing certificate is chosen"));
  g_assert_false (mc_visit_session_can_upload (v->session));
  mc_visit_session_upload (v->session);
  g_assert_false (mc_visit_session_is_enqueuing (v->session));
  g_assert_true (mc_visit_session_get_message_is_error (v->session));
  g_assert_cmpstr (mc_visit_session_get_message (v->session), ==, why);
  g_clear_pointer (&why, g_free);

  /* A certificate chosen, but the files were made without it. */
  g_settings_set_string (settings, "signing-key", uri);
  why = mc_visit_session_dup_unsigned_reason (v->session);
  g_assert_nonnull (strstr (why, "2 files are not signed"));
  g_clear_pointer (&why, g_free);

  package (v);
  g_assert_null (mc_visit_session_dup_unsigned_reason (v->session));
  assert_all_signed (v);

  g_settings_set_boolean (settings, "signing-required", FALSE);
}

/* With a timestamp server set, every file carries its timestamp; a
 * server that is down leaves the files whole and unsigned, and says so. */
static void
test_timestamped (void)
{
  g_autofree char *tsa_dir = g_build_filename (dir, "tsa", NULL);
  g_autoptr(McTestTsa) tsa = NULL;
  g_autofree char *dead = mc_test_tsa_dead_url ();
  g_autoptr(Visit) v = NULL;
  g_autoptr(GPtrArray) files = NULL;

  g_assert_cmpint (g_mkdir_with_parents (tsa_dir, 0700), ==, 0);
  tsa = mc_test_tsa_new (tsa_dir);
  mc_test_token_reset (token);
  g_settings_set_string (settings, "signing-tsa-url", mc_test_tsa_url (tsa));
  v = visit_new ((const char *[]) { token->pin, NULL });
  package (v);
  assert_all_signed (v);
  g_assert_cmpuint (mc_test_tsa_requests (tsa), ==, 2);
  files = mc_visit_session_list_package_files (v->session);
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *path = g_build_filename (mc_visit_get_package_dir (v->visit),
                                                g_ptr_array_index (files, i), NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) sigs = mc_pdf_verify (path, NULL, &error);
      McPdfSignature *sig;

      g_assert_no_error (error);
      g_assert_cmpuint (sigs->len, ==, 1);
      sig = g_ptr_array_index (sigs, 0);
      g_assert_true (sig->intact);
      g_assert_nonnull (sig->timestamp);
    }

  /* The server gone: nothing half-signed, and the clerk told why. */
  g_settings_set_string (settings, "signing-tsa-url", dead);
  package (v);
  assert_none_signed (v);
  g_assert_true (mc_visit_session_get_message_is_error (v->session));
  g_test_message ("%s", mc_visit_session_get_message (v->session));
  g_assert_nonnull (strstr (mc_visit_session_get_message (v->session), "timestamp"));

  g_settings_set_string (settings, "signing-tsa-url", "");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mc_test_init (&argc, &argv);
  mc_core_init ();
  token = mc_test_token_new ();
  catalog = mc_procedure_catalog_new_builtin ();
  dir = mc_test_make_tmpdir ("visit-sign");
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "signing-key", token->uri_rsa);
  store = mc_visit_store_new (dir, catalog);

  g_test_add_func ("/visit-sign/whole-visit", test_whole_visit);
  g_test_add_func ("/visit-sign/pin-asked-on-main-thread", test_pin_asked_on_main_thread);
  g_test_add_func ("/visit-sign/wrong-pin", test_wrong_pin);
  g_test_add_func ("/visit-sign/locked", test_locked);
  g_test_add_func ("/visit-sign/cancelled", test_cancelled);
  g_test_add_func ("/visit-sign/removed", test_removed);
  g_test_add_func ("/visit-sign/certificate-faults", test_certificate_faults);
  g_test_add_func ("/visit-sign/required", test_required);
  g_test_add_func ("/visit-sign/timestamped", test_timestamped);
  status = g_test_run ();

  mc_visit_store_flush (store, NULL);
  g_clear_object (&store);
  g_clear_object (&settings);
  g_clear_object (&catalog);
  g_clear_pointer (&token, mc_test_token_free);
  mc_test_rm_rf (dir);
  g_free (dir);
  return status;
}
