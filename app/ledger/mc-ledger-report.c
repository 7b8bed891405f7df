/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-ledger-report.h"
#include "mc-procedure-names.h"

static const char * const by_names[] = { "day", "counter", "procedure", "channel", "ward" };

const char *
mc_report_by_to_string (McReportBy by)
{
  g_return_val_if_fail (by < G_N_ELEMENTS (by_names), NULL);
  return by_names[by];
}

gboolean
mc_report_by_from_string (const char *text,
                          McReportBy *out)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (by_names); i++)
    if (g_str_equal (by_names[i], text))
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

/* ---- Ward roll-up ------------------------------------------------------ */

/* What a recorded ward code stands for is constant between the days on
 * which any unit of the catalog begins or ends, so resolutions are
 * cached per code and per such period: a five-year report resolves a few
 * dozen times, not once per row. */
typedef struct {
  gboolean          done;
  const McWardUnit *recorded;   /* the unit the code named that day; NULL: unknown code */
  const McWardUnit *resolved;   /* where its records count on the report's last day */
} Resolution;

typedef struct {
  McWardCatalog *catalog;
  McDay          resolve_day;
  GArray        *bounds;        /* McDay, sorted, distinct: first days of periods */
  GHashTable    *codes;         /* code → Resolution[n_periods] */
} Rollup;

static int
compare_days (gconstpointer a,
              gconstpointer b)
{
  McDay x = *(const McDay *) a, y = *(const McDay *) b;

  return x < y ? -1 : x > y;
}

static void
rollup_init (Rollup        *r,
             McWardCatalog *catalog,
             McDay          resolve_day)
{
  r->catalog = catalog;
  r->resolve_day = resolve_day;
  r->bounds = g_array_new (FALSE, FALSE, sizeof (McDay));
  r->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < mc_ward_catalog_get_n_units (catalog); i++)
    {
      const McWardUnit *unit = mc_ward_catalog_get_unit (catalog, i);
      McDay from = mc_ward_unit_get_from (unit), until = mc_ward_unit_get_until (unit);

      if (from != MC_DAY_OPEN)
        g_array_append_val (r->bounds, from);
      if (until != MC_DAY_OPEN)
        {
          McDay next = until + 1;

          g_array_append_val (r->bounds, next);
        }
    }
  g_array_sort (r->bounds, compare_days);
  for (guint i = 1; i < r->bounds->len;)
    if (g_array_index (r->bounds, McDay, i) == g_array_index (r->bounds, McDay, i - 1))
      g_array_remove_index (r->bounds, i);
    else
      i++;
}

static void
rollup_clear (Rollup *r)
{
  g_clear_pointer (&r->bounds, g_array_unref);
  g_clear_pointer (&r->codes, g_hash_table_unref);
}

static guint
rollup_n_periods (Rollup *r)
{
  return r->bounds->len + 1;
}

static guint
rollup_period_of (Rollup *r,
                  McDay   day)
{
  guint p = 0;

  while (p < r->bounds->len && g_array_index (r->bounds, McDay, p) <= day)
    p++;
  return p;
}

static const Resolution *
rollup_resolve (Rollup     *r,
                const char *code,
                McDay       day)
{
  Resolution *table = g_hash_table_lookup (r->codes, code);
  Resolution *res;

  if (table == NULL)
    {
      table = g_new0 (Resolution, rollup_n_periods (r));
      g_hash_table_insert (r->codes, g_strdup (code), table);
    }
  res = &table[rollup_period_of (r, day)];
  if (!res->done)
    {
      res->done = TRUE;
      res->recorded = mc_ward_catalog_lookup_current (r->catalog, code, day);
      res->resolved = res->recorded ? mc_ward_catalog_resolve (r->catalog, res->recorded, r->resolve_day) : NULL;
      /* A unit that ended without a successor keeps its own records. */
      if (res->recorded != NULL && res->resolved == NULL)
        res->resolved = res->recorded;
    }
  return res;
}

/* The spans of (recorded code, days) whose records count under @target,
 * clipped to from..to. The store filters on them. */
