/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "mc-date.h"
#include "mc-id-reader.h"
#include "mc-id-rules.h"
#include "mc-tool.h"
#include "mc-vips.h"

/* motcua-tool read-id IMAGE… [--json]: the reader without a display, for
 * scripts, tests and the benchmark. The identity goes to standard output
 * only: this is the one place it is meant to be printed. */

static void
print_table (McIdentity *identity)
{
  GPtrArray *warnings = mc_identity_get_warnings (identity);

  printf ("%s\n", mc_card_type_get_title (mc_identity_get_card_type (identity)));
  for (McIdField f = 0; f < MC_ID_N_FIELDS; f++)
    {
      const McIdentityField *field = mc_identity_get_field (identity, f);
      g_autoptr(GString) sources = g_string_new (NULL);
      const char *value = field->value;

      /* A value no source read (an expiry computed by the renewal rule)
       * is shown too, with its warning. */
      if (field->value == NULL && !(field->flags & MC_ID_FIELD_FLAG_NO_EXPIRY))
        continue;
      if (field->flags & MC_ID_FIELD_FLAG_NO_EXPIRY)
        value = _("no expiry");
      g_string_append (sources, mc_id_source_get_title (field->source));
      for (McIdSource s = MC_ID_SOURCE_QR; s <= MC_ID_SOURCE_MANUAL; s++)
        if (field->confirmed_by & (1u << s))
          g_string_append_printf (sources, "+%s", mc_id_source_get_title (s));

      mc_tool_print_padded (mc_id_field_get_title (f), 20);
      mc_tool_print_padded (value, 44);
      mc_tool_print_padded (sources->str, 20);
      printf ("%.2f", field->confidence);
      if (field->flags & MC_ID_FIELD_FLAG_CONFLICT)
        printf ("  %s", _("conflict"));
      else if (field->flags & MC_ID_FIELD_FLAG_UNSURE)
        printf ("  %s", _("check"));
      putchar ('\n');
    }
  if (warnings->len > 0)
    {
      printf ("\n%s\n", _("Warnings:"));
      for (guint i = 0; i < warnings->len; i++)
        printf ("  • %s\n", ((McIdentityWarning *) g_ptr_array_index (warnings, i))->message);
    }
}

static gboolean
shorten_number (const GMatchInfo *match,
                GString          *out,
                gpointer          user_data)
{
  g_autofree char *number = g_match_info_fetch (match, 0);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.6g", g_ascii_strtod (number, NULL)));
  return FALSE;
}

/* json-glib writes doubles with 17 digits (0.99299999999999999); the
 * confidences are rounded to three decimals, so print them that way. */
static void
print_identity_json (McIdentity *identity)
{
  g_autoptr(JsonNode) node = mc_identity_to_json (identity);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(GRegex) long_number = g_regex_new ("(?<=: )-?[0-9]+\\.[0-9]{7,}(?=,?$)", G_REGEX_MULTILINE, 0, NULL);
  g_autofree char *text = NULL;
  g_autofree char *tidy = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  tidy = g_regex_replace_eval (long_number, text, -1, 0, 0, shorten_number, NULL, NULL);
  puts (tidy != NULL ? tidy : text);
}

static gboolean
save_crops (GPtrArray   *crops,
            const char  *dir,
            GError     **error)
{
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _("Could not create the folder “%s”"), dir);
      return FALSE;
    }
  for (guint i = 0; i < crops->len; i++)
    {
      McCardCrop *crop = g_ptr_array_index (crops, i);
      g_autofree char *name = g_strdup_printf ("%u-%s.png", i + 1,
                                               crop->side == MC_CARD_SIDE_BACK ? "back" : "front");
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (vips_image_write_to_file (crop->image, path, NULL) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("Could not write “%s”: %s"), path, vips_error_buffer ());
          vips_error_clear ();
          return FALSE;
        }
    }
  return TRUE;
}

int
mc_tool_read_id (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(McIdReader) reader = NULL;
  g_autoptr(McIdResult) result = NULL;
  g_autofree char *on = NULL;
  g_autofree char *crops_dir = NULL;
  g_auto(GStrv) files = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of a table"), NULL },
    { "on", 0, 0, G_OPTION_ARG_STRING, &on, N_("Check expiry against this day, as YYYY-MM-DD (default: today)"), N_("DATE") },
    { "crops", 0, 0, G_OPTION_ARG_FILENAME, &crops_dir, N_("Also save the straightened card sides as PNG files in this folder"), N_("DIR") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("IMAGE…") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Read a citizen’s ID card: QR code, MRZ and printed text, checked against each other.\n"
                                  "Give one glass scan with both sides, or one image per side."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (files == NULL || files[0] == NULL)
    return mc_tool_usage_error (context, _("read-id needs at least one image"));

  /* One short reading allocates and frees image-sized buffers (up to
   * ~30 MB: a page decoded, grey copies, crops, Tesseract's pictures) over
   * and over. Above 128 kB glibc maps each one fresh and unmaps it when
   * freed, so the kernel zeroes its pages again every time: a tenth of
   * the process's CPU. Kept in the heap they are reused; the memory goes
   * back when the process ends, a moment later. */
  mallopt (M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt (M_TRIM_THRESHOLD, 256 * 1024 * 1024);

  reader = mc_id_reader_new (NULL);
  if (on != NULL)
    {
      McDay day;
      GDate date;

      if (!mc_day_parse (on, &day) || day == MC_DAY_OPEN)
        {
          g_autofree char *msg = g_strdup_printf (_("“%s” is not a date written as YYYY-MM-DD"), on);
          return mc_tool_usage_error (NULL, msg);
        }
      g_date_clear (&date, 1);
      g_date_set_julian (&date, day);
      mc_id_reader_set_today (reader, &date);
    }

  for (guint i = 0; files[i] != NULL; i++)
    {
      VipsImage *image;

      if (!g_file_test (files[i], G_FILE_TEST_IS_REGULAR))
        {
          fprintf (stderr, "motcua-tool: ");
          fprintf (stderr, _("“%s” does not exist or is not a file."), files[i]);
          fputc ('\n', stderr);
          return MC_EXIT_DATA;
        }
      image = vips_image_new_from_file (files[i], "access", VIPS_ACCESS_RANDOM, NULL);
      if (image == NULL)
        {
          fprintf (stderr, "motcua-tool: ");
          fprintf (stderr, _("“%s” is not an image that can be opened (PNG, JPEG, TIFF, PNM…)."), files[i]);
          fputc ('\n', stderr);
          vips_error_clear ();
          return MC_EXIT_DATA;
        }
      g_ptr_array_add (images, image);
    }

  result = mc_id_reader_read (reader, images, NULL, &error);
  if (result == NULL)
    {
      fprintf (stderr, "motcua-tool: %s\n", error->message);
      if (g_error_matches (error, MC_ID_ERROR, MC_ID_ERROR_NO_CARD))
        return MC_EXIT_NO_CARD;
      if (g_error_matches (error, MC_ID_ERROR, MC_ID_ERROR_UNREADABLE))
        return MC_EXIT_CARD_UNREADABLE;
      if (g_error_matches (error, MC_ID_ERROR, MC_ID_ERROR_BAD_IMAGE))
        return MC_EXIT_DATA;
      return MC_EXIT_FAILURE;
    }

  if (crops_dir != NULL && !save_crops (result->crops, crops_dir, &error))
    {
      fprintf (stderr, "motcua-tool: %s\n", error->message);
      return MC_EXIT_FAILURE;
    }

  if (json)
    print_identity_json (result->identity);
  else
    print_table (result->identity);
  return MC_EXIT_OK;
}
