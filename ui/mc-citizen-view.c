/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-citizen-view"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-citizen-view.h"
#include "mc-guide-book.h"
#include "mc-guide-view.h"
#include "mc-page.h"
#include "mc-procedure-catalog.h"
#include "mc-qr-code.h"

struct _McCitizenView
{
  AdwBin           parent_instance;

  McCitizenScreen *screen;
  GSettings       *settings;
  McSpeaker       *speaker;
  GListModel      *bound_pages;
  guint            sync_id;
  char            *last_spoken;

  /* Template widgets */
  GtkStack        *stack;
  GtkLabel        *welcome_privacy;
  AdwBin          *bring_pictogram;
  GtkLabel        *bring_procedure;
  GtkLabel        *bring_summary;
  GtkBox          *bring_list;
  GtkLabel        *bring_fee;
  GtkLabel        *card_paper;
  GtkLabel        *card_text;
  GtkPicture      *card_picture;
  GtkLabel        *papers_title;
  GtkLabel        *papers_name;
  GtkLabel        *papers_text;
  GtkPicture      *papers_picture;
  GtkSpinner      *scanning_spinner;
  GtkLabel        *scanning_title;
  GtkLabel        *scanning_paper;
  GtkLabel        *scanning_text;
  GtkFlowBox      *scanning_pages;
  GtkLabel        *scanning_count;
  GtkBox          *details_box;
  GtkLabel        *details_privacy;
  McGuideView     *next_guide;
  GtkLabel        *receipt_code;
  McQrCode        *receipt_qr;
  GtkLabel        *receipt_url;
  GtkLabel        *goodbye_privacy;
  McGuideView     *guide_view;
};

G_DEFINE_FINAL_TYPE (McCitizenView, mc_citizen_view, ADW_TYPE_BIN)

/* The guides of the catalog the screen shows. */
static McGuideBook *
guide_book (McCitizenView *self)
{
  return mc_guide_book_get_shared (mc_citizen_screen_get_procedures (self->screen));
}

#define ILLUSTRATIONS RESOURCE_BASE "/data/illustrations/"

static const McProcedure *
current_procedure (McCitizenView *self)
{
  return mc_procedure_catalog_lookup (mc_citizen_screen_get_procedures (self->screen),
                                      mc_citizen_screen_get_procedure_code (self->screen));
}

static const McComponent *
current_component (McCitizenView *self)
{
  const McProcedure *procedure = current_procedure (self);
  const char *key = mc_citizen_screen_get_component_key (self->screen);

  return (procedure != NULL && key != NULL) ? mc_procedure_find_component (procedure, key) : NULL;
}

static guint
retention_hours (McCitizenView *self)
{
  return self->settings ? g_settings_get_uint (self->settings, "retention-hours") : 24;
}

