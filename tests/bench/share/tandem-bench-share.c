/* tandem-bench-share.c: Tandem's share engine (TandemVncServer on
 * TandemX11Capture, through two TandemRfbTunnels over bound MSRP sessions
 * on loopback) against x11vnc over plain TCP, on one 1920x1080 Xvfb, in
 * one run; then the Wayland path (TandemPortalCapture: the ScreenCast
 * portal and PipeWire on a headless 1920x1080 GNOME session, the same
 * server, link and viewer) against the X11 one (--no-wayland skips it).  Both are watched by the same libvncclient viewer (lossless
 * tight/zrle, as TandemVncView asks) on its own thread.  A benchmark, not
 * a test: prints a table with Tandem/x11vnc ratios and the targets.
 *
 * Then Tandem's server again, watched the way TandemVncView watches it
 * since issue 13: libvncclient in the sandboxed tandem-vnc-decoder
 * process, the pixels in its shared memory, each finished update a
 * message to the main context; against the in-process libvncclient thread
 * (what the viewer was before), in the same run.
 *
 *   tandem-bench-share [changes]        (default 50 latency probes)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench-share"

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib.h>
#include <rfb/rfbclient.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include "tandem-portal-capture.h"
#include "tandem-test-gnome.h"
#include "tandem-test-share-link.h"
#include "tandem-test-xvfb.h"
#include "tandem-vnc-connection.h"
#include "tandem-vnc-server.h"
#include "tandem-x11-capture.h"

#define SCREEN_W 1920
#define SCREEN_H 1080
#define PROBE_SIZE 100
#define REGION_W 640
#define REGION_H 480
#define FPS_SECONDS 3
#define IDLE_SECONDS 5

/* Where the probe and the moving region are on the shared screen (the
 * Wayland client's window is placed by mutter: found by its marker). */
static int PROBE_X = 200, PROBE_Y = 200, REGION_X = 600, REGION_Y = 300;

/* How the probe changes colour and the region starts and stops moving:
 * X windows here, or the Wayland client's stdin. */
static void (*set_probe) (guint32 colour);
static gpointer (*start_region) (void);
static guint (*stop_region) (gpointer painter);

static TandemTestXvfb *xvfb;
static Display *dpy;
static Window background;
static Window probe;

/* ---- the measuring viewer ------------------------------------------------- */

typedef struct {
  rfbClient *client;
  GThread   *thread;
  TandemVncConnection *conn;   /* the decoder process instead */
  GMutex     lock;
  gint       stop;
  /* under lock */
  gint64     first_frame;      /* monotonic us of the first complete update */
  guint      updates;
  guint      region_updates;   /* updates that touched the moving region */
  gboolean   region_touched;
  guint32    probe_want;
  gint64     probe_seen;       /* 0 until the probe colour is on screen */
  gboolean   failed;
} Viewer;

static int viewer_tag;

static Viewer *
viewer_of (rfbClient *client)
{
  return rfbClientGetClientData (client, &viewer_tag);
}

static void
on_update (rfbClient *client,
           int        x,
           int        y,
           int        w,
           int        h)
{
  Viewer *v = viewer_of (client);

  if (x < REGION_X + REGION_W && x + w > REGION_X && y < REGION_Y + REGION_H && y + h > REGION_Y)
    v->region_touched = TRUE;
}

static void
on_finished (rfbClient *client)
{
  Viewer *v = viewer_of (client);
  guint32 pixel = ((guint32 *) client->frameBuffer)[(PROBE_Y + PROBE_SIZE / 2) * client->width
                                                    + PROBE_X + PROBE_SIZE / 2] & 0xffffff;
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&v->lock);
  if (v->first_frame == 0)
    v->first_frame = now;
  v->updates++;
  if (v->region_touched)
    v->region_updates++;
  v->region_touched = FALSE;
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

  /* The handshake blocks; Tandem's tunnels need the main context meanwhile. */
  if (!rfbInitClient (v->client, NULL, NULL))
    {
      v->client = NULL;  /* freed by rfbInitClient */
      g_mutex_lock (&v->lock);
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
    }
  return NULL;
}

/* @fd >= 0: an fd already connected (Tandem's tunnel end); else TCP to
 * 127.0.0.1:@port. */
static Viewer *
viewer_new (int fd,
            int port)
{
  Viewer *v = g_new0 (Viewer, 1);
  rfbClient *client = rfbGetClient (8, 3, 4);

  g_mutex_init (&v->lock);
  v->probe_want = 0x1000000;  /* never */
  client->format.redShift = 16;
  client->format.greenShift = 8;
  client->format.blueShift = 0;
  client->appData.encodingsString = "tight zrle zlib hextile copyrect";
  client->appData.enableJPEG = FALSE;
  client->appData.compressLevel = 3;
  client->appData.qualityLevel = 9;
  client->appData.useRemoteCursor = TRUE;
  client->canHandleNewFBSize = TRUE;
  client->GotFrameBufferUpdate = on_update;
  client->FinishedFrameBufferUpdate = on_finished;
  rfbClientSetClientData (client, &viewer_tag, v);
  if (fd >= 0)
    {
      client->sock = fd;
      client->listenSpecified = TRUE;
    }
  else
    {
      client->serverHost = strdup ("127.0.0.1");
      client->serverPort = port;
    }
  v->client = client;
  v->thread = g_thread_new ("bench-viewer", viewer_thread, v);
  return v;
}

