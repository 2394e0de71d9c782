/* test-share-media.c: TandemShareMedia, two of them in one process, the
 * SDP exchanged as strings as SIP carries it: both VNC roles, TCP and
 * TLS, direct and through the kamailio MSRP relay (explicit and
 * discovered), relay AUTH failure, a tampered fingerprint, the ways a
 * session ends (close, the VNC side, the peer, a cut connection), TCP
 * keepalive settings, and no file descriptor left open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-share-media"

#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "tandem-msrp-uri.h"
#include "tandem-msrp-error.h"
#include "tandem-share-media.h"
#include "tandem-share-sdp.h"
#include "tandem-test-fds.h"
#include "tandem-test-kamailio.h"
#include "tandem-test-resolver.h"
#include "tandem-test-wait.h"
#include "tandem-tls-identity.h"

#define WAIT_UNTIL(cond, ms) TANDEM_TEST_WAIT_UNTIL (cond, ms)
#define LONG_MS 60000
#define MISMATCH "The peer's certificate does not match the fingerprint it advertised"

static TandemTestKamailio *world;
static GTlsCertificate *cert[2];
static char *cert_dir[2];

/* ---- file descriptors ------------------------------------------------------ */


static void
assert_no_fd_leak (int before)
{
  int after;

  WAIT_UNTIL (tandem_test_count_fds () <= before, 10000);
  after = tandem_test_count_fds ();
  g_assert_cmpint (after, <=, before);
}

/* ---- one side ---------------------------------------------------------------- */

typedef struct {
  int        fd;
  guint8    *out;
  gsize      out_len;
  gsize      out_off;
  GChecksum *in_sum;
  gsize      in_len;
  guint      out_id;
  guint      in_id;
  gboolean   in_eof;
} Pump;

typedef struct {
  const char       *name;
  TandemShareMedia *media;
  guint             connected;
  guint             ended;
  char             *message;
  int               fd;
  gboolean          prepare_done;
  GError           *prepare_error;
  Pump              pump;
} Side;

static void
on_connected (TandemShareMedia *media,
              gpointer          user_data)
{
  Side *s = user_data;

  s->connected++;
  s->fd = tandem_share_media_steal_vnc_fd (media);
  g_assert_cmpint (s->fd, >=, 0);
  g_assert_cmpint (tandem_share_media_steal_vnc_fd (media), ==, -1);
}

static void
on_ended (TandemShareMedia *media,
          const char       *message,
          gpointer          user_data)
{
  Side *s = user_data;

  s->ended++;
  g_free (s->message);
  s->message = g_strdup (message);
  g_test_message ("%s ended: %s", s->name, message != NULL ? message : "(clean)");
}

static TandemShareMediaOptions
options_for (int who,
             gboolean tls)
{
  TandemShareMediaOptions o = { 0 };

  o.tls = tls;
  o.certificate = tls ? cert[who] : NULL;
  o.local_address = "127.0.0.1";
  o.username = who == 0 ? "alice" : "bob";
  o.password = who == 0 ? "alice-pw" : "bob-pw";
  o.domain = TANDEM_TEST_DOMAIN;
  return o;
}

static void
side_init (Side                          *s,
           const char                    *name,
           const TandemShareMediaOptions *o)
{
  memset (s, 0, sizeof *s);
  s->name = name;
  s->fd = -1;
  s->pump.fd = -1;
  s->media = tandem_share_media_new (o);
  g_signal_connect (s->media, "connected", G_CALLBACK (on_connected), s);
  g_signal_connect (s->media, "ended", G_CALLBACK (on_ended), s);
}

static void
on_prepared (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Side *s = user_data;

  tandem_share_media_prepare_finish (TANDEM_SHARE_MEDIA (source), result, &s->prepare_error);
  s->prepare_done = TRUE;
}

static void
side_prepare_async (Side *s)
{
  tandem_share_media_prepare_async (s->media, NULL, on_prepared, s);
}

static void
side_prepare (Side *s)
{
  side_prepare_async (s);
  WAIT_UNTIL (s->prepare_done, LONG_MS);
  g_assert_true (s->prepare_done);
  g_assert_no_error (s->prepare_error);
}

static void
pump_stop (Pump *p)
{
  g_clear_handle_id (&p->out_id, g_source_remove);
  g_clear_handle_id (&p->in_id, g_source_remove);
  g_clear_pointer (&p->out, g_free);
  g_clear_pointer (&p->in_sum, g_checksum_free);
}

static void
side_clear (Side *s)
{
  pump_stop (&s->pump);
  if (s->fd >= 0)
    close (s->fd);
  s->fd = -1;
  g_clear_object (&s->media);
  g_clear_pointer (&s->message, g_free);
  g_clear_error (&s->prepare_error);
}

/* ---- SDP as SIP carries it ------------------------------------------------- */

static char *
sdp_text (const TandemShareSdp *sdp)
{
  return tandem_share_sdp_to_string (sdp, g_get_real_time (), 1, "Tandem test");
}

static TandemShareSdp *
sdp_parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  TandemShareSdp *sdp = tandem_share_sdp_parse (text, &error);

  g_assert_no_error (error);
  return sdp;
}

/* Flips the first hex digit of the a=fingerprint value. */
static void
tamper_fingerprint (char *text)
{
  char *fp = strstr (text, "a=fingerprint:sha-256 ");

  g_assert_nonnull (fp);
  fp += strlen ("a=fingerprint:sha-256 ");
  *fp = *fp == '0' ? '1' : '0';
}

static char *
replace (const char *text,
         const char *old,
         const char *new)
{
  g_auto(GStrv) parts = g_strsplit (text, old, -1);

  g_assert_cmpuint (g_strv_length (parts), >=, 2);
  return g_strjoinv (new, parts);
}

typedef struct {
  gboolean tamper_offer;
  gboolean tamper_answer;
  gboolean offer_setup_active;   /* the answerer then waits: the offerer connects */
  guint16  forward_port;         /* the answerer connects here instead */
} Edits;

