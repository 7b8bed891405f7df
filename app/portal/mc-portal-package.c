/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-portal"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mc-json.h"
#include "mc-package.h"
#include "mc-portal-error.h"
#include "mc-portal-package-private.h"

/* Bounds that no real package comes near; they keep a damaged or hostile
 * folder from making the program read or send without end. */
#define MAX_MANIFEST_BYTES (1024 * 1024)
#define MAX_FILES          200
#define MAX_FILE_BYTES     ((guint64) 1024 * 1024 * 1024)
#define MAX_NAME_LEN       200

struct _McPortalPackage
{
  gatomicrefcount  ref_count;
  char            *dir;
  char            *visit_id;
  char            *procedure;
  GBytes          *manifest;
  guint64          total_size;
  GArray          *files;      /* McPortalFile */
  GArray          *fds;        /* int, one per file */
};

static void
portal_file_clear (McPortalFile *file)
{
  g_free (file->name);
  g_free (file->media_type);
  g_free (file->component);
  g_free (file->sha256);
}

McPortalPackage *
mc_portal_package_ref (McPortalPackage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
mc_portal_package_unref (McPortalPackage *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;

  for (guint i = 0; i < self->fds->len; i++)
    {
      int fd = g_array_index (self->fds, int, i);

      if (fd >= 0)
        close (fd);
    }
  g_array_unref (self->fds);
  g_array_unref (self->files);
  g_clear_pointer (&self->manifest, g_bytes_unref);
  g_free (self->dir);
  g_free (self->visit_id);
  g_free (self->procedure);
  g_free (self);
}

static gboolean
package_error (GError     **error,
               const char  *format,
               ...) G_GNUC_PRINTF (2, 3);

static gboolean
package_error (GError     **error,
               const char  *format,
               ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, MC_PORTAL_ERROR, MC_PORTAL_ERROR_PACKAGE, message);
  return FALSE;
}

/* A plain name in the folder: what a portal keeps intact (ASCII letters,
 * digits, “.”, “-”, “_”), never a path and never hidden. */
