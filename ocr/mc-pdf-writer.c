/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-pdf-writer"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>
#include <lcms2.h>

#include "mc-pdf-writer.h"
#include "mc-searchable-pdf.h"

/* Why a writer of our own rather than cairo or a PDF library: the page
 * images must go in as they are (JPEG bytes untouched, G4 data untouched),
 * the text layer must be invisible text in a font that maps every code to
 * its Unicode value, and PDF/A needs XMP, an output intent and exact
 * control of every object. cairo re-encodes images unless given mime data
 * and writes 1-bit images as Flate; it has no invisible text rendering mode
 * and no PDF/A. The subset of PDF needed here is small: one image and one
 * text block per page.
 *
 * The text layer follows Tesseract's own PDF renderer (the approach
 * OCRmyPDF uses too): a Type0 font with Identity-H encoding, so each
 * character code is a 2-byte CID, which here is the character's UTF-16
 * unit; a CIDToGIDMap sending every CID to glyph 1 of a tiny glyphless
 * TrueType font; and a ToUnicode CMap mapping every code back to itself.
 * Any script, Vietnamese included, copies out exactly; the glyphs are never
 * painted (text rendering mode 3). */

#define OBJ_CATALOG   1
#define OBJ_PAGES     2
#define OBJ_METADATA  3
#define OBJ_ICC       4
#define OBJ_FONT      5
#define OBJ_CIDFONT   6
#define OBJ_FONTDESC  7
#define OBJ_FONTFILE  8
#define OBJ_TOUNICODE 9
#define OBJ_CIDTOGID  10
#define OBJ_INFO      11
#define OBJ_FIRST_PAGE 12

struct _McPdfWriter
{
  GOutputStream *out;
  goffset        offset;
  GArray        *xref;       /* goffset per object number; 0: not written */
  GArray        *pages;      /* object numbers of the pages */
  guint          next_obj;
  gboolean       pdfa;
  char          *title;
  char          *producer;
  char          *pdf_date;
  char          *xmp_date;
  guint8         id[16];
  gboolean       failed;
};

/* ---- output ---------------------------------------------------------- */

static gboolean
put (McPdfWriter  *w,
     const void   *data,
     gsize         len,
     GError      **error)
{
  gsize written = 0;

  if (w->failed)
    return FALSE;
  if (!g_output_stream_write_all (w->out, data, len, &written, NULL, error))
    {
      w->failed = TRUE;
      return FALSE;
    }
  w->offset += written;
  return TRUE;
}

static gboolean
putf (McPdfWriter  *w,
      GError      **error,
      const char   *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
putf (McPdfWriter  *w,
      GError      **error,
      const char   *format,
      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  return put (w, text, strlen (text), error);
}

/* Numbers in PDF syntax, whatever the locale's decimal separator. */
static const char *
num (char   *buf,
     double  v)
{
  g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, "%.3f", fabs (v) < 0.0005 ? 0.0 : v);
  return buf;
}

static void
begin_obj (McPdfWriter *w,
           guint        n)
{
  if (w->xref->len <= n)
    g_array_set_size (w->xref, n + 1);
  g_array_index (w->xref, goffset, n) = w->offset;
}

