/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Text that hides or reorders what it shows, as a QR code, OCR, typing or
 * an old visit.json may bring it, and the check that none of it was kept. */

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* "NGUYỄN VĂN AB" with a right-to-left override at the start, the ễ as e +
 * two combining marks, and in between: pop directional formatting,
 * right-to-left mark, left-to-right isolate, pop directional isolate,
 * byte order mark, Arabic letter mark, zero width space, a tag character
 * and a bell. */
#define MC_TEST_HIDDEN_NAME "\u202ENGUYE\u0302\u0303N\u202C V\u0102N\u200F A\u2066B\u2069\uFEFF\u061C\u200B\U000E0041\x07"
#define MC_TEST_HIDDEN_NAME_CLEAN "NGUYỄN VĂN AB"
/* An address over several lines, one of them ended by a C1 next line. */
#define MC_TEST_HIDDEN_ADDRESS "Thôn 1\nXã 2\xc2\x85Huyện 3\u2028Tỉnh\x1b[31m 4"
#define MC_TEST_HIDDEN_ADDRESS_CLEAN "Thôn 1 Xã 2 Huyện 3 Tỉnh[31m 4"

/* Whether @text holds a control or format character. */
gboolean mc_test_text_has_hidden (const char *text);

/* Whether any string in @node, member names included, holds one. */
gboolean mc_test_json_has_hidden (JsonNode *node);

/* The same for a JSON file on disk, which must parse. */
gboolean mc_test_json_file_has_hidden (const char *path);

G_END_DECLS
