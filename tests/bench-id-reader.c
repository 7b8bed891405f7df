/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "mc-core.h"
#include "mc-id-reader.h"
#include "mc-test-id-cards.h"
#include "mc-vips.h"

/* Benchmark of the ID card reader on generated cards, beside a naive
 * baseline: plain `tesseract IMAGE - -l vie` on every image (the whole
 * glass scan) and regular expressions over its text. Prints a table;
 * never fails on a figure.
 *
 *   bench-id-reader [--no-baseline] TRUTH.json…   (default: $MOTCUA_ID_CARDS)
 *   bench-id-reader --degraded [N] [TRUTH.json…]
 *
 * --degraded lays the first N glass cards (default 8) out the way the
 * generator never does (a pale card on a light-grey lid, turned 90° or
 * 180°, 150 dpi, a crop of the QR alone, a strip of the MRZ alone) and
 * reports per category, worst first. These are the same cards composited
 * differently: a check that the reader does not hang on one stage, not a
 * second generator.
 *
 * The reader runs with one Tesseract engine in this one thread, so its
 * times are seconds on one core, counted as the CPU time this process
 * spends (all its threads: libvips has workers of its own), not by the
 * wall clock, which on a shared machine measures the others' load too.
 * The first card is read once before the clock starts, so model loading
 * is not counted (it is paid once per program run). The baseline's times
 * are the tesseract processes' CPU time and include loading the model,
 * as a script calling tesseract per image pays it. */

static const char *fields[] = {
  "id_number", "old_id_number", "full_name", "date_of_birth", "sex", "nationality",
  "place_of_origin", "place_of_birth", "place_of_residence", "date_of_issue", "date_of_expiry",
};
static const char *key_fields[] = {
  "id_number", "full_name", "date_of_birth", "sex", "date_of_expiry",
};
/* What the baseline attempts: the key fields and the nationality. */
static const char *baseline_fields[] = {
  "id_number", "full_name", "date_of_birth", "sex", "nationality", "date_of_expiry",
};

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  double pos;
  guint lo;

  if (values->len == 0)
    return NAN;
  g_array_sort (values, compare_double);
  pos = p * (values->len - 1);
  lo = (guint) floor (pos);
  if (lo + 1 >= values->len)
    return g_array_index (values, double, values->len - 1);
  return g_array_index (values, double, lo) +
         (pos - lo) * (g_array_index (values, double, lo + 1) - g_array_index (values, double, lo));
}

static gboolean
expected_no_expiry (JsonObject *card)
{
  return json_object_get_boolean_member (card, "no_expiry");
}

static gboolean
reader_right (McIdentity *id,
              JsonObject *card,
              const char *name)
{
  McIdField field = mc_id_field_from_string (name);
  const McIdentityField *f = mc_identity_get_field (id, field);

  if (field == MC_ID_FIELD_DATE_OF_EXPIRY && expected_no_expiry (card))
    return f->value == NULL && (f->flags & MC_ID_FIELD_FLAG_NO_EXPIRY);
  return g_strcmp0 (f->value, mc_test_id_card_field (card, name)) == 0;
}

/* CPU seconds used so far by this process, or by its finished children. */
static double
cpu_seconds (gboolean children)
{
  struct rusage ru;
  struct timespec ts;

  if (children)
    {
      getrusage (RUSAGE_CHILDREN, &ru);
      return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    }
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ baseline */

static char *
run_tesseract (const char *image,
               double     *seconds)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *argv[] = { "tesseract", image, "stdout", "-l", "vie", NULL };
  double start = cpu_seconds (TRUE);
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, &error))
    {
      g_printerr ("bench-id-reader: tesseract: %s\n", error->message);
      return g_strdup ("");
    }
  *seconds += cpu_seconds (TRUE) - start;
  return g_steal_pointer (&out);
}