static void
set_label (GtkLabel   *label,
           const char *text)
{
  gtk_label_set_text (label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

static GtkWidget *
wrapped_label (const char *text,
               const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

/* ---- The pages ----------------------------------------------------------------- */

static void
show_what_to_bring (McCitizenView *self)
{
  const McProcedure *procedure = current_procedure (self);
  McGuideBook *book = guide_book (self);
  const McGuide *guide = procedure ? mc_guide_book_lookup_procedure (book, procedure->code) : NULL;

  clear_box (self->bring_list);
  adw_bin_set_child (self->bring_pictogram, mc_guide_pictogram_new (guide ? guide->pictogram : "document", 128, NULL));
  set_label (self->bring_procedure, procedure ? mc_catalog_text (procedure->name, procedure->name_en) : NULL);
  set_label (self->bring_summary, guide ? mc_guide_get_summary (guide) : NULL);
  set_label (self->bring_fee, NULL);
  if (procedure == NULL)
    return;

  for (guint i = 0; i < procedure->components->len; i++)
    {
      const McComponent *c = g_ptr_array_index (procedure->components, i);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
      GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *mark = gtk_image_new_from_icon_name (c->required ? "object-select-symbolic"
                                                                  : "dialog-information-symbolic");

      gtk_image_set_pixel_size (GTK_IMAGE (mark), 40);
      gtk_widget_set_valign (mark, GTK_ALIGN_START);
      gtk_widget_add_css_class (mark, "citizen-mark");
      gtk_accessible_update_property (GTK_ACCESSIBLE (mark), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      c->required ? _("Needed") : _("Only if it applies"), -1);
      gtk_box_append (GTK_BOX (row), mark);

      if (!c->required)
        gtk_box_append (GTK_BOX (texts), wrapped_label (_("If it applies:"), "citizen-tag"));
      gtk_box_append (GTK_BOX (texts), wrapped_label (mc_catalog_text (c->name, c->name_en), "citizen-paper"));
      /* An ID card's hint is for the clerk's scanning, not for bringing it. */
      if (c->profile != MC_PROFILE_ID_CARD && c->hint != NULL)
        gtk_box_append (GTK_BOX (texts), wrapped_label (mc_catalog_text (c->hint, c->hint_en), "citizen-secondary"));
      gtk_box_append (GTK_BOX (row), texts);
      gtk_box_append (self->bring_list, row);
    }

  if (procedure->fee != NULL)
    {
      /* Translators: %s is the fee as the catalog states it, e.g. “2.000 đồng/trang” */
      g_autofree char *fee = g_strdup_printf (_("Fee: %s"), mc_catalog_text (procedure->fee, procedure->fee_en));

      set_label (self->bring_fee, fee);
    }
}

static void
show_place_card (McCitizenView *self)
{
  const McComponent *c = current_component (self);
  gboolean back = mc_citizen_screen_get_card_side (self->screen) == MC_CITIZEN_CARD_BACK;

  set_label (self->card_paper, c ? mc_catalog_text (c->name, c->name_en) : NULL);
  gtk_label_set_text (self->card_text,
                      back ? _("Now turn the card over: the back, with the chip, face down in the same corner.")
                           : _("The front, with your photo, face down in the corner with the arrow. Then close the lid."));
  gtk_picture_set_resource (self->card_picture,
                            back ? ILLUSTRATIONS "id-card-back.svg" : ILLUSTRATIONS "id-card-front.svg");
  gtk_picture_set_alternative_text (self->card_picture, gtk_label_get_text (self->card_text));
}

static void
show_place_papers (McCitizenView *self)
{
  const McComponent *c = current_component (self);
  gboolean feeder = mc_citizen_screen_get_use_feeder (self->screen);

  gtk_label_set_text (self->papers_title, feeder ? _("Put the papers in the feeder")
                                                 : _("Place the paper on the glass"));
  set_label (self->papers_name, c ? mc_catalog_text (c->name, c->name_en) : NULL);
  gtk_label_set_text (self->papers_text, feeder ? _("Text side up, top edge first. Straighten the stack.")
                                                : _("Text side down, in the corner with the arrow. Then close the lid."));
  gtk_picture_set_resource (self->papers_picture,
                            feeder ? ILLUSTRATIONS "papers-in-feeder.svg" : ILLUSTRATIONS "papers-on-glass.svg");
  gtk_picture_set_alternative_text (self->papers_picture, gtk_label_get_text (self->papers_text));
}

static GtkWidget *
create_thumbnail (gpointer item,
                  gpointer user_data)
{
  McPage *page = item;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *picture = gtk_picture_new_for_filename (mc_page_get_thumbnail_path (page));

  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_size_request (picture, 180, 240);
  gtk_widget_add_css_class (box, "citizen-thumbnail");
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("A scanned page"), -1);
  gtk_box_append (GTK_BOX (box), picture);
  return box;
}

static void
update_page_count (McCitizenView *self)
{
  guint n = self->bound_pages ? g_list_model_get_n_items (self->bound_pages) : 0;
  g_autofree char *text = g_strdup_printf (ngettext ("%u page scanned so far.", "%u pages scanned so far.", n), n);

  set_label (self->scanning_count, n > 0 ? text : NULL);
}

static void
bind_pages (McCitizenView *self)
{
  GListModel *pages = mc_citizen_screen_get_pages (self->screen);

  if (pages == self->bound_pages)
    return;
  if (self->bound_pages != NULL)
    g_signal_handlers_disconnect_by_func (self->bound_pages, update_page_count, self);
  g_set_object (&self->bound_pages, pages);
  gtk_flow_box_bind_model (self->scanning_pages, pages, pages ? create_thumbnail : NULL, NULL, NULL);
  if (pages != NULL)
    g_signal_connect_object (pages, "items-changed", G_CALLBACK (update_page_count), self, G_CONNECT_SWAPPED);
}

static void
show_scanning (McCitizenView *self)
{
  const McComponent *c = current_component (self);

  gboolean busy = mc_citizen_screen_get_scanner_busy (self->screen);

  gtk_label_set_text (self->scanning_title, busy ? _("Scanning…") : _("Your scanned pages"));
  set_label (self->scanning_paper, c ? mc_catalog_text (c->name, c->name_en) : NULL);
  gtk_label_set_text (self->scanning_text, busy ? _("Please do not move the paper until the scanner stops.")
                                                : _("Check that every page is there and easy to read."));
  gtk_spinner_set_spinning (self->scanning_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->scanning_spinner), busy);
  update_page_count (self);
}

static void
show_details (McCitizenView *self)
{
  GListModel *details = mc_citizen_screen_get_details (self->screen);
  g_autofree char *reminder = mc_citizen_privacy_reminder (retention_hours (self));

  clear_box (self->details_box);
  for (guint i = 0; i < g_list_model_get_n_items (details); i++)
    {
      g_autoptr(McCitizenDetail) d = g_list_model_get_item (details, i);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
      GtkWidget *values = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *label = wrapped_label (mc_citizen_detail_get_label (d), "citizen-detail-label");
      const char *source = mc_citizen_detail_get_source (d);

      /* Label and value side by side: a whole card's details fit on a
       * screen without scrolling. */
      gtk_widget_add_css_class (row, "citizen-detail");
      gtk_widget_set_hexpand (label, FALSE);
      gtk_label_set_width_chars (GTK_LABEL (label), 12);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 12);
      gtk_widget_set_valign (label, GTK_ALIGN_BASELINE);
      gtk_box_append (GTK_BOX (row), label);
      gtk_box_append (GTK_BOX (values), wrapped_label (mc_citizen_detail_get_value (d), "citizen-detail-value"));
      if (source != NULL && *source != '\0')
        {
          /* Translators: where a detail was read, e.g. “Read from: the QR code on the card” */
          g_autofree char *from = g_strdup_printf (_("Read from: %s"), source);

          gtk_box_append (GTK_BOX (values), wrapped_label (from, "citizen-source"));
        }
      gtk_widget_set_valign (values, GTK_ALIGN_BASELINE);
      gtk_box_append (GTK_BOX (row), values);
      gtk_box_append (self->details_box, row);
    }
  gtk_label_set_text (self->details_privacy, reminder);
}