static GArray *
rollup_spans_for (Rollup           *r,
                  const McWardUnit *target,
                  McDay             from,
                  McDay             to)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (McLedgerWardSpan));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < mc_ward_catalog_get_n_units (r->catalog); i++)
    {
      const char *code = mc_ward_unit_get_code (mc_ward_catalog_get_unit (r->catalog, i));
      guint n = rollup_n_periods (r);

      if (!g_hash_table_add (seen, (gpointer) code))
        continue;

      for (guint p = 0; p < n; p++)
        {
          McDay start = p == 0 ? 1 : g_array_index (r->bounds, McDay, p - 1);
          McDay end = p == n - 1 ? G_MAXUINT32 - 1 : g_array_index (r->bounds, McDay, p) - 1;
          const Resolution *res = rollup_resolve (r, code, p == 0 && n > 1 ? end : start);
          McLedgerWardSpan span;

          if (res->resolved != target)
            continue;
          span.ward_code = code;
          span.from = MAX (start, from);
          span.to = MIN (end, to);
          if (span.from > span.to)
            continue;
          if (spans->len > 0)
            {
              McLedgerWardSpan *last = &g_array_index (spans, McLedgerWardSpan, spans->len - 1);

              if (last->ward_code == code && last->to + 1 == span.from)
                {
                  last->to = span.to;
                  continue;
                }
            }
          g_array_append_val (spans, span);
        }
    }
  return spans;
}

/* ---- Rows -------------------------------------------------------------- */

static void
merged_unit_free (McMergedUnit *m)
{
  g_free (m->code);
  g_free (m->name);
  g_free (m->into_name);
  g_free (m);
}

static McMergedUnit *
merged_unit_new (const McWardUnit *unit,
                 const McWardUnit *into)
{
  McMergedUnit *m = g_new0 (McMergedUnit, 1);

  m->code = g_strdup (mc_ward_unit_get_code (unit));
  m->name = g_strdup (mc_ward_unit_get_name (unit));
  m->until = mc_ward_unit_get_until (unit);
  m->into_name = g_strdup (mc_ward_unit_get_name (into));
  return m;
}

static void
report_row_free (McReportRow *row)
{
  g_free (row->key);
  g_free (row->label);
  g_clear_pointer (&row->merged_in, g_ptr_array_unref);
  g_free (row);
}

static McReportRow *
report_row_new (const char *key,
                char       *label)
{
  McReportRow *row = g_new0 (McReportRow, 1);

  row->key = g_strdup (key);
  row->label = label;
  return row;
}

