/* test-call-encryption.c: encrypted calls between two Tandem processes,
 * alice and bob, over the kamailio fixture, driven through D-Bus.
 *
 * - ZRTP by default: both call bars show the same security code, and a
 *   capture of the call's UDP packets on loopback finds ZRTP and no plain
 *   RTP payload;
 * - "Mark as verified" on both sides survives a restart;
 * - a peer whose ZRTP cache was lost is shown as a warning;
 * - "Encrypt calls: always" refuses a plain offer (alice set to "never"),
 *   with the reason on both sides.
 *
 * With --blocked-zrtp the test runs in a network namespace of its own,
 * whose loopback has a firewall (nftables) that drops ZRTP packets and
 * passes everything else: the path of a media relay or firewall that
 * knows RTP only.  The keys are never agreed, and
 * - with "when possible" on both sides the call goes on unencrypted after
 *   the timeout: both call bars say "Not encrypted" and why (the security
 *   state "blocked"), and the audio is heard
 *   (the capture finds the plain payloads);
 * - with "always" on one side the call ends, with the reason on both.
 *
 * Plain RTP with "when possible", and the capture's positive control (it
 * does find the plain payloads there), are in test-interop-baresip: two
 * Tandems never stay plain, as liblinphone starts ZRTP whenever the other
 * side's SDP carries a zrtp-hash, whatever it was asked to offer.
 *
 * The capture needs a packet socket (root, as in CI).  ctest runs this
 * under dbus-run-session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "interop-peer.h"
#include "tandem-test-app.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-rtp-sniff.h"
#include "tandem-test-xvfb.h"

static TandemTestKamailio *world;
static TandemTestApp *alice;
static TandemTestApp *bob;
static gboolean blocked_zrtp;

/* Waits until @app's verify-call state starts with @prefix; returns it. */
static char *
wait_security (TandemTestApp *app,
               const char    *prefix,
               guint          timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  char *state = NULL;

  while (g_get_monotonic_time () < deadline)
    {
      g_free (state);
      state = tandem_test_app_action_state (app, "verify-call");
      if (state != NULL && g_str_has_prefix (state, prefix))
        return state;
      g_usleep (100 * 1000);
    }
  g_test_message ("security state is “%s”, not “%s…”", state ? state : "(none)", prefix);
  g_free (state);
  return NULL;
}

static gboolean
wait_log (TandemTestApp *app,
          const char    *text,
          guint          timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *log = tandem_test_app_dup_log (app);

      if (strstr (log, text) != NULL)
        return TRUE;
      g_usleep (100 * 1000);
    }
  return FALSE;
}

static void
answer (void)
{
  g_assert_true (tandem_test_app_activate (bob, "answer", NULL));
  g_assert_true (tandem_test_app_wait_enabled (bob, "hangup", TRUE, 5000));
}

static void
hang_up (void)
{
  g_assert_true (tandem_test_app_activate (alice, "hangup", NULL));
  g_assert_true (tandem_test_app_wait_enabled (alice, "hangup", FALSE, 10000));
  g_assert_true (tandem_test_app_wait_enabled (bob, "hangup", FALSE, 10000));
}

/* Lets the call run for a while and returns what went over the wire. */
static void
capture_rest_of_call (TandemTestRtpSniff *sniff,
                      TandemTestRtpStats *stats)
{
  GPid pids[2] = { tandem_test_app_get_pid (alice), tandem_test_app_get_pid (bob) };

  g_usleep (3 * G_USEC_PER_SEC);
  tandem_test_rtp_sniff_stop (sniff, pids, 2, stats);
  g_test_message ("captured: %u RTP packets in %u streams, %u repeated payloads, %u ZRTP packets",
                  stats->rtp_packets, stats->streams, stats->rtp_repeated, stats->zrtp_packets);
}

/* Side by side, for the screenshots. */
static void
arrange_windows (void)
{
  const char *argv[] = { "sh", "-c",
                         "n=0; for w in $(xdotool search --onlyvisible --name '^Tandem$'); do "
                         "xdotool windowmove $w $((n * 960)) 0; n=$((n + 1)); done", NULL };
  int status;

  g_free (tandem_test_run (argv, &status));
}

/* Restart @app with "Encrypt calls" set to @policy (settings.ini in the
 * profile is its GSettings store) and wait until it signed in again. */
