/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-pdf-sign"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <hb.h>
#include <hb-subset.h>

#include "mc-pdf-sign-private.h"

/* The visible signature: three lines of Vietnamese in a real font. The
 * writer's text layer uses a glyphless font (never painted); here glyphs
 * are painted, so a font with Vietnamese is shaped with HarfBuzz and
 * embedded as a subset of only the glyphs used (CIDToGIDMap /Identity,
 * so a code is a glyph id of the subset), with widths and a ToUnicode map: PDF/A-2b asks for every painted font embedded, and the
 * stamp's text copies out. */

#define FONT_SIZE 9.0
#define LEADING   11.5
#define PAD       5.0

static const char * const font_paths[] = {
  "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
};

typedef struct {
  GArray  *gids;       /* the font's glyph ids, as shaped */
  double   width;      /* in points */
} Line;

static void
append_utf16_hex (GString *s, const char *utf8, gsize len)
{
  glong n = 0;
  g_autofree gunichar2 *u16 = g_utf8_to_utf16 (utf8, len, NULL, &n, NULL);

  for (glong i = 0; u16 && i < n; i++)
    g_string_append_printf (s, "%04X", u16[i]);
}

static GBytes *
deflate_bytes (const void *data,
               gsize       len)
{
  g_autoptr(GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  GByteArray *out = g_byte_array_new ();
  const guint8 *in = data;
  guint8 buf[16384];

  for (;;)
    {
      gsize read = 0, written = 0;
      GConverterResult r = g_converter_convert (G_CONVERTER (z), in, len, buf, sizeof buf,
                                                G_CONVERTER_INPUT_AT_END, &read, &written, NULL);

      in += read;
      len -= read;
      g_byte_array_append (out, buf, written);
      if (r == G_CONVERTER_FINISHED || r == G_CONVERTER_ERROR)
        break;
    }
  return g_byte_array_free_to_bytes (out);
}

/* A Flate-compressed stream object. */
static void
put_deflated (GString    *out,
              const char *dict,
              const void *data,
              gsize       len)
{
  g_autoptr(GBytes) z = deflate_bytes (data, len);

  g_string_append_printf (out, "<< %s%s/Filter /FlateDecode /Length %" G_GSIZE_FORMAT " >>\nstream\n",
                          dict, *dict ? " " : "", g_bytes_get_size (z));
  g_string_append_len (out, g_bytes_get_data (z, NULL), g_bytes_get_size (z));
  g_string_append (out, "\nendstream\nendobj\n");
}

static int
compare_gid (gconstpointer a, gconstpointer b)
{
  return (int) GPOINTER_TO_UINT (a) - (int) GPOINTER_TO_UINT (b);
}

/* One stamp being written: the font, the glyphs the lines use, and the
 * subset made of them. */
typedef struct {
  hb_blob_t         *blob;
  hb_face_t         *face;
  hb_font_t         *font;
  guint              upem;
  GHashTable        *used;     /* gid → UTF-8 of the cluster it starts */
  GHashTable        *all;      /* every gid painted */
  Line              *ls;
  guint              n_lines;
  hb_subset_input_t *input;
  hb_subset_plan_t  *plan;
  hb_face_t         *subset;
  const hb_map_t    *new_gid;  /* the font's glyph ids → the subset's */
} Stamp;

static void
stamp_clear (Stamp *st)
{
  for (guint i = 0; i < st->n_lines; i++)
    if (st->ls[i].gids)
      g_array_unref (st->ls[i].gids);
  g_free (st->ls);
  g_clear_pointer (&st->used, g_hash_table_unref);
  g_clear_pointer (&st->all, g_hash_table_unref);
  if (st->plan)
    hb_subset_plan_destroy (st->plan);
  if (st->input)
    hb_subset_input_destroy (st->input);
  if (st->subset)
    hb_face_destroy (st->subset);
  hb_font_destroy (st->font);
  hb_face_destroy (st->face);
  hb_blob_destroy (st->blob);
}

/* The first font with Vietnamese letters that is installed. */
static gboolean
stamp_open_font (Stamp   *st,
                 GError **error)
{
  const char *path = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (font_paths) && path == NULL; i++)
    if (g_file_test (font_paths[i], G_FILE_TEST_IS_REGULAR))
      path = font_paths[i];
  if (path == NULL || (st->blob = hb_blob_create_from_file_or_fail (path)) == NULL)
    {
      g_set_error (error, MC_SIGN_ERROR, MC_SIGN_ERROR_FAILED,
                   _("No font with Vietnamese letters was found for the signature stamp (install %s)."),
                   "fonts-noto-core");
      return FALSE;
    }
  st->face = hb_face_create (st->blob, 0);
  st->font = hb_font_create (st->face);
  st->upem = hb_face_get_upem (st->face);
  return TRUE;
}

