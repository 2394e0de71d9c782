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
 * baresip runs from a config directory of its own (-f): modules g711,
 * aufile (source: a generated 8 kHz tone), aubridge (player and alert
 * sink), account, contact, menu, presence, stdio (prints incoming
 * messages) and ctrl_tcp, which the test drives with netstring JSON
 * commands ({"command":"dial","params":"sip:..."}) and whose events
 * (CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED ...) it reads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-interop"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

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
static InteropPeer *bob;
static gboolean bob_is_dave;     /* baresip runs as dave (the SDES cases) */
static guint16 ctrl_port;
static TandemManager *carol;
static char *carol_profile;

/* ----- ctrl_tcp ------------------------------------------------------ */

static GSocketConnection *ctrl;
static GString *ctrl_in;        /* bytes not yet parsed */
static GPtrArray *ctrl_msgs;    /* every JSON message received, in order */
static guint ctrl_token;

static void
ctrl_pump (void)
{
  GSocket *socket;
  char buf[4096];

  if (ctrl == NULL)
    return;
  socket = g_socket_connection_get_socket (ctrl);
  for (;;)
    {
      gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, NULL);

      if (n <= 0)
        break;
      g_string_append_len (ctrl_in, buf, n);
    }

  /* netstrings: <length>:<payload>, */
  for (;;)
    {
      char *colon = memchr (ctrl_in->str, ':', ctrl_in->len);
      guint64 length;
      gsize head;

      if (colon == NULL)
        break;
      length = g_ascii_strtoull (ctrl_in->str, NULL, 10);
      head = colon - ctrl_in->str + 1;
      if (ctrl_in->len < head + length + 1)
        break;
      g_ptr_array_add (ctrl_msgs, g_strndup (ctrl_in->str + head, length));
      g_test_message ("baresip ctrl -> %s", (char *) ctrl_msgs->pdata[ctrl_msgs->len - 1]);
      g_string_erase (ctrl_in, 0, head + length + 1);
    }
}

static void
ctrl_connect (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (ctrl == NULL && g_get_monotonic_time () < deadline)
    {
      g_clear_error (&error);
      ctrl = g_socket_client_connect_to_host (client, "127.0.0.1", ctrl_port, NULL, &error);
      if (ctrl == NULL)
        interop_sleep_ms (100);
    }
  g_assert_no_error (error);
  g_assert_nonnull (ctrl);
  g_socket_set_blocking (g_socket_connection_get_socket (ctrl), FALSE);
  ctrl_in = g_string_new (NULL);
  ctrl_msgs = g_ptr_array_new_with_free_func (g_free);
}

static void
ctrl_disconnect (void)
{
  if (ctrl == NULL)
    return;
  g_io_stream_close (G_IO_STREAM (ctrl), NULL, NULL);
  g_clear_object (&ctrl);
  g_string_free (ctrl_in, TRUE);
  g_ptr_array_unref (ctrl_msgs);
}

static void
json_append_string (GString    *out,
                    const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* Index in ctrl_msgs of the first message after @from containing all of
 * the (NULL-terminated) needles, or -1. */
static int
ctrl_find (guint from,
           ...)
{
  ctrl_pump ();
  for (guint i = from; i < ctrl_msgs->len; i++)
    {
      const char *msg = ctrl_msgs->pdata[i];
      gboolean all = TRUE;
      const char *needle;
      va_list ap;

      va_start (ap, from);
      while (all && (needle = va_arg (ap, const char *)) != NULL)
        all = strstr (msg, needle) != NULL;
      va_end (ap);
      if (all)
        return (int) i;
    }
  return -1;
}

/* Sends a command, returns its response (owned by ctrl_msgs). */
static const char *
ctrl_command (const char *command,
              const char *params)
{
  g_autoptr(GString) json = g_string_new ("{\"command\":");
  g_autofree char *token = g_strdup_printf ("t%u", ++ctrl_token);
  g_autofree char *token_field = g_strdup_printf ("\"token\":\"%s\"", token);
  g_autofree char *frame = NULL;
  g_autoptr(GError) error = NULL;
  int found;

  json_append_string (json, command);
  g_string_append (json, ",\"params\":");
  json_append_string (json, params ? params : "");
  g_string_append (json, ",\"token\":");
  json_append_string (json, token);
  g_string_append_c (json, '}');
  frame = g_strdup_printf ("%" G_GSIZE_FORMAT ":%s,", json->len, json->str);
  g_test_message ("baresip ctrl <- %s", json->str);

  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (ctrl)),
                                            frame, strlen (frame), NULL, NULL, &error));
  g_assert_no_error (error);
  INTEROP_WAIT_UNTIL (ctrl_find (0, "\"response\":true", token_field, NULL) >= 0, 5000);
  found = ctrl_find (0, "\"response\":true", token_field, NULL);
  if (found < 0)
    g_error ("baresip did not answer command %s", command);
  return ctrl_msgs->pdata[found];
}

