/* test-msrp-relay.c: RFC 4976 relay client against the kamailio fixture
 * (tests/support), relay discovery with a fake resolver.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <glib/gstdio.h>

#include "tandem-msrp-error.h"
#include "tandem-msrp-relay-client.h"
#include "tandem-msrp-session.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-resolver.h"
#include "tandem-test-wait.h"

static TandemTestKamailio *world;

/* ---- discovery with a fake resolver ----------------------------------- */

static void
on_discovered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  char **out = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemMsrpUri) uri = tandem_msrp_relay_discover_finish (result, &error);

  g_assert_no_error (error);
  *out = tandem_msrp_uri_to_string (uri);
}

static char *
discover (const char *setting, const char *domain, gboolean tls)
{
  char *out = NULL;

  tandem_msrp_relay_discover_async (setting, domain, tls, NULL, on_discovered, &out);
  TANDEM_TEST_WAIT_UNTIL (out != NULL, 10000);
  g_assert_nonnull (out);
  return out;
}

static void
test_discovery (void)
{
  g_autoptr(TandemTestResolver) fake = tandem_test_resolver_new ();
  g_autoptr(GResolver) old = g_resolver_get_default ();
  struct { const char *setting, *domain; gboolean tls; const char *expected; } cases[] = {
    { "msrps://relay.example.org:4444;tcp", "example.org", TRUE, "msrps://relay.example.org:4444;tcp" },
    { "relay.example.org:4444", "example.org", FALSE, "msrp://relay.example.org:4444;tcp" },
    { NULL, "srv.test", TRUE, "msrps://relay.srv.test:2856;tcp" },
    { NULL, "plain.test", FALSE, "msrp://relay.plain.test:2857;tcp" },
    { NULL, "plain.test", TRUE, "msrps://plain.test:2855;tcp" },
    { NULL, "nothing.test", FALSE, "msrp://nothing.test:2855;tcp" },
  };

  tandem_test_resolver_add_srv (fake, "_msrps._tcp.srv.test", "relay.srv.test", 2856);
  tandem_test_resolver_add_srv (fake, "_msrp._tcp.plain.test", "relay.plain.test", 2857);
  g_resolver_set_default (G_RESOLVER (fake));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = discover (cases[i].setting, cases[i].domain, cases[i].tls);

      g_assert_cmpstr (got, ==, cases[i].expected);
    }
  g_resolver_set_default (old);
}

/* ---- AUTH ---------------------------------------------------------------- */

typedef struct {
  GMainLoop *loop;
  GError    *error;
  int        pending;
} Wait;

static void
on_auth (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  tandem_msrp_relay_client_auth_finish (TANDEM_MSRP_RELAY_CLIENT (source), result, &w->error);
  if (--w->pending == 0)
    g_main_loop_quit (w->loop);
}

static void
on_started (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;
  GError *error = NULL;

  if (!tandem_msrp_session_start_finish (TANDEM_MSRP_SESSION (source), result, &error))
    {
      g_clear_error (&w->error);
      w->error = error;
    }
  if (--w->pending == 0)
    g_main_loop_quit (w->loop);
}

static TandemMsrpRelayClient *
relay_auth (const char *user, const char *password, gboolean tls, TandemMsrpUri *own, GError **error)
{
  g_autofree char *relay_str = tandem_test_kamailio_dup_msrp_relay_uri (world, tls);
  g_autoptr(TandemMsrpUri) relay = tandem_msrp_uri_parse (relay_str, NULL);
  TandemMsrpRelayClient *client = tandem_msrp_relay_client_new (relay, user, password);
  Wait w = { g_main_loop_new (NULL, FALSE), NULL, 1 };

  g_assert_nonnull (relay);
  if (tls)
    {
      g_autoptr(GTlsDatabase) db =
        g_tls_file_database_new (tandem_test_kamailio_get_cert_file (world), NULL);

      g_object_set (client, "tls-database", db, NULL);
    }
  tandem_msrp_relay_client_auth_async (client, own, NULL, on_auth, &w);
  g_main_loop_run (w.loop);
  g_main_loop_unref (w.loop);
  if (w.error != NULL)
    {
      g_propagate_error (error, w.error);
      g_object_unref (client);
      return NULL;
    }
  return client;
}

static TandemMsrpUri *
own_uri (gboolean tls)
{
  g_autofree char *sid = tandem_msrp_uri_new_session_id ();

  return tandem_msrp_uri_new (tls, "127.0.0.1", 2855, sid);
}

