/* tandem-test-share-link.h: the media path of a share session, for tests
 * and benchmarks: two TandemMsrpSessions bound to each other (directly on
 * loopback, through a cuttable TCP forwarder, or through the kamailio MSRP
 * relay) with a TandemRfbTunnel at each end.  The caller gets the two VNC
 * ends: one for TandemVncServer (the sharer), one for the viewer.
 *
 * The relay AUTH (RFC 4976) is done here with blocking reads, at setup
 * only: the core has no relay client yet.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-rfb-tunnel.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-netlink.h"

G_BEGIN_DECLS

typedef enum {
  TANDEM_TEST_LINK_DIRECT,     /* viewer connects to the sharer's listener */
  TANDEM_TEST_LINK_FORWARDER,  /* ... through a TCP forwarder that can be cut */
  TANDEM_TEST_LINK_RELAY,      /* both through the kamailio MSRP relay */
} TandemTestLinkKind;

typedef struct _TandemTestShareLink TandemTestShareLink;

/* @relay: the kamailio for TANDEM_TEST_LINK_RELAY, else NULL.  Runs the
 * default main context until both sessions are bound. */
TandemTestShareLink *tandem_test_share_link_new        (TandemTestLinkKind   kind,
                                                        TandemTestKamailio  *relay,
                                                        int                 *sharer_fd,
                                                        int                 *viewer_fd,
                                                        GError             **error);
/* The same over an emulated access link: the sharer (and @relay, started
 * with tandem_test_kamailio_start_in_netns() there) on its near side, the
 * viewer on its far side.  DIRECT or RELAY only. */
TandemTestShareLink *tandem_test_share_link_new_on_netlink (TandemTestLinkKind   kind,
                                                        TandemTestKamailio  *relay,
                                                        TandemTestNetlink   *netlink,
                                                        int                 *sharer_fd,
                                                        int                 *viewer_fd,
                                                        GError             **error);
TandemRfbTunnel     *tandem_test_share_link_get_tunnel (TandemTestShareLink *self,
                                                        gboolean             sharer);
/* Whether the viewer's session answers Success-Report with REPORTs (the
 * default); FALSE plays a peer that ignores it (Blink). */
void                 tandem_test_share_link_set_viewer_reports (TandemTestShareLink *self,
                                                                gboolean             reports);
/* Forwarder only: cut both TCP connections abruptly once @bytes more have
 * gone from the sharer to the viewer. */
void                 tandem_test_share_link_cut_after  (TandemTestShareLink *self,
                                                        guint64              bytes);
gboolean             tandem_test_share_link_was_cut    (TandemTestShareLink *self);
/* Both tunnels have closed. */
gboolean             tandem_test_share_link_closed     (TandemTestShareLink *self);
gboolean             tandem_test_share_link_tunnel_closed (TandemTestShareLink *self,
                                                           gboolean             sharer);
/* Closes what is left, joins the forwarder. */
void                 tandem_test_share_link_free       (TandemTestShareLink *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemTestShareLink, tandem_test_share_link_free)

G_END_DECLS
