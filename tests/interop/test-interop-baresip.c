/* test-interop-baresip.c: Tandem against baresip (Debian's baresip-core
 * 1.0), both registered on a kamailio of their own: Tandem is alice,
 * baresip is bob.  Text messages, presence and audio calls, each in both
 * directions.
 *
 * Call encryption: baresip here has no ZRTP, and bob's account no SRTP,
 * so bob is the peer that cannot encrypt: with "Encrypt calls: when
 * possible" the calls go through unencrypted (TandemCall:security none,
 * and a capture on loopback does see Tandem's plain audio: the positive
 * control of the capture in test-call-encryption); with "always" Tandem
 * refuses bob's call and ends its own, saying why.  For the last case
 * baresip starts again as dave, who signs in over TLS and takes SDES-SRTP
 * only (srtp module, mediaenc=srtp-mand): carol, a second Tandem over
 * TLS, calls him with SDES, and he calls her with SDES; both ways the
 * call is SRTP and the capture finds no plain payload.
 *
 * baresip runs from a config directory of its own and is driven through
 * its ctrl_tcp module (interop-baresip.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-interop"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "interop-baresip.h"
#include "interop-common.h"
#include "tandem-test-rtp-sniff.h"

#define BOB "sip:bob@tandem.test"
#define ALICE "sip:alice@tandem.test"
#define DAVE "sip:dave@tandem.test"
#define CAROL "sip:carol@tandem.test"

static TandemTestKamailio *world;
static TandemManager *alice;
static TandemAccount *alice_account;
static TandemContact *bob_contact;
static char *alice_profile;
static char *peer_dir;
static InteropBaresip *bob;
static gboolean bob_is_dave;     /* baresip runs as dave (the SDES cases) */
static TandemManager *carol;
static char *carol_profile;

/* ----- baresip ------------------------------------------------------- */

/* bob: over UDP, no encryption, publishes his presence (pubint, every
 * 600 s) and subscribes to alice's (presence=p2p).  @dave: the SDES
 * cases' peer instead (see test_sdes_over_tls()): over TLS, with the
 * fixture's CA, SDES-SRTP or nothing.  The other cases never see him. */
static void
start_bob (gboolean dave)
{
  g_autofree char *account = NULL;
  InteropBaresipConfig config = { 0 };

  if (dave)
    {
      account = g_strdup_printf ("<" DAVE ";transport=tls>;auth_pass=dave-pw;"
                                 "outbound=\"sip:127.0.0.1:%u;transport=tls\";"
                                 "mediaenc=srtp-mand;regint=600;answermode=manual",
                                 tandem_test_kamailio_get_tls_port (world));
      config.contacts = "\"Alice\" <" ALICE ">\n";
      config.ca_file = tandem_test_kamailio_get_cert_file (world);
      config.srtp = TRUE;
    }
  else
    {
      account = g_strdup_printf ("<" BOB ">;auth_pass=bob-pw;outbound=\"sip:127.0.0.1:%u\";"
                                 "regint=600;pubint=600;answermode=manual",
                                 tandem_test_kamailio_get_sip_port (world));
      config.contacts = "\"Alice\" <" ALICE ">;presence=p2p\n";
    }
  config.account = account;
  bob = interop_baresip_start (peer_dir, dave ? "baresip-dave.log" : "baresip.log", &config);
  bob_is_dave = dave;
}

static void
stop_bob (void)
{
  interop_baresip_stop (bob);
  bob = NULL;
  bob_is_dave = FALSE;
}

static void
ensure_bob (void)
{
  g_autoptr(GError) error = NULL;

  if (bob_contact == NULL)
    {
      bob_contact = tandem_contacts_add (tandem_manager_get_contacts (alice), "Bob", BOB, &error);
      g_assert_no_error (error);
    }
  if (bob != NULL && bob_is_dave)
    stop_bob ();
  if (bob == NULL)
    start_bob (FALSE);
}

/* ----- cases --------------------------------------------------------- */

