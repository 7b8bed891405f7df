/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "mc-scanner.h"
#include "mc-tool.h"

typedef struct {
  GMainLoop    *loop;
  McScanner    *scanner;
  GPtrArray    *devices;       /* opened, with capabilities */
  guint         pending;
  GError       *error;
  GPtrArray    *skipped;       /* GError: files put aside, the batch went on */
  guint         n_pages;
  gboolean      quiet;
} ToolState;

int
mc_tool_exit_for_scan_error (const GError *error)
{
  if (error == NULL)
    return MC_EXIT_OK;
  if (error->domain == G_IO_ERROR && error->code == G_IO_ERROR_CANCELLED)
    return MC_EXIT_SCAN_OTHER;
  if (error->domain != MC_SCAN_ERROR)
    return MC_EXIT_FAILURE;

  switch ((McScanError) error->code)
    {
    case MC_SCAN_ERROR_FEEDER_EMPTY: return MC_EXIT_SCAN_FEEDER_EMPTY;
    case MC_SCAN_ERROR_JAMMED: return MC_EXIT_SCAN_JAMMED;
    case MC_SCAN_ERROR_COVER_OPEN: return MC_EXIT_SCAN_COVER_OPEN;
    case MC_SCAN_ERROR_BUSY:
    case MC_SCAN_ERROR_WARMING_UP: return MC_EXIT_SCAN_BUSY;
    case MC_SCAN_ERROR_DISCONNECTED: return MC_EXIT_SCAN_DISCONNECTED;
    case MC_SCAN_ERROR_ACCESS_DENIED: return MC_EXIT_SCAN_ACCESS_DENIED;
    case MC_SCAN_ERROR_NO_MEMORY: return MC_EXIT_SCAN_NO_MEMORY;
    case MC_SCAN_ERROR_INVALID_OPTION: return MC_EXIT_SCAN_INVALID_OPTION;
    case MC_SCAN_ERROR_NO_DEVICE: return MC_EXIT_SCAN_NO_DEVICE;
    case MC_SCAN_ERROR_STORAGE: return MC_EXIT_FAILURE;
    case MC_SCAN_ERROR_LOCKED:
    case MC_SCAN_ERROR_FAILED:
    default:
      return MC_EXIT_SCAN_OTHER;
    }
}

/* ---- devices ---------------------------------------------------------- */

static void
on_devices_changed (McScanner *scanner,
                    ToolState *state)
{
  GPtrArray *devices = mc_scanner_get_devices (scanner);

  state->pending = devices ? devices->len : 0;
  if (state->pending == 0)
    {
      g_main_loop_quit (state->loop);
      return;
    }
  for (guint i = 0; i < devices->len; i++)
    mc_scanner_open_device (scanner, mc_scan_device_get_name (g_ptr_array_index (devices, i)));
}

static void
on_device_ready (McScanner    *scanner,
                 McScanDevice *device,
                 ToolState    *state)
{
  g_ptr_array_add (state->devices, g_object_ref (device));
  if (--state->pending == 0)
    g_main_loop_quit (state->loop);
}

static void
on_device_failed (McScanner  *scanner,
                  const char *name,
                  GError     *error,
                  ToolState  *state)
{
  GPtrArray *devices = mc_scanner_get_devices (scanner);

  /* Listed but not usable: report it with what SANE said about it. */
  for (guint i = 0; devices && i < devices->len; i++)
    if (g_str_equal (mc_scan_device_get_name (g_ptr_array_index (devices, i)), name))
      g_ptr_array_add (state->devices, g_object_ref (g_ptr_array_index (devices, i)));
  fprintf (stderr, "motcua-tool: %s: %s\n", name, error->message);
  if (--state->pending == 0)
    g_main_loop_quit (state->loop);
}

