/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-self-service-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-citizen-view.h"
#include "mc-citizen-window.h"
#include "mc-guide-book.h"
#include "mc-guide-view.h"
#include "mc-procedure-catalog.h"
#include "mc-scan-panel.h"
#include "mc-self-service-window.h"

#define TICK_MS 250
/* The countdown shows for the last half of the timeout, 30 s at most. */
#define MAX_WARNING_S 30

struct _McSelfServiceWindow
{
  AdwWindow             parent_instance;

  GSettings            *settings;
  McScanner            *scanner;
  McSpeaker            *speaker;
  char                 *base_dir;
  McCitizenScreen      *screen;
  McSelfServiceSession *session;
  McSelfServiceSession *wipe_after_job;   /* reset while scanning */
  const McProcedure    *procedure;        /* the default catalog's: lives on */
  guint                 component;
  McCitizenCardSide            side;
  McKioskPhase          phase;
  guint                 job;
  guint                 specimen;
  char                 *status;
  gboolean              allow_close;
  gint64                last_input_us;
  guint                 tick_id;
  guint                 called_hide_id;

  /* Template widgets */
  GtkRevealer          *called_revealer;
  GtkLabel             *called_label;
  GtkStack             *stack;
  GtkGrid              *procedures_grid;
  GtkLabel             *choose_privacy;
  McCitizenView        *view;
  GtkLabel             *status_label;
  GtkButton            *back_button;
  GtkButton            *skip_button;
  GtkButton            *rescan_button;
  GtkButton            *more_button;
  GtkButton            *scan_button;
  GtkButton            *next_button;
  GtkLabel             *ready_procedure;
  GtkLabel             *ready_code;
  GtkButton            *done_button;
  GtkWidget            *countdown_box;
  GtkLabel             *countdown_label;
  GtkButton            *still_here_button;
};

G_DEFINE_FINAL_TYPE (McSelfServiceWindow, mc_self_service_window, ADW_TYPE_WINDOW)

enum { CALL_CLERK, HAND_OFF, LEAVE_REQUESTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const McComponent *
current_component (McSelfServiceWindow *self)
{
  if (self->procedure == NULL || self->component >= self->procedure->components->len)
    return NULL;
  return g_ptr_array_index (self->procedure->components, self->component);
}

static void
set_status (McSelfServiceWindow *self,
            const char          *status)
{
  g_free (self->status);
  self->status = g_strdup (status);
  gtk_label_set_text (self->status_label, status ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), status != NULL);
}

static void
speak (McSelfServiceWindow *self,
       const char          *text)
{
  if (self->speaker != NULL && g_settings_get_boolean (self->settings, "read-aloud"))
    mc_speaker_say (self->speaker, text, mc_catalog_text ("vi", "en"));
}

/* ---- The scanner -------------------------------------------------------------- */

static McScanDevice *
chosen_device (McSelfServiceWindow *self)
{
  GPtrArray *devices = mc_scanner_get_devices (self->scanner);
  g_autofree char *preferred = g_settings_get_string (self->settings, "scanner-device");

  return devices ? mc_scan_device_choose (devices, preferred) : NULL;
}

/* The feeder when the settings and the device say so, as the clerk's
 * scanning area does for papers. */
static McScanSource
paper_source (McSelfServiceWindow *self,
              McScanDevice        *device)
{
  g_autofree char *wanted = g_settings_get_string (self->settings, "scan-source");
  McScanSource source = MC_SCAN_SOURCE_AUTO;

  mc_scan_source_from_string (wanted, &source);
  if (device == NULL || !mc_scan_device_has_capabilities (device))
    return source == MC_SCAN_SOURCE_AUTO ? MC_SCAN_SOURCE_FLATBED : source;
  if (source == MC_SCAN_SOURCE_AUTO)
    source = mc_scan_device_has_source (device, MC_SCAN_SOURCE_ADF) ? MC_SCAN_SOURCE_ADF
                                                                     : MC_SCAN_SOURCE_FLATBED;
  if (!mc_scan_device_has_source (device, source))
    source = MC_SCAN_SOURCE_FLATBED;
  return source;
}