static void
wait_bob_presence (TandemPresence presence)
{
  gint64 start = g_get_monotonic_time ();

  INTEROP_WAIT_UNTIL (tandem_contact_get_presence (bob_contact) == presence, 15000);
  g_test_message ("tandem sees bob %s after %" G_GINT64_FORMAT " ms",
                  tandem_presence_to_string (tandem_contact_get_presence (bob_contact)),
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpint (tandem_contact_get_presence (bob_contact), ==, presence);
}

static void
test_presence_seen_by_tandem (void)
{
  g_autoptr(GError) error = NULL;

  /* First case: baresip has not run yet, bob is offline for alice ... */
  g_assert_null (bob);
  INTEROP_WAIT_UNTIL (tandem_account_get_state (alice_account) == TANDEM_REGISTRATION_OK, 10000);
  bob_contact = tandem_contacts_add (tandem_manager_get_contacts (alice), "Bob", BOB, &error);
  g_assert_no_error (error);
  interop_sleep_ms (1500);
  g_assert_cmpint (tandem_contact_get_presence (bob_contact), ==, TANDEM_PRESENCE_OFFLINE);

  /* ... baresip starts and publishes "open" ... */
  start_bob (FALSE);
  wait_bob_presence (TANDEM_PRESENCE_AVAILABLE);

  /* ... and its presence_offline / presence_online commands show. */
  interop_baresip_command_ok (bob, "presence_offline", NULL);
  wait_bob_presence (TANDEM_PRESENCE_OFFLINE);
  interop_baresip_command_ok (bob, "presence_online", NULL);
  wait_bob_presence (TANDEM_PRESENCE_AVAILABLE);
}

static void
test_register (void)
{
  ensure_bob ();
  INTEROP_WAIT_UNTIL (tandem_account_get_state (alice_account) == TANDEM_REGISTRATION_OK, 10000);
  g_assert_cmpint (tandem_account_get_state (alice_account), ==, TANDEM_REGISTRATION_OK);
  {
    const char *response = interop_baresip_command (bob, "reginfo", NULL);

    g_assert_nonnull (strstr (response, "\"ok\":true"));
    g_assert_nonnull (strstr (response, "bob@tandem.test"));
    g_assert_nonnull (strstr (response, "OK"));
  }
}

static void
test_message_to_client (void)
{
  const char *text = "Hallo Bob, hier Tandem: grüße € 1";
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  TandemConversation *conversation;
  TandemChatMessage *message;
  gsize from;

  ensure_bob ();
  from = interop_peer_log_size (interop_baresip_get_peer (bob));
  expected = g_strdup_printf (ALICE ": \"%s\"", text);
  conversation = tandem_conversations_get (tandem_manager_get_conversations (alice), BOB, &error);
  g_assert_no_error (error);
  message = tandem_conversation_send_text (conversation, text, &error);
  g_assert_no_error (error);
  g_object_ref (message);

  interop_baresip_assert_log (bob, from, expected, 10000);
  INTEROP_WAIT_UNTIL (tandem_chat_message_get_state (message) != TANDEM_MESSAGE_SENDING, 10000);
  g_test_message ("message state at tandem: %d", tandem_chat_message_get_state (message));
  g_assert_cmpint (tandem_chat_message_get_state (message), !=, TANDEM_MESSAGE_SENDING);
  g_assert_cmpint (tandem_chat_message_get_state (message), !=, TANDEM_MESSAGE_FAILED);
  g_object_unref (message);
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
test_message_from_client (void)
{
  const char *text = "Hallo Alice, hier baresip: grüße € 2";
  Received received = { NULL, NULL };
  GListModel *messages;
  gulong handler;

  ensure_bob ();
  handler = g_signal_connect (tandem_manager_get_conversations (alice), "message-received", G_CALLBACK (on_message_received), &received);
  interop_baresip_command_ok (bob, "message", text);
  INTEROP_WAIT_UNTIL (received.text != NULL, 10000);
  g_signal_handler_disconnect (tandem_manager_get_conversations (alice), handler);

  g_assert_cmpstr (received.text, ==, text);
  g_assert_cmpstr (tandem_conversation_get_peer_address (received.conversation), ==, BOB);
  messages = tandem_conversation_get_messages (received.conversation);
  g_assert_cmpuint (g_list_model_get_n_items (messages), >=, 1);
  {
    g_autoptr(TandemChatMessage) last =
      g_list_model_get_item (messages, g_list_model_get_n_items (messages) - 1);
    g_assert_cmpstr (tandem_chat_message_get_text (last), ==, text);
    g_assert_false (tandem_chat_message_is_outgoing (last));
    g_assert_cmpint (tandem_chat_message_get_state (last), ==, TANDEM_MESSAGE_RECEIVED);
  }
  g_free (received.text);
}

/* What baresip's "contacts" command shows as alice's status. */
static gboolean
client_shows_alice (const char *shown)
{
  const char *response;

  interop_sleep_ms (200);       /* polled: at most 5 commands a second */
  response = interop_baresip_command (bob, "contacts", NULL);
  return strstr (response, shown) != NULL && strstr (response, ALICE) != NULL;
}

static void
test_presence_seen_by_client (void)
{
  /* baresip 1.0 knows Online, Offline, Busy and Unknown only; its
   * subscriber maps <rpid:away/> to Offline (closed) and <rpid:busy/> to
   * Busy.  Tandem's DND is closed with an away activity: Offline too. */
  const struct { TandemPresence presence; const char *shown; } steps[] = {
    { TANDEM_PRESENCE_BUSY, "Busy" },
    { TANDEM_PRESENCE_AVAILABLE, "Online" },
    { TANDEM_PRESENCE_AWAY, "Offline" },
    { TANDEM_PRESENCE_AVAILABLE, "Online" },
    { TANDEM_PRESENCE_DND, "Offline" },
    { TANDEM_PRESENCE_AVAILABLE, "Online" },
  };

  ensure_bob ();
  tandem_contacts_set_presence (tandem_manager_get_contacts (alice), TANDEM_PRESENCE_AVAILABLE, NULL);
  INTEROP_WAIT_UNTIL (client_shows_alice ("Online"), 15000);
  g_assert_true (client_shows_alice ("Online"));

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      gint64 start = g_get_monotonic_time ();

      tandem_contacts_set_presence (tandem_manager_get_contacts (alice), steps[i].presence, NULL);
      INTEROP_WAIT_UNTIL (client_shows_alice (steps[i].shown), 10000);
      g_test_message ("baresip shows alice (%s) as %s after %" G_GINT64_FORMAT " ms",
                      tandem_presence_to_string (steps[i].presence), steps[i].shown,
                      (g_get_monotonic_time () - start) / 1000);
      g_assert_true (client_shows_alice (steps[i].shown));
    }
}

static void
test_presence_client_away_busy (void)
{
  const char *help;

  /* baresip 1.0's presence module has two commands, presence_online and
   * presence_offline, and its publisher writes <basic>open|closed</basic>
   * with an empty <rpid:activities/>: it cannot be away or busy.  Check
   * that this is still so, then skip. */
  ensure_bob ();
  help = interop_baresip_command (bob, "help", NULL);
  g_assert_nonnull (strstr (help, "presence_online"));
  g_assert_nonnull (strstr (help, "presence_offline"));
  g_assert_null (strstr (help, "presence_away"));
  g_assert_null (strstr (help, "presence_busy"));
  g_test_skip ("baresip 1.0 publishes only open/closed (no away/busy command); "
               "both are checked in presence-seen-by-tandem");
}

static void
on_call_added (TandemManager *manager,
               TandemCall    *call,
               TandemCall   **out)
{
  g_set_object (out, call);
}

static void
stop_sniff (TandemTestRtpSniff *sniff,
            TandemTestRtpStats *stats)
{
  GPid pids[2] = { getpid (), interop_peer_get_pid (interop_baresip_get_peer (bob)) };

  tandem_test_rtp_sniff_stop (sniff, pids, 2, stats);
  g_test_message ("captured: %u RTP packets in %u streams, %u repeated payloads, %u ZRTP packets",
                  stats->rtp_packets, stats->streams, stats->rtp_repeated, stats->zrtp_packets);
}

static void
test_call_tandem_to_client (void)
{
  g_autoptr(GError) error = NULL;
  TandemCall *call;
  guint from;

  TandemTestRtpSniff *sniff;
  TandemTestRtpStats stats;

  ensure_bob ();
  /* The capture needs CAP_NET_RAW (root, as in CI). */
  sniff = tandem_test_rtp_sniff_start (&error);
  if (sniff == NULL)
    g_test_message ("no capture: %s", error->message);
  g_clear_error (&error);
  from = interop_baresip_mark (bob);
  call = tandem_calls_call (tandem_manager_get_calls (alice), BOB, &error);
  g_assert_no_error (error);
  g_object_ref (call);
  g_assert_false (tandem_call_is_incoming (call));
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_OUTGOING);

  interop_baresip_assert_event (bob, from, "CALL_INCOMING", "\"peeruri\":\"" ALICE "\"");
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_OUTGOING);
  interop_baresip_command_ok (bob, "accept", NULL);
  INTEROP_WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_ACTIVE, 10000);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ACTIVE);
  interop_baresip_assert_event (bob, from, "CALL_ESTABLISHED", "\"direction\":\"incoming\"");

  interop_sleep_ms (1500);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ACTIVE);
  g_assert_cmpint (interop_baresip_find (bob, from, "\"type\":\"CALL_CLOSED\"", NULL), <, 0);
  /* "When possible" with a peer that cannot encrypt: the call goes on
   * unencrypted and says so. */
  g_assert_cmpint (tandem_call_get_security (call), ==, TANDEM_CALL_SECURITY_NONE);
  interop_sleep_ms (1500);
  if (sniff != NULL)
    {
      stop_sniff (sniff, &stats);
      g_assert_cmpuint (stats.zrtp_packets, >, 0);     /* Tandem's Hello, unanswered */
      g_assert_cmpuint (stats.rtp_packets, >, 50);
      /* Tandem's plain silence repeats: the capture sees plain audio. */
      g_assert_cmpuint (stats.rtp_repeated, >, 20);
    }

  g_assert_true (tandem_call_hang_up (call, &error));
  g_assert_no_error (error);
  INTEROP_WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_ENDED &&
                      g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_calls (alice))) == 0, 10000);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ENDED);
  interop_baresip_assert_event (bob, from, "CALL_CLOSED", "\"peeruri\":\"" ALICE "\"");
  g_object_unref (call);
  if (sniff == NULL)
    g_test_skip ("the packet capture needs CAP_NET_RAW; the rest passed");
}

