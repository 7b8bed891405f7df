/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <zbar.h>

#include "mc-application.h"
#include "mc-citizen-desk.h"
#include "mc-citizen-window.h"
#include "mc-core.h"
#include "mc-guidance-page.h"
#include "mc-guide-book.h"
#include "mc-pin-prompt.h"
#include "mc-qr-code.h"
#include "mc-preferences-window.h"
#include "mc-reception-page.h"
#include "mc-scan-panel.h"
#include "mc-self-service.h"
#include "mc-statistics-page.h"
#include "mc-supervisor-pin.h"
#include "mc-test-ui.h"
#include "mc-test-util.h"
#include "mc-vips.h"
#include "mc-visit-view.h"
#include "mc-window.h"

/* The citizen screen, the Guidance section and self-service mode, in the
 * real application under Xvfb, with GTK's test accessibility backend:
 * every screen is photographed (build/screenshots/<language>/) and its
 * accessible tree walked for interactive widgets without a name. */

#define PIN "2468"

static McApplication *app;
static char *tmp_root;
static char *pages_dir;

/* ---- Helpers ------------------------------------------------------------------- */

static McCitizenDesk *
desk (void)
{
  return mc_application_get_citizen_desk (app);
}

static McCitizenScreen *
screen (void)
{
  return mc_application_get_citizen_screen (app);
}

static GSettings *
settings (void)
{
  return mc_application_get_settings (app);
}

/* ---- Accessible names ---------------------------------------------------------- */

static gboolean
is_interactive (GtkWidget *widget)
{
  switch (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)))
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_COMBO_BOX:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_RADIO:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_SEARCH_BOX:
    case GTK_ACCESSIBLE_ROLE_SLIDER:
    case GTK_ACCESSIBLE_ROLE_SPIN_BUTTON:
    case GTK_ACCESSIBLE_ROLE_SWITCH:
    case GTK_ACCESSIBLE_ROLE_TAB:
    case GTK_ACCESSIBLE_ROLE_TEXT_BOX:
      return TRUE;
    case GTK_ACCESSIBLE_ROLE_LIST_ITEM:
    case GTK_ACCESSIBLE_ROLE_ROW:
      /* A row the user can select or activate is a control. */
      return gtk_widget_get_focusable (widget);
    default:
      return FALSE;
    }
}

static gboolean has_name (GtkWidget *widget, GtkWidget *root, guint depth);

/* GTK has no public getter for relations: try each widget of the window
 * as the one @widget is labelled by. */
static GtkWidget *
labelled_by (GtkWidget *widget,
             GtkWidget *candidate)
{
  g_autofree char *mismatch = gtk_test_accessible_check_relation (GTK_ACCESSIBLE (widget),
                                                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                                                  candidate, NULL);

  if (mismatch == NULL)
    return candidate;
  for (GtkWidget *c = gtk_widget_get_first_child (candidate); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = labelled_by (widget, c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_name (GtkWidget *widget,
          GtkWidget *root,
          guint      depth)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    return TRUE;
  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    {
      g_autofree char *empty = gtk_test_accessible_check_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL, "");

      /* A mismatch with "" means some text. */
      if (empty != NULL)
        return TRUE;
    }
  if (depth < 3 && gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    {
      GtkWidget *label = labelled_by (widget, root);

      if (label != NULL && label != widget && has_name (label, root, depth + 1))
        return TRUE;
    }
  return FALSE;
}

static void
collect_unnamed (GtkWidget *widget,
                 GtkWidget *root,
                 GString   *unnamed)
{
  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return;
  if (is_interactive (widget) && gtk_widget_is_sensitive (widget) && !has_name (widget, root, 0))
    g_string_append_printf (unnamed, " %s(%s%s%s)", G_OBJECT_TYPE_NAME (widget),
                            gtk_widget_get_name (widget),
                            GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) ? ": " : "",
                            GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget))
                            ? gtk_button_get_label (GTK_BUTTON (widget)) : "");
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_unnamed (c, root, unnamed);
}

static void
assert_all_named (GtkWidget  *root,
                  const char *screen_name)
{
  g_autoptr(GString) unnamed = g_string_new (NULL);

  collect_unnamed (root, root, unnamed);
  if (unnamed->len > 0)
    g_error ("%s: interactive widgets without an accessible name:%s", screen_name, unnamed->str);
}

/* Photographed, and the part that is ours checked. */
static void
capture_part (GtkWidget  *window,
              GtkWidget  *part,
              const char *name)
{
  mc_test_screenshot (window, name);
  assert_all_named (part, name);
}

static void
capture (GtkWidget  *widget,
         const char *name)
{
  capture_part (widget, widget, name);
}

/* ---- Scanned pages for the citizen screen, from the specimen papers ---------------- */

static McPageStore *
specimen_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *specimens = mc_specimen_dir ();
  const char *files[] = { "to-khai-khai-sinh-1.pgm", "to-khai-khai-sinh-2.pgm", "giay-chung-sinh.ppm" };
  McPageStore *store = mc_page_store_new (pages_dir, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (specimens, files[i], NULL);
      g_autoptr(VipsImage) image = vips_image_new_from_file (path, NULL);
      g_autoptr(McPage) page = NULL;

      g_assert_nonnull (image);
      page = mc_page_store_save_image (store, image, 200, MC_SCAN_MODE_GRAY, MC_SCAN_SOURCE_FLATBED,
                                       MC_PAGE_SIDE_FRONT, &error);
      g_assert_no_error (error);
      mc_page_store_append (store, page);
    }
  return store;
}

/* ---- QR codes read back from a screenshot ------------------------------------------- */

static char *
read_qr_from_png (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (path, &error);
  int width, height;
  guint8 *rgba, *grey;
  zbar_image_scanner_t *scanner;
  zbar_image_t *image;
  const zbar_symbol_t *symbol;
  char *text = NULL;

  g_assert_no_error (error);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  rgba = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, rgba, (gsize) width * 4);
  grey = g_malloc ((gsize) width * height);
  for (gsize i = 0; i < (gsize) width * height; i++)
    grey[i] = (guint8) ((rgba[i * 4] + rgba[i * 4 + 1] + rgba[i * 4 + 2]) / 3);
  g_free (rgba);

  scanner = zbar_image_scanner_create ();
  zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
  image = zbar_image_create ();
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, width, height);
  zbar_image_set_data (image, grey, (gsize) width * height, zbar_image_free_data);
  if (zbar_scan_image (scanner, image) > 0 && (symbol = zbar_image_first_symbol (image)) != NULL)
    text = g_strndup (zbar_symbol_get_data (symbol), zbar_symbol_get_data_length (symbol));
  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
  return text;
}

