/* tandem-bench.c: `tandem-bench msrp [MB]` measures the MSRP transport
 * against raw loopback TCP driven the same way (GIO async on one main
 * loop, 256 KiB buffers, two writes in flight):
 *
 *   throughput   raw TCP, MSRP session direct, RFB tunnel direct
 *                (socketpair -> tunnel -> MSRP -> tunnel -> socketpair)
 *   overhead     MSRP framing bytes per payload byte, direct chunks and
 *                8 KiB relay-sized chunks with a relay in both paths
 *   latency      ping-pong round trip of a 64-byte chunk, raw vs MSRP;
 *                the added latency per chunk is half the difference
 *
 * Each throughput stage runs N times (TANDEM_BENCH_ROUNDS, default 5),
 * interleaved; best and median of N are printed, the targets use best.
 *
 * Targets: direct >= 90% of raw, overhead <= 1% direct and <= 5% via a
 * relay, added latency < 100 us per chunk.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>

#include "tandem-msrp-message.h"
#include "tandem-msrp-session.h"
#include "tandem-rfb-tunnel.h"
#ifdef TANDEM_BENCH_WITH_KAMAILIO
#include "tandem-msrp-relay-client.h"
#include "tandem-test-kamailio.h"
#endif

#define BUF (256 * 1024)

static gsize total_bytes;
static guint8 *payload;

/* ---- raw TCP ---------------------------------------------------------- */

typedef struct {
  GMainLoop     *loop;
  GOutputStream *out;
  GInputStream  *in;
  gsize          sent;
  gsize          received;
  int            in_flight;
  guint8        *rbuf;
  /* ping-pong */
  guint          rounds;
  gboolean       echo;
} Raw;

static void raw_write_more (Raw *r);

static void
on_raw_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Raw *r = user_data;

  g_assert_true (g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL));
  r->in_flight--;
  raw_write_more (r);
}

static void
raw_write_more (Raw *r)
{
  while (r->in_flight < 1 && r->sent < total_bytes)
    {
      gsize n = MIN (BUF, total_bytes - r->sent);

      r->sent += n;
      r->in_flight++;
      g_output_stream_write_all_async (r->out, payload, n, G_PRIORITY_DEFAULT, NULL,
                                       on_raw_written, r);
    }
}

static void
on_raw_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Raw *r = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  g_assert_cmpint (n, >, 0);
  r->received += n;
  if (r->received >= total_bytes)
    {
      g_main_loop_quit (r->loop);
      return;
    }
  g_input_stream_read_async (r->in, r->rbuf, BUF, G_PRIORITY_DEFAULT, NULL, on_raw_read, r);
}

