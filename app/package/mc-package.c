/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-package"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mc-core.h"
#include "mc-file-util.h"
#include "mc-json.h"
#include "mc-package.h"
#include "mc-package-naming.h"
#include "mc-searchable-pdf.h"

G_DEFINE_QUARK (mc-package-error-quark, mc_package_error)

/* What to build, gathered on the main thread from the visit, so the worker
 * thread touches no live object. */
typedef struct {
  char      *key;
  char      *name;
  gboolean   required;
  guint      position;
  GPtrArray *inputs;      /* paths, in page order */
  McDigitRecord *record;
} PlanComponent;

typedef struct {
  char       *visit_id;
  char       *visit_dir;
  char       *ward_code;
  char       *counter;
  char       *procedure_code;
  char       *procedure_name;
  char       *portal;
  GDateTime  *day;        /* the visit's, local: codes and names */
  char       *receipt;
  char       *code_format;
  char       *name_template;
  GHashTable *codes;      /* given so far: each is unique */
  GHashTable *names;
  JsonObject *identity;   /* only when the clerk opted in */
  guint64     file_limit;
  guint64     total_limit;
  int         dpi;
  GPtrArray  *components; /* PlanComponent */
  McPackageFileHook file_hook;
  gpointer    file_hook_data;
  guint64     file_hook_reserve;
} Plan;

static void
plan_component_free (PlanComponent *c)
{
  g_free (c->key);
  g_free (c->name);
  g_ptr_array_unref (c->inputs);
  mc_digit_record_free (c->record);
  g_free (c);
}

static void
plan_free (Plan *plan)
{
  g_free (plan->visit_id);
  g_free (plan->visit_dir);
  g_free (plan->ward_code);
  g_free (plan->counter);
  g_free (plan->procedure_code);
  g_free (plan->procedure_name);
  g_free (plan->portal);
  g_clear_pointer (&plan->day, g_date_time_unref);
  g_free (plan->receipt);
  g_free (plan->code_format);
  g_free (plan->name_template);
  g_clear_pointer (&plan->codes, g_hash_table_unref);
  g_clear_pointer (&plan->names, g_hash_table_unref);
  g_clear_pointer (&plan->identity, json_object_unref);
  g_ptr_array_unref (plan->components);
  g_free (plan);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Plan, plan_free)

char *
mc_package_dup_file_name (guint       position,
                          const char *component_key,
                          const char *extension)
{
  return g_strdup_printf ("%02u-%s.%s", position, component_key, extension);
}

