/* tandem-xdp-session.h: what both portal sessions (ScreenCast in
 * TandemPortalCapture, RemoteDesktop in TandemPortalInput) need from
 * libportal: its errors in Tandem's words, and a session's first stream.
 * Main thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libportal/portal.h>

G_BEGIN_DECLS

/* Takes @error; returns it as a TANDEM_SHARE_ERROR that says @what was
 * asked ("Choosing what to share was cancelled", NO_PORTAL, ...). */
GError   *tandem_xdp_session_error        (GError     *error,
                                           const char *what);
/* The first stream of @session: its PipeWire node, XDP_OUTPUT_* and size. */
gboolean  tandem_xdp_session_first_stream (XdpSession *session,
                                           guint      *node,
                                           guint      *source_type,
                                           int        *width,
                                           int        *height);

G_END_DECLS
