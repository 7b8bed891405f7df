/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-scanner"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>
#include <sane/saneopts.h>

#include "mc-sane-options.h"

/* SANE options, on the scanner thread: typed setting and reading, what a
 * device can do, and what one job asks of it. */

static const SANE_Option_Descriptor *
find_option (SANE_Handle  handle,
             const char  *name,
             SANE_Int    *index)
{
  for (SANE_Int i = 1; ; i++)
    {
      const SANE_Option_Descriptor *desc = sane_get_option_descriptor (handle, i);

      if (desc == NULL)
        return NULL;
      if (desc->name != NULL && g_str_equal (desc->name, name) &&
          SANE_OPTION_IS_ACTIVE (desc->cap))
        {
          *index = i;
          return desc;
        }
    }
}

static gboolean
option_failed (GError      **error,
               SANE_Status   status,
               const char   *name)
{
  if (status == SANE_STATUS_DEVICE_BUSY || status == SANE_STATUS_IO_ERROR ||
      status == SANE_STATUS_ACCESS_DENIED || status == SANE_STATUS_NO_MEM)
    return mc_scan_error_set_from_sane (error, status, NULL);
  g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_INVALID_OPTION,
               _("The scanner refused the setting “%s” (%s). Choose other scan settings."),
               name, sane_strstatus (status));
  return TRUE;
}

/* Sets a numeric option honouring its type: FIXED options (the test
 * backend's resolution) given an int come out as about 1 dpi, without any
 * error. Word lists get the nearest value; ranges are clamped and
 * quantised. *actual is what the device took (read back on INEXACT). */
static gboolean
set_number (SANE_Handle   handle,
            const char   *name,
            double        value,
            double       *actual,
            GError      **error)
{
  const SANE_Option_Descriptor *desc;
  SANE_Int index, info = 0;
  SANE_Word word;
  SANE_Status status;

  if (!(desc = find_option (handle, name, &index)))
    return TRUE;
  if (!SANE_OPTION_IS_SETTABLE (desc->cap) || desc->size != sizeof (SANE_Word))
    return TRUE;
  if (desc->type != SANE_TYPE_INT && desc->type != SANE_TYPE_FIXED)
    return TRUE;

  if (desc->constraint_type == SANE_CONSTRAINT_RANGE)
    {
      const SANE_Range *r = desc->constraint.range;
      double min = desc->type == SANE_TYPE_FIXED ? SANE_UNFIX (r->min) : r->min;
      double max = desc->type == SANE_TYPE_FIXED ? SANE_UNFIX (r->max) : r->max;
      double quant = desc->type == SANE_TYPE_FIXED ? SANE_UNFIX (r->quant) : r->quant;

      value = CLAMP (value, min, max);
      if (quant > 0)
        value = min + round ((value - min) / quant) * quant;
      value = MIN (value, max);
    }
  else if (desc->constraint_type == SANE_CONSTRAINT_WORD_LIST)
    {
      const SANE_Word *list = desc->constraint.word_list;
      double best = 0, best_diff = G_MAXDOUBLE;

      for (SANE_Int i = 1; i <= list[0]; i++)
        {
          double v = desc->type == SANE_TYPE_FIXED ? SANE_UNFIX (list[i]) : list[i];

          if (fabs (v - value) < best_diff)
            {
              best_diff = fabs (v - value);
              best = v;
            }
        }
      if (list[0] > 0)
        value = best;
    }

  word = desc->type == SANE_TYPE_FIXED ? SANE_FIX (value) : (SANE_Word) lround (value);
  status = sane_control_option (handle, index, SANE_ACTION_SET_VALUE, &word, &info);
  if (status != SANE_STATUS_GOOD)
    return !option_failed (error, status, name);

  if (info & SANE_INFO_INEXACT)
    sane_control_option (handle, index, SANE_ACTION_GET_VALUE, &word, NULL);
  if (actual != NULL)
    *actual = desc->type == SANE_TYPE_FIXED ? SANE_UNFIX (word) : word;
  return TRUE;
}