static void
add_device_json (JsonBuilder  *b,
                 McScanDevice *device)
{
  g_autofree char *label = mc_scan_device_dup_label (device);
  const GArray *res = mc_scan_device_get_resolutions (device);
  double min, max, w, h;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, mc_scan_device_get_name (device));
  json_builder_set_member_name (b, "label");
  json_builder_add_string_value (b, label);
  json_builder_set_member_name (b, "vendor");
  json_builder_add_string_value (b, mc_scan_device_get_vendor (device));
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, mc_scan_device_get_model (device));
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, mc_scan_device_get_kind (device));
  json_builder_set_member_name (b, "virtual");
  json_builder_add_boolean_value (b, mc_scan_device_is_virtual (device));
  json_builder_set_member_name (b, "available");
  json_builder_add_boolean_value (b, mc_scan_device_has_capabilities (device));
  if (mc_scan_device_has_capabilities (device))
    {
      g_auto(GStrv) names = mc_scan_device_dup_source_names (device);

      json_builder_set_member_name (b, "sources");
      json_builder_begin_array (b);
      for (McScanSource s = MC_SCAN_SOURCE_FLATBED; s <= MC_SCAN_SOURCE_DUPLEX; s++)
        if (mc_scan_device_has_source (device, s))
          json_builder_add_string_value (b, mc_scan_source_to_string (s));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "source_names");
      json_builder_begin_array (b);
      for (guint i = 0; names[i]; i++)
        json_builder_add_string_value (b, names[i]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "modes");
      json_builder_begin_array (b);
      for (McScanMode m = MC_SCAN_MODE_COLOR; m <= MC_SCAN_MODE_LINEART; m++)
        if (mc_scan_device_has_mode (device, m))
          json_builder_add_string_value (b, mc_scan_mode_to_string (m));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "resolutions");
      if (mc_scan_device_get_resolution_range (device, &min, &max))
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "min");
          json_builder_add_double_value (b, min);
          json_builder_set_member_name (b, "max");
          json_builder_add_double_value (b, max);
          json_builder_end_object (b);
        }
      else
        {
          json_builder_begin_array (b);
          for (guint i = 0; i < res->len; i++)
            json_builder_add_double_value (b, g_array_index (res, double, i));
          json_builder_end_array (b);
        }
      mc_scan_device_get_max_area (device, &w, &h);
      json_builder_set_member_name (b, "max_area_mm");
      json_builder_begin_array (b);
      json_builder_add_double_value (b, w);
      json_builder_add_double_value (b, h);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

int
mc_tool_devices (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McScanner) scanner = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean json = FALSE;
  ToolState state = { 0 };
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of a table"), NULL },
    { NULL }
  };

  context = mc_tool_option_context_new (NULL, _("List the scanners SANE can see, with what each can do."), entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);

  loop = g_main_loop_new (NULL, FALSE);
  scanner = mc_scanner_new ();
  state.loop = loop;
  state.devices = devices;
  g_signal_connect (scanner, "devices-changed", G_CALLBACK (on_devices_changed), &state);
  g_signal_connect (scanner, "device-ready", G_CALLBACK (on_device_ready), &state);
  g_signal_connect (scanner, "device-failed", G_CALLBACK (on_device_failed), &state);
  mc_scanner_redetect (scanner);
  g_main_loop_run (loop);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "devices");
      json_builder_begin_array (b);
      for (guint i = 0; i < devices->len; i++)
        add_device_json (b, g_ptr_array_index (devices, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      mc_tool_print_json (root);
    }
  else if (devices->len == 0)
    puts (_("No scanner found. Check that it is switched on and connected, then run this again."));
  else
    for (guint i = 0; i < devices->len; i++)
      {
        McScanDevice *device = g_ptr_array_index (devices, i);
        g_autofree char *label = mc_scan_device_dup_label (device);
        g_autoptr(GString) caps = g_string_new (NULL);

        for (McScanSource s = MC_SCAN_SOURCE_FLATBED; s <= MC_SCAN_SOURCE_DUPLEX; s++)
          if (mc_scan_device_has_source (device, s))
            g_string_append_printf (caps, "%s%s", caps->len ? "," : "", mc_scan_source_to_string (s));
        mc_tool_print_padded (mc_scan_device_get_name (device), 12);
        mc_tool_print_padded (label, 44);
        puts (caps->str);
      }

  return devices->len > 0 ? MC_EXIT_OK : MC_EXIT_SCAN_NO_DEVICE;
}

/* ---- scan --------------------------------------------------------------- */