static gboolean
is_safe_name (const char *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > MAX_NAME_LEN || name[0] == '.' || g_str_equal (name, "manifest.json"))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
is_sha256_hex (const char *text)
{
  if (strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

static gboolean
read_manifest (McPortalPackage  *self,
               GError          **error)
{
  g_autofree char *path = g_build_filename (self->dir, "manifest.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;
  gsize len = 0;

  if (g_lstat (path, &st) != 0)
    {
      if (errno == ENOENT && !g_file_test (self->dir, G_FILE_TEST_IS_DIR))
        return package_error (error, _("The package folder “%s” does not exist."), self->dir);
      if (errno == ENOENT)
        return package_error (error, _("The folder “%s” has no manifest.json, so it is not a finished package. Package the visit again."),
                              self->dir);
      return package_error (error, _("The package’s manifest.json cannot be read: %s"), g_strerror (errno));
    }
  if (!S_ISREG (st.st_mode))
    return package_error (error, _("The package’s manifest.json is not a plain file."));
  if (st.st_size > MAX_MANIFEST_BYTES)
    return package_error (error, _("The package’s manifest.json is too large to be a manifest."));

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    return package_error (error, _("The package’s manifest.json cannot be read: %s"), local_error->message);
  self->manifest = g_bytes_new_take (g_steal_pointer (&contents), len);
  return TRUE;
}

static gboolean
parse_file (McPortalPackage  *self,
            JsonNode         *node,
            const char       *where,
            const char       *component,
            GHashTable       *names,
            GError          **error)
{
  JsonObject *obj;
  const char *name = NULL, *media_type = NULL, *sha256 = NULL;
  gint64 size = -1, pages = -1;
  g_autoptr(GError) local_error = NULL;
  McPortalFile file = { 0 };

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return package_error (error, _("The package’s manifest.json is not valid: %s must be an object."), where);
  obj = json_node_get_object (node);

  if (!mc_json_get_string (obj, where, "name", TRUE, &name, &local_error) ||
      !mc_json_get_string (obj, where, "media_type", TRUE, &media_type, &local_error) ||
      !mc_json_get_int (obj, where, "size", TRUE, &size, &local_error) ||
      !mc_json_get_int (obj, where, "pages", TRUE, &pages, &local_error) ||
      !mc_json_get_string (obj, where, "sha256", TRUE, &sha256, &local_error))
    return package_error (error, _("The package’s manifest.json is not valid: %s"), local_error->message);

  if (!is_safe_name (name))
    return package_error (error, _("The package’s manifest.json is not valid: the file name “%s” is not a plain name."), name);
  if (g_hash_table_contains (names, name))
    return package_error (error, _("The package’s manifest.json is not valid: the file “%s” is listed twice."), name);
  if (!g_str_equal (media_type, "application/pdf") && !g_str_equal (media_type, "image/jpeg") &&
      !g_str_equal (media_type, "image/png"))
    return package_error (error, _("The package’s manifest.json is not valid: the file “%s” has the type “%s”; only PDF, JPEG and PNG are sent."),
                          name, media_type);
  if (size < 0 || (guint64) size > MAX_FILE_BYTES)
    return package_error (error, _("The package’s manifest.json is not valid: the size of “%s” is impossible."), name);
  if (pages < 0)
    return package_error (error, _("The package’s manifest.json is not valid: the page count of “%s” is impossible."), name);
  if (!is_sha256_hex (sha256))
    return package_error (error, _("The package’s manifest.json is not valid: the checksum of “%s” is not a SHA-256 in lower-case hexadecimal."),
                          name);

  file.name = g_strdup (name);
  file.media_type = g_strdup (media_type);
  file.component = g_strdup (component);
  file.size = (guint64) size;
  file.sha256 = g_strdup (sha256);
  g_array_append_val (self->files, file);
  g_hash_table_add (names, file.name);
  return TRUE;
}

static gboolean
parse_manifest (McPortalPackage  *self,
                GHashTable       *names,
                GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *obj, *procedure;
  JsonArray *components;
  const char *kind = NULL, *visit_id = NULL, *code = NULL;
  gint64 format = 0, total_size = -1;
  gsize len;
  const char *data = g_bytes_get_data (self->manifest, &len);
  guint64 sum = 0;

  if (!g_utf8_validate (data, (gssize) len, NULL) ||
      !json_parser_load_from_data (parser, data, (gssize) len, &local_error))
    {
      /* json-glib quotes the text it stumbled on, cut even inside a character. */
      g_autofree char *detail = local_error ? g_utf8_make_valid (local_error->message, -1) : NULL;

      return package_error (error, _("The package’s manifest.json is not valid JSON: %s"),
                            detail ? detail : _("it is not UTF-8 text"));
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return package_error (error, _("The package’s manifest.json is not valid: it must hold one object."));
  obj = json_node_get_object (root);

  if (!mc_json_get_int (obj, "manifest.json", "format", TRUE, &format, &local_error) ||
      !mc_json_get_string (obj, "manifest.json", "kind", TRUE, &kind, &local_error))
    return package_error (error, _("The package’s manifest.json is not valid: %s"), local_error->message);
  if (!g_str_equal (kind, "motcua-package"))
    return package_error (error, _("The folder’s manifest.json is not a Một Cửa package."));
  if (format < 1 || format > MC_PACKAGE_FORMAT)
    return package_error (error, _("The package was made in format %lld, which this version of Một Cửa does not know. Update the program, or package the visit again."),
                          (long long) format);

  if (!mc_json_get_string (obj, "manifest.json", "visit_id", TRUE, &visit_id, &local_error) ||
      !mc_json_get_int (obj, "manifest.json", "total_size", TRUE, &total_size, &local_error) ||
      !(procedure = mc_json_get_object (obj, "manifest.json", "procedure", TRUE, &local_error)) ||
      !mc_json_get_string (procedure, "manifest.json: procedure", "code", TRUE, &code, &local_error) ||
      !(components = mc_json_get_array (obj, "manifest.json", "components", TRUE, &local_error)))
    return package_error (error, _("The package’s manifest.json is not valid: %s"), local_error->message);
  if (!g_uuid_string_is_valid (visit_id))
    return package_error (error, _("The package’s manifest.json is not valid: the visit id is not a UUID."));

  self->visit_id = g_strdup (visit_id);
  self->procedure = g_strdup (code);

  for (guint c = 0; c < json_array_get_length (components); c++)
    {
      JsonNode *cnode = json_array_get_element (components, c);
      g_autofree char *where = g_strdup_printf ("manifest.json: components[%u]", c);
      JsonObject *cobj;
      JsonArray *files;
      const char *key = NULL, *name = NULL;
      gboolean required = FALSE;

      if (!JSON_NODE_HOLDS_OBJECT (cnode))
        return package_error (error, _("The package’s manifest.json is not valid: %s must be an object."), where);
      cobj = json_node_get_object (cnode);
      if (!mc_json_get_string (cobj, where, "key", TRUE, &key, &local_error) ||
          !mc_json_get_string (cobj, where, "name", TRUE, &name, &local_error) ||
          !mc_json_get_bool (cobj, where, "required", TRUE, &required, &local_error) ||
          !(files = mc_json_get_array (cobj, where, "files", TRUE, &local_error)))
        return package_error (error, _("The package’s manifest.json is not valid: %s"), local_error->message);

      if (required && json_array_get_length (files) == 0)
        return package_error (error, _("The package has no file for “%s”, which the procedure requires. Add it and package the visit again."),
                              name);

      for (guint f = 0; f < json_array_get_length (files); f++)
        {
          g_autofree char *fwhere = g_strdup_printf ("%s.files[%u]", where, f);

          if (self->files->len >= MAX_FILES)
            return package_error (error, _("The package has more than %d files; no portal takes that many."), MAX_FILES);
          if (!parse_file (self, json_array_get_element (files, f), fwhere, key, names, error))
            return FALSE;
          sum += g_array_index (self->files, McPortalFile, self->files->len - 1).size;
        }
    }

  if (self->files->len == 0)
    return package_error (error, _("The package has no files to send."));
  if (total_size < 0 || (guint64) total_size != sum)
    return package_error (error, _("The package’s manifest.json is not valid: its total size does not add up."));
  self->total_size = sum;
  return TRUE;
}

/* The folder holds the manifest and the listed files, nothing else: a
 * stray file means the package was not finished as the format says. */
static gboolean
check_folder (McPortalPackage  *self,
              GHashTable       *names,
              GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = g_dir_open (self->dir, 0, &local_error);
  const char *entry;

  if (dir == NULL)
    return package_error (error, _("The package folder cannot be read: %s"), local_error->message);
  while ((entry = g_dir_read_name (dir)) != NULL)
    if (!g_str_equal (entry, "manifest.json") && !g_hash_table_contains (names, entry))
      return package_error (error, _("The package folder holds “%s”, which its manifest does not list. Package the visit again."),
                            entry);
  return TRUE;
}

static gboolean
check_file (McPortalPackage  *self,
            guint             index,
            GCancellable     *cancellable,
            GError          **error)
{
  const McPortalFile *file = &g_array_index (self->files, McPortalFile, index);
  g_autofree char *path = g_build_filename (self->dir, file->name, NULL);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buf = g_malloc (64 * 1024);
  struct stat st;
  guint64 total = 0;
  int fd;

  /* No symbolic links: what is sent must be inside the package. */
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  if (fd < 0)
    {
      if (errno == ENOENT)
        return package_error (error, _("The file “%s” listed in the package is missing. Package the visit again."), file->name);
      if (errno == ELOOP)
        return package_error (error, _("“%s” in the package is a link to another file; only the package’s own files are sent. Package the visit again."),
                              file->name);
      return package_error (error, _("The file “%s” of the package cannot be opened: %s"), file->name, g_strerror (errno));
    }
  g_array_index (self->fds, int, index) = fd;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    return package_error (error, _("“%s” in the package is not a plain file."), file->name);
  if ((guint64) st.st_size != file->size)
    return package_error (error, _("The file “%s” does not match the package’s manifest (its size differs): it changed after packaging. Package the visit again."),
                          file->name);

  for (;;)
    {
      ssize_t n = read (fd, buf, 64 * 1024);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return package_error (error, _("The file “%s” of the package cannot be read: %s"), file->name, g_strerror (errno));
      if (n == 0)
        break;
      g_checksum_update (checksum, buf, n);
      total += (guint64) n;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }

  if (total != file->size || !g_str_equal (g_checksum_get_string (checksum), file->sha256))
    return package_error (error, _("The file “%s” does not match the package’s manifest (its checksum differs): it changed after packaging. Package the visit again."),
                          file->name);
  return TRUE;
}

McPortalPackage *
mc_portal_package_load (const char    *dir,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(McPortalPackage) self = g_new0 (McPortalPackage, 1);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  int closed = -1;

  g_return_val_if_fail (dir != NULL, NULL);

  g_atomic_ref_count_init (&self->ref_count);
  self->dir = g_canonicalize_filename (dir, NULL);
  self->files = g_array_new (FALSE, TRUE, sizeof (McPortalFile));
  g_array_set_clear_func (self->files, (GDestroyNotify) portal_file_clear);
  self->fds = g_array_new (FALSE, TRUE, sizeof (int));

  if (!read_manifest (self, error) || !parse_manifest (self, names, error))
    return NULL;

  for (guint i = 0; i < self->files->len; i++)
    g_array_append_val (self->fds, closed);

  if (!check_folder (self, names, error))
    return NULL;
  for (guint i = 0; i < self->files->len; i++)
    if (!check_file (self, i, cancellable, error))
      return NULL;

  return g_steal_pointer (&self);
}

const char *
mc_portal_package_get_dir (McPortalPackage *self)
{
  return self->dir;
}

const char *
mc_portal_package_get_visit_id (McPortalPackage *self)
{
  return self->visit_id;
}

const char *
mc_portal_package_get_procedure (McPortalPackage *self)
{
  return self->procedure;
}

GBytes *
mc_portal_package_get_manifest (McPortalPackage *self)
{
  return self->manifest;
}

guint64
mc_portal_package_get_total_size (McPortalPackage *self)
{
  return self->total_size;
}

guint
mc_portal_package_get_n_files (McPortalPackage *self)
{
  return self->files->len;
}

const McPortalFile *
mc_portal_package_get_file (McPortalPackage *self,
                            guint            index)
{
  g_return_val_if_fail (index < self->files->len, NULL);
  return &g_array_index (self->files, McPortalFile, index);
}

int
mc_portal_package_get_fd (McPortalPackage *self,
                          guint            index)
{
  g_return_val_if_fail (index < self->fds->len, -1);
  return g_array_index (self->fds, int, index);
}