static char *
first_group (const char *pattern,
             const char *text)
{
  g_autoptr(GRegex) re = g_regex_new (pattern, G_REGEX_CASELESS | G_REGEX_MULTILINE | G_REGEX_OPTIMIZE, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;

  if (re == NULL || !g_regex_match (re, text, 0, &m))
    return NULL;
  return g_match_info_fetch (m, 1);
}

static char *
dmy_to_iso (char *dmy)
{
  g_autofree char *owned = dmy;
  int d, m, y;

  if (owned == NULL || sscanf (owned, "%d/%d/%d", &d, &m, &y) != 3)
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}

/* The naive reading: the fields by regular expressions over the text. */
static void
baseline_extract (const char *raw,
                  GHashTable *out)
{
  g_autofree char *text = g_utf8_normalize (raw, -1, G_NORMALIZE_NFC);
  char *v;

  if (text == NULL)
    return;
  if ((v = first_group ("(?<!\\d)(\\d{12})(?!\\d)", text)))
    g_hash_table_insert (out, g_strdup ("id_number"), v);
  if ((v = first_group ("(?:Họ và tên|khai sinh|Full name)[^\\n]*\\n+\\s*([^\\n]+)", text)))
    {
      g_autofree char *tidy = g_strstrip (g_utf8_strup (v, -1));

      g_free (v);
      g_hash_table_insert (out, g_strdup ("full_name"), g_strdup (tidy));
    }
  v = first_group ("(?:Ngày sinh|năm sinh|Date of birth)[^\\d\\n]{0,40}(\\d{2}/\\d{2}/\\d{4})", text);
  if (v == NULL)
    v = first_group ("(\\d{2}/\\d{2}/\\d{4})", text);
  if ((v = dmy_to_iso (v)))
    g_hash_table_insert (out, g_strdup ("date_of_birth"), v);
  if ((v = first_group ("(?:Giới tính|Sex)[^\\n]*?\\b(Nam|Nữ)\\b", text)))
    {
      g_hash_table_insert (out, g_strdup ("sex"), g_strdup (g_str_equal (v, "Nam") || g_str_equal (v, "NAM") ? "Nam" : "Nữ"));
      g_free (v);
    }
  if ((v = first_group ("(?:Quốc tịch|Nationality)[^\\n]*?(Việt Nam)", text)))
    g_hash_table_insert (out, g_strdup ("nationality"), v);
  if ((v = first_group ("(?:Có giá trị đến|hết hạn|Date of expiry)[\\s\\S]{0,60}?(\\d{2}/\\d{2}/\\d{4}|Không thời hạn)", text)))
    {
      if (g_str_has_prefix (v, "Không"))
        {
          g_hash_table_insert (out, g_strdup ("date_of_expiry"), g_strdup ("none"));
          g_free (v);
        }
      else if ((v = dmy_to_iso (v)))
        g_hash_table_insert (out, g_strdup ("date_of_expiry"), v);
    }
}

static gboolean
baseline_right (GHashTable *got,
                JsonObject *card,
                const char *name)
{
  const char *value = g_hash_table_lookup (got, name);

  if (g_str_equal (name, "date_of_expiry") && expected_no_expiry (card))
    return g_strcmp0 (value, "none") == 0;
  return g_strcmp0 (value, mc_test_id_card_field (card, name)) == 0;
}

/* ---------------------------------------------------------------- main */

static GPtrArray *
load_images (JsonObject *card)
{
  JsonArray *files = json_object_get_array_member (card, "images");
  GPtrArray *images = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      VipsImage *image = vips_image_new_from_file (json_array_get_string_element (files, i),
                                                   "access", VIPS_ACCESS_RANDOM, NULL);

      if (image == NULL)
        {
          g_printerr ("bench-id-reader: cannot open %s\n", json_array_get_string_element (files, i));
          exit (1);
        }
      g_ptr_array_add (images, image);
    }
  return images;
}

/* ------------------------------------------------------------ degraded */

typedef enum {
  DEG_PALE_LID,
  DEG_TURNED_90,
  DEG_TURNED_180,
  DEG_150_DPI,
  DEG_QR_ONLY,
  DEG_MRZ_ONLY,
  N_DEG
} Degradation;

static const char *deg_names[N_DEG] = {
  "pale card, light-grey lid, 300 dpi",
  "glass scan turned 90°",
  "glass scan turned 180°",
  "glass scan at 150 dpi",
  "crop of the QR alone (CCCD 2021 front)",
  "strip of the MRZ alone (back)",
};

/* Which fields the category can give: all key fields, or what the QR or
 * the MRZ alone holds. */
