/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <dlfcn.h>
#include <string.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-scanner.h"
#include "mc-scanner-private.h"
#include "mc-test-util.h"

/* Frames that do not add up (issue 12): the real libsane `test` backend,
 * with sane_get_parameters() wrapped by tests/mc-sane-liar.c (LD_PRELOAD,
 * set in tests/meson.build) so that it lies as MC_SANE_LIE says. Without
 * the checks, a short bytes_per_line made convert_line read past its
 * buffer (the ASan build stops there); now the scan fails with a message,
 * and nothing is read or stored. */

typedef struct {
  gboolean  done;
  gboolean  failed;
  guint     n_pages;
  GError   *error;
} Result;

static void
on_job_finished (McScanner *scanner, guint job, guint n_pages, Result *r)
{
  r->done = TRUE;
  r->n_pages = n_pages;
}

static void
on_job_failed (McScanner *scanner, guint job, GError *error, guint n_pages, Result *r)
{
  r->done = TRUE;
  r->failed = TRUE;
  r->n_pages = n_pages;
  r->error = g_error_copy (error);
}

/* Scans one grey A5 page at 50 dpi from test:0 while the backend tells
 * @lie about its frame; returns the pages stored. */
static guint
scan_with_lie (const char  *lie,
               Result      *r)
{
  g_autofree char *dir = mc_test_make_tmpdir ("frames");
  g_autoptr(GError) error = NULL;
  g_autoptr(McPageStore) store = mc_page_store_new (dir, &error);
  g_autoptr(McScanJobOptions) options = mc_scan_job_options_new ("test:0");
  g_autoptr(McScanner) scanner = NULL;
  guint stored;

  g_assert_no_error (error);
  /* Set before the scanner thread exists: nothing reads it concurrently. */
  g_setenv ("MC_SANE_LIE", lie, TRUE);
  scanner = mc_scanner_new ();
  g_signal_connect (scanner, "job-finished", G_CALLBACK (on_job_finished), r);
  g_signal_connect (scanner, "job-failed", G_CALLBACK (on_job_failed), r);
  options->source = MC_SCAN_SOURCE_FLATBED;
  options->dpi = 50;
  options->mode = MC_SCAN_MODE_GRAY;
  mc_scan_area_for_kind (MC_SCAN_AREA_A5, &options->area);
  g_assert_cmpuint (mc_scanner_start (scanner, options, store), >, 0);
  g_assert_true (mc_test_wait_for_flag (&r->done, 60));
  g_clear_object (&scanner);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (mc_page_store_flush (store, NULL));
  stored = g_list_model_get_n_items (G_LIST_MODEL (store));
  g_clear_object (&store);
  mc_test_rm_rf (dir);
  g_unsetenv ("MC_SANE_LIE");
  return stored;
}

/* The interposer is in place and the truth scans: otherwise the lies
 * below would prove nothing. */
static void
test_truth (void)
{
  Result r = { 0 };

  g_assert_nonnull (g_getenv ("LD_PRELOAD"));
  g_assert_nonnull (strstr (g_getenv ("LD_PRELOAD"), "mc-sane-liar"));
  g_assert_cmpuint (scan_with_lie ("", &r), ==, 1);
  g_assert_no_error (r.error);
  g_assert_false (r.failed);
}

typedef struct {
  const char *lie;
  const char *says;    /* what the message must quote, or NULL */
} Lie;

static void
test_lie (gconstpointer data)
{
  const Lie *l = data;
  const char *lie = l->lie;
  Result r = { 0 };
  guint stored = scan_with_lie (lie, &r);

  g_assert_true (r.failed);
  g_assert_nonnull (r.error);
  g_assert_true (r.error->domain == MC_SCAN_ERROR);
  g_assert_cmpint (r.error->code, !=, MC_SCAN_ERROR_STORAGE);
  g_test_message ("%s: %s", lie, r.error->message);
  g_assert_cmpuint (strlen (r.error->message), >, 20);
  /* Refused for what it announced, not for what came (a wide frame whose
   * bytes never fill one line ends as an "empty page"). */
  if (l->says != NULL)
    g_assert_nonnull (strstr (r.error->message, l->says));
  g_assert_cmpuint (r.n_pages, ==, 0);
  g_assert_cmpuint (stored, ==, 0);
  g_clear_error (&r.error);
}

