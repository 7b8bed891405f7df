/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "mc-json.h"
#include "mc-pdf-sign.h"
#include "mc-tool.h"

/* motcua-tool sign, verify, tokens (issue 15). The PIN never comes from
 * the command line, where other users and the shell history see it: from
 * --pin-file, $MOTCUA_PIN (tests), or one line on standard input. */

static int
exit_for_sign_error (const GError *error)
{
  if (error->domain != MC_SIGN_ERROR)
    return MC_EXIT_FAILURE;
  switch (error->code)
    {
    case MC_SIGN_ERROR_NO_TOKEN:            return MC_EXIT_SIGN_NO_TOKEN;
    case MC_SIGN_ERROR_TOKEN_REMOVED:       return MC_EXIT_SIGN_TOKEN_REMOVED;
    case MC_SIGN_ERROR_WRONG_PIN:           return MC_EXIT_SIGN_WRONG_PIN;
    case MC_SIGN_ERROR_CANCELLED:           return MC_EXIT_SIGN_WRONG_PIN;
    case MC_SIGN_ERROR_PIN_LOCKED:          return MC_EXIT_SIGN_PIN_LOCKED;
    case MC_SIGN_ERROR_CERT_EXPIRED:
    case MC_SIGN_ERROR_CERT_NOT_YET_VALID:  return MC_EXIT_SIGN_CERT_DATES;
    case MC_SIGN_ERROR_CERT_USAGE:          return MC_EXIT_SIGN_CERT_USAGE;
    case MC_SIGN_ERROR_INPUT:               return MC_EXIT_SIGN_INPUT;
    case MC_SIGN_ERROR_WRITE:               return MC_EXIT_SIGN_OUTPUT;
    case MC_SIGN_ERROR_TSA:                 return MC_EXIT_SIGN_TSA;
    default:                                return MC_EXIT_FAILURE;
    }
}

typedef struct {
  char *pin_file;
} PinSource;

static char *
read_pin (const McPinRequest *request,
          gpointer            user_data)
{
  PinSource *source = user_data;
  const char *env = g_getenv ("MOTCUA_PIN");
  char line[256];

  if (source->pin_file != NULL)
    {
      g_autoptr(GError) error = NULL;
      char *text = NULL;

      if (!g_file_get_contents (source->pin_file, &text, NULL, &error))
        {
          fprintf (stderr, "motcua-tool: %s\n", error->message);
          return NULL;
        }
      g_strchomp (text);
      return text;
    }
  if (env != NULL)
    return g_strdup (env);
  if (request->final_try)
    fprintf (stderr, "%s\n", _("One try is left: one more wrong PIN locks the token."));
  else if (request->count_low)
    fprintf (stderr, "%s\n", _("Only a few tries are left before the token locks."));
  /* At a terminal: a prompt, and the PIN not echoed. */
  if (isatty (STDIN_FILENO))
    {
      struct termios saved, quiet;
      gboolean got;

      /* Translators: %s is the token's label */
      fprintf (stderr, _("PIN of token %s: "), request->token ? request->token : "?");
      fflush (stderr);
      if (tcgetattr (STDIN_FILENO, &saved) != 0)
        return NULL;
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
      got = fgets (line, sizeof line, stdin) != NULL;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      fputc ('\n', stderr);
      if (!got)
        return NULL;
    }
  else if (fgets (line, sizeof line, stdin) == NULL)
    return NULL;
  line[strcspn (line, "\r\n")] = '\0';
  {
    char *pin = g_strdup (line);

    memset (line, 0, sizeof line);
    return pin;
  }
}

