/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs @func once on @context's thread, from an idle source attached to
 * @context, and then @destroy on @data. For results and signals a worker
 * thread hands back to the thread that made the object.
 *
 * Never g_main_context_invoke() for that: it runs the callback at once in
 * the calling thread whenever nobody holds the context at that moment (the
 * main thread between two turns of its loop, a program still starting up,
 * a tool), and signals would then be emitted, and widgets touched, from
 * the worker. */
void mc_context_post (GMainContext   *context,
                      GSourceFunc     func,
                      gpointer        data,
                      GDestroyNotify  destroy,
                      const char     *name);

/* Runs @func on @owner, the thread whose loop @context is: at once when
 * called on @owner (whether or not its loop is turning at that moment),
 * else later through mc_context_post(); @destroy on @data after it either
 * way. For an object's signals: the thread that made the object gets them
 * where it stands, a worker never does. */
void mc_context_invoke_owner (GMainContext   *context,
                              GThread        *owner,
                              GSourceFunc     func,
                              gpointer        data,
                              GDestroyNotify  destroy,
                              const char     *name);

G_END_DECLS