static void
tcp_pair (GSocketConnection **client, GSocketConnection **server)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GSocketClient) sc = g_socket_client_new ();
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  g_socket_listener_add_address (listener, addr, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, NULL);
  *client = g_socket_client_connect (sc, G_SOCKET_CONNECTABLE (effective), NULL, NULL);
  *server = g_socket_listener_accept (listener, NULL, NULL, NULL);
  g_socket_set_option (g_socket_connection_get_socket (*client), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  g_socket_set_option (g_socket_connection_get_socket (*server), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

static double
bench_raw (void)
{
  g_autoptr(GSocketConnection) c = NULL;
  g_autoptr(GSocketConnection) s = NULL;
  Raw r = { .loop = g_main_loop_new (NULL, FALSE) };
  gint64 t0;

  tcp_pair (&c, &s);
  r.out = g_io_stream_get_output_stream (G_IO_STREAM (c));
  r.in = g_io_stream_get_input_stream (G_IO_STREAM (s));
  r.rbuf = g_malloc (BUF);
  t0 = g_get_monotonic_time ();
  raw_write_more (&r);
  g_input_stream_read_async (r.in, r.rbuf, BUF, G_PRIORITY_DEFAULT, NULL, on_raw_read, &r);
  g_main_loop_run (r.loop);
  while (r.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  g_free (r.rbuf);
  g_main_loop_unref (r.loop);
  return total_bytes / ((g_get_monotonic_time () - t0) / 1e6);
}

/* ---- MSRP session ------------------------------------------------------ */

typedef struct {
  GMainLoop *loop;
  int        pending;
} StartCtx;

static void
on_started (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StartCtx *ctx = user_data;

  g_assert_true (tandem_msrp_session_start_finish (TANDEM_MSRP_SESSION (source), result, NULL));
  if (--ctx->pending == 0)
    g_main_loop_quit (ctx->loop);
}

static void
session_pair (TandemMsrpSession **a, TandemMsrpSession **b)
{
  g_autofree char *sa = tandem_msrp_uri_new_session_id ();
  g_autofree char *sb = tandem_msrp_uri_new_session_id ();
  g_autoptr(TandemMsrpUri) ua = tandem_msrp_uri_new (FALSE, "127.0.0.1", 0, sa);
  g_autoptr(TandemMsrpUri) ub = tandem_msrp_uri_new (FALSE, "127.0.0.1", 2855, sb);
  g_autoptr(GPtrArray) pa = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_msrp_uri_free);
  g_autoptr(GPtrArray) pb = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_msrp_uri_free);
  StartCtx ctx = { g_main_loop_new (NULL, FALSE), 2 };

  *a = tandem_msrp_session_new (ua, NULL);
  *b = tandem_msrp_session_new (ub, NULL);
  tandem_msrp_session_listen (*a, NULL, 0, NULL);
  g_ptr_array_add (pa, tandem_msrp_uri_copy (tandem_msrp_session_get_local_uri (*a)));
  g_ptr_array_add (pb, tandem_msrp_uri_copy (ub));
  tandem_msrp_session_start_async (*a, TANDEM_MSRP_SETUP_PASSIVE, pb, NULL, NULL, on_started, &ctx);
  tandem_msrp_session_start_async (*b, TANDEM_MSRP_SETUP_ACTIVE, pa, NULL, NULL, on_started, &ctx);
  g_main_loop_run (ctx.loop);
  g_main_loop_unref (ctx.loop);
}

typedef struct {
  GMainLoop         *loop;
  TandemMsrpSession *tx;
  GBytes            *piece;
  gsize              sent;
  gsize              received;
  int                in_flight;
  guint              rounds;
  TandemMsrpSession *a;
  gsize              window;     /* 0: no limit; else sent - received */
} Msrp;

static void msrp_send_more (Msrp *m);

static void
on_msrp_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Msrp *m = user_data;

  g_assert_true (tandem_msrp_session_send_finish (TANDEM_MSRP_SESSION (source), result, NULL));
  m->in_flight--;
  msrp_send_more (m);
}

static void
msrp_send_more (Msrp *m)
{
  while (m->in_flight < 2 && m->sent < total_bytes &&
         (m->window == 0 || m->sent - m->received < m->window))
    {
      m->sent += g_bytes_get_size (m->piece);
      m->in_flight++;
      tandem_msrp_session_send_async (m->tx, m->piece, NULL, on_msrp_sent, m);
    }
}

static void
on_msrp_data (TandemMsrpSession *s, GBytes *bytes, gpointer user_data)
{
  Msrp *m = user_data;

  m->received += g_bytes_get_size (bytes);
  if (m->received >= total_bytes)
    g_main_loop_quit (m->loop);
  else if (m->window != 0)
    msrp_send_more (m);
}

