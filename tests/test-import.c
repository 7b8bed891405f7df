/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-import.h"
#include "mc-page-image.h"
#include "mc-vips.h"
#include "mc-test-util.h"

/* Importing PDFs that ask for more than any paper (issue 12): a 60-inch
 * page rendered at 200 dpi is 144 million pixels (813 MB before the fix),
 * 100 inches 400 million. Each page's size is read from the file before
 * anything is rendered, and the whole import is bounded; the tests check
 * the refusal, that nothing reached the store, and that the process's
 * peak memory did not grow by what a render would take. */

/* @n_pages pages of @inches × @inches, each with a line of text. */
static void
make_pdf (const char *path,
          double      inches,
          guint       n_pages)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, inches * 72, inches * 72);
  cairo_t *cr = cairo_create (surface);

  for (guint i = 0; i < n_pages; i++)
    {
      cairo_move_to (cr, 36, 72);
      cairo_show_text (cr, "Giấy tờ thử nghiệm");
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

static long
peak_kib (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_maxrss;
}

/* A render of the refused page needs hundreds of MB; reading its header,
 * almost nothing. */
#define MAX_GROWTH_KIB (64 * 1024)

static guint
count_page_files (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    n += g_str_has_prefix (name, "page-");
  return n;
}

typedef struct {
  double inches;
  guint  n_pages;
} PdfCase;

static void
test_refused (gconstpointer data)
{
  const PdfCase *c = data;
  g_autofree char *dir = mc_test_make_tmpdir ("import-large");
  g_autofree char *pages_dir = g_build_filename (dir, "pages", NULL);
  g_autofree char *pdf = g_build_filename (dir, "large.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(McPageStore) store = mc_page_store_new (pages_dir, &error);
  g_autoptr(GPtrArray) pages = NULL;
  long before;

  g_assert_no_error (error);
  make_pdf (pdf, c->inches, c->n_pages);
  before = peak_kib ();
  pages = mc_import_file (store, pdf, 200, NULL, &error);
  g_test_message ("%.0f in × %u pages: peak grew %ld KiB; %s", c->inches, c->n_pages,
                  peak_kib () - before, error ? error->message : "imported");
  g_assert_null (pages);
  g_assert_error (error, MC_IMPORT_ERROR, MC_IMPORT_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "“large.pdf”"));
  g_assert_cmpint (peak_kib () - before, <, MAX_GROWTH_KIB);
  g_assert_cmpuint (count_page_files (pages_dir), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_clear_object (&store);
  mc_test_rm_rf (dir);
}

typedef struct {
  gboolean   done;
  GPtrArray *pages;
  GPtrArray *partial;
  GError    *error;
} ImportWait;

static void
on_imported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ImportWait *w = user_data;

  w->pages = mc_import_files_finish (MC_PAGE_STORE (source), result, &w->partial, &w->error);
  w->done = TRUE;
}

/* Two files each within bounds, too much together: refused before either
 * is rendered. One of them alone imports. */
static void
test_refused_together (void)
{
  g_autofree char *dir = mc_test_make_tmpdir ("import-together");
  g_autofree char *pages_dir = g_build_filename (dir, "pages", NULL);
  g_autofree char *a = g_build_filename (dir, "a.pdf", NULL);
  g_autofree char *b = g_build_filename (dir, "b.pdf", NULL);
  const char *both[] = { a, b, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(McPageStore) store = mc_page_store_new (pages_dir, &error);
  ImportWait w = { 0 };
  long before;

  g_assert_no_error (error);
  /* 40 inches at 200 dpi: 64 million pixels a page, 640 million a file. */
  make_pdf (a, 40, 10);
  make_pdf (b, 40, 10);
  before = peak_kib ();
  mc_import_files_async (store, both, NULL, on_imported, &w);
  g_assert_true (mc_test_wait_for_flag (&w.done, 120));
  g_test_message ("together: peak grew %ld KiB; %s", peak_kib () - before,
                  w.error ? w.error->message : "imported");
  g_assert_null (w.pages);
  g_assert_error (w.error, MC_IMPORT_ERROR, MC_IMPORT_ERROR_TOO_LARGE);
  g_assert_true (w.partial == NULL || w.partial->len == 0);
  g_assert_cmpint (peak_kib () - before, <, MAX_GROWTH_KIB);
  g_assert_cmpuint (count_page_files (pages_dir), ==, 0);
  g_clear_error (&w.error);
  g_clear_pointer (&w.partial, g_ptr_array_unref);

  /* Ordinary papers import as before: an A4 file of three pages. */
  {
    g_autofree char *a4 = g_build_filename (dir, "a4.pdf", NULL);
    cairo_surface_t *surface = cairo_pdf_surface_create (a4, 595, 842);
    cairo_t *cr = cairo_create (surface);
    g_autoptr(GPtrArray) pages = NULL;

    for (guint i = 0; i < 3; i++)
      cairo_show_page (cr);
    cairo_destroy (cr);
    cairo_surface_destroy (surface);
    pages = mc_import_file (store, a4, 200, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (pages->len, ==, 3);
    g_assert_cmpint (ABS (mc_page_get_width (g_ptr_array_index (pages, 0)) - 1653), <=, 1);
  }
  mc_page_store_flush (store, NULL);
  g_clear_object (&store);
  mc_test_rm_rf (dir);
}

/* @path: a grey picture of @w × @h pixels whose file states no resolution
 * (or the 72 dpi of cameras when @dpi72). */
static void
write_picture (const char *path,
               int         w,
               int         h,
               gboolean    dpi72)
{
  g_autoptr(VipsImage) black = NULL;
  g_autoptr(VipsImage) paper = NULL;

  g_assert_cmpint (vips_black (&black, w, h, NULL), ==, 0);
  g_assert_cmpint (vips_linear1 (black, &paper, 1.0, 240.0, "uchar", TRUE, NULL), ==, 0);
  if (dpi72)
    mc_page_image_set_dpi (paper, 72);
  if (g_str_has_suffix (path, ".png"))
    g_assert_cmpint (vips_pngsave (paper, path, NULL), ==, 0);
  else
    g_assert_cmpint (vips_jpegsave (paper, path, NULL), ==, 0);
}

/* A page scanned to a file that states no resolution (many drivers' PNG)
 * is a whole sheet at a scanner's resolution: its size says which, and
 * the page keeps its paper size. A photo of another shape keeps the old
 * rules. */
static void
test_picture_sheet_size (void)
{
  static const struct {
    const char *name;
    int         w, h;
    gboolean    dpi72;
    double      dpi;
  } cases[] = {
    { "a4-200.png", 1654, 2339, FALSE, 200 },
    { "a4-300-landscape.png", 3508, 2480, FALSE, 300 },
    { "letter-150.jpg", 1275, 1650, TRUE, 150 },
    { "glass-600.png", 5100, 7016, FALSE, 600 },
    { "a5-300.png", 1748, 2480, FALSE, 300 },
    /* not a sheet at a scanner's resolution: the default */
    { "photo.jpg", 1600, 1200, TRUE, 200 },
    { "near-a4.png", 1654, 2250, FALSE, MC_PAGE_IMAGE_DEFAULT_DPI },
  };
  g_autofree char *dir = mc_test_make_tmpdir ("import-sheet");
  g_autofree char *pages_dir = g_build_filename (dir, "pages", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(McPageStore) store = mc_page_store_new (pages_dir, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (dir, cases[i].name, NULL);
      g_autoptr(GPtrArray) pages = NULL;

      write_picture (path, cases[i].w, cases[i].h, cases[i].dpi72);
      pages = mc_import_file (store, path, 200, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (pages->len, ==, 1);
      g_test_message ("%s: %.0f dpi", cases[i].name, mc_page_get_dpi (g_ptr_array_index (pages, 0)));
      g_assert_cmpfloat (mc_page_get_dpi (g_ptr_array_index (pages, 0)), ==, cases[i].dpi);
    }
  g_assert_cmpint (mc_page_image_dpi_from_size (1654, 2339), ==, 200);
  g_assert_cmpint (mc_page_image_dpi_from_size (2339, 1654), ==, 200);
  g_assert_cmpint (mc_page_image_dpi_from_size (2550, 3300), ==, 300);
  g_assert_cmpint (mc_page_image_dpi_from_size (4032, 3024), ==, 0);
  g_assert_cmpint (mc_page_image_dpi_from_size (761, 512), ==, 0);
  g_assert_cmpint (mc_page_image_dpi_from_size (1654, 1654), ==, 0);
  mc_page_store_flush (store, NULL);
  g_clear_object (&store);
  mc_test_rm_rf (dir);
}

/* The mean grey of a part of @image. */
static double
region_mean (VipsImage *image,
             int        left,
             int        top,
             int        width,
             int        height)
{
  g_autoptr(VipsImage) part = NULL;
  double mean = -1.0;

  g_assert_cmpint (vips_extract_area (image, &part, left, top, width, height, NULL), ==, 0);
  g_assert_cmpint (vips_avg (part, &mean, NULL), ==, 0);
  return mean;
}

/* A phone stores a photo as its sensor lay and writes in the EXIF
 * orientation how to turn it for viewing; every viewer does. The page a
 * photo becomes is the picture the citizen saw on the phone: the mark
 * drawn at its top left is at the page's top left, whatever the tag. */
static void
test_picture_phone_orientation (void)
{
  /* EXIF orientation, and the turn that stores an upright picture so. */
  static const struct {
    int       orientation;
    VipsAngle stored;
  } cases[] = {
    { 1, VIPS_ANGLE_D0 },
    { 3, VIPS_ANGLE_D180 },
    { 6, VIPS_ANGLE_D270 },
    { 8, VIPS_ANGLE_D90 },
  };
  g_autofree char *dir = mc_test_make_tmpdir ("import-orientation");
  g_autofree char *pages_dir = g_build_filename (dir, "pages", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(McPageStore) store = mc_page_store_new (pages_dir, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%d.jpg", cases[i].orientation);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(VipsImage) black = NULL;
      g_autoptr(VipsImage) paper = NULL;
      g_autoptr(VipsImage) marked = NULL;
      g_autoptr(VipsImage) stored = NULL;
      g_autoptr(VipsImage) header = NULL;
      g_autoptr(VipsImage) page_image = NULL;
      g_autoptr(GPtrArray) pages = NULL;
      double ink[] = { 0.0 };
      double corner, opposite;

      /* Upright: 1200 × 800, a dark square at the top left. */
      g_assert_cmpint (vips_black (&black, 1200, 800, NULL), ==, 0);
      g_assert_cmpint (vips_linear1 (black, &paper, 1.0, 240.0, "uchar", TRUE, NULL), ==, 0);
      g_assert_cmpint (vips_draw_rect (paper, ink, 1, 50, 50, 200, 200, "fill", TRUE, NULL), ==, 0);
      g_assert_cmpint (vips_rot (paper, &marked, cases[i].stored, NULL), ==, 0);
      g_assert_cmpint (vips_copy (marked, &stored, NULL), ==, 0);
      vips_image_set_int (stored, VIPS_META_ORIENTATION, cases[i].orientation);
      g_assert_cmpint (vips_jpegsave (stored, path, NULL), ==, 0);
      header = vips_image_new_from_file (path, NULL);
      g_assert_nonnull (header);
      g_assert_cmpint (vips_image_get_orientation (header), ==, cases[i].orientation);

      pages = mc_import_file (store, path, 200, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (pages->len, ==, 1);
      page_image = vips_image_new_from_file (mc_page_get_path (g_ptr_array_index (pages, 0)), "access",
                                             VIPS_ACCESS_RANDOM, NULL);
      g_assert_nonnull (page_image);
      g_test_message ("orientation %d: page %d × %d", cases[i].orientation,
                      vips_image_get_width (page_image), vips_image_get_height (page_image));
      g_assert_cmpint (vips_image_get_width (page_image), ==, 1200);
      g_assert_cmpint (vips_image_get_height (page_image), ==, 800);
      g_assert_cmpint (vips_image_get_orientation (page_image), ==, 1);
      corner = region_mean (page_image, 75, 75, 150, 150);
      opposite = region_mean (page_image, 1200 - 225, 800 - 225, 150, 150);
      g_assert_cmpfloat (corner, <, 60.0);
      g_assert_cmpfloat (opposite, >, 200.0);
    }
  mc_page_store_flush (store, NULL);
  g_clear_object (&store);
  mc_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  static const PdfCase sixty = { 60, 1 };
  static const PdfCase hundred = { 100, 1 };
  /* 64 million pixels a page: each fits, sixteen do not. */
  static const PdfCase many = { 40, 16 };
  /* Small pages, more of them than one import takes. */
  static const PdfCase too_many = { 3, 201 };

  mc_test_init (&argc, &argv);
  mc_core_init ();

  g_test_add_data_func ("/import/pdf/60-inch-page", &sixty, test_refused);
  g_test_add_data_func ("/import/pdf/100-inch-page", &hundred, test_refused);
  g_test_add_data_func ("/import/pdf/many-large-pages", &many, test_refused);
  g_test_add_data_func ("/import/pdf/too-many-pages", &too_many, test_refused);
  g_test_add_func ("/import/pdf/files-together", test_refused_together);
  g_test_add_func ("/import/picture/sheet-size", test_picture_sheet_size);
  g_test_add_func ("/import/picture/phone-orientation", test_picture_phone_orientation);
  return g_test_run ();
}