static void
ctrl_command_ok (const char *command,
                 const char *params)
{
  const char *response = ctrl_command (command, params);

  if (strstr (response, "\"ok\":true") == NULL)
    g_error ("baresip command %s %s failed: %s", command, params ? params : "", response);
}

static void
assert_event (guint       from,
              const char *type,
              const char *extra)
{
  g_autofree char *type_field = g_strdup_printf ("\"type\":\"%s\"", type);

  INTEROP_WAIT_UNTIL (ctrl_find (from, "\"event\":true", type_field, extra, NULL) >= 0, 10000);
  if (ctrl_find (from, "\"event\":true", type_field, extra, NULL) < 0)
    g_error ("baresip sent no %s event (%s) within 10 s", type, extra ? extra : "");
}

/* ----- baresip ------------------------------------------------------- */

/* @dave: the configuration of the SDES case instead (see
 * test_sdes_over_tls()): the srtp module, the fixture's CA, and dave's
 * account over TLS instead of bob's; the other cases never see them. */
static void
write_config (gboolean dave)
{
  g_autofree char *wav = g_build_filename (peer_dir, "tone.wav", NULL);
  g_autofree char *config = NULL, *accounts = NULL, *path = NULL;
  g_autofree char *dave_ca = dave ? g_strdup_printf ("sip_cafile\t\t%s\n",
                                                     tandem_test_kamailio_get_cert_file (world))
                                  : g_strdup ("");
  g_autoptr(GError) error = NULL;

  /* Longer than any call here: aufile ends the call at the end of file. */
  interop_write_tone_wav (wav, 60);
  ctrl_port = interop_free_tcp_port ();
  config = g_strdup_printf ("poll_method\t\tepoll\n"
                            "sip_listen\t\t127.0.0.1:0\n"
                            "net_interface\t\t127.0.0.1\n"
                            "call_local_timeout\t120\n"
                            "call_max_calls\t\t4\n"
                            "audio_source\t\taufile,%s\n"
                            "audio_player\t\taubridge,sink\n"
                            "audio_alert\t\taubridge,sink\n"
                            "ausrc_srate\t\t8000\n"
                            "auplay_srate\t\t8000\n"
                            "rtp_ports\t\t20000-39999\n"
                            "module_path\t\t/usr/lib/baresip/modules\n"
                            "module\t\t\tstdio.so\n"
                            "module\t\t\tg711.so\n"
                            "%s"
                            "module\t\t\taufile.so\n"
                            "module\t\t\taubridge.so\n"
                            "module_app\t\taccount.so\n"
                            "module_app\t\tcontact.so\n"
                            "module_app\t\tmenu.so\n"
                            "module_app\t\tctrl_tcp.so\n"
                            "module_app\t\tpresence.so\n"
                            "ctrl_tcp_listen\t\t127.0.0.1:%u\n"
                            "%s"
                            "ringback_disabled\tyes\n",
                            wav, dave ? "module\t\t\tsrtp.so\n" : "", ctrl_port, dave_ca);
  path = g_build_filename (peer_dir, "config", NULL);
  g_assert_true (g_file_set_contents (path, config, -1, &error));
  g_assert_no_error (error);
  g_free (path);

  /* pubint: publish presence (refresh every 600 s).  dave: over TLS,
   * SDES-SRTP or nothing. */
  if (dave)
    accounts = g_strdup_printf ("<" DAVE ";transport=tls>;auth_pass=dave-pw;"
                                "outbound=\"sip:127.0.0.1:%u;transport=tls\";"
                                "mediaenc=srtp-mand;regint=600;answermode=manual\n",
                                tandem_test_kamailio_get_tls_port (world));
  else
    accounts = g_strdup_printf ("<" BOB ">;auth_pass=bob-pw;outbound=\"sip:127.0.0.1:%u\";"
                                "regint=600;pubint=600;answermode=manual\n",
                                tandem_test_kamailio_get_sip_port (world));
  path = g_build_filename (peer_dir, "accounts", NULL);
  g_assert_true (g_file_set_contents (path, accounts, -1, &error));
  g_assert_no_error (error);
  g_free (path);

  /* The only contact, so the current one ("message" sends to it);
   * presence=p2p: baresip subscribes to alice's presence. */
  path = g_build_filename (peer_dir, "contacts", NULL);
  g_assert_true (g_file_set_contents (path, dave ? "\"Alice\" <" ALICE ">\n"
                                                 : "\"Alice\" <" ALICE ">;presence=p2p\n", -1, &error));
  g_assert_no_error (error);
}

