/* tandem-bench-share-wan.c: a busy 1920x1080 desktop shared over an
 * emulated access link (tests/support/tandem-test-netlink.h: real kernel
 * TCP between two network namespaces, the rate toward the viewer, 25 ms
 * each way, a 100 ms tail-drop queue) at 2, 10 and 50 Mbit/s, in one run:
 *
 *   - Tandem via the kamailio MSRP relay (default tcp_conn_wq_max), the
 *     relay on the sharer's side of the link, the viewer behind it;
 *   - Tandem direct (the viewer connects to the sharer over the link);
 *   - x11vnc over plain TCP on the same link.
 *
 * Every viewer is the same libvncclient asking for tight/zrle.  Tandem's
 * columns let the sharer pick the JPEG quality, as TandemVncView does by
 * default (tandem-rfb-quality.h); x11vnc runs once lossless and once
 * with JPEG quality level 6 (fixed: libvncclient does not adapt, and
 * x11vnc does not choose for the viewer).  The first complete frame is
 * when every pixel of the screen has arrived once (lossy or not);
 * "identical" is when the viewer first equals the screen pixel for pixel
 * (for Tandem: after the lossless refresh).  After that, text scrolls in
 * a terminal (20 lines/s) while a probe window changes colour now and
 * then.  Rows: first complete frame, identical, updates/s of the terminal
 * while scrolling, change-to-pixels p50/p90, Mbit/s on the link, and
 * whether the share survived and ended pixel-identical.  A benchmark
 * (prints a table and the targets), not a test.  Needs root
 * (namespaces).
 *
 *   tandem-bench-share-wan [runs per cell (1)] [scroll seconds (10)] [rates in Mbit/s (2,10,50)]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench-wan"

#define _GNU_SOURCE

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib.h>
#include <rfb/rfbclient.h>

#include "tandem-rfb-quality.h"
#include "tandem-test-desktop.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-netlink.h"
#include "tandem-test-share-link.h"
#include "tandem-test-xvfb.h"
#include "tandem-vnc-server.h"
#include "tandem-x11-capture.h"

#define SCREEN_W 1920
#define SCREEN_H 1080
#define DELAY_MS 25
#define QUEUE_MS 100
#define FIRST_FRAME_S 60
#define SETTLE_S 30
#define IDENTICAL_S 30

static TandemTestXvfb *xvfb;
static TandemTestDesktop *desktop;
static TandemTestRect term;
static int probe_x, probe_y;

/* ---- the measuring viewer (libvncclient on its own thread) ---------------- */

typedef struct {
  rfbClient *client;
  GThread   *thread;
  GMutex     lock;        /* for the fields below */
  gint       stop;
  gint64     first_frame;
  gint64     complete;    /* every pixel received once */
  guint8    *covered;     /* per pixel */
  gsize      n_covered;
  guint      updates;
  guint      term_updates;
  gboolean   term_touched;
  guint32    probe_want;
  gint64     probe_seen;
  gboolean   failed;
  gboolean   snap_wanted; /* the thread copies the framebuffer between messages */
  guint8    *snap;
  int        snap_w, snap_h;
} Viewer;

static int viewer_tag;

static void
on_update (rfbClient *client,
           int        x,
           int        y,
           int        w,
           int        h)
{
  Viewer *v = rfbClientGetClientData (client, &viewer_tag);

  if (v->complete == 0 && x >= 0 && y >= 0 && x + w <= client->width && y + h <= client->height)
    {
      gsize total = (gsize) client->width * client->height;

      if (v->covered == NULL)
        v->covered = g_malloc0 (total);
      for (int row = y; row < y + h; row++)
        for (int col = x; col < x + w; col++)
          {
            guint8 *c = &v->covered[(gsize) row * client->width + col];

            v->n_covered += *c == 0;
            *c = 1;
          }
    }
  if (x < term.x + term.width && x + w > term.x && y < term.y + term.height && y + h > term.y)
    {
      g_mutex_lock (&v->lock);
      v->term_touched = TRUE;
      g_mutex_unlock (&v->lock);
    }
}

static void
on_finished (rfbClient *client)
{
  Viewer *v = rfbClientGetClientData (client, &viewer_tag);
  guint32 pixel = ((guint32 *) client->frameBuffer)[probe_y * client->width + probe_x] & 0xffffff;
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&v->lock);
  if (v->first_frame == 0)
    v->first_frame = now;
  if (v->complete == 0 && v->n_covered == (gsize) client->width * client->height)
    {
      v->complete = now;
      g_clear_pointer (&v->covered, g_free);
    }
  v->updates++;
  if (v->term_touched)
    v->term_updates++;
  v->term_touched = FALSE;
  if (v->probe_seen == 0 && pixel == v->probe_want)
    v->probe_seen = now;
  g_mutex_unlock (&v->lock);
}

