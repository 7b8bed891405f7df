/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "mc-json.h"
#include "mc-ledger-bundle.h"

#define FORMAT_HEAD "motcua-ledger-bundle"
#define FORMAT_END  "motcua-ledger-bundle-end"
#define BATCH       4000
/* An event line is a few hundred bytes; anything past this is not an
 * event, and reading it whole would let one file fill the memory. */
#define MAX_LINE    (64 * 1024)

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static char *
node_to_line (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

char *
mc_ledger_event_to_json (const McLedgerEvent *e)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *at = mc_ledger_format_time (e->at_us);
  g_autofree char *day = mc_day_format (e->local_day);

  json_builder_begin_object (b);
  add_string (b, "uuid", e->uuid);
  add_string (b, "kind", mc_event_kind_to_string (e->kind));
  add_string (b, "filing", e->filing_uuid);
  add_string (b, "corrects", e->corrects_uuid);
  add_string (b, "at", at);
  add_string (b, "day", day);
  if (e->kind != MC_EVENT_STATUS)
    {
      if (e->kind == MC_EVENT_FILING)
        add_string (b, "visit", e->visit_id);
      add_string (b, "ward", e->ward_code);
      add_string (b, "counter", e->counter);
      add_string (b, "clerk", e->clerk);
      add_string (b, "procedure", e->procedure);
      add_string (b, "channel", mc_channel_to_string (e->channel));
      json_builder_set_member_name (b, "pages");
      json_builder_add_int_value (b, e->pages);
      add_string (b, "receipt", e->receipt);
    }
  if (e->kind != MC_EVENT_CORRECTION)
    add_string (b, "status", mc_filing_status_to_string (e->status));
  if (e->kind == MC_EVENT_FILING)
    add_string (b, "source", mc_source_to_string (e->source));
  if (e->kind == MC_EVENT_CORRECTION)
    {
      json_builder_set_member_name (b, "voids");
      json_builder_add_boolean_value (b, e->voids);
      add_string (b, "reason", mc_correction_reason_to_string (e->reason));
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  return node_to_line (root);
}

static JsonObject *
parse_object (const char  *line,
              JsonNode   **root_out,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, line, -1, &local_error))
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                   _("not valid JSON (%s)"), local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                           _("each line must be a JSON object"));
      return NULL;
    }
  *root_out = json_node_ref (root);
  return json_node_get_object (root);
}

/* mc_json errors speak of data files; a bundle's are about its lines. */
static gboolean
to_bundle_error (GError **error)
{
  if (error != NULL && *error != NULL && (*error)->domain != MC_LEDGER_ERROR)
    {
      (*error)->domain = MC_LEDGER_ERROR;
      (*error)->code = MC_LEDGER_ERROR_BUNDLE;
    }
  return FALSE;
}