static void
assert_peer_log (gsize       from,
                 const char *needle,
                 guint       timeout_ms)
{
  if (!interop_peer_wait_log (bob, from, needle, timeout_ms))
    {
      g_autofree char *tail = interop_peer_log_tail (bob, 3000);
      g_test_message ("baresip log (%s) ends with:\n%s",
                      interop_peer_get_log_path (bob), tail);
      g_error ("baresip did not print \"%s\" within %u ms", needle, timeout_ms);
    }
}

static void
start_bob (const char *log_name)
{
  g_autofree char *log = g_build_filename (peer_dir, log_name, NULL);
  const char *argv[] = { "baresip", "-f", peer_dir, NULL };
  g_autoptr(GError) error = NULL;

  bob = interop_peer_spawn (argv, peer_dir, log, &error);
  g_assert_no_error (error);
  g_test_message ("baresip pid %d, log %s, ctrl_tcp port %u",
                  (int) interop_peer_get_pid (bob), log, ctrl_port);
  assert_peer_log (0, "baresip is ready.", 10000);
  assert_peer_log (0, "All 1 useragent registered successfully", 10000);
  ctrl_connect ();
}

static void
stop_bob (void)
{
  ctrl_disconnect ();
  /* baresip unregisters and exits on SIGTERM. */
  interop_peer_stop (bob, NULL, 0);
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
    {
      stop_bob ();
      write_config (FALSE);
    }
  if (bob == NULL)
    start_bob ("baresip.log");
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
  start_bob ("baresip.log");
  wait_bob_presence (TANDEM_PRESENCE_AVAILABLE);

  /* ... and its presence_offline / presence_online commands show. */
  ctrl_command_ok ("presence_offline", NULL);
  wait_bob_presence (TANDEM_PRESENCE_OFFLINE);
  ctrl_command_ok ("presence_online", NULL);
  wait_bob_presence (TANDEM_PRESENCE_AVAILABLE);
}