static McScanJobOptions *
build_options (McSelfServiceWindow *self,
               McScanDevice        *device,
               const McComponent   *component)
{
  McScanJobOptions *options = mc_scan_job_options_new (mc_scan_device_get_name (device));
  g_autofree char *mode = NULL;

  if (component->profile == MC_PROFILE_DOCUMENT)
    {
      options->source = paper_source (self, device);
      options->dpi = g_settings_get_uint (self->settings, "scan-resolution");
      mode = g_settings_get_string (self->settings, "scan-mode");
      if (!mc_scan_mode_from_string (mode, &options->mode))
        options->mode = MC_SCAN_MODE_GRAY;
      mc_scan_area_for_kind (MC_SCAN_AREA_A4, &options->area);
    }
  else
    {
      /* Cards and photos: colour, on the glass, as the clerk scans them. */
      options->source = MC_SCAN_SOURCE_FLATBED;
      options->dpi = 300;
      options->mode = MC_SCAN_MODE_COLOR;
      mc_scan_area_for_kind (MC_SCAN_AREA_GLASS, &options->area);
    }

  /* The virtual scanner of demos and tests “scans” a specimen paper. */
  if (g_str_has_prefix (mc_scan_device_get_name (device), "pnm"))
    {
      static const char * const papers[] = {
        "to-khai-khai-sinh-1.pgm", "to-khai-khai-sinh-2.pgm", "giay-chung-sinh.ppm",
      };
      g_autofree char *dir = mc_specimen_dir ();
      g_autofree char *card = g_build_filename (dir, "can-cuoc-hai-mat.ppm", NULL);

      /* The synthetic card when the specimens have one, else a paper. */
      if (component->profile == MC_PROFILE_ID_CARD && g_file_test (card, G_FILE_TEST_IS_REGULAR))
        options->pnm_file = g_steal_pointer (&card);
      else
        options->pnm_file = g_build_filename (dir, papers[self->specimen++ % G_N_ELEMENTS (papers)], NULL);
    }
  return options;
}

/* ---- Phases ----------------------------------------------------------------------- */

static void
show_buttons (McSelfServiceWindow *self,
              gboolean back,
              gboolean skip,
              gboolean rescan,
              gboolean more,
              gboolean scan,
              gboolean next)
{
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), back);
  gtk_widget_set_visible (GTK_WIDGET (self->skip_button), skip);
  gtk_widget_set_visible (GTK_WIDGET (self->rescan_button), rescan);
  gtk_widget_set_visible (GTK_WIDGET (self->more_button), more);
  gtk_widget_set_visible (GTK_WIDGET (self->scan_button), scan);
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), next);
}

static McPageStore *
component_store (McSelfServiceWindow *self)
{
  const McComponent *c = current_component (self);
  g_autoptr(GError) error = NULL;
  McPageStore *store;

  if (c == NULL || self->session == NULL)
    return NULL;
  store = mc_self_service_session_get_store (self->session, c->key, &error);
  if (store == NULL)
    set_status (self, error->message);
  return store;
}

