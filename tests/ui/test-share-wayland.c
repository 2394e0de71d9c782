/* test-share-wayland.c: screen sharing on Wayland between two Tandem
 * processes.  alice runs natively on a headless GNOME session
 * (GDK_BACKEND=wayland: mutter, pipewire, the portals), bob on Xvfb; both
 * through the kamailio fixture, driven over D-Bus on the session's bus.
 *   - a cancelled portal picker ends the share: bob is told, alice says
 *     "Sharing cancelled";
 *   - a picked monitor: bob's viewer shows a known window pixel for pixel
 *     (its lower half: alice's sharing bar stays above it at the top);
 *     the restore token kept, the next share needs no dialog;
 *   - control granted: the RemoteDesktop dialog first (accepted over
 *     AT-SPI), then bob has control: his click and keys reach the window;
 *     revoked, nothing of his arrives.
 * The session starts once for the whole run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tandem-test-app.h"
#include "tandem-test-gnome.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-process.h"
#include "tandem-test-xvfb.h"

#define WAIT_MS  20000
#define SCREEN_W 800
#define SCREEN_H 600
#define PAT_W    640
#define PAT_H    480

static TandemTestGnome *gnome;
static TandemTestKamailio *world;
static TandemTestXvfb *display_b;
static TandemTestApp *alice;
static TandemTestApp *bob;

/* ---- the known window on alice's session --------------------------------- */

static GSubprocess *pattern_process;
static char *pattern_log;

static const guint32 palette[16] = {
  0x000000, 0xff0000, 0x00ff00, 0x0000ff, 0xffff00, 0xff00ff, 0x00ffff, 0xffffff,
  0x804020, 0x208040, 0x402080, 0xc0c0c0, 0x808080, 0x123456, 0x654321, 0xabcdef,
};

/* tests/support/tandem-test-pattern-window.py draws this. */
static guint32
pattern (int     i,
         int     j,
         guint32 xor)
{
  int bi = i / 10, bj = j / 10;

  return palette[(bi * 7 + bj * 3 + bi * bj) % 16] ^ xor;
}

static gboolean
pattern_log_has (const char *line)
{
  g_autofree char *text = NULL;
  g_autofree char *needle = g_strdup_printf ("\n%s", line);

  if (!g_file_get_contents (pattern_log, &text, NULL, NULL))
    return FALSE;
  return g_str_has_prefix (text, line) || strstr (text, needle) != NULL;
}