static void
restart_with (TandemTestApp *app,
              const char    *policy)
{
  g_autofree char *ini = g_build_filename (tandem_test_app_get_profile (app), "settings.ini", NULL);
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *value = g_strdup_printf ("'%s'", policy);

  if (!tandem_test_app_exited (app))
    {
      g_assert_true (tandem_test_app_activate (app, "quit", NULL));
      if (!tandem_test_app_wait_exit (app, 10000))
        tandem_test_app_kill (app);
    }
  g_key_file_load_from_file (keyfile, ini, G_KEY_FILE_KEEP_COMMENTS, NULL);
  g_key_file_set_string (keyfile, "Tandem", "call-encryption", value);
  g_assert_true (g_key_file_save_to_file (keyfile, ini, NULL));
  tandem_test_app_relaunch (app);
  g_assert_true (tandem_test_wait_for_windows ("Tandem", 2, 20000));
  arrange_windows ();
}

static void
test_zrtp (void)
{
  g_autoptr(GError) error = NULL;
  TandemTestRtpSniff *sniff = tandem_test_rtp_sniff_start (&error);
  g_autofree char *alice_state = NULL;
  g_autofree char *bob_state = NULL;
  g_autofree char *png = NULL;
  TandemTestRtpStats stats;

  /* The capture needs CAP_NET_RAW (root, as in CI); without it the rest
   * runs and the case reports a skip. */
  if (sniff == NULL)
    g_test_message ("no capture: %s", error->message);
  tandem_test_app_call_until_ringing (alice, bob, "sip:bob@tandem.test");
  answer ();
  alice_state = wait_security (alice, "zrtp:", 15000);
  bob_state = wait_security (bob, "zrtp:", 15000);
  g_assert_nonnull (alice_state);
  g_assert_nonnull (bob_state);
  /* The same code on both sides, and one to read. */
  g_assert_cmpstr (alice_state, ==, bob_state);
  g_assert_cmpuint (strlen (alice_state), >, strlen ("zrtp:"));
  g_assert_true (tandem_test_app_action_enabled (alice, "verify-call"));

  if (sniff != NULL)
    {
      capture_rest_of_call (sniff, &stats);
      g_assert_cmpuint (stats.zrtp_packets, >, 0);
      g_assert_cmpuint (stats.streams, >=, 2);
      g_assert_cmpuint (stats.rtp_packets, >, 50);
      g_assert_cmpuint (stats.rtp_repeated, ==, 0);
    }

  png = tandem_test_screenshot ("call-encryption-code");
  tandem_test_assert_not_blank (png);
  if (sniff == NULL)
    g_test_skip ("the packet capture needs CAP_NET_RAW; the rest passed");
}

/* Follows test_zrtp, in its call. */
static void
test_verified_persists (void)
{
  g_autofree char *alice_state = NULL;
  g_autofree char *bob_state = NULL;
  g_autofree char *png = NULL;

  g_assert_true (tandem_test_app_activate (alice, "verify-call", NULL));
  g_assert_true (tandem_test_app_activate (bob, "verify-call", NULL));
  alice_state = wait_security (alice, "verified:", 5000);
  bob_state = wait_security (bob, "verified:", 5000);
  g_assert_nonnull (alice_state);
  g_assert_nonnull (bob_state);
  g_assert_false (tandem_test_app_action_enabled (alice, "verify-call"));
  hang_up ();

  /* Both restart: the ZRTP cache in the profile remembers. */
  restart_with (alice, "when-possible");
  restart_with (bob, "when-possible");
  tandem_test_app_call_until_ringing (alice, bob, "sip:bob@tandem.test");
  answer ();
  g_clear_pointer (&alice_state, g_free);
  g_clear_pointer (&bob_state, g_free);
  alice_state = wait_security (alice, "verified:", 15000);
  bob_state = wait_security (bob, "verified:", 15000);
  g_assert_nonnull (alice_state);
  g_assert_nonnull (bob_state);
  g_usleep (500 * 1000);
  png = tandem_test_screenshot ("call-encryption-verified");
  hang_up ();
}

/* bob loses his ZRTP cache (a new phone, or someone in between): alice,
 * who had verified him, is warned at once. */