static void
set_phase (McSelfServiceWindow *self,
           McKioskPhase         phase)
{
  const McComponent *c = current_component (self);
  gboolean last = self->procedure && self->component + 1 >= self->procedure->components->len;

  self->phase = phase;
  self->last_input_us = g_get_monotonic_time ();

  switch (phase)
    {
    case MC_KIOSK_CHOOSE:
      {
        g_autofree char *privacy = mc_citizen_privacy_notice (g_settings_get_uint (self->settings, "retention-hours"));

        mc_citizen_screen_reset (self->screen);
        gtk_label_set_text (self->choose_privacy, privacy);
        gtk_stack_set_visible_child_name (self->stack, "choose");
        speak (self, _("Welcome! Which procedure do you need?"));
      }
      break;

    case MC_KIOSK_BRING:
      mc_citizen_screen_set_pages (self->screen, NULL);
      mc_citizen_screen_set_component_key (self->screen, NULL);
      mc_citizen_screen_set_step (self->screen, MC_CITIZEN_STEP_WHAT_TO_BRING);
      mc_citizen_screen_set_procedure_code (self->screen, self->procedure->code);
      gtk_button_set_label (self->next_button, _("I have them: start scanning"));
      show_buttons (self, TRUE, FALSE, FALSE, FALSE, FALSE, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "guided");
      gtk_widget_grab_focus (GTK_WIDGET (self->next_button));
      break;

    case MC_KIOSK_PLACE:
      {
        McScanDevice *device = chosen_device (self);
        gboolean card = c->profile == MC_PROFILE_ID_CARD;

        mc_citizen_screen_set_component_key (self->screen, c->key);
        mc_citizen_screen_set_scanner_busy (self->screen, FALSE);
        if (card)
          {
            mc_citizen_screen_set_card_side (self->screen, self->side);
            mc_citizen_screen_set_step (self->screen, MC_CITIZEN_STEP_PLACE_CARD);
          }
        else
          {
            mc_citizen_screen_set_use_feeder (self->screen,
                                              c->profile == MC_PROFILE_DOCUMENT &&
                                              paper_source (self, device) != MC_SCAN_SOURCE_FLATBED);
            mc_citizen_screen_set_step (self->screen, MC_CITIZEN_STEP_PLACE_PAPERS);
          }
        show_buttons (self, TRUE, !c->required && self->side == MC_CITIZEN_CARD_FRONT, FALSE, FALSE, TRUE, FALSE);
        gtk_widget_grab_focus (GTK_WIDGET (self->scan_button));
      }
      break;

    case MC_KIOSK_SCANNING:
      mc_citizen_screen_set_pages (self->screen, G_LIST_MODEL (component_store (self)));
      mc_citizen_screen_set_scanner_busy (self->screen, TRUE);
      mc_citizen_screen_set_step (self->screen, MC_CITIZEN_STEP_SCANNING);
      show_buttons (self, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE);
      break;

    case MC_KIOSK_REVIEW:
      mc_citizen_screen_set_pages (self->screen, G_LIST_MODEL (component_store (self)));
      mc_citizen_screen_set_scanner_busy (self->screen, FALSE);
      mc_citizen_screen_set_step (self->screen, MC_CITIZEN_STEP_SCANNING);
      gtk_button_set_label (self->next_button, last ? _("Finish") : _("Next paper"));
      show_buttons (self, FALSE, FALSE, TRUE, c->profile == MC_PROFILE_DOCUMENT, FALSE, TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->next_button));
      break;

    case MC_KIOSK_READY:
      {
        const char *code = mc_self_service_session_get_short_code (self->session);
        g_autoptr(GString) said = g_string_new (NULL);

        /* Letter by letter, so the voice spells the code. */
        g_string_append_printf (said, "%s. %s", _("Your papers are ready"), _("Tell the clerk this code:"));
        for (const char *p = code; *p; p++)
          g_string_append_printf (said, " %c,", *p);

        mc_citizen_screen_reset (self->screen);
        gtk_label_set_text (self->ready_code, code);
        gtk_label_set_text (self->ready_procedure, mc_catalog_text (self->procedure->name, self->procedure->name_en));
        gtk_stack_set_visible_child_name (self->stack, "ready");
        gtk_widget_grab_focus (GTK_WIDGET (self->done_button));
        speak (self, said->str);
      }
      break;

    default:
      break;
    }
}

static void
forget_session (McSelfServiceWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->session == NULL)
    return;
  if (!mc_self_service_session_is_handed_off (self->session))
    {
      if (self->job != 0)
        {
          /* The scanner still writes into the folder: wipe it once the
           * cancelled job has ended. */
          g_set_object (&self->wipe_after_job, self->session);
          mc_scanner_cancel (self->scanner);
        }
      else if (!mc_self_service_session_wipe (self->session, &error))
        g_warning ("A self-service folder could not be wiped: %s", error->message);
    }
  g_clear_object (&self->session);
}