static GBytes *
deflate (const void *data,
         gsize       len)
{
  g_autoptr(GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  GByteArray *out = g_byte_array_new ();
  const guint8 *in = data;
  gsize in_left = len;
  guint8 buf[16384];

  for (;;)
    {
      gsize read = 0, written = 0;
      GConverterResult r;

      r = g_converter_convert (G_CONVERTER (z), in, in_left, buf, sizeof buf,
                               G_CONVERTER_INPUT_AT_END, &read, &written, NULL);
      in += read;
      in_left -= read;
      g_byte_array_append (out, buf, written);
      if (r == G_CONVERTER_FINISHED || r == G_CONVERTER_ERROR)
        break;
    }
  return g_byte_array_free_to_bytes (out);
}

/* A stream object; @dict is what goes inside << >> besides /Length. */
static gboolean
put_stream (McPdfWriter  *w,
            guint         n,
            const char   *dict,
            const void   *data,
            gsize         len,
            GError      **error)
{
  begin_obj (w, n);
  return putf (w, error, "%u 0 obj\n<< %s /Length %" G_GSIZE_FORMAT " >>\nstream\n", n, dict, len) &&
         put (w, data, len, error) &&
         putf (w, error, "\nendstream\nendobj\n");
}

static gboolean
put_deflated (McPdfWriter  *w,
              guint         n,
              const char   *dict,
              const void   *data,
              gsize         len,
              GError      **error)
{
  g_autoptr(GBytes) z = deflate (data, len);
  g_autofree char *full = g_strdup_printf ("%s%s/Filter /FlateDecode", dict, *dict ? " " : "");
  gsize zlen;
  const void *zdata = g_bytes_get_data (z, &zlen);

  return put_stream (w, n, full, zdata, zlen, error);
}

/* ---- strings ---------------------------------------------------------- */

/* A PDF text string: plain ASCII as a literal, anything else as UTF-16BE
 * with a byte order mark, in hex. */
static char *
pdf_text_string (const char *utf8)
{
  GString *s;
  gboolean ascii = TRUE;

  for (const char *p = utf8; *p; p++)
    if ((guchar) *p >= 0x80 || *p == '(' || *p == ')' || *p == '\\' || (guchar) *p < 0x20)
      ascii = FALSE;
  if (ascii)
    return g_strdup_printf ("(%s)", utf8);

  s = g_string_new ("<FEFF");
  {
    glong n = 0;
    g_autofree gunichar2 *u16 = g_utf8_to_utf16 (utf8, -1, NULL, &n, NULL);

    for (glong i = 0; u16 && i < n; i++)
      g_string_append_printf (s, "%04X", u16[i]);
  }
  g_string_append_c (s, '>');
  return g_string_free (s, FALSE);
}

/* ---- the glyphless font ----------------------------------------------- */

static void
be16 (GByteArray *a, guint v)
{
  guint8 b[2] = { v >> 8, v };

  g_byte_array_append (a, b, 2);
}

static void
be32 (GByteArray *a, guint32 v)
{
  guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };

  g_byte_array_append (a, b, 4);
}

static guint32
table_checksum (const guint8 *p,
                gsize         len)
{
  guint32 sum = 0;

  for (gsize i = 0; i < len; i += 4)
    {
      guint32 v = 0;

      for (gsize k = 0; k < 4; k++)
        v = (v << 8) | (i + k < len ? p[i + k] : 0);
      sum += v;
    }
  return sum;
}

/* Two glyphs, both without outline, both 500/1000 em wide: glyph 0 is
 * .notdef (never referenced, as PDF/A requires), glyph 1 is what every CID
 * maps to. Only the tables a PDF consumer reads from an embedded TrueType
 * program: cmap, glyf, head, hhea, hmtx, loca, maxp, post. */