/* ---- The citizen window ----------------------------------------------------------------- */

static McCitizenWindow *
citizen_window (void)
{
  McCitizenWindow *window = mc_citizen_desk_get_window (desk ());

  g_assert_nonnull (window);
  return window;
}

static void
test_one_monitor (void)
{
  GListModel *monitors = gdk_display_get_monitors (gdk_display_get_default ());
  g_autoptr(GVariant) state = NULL;
  McCitizenWindow *window;

  /* Xvfb has one monitor: the premise of this test. */
  g_assert_cmpuint (g_list_model_get_n_items (monitors), ==, 1);

  g_action_group_change_action_state (G_ACTION_GROUP (app), "citizen-screen", g_variant_new_boolean (TRUE));
  mc_test_iterate ();
  window = citizen_window ();
  mc_test_wait_for_frames (GTK_WIDGET (window));
  state = g_action_group_get_action_state (G_ACTION_GROUP (app), "citizen-screen");
  g_assert_true (g_variant_get_boolean (state));

  /* A normal window the clerk can move: not full-screen, with a title bar. */
  g_assert_null (mc_citizen_window_get_monitor (window));
  g_assert_false (gtk_window_is_fullscreen (GTK_WINDOW (window)));
  g_assert_null (mc_citizen_choose_monitor (gdk_display_get_default (), GTK_WINDOW (mc_test_main_window ())));
  g_assert_nonnull (mc_test_find_type (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR));
  g_assert_true (gtk_widget_get_visible (mc_test_find_type (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR)));
}

static const char *
view_page (void)
{
  McCitizenView *view = mc_citizen_window_get_view (citizen_window ());

  mc_citizen_view_sync (view);
  return mc_citizen_view_get_page (view);
}

static void
show_step (McCitizenStep  step,
           const char    *shot)
{
  mc_citizen_screen_set_step (screen (), step);
  g_assert_cmpstr (view_page (), ==, mc_citizen_step_to_string (step));
  capture (GTK_WIDGET (citizen_window ()), shot);
}

/* The smallest text of the body, in points at 96 dpi. */
static double
label_points (GtkWidget *label)
{
  PangoContext *context = gtk_widget_get_pango_context (label);
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double size = pango_font_description_get_size (font) / (double) PANGO_SCALE;

  /* GTK gives absolute sizes (pixels) to Pango; 96 pixels an inch. */
  if (pango_font_description_get_size_is_absolute (font))
    size = size * 72.0 / 96.0;
  return size;
}

