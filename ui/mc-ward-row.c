/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ward-row"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-ward-row.h"

/* A combo row offering the wards in effect today. Its "ward-code" property
 * binds straight to the "ward-code" setting. A code of a unit that has since
 * been merged selects the ward it was merged into. */
struct _McWardRow
{
  AdwComboRow    parent_instance;

  McWardCatalog *catalog;
  GPtrArray     *codes;       /* char*, parallel to the model */
  char          *ward_code;
  gboolean       updating;
};

G_DEFINE_FINAL_TYPE (McWardRow, mc_ward_row, ADW_TYPE_COMBO_ROW)

enum {
  PROP_0,
  PROP_CATALOG,
  PROP_WARD_CODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
select_code (McWardRow *self)
{
  const McWardUnit *unit;
  McDay today = mc_day_today ();
  guint position = GTK_INVALID_LIST_POSITION;

  if (self->catalog == NULL || self->ward_code == NULL || *self->ward_code == '\0')
    goto out;

  unit = mc_ward_catalog_lookup_current (self->catalog, self->ward_code, today);
  if (unit == NULL)
    goto out;

  for (guint i = 0; i < self->codes->len; i++)
    if (g_str_equal (g_ptr_array_index (self->codes, i), mc_ward_unit_get_code (unit)))
      position = i;

out:
  self->updating = TRUE;
  adw_combo_row_set_selected (ADW_COMBO_ROW (self), position);
  self->updating = FALSE;
}

static void
rebuild_model (McWardRow *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  g_ptr_array_set_size (self->codes, 0);
  if (self->catalog != NULL)
    {
      g_autoptr(GPtrArray) units = mc_ward_catalog_units_on (self->catalog, mc_day_today ());

      for (guint i = 0; i < units->len; i++)
        {
          const McWardUnit *unit = g_ptr_array_index (units, i);

          gtk_string_list_append (model, mc_ward_unit_get_name (unit));
          g_ptr_array_add (self->codes, g_strdup (mc_ward_unit_get_code (unit)));
        }
    }

  self->updating = TRUE;
  adw_combo_row_set_model (ADW_COMBO_ROW (self), G_LIST_MODEL (model));
  self->updating = FALSE;
  select_code (self);
}

static void
on_selected_changed (McWardRow  *self,
                     GParamSpec *pspec,
                     gpointer    user_data)
{
  guint position = adw_combo_row_get_selected (ADW_COMBO_ROW (self));
  const char *code;

  if (self->updating || position >= self->codes->len)
    return;

  code = g_ptr_array_index (self->codes, position);
  if (g_strcmp0 (code, self->ward_code) != 0)
    {
      g_free (self->ward_code);
      self->ward_code = g_strdup (code);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WARD_CODE]);
    }
}

GtkWidget *
mc_ward_row_new (McWardCatalog *catalog)
{
  return g_object_new (MC_TYPE_WARD_ROW, "catalog", catalog, NULL);
}

McWardCatalog *
mc_ward_row_get_catalog (McWardRow *self)
{
  g_return_val_if_fail (MC_IS_WARD_ROW (self), NULL);
  return self->catalog;
}

void
mc_ward_row_set_catalog (McWardRow     *self,
                         McWardCatalog *catalog)
{
  g_return_if_fail (MC_IS_WARD_ROW (self));

  if (g_set_object (&self->catalog, catalog))
    {
      rebuild_model (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATALOG]);
    }
}

const char *
mc_ward_row_get_ward_code (McWardRow *self)
{
  g_return_val_if_fail (MC_IS_WARD_ROW (self), NULL);
  return self->ward_code ? self->ward_code : "";
}

void
mc_ward_row_set_ward_code (McWardRow  *self,
                           const char *code)
{
  g_return_if_fail (MC_IS_WARD_ROW (self));

  if (g_strcmp0 (code, self->ward_code) == 0)
    return;

  g_free (self->ward_code);
  self->ward_code = g_strdup (code);
  select_code (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WARD_CODE]);
}

static void
mc_ward_row_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  McWardRow *self = MC_WARD_ROW (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    case PROP_WARD_CODE:
      g_value_set_string (value, mc_ward_row_get_ward_code (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_ward_row_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  McWardRow *self = MC_WARD_ROW (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      mc_ward_row_set_catalog (self, g_value_get_object (value));
      break;
    case PROP_WARD_CODE:
      mc_ward_row_set_ward_code (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_ward_row_finalize (GObject *object)
{
  McWardRow *self = MC_WARD_ROW (object);

  g_clear_object (&self->catalog);
  g_clear_pointer (&self->codes, g_ptr_array_unref);
  g_free (self->ward_code);

  G_OBJECT_CLASS (mc_ward_row_parent_class)->finalize (object);
}

static void
mc_ward_row_class_init (McWardRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mc_ward_row_finalize;
  object_class->get_property = mc_ward_row_get_property;
  object_class->set_property = mc_ward_row_set_property;

  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, MC_TYPE_WARD_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WARD_CODE] =
    g_param_spec_string ("ward-code", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mc_ward_row_init (McWardRow *self)
{
  self->codes = g_ptr_array_new_with_free_func (g_free);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), _("Ward"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _("The ward or commune this counter serves"));
  g_signal_connect (self, "notify::selected", G_CALLBACK (on_selected_changed), NULL);
  rebuild_model (self);
}
