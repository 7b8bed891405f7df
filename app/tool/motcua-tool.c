/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "motcua-tool"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "mc-core.h"
#include "mc-tool.h"

static const struct {
  const char    *name;
  McToolCommand  run;
  const char    *synopsis;
  const char    *summary;
} commands[] = {
  { "wards", mc_tool_wards, "wards [--json] [--on DATE] [--catalog FILE]",
    N_("List the wards in effect on a day (today by default)") },
  { "catalog", mc_tool_catalog, "catalog [--json] [--validate FILE]",
    N_("List the procedures with the papers each needs, or check a catalog file") },
  { "devices", mc_tool_devices, "devices [--json]",
    N_("List the scanners, with their sources, modes, resolutions and scan area") },
  { "scan", mc_tool_scan,
    "scan --device DEV [--source flatbed|adf|duplex] [--resolution DPI] [--mode color|gray|lineart]\n"
    "       [--area a4|a3|a5|letter|legal|id-card|glass|WxH-mm] [--file PNM] [--max-pages N] --out DIR [--json]",
    N_("Scan pages into DIR as page-001.png, page-002.png, …; each page is kept as soon as it is read") },
  { "clean", mc_tool_clean, "clean [--profile document|photo] IMAGE… --out DIR [--json]",
    N_("Clean scanned pages: trim, straighten, turn upright, whiten; report blank pages") },
  { "pdf", mc_tool_pdf, "pdf [--lang vie] [--max-size 5M] [--dpi 200] IMAGE… -o OUT.pdf [--json]",
    N_("Make one searchable PDF from cleaned pages, within a size limit") },
  { "pack", mc_tool_pack,
    "pack --procedure CODE --component KEY=FILE[,FILE…] … --out DIR [--zip] [--max-size 5M] [--json] [--ward CODE] [--name-template T] [--code-format T]",
    N_("Prepare the files for the portal: one searchable PDF per component and manifest.json") },
  { "read-id", mc_tool_read_id, "read-id IMAGE… [--json] [--on DATE] [--crops DIR]",
    N_("Read a citizen’s ID card from scans or photos of it (both sides)") },
  { "ledger", mc_tool_ledger,
    "ledger add --procedure CODE --channel CH [--receipt R] [--pages N] [--ward CODE]\n"
    "             [--counter NAME] [--clerk NAME] [--date DATE] [--db FILE]\n"
    "  ledger report [--from DATE] [--to DATE] [--by day|counter|procedure|channel|ward]\n"
    "                [--ward CODE] [--format table|csv|json|pdf] [-o FILE] [--db FILE | --server CONNINFO]\n"
    "  ledger export FILE [--db FILE]\n"
    "  ledger import FILE [--db FILE]\n"
    "  ledger check [--db FILE]\n"
    "  ledger server-init --server CONNINFO\n"
    "  ledger sync --server CONNINFO [--db FILE] [--batch N] [--json]",
    N_("Record filings, report on them, move them between counters, check the ledger file") },
  { "upload", mc_tool_upload,
    "upload DIR --endpoint URL [--token-file F] [--json]",
    N_("Send a package folder to the portal’s API through the outbox; print its receipt code") },
  { "outbox", mc_tool_outbox,
    "outbox list [--json]\n"
    "  outbox retry [ITEM…] [--token-file F] [--json]\n"
    "  outbox remove ITEM",
    N_("Show the filings waiting for the portal; send them again now") },
  { "token", mc_tool_token, "token set|check|forget --endpoint URL",
    N_("Keep the portal access token in the password store (read from standard input)") },
  { "tokens", mc_tool_tokens, "tokens [--json]",
    N_("List the signing certificates on the USB tokens plugged in") },
  { "sign", mc_tool_sign, "sign IN.pdf --key pkcs11:URI -o OUT.pdf [--pin-file F] [--tsa URL] [--json]",
    N_("Sign a PDF with the clerk’s certificate on a token (PIN from the file or standard input)") },
  { "verify", mc_tool_verify, "verify FILE.pdf [--ca FILE] [--json]",
    N_("Check the digital signatures in a PDF") },
};

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: motcua-tool COMMAND [OPTION…]"));
  fprintf (out, "%s\n\n", _("The headless side of Một Cửa: the same code as the program, without a display."));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %s\n      %s\n", commands[i].synopsis, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Options:"));
  fprintf (out, "  --help       %s\n", _("Show this help; COMMAND --help shows a command’s options"));
  fprintf (out, "  --version    %s\n", _("Show the program version"));
  fprintf (out, "\n%s\n", _("Exit codes:"));
  fprintf (out, "  0  %s\n", _("success"));
  fprintf (out, "  1  %s\n", _("unexpected failure (a message on standard error says what)"));
  fprintf (out, "  2  %s\n", _("wrong usage: unknown command or option, or a bad value"));
  fprintf (out, "  3  %s\n", _("a data file is missing or invalid (ward catalog, procedure catalog, image)"));
  fprintf (out, "  10 %s\n", _("scan: the feeder is empty"));
  fprintf (out, "  11 %s\n", _("scan: paper jam (pages read before it are kept)"));
  fprintf (out, "  12 %s\n", _("scan: the scanner cover is open"));
  fprintf (out, "  13 %s\n", _("scan: the scanner is busy or warming up"));
  fprintf (out, "  14 %s\n", _("scan: the scanner stopped answering or was unplugged"));
  fprintf (out, "  15 %s\n", _("scan: no permission to use the scanner"));
  fprintf (out, "  16 %s\n", _("scan: out of memory"));
  fprintf (out, "  17 %s\n", _("scan: the scanner refused a setting (source, mode, resolution, area, option)"));
  fprintf (out, "  18 %s\n", _("scan: no such scanner, or none at all"));
  fprintf (out, "  19 %s\n", _("scan: cancelled, or another scanner fault"));
  fprintf (out, "  20 %s\n", _("clean, pdf: an image is missing, empty, damaged, not an image, or too large"));
  fprintf (out, "  21 %s\n", _("pdf: text recognition failed or its language data is not installed"));
  fprintf (out, "  22 %s\n", _("pdf: the document cannot fit the size limit even at 150 dpi"));
  fprintf (out, "  23 %s\n", _("clean, pdf: the output file or folder cannot be written"));
  fprintf (out, "  30 %s\n", _("read-id: no ID card was found in the images"));
  fprintf (out, "  31 %s\n", _("read-id: a card was found, but nothing on it could be read"));
  fprintf (out, "  40 %s\n", _("ledger: the ledger cannot be opened or written (permissions, disk full)"));
  fprintf (out, "  41 %s\n", _("ledger: there is no ledger at that path (nothing recorded yet)"));
  fprintf (out, "  42 %s\n", _("ledger: the file is not a ledger (not SQLite, or another program’s database); it is left untouched"));
  fprintf (out, "  43 %s\n", _("ledger: written by a newer Một Cửa; it is left untouched"));
  fprintf (out, "  44 %s\n", _("ledger: damaged, or “ledger check” found problems"));
  fprintf (out, "  45 %s\n", _("ledger: another program kept the ledger busy too long; nothing was changed"));
  fprintf (out, "  46 %s\n", _("ledger: an event was refused (bad value, unknown filing, same UUID with other contents)"));
  fprintf (out, "  47 %s\n", _("ledger: the import file is not a complete, valid bundle; nothing was imported"));
  fprintf (out, "  48 %s\n", _("ledger: the report or bundle file cannot be written"));
  fprintf (out, "  49 %s\n", _("ledger: the ledger server cannot be reached, or refused the account or password; nothing is lost"));
  fprintf (out, "  50 %s\n", _("upload: the package is invalid or does not match its manifest; nothing was sent"));
  fprintf (out, "  51 %s\n", _("upload: no access token, the password store is not running, or the portal refused the token"));
  fprintf (out, "  52 %s\n", _("upload: the portal refused the filing (too large, or another reason it gave)"));
  fprintf (out, "  53 %s\n", _("upload: not sent yet (no network, timeout, portal down or busy, interrupted); it stays in the outbox"));
  fprintf (out, "  54 %s\n", _("upload: the portal’s certificate could not be verified, or the address is plain http:// to another computer"));
  fprintf (out, "  55 %s\n", _("outbox: the outbox cannot be opened or written, or there is no such item"));
  fprintf (out, "  56 %s\n", _("pack: a required component has no file"));
  fprintf (out, "  57 %s\n", _("pack: a file, or the whole package, does not fit the portal’s size limits"));
  fprintf (out, "  58 %s\n", _("pack: an input file is damaged, or not a picture or a PDF"));
  fprintf (out, "  59 %s\n", _("pack: the package cannot be written"));
  fprintf (out, "  60 %s\n", _("sign, tokens: no signing token, or none holds that certificate"));
  fprintf (out, "  61 %s\n", _("sign: the token was removed or stopped answering; nothing was written"));
  fprintf (out, "  62 %s\n", _("sign: wrong PIN, or no PIN given"));
  fprintf (out, "  63 %s\n", _("sign: the token is locked after too many wrong PINs"));
  fprintf (out, "  64 %s\n", _("sign: the certificate has expired or is not valid yet"));
  fprintf (out, "  65 %s\n", _("sign: the certificate is not for signing documents"));
  fprintf (out, "  66 %s\n", _("sign, verify: the PDF cannot be read, or was not made by Một Cửa (sign)"));
  fprintf (out, "  67 %s\n", _("sign: the signed PDF cannot be written"));
  fprintf (out, "  68 %s\n", _("verify: a signature is not intact or not trusted, or the last one does not cover the whole file"));
  fprintf (out, "  69 %s\n", _("verify: the PDF has no digital signature"));
  fprintf (out, "  70 %s\n", _("sign --tsa: the timestamp server cannot be reached, refused, or answered for something else; nothing was written"));
  fprintf (out, "\n%s\n", _("Messages follow the language of the environment (LANGUAGE=vi for Vietnamese)."));
}

int
main (int   argc,
      char *argv[])
{
  const char *name;

  mc_core_limit_omp_threads (argv);
  setlocale (LC_ALL, "");
  mc_core_init ();
  g_set_prgname ("motcua-tool");

  if (argc < 2)
    {
      print_help (stderr);
      return MC_EXIT_USAGE;
    }

  name = argv[1];
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      print_help (stdout);
      return MC_EXIT_OK;
    }
  if (g_str_equal (name, "--version"))
    {
      printf ("motcua-tool %s\n", PACKAGE_VERSION);
      return MC_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (name, commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  /* Translators: %s is what the user typed as the command */
  fprintf (stderr, _("motcua-tool: unknown command “%s”. Run “motcua-tool --help” for the list."), name);
  fputc ('\n', stderr);
  return MC_EXIT_USAGE;
}