GBytes *
mc_pdf_glyphless_font (void)
{
  struct { const char *tag; GByteArray *data; } tables[8];
  GByteArray *font = g_byte_array_new ();
  guint n = G_N_ELEMENTS (tables);
  gsize head_offset = 0;
  guint32 offset;
  GByteArray *t;

  /* cmap: one format 4 subtable with only the final 0xFFFF segment. */
  t = g_byte_array_new ();
  be16 (t, 0); be16 (t, 1);
  be16 (t, 3); be16 (t, 1); be32 (t, 12);
  be16 (t, 4); be16 (t, 24); be16 (t, 0);
  be16 (t, 2); be16 (t, 2); be16 (t, 0); be16 (t, 0);
  be16 (t, 0xFFFF); be16 (t, 0); be16 (t, 0xFFFF); be16 (t, 1); be16 (t, 0);
  tables[0].tag = "cmap"; tables[0].data = t;

  /* glyf: both glyphs are empty (loca entries equal). */
  t = g_byte_array_new ();
  be32 (t, 0);
  tables[1].tag = "glyf"; tables[1].data = t;

  t = g_byte_array_new ();
  be32 (t, 0x00010000); be32 (t, 0x00010000);
  be32 (t, 0);               /* checkSumAdjustment, set below */
  be32 (t, 0x5F0F3CF5);
  be16 (t, 0x000B);          /* baseline at 0, integer ppem, lsb at x=0 */
  be16 (t, 1000);            /* unitsPerEm */
  be32 (t, 0); be32 (t, 0);  /* created */
  be32 (t, 0); be32 (t, 0);  /* modified */
  be16 (t, 0); be16 (t, 0); be16 (t, 500); be16 (t, 1000);   /* bbox */
  be16 (t, 0); be16 (t, 3); be16 (t, 2);
  be16 (t, 0);               /* short loca */
  be16 (t, 0);
  tables[2].tag = "head"; tables[2].data = t;

  t = g_byte_array_new ();
  be32 (t, 0x00010000);
  be16 (t, 1000); be16 (t, 0); be16 (t, 0);   /* ascender, descender, lineGap */
  be16 (t, 500);                              /* advanceWidthMax */
  be16 (t, 0); be16 (t, 0); be16 (t, 500);    /* minLSB, minRSB, xMaxExtent */
  be16 (t, 1); be16 (t, 0); be16 (t, 0);      /* caret */
  be16 (t, 0); be16 (t, 0); be16 (t, 0); be16 (t, 0);
  be16 (t, 0);                                /* metricDataFormat */
  be16 (t, 2);                                /* numberOfHMetrics */
  tables[3].tag = "hhea"; tables[3].data = t;

  t = g_byte_array_new ();
  be16 (t, 500); be16 (t, 0);
  be16 (t, 500); be16 (t, 0);
  tables[4].tag = "hmtx"; tables[4].data = t;

  t = g_byte_array_new ();
  be16 (t, 0); be16 (t, 0); be16 (t, 0);
  be16 (t, 0);               /* padding to 4 bytes */
  tables[5].tag = "loca"; tables[5].data = t;

  t = g_byte_array_new ();
  be32 (t, 0x00010000);
  be16 (t, 2);               /* numGlyphs */
  for (int i = 0; i < 13; i++)
    be16 (t, i == 4 ? 2 : 0);   /* maxZones = 2, the rest 0 */
  tables[6].tag = "maxp"; tables[6].data = t;

  t = g_byte_array_new ();
  be32 (t, 0x00030000);
  be32 (t, 0); be16 (t, 0); be16 (t, 0);
  be32 (t, 0);               /* isFixedPitch: proportional (all widths happen to match) */
  be32 (t, 0); be32 (t, 0); be32 (t, 0); be32 (t, 0);
  tables[7].tag = "post"; tables[7].data = t;

  /* Offset table, with n = 8: searchRange 128, entrySelector 3, rangeShift 0. */
  be32 (font, 0x00010000);
  be16 (font, n); be16 (font, 128); be16 (font, 3); be16 (font, n * 16 - 128);
  offset = 12 + 16 * n;
  for (guint i = 0; i < n; i++)
    {
      GByteArray *d = tables[i].data;

      g_byte_array_append (font, (const guint8 *) tables[i].tag, 4);
      be32 (font, table_checksum (d->data, d->len));
      be32 (font, offset);
      be32 (font, d->len);
      offset += (d->len + 3) & ~3u;
    }
  for (guint i = 0; i < n; i++)
    {
      GByteArray *d = tables[i].data;
      static const guint8 zero[4] = { 0 };

      if (g_str_equal (tables[i].tag, "head"))
        head_offset = font->len;
      g_byte_array_append (font, d->data, d->len);
      g_byte_array_append (font, zero, ((d->len + 3) & ~3u) - d->len);
      g_byte_array_unref (d);
    }
  {
    guint32 adjust = 0xB1B0AFBAu - table_checksum (font->data, font->len);
    guint8 *p = font->data + head_offset + 8;

    p[0] = adjust >> 24; p[1] = adjust >> 16; p[2] = adjust >> 8; p[3] = adjust;
  }
  return g_byte_array_free_to_bytes (font);
}