/* Offer from @a, answer from @b, both started; returns after start. */
static void
negotiate (Side           *a,
           Side           *b,
           TandemRfbSetup  offer_role,
           const Edits    *edits)
{
  g_autoptr(TandemShareSdp) offer = tandem_share_media_create_offer (a->media, offer_role);
  g_autofree char *offer_text = sdp_text (offer);
  g_autoptr(TandemShareSdp) offer_in = NULL;
  g_autoptr(TandemShareSdp) answer = NULL;
  g_autofree char *answer_text = NULL;
  g_autoptr(TandemShareSdp) answer_in = NULL;
  g_autoptr(GError) error = NULL;

  if (edits != NULL && edits->tamper_offer)
    tamper_fingerprint (offer_text);
  if (edits != NULL && edits->offer_setup_active)
    {
      char *t = replace (offer_text, "a=setup:actpass", "a=setup:active");

      g_free (offer_text);
      offer_text = t;
    }
  if (edits != NULL && edits->forward_port != 0)
    {
      TandemMsrpUri *first = g_ptr_array_index (offer->path, 0);
      g_autofree char *old = g_strdup_printf ("127.0.0.1:%u/", first->port);
      g_autofree char *new = g_strdup_printf ("127.0.0.1:%u/", edits->forward_port);
      char *t = replace (offer_text, old, new);

      g_free (offer_text);
      offer_text = t;
    }
  g_test_message ("offer:\n%s", offer_text);
  offer_in = sdp_parse (offer_text);
  answer = tandem_share_media_create_answer (b->media, offer_in, &error);
  g_assert_no_error (error);
  answer_text = sdp_text (answer);
  if (edits != NULL && edits->tamper_answer)
    tamper_fingerprint (answer_text);
  g_test_message ("answer:\n%s", answer_text);
  answer_in = sdp_parse (answer_text);

  /* as SIP goes: the answerer starts when it sends the 200 OK, the
   * offerer when it gets it */
  g_assert_true (tandem_share_media_start (b->media, offer_in, &error));
  g_assert_no_error (error);
  /* the 200 OK takes a while: the answerer's connection or bind waits */
  {
    gboolean never = FALSE;

    WAIT_UNTIL (never, 100);
  }
  g_assert_true (tandem_share_media_start (a->media, answer_in, &error));
  g_assert_no_error (error);
}

static void
wait_connected (Side *a,
                Side *b)
{
  WAIT_UNTIL ((a->connected && b->connected) || a->ended || b->ended, LONG_MS);
  g_assert_cmpstr (a->message, ==, NULL);
  g_assert_cmpstr (b->message, ==, NULL);
  g_assert_cmpuint (a->ended, ==, 0);
  g_assert_cmpuint (b->ended, ==, 0);
  g_assert_cmpuint (a->connected, ==, 1);
  g_assert_cmpuint (b->connected, ==, 1);
  g_assert_true (tandem_share_media_is_connected (a->media));
  g_assert_true (tandem_share_media_is_connected (b->media));
}

/* ---- data through the VNC fds ---------------------------------------------- */

static gboolean
on_pump_writable (int          fd,
                  GIOCondition condition,
                  gpointer     user_data)
{
  Pump *p = user_data;

  while (p->out_off < p->out_len)
    {
      ssize_t n = send (fd, p->out + p->out_off, MIN (65536, p->out_len - p->out_off), MSG_NOSIGNAL);

      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return G_SOURCE_CONTINUE;
      if (n < 0)
        break;
      p->out_off += n;
    }
  p->out_id = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
on_pump_readable (int          fd,
                  GIOCondition condition,
                  gpointer     user_data)
{
  Pump *p = user_data;
  guint8 buf[65536];
  ssize_t n = recv (fd, buf, sizeof buf, 0);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      p->in_eof = TRUE;
      p->in_id = 0;
      return G_SOURCE_REMOVE;
    }
  g_checksum_update (p->in_sum, buf, n);
  p->in_len += n;
  return G_SOURCE_CONTINUE;
}

static char *
random_data (guint8  **data,
             gsize     len,
             guint64   seed)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 *d = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      d[i] = seed >> 56;
    }
  g_checksum_update (sum, d, len);
  *data = d;
  return g_strdup (g_checksum_get_string (sum));
}

/* Starts reading s's VNC fd (checksummed). */
static void
pump_read (Side *s)
{
  Pump *p = &s->pump;

  g_assert_cmpint (s->fd, >=, 0);
  g_unix_set_fd_nonblocking (s->fd, TRUE, NULL);
  p->fd = s->fd;
  p->in_sum = g_checksum_new (G_CHECKSUM_SHA256);
  p->in_len = 0;
  p->in_id = g_unix_fd_add (s->fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_pump_readable, p);
}

/* Starts writing @len random bytes to s's VNC fd; returns their
 * checksum. */
static char *
pump_write (Side   *s,
            gsize   len,
            guint64 seed)
{
  Pump *p = &s->pump;
  char *sum = random_data (&p->out, len, seed);

  p->out_len = len;
  p->out_off = 0;
  p->out_id = g_unix_fd_add (s->fd, G_IO_OUT, on_pump_writable, p);
  return sum;
}

/* a -> b @a_len bytes and b -> a @b_len, checked; at the same time, or
 * one direction after the other (see test_data()). */
