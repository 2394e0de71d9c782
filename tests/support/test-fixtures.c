/* test-fixtures.c: the kamailio and Xvfb fixtures do what the suite needs.
 *
 * Raw SIP over UDP and raw MSRP over TCP against a started fixture:
 * registration with digest auth, presence, the MSRP relay; then Xvfb, and
 * clean stops.  Every wait is bounded; all traffic stays on 127.0.0.1.
 */
#define G_LOG_DOMAIN "test-fixtures"

#include "tandem-test-kamailio.h"
#include "tandem-test-process.h"
#include "tandem-test-xvfb.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WAIT_MS 5000

static TandemTestKamailio *world;

static TandemTestKamailio *
get_world (void)
{
  g_autoptr(GError) error = NULL;

  if (world == NULL)
    world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);
  return world;
}

/* ---- message helpers (SIP and MSRP share the header syntax) ---- */

/* First value of header @name (case-insensitive), or NULL. */
static char *
msg_header (const char *msg,
            const char *name)
{
  g_auto(GStrv) lines = g_strsplit (msg, "\r\n", -1);
  gsize name_len = strlen (name);

  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      if (g_str_has_prefix (lines[i], "-------"))
        break;
      if (g_ascii_strncasecmp (lines[i], name, name_len) == 0 &&
          lines[i][name_len] == ':')
        return g_strstrip (g_strdup (lines[i] + name_len + 1));
    }
  return NULL;
}

static const char *
msg_body (const char *msg)
{
  const char *p = strstr (msg, "\r\n\r\n");

  return p != NULL ? p + 4 : "";
}

/* "SIP/2.0 401 ..." or "MSRP tid 401 ..." -> 401; requests -> 0 */
static int
msg_status (const char *msg)
{
  g_auto(GStrv) words = g_strsplit (msg, " ", 4);

  if (g_strv_length (words) < 3)
    return 0;
  if (g_str_equal (words[0], "SIP/2.0"))
    return atoi (words[1]);
  if (g_str_equal (words[0], "MSRP") && g_ascii_isdigit (words[2][0]))
    return atoi (words[2]);
  return 0;
}

static char *
md5_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);
}

/* One parameter of a "Digest k=v, k2="v2"" challenge. */
static char *
auth_param (const char *challenge,
            const char *key)
{
  const char *p = challenge;

  if (g_ascii_strncasecmp (p, "Digest ", 7) == 0)
    p += 7;
  while (*p != '\0')
    {
      const char *k, *v;
      gsize klen, vlen;

      while (*p == ' ' || *p == ',')
        p++;
      k = p;
      while (*p != '\0' && *p != '=')
        p++;
      if (*p == '\0')
        break;
      klen = p++ - k;
      if (*p == '"')
        {
          v = ++p;
          while (*p != '\0' && *p != '"')
            p++;
          vlen = p - v;
          if (*p == '"')
            p++;
        }
      else
        {
          v = p;
          while (*p != '\0' && *p != ',')
            p++;
          vlen = p - v;
        }
      if (klen == strlen (key) && g_ascii_strncasecmp (k, key, klen) == 0)
        return g_strndup (v, vlen);
    }
  return NULL;
}

/* RFC 2617 digest credentials answering @challenge. */
static char *
digest_credentials (const char *challenge,
                    const char *user,
                    const char *password,
                    const char *method,
                    const char *uri)
{
  g_autofree char *realm = auth_param (challenge, "realm");
  g_autofree char *nonce = auth_param (challenge, "nonce");
  g_autofree char *qop = auth_param (challenge, "qop");
  g_autofree char *opaque = auth_param (challenge, "opaque");
  g_autofree char *a1 = g_strdup_printf ("%s:%s:%s", user, realm, password);
  g_autofree char *a2 = g_strdup_printf ("%s:%s", method, uri);
  g_autofree char *ha1 = md5_hex (a1);
  g_autofree char *ha2 = md5_hex (a2);
  g_autofree char *cnonce = g_strdup_printf ("%08x", g_random_int ());
  g_autofree char *kd = NULL, *response = NULL;
  GString *out;

  g_assert_nonnull (realm);
  g_assert_nonnull (nonce);
  if (qop != NULL)
    kd = g_strdup_printf ("%s:%s:00000001:%s:auth:%s", ha1, nonce, cnonce, ha2);
  else
    kd = g_strdup_printf ("%s:%s:%s", ha1, nonce, ha2);
  response = md5_hex (kd);

  out = g_string_new (NULL);
  g_string_append_printf (out, "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", "
                          "uri=\"%s\", response=\"%s\", algorithm=MD5",
                          user, realm, nonce, uri, response);
  if (qop != NULL)
    g_string_append_printf (out, ", qop=auth, nc=00000001, cnonce=\"%s\"", cnonce);
  if (opaque != NULL)
    g_string_append_printf (out, ", opaque=\"%s\"", opaque);
  return g_string_free (out, FALSE);
}

