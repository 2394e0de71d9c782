/* tandem-rfb-tunnel.h: joins a local stream socket (one end of a
 * socketpair given to libvncserver/libvncclient) to a bound
 * TandemMsrpSession, both directions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-msrp-session.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_RFB_TUNNEL (tandem_rfb_tunnel_get_type ())
G_DECLARE_FINAL_TYPE (TandemRfbTunnel, tandem_rfb_tunnel, TANDEM, RFB_TUNNEL, GObject)

TandemRfbTunnel *tandem_rfb_tunnel_new                 (TandemMsrpSession *session,
                                                        int                fd,
                                                        GError           **error);
gsize            tandem_rfb_tunnel_get_buffered_bytes  (TandemRfbTunnel   *self);
gsize            tandem_rfb_tunnel_get_max_buffered    (TandemRfbTunnel   *self);
guint64          tandem_rfb_tunnel_get_bytes_to_peer   (TandemRfbTunnel   *self);
guint64          tandem_rfb_tunnel_get_bytes_from_peer (TandemRfbTunnel   *self);
void             tandem_rfb_tunnel_close               (TandemRfbTunnel   *self);

G_END_DECLS
