/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mc-error.h"
#include "mc-ledger.h"
#include "mc-ledger-bundle.h"
#include "mc-ledger-csv.h"
#include "mc-ledger-sync.h"
#include "mc-pg-ledger.h"
#include "mc-procedure-names.h"
#include "mc-report-document.h"
#include "mc-tool.h"

static const char ledger_mismatch_warning[] =
  N_("WARNING: the counts in this ledger do not match the filings recorded in it; they may have been changed outside Một Cửa, so these figures may be wrong. Run “motcua-tool ledger check”.");

/* The exit code for each way the ledger can fail; see --help. */
static int
exit_code_for (const GError *error)
{
  if (error->domain == MC_DATA_ERROR)
    return MC_EXIT_DATA;
  if (error->domain == G_IO_ERROR)
    return MC_EXIT_LEDGER_OUTPUT;
  if (error->domain != MC_LEDGER_ERROR)
    return MC_EXIT_FAILURE;

  switch ((McLedgerError) error->code)
    {
    case MC_LEDGER_ERROR_MISSING: return MC_EXIT_LEDGER_MISSING;
    case MC_LEDGER_ERROR_NOT_LEDGER: return MC_EXIT_LEDGER_NOT_LEDGER;
    case MC_LEDGER_ERROR_TOO_NEW: return MC_EXIT_LEDGER_TOO_NEW;
    case MC_LEDGER_ERROR_CORRUPT: return MC_EXIT_LEDGER_DAMAGED;
    case MC_LEDGER_ERROR_BUSY: return MC_EXIT_LEDGER_BUSY;
    case MC_LEDGER_ERROR_INVALID:
    case MC_LEDGER_ERROR_NOT_FOUND:
    case MC_LEDGER_ERROR_CONFLICT:
    case MC_LEDGER_ERROR_PIN_NOT_SET:
    case MC_LEDGER_ERROR_PIN_WRONG:
      return MC_EXIT_LEDGER_REFUSED;
    case MC_LEDGER_ERROR_BUNDLE: return MC_EXIT_LEDGER_BUNDLE;
    case MC_LEDGER_ERROR_OFFLINE:
    case MC_LEDGER_ERROR_AUTH:
      return MC_EXIT_LEDGER_SERVER;
    case MC_LEDGER_ERROR_FAILED:
    case MC_LEDGER_ERROR_READ_ONLY:
    case MC_LEDGER_ERROR_FULL:
    default:
      return MC_EXIT_LEDGER_OPEN;
    }
}

static int
fail (const GError *error)
{
  fprintf (stderr, "motcua-tool: %s\n", error->message);
  return exit_code_for (error);
}

/* The program's settings, when its schema is installed; NULL otherwise
 * (the tool then needs every value on the command line). */
static GSettings *
open_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL || !(schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)))
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

static char *
setting_or (GSettings  *settings,
            const char *key,
            const char *given)
{
  if (given != NULL)
    return g_strdup (given);
  if (settings != NULL)
    {
      g_autofree char *value = g_settings_get_string (settings, key);

      if (*value != '\0')
        return g_steal_pointer (&value);
    }
  return NULL;
}

static McLedger *
open_ledger (const char  *db,
             gboolean     create,
             GError     **error)
{
  g_autofree char *path = db ? g_strdup (db) : mc_ledger_get_default_path ();

  return mc_ledger_open (path, create, error);
}

static int
usage_with (GOptionContext *context,
            const char     *format,
            const char     *value)
{
  g_autofree char *msg = g_strdup_printf (format, value);

  return mc_tool_usage_error (context, msg);
}

/* ---- add --------------------------------------------------------------- */