static gboolean
set_string (SANE_Handle   handle,
            const char   *name,
            const char   *value,
            GError      **error)
{
  const SANE_Option_Descriptor *desc;
  SANE_Int index, info = 0;
  g_autofree char *buffer = NULL;
  SANE_Status status;

  if (!(desc = find_option (handle, name, &index)) || desc->type != SANE_TYPE_STRING ||
      !SANE_OPTION_IS_SETTABLE (desc->cap))
    return TRUE;

  buffer = g_malloc0 (MAX ((gsize) desc->size, strlen (value) + 1));
  g_strlcpy (buffer, value, MAX ((gsize) desc->size, 1));
  status = sane_control_option (handle, index, SANE_ACTION_SET_VALUE, buffer, &info);
  if (status != SANE_STATUS_GOOD)
    return !option_failed (error, status, name);
  return TRUE;
}

/* The current value of an option as "name=value", to put it back later. */
static char *
get_option_text (SANE_Handle  handle,
                 const char  *name)
{
  const SANE_Option_Descriptor *desc;
  g_autofree guchar *value = NULL;
  SANE_Int index;

  if (!(desc = find_option (handle, name, &index)) || desc->size <= 0)
    return NULL;
  value = g_malloc0 ((gsize) desc->size + 1);
  if (sane_control_option (handle, index, SANE_ACTION_GET_VALUE, value, NULL) != SANE_STATUS_GOOD)
    return NULL;

  switch (desc->type)
    {
    case SANE_TYPE_BOOL:
      return g_strdup_printf ("%s=%s", name, *(SANE_Word *) (void *) value ? "yes" : "no");
    case SANE_TYPE_INT:
      return g_strdup_printf ("%s=%d", name, *(SANE_Word *) (void *) value);
    case SANE_TYPE_FIXED:
      {
        char number[G_ASCII_DTOSTR_BUF_SIZE];

        g_ascii_dtostr (number, sizeof number, SANE_UNFIX (*(SANE_Word *) (void *) value));
        return g_strdup_printf ("%s=%s", name, number);
      }
    case SANE_TYPE_STRING:
      return g_strdup_printf ("%s=%s", name, (const char *) value);
    default:
      return NULL;
    }
}

/* "name=value" from the command line or a training scenario, typed by the
 * option's descriptor. */
static gboolean
set_option_text (SANE_Handle   handle,
                 const char   *name,
                 const char   *value,
                 GError      **error)
{
  const SANE_Option_Descriptor *desc;
  SANE_Int index;
  SANE_Word word;
  SANE_Status status;

  if (!(desc = find_option (handle, name, &index)))
    {
      g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_INVALID_OPTION,
                   _("This scanner has no setting “%s”."), name);
      return FALSE;
    }

  switch (desc->type)
    {
    case SANE_TYPE_BOOL:
      word = (g_ascii_strcasecmp (value, "yes") == 0 || g_ascii_strcasecmp (value, "true") == 0 ||
              g_str_equal (value, "1")) ? SANE_TRUE : SANE_FALSE;
      status = sane_control_option (handle, index, SANE_ACTION_SET_VALUE, &word, NULL);
      if (status != SANE_STATUS_GOOD)
        return !option_failed (error, status, name);
      return TRUE;
    case SANE_TYPE_INT:
    case SANE_TYPE_FIXED:
      {
        char *end = NULL;
        double v = g_ascii_strtod (value, &end);

        if (end == value)
          {
            g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_INVALID_OPTION,
                         _("The setting “%s” takes a number, not “%s”."), name, value);
            return FALSE;
          }
        return set_number (handle, name, v, NULL, error);
      }
    case SANE_TYPE_STRING:
      return set_string (handle, name, value, error);
    default:
      g_set_error (error, MC_SCAN_ERROR, MC_SCAN_ERROR_INVALID_OPTION,
                   _("The setting “%s” cannot be set this way."), name);
      return FALSE;
    }
}

static double
range_max_mm (SANE_Handle  handle,
              const char  *name)
{
  const SANE_Option_Descriptor *desc;
  SANE_Int index;

  if (!(desc = find_option (handle, name, &index)) || desc->unit != SANE_UNIT_MM ||
      desc->constraint_type != SANE_CONSTRAINT_RANGE)
    return 0;
  return desc->type == SANE_TYPE_FIXED ? SANE_UNFIX (desc->constraint.range->max)
                                       : desc->constraint.range->max;
}