static GtkWidget *
visible_label_with_text (GtkWidget  *widget,
                         const char *text)
{
  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return NULL;
  if (GTK_IS_LABEL (widget) && g_str_equal (gtk_label_get_text (GTK_LABEL (widget)), text))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = visible_label_with_text (c, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_steps (void)
{
  McCitizenScreen *s = screen ();
  g_autoptr(McPageStore) store = specimen_store ();
  const char *receipt = "G22.56.22333-260101-0001";
  const char *url = "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html";
  g_autofree char *receipt_png = NULL;
  g_autofree char *qr = NULL;
  GtkWidget *body;

  mc_citizen_screen_reset (s);
  show_step (MC_CITIZEN_STEP_WELCOME, "citizen-welcome");
  /* The privacy notice, with the configured retention. */
  {
    g_autofree char *notice = mc_citizen_privacy_notice (g_settings_get_uint (settings (), "retention-hours"));

    g_assert_nonnull (visible_label_with_text (GTK_WIDGET (citizen_window ()), notice));
  }
  /* Body text: at least 28 points. */
  body = visible_label_with_text (GTK_WIDGET (citizen_window ()),
                                  _("The clerk will help you file your papers online. Follow the steps on this screen."));
  g_assert_nonnull (body);
  g_assert_cmpfloat (label_points (body), >=, 27.9);

  mc_citizen_screen_set_procedure_code (s, "1.001193");
  show_step (MC_CITIZEN_STEP_WHAT_TO_BRING, "citizen-what-to-bring");

  mc_citizen_screen_set_component_key (s, "giay-to-tuy-than");
  mc_citizen_screen_set_card_side (s, MC_CITIZEN_CARD_FRONT);
  show_step (MC_CITIZEN_STEP_PLACE_CARD, "citizen-place-the-card-front");
  mc_citizen_screen_set_card_side (s, MC_CITIZEN_CARD_BACK);
  show_step (MC_CITIZEN_STEP_PLACE_CARD, "citizen-place-the-card-back");

  mc_citizen_screen_set_component_key (s, "to-khai");
  mc_citizen_screen_set_use_feeder (s, FALSE);
  show_step (MC_CITIZEN_STEP_PLACE_PAPERS, "citizen-place-the-papers");
  mc_citizen_screen_set_use_feeder (s, TRUE);
  show_step (MC_CITIZEN_STEP_PLACE_PAPERS, "citizen-place-the-papers-feeder");

  mc_citizen_screen_set_pages (s, G_LIST_MODEL (store));
  mc_citizen_screen_set_scanner_busy (s, TRUE);
  show_step (MC_CITIZEN_STEP_SCANNING, "citizen-scanning");
  mc_citizen_screen_set_scanner_busy (s, FALSE);
  show_step (MC_CITIZEN_STEP_SCANNING, "citizen-scanned");

  /* Synthetic details, as the ID card reader will give them. */
  mc_citizen_screen_add_detail (s, "Họ và tên", "NGUYỄN THỊ MẪU", "mã QR trên thẻ");
  mc_citizen_screen_add_detail (s, "Ngày sinh", "01/01/1990", "mã QR trên thẻ");
  mc_citizen_screen_add_detail (s, "Số định danh cá nhân", "056190000000", "các dòng mã ở mặt sau");
  show_step (MC_CITIZEN_STEP_CHECK_DETAILS, "citizen-check-your-details");
  g_assert_nonnull (visible_label_with_text (GTK_WIDGET (citizen_window ()), "NGUYỄN THỊ MẪU"));

  show_step (MC_CITIZEN_STEP_WHAT_NEXT, "citizen-what-next");

  mc_citizen_screen_set_receipt (s, receipt, url);
  show_step (MC_CITIZEN_STEP_RECEIPT, "citizen-receipt");
  g_assert_nonnull (visible_label_with_text (GTK_WIDGET (citizen_window ()), receipt));
  /* The QR code on the screen leads where the filing is followed. */
  receipt_png = g_build_filename (g_getenv ("MOTCUA_SCREENSHOT_DIR"), mc_test_language (), "citizen-receipt.png", NULL);
  qr = read_qr_from_png (receipt_png);
  g_assert_cmpstr (qr, ==, url);

  show_step (MC_CITIZEN_STEP_GOODBYE, "citizen-goodbye");
  /* Nothing of the citizen is left behind. */
  g_assert_null (visible_label_with_text (GTK_WIDGET (citizen_window ()), "NGUYỄN THỊ MẪU"));
  g_assert_cmpuint (g_list_model_get_n_items (mc_citizen_screen_get_details (s)), ==, 0);
  g_assert_null (mc_citizen_screen_get_receipt_code (s));
  mc_citizen_screen_reset (s);
}

/* The QR code @qr as the window shows it, from a screenshot of the whole
 * window: the code and its quiet zone purely black and white (nothing
 * resampled), whole pixels per module, at least four modules of quiet zone,
 * and readable by zbar. */
static void
assert_qr_drawn_sharp (GtkWidget  *window,
                       GtkWidget  *qr,
                       const char *url,
                       const char *name)
{
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("MOTCUA_SCREENSHOT_DIR"), mc_test_language (), file, NULL);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *rgba = NULL;
  g_autofree char *text = NULL;
  graphene_rect_t origin, area;
  int width, height, x0, y0, x1, y1, left = G_MAXINT, top = G_MAXINT, right = -1, bottom = -1, run = 0, module;

  mc_test_screenshot (window, name);
  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  rgba = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, rgba, (gsize) width * 4);

  /* Where the code's widget is in the picture of the window. */
  g_assert_true (gtk_widget_compute_bounds (window, window, &origin));
  g_assert_true (gtk_widget_compute_bounds (qr, window, &area));
  x0 = (int) (area.origin.x - origin.origin.x);
  y0 = (int) (area.origin.y - origin.origin.y);
  x1 = MIN (x0 + (int) area.size.width, width);
  y1 = MIN (y0 + (int) area.size.height, height);
#define GREY(x, y) (rgba[((gsize) (y) * width + (x)) * 4])
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      if (GREY (x, y) < 128)
        {
          left = MIN (left, x);
          right = MAX (right, x);
          top = MIN (top, y);
          bottom = MAX (bottom, y);
        }
  g_assert_cmpint (right, >, left);
  /* The top-left finder pattern is seven modules wide. */
  while (left + run <= right && GREY (left + run, top) < 128)
    run++;
  module = run / 7;
  g_test_message ("%s: code %d×%d px, %d px a module", name, right - left + 1, bottom - top + 1, module);
  g_assert_cmpint (run % 7, ==, 0);
  g_assert_cmpint (module, >=, 2);
  g_assert_cmpint ((right - left + 1) % module, ==, 0);
  g_assert_cmpint (right - left, ==, bottom - top);
  /* Code and quiet zone: black or white, nothing in between. */
  g_assert_cmpint (left - 4 * module, >=, 0);
  g_assert_cmpint (top - 4 * module, >=, 0);
  for (int y = top - 4 * module; y <= bottom + 4 * module; y++)
    for (int x = left - 4 * module; x <= right + 4 * module; x++)
      {
        gboolean inside = x >= left && x <= right && y >= top && y <= bottom;

        g_assert_cmpint (x, <, width);
        g_assert_cmpint (y, <, height);
        if (inside)
          g_assert_true (GREY (x, y) == 0 || GREY (x, y) == 255);
        else
          g_assert_cmpint (GREY (x, y), ==, 255);
      }
#undef GREY
  text = read_qr_from_png (path);
  g_assert_cmpstr (text, ==, url);
}

/* The code alone in a window, at sizes that do not divide evenly. */
static void
test_qr_sizes (void)
{
  const char *url = "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html";
  const int sizes[] = { 100, 157, 233, 300, 389, 512 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      GtkWidget *window = gtk_window_new ();
      GtkWidget *qr = mc_qr_code_new ();
      g_autofree char *name = g_strdup_printf ("qr-%d", sizes[i]);

      g_assert_true (mc_qr_code_set_text (MC_QR_CODE (qr), url));
      gtk_window_set_default_size (GTK_WINDOW (window), sizes[i] + 7, sizes[i] + 11);
      gtk_window_set_child (GTK_WINDOW (window), qr);
      gtk_window_present (GTK_WINDOW (window));
      mc_test_wait_for_frames (qr);
      assert_qr_drawn_sharp (window, qr, url, name);
      gtk_window_destroy (GTK_WINDOW (window));
    }
}

/* The receipt's code on the citizen screen, at several window sizes and two
 * text scales. */
