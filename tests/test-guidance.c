/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <zbar.h>

#include "mc-citizen-screen.h"
#include "mc-core.h"
#include "mc-error.h"
#include "mc-guide-book.h"
#include "mc-qr.h"
#include "mc-self-service-session.h"
#include "mc-speaker.h"
#include "mc-test-util.h"
#include "mc-vips.h"

/* Guides as data, the citizen screen's model, self-service folders,
 * QR codes (read back with zbar) and read-aloud through a real
 * Speech Dispatcher daemon. */

static char *tmp_root;
static McProcedureCatalog *procedures;   /* the built-in catalog, made in main() */

static const char * const required_general[] = { "portal-sign-in", "follow-filing", "pay-fees" };

/* ---- Guides ---------------------------------------------------------------- */

static McGuideBook *
builtin_book (void)
{
  return mc_guide_book_load (procedures, NULL);
}

static void
assert_bilingual (const char *vi,
                  const char *en,
                  const char *what)
{
  if (vi == NULL || *vi == '\0' || en == NULL || *en == '\0')
    g_error ("%s lacks a text in %s", what, (vi == NULL || *vi == '\0') ? "Vietnamese" : "English");
  /* A copy of the Vietnamese is no English. */
  g_assert_cmpstr (vi, !=, en);
}

