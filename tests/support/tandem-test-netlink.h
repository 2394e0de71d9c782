/* tandem-test-netlink.h: an emulated access link for one test.
 *
 * Two network namespaces of their own ("t10-<pid>-<n>a", the near side,
 * and "t10-<pid>-<n>b", the far side), each with one TUN device, joined by
 * a user-space forwarder thread in the test process:
 *
 *   near 10.210.0.1  <--TUN-- forwarder --TUN-->  far 10.210.0.2
 *
 * - near -> far ("down"): rate limited (bits per second; 0 = unlimited),
 *   a tail-drop queue of @queue_ms worth of bytes at that rate, then
 *   @delay_ms of fixed delay;
 * - far -> near ("up"): @delay_ms of fixed delay, no rate limit.
 *
 * TCP between the namespaces is real kernel TCP (slow start, autotuning,
 * a real round trip): this kernel has no sch_netem, and a shaping proxy on
 * loopback hides what a link with a real RTT shows.  Nothing outside the
 * two namespaces is touched: the addresses live only inside them.
 *
 * Processes (kamailio) run inside a namespace with
 * `ip netns exec <netns> ...`; the test itself creates sockets in a
 * namespace with tandem_test_netns_socket() (the calling thread enters the
 * namespace for the socket() call only; a socket stays in the namespace it
 * was created in) or runs a synchronous call inside it between
 * tandem_test_netns_enter() and tandem_test_netns_leave().
 *
 * Needs CAP_NET_ADMIN + CAP_SYS_ADMIN (root), /dev/net/tun and ip(8):
 * tandem_test_netlink_supported() says why not, for g_test_skip().
 * tandem_test_netlink_free() stops the forwarder and deletes both
 * namespaces; namespaces left by a test process that died are removed by
 * the next tandem_test_netlink_new().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _TandemTestNetlink TandemTestNetlink;

typedef enum {
  TANDEM_TEST_NETLINK_NEAR,
  TANDEM_TEST_NETLINK_FAR,
} TandemTestNetlinkSide;

typedef struct {
  guint64 down_bytes;        /* IP bytes delivered near -> far */
  guint64 down_packets;
  guint64 down_dropped;      /* tail drops of the down queue */
  guint64 up_bytes;
  guint   max_queue_ms;      /* the longest the down queue has been */
} TandemTestNetlinkStats;

gboolean           tandem_test_netlink_supported   (GError             **error);
TandemTestNetlink *tandem_test_netlink_new         (guint64              down_bits_per_s,
                                                    guint                delay_ms,
                                                    guint                queue_ms,
                                                    GError             **error);
void               tandem_test_netlink_set_rate    (TandemTestNetlink   *self,
                                                    guint64              down_bits_per_s);
const char        *tandem_test_netlink_get_netns   (TandemTestNetlink   *self,
                                                    TandemTestNetlinkSide side);
const char        *tandem_test_netlink_get_address (TandemTestNetlink   *self,
                                                    TandemTestNetlinkSide side);
void               tandem_test_netlink_get_stats   (TandemTestNetlink   *self,
                                                    TandemTestNetlinkStats *stats);
void               tandem_test_netlink_free        (TandemTestNetlink   *self);

/* Sockets and calls in a named namespace (any, not only a link's). */
int                tandem_test_netns_socket        (const char          *netns,
                                                    int                  type,
                                                    GError             **error);
gboolean           tandem_test_netns_enter         (const char          *netns,
                                                    GError             **error);
void               tandem_test_netns_leave         (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemTestNetlink, tandem_test_netlink_free)

G_END_DECLS