/* ---- the checks themselves ---- */

typedef struct {
  const char      *name;
  SANE_Parameters  params;
  gboolean         three_pass;   /* a later frame after a RED one */
  gboolean         ok;
} ParamCase;

#define P(fmt, last, bpl, ppl, lines, depth) { fmt, last, bpl, ppl, lines, depth }

static const ParamCase param_cases[] = {
  { "grey-8", P (SANE_FRAME_GRAY, 1, 2480, 2480, 3508, 8), FALSE, TRUE },
  { "grey-8-padded", P (SANE_FRAME_GRAY, 1, 2484, 2480, 3508, 8), FALSE, TRUE },
  { "grey-8-unknown-lines", P (SANE_FRAME_GRAY, 1, 2480, 2480, -1, 8), FALSE, TRUE },
  { "rgb-8", P (SANE_FRAME_RGB, 1, 7440, 2480, 3508, 8), FALSE, TRUE },
  { "rgb-16", P (SANE_FRAME_RGB, 1, 14880, 2480, 3508, 16), FALSE, TRUE },
  { "lineart-1", P (SANE_FRAME_GRAY, 1, 310, 2480, 3508, 1), FALSE, TRUE },
  { "lineart-1-odd", P (SANE_FRAME_GRAY, 1, 311, 2481, 3508, 1), FALSE, TRUE },
  { "green-after-red", P (SANE_FRAME_GREEN, 0, 2480, 2480, 3508, 8), TRUE, TRUE },
  { "rgb-short", P (SANE_FRAME_RGB, 1, 7439, 2480, 3508, 8), FALSE, FALSE },
  { "rgb-grey-sized", P (SANE_FRAME_RGB, 1, 2480, 2480, 3508, 8), FALSE, FALSE },
  { "grey-16-short", P (SANE_FRAME_GRAY, 1, 2480, 2480, 3508, 16), FALSE, FALSE },
  { "lineart-1-short", P (SANE_FRAME_GRAY, 1, 310, 2481, 3508, 1), FALSE, FALSE },
  { "zero-bytes", P (SANE_FRAME_GRAY, 1, 0, 2480, 3508, 8), FALSE, FALSE },
  { "negative-bytes", P (SANE_FRAME_GRAY, 1, -5, 2480, 3508, 8), FALSE, FALSE },
  { "huge-padding", P (SANE_FRAME_GRAY, 1, 1 << 30, 2480, 3508, 8), FALSE, FALSE },
  { "zero-pixels", P (SANE_FRAME_GRAY, 1, 100, 0, 3508, 8), FALSE, FALSE },
  { "negative-pixels", P (SANE_FRAME_GRAY, 1, 100, -1, 3508, 8), FALSE, FALSE },
  { "wide", P (SANE_FRAME_GRAY, 1, 1000000, 1000000, 100, 8), FALSE, FALSE },
  { "widest-kept", P (SANE_FRAME_GRAY, 1, MC_SCAN_MAX_LINE_PIXELS, MC_SCAN_MAX_LINE_PIXELS, 100, 8), FALSE, TRUE },
  { "too-wide", P (SANE_FRAME_GRAY, 1, MC_SCAN_MAX_LINE_PIXELS + 1, MC_SCAN_MAX_LINE_PIXELS + 1, 100, 8), FALSE, FALSE },
  { "tall", P (SANE_FRAME_GRAY, 1, 100, 100, 10000000, 8), FALSE, FALSE },
  { "too-many-pixels", P (SANE_FRAME_GRAY, 1, 20000, 20000, 20000, 8), FALSE, FALSE },
  { "overflowing-size", P (SANE_FRAME_RGB, 1, 0x7fffffff, 0x7fffffff, 0x7fffffff, 16), FALSE, FALSE },
  { "depth-12", P (SANE_FRAME_GRAY, 1, 3720, 2480, 3508, 12), FALSE, FALSE },
  { "depth-0", P (SANE_FRAME_GRAY, 1, 2480, 2480, 3508, 0), FALSE, FALSE },
  { "format-unknown", P ((SANE_Frame) 42, 1, 2480, 2480, 3508, 8), FALSE, FALSE },
  { "three-pass-after-grey", P (SANE_FRAME_GREEN, 0, 2480, 2480, 3508, 8), FALSE, FALSE },
  { "three-pass-other-width", P (SANE_FRAME_GREEN, 0, 2000, 2000, 3508, 8), TRUE, FALSE },
};

