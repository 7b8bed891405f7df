/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  MC_SCAN_SOURCE_AUTO,      /* feeder when there is one, glass otherwise */
  MC_SCAN_SOURCE_FLATBED,
  MC_SCAN_SOURCE_ADF,
  MC_SCAN_SOURCE_DUPLEX,
  MC_SCAN_SOURCE_OTHER,     /* film, transparency: not offered */
} McScanSource;

typedef enum {
  MC_SCAN_MODE_COLOR,
  MC_SCAN_MODE_GRAY,
  MC_SCAN_MODE_LINEART,
} McScanMode;

typedef enum {
  MC_PAGE_SIDE_FRONT,
  MC_PAGE_SIDE_BACK,
} McPageSide;

const char   *mc_scan_source_to_string (McScanSource source);
gboolean      mc_scan_source_from_string (const char *text,
                                          McScanSource *out);
McScanSource  mc_scan_source_classify  (const char *sane_name);
const char   *mc_scan_mode_to_string   (McScanMode mode);
gboolean      mc_scan_mode_from_string (const char *text,
                                        McScanMode *out);
gboolean      mc_scan_mode_classify    (const char *sane_name,
                                        McScanMode *out);
const char   *mc_page_side_to_string   (McPageSide side);

#define MC_TYPE_SCAN_DEVICE (mc_scan_device_get_type ())
G_DECLARE_FINAL_TYPE (McScanDevice, mc_scan_device, MC, SCAN_DEVICE, GObject)

McScanDevice *mc_scan_device_new            (const char   *name,
                                             const char   *vendor,
                                             const char   *model,
                                             const char   *type);
const char   *mc_scan_device_get_name       (McScanDevice *self);
const char   *mc_scan_device_get_vendor     (McScanDevice *self);
const char   *mc_scan_device_get_model      (McScanDevice *self);
const char   *mc_scan_device_get_kind       (McScanDevice *self);
char         *mc_scan_device_dup_label      (McScanDevice *self);
gboolean      mc_scan_device_is_virtual     (McScanDevice *self);

/* Capabilities: known once the device has been opened. */
gboolean      mc_scan_device_has_capabilities (McScanDevice *self);
gboolean      mc_scan_device_has_source     (McScanDevice *self,
                                             McScanSource  source);
const char   *mc_scan_device_get_source_name (McScanDevice *self,
                                              McScanSource  source);
GStrv         mc_scan_device_dup_source_names (McScanDevice *self);
gboolean      mc_scan_device_has_mode       (McScanDevice *self,
                                             McScanMode    mode);
const GArray *mc_scan_device_get_resolutions (McScanDevice *self);
gboolean      mc_scan_device_get_resolution_range (McScanDevice *self,
                                                   double       *min,
                                                   double       *max);
void          mc_scan_device_get_max_area   (McScanDevice *self,
                                             double       *width_mm,
                                             double       *height_mm);

/* For the scanner thread, which fills them in. */
void          mc_scan_device_add_source     (McScanDevice *self,
                                             const char   *sane_name);
void          mc_scan_device_add_mode       (McScanDevice *self,
                                             McScanMode    mode,
                                             const char   *sane_name);
const char   *mc_scan_device_get_mode_name  (McScanDevice *self,
                                             McScanMode    mode);
void          mc_scan_device_set_resolutions (McScanDevice *self,
                                              const double *list,
                                              guint         n,
                                              double        range_min,
                                              double        range_max);
void          mc_scan_device_set_max_area   (McScanDevice *self,
                                             double        width_mm,
                                             double        height_mm);
void          mc_scan_device_set_has_capabilities (McScanDevice *self);

McScanDevice *mc_scan_device_choose         (GPtrArray    *devices,
                                             const char   *preferred);

G_END_DECLS
