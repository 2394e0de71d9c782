/* tandem-context.h: how a thread hands work to a main context.
 *
 * The threads of Tandem (the VNC server's, the capture's, the viewer's
 * short spawn thread) never call back directly: they post the work to
 * the main context that owns the object, always through a source
 * (g_main_context_invoke() would run it at once when called from that
 * context's own thread, inside whatever the caller was doing).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs @func (@data) once from @context (NULL: the global default), at
 * G_PRIORITY_DEFAULT; @destroy (@data) afterwards.  Thread-safe. */
void tandem_context_post (GMainContext   *context,
                          GSourceFunc     func,
                          gpointer        data,
                          GDestroyNotify  destroy);

G_END_DECLS
