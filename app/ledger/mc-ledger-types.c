/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mc-ledger"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mc-ledger-types.h"
#include "mc-ledger-enums.h"

G_DEFINE_QUARK (mc-ledger-error-quark, mc_ledger_error)

/* Stored values are the enums' nicks (mc-ledger-enums.c, made by
 * glib-mkenums from mc-ledger-types.h). */
static const char *
enum_to_nick (GType type,
              int   value)
{
  /* Classes of static enum types are never freed, nor their values. */
  GEnumValue *v = g_enum_get_value (g_type_class_ref (type), value);

  return v != NULL ? v->value_nick : NULL;
}

static gboolean
enum_from_nick (GType       type,
                const char *text,
                int        *out)
{
  GEnumValue *v;

  if (text == NULL)
    return FALSE;
  v = g_enum_get_value_by_nick (g_type_class_ref (type), text);
  if (v == NULL)
    return FALSE;
  *out = v->value;
  return TRUE;
}

const char *
mc_channel_to_string (McChannel channel)
{
  const char *nick = enum_to_nick (MC_TYPE_CHANNEL, channel);

  g_return_val_if_fail (nick != NULL, NULL);
  return nick;
}

gboolean
mc_channel_from_string (const char *text,
                        McChannel  *out)
{
  int value;

  if (!enum_from_nick (MC_TYPE_CHANNEL, text, &value))
    return FALSE;
  *out = value;
  return TRUE;
}

const char *
mc_channel_get_label (McChannel channel)
{
  switch (channel)
    {
    case MC_CHANNEL_NATIONAL: return _("National public-service portal");
    case MC_CHANNEL_PROVINCIAL: return _("Provincial public-service portal");
    case MC_CHANNEL_RESIDENCE: return _("Residence portal");
    case MC_CHANNEL_LINKED: return _("Linked services (birth, residence, health insurance)");
    case MC_CHANNEL_OTHER: return _("Another online system");
    case MC_CHANNEL_PAPER: return _("On paper (not online)");
    case MC_N_CHANNELS:
    default:
      return "";
    }
}

/* Column headings of the printed report, where space is short. */
const char *
mc_channel_get_short_label (McChannel channel)
{
  switch (channel)
    {
    case MC_CHANNEL_NATIONAL: return C_("channel", "National");
    case MC_CHANNEL_PROVINCIAL: return C_("channel", "Province");
    case MC_CHANNEL_RESIDENCE: return C_("channel", "Residence");
    case MC_CHANNEL_LINKED: return C_("channel", "Linked");
    case MC_CHANNEL_OTHER: return C_("channel", "Other");
    case MC_CHANNEL_PAPER: return C_("channel", "Paper");
    case MC_N_CHANNELS:
    default:
      return "";
    }
}

gboolean
mc_channel_is_online (McChannel channel)
{
  return channel != MC_CHANNEL_PAPER;
}

const char *
mc_filing_status_to_string (McFilingStatus status)
{
  const char *nick = enum_to_nick (MC_TYPE_FILING_STATUS, status);

  g_return_val_if_fail (nick != NULL, NULL);
  return nick;
}

gboolean
mc_filing_status_from_string (const char     *text,
                              McFilingStatus *out)
{
  int value;

  if (!enum_from_nick (MC_TYPE_FILING_STATUS, text, &value))
    return FALSE;
  *out = value;
  return TRUE;
}

const char *
mc_filing_status_get_label (McFilingStatus status)
{
  switch (status)
    {
    case MC_FILING_STATUS_SUBMITTED: return _("Submitted");
    case MC_FILING_STATUS_ACCEPTED: return _("Accepted by the portal");
    case MC_FILING_STATUS_SUPPLEMENT: return _("More papers requested");
    case MC_FILING_STATUS_REJECTED: return _("Rejected");
    case MC_FILING_STATUS_COMPLETED: return _("Result issued");
    case MC_FILING_STATUS_WITHDRAWN: return _("Withdrawn");
    case MC_N_FILING_STATUSES:
    default:
      return "";
    }
}