char *
mc_merged_units_dup_names (GPtrArray *merged_in)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; merged_in != NULL && i < merged_in->len; i++)
    {
      McMergedUnit *m = g_ptr_array_index (merged_in, i);

      if (i > 0)
        g_string_append (names, ", ");
      g_string_append (names, m->name);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* Adds @unit (merged into @into) to @list once; keeps catalog order. */
static void
note_merged (McWardCatalog     *catalog,
             GPtrArray         *list,
             GHashTable        *seen,
             const McWardUnit  *unit,
             const McWardUnit  *into)
{
  if (unit == NULL || unit == into || !g_hash_table_add (seen, (gpointer) unit))
    return;
  g_ptr_array_add (list, merged_unit_new (unit, into));
}

static guint
unit_index (McWardCatalog    *catalog,
            const McWardUnit *unit)
{
  for (guint i = 0; i < mc_ward_catalog_get_n_units (catalog); i++)
    if (mc_ward_catalog_get_unit (catalog, i) == unit)
      return i;
  return G_MAXUINT;
}

static void
sort_merged (McWardCatalog *catalog,
             GPtrArray     *list)
{
  /* Catalog order is the order people know the wards in. */
  for (guint i = 1; i < list->len; i++)
    for (guint j = i; j > 0; j--)
      {
        McMergedUnit *a = g_ptr_array_index (list, j - 1);
        McMergedUnit *b = g_ptr_array_index (list, j);
        const McWardUnit *ua = mc_ward_catalog_lookup (catalog, a->code, a->until);
        const McWardUnit *ub = mc_ward_catalog_lookup (catalog, b->code, b->until);

        if (unit_index (catalog, ua) <= unit_index (catalog, ub))
          break;
        list->pdata[j - 1] = b;
        list->pdata[j] = a;
      }
}

/* ---- Building a report ------------------------------------------------- */

typedef struct {
  McReportBy        by;
  Rollup           *rollup;
  McWardCatalog    *catalog;
  McProcedureCatalog *procedures;
  const McWardUnit *target;
  McDay             from;
  McDay             to;
  guint             total_query;     /* the query whose rows make the total */
  guint64           total;
  guint64          *days;            /* by day: from..to */
  GHashTable       *rows;            /* key → McReportRow */
  GHashTable       *row_units;       /* key → resolved McWardUnit (by ward) */
  GHashTable       *row_seen;        /* key → GHashTable of merged units seen */
  GPtrArray        *merged_in;
  GHashTable       *merged_seen;
  gboolean          name_counter_wards;  /* every counter named with its unit */
} Collect;

static McReportRow *
collect_row (Collect    *c,
             const char *key,
             char       *label)
{
  McReportRow *row = g_hash_table_lookup (c->rows, key);

  if (row == NULL)
    {
      row = report_row_new (key, label);
      g_hash_table_insert (c->rows, row->key, row);
    }
  else
    g_free (label);
  return row;
}

static void
collect_ward_row (Collect          *c,
                  const McLedgerCount *n,
                  const Resolution *res)
{
  McReportRow *row;

  if (res->resolved == NULL)
    {
      /* Translators: a ward code that is not in the ward catalog */
      row = collect_row (c, n->ward_code, g_strdup_printf (_("Unknown ward code %s"), n->ward_code));
    }
  else
    {
      const char *code = mc_ward_unit_get_code (res->resolved);

      row = collect_row (c, code, g_strdup (mc_ward_unit_get_name (res->resolved)));
      g_hash_table_insert (c->row_units, row->key, (gpointer) res->resolved);
      if (row->merged_in == NULL)
        {
          row->merged_in = g_ptr_array_new_with_free_func ((GDestroyNotify) merged_unit_free);
          g_hash_table_insert (c->row_seen, row->key, g_hash_table_new (NULL, NULL));
        }
      note_merged (c->catalog, row->merged_in, g_hash_table_lookup (c->row_seen, row->key),
                   res->recorded, res->resolved);
    }
  row->count += n->count;
}

/* A counter is named with its unit when its records came from a unit
 * since merged into another, so “Quầy 1” of Vĩnh Hải and “Quầy 1” of
 * Vĩnh Hòa stay apart in a report for Bắc Nha Trang; and always in a
 * report or summary of every ward (the city), where every ward has its
 * “Quầy 1”. */
static void
collect_counter_row (Collect             *c,
                     const McLedgerCount *n,
                     const Resolution    *res)
{
  McReportRow *row;

  if (res->recorded == NULL)
    {
      g_autofree char *key = g_strdup_printf ("%s@%s", n->counter, n->ward_code);

      row = collect_row (c, key, g_strdup_printf ("%s (%s)", n->counter, n->ward_code));
    }
  else if (res->recorded != res->resolved || c->name_counter_wards)
    {
      g_autofree char *key = g_strdup_printf ("%s@%s", n->counter, mc_ward_unit_get_id (res->recorded));

      row = collect_row (c, key, g_strdup_printf ("%s (%s)", n->counter,
                                                  mc_ward_unit_get_name (res->recorded)));
    }
  else
    row = collect_row (c, n->counter, g_strdup (n->counter));
  row->count += n->count;
}

static void
collect_count (const McLedgerCount *n,
               guint                query_index,
               gpointer             user_data)
{
  Collect *c = user_data;
  const Resolution *res = NULL;

  if (n->ward_code != NULL)
    {
      res = rollup_resolve (c->rollup, n->ward_code, n->day);
      /* The spans already hold only this unit's records; this guards
       * against a store that filters loosely. */
      if (c->target != NULL && res->resolved != c->target)
        return;
      if (res->recorded != NULL)
        note_merged (c->catalog, c->merged_in, c->merged_seen, res->recorded, res->resolved);
    }

  if (query_index == c->total_query)
    c->total += n->count;

  if (query_index == 0 && c->by == MC_REPORT_BY_WARD)
    collect_ward_row (c, n, res);
  else if (query_index == 0 && c->by == MC_REPORT_BY_DAY)
    {
      if (n->day >= c->from && n->day <= c->to)
        c->days[n->day - c->from] += n->count;
    }
  else if (c->by == MC_REPORT_BY_COUNTER)
    collect_counter_row (c, n, res);
  else if (query_index == 1 && c->by == MC_REPORT_BY_PROCEDURE)
    collect_row (c, n->procedure, mc_procedure_names_dup_label (c->procedures, n->procedure))->count += n->count;
  else if (query_index == 1 && c->by == MC_REPORT_BY_CHANNEL)
    collect_row (c, mc_channel_to_string (n->channel),
                 g_strdup (mc_channel_get_label (n->channel)))->count += n->count;
}

static int
compare_rows_by_label (gconstpointer a,
                       gconstpointer b)
{
  const McReportRow *x = *(McReportRow **) a, *y = *(McReportRow **) b;

  return g_utf8_collate (x->label, y->label);
}

static int
compare_rows_by_procedure (gconstpointer a,
                           gconstpointer b,
                           gpointer      procedures)
{
  const McReportRow *x = *(McReportRow **) a, *y = *(McReportRow **) b;

  return mc_procedure_names_compare (procedures, x->key, y->key);
}

static gboolean
check_range (McDay     from,
             McDay     to,
             GError  **error)
{
  if (from == MC_DAY_OPEN || to == MC_DAY_OPEN || from > to)
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("The report needs a first day that is not after its last day"));
      return FALSE;
    }
  /* A day per row for a century would be a mistake, not a report. */
  if (to - from > 366 * 30)
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("The report covers more than 30 years; choose a shorter period"));
      return FALSE;
    }
  return TRUE;
}