static const char *deg_fields[N_DEG][5] = {
  { "id_number", "full_name", "date_of_birth", "sex", "date_of_expiry" },
  { "id_number", "full_name", "date_of_birth", "sex", "date_of_expiry" },
  { "id_number", "full_name", "date_of_birth", "sex", "date_of_expiry" },
  { "id_number", "full_name", "date_of_birth", "sex", "date_of_expiry" },
  { "id_number", "full_name", "date_of_birth", "sex", NULL },
  { "id_number", "date_of_birth", "sex", "date_of_expiry", NULL },
};

static VipsImage *
set_dpi (VipsImage *in,
         double     dpi)
{
  VipsImage *out = NULL;

  if (vips_copy (in, &out, "xres", dpi / 25.4, "yres", dpi / 25.4,
                 "interpretation", VIPS_INTERPRETATION_sRGB, NULL) != 0)
    exit (1);
  return out;
}

static VipsImage *
degrade (JsonObject  *card,
         Degradation  d)
{
  const char *type = json_object_get_string_member (card, "card_type");
  g_autoptr(GPtrArray) images = load_images (card);
  VipsImage *glass = g_ptr_array_index (images, 0);
  g_autoptr(VipsImage) a = NULL;

  switch (d)
    {
    case DEG_PALE_LID:
      {
        g_autoptr(VipsImage) front = mc_test_id_card_cut_side (card, "front");
        g_autoptr(VipsImage) back = mc_test_id_card_cut_side (card, "back");
        g_autoptr(VipsImage) black = NULL;
        g_autoptr(VipsImage) lid = NULL;
        g_autoptr(VipsImage) one = NULL;
        g_autoptr(VipsImage) two = NULL;
        g_autoptr(VipsImage) noise = NULL;
        g_autoptr(VipsImage) noisy = NULL;

        if (vips_black (&black, 2300, 1700, "bands", 3, NULL) != 0 ||
            vips_linear1 (black, &lid, 1.0, 238.0, "uchar", TRUE, NULL) != 0 ||
            vips_insert (lid, front, &one, 100, 150, NULL) != 0 ||
            vips_insert (one, back, &two, 1180, 900, NULL) != 0 ||
            vips_gaussnoise (&noise, 2300, 1700, "sigma", 2.0, "seed", 1, NULL) != 0 ||
            vips_add (two, noise, &noisy, NULL) != 0 ||
            vips_linear1 (noisy, &a, 0.55, 112.0, "uchar", TRUE, NULL) != 0)
          exit (1);
        return set_dpi (a, 300);
      }
    case DEG_TURNED_90:
    case DEG_TURNED_180:
      if (vips_rot (glass, &a, d == DEG_TURNED_90 ? VIPS_ANGLE_D90 : VIPS_ANGLE_D180, NULL) != 0)
        exit (1);
      return set_dpi (a, 300);
    case DEG_150_DPI:
      if (vips_resize (glass, &a, 0.5, NULL) != 0)
        exit (1);
      return set_dpi (a, 150);
    case DEG_QR_ONLY:
      {
        g_autoptr(VipsImage) front = NULL;

        if (!g_str_equal (type, "cccd2021"))
          return NULL;
        front = mc_test_id_card_cut_side (card, "front");
        if (vips_extract_area (front, &a, 700, 0, 312, 330, NULL) != 0)
          exit (1);
        return set_dpi (a, 300);
      }
    case DEG_MRZ_ONLY:
      {
        g_autoptr(VipsImage) back = mc_test_id_card_cut_side (card, "back");

        if (vips_extract_area (back, &a, 0, 440, 1012, 198, NULL) != 0)
          exit (1);
        return set_dpi (a, 300);
      }
    case N_DEG:
    default:
      break;
    }
  return NULL;
}

typedef struct {
  Degradation d;
  guint       n, no_card, number, all, wrong_sure;
  double      median;
} DegRow;

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const DegRow *p = a, *q = b;
  double x = p->n ? (double) p->all / p->n : 1, y = q->n ? (double) q->all / q->n : 1;

  return x < y ? -1 : x > y;
}