static void
test_register (void)
{
  ensure_bob ();
  INTEROP_WAIT_UNTIL (tandem_account_get_state (alice_account) == TANDEM_REGISTRATION_OK, 10000);
  g_assert_cmpint (tandem_account_get_state (alice_account), ==, TANDEM_REGISTRATION_OK);
  {
    const char *response = ctrl_command ("reginfo", NULL);

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
  from = interop_peer_log_size (bob);
  expected = g_strdup_printf (ALICE ": \"%s\"", text);
  conversation = tandem_conversations_get (tandem_manager_get_conversations (alice), BOB, &error);
  g_assert_no_error (error);
  message = tandem_conversation_send_text (conversation, text, &error);
  g_assert_no_error (error);
  g_object_ref (message);

  assert_peer_log (from, expected, 10000);
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
  ctrl_command_ok ("message", text);
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
  response = ctrl_command ("contacts", NULL);
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
  help = ctrl_command ("help", NULL);
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
  GPid pids[2] = { getpid (), interop_peer_get_pid (bob) };

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
  ctrl_pump ();
  from = ctrl_msgs->len;
  call = tandem_calls_call (tandem_manager_get_calls (alice), BOB, &error);
  g_assert_no_error (error);
  g_object_ref (call);
  g_assert_false (tandem_call_is_incoming (call));
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_OUTGOING);

  assert_event (from, "CALL_INCOMING", "\"peeruri\":\"" ALICE "\"");
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_OUTGOING);
  ctrl_command_ok ("accept", NULL);
  INTEROP_WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_ACTIVE, 10000);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ACTIVE);
  assert_event (from, "CALL_ESTABLISHED", "\"direction\":\"incoming\"");

  interop_sleep_ms (1500);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ACTIVE);
  g_assert_cmpint (ctrl_find (from, "\"type\":\"CALL_CLOSED\"", NULL), <, 0);
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
  assert_event (from, "CALL_CLOSED", "\"peeruri\":\"" ALICE "\"");
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
  ctrl_pump ();
  from = ctrl_msgs->len;
  handler = g_signal_connect (tandem_manager_get_calls (alice), "call-added", G_CALLBACK (on_call_added), &call);
  ctrl_command_ok ("dial", ALICE);
  INTEROP_WAIT_UNTIL (call != NULL, 10000);
  g_signal_handler_disconnect (tandem_manager_get_calls (alice), handler);
  g_assert_nonnull (call);
  g_assert_true (tandem_call_is_incoming (call));
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_INCOMING);
  g_assert_cmpstr (tandem_call_get_peer_address (call), ==, BOB);
  assert_event (from, "CALL_RINGING", "\"peeruri\":\"" ALICE "\"");

  g_assert_true (tandem_call_accept (call, &error));
  g_assert_no_error (error);
  INTEROP_WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_ACTIVE, 10000);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ACTIVE);
  assert_event (from, "CALL_ESTABLISHED", "\"direction\":\"outgoing\"");

  interop_sleep_ms (1500);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ACTIVE);
  g_assert_cmpint (tandem_call_get_security (call), ==, TANDEM_CALL_SECURITY_NONE);

  /* baresip hangs up; Tandem sees the end. */
  ctrl_command_ok ("hangup", NULL);
  INTEROP_WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_ENDED &&
                      g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_calls (alice))) == 0, 10000);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ENDED);
  assert_event (from, "CALL_CLOSED", "\"peeruri\":\"" ALICE "\"");
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
  ctrl_pump ();
  from = ctrl_msgs->len;
  handler = g_signal_connect (tandem_manager_get_calls (alice), "call-added", G_CALLBACK (on_call_added), &call);
  ctrl_command_ok ("dial", ALICE);
  INTEROP_WAIT_UNTIL (call != NULL && tandem_call_get_state (call) != TANDEM_CALL_INCOMING, 10000);
  g_signal_handler_disconnect (tandem_manager_get_calls (alice), handler);
  g_assert_nonnull (call);
  g_assert_cmpint (tandem_call_get_state (call), !=, TANDEM_CALL_ACTIVE);
  g_test_message ("tandem: %s", tandem_call_get_end_reason (call));
  g_assert_nonnull (strstr (tandem_call_get_end_reason (call), "not encrypted"));
  /* baresip is told: 488 with Reason "Encrypted calls only". */
  assert_event (from, "CALL_CLOSED", "488");

  ctrl_pump ();
  from = ctrl_msgs->len;
  outgoing = tandem_calls_call (tandem_manager_get_calls (alice), BOB, &error);
  g_assert_no_error (error);
  g_object_ref (outgoing);
  assert_event (from, "CALL_INCOMING", "\"peeruri\":\"" ALICE "\"");
  ctrl_command_ok ("accept", NULL);
  INTEROP_WAIT_UNTIL (tandem_call_get_state (outgoing) == TANDEM_CALL_ENDED ||
                      tandem_call_get_state (outgoing) == TANDEM_CALL_FAILED, 10000);
  g_test_message ("tandem: %s", tandem_call_get_end_reason (outgoing));
  g_assert_nonnull (tandem_call_get_end_reason (outgoing));
  g_assert_nonnull (strstr (tandem_call_get_end_reason (outgoing), "cannot encrypt"));
  assert_event (from, "CALL_CLOSED", "\"peeruri\":\"" ALICE "\"");
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
  /* The certificate names tandem.test, and no DNS knows it: maddr sends
   * the connection to kamailio.  "localhost", not 127.0.0.1: kamailio's
   * Via and Record-Route say 127.0.0.1, and belle-sip reuses a TLS
   * connection for them only when it was opened by another name than
   * that address (as it is in real life, to the proxy's DNS name); with
   * maddr=127.0.0.1 it opens a new one, verifies "127.0.0.1" and fails,
   * so answers to an incoming INVITE and in-dialog requests never went
   * out. */
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

