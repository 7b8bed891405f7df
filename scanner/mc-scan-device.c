/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-scanner"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mc-scan-device.h"

struct _McScanDevice
{
  GObject  parent_instance;

  char    *name;
  char    *vendor;
  char    *model;
  char    *kind;

  gboolean has_capabilities;
  char    *source_names[MC_SCAN_SOURCE_OTHER + 1];  /* SANE value per source, first seen */
  GPtrArray *all_sources;                         /* every SANE source value, in order */
  char    *mode_names[MC_SCAN_MODE_LINEART + 1];
  GArray  *resolutions;                           /* double, ascending; empty if a range */
  double   res_min, res_max;
  double   max_width_mm, max_height_mm;
};

G_DEFINE_FINAL_TYPE (McScanDevice, mc_scan_device, G_TYPE_OBJECT)

static const char * const source_strings[] = { "auto", "flatbed", "adf", "duplex", "other" };
static const char * const mode_strings[] = { "color", "gray", "lineart" };

const char *
mc_scan_source_to_string (McScanSource source)
{
  g_return_val_if_fail (source <= MC_SCAN_SOURCE_OTHER, "other");
  return source_strings[source];
}

gboolean
mc_scan_source_from_string (const char   *text,
                            McScanSource *out)
{
  for (guint i = 0; i < MC_SCAN_SOURCE_OTHER; i++)
    if (g_strcmp0 (text, source_strings[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
contains_word (const char *haystack,
               const char *word)
{
  return strstr (haystack, word) != NULL;
}

/* Vendors spell sources many ways: "Flatbed", "FlatBed", "Normal", "Glass",
 * "ADF", "ADF Front", "ADF Duplex", "Automatic Document Feeder",
 * "Automatic Document Feeder(left aligned,Duplex)", "Duplex", "ADF Back"
 * (treated as a feeder), "Transparency Unit", "Negative Film". */
McScanSource
mc_scan_source_classify (const char *sane_name)
{
  g_autofree char *s = NULL;

  if (sane_name == NULL)
    return MC_SCAN_SOURCE_OTHER;
  s = g_ascii_strdown (sane_name, -1);

  if (contains_word (s, "transparen") || contains_word (s, "film") ||
      contains_word (s, "negative") || contains_word (s, "slide") ||
      contains_word (s, "positive") || contains_word (s, "tma"))
    return MC_SCAN_SOURCE_OTHER;
  if (contains_word (s, "duplex") || contains_word (s, "both sides"))
    return MC_SCAN_SOURCE_DUPLEX;
  if (contains_word (s, "adf") || contains_word (s, "feeder") ||
      contains_word (s, "automatic document") || contains_word (s, "sheetfed") ||
      contains_word (s, "sheet fed"))
    return MC_SCAN_SOURCE_ADF;
  if (contains_word (s, "flatbed") || contains_word (s, "glass") || contains_word (s, "platen") ||
      g_str_equal (s, "normal") || g_str_equal (s, "document table"))
    return MC_SCAN_SOURCE_FLATBED;
  return MC_SCAN_SOURCE_OTHER;
}

const char *
mc_scan_mode_to_string (McScanMode mode)
{
  g_return_val_if_fail (mode <= MC_SCAN_MODE_LINEART, "gray");
  return mode_strings[mode];
}

gboolean
mc_scan_mode_from_string (const char *text,
                          McScanMode *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (mode_strings); i++)
    if (g_strcmp0 (text, mode_strings[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

/* "Color", "Colour", "24bit Color", "Gray", "Grayscale", "True Gray",
 * "Lineart", "Line Art", "Binary", "Black & White"; halftone and colour
 * line art are not what a clerk wants, so they are left out. */
gboolean
mc_scan_mode_classify (const char *sane_name,
                       McScanMode *out)
{
  g_autofree char *s = NULL;

  if (sane_name == NULL)
    return FALSE;
  s = g_ascii_strdown (sane_name, -1);

  if (contains_word (s, "halftone") || contains_word (s, "dither") ||
      (contains_word (s, "colo") && contains_word (s, "line")))
    return FALSE;
  if (contains_word (s, "colo"))
    *out = MC_SCAN_MODE_COLOR;
  else if (contains_word (s, "gray") || contains_word (s, "grey"))
    *out = MC_SCAN_MODE_GRAY;
  else if (contains_word (s, "lineart") || contains_word (s, "line art") ||
           contains_word (s, "binary") || contains_word (s, "black") ||
           g_str_equal (s, "mono") || g_str_equal (s, "monochrome"))
    *out = MC_SCAN_MODE_LINEART;
  else
    return FALSE;
  return TRUE;
}

const char *
mc_page_side_to_string (McPageSide side)
{
  return side == MC_PAGE_SIDE_BACK ? "back" : "front";
}

static void
mc_scan_device_finalize (GObject *object)
{
  McScanDevice *self = MC_SCAN_DEVICE (object);

  g_free (self->name);
  g_free (self->vendor);
  g_free (self->model);
  g_free (self->kind);
  for (guint i = 0; i < G_N_ELEMENTS (self->source_names); i++)
    g_free (self->source_names[i]);
  for (guint i = 0; i < G_N_ELEMENTS (self->mode_names); i++)
    g_free (self->mode_names[i]);
  g_ptr_array_unref (self->all_sources);
  g_array_unref (self->resolutions);

  G_OBJECT_CLASS (mc_scan_device_parent_class)->finalize (object);
}

static void
mc_scan_device_class_init (McScanDeviceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mc_scan_device_finalize;
}

static void
mc_scan_device_init (McScanDevice *self)
{
  self->all_sources = g_ptr_array_new_with_free_func (g_free);
  self->resolutions = g_array_new (FALSE, FALSE, sizeof (double));
}

McScanDevice *
mc_scan_device_new (const char *name,
                    const char *vendor,
                    const char *model,
                    const char *type)
{
  McScanDevice *self = g_object_new (MC_TYPE_SCAN_DEVICE, NULL);

  self->name = g_strdup (name);
  self->vendor = g_strdup (vendor ? vendor : "");
  self->model = g_strdup (model ? model : "");
  self->kind = g_strdup (type ? type : "");
  return self;
}

const char *mc_scan_device_get_name (McScanDevice *self) { return self->name; }
const char *mc_scan_device_get_vendor (McScanDevice *self) { return self->vendor; }
const char *mc_scan_device_get_model (McScanDevice *self) { return self->model; }
const char *mc_scan_device_get_kind (McScanDevice *self) { return self->kind; }
gboolean mc_scan_device_has_capabilities (McScanDevice *self) { return self->has_capabilities; }
void mc_scan_device_set_has_capabilities (McScanDevice *self) { self->has_capabilities = TRUE; }

/* SANE's own virtual backends: never preferred over a real scanner. */
gboolean
mc_scan_device_is_virtual (McScanDevice *self)
{
  g_return_val_if_fail (MC_IS_SCAN_DEVICE (self), FALSE);
  return g_str_has_prefix (self->name, "test:") || g_str_has_prefix (self->name, "pnm:") ||
         g_str_equal (self->name, "test") || g_str_equal (self->name, "pnm");
}

/* What the clerk sees in the device chooser. */
char *
mc_scan_device_dup_label (McScanDevice *self)
{
  g_return_val_if_fail (MC_IS_SCAN_DEVICE (self), NULL);

  if (g_str_has_prefix (self->name, "pnm"))
    /* Translators: %s is the SANE device name, e.g. pnm:0 */
    return g_strdup_printf (_("Test scanner: specimen papers (%s)"), self->name);
  if (mc_scan_device_is_virtual (self))
    return g_strdup_printf (_("Test scanner (%s)"), self->name);
  if (g_str_has_prefix (self->name, "folder:"))
    /* Translators: %s is a folder, e.g. /srv/scans */
    return g_strdup_printf (_("Scan folder %s"), self->name + strlen ("folder:"));
  if (*self->vendor && *self->model && g_ascii_strcasecmp (self->vendor, "Noname") != 0)
    {
      /* Many backends repeat the vendor in the model. */
      if (g_ascii_strncasecmp (self->model, self->vendor, strlen (self->vendor)) == 0)
        return g_strdup (self->model);
      return g_strdup_printf ("%s %s", self->vendor, self->model);
    }
  if (*self->model)
    return g_strdup (self->model);
  return g_strdup (self->name);
}

void
mc_scan_device_add_source (McScanDevice *self,
                           const char   *sane_name)
{
  McScanSource source = mc_scan_source_classify (sane_name);

  g_ptr_array_add (self->all_sources, g_strdup (sane_name));
  if (source != MC_SCAN_SOURCE_OTHER && self->source_names[source] == NULL)
    self->source_names[source] = g_strdup (sane_name);
}

gboolean
mc_scan_device_has_source (McScanDevice *self,
                           McScanSource  source)
{
  g_return_val_if_fail (MC_IS_SCAN_DEVICE (self), FALSE);

  if (source == MC_SCAN_SOURCE_AUTO)
    return TRUE;
  if (source > MC_SCAN_SOURCE_DUPLEX)
    return FALSE;
  /* A device without a source option has only its glass. */
  if (source == MC_SCAN_SOURCE_FLATBED && self->all_sources->len == 0)
    return TRUE;
  return self->source_names[source] != NULL;
}

const char *
mc_scan_device_get_source_name (McScanDevice *self,
                                McScanSource  source)
{
  g_return_val_if_fail (MC_IS_SCAN_DEVICE (self), NULL);
  return source <= MC_SCAN_SOURCE_DUPLEX ? self->source_names[source] : NULL;
}

GStrv
mc_scan_device_dup_source_names (McScanDevice *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv result;

  for (guint i = 0; i < self->all_sources->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->all_sources, i));
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return result;
}

void
mc_scan_device_add_mode (McScanDevice *self,
                         McScanMode    mode,
                         const char   *sane_name)
{
  if (self->mode_names[mode] == NULL)
    self->mode_names[mode] = g_strdup (sane_name);
}

gboolean
mc_scan_device_has_mode (McScanDevice *self,
                         McScanMode    mode)
{
  g_return_val_if_fail (MC_IS_SCAN_DEVICE (self), FALSE);
  return mode <= MC_SCAN_MODE_LINEART && self->mode_names[mode] != NULL;
}

const char *
mc_scan_device_get_mode_name (McScanDevice *self,
                              McScanMode    mode)
{
  g_return_val_if_fail (MC_IS_SCAN_DEVICE (self), NULL);
  return mode <= MC_SCAN_MODE_LINEART ? self->mode_names[mode] : NULL;
}

void
mc_scan_device_set_resolutions (McScanDevice *self,
                                const double *list,
                                guint         n,
                                double        range_min,
                                double        range_max)
{
  g_array_set_size (self->resolutions, 0);
  if (list != NULL)
    g_array_append_vals (self->resolutions, list, n);
  self->res_min = range_min;
  self->res_max = range_max;
}

const GArray *
mc_scan_device_get_resolutions (McScanDevice *self)
{
  g_return_val_if_fail (MC_IS_SCAN_DEVICE (self), NULL);
  return self->resolutions;
}

gboolean
mc_scan_device_get_resolution_range (McScanDevice *self,
                                     double       *min,
                                     double       *max)
{
  g_return_val_if_fail (MC_IS_SCAN_DEVICE (self), FALSE);
  *min = self->res_min;
  *max = self->res_max;
  return self->res_max > 0;
}

void
mc_scan_device_set_max_area (McScanDevice *self,
                             double        width_mm,
                             double        height_mm)
{
  self->max_width_mm = width_mm;
  self->max_height_mm = height_mm;
}

void
mc_scan_device_get_max_area (McScanDevice *self,
                             double       *width_mm,
                             double       *height_mm)
{
  g_return_if_fail (MC_IS_SCAN_DEVICE (self));
  *width_mm = self->max_width_mm;
  *height_mm = self->max_height_mm;
}

/* The device to select first: the one the clerk used last if it is still
 * there, else the first real scanner, else a virtual one. */
McScanDevice *
mc_scan_device_choose (GPtrArray  *devices,
                       const char *preferred)
{
  McScanDevice *first_virtual = NULL;

  if (devices == NULL)
    return NULL;

  if (preferred != NULL && *preferred != '\0')
    for (guint i = 0; i < devices->len; i++)
      if (g_str_equal (mc_scan_device_get_name (g_ptr_array_index (devices, i)), preferred))
        return g_ptr_array_index (devices, i);

  for (guint i = 0; i < devices->len; i++)
    {
      McScanDevice *device = g_ptr_array_index (devices, i);

      if (!mc_scan_device_is_virtual (device))
        return device;
      if (first_virtual == NULL)
        first_virtual = device;
    }
  return first_virtual;
}