static void
quiet_log (const char *format,
           ...)
{
}

static gpointer
viewer_thread (gpointer data)
{
  Viewer *v = data;

  /* the handshake blocks, and Tandem's tunnels need the main context
   * meanwhile: not under the lock (the main thread reads v->failed) */
  if (!rfbInitClient (v->client, NULL, NULL))
    {
      g_mutex_lock (&v->lock);
      v->client = NULL;  /* freed by rfbInitClient */
      v->failed = TRUE;
      g_mutex_unlock (&v->lock);
      return NULL;
    }
  while (!g_atomic_int_get (&v->stop))
    {
      int r = WaitForMessage (v->client, 20000);

      if (r < 0 || (r > 0 && !HandleRFBServerMessage (v->client)))
        {
          g_mutex_lock (&v->lock);
          v->failed = TRUE;
          g_mutex_unlock (&v->lock);
          break;
        }
      g_mutex_lock (&v->lock);
      if (v->snap_wanted)
        {
          gsize size = (gsize) v->client->width * v->client->height * 4;

          v->snap = g_realloc (v->snap, size);
          memcpy (v->snap, v->client->frameBuffer, size);
          v->snap_w = v->client->width;
          v->snap_h = v->client->height;
          v->snap_wanted = FALSE;
        }
      g_mutex_unlock (&v->lock);
    }
  return NULL;
}

static int quality_encodings[] = { TANDEM_RFB_ENCODING_ADAPTIVE_QUALITY, 0 };
static rfbClientProtocolExtension quality_extension = { .encodings = quality_encodings };

static Viewer *
viewer_new (int      fd,
            gboolean jpeg)
{
  Viewer *v = g_new0 (Viewer, 1);
  rfbClient *client = rfbGetClient (8, 3, 4);

  g_mutex_init (&v->lock);
  v->probe_want = 0x1000000;  /* never */
  client->format.redShift = 16;
  client->format.greenShift = 8;
  client->format.blueShift = 0;
  client->appData.encodingsString = "tight zrle zlib hextile copyrect";
  client->appData.enableJPEG = jpeg;
  client->appData.compressLevel = 3;
  client->appData.qualityLevel = jpeg ? 6 : 9;
  client->appData.useRemoteCursor = TRUE;
  client->canHandleNewFBSize = TRUE;
  client->GotFrameBufferUpdate = on_update;
  client->FinishedFrameBufferUpdate = on_finished;
  rfbClientSetClientData (client, &viewer_tag, v);
  client->sock = fd;
  client->listenSpecified = TRUE;
  v->client = client;
  v->thread = g_thread_new ("bench-viewer", viewer_thread, v);
  return v;
}

static void
viewer_free (Viewer *v)
{
  g_atomic_int_set (&v->stop, 1);
  g_thread_join (v->thread);
  if (v->client != NULL)
    rfbClientCleanup (v->client);
  g_free (v->snap);
  g_free (v->covered);
  g_mutex_clear (&v->lock);
  g_free (v);
}

/* ---- one run ------------------------------------------------------------------ */

typedef enum { KIND_RELAY, KIND_DIRECT, KIND_X11VNC, KIND_X11VNC_JPEG, N_KINDS } Kind;

static const char *kind_names[N_KINDS] = { "Tandem relay", "Tandem direct", "x11vnc TCP", "x11vnc JPEG 6" };

typedef struct {
  guint   runs, survived, identical;
  GArray *first_frame_s;   /* of double, per surviving run */
  GArray *identical_s;
  GArray *ups;
  GArray *latency_ms;      /* all samples of all runs */
  GArray *mbit;
} Cell;

static void
pump (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (500);
    }
}

static void
on_viewer_added (TandemVncServer *server,
                 guint            id,
                 const char      *name,
                 gpointer         data)
{
  tandem_vnc_server_accept_viewer (server, id);
}

