/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <vips/vips.h>

#include "mc-cleanup.h"
#include "mc-json.h"
#include "mc-searchable-pdf.h"
#include "mc-tool.h"

/* Settings when the schema is installed (or in the build tree); the
 * built-in defaults otherwise, so the tool runs from anywhere. */
GSettings *
mc_tool_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "document-resolution"))
    return NULL;
  return g_settings_new (APP_ID);
}

/* Page work runs one page per core; inside a page libvips stays on one
 * thread, and keeps no cache, so memory follows the pages in flight, not
 * the pages done. */
/* libvips says what was wrong with a damaged file as a warning; the error
 * the clerk reads already says it, in their language. */
static void
vips_warning_to_debug (const char     *log_domain,
                       GLogLevelFlags  log_level,
                       const char     *message,
                       gpointer        user_data)
{
  g_debug ("libvips: %s", message);
}

void
mc_tool_setup_page_work (void)
{
#ifdef __GLIBC__
  /* glibc raises its mmap threshold after a large block is freed, so later
   * page-sized buffers come from the heap and stay there: resident memory
   * grows to several pages' worth per thread. A fixed threshold hands page
   * buffers back to the system as soon as they are freed. */
  mallopt (M_MMAP_THRESHOLD, 1024 * 1024);
#endif
  g_log_set_handler ("VIPS", G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL, vips_warning_to_debug, NULL);
  vips_concurrency_set (1);
  vips_cache_set_max (0);
}

int
mc_tool_exit_for_error (const GError *error)
{
  if (error->domain == MC_PAGE_IMAGE_ERROR)
    return error->code == MC_PAGE_IMAGE_ERROR_WRITE ? MC_EXIT_WRITE : MC_EXIT_IMAGE;
  if (error->domain == MC_OCR_ERROR)
    return MC_EXIT_OCR;
  if (error->domain == MC_PDF_ERROR)
    switch (error->code)
      {
      case MC_PDF_ERROR_TOO_LARGE: return MC_EXIT_TOO_LARGE;
      case MC_PDF_ERROR_WRITE: return MC_EXIT_WRITE;
      case MC_PDF_ERROR_NO_PAGES: return MC_EXIT_USAGE;
      default: return MC_EXIT_FAILURE;
      }
  return MC_EXIT_FAILURE;
}

typedef struct {
  guint             n;
  guint             pending;
  McCleanupResult **results;
  GError          **errors;
} CleanState;

typedef struct {
  CleanState *state;
  guint       index;
} CleanCall;

static void
on_cleaned (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  CleanCall *call = user_data;

  call->state->results[call->index] = mc_cleanup_finish (res, &call->state->errors[call->index]);
  call->state->pending--;
  g_free (call);
}

static char *
output_base (const char *dir,
             const char *input)
{
  g_autofree char *base = g_path_get_basename (input);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_build_filename (dir, base, NULL);
}

static void
add_result_json (JsonBuilder           *b,
                 const char            *input,
                 const McCleanupResult *r,
                 const GError          *error)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "input");
  json_builder_add_string_value (b, input);
  if (r == NULL)
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, error ? error->message : "");
      json_builder_end_object (b);
      return;
    }
  mc_json_add_string_or_null (b, "output", r->output);
  json_builder_set_member_name (b, "skew");
  json_builder_add_double_value (b, r->skew);
  json_builder_set_member_name (b, "rotation");
  json_builder_add_int_value (b, r->rotation);
  json_builder_set_member_name (b, "orientation_known");
  json_builder_add_boolean_value (b, r->orientation_known);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, mc_page_kind_to_string (r->kind));
  json_builder_set_member_name (b, "blank");
  json_builder_add_boolean_value (b, r->blank);
  json_builder_set_member_name (b, "ink");
  json_builder_add_double_value (b, r->ink);
  json_builder_set_member_name (b, "trimmed");
  json_builder_add_boolean_value (b, r->trimmed);
  json_builder_set_member_name (b, "width");
  json_builder_add_int_value (b, r->width);
  json_builder_set_member_name (b, "height");
  json_builder_add_int_value (b, r->height);
  json_builder_set_member_name (b, "dpi");
  json_builder_add_int_value (b, r->dpi);
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, r->seconds);
  json_builder_end_object (b);
}

/* Prints one line (or one JSON object) per page and returns the exit status:
 * that of the first page that could not be cleaned. */
static int
print_results (CleanState  *state,
               char       **inputs,
               gboolean     json,
               gint64       start)
{
  int status = MC_EXIT_OK;

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "pages");
      json_builder_begin_array (b);
      for (guint i = 0; i < state->n; i++)
        add_result_json (b, inputs[i], state->results[i], state->errors[i]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "seconds");
      json_builder_add_double_value (b, (g_get_monotonic_time () - start) / 1e6);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      mc_tool_print_json (root);
    }
  else
    {
      mc_tool_print_padded (_("Page"), 28);
      mc_tool_print_padded (_("Skew"), 12);
      mc_tool_print_padded (_("Turned"), 8);
      mc_tool_print_padded (_("Kind"), 16);
      puts (_("Result"));
    }

  for (guint i = 0; i < state->n; i++)
    {
      McCleanupResult *r = state->results[i];
      g_autofree char *name = g_filename_display_basename (inputs[i]);

      if (r == NULL)
        {
          fprintf (stderr, "motcua-tool: %s\n", state->errors[i]->message);
          if (status == MC_EXIT_OK)
            status = mc_tool_exit_for_error (state->errors[i]);
          continue;
        }
      if (json)
        continue;
      {
        g_autofree char *skew = g_strdup_printf ("%+.2f°", r->skew);
        g_autofree char *turned = g_strdup_printf ("%d°", r->rotation);
        g_autofree char *out_name = r->output ? g_filename_display_basename (r->output) : NULL;

        mc_tool_print_padded (name, 28);
        mc_tool_print_padded (skew, 12);
        mc_tool_print_padded (turned, 8);
        mc_tool_print_padded (mc_page_kind_to_label (r->kind), 16);
        if (r->blank && r->output == NULL)
          puts (_("blank, left out"));
        else if (r->blank)
          printf (_("blank, kept as %s\n"), out_name);
        else
          puts (out_name);
      }
    }
  return status;
}