static void
test_receipt_qr_sizes (void)
{
  const char *url = "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html";
  const int sizes[][2] = { { 1024, 700 }, { 1183, 777 }, { 1366, 768 }, { 1601, 901 } };
  GtkSettings *gtk_settings = gtk_settings_get_default ();
  GtkWidget *window = GTK_WIDGET (citizen_window ());
  GtkWidget *qr;
  int dpi = 0;

  mc_citizen_screen_reset (screen ());
  mc_citizen_screen_set_receipt (screen (), "G22.56.22333-260101-0002", url);
  mc_citizen_screen_set_step (screen (), MC_CITIZEN_STEP_RECEIPT);
  view_page ();
  qr = mc_test_find_type (window, MC_TYPE_QR_CODE);
  g_assert_nonnull (qr);
  g_object_get (gtk_settings, "gtk-xft-dpi", &dpi, NULL);
  for (guint scale = 0; scale < 2; scale++)
    {
      g_object_set (gtk_settings, "gtk-xft-dpi", (scale == 0 ? 96 : 144) * 1024, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
        {
          g_autofree char *name = g_strdup_printf ("citizen-receipt-qr-%dx%d-text-%d", sizes[i][0], sizes[i][1],
                                                   scale == 0 ? 100 : 150);

          gtk_window_set_default_size (GTK_WINDOW (window), sizes[i][0], sizes[i][1]);
          mc_test_wait_for_frames (qr);
          assert_qr_drawn_sharp (window, qr, url, name);
        }
    }
  g_object_set (gtk_settings, "gtk-xft-dpi", dpi > 0 ? dpi : 96 * 1024, NULL);
  mc_citizen_screen_reset (screen ());
}

/* Points scale with the desktop's text-scaling setting (Xft DPI). */
static void
test_text_scaling (void)
{
  GtkSettings *gtk_settings = gtk_settings_get_default ();
  GtkWidget *title;
  int before, after, dpi = 0;

  mc_citizen_screen_reset (screen ());
  view_page ();
  mc_test_wait_for_frames (GTK_WIDGET (citizen_window ()));
  title = visible_label_with_text (GTK_WIDGET (citizen_window ()), _("Welcome"));
  g_assert_nonnull (title);
  g_object_get (gtk_settings, "gtk-xft-dpi", &dpi, NULL);
  gtk_widget_measure (title, GTK_ORIENTATION_VERTICAL, -1, NULL, &before, NULL, NULL);

  g_object_set (gtk_settings, "gtk-xft-dpi", 144 * 1024, NULL);
  mc_test_wait_for_frames (GTK_WIDGET (citizen_window ()));
  gtk_widget_measure (title, GTK_ORIENTATION_VERTICAL, -1, NULL, &after, NULL, NULL);
  capture (GTK_WIDGET (citizen_window ()), "citizen-welcome-text-150");

  g_object_set (gtk_settings, "gtk-xft-dpi", dpi > 0 ? dpi : 96 * 1024, NULL);
  mc_test_wait_for_frames (GTK_WIDGET (citizen_window ()));
  g_test_message ("title height: %d px, %d px at 150 %% text", before, after);
  g_assert_cmpfloat ((double) after / before, >, 1.35);
}

/* ---- The Guidance section ------------------------------------------------------------------ */

static McGuidancePage *
guidance_page (void)
{
  McWindow *window = mc_test_main_window ();
  GtkWidget *page;

  mc_window_show_section (window, "guidance");
  page = mc_test_find_type (GTK_WIDGET (window), MC_TYPE_GUIDANCE_PAGE);
  g_assert_nonnull (page);
  return MC_GUIDANCE_PAGE (page);
}

static void
test_guidance_section (void)
{
  McGuidancePage *page = guidance_page ();
  McProcedureCatalog *catalog = mc_services_get_procedures (mc_application_get_services (app));
  McGuideBook *book = mc_guide_book_get_shared (catalog);

  /* Every guide is listed: the general ones and one per procedure. */
  g_assert_cmpuint (mc_guidance_page_get_n_guides (page), ==, mc_guide_book_get_n_guides (book));
  g_assert_cmpuint (mc_guidance_page_get_n_guides (page), ==, 3 + mc_procedure_catalog_get_n_procedures (catalog));
  g_assert_null (mc_guidance_page_get_problems (page));

  g_assert_true (mc_guidance_page_select (page, "portal-sign-in"));
  capture_part (GTK_WIDGET (mc_test_main_window ()), GTK_WIDGET (page), "guidance-portal-sign-in");
  g_assert_true (mc_guidance_page_select (page, "procedure:1.001193"));
  capture_part (GTK_WIDGET (mc_test_main_window ()), GTK_WIDGET (page), "guidance-birth-registration");

  /* On the citizen screen, and back to the visit with the same button. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "show-guide", g_variant_new_string ("follow-filing"));
  mc_test_iterate ();
  g_assert_cmpstr (mc_citizen_screen_get_guide_id (screen ()), ==, "follow-filing");
  g_assert_cmpstr (view_page (), ==, "guide");
  capture (GTK_WIDGET (citizen_window ()), "citizen-guide-follow-filing");
  g_action_group_activate_action (G_ACTION_GROUP (app), "show-guide", g_variant_new_string ("follow-filing"));
  g_assert_null (mc_citizen_screen_get_guide_id (screen ()));
  g_assert_cmpstr (view_page (), ==, "welcome");
}

/* The ward edits a guide and makes a mistake: reloading lists it. */
static void
test_guidance_reload (void)
{
  McGuidancePage *page = guidance_page ();
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "motcua", "guides", NULL);
  g_autofree char *bad = g_build_filename (dir, "pay-fees.json", NULL);
  g_autofree char *good = g_build_filename (dir, "ward-hours.json", NULL);
  const char *problems;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  mc_test_write_file (bad, "{\"format\": 1, \"id\": \"pay-fees\", \"pictogram\": \"pay\", \"title\": \"Phí\"}");
  mc_test_write_file (good, "{\"format\": 1, \"id\": \"ward-hours\", \"pictogram\": \"portal\", "
                            "\"title\": \"Giờ làm việc của phường\", \"title_en\": \"The ward's opening hours\", "
                            "\"summary\": \"Thứ Hai đến thứ Sáu.\", \"summary_en\": \"Monday to Friday.\", "
                            "\"steps\": [{\"text\": \"Sáng từ 7 giờ 30.\", \"text_en\": \"From 7.30 in the morning.\", "
                            "\"illustration\": \"what-next.svg\"}]}");

  gtk_widget_activate_action (GTK_WIDGET (page), "guidance.reload", NULL);
  problems = mc_guidance_page_get_problems (page);
  g_assert_nonnull (problems);
  g_assert_nonnull (strstr (problems, "pay-fees.json"));
  g_assert_nonnull (strstr (problems, "title_en"));
  g_assert_true (mc_guidance_page_select (page, "ward-hours"));
  capture_part (GTK_WIDGET (mc_test_main_window ()), GTK_WIDGET (page), "guidance-reloaded-with-problem");

  g_unlink (bad);
  g_unlink (good);
  gtk_widget_activate_action (GTK_WIDGET (page), "guidance.reload", NULL);
  g_assert_null (mc_guidance_page_get_problems (page));
  g_assert_false (mc_guidance_page_select (page, "ward-hours"));
}

/* ---- Self-service mode ---------------------------------------------------------------------- */

static McSelfService *
self_service (void)
{
  return mc_application_get_self_service (app);
}

static McSelfServiceWindow *
kiosk (void)
{
  McSelfServiceWindow *window = mc_self_service_get_window (self_service ());

  g_assert_nonnull (window);
  return window;
}

static gboolean
prompt_idle (gpointer data)
{
  return !mc_pin_prompt_is_busy (data);
}

/* Types @pin into @prompt and waits for the answer. */
static void
answer_prompt (McPinPrompt *prompt,
               const char  *pin)
{
  g_object_ref (prompt);
  mc_pin_prompt_set_pin (prompt, pin);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (prompt), "pin.check", NULL));
  g_assert_true (mc_test_wait_until (prompt_idle, prompt, 20));
  mc_test_iterate ();
  g_object_unref (prompt);
}