static GSocketAddress *
loopback_address (guint16 port)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);

  return g_inet_socket_address_new (lo, port);
}

static guint16
local_port (GSocket *sock)
{
  g_autoptr(GSocketAddress) addr = g_socket_get_local_address (sock, NULL);

  g_assert_nonnull (addr);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (addr));
}

/* ---- a minimal SIP UA over UDP ---- */

typedef struct
{
  GSocket   *sock;
  guint16    port;
  char      *user;
  char      *password;
  char      *call_id;
  guint      cseq;
  GPtrArray *requests; /* requests received while waiting for responses */
} SipUa;

static SipUa *
sip_ua_new (const char *user,
            const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) any = loopback_address (0);
  SipUa *ua = g_new0 (SipUa, 1);

  ua->sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                           G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_socket_bind (ua->sock, any, FALSE, &error);
  g_assert_no_error (error);
  ua->port = local_port (ua->sock);
  ua->user = g_strdup (user);
  ua->password = g_strdup (password);
  ua->call_id = g_strdup_printf ("%08x%08x@127.0.0.1", g_random_int (), g_random_int ());
  ua->requests = g_ptr_array_new_with_free_func (g_free);
  return ua;
}

static void
sip_ua_free (SipUa *ua)
{
  g_object_unref (ua->sock);
  g_free (ua->user);
  g_free (ua->password);
  g_free (ua->call_id);
  g_ptr_array_unref (ua->requests);
  g_free (ua);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SipUa, sip_ua_free)

static void
sip_send_raw (SipUa      *ua,
              const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) to = loopback_address (tandem_test_kamailio_get_sip_port (get_world ()));

  g_socket_send_to (ua->sock, to, text, strlen (text), NULL, &error);
  g_assert_no_error (error);
}

/* Next datagram, or NULL after @timeout_ms. */
static char *
sip_receive (SipUa *ua,
             guint  timeout_ms)
{
  g_autoptr(GError) error = NULL;
  char buf[65536];
  gssize n;

  if (!g_socket_condition_timed_wait (ua->sock, G_IO_IN, (gint64) timeout_ms * 1000,
                                      NULL, NULL))
    return NULL;
  n = g_socket_receive (ua->sock, buf, sizeof buf - 1, NULL, &error);
  g_assert_no_error (error);
  buf[n] = '\0';
  return g_strdup (buf);
}

/* 200 OK to a request from the server (NOTIFY): Via, From, To, Call-ID
 * and CSeq copied. */
static void
sip_answer_ok (SipUa      *ua,
               const char *request)
{
  g_auto(GStrv) lines = g_strsplit (request, "\r\n", -1);
  GString *reply = g_string_new ("SIP/2.0 200 OK\r\n");

  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      const char *copied[] = { "Via:", "From:", "To:", "Call-ID:", "CSeq:" };

      for (guint j = 0; j < G_N_ELEMENTS (copied); j++)
        if (g_ascii_strncasecmp (lines[i], copied[j], strlen (copied[j])) == 0)
          g_string_append_printf (reply, "%s\r\n", lines[i]);
    }
  g_string_append (reply, "Content-Length: 0\r\n\r\n");
  sip_send_raw (ua, reply->str);
  g_string_free (reply, TRUE);
}

/* Sends a request; returns its CSeq number. */
static guint
sip_send_request (SipUa      *ua,
                  const char *method,
                  const char *ruri,
                  const char *to,
                  const char *headers,
                  const char *body,
                  const char *authorization)
{
  g_autofree char *text = NULL;

  ua->cseq++;
  text = g_strdup_printf ("%s %s SIP/2.0\r\n"
                          "Via: SIP/2.0/UDP 127.0.0.1:%u;rport;branch=z9hG4bK%08x%08x\r\n"
                          "Max-Forwards: 70\r\n"
                          "From: <sip:%s@" TANDEM_TEST_DOMAIN ">;tag=%s-tag\r\n"
                          "To: <%s>\r\n"
                          "Call-ID: %s\r\n"
                          "CSeq: %u %s\r\n"
                          "Contact: <sip:%s@127.0.0.1:%u>\r\n"
                          "%s%s%s"
                          "Content-Length: %zu\r\n\r\n%s",
                          method, ruri, ua->port, g_random_int (), g_random_int (),
                          ua->user, ua->user, to, ua->call_id, ua->cseq, method,
                          ua->user, ua->port,
                          authorization ? authorization : "", authorization ? "\r\n" : "",
                          headers ? headers : "",
                          body ? strlen (body) : 0, body ? body : "");
  sip_send_raw (ua, text);
  return ua->cseq;
}

