/* test-share-apps.c: screen sharing between two Tandem processes, alice
 * on Xvfb display A and bob on display B, against the kamailio fixture,
 * driven through their D-Bus actions:
 *   - alice shares, bob sees display A pixel-exact, chat meanwhile;
 *   - bob requests, alice accepts; a declined request sends nothing;
 *   - control granted moves alice's pointer from bob's viewer; revoked,
 *     nothing moves;
 *   - a share during an audio call leaves the call up;
 *   - killing either process mid-share: the other is back to normal in
 *     under 10 s;
 *   - (relay) the relay resets bob's connection mid-share: both say "The
 *     connection through the relay was lost", bob's Reconnect sets the
 *     share up again without a prompt on alice's side, and display A
 *     arrives pixel-exact.
 * With --relay both sides go through the kamailio MSRP relay over TCP;
 * without, direct over TLS (the default).
 *
 * ctest runs this under dbus-run-session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "tandem-test-app.h"
#include "tandem-test-process.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-xvfb.h"

static TandemTestKamailio *world;
static TandemTestXvfb *display_a;
static TandemTestXvfb *display_b;
static TandemTestApp *alice;
static TandemTestApp *bob;
static gboolean relay;

static char *
provision_for (const char *me,
               const char *peer)
{
  g_autofree char *share = relay
    ? g_strdup_printf ("[share]\ntls=false\nrelay=127.0.0.1:%u\n", tandem_test_kamailio_get_msrp_port (world))
    : g_strdup ("[share]\ntls=true\nrelay=none\n");

  return tandem_test_app_provision (world, me, peer, "tcp", share);
}

static void
use_display (TandemTestXvfb *display)
{
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (display), TRUE);
}

/* The direct and the relay run go in parallel under ctest: their files
 * must not meet. */
static char *
file_name (const char *name)
{
  return g_strconcat (relay ? "relay-" : "", name, NULL);
}

static char *
screenshot_of (TandemTestXvfb *display,
               const char     *name)
{
  g_autofree char *unique = file_name (name);

  use_display (display);
  return tandem_test_screenshot (unique);
}

static char *
run_on (TandemTestXvfb *display,
        const char     *command)
{
  const char *argv[] = { "sh", "-c", command, NULL };
  int status;

  use_display (display);
  return g_strstrip (tandem_test_run (argv, &status));
}

static gboolean
wait_enabled (TandemTestApp *app,
              const char    *action,
              gboolean       enabled,
              guint          ms)
{
  return tandem_test_app_wait_enabled (app, action, enabled, ms);
}

/* Starts alice sharing with bob (or bob requesting from alice) and waits
 * until bob's viewer runs. */
static void
start_share (gboolean requested)
{
  TandemTestApp *asker = requested ? bob : alice;
  TandemTestApp *answerer = requested ? alice : bob;
  const char *target = requested ? "'sip:alice@tandem.test'" : "'sip:bob@tandem.test'";

  for (int attempt = 0; attempt < 10; attempt++)
    {
      /* Until both share stacks have registered, the offer may fail. */
      g_assert_true (tandem_test_app_activate (asker, requested ? "request-screen" : "share-screen", target));
      if (wait_enabled (answerer, "accept-share", TRUE, 3000))
        break;
      tandem_test_app_activate (asker, "stop-share", NULL);
      g_usleep (500 * 1000);
    }
  g_assert_true (tandem_test_app_action_enabled (answerer, "accept-share"));
  g_assert_true (tandem_test_app_activate (answerer, "accept-share", NULL));
  g_assert_true (wait_enabled (bob, "save-shared-screen", TRUE, 15000));
  g_assert_true (wait_enabled (alice, "grant-control", TRUE, 5000));
}

static void
stop_share (TandemTestApp *who)
{
  g_assert_true (tandem_test_app_activate (who, "stop-share", NULL));
  g_assert_true (wait_enabled (alice, "stop-share", FALSE, 10000));
  g_assert_true (wait_enabled (bob, "stop-share", FALSE, 10000));
}

/* Bob's copy of the remote screen equals display A, pixel for pixel
 * (retried: a caret may blink between the two grabs). */
