/* tandem-xdp-session.c: see the header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-xdp-session"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-share-error.h"
#include "tandem-xdp-session.h"

GError *
tandem_xdp_session_error (GError     *error,
                          const char *what)
{
  GError *mapped;

  /* Translators: %s is what was asked, e.g. "Choosing what to share" */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    mapped = g_error_new (TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_CANCELLED, _("%s was cancelled"), what);
  else if (error->domain == G_DBUS_ERROR)
    mapped = g_error_new (TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_NO_PORTAL, "%s: %s", what, error->message);
  else
    mapped = g_error_new (TANDEM_SHARE_ERROR, TANDEM_SHARE_ERROR_FAILED, "%s: %s", what, error->message);
  g_error_free (error);
  return mapped;
}

gboolean
tandem_xdp_session_first_stream (XdpSession *session,
                                 guint      *node,
                                 guint      *source_type,
                                 int        *width,
                                 int        *height)
{
  g_autoptr(GVariant) streams = xdp_session_get_streams (session);
  g_autoptr(GVariant) props = NULL;
  GVariantIter iter;

  *width = *height = 0;
  *source_type = XDP_OUTPUT_MONITOR;
  if (streams == NULL || !g_variant_is_of_type (streams, G_VARIANT_TYPE ("a(ua{sv})")))
    return FALSE;
  g_variant_iter_init (&iter, streams);
  if (!g_variant_iter_next (&iter, "(u@a{sv})", node, &props))
    return FALSE;
  g_variant_lookup (props, "size", "(ii)", width, height);
  g_variant_lookup (props, "source_type", "u", source_type);
  return TRUE;
}