/* How many lines of the log start with prefix. */
static guint
pattern_log_count (const char *prefix)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (!g_file_get_contents (pattern_log, &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    n += g_str_has_prefix (lines[i], prefix);
  return n;
}

static gboolean
wait_log (const char *line,
          guint       ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (!pattern_log_has (line) && g_get_monotonic_time () < until)
    g_usleep (50 * 1000);
  return pattern_log_has (line);
}

/* Started after the sharing bar, so it is the top window. */
static void
pattern_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_build_filename (g_getenv ("TANDEM_SOURCE_DIR"), "tests", "support",
                                              "tandem-test-pattern-window.py", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *w = g_strdup_printf ("%d", PAT_W);
  g_autofree char *h = g_strdup_printf ("%d", PAT_H);
  int fd;

  g_clear_pointer (&pattern_log, g_free);
  fd = g_file_open_tmp ("tandem-wayland-pattern-XXXXXX.log", &pattern_log, &error);
  g_assert_no_error (error);
  close (fd);
  g_subprocess_launcher_setenv (launcher, "GDK_BACKEND", "wayland", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  pattern_process = g_subprocess_launcher_spawn (launcher, &error, "/usr/bin/python3", script, w, h,
                                                 pattern_log, "0", NULL);
  g_assert_no_error (error);
  g_assert_true (wait_log ("drawn 0", WAIT_MS));
}

static void
pattern_stop (void)
{
  if (pattern_process == NULL)
    return;
  g_subprocess_force_exit (pattern_process);
  g_subprocess_wait (pattern_process, NULL, NULL);
  g_clear_object (&pattern_process);
  g_unlink (pattern_log);
}

/* ---- sharing ---------------------------------------------------------- */

/* alice shares with bob, bob accepts; returns once alice's share is up to
 * the portal (the caller answers its dialog, if any). */
static void
offer_share (void)
{
  for (int attempt = 0; attempt < 10; attempt++)
    {
      /* Until both share stacks have registered, the offer may fail. */
      g_assert_true (tandem_test_app_activate (alice, "share-screen", "'sip:bob@tandem.test'"));
      if (tandem_test_app_wait_enabled (bob, "accept-share", TRUE, 3000))
        break;
      tandem_test_app_activate (alice, "stop-share", NULL);
      g_usleep (500 * 1000);
    }
  g_assert_true (tandem_test_app_action_enabled (bob, "accept-share"));
  g_assert_true (tandem_test_app_activate (bob, "accept-share", NULL));
}

static void
stop_share (void)
{
  g_assert_true (tandem_test_app_activate (alice, "stop-share", NULL));
  g_assert_true (tandem_test_app_wait_enabled (alice, "stop-share", FALSE, 10000));
  g_assert_true (tandem_test_app_wait_enabled (bob, "stop-share", FALSE, 10000));
}

/* bob's copy of alice's screen holds the pattern, pixel for pixel
 * (retried while frames arrive). */
static void
assert_bob_sees_pattern (const char *name,
                         guint32     xor)
{
  gint64 until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (guint attempt = 0; g_get_monotonic_time () < until; attempt++)
    {
      g_autofree char *file = g_strdup_printf ("%s-bob-sees.png", name);
      g_autofree char *png = g_build_filename (g_getenv ("TANDEM_BUILD_DIR"), "screenshots", file, NULL);
      g_autofree char *param = g_strdup_printf ("'%s'", png);
      g_autoptr(GdkPixbuf) b = NULL;
      const guint8 *px;
      int stride, n, w, h;

      g_unlink (png);
      g_assert_true (tandem_test_app_activate (bob, "save-shared-screen", param));
      for (int i = 0; i < 20 && !g_file_test (png, G_FILE_TEST_EXISTS); i++)
        g_usleep (100 * 1000);
      b = gdk_pixbuf_new_from_file (png, NULL);
      if (b == NULL)
        continue;
      w = gdk_pixbuf_get_width (b);
      h = gdk_pixbuf_get_height (b);
      g_assert_cmpint (w, ==, SCREEN_W);
      g_assert_cmpint (h, ==, SCREEN_H);
      px = gdk_pixbuf_get_pixels (b);
      stride = gdk_pixbuf_get_rowstride (b);
      n = gdk_pixbuf_get_n_channels (b);
#define AT(x, y) ((guint32) px[(y) * stride + (x) * n] << 16 | (guint32) px[(y) * stride + (x) * n + 1] << 8 | px[(y) * stride + (x) * n + 2])
      /* The sharing bar stays above every window at the top of the
       * screen: the lower half of the window is compared, all of it. */
      for (int y = PAT_H / 2; y + PAT_H / 2 <= h; y++)
        for (int x = 0; x + PAT_W <= w; x++)
          {
            gboolean same = TRUE;

            if (AT (x, y) != pattern (0, PAT_H / 2, xor) || AT (x + 1, y) != pattern (1, PAT_H / 2, xor))
              continue;
            for (int j = PAT_H / 2; same && j < PAT_H; j++)
              for (int i = 0; same && i < PAT_W; i++)
                same = AT (x + i, y - PAT_H / 2 + j) == pattern (i, j, xor);
            if (same)
              {
                g_test_message ("%s: the window at %d,%d, its lower half pixel for pixel, after %u attempt(s)",
                                name, x, y - PAT_H / 2, attempt + 1);
                return;
              }
          }
#undef AT
      g_usleep (300 * 1000);
    }
  g_error ("%s: bob's view never showed the window pixel for pixel", name);
}

static char *
run_on_b (const char *command)
{
  const char *argv[] = { "sh", "-c", command, NULL };
  int status;

  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (display_b), TRUE);
  return g_strstrip (tandem_test_run (argv, &status));
}

/* ---- tests ----------------------------------------------------------- */

static void
test_cancelled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) answer = tandem_test_gnome_answer_dialog (gnome, FALSE, TRUE, WAIT_MS, &error);
  g_autofree char *said = NULL;

  g_assert_no_error (error);
  offer_share ();
  g_assert_true (g_subprocess_wait_check (answer, NULL, NULL));
  /* Both sides end: bob was told. */
  g_assert_true (tandem_test_app_wait_enabled (bob, "stop-share", FALSE, WAIT_MS));
  g_assert_true (tandem_test_app_wait_enabled (alice, "stop-share", FALSE, WAIT_MS));
  said = tandem_test_app_action_state (alice, "share-message");
  g_assert_cmpstr (said, ==, "Sharing cancelled");
  g_assert_false (tandem_test_app_action_enabled (bob, "save-shared-screen"));
}