static void
test_mismatch_warns (void)
{
  g_autofree char *zrtp_db = g_build_filename (tandem_test_app_get_profile (bob), "data",
                                               "zrtp-secrets.db", NULL);
  g_autofree char *alice_state = NULL;
  g_autofree char *png = NULL;

  g_assert_true (tandem_test_app_activate (bob, "quit", NULL));
  g_assert_true (tandem_test_app_wait_exit (bob, 10000));
  g_assert_true (g_file_test (zrtp_db, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_unlink (zrtp_db), ==, 0);
  restart_with (bob, "when-possible");

  tandem_test_app_call_until_ringing (alice, bob, "sip:bob@tandem.test");
  answer ();
  alice_state = wait_security (alice, "mismatch:", 15000);
  g_assert_nonnull (alice_state);
  g_assert_true (tandem_test_app_action_enabled (alice, "verify-call"));
  g_usleep (500 * 1000);
  png = tandem_test_screenshot ("call-encryption-mismatch");
  tandem_test_assert_not_blank (png);
  hang_up ();
}

/* alice offers plain RTP only ("never"); bob takes encrypted calls only. */
static void
test_always_refuses_plain (void)
{
  g_autofree char *png = NULL;

  restart_with (alice, "never");
  restart_with (bob, "always");
  for (int attempt = 0; attempt < 20; attempt++)
    {
      g_assert_true (tandem_test_app_activate (alice, "call", "'sip:bob@tandem.test'"));
      if (wait_log (alice, "bob accepts only encrypted calls", 3000))
        break;
    }
  g_assert_true (wait_log (alice, "bob accepts only encrypted calls", 100));
  g_assert_true (wait_log (bob, "refused, alice's call was not encrypted", 5000));
  g_assert_false (tandem_test_app_action_enabled (bob, "answer"));
  png = tandem_test_screenshot ("call-encryption-refused");
  tandem_test_assert_not_blank (png);
}

/* The firewall's counter: how many ZRTP packets it dropped so far. */
static guint64
zrtp_dropped (void)
{
  const char *argv[] = { "nft", "list", "chain", "inet", "tandem_test", "output", NULL };
  g_autofree char *out = NULL;
  const char *counter;
  int status;

  out = tandem_test_run (argv, &status);
  counter = out ? strstr (out, "counter packets ") : NULL;
  return counter ? g_ascii_strtoull (counter + strlen ("counter packets "), NULL, 10) : 0;
}

/* ZRTP never gets through: after the timeout the call goes on, both
 * sides say "Not encrypted", and the audio flows (plain). */
static void
test_blocked_falls_back (void)
{
  g_autoptr(GError) error = NULL;
  TandemTestRtpSniff *sniff = NULL;
  g_autofree char *alice_state = NULL;
  g_autofree char *bob_state = NULL;
  g_autofree char *png = NULL;
  TandemTestRtpStats stats;
  gint64 started;
  guint64 dropped;

  tandem_test_app_call_until_ringing (alice, bob, "sip:bob@tandem.test");
  answer ();
  alice_state = wait_security (alice, "pending", 5000);
  g_assert_nonnull (alice_state);
  g_clear_pointer (&alice_state, g_free);
  started = g_get_monotonic_time ();
  alice_state = wait_security (alice, "blocked", 40000);
  bob_state = wait_security (bob, "blocked", 10000);
  g_assert_nonnull (alice_state);
  g_assert_nonnull (bob_state);
  dropped = zrtp_dropped ();
  g_test_message ("unencrypted on both sides %.1f s after the answer; the firewall dropped %" G_GUINT64_FORMAT " ZRTP packets",
                  (g_get_monotonic_time () - started) / 1e6, dropped);
  g_assert_cmpuint (dropped, >, 0);
  g_assert_true (wait_log (alice, "no keys agreed; going on unencrypted", 100));
  g_assert_true (wait_log (bob, "dropped encryption: the call goes on unencrypted", 100));
  /* Still a call, on both sides. */
  g_assert_true (tandem_test_app_action_enabled (alice, "hangup"));
  g_assert_true (tandem_test_app_action_enabled (bob, "hangup"));
  g_assert_false (tandem_test_app_action_enabled (alice, "verify-call"));

  /* The audio is heard now: plain RTP, its silence repeating. */
  sniff = tandem_test_rtp_sniff_start (&error);
  g_assert_no_error (error);
  capture_rest_of_call (sniff, &stats);
  g_assert_cmpuint (stats.streams, >=, 2);
  g_assert_cmpuint (stats.rtp_packets, >, 50);
  g_assert_cmpuint (stats.rtp_repeated, >, 0);

  png = tandem_test_screenshot ("call-encryption-blocked-fallback");
  tandem_test_assert_not_blank (png);
  hang_up ();
}

/* bob takes encrypted calls only: the call ends, and both say why. */
static void
test_blocked_always_ends (void)
{
  g_autofree char *png = NULL;

  restart_with (bob, "always");
  tandem_test_app_call_until_ringing (alice, bob, "sip:bob@tandem.test");
  answer ();
  g_assert_true (tandem_test_app_wait_enabled (bob, "hangup", FALSE, 40000));
  g_assert_true (tandem_test_app_wait_enabled (alice, "hangup", FALSE, 10000));
  g_assert_true (wait_log (bob, "the call could not be encrypted", 100));
  g_assert_true (wait_log (alice, "the call could not be encrypted", 100));
  png = tandem_test_screenshot ("call-encryption-blocked-always");
  tandem_test_assert_not_blank (png);
}

/* A network namespace of the test's own (root: CLONE_NEWNET), before any
 * thread or child exists, so that everything the test starts lives in it:
 * loopback, and a veth pair with a default route as the machine's LAN
 * (liblinphone counts a machine with loopback only as offline).  In it, a
 * firewall that drops ZRTP: UDP whose payload carries ZRTP's magic cookie
 * "ZRTP" at byte 4 (RFC 6189, 5). */
static gboolean
block_zrtp (GError **error)
{
  static const char *const network[][16] = {
    { "ip", "link", "set", "lo", "up", NULL },
    { "ip", "link", "add", "tandem0", "type", "veth", "peer", "name", "tandem1", NULL },
    { "ip", "addr", "add", "10.214.0.1/24", "dev", "tandem0", NULL },
    { "ip", "link", "set", "tandem0", "up", NULL },
    { "ip", "link", "set", "tandem1", "up", NULL },
    { "ip", "route", "add", "default", "via", "10.214.0.2", "dev", "tandem0", NULL },
  };
  const char *nft[] = { "nft", "-f", NULL, NULL };
  g_autofree char *rules = NULL;
  g_autofree char *out = NULL;
  int status;
  int fd;

  if (unshare (CLONE_NEWNET) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "no network namespace of its own: %s", g_strerror (errno));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (network); i++)
    {
      g_clear_pointer (&out, g_free);
      out = tandem_test_run (network[i], &status);
      if (status != 0)
        {
          g_autofree char *command = g_strjoinv (" ", (char **) network[i]);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", command, out ? out : "");
          return FALSE;
        }
    }
  g_clear_pointer (&out, g_free);
  fd = g_file_open_tmp ("tandem-nft-XXXXXX", &rules, error);
  if (fd < 0)
    return FALSE;
  close (fd);
  if (!g_file_set_contents (rules,
                            "table inet tandem_test {\n"
                            "  chain output {\n"
                            "    type filter hook output priority 0;\n"
                            "    udp length > 20 @th,96,32 0x5a525450 counter drop\n"
                            "  }\n"
                            "}\n", -1, error))
    return FALSE;
  nft[2] = rules;
  out = tandem_test_run (nft, &status);
  g_unlink (rules);
  if (status != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "nft: %s", out ? out : "(not installed?)");
      return FALSE;
    }
  return TRUE;
}