McLedgerEvent *
mc_ledger_event_from_json (const char  *line,
                           GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(McLedgerEvent) e = g_new0 (McLedgerEvent, 1);
  JsonObject *obj;
  const char *uuid, *kind, *filing, *corrects = NULL, *at, *day;
  const char *visit = NULL, *ward = NULL, *counter = NULL, *clerk = NULL, *procedure = NULL;
  const char *channel = NULL, *receipt = NULL, *status = NULL, *source = NULL, *reason = NULL;
  gint64 pages = 0;
  gboolean voids = FALSE;
  const char *where = _("event");

  if (!(obj = parse_object (line, &root, error)))
    return NULL;

  if (!mc_json_get_string (obj, where, "uuid", TRUE, &uuid, error) ||
      !mc_json_get_string (obj, where, "kind", TRUE, &kind, error) ||
      !mc_json_get_string (obj, where, "filing", TRUE, &filing, error) ||
      !mc_json_get_string (obj, where, "corrects", FALSE, &corrects, error) ||
      !mc_json_get_string (obj, where, "at", TRUE, &at, error) ||
      !mc_json_get_string (obj, where, "day", TRUE, &day, error) ||
      !mc_json_get_string (obj, where, "status", FALSE, &status, error))
    return to_bundle_error (error), NULL;

  if (!mc_event_kind_from_string (kind, &e->kind))
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE, _("unknown kind of event “%s”"), kind);
      return NULL;
    }
  if (!mc_ledger_parse_time (at, &e->at_us) || !mc_day_parse (day, &e->local_day))
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                           _("the time or the day is not written as the ledger writes them"));
      return NULL;
    }

  if (e->kind != MC_EVENT_STATUS &&
      (!mc_json_get_string (obj, where, "visit", FALSE, &visit, error) ||
       !mc_json_get_string (obj, where, "ward", TRUE, &ward, error) ||
       !mc_json_get_string (obj, where, "counter", TRUE, &counter, error) ||
       !mc_json_get_string (obj, where, "clerk", TRUE, &clerk, error) ||
       !mc_json_get_string (obj, where, "procedure", TRUE, &procedure, error) ||
       !mc_json_get_string (obj, where, "channel", TRUE, &channel, error) ||
       !mc_json_get_int (obj, where, "pages", TRUE, &pages, error) ||
       !mc_json_get_string (obj, where, "receipt", FALSE, &receipt, error)))
    return to_bundle_error (error), NULL;
  if (e->kind == MC_EVENT_FILING &&
      !mc_json_get_string (obj, where, "source", TRUE, &source, error))
    return to_bundle_error (error), NULL;
  if (e->kind == MC_EVENT_CORRECTION &&
      (!mc_json_get_bool (obj, where, "voids", TRUE, &voids, error) ||
       !mc_json_get_string (obj, where, "reason", TRUE, &reason, error)))
    return to_bundle_error (error), NULL;

  if ((channel && !mc_channel_from_string (channel, &e->channel)) ||
      (status && !mc_filing_status_from_string (status, &e->status)) ||
      (source && !mc_source_from_string (source, &e->source)) ||
      (reason && !mc_correction_reason_from_string (reason, &e->reason)) ||
      (e->kind != MC_EVENT_CORRECTION && status == NULL) ||
      pages < 0 || pages > 10000)
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                           _("a portal, status, source, reason or number of pages is not one the ledger knows"));
      return NULL;
    }

  e->uuid = g_strdup (uuid);
  e->filing_uuid = g_strdup (filing);
  e->corrects_uuid = g_strdup (corrects);
  e->visit_id = g_strdup (visit);
  e->ward_code = g_strdup (ward);
  e->counter = g_strdup (counter);
  e->clerk = g_strdup (clerk);
  e->procedure = g_strdup (procedure);
  e->receipt = g_strdup (receipt);
  e->pages = (int) pages;
  e->voids = voids;

  if (!mc_ledger_event_validate (e, error))
    return to_bundle_error (error), NULL;
  return g_steal_pointer (&e);
}

/* ---- Export ------------------------------------------------------------ */

typedef struct {
  GOutputStream *out;
  GCancellable  *cancellable;
  guint64        n;
} ExportState;

static gboolean
write_line (GOutputStream  *out,
            const char     *line,
            GCancellable   *cancellable,
            GError        **error)
{
  return g_output_stream_write_all (out, line, strlen (line), NULL, cancellable, error) &&
         g_output_stream_write_all (out, "\n", 1, NULL, cancellable, error);
}

static gboolean
export_event (const McLedgerEvent  *event,
              gpointer              user_data,
              GError              **error)
{
  ExportState *state = user_data;
  g_autofree char *line = mc_ledger_event_to_json (event);

  state->n++;
  return write_line (state->out, line, state->cancellable, error);
}

gboolean
mc_ledger_bundle_export (McLedgerStore  *store,
                         GFile          *file,
                         guint64        *n_events,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_autoptr(GFileOutputStream) file_out = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) head = NULL;
  g_autoptr(JsonNode) end = NULL;
  g_autofree char *now = mc_ledger_format_time (g_get_real_time ());
  g_autofree char *head_line = NULL;
  g_autofree char *end_line = NULL;
  ExportState state = { NULL, cancellable, 0 };

  /* g_file_replace writes a temporary file and renames it on close: an
   * interrupted export leaves the previous bundle, not half of one. */
  file_out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, cancellable, error);
  if (file_out == NULL)
    return FALSE;
  out = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (file_out), 256 * 1024);
  state.out = out;

  json_builder_begin_object (b);
  add_string (b, "format", FORMAT_HEAD);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, MC_LEDGER_BUNDLE_VERSION);
  add_string (b, "exported_at", now);
  json_builder_end_object (b);
  head = json_builder_get_root (b);
  head_line = node_to_line (head);

  if (!write_line (out, head_line, cancellable, error) ||
      !mc_ledger_store_foreach_event (store, export_event, &state, error))
    {
      g_autoptr(GCancellable) abandon = g_cancellable_new ();

      /* Closing a cancelled replace keeps the old file. */
      g_cancellable_cancel (abandon);
      g_output_stream_close (out, abandon, NULL);
      return FALSE;
    }

  json_builder_reset (b);
  json_builder_begin_object (b);
  add_string (b, "format", FORMAT_END);
  json_builder_set_member_name (b, "events");
  json_builder_add_int_value (b, (gint64) state.n);
  json_builder_end_object (b);
  end = json_builder_get_root (b);
  end_line = node_to_line (end);

  if (!write_line (out, end_line, cancellable, error) ||
      !g_output_stream_close (out, cancellable, error))
    return FALSE;

  if (n_events != NULL)
    *n_events = state.n;
  return TRUE;
}

