/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <dlfcn.h>
#include <signal.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-scanner.h"
#include "mc-vips.h"
#include "mc-test-util.h"

/* Real libsane with its "test" and "pnm" backends, through the hermetic
 * configuration in build/tests/sane (SANE_CONFIG_DIR). */

typedef struct {
  McScanner   *scanner;
  McPageStore *store;
  char        *dir;
  GPtrArray   *pages;        /* McPage, in page-done order */
  guint        started;
  guint        progress;
  gboolean     done;
  gboolean     failed;
  guint        n_pages;
  GError      *error;
  gint64       done_at;
} Fixture;

static void
on_page_started (McScanner *scanner, guint job, guint index, Fixture *f)
{
  f->started++;
}

static void
on_page_progress (McScanner *scanner, guint job, double fraction, Fixture *f)
{
  f->progress++;
}

static void
on_page_done (McScanner *scanner, guint job, McPage *page, Fixture *f)
{
  g_ptr_array_add (f->pages, g_object_ref (page));
}

static void
on_job_finished (McScanner *scanner, guint job, guint n_pages, Fixture *f)
{
  f->done = TRUE;
  f->n_pages = n_pages;
  f->done_at = g_get_monotonic_time ();
}

static void
on_job_failed (McScanner *scanner, guint job, GError *error, guint n_pages, Fixture *f)
{
  f->done = TRUE;
  f->failed = TRUE;
  f->n_pages = n_pages;
  f->error = g_error_copy (error);
  f->done_at = g_get_monotonic_time ();
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = mc_test_make_tmpdir ("scan");
  f->store = mc_page_store_new (f->dir, &error);
  g_assert_no_error (error);
  f->pages = g_ptr_array_new_with_free_func (g_object_unref);
  f->scanner = mc_scanner_new ();
  g_signal_connect (f->scanner, "page-started", G_CALLBACK (on_page_started), f);
  g_signal_connect (f->scanner, "page-progress", G_CALLBACK (on_page_progress), f);
  g_signal_connect (f->scanner, "page-done", G_CALLBACK (on_page_done), f);
  g_signal_connect (f->scanner, "job-finished", G_CALLBACK (on_job_finished), f);
  g_signal_connect (f->scanner, "job-failed", G_CALLBACK (on_job_failed), f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->scanner);
  /* Let queued notifications finish, and the manifest settle, before the
   * folder goes. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (mc_page_store_flush (f->store, NULL));
  g_clear_object (&f->store);
  g_ptr_array_unref (f->pages);
  g_clear_error (&f->error);
  mc_test_rm_rf (f->dir);
  g_free (f->dir);
}

static void
reset (Fixture *f)
{
  f->done = f->failed = FALSE;
  f->started = f->progress = f->n_pages = 0;
  g_clear_error (&f->error);
  g_ptr_array_set_size (f->pages, 0);
}


static void
run_job (Fixture *f, McScanJobOptions *options)
{
  reset (f);
  g_assert_cmpuint (mc_scanner_start (f->scanner, options, f->store), >, 0);
  g_assert_true (mc_test_wait_for_flag (&f->done, 60));
  /* Everything page-done announced is in the store, in order. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), >=, f->pages->len);
}

static void
assert_page_file (McPage *page, int width, int height)
{
  g_autoptr(VipsImage) image = vips_image_new_from_file (mc_page_get_path (page), NULL);
  double avg = 0;
  GStatBuf st;

  g_assert_nonnull (image);
  g_assert_cmpint (vips_image_get_width (image), ==, width);
  g_assert_cmpint (vips_image_get_height (image), ==, height);
  /* Decoding the whole file proves it is complete, not just its header. */
  g_assert_cmpint (vips_avg (image, &avg, NULL), ==, 0);
  g_assert_cmpint (g_stat (mc_page_get_path (page), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_test (mc_page_get_thumbnail_path (page), G_FILE_TEST_IS_REGULAR));
}

/* ---- devices ---- */

typedef struct {
  gboolean     changed;
  McScanDevice *ready;
  GError      *failed;
} DeviceWait;

static void on_devices (McScanner *s, DeviceWait *w) { w->changed = TRUE; }
static void on_ready (McScanner *s, McScanDevice *d, DeviceWait *w) { w->ready = g_object_ref (d); }
static void on_failed (McScanner *s, const char *name, GError *e, DeviceWait *w) { w->failed = g_error_copy (e); }

static void
test_devices (Fixture *f, gconstpointer data)
{
  DeviceWait w = { 0 };
  GPtrArray *devices;
  gboolean has_test = FALSE, has_pnm = FALSE;

  g_signal_connect (f->scanner, "devices-changed", G_CALLBACK (on_devices), &w);
  mc_scanner_redetect (f->scanner);
  g_assert_true (mc_scanner_is_detecting (f->scanner));
  g_assert_true (mc_test_wait_for_flag (&w.changed, 30));
  devices = mc_scanner_get_devices (f->scanner);
  for (guint i = 0; i < devices->len; i++)
    {
      McScanDevice *d = g_ptr_array_index (devices, i);

      has_test |= g_str_equal (mc_scan_device_get_name (d), "test:0");
      has_pnm |= g_str_equal (mc_scan_device_get_name (d), "pnm:0");
      g_assert_true (mc_scan_device_is_virtual (d));
    }
  g_assert_true (has_test);
  g_assert_true (has_pnm);
}

static gboolean
flag_is_set (gpointer flag)
{
  return *(gboolean *) flag;
}

static gboolean
has_device (McScanner  *scanner,
            const char *name)
{
  GPtrArray *devices = mc_scanner_get_devices (scanner);

  for (guint i = 0; devices != NULL && i < devices->len; i++)
    if (g_str_equal (mc_scan_device_get_name (g_ptr_array_index (devices, i)), name))
      return TRUE;
  return FALSE;
}

/* The program sets its scan folder as soon as it makes its scanner, before
 * anyone asked SANE: that must not pass for a detection, or the panels
 * (which detect only when there is no list yet) never list a SANE scanner.
 * After the first detection a folder change lists both again. */
static void
test_folder_before_detection (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (f->dir, "copier", NULL);
  g_autofree char *folder = g_strconcat ("folder:", dir, NULL);
  const char *dirs[] = { dir, NULL };
  const char *none[] = { NULL };
  DeviceWait w = { 0 };

  g_signal_connect (f->scanner, "devices-changed", G_CALLBACK (on_devices), &w);
  mc_scanner_set_folders (f->scanner, none);
  mc_scanner_set_folders (f->scanner, dirs);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (mc_scanner_get_devices (f->scanner));
  g_assert_false (w.changed);

  mc_scanner_redetect (f->scanner);
  g_assert_true (mc_test_wait_until (flag_is_set, &w.changed, 30));
  g_assert_false (mc_scanner_is_detecting (f->scanner));
  g_assert_true (has_device (f->scanner, "test:0"));
  g_assert_true (has_device (f->scanner, "pnm:0"));
  g_assert_true (has_device (f->scanner, folder));

  /* The setting changed later: the folder goes, SANE's stay. */
  w.changed = FALSE;
  mc_scanner_set_folders (f->scanner, none);
  g_assert_true (mc_test_wait_until (flag_is_set, &w.changed, 30));
  g_assert_false (has_device (f->scanner, folder));
  g_assert_true (has_device (f->scanner, "pnm:0"));
}

static void
test_capabilities (Fixture *f, gconstpointer data)
{
  DeviceWait w = { 0 };
  double min = 0, max = 0, width = 0, height = 0;
  g_autofree char *label = NULL;

  g_signal_connect (f->scanner, "device-ready", G_CALLBACK (on_ready), &w);
  mc_scanner_open_device (f->scanner, "test:0");
  while (w.ready == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (mc_scan_device_has_capabilities (w.ready));
  g_assert_true (mc_scan_device_has_source (w.ready, MC_SCAN_SOURCE_FLATBED));
  g_assert_true (mc_scan_device_has_source (w.ready, MC_SCAN_SOURCE_ADF));
  g_assert_false (mc_scan_device_has_source (w.ready, MC_SCAN_SOURCE_DUPLEX));
  g_assert_cmpstr (mc_scan_device_get_source_name (w.ready, MC_SCAN_SOURCE_ADF), ==, "Automatic Document Feeder");
  g_assert_true (mc_scan_device_has_mode (w.ready, MC_SCAN_MODE_COLOR));
  g_assert_true (mc_scan_device_has_mode (w.ready, MC_SCAN_MODE_GRAY));
  /* No "Lineart" mode, but 1-bit grey is line art. */
  g_assert_true (mc_scan_device_has_mode (w.ready, MC_SCAN_MODE_LINEART));
  /* The resolution is a FIXED range. */
  g_assert_true (mc_scan_device_get_resolution_range (w.ready, &min, &max));
  g_assert_cmpfloat (min, ==, 1.0);
  g_assert_cmpfloat (max, ==, 1200.0);
  mc_scan_device_get_max_area (w.ready, &width, &height);
  g_assert_cmpfloat (width, ==, 432.0);
  g_assert_cmpfloat (height, ==, 432.0);
  label = mc_scan_device_dup_label (w.ready);
  g_assert_cmpstr (label, ==, "Test scanner (test:0)");
  g_assert_true (mc_scanner_get_open_device (f->scanner) == w.ready);
  g_object_unref (w.ready);
}

static void
test_missing_device (Fixture *f, gconstpointer data)
{
  DeviceWait w = { 0 };
  g_autoptr(McScanJobOptions) options = mc_scan_job_options_new ("test:99");

  g_signal_connect (f->scanner, "device-failed", G_CALLBACK (on_failed), &w);
  mc_scanner_open_device (f->scanner, "test:99");
  while (w.failed == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (w.failed, MC_SCAN_ERROR, MC_SCAN_ERROR_NO_DEVICE);
  g_clear_error (&w.failed);

  /* A job on it fails the same way, with nothing in the store. */
  run_job (f, options);
  g_assert_true (f->failed);
  g_assert_error (f->error, MC_SCAN_ERROR, MC_SCAN_ERROR_NO_DEVICE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 0);
}

/* ---- pages ---- */

static void
test_a4_color_300 (Fixture *f, gconstpointer data)
{
  g_autoptr(McScanJobOptions) options = mc_scan_job_options_new ("test:0");
  g_autoptr(McPage) stored = NULL;

  options->source = MC_SCAN_SOURCE_FLATBED;
  options->dpi = 300;
  options->mode = MC_SCAN_MODE_COLOR;
  mc_scan_area_for_kind (MC_SCAN_AREA_A4, &options->area);
  mc_scan_job_options_add_option (options, "test-picture=Color pattern");
  run_job (f, options);

  g_assert_false (f->failed);
  g_assert_cmpuint (f->n_pages, ==, 1);
  g_assert_cmpuint (f->pages->len, ==, 1);
  /* 210 × 297 mm at 300 dpi, not 1 dpi from a FIXED option set as an int. */
  g_assert_cmpint (ABS (mc_page_get_width (g_ptr_array_index (f->pages, 0)) - 2480), <=, 1);
  g_assert_cmpint (ABS (mc_page_get_height (g_ptr_array_index (f->pages, 0)) - 3507), <=, 1);
  g_assert_cmpfloat (mc_page_get_dpi (g_ptr_array_index (f->pages, 0)), ==, 300.0);
  g_assert_cmpint (mc_page_get_mode (g_ptr_array_index (f->pages, 0)), ==, MC_SCAN_MODE_COLOR);
  assert_page_file (g_ptr_array_index (f->pages, 0), mc_page_get_width (g_ptr_array_index (f->pages, 0)),
                    mc_page_get_height (g_ptr_array_index (f->pages, 0)));
  stored = g_list_model_get_item (G_LIST_MODEL (f->store), 0);
  g_assert_true (stored == g_ptr_array_index (f->pages, 0));
  g_assert_cmpuint (f->started, ==, 1);
}

static void
test_feeder_batch (Fixture *f, gconstpointer data)
{
  g_autoptr(McScanJobOptions) options = mc_scan_job_options_new ("test:0");

  options->source = MC_SCAN_SOURCE_ADF;
  options->dpi = 50;
  options->mode = MC_SCAN_MODE_GRAY;
  mc_scan_area_for_kind (MC_SCAN_AREA_A5, &options->area);
  run_job (f, options);

  /* The test feeder holds 10 sheets; NO_DOCS after them ends the batch
   * normally. */
  g_assert_false (f->failed);
  g_assert_cmpuint (f->n_pages, ==, 10);
  g_assert_cmpuint (f->pages->len, ==, 10);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      McPage *page = g_ptr_array_index (f->pages, i);
      g_autofree char *expected = g_strdup_printf ("page-%03u.png", i + 1);

      g_assert_cmpstr (mc_page_get_basename (page), ==, expected);
      g_assert_cmpint (mc_page_get_source (page), ==, MC_SCAN_SOURCE_ADF);
      assert_page_file (page, mc_page_get_width (page), mc_page_get_height (page));
    }
}

static void
test_max_pages (Fixture *f, gconstpointer data)
{
  g_autoptr(McScanJobOptions) options = mc_scan_job_options_new ("test:0");

  options->source = MC_SCAN_SOURCE_ADF;
  options->dpi = 25;
  options->max_pages = 4;
  run_job (f, options);
  g_assert_false (f->failed);
  g_assert_cmpuint (f->n_pages, ==, 4);
}

typedef struct {
  const char *name;
  const char *status;
  guint       after;
  int         code;
} FaultCase;

static const FaultCase fault_cases[] = {
  { "jammed-after-3", "SANE_STATUS_JAMMED", 3, MC_SCAN_ERROR_JAMMED },
  { "no-docs-at-start", "SANE_STATUS_NO_DOCS", 0, MC_SCAN_ERROR_FEEDER_EMPTY },
  { "cover-open-after-1", "SANE_STATUS_COVER_OPEN", 1, MC_SCAN_ERROR_COVER_OPEN },
  { "io-error-after-2", "SANE_STATUS_IO_ERROR", 2, MC_SCAN_ERROR_DISCONNECTED },
  { "busy-at-start", "SANE_STATUS_DEVICE_BUSY", 0, MC_SCAN_ERROR_BUSY },
  { "no-mem-after-1", "SANE_STATUS_NO_MEM", 1, MC_SCAN_ERROR_NO_MEMORY },
  { "access-denied", "SANE_STATUS_ACCESS_DENIED", 0, MC_SCAN_ERROR_ACCESS_DENIED },
};

static void
test_fault (Fixture *f, gconstpointer data)
{
  const FaultCase *fc = data;
  g_autoptr(McScanJobOptions) options = mc_scan_job_options_new ("test:0");
  g_autoptr(McScanJobOptions) again = mc_scan_job_options_new ("test:0");
  g_autofree char *setting = g_strdup_printf ("read-return-value=%s", fc->status);

  /* 120 KB pages: more than the backend's pipe holds, so its reader
   * thread is blocked writing when the page fails and is cancelled. */
  options->source = MC_SCAN_SOURCE_ADF;
  options->dpi = 50;
  options->mode = MC_SCAN_MODE_GRAY;
  mc_scan_area_for_kind (MC_SCAN_AREA_A5, &options->area);
  g_assert_true (mc_scan_job_options_add_fault (options, fc->after, setting));
  run_job (f, options);

  g_assert_true (f->failed);
  g_assert_error (f->error, MC_SCAN_ERROR, fc->code);
  /* The pages before the fault are kept, on disk and in the store. */
  g_assert_cmpuint (f->n_pages, ==, fc->after);
  g_assert_cmpuint (f->pages->len, ==, fc->after);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, fc->after);
  for (guint i = 0; i < f->pages->len; i++)
    assert_page_file (g_ptr_array_index (f->pages, i), 291, 413);

  /* The fault was for that job only: the next one scans. */
  again->source = MC_SCAN_SOURCE_FLATBED;
  again->dpi = 25;
  run_job (f, again);
  g_assert_no_error (f->error);
  g_assert_cmpuint (f->n_pages, ==, 1);
}

static void
test_cancel_slow (Fixture *f, gconstpointer data)
{
  g_autoptr(McScanJobOptions) options = mc_scan_job_options_new ("test:0");
  g_autoptr(McScanJobOptions) again = mc_scan_job_options_new ("test:0");
  gint64 asked, page_us;

  /* 200 ms per 1 KiB read: an A4 page would take many minutes. */
  options->source = MC_SCAN_SOURCE_FLATBED;
  options->dpi = 150;
  mc_scan_area_for_kind (MC_SCAN_AREA_A4, &options->area);
  mc_scan_job_options_add_option (options, "read-delay=yes");
  mc_scan_job_options_add_option (options, "read-delay-duration=200000");
  mc_scan_job_options_add_option (options, "read-limit=yes");
  mc_scan_job_options_add_option (options, "read-limit-size=1024");

  reset (f);
  g_assert_cmpuint (mc_scanner_start (f->scanner, options, f->store), >, 0);
  g_assert_true (mc_scanner_is_busy (f->scanner));
  while (f->progress == 0)
    g_main_context_iteration (NULL, TRUE);

  asked = g_get_monotonic_time ();
  mc_scanner_cancel (f->scanner);
  g_assert_true (mc_test_wait_for_flag (&f->done, 10));
  g_assert_true (f->failed);
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Cancelling must not wait for the rest of the page. Even at one bit a
   * pixel, reading this page at 1 KiB per 200 ms takes over 50 s; a
   * cancel that waits for it takes at least that, one that stops the
   * read takes one read. Half the page is the bound: a fixed second was
   * a stopwatch that a loaded machine could stop. */
  page_us = (gint64) (options->area.width_mm / 25.4 * options->dpi) *
            (gint64) (options->area.height_mm / 25.4 * options->dpi) / 8 / 1024 * 200000;
  g_test_message ("cancel took %.1f ms; the page takes at least %.0f s", (f->done_at - asked) / 1000.0,
                  page_us / 1e6);
  g_assert_cmpint (f->done_at - asked, <, page_us / 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 0);
  g_assert_false (mc_scanner_is_busy (f->scanner));

  /* The device scans again afterwards, at full speed. */
  again->source = MC_SCAN_SOURCE_FLATBED;
  again->dpi = 50;
  run_job (f, again);
  g_assert_false (f->failed);
  g_assert_cmpuint (f->n_pages, ==, 1);
}

static void
test_hand_scanner (Fixture *f, gconstpointer data)
{
  g_autoptr(McScanJobOptions) options = mc_scan_job_options_new ("test:0");
  McPage *page;

  options->source = MC_SCAN_SOURCE_FLATBED;
  options->dpi = 100;
  mc_scan_job_options_add_option (options, "hand-scanner=yes");
  run_job (f, options);

  /* Height unknown in advance (lines = -1); width fixed at 11 cm. */
  g_assert_false (f->failed);
  g_assert_cmpuint (f->pages->len, ==, 1);
  page = g_ptr_array_index (f->pages, 0);
  g_assert_cmpint (ABS (mc_page_get_width (page) - 433), <=, 1);
  g_assert_cmpint (mc_page_get_height (page), >, 100);
  assert_page_file (page, mc_page_get_width (page), mc_page_get_height (page));
}

static void
test_lineart (Fixture *f, gconstpointer data)
{
  g_autoptr(McScanJobOptions) options = mc_scan_job_options_new ("test:0");
  g_autoptr(VipsImage) image = NULL;
  McPage *page;
  double min = 0, max = 0;

  options->source = MC_SCAN_SOURCE_FLATBED;
  options->dpi = 100;
  options->mode = MC_SCAN_MODE_LINEART;
  mc_scan_area_for_kind (MC_SCAN_AREA_A5, &options->area);
  mc_scan_job_options_add_option (options, "test-picture=Grid");
  run_job (f, options);

  g_assert_false (f->failed);
  page = g_ptr_array_index (f->pages, 0);
  g_assert_cmpint (mc_page_get_mode (page), ==, MC_SCAN_MODE_LINEART);
  image = vips_image_new_from_file (mc_page_get_path (page), NULL);
  g_assert_cmpint (vips_image_get_bands (image), ==, 1);
  /* A grid: both black and white, nothing between. */
  g_assert_cmpint (vips_min (image, &min, NULL), ==, 0);
  g_assert_cmpint (vips_max (image, &max, NULL), ==, 0);
  g_assert_cmpfloat (min, ==, 0);
  g_assert_cmpfloat (max, ==, 255);
}

/* A synthetic "specimen" through the pnm backend comes out pixel for pixel. */
static void
test_pnm_specimen (Fixture *f, gconstpointer data)
{
  g_autofree char *ppm = g_build_filename (f->dir, "specimen.ppm", NULL);
  g_autoptr(McScanJobOptions) options = mc_scan_job_options_new ("pnm:0");
  g_autoptr(VipsImage) x = NULL, y = NULL, r = NULL, g = NULL, b = NULL, rgb = NULL;
  g_autoptr(VipsImage) rgb_u8 = NULL, scanned = NULL, diff = NULL, text = NULL;
  VipsImage *bands[3];
  double max_diff = -1;

  /* A colour gradient with a bright square: every channel differs. */
  g_assert_cmpint (vips_xyz (&x, 640, 400, NULL), ==, 0);
  g_assert_cmpint (vips_extract_band (x, &r, 0, NULL), ==, 0);
  g_assert_cmpint (vips_extract_band (x, &g, 1, NULL), ==, 0);
  g_assert_cmpint (vips_linear1 (r, &b, 0.2, 30, NULL), ==, 0);
  bands[0] = r; bands[1] = g; bands[2] = b;
  g_assert_cmpint (vips_bandjoin (bands, &rgb, 3, NULL), ==, 0);
  g_assert_cmpint (vips_cast_uchar (rgb, &rgb_u8, NULL), ==, 0);
  g_assert_cmpint (vips_ppmsave (rgb_u8, ppm, NULL), ==, 0);

  options->pnm_file = g_strdup (ppm);
  options->dpi = 300;
  run_job (f, options);
  g_assert_false (f->failed);
  g_assert_cmpuint (f->pages->len, ==, 1);

  scanned = vips_image_new_from_file (mc_page_get_path (g_ptr_array_index (f->pages, 0)), NULL);
  g_assert_cmpint (vips_image_get_width (scanned), ==, 640);
  g_assert_cmpint (vips_image_get_height (scanned), ==, 400);
  g_assert_cmpint (vips_image_get_bands (scanned), ==, 3);
  g_assert_cmpint (vips_subtract (scanned, rgb_u8, &diff, NULL), ==, 0);
  g_assert_cmpint (vips_abs (diff, &text, NULL), ==, 0);
  g_assert_cmpint (vips_max (text, &max_diff, NULL), ==, 0);
  g_assert_cmpfloat (max_diff, ==, 0);
}

static void
test_pnm_jam (Fixture *f, gconstpointer data)
{
  g_autoptr(McScanJobOptions) options = mc_scan_job_options_new ("pnm:0");
  g_autofree char *ppm = g_build_filename (f->dir, "p.pgm", NULL);
  g_autoptr(VipsImage) black = NULL;

  g_assert_cmpint (vips_black (&black, 50, 50, NULL), ==, 0);
  g_assert_cmpint (vips_ppmsave (black, ppm, NULL), ==, 0);
  options->pnm_file = g_strdup (ppm);
  mc_scan_job_options_add_option (options, "status-jammed=yes");
  run_job (f, options);
  g_assert_true (f->failed);
  g_assert_error (f->error, MC_SCAN_ERROR, MC_SCAN_ERROR_JAMMED);
}

static void
test_no_feeder (Fixture *f, gconstpointer data)
{
  g_autoptr(McScanJobOptions) options = mc_scan_job_options_new ("pnm:0");

  options->source = MC_SCAN_SOURCE_DUPLEX;
  run_job (f, options);
  g_assert_true (f->failed);
  g_assert_error (f->error, MC_SCAN_ERROR, MC_SCAN_ERROR_INVALID_OPTION);
}

/* ---- a killed process keeps its pages ---- */

static void
test_sigkill_keeps_pages (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("kill");
  const char *tool = g_getenv ("MOTCUA_TOOL");
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McPageStore) store = NULL;
  guint n = 0;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  /* A slow feeder batch: 200 ms per 64 KiB read at 150 dpi. */
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                           tool, "scan", "--device", "test:0", "--source", "adf", "--resolution", "150",
                           "--area", "a5", "--mode", "gray",
                           "--option", "read-delay=yes", "--option", "read-delay-duration=20000",
                           "--out", dir, NULL);
  g_assert_no_error (error);

  /* Kill it in the middle of the batch: after the third page is on disk. */
  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *third = g_build_filename (dir, "page-003.png", NULL);

      if (g_file_test (third, G_FILE_TEST_EXISTS))
        break;
      g_usleep (10 * 1000);
    }
  g_subprocess_send_signal (proc, SIGKILL);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (proc));

  /* Every page file there is whole; reopening the store finds them all. */
  store = mc_page_store_new (dir, &error);
  g_assert_no_error (error);
  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  g_assert_cmpuint (n, >=, 3);
  g_assert_cmpuint (n, <, 10);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (store), i);
      g_autofree char *expected = g_strdup_printf ("page-%03u.png", i + 1);

      g_assert_cmpstr (mc_page_get_basename (page), ==, expected);
      assert_page_file (page, 874, 1240);
    }
  /* No torn temporary file survives the reopening. */
  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (listing)) != NULL)
      g_assert_false (g_str_has_suffix (name, ".part"));
  }
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (mc_page_store_flush (store, NULL));
  g_clear_object (&store);
  mc_test_rm_rf (dir);
}