/* ---- the same, through the decoder process (main context) ----------------- */

static void
on_decoder_connected (gpointer    data,
                      int         width,
                      int         height,
                      const char *name)
{
}

static void
on_decoder_ended (gpointer      data,
                  const GError *error)
{
  Viewer *v = data;

  g_mutex_lock (&v->lock);
  v->failed = TRUE;
  g_mutex_unlock (&v->lock);
}

static void
on_decoder_resized (gpointer data,
                    int      width,
                    int      height)
{
}

static void
on_decoder_redraw (gpointer data,
                   int      x,
                   int      y,
                   int      w,
                   int      h)
{
  Viewer *v = data;
  int width, height, stride;
  guint generation;
  const guint8 *pixels = tandem_vnc_connection_lock (v->conn, &width, &height, &stride, &generation);
  guint32 pixel = ((const guint32 *) (pixels + (gsize) (PROBE_Y + PROBE_SIZE / 2) * stride))[PROBE_X + PROBE_SIZE / 2]
                  & 0xffffff;
  gint64 now = g_get_monotonic_time ();

  tandem_vnc_connection_unlock (v->conn);
  g_mutex_lock (&v->lock);
  if (v->first_frame == 0)
    v->first_frame = now;
  v->updates++;
  if (x < REGION_X + REGION_W && x + w > REGION_X && y < REGION_Y + REGION_H && y + h > REGION_Y)
    v->region_updates++;
  if (v->probe_seen == 0 && pixel == v->probe_want)
    v->probe_seen = now;
  g_mutex_unlock (&v->lock);
}

static void
on_decoder_cursor (gpointer         data,
                   cairo_surface_t *image,
                   int              xhot,
                   int              yhot)
{
}

static void
on_decoder_cut_text (gpointer    data,
                     const char *utf8)
{
}

static const TandemVncConnectionCallbacks decoder_callbacks = {
  on_decoder_connected, on_decoder_ended, on_decoder_resized, on_decoder_redraw,
  on_decoder_cursor, on_decoder_cut_text,
};

static Viewer *
viewer_new_decoder (int fd)
{
  g_autoptr(GError) error = NULL;
  Viewer *v = g_new0 (Viewer, 1);

  g_mutex_init (&v->lock);
  v->probe_want = 0x1000000;  /* never */
  v->conn = tandem_vnc_connection_new (fd, 0, &decoder_callbacks, v, &error);
  if (v->conn == NULL)
    g_error ("decoder: %s", error->message);
  return v;
}

static void
viewer_free (Viewer *v)
{
  if (v->conn != NULL)
    {
      tandem_vnc_connection_close (v->conn);
      g_mutex_clear (&v->lock);
      g_free (v);
      return;
    }
  g_atomic_int_set (&v->stop, 1);
  g_thread_join (v->thread);
  if (v->client != NULL)
    rfbClientCleanup (v->client);
  g_mutex_clear (&v->lock);
  g_free (v);
}

/* ---- the screen ----------------------------------------------------------- */

static guint32
pattern (int x,
         int y,
         int phase)
{
  return ((guint32) ((x * 3 + phase) & 0xff) << 16) | ((guint32) ((y * 2 + phase * 3) & 0xff) << 8)
         | (((x / 16) ^ (y / 16) ^ phase) & 0xff);
}

static Window
make_window (Display *d,
             int      x,
             int      y,
             int      w,
             int      h)
{
  XSetWindowAttributes attrs = { 0 };
  Window win;

  attrs.override_redirect = True;
  attrs.background_pixel = 0x404040;
  win = XCreateWindow (d, DefaultRootWindow (d), x, y, w, h, 0, CopyFromParent, InputOutput,
                       CopyFromParent, CWOverrideRedirect | CWBackPixel, &attrs);
  XMapRaised (d, win);
  return win;
}

static void
put_pattern (Display *d,
             Window   win,
             int      w,
             int      h,
             int      phase)
{
  char *data = malloc ((gsize) w * h * 4);
  XImage *image = XCreateImage (d, DefaultVisual (d, 0), 24, ZPixmap, 0, data, w, h, 32, 0);
  GC gc = XCreateGC (d, win, 0, NULL);

  for (int y = 0; y < h; y++)
    {
      guint32 *row = (guint32 *) (data + (gsize) y * image->bytes_per_line);

      for (int x = 0; x < w; x++)
        row[x] = pattern (x, y, phase);
    }
  XPutImage (d, win, gc, image, 0, 0, 0, 0, w, h);
  XFreeGC (d, gc);
  XDestroyImage (image);
}

/* A 640x480 region repainted at 60 Hz from its own X connection. */
typedef struct {
  gint     stop;
  guint    painted;
  GThread *thread;
} Painter;

