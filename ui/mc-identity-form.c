/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-identity-form"

#include "config.h"

#include <time.h>
#include <glib/gi18n.h>

#include "mc-id-rules.h"
#include "mc-identity-form.h"
#include "mc-vips.h"

/* What the reader made of the citizen's card, for the clerk to check: the
 * straightened sides, every field in an editable row with a badge saying
 * where it was read (QR, MRZ, printed text, typed), orange for a field the
 * reader is not sure of, red where two sources disagree, and the warnings.
 * An edit makes the field "typed" and runs the card's rules again. The
 * "identity.use" action hands the identity to whoever hosts the form (the
 * visit) through the "identity-accepted" signal. */

struct _McIdentityForm
{
  AdwBin               parent_instance;

  /* Owned */
  McIdentity          *identity;
  gulong               changed_id;
  GDate                today;
  gboolean             refreshing;
  GtkWidget           *warning_rows[32];
  guint                n_warning_rows;

  /* Fields, built in code: one row, badge and mark per field */
  AdwEntryRow         *rows[MC_ID_N_FIELDS];
  GtkLabel            *badges[MC_ID_N_FIELDS];
  GtkImage            *marks[MC_ID_N_FIELDS];
  gboolean             invalid[MC_ID_N_FIELDS];

  /* Template widgets */
  GtkBox              *layout_box;
  GtkBox              *pictures_box;
  GtkBox              *sides_box;
  GtkLabel            *card_type_label;
  GtkPicture          *front_picture;
  GtkPicture          *back_picture;
  GtkLabel            *sources_label;
  AdwPreferencesGroup *warnings_group;
  AdwPreferencesGroup *fields_group;
  GtkLabel            *status_label;
  GtkButton           *use_button;
};

G_DEFINE_FINAL_TYPE (McIdentityForm, mc_identity_form, ADW_TYPE_BIN)