/* ---- page store ---- */

static McPage *
save_solid (McPageStore *store, int w, int h, double value)
{
  g_autoptr(VipsImage) black = NULL;
  g_autoptr(VipsImage) img = NULL;
  g_autoptr(VipsImage) u8 = NULL;
  g_autoptr(GError) error = NULL;
  McPage *page;

  g_assert_cmpint (vips_black (&black, w, h, NULL), ==, 0);
  g_assert_cmpint (vips_linear1 (black, &img, 1.0, value, NULL), ==, 0);
  g_assert_cmpint (vips_cast_uchar (img, &u8, NULL), ==, 0);
  page = mc_page_store_save_image (store, u8, 200, MC_SCAN_MODE_GRAY, MC_SCAN_SOURCE_ADF,
                                   MC_PAGE_SIDE_BACK, &error);
  g_assert_no_error (error);
  return page;
}

static void
on_rotated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (mc_page_store_rotate_finish (MC_PAGE_STORE (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_store_operations (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("store");
  g_autoptr(GError) error = NULL;
  g_autoptr(McPageStore) store = mc_page_store_new (dir, &error);
  g_autoptr(McPageStore) reopened = NULL;
  g_autoptr(McPage) a = NULL, b = NULL, c = NULL, first = NULL, second = NULL;
  gboolean rotated = FALSE;
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  a = save_solid (store, 30, 40, 10);
  b = save_solid (store, 50, 20, 20);
  c = save_solid (store, 10, 10, 30);
  mc_page_store_append (store, a);
  mc_page_store_append (store, b);
  mc_page_store_append (store, c);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);

  /* Reorder, delete, turn. */
  mc_page_store_move (store, 2, 0);
  g_assert_true (mc_page_store_remove (store, a, &error));
  g_assert_false (g_file_test (mc_page_get_path (a), G_FILE_TEST_EXISTS));
  mc_page_store_rotate_async (store, b, 90, NULL, on_rotated, &rotated);
  while (!rotated)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (mc_page_get_width (b), ==, 20);
  g_assert_cmpint (mc_page_get_height (b), ==, 50);
  g_assert_cmpuint (mc_page_get_revision (b), ==, 1);
  g_assert_true (mc_page_store_flush (store, &error));

  /* The order and the scanner's facts survive reopening. */
  reopened = mc_page_store_new (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reopened)), ==, 2);
  first = g_list_model_get_item (G_LIST_MODEL (reopened), 0);
  second = g_list_model_get_item (G_LIST_MODEL (reopened), 1);
  g_assert_cmpstr (mc_page_get_basename (first), ==, "page-003.png");
  g_assert_cmpstr (mc_page_get_basename (second), ==, "page-002.png");
  g_assert_cmpint (mc_page_get_width (second), ==, 20);
  g_assert_cmpint (mc_page_get_side (second), ==, MC_PAGE_SIDE_BACK);
  g_assert_cmpint (mc_page_get_source (second), ==, MC_SCAN_SOURCE_ADF);
  g_assert_cmpfloat (mc_page_get_dpi (second), ==, 200);

  /* New pages never reuse a number, even after a deletion. */
  {
    g_autoptr(McPage) d = save_solid (reopened, 5, 5, 0);

    g_assert_cmpstr (mc_page_get_basename (d), ==, "page-004.png");
  }

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (mc_page_store_flush (store, NULL));
  g_assert_true (mc_page_store_flush (reopened, NULL));
  g_clear_object (&store);
  g_clear_object (&reopened);
  mc_test_rm_rf (dir);
}

