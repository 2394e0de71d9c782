/* tandem-bench-share-click: click-to-first-frame of a screen share.
 *
 * Two real Tandem processes (alice on a 1920x1080 Xvfb, bob on another)
 * and the kamailio fixture on loopback.  Each run: `share-screen` on
 * alice through D-Bus, bob's `accept-share` the moment it is enabled
 * (polled every 5 ms, as a user who clicks at once), until bob's viewer
 * has painted its first complete frame (bob logs the monotonic time of
 * it; CLOCK_MONOTONIC is shared by the processes).  SIP + MSRP + RFB,
 * direct over TLS, then through the kamailio MSRP relay over TCP.
 * Prints min, p50, p90 and max over N runs (default 20).  A benchmark,
 * not a test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "tandem-test-app.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-xvfb.h"

static TandemTestKamailio *world;

static char *
provision_for (const char *me,
               const char *peer,
               gboolean    relay)
{
  g_autofree char *share = relay
    ? g_strdup_printf ("[share]\ntls=false\nrelay=127.0.0.1:%u\n", tandem_test_kamailio_get_msrp_port (world))
    : g_strdup ("[share]\ntls=true\nrelay=none\n");

  return tandem_test_app_provision (world, me, peer, "tcp", share);
}

/* The last "first frame at T" bob logged, and how many there were. */
static gint64
last_first_frame (const char *log,
                  guint      *count)
{
  g_autofree char *text = NULL;
  const char *p;
  gint64 t = -1;

  *count = 0;
  if (!g_file_get_contents (log, &text, NULL, NULL))
    return -1;
  for (p = text; (p = strstr (p, "first frame at ")) != NULL; p++)
    {
      t = g_ascii_strtoll (p + strlen ("first frame at "), NULL, 10);
      (*count)++;
    }
  return t;
}

static int
compare (gconstpointer a,
         gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static gboolean
poll_enabled (TandemTestApp *app,
              const char    *action,
              gboolean       enabled,
              guint          ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      if (tandem_test_app_action_enabled (app, action) == enabled)
        return TRUE;
      g_usleep (5000);
    }
  return FALSE;
}

static void
run_series (const char     *label,
            gboolean        relay,
            TandemTestXvfb *display_a,
            TandemTestXvfb *display_b,
            guint           runs)
{
  g_autofree char *alice_ini = provision_for ("alice", "bob", relay);
  g_autofree char *bob_ini = provision_for ("bob", "alice", relay);
  const char *kind = relay ? "relay" : "direct";
  g_autofree char *alice_name = g_strdup_printf ("bench-alice-%s", kind);
  g_autofree char *bob_name = g_strdup_printf ("bench-bob-%s", kind);
  g_autofree char *bob_log = g_strdup_printf ("tandem-%s.log", bob_name);
  g_autofree char *log = g_build_filename (g_getenv ("TANDEM_BUILD_DIR"), "screenshots", bob_log, NULL);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  TandemTestApp *alice, *bob;
  guint seen = 0;

  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (display_a), TRUE);
  alice = tandem_test_app_start (alice_name, alice_ini);
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (display_b), TRUE);
  g_setenv ("G_MESSAGES_DEBUG", "tandem-vnc-view", TRUE);
  bob = tandem_test_app_start (bob_name, bob_ini);
  g_unsetenv ("G_MESSAGES_DEBUG");

  /* Warm-up: until both share stacks have registered, and once more. */
  for (guint i = 0; i < 40; i++)
    {
      tandem_test_app_activate (alice, "share-screen", "'sip:bob@tandem.test'");
      if (poll_enabled (bob, "accept-share", TRUE, 3000))
        break;
      tandem_test_app_activate (alice, "stop-share", NULL);
      g_usleep (500 * 1000);
    }
  tandem_test_app_activate (bob, "accept-share", NULL);
  poll_enabled (bob, "save-shared-screen", TRUE, 20000);
  tandem_test_app_activate (alice, "stop-share", NULL);
  poll_enabled (bob, "stop-share", FALSE, 10000);
  g_usleep (500 * 1000);

  for (guint i = 0; i < runs; i++)
    {
      gint64 t0, frame = -1;
      guint count = 0;
      double ms;

      last_first_frame (log, &seen);
      t0 = g_get_monotonic_time ();
      if (!tandem_test_app_activate (alice, "share-screen", "'sip:bob@tandem.test'") ||
          !poll_enabled (bob, "accept-share", TRUE, 10000) ||
          !tandem_test_app_activate (bob, "accept-share", NULL))
        g_error ("run %u: the share did not reach bob", i);
      for (int w = 0; w < 2000; w++)
        {
          frame = last_first_frame (log, &count);
          if (count > seen)
            break;
          g_usleep (2000);
        }
      if (count <= seen)
        g_error ("run %u: no first frame in bob's viewer", i);
      ms = (frame - t0) / 1000.0;
      g_array_append_val (times, ms);
      g_print ("  %s run %2u: %7.1f ms\n", label, i + 1, ms);
      tandem_test_app_activate (alice, "stop-share", NULL);
      poll_enabled (alice, "stop-share", FALSE, 10000);
      poll_enabled (bob, "stop-share", FALSE, 10000);
      g_usleep (300 * 1000);
    }

  g_array_sort (times, compare);
  g_print ("%-28s runs %2u  min %7.1f  p50 %7.1f  p90 %7.1f  max %7.1f ms\n", label, times->len,
           g_array_index (times, double, 0),
           g_array_index (times, double, times->len / 2),
           g_array_index (times, double, (times->len * 9) / 10 < times->len ? (times->len * 9) / 10 : times->len - 1),
           g_array_index (times, double, times->len - 1));
  tandem_test_app_stop (bob);
  tandem_test_app_stop (alice);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestXvfb) display_a = NULL;
  g_autoptr(TandemTestXvfb) display_b = NULL;
  guint runs = argc > 1 ? (guint) atoi (argv[1]) : 20;

  if (g_getenv ("TANDEM_BUILD_DIR") == NULL)
    g_setenv ("TANDEM_BUILD_DIR", TANDEM_BENCH_BUILD_DIR, TRUE);
  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  g_setenv ("TANDEM_NO_KEYRING", "1", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);

  display_a = tandem_test_xvfb_start (1920, 1080, &error);
  g_assert_no_error (error);
  display_b = tandem_test_xvfb_start (1920, 1080, &error);
  g_assert_no_error (error);
  world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);

  g_print ("click-to-first-frame: share-screen on alice -> first complete frame in bob's viewer, "
           "1920x1080, loopback\n");
  run_series ("direct (msrps, TLS)", FALSE, display_a, display_b, runs);
  run_series ("via kamailio relay (msrp)", TRUE, display_a, display_b, runs);

  tandem_test_kamailio_stop (world);
  return 0;
}