/* Final response to CSeq @cseq; requests arriving meanwhile are answered
 * 200 and kept in ua->requests. */
static char *
sip_wait_response (SipUa *ua,
                   guint  cseq)
{
  g_autofree char *want = g_strdup_printf ("%u ", cseq);
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *msg = sip_receive (ua, 200);
      g_autofree char *cseq_value = NULL;

      if (msg == NULL)
        continue;
      if (msg_status (msg) == 0)
        {
          sip_answer_ok (ua, msg);
          g_ptr_array_add (ua->requests, g_steal_pointer (&msg));
          continue;
        }
      cseq_value = msg_header (msg, "CSeq");
      if (cseq_value != NULL && g_str_has_prefix (cseq_value, want) &&
          msg_status (msg) >= 200)
        return g_steal_pointer (&msg);
    }
  g_test_message ("no response to CSeq %u within %d ms", cseq, WAIT_MS);
  return NULL;
}

/* Request, and once more with credentials if challenged; final response. */
static char *
sip_request (SipUa      *ua,
             const char *method,
             const char *ruri,
             const char *to,
             const char *headers,
             const char *body)
{
  g_autofree char *response = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *credentials = NULL;
  g_autofree char *authorization = NULL;
  int status;

  response = sip_wait_response (ua, sip_send_request (ua, method, ruri, to, headers,
                                                      body, NULL));
  g_assert_nonnull (response);
  status = msg_status (response);
  if (status != 401 && status != 407)
    return g_steal_pointer (&response);

  challenge = msg_header (response, status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate");
  g_assert_nonnull (challenge);
  credentials = digest_credentials (challenge, ua->user, ua->password, method, ruri);
  authorization = g_strdup_printf ("%s: %s", status == 401 ? "Authorization"
                                                           : "Proxy-Authorization",
                                   credentials);
  g_clear_pointer (&response, g_free);
  response = sip_wait_response (ua, sip_send_request (ua, method, ruri, to, headers,
                                                      body, authorization));
  g_assert_nonnull (response);
  return g_steal_pointer (&response);
}

/* A queued or newly arriving request of @method whose text contains
 * @needle; NULL after WAIT_MS. */
static char *
sip_wait_request (SipUa      *ua,
                  const char *method,
                  const char *needle)
{
  g_autofree char *prefix = g_strdup_printf ("%s ", method);
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  for (;;)
    {
      g_autofree char *msg = NULL;

      for (guint i = 0; i < ua->requests->len; i++)
        {
          const char *r = g_ptr_array_index (ua->requests, i);

          if (g_str_has_prefix (r, prefix) && strstr (r, needle) != NULL)
            return g_ptr_array_steal_index (ua->requests, i);
        }
      if (g_get_monotonic_time () >= deadline)
        return NULL;
      msg = sip_receive (ua, 200);
      if (msg != NULL && msg_status (msg) == 0)
        {
          sip_answer_ok (ua, msg);
          g_ptr_array_add (ua->requests, g_steal_pointer (&msg));
        }
    }
}

/* ---- SIP tests ---- */

static void
test_register (void)
{
  TandemTestKamailio *k = get_world ();
  g_autoptr(SipUa) ua = sip_ua_new ("alice", tandem_test_kamailio_get_password ("alice"));
  const char *ruri = "sip:" TANDEM_TEST_DOMAIN;
  const char *aor = "sip:alice@" TANDEM_TEST_DOMAIN;
  g_autofree char *first = NULL, *second = NULL, *challenge = NULL;
  g_autofree char *credentials = NULL, *authorization = NULL, *contact = NULL;
  g_autofree char *expected = NULL;

  g_assert_cmpstr (tandem_test_kamailio_get_domain (k), ==, TANDEM_TEST_DOMAIN);

  first = sip_wait_response (ua, sip_send_request (ua, "REGISTER", ruri, aor,
                                                   "Expires: 60\r\n", NULL, NULL));
  g_assert_nonnull (first);
  g_assert_cmpint (msg_status (first), ==, 401);
  challenge = msg_header (first, "WWW-Authenticate");
  g_assert_nonnull (challenge);
  g_assert_true (g_str_has_prefix (challenge, "Digest "));
  g_assert_true (strstr (challenge, "realm=\"" TANDEM_TEST_DOMAIN "\"") != NULL);

  credentials = digest_credentials (challenge, "alice", "alice-pw", "REGISTER", ruri);
  authorization = g_strdup_printf ("Authorization: %s", credentials);
  second = sip_wait_response (ua, sip_send_request (ua, "REGISTER", ruri, aor,
                                                    "Expires: 60\r\n", NULL,
                                                    authorization));
  g_assert_nonnull (second);
  g_assert_cmpint (msg_status (second), ==, 200);
  contact = msg_header (second, "Contact");
  expected = g_strdup_printf ("<sip:alice@127.0.0.1:%u>", ua->port);
  g_assert_nonnull (contact);
  g_assert_true (g_str_has_prefix (contact, expected));

  /* unregister again */
  g_clear_pointer (&second, g_free);
  second = sip_request (ua, "REGISTER", ruri, aor, "Expires: 0\r\n", NULL);
  g_assert_cmpint (msg_status (second), ==, 200);
}

static void
test_register_wrong_password (void)
{
  g_autoptr(SipUa) ua = sip_ua_new ("alice", "not-alice-pw");
  g_autofree char *response = NULL;
  int status;

  response = sip_request (ua, "REGISTER", "sip:" TANDEM_TEST_DOMAIN,
                          "sip:alice@" TANDEM_TEST_DOMAIN, "Expires: 60\r\n", NULL);
  status = msg_status (response);
  g_assert_true (status == 401 || status == 403);
}

static void
test_presence (void)
{
  g_autoptr(SipUa) alice = sip_ua_new ("alice", tandem_test_kamailio_get_password ("alice"));
  g_autoptr(SipUa) bob = sip_ua_new ("bob", tandem_test_kamailio_get_password ("bob"));
  const char *alice_uri = "sip:alice@" TANDEM_TEST_DOMAIN;
  g_autofree char *note = g_strdup_printf ("tandem-note-%08x", g_random_int ());
  g_autofree char *pidf = NULL, *published = NULL, *subscribed = NULL;
  g_autofree char *notify = NULL, *content_type = NULL, *event = NULL;

  pidf = g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"%s\">"
                          "<tuple id=\"t1\"><status><basic>open</basic></status>"
                          "<note>%s</note></tuple></presence>\n", alice_uri, note);
  published = sip_request (alice, "PUBLISH", alice_uri, alice_uri,
                           "Event: presence\r\nExpires: 60\r\n"
                           "Content-Type: application/pidf+xml\r\n", pidf);
  g_assert_cmpint (msg_status (published), ==, 200);

  subscribed = sip_request (bob, "SUBSCRIBE", alice_uri, alice_uri,
                            "Event: presence\r\nExpires: 60\r\n"
                            "Accept: application/pidf+xml\r\n", NULL);
  g_assert_cmpint (msg_status (subscribed), >=, 200);
  g_assert_cmpint (msg_status (subscribed), <, 300);

  notify = sip_wait_request (bob, "NOTIFY", note);
  g_assert_nonnull (notify);
  event = msg_header (notify, "Event");
  content_type = msg_header (notify, "Content-Type");
  g_assert_cmpstr (event, ==, "presence");
  g_assert_cmpstr (content_type, ==, "application/pidf+xml");
  g_assert_nonnull (strstr (msg_body (notify), "<basic>open</basic>"));
  g_assert_nonnull (strstr (msg_body (notify), alice_uri));
}