static void
test_share_then_remembered (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *said = NULL;
  g_autoptr(GSubprocess) answer = tandem_test_gnome_answer_dialog (gnome, FALSE, FALSE, WAIT_MS, &error);

  g_assert_no_error (error);
  offer_share ();
  /* The picker: a monitor, Share. */
  g_assert_true (g_subprocess_wait_check (answer, NULL, NULL));
  g_assert_true (tandem_test_app_wait_enabled (bob, "save-shared-screen", TRUE, WAIT_MS));
  g_assert_true (tandem_test_app_wait_enabled (alice, "grant-control", TRUE, WAIT_MS));
  /* The last share's "Sharing cancelled" is gone from alice's window. */
  said = tandem_test_app_action_state (alice, "share-message");
  g_assert_cmpstr (said, ==, "");
  pattern_start ();
  assert_bob_sees_pattern ("share-wayland-picked", 0);
  g_free (tandem_test_screenshot ("share-wayland-bob-viewer"));
  stop_share ();
  pattern_stop ();

  /* Remembered: no dialog this time (nobody answers one). */
  offer_share ();
  g_assert_true (tandem_test_app_wait_enabled (bob, "save-shared-screen", TRUE, WAIT_MS));
  pattern_start ();
  assert_bob_sees_pattern ("share-wayland-remembered", 0);
  stop_share ();
  pattern_stop ();
}

/* Control: granting asks the RemoteDesktop portal first (its dialog,
 * accepted over AT-SPI); bob gets control only once it said yes; his click
 * and keys then reach a window on alice's session; a revoke takes control
 * back at once, and nothing of his arrives until it is given again. */