static void
test_enter_needs_pin (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  GtkWidget *prompt;

  /* No PIN set yet: the prompt says where to set one, and nothing opens. */
  g_settings_set_string (settings (), "supervisor-pin-hash", "");
  g_action_group_activate_action (G_ACTION_GROUP (app), "self-service", NULL);
  mc_test_iterate ();
  prompt = GTK_WIDGET (mc_test_find_toplevel (MC_TYPE_PIN_PROMPT));
  g_assert_nonnull (prompt);
  g_assert_nonnull (mc_pin_prompt_get_message (MC_PIN_PROMPT (prompt)));
  capture (prompt, "self-service-no-pin");
  gtk_window_destroy (GTK_WINDOW (prompt));
  g_assert_false (mc_self_service_is_active (self_service ()));

  hash = mc_supervisor_pin_hash (PIN, &error);
  g_assert_no_error (error);
  g_settings_set_string (settings (), "supervisor-pin-hash", hash);

  g_action_group_activate_action (G_ACTION_GROUP (app), "self-service", NULL);
  mc_test_iterate ();
  prompt = GTK_WIDGET (mc_test_find_toplevel (MC_TYPE_PIN_PROMPT));
  g_assert_nonnull (prompt);
  capture (prompt, "self-service-pin");

  /* A wrong PIN is refused with a message. */
  answer_prompt (MC_PIN_PROMPT (prompt), "1111");
  g_assert_false (mc_self_service_is_active (self_service ()));
  g_assert_nonnull (mc_pin_prompt_get_message (MC_PIN_PROMPT (prompt)));
  capture (prompt, "self-service-wrong-pin");

  answer_prompt (MC_PIN_PROMPT (prompt), PIN);
  g_assert_true (mc_self_service_is_active (self_service ()));
  g_assert_null (mc_test_find_toplevel (MC_TYPE_PIN_PROMPT));
}

static void
test_locked_down (void)
{
  McWindow *window = mc_test_main_window ();
  McSelfServiceBoard *board = mc_self_service_get_board (self_service (), GTK_WINDOW (window));
  const char *actions[] = { "preferences", "quit", "about", "citizen-screen", "self-service", "show-guide" };

  g_assert_true (mc_self_service_is_active (self_service ()));

  /* No preferences: the action is off, so its shortcut does nothing. */
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_action_group_get_action_enabled (G_ACTION_GROUP (app), actions[i]))
      g_error ("app.%s is still enabled in self-service mode", actions[i]);
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  mc_test_iterate ();
  g_assert_null (mc_test_find_toplevel (MC_TYPE_PREFERENCES_WINDOW));

  /* No ledger and no visits: the clerk's window shows the board only. */
  g_assert_nonnull (board);
  g_assert_null (mc_test_find_type (GTK_WIDGET (window), MC_TYPE_STATISTICS_PAGE));
  g_assert_null (mc_test_find_type (GTK_WIDGET (window), MC_TYPE_GUIDANCE_PAGE));
  {
    g_autofree char *section = g_strdup (mc_window_get_visible_section (window));

    /* Alt+2 and Ctrl+N: their actions are off, nothing moves. */
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", "statistics");
    g_assert_cmpstr (mc_window_get_visible_section (window), ==, section);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.new-visit", NULL);
    g_assert_cmpstr (mc_window_get_visible_section (window), ==, section);
  }

  /* Neither window closes. */
  gtk_window_close (GTK_WINDOW (window));
  gtk_window_close (GTK_WINDOW (kiosk ()));
  mc_test_iterate ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (kiosk ())));

  /* The counter's citizen screen gives way to the kiosk. */
  g_assert_null (mc_citizen_desk_get_window (desk ()));

  capture_part (GTK_WIDGET (window), GTK_WIDGET (board), "self-service-board");
  g_assert_cmpint (mc_self_service_window_get_phase (kiosk ()), ==, MC_KIOSK_CHOOSE);
  capture (GTK_WIDGET (kiosk ()), "kiosk-choose");
}

