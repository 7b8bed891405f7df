/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-guide-view"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-guide-view.h"

struct _McGuideView
{
  AdwBin     parent_instance;

  char      *guide_id;
  gboolean   large;
  guint      n_steps;
  GtkBox    *box;
};

G_DEFINE_FINAL_TYPE (McGuideView, mc_guide_view, ADW_TYPE_BIN)

static GtkWidget *
make_label (const char *text,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
make_picture (GFile      *file,
              int         width,
              int         height,
              const char *description)
{
  GtkWidget *picture = gtk_picture_new_for_file (file);

  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_set_size_request (picture, width, height);
  gtk_widget_set_valign (picture, GTK_ALIGN_START);
  gtk_picture_set_alternative_text (GTK_PICTURE (picture), description);
  return picture;
}

GtkWidget *
mc_guide_pictogram_new (const char *name,
                        int         size,
                        const char *label)
{
  g_autoptr(GFile) file = mc_guide_find_pictogram (name);
  g_autoptr(GIcon) icon = NULL;
  GtkWidget *image;

  if (file == NULL)
    file = mc_guide_find_pictogram ("document");
  icon = g_file_icon_new (file);
  image = g_object_new (GTK_TYPE_IMAGE,
                        "accessible-role", label ? GTK_ACCESSIBLE_ROLE_IMG : GTK_ACCESSIBLE_ROLE_PRESENTATION,
                        "gicon", icon,
                        "pixel-size", size,
                        NULL);
  if (label != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_set_valign (image, GTK_ALIGN_START);
  return image;
}

static GtkWidget *
make_step (McGuideView       *self,
           McGuideBook       *book,
           const McGuideStep *step,
           guint              number)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, self->large ? 24 : 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  g_autofree char *n = g_strdup_printf ("%u", number);
  GtkWidget *number_label = gtk_label_new (n);
  const char *detail = mc_guide_step_get_detail (step);

  gtk_widget_add_css_class (row, "guide-step");
  gtk_widget_add_css_class (number_label, "step-number");
  gtk_widget_set_valign (number_label, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (row), number_label);

  gtk_box_append (GTK_BOX (texts), make_label (mc_guide_step_get_text (step), "step-text"));
  if (detail != NULL)
    gtk_box_append (GTK_BOX (texts), make_label (detail, "step-detail"));
  gtk_box_append (GTK_BOX (row), texts);

  if (step->illustration != NULL)
    {
      g_autoptr(GFile) file = mc_guide_book_find_illustration (book, step->illustration);

      if (file != NULL)
        gtk_box_append (GTK_BOX (row),
                        make_picture (file, self->large ? 384 : 224, self->large ? 240 : 140,
                                      mc_guide_step_get_text (step)));
    }
  return row;
}

static void
clear (McGuideView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->box))) != NULL)
    gtk_box_remove (self->box, child);
  g_clear_pointer (&self->guide_id, g_free);
  self->n_steps = 0;
}

static void
append_steps (McGuideView *self,
              McGuideBook *book,
              GPtrArray   *steps,
              guint       *number)
{
  for (guint i = 0; i < steps->len; i++)
    {
      gtk_box_append (self->box, make_step (self, book, g_ptr_array_index (steps, i), ++*number));
      self->n_steps++;
    }
}

gboolean
mc_guide_view_show (McGuideView *self,
                    McGuideBook *book,
                    const char  *guide_id,
                    McGuidePart  part,
                    gboolean     with_header)
{
  const McGuide *guide;
  guint number = 0;

  g_return_val_if_fail (MC_IS_GUIDE_VIEW (self), FALSE);
  g_return_val_if_fail (MC_IS_GUIDE_BOOK (book), FALSE);

  clear (self);
  if ((guide = mc_guide_book_lookup (book, guide_id)) == NULL)
    return FALSE;
  self->guide_id = g_strdup (guide_id);

  if (with_header)
    {
      GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
      GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      GtkWidget *title = make_label (mc_guide_get_title (guide), "guide-title");

      gtk_box_append (GTK_BOX (header), mc_guide_pictogram_new (guide->pictogram, self->large ? 128 : 64, NULL));
      gtk_box_append (GTK_BOX (titles), title);
      gtk_box_append (GTK_BOX (titles), make_label (mc_guide_get_summary (guide), "guide-summary"));
      gtk_box_append (GTK_BOX (header), titles);
      gtk_box_append (self->box, header);
    }

  if (part != MC_GUIDE_PART_AFTER)
    append_steps (self, book, guide->steps, &number);
  if (part != MC_GUIDE_PART_STEPS && guide->after->len > 0)
    {
      /* A list of its own, numbered from one. */
      number = 0;
      if (part == MC_GUIDE_PART_ALL)
        gtk_box_append (self->box, make_label (_("After filing"), "guide-section"));
      append_steps (self, book, guide->after, &number);
    }
  return TRUE;
}

const char *
mc_guide_view_get_guide_id (McGuideView *self)
{
  g_return_val_if_fail (MC_IS_GUIDE_VIEW (self), NULL);
  return self->guide_id;
}

void
mc_guide_view_set_large (McGuideView *self,
                         gboolean     large)
{
  g_return_if_fail (MC_IS_GUIDE_VIEW (self));
  self->large = large;
  gtk_box_set_spacing (self->box, large ? 28 : 14);
}

guint
mc_guide_view_get_n_steps (McGuideView *self)
{
  g_return_val_if_fail (MC_IS_GUIDE_VIEW (self), 0);
  return self->n_steps;
}

static void
mc_guide_view_finalize (GObject *object)
{
  McGuideView *self = MC_GUIDE_VIEW (object);

  g_free (self->guide_id);

  G_OBJECT_CLASS (mc_guide_view_parent_class)->finalize (object);
}

static void
mc_guide_view_class_init (McGuideViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mc_guide_view_finalize;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "guideview");
}

static void
mc_guide_view_init (McGuideView *self)
{
  self->box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 14));
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->box));
}

GtkWidget *
mc_guide_view_new (void)
{
  return g_object_new (MC_TYPE_GUIDE_VIEW, NULL);
}
