/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "mc-json.h"
#include "mc-portal-client.h"
#include "mc-portal-error.h"
#include "mc-portal-outbox.h"
#include "mc-portal-token.h"
#include "mc-tool.h"

/* motcua-tool upload, outbox and token: the portal's HTTP API from the
 * command line, through the same outbox the program uses, so an upload
 * interrupted here is finished by the program (or the next run). */

/* The exit code for an item's (or a call's) failure; see --help. */
static int
exit_code_for_portal (int code)
{
  switch ((McPortalError) code)
    {
    case MC_PORTAL_ERROR_PACKAGE:
      return MC_EXIT_PORTAL_PACKAGE;
    case MC_PORTAL_ERROR_NO_TOKEN:
    case MC_PORTAL_ERROR_SECRET_SERVICE:
    case MC_PORTAL_ERROR_UNAUTHORIZED:
      return MC_EXIT_PORTAL_AUTH;
    case MC_PORTAL_ERROR_TOO_LARGE:
    case MC_PORTAL_ERROR_REJECTED:
    case MC_PORTAL_ERROR_ENDPOINT:
      return MC_EXIT_PORTAL_REFUSED;
    case MC_PORTAL_ERROR_BUSY:
    case MC_PORTAL_ERROR_SERVER:
    case MC_PORTAL_ERROR_TIMEOUT:
    case MC_PORTAL_ERROR_UNREACHABLE:
    case MC_PORTAL_ERROR_RESET:
    case MC_PORTAL_ERROR_BAD_RESPONSE:
    case MC_PORTAL_ERROR_CANCELLED:
      return MC_EXIT_PORTAL_NOT_SENT;
    case MC_PORTAL_ERROR_TLS:
    case MC_PORTAL_ERROR_INSECURE:
      return MC_EXIT_PORTAL_INSECURE;
    case MC_PORTAL_ERROR_OUTBOX:
    case MC_PORTAL_ERROR_NOT_FOUND:
      return MC_EXIT_OUTBOX;
    case MC_PORTAL_ERROR_FAILED:
    default:
      return MC_EXIT_FAILURE;
    }
}

static int
exit_code_for_error (const GError *error)
{
  if (error->domain == MC_PORTAL_ERROR)
    return exit_code_for_portal (error->code);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return MC_EXIT_PORTAL_NOT_SENT;
  return MC_EXIT_FAILURE;
}

static const char *
error_code_name (int code)
{
  switch ((McPortalError) code)
    {
    case MC_PORTAL_ERROR_FAILED: return "failed";
    case MC_PORTAL_ERROR_ENDPOINT: return "endpoint";
    case MC_PORTAL_ERROR_INSECURE: return "insecure";
    case MC_PORTAL_ERROR_PACKAGE: return "package";
    case MC_PORTAL_ERROR_NO_TOKEN: return "no-token";
    case MC_PORTAL_ERROR_SECRET_SERVICE: return "secret-service";
    case MC_PORTAL_ERROR_UNAUTHORIZED: return "unauthorized";
    case MC_PORTAL_ERROR_TOO_LARGE: return "too-large";
    case MC_PORTAL_ERROR_REJECTED: return "rejected";
    case MC_PORTAL_ERROR_BUSY: return "busy";
    case MC_PORTAL_ERROR_SERVER: return "server";
    case MC_PORTAL_ERROR_TIMEOUT: return "timeout";
    case MC_PORTAL_ERROR_UNREACHABLE: return "unreachable";
    case MC_PORTAL_ERROR_RESET: return "reset";
    case MC_PORTAL_ERROR_TLS: return "tls";
    case MC_PORTAL_ERROR_BAD_RESPONSE: return "bad-response";
    case MC_PORTAL_ERROR_OUTBOX: return "outbox";
    case MC_PORTAL_ERROR_NOT_FOUND: return "not-found";
    case MC_PORTAL_ERROR_CANCELLED: return "cancelled";
    default: return "failed";
    }
}

