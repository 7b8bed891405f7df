/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mc-procedure-catalog.h"

G_BEGIN_DECLS

/* Guides for citizens, as data: short steps in Vietnamese and English,
 * each with an optional illustration. The built-in guides live in
 * resources/guides/; a ward can replace or add guides, and add its own
 * illustrations, in $XDG_CONFIG_HOME/motcua/guides/ without rebuilding.
 *
 * Two kinds of file:
 *   - one guide:  {"format": 1, "id": "pay-fees", "pictogram": "pay",
 *                  "title", "title_en", "summary", "summary_en",
 *                  "steps": [{"text", "text_en", "detail"?, "detail_en"?,
 *                             "illustration"?}]}
 *   - procedures.json: per catalog procedure a pictogram, a summary, own
 *     steps and what happens after filing; the papers to bring come from
 *     the procedure catalog, worded with the file's "bring" templates.
 *
 * Every file is checked when it is read; a bad file of the ward's is left
 * out, the built-in one is kept, and the problem is listed for the clerk. */

typedef enum {
  MC_GUIDE_KIND_GENERAL,
  MC_GUIDE_KIND_PROCEDURE,
} McGuideKind;

typedef struct {
  char *text;
  char *text_en;
  char *detail;         /* a second, smaller line; NULL: none */
  char *detail_en;
  char *illustration;   /* a file name such as "vneid-phone.svg"; NULL: none */
} McGuideStep;

typedef struct {
  char        *id;              /* "pay-fees"; procedures: "procedure:1.001193" */
  McGuideKind  kind;
  char        *procedure_code;  /* procedure guides only */
  char        *pictogram;       /* "birth": resources/pictograms/birth.svg */
  char        *title;
  char        *title_en;
  char        *summary;
  char        *summary_en;
  GPtrArray   *steps;           /* McGuideStep */
  GPtrArray   *after;           /* McGuideStep: what happens after filing */
  char        *origin;          /* the file it came from */
} McGuide;

#define MC_GUIDE_PROCEDURE_PREFIX "procedure:"

const char *mc_guide_step_get_text   (const McGuideStep *step);
const char *mc_guide_step_get_detail (const McGuideStep *step);
const char *mc_guide_get_title       (const McGuide     *guide);
const char *mc_guide_get_summary     (const McGuide     *guide);

#define MC_TYPE_GUIDE_BOOK (mc_guide_book_get_type ())
G_DECLARE_FINAL_TYPE (McGuideBook, mc_guide_book, MC, GUIDE_BOOK, GObject)

McGuideBook    *mc_guide_book_load               (McProcedureCatalog *catalog,
                                                  GFile              *override_dir);
McGuideBook    *mc_guide_book_get_shared         (McProcedureCatalog *catalog);
McGuideBook    *mc_guide_book_reload_shared      (McProcedureCatalog *catalog);
GFile          *mc_guide_book_get_override_dir   (void);

guint           mc_guide_book_get_n_guides       (McGuideBook *self);
const McGuide  *mc_guide_book_get_guide          (McGuideBook *self,
                                                  guint        index);
const McGuide  *mc_guide_book_lookup             (McGuideBook *self,
                                                  const char  *id);
const McGuide  *mc_guide_book_lookup_procedure   (McGuideBook *self,
                                                  const char  *code);
/* What was wrong with the files read, one message each, for the clerk. */
GPtrArray      *mc_guide_book_get_problems       (McGuideBook *self);

/* Where an illustration or pictogram is read from: the ward's folder
 * first, then the built-in ones. NULL when there is none of that name. */
GFile          *mc_guide_book_find_illustration  (McGuideBook *self,
                                                  const char  *name);
GFile          *mc_guide_find_pictogram          (const char  *name);

G_END_DECLS
