/* test-shares.c: screen sharing between two TandemManagers (alice and
 * bob) through a real kamailio on loopback: the share stack registered
 * beside liblinphone, offers both ways, accept, decline, stop, control
 * signalling, the relay, TCP and TLS, and a Blink-style offer that mixes
 * a share stream before an audio stream.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>

#include "tandem-manager.h"
#include "tandem-share-stack.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-wait.h"

#define WAIT_UNTIL(cond, ms) TANDEM_TEST_WAIT_UNTIL (cond, ms)

/* In-dialog OPTIONS sent by TandemShare, and the 180s it saw (its debug
 * messages say so). */
static guint options_sent;
static guint ringing_seen;
/* liblinphone's branches of share offers that TandemManager declined. */
static guint branches_declined;

static GLogWriterOutput
on_log (GLogLevelFlags   level,
        const GLogField *fields,
        gsize            n_fields,
        gpointer         user_data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      domain = fields[i].value;
    else if (g_str_equal (fields[i].key, "MESSAGE"))
      message = fields[i].value;
  if (g_strcmp0 (domain, "tandem-share") == 0 && message != NULL && strstr (message, ": OPTIONS") != NULL)
    options_sent++;
  if (g_strcmp0 (domain, "tandem-share") == 0 && message != NULL && g_str_has_suffix (message, ": ringing"))
    ringing_seen++;
  if (g_strcmp0 (domain, "tandem-shares") == 0 && message != NULL &&
      g_str_has_prefix (message, "declined liblinphone's branch"))
    branches_declined++;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

/* Runs the main loop for @ms (to see that something does NOT happen). */
static void
spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  WAIT_UNTIL (g_get_monotonic_time () >= until, ms + 1000);
}

typedef struct {
  TandemTestKamailio *world;
  TandemManager      *alice;
  TandemManager      *bob;
  GPtrArray          *alice_shares;   /* what ::share-added gave */
  GPtrArray          *bob_shares;
  GPtrArray          *profiles;
} Fixture;

static void
on_share_added (TandemManager *manager,
                TandemShare   *share,
                GPtrArray     *shares)
{
  g_ptr_array_add (shares, g_object_ref (share));
}

static TandemManager *
start_manager (Fixture    *f,
               const char *user,
               const char *tls,
               const char *relay,
               GPtrArray  *shares)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("tandem-test-shares-%s-XXXXXX", user);
  char *profile = g_dir_make_tmp (template, &error);
  g_autofree char *identity = g_strdup_printf ("sip:%s@tandem.test", user);
  g_autofree char *password = g_strdup_printf ("%s-pw", user);
  g_autofree char *proxy = tandem_test_kamailio_dup_proxy_uri (f->world, "tcp");
  TandemManager *manager;
  TandemAccount *account;

  g_assert_no_error (error);
  g_ptr_array_add (f->profiles, profile);
  manager = tandem_manager_new (profile);
  tandem_manager_set_bind_address (manager, "127.0.0.1");
  g_assert_true (tandem_manager_start (manager, &error));
  g_assert_no_error (error);
  tandem_shares_set_options (tandem_manager_get_shares (manager), g_str_equal (tls, "tls"), relay);
  account = tandem_accounts_add (tandem_manager_get_accounts (manager), identity, password, proxy, TANDEM_TRANSPORT_TCP, &error);
  g_assert_no_error (error);
  g_signal_connect (tandem_manager_get_shares (manager), "share-added", G_CALLBACK (on_share_added), shares);
  WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_OK, 10000);
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_OK);
  WAIT_UNTIL (tandem_shares_can_share (tandem_manager_get_shares (manager)), 10000);
  g_assert_true (tandem_shares_can_share (tandem_manager_get_shares (manager)));
  return manager;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *mode = data;   /* "tls", "tcp" or "relay" */
  g_autoptr(GError) error = NULL;
  g_autofree char *relay = NULL;

  f->world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);
  f->profiles = g_ptr_array_new_with_free_func (g_free);
  f->alice_shares = g_ptr_array_new_with_free_func (g_object_unref);
  f->bob_shares = g_ptr_array_new_with_free_func (g_object_unref);
  relay = g_str_equal (mode, "relay")
    ? g_strdup_printf ("127.0.0.1:%u", tandem_test_kamailio_get_msrp_port (f->world))
    : g_strdup ("");
  f->alice = start_manager (f, "alice", g_str_equal (mode, "tls") ? "tls" : "tcp", relay, f->alice_shares);
  f->bob = start_manager (f, "bob", g_str_equal (mode, "tls") ? "tls" : "tcp", relay, f->bob_shares);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->alice_shares, g_ptr_array_unref);
  g_clear_pointer (&f->bob_shares, g_ptr_array_unref);
  tandem_manager_stop (f->bob);
  tandem_manager_stop (f->alice);
  g_clear_object (&f->bob);
  g_clear_object (&f->alice);
  g_clear_pointer (&f->world, tandem_test_kamailio_stop);
  g_clear_pointer (&f->profiles, g_ptr_array_unref);
}