/* ---- Import ------------------------------------------------------------ */

typedef gboolean (*LineFunc) (McLedgerEvent  *event,
                              gpointer        user_data,
                              GError        **error);

/* The next line of @in, without its newline, or NULL at the end. A line
 * longer than MAX_LINE is not read further: *too_long is set and NULL
 * returned. The buffer of @in must hold more than MAX_LINE bytes. */
static char *
read_line_bounded (GBufferedInputStream  *in,
                   gsize                 *len,
                   gboolean              *too_long,
                   GCancellable          *cancellable,
                   GError               **error)
{
  gsize scanned = 0, available;
  const char *data;
  const char *newline = NULL;
  gboolean at_end = FALSE;
  char *line;

  *too_long = FALSE;
  for (;;)
    {
      gssize got;

      data = g_buffered_input_stream_peek_buffer (in, &available);
      newline = memchr (data + scanned, '\n', MIN (available, MAX_LINE + 1) - scanned);
      scanned = MIN (available, MAX_LINE + 1);
      if (newline != NULL || scanned > MAX_LINE || at_end)
        break;
      got = g_buffered_input_stream_fill (in, -1, cancellable, error);
      if (got < 0)
        return NULL;
      at_end = got == 0;
    }

  if (newline == NULL && available > MAX_LINE)
    {
      *too_long = TRUE;
      return NULL;
    }
  if (newline == NULL && available == 0)
    return NULL;

  *len = newline != NULL ? (gsize) (newline - data) : available;
  /* Copied as is: a NUL byte inside is seen by the caller's strlen (). */
  line = g_malloc (*len + 1);
  memcpy (line, data, *len);
  line[*len] = '\0';
  if (!g_input_stream_skip (G_INPUT_STREAM (in), *len + (newline != NULL), cancellable, error))
    g_clear_pointer (&line, g_free);
  return line;
}

/* The bundle's head (line 1) and end lines: checked, and *handled set.
 * Any other line is left to be read as an event. */
static gboolean
read_format_line (const char  *line,
                  const char  *origin,
                  guint64      line_no,
                  guint64      n,
                  gboolean    *handled,
                  gboolean    *ended,
                  GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *obj = parse_object (line, &root, &local_error);
  const char *format = NULL;
  gint64 value = 0;

  *handled = FALSE;
  if (obj == NULL ||
      !mc_json_get_string (obj, origin, "format", line_no == 1, &format, &local_error))
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                   _("%s, line %llu: this is not a ledger bundle (%s)"),
                   origin, (unsigned long long) line_no, local_error->message);
      return FALSE;
    }
  if (line_no == 1)
    {
      if (g_strcmp0 (format, FORMAT_HEAD) != 0 ||
          !mc_json_get_int (obj, origin, "version", TRUE, &value, NULL))
        {
          g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                       _("%s is not a ledger bundle: its first line does not say so"), origin);
          return FALSE;
        }
      if (value != MC_LEDGER_BUNDLE_VERSION)
        {
          g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                       _("%s is a bundle of version %lld; this program reads version %d"),
                       origin, (long long) value, MC_LEDGER_BUNDLE_VERSION);
          return FALSE;
        }
      *handled = TRUE;
      return TRUE;
    }
  if (g_strcmp0 (format, FORMAT_END) == 0)
    {
      if (!mc_json_get_int (obj, origin, "events", TRUE, &value, NULL) || value < 0 ||
          (guint64) value != n)
        {
          g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                       _("%s is damaged: it should hold %lld events but holds %llu"),
                       origin, (long long) value, (unsigned long long) n);
          return FALSE;
        }
      *ended = TRUE;
      *handled = TRUE;
      return TRUE;
    }
  /* A line that merely mentions “format” is an event: fall through. */
  return TRUE;
}

/* Reads the bundle, checking its frame and every line; hands each event
 * to @func (which takes it). */
