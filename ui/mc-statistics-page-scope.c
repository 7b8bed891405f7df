/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The statistics page: this counter, the ward or the city. The counter's
 * figures come from its own ledger; the ward's and the city's from the
 * ledger server every counter pushes to (McLedgerLink), the ward rolled
 * up through the ward catalog as in “motcua-tool ledger report --server”. */
#define G_LOG_DOMAIN "mc-statistics-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mc-statistics-page-private.h"

static gboolean
reads_server (McStatisticsPage *self)
{
  return self->link != NULL && mc_ledger_link_get_configured (self->link) &&
         !g_str_equal (self->scope, "counter");
}

McLedger *
_mc_statistics_page_reading_ledger (McStatisticsPage *self)
{
  return reads_server (self) ? self->server_ledger : self->ledger;
}

gboolean
_mc_statistics_page_every_ward (McStatisticsPage *self)
{
  return reads_server (self) && g_str_equal (self->scope, "city");
}

const char *
_mc_statistics_page_server_problem (McStatisticsPage *self)
{
  const char *problem;

  if (!reads_server (self))
    return NULL;
  problem = mc_ledger_link_get_problem (self->link);
  return problem ? problem : _("The ledger server is being opened…");
}

void
mc_statistics_page_set_scope (McStatisticsPage *self,
                              const char       *scope)
{
  g_return_if_fail (MC_IS_STATISTICS_PAGE (self));

  if (!g_str_equal (scope, "counter") && !g_str_equal (scope, "ward") && !g_str_equal (scope, "city"))
    return;
  if (g_strcmp0 (self->scope, scope) == 0)
    return;
  g_free (self->scope);
  self->scope = g_strdup (scope);
  g_object_notify (G_OBJECT (self), "scope");
  /* Other figures: not the last scope's while these load. */
  g_clear_pointer (&self->summary, mc_summary_free);
  _mc_statistics_page_refresh (self);
}

const char *
mc_statistics_page_get_scope (McStatisticsPage *self)
{
  g_return_val_if_fail (MC_IS_STATISTICS_PAGE (self), NULL);
  return self->scope;
}

static void
on_server_changed (McStatisticsPage *self)
{
  if (reads_server (self))
    _mc_statistics_page_refresh (self);
}

/* The push status, or why the server cannot be used, under the toolbar. */
static void
update_server_label (McStatisticsPage *self)
{
  const char *status = self->link ? mc_ledger_link_get_status (self->link) : NULL;
  const char *problem = self->link ? mc_ledger_link_get_problem (self->link) : NULL;
  g_autofree char *text = NULL;

  if (status != NULL && problem != NULL && self->server_ledger == NULL)
    text = g_strdup_printf ("%s %s", status, problem);
  else
    text = g_strdup (status ? status : problem);
  gtk_label_set_text (self->server_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->server_label), text != NULL);
}

static void
on_link_changed (McStatisticsPage *self)
{
  McLedger *server = self->link ? mc_ledger_link_get_server_ledger (self->link) : NULL;
  gboolean configured = self->link != NULL && mc_ledger_link_get_configured (self->link);

  gtk_widget_set_visible (self->scope_box, configured);
  if (server != self->server_ledger)
    {
      if (self->server_ledger != NULL)
        {
          g_signal_handlers_disconnect_by_func (self->server_ledger, on_server_changed, self);
          mc_ledger_watch (self->server_ledger, 0);
        }
      g_set_object (&self->server_ledger, server);
      if (server != NULL)
        {
          g_signal_connect_object (server, "changed", G_CALLBACK (on_server_changed), self,
                                   G_CONNECT_SWAPPED);
          /* Other counters' filings arrive as they push. */
          mc_ledger_watch (server, 10);
        }
    }
  update_server_label (self);
  if (!configured && !g_str_equal (self->scope, "counter"))
    mc_statistics_page_set_scope (self, "counter");
  else if (reads_server (self))
    _mc_statistics_page_refresh (self);
}

void
mc_statistics_page_set_ledger_link (McStatisticsPage *self,
                                    McLedgerLink     *link)
{
  g_return_if_fail (MC_IS_STATISTICS_PAGE (self));
  g_return_if_fail (link == NULL || MC_IS_LEDGER_LINK (link));

  if (self->link != NULL)
    g_signal_handlers_disconnect_by_data (self->link, self);
  g_set_object (&self->link, link);
  if (link != NULL)
    {
      g_signal_connect_object (link, "notify::configured", G_CALLBACK (on_link_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (link, "notify::server-ledger", G_CALLBACK (on_link_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (link, "notify::problem", G_CALLBACK (on_link_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (link, "notify::status", G_CALLBACK (update_server_label), self,
                               G_CONNECT_SWAPPED);
      /* A supervisor's PC has no counter of its own to show. */
      if (mc_ledger_link_get_configured (link) && mc_ledger_link_get_read_only (link))
        mc_statistics_page_set_scope (self, "ward");
    }
  on_link_changed (self);
}

void
_mc_statistics_page_scope_dispose (McStatisticsPage *self)
{
  if (self->link != NULL)
    g_signal_handlers_disconnect_by_data (self->link, self);
  if (self->server_ledger != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->server_ledger, on_server_changed, self);
      mc_ledger_watch (self->server_ledger, 0);
    }
  g_clear_object (&self->link);
  g_clear_object (&self->server_ledger);
}
