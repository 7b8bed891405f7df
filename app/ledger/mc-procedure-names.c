/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "mc-procedure-names.h"

/* The ward-level procedures filed most often (national codes), from the
 * reference list the ward works with. Codes are reissued from time to
 * time: this table is data for reports, not logic. */
static const struct {
  const char *code;
  const char *name;
  McChannel   channel;
} procedures[] = {
  { "1.001193", "Đăng ký khai sinh", MC_CHANNEL_NATIONAL },
  { "2.000986", "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT cho trẻ em dưới 6 tuổi", MC_CHANNEL_LINKED },
  { "1.000894", "Đăng ký kết hôn", MC_CHANNEL_NATIONAL },
  { "1.000656", "Đăng ký khai tử", MC_CHANNEL_NATIONAL },
  { "2.000815", "Chứng thực bản sao từ bản chính", MC_CHANNEL_PROVINCIAL },
  { "2.000635", "Cấp bản sao trích lục hộ tịch", MC_CHANNEL_NATIONAL },
  { "1.004873", "Xác nhận tình trạng hôn nhân", MC_CHANNEL_NATIONAL },
  { "1.004222", "Đăng ký thường trú", MC_CHANNEL_RESIDENCE },
  { "1.004194", "Đăng ký tạm trú", MC_CHANNEL_RESIDENCE },
  { "1.004884", "Đăng ký lại khai sinh", MC_CHANNEL_NATIONAL },
  { "1.004859", "Thay đổi, cải chính hộ tịch", MC_CHANNEL_NATIONAL },
  { "2.000884", "Chứng thực chữ ký", MC_CHANNEL_PROVINCIAL },
};

static int
index_of (const char *code)
{
  if (code == NULL)
    return -1;
  for (guint i = 0; i < G_N_ELEMENTS (procedures); i++)
    if (g_str_equal (procedures[i].code, code))
      return (int) i;
  return -1;
}

guint
mc_procedure_names_get_n_known (void)
{
  return G_N_ELEMENTS (procedures);
}

const char *
mc_procedure_names_get_code (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (procedures), NULL);
  return procedures[index].code;
}

const char *
mc_procedure_names_lookup (const char *code)
{
  int i = index_of (code);

  return i >= 0 ? procedures[i].name : NULL;
}

McChannel
mc_procedure_names_default_channel (const char *code)
{
  int i = index_of (code);

  return i >= 0 ? procedures[i].channel : MC_CHANNEL_PROVINCIAL;
}

int
mc_procedure_names_compare (const char *a,
                            const char *b)
{
  int ia = index_of (a), ib = index_of (b);

  if (ia >= 0 && ib >= 0)
    return ia - ib;
  if (ia >= 0)
    return -1;
  if (ib >= 0)
    return 1;
  return g_strcmp0 (a, b);
}

char *
mc_procedure_names_dup_label (const char *code)
{
  const char *name = mc_procedure_names_lookup (code);

  if (name != NULL)
    return g_strdup (name);
  /* Translators: a procedure whose code is not in the program's list */
  return g_strdup_printf (_("Procedure %s"), code);
}