static gpointer
painter_thread (gpointer data)
{
  Painter *p = data;
  Display *d = XOpenDisplay (tandem_test_xvfb_get_display (xvfb));
  Window win = make_window (d, REGION_X, REGION_Y, REGION_W, REGION_H);
  gint64 next = g_get_monotonic_time ();

  while (!g_atomic_int_get (&p->stop))
    {
      put_pattern (d, win, REGION_W, REGION_H, (int) p->painted * 7);
      XSync (d, False);
      p->painted++;
      next += G_USEC_PER_SEC / 60;
      if (next > g_get_monotonic_time ())
        g_usleep (next - g_get_monotonic_time ());
    }
  XDestroyWindow (d, win);
  XCloseDisplay (d);
  return NULL;
}

static void
x11_set_probe (guint32 colour)
{
  XSetWindowBackground (dpy, probe, colour);
  XClearWindow (dpy, probe);
  XSync (dpy, False);
}

static gpointer
x11_start_region (void)
{
  Painter *painter = g_new0 (Painter, 1);

  painter->thread = g_thread_new ("bench-painter", painter_thread, painter);
  return painter;
}

static guint
x11_stop_region (gpointer data)
{
  Painter *painter = data;
  guint painted;

  g_atomic_int_set (&painter->stop, 1);
  g_thread_join (painter->thread);
  painted = painter->painted;
  g_free (painter);
  return painted;
}

/* ---- measuring ------------------------------------------------------------- */

typedef struct {
  const char *name;
  double      first_frame_ms;
  double      latency_p50_ms;
  double      latency_p95_ms;
  int         latency_misses;
  double      fps;
  double      source_fps;      /* frames the painter drew */
  double      bytes_per_frame;
  double      idle_cpu_percent;
} Result;

/* Something that makes progress while we wait: Tandem's tunnels run on
 * the main context. */
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

static gboolean
on_tick (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main context for up to @ms, sleeping in poll() as an
 * application's main loop does, so that what arrives on a source (the
 * decoder's control socket) is dispatched at once, not at pump()'s next
 * turn.  (The in-process viewer stamps its own times on its thread.) */
static void
run_for (guint ms)
{
  gboolean over = FALSE;
  guint id = g_timeout_add (ms, on_tick, &over);

  while (!over)
    g_main_context_iteration (NULL, TRUE);
  (void) id;
}

static gboolean
on_idle_over (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Lets the main context sleep as an application's would (pump() spins). */
static void
idle_for (guint ms)
{
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add (ms, on_idle_over, loop);
  g_main_loop_run (loop);
  g_main_loop_unref (loop);
}

static gboolean
wait_first_frame (Viewer *v,
                  guint   ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      gboolean done;

      g_mutex_lock (&v->lock);
      done = v->first_frame != 0;
      g_mutex_unlock (&v->lock);
      if (done)
        return TRUE;
      pump (1);
    }
  return FALSE;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
measure_latency (Viewer *v,
                 guint   changes,
                 Result *r)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < changes; i++)
    {
      guint32 colour = (0x203040 + i * 0x0b1d27) & 0xffffff;
      gint64 t0, end;
      gboolean seen = FALSE;

      g_mutex_lock (&v->lock);
      v->probe_want = colour;
      v->probe_seen = 0;
      g_mutex_unlock (&v->lock);
      set_probe (colour);
      t0 = g_get_monotonic_time ();
      end = t0 + 2 * G_USEC_PER_SEC;
      while (!seen && g_get_monotonic_time () < end)
        {
          run_for (1);
          g_mutex_lock (&v->lock);
          if (v->probe_seen != 0)
            {
              double ms = (v->probe_seen - t0) / 1000.0;

              g_array_append_val (samples, ms);
              seen = TRUE;
            }
          g_mutex_unlock (&v->lock);
        }
      r->latency_misses += !seen;
      /* Changes at irregular intervals, so a poller's phase is sampled. */
      pump (40 + g_random_int_range (0, 60));
    }
  g_array_sort (samples, compare_double);
  if (samples->len > 0)
    {
      r->latency_p50_ms = g_array_index (samples, double, samples->len / 2);
      r->latency_p95_ms = g_array_index (samples, double, MIN (samples->len - 1, samples->len * 95 / 100));
    }
}

static void
measure_fps (Viewer   *v,
             guint64 (*rfb_bytes) (gpointer data),
             gpointer  data,
             Result   *r)
{
  gpointer painter = start_region ();
  guint before, after;
  guint64 bytes_before, bytes_after;

  pump (1000);   /* warm up */
  g_mutex_lock (&v->lock);
  before = v->region_updates;
  g_mutex_unlock (&v->lock);
  bytes_before = rfb_bytes (data);
  pump (FPS_SECONDS * 1000);
  g_mutex_lock (&v->lock);
  after = v->region_updates;
  g_mutex_unlock (&v->lock);
  bytes_after = rfb_bytes (data);
  r->source_fps = stop_region (painter) / (FPS_SECONDS + 1.0);
  r->fps = (after - before) / (double) FPS_SECONDS;
  r->bytes_per_frame = after > before ? (bytes_after - bytes_before) / (double) (after - before) : 0;
  g_message ("%s: viewer %u region updates in %d s", r->name, after - before, FPS_SECONDS);
}