/* ---- a minimal MSRP endpoint over TCP ---- */

typedef struct
{
  GSocket *sock;
  GString *in;
  char    *uri;      /* our own msrp:// URI */
  char    *use_path; /* from the relay's 200 to AUTH */
} MsrpPeer;

static MsrpPeer *
msrp_peer_new (guint16     relay_port,
               const char *session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) relay = loopback_address (relay_port);
  MsrpPeer *peer = g_new0 (MsrpPeer, 1);

  peer->sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                             G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (peer->sock, WAIT_MS / 1000);
  g_socket_connect (peer->sock, relay, NULL, &error);
  g_assert_no_error (error);
  peer->in = g_string_new (NULL);
  peer->uri = g_strdup_printf ("msrp://127.0.0.1:%u/%s;tcp", local_port (peer->sock), session);
  return peer;
}

static void
msrp_peer_free (MsrpPeer *peer)
{
  g_object_unref (peer->sock);
  g_string_free (peer->in, TRUE);
  g_free (peer->uri);
  g_free (peer->use_path);
  g_free (peer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsrpPeer, msrp_peer_free)

static void
msrp_write (MsrpPeer   *peer,
            const char *frame)
{
  g_autoptr(GError) error = NULL;
  gsize len = strlen (frame);
  gsize done = 0;

  while (done < len)
    {
      gssize n = g_socket_send (peer->sock, frame + done, len - done, NULL, &error);

      g_assert_no_error (error);
      done += n;
    }
}

/* Length of the first complete frame in @buf, or 0. */
static gsize
msrp_frame_length (const GString *buf)
{
  g_autofree char *end = NULL;
  const char *space, *hit;
  char *tid;

  if (!g_str_has_prefix (buf->str, "MSRP ") ||
      (space = strchr (buf->str + 5, ' ')) == NULL)
    return 0;
  tid = g_strndup (buf->str + 5, space - buf->str - 5);
  end = g_strdup_printf ("\r\n-------%s", tid);
  g_free (tid);
  hit = strstr (buf->str, end);
  if (hit == NULL || (gsize) (hit - buf->str) + strlen (end) + 3 > buf->len)
    return 0;
  return hit - buf->str + strlen (end) + 3; /* flag and CRLF */
}

/* Next frame, or NULL after WAIT_MS. */
static char *
msrp_read_frame (MsrpPeer *peer)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  gsize len;

  while ((len = msrp_frame_length (peer->in)) == 0)
    {
      char chunk[16384];
      gssize n;
      gint64 left = deadline - g_get_monotonic_time ();

      if (left <= 0 ||
          !g_socket_condition_timed_wait (peer->sock, G_IO_IN, left, NULL, NULL))
        return NULL;
      n = g_socket_receive (peer->sock, chunk, sizeof chunk, NULL, NULL);
      if (n <= 0)
        return NULL;
      g_string_append_len (peer->in, chunk, n);
    }
  {
    char *frame = g_strndup (peer->in->str, len);

    g_string_erase (peer->in, 0, len);
    return frame;
  }
}

