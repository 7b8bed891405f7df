/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-pdf-sign"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mc-pdf-sign-private.h"

/* The PDF side of a signature, for the files our own writer makes (and
 * their incremental updates): classic xref tables, one object per
 * "N 0 obj", flat page tree. That is all this reader understands; a file
 * from elsewhere (xref streams, object streams) is refused with a clear
 * message rather than half-understood. */

typedef struct {
  const char *data;
  gsize       len;
  GHashTable *objects;     /* object number → offset, newest revision wins */
  gsize       last_xref;
  guint       size;
  guint       root;
  char       *info;        /* raw trailer values, copied into our trailer */
  char       *id;
} PdfDoc;

static void
pdf_doc_clear (PdfDoc *doc)
{
  g_clear_pointer (&doc->objects, g_hash_table_unref);
  g_clear_pointer (&doc->info, g_free);
  g_clear_pointer (&doc->id, g_free);
}

static gboolean
not_ours (GError **error)
{
  g_set_error_literal (error, MC_SIGN_ERROR, MC_SIGN_ERROR_INPUT,
                       _("This PDF was not made by Một Cửa or is damaged, so it cannot be signed here."));
  return FALSE;
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static gboolean
is_delim (char c)
{
  return is_space (c) || strchr ("()<>[]{}/%", c) != NULL;
}

static const char *
skip_space (const char *p, const char *end)
{
  while (p < end && (is_space (*p) || *p == '%'))
    {
      if (*p == '%')
        while (p < end && *p != '\n' && *p != '\r')
          p++;
      else
        p++;
    }
  return p;
}

/* The end of the PDF value starting at @p (after white space), or NULL;
 * nesting deeper than any real dictionary is refused, not recursed into. */
static const char *
skip_value_at (const char *p, const char *end, guint depth)
{
  if (depth > 64)
    return NULL;
  p = skip_space (p, end);
  if (p >= end)
    return NULL;
  if (p + 1 < end && p[0] == '<' && p[1] == '<')
    {
      p += 2;
      for (;;)
        {
          p = skip_space (p, end);
          if (p + 1 < end && p[0] == '>' && p[1] == '>')
            return p + 2;
          if ((p = skip_value_at (p, end, depth + 1)) == NULL)
            return NULL;
        }
    }
  if (*p == '[')
    {
      p++;
      for (;;)
        {
          p = skip_space (p, end);
          if (p < end && *p == ']')
            return p + 1;
          if ((p = skip_value_at (p, end, depth + 1)) == NULL)
            return NULL;
        }
    }
  if (*p == '<')
    {
      const char *close = memchr (p, '>', end - p);

      return close ? close + 1 : NULL;
    }
  if (*p == '(')
    {
      int nest = 0;

      for (; p < end; p++)
        {
          if (*p == '\\')
            p++;
          else if (*p == '(')
            nest++;
          else if (*p == ')' && --nest == 0)
            return p + 1;
        }
      return NULL;
    }
  if (*p == '/')
    {
      p++;
      while (p < end && !is_delim (*p))
        p++;
      return p;
    }
  if (*p == ']' || *p == '>' || *p == ')' || *p == '{' || *p == '}')
    return NULL;
  /* A number, a keyword, or a reference "N G R". */
  {
    const char *q = p;
    char *e1, *e2;

    while (q < end && !is_delim (*q))
      q++;
    if (g_ascii_isdigit (*p))
      {
        strtoul (p, &e1, 10);
        if (e1 == q)
          {
            const char *r = skip_space (q, end);

            if (r < end && g_ascii_isdigit (*r))
              {
                strtoul (r, &e2, 10);
                r = skip_space (e2, end);
                if (r < end && *r == 'R' && (r + 1 == end || is_delim (r[1])))
                  return r + 1;
              }
          }
      }
    return q;
  }
}

static const char *
skip_value (const char *p, const char *end)
{
  return skip_value_at (p, end, 0);
}

/* In the dictionary text @dict ("<< … >>"), the value of @key at the top
 * level: its start and end, or FALSE. */
static gboolean
dict_find (const char  *dict,
           const char  *key,
           const char **value,
           const char **value_end,
           const char **key_start)
{
  const char *end = dict + strlen (dict);
  const char *p = skip_space (dict, end);
  gsize klen = strlen (key);

  if (p + 1 >= end || p[0] != '<' || p[1] != '<')
    return FALSE;
  p += 2;
  for (;;)
    {
      const char *k, *v;

      p = skip_space (p, end);
      if (p >= end || *p != '/')
        return FALSE;
      k = p;
      p = skip_value (p, end);
      if (p == NULL)
        return FALSE;
      v = skip_space (p, end);
      p = skip_value (p, end);
      if (p == NULL)
        return FALSE;
      if ((gsize) (v - k) >= klen && strncmp (k, key, klen) == 0 && is_delim (k[klen]))
        {
          *value = v;
          *value_end = p;
          if (key_start)
            *key_start = k;
          return TRUE;
        }
    }
}

static char *
dict_get (const char *dict, const char *key)
{
  const char *v, *e;

  return dict_find (dict, key, &v, &e, NULL) ? g_strndup (v, e - v) : NULL;
}

static guint
dict_get_ref (const char *dict, const char *key)
{
  g_autofree char *v = dict_get (dict, key);

  return v ? (guint) strtoul (v, NULL, 10) : 0;
}

/* @dict without @key. */
static char *
dict_remove (const char *dict, const char *key)
{
  const char *v, *e, *k;

  if (!dict_find (dict, key, &v, &e, &k))
    return g_strdup (dict);
  return g_strdup_printf ("%.*s%s", (int) (k - dict), dict, e);
}

/* @dict with " @entry" added before its closing ">>". */
static char *
dict_add (const char *dict, const char *entry)
{
  const char *close = g_strrstr (dict, ">>");

  return g_strdup_printf ("%.*s%s >>", (int) (close - dict), dict, entry);
}

/* ---- reading -------------------------------------------------------- */

static gboolean
read_xref (PdfDoc      *doc,
           gsize        at,
           gboolean     newest,
           gsize       *prev,
           GError     **error)
{
  const char *end = doc->data + doc->len;
  const char *p = doc->data + at;
  const char *trailer;
  const char *dict_end;
  g_autofree char *dict = NULL;
  g_autofree char *prev_text = NULL;

  if (at + 4 > doc->len || strncmp (p, "xref", 4) != 0)
    return not_ours (error);
  p = skip_space (p + 4, end);
  while (p < end && g_ascii_isdigit (*p))
    {
      char *e;
      guint first = strtoul (p, &e, 10);
      guint count = strtoul (e, &e, 10);

      p = skip_space (e, end);
      if ((gsize) (end - p) < (gsize) count * 20)
        return not_ours (error);
      for (guint i = 0; i < count; i++, p += 20)
        {
          guint n = first + i;

          if (p[17] == 'n' && !g_hash_table_contains (doc->objects, GUINT_TO_POINTER (n)))
            g_hash_table_insert (doc->objects, GUINT_TO_POINTER (n),
                                 GSIZE_TO_POINTER ((gsize) g_ascii_strtoull (p, NULL, 10)));
        }
      p = skip_space (p, end);
    }
  if ((gsize) (end - p) < 7 || strncmp (p, "trailer", 7) != 0)
    return not_ours (error);
  trailer = skip_space (p + 7, end);
  dict_end = skip_value (trailer, end);
  if (dict_end == NULL)
    return not_ours (error);
  dict = g_strndup (trailer, dict_end - trailer);
  if (newest)
    {
      doc->size = dict_get_ref (dict, "/Size");
      doc->root = dict_get_ref (dict, "/Root");
      doc->info = dict_get (dict, "/Info");
      doc->id = dict_get (dict, "/ID");
      if (doc->size == 0 || doc->root == 0 || doc->id == NULL)
        return not_ours (error);
    }
  prev_text = dict_get (dict, "/Prev");
  *prev = prev_text ? g_ascii_strtoull (prev_text, NULL, 10) : 0;
  return TRUE;
}

static gboolean
pdf_doc_open (PdfDoc      *doc,
              GBytes      *bytes,
              GError     **error)
{
  gsize tail;
  const char *sx = NULL;
  gsize at, prev = 0;
  guint rounds = 0;

  doc->data = g_bytes_get_data (bytes, &doc->len);
  doc->objects = g_hash_table_new (NULL, NULL);
  if (doc->len < 32 || strncmp (doc->data, "%PDF-", 5) != 0)
    return not_ours (error);
  tail = MIN (doc->len, 1024);
  for (const char *p = doc->data + doc->len - tail; p + 9 <= doc->data + doc->len; p++)
    if (memcmp (p, "startxref", 9) == 0)
      sx = p;
  if (sx == NULL)
    return not_ours (error);
  at = g_ascii_strtoull (sx + 9, NULL, 10);
  doc->last_xref = at;
  if (!read_xref (doc, at, TRUE, &prev, error))
    return FALSE;
  while (prev != 0)
    {
      if (++rounds > 1000 || prev >= doc->len)
        return not_ours (error);
      if (!read_xref (doc, prev, FALSE, &prev, error))
        return FALSE;
    }
  return TRUE;
}

/* The dictionary of object @n, as text. */
static char *
pdf_doc_dict (PdfDoc  *doc,
              guint    n,
              GError **error)
{
  gsize at = GPOINTER_TO_SIZE (g_hash_table_lookup (doc->objects, GUINT_TO_POINTER (n)));
  const char *end = doc->data + doc->len;
  g_autofree char *head = g_strdup_printf ("%u 0 obj", n);
  const char *p, *e;

  if (at == 0 || at + strlen (head) >= doc->len || strncmp (doc->data + at, head, strlen (head)) != 0)
    {
      not_ours (error);
      return NULL;
    }
  p = skip_space (doc->data + at + strlen (head), end);
  e = skip_value (p, end);
  if (e == NULL || p[0] != '<' || p[1] != '<')
    {
      not_ours (error);
      return NULL;
    }
  return g_strndup (p, e - p);
}

/* The items of an array value (inline "[…]" or a reference to one),
 * without the brackets. */
static char *
array_items (PdfDoc     *doc,
             const char *value)
{
  const char *start;

  if (value == NULL)
    return g_strdup ("");
  start = strchr (value, '[');
  if (start == NULL)
    {
      /* An indirect array: our files never write one; read it anyway. */
      guint n = strtoul (value, NULL, 10);
      gsize at = GPOINTER_TO_SIZE (g_hash_table_lookup (doc->objects, GUINT_TO_POINTER (n)));
      const char *p, *e;

      if (at == 0)
        return g_strdup ("");
      p = memchr (doc->data + at, '[', MIN (64, doc->len - at));
      e = p ? skip_value (p, doc->data + doc->len) : NULL;
      return p && e ? g_strndup (p + 1, e - p - 2) : g_strdup ("");
    }
  return g_strndup (start + 1, strlen (start + 1) - 1);
}

/* ---- writing -------------------------------------------------------- */

void
mc_pdf_begin_obj (GString *out,
                  GArray  *xref,
                  gsize    base,
                  guint    n)
{
  McPdfXrefEntry e = { n, base + out->len };

  g_array_append_val (xref, e);
  g_string_append_printf (out, "%u 0 obj\n", n);
}

static int
by_obj (gconstpointer a, gconstpointer b)
{
  return (int) ((const McPdfXrefEntry *) a)->obj - (int) ((const McPdfXrefEntry *) b)->obj;
}

char *
mc_pdf_date (GDateTime *when)
{
  g_autofree char *tz = g_date_time_format (when, "%z");
  g_autofree char *base = g_date_time_format (when, "%Y%m%d%H%M%S");

  return g_strdup_printf ("D:%s%c%.2s'%.2s'", base, tz[0], tz + 1, tz + 3);
}

GDateTime *
mc_pdf_date_parse (const char *text)
{
  int y, mo, d, h = 0, mi = 0, s = 0, th = 0, tm = 0;
  char sign = 'Z';
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *id = NULL;

  if (text == NULL || strncmp (text, "D:", 2) != 0 ||
      sscanf (text + 2, "%4d%2d%2d%2d%2d%2d%c%2d'%2d", &y, &mo, &d, &h, &mi, &s, &sign, &th, &tm) < 3)
    return NULL;
  if (sign == '+' || sign == '-')
    id = g_strdup_printf ("%c%02d:%02d", sign, th, tm);
  tz = id ? g_time_zone_new_identifier (id) : g_time_zone_new_utc ();
  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  return g_date_time_new (tz, y, mo, d, h, mi, s);
}

static char *
text_string (const char *utf8)
{
  GString *s = g_string_new ("<FEFF");
  glong n = 0;
  g_autofree gunichar2 *u16 = g_utf8_to_utf16 (utf8, -1, NULL, &n, NULL);

  for (glong i = 0; u16 && i < n; i++)
    g_string_append_printf (s, "%04X", u16[i]);
  g_string_append_c (s, '>');
  return g_string_free (s, FALSE);
}

#define BYTE_RANGE_PLACEHOLDER "/ByteRange [0 0000000000 0000000000 0000000000]"

/* The page's height from its /MediaBox; A4 when it has none. */
static double
page_height (const char *page)
{
  g_autofree char *media = dict_get (page, "/MediaBox");
  double box[4];
  char *p;
  int i;

  if (media == NULL)
    return 842;
  p = strchr (media, '[');
  for (i = 0; p != NULL && i < 4; i++)
    {
      char *end;

      box[i] = g_ascii_strtod (p + 1, &end);
      if (end == p + 1)
        break;
      p = end;
    }
  return i == 4 && box[3] - box[1] > 0 ? box[3] - box[1] : 842;
}

/* The fields and annotations already there (an earlier signature), as
 * lists of references. */
static gboolean
existing_fields (PdfDoc      *doc,
                 const char  *catalog,
                 const char  *page,
                 char       **fields,
                 char       **annots,
                 GError     **error)
{
  g_autofree char *acroform = dict_get (catalog, "/AcroForm");
  g_autofree char *form_dict = NULL;
  g_autofree char *a = NULL;

  if (acroform != NULL && acroform[0] == '<')
    form_dict = g_strdup (acroform);
  else if (acroform != NULL && (form_dict = pdf_doc_dict (doc, strtoul (acroform, NULL, 10), error)) == NULL)
    return FALSE;
  if (form_dict != NULL)
    {
      g_autofree char *f = dict_get (form_dict, "/Fields");

      *fields = array_items (doc, f);
    }
  else
    *fields = g_strdup ("");
  a = dict_get (page, "/Annots");
  *annots = array_items (doc, a);
  return TRUE;
}

/* The signature dictionary, with room for the CMS in /Contents and for
 * the byte range; returns where the byte range's placeholder is in @out. */
static gsize
put_sig_dict (GString        *out,
              GArray         *xref,
              gsize           base,
              guint           sig_obj,
              const char     *signer,
              GDateTime      *when,
              McPdfSigUpdate *update)
{
  g_autofree char *date = mc_pdf_date (when);
  g_autofree char *name = text_string (signer);
  gsize placeholder;
  gsize room = update->cms_room > 0 ? update->cms_room : MC_PDF_SIG_MAX_CMS;

  mc_pdf_begin_obj (out, xref, base, sig_obj);
  g_string_append (out, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached\n");
  placeholder = out->len;
  g_string_append (out, BYTE_RANGE_PLACEHOLDER "\n/Contents ");
  update->contents_at = base + out->len;
  update->contents_len = 2 * room + 2;
  g_string_append_c (out, '<');
  for (gsize i = 0; i < 2 * room; i++)
    g_string_append_c (out, '0');
  g_string_append_printf (out, ">\n/M (%s) /Name %s >>\nendobj\n", date, name);
  return placeholder;
}

/* Object @obj again: @dict with @key replaced by @entry. */
static void
put_updated_dict (GString    *out,
                  GArray     *xref,
                  gsize       base,
                  guint       obj,
                  const char *dict,
                  const char *key,
                  const char *entry)
{
  g_autofree char *without = dict_remove (dict, key);
  g_autofree char *updated = dict_add (without, entry);

  mc_pdf_begin_obj (out, xref, base, obj);
  g_string_append_printf (out, "%s\nendobj\n", updated);
}

/* One subsection per object: simple, and valid. */
static void
put_xref_trailer (GString      *out,
                  GArray       *xref,
                  gsize         base,
                  const PdfDoc *doc,
                  guint         size)
{
  gsize xref_at;

  g_array_sort (xref, by_obj);
  xref_at = base + out->len;
  g_string_append (out, "xref\n0 1\n0000000000 65535 f\r\n");
  for (guint i = 0; i < xref->len; i++)
    {
      const McPdfXrefEntry *e = &g_array_index (xref, McPdfXrefEntry, i);

      g_string_append_printf (out, "%u 1\n%010" G_GSIZE_FORMAT " 00000 n\r\n", e->obj, e->offset);
    }
  g_string_append_printf (out, "trailer\n<< /Size %u /Root %u 0 R%s%s /ID %s /Prev %" G_GSIZE_FORMAT " >>\n"
                          "startxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n",
                          size, doc->root, doc->info ? " /Info " : "", doc->info ? doc->info : "",
                          doc->id, doc->last_xref, xref_at);
}

/* Now that the length is known: the byte range around /Contents. */
static void
fill_byte_range (GString              *out,
                 gsize                 placeholder,
                 gsize                 total,
                 const McPdfSigUpdate *update)
{
  gsize after = update->contents_at + update->contents_len;
  g_autofree char *range = g_strdup_printf ("/ByteRange [0 %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT "]",
                                            update->contents_at, after, total - after);
  gsize room = strlen (BYTE_RANGE_PLACEHOLDER);

  g_assert (strlen (range) <= room);
  memset (out->str + placeholder, ' ', room);
  memcpy (out->str + placeholder, range, strlen (range));
}

gboolean
mc_pdf_sig_prepare (GBytes          *original,
                    const char      *signer,
                    GDateTime       *when,
                    McPdfSigUpdate  *update,
                    GError         **error)
{
  PdfDoc doc = { 0 };
  g_autofree char *catalog = NULL;
  g_autofree char *pages = NULL;
  g_autofree char *page = NULL;
  g_autofree char *kids = NULL;
  g_autofree char *fields = NULL;
  g_autofree char *annots = NULL;
  g_autofree char *stamp_time = g_date_time_format (when, "%d/%m/%Y %H:%M:%S %:z");
  g_autofree char *signer_line = NULL;
  g_autofree char *entry = NULL;
  g_autoptr(GArray) xref = g_array_new (FALSE, FALSE, sizeof (McPdfXrefEntry));
  GString *out = NULL;
  guint page_obj, sig_obj, widget_obj, form_obj, ap_obj, next;
  double ph, sw = 0, sh = 0;
  gsize base, placeholder;
  guint n_sigs = 0;
  gboolean ok = FALSE;

  if (!pdf_doc_open (&doc, original, error))
    goto out;
  if ((catalog = pdf_doc_dict (&doc, doc.root, error)) == NULL ||
      (pages = pdf_doc_dict (&doc, dict_get_ref (catalog, "/Pages"), error)) == NULL)
    goto out;
  kids = dict_get (pages, "/Kids");
  page_obj = kids ? strtoul (kids + 1 + strspn (kids + 1, " \r\n"), NULL, 10) : 0;
  if (page_obj == 0 || (page = pdf_doc_dict (&doc, page_obj, error)) == NULL)
    {
      if (error && *error == NULL)
        not_ours (error);
      goto out;
    }
  ph = page_height (page);
  if (!existing_fields (&doc, catalog, page, &fields, &annots, error))
    goto out;
  for (const char *p = fields; (p = strchr (p, 'R')) != NULL; p++)
    n_sigs++;

  out = g_string_new (NULL);
  base = doc.len;
  if (doc.data[doc.len - 1] != '\n')
    g_string_append_c (out, '\n');
  next = doc.size;
  sig_obj = next++;
  widget_obj = next++;
  form_obj = next++;

  /* The stamp: "Đã số hóa", the signer, the time. It is part of the
   * document, in the language of the rules (TT 01/2023/TT-VPCP), not in
   * the clerk's interface language. */
  signer_line = g_strdup_printf ("Người ký: %s", signer);
  {
    const char *lines[] = { "Đã số hóa", signer_line, stamp_time, NULL };

    ap_obj = mc_pdf_stamp_write (out, xref, base, &next, lines, &sw, &sh, error);
    if (ap_obj == 0)
      goto out;
  }

  placeholder = put_sig_dict (out, xref, base, sig_obj, signer, when, update);
  {
    char r[4][G_ASCII_DTOSTR_BUF_SIZE];
    double margin = 20;
    /* A later signature's stamp goes below the earlier ones. */
    double top = ph - margin - n_sigs * (sh + 4);

    mc_pdf_begin_obj (out, xref, base, widget_obj);
    g_string_append_printf (out, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature%u) /V %u 0 R "
                            "/P %u 0 R /Rect [%s %s %s %s] /F 132 /AP << /N %u 0 R >> >>\nendobj\n",
                            n_sigs + 1, sig_obj, page_obj,
                            g_ascii_formatd (r[0], sizeof r[0], "%.2f", margin),
                            g_ascii_formatd (r[1], sizeof r[1], "%.2f", top - sh),
                            g_ascii_formatd (r[2], sizeof r[2], "%.2f", margin + sw),
                            g_ascii_formatd (r[3], sizeof r[3], "%.2f", top),
                            ap_obj);
  }
  mc_pdf_begin_obj (out, xref, base, form_obj);
  g_string_append_printf (out, "<< /Fields [%s%s%u 0 R] /SigFlags 3 >>\nendobj\n",
                          fields, *fields ? " " : "", widget_obj);
  entry = g_strdup_printf (" /Annots [%s%s%u 0 R]", annots, *annots ? " " : "", widget_obj);
  put_updated_dict (out, xref, base, page_obj, page, "/Annots", entry);
  g_free (entry);
  entry = g_strdup_printf (" /AcroForm %u 0 R", form_obj);
  put_updated_dict (out, xref, base, doc.root, catalog, "/AcroForm", entry);

  put_xref_trailer (out, xref, base, &doc, next);
  fill_byte_range (out, placeholder, doc.len + out->len, update);

  update->file = g_byte_array_sized_new (doc.len + out->len);
  g_byte_array_append (update->file, (const guint8 *) doc.data, doc.len);
  g_byte_array_append (update->file, (const guint8 *) out->str, out->len);
  ok = TRUE;

out:
  if (out != NULL)
    g_string_free (out, TRUE);
  pdf_doc_clear (&doc);
  return ok;
}