static void
test_call_client_to_tandem (void)
{
  g_autoptr(TandemCall) call = NULL;
  g_autoptr(GError) error = NULL;
  gulong handler;
  guint from;

  ensure_bob ();
  from = interop_baresip_mark (bob);
  handler = g_signal_connect (tandem_manager_get_calls (alice), "call-added", G_CALLBACK (on_call_added), &call);
  interop_baresip_command_ok (bob, "dial", ALICE);
  INTEROP_WAIT_UNTIL (call != NULL, 10000);
  g_signal_handler_disconnect (tandem_manager_get_calls (alice), handler);
  g_assert_nonnull (call);
  g_assert_true (tandem_call_is_incoming (call));
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_INCOMING);
  g_assert_cmpstr (tandem_call_get_peer_address (call), ==, BOB);
  interop_baresip_assert_event (bob, from, "CALL_RINGING", "\"peeruri\":\"" ALICE "\"");

  g_assert_true (tandem_call_accept (call, &error));
  g_assert_no_error (error);
  INTEROP_WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_ACTIVE, 10000);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ACTIVE);
  interop_baresip_assert_event (bob, from, "CALL_ESTABLISHED", "\"direction\":\"outgoing\"");

  interop_sleep_ms (1500);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ACTIVE);
  g_assert_cmpint (tandem_call_get_security (call), ==, TANDEM_CALL_SECURITY_NONE);

  /* baresip hangs up; Tandem sees the end. */
  interop_baresip_command_ok (bob, "hangup", NULL);
  INTEROP_WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_ENDED &&
                      g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_calls (alice))) == 0, 10000);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ENDED);
  interop_baresip_assert_event (bob, from, "CALL_CLOSED", "\"peeruri\":\"" ALICE "\"");
}