static void
exchange_full (Side     *a,
               Side     *b,
               gsize     a_len,
               gsize     b_len,
               gboolean  one_way_at_a_time)
{
  g_autofree char *sum_a = NULL;
  g_autofree char *sum_b = NULL;

  pump_read (a);
  pump_read (b);
  sum_a = pump_write (a, a_len, 1);
  if (one_way_at_a_time)
    {
      WAIT_UNTIL (b->pump.in_len >= a_len || a->ended || b->ended, LONG_MS);
      g_assert_cmpuint (b->pump.in_len, ==, a_len);
    }
  sum_b = pump_write (b, b_len, 2);

  WAIT_UNTIL ((b->pump.in_len >= a_len && a->pump.in_len >= b_len) || a->ended || b->ended, LONG_MS);
  g_assert_cmpuint (a->ended, ==, 0);
  g_assert_cmpuint (b->ended, ==, 0);
  g_assert_cmpuint (b->pump.in_len, ==, a_len);
  g_assert_cmpuint (a->pump.in_len, ==, b_len);
  g_assert_cmpstr (g_checksum_get_string (b->pump.in_sum), ==, sum_a);
  g_assert_cmpstr (g_checksum_get_string (a->pump.in_sum), ==, sum_b);
  g_assert_cmpuint (tandem_share_media_get_bytes_sent (a->media), ==, a_len);
  g_assert_cmpuint (tandem_share_media_get_bytes_received (b->media), ==, a_len);
  g_assert_cmpuint (tandem_share_media_get_bytes_sent (b->media), ==, b_len);
  g_assert_cmpuint (tandem_share_media_get_bytes_received (a->media), ==, b_len);
  pump_stop (&a->pump);
  pump_stop (&b->pump);
}

static void
exchange (Side  *a,
          Side  *b,
          gsize  a_len,
          gsize  b_len)
{
  exchange_full (a, b, a_len, b_len, FALSE);
}

/* Closes @a; both end cleanly, @b within 2 s. */
static void
close_and_check (Side *a,
                 Side *b)
{
  tandem_share_media_close (a->media);
  g_assert_cmpuint (a->ended, ==, 1);
  g_assert_null (a->message);
  WAIT_UNTIL (b->ended, 2000);
  g_assert_cmpuint (b->ended, ==, 1);
  g_assert_null (b->message);
}

/* ---- data: both roles, TCP and TLS, direct and relayed ---------------------- */

typedef struct {
  gboolean       tls;
  TandemRfbSetup offer_role;
  const char    *relay_a;        /* NULL: direct; "kamailio": the fixture's */
  const char    *relay_b;
  gboolean       offerer_connects;
  gboolean       default_address; /* local_address NULL */
} DataCase;

static char *
fixture_relay (const char *setting,
               gboolean    tls)
{
  if (setting == NULL)
    return NULL;
  if (strcmp (setting, "kamailio") == 0)
    return tandem_test_kamailio_dup_msrp_relay_uri (world, tls);
  return g_strdup (setting);
}

static void
test_data (gconstpointer data)
{
  const DataCase *c = data;
  int fds = tandem_test_count_fds ();
  g_autoptr(GTlsDatabase) db = NULL;
  g_autofree char *relay_a = fixture_relay (c->relay_a, c->tls);
  g_autofree char *relay_b = fixture_relay (c->relay_b, c->tls);
  TandemShareMediaOptions oa = options_for (0, c->tls);
  TandemShareMediaOptions ob = options_for (1, c->tls);
  Edits edits = { .offer_setup_active = c->offerer_connects };
  Side a, b;

  if (c->tls && (relay_a != NULL || relay_b != NULL))
    db = g_tls_file_database_new (tandem_test_kamailio_get_cert_file (world), NULL);
  oa.relay = relay_a;
  ob.relay = relay_b;
  if (c->default_address)
    oa.local_address = ob.local_address = NULL;
  oa.relay_database = ob.relay_database = db;
  side_init (&a, "offerer", &oa);
  side_init (&b, "answerer", &ob);
  side_prepare (&a);
  side_prepare (&b);
  g_assert_cmpint (tandem_share_media_is_relayed (a.media), ==, relay_a != NULL);
  g_assert_cmpint (tandem_share_media_is_relayed (b.media), ==, relay_b != NULL);
  g_assert_cmpint (tandem_share_media_get_role (a.media), ==, TANDEM_RFB_SETUP_UNSET);

  negotiate (&a, &b, c->offer_role, &edits);
  g_assert_cmpint (tandem_share_media_get_role (a.media), ==, c->offer_role);
  g_assert_cmpint (tandem_share_media_get_role (b.media), ==,
                   c->offer_role == TANDEM_RFB_SETUP_PASSIVE ? TANDEM_RFB_SETUP_ACTIVE
                                                             : TANDEM_RFB_SETUP_PASSIVE);
  wait_connected (&a, &b);
  /* Through the relay one direction at a time: kamailio has no flow
   * control; it queues what the receiver does not take yet (64 KiB on
   * TLS connections) and drops the connection beyond that, which both
   * directions at full speed in one process sometimes reach. */
  exchange_full (&a, &b, 3 * 1024 * 1024 + 11, 2 * 1024 * 1024 + 7,
                 relay_a != NULL || relay_b != NULL);

  if (relay_a == NULL && relay_b == NULL)
    close_and_check (&a, &b);
  else
    {
      /* the relay does not pass a close on (SIP's BYE does): both close */
      tandem_share_media_close (a.media);
      tandem_share_media_close (b.media);
      g_assert_cmpuint (a.ended, ==, 1);
      g_assert_cmpuint (b.ended, ==, 1);
    }
  side_clear (&a);
  side_clear (&b);
  assert_no_fd_leak (fds);
}

/* ---- relay: AUTH failure, discovery ------------------------------------------ */

static void
test_relay_wrong_password (void)
{
  int fds = tandem_test_count_fds ();
  g_autofree char *relay = tandem_test_kamailio_dup_msrp_relay_uri (world, FALSE);
  TandemShareMediaOptions o = options_for (0, FALSE);
  Side a;

  o.relay = relay;
  o.password = "wrong-pw";
  side_init (&a, "alice", &o);
  side_prepare_async (&a);
  WAIT_UNTIL (a.prepare_done, LONG_MS);
  g_assert_true (a.prepare_done);
  g_assert_error (a.prepare_error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_AUTH_FAILED);
  g_test_message ("%s", a.prepare_error->message);
  g_assert_nonnull (strstr (a.prepare_error->message, "user name or password"));
  g_assert_nonnull (strstr (a.prepare_error->message, "401"));
  g_assert_false (tandem_share_media_is_relayed (a.media));
  g_assert_cmpuint (a.ended, ==, 0);
  tandem_share_media_close (a.media);
  g_assert_cmpuint (a.ended, ==, 1);
  side_clear (&a);
  assert_no_fd_leak (fds);
}