static const McWardUnit *
find_target (McWardCatalog  *catalog,
             const char     *ward_code,
             McDay           to,
             GError        **error)
{
  const McWardUnit *target = mc_ward_catalog_lookup_current (catalog, ward_code, to);

  if (target == NULL)
    {
      g_autofree char *day = mc_day_format_display (to);

      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                   _("There is no ward with code %s on %s in the ward list"), ward_code, day);
    }
  return target;
}

/* The report's rows from the counts collected, in the order of the
 * breakdown: every day, every channel, or the rows found, sorted. */
static void
fill_rows (McReport           *report,
           const McReportSpec *spec,
           McWardCatalog      *catalog,
           McProcedureCatalog *procedures,
           const guint64      *days,
           GHashTable         *rows,
           GHashTable         *row_units)
{
  if (spec->by == MC_REPORT_BY_DAY)
    {
      for (McDay d = spec->from; d <= spec->to; d++)
        {
          g_autofree char *key = mc_day_format (d);
          McReportRow *row = report_row_new (key, mc_day_format_display (d));

          row->count = days[d - spec->from];
          g_ptr_array_add (report->rows, row);
        }
    }
  else if (spec->by == MC_REPORT_BY_CHANNEL)
    {
      for (McChannel ch = 0; ch < MC_N_CHANNELS; ch++)
        {
          McReportRow *found = g_hash_table_lookup (rows, mc_channel_to_string (ch));
          McReportRow *row = report_row_new (mc_channel_to_string (ch),
                                             g_strdup (mc_channel_get_label (ch)));

          row->count = found ? found->count : 0;
          g_ptr_array_add (report->rows, row);
        }
    }
  else
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, rows);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_hash_table_iter_steal (&iter);
          g_ptr_array_add (report->rows, value);
        }
      if (spec->by == MC_REPORT_BY_PROCEDURE)
        g_ptr_array_sort_with_data (report->rows, compare_rows_by_procedure, procedures);
      else if (spec->by == MC_REPORT_BY_COUNTER)
        g_ptr_array_sort (report->rows, compare_rows_by_label);
      else
        {
          /* Wards in catalog order, unknown codes last. */
          for (guint i = 1; i < report->rows->len; i++)
            for (guint j = i; j > 0; j--)
              {
                McReportRow *a = g_ptr_array_index (report->rows, j - 1);
                McReportRow *b = g_ptr_array_index (report->rows, j);
                guint ia = unit_index (catalog, g_hash_table_lookup (row_units, a->key));
                guint ib = unit_index (catalog, g_hash_table_lookup (row_units, b->key));

                if (ia < ib || (ia == ib && g_strcmp0 (a->key, b->key) <= 0))
                  break;
                report->rows->pdata[j - 1] = b;
                report->rows->pdata[j] = a;
              }
          for (guint i = 0; i < report->rows->len; i++)
            {
              McReportRow *row = g_ptr_array_index (report->rows, i);

              if (row->merged_in != NULL)
                sort_merged (catalog, row->merged_in);
            }
        }
    }
}

