/* test-vnc-tunnel.c: TandemVncServer on Xvfb display A shares into a
 * TandemVncView on display B through the real media path: two
 * TandemRfbTunnels over two bound TandemMsrpSessions, directly on loopback
 * and through the kamailio MSRP relay (8 KiB frames); then the ways a live
 * session ends: the connection cut in the middle of an update, the viewer
 * closing, the sharer stopping.  Each must end on both sides with no
 * thread or fd left.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-vnc-tunnel"

#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <gtk/gtk.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include "tandem-test-fds.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-share-link.h"
#include "tandem-test-ui.h"
#include "tandem-test-xvfb.h"
#include "tandem-vnc-server.h"
#include "tandem-vnc-view.h"
#include "tandem-x11-capture.h"

#define A_W 640
#define A_H 480
#define WAIT_MS 20000

static TandemTestXvfb *xvfb_a;
static Display *dpy_a;
static Window bg;
static TandemTestKamailio *world;

/* ---- display A ------------------------------------------------------------ */

static guint32
pattern (int x,
         int y,
         int seed)
{
  return ((guint32) ((x * 7 + seed) & 0xff) << 16) | ((guint32) ((y * 5 + seed) & 0xff) << 8)
         | ((x ^ y ^ seed) & 0xff);
}

/* seed < 0: noise that no encoder can shrink much. */
static void
a_paint (int seed)
{
  char *data = malloc ((gsize) A_W * A_H * 4);
  XImage *image = XCreateImage (dpy_a, DefaultVisual (dpy_a, 0), 24, ZPixmap, 0, data, A_W, A_H, 32, 0);
  GC gc = XCreateGC (dpy_a, bg, 0, NULL);
  guint32 state = 0x9e3779b9u ^ (guint32) seed;

  for (int y = 0; y < A_H; y++)
    for (int x = 0; x < A_W; x++)
      {
        guint32 v;

        if (seed >= 0)
          v = pattern (x, y, seed);
        else
          {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            v = state & 0xffffff;
          }
        XPutPixel (image, x, y, v);
      }
  XPutImage (dpy_a, bg, gc, image, 0, 0, 0, 0, A_W, A_H);
  XFreeGC (dpy_a, gc);
  XDestroyImage (image);
  XSync (dpy_a, False);
}

/* ---- counting what is left behind ----------------------------------------- */


