/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-folder-backend.h"
#include "mc-page-image.h"
#include "mc-scanner.h"
#include "mc-vips.h"
#include "mc-test-tool.h"
#include "mc-test-util.h"

/* The watched-folder scan backend (issue 14): real files in a temporary
 * folder, the real import and page store, and the tool. */

typedef struct {
  McFolderBackend *backend;
  McPageStore     *store;
  char            *dir;       /* the scan folder */
  char            *out;       /* the page store's */
  GPtrArray       *pages;     /* McPage, in page-done order */
  GPtrArray       *skipped;   /* GError */
  gboolean         done;
  gboolean         failed;
  guint            n_pages;
  GError          *error;
} Fixture;

static void
on_page_done (McScanBackend *backend, guint job, McPage *page, Fixture *f)
{
  g_ptr_array_add (f->pages, g_object_ref (page));
}

static void
on_page_skipped (McScanBackend *backend, guint job, GError *error, Fixture *f)
{
  g_ptr_array_add (f->skipped, g_error_copy (error));
}

static void
on_job_finished (McScanBackend *backend, guint job, guint n_pages, Fixture *f)
{
  f->done = TRUE;
  f->n_pages = n_pages;
}

static void
on_job_failed (McScanBackend *backend, guint job, GError *error, guint n_pages, Fixture *f)
{
  f->done = TRUE;
  f->failed = TRUE;
  f->n_pages = n_pages;
  f->error = g_error_copy (error);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  mc_test_allow_vips_warnings ();
  f->dir = mc_test_make_tmpdir ("scan-folder");
  f->out = mc_test_make_tmpdir ("scan-folder-out");
  f->store = mc_page_store_new (f->out, &error);
  g_assert_no_error (error);
  f->pages = g_ptr_array_new_with_free_func (g_object_unref);
  f->skipped = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  f->backend = mc_folder_backend_new ();
  /* Short, so that the tests run quickly; the writers below change the
   * file far more often than this. */
  mc_folder_backend_set_settle_time (f->backend, GPOINTER_TO_UINT (data) ? GPOINTER_TO_UINT (data) : 100);
  g_signal_connect (f->backend, "page-done", G_CALLBACK (on_page_done), f);
  g_signal_connect (f->backend, "page-skipped", G_CALLBACK (on_page_skipped), f);
  g_signal_connect (f->backend, "job-finished", G_CALLBACK (on_job_finished), f);
  g_signal_connect (f->backend, "job-failed", G_CALLBACK (on_job_failed), f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->backend);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (mc_page_store_flush (f->store, NULL));
  g_clear_object (&f->store);
  g_ptr_array_unref (f->pages);
  g_ptr_array_unref (f->skipped);
  g_clear_error (&f->error);
  mc_test_rm_rf (f->dir);
  mc_test_rm_rf (f->out);
  g_free (f->dir);
  g_free (f->out);
}


typedef struct {
  Fixture *f;
  guint    n;
} PagesWait;

static gboolean
pages_or_done (gpointer data)
{
  PagesWait *w = data;

  return w->f->pages->len >= w->n || w->f->done;
}

static gboolean
iterate_until_pages (Fixture *f,
                     guint    n,
                     guint    seconds)
{
  PagesWait w = { f, n };

  mc_test_wait_until (pages_or_done, &w, seconds);
  return f->pages->len >= n;
}

static void
start (Fixture  *f,
       guint     job,
       gboolean  watch)
{
  g_autofree char *device = g_strconcat ("folder:", f->dir, NULL);
  g_autoptr(McScanJobOptions) options = mc_scan_job_options_new (device);

  options->watch = watch;
  mc_scan_backend_start (MC_SCAN_BACKEND (f->backend), job, options, f->store);
}

static void
run_batch (Fixture *f)
{
  start (f, 1, FALSE);
  g_assert_true (mc_test_wait_for_flag (&f->done, 60));
}

/* ---- Files ---- */