static Plan *
make_plan (McVisit                *visit,
           const McPackageOptions *options,
           GError                **error)
{
  const McProcedure *procedure = mc_visit_get_procedure (visit);
  g_autoptr(GPtrArray) missing = mc_visit_missing_required (visit);
  g_autoptr(Plan) plan = NULL;

  if (missing->len > 0)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < missing->len; i++)
        {
          const McComponent *c = g_ptr_array_index (missing, i);

          if (i > 0)
            g_string_append (names, "; ");
          g_string_append (names, mc_catalog_text (c->name, c->name_en));
        }
      g_set_error (error, MC_PACKAGE_ERROR, MC_PACKAGE_ERROR_MISSING,
                   ngettext ("A required paper is missing: %s. Scan or import it, then try again.",
                             "Required papers are missing: %s. Scan or import them, then try again.",
                             missing->len),
                   names->str);
      return NULL;
    }

  plan = g_new0 (Plan, 1);
  plan->components = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_component_free);
  plan->visit_id = g_strdup (mc_visit_get_id (visit));
  plan->visit_dir = g_strdup (mc_visit_get_dir (visit));
  plan->ward_code = g_strdup (mc_visit_get_ward_code (visit));
  plan->counter = g_strdup (mc_visit_get_counter (visit));
  plan->procedure_code = g_strdup (procedure->code);
  plan->procedure_name = g_strdup (procedure->name);
  plan->portal = g_strdup (procedure->portal->key);
  plan->day = g_date_time_to_local (mc_visit_get_created (visit));
  plan->receipt = g_strdup (mc_visit_get_receipt (visit));
  plan->code_format = g_strdup (options && options->code_format && *options->code_format
                                ? options->code_format : MC_DEFAULT_CODE_FORMAT);
  plan->name_template = g_strdup (options && options->name_template && *options->name_template
                                  ? options->name_template : MC_DEFAULT_NAME_TEMPLATE);
  plan->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  plan->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (mc_visit_get_identity_in_package (visit) && mc_visit_get_identity (visit) != NULL)
    plan->identity = json_object_ref (mc_visit_get_identity (visit));
  plan->file_limit = options && options->file_limit_bytes ? options->file_limit_bytes
                     : (guint64) procedure->portal->file_limit_mb * 1000 * 1000;
  plan->total_limit = options && options->total_limit_bytes ? options->total_limit_bytes
                      : (guint64) procedure->portal->total_limit_mb * 1000 * 1000;
  plan->dpi = options && options->dpi ? options->dpi : 200;
  plan->file_hook = options ? options->file_hook : NULL;
  plan->file_hook_data = options ? options->file_hook_data : NULL;
  plan->file_hook_reserve = options && options->file_hook ? options->file_hook_reserve : 0;

  for (guint i = 0; i < procedure->components->len; i++)
    {
      const McComponent *c = g_ptr_array_index (procedure->components, i);
      McPageStore *store = mc_visit_get_pages (visit, c->key);
      PlanComponent *pc = g_new0 (PlanComponent, 1);
      guint n = store ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0;

      pc->key = g_strdup (c->key);
      pc->name = g_strdup (c->name);
      pc->required = c->required;
      pc->position = i + 1;
      pc->inputs = g_ptr_array_new_null_terminated (0, g_free, TRUE);
      pc->record = mc_visit_get_record (visit, c->key)
                   ? mc_digit_record_copy (mc_visit_get_record (visit, c->key)) : mc_digit_record_new ();
      mc_digit_record_prefill (pc->record, c, plan->identity, NULL);
      /* The holder's number is the citizen's: in the manifest only when
       * the clerk opted in, as the identity is. */
      if (plan->identity == NULL)
        mc_digit_record_set (pc->record, MC_RECORD_HOLDER_ID, NULL);
      for (guint j = 0; j < n; j++)
        {
          g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (store), j);
          char *path = mc_visit_dup_page_for_package (visit, c->key, page);

          if (path != NULL)
            g_ptr_array_add (pc->inputs, path);
        }
      if (pc->required && pc->inputs->len == 0)
        {
          g_set_error (error, MC_PACKAGE_ERROR, MC_PACKAGE_ERROR_MISSING,
                       _("Every page of “%s” is blank. Scan the paper again, right side down."),
                       mc_catalog_text (c->name, c->name_en));
          plan_component_free (pc);
          return NULL;
        }
      g_ptr_array_add (plan->components, pc);
    }
  return g_steal_pointer (&plan);
}

static char *
sha256_file (const char  *path,
             guint64     *size,
             GError     **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);
  guchar buffer[64 * 1024];
  gssize n;

  *size = 0;
  if (in == NULL)
    return NULL;
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, sizeof buffer, NULL, error)) > 0)
    {
      g_checksum_update (sum, buffer, n);
      *size += (guint64) n;
    }
  if (n < 0)
    return NULL;
  return g_strdup (g_checksum_get_string (sum));
}

static char *
human_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_DEFAULT);
}

/* The manifest's head: format, program, visit, place and procedure. */
static void
add_manifest_head (JsonBuilder *b,
                   Plan        *plan)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

  json_builder_set_member_name (b, "format");
  json_builder_add_int_value (b, MC_PACKAGE_FORMAT);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, "motcua-package");
  json_builder_set_member_name (b, "program");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, PACKAGE_NAME);
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "visit_id");
  json_builder_add_string_value (b, plan->visit_id);
  json_builder_set_member_name (b, "created_at");
  json_builder_add_string_value (b, created);
  json_builder_set_member_name (b, "ward_code");
  json_builder_add_string_value (b, plan->ward_code);
  json_builder_set_member_name (b, "counter");
  json_builder_add_string_value (b, plan->counter);
  json_builder_set_member_name (b, "procedure");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, plan->procedure_code);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, plan->procedure_name);
  json_builder_set_member_name (b, "portal");
  json_builder_add_string_value (b, plan->portal);
  json_builder_end_object (b);
}