enum { PROP_0, PROP_IDENTITY, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { IDENTITY_ACCEPTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
is_date (McIdField field)
{
  return field == MC_ID_FIELD_DATE_OF_BIRTH || field == MC_ID_FIELD_DATE_OF_ISSUE ||
         field == MC_ID_FIELD_DATE_OF_EXPIRY;
}

/* Dates as the card prints them; stored as YYYY-MM-DD. */
static char *
display_value (const McIdentityField *f,
               McIdField              field)
{
  GDate date;

  if (f->flags & MC_ID_FIELD_FLAG_NO_EXPIRY)
    return g_strdup (_("No expiry"));
  if (f->value == NULL)
    return g_strdup ("");
  if (is_date (field) && mc_id_date_parse_iso (f->value, &date))
    return g_strdup_printf ("%02d/%02d/%04d", g_date_get_day (&date), g_date_get_month (&date),
                            g_date_get_year (&date));
  return g_strdup (f->value);
}

static char *
badge_tooltip (const McIdentityField *f)
{
  GString *s = g_string_new (NULL);

  switch (f->source)
    {
    case MC_ID_SOURCE_QR: g_string_append (s, _("Read from the QR code.")); break;
    case MC_ID_SOURCE_MRZ: g_string_append (s, _("Read from the machine-readable zone (MRZ).")); break;
    case MC_ID_SOURCE_OCR: g_string_append (s, _("Read from the printed text.")); break;
    case MC_ID_SOURCE_MANUAL: g_string_append (s, _("Typed or corrected by the clerk.")); break;
    case MC_ID_SOURCE_NONE:
    default: break;
    }
  for (McIdSource src = MC_ID_SOURCE_QR; src <= MC_ID_SOURCE_OCR; src++)
    if (f->confirmed_by & (1u << src))
      {
        g_string_append_c (s, ' ');
        /* Translators: %s is where a value was also read: "QR", "MRZ", "Printed" */
        g_string_append_printf (s, _("Agrees with: %s."), mc_id_source_get_title (src));
      }
  if (f->source != MC_ID_SOURCE_MANUAL && f->source != MC_ID_SOURCE_NONE)
    {
      g_string_append_c (s, ' ');
      /* Translators: %d is a percentage */
      g_string_append_printf (s, _("Confidence %d %%."), (int) (f->confidence * 100 + 0.5));
    }
  return g_string_free (s, FALSE);
}

static void
set_row_text (McIdentityForm *self,
              McIdField       field,
              const char     *text)
{
  AdwEntryRow *row = self->rows[field];

  /* Setting the text shows the apply button as if the clerk had typed:
   * switch it off around the change. */
  adw_entry_row_set_show_apply_button (row, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  adw_entry_row_set_show_apply_button (row, TRUE);
}

static void
refresh_field (McIdentityForm *self,
               McIdField       field)
{
  const McIdentityField *f = mc_identity_get_field (self->identity, field);
  GtkWidget *row = GTK_WIDGET (self->rows[field]);
  g_autofree char *text = display_value (f, field);
  g_autofree char *tip = badge_tooltip (f);
  GString *badge = g_string_new (mc_id_source_get_title (f->source));
  static const char *badge_classes[] = { "id-none", "id-qr", "id-mrz", "id-ocr", "id-manual" };
  gboolean conflict = (f->flags & MC_ID_FIELD_FLAG_CONFLICT) != 0;
  gboolean unsure = !conflict && (f->flags & MC_ID_FIELD_FLAG_UNSURE) != 0;

  set_row_text (self, field, text);
  for (McIdSource src = MC_ID_SOURCE_QR; src <= MC_ID_SOURCE_OCR; src++)
    if (f->confirmed_by & (1u << src))
      g_string_append_printf (badge, " ✓%s", mc_id_source_get_title (src));
  gtk_label_set_label (self->badges[field], badge->str);
  g_string_free (badge, TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->badges[field]), tip);
  gtk_widget_set_visible (GTK_WIDGET (self->badges[field]), f->source != MC_ID_SOURCE_NONE);
  for (guint i = 0; i < G_N_ELEMENTS (badge_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->badges[field]), badge_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->badges[field]), badge_classes[f->source]);

  /* Colour and an icon, so the mark does not rest on colour alone. */
  gtk_widget_remove_css_class (row, "id-unsure");
  gtk_widget_remove_css_class (row, "id-conflict");
  gtk_widget_remove_css_class (row, "error");
  self->invalid[field] = FALSE;
  if (conflict)
    gtk_widget_add_css_class (row, "id-conflict");
  else if (unsure)
    gtk_widget_add_css_class (row, "id-unsure");
  gtk_widget_set_visible (GTK_WIDGET (self->marks[field]), conflict || unsure);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->marks[field]),
                               conflict ? _("The sources disagree: check this field on the card.")
                                        : unsure ? _("Not read with certainty: check this field on the card.")
                                                 : NULL);
}

