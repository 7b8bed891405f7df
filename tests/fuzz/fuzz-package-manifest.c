/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a package folder's manifest.json (a package copied
 * back from a USB stick, or left half-written), as the check before
 * export, the ZIP export and the portal upload read it. The folder holds
 * one real file, 01-to-khai.pdf. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "mc-fuzz.h"
#include "mc-package.h"
#include "mc-portal-package.h"

/* The file's content; its SHA-256 is in the seeds. */
#define FILE_TEXT "%PDF-1.4\n% motcua fuzz seed\n%%EOF\n"

static char *dir;

/* A message the clerk reads: UTF-8 (GTK shows nothing else). */
static void
check_error (const GError *error)
{
  if (error == NULL || !g_utf8_validate (error->message, -1, NULL))
    __builtin_trap ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = NULL;
  g_autofree char *zip = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(McPortalPackage) package = NULL;

  mc_fuzz_init ();
  if (dir == NULL)
    {
      g_autofree char *file = NULL;

      dir = g_build_filename (mc_fuzz_tmp_dir (), "package", NULL);
      g_mkdir_with_parents (dir, 0700);
      file = mc_fuzz_write_file (dir, "01-to-khai.pdf", (const uint8_t *) FILE_TEXT, strlen (FILE_TEXT));
    }

  path = mc_fuzz_write_file (dir, "manifest.json", data, size);
  zip = g_build_filename (mc_fuzz_tmp_dir (), "package.zip", NULL);

  if (mc_package_verify (dir, &error))
    {
      if (!mc_package_export_zip (dir, zip, &error))
        g_error ("a checked package does not export: %s", error->message);
      g_unlink (zip);
    }
  else
    check_error (error);
  g_clear_error (&error);

  package = mc_portal_package_load (dir, NULL, &error);
  if ((package == NULL) == (error == NULL))
    __builtin_trap ();
  if (package == NULL)
    check_error (error);
  if (package != NULL)
    {
      guint64 total = 0;

      mc_portal_package_get_visit_id (package);
      mc_portal_package_get_procedure (package);
      for (guint i = 0; i < mc_portal_package_get_n_files (package); i++)
        {
          const McPortalFile *f = mc_portal_package_get_file (package, i);

          /* Only the file that is there, never a path out of the folder. */
          if (g_strcmp0 (f->name, "01-to-khai.pdf") != 0 || f->size != strlen (FILE_TEXT))
            __builtin_trap ();
          total += f->size;
        }
      if (total != mc_portal_package_get_total_size (package))
        __builtin_trap ();
    }
  return 0;
}