static void
test_auth (void)
{
  g_autoptr(TandemMsrpUri) me = own_uri (FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemMsrpRelayClient) client = relay_auth ("alice", "alice-pw", FALSE, me, &error);
  g_autoptr(GPtrArray) adv = NULL;
  TandemMsrpUri *use;

  g_assert_no_error (error);
  g_assert_cmpuint (tandem_msrp_relay_client_get_use_path (client)->len, ==, 1);
  use = g_ptr_array_index (tandem_msrp_relay_client_get_use_path (client), 0);
  g_assert_cmpstr (use->host, ==, "127.0.0.1");
  g_assert_cmpuint (use->port, ==, tandem_test_kamailio_get_msrp_port (world));
  g_assert_nonnull (use->session_id);
  g_assert_cmpuint (tandem_msrp_relay_client_get_expires (client), ==, 3600);
  adv = tandem_msrp_relay_client_dup_advertised_path (client);
  g_assert_cmpuint (adv->len, ==, 2);
  g_assert_true (tandem_msrp_uri_equal (g_ptr_array_index (adv, 1), me));
}

static void
test_auth_refused (void)
{
  g_autoptr(TandemMsrpUri) me = own_uri (FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemMsrpRelayClient) client = relay_auth ("alice", "wrong-pw", FALSE, me, &error);

  g_assert_null (client);
  g_assert_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_AUTH_FAILED);
  g_test_message ("%s", error->message);
}

/* ---- data through the relay ---------------------------------------------- */

typedef struct {
  gsize      want;
  gsize      got;
  GChecksum *sum;
  GMainLoop *loop;
  int       *done;
} Rx;

static void
on_rx (TandemMsrpSession *s, GBytes *bytes, gpointer user_data)
{
  Rx *rx = user_data;
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);

  g_checksum_update (rx->sum, d, len);
  rx->got += len;
  if (rx->got == rx->want && --(*rx->done) == 0)
    g_main_loop_quit (rx->loop);
}

static void
on_refreshed (TandemMsrpRelayClient *client, gpointer user_data)
{
  int *count = user_data;

  (*count)++;
}

static char *
send_random (TandemMsrpSession *s, gsize total, guint64 seed)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 *buf = g_malloc (total);
  g_autoptr(GBytes) bytes = NULL;

  for (gsize i = 0; i < total; i++)
    {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      buf[i] = seed >> 56;
    }
  g_checksum_update (sum, buf, total);
  bytes = g_bytes_new_take (buf, total);
  tandem_msrp_session_send_async (s, bytes, NULL, NULL, NULL);
  return g_strdup (g_checksum_get_string (sum));
}

/* Alice is behind the relay (passive on her AUTH connection); Bob either
 * connects to the relay directly or goes through his own reservation.
 * Data goes both ways in both cases. */