int
mc_tool_sign (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McSigner) signer = NULL;
  g_autofree char *output = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *tsa = NULL;
  g_auto(GStrv) inputs = NULL;
  g_auto(McSignResult) result = { 0 };
  PinSource source = { 0 };
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The signed PDF to write (required; may be the input itself)"), N_("FILE") },
    { "key", 0, 0, G_OPTION_ARG_STRING, &uri, N_("The certificate and key on the token, as a pkcs11: URI (see “motcua-tool tokens”)"), N_("URI") },
    { "token-uri", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &uri, NULL, NULL },
    { "pin-file", 0, 0, G_OPTION_ARG_FILENAME, &source.pin_file, N_("Read the PIN from this file (otherwise one line from standard input)"), N_("FILE") },
    { "tsa", 0, 0, G_OPTION_ARG_STRING, &tsa, N_("Add an RFC 3161 timestamp from this timestamp server (PAdES B-T)"), N_("URL") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of a sentence"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL, N_("IN.pdf") },
    { NULL }
  };
  int status;

  context = mc_tool_option_context_new (NULL,
                                        _("Sign a PDF made by Một Cửa with the clerk’s certificate on a USB token (PAdES B-B), with a visible stamp at the top left of page 1. The input stays as it is until the signed file is complete."),
                                        entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (inputs == NULL || inputs[0] == NULL || inputs[1] != NULL)
    return mc_tool_usage_error (context, _("sign needs exactly one PDF"));
  if (output == NULL)
    return mc_tool_usage_error (context, _("sign needs --out FILE"));
  if (uri == NULL || !g_str_has_prefix (uri, "pkcs11:"))
    return mc_tool_usage_error (context, _("sign needs --key pkcs11:…"));

  signer = mc_signer_new (&error);
  if (signer != NULL)
    {
      mc_signer_set_pin_func (signer, read_pin, &source, NULL);
      mc_signer_set_tsa_url (signer, tsa);
      mc_signer_sign_pdf (signer, inputs[0], output, uri, NULL, &result, NULL, &error);
    }
  status = error ? exit_for_sign_error (error) : MC_EXIT_OK;
  g_free (source.pin_file);
  if (error != NULL)
    {
      fprintf (stderr, "motcua-tool: %s\n", error->message);
      return status;
    }
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autofree char *time = g_date_time_format_iso8601 (result.time);
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "output");
      json_builder_add_string_value (b, output);
      json_builder_set_member_name (b, "signer");
      json_builder_add_string_value (b, result.signer);
      json_builder_set_member_name (b, "time");
      json_builder_add_string_value (b, time);
      json_builder_set_member_name (b, "bytes_added");
      json_builder_add_int_value (b, result.bytes_added);
      json_builder_set_member_name (b, "timestamped");
      json_builder_add_boolean_value (b, result.timestamped);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      mc_tool_print_json (root);
    }
  else
    {
      g_autofree char *time = g_date_time_format (result.time, "%d/%m/%Y %H:%M:%S");

      /* Translators: signed FILE by NAME at TIME */
      printf (_("Signed %s: %s, %s"), output, result.signer, time);
      putchar ('\n');
    }
  return MC_EXIT_OK;
}

static const char *
chain_name (McChainStatus chain)
{
  switch (chain)
    {
    case MC_CHAIN_TRUSTED:    return "trusted";
    case MC_CHAIN_UNTRUSTED:  return "untrusted";
    case MC_CHAIN_NOT_CHECKED:
    default:                  return "not-checked";
    }
}

/* One signature as a JSON object, for verify --json. */
static void
add_signature_json (JsonBuilder          *b,
                    const McPdfSignature *s)
{
  g_autofree char *time = s->time ? g_date_time_format_iso8601 (s->time) : NULL;
  g_autofree char *timestamp = s->timestamp ? g_date_time_format_iso8601 (s->timestamp) : NULL;

  json_builder_begin_object (b);
  mc_json_add_string_or_null (b, "signer", s->signer);
  mc_json_add_string_or_null (b, "time", time);
  mc_json_add_string_or_null (b, "timestamp", timestamp);
  json_builder_set_member_name (b, "intact");
  json_builder_add_boolean_value (b, s->intact);
  json_builder_set_member_name (b, "covers_whole_file");
  json_builder_add_boolean_value (b, s->covers_whole_file);
  json_builder_set_member_name (b, "bytes_after");
  json_builder_add_int_value (b, s->bytes_after);
  json_builder_set_member_name (b, "chain");
  json_builder_add_string_value (b, chain_name (s->chain));
  json_builder_set_member_name (b, "sub_filter");
  json_builder_add_string_value (b, s->sub_filter ? s->sub_filter : "");
  if (s->problem)
    {
      json_builder_set_member_name (b, "problem");
      json_builder_add_string_value (b, s->problem);
    }
  json_builder_end_object (b);
}