static void
refresh_warnings (McIdentityForm *self)
{
  GPtrArray *warnings = mc_identity_get_warnings (self->identity);

  for (guint i = 0; i < self->n_warning_rows; i++)
    adw_preferences_group_remove (self->warnings_group, self->warning_rows[i]);
  self->n_warning_rows = 0;
  for (guint i = 0; i < warnings->len && i < G_N_ELEMENTS (self->warning_rows); i++)
    {
      McIdentityWarning *w = g_ptr_array_index (warnings, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      /* Markup off first: the title is parsed as soon as it is set. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), w->message);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_widget_add_css_class (icon, "warning");
      gtk_widget_set_name (row, w->code);
      adw_preferences_group_add (self->warnings_group, row);
      self->warning_rows[self->n_warning_rows++] = row;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_group), self->n_warning_rows > 0);
}

static void
refresh_summary (McIdentityForm *self)
{
  static const McIdSource sources[] = { MC_ID_SOURCE_QR, MC_ID_SOURCE_MRZ, MC_ID_SOURCE_OCR };
  GString *s = g_string_new (NULL);
  guint marked = mc_identity_form_count_marked (self);
  gboolean invalid = FALSE;

  gtk_label_set_label (self->card_type_label, mc_card_type_get_title (mc_identity_get_card_type (self->identity)));
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      const char *state;

      switch (mc_identity_get_source_status (self->identity, sources[i]))
        {
        case MC_ID_SOURCE_STATUS_VALID:
          state = sources[i] == MC_ID_SOURCE_MRZ ? _("read, every check digit holds") : _("read");
          break;
        case MC_ID_SOURCE_STATUS_PARTIAL:
          state = sources[i] == MC_ID_SOURCE_MRZ ? _("read, some check digits fail") : _("partly read");
          break;
        case MC_ID_SOURCE_STATUS_UNREADABLE: state = _("could not be read"); break;
        case MC_ID_SOURCE_STATUS_ABSENT:
        default: state = _("not on the scanned sides"); break;
        }
      if (s->len > 0)
        g_string_append_c (s, '\n');
      /* Translators: "QR: read, checks hold" */
      g_string_append_printf (s, _("%s: %s"), mc_id_source_get_title (sources[i]), state);
    }
  gtk_label_set_label (self->sources_label, s->str);
  g_string_free (s, TRUE);

  for (guint i = 0; i < MC_ID_N_FIELDS; i++)
    invalid = invalid || self->invalid[i];
  if (marked > 0)
    {
      /* Translators: %u is a number of fields */
      g_autofree char *text = g_strdup_printf (ngettext ("%u field to check on the card",
                                                         "%u fields to check on the card", marked), marked);

      gtk_label_set_label (self->status_label, text);
    }
  else if (mc_identity_get_warnings (self->identity)->len > 0)
    gtk_label_set_label (self->status_label, _("Read the warnings above before using the identity"));
  else
    gtk_label_set_label (self->status_label, _("No field is marked for checking"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "identity.use", !invalid);
}

static void
refresh (McIdentityForm *self)
{
  if (self->identity == NULL)
    return;
  self->refreshing = TRUE;
  for (McIdField f = 0; f < MC_ID_N_FIELDS; f++)
    refresh_field (self, f);
  refresh_warnings (self);
  refresh_summary (self);
  self->refreshing = FALSE;
}

static void
identity_changed (McIdentity     *identity,
                  McIdentityForm *self)
{
  if (!self->refreshing)
    refresh (self);
}

/* The clerk's text as the record stores it, or NULL when it cannot be
 * (a date that is no date). @no_expiry: the text says the card has none. */
static char *
parse_input (McIdField   field,
             const char *text,
             gboolean   *valid,
             gboolean   *no_expiry)
{
  g_autofree char *tidy = mc_id_tidy_text (text);
  GDate date;

  *valid = TRUE;
  *no_expiry = FALSE;
  if (tidy == NULL || *tidy == '\0')
    return NULL;
  if (field == MC_ID_FIELD_DATE_OF_EXPIRY)
    {
      g_autofree char *a = mc_id_fold (tidy);
      g_autofree char *b = mc_id_fold (_("No expiry"));

      if (g_strcmp0 (a, b) == 0 || g_strcmp0 (a, "KHONG THOI HAN") == 0 || g_strcmp0 (a, "NO EXPIRY") == 0)
        {
          *no_expiry = TRUE;
          return NULL;
        }
    }
  if (is_date (field))
    {
      if (mc_id_date_parse_dmy (tidy, -1, &date) || mc_id_date_parse_iso (tidy, &date))
        return mc_id_date_format_iso (&date);
      *valid = FALSE;
      return NULL;
    }
  if (field == MC_ID_FIELD_SEX)
    {
      McSex sex = mc_sex_parse (tidy);

      *valid = sex != MC_SEX_UNKNOWN;
      return g_strdup (mc_sex_to_string (sex));
    }
  if (field == MC_ID_FIELD_ID_NUMBER || field == MC_ID_FIELD_OLD_ID_NUMBER)
    {
      GString *digits = g_string_new (NULL);

      for (const char *p = tidy; *p; p++)
        if (g_ascii_isdigit (*p))
          g_string_append_c (digits, *p);
        else if (*p != ' ' && *p != '.')
          *valid = FALSE;
      *valid = *valid && (field == MC_ID_FIELD_ID_NUMBER ? mc_id_number_is_well_formed (digits->str)
                                                          : mc_id_number_is_old_number (digits->str));
      return g_string_free (digits, FALSE);
    }
  if (field == MC_ID_FIELD_FULL_NAME)
    return g_utf8_strup (tidy, -1);
  return g_steal_pointer (&tidy);
}

static void
row_applied (AdwEntryRow    *row,
             McIdentityForm *self)
{
  McIdField field = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "mc-field"));
  g_autofree char *value = NULL;
  gboolean valid, no_expiry;

  if (self->identity == NULL || self->refreshing)
    return;
  value = parse_input (field, gtk_editable_get_text (GTK_EDITABLE (row)), &valid, &no_expiry);
  if (!valid)
    {
      /* Kept on screen, not stored: the clerk sees what to fix. */
      self->invalid[field] = TRUE;
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (row),
                                   is_date (field) ? _("Write the date as on the card: dd/mm/yyyy")
                                   : field == MC_ID_FIELD_SEX ? _("Write Nam or Nữ")
                                   : _("The number has 12 digits (9 for an old CMND)"));
      refresh_summary (self);
      return;
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), NULL);
  self->refreshing = TRUE;
  mc_identity_edit (self->identity, field, value);
  if (no_expiry)
    mc_identity_set_field (self->identity, field, NULL, MC_ID_SOURCE_MANUAL, 1.0,
                           MC_ID_FIELD_FLAG_NO_EXPIRY, 0);
  mc_identity_check_rules (self->identity, &self->today);
  self->refreshing = FALSE;
  refresh (self);
  /* The same record, changed: what shows it (the citizen screen) follows. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDENTITY]);
}

static void
use_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  McIdentityForm *self = MC_IDENTITY_FORM (widget);

  if (self->identity != NULL)
    g_signal_emit (self, signals[IDENTITY_ACCEPTED], 0, self->identity);
}

static GdkTexture *
texture_from_crop (VipsImage *image)
{
  g_autoptr(VipsImage) srgb = NULL;
  g_autoptr(VipsImage) u8 = NULL;
  g_autoptr(GBytes) bytes = NULL;
  size_t size;
  void *data;
  int w, h;

  if (vips_colourspace (image, &srgb, VIPS_INTERPRETATION_sRGB, NULL) != 0 ||
      vips_cast_uchar (srgb, &u8, NULL) != 0 || vips_image_get_bands (u8) != 3 ||
      (data = vips_image_write_to_memory (u8, &size)) == NULL)
    {
      vips_error_clear ();
      return NULL;
    }
  w = vips_image_get_width (u8);
  h = vips_image_get_height (u8);
  bytes = g_bytes_new_take (data, size);
  return gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8, bytes, (gsize) w * 3);
}

/* ------------------------------------------------------------ public */