/* @text, or @text with ".2", ".3", … (@sep) if a file has it already:
 * a template without {position} still gives each file its own. */
static char *
take_unique (GHashTable *seen,
             const char *text,
             const char *sep,
             const char *ext)
{
  char *out = g_strconcat (text, ext, NULL);

  for (guint n = 2; g_hash_table_contains (seen, out); n++)
    {
      g_free (out);
      out = g_strdup_printf ("%s%s%u%s", text, sep, n, ext);
    }
  g_hash_table_add (seen, g_strdup (out));
  return out;
}

/* The digitization code and the file name of a component's @file-th file. */
static gboolean
name_file (Plan           *plan,
           PlanComponent  *pc,
           guint           file,
           char          **code,
           char          **name,
           GError        **error)
{
  McNamingContext ctx = {
    .ward_code = plan->ward_code, .date = plan->day, .receipt = plan->receipt,
    .visit_id = plan->visit_id, .procedure_code = plan->procedure_code,
    .key = pc->key, .position = pc->position, .file = file,
  };
  g_autofree char *c = mc_naming_expand (plan->code_format, &ctx, error);
  g_autofree char *n = c ? mc_naming_expand (plan->name_template, &ctx, error) : NULL;
  g_autofree char *safe = NULL;

  if (n == NULL)
    return FALSE;
  safe = mc_naming_sanitize (n);
  *code = take_unique (plan->codes, c, ".", "");
  *name = take_unique (plan->names, safe, "-", ".pdf");
  return TRUE;
}

/* One component: its searchable PDF in @work_dir (when it has pages),
 * within the per-file limit, and its entry in the manifest. */
static gboolean
write_component (JsonBuilder      *b,
                 Plan             *plan,
                 PlanComponent    *pc,
                 const char       *work_dir,
                 McPackageReport  *report,
                 guint64          *total,
                 GCancellable     *cancellable,
                 GError          **error)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, pc->key);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, pc->name);
  json_builder_set_member_name (b, "required");
  json_builder_add_boolean_value (b, pc->required);
  json_builder_set_member_name (b, "record");
  mc_digit_record_to_json (pc->record, b);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);

  if (pc->inputs->len > 0)
    {
      g_autofree char *code = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      g_autofree char *sha = NULL;
      g_autoptr(GError) local_error = NULL;
      McPdfOptions pdf = { 0 };
      McPdfReport pdf_report = { 0 };
      guint64 size = 0;

      if (!name_file (plan, pc, 1, &code, &name, error))
        return FALSE;
      path = g_build_filename (work_dir, name, NULL);
      pdf.dpi = plan->dpi;
      /* Room for what the hook adds (a signature), within the portal's limit. */
      pdf.max_bytes = plan->file_limit > 2 * plan->file_hook_reserve ? plan->file_limit - plan->file_hook_reserve
                                                                      : plan->file_limit;
      pdf.title = pc->name;
      if (!mc_searchable_pdf_write ((const char * const *) pc->inputs->pdata, path, &pdf,
                                    &pdf_report, cancellable, &local_error))
        {
          if (g_error_matches (local_error, MC_PDF_ERROR, MC_PDF_ERROR_TOO_LARGE))
            {
              g_autofree char *limit = human_size (plan->file_limit);

              g_set_error (error, MC_PACKAGE_ERROR, MC_PACKAGE_ERROR_TOO_LARGE,
                           _("“%s” does not fit the portal’s limit of %s per file even at the lowest legible quality. Split it, or scan fewer pages."),
                           pc->name, limit);
            }
          else
            g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (plan->file_hook != NULL)
        plan->file_hook (path, pc->key, cancellable, plan->file_hook_data);
      if (!(sha = sha256_file (path, &size, error)))
        return FALSE;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, name);
      json_builder_set_member_name (b, "media_type");
      json_builder_add_string_value (b, "application/pdf");
      json_builder_set_member_name (b, "size");
      json_builder_add_int_value (b, (gint64) size);
      json_builder_set_member_name (b, "pages");
      json_builder_add_int_value (b, pdf_report.pages);
      json_builder_set_member_name (b, "sha256");
      json_builder_add_string_value (b, sha);
      json_builder_set_member_name (b, "digitization_code");
      json_builder_add_string_value (b, code);
      json_builder_end_object (b);

      *total += size;
      report->files++;
      report->pages += pdf_report.pages;
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return TRUE;
}