static void
test_control (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) answer = NULL;
  guint revoked_at;

  offer_share ();
  g_assert_true (tandem_test_app_wait_enabled (bob, "save-shared-screen", TRUE, WAIT_MS));
  g_assert_true (tandem_test_app_wait_enabled (alice, "grant-control", TRUE, WAIT_MS));

  g_assert_true (tandem_test_app_activate (bob, "request-control", NULL));
  g_assert_true (tandem_test_app_activate (alice, "grant-control", NULL));
  /* Not yet: the portal asks alice first. */
  g_assert_true (tandem_test_app_action_enabled (bob, "request-control"));
  answer = tandem_test_gnome_answer_dialog (gnome, TRUE, FALSE, WAIT_MS, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (answer, NULL, NULL));
  g_assert_true (tandem_test_app_wait_enabled (bob, "request-control", FALSE, WAIT_MS));
  g_assert_true (tandem_test_app_wait_enabled (alice, "revoke-control", TRUE, WAIT_MS));

  /* bob's click and keys reach the window on alice's session.  bob's
   * window fills his 1600x900 screen; his view scales alice's 800x600 into
   * the middle column, so (760, 560) is on the window (which covers most of
   * alice's screen), below her sharing bar. */
  pattern_start ();
  assert_bob_sees_pattern ("share-wayland-control", 0);
  g_free (run_on_b ("xdotool mousemove 760 560 sleep 0.3 click 1"));
  g_assert_true (wait_log ("button 1", WAIT_MS));
  assert_bob_sees_pattern ("share-wayland-clicked", 0xffffff);
  /* mutter sometimes drops the first key after a focus change: typed
   * again, as a user would, clicking into the window first. */
  for (int attempt = 0; attempt < 6 && !pattern_log_has ("key a"); attempt++)
    {
      g_free (run_on_b (attempt == 0 ? "xdotool sleep 0.3 type a"
                                     : "xdotool mousemove 760 560 sleep 0.3 click 1 sleep 0.5 type a"));
      wait_log ("key a", 3000);
    }
  g_assert_true (pattern_log_has ("key a"));
  g_free (tandem_test_screenshot ("share-wayland-control-bob"));

  g_assert_true (tandem_test_app_activate (alice, "revoke-control", NULL));
  g_assert_true (tandem_test_app_wait_enabled (bob, "request-control", TRUE, WAIT_MS));
  /* Revoked: neither a click nor 'b' may arrive. */
  revoked_at = pattern_log_count ("") - 1;  /* the lines so far (the split's last piece is empty) */
  g_free (run_on_b ("xdotool mousemove 770 570 sleep 0.3 click 1 sleep 0.3 type b"));
  /* Given again in the same share: the portal's yes still holds, and 'c'
   * arrives; it went the same way after 'b', so 'b' had its chance. */
  g_assert_true (tandem_test_app_activate (alice, "grant-control", NULL));
  g_assert_true (tandem_test_app_wait_enabled (bob, "request-control", FALSE, WAIT_MS));
  for (int attempt = 0; attempt < 6 && !pattern_log_has ("key c"); attempt++)
    {
      g_free (run_on_b ("xdotool sleep 0.3 type c"));
      wait_log ("key c", 3000);
    }
  g_assert_true (pattern_log_has ("key c"));
  g_assert_false (pattern_log_has ("key b"));
  /* Nothing of the revoked click either: no button between the revoke
   * and 'c'. */
  {
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    g_assert_true (g_file_get_contents (pattern_log, &text, NULL, NULL));
    lines = g_strsplit (text, "\n", -1);
    for (guint i = revoked_at; lines[i] != NULL && !g_str_equal (lines[i], "key c"); i++)
      g_assert_false (g_str_has_prefix (lines[i], "button "));
  }
  stop_share ();
  pattern_stop ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *alice_ini = NULL;
  g_autofree char *bob_ini = NULL;
  const char *share = "[share]\ntls=true\nrelay=none\n";
  int status;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  g_setenv ("TANDEM_NO_KEYRING", "1", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);
  /* The capture follows the session, as for a user. */
  g_unsetenv ("TANDEM_SHARE_CAPTURE");

  /* First: its bus is the session bus of everything after. */
  gnome = tandem_test_gnome_start (SCREEN_W, SCREEN_H, &error);
  g_assert_no_error (error);
  display_b = tandem_test_xvfb_start (1600, 900, &error);
  g_assert_no_error (error);
  world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);

  g_mkdir_with_parents (g_build_filename (g_getenv ("TANDEM_BUILD_DIR"), "screenshots", NULL), 0755);
  alice_ini = tandem_test_app_provision (world, "alice", "bob", "tcp", share);
  bob_ini = tandem_test_app_provision (world, "bob", "alice", "tcp", share);
  g_setenv ("GDK_BACKEND", "wayland", TRUE);
  alice = tandem_test_app_start ("wayland-alice", alice_ini);
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (display_b), TRUE);
  bob = tandem_test_app_start ("wayland-bob", bob_ini);
  g_assert_true (tandem_test_wait_for_windows ("Tandem", 1, 20000));
  g_free (run_on_b ("w=$(xdotool search --onlyvisible --name '^Tandem$' | head -1); "
                    "xdotool windowmove $w 0 0 windowsize $w 1600 900"));
  g_assert_true (tandem_test_app_wait_enabled (alice, "share-screen", TRUE, 20000));

  g_test_add_func ("/share-wayland/cancelled", test_cancelled);
  g_test_add_func ("/share-wayland/share-then-remembered", test_share_then_remembered);
  g_test_add_func ("/share-wayland/control", test_control);
  status = g_test_run ();

  pattern_stop ();
  tandem_test_app_stop (alice);
  tandem_test_app_stop (bob);
  tandem_test_kamailio_stop (world);
  tandem_test_xvfb_stop (display_b);
  tandem_test_gnome_stop (gnome);
  g_free (pattern_log);
  return status;
}
