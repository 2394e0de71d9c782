/* test-vnc-wan.c: a busy 1920x1080 share through the kamailio MSRP relay
 * (default configuration: 32 KiB tcp_conn_wq_max) over an emulated access
 * link (tests/support/tandem-test-netlink.h: 2 Mbit/s relay -> viewer,
 * 25 ms each way, 100 ms tail-drop queue, real kernel TCP between two
 * network namespaces).  TandemVncServer on Xvfb display A (wallpaper, a
 * photo, a terminal full of text), TandemVncView on display B; then text
 * scrolls in the terminal.  The share must survive, and once the
 * scrolling stops the viewer must show display A pixel for pixel.
 *
 * Runs with the sharer's end-to-end send window (Success-Report + the
 * viewer's REPORTs) and with a viewer that never REPORTs (the sharer must
 * notice and fall back).  $TANDEM_WAN_SCROLL_SECONDS sets how long text
 * scrolls (default 30).  Skipped where network namespaces and TUN devices
 * are not available (not root).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-vnc-wan"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <gtk/gtk.h>

#include "tandem-test-desktop.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-netlink.h"
#include "tandem-test-share-link.h"
#include "tandem-test-ui.h"
#include "tandem-test-xvfb.h"
#include "tandem-vnc-server.h"
#include "tandem-vnc-view.h"
#include "tandem-x11-capture.h"

#define A_W 1920
#define A_H 1080
#define RATE (2 * 1000 * 1000)
#define DELAY_MS 25
#define QUEUE_MS 100
#define FIRST_FRAME_MS 90000
#define SETTLE_MS 90000

static TandemTestXvfb *xvfb_a;
static TandemTestDesktop *desktop;

static gboolean
on_scroll (gpointer data)
{
  tandem_test_desktop_scroll (desktop);
  return G_SOURCE_CONTINUE;
}

/* ---- the share ------------------------------------------------------------- */

typedef struct {
  TandemVncServer     *server;
  TandemTestShareLink *link;
  GtkWidget           *window;
  TandemVncView       *view;
  gboolean             stopped;
  gsize                bad;
  guint                viewer_id;
  gboolean             told_unacked;
} Session;

static void
on_viewer_added (TandemVncServer *server,
                 guint            id,
                 const char      *name,
                 Session         *s)
{
  tandem_vnc_server_accept_viewer (server, id);
}

/* What the share controller does: a peer without REPORTs gets large
 * changes in parts (HACKING.md, "Picture quality"). */
static void
on_tunnel_mode (TandemRfbTunnel *tunnel,
                GParamSpec      *pspec,
                Session         *s)
{
  if (tandem_rfb_tunnel_get_mode (tunnel) == TANDEM_RFB_TUNNEL_MODE_UNACKED)
    {
      tandem_vnc_server_set_viewer_unacked (s->server, s->viewer_id, TRUE);
      s->told_unacked = TRUE;
    }
}

static void
on_stopped (TandemVncServer *server,
            GError          *error,
            Session         *s)
{
  s->stopped = TRUE;
}

static gboolean
is_stopped (gpointer data)
{
  return ((Session *) data)->stopped;
}

static gboolean
is_connected (gpointer data)
{
  return tandem_vnc_view_get_state (((Session *) data)->view) == TANDEM_VNC_VIEW_CONNECTED;
}

static gboolean
is_alive (Session *s)
{
  return tandem_vnc_view_get_state (s->view) == TANDEM_VNC_VIEW_CONNECTED &&
         !tandem_test_share_link_tunnel_closed (s->link, TRUE) &&
         !tandem_test_share_link_tunnel_closed (s->link, FALSE);
}

/* The viewer shows display A, every pixel (or the share has died). */
static gboolean
shows_display_a (gpointer data)
{
  Session *s = data;
  cairo_surface_t *snap;

  if (!is_alive (s))
    return TRUE;
  snap = tandem_vnc_view_snapshot (s->view);
  s->bad = G_MAXSIZE;
  if (snap == NULL)
    return FALSE;
  s->bad = tandem_test_desktop_count_differences (desktop, cairo_image_surface_get_data (snap),
                                                  cairo_image_surface_get_stride (snap),
                                                  cairo_image_surface_get_width (snap),
                                                  cairo_image_surface_get_height (snap));
  cairo_surface_destroy (snap);
  return s->bad == 0;
}