static TandemShare *
last (GPtrArray *shares)
{
  return shares->len > 0 ? shares->pdata[shares->len - 1] : NULL;
}

static gboolean
is_state (TandemShare      *share,
          TandemShareState  state)
{
  return share != NULL && tandem_share_get_state (share) == state;
}

/* Bytes written on one VNC end come out of the other, both ways. */
static void
assert_stream (int sharer_fd,
               int viewer_fd)
{
  const char hello[] = "RFB 003.008\n";
  char buf[64] = { 0 };
  gsize got = 0;
  gint64 until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_assert_cmpint (write (sharer_fd, hello, strlen (hello)), ==, (gssize) strlen (hello));
  g_unix_set_fd_nonblocking (viewer_fd, TRUE, NULL);
  while (got < strlen (hello) && g_get_monotonic_time () < until)
    {
      ssize_t n = read (viewer_fd, buf + got, sizeof buf - 1 - got);

      if (n > 0)
        got += n;
      else
        g_main_context_iteration (NULL, FALSE);
    }
  g_assert_cmpstr (buf, ==, hello);
}

static void
test_share_and_stop (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  TandemShare *mine, *theirs;
  int sharer_fd, viewer_fd;
  gint64 start;

  /* alice shares her screen with bob; bob is asked. */
  mine = tandem_shares_share_screen (tandem_manager_get_shares (f->alice), "sip:bob@tandem.test", &error);
  g_assert_no_error (error);
  g_assert_nonnull (mine);
  g_assert_true (tandem_share_is_sharer (mine));
  g_assert_false (tandem_share_is_incoming (mine));
  WAIT_UNTIL (is_state (last (f->bob_shares), TANDEM_SHARE_PENDING), 10000);
  theirs = last (f->bob_shares);
  g_assert_nonnull (theirs);
  g_assert_true (tandem_share_is_incoming (theirs));
  g_assert_false (tandem_share_is_sharer (theirs));
  g_assert_cmpstr (tandem_share_get_peer_address (theirs), ==, "sip:alice@tandem.test");
  g_assert_cmpint (tandem_share_get_state (mine), ==, TANDEM_SHARE_CALLING);
  /* liblinphone's branch of the fork never rang at bob. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_calls (f->bob))), ==, 0);

  g_assert_true (tandem_share_accept (theirs, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (is_state (mine, TANDEM_SHARE_ACTIVE) && is_state (theirs, TANDEM_SHARE_ACTIVE), 15000);
  g_assert_cmpint (tandem_share_get_state (mine), ==, TANDEM_SHARE_ACTIVE);
  g_assert_cmpint (tandem_share_get_state (theirs), ==, TANDEM_SHARE_ACTIVE);
  g_assert_cmpint (tandem_share_is_relayed (mine), ==, g_str_equal (data, "relay"));
  sharer_fd = tandem_share_steal_vnc_fd (mine);
  viewer_fd = tandem_share_steal_vnc_fd (theirs);
  g_assert_cmpint (sharer_fd, >=, 0);
  g_assert_cmpint (viewer_fd, >=, 0);
  g_assert_cmpint (tandem_share_steal_vnc_fd (mine), ==, -1);
  assert_stream (sharer_fd, viewer_fd);
  assert_stream (viewer_fd, sharer_fd);

  /* The in-dialog OPTIONS that notices a peer gone behind a relay goes
   * out on relayed shares only (every 3 s); a direct one needs none. */
  if (g_str_equal (data, "relay"))
    {
      WAIT_UNTIL (options_sent > 0, 10000);
      g_assert_cmpuint (options_sent, >, 0);
    }
  else
    {
      options_sent = 0;
      spin (4000);
      g_assert_cmpuint (options_sent, ==, 0);
    }

  /* Control: bob asks, alice grants, then revokes. */
  g_assert_false (tandem_share_set_control (theirs, TRUE, &error));
  g_clear_error (&error);
  g_assert_true (tandem_share_request_control (theirs, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (tandem_share_get_control_requested (mine), 5000);
  g_assert_true (tandem_share_get_control_requested (mine));
  g_assert_true (tandem_share_set_control (mine, TRUE, &error));
  g_assert_no_error (error);
  g_assert_false (tandem_share_get_control_requested (mine));
  WAIT_UNTIL (tandem_share_get_control (theirs), 5000);
  g_assert_true (tandem_share_get_control (theirs));
  g_assert_true (tandem_share_set_control (mine, FALSE, &error));
  WAIT_UNTIL (!tandem_share_get_control (theirs), 5000);
  g_assert_false (tandem_share_get_control (theirs));

  /* bob stops: alice is back to normal at once. */
  start = g_get_monotonic_time ();
  tandem_share_stop (theirs);
  g_assert_cmpint (tandem_share_get_state (theirs), ==, TANDEM_SHARE_ENDED);
  WAIT_UNTIL (is_state (mine, TANDEM_SHARE_ENDED), 10000);
  g_assert_cmpint (tandem_share_get_state (mine), ==, TANDEM_SHARE_ENDED);
  g_test_message ("alice saw the end after %" G_GINT64_FORMAT " ms: %s",
                  (g_get_monotonic_time () - start) / 1000, tandem_share_get_end_reason (mine));
  g_assert_nonnull (tandem_share_get_end_reason (mine));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_shares (f->alice))), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_shares (f->bob))), ==, 0);
  close (sharer_fd);
  close (viewer_fd);
}

