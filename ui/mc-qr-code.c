/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-qr-code"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-qr.h"
#include "mc-qr-code.h"

#define QUIET_ZONE 4
#define NATURAL_MODULE_PX 8

struct _McQrCode
{
  GtkWidget  parent_instance;

  char      *text;
  GBytes    *modules;
  guint      size;
};

G_DEFINE_FINAL_TYPE (McQrCode, mc_qr_code, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mc_qr_code_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  McQrCode *self = MC_QR_CODE (widget);
  int modules = self->modules ? (int) self->size + 2 * QUIET_ZONE : 0;

  /* Two pixels a module is the least a phone reads from a screen. */
  *minimum = modules * 2;
  *natural = modules * NATURAL_MODULE_PX;
}

static void
mc_qr_code_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  McQrCode *self = MC_QR_CODE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int total = (int) self->size + 2 * QUIET_ZONE;
  const guint8 *m;
  int module, side, x0, y0;
  GdkRGBA white = { 1, 1, 1, 1 }, black = { 0, 0, 0, 1 };

  if (self->modules == NULL)
    return;

  /* Whole pixels per module keep the edges sharp for the camera. */
  module = MAX (1, MIN (width, height) / total);
  side = module * total;
  x0 = (width - side) / 2;
  y0 = (height - side) / 2;
  gtk_snapshot_append_color (snapshot, &white, &GRAPHENE_RECT_INIT (x0, y0, side, side));

  m = g_bytes_get_data (self->modules, NULL);
  for (guint y = 0; y < self->size; y++)
    for (guint x = 0; x < self->size; x++)
      {
        guint run = 0;

        /* One rectangle per horizontal run of dark modules. */
        while (x + run < self->size && m[y * self->size + x + run])
          run++;
        if (run > 0)
          {
            gtk_snapshot_append_color (snapshot, &black,
                                       &GRAPHENE_RECT_INIT (x0 + (QUIET_ZONE + (int) x) * module,
                                                            y0 + (QUIET_ZONE + (int) y) * module,
                                                            run * module, module));
            x += run - 1;
          }
      }
}

const char *
mc_qr_code_get_text (McQrCode *self)
{
  g_return_val_if_fail (MC_IS_QR_CODE (self), NULL);
  return self->text;
}

gboolean
mc_qr_code_set_text (McQrCode   *self,
                     const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;

  g_return_val_if_fail (MC_IS_QR_CODE (self), FALSE);

  if (g_strcmp0 (self->text, text) == 0)
    return self->modules != NULL || text == NULL;

  g_free (self->text);
  self->text = g_strdup (text);
  g_clear_pointer (&self->modules, g_bytes_unref);
  self->size = 0;
  if (text != NULL && *text != '\0')
    {
      self->modules = mc_qr_encode (text, &self->size, &error);
      if (self->modules == NULL)
        g_message ("No QR code: %s", error->message);
    }

  /* Translators: what a screen reader says for the QR code; %s is the address it holds */
  label = g_strdup_printf (_("QR code for %s"), text ? text : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_set_visible (GTK_WIDGET (self), self->modules != NULL);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
  return self->modules != NULL;
}

static void
mc_qr_code_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, MC_QR_CODE (object)->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_qr_code_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_TEXT:
      mc_qr_code_set_text (MC_QR_CODE (object), g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_qr_code_finalize (GObject *object)
{
  McQrCode *self = MC_QR_CODE (object);

  g_free (self->text);
  g_clear_pointer (&self->modules, g_bytes_unref);

  G_OBJECT_CLASS (mc_qr_code_parent_class)->finalize (object);
}

static void
mc_qr_code_class_init (McQrCodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = mc_qr_code_finalize;
  object_class->get_property = mc_qr_code_get_property;
  object_class->set_property = mc_qr_code_set_property;
  widget_class->measure = mc_qr_code_measure;
  widget_class->snapshot = mc_qr_code_snapshot;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "qrcode");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
mc_qr_code_init (McQrCode *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
mc_qr_code_new (void)
{
  return g_object_new (MC_TYPE_QR_CODE, NULL);
}