/* Each line shaped into glyphs; returns the widest line's width. */
static double
stamp_shape (Stamp              *st,
             const char * const *lines)
{
  double w = 0;

  for (guint i = 0; i < st->n_lines; i++)
    {
      hb_buffer_t *buf = hb_buffer_create ();
      g_autofree char *nfc = g_utf8_normalize (lines[i], -1, G_NORMALIZE_NFC);
      unsigned n = 0;
      hb_glyph_info_t *info;

      hb_buffer_add_utf8 (buf, nfc, -1, 0, -1);
      hb_buffer_guess_segment_properties (buf);
      hb_shape (st->font, buf, NULL, 0);
      info = hb_buffer_get_glyph_infos (buf, &n);
      st->ls[i].gids = g_array_new (FALSE, FALSE, sizeof (guint));
      for (unsigned k = 0; k < n; k++)
        {
          guint gid = info[k].codepoint;
          gsize from = info[k].cluster;
          gsize to = strlen (nfc);

          for (unsigned j = k + 1; j < n; j++)
            if (info[j].cluster != info[k].cluster)
              {
                to = info[j].cluster;
                break;
              }
          g_array_append_val (st->ls[i].gids, gid);
          g_hash_table_add (st->all, GUINT_TO_POINTER (gid));
          st->ls[i].width += hb_font_get_glyph_h_advance (st->font, gid) * FONT_SIZE / st->upem;
          /* The first glyph of a cluster carries its text. */
          if (gid != 0 && !g_hash_table_contains (st->used, GUINT_TO_POINTER (gid)) &&
              (k == 0 || info[k - 1].cluster != info[k].cluster))
            g_hash_table_insert (st->used, GUINT_TO_POINTER (gid), g_strndup (nfc + from, to - from));
        }
      w = MAX (w, st->ls[i].width);
      hb_buffer_destroy (buf);
    }
  return w;
}

/* The subset: only the glyphs used (and .notdef), renumbered from 0 in
 * their order; codes in the PDF are the new ids (CIDToGIDMap /Identity). */
static gboolean
stamp_subset (Stamp *st)
{
  hb_set_t *glyphs, *drop;
  GHashTableIter it;
  gpointer key;

  st->input = hb_subset_input_create_or_fail ();
  if (st->input == NULL)
    return FALSE;
  glyphs = hb_subset_input_glyph_set (st->input);
  g_hash_table_iter_init (&it, st->all);
  while (g_hash_table_iter_next (&it, &key, NULL))
    hb_set_add (glyphs, GPOINTER_TO_UINT (key));
  /* Shaping is done: the layout tables and the hinting are dead weight
   * in a PDF (most of the subset's size otherwise). */
  hb_subset_input_set_flags (st->input, HB_SUBSET_FLAGS_NO_HINTING);
  drop = hb_subset_input_set (st->input, HB_SUBSET_SETS_DROP_TABLE_TAG);
  hb_set_add (drop, HB_TAG ('G', 'S', 'U', 'B'));
  hb_set_add (drop, HB_TAG ('G', 'P', 'O', 'S'));
  hb_set_add (drop, HB_TAG ('G', 'D', 'E', 'F'));
  st->plan = hb_subset_plan_create_or_fail (st->face, st->input);
  if (st->plan == NULL || (st->subset = hb_subset_plan_execute_or_fail (st->plan)) == NULL)
    return FALSE;
  st->new_gid = hb_subset_plan_old_to_new_glyph_mapping (st->plan);
  return TRUE;
}