static int
connect_retrying (const char *netns,
                  const char *host,
                  int         port,
                  gint64      deadline)
{
  for (;;)
    {
      struct sockaddr_in sin = { 0 };
      int fd = tandem_test_netns_socket (netns, SOCK_STREAM, NULL);

      sin.sin_family = AF_INET;
      sin.sin_port = htons (port);
      inet_pton (AF_INET, host, &sin.sin_addr);
      if (fd >= 0 && connect (fd, (struct sockaddr *) &sin, sizeof sin) == 0)
        return fd;
      if (fd >= 0)
        close (fd);
      if (g_get_monotonic_time () > deadline)
        return -1;
      g_usleep (20000);
    }
}

static gboolean
viewer_alive (Viewer              *v,
              TandemTestShareLink *link)
{
  gboolean failed;

  g_mutex_lock (&v->lock);
  failed = v->failed;
  g_mutex_unlock (&v->lock);
  return !failed && (link == NULL || (!tandem_test_share_link_tunnel_closed (link, TRUE) &&
                                      !tandem_test_share_link_tunnel_closed (link, FALSE)));
}

/* Pixels of the viewer's framebuffer (a copy taken between messages)
 * that differ from the screen. */
static gsize
viewer_differences (Viewer              *v,
                    TandemTestShareLink *link)
{
  gboolean wanted = TRUE;
  gsize bad;

  g_mutex_lock (&v->lock);
  v->snap_wanted = TRUE;
  g_mutex_unlock (&v->lock);
  for (int i = 0; i < 2000 && wanted && viewer_alive (v, link); i++)
    {
      pump (2);
      g_mutex_lock (&v->lock);
      wanted = v->snap_wanted;
      g_mutex_unlock (&v->lock);
    }
  g_mutex_lock (&v->lock);
  bad = wanted || v->snap == NULL ? G_MAXSIZE
        : tandem_test_desktop_count_differences (desktop, v->snap, v->snap_w * 4, v->snap_w, v->snap_h);
  g_mutex_unlock (&v->lock);
  return bad;
}

static gboolean
on_scroll (gpointer data)
{
  tandem_test_desktop_scroll (desktop);
  return G_SOURCE_CONTINUE;
}

