/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-first-run-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-first-run-dialog.h"
#include "mc-ward-row.h"

/* Asked once, before anything else: every filing is recorded against a
 * ward and counter, so the program is of no use until they are known. */
struct _McFirstRunDialog
{
  AdwWindow      parent_instance;

  /* Owned */
  GSettings     *settings;
  McWardCatalog *catalog;

  /* Template widgets */
  McWardRow     *ward_row;
  AdwEntryRow   *counter_row;
  AdwEntryRow   *clerk_row;
  GtkLabel      *hint_label;
};

G_DEFINE_FINAL_TYPE (McFirstRunDialog, mc_first_run_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CATALOG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

gboolean
mc_first_run_dialog_is_needed (GSettings *settings)
{
  g_autofree char *ward = g_settings_get_string (settings, "ward-code");
  g_autofree char *counter = g_settings_get_string (settings, "counter-name");

  return *ward == '\0' || *g_strstrip (counter) == '\0';
}

static void
update_state (McFirstRunDialog *self)
{
  g_autofree char *counter = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->counter_row)));
  gboolean has_ward = *mc_ward_row_get_ward_code (self->ward_row) != '\0';
  gboolean has_counter = *g_strstrip (counter) != '\0';

  if (!has_ward)
    gtk_label_set_text (self->hint_label, _("Choose the ward to continue."));
  else if (!has_counter)
    gtk_label_set_text (self->hint_label, _("Give the counter a name to continue."));
  else
    gtk_label_set_text (self->hint_label, _("You can change these later in Preferences."));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.start", has_ward && has_counter);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  McFirstRunDialog *self = MC_FIRST_RUN_DIALOG (widget);
  g_autofree char *counter = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->counter_row)));
  g_autofree char *clerk = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->clerk_row)));

  g_settings_delay (self->settings);
  g_settings_set_string (self->settings, "ward-code", mc_ward_row_get_ward_code (self->ward_row));
  g_settings_set_string (self->settings, "counter-name", g_strstrip (counter));
  g_settings_set_string (self->settings, "clerk-name", g_strstrip (clerk));
  g_settings_apply (self->settings);

  gtk_window_destroy (GTK_WINDOW (self));
}

void
mc_first_run_dialog_set_values (McFirstRunDialog *self,
                                const char       *ward_code,
                                const char       *counter,
                                const char       *clerk)
{
  g_return_if_fail (MC_IS_FIRST_RUN_DIALOG (self));

  mc_ward_row_set_ward_code (self->ward_row, ward_code);
  gtk_editable_set_text (GTK_EDITABLE (self->counter_row), counter ? counter : "");
  gtk_editable_set_text (GTK_EDITABLE (self->clerk_row), clerk ? clerk : "");
}

static void
mc_first_run_dialog_constructed (GObject *object)
{
  McFirstRunDialog *self = MC_FIRST_RUN_DIALOG (object);
  g_autofree char *ward = NULL;
  g_autofree char *counter = NULL;
  g_autofree char *clerk = NULL;

  G_OBJECT_CLASS (mc_first_run_dialog_parent_class)->constructed (object);

  mc_ward_row_set_catalog (self->ward_row, self->catalog);

  /* Start from whatever is already set, e.g. a ward without a counter. */
  ward = g_settings_get_string (self->settings, "ward-code");
  counter = g_settings_get_string (self->settings, "counter-name");
  clerk = g_settings_get_string (self->settings, "clerk-name");
  mc_first_run_dialog_set_values (self, ward, counter, clerk);

  g_signal_connect_object (self->ward_row, "notify::ward-code", G_CALLBACK (update_state),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->counter_row, "changed", G_CALLBACK (update_state),
                           self, G_CONNECT_SWAPPED);
  update_state (self);
}

static void
mc_first_run_dialog_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  McFirstRunDialog *self = MC_FIRST_RUN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_first_run_dialog_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  McFirstRunDialog *self = MC_FIRST_RUN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_CATALOG:
      self->catalog = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_first_run_dialog_dispose (GObject *object)
{
  McFirstRunDialog *self = MC_FIRST_RUN_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_FIRST_RUN_DIALOG);
  g_clear_object (&self->settings);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (mc_first_run_dialog_parent_class)->dispose (object);
}

static void
mc_first_run_dialog_class_init (McFirstRunDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mc_first_run_dialog_constructed;
  object_class->dispose = mc_first_run_dialog_dispose;
  object_class->get_property = mc_first_run_dialog_get_property;
  object_class->set_property = mc_first_run_dialog_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, MC_TYPE_WARD_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MC_TYPE_WARD_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-first-run-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, McFirstRunDialog, ward_row);
  gtk_widget_class_bind_template_child (widget_class, McFirstRunDialog, counter_row);
  gtk_widget_class_bind_template_child (widget_class, McFirstRunDialog, clerk_row);
  gtk_widget_class_bind_template_child (widget_class, McFirstRunDialog, hint_label);

  gtk_widget_class_install_action (widget_class, "dialog.start", NULL, start_action);
}

static void
mc_first_run_dialog_init (McFirstRunDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mc_first_run_dialog_new (GtkWindow     *parent,
                         GSettings     *settings,
                         McWardCatalog *catalog)
{
  return g_object_new (MC_TYPE_FIRST_RUN_DIALOG,
                       "transient-for", parent,
                       /* Its Quit button is the application's quit action. */
                       "application", parent ? gtk_window_get_application (parent) : NULL,
                       "settings", settings,
                       "catalog", catalog,
                       NULL);
}