static guint16
unused_port (void)
{
  g_autoptr(GSocket) s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                       G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint16 port;

  g_assert_true (g_socket_bind (s, any, FALSE, NULL));
  bound = g_socket_get_local_address (s, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (s, NULL);
  return port;
}

static void
test_relay_auto (void)
{
  int fds;
  g_autoptr(TandemTestResolver) fake = tandem_test_resolver_new ();
  g_autoptr(GResolver) old = g_resolver_get_default ();
  guint16 dead_port;
  TandemShareMediaOptions oa = options_for (0, FALSE);
  TandemShareMediaOptions ob = options_for (1, FALSE);
  Side a, b;

  fds = tandem_test_count_fds ();
  dead_port = unused_port ();
  /* SRV answers for discovery: _msrp._tcp.relay.test is the fixture's
   * relay, _msrp._tcp.dead.test a port where nothing listens. */
  tandem_test_resolver_add_srv (fake, "_msrp._tcp.relay.test", "127.0.0.1",
                                tandem_test_kamailio_get_msrp_port (world));
  tandem_test_resolver_add_srv (fake, "_msrp._tcp.dead.test", "127.0.0.1", dead_port);
  g_resolver_set_default (G_RESOLVER (fake));
  /* alice finds the relay; bob's is dead: he goes direct, with a message */
  oa.relay = "auto";
  oa.domain = "relay.test";
  ob.relay = "auto";
  ob.domain = "dead.test";
  side_init (&a, "alice", &oa);
  side_init (&b, "bob", &ob);
  side_prepare (&a);
  side_prepare (&b);
  g_assert_true (tandem_share_media_is_relayed (a.media));
  g_assert_false (tandem_share_media_is_relayed (b.media));

  negotiate (&b, &a, TANDEM_RFB_SETUP_PASSIVE, NULL);
  wait_connected (&a, &b);
  exchange (&a, &b, 256 * 1024, 1024 * 1024);
  tandem_share_media_close (a.media);
  tandem_share_media_close (b.media);
  side_clear (&a);
  side_clear (&b);
  assert_no_fd_leak (fds);
  g_resolver_set_default (old);
}

/* ---- TLS pinning --------------------------------------------------------------- */

static void
run_tampered (gboolean tamper_offer)
{
  int fds = tandem_test_count_fds ();
  TandemShareMediaOptions oa = options_for (0, TRUE);
  TandemShareMediaOptions ob = options_for (1, TRUE);
  Edits edits = { .tamper_offer = tamper_offer, .tamper_answer = !tamper_offer };
  Side a, b;
  /* the answerer connects (TLS client) and checks the offer's
   * fingerprint; the offerer (TLS server) checks the answer's */
  Side *checker = tamper_offer ? &b : &a;
  Side *other = tamper_offer ? &a : &b;

  side_init (&a, "offerer", &oa);
  side_init (&b, "answerer", &ob);
  side_prepare (&a);
  side_prepare (&b);
  negotiate (&a, &b, TANDEM_RFB_SETUP_PASSIVE, &edits);
  WAIT_UNTIL (checker->ended, LONG_MS);
  g_assert_cmpuint (checker->ended, ==, 1);
  g_assert_cmpstr (checker->message, ==, MISMATCH);
  /* the other side saw a failed handshake: it fails, or keeps waiting
   * (a passive side keeps listening for a good connection) */
  if (!tamper_offer)
    {
      WAIT_UNTIL (other->ended, LONG_MS);
      g_assert_cmpuint (other->ended, ==, 1);
      g_assert_nonnull (other->message);
    }
  g_assert_cmpuint (a.connected, ==, 0);
  g_assert_cmpuint (b.connected, ==, 0);
  g_assert_cmpint (a.fd, ==, -1);
  g_assert_cmpint (b.fd, ==, -1);
  g_assert_cmpuint (tandem_share_media_get_bytes_received (a.media), ==, 0);
  g_assert_cmpuint (tandem_share_media_get_bytes_received (b.media), ==, 0);
  tandem_share_media_close (a.media);
  tandem_share_media_close (b.media);
  g_assert_cmpuint (a.ended, ==, 1);
  g_assert_cmpuint (b.ended, ==, 1);
  side_clear (&a);
  side_clear (&b);
  assert_no_fd_leak (fds);
}

static void
test_tampered_offer (void)
{
  run_tampered (TRUE);
}

static void
test_tampered_answer (void)
{
  run_tampered (FALSE);
}

/* ---- SDP ------------------------------------------------------------------------- */

static void
assert_own_uri (const TandemMsrpUri *uri,
                gboolean             tls)
{
  g_assert_cmpint (uri->secure, ==, tls);
  g_assert_cmpstr (uri->host, ==, "127.0.0.1");
  g_assert_cmpstr (uri->transport, ==, "tcp");
  g_assert_cmpuint (strlen (uri->session_id), ==, 20);
  for (guint i = 0; i < 20; i++)
    g_assert_true (g_ascii_isdigit (uri->session_id[i]) ||
                   (uri->session_id[i] >= 'a' && uri->session_id[i] <= 'f'));
}

static void
test_sdp (void)
{
  int fds = tandem_test_count_fds ();
  g_autofree char *relay = tandem_test_kamailio_dup_msrp_relay_uri (world, FALSE);
  TandemShareMediaOptions oa = options_for (0, TRUE);
  TandemShareMediaOptions ob = options_for (1, FALSE);
  g_autoptr(TandemShareSdp) offer = NULL;
  g_autoptr(TandemShareSdp) offer_in = NULL;
  g_autoptr(TandemShareSdp) answer = NULL;
  g_autoptr(TandemShareSdp) relayed = NULL;
  g_autofree char *text = NULL;
  g_autofree char *answer_text = NULL;
  g_autofree char *fp = tandem_tls_certificate_get_fingerprint (cert[0]);
  g_autoptr(GError) error = NULL;
  const char *order[] = { "m=application ", "c=IN IP4 127.0.0.1", "a=path:msrps://127.0.0.1:",
                          "a=accept-types:application/x-rfb\r\n", "a=setup:actpass\r\n",
                          "a=rfbsetup:passive\r\n", "a=fingerprint:sha-256 " };
  const char *at;
  TandemMsrpUri *uri;
  Side a, b, c;

  /* TLS offer, direct */
  side_init (&a, "alice", &oa);
  side_prepare (&a);
  offer = tandem_share_media_create_offer (a.media, TANDEM_RFB_SETUP_PASSIVE);
  text = sdp_text (offer);
  g_test_message ("%s", text);
  at = text;
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      at = strstr (at, order[i]);
      g_assert_nonnull (at);
    }
  g_assert_nonnull (strstr (text, "m=application "));
  g_assert_nonnull (strstr (text, " TCP/TLS/MSRP *\r\n"));
  g_assert_null (strstr (text, "sendrecv"));
  g_assert_null (strstr (text, "accept-wrapped-types"));
  offer_in = sdp_parse (text);
  g_assert_cmpuint (offer_in->path->len, ==, 1);
  uri = g_ptr_array_index (offer_in->path, 0);
  assert_own_uri (uri, TRUE);
  g_assert_cmpuint (uri->port, !=, 0);
  g_assert_cmpuint (offer_in->port, ==, uri->port);
  g_assert_cmpstr (offer_in->fingerprint, ==, fp);
  g_assert_cmpint (offer_in->setup, ==, TANDEM_MSRP_SETUP_ACTPASS);
  g_assert_cmpint (offer_in->rfbsetup, ==, TANDEM_RFB_SETUP_PASSIVE);

  /* an answer to it from a TLS side: active, the opposite role */
  ob.tls = TRUE;
  ob.certificate = cert[1];
  side_init (&b, "bob", &ob);
  side_prepare (&b);
  answer = tandem_share_media_create_answer (b.media, offer_in, &error);
  g_assert_no_error (error);
  answer_text = sdp_text (answer);
  g_assert_nonnull (strstr (answer_text, "a=setup:active\r\na=rfbsetup:active\r\na=fingerprint:sha-256 "));
  g_assert_cmpint (tandem_share_media_get_role (b.media), ==, TANDEM_RFB_SETUP_ACTIVE);

  /* TCP behind the relay: Use-Path, then the own URI */
  ob = options_for (1, FALSE);
  ob.relay = relay;
  side_init (&c, "carol", &ob);
  side_prepare (&c);
  g_assert_true (tandem_share_media_is_relayed (c.media));
  relayed = tandem_share_media_create_offer (c.media, TANDEM_RFB_SETUP_ACTIVE);
  g_clear_pointer (&text, g_free);
  text = sdp_text (relayed);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, " TCP/MSRP *\r\n"));
  g_assert_null (strstr (text, "a=fingerprint"));
  g_assert_nonnull (strstr (text, "a=rfbsetup:active\r\n"));
  g_assert_cmpuint (relayed->path->len, ==, 2);
  uri = g_ptr_array_index (relayed->path, 0);
  g_assert_cmpuint (uri->port, ==, tandem_test_kamailio_get_msrp_port (world));
  g_assert_cmpuint (relayed->port, ==, uri->port);
  assert_own_uri (g_ptr_array_index (relayed->path, 1), FALSE);

  tandem_share_media_close (a.media);
  tandem_share_media_close (b.media);
  tandem_share_media_close (c.media);
  side_clear (&a);
  side_clear (&b);
  side_clear (&c);
  assert_no_fd_leak (fds);
}