void
mc_identity_form_set_crops (McIdentityForm *self,
                            GPtrArray      *crops)
{
  g_autoptr(GdkTexture) front = NULL;
  g_autoptr(GdkTexture) back = NULL;

  g_return_if_fail (MC_IS_IDENTITY_FORM (self));

  for (guint i = 0; crops != NULL && i < crops->len; i++)
    {
      McCardCrop *crop = g_ptr_array_index (crops, i);

      if (crop->side == MC_CARD_SIDE_BACK && back == NULL)
        back = texture_from_crop (crop->image);
      else if (crop->side != MC_CARD_SIDE_BACK && front == NULL)
        front = texture_from_crop (crop->image);
    }
  gtk_picture_set_paintable (self->front_picture, GDK_PAINTABLE (front));
  gtk_picture_set_paintable (self->back_picture, GDK_PAINTABLE (back));
  /* Typed by hand: no empty frames where the card would be. */
  gtk_widget_set_visible (GTK_WIDGET (self->sides_box), front != NULL || back != NULL);
}

void
mc_identity_form_set_identity (McIdentityForm *self,
                               McIdentity     *identity)
{
  g_return_if_fail (MC_IS_IDENTITY_FORM (self));
  g_return_if_fail (identity == NULL || MC_IS_IDENTITY (identity));

  if (self->identity == identity)
    return;
  if (self->identity != NULL)
    g_clear_signal_handler (&self->changed_id, self->identity);
  g_set_object (&self->identity, identity);
  if (identity != NULL)
    self->changed_id = g_signal_connect (identity, "changed", G_CALLBACK (identity_changed), self);

  for (McIdField f = 0; f < MC_ID_N_FIELDS; f++)
    gtk_widget_set_sensitive (GTK_WIDGET (self->rows[f]), identity != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "identity.use", identity != NULL);
  refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDENTITY]);
}

