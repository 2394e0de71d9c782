/* test-rfb-tunnel.c: VNC-side socketpairs joined through two MSRP
 * sessions on loopback; integrity, backpressure, close propagation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tandem-msrp-message.h"
#include "tandem-msrp-session.h"
#include "tandem-rfb-tunnel.h"
#include "tandem-test-wait.h"

#define TOTAL (48u * 1024 * 1024)

typedef struct {
  GMainLoop *loop;
  int        pending;
} StartCtx;

static void
on_started (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StartCtx *ctx = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (tandem_msrp_session_start_finish (TANDEM_MSRP_SESSION (source), result, &error));
  if (--ctx->pending == 0)
    g_main_loop_quit (ctx->loop);
}

static void
make_pair (TandemMsrpSession **a, TandemMsrpSession **b)
{
  g_autofree char *sa = tandem_msrp_uri_new_session_id ();
  g_autofree char *sb = tandem_msrp_uri_new_session_id ();
  g_autoptr(TandemMsrpUri) ua = tandem_msrp_uri_new (FALSE, "127.0.0.1", 0, sa);
  g_autoptr(TandemMsrpUri) ub = tandem_msrp_uri_new (FALSE, "127.0.0.1", 9, sb);
  g_autoptr(GPtrArray) pa = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_msrp_uri_free);
  g_autoptr(GPtrArray) pb = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_msrp_uri_free);
  StartCtx ctx = { g_main_loop_new (NULL, FALSE), 2 };

  *a = tandem_msrp_session_new (ua, NULL);
  *b = tandem_msrp_session_new (ub, NULL);
  g_assert_true (tandem_msrp_session_listen (*a, NULL, 0, NULL));
  g_ptr_array_add (pa, tandem_msrp_uri_copy (tandem_msrp_session_get_local_uri (*a)));
  g_ptr_array_add (pb, tandem_msrp_uri_copy (ub));
  tandem_msrp_session_start_async (*a, TANDEM_MSRP_SETUP_PASSIVE, pb, NULL, NULL, on_started, &ctx);
  tandem_msrp_session_start_async (*b, TANDEM_MSRP_SETUP_ACTIVE, pa, NULL, NULL, on_started, &ctx);
  g_main_loop_run (ctx.loop);
  g_main_loop_unref (ctx.loop);
}

typedef struct {
  int      fd;
  guint64  seed;
  gsize    total;
  guint    delay_ms;     /* reader: wait before reading */
  char    *digest;
  gsize    done_bytes;
  gint     finished;
} Pump;

static void
fill (guint64 *state, guint8 *buf, gsize len)
{
  guint64 x = *state;

  for (gsize i = 0; i < len; i += 8)
    {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      memcpy (buf + i, &x, MIN (8, len - i));
    }
  *state = x;
}

