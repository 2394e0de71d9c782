/* test-share-stack.c: TandemShareStack (belle-sip) beside TandemManager
 * (liblinphone) against a real kamailio on loopback, one per case:
 * both bindings of one account, digest failure, share offer / answer /
 * BYE, the audio fork left to liblinphone, decline, CANCEL, a mixed
 * offer, TLS.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <glib/gstdio.h>

#include "tandem-manager.h"
#include "tandem-share-stack.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-wait.h"

#define OFFER_SDP                                                   \
  "v=0\r\n"                                                         \
  "o=- 1 1 IN IP4 127.0.0.1\r\n"                                    \
  "s=tandem\r\n"                                                    \
  "t=0 0\r\n"                                                       \
  "m=application 2855 TCP/MSRP *\r\n"                               \
  "c=IN IP4 127.0.0.1\r\n"                                          \
  "a=path:msrp://127.0.0.1:2855/0123456789abcdef0123;tcp\r\n"       \
  "a=accept-types:application/x-rfb\r\n"                            \
  "a=setup:actpass\r\n"                                             \
  "a=rfbsetup:passive\r\n"

#define ANSWER_SDP                                                  \
  "v=0\r\n"                                                         \
  "o=- 2 1 IN IP4 127.0.0.1\r\n"                                    \
  "s=tandem\r\n"                                                    \
  "t=0 0\r\n"                                                       \
  "m=application 2856 TCP/MSRP *\r\n"                               \
  "c=IN IP4 127.0.0.1\r\n"                                          \
  "a=path:msrp://127.0.0.1:2856/fedcba9876543210fedc;tcp\r\n"       \
  "a=accept-types:application/x-rfb\r\n"                            \
  "a=setup:active\r\n"                                              \
  "a=rfbsetup:active\r\n"

/* Blink style: the share stream and an audio stream, share first. */
#define MIXED_OFFER_SDP                                             \
  "v=0\r\n"                                                         \
  "o=- 3 1 IN IP4 127.0.0.1\r\n"                                    \
  "s=blink\r\n"                                                     \
  "c=IN IP4 127.0.0.1\r\n"                                          \
  "t=0 0\r\n"                                                       \
  "m=application 2855 TCP/MSRP *\r\n"                               \
  "a=path:msrp://127.0.0.1:2855/0123456789abcdef0123;tcp\r\n"       \
  "a=accept-types:application/x-rfb\r\n"                            \
  "a=setup:actpass\r\n"                                             \
  "a=rfbsetup:active\r\n"                                           \
  "m=audio 40000 RTP/AVP 0 8 101\r\n"                               \
  "a=rtpmap:101 telephone-event/8000\r\n"                           \
  "a=sendrecv\r\n"

static TandemTestKamailio *world;

/* liblinphone's branches of share offers that TandemManager declined (its
 * debug message says so). */
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
  if (g_strcmp0 (domain, "tandem-shares") == 0 && message != NULL &&
      g_str_has_prefix (message, "declined liblinphone's branch"))
    branches_declined++;
  return g_log_writer_default (level, fields, n_fields, user_data);
}
static GPtrArray *profiles;

#define WAIT_UNTIL(cond, ms) TANDEM_TEST_WAIT_UNTIL (cond, ms)

static void
start_world (void)
{
  g_autoptr(GError) error = NULL;

  world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);
}

static void
stop_world (void)
{
  g_clear_pointer (&world, tandem_test_kamailio_stop);
}

static TandemManager *
start_manager (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("tandem-test-share-%s-XXXXXX", name);
  char *profile = g_dir_make_tmp (template, &error);
  TandemManager *manager;

  g_assert_no_error (error);
  g_ptr_array_add (profiles, profile);
  manager = tandem_manager_new (profile);
  tandem_manager_set_bind_address (manager, "127.0.0.1");
  g_assert_true (tandem_manager_start (manager, &error));
  g_assert_no_error (error);
  return manager;
}