static char *
msrp_auth_frame (MsrpPeer   *peer,
                 const char *tid,
                 const char *relay_uri,
                 const char *authorization)
{
  return g_strdup_printf ("MSRP %s AUTH\r\nTo-Path: %s\r\nFrom-Path: %s\r\n%s%s%s"
                          "-------%s$\r\n", tid, relay_uri, peer->uri,
                          authorization ? "Authorization: " : "",
                          authorization ? authorization : "",
                          authorization ? "\r\n" : "", tid);
}

/* AUTH -> 401 -> digest AUTH -> 200; checks each step, keeps Use-Path. */
static void
msrp_authenticate (MsrpPeer   *peer,
                   const char *user)
{
  TandemTestKamailio *k = get_world ();
  g_autofree char *relay_uri = tandem_test_kamailio_dup_msrp_relay_uri (k, FALSE);
  g_autofree char *auth1 = msrp_auth_frame (peer, "a1", relay_uri, NULL);
  g_autofree char *reply1 = NULL, *challenge = NULL, *credentials = NULL;
  g_autofree char *auth2 = NULL, *reply2 = NULL, *expires = NULL, *pattern = NULL;

  msrp_write (peer, auth1);
  reply1 = msrp_read_frame (peer);
  g_assert_nonnull (reply1);
  g_assert_true (g_str_has_prefix (reply1, "MSRP a1 401 "));
  challenge = msg_header (reply1, "WWW-Authenticate");
  g_assert_nonnull (challenge);
  g_assert_true (strstr (challenge, "realm=\"" TANDEM_TEST_DOMAIN "\"") != NULL);

  credentials = digest_credentials (challenge, user,
                                    tandem_test_kamailio_get_password (user),
                                    "AUTH", relay_uri);
  auth2 = msrp_auth_frame (peer, "a2", relay_uri, credentials);
  msrp_write (peer, auth2);
  reply2 = msrp_read_frame (peer);
  g_assert_nonnull (reply2);
  g_assert_true (g_str_has_prefix (reply2, "MSRP a2 200 "));

  peer->use_path = msg_header (reply2, "Use-Path");
  expires = msg_header (reply2, "Expires");
  g_assert_nonnull (peer->use_path);
  g_assert_nonnull (expires);
  g_assert_cmpint (atoi (expires), >, 0);
  pattern = g_strdup_printf ("^msrp://127\\.0\\.0\\.1:%u/[^;/ ]+;tcp$",
                             tandem_test_kamailio_get_msrp_port (k));
  g_assert_true (g_regex_match_simple (pattern, peer->use_path, 0, 0));
}