void
mc_self_service_window_reset (McSelfServiceWindow *self)
{
  g_return_if_fail (MC_IS_SELF_SERVICE_WINDOW (self));

  forget_session (self);
  self->procedure = NULL;
  self->component = 0;
  self->side = MC_CITIZEN_CARD_FRONT;
  set_status (self, NULL);
  gtk_widget_set_visible (self->countdown_box, FALSE);
  set_phase (self, MC_KIOSK_CHOOSE);
}

static void
go_to_component (McSelfServiceWindow *self,
                 guint                index)
{
  self->component = index;
  self->side = MC_CITIZEN_CARD_FRONT;
  set_status (self, NULL);
  if (index < self->procedure->components->len)
    {
      set_phase (self, MC_KIOSK_PLACE);
      return;
    }

  /* Every paper seen: the package goes to the clerk. */
  {
    g_autoptr(GError) error = NULL;

    if (!mc_self_service_session_hand_off (self->session, &error))
      {
        g_warning ("A self-service package could not be handed off: %s", error->message);
        set_status (self, _("Your papers could not be saved. Please call a clerk."));
        self->component = self->procedure->components->len - 1;
        set_phase (self, MC_KIOSK_REVIEW);
        return;
      }
    set_phase (self, MC_KIOSK_READY);
    g_signal_emit (self, signals[HAND_OFF], 0,
                   mc_self_service_session_get_procedure_code (self->session),
                   mc_self_service_session_get_dir (self->session),
                   mc_self_service_session_get_short_code (self->session));
  }
}

/* ---- Scanner signals -------------------------------------------------------------- */

static void
job_ended (McSelfServiceWindow *self)
{
  g_autoptr(GError) error = NULL;

  self->job = 0;
  mc_citizen_screen_set_scanner_busy (self->screen, FALSE);
  if (self->wipe_after_job != NULL)
    {
      if (!mc_self_service_session_wipe (self->wipe_after_job, &error))
        g_warning ("A self-service folder could not be wiped: %s", error->message);
      g_clear_object (&self->wipe_after_job);
    }
}

/* page-started, page-progress (the scanner sends it as lines arrive, at
 * most ten times a second) and page-done of the running job. */
static void
on_scan_activity (McSelfServiceWindow *self,
                  guint                job)
{
  if (job != 0 && job == self->job)
    self->last_input_us = g_get_monotonic_time ();
}

static void
on_job_finished (McSelfServiceWindow *self,
                 guint                job,
                 guint                n_pages)
{
  const McComponent *c;

  if (job != self->job)
    return;
  job_ended (self);
  if (self->phase != MC_KIOSK_SCANNING)
    return;
  c = current_component (self);
  if (n_pages == 0)
    {
      set_status (self, _("Nothing was scanned. Check that the paper is on the scanner, then press Scan again."));
      set_phase (self, MC_KIOSK_PLACE);
    }
  else if (c->profile == MC_PROFILE_ID_CARD && self->side == MC_CITIZEN_CARD_FRONT)
    {
      self->side = MC_CITIZEN_CARD_BACK;
      set_phase (self, MC_KIOSK_PLACE);
    }
  else
    set_phase (self, MC_KIOSK_REVIEW);
}

static void
on_job_failed (McSelfServiceWindow *self,
               guint                job,
               GError              *error,
               guint                n_pages)
{
  if (job != self->job)
    return;
  job_ended (self);
  if (self->phase != MC_KIOSK_SCANNING)
    return;
  /* The scanner's message says what to do (close the lid, clear a jam). */
  set_status (self, error->message);
  set_phase (self, MC_KIOSK_PLACE);
}

