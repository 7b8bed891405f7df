/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Motion blur: found by its cepstrum, undone by a Wiener filter.
 *
 * A phone that moved while its shutter was open smears the card along a
 * line. Such a smear multiplies the image's spectrum by a sinc whose
 * zeros repeat every 1/L cycles per pixel along the motion, so the log
 * power spectrum ripples with that period and its inverse transform (the
 * power cepstrum) dips at distance L in the motion's direction. Print,
 * guilloche and photo average out over many tiles; what stays is the
 * smear, which is the same everywhere on a card. Scans and steady photos
 * show no such dip.
 *
 * The restoration is a Wiener filter with that line: G·H̄ / (|H|² + K),
 * on each band, the image padded by mirroring so its borders do not ring.
 */
#include "config.h"

#include "mc-deblur.h"
#include "mc-vips.h"

#include <glib/gi18n.h>
#include <fftw3.h>
#include <math.h>

#define TILE          256      /* cepstrum tiles, pixels */
#define HALF          (TILE * (TILE / 2 + 1))   /* a tile's half-plane transform */
#define MIN_LENGTH    3.5      /* shorter smears the OCR reads through */
#define MAX_LENGTH    80.0     /* within a tile's reach */
#define MIN_STRENGTH  12.0     /* robust deviations a smear's dip stands out by */
#define NOISE_RATIO   0.01     /* Wiener K: noise to signal power */

G_DEFINE_QUARK (mc-deblur-error-quark, mc_deblur_error)

static gboolean
vips_failed (GError **error)
{
  g_debug ("libvips: %s", vips_error_buffer ());
  vips_error_clear ();
  g_set_error_literal (error, MC_DEBLUR_ERROR, MC_DEBLUR_ERROR_FAILED,
                       _("The blurred card could not be sharpened."));
  return FALSE;
}

/* @image as 8-bit grey in memory, row by row. */
static guchar *
grey_pixels (VipsImage  *image,
             int        *w,
             int        *h,
             GError    **error)
{
  g_autoptr(VipsImage) grey = NULL;
  size_t size = 0;
  guchar *pixels;

  if (mc_vips_grey8 (image, &grey) != 0 ||
      !(pixels = vips_image_write_to_memory (grey, &size)))
    {
      vips_failed (error);
      return NULL;
    }
  *w = grey->Xsize;
  *h = grey->Ysize;
  return pixels;
}

/* FFTW's own plans, estimated rather than measured (libvips measures,
 * which takes longer than the transforms of a card). Planning is not
 * thread-safe; cleanup and OCR run on several workers. Arrays come from
 * g_new: a plan made for them copes with their alignment. */
G_LOCK_DEFINE_STATIC (planner);

/* The half-plane transform of @w × @h doubles: @h × (@w / 2 + 1). */
static fftw_complex *
forward (double *data,
         int     w,
         int     h)
{
  fftw_complex *out = g_new (fftw_complex, (gsize) h * (w / 2 + 1));
  fftw_plan plan;

  G_LOCK (planner);
  plan = fftw_plan_dft_r2c_2d (h, w, data, out, FFTW_ESTIMATE);
  G_UNLOCK (planner);
  fftw_execute (plan);
  G_LOCK (planner);
  fftw_destroy_plan (plan);
  G_UNLOCK (planner);
  return out;
}

/* The real inverse of a half-plane transform, unnormalised (it destroys
 * @spectrum). */
