/* test-manager.c: the service layer against a real kamailio on loopback:
 * registration, its failures, contacts, presence between two stacks,
 * provisioning and persistence.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <glib/gstdio.h>

#include "tandem-manager.h"
#include "tandem-provision.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-wait.h"

static TandemTestKamailio *world;
static GPtrArray *profiles;

static TandemManager *
start_manager (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("tandem-test-%s-XXXXXX", name);
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

static TandemManager *
restart_manager (TandemManager *manager)
{
  g_autofree char *profile = g_strdup (tandem_manager_get_profile_dir (manager));
  g_autoptr(GError) error = NULL;

  tandem_manager_stop (manager);
  g_object_unref (manager);
  manager = tandem_manager_new (profile);
  tandem_manager_set_bind_address (manager, "127.0.0.1");
  g_assert_true (tandem_manager_start (manager, &error));
  g_assert_no_error (error);

  return manager;
}

#define WAIT_UNTIL(cond, ms) TANDEM_TEST_WAIT_UNTIL (cond, ms)

static TandemAccount *
add_account (TandemManager   *manager,
             const char      *user,
             const char      *password,
             const char      *transport)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *identity = g_strdup_printf ("sip:%s@tandem.test", user);
  g_autofree char *proxy = tandem_test_kamailio_dup_proxy_uri (world, transport);
  TandemTransport t;
  TandemAccount *account;

  g_assert_true (tandem_transport_from_string (transport, &t));
  account = tandem_accounts_add (tandem_manager_get_accounts (manager), identity, password, proxy, t, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  return account;
}

static void
test_register_ok (void)
{
  TandemManager *manager = start_manager ("alice");
  TandemAccount *account = add_account (manager, "alice", "alice-pw", "udp");

  WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_OK, 10000);
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_OK);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_accounts (manager))), ==, 1);

  tandem_manager_stop (manager);
  g_object_unref (manager);
}

static void
test_register_tcp (void)
{
  TandemManager *manager = start_manager ("bob-tcp");
  TandemAccount *account = add_account (manager, "bob", "bob-pw", "tcp");

  WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_OK, 10000);
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_OK);

  tandem_manager_stop (manager);
  g_object_unref (manager);
}

static void
test_register_tls (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = g_dir_make_tmp ("tandem-test-tls-XXXXXX", &error);
  TandemManager *manager;
  TandemAccount *account;

  g_ptr_array_add (profiles, g_strdup (profile));
  manager = tandem_manager_new (profile);
  tandem_manager_set_bind_address (manager, "127.0.0.1");
  /* The fixture's self-signed certificate is the only CA trusted. */
  tandem_manager_set_root_ca (manager, tandem_test_kamailio_get_cert_file (world));
  g_assert_true (tandem_manager_start (manager, &error));
  g_assert_no_error (error);

  /* The certificate names tandem.test; maddr sends the connection to
   * loopback while TLS checks the name (mbedTLS does not match IP
   * addresses against a certificate). */
  {
    g_autofree char *proxy = g_strdup_printf ("sip:tandem.test:%u;transport=tls;maddr=127.0.0.1",
                                              tandem_test_kamailio_get_tls_port (world));
    account = tandem_accounts_add (tandem_manager_get_accounts (manager), "sip:dave@tandem.test", "dave-pw", proxy,
                                          TANDEM_TRANSPORT_TLS, &error);
    g_assert_no_error (error);
  }
  WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_OK ||
              tandem_account_get_state (account) == TANDEM_REGISTRATION_FAILED, 15000);
  g_test_message ("tls: %d %s", tandem_account_get_state (account), tandem_account_get_state_message (account));
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_OK);

  tandem_manager_stop (manager);
  g_object_unref (manager);
}

static void
test_register_tls_untrusted (void)
{
  TandemManager *manager = start_manager ("tls-untrusted");
  TandemAccount *account = add_account (manager, "dave", "dave-pw", "tls");

  /* Without the CA the server certificate is refused, with a reason. */
  WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_FAILED, 15000);
  g_test_message ("untrusted tls: %s", tandem_account_get_state_message (account));
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_FAILED);

  tandem_manager_stop (manager);
  g_object_unref (manager);
}

static void
test_register_wrong_password (void)
{
  TandemManager *manager = start_manager ("carol");
  TandemAccount *account = add_account (manager, "carol", "not-the-password", "udp");
  const char *message;

  WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_FAILED, 15000);
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_FAILED);
  message = tandem_account_get_state_message (account);
  g_test_message ("wrong password: %s", message);
  g_assert_nonnull (message);
  g_assert_true (strstr (message, "401") != NULL || strstr (message, "403") != NULL ||
                 strstr (message, "nauthori") != NULL || strstr (message, "orbidden") != NULL);

  tandem_manager_stop (manager);
  g_object_unref (manager);
}