static void
on_page_done (McScanner *scanner,
              guint      job,
              McPage    *page,
              ToolState *state)
{
  state->n_pages++;
  if (!state->quiet)
    fprintf (stderr, _("Page %u: %s (%d × %d, %.0f dpi)\n"), state->n_pages,
             mc_page_get_basename (page), mc_page_get_width (page), mc_page_get_height (page),
             mc_page_get_dpi (page));
}

static void
on_page_skipped (McScanner *scanner,
                 guint      job,
                 GError    *error,
                 ToolState *state)
{
  g_ptr_array_add (state->skipped, g_error_copy (error));
  if (!state->quiet)
    fprintf (stderr, "motcua-tool: %s\n", error->message);
}

static void
on_job_finished (McScanner *scanner,
                 guint      job,
                 guint      n_pages,
                 ToolState *state)
{
  g_main_loop_quit (state->loop);
}

static void
on_job_failed (McScanner *scanner,
               guint      job,
               GError    *error,
               guint      n_pages,
               ToolState *state)
{
  state->error = g_error_copy (error);
  g_main_loop_quit (state->loop);
}

static gboolean
on_interrupt (gpointer user_data)
{
  ToolState *state = user_data;

  mc_scanner_cancel (state->scanner);
  return G_SOURCE_CONTINUE;
}

/* The same shape for every device: the pages, the files put aside, the
 * error that ended the job (null if none). */
static void
print_scan_json (const char      *device,
                 McPageStore     *store,
                 const ToolState *state,
                 int              status)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "device");
  json_builder_add_string_value (b, device);
  json_builder_set_member_name (b, "folder");
  json_builder_add_string_value (b, mc_page_store_get_dir (store));
  json_builder_set_member_name (b, "pages");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (store), i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, mc_page_get_path (page));
      json_builder_set_member_name (b, "width");
      json_builder_add_int_value (b, mc_page_get_width (page));
      json_builder_set_member_name (b, "height");
      json_builder_add_int_value (b, mc_page_get_height (page));
      json_builder_set_member_name (b, "dpi");
      json_builder_add_double_value (b, mc_page_get_dpi (page));
      json_builder_set_member_name (b, "mode");
      json_builder_add_string_value (b, mc_scan_mode_to_string (mc_page_get_mode (page)));
      json_builder_set_member_name (b, "source");
      json_builder_add_string_value (b, mc_scan_source_to_string (mc_page_get_source (page)));
      json_builder_set_member_name (b, "side");
      json_builder_add_string_value (b, mc_page_side_to_string (mc_page_get_side (page)));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "skipped");
  json_builder_begin_array (b);
  for (guint i = 0; i < state->skipped->len; i++)
    {
      const GError *skipped = g_ptr_array_index (state->skipped, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, skipped->message);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "error");
  if (state->error != NULL)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_int_value (b, status);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, state->error->message);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  mc_tool_print_json (root);
}