static void
assert_step_ok (McGuideBook       *book,
                const McGuide     *guide,
                const McGuideStep *step)
{
  assert_bilingual (step->text, step->text_en, guide->id);
  if (step->detail != NULL || step->detail_en != NULL)
    {
      g_assert_nonnull (step->detail);
      g_assert_nonnull (step->detail_en);
    }
  if (step->illustration != NULL)
    {
      g_autoptr(GFile) file = mc_guide_book_find_illustration (book, step->illustration);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;

      if (file == NULL)
        g_error ("guide %s names the illustration %s, which does not exist", guide->id, step->illustration);
      bytes = g_file_load_bytes (file, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (g_strstr_len (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "<svg"));
    }
}

static void
test_builtin_valid (void)
{
  g_autoptr(McGuideBook) book = builtin_book ();
  McProcedureCatalog *catalog = procedures;
  GPtrArray *problems = mc_guide_book_get_problems (book);

  for (guint i = 0; i < problems->len; i++)
    g_test_message ("problem: %s", (char *) g_ptr_array_index (problems, i));
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpuint (mc_guide_book_get_n_guides (book), ==,
                    G_N_ELEMENTS (required_general) + mc_procedure_catalog_get_n_procedures (catalog));

  /* The general guides come first, in the order a clerk needs them. */
  for (guint i = 0; i < G_N_ELEMENTS (required_general); i++)
    {
      const McGuide *guide = mc_guide_book_get_guide (book, i);

      g_assert_cmpstr (guide->id, ==, required_general[i]);
      g_assert_cmpint (guide->kind, ==, MC_GUIDE_KIND_GENERAL);
      g_assert_cmpuint (guide->steps->len, >=, 3);
    }
}

/* Every guide, general or for a procedure, has both languages in every
 * text, and every illustration and pictogram it names exists. */
static void
test_every_guide_complete (void)
{
  g_autoptr(McGuideBook) book = builtin_book ();

  for (guint i = 0; i < mc_guide_book_get_n_guides (book); i++)
    {
      const McGuide *guide = mc_guide_book_get_guide (book, i);
      g_autoptr(GFile) pictogram = mc_guide_find_pictogram (guide->pictogram);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      guint illustrated = 0;

      assert_bilingual (guide->title, guide->title_en, guide->id);
      assert_bilingual (guide->summary, guide->summary_en, guide->id);
      g_assert_nonnull (pictogram);
      bytes = g_file_load_bytes (pictogram, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (guide->steps->len, >, 0);
      for (guint s = 0; s < guide->steps->len; s++)
        {
          const McGuideStep *step = g_ptr_array_index (guide->steps, s);

          assert_step_ok (book, guide, step);
          illustrated += step->illustration != NULL;
        }
      for (guint s = 0; s < guide->after->len; s++)
        {
          const McGuideStep *step = g_ptr_array_index (guide->after, s);

          assert_step_ok (book, guide, step);
          illustrated += step->illustration != NULL;
        }
      /* “Each guide is short steps with an illustration.” */
      if (illustrated == 0)
        g_error ("guide %s has no illustration", guide->id);
    }
}

/* Every catalog procedure has content of its own (not the fallback), in
 * both languages, and lists each of its papers. */
static void
test_every_procedure_has_guide (void)
{
  g_autoptr(McGuideBook) book = builtin_book ();
  McProcedureCatalog *catalog = procedures;
  g_autoptr(GHashTable) summaries = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < mc_procedure_catalog_get_n_procedures (catalog); i++)
    {
      const McProcedure *p = mc_procedure_catalog_get_procedure (catalog, i);
      const McGuide *guide = mc_guide_book_lookup_procedure (book, p->code);
      guint papers = 0;

      if (guide == NULL)
        g_error ("procedure %s has no guide", p->code);
      g_assert_cmpint (guide->kind, ==, MC_GUIDE_KIND_PROCEDURE);
      g_assert_cmpstr (guide->title, ==, p->name);
      g_assert_cmpstr (guide->title_en, ==, p->name_en);
      /* Its own summary: two procedures sharing one means the fallback. */
      if (g_hash_table_contains (summaries, guide->summary))
        g_error ("procedure %s has no summary of its own", p->code);
      g_hash_table_add (summaries, guide->summary);
      g_assert_cmpstr (guide->pictogram, !=, "document");
      g_assert_cmpuint (guide->after->len, >=, 2);

      for (guint c = 0; c < p->components->len; c++)
        {
          const McComponent *component = g_ptr_array_index (p->components, c);

          for (guint s = 0; s < guide->steps->len; s++)
            {
              const McGuideStep *step = g_ptr_array_index (guide->steps, s);

              if (strstr (step->text, component->name) && strstr (step->text_en, component->name_en))
                {
                  papers++;
                  break;
                }
            }
        }
      g_assert_cmpuint (papers, ==, p->components->len);
    }
}

static char *
make_override_dir (const char *name)
{
  g_autofree char *dir = g_build_filename (tmp_root, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return g_steal_pointer (&dir);
}

static void
write_in (const char *dir,
          const char *name,
          const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  mc_test_write_file (path, contents);
}

static gboolean
has_problem (McGuideBook *book,
             const char  *a,
             const char  *b)
{
  GPtrArray *problems = mc_guide_book_get_problems (book);

  for (guint i = 0; i < problems->len; i++)
    {
      const char *p = g_ptr_array_index (problems, i);

      if (strstr (p, a) && (b == NULL || strstr (p, b)))
        return TRUE;
    }
  return FALSE;
}

#define GUIDE_HEAD(id) "{\"format\": 1, \"id\": \"" id "\", \"pictogram\": \"portal\", " \
  "\"title\": \"Giờ làm việc\", \"title_en\": \"Opening hours\", " \
  "\"summary\": \"Khi nào đến phường.\", \"summary_en\": \"When to come to the ward.\", "

/* The ward replaces a guide, adds one, adds its own illustration. */
static void
test_override_replaces_and_adds (void)
{
  g_autofree char *dir = make_override_dir ("override-ok");
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(McGuideBook) book = NULL;
  g_autoptr(GFile) picture = NULL;
  const McGuide *guide;

  write_in (dir, "counter-map.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>");
  write_in (dir, "ward-hours.json",
            GUIDE_HEAD ("ward-hours")
            "\"steps\": [{\"text\": \"Sáng 7 giờ 30.\", \"text_en\": \"From 7.30 in the morning.\", "
            "\"illustration\": \"counter-map.svg\"}]}");
  write_in (dir, "pay-fees.json",
            "{\"format\": 1, \"id\": \"pay-fees\", \"pictogram\": \"pay\", "
            "\"title\": \"Nộp phí tại phường\", \"title_en\": \"Fees at the ward\", "
            "\"summary\": \"Phường mình.\", \"summary_en\": \"Our ward.\", "
            "\"steps\": [{\"text\": \"Trả bằng mã QR.\", \"text_en\": \"Pay with the QR code.\", "
            "\"illustration\": \"pay-qr.svg\"}]}");
  /* Only one procedure's summary changes. */
  write_in (dir, "procedures.json",
            "{\"format\": 1, \"procedures\": [{\"code\": \"2.000884\", \"pictogram\": \"signature\", "
            "\"summary\": \"Ký trước mặt cán bộ phường.\", \"summary_en\": \"Sign in front of our clerk.\"}]}");

  book = mc_guide_book_load (procedures, folder);
  g_assert_cmpuint (mc_guide_book_get_problems (book)->len, ==, 0);

  guide = mc_guide_book_lookup (book, "pay-fees");
  g_assert_cmpstr (guide->title, ==, "Nộp phí tại phường");
  g_assert_cmpuint (guide->steps->len, ==, 1);
  guide = mc_guide_book_lookup (book, "ward-hours");
  g_assert_nonnull (guide);
  picture = mc_guide_book_find_illustration (book, "counter-map.svg");
  g_assert_nonnull (picture);
  g_assert_true (g_file_has_prefix (picture, folder));

  guide = mc_guide_book_lookup_procedure (book, "2.000884");
  g_assert_cmpstr (guide->summary, ==, "Ký trước mặt cán bộ phường.");
  /* The papers still come from the catalog. */
  g_assert_cmpuint (guide->steps->len, ==, 2);
  /* Other procedures keep the built-in text. */
  guide = mc_guide_book_lookup_procedure (book, "1.001193");
  g_assert_cmpstr (guide->summary_en, ==, "Registers a baby's birth and gives the birth certificate. Do it within 60 days of the birth.");
}

/* Each kind of bad file is left out with a message naming the file and
 * what is wrong; the built-in guide it meant to replace stays. */
static void
test_override_errors (void)
{
  g_autofree char *dir = make_override_dir ("override-bad");
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(McGuideBook) book = NULL;
  struct { const char *file; const char *contents; const char *expect; } cases[] = {
    { "a-no-english.json",
      "{\"format\": 1, \"id\": \"pay-fees\", \"pictogram\": \"pay\", \"title\": \"Phí\", "
      "\"summary\": \"S\", \"summary_en\": \"S\", \"steps\": [{\"text\": \"A\", \"text_en\": \"A\"}]}",
      "“title_en” is missing" },
    { "b-missing-picture.json",
      GUIDE_HEAD ("b") "\"steps\": [{\"text\": \"Một\", \"text_en\": \"One\", \"illustration\": \"nowhere.svg\"}]}",
      "“nowhere.svg” does not exist" },
    { "c-path.json",
      GUIDE_HEAD ("c") "\"steps\": [{\"text\": \"Một\", \"text_en\": \"One\", \"illustration\": \"../../etc/passwd.svg\"}]}",
      "without folders" },
    { "d-pictogram.json",
      "{\"format\": 1, \"id\": \"d\", \"pictogram\": \"unicorn\", \"title\": \"T\", \"title_en\": \"T\", "
      "\"summary\": \"S\", \"summary_en\": \"S2\", \"steps\": [{\"text\": \"A\", \"text_en\": \"B\"}]}",
      "pictogram “unicorn” does not exist" },
    { "e-syntax.json", "{\"format\": 1, \"id\": ", NULL },
    { "f-format.json", GUIDE_HEAD ("f") "\"steps\": []}", "“steps” is empty" },
    { "g-version.json", "{\"format\": 2, \"id\": \"g\"}", "format 2 is not supported" },
    { "h-empty-text.json",
      GUIDE_HEAD ("h") "\"steps\": [{\"text\": \"   \", \"text_en\": \"One\"}]}",
      "“text” is empty" },
    { "i-detail.json",
      GUIDE_HEAD ("i") "\"steps\": [{\"text\": \"Một\", \"text_en\": \"One\", \"detail\": \"Chi tiết\"}]}",
      "“detail_en” must be given together" },
    { "procedures.json",
      "{\"format\": 1, \"procedures\": [{\"code\": \"9.999999\", \"pictogram\": \"birth\", "
      "\"summary\": \"S\", \"summary_en\": \"S2\"}]}",
      "no such procedure" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    write_in (dir, cases[i].file, cases[i].contents);
  book = mc_guide_book_load (procedures, folder);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      if (!has_problem (book, cases[i].file, cases[i].expect))
        {
          GPtrArray *problems = mc_guide_book_get_problems (book);

          for (guint p = 0; p < problems->len; p++)
            g_test_message ("problem: %s", (char *) g_ptr_array_index (problems, p));
          g_error ("no problem reported for %s (expected “%s”)", cases[i].file,
                   cases[i].expect ? cases[i].expect : "a syntax error");
        }
    }
  g_assert_cmpuint (mc_guide_book_get_problems (book)->len, ==, G_N_ELEMENTS (cases));
  /* Nothing broken got in; the built-in guides are all still there. */
  g_assert_cmpstr (mc_guide_book_lookup (book, "pay-fees")->title_en, ==, "Paying fees online");
  g_assert_null (mc_guide_book_lookup (book, "b"));
  g_assert_null (mc_guide_book_lookup (book, "h"));
  g_assert_nonnull (mc_guide_book_lookup_procedure (book, "1.001193"));
}

/* A ward's own procedure catalog: one procedure the built-in one lacks,
 * filed on a portal of its own (synthetic). */
static McProcedureCatalog *
ward_procedures (void)
{
  static const char catalog_json[] =
    "{\"format\": 1, \"portals\": {\"ward\": {\"name\": \"Cổng\", \"name_en\": \"Portal\", "
    "\"home\": \"https://dvc.phuong-thu.example\", \"file_limit_mb\": 5, \"total_limit_mb\": 50, "
    "\"formats\": [\"pdf\"]}}, \"procedures\": [{\"code\": \"1.234567\", \"name\": \"Thủ tục mới\", "
    "\"name_en\": \"A new procedure\", \"portal\": \"ward\", \"components\": [{\"key\": \"don\", "
    "\"name\": \"Đơn đề nghị\", \"name_en\": \"Request\", \"required\": true, \"formats\": [\"pdf\"], "
    "\"profile\": \"document\"}]}]}";
  g_autoptr(GBytes) bytes = g_bytes_new_static (catalog_json, sizeof catalog_json - 1);
  g_autoptr(GError) error = NULL;
  McProcedureCatalog *catalog = mc_procedure_catalog_new_from_bytes (bytes, "test", &error);

  g_assert_no_error (error);
  return catalog;
}

/* A procedure of a ward's own catalog, with no guide text: it still gets
 * a guide, from the fallback entry and the catalog's papers. */
static void
test_unknown_procedure_fallback (void)
{
  g_autoptr(McProcedureCatalog) catalog = ward_procedures ();
  g_autoptr(McGuideBook) book = NULL;
  const McGuide *guide;

  book = mc_guide_book_load (catalog, NULL);
  guide = mc_guide_book_lookup_procedure (book, "1.234567");
  g_assert_nonnull (guide);
  g_assert_cmpstr (guide->pictogram, ==, "document");
  g_assert_cmpstr (guide->title_en, ==, "A new procedure");
  g_assert_nonnull (strstr (((McGuideStep *) g_ptr_array_index (guide->steps, guide->steps->len - 1))->text,
                            "Đơn đề nghị"));
}

/* Two catalogs side by side (the program's and a test's, or a ward's
 * after an edit): each screen and each shared guide book follows the
 * catalog it was given, never one the process picked first. */
static void
test_catalogs_side_by_side (void)
{
  g_autoptr(McProcedureCatalog) ward = ward_procedures ();
  g_autoptr(McCitizenScreen) builtin_screen = mc_citizen_screen_new (procedures);
  g_autoptr(McCitizenScreen) ward_screen = mc_citizen_screen_new (ward);
  McGuideBook *ward_book, *reloaded;

  g_assert_true (mc_citizen_screen_get_procedures (ward_screen) == ward);
  mc_citizen_screen_set_procedure_code (builtin_screen, "1.234567");
  mc_citizen_screen_set_procedure_code (ward_screen, "1.234567");
  g_assert_cmpstr (mc_citizen_screen_get_follow_url (ward_screen), ==, "https://dvc.phuong-thu.example");
  g_assert_cmpstr (mc_citizen_screen_get_follow_url (builtin_screen), ==, "https://dichvucong.gov.vn");

  ward_book = mc_guide_book_get_shared (ward);
  g_assert_true (mc_guide_book_get_shared (ward) == ward_book);
  g_assert_nonnull (mc_guide_book_lookup_procedure (ward_book, "1.234567"));
  g_assert_null (mc_guide_book_lookup_procedure (mc_guide_book_get_shared (procedures), "1.234567"));
  g_assert_nonnull (mc_guide_book_lookup_procedure (mc_guide_book_get_shared (procedures), "1.001193"));

  /* A reload replaces the book for everyone who asks afterwards. */
  reloaded = mc_guide_book_reload_shared (ward);
  g_assert_true (mc_guide_book_get_shared (ward) == reloaded);
  g_assert_nonnull (mc_guide_book_lookup_procedure (reloaded, "1.234567"));
}

/* ---- The citizen screen's model --------------------------------------------- */

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_screen_model (void)
{
  g_autoptr(McCitizenScreen) screen = mc_citizen_screen_new (procedures);
  g_autofree char *dir = make_override_dir ("screen-pages");
  g_autoptr(GError) error = NULL;
  g_autoptr(McPageStore) store = mc_page_store_new (dir, &error);
  guint steps = 0;
  McCitizenStep step;

  g_assert_no_error (error);
  g_signal_connect (screen, "notify::step", G_CALLBACK (count_notify), &steps);

  for (guint i = 0; i < MC_CITIZEN_N_STEPS; i++)
    {
      g_assert_true (mc_citizen_step_from_string (mc_citizen_step_to_string (i), &step));
      g_assert_cmpint (step, ==, i);
    }
  g_assert_cmpstr (mc_citizen_step_to_string (MC_CITIZEN_STEP_CHECK_DETAILS), ==, "check-your-details");
  g_assert_false (mc_citizen_step_from_string ("ledger", &step));

  mc_citizen_screen_set_procedure_code (screen, "1.001193");
  mc_citizen_screen_set_step (screen, MC_CITIZEN_STEP_WHAT_TO_BRING);
  mc_citizen_screen_set_step (screen, MC_CITIZEN_STEP_WHAT_TO_BRING);
  g_assert_cmpuint (steps, ==, 1);
  mc_citizen_screen_set_pages (screen, G_LIST_MODEL (store));
  mc_citizen_screen_add_detail (screen, "Họ và tên", "NGUYỄN THỊ MẪU", "Mã QR trên thẻ");
  mc_citizen_screen_set_receipt (screen, "G22.56-260101-0001", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (mc_citizen_screen_get_details (screen)), ==, 1);
  /* No address given: the procedure's own portal. */
  g_assert_cmpstr (mc_citizen_screen_get_follow_url (screen), ==, "https://dichvucong.gov.vn");

  /* Read aloud: the step, never the details. */
  mc_citizen_screen_set_step (screen, MC_CITIZEN_STEP_CHECK_DETAILS);
  {
    g_autofree char *speech = mc_citizen_screen_dup_speech (screen);

    g_assert_null (strstr (speech, "NGUYỄN"));
    g_assert_cmpuint (strlen (speech), >, 10);
  }

  /* Goodbye forgets the citizen. */
  mc_citizen_screen_set_step (screen, MC_CITIZEN_STEP_GOODBYE);
  g_assert_cmpuint (g_list_model_get_n_items (mc_citizen_screen_get_details (screen)), ==, 0);
  g_assert_null (mc_citizen_screen_get_pages (screen));
  g_assert_null (mc_citizen_screen_get_receipt_code (screen));
  g_assert_null (mc_citizen_screen_get_procedure_code (screen));

  mc_citizen_screen_set_step (screen, MC_CITIZEN_STEP_RECEIPT);
  mc_citizen_screen_reset (screen);
  g_assert_cmpint (mc_citizen_screen_get_step (screen), ==, MC_CITIZEN_STEP_WELCOME);
}

/* ---- Self-service folders ----------------------------------------------------- */

static void
add_page (McPageStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VipsImage) image = NULL;
  g_autoptr(McPage) page = NULL;

  g_assert_cmpint (vips_black (&image, 80, 120, NULL), ==, 0);
  page = mc_page_store_save_image (store, image, 100, MC_SCAN_MODE_GRAY, MC_SCAN_SOURCE_FLATBED,
                                   MC_PAGE_SIDE_FRONT, &error);
  g_assert_no_error (error);
  mc_page_store_append (store, page);
}

static void
test_session (void)
{
  g_autofree char *base = make_override_dir ("self-service");
  const McProcedure *p = mc_procedure_catalog_lookup (procedures, "1.001193");
  g_autoptr(GError) error = NULL;
  g_autoptr(McSelfServiceSession) session = mc_self_service_session_new (base, p, &error);
  g_autofree char *json = NULL;
  g_autofree char *json_path = NULL;
  McPageStore *store;
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (mc_self_service_session_get_dir (session), base));
  g_assert_true (g_uuid_string_is_valid (mc_self_service_session_get_id (session)));
  g_assert_cmpuint (strlen (mc_self_service_session_get_short_code (session)), ==, 4);
  g_assert_cmpint (g_stat (mc_self_service_session_get_dir (session), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  store = mc_self_service_session_get_store (session, "to-khai", &error);
  g_assert_no_error (error);
  g_assert_true (store == mc_self_service_session_get_store (session, "to-khai", NULL));
  add_page (store);
  add_page (store);
  g_assert_cmpuint (mc_self_service_session_count_pages (session, "to-khai"), ==, 2);
  g_assert_null (mc_self_service_session_get_store (session, "ledger", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (mc_self_service_session_hand_off (session, &error));
  g_assert_no_error (error);
  json_path = g_build_filename (mc_self_service_session_get_dir (session), "session.json", NULL);
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"handed-off\""));
  g_assert_nonnull (strstr (json, "\"1.001193\""));
  g_assert_nonnull (strstr (json, "\"pages\" : 2"));

  g_assert_true (mc_self_service_session_wipe (session, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (mc_self_service_session_get_dir (session), G_FILE_TEST_EXISTS));
}

static void
test_purge (void)
{
  g_autofree char *base = make_override_dir ("purge");
  const McProcedure *p = mc_procedure_catalog_lookup (procedures, "2.000884");
  g_autoptr(GError) error = NULL;
  g_autoptr(McSelfServiceSession) abandoned = mc_self_service_session_new (base, p, NULL);
  g_autoptr(McSelfServiceSession) recent = mc_self_service_session_new (base, p, NULL);
  g_autoptr(McSelfServiceSession) old = mc_self_service_session_new (base, p, NULL);
  g_autofree char *old_json = g_build_filename (mc_self_service_session_get_dir (old), "session.json", NULL);
  g_autofree char *stranger = g_build_filename (base, "not-ours", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) edited = NULL;

  add_page (mc_self_service_session_get_store (abandoned, "giay-to-ky", NULL));
  g_assert_true (mc_self_service_session_hand_off (recent, NULL));
  g_assert_true (mc_self_service_session_hand_off (old, NULL));
  /* Handed off two days ago. */
  g_assert_true (g_file_get_contents (old_json, &text, NULL, NULL));
  edited = g_string_new (text);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autoptr(GDateTime) then = g_date_time_add_days (now, -2);
    g_autofree char *stamp = g_date_time_format_iso8601 (then);
    g_autoptr(GRegex) re = g_regex_new ("\"handed_off\" : \"[^\"]*\"", 0, 0, NULL);
    g_autofree char *replacement = g_strdup_printf ("\"handed_off\" : \"%s\"", stamp);
    g_autofree char *out = g_regex_replace_literal (re, edited->str, -1, 0, replacement, 0, NULL);

    mc_test_write_file (old_json, out);
  }
  g_assert_cmpint (g_mkdir (stranger, 0700), ==, 0);

  /* At start: only what nobody finished; handed-off papers wait for a
   * visit to take them, however old. */
  g_assert_cmpuint (mc_self_service_purge_unfinished (base, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_false (g_file_test (mc_self_service_session_get_dir (abandoned), G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (mc_self_service_session_get_dir (old), G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (mc_self_service_session_get_dir (recent), G_FILE_TEST_IS_DIR));

  /* Entering self-service: handed-off papers past the retention too. */
  g_assert_cmpuint (mc_self_service_purge (base, 24, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_false (g_file_test (mc_self_service_session_get_dir (abandoned), G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (mc_self_service_session_get_dir (old), G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (mc_self_service_session_get_dir (recent), G_FILE_TEST_IS_DIR));
  /* A folder that is not a session is never touched. */
  g_assert_true (g_file_test (stranger, G_FILE_TEST_IS_DIR));
  /* No folder at all is no error. */
  {
    g_autofree char *none = g_build_filename (base, "missing", NULL);

    g_assert_cmpuint (mc_self_service_purge (none, 24, &error), ==, 0);
    g_assert_no_error (error);
  }
}

/* ---- QR codes --------------------------------------------------------------------- */

static char *
decode_qr (GBytes *modules,
           guint   size)
{
  const guint scale = 4, margin = 4;
  guint width = (size + 2 * margin) * scale;
  guint8 *grey = g_malloc (width * width);
  const guint8 *m = g_bytes_get_data (modules, NULL);
  zbar_image_scanner_t *scanner = zbar_image_scanner_create ();
  zbar_image_t *image = zbar_image_create ();
  const zbar_symbol_t *symbol;
  char *text = NULL;

  memset (grey, 255, width * width);
  for (guint y = 0; y < size; y++)
    for (guint x = 0; x < size; x++)
      if (m[y * size + x])
        for (guint dy = 0; dy < scale; dy++)
          memset (grey + ((y + margin) * scale + dy) * width + (x + margin) * scale, 0, scale);

  zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, width, width);
  zbar_image_set_data (image, grey, width * width, zbar_image_free_data);
  if (zbar_scan_image (scanner, image) > 0 &&
      (symbol = zbar_image_first_symbol (image)) != NULL)
    text = g_strndup (zbar_symbol_get_data (symbol), zbar_symbol_get_data_length (symbol));
  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
  return text;
}

static void
test_qr (void)
{
  const char *texts[] = {
    "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?ma=G22.56-260101-0001",
    "Mã hồ sơ: 000.00.22.H38-260101-0001",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_strnfill (8000, 'x');
  guint size = 0;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GBytes) modules = mc_qr_encode (texts[i], &size, &error);
      g_autofree char *read = NULL;

      g_assert_no_error (error);
      g_assert_cmpuint (size, >=, 21);
      g_assert_cmpuint ((size - 17) % 4, ==, 0);
      read = decode_qr (modules, size);
      g_assert_cmpstr (read, ==, texts[i]);
    }
  g_assert_null (mc_qr_encode (huge, &size, &error));
  g_assert_error (error, MC_DATA_ERROR, MC_DATA_ERROR_INVALID);
}

/* ---- Read-aloud -------------------------------------------------------------------- */

typedef struct {
  gint64  last_tick;
  gint64  longest_gap;
  char   *said;
  gboolean error_seen;
} SpeakWatch;

static gboolean
tick (gpointer data)
{
  SpeakWatch *w = data;
  gint64 now = g_get_monotonic_time ();

  w->longest_gap = MAX (w->longest_gap, now - w->last_tick);
  w->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
on_said (McSpeaker  *speaker,
         const char *text,
         SpeakWatch *w)
{
  g_free (w->said);
  w->said = g_strdup (text);
}

static void
on_error (McSpeaker  *speaker,
          GParamSpec *pspec,
          SpeakWatch *w)
{
  w->error_seen = mc_speaker_get_error (speaker) != NULL;
}

static gboolean
speaker_answered (gpointer data)
{
  SpeakWatch *w = data;

  return w->said != NULL || w->error_seen;
}

static gboolean
wait_for_speaker (SpeakWatch *w,
                  guint       seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) mc_test_guard_seconds (seconds) * G_USEC_PER_SEC;
  guint id;

  w->last_tick = g_get_monotonic_time ();
  id = g_timeout_add (10, tick, w);
  while (!speaker_answered (w) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
  return speaker_answered (w);
}

/* Speech Dispatcher cannot be reached (here: its address points where no
 * daemon can be started): a clear message, and the caller never waits. */
static void
test_speaker_unavailable (void)
{
  g_autoptr(McSpeaker) speaker = mc_speaker_new ();
  g_autofree char *address = g_strdup_printf ("unix_socket:%s/no-such-folder/speechd.sock", tmp_root);
  SpeakWatch w = { 0 };

  g_setenv ("SPEECHD_ADDRESS", address, TRUE);
  g_signal_connect (speaker, "said", G_CALLBACK (on_said), &w);
  g_signal_connect (speaker, "notify::error", G_CALLBACK (on_error), &w);

  mc_speaker_say (speaker, "Xin chào", "vi");
  g_assert_true (wait_for_speaker (&w, 30));
  g_assert_null (w.said);
  g_assert_nonnull (mc_speaker_get_error (speaker));
  g_test_message ("message: %s", mc_speaker_get_error (speaker));
  if (mc_speaker_is_built_in ())
    g_assert_nonnull (strstr (mc_speaker_get_error (speaker), "Speech Dispatcher"));
  /* That the caller never waits is /guidance/speaker/never-waits: a
   * bound on the main loop's longest pause here would fail on a loaded
   * machine. */
  g_test_message ("longest pause of the main loop: %.0f ms", w.longest_gap / 1000.0);
  g_unsetenv ("SPEECHD_ADDRESS");
}

static gboolean
socket_readable (gpointer data)
{
  return g_socket_condition_check (G_SOCKET (data), G_IO_IN) != 0;
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* A Speech Dispatcher that takes the connection and never answers: while
 * the speaker's thread waits for it, the caller is back and the main loop
 * turns. Shown by what happens, not by how long anything took, so a
 * loaded machine cannot fail it. When the daemon hangs up, a message. */
static void
test_speaker_never_waits (void)
{
  g_autoptr(McSpeaker) speaker = NULL;
  g_autofree char *dir = g_build_filename (tmp_root, "silent-speechd", NULL);
  g_autofree char *path = g_build_filename (dir, "speechd.sock", NULL);
  g_autofree char *address = g_strdup_printf ("unix_socket:%s", path);
  g_autoptr(GSocketAddress) where = NULL;
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocket) daemon_side = NULL;
  g_autoptr(GError) error = NULL;
  SpeakWatch w = { 0 };
  gboolean idle_ran = FALSE;

  if (!mc_speaker_is_built_in ())
    {
      g_test_skip ("built without Speech Dispatcher");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  listener = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_assert_no_error (error);
  where = g_unix_socket_address_new (path);
  g_assert_true (g_socket_bind (listener, where, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_listen (listener, &error));
  g_assert_no_error (error);
  g_setenv ("SPEECHD_ADDRESS", address, TRUE);

  speaker = mc_speaker_new ();
  g_signal_connect (speaker, "said", G_CALLBACK (on_said), &w);
  g_signal_connect (speaker, "notify::error", G_CALLBACK (on_error), &w);
  mc_speaker_say (speaker, "Xin chào", "vi");

  /* The thread connects and sends its first command, then waits for a
   * reply that does not come. */
  g_assert_true (mc_test_wait_until (socket_readable, listener, 30));
  daemon_side = g_socket_accept (listener, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (mc_test_wait_until (socket_readable, daemon_side, 30));

  /* Meanwhile the main loop runs, and nothing has been reported. */
  g_idle_add (set_flag, &idle_ran);
  g_assert_true (mc_test_wait_for_flag (&idle_ran, 30));
  g_assert_false (speaker_answered (&w));

  /* The daemon hangs up: said, not a hang and not a crash. */
  g_socket_close (daemon_side, NULL);
  g_socket_close (listener, NULL);
  g_assert_true (wait_for_speaker (&w, 30));
  g_test_message ("said: %s, message: %s", w.said ? w.said : "(nothing)",
                  mc_speaker_get_error (speaker) ? mc_speaker_get_error (speaker) : "(none)");
  g_assert_null (w.said);
  g_assert_nonnull (mc_speaker_get_error (speaker));
  g_unsetenv ("SPEECHD_ADDRESS");
}

/* A real speech-dispatcher, started on demand by libspeechd with a
 * private configuration (runtime folder, no timeout to wait for): the
 * Vietnamese text is accepted. */
static void
test_speaker_speaks (void)
{
  g_autoptr(McSpeaker) speaker = NULL;
  g_autofree char *conf_dir = g_build_filename (g_get_user_config_dir (), "speech-dispatcher", NULL);
  g_autofree char *conf = g_build_filename (conf_dir, "speechd.conf", NULL);
  SpeakWatch w = { 0 };

  if (!mc_speaker_is_built_in () || !g_file_test ("/usr/bin/speech-dispatcher", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("speech-dispatcher is not installed (build-aux/dev.sh installs it)");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (conf_dir, 0700), ==, 0);
  /* The daemon quits a second after we disconnect; no sound card needed. */
  mc_test_write_file (conf, "Timeout 1\nAudioOutputMethod \"libao\"\n"
                            "AddModule \"espeak-ng\" \"sd_espeak-ng\" \"espeak-ng.conf\"\n"
                            "DefaultModule espeak-ng\nLanguageDefaultModule \"vi\" \"espeak-ng\"\n");

  speaker = mc_speaker_new ();
  g_signal_connect (speaker, "said", G_CALLBACK (on_said), &w);
  g_signal_connect (speaker, "notify::error", G_CALLBACK (on_error), &w);
  mc_speaker_say (speaker, "Xin mời đặt thẻ căn cước lên mặt kính.", "vi");
  g_assert_true (wait_for_speaker (&w, 30));
  if (w.error_seen)
    g_error ("read-aloud failed: %s", mc_speaker_get_error (speaker));
  g_assert_cmpstr (w.said, ==, "Xin mời đặt thẻ căn cước lên mặt kính.");
  g_test_message ("longest pause of the main loop: %.0f ms", w.longest_gap / 1000.0);
  g_free (w.said);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *runtime = NULL;
  g_autofree char *config = NULL;
  g_autofree char *cache = NULL;
  int ret;

  /* Everything this test writes stays under one temporary folder, set
   * before GLib reads these variables. */
  tmp_root = mc_test_make_tmpdir ("guidance");
  runtime = g_build_filename (tmp_root, "run", NULL);
  config = g_build_filename (tmp_root, "config", NULL);
  cache = g_build_filename (tmp_root, "cache", NULL);
  g_mkdir_with_parents (runtime, 0700);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_DATA_HOME", tmp_root, TRUE);

  g_test_init (&argc, &argv, NULL);
  mc_core_init ();
  procedures = mc_procedure_catalog_new_builtin ();

  g_test_add_func ("/guidance/guides/builtin-valid", test_builtin_valid);
  g_test_add_func ("/guidance/guides/every-guide-complete", test_every_guide_complete);
  g_test_add_func ("/guidance/guides/every-procedure", test_every_procedure_has_guide);
  g_test_add_func ("/guidance/guides/override", test_override_replaces_and_adds);
  g_test_add_func ("/guidance/guides/override-errors", test_override_errors);
  g_test_add_func ("/guidance/guides/unknown-procedure", test_unknown_procedure_fallback);
  g_test_add_func ("/guidance/screen/model", test_screen_model);
  g_test_add_func ("/guidance/screen/catalogs-side-by-side", test_catalogs_side_by_side);
  g_test_add_func ("/guidance/self-service/session", test_session);
  g_test_add_func ("/guidance/self-service/purge", test_purge);
  g_test_add_func ("/guidance/qr", test_qr);
  g_test_add_func ("/guidance/speaker/unavailable", test_speaker_unavailable);
  g_test_add_func ("/guidance/speaker/never-waits", test_speaker_never_waits);
  g_test_add_func ("/guidance/speaker/speaks", test_speaker_speaks);

  ret = g_test_run ();
  g_clear_object (&procedures);
  mc_test_rm_rf (tmp_root);
  g_free (tmp_root);
  return ret;
}