static void
test_register_unreachable (void)
{
  TandemManager *manager = start_manager ("dave");
  g_autoptr(GError) error = NULL;
  TandemAccount *account;

  /* Nothing listens on port 9 of loopback: TCP is refused at once. */
  account = tandem_accounts_add (tandem_manager_get_accounts (manager), "sip:dave@tandem.test", "dave-pw",
                                        "sip:127.0.0.1:9", TANDEM_TRANSPORT_TCP, &error);
  g_assert_no_error (error);
  WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_FAILED, 15000);
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_FAILED);
  g_test_message ("unreachable: %s", tandem_account_get_state_message (account));
  g_assert_nonnull (tandem_account_get_state_message (account));

  tandem_manager_stop (manager);
  g_object_unref (manager);
}

static void
test_bad_addresses (void)
{
  TandemManager *manager = start_manager ("bad");
  g_autoptr(GError) error = NULL;

  g_assert_null (tandem_accounts_add (tandem_manager_get_accounts (manager), "alice at tandem.test", "x", NULL,
                                             TANDEM_TRANSPORT_UDP, &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);
  g_assert_null (tandem_accounts_add (tandem_manager_get_accounts (manager), "sip:alice@tandem.test", "x", "http://x",
                                             TANDEM_TRANSPORT_UDP, &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);
  g_assert_null (tandem_accounts_add (tandem_manager_get_accounts (manager), "sip:jane at example org", "x", NULL,
                                             TANDEM_TRANSPORT_UDP, &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);
  g_assert_null (tandem_contacts_add (tandem_manager_get_contacts (manager), "x", "", &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_accounts (manager))), ==, 0);

  tandem_manager_stop (manager);
  g_object_unref (manager);
}

static gboolean
presence_is (TandemContact  *contact,
             TandemPresence  presence,
             const char     *note)
{
  return tandem_contact_get_presence (contact) == presence &&
         g_strcmp0 (tandem_contact_get_note (contact), note) == 0;
}

static void
test_presence_between_two_stacks (void)
{
  /* A server of its own: earlier tests leave publications of alice and bob
   * behind on the shared one (they stop right after registering), which
   * the server would merge into what alice sees of bob. */
  TandemTestKamailio *shared = world;
  g_autoptr(GError) world_error = NULL;
  g_autoptr(TandemTestKamailio) own = tandem_test_kamailio_start (&world_error);
  TandemManager *alice;
  TandemManager *bob;
  g_autoptr(GError) error = NULL;
  TandemContact *bob_seen_by_alice;
  TandemContact *alice_seen_by_bob;
  gint64 start;

  g_assert_no_error (world_error);
  world = own;
  alice = start_manager ("alice-presence");
  bob = start_manager ("bob-presence");
  add_account (alice, "alice", "alice-pw", "udp");
  add_account (bob, "bob", "bob-pw", "udp");
  bob_seen_by_alice = tandem_contacts_add (tandem_manager_get_contacts (alice), "Bob", "sip:bob@tandem.test", &error);
  g_assert_no_error (error);
  alice_seen_by_bob = tandem_contacts_add (tandem_manager_get_contacts (bob), "Alice", "sip:alice@tandem.test", &error);
  g_assert_no_error (error);

  WAIT_UNTIL (presence_is (bob_seen_by_alice, TANDEM_PRESENCE_AVAILABLE, NULL) &&
              presence_is (alice_seen_by_bob, TANDEM_PRESENCE_AVAILABLE, NULL), 15000);
  g_assert_cmpint (tandem_contact_get_presence (bob_seen_by_alice), ==, TANDEM_PRESENCE_AVAILABLE);
  g_assert_cmpint (tandem_contact_get_presence (alice_seen_by_bob), ==, TANDEM_PRESENCE_AVAILABLE);

  /* Each change shows on the other side, with the note, quickly. */
  {
    const struct { TandemPresence p; const char *note; } steps[] = {
      { TANDEM_PRESENCE_AWAY, "At lunch" },
      { TANDEM_PRESENCE_BUSY, NULL },
      { TANDEM_PRESENCE_DND, "Presenting" },
      { TANDEM_PRESENCE_AVAILABLE, NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
      {
        start = g_get_monotonic_time ();
        tandem_contacts_set_presence (tandem_manager_get_contacts (bob), steps[i].p, steps[i].note);
        WAIT_UNTIL (presence_is (bob_seen_by_alice, steps[i].p, steps[i].note), 10000);
        g_test_message ("presence %s seen after %" G_GINT64_FORMAT " ms",
                        tandem_presence_to_string (steps[i].p),
                        (g_get_monotonic_time () - start) / 1000);
        g_assert_cmpint (tandem_contact_get_presence (bob_seen_by_alice), ==, steps[i].p);
        g_assert_cmpstr (tandem_contact_get_note (bob_seen_by_alice), ==, steps[i].note);
      }
  }

  /* Contacts survive a restart of the stack. */
  alice = restart_manager (alice);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_contacts (alice))), ==, 1);
  g_assert_nonnull (tandem_contacts_find (tandem_manager_get_contacts (alice), "sip:bob@tandem.test"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_accounts (alice))), ==, 1);

  tandem_manager_stop (bob);
  g_object_unref (bob);
  tandem_manager_stop (alice);
  g_object_unref (alice);
  world = shared;
}

