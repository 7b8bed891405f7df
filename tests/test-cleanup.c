/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mc-cleanup.h"
#include "mc-core.h"
#include "mc-page-fixture.h"
#include "mc-searchable-pdf.h"
#include "mc-test-tool.h"
#include "mc-test-util.h"
#include "mc-vips.h"

/* Fixtures at 200 dpi keep the test quick; the benchmark runs 300 dpi. */
#define DPI 200

static char *tmpdir;

static McCleanupResult *
clean_fixture (const McPageFixture *f,
               const char          *name,
               McCleanupOptions    *options)
{
  g_autoptr(VipsImage) page = mc_page_fixture_render (f, NULL);
  g_autofree char *base = g_build_filename (tmpdir, name, NULL);
  McCleanupOptions defaults = { .orient = mc_ocr_orient_func, .keep_blank = TRUE };
  g_autoptr(GError) error = NULL;
  McCleanupResult *result;

  result = mc_cleanup_image (page, f->dpi, base, options ? options : &defaults, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static void
test_skew (void)
{
  static const double angles[] = { 3.7, -12.3, 19.0, -0.4 };

  for (guint i = 0; i < G_N_ELEMENTS (angles); i++)
    {
      McPageFixture f = { .dpi = DPI, .skew = angles[i], .variant = i, .n_paragraphs = 6 };
      g_autoptr(McCleanupResult) r = clean_fixture (&f, "skew", NULL);

      g_test_message ("skew %.2f found %.3f", angles[i], r->skew);
      g_assert_cmpfloat (fabs (r->skew - angles[i]), <, 0.3);
      g_assert_cmpint (r->rotation, ==, 0);
      g_assert_false (r->blank);
      g_assert_cmpint (r->kind, ==, MC_PAGE_KIND_LINEART);
      /* The scanner's field is kept: an A4 page at 200 dpi. */
      g_assert_cmpint (abs (r->width - 1654), <=, 2);
      g_assert_cmpint (abs (r->height - 2339), <=, 2);
      g_assert_true (g_str_has_suffix (r->output, ".tif"));
    }
}

static void
test_rotation (void)
{
  static const int turns[] = { 90, 180, 270 };

  for (guint i = 0; i < G_N_ELEMENTS (turns); i++)
    {
      McPageFixture f = { .dpi = DPI, .rotation = turns[i], .skew = 1.5, .variant = i + 3 };
      g_autoptr(McCleanupResult) r = clean_fixture (&f, "turned", NULL);

      g_test_message ("turned %d: rotation %d, skew %.3f", turns[i], r->rotation, r->skew);
      g_assert_true (r->orientation_known);
      g_assert_cmpint (r->rotation, ==, (360 - turns[i]) % 360);
      g_assert_cmpfloat (fabs (r->skew - 1.5), <, 0.3);
      /* Upright again: portrait. */
      g_assert_cmpint (r->height, >, r->width);
    }

  /* The clerk's rotate button: the turn given wins over OSD's. */
  {
    McPageFixture f = { .dpi = DPI, .rotation = 180, .n_paragraphs = 4 };
    McCleanupOptions options = { .orient = mc_ocr_orient_func, .fixed_rotation = TRUE, .rotation = 90 };
    g_autoptr(McCleanupResult) r = clean_fixture (&f, "rotate-button", &options);

    g_assert_cmpint (r->rotation, ==, 90);
    g_assert_cmpint (r->width, >, r->height);
  }

  /* Without an orientation function nothing is turned. */
  {
    McPageFixture f = { .dpi = DPI, .rotation = 180, .n_paragraphs = 4 };
    McCleanupOptions options = { 0 };
    g_autoptr(McCleanupResult) r = clean_fixture (&f, "not-turned", &options);

    g_assert_cmpint (r->rotation, ==, 0);
    g_assert_false (r->orientation_known);
  }
}

/* Glass around a skewed, grey, unevenly lit page: the paper is found and
 * cut out, its background comes out white. */
static void
test_glass_and_background (void)
{
  McPageFixture f = { .dpi = DPI, .skew = -4.0, .glass = TRUE, .grey_paper = TRUE, .noise = 10 };
  g_autoptr(McCleanupResult) r = clean_fixture (&f, "glass", NULL);
  g_autoptr(VipsImage) out = NULL;
  double mean;
  int paper_white;

  g_assert_true (r->trimmed);
  g_assert_cmpfloat (fabs (r->skew + 4.0), <, 0.3);
  /* A4 less the 1 mm cut along each edge, within 2 mm. */
  g_assert_cmpint (abs (r->width - (1654 - 16)), <=, 16);
  g_assert_cmpint (abs (r->height - (2339 - 16)), <=, 16);
  g_assert_cmpint (r->kind, ==, MC_PAGE_KIND_LINEART);

  out = vips_image_new_from_file (r->output, NULL);
  g_assert_nonnull (out);
  /* Mostly white paper, and white in the corner that was darkest. */
  g_assert_cmpint (vips_avg (out, &mean, NULL), ==, 0);
  g_assert_cmpfloat (mean, >, 0.85 * 255);
  {
    double *px = NULL;
    int n = 0;

    g_assert_cmpint (vips_getpoint (out, &px, &n, r->width - 30, r->height - 30, NULL), ==, 0);
    paper_white = px[0] > 200;
    g_free (px);
  }
  g_assert_true (paper_white);
}

static void
test_seal_stays_red (void)
{
  McPageFixture f = { .dpi = DPI, .seal = TRUE, .skew = 2.0, .grey_paper = TRUE };
  g_autoptr(McCleanupResult) r = clean_fixture (&f, "seal", NULL);
  g_autoptr(VipsImage) out = NULL;
  g_autoptr(VipsImage) red = NULL;
  VipsImage *b[3];
  VipsImage *t[6] = { NULL };
  double fraction;

  g_assert_cmpint (r->kind, ==, MC_PAGE_KIND_COLOUR);
  g_assert_true (g_str_has_suffix (r->output, ".jpg"));
  out = vips_image_new_from_file (r->output, NULL);
  g_assert_cmpint (vips_image_get_bands (out), ==, 3);
  for (int i = 0; i < 3; i++)
    g_assert_cmpint (vips_extract_band (out, &b[i], i, NULL), ==, 0);
  /* Red: R high, G and B well under it. */
  g_assert_cmpint (vips_more_const1 (b[0], &t[0], 150, NULL), ==, 0);
  g_assert_cmpint (vips_less_const1 (b[1], &t[1], 100, NULL), ==, 0);
  g_assert_cmpint (vips_less_const1 (b[2], &t[2], 100, NULL), ==, 0);
  g_assert_cmpint (vips_boolean (t[0], t[1], &t[3], VIPS_OPERATION_BOOLEAN_AND, NULL), ==, 0);
  g_assert_cmpint (vips_boolean (t[3], t[2], &red, VIPS_OPERATION_BOOLEAN_AND, NULL), ==, 0);
  g_assert_cmpint (vips_avg (red, &fraction, NULL), ==, 0);
  fraction /= 255.0;
  g_test_message ("red fraction %.4f", fraction);
  /* The seal covers about 0.25 % of an A4 page. */
  g_assert_cmpfloat (fraction, >, 0.001);
  for (int i = 0; i < 3; i++)
    g_object_unref (b[i]);
  for (int i = 0; i < 4; i++)
    g_clear_object (&t[i]);
}

static void
test_photo_is_grey (void)
{
  McPageFixture f = { .dpi = DPI, .photo = TRUE, .n_paragraphs = 5 };
  g_autoptr(McCleanupResult) r = clean_fixture (&f, "photo", NULL);

  g_assert_cmpint (r->kind, ==, MC_PAGE_KIND_GREY);
  g_assert_true (g_str_has_suffix (r->output, ".jpg"));
}

static void
test_blank (void)
{
  /* Blank backs, white and grey paper, with noise and dust: blank, and by
   * default not written. */
  for (int grey = 0; grey < 2; grey++)
    {
      McPageFixture f = { .dpi = DPI, .blank = TRUE, .grey_paper = grey, .noise = 8, .variant = grey };
      McCleanupOptions options = { .orient = mc_ocr_orient_func };
      g_autoptr(McCleanupResult) r = clean_fixture (&f, "blank", &options);

      g_test_message ("blank page (grey %d): ink %.6f", grey, r->ink);
      g_assert_true (r->blank);
      g_assert_null (r->output);
      g_assert_cmpfloat (r->ink, <, MC_CLEANUP_DEFAULT_BLANK_INK);
    }

  /* Text pages are never blank: a full one, and one with a single short
   * paragraph. */
  {
    McPageFixture full = { .dpi = DPI, .grey_paper = TRUE, .noise = 8 };
    McPageFixture one = { .dpi = DPI, .n_paragraphs = 1, .noise = 8 };
    McCleanupOptions options = { 0 };
    g_autoptr(McCleanupResult) a = clean_fixture (&full, "full", &options);
    g_autoptr(McCleanupResult) b = clean_fixture (&one, "one", &options);

    g_test_message ("ink: full page %.5f, one paragraph %.5f", a->ink, b->ink);
    g_assert_false (a->blank);
    g_assert_false (b->blank);
    g_assert_cmpfloat (b->ink, >, 3 * MC_CLEANUP_DEFAULT_BLANK_INK);
    g_assert_nonnull (b->output);
  }
}

static void
test_never_upscale (void)
{
  McPageFixture f = { .dpi = 150, .n_paragraphs = 3 };
  McCleanupOptions options = { .output_dpi = 300 };
  g_autoptr(McCleanupResult) r = clean_fixture (&f, "low", &options);
  g_autoptr(VipsImage) out = vips_image_new_from_file (r->output, NULL);

  g_assert_cmpint (r->dpi, ==, 150);
  g_assert_cmpint (abs (r->width - 1240), <=, 2);
  g_assert_cmpint ((int) lround (vips_image_get_xres (out) * 25.4), ==, 150);
}

static void
test_photo_profile (void)
{
  McPageFixture f = { .dpi = DPI, .skew = 3.0, .n_paragraphs = 2 };
  McCleanupOptions options = { .profile = MC_CLEANUP_PROFILE_PHOTO };
  g_autoptr(McCleanupResult) r = clean_fixture (&f, "photo-profile", &options);

  /* Tones kept, nothing turned, never 1-bit. */
  g_assert_cmpint (r->kind, ==, MC_PAGE_KIND_GREY);
  g_assert_cmpfloat (r->skew, ==, 0.0);
  g_assert_false (r->blank);
}

typedef struct {
  guint            pending;
  McCleanupResult *results[3];
  GError          *errors[3];
} AsyncState;

typedef struct {
  AsyncState *state;
  guint       index;
} AsyncCall;

static void
on_cleaned (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  AsyncCall *call = user_data;

  call->state->results[call->index] = mc_cleanup_finish (res, &call->state->errors[call->index]);
  call->state->pending--;
  g_free (call);
}

/* Side by side on the workers; a bad page fails alone. */
static void
test_async (void)
{
  AsyncState state = { .pending = 3 };
  g_autofree char *bad = g_build_filename (tmpdir, "bad.png", NULL);
  const char *paths[3];
  g_autofree char *p0 = g_build_filename (tmpdir, "async-0.png", NULL);
  g_autofree char *p1 = g_build_filename (tmpdir, "async-1.png", NULL);

  for (int i = 0; i < 2; i++)
    {
      McPageFixture f = { .dpi = DPI, .skew = i ? -2.0 : 2.0, .n_paragraphs = 4, .variant = i };

      mc_page_fixture_save (&f, i ? p1 : p0, NULL);
    }
  mc_test_write_file (bad, "not an image at all");
  paths[0] = p0;
  paths[1] = bad;
  paths[2] = p1;
  for (guint i = 0; i < 3; i++)
    {
      AsyncCall *call = g_new0 (AsyncCall, 1);
      g_autofree char *base = g_strdup_printf ("%s/async-out-%u", tmpdir, i);

      call->state = &state;
      call->index = i;
      mc_cleanup_file_async (paths[i], 0, base, NULL, NULL, on_cleaned, call);
    }
  while (state.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (state.errors[0]);
  g_assert_no_error (state.errors[2]);
  g_assert_cmpfloat (fabs (state.results[0]->skew - 2.0), <, 0.3);
  g_assert_cmpfloat (fabs (state.results[2]->skew + 2.0), <, 0.3);
  g_assert_null (state.results[1]);
  g_assert_error (state.errors[1], MC_PAGE_IMAGE_ERROR, MC_PAGE_IMAGE_ERROR_UNSUPPORTED);
  for (guint i = 0; i < 3; i++)
    {
      mc_cleanup_result_free (state.results[i]);
      g_clear_error (&state.errors[i]);
    }
}


static void
test_bad_images (void)
{
  g_autofree char *good = g_build_filename (tmpdir, "good.png", NULL);
  g_autofree char *empty = g_build_filename (tmpdir, "empty.png", NULL);
  g_autofree char *corrupt = g_build_filename (tmpdir, "corrupt.png", NULL);
  g_autofree char *truncated = g_build_filename (tmpdir, "truncated.png", NULL);
  g_autofree char *huge = g_build_filename (tmpdir, "huge.png", NULL);
  g_autofree char *text = g_build_filename (tmpdir, "notes.txt", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "missing.png", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  struct {
    const char *path;
    int         code;
  } cases[] = {
    { empty, MC_PAGE_IMAGE_ERROR_EMPTY },
    { corrupt, MC_PAGE_IMAGE_ERROR_DAMAGED },
    { truncated, MC_PAGE_IMAGE_ERROR_DAMAGED },
    { huge, MC_PAGE_IMAGE_ERROR_TOO_LARGE },
    { text, MC_PAGE_IMAGE_ERROR_UNSUPPORTED },
    { missing, MC_PAGE_IMAGE_ERROR_NOT_FOUND },
  };

  mc_test_allow_vips_warnings ();
  {
    McPageFixture f = { .dpi = DPI, .n_paragraphs = 3 };

    mc_page_fixture_save (&f, good, NULL);
  }
  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  mc_test_write_file (empty, "");
  /* A PNG signature, then garbage. */
  {
    g_autofree char *junk = g_strdup ("\x89PNG\r\n\x1a\nIHDRgarbagegarbagegarbagegarbage");

    g_assert_true (g_file_set_contents (corrupt, junk, -1, NULL));
  }
  g_assert_true (g_file_set_contents (truncated, contents, len / 2, NULL));
  mc_fixture_write_huge_png_header (huge, 100000, 100000);
  mc_test_write_file (text, "Biên nhận hồ sơ\n");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(McCleanupResult) r = NULL;
      g_autofree char *base = g_build_filename (tmpdir, "bad-out", NULL);

      r = mc_cleanup_file (cases[i].path, 0, base, NULL, NULL, &error);
      g_test_message ("%s: %s", cases[i].path, error ? error->message : "(no error)");
      g_assert_null (r);
      g_assert_error (error, MC_PAGE_IMAGE_ERROR, cases[i].code);
      /* The message names the file the clerk gave. */
      {
        g_autofree char *name = g_path_get_basename (cases[i].path);

        g_assert_nonnull (strstr (error->message, name));
      }
    }
}

static void
test_tool (void)
{
  g_autofree char *in1 = g_build_filename (tmpdir, "tool-1.png", NULL);
  g_autofree char *in2 = g_build_filename (tmpdir, "tool-2.png", NULL);
  g_autofree char *empty = g_build_filename (tmpdir, "tool-empty.png", NULL);
  g_autofree char *out = g_build_filename (tmpdir, "tool-out", NULL);
  g_auto(McToolRun) run = { 0 };
  g_auto(McToolRun) bad = { 0 };
  g_auto(McToolRun) vi = { 0 };
  g_auto(McToolRun) usage = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *pages;
  JsonObject *p1, *p2;

  {
    McPageFixture a = { .dpi = DPI, .skew = 2.5, .n_paragraphs = 4 };
    McPageFixture b = { .dpi = DPI, .blank = TRUE };

    mc_page_fixture_save (&a, in1, NULL);
    mc_page_fixture_save (&b, in2, NULL);
  }
  mc_test_write_file (empty, "");

  mc_tool_run (&run, NULL, MC_ARGS ("clean", in1, in2, "--out", out, "--json"));
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  pages = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "pages");
  g_assert_cmpuint (json_array_get_length (pages), ==, 2);
  p1 = json_array_get_object_element (pages, 0);
  p2 = json_array_get_object_element (pages, 1);
  g_assert_cmpfloat (fabs (json_object_get_double_member (p1, "skew") - 2.5), <, 0.3);
  g_assert_cmpstr (json_object_get_string_member (p1, "kind"), ==, "lineart");
  g_assert_false (json_object_get_boolean_member (p1, "blank"));
  g_assert_true (g_file_test (json_object_get_string_member (p1, "output"), G_FILE_TEST_EXISTS));
  /* Blank pages are left out by default (the drop-blank-pages setting). */
  g_assert_true (json_object_get_boolean_member (p2, "blank"));
  g_assert_true (json_object_get_null_member (p2, "output"));

  mc_tool_run (&bad, NULL, MC_ARGS ("clean", in1, empty, "--out", out));
  g_assert_cmpint (bad.status, ==, 20);
  g_assert_nonnull (strstr (bad.err, "tool-empty.png"));
  g_assert_nonnull (strstr (bad.out, "tool-1.png"));   /* the good page is still done */

  mc_tool_run (&vi, MC_ARGS ("LANGUAGE=vi", "LC_ALL=C.UTF-8"), MC_ARGS ("clean", empty, "--out", out));
  g_assert_cmpint (vi.status, ==, 20);
  g_assert_nonnull (strstr (vi.err, "tệp rỗng"));

  mc_tool_run (&usage, NULL, MC_ARGS ("clean", in1));
  g_assert_cmpint (usage.status, ==, 2);
  g_assert_nonnull (strstr (usage.err, "--out"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mc_test_init (&argc, &argv);
  mc_core_init ();
  vips_cache_set_max (0);
  tmpdir = mc_test_make_tmpdir ("cleanup");

  g_test_add_func ("/cleanup/skew", test_skew);
  g_test_add_func ("/cleanup/rotation", test_rotation);
  g_test_add_func ("/cleanup/glass-and-background", test_glass_and_background);
  g_test_add_func ("/cleanup/seal-stays-red", test_seal_stays_red);
  g_test_add_func ("/cleanup/photo-is-grey", test_photo_is_grey);
  g_test_add_func ("/cleanup/blank", test_blank);
  g_test_add_func ("/cleanup/never-upscale", test_never_upscale);
  g_test_add_func ("/cleanup/photo-profile", test_photo_profile);
  g_test_add_func ("/cleanup/async", test_async);
  g_test_add_func ("/cleanup/bad-images", test_bad_images);
  g_test_add_func ("/cleanup/tool", test_tool);

  status = g_test_run ();
  mc_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