static double *
inverse (fftw_complex *spectrum,
         int           w,
         int           h)
{
  double *out = g_new (double, (gsize) w * h);
  fftw_plan plan;

  G_LOCK (planner);
  plan = fftw_plan_dft_c2r_2d (h, w, spectrum, out, FFTW_ESTIMATE);
  G_UNLOCK (planner);
  fftw_execute (plan);
  G_LOCK (planner);
  fftw_destroy_plan (plan);
  G_UNLOCK (planner);
  return out;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

gboolean
mc_motion_blur_measure (VipsImage     *image,
                        McMotionBlur  *blur,
                        GError       **error)
{
  g_autofree guchar *pixels = NULL;
  g_autofree double *power = g_new0 (double, HALF);
  g_autofree double *tile = g_new (double, TILE * TILE);
  g_autofree double *window = g_new (double, TILE);
  g_autofree double *cepstrum = NULL;
  g_autoptr(GArray) ring = g_array_new (FALSE, FALSE, sizeof (double));
  int w, h, n_tiles = 0, best_x = 0, best_y = 0;
  double strength = 0;

  memset (blur, 0, sizeof *blur);
  if (!(pixels = grey_pixels (image, &w, &h, error)))
    return FALSE;
  if (w < TILE || h < TILE)
    return TRUE;

  for (int i = 0; i < TILE; i++)
    window[i] = 0.5 - 0.5 * cos (2 * G_PI * (i + 0.5) / TILE);

  /* The power spectrum averaged over half-overlapping tiles, each less
   * its mean and windowed so its edges make no spectrum of their own. */
  for (int y0 = 0; y0 + TILE <= h; y0 += TILE / 2)
    for (int x0 = 0; x0 + TILE <= w; x0 += TILE / 2)
      {
        g_autofree fftw_complex *spectrum = NULL;
        double mean = 0;

        for (int y = 0; y < TILE; y++)
          for (int x = 0; x < TILE; x++)
            mean += pixels[(gsize) (y0 + y) * w + x0 + x];
        mean /= TILE * TILE;
        for (int y = 0; y < TILE; y++)
          for (int x = 0; x < TILE; x++)
            tile[y * TILE + x] = (pixels[(gsize) (y0 + y) * w + x0 + x] - mean) * window[x] * window[y];
        spectrum = forward (tile, TILE, TILE);
        for (int i = 0; i < HALF; i++)
          power[i] += spectrum[i][0] * spectrum[i][0] + spectrum[i][1] * spectrum[i][1];
        n_tiles++;
      }

  /* Its log back to space: the power cepstrum. */
  {
    g_autofree fftw_complex *log_power = g_new0 (fftw_complex, HALF);
    double total = 0;

    for (int i = 0; i < HALF; i++)
      total += power[i];
    for (int i = 0; i < HALF; i++)
      log_power[i][0] = log (power[i] + 1e-9 * total / HALF + 1e-12);
    cepstrum = inverse (log_power, TILE, TILE);
  }

  /* The dip that stands out most from the ring of its own radius (the
   * spectrum's smooth fall makes the cepstrum's near rings deep all
   * round; a smear's dip is deep in one direction only). The cepstrum is
   * symmetric: half a plane will do. */
  for (int radius = (int) ceil (MIN_LENGTH); radius <= (int) MAX_LENGTH; radius++)
    {
      double median, mad;
      int dip_x = 0, dip_y = 0;
      double dip = G_MAXDOUBLE;

      g_array_set_size (ring, 0);
      for (int dy = 0; dy <= radius; dy++)
        for (int dx = -radius; dx <= radius; dx++)
          {
            double c;

            if ((int) lround (hypot (dx, dy)) != radius || (dy == 0 && dx < 0))
              continue;
            c = cepstrum[dy * TILE + (dx + TILE) % TILE];
            g_array_append_val (ring, c);
            if (c < dip)
              {
                dip = c;
                dip_x = dx;
                dip_y = dy;
              }
          }
      g_array_sort (ring, compare_doubles);
      median = g_array_index (ring, double, ring->len / 2);
      for (guint i = 0; i < ring->len; i++)
        g_array_index (ring, double, i) = fabs (g_array_index (ring, double, i) - median);
      g_array_sort (ring, compare_doubles);
      mad = 1.4826 * g_array_index (ring, double, ring->len / 2);
      if (mad > 0 && (median - dip) / mad > strength)
        {
          strength = (median - dip) / mad;
          best_x = dip_x;
          best_y = dip_y;
        }
    }

  blur->strength = strength;
  g_debug ("motion blur: %d tiles, dip at (%d, %d) %.1f deviations deep", n_tiles, best_x, best_y,
           blur->strength);
  if (strength <= 0)
    return TRUE;
  blur->likeliest_length = hypot (best_x, best_y);
  /* Image rows run down: the smear's angle anticlockwise is -atan2 (dy, dx). */
  blur->likeliest_angle = fmod (-atan2 (best_y, best_x) * 180 / G_PI + 360.0, 180.0);
  if (blur->strength < MIN_STRENGTH)
    return TRUE;
  blur->length = blur->likeliest_length;
  blur->angle = blur->likeliest_angle;
  return TRUE;
}

/* The line @blur, @w × @h, centred on the origin with wrap-around. */
static double *
line_spread (const McMotionBlur *blur,
             int                 w,
             int                 h)
{
  double *psf = g_new0 (double, (gsize) w * h);
  double c = cos (blur->angle * G_PI / 180), s = -sin (blur->angle * G_PI / 180);
  int n = (int) ceil (blur->length * 4) + 1;
  double total = 0;

  for (int i = 0; i < n; i++)
    {
      double t = (n > 1 ? (double) i / (n - 1) - 0.5 : 0) * blur->length;
      double x = t * c, y = t * s;
      int x0 = (int) floor (x), y0 = (int) floor (y);
      double fx = x - x0, fy = y - y0;

      for (int k = 0; k < 4; k++)
        {
          int xi = x0 + (k & 1), yi = y0 + (k >> 1);
          double wgt = ((k & 1) ? fx : 1 - fx) * ((k >> 1) ? fy : 1 - fy);

          psf[(gsize) ((yi % h + h) % h) * w + (xi % w + w) % w] += wgt;
          total += wgt;
        }
    }
  for (gsize i = 0; i < (gsize) w * h; i++)
    psf[i] /= total;
  return psf;
}

/* The smallest size at least @n whose only factors are 2, 3 and 5,
 * which FFTW transforms fastest. */
static int
smooth_size (int n)
{
  for (;; n++)
    {
      int m = n;

      while (m % 2 == 0)
        m /= 2;
      while (m % 3 == 0)
        m /= 3;
      while (m % 5 == 0)
        m /= 5;
      if (m == 1)
        return n;
    }
}

gboolean
mc_motion_blur_restore (VipsImage           *image,
                        const McMotionBlur  *blur,
                        VipsImage          **out,
                        GError             **error)
{
  g_autoptr(VipsImage) flat = NULL;
  g_autoptr(VipsImage) padded = NULL;
  g_autoptr(VipsImage) as_double = NULL;
  g_autoptr(VipsImage) restored = NULL;
  g_autoptr(VipsImage) cropped = NULL;
  g_autoptr(VipsImage) eight = NULL;
  g_autofree double *data = NULL;
  g_autofree double *psf = NULL;
  g_autofree double *result = NULL;
  g_autofree fftw_complex *kernel = NULL;
  size_t size = 0;
  int margin, w, h, bands;
  gsize n, half;

  g_return_val_if_fail (blur->length > 0, FALSE);

  /* Mirrored borders: the transform sees a picture that wraps around
   * without a step, so the filter does not ring along its edges. */
  margin = (int) ceil (blur->length) + 16;
  if (mc_vips_flatten_white (image, &flat) != 0)
    return vips_failed (error);
  w = smooth_size (flat->Xsize + 2 * margin);
  h = smooth_size (flat->Ysize + 2 * margin);
  if (vips_embed (flat, &padded, margin, margin, w, h, "extend", VIPS_EXTEND_MIRROR, NULL) != 0 ||
      vips_cast (padded, &as_double, VIPS_FORMAT_DOUBLE, NULL) != 0 ||
      !(data = vips_image_write_to_memory (as_double, &size)))
    return vips_failed (error);
  bands = as_double->Bands;
  n = (gsize) w * h;
  half = (gsize) h * (w / 2 + 1);

  psf = line_spread (blur, w, h);
  kernel = forward (psf, w, h);
  result = g_new (double, n * bands);
  for (int b = 0; b < bands; b++)
    {
      g_autofree double *band = g_new (double, n);
      g_autofree fftw_complex *spectrum = NULL;
      g_autofree double *sharp = NULL;

      for (gsize i = 0; i < n; i++)
        band[i] = data[i * bands + b];
      spectrum = forward (band, w, h);
      for (gsize i = 0; i < half; i++)
        {
          double hr = kernel[i][0], hi = kernel[i][1];
          double gr = spectrum[i][0], gi = spectrum[i][1];
          double denominator = (hr * hr + hi * hi + NOISE_RATIO) * n;

          /* G · conj (H) / (|H|² + K), and FFTW's 1 / n */
          spectrum[i][0] = (gr * hr + gi * hi) / denominator;
          spectrum[i][1] = (gi * hr - gr * hi) / denominator;
        }
      sharp = inverse (spectrum, w, h);
      for (gsize i = 0; i < n; i++)
        result[i * bands + b] = sharp[i];
    }

  restored = vips_image_new_from_memory_copy (result, sizeof (double) * n * bands, w, h, bands,
                                              VIPS_FORMAT_DOUBLE);
  if (restored == NULL ||
      vips_extract_area (restored, &cropped, margin, margin, flat->Xsize, flat->Ysize, NULL) != 0 ||
      vips_cast_uchar (cropped, &eight, NULL) != 0 ||
      vips_copy (eight, out, "interpretation", flat->Type, NULL) != 0)
    return vips_failed (error);
  return TRUE;
}

gboolean
mc_motion_blur_sharpen (VipsImage     *image,
                        VipsImage    **out,
                        McMotionBlur  *blur,
                        GError       **error)
{
  McMotionBlur measured;

  if (!mc_motion_blur_measure (image, &measured, error))
    return FALSE;
  if (blur != NULL)
    *blur = measured;
  if (measured.length <= 0)
    {
      *out = g_object_ref (image);
      return TRUE;
    }
  g_debug ("motion blur: %.1f px at %.0f°, restoring", measured.length, measured.angle);
  return mc_motion_blur_restore (image, &measured, out, error);
}
