/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-scanner"

#include "config.h"

#include <string.h>

#include "mc-scan-backend.h"

/* ---- Job options -------------------------------------------------------- */

McScanJobOptions *
mc_scan_job_options_new (const char *device)
{
  McScanJobOptions *options = g_new0 (McScanJobOptions, 1);

  options->device = g_strdup (device);
  options->source = MC_SCAN_SOURCE_AUTO;
  options->mode = MC_SCAN_MODE_COLOR;
  mc_scan_area_for_kind (MC_SCAN_AREA_GLASS, &options->area);
  options->device_options = g_ptr_array_new_with_free_func (g_free);
  options->faults = g_ptr_array_new ();
  return options;
}

static void
fault_free (gpointer data)
{
  McScanFault *fault = data;

  g_free (fault->name);
  g_free (fault->value);
  g_free (fault);
}

/* Splits "name=value"; FALSE when there is no '=' or no name. */
gboolean
mc_scan_split_name_value (const char  *name_value,
                          char       **name,
                          char       **value)
{
  const char *eq = name_value ? strchr (name_value, '=') : NULL;

  if (eq == NULL || eq == name_value)
    return FALSE;
  *name = g_strndup (name_value, eq - name_value);
  *value = g_strdup (eq + 1);
  return TRUE;
}

gboolean
mc_scan_job_options_add_option (McScanJobOptions *options,
                                const char       *name_value)
{
  if (name_value == NULL || strchr (name_value, '=') == NULL || *name_value == '=')
    return FALSE;
  g_ptr_array_add (options->device_options, g_strdup (name_value));
  return TRUE;
}

gboolean
mc_scan_job_options_add_fault (McScanJobOptions *options,
                               guint             after_page,
                               const char       *name_value)
{
  McScanFault *fault = g_new0 (McScanFault, 1);

  if (!mc_scan_split_name_value (name_value, &fault->name, &fault->value))
    {
      g_free (fault);
      return FALSE;
    }
  fault->after_page = after_page;
  g_ptr_array_add (options->faults, fault);
  return TRUE;
}

McScanJobOptions *
mc_scan_job_options_copy (const McScanJobOptions *options)
{
  McScanJobOptions *copy = mc_scan_job_options_new (options->device);

  copy->source = options->source;
  copy->dpi = options->dpi;
  copy->mode = options->mode;
  copy->area = options->area;
  copy->max_pages = options->max_pages;
  copy->pnm_file = g_strdup (options->pnm_file);
  copy->watch = options->watch;
  for (guint i = 0; i < options->device_options->len; i++)
    g_ptr_array_add (copy->device_options, g_strdup (g_ptr_array_index (options->device_options, i)));
  for (guint i = 0; i < options->faults->len; i++)
    {
      const McScanFault *f = g_ptr_array_index (options->faults, i);
      McScanFault *c = g_new0 (McScanFault, 1);

      c->after_page = f->after_page;
      c->name = g_strdup (f->name);
      c->value = g_strdup (f->value);
      g_ptr_array_add (copy->faults, c);
    }
  return copy;
}

void
mc_scan_job_options_free (McScanJobOptions *options)
{
  if (options == NULL)
    return;
  g_free (options->device);
  g_free (options->pnm_file);
  g_ptr_array_unref (options->device_options);
  g_ptr_array_foreach (options->faults, (GFunc) fault_free, NULL);
  g_ptr_array_unref (options->faults);
  g_free (options);
}

/* ---- The interface -------------------------------------------------------- */

G_DEFINE_INTERFACE (McScanBackend, mc_scan_backend, G_TYPE_OBJECT)

static void
mc_scan_backend_default_init (McScanBackendInterface *iface)
{
  GType type = G_TYPE_FROM_INTERFACE (iface);

  g_signal_new ("devices-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 0);
  g_signal_new ("device-ready", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 1, MC_TYPE_SCAN_DEVICE);
  g_signal_new ("device-failed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
  g_signal_new ("page-started", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  g_signal_new ("page-progress", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_DOUBLE);
  g_signal_new ("page-done", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 2, G_TYPE_UINT, MC_TYPE_PAGE);
  g_signal_new ("page-skipped", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_ERROR);
  g_signal_new ("job-finished", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  g_signal_new ("job-failed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_ERROR, G_TYPE_UINT);
}

gboolean
mc_scan_backend_owns_device (McScanBackend *self,
                             const char    *name)
{
  g_return_val_if_fail (MC_IS_SCAN_BACKEND (self), FALSE);
  return MC_SCAN_BACKEND_GET_IFACE (self)->owns_device (self, name);
}

void
mc_scan_backend_redetect (McScanBackend *self)
{
  g_return_if_fail (MC_IS_SCAN_BACKEND (self));
  MC_SCAN_BACKEND_GET_IFACE (self)->redetect (self);
}

/* Returns: (transfer none) (nullable): the devices the last detection
 * found. */
GPtrArray *
mc_scan_backend_get_devices (McScanBackend *self)
{
  g_return_val_if_fail (MC_IS_SCAN_BACKEND (self), NULL);
  return MC_SCAN_BACKEND_GET_IFACE (self)->get_devices (self);
}

void
mc_scan_backend_open_device (McScanBackend *self,
                             const char    *name)
{
  g_return_if_fail (MC_IS_SCAN_BACKEND (self));
  MC_SCAN_BACKEND_GET_IFACE (self)->open_device (self, name);
}

void
mc_scan_backend_start (McScanBackend          *self,
                       guint                   job,
                       const McScanJobOptions *options,
                       McPageStore            *store)
{
  g_return_if_fail (MC_IS_SCAN_BACKEND (self));
  MC_SCAN_BACKEND_GET_IFACE (self)->start (self, job, options, store);
}

void
mc_scan_backend_cancel (McScanBackend *self,
                        guint          job)
{
  g_return_if_fail (MC_IS_SCAN_BACKEND (self));
  MC_SCAN_BACKEND_GET_IFACE (self)->cancel (self, job);
}

void
mc_scan_backend_close (McScanBackend *self)
{
  g_return_if_fail (MC_IS_SCAN_BACKEND (self));
  MC_SCAN_BACKEND_GET_IFACE (self)->close (self);
}
