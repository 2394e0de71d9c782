/* test-call-plain-peer.c: the Tandem application (alice, driven over
 * D-Bus) and a peer that can only do plain RTP: baresip (bob) with no
 * media encryption, on the kamailio fixture.
 *
 * With "Encrypt calls: when possible", the default, the call connects in
 * both directions and the call bar says "Not encrypted": app.verify-call,
 * whose state says what protects the call (tandem-application.c), reads
 * "none" while the call is up and stays disabled (no code to compare).
 * A capture on loopback (root, as in CI) confirms that the audio really
 * goes in the clear: what the app says is true.  Screenshots
 * call-plain-peer-outgoing.png and call-plain-peer-incoming.png show the
 * call bar.
 *
 * "Always" against the same peer, and the same calls without the app,
 * are in tests/interop/test-interop-baresip.  ctest runs this under
 * dbus-run-session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "interop-baresip.h"
#include "tandem-test-app.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-rtp-sniff.h"
#include "tandem-test-xvfb.h"

#define ALICE "sip:alice@tandem.test"
#define BOB "sip:bob@tandem.test"

static TandemTestKamailio *world;
static TandemTestApp *alice;
static InteropBaresip *bob;

static gboolean
log_has (const char *text)
{
  g_autofree char *log = tandem_test_app_dup_log (alice);

  return strstr (log, text) != NULL;
}

/* The call is up: for two seconds verify-call says "none" (a call, and
 * nothing protects it: the call bar's "Not encrypted"), never "pending"
 * ("Encrypting…") nor a code, and there is nothing to verify. */
static void
assert_not_encrypted (void)
{
  for (int i = 0; i < 20; i++)
    {
      g_autofree char *state = tandem_test_app_action_state (alice, "verify-call");

      g_assert_cmpstr (state, ==, "none");
      g_assert_false (tandem_test_app_action_enabled (alice, "verify-call"));
      g_usleep (100 * 1000);
    }
}

static TandemTestRtpSniff *
start_sniff (void)
{
  g_autoptr(GError) error = NULL;
  TandemTestRtpSniff *sniff = tandem_test_rtp_sniff_start (&error);

  /* The capture needs CAP_NET_RAW (root, as in CI); without it the rest
   * runs and the case reports a skip. */
  if (sniff == NULL)
    g_test_message ("no capture: %s", error->message);
  return sniff;
}

/* Stops @sniff while the call is still up: the audio of both sides is
 * plain, so its payloads repeat (the app's silence, baresip's tone). */
static void
assert_plain_audio (TandemTestRtpSniff *sniff)
{
  GPid pids[2] = { tandem_test_app_get_pid (alice),
                   interop_peer_get_pid (interop_baresip_get_peer (bob)) };
  TandemTestRtpStats stats;

  if (sniff == NULL)
    return;
  tandem_test_rtp_sniff_stop (sniff, pids, 2, &stats);
  g_test_message ("captured: %u RTP packets in %u streams, %u repeated payloads, %u ZRTP packets",
                  stats.rtp_packets, stats.streams, stats.rtp_repeated, stats.zrtp_packets);
  g_assert_cmpuint (stats.streams, >=, 2);
  g_assert_cmpuint (stats.rtp_packets, >, 50);
  g_assert_cmpuint (stats.rtp_repeated, >, 20);
}

static void
screenshot (const char *name)
{
  g_autofree char *png = NULL;

  /* Let the call bar draw its last change. */
  g_usleep (500 * 1000);
  png = tandem_test_screenshot (name);
  tandem_test_assert_not_blank (png);
}

/* alice calls bob.  Her offer asks for ZRTP; bob's answer has no way to
 * encrypt, so her Tandem drops the demand and the call goes on. */
static void
test_app_calls_peer (void)
{
  TandemTestRtpSniff *sniff = start_sniff ();
  gboolean rang = FALSE;
  int attempts = 0;
  guint from = 0;

  /* alice may still be signing in: call until bob's phone rings. */
  for (; attempts < 20 && !rang; attempts++)
    {
      from = interop_baresip_mark (bob);
      g_assert_true (tandem_test_app_activate (alice, "call", "'" BOB "'"));
      INTEROP_WAIT_UNTIL (interop_baresip_find (bob, from, "\"type\":\"CALL_INCOMING\"", NULL) >= 0, 3000);
      rang = interop_baresip_find (bob, from, "\"type\":\"CALL_INCOMING\"", NULL) >= 0;
      if (!rang)
        {
          tandem_test_app_activate (alice, "hangup", NULL);
          tandem_test_app_wait_enabled (alice, "hangup", FALSE, 5000);
        }
    }
  g_test_message ("bob's phone rang after %d call%s", attempts, attempts == 1 ? "" : "s");
  g_assert_true (rang);
  interop_baresip_assert_event (bob, from, "CALL_INCOMING", "\"peeruri\":\"" ALICE "\"");
  interop_baresip_command_ok (bob, "accept", NULL);
  interop_baresip_assert_event (bob, from, "CALL_ESTABLISHED", "\"direction\":\"incoming\"");

  /* The app saw the answer (tandem-call.c says so when it settles). */
  INTEROP_WAIT_UNTIL (log_has (BOB " cannot encrypt: the call goes on unencrypted"), 10000);
  g_assert_true (log_has (BOB " cannot encrypt: the call goes on unencrypted"));
  g_assert_true (tandem_test_app_action_enabled (alice, "hangup"));
  assert_not_encrypted ();
  assert_plain_audio (sniff);
  screenshot ("call-plain-peer-outgoing");
  /* Still up after all that. */
  g_assert_cmpint (interop_baresip_find (bob, from, "\"type\":\"CALL_CLOSED\"", NULL), <, 0);

  g_assert_true (tandem_test_app_activate (alice, "hangup", NULL));
  interop_baresip_assert_event (bob, from, "CALL_CLOSED", "\"peeruri\":\"" ALICE "\"");
  g_assert_true (tandem_test_app_wait_enabled (alice, "hangup", FALSE, 10000));
  if (sniff == NULL)
    g_test_skip ("the packet capture needs CAP_NET_RAW; the rest passed");
}