McIdentity *
mc_identity_form_get_identity (McIdentityForm *self)
{
  g_return_val_if_fail (MC_IS_IDENTITY_FORM (self), NULL);
  return self->identity;
}

/* Shows what mc_id_reader_read() found: its identity and the card sides. */
/* Compact: the two sides in a row above the fields, for a host narrower
 * than the whole window (the visit's papers step). */
void
mc_identity_form_set_compact (McIdentityForm *self,
                              gboolean        compact)
{
  g_return_if_fail (MC_IS_IDENTITY_FORM (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->layout_box),
                                  compact ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->sides_box),
                                  compact ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL);
  gtk_box_set_homogeneous (self->sides_box, compact);
  gtk_box_set_spacing (self->sides_box, compact ? 12 : 6);
  gtk_widget_set_size_request (GTK_WIDGET (self->pictures_box), compact ? -1 : 360, -1);
  gtk_widget_set_size_request (GTK_WIDGET (self->front_picture), -1, compact ? 170 : 227);
  gtk_widget_set_size_request (GTK_WIDGET (self->back_picture), -1, compact ? 170 : 227);
}

void
mc_identity_form_set_result (McIdentityForm *self,
                             McIdResult     *result)
{
  g_return_if_fail (MC_IS_IDENTITY_FORM (self));

  mc_identity_form_set_crops (self, result != NULL ? result->crops : NULL);
  mc_identity_form_set_identity (self, result != NULL ? result->identity : NULL);
}

/* The day the card's expiry is checked against after an edit (the reader
 * checked it against its own); NULL: today. */
void
mc_identity_form_set_today (McIdentityForm *self,
                            const GDate    *today)
{
  g_return_if_fail (MC_IS_IDENTITY_FORM (self));

  if (today != NULL && g_date_valid (today))
    self->today = *today;
  else
    {
      g_date_clear (&self->today, 1);
      g_date_set_time_t (&self->today, time (NULL));
    }
}

/* Fields marked unsure or in conflict. */
guint
mc_identity_form_count_marked (McIdentityForm *self)
{
  guint n = 0;

  g_return_val_if_fail (MC_IS_IDENTITY_FORM (self), 0);
  if (self->identity == NULL)
    return 0;
  for (McIdField f = 0; f < MC_ID_N_FIELDS; f++)
    if (mc_identity_get_field (self->identity, f)->flags & (MC_ID_FIELD_FLAG_UNSURE | MC_ID_FIELD_FLAG_CONFLICT))
      n++;
  return n;
}

GtkWidget *
mc_identity_form_new (void)
{
  return g_object_new (MC_TYPE_IDENTITY_FORM, NULL);
}

/* ------------------------------------------------------------ class */