static gboolean
put_font (McPdfWriter  *w,
          GError      **error)
{
  g_autoptr(GBytes) ttf = mc_pdf_glyphless_font ();
  g_autofree char *dict = NULL;
  g_autofree guint8 *map = NULL;
  GString *cmap;
  gsize len;
  const void *data = g_bytes_get_data (ttf, &len);
  gboolean ok;

  begin_obj (w, OBJ_FONT);
  if (!putf (w, error, "%u 0 obj\n<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont "
             "/Encoding /Identity-H /DescendantFonts [%u 0 R] /ToUnicode %u 0 R >>\nendobj\n",
             OBJ_FONT, OBJ_CIDFONT, OBJ_TOUNICODE))
    return FALSE;
  begin_obj (w, OBJ_CIDFONT);
  if (!putf (w, error, "%u 0 obj\n<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont "
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
             "/FontDescriptor %u 0 R /DW 500 /CIDToGIDMap %u 0 R >>\nendobj\n",
             OBJ_CIDFONT, OBJ_FONTDESC, OBJ_CIDTOGID))
    return FALSE;
  begin_obj (w, OBJ_FONTDESC);
  if (!putf (w, error, "%u 0 obj\n<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 "
             "/FontBBox [0 0 500 1000] /ItalicAngle 0 /Ascent 1000 /Descent 0 /CapHeight 1000 "
             "/StemV 80 /FontFile2 %u 0 R >>\nendobj\n", OBJ_FONTDESC, OBJ_FONTFILE))
    return FALSE;
  dict = g_strdup_printf ("/Length1 %" G_GSIZE_FORMAT, len);
  if (!put_deflated (w, OBJ_FONTFILE, dict, data, len, error))
    return FALSE;

  /* ToUnicode: every 2-byte code is its own UTF-16 unit. One bfrange per
   * high byte, as a range may not cross a change of the first byte; the
   * surrogate area is left out (non-BMP characters never reach here). */
  cmap = g_string_new ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                       "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                       "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                       "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
  {
    guint ranges[256], n = 0;

    for (guint hi = 0; hi < 256; hi++)
      if (hi < 0xD8 || hi > 0xDF)
        ranges[n++] = hi;
    for (guint i = 0; i < n; i += 100)
      {
        guint chunk = MIN (100, n - i);

        g_string_append_printf (cmap, "%u beginbfrange\n", chunk);
        for (guint k = 0; k < chunk; k++)
          g_string_append_printf (cmap, "<%02X00> <%02XFF> <%02X00>\n",
                                  ranges[i + k], ranges[i + k], ranges[i + k]);
        g_string_append (cmap, "endbfrange\n");
      }
  }
  g_string_append (cmap, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
  ok = put_deflated (w, OBJ_TOUNICODE, "", cmap->str, cmap->len, error);
  g_string_free (cmap, TRUE);
  if (!ok)
    return FALSE;

  /* CIDToGIDMap: 65536 big-endian glyph ids, all 1. */
  map = g_malloc (65536 * 2);
  for (guint i = 0; i < 65536; i++)
    {
      map[2 * i] = 0;
      map[2 * i + 1] = 1;
    }
  return put_deflated (w, OBJ_CIDTOGID, "", map, 65536 * 2, error);
}

/* ---- metadata --------------------------------------------------------- */

static gboolean
put_metadata (McPdfWriter  *w,
              GError      **error)
{
  g_autofree char *title = w->title ? g_markup_escape_text (w->title, -1) : NULL;
  g_autofree char *producer = g_markup_escape_text (w->producer, -1);
  g_autofree char *xmp = NULL;

  xmp = g_strdup_printf (
    "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
    " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
    "  <rdf:Description rdf:about=\"\"\n"
    "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
    "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
    "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"%s>\n"
    "   <dc:format>application/pdf</dc:format>\n"
    "%s%s%s"
    "   <xmp:CreateDate>%s</xmp:CreateDate>\n"
    "   <xmp:ModifyDate>%s</xmp:ModifyDate>\n"
    "   <xmp:MetadataDate>%s</xmp:MetadataDate>\n"
    "   <xmp:CreatorTool>%s</xmp:CreatorTool>\n"
    "   <pdf:Producer>%s</pdf:Producer>\n"
    "%s"
    "  </rdf:Description>\n"
    " </rdf:RDF>\n"
    "</x:xmpmeta>\n"
    "<?xpacket end=\"w\"?>",
    w->pdfa ? "\n    xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"" : "",
    title ? "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" : "",
    title ? title : "",
    title ? "</rdf:li></rdf:Alt></dc:title>\n" : "",
    w->xmp_date, w->xmp_date, w->xmp_date, producer, producer,
    w->pdfa ? "   <pdfaid:part>2</pdfaid:part>\n   <pdfaid:conformance>B</pdfaid:conformance>\n" : "");
  return put_stream (w, OBJ_METADATA, "/Type /Metadata /Subtype /XML", xmp, strlen (xmp), error);
}

/* sRGB as an ICC version 2 profile, made by Little CMS: the output intent
 * PDF/A asks for when pages use DeviceRGB or DeviceGray. */
static gboolean
put_icc (McPdfWriter  *w,
         GError      **error)
{
  cmsHPROFILE profile = cmsCreate_sRGBProfile ();
  cmsUInt32Number len = 0;
  g_autofree guint8 *icc = NULL;

  if (profile == NULL)
    goto failed;
  cmsSetProfileVersion (profile, 2.1);
  if (!cmsSaveProfileToMem (profile, NULL, &len) || len == 0)
    goto failed;
  icc = g_malloc (len);
  if (!cmsSaveProfileToMem (profile, icc, &len))
    goto failed;
  cmsCloseProfile (profile);
  return put_deflated (w, OBJ_ICC, "/N 3", icc, len, error);

failed:
  if (profile != NULL)
    cmsCloseProfile (profile);
  g_set_error_literal (error, MC_PDF_ERROR, MC_PDF_ERROR_FAILED,
                       _("The colour profile for the PDF could not be made."));
  return FALSE;
}

/* ---- the document ------------------------------------------------------ */

McPdfWriter *
mc_pdf_writer_new (GOutputStream    *out,
                   const McPdfInfo  *info,
                   GError          **error)
{
  g_autoptr(McPdfWriter) w = g_new0 (McPdfWriter, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GDateTime *when = info && info->created ? info->created : now;
  g_autofree char *tz = g_date_time_format (when, "%z");   /* +0700 */
  g_autofree char *base = g_date_time_format (when, "%Y%m%d%H%M%S");
  g_autofree char *iso = g_date_time_format (when, "%Y-%m-%dT%H:%M:%S");
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  gsize id_len = sizeof w->id;
  guint32 salt = g_random_int ();

  w->out = g_object_ref (out);
  w->xref = g_array_new (FALSE, TRUE, sizeof (goffset));
  w->pages = g_array_new (FALSE, FALSE, sizeof (guint));
  w->next_obj = OBJ_FIRST_PAGE;
  w->pdfa = info ? info->pdfa : FALSE;
  w->title = info && info->title && *info->title ? g_strdup (info->title) : NULL;
  w->producer = g_strdup (info && info->producer ? info->producer : "Một Cửa " PACKAGE_VERSION);
  w->pdf_date = g_strdup_printf ("D:%s%c%.2s'%.2s'", base, tz[0], tz + 1, tz + 3);
  w->xmp_date = g_strdup_printf ("%s%c%.2s:%.2s", iso, tz[0], tz + 1, tz + 3);

  g_checksum_update (md5, (const guchar *) w->xmp_date, -1);
  g_checksum_update (md5, (const guchar *) &salt, sizeof salt);
  if (w->title)
    g_checksum_update (md5, (const guchar *) w->title, -1);
  g_checksum_get_digest (md5, w->id, &id_len);

  /* The binary comment tells transfer programs the file is binary. */
  if (!putf (w, error, "%%PDF-1.7\n%%\xE2\xE3\xCF\xD3\n") ||
      !put_metadata (w, error) ||
      (w->pdfa && !put_icc (w, error)) ||
      !put_font (w, error))
    return NULL;
  return g_steal_pointer (&w);
}

goffset
mc_pdf_writer_get_offset (McPdfWriter *w)
{
  return w->offset;
}

static void
append_hex_utf16 (GString    *s,
                  const char *text,
                  guint      *n_units)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* Outside the BMP (no Vietnamese letter is): the replacement char. */
      if (c > 0xFFFF || (c >= 0xD800 && c <= 0xDFFF))
        c = 0xFFFD;
      g_string_append_printf (s, "%04X", c);
      (*n_units)++;
    }
}