static double
bench_msrp (guint64 *wire_bytes)
{
  TandemMsrpSession *a, *b;
  Msrp m = { .loop = g_main_loop_new (NULL, FALSE) };
  gint64 t0;

  session_pair (&a, &b);
  m.tx = b;
  m.piece = g_bytes_new_static (payload, BUF);
  g_signal_connect (a, "data-received", G_CALLBACK (on_msrp_data), &m);
  t0 = g_get_monotonic_time ();
  msrp_send_more (&m);
  g_main_loop_run (m.loop);
  t0 = g_get_monotonic_time () - t0;
  while (m.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  *wire_bytes = tandem_msrp_session_get_bytes_sent (b);
  g_bytes_unref (m.piece);
  g_object_unref (a);
  g_object_unref (b);
  g_main_loop_unref (m.loop);
  return total_bytes / (t0 / 1e6);
}

/* ---- tunnel ------------------------------------------------------------ */

typedef struct {
  int   fd;
  gsize total;
  gint  done;
} Pump;

static gpointer
tunnel_writer (gpointer data)
{
  Pump *p = data;

  for (gsize sent = 0; sent < p->total;)
    {
      ssize_t n = write (p->fd, payload, MIN (BUF, p->total - sent));

      g_assert_cmpint (n, >, 0);
      sent += n;
    }
  return NULL;
}

static gpointer
tunnel_reader (gpointer data)
{
  Pump *p = data;
  guint8 *buf = g_malloc (BUF);

  for (gsize got = 0; got < p->total;)
    {
      ssize_t n = read (p->fd, buf, BUF);

      g_assert_cmpint (n, >, 0);
      got += n;
    }
  g_free (buf);
  g_atomic_int_set (&p->done, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

static double
bench_tunnel (void)
{
  TandemMsrpSession *a, *b;
  int pa[2], pb[2];
  TandemRfbTunnel *ta, *tb;
  Pump w, r;
  GThread *tw, *tr;
  gint64 t0;

  session_pair (&a, &b);
  socketpair (AF_UNIX, SOCK_STREAM, 0, pa);
  socketpair (AF_UNIX, SOCK_STREAM, 0, pb);
  ta = tandem_rfb_tunnel_new (a, pa[1], NULL);
  tb = tandem_rfb_tunnel_new (b, pb[1], NULL);
  w = (Pump) { pa[0], total_bytes, 0 };
  r = (Pump) { pb[0], total_bytes, 0 };
  t0 = g_get_monotonic_time ();
  tw = g_thread_new ("w", tunnel_writer, &w);
  tr = g_thread_new ("r", tunnel_reader, &r);
  while (!g_atomic_int_get (&r.done))
    g_main_context_iteration (NULL, TRUE);
  t0 = g_get_monotonic_time () - t0;
  g_thread_join (tw);
  g_thread_join (tr);
  close (pa[0]);
  close (pb[0]);
  g_object_unref (ta);
  g_object_unref (tb);
  g_object_unref (a);
  g_object_unref (b);
  return total_bytes / (t0 / 1e6);
}

/* ---- raw tunnel: the same socketpair hops, plain TCP in between ------- */

typedef struct {
  GInputStream  *in;
  GOutputStream *out;
  guint8        *buf;
} RawPump;

static void pump_read (RawPump *p);

static void
on_pump_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RawPump *p = user_data;

  if (g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    pump_read (p);
}

static void
on_pump_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RawPump *p = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    return;
  g_output_stream_write_all_async (p->out, p->buf, n, G_PRIORITY_DEFAULT, NULL,
                                   on_pump_written, p);
}

static void
pump_read (RawPump *p)
{
  g_input_stream_read_async (p->in, p->buf, BUF, G_PRIORITY_DEFAULT, NULL, on_pump_read, p);
}

static double
bench_raw_tunnel (void)
{
  g_autoptr(GSocketConnection) c = NULL;
  g_autoptr(GSocketConnection) s = NULL;
  int pa[2], pb[2];
  RawPump p1, p2;
  Pump w, r;
  GThread *tw, *tr;
  gint64 t0;

  tcp_pair (&c, &s);
  socketpair (AF_UNIX, SOCK_STREAM, 0, pa);
  socketpair (AF_UNIX, SOCK_STREAM, 0, pb);
  p1 = (RawPump) { g_unix_input_stream_new (pa[1], TRUE),
                   g_io_stream_get_output_stream (G_IO_STREAM (c)), g_malloc (BUF) };
  p2 = (RawPump) { g_io_stream_get_input_stream (G_IO_STREAM (s)),
                   g_unix_output_stream_new (pb[1], TRUE), g_malloc (BUF) };
  w = (Pump) { pa[0], total_bytes, 0 };
  r = (Pump) { pb[0], total_bytes, 0 };
  t0 = g_get_monotonic_time ();
  pump_read (&p1);
  pump_read (&p2);
  tw = g_thread_new ("w", tunnel_writer, &w);
  tr = g_thread_new ("r", tunnel_reader, &r);
  while (!g_atomic_int_get (&r.done))
    g_main_context_iteration (NULL, TRUE);
  t0 = g_get_monotonic_time () - t0;
  g_thread_join (tw);
  g_thread_join (tr);
  close (pa[0]);
  close (pb[0]);
  g_io_stream_close (G_IO_STREAM (c), NULL, NULL);
  g_io_stream_close (G_IO_STREAM (s), NULL, NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (p1.in);
  g_object_unref (p2.out);
  g_free (p1.buf);
  g_free (p2.buf);
  return total_bytes / (t0 / 1e6);
}

/* ---- through the kamailio relay (tests/support fixture) ---------------- */

#ifdef TANDEM_BENCH_WITH_KAMAILIO
typedef struct {
  GMainLoop *loop;
  guint      id;
} Stall;

static gboolean
on_stalled (gpointer user_data)
{
  Stall *stall = user_data;

  stall->id = 0;
  g_main_loop_quit (stall->loop);
  return G_SOURCE_REMOVE;
}

static void
on_relay_auth (GObject *source, GAsyncResult *result, gpointer user_data)
{
  int *pending = user_data;

  g_assert_true (tandem_msrp_relay_client_auth_finish (TANDEM_MSRP_RELAY_CLIENT (source), result, NULL));
  (*pending)--;
}

static double
bench_relay (TandemTestKamailio *world, gsize bytes, guint64 *wire, gsize *chunk)
{
  g_autofree char *relay_str = tandem_test_kamailio_dup_msrp_relay_uri (world, FALSE);
  g_autoptr(TandemMsrpUri) relay = tandem_msrp_uri_parse (relay_str, NULL);
  g_autofree char *sa = tandem_msrp_uri_new_session_id ();
  g_autofree char *sb = tandem_msrp_uri_new_session_id ();
  g_autoptr(TandemMsrpUri) ua = tandem_msrp_uri_new (FALSE, "127.0.0.1", 2855, sa);
  g_autoptr(TandemMsrpUri) ub = tandem_msrp_uri_new (FALSE, "127.0.0.1", 2855, sb);
  g_autoptr(TandemMsrpRelayClient) ra = tandem_msrp_relay_client_new (relay, "alice", "alice-pw");
  g_autoptr(TandemMsrpRelayClient) rb = tandem_msrp_relay_client_new (relay, "bob", "bob-pw");
  g_autoptr(GPtrArray) pa = NULL;
  g_autoptr(GPtrArray) pb = NULL;
  TandemMsrpSession *a, *b;
  StartCtx ctx = { g_main_loop_new (NULL, FALSE), 2 };
  Msrp m = { .loop = g_main_loop_new (NULL, FALSE) };
  int pending = 2;
  gsize saved_total = total_bytes;
  Stall stall;
  gint64 t0;

  tandem_msrp_relay_client_auth_async (ra, ua, NULL, on_relay_auth, &pending);
  tandem_msrp_relay_client_auth_async (rb, ub, NULL, on_relay_auth, &pending);
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);
  pa = tandem_msrp_relay_client_dup_advertised_path (ra);
  pb = tandem_msrp_relay_client_dup_advertised_path (rb);
  a = tandem_msrp_session_new (ua, NULL);
  b = tandem_msrp_session_new (ub, NULL);
  tandem_msrp_session_set_own_path (a, pa);
  tandem_msrp_session_set_own_path (b, pb);
  tandem_msrp_relay_client_attach_session (ra, a);
  tandem_msrp_relay_client_attach_session (rb, b);
  tandem_msrp_session_start_on_connection_async (a, TANDEM_MSRP_SETUP_PASSIVE, pb,
                                                 tandem_msrp_relay_client_get_connection (ra),
                                                 NULL, on_started, &ctx);
  tandem_msrp_session_start_on_connection_async (b, TANDEM_MSRP_SETUP_ACTIVE, pa,
                                                 tandem_msrp_relay_client_get_connection (rb),
                                                 NULL, on_started, &ctx);
  g_main_loop_run (ctx.loop);
  g_main_loop_unref (ctx.loop);

  *chunk = tandem_msrp_session_get_max_chunk_size (b);
  total_bytes = bytes;
  m.tx = b;
  m.piece = g_bytes_new_static (payload, BUF);
  /* end-to-end window: the fixture's kamailio drops frames it cannot
   * forward at once, so the sender waits for what the other side got,
   * as the VNC protocol does */
  m.window = 2 * BUF;
  g_signal_connect (a, "data-received", G_CALLBACK (on_msrp_data), &m);
  t0 = g_get_monotonic_time ();
  msrp_send_more (&m);
  stall.loop = m.loop;
  stall.id = g_timeout_add_seconds (60, on_stalled, &stall);
  g_main_loop_run (m.loop);
  t0 = g_get_monotonic_time () - t0;
  g_clear_handle_id (&stall.id, g_source_remove);
  if (m.received < bytes)
    {
      g_print ("  via kamailio relay   STALLED after %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
               " bytes (the relay dropped frames)\n", m.received, bytes);
      exit (1);
    }
  while (m.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  *wire = tandem_msrp_session_get_bytes_sent (b);
  total_bytes = saved_total;
  g_bytes_unref (m.piece);
  tandem_msrp_session_close (a);
  tandem_msrp_session_close (b);
  g_object_unref (a);
  g_object_unref (b);
  g_main_loop_unref (m.loop);
  return bytes / (t0 / 1e6);
}
#endif

/* ---- latency ----------------------------------------------------------- */

#define ROUNDS 2000
#define PING 64

static double
latency_raw (void)
{
  g_autoptr(GSocketConnection) c = NULL;
  g_autoptr(GSocketConnection) s = NULL;
  GSocket *cs, *ss;
  char buf[PING];
  gint64 t0;

  tcp_pair (&c, &s);
  cs = g_socket_connection_get_socket (c);
  ss = g_socket_connection_get_socket (s);
  memset (buf, 'x', sizeof buf);
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < ROUNDS; i++)
    {
      gsize got = 0;

      g_socket_send (cs, buf, PING, NULL, NULL);
      while (got < PING)
        got += g_socket_receive (ss, buf, PING - got, NULL, NULL);
      g_socket_send (ss, buf, PING, NULL, NULL);
      got = 0;
      while (got < PING)
        got += g_socket_receive (cs, buf, PING - got, NULL, NULL);
    }
  return (g_get_monotonic_time () - t0) / (double) ROUNDS;
}

static void
on_ping (TandemMsrpSession *s, GBytes *bytes, gpointer user_data)
{
  Msrp *m = user_data;

  if (s != m->a)
    {
      tandem_msrp_session_send_async (s, bytes, NULL, NULL, NULL); /* echo */
      return;
    }
  if (++m->rounds == ROUNDS)
    {
      g_main_loop_quit (m->loop);
      return;
    }
  tandem_msrp_session_send_async (m->a, m->piece, NULL, NULL, NULL);
}

static double
latency_msrp (void)
{
  TandemMsrpSession *a, *b;
  Msrp m = { .loop = g_main_loop_new (NULL, FALSE) };
  gint64 t0;

  session_pair (&a, &b);
  m.a = a;
  m.piece = g_bytes_new_static (payload, PING);
  g_signal_connect (a, "data-received", G_CALLBACK (on_ping), &m);
  g_signal_connect (b, "data-received", G_CALLBACK (on_ping), &m);
  t0 = g_get_monotonic_time ();
  tandem_msrp_session_send_async (a, m.piece, NULL, NULL, NULL);
  g_main_loop_run (m.loop);
  t0 = g_get_monotonic_time () - t0;
  g_bytes_unref (m.piece);
  g_object_unref (a);
  g_object_unref (b);
  g_main_loop_unref (m.loop);
  return t0 / (double) ROUNDS;
}

/* framing bytes of one data SEND of @chunk bytes with the given paths */
static gsize
framing (gsize chunk, const char *to_path, const char *from_path)
{
  g_autoptr(TandemMsrpMessage) msg = tandem_msrp_message_new_request ("SEND", to_path, from_path);
  g_autoptr(GBytes) wire = NULL;

  msg->message_id = tandem_msrp_new_message_id ();
  tandem_msrp_message_set_byte_range (msg, 1, chunk, chunk);
  msg->success_report = TANDEM_MSRP_REPORT_NO;
  msg->failure_report = TANDEM_MSRP_REPORT_PARTIAL;
  msg->content_type = g_strdup ("application/x-rfb");
  wire = tandem_msrp_message_serialize (msg, payload, chunk, '$');
  return g_bytes_get_size (wire) - chunk;
}

#define MAX_ROUNDS 15

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* best of @n runs; the median goes to @median */
static double
best (const double *runs, int n, double *median)
{
  double sorted[MAX_ROUNDS];

  memcpy (sorted, runs, n * sizeof *runs);
  qsort (sorted, n, sizeof *sorted, compare_double);
  *median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return sorted[n - 1];
}

static int
bench_msrp_main (int argc, char **argv)
{
  double raw_runs[MAX_ROUNDS] = { 0 }, msrp_runs[MAX_ROUNDS] = { 0 };
  double tunnel_runs[MAX_ROUNDS] = { 0 }, raw_tunnel_runs[MAX_ROUNDS] = { 0 };
  double raw_med, msrp_med, tunnel_med, raw_tunnel_med;
  int rounds;
  double raw, msrp, tunnel, raw_tunnel, lat_raw, lat_msrp, over_direct, over_relay, over_relay2;
  gsize relay2_framing;
  guint64 wire = 0;
  gsize relay_framing;
  guint64 seed = 42;
  gboolean ok;

  total_bytes = (argc > 2 ? g_ascii_strtoull (argv[2], NULL, 10) : 1024) * 1024 * 1024;
  payload = g_malloc (BUF);
  for (gsize i = 0; i < BUF; i++)
    {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      payload[i] = seed >> 56;
    }

  {
    const char *only = g_getenv ("TANDEM_BENCH_ONLY"); /* for profiling one stage */
    const char *rounds_env = g_getenv ("TANDEM_BENCH_ROUNDS");

    /* N rounds, interleaved so that noise hits every stage alike; best
     * and median of N are printed */
    rounds = rounds_env != NULL ? CLAMP (atoi (rounds_env), 1, MAX_ROUNDS) : 5;
    for (int round = 0; round < rounds; round++)
      {
        if (only == NULL || strcmp (only, "raw") == 0)
          raw_runs[round] = bench_raw ();
        if (only == NULL || strcmp (only, "session") == 0)
          msrp_runs[round] = bench_msrp (&wire);
        if (only == NULL || strcmp (only, "raw-tunnel") == 0)
          raw_tunnel_runs[round] = bench_raw_tunnel ();
        if (only == NULL || strcmp (only, "tunnel") == 0)
          tunnel_runs[round] = bench_tunnel ();
      }
    raw = best (raw_runs, rounds, &raw_med);
    msrp = best (msrp_runs, rounds, &msrp_med);
    raw_tunnel = best (raw_tunnel_runs, rounds, &raw_tunnel_med);
    tunnel = best (tunnel_runs, rounds, &tunnel_med);
    if (only != NULL && strcmp (only, "relay") != 0)
      {
        g_print ("%s: best %.1f MB/s, median %.1f MB/s\n", only,
                 MAX (MAX (raw, msrp), MAX (tunnel, raw_tunnel)) / 1e6,
                 MAX (MAX (raw_med, msrp_med), MAX (tunnel_med, raw_tunnel_med)) / 1e6);
        return 0;
      }
  }
  over_direct = (double) (wire - total_bytes) / total_bytes;
  /* via a relay: 8 KiB bodies, headers on top (RFC 4976 paths: To-Path
   * is the sender's relays, then the peer's a=path; From-Path is the
   * sender's own URI, relays add themselves) */
  relay_framing = framing (TANDEM_MSRP_RELAY_CHUNK_SIZE,
                           "msrps://relay.tandem.test:2855/0a1b2c3d4e5f60718293;tcp "
                           "msrps://192.168.100.200:49152/0123456789abcdef0123;tcp",
                           "msrps://192.168.100.201:49153/fedcba98765432100123;tcp");
  over_relay = (double) relay_framing / TANDEM_MSRP_RELAY_CHUNK_SIZE;
  relay2_framing = framing (TANDEM_MSRP_RELAY_CHUNK_SIZE,
                            "msrps://relay.tandem.test:2855/9f8e7d6c5b4a39281706;tcp "
                            "msrps://relay.tandem.test:2855/0a1b2c3d4e5f60718293;tcp "
                            "msrps://192.168.100.200:49152/0123456789abcdef0123;tcp",
                            "msrps://192.168.100.201:49153/fedcba98765432100123;tcp");
  over_relay2 = (double) relay2_framing / TANDEM_MSRP_RELAY_CHUNK_SIZE;
  lat_raw = latency_raw ();
  lat_msrp = latency_msrp ();

  g_print ("tandem-bench msrp: %" G_GSIZE_FORMAT " MB per throughput run, %d rounds, loopback; "
           "best (median) of the rounds\n", total_bytes >> 20, rounds);
  g_print ("  raw TCP              %8.1f (%8.1f) MB/s\n", raw / 1e6, raw_med / 1e6);
  g_print ("  MSRP session direct  %8.1f (%8.1f) MB/s   %5.1f%% (%5.1f%%) of raw TCP "
           "(target >= 90%%)\n", msrp / 1e6, msrp_med / 1e6, 100 * msrp / raw, 100 * msrp_med / raw_med);
  g_print ("  raw tunnel           %8.1f (%8.1f) MB/s   (socketpair -> TCP -> socketpair, byte pumps)\n",
           raw_tunnel / 1e6, raw_tunnel_med / 1e6);
  g_print ("  RFB tunnel direct    %8.1f (%8.1f) MB/s   %5.1f%% (%5.1f%%) of the raw tunnel, "
           "%5.1f%% of raw TCP\n", tunnel / 1e6, tunnel_med / 1e6, 100 * tunnel / raw_tunnel,
           100 * tunnel_med / raw_tunnel_med, 100 * tunnel / raw);
  g_print ("  overhead direct      %8.4f%%  (%d KiB chunks, measured wire bytes; target <= 1%%)\n",
           100 * over_direct, TANDEM_MSRP_DIRECT_CHUNK_SIZE / 1024);
  g_print ("  overhead via relay   %8.4f%%  (%" G_GSIZE_FORMAT " framing bytes per 8 KiB body, "
           "peer behind a relay; target <= 5%%)\n", 100 * over_relay, relay_framing);
  g_print ("  overhead via 2 relays%8.4f%%  (%" G_GSIZE_FORMAT " framing bytes per 8 KiB body, "
           "both behind relays; target <= 5%%)\n", 100 * over_relay2, relay2_framing);
  g_print ("  round trip raw       %8.1f us\n", lat_raw);
  g_print ("  round trip MSRP      %8.1f us   added %.1f us per chunk (target < 100 us), "
           "ratio %.2f\n", lat_msrp, (lat_msrp - lat_raw) / 2, lat_msrp / lat_raw);
  ok = msrp >= 0.9 * raw && tunnel >= 0.9 * raw_tunnel && over_direct <= 0.01 && over_relay <= 0.05 &&
       over_relay2 <= 0.05 &&
       (lat_msrp - lat_raw) / 2 < 100;
#ifdef TANDEM_BENCH_WITH_KAMAILIO
  if (g_getenv ("TANDEM_SOURCE_DIR") != NULL)
    {
      g_autoptr(GError) error = NULL;
      TandemTestKamailio *world = tandem_test_kamailio_start (&error);

      if (world != NULL)
        {
          guint64 relay_wire = 0;
          const char *relay_mb = g_getenv ("TANDEM_BENCH_RELAY_MB");
          gsize relay_bytes = (relay_mb != NULL ? g_ascii_strtoull (relay_mb, NULL, 10) : 64) * 1024 * 1024;
          gsize chunk = 0;
          double relay = bench_relay (world, relay_bytes, &relay_wire, &chunk);
          double over = (double) (relay_wire - relay_bytes) / relay_bytes;

          g_print ("  via kamailio relay   %8.1f MB/s   %5.1f%% of raw TCP (both sides behind the relay, "
                   "%" G_GSIZE_FORMAT " B bodies)\n", relay / 1e6, 100 * relay / raw, chunk);
          g_print ("  overhead via relay   %8.4f%%  (measured wire bytes; target <= 5%%)\n", 100 * over);
          ok = ok && over <= 0.05;
          tandem_test_kamailio_stop (world);
        }
      else
        g_print ("  via kamailio relay   not measured: %s\n", error->message);
    }
  else
    g_print ("  via kamailio relay   not measured (set TANDEM_SOURCE_DIR to run the fixture)\n");
#else
  g_print ("  via kamailio relay   not measured (built without tests/support)\n");
#endif
  g_print ("%s\n", ok ? "all targets met" : "TARGETS MISSED");

  g_free (payload);
  return ok ? 0 : 1;
}

int
main (int argc, char **argv)
{
  if (argc < 2 || strcmp (argv[1], "msrp") != 0)
    {
      g_printerr ("usage: %s msrp [megabytes]\n", argv[0]);
      return 2;
    }
  return bench_msrp_main (argc, argv);
}