static void
mc_identity_form_dispose (GObject *object)
{
  McIdentityForm *self = MC_IDENTITY_FORM (object);

  if (self->identity != NULL)
    g_clear_signal_handler (&self->changed_id, self->identity);
  g_clear_object (&self->identity);
  gtk_widget_dispose_template (GTK_WIDGET (self), MC_TYPE_IDENTITY_FORM);

  G_OBJECT_CLASS (mc_identity_form_parent_class)->dispose (object);
}

static void
mc_identity_form_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  McIdentityForm *self = MC_IDENTITY_FORM (object);

  switch (prop_id)
    {
    case PROP_IDENTITY:
      g_value_set_object (value, self->identity);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_identity_form_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  McIdentityForm *self = MC_IDENTITY_FORM (object);

  switch (prop_id)
    {
    case PROP_IDENTITY:
      mc_identity_form_set_identity (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mc_identity_form_class_init (McIdentityFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mc_identity_form_dispose;
  object_class->get_property = mc_identity_form_get_property;
  object_class->set_property = mc_identity_form_set_property;

  properties[PROP_IDENTITY] =
    g_param_spec_object ("identity", NULL, NULL, MC_TYPE_IDENTITY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * McIdentityForm::identity-accepted:
   * @identity: the identity, with the clerk's corrections
   *
   * The clerk chose to use this identity for the visit.
   */
  signals[IDENTITY_ACCEPTED] = g_signal_new ("identity-accepted", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 1, MC_TYPE_IDENTITY);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mc-identity-form.ui");
  gtk_widget_class_bind_template_child (widget_class, McIdentityForm, layout_box);
  gtk_widget_class_bind_template_child (widget_class, McIdentityForm, pictures_box);
  gtk_widget_class_bind_template_child (widget_class, McIdentityForm, sides_box);
  gtk_widget_class_bind_template_child (widget_class, McIdentityForm, card_type_label);
  gtk_widget_class_bind_template_child (widget_class, McIdentityForm, front_picture);
  gtk_widget_class_bind_template_child (widget_class, McIdentityForm, back_picture);
  gtk_widget_class_bind_template_child (widget_class, McIdentityForm, sources_label);
  gtk_widget_class_bind_template_child (widget_class, McIdentityForm, warnings_group);
  gtk_widget_class_bind_template_child (widget_class, McIdentityForm, fields_group);
  gtk_widget_class_bind_template_child (widget_class, McIdentityForm, status_label);
  gtk_widget_class_bind_template_child (widget_class, McIdentityForm, use_button);

  gtk_widget_class_install_action (widget_class, "identity.use", NULL, use_action);
}

static void
mc_identity_form_init (McIdentityForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (McIdField f = 0; f < MC_ID_N_FIELDS; f++)
    {
      GtkWidget *row = adw_entry_row_new ();
      GtkWidget *badge = gtk_label_new (NULL);
      GtkWidget *mark = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mc_id_field_get_title (f));
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
      gtk_widget_set_name (row, mc_id_field_to_string (f));
      g_object_set_data (G_OBJECT (row), "mc-field", GINT_TO_POINTER (f));
      gtk_widget_add_css_class (badge, "id-badge");
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      gtk_widget_set_visible (mark, FALSE);
      gtk_widget_add_css_class (mark, "id-mark");
      adw_entry_row_add_prefix (ADW_ENTRY_ROW (row), mark);
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), badge);
      /* Enter applies too, while the apply button shows. */
      g_signal_connect (row, "apply", G_CALLBACK (row_applied), self);
      gtk_widget_set_sensitive (row, FALSE);
      adw_preferences_group_add (self->fields_group, row);
      self->rows[f] = ADW_ENTRY_ROW (row);
      self->badges[f] = GTK_LABEL (badge);
      self->marks[f] = GTK_IMAGE (mark);
    }
  mc_identity_form_set_today (self, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "identity.use", FALSE);
}