static void
run_one (guint64  rate_bps,
         Kind     kind,
         guint    scroll_s,
         Cell    *cell)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestNetlink) netlink = NULL;
  g_autoptr(TandemX11Capture) capture = NULL;
  TandemTestKamailio *relay = NULL;
  TandemTestShareLink *link = NULL;
  TandemVncServer *server = NULL;
  TandemTestNetlinkStats s0, s1;
  GPid x11vnc_pid = 0;
  Viewer *v;
  int viewer_fd = -1;
  gint64 t0, scroll_end, next_probe, complete = 0, identical = 0;
  guint updates = 0, last_updates = G_MAXUINT;
  guint ups0, ups1, scroll_id, probe_n = 0;
  gboolean alive;
  const char *near_ns, *near;

  cell->runs++;
  netlink = tandem_test_netlink_new (rate_bps, DELAY_MS, QUEUE_MS, &error);
  if (netlink == NULL)
    g_error ("link: %s", error->message);
  near_ns = tandem_test_netlink_get_netns (netlink, TANDEM_TEST_NETLINK_NEAR);
  near = tandem_test_netlink_get_address (netlink, TANDEM_TEST_NETLINK_NEAR);

  if (kind == KIND_X11VNC || kind == KIND_X11VNC_JPEG)
    {
      g_autofree char *port_str = NULL;
      int port = 5900 + g_random_int_range (100, 3000);
      const char *argv[] = { "ip", "netns", "exec", near_ns, "x11vnc",
                             "-display", tandem_test_xvfb_get_display (xvfb), "-rfbport", NULL,
                             "-listen", near, "-nopw", "-once", "-quiet", NULL };

      port_str = g_strdup_printf ("%d", port);
      argv[8] = port_str;
      if (!g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD
                          | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                          &x11vnc_pid, &error))
        g_error ("x11vnc: %s", error->message);
      viewer_fd = connect_retrying (tandem_test_netlink_get_netns (netlink, TANDEM_TEST_NETLINK_FAR),
                                    near, port, g_get_monotonic_time () + 20 * G_USEC_PER_SEC);
      if (viewer_fd < 0)
        g_error ("x11vnc did not listen on %s:%d", near, port);
    }
  else
    {
      int sharer_fd = -1;

      if (kind == KIND_RELAY)
        {
          relay = tandem_test_kamailio_start_in_netns (near_ns, near, &error);
          if (relay == NULL)
            g_error ("relay: %s", error->message);
        }
      link = tandem_test_share_link_new_on_netlink (kind == KIND_RELAY ? TANDEM_TEST_LINK_RELAY
                                                                        : TANDEM_TEST_LINK_DIRECT,
                                                    relay, netlink, &sharer_fd, &viewer_fd, &error);
      if (link == NULL)
        g_error ("share link: %s", error->message);
      capture = tandem_x11_capture_new_screen (tandem_test_xvfb_get_display (xvfb));
      server = tandem_vnc_server_new (TANDEM_CAPTURE (capture), "bench");
      g_signal_connect (server, "viewer-added", G_CALLBACK (on_viewer_added), NULL);
      if (!tandem_vnc_server_start (server, &error))
        g_error ("%s", error->message);
      tandem_vnc_server_add_viewer (server, sharer_fd, "bench");
    }

  t0 = g_get_monotonic_time ();
  v = viewer_new (viewer_fd, kind == KIND_X11VNC_JPEG);
  /* the first complete frame: every pixel has arrived */
  for (;;)
    {
      g_mutex_lock (&v->lock);
      complete = v->complete;
      g_mutex_unlock (&v->lock);
      if (complete != 0 || !viewer_alive (v, link) || g_get_monotonic_time () - t0 > FIRST_FRAME_S * G_USEC_PER_SEC)
        break;
      pump (5);
    }
  alive = viewer_alive (v, link) && complete != 0;
  /* ... and then pixel-identical (JPEG at a fixed quality never is) */
  while (alive && kind != KIND_X11VNC_JPEG && identical == 0
         && g_get_monotonic_time () - complete < IDENTICAL_S * G_USEC_PER_SEC)
    {
      /* compared only once updates pause (a compare costs the main
       * thread, which runs Tandem's tunnels, some milliseconds) */
      g_mutex_lock (&v->lock);
      updates = v->updates;
      g_mutex_unlock (&v->lock);
      if (updates == last_updates && viewer_differences (v, link) == 0)
        identical = g_get_monotonic_time ();
      last_updates = updates;
      pump (30);
      alive = viewer_alive (v, link);
    }
  if (alive)
    {
      double ff = (complete - t0) / (double) G_USEC_PER_SEC;

      g_array_append_val (cell->first_frame_s, ff);
      if (identical != 0)
        {
          double id = (identical - t0) / (double) G_USEC_PER_SEC;

          g_array_append_val (cell->identical_s, id);
        }
      pump (500);
      /* scrolling, with a probe now and then */
      tandem_test_netlink_get_stats (netlink, &s0);
      g_mutex_lock (&v->lock);
      ups0 = v->term_updates;
      g_mutex_unlock (&v->lock);
      scroll_id = g_timeout_add (50, on_scroll, NULL);
      scroll_end = g_get_monotonic_time () + scroll_s * G_USEC_PER_SEC;
      next_probe = g_get_monotonic_time () + 300 * 1000;
      while (g_get_monotonic_time () < scroll_end && viewer_alive (v, link))
        {
          gint64 now = g_get_monotonic_time ();

          if (now >= next_probe)
            {
              guint32 colour = (0x305070 + ++probe_n * 0x0b1d27) & 0xffffff;
              gint64 p0, pend, seen = 0;

              g_mutex_lock (&v->lock);
              v->probe_want = colour;
              v->probe_seen = 0;
              g_mutex_unlock (&v->lock);
              tandem_test_desktop_set_probe (desktop, colour);
              p0 = g_get_monotonic_time ();
              pend = p0 + 3 * G_USEC_PER_SEC;
              while (seen == 0 && g_get_monotonic_time () < pend && viewer_alive (v, link))
                {
                  pump (1);
                  g_mutex_lock (&v->lock);
                  seen = v->probe_seen;
                  g_mutex_unlock (&v->lock);
                }
              if (seen != 0)
                {
                  double ms = (seen - p0) / 1000.0;

                  g_array_append_val (cell->latency_ms, ms);
                }
              else
                {
                  double ms = 3000;   /* counted as 3 s */

                  g_array_append_val (cell->latency_ms, ms);
                }
              next_probe = g_get_monotonic_time () + (200 + g_random_int_range (0, 300)) * 1000;
            }
          pump (2);
        }
      g_source_remove (scroll_id);
      g_mutex_lock (&v->lock);
      ups1 = v->term_updates;
      g_mutex_unlock (&v->lock);
      tandem_test_netlink_get_stats (netlink, &s1);
      alive = viewer_alive (v, link);
      if (alive)
        {
          double ups = (ups1 - ups0) / (double) scroll_s;
          double mbit = (s1.down_bytes - s0.down_bytes) * 8.0 / scroll_s / 1e6;
          gint64 settle_end = g_get_monotonic_time () + SETTLE_S * G_USEC_PER_SEC;
          gsize bad = G_MAXSIZE;

          g_array_append_val (cell->ups, ups);
          g_array_append_val (cell->mbit, mbit);
          cell->survived++;
          while (kind != KIND_X11VNC_JPEG && g_get_monotonic_time () < settle_end && viewer_alive (v, link) &&
                 (bad = viewer_differences (v, link)) != 0)
            pump (200);
          cell->identical += bad == 0;
        }
    }
  if (link != NULL)
    {
      TandemSendWindowStats st;

      if (tandem_rfb_tunnel_get_window_stats (tandem_test_share_link_get_tunnel (link, TRUE), &st))
        g_message ("%s at %" G_GUINT64_FORMAT " Mbit/s: window %" G_GUINT64_FORMAT " B, rate %.2f Mbit/s, "
                   "min rtt %.1f ms, srtt %.1f ms, %u reports, %u shrinks",
                   kind_names[kind], rate_bps / 1000000, st.window, st.rate * 8 / 1e6,
                   st.min_rtt / 1000.0, st.srtt / 1000.0, st.reports, st.shrinks);
    }
  if (!alive && relay != NULL)
    {
      g_autofree char *tail = tandem_test_kamailio_dup_log_tail (relay, 400);

      g_message ("%s died; relay log tail:\n%s", kind_names[kind], tail);
    }

  viewer_free (v);
  if (server != NULL)
    {
      tandem_vnc_server_stop (server);
      while (tandem_vnc_server_get_running (server))
        pump (5);
      g_object_unref (server);
    }
  if (link != NULL)
    tandem_test_share_link_free (link);
  if (relay != NULL)
    tandem_test_kamailio_stop (relay);
  if (x11vnc_pid != 0)
    {
      for (int i = 0; i < 200 && waitpid (x11vnc_pid, NULL, WNOHANG) == 0; i++)
        g_usleep (10000);
      if (kill (x11vnc_pid, 0) == 0)
        {
          kill (x11vnc_pid, SIGTERM);
          waitpid (x11vnc_pid, NULL, 0);
        }
      g_spawn_close_pid (x11vnc_pid);
    }
}