static void
collect_buttons (GtkWidget *widget,
                 GPtrArray *buttons)
{
  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return;
  if (GTK_IS_BUTTON (widget) && gtk_widget_is_sensitive (widget))
    g_ptr_array_add (buttons, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_buttons (c, buttons);
}

static gboolean
kiosk_left_start (gpointer data)
{
  return mc_self_service_window_get_phase (kiosk ()) != MC_KIOSK_CHOOSE;
}

/* Every button of the kiosk is reached with Tab, and Enter works. */
static void
test_kiosk_keyboard (void)
{
  McSelfServiceWindow *k = kiosk ();
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autoptr(GHashTable) reached = g_hash_table_new (NULL, NULL);
  GtkWidget *procedure = NULL;

  g_assert_cmpint (mc_self_service_window_get_phase (k), ==, MC_KIOSK_CHOOSE);
  collect_buttons (GTK_WIDGET (k), buttons);
  /* Twelve procedures, the call button, the staff button. */
  g_assert_cmpuint (buttons->len, >=,
                    mc_procedure_catalog_get_n_procedures (mc_services_get_procedures (mc_application_get_services (app))) + 2);

  for (guint i = 0; i < 3 * buttons->len; i++)
    {
      GtkWidget *focus;

      gtk_widget_child_focus (GTK_WIDGET (k), GTK_DIR_TAB_FORWARD);
      focus = gtk_root_get_focus (GTK_ROOT (k));
      for (GtkWidget *w = focus; w; w = gtk_widget_get_parent (w))
        if (GTK_IS_BUTTON (w))
          {
            g_hash_table_add (reached, w);
            break;
          }
    }
  for (guint i = 0; i < buttons->len; i++)
    if (!g_hash_table_contains (reached, g_ptr_array_index (buttons, i)))
      g_error ("the kiosk's button “%s” cannot be reached with Tab",
               gtk_widget_get_tooltip_text (g_ptr_array_index (buttons, i)));

  /* Enter on a procedure: what to bring. */
  for (guint i = 0; i < buttons->len && procedure == NULL; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (buttons, i), "procedure-button"))
      procedure = g_ptr_array_index (buttons, i);
  g_assert_nonnull (procedure);
  gtk_widget_grab_focus (procedure);
  g_assert_true (gtk_widget_activate (procedure));
  /* A button pressed with the keyboard clicks a moment later. */
  g_assert_true (mc_test_wait_until (kiosk_left_start, NULL, 5));
  g_assert_cmpint (mc_self_service_window_get_phase (k), ==, MC_KIOSK_BRING);
  /* The way on has the focus: Enter again starts scanning. */
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (k));

    g_assert_true (GTK_IS_BUTTON (focus));
    g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (focus)), ==, _("I have them: start scanning"));
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (k), "kiosk.back", NULL));
  g_assert_cmpint (mc_self_service_window_get_phase (k), ==, MC_KIOSK_CHOOSE);
}

typedef struct {
  char *procedure;
  char *folder;
  char *code;
  char *session_json;      /* as handed off, before the counter takes it */
  gboolean had_card_dir;
} HandOff;

static void
on_hand_off (McSelfService *service,
             const char    *procedure,
             const char    *folder,
             const char    *code,
             HandOff       *h)
{
  h->procedure = g_strdup (procedure);
  h->folder = g_strdup (folder);
  h->code = g_strdup (code);
  {
    g_autofree char *json_path = g_build_filename (folder, "session.json", NULL);
    g_autofree char *card_dir = g_build_filename (folder, "giay-to-tuy-than", NULL);

    g_file_get_contents (json_path, &h->session_json, NULL, NULL);
    h->had_card_dir = g_file_test (card_dir, G_FILE_TEST_IS_DIR);
  }
}

static gboolean
kiosk_not_scanning (gpointer data)
{
  return mc_self_service_window_get_phase (kiosk ()) != MC_KIOSK_SCANNING;
}

static void
scan_now (const char *shot)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (kiosk ()), "kiosk.scan", NULL));
  if (mc_self_service_window_get_phase (kiosk ()) != MC_KIOSK_SCANNING)
    g_error ("the scan did not start: %s", mc_self_service_window_get_status (kiosk ()));
  if (shot != NULL)
    capture (GTK_WIDGET (kiosk ()), shot);
  if (!mc_test_wait_until (kiosk_not_scanning, NULL, 60))
    g_error ("the scan did not end");
  if (mc_self_service_window_get_status (kiosk ()) != NULL)
    g_error ("the scan failed: %s", mc_self_service_window_get_status (kiosk ()));
}

/* Presses Scan until the scanner (still being detected) takes it. */
static gboolean
scan_started (gpointer data)
{
  McSelfServiceWindow *k = data;

  if (mc_self_service_window_get_phase (k) == MC_KIOSK_PLACE)
    gtk_widget_activate_action (GTK_WIDGET (k), "kiosk.scan", NULL);
  return mc_self_service_window_get_phase (k) != MC_KIOSK_PLACE;
}

/* Signature certification: a paper to sign, then the ID card. */
static gboolean
folder_gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

/* The open visit of @procedure whose paper @key has pages. */
static McVisit *
find_visit_with_pages (const char *procedure,
                       const char *key)
{
  GListModel *visits = G_LIST_MODEL (mc_application_get_visits (app));

  for (guint i = 0; i < g_list_model_get_n_items (visits); i++)
    {
      g_autoptr(McVisit) visit = g_list_model_get_item (visits, i);

      if (g_str_equal (mc_visit_get_procedure (visit)->code, procedure) && mc_visit_count_pages (visit, key) > 0)
        return visit;
    }
  return NULL;
}

static gboolean
card_tried (gpointer data)
{
  return !mc_visit_session_is_reading_card (data, "giay-to-tuy-than") &&
         mc_visit_session_get_card (data, "giay-to-tuy-than") != NULL;
}