static char *
msrp_send_frame (const char *tid,
                 const char *to_path,
                 const char *from_path,
                 const char *body)
{
  gsize len = strlen (body);

  return g_strdup_printf ("MSRP %s SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\n"
                          "Message-ID: m-%s\r\nByte-Range: 1-%zu/%zu\r\n"
                          "Content-Type: text/plain\r\n\r\n%s\r\n-------%s$\r\n",
                          tid, to_path, from_path, tid, len, len, body, tid);
}

/* ---- MSRP tests ---- */

static void
test_msrp_auth (void)
{
  g_autoptr(MsrpPeer) peer = msrp_peer_new (tandem_test_kamailio_get_msrp_port (get_world ()),
                                            "auth-test");

  msrp_authenticate (peer, "carol");
  g_test_message ("Use-Path: %s", peer->use_path);
}

static void
test_msrp_relay (void)
{
  guint16 port = tandem_test_kamailio_get_msrp_port (get_world ());
  g_autoptr(MsrpPeer) alice = msrp_peer_new (port, "alice-session");
  g_autoptr(MsrpPeer) bob = msrp_peer_new (port, "bob-session");
  g_autofree char *to_path = NULL, *send = NULL, *got = NULL, *ack = NULL;
  g_autofree char *got_to = NULL, *got_from = NULL, *want_from = NULL;
  g_autofree char *back = NULL, *got_back = NULL, *back_from = NULL;

  msrp_authenticate (alice, "alice");
  msrp_authenticate (bob, "bob");
  g_assert_cmpstr (alice->use_path, !=, bob->use_path);

  /* Alice's relay, then Bob's path as his SDP would give it. */
  to_path = g_strdup_printf ("%s %s %s", alice->use_path, bob->use_path, bob->uri);
  send = msrp_send_frame ("s1", to_path, alice->uri, "hello bob");
  msrp_write (alice, send);

  got = msrp_read_frame (bob);
  g_assert_nonnull (got);
  g_assert_true (g_str_has_prefix (got, "MSRP s1 SEND\r\n"));
  got_to = msg_header (got, "To-Path");
  got_from = msg_header (got, "From-Path");
  want_from = g_strdup_printf ("%s %s %s", bob->use_path, alice->use_path, alice->uri);
  g_assert_cmpstr (got_to, ==, bob->uri);
  g_assert_cmpstr (got_from, ==, want_from);
  g_assert_true (g_str_has_prefix (msg_body (got), "hello bob\r\n-------s1$"));

  ack = msrp_read_frame (alice);
  g_assert_nonnull (ack);
  g_assert_true (g_str_has_prefix (ack, "MSRP s1 200 "));

  /* and back along the reversed From-Path */
  back = msrp_send_frame ("s2", got_from, bob->uri, "hello alice");
  msrp_write (bob, back);
  got_back = msrp_read_frame (alice);
  g_assert_nonnull (got_back);
  g_assert_true (g_str_has_prefix (got_back, "MSRP s2 SEND\r\n"));
  back_from = msg_header (got_back, "From-Path");
  g_assert_true (g_str_has_suffix (back_from, bob->uri));
  g_assert_true (g_str_has_prefix (msg_body (got_back), "hello alice\r\n"));
}

static void
test_msrp_frame_limit (void)
{
  guint16 port = tandem_test_kamailio_get_msrp_port (get_world ());
  g_autoptr(MsrpPeer) alice = msrp_peer_new (port, "big-alice");
  g_autoptr(MsrpPeer) bob = msrp_peer_new (port, "big-bob");
  g_autofree char *to_path = NULL, *body = NULL, *send = NULL, *reply = NULL;

  msrp_authenticate (alice, "alice");
  msrp_authenticate (bob, "bob");
  to_path = g_strdup_printf ("%s %s %s", alice->use_path, bob->use_path, bob->uri);

  /* 8 KiB bodies pass */
  body = g_strnfill (8192, 'x');
  send = msrp_send_frame ("b1", to_path, alice->uri, body);
  msrp_write (alice, send);
  reply = msrp_read_frame (bob);
  g_assert_nonnull (reply);
  g_assert_true (g_str_has_prefix (reply, "MSRP b1 SEND\r\n"));
  g_clear_pointer (&reply, g_free);
  reply = msrp_read_frame (alice);
  g_assert_true (g_str_has_prefix (reply, "MSRP b1 200 "));

  /* frames of 11239 bytes and more are refused by this relay */
  g_clear_pointer (&body, g_free);
  g_clear_pointer (&send, g_free);
  g_clear_pointer (&reply, g_free);
  body = g_strnfill (12000, 'y');
  send = msrp_send_frame ("b2", to_path, alice->uri, body);
  msrp_write (alice, send);
  reply = msrp_read_frame (alice);
  g_assert_nonnull (reply);
  g_assert_true (g_str_has_prefix (reply, "MSRP b2 413 "));
}