static void
test_request_declined (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  TandemShare *mine, *theirs;

  /* alice asks for bob's screen; bob's side is the sharer, and declines. */
  mine = tandem_shares_request_screen (tandem_manager_get_shares (f->alice), "sip:bob@tandem.test", &error);
  g_assert_no_error (error);
  g_assert_false (tandem_share_is_sharer (mine));
  WAIT_UNTIL (is_state (last (f->bob_shares), TANDEM_SHARE_PENDING), 10000);
  theirs = last (f->bob_shares);
  g_assert_true (tandem_share_is_sharer (theirs));
  g_assert_true (tandem_share_decline (theirs, &error));
  g_assert_no_error (error);
  g_assert_false (tandem_share_accept (theirs, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  WAIT_UNTIL (is_state (mine, TANDEM_SHARE_ENDED), 10000);
  g_assert_cmpint (tandem_share_get_state (mine), ==, TANDEM_SHARE_ENDED);
  g_assert_true (g_str_has_prefix (tandem_share_get_end_reason (mine), "Declined"));
  g_assert_cmpint (tandem_share_steal_vnc_fd (mine), ==, -1);

  /* Withdrawn before the answer: bob's prompt goes. */
  mine = tandem_shares_request_screen (tandem_manager_get_shares (f->alice), "sip:bob@tandem.test", &error);
  g_assert_no_error (error);
  WAIT_UNTIL (f->bob_shares->len == 2 && is_state (last (f->bob_shares), TANDEM_SHARE_PENDING), 10000);
  theirs = last (f->bob_shares);
  tandem_share_stop (mine);
  WAIT_UNTIL (is_state (theirs, TANDEM_SHARE_ENDED), 10000);
  g_assert_cmpint (tandem_share_get_state (theirs), ==, TANDEM_SHARE_ENDED);

  /* Nobody there, a bad address. */
  g_assert_null (tandem_shares_share_screen (tandem_manager_get_shares (f->alice), "bob at nowhere", &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);
  mine = tandem_shares_share_screen (tandem_manager_get_shares (f->alice), "sip:nobody@tandem.test", &error);
  g_assert_no_error (error);
  WAIT_UNTIL (is_state (mine, TANDEM_SHARE_ENDED), 10000);
  g_assert_true (g_str_has_prefix (tandem_share_get_end_reason (mine), "Not reachable"));
}

/* TLS required at bob: alice's plain offer is refused with 488 before it
 * rings, and alice reads why.  TLS not required at bob: alice's TLS offer
 * is answered over TLS. */
static void
test_transport_policy (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemShare) mine = NULL;
  TandemShare *theirs;
  int sharer_fd, viewer_fd;

  tandem_shares_set_tls (tandem_manager_get_shares (f->bob), TRUE);
  WAIT_UNTIL (tandem_shares_can_share (tandem_manager_get_shares (f->bob)), 20000);
  g_assert_true (tandem_shares_can_share (tandem_manager_get_shares (f->bob)));
  ringing_seen = 0;
  mine = g_object_ref (tandem_shares_share_screen (tandem_manager_get_shares (f->alice), "sip:bob@tandem.test", &error));
  g_assert_no_error (error);
  WAIT_UNTIL (is_state (mine, TANDEM_SHARE_ENDED), 10000);
  g_assert_cmpint (tandem_share_get_state (mine), ==, TANDEM_SHARE_ENDED);
  g_test_message ("alice reads: %s", tandem_share_get_end_reason (mine));
  g_assert_cmpstr (tandem_share_get_end_reason (mine), ==, "bob's Tandem only accepts encrypted screen sharing");
  /* It never rang, on either side, in neither of bob's stacks. */
  g_assert_cmpuint (ringing_seen, ==, 0);
  g_assert_cmpuint (f->bob_shares->len, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_calls (f->bob))), ==, 0);

  /* The other way round: bob plain, alice TLS; bob takes TLS. */
  tandem_shares_set_tls (tandem_manager_get_shares (f->bob), FALSE);
  tandem_shares_set_tls (tandem_manager_get_shares (f->alice), TRUE);
  WAIT_UNTIL (tandem_shares_can_share (tandem_manager_get_shares (f->alice)), 20000);
  g_clear_object (&mine);
  mine = g_object_ref (tandem_shares_share_screen (tandem_manager_get_shares (f->alice), "sip:bob@tandem.test", &error));
  g_assert_no_error (error);
  WAIT_UNTIL (is_state (last (f->bob_shares), TANDEM_SHARE_PENDING), 10000);
  theirs = last (f->bob_shares);
  g_assert_nonnull (theirs);
  g_assert_true (tandem_share_accept (theirs, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (is_state (mine, TANDEM_SHARE_ACTIVE) && is_state (theirs, TANDEM_SHARE_ACTIVE), 15000);
  g_assert_cmpint (tandem_share_get_state (mine), ==, TANDEM_SHARE_ACTIVE);
  g_assert_cmpint (tandem_share_get_state (theirs), ==, TANDEM_SHARE_ACTIVE);
  sharer_fd = tandem_share_steal_vnc_fd (mine);
  viewer_fd = tandem_share_steal_vnc_fd (theirs);
  assert_stream (sharer_fd, viewer_fd);
  tandem_share_stop (mine);
  WAIT_UNTIL (is_state (theirs, TANDEM_SHARE_ENDED), 10000);
  close (sharer_fd);
  close (viewer_fd);
}

/* Blink's order: the share stream, then audio.  liblinphone 5.1 would
 * crash accepting that; its branch must be declined and never ring, and
 * the share stack answers with the audio refused. */
static void
on_carol_accepted (TandemShareSession *session,
                   const char         *sdp,
                   char              **answer)
{
  *answer = g_strdup (sdp);
}

static void
count_call (guint *count)
{
  (*count)++;
}

static void
test_mixed_offer (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *proxy = tandem_test_kamailio_dup_proxy_uri (f->world, "tcp");
  g_autoptr(TandemShareStack) carol = tandem_share_stack_new ("sip:carol@tandem.test", proxy,
                                                              TANDEM_TRANSPORT_TCP, "127.0.0.1", NULL);
  g_autofree char *answer = NULL;
  const char *offer =
    "v=0\r\n"
    "o=- 3916000000 3916000000 IN IP4 127.0.0.1\r\n"
    "s=Blink 5.6.0 (Linux)\r\n"
    "t=0 0\r\n"
    "m=application 2855 TCP/MSRP *\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "a=path:msrp://127.0.0.1:9/a1b2c3d4e5f60718a9b0;tcp\r\n"
    "a=accept-types:application/x-rfb\r\n"
    "a=setup:passive\r\n"
    "a=rfbsetup:passive\r\n"
    "m=audio 50000 RTP/AVP 0 101\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=sendrecv\r\n";
  TandemShare *theirs;
  TandemShareSession *session;
  guint calls_added = 0;

  g_signal_connect_swapped (tandem_manager_get_calls (f->bob), "call-added", G_CALLBACK (count_call), &calls_added);
  branches_declined = 0;
  tandem_share_stack_set_password (carol, "carol-pw");
  g_assert_true (tandem_share_stack_start (carol, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (tandem_share_stack_get_state (carol) == TANDEM_REGISTRATION_OK, 10000);
  session = tandem_share_stack_invite (carol, "sip:bob@tandem.test", offer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  g_signal_connect (session, "accepted", G_CALLBACK (on_carol_accepted), &answer);

  WAIT_UNTIL (is_state (last (f->bob_shares), TANDEM_SHARE_PENDING), 10000);
  theirs = last (f->bob_shares);
  g_assert_true (tandem_share_has_audio (theirs));
  g_assert_false (tandem_share_is_sharer (theirs));
  /* liblinphone's copy of the offer arrived and was declined, whichever
   * came first: it never rang (no call-added, ever). */
  WAIT_UNTIL (branches_declined > 0, 10000);
  g_assert_cmpuint (branches_declined, ==, 1);
  g_assert_cmpuint (calls_added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_calls (f->bob))), ==, 0);

  g_assert_true (tandem_share_accept (theirs, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (answer != NULL, 10000);
  g_assert_nonnull (answer);
  /* The share stream first, as offered, then the audio refused. */
  g_assert_nonnull (strstr (answer, "m=application "));
  g_assert_nonnull (strstr (answer, "\r\nm=audio 0 RTP/AVP"));
  g_assert_true (strstr (answer, "m=application ") < strstr (answer, "m=audio 0"));
  g_assert_nonnull (strstr (answer, "a=rfbsetup:active"));
  /* Nothing listens at carol's path: the share ends with a reason, bob's
   * stack lives on. */
  WAIT_UNTIL (is_state (theirs, TANDEM_SHARE_ENDED), 40000);
  g_assert_cmpint (tandem_share_get_state (theirs), ==, TANDEM_SHARE_ENDED);
  g_test_message ("ended: %s", tandem_share_get_end_reason (theirs));
  tandem_share_stack_stop (carol);
  g_assert_true (tandem_manager_is_started (f->bob));
  g_signal_handlers_disconnect_by_data (tandem_manager_get_calls (f->bob), &calls_added);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  g_setenv ("TANDEM_NO_KEYRING", "1", TRUE);
  g_log_set_writer_func (on_log, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/shares/tls/share-and-stop", Fixture, "tls", fixture_set_up, test_share_and_stop, fixture_tear_down);
  g_test_add ("/shares/tcp/share-and-stop", Fixture, "tcp", fixture_set_up, test_share_and_stop, fixture_tear_down);
  g_test_add ("/shares/relay/share-and-stop", Fixture, "relay", fixture_set_up, test_share_and_stop, fixture_tear_down);
  g_test_add ("/shares/tcp/request-declined", Fixture, "tcp", fixture_set_up, test_request_declined, fixture_tear_down);
  g_test_add ("/shares/tcp/mixed-offer", Fixture, "tcp", fixture_set_up, test_mixed_offer, fixture_tear_down);
  g_test_add ("/shares/tcp/transport-policy", Fixture, "tcp", fixture_set_up, test_transport_policy, fixture_tear_down);

  return g_test_run ();
}
