/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-ledger-server-group.h"
#include "mc-pin-dialog.h"
#include "mc-portal-config.h"
#include "mc-portal-token.h"
#include "mc-preferences-window.h"
#include "mc-signing-group.h"
#include "mc-window.h"
#include "mc-ward-row.h"

struct _McPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Owned */
  GSettings            *settings;
  McWardCatalog        *catalog;

  /* Template widgets */
  McWardRow            *ward_row;
  AdwEntryRow          *counter_row;
  AdwEntryRow          *clerk_row;
  McSigningGroup       *signing_group;
  AdwEntryRow          *scanner_row;
  AdwComboRow          *resolution_row;
  AdwComboRow          *mode_row;
  AdwComboRow          *source_row;
  AdwComboRow          *portal_row;
  GtkSpinButton        *file_limit_spin;
  GtkSpinButton        *retention_spin;
  GtkSpinButton        *target_spin;
  GtkSwitch            *citizen_screen_switch;
  GtkSwitch            *read_aloud_switch;
  GtkSpinButton        *self_service_timeout_spin;
  AdwActionRow         *pin_row;
  GtkButton            *pin_button;
  AdwEntryRow          *endpoint_row;
  AdwPasswordEntryRow  *token_row;
  AdwEntryRow          *ca_file_row;
  GtkLabel             *api_status_label;
  GCancellable         *cancellable;
};

G_DEFINE_FINAL_TYPE (McPreferencesWindow, mc_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CATALOG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Combo rows list human labels; settings hold stable values. These tables
 * map between the two, in the order of each row's model. */
static const char * const mode_values[] = { "color", "gray", "lineart", NULL };
static const char * const source_values[] = { "auto", "flatbed", "adf", "duplex", NULL };
static const char * const portal_values[] = { "provincial", "national", NULL };
static const guint resolution_values[] = { 150, 200, 300, 400, 600 };

static gboolean
string_to_position (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char * const *values = user_data;
  const char *s = g_variant_get_string (variant, NULL);

  for (guint i = 0; values[i]; i++)
    if (g_str_equal (values[i], s))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
position_to_string (const GValue       *value,
                    const GVariantType *type,
                    gpointer            user_data)
{
  const char * const *values = user_data;
  guint position = g_value_get_uint (value);

  if (position >= g_strv_length ((char **) values))
    return NULL;
  return g_variant_new_string (values[position]);
}

/* A resolution set outside the list (by gsettings or an older version)
 * selects the nearest listed value rather than nothing. */
static gboolean
resolution_to_position (GValue   *value,
                        GVariant *variant,
                        gpointer  user_data)
{
  guint dpi = g_variant_get_uint32 (variant);
  guint best = 0;

  for (guint i = 1; i < G_N_ELEMENTS (resolution_values); i++)
    if (ABS ((int) resolution_values[i] - (int) dpi) < ABS ((int) resolution_values[best] - (int) dpi))
      best = i;
  g_value_set_uint (value, best);
  return TRUE;
}

static GVariant *
position_to_resolution (const GValue       *value,
                        const GVariantType *type,
                        gpointer            user_data)
{
  guint position = g_value_get_uint (value);

  if (position >= G_N_ELEMENTS (resolution_values))
    return NULL;
  return g_variant_new_uint32 (resolution_values[position]);
}

static void
bind_combo (McPreferencesWindow *self,
            AdwComboRow         *row,
            const char          *key,
            const char * const  *values)
{
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                string_to_position, position_to_string,
                                (gpointer) values, NULL);
}

static void
update_pin_row (McPreferencesWindow *self)
{
  g_autofree char *hash = g_settings_get_string (self->settings, "supervisor-pin-hash");
  gboolean set = *hash != '\0';

  adw_action_row_set_subtitle (self->pin_row, set ? _("Set") : _("Not set: records cannot be corrected"));
  gtk_button_set_label (self->pin_button, set ? _("Change…") : _("Set…"));
}

static void
on_pin_setting_changed (McPreferencesWindow *self)
{
  update_pin_row (self);
}

static void
set_pin_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  McPreferencesWindow *self = MC_PREFERENCES_WINDOW (widget);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  McLedger *ledger = MC_IS_WINDOW (parent) ? mc_window_get_ledger (MC_WINDOW (parent)) : NULL;
  GtkWidget *dialog = mc_pin_dialog_new (GTK_WINDOW (self), self->settings, ledger);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- The portal's API: address, token, CA ------------------------------------------ */

static void
set_api_status (McPreferencesWindow *self,
                const char          *text)
{
  gtk_label_set_text (self->api_status_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->api_status_label), text != NULL && *text != '\0');
}