static int
ledger_add (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GSettings) settings = open_settings ();
  g_autoptr(McLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL, *procedure = NULL, *channel = NULL, *receipt = NULL;
  g_autofree char *ward = NULL, *counter = NULL, *clerk = NULL, *date = NULL;
  g_autofree char *ward_code = NULL, *counter_name = NULL, *clerk_name = NULL;
  g_autofree char *uuid = NULL;
  int pages = 0;
  McFilingRecord record = MC_FILING_RECORD_INIT;
  const GOptionEntry entries[] = {
    { "procedure", 0, 0, G_OPTION_ARG_STRING, &procedure, N_("National procedure code, for example 1.001193"), N_("CODE") },
    { "channel", 0, 0, G_OPTION_ARG_STRING, &channel, N_("Where it was filed: national, provincial, residence, linked, other or paper"), N_("CH") },
    { "receipt", 0, 0, G_OPTION_ARG_STRING, &receipt, N_("The portal’s receipt code for the file"), N_("R") },
    { "pages", 0, 0, G_OPTION_ARG_INT, &pages, N_("Number of pages filed"), N_("N") },
    { "ward", 0, 0, G_OPTION_ARG_STRING, &ward, N_("Ward code (default: the program’s setting)"), N_("CODE") },
    { "counter", 0, 0, G_OPTION_ARG_STRING, &counter, N_("Counter name (default: the program’s setting)"), N_("NAME") },
    { "clerk", 0, 0, G_OPTION_ARG_STRING, &clerk, N_("Clerk account (default: the program’s setting, else the login name)"), N_("NAME") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("Day of a filing recorded late, as YYYY-MM-DD (default: today)"), N_("DATE") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Use this ledger file instead of the program’s"), N_("FILE") },
    { NULL }
  };

  context = mc_tool_option_context_new (NULL, _("Record one filing the clerk helped with (“+1”). Prints its UUID."), entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (argc > 1)
    return mc_tool_usage_error (context, _("ledger add takes no arguments besides its options"));
  if (procedure == NULL || channel == NULL)
    return mc_tool_usage_error (context, _("ledger add needs --procedure and --channel"));
  if (!mc_ledger_check_procedure_code (procedure, &error))
    return mc_tool_usage_error (context, error->message);
  if (!mc_channel_from_string (channel, &record.channel))
    return usage_with (context, _("“%s” is not a channel: use national, provincial, residence, linked, other or paper"), channel);
  if (pages < 0 || pages > 10000)
    return mc_tool_usage_error (context, _("--pages must be between 0 and 10000"));

  ward_code = setting_or (settings, "ward-code", ward);
  counter_name = setting_or (settings, "counter-name", counter);
  clerk_name = setting_or (settings, "clerk-name", clerk);
  if (clerk_name == NULL)
    clerk_name = g_strdup (g_get_user_name ());
  if (ward_code == NULL)
    return mc_tool_usage_error (context, _("No ward: pass --ward, or choose the ward when the program first starts"));
  if (counter_name == NULL)
    return mc_tool_usage_error (context, _("No counter name: pass --counter, or name the counter in the program"));

  if (date != NULL)
    {
      McDay day, today = mc_day_today ();
      GDate d;
      g_autoptr(GDateTime) at = NULL;

      if (!mc_day_parse (date, &day))
        return usage_with (context, _("“%s” is not a date written as YYYY-MM-DD"), date);
      if (day > today)
        return usage_with (context, _("%s is in the future: a filing is recorded on the day it was made"), date);
      if (day < today)
        {
          /* Midday of that day, local time: clearly inside the day. */
          g_date_clear (&d, 1);
          g_date_set_julian (&d, day);
          at = g_date_time_new_local (g_date_get_year (&d), g_date_get_month (&d), g_date_get_day (&d), 12, 0, 0);
          record.at_us = g_date_time_to_unix (at) * G_USEC_PER_SEC;
        }
    }

  record.ward_code = ward_code;
  record.counter = counter_name;
  record.clerk = clerk_name;
  record.procedure = procedure;
  record.pages = pages;
  record.receipt = receipt;
  record.source = MC_SOURCE_MANUAL;

  if (!(ledger = open_ledger (db, TRUE, &error)) ||
      !(uuid = mc_ledger_record_filing (ledger, &record, &error)))
    return fail (error);

  puts (uuid);
  return MC_EXIT_OK;
}

/* ---- report ------------------------------------------------------------ */

/* Says on stderr what the check at open found; TRUE if it found anything. */
static gboolean
warn_open_problems (McLedger *ledger)
{
  GPtrArray *problems = mc_ledger_get_open_problems (ledger);

  if (problems->len == 0)
    return FALSE;
  fprintf (stderr, "motcua-tool: %s\n", _(ledger_mismatch_warning));
  for (guint i = 0; i < problems->len; i++)
    fprintf (stderr, "motcua-tool: %s\n", (const char *) g_ptr_array_index (problems, i));
  return TRUE;
}

static void
append_padded (GString    *out,
               const char *text,
               guint       width)
{
  glong n = g_utf8_strlen (text, -1);

  g_string_append (out, text);
  for (glong i = n; i < (glong) width; i++)
    g_string_append_c (out, ' ');
}

static GBytes *
format_table (const McReport *report,
              GPtrArray      *problems)
{
  GString *out = g_string_new (NULL);
  g_autofree char *from = mc_day_format_display (report->from);
  g_autofree char *to = mc_day_format_display (report->to);
  guint key_width = 8, label_width = 10;
  gsize len;
  const char *titles[] = {
    N_("Filings by day"), N_("Filings by counter"), N_("Filings by procedure"),
    N_("Filings by portal"), N_("Filings by ward"),
  };

  if (problems->len > 0)
    g_string_append_printf (out, "%s\n\n", _(ledger_mismatch_warning));
  /* Translators: report title, first day, last day, ward or “every ward” */
  g_string_append_printf (out, _("%s, %s – %s, %s\n"), _(titles[report->by]), from, to,
                          report->unit_name ? report->unit_name : _("every ward"));
  if (report->merged_in->len > 0)
    {
      g_autofree char *names = mc_merged_units_dup_names (report->merged_in);

      g_string_append_printf (out, _("Includes the records of merged units: %s\n"), names);
    }
  g_string_append_c (out, '\n');

  for (guint i = 0; i < report->rows->len; i++)
    {
      McReportRow *row = g_ptr_array_index (report->rows, i);

      key_width = MAX (key_width, (guint) g_utf8_strlen (row->key, -1) + 2);
      label_width = MAX (label_width, (guint) g_utf8_strlen (row->label, -1) + 2);
    }
  label_width = MIN (label_width, 64);

  for (guint i = 0; i < report->rows->len; i++)
    {
      McReportRow *row = g_ptr_array_index (report->rows, i);

      append_padded (out, row->key, key_width);
      append_padded (out, row->label, label_width);
      g_string_append_printf (out, "%8" G_GUINT64_FORMAT, row->count);
      if (row->merged_in != NULL && row->merged_in->len > 0)
        {
          g_autofree char *names = mc_merged_units_dup_names (row->merged_in);

          g_string_append_printf (out, "  (+ %s)", names);
        }
      g_string_append_c (out, '\n');
    }
  append_padded (out, "", key_width);
  append_padded (out, _("Total"), label_width);
  g_string_append_printf (out, "%8" G_GUINT64_FORMAT "\n", report->total);

  len = out->len;
  return g_bytes_new_take (g_string_free (out, FALSE), len);
}

static void
add_merged (JsonBuilder *b,
            GPtrArray   *merged)
{
  json_builder_begin_array (b);
  for (guint i = 0; i < merged->len; i++)
    {
      McMergedUnit *m = g_ptr_array_index (merged, i);
      g_autofree char *until = mc_day_format (m->until);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, m->code);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, m->name);
      json_builder_set_member_name (b, "until");
      json_builder_add_string_value (b, until);
      json_builder_set_member_name (b, "into");
      json_builder_add_string_value (b, m->into_name);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* The shape the issue fixes: from, to, by, rows [{key, label, count}],
 * total; the ward asked for and the merged units are added after them. */
static GBytes *
format_json (const McReport *report,
             GPtrArray      *problems)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *data = NULL;
  char *text;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *from = mc_day_format (report->from);
  g_autofree char *to = mc_day_format (report->to);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "from");
  json_builder_add_string_value (b, from);
  json_builder_set_member_name (b, "to");
  json_builder_add_string_value (b, to);
  json_builder_set_member_name (b, "by");
  json_builder_add_string_value (b, mc_report_by_to_string (report->by));
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->rows->len; i++)
    {
      McReportRow *row = g_ptr_array_index (report->rows, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, row->key);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, row->label);
      json_builder_set_member_name (b, "count");
      json_builder_add_int_value (b, (gint64) row->count);
      if (row->merged_in != NULL)
        {
          json_builder_set_member_name (b, "merged_in");
          add_merged (b, row->merged_in);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, (gint64) report->total);
  if (report->unit_code != NULL)
    {
      json_builder_set_member_name (b, "ward");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, report->unit_code);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, report->unit_name);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "merged_in");
  add_merged (b, report->merged_in);
  /* Only when the check at open found something: the figures above may
   * be wrong. */
  if (problems->len > 0)
    {
      json_builder_set_member_name (b, "ledger_problems");
      json_builder_begin_array (b);
      for (guint i = 0; i < problems->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (problems, i));
      json_builder_end_array (b);
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  data = json_generator_to_data (gen, NULL);
  text = g_strconcat (data, "\n", NULL);
  return g_bytes_new_take (text, strlen (text));
}