/* bob calls alice with a plain offer; she answers and it stays plain. */
static void
test_peer_calls_app (void)
{
  TandemTestRtpSniff *sniff = start_sniff ();
  guint from = interop_baresip_mark (bob);

  interop_baresip_command_ok (bob, "dial", ALICE);
  g_assert_true (tandem_test_app_wait_enabled (alice, "answer", TRUE, 10000));
  interop_baresip_assert_event (bob, from, "CALL_RINGING", "\"peeruri\":\"" ALICE "\"");
  g_assert_true (tandem_test_app_activate (alice, "answer", NULL));
  interop_baresip_assert_event (bob, from, "CALL_ESTABLISHED", "\"direction\":\"outgoing\"");
  g_assert_true (tandem_test_app_wait_enabled (alice, "answer", FALSE, 5000));
  g_assert_true (tandem_test_app_action_enabled (alice, "hangup"));

  assert_not_encrypted ();
  assert_plain_audio (sniff);
  screenshot ("call-plain-peer-incoming");
  g_assert_cmpint (interop_baresip_find (bob, from, "\"type\":\"CALL_CLOSED\"", NULL), <, 0);

  /* bob hangs up; the app's call ends. */
  interop_baresip_command_ok (bob, "hangup", NULL);
  g_assert_true (tandem_test_app_wait_enabled (alice, "hangup", FALSE, 10000));
  if (sniff == NULL)
    g_test_skip ("the packet capture needs CAP_NET_RAW; the rest passed");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestXvfb) xvfb = NULL;
  g_autofree char *program = g_find_program_in_path ("baresip");
  g_autofree char *alice_ini = NULL;
  g_autofree char *account = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *peer_dir = NULL;
  g_autofree char *silence = NULL;
  InteropBaresipConfig config = { 0 };
  int status;

  g_test_init (&argc, &argv, NULL);
  if (program == NULL)
    {
      g_test_skip ("baresip is not installed (package baresip-core)");
      return 0;
    }

  tmp = interop_make_tmp_dir ("plain-peer");
  peer_dir = g_build_filename (tmp, "baresip", NULL);
  /* The app's microphone: silence, whose plain packets repeat. */
  silence = g_build_filename (tmp, "silence.wav", NULL);
  interop_write_silence_wav (silence, 60);
  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  g_setenv ("TANDEM_PLAY_FILE", silence, TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);

  xvfb = tandem_test_xvfb_start (1280, 800, &error);
  g_assert_no_error (error);
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (xvfb), TRUE);
  world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);

  /* ctest's GSettings are in memory: "Encrypt calls" is its default,
   * "when possible". */
  alice_ini = tandem_test_app_provision (world, "alice", "bob", "udp", NULL);
  alice = tandem_test_app_start ("plain-alice", alice_ini);
  g_assert_true (tandem_test_wait_for_windows ("Tandem", 1, 20000));

  /* bob: no mediaenc, no srtp module: plain RTP only. */
  account = g_strdup_printf ("<" BOB ">;auth_pass=bob-pw;outbound=\"sip:127.0.0.1:%u\";"
                             "regint=600;answermode=manual",
                             tandem_test_kamailio_get_sip_port (world));
  config.account = account;
  config.contacts = "\"Alice\" <" ALICE ">\n";
  bob = interop_baresip_start (peer_dir, "baresip.log", &config);

  g_test_add_func ("/call-plain-peer/app-calls-peer", test_app_calls_peer);
  g_test_add_func ("/call-plain-peer/peer-calls-app", test_peer_calls_app);
  status = g_test_run ();

  interop_baresip_stop (bob);
  tandem_test_app_stop (alice);
  tandem_test_kamailio_stop (world);
  interop_remove_dir (tmp);
  return status;
}