/* Appearance: a thin frame and the lines, in dark blue, no fill, so
 * nothing printed under it is hidden. */
static void
stamp_write_appearance (Stamp   *st,
                        GString *out,
                        GArray  *xref,
                        gsize    base,
                        guint    ap_obj,
                        guint    font_obj,
                        double   w,
                        double   h)
{
  g_autoptr(GString) content = g_string_new ("q\n0.05 0.2 0.55 RG 0.05 0.2 0.55 rg 0.8 w\n");
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (content, "0.4 0.4 %s %s re S\nBT\n/F1 %.1f Tf\n",
                          g_ascii_formatd (a, sizeof a, "%.2f", w - 0.8),
                          g_ascii_formatd (b, sizeof b, "%.2f", h - 0.8), FONT_SIZE);
  for (guint i = 0; i < st->n_lines; i++)
    {
      g_string_append_printf (content, "1 0 0 1 %s %s Tm <",
                              g_ascii_formatd (a, sizeof a, "%.2f", PAD),
                              g_ascii_formatd (b, sizeof b, "%.2f", h - PAD - FONT_SIZE * 0.8 - i * LEADING));
      for (guint k = 0; k < st->ls[i].gids->len; k++)
        g_string_append_printf (content, "%04X", hb_map_get (st->new_gid, g_array_index (st->ls[i].gids, guint, k)));
      g_string_append (content, "> Tj\n");
    }
  g_string_append (content, "ET\nQ\n");

  mc_pdf_begin_obj (out, xref, base, ap_obj);
  g_string_append_printf (out, "<< /Type /XObject /Subtype /Form /BBox [0 0 %s %s] "
                          "/Resources << /Font << /F1 %u 0 R >> >> /Length %" G_GSIZE_FORMAT " >>\nstream\n",
                          g_ascii_formatd (a, sizeof a, "%.2f", w),
                          g_ascii_formatd (b, sizeof b, "%.2f", h), font_obj, content->len);
  g_string_append_len (out, content->str, content->len);
  g_string_append (out, "\nendstream\nendobj\n");
}