static char *
text_layer (const McOcrWord *words,
            guint            n_words,
            double           sx,
            double           sy,
            double           height_pt)
{
  GString *s = g_string_new ("BT\n3 Tr\n");
  g_autofree double *line_height = g_new0 (double, n_words);

  /* One font size per text line, the tallest word's: a dash or a comma
   * sized on its own box would sit on a line of its own for a text
   * extractor, and selection would jump up and down along the line. */
  for (guint i = 0; i < n_words;)
    {
      guint j = i;
      double tallest = 0;

      for (; j < n_words && words[j].line == words[i].line; j++)
        tallest = MAX (tallest, words[j].height);
      for (guint k = i; k < j; k++)
        line_height[k] = tallest;
      i = j;
    }
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE];
  char d[G_ASCII_DTOSTR_BUF_SIZE], e[G_ASCII_DTOSTR_BUF_SIZE], f[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < n_words; i++)
    {
      const McOcrWord *word = &words[i];
      const McOcrWord *next = i + 1 < n_words ? &words[i + 1] : NULL;
      gboolean same_line = next != NULL && next->line == word->line && next->left > word->left;
      g_autofree char *nfc = g_utf8_normalize (word->text, -1, G_NORMALIZE_NFC);
      GString *hex = g_string_new (NULL);
      guint n_units = 0;
      double x1 = word->baseline_x1, y1 = word->baseline_y1;
      double x2 = word->baseline_x2, y2 = word->baseline_y2;
      double base_y, angle, fs, target, natural, tz;

      if (nfc == NULL || *nfc == '\0')
        {
          g_string_free (hex, TRUE);
          continue;
        }
      append_hex_utf16 (hex, nfc, &n_units);
      if (same_line)
        {
          g_string_append (hex, "0020");
          n_units++;
        }

      if (x2 - x1 > 1.0)
        {
          base_y = y1 + (word->left - x1) * (y2 - y1) / (x2 - x1);
          angle = atan2 (-(y2 - y1) * sy, (x2 - x1) * sx);
        }
      else
        {
          base_y = word->top + word->height;
          angle = 0.0;
        }
      if (fabs (angle) > 0.35)   /* a bad baseline; never tilt text by more than 20° */
        angle = 0.0;
      fs = MAX (line_height[i] * sy, 2.0);
      target = (same_line ? next->left - word->left : word->width) * sx;
      natural = n_units * 0.5 * fs;
      tz = natural > 0 ? CLAMP (100.0 * target / natural, 1.0, 10000.0) : 100.0;

      g_string_append_printf (s, "/F0 %s Tf %s Tz ", num (a, fs), num (b, tz));
      g_string_append_printf (s, "%s %s %s %s ", num (a, cos (angle)), num (b, sin (angle)),
                              num (c, -sin (angle)), num (d, cos (angle)));
      g_string_append_printf (s, "%s %s Tm <%s> Tj\n", num (e, word->left * sx),
                              num (f, height_pt - base_y * sy), hex->str);
      g_string_free (hex, TRUE);
    }
  g_string_append (s, "ET\n");
  return g_string_free (s, FALSE);
}