/* Only the three identity fields the format allows, whatever else is known. */
static void
add_identity (JsonBuilder *b,
              Plan        *plan)
{
  static const char * const allowed[] = { "full_name", "id_number", "date_of_birth" };

  json_builder_set_member_name (b, "identity");
  if (plan->identity == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      const char *value = json_object_get_string_member_with_default (plan->identity, allowed[i], NULL);

      mc_json_add_string_or_null (b, allowed[i], value);
    }
  json_builder_end_object (b);
}

/* Swaps the new package in; an old one goes only once the new is whole.
 * Each file in it is synced already; the visit's folder is synced after
 * the rename, so the new package survives a power cut whole. */
static gboolean
swap_in (const char  *work_dir,
         const char  *final_dir,
         const char  *old_dir,
         GError     **error)
{
  mc_core_remove_tree (old_dir, NULL);
  if (g_file_test (final_dir, G_FILE_TEST_EXISTS) && g_rename (final_dir, old_dir) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not put the package in place: %s"), g_strerror (saved));
      return FALSE;
    }
  if (!mc_dir_commit (work_dir, final_dir, error))
    return FALSE;
  mc_core_remove_tree (old_dir, NULL);
  return TRUE;
}

static gboolean
build (Plan             *plan,
       McPackageReport  *report,
       GCancellable     *cancellable,
       GError          **error)
{
  g_autofree char *final_dir = g_build_filename (plan->visit_dir, "package", NULL);
  g_autofree char *work_dir = g_build_filename (plan->visit_dir, "package.tmp", NULL);
  g_autofree char *old_dir = g_build_filename (plan->visit_dir, "package.old", NULL);
  g_autofree char *manifest_path = g_build_filename (work_dir, "manifest.json", NULL);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  gint64 start = g_get_monotonic_time ();
  guint64 total = 0;

  memset (report, 0, sizeof *report);
  mc_core_remove_tree (work_dir, NULL);
  if (!mc_dir_ensure_private (work_dir, error))
    return FALSE;

  json_builder_begin_object (b);
  add_manifest_head (b, plan);
  json_builder_set_member_name (b, "components");
  json_builder_begin_array (b);
  for (guint i = 0; i < plan->components->len; i++)
    if (!write_component (b, plan, g_ptr_array_index (plan->components, i), work_dir,
                          report, &total, cancellable, error))
      goto failed;
  json_builder_end_array (b);

  if (total > plan->total_limit)
    {
      g_autofree char *limit = human_size (plan->total_limit);
      g_autofree char *got = human_size (total);

      g_set_error (error, MC_PACKAGE_ERROR, MC_PACKAGE_ERROR_TOO_LARGE,
                   _("The files come to %s, more than the portal’s limit of %s for one filing."),
                   got, limit);
      goto failed;
    }
  json_builder_set_member_name (b, "total_size");
  json_builder_add_int_value (b, (gint64) total);
  add_identity (b, plan);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json = json_generator_to_data (gen, NULL);
  /* Last, so a folder with a manifest is a complete package. */
  if (!mc_file_write_atomically (manifest_path, json, -1, error))
    goto failed;
  if (!swap_in (work_dir, final_dir, old_dir, error))
    return FALSE;

  report->bytes = total;
  report->seconds = (g_get_monotonic_time () - start) / 1e6;
  return TRUE;

failed:
  mc_core_remove_tree (work_dir, NULL);
  return FALSE;
}

gboolean
mc_package_build (McVisit                *visit,
                  const McPackageOptions *options,
                  McPackageReport        *report,
                  GCancellable           *cancellable,
                  GError                **error)
{
  g_autoptr(Plan) plan = make_plan (visit, options, error);
  g_autofree char *dir = NULL;
  McPackageReport local_report;

  if (plan == NULL)
    return FALSE;
  if (!build (plan, report ? report : &local_report, cancellable, error))
    return FALSE;
  dir = g_build_filename (mc_visit_get_dir (visit), "package", NULL);
  mc_visit_set_packaged (visit, dir);
  return TRUE;
}

