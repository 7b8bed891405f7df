/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-visit"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-digit-record.h"
#include "mc-error.h"
#include "mc-file-util.h"
#include "mc-json.h"
#include "mc-id-rules.h"
#include "mc-identity.h"
#include "mc-visit.h"

#define VISIT_FILE "visit.json"

struct _McVisit
{
  GObject             parent_instance;

  char               *id;
  char               *dir;
  const McProcedure  *procedure;   /* owned by the catalog, which we keep */
  McProcedureCatalog *catalog;
  char               *ward_code;
  char               *counter;
  char               *clerk;
  GDateTime          *created;
  GDateTime          *updated;
  McVisitState        state;

  GHashTable         *stores;      /* component key → McPageStore */
  GHashTable         *cleanups;    /* "key/basename" → McPageCleanup */
  JsonObject         *identity;
  GHashTable         *records;     /* component key → McDigitRecord */
  gboolean            identity_in_package;
  gboolean            purged;     /* its folder is deleted: nothing is written again */

  char               *package_dir;
  GDateTime          *packaged;
  char               *receipt;
  McSubmitMethod      method;
  GDateTime          *submitted;
  char               *filing_uuid;
  char               *self_service_code;  /* the code a citizen was given at the kiosk */
  GDateTime          *recorded;
  GDateTime          *abandoned;

  McSerialWriter     *writer;
};

G_DEFINE_FINAL_TYPE (McVisit, mc_visit, G_TYPE_OBJECT)
G_DEFINE_QUARK (mc-visit-error-quark, mc_visit_error)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const state_strings[] = {
  "draft", "ready", "packaged", "handed-off", "uploaded", "recorded", "abandoned",
};

const char *
mc_visit_state_to_string (McVisitState state)
{
  g_return_val_if_fail (state <= MC_VISIT_ABANDONED, "draft");
  return state_strings[state];
}

const char *
mc_visit_state_get_label (McVisitState state)
{
  switch (state)
    {
    case MC_VISIT_DRAFT: return _("Gathering papers");
    case MC_VISIT_READY: return _("Papers complete");
    case MC_VISIT_PACKAGED: return _("Files ready for the portal");
    case MC_VISIT_HANDED_OFF: return _("Filed in the browser");
    case MC_VISIT_UPLOADED: return _("Uploaded to the portal");
    case MC_VISIT_RECORDED: return _("Recorded");
    case MC_VISIT_ABANDONED: return _("Abandoned");
    default: return "";
    }
}

static void
cleanup_free (McPageCleanup *c)
{
  g_free (c->output);
  g_free (c);
}

static void
mc_visit_finalize (GObject *object)
{
  McVisit *self = MC_VISIT (object);

  g_free (self->id);
  g_free (self->dir);
  g_clear_object (&self->catalog);
  g_free (self->ward_code);
  g_free (self->counter);
  g_free (self->clerk);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->updated, g_date_time_unref);
  g_clear_pointer (&self->stores, g_hash_table_unref);
  g_clear_pointer (&self->cleanups, g_hash_table_unref);
  g_clear_pointer (&self->identity, json_object_unref);
  g_clear_pointer (&self->records, g_hash_table_unref);
  g_free (self->package_dir);
  g_clear_pointer (&self->packaged, g_date_time_unref);
  g_free (self->receipt);
  g_clear_pointer (&self->submitted, g_date_time_unref);
  g_free (self->filing_uuid);
  g_free (self->self_service_code);
  g_clear_pointer (&self->recorded, g_date_time_unref);
  g_clear_pointer (&self->abandoned, g_date_time_unref);
  g_clear_pointer (&self->writer, mc_serial_writer_free);

  G_OBJECT_CLASS (mc_visit_parent_class)->finalize (object);
}

static void
mc_visit_class_init (McVisitClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_visit_finalize;

  /* Anything about the visit changed: state, pages, identity, receipt. */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mc_visit_init (McVisit *self)
{
  self->stores = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->cleanups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cleanup_free);
  self->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) mc_digit_record_free);
}

/* ---- visit.json ------------------------------------------------------------ */