static void
assert_pixel_exact (const char *name)
{
  g_autofree char *remote = NULL;
  guint attempt;

  for (attempt = 0; attempt < 30; attempt++)
    {
      g_autofree char *unique = file_name (name);
      g_autofree char *file = g_strdup_printf ("%s-bob-sees.png", unique);
      g_autofree char *local = NULL;
      g_autoptr(GdkPixbuf) a = NULL;
      g_autoptr(GdkPixbuf) b = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *param = NULL;
      gboolean same;

      g_free (remote);
      remote = g_build_filename (g_getenv ("TANDEM_BUILD_DIR"), "screenshots", file, NULL);
      g_unlink (remote);
      g_usleep (300 * 1000);
      param = g_strdup_printf ("'%s'", remote);
      g_assert_true (tandem_test_app_activate (bob, "save-shared-screen", param));
      local = screenshot_of (display_a, name);
      for (int i = 0; i < 50 && !g_file_test (remote, G_FILE_TEST_EXISTS); i++)
        g_usleep (100 * 1000);
      b = gdk_pixbuf_new_from_file (remote, &error);
      if (b == NULL)
        continue;
      a = gdk_pixbuf_new_from_file (local, &error);
      g_assert_no_error (error);
      g_assert_cmpint (gdk_pixbuf_get_width (a), ==, gdk_pixbuf_get_width (b));
      g_assert_cmpint (gdk_pixbuf_get_height (a), ==, gdk_pixbuf_get_height (b));
      same = TRUE;
      for (int y = 0; y < gdk_pixbuf_get_height (a) && same; y++)
        {
          const guint8 *pa = gdk_pixbuf_get_pixels (a) + y * gdk_pixbuf_get_rowstride (a);
          const guint8 *pb = gdk_pixbuf_get_pixels (b) + y * gdk_pixbuf_get_rowstride (b);
          int na = gdk_pixbuf_get_n_channels (a), nb = gdk_pixbuf_get_n_channels (b);

          for (int x = 0; x < gdk_pixbuf_get_width (a) && same; x++)
            same = memcmp (pa + x * na, pb + x * nb, 3) == 0;
        }
      if (same)
        {
          g_test_message ("%s: pixel-exact after %u attempt(s)", name, attempt + 1);
          return;
        }
    }
  g_error ("%s: bob's view never matched display A (last: %s)", name, remote);
}

static void
test_share_pixel_exact_and_chat (void)
{
  g_autofree char *png = NULL;

  g_assert_true (tandem_test_app_activate (alice, "open-conversation", "'sip:bob@tandem.test'"));
  start_share (FALSE);
  g_assert_true (tandem_test_app_activate (alice, "send-message",
                                           "('sip:bob@tandem.test', 'Can you see my screen?')"));
  g_assert_true (tandem_test_app_activate (bob, "send-message",
                                           "('sip:alice@tandem.test', 'Yes, the whole desktop.')"));
  g_usleep (1500 * 1000);
  assert_pixel_exact ("share-apps-alice-screen");
  png = screenshot_of (display_b, "share-apps-viewer-beside-chat");
  tandem_test_assert_not_blank (png);
  g_clear_pointer (&png, g_free);
  png = screenshot_of (display_a, "share-apps-sharing-bar");
  stop_share (alice);
}

static void
test_request_accepted (void)
{
  g_autofree char *png = NULL;

  /* bob asks; alice sees the prompt, then accepts. */
  for (int attempt = 0; attempt < 10; attempt++)
    {
      g_assert_true (tandem_test_app_activate (bob, "request-screen", "'sip:alice@tandem.test'"));
      if (wait_enabled (alice, "accept-share", TRUE, 3000))
        break;
    }
  g_usleep (500 * 1000);
  png = screenshot_of (display_a, "share-apps-request-prompt");
  g_assert_true (tandem_test_app_activate (alice, "accept-share", NULL));
  g_assert_true (wait_enabled (bob, "save-shared-screen", TRUE, 15000));
  assert_pixel_exact ("share-apps-requested");
  stop_share (bob);
}

static void
test_request_declined (void)
{
  g_autofree char *bars = NULL;

  g_assert_true (tandem_test_app_activate (bob, "request-screen", "'sip:alice@tandem.test'"));
  g_assert_true (wait_enabled (alice, "accept-share", TRUE, 10000));
  g_assert_true (tandem_test_app_activate (alice, "decline-share", NULL));
  g_assert_true (wait_enabled (bob, "stop-share", FALSE, 10000));
  g_assert_true (wait_enabled (alice, "stop-share", FALSE, 10000));
  /* Nothing was served: no viewer at bob, no sharing bar at alice. */
  g_assert_false (tandem_test_app_action_enabled (bob, "save-shared-screen"));
  g_assert_false (tandem_test_app_action_enabled (alice, "grant-control"));
  bars = run_on (display_a, "xdotool search --name '^Screen sharing$' | wc -l");
  g_assert_cmpstr (bars, ==, "0");
}