typedef struct {
  Plan            *plan;
  McPackageReport  report;
} BuildData;

static void
build_data_free (gpointer data)
{
  BuildData *bd = data;

  plan_free (bd->plan);
  g_free (bd);
}

static void
build_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  BuildData *bd = task_data;
  GError *error = NULL;

  if (build (bd->plan, &bd->report, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
mc_package_build_async (McVisit                *visit,
                        const McPackageOptions *options,
                        GCancellable           *cancellable,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (visit, cancellable, callback, user_data);
  GError *error = NULL;
  Plan *plan = make_plan (visit, options, &error);
  BuildData *bd;

  g_task_set_source_tag (task, mc_package_build_async);
  if (plan == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  bd = g_new0 (BuildData, 1);
  bd->plan = plan;
  g_task_set_task_data (task, bd, build_data_free);
  g_task_run_in_thread (task, build_thread);
}

gboolean
mc_package_build_finish (McVisit          *visit,
                         GAsyncResult     *result,
                         McPackageReport  *report,
                         GError          **error)
{
  BuildData *bd;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (g_task_is_valid (result, visit), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  bd = g_task_get_task_data (G_TASK (result));
  if (report != NULL)
    *report = bd->report;
  dir = g_build_filename (mc_visit_get_dir (visit), "package", NULL);
  mc_visit_set_packaged (visit, dir);
  return TRUE;
}

GPtrArray *
mc_package_list_files (const char *package_dir)
{
  g_autofree char *manifest = g_build_filename (package_dir, "manifest.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  JsonArray *components;

  if (!json_parser_load_from_file (parser, manifest, NULL) ||
      json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      !(components = mc_json_get_array (json_node_get_object (json_parser_get_root (parser)), manifest,
                                        "components", TRUE, NULL)))
    return NULL;
  for (guint i = 0; i < json_array_get_length (components); i++)
    {
      JsonNode *c = json_array_get_element (components, i);
      JsonArray *files = JSON_NODE_HOLDS_OBJECT (c)
                         ? mc_json_get_array (json_node_get_object (c), manifest, "files", FALSE, NULL) : NULL;

      for (guint j = 0; files && j < json_array_get_length (files); j++)
        {
          JsonNode *f = json_array_get_element (files, j);
          const char *name = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (f) ||
              !mc_json_get_string (json_node_get_object (f), manifest, "name", TRUE, &name, NULL))
            return NULL;
          g_ptr_array_add (names, g_strdup (name));
        }
    }
  return g_steal_pointer (&names);
}

/* Checks a package folder against its manifest: every file there with its
 * size and SHA-256, nothing else in the folder. */
gboolean
mc_package_verify (const char  *package_dir,
                   GError     **error)
{
  g_autofree char *manifest = g_build_filename (package_dir, "manifest.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonArray *components;
  const char *name;
  gint64 format = 0;

  /* Typed getters throughout: a damaged manifest is an error, never a
   * critical (an empty file parses to no root at all). */
  if (!json_parser_load_from_file (parser, manifest, &local_error))
    {
      /* json-glib quotes the text it stumbled on, cut even inside a character. */
      g_autofree char *detail = g_utf8_make_valid (local_error->message, -1);

      g_set_error_literal (error, local_error->domain, local_error->code, detail);
      return FALSE;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto invalid;
  root = json_node_get_object (json_parser_get_root (parser));
  if (!mc_json_get_int (root, manifest, "format", TRUE, &format, NULL) || format < 1 || format > MC_PACKAGE_FORMAT ||
      !(components = mc_json_get_array (root, manifest, "components", TRUE, NULL)))
    goto invalid;

  for (guint i = 0; i < json_array_get_length (components); i++)
    {
      JsonNode *c = json_array_get_element (components, i);
      JsonArray *files = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (c))
        goto invalid;
      files = mc_json_get_array (json_node_get_object (c), manifest, "files", FALSE, &local_error);
      if (local_error != NULL)
        goto invalid;

      for (guint j = 0; files && j < json_array_get_length (files); j++)
        {
          JsonNode *node = json_array_get_element (files, j);
          JsonObject *f;
          const char *file_name = NULL, *listed_sha = NULL;
          gint64 listed_size = -1;
          g_autofree char *path = NULL;
          g_autofree char *sha = NULL;
          guint64 size = 0;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            goto invalid;
          f = json_node_get_object (node);
          if (!mc_json_get_string (f, manifest, "name", TRUE, &file_name, NULL) ||
              !mc_json_get_int (f, manifest, "size", TRUE, &listed_size, NULL) ||
              !mc_json_get_string (f, manifest, "sha256", TRUE, &listed_sha, NULL) ||
              *file_name == '\0' || strchr (file_name, '/') != NULL)
            goto invalid;
          path = g_build_filename (package_dir, file_name, NULL);
          if (!(sha = sha256_file (path, &size, error)))
            return FALSE;
          if (listed_size < 0 || size != (guint64) listed_size || g_strcmp0 (sha, listed_sha) != 0)
            {
              g_set_error (error, MC_PACKAGE_ERROR, MC_PACKAGE_ERROR_FAILED,
                           _("The file %s changed after the package was made. Make the package again."),
                           file_name);
              return FALSE;
            }
          g_hash_table_add (listed, g_strdup (file_name));
        }
    }

  listing = g_dir_open (package_dir, 0, error);
  if (listing == NULL)
    return FALSE;
  while ((name = g_dir_read_name (listing)) != NULL)
    if (!g_str_equal (name, "manifest.json") && !g_hash_table_contains (listed, name))
      {
        g_set_error (error, MC_PACKAGE_ERROR, MC_PACKAGE_ERROR_FAILED,
                     _("The package folder holds a file its manifest does not list: %s"), name);
        return FALSE;
      }
  return TRUE;

invalid:
  g_set_error (error, MC_PACKAGE_ERROR, MC_PACKAGE_ERROR_FAILED,
               _("%s is not a package manifest this program can read."), manifest);
  return FALSE;
}

/* The package as one ZIP (for a USB stick or a portal that takes one):
 * manifest.json and the files, at the top level. */
gboolean
mc_package_export_zip (const char  *package_dir,
                       const char  *zip_path,
                       GError     **error)
{
  g_autofree char *temp = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  struct archive *a;
  const char *name;
  gboolean ok = TRUE;

  if (!mc_package_verify (package_dir, error))
    return FALSE;
  if (!(listing = g_dir_open (package_dir, 0, error)))
    return FALSE;
  while ((name = g_dir_read_name (listing)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  /* Private from the first byte: libarchive truncates it, keeping 0600. */
  if (!(temp = mc_file_temp_create (zip_path, error)))
    return FALSE;

  a = archive_write_new ();
  archive_write_set_format_zip (a);
  /* UTF-8 names; stored, not deflated: PDFs and JPEGs do not shrink. */
  archive_write_set_options (a, "zip:compression=store,zip:hdrcharset=UTF-8");
  if (archive_write_open_filename (a, temp) != ARCHIVE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write %s: %s"),
                   zip_path, archive_error_string (a));
      archive_write_free (a);
      g_unlink (temp);
      return FALSE;
    }

  for (guint i = 0; ok && i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (package_dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;
      struct archive_entry *entry;

      if (!g_file_get_contents (path, &contents, &length, error))
        {
          ok = FALSE;
          break;
        }
      entry = archive_entry_new ();
      archive_entry_set_pathname (entry, g_ptr_array_index (names, i));
      archive_entry_set_size (entry, (la_int64_t) length);
      archive_entry_set_filetype (entry, AE_IFREG);
      archive_entry_set_perm (entry, 0600);
      if (archive_write_header (a, entry) != ARCHIVE_OK ||
          archive_write_data (a, contents, length) != (la_ssize_t) length)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write %s: %s"),
                       zip_path, archive_error_string (a));
          ok = FALSE;
        }
      archive_entry_free (entry);
    }

  if (archive_write_close (a) != ARCHIVE_OK && ok)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write %s: %s"),
                   zip_path, archive_error_string (a));
      ok = FALSE;
    }
  archive_write_free (a);

  if (!ok)
    {
      g_unlink (temp);
      return FALSE;
    }
  return mc_file_commit (temp, zip_path, error);
}