static void
test_kiosk_scan_and_hand_off (void)
{
  McSelfServiceWindow *k = kiosk ();
  HandOff h = { 0 };
  gulong id = g_signal_connect (self_service (), "hand-off", G_CALLBACK (on_hand_off), &h);
  McSelfServiceSession *session;
  McVisit *adopted;
  McReceptionPage *reception;
  McVisitView *view;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (k), "kiosk.choose", "s", "2.000884"));
  g_assert_cmpint (mc_self_service_window_get_phase (k), ==, MC_KIOSK_BRING);
  session = mc_self_service_window_get_session (k);
  g_assert_nonnull (session);
  g_assert_true (g_str_has_prefix (mc_self_service_session_get_dir (session), tmp_root));
  capture (GTK_WIDGET (k), "kiosk-what-to-bring");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (k), "kiosk.next", NULL));
  g_assert_cmpint (mc_self_service_window_get_phase (k), ==, MC_KIOSK_PLACE);
  capture (GTK_WIDGET (k), "kiosk-place-the-paper");

  /* The virtual scanner may still be being found. */
  if (!mc_test_wait_until (scan_started, k, 30))
    g_error ("the scan did not start: %s", mc_self_service_window_get_status (k));
  if (mc_self_service_window_get_phase (k) == MC_KIOSK_SCANNING)
    {
      capture (GTK_WIDGET (k), "kiosk-scanning");
      g_assert_true (mc_test_wait_until (kiosk_not_scanning, NULL, 60));
    }
  g_assert_null (mc_self_service_window_get_status (k));
  g_assert_cmpint (mc_self_service_window_get_phase (k), ==, MC_KIOSK_REVIEW);
  g_assert_cmpuint (mc_self_service_session_count_pages (session, "giay-to-ky"), ==, 1);
  capture (GTK_WIDGET (k), "kiosk-review");

  /* One more page of the same paper. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (k), "kiosk.more", NULL));
  scan_now (NULL);
  g_assert_cmpuint (mc_self_service_session_count_pages (session, "giay-to-ky"), ==, 2);

  /* The ID card: front, then back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (k), "kiosk.next", NULL));
  g_assert_cmpint (mc_self_service_window_get_phase (k), ==, MC_KIOSK_PLACE);
  g_assert_cmpint (mc_citizen_screen_get_card_side (mc_self_service_window_get_screen (k)), ==, MC_CITIZEN_CARD_FRONT);
  capture (GTK_WIDGET (k), "kiosk-place-the-card-front");
  scan_now (NULL);
  g_assert_cmpint (mc_self_service_window_get_phase (k), ==, MC_KIOSK_PLACE);
  g_assert_cmpint (mc_citizen_screen_get_card_side (mc_self_service_window_get_screen (k)), ==, MC_CITIZEN_CARD_BACK);
  capture (GTK_WIDGET (k), "kiosk-place-the-card-back");
  scan_now (NULL);
  g_assert_cmpint (mc_self_service_window_get_phase (k), ==, MC_KIOSK_REVIEW);
  g_assert_cmpuint (mc_self_service_session_count_pages (session, "giay-to-tuy-than"), ==, 2);

  /* Done: the package goes to the clerk, and stays on disk for them. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (k), "kiosk.next", NULL));
  g_assert_cmpint (mc_self_service_window_get_phase (k), ==, MC_KIOSK_READY);
  capture (GTK_WIDGET (k), "kiosk-ready");
  g_assert_cmpstr (h.procedure, ==, "2.000884");
  g_assert_nonnull (h.folder);
  g_assert_cmpuint (strlen (h.code), ==, 4);
  g_assert_nonnull (h.session_json);
  g_assert_nonnull (strstr (h.session_json, "\"handed-off\""));
  g_assert_true (h.had_card_dir);
  g_assert_cmpuint (mc_self_service_board_get_n_packages (mc_self_service_get_board (self_service (),
                                                                                    GTK_WINDOW (mc_test_main_window ()))), ==, 1);
  capture_part (GTK_WIDGET (mc_test_main_window ()),
                GTK_WIDGET (mc_self_service_get_board (self_service (), GTK_WINDOW (mc_test_main_window ()))),
                "self-service-board-package");

  /* The next citizen starts afresh; the papers become a visit at the
   * counter, every page copied, and only then is the kiosk's folder gone. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (k), "kiosk.done", NULL));
  g_assert_cmpint (mc_self_service_window_get_phase (k), ==, MC_KIOSK_CHOOSE);
  g_assert_true (mc_test_wait_until (folder_gone, h.folder, 60));
  adopted = find_visit_with_pages ("2.000884", "giay-to-tuy-than");
  g_assert_nonnull (adopted);
  g_assert_cmpuint (mc_visit_count_pages (adopted, "giay-to-tuy-than"), ==, 2);
  g_assert_cmpstr (mc_visit_get_self_service_code (adopted), ==, h.code);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (mc_visit_get_pages (adopted, "giay-to-tuy-than")), i);

      g_assert_true (g_str_has_prefix (mc_page_get_path (page), mc_visit_get_dir (adopted)));
      g_assert_true (g_file_test (mc_page_get_path (page), G_FILE_TEST_IS_REGULAR));
    }

  /* The clerk takes it up from the list: it opens as any visit does, with
   * a session of its own that reads the card the citizen scanned. */
  reception = mc_window_get_reception (mc_test_main_window ());
  mc_reception_page_open_visit (reception, adopted);
  view = MC_VISIT_VIEW (mc_reception_page_get_visit_view (reception));
  g_assert_nonnull (view);
  g_assert_true (mc_visit_view_get_visit (view) == adopted);
  g_assert_true (mc_visit_session_get_visit (mc_visit_view_get_session (view)) == adopted);
  g_assert_true (mc_test_wait_until (card_tried, mc_visit_view_get_session (view), 90));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "visit.set-aside", NULL));
  g_assert_null (mc_reception_page_get_visit_view (reception));

  g_signal_handler_disconnect (self_service (), id);
  g_free (h.procedure);
  g_free (h.folder);
  g_free (h.code);
  g_free (h.session_json);
}

static void
test_kiosk_call_clerk (void)
{
  McSelfServiceWindow *k = kiosk ();
  McSelfServiceBoard *board = mc_self_service_get_board (self_service (), GTK_WINDOW (mc_test_main_window ()));

  g_assert_false (mc_self_service_board_has_call (board));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (k), "kiosk.call-clerk", NULL));
  mc_test_iterate ();
  g_assert_true (mc_self_service_board_has_call (board));
  capture_part (GTK_WIDGET (mc_test_main_window ()), GTK_WIDGET (board), "self-service-board-call");
  capture (GTK_WIDGET (k), "kiosk-clerk-called");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (board), "board.acknowledge", NULL));
  g_assert_false (mc_self_service_board_has_call (board));
}

static gboolean
counting_down (gpointer data)
{
  return mc_self_service_window_is_counting_down (kiosk ());
}

static gboolean
back_at_start (gpointer data)
{
  return mc_self_service_window_get_phase (kiosk ()) == MC_KIOSK_CHOOSE;
}