static int
run_degraded (McIdReader *reader,
              GPtrArray  *cards,
              guint       per_category)
{
  DegRow rows[N_DEG] = { { 0 } };

  for (Degradation d = 0; d < N_DEG; d++)
    {
      g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

      rows[d].d = d;
      for (guint c = 0; c < cards->len && rows[d].n < per_category; c++)
        {
          JsonObject *card = g_ptr_array_index (cards, c);
          g_autoptr(VipsImage) image = NULL;
          g_autoptr(GPtrArray) images = g_ptr_array_new ();
          g_autoptr(McIdResult) result = NULL;
          g_autoptr(GError) error = NULL;
          double start, seconds;
          gboolean all = TRUE;

          if (!g_str_equal (json_object_get_string_member (card, "presentation"), "glass") ||
              !g_str_equal (json_object_get_string_member (card, "qr_damage"), "none") ||
              json_object_get_boolean_member (card, "mrz_smudge"))
            continue;
          if (!(image = degrade (card, d)))
            continue;
          rows[d].n++;
          g_ptr_array_add (images, image);
          start = cpu_seconds (FALSE);
          result = mc_id_reader_read (reader, images, NULL, &error);
          seconds = cpu_seconds (FALSE) - start;
          g_array_append_val (times, seconds);
          if (result == NULL)
            {
              rows[d].no_card++;
              g_printerr ("%s, %s: %s\n", json_object_get_string_member (card, "name"), deg_names[d], error->message);
              continue;
            }
          rows[d].number += reader_right (result->identity, card, "id_number");
          for (guint k = 0; k < 5 && deg_fields[d][k] != NULL; k++)
            if (!reader_right (result->identity, card, deg_fields[d][k]))
              {
                const McIdentityField *f = mc_identity_get_field (result->identity,
                                                                  mc_id_field_from_string (deg_fields[d][k]));

                all = FALSE;
                if (f->value != NULL && !(f->flags & (MC_ID_FIELD_FLAG_UNSURE | MC_ID_FIELD_FLAG_CONFLICT)))
                  rows[d].wrong_sure++;
              }
          rows[d].all += all;
        }
      rows[d].median = percentile (times, 0.5);
    }

  qsort (rows, N_DEG, sizeof rows[0], compare_rows);
  g_print ("ID card reader on generated cards laid out differently (first %u clean glass cards per category)\n\n",
           per_category);
  g_print ("| category | cards | no card / unreadable | number right | all its fields right | wrong, not marked | s per card, median |\n");
  g_print ("|---|---|---|---|---|---|---|\n");
  for (guint i = 0; i < N_DEG; i++)
    g_print ("| %s | %u | %u | %u | %u | %u | %.2f |\n", deg_names[rows[i].d], rows[i].n, rows[i].no_card,
             rows[i].number, rows[i].all, rows[i].wrong_sure, rows[i].median);
  return 0;
}

/* What the reader and the baseline got right, over all cards. */
typedef struct {
  GArray *times;
  GArray *times_glass300;
  GArray *decode_glass300;   /* of which decoding the image files */
  GArray *base_times;
  guint   right[G_N_ELEMENTS (fields)];
  guint   base_right[G_N_ELEMENTS (baseline_fields)];
  guint   n, all_key, base_all_key, machine_readable, number_mr;
  guint   wrong_sure, any_wrong_sure, review, errors;
} Tally;

static gboolean
is_unsure (const McIdentityField *field)
{
  return (field->flags & (MC_ID_FIELD_FLAG_UNSURE | MC_ID_FIELD_FLAG_CONFLICT)) != 0;
}

/* The reader's result on @card: every field, the key fields, and what a
 * clerk would see. */
static void
score_reader (Tally      *t,
              JsonObject *card,
              McIdResult *result)
{
  gboolean keys = TRUE;

  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    {
      const McIdentityField *field = mc_identity_get_field (result->identity, mc_id_field_from_string (fields[f]));

      if (reader_right (result->identity, card, fields[f]))
        {
          t->right[f]++;
          continue;
        }
      if (field->value != NULL && !is_unsure (field))
        {
          t->any_wrong_sure++;
          g_printerr ("%s: %s wrong, not marked (%s, %.2f)\n", json_object_get_string_member (card, "name"),
                      fields[f], mc_id_source_to_string (field->source), field->confidence);
        }
    }
  for (guint k = 0; k < G_N_ELEMENTS (key_fields); k++)
    if (!reader_right (result->identity, card, key_fields[k]))
      {
        const McIdentityField *f = mc_identity_get_field (result->identity, mc_id_field_from_string (key_fields[k]));

        keys = FALSE;
        if (f->value != NULL && !is_unsure (f))
          t->wrong_sure++;
        /* Synthetic cards: which field, from where, how sure. */
        g_printerr ("%s: %s wrong (%s, %.2f%s)\n", json_object_get_string_member (card, "name"),
                    key_fields[k], mc_id_source_to_string (f->source), f->confidence,
                    is_unsure (f) ? ", marked" : "");
      }
  t->all_key += keys;
  t->review += mc_identity_needs_review (result->identity);
  if (mc_identity_get_source_status (result->identity, MC_ID_SOURCE_QR) == MC_ID_SOURCE_STATUS_VALID ||
      mc_identity_get_source_status (result->identity, MC_ID_SOURCE_MRZ) == MC_ID_SOURCE_STATUS_VALID)
    {
      t->machine_readable++;
      t->number_mr += reader_right (result->identity, card, "id_number");
    }
}