/* "Always": bob's plain offer is refused before it rings, with the reason
 * on both sides; alice's own call to bob ends once his answer shows he
 * cannot encrypt. */
static void
test_always_refuses_plain (void)
{
  g_autoptr(TandemCall) call = NULL;
  g_autoptr(GError) error = NULL;
  TandemCall *outgoing;
  gulong handler;
  guint from;

  ensure_bob ();
  tandem_calls_set_encryption (tandem_manager_get_calls (alice), TANDEM_CALL_ENCRYPTION_ALWAYS);
  from = interop_baresip_mark (bob);
  handler = g_signal_connect (tandem_manager_get_calls (alice), "call-added", G_CALLBACK (on_call_added), &call);
  interop_baresip_command_ok (bob, "dial", ALICE);
  INTEROP_WAIT_UNTIL (call != NULL && tandem_call_get_state (call) != TANDEM_CALL_INCOMING, 10000);
  g_signal_handler_disconnect (tandem_manager_get_calls (alice), handler);
  g_assert_nonnull (call);
  g_assert_cmpint (tandem_call_get_state (call), !=, TANDEM_CALL_ACTIVE);
  g_test_message ("tandem: %s", tandem_call_get_end_reason (call));
  g_assert_nonnull (strstr (tandem_call_get_end_reason (call), "not encrypted"));
  /* baresip is told: 488 with Reason "Encrypted calls only". */
  interop_baresip_assert_event (bob, from, "CALL_CLOSED", "488");

  from = interop_baresip_mark (bob);
  outgoing = tandem_calls_call (tandem_manager_get_calls (alice), BOB, &error);
  g_assert_no_error (error);
  g_object_ref (outgoing);
  interop_baresip_assert_event (bob, from, "CALL_INCOMING", "\"peeruri\":\"" ALICE "\"");
  interop_baresip_command_ok (bob, "accept", NULL);
  INTEROP_WAIT_UNTIL (tandem_call_get_state (outgoing) == TANDEM_CALL_ENDED ||
                      tandem_call_get_state (outgoing) == TANDEM_CALL_FAILED, 10000);
  g_test_message ("tandem: %s", tandem_call_get_end_reason (outgoing));
  g_assert_nonnull (tandem_call_get_end_reason (outgoing));
  g_assert_nonnull (strstr (tandem_call_get_end_reason (outgoing), "cannot encrypt"));
  interop_baresip_assert_event (bob, from, "CALL_CLOSED", "\"peeruri\":\"" ALICE "\"");
  g_object_unref (outgoing);

  tandem_calls_set_encryption (tandem_manager_get_calls (alice), TANDEM_CALL_ENCRYPTION_WHEN_POSSIBLE);
}