static gboolean
write_output (const char  *output,
              GBytes      *bytes,
              GError     **error)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (output == NULL || g_str_equal (output, "-"))
    {
      if (fwrite (data, 1, len, stdout) != len || fflush (stdout) != 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Standard output cannot be written"));
          return FALSE;
        }
      return TRUE;
    }
  return g_file_set_contents_full (output, data, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

static guint
target_percent (void)
{
  g_autoptr(GSettings) settings = open_settings ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (settings == NULL)
    return 100;
  g_object_get (settings, "settings-schema", &schema, NULL);
  if (!g_settings_schema_has_key (schema, "online-target-percent"))
    return 100;
  return g_settings_get_uint (settings, "online-target-percent");
}

/* The monthly report as a PDF to print and sign (--format pdf). */
static int
write_report_pdf (McLedgerStore      *store,
                  McWardCatalog      *catalog,
                  McProcedureCatalog *procedures,
                  const McReportSpec *spec,
                  gboolean            damaged,
                  const char         *output)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(McReportDocument) document = NULL;
  McSummary *summary = mc_summary_build (store, catalog, procedures, spec->from, spec->to, spec->ward_code, &error);

  if (summary == NULL)
    return fail (error);
  /* The report to sign is not made from counts that do not match. */
  if (damaged)
    {
      mc_summary_free (summary);
      return MC_EXIT_LEDGER_DAMAGED;
    }
  document = mc_report_document_new (summary, target_percent ());
  if (!mc_report_document_write_pdf (document, output, &error))
    return fail (error);
  return MC_EXIT_OK;
}