gboolean
mc_pdf_writer_add_page (McPdfWriter      *w,
                        const McPdfImage *image,
                        double            width_pt,
                        double            height_pt,
                        const McOcrWord  *words,
                        guint             n_words,
                        int               src_width,
                        int               src_height,
                        GError          **error)
{
  guint page = w->next_obj++, contents = w->next_obj++, xobj = w->next_obj++;
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *layer = NULL;
  g_autofree char *content = NULL;
  g_autofree char *dict = NULL;
  gsize len;
  const void *data = g_bytes_get_data (image->data, &len);

  g_array_append_val (w->pages, page);

  begin_obj (w, page);
  if (!putf (w, error, "%u 0 obj\n<< /Type /Page /Parent %u 0 R /MediaBox [0 0 %s %s] "
             "/Resources << /XObject << /Im0 %u 0 R >> /Font << /F0 %u 0 R >> >> "
             "/Contents %u 0 R >>\nendobj\n",
             page, OBJ_PAGES, num (a, width_pt), num (b, height_pt), xobj, OBJ_FONT, contents))
    return FALSE;

  layer = text_layer (words, n_words,
                      src_width > 0 ? width_pt / src_width : 1.0,
                      src_height > 0 ? height_pt / src_height : 1.0, height_pt);
  content = g_strdup_printf ("q\n%s 0 0 %s 0 0 cm\n/Im0 Do\nQ\n%s", num (a, width_pt), num (b, height_pt), layer);
  if (!put_deflated (w, contents, "", content, strlen (content), error))
    return FALSE;

  if (image->encoding == MC_PDF_IMAGE_JPEG)
    dict = g_strdup_printf ("/Type /XObject /Subtype /Image /Width %d /Height %d "
                            "/ColorSpace /%s /BitsPerComponent 8 /Filter /DCTDecode",
                            image->width, image->height,
                            image->components == 1 ? "DeviceGray" : "DeviceRGB");
  else
    dict = g_strdup_printf ("/Type /XObject /Subtype /Image /Width %d /Height %d "
                            "/ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode "
                            "/DecodeParms << /K -1 /Columns %d /Rows %d%s >>",
                            image->width, image->height, image->width, image->height,
                            image->black_is_1 ? " /BlackIs1 true" : "");
  return put_stream (w, xobj, dict, data, len, error);
}