static void
test_kiosk_timeout (void)
{
  McSelfServiceWindow *k = kiosk ();
  g_autofree char *folder = NULL;
  McSelfServiceSession *session;
  gint64 start;

  g_settings_set_uint (settings (), "self-service-timeout", 4);

  /* “I am still here” keeps the citizen's work. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (k), "kiosk.choose", "s", "1.004194"));
  g_assert_true (mc_test_wait_until (counting_down, NULL, 10));
  capture (GTK_WIDGET (k), "kiosk-countdown");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (k), "kiosk.still-here", NULL));
  g_assert_false (mc_self_service_window_is_counting_down (k));
  g_assert_cmpint (mc_self_service_window_get_phase (k), ==, MC_KIOSK_BRING);

  /* Untouched, the folder is wiped and the welcome returns. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (k), "kiosk.next", NULL));
  session = mc_self_service_window_get_session (k);
  folder = g_strdup (mc_self_service_session_get_dir (session));
  {
    g_autoptr(GError) error = NULL;
    McPageStore *store = mc_self_service_session_get_store (session, "to-khai", &error);
    g_autoptr(VipsImage) image = NULL;
    g_autoptr(McPage) page = NULL;

    /* A page as a scan leaves it. */
    g_assert_no_error (error);
    g_assert_cmpint (vips_black (&image, 100, 140, NULL), ==, 0);
    page = mc_page_store_save_image (store, image, 100, MC_SCAN_MODE_GRAY, MC_SCAN_SOURCE_FLATBED,
                                     MC_PAGE_SIDE_FRONT, &error);
    g_assert_no_error (error);
    mc_page_store_append (store, page);
  }
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
  start = g_get_monotonic_time ();
  g_assert_true (mc_test_wait_until (back_at_start, NULL, 15));
  g_test_message ("wiped after %.1f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  g_assert_null (mc_self_service_window_get_session (k));
  g_assert_false (mc_self_service_window_is_counting_down (k));
  /* Nothing of the previous citizen on the screen. */
  g_assert_null (mc_citizen_screen_get_procedure_code (mc_self_service_window_get_screen (k)));

  g_settings_reset (settings (), "self-service-timeout");
}

static void
test_leave (void)
{
  McWindow *window = mc_test_main_window ();
  McSelfServiceBoard *board = mc_self_service_get_board (self_service (), GTK_WINDOW (window));
  GtkWidget *prompt;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (board), "board.leave", NULL));
  mc_test_iterate ();
  prompt = GTK_WIDGET (mc_test_find_toplevel (MC_TYPE_PIN_PROMPT));
  g_assert_nonnull (prompt);
  capture (prompt, "self-service-leave-pin");
  answer_prompt (MC_PIN_PROMPT (prompt), PIN);

  g_assert_false (mc_self_service_is_active (self_service ()));
  g_assert_null (mc_test_find_toplevel (MC_TYPE_SELF_SERVICE_WINDOW));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "preferences"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "quit"));
  g_assert_nonnull (mc_test_find_type (GTK_WIDGET (window), MC_TYPE_STATISTICS_PAGE));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", "statistics"));
  g_assert_cmpstr (mc_window_get_visible_section (window), ==, "statistics");
  /* The citizen screen the clerk had open is back. */
  g_assert_nonnull (mc_citizen_desk_get_window (desk ()));
}

static void
test_preferences (void)
{
  GtkWindow *prefs;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  mc_test_iterate ();
  prefs = mc_test_find_toplevel (MC_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "citizens");
  /* The page of this issue; the window's own search button is libadwaita's. */
  capture_part (GTK_WIDGET (prefs),
                GTK_WIDGET (adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (prefs))),
                "preferences-citizens");
  gtk_window_destroy (prefs);
  mc_test_iterate ();
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config = NULL;
  g_autofree char *runtime = NULL;
  int ret;

  /* GTK's test backend keeps the accessible tree the test walks. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  tmp_root = mc_test_make_tmpdir ("ui-citizen");
  config = g_build_filename (tmp_root, "config", NULL);
  runtime = g_build_filename (tmp_root, "run", NULL);
  pages_dir = g_build_filename (tmp_root, "pages", NULL);
  g_mkdir_with_parents (runtime, 0700);
  g_setenv ("XDG_DATA_HOME", tmp_root, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);

  mc_test_ui_init (&argc, &argv);

  app = mc_test_app_new ();
  g_settings_set_string (settings (), "ward-code", "22333");
  g_settings_set_string (settings (), "counter-name", "Quầy 2");
  g_settings_set_string (settings (), "scanner-device", "pnm:0");
  g_application_activate (G_APPLICATION (app));
  mc_test_iterate ();
  mc_test_wait_for_frames (GTK_WIDGET (mc_test_main_window ()));

  g_test_add_func ("/citizen/window/one-monitor", test_one_monitor);
  g_test_add_func ("/citizen/window/steps", test_steps);
  g_test_add_func ("/citizen/window/text-scaling", test_text_scaling);
  g_test_add_func ("/citizen/window/qr-sizes", test_qr_sizes);
  g_test_add_func ("/citizen/window/receipt-qr-sizes", test_receipt_qr_sizes);
  g_test_add_func ("/citizen/guidance/section", test_guidance_section);
  g_test_add_func ("/citizen/guidance/reload", test_guidance_reload);
  g_test_add_func ("/citizen/self-service/enter-needs-pin", test_enter_needs_pin);
  g_test_add_func ("/citizen/self-service/locked-down", test_locked_down);
  g_test_add_func ("/citizen/self-service/keyboard", test_kiosk_keyboard);
  g_test_add_func ("/citizen/self-service/scan-and-hand-off", test_kiosk_scan_and_hand_off);
  g_test_add_func ("/citizen/self-service/call-clerk", test_kiosk_call_clerk);
  g_test_add_func ("/citizen/self-service/timeout-wipes", test_kiosk_timeout);
  g_test_add_func ("/citizen/self-service/leave", test_leave);
  g_test_add_func ("/citizen/preferences", test_preferences);

  ret = g_test_run ();

  g_application_quit (G_APPLICATION (app));
  g_clear_object (&app);
  mc_test_iterate ();
  mc_test_rm_rf (tmp_root);
  g_free (tmp_root);
  g_free (pages_dir);
  return ret;
}
