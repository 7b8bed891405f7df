/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-scan-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-scan-panel-private.h"

/* The scanning area of a visit: choose the scanner and the kind of paper,
 * press Scan (or Enter), watch the pages arrive; turn, reorder or delete
 * them. The pages live in a McPageStore folder, so nothing shown here is
 * held only in memory. */

G_DEFINE_FINAL_TYPE (McScanPanel, mc_scan_panel, ADW_TYPE_BIN)

enum {
  SIGNAL_TOGGLE_ORIGINAL,
  SIGNAL_PAGES_ROTATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_SCANNER,
  PROP_SETTINGS,
  PROP_STORE,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Sources offered, in this order, when the device has them. */
static const McScanSource offered_sources[] = {
  MC_SCAN_SOURCE_FLATBED, MC_SCAN_SOURCE_ADF, MC_SCAN_SOURCE_DUPLEX,
};

static const char *
source_label (McScanSource source)
{
  switch (source)
    {
    case MC_SCAN_SOURCE_FLATBED: return _("Glass");
    case MC_SCAN_SOURCE_ADF: return _("Feeder");
    case MC_SCAN_SOURCE_DUPLEX: return _("Feeder, both sides");
    case MC_SCAN_SOURCE_AUTO:
    case MC_SCAN_SOURCE_OTHER:
    default: return _("Automatic");
    }
}

/* ---- specimens ---------------------------------------------------------- */

char *
mc_specimen_dir (void)
{
  const char *env = g_getenv ("MOTCUA_SPECIMEN_DIR");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (PKGDATADIR, "specimens", NULL);
}

static const char *
specimen_label (const char *basename)
{
  static const struct { const char *file; const char *label; } labels[] = {
    { "can-cuoc-hai-mat.ppm", N_("ID card, front and back (specimen)") },
    { "to-khai-khai-sinh-1.pgm", N_("Birth registration form, page 1 (specimen)") },
    { "to-khai-khai-sinh-2.pgm", N_("Birth registration form, page 2 (specimen)") },
    { "giay-chung-sinh.ppm", N_("Hospital birth certificate (specimen)") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (labels[i].file, basename))
      return _(labels[i].label);
  return basename;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static void
load_specimens (McScanPanel *self)
{
  g_autofree char *dir = mc_specimen_dir ();
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  const char *name;

  g_ptr_array_set_size (self->specimens, 0);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, ".pgm") || g_str_has_suffix (name, ".ppm") ||
        g_str_has_suffix (name, ".pnm"))
      g_ptr_array_add (self->specimens, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (self->specimens, compare_strings);

  for (guint i = 0; i < self->specimens->len; i++)
    {
      g_autofree char *base = g_path_get_basename (g_ptr_array_index (self->specimens, i));

      gtk_string_list_append (model, specimen_label (base));
    }
  gtk_drop_down_set_model (self->specimen_dropdown, G_LIST_MODEL (model));
}

gboolean
mc_scan_panel_select_specimen (McScanPanel *self,
                               const char  *basename)
{
  g_return_val_if_fail (MC_IS_SCAN_PANEL (self), FALSE);

  for (guint i = 0; i < self->specimens->len; i++)
    if (g_str_has_suffix (g_ptr_array_index (self->specimens, i), basename))
      {
        gtk_drop_down_set_selected (self->specimen_dropdown, i);
        return TRUE;
      }
  return FALSE;
}

/* ---- state shown -------------------------------------------------------- */

static void
set_status (McScanPanel *self,
            const char  *status)
{
  g_free (self->status);
  self->status = g_strdup (status);
  gtk_label_set_text (self->status_label, status ? status : "");
}

void
_mc_scan_panel_set_error (McScanPanel *self,
                          const char  *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_box), message != NULL);
}

void
_mc_scan_panel_emit_toggle_original (McScanPanel *self,
                                     const char  *basename)
{
  g_signal_emit (self, signals[SIGNAL_TOGGLE_ORIGINAL], 0, basename);
}

void
_mc_scan_panel_emit_pages_rotated (McScanPanel *self,
                                   McPage      *page)
{
  g_signal_emit (self, signals[SIGNAL_PAGES_ROTATED], 0, page);
}

static McScanDevice *
selected_device (McScanPanel *self)
{
  guint i = gtk_drop_down_get_selected (self->device_dropdown);

  return (self->devices != NULL && i < self->devices->len) ? g_ptr_array_index (self->devices, i) : NULL;
}