static int
fail (const GError *error)
{
  fprintf (stderr, "motcua-tool: %s\n", error->message);
  return exit_code_for_error (error);
}

/* ---- Options every sending command shares ------------------------------ */

typedef struct {
  char     *outbox_path;
  char     *token_file;
  char     *ca_file;
  int       attempts;
  int       connect_timeout;
  int       stall_timeout;
  gboolean  json;
} SendOptions;

static void
send_options_clear (SendOptions *o)
{
  g_free (o->outbox_path);
  g_free (o->token_file);
  g_free (o->ca_file);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SendOptions, send_options_clear)

#define SEND_OPTION_ENTRIES(o) \
  { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &(o).token_file, N_("Read the access token from this file instead of the password store"), N_("FILE") }, \
  { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &(o).ca_file, N_("Trust the certificate authorities in this PEM file instead of the system’s"), N_("FILE") }, \
  { "attempts", 0, 0, G_OPTION_ARG_INT, &(o).attempts, N_("Attempts before leaving a filing in the outbox (default: the setting, 5)"), N_("N") }, \
  { "connect-timeout", 0, 0, G_OPTION_ARG_INT, &(o).connect_timeout, N_("Seconds to connect to the portal (default: the setting, 15)"), N_("S") }, \
  { "stall-timeout", 0, 0, G_OPTION_ARG_INT, &(o).stall_timeout, N_("Seconds without progress before an attempt is given up (default: the setting, 60)"), N_("S") }, \
  { "outbox", 0, 0, G_OPTION_ARG_FILENAME, &(o).outbox_path, N_("Use this outbox file instead of the program’s"), N_("FILE") }, \
  { "json", 0, 0, G_OPTION_ARG_NONE, &(o).json, N_("Print the result as JSON"), NULL }

static gboolean
check_send_options (GOptionContext    *context,
                    const SendOptions *o,
                    int               *status)
{
  if (o->attempts < 0 || o->attempts > 100)
    *status = mc_tool_usage_error (context, _("--attempts must be between 1 and 100"));
  else if (o->connect_timeout < 0 || o->connect_timeout > 3600 || o->stall_timeout < 0 || o->stall_timeout > 3600)
    *status = mc_tool_usage_error (context, _("Timeouts must be between 1 and 3600 seconds"));
  else
    return TRUE;
  return FALSE;
}

static McPortalConfig *
make_config (const SendOptions *o)
{
  g_autoptr(GSettings) settings = mc_tool_settings ();
  McPortalConfig *config = mc_portal_config_new_from_settings (settings);

  if (o->ca_file != NULL)
    {
      g_free (config->ca_file);
      config->ca_file = g_strdup (o->ca_file);
    }
  if (o->attempts > 0)
    config->max_attempts = (guint) o->attempts;
  if (o->connect_timeout > 0)
    config->connect_timeout_s = (guint) o->connect_timeout;
  if (o->stall_timeout > 0)
    config->stall_timeout_s = (guint) o->stall_timeout;
  return config;
}

static McPortalOutbox *
open_outbox (const SendOptions  *o,
             GError            **error)
{
  McPortalOutbox *outbox = mc_portal_outbox_new (o->outbox_path, error);

  if (outbox != NULL)
    {
      g_autoptr(McPortalConfig) config = make_config (o);

      mc_portal_outbox_set_config (outbox, config);
    }
  return outbox;
}

/* ---- Sending in the foreground, with a main loop for Ctrl+C ------------ */

typedef struct {
  GMainLoop    *loop;
  GCancellable *cancellable;
  McOutboxItem *result;
  GError       *error;
  gboolean      done;
  gboolean      show_progress;
  gboolean      progress_shown;
} SendRun;

