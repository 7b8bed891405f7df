/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mc-core.h"
#include "mc-id-reader.h"
#include "mc-id-rules.h"
#include "mc-identity-form.h"
#include "mc-test-id-cards.h"
#include "mc-test-ui.h"
#include "mc-ui.h"
#include "mc-vips.h"

/* The identity form under Xvfb, filled by the real reader from generated
 * cards: badges, marks, edits, the "use" action, and a screenshot of each
 * state under build/screenshots/<language>/. */

static const char *lang;
static GPtrArray *cards;
static GDate reference_day;

static gboolean
vips_warnings_pass (const char     *log_domain,
                    GLogLevelFlags  log_level,
                    const char     *message,
                    gpointer        user_data)
{
  return g_strcmp0 (log_domain, "VIPS") != 0;
}

/* The badge is the label among the row's suffixes with the "id-badge" class. */
static const char *
badge_text (GtkWidget *row)
{
  GQueue queue = G_QUEUE_INIT;

  g_queue_push_tail (&queue, row);
  while (!g_queue_is_empty (&queue))
    {
      GtkWidget *w = g_queue_pop_head (&queue);

      if (GTK_IS_LABEL (w) && gtk_widget_has_css_class (w, "id-badge"))
        {
          g_queue_clear (&queue);
          return gtk_label_get_label (GTK_LABEL (w));
        }
      for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
        g_queue_push_tail (&queue, c);
    }
  return NULL;
}

static McIdResult *
read_card (JsonObject *card)
{
  g_autoptr(McIdReader) reader = mc_id_reader_new (NULL);
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  JsonArray *files = json_object_get_array_member (card, "images");
  McIdResult *result;

  for (guint i = 0; i < json_array_get_length (files); i++)
    g_ptr_array_add (images, vips_image_new_from_file (json_array_get_string_element (files, i), NULL));
  mc_id_reader_set_today (reader, &reference_day);
  result = mc_id_reader_read (reader, images, NULL, &error);
  g_assert_no_error (error);
  return result;
}

/* A glass scan read cleanly (@to_check FALSE), or one with a damaged QR
 * code, preferring one where the reader marked a field (@to_check TRUE). */
static JsonObject *
pick_card (gboolean     to_check,
           McIdResult **result)
{
  JsonObject *fallback = NULL;

  for (guint c = 0; c < cards->len; c++)
    {
      JsonObject *card = g_ptr_array_index (cards, c);
      gboolean damaged = !g_str_equal (json_object_get_string_member (card, "qr_damage"), "none") ||
                         json_object_get_boolean_member (card, "mrz_smudge");
      McIdResult *r;

      if (!g_str_equal (json_object_get_string_member (card, "presentation"), "glass") ||
          damaged != to_check ||
          (to_check && !g_str_equal (json_object_get_string_member (card, "qr_damage"), "heavy")))
        continue;
      if (fallback == NULL)
        fallback = card;
      r = read_card (card);
      if (!to_check ? !mc_identity_needs_review (r->identity)
                    : mc_identity_get_field (r->identity, MC_ID_FIELD_FULL_NAME)->flags != 0)
        {
          *result = r;
          return card;
        }
      mc_id_result_free (r);
    }
  g_assert_nonnull (fallback);
  *result = read_card (fallback);
  return fallback;
}

static GtkWindow *
show_form (McIdentityForm **form_out)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *form = mc_identity_form_new ();

  gtk_window_set_title (GTK_WINDOW (window), "Một Cửa");
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 880);
  gtk_window_set_child (GTK_WINDOW (window), form);
  mc_identity_form_set_today (MC_IDENTITY_FORM (form), &reference_day);
  gtk_window_present (GTK_WINDOW (window));
  *form_out = MC_IDENTITY_FORM (form);
  return GTK_WINDOW (window);
}

static void
on_accepted (McIdentityForm *form,
             McIdentity     *identity,
             gpointer        user_data)
{
  *(McIdentity **) user_data = identity;
}