static gboolean
read_bundle (GFile         *file,
             LineFunc       func,
             gpointer       user_data,
             guint64       *n_events,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFileInputStream) file_in = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autofree char *origin = g_file_get_parse_name (file);
  g_autoptr(GError) local_error = NULL;
  guint64 line_no = 0, n = 0;
  gboolean ended = FALSE;

  if (!(file_in = g_file_read (file, cancellable, &local_error)))
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                   _("The bundle %s cannot be read: %s"), origin, local_error->message);
      return FALSE;
    }
  in = g_buffered_input_stream_new_sized (G_INPUT_STREAM (file_in), 4 * MAX_LINE);

  for (;;)
    {
      g_autofree char *line = NULL;
      gsize len = 0;
      gboolean too_long = FALSE;

      line = read_line_bounded (G_BUFFERED_INPUT_STREAM (in), &len, &too_long, cancellable, &local_error);
      if (local_error != NULL)
        {
          g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                       _("The bundle %s cannot be read: %s"), origin, local_error->message);
          return FALSE;
        }
      if (too_long)
        {
          g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                       _("%s, line %llu is longer than %d KiB: this is not a ledger bundle, or it is damaged. Nothing was imported."),
                       origin, (unsigned long long) line_no + 1, MAX_LINE / 1024);
          return FALSE;
        }
      if (line == NULL)
        break;
      line_no++;

      if (ended)
        {
          g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                       _("%s, line %llu: there is more after the end of the bundle"),
                       origin, (unsigned long long) line_no);
          return FALSE;
        }
      if (strlen (line) != len || !g_utf8_validate (line, len, NULL))
        {
          g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                       _("%s, line %llu: not UTF-8 text"), origin, (unsigned long long) line_no);
          return FALSE;
        }

      if (line_no == 1 || strstr (line, "\"format\"") != NULL)
        {
          gboolean handled = FALSE;

          if (!read_format_line (line, origin, line_no, n, &handled, &ended, error))
            return FALSE;
          if (handled)
            continue;
        }

      {
        McLedgerEvent *event = mc_ledger_event_from_json (line, &local_error);

        if (event == NULL)
          {
            g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                         _("%s, line %llu: %s. Nothing was imported."),
                         origin, (unsigned long long) line_no, local_error->message);
            return FALSE;
          }
        n++;
        if (!func (event, user_data, error))
          {
            g_prefix_error (error, _("%s, line %llu: "), origin, (unsigned long long) line_no);
            return FALSE;
          }
      }
    }

  if (line_no == 0)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                   _("%s is empty: it is not a ledger bundle"), origin);
      return FALSE;
    }
  if (!ended)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                   _("%s is incomplete: its last line is missing, so it was cut short. Export it again. Nothing was imported."),
                   origin);
      return FALSE;
    }
  *n_events = n;
  return TRUE;
}

typedef struct {
  GHashTable *seen;      /* UUIDs in the bundle so far */
} CheckState;

static gboolean
check_event (McLedgerEvent  *event,
             gpointer        user_data,
             GError        **error)
{
  CheckState *state = user_data;
  gboolean fresh = g_hash_table_add (state->seen, g_strdup (event->uuid));

  mc_ledger_event_free (event);
  if (!fresh)
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_BUNDLE,
                           _("the same event appears twice. Nothing was imported."));
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  McLedgerStore        *store;
  GPtrArray            *batch;
  McLedgerImportResult *result;
} ImportState;

static gboolean
flush_batch (ImportState  *state,
             GError      **error)
{
  McLedgerAppendResult r = { 0, 0 };

  if (state->batch->len == 0)
    return TRUE;
  if (!mc_ledger_store_append (state->store, (McLedgerEvent * const *) state->batch->pdata,
                               state->batch->len, &r, error))
    return FALSE;
  state->result->n_added += r.n_added;
  state->result->n_present += r.n_present;
  g_ptr_array_set_size (state->batch, 0);
  return TRUE;
}

static gboolean
import_event (McLedgerEvent  *event,
              gpointer        user_data,
              GError        **error)
{
  ImportState *state = user_data;

  g_ptr_array_add (state->batch, event);
  return state->batch->len < BATCH || flush_batch (state, error);
}

gboolean
mc_ledger_bundle_import (McLedgerStore         *store,
                         GFile                 *file,
                         McLedgerImportResult  *result,
                         GCancellable          *cancellable,
                         GError               **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_ledger_event_free);
  CheckState check = { seen };
  McLedgerImportResult r = { 0, 0, 0 };
  ImportState state = { store, batch, &r };
  guint64 n = 0;

  g_return_val_if_fail (MC_IS_LEDGER_STORE (store), FALSE);

  /* First the whole file, so that a bad line stops everything. */
  if (!read_bundle (file, check_event, &check, &n, cancellable, error))
    return FALSE;
  g_clear_pointer (&seen, g_hash_table_unref);

  if (!read_bundle (file, import_event, &state, &r.n_events, cancellable, error) ||
      !flush_batch (&state, error))
    {
      if (r.n_added > 0)
        g_prefix_error (error, _("%llu events were imported before this problem; importing the bundle again after fixing it will not count them twice. "),
                        (unsigned long long) r.n_added);
      return FALSE;
    }

  if (result != NULL)
    *result = r;
  return TRUE;
}