static void
add_time (JsonBuilder *b,
          const char  *member,
          GDateTime   *time)
{
  json_builder_set_member_name (b, member);
  if (time != NULL)
    {
      g_autofree char *text = g_date_time_format_iso8601 (time);

      json_builder_add_string_value (b, text);
    }
  else
    json_builder_add_null_value (b);
}

static char *
to_json (McVisit *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  GHashTableIter iter;
  gpointer key, value;
  static const char * const methods[] = { NULL, "browser", "api" };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_int_value (b, 1);
  mc_json_add_string_or_null (b, "id", self->id);
  add_time (b, "created_at", self->created);
  add_time (b, "updated_at", self->updated);
  mc_json_add_string_or_null (b, "ward_code", self->ward_code);
  mc_json_add_string_or_null (b, "counter", self->counter);
  mc_json_add_string_or_null (b, "clerk", self->clerk);
  mc_json_add_string_or_null (b, "procedure", self->procedure->code);
  mc_json_add_string_or_null (b, "state", mc_visit_state_to_string (self->state));

  json_builder_set_member_name (b, "cleanup");
  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, self->cleanups);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      McPageCleanup *c = value;

      json_builder_set_member_name (b, key);
      json_builder_begin_object (b);
      mc_json_add_string_or_null (b, "output", c->output);
      mc_json_add_string_or_null (b, "kind", mc_page_kind_to_string (c->kind));
      json_builder_set_member_name (b, "rotation");
      json_builder_add_int_value (b, c->rotation);
      json_builder_set_member_name (b, "skew");
      json_builder_add_double_value (b, c->skew);
      json_builder_set_member_name (b, "blank");
      json_builder_add_boolean_value (b, c->blank);
      json_builder_set_member_name (b, "undone");
      json_builder_add_boolean_value (b, c->undone);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "identity");
  if (self->identity != NULL)
    {
      JsonNode *node = json_node_init_object (json_node_alloc (), self->identity);

      json_builder_add_value (b, node);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "identity_in_package");
  json_builder_add_boolean_value (b, self->identity_in_package);
  json_builder_set_member_name (b, "records");
  mc_digit_records_to_json (self->records, b);

  mc_json_add_string_or_null (b, "package_dir", self->package_dir);
  add_time (b, "packaged_at", self->packaged);
  mc_json_add_string_or_null (b, "receipt", self->receipt);
  mc_json_add_string_or_null (b, "submit_method", methods[self->method]);
  add_time (b, "submitted_at", self->submitted);
  mc_json_add_string_or_null (b, "filing_uuid", self->filing_uuid);
  mc_json_add_string_or_null (b, "self_service_code", self->self_service_code);
  add_time (b, "recorded_at", self->recorded);
  add_time (b, "abandoned_at", self->abandoned);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

static void
touch (McVisit *self)
{
  g_clear_pointer (&self->updated, g_date_time_unref);
  self->updated = g_date_time_new_now_utc ();
}

void
mc_visit_schedule_save (McVisit *self)
{
  g_return_if_fail (MC_IS_VISIT (self));
  if (self->purged)
    return;
  mc_serial_writer_queue (self->writer, to_json (self));
}

/* The retention purge deleted the visit's folder. Whoever still holds the
 * visit (a cleanup finishing late, a view) may change it, but it is never
 * written again: nothing of it comes back on disk. */
void
mc_visit_set_purged (McVisit *self)
{
  g_return_if_fail (MC_IS_VISIT (self));
  self->purged = TRUE;
}

gboolean
mc_visit_save (McVisit  *self,
               GError  **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (MC_IS_VISIT (self), FALSE);
  if (self->purged)
    return TRUE;
  json = to_json (self);
  return mc_serial_writer_write_now (self->writer, json, error);
}

/* Saves what is pending now, waiting: before the program exits. */
gboolean
mc_visit_flush (McVisit  *self,
                GError  **error)
{
  GHashTableIter iter;
  gpointer store;

  if (self->purged)
    return TRUE;
  g_hash_table_iter_init (&iter, self->stores);
  while (g_hash_table_iter_next (&iter, NULL, &store))
    if (!mc_page_store_flush (store, error))
      return FALSE;
  return mc_visit_save (self, error);
}