static void
update_actions (McScanPanel *self)
{
  gboolean busy = self->job != 0;
  gboolean ready = selected_device (self) != NULL && self->store != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.start", ready && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.cancel", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.refresh",
                                 !busy && !mc_scanner_is_detecting (self->scanner));
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), busy);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->device_dropdown), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->source_dropdown), !busy);
  if (busy != self->was_busy)
    {
      self->was_busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
}

/* A scan is running (the citizen screen shows "scanning…"). */
gboolean
mc_scan_panel_is_busy (McScanPanel *self)
{
  g_return_val_if_fail (MC_IS_SCAN_PANEL (self), FALSE);
  return self->job != 0;
}

static void
update_sources (McScanPanel *self)
{
  McScanDevice *device = selected_device (self);
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autofree char *wanted = g_settings_get_string (self->settings, "scan-source");
  McScanSource want = MC_SCAN_SOURCE_AUTO;
  guint select = 0, n = 0;

  mc_scan_source_from_string (wanted, &want);
  if (self->preset != MC_SCAN_PRESET_DOCUMENT)
    want = MC_SCAN_SOURCE_FLATBED;   /* cards and photos go on the glass */

  for (guint i = 0; i < G_N_ELEMENTS (offered_sources); i++)
    if (device == NULL || !mc_scan_device_has_capabilities (device) ||
        mc_scan_device_has_source (device, offered_sources[i]))
      {
        if (offered_sources[i] == want ||
            (want == MC_SCAN_SOURCE_AUTO && offered_sources[i] == MC_SCAN_SOURCE_ADF))
          select = n;
        gtk_string_list_append (model, source_label (offered_sources[i]));
        n++;
      }

  self->updating = TRUE;
  gtk_drop_down_set_model (self->source_dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (self->source_dropdown, select);
  self->updating = FALSE;
}

static McScanSource
selected_source (McScanPanel *self)
{
  McScanDevice *device = selected_device (self);
  guint want = gtk_drop_down_get_selected (self->source_dropdown);
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (offered_sources); i++)
    if (device == NULL || !mc_scan_device_has_capabilities (device) ||
        mc_scan_device_has_source (device, offered_sources[i]))
      {
        if (n == want)
          return offered_sources[i];
        n++;
      }
  return MC_SCAN_SOURCE_AUTO;
}

static void
on_source_selected (McScanPanel *self)
{
  if (!self->updating)
    self->source_chosen = TRUE;
}

static void
on_device_selected (McScanPanel *self)
{
  McScanDevice *device = selected_device (self);
  gboolean is_pnm = device != NULL && g_str_has_prefix (mc_scan_device_get_name (device), "pnm");

  gtk_widget_set_visible (GTK_WIDGET (self->specimen_box), is_pnm && self->specimens->len > 0);
  self->source_chosen = FALSE;
  update_sources (self);
  update_actions (self);
  if (device != NULL && !self->updating)
    mc_scanner_open_device (self->scanner, mc_scan_device_get_name (device));
}