static void
show_endpoint (McPreferencesWindow *self)
{
  g_autofree char *endpoint = g_settings_get_string (self->settings, "portal-api-endpoint");

  gtk_editable_set_text (GTK_EDITABLE (self->endpoint_row), endpoint);
  gtk_widget_remove_css_class (GTK_WIDGET (self->endpoint_row), "error");
  gtk_widget_set_sensitive (GTK_WIDGET (self->token_row), *endpoint != '\0');
}

/* Checked before it is kept: https only (plain http to this computer for
 * tests), no password or query in it; stored normalised. */
static void
on_endpoint_apply (McPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->endpoint_row));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autofree char *normalized = NULL;
  g_autoptr(GError) error = NULL;

  if (*stripped == '\0')
    {
      g_settings_set_string (self->settings, "portal-api-endpoint", "");
      set_api_status (self, _("No API address: visits are filed in the browser."));
      return;
    }
  normalized = mc_portal_endpoint_normalize (stripped, &error);
  if (normalized == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->endpoint_row), "error");
      set_api_status (self, error->message);
      return;
    }
  g_settings_set_string (self->settings, "portal-api-endpoint", normalized);
  set_api_status (self, _("Saved. Now enter the access token the province gave this counter."));
}

typedef struct {
  char *endpoint;
  char *token;
} TokenJob;

static void
token_job_free (TokenJob *job)
{
  g_free (job->endpoint);
  mc_portal_token_free (job->token);
  g_free (job);
}

static void
store_token_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  TokenJob *job = task_data;
  GError *error = NULL;

  if (mc_portal_token_store (job->endpoint, job->token, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_token_stored (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  McPreferencesWindow *self = MC_PREFERENCES_WINDOW (source);
  g_autoptr(GError) error = NULL;
  gboolean stored = g_task_propagate_boolean (G_TASK (result), &error);

  /* The window was closed meanwhile. */
  if (self->token_row == NULL)
    return;
  if (!stored)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_api_status (self, error->message);
      return;
    }
  /* The token leaves the screen once it is in the password store. */
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  set_api_status (self, _("The token is kept in this computer’s password store, not in the settings."));
}

static void
on_token_apply (McPreferencesWindow *self)
{
  g_autofree char *endpoint = g_settings_get_string (self->settings, "portal-api-endpoint");
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->token_row));
  g_autoptr(GTask) task = NULL;
  TokenJob *job;

  if (*endpoint == '\0')
    {
      set_api_status (self, _("Enter and save the API address first."));
      return;
    }
  if (*text == '\0')
    return;
  job = g_new0 (TokenJob, 1);
  job->endpoint = g_steal_pointer (&endpoint);
  job->token = g_strstrip (g_strdup (text));
  set_api_status (self, _("Saving the token…"));
  task = g_task_new (self, self->cancellable, on_token_stored, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) token_job_free);
  g_task_run_in_thread (task, store_token_thread);
}

