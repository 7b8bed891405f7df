/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-page"

#include "config.h"

#include "mc-page.h"

struct _McPage
{
  GObject       parent_instance;

  char         *path;
  char         *basename;
  char         *thumbnail_path;
  int           width;
  int           height;
  double        dpi;
  McScanMode    mode;
  McScanSource  source;
  McPageSide    side;
  guint         revision;   /* bumped when the image on disk changes */
};

G_DEFINE_FINAL_TYPE (McPage, mc_page, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_REVISION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mc_page_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  McPage *self = MC_PAGE (object);

  switch (prop_id)
    {
    case PROP_WIDTH:
      g_value_set_int (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_int (value, self->height);
      break;
    case PROP_REVISION:
      g_value_set_uint (value, self->revision);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_page_finalize (GObject *object)
{
  McPage *self = MC_PAGE (object);

  g_free (self->path);
  g_free (self->basename);
  g_free (self->thumbnail_path);

  G_OBJECT_CLASS (mc_page_parent_class)->finalize (object);
}

static void
mc_page_class_init (McPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mc_page_finalize;
  object_class->get_property = mc_page_get_property;

  properties[PROP_WIDTH] =
    g_param_spec_int ("width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEIGHT] =
    g_param_spec_int ("height", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REVISION] =
    g_param_spec_uint ("revision", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mc_page_init (McPage *self)
{
}

McPage *
mc_page_new (const char   *path,
             const char   *thumbnail_path,
             int           width,
             int           height,
             double        dpi,
             McScanMode    mode,
             McScanSource  source,
             McPageSide    side)
{
  McPage *self = g_object_new (MC_TYPE_PAGE, NULL);

  self->path = g_strdup (path);
  self->basename = g_path_get_basename (path);
  self->thumbnail_path = g_strdup (thumbnail_path);
  self->width = width;
  self->height = height;
  self->dpi = dpi;
  self->mode = mode;
  self->source = source;
  self->side = side;
  return self;
}

const char *mc_page_get_path (McPage *self) { return self->path; }
const char *mc_page_get_basename (McPage *self) { return self->basename; }
const char *mc_page_get_thumbnail_path (McPage *self) { return self->thumbnail_path; }
int mc_page_get_width (McPage *self) { return self->width; }
int mc_page_get_height (McPage *self) { return self->height; }
double mc_page_get_dpi (McPage *self) { return self->dpi; }
McScanMode mc_page_get_mode (McPage *self) { return self->mode; }
McScanSource mc_page_get_source (McPage *self) { return self->source; }
McPageSide mc_page_get_side (McPage *self) { return self->side; }
guint mc_page_get_revision (McPage *self) { return self->revision; }

/* After the image on disk was replaced (rotated): new size, new revision,
 * so views reload the thumbnail. Main thread only. */
void
mc_page_update_size (McPage *self,
                     int     width,
                     int     height)
{
  g_return_if_fail (MC_IS_PAGE (self));

  self->width = width;
  self->height = height;
  self->revision++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WIDTH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEIGHT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVISION]);
}
