/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-file-util.h"
#include "mc-import.h"
#include "mc-package.h"
#include "mc-tool.h"
#include "mc-visit.h"
#include "mc-visit-session.h"

/* The same path as the program: a visit (in a private temporary folder),
 * the files imported as pages, each page cleaned, then the package. */

/* The visit session's cleaning policy and cleaning, page by page here
 * (the tool has no main loop to wait for workers): the cleanup's default
 * resolution, blank pages dropped. */
static gboolean
clean_pages (McVisit            *visit,
             const McComponent  *component,
             GError            **error)
{
  McPageStore *store = mc_visit_get_pages (visit, component->key);
  McCleanupOptions options;

  if (!mc_visit_cleanup_options (component, 0, FALSE, FALSE, &options))
    return TRUE;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (!mc_visit_clean_page (visit, component->key, page, &options, NULL, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
copy_dir (const char  *from,
          const char  *to,
          GError     **error)
{
  g_autoptr(GDir) listing = g_dir_open (from, 0, error);
  const char *name;

  if (listing == NULL || g_mkdir_with_parents (to, 0700) != 0)
    {
      if (error && !*error)
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                     _("Could not create the folder %s: %s"), to, g_strerror (errno));
      return FALSE;
    }
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autoptr(GFile) src = g_file_new_build_filename (from, name, NULL);
      g_autoptr(GFile) dst = g_file_new_build_filename (to, name, NULL);

      if (!g_file_copy (src, dst, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_size (const char *text,
            guint64    *out)
{
  char *end = NULL;
  double v = g_ascii_strtod (text, &end);

  if (end == text || v <= 0)
    return FALSE;
  if (g_ascii_strcasecmp (end, "M") == 0 || g_ascii_strcasecmp (end, "MB") == 0)
    v *= 1000 * 1000;
  else if (g_ascii_strcasecmp (end, "K") == 0 || g_ascii_strcasecmp (end, "KB") == 0)
    v *= 1000;
  else if (*end != '\0')
    return FALSE;
  *out = (guint64) v;
  return TRUE;
}

/* One --component KEY=FILE[,FILE…]: the files imported as the paper's
 * pages, each cleaned. An exit status. */
static int
add_component (McVisit           *visit,
               const McProcedure *procedure,
               const char        *code,
               const char        *arg)
{
  g_auto(GStrv) kv = g_strsplit (arg, "=", 2);
  g_auto(GStrv) files = NULL;
  g_autoptr(GError) error = NULL;
  const McComponent *component;
  McPageStore *store;

  if (kv[1] == NULL || !(component = mc_procedure_find_component (procedure, kv[0])))
    {
      g_autofree char *msg = g_strdup_printf (_("“%s” is not KEY=FILE with a component of procedure %s; “motcua-tool catalog” lists them."),
                                              arg, code);

      return mc_tool_usage_error (NULL, msg);
    }
  store = mc_visit_get_pages (visit, component->key);
  files = g_strsplit (kv[1], ",", -1);
  for (guint j = 0; files[j]; j++)
    {
      g_autoptr(GPtrArray) pages = mc_import_file (store, files[j], 200, NULL, &error);

      if (pages == NULL)
        {
          fprintf (stderr, "motcua-tool: %s\n", error->message);
          return MC_EXIT_PACK_INPUT;
        }
      for (guint k = 0; k < pages->len; k++)
        mc_page_store_append (store, g_ptr_array_index (pages, k));
    }
  if (!clean_pages (visit, component, &error))
    {
      fprintf (stderr, "motcua-tool: %s\n", error->message);
      return MC_EXIT_PACK_INPUT;
    }
  return MC_EXIT_OK;
}

/* "ho-so/" gives ho-so.zip beside the folder, not ".zip" inside it. */
static char *
dup_zip_path (const char *out)
{
  g_autofree char *bare = g_strdup (out);
  gsize len = strlen (bare);

  while (len > 1 && bare[len - 1] == G_DIR_SEPARATOR)
    bare[--len] = '\0';
  return g_strconcat (bare, ".zip", NULL);
}

int
mc_tool_pack (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McVisit) visit = NULL;
  g_autoptr(McProcedureCatalog) catalog = NULL;
  g_autofree char *code = NULL, *out = NULL, *max_size = NULL;
  g_autofree char *ward = NULL, *name_template = NULL, *code_format = NULL;
  g_autofree char *work = NULL, *package = NULL, *zip_path = NULL;
  g_auto(GStrv) components = NULL;
  gboolean zip = FALSE, json = FALSE;
  McPackageOptions options = { 0 };
  McPackageReport report = { 0 };
  const McProcedure *procedure;
  int status = MC_EXIT_OK;
  const GOptionEntry entries[] = {
    { "procedure", 'p', 0, G_OPTION_ARG_STRING, &code, N_("The procedure's code, as “motcua-tool catalog” lists"), N_("CODE") },
    { "component", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &components, N_("The files for one component (repeatable)"), N_("KEY=FILE[,FILE…]") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Folder to write the package to"), N_("DIR") },
    { "zip", 0, 0, G_OPTION_ARG_NONE, &zip, N_("Also write DIR.zip"), NULL },
    { "max-size", 0, 0, G_OPTION_ARG_STRING, &max_size, N_("Largest file the portal takes (default: the portal's, e.g. 5M)"), N_("SIZE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON summary"), NULL },
    { "ward", 0, 0, G_OPTION_ARG_STRING, &ward, N_("The ward's code, for the digitization codes"), N_("CODE") },
    { "name-template", 0, 0, G_OPTION_ARG_STRING, &name_template, N_("How to name the files (default: {receipt}-{position:02}-{key})"), N_("TEMPLATE") },
    { "code-format", 0, 0, G_OPTION_ARG_STRING, &code_format, N_("How to make each file's digitization code (default: {ward_code}.{yyyymmdd}.{receipt}.{position:02})"), N_("TEMPLATE") },
    { NULL }
  };

  context = mc_tool_option_context_new (NULL,
                                        _("Prepare a procedure's files for the portal from scans or files: one searchable PDF per component, and manifest.json."),
                                        entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mc_tool_usage_error (context, error->message);
  if (argc > 1 || code == NULL || out == NULL)
    return mc_tool_usage_error (context, _("pack needs --procedure, at least one --component and --out"));
  if (max_size != NULL && !parse_size (max_size, &options.file_limit_bytes))
    return mc_tool_usage_error (context, _("--max-size takes a size such as 5M or 800K"));

  catalog = mc_procedure_catalog_load (&error);
  if (error != NULL)
    {
      fprintf (stderr, "motcua-tool: %s\n", error->message);
      return MC_EXIT_DATA;
    }
  if (!(procedure = mc_procedure_catalog_lookup (catalog, code)))
    {
      g_autofree char *msg = g_strdup_printf (_("There is no procedure %s in the catalog."), code);

      return mc_tool_usage_error (NULL, msg);
    }

  work = g_dir_make_tmp ("motcua-pack-XXXXXX", &error);
  options.name_template = name_template;
  options.code_format = code_format;
  if (work == NULL || !(visit = mc_visit_create (work, catalog, code, ward, NULL, NULL, &error)))
    {
      fprintf (stderr, "motcua-tool: %s\n", error->message);
      return MC_EXIT_FAILURE;
    }

  for (guint i = 0; components && components[i]; i++)
    if ((status = add_component (visit, procedure, code, components[i])) != MC_EXIT_OK)
      {
        mc_core_remove_tree (work, NULL);
        return status;
      }

  mc_visit_refresh_state (visit);
  if (!mc_package_build (visit, &options, &report, NULL, &error))
    {
      fprintf (stderr, "motcua-tool: %s\n", error->message);
      status = g_error_matches (error, MC_PACKAGE_ERROR, MC_PACKAGE_ERROR_MISSING) ? MC_EXIT_PACK_MISSING
             : g_error_matches (error, MC_PACKAGE_ERROR, MC_PACKAGE_ERROR_TOO_LARGE) ? MC_EXIT_PACK_TOO_LARGE
             : MC_EXIT_FAILURE;
      mc_visit_flush (visit, NULL);
      mc_core_remove_tree (work, NULL);
      return status;
    }

  package = g_build_filename (mc_visit_get_dir (visit), "package", NULL);
  zip_path = dup_zip_path (out);
  if (!copy_dir (package, out, &error) ||
      (zip && !mc_package_export_zip (out, zip_path, &error)))
    {
      fprintf (stderr, "motcua-tool: %s\n", error->message);
      status = MC_EXIT_PACK_OUTPUT;
    }
  mc_visit_flush (visit, NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  mc_core_remove_tree (work, NULL);
  if (status != MC_EXIT_OK)
    return status;

  if (json)
    {
      g_autofree char *manifest = g_build_filename (out, "manifest.json", NULL);
      g_autofree char *contents = NULL;

      if (g_file_get_contents (manifest, &contents, NULL, NULL))
        fputs (contents, stdout);
      fputc ('\n', stdout);
    }
  else
    printf (_("%u files, %u pages, %s, in %s (%.1f s)\n"), report.files, report.pages,
            g_format_size (report.bytes), out, report.seconds);
  return MC_EXIT_OK;
}