/* What the relay said about the session's end (the first such lines). */
static char *
relay_complaints (TandemTestKamailio *relay)
{
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out = g_string_new (NULL);
  guint n = 0;

  if (!g_file_get_contents (tandem_test_kamailio_get_log_file (relay), &log, NULL, NULL))
    return g_string_free (out, FALSE);
  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL && n < 6; i++)
    if (strstr (lines[i], "ERROR") != NULL || strstr (lines[i], "WARNING") != NULL)
      {
        g_string_append_printf (out, "%s\n", lines[i]);
        n++;
      }
  return g_string_free (out, FALSE);
}

static guint
scroll_seconds (void)
{
  const char *env = g_getenv ("TANDEM_WAN_SCROLL_SECONDS");

  return env != NULL ? (guint) g_ascii_strtoull (env, NULL, 10) : 30;
}

static void
run_share (gboolean acks)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestNetlink) netlink = NULL;
  g_autoptr(TandemX11Capture) capture = NULL;
  TandemTestKamailio *relay;
  TandemTestNetlinkStats stats;
  TandemRfbTunnel *st;
  int sharer_fd = -1, viewer_fd = -1;
  gint64 t0, scroll_end;
  guint scroll_id;
  Session s = { 0 };

  if (!tandem_test_netlink_supported (&error))
    {
      g_test_skip (error->message);
      return;
    }
  netlink = tandem_test_netlink_new (RATE, DELAY_MS, QUEUE_MS, &error);
  g_assert_no_error (error);
  relay = tandem_test_kamailio_start_in_netns (tandem_test_netlink_get_netns (netlink, TANDEM_TEST_NETLINK_NEAR),
                                               tandem_test_netlink_get_address (netlink, TANDEM_TEST_NETLINK_NEAR),
                                               &error);
  g_assert_no_error (error);

  desktop = tandem_test_desktop_new (tandem_test_xvfb_get_display (xvfb_a), A_W, A_H);
  s.link = tandem_test_share_link_new_on_netlink (TANDEM_TEST_LINK_RELAY, relay, netlink,
                                                  &sharer_fd, &viewer_fd, &error);
  g_assert_no_error (error);
  if (!acks)
    tandem_test_share_link_set_viewer_reports (s.link, FALSE);

  capture = tandem_x11_capture_new_screen (tandem_test_xvfb_get_display (xvfb_a));
  s.server = tandem_vnc_server_new (TANDEM_CAPTURE (capture), "display A");
  g_signal_connect (s.server, "viewer-added", G_CALLBACK (on_viewer_added), &s);
  g_signal_connect (s.server, "stopped", G_CALLBACK (on_stopped), &s);
  g_assert_true (tandem_vnc_server_start (s.server, &error));
  g_assert_no_error (error);
  s.window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  s.view = TANDEM_VNC_VIEW (tandem_vnc_view_new ());
  gtk_container_add (GTK_CONTAINER (s.window), GTK_WIDGET (s.view));
  gtk_window_set_default_size (GTK_WINDOW (s.window), 960, 540);
  gtk_widget_show_all (s.window);

  t0 = g_get_monotonic_time ();
  s.viewer_id = tandem_vnc_server_add_viewer (s.server, sharer_fd, "viewer B");
  g_assert_cmpuint (s.viewer_id, >, 0);
  g_signal_connect (tandem_test_share_link_get_tunnel (s.link, TRUE), "notify::mode",
                    G_CALLBACK (on_tunnel_mode), &s);
  tandem_vnc_view_open_fd (s.view, viewer_fd);
  g_assert_true (tandem_test_wait_for (is_connected, &s, 30000));

  /* the busy first frame arrives whole */
  tandem_test_wait_for (shows_display_a, &s, FIRST_FRAME_MS);
  if (!is_alive (&s))
    {
      g_autofree char *tail = relay_complaints (relay);

      g_error ("the share died before its first frame (view: %s); relay log:\n%s",
               tandem_vnc_view_get_error_message (s.view), tail);
    }
  if (s.bad != 0)
    g_error ("first frame: %zu pixels differ after %d s", s.bad, FIRST_FRAME_MS / 1000);
  g_test_message ("first complete frame after %.1f s",
                  (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC);

  /* text scrolls; the share stays up all along */
  scroll_id = g_timeout_add (50, on_scroll, NULL);
  scroll_end = g_get_monotonic_time () + scroll_seconds () * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < scroll_end && is_alive (&s))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (scroll_id);
  if (!is_alive (&s))
    {
      g_autofree char *tail = relay_complaints (relay);

      g_error ("the share died while scrolling (view: %s); relay log:\n%s",
               tandem_vnc_view_get_error_message (s.view), tail);
    }

  /* ... and once it stops, the viewer catches up pixel for pixel */
  tandem_test_wait_for (shows_display_a, &s, SETTLE_MS);
  g_assert_true (is_alive (&s));
  if (s.bad != 0)
    g_error ("after scrolling: %zu pixels differ", s.bad);

  st = tandem_test_share_link_get_tunnel (s.link, TRUE);
  tandem_test_netlink_get_stats (netlink, &stats);
  g_test_message ("%u lines; sharer sent %" G_GUINT64_FORMAT " bytes; link: %"
                  G_GUINT64_FORMAT " bytes down, %" G_GUINT64_FORMAT " drops, queue up to %u ms; "
                  "mode: %s", tandem_test_desktop_get_lines (desktop), tandem_rfb_tunnel_get_bytes_to_peer (st),
                  stats.down_bytes, stats.down_dropped, stats.max_queue_ms,
                  tandem_rfb_tunnel_mode_to_string (tandem_rfb_tunnel_get_mode (st)));

  if (acks)
    {
      TandemSendWindowStats ws;

      g_assert_cmpint (tandem_rfb_tunnel_get_mode (st), ==, TANDEM_RFB_TUNNEL_MODE_WINDOW);
      g_assert_true (tandem_rfb_tunnel_get_window_stats (st, &ws));
      g_test_message ("window %" G_GUINT64_FORMAT " B, %u REPORTs, min rtt %.1f ms, %u shrinks",
                      ws.window, ws.reports, ws.min_rtt / 1000.0, ws.shrinks);
      /* the viewer's REPORTs crossed the relay */
      g_assert_cmpuint (ws.reports, >, 0);
    }
  else
    {
      g_assert_cmpint (tandem_rfb_tunnel_get_mode (st), ==, TANDEM_RFB_TUNNEL_MODE_UNACKED);
      g_assert_true (s.told_unacked);
    }
  g_signal_handlers_disconnect_by_func (st, on_tunnel_mode, &s);

  tandem_vnc_server_stop (s.server);
  g_assert_true (tandem_test_wait_for (is_stopped, &s, 20000));
  tandem_rfb_tunnel_close (tandem_test_share_link_get_tunnel (s.link, FALSE));
  tandem_test_share_link_free (s.link);
  gtk_widget_destroy (s.window);
  g_object_unref (s.server);
  tandem_test_flush_events ();
  tandem_test_kamailio_stop (relay);
  g_clear_pointer (&desktop, tandem_test_desktop_free);
}

static void
test_relay_2mbit (void)
{
  run_share (TRUE);
}

static void
test_relay_2mbit_no_reports (void)
{
  run_share (FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestXvfb) xvfb_b = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  xvfb_a = tandem_test_xvfb_start (A_W, A_H, &error);
  g_assert_no_error (error);
  xvfb_b = tandem_test_xvfb_start (1024, 768, &error);
  g_assert_no_error (error);
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (xvfb_b), TRUE);
  gtk_init (NULL, NULL);

  g_test_add_func ("/vnc-wan/relay-2mbit", test_relay_2mbit);
  g_test_add_func ("/vnc-wan/relay-2mbit-no-reports", test_relay_2mbit_no_reports);
  status = g_test_run ();

  tandem_test_xvfb_stop (xvfb_a);
  return status;
}