static TandemAccount *
add_account (TandemManager *manager,
             const char    *user)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *identity = g_strdup_printf ("sip:%s@tandem.test", user);
  g_autofree char *proxy = tandem_test_kamailio_dup_proxy_uri (world, "udp");
  TandemAccount *account;

  account = tandem_accounts_add (tandem_manager_get_accounts (manager), identity, tandem_test_kamailio_get_password (user),
                                        proxy, TANDEM_TRANSPORT_UDP, &error);
  g_assert_no_error (error);
  WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_OK, 10000);
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_OK);
  return account;
}

static TandemShareStack *
start_share (const char *user,
             const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *identity = g_strdup_printf ("sip:%s@tandem.test", user);
  g_autofree char *proxy = tandem_test_kamailio_dup_proxy_uri (world, "udp");
  TandemShareStack *stack = tandem_share_stack_new (identity, proxy, TANDEM_TRANSPORT_UDP,
                                                    "127.0.0.1", NULL);

  tandem_share_stack_set_password (stack, password);
  g_assert_true (tandem_share_stack_start (stack, &error));
  g_assert_no_error (error);
  return stack;
}

static TandemShareStack *
start_registered_share (const char *user)
{
  TandemShareStack *stack = start_share (user, tandem_test_kamailio_get_password (user));

  tandem_share_stack_set_session_linger (stack, 1);
  WAIT_UNTIL (tandem_share_stack_get_state (stack) != TANDEM_REGISTRATION_PROGRESS, 10000);
  g_test_message ("%s share stack: %s", user, tandem_share_stack_get_state_message (stack));
  g_assert_cmpint (tandem_share_stack_get_state (stack), ==, TANDEM_REGISTRATION_OK);
  return stack;
}

static void
stop_share (TandemShareStack *stack)
{
  tandem_share_stack_stop (stack);
  g_object_unref (stack);
}

/* What the signals of a stack said. */
typedef struct {
  TandemShareSession *offered;
  char               *offered_peer;
  TandemShareSdp     *offered_sdp;
  guint               cancelled;
  guint               ringing;
  char               *accepted_sdp;
  guint               failed_code;
  char               *failed_reason;
  guint               ended;
} Seen;

static void
on_share_cancelled (TandemShareSession *session,
                    Seen               *seen)
{
  seen->cancelled++;
}

static void
on_share_ringing (TandemShareSession *session,
                  Seen               *seen)
{
  seen->ringing++;
}

static void
on_share_accepted (TandemShareSession *session,
                   const char         *sdp,
                   Seen               *seen)
{
  g_free (seen->accepted_sdp);
  seen->accepted_sdp = g_strdup (sdp);
}

static void
on_share_failed (TandemShareSession *session,
                 guint               code,
                 const char         *reason,
                 Seen               *seen)
{
  seen->failed_code = code;
  g_free (seen->failed_reason);
  seen->failed_reason = g_strdup (reason);
}

static void
on_share_ended (TandemShareSession *session,
                Seen               *seen)
{
  seen->ended++;
}

/* Each session emits its own signals. */
static TandemShareSession *
watch_session (TandemShareSession *session,
               Seen               *seen)
{
  if (session == NULL)
    return NULL;
  g_signal_connect (session, "cancelled", G_CALLBACK (on_share_cancelled), seen);
  g_signal_connect (session, "ringing", G_CALLBACK (on_share_ringing), seen);
  g_signal_connect (session, "accepted", G_CALLBACK (on_share_accepted), seen);
  g_signal_connect (session, "failed", G_CALLBACK (on_share_failed), seen);
  g_signal_connect (session, "ended", G_CALLBACK (on_share_ended), seen);
  return session;
}

static void
on_share_offered (TandemShareStack   *stack,
                  TandemShareSession *session,
                  const char         *peer,
                  TandemShareSdp     *sdp,
                  Seen               *seen)
{
  g_set_object (&seen->offered, session);
  g_free (seen->offered_peer);
  seen->offered_peer = g_strdup (peer);
  g_clear_pointer (&seen->offered_sdp, tandem_share_sdp_free);
  seen->offered_sdp = tandem_share_sdp_copy (sdp);
  watch_session (session, seen);
}

static void
watch (TandemShareStack *stack,
       Seen             *seen)
{
  g_signal_connect (stack, "share-offered", G_CALLBACK (on_share_offered), seen);
}