/* CPU time of the main thread (the tunnels) and of the threads of this
 * process whose name starts with one of @prefixes. */
static double
self_cpu_ms (const char * const *prefixes)
{
  GDir *dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  double ms = 0;

  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_strdup_printf ("/proc/self/task/%s/comm", tid);
      g_autofree char *stat_path = g_strdup_printf ("/proc/self/task/%s/stat", tid);
      g_autofree char *comm = NULL, *stat = NULL;
      g_auto(GStrv) fields = NULL;
      gboolean wanted = atoi (tid) == getpid ();
      const char *after;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL))
        continue;
      for (guint i = 0; prefixes[i] != NULL; i++)
        wanted |= g_str_has_prefix (comm, prefixes[i]);
      if (!wanted || !g_file_get_contents (stat_path, &stat, NULL, NULL) || (after = strrchr (stat, ')')) == NULL)
        continue;
      fields = g_strsplit (after + 2, " ", -1);
      ms += (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) * 1000.0
            / sysconf (_SC_CLK_TCK);
    }
  g_dir_close (dir);
  return ms;
}

static double
pid_cpu_ms (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (after = strrchr (stat, ')')) == NULL)
    return 0;
  fields = g_strsplit (after + 2, " ", -1);
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) * 1000.0
         / sysconf (_SC_CLK_TCK);
}

/* ---- Tandem ---------------------------------------------------------------- */

static guint64
tandem_bytes (gpointer data)
{
  return tandem_rfb_tunnel_get_bytes_from_peer (tandem_test_share_link_get_tunnel (data, FALSE));
}

static void
on_viewer_added (TandemVncServer *server,
                 guint            id,
                 const char      *name,
                 gpointer         data)
{
  tandem_vnc_server_accept_viewer (server, id);
}

static void
run_tandem (guint     changes,
            gboolean  decoder,
            Result   *r)
{
  static const char * const engine[] = { "tandem-vnc-serv", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemX11Capture) capture = tandem_x11_capture_new_screen (tandem_test_xvfb_get_display (xvfb));
  TandemVncServer *server;
  TandemTestShareLink *link;
  Viewer *v;
  int sharer_fd = -1, viewer_fd = -1;
  gint64 t0 = g_get_monotonic_time ();
  double cpu0;

  r->name = decoder ? "Tandem/MSRP, decoder process" : "Tandem/MSRP";
  link = tandem_test_share_link_new (TANDEM_TEST_LINK_DIRECT, NULL, &sharer_fd, &viewer_fd, &error);
  if (link == NULL)
    g_error ("link: %s", error->message);
  server = tandem_vnc_server_new (TANDEM_CAPTURE (capture), "bench");
  g_signal_connect (server, "viewer-added", G_CALLBACK (on_viewer_added), NULL);
  if (!tandem_vnc_server_start (server, &error))
    g_error ("%s", error->message);
  tandem_vnc_server_add_viewer (server, sharer_fd, "bench");
  v = decoder ? viewer_new_decoder (viewer_fd) : viewer_new (viewer_fd, 0);
  if (!wait_first_frame (v, 10000))
    g_error ("Tandem: no first frame");
  r->first_frame_ms = (v->first_frame - t0) / 1000.0;

  pump (500);
  measure_latency (v, changes, r);
  measure_fps (v, tandem_bytes, link, r);

  idle_for (1000);
  cpu0 = self_cpu_ms (engine);
  idle_for (IDLE_SECONDS * 1000);
  r->idle_cpu_percent = (self_cpu_ms (engine) - cpu0) / (IDLE_SECONDS * 10.0);

  viewer_free (v);
  tandem_vnc_server_stop (server);
  while (tandem_vnc_server_get_running (server))
    pump (5);
  g_object_unref (server);
  tandem_test_share_link_free (link);
}

/* ---- x11vnc ---------------------------------------------------------------- */

static guint64
tcp_bytes (gpointer data)
{
  Viewer *v = data;
  struct tcp_info info = { 0 };
  socklen_t len = sizeof info;

  if (v->client == NULL || getsockopt (v->client->sock, IPPROTO_TCP, TCP_INFO, &info, &len) < 0)
    return 0;
  return info.tcpi_bytes_received;
}

static int
free_port (void)
{
  struct sockaddr_in sin = { 0 };
  socklen_t len = sizeof sin;
  int fd = socket (AF_INET, SOCK_STREAM, 0), port;

  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  bind (fd, (struct sockaddr *) &sin, sizeof sin);
  getsockname (fd, (struct sockaddr *) &sin, &len);
  port = ntohs (sin.sin_port);
  close (fd);
  return port;
}

