/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-reception-page.h"
#include "mc-guidance-page.h"
#include "mc-statistics-page.h"
#include "mc-window.h"
#include "mc-ui.h"

struct _McWindow
{
  AdwApplicationWindow  parent_instance;

  /* Owned */
  GSettings            *settings;
  McWardCatalog        *catalog;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *stack;
  GtkLabel             *ward_label;
  GtkLabel             *counter_label;
  McStatisticsPage     *statistics_page;
  McGuidancePage       *guidance_page;
  AdwBin               *reception_bin;
  McReceptionPage      *reception;
};

G_DEFINE_FINAL_TYPE (McWindow, mc_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CATALOG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_counter_identity (McWindow *self)
{
  g_autofree char *code = g_settings_get_string (self->settings, "ward-code");
  g_autofree char *counter = g_settings_get_string (self->settings, "counter-name");
  g_autofree char *clerk = g_settings_get_string (self->settings, "clerk-name");
  const McWardUnit *unit = NULL;
  g_autofree char *second = NULL;

  if (self->catalog != NULL)
    unit = mc_ward_catalog_lookup_current (self->catalog, code, mc_day_today ());

  if (unit != NULL)
    gtk_label_set_text (self->ward_label, mc_ward_unit_get_name (unit));
  else
    gtk_label_set_text (self->ward_label, _("No ward chosen"));

  if (*counter == '\0')
    counter = g_strdup (_("Counter not named"));
  if (*clerk != '\0')
    /* Translators: counter name · clerk name, in the header bar */
    second = g_strdup_printf (_("%s · %s"), counter, clerk);
  else
    second = g_steal_pointer (&counter);
  gtk_label_set_text (self->counter_label, second);
}

static void
on_settings_changed (McWindow   *self,
                     const char *key,
                     GSettings  *settings)
{
  if (g_str_equal (key, "ward-code") || g_str_equal (key, "counter-name") ||
      g_str_equal (key, "clerk-name"))
    update_counter_identity (self);
}

static void
new_visit_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  McWindow *self = MC_WINDOW (widget);

  mc_window_show_section (self, "reception");
  if (self->reception != NULL)
    mc_reception_page_new_visit (self->reception);
}

static void
show_section_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  mc_window_show_section (MC_WINDOW (widget), g_variant_get_string (param, NULL));
}

static gboolean
mc_window_close_request (GtkWindow *window)
{
  McWindow *self = MC_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (mc_window_parent_class)->close_request (window);
}

static void
mc_window_constructed (GObject *object)
{
  McWindow *self = MC_WINDOW (object);

  G_OBJECT_CLASS (mc_window_parent_class)->constructed (object);

  g_assert (self->settings != NULL);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed),
                           self, G_CONNECT_SWAPPED);
  update_counter_identity (self);
  mc_statistics_page_setup (self->statistics_page, self->settings, self->catalog);
}

static void
mc_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  McWindow *self = MC_WINDOW (object);

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
mc_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  McWindow *self = MC_WINDOW (object);

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
mc_window_dispose (GObject *object)
{
  McWindow *self = MC_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (mc_window_parent_class)->dispose (object);
}

static void
mc_window_class_init (McWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = mc_window_constructed;
  object_class->dispose = mc_window_dispose;
  object_class->get_property = mc_window_get_property;
  object_class->set_property = mc_window_set_property;
  window_class->close_request = mc_window_close_request;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, MC_TYPE_WARD_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MC_TYPE_STATISTICS_PAGE);
  g_type_ensure (MC_TYPE_GUIDANCE_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-window.ui");
  gtk_widget_class_bind_template_child (widget_class, McWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, McWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, McWindow, ward_label);
  gtk_widget_class_bind_template_child (widget_class, McWindow, counter_label);
  gtk_widget_class_bind_template_child (widget_class, McWindow, statistics_page);
  gtk_widget_class_bind_template_child (widget_class, McWindow, guidance_page);
  gtk_widget_class_bind_template_child (widget_class, McWindow, reception_bin);

  gtk_widget_class_install_action (widget_class, "win.new-visit", NULL, new_visit_action);
  gtk_widget_class_install_action (widget_class, "win.show-section", "s", show_section_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK,
                                       "win.show-section", "s", "reception");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK,
                                       "win.show-section", "s", "statistics");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK,
                                       "win.show-section", "s", "guidance");
}

