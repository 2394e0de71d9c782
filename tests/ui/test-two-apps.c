/* test-two-apps.c: two Tandem processes, alice and bob, against the
 * kamailio fixture, driven through their D-Bus actions: chat, a call
 * answered and hung up, a call declined.  Screenshots of each step land in
 * <build>/screenshots/.
 *
 * ctest runs this under dbus-run-session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tandem-test-app.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-xvfb.h"

static TandemTestKamailio *world;
static TandemTestApp *alice;
static TandemTestApp *bob;

/* Place a call from alice to bob until bob rings (registration of both
 * may still be on its way when the test starts). */
static void
call_bob (void)
{
  for (int attempt = 0; attempt < 20; attempt++)
    {
      g_assert_true (tandem_test_app_activate (alice, "call", "'sip:bob@tandem.test'"));
      if (tandem_test_app_wait_enabled (bob, "answer", TRUE, 3000))
        return;
      tandem_test_app_activate (alice, "hangup", NULL);
      tandem_test_app_wait_enabled (alice, "hangup", FALSE, 5000);
    }
  g_assert_not_reached ();
}

static void
test_chat (void)
{
  g_autofree char *png = NULL;
  g_autofree char *state = NULL;

  g_assert_true (tandem_test_app_activate (alice, "open-conversation", "'sip:bob@tandem.test'"));
  g_assert_true (tandem_test_app_activate (bob, "open-conversation", "'sip:alice@tandem.test'"));
  g_assert_true (tandem_test_app_activate (alice, "send-message",
                                           "('sip:bob@tandem.test', 'Hello Bob, can you help me?')"));
  g_assert_true (tandem_test_app_activate (bob, "send-message",
                                           "('sip:alice@tandem.test', 'Of course, Alice.')"));
  state = tandem_test_app_action_state (bob, "open-conversation");
  g_assert_cmpstr (state, ==, "sip:alice@tandem.test");
  g_usleep (1500 * 1000);
  png = tandem_test_screenshot ("two-apps-chat");
  tandem_test_assert_not_blank (png);
}

static void
test_call_answer_hangup (void)
{
  g_autofree char *png = NULL;

  call_bob ();
  g_assert_true (tandem_test_app_action_enabled (alice, "hangup"));
  g_assert_true (tandem_test_app_action_enabled (bob, "decline"));
  png = tandem_test_screenshot ("two-apps-call-ringing");
  g_clear_pointer (&png, g_free);

  g_assert_true (tandem_test_app_activate (bob, "answer", NULL));
  g_assert_true (tandem_test_app_wait_enabled (bob, "answer", FALSE, 5000));
  g_assert_true (tandem_test_app_wait_enabled (bob, "hangup", TRUE, 5000));
  g_usleep (1500 * 1000);
  png = tandem_test_screenshot ("two-apps-call-active");

  g_assert_true (tandem_test_app_activate (alice, "hangup", NULL));
  g_assert_true (tandem_test_app_wait_enabled (alice, "hangup", FALSE, 10000));
  g_assert_true (tandem_test_app_wait_enabled (bob, "hangup", FALSE, 10000));
}

static void
test_call_declined (void)
{
  g_autofree char *png = NULL;

  call_bob ();
  g_assert_true (tandem_test_app_activate (bob, "decline", NULL));
  g_assert_true (tandem_test_app_wait_enabled (bob, "answer", FALSE, 5000));
  g_assert_true (tandem_test_app_wait_enabled (alice, "hangup", FALSE, 10000));
  /* alice's call bar says why, for a few seconds. */
  g_usleep (500 * 1000);
  png = tandem_test_screenshot ("two-apps-call-declined");
}

static void
test_call_missed_history (void)
{
  g_autofree char *png = NULL;

  /* alice gives up before bob answers. */
  call_bob ();
  g_assert_true (tandem_test_app_activate (alice, "hangup", NULL));
  g_assert_true (tandem_test_app_wait_enabled (bob, "answer", FALSE, 10000));
  g_usleep (1000 * 1000);
  png = tandem_test_screenshot ("two-apps-missed-call");
  g_clear_pointer (&png, g_free);

  g_assert_true (tandem_test_app_activate (bob, "call-history", NULL));
  g_assert_true (tandem_test_wait_for_windows ("Call History", 1, 10000));
  g_usleep (700 * 1000);
  png = tandem_test_screenshot ("two-apps-call-history");
  tandem_test_assert_not_blank (png);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTestXvfb) xvfb = NULL;
  g_autofree char *alice_ini = NULL;
  g_autofree char *bob_ini = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);

  xvfb = tandem_test_xvfb_start (1920, 1080, &error);
  g_assert_no_error (error);
  g_setenv ("DISPLAY", tandem_test_xvfb_get_display (xvfb), TRUE);
  world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);

  alice_ini = tandem_test_app_provision (world, "alice", "bob", "udp", NULL);
  bob_ini = tandem_test_app_provision (world, "bob", "alice", "udp", NULL);
  alice = tandem_test_app_start ("alice", alice_ini);
  bob = tandem_test_app_start ("bob", bob_ini);
  g_assert_true (tandem_test_wait_for_windows ("Tandem", 2, 20000));
  /* Side by side, for the screenshots. */
  {
    const char *argv[] = { "sh", "-c",
                           "n=0; for w in $(xdotool search --onlyvisible --name '^Tandem$'); do "
                           "xdotool windowmove $w $((n * 960)) 0; n=$((n + 1)); done", NULL };
    g_free (tandem_test_run (argv, &status));
  }

  g_test_add_func ("/two-apps/chat", test_chat);
  g_test_add_func ("/two-apps/call/answer-hangup", test_call_answer_hangup);
  g_test_add_func ("/two-apps/call/declined", test_call_declined);
  g_test_add_func ("/two-apps/call/missed-and-history", test_call_missed_history);
  status = g_test_run ();

  tandem_test_app_stop (alice);
  tandem_test_app_stop (bob);
  tandem_test_kamailio_stop (world);
  return status;
}