/* ---- Actions -------------------------------------------------------------------------- */

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  McSelfServiceWindow *self = MC_SELF_SERVICE_WINDOW (widget);
  const McProcedure *p = mc_procedure_catalog_lookup (mc_citizen_screen_get_procedures (self->screen),
                                                      g_variant_get_string (param, NULL));
  g_autoptr(GError) error = NULL;

  if (p == NULL || self->phase != MC_KIOSK_CHOOSE)
    return;
  self->session = mc_self_service_session_new (self->base_dir, p, &error);
  if (self->session == NULL)
    {
      g_warning ("No self-service folder: %s", error->message);
      return;
    }
  self->procedure = p;
  self->component = 0;
  self->side = MC_CITIZEN_CARD_FRONT;
  set_status (self, NULL);
  set_phase (self, MC_KIOSK_BRING);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  McSelfServiceWindow *self = MC_SELF_SERVICE_WINDOW (widget);

  set_status (self, NULL);
  if (self->phase == MC_KIOSK_BRING)
    mc_self_service_window_reset (self);
  else if (self->phase == MC_KIOSK_PLACE)
    {
      if (self->side == MC_CITIZEN_CARD_BACK)
        {
          self->side = MC_CITIZEN_CARD_FRONT;
          set_phase (self, MC_KIOSK_PLACE);
        }
      else if (self->component == 0)
        set_phase (self, MC_KIOSK_BRING);
      else
        {
          self->component--;
          set_phase (self, mc_self_service_session_count_pages (self->session, current_component (self)->key) > 0
                           ? MC_KIOSK_REVIEW : MC_KIOSK_PLACE);
        }
    }
}

static void
scan_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  McSelfServiceWindow *self = MC_SELF_SERVICE_WINDOW (widget);
  McScanDevice *device;
  McPageStore *store;
  g_autoptr(McScanJobOptions) options = NULL;

  if (self->phase != MC_KIOSK_PLACE || self->job != 0)
    return;
  if ((device = chosen_device (self)) == NULL)
    {
      if (!mc_scanner_is_detecting (self->scanner))
        mc_scanner_redetect (self->scanner);
      set_status (self, _("The scanner is not ready. Please call a clerk."));
      return;
    }
  if ((store = component_store (self)) == NULL)
    return;
  options = build_options (self, device, current_component (self));
  self->job = mc_scanner_start (self->scanner, options, store);
  if (self->job == 0)
    {
      set_status (self, _("The scanner is busy. Please wait a moment and press Scan again."));
      return;
    }
  set_status (self, NULL);
  set_phase (self, MC_KIOSK_SCANNING);
}

static void
more_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  McSelfServiceWindow *self = MC_SELF_SERVICE_WINDOW (widget);

  if (self->phase == MC_KIOSK_REVIEW)
    set_phase (self, MC_KIOSK_PLACE);
}

static void
rescan_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  McSelfServiceWindow *self = MC_SELF_SERVICE_WINDOW (widget);
  McPageStore *store;
  g_autoptr(GError) error = NULL;

  if (self->phase != MC_KIOSK_REVIEW || (store = component_store (self)) == NULL)
    return;
  /* The pages go from the disk too: only what the citizen keeps stays. */
  while (g_list_model_get_n_items (G_LIST_MODEL (store)) > 0)
    {
      g_autoptr(McPage) page = g_list_model_get_item (G_LIST_MODEL (store), 0);

      if (!mc_page_store_remove (store, page, &error))
        {
          set_status (self, error->message);
          return;
        }
    }
  self->side = MC_CITIZEN_CARD_FRONT;
  set_phase (self, MC_KIOSK_PLACE);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  McSelfServiceWindow *self = MC_SELF_SERVICE_WINDOW (widget);

  if (self->phase == MC_KIOSK_BRING)
    go_to_component (self, 0);
  else if (self->phase == MC_KIOSK_REVIEW)
    go_to_component (self, self->component + 1);
}

static void
skip_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  McSelfServiceWindow *self = MC_SELF_SERVICE_WINDOW (widget);
  const McComponent *c = current_component (self);

  if (self->phase == MC_KIOSK_PLACE && c != NULL && !c->required)
    go_to_component (self, self->component + 1);
}