static void
mc_window_init (McWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

McWindow *
mc_window_new (GtkApplication *application,
               GSettings      *settings,
               McWardCatalog  *catalog)
{
  return g_object_new (MC_TYPE_WINDOW,
                       "application", application,
                       "settings", settings,
                       "catalog", catalog,
                       NULL);
}

const char *
mc_window_get_visible_section (McWindow *self)
{
  g_return_val_if_fail (MC_IS_WINDOW (self), NULL);
  return adw_view_stack_get_visible_child_name (self->stack);
}

void
mc_window_show_section (McWindow   *self,
                        const char *name)
{
  g_return_if_fail (MC_IS_WINDOW (self));

  if (adw_view_stack_get_child_by_name (self->stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->stack, name);
}

void
mc_window_add_toast (McWindow   *self,
                     const char *message)
{
  g_return_if_fail (MC_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, mc_toast_new_literal (message));
}

/* What the header bar says about this counter, for tests and accessibility. */
char *
mc_window_dup_header_text (McWindow *self)
{
  g_return_val_if_fail (MC_IS_WINDOW (self), NULL);
  return g_strdup_printf ("%s\n%s", gtk_label_get_text (self->ward_label),
                          gtk_label_get_text (self->counter_label));
}

/* The ledger opens off the main thread after the window is shown; the
 * application hands it over here once it is ready. */
void
mc_window_set_ledger (McWindow *self,
                      McLedger *ledger)
{
  g_return_if_fail (MC_IS_WINDOW (self));
  mc_statistics_page_set_ledger (self->statistics_page, ledger);
  if (self->reception != NULL)
    mc_reception_page_set_ledger (self->reception, ledger);
}

McLedger *
mc_window_get_ledger (McWindow *self)
{
  g_return_val_if_fail (MC_IS_WINDOW (self), NULL);
  return mc_statistics_page_get_ledger (self->statistics_page);
}

void
mc_window_set_ledger_link (McWindow     *self,
                           McLedgerLink *link)
{
  g_return_if_fail (MC_IS_WINDOW (self));
  mc_statistics_page_set_ledger_link (self->statistics_page, link);
}

void
mc_window_set_ledger_error (McWindow   *self,
                            const char *message)
{
  g_return_if_fail (MC_IS_WINDOW (self));
  mc_statistics_page_set_ledger_error (self->statistics_page, message);
}

/* The visits and the scanner: until they are given, the Reception section
 * shows what it is for. */
void
mc_window_set_services (McWindow           *self,
                        McVisitStore       *visits,
                        McProcedureCatalog *catalog,
                        McScanner          *scanner,
                        McCitizenScreen    *citizen_screen)
{
  g_return_if_fail (MC_IS_WINDOW (self));

  mc_guidance_page_set_procedures (self->guidance_page, catalog);
  self->reception = MC_RECEPTION_PAGE (mc_reception_page_new (visits, catalog, scanner, self->settings));
  mc_reception_page_set_ledger (self->reception, mc_window_get_ledger (self));
  mc_reception_page_set_citizen_screen (self->reception, citizen_screen);
  adw_bin_set_child (self->reception_bin, GTK_WIDGET (self->reception));
}

/* The outbox of portal API uploads, for the visits (after set_services). */
void
mc_window_set_outbox (McWindow       *self,
                      McPortalOutbox *outbox)
{
  g_return_if_fail (MC_IS_WINDOW (self));
  if (self->reception != NULL)
    mc_reception_page_set_outbox (self->reception, outbox);
}

McReceptionPage *
mc_window_get_reception (McWindow *self)
{
  g_return_val_if_fail (MC_IS_WINDOW (self), NULL);
  return self->reception;
}