/* Moves bob's pointer across his window (over the viewer beside the
 * chat) and returns where alice's pointer is afterwards.  No click: on
 * alice's screen it could open a menu that grabs the pointer. */
static char *
wiggle_from_bob (void)
{
  g_free (run_on (display_b,
                  "w=$(xdotool search --onlyvisible --name '^Tandem$' | head -1); "
                  "xdotool mousemove --window $w 300 300 sleep 0.2 mousemove --window $w 420 380"));
  g_usleep (800 * 1000);
  return run_on (display_a, "xdotool getmouselocation --shell | head -2 | tr '\\n' ' '");
}

/* An xev window over all of display A records what reaches it; bob clicks
 * and types "tandem" in his viewer.  With @expect, waits (up to 10 s) for
 * the last key to show; without, gives it 2 s.  Returns xev's log. */
static char *
input_from_bob (const char *name,
                gboolean    expect)
{
  g_autofree char *unique = file_name (name);
  g_autofree char *file = g_strdup_printf ("%s.xev.log", unique);
  g_autofree char *log = g_build_filename (g_getenv ("TANDEM_BUILD_DIR"), "screenshots", file, NULL);
  const char *argv[] = { "stdbuf", "-oL", "xev", "-geometry", "1280x800+0+0", "-name", "input-probe",
                         "-event", "keyboard", "-event", "button", "-event", "mouse", NULL };
  g_autoptr(GError) error = NULL;
  TandemTestProcess *xev;
  char *text = NULL;
  gint64 until;

  use_display (display_a);
  xev = tandem_test_process_spawn (argv, log, -1, -1, &error);
  g_assert_no_error (error);
  /* Mapped (a busy machine may take a while to start it)... */
  until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autofree char *found = run_on (display_a, "xdotool search --name '^input-probe$' | head -1");

      if (*found != '\0' || g_get_monotonic_time () > until)
        break;
      g_usleep (100 * 1000);
    }
  /* ... holding the X focus, which alice's Tandem window took when it was
   * presented (no window manager) ... */
  g_free (run_on (display_a, "xdotool windowfocus $(xdotool search --name '^input-probe$' | head -1)"));
  /* ... and in bob's viewer. */
  g_usleep (800 * 1000);
  g_free (run_on (display_b,
                  "w=$(xdotool search --onlyvisible --name '^Tandem$' | head -1); "
                  "xdotool mousemove --window $w 420 380 sleep 0.3 click 1 sleep 0.3 type tandem"));
  until = g_get_monotonic_time () + (expect ? 10 : 2) * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    {
      g_autofree char *now = NULL;

      g_usleep (200 * 1000);
      if (expect && g_file_get_contents (log, &now, NULL, NULL) && strstr (now, "keysym 0x6d, m)") != NULL)
        break;
    }
  tandem_test_process_stop (xev, 1000);
  g_assert_true (g_file_get_contents (log, &text, NULL, NULL));
  return text;
}

static void
test_control (void)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  start_share (FALSE);
  g_free (run_on (display_a, "xdotool mousemove 5 5"));
  before = run_on (display_a, "xdotool getmouselocation --shell | head -2 | tr '\\n' ' '");

  /* View only: nothing arrives. */
  after = wiggle_from_bob ();
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);

  /* bob asks, alice grants: his pointer drives hers. */
  g_assert_true (tandem_test_app_activate (bob, "request-control", NULL));
  g_assert_true (tandem_test_app_activate (alice, "grant-control", NULL));
  g_assert_true (wait_enabled (alice, "revoke-control", TRUE, 5000));
  g_assert_true (wait_enabled (bob, "request-control", FALSE, 5000));
  after = wiggle_from_bob ();
  g_test_message ("alice's pointer: before %s, after bob moved with control %s", before, after);
  g_assert_cmpstr (after, !=, before);
  g_clear_pointer (&after, g_free);
  {
    g_autofree char *seen = input_from_bob ("share-apps-control-granted", TRUE);

    /* The click and every key of "tandem" arrived as X events on A. */
    g_assert_nonnull (strstr (seen, "ButtonPress"));
    g_assert_nonnull (strstr (seen, "keysym 0x74, t)"));
    g_assert_nonnull (strstr (seen, "keysym 0x61, a)"));
    g_assert_nonnull (strstr (seen, "keysym 0x6e, n)"));
    g_assert_nonnull (strstr (seen, "keysym 0x64, d)"));
    g_assert_nonnull (strstr (seen, "keysym 0x65, e)"));
    g_assert_nonnull (strstr (seen, "keysym 0x6d, m)"));
  }

  /* Revoked: nothing again. */
  g_assert_true (tandem_test_app_activate (alice, "revoke-control", NULL));
  g_assert_true (wait_enabled (bob, "request-control", TRUE, 5000));
  g_free (run_on (display_a, "xdotool mousemove 5 5"));
  after = wiggle_from_bob ();
  g_assert_cmpstr (after, ==, before);
  {
    g_autofree char *seen = input_from_bob ("share-apps-control-revoked", FALSE);

    g_assert_null (strstr (seen, "ButtonPress"));
    g_assert_null (strstr (seen, "KeyPress"));
  }
  stop_share (bob);
}