static void
test_check_parameters (void)
{
  const SANE_Parameters red = P (SANE_FRAME_RED, 0, 2480, 2480, 3508, 8);
  const SANE_Parameters grey = P (SANE_FRAME_GRAY, 0, 2480, 2480, 3508, 8);

  for (guint i = 0; i < G_N_ELEMENTS (param_cases); i++)
    {
      const ParamCase *c = &param_cases[i];
      g_autoptr(GError) error = NULL;
      gboolean is_later = c->three_pass || g_str_has_prefix (c->name, "three-pass");
      gboolean ok = mc_scanner_check_parameters (&c->params,
                                                 is_later ? (c->three_pass ? &red : &grey) : NULL,
                                                 &error);

      g_test_message ("%s: %s", c->name, ok ? "accepted" : error->message);
      if (c->ok)
        g_assert_no_error (error);
      else
        g_assert_true (error != NULL && error->domain == MC_SCAN_ERROR);
      g_assert_cmpint (ok, ==, c->ok);
    }
}

/* A checked line converts within its bytes; the ASan build checks reads. */
static void
test_convert_line (void)
{
  const SANE_Parameters rgb16 = P (SANE_FRAME_RGB, 1, 12, 2, 1, 16);
  const SANE_Parameters bw = P (SANE_FRAME_GRAY, 1, 2, 9, 1, 1);
  const SANE_Parameters green = P (SANE_FRAME_GREEN, 1, 3, 3, 1, 8);
  g_autofree guint16 *raw16 = g_new (guint16, 6);
  g_autofree guchar *raw1 = g_memdup2 ((const guchar[]) { 0x81, 0x80 }, 2);
  g_autofree guchar *raw8 = g_memdup2 ((const guchar[]) { 10, 20, 30 }, 3);
  guchar out[9] = { 0 };

  for (guint i = 0; i < 6; i++)
    raw16[i] = (guint16) ((i * 40) << 8 | 0xff);
  g_assert_true (mc_scanner_check_parameters (&rgb16, NULL, NULL));
  mc_scanner_convert_line ((const guchar *) raw16, &rgb16, out, 2, 3, -1);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpuint (out[i], ==, i * 40);

  g_assert_true (mc_scanner_check_parameters (&bw, NULL, NULL));
  mc_scanner_convert_line (raw1, &bw, out, 9, 1, -1);
  g_assert_cmpuint (out[0], ==, 0);
  for (guint i = 1; i < 7; i++)
    g_assert_cmpuint (out[i], ==, 255);
  g_assert_cmpuint (out[7], ==, 0);
  g_assert_cmpuint (out[8], ==, 0);

  memset (out, 0, sizeof out);
  mc_scanner_convert_line (raw8, &green, out, 3, 3, 1);
  g_assert_cmpuint (out[1], ==, 10);
  g_assert_cmpuint (out[4], ==, 20);
  g_assert_cmpuint (out[7], ==, 30);
  g_assert_cmpuint (out[0] + out[2] + out[3] + out[5] + out[6] + out[8], ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  static const Lie lies[] = {
    { "short-lines", "bytes per line" },
    { "wide", "1000000 ×" },
    { "tall", "× 10000000" },
    { "depth", "12 bits" },
    { "format", NULL },
  };

  mc_test_init (&argc, &argv);
  mc_core_init ();
  /* As test-scanner.c: keep the backend loaded so LeakSanitizer names it. */
  dlopen (SANE_BACKEND_DIR "/libsane-test.so.1", RTLD_NOW | RTLD_NODELETE);

  g_test_add_func ("/scanner-frames/check-parameters", test_check_parameters);
  g_test_add_func ("/scanner-frames/convert-line", test_convert_line);
  g_test_add_func ("/scanner-frames/truth", test_truth);
  for (guint i = 0; i < G_N_ELEMENTS (lies); i++)
    {
      g_autofree char *path = g_strdup_printf ("/scanner-frames/lie/%s", lies[i].lie);

      g_test_add_data_func (path, &lies[i], test_lie);
    }
  return g_test_run ();
}