/* Connected to 127.0.0.1:@port, retrying while nothing listens yet. */
static int
connect_retrying (int    port,
                  gint64 deadline)
{
  for (;;)
    {
      struct sockaddr_in sin = { 0 };
      int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

      sin.sin_family = AF_INET;
      sin.sin_port = htons (port);
      sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      if (connect (fd, (struct sockaddr *) &sin, sizeof sin) == 0)
        return fd;
      close (fd);
      if (g_get_monotonic_time () > deadline)
        return -1;
      g_usleep (2000);
    }
}

static void
run_x11vnc (guint   changes,
            Result *r)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *port_str = NULL;
  int port = free_port (), fd;
  GPid pid;
  Viewer *v;
  gint64 t0;
  double cpu0;
  const char *argv[] = { "x11vnc", "-display", tandem_test_xvfb_get_display (xvfb), "-rfbport", NULL,
                         "-nopw", "-once", "-localhost", "-quiet", NULL };

  r->name = "x11vnc/TCP";
  port_str = g_strdup_printf ("%d", port);
  argv[4] = port_str;
  t0 = g_get_monotonic_time ();
  if (!g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD
                      | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &error))
    g_error ("x11vnc: %s", error->message);
  fd = connect_retrying (port, t0 + 15 * G_USEC_PER_SEC);
  if (fd < 0)
    g_error ("x11vnc did not listen on %d", port);
  v = viewer_new (fd, 0);
  if (!wait_first_frame (v, 15000))
    g_error ("x11vnc: no first frame");
  r->first_frame_ms = (v->first_frame - t0) / 1000.0;

  pump (500);
  measure_latency (v, changes, r);
  measure_fps (v, tcp_bytes, v, r);

  idle_for (1000);
  cpu0 = pid_cpu_ms (pid);
  idle_for (IDLE_SECONDS * 1000);
  r->idle_cpu_percent = (pid_cpu_ms (pid) - cpu0) / (IDLE_SECONDS * 10.0);

  viewer_free (v);
  for (int i = 0; i < 200 && waitpid (pid, NULL, WNOHANG) == 0; i++)
    g_usleep (10000);
  if (kill (pid, 0) == 0)
    {
      kill (pid, SIGTERM);
      waitpid (pid, NULL, 0);
    }
  g_spawn_close_pid (pid);
}

/* ---- the Wayland path -------------------------------------------------------- */

static GSubprocess *client;
static GOutputStream *client_in;
static GDataInputStream *client_out;

static void
client_say (const char *line)
{
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all (client_in, line, strlen (line), NULL, NULL, &error) ||
      !g_output_stream_flush (client_in, NULL, &error))
    g_error ("bench client: %s", error->message);
}

static void
wayland_set_probe (guint32 colour)
{
  g_autofree char *line = g_strdup_printf ("probe %06x\n", colour);

  client_say (line);
}

static gpointer
wayland_start_region (void)
{
  client_say ("animate\n");
  return NULL;
}

static guint
wayland_stop_region (gpointer data)
{
  g_autofree char *line = NULL;

  client_say ("still\n");
  line = g_data_input_stream_read_line (client_out, NULL, NULL, NULL);
  return line != NULL && g_str_has_prefix (line, "drawn ") ? (guint) atoi (line + 6) : 0;
}

static void
on_prepared (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  GError **error = data;

  if (!tandem_capture_prepare_finish (TANDEM_CAPTURE (source), result, error) && *error == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "failed");
  g_object_set_data (source, "done", GINT_TO_POINTER (1));
}

/* The client's marker (16x16 of 0x12ab34) in the viewer's copy. */
static gboolean
find_marker (Viewer *v,
             int    *mx,
             int    *my)
{
  rfbClient *c = v->client;

  if (c == NULL || c->frameBuffer == NULL)
    return FALSE;
  for (int y = 0; y + 16 <= c->height; y++)
    for (int x = 0; x + 16 <= c->width; x++)
      {
        guint32 *fb = (guint32 *) c->frameBuffer;

        if ((fb[y * c->width + x] & 0xffffff) == 0x12ab34 &&
            (fb[(y + 15) * c->width + x + 15] & 0xffffff) == 0x12ab34 &&
            (x == 0 || (fb[y * c->width + x - 1] & 0xffffff) != 0x12ab34) &&
            (y == 0 || (fb[(y - 1) * c->width + x] & 0xffffff) != 0x12ab34))
          {
            *mx = x;
            *my = y;
            return TRUE;
          }
      }
  return FALSE;
}

/* The platform alone: the client's pixels as they reach a
 * TandemPortalCapture (the client's frame clock, mutter's composition,
 * PipeWire), read straight from it with no server, link or viewer.  The
 * Wayland path is judged against this reference from the same run. */
typedef struct {
  guint8 *fb;
  int     width, height;
  guint   region_frames;
} RawCapture;

