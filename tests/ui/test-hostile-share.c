/* test-hostile-share.c: a hostile sharer against bob's real Tandem (issue
 * 15).  alice is this process: a TandemManager with its own share stack,
 * registered at the kamailio fixture like any Tandem, which offers bob her
 * screen and, once bob accepts, writes what a hostile RFB server would
 * into the share instead of a VNC server's stream:
 *   - 40 bytes: RFB 3.3, security type 113 (MSLogon II) or 30 (ARD), and a
 *     zero Diffie-Hellman modulus (libgcrypt aborted the process on it);
 *   - a 16384x16384 ServerInit and one Tight fill (2.5 GB before).
 * Each time bob's viewer must end with its reason on screen, bob's Tandem
 * must stay up and small, and afterwards a real share from alice (her
 * TandemVncServer on display A) must show display A pixel for pixel.
 *
 * ctest runs this under dbus-run-session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-hostile-share"

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include "tandem-manager.h"
#include "tandem-share.h"
#include "tandem-test-app.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-wait.h"
#include "tandem-test-xvfb.h"
#include "tandem-vnc-server.h"
#include "tandem-x11-capture.h"

#define WAIT_UNTIL(cond, ms) TANDEM_TEST_WAIT_UNTIL (cond, ms)

static TandemTestKamailio *world;
static TandemTestXvfb *display_a;   /* alice's screen, for the real share */
static TandemTestXvfb *display_b;   /* bob's */
static TandemTestApp *bob;
static TandemManager *alice;
static char *alice_profile;
static GPtrArray *alice_shares;

static void
on_share_added (TandemManager *manager,
                TandemShare   *share,
                gpointer       data)
{
  g_ptr_array_add (alice_shares, g_object_ref (share));
}

static gboolean
is_state (TandemShare      *share,
          TandemShareState  state)
{
  return tandem_share_get_state (share) == state;
}

static void
use_display (TandemTestXvfb *display)
{
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (display), TRUE);
}

static char *
bob_log (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("TANDEM_BUILD_DIR"), "screenshots",
                                            "tandem-hostile-bob.log", NULL);
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, NULL);
  return text != NULL ? text : g_strdup ("");
}

static gboolean
bob_log_has (const char *text)
{
  g_autofree char *log = bob_log ();

  return strstr (log, text) != NULL;
}

static gsize
bob_status_kib (const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) tandem_test_app_get_pid (bob));
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, field);
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen (field) + 1, NULL, 10);
}

/* alice offers her screen, bob accepts in his Tandem: alice's end of the
 * RFB stream. */
static TandemShare *
offer_and_accept (void)
{
  g_autoptr(GError) error = NULL;
  TandemShare *share = NULL;

  for (int attempt = 0; attempt < 10; attempt++)
    {
      share = tandem_shares_share_screen (tandem_manager_get_shares (alice), "sip:bob@tandem.test", &error);
      g_assert_no_error (error);
      WAIT_UNTIL (tandem_test_app_action_enabled (bob, "accept-share"), 3000);
      if (tandem_test_app_action_enabled (bob, "accept-share"))
        break;
      /* Until bob's share stack has registered, the offer may fail. */
      tandem_share_stop (share);
      WAIT_UNTIL (FALSE, 500);
    }
  g_assert_true (tandem_test_app_activate (bob, "accept-share", NULL));
  WAIT_UNTIL (!is_state (share, TANDEM_SHARE_CALLING) && !is_state (share, TANDEM_SHARE_CONNECTING), 15000);
  g_assert_cmpint (tandem_share_get_state (share), ==, TANDEM_SHARE_ACTIVE);
  return share;
}

static void
hostile_share (const char *name,
               const char *bytes,
               gsize       len,
               const char *reason)
{
  TandemShare *share = offer_and_accept ();
  int fd = tandem_share_steal_vnc_fd (share);
  g_autofree char *png = NULL;
  g_autofree char *shot = g_strdup_printf ("hostile-share-%s", name);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, bytes, len), ==, (gssize) len);
  /* bob's viewer refuses it and says why; the share ends. */
  WAIT_UNTIL (bob_log_has (reason), 15000);
  g_assert_true (bob_log_has (reason));
  WAIT_UNTIL (is_state (share, TANDEM_SHARE_ENDED), 15000);
  g_test_message ("%s: alice's share ended: %s", name, tandem_share_get_end_reason (share));
  g_assert_cmpint (tandem_share_get_state (share), ==, TANDEM_SHARE_ENDED);
  close (fd);

  /* bob's Tandem is still there, answers, and did not balloon. */
  WAIT_UNTIL (FALSE, 1000);
  g_assert_false (tandem_test_app_exited (bob));
  g_assert_false (tandem_test_app_action_enabled (bob, "accept-share"));
  g_test_message ("%s: bob's Tandem alive, RSS %zu KiB, peak %zu KiB", name,
                  bob_status_kib ("VmRSS:"), bob_status_kib ("VmHWM:"));
  g_assert_cmpuint (bob_status_kib ("VmHWM:"), <, 400 * 1024);
  use_display (display_b);
  png = tandem_test_screenshot (shot);
  tandem_test_assert_not_blank (png);
}