static void
test_clean_card (void)
{
  McIdResult *result = NULL;
  JsonObject *card = pick_card (FALSE, &result);
  McIdentityForm *form;
  GtkWindow *window = show_form (&form);
  McIdentity *accepted = NULL;
  GtkWidget *row;

  mc_identity_form_set_result (form, result);
  mc_test_screenshot (GTK_WIDGET (window), "identity-form");

  /* Every field has its row; the values are the card's, and the badge says
   * where each was read and what confirmed it. */
  for (McIdField f = 0; f < MC_ID_N_FIELDS; f++)
    g_assert_nonnull (mc_test_find_named (GTK_WIDGET (form), mc_id_field_to_string (f)));
  row = mc_test_find_named (GTK_WIDGET (form), "id_number");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, mc_test_id_card_field (card, "id_number"));
  g_assert_true (g_str_has_prefix (badge_text (row), "QR"));
  g_assert_nonnull (strstr (badge_text (row), "✓MRZ"));
  row = mc_test_find_named (GTK_WIDGET (form), "full_name");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, mc_test_id_card_field (card, "full_name"));
  /* Dates as the card prints them. */
  {
    GDate d;
    g_autofree char *printed = NULL;

    g_assert_true (mc_id_date_parse_iso (mc_test_id_card_field (card, "date_of_birth"), &d));
    printed = g_strdup_printf ("%02d/%02d/%04d", g_date_get_day (&d), g_date_get_month (&d), g_date_get_year (&d));
    row = mc_test_find_named (GTK_WIDGET (form), "date_of_birth");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, printed);
  }
  g_assert_cmpuint (mc_identity_form_count_marked (form), ==, 0);

  /* Use it: the host gets the identity. */
  g_signal_connect (form, "identity-accepted", G_CALLBACK (on_accepted), &accepted);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (form), "identity.use", NULL));
  g_assert_true (accepted == result->identity);

  gtk_window_destroy (window);
  mc_id_result_free (result);
}