static gboolean
raw_read (TandemCapture *capture,
          RawCapture    *raw,
          guint          ms)
{
  struct pollfd p = { tandem_capture_get_fd (capture), POLLIN, 0 };
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  gboolean got = FALSE;

  do
    {
      TandemCaptureEvents events;
      gboolean full = FALSE;
      g_autoptr(GArray) changed = NULL;

      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (poll (&p, 1, 1) <= 0)
        continue;
      events = tandem_capture_dispatch (capture);
      if ((events & TANDEM_CAPTURE_EVENT_RESIZE) || raw->fb == NULL)
        {
          tandem_capture_get_size (capture, &raw->width, &raw->height);
          g_free (raw->fb);
          raw->fb = g_malloc0 ((gsize) raw->width * raw->height * 4);
          full = TRUE;
        }
      if (!(events & (TANDEM_CAPTURE_EVENT_DAMAGE | TANDEM_CAPTURE_EVENT_RESIZE)) && !full)
        continue;
      changed = g_array_new (FALSE, FALSE, sizeof (TandemCaptureRect));
      if (!tandem_capture_grab (capture, raw->fb, (gsize) raw->width * 4, full, changed))
        continue;
      got = TRUE;
      for (guint i = 0; i < changed->len; i++)
        {
          TandemCaptureRect *c = &g_array_index (changed, TandemCaptureRect, i);

          if (c->x < REGION_X + 640 && c->x + c->width > REGION_X &&
              c->y < REGION_Y + 480 && c->y + c->height > REGION_Y)
            {
              raw->region_frames++;
              break;
            }
        }
    }
  while (g_get_monotonic_time () < end);
  return got;
}

static guint32
raw_probe (RawCapture *raw)
{
  int x = PROBE_X + PROBE_SIZE / 2, y = PROBE_Y + PROBE_SIZE / 2;

  if (raw->fb == NULL || x >= raw->width || y >= raw->height)
    return 0x1000000;
  return ((guint32 *) raw->fb)[(gsize) y * raw->width + x] & 0xffffff;
}

static void
measure_capture_alone (const char *token,
                       guint       changes,
                       Result     *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemPortalCapture) capture = tandem_portal_capture_new (token, TRUE);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  RawCapture raw = { 0 };
  gpointer painter;

  r->name = "capture alone";
  tandem_capture_prepare_async (TANDEM_CAPTURE (capture), NULL, on_prepared, &error);
  while (g_object_get_data (G_OBJECT (capture), "done") == NULL)
    pump (1);
  if (error != NULL || !tandem_capture_open (TANDEM_CAPTURE (capture), &error))
    g_error ("capture alone: %s", error->message);
  raw_read (TANDEM_CAPTURE (capture), &raw, 1000);

  for (guint i = 0; i < changes; i++)
    {
      guint32 colour = (0x304050 + i * 0x0b1d27) & 0xffffff;
      gint64 t0, end;

      set_probe (colour);
      t0 = g_get_monotonic_time ();
      end = t0 + 2 * G_USEC_PER_SEC;
      while (raw_probe (&raw) != colour && g_get_monotonic_time () < end)
        raw_read (TANDEM_CAPTURE (capture), &raw, 0);
      if (raw_probe (&raw) == colour)
        {
          double ms = (g_get_monotonic_time () - t0) / 1000.0;

          g_array_append_val (samples, ms);
        }
      else
        r->latency_misses++;
      raw_read (TANDEM_CAPTURE (capture), &raw, 40 + g_random_int_range (0, 60));
    }
  g_array_sort (samples, compare_double);
  if (samples->len > 0)
    {
      r->latency_p50_ms = g_array_index (samples, double, samples->len / 2);
      r->latency_p95_ms = g_array_index (samples, double, MIN (samples->len - 1, samples->len * 95 / 100));
    }

  painter = start_region ();
  raw_read (TANDEM_CAPTURE (capture), &raw, 1000);
  raw.region_frames = 0;
  raw_read (TANDEM_CAPTURE (capture), &raw, FPS_SECONDS * 1000);
  r->fps = raw.region_frames / (double) FPS_SECONDS;
  r->source_fps = stop_region (painter) / (FPS_SECONDS + 1.0);
  tandem_capture_close (TANDEM_CAPTURE (capture));
  g_free (raw.fb);
}