static void
on_subscription_requested (TandemManager *manager,
                           const char    *address,
                           GPtrArray     *requests)
{
  g_ptr_array_add (requests, g_strdup (address));
}

/* A SUBSCRIBE straight to alice (not through the presence server, which
 * authorises on its own) from someone who is not her contact waits for
 * her answer: allowed, they see her presence and become a contact;
 * denied, they see nothing. */
static void
test_subscription_requests (void)
{
  TandemManager *alice = start_manager ("alice-subscribers");
  TandemManager *carol = start_manager ("carol-subscribers");
  TandemManager *dave = start_manager ("dave-subscribers");
  TandemAccount *alice_account;
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *direct = NULL;
  g_auto(GStrv) pending = NULL;
  TandemContact *alice_seen_by_carol, *alice_seen_by_dave, *carol_contact;
  gint64 until;

  alice_account = add_account (alice, "alice", "alice-pw", "udp");
  add_account (carol, "carol", "carol-pw", "udp");
  add_account (dave, "dave", "dave-pw", "udp");
  g_signal_connect (tandem_manager_get_contacts (alice), "subscription-requested", G_CALLBACK (on_subscription_requested), requests);
  WAIT_UNTIL (tandem_account_get_state (alice_account) == TANDEM_REGISTRATION_OK, 10000);
  direct = tandem_accounts_dup_contact_address (tandem_manager_get_accounts (alice));
  g_assert_nonnull (direct);

  alice_seen_by_carol = tandem_contacts_add (tandem_manager_get_contacts (carol), "Alice", direct, &error);
  g_assert_no_error (error);
  alice_seen_by_dave = tandem_contacts_add (tandem_manager_get_contacts (dave), "Alice", direct, &error);
  g_assert_no_error (error);
  WAIT_UNTIL (requests->len == 2, 15000);
  g_assert_cmpuint (requests->len, ==, 2);
  pending = tandem_contacts_dup_pending_subscribers (tandem_manager_get_contacts (alice));
  g_assert_cmpuint (g_strv_length (pending), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) pending, "sip:carol@tandem.test"));
  g_assert_true (g_strv_contains ((const char * const *) pending, "sip:dave@tandem.test"));
  /* Nothing reaches them while alice has not answered. */
  until = g_get_monotonic_time () + 1500 * 1000;
  WAIT_UNTIL (g_get_monotonic_time () > until, 3000);
  g_assert_cmpint (tandem_contact_get_presence (alice_seen_by_carol), ==, TANDEM_PRESENCE_OFFLINE);

  g_assert_true (tandem_contacts_deny_subscriber (tandem_manager_get_contacts (alice), "sip:dave@tandem.test", &error));
  g_assert_no_error (error);
  g_assert_false (tandem_contacts_deny_subscriber (tandem_manager_get_contacts (alice), "sip:dave@tandem.test", &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED);
  g_clear_error (&error);

  carol_contact = tandem_contacts_allow_subscriber (tandem_manager_get_contacts (alice), "sip:carol@tandem.test", &error);
  g_assert_no_error (error);
  g_assert_nonnull (carol_contact);
  g_assert_cmpstr (tandem_contact_get_address (carol_contact), ==, "sip:carol@tandem.test");
  g_assert_true (tandem_contacts_find (tandem_manager_get_contacts (alice), "sip:carol@tandem.test") == carol_contact);
  WAIT_UNTIL (presence_is (alice_seen_by_carol, TANDEM_PRESENCE_AVAILABLE, NULL), 10000);
  g_assert_cmpint (tandem_contact_get_presence (alice_seen_by_carol), ==, TANDEM_PRESENCE_AVAILABLE);

  /* Dave keeps seeing nothing, even when alice changes her status. */
  tandem_contacts_set_presence (tandem_manager_get_contacts (alice), TANDEM_PRESENCE_AWAY, "Denied people must not see this");
  WAIT_UNTIL (presence_is (alice_seen_by_carol, TANDEM_PRESENCE_AWAY, "Denied people must not see this"), 10000);
  until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  WAIT_UNTIL (g_get_monotonic_time () > until, 3000);
  g_assert_cmpint (tandem_contact_get_presence (alice_seen_by_dave), ==, TANDEM_PRESENCE_OFFLINE);
  g_assert_null (tandem_contact_get_note (alice_seen_by_dave));
  g_strfreev (g_steal_pointer (&pending));
  pending = tandem_contacts_dup_pending_subscribers (tandem_manager_get_contacts (alice));
  g_assert_cmpuint (g_strv_length (pending), ==, 0);

  for (TandemManager **m = (TandemManager *[]) { dave, carol, alice, NULL }; *m; m++)
    {
      tandem_manager_stop (*m);
      g_object_unref (*m);
    }
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
test_chat_between_two_stacks (void)
{
  TandemManager *alice = start_manager ("alice-chat");
  TandemManager *bob = start_manager ("bob-chat");
  TandemAccount *alice_account = add_account (alice, "alice", "alice-pw", "udp");
  TandemAccount *bob_account = NULL;
  g_autoptr(GError) error = NULL;
  Received at_bob = { NULL, NULL };
  TandemConversation *to_bob, *to_alice;
  TandemChatMessage *message, *offline;
  GListModel *messages;

  WAIT_UNTIL (tandem_account_get_state (alice_account) == TANDEM_REGISTRATION_OK, 10000);

  /* Bob is not registered yet: the message fails, and is kept. */
  to_bob = tandem_conversations_get (tandem_manager_get_conversations (alice), "sip:bob@tandem.test", &error);
  g_assert_no_error (error);
  offline = g_object_ref (tandem_conversation_send_text (to_bob, "Are you there?", &error));
  g_assert_no_error (error);
  WAIT_UNTIL (tandem_chat_message_get_state (offline) == TANDEM_MESSAGE_FAILED, 10000);
  g_assert_cmpint (tandem_chat_message_get_state (offline), ==, TANDEM_MESSAGE_FAILED);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_conversation_get_messages (to_bob)), ==, 1);

  /* Empty and invalid input is refused with a reason. */
  g_assert_null (tandem_conversation_send_text (to_bob, "  \n ", &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (tandem_conversation_send_text (to_bob, "\xff\xfe", &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  bob_account = add_account (bob, "bob", "bob-pw", "udp");
  g_signal_connect (tandem_manager_get_conversations (bob), "message-received", G_CALLBACK (on_message_received), &at_bob);
  WAIT_UNTIL (tandem_account_get_state (bob_account) == TANDEM_REGISTRATION_OK, 10000);

  /* Retried once bob is there, it arrives. */
  g_assert_true (tandem_conversation_retry (to_bob, offline, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (at_bob.text != NULL, 10000);
  g_assert_cmpstr (at_bob.text, ==, "Are you there?");
  WAIT_UNTIL (tandem_chat_message_get_state (offline) != TANDEM_MESSAGE_SENDING &&
              tandem_chat_message_get_state (offline) != TANDEM_MESSAGE_FAILED, 10000);
  g_assert_cmpint (tandem_chat_message_get_state (offline), !=, TANDEM_MESSAGE_FAILED);
  g_object_unref (offline);

  /* Both ways, with unicode. */
  to_alice = at_bob.conversation;
  g_assert_cmpstr (tandem_conversation_get_peer_address (to_alice), ==, "sip:alice@tandem.test");
  g_assert_cmpuint (tandem_conversation_get_unread_count (to_alice), ==, 1);
  message = tandem_conversation_send_text (to_alice, "Ja, hier! 👋 €", &error);
  g_assert_no_error (error);
  g_assert_true (tandem_chat_message_is_outgoing (message));
  messages = tandem_conversation_get_messages (to_bob);
  WAIT_UNTIL (g_list_model_get_n_items (messages) == 2, 10000);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  {
    g_autoptr(TandemChatMessage) last = g_list_model_get_item (messages, 1);
    g_assert_cmpstr (tandem_chat_message_get_text (last), ==, "Ja, hier! 👋 €");
    g_assert_false (tandem_chat_message_is_outgoing (last));
    g_assert_cmpint (tandem_chat_message_get_state (last), ==, TANDEM_MESSAGE_RECEIVED);
  }
  tandem_conversation_mark_read (to_alice);
  g_assert_cmpuint (tandem_conversation_get_unread_count (to_alice), ==, 0);

  /* History survives a restart, in order. */
  alice = restart_manager (alice);
  to_bob = tandem_conversations_get (tandem_manager_get_conversations (alice), "sip:bob@tandem.test", &error);
  g_assert_no_error (error);
  messages = tandem_conversation_get_messages (to_bob);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  {
    g_autoptr(TandemChatMessage) first = g_list_model_get_item (messages, 0);
    g_autoptr(TandemChatMessage) second = g_list_model_get_item (messages, 1);
    g_assert_cmpstr (tandem_chat_message_get_text (first), ==, "Are you there?");
    g_assert_true (tandem_chat_message_is_outgoing (first));
    g_assert_cmpstr (tandem_chat_message_get_text (second), ==, "Ja, hier! 👋 €");
  }

  g_free (at_bob.text);
  tandem_manager_stop (bob);
  g_object_unref (bob);
  tandem_manager_stop (alice);
  g_object_unref (alice);
}

static void
on_call_added (TandemManager *manager,
               TandemCall    *call,
               TandemCall   **out)
{
  g_set_object (out, call);
}

static void
test_calls_between_two_stacks (void)
{
  TandemManager *alice = start_manager ("alice-call");
  TandemManager *bob = start_manager ("bob-call");
  TandemAccount *a = add_account (alice, "alice", "alice-pw", "udp");
  TandemAccount *b = add_account (bob, "bob", "bob-pw", "udp");
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemCall) at_bob = NULL;
  TandemCall *call;

  g_signal_connect (tandem_manager_get_calls (bob), "call-added", G_CALLBACK (on_call_added), &at_bob);
  WAIT_UNTIL (tandem_account_get_state (a) == TANDEM_REGISTRATION_OK &&
              tandem_account_get_state (b) == TANDEM_REGISTRATION_OK, 10000);

  /* alice calls, bob answers. */
  call = tandem_calls_call (tandem_manager_get_calls (alice), "sip:bob@tandem.test", &error);
  g_assert_no_error (error);
  g_object_ref (call);
  g_assert_false (tandem_call_is_incoming (call));
  WAIT_UNTIL (at_bob != NULL, 10000);
  g_assert_nonnull (at_bob);
  g_assert_true (tandem_call_is_incoming (at_bob));
  g_assert_cmpint (tandem_call_get_state (at_bob), ==, TANDEM_CALL_INCOMING);
  g_assert_cmpstr (tandem_call_get_peer_address (at_bob), ==, "sip:alice@tandem.test");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_calls (bob))), ==, 1);
  g_assert_true (tandem_call_accept (at_bob, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_ACTIVE &&
              tandem_call_get_state (at_bob) == TANDEM_CALL_ACTIVE, 10000);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ACTIVE);

  /* Encrypted by default: ZRTP, the same security code on both sides; a
   * call without one cannot be verified, this one can. */
  WAIT_UNTIL (tandem_call_get_security (call) == TANDEM_CALL_SECURITY_ZRTP &&
              tandem_call_get_security (at_bob) == TANDEM_CALL_SECURITY_ZRTP, 10000);
  g_assert_cmpint (tandem_call_get_security (call), ==, TANDEM_CALL_SECURITY_ZRTP);
  g_assert_cmpint (tandem_call_get_security (at_bob), ==, TANDEM_CALL_SECURITY_ZRTP);
  g_assert_nonnull (tandem_call_get_security_code (call));
  g_assert_cmpstr (tandem_call_get_security_code (call), ==, tandem_call_get_security_code (at_bob));
  g_assert_true (tandem_call_mark_verified (at_bob, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tandem_call_get_security (at_bob), ==, TANDEM_CALL_SECURITY_VERIFIED);

  /* Mute, tones, hold and resume. */
  tandem_call_set_muted (call, TRUE);
  g_assert_true (tandem_call_get_muted (call));
  tandem_call_set_muted (call, FALSE);
  g_assert_true (tandem_call_send_dtmf (call, '5', &error));
  g_assert_no_error (error);
  g_assert_false (tandem_call_send_dtmf (call, 'x', &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (tandem_call_hold (call, &error));
  WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_HELD &&
              tandem_call_get_state (at_bob) == TANDEM_CALL_HELD_BY_PEER, 10000);
  g_assert_cmpint (tandem_call_get_state (at_bob), ==, TANDEM_CALL_HELD_BY_PEER);
  g_assert_true (tandem_call_resume (call, &error));
  WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_ACTIVE &&
              tandem_call_get_state (at_bob) == TANDEM_CALL_ACTIVE, 10000);
  g_assert_cmpint (tandem_call_get_state (at_bob), ==, TANDEM_CALL_ACTIVE);

  /* Held and resumed, the call is still encrypted. */
  WAIT_UNTIL (tandem_call_get_security (call) == TANDEM_CALL_SECURITY_ZRTP, 10000);
  g_assert_cmpint (tandem_call_get_security (call), ==, TANDEM_CALL_SECURITY_ZRTP);

  /* alice hangs up; both sides end and forget the call. */
  g_assert_true (tandem_call_hang_up (call, &error));
  WAIT_UNTIL (tandem_call_get_state (at_bob) == TANDEM_CALL_ENDED &&
              g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_calls (alice))) == 0, 10000);
  g_assert_cmpint (tandem_call_get_state (at_bob), ==, TANDEM_CALL_ENDED);
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_ENDED);
  g_assert_false (tandem_call_hang_up (call, &error));
  g_clear_error (&error);
  g_object_unref (call);
  g_clear_object (&at_bob);

  /* bob declines the next one: alice learns why. */
  call = g_object_ref (tandem_calls_call (tandem_manager_get_calls (alice), "sip:bob@tandem.test", &error));
  g_assert_no_error (error);
  WAIT_UNTIL (at_bob != NULL, 10000);
  g_assert_true (tandem_call_decline (at_bob, &error));
  WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_FAILED ||
              tandem_call_get_state (call) == TANDEM_CALL_ENDED, 10000);
  g_test_message ("declined: %s", tandem_call_get_end_reason (call));
  g_assert_nonnull (tandem_call_get_end_reason (call));
  g_object_unref (call);

  /* Nobody registered as carol: the call fails with the server's reason. */
  call = g_object_ref (tandem_calls_call (tandem_manager_get_calls (alice), "sip:carol@tandem.test", &error));
  WAIT_UNTIL (tandem_call_get_state (call) == TANDEM_CALL_FAILED ||
              tandem_call_get_state (call) == TANDEM_CALL_ENDED, 10000);
  g_test_message ("unreachable callee: %s", tandem_call_get_end_reason (call));
  g_assert_cmpint (tandem_call_get_state (call), ==, TANDEM_CALL_FAILED);
  g_object_unref (call);

  g_assert_null (tandem_calls_call (tandem_manager_get_calls (alice), "not an address", &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);

  /* alice gives up before bob answers: a missed call for bob. */
  g_clear_object (&at_bob);
  call = g_object_ref (tandem_calls_call (tandem_manager_get_calls (alice), "sip:bob@tandem.test", &error));
  WAIT_UNTIL (at_bob != NULL, 10000);
  g_assert_true (tandem_call_hang_up (call, &error));
  WAIT_UNTIL (tandem_call_get_state (at_bob) == TANDEM_CALL_ENDED ||
              tandem_call_get_state (at_bob) == TANDEM_CALL_FAILED, 10000);
  g_object_unref (call);
  WAIT_UNTIL (g_list_model_get_n_items (tandem_calls_get_history (tandem_manager_get_calls (bob))) == 3, 5000);

  /* The history, newest first, on both sides. */
  {
    GListModel *history = tandem_calls_get_history (tandem_manager_get_calls (bob));
    g_autoptr(TandemCallRecord) missed = NULL;
    g_autoptr(TandemCallRecord) declined = NULL;
    g_autoptr(TandemCallRecord) answered = NULL;

    g_assert_cmpuint (g_list_model_get_n_items (history), ==, 3);
    missed = g_list_model_get_item (history, 0);
    declined = g_list_model_get_item (history, 1);
    answered = g_list_model_get_item (history, 2);
    g_assert_true (tandem_call_record_is_incoming (missed));
    g_assert_cmpint (tandem_call_record_get_outcome (missed), ==, TANDEM_CALL_OUTCOME_MISSED);
    g_assert_cmpint (tandem_call_record_get_outcome (declined), ==, TANDEM_CALL_OUTCOME_DECLINED);
    g_assert_cmpint (tandem_call_record_get_outcome (answered), ==, TANDEM_CALL_OUTCOME_ANSWERED);
    g_assert_cmpstr (tandem_call_record_get_peer_address (answered), ==, "sip:alice@tandem.test");
    g_assert_cmpuint (tandem_calls_get_missed_calls (tandem_manager_get_calls (bob)), ==, 1);
    tandem_calls_reset_missed_calls (tandem_manager_get_calls (bob));
    g_assert_cmpuint (tandem_calls_get_missed_calls (tandem_manager_get_calls (bob)), ==, 0);
  }
  g_assert_cmpuint (g_list_model_get_n_items (tandem_calls_get_history (tandem_manager_get_calls (alice))), ==, 4);

  /* It survives a restart. */
  bob = restart_manager (bob);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_calls_get_history (tandem_manager_get_calls (bob))), ==, 3);

  tandem_manager_stop (bob);
  g_object_unref (bob);
  tandem_manager_stop (alice);
  g_object_unref (alice);
}