static gboolean
on_interrupt (gpointer data)
{
  SendRun *run = data;

  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
on_progress (McPortalOutbox *outbox,
             gint64          id,
             guint64         sent,
             guint64         total,
             SendRun        *run)
{
  g_autofree char *done = NULL, *all = NULL;

  if (!run->show_progress || total == 0)
    return;
  done = g_format_size (sent);
  all = g_format_size (total);
  fputc ('\r', stderr);
  /* Translators: upload progress: percent, bytes sent, bytes in all */
  fprintf (stderr, _("Sending… %3u%% (%s of %s)   "), (guint) (sent * 100 / total), done, all);
  run->progress_shown = TRUE;
}

typedef struct {
  McPortalOutbox *outbox;
  gint64          id;
  guint           max_attempts;
} SendTaskData;

static void
send_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SendTaskData *d = task_data;
  GError *error = NULL;
  McOutboxItem *item = mc_portal_outbox_send (d->outbox, d->id, d->max_attempts, cancellable, &error);

  if (item != NULL)
    g_task_return_pointer (task, item, (GDestroyNotify) mc_outbox_item_free);
  else
    g_task_return_error (task, error);
}

static void
send_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SendRun *run = user_data;

  run->result = g_task_propagate_pointer (G_TASK (result), &run->error);
  run->done = TRUE;
  g_main_loop_quit (run->loop);
}

/* Sends item @id and returns it as it ended; NULL with @error when the
 * outbox failed or the clerk pressed Ctrl+C. */
static McOutboxItem *
send_in_foreground (McPortalOutbox  *outbox,
                    gint64           id,
                    GError         **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GTask) task = NULL;
  SendRun run = { loop, cancellable, NULL, NULL, FALSE, isatty (STDERR_FILENO), FALSE };
  SendTaskData *d = g_new0 (SendTaskData, 1);
  guint sigint, sigterm;
  gulong handler;

  d->outbox = outbox;
  d->id = id;
  handler = g_signal_connect (outbox, "progress", G_CALLBACK (on_progress), &run);
  sigint = g_unix_signal_add (SIGINT, on_interrupt, &run);
  sigterm = g_unix_signal_add (SIGTERM, on_interrupt, &run);

  task = g_task_new (NULL, cancellable, send_done, &run);
  g_task_set_task_data (task, d, g_free);
  g_task_run_in_thread (task, send_thread);
  g_clear_object (&task);
  while (!run.done)
    g_main_loop_run (loop);

  /* Progress and change notices still queued for the loop are dropped
   * with the handler: the result is what counts now. */
  g_signal_handler_disconnect (outbox, handler);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (run.progress_shown)
    fputc ('\n', stderr);

  if (run.error != NULL)
    g_propagate_error (error, run.error);
  return run.result;
}

/* ---- Output ------------------------------------------------------------ */

static char *
format_time (gint64 us)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (us / G_USEC_PER_SEC);

  return when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

static char *
format_iso (gint64 us)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);

  return when != NULL ? g_date_time_format_iso8601 (when) : NULL;
}

static void
build_item (JsonBuilder        *b,
            const McOutboxItem *item)
{
  g_autofree char *created = format_iso (item->created_us);
  g_autofree char *updated = format_iso (item->updated_us);
  g_autofree char *next = format_iso (item->next_attempt_us);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, item->id);
  mc_json_add_string_or_null (b, "visit_id", item->visit_id);
  mc_json_add_string_or_null (b, "state", mc_outbox_state_to_string (item->state));
  json_builder_set_member_name (b, "in_flight");
  json_builder_add_boolean_value (b, item->in_flight);
  json_builder_set_member_name (b, "attempts");
  json_builder_add_int_value (b, item->attempts);
  mc_json_add_string_or_null (b, "endpoint", item->endpoint);
  mc_json_add_string_or_null (b, "package_dir", item->package_dir);
  mc_json_add_string_or_null (b, "created_at", created);
  mc_json_add_string_or_null (b, "updated_at", updated);
  mc_json_add_string_or_null (b, "next_attempt_at", item->state == MC_OUTBOX_QUEUED || item->state == MC_OUTBOX_SENDING ? next : NULL);
  mc_json_add_string_or_null (b, "receipt", item->receipt);
  mc_json_add_string_or_null (b, "received_at", item->received_at);
  if (item->last_error != NULL)
    {
      json_builder_set_member_name (b, "error");
      json_builder_begin_object (b);
      mc_json_add_string_or_null (b, "code", error_code_name (item->error_code));
      mc_json_add_string_or_null (b, "message", item->last_error);
      json_builder_end_object (b);
    }
  else
    mc_json_add_string_or_null (b, "error", NULL);
  json_builder_end_object (b);
}