static void
test_share_during_call (void)
{
  for (int attempt = 0; attempt < 10; attempt++)
    {
      g_assert_true (tandem_test_app_activate (alice, "call", "'sip:bob@tandem.test'"));
      if (wait_enabled (bob, "answer", TRUE, 3000))
        break;
    }
  g_assert_true (tandem_test_app_activate (bob, "answer", NULL));
  g_assert_true (wait_enabled (bob, "hangup", TRUE, 5000));
  /* bob asks during the call: the prompt sits on alice's call bar. */
  g_assert_true (tandem_test_app_activate (bob, "request-screen", "'sip:alice@tandem.test'"));
  g_assert_true (wait_enabled (alice, "accept-share", TRUE, 10000));
  g_usleep (700 * 1000);
  g_free (screenshot_of (display_a, "share-apps-request-during-call"));
  g_assert_true (tandem_test_app_activate (alice, "accept-share", NULL));
  g_assert_true (wait_enabled (bob, "save-shared-screen", TRUE, 15000));
  g_usleep (700 * 1000);
  g_free (screenshot_of (display_b, "share-apps-viewing-during-call"));
  stop_share (alice);
  /* The call is still up on both sides. */
  g_usleep (1000 * 1000);
  g_assert_true (tandem_test_app_action_enabled (alice, "hangup"));
  g_assert_true (tandem_test_app_action_enabled (bob, "hangup"));
  g_assert_true (tandem_test_app_activate (alice, "hangup", NULL));
  g_assert_true (wait_enabled (bob, "hangup", FALSE, 10000));
}

/* The relay drops bob's stream connection: kamailio's end of it is reset
 * (ss -K, as when kamailio gives up on a connection), so bob's side sees
 * it and alice learns it from bob's BYE. */