static void
on_devices_changed (McScanPanel *self)
{
  GPtrArray *devices = mc_scanner_get_devices (self->scanner);
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autofree char *preferred = g_settings_get_string (self->settings, "scanner-device");
  McScanDevice *chosen;
  guint position = GTK_INVALID_LIST_POSITION;

  g_clear_pointer (&self->devices, g_ptr_array_unref);
  self->devices = devices ? g_ptr_array_ref (devices) : g_ptr_array_new ();

  for (guint i = 0; i < self->devices->len; i++)
    {
      g_autofree char *label = mc_scan_device_dup_label (g_ptr_array_index (self->devices, i));

      gtk_string_list_append (model, label);
    }

  chosen = mc_scan_device_choose (self->devices, self->wanted_device ? self->wanted_device : preferred);
  for (guint i = 0; chosen && i < self->devices->len; i++)
    if (g_ptr_array_index (self->devices, i) == chosen)
      position = i;

  self->updating = TRUE;
  gtk_drop_down_set_model (self->device_dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (self->device_dropdown, position);
  self->updating = FALSE;
  g_clear_pointer (&self->wanted_device, g_free);

  if (self->devices->len == 0)
    {
      set_status (self, NULL);
      _mc_scan_panel_set_error (self, _("No scanner found. Check that the scanner is switched on and its cable is plugged in, then press the refresh button."));
    }
  else if (self->error == NULL)
    set_status (self, _("Ready to scan."));
  on_device_selected (self);
}

static void
on_device_ready (McScanPanel  *self,
                 McScanDevice *device)
{
  McScanDevice *selected = selected_device (self);

  if (selected == NULL || g_strcmp0 (mc_scan_device_get_name (selected), mc_scan_device_get_name (device)) != 0)
    return;
  /* The opened device carries its capabilities: use it from now on. */
  g_ptr_array_index (self->devices, gtk_drop_down_get_selected (self->device_dropdown)) = g_object_ref (device);
  g_object_unref (selected);
  update_sources (self);
}

static void
on_device_failed (McScanPanel *self,
                  const char  *name,
                  GError      *error)
{
  McScanDevice *selected = selected_device (self);

  if (selected != NULL && g_strcmp0 (mc_scan_device_get_name (selected), name) == 0)
    _mc_scan_panel_set_error (self, error->message);
}

/* ---- the job --------------------------------------------------------------- */

McScanJobOptions *
mc_scan_panel_build_options (McScanPanel *self)
{
  McScanDevice *device = selected_device (self);
  McScanJobOptions *options;
  g_autofree char *mode = NULL;

  g_return_val_if_fail (MC_IS_SCAN_PANEL (self), NULL);

  if (device == NULL)
    return NULL;

  options = mc_scan_job_options_new (mc_scan_device_get_name (device));
  options->source = selected_source (self);
  /* Until the device is open its sources are not known and the list
   * offers them all: unless the clerk chose one, let the scanner take its
   * feeder if it has one, else the glass, rather than insist on a guess. */
  if (!mc_scan_device_has_capabilities (device) && !self->source_chosen)
    options->source = self->preset == MC_SCAN_PRESET_DOCUMENT ? MC_SCAN_SOURCE_AUTO : MC_SCAN_SOURCE_FLATBED;
  switch (self->preset)
    {
    case MC_SCAN_PRESET_ID_CARD:
    case MC_SCAN_PRESET_PHOTO:
      options->dpi = 300;
      options->mode = MC_SCAN_MODE_COLOR;
      mc_scan_area_for_kind (MC_SCAN_AREA_GLASS, &options->area);
      break;
    case MC_SCAN_PRESET_DOCUMENT:
    default:
      options->dpi = g_settings_get_uint (self->settings, "scan-resolution");
      mode = g_settings_get_string (self->settings, "scan-mode");
      if (!mc_scan_mode_from_string (mode, &options->mode))
        options->mode = MC_SCAN_MODE_GRAY;
      mc_scan_area_for_kind (MC_SCAN_AREA_A4, &options->area);
      break;
    }

  if (g_str_has_prefix (mc_scan_device_get_name (device), "pnm"))
    {
      guint i = gtk_drop_down_get_selected (self->specimen_dropdown);

      if (i < self->specimens->len)
        options->pnm_file = g_strdup (g_ptr_array_index (self->specimens, i));
    }
  return options;
}

static void
scan_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  McScanPanel *self = MC_SCAN_PANEL (widget);
  g_autoptr(McScanJobOptions) options = mc_scan_panel_build_options (self);

  if (options == NULL || self->store == NULL || self->job != 0)
    return;

  _mc_scan_panel_set_error (self, NULL);
  self->job_pages = 0;
  self->job = mc_scanner_start (self->scanner, options, self->store);
  if (self->job == 0)
    return;

  /* Remembered for next time, and for the next start of the program. */
  g_settings_set_string (self->settings, "scanner-device", options->device);
  set_status (self, _("Scanning…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  update_actions (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  McScanPanel *self = MC_SCAN_PANEL (widget);

  if (self->job != 0)
    {
      set_status (self, _("Stopping…"));
      mc_scanner_cancel (self->scanner);
    }
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  McScanPanel *self = MC_SCAN_PANEL (widget);

  _mc_scan_panel_set_error (self, NULL);
  set_status (self, _("Looking for scanners…"));
  mc_scanner_redetect (self->scanner);
  update_actions (self);
}

static void
on_page_started (McScanPanel *self,
                 guint        job,
                 guint        index)
{
  g_autofree char *text = NULL;

  if (job != self->job)
    return;
  /* Translators: %u is the page number within this scan */
  text = g_strdup_printf (_("Scanning page %u…"), index + 1);
  set_status (self, text);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
}

static void
on_page_progress (McScanPanel *self,
                  guint        job,
                  double       fraction)
{
  if (job != self->job)
    return;
  if (fraction < 0)
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static void
on_page_done (McScanPanel *self,
              guint        job,
              McPage      *page)
{
  if (job == self->job)
    self->job_pages++;
}

static void
advance_specimen (McScanPanel *self)
{
  McScanDevice *device = selected_device (self);
  guint i = gtk_drop_down_get_selected (self->specimen_dropdown);

  /* Demos: the next specimen is "placed on the glass" for the next scan. */
  if (device != NULL && g_str_has_prefix (mc_scan_device_get_name (device), "pnm") &&
      i + 1 < self->specimens->len)
    gtk_drop_down_set_selected (self->specimen_dropdown, i + 1);
}

/* A file of a scan folder that could not be read: said at once, and kept
 * in view with any other after the batch ends. */
static void
on_page_skipped (McScanPanel *self,
                 guint        job,
                 GError      *error)
{
  g_autofree char *text = NULL;

  if (job != self->job)
    return;
  text = self->error ? g_strconcat (self->error, "\n", error->message, NULL) : g_strdup (error->message);
  _mc_scan_panel_set_error (self, text);
}

static void
on_job_finished (McScanPanel *self,
                 guint        job,
                 guint        n_pages)
{
  g_autofree char *text = NULL;

  if (job != self->job)
    return;
  self->job = 0;
  text = g_strdup_printf (ngettext ("%u page scanned.", "%u pages scanned.", n_pages), n_pages);
  set_status (self, text);
  advance_specimen (self);
  update_actions (self);
}

static void
on_job_failed (McScanPanel *self,
               guint        job,
               GError      *error,
               guint        n_pages)
{
  if (job != self->job)
    return;
  self->job = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (ngettext ("Scanning stopped. %u page kept.",
                                                         "Scanning stopped. %u pages kept.", n_pages),
                                               n_pages);
      set_status (self, text);
    }
  else
    {
      set_status (self, NULL);
      _mc_scan_panel_set_error (self, error->message);
      /* A scanner that went away: look again, so the list tells the truth. */
      if (g_error_matches (error, MC_SCAN_ERROR, MC_SCAN_ERROR_NO_DEVICE) ||
          g_error_matches (error, MC_SCAN_ERROR, MC_SCAN_ERROR_DISCONNECTED))
        mc_scanner_redetect (self->scanner);
    }
  update_actions (self);
}

/* ---- the page strip: cards in mc-scan-panel-pages.c ------------------------ */

static void
on_items_changed (McScanPanel *self)
{
  guint n = self->store ? g_list_model_get_n_items (G_LIST_MODEL (self->store)) : 0;

  gtk_stack_set_visible_child_name (self->pages_stack, n > 0 ? "pages" : "empty");
}

void
mc_scan_panel_set_store (McScanPanel *self,
                         McPageStore *store)
{
  g_return_if_fail (MC_IS_SCAN_PANEL (self));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_items_changed, self);
  if (!g_set_object (&self->store, store))
    return;

  /* Captions carry positions, so the strip is rebuilt on every change. */
  gtk_flow_box_bind_model (self->pages_box, NULL, NULL, NULL, NULL);
  if (store != NULL)
    {
      g_signal_connect_object (store, "items-changed", G_CALLBACK (on_items_changed),
                               self, G_CONNECT_SWAPPED);
      gtk_flow_box_bind_model (self->pages_box, G_LIST_MODEL (store), _mc_scan_panel_create_page_widget, self, NULL);
    }
  on_items_changed (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

void
mc_scan_panel_set_decorator (McScanPanel     *self,
                             McPageDecorator  decorator,
                             gpointer         user_data)
{
  g_return_if_fail (MC_IS_SCAN_PANEL (self));
  self->decorator = decorator;
  self->decorator_data = user_data;
  mc_scan_panel_refresh_pages (self);
}

/* Rebuilds the page cards, e.g. when a page's cleaned version is ready. */
void
mc_scan_panel_refresh_pages (McScanPanel *self)
{
  g_return_if_fail (MC_IS_SCAN_PANEL (self));

  gtk_flow_box_bind_model (self->pages_box, NULL, NULL, NULL, NULL);
  if (self->store != NULL)
    gtk_flow_box_bind_model (self->pages_box, G_LIST_MODEL (self->store), _mc_scan_panel_create_page_widget, self, NULL);
}

McPageStore *
mc_scan_panel_get_store (McScanPanel *self)
{
  g_return_val_if_fail (MC_IS_SCAN_PANEL (self), NULL);
  return self->store;
}

McScanPreset
mc_scan_panel_get_preset (McScanPanel *self)
{
  g_return_val_if_fail (MC_IS_SCAN_PANEL (self), MC_SCAN_PRESET_DOCUMENT);
  return self->preset;
}

void
mc_scan_panel_set_preset (McScanPanel  *self,
                          McScanPreset  preset)
{
  g_return_if_fail (MC_IS_SCAN_PANEL (self));

  self->preset = preset;
  self->updating = TRUE;
  gtk_toggle_button_set_active (self->id_card_toggle, preset == MC_SCAN_PRESET_ID_CARD);
  gtk_toggle_button_set_active (self->document_toggle, preset == MC_SCAN_PRESET_DOCUMENT);
  gtk_toggle_button_set_active (self->photo_toggle, preset == MC_SCAN_PRESET_PHOTO);
  self->updating = FALSE;
  update_sources (self);
}

static void
on_preset_toggled (McScanPanel     *self,
                   GtkToggleButton *button)
{
  if (self->updating || !gtk_toggle_button_get_active (button))
    return;
  if (button == self->id_card_toggle)
    mc_scan_panel_set_preset (self, MC_SCAN_PRESET_ID_CARD);
  else if (button == self->photo_toggle)
    mc_scan_panel_set_preset (self, MC_SCAN_PRESET_PHOTO);
  else
    mc_scan_panel_set_preset (self, MC_SCAN_PRESET_DOCUMENT);
}

/* Selects a device by SANE name, now or once detection has found it. */
gboolean
mc_scan_panel_select_device (McScanPanel *self,
                             const char  *name)
{
  g_return_val_if_fail (MC_IS_SCAN_PANEL (self), FALSE);

  for (guint i = 0; self->devices && i < self->devices->len; i++)
    if (g_str_equal (mc_scan_device_get_name (g_ptr_array_index (self->devices, i)), name))
      {
        gtk_drop_down_set_selected (self->device_dropdown, i);
        return TRUE;
      }
  g_free (self->wanted_device);
  self->wanted_device = g_strdup (name);
  return FALSE;
}

const char *
mc_scan_panel_get_status (McScanPanel *self)
{
  g_return_val_if_fail (MC_IS_SCAN_PANEL (self), NULL);
  return self->status;
}

const char *
mc_scan_panel_get_error (McScanPanel *self)
{
  g_return_val_if_fail (MC_IS_SCAN_PANEL (self), NULL);
  return self->error;
}

/* ---- GObject ---------------------------------------------------------------- */

static void
mc_scan_panel_constructed (GObject *object)
{
  McScanPanel *self = MC_SCAN_PANEL (object);

  G_OBJECT_CLASS (mc_scan_panel_parent_class)->constructed (object);

  g_assert (self->scanner != NULL && self->settings != NULL);

  g_signal_connect_object (self->scanner, "devices-changed", G_CALLBACK (on_devices_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scanner, "device-ready", G_CALLBACK (on_device_ready), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scanner, "device-failed", G_CALLBACK (on_device_failed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scanner, "page-started", G_CALLBACK (on_page_started), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scanner, "page-progress", G_CALLBACK (on_page_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scanner, "page-done", G_CALLBACK (on_page_done), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scanner, "page-skipped", G_CALLBACK (on_page_skipped), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scanner, "job-finished", G_CALLBACK (on_job_finished), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scanner, "job-failed", G_CALLBACK (on_job_failed), self, G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self->device_dropdown, "notify::selected", G_CALLBACK (on_device_selected), self);
  g_signal_connect_swapped (self->source_dropdown, "notify::selected", G_CALLBACK (on_source_selected), self);
  g_signal_connect_swapped (self->id_card_toggle, "toggled", G_CALLBACK (on_preset_toggled), self);
  g_signal_connect_swapped (self->document_toggle, "toggled", G_CALLBACK (on_preset_toggled), self);
  g_signal_connect_swapped (self->photo_toggle, "toggled", G_CALLBACK (on_preset_toggled), self);

  load_specimens (self);
  mc_scan_panel_set_preset (self, MC_SCAN_PRESET_DOCUMENT);

  /* Another panel may have detected already; else look now. */
  if (mc_scanner_get_devices (self->scanner) != NULL)
    on_devices_changed (self);
  else if (!mc_scanner_is_detecting (self->scanner))
    {
      set_status (self, _("Looking for scanners…"));
      mc_scanner_redetect (self->scanner);
    }
  else
    set_status (self, _("Looking for scanners…"));
  on_items_changed (self);
  update_actions (self);
}

static void
mc_scan_panel_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  McScanPanel *self = MC_SCAN_PANEL (object);

  switch (prop_id)
    {
    case PROP_SCANNER:
      g_value_set_object (value, self->scanner);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->job != 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_scan_panel_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  McScanPanel *self = MC_SCAN_PANEL (object);

  switch (prop_id)
    {
    case PROP_SCANNER:
      self->scanner = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_STORE:
      mc_scan_panel_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_scan_panel_dispose (GObject *object)
{
  McScanPanel *self = MC_SCAN_PANEL (object);

  /* A scan still running keeps going into the store; only our view ends. */
  if (self->pages_box != NULL)
    gtk_flow_box_bind_model (self->pages_box, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_SCAN_PANEL);
  g_clear_object (&self->scanner);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_pointer (&self->devices, g_ptr_array_unref);

  G_OBJECT_CLASS (mc_scan_panel_parent_class)->dispose (object);
}

static void
mc_scan_panel_finalize (GObject *object)
{
  McScanPanel *self = MC_SCAN_PANEL (object);

  g_ptr_array_unref (self->specimens);
  g_free (self->status);
  g_free (self->error);
  g_free (self->wanted_device);

  G_OBJECT_CLASS (mc_scan_panel_parent_class)->finalize (object);
}

static void
mc_scan_panel_class_init (McScanPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mc_scan_panel_constructed;
  object_class->dispose = mc_scan_panel_dispose;
  object_class->finalize = mc_scan_panel_finalize;
  object_class->get_property = mc_scan_panel_get_property;
  object_class->set_property = mc_scan_panel_set_property;

  properties[PROP_SCANNER] =
    g_param_spec_object ("scanner", NULL, NULL, MC_TYPE_SCANNER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, MC_TYPE_PAGE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-scan-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, McScanPanel, device_dropdown);
  gtk_widget_class_bind_template_child (widget_class, McScanPanel, source_dropdown);
  gtk_widget_class_bind_template_child (widget_class, McScanPanel, specimen_box);
  gtk_widget_class_bind_template_child (widget_class, McScanPanel, specimen_dropdown);
  gtk_widget_class_bind_template_child (widget_class, McScanPanel, id_card_toggle);
  gtk_widget_class_bind_template_child (widget_class, McScanPanel, document_toggle);
  gtk_widget_class_bind_template_child (widget_class, McScanPanel, photo_toggle);
  gtk_widget_class_bind_template_child (widget_class, McScanPanel, scan_button);
  gtk_widget_class_bind_template_child (widget_class, McScanPanel, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, McScanPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, McScanPanel, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, McScanPanel, error_box);
  gtk_widget_class_bind_template_child (widget_class, McScanPanel, error_label);
  gtk_widget_class_bind_template_child (widget_class, McScanPanel, pages_stack);
  gtk_widget_class_bind_template_child (widget_class, McScanPanel, pages_box);

  gtk_widget_class_install_action (widget_class, "scan.start", NULL, scan_action);
  gtk_widget_class_install_action (widget_class, "scan.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "scan.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "page.rotate-left", "s", _mc_scan_panel_page_action);
  gtk_widget_class_install_action (widget_class, "page.rotate-right", "s", _mc_scan_panel_page_action);
  gtk_widget_class_install_action (widget_class, "page.move-earlier", "s", _mc_scan_panel_page_action);
  gtk_widget_class_install_action (widget_class, "page.move-later", "s", _mc_scan_panel_page_action);
  gtk_widget_class_install_action (widget_class, "page.delete", "s", _mc_scan_panel_page_action);
  gtk_widget_class_install_action (widget_class, "page.toggle-original", "s", _mc_scan_panel_page_action);

  /* The clerk asked for the original scan (or back to the cleaned page). */
  signals[SIGNAL_TOGGLE_ORIGINAL] =
    g_signal_new ("toggle-original", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  /* A page was turned by the clerk; its file on disk changed. */
  signals[SIGNAL_PAGES_ROTATED] =
    g_signal_new ("page-rotated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, MC_TYPE_PAGE);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "scan.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "scan.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "scan.cancel", NULL);
}

static void
mc_scan_panel_init (McScanPanel *self)
{
  self->specimens = g_ptr_array_new_with_free_func (g_free);
  self->preset = MC_SCAN_PRESET_DOCUMENT;
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mc_scan_panel_new (McScanner *scanner,
                   GSettings *settings)
{
  return g_object_new (MC_TYPE_SCAN_PANEL, "scanner", scanner, "settings", settings, NULL);
}