static gpointer
writer_thread (gpointer data)
{
  Pump *p = data;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 *buf = g_malloc (100000);

  while (p->done_bytes < p->total)
    {
      gsize n = MIN (100000, p->total - p->done_bytes);
      gsize off = 0;

      fill (&p->seed, buf, n);
      g_checksum_update (sum, buf, n);
      while (off < n)
        {
          ssize_t w = write (p->fd, buf + off, n - off);

          g_assert_cmpint (w, >, 0);
          off += w;
        }
      g_atomic_pointer_set (&p->done_bytes, p->done_bytes + n);
    }
  p->digest = g_strdup (g_checksum_get_string (sum));
  g_free (buf);
  g_atomic_int_set (&p->finished, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

static gpointer
reader_thread (gpointer data)
{
  Pump *p = data;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 *buf = g_malloc (65536);

  if (p->delay_ms > 0)
    g_usleep (p->delay_ms * 1000);
  while (p->done_bytes < p->total)
    {
      ssize_t n = read (p->fd, buf, 65536);

      g_assert_cmpint (n, >, 0);
      g_checksum_update (sum, buf, n);
      p->done_bytes += n;
    }
  p->digest = g_strdup (g_checksum_get_string (sum));
  g_free (buf);
  g_atomic_int_set (&p->finished, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
run_transfer (guint delay_ms)
{
  TandemMsrpSession *a, *b;
  int pa[2], pb[2];
  TandemRfbTunnel *ta, *tb;
  Pump wa = { 0 }, ra = { 0 }, wb = { 0 }, rb = { 0 };
  GThread *threads[4];
  gsize written_at_stall = 0;
  gboolean expired = FALSE;
  guint expiry;
  gint64 start;

  make_pair (&a, &b);
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, pa), ==, 0);
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, pb), ==, 0);
  ta = tandem_rfb_tunnel_new (a, pa[1], NULL);
  tb = tandem_rfb_tunnel_new (b, pb[1], NULL);
  g_assert_nonnull (ta);
  g_assert_nonnull (tb);

  /* a's VNC end writes to b's, and the other way round */
  wa = (Pump) { .fd = pa[0], .seed = 1234567, .total = TOTAL };
  rb = (Pump) { .fd = pb[0], .total = TOTAL, .delay_ms = delay_ms };
  wb = (Pump) { .fd = pb[0], .seed = 7654321, .total = TOTAL / 4 };
  ra = (Pump) { .fd = pa[0], .total = TOTAL / 4 };
  start = g_get_monotonic_time ();
  threads[0] = g_thread_new ("wa", writer_thread, &wa);
  threads[1] = g_thread_new ("rb", reader_thread, &rb);
  threads[2] = g_thread_new ("wb", writer_thread, &wb);
  threads[3] = g_thread_new ("ra", reader_thread, &ra);

  /* Bounded like TANDEM_TEST_WAIT_UNTIL, with the stall measured on the way. */
  expiry = g_timeout_add (90000, tandem_test_on_wait_expired, &expired);
  while (!expired &&
         (!g_atomic_int_get (&wa.finished) || !g_atomic_int_get (&rb.finished) ||
          !g_atomic_int_get (&wb.finished) || !g_atomic_int_get (&ra.finished)))
    {
      g_main_context_iteration (NULL, TRUE);
      if (delay_ms > 0 && g_get_monotonic_time () - start < (delay_ms - 100) * 1000)
        written_at_stall = g_atomic_pointer_get (&wa.done_bytes);
    }
  g_assert_false (expired);
  g_source_remove (expiry);
  for (guint i = 0; i < 4; i++)
    g_thread_join (threads[i]);
  g_test_message ("%u MB + %u MB through the tunnel in %.2f s; buffered at most %" G_GSIZE_FORMAT
                  " / %" G_GSIZE_FORMAT " bytes", TOTAL >> 20, (TOTAL / 4) >> 20,
                  (g_get_monotonic_time () - start) / 1e6,
                  tandem_rfb_tunnel_get_max_buffered (ta), tandem_rfb_tunnel_get_max_buffered (tb));
  g_assert_cmpstr (wa.digest, ==, rb.digest);
  g_assert_cmpstr (wb.digest, ==, ra.digest);
  g_assert_cmpuint (tandem_rfb_tunnel_get_bytes_to_peer (ta), ==, TOTAL);
  g_assert_cmpuint (tandem_rfb_tunnel_get_bytes_from_peer (tb), ==, TOTAL);
  /* bounded: one read buffer of the connection plus one chunk */
  g_assert_cmpuint (tandem_rfb_tunnel_get_max_buffered (ta), <=, 2 * 256 * 1024 + 4096);
  g_assert_cmpuint (tandem_rfb_tunnel_get_max_buffered (tb), <=, 2 * 256 * 1024 + 4096);
  if (delay_ms > 0)
    {
      /* while b's VNC side did not read, a's writer was throttled by
       * socket buffers alone */
      g_test_message ("writer got %" G_GSIZE_FORMAT " bytes out during the stall", written_at_stall);
      g_assert_cmpuint (written_at_stall, <, 24 * 1024 * 1024);
    }

  /* closing one VNC end ends both sessions and the other VNC end */
  {
    char c;

    close (pa[0]);
    TANDEM_TEST_WAIT_UNTIL (!tandem_msrp_session_is_ready (b), 10000);
    g_assert_false (tandem_msrp_session_is_ready (b));
    g_assert_cmpint (read (pb[0], &c, 1), ==, 0);
    close (pb[0]);
  }
  g_free (wa.digest);
  g_free (ra.digest);
  g_free (wb.digest);
  g_free (rb.digest);
  g_object_unref (ta);
  g_object_unref (tb);
  g_object_unref (a);
  g_object_unref (b);
}

static void
test_transfer (void)
{
  run_transfer (0);
}

static void
test_backpressure (void)
{
  run_transfer (1000);
}

static void
test_chunk_size (void)
{
  g_autoptr(TandemMsrpUri) uri = tandem_msrp_uri_new (FALSE, "127.0.0.1", 2855, "abcdef");
  g_autoptr(TandemMsrpSession) s = tandem_msrp_session_new (uri, NULL);
  g_autoptr(GPtrArray) path = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_msrp_uri_free);
  gsize chunk;

  g_assert_cmpuint (tandem_msrp_session_get_max_chunk_size (s), ==, TANDEM_MSRP_DIRECT_CHUNK_SIZE);
  g_ptr_array_add (path, tandem_msrp_uri_parse ("msrp://relay.example:2855/r1;tcp", NULL));
  g_ptr_array_add (path, tandem_msrp_uri_copy (uri));
  tandem_msrp_session_set_own_path (s, path);
  chunk = tandem_msrp_session_get_max_chunk_size (s);
  g_assert_cmpuint (chunk, ==, TANDEM_MSRP_RELAY_CHUNK_SIZE);
  {
    /* a whole data SEND with that chunk (To-Path: the own relay and a
     * peer behind another one) stays within the frame limit */
    g_autofree char *own = tandem_msrp_uri_to_string (uri);
    g_autoptr(TandemMsrpMessage) msg = tandem_msrp_message_new_request (
      "SEND", "msrps://relay.example:2855/r1;tcp msrps://relay.example.net:2855/0a1b2c3d4e5f60718293;tcp "
      "msrps://192.168.100.200:49152/0123456789abcdef0123;tcp", own);
    g_autofree guint8 *body = g_malloc0 (chunk);
    g_autoptr(GBytes) wire = NULL;

    msg->message_id = tandem_msrp_new_message_id ();
    tandem_msrp_message_set_byte_range (msg, 1, chunk, chunk);
    msg->success_report = TANDEM_MSRP_REPORT_NO;
    msg->failure_report = TANDEM_MSRP_REPORT_PARTIAL;
    msg->content_type = g_strdup ("application/x-rfb");
    wire = tandem_msrp_message_serialize (msg, body, chunk, '$');
    g_assert_cmpuint (g_bytes_get_size (wire), <=, TANDEM_MSRP_RELAY_FRAME_LIMIT);
    g_assert_cmpuint (g_bytes_get_size (wire), <, 11239);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rfb-tunnel/transfer", test_transfer);
  g_test_add_func ("/rfb-tunnel/backpressure", test_backpressure);
  g_test_add_func ("/rfb-tunnel/chunk-size", test_chunk_size);
  return g_test_run ();
}