static void
changed (McVisit *self)
{
  touch (self);
  mc_visit_schedule_save (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* An optional time; one that is there must be text in ISO 8601. */
static gboolean
get_time (JsonObject  *obj,
          const char  *member,
          GDateTime  **out,
          GError     **error)
{
  const char *text = NULL;

  if (!mc_json_get_string (obj, VISIT_FILE, member, FALSE, &text, error))
    return FALSE;
  *out = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
  if (text != NULL && *out == NULL)
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the field “%s” must be %s"), VISIT_FILE, member, _("a date and time"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_string_copy (JsonObject  *obj,
                 const char  *member,
                 const char  *fallback,
                 char       **out,
                 GError     **error)
{
  const char *text = NULL;

  if (!mc_json_get_string (obj, VISIT_FILE, member, FALSE, &text, error))
    return FALSE;
  *out = g_strdup (text ? text : fallback);
  return TRUE;
}

static gboolean
is_uuid (const char *s)
{
  return s != NULL && g_uuid_string_is_valid (s);
}

/* A copy of @identity with the text of each field read from the card
 * cleaned (mc_id_clean_text): no character that reorders or hides text
 * reaches visit.json, the manifest or a screen, whoever set the identity
 * and whenever the file was written. A field that is not UTF-8 is left
 * out. The other members (which scans it came from) are the program's own
 * and are kept as they are. */
static JsonObject *
clean_identity (JsonObject *identity)
{
  JsonObject *clean = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, identity);
  while (json_object_iter_next (&iter, &name, &node))
    {
      if (mc_id_field_from_string (name) != MC_ID_FIELD_NONE &&
          JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_autofree char *text = mc_id_clean_text (json_node_get_string (node));

          if (text != NULL)
            json_object_set_string_member (clean, name, text);
        }
      else
        json_object_set_member (clean, name, json_node_copy (node));
    }
  return clean;
}

/* The "cleanup" member: page key → how it was cleaned. */
static gboolean
load_cleanups (McVisit     *self,
               JsonObject  *root,
               GError     **error)
{
  JsonObject *cleanup = mc_json_get_object (root, VISIT_FILE, "cleanup", FALSE, error);
  g_autoptr(GList) members = NULL;

  if (cleanup == NULL)
    return error == NULL || *error == NULL;

  members = json_object_get_members (cleanup);
  for (GList *l = members; l; l = l->next)
    {
      JsonObject *o = mc_json_get_object (cleanup, VISIT_FILE, l->data, TRUE, error);
      const char *output = NULL, *kind = NULL;
      gint64 rotation = 0;
      double skew = 0;
      gboolean blank = FALSE, undone = FALSE;
      McPageCleanup *c;

      if (o == NULL ||
          !mc_json_get_string (o, VISIT_FILE, "output", FALSE, &output, error) ||
          !mc_json_get_string (o, VISIT_FILE, "kind", FALSE, &kind, error) ||
          !mc_json_get_int (o, VISIT_FILE, "rotation", FALSE, &rotation, error) ||
          !mc_json_get_double (o, VISIT_FILE, "skew", FALSE, &skew, error) ||
          !mc_json_get_bool (o, VISIT_FILE, "blank", FALSE, &blank, error) ||
          !mc_json_get_bool (o, VISIT_FILE, "undone", FALSE, &undone, error))
        return FALSE;
      c = g_new0 (McPageCleanup, 1);
      c->output = g_strdup (output);
      c->kind = g_strcmp0 (kind, "lineart") == 0 ? MC_PAGE_KIND_LINEART
              : g_strcmp0 (kind, "colour") == 0 ? MC_PAGE_KIND_COLOUR : MC_PAGE_KIND_GREY;
      c->rotation = (int) CLAMP (rotation, -360, 360);
      c->skew = skew;
      c->blank = blank;
      c->undone = undone;
      g_hash_table_insert (self->cleanups, g_strdup (l->data), c);
    }
  return TRUE;
}

/* The identity the clerk accepted: flat, one value per field (readers ask
 * for text, and json-glib's getters turn a nested member into a critical).
 * A copy, so that it does not share the parser's sealed tree. */
static JsonObject *
copy_identity (JsonObject  *identity,
               GError     **error)
{
  g_autoptr(JsonObject) copy = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (identity);

  for (GList *l = members; l; l = l->next)
    {
      JsonNode *node = json_object_get_member (identity, l->data);

      if (!JSON_NODE_HOLDS_VALUE (node) && !JSON_NODE_HOLDS_NULL (node))
        {
          g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                       _("%s: the field “%s” must be %s"), VISIT_FILE, (const char *) l->data, _("text"));
          return NULL;
        }
      json_object_set_member (copy, l->data, json_node_copy (node));
    }
  return g_steal_pointer (&copy);
}