/* baresip again, as dave (see write_config()); the SDES cases come last,
 * so bob is not needed any more. */
static void
ensure_dave (void)
{
  if (bob != NULL && bob_is_dave)
    return;
  if (bob != NULL)
    stop_bob ();
  write_config (TRUE);
  start_bob ("baresip-dave.log");
  bob_is_dave = TRUE;
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
  ctrl_pump ();
  from = ctrl_msgs->len;
  call = tandem_calls_call (tandem_manager_get_calls (carol), DAVE, &error);
  g_assert_no_error (error);
  g_object_ref (call);
  assert_event (from, "CALL_INCOMING", "\"peeruri\":\"" CAROL "\"");
  ctrl_command_ok ("accept", NULL);
  INTEROP_WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_ACTIVE &&
                      tandem_call_get_security (call) == TANDEM_CALL_SECURITY_SRTP, 10000);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ACTIVE);
  g_assert_cmpint (tandem_call_get_security (call), ==, TANDEM_CALL_SECURITY_SRTP);
  assert_peer_log (0, "srtp", 1000);
  interop_sleep_ms (3000);
  if (sniff != NULL)
    {
      stop_sniff (sniff, &stats);
      g_assert_cmpuint (stats.rtp_packets, >, 50);
      g_assert_cmpuint (stats.rtp_repeated, ==, 0);
    }

  g_assert_true (tandem_call_hang_up (call, &error));
  INTEROP_WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_calls (carol))) == 0, 10000);
  assert_event (from, "CALL_CLOSED", "\"peeruri\":\"" CAROL "\"");
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
  ctrl_pump ();
  from = ctrl_msgs->len;
  handler = g_signal_connect (tandem_manager_get_calls (carol), "call-added", G_CALLBACK (on_call_added), &call);
  ctrl_command_ok ("dial", CAROL);
  INTEROP_WAIT_UNTIL (call != NULL, 10000);
  g_signal_handler_disconnect (tandem_manager_get_calls (carol), handler);
  g_assert_nonnull (call);
  g_assert_true (tandem_call_is_incoming (call));
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_INCOMING);
  g_assert_cmpstr (tandem_call_get_peer_address (call), ==, DAVE);
  assert_event (from, "CALL_RINGING", "\"peeruri\":\"" CAROL ";transport=tls\"");

  g_assert_true (tandem_call_accept (call, &error));
  g_assert_no_error (error);
  INTEROP_WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_ACTIVE &&
                      tandem_call_get_security (call) == TANDEM_CALL_SECURITY_SRTP, 10000);
  g_test_message ("tandem: call state %d, security %d", tandem_call_get_state (call),
                  tandem_call_get_security (call));
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ACTIVE);
  g_assert_cmpint (tandem_call_get_security (call), ==, TANDEM_CALL_SECURITY_SRTP);
  assert_event (from, "CALL_ESTABLISHED", "\"direction\":\"outgoing\"");

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
  assert_event (from, "CALL_CLOSED", "\"peeruri\":\"" CAROL ";transport=tls\"");
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
  write_config (FALSE);
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