/* What one finished send says: the receipt on stdout, or why not on
 * stderr; returns the exit code. */
static int
report_item (const McOutboxItem *item,
             gboolean            json,
             gboolean            already)
{
  int status = MC_EXIT_OK;

  if (item->state == MC_OUTBOX_SENT)
    {
      if (!json)
        puts (item->receipt);
      if (already || item->http_status == 200)
        fprintf (stderr, _("motcua-tool: the portal already had this visit; its receipt code is %s.\n"), item->receipt);
    }
  else if (item->state == MC_OUTBOX_FAILED)
    {
      fprintf (stderr, "motcua-tool: %s\n", item->last_error ? item->last_error : _("The filing was refused."));
      status = item->error_code >= 0 ? exit_code_for_portal (item->error_code) : MC_EXIT_FAILURE;
    }
  else
    {
      if (item->last_error != NULL)
        fprintf (stderr, "motcua-tool: %s\n", item->last_error);
      fprintf (stderr, _("motcua-tool: not sent yet. The filing stays in the outbox (item %lld); the program sends it when the portal answers, or run “motcua-tool outbox retry”.\n"),
               (long long) item->id);
      status = MC_EXIT_PORTAL_NOT_SENT;
    }
  return status;
}

static void
print_items_json (McOutboxItem **items,
                  guint          n)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    build_item (b, items[i]);
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  mc_tool_print_json (root);
}

static char *
read_token (const SendOptions  *o,
            const char         *endpoint,
            GError            **error)
{
  if (o->token_file != NULL)
    return mc_portal_token_read_file (o->token_file, error);
  return mc_portal_token_lookup (endpoint, NULL, error);
}

/* ---- upload ------------------------------------------------------------ */