/* Widths and ToUnicode of the glyphs used, in glyph order. */
static void
stamp_metrics (Stamp   *st,
               GString *widths,
               GString *cmap)
{
  g_autoptr(GList) gids = g_list_sort (g_hash_table_get_keys (st->all), compare_gid);
  guint n = 0, n_mapped = g_hash_table_size (st->used);

  g_string_append (cmap, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                   "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                   "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                   "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
  for (GList *l = gids; l; l = l->next)
    {
      guint gid = GPOINTER_TO_UINT (l->data);
      const char *text = g_hash_table_lookup (st->used, l->data);

      g_string_append_printf (widths, "%u [%d] ", hb_map_get (st->new_gid, gid),
                              (int) (hb_font_get_glyph_h_advance (st->font, gid) * 1000.0 / st->upem + 0.5));
      if (text == NULL)
        continue;
      if (n % 100 == 0)
        g_string_append_printf (cmap, "%s%u beginbfchar\n", n ? "endbfchar\n" : "",
                                MIN (100, n_mapped - n));
      g_string_append_printf (cmap, "<%04X> <", hb_map_get (st->new_gid, gid));
      append_utf16_hex (cmap, text, strlen (text));
      g_string_append (cmap, ">\n");
      n++;
    }
  if (n > 0)
    g_string_append (cmap, "endbfchar\n");
  g_string_append (cmap, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}

/* The font objects: Type0 → CIDFontType2 → descriptor → the subset's
 * file, and the ToUnicode map. */
static void
stamp_write_font (Stamp      *st,
                  GString    *out,
                  GArray     *xref,
                  gsize       base,
                  const guint objs[5])
{
  guint type0 = objs[0], cidfont = objs[1], desc = objs[2], file = objs[3], tounicode = objs[4];
  g_autoptr(GString) widths = g_string_new (NULL);
  g_autoptr(GString) cmap = g_string_new (NULL);
  g_autofree char *ps_name = NULL;
  g_autofree char *length1 = NULL;
  unsigned len = 64;
  char name[64] = "";
  hb_blob_t *sub_blob = hb_face_reference_blob (st->subset);
  unsigned sub_len = 0;
  const char *sub_data = hb_blob_get_data (sub_blob, &sub_len);
  hb_font_extents_t ext = { 0 };

  hb_font_get_h_extents (st->font, &ext);
  stamp_metrics (st, widths, cmap);
  hb_ot_name_get_utf8 (st->face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &len, name);
  for (char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      *p = '-';
  /* A subset's name carries a tag of six capitals. */
  ps_name = g_strdup_printf ("MCSTMP+%s", *name ? name : "Font");

  mc_pdf_begin_obj (out, xref, base, type0);
  g_string_append_printf (out, "<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H "
                          "/DescendantFonts [%u 0 R] /ToUnicode %u 0 R >>\nendobj\n", ps_name, cidfont, tounicode);
  mc_pdf_begin_obj (out, xref, base, cidfont);
  g_string_append_printf (out, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s "
                          "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                          "/FontDescriptor %u 0 R /CIDToGIDMap /Identity /DW 1000 /W [%s] >>\nendobj\n",
                          ps_name, desc, widths->str);
  mc_pdf_begin_obj (out, xref, base, desc);
  g_string_append_printf (out, "<< /Type /FontDescriptor /FontName /%s /Flags 4 "
                          "/FontBBox [-1000 -500 2000 1200] /ItalicAngle 0 /Ascent %d /Descent %d "
                          "/CapHeight %d /StemV 80 /FontFile2 %u 0 R >>\nendobj\n",
                          ps_name, (int) (ext.ascender * 1000.0 / st->upem),
                          (int) (ext.descender * 1000.0 / st->upem), (int) (ext.ascender * 700.0 / st->upem), file);
  mc_pdf_begin_obj (out, xref, base, file);
  length1 = g_strdup_printf ("/Length1 %u", sub_len);
  put_deflated (out, length1, sub_data, sub_len);
  hb_blob_destroy (sub_blob);
  mc_pdf_begin_obj (out, xref, base, tounicode);
  put_deflated (out, "", cmap->str, cmap->len);
}

guint
mc_pdf_stamp_write (GString             *out,
                    GArray              *xref,
                    gsize                base,
                    guint               *next_obj,
                    const char * const  *lines,
                    double              *width,
                    double              *height,
                    GError             **error)
{
  Stamp st = { 0 };
  guint objs[5], ap_obj = 0;
  double w, h;

  st.n_lines = g_strv_length ((char **) lines);
  st.ls = g_new0 (Line, st.n_lines);
  st.used = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  st.all = g_hash_table_new (NULL, NULL);
  if (!stamp_open_font (&st, error))
    {
      stamp_clear (&st);
      return 0;
    }
  w = stamp_shape (&st, lines) + 2 * PAD;
  h = st.n_lines * LEADING + 2 * PAD - (LEADING - FONT_SIZE);

  if (!stamp_subset (&st))
    {
      g_set_error_literal (error, MC_SIGN_ERROR, MC_SIGN_ERROR_FAILED,
                           _("The signature stamp could not be drawn."));
      stamp_clear (&st);
      return 0;
    }
  for (guint i = 0; i < G_N_ELEMENTS (objs); i++)
    objs[i] = (*next_obj)++;
  ap_obj = (*next_obj)++;
  stamp_write_appearance (&st, out, xref, base, ap_obj, objs[0], w, h);
  stamp_write_font (&st, out, xref, base, objs);
  *width = w;
  *height = h;
  stamp_clear (&st);
  return ap_obj;
}