static gboolean
hide_called (gpointer data)
{
  McSelfServiceWindow *self = data;

  self->called_hide_id = 0;
  gtk_revealer_set_reveal_child (self->called_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

static void
show_called (McSelfServiceWindow *self,
             const char          *text,
             guint                seconds)
{
  gtk_label_set_text (self->called_label, text);
  gtk_revealer_set_reveal_child (self->called_revealer, TRUE);
  g_clear_handle_id (&self->called_hide_id, g_source_remove);
  self->called_hide_id = g_timeout_add_seconds (seconds, hide_called, self);
  speak (self, text);
}

static void
call_clerk_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  McSelfServiceWindow *self = MC_SELF_SERVICE_WINDOW (widget);

  show_called (self, _("A clerk has been called. Please wait a moment."), 90);
  g_signal_emit (self, signals[CALL_CLERK], 0);
}

void
mc_self_service_window_acknowledge_call (McSelfServiceWindow *self)
{
  g_return_if_fail (MC_IS_SELF_SERVICE_WINDOW (self));
  show_called (self, _("A clerk is on the way."), 30);
}

static void
still_here_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  McSelfServiceWindow *self = MC_SELF_SERVICE_WINDOW (widget);

  self->last_input_us = g_get_monotonic_time ();
  gtk_widget_set_visible (self->countdown_box, FALSE);
}

static void
done_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  mc_self_service_window_reset (MC_SELF_SERVICE_WINDOW (widget));
}

static void
leave_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  g_signal_emit (widget, signals[LEAVE_REQUESTED], 0);
}

/* ---- Inactivity ------------------------------------------------------------------------ */