McScanDevice *
mc_sane_read_capabilities (SANE_Handle   handle,
                           McScanDevice *basic)
{
  McScanDevice *device = mc_scan_device_new (mc_scan_device_get_name (basic),
                                             mc_scan_device_get_vendor (basic),
                                             mc_scan_device_get_model (basic),
                                             mc_scan_device_get_kind (basic));
  const SANE_Option_Descriptor *desc;
  SANE_Int index;

  if ((desc = find_option (handle, SANE_NAME_SCAN_SOURCE, &index)) &&
      desc->type == SANE_TYPE_STRING && desc->constraint_type == SANE_CONSTRAINT_STRING_LIST)
    for (const SANE_String_Const *s = desc->constraint.string_list; *s; s++)
      mc_scan_device_add_source (device, *s);

  if ((desc = find_option (handle, SANE_NAME_SCAN_MODE, &index)) &&
      desc->type == SANE_TYPE_STRING && desc->constraint_type == SANE_CONSTRAINT_STRING_LIST)
    for (const SANE_String_Const *s = desc->constraint.string_list; *s; s++)
      {
        McScanMode mode;

        if (mc_scan_mode_classify (*s, &mode))
          mc_scan_device_add_mode (device, mode, *s);
      }
  /* No line-art mode, but 1-bit grey: that is line art. */
  if (!mc_scan_device_has_mode (device, MC_SCAN_MODE_LINEART) &&
      mc_scan_device_has_mode (device, MC_SCAN_MODE_GRAY) &&
      (desc = find_option (handle, SANE_NAME_BIT_DEPTH, &index)) &&
      desc->constraint_type == SANE_CONSTRAINT_WORD_LIST)
    for (SANE_Int i = 1; i <= desc->constraint.word_list[0]; i++)
      if (desc->constraint.word_list[i] == 1)
        mc_scan_device_add_mode (device, MC_SCAN_MODE_LINEART,
                                 mc_scan_device_get_mode_name (device, MC_SCAN_MODE_GRAY));

  if ((desc = find_option (handle, SANE_NAME_SCAN_RESOLUTION, &index)) &&
      (desc->type == SANE_TYPE_INT || desc->type == SANE_TYPE_FIXED))
    {
      gboolean fixed = desc->type == SANE_TYPE_FIXED;

      if (desc->constraint_type == SANE_CONSTRAINT_RANGE)
        mc_scan_device_set_resolutions (device, NULL, 0,
                                        fixed ? SANE_UNFIX (desc->constraint.range->min) : desc->constraint.range->min,
                                        fixed ? SANE_UNFIX (desc->constraint.range->max) : desc->constraint.range->max);
      else if (desc->constraint_type == SANE_CONSTRAINT_WORD_LIST)
        {
          g_autoptr(GArray) list = g_array_new (FALSE, FALSE, sizeof (double));

          for (SANE_Int i = 1; i <= desc->constraint.word_list[0]; i++)
            {
              double v = fixed ? SANE_UNFIX (desc->constraint.word_list[i]) : desc->constraint.word_list[i];

              if (v > 0)
                g_array_append_val (list, v);
            }
          mc_scan_device_set_resolutions (device, (double *) (void *) list->data, list->len, 0, 0);
        }
    }

  mc_scan_device_set_max_area (device, range_max_mm (handle, SANE_NAME_SCAN_BR_X),
                               range_max_mm (handle, SANE_NAME_SCAN_BR_Y));
  mc_scan_device_set_has_capabilities (device);
  return device;
}

/* ---- What a job asks ------------------------------------------------------ */

static void
remember_option (SANE_Handle  handle,
                 GPtrArray   *saved,
                 const char  *name)
{
  char *previous;

  for (guint i = 0; i < saved->len; i++)
    {
      const char *entry = g_ptr_array_index (saved, i);

      if (g_str_has_prefix (entry, name) && entry[strlen (name)] == '=')
        return;    /* keep the value from before the job */
    }
  if ((previous = get_option_text (handle, name)) != NULL)
    g_ptr_array_add (saved, previous);
}

/* Sets what the job asks of the device, remembering the previous values
 * of device options and faults in @saved. *dpi: what the device took. */