static void
run_wayland (guint   changes,
             Result *r,
             Result *alone)
{
  static const char * const engine[] = { "tandem-vnc-serv", "tandem-pipewire", "data-loop", "pw-", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestGnome) gnome = NULL;
  g_autoptr(TandemPortalCapture) capture = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *token = NULL;
  g_autofree char *script = NULL;
  g_autofree char *ready = NULL;
  TandemVncServer *server;
  TandemTestShareLink *link;
  Viewer *v;
  int sharer_fd = -1, viewer_fd = -1, mx = -1, my = -1;
  gint64 t0, until;
  double cpu0;

  r->name = "Tandem/Wayland";
  gnome = tandem_test_gnome_start (SCREEN_W, SCREEN_H, &error);
  if (gnome == NULL)
    g_error ("headless GNOME session: %s", error->message);
  token = tandem_test_gnome_seed_screencast_token (gnome, &error);
  if (token == NULL)
    g_error ("restore token: %s", error->message);

  script = g_build_filename (TANDEM_SOURCE_DIR, "tests", "bench", "share", "tandem-bench-wayland-client.py", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "GDK_BACKEND", "wayland", TRUE);
  client = g_subprocess_launcher_spawn (launcher, &error, "/usr/bin/python3", script, "800", "520", NULL);
  if (client == NULL)
    g_error ("bench client: %s", error->message);
  client_in = g_subprocess_get_stdin_pipe (client);
  client_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (client));
  ready = g_data_input_stream_read_line (client_out, NULL, NULL, &error);
  if (ready == NULL)
    g_error ("bench client never drew: %s", error ? error->message : "");
  idle_for (500);  /* mutter's map animation */

  set_probe = wayland_set_probe;
  start_region = wayland_start_region;
  stop_region = wayland_stop_region;

  link = tandem_test_share_link_new (TANDEM_TEST_LINK_DIRECT, NULL, &sharer_fd, &viewer_fd, &error);
  if (link == NULL)
    g_error ("link: %s", error->message);
  /* From the share being accepted: the portal (no dialog, a restore
   * token), PipeWire, the first complete frame. */
  t0 = g_get_monotonic_time ();
  capture = tandem_portal_capture_new (token, TRUE);
  tandem_capture_prepare_async (TANDEM_CAPTURE (capture), NULL, on_prepared, &error);
  while (g_object_get_data (G_OBJECT (capture), "done") == NULL)
    pump (1);
  if (error != NULL)
    g_error ("portal: %s", error->message);
  server = tandem_vnc_server_new (TANDEM_CAPTURE (capture), "bench");
  g_signal_connect (server, "viewer-added", G_CALLBACK (on_viewer_added), NULL);
  if (!tandem_vnc_server_start (server, &error))
    g_error ("%s", error->message);
  tandem_vnc_server_add_viewer (server, sharer_fd, "bench");
  v = viewer_new (viewer_fd, 0);
  if (!wait_first_frame (v, 10000))
    g_error ("Wayland: no first frame");
  r->first_frame_ms = (v->first_frame - t0) / 1000.0;

  until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!find_marker (v, &mx, &my) && g_get_monotonic_time () < until)
    pump (20);
  if (mx < 0)
    g_error ("Wayland: the bench window is not on the shared screen");
  PROBE_X = mx + 20;
  PROBE_Y = my + 40;
  REGION_X = mx + 140;
  REGION_Y = my + 20;
  g_message ("bench window at %d,%d", mx, my);

  pump (500);
  measure_latency (v, changes, r);
  measure_fps (v, tandem_bytes, link, r);

  idle_for (1000);
  cpu0 = self_cpu_ms (engine);
  idle_for (IDLE_SECONDS * 1000);
  r->idle_cpu_percent = (self_cpu_ms (engine) - cpu0) / (IDLE_SECONDS * 10.0);

  viewer_free (v);
  tandem_vnc_server_stop (server);
  while (tandem_vnc_server_get_running (server))
    pump (5);
  g_object_unref (server);
  tandem_test_share_link_free (link);
  g_clear_object (&capture);

  measure_capture_alone (token, changes, alone);
  g_output_stream_close (client_in, NULL, NULL);
  g_subprocess_force_exit (client);
  g_subprocess_wait (client, NULL, NULL);
  g_clear_object (&client_out);
  g_clear_object (&client);
}

/* ---- the table --------------------------------------------------------------- */