#define ZERO24 "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"

static void
test_mslogon_zero_modulus (void)
{
  static const char stream[] = "RFB 003.003\n" "\0\0\0\x71" ZERO24;

  g_assert_cmpuint (sizeof stream - 1, ==, 40);
  hostile_share ("mslogon", stream, sizeof stream - 1,
                 "The remote screen uses VNC version 3.3, which Tandem does not accept");
}

static void
test_ard_zero_modulus (void)
{
  static const char stream[] = "RFB 003.003\n" "\0\0\0\x1e" ZERO24;

  hostile_share ("ard", stream, sizeof stream - 1,
                 "The remote screen uses VNC version 3.3, which Tandem does not accept");
}

static void
test_huge_screen (void)
{
  static const char stream[] = "RFB 003.008\n" "\x01\x01" "\0\0\0\0"
                               "\x40\0\x40\0" "\x20\x18\0\x01\0\xff\0\xff\0\xff\x10\x08\0\0\0\0" "\0\0\0\0"
                               "\0\0\0\x01" "\0\0\0\0\x40\0\x40\0" "\0\0\0\x07" "\x80\x12\x34\x56";

  hostile_share ("huge", stream, sizeof stream - 1, "The shared screen is too large to show (16384×16384)");
}

/* ---- then a real share -------------------------------------------------- */

static guint32
pattern (int x,
         int y)
{
  return ((guint32) ((x * 5) & 0xff) << 16) | ((guint32) ((y * 3) & 0xff) << 8) | ((x ^ y) & 0xff);
}

static void
paint_display_a (Display *dpy,
                 int      w,
                 int      h)
{
  XSetWindowAttributes attrs = { 0 };
  Window win;
  XImage *image;
  GC gc;

  attrs.override_redirect = True;
  win = XCreateWindow (dpy, DefaultRootWindow (dpy), 0, 0, w, h, 0, CopyFromParent, InputOutput,
                       CopyFromParent, CWOverrideRedirect, &attrs);
  XMapRaised (dpy, win);
  image = XCreateImage (dpy, DefaultVisual (dpy, 0), 24, ZPixmap, 0, malloc ((gsize) w * h * 4), w, h, 32, 0);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      XPutPixel (image, x, y, pattern (x, y));
  gc = XCreateGC (dpy, win, 0, NULL);
  XPutImage (dpy, win, gc, image, 0, 0, 0, 0, w, h);
  XFreeGC (dpy, gc);
  XDestroyImage (image);
  XSync (dpy, False);
}

static gboolean
bob_shows_pattern (int w,
                   int h)
{
  g_autofree char *file = g_build_filename (g_getenv ("TANDEM_BUILD_DIR"), "screenshots",
                                            "hostile-share-then-real-bob-sees.png", NULL);
  g_autofree char *param = g_strdup_printf ("'%s'", file);
  g_autoptr(GdkPixbuf) seen = NULL;
  int n;

  g_unlink (file);
  if (!tandem_test_app_activate (bob, "save-shared-screen", param))
    return FALSE;
  WAIT_UNTIL (g_file_test (file, G_FILE_TEST_EXISTS), 5000);
  WAIT_UNTIL (FALSE, 100);
  seen = gdk_pixbuf_new_from_file (file, NULL);
  if (seen == NULL || gdk_pixbuf_get_width (seen) != w || gdk_pixbuf_get_height (seen) != h)
    return FALSE;
  n = gdk_pixbuf_get_n_channels (seen);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guint8 *p = gdk_pixbuf_get_pixels (seen) + y * gdk_pixbuf_get_rowstride (seen) + x * n;
        guint32 want = pattern (x, y);

        if (p[0] != (want >> 16) || p[1] != ((want >> 8) & 0xff) || p[2] != (want & 0xff))
          return FALSE;
      }
  return TRUE;
}