/* The baseline on @card: tesseract on each image, patterns over the text. */
static void
score_baseline (Tally      *t,
                JsonObject *card)
{
  JsonArray *files = json_object_get_array_member (card, "images");
  g_autoptr(GHashTable) got = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GString) text = g_string_new (NULL);
  double base_seconds = 0;
  gboolean base_keys = TRUE;

  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      g_autofree char *out = run_tesseract (json_array_get_string_element (files, i), &base_seconds);

      g_string_append (text, out);
      g_string_append_c (text, '\n');
    }
  g_array_append_val (t->base_times, base_seconds);
  baseline_extract (text->str, got);
  for (guint f = 0; f < G_N_ELEMENTS (baseline_fields); f++)
    t->base_right[f] += baseline_right (got, card, baseline_fields[f]);
  for (guint k = 0; k < G_N_ELEMENTS (key_fields); k++)
    base_keys = base_keys && baseline_right (got, card, key_fields[k]);
  t->base_all_key += base_keys;
}

/* The CPU time decoding @card's image files (PNG, JPEG) takes, which the
 * reader's time includes (images are decoded as it first reads them) and
 * the program does not pay: it gets the scanner's frames raw. */
static double
decode_seconds (JsonObject *card)
{
  JsonArray *files = json_object_get_array_member (card, "images");
  double start = cpu_seconds (FALSE);

  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      /* Not as the reader's images are opened: libvips' cache would hand
       * back the image the reader decoded. */
      g_autoptr(VipsImage) image = vips_image_new_from_file (json_array_get_string_element (files, i),
                                                             "access", VIPS_ACCESS_SEQUENTIAL, NULL);
      g_autoptr(VipsImage) decoded = image != NULL ? vips_image_copy_memory (image) : NULL;

      if (decoded == NULL)
        {
          g_printerr ("bench-id-reader: cannot decode %s: %s\n", json_array_get_string_element (files, i),
                      vips_error_buffer ());
          vips_error_clear ();
        }
    }
  return cpu_seconds (FALSE) - start;
}

/* Reads @card, timed, and scores it. */
static void
read_card (Tally      *t,
           McIdReader *reader,
           JsonObject *card,
           gboolean    baseline)
{
  g_autoptr(GPtrArray) images = load_images (card);
  g_autoptr(GError) error = NULL;
  g_autoptr(McIdResult) result = NULL;
  double start = cpu_seconds (FALSE);
  double seconds;

  t->n++;
  result = mc_id_reader_read (reader, images, NULL, &error);
  seconds = cpu_seconds (FALSE) - start;
  g_array_append_val (t->times, seconds);
  if (g_str_equal (json_object_get_string_member (card, "presentation"), "glass") &&
      json_object_get_int_member (card, "dpi") == 300)
    {
      g_array_append_val (t->times_glass300, seconds);
      seconds = decode_seconds (card);
      g_array_append_val (t->decode_glass300, seconds);
    }

  if (result == NULL)
    {
      t->errors++;
      g_printerr ("%s: %s\n", json_object_get_string_member (card, "name"), error->message);
      return;
    }
  score_reader (t, card, result);
  if (baseline)
    score_baseline (t, card);
}