static void
row (const char *what,
     double      tandem,
     double      x11vnc,
     const char *unit,
     const char *target,
     gboolean    met)
{
  g_print ("  %-26s %10.2f %10.2f %-5s %8.2f   %-22s %s\n", what, tandem, x11vnc, unit,
           x11vnc > 0 ? tandem / x11vnc : 0.0, target, met ? "met" : "MISSED");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  gboolean wayland = TRUE;
  guint changes = 50;
  Result t = { 0 }, x = { 0 }, w = { 0 }, d = { 0 }, a = { 0 };

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--no-wayland"))
      wayland = FALSE;
    else
      changes = (guint) atoi (argv[i]);
  set_probe = x11_set_probe;
  start_region = x11_start_region;
  stop_region = x11_stop_region;

  rfbClientLog = quiet_log;
  rfbClientErr = quiet_log;
  xvfb = tandem_test_xvfb_start (SCREEN_W, SCREEN_H, &error);
  if (xvfb == NULL)
    g_error ("Xvfb: %s", error->message);
  dpy = XOpenDisplay (tandem_test_xvfb_get_display (xvfb));
  background = make_window (dpy, 0, 0, SCREEN_W, SCREEN_H);
  put_pattern (dpy, background, SCREEN_W, SCREEN_H, 0);
  probe = make_window (dpy, PROBE_X, PROBE_Y, PROBE_SIZE, PROBE_SIZE);
  XSync (dpy, False);

  run_tandem (changes, FALSE, &t);
  run_tandem (changes, TRUE, &d);
  run_x11vnc (changes, &x);
  if (wayland)
    run_wayland (changes, &w, &a);

  g_print ("\nshare engine, %dx%d Xvfb, lossless tight/zrle viewer (libvncclient), %u latency probes\n",
           SCREEN_W, SCREEN_H, changes);
  g_print ("  %-26s %10s %10s %-5s %8s   %-22s\n", "", "Tandem", "x11vnc", "", "T/x", "target");
  row ("first complete frame", t.first_frame_ms, x.first_frame_ms, "ms", "<= 300 ms",
       t.first_frame_ms <= 300);
  row ("change -> pixels p50", t.latency_p50_ms, x.latency_p50_ms, "ms", "<= 1.2x x11vnc",
       t.latency_p50_ms <= 1.2 * x.latency_p50_ms);
  row ("change -> pixels p95", t.latency_p95_ms, x.latency_p95_ms, "ms", "<= 1.2x x11vnc",
       t.latency_p95_ms <= 1.2 * x.latency_p95_ms);
  row ("640x480 region, fps", t.fps, x.fps, "fps", ">= 30 fps", t.fps >= 30);
  row ("  the painter drew, fps", t.source_fps, x.source_fps, "fps", "(info)", TRUE);
  row ("bytes per frame (RFB)", t.bytes_per_frame / 1024, x.bytes_per_frame / 1024, "KiB", "(info)", TRUE);
  row ("idle CPU (5 s)", t.idle_cpu_percent, x.idle_cpu_percent, "%", "<= 1%", t.idle_cpu_percent <= 1);
  if (t.latency_misses || x.latency_misses)
    g_print ("  latency probes not seen within 2 s: Tandem %d, x11vnc %d\n", t.latency_misses, x.latency_misses);

  g_print ("\nthe viewer's decoder process (TandemVncConnection) against in-process libvncclient,\n"
           "both on Tandem's server through the MSRP tunnel\n");
  g_print ("  %-26s %10s %10s %-5s %8s   %-22s\n", "", "process", "in-proc", "", "p/i", "target");
  row ("first complete frame", d.first_frame_ms, t.first_frame_ms, "ms", "(info)", TRUE);
  row ("change -> pixels p50", d.latency_p50_ms, t.latency_p50_ms, "ms", "<= 1.2x in-process",
       d.latency_p50_ms <= 1.2 * t.latency_p50_ms);
  row ("change -> pixels p95", d.latency_p95_ms, t.latency_p95_ms, "ms", "<= 1.2x in-process",
       d.latency_p95_ms <= 1.2 * t.latency_p95_ms);
  row ("640x480 region, fps", d.fps, t.fps, "fps", ">= 1/1.2 in-process", d.fps * 1.2 >= t.fps);
  if (d.latency_misses)
    g_print ("  latency probes not seen within 2 s: decoder process %d\n", d.latency_misses);
  if (wayland)
    {
      g_print ("\nWayland path (ScreenCast portal + PipeWire, headless mutter %dx%d) vs the X11 path, same run\n",
               SCREEN_W, SCREEN_H);
      g_print ("  %-26s %10s %10s %-5s %8s   %-22s\n", "", "Wayland", "X11", "", "W/X", "target");
      row ("first complete frame", w.first_frame_ms, t.first_frame_ms, "ms", "<= 1.5x X11 path",
           w.first_frame_ms <= 1.5 * t.first_frame_ms);
      row ("change -> pixels p50", w.latency_p50_ms, t.latency_p50_ms, "ms", "<= 30 ms", w.latency_p50_ms <= 30);
      row ("change -> pixels p95", w.latency_p95_ms, t.latency_p95_ms, "ms", "(info)", TRUE);
      row ("640x480 region, fps", w.fps, t.fps, "fps", ">= 30 fps", w.fps >= 30);
      row ("  the painter drew, fps", w.source_fps, t.source_fps, "fps", "(info)", TRUE);
      row ("bytes per frame (RFB)", w.bytes_per_frame / 1024, t.bytes_per_frame / 1024, "KiB", "(info)", TRUE);
      row ("idle CPU (5 s)", w.idle_cpu_percent, t.idle_cpu_percent, "%", "<= 1%", w.idle_cpu_percent <= 1);
      if (w.latency_misses)
        g_print ("  latency probes not seen within 2 s: Wayland %d\n", w.latency_misses);
      g_print ("\nthe Wayland path against what reaches its capture alone (the client's frame clock,\n"
               "mutter's software composition, PipeWire; no server, link or viewer), same run\n");
      g_print ("  %-26s %10s %10s %-5s %8s   %-22s\n", "", "Wayland", "capture", "", "W/c", "");
      row ("change -> pixels p50", w.latency_p50_ms, a.latency_p50_ms, "ms", "(info)", TRUE);
      row ("change -> pixels p95", w.latency_p95_ms, a.latency_p95_ms, "ms", "(info)", TRUE);
      row ("640x480 region, fps", w.fps, a.fps, "fps", "(info)", TRUE);
      row ("  the painter drew, fps", w.source_fps, a.source_fps, "fps", "(info)", TRUE);
      if (a.latency_misses)
        g_print ("  latency probes not seen within 2 s: capture alone %d\n", a.latency_misses);
      g_print ("  gnome-remote-desktop: not measured (Debian 12 builds it without its VNC server: RDP only)\n");
    }

  XCloseDisplay (dpy);
  tandem_test_xvfb_stop (xvfb);
  return 0;
}