int
mc_tool_upload (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McPortalOutbox) outbox = NULL;
  g_autoptr(McOutboxItem) queued = NULL;
  g_autoptr(McOutboxItem) item = NULL;
  g_autofree char *endpoint = NULL, *normalized = NULL;
  g_auto(SendOptions) o = { 0 };
  char *token = NULL;
  int status = MC_EXIT_OK;
  const GOptionEntry entries[] = {
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &endpoint, N_("Address of the portal API (default: the setting portal-api-endpoint)"), N_("URL") },
    SEND_OPTION_ENTRIES (o),
    { NULL }
  };

  context = mc_tool_option_context_new (N_("DIR"),
                                        _("Send a package folder to the portal’s API and print its receipt code. The filing goes through the outbox: if the portal cannot be reached, it stays there and is sent later, never twice."),
                                        entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (argc != 2)
    return mc_tool_usage_error (context, _("upload takes one package folder"));
  if (!check_send_options (context, &o, &status))
    return status;

  if (endpoint == NULL)
    {
      g_autoptr(GSettings) settings = mc_tool_settings ();

      if (settings != NULL)
        endpoint = g_settings_get_string (settings, "portal-api-endpoint");
    }
  if (!(normalized = mc_portal_endpoint_normalize (endpoint, &error)))
    {
      if (g_error_matches (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_INSECURE))
        return fail (error);
      return mc_tool_usage_error (context, error->message);
    }

  /* The token first: without one nothing can be sent, and the package
   * should not wait in the outbox for a token nobody will enter. */
  if (!(token = read_token (&o, normalized, &error)))
    return fail (error);

  if (!(outbox = open_outbox (&o, &error)))
    {
      mc_portal_token_free (token);
      return fail (error);
    }
  mc_portal_outbox_set_token (outbox, token);
  mc_portal_token_free (token);

  if (!(queued = mc_portal_outbox_enqueue (outbox, argv[1], normalized, NULL, &error)))
    return fail (error);

  if (queued->state == MC_OUTBOX_SENT)
    item = mc_outbox_item_copy (queued);
  else if (!(item = send_in_foreground (outbox, queued->id, &error)))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          fprintf (stderr, _("motcua-tool: interrupted. The filing stays in the outbox (item %lld) and is sent later.\n"),
                   (long long) queued->id);
          return MC_EXIT_PORTAL_NOT_SENT;
        }
      return fail (error);
    }

  status = report_item (item, o.json, queued->state == MC_OUTBOX_SENT);
  if (o.json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      mc_json_add_string_or_null (b, "receipt", item->receipt);
      mc_json_add_string_or_null (b, "received_at", item->received_at);
      mc_json_add_string_or_null (b, "visit_id", item->visit_id);
      json_builder_set_member_name (b, "already_filed");
      json_builder_add_boolean_value (b, item->state == MC_OUTBOX_SENT &&
                                         (queued->state == MC_OUTBOX_SENT || item->http_status == 200));
      json_builder_set_member_name (b, "outbox_item");
      build_item (b, item);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      mc_tool_print_json (root);
    }
  return status;
}

/* ---- outbox ------------------------------------------------------------ */