/* Threads Tandem or this test started (GLib's own pools come and go). */
static int
count_threads (void)
{
  DIR *dir = opendir ("/proc/self/task");
  struct dirent *d;
  int n = 0;

  while ((d = readdir (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/self/task/%s/comm", d->d_name);
      g_autofree char *comm = NULL;

      if (d->d_name[0] != '.' && g_file_get_contents (path, &comm, NULL, NULL)
          && (g_str_has_prefix (comm, "tandem-") || g_str_has_prefix (comm, "forwarder")))
        n++;
    }
  closedir (dir);
  return n;
}

/* ---- a session over a link ------------------------------------------------- */

typedef struct {
  TandemVncServer     *server;
  TandemTestShareLink *link;
  GtkWidget           *window;
  TandemVncView       *view;
  guint                viewer_id;
  guint                removed;
  gboolean             stopped;
  int                  seed;
  int                  bad;
} Session;

static void
on_viewer_added (TandemVncServer *server,
                 guint            id,
                 const char      *name,
                 Session         *s)
{
  s->viewer_id = id;
  tandem_vnc_server_accept_viewer (server, id);
}

static void
on_viewer_removed (TandemVncServer *server,
                   guint            id,
                   Session         *s)
{
  s->removed++;
}

static void
on_stopped (TandemVncServer *server,
            GError          *error,
            Session         *s)
{
  s->stopped = TRUE;
}

static gboolean
is_connected (gpointer data)
{
  return tandem_vnc_view_get_state (((Session *) data)->view) == TANDEM_VNC_VIEW_CONNECTED;
}

static gboolean
view_ended (gpointer data)
{
  TandemVncViewState st = tandem_vnc_view_get_state (((Session *) data)->view);

  return st == TANDEM_VNC_VIEW_DISCONNECTED || st == TANDEM_VNC_VIEW_ERROR;
}

static gboolean
viewer_removed (gpointer data)
{
  return ((Session *) data)->removed > 0;
}

static gboolean
is_stopped (gpointer data)
{
  return ((Session *) data)->stopped;
}

static gboolean
link_closed (gpointer data)
{
  return tandem_test_share_link_closed (((Session *) data)->link);
}

static gboolean
sharer_tunnel_closed (gpointer data)
{
  return tandem_test_share_link_tunnel_closed (((Session *) data)->link, TRUE);
}

static gboolean
link_cut (gpointer data)
{
  return tandem_test_share_link_was_cut (((Session *) data)->link);
}

/* The viewer shows display A's pattern @seed, every pixel. */
static gboolean
shows_pattern (gpointer data)
{
  Session *s = data;
  cairo_surface_t *snap = tandem_vnc_view_snapshot (s->view);
  guint8 *pixels;
  int stride;

  s->bad = -1;
  if (snap == NULL)
    return FALSE;
  if (cairo_image_surface_get_width (snap) != A_W || cairo_image_surface_get_height (snap) != A_H)
    {
      cairo_surface_destroy (snap);
      return FALSE;
    }
  stride = cairo_image_surface_get_stride (snap);
  pixels = cairo_image_surface_get_data (snap);
  s->bad = 0;
  for (int y = 0; y < A_H; y++)
    for (int x = 0; x < A_W; x++)
      s->bad += (((guint32 *) (pixels + y * stride))[x] & 0xffffff) != pattern (x, y, s->seed);
  cairo_surface_destroy (snap);
  return s->bad == 0;
}

static void
session_start (Session            *s,
               TandemTestLinkKind  kind,
               TandemCapture      *capture)
{
  g_autoptr(GError) error = NULL;
  int sharer_fd = -1, viewer_fd = -1;

  memset (s, 0, sizeof *s);
  s->link = tandem_test_share_link_new (kind, kind == TANDEM_TEST_LINK_RELAY ? world : NULL,
                                        &sharer_fd, &viewer_fd, &error);
  g_assert_no_error (error);
  g_assert_nonnull (s->link);

  s->server = tandem_vnc_server_new (capture, "display A");
  g_signal_connect (s->server, "viewer-added", G_CALLBACK (on_viewer_added), s);
  g_signal_connect (s->server, "viewer-removed", G_CALLBACK (on_viewer_removed), s);
  g_signal_connect (s->server, "stopped", G_CALLBACK (on_stopped), s);
  g_assert_true (tandem_vnc_server_start (s->server, &error));
  g_assert_no_error (error);

  s->window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  s->view = TANDEM_VNC_VIEW (tandem_vnc_view_new ());
  gtk_container_add (GTK_CONTAINER (s->window), GTK_WIDGET (s->view));
  gtk_window_set_default_size (GTK_WINDOW (s->window), A_W, A_H);
  gtk_widget_show_all (s->window);

  g_assert_cmpuint (tandem_vnc_server_add_viewer (s->server, sharer_fd, "viewer B"), >, 0);
  tandem_vnc_view_open_fd (s->view, viewer_fd);
  g_assert_true (tandem_test_wait_for (is_connected, s, WAIT_MS));
}

static void
session_free (Session *s)
{
  if (tandem_vnc_server_get_running (s->server))
    {
      tandem_vnc_server_stop (s->server);
      g_assert_true (tandem_test_wait_for (is_stopped, s, WAIT_MS));
    }
  g_assert_true (tandem_test_wait_for (view_ended, s, WAIT_MS));
  gtk_widget_destroy (s->window);
  g_object_unref (s->server);
  tandem_test_share_link_free (s->link);
  tandem_test_flush_events ();
}

/* ---- tests ------------------------------------------------------------------ */

static void
run_pixels (TandemTestLinkKind kind,
            const char        *shot)
{
  g_autoptr(TandemX11Capture) capture = tandem_x11_capture_new_screen (tandem_test_xvfb_get_display (xvfb_a));
  g_autoptr(GError) error = NULL;
  TandemRfbTunnel *st;
  Session s;

  a_paint (0);
  session_start (&s, kind, TANDEM_CAPTURE (capture));
  g_assert_cmpint (tandem_vnc_view_get_remote_width (s.view), ==, A_W);
  g_assert_cmpstr (tandem_vnc_view_get_desktop_name (s.view), ==, "display A");
  g_assert_true (tandem_test_wait_for (shows_pattern, &s, WAIT_MS));

  /* A change of the whole screen arrives whole. */
  s.seed = 77;
  a_paint (s.seed);
  if (!tandem_test_wait_for (shows_pattern, &s, WAIT_MS))
    g_error ("%d pixels differ", s.bad);
  g_assert_true (tandem_test_save_screenshot (s.window, shot, &error));
  g_assert_no_error (error);

  st = tandem_test_share_link_get_tunnel (s.link, TRUE);
  g_test_message ("sharer tunnel: %" G_GUINT64_FORMAT " bytes to the viewer, %" G_GUINT64_FORMAT " back",
                  tandem_rfb_tunnel_get_bytes_to_peer (st), tandem_rfb_tunnel_get_bytes_from_peer (st));
  g_assert_cmpuint (tandem_rfb_tunnel_get_bytes_to_peer (st), >, 100000);

  /* The sharer stops: the viewer sees a clean end, the tunnels close. */
  tandem_vnc_server_stop (s.server);
  g_assert_true (tandem_test_wait_for (is_stopped, &s, WAIT_MS));
  g_assert_true (tandem_test_wait_for (sharer_tunnel_closed, &s, WAIT_MS));
  if (kind == TANDEM_TEST_LINK_RELAY)
    {
      /* The relay keeps the viewer's leg open (MSRP has no goodbye): the
       * viewer learns of the end from the SIP BYE, whose effect is this. */
      g_assert_false (tandem_test_share_link_tunnel_closed (s.link, FALSE));
      tandem_rfb_tunnel_close (tandem_test_share_link_get_tunnel (s.link, FALSE));
    }
  g_assert_true (tandem_test_wait_for (view_ended, &s, WAIT_MS));
  g_assert_cmpint (tandem_vnc_view_get_state (s.view), ==, TANDEM_VNC_VIEW_DISCONNECTED);
  g_assert_true (tandem_test_wait_for (link_closed, &s, WAIT_MS));
  session_free (&s);
}

static void
test_direct (void)
{
  int fds = tandem_test_count_fds (), threads = count_threads ();

  run_pixels (TANDEM_TEST_LINK_DIRECT, "vnc-tunnel-direct");
  g_assert_cmpint (count_threads (), ==, threads);
  g_assert_cmpint (tandem_test_count_fds (), ==, fds);
}

static void
test_relay (void)
{
  int fds = tandem_test_count_fds (), threads = count_threads ();

  run_pixels (TANDEM_TEST_LINK_RELAY, "vnc-tunnel-relay");
  g_assert_cmpint (count_threads (), ==, threads);
  g_assert_cmpint (tandem_test_count_fds (), ==, fds);
}

/* The media connection dies in the middle of a large update. */
static void
test_cut_mid_frame (void)
{
  g_autoptr(TandemX11Capture) capture = tandem_x11_capture_new_screen (tandem_test_xvfb_get_display (xvfb_a));
  int fds = tandem_test_count_fds (), threads = count_threads ();
  Session s;

  a_paint (3);
  session_start (&s, TANDEM_TEST_LINK_FORWARDER, TANDEM_CAPTURE (capture));
  s.seed = 3;
  g_assert_true (tandem_test_wait_for (shows_pattern, &s, WAIT_MS));

  /* Noise: an update of about a megabyte, cut 40 KB into it. */
  tandem_test_share_link_cut_after (s.link, 40000);
  a_paint (-1);
  g_assert_true (tandem_test_wait_for (link_cut, &s, WAIT_MS));

  /* Both ends notice: the view reports the loss, the sharer drops the
   * viewer and goes on running. */
  g_assert_true (tandem_test_wait_for (view_ended, &s, WAIT_MS));
  g_test_message ("view: %s", tandem_vnc_view_get_error_message (s.view));
  /* Whether libvncclient reports the cut as an error or as a plain close
   * depends on timing (seen both ways in the gcc build since the core's
   * receive path holds partial chunks; cause not pinned down); either way
   * the view has ended, and the rest below must hold. */
  g_assert_true (tandem_vnc_view_get_state (s.view) == TANDEM_VNC_VIEW_ERROR ||
                 tandem_vnc_view_get_state (s.view) == TANDEM_VNC_VIEW_DISCONNECTED);
  g_assert_true (tandem_test_wait_for (viewer_removed, &s, WAIT_MS));
  g_assert_true (tandem_test_wait_for (link_closed, &s, WAIT_MS));
  g_assert_true (tandem_vnc_server_get_running (s.server));
  g_assert_false (s.stopped);

  session_free (&s);
  g_assert_cmpint (count_threads (), ==, threads);
  g_assert_cmpint (tandem_test_count_fds (), ==, fds);
}

/* The viewer closes its window. */
static void
test_viewer_closes (void)
{
  g_autoptr(TandemX11Capture) capture = tandem_x11_capture_new_screen (tandem_test_xvfb_get_display (xvfb_a));
  int fds = tandem_test_count_fds (), threads = count_threads ();
  Session s;

  a_paint (5);
  session_start (&s, TANDEM_TEST_LINK_DIRECT, TANDEM_CAPTURE (capture));
  s.seed = 5;
  g_assert_true (tandem_test_wait_for (shows_pattern, &s, WAIT_MS));
  tandem_vnc_view_close (s.view);
  g_assert_cmpint (tandem_vnc_view_get_state (s.view), ==, TANDEM_VNC_VIEW_DISCONNECTED);
  g_assert_true (tandem_test_wait_for (viewer_removed, &s, WAIT_MS));
  g_assert_true (tandem_test_wait_for (link_closed, &s, WAIT_MS));
  g_assert_true (tandem_vnc_server_get_running (s.server));

  session_free (&s);
  g_assert_cmpint (count_threads (), ==, threads);
  g_assert_cmpint (tandem_test_count_fds (), ==, fds);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestXvfb) xvfb_b = NULL;
  XSetWindowAttributes attrs = { 0 };
  int status;

  g_test_init (&argc, &argv, NULL);

  xvfb_a = tandem_test_xvfb_start (A_W, A_H, &error);
  g_assert_no_error (error);
  xvfb_b = tandem_test_xvfb_start (1024, 768, &error);
  g_assert_no_error (error);
  world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);
  dpy_a = XOpenDisplay (tandem_test_xvfb_get_display (xvfb_a));
  g_assert_nonnull (dpy_a);
  attrs.override_redirect = True;
  bg = XCreateWindow (dpy_a, DefaultRootWindow (dpy_a), 0, 0, A_W, A_H, 0, CopyFromParent,
                      InputOutput, CopyFromParent, CWOverrideRedirect, &attrs);
  XMapRaised (dpy_a, bg);
  XSync (dpy_a, False);
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (xvfb_b), TRUE);
  gtk_init (NULL, NULL);

  g_test_add_func ("/vnc-tunnel/direct", test_direct);
  g_test_add_func ("/vnc-tunnel/relay", test_relay);
  g_test_add_func ("/vnc-tunnel/cut-mid-frame", test_cut_mid_frame);
  g_test_add_func ("/vnc-tunnel/viewer-closes", test_viewer_closes);
  status = g_test_run ();

  XCloseDisplay (dpy_a);
  tandem_test_kamailio_stop (world);
  tandem_test_xvfb_stop (xvfb_a);
  return status;
}