McReport *
mc_report_build (McLedgerStore       *store,
                 McWardCatalog       *catalog,
                 McProcedureCatalog  *procedures,
                 const McReportSpec  *spec,
                 GError             **error)
{
  g_autoptr(McReport) report = NULL;
  g_autoptr(GArray) spans = NULL;
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(GHashTable) row_units = NULL;
  g_autoptr(GHashTable) row_seen = NULL;
  g_autoptr(GHashTable) merged_seen = NULL;
  g_autofree guint64 *days = NULL;
  McLedgerCountQuery queries[2];
  guint n_queries = 1;
  const McWardUnit *target = NULL;
  Rollup rollup;
  Collect c = { 0 };
  gboolean ok;

  g_return_val_if_fail (MC_IS_LEDGER_STORE (store), NULL);
  g_return_val_if_fail (MC_IS_WARD_CATALOG (catalog), NULL);

  if (!check_range (spec->from, spec->to, error))
    return NULL;
  if (spec->ward_code != NULL && !(target = find_target (catalog, spec->ward_code, spec->to, error)))
    return NULL;

  rollup_init (&rollup, catalog, spec->to);
  if (target != NULL)
    spans = rollup_spans_for (&rollup, target, spec->from, spec->to);

  /* Query 0 (per day and recorded ward) names the merged units and makes
   * the by-day and by-ward rows; query 1 makes the other breakdowns. */
  queries[0] = (McLedgerCountQuery) {
    spec->from, spec->to, MC_LEDGER_DIM_DAY | MC_LEDGER_DIM_WARD,
    spans ? (McLedgerWardSpan *) (void *) spans->data : NULL, spans ? spans->len : 0,
  };
  queries[1] = queries[0];
  switch (spec->by)
    {
    case MC_REPORT_BY_COUNTER:
      queries[0].group_by |= MC_LEDGER_DIM_COUNTER;
      break;
    case MC_REPORT_BY_PROCEDURE:
      queries[1].group_by = MC_LEDGER_DIM_PROCEDURE;
      n_queries = 2;
      break;
    case MC_REPORT_BY_CHANNEL:
      queries[1].group_by = MC_LEDGER_DIM_CHANNEL;
      n_queries = 2;
      break;
    case MC_REPORT_BY_DAY:
    case MC_REPORT_BY_WARD:
    default:
      break;
    }

  rows = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) report_row_free);
  row_units = g_hash_table_new (g_str_hash, g_str_equal);
  row_seen = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_hash_table_unref);
  merged_seen = g_hash_table_new (NULL, NULL);
  days = g_new0 (guint64, spec->to - spec->from + 1);

  report = g_new0 (McReport, 1);
  report->from = spec->from;
  report->to = spec->to;
  report->by = spec->by;
  report->merged_in = g_ptr_array_new_with_free_func ((GDestroyNotify) merged_unit_free);
  report->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) report_row_free);
  report->generated_at_us = g_get_real_time ();
  if (target != NULL)
    {
      report->unit_code = g_strdup (mc_ward_unit_get_code (target));
      report->unit_name = g_strdup (mc_ward_unit_get_name (target));
    }

  c.by = spec->by;
  c.rollup = &rollup;
  c.catalog = catalog;
  c.procedures = procedures;
  c.target = target;
  c.name_counter_wards = target == NULL;
  c.from = spec->from;
  c.to = spec->to;
  c.total_query = n_queries - 1;
  c.days = days;
  c.rows = rows;
  c.row_units = row_units;
  c.row_seen = row_seen;
  c.merged_in = report->merged_in;
  c.merged_seen = merged_seen;

  ok = mc_ledger_store_count (store, queries, n_queries, collect_count, &c, error);
  rollup_clear (&rollup);
  if (!ok)
    return NULL;

  report->total = c.total;
  sort_merged (catalog, report->merged_in);

  fill_rows (report, spec, catalog, procedures, days, rows, row_units);

  return g_steal_pointer (&report);
}