static void
test_skipped (gconstpointer reason)
{
  g_test_skip (reason);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestXvfb) xvfb = NULL;
  g_autofree char *alice_ini = NULL;
  g_autofree char *bob_ini = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("tandem-call-encryption-XXXXXX", NULL);
  g_autofree char *silence = g_build_filename (tmp, "silence.wav", NULL);
  int status;

  g_test_init (&argc, &argv, NULL);
  interop_write_silence_wav (silence, 2);
  for (int i = 1; i < argc; i++)
    blocked_zrtp |= g_strcmp0 (argv[i], "--blocked-zrtp") == 0;
  if (blocked_zrtp && !block_zrtp (&error))
    {
      g_autofree char *reason = g_strdup_printf ("ZRTP cannot be blocked here: %s", error->message);

      g_test_add_data_func ("/call-encryption/blocked-zrtp", reason, test_skipped);
      status = g_test_run ();
      g_unlink (silence);
      g_rmdir (tmp);
      return status;
    }
  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  g_setenv ("TANDEM_PLAY_FILE", silence, TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);
  /* The apps keep their GSettings in settings.ini in their profile, which
   * restart_with() edits; ctest's "memory" backend would forget it. */
  g_unsetenv ("GSETTINGS_BACKEND");

  xvfb = tandem_test_xvfb_start (1920, 1080, &error);
  g_assert_no_error (error);
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (xvfb), TRUE);
  world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);

  alice_ini = tandem_test_app_provision (world, "alice", "bob", "udp", NULL);
  bob_ini = tandem_test_app_provision (world, "bob", "alice", "udp", NULL);
  alice = tandem_test_app_start ("enc-alice", alice_ini);
  bob = tandem_test_app_start ("enc-bob", bob_ini);
  g_assert_true (tandem_test_wait_for_windows ("Tandem", 2, 20000));
  arrange_windows ();

  if (blocked_zrtp)
    {
      g_test_add_func ("/call-encryption/blocked-zrtp/falls-back", test_blocked_falls_back);
      g_test_add_func ("/call-encryption/blocked-zrtp/always-ends", test_blocked_always_ends);
    }
  else
    {
      g_test_add_func ("/call-encryption/zrtp", test_zrtp);
      g_test_add_func ("/call-encryption/verified-persists", test_verified_persists);
      g_test_add_func ("/call-encryption/mismatch-warns", test_mismatch_warns);
      g_test_add_func ("/call-encryption/always-refuses-plain", test_always_refuses_plain);
    }
  status = g_test_run ();

  tandem_test_app_stop (alice);
  tandem_test_app_stop (bob);
  tandem_test_kamailio_stop (world);
  g_unlink (silence);
  g_rmdir (tmp);
  return status;
}
