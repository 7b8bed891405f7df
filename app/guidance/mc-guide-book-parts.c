/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-guide-book"

#include "config.h"

#include "mc-core.h"
#include "mc-guide-book-private.h"

/* ---- The parts -------------------------------------------------------------- */

void
mc_guide_step_free (McGuideStep *step)
{
  g_free (step->text);
  g_free (step->text_en);
  g_free (step->detail);
  g_free (step->detail_en);
  g_free (step->illustration);
  g_free (step);
}

McGuideStep *
mc_guide_step_copy (const McGuideStep *step)
{
  McGuideStep *copy = g_new0 (McGuideStep, 1);

  copy->text = g_strdup (step->text);
  copy->text_en = g_strdup (step->text_en);
  copy->detail = g_strdup (step->detail);
  copy->detail_en = g_strdup (step->detail_en);
  copy->illustration = g_strdup (step->illustration);
  return copy;
}

void
mc_guide_free (McGuide *guide)
{
  g_free (guide->id);
  g_free (guide->procedure_code);
  g_free (guide->pictogram);
  g_free (guide->title);
  g_free (guide->title_en);
  g_free (guide->summary);
  g_free (guide->summary_en);
  g_clear_pointer (&guide->steps, g_ptr_array_unref);
  g_clear_pointer (&guide->after, g_ptr_array_unref);
  g_free (guide->origin);
  g_free (guide);
}

GPtrArray *
mc_guide_steps_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) mc_guide_step_free);
}

const char *
mc_guide_step_get_text (const McGuideStep *step)
{
  return mc_catalog_text (step->text, step->text_en);
}

const char *
mc_guide_step_get_detail (const McGuideStep *step)
{
  return step->detail ? mc_catalog_text (step->detail, step->detail_en) : NULL;
}

const char *
mc_guide_get_title (const McGuide *guide)
{
  return mc_catalog_text (guide->title, guide->title_en);
}

const char *
mc_guide_get_summary (const McGuide *guide)
{
  return mc_catalog_text (guide->summary, guide->summary_en);
}