static void
test_provision_twice (void)
{
  TandemManager *manager = start_manager ("provision");
  g_autofree char *proxy = tandem_test_kamailio_dup_proxy_uri (world, "udp");
  g_autofree char *text = g_strdup_printf ("[account alice]\n"
                                           "identity=sip:alice@tandem.test\n"
                                           "password=alice-pw\n"
                                           "server=%s\n"
                                           "transport=udp\n"
                                           "[contact bob]\n"
                                           "address=sip:bob@tandem.test\n"
                                           "[contact carol]\n"
                                           "name=Carol C.\n"
                                           "address=sip:carol@tandem.test\n"
                                           "[presence]\n"
                                           "status=away\n"
                                           "note=Back soon\n", proxy);
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  TandemAccount *account;

  g_assert_true (g_key_file_load_from_data (keyfile, text, -1, G_KEY_FILE_NONE, &error));
  for (int i = 0; i < 2; i++)
    {
      g_assert_true (tandem_provision_apply (keyfile, manager, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_accounts (manager))), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_contacts (manager))), ==, 2);
  g_assert_cmpstr (tandem_contact_get_name (tandem_contacts_find (tandem_manager_get_contacts (manager), "sip:carol@tandem.test")),
                   ==, "Carol C.");
  g_assert_cmpstr (tandem_contact_get_name (tandem_contacts_find (tandem_manager_get_contacts (manager), "sip:bob@tandem.test")),
                   ==, "bob");
  g_assert_cmpint (tandem_contacts_get_presence (tandem_manager_get_contacts (manager)), ==, TANDEM_PRESENCE_AWAY);

  account = g_list_model_get_item (G_LIST_MODEL (tandem_manager_get_accounts (manager)), 0);
  WAIT_UNTIL (tandem_account_get_state (account) == TANDEM_REGISTRATION_OK, 10000);
  g_assert_cmpint (tandem_account_get_state (account), ==, TANDEM_REGISTRATION_OK);
  g_object_unref (account);

  /* Bad files say what is wrong. */
  g_assert_true (g_key_file_load_from_data (keyfile, "[account x]\ntransport=udp\n", -1,
                                            G_KEY_FILE_NONE, &error));
  g_assert_false (tandem_provision_apply (keyfile, manager, &error));
  g_assert_nonnull (strstr (error->message, "[account x] has no identity="));
  g_clear_error (&error);
  g_assert_true (g_key_file_load_from_data (keyfile, "[account x]\nidentity=sip:x@y\ntransport=carrier-pigeon\n",
                                            -1, G_KEY_FILE_NONE, &error));
  g_assert_false (tandem_provision_apply (keyfile, manager, &error));
  g_assert_nonnull (strstr (error->message, "carrier-pigeon"));
  g_clear_error (&error);

  tandem_manager_stop (manager);
  g_object_unref (manager);
}