const char *
mc_event_kind_to_string (McEventKind kind)
{
  const char *nick = enum_to_nick (MC_TYPE_EVENT_KIND, kind);

  g_return_val_if_fail (nick != NULL, NULL);
  return nick;
}

gboolean
mc_event_kind_from_string (const char  *text,
                           McEventKind *out)
{
  int value;

  if (!enum_from_nick (MC_TYPE_EVENT_KIND, text, &value))
    return FALSE;
  *out = value;
  return TRUE;
}

const char *
mc_source_to_string (McSource source)
{
  const char *nick = enum_to_nick (MC_TYPE_SOURCE, source);

  g_return_val_if_fail (nick != NULL, NULL);
  return nick;
}

gboolean
mc_source_from_string (const char *text,
                       McSource   *out)
{
  int value;

  if (!enum_from_nick (MC_TYPE_SOURCE, text, &value))
    return FALSE;
  *out = value;
  return TRUE;
}

const char *
mc_correction_reason_to_string (McCorrectionReason reason)
{
  const char *nick = enum_to_nick (MC_TYPE_CORRECTION_REASON, reason);

  g_return_val_if_fail (nick != NULL, NULL);
  return nick;
}

gboolean
mc_correction_reason_from_string (const char         *text,
                                  McCorrectionReason *out)
{
  int value;

  if (!enum_from_nick (MC_TYPE_CORRECTION_REASON, text, &value))
    return FALSE;
  *out = value;
  return TRUE;
}

const char *
mc_correction_reason_get_label (McCorrectionReason reason)
{
  switch (reason)
    {
    case MC_REASON_NONE: return _("No reason given");
    case MC_REASON_WRONG_PROCEDURE: return _("Wrong procedure chosen");
    case MC_REASON_WRONG_CHANNEL: return _("Wrong portal chosen");
    case MC_REASON_WRONG_DETAILS: return _("Wrong pages or receipt code");
    case MC_REASON_DUPLICATE: return _("Recorded twice");
    case MC_REASON_NOT_FILED: return _("Not actually filed");
    case MC_REASON_OTHER: return _("Other mistake");
    case MC_N_REASONS:
    default:
      return "";
    }
}

McLedgerEvent *
mc_ledger_event_new (McEventKind kind)
{
  McLedgerEvent *event = g_new0 (McLedgerEvent, 1);

  event->kind = kind;
  event->uuid = g_uuid_string_random ();
  if (kind == MC_EVENT_FILING)
    event->filing_uuid = g_strdup (event->uuid);
  event->at_us = mc_ledger_now_us ();
  event->local_day = mc_ledger_local_day_of (event->at_us);
  event->status = MC_FILING_STATUS_SUBMITTED;
  event->source = MC_SOURCE_MANUAL;
  return event;
}

McLedgerEvent *
mc_ledger_event_copy (const McLedgerEvent *event)
{
  McLedgerEvent *copy = g_memdup2 (event, sizeof *event);

  copy->uuid = g_strdup (event->uuid);
  copy->filing_uuid = g_strdup (event->filing_uuid);
  copy->corrects_uuid = g_strdup (event->corrects_uuid);
  copy->visit_id = g_strdup (event->visit_id);
  copy->ward_code = g_strdup (event->ward_code);
  copy->counter = g_strdup (event->counter);
  copy->clerk = g_strdup (event->clerk);
  copy->procedure = g_strdup (event->procedure);
  copy->receipt = g_strdup (event->receipt);
  return copy;
}

void
mc_ledger_event_free (McLedgerEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->uuid);
  g_free (event->filing_uuid);
  g_free (event->corrects_uuid);
  g_free (event->visit_id);
  g_free (event->ward_code);
  g_free (event->counter);
  g_free (event->clerk);
  g_free (event->procedure);
  g_free (event->receipt);
  g_free (event);
}

/* Equality of what an event says, field by field, for the fields its kind
 * uses: an import that brings the same UUID must bring the same event. */