static gboolean
on_any_event (McSelfServiceWindow *self,
              GdkEvent            *event)
{
  switch (gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
    case GDK_BUTTON_PRESS:
    case GDK_TOUCH_BEGIN:
    case GDK_SCROLL:
    case GDK_MOTION_NOTIFY:
      self->last_input_us = g_get_monotonic_time ();
      break;
    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

static gboolean
tick (gpointer data)
{
  McSelfServiceWindow *self = data;
  gint64 now = g_get_monotonic_time ();
  gint64 timeout_us = (gint64) g_settings_get_uint (self->settings, "self-service-timeout") * G_USEC_PER_SEC;
  gint64 warning_us = MIN ((gint64) MAX_WARNING_S * G_USEC_PER_SEC, timeout_us / 2);
  gint64 idle;

  /* Nothing to wipe on the welcome. A scan counts as activity only while
   * it moves (on_scan_activity): one that hangs must not keep a citizen's
   * papers on the kiosk; the wipe cancels it. */
  if (self->phase == MC_KIOSK_CHOOSE)
    {
      self->last_input_us = now;
      gtk_widget_set_visible (self->countdown_box, FALSE);
      return G_SOURCE_CONTINUE;
    }

  idle = now - self->last_input_us;
  if (idle >= timeout_us)
    {
      g_message ("Self-service: %" G_GINT64_FORMAT " s without input; the unfinished package is wiped",
                 timeout_us / G_USEC_PER_SEC);
      mc_self_service_window_reset (self);
    }
  else if (idle >= timeout_us - warning_us)
    {
      guint left = (guint) ((timeout_us - idle + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
      g_autofree char *text = g_strdup_printf (ngettext ("Without a touch, this screen starts again in %u second and your scanned papers are deleted.",
                                                         "Without a touch, this screen starts again in %u seconds and your scanned papers are deleted.",
                                                         left), left);

      gtk_label_set_text (self->countdown_label, text);
      if (!gtk_widget_get_visible (self->countdown_box))
        {
          gtk_widget_set_visible (self->countdown_box, TRUE);
          gtk_widget_grab_focus (GTK_WIDGET (self->still_here_button));
          speak (self, _("Are you still there?"));
        }
    }
  else
    gtk_widget_set_visible (self->countdown_box, FALSE);
  return G_SOURCE_CONTINUE;
}

/* ---- Construction ----------------------------------------------------------------------- */

static void
build_procedure_buttons (McSelfServiceWindow *self)
{
  McProcedureCatalog *catalog = mc_citizen_screen_get_procedures (self->screen);
  McGuideBook *book = mc_guide_book_get_shared (catalog);
  const guint columns = 2;

  for (guint i = 0; i < mc_procedure_catalog_get_n_procedures (catalog); i++)
    {
      const McProcedure *p = mc_procedure_catalog_get_procedure (catalog, i);
      const McGuide *guide = mc_guide_book_lookup_procedure (book, p->code);
      const char *name = mc_catalog_text (p->name, p->name_en);
      GtkWidget *button = gtk_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 20);
      GtkWidget *picture = mc_guide_pictogram_new (guide ? guide->pictogram : "document", 72, NULL);
      GtkWidget *label = gtk_label_new (name);

      /* Beside the name, in two columns: long official names wrap over
       * two lines instead of six, and all twelve fit on a screen. */
      gtk_widget_set_valign (picture, GTK_ALIGN_CENTER);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (box), picture);
      gtk_box_append (GTK_BOX (box), label);
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_add_css_class (button, "procedure-button");
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "kiosk.choose");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", p->code);
      gtk_grid_attach (self->procedures_grid, button, (int) (i % columns), (int) (i / columns), 1, 1);
    }
}

static void
place_on_monitor (McSelfServiceWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GtkWindow *clerk = NULL;
  GdkMonitor *monitor;

  for (GList *l = app ? gtk_application_get_windows (app) : NULL; l; l = l->next)
    if (ADW_IS_APPLICATION_WINDOW (l->data))
      clerk = l->data;
  /* The citizen's monitor when there are two, else the only one: a
   * kiosk always fills its screen. */
  monitor = mc_citizen_choose_monitor (gtk_widget_get_display (GTK_WIDGET (self)), clerk);
  if (monitor != NULL)
    gtk_window_fullscreen_on_monitor (GTK_WINDOW (self), monitor);
  else
    gtk_window_fullscreen (GTK_WINDOW (self));
}

static gboolean
mc_self_service_window_close_request (GtkWindow *window)
{
  McSelfServiceWindow *self = MC_SELF_SERVICE_WINDOW (window);

  /* Alt+F4 and the like: a citizen cannot leave the kiosk. */
  if (!self->allow_close)
    return TRUE;
  return GTK_WINDOW_CLASS (mc_self_service_window_parent_class)->close_request (window);
}

void
mc_self_service_window_close_for_good (McSelfServiceWindow *self)
{
  g_return_if_fail (MC_IS_SELF_SERVICE_WINDOW (self));

  mc_self_service_window_reset (self);
  self->allow_close = TRUE;
  gtk_window_destroy (GTK_WINDOW (self));
}

McKioskPhase
mc_self_service_window_get_phase (McSelfServiceWindow *self)
{
  g_return_val_if_fail (MC_IS_SELF_SERVICE_WINDOW (self), MC_KIOSK_CHOOSE);
  return self->phase;
}

McCitizenScreen *
mc_self_service_window_get_screen (McSelfServiceWindow *self)
{
  g_return_val_if_fail (MC_IS_SELF_SERVICE_WINDOW (self), NULL);
  return self->screen;
}

McSelfServiceSession *
mc_self_service_window_get_session (McSelfServiceWindow *self)
{
  g_return_val_if_fail (MC_IS_SELF_SERVICE_WINDOW (self), NULL);
  return self->session;
}

const char *
mc_self_service_window_get_status (McSelfServiceWindow *self)
{
  g_return_val_if_fail (MC_IS_SELF_SERVICE_WINDOW (self), NULL);
  return self->status;
}

gboolean
mc_self_service_window_is_counting_down (McSelfServiceWindow *self)
{
  g_return_val_if_fail (MC_IS_SELF_SERVICE_WINDOW (self), FALSE);
  return gtk_widget_get_visible (self->countdown_box);
}

static void
mc_self_service_window_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (mc_self_service_window_parent_class)->realize (widget);
  place_on_monitor (MC_SELF_SERVICE_WINDOW (widget));
}

static void
mc_self_service_window_dispose (GObject *object)
{
  McSelfServiceWindow *self = MC_SELF_SERVICE_WINDOW (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->called_hide_id, g_source_remove);
  if (self->session != NULL)
    forget_session (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_SELF_SERVICE_WINDOW);
  g_clear_object (&self->screen);
  g_clear_object (&self->settings);
  g_clear_object (&self->speaker);
  /* A cancelled job still running: its folder is wiped now, as the
   * stores stop with their last page. */
  if (self->wipe_after_job != NULL)
    {
      mc_self_service_session_wipe (self->wipe_after_job, NULL);
      g_clear_object (&self->wipe_after_job);
    }
  g_clear_object (&self->scanner);
  g_clear_pointer (&self->base_dir, g_free);
  g_clear_pointer (&self->status, g_free);

  G_OBJECT_CLASS (mc_self_service_window_parent_class)->dispose (object);
}