static void
show_what_next (McCitizenView *self)
{
  const char *code = mc_citizen_screen_get_procedure_code (self->screen);
  g_autofree char *id = code ? g_strconcat (MC_GUIDE_PROCEDURE_PREFIX, code, NULL) : NULL;

  mc_guide_view_set_large (self->next_guide, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->next_guide),
                          id && mc_guide_view_show (self->next_guide, guide_book (self), id,
                                                    MC_GUIDE_PART_AFTER, FALSE));
}

static void
show_receipt (McCitizenView *self)
{
  const char *code = mc_citizen_screen_get_receipt_code (self->screen);
  const char *url = mc_citizen_screen_get_follow_url (self->screen);

  gtk_label_set_text (self->receipt_code, code ? code : "");
  mc_qr_code_set_text (self->receipt_qr, url);
  gtk_label_set_text (self->receipt_url, url);
}

static void
speak (McCitizenView *self)
{
  g_autofree char *speech = NULL;

  if (self->speaker == NULL || self->settings == NULL ||
      !g_settings_get_boolean (self->settings, "read-aloud") ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  speech = mc_citizen_screen_dup_speech (self->screen);
  if (g_strcmp0 (speech, self->last_spoken) == 0)
    return;
  /* The catalog's language is the one the screen is in. */
  mc_speaker_say (self->speaker, speech, mc_catalog_text ("vi", "en"));
  g_free (self->last_spoken);
  self->last_spoken = g_steal_pointer (&speech);
}

void
mc_citizen_view_sync (McCitizenView *self)
{
  const char *guide_id;
  McCitizenStep step;
  g_autofree char *privacy = NULL;

  g_return_if_fail (MC_IS_CITIZEN_VIEW (self));

  g_clear_handle_id (&self->sync_id, g_source_remove);
  if (self->screen == NULL)
    return;

  step = mc_citizen_screen_get_step (self->screen);
  guide_id = mc_citizen_screen_get_guide_id (self->screen);
  bind_pages (self);
  gtk_spinner_set_spinning (self->scanning_spinner, FALSE);

  if (guide_id != NULL)
    {
      mc_guide_view_set_large (self->guide_view, TRUE);
      if (mc_guide_view_show (self->guide_view, guide_book (self), guide_id,
                              MC_GUIDE_PART_ALL, TRUE))
        {
          gtk_stack_set_visible_child_name (self->stack, "guide");
          speak (self);
          return;
        }
    }

  switch (step)
    {
    case MC_CITIZEN_STEP_WELCOME:
    case MC_CITIZEN_STEP_GOODBYE:
      privacy = mc_citizen_privacy_notice (retention_hours (self));
      gtk_label_set_text (self->welcome_privacy, privacy);
      gtk_label_set_text (self->goodbye_privacy, privacy);
      break;
    case MC_CITIZEN_STEP_WHAT_TO_BRING:
      show_what_to_bring (self);
      break;
    case MC_CITIZEN_STEP_PLACE_CARD:
      show_place_card (self);
      break;
    case MC_CITIZEN_STEP_PLACE_PAPERS:
      show_place_papers (self);
      break;
    case MC_CITIZEN_STEP_SCANNING:
      show_scanning (self);
      break;
    case MC_CITIZEN_STEP_CHECK_DETAILS:
      show_details (self);
      break;
    case MC_CITIZEN_STEP_WHAT_NEXT:
      show_what_next (self);
      break;
    case MC_CITIZEN_STEP_RECEIPT:
      show_receipt (self);
      break;
    default:
      break;
    }
  gtk_stack_set_visible_child_name (self->stack, mc_citizen_step_to_string (step));
  speak (self);
}

static gboolean
sync_idle (gpointer data)
{
  McCitizenView *self = data;

  self->sync_id = 0;
  mc_citizen_view_sync (self);
  return G_SOURCE_REMOVE;
}

/* A visit sets several properties in a row: draw once, after them all. */
static void
queue_sync (McCitizenView *self)
{
  if (self->sync_id == 0)
    self->sync_id = g_idle_add (sync_idle, self);
}

static void
on_details_changed (McCitizenView *self)
{
  queue_sync (self);
}

void
mc_citizen_view_set_screen (McCitizenView   *self,
                            McCitizenScreen *screen)
{
  g_return_if_fail (MC_IS_CITIZEN_VIEW (self));

  if (self->screen == screen)
    return;
  if (self->screen != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->screen, self);
      g_signal_handlers_disconnect_by_data (mc_citizen_screen_get_details (self->screen), self);
    }
  g_set_object (&self->screen, screen);
  if (screen != NULL)
    {
      g_signal_connect_object (screen, "notify", G_CALLBACK (queue_sync), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (mc_citizen_screen_get_details (screen), "items-changed",
                               G_CALLBACK (on_details_changed), self, G_CONNECT_SWAPPED);
      mc_citizen_view_sync (self);
    }
}

McCitizenScreen *
mc_citizen_view_get_screen (McCitizenView *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_VIEW (self), NULL);
  return self->screen;
}