static void
mc_preferences_window_constructed (GObject *object)
{
  McPreferencesWindow *self = MC_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (mc_preferences_window_parent_class)->constructed (object);

  mc_ward_row_set_catalog (self->ward_row, self->catalog);
  g_settings_bind (self->settings, "ward-code", self->ward_row, "ward-code", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "counter-name", self->counter_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "clerk-name", self->clerk_row, "text", G_SETTINGS_BIND_DEFAULT);
  mc_signing_group_set_settings (self->signing_group, self->settings);
  g_settings_bind (self->settings, "scanner-device", self->scanner_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "scan-resolution", self->resolution_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, resolution_to_position,
                                position_to_resolution, NULL, NULL);
  bind_combo (self, self->mode_row, "scan-mode", mode_values);
  bind_combo (self, self->source_row, "scan-source", source_values);
  bind_combo (self, self->portal_row, "portal", portal_values);
  g_settings_bind (self->settings, "portal-file-limit-mb",
                   gtk_spin_button_get_adjustment (self->file_limit_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "retention-hours",
                   gtk_spin_button_get_adjustment (self->retention_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "online-target-percent",
                   gtk_spin_button_get_adjustment (self->target_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "citizen-screen", self->citizen_screen_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "read-aloud", self->read_aloud_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "self-service-timeout",
                   gtk_spin_button_get_adjustment (self->self_service_timeout_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::supervisor-pin-hash",
                           G_CALLBACK (on_pin_setting_changed), self, G_CONNECT_SWAPPED);
  update_pin_row (self);

  show_endpoint (self);
  set_api_status (self, NULL);
  g_signal_connect_object (self->settings, "changed::portal-api-endpoint", G_CALLBACK (show_endpoint), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self->endpoint_row, "apply", G_CALLBACK (on_endpoint_apply), self);
  g_signal_connect_swapped (self->token_row, "apply", G_CALLBACK (on_token_apply), self);
  g_settings_bind (self->settings, "portal-ca-file", self->ca_file_row, "text", G_SETTINGS_BIND_DEFAULT);

  /* The ward's or the city's ledger server: a page of its own. */
  {
    AdwPreferencesPage *ledger_page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());

    adw_preferences_page_set_title (ledger_page, _("Ledger Server"));
    adw_preferences_page_set_icon_name (ledger_page, "network-server-symbolic");
    gtk_widget_set_name (GTK_WIDGET (ledger_page), "ledger-server");
    adw_preferences_page_add (ledger_page, ADW_PREFERENCES_GROUP (mc_ledger_server_group_new (self->settings)));
    adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ledger_page);
  }
}

static void
mc_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  McPreferencesWindow *self = MC_PREFERENCES_WINDOW (object);

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
mc_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  McPreferencesWindow *self = MC_PREFERENCES_WINDOW (object);

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
mc_preferences_window_dispose (GObject *object)
{
  McPreferencesWindow *self = MC_PREFERENCES_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (mc_preferences_window_parent_class)->dispose (object);
}

static void
mc_preferences_window_class_init (McPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mc_preferences_window_constructed;
  object_class->dispose = mc_preferences_window_dispose;
  object_class->get_property = mc_preferences_window_get_property;
  object_class->set_property = mc_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, MC_TYPE_WARD_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MC_TYPE_WARD_ROW);
  g_type_ensure (MC_TYPE_SIGNING_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, ward_row);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, counter_row);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, clerk_row);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, signing_group);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, scanner_row);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, resolution_row);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, mode_row);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, source_row);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, portal_row);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, file_limit_spin);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, retention_spin);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, target_spin);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, citizen_screen_switch);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, read_aloud_switch);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, self_service_timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, pin_row);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, pin_button);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, endpoint_row);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, ca_file_row);
  gtk_widget_class_bind_template_child (widget_class, McPreferencesWindow, api_status_label);
  gtk_widget_class_install_action (widget_class, "prefs.set-pin", NULL, set_pin_action);
}

static void
mc_preferences_window_init (McPreferencesWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mc_preferences_window_new (GtkWindow     *parent,
                           GSettings     *settings,
                           McWardCatalog *catalog)
{
  return g_object_new (MC_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", TRUE,
                       "settings", settings,
                       "catalog", catalog,
                       NULL);
}