int
mc_tool_scan (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McScanner) scanner = NULL;
  g_autoptr(McPageStore) store = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(McScanJobOptions) options = NULL;
  g_autofree char *device = NULL, *source = NULL, *mode = NULL, *area = NULL;
  g_autofree char *file = NULL, *out = NULL;
  g_auto(GStrv) extra = NULL;
  g_auto(GStrv) after = NULL;
  double dpi = 0;
  gint max_pages = 0;
  gboolean json = FALSE;
  ToolState state = { 0 };
  guint sigint, sigterm;
  int status;
  const GOptionEntry entries[] = {
    { "device", 'd', 0, G_OPTION_ARG_STRING, &device, N_("SANE device name, as “motcua-tool devices” lists, or folder:DIR to take the image and PDF files in DIR"), N_("DEVICE") },
    { "source", 0, 0, G_OPTION_ARG_STRING, &source, N_("flatbed (default), adf or duplex"), N_("SOURCE") },
    { "resolution", 'r', 0, G_OPTION_ARG_DOUBLE, &dpi, N_("Resolution in dots per inch (default 300)"), N_("DPI") },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode, N_("color, gray or lineart (default color)"), N_("MODE") },
    { "area", 0, 0, G_OPTION_ARG_STRING, &area, N_("a4, a3, a5, letter, legal, id-card, glass, or WxH-mm (default glass)"), N_("AREA") },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, N_("The image a pnm device scans"), N_("PNM") },
    { "max-pages", 0, 0, G_OPTION_ARG_INT, &max_pages, N_("Stop after this many pages"), N_("N") },
    { "option", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &extra, N_("Set a device option before scanning (repeatable)"), N_("NAME=VALUE") },
    { "option-after", 0, 0, G_OPTION_ARG_STRING_ARRAY, &after, N_("Set a device option after page N, e.g. to rehearse a jam (repeatable)"), N_("N:NAME=VALUE") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Folder for page-001.png, page-002.png, …"), N_("DIR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON summary"), NULL },
    { NULL }
  };

  context = mc_tool_option_context_new (NULL,
                                        _("Scan pages into a folder, one PNG file per page, each saved as soon as it is read."),
                                        entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (argc > 1)
    return mc_tool_usage_error (context, _("scan takes no arguments besides its options"));
  if (device == NULL || out == NULL)
    return mc_tool_usage_error (context, _("scan needs --device and --out"));

  options = mc_scan_job_options_new (device);
  options->dpi = dpi > 0 ? dpi : 300;
  options->max_pages = (guint) MAX (max_pages, 0);
  options->pnm_file = g_strdup (file);
  /* One page from the glass unless the feeder is asked for. */
  options->source = MC_SCAN_SOURCE_FLATBED;
  if (source != NULL && (!mc_scan_source_from_string (source, &options->source) ||
                         options->source == MC_SCAN_SOURCE_AUTO))
    return mc_tool_usage_error (context, _("--source must be flatbed, adf or duplex"));
  if (mode != NULL && !mc_scan_mode_from_string (mode, &options->mode))
    return mc_tool_usage_error (context, _("--mode must be color, gray or lineart"));
  if (area != NULL && !mc_scan_area_parse (area, &options->area))
    return mc_tool_usage_error (context, _("--area must be a4, a3, a5, letter, legal, id-card, glass or WxH-mm"));
  for (guint i = 0; extra && extra[i]; i++)
    if (!mc_scan_job_options_add_option (options, extra[i]))
      return mc_tool_usage_error (context, _("--option takes NAME=VALUE"));
  for (guint i = 0; after && after[i]; i++)
    {
      char *colon = strchr (after[i], ':');
      g_autofree char *number = colon ? g_strndup (after[i], colon - after[i]) : NULL;
      guint64 n = 0;

      if (colon == NULL || !g_ascii_string_to_unsigned (number, 10, 0, 10000, &n, NULL) ||
          !mc_scan_job_options_add_fault (options, (guint) n, colon + 1))
        return mc_tool_usage_error (context, _("--option-after takes N:NAME=VALUE"));
    }

  store = mc_page_store_new (out, &error);
  if (store == NULL)
    {
      fprintf (stderr, "motcua-tool: %s\n", error->message);
      return MC_EXIT_FAILURE;
    }

  loop = g_main_loop_new (NULL, FALSE);
  scanner = mc_scanner_new ();
  state.loop = loop;
  state.scanner = scanner;
  state.quiet = json;
  state.skipped = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_signal_connect (scanner, "page-done", G_CALLBACK (on_page_done), &state);
  g_signal_connect (scanner, "page-skipped", G_CALLBACK (on_page_skipped), &state);
  g_signal_connect (scanner, "job-finished", G_CALLBACK (on_job_finished), &state);
  g_signal_connect (scanner, "job-failed", G_CALLBACK (on_job_failed), &state);
  sigint = g_unix_signal_add (SIGINT, on_interrupt, &state);
  sigterm = g_unix_signal_add (SIGTERM, on_interrupt, &state);

  mc_scanner_start (scanner, options, store);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  mc_page_store_flush (store, NULL);

  status = mc_tool_exit_for_scan_error (state.error);
  if (state.error != NULL)
    fprintf (stderr, "motcua-tool: %s\n", state.error->message);
  /* A batch that went on past a damaged file still says so. */
  else if (state.skipped->len > 0)
    status = MC_EXIT_IMAGE;

  if (json)
    print_scan_json (device, store, &state, status);
  else if (state.error == NULL)
    printf (ngettext ("%u page scanned into %s\n", "%u pages scanned into %s\n", state.n_pages),
            state.n_pages, mc_page_store_get_dir (store));

  g_clear_error (&state.error);
  g_ptr_array_unref (state.skipped);
  return status;
}
