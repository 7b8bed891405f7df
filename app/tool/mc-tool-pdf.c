/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib/gi18n.h>

#include "mc-cleanup.h"
#include "mc-searchable-pdf.h"
#include "mc-tool.h"

/* "5M", "5MB", "700K", "1.5M", "5000000": decimal units, as portals state
 * their limits; a limit read as 5 × 10⁶ bytes is never over a 5 MiB one. */
gboolean
mc_tool_parse_size (const char *text,
                    guint64    *bytes)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  g_autofree char *s = g_ascii_strdown (copy, -1);
  char *end = NULL;
  double value;
  double unit = 1;

  errno = 0;
  value = g_ascii_strtod (s, &end);
  if (end == s || errno != 0 || value <= 0)
    return FALSE;
  if (*end == 'k')
    unit = 1e3, end++;
  else if (*end == 'm')
    unit = 1e6, end++;
  else if (*end == 'g')
    unit = 1e9, end++;
  if (*end == 'b')
    end++;
  if (*end != '\0' || value * unit < 10000 || value * unit > 1e10)
    return FALSE;
  *bytes = (guint64) (value * unit);
  return TRUE;
}

int
mc_tool_pdf (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = mc_tool_settings ();
  g_autofree char *lang = NULL;
  g_autofree char *max_size = NULL;
  g_autofree char *output = NULL;
  g_autofree char *title = NULL;
  g_auto(GStrv) inputs = NULL;
  gboolean json = FALSE, pdfa = FALSE;
  int dpi = 0, quality = 0;
  McPdfOptions options = { 0 };
  McPdfReport report = { 0 };
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PDF file to write (required)"), N_("FILE") },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &lang, N_("Languages of the text, as Tesseract names them (default: vie)"), N_("LANG") },
    { "max-size", 0, 0, G_OPTION_ARG_STRING, &max_size, N_("Largest file allowed, for example 5M (default from the settings: the portal’s limit)"), N_("SIZE") },
    { "dpi", 0, 0, G_OPTION_ARG_INT, &dpi, N_("Largest image resolution in the PDF (default 200)"), N_("DPI") },
    { "quality", 0, 0, G_OPTION_ARG_INT, &quality, N_("JPEG quality for pages that must be encoded (default 60)"), N_("Q") },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("Title stored in the PDF"), N_("TEXT") },
    { "pdfa", 0, 0, G_OPTION_ARG_NONE, &pdfa, N_("Mark the file as PDF/A-2b (its structure follows the standard, but no validator has checked it)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of a sentence"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL, N_("IMAGE…") },
    { NULL }
  };

  context = mc_tool_option_context_new (NULL,
                                        _("Make one searchable PDF from cleaned pages: each page keeps its image and gets an invisible text layer read by Tesseract, and the file is made to fit the size limit."),
                                        entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (inputs == NULL || inputs[0] == NULL)
    return mc_tool_usage_error (context, _("pdf needs at least one image"));
  if (output == NULL)
    return mc_tool_usage_error (context, _("pdf needs -o FILE, the PDF to write"));
  if (dpi != 0 && (dpi < MC_PDF_FLOOR_DPI || dpi > 600))
    {
      g_autofree char *msg = g_strdup_printf (_("--dpi must be between %d and %d"), MC_PDF_FLOOR_DPI, 600);
      return mc_tool_usage_error (NULL, msg);
    }
  if (quality != 0 && (quality < MC_PDF_FLOOR_QUALITY || quality > 95))
    {
      g_autofree char *msg = g_strdup_printf (_("--quality must be between %d and %d"), MC_PDF_FLOOR_QUALITY, 95);
      return mc_tool_usage_error (NULL, msg);
    }
  if (max_size != NULL && !mc_tool_parse_size (max_size, &options.max_bytes))
    {
      g_autofree char *msg = g_strdup_printf (_("“%s” is not a size: write it like 5M, 700K or 2500000"), max_size);
      return mc_tool_usage_error (NULL, msg);
    }
  if (max_size == NULL)
    options.max_bytes = settings ? g_settings_get_uint (settings, "portal-file-limit-mb") * (guint64) 1000000
                                 : MC_PDF_DEFAULT_MAX_BYTES;
  options.dpi = dpi ? dpi : settings ? (int) g_settings_get_uint (settings, "document-resolution") : 0;
  options.quality = quality;
  options.languages = lang;
  options.title = title;
  options.pdfa = pdfa;

  mc_tool_setup_page_work ();
  if (!mc_searchable_pdf_write ((const char * const *) inputs, output, &options, &report, NULL, &error))
    {
      fprintf (stderr, "motcua-tool: %s\n", error->message);
      return mc_tool_exit_for_error (error);
    }

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "output");
      json_builder_add_string_value (b, output);
      json_builder_set_member_name (b, "pages");
      json_builder_add_int_value (b, report.pages);
      json_builder_set_member_name (b, "bytes");
      json_builder_add_int_value (b, (gint64) report.bytes);
      json_builder_set_member_name (b, "max_bytes");
      json_builder_add_int_value (b, (gint64) options.max_bytes);
      json_builder_set_member_name (b, "dpi");
      json_builder_add_int_value (b, report.dpi);
      json_builder_set_member_name (b, "quality");
      json_builder_add_int_value (b, report.quality);
      json_builder_set_member_name (b, "steps");
      json_builder_add_int_value (b, report.steps);
      json_builder_set_member_name (b, "passed_through");
      json_builder_add_int_value (b, report.passed_through);
      json_builder_set_member_name (b, "seconds");
      json_builder_add_double_value (b, report.seconds);
      json_builder_set_member_name (b, "ocr_seconds");
      json_builder_add_double_value (b, report.ocr_seconds);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      mc_tool_print_json (root);
    }
  else
    {
      g_autofree char *size = g_format_size (report.bytes);
      g_autofree char *name = g_filename_display_name (output);

      /* Translators: "Wrote hoso.pdf: 3 pages, 412.5 kB, in 2.1 s" */
      printf (ngettext ("Wrote %s: %u page, %s, in %.1f s\n", "Wrote %s: %u pages, %s, in %.1f s\n", report.pages),
              name, report.pages, size, report.seconds);
      if (report.steps > 0)
        printf (_("To fit the size limit the images were reduced to %d dpi, quality %d.\n"),
                report.dpi, report.quality);
    }
  return MC_EXIT_OK;
}