static void
on_settings_changed (McCitizenView *self,
                     const char    *key)
{
  if (g_str_equal (key, "retention-hours"))
    queue_sync (self);
  else if (g_str_equal (key, "read-aloud"))
    {
      g_clear_pointer (&self->last_spoken, g_free);
      if (g_settings_get_boolean (self->settings, "read-aloud"))
        speak (self);
      else if (self->speaker != NULL)
        mc_speaker_stop (self->speaker);
    }
}

void
mc_citizen_view_set_settings (McCitizenView *self,
                              GSettings     *settings)
{
  g_return_if_fail (MC_IS_CITIZEN_VIEW (self));

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_func (self->settings, on_settings_changed, self);
  g_set_object (&self->settings, settings);
  if (settings != NULL)
    g_signal_connect_object (settings, "changed", G_CALLBACK (on_settings_changed), self, G_CONNECT_SWAPPED);
  queue_sync (self);
}

void
mc_citizen_view_set_speaker (McCitizenView *self,
                             McSpeaker     *speaker)
{
  g_return_if_fail (MC_IS_CITIZEN_VIEW (self));
  g_set_object (&self->speaker, speaker);
}

const char *
mc_citizen_view_get_page (McCitizenView *self)
{
  g_return_val_if_fail (MC_IS_CITIZEN_VIEW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

static void
on_map (McCitizenView *self)
{
  /* A step shown while the window was hidden is read when it appears. */
  speak (self);
}

static void
mc_citizen_view_dispose (GObject *object)
{
  McCitizenView *self = MC_CITIZEN_VIEW (object);

  g_clear_handle_id (&self->sync_id, g_source_remove);
  if (self->scanning_pages != NULL)
    gtk_flow_box_bind_model (self->scanning_pages, NULL, NULL, NULL, NULL);
  mc_citizen_view_set_screen (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_CITIZEN_VIEW);
  g_clear_object (&self->bound_pages);
  g_clear_object (&self->settings);
  g_clear_object (&self->speaker);
  g_clear_pointer (&self->last_spoken, g_free);

  G_OBJECT_CLASS (mc_citizen_view_parent_class)->dispose (object);
}

static void
mc_citizen_view_class_init (McCitizenViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mc_citizen_view_dispose;

  g_type_ensure (MC_TYPE_GUIDE_VIEW);
  g_type_ensure (MC_TYPE_QR_CODE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-citizen-view.ui");
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, stack);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, welcome_privacy);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, bring_pictogram);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, bring_procedure);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, bring_summary);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, bring_list);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, bring_fee);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, card_paper);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, card_text);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, card_picture);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, papers_title);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, papers_name);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, papers_text);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, papers_picture);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, scanning_spinner);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, scanning_title);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, scanning_paper);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, scanning_text);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, scanning_pages);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, scanning_count);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, details_box);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, details_privacy);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, next_guide);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, receipt_code);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, receipt_qr);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, receipt_url);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, goodbye_privacy);
  gtk_widget_class_bind_template_child (widget_class, McCitizenView, guide_view);
  gtk_widget_class_set_css_name (widget_class, "citizenview");
}

static void
mc_citizen_view_init (McCitizenView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
}

GtkWidget *
mc_citizen_view_new (void)
{
  return g_object_new (MC_TYPE_CITIZEN_VIEW, NULL);
}