/* ---- the table --------------------------------------------------------------- */

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            guint   p)
{
  if (values->len == 0)
    return -1;
  g_array_sort (values, compare_double);
  return g_array_index (values, double, MIN (values->len - 1, values->len * p / 100));
}

static double
mean (GArray *values)
{
  double sum = 0;

  if (values->len == 0)
    return -1;
  for (guint i = 0; i < values->len; i++)
    sum += g_array_index (values, double, i);
  return sum / values->len;
}

static void
print_value (double value,
             const char *format)
{
  if (value < 0)
    g_print (" %14s", "-");
  else
    {
      g_autofree char *text = g_strdup_printf (format, value);

      g_print (" %14s", text);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  guint runs = argc > 1 ? (guint) atoi (argv[1]) : 1;
  guint scroll_s = argc > 2 ? (guint) atoi (argv[2]) : 10;
  g_auto(GStrv) rate_list = g_strsplit (argc > 3 ? argv[3] : "2,10,50", ",", -1);
  guint n_rates = g_strv_length (rate_list);
  Cell cells[8][N_KINDS] = { { { 0 } } };

  if (!tandem_test_netlink_supported (&error))
    {
      g_printerr ("tandem-bench-share-wan: %s\n", error->message);
      return 77;
    }
  n_rates = MIN (n_rates, 8);
  /* Tandem's viewer lets the sharer pick the quality; x11vnc ignores it. */
  rfbClientRegisterExtension (&quality_extension);
  rfbClientLog = quiet_log;
  rfbClientErr = quiet_log;
  xvfb = tandem_test_xvfb_start (SCREEN_W, SCREEN_H, &error);
  if (xvfb == NULL)
    g_error ("Xvfb: %s", error->message);
  desktop = tandem_test_desktop_new (tandem_test_xvfb_get_display (xvfb), SCREEN_W, SCREEN_H);
  term = tandem_test_desktop_get_terminal (desktop);
  tandem_test_desktop_show_probe (desktop, &probe_x, &probe_y);

  for (guint r = 0; r < n_rates; r++)
    for (Kind k = 0; k < N_KINDS; k++)
      {
        Cell *c = &cells[r][k];

        c->first_frame_s = g_array_new (FALSE, FALSE, sizeof (double));
        c->identical_s = g_array_new (FALSE, FALSE, sizeof (double));
        c->ups = g_array_new (FALSE, FALSE, sizeof (double));
        c->latency_ms = g_array_new (FALSE, FALSE, sizeof (double));
        c->mbit = g_array_new (FALSE, FALSE, sizeof (double));
      }
  /* interleaved, so that a busy machine slows all alike */
  for (guint i = 0; i < runs; i++)
    for (guint r = 0; r < n_rates; r++)
      for (Kind k = 0; k < N_KINDS; k++)
        {
          guint64 rate = g_ascii_strtoull (rate_list[r], NULL, 10) * 1000000;

          g_message ("run %u: %s at %s Mbit/s", i + 1, kind_names[k], rate_list[r]);
          run_one (rate, k, scroll_s, &cells[r][k]);
        }

  g_print ("\nbusy 1920x1080 desktop, emulated link (rate toward the viewer, %d ms each way, %d ms queue), "
           "libvncclient viewer, %u run(s), %u s of scrolling text\n",
           DELAY_MS, QUEUE_MS, runs, scroll_s);
  for (guint r = 0; r < n_rates; r++)
    {
      Cell *c = cells[r];
      double ups_relay = mean (c[KIND_RELAY].ups), ups_direct = mean (c[KIND_DIRECT].ups);
      double ups_x = mean (c[KIND_X11VNC].ups);

      g_print ("\n%s Mbit/s %18s %14s %14s %14s\n", rate_list[r], kind_names[0], kind_names[1], kind_names[2],
               kind_names[3]);
      g_print ("  %-22s", "survived");
      for (Kind k = 0; k < N_KINDS; k++)
        {
          g_autofree char *text = g_strdup_printf ("%u/%u", c[k].survived, c[k].runs);

          g_print (" %14s", text);
        }
      g_print ("\n  %-22s", "pixel-identical after");
      for (Kind k = 0; k < N_KINDS; k++)
        {
          g_autofree char *text = g_strdup_printf ("%u/%u", c[k].identical, c[k].runs);

          g_print (" %14s", k == KIND_X11VNC_JPEG ? "-" : text);
        }
      g_print ("\n  %-22s", "first frame (s)");
      for (Kind k = 0; k < N_KINDS; k++)
        print_value (mean (c[k].first_frame_s), "%.1f");
      g_print ("\n  %-22s", "identical (s)");
      for (Kind k = 0; k < N_KINDS; k++)
        print_value (mean (c[k].identical_s), "%.1f");
      g_print ("\n  %-22s", "updates/s scrolling");
      for (Kind k = 0; k < N_KINDS; k++)
        print_value (mean (c[k].ups), "%.1f");
      g_print ("\n  %-22s", "change->pixels p50 ms");
      for (Kind k = 0; k < N_KINDS; k++)
        print_value (percentile (c[k].latency_ms, 50), "%.0f");
      g_print ("\n  %-22s", "change->pixels p90 ms");
      for (Kind k = 0; k < N_KINDS; k++)
        print_value (percentile (c[k].latency_ms, 90), "%.0f");
      g_print ("\n  %-22s", "Mbit/s used");
      for (Kind k = 0; k < N_KINDS; k++)
        print_value (mean (c[k].mbit), "%.2f");
      g_print ("\n  targets: relay first frame %.1f s (<= %s s: %s);", mean (c[KIND_RELAY].first_frame_s),
               atoi (rate_list[r]) <= 2 ? "4" : "2",
               mean (c[KIND_RELAY].first_frame_s) >= 0
               && mean (c[KIND_RELAY].first_frame_s) <= (atoi (rate_list[r]) <= 2 ? 4 : 2) ? "met" : "MISSED");
      g_print ("\n  targets: relay survives all (%s); relay/direct updates/s %.2f (>= 0.8: %s); "
               "relay/x11vnc updates/s %.2f (> 1: %s)\n",
               c[KIND_RELAY].survived == c[KIND_RELAY].runs ? "met" : "MISSED",
               ups_direct > 0 ? ups_relay / ups_direct : 0,
               ups_direct > 0 && ups_relay >= 0.8 * ups_direct ? "met" : "MISSED",
               ups_x > 0 ? ups_relay / ups_x : 0, ups_x > 0 && ups_relay > ups_x ? "met" : "MISSED");
    }

  tandem_test_desktop_free (desktop);
  tandem_test_xvfb_stop (xvfb);
  return 0;
}