GArray *
mc_report_ward_spans (McWardCatalog  *catalog,
                      const char     *ward_code,
                      McDay           from,
                      McDay           to,
                      GError        **error)
{
  const McWardUnit *target;
  Rollup rollup;
  GArray *spans;

  g_return_val_if_fail (MC_IS_WARD_CATALOG (catalog), NULL);

  if (!check_range (from, to, error) || !(target = find_target (catalog, ward_code, to, error)))
    return NULL;
  rollup_init (&rollup, catalog, to);
  spans = rollup_spans_for (&rollup, target, from, to);
  rollup_clear (&rollup);
  return spans;
}

void
mc_report_free (McReport *report)
{
  if (report == NULL)
    return;
  g_free (report->unit_code);
  g_free (report->unit_name);
  g_clear_pointer (&report->merged_in, g_ptr_array_unref);
  g_clear_pointer (&report->rows, g_ptr_array_unref);
  g_free (report);
}

/* ---- Summary ----------------------------------------------------------- */

typedef struct {
  Rollup           *rollup;
  McWardCatalog    *catalog;
  McProcedureCatalog *procedures;
  const McWardUnit *target;
  McSummary        *summary;
  guint64           total_b;
  GHashTable       *counters;       /* key → McReportRow */
  GHashTable       *by_code;        /* code → McSummaryProcedure */
  GHashTable       *merged_seen;
} SummaryCollect;

static void
summary_procedure_free (McSummaryProcedure *p)
{
  g_free (p->code);
  g_free (p->label);
  g_free (p);
}

static McSummaryProcedure *
summary_procedure (SummaryCollect *c,
                   const char     *code)
{
  McSummaryProcedure *p = g_hash_table_lookup (c->by_code, code);

  if (p == NULL)
    {
      p = g_new0 (McSummaryProcedure, 1);
      p->code = g_strdup (code);
      p->label = mc_procedure_names_dup_label (c->procedures, code);
      g_hash_table_insert (c->by_code, p->code, p);
    }
  return p;
}

static void
summary_collect (const McLedgerCount *n,
                 guint                query_index,
                 gpointer             user_data)
{
  SummaryCollect *c = user_data;
  McSummary *s = c->summary;

  if (query_index == 0)
    {
      const Resolution *res = rollup_resolve (c->rollup, n->ward_code, n->day);
      Collect counter_collect = { 0 };

      if ((c->target != NULL && res->resolved != c->target) || n->day < s->from || n->day > s->to)
        return;
      if (res->recorded != NULL)
        note_merged (c->catalog, s->merged_in, c->merged_seen, res->recorded, res->resolved);
      s->total += n->count;
      g_array_index (s->by_day, guint64, n->day - s->from) += n->count;
      counter_collect.rows = c->counters;
      counter_collect.name_counter_wards = c->target == NULL;
      collect_counter_row (&counter_collect, n, res);
    }
  else
    {
      McSummaryProcedure *p = summary_procedure (c, n->procedure);

      p->by_channel[n->channel] += n->count;
      p->total += n->count;
      s->by_channel[n->channel] += n->count;
      c->total_b += n->count;
      if (mc_channel_is_online (n->channel))
        s->online += n->count;
    }
}

static int
compare_procedures (gconstpointer a,
                    gconstpointer b,
                    gpointer      procedures)
{
  const McSummaryProcedure *x = *(McSummaryProcedure **) a, *y = *(McSummaryProcedure **) b;

  return mc_procedure_names_compare (procedures, x->code, y->code);
}