static const char *tcp_offer =
  "v=0\r\n"
  "o=- 1 1 IN IP4 127.0.0.1\r\n"
  "s=blink\r\n"
  "t=0 0\r\n"
  "m=application 2855 TCP/MSRP *\r\n"
  "c=IN IP4 127.0.0.1\r\n"
  "a=path:msrp://127.0.0.1:2855/0123456789abcdef0123;tcp\r\n"
  "a=accept-types:application/x-rfb\r\n"
  "a=setup:actpass\r\n"
  "a=rfbsetup:active\r\n";

static const char *tls_offer_without_fingerprint =
  "v=0\r\n"
  "o=- 1 1 IN IP4 127.0.0.1\r\n"
  "s=blink\r\n"
  "t=0 0\r\n"
  "m=application 2855 TCP/TLS/MSRP *\r\n"
  "c=IN IP4 127.0.0.1\r\n"
  "a=path:msrps://127.0.0.1:2855/0123456789abcdef0123;tcp\r\n"
  "a=accept-types:application/x-rfb\r\n"
  "a=setup:actpass\r\n";

static void
test_unusable (void)
{
  int fds = tandem_test_count_fds ();
  TandemShareMediaOptions o = options_for (0, TRUE);
  g_autoptr(TandemShareSdp) tcp = sdp_parse (tcp_offer);
  g_autoptr(TandemShareSdp) unpinned = sdp_parse (tls_offer_without_fingerprint);
  g_autoptr(TandemShareSdp) no_rfb = sdp_parse (tcp_offer);
  g_autoptr(TandemShareSdp) answer = NULL;
  g_autoptr(GError) error = NULL;
  const char *types[] = { "text/plain", NULL };
  Side a, b, c;

  side_init (&a, "tls", &o);
  side_prepare (&a);
  answer = tandem_share_media_create_answer (a.media, tcp, &error);
  g_assert_null (answer);
  g_assert_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INVALID_SDP);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "plain TCP"));
  g_clear_error (&error);

  answer = tandem_share_media_create_answer (a.media, unpinned, &error);
  g_assert_null (answer);
  g_assert_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INVALID_SDP);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "fingerprint"));
  g_clear_error (&error);
  g_assert_cmpint (tandem_share_media_get_role (a.media), ==, TANDEM_RFB_SETUP_UNSET);

  /* Blink's TLS offers have no fingerprint: allowed when asked for */
  o.allow_unpinned = TRUE;
  side_init (&c, "blink-friendly", &o);
  side_prepare (&c);
  answer = tandem_share_media_create_answer (c.media, unpinned, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  /* no rfbsetup in the offer: the offerer views, we share */
  g_assert_cmpint (answer->rfbsetup, ==, TANDEM_RFB_SETUP_PASSIVE);
  g_assert_cmpint (tandem_share_media_get_role (c.media), ==, TANDEM_RFB_SETUP_PASSIVE);
  g_clear_pointer (&answer, tandem_share_sdp_free);

  o = options_for (1, FALSE);
  side_init (&b, "tcp", &o);
  side_prepare (&b);
  g_strfreev (no_rfb->accept_types);
  no_rfb->accept_types = g_strdupv ((char **) types);
  answer = tandem_share_media_create_answer (b.media, no_rfb, &error);
  g_assert_null (answer);
  g_assert_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INVALID_SDP);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "application/x-rfb"));
  g_clear_error (&error);
  answer = tandem_share_media_create_answer (b.media, unpinned, &error);
  g_assert_null (answer);
  g_assert_nonnull (strstr (error->message, "wants TLS"));
  g_clear_error (&error);
  /* a usable one still works after refusals */
  answer = tandem_share_media_create_answer (b.media, tcp, &error);
  g_assert_no_error (error);
  g_assert_cmpint (answer->setup, ==, TANDEM_MSRP_SETUP_ACTIVE);
  g_assert_cmpint (answer->rfbsetup, ==, TANDEM_RFB_SETUP_PASSIVE);

  side_clear (&a);
  side_clear (&b);
  side_clear (&c);
  assert_no_fd_leak (fds);
}