static void
mc_self_service_window_class_init (McSelfServiceWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = mc_self_service_window_dispose;
  widget_class->realize = mc_self_service_window_realize;
  window_class->close_request = mc_self_service_window_close_request;

  signals[CALL_CLERK] = g_signal_new ("call-clerk", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[HAND_OFF] = g_signal_new ("hand-off", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                    G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[LEAVE_REQUESTED] = g_signal_new ("leave-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (MC_TYPE_CITIZEN_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-self-service-window.ui");
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, called_revealer);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, called_label);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, procedures_grid);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, choose_privacy);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, view);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, skip_button);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, rescan_button);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, more_button);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, scan_button);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, next_button);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, ready_procedure);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, ready_code);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, done_button);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, countdown_box);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, McSelfServiceWindow, still_here_button);

  gtk_widget_class_install_action (widget_class, "kiosk.choose", "s", choose_action);
  gtk_widget_class_install_action (widget_class, "kiosk.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "kiosk.scan", NULL, scan_action);
  gtk_widget_class_install_action (widget_class, "kiosk.more", NULL, more_action);
  gtk_widget_class_install_action (widget_class, "kiosk.rescan", NULL, rescan_action);
  gtk_widget_class_install_action (widget_class, "kiosk.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "kiosk.skip", NULL, skip_action);
  gtk_widget_class_install_action (widget_class, "kiosk.call-clerk", NULL, call_clerk_action);
  gtk_widget_class_install_action (widget_class, "kiosk.still-here", NULL, still_here_action);
  gtk_widget_class_install_action (widget_class, "kiosk.done", NULL, done_action);
  gtk_widget_class_install_action (widget_class, "kiosk.leave", NULL, leave_action);
  /* F1 calls a clerk, for those who use the keyboard. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F1, 0, "kiosk.call-clerk", NULL);
}

static void
mc_self_service_window_init (McSelfServiceWindow *self)
{
  GtkEventController *legacy;

  gtk_widget_init_template (GTK_WIDGET (self));
  legacy = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (legacy, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (legacy, "event", G_CALLBACK (on_any_event), self);
  gtk_widget_add_controller (GTK_WIDGET (self), legacy);
}

McSelfServiceWindow *
mc_self_service_window_new (GtkApplication     *application,
                            GSettings          *settings,
                            McProcedureCatalog *procedures,
                            McScanner          *scanner,
                            McSpeaker          *speaker,
                            const char         *base_dir)
{
  McSelfServiceWindow *self = g_object_new (MC_TYPE_SELF_SERVICE_WINDOW, "application", application, NULL);

  self->settings = g_object_ref (settings);
  self->screen = mc_citizen_screen_new (procedures);
  self->scanner = g_object_ref (scanner);
  self->speaker = speaker ? g_object_ref (speaker) : NULL;
  self->base_dir = base_dir ? g_strdup (base_dir) : mc_self_service_get_base_dir ();

  mc_citizen_view_set_settings (self->view, settings);
  mc_citizen_view_set_speaker (self->view, speaker);
  mc_citizen_view_set_screen (self->view, self->screen);
  build_procedure_buttons (self);

  g_signal_connect_object (scanner, "page-started", G_CALLBACK (on_scan_activity), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (scanner, "page-progress", G_CALLBACK (on_scan_activity), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (scanner, "page-done", G_CALLBACK (on_scan_activity), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (scanner, "job-finished", G_CALLBACK (on_job_finished), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (scanner, "job-failed", G_CALLBACK (on_job_failed), self, G_CONNECT_SWAPPED);
  if (mc_scanner_get_devices (scanner) == NULL && !mc_scanner_is_detecting (scanner))
    mc_scanner_redetect (scanner);

  self->tick_id = g_timeout_add (TICK_MS, tick, self);
  mc_self_service_window_reset (self);
  return self;
}