static void
test_store_recovers_orphans (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("orphans");
  g_autofree char *part = g_build_filename (dir, ".page-009.png.1-1.part", NULL);
  g_autofree char *junk = g_build_filename (dir, "page-008.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(McPageStore) store = mc_page_store_new (dir, &error);
  g_autoptr(McPageStore) reopened = NULL;
  g_autoptr(McPage) a = NULL, b = NULL;

  g_assert_no_error (error);
  /* Saved but never appended (the process died in between), plus a torn
   * temporary file and a corrupt page. */
  a = save_solid (store, 30, 40, 10);
  b = save_solid (store, 30, 40, 10);
  mc_test_write_file (part, "half a page");
  mc_test_write_file (junk, "not a png");

  reopened = mc_page_store_new (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reopened)), ==, 2);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  /* The corrupt file is left for inspection, never shown as a page. */
  g_assert_true (g_file_test (junk, G_FILE_TEST_EXISTS));

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (mc_page_store_flush (store, NULL));
  g_assert_true (mc_page_store_flush (reopened, NULL));
  g_clear_object (&store);
  g_clear_object (&reopened);
  mc_test_rm_rf (dir);
}

/* ---- pure functions ---- */

static void
test_source_spellings (void)
{
  struct { const char *name; McScanSource source; } cases[] = {
    { "Flatbed", MC_SCAN_SOURCE_FLATBED },
    { "FlatBed", MC_SCAN_SOURCE_FLATBED },
    { "Normal", MC_SCAN_SOURCE_FLATBED },
    { "Document Table", MC_SCAN_SOURCE_FLATBED },
    { "ADF", MC_SCAN_SOURCE_ADF },
    { "ADF Front", MC_SCAN_SOURCE_ADF },
    { "ADF Back", MC_SCAN_SOURCE_ADF },
    { "Automatic Document Feeder", MC_SCAN_SOURCE_ADF },
    { "Automatic Document Feeder(left aligned)", MC_SCAN_SOURCE_ADF },
    { "ADF Duplex", MC_SCAN_SOURCE_DUPLEX },
    { "Duplex", MC_SCAN_SOURCE_DUPLEX },
    { "Automatic Document Feeder(left aligned,Duplex)", MC_SCAN_SOURCE_DUPLEX },
    { "Transparency Unit", MC_SCAN_SOURCE_OTHER },
    { "Negative Film", MC_SCAN_SOURCE_OTHER },
    { "Slide", MC_SCAN_SOURCE_OTHER },
  };
  struct { const char *name; gboolean ok; McScanMode mode; } modes[] = {
    { "Color", TRUE, MC_SCAN_MODE_COLOR },
    { "24bit Color", TRUE, MC_SCAN_MODE_COLOR },
    { "Gray", TRUE, MC_SCAN_MODE_GRAY },
    { "Grayscale", TRUE, MC_SCAN_MODE_GRAY },
    { "Lineart", TRUE, MC_SCAN_MODE_LINEART },
    { "Black & White", TRUE, MC_SCAN_MODE_LINEART },
    { "Halftone", FALSE, 0 },
    { "Color Lineart", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (mc_scan_source_classify (cases[i].name), ==, cases[i].source);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      McScanMode mode = 99;

      g_assert_cmpint (mc_scan_mode_classify (modes[i].name, &mode), ==, modes[i].ok);
      if (modes[i].ok)
        g_assert_cmpint (mode, ==, modes[i].mode);
    }
}

static void
test_choose_device (void)
{
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_object_unref);
  McScanDevice *real;

  g_assert_null (mc_scan_device_choose (devices, NULL));
  g_ptr_array_add (devices, mc_scan_device_new ("pnm:0", "Noname", "PNM file reader", "virtual device"));
  g_ptr_array_add (devices, mc_scan_device_new ("test:0", "Noname", "frontend-tester", "virtual device"));
  g_assert_cmpstr (mc_scan_device_get_name (mc_scan_device_choose (devices, NULL)), ==, "pnm:0");
  g_assert_cmpstr (mc_scan_device_get_name (mc_scan_device_choose (devices, "test:0")), ==, "test:0");

  real = mc_scan_device_new ("escl:https://192.0.2.7:443", "HP", "HP ScanJet Pro", "flatbed scanner");
  g_ptr_array_add (devices, real);
  /* A real scanner wins over virtual ones… */
  g_assert_true (mc_scan_device_choose (devices, NULL) == real);
  g_assert_true (mc_scan_device_choose (devices, "gone:1") == real);
  /* …but the one used last wins over both. */
  g_assert_cmpstr (mc_scan_device_get_name (mc_scan_device_choose (devices, "test:0")), ==, "test:0");
  {
    g_autofree char *label = mc_scan_device_dup_label (real);

    g_assert_cmpstr (label, ==, "HP ScanJet Pro");
  }
}