/* ---- how sessions end ------------------------------------------------------------ */

static void
connect_pair (Side    *a,
              Side    *b,
              gboolean tls,
              guint    keepalive_s,
              const Edits *edits)
{
  TandemShareMediaOptions oa = options_for (0, tls);
  TandemShareMediaOptions ob = options_for (1, tls);

  oa.keepalive_s = ob.keepalive_s = keepalive_s;
  side_init (a, "sharer", &oa);
  side_init (b, "viewer", &ob);
  side_prepare (a);
  side_prepare (b);
  negotiate (a, b, TANDEM_RFB_SETUP_PASSIVE, edits);
  wait_connected (a, b);
}

static void
test_peer_close (gconstpointer data)
{
  gboolean tls = GPOINTER_TO_INT (data);
  int fds = tandem_test_count_fds ();
  Side a, b;

  connect_pair (&a, &b, tls, 0, NULL);
  exchange (&a, &b, 100000, 100000);
  /* the viewer hangs up: the sharer ends cleanly, within 2 s */
  close_and_check (&b, &a);
  /* idempotent */
  tandem_share_media_close (a.media);
  tandem_share_media_close (b.media);
  g_assert_cmpuint (a.ended, ==, 1);
  g_assert_cmpuint (b.ended, ==, 1);
  side_clear (&a);
  side_clear (&b);
  assert_no_fd_leak (fds);
}

static void
test_vnc_close (void)
{
  int fds = tandem_test_count_fds ();
  Side a, b;

  connect_pair (&a, &b, FALSE, 0, NULL);
  exchange (&a, &b, 5000, 5000);
  /* the VNC server goes away: both sides end cleanly */
  close (a.fd);
  a.fd = -1;
  WAIT_UNTIL (a.ended && b.ended, LONG_MS);
  g_assert_cmpuint (a.ended, ==, 1);
  g_assert_cmpuint (b.ended, ==, 1);
  g_assert_null (a.message);
  g_assert_null (b.message);
  side_clear (&a);
  side_clear (&b);
  assert_no_fd_leak (fds);
}

