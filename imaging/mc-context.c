/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mc-context.h"

void
mc_context_post (GMainContext   *context,
                 GSourceFunc     func,
                 gpointer        data,
                 GDestroyNotify  destroy,
                 const char     *name)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, name);
  g_source_attach (source, context);
  g_source_unref (source);
}

void
mc_context_invoke_owner (GMainContext   *context,
                         GThread        *owner,
                         GSourceFunc     func,
                         gpointer        data,
                         GDestroyNotify  destroy,
                         const char     *name)
{
  if (g_thread_self () != owner)
    {
      mc_context_post (context, func, data, destroy, name);
      return;
    }
  func (data);
  if (destroy != NULL)
    destroy (data);
}