gboolean
mc_ledger_event_equal (const McLedgerEvent *a,
                       const McLedgerEvent *b)
{
  if (a->kind != b->kind ||
      g_strcmp0 (a->uuid, b->uuid) != 0 ||
      g_strcmp0 (a->filing_uuid, b->filing_uuid) != 0 ||
      g_strcmp0 (a->corrects_uuid, b->corrects_uuid) != 0 ||
      a->at_us != b->at_us ||
      a->local_day != b->local_day)
    return FALSE;

  if (a->kind == MC_EVENT_STATUS)
    return a->status == b->status;

  if (g_strcmp0 (a->ward_code, b->ward_code) != 0 ||
      g_strcmp0 (a->counter, b->counter) != 0 ||
      g_strcmp0 (a->clerk, b->clerk) != 0 ||
      g_strcmp0 (a->procedure, b->procedure) != 0 ||
      a->channel != b->channel ||
      a->pages != b->pages ||
      g_strcmp0 (a->receipt, b->receipt) != 0)
    return FALSE;

  if (a->kind == MC_EVENT_FILING)
    return a->status == b->status && a->source == b->source &&
           g_strcmp0 (a->visit_id, b->visit_id) == 0;

  return a->voids == b->voids && a->reason == b->reason;
}

gboolean
mc_ledger_is_uuid (const char *text)
{
  if (text == NULL || strlen (text) != 36)
    return FALSE;
  for (guint i = 0; i < 36; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (text[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
        return FALSE;
    }
  return TRUE;
}

/* National codes look like “1.001193”; provinces add their own, so only
 * the shape is checked here and names come from the catalog. */
gboolean
mc_ledger_check_procedure_code (const char  *code,
                                GError     **error)
{
  gsize len = code ? strlen (code) : 0;

  if (len == 0 || len > 32)
    goto bad;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (code[i]) && code[i] != '.' && code[i] != '-' && code[i] != '_')
      goto bad;
  return TRUE;

bad:
  g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
               _("“%s” is not a procedure code: use the code from the public-service portal, for example 1.001193"),
               code ? code : "");
  return FALSE;
}

static gboolean
all_digits (const char *s)
{
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* A receipt code is the portal's file number (for example
 * “G22.99.10-250701-0001”). The ledger keeps no personal numbers, so a
 * value shaped like an ID card number (9 or 12 digits) is refused. */
gboolean
mc_ledger_check_receipt (const char  *receipt,
                         GError     **error)
{
  gsize len;

  if (receipt == NULL)
    return TRUE;
  len = strlen (receipt);
  if (len == 0 || len > 64)
    goto bad;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (receipt[i]) && strchr ("./-_:", receipt[i]) == NULL)
      goto bad;
  if ((len == 9 || len == 12) && all_digits (receipt))
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("This looks like an ID card number, not a receipt code. The ledger keeps no personal numbers: enter the code the portal gave for the file."));
      return FALSE;
    }
  return TRUE;

bad:
  g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
               _("“%s” is not a receipt code: up to 64 letters, digits and . / - _ :"),
               receipt);
  return FALSE;
}

/* Counter names and clerk accounts: short, one line, printable. */
gboolean
mc_ledger_check_label (const char  *what,
                       const char  *text,
                       GError     **error)
{
  if (text == NULL || *text == '\0')
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                   _("The %s is missing"), what);
      return FALSE;
    }
  if (!g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > 64)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                   _("The %s must be at most 64 characters of text"), what);
      return FALSE;
    }
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                     _("The %s must be on one line"), what);
        return FALSE;
      }
  return TRUE;
}

static gboolean
is_ward_code (const char *code)
{
  return code != NULL && strlen (code) == 5 && all_digits (code);
}