gboolean
mc_pdf_writer_finish (McPdfWriter  *w,
                      GError      **error)
{
  g_autofree char *title = w->title ? pdf_text_string (w->title) : NULL;
  g_autofree char *producer = pdf_text_string (w->producer);
  GString *kids = g_string_new (NULL);
  goffset xref_at;
  gboolean ok;
  char id[33];

  for (guint i = 0; i < w->pages->len; i++)
    g_string_append_printf (kids, "%s%u 0 R", i ? " " : "", g_array_index (w->pages, guint, i));
  begin_obj (w, OBJ_PAGES);
  ok = putf (w, error, "%u 0 obj\n<< /Type /Pages /Kids [%s] /Count %u >>\nendobj\n",
             OBJ_PAGES, kids->str, w->pages->len);
  g_string_free (kids, TRUE);
  if (!ok)
    return FALSE;

  begin_obj (w, OBJ_CATALOG);
  if (w->pdfa)
    ok = putf (w, error, "%u 0 obj\n<< /Type /Catalog /Pages %u 0 R /Metadata %u 0 R "
               "/OutputIntents [<< /Type /OutputIntent /S /GTS_PDFA1 "
               "/OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) "
               "/DestOutputProfile %u 0 R >>] >>\nendobj\n",
               OBJ_CATALOG, OBJ_PAGES, OBJ_METADATA, OBJ_ICC);
  else
    ok = putf (w, error, "%u 0 obj\n<< /Type /Catalog /Pages %u 0 R /Metadata %u 0 R >>\nendobj\n",
               OBJ_CATALOG, OBJ_PAGES, OBJ_METADATA);
  if (!ok)
    return FALSE;

  begin_obj (w, OBJ_INFO);
  if (!putf (w, error, "%u 0 obj\n<< %s%s%s/Producer %s /Creator %s /CreationDate (%s) /ModDate (%s) >>\nendobj\n",
             OBJ_INFO, title ? "/Title " : "", title ? title : "", title ? " " : "",
             producer, producer, w->pdf_date, w->pdf_date))
    return FALSE;

  xref_at = w->offset;
  if (!putf (w, error, "xref\n0 %u\n0000000000 65535 f\r\n", w->xref->len))
    return FALSE;
  for (guint i = 1; i < w->xref->len; i++)
    {
      goffset at = g_array_index (w->xref, goffset, i);

      /* An object number never written (the ICC profile without PDF/A). */
      if (at == 0)
        ok = putf (w, error, "0000000000 65535 f\r\n");
      else
        ok = putf (w, error, "%010" G_GINT64_FORMAT " 00000 n\r\n", (gint64) at);
      if (!ok)
        return FALSE;
    }
  for (guint i = 0; i < 16; i++)
    g_snprintf (id + 2 * i, 3, "%02X", w->id[i]);
  if (!putf (w, error, "trailer\n<< /Size %u /Root %u 0 R /Info %u 0 R /ID [<%s> <%s>] >>\n"
             "startxref\n%" G_GINT64_FORMAT "\n%%%%EOF\n",
             w->xref->len, OBJ_CATALOG, OBJ_INFO, id, id, (gint64) xref_at))
    return FALSE;
  return g_output_stream_flush (w->out, NULL, error);
}

void
mc_pdf_writer_free (McPdfWriter *w)
{
  if (w == NULL)
    return;
  g_clear_object (&w->out);
  g_array_unref (w->xref);
  g_array_unref (w->pages);
  g_free (w->title);
  g_free (w->producer);
  g_free (w->pdf_date);
  g_free (w->xmp_date);
  g_free (w);
}
