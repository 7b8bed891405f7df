/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <vips/vips.h>

G_BEGIN_DECLS

#define MC_DEBLUR_ERROR (mc_deblur_error_quark ())

typedef enum {
  MC_DEBLUR_ERROR_FAILED,   /* libvips could not transform the image */
} McDeblurError;

GQuark mc_deblur_error_quark (void);

/* The straight-line smear of a hand that moved while the shutter was open. */
typedef struct {
  double length;     /* pixels along the smear; 0 when none was found */
  double angle;      /* its direction, degrees anticlockwise from the x axis, in [0, 180) */
  double strength;   /* how far the smear's cepstral dip stands out of the rest, in
                      * robust standard deviations */
  double likeliest_length;  /* the deepest dip's, even one too faint to be sure of (a
                             * smear under a lens's blur, JPEG and noise); 0 when the
                             * image is too small to tell */
  double likeliest_angle;
} McMotionBlur;

/* Looks for motion blur in @image (any size, grey or colour): a line
 * blur of length L multiplies the spectrum by a sinc whose zeros repeat
 * every 1/L along its direction, which shows as a negative peak at
 * distance L in the power cepstrum (averaged over tiles, so print and
 * pattern average out). @blur->length is 0 when no such peak stands
 * out, which is the case of scans and steady photos; the deepest dip is
 * still told, as the likeliest smear, for a caller that read nothing on
 * the image as it is. */
gboolean mc_motion_blur_measure (VipsImage     *image,
                                 McMotionBlur  *blur,
                                 GError       **error);

/* @image restored by Wiener deconvolution with the line of @blur; the
 * result has @image's size, bands and interpretation (alpha is dropped
 * onto white). */
gboolean mc_motion_blur_restore (VipsImage           *image,
                                 const McMotionBlur  *blur,
                                 VipsImage          **out,
                                 GError             **error);

/* Measures @image and, when it is blurred, restores it. *@out is a new
 * reference: the restored image, or @image itself when it is sharp.
 * @blur (may be NULL) receives what was measured. */
gboolean mc_motion_blur_sharpen (VipsImage     *image,
                                 VipsImage    **out,
                                 McMotionBlur  *blur,
                                 GError       **error);

G_END_DECLS
