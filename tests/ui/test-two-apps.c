/* test-two-apps.c: two Tandem processes, alice and bob, against the
 * kamailio fixture, driven through their D-Bus actions: chat, a call
 * answered and hung up, a call declined.  Screenshots of each step land in
 * <build>/screenshots/.
 *
 * ctest runs this under dbus-run-session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tandem-test-app.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-xvfb.h"

static TandemTestKamailio *world;
static TandemTestApp *alice;
static TandemTestApp *bob;

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

  tandem_test_app_call_until_ringing (alice, bob, "sip:bob@tandem.test");
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

  tandem_test_app_call_until_ringing (alice, bob, "sip:bob@tandem.test");
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
  tandem_test_app_call_until_ringing (alice, bob, "sip:bob@tandem.test");
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

/* Whether @name's log (<build>/screenshots/tandem-<name>.log) has @text. */
static gboolean
log_has (const char *name,
         const char *text)
{
  g_autofree char *file = g_strdup_printf ("tandem-%s.log", name);
  g_autofree char *path = g_build_filename (g_getenv ("TANDEM_BUILD_DIR"), "screenshots", file, NULL);
  g_autofree char *log = NULL;

  return g_file_get_contents (path, &log, NULL, NULL) && strstr (log, text) != NULL;
}

/* bob requires encrypted screen sharing (the default); alice, set to
 * plain TCP/MSRP, offers hers: bob's Tandem refuses it before it rings,
 * and alice's window says why. */
static void
test_share_refused_unencrypted (void)
{
  g_autofree char *ini = g_build_filename (tandem_test_app_get_profile (alice), "plain.ini", NULL);
  g_autofree char *png = NULL;
  g_autofree char *exe = g_build_filename (g_getenv ("TANDEM_BUILD_DIR"), "src", "tandem", NULL);
  const char *argv[] = { exe, "--profile", tandem_test_app_get_profile (alice), "--provision", ini, NULL };
  const char *sentence = "bob's Tandem only accepts encrypted screen sharing";
  int status;

  g_assert_true (g_file_set_contents (ini, "[share]\ntls=false\nrelay=none\n", -1, NULL));
  g_free (tandem_test_run (argv, &status));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (tandem_test_app_activate (alice, "open-conversation", "'sip:bob@tandem.test'"));
  /* Until the share stacks have signed in. */
  for (int attempt = 0; attempt < 20 && !log_has ("alice", sentence); attempt++)
    {
      g_assert_true (tandem_test_app_activate (alice, "share-screen", "'sip:bob@tandem.test'"));
      for (int i = 0; i < 30 && !log_has ("alice", sentence); i++)
        g_usleep (100 * 1000);
    }
  g_assert_true (log_has ("alice", sentence));
  g_assert_true (log_has ("bob", "refused before it rang"));
  g_assert_false (tandem_test_app_action_enabled (bob, "accept-share"));
  g_usleep (500 * 1000);  /* let the error bar paint */
  png = tandem_test_screenshot ("two-apps-share-refused");
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
  g_test_add_func ("/two-apps/share/refused-unencrypted", test_share_refused_unencrypted);
  status = g_test_run ();

  tandem_test_app_stop (alice);
  tandem_test_app_stop (bob);
  tandem_test_kamailio_stop (world);
  return status;
}