static void
test_real_share_after (void)
{
  int w = tandem_test_xvfb_get_width (display_a), h = tandem_test_xvfb_get_height (display_a);
  Display *dpy = XOpenDisplay (tandem_test_xvfb_get_display (display_a));
  g_autoptr(TandemX11Capture) capture = NULL;
  g_autoptr(TandemVncServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *png = NULL;
  TandemShare *share;
  gboolean shown = FALSE;
  guint id;

  g_assert_nonnull (dpy);
  paint_display_a (dpy, w, h);
  capture = tandem_x11_capture_new_screen (tandem_test_xvfb_get_display (display_a));
  server = tandem_vnc_server_new (TANDEM_CAPTURE (capture), "alice");
  g_assert_true (tandem_vnc_server_start (server, &error));
  g_assert_no_error (error);

  share = offer_and_accept ();
  id = tandem_vnc_server_add_viewer (server, tandem_share_steal_vnc_fd (share), "bob");
  tandem_vnc_server_accept_viewer (server, id);
  WAIT_UNTIL (tandem_test_app_action_enabled (bob, "save-shared-screen"), 15000);
  for (int attempt = 0; attempt < 20 && !shown; attempt++)
    {
      shown = bob_shows_pattern (w, h);
      if (!shown)
        WAIT_UNTIL (FALSE, 300);
    }
  g_assert_true (shown);
  use_display (display_b);
  png = tandem_test_screenshot ("hostile-share-then-real");
  tandem_test_assert_not_blank (png);

  tandem_share_stop (share);
  WAIT_UNTIL (!tandem_test_app_action_enabled (bob, "save-shared-screen"), 10000);
  g_assert_false (tandem_test_app_action_enabled (bob, "save-shared-screen"));
  tandem_vnc_server_stop (server);
  WAIT_UNTIL (!tandem_vnc_server_get_running (server), 10000);
  XCloseDisplay (dpy);
  g_assert_false (tandem_test_app_exited (bob));
}

static void
start_alice (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *proxy = tandem_test_kamailio_dup_proxy_uri (world, "tcp");
  TandemAccount *account;

  alice_profile = g_dir_make_tmp ("tandem-test-hostile-alice-XXXXXX", &error);
  g_assert_no_error (error);
  alice_shares = g_ptr_array_new_with_free_func (g_object_unref);
  alice = tandem_manager_new (alice_profile);
  tandem_manager_set_bind_address (alice, "127.0.0.1");
  g_assert_true (tandem_manager_start (alice, &error));
  g_assert_no_error (error);
  tandem_shares_set_options (tandem_manager_get_shares (alice), TRUE, "");
  account = tandem_accounts_add (tandem_manager_get_accounts (alice), "sip:alice@tandem.test", "alice-pw", proxy,
                                        TANDEM_TRANSPORT_TCP, &error);
  g_assert_no_error (error);
  g_signal_connect (tandem_manager_get_shares (alice), "share-added", G_CALLBACK (on_share_added), NULL);
  WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_OK, 10000);
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_OK);
  WAIT_UNTIL (tandem_shares_can_share (tandem_manager_get_shares (alice)), 10000);
  g_assert_true (tandem_shares_can_share (tandem_manager_get_shares (alice)));
}

static void
stop_alice (void)
{
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", alice_profile);

  g_clear_pointer (&alice_shares, g_ptr_array_unref);
  tandem_manager_stop (alice);
  g_clear_object (&alice);
  if (g_getenv ("TANDEM_TEST_KEEP_DIRS") == NULL)
    g_assert_cmpint (system (rm), ==, 0);
  g_free (alice_profile);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bob_ini = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  g_setenv ("TANDEM_NO_KEYRING", "1", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);

  display_a = tandem_test_xvfb_start (640, 400, &error);
  g_assert_no_error (error);
  display_b = tandem_test_xvfb_start (1280, 800, &error);
  g_assert_no_error (error);
  world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);

  bob_ini = tandem_test_app_provision (world, "bob", "alice", "tcp", "[share]\ntls=true\nrelay=none\n");
  use_display (display_b);
  bob = tandem_test_app_start ("hostile-bob", bob_ini);
  g_assert_true (tandem_test_wait_for_windows ("Tandem", 1, 20000));
  start_alice ();

  g_test_add_func ("/hostile-share/3.3-mslogon-zero-modulus", test_mslogon_zero_modulus);
  g_test_add_func ("/hostile-share/3.3-ard-zero-modulus", test_ard_zero_modulus);
  g_test_add_func ("/hostile-share/16384x16384", test_huge_screen);
  g_test_add_func ("/hostile-share/real-share-after", test_real_share_after);
  status = g_test_run ();

  stop_alice ();
  tandem_test_app_stop (bob);
  tandem_test_kamailio_stop (world);
  tandem_test_xvfb_stop (display_b);
  tandem_test_xvfb_stop (display_a);
  return status;
}