/* Everything after the id and procedure; any member of the wrong type
 * makes the file damaged (an error, never a critical). */
static gboolean
load_members (McVisit     *self,
              JsonObject  *root,
              GError     **error)
{
  const char *state = NULL, *method = NULL;
  JsonObject *identity;

  if (!get_string_copy (root, "ward_code", "", &self->ward_code, error) ||
      !get_string_copy (root, "counter", "", &self->counter, error) ||
      !get_string_copy (root, "clerk", "", &self->clerk, error) ||
      !get_time (root, "created_at", &self->created, error) ||
      !get_time (root, "updated_at", &self->updated, error) ||
      !mc_json_get_string (root, VISIT_FILE, "state", FALSE, &state, error))
    return FALSE;
  if (self->created == NULL)
    {
      g_set_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the field “%s” is missing"), VISIT_FILE, "created_at");
      return FALSE;
    }

  self->state = MC_VISIT_DRAFT;
  for (guint i = 0; state != NULL && i < G_N_ELEMENTS (state_strings); i++)
    if (g_str_equal (state, state_strings[i]))
      self->state = i;

  if (!load_cleanups (self, root, error) || !mc_digit_records_load (self->records, root, VISIT_FILE, error))
    return FALSE;

  identity = mc_json_get_object (root, VISIT_FILE, "identity", FALSE, error);
  if (identity == NULL && error != NULL && *error != NULL)
    return FALSE;
  if (identity != NULL)
    {
      g_autoptr(JsonObject) copy = copy_identity (identity, error);

      if (copy == NULL)
        return FALSE;
      self->identity = clean_identity (copy);
    }
  if (!mc_json_get_bool (root, VISIT_FILE, "identity_in_package", FALSE, &self->identity_in_package, error) ||
      !get_string_copy (root, "package_dir", NULL, &self->package_dir, error) ||
      !get_time (root, "packaged_at", &self->packaged, error) ||
      !get_string_copy (root, "receipt", NULL, &self->receipt, error) ||
      !mc_json_get_string (root, VISIT_FILE, "submit_method", FALSE, &method, error) ||
      !get_time (root, "submitted_at", &self->submitted, error) ||
      !get_string_copy (root, "filing_uuid", NULL, &self->filing_uuid, error) ||
      !get_string_copy (root, "self_service_code", NULL, &self->self_service_code, error) ||
      !get_time (root, "recorded_at", &self->recorded, error) ||
      !get_time (root, "abandoned_at", &self->abandoned, error))
    return FALSE;
  self->method = g_strcmp0 (method, "browser") == 0 ? MC_SUBMIT_BROWSER
               : g_strcmp0 (method, "api") == 0 ? MC_SUBMIT_API : MC_SUBMIT_NONE;
  return TRUE;
}

