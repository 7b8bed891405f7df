/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-ledger-csv.h"

static const char bom[] = "\xEF\xBB\xBF";

static void
append_field (GString    *out,
              const char *field)
{
  if (field == NULL)
    field = "";

  if (strchr ("=+-@", field[0]) != NULL && field[0] != '\0')
    {
      g_autofree char *guarded = g_strconcat ("'", field, NULL);

      append_field (out, guarded);
      return;
    }

  if (strpbrk (field, ",\"\r\n") == NULL)
    {
      g_string_append (out, field);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = field; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

void
mc_csv_append_row (GString            *out,
                   const char * const *fields)
{
  for (guint i = 0; fields[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_field (out, fields[i]);
    }
  g_string_append (out, "\r\n");
}

static GBytes *
finish (GString *out)
{
  gsize len = out->len;

  return g_bytes_new_take (g_string_free (out, FALSE), len);
}

GBytes *
mc_report_to_csv (const McReport *report)
{
  GString *out = g_string_new (bom);
  const char *key_title, *label_title;
  g_autofree char *total = NULL;
  gboolean ward = report->by == MC_REPORT_BY_WARD;

  switch (report->by)
    {
    case MC_REPORT_BY_DAY:
      key_title = _("Date (ISO)");
      label_title = _("Date");
      break;
    case MC_REPORT_BY_COUNTER:
      key_title = _("Counter key");
      label_title = _("Counter");
      break;
    case MC_REPORT_BY_PROCEDURE:
      key_title = _("Procedure code");
      label_title = _("Procedure");
      break;
    case MC_REPORT_BY_CHANNEL:
      key_title = _("Portal key");
      label_title = _("Portal");
      break;
    case MC_REPORT_BY_WARD:
    default:
      key_title = _("Ward code");
      label_title = _("Ward");
      break;
    }

  {
    const char *header[] = { key_title, label_title, _("Filings"), ward ? _("Includes merged units") : NULL, NULL };

    mc_csv_append_row (out, header);
  }

  for (guint i = 0; i < report->rows->len; i++)
    {
      McReportRow *row = g_ptr_array_index (report->rows, i);
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, row->count);
      g_autofree char *merged = ward ? mc_merged_units_dup_names (row->merged_in) : NULL;
      const char *fields[] = { row->key, row->label, count, merged, NULL };

      mc_csv_append_row (out, fields);
    }

  total = g_strdup_printf ("%" G_GUINT64_FORMAT, report->total);
  {
    const char *fields[] = { "", _("Total"), total, ward ? "" : NULL, NULL };

    mc_csv_append_row (out, fields);
  }
  return finish (out);
}

GBytes *
mc_summary_to_csv (const McSummary *summary)
{
  GString *out = g_string_new (bom);
  g_autoptr(GPtrArray) header = g_ptr_array_new ();
  guint64 totals[MC_N_CHANNELS] = { 0 };

  g_ptr_array_add (header, _("Procedure code"));
  g_ptr_array_add (header, _("Procedure"));
  for (McChannel ch = 0; ch < MC_N_CHANNELS; ch++)
    g_ptr_array_add (header, (gpointer) mc_channel_get_label (ch));
  g_ptr_array_add (header, _("Total"));
  g_ptr_array_add (header, NULL);
  mc_csv_append_row (out, (const char * const *) header->pdata);

  for (guint i = 0; i < summary->procedures->len; i++)
    {
      McSummaryProcedure *p = g_ptr_array_index (summary->procedures, i);
      g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);

      g_ptr_array_add (fields, g_strdup (p->code));
      g_ptr_array_add (fields, g_strdup (p->label));
      for (McChannel ch = 0; ch < MC_N_CHANNELS; ch++)
        {
          g_ptr_array_add (fields, g_strdup_printf ("%" G_GUINT64_FORMAT, p->by_channel[ch]));
          totals[ch] += p->by_channel[ch];
        }
      g_ptr_array_add (fields, g_strdup_printf ("%" G_GUINT64_FORMAT, p->total));
      g_ptr_array_add (fields, NULL);
      mc_csv_append_row (out, (const char * const *) fields->pdata);
    }

  {
    g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);

    g_ptr_array_add (fields, g_strdup (""));
    g_ptr_array_add (fields, g_strdup (_("Total")));
    for (McChannel ch = 0; ch < MC_N_CHANNELS; ch++)
      g_ptr_array_add (fields, g_strdup_printf ("%" G_GUINT64_FORMAT, totals[ch]));
    g_ptr_array_add (fields, g_strdup_printf ("%" G_GUINT64_FORMAT, summary->total));
    g_ptr_array_add (fields, NULL);
    mc_csv_append_row (out, (const char * const *) fields->pdata);
  }
  return finish (out);
}