static void
test_options_parsing (void)
{
  g_autoptr(McScanJobOptions) options = mc_scan_job_options_new ("test:0");
  g_autoptr(McScanJobOptions) copy = NULL;

  g_assert_true (mc_scan_job_options_add_option (options, "mode=Gray"));
  g_assert_false (mc_scan_job_options_add_option (options, "=Gray"));
  g_assert_false (mc_scan_job_options_add_option (options, "mode"));
  g_assert_true (mc_scan_job_options_add_fault (options, 3, "read-return-value=SANE_STATUS_JAMMED"));
  g_assert_false (mc_scan_job_options_add_fault (options, 3, "nothing"));
  copy = mc_scan_job_options_copy (options);
  g_assert_cmpuint (copy->device_options->len, ==, 1);
  g_assert_cmpuint (copy->faults->len, ==, 1);
  g_assert_cmpstr (((McScanFault *) g_ptr_array_index (copy->faults, 0))->value, ==, "SANE_STATUS_JAMMED");
}

int
main (int   argc,
      char *argv[])
{
  mc_test_init (&argc, &argv);
  mc_core_init ();

  /* Keep SANE's backends loaded after sane_exit() so LeakSanitizer can
   * name them: the test backend leaks its reader's buffer when a page is
   * cancelled (suppressed by name in tests/lsan.supp). */
  dlopen (SANE_BACKEND_DIR "/libsane-test.so.1", RTLD_NOW | RTLD_NODELETE);
  dlopen (SANE_BACKEND_DIR "/libsane-pnm.so.1", RTLD_NOW | RTLD_NODELETE);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/scanner/devices", test_devices);
  ADD ("/scanner/folder-before-detection", test_folder_before_detection);
  ADD ("/scanner/capabilities", test_capabilities);
  ADD ("/scanner/missing-device", test_missing_device);
  ADD ("/scanner/a4-color-300", test_a4_color_300);
  ADD ("/scanner/feeder-batch", test_feeder_batch);
  ADD ("/scanner/max-pages", test_max_pages);
  ADD ("/scanner/cancel-slow", test_cancel_slow);
  ADD ("/scanner/hand-scanner", test_hand_scanner);
  ADD ("/scanner/lineart", test_lineart);
  ADD ("/scanner/pnm-specimen", test_pnm_specimen);
  ADD ("/scanner/pnm-jam", test_pnm_jam);
  ADD ("/scanner/no-feeder", test_no_feeder);
  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/scanner/fault/%s", fault_cases[i].name);

      g_test_add (path, Fixture, &fault_cases[i], fixture_setup, test_fault, fixture_teardown);
    }
#undef ADD
  g_test_add_func ("/scanner/sigkill-keeps-pages", test_sigkill_keeps_pages);
  g_test_add_func ("/scanner/store/operations", test_store_operations);
  g_test_add_func ("/scanner/store/recovers-orphans", test_store_recovers_orphans);
  g_test_add_func ("/scanner/source-spellings", test_source_spellings);
  g_test_add_func ("/scanner/choose-device", test_choose_device);
  g_test_add_func ("/scanner/options-parsing", test_options_parsing);

  return g_test_run ();
}