McVisit *
mc_visit_load (const char          *dir,
               McProcedureCatalog  *catalog,
               GError             **error)
{
  g_autofree char *path = g_build_filename (dir, VISIT_FILE, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(McVisit) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  JsonObject *root;
  const char *id = NULL, *code = NULL;
  gint64 format = 0;

  /* An empty, truncated or mistyped file is a damaged visit, never a
   * critical: every member is read with the typed getters of mc-json.h. */
  if (!(bytes = g_file_load_bytes (file, NULL, NULL, &local_error)))
    {
      g_set_error (error, MC_VISIT_ERROR, MC_VISIT_ERROR_INVALID,
                   _("The saved visit in %s cannot be read: %s"), dir, local_error->message);
      return NULL;
    }
  if (!(node = mc_json_parse_bytes (bytes, VISIT_FILE, &local_error)) ||
      !mc_json_get_int (root = json_node_get_object (node), VISIT_FILE, "format", TRUE, &format, &local_error))
    goto invalid;
  if (format != 1)
    {
      g_set_error (error, MC_VISIT_ERROR, MC_VISIT_ERROR_INVALID,
                   _("The saved visit in %s was written by a newer program."), dir);
      return NULL;
    }

  self = g_object_new (MC_TYPE_VISIT, NULL);
  self->dir = g_canonicalize_filename (dir, NULL);
  self->writer = mc_serial_writer_new (path);
  self->catalog = g_object_ref (catalog);
  if (!mc_json_get_string (root, VISIT_FILE, "id", TRUE, &id, &local_error))
    goto invalid;
  self->id = g_strdup (id);
  if (!is_uuid (self->id))
    {
      g_set_error (&local_error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID,
                   _("%s: the field “%s” must be %s"), VISIT_FILE, "id", _("a UUID"));
      goto invalid;
    }

  if (!mc_json_get_string (root, VISIT_FILE, "procedure", FALSE, &code, &local_error))
    goto invalid;
  if (!(self->procedure = mc_procedure_catalog_lookup (catalog, code)))
    {
      g_set_error (error, MC_VISIT_ERROR, MC_VISIT_ERROR_UNKNOWN_PROCEDURE,
                   _("The saved visit is for procedure %s, which is no longer in the catalog."),
                   code ? code : "?");
      return NULL;
    }

  if (!load_members (self, root, &local_error))
    goto invalid;
  return g_steal_pointer (&self);

invalid:
  g_set_error (error, MC_VISIT_ERROR, MC_VISIT_ERROR_INVALID,
               _("The saved visit in %s is damaged: %s"), dir,
               local_error ? local_error->message : "");
  return NULL;
}

McVisit *
mc_visit_create (const char         *visits_dir,
                 McProcedureCatalog *catalog,
                 const char         *procedure_code,
                 const char         *ward_code,
                 const char         *counter,
                 const char         *clerk,
                 GError            **error)
{
  g_autoptr(McVisit) self = g_object_new (MC_TYPE_VISIT, NULL);
  g_autofree char *path = NULL;
  const McProcedure *procedure = mc_procedure_catalog_lookup (catalog, procedure_code);

  if (procedure == NULL)
    {
      g_set_error (error, MC_VISIT_ERROR, MC_VISIT_ERROR_UNKNOWN_PROCEDURE,
                   _("There is no procedure %s in the catalog."), procedure_code);
      return NULL;
    }

  self->id = g_uuid_string_random ();
  self->dir = g_build_filename (visits_dir, self->id, NULL);
  if (!mc_dir_ensure_private (visits_dir, error) || !mc_dir_ensure_private (self->dir, error))
    return NULL;
  path = g_build_filename (self->dir, VISIT_FILE, NULL);
  self->writer = mc_serial_writer_new (path);
  self->catalog = g_object_ref (catalog);
  self->procedure = procedure;
  self->ward_code = g_strdup (ward_code ? ward_code : "");
  self->counter = g_strdup (counter ? counter : "");
  self->clerk = g_strdup (clerk ? clerk : "");
  self->created = g_date_time_new_now_utc ();
  self->updated = g_date_time_ref (self->created);
  self->state = MC_VISIT_DRAFT;

  /* On disk before anyone sees it: a crash a second later still leaves a
   * visit to resume. */
  if (!mc_visit_save (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* ---- accessors ------------------------------------------------------------- */

const char *mc_visit_get_id (McVisit *self) { return self->id; }
const char *mc_visit_get_dir (McVisit *self) { return self->dir; }
const McProcedure *mc_visit_get_procedure (McVisit *self) { return self->procedure; }
const char *mc_visit_get_ward_code (McVisit *self) { return self->ward_code; }
const char *mc_visit_get_counter (McVisit *self) { return self->counter; }
const char *mc_visit_get_clerk (McVisit *self) { return self->clerk; }
GDateTime *mc_visit_get_created (McVisit *self) { return self->created; }
McVisitState mc_visit_get_state (McVisit *self) { return self->state; }
const char *mc_visit_get_package_dir (McVisit *self) { return self->package_dir; }
const char *mc_visit_get_receipt (McVisit *self) { return self->receipt; }
McSubmitMethod mc_visit_get_submit_method (McVisit *self) { return self->method; }
const char *mc_visit_get_filing_uuid (McVisit *self) { return self->filing_uuid; }
JsonObject *mc_visit_get_identity (McVisit *self) { return self->identity; }
gboolean mc_visit_get_identity_in_package (McVisit *self) { return self->identity_in_package; }
const McDigitRecord *mc_visit_get_record (McVisit *self, const char *key) { return g_hash_table_lookup (self->records, key); }

gboolean
mc_visit_is_finished (McVisit *self)
{
  return self->state == MC_VISIT_RECORDED || self->state == MC_VISIT_ABANDONED;
}

/* When the retention period starts: the filing recorded or the visit given up. */
GDateTime *
mc_visit_get_finished (McVisit *self)
{
  if (self->state == MC_VISIT_RECORDED)
    return self->recorded;
  if (self->state == MC_VISIT_ABANDONED)
    return self->abandoned;
  return NULL;
}

/* The last change saved in visit.json (its papers may be newer: the
 * store also looks at the files). */
GDateTime *
mc_visit_get_updated (McVisit *self)
{
  g_return_val_if_fail (MC_IS_VISIT (self), NULL);
  return self->updated ? self->updated : self->created;
}

/* The clerk's record, or one pre-filled for the clerk, of a component. */
void
mc_visit_set_record (McVisit             *self,
                     const char          *component_key,
                     const McDigitRecord *record)
{
  g_return_if_fail (MC_IS_VISIT (self));
  g_return_if_fail (mc_procedure_find_component (self->procedure, component_key) != NULL);
  g_hash_table_insert (self->records, g_strdup (component_key), mc_digit_record_copy (record));
  changed (self);
}

/* ---- papers ------------------------------------------------------------------ */

McPageStore *
mc_visit_get_pages (McVisit    *self,
                    const char *component_key)
{
  McPageStore *store;

  g_return_val_if_fail (MC_IS_VISIT (self), NULL);
  g_return_val_if_fail (mc_procedure_find_component (self->procedure, component_key) != NULL, NULL);

  store = g_hash_table_lookup (self->stores, component_key);
  if (store == NULL)
    {
      g_autofree char *dir = g_build_filename (self->dir, "components", component_key, NULL);
      g_autoptr(GError) error = NULL;

      store = mc_page_store_new (dir, &error);
      if (store == NULL)
        {
          /* The folder is ours and private: failing here means the disk
           * failed; the clerk sees it when the scan cannot be saved. */
          g_warning ("Cannot open the pages of a visit: %s", error->message);
          return NULL;
        }
      g_hash_table_insert (self->stores, g_strdup (component_key), store);
    }
  return store;
}

char *
mc_visit_dup_clean_dir (McVisit    *self,
                        const char *component_key)
{
  return g_build_filename (self->dir, "components", component_key, ".clean", NULL);
}

guint
mc_visit_count_pages (McVisit    *self,
                      const char *component_key)
{
  McPageStore *store = mc_visit_get_pages (self, component_key);

  return store ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0;
}

guint
mc_visit_count_all_pages (McVisit *self)
{
  guint n = 0;

  for (guint i = 0; i < self->procedure->components->len; i++)
    n += mc_visit_count_pages (self, ((McComponent *) g_ptr_array_index (self->procedure->components, i))->key);
  return n;
}

/* Returns: (transfer container) (element-type McComponent): the required
 * components that have no page yet, in catalog order. */
GPtrArray *
mc_visit_missing_required (McVisit *self)
{
  GPtrArray *missing = g_ptr_array_new ();

  for (guint i = 0; i < self->procedure->components->len; i++)
    {
      McComponent *c = g_ptr_array_index (self->procedure->components, i);

      if (c->required && mc_visit_count_pages (self, c->key) == 0)
        g_ptr_array_add (missing, c);
    }
  return missing;
}

static char *
cleanup_key (const char *component_key,
             const char *basename)
{
  return g_strconcat (component_key, "/", basename, NULL);
}

const McPageCleanup *
mc_visit_get_cleanup (McVisit    *self,
                      const char *component_key,
                      const char *page_basename)
{
  g_autofree char *key = cleanup_key (component_key, page_basename);

  return g_hash_table_lookup (self->cleanups, key);
}

void
mc_visit_set_cleanup (McVisit               *self,
                      const char            *component_key,
                      const char            *page_basename,
                      const McCleanupResult *result)
{
  McPageCleanup *c = g_new0 (McPageCleanup, 1);

  c->output = result->output ? g_path_get_basename (result->output) : NULL;
  c->kind = result->kind;
  c->rotation = result->rotation;
  c->skew = result->skew;
  c->blank = result->blank;
  g_hash_table_insert (self->cleanups, cleanup_key (component_key, page_basename), c);
  changed (self);
}

void
mc_visit_set_cleanup_undone (McVisit    *self,
                             const char *component_key,
                             const char *page_basename,
                             gboolean    undone)
{
  g_autofree char *key = cleanup_key (component_key, page_basename);
  McPageCleanup *c = g_hash_table_lookup (self->cleanups, key);

  if (c != NULL && c->undone != undone)
    {
      c->undone = undone;
      mc_visit_refresh_state (self);
      changed (self);
    }
}

/* The file that goes into the package for @page: the cleaned page unless
 * the clerk undid the cleanup, the scan itself when there is no cleaned
 * one (yet), NULL for a blank page the cleanup dropped. */
char *
mc_visit_dup_page_for_package (McVisit    *self,
                               const char *component_key,
                               McPage     *page)
{
  const McPageCleanup *c = mc_visit_get_cleanup (self, component_key, mc_page_get_basename (page));
  g_autofree char *clean_dir = NULL;

  if (c == NULL || c->undone)
    return g_strdup (mc_page_get_path (page));
  if (c->output == NULL)
    return NULL;
  clean_dir = mc_visit_dup_clean_dir (self, component_key);
  return g_build_filename (clean_dir, c->output, NULL);
}

void
mc_visit_refresh_state (McVisit *self)
{
  g_autoptr(GPtrArray) missing = NULL;
  McVisitState before = self->state;

  g_return_if_fail (MC_IS_VISIT (self));

  if (self->state > MC_VISIT_PACKAGED)
    return;   /* filed: the pages no longer decide anything */

  missing = mc_visit_missing_required (self);
  if (self->state == MC_VISIT_PACKAGED)
    {
      /* Pages changed after the package was made: it is stale. */
      g_clear_pointer (&self->package_dir, g_free);
      g_clear_pointer (&self->packaged, g_date_time_unref);
    }
  self->state = missing->len == 0 ? MC_VISIT_READY : MC_VISIT_DRAFT;
  if (self->state != before)
    changed (self);
}

/* ---- the citizen ------------------------------------------------------------- */

void
mc_visit_set_identity (McVisit    *self,
                       JsonObject *identity)
{
  JsonObject *clean = identity ? clean_identity (identity) : NULL;

  g_clear_pointer (&self->identity, json_object_unref);
  self->identity = clean;
  changed (self);
}

void
mc_visit_set_identity_in_package (McVisit  *self,
                                  gboolean  include)
{
  if (self->identity_in_package == include)
    return;
  self->identity_in_package = include;
  if (self->state == MC_VISIT_PACKAGED)
    mc_visit_refresh_state (self);
  changed (self);
}

/* ---- the filing ---------------------------------------------------------------- */

void
mc_visit_set_packaged (McVisit    *self,
                       const char *package_dir)
{
  g_return_if_fail (MC_IS_VISIT (self));

  g_free (self->package_dir);
  self->package_dir = g_strdup (package_dir);
  g_clear_pointer (&self->packaged, g_date_time_unref);
  self->packaged = g_date_time_new_now_utc ();
  if (self->state <= MC_VISIT_PACKAGED)
    self->state = MC_VISIT_PACKAGED;
  changed (self);
}

/* Portal receipt codes ("mã hồ sơ") are short, printable and without
 * spaces, e.g. G22.99.10-250701-0001. */
gboolean
mc_receipt_is_valid (const char *receipt)
{
  gsize n = 0;

  if (receipt == NULL)
    return FALSE;
  for (const char *p = receipt; *p; p++, n++)
    if (!(g_ascii_isalnum (*p) || strchr ("-._/", *p)))
      return FALSE;
  return n >= 4 && n <= 64;
}

gboolean
mc_visit_set_receipt (McVisit         *self,
                      const char      *receipt,
                      McSubmitMethod   method,
                      GError         **error)
{
  g_autofree char *clean = g_strstrip (g_strdup (receipt ? receipt : ""));

  g_return_val_if_fail (MC_IS_VISIT (self), FALSE);

  if (self->state == MC_VISIT_RECORDED || self->state == MC_VISIT_ABANDONED)
    {
      g_set_error_literal (error, MC_VISIT_ERROR, MC_VISIT_ERROR_STATE,
                           _("This visit is finished; its receipt can no longer change."));
      return FALSE;
    }
  if (!mc_receipt_is_valid (clean))
    {
      g_set_error_literal (error, MC_VISIT_ERROR, MC_VISIT_ERROR_INVALID,
                           _("That does not look like a receipt code. Copy it from the portal: letters, digits, dots and dashes, without spaces."));
      return FALSE;
    }

  g_free (self->receipt);
  self->receipt = g_steal_pointer (&clean);
  self->method = method;
  g_clear_pointer (&self->submitted, g_date_time_unref);
  self->submitted = g_date_time_new_now_utc ();
  self->state = method == MC_SUBMIT_API ? MC_VISIT_UPLOADED : MC_VISIT_HANDED_OFF;
  changed (self);
  return TRUE;
}

/* The short code a citizen was given when they prepared the papers alone
 * at the self-service screen, so the clerk can find their visit; NULL for
 * a visit begun at the counter. */
const char *
mc_visit_get_self_service_code (McVisit *self)
{
  g_return_val_if_fail (MC_IS_VISIT (self), NULL);
  return self->self_service_code;
}

void
mc_visit_set_self_service_code (McVisit    *self,
                                const char *code)
{
  g_return_if_fail (MC_IS_VISIT (self));

  if (g_strcmp0 (self->self_service_code, code) == 0)
    return;
  g_free (self->self_service_code);
  self->self_service_code = g_strdup (code);
  changed (self);
}

/* The ledger's UUID for this filing, made and saved before the ledger is
 * written, so a visit resumed after a crash records it exactly once. */
const char *
mc_visit_ensure_filing_uuid (McVisit *self)
{
  g_return_val_if_fail (MC_IS_VISIT (self), NULL);

  if (self->filing_uuid == NULL)
    {
      g_autoptr(GError) error = NULL;

      self->filing_uuid = g_uuid_string_random ();
      if (!mc_visit_save (self, &error))
        g_warning ("%s", error->message);
    }
  return self->filing_uuid;
}

void
mc_visit_set_recorded (McVisit *self)
{
  g_clear_pointer (&self->recorded, g_date_time_unref);
  self->recorded = g_date_time_new_now_utc ();
  self->state = MC_VISIT_RECORDED;
  changed (self);
}

void
mc_visit_abandon (McVisit *self)
{
  if (mc_visit_is_finished (self))
    return;
  g_clear_pointer (&self->abandoned, g_date_time_unref);
  self->abandoned = g_date_time_new_now_utc ();
  self->state = MC_VISIT_ABANDONED;
  changed (self);
}
