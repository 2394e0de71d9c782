/* tandem-context.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-context"

#include "tandem-context.h"

void
tandem_context_post (GMainContext   *context,
                     GSourceFunc     func,
                     gpointer        data,
                     GDestroyNotify  destroy)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "[tandem] posted from a thread");
  g_source_attach (source, context);
  g_source_unref (source);
}