static int
outbox_list (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McPortalOutbox) outbox = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_auto(SendOptions) o = { 0 };
  const GOptionEntry entries[] = {
    { "outbox", 0, 0, G_OPTION_ARG_FILENAME, &o.outbox_path, N_("Use this outbox file instead of the program’s"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, N_("Print the items as JSON"), NULL },
    { NULL }
  };

  context = mc_tool_option_context_new (NULL, _("List the filings in the outbox: waiting, being sent, sent with their receipt, or refused with the reason."), entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (argc > 1)
    return mc_tool_usage_error (context, _("outbox list takes no arguments besides its options"));

  if (!(outbox = mc_portal_outbox_new (o.outbox_path, &error)) ||
      !(items = mc_portal_outbox_list (outbox, &error)))
    return fail (error);

  if (o.json)
    {
      print_items_json ((McOutboxItem **) items->pdata, items->len);
      return MC_EXIT_OK;
    }
  if (items->len == 0)
    {
      puts (_("The outbox is empty."));
      return MC_EXIT_OK;
    }

  printf ("%-5s ", _("ITEM"));
  mc_tool_print_padded (_("STATE"), 10);
  printf ("%-8s %-36s  %s\n", _("TRIES"), _("VISIT"), _("RECEIPT, NEXT ATTEMPT OR REASON"));
  for (guint i = 0; i < items->len; i++)
    {
      McOutboxItem *item = g_ptr_array_index (items, i);
      const char *state = mc_outbox_state_to_string (item->state);
      g_autofree char *detail = NULL;

      if (item->state == MC_OUTBOX_SENDING && !item->in_flight)
        state = "queued";   /* its sender died: it goes again as it is */
      if (item->state == MC_OUTBOX_SENT)
        detail = g_strdup (item->receipt);
      else if (item->state == MC_OUTBOX_FAILED)
        detail = g_strdup (item->last_error ? item->last_error : "");
      else if (item->state == MC_OUTBOX_SENDING && item->in_flight)
        detail = g_strdup (_("being sent now"));
      else
        {
          g_autofree char *when = format_time (item->next_attempt_us);

          /* Translators: next attempt time, then the last error (or nothing) */
          detail = g_strdup_printf (_("next attempt %s%s%s"), when,
                                    item->last_error ? " — " : "", item->last_error ? item->last_error : "");
        }
      printf ("%-5" G_GINT64_FORMAT " ", item->id);
      mc_tool_print_padded (state, 10);
      printf ("%-8u %-36s  %s\n", item->attempts, item->visit_id, detail);
    }
  return MC_EXIT_OK;
}

static int
outbox_retry (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McPortalOutbox) outbox = NULL;
  g_autoptr(GArray) wanted = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) mc_outbox_item_free);
  g_autoptr(GPtrArray) items = NULL;
  g_auto(SendOptions) o = { 0 };
  char *token = NULL;
  int status = MC_EXIT_OK, usage = MC_EXIT_OK;
  const GOptionEntry entries[] = {
    SEND_OPTION_ENTRIES (o),
    { NULL }
  };

  context = mc_tool_option_context_new (N_("[ITEM…]"),
                                        _("Send the waiting and refused filings of the outbox again now (or only the items given), and print each receipt code."),
                                        entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (!check_send_options (context, &o, &usage))
    return usage;
  for (int i = 1; i < argc; i++)
    {
      guint64 id;

      if (!g_ascii_string_to_unsigned (argv[i], 10, 1, G_MAXINT64, &id, NULL))
        {
          g_autofree char *msg = g_strdup_printf (_("“%s” is not an outbox item number (see “motcua-tool outbox list”)"), argv[i]);

          return mc_tool_usage_error (context, msg);
        }
      g_array_append_val (wanted, id);
    }

  if (o.token_file != NULL && !(token = mc_portal_token_read_file (o.token_file, &error)))
    return fail (error);
  if (!(outbox = open_outbox (&o, &error)))
    {
      mc_portal_token_free (token);
      return fail (error);
    }
  mc_portal_outbox_set_token (outbox, token);
  mc_portal_token_free (token);

  if (wanted->len == 0)
    {
      if (mc_portal_outbox_retry (outbox, 0, &error) == 0 && error != NULL)
        return fail (error);
      if (!(items = mc_portal_outbox_list (outbox, &error)))
        return fail (error);
      for (guint i = 0; i < items->len; i++)
        {
          McOutboxItem *item = g_ptr_array_index (items, i);

          if (item->state == MC_OUTBOX_QUEUED || item->state == MC_OUTBOX_SENDING)
            g_array_append_val (wanted, item->id);
        }
    }
  else
    for (guint i = 0; i < wanted->len; i++)
      {
        gint64 id = g_array_index (wanted, gint64, i);

        if (mc_portal_outbox_retry (outbox, id, &error) == 0 && error != NULL)
          return fail (error);
      }

  if (wanted->len == 0 && !o.json)
    puts (_("Nothing to send: the outbox has no waiting or refused filings."));

  for (guint i = 0; i < wanted->len; i++)
    {
      gint64 id = g_array_index (wanted, gint64, i);
      McOutboxItem *item = send_in_foreground (outbox, id, &error);
      int item_status;

      if (item == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              fprintf (stderr, _("motcua-tool: interrupted. The filings not sent stay in the outbox and are sent later.\n"));
              return MC_EXIT_PORTAL_NOT_SENT;
            }
          return fail (error);
        }
      if (!o.json && item->state == MC_OUTBOX_SENT)
        printf ("%" G_GINT64_FORMAT "\t%s\t", item->id, item->visit_id);
      item_status = report_item (item, o.json, FALSE);
      if (status == MC_EXIT_OK)
        status = item_status;
      g_ptr_array_add (results, item);
    }

  if (o.json)
    print_items_json ((McOutboxItem **) results->pdata, results->len);
  return status;
}

