/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the header of a Vietnamese administrative paper says (the layout of
 * NĐ 30/2020 Phụ lục I): the issuing body in the top-left block, "Số:
 * 123/QĐ-UBND", the place and date "…, ngày 05 tháng 3 năm 2024" and the
 * document's name in capitals under them. Read from OCR text, to pre-fill
 * the digitization record; any member may be NULL (not found). */
typedef struct {
  char *issuer;          /* "UBND PHƯỜNG BẾN NGHÉ" */
  char *number_symbol;   /* "123/QĐ-UBND" */
  char *issue_date;      /* ISO 8601 date: "2024-03-05" */
  char *title;           /* "QUYẾT ĐỊNH" */
} McDocHeader;

McDocHeader *mc_doc_header_parse (const char  *text);
void         mc_doc_header_free  (McDocHeader *header);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (McDocHeader, mc_doc_header_free)

G_END_DECLS
