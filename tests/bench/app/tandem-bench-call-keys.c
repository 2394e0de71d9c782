/* tandem-bench-call-keys.c: how long two Tandems take to agree on a
 * call's ZRTP keys across a slow, delayed access link, against the link's
 * round trip measured in the same run, and how much of the 10 s after
 * which a call gives up on its keys (TandemCall) that leaves.
 *
 * alice runs on the near side of an emulated link
 * (tests/support/tandem-test-netlink.h: two network namespaces joined by
 * a user-space forwarder with a rate limit and a fixed delay each way);
 * bob and kamailio on the far side.  Per round trip, alice calls bob
 * several times; the time is from bob's answer until both call bars show
 * the security code (polled over D-Bus every 50 ms).  The reference is
 * the round trip of a TCP handshake across the same link, measured
 * before the calls.
 *
 * Needs root (namespaces) and a session bus of its own:
 *   dbus-run-session -- _build/test/tests/bench/app/tandem-bench-call-keys
 * TANDEM_BENCH_CALLS (default 3) sets the calls per round trip.  A
 * benchmark (prints a table), not a test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tandem-test-app.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-netlink.h"
#include "tandem-test-xvfb.h"

#define RATE_BPS        1000000   /* a slow access link: 1 Mbit/s */
#define QUEUE_MS        200
#define GIVE_UP_S       10        /* TandemCall's KEY_AGREEMENT_TIMEOUT_S */

typedef struct {
  guint   rtt_ms;                 /* as configured: 2 x the one-way delay */
  double  measured_rtt_ms;        /* median TCP handshake */
  GArray *seconds;                /* key agreement per call */
} Row;

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_double);
  return values->len ? g_array_index (values, double, values->len / 2) : 0;
}

/* One TCP handshake from @netns to @address:@port: connect() returns
 * after the SYN-ACK, one round trip. */
static double
handshake_ms (const char *netns,
              const char *address,
              guint16     port)
{
  g_autoptr(GError) error = NULL;
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = tandem_test_netns_socket (netns, SOCK_STREAM, &error);
  gint64 start;
  double ms;

  if (fd < 0)
    g_error ("socket in %s: %s", netns, error->message);
  inet_pton (AF_INET, address, &sin.sin_addr);
  start = g_get_monotonic_time ();
  if (connect (fd, (struct sockaddr *) &sin, sizeof sin) != 0)
    g_error ("connect to %s:%u: %s", address, port, g_strerror (errno));
  ms = (g_get_monotonic_time () - start) / 1000.0;
  close (fd);
  return ms;
}

static double
measure_rtt (const char *netns,
             const char *address,
             guint16     port)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));

  for (int i = 0; i < 5; i++)
    {
      double ms = handshake_ms (netns, address, port);

      g_array_append_val (values, ms);
    }
  return median (values);
}

static char *
provision (const char *me,
           const char *peer,
           const char *bind_address,
           const char *server_address,
           guint16     server_port)
{
  return g_strdup_printf ("[network]\nbind-address=%s\n"
                          "[account %s]\nidentity=sip:%s@tandem.test\npassword=%s-pw\n"
                          "server=sip:%s:%u\ntransport=udp\n"
                          "[contact %s]\naddress=sip:%s@tandem.test\n",
                          bind_address, me, me, me, server_address, server_port, peer, peer);
}

static gboolean
has_code (TandemTestApp *app)
{
  g_autofree char *state = tandem_test_app_action_state (app, "verify-call");

  return state != NULL && (g_str_has_prefix (state, "zrtp:") || g_str_has_prefix (state, "verified:") ||
                           g_str_has_prefix (state, "mismatch:"));
}