/* carol, a second Tandem, signed in over TLS (for the SDES cases). */
static void
ensure_carol (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *proxy = NULL;
  TandemAccount *account;

  if (carol != NULL)
    return;
  /* The certificate names tandem.test, which no DNS knows: maddr sends
   * the connection to kamailio.  maddr=localhost, not 127.0.0.1:
   * kamailio's Via and Record-Route say 127.0.0.1, and belle-sip takes
   * the open connection for them only when its host is not that very
   * address (it then compares addresses); with the same host under
   * another name (tandem.test) it opens a second connection, checks the
   * certificate for "127.0.0.1" and fails, so no answer to an incoming
   * INVITE, and no ACK or BYE, ever left. */
  proxy = g_strdup_printf ("sip:tandem.test:%u;transport=tls;maddr=localhost",
                           tandem_test_kamailio_get_tls_port (world));
  carol_profile = interop_make_tmp_dir ("carol");
  carol = tandem_manager_new (carol_profile);
  tandem_manager_set_bind_address (carol, "127.0.0.1");
  tandem_manager_set_root_ca (carol, tandem_test_kamailio_get_cert_file (world));
  g_assert_true (tandem_manager_start (carol, &error));
  g_assert_no_error (error);
  account = tandem_accounts_add (tandem_manager_get_accounts (carol), CAROL, "carol-pw", proxy,
                                 TANDEM_TRANSPORT_TLS, &error);
  g_assert_no_error (error);
  INTEROP_WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_OK, 10000);
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_OK);
}