gboolean
mc_sane_apply_settings (SANE_Handle              handle,
                        McScanDevice            *device,
                        const McScanJobOptions  *options,
                        McScanSource             source,
                        double                  *dpi,
                        GPtrArray               *saved,
                        GError                 **error)
{
  const char *mode_name;
  double width, height, max_w, max_h, actual;

  /* Order matters: source and mode can change which resolutions and areas
   * are allowed (SANE_INFO_RELOAD_OPTIONS), so they go first. */
  if (source != MC_SCAN_SOURCE_AUTO && mc_scan_device_get_source_name (device, source) != NULL &&
      !set_string (handle, SANE_NAME_SCAN_SOURCE, mc_scan_device_get_source_name (device, source), error))
    return FALSE;

  mode_name = mc_scan_device_get_mode_name (device, options->mode);
  if (mode_name == NULL && options->mode == MC_SCAN_MODE_LINEART)
    mode_name = mc_scan_device_get_mode_name (device, MC_SCAN_MODE_GRAY);
  if (mode_name != NULL && !set_string (handle, SANE_NAME_SCAN_MODE, mode_name, error))
    return FALSE;
  /* Line art from a grey-only device: ask for 1 bit if it has it. */
  if (options->mode == MC_SCAN_MODE_LINEART &&
      !set_number (handle, SANE_NAME_BIT_DEPTH, 1, NULL, error))
    return FALSE;
  if (options->mode != MC_SCAN_MODE_LINEART &&
      !set_number (handle, SANE_NAME_BIT_DEPTH, 8, NULL, error))
    return FALSE;

  actual = options->dpi;
  if (options->dpi > 0 && !set_number (handle, SANE_NAME_SCAN_RESOLUTION, options->dpi, &actual, error))
    return FALSE;
  *dpi = actual > 0 ? actual : 300;

  /* The area: the preset, clipped to what the glass or feeder takes. */
  max_w = range_max_mm (handle, SANE_NAME_SCAN_BR_X);
  max_h = range_max_mm (handle, SANE_NAME_SCAN_BR_Y);
  width = options->area.kind == MC_SCAN_AREA_GLASS || options->area.width_mm <= 0 ? max_w : options->area.width_mm;
  height = options->area.kind == MC_SCAN_AREA_GLASS || options->area.height_mm <= 0 ? max_h : options->area.height_mm;
  if (max_w > 0 && max_h > 0)
    {
      if (!set_number (handle, SANE_NAME_SCAN_TL_X, 0, NULL, error) ||
          !set_number (handle, SANE_NAME_SCAN_TL_Y, 0, NULL, error) ||
          !set_number (handle, SANE_NAME_SCAN_BR_X, MIN (width, max_w), NULL, error) ||
          !set_number (handle, SANE_NAME_SCAN_BR_Y, MIN (height, max_h), NULL, error))
        return FALSE;
    }
  /* Feeders with paper-size options (fujitsu, canon_dr, …). */
  if (source == MC_SCAN_SOURCE_ADF || source == MC_SCAN_SOURCE_DUPLEX)
    {
      if (!set_number (handle, "page-width", width, NULL, error) ||
          !set_number (handle, "page-height", height, NULL, error))
        return FALSE;
    }

  if (options->pnm_file != NULL && !set_string (handle, "filename", options->pnm_file, error))
    return FALSE;

  for (guint i = 0; i < options->device_options->len; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      mc_scan_split_name_value (g_ptr_array_index (options->device_options, i), &name, &value);
      remember_option (handle, saved, name);
      if (!set_option_text (handle, name, value, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
mc_sane_apply_faults (SANE_Handle              handle,
                      const McScanJobOptions  *options,
                      guint                    after_page,
                      GPtrArray               *saved,
                      GError                 **error)
{
  for (guint i = 0; i < options->faults->len; i++)
    {
      const McScanFault *fault = g_ptr_array_index (options->faults, i);

      if (fault->after_page != after_page)
        continue;
      remember_option (handle, saved, fault->name);
      if (!set_option_text (handle, fault->name, fault->value, error))
        return FALSE;
    }
  return TRUE;
}

/* Device options and rehearsed faults belong to one job. Some backends
 * (test) keep option values across sane_close(), so put them back. */
void
mc_sane_restore_options (SANE_Handle  handle,
                         GPtrArray   *saved)
{
  if (handle == NULL)
    return;
  sane_cancel (handle);
  /* Last set, first restored: an option set later may depend on one set
   * earlier (read-delay-duration is inactive unless read-delay is on). */
  for (guint i = saved->len; i > 0; i--)
    {
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      g_autoptr(GError) error = NULL;

      if (mc_scan_split_name_value (g_ptr_array_index (saved, i - 1), &name, &value) &&
          !set_option_text (handle, name, value, &error))
        g_message ("Could not restore the option %s: %s", name, error->message);
    }
}