McSummary *
mc_summary_build (McLedgerStore       *store,
                  McWardCatalog       *catalog,
                  McProcedureCatalog  *procedures,
                  McDay                from,
                  McDay                to,
                  const char          *ward_code,
                  GError             **error)
{
  g_autoptr(McSummary) s = NULL;
  g_autoptr(GArray) spans = NULL;
  g_autoptr(GHashTable) counters = NULL;
  g_autoptr(GHashTable) by_code = NULL;
  g_autoptr(GHashTable) merged_seen = NULL;
  McLedgerCountQuery queries[2];
  const McWardUnit *target = NULL;
  SummaryCollect c = { 0 };
  Rollup rollup;
  GHashTableIter iter;
  gpointer value;
  gboolean ok;

  g_return_val_if_fail (MC_IS_LEDGER_STORE (store), NULL);
  g_return_val_if_fail (MC_IS_WARD_CATALOG (catalog), NULL);

  if (!check_range (from, to, error))
    return NULL;
  if (ward_code != NULL && !(target = find_target (catalog, ward_code, to, error)))
    return NULL;

  rollup_init (&rollup, catalog, to);
  if (target != NULL)
    spans = rollup_spans_for (&rollup, target, from, to);

  queries[0] = (McLedgerCountQuery) {
    from, to, MC_LEDGER_DIM_DAY | MC_LEDGER_DIM_WARD | MC_LEDGER_DIM_COUNTER,
    spans ? (McLedgerWardSpan *) (void *) spans->data : NULL, spans ? spans->len : 0,
  };
  queries[1] = queries[0];
  queries[1].group_by = MC_LEDGER_DIM_PROCEDURE | MC_LEDGER_DIM_CHANNEL;

  s = g_new0 (McSummary, 1);
  s->from = from;
  s->to = to;
  s->merged_in = g_ptr_array_new_with_free_func ((GDestroyNotify) merged_unit_free);
  s->by_day = g_array_new (FALSE, TRUE, sizeof (guint64));
  g_array_set_size (s->by_day, to - from + 1);
  s->counters = g_ptr_array_new_with_free_func ((GDestroyNotify) report_row_free);
  s->procedures = g_ptr_array_new_with_free_func ((GDestroyNotify) summary_procedure_free);
  s->generated_at_us = g_get_real_time ();
  if (target != NULL)
    {
      s->unit_code = g_strdup (mc_ward_unit_get_code (target));
      s->unit_name = g_strdup (mc_ward_unit_get_name (target));
    }

  counters = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) report_row_free);
  by_code = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) summary_procedure_free);
  merged_seen = g_hash_table_new (NULL, NULL);
  c.rollup = &rollup;
  c.catalog = catalog;
  c.procedures = procedures;
  c.target = target;
  c.summary = s;
  c.counters = counters;
  c.by_code = by_code;
  c.merged_seen = merged_seen;

  /* The known procedures are always listed, as on the printed form. */
  for (guint i = 0; i < mc_procedure_names_get_n_known (procedures); i++)
    summary_procedure (&c, mc_procedure_names_get_code (procedures, i));

  ok = mc_ledger_store_count (store, queries, 2, summary_collect, &c, error);
  rollup_clear (&rollup);
  if (!ok)
    return NULL;

  /* Both queries read one snapshot, so they must agree; if they do not,
   * the summaries in the file are damaged and no figure is shown. */
  if (c.total_b != s->total)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_CORRUPT,
                   _("The ledger’s totals disagree (%llu by counter, %llu by procedure). Run “motcua-tool ledger check”."),
                   (unsigned long long) s->total, (unsigned long long) c.total_b);
      return NULL;
    }

  sort_merged (catalog, s->merged_in);

  g_hash_table_iter_init (&iter, counters);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_hash_table_iter_steal (&iter);
      g_ptr_array_add (s->counters, value);
    }
  g_ptr_array_sort (s->counters, compare_rows_by_label);

  g_hash_table_iter_init (&iter, by_code);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_hash_table_iter_steal (&iter);
      g_ptr_array_add (s->procedures, value);
    }
  g_ptr_array_sort_with_data (s->procedures, compare_procedures, procedures);

  return g_steal_pointer (&s);
}

void
mc_summary_free (McSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->unit_code);
  g_free (summary->unit_name);
  g_clear_pointer (&summary->merged_in, g_ptr_array_unref);
  g_clear_pointer (&summary->by_day, g_array_unref);
  g_clear_pointer (&summary->counters, g_ptr_array_unref);
  g_clear_pointer (&summary->procedures, g_ptr_array_unref);
  g_free (summary);
}