/* History survives a kill -9: liblinphone writes each message to its
 * sqlite database as it goes. */
static void
test_chat_survives_kill (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = g_dir_make_tmp ("tandem-test-kill-XXXXXX", &error);
  g_autofree char *proxy = tandem_test_kamailio_dup_proxy_uri (world, "udp");
  g_autofree char *writer = g_build_filename (g_getenv ("TANDEM_BUILD_DIR"), "tests", "service",
                                              "tandem-chat-writer", NULL);
  TandemManager *bob = start_manager ("bob-kill");
  TandemAccount *b = add_account (bob, "bob", "bob-pw", "udp");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  TandemManager *alice;
  TandemConversation *conversation;
  GListModel *messages;

  g_ptr_array_add (profiles, g_strdup (profile));
  WAIT_UNTIL (tandem_account_get_state (b) == TANDEM_REGISTRATION_OK, 10000);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, writer, profile, proxy,
                              "first before the crash", "second before the crash", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "sent");

  g_subprocess_send_signal (process, SIGKILL);
  g_assert_false (g_subprocess_wait_check (process, NULL, NULL));

  alice = tandem_manager_new (profile);
  tandem_manager_set_bind_address (alice, "127.0.0.1");
  g_assert_true (tandem_manager_start (alice, &error));
  g_assert_no_error (error);
  conversation = tandem_conversations_get (tandem_manager_get_conversations (alice), "sip:bob@tandem.test", &error);
  g_assert_no_error (error);
  messages = tandem_conversation_get_messages (conversation);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  {
    g_autoptr(TandemChatMessage) first = g_list_model_get_item (messages, 0);
    g_autoptr(TandemChatMessage) second = g_list_model_get_item (messages, 1);
    g_assert_cmpstr (tandem_chat_message_get_text (first), ==, "first before the crash");
    g_assert_cmpstr (tandem_chat_message_get_text (second), ==, "second before the crash");
    g_assert_cmpint (tandem_chat_message_get_state (second), !=, TANDEM_MESSAGE_SENDING);
  }

  tandem_manager_stop (alice);
  g_object_unref (alice);
  tandem_manager_stop (bob);
  g_object_unref (bob);
}