static int
ledger_report (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(McLedger) ledger = NULL;
  g_autoptr(McWardCatalog) catalog = NULL;
  g_autoptr(McProcedureCatalog) procedures = NULL;
  g_autoptr(McReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL, *from_text = NULL, *to_text = NULL, *by_text = NULL;
  g_autofree char *ward = NULL, *format = NULL, *output = NULL, *server_info = NULL;
  g_autoptr(McPgLedger) server = NULL;
  g_autoptr(GPtrArray) no_problems = g_ptr_array_new ();
  McLedgerStore *store;
  GPtrArray *problems = NULL;
  gboolean damaged = FALSE;
  McReportSpec spec = { MC_DAY_OPEN, MC_DAY_OPEN, MC_REPORT_BY_PROCEDURE, NULL };
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("First day, YYYY-MM-DD (default: the first of the last day’s month)"), N_("DATE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("Last day, YYYY-MM-DD (default: today)"), N_("DATE") },
    { "by", 0, 0, G_OPTION_ARG_STRING, &by_text, N_("day, counter, procedure, channel or ward (default: procedure)"), N_("KEY") },
    { "ward", 0, 0, G_OPTION_ARG_STRING, &ward, N_("Only this ward, with the units merged into it"), N_("CODE") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("table, csv, json or pdf (default: table)"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to this file (needed for pdf)"), N_("FILE") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Use this ledger file instead of the program’s"), N_("FILE") },
    { "server", 0, 0, G_OPTION_ARG_STRING, &server_info, N_("Read the ledger server instead: every counter that pushes to it (a libpq connection string or URI)"), N_("CONNINFO") },
    { NULL }
  };

  context = mc_tool_option_context_new (NULL, _("Count filings over a period. The pdf format is the monthly report to print and sign, by procedure, portal, day and counter (--by does not apply to it)."),
                                        entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (argc > 1)
    return mc_tool_usage_error (context, _("ledger report takes no arguments besides its options"));

  if (to_text == NULL)
    spec.to = mc_day_today ();
  else if (!mc_day_parse (to_text, &spec.to))
    return usage_with (context, _("“%s” is not a date written as YYYY-MM-DD"), to_text);
  if (from_text == NULL)
    {
      GDate d;

      g_date_clear (&d, 1);
      g_date_set_julian (&d, spec.to);
      g_date_set_day (&d, 1);
      spec.from = g_date_get_julian (&d);
    }
  else if (!mc_day_parse (from_text, &spec.from))
    return usage_with (context, _("“%s” is not a date written as YYYY-MM-DD"), from_text);
  if (spec.from > spec.to)
    return mc_tool_usage_error (context, _("--from is after --to"));
  if (by_text != NULL && !mc_report_by_from_string (by_text, &spec.by))
    return usage_with (context, _("“%s” is not a breakdown: use day, counter, procedure, channel or ward"), by_text);
  if (format == NULL)
    format = g_strdup ("table");
  if (!g_str_equal (format, "table") && !g_str_equal (format, "csv") &&
      !g_str_equal (format, "json") && !g_str_equal (format, "pdf"))
    return usage_with (context, _("“%s” is not a format: use table, csv, json or pdf"), format);
  if (g_str_equal (format, "pdf") && (output == NULL || g_str_equal (output, "-")))
    return mc_tool_usage_error (context, _("The pdf format needs a file: -o FILE"));
  spec.ward_code = ward;

  catalog = mc_ward_catalog_load (&error);
  if (error != NULL)
    return fail (error);
  /* As the program: the ward's own procedure list when it is valid. */
  procedures = mc_procedure_catalog_load (NULL);
  if (server_info != NULL && db != NULL)
    return mc_tool_usage_error (context, _("--db and --server name two ledgers: give one"));
  if (server_info != NULL)
    {
      /* The server checks its own rules: there is no check at open. */
      if (!(server = mc_pg_ledger_open (server_info, &error)))
        return fail (error);
      store = MC_LEDGER_STORE (server);
      problems = no_problems;
    }
  else
    {
      if (!(ledger = open_ledger (db, FALSE, &error)))
        return fail (error);
      store = mc_ledger_get_store (ledger);
      problems = mc_ledger_get_open_problems (ledger);
      damaged = warn_open_problems (ledger);
    }

  if (g_str_equal (format, "pdf"))
    return write_report_pdf (store, catalog, procedures, &spec, damaged, output);

  if (!(report = mc_report_build (store, catalog, procedures, &spec, &error)))
    return fail (error);

  {
    g_autoptr(GBytes) bytes = NULL;

    if (g_str_equal (format, "csv"))
      bytes = mc_report_to_csv (report);
    else if (g_str_equal (format, "json"))
      bytes = format_json (report, problems);
    else
      bytes = format_table (report, problems);
    if (!write_output (output, bytes, &error))
      return fail (error);
  }
  return damaged ? MC_EXIT_LEDGER_DAMAGED : MC_EXIT_OK;
}

/* ---- export, import, check --------------------------------------------- */

static int
ledger_export (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(McLedger) ledger = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  guint64 n = 0;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Use this ledger file instead of the program’s"), N_("FILE") },
    { NULL }
  };

  context = mc_tool_option_context_new (_("FILE"), _("Write every event of the ledger to a bundle for the supervisor’s PC."), entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (argc != 2)
    return mc_tool_usage_error (context, _("ledger export needs one FILE"));

  if (!(ledger = open_ledger (db, FALSE, &error)))
    return fail (error);
  file = g_file_new_for_commandline_arg (argv[1]);
  if (!mc_ledger_bundle_export (mc_ledger_get_store (ledger), file, &n, NULL, &error))
    {
      if (error->domain == G_IO_ERROR)
        g_prefix_error (&error, _("The bundle cannot be written: "));
      return fail (error);
    }
  printf (ngettext ("Exported %llu event to %s\n", "Exported %llu events to %s\n", (gulong) MIN (n, G_MAXULONG)),
          (unsigned long long) n, argv[1]);
  return MC_EXIT_OK;
}

static int
ledger_import (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(McLedger) ledger = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  McLedgerImportResult result = { 0, 0, 0 };
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Use this ledger file instead of the program’s"), N_("FILE") },
    { NULL }
  };

  context = mc_tool_option_context_new (_("FILE"), _("Add the events of a counter’s bundle. Importing the same bundle again adds nothing."), entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (argc != 2)
    return mc_tool_usage_error (context, _("ledger import needs one FILE"));

  if (!(ledger = open_ledger (db, TRUE, &error)))
    return fail (error);
  file = g_file_new_for_commandline_arg (argv[1]);
  if (!mc_ledger_bundle_import (mc_ledger_get_store (ledger), file, &result, NULL, &error))
    return fail (error);

  /* Translators: %llu events added, then how many were there already */
  printf (_("Added %llu events; %llu were already in the ledger.\n"),
          (unsigned long long) result.n_added, (unsigned long long) result.n_present);
  return MC_EXIT_OK;
}

static int
ledger_check (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(McLedger) ledger = NULL;
  g_autoptr(McLedgerCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Use this ledger file instead of the program’s"), N_("FILE") },
    { NULL }
  };

  context = mc_tool_option_context_new (NULL, _("Check the ledger: SQLite’s own check, the links between events, and that every count matches the events."), entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (argc > 1)
    return mc_tool_usage_error (context, _("ledger check takes no arguments besides its options"));

  if (!(ledger = open_ledger (db, FALSE, &error)) ||
      !(check = mc_ledger_store_check (mc_ledger_get_store (ledger), &error)))
    return fail (error);

  printf (_("Ledger version %d: %llu events, %llu filings (%llu voided).\n"), check->schema_version,
          (unsigned long long) check->n_events, (unsigned long long) check->n_filings,
          (unsigned long long) check->n_voided);
  if (check->problems->len == 0)
    {
      puts (_("No problems found."));
      return MC_EXIT_OK;
    }
  for (guint i = 0; i < check->problems->len; i++)
    fprintf (stderr, "motcua-tool: %s\n", (const char *) g_ptr_array_index (check->problems, i));
  return MC_EXIT_LEDGER_DAMAGED;
}

/* ---- The ledger server ----------------------------------------------- */

static int
ledger_server_init (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server_info = NULL;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server_info, N_("The ledger server: a libpq connection string or URI, without the password"), N_("CONNINFO") },
    { NULL }
  };

  context = mc_tool_option_context_new (NULL, _("Create the ledger on a PostgreSQL server, or update it to this version. Needs an account that may create schemas and roles; the password comes from PGPASSFILE or a service file, never from the command line."),
                                        entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (argc > 1)
    return mc_tool_usage_error (context, _("ledger server-init takes no arguments besides its options"));
  if (server_info == NULL)
    return mc_tool_usage_error (context, _("--server is needed"));

  if (!mc_pg_ledger_server_init (server_info, &error))
    return fail (error);
  printf (_("The ledger server is ready (ledger version %d)."), MC_PG_LEDGER_SCHEMA_VERSION);
  putchar ('\n');
  return MC_EXIT_OK;
}

static void
print_sync_json (const McLedgerSyncResult *r,
                 const GError             *error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *data = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sent");
  json_builder_add_int_value (b, (gint64) r->n_sent);
  json_builder_set_member_name (b, "added");
  json_builder_add_int_value (b, (gint64) r->n_added);
  json_builder_set_member_name (b, "already_there");
  json_builder_add_int_value (b, (gint64) r->n_present);
  json_builder_set_member_name (b, "batches");
  json_builder_add_int_value (b, r->n_batches);
  json_builder_set_member_name (b, "waiting");
  json_builder_add_int_value (b, (gint64) r->n_waiting);
  if (error != NULL)
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, error->message);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  data = json_generator_to_data (gen, NULL);
  printf ("%s\n", data);
}

static int
ledger_sync (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McSqliteLedger) local = NULL;
  g_autoptr(McLedgerSync) sync = NULL;
  g_autofree char *db = NULL, *server_info = NULL, *path = NULL;
  gboolean json = FALSE, ok;
  int batch = 0;
  McLedgerSyncResult result = { 0 };
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server_info, N_("The ledger server: a libpq connection string or URI, without the password"), N_("CONNINFO") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Use this ledger file instead of the program’s"), N_("FILE") },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, N_("Events per batch (default 500)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };

  context = mc_tool_option_context_new (NULL, _("Send the events the ledger server does not have yet. Safe to repeat: what the server already holds is not counted twice."),
                                        entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (argc > 1)
    return mc_tool_usage_error (context, _("ledger sync takes no arguments besides its options"));
  if (server_info == NULL)
    return mc_tool_usage_error (context, _("--server is needed"));
  if (batch < 0)
    return mc_tool_usage_error (context, _("--batch must be a positive number"));

  path = db ? g_strdup (db) : mc_ledger_get_default_path ();
  if (!(local = mc_sqlite_ledger_open (path, MC_SQLITE_LEDGER_OPEN_EXISTING, &error)))
    return fail (error);
  sync = mc_ledger_sync_new (local, server_info);
  if (batch > 0)
    mc_ledger_sync_set_batch_size (sync, (guint) batch);

  ok = mc_ledger_sync_push (sync, NULL, &result, &error);
  if (json)
    print_sync_json (&result, error);
  else
    {
      /* What went before a failure stays sent: say it either way. */
      printf (ngettext ("Sent %llu event: %llu new, %llu already on the server.",
                        "Sent %llu events: %llu new, %llu already on the server.",
                        (gulong) MIN (result.n_sent, G_MAXULONG)),
              (unsigned long long) result.n_sent, (unsigned long long) result.n_added,
              (unsigned long long) result.n_present);
      putchar ('\n');
      printf (_("Still waiting: %llu."), (unsigned long long) result.n_waiting);
      putchar ('\n');
    }
  return ok ? MC_EXIT_OK : fail (error);
}

int
mc_tool_ledger (int    argc,
                char **argv)
{
  static const struct {
    const char *name;
    McToolCommand run;
  } subcommands[] = {
    { "add", ledger_add },
    { "report", ledger_report },
    { "export", ledger_export },
    { "import", ledger_import },
    { "check", ledger_check },
    { "sync", ledger_sync },
    { "server-init", ledger_server_init },
  };

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      FILE *out = argc < 2 ? stderr : stdout;

      fprintf (out, "%s\n", _("Usage: motcua-tool ledger add|report|export|import|check|sync|server-init [OPTION…]"));
      fprintf (out, "%s\n", _("Each subcommand has --help. The ledger is the program’s unless --db FILE names another, or --server CONNINFO a ledger server."));
      return argc < 2 ? MC_EXIT_USAGE : MC_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    if (g_str_equal (argv[1], subcommands[i].name))
      return subcommands[i].run (argc - 1, argv + 1);

  fprintf (stderr, _("motcua-tool: “%s” is not a ledger command; use add, report, export, import, check, sync or server-init"), argv[1]);
  fputc ('\n', stderr);
  return MC_EXIT_USAGE;
}