int
mc_tool_verify (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sigs = NULL;
  g_autofree char *ca = NULL;
  g_auto(GStrv) inputs = NULL;
  gboolean json = FALSE, good = TRUE;
  const GOptionEntry entries[] = {
    { "ca", 0, 0, G_OPTION_ARG_FILENAME, &ca, N_("Check each signer’s certificate against these certificate authorities (PEM)"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of sentences"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL, N_("FILE.pdf") },
    { NULL }
  };

  context = mc_tool_option_context_new (NULL,
                                        _("Check the digital signatures in a PDF: who signed and when, whether the signed bytes are intact, whether the signature covers the whole file, and whether the certificate chains to a trusted authority."),
                                        entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (inputs == NULL || inputs[0] == NULL || inputs[1] != NULL)
    return mc_tool_usage_error (context, _("verify needs exactly one PDF"));

  sigs = mc_pdf_verify (inputs[0], ca, &error);
  if (sigs == NULL)
    {
      fprintf (stderr, "motcua-tool: %s\n", error->message);
      return MC_EXIT_SIGN_INPUT;
    }
  for (guint i = 0; i < sigs->len; i++)
    {
      McPdfSignature *s = sigs->pdata[i];

      /* Earlier signatures may stop before later revisions; the last one
       * must reach the end of the file. */
      if (!s->intact || s->chain == MC_CHAIN_UNTRUSTED ||
          (i + 1 == sigs->len && !s->covers_whole_file))
        good = FALSE;
    }

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "signatures");
      json_builder_begin_array (b);
      for (guint i = 0; i < sigs->len; i++)
        add_signature_json (b, sigs->pdata[i]);
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      mc_tool_print_json (root);
    }
  else
    {
      if (sigs->len == 0)
        printf ("%s\n", _("No digital signature in this file."));
      for (guint i = 0; i < sigs->len; i++)
        {
          McPdfSignature *s = sigs->pdata[i];
          g_autofree char *time = s->time ? g_date_time_format (s->time, "%d/%m/%Y %H:%M:%S %:z") : g_strdup ("?");

          /* Translators: signature number, signer, time */
          printf (_("Signature %u: %s, %s"), i + 1, s->signer ? s->signer : "?", time);
          putchar ('\n');
          printf ("  %s\n", s->intact ? _("The signed bytes are intact.") : _("NOT INTACT: the signed bytes were changed."));
          if (s->timestamp)
            {
              g_autoptr(GDateTime) local = g_date_time_to_local (s->timestamp);
              g_autofree char *ts = g_date_time_format (local, "%d/%m/%Y %H:%M:%S %:z");

              printf ("  ");
              /* Translators: %s is the date and time of an RFC 3161 timestamp */
              printf (_("Timestamp from a timestamp server: %s"), ts);
              putchar ('\n');
            }
          if (s->covers_whole_file)
            printf ("  %s\n", _("It covers the whole file."));
          else
            {
              g_autofree char *n = g_strdup_printf ("%" G_GUINT64_FORMAT, s->bytes_after);

              printf ("  ");
              /* Translators: %s is a number of bytes */
              printf (_("%s bytes were added after it (a later signature, or changes)."), n);
              putchar ('\n');
            }
          if (s->chain == MC_CHAIN_TRUSTED)
            printf ("  %s\n", _("The certificate chains to a trusted authority."));
          else if (s->chain == MC_CHAIN_UNTRUSTED)
            printf ("  %s\n", _("The certificate does NOT chain to a trusted authority."));
          if (s->problem)
            printf ("  %s\n", s->problem);
        }
    }
  if (sigs->len == 0)
    return MC_EXIT_SIGN_NONE;
  return good ? MC_EXIT_OK : MC_EXIT_SIGN_INVALID;
}

int
mc_tool_tokens (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McSigner) signer = NULL;
  g_autoptr(GPtrArray) certs = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of a table"), NULL },
    { NULL }
  };

  context = mc_tool_option_context_new (NULL,
                                        _("List the signing certificates on the tokens plugged in: holder, validity, whether they may sign, and the pkcs11: URI to pass to “sign --key”."),
                                        entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);

  signer = mc_signer_new (&error);
  if (signer == NULL || (certs = mc_signer_list_certificates (signer, &error)) == NULL)
    {
      fprintf (stderr, "motcua-tool: %s\n", error->message);
      return exit_for_sign_error (error);
    }
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "certificates");
      json_builder_begin_array (b);
      for (guint i = 0; i < certs->len; i++)
        {
          McSignerCert *c = certs->pdata[i];
          g_autofree char *from = g_date_time_format_iso8601 (c->not_before);
          g_autofree char *until = g_date_time_format_iso8601 (c->not_after);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "holder");
          json_builder_add_string_value (b, c->holder ? c->holder : "");
          json_builder_set_member_name (b, "issuer");
          json_builder_add_string_value (b, c->issuer ? c->issuer : "");
          json_builder_set_member_name (b, "token");
          json_builder_add_string_value (b, c->token);
          json_builder_set_member_name (b, "not_before");
          json_builder_add_string_value (b, from);
          json_builder_set_member_name (b, "not_after");
          json_builder_add_string_value (b, until);
          json_builder_set_member_name (b, "can_sign");
          json_builder_add_boolean_value (b, c->can_sign);
          json_builder_set_member_name (b, "uri");
          json_builder_add_string_value (b, c->uri);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      mc_tool_print_json (root);
      return MC_EXIT_OK;
    }
  if (certs->len == 0)
    {
      printf ("%s\n", _("No signing certificate found: is the token plugged in?"));
      return MC_EXIT_SIGN_NO_TOKEN;
    }
  for (guint i = 0; i < certs->len; i++)
    {
      McSignerCert *c = certs->pdata[i];
      g_autofree char *from = g_date_time_format (c->not_before, "%d/%m/%Y");
      g_autofree char *until = g_date_time_format (c->not_after, "%d/%m/%Y");

      /* Translators: holder, token, valid from, valid until */
      printf (_("%s (token %s), valid %s – %s"), c->holder ? c->holder : "?", c->token, from, until);
      if (!c->can_sign)
        printf (" %s", _("[not for signing]"));
      printf ("\n  %s\n", c->uri);
    }
  return MC_EXIT_OK;
}