static void
test_card_to_check (void)
{
  McIdResult *result = NULL;
  JsonObject *card = pick_card (TRUE, &result);
  McIdentityForm *form;
  GtkWindow *window = show_form (&form);
  GtkWidget *warnings;
  guint marked;

  mc_identity_form_set_result (form, result);
  mc_test_screenshot (GTK_WIDGET (window), "identity-form-check");

  /* The warnings are listed; the marked fields are coloured. */
  warnings = mc_test_find_type (GTK_WIDGET (form), ADW_TYPE_PREFERENCES_GROUP);
  g_assert_true (gtk_widget_get_visible (warnings));
  g_assert_nonnull (mc_test_find_named (GTK_WIDGET (form), "qr-unreadable"));
  marked = mc_identity_form_count_marked (form);
  for (McIdField f = 0; f < MC_ID_N_FIELDS; f++)
    {
      GtkWidget *row = mc_test_find_named (GTK_WIDGET (form), mc_id_field_to_string (f));
      const McIdentityField *field = mc_identity_get_field (result->identity, f);

      g_assert_cmpint (gtk_widget_has_css_class (row, "id-conflict"), ==,
                       (field->flags & MC_ID_FIELD_FLAG_CONFLICT) != 0);
      g_assert_cmpint (gtk_widget_has_css_class (row, "id-unsure"), ==,
                       (field->flags & MC_ID_FIELD_FLAG_UNSURE) && !(field->flags & MC_ID_FIELD_FLAG_CONFLICT));
    }

  /* The clerk types the name as printed: it becomes "typed", unmarked. */
  {
    GtkWidget *row = mc_test_find_named (GTK_WIDGET (form), "full_name");
    g_autofree char *lower = g_utf8_strdown (mc_test_id_card_field (card, "full_name"), -1);
    const McIdentityField *f;

    gtk_editable_set_text (GTK_EDITABLE (row), lower);
    g_signal_emit_by_name (row, "apply");
    f = mc_identity_get_field (result->identity, MC_ID_FIELD_FULL_NAME);
    g_assert_cmpint (f->source, ==, MC_ID_SOURCE_MANUAL);
    g_assert_cmpfloat (f->confidence, ==, 1.0);
    /* Stored upper case, as the card prints names. */
    g_assert_cmpstr (f->value, ==, mc_test_id_card_field (card, "full_name"));
    g_assert_false (gtk_widget_has_css_class (row, "id-unsure"));
    g_assert_cmpstr (badge_text (row), ==, mc_id_source_get_title (MC_ID_SOURCE_MANUAL));
    g_assert_cmpuint (mc_identity_form_count_marked (form), <=, marked);
  }

  /* A date that is no date is kept on screen, marked, not stored; the
   * identity cannot be used until it is fixed. */
  {
    GtkWidget *row = mc_test_find_named (GTK_WIDGET (form), "date_of_issue");
    g_autofree char *before = g_strdup (mc_identity_get_value (result->identity, MC_ID_FIELD_DATE_OF_ISSUE));
    McIdentity *accepted = NULL;

    g_signal_connect (form, "identity-accepted", G_CALLBACK (on_accepted), &accepted);
    gtk_editable_set_text (GTK_EDITABLE (row), "31/02/2024");
    g_signal_emit_by_name (row, "apply");
    g_assert_true (gtk_widget_has_css_class (row, "error"));
    g_assert_cmpstr (mc_identity_get_value (result->identity, MC_ID_FIELD_DATE_OF_ISSUE), ==, before);
    mc_test_screenshot (GTK_WIDGET (window), "identity-form-invalid");
    gtk_widget_activate_action (GTK_WIDGET (form), "identity.use", NULL);
    g_assert_null (accepted);

    gtk_editable_set_text (GTK_EDITABLE (row), "01/07/2024");
    g_signal_emit_by_name (row, "apply");
    g_assert_false (gtk_widget_has_css_class (row, "error"));
    g_assert_cmpstr (mc_identity_get_value (result->identity, MC_ID_FIELD_DATE_OF_ISSUE), ==, "2024-07-01");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (form), "identity.use", NULL));
    g_assert_true (accepted == result->identity);
  }

  gtk_window_destroy (window);
  mc_id_result_free (result);
}

/* Without an identity: nothing to edit, nothing to use. */
static void
test_empty (void)
{
  McIdentityForm *form;
  GtkWindow *window = show_form (&form);
  McIdentity *accepted = NULL;

  g_signal_connect (form, "identity-accepted", G_CALLBACK (on_accepted), &accepted);
  mc_test_wait_for_frames (GTK_WIDGET (window));
  gtk_widget_activate_action (GTK_WIDGET (form), "identity.use", NULL);
  g_assert_null (accepted);
  g_assert_false (gtk_widget_get_sensitive (mc_test_find_named (GTK_WIDGET (form), "id_number")));
  gtk_window_destroy (window);
}

/* The Vietnamese run shows Vietnamese. */
static void
test_language (void)
{
  McIdentityForm *form;
  GtkWindow *window = show_form (&form);
  GtkWidget *row = mc_test_find_named (GTK_WIDGET (form), "date_of_birth");

  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   g_str_has_prefix (lang, "vi") ? "Ngày sinh" : "Date of birth");
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  lang = mc_test_language ();

  setlocale (LC_ALL, "");
  gtk_test_init (&argc, &argv, NULL);
  mc_ui_init ();
  adw_init ();
  g_test_log_set_fatal_handler (vips_warnings_pass, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  mc_test_load_style ();
  cards = mc_test_id_cards_load ();
  g_date_clear (&reference_day, 1);
  g_date_set_dmy (&reference_day, 1, 6, 2025);

  g_test_add_func ("/ui/identity-form/clean-card", test_clean_card);
  g_test_add_func ("/ui/identity-form/card-to-check", test_card_to_check);
  g_test_add_func ("/ui/identity-form/empty", test_empty);
  g_test_add_func ("/ui/identity-form/language", test_language);
  ret = g_test_run ();
  g_ptr_array_unref (cards);
  return ret;
}