static void
run_relay_session (gboolean bob_uses_relay, gboolean tls)
{
  g_autoptr(TandemMsrpUri) alice_uri = own_uri (tls);
  g_autoptr(TandemMsrpUri) bob_uri = own_uri (tls);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemMsrpRelayClient) alice_relay = relay_auth ("alice", "alice-pw", tls, alice_uri, &error);
  g_autoptr(TandemMsrpRelayClient) bob_relay = NULL;
  g_autoptr(GPtrArray) alice_path = NULL;
  g_autoptr(GPtrArray) bob_path = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  TandemMsrpSession *alice, *bob;
  Wait w = { g_main_loop_new (NULL, FALSE), NULL, 2 };
  int done = 1, refreshed = 0;
  Rx rx_alice = { 3 * 1024 * 1024 + 17, 0, g_checksum_new (G_CHECKSUM_SHA256), w.loop, &done };
  Rx rx_bob = { 1024 * 1024 + 5, 0, g_checksum_new (G_CHECKSUM_SHA256), w.loop, &done };
  g_autofree char *sum_to_alice = NULL;
  g_autofree char *sum_to_bob = NULL;

  g_assert_no_error (error);
  if (tls)
    {
      g_autofree char *dir = g_dir_make_tmp ("tandem-relay-XXXXXX", NULL);
      g_autofree char *cert_path = g_build_filename (dir, "c.pem", NULL);
      g_autofree char *key_path = g_build_filename (dir, "k.pem", NULL);
      g_autofree char *cmd = g_strdup_printf (
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout %s "
        "-out %s -days 1 -subj /CN=t -batch", key_path, cert_path);

      g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
      cert = g_tls_certificate_new_from_files (cert_path, key_path, NULL);
      g_assert_nonnull (cert);
      g_unlink (cert_path);
      g_unlink (key_path);
      g_rmdir (dir);
    }
  alice_path = tandem_msrp_relay_client_dup_advertised_path (alice_relay);
  alice = tandem_msrp_session_new (alice_uri, cert);
  bob = tandem_msrp_session_new (bob_uri, cert);
  tandem_msrp_session_set_own_path (alice, alice_path);
  tandem_msrp_relay_client_attach_session (alice_relay, alice);
  g_object_set (alice_relay, "refresh-interval", 300, NULL);
  g_signal_connect (alice_relay, "refreshed", G_CALLBACK (on_refreshed), &refreshed);

  if (bob_uses_relay)
    {
      bob_relay = relay_auth ("bob", "bob-pw", tls, bob_uri, &error);
      g_assert_no_error (error);
      bob_path = tandem_msrp_relay_client_dup_advertised_path (bob_relay);
      tandem_msrp_session_set_own_path (bob, bob_path);
      tandem_msrp_relay_client_attach_session (bob_relay, bob);
    }
  else
    bob_path = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_msrp_uri_free),
    g_ptr_array_add (bob_path, tandem_msrp_uri_copy (bob_uri));

  /* each side is given the other's a=path; the session puts its own
   * Use-Path in front */
  tandem_msrp_session_start_on_connection_async (alice, TANDEM_MSRP_SETUP_PASSIVE, bob_path,
                                                 tandem_msrp_relay_client_get_connection (alice_relay),
                                                 NULL, on_started, &w);
  if (bob_uses_relay)
    tandem_msrp_session_start_on_connection_async (bob, TANDEM_MSRP_SETUP_ACTIVE, alice_path,
                                                   tandem_msrp_relay_client_get_connection (bob_relay),
                                                   NULL, on_started, &w);
  else
    tandem_msrp_session_start_async (bob, TANDEM_MSRP_SETUP_ACTIVE, alice_path, NULL, NULL, on_started, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_test_message ("both sessions bound");

  /* alice answers back along the path bob's SENDs came in on */
  g_assert_cmpuint (tandem_msrp_session_get_max_chunk_size (bob), ==, TANDEM_MSRP_RELAY_CHUNK_SIZE);
  g_signal_connect (alice, "data-received", G_CALLBACK (on_rx), &rx_alice);
  g_signal_connect (bob, "data-received", G_CALLBACK (on_rx), &rx_bob);
  done = 1;
  sum_to_alice = send_random (bob, rx_alice.want, 1);
  g_main_loop_run (w.loop);
  done = 1;
  g_assert_cmpstr (sum_to_alice, ==, g_checksum_get_string (rx_alice.sum));
  /* back: with a relay on Bob's side too, through both reservations;
   * without, the relay forwards to Bob's URI over the connection Bob
   * opened to it (RFC 4976: the last hop is reached over an existing
   * connection or a new one) */
  sum_to_bob = send_random (alice, rx_bob.want, 2);
  g_main_loop_run (w.loop);
  g_assert_cmpstr (sum_to_bob, ==, g_checksum_get_string (rx_bob.sum));

  g_test_message ("data exchanged");
  /* the reservation was refreshed through the running session */
  TANDEM_TEST_WAIT_UNTIL (refreshed >= 2, 60000);
  g_assert_cmpint (refreshed, >=, 2);

  g_checksum_free (rx_alice.sum);
  g_checksum_free (rx_bob.sum);
  tandem_msrp_session_close (alice);
  tandem_msrp_session_close (bob);
  g_object_unref (alice);
  g_object_unref (bob);
  g_main_loop_unref (w.loop);
}

static void
test_relay_one_side (void)
{
  run_relay_session (FALSE, FALSE);
}

static void
test_relay_both_sides (void)
{
  run_relay_session (TRUE, FALSE);
}

static void
test_relay_tls (void)
{
  run_relay_session (TRUE, TRUE);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);
  g_test_add_func ("/msrp/relay/discovery", test_discovery);
  g_test_add_func ("/msrp/relay/auth", test_auth);
  g_test_add_func ("/msrp/relay/auth-refused", test_auth_refused);
  g_test_add_func ("/msrp/relay/one-side", test_relay_one_side);
  g_test_add_func ("/msrp/relay/both-sides", test_relay_both_sides);
  g_test_add_func ("/msrp/relay/tls", test_relay_tls);
  ret = g_test_run ();
  tandem_test_kamailio_stop (world);
  return ret;
}