static void
test_relay_lost (void)
{
  guint16 port = tandem_test_kamailio_get_msrp_port (world);
  g_autofree char *find = NULL, *bob_port = NULL, *kill_cmd = NULL, *killed = NULL;
  g_autofree char *alice_said = NULL, *bob_said = NULL, *left = NULL;
  gint64 start;

  if (geteuid () != 0)
    {
      g_test_skip ("resetting a TCP connection (ss -K) needs root");
      return;
    }
  start_share (FALSE);
  g_usleep (1000 * 1000);
  /* every connection of bob's to the relay (his pid in ss -p) */
  find = g_strdup_printf ("ss -tnpH state established dport = :%u | grep 'pid=%d,' | awk '{print $3}' "
                          "| sed 's/.*://' | tr '\\n' ' '", port, (int) tandem_test_app_get_pid (bob));
  bob_port = run_on (display_a, find);
  g_assert_cmpstr (bob_port, !=, "");
  kill_cmd = g_strdup_printf ("for p in %s; do ss -K -4 state established sport = :%u dport = :$p; done 2>&1",
                              bob_port, port);
  killed = run_on (display_a, kill_cmd);
  g_test_message ("reset the relay's end of bob's connections (ports %s): %s", bob_port, killed);

  g_assert_true (wait_enabled (bob, "stop-share", FALSE, 15000));
  g_assert_true (wait_enabled (alice, "stop-share", FALSE, 15000));
  bob_said = tandem_test_app_action_state (bob, "share-message");
  alice_said = tandem_test_app_action_state (alice, "share-message");
  g_test_message ("bob says %s; alice says %s", bob_said, alice_said);
  g_assert_nonnull (strstr (bob_said, "The connection through the relay was lost"));
  g_assert_nonnull (strstr (alice_said, "The connection through the relay was lost"));
  g_assert_true (wait_enabled (bob, "reconnect-share", TRUE, 5000));
  g_assert_true (wait_enabled (alice, "reconnect-share", TRUE, 5000));
  g_free (screenshot_of (display_b, "share-apps-relay-lost-viewer"));
  g_free (screenshot_of (display_a, "share-apps-relay-lost-sharer"));

  /* One click on bob's side; alice takes it without a prompt. */
  start = g_get_monotonic_time ();
  g_assert_true (tandem_test_app_activate (bob, "reconnect-share", "'sip:alice@tandem.test'"));
  g_assert_true (wait_enabled (bob, "save-shared-screen", TRUE, 20000));
  g_test_message ("bob's viewer runs again %" G_GINT64_FORMAT " ms after Reconnect",
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_true (wait_enabled (alice, "grant-control", TRUE, 5000));
  g_assert_false (tandem_test_app_action_enabled (alice, "accept-share"));
  g_assert_false (tandem_test_app_action_enabled (alice, "reconnect-share"));
  g_assert_false (tandem_test_app_action_enabled (bob, "reconnect-share"));
  assert_pixel_exact ("share-apps-after-reconnect");
  stop_share (alice);
  /* a share stopped by hand offers no Reconnect */
  left = tandem_test_app_action_state (bob, "share-message");
  g_assert_false (tandem_test_app_action_enabled (bob, "reconnect-share"));
}

static void
test_kill_mid_share (void)
{
  gint64 start;

  /* bob dies: alice stops sharing by herself. */
  start_share (FALSE);
  start = g_get_monotonic_time ();
  tandem_test_app_kill (bob);
  g_assert_true (wait_enabled (alice, "stop-share", FALSE, 10000));
  g_test_message ("alice back to normal %" G_GINT64_FORMAT " ms after bob was killed",
                  (g_get_monotonic_time () - start) / 1000);

  use_display (display_b);
  tandem_test_app_relaunch (bob);
  g_assert_true (wait_enabled (bob, "stop-share", FALSE, 20000));

  /* alice dies: bob's viewer ends by itself. */
  start_share (FALSE);
  start = g_get_monotonic_time ();
  tandem_test_app_kill (alice);
  g_assert_true (wait_enabled (bob, "stop-share", FALSE, 10000));
  g_test_message ("bob back to normal %" G_GINT64_FORMAT " ms after alice was killed",
                  (g_get_monotonic_time () - start) / 1000);
  g_free (screenshot_of (display_b, "share-apps-after-kill"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *alice_ini = NULL;
  g_autofree char *bob_ini = NULL;
  int status;

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--relay"))
      relay = TRUE;
  g_test_init (&argc, &argv, NULL);
  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  g_setenv ("TANDEM_NO_KEYRING", "1", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);

  display_a = tandem_test_xvfb_start (1280, 800, &error);
  g_assert_no_error (error);
  display_b = tandem_test_xvfb_start (1600, 900, &error);
  g_assert_no_error (error);
  world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);

  alice_ini = provision_for ("alice", "bob");
  bob_ini = provision_for ("bob", "alice");
  use_display (display_a);
  alice = tandem_test_app_start (relay ? "relay-alice" : "share-alice", alice_ini);
  use_display (display_b);
  bob = tandem_test_app_start (relay ? "relay-bob" : "share-bob", bob_ini);
  g_assert_true (tandem_test_wait_for_windows ("Tandem", 1, 20000));
  use_display (display_a);
  g_assert_true (tandem_test_wait_for_windows ("Tandem", 1, 20000));
  /* bob's window fills his display, the viewer gets room. */
  g_free (run_on (display_b, "w=$(xdotool search --onlyvisible --name '^Tandem$' | head -1); "
                             "xdotool windowmove $w 0 0 windowsize $w 1600 900"));

  if (relay)
    {
      g_test_add_func ("/share-apps/relay/share", test_share_pixel_exact_and_chat);
      g_test_add_func ("/share-apps/relay/control", test_control);
      g_test_add_func ("/share-apps/relay/relay-lost", test_relay_lost);
      g_test_add_func ("/share-apps/relay/kill-mid-share", test_kill_mid_share);
    }
  else
    {
      g_test_add_func ("/share-apps/share-pixel-exact-and-chat", test_share_pixel_exact_and_chat);
      g_test_add_func ("/share-apps/request-accepted", test_request_accepted);
      g_test_add_func ("/share-apps/request-declined", test_request_declined);
      g_test_add_func ("/share-apps/control", test_control);
      g_test_add_func ("/share-apps/during-call", test_share_during_call);
      g_test_add_func ("/share-apps/kill-mid-share", test_kill_mid_share);
    }
  status = g_test_run ();

  tandem_test_app_stop (alice);
  tandem_test_app_stop (bob);
  tandem_test_kamailio_stop (world);
  tandem_test_xvfb_stop (display_b);
  tandem_test_xvfb_stop (display_a);
  return status;
}