static int
outbox_remove (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McPortalOutbox) outbox = NULL;
  g_auto(SendOptions) o = { 0 };
  guint64 id;
  const GOptionEntry entries[] = {
    { "outbox", 0, 0, G_OPTION_ARG_FILENAME, &o.outbox_path, N_("Use this outbox file instead of the program’s"), N_("FILE") },
    { NULL }
  };

  context = mc_tool_option_context_new (N_("ITEM"), _("Remove a filing from the outbox (one that was refused, for a visit given up). It is not sent any more."), entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (argc != 2 || !g_ascii_string_to_unsigned (argv[1], 10, 1, G_MAXINT64, &id, NULL))
    return mc_tool_usage_error (context, _("outbox remove takes one item number (see “motcua-tool outbox list”)"));

  if (!(outbox = mc_portal_outbox_new (o.outbox_path, &error)) ||
      !mc_portal_outbox_remove (outbox, (gint64) id, &error))
    return fail (error);
  return MC_EXIT_OK;
}

int
mc_tool_outbox (int    argc,
                char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return outbox_list (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "retry"))
    return outbox_retry (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "remove"))
    return outbox_remove (argc - 1, argv + 1);

  if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      printf ("%s\n", _("Usage: motcua-tool outbox list|retry|remove [OPTION…]"));
      return MC_EXIT_OK;
    }
  if (argc >= 2)
    {
      /* Translators: %s is what the user typed after “outbox” */
      fprintf (stderr, _("motcua-tool: unknown outbox command “%s”: use list, retry or remove"), argv[1]);
      fputc ('\n', stderr);
    }
  else
    fprintf (stderr, "%s\n", _("Usage: motcua-tool outbox list|retry|remove [OPTION…]"));
  return MC_EXIT_USAGE;
}

/* ---- token ------------------------------------------------------------- */

int
mc_tool_token (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = NULL;
  const char *action;
  const GOptionEntry entries[] = {
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &endpoint, N_("Address of the portal API (default: the setting portal-api-endpoint)"), N_("URL") },
    { NULL }
  };

  context = mc_tool_option_context_new (N_("set|check|forget"),
                                        _("Keep the portal access token in the password store: “set” reads it from standard input, “check” says whether one is stored (never printing it), “forget” removes it."),
                                        entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (argc != 2)
    return mc_tool_usage_error (context, _("token takes one of set, check or forget"));
  action = argv[1];

  if (endpoint == NULL)
    {
      g_autoptr(GSettings) settings = mc_tool_settings ();

      if (settings != NULL)
        endpoint = g_settings_get_string (settings, "portal-api-endpoint");
    }
  {
    g_autofree char *normalized = mc_portal_endpoint_normalize (endpoint, &error);

    if (normalized == NULL)
      {
        if (g_error_matches (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_INSECURE))
          return fail (error);
        return mc_tool_usage_error (context, error->message);
      }
  }

  if (g_str_equal (action, "set"))
    {
      char line[8192];
      char *token;
      gboolean ok;

      if (isatty (STDIN_FILENO))
        fprintf (stderr, "%s", _("Token: "));
      if (fgets (line, sizeof line, stdin) == NULL)
        return mc_tool_usage_error (context, _("No token on standard input"));
      token = g_strdup (g_strstrip (line));
      memset (line, 0, sizeof line);
      ok = mc_portal_token_store (endpoint, token, NULL, &error);
      mc_portal_token_free (token);
      if (!ok)
        return fail (error);
      return MC_EXIT_OK;
    }
  if (g_str_equal (action, "check"))
    {
      char *token = mc_portal_token_lookup (endpoint, NULL, &error);

      if (token == NULL)
        return fail (error);
      mc_portal_token_free (token);
      puts (_("A token is stored for this portal."));
      return MC_EXIT_OK;
    }
  if (g_str_equal (action, "forget"))
    {
      if (!mc_portal_token_forget (endpoint, NULL, &error))
        return fail (error);
      return MC_EXIT_OK;
    }
  return mc_tool_usage_error (context, _("token takes one of set, check or forget"));
}
