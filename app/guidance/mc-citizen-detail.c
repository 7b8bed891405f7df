/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-citizen-detail"

#include "config.h"

#include "mc-citizen-detail.h"

struct _McCitizenDetail
{
  GObject  parent_instance;

  char    *label;
  char    *value;
  char    *source;
};

G_DEFINE_FINAL_TYPE (McCitizenDetail, mc_citizen_detail, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LABEL,
  PROP_VALUE,
  PROP_SOURCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mc_citizen_detail_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  McCitizenDetail *self = MC_CITIZEN_DETAIL (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_VALUE:
      g_value_set_string (value, self->value);
      break;
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_citizen_detail_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  McCitizenDetail *self = MC_CITIZEN_DETAIL (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      self->label = g_value_dup_string (value);
      break;
    case PROP_VALUE:
      self->value = g_value_dup_string (value);
      break;
    case PROP_SOURCE:
      self->source = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_citizen_detail_finalize (GObject *object)
{
  McCitizenDetail *self = MC_CITIZEN_DETAIL (object);

  g_free (self->label);
  g_free (self->value);
  g_free (self->source);

  G_OBJECT_CLASS (mc_citizen_detail_parent_class)->finalize (object);
}

static void
mc_citizen_detail_class_init (McCitizenDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mc_citizen_detail_finalize;
  object_class->get_property = mc_citizen_detail_get_property;
  object_class->set_property = mc_citizen_detail_set_property;

  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALUE] =
    g_param_spec_string ("value", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mc_citizen_detail_init (McCitizenDetail *self)
{
}

McCitizenDetail *
mc_citizen_detail_new (const char *label,
                       const char *value,
                       const char *source)
{
  return g_object_new (MC_TYPE_CITIZEN_DETAIL,
                       "label", label,
                       "value", value,
                       "source", source,
                       NULL);
}

const char *
mc_citizen_detail_get_label (McCitizenDetail *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_DETAIL (self), NULL);
  return self->label;
}

const char *
mc_citizen_detail_get_value (McCitizenDetail *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_DETAIL (self), NULL);
  return self->value;
}

const char *
mc_citizen_detail_get_source (McCitizenDetail *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_DETAIL (self), NULL);
  return self->source;
}