/* baresip again, as dave (see start_bob()); the SDES cases come last,
 * so bob is not needed any more. */
static void
ensure_dave (void)
{
  if (bob != NULL && bob_is_dave)
    return;
  if (bob != NULL)
    stop_bob ();
  start_bob (TRUE);
}

/* carol calls dave (baresip over TLS, SDES only): SRTP with keys in the
 * SDP, and no plain payload on the wire. */
static void
test_sdes_over_tls (void)
{
  g_autoptr(GError) error = NULL;
  TandemTestRtpSniff *sniff;
  TandemTestRtpStats stats;
  TandemCall *call;
  guint from;

  ensure_carol ();
  ensure_dave ();

  sniff = tandem_test_rtp_sniff_start (&error);
  if (sniff == NULL)
    g_test_message ("no capture: %s", error->message);
  g_clear_error (&error);
  from = interop_baresip_mark (bob);
  call = tandem_calls_call (tandem_manager_get_calls (carol), DAVE, &error);
  g_assert_no_error (error);
  g_object_ref (call);
  interop_baresip_assert_event (bob, from, "CALL_INCOMING", "\"peeruri\":\"" CAROL "\"");
  interop_baresip_command_ok (bob, "accept", NULL);
  INTEROP_WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_ACTIVE &&
                      tandem_call_get_security (call) == TANDEM_CALL_SECURITY_SRTP, 10000);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ACTIVE);
  g_assert_cmpint (tandem_call_get_security (call), ==, TANDEM_CALL_SECURITY_SRTP);
  interop_baresip_assert_log (bob, 0, "srtp", 1000);
  interop_sleep_ms (3000);
  if (sniff != NULL)
    {
      stop_sniff (sniff, &stats);
      g_assert_cmpuint (stats.rtp_packets, >, 50);
      g_assert_cmpuint (stats.rtp_repeated, ==, 0);
    }

  g_assert_true (tandem_call_hang_up (call, &error));
  INTEROP_WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_calls (carol))) == 0, 10000);
  interop_baresip_assert_event (bob, from, "CALL_CLOSED", "\"peeruri\":\"" CAROL "\"");
  g_object_unref (call);
  if (sniff == NULL)
    g_test_skip ("the packet capture needs CAP_NET_RAW; the rest passed");
}

/* dave calls carol: baresip offers SDES (RTP/SAVP, its keys in
 * a=crypto), and carol's Tandem answers with SRTP of its own. */