/* ---- TLS ---- */

/* TLS connection to @port, validated against the fixture's certificate
 * (server identity 127.0.0.1); sends @request, returns the first reply. */
static char *
tls_exchange (guint16     port,
              const char *request)
{
  TandemTestKamailio *k = get_world ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) tcp = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GTlsDatabase) db = NULL;
  g_autoptr(GSocketConnectable) identity = g_network_address_new ("127.0.0.1", port);
  char reply[4096];
  gssize n;

  g_socket_client_set_timeout (client, WAIT_MS / 1000);
  tcp = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  db = g_tls_file_database_new (tandem_test_kamailio_get_cert_file (k), &error);
  g_assert_no_error (error);
  tls = g_tls_client_connection_new (G_IO_STREAM (tcp), identity, &error);
  g_assert_no_error (error);
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), db);
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);

  g_output_stream_write_all (g_io_stream_get_output_stream (tls), request,
                             strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  n = g_input_stream_read (g_io_stream_get_input_stream (tls), reply,
                           sizeof reply - 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 0);
  reply[n] = '\0';
  return g_strdup (reply);
}

static void
test_tls (void)
{
  TandemTestKamailio *k = get_world ();
  guint16 sip_tls = tandem_test_kamailio_get_tls_port (k);
  guint16 msrp_tls = tandem_test_kamailio_get_msrp_tls_port (k);
  g_autofree char *relay = tandem_test_kamailio_dup_msrp_relay_uri (k, TRUE);
  g_autofree char *options = NULL, *auth = NULL, *reply = NULL, *challenge = NULL;

  options = g_strdup_printf ("OPTIONS sip:127.0.0.1:%u;transport=tls SIP/2.0\r\n"
                             "Via: SIP/2.0/TLS 127.0.0.1:9;branch=z9hG4bK-tls-test\r\n"
                             "Max-Forwards: 70\r\n"
                             "From: <sip:alice@" TANDEM_TEST_DOMAIN ">;tag=t\r\n"
                             "To: <sip:127.0.0.1:%u>\r\n"
                             "Call-ID: tls-test\r\nCSeq: 1 OPTIONS\r\n"
                             "Content-Length: 0\r\n\r\n", sip_tls, sip_tls);
  reply = tls_exchange (sip_tls, options);
  g_assert_cmpint (msg_status (reply), ==, 200);

  g_clear_pointer (&reply, g_free);
  auth = g_strdup_printf ("MSRP t1 AUTH\r\nTo-Path: %s\r\n"
                          "From-Path: msrps://127.0.0.1:9/tls-test;tcp\r\n"
                          "-------t1$\r\n", relay);
  reply = tls_exchange (msrp_tls, auth);
  g_assert_true (g_str_has_prefix (reply, "MSRP t1 401 "));
  challenge = msg_header (reply, "WWW-Authenticate");
  g_assert_nonnull (challenge);
}

/* ---- lifecycle ---- */

/* Is any process's command line mentioning @needle (but not us)? */
static gboolean
process_mentions (const char *needle)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  gboolean found = FALSE;

  g_assert_nonnull (proc);
  while (!found && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL, *cmdline = NULL;
      gsize len = 0;

      if (!g_ascii_isdigit (name[0]) || atoi (name) == getpid ())
        continue;
      path = g_build_filename ("/proc", name, "cmdline", NULL);
      if (!g_file_get_contents (path, &cmdline, &len, NULL))
        continue;
      for (gsize i = 0; i + 1 < len; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      found = strstr (cmdline, needle) != NULL;
    }
  return found;
}