int
mc_tool_clean (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = mc_tool_settings ();
  g_autofree char *profile = NULL;
  g_autofree char *out_dir = NULL;
  g_auto(GStrv) inputs = NULL;
  gboolean json = FALSE, keep_blank = FALSE, no_orientation = FALSE;
  int dpi = 0, quality = 0, jobs = 0;
  McCleanupOptions options = { 0 };
  CleanState state = { 0 };
  gint64 start;
  int status = MC_EXIT_OK;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile, N_("“document” (default) for paperwork, “photo” for pictures"), N_("PROFILE") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_dir, N_("Folder for the cleaned pages (required)"), N_("DIR") },
    { "dpi", 0, 0, G_OPTION_ARG_INT, &dpi, N_("Output resolution (default from the settings: 200); never above the scan’s"), N_("DPI") },
    { "quality", 0, 0, G_OPTION_ARG_INT, &quality, N_("JPEG quality for grey and colour pages (default 60)"), N_("Q") },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, N_("Pages cleaned at once (default: one per processor core)"), N_("N") },
    { "keep-blank", 0, 0, G_OPTION_ARG_NONE, &keep_blank, N_("Write blank pages too (they are reported either way)"), NULL },
    { "no-orientation", 0, 0, G_OPTION_ARG_NONE, &no_orientation, N_("Do not turn pages that stand sideways or upside down"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of a table"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL, N_("IMAGE…") },
    { NULL }
  };

  context = mc_tool_option_context_new (NULL,
                                        _("Clean scanned pages: trim to the paper, straighten, turn upright, whiten the background, and choose black and white, grey or colour for each page. Blank pages are reported and, by default, left out."),
                                        entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (inputs == NULL || inputs[0] == NULL)
    return mc_tool_usage_error (context, _("clean needs at least one image"));
  if (out_dir == NULL)
    return mc_tool_usage_error (context, _("clean needs --out DIR, the folder for the cleaned pages"));
  if (profile == NULL || g_str_equal (profile, "document"))
    options.profile = MC_CLEANUP_PROFILE_DOCUMENT;
  else if (g_str_equal (profile, "photo"))
    options.profile = MC_CLEANUP_PROFILE_PHOTO;
  else
    {
      g_autofree char *msg = g_strdup_printf (_("“%s” is not a profile: use “document” or “photo”"), profile);
      return mc_tool_usage_error (NULL, msg);
    }
  if (dpi != 0 && (dpi < MC_CLEANUP_MIN_DPI || dpi > 1200))
    {
      g_autofree char *msg = g_strdup_printf (_("--dpi must be between %d and %d"), MC_CLEANUP_MIN_DPI, 1200);
      return mc_tool_usage_error (NULL, msg);
    }
  if (quality != 0 && (quality < 10 || quality > 100))
    return mc_tool_usage_error (NULL, _("--quality must be between 10 and 100"));
  if (jobs < 0 || jobs > 64)
    return mc_tool_usage_error (NULL, _("--jobs must be between 1 and 64"));

  if (g_mkdir_with_parents (out_dir, 0700) != 0)
    {
      int saved = errno;
      g_autofree char *name = g_filename_display_name (out_dir);

      fprintf (stderr, "motcua-tool: ");
      fprintf (stderr, _("The folder %s cannot be created: %s"), name, g_strerror (saved));
      fputc ('\n', stderr);
      return MC_EXIT_WRITE;
    }

  options.output_dpi = dpi ? dpi : settings ? (int) g_settings_get_uint (settings, "document-resolution") : 0;
  options.jpeg_quality = quality;
  options.keep_blank = keep_blank || (settings != NULL && !g_settings_get_boolean (settings, "drop-blank-pages"));
  if (!no_orientation)
    options.orient = mc_ocr_orient_func;

  mc_tool_setup_page_work ();
  if (jobs > 0)
    mc_cleanup_set_workers (jobs);
  start = g_get_monotonic_time ();
  state.n = g_strv_length (inputs);
  state.pending = state.n;
  state.results = g_new0 (McCleanupResult *, state.n);
  state.errors = g_new0 (GError *, state.n);
  for (guint i = 0; i < state.n; i++)
    {
      CleanCall *call = g_new0 (CleanCall, 1);
      g_autofree char *base = output_base (out_dir, inputs[i]);

      call->state = &state;
      call->index = i;
      mc_cleanup_file_async (inputs[i], 0, base, &options, NULL, on_cleaned, call);
    }
  while (state.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  status = print_results (&state, inputs, json, start);

  for (guint i = 0; i < state.n; i++)
    {
      mc_cleanup_result_free (state.results[i]);
      g_clear_error (&state.errors[i]);
    }
  g_free (state.results);
  g_free (state.errors);
  return status;
}