static void
test_close_idempotent (void)
{
  int fds = tandem_test_count_fds ();
  g_autofree char *relay = tandem_test_kamailio_dup_msrp_relay_uri (world, FALSE);
  TandemShareMediaOptions o = options_for (0, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemShareSdp) offer = NULL;
  Side a, b, c, d;

  /* before prepare: prepare then fails */
  side_init (&a, "unprepared", &o);
  tandem_share_media_close (a.media);
  tandem_share_media_close (a.media);
  g_assert_cmpuint (a.ended, ==, 1);
  g_assert_null (a.message);
  side_prepare_async (&a);
  WAIT_UNTIL (a.prepare_done, LONG_MS);
  g_assert_error (a.prepare_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* during prepare (relay AUTH under way) */
  o.relay = relay;
  side_init (&b, "preparing", &o);
  side_prepare_async (&b);
  tandem_share_media_close (b.media);
  WAIT_UNTIL (b.prepare_done, LONG_MS);
  g_assert_error (b.prepare_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  tandem_share_media_close (b.media);
  g_assert_cmpuint (b.ended, ==, 1);
  g_assert_false (tandem_share_media_is_relayed (b.media));

  /* after prepare, after an offer: start refuses */
  o.relay = NULL;
  side_init (&c, "offered", &o);
  side_prepare (&c);
  offer = tandem_share_media_create_offer (c.media, TANDEM_RFB_SETUP_PASSIVE);
  tandem_share_media_close (c.media);
  tandem_share_media_close (c.media);
  g_assert_cmpuint (c.ended, ==, 1);
  g_assert_false (tandem_share_media_start (c.media, offer, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);

  /* dropped without close: no signal, nothing left open */
  side_init (&d, "dropped", &o);
  side_prepare (&d);
  side_clear (&d);

  side_clear (&a);
  side_clear (&b);
  side_clear (&c);
  assert_no_fd_leak (fds);
}

/* A TCP forwarder that can be cut with a reset (an abrupt loss). */
typedef struct {
  int      listen_fd;
  int      wake[2];
  guint16  port;
  guint16  target;
  GThread *thread;
} Forwarder;

static gboolean
write_all (int         fd,
           const char *buf,
           gsize       len)
{
  while (len > 0)
    {
      ssize_t n = send (fd, buf, len, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      buf += n;
      len -= n;
    }
  return TRUE;
}

static gpointer
forwarder_thread (gpointer data)
{
  Forwarder *f = data;
  struct pollfd pfd[2] = { { f->listen_fd, POLLIN, 0 }, { f->wake[0], POLLIN, 0 } };
  struct sockaddr_in sin = { 0 };
  char buf[65536];
  char cmd = 0;
  int a, b;

  if (poll (pfd, 2, -1) <= 0 || (pfd[1].revents & POLLIN))
    return NULL;
  a = accept4 (f->listen_fd, NULL, NULL, SOCK_CLOEXEC);
  b = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sin.sin_family = AF_INET;
  sin.sin_port = htons (f->target);
  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (a < 0 || b < 0 || connect (b, (struct sockaddr *) &sin, sizeof sin) < 0)
    {
      if (a >= 0)
        close (a);
      if (b >= 0)
        close (b);
      return NULL;
    }
  for (;;)
    {
      struct pollfd fds[3] = { { a, POLLIN, 0 }, { b, POLLIN, 0 }, { f->wake[0], POLLIN, 0 } };
      ssize_t n;

      if (poll (fds, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (fds[2].revents & POLLIN)
        {
          if (read (f->wake[0], &cmd, 1) != 1)
            cmd = 'q';
          break;
        }
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
        {
          if ((n = recv (a, buf, sizeof buf, 0)) <= 0 || !write_all (b, buf, n))
            break;
        }
      if (fds[1].revents & (POLLIN | POLLHUP | POLLERR))
        {
          if ((n = recv (b, buf, sizeof buf, 0)) <= 0 || !write_all (a, buf, n))
            break;
        }
    }
  if (cmd == 'c')
    {
      /* both connections reset, as a broken path or a killed peer would */
      struct linger lg = { 1, 0 };

      setsockopt (a, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      setsockopt (b, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
  close (a);
  close (b);
  return NULL;
}

static Forwarder *
forwarder_new (guint16 target)
{
  Forwarder *f = g_new0 (Forwarder, 1);
  struct sockaddr_in sin = { 0 };
  socklen_t len = sizeof sin;

  f->target = target;
  f->listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (f->listen_fd, >=, 0);
  g_assert_cmpint (bind (f->listen_fd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  g_assert_cmpint (listen (f->listen_fd, 1), ==, 0);
  g_assert_cmpint (getsockname (f->listen_fd, (struct sockaddr *) &sin, &len), ==, 0);
  g_assert_cmpint (pipe2 (f->wake, O_CLOEXEC), ==, 0);
  f->port = ntohs (sin.sin_port);
  f->thread = g_thread_new ("forwarder", forwarder_thread, f);
  return f;
}

/* @cmd: 'c' to cut (reset), 'q' to stop. */
static void
forwarder_free (Forwarder *f,
                char       cmd)
{
  g_assert_cmpint (write (f->wake[1], &cmd, 1), ==, 1);
  g_thread_join (f->thread);
  close (f->listen_fd);
  close (f->wake[0]);
  close (f->wake[1]);
  g_free (f);
}

static void
test_abrupt_loss (void)
{
  int fds = tandem_test_count_fds ();
  TandemShareMediaOptions oa = options_for (0, FALSE);
  TandemShareMediaOptions ob = options_for (1, FALSE);
  g_autoptr(TandemShareSdp) offer = NULL;
  Forwarder *f;
  Edits edits = { 0 };
  Side a, b;

  side_init (&a, "sharer", &oa);
  side_init (&b, "viewer", &ob);
  side_prepare (&a);
  side_prepare (&b);
  /* the viewer connects to the sharer through the forwarder */
  offer = tandem_share_media_create_offer (a.media, TANDEM_RFB_SETUP_PASSIVE);
  f = forwarder_new (((TandemMsrpUri *) g_ptr_array_index (offer->path, 0))->port);
  edits.forward_port = f->port;
  negotiate (&a, &b, TANDEM_RFB_SETUP_PASSIVE, &edits);
  wait_connected (&a, &b);
  exchange (&a, &b, 200000, 50000);

  forwarder_free (f, 'c');
  WAIT_UNTIL (a.ended && b.ended, LONG_MS);
  g_assert_cmpuint (a.ended, ==, 1);
  g_assert_cmpuint (b.ended, ==, 1);
  g_assert_nonnull (a.message);
  g_assert_nonnull (b.message);
  g_assert_nonnull (strstr (a.message, "lost"));
  g_assert_nonnull (strstr (b.message, "lost"));
  side_clear (&a);
  side_clear (&b);
  assert_no_fd_leak (fds);
}

/* Silent loss cannot be made on loopback without privileges; what makes
 * it seen in time is on the sockets: keepalive within keepalive_s and
 * TCP_USER_TIMEOUT. */
static guint
check_keepalive_sockets (guint keepalive_s)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;
  guint found = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      int fd = atoi (name);
      int type = 0, domain = 0, on = 0, idle = 0, intvl = 0, cnt = 0;
      unsigned int user_timeout = 0;
      socklen_t len = sizeof (int);

      if (getsockopt (fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_STREAM)
        continue;
      len = sizeof (int);
      if (getsockopt (fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 || domain != AF_INET)
        continue;
      len = sizeof (int);
      if (getsockopt (fd, SOL_SOCKET, SO_KEEPALIVE, &on, &len) < 0 || !on)
        continue;
      len = sizeof (int);
      g_assert_cmpint (getsockopt (fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, &len), ==, 0);
      g_assert_cmpint (getsockopt (fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, &len), ==, 0);
      g_assert_cmpint (getsockopt (fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, &len), ==, 0);
      len = sizeof user_timeout;
      g_assert_cmpint (getsockopt (fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, &len), ==, 0);
      g_test_message ("fd %d: idle %d intvl %d cnt %d user timeout %u", fd, idle, intvl, cnt,
                      user_timeout);
      g_assert_cmpint (idle + intvl * cnt, <=, (int) keepalive_s);
      g_assert_cmpuint (user_timeout, ==, keepalive_s * 1000);
      found++;
    }
  return found;
}

static void
test_keepalive (void)
{
  int fds = tandem_test_count_fds ();
  g_autofree char *relay = tandem_test_kamailio_dup_msrp_relay_uri (world, FALSE);
  TandemShareMediaOptions oa = options_for (0, FALSE);
  TandemShareMediaOptions ob = options_for (1, FALSE);
  Side a, b;

  /* direct, TLS: both ends of the one connection */
  connect_pair (&a, &b, TRUE, 6, NULL);
  g_assert_cmpuint (check_keepalive_sockets (6), ==, 2);
  tandem_share_media_close (a.media);
  tandem_share_media_close (b.media);
  side_clear (&a);
  side_clear (&b);
  assert_no_fd_leak (fds);

  /* both relayed, default: each connection to the relay */
  oa.relay = ob.relay = relay;
  side_init (&a, "sharer", &oa);
  side_init (&b, "viewer", &ob);
  side_prepare (&a);
  side_prepare (&b);
  negotiate (&a, &b, TANDEM_RFB_SETUP_PASSIVE, NULL);
  wait_connected (&a, &b);
  g_assert_cmpuint (check_keepalive_sockets (8), ==, 2);
  tandem_share_media_close (a.media);
  tandem_share_media_close (b.media);
  side_clear (&a);
  side_clear (&b);
  assert_no_fd_leak (fds);
}

/* ---- main ---------------------------------------------------------------------- */

static const DataCase data_cases[] = {
  { FALSE, TANDEM_RFB_SETUP_PASSIVE, NULL, NULL, FALSE, FALSE },
  { FALSE, TANDEM_RFB_SETUP_ACTIVE, NULL, NULL, FALSE, FALSE },
  { TRUE, TANDEM_RFB_SETUP_PASSIVE, NULL, NULL, FALSE, FALSE },
  { TRUE, TANDEM_RFB_SETUP_ACTIVE, NULL, NULL, FALSE, FALSE },
  { TRUE, TANDEM_RFB_SETUP_PASSIVE, NULL, NULL, TRUE, FALSE },
  { FALSE, TANDEM_RFB_SETUP_PASSIVE, "kamailio", "kamailio", FALSE, FALSE },
  { FALSE, TANDEM_RFB_SETUP_ACTIVE, "kamailio", "kamailio", FALSE, FALSE },
  { TRUE, TANDEM_RFB_SETUP_PASSIVE, "kamailio", "kamailio", FALSE, FALSE },
  { FALSE, TANDEM_RFB_SETUP_PASSIVE, "kamailio", NULL, FALSE, FALSE },
  { FALSE, TANDEM_RFB_SETUP_PASSIVE, NULL, NULL, FALSE, TRUE },
};

static const char *data_names[] = {
  "/share-media/direct/tcp/sharer-offers",
  "/share-media/direct/tcp/viewer-offers",
  "/share-media/direct/tls/sharer-offers",
  "/share-media/direct/tls/viewer-offers",
  "/share-media/direct/tls/offerer-connects",
  "/share-media/relay/tcp/sharer-offers",
  "/share-media/relay/tcp/viewer-offers",
  "/share-media/relay/tls/sharer-offers",
  "/share-media/relay/tcp/offerer-relayed-only",
  "/share-media/direct/tcp/default-address",
};

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  G_STATIC_ASSERT (G_N_ELEMENTS (data_cases) == G_N_ELEMENTS (data_names));
  g_test_init (&argc, &argv, NULL);
  for (int i = 0; i < 2; i++)
    {
      cert_dir[i] = g_dir_make_tmp ("tandem-share-media-XXXXXX", &error);
      g_assert_no_error (error);
      cert[i] = tandem_tls_identity_ensure (cert_dir[i], NULL, &error);
      g_assert_no_error (error);
    }
  world = tandem_test_kamailio_start (&error);
  g_assert_no_error (error);
  /* process-wide singletons that open files on first use: not leaks */
  (void) g_proxy_resolver_get_default ();
  (void) g_tls_backend_get_default ();

  for (guint i = 0; i < G_N_ELEMENTS (data_cases); i++)
    g_test_add_data_func (data_names[i], &data_cases[i], test_data);
  g_test_add_func ("/share-media/relay/wrong-password", test_relay_wrong_password);
  g_test_add_func ("/share-media/relay/auto", test_relay_auto);
  g_test_add_func ("/share-media/tls/tampered-offer", test_tampered_offer);
  g_test_add_func ("/share-media/tls/tampered-answer", test_tampered_answer);
  g_test_add_func ("/share-media/sdp/offer-answer", test_sdp);
  g_test_add_func ("/share-media/sdp/unusable", test_unusable);
  g_test_add_data_func ("/share-media/end/peer-close/tcp", GINT_TO_POINTER (FALSE), test_peer_close);
  g_test_add_data_func ("/share-media/end/peer-close/tls", GINT_TO_POINTER (TRUE), test_peer_close);
  g_test_add_func ("/share-media/end/vnc-close", test_vnc_close);
  g_test_add_func ("/share-media/end/close-idempotent", test_close_idempotent);
  g_test_add_func ("/share-media/end/abrupt-loss", test_abrupt_loss);
  g_test_add_func ("/share-media/end/keepalive", test_keepalive);
  ret = g_test_run ();

  tandem_test_kamailio_stop (world);
  for (int i = 0; i < 2; i++)
    {
      g_clear_object (&cert[i]);
      remove_dir (cert_dir[i]);
      g_free (cert_dir[i]);
    }
  return ret;
}