static void
test_kamailio_parallel_and_stop (void)
{
  g_autoptr(GError) error = NULL;
  TandemTestKamailio *a = tandem_test_kamailio_start (&error);
  TandemTestKamailio *b;
  g_autofree char *dir_a = NULL, *dir_b = NULL;
  GPid pid_a, pid_b;

  g_assert_no_error (error);
  b = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);

  g_assert_cmpuint (tandem_test_kamailio_get_sip_port (a), !=,
                    tandem_test_kamailio_get_sip_port (b));
  g_assert_cmpuint (tandem_test_kamailio_get_msrp_port (a), !=,
                    tandem_test_kamailio_get_msrp_port (b));
  g_assert_cmpstr (tandem_test_kamailio_get_dir (a), !=, tandem_test_kamailio_get_dir (b));
  g_assert_true (g_file_test (tandem_test_kamailio_get_cert_file (a), G_FILE_TEST_EXISTS));

  dir_a = g_strdup (tandem_test_kamailio_get_dir (a));
  dir_b = g_strdup (tandem_test_kamailio_get_dir (b));
  pid_a = tandem_test_kamailio_get_pid (a);
  pid_b = tandem_test_kamailio_get_pid (b);
  g_assert_true (process_mentions (dir_a));

  tandem_test_kamailio_stop (a);
  g_assert_false (process_mentions (dir_a));
  g_assert_false (tandem_test_process_group_alive (pid_a));
  if (g_getenv ("TANDEM_TEST_KEEP_DIRS") == NULL)
    g_assert_false (g_file_test (dir_a, G_FILE_TEST_EXISTS));
  g_assert_true (process_mentions (dir_b));

  tandem_test_kamailio_stop (b);
  g_assert_false (process_mentions (dir_b));
  g_assert_false (tandem_test_process_group_alive (pid_b));
  if (g_getenv ("TANDEM_TEST_KEEP_DIRS") == NULL)
    g_assert_false (g_file_test (dir_b, G_FILE_TEST_EXISTS));
}

static void
test_xvfb (void)
{
  g_autoptr(GError) error = NULL;
  TandemTestXvfb *x = tandem_test_xvfb_start (0, 0, &error);
  g_autofree char *socket_path = NULL, *xdpyinfo = NULL, *out = NULL;
  g_autofree char *lock_path = NULL, *lock = NULL;
  GPid pid;

  g_assert_no_error (error);
  g_assert_cmpint (tandem_test_xvfb_get_width (x), ==, 1280);
  g_assert_cmpint (tandem_test_xvfb_get_height (x), ==, 800);
  g_assert_true (g_str_has_prefix (tandem_test_xvfb_get_display (x), ":"));
  socket_path = g_strdup_printf ("/tmp/.X11-unix/X%d", tandem_test_xvfb_get_number (x));
  g_assert_true (g_file_test (socket_path, G_FILE_TEST_EXISTS));
  pid = tandem_test_xvfb_get_pid (x);

  xdpyinfo = g_find_program_in_path ("xdpyinfo");
  if (xdpyinfo != NULL)
    {
      const char *argv[] = { xdpyinfo, "-display", tandem_test_xvfb_get_display (x), NULL };
      int status = -1;

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                    &out, NULL, &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (out, "1280x800 pixels"));
      g_assert_nonnull (strstr (out, "XTEST"));
      g_assert_nonnull (strstr (out, "DAMAGE"));
    }
  else
    {
      g_test_message ("xdpyinfo not installed; checked the socket only");
    }

  lock_path = g_strdup_printf ("/tmp/.X%d-lock", tandem_test_xvfb_get_number (x));
  tandem_test_xvfb_stop (x);
  g_assert_true (kill (pid, 0) == -1 && errno == ESRCH);
  /* the display is released (a parallel test may already own it again) */
  if (g_file_get_contents (lock_path, &lock, NULL, NULL))
    g_assert_cmpint (atoi (lock), !=, pid);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fixtures/sip/register", test_register);
  g_test_add_func ("/fixtures/sip/register-wrong-password", test_register_wrong_password);
  g_test_add_func ("/fixtures/sip/presence", test_presence);
  g_test_add_func ("/fixtures/msrp/auth", test_msrp_auth);
  g_test_add_func ("/fixtures/msrp/relay", test_msrp_relay);
  g_test_add_func ("/fixtures/msrp/frame-limit", test_msrp_frame_limit);
  g_test_add_func ("/fixtures/tls", test_tls);
  g_test_add_func ("/fixtures/kamailio/parallel-and-stop", test_kamailio_parallel_and_stop);
  g_test_add_func ("/fixtures/xvfb", test_xvfb);

  ret = g_test_run ();
  g_clear_pointer (&world, tandem_test_kamailio_stop);
  return ret;
}