static void
test_settings (void)
{
  TandemManager *manager = start_manager ("settings");
  TandemAccount *account = add_account (manager, "carol", "carol-pw", "udp");
  TandemNatSettings nat = { 0 };
  TandemNatSettings bad = { 0 };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) playback = NULL;

  /* Audio: whatever the machine has; choosing one that exists works, a
   * made-up one is refused. */
  playback = tandem_settings_list_audio_devices (tandem_manager_get_settings (manager), TANDEM_AUDIO_PLAYBACK);
  g_test_message ("%u playback devices", g_strv_length (playback));
  for (guint i = 0; playback[i] != NULL; i++)
    {
      g_autofree char *chosen = NULL;

      /* A listed device can still be one the sound layer cannot open
       * (ALSA "default" without a card): then a clear error, not a
       * silent no-op. */
      if (!tandem_settings_set_audio_device (tandem_manager_get_settings (manager), TANDEM_AUDIO_PLAYBACK, playback[i], &error))
        {
          g_test_message ("%s", error->message);
          g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_FAILED);
          g_clear_error (&error);
          continue;
        }
      chosen = tandem_settings_get_audio_device (tandem_manager_get_settings (manager), TANDEM_AUDIO_PLAYBACK);
      g_assert_cmpstr (chosen, ==, playback[i]);
    }
  g_assert_false (tandem_settings_set_audio_device (tandem_manager_get_settings (manager), TANDEM_AUDIO_CAPTURE, "No such card", &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* NAT: round trip, and the inconsistent settings are refused. */
  nat.stun_server = g_strdup ("stun.example.org:3478");
  nat.ice = TRUE;
  nat.turn = TRUE;
  nat.turn_username = g_strdup ("carol");
  nat.turn_password = g_strdup ("turn-secret");
  g_assert_true (tandem_settings_set_nat (tandem_manager_get_settings (manager), &nat, &error));
  g_assert_no_error (error);
  tandem_nat_settings_clear (&nat);
  tandem_settings_get_nat (tandem_manager_get_settings (manager), &nat);
  g_assert_cmpstr (nat.stun_server, ==, "stun.example.org:3478");
  g_assert_true (nat.ice);
  g_assert_true (nat.turn);
  g_assert_cmpstr (nat.turn_username, ==, "carol");
  tandem_nat_settings_clear (&nat);

  bad.ice = TRUE;
  g_assert_false (tandem_settings_set_nat (tandem_manager_get_settings (manager), &bad, &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  bad.stun_server = (char *) "stun example org";
  g_assert_false (tandem_settings_set_nat (tandem_manager_get_settings (manager), &bad, &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);

  /* Both survive a restart (kept in the profile). */
  manager = restart_manager (manager);
  tandem_settings_get_nat (tandem_manager_get_settings (manager), &nat);
  g_assert_cmpstr (nat.stun_server, ==, "stun.example.org:3478");
  g_assert_true (nat.ice);
  tandem_nat_settings_clear (&nat);

  /* Removing the account. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_accounts (manager))), ==, 1);
  account = g_list_model_get_item (G_LIST_MODEL (tandem_manager_get_accounts (manager)), 0);
  g_assert_true (tandem_accounts_remove (tandem_manager_get_accounts (manager), account, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_accounts (manager))), ==, 0);
  g_assert_false (tandem_accounts_remove (tandem_manager_get_accounts (manager), account, &error));
  g_assert_error (error, TANDEM_SERVICE_ERROR, TANDEM_SERVICE_ERROR_INVALID_ARGUMENT);
  g_object_unref (account);
  manager = restart_manager (manager);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tandem_manager_get_accounts (manager))), ==, 0);

  tandem_manager_stop (manager);
  g_object_unref (manager);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("TANDEM_NO_SOUNDCARD", "1", TRUE);
  profiles = g_ptr_array_new_with_free_func (g_free);

  world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);

  g_test_add_func ("/service/register/ok", test_register_ok);
  g_test_add_func ("/service/register/tcp", test_register_tcp);
  g_test_add_func ("/service/register/tls", test_register_tls);
  g_test_add_func ("/service/register/tls-untrusted", test_register_tls_untrusted);
  g_test_add_func ("/service/register/wrong-password", test_register_wrong_password);
  g_test_add_func ("/service/register/unreachable", test_register_unreachable);
  g_test_add_func ("/service/bad-addresses", test_bad_addresses);
  g_test_add_func ("/service/presence/two-stacks", test_presence_between_two_stacks);
  g_test_add_func ("/service/presence/subscription-requests", test_subscription_requests);
  g_test_add_func ("/service/provision/twice", test_provision_twice);
  g_test_add_func ("/service/chat/two-stacks", test_chat_between_two_stacks);
  g_test_add_func ("/service/calls/two-stacks", test_calls_between_two_stacks);
  g_test_add_func ("/service/settings", test_settings);
  g_test_add_func ("/service/chat/survives-kill", test_chat_survives_kill);
  status = g_test_run ();

  tandem_test_kamailio_stop (world);
  for (guint i = 0; i < profiles->len; i++)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", (char *) profiles->pdata[i]);
      if (system (cmd) != 0)
        g_printerr ("could not remove %s\n", (char *) profiles->pdata[i]);
    }
  g_ptr_array_unref (profiles);
  return status;
}