static void
test_sdes_over_tls_incoming (void)
{
  g_autoptr(TandemCall) call = NULL;
  g_autoptr(GError) error = NULL;
  TandemTestRtpSniff *sniff;
  TandemTestRtpStats stats;
  gulong handler;
  guint from;

  ensure_carol ();
  ensure_dave ();

  sniff = tandem_test_rtp_sniff_start (&error);
  if (sniff == NULL)
    g_test_message ("no capture: %s", error->message);
  g_clear_error (&error);
  from = interop_baresip_mark (bob);
  handler = g_signal_connect (tandem_manager_get_calls (carol), "call-added", G_CALLBACK (on_call_added), &call);
  interop_baresip_command_ok (bob, "dial", CAROL);
  INTEROP_WAIT_UNTIL (call != NULL, 10000);
  g_signal_handler_disconnect (tandem_manager_get_calls (carol), handler);
  g_assert_nonnull (call);
  g_assert_true (tandem_call_is_incoming (call));
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_INCOMING);
  g_assert_cmpstr (tandem_call_get_peer_address (call), ==, DAVE);
  interop_baresip_assert_event (bob, from, "CALL_RINGING", "\"peeruri\":\"" CAROL ";transport=tls\"");

  g_assert_true (tandem_call_accept (call, &error));
  g_assert_no_error (error);
  INTEROP_WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_ACTIVE &&
                      tandem_call_get_security (call) == TANDEM_CALL_SECURITY_SRTP, 10000);
  g_test_message ("tandem: call state %d, security %d", tandem_call_get_state (call),
                  tandem_call_get_security (call));
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ACTIVE);
  g_assert_cmpint (tandem_call_get_security (call), ==, TANDEM_CALL_SECURITY_SRTP);
  interop_baresip_assert_event (bob, from, "CALL_ESTABLISHED", "\"direction\":\"outgoing\"");

  interop_sleep_ms (3000);
  /* Still encrypted, no code to compare (the keys came with the SDP). */
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ACTIVE);
  g_assert_cmpint (tandem_call_get_security (call), ==, TANDEM_CALL_SECURITY_SRTP);
  g_assert_null (tandem_call_get_security_code (call));
  if (sniff != NULL)
    {
      stop_sniff (sniff, &stats);
      /* Audio both ways (dave's tone, carol's silence), none of it plain. */
      g_assert_cmpuint (stats.streams, >=, 2);
      g_assert_cmpuint (stats.rtp_packets, >, 50);
      g_assert_cmpuint (stats.rtp_repeated, ==, 0);
      g_assert_cmpuint (stats.zrtp_packets, ==, 0);
    }

  /* carol hangs up: her BYE follows the route set of a dialog she did
   * not start, over her TLS connection. */
  g_assert_true (tandem_call_hang_up (call, &error));
  g_assert_no_error (error);
  INTEROP_WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_ENDED &&
                      g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_calls (carol))) == 0, 10000);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ENDED);
  interop_baresip_assert_event (bob, from, "CALL_CLOSED", "\"peeruri\":\"" CAROL ";transport=tls\"");
  if (sniff == NULL)
    g_test_skip ("the packet capture needs CAP_NET_RAW; the rest passed");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_find_program_in_path ("baresip");
  g_autofree char *silence = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);

  if (program == NULL)
    {
      g_test_skip ("baresip is not installed (package baresip-core)");
      return 0;
    }

  world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);
  peer_dir = interop_make_tmp_dir ("baresip");
  /* Tandem's "microphone": silence, whose plain packets repeat. */
  silence = g_build_filename (peer_dir, "silence.wav", NULL);
  interop_write_silence_wav (silence, 60);
  g_setenv ("TANDEM_PLAY_FILE", silence, TRUE);

  alice = interop_start_manager ("alice", &alice_profile);
  alice_account = interop_add_account (alice, world, "alice");

  /* One flat suite, so the cases run in this order (GLib runs a suite's
   * own cases before its sub-suites); presence-seen-by-tandem starts
   * baresip.  Run alone (-p), a case starts what it needs. */
  g_test_add_func ("/interop/baresip/presence-seen-by-tandem", test_presence_seen_by_tandem);
  g_test_add_func ("/interop/baresip/register", test_register);
  g_test_add_func ("/interop/baresip/message-tandem-to-client", test_message_to_client);
  g_test_add_func ("/interop/baresip/message-client-to-tandem", test_message_from_client);
  g_test_add_func ("/interop/baresip/presence-seen-by-client", test_presence_seen_by_client);
  g_test_add_func ("/interop/baresip/presence-client-away-busy", test_presence_client_away_busy);
  g_test_add_func ("/interop/baresip/call-tandem-to-client", test_call_tandem_to_client);
  g_test_add_func ("/interop/baresip/call-client-to-tandem", test_call_client_to_tandem);
  g_test_add_func ("/interop/baresip/always-refuses-plain", test_always_refuses_plain);
  g_test_add_func ("/interop/baresip/sdes-over-tls", test_sdes_over_tls);
  g_test_add_func ("/interop/baresip/sdes-over-tls-incoming", test_sdes_over_tls_incoming);
  status = g_test_run ();

  if (bob != NULL)
    stop_bob ();
  if (carol != NULL)
    {
      tandem_manager_stop (carol);
      g_object_unref (carol);
      interop_remove_dir (carol_profile);
      g_free (carol_profile);
    }
  tandem_manager_stop (alice);
  g_object_unref (alice);
  tandem_test_kamailio_stop (world);
  interop_remove_dir (peer_dir);
  interop_remove_dir (alice_profile);
  g_free (peer_dir);
  g_free (alice_profile);
  return status;
}
