/* test-netlink.c: the emulated access link fixture (tandem-test-netlink.h):
 * real TCP between its two namespaces arrives whole and in order with the
 * link's round trip, the rate limit's queue drops at its tail, and
 * kamailio answers the MSRP relay on the near side's address from the far
 * side.  Skipped where namespaces and TUN devices are not available.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-netlink"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "tandem-test-kamailio.h"
#include "tandem-test-netlink.h"

#define DELAY_MS 25
#define BULK_BYTES (600 * 1024)

static gboolean
skip_unless_supported (void)
{
  g_autoptr(GError) error = NULL;

  if (tandem_test_netlink_supported (&error))
    return FALSE;
  g_test_skip (error->message);
  return TRUE;
}

static void
sockaddr_for (const char         *address,
              guint16             port,
              struct sockaddr_in *sin)
{
  memset (sin, 0, sizeof *sin);
  sin->sin_family = AF_INET;
  sin->sin_port = htons (port);
  g_assert_cmpint (inet_pton (AF_INET, address, &sin->sin_addr), ==, 1);
}

typedef struct {
  int     fd;
  guint64 received;
  guint64 checksum;
} Sink;

static gpointer
sink_thread (gpointer data)
{
  Sink *sink = data;
  guint8 buf[65536];

  for (;;)
    {
      ssize_t n = recv (sink->fd, buf, sizeof buf, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      for (ssize_t i = 0; i < n; i++)
        sink->checksum = sink->checksum * 31 + buf[i] + (sink->received + i) % 251;
      sink->received += n;
    }
  return NULL;
}

/* Real TCP from the near to the far side at 2 Mbit/s: every byte arrives
 * in order, and the round trip is the link's (never less than 2 x delay). */