static GBytes *
png_bytes (int width,
           int height)
{
  g_autoptr(VipsImage) black = NULL;
  g_autoptr(VipsImage) grey = NULL;
  g_autoptr(VipsImage) u8 = NULL;
  void *buffer = NULL;
  size_t length = 0;

  g_assert_cmpint (vips_black (&black, width, height, NULL), ==, 0);
  g_assert_cmpint (vips_linear1 (black, &grey, 1.0, 200.0, NULL), ==, 0);
  g_assert_cmpint (vips_cast_uchar (grey, &u8, NULL), ==, 0);
  g_assert_cmpint (vips_pngsave_buffer (u8, &buffer, &length, "compression", 0, NULL), ==, 0);
  return g_bytes_new_take (buffer, length);
}

static void
set_mtime (const char *path,
           guint64     seconds)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_file_set_attribute_uint64 (file, G_FILE_ATTRIBUTE_TIME_MODIFIED, seconds,
                               G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_assert_no_error (error);
  g_file_set_attribute_uint32 (file, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC, 0,
                               G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_assert_no_error (error);
}

static char *
write_png (const char *dir,
           const char *name,
           int         width,
           int         height,
           guint64     mtime)
{
  g_autoptr(GBytes) bytes = png_bytes (width, height);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  if (mtime > 0)
    set_mtime (path, mtime);
  return path;
}

/* @n_pages pages of 1 × 1.5 inches: 200 × 300 pixels at the import's
 * 200 dpi. */
static void
write_pdf (const char *dir,
           const char *name,
           guint       n_pages,
           guint64     mtime)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 72, 108);
  cairo_t *cr = cairo_create (surface);

  for (guint i = 0; i < n_pages; i++)
    {
      cairo_move_to (cr, 10, 50);
      cairo_show_text (cr, "Giấy tờ thử nghiệm");
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  set_mtime (path, mtime);
}

static void
write_junk (const char *dir,
            const char *name,
            const char *contents,
            guint64     mtime)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  mc_test_write_file (path, contents);
  if (mtime > 0)
    set_mtime (path, mtime);
}

static gboolean
exists_in (const char *dir,
           const char *sub,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, sub ? sub : name, sub ? name : NULL, NULL);

  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  guint n = 0;
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        n++;
    }
  return n;
}

/* ---- The backend ---- */

/* Oldest first by modification time, whatever the names; a PDF's pages in
 * its order; files that are no pages are left where they are. */