static void
seen_clear (Seen *seen)
{
  g_clear_object (&seen->offered);
  g_free (seen->offered_peer);
  g_clear_pointer (&seen->offered_sdp, tandem_share_sdp_free);
  g_free (seen->accepted_sdp);
  g_free (seen->failed_reason);
  memset (seen, 0, sizeof *seen);
}

typedef struct {
  TandemConversation *conversation;
  char               *text;
} Received;

static void
on_message_received (TandemManager      *manager,
                     TandemConversation *conversation,
                     const char         *text,
                     Received           *received)
{
  received->conversation = conversation;
  g_free (received->text);
  received->text = g_strdup (text);
}

static void
on_call_added (TandemManager *manager,
               TandemCall    *call,
               TandemCall   **out)
{
  g_set_object (out, call);
}

static gboolean
strv_has_port (GStrv       strv,
               guint16     port,
               gboolean    want)
{
  g_autofree char *needle = g_strdup_printf (":%u", port);

  for (guint i = 0; strv[i] != NULL; i++)
    if ((strstr (strv[i], needle) != NULL) == want)
      return TRUE;
  return FALSE;
}

/* (a) liblinphone's and the share stack's bindings side by side. */
static void
test_two_bindings (void)
{
  TandemManager *alice, *bob;
  TandemAccount *alice_account;
  TandemShareStack *share;
  g_auto(GStrv) bindings = NULL;
  g_autoptr(GError) error = NULL;
  Received at_alice = { NULL, NULL };
  TandemConversation *to_alice;

  start_world ();
  alice = start_manager ("alice");
  bob = start_manager ("bob");
  alice_account = add_account (alice, "alice");
  add_account (bob, "bob");

  share = start_registered_share ("alice");
  bindings = tandem_share_stack_dup_bindings (share);
  for (guint i = 0; bindings[i] != NULL; i++)
    g_test_message ("binding: %s", bindings[i]);
  /* liblinphone's, the share stack the manager runs for its account,
   * and this one: none replaced another. */
  g_assert_cmpuint (g_strv_length (bindings), ==, 3);
  g_assert_true (strv_has_port (bindings, tandem_share_stack_get_port (share), TRUE));
  g_assert_true (strv_has_port (bindings, tandem_share_stack_get_port (share), FALSE));

  /* liblinphone keeps its registration, and its chat still arrives
   * (the share stack answers the forked MESSAGE 405). */
  g_signal_connect (tandem_manager_get_conversations (alice), "message-received", G_CALLBACK (on_message_received), &at_alice);
  to_alice = tandem_conversations_get (tandem_manager_get_conversations (bob), "sip:alice@tandem.test", &error);
  g_assert_no_error (error);
  tandem_conversation_send_text (to_alice, "Both of you there?", &error);
  g_assert_no_error (error);
  WAIT_UNTIL (at_alice.text != NULL, 10000);
  g_assert_cmpstr (at_alice.text, ==, "Both of you there?");
  g_assert_cmpint (tandem_account_get_state (alice_account), ==, TANDEM_REGISTRATION_OK);
  g_assert_cmpint (tandem_share_stack_get_state (share), ==, TANDEM_REGISTRATION_OK);

  /* Unregistering the share stack leaves liblinphone's binding. */
  stop_share (share);
  share = start_registered_share ("alice");
  g_clear_pointer (&bindings, g_strfreev);
  bindings = tandem_share_stack_dup_bindings (share);
  g_assert_cmpuint (g_strv_length (bindings), ==, 3);
  stop_share (share);
  g_assert_cmpint (tandem_account_get_state (alice_account), ==, TANDEM_REGISTRATION_OK);

  g_free (at_alice.text);
  tandem_manager_stop (bob);
  g_object_unref (bob);
  tandem_manager_stop (alice);
  g_object_unref (alice);
  stop_world ();
}

