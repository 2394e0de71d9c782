/* tandem-rfb-tunnel.h: joins a local stream socket (one end of a
 * socketpair given to libvncserver/libvncclient) to a bound
 * TandemMsrpSession, both directions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-msrp-session.h"
#include "tandem-send-window.h"

G_BEGIN_DECLS

/* How the stream toward the peer is kept from overfilling the path. */
typedef enum {
  TANDEM_RFB_TUNNEL_MODE_DIRECT,   /* no relay: TCP's own flow control */
  TANDEM_RFB_TUNNEL_MODE_WINDOW,   /* via a relay: end-to-end send window */
  TANDEM_RFB_TUNNEL_MODE_UNACKED,  /* via a relay, the peer never REPORTs */
} TandemRfbTunnelMode;

const char      *tandem_rfb_tunnel_mode_to_string      (TandemRfbTunnelMode mode);

#define TANDEM_TYPE_RFB_TUNNEL (tandem_rfb_tunnel_get_type ())
G_DECLARE_FINAL_TYPE (TandemRfbTunnel, tandem_rfb_tunnel, TANDEM, RFB_TUNNEL, GObject)

TandemRfbTunnel *tandem_rfb_tunnel_new                 (TandemMsrpSession *session,
                                                        int                fd,
                                                        GError           **error);
gsize            tandem_rfb_tunnel_get_buffered_bytes  (TandemRfbTunnel   *self);
gsize            tandem_rfb_tunnel_get_max_buffered    (TandemRfbTunnel   *self);
guint64          tandem_rfb_tunnel_get_bytes_to_peer   (TandemRfbTunnel   *self);
guint64          tandem_rfb_tunnel_get_bytes_from_peer (TandemRfbTunnel   *self);
TandemRfbTunnelMode tandem_rfb_tunnel_get_mode         (TandemRfbTunnel   *self);
gboolean         tandem_rfb_tunnel_get_peer_closed     (TandemRfbTunnel   *self);
gboolean         tandem_rfb_tunnel_get_window_stats    (TandemRfbTunnel   *self,
                                                        TandemSendWindowStats *stats);
void             tandem_rfb_tunnel_close               (TandemRfbTunnel   *self);

G_END_DECLS