static void
test_batch_order (Fixture *f, gconstpointer data)
{
  g_autofree char *a = write_png (f->dir, "a.png", 102, 50, 1700003000);
  g_autofree char *b = write_png (f->dir, "b.png", 101, 50, 1700001000);
  g_autofree char *z = write_png (f->dir, "z.png", 103, 50, 1700001000);
  g_autofree char *taken = g_build_filename (f->dir, MC_FOLDER_TAKEN_DIR, NULL);
  const int widths[] = { 101, 103, 200, 200, 102 };
  GStatBuf st;

  write_pdf (f->dir, "c.pdf", 2, 1700002000);
  write_junk (f->dir, "notes.txt", "not a page", 0);
  write_junk (f->dir, "scan.pdf.tmp", "%PDF-1.4 half", 0);
  {
    g_autofree char *hidden = write_png (f->dir, ".hidden.png", 50, 50, 1600000000);
  }

  run_batch (f);
  g_assert_no_error (f->error);
  g_assert_false (f->failed);
  g_assert_cmpuint (f->n_pages, ==, G_N_ELEMENTS (widths));
  g_assert_cmpuint (f->pages->len, ==, G_N_ELEMENTS (widths));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, G_N_ELEMENTS (widths));
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (f->store), i);

      g_assert_true (page == g_ptr_array_index (f->pages, i));
      g_assert_cmpint (mc_page_get_width (page), ==, widths[i]);
      g_assert_true (g_file_test (mc_page_get_path (page), G_FILE_TEST_IS_REGULAR));
    }
  g_assert_cmpuint (f->skipped->len, ==, 0);

  /* Taken files are in .taken/ (0700); the others stay. */
  g_assert_cmpint (g_stat (taken, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  for (guint i = 0; i < 4; i++)
    {
      const char *name = (const char *[]) { "a.png", "b.png", "z.png", "c.pdf" }[i];

      g_assert_true (exists_in (f->dir, MC_FOLDER_TAKEN_DIR, name));
      g_assert_false (exists_in (f->dir, NULL, name));
    }
  g_assert_true (exists_in (f->dir, NULL, "notes.txt"));
  g_assert_true (exists_in (f->dir, NULL, "scan.pdf.tmp"));
  g_assert_true (exists_in (f->dir, NULL, ".hidden.png"));
  g_assert_cmpuint (count_files (taken), ==, 4);
}

/* A name already in .taken/ gets a suffix; nothing there is overwritten. */
static void
test_taken_clash (Fixture *f, gconstpointer data)
{
  g_autofree char *taken = g_build_filename (f->dir, MC_FOLDER_TAKEN_DIR, NULL);
  g_autofree char *old = NULL;
  g_autofree char *kept = g_build_filename (taken, "scan.png", NULL);
  g_autofree char *contents = NULL;

  g_assert_cmpint (g_mkdir (taken, 0700), ==, 0);
  write_junk (taken, "scan.png", "taken yesterday", 0);
  write_junk (taken, "scan-2.png", "taken yesterday too", 0);
  old = write_png (f->dir, "scan.png", 120, 60, 0);

  run_batch (f);
  g_assert_no_error (f->error);
  g_assert_cmpuint (f->pages->len, ==, 1);
  g_assert_true (g_file_get_contents (kept, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "taken yesterday");
  g_assert_true (exists_in (taken, NULL, "scan-3.png"));
  g_assert_false (exists_in (f->dir, NULL, "scan.png"));
  g_assert_cmpuint (count_files (taken), ==, 3);
}

/* A damaged file is reported by name and put aside; the files around it
 * still become pages and the batch ends normally. */
static void
test_damaged_file (Fixture *f, gconstpointer data)
{
  g_autofree char *one = write_png (f->dir, "1.png", 111, 40, 1700001000);
  g_autofree char *three = write_png (f->dir, "3.png", 113, 40, 1700003000);
  const GError *skipped;

  write_junk (f->dir, "2-broken.png", "\x89PNG\r\n\x1a\n this is not the rest of a picture", 1700002000);
  write_junk (f->dir, "4-empty.jpg", "", 1700004000);

  run_batch (f);
  g_assert_no_error (f->error);
  g_assert_false (f->failed);
  g_assert_cmpuint (f->pages->len, ==, 2);
  g_assert_cmpint (mc_page_get_width (g_ptr_array_index (f->pages, 0)), ==, 111);
  g_assert_cmpint (mc_page_get_width (g_ptr_array_index (f->pages, 1)), ==, 113);

  g_assert_cmpuint (f->skipped->len, ==, 2);
  skipped = g_ptr_array_index (f->skipped, 0);
  g_test_message ("%s", skipped->message);
  g_assert_true (skipped->domain == MC_PAGE_IMAGE_ERROR);
  g_assert_nonnull (strstr (skipped->message, "2-broken.png"));
  g_assert_nonnull (strstr (skipped->message, MC_FOLDER_TAKEN_DIR));
  skipped = g_ptr_array_index (f->skipped, 1);
  g_assert_cmpint (skipped->code, ==, MC_PAGE_IMAGE_ERROR_EMPTY);
  g_assert_nonnull (strstr (skipped->message, "4-empty.jpg"));

  /* Nothing lost: all four are in .taken/, the folder is empty. */
  for (guint i = 0; i < 4; i++)
    g_assert_true (exists_in (f->dir, MC_FOLDER_TAKEN_DIR,
                              (const char *[]) { "1.png", "2-broken.png", "3.png", "4-empty.jpg" }[i]));
  g_assert_cmpuint (count_files (f->dir), ==, 0);
}

/* No pages in the folder: the feeder-empty fault, at once. */
static void
test_empty_folder (Fixture *f, gconstpointer data)
{
  write_junk (f->dir, "readme.txt", "not a page", 0);
  run_batch (f);
  g_assert_true (f->failed);
  g_assert_error (f->error, MC_SCAN_ERROR, MC_SCAN_ERROR_FEEDER_EMPTY);
  g_assert_nonnull (strstr (f->error->message, f->dir));
  g_assert_cmpuint (f->n_pages, ==, 0);
  g_assert_true (exists_in (f->dir, NULL, "readme.txt"));
}

static void
on_device_failed (McScanBackend *backend, const char *name, GError *error, GError **out)
{
  g_assert_true (g_str_has_prefix (name, "folder:"));
  *out = g_error_copy (error);
}

static void
test_missing_folder (Fixture *f, gconstpointer data)
{
  GError *failed = NULL;
  g_autofree char *dir = g_build_filename (f->dir, "not-there", NULL);
  g_autofree char *device = g_strconcat ("folder:", dir, NULL);
  g_autoptr(McScanJobOptions) options = mc_scan_job_options_new (device);

  mc_scan_backend_start (MC_SCAN_BACKEND (f->backend), 1, options, f->store);
  g_assert_true (mc_test_wait_for_flag (&f->done, 60));
  g_assert_error (f->error, MC_SCAN_ERROR, MC_SCAN_ERROR_NO_DEVICE);
  g_assert_nonnull (strstr (f->error->message, dir));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  /* Choosing it says the same. */
  g_signal_connect (f->backend, "device-failed", G_CALLBACK (on_device_failed), &failed);
  mc_scan_backend_open_device (MC_SCAN_BACKEND (f->backend), device);
  while (failed == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (failed, MC_SCAN_ERROR, MC_SCAN_ERROR_NO_DEVICE);
  g_clear_error (&failed);
}

/* ---- Watching ---- */

typedef struct {
  GOutputStream *out;
  GBytes        *bytes;
  gsize          written;
  gsize          chunk;
  gboolean       finished;
} Writer;

static gboolean
write_chunk (gpointer data)
{
  Writer *w = data;
  gsize size = g_bytes_get_size (w->bytes);
  gsize n = MIN (w->chunk, size - w->written);
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (w->out, (const guchar *) g_bytes_get_data (w->bytes, NULL) + w->written,
                             n, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (w->out, NULL, &error);
  g_assert_no_error (error);
  w->written += n;
  if (w->written < size)
    return G_SOURCE_CONTINUE;
  g_output_stream_close (w->out, NULL, &error);
  g_assert_no_error (error);
  w->finished = TRUE;
  return G_SOURCE_REMOVE;
}

/* A file that grows slowly, as from a copier over the network, is taken
 * only when it has stopped growing, and only once; the watch goes on and
 * takes the next file that appears. */
static void
test_growing_file (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "slow.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  Writer w = { 0 };

  start (f, 7, TRUE);

  /* Some 40 chunks, one each 40 ms: far less than the settle time
   * (3 s here, so that a loaded machine that holds this thread back for
   * a while still writes again in time) between changes. */
  w.bytes = png_bytes (900, 700);
  w.chunk = g_bytes_get_size (w.bytes) / 40 + 1;
  w.out = G_OUTPUT_STREAM (g_file_create (file, G_FILE_CREATE_NONE, NULL, &error));
  g_assert_no_error (error);
  g_timeout_add (40, write_chunk, &w);
  while (!w.finished)
    {
      g_main_context_iteration (NULL, TRUE);
      /* Nothing is taken while the file grows. */
      g_assert_cmpuint (f->pages->len, ==, 0);
      g_assert_cmpuint (f->skipped->len, ==, 0);
      g_assert_false (f->done);
    }

  /* Once it stops, it is taken whole. */
  g_assert_true (iterate_until_pages (f, 1, 60));
  g_assert_cmpuint (f->skipped->len, ==, 0);
  g_assert_cmpint (mc_page_get_width (g_ptr_array_index (f->pages, 0)), ==, 900);
  g_assert_cmpint (mc_page_get_height (g_ptr_array_index (f->pages, 0)), ==, 700);
  g_assert_true (exists_in (f->dir, MC_FOLDER_TAKEN_DIR, "slow.png"));
  g_assert_false (f->done);

  /* Still watching: the next file becomes the second page. */
  next = write_png (f->dir, "next.png", 321, 123, 0);
  g_assert_true (iterate_until_pages (f, 2, 60));
  g_assert_cmpint (mc_page_get_width (g_ptr_array_index (f->pages, 1)), ==, 321);
  g_assert_false (f->done);

  /* Cancel ends the watch, keeping the pages. */
  mc_scan_backend_cancel (MC_SCAN_BACKEND (f->backend), 7);
  g_assert_true (mc_test_wait_for_flag (&f->done, 60));
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (f->n_pages, ==, 2);
  g_assert_cmpuint (f->pages->len, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 2);
  g_object_unref (w.out);
  g_bytes_unref (w.bytes);
}

/* A batch is the files there when it starts: one still being written is
 * waited for and taken whole; one that appears meanwhile is left for the
 * next scan. */
static void
test_batch_waits_for_growing (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "slow.png", NULL);
  g_autofree char *taken = g_build_filename (f->dir, MC_FOLDER_TAKEN_DIR, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  Writer w = { 0 };
  gsize late_at;

  w.bytes = png_bytes (800, 600);
  w.chunk = g_bytes_get_size (w.bytes) / 40 + 1;
  w.out = G_OUTPUT_STREAM (g_file_create (file, G_FILE_CREATE_NONE, NULL, &error));
  g_assert_no_error (error);
  write_chunk (&w);

  start (f, 3, FALSE);
  /* The job has looked at the folder once it has made .taken/. */
  while (!g_file_test (taken, G_FILE_TEST_IS_DIR))
    g_main_context_iteration (NULL, FALSE);
  g_timeout_add (40, write_chunk, &w);
  late_at = w.written + 5 * w.chunk;
  while (w.written < late_at)
    g_main_context_iteration (NULL, TRUE);
  {
    g_autofree char *late = write_png (f->dir, "late.png", 77, 77, 0);
  }
  while (!w.finished)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpuint (f->pages->len, ==, 0);
      g_assert_false (f->done);
    }

  g_assert_true (mc_test_wait_for_flag (&f->done, 60));
  g_assert_no_error (f->error);
  g_assert_cmpuint (f->skipped->len, ==, 0);
  g_assert_cmpuint (f->pages->len, ==, 1);
  g_assert_cmpint (mc_page_get_width (g_ptr_array_index (f->pages, 0)), ==, 800);
  g_assert_true (exists_in (f->dir, NULL, "late.png"));
  g_object_unref (w.out);
  g_bytes_unref (w.bytes);
}

/* ---- Through the scanner the UI uses ---- */

typedef struct {
  gboolean      changed;
  McScanDevice *ready;
} DeviceWait;

static void on_devices (McScanner *s, DeviceWait *w) { w->changed = TRUE; }
static void on_ready (McScanner *s, McScanDevice *d, DeviceWait *w) { g_set_object (&w->ready, d); }

static void
test_scanner_lists_folder (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("scan-folder-list");
  g_autofree char *name = g_strconcat ("folder:", dir, NULL);
  g_autoptr(McScanner) scanner = mc_scanner_new ();
  const char *dirs[] = { dir, NULL };
  DeviceWait w = { 0 };
  GPtrArray *devices;
  gboolean found = FALSE;

  g_signal_connect (scanner, "devices-changed", G_CALLBACK (on_devices), &w);
  g_signal_connect (scanner, "device-ready", G_CALLBACK (on_ready), &w);
  mc_scanner_set_folders (scanner, dirs);
  w.changed = FALSE;
  mc_scanner_redetect (scanner);
  g_assert_true (mc_test_wait_for_flag (&w.changed, 60));
  g_assert_false (mc_scanner_is_detecting (scanner));

  devices = mc_scanner_get_devices (scanner);
  g_assert_nonnull (devices);
  for (guint i = 0; i < devices->len; i++)
    if (g_str_equal (mc_scan_device_get_name (g_ptr_array_index (devices, i)), name))
      {
        g_autofree char *label = mc_scan_device_dup_label (g_ptr_array_index (devices, i));

        g_assert_nonnull (strstr (label, dir));
        found = TRUE;
      }
  g_assert_true (found);
  /* The SANE devices are still there. */
  g_assert_cmpuint (devices->len, >, 1);

  mc_scanner_open_device (scanner, name);
  while (w.ready == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (mc_scan_device_get_name (w.ready), ==, name);
  g_assert_true (mc_scan_device_has_source (w.ready, MC_SCAN_SOURCE_ADF));
  g_clear_object (&w.ready);

  g_clear_object (&scanner);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  mc_test_rm_rf (dir);
}

/* ---- The tool ---- */

static JsonObject *
parse_object (const char *text,
              JsonParser *parser)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_tool_scan (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("scan-folder-tool");
  g_autofree char *out = mc_test_make_tmpdir ("scan-folder-tool-out");
  g_autofree char *device = g_strconcat ("folder:", dir, NULL);
  g_autofree char *a = write_png (dir, "b-first.png", 131, 40, 1700001000);
  g_autofree char *b = write_png (dir, "a-second.png", 132, 40, 1700002000);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(McToolRun) run = { 0 };
  JsonObject *root;
  JsonArray *pages, *skipped;

  mc_test_allow_vips_warnings ();
  write_junk (dir, "c-broken.jpg", "\xff\xd8\xff not a photo", 1700003000);

  mc_tool_run (&run, NULL, MC_ARGS ("scan", "--device", device, "--out", out, "--json"));
  g_test_message ("%s%s", run.out, run.err);
  /* The batch went on past the damaged file, and says so. */
  g_assert_cmpint (run.status, ==, 20);
  root = parse_object (run.out, parser);
  g_assert_cmpstr (json_object_get_string_member (root, "device"), ==, device);
  g_assert_true (json_object_get_null_member (root, "error"));
  pages = json_object_get_array_member (root, "pages");
  g_assert_cmpuint (json_array_get_length (pages), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (pages, 0), "width"), ==, 131);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (pages, 1), "width"), ==, 132);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_array_get_object_element (pages, 0), "file"), out));
  skipped = json_object_get_array_member (root, "skipped");
  g_assert_cmpuint (json_array_get_length (skipped), ==, 1);
  g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (skipped, 0), "message"),
                            "c-broken.jpg"));
  g_assert_cmpuint (count_files (dir), ==, 0);
  g_assert_true (exists_in (dir, MC_FOLDER_TAKEN_DIR, "b-first.png"));
  g_assert_true (exists_in (dir, MC_FOLDER_TAKEN_DIR, "a-second.png"));
  g_assert_true (exists_in (dir, MC_FOLDER_TAKEN_DIR, "c-broken.jpg"));

  /* Run again: the folder is empty now, as a feeder would be (exit 10). */
  mc_tool_run_clear (&run);
  mc_tool_run (&run, NULL, MC_ARGS ("scan", "--device", device, "--out", out, "--json"));
  g_assert_cmpint (run.status, ==, 10);
  root = parse_object (run.out, parser);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "pages")), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "error"), "code"), ==, 10);
  g_assert_nonnull (strstr (json_object_get_string_member (json_object_get_object_member (root, "error"), "message"),
                            dir));

  mc_test_rm_rf (dir);
  mc_test_rm_rf (out);
}

int
main (int argc, char **argv)
{
  mc_test_init (&argc, &argv);
  mc_core_init ();

#define ADD(path, func, settle) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (settle), fixture_setup, func, fixture_teardown)
  ADD ("/scan-folder/batch-order", test_batch_order, 0);
  ADD ("/scan-folder/taken-clash", test_taken_clash, 0);
  ADD ("/scan-folder/damaged-file", test_damaged_file, 0);
  ADD ("/scan-folder/empty", test_empty_folder, 0);
  ADD ("/scan-folder/missing", test_missing_folder, 0);
  ADD ("/scan-folder/growing-file", test_growing_file, 3000);
  ADD ("/scan-folder/batch-waits-for-growing", test_batch_waits_for_growing, 3000);
#undef ADD
  g_test_add_func ("/scan-folder/scanner-lists-folder", test_scanner_lists_folder);
  g_test_add_func ("/scan-folder/tool", test_tool_scan);
  return g_test_run ();
}