static void
run_row (Row   *row,
         guint  calls)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestNetlink) netlink = NULL;
  g_autoptr(TandemTestKamailio) world = NULL;
  g_autofree char *alice_ini = NULL;
  g_autofree char *bob_ini = NULL;
  TandemTestApp *alice;
  TandemTestApp *bob;
  const char *near_ns, *far_ns, *near, *far;
  guint16 port;
  const char *route_near[] = { "ip", "-n", NULL, "route", "add", "default", "via", NULL, NULL };
  const char *route_far[] = { "ip", "-n", NULL, "route", "add", "default", "via", NULL, NULL };
  int status;

  netlink = tandem_test_netlink_new (RATE_BPS, row->rtt_ms / 2, QUEUE_MS, &error);
  if (netlink == NULL)
    g_error ("link: %s", error->message);
  near_ns = tandem_test_netlink_get_netns (netlink, TANDEM_TEST_NETLINK_NEAR);
  far_ns = tandem_test_netlink_get_netns (netlink, TANDEM_TEST_NETLINK_FAR);
  near = tandem_test_netlink_get_address (netlink, TANDEM_TEST_NETLINK_NEAR);
  far = tandem_test_netlink_get_address (netlink, TANDEM_TEST_NETLINK_FAR);
  /* liblinphone counts a machine without a default route as offline. */
  route_near[2] = near_ns;
  route_near[7] = far;
  route_far[2] = far_ns;
  route_far[7] = near;
  g_free (tandem_test_run (route_near, &status));
  g_assert_cmpint (status, ==, 0);
  g_free (tandem_test_run (route_far, &status));
  g_assert_cmpint (status, ==, 0);

  world = tandem_test_kamailio_start_in_netns (far_ns, far, &error);
  if (world == NULL)
    g_error ("kamailio: %s", error->message);
  port = tandem_test_kamailio_get_sip_port (world);
  row->measured_rtt_ms = measure_rtt (near_ns, far, port);

  alice_ini = provision ("alice", "bob", near, far, port);
  bob_ini = provision ("bob", "alice", far, far, port);
  alice = tandem_test_app_start_in_netns ("keys-alice", alice_ini, near_ns);
  bob = tandem_test_app_start_in_netns ("keys-bob", bob_ini, far_ns);
  if (!tandem_test_wait_for_windows ("Tandem", 2, 30000))
    g_error ("the apps did not open their windows");

  for (guint i = 0; i < calls; i++)
    {
      gint64 answered, deadline;
      double seconds = -1;

      tandem_test_app_call_until_ringing (alice, bob, "sip:bob@tandem.test");
      g_assert_true (tandem_test_app_activate (bob, "answer", NULL));
      answered = g_get_monotonic_time ();
      deadline = answered + 30 * G_USEC_PER_SEC;
      while (g_get_monotonic_time () < deadline)
        {
          if (has_code (alice) && has_code (bob))
            {
              seconds = (g_get_monotonic_time () - answered) / 1e6;
              break;
            }
          g_usleep (50 * 1000);
        }
      if (seconds < 0)
        g_error ("RTT %u ms, call %u: no security code within 30 s", row->rtt_ms, i + 1);
      g_printerr ("RTT %u ms, call %u: keys agreed %.2f s after the answer\n", row->rtt_ms, i + 1, seconds);
      g_array_append_val (row->seconds, seconds);
      g_assert_true (tandem_test_app_activate (alice, "hangup", NULL));
      g_assert_true (tandem_test_app_wait_enabled (alice, "hangup", FALSE, 15000));
      g_assert_true (tandem_test_app_wait_enabled (bob, "hangup", FALSE, 15000));
    }

  tandem_test_app_stop (alice);
  tandem_test_app_stop (bob);
}

int
main (int   argc,
      char *argv[])
{
  static const guint rtts[] = { 0, 100, 300, 600 };
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestXvfb) xvfb = NULL;
  guint calls = g_getenv ("TANDEM_BENCH_CALLS") ? atoi (g_getenv ("TANDEM_BENCH_CALLS")) : 3;
  Row rows[G_N_ELEMENTS (rtts)];

  if (!tandem_test_netlink_supported (&error))
    {
      g_printerr ("tandem-bench-call-keys needs network namespaces: %s\n", error->message);
      return 77;
    }
  if (g_getenv ("TANDEM_BUILD_DIR") == NULL)
    g_setenv ("TANDEM_BUILD_DIR", TANDEM_BENCH_BUILD_DIR, TRUE);
  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  xvfb = tandem_test_xvfb_start (1920, 1080, &error);
  if (xvfb == NULL)
    g_error ("Xvfb: %s", error->message);
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (xvfb), TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (rtts); i++)
    {
      rows[i].rtt_ms = rtts[i];
      rows[i].seconds = g_array_new (FALSE, FALSE, sizeof (double));
      run_row (&rows[i], MAX (calls, 1));
    }

  g_print ("\nZRTP key agreement between two Tandems over a %u Mbit/s link "
           "(answer -> security code on both sides; %u calls per row)\n\n",
           RATE_BPS / 1000000, MAX (calls, 1));
  g_print ("| RTT set | RTT measured (TCP handshake) | keys agreed, median (min-max) | median / RTT | of the %u s timeout |\n",
           GIVE_UP_S);
  g_print ("|---|---|---|---|---|\n");
  for (guint i = 0; i < G_N_ELEMENTS (rtts); i++)
    {
      GArray *s = rows[i].seconds;
      double med = median (s);
      char ratio[32] = "-";

      if (rows[i].measured_rtt_ms >= 1)
        g_snprintf (ratio, sizeof ratio, "%.1fx", med * 1000 / rows[i].measured_rtt_ms);
      g_print ("| %u ms | %.0f ms | %.2f s (%.2f-%.2f) | %s | %.0f %% |\n",
               rows[i].rtt_ms, rows[i].measured_rtt_ms, med,
               g_array_index (s, double, 0), g_array_index (s, double, s->len - 1),
               ratio, 100 * med / GIVE_UP_S);
      g_array_unref (s);
    }
  return 0;
}