static void
test_tcp (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestNetlink) link = NULL;
  struct sockaddr_in sin;
  socklen_t len = sizeof sin;
  struct tcp_info info = { 0 };
  socklen_t info_len = sizeof info;
  TandemTestNetlinkStats stats;
  g_autofree guint8 *data = g_malloc (BULK_BYTES);
  guint64 want = 0;
  int lfd, cfd, afd;
  GThread *thread;
  Sink sink = { 0 };

  if (skip_unless_supported ())
    return;
  link = tandem_test_netlink_new (2000000, DELAY_MS, 100, &error);
  g_assert_no_error (error);

  lfd = tandem_test_netns_socket (tandem_test_netlink_get_netns (link, TANDEM_TEST_NETLINK_FAR),
                                  SOCK_STREAM, &error);
  g_assert_no_error (error);
  sockaddr_for (tandem_test_netlink_get_address (link, TANDEM_TEST_NETLINK_FAR), 0, &sin);
  g_assert_cmpint (bind (lfd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  g_assert_cmpint (listen (lfd, 1), ==, 0);
  g_assert_cmpint (getsockname (lfd, (struct sockaddr *) &sin, &len), ==, 0);

  cfd = tandem_test_netns_socket (tandem_test_netlink_get_netns (link, TANDEM_TEST_NETLINK_NEAR),
                                  SOCK_STREAM, &error);
  g_assert_no_error (error);
  g_assert_cmpint (connect (cfd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  afd = accept (lfd, NULL, NULL);
  g_assert_cmpint (afd, >=, 0);
  sink.fd = afd;
  thread = g_thread_new ("sink", sink_thread, &sink);

  for (gsize i = 0; i < BULK_BYTES; i++)
    data[i] = g_random_int () & 0xff;
  for (gsize i = 0; i < BULK_BYTES; i++)
    want = want * 31 + data[i] + i % 251;
  for (gsize done = 0; done < BULK_BYTES; )
    {
      ssize_t n = send (cfd, data + done, BULK_BYTES - done, MSG_NOSIGNAL);

      g_assert_cmpint (n, >, 0);
      done += n;
    }
  g_assert_cmpint (getsockopt (cfd, IPPROTO_TCP, TCP_INFO, &info, &info_len), ==, 0);
  shutdown (cfd, SHUT_WR);
  g_thread_join (thread);
  g_assert_cmpuint (sink.received, ==, BULK_BYTES);
  g_assert_cmpuint (sink.checksum, ==, want);
  /* the round trip is at least the two fixed delays */
  g_test_message ("rtt %u us (min %u us)", info.tcpi_rtt, info.tcpi_min_rtt);
  g_assert_cmpuint (info.tcpi_min_rtt, >=, 2 * DELAY_MS * 1000);

  tandem_test_netlink_get_stats (link, &stats);
  g_test_message ("down %" G_GUINT64_FORMAT " bytes in %" G_GUINT64_FORMAT " packets, %"
                  G_GUINT64_FORMAT " dropped, queue up to %u ms", stats.down_bytes,
                  stats.down_packets, stats.down_dropped, stats.max_queue_ms);
  g_assert_cmpuint (stats.down_bytes, >=, BULK_BYTES);
  g_assert_cmpuint (stats.max_queue_ms, <=, 100);
  close (afd);
  close (cfd);
  close (lfd);
}

/* A UDP burst far bigger than the 100 ms queue: the tail is dropped, what
 * is queued arrives. */
static void
test_tail_drop (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestNetlink) link = NULL;
  struct sockaddr_in sin;
  socklen_t len = sizeof sin;
  TandemTestNetlinkStats stats;
  char payload[1200] = { 0 };
  guint received = 0;
  int rfd, sfd;

  if (skip_unless_supported ())
    return;
  link = tandem_test_netlink_new (2000000, DELAY_MS, 100, &error);
  g_assert_no_error (error);
  rfd = tandem_test_netns_socket (tandem_test_netlink_get_netns (link, TANDEM_TEST_NETLINK_FAR),
                                  SOCK_DGRAM, &error);
  g_assert_no_error (error);
  sockaddr_for (tandem_test_netlink_get_address (link, TANDEM_TEST_NETLINK_FAR), 0, &sin);
  g_assert_cmpint (bind (rfd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  g_assert_cmpint (getsockname (rfd, (struct sockaddr *) &sin, &len), ==, 0);
  sfd = tandem_test_netns_socket (tandem_test_netlink_get_netns (link, TANDEM_TEST_NETLINK_NEAR),
                                  SOCK_DGRAM, &error);
  g_assert_no_error (error);
  /* 200 datagrams of 1228 IP bytes = 1 s at 2 Mbit/s, sent at once */
  for (guint i = 0; i < 200; i++)
    g_assert_cmpint (sendto (sfd, payload, sizeof payload, 0, (struct sockaddr *) &sin, sizeof sin), ==,
                     sizeof payload);
  for (;;)
    {
      struct timeval tv = { 1, 0 };
      char buf[2048];

      setsockopt (rfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      if (recv (rfd, buf, sizeof buf, 0) <= 0)
        break;
      received++;
    }
  tandem_test_netlink_get_stats (link, &stats);
  g_test_message ("%u of 200 arrived, %" G_GUINT64_FORMAT " dropped", received, stats.down_dropped);
  g_assert_cmpuint (stats.down_dropped, >, 0);
  g_assert_cmpuint (received + stats.down_dropped, ==, 200);
  /* about 100 ms of queue: ~21 datagrams; never the whole burst */
  g_assert_cmpuint (received, <, 100);
  close (rfd);
  close (sfd);
}

/* kamailio on the near side answers an AUTH from the far side, through
 * the link, with a Use-Path on the near side's address. */
static void
test_kamailio (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestNetlink) link = NULL;
  TandemTestKamailio *k;
  const char *near;
  struct sockaddr_in sin;
  g_autofree char *auth = NULL;
  char reply[2048] = "";
  gsize got = 0;
  int fd;

  if (skip_unless_supported ())
    return;
  link = tandem_test_netlink_new (2000000, DELAY_MS, 100, &error);
  g_assert_no_error (error);
  near = tandem_test_netlink_get_address (link, TANDEM_TEST_NETLINK_NEAR);
  k = tandem_test_kamailio_start_in_netns (tandem_test_netlink_get_netns (link, TANDEM_TEST_NETLINK_NEAR),
                                           near, &error);
  g_assert_no_error (error);

  fd = tandem_test_netns_socket (tandem_test_netlink_get_netns (link, TANDEM_TEST_NETLINK_FAR),
                                 SOCK_STREAM, &error);
  g_assert_no_error (error);
  sockaddr_for (near, tandem_test_kamailio_get_msrp_port (k), &sin);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  auth = g_strdup_printf ("MSRP a1 AUTH\r\nTo-Path: msrp://%s:%u;tcp\r\n"
                          "From-Path: msrp://%s:9/netlink;tcp\r\n-------a1$\r\n", near,
                          tandem_test_kamailio_get_msrp_port (k),
                          tandem_test_netlink_get_address (link, TANDEM_TEST_NETLINK_FAR));
  g_assert_cmpint (send (fd, auth, strlen (auth), MSG_NOSIGNAL), ==, strlen (auth));
  while (got < sizeof reply - 1 && strstr (reply, "-------a1") == NULL)
    {
      struct timeval tv = { 10, 0 };
      ssize_t n;

      setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      n = recv (fd, reply + got, sizeof reply - 1 - got, 0);
      g_assert_cmpint (n, >, 0);
      got += n;
      reply[got] = '\0';
    }
  g_assert_true (g_str_has_prefix (reply, "MSRP a1 401 "));
  close (fd);
  tandem_test_kamailio_stop (k);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/netlink/tcp", test_tcp);
  g_test_add_func ("/netlink/tail-drop", test_tail_drop);
  g_test_add_func ("/netlink/kamailio", test_kamailio);
  return g_test_run ();
}