static void
print_table (const Tally *t,
             gboolean     baseline)
{
  guint n = t->n;
  g_autofree char *base_keys = NULL;
  g_autofree char *base_time = NULL;

  g_print ("ID card reader on %u generated cards (%s)\n\n", n, g_getenv ("MOTCUA_ID_CARDS"));
  g_print ("| field | reader | baseline |\n|---|---|---|\n");
  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    {
      g_autofree char *base = g_strdup ("—");

      for (guint b = 0; baseline && b < G_N_ELEMENTS (baseline_fields); b++)
        if (g_str_equal (baseline_fields[b], fields[f]))
          {
            g_free (base);
            base = g_strdup_printf ("%.1f %%", 100.0 * t->base_right[b] / n);
          }
      g_print ("| %s | %.1f %% | %s |\n", fields[f], 100.0 * t->right[f] / n, base);
    }
  base_keys = baseline ? g_strdup_printf ("%.1f %% (%u/%u)", 100.0 * t->base_all_key / n,
                                          t->base_all_key, n) : g_strdup ("—");
  base_time = baseline ? g_strdup_printf ("%.2f (%.2f)", percentile (t->base_times, 0.5),
                                          percentile (t->base_times, 0.95)) : g_strdup ("—");

  g_print ("| **all key fields right** (number, name, birth, sex, expiry) | **%.1f %%** (%u/%u) | %s |\n",
           100.0 * t->all_key / n, t->all_key, n, base_keys);
  g_print ("| number right where QR or MRZ read | %.1f %% (%u/%u) | — |\n",
           t->machine_readable ? 100.0 * t->number_mr / t->machine_readable : 0, t->number_mr,
           t->machine_readable);
  g_print ("| key field wrong but not marked | %u | — |\n", t->wrong_sure);
  g_print ("| any field wrong but not marked | %u | — |\n", t->any_wrong_sure);
  g_print ("| cards the clerk must review (a mark or warning) | %.1f %% | — |\n", 100.0 * t->review / n);
  g_print ("| no card found / unreadable | %u | — |\n", t->errors);
  g_print ("| CPU seconds per card, median (p95), one core | %.2f (%.2f) | %s |\n",
           percentile (t->times, 0.5), percentile (t->times, 0.95), base_time);
  g_print ("| …two-sided glass scans at 300 dpi, median (p95) | %.2f (%.2f) over %u | — |\n",
           percentile (t->times_glass300, 0.5), percentile (t->times_glass300, 0.95), t->times_glass300->len);
  g_print ("| …of which decoding the image files (the program gets raw frames), median | %.2f | — |\n",
           percentile (t->decode_glass300, 0.5));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) cards = NULL;
  g_autoptr(McOcrPool) pool = NULL;
  g_autoptr(McIdReader) reader = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) times_glass300 = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) decode_glass300 = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) base_times = g_array_new (FALSE, FALSE, sizeof (double));
  Tally tally = { .times = times, .times_glass300 = times_glass300, .decode_glass300 = decode_glass300,
                  .base_times = base_times };
  gboolean baseline = TRUE;
  guint degraded = 0;
  GDate today;

  mc_core_limit_omp_threads (argv);
  setlocale (LC_ALL, "");
  mc_core_init ();

  if (argc > 1 && g_str_equal (argv[1], "--degraded"))
    {
      degraded = 8;
      argv++;
      argc--;
      if (argc > 1 && g_ascii_isdigit (argv[1][0]))
        {
          degraded = (guint) g_ascii_strtoull (argv[1], NULL, 10);
          argv++;
          argc--;
        }
    }
  if (argc > 1 && g_str_equal (argv[1], "--no-baseline"))
    {
      baseline = FALSE;
      argv++;
      argc--;
    }
  if (argc > 1)
    {
      g_autofree char *list = g_strjoinv (":", argv + 1);

      g_setenv ("MOTCUA_ID_CARDS", list, TRUE);
    }
  cards = mc_test_id_cards_load ();

  pool = mc_ocr_pool_new (1);
  reader = mc_id_reader_new (pool);
  g_date_clear (&today, 1);
  g_date_set_parse (&today, "2025-06-01");
  mc_id_reader_set_today (reader, &today);

  /* Load the models before the clock starts. */
  {
    g_autoptr(GPtrArray) images = load_images (g_ptr_array_index (cards, 0));
    g_autoptr(McIdResult) warm = mc_id_reader_read (reader, images, NULL, NULL);
  }

  if (degraded > 0)
    return run_degraded (reader, cards, degraded);

  for (guint c = 0; c < cards->len; c++)
    read_card (&tally, reader, g_ptr_array_index (cards, c), baseline);
  print_table (&tally, baseline);
  return 0;
}