/* (b) */
static void
test_wrong_password (void)
{
  TandemShareStack *share;
  const char *message;

  start_world ();
  share = start_share ("carol", "not-the-password");
  WAIT_UNTIL (tandem_share_stack_get_state (share) == TANDEM_REGISTRATION_FAILED, 15000);
  g_assert_cmpint (tandem_share_stack_get_state (share), ==, TANDEM_REGISTRATION_FAILED);
  message = tandem_share_stack_get_state_message (share);
  g_test_message ("wrong password: %s", message);
  g_assert_nonnull (message);
  g_assert_true (strstr (message, "401") != NULL || strstr (message, "403") != NULL);

  /* The right password then registers. */
  tandem_share_stack_set_password (share, "carol-pw");
  WAIT_UNTIL (tandem_share_stack_get_state (share) == TANDEM_REGISTRATION_OK, 10000);
  g_assert_cmpint (tandem_share_stack_get_state (share), ==, TANDEM_REGISTRATION_OK);
  stop_share (share);
  stop_world ();
}

/* (c) */
static void
test_offer_accept_bye (void)
{
  TandemShareStack *alice, *bob;
  Seen at_alice = { 0 }, at_bob = { 0 };
  g_autoptr(GError) error = NULL;
  TandemShareSession *session;

  start_world ();
  alice = start_registered_share ("alice");
  bob = start_registered_share ("bob");
  watch (alice, &at_alice);
  watch (bob, &at_bob);

  session = watch_session (tandem_share_stack_invite (bob, "sip:alice@tandem.test", OFFER_SDP, &error), &at_bob);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  g_object_ref (session);
  WAIT_UNTIL (at_alice.offered != NULL && at_bob.ringing > 0, 10000);
  g_assert_nonnull (at_alice.offered);
  g_assert_cmpuint (at_bob.ringing, ==, 1);
  g_assert_cmpint (tandem_share_session_get_state (session), ==, TANDEM_SHARE_SESSION_RINGING);
  g_assert_cmpstr (at_alice.offered_peer, ==, "sip:bob@tandem.test");
  g_assert_true (tandem_share_session_is_incoming (at_alice.offered));
  g_assert_false (tandem_share_session_has_audio (at_alice.offered));
  g_assert_cmpint (at_alice.offered_sdp->rfbsetup, ==, TANDEM_RFB_SETUP_PASSIVE);
  g_assert_cmpint (at_alice.offered_sdp->setup, ==, TANDEM_MSRP_SETUP_ACTPASS);
  g_assert_cmpuint (at_alice.offered_sdp->port, ==, 2855);

  g_assert_true (tandem_share_session_accept (at_alice.offered, ANSWER_SDP, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (at_bob.accepted_sdp != NULL, 10000);
  g_assert_nonnull (at_bob.accepted_sdp);
  g_assert_nonnull (strstr (at_bob.accepted_sdp, "a=rfbsetup:active"));
  g_assert_nonnull (strstr (at_bob.accepted_sdp, "fedcba9876543210fedc"));
  g_assert_cmpint (tandem_share_session_get_state (session), ==, TANDEM_SHARE_SESSION_ACTIVE);
  g_assert_cmpint (tandem_share_session_get_remote_share (session)->rfbsetup, ==, TANDEM_RFB_SETUP_ACTIVE);
  /* Accepting twice is refused. */
  g_assert_false (tandem_share_session_accept (at_alice.offered, ANSWER_SDP, &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* bob ends it: BYE reaches alice. */
  g_assert_true (tandem_share_session_hang_up (session, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (at_alice.ended > 0, 10000);
  g_assert_cmpuint (at_alice.ended, ==, 1);
  g_assert_cmpuint (at_bob.ended, ==, 1);
  g_assert_cmpint (tandem_share_session_get_state (at_alice.offered), ==, TANDEM_SHARE_SESSION_ENDED);
  g_assert_cmpint (tandem_share_session_get_state (session), ==, TANDEM_SHARE_SESSION_ENDED);

  /* An ended dialog is dropped once its late messages can no longer
   * come (the linger time, shortened here): nothing keeps it then. */
  {
    gpointer gone = session;

    g_object_add_weak_pointer (G_OBJECT (gone), &gone);
    g_object_unref (session);
    g_assert_nonnull (gone);   /* bob's stack still answers for it */
    WAIT_UNTIL (gone == NULL, 5000);
    g_assert_null (gone);
  }

  /* And the other way round: alice's BYE reaches bob. */
  seen_clear (&at_alice);
  seen_clear (&at_bob);
  session = g_object_ref (watch_session (tandem_share_stack_invite (bob, "sip:alice@tandem.test", OFFER_SDP, &error), &at_bob));
  WAIT_UNTIL (at_alice.offered != NULL, 10000);
  g_assert_true (tandem_share_session_accept (at_alice.offered, ANSWER_SDP, &error));
  WAIT_UNTIL (at_bob.accepted_sdp != NULL, 10000);
  g_assert_true (tandem_share_session_hang_up (at_alice.offered, &error));
  WAIT_UNTIL (at_bob.ended > 0, 10000);
  g_assert_cmpuint (at_bob.ended, ==, 1);
  g_assert_cmpint (tandem_share_session_get_state (session), ==, TANDEM_SHARE_SESSION_ENDED);

  g_object_unref (session);
  seen_clear (&at_alice);
  seen_clear (&at_bob);
  stop_share (bob);
  stop_share (alice);
  stop_world ();
}

/* (d) an audio call forks to both of alice's bindings: the share stack
 * answers 488 and liblinphone rings. */
static void
test_audio_call_left_to_liblinphone (void)
{
  TandemManager *alice, *bob;
  TandemShareStack *share;
  g_autoptr(TandemCall) at_alice = NULL;
  g_autoptr(GError) error = NULL;
  Seen seen = { 0 };
  TandemCall *call;

  start_world ();
  alice = start_manager ("alice-call");
  bob = start_manager ("bob-call");
  add_account (alice, "alice");
  add_account (bob, "bob");
  share = start_registered_share ("alice");
  watch (share, &seen);
  g_signal_connect (tandem_manager_get_calls (alice), "call-added", G_CALLBACK (on_call_added), &at_alice);

  call = g_object_ref (tandem_calls_call (tandem_manager_get_calls (bob), "sip:alice@tandem.test", &error));
  g_assert_no_error (error);
  WAIT_UNTIL (at_alice != NULL, 10000);
  g_assert_nonnull (at_alice);
  g_assert_cmpint (tandem_call_get_state (at_alice), ==, TANDEM_CALL_INCOMING);
  g_assert_true (tandem_call_accept (at_alice, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_ACTIVE &&
              tandem_call_get_state (at_alice) == TANDEM_CALL_ACTIVE, 10000);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ACTIVE);
  g_assert_null (seen.offered);

  g_assert_true (tandem_call_hang_up (call, &error));
  WAIT_UNTIL (tandem_call_get_state (at_alice) == TANDEM_CALL_ENDED, 10000);
  g_assert_cmpint (tandem_call_get_state (at_alice), ==, TANDEM_CALL_ENDED);
  g_assert_cmpint (tandem_share_stack_get_state (share), ==, TANDEM_REGISTRATION_OK);
  g_object_unref (call);

  stop_share (share);
  seen_clear (&seen);
  tandem_manager_stop (bob);
  g_object_unref (bob);
  tandem_manager_stop (alice);
  g_object_unref (alice);
  stop_world ();
}

/* (e) */
static void
test_decline (void)
{
  TandemShareStack *alice, *bob;
  Seen at_alice = { 0 }, at_bob = { 0 };
  g_autoptr(GError) error = NULL;
  TandemShareSession *session;

  start_world ();
  alice = start_registered_share ("alice");
  bob = start_registered_share ("bob");
  watch (alice, &at_alice);
  watch (bob, &at_bob);

  session = g_object_ref (watch_session (tandem_share_stack_invite (bob, "sip:alice@tandem.test", OFFER_SDP, &error), &at_bob));
  g_assert_no_error (error);
  WAIT_UNTIL (at_alice.offered != NULL, 10000);
  g_assert_true (tandem_share_session_decline (at_alice.offered, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (at_bob.failed_code != 0, 10000);
  g_test_message ("declined: %s", at_bob.failed_reason);
  g_assert_cmpuint (at_bob.failed_code, ==, 603);
  g_assert_cmpint (tandem_share_session_get_state (session), ==, TANDEM_SHARE_SESSION_FAILED);
  g_assert_cmpuint (tandem_share_session_get_status_code (session), ==, 603);
  g_assert_null (at_bob.accepted_sdp);

  /* Nobody registered as dave: the server's reason. */
  g_object_unref (session);
  at_bob.failed_code = 0;
  session = g_object_ref (watch_session (tandem_share_stack_invite (bob, "sip:dave@tandem.test", OFFER_SDP, &error), &at_bob));
  WAIT_UNTIL (at_bob.failed_code != 0, 10000);
  g_test_message ("nobody there: %s", at_bob.failed_reason);
  g_assert_cmpuint (at_bob.failed_code, >=, 400);

  /* Bad input is refused before anything is sent. */
  g_assert_null (watch_session (tandem_share_stack_invite (bob, "sip:alice@tandem.test", "v=0\r\nm=audio 4000 RTP/AVP 0\r\n", &error), &at_bob));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (watch_session (tandem_share_stack_invite (bob, "not an address", OFFER_SDP, &error), &at_bob));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);

  g_object_unref (session);
  seen_clear (&at_alice);
  seen_clear (&at_bob);
  stop_share (bob);
  stop_share (alice);
  stop_world ();
}

/* (f) */
static void
test_cancel (void)
{
  TandemShareStack *alice, *bob;
  Seen at_alice = { 0 }, at_bob = { 0 };
  g_autoptr(GError) error = NULL;
  TandemShareSession *session;

  start_world ();
  alice = start_registered_share ("alice");
  bob = start_registered_share ("bob");
  watch (alice, &at_alice);
  watch (bob, &at_bob);

  session = g_object_ref (watch_session (tandem_share_stack_invite (bob, "sip:alice@tandem.test", OFFER_SDP, &error), &at_bob));
  g_assert_no_error (error);
  WAIT_UNTIL (at_alice.offered != NULL && at_bob.ringing > 0, 10000);
  g_assert_nonnull (at_alice.offered);
  g_assert_true (tandem_share_session_hang_up (session, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (at_alice.cancelled > 0, 10000);
  g_assert_cmpuint (at_alice.cancelled, ==, 1);
  g_assert_cmpint (tandem_share_session_get_state (at_alice.offered), ==, TANDEM_SHARE_SESSION_ENDED);
  g_assert_cmpuint (at_bob.ended, ==, 1);
  g_assert_cmpuint (at_bob.failed_code, ==, 0);
  /* Too late to accept. */
  g_assert_false (tandem_share_session_accept (at_alice.offered, ANSWER_SDP, &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_object_unref (session);
  seen_clear (&at_alice);
  seen_clear (&at_bob);
  stop_share (bob);
  stop_share (alice);
  stop_world ();
}

/* A Blink-style offer (share stream first, then audio) while alice's
 * liblinphone is registered too, beside her manager's share stack:
 * nothing crashes, the share stack takes it and rejects the audio stream
 * in its answer, and liblinphone's branch is declined without ringing,
 * whichever copy of the fork arrives first. */
static void
test_mixed_offer (void)
{
  TandemManager *alice_manager;
  TandemShareStack *alice, *bob;
  Seen at_alice = { 0 }, at_bob = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemCall) rung = NULL;
  TandemShareSession *session;

  start_world ();
  alice_manager = start_manager ("alice-mixed");
  add_account (alice_manager, "alice");
  g_signal_connect (tandem_manager_get_calls (alice_manager), "call-added", G_CALLBACK (on_call_added), &rung);
  WAIT_UNTIL (tandem_shares_can_share (tandem_manager_get_shares (alice_manager)), 20000);
  g_assert_true (tandem_shares_can_share (tandem_manager_get_shares (alice_manager)));
  alice = start_registered_share ("alice");
  bob = start_registered_share ("bob");
  watch (alice, &at_alice);
  watch (bob, &at_bob);

  branches_declined = 0;
  session = g_object_ref (watch_session (tandem_share_stack_invite (bob, "sip:alice@tandem.test", MIXED_OFFER_SDP, &error), &at_bob));
  g_assert_no_error (error);
  WAIT_UNTIL (at_alice.offered != NULL, 10000);
  g_assert_nonnull (at_alice.offered);
  g_assert_true (tandem_share_session_has_audio (at_alice.offered));
  g_assert_cmpint (at_alice.offered_sdp->rfbsetup, ==, TANDEM_RFB_SETUP_ACTIVE);
  /* liblinphone's copy arrived and was declined; it never rang. */
  WAIT_UNTIL (branches_declined > 0, 10000);
  g_assert_cmpuint (branches_declined, ==, 1);
  g_assert_null (rung);

  g_assert_true (tandem_share_session_accept (at_alice.offered, ANSWER_SDP, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (at_bob.accepted_sdp != NULL, 10000);
  g_assert_nonnull (at_bob.accepted_sdp);
  g_test_message ("answer:\n%s", at_bob.accepted_sdp);
  g_assert_nonnull (strstr (at_bob.accepted_sdp, "m=application 2856 TCP/MSRP *"));
  g_assert_nonnull (strstr (at_bob.accepted_sdp, "m=audio 0 RTP/AVP 0"));
  g_assert_true (strstr (at_bob.accepted_sdp, "m=application") < strstr (at_bob.accepted_sdp, "m=audio"));
  g_assert_null (rung);
  g_assert_true (tandem_share_session_hang_up (session, &error));
  WAIT_UNTIL (at_alice.ended > 0, 10000);
  g_assert_cmpuint (at_alice.ended, ==, 1);

  g_object_unref (session);
  seen_clear (&at_alice);
  seen_clear (&at_bob);
  stop_share (bob);
  stop_share (alice);
  tandem_manager_stop (alice_manager);
  g_object_unref (alice_manager);
  stop_world ();
}

/* (g) */
static void
test_register_tls (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *proxy = NULL;
  TandemShareStack *share;

  start_world ();
  /* The certificate names tandem.test; maddr sends the connection to
   * loopback while TLS checks the name. */
  proxy = g_strdup_printf ("sip:tandem.test:%u;transport=tls;maddr=127.0.0.1",
                           tandem_test_kamailio_get_tls_port (world));
  share = tandem_share_stack_new ("sip:dave@tandem.test", proxy, TANDEM_TRANSPORT_TLS, "127.0.0.1",
                                  tandem_test_kamailio_get_cert_file (world));
  tandem_share_stack_set_password (share, "dave-pw");
  g_assert_true (tandem_share_stack_start (share, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (tandem_share_stack_get_state (share) != TANDEM_REGISTRATION_PROGRESS, 15000);
  g_test_message ("tls: %s", tandem_share_stack_get_state_message (share));
  g_assert_cmpint (tandem_share_stack_get_state (share), ==, TANDEM_REGISTRATION_OK);
  g_assert_nonnull (strstr (tandem_share_stack_get_contact (share), "transport=tls"));
  tandem_share_stack_stop (share);
  g_assert_cmpint (tandem_share_stack_get_state (share), ==, TANDEM_REGISTRATION_CLEARED);
  g_object_unref (share);
  stop_world ();
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_log_set_writer_func (on_log, NULL, NULL);
  g_test_init (&argc, &argv, NULL);
  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  g_setenv ("TANDEM_NO_KEYRING", "1", TRUE);
  profiles = g_ptr_array_new_with_free_func (g_free);

  g_test_add_func ("/service/share/two-bindings", test_two_bindings);
  g_test_add_func ("/service/share/wrong-password", test_wrong_password);
  g_test_add_func ("/service/share/offer-accept-bye", test_offer_accept_bye);
  g_test_add_func ("/service/share/audio-left-to-liblinphone", test_audio_call_left_to_liblinphone);
  g_test_add_func ("/service/share/decline", test_decline);
  g_test_add_func ("/service/share/cancel", test_cancel);
  g_test_add_func ("/service/share/mixed-offer", test_mixed_offer);
  g_test_add_func ("/service/share/register-tls", test_register_tls);
  status = g_test_run ();

  for (guint i = 0; i < profiles->len; i++)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", (char *) profiles->pdata[i]);
      if (system (cmd) != 0)
        g_printerr ("could not remove %s\n", (char *) profiles->pdata[i]);
    }
  g_ptr_array_unref (profiles);
  return status;
}