gboolean
mc_ledger_event_validate (const McLedgerEvent *event,
                          GError             **error)
{
  if (!mc_ledger_is_uuid (event->uuid) || !mc_ledger_is_uuid (event->filing_uuid))
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("An event has no valid UUID"));
      return FALSE;
    }
  if ((event->kind == MC_EVENT_FILING) != g_str_equal (event->uuid, event->filing_uuid))
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("Only a filing event may name itself as the filing"));
      return FALSE;
    }
  if ((event->kind == MC_EVENT_CORRECTION) != (event->corrects_uuid != NULL) ||
      (event->corrects_uuid != NULL && !mc_ledger_is_uuid (event->corrects_uuid)))
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("A correction must name the event it corrects, and only a correction may"));
      return FALSE;
    }
  if (event->at_us <= 0 || event->local_day == MC_DAY_OPEN)
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("An event has no time or no day"));
      return FALSE;
    }
  if (event->status >= MC_N_FILING_STATUSES)
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("An event has an unknown status"));
      return FALSE;
    }
  if (event->kind == MC_EVENT_STATUS)
    return TRUE;

  if (!is_ward_code (event->ward_code))
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                   _("“%s” is not a ward code: use the 5-digit GSO code"),
                   event->ward_code ? event->ward_code : "");
      return FALSE;
    }
  if (!mc_ledger_check_label (_("counter name"), event->counter, error) ||
      !mc_ledger_check_label (_("clerk account"), event->clerk, error) ||
      !mc_ledger_check_procedure_code (event->procedure, error) ||
      !mc_ledger_check_receipt (event->receipt, error))
    return FALSE;
  if (event->channel >= MC_N_CHANNELS || event->reason >= MC_N_REASONS ||
      event->source > MC_SOURCE_MANUAL)
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("An event has an unknown portal, source or reason"));
      return FALSE;
    }
  if (event->pages < 0 || event->pages > 10000)
    {
      g_set_error (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                   _("%d is not a number of pages"), event->pages);
      return FALSE;
    }
  if (event->visit_id != NULL && !mc_ledger_is_uuid (event->visit_id))
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("The visit id must be a UUID"));
      return FALSE;
    }
  if (event->kind == MC_EVENT_FILING && (event->voids || event->reason != MC_REASON_NONE))
    {
      g_set_error_literal (error, MC_LEDGER_ERROR, MC_LEDGER_ERROR_INVALID,
                           _("Only a correction may void a filing or give a reason"));
      return FALSE;
    }
  return TRUE;
}

char *
mc_ledger_format_time (gint64 at_us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (at_us / G_USEC_PER_SEC);

  if (dt == NULL)
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                          g_date_time_get_year (dt), g_date_time_get_month (dt),
                          g_date_time_get_day_of_month (dt), g_date_time_get_hour (dt),
                          g_date_time_get_minute (dt), g_date_time_get_second (dt),
                          (int) (at_us % G_USEC_PER_SEC));
}

/* Strict: only the form mc_ledger_format_time() writes. */
gboolean
mc_ledger_parse_time (const char *text,
                      gint64     *out_us)
{
  static const char shape[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
  int y, mo, d, h, mi, s, us;
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL || strlen (text) != sizeof shape - 1)
    return FALSE;
  for (guint i = 0; shape[i]; i++)
    if (shape[i] == 'd' ? !g_ascii_isdigit (text[i]) : text[i] != shape[i])
      return FALSE;

  y = atoi (text);
  mo = atoi (text + 5);
  d = atoi (text + 8);
  h = atoi (text + 11);
  mi = atoi (text + 14);
  s = atoi (text + 17);
  us = atoi (text + 20);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
    return FALSE;
  dt = g_date_time_new_utc (y, mo, d, h, mi, s);
  if (dt == NULL || g_date_time_get_day_of_month (dt) != d)
    return FALSE;
  *out_us = g_date_time_to_unix (dt) * G_USEC_PER_SEC + us;
  return TRUE;
}

gint64
mc_ledger_now_us (void)
{
  return g_get_real_time ();
}

McDay
mc_ledger_local_day_of (gint64 at_us)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (at_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return MC_DAY_OPEN;
  local = g_date_time_to_local (utc);
  return mc_day_from_ymd (g_date_time_get_year (local), g_date_time_get_month (local),
                          g_date_time_get_day_of_month (local));
}

char *
mc_day_format_display (McDay day)
{
  GDate date;

  if (day == MC_DAY_OPEN)
    return g_strdup ("");
  g_date_clear (&date, 1);
  g_date_set_julian (&date, day);
  return g_strdup_printf ("%02u/%02u/%04u", g_date_get_day (&date), g_date_get_month (&date),
                          g_date_get_year (&date));
}
