/* test-msrp-uri-sdp.c: MSRP URIs and the share-stream SDP.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tandem-msrp-digest.h"
#include "tandem-msrp-error.h"
#include "tandem-msrp-uri.h"
#include "tandem-share-sdp.h"

static void
test_uri_round_trip (void)
{
  static const char *const good[] = {
    "msrp://192.0.2.10:2855/0123456789abcdef0123;tcp",
    "msrps://192.0.2.10:2855/0123456789abcdef0123;tcp",
    "msrps://[::1]:40000/abc;tcp",
    "msrps://[2001:db8::7]/s1;tcp",
    "msrp://relay.example.com;tcp",
    "msrps://relay.example.com:2855;tcp",
    "msrp://alice@atlanta.example.com:7654/jshA7weztas;tcp",
    "msrp://bob.example.com:8888/9di4eae923wzd;tcp;foo=bar",
    "msrps://host-1.example.org:1/a+b=c/d;tcp",
  };
  static const char *const bad[] = {
    "", "http://x/;tcp", "msrp://;tcp", "msrp://host/sess", "msrp://host:0/s;tcp",
    "msrp://host:65536/s;tcp", "msrp://host:12a/s;tcp", "msrp://[::1/s;tcp",
    "msrp://[1.2.3.4]/s;tcp", "msrp://ho st/s;tcp", "msrp://host/s;", "msrp://host/;tcp",
    "msrp://host/s s;tcp", "msrp://-host/s;tcp", "msrp://host:/s;tcp",
    "msrp://us er@host/s;tcp",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemMsrpUri) uri = tandem_msrp_uri_parse (good[i], &error);
      g_autofree char *printed = NULL;
      g_autoptr(TandemMsrpUri) again = NULL;

      g_assert_no_error (error);
      printed = tandem_msrp_uri_to_string (uri);
      g_assert_cmpstr (printed, ==, good[i]);
      again = tandem_msrp_uri_parse (printed, NULL);
      g_assert_true (tandem_msrp_uri_equal (uri, again));
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemMsrpUri) uri = tandem_msrp_uri_parse (bad[i], &error);

      g_test_message ("bad uri %s", bad[i]);
      g_assert_null (uri);
      g_assert_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INVALID_URI);
    }
}

static void
test_uri_fields (void)
{
  g_autoptr(TandemMsrpUri) v6 = tandem_msrp_uri_parse ("msrps://[::1]:40000/abc;tcp", NULL);
  g_autoptr(TandemMsrpUri) user = tandem_msrp_uri_parse ("msrp://al%20ice@Example.COM/x;TCP", NULL);
  g_autoptr(TandemMsrpUri) built = tandem_msrp_uri_new (TRUE, "::1", 40000, "abc");
  g_autofree char *printed = tandem_msrp_uri_to_string (built);
  g_autofree char *sid = tandem_msrp_uri_new_session_id ();

  g_assert_true (v6->secure);
  g_assert_cmpstr (v6->host, ==, "::1");
  g_assert_cmpuint (v6->port, ==, 40000);
  g_assert_cmpstr (v6->session_id, ==, "abc");
  g_assert_cmpstr (v6->transport, ==, "tcp");
  g_assert_cmpstr (printed, ==, "msrps://[::1]:40000/abc;tcp");
  g_assert_cmpstr (user->userinfo, ==, "al%20ice");
  g_assert_cmpuint (tandem_msrp_uri_get_effective_port (user), ==, 2855);
  g_assert_cmpuint (strlen (sid), ==, 20);
  for (guint i = 0; i < 20; i++)
    g_assert_true (g_ascii_isdigit (sid[i]) || (sid[i] >= 'a' && sid[i] <= 'f'));
}

static void
test_uri_compare (void)
{
  struct { const char *a, *b; gboolean equal, session; } cases[] = {
    { "msrp://Example.com:1/abc;tcp", "MSRP://example.COM:1/abc;TCP", TRUE, TRUE },
    { "msrp://example.com:1/abc;tcp", "msrp://example.com:1/ABC;tcp", FALSE, FALSE },
    { "msrp://example.com:1/abc;tcp", "msrp://example.com:2/abc;tcp", FALSE, TRUE },
    { "msrp://example.com/abc;tcp", "msrp://example.com:2855/abc;tcp", FALSE, TRUE },
    { "msrp://example.com/abc;tcp", "msrps://example.com/abc;tcp", FALSE, TRUE },
    { "msrp://u@example.com:5/abc;tcp", "msrp://example.com:5/abc;tcp", TRUE, TRUE },
    { "msrp://[::1]:5/abc;tcp", "msrp://[0:0::1]:5/abc;tcp", TRUE, TRUE },
    /* a Blink peer advertising a private address and placeholder port */
    { "msrps://10.1.2.3:2855/0123456789abcdef0123;tcp",
      "msrps://198.51.100.7:40222/0123456789abcdef0123;tcp", FALSE, TRUE },
    { "msrp://relay.example;tcp", "msrp://relay.example;tcp", TRUE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TandemMsrpUri) a = tandem_msrp_uri_parse (cases[i].a, NULL);
      g_autoptr(TandemMsrpUri) b = tandem_msrp_uri_parse (cases[i].b, NULL);

      g_assert_nonnull (a);
      g_assert_nonnull (b);
      g_assert_cmpint (tandem_msrp_uri_equal (a, b), ==, cases[i].equal);
      g_assert_cmpint (tandem_msrp_uri_session_matches (a, b), ==, cases[i].session);
    }
}

static void
test_path (void)
{
  const char *text = "msrps://relay.example.com:2855/r1x;tcp msrps://10.0.0.1:4000/abc;tcp";
  g_autoptr(GPtrArray) path = tandem_msrp_path_parse (text, NULL);
  g_autofree char *printed = NULL;

  g_assert_nonnull (path);
  g_assert_cmpuint (path->len, ==, 2);
  printed = tandem_msrp_path_to_string (path);
  g_assert_cmpstr (printed, ==, text);
  g_assert_null (tandem_msrp_path_parse ("msrp://a/b;tcp  msrp://c/d;tcp", NULL));
}

#define DOC_SDP \
  "v=0\r\n" \
  "o=- 3912345678 3912345679 IN IP4 192.0.2.10\r\n" \
  "s=Tandem 0.1.0\r\n" \
  "t=0 0\r\n" \
  "m=application 2855 TCP/TLS/MSRP *\r\n" \
  "c=IN IP4 192.0.2.10\r\n" \
  "a=path:msrps://192.0.2.10:2855/0123456789abcdef0123;tcp\r\n" \
  "a=accept-types:application/x-rfb\r\n" \
  "a=setup:actpass\r\n" \
  "a=rfbsetup:passive\r\n"

static void
test_sdp_doc_exact (void)
{
  g_autoptr(TandemShareSdp) sdp = tandem_share_sdp_new ();
  g_autoptr(TandemShareSdp) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;

  sdp->port = 2855;
  sdp->address = g_strdup ("192.0.2.10");
  sdp->tls = TRUE;
  g_ptr_array_add (sdp->path, tandem_msrp_uri_new (TRUE, "192.0.2.10", 2855, "0123456789abcdef0123"));
  sdp->setup = TANDEM_MSRP_SETUP_ACTPASS;
  sdp->rfbsetup = TANDEM_RFB_SETUP_PASSIVE;
  text = tandem_share_sdp_to_string (sdp, 3912345678, 3912345679, "Tandem 0.1.0");
  g_assert_cmpstr (text, ==, DOC_SDP);

  parsed = tandem_share_sdp_parse (DOC_SDP, &error);
  g_assert_no_error (error);
  again = tandem_share_sdp_to_string (parsed, 3912345678, 3912345679, "Tandem 0.1.0");
  g_assert_cmpstr (again, ==, DOC_SDP);
  g_assert_cmpint (tandem_share_sdp_get_offer_rfbsetup (parsed), ==, TANDEM_RFB_SETUP_PASSIVE);
  g_assert_cmpint (tandem_share_sdp_get_answer_rfbsetup (parsed), ==, TANDEM_RFB_SETUP_ACTIVE);
}

static void
test_sdp_fingerprint_and_plain (void)
{
  g_autoptr(TandemShareSdp) sdp = tandem_share_sdp_new ();
  g_autoptr(TandemShareSdp) parsed = NULL;
  g_autoptr(TandemShareSdp) copy = NULL;
  g_autofree char *media = NULL;
  g_autofree char *media2 = NULL;
  const char *fp = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
                   "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

  sdp->port = 40000;
  sdp->address = g_strdup ("::1");
  g_ptr_array_add (sdp->path, tandem_msrp_uri_new (TRUE, "::1", 40000, "a1b2c3"));
  sdp->setup = TANDEM_MSRP_SETUP_ACTIVE;
  sdp->rfbsetup = TANDEM_RFB_SETUP_ACTIVE;
  sdp->fingerprint = g_strdup (fp);
  media = tandem_share_sdp_to_media_string (sdp);
  g_assert_cmpstr (media, ==,
                   "m=application 40000 TCP/TLS/MSRP *\r\n"
                   "c=IN IP6 ::1\r\n"
                   "a=path:msrps://[::1]:40000/a1b2c3;tcp\r\n"
                   "a=accept-types:application/x-rfb\r\n"
                   "a=setup:active\r\n"
                   "a=rfbsetup:active\r\n"
                   "a=fingerprint:sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
                   "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89\r\n");
  parsed = tandem_share_sdp_parse (media, NULL);
  g_assert_nonnull (parsed);
  g_assert_cmpstr (parsed->fingerprint, ==, fp);
  copy = tandem_share_sdp_copy (parsed);
  media2 = tandem_share_sdp_to_media_string (copy);
  g_assert_cmpstr (media2, ==, media);

  /* plain TCP */
  g_clear_pointer (&media, g_free);
  sdp->tls = FALSE;
  g_clear_pointer (&sdp->fingerprint, g_free);
  g_ptr_array_set_size (sdp->path, 0);
  g_ptr_array_add (sdp->path, tandem_msrp_uri_new (FALSE, "::1", 40000, "a1b2c3"));
  media = tandem_share_sdp_to_media_string (sdp);
  g_assert_true (g_str_has_prefix (media, "m=application 40000 TCP/MSRP *\r\n"));
  g_clear_pointer (&parsed, tandem_share_sdp_free);
  parsed = tandem_share_sdp_parse (media, NULL);
  g_assert_nonnull (parsed);
  g_assert_false (parsed->tls);
}

static void
test_sdp_blink_offer (void)
{
  /* audio first, LF line ends, no rfbsetup, relay path, session-level c= */
  const char *blink =
    "v=0\n"
    "o=- 3600000000 3600000001 IN IP4 10.0.0.5\n"
    "s=Blink 5.1.0 (Linux)\n"
    "c=IN IP4 10.0.0.5\n"
    "t=0 0\n"
    "m=audio 50000 RTP/AVP 0 8\n"
    "a=rtpmap:0 PCMU/8000\n"
    "a=sendrecv\n"
    "m=application 2855 TCP/TLS/MSRP *\n"
    "a=path:msrps://relay.example.com:2855/r3l4y;tcp msrps://10.0.0.5:2855/0123456789abcdef0123;tcp\n"
    "a=accept-types:application/x-rfb\n"
    "a=setup:active\n"
    "m=video 0 RTP/AVP 96\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemShareSdp) sdp = tandem_share_sdp_parse (blink, &error);
  TandemMsrpUri *first;

  g_assert_no_error (error);
  g_assert_cmpstr (sdp->address, ==, "10.0.0.5");
  g_assert_cmpuint (sdp->path->len, ==, 2);
  first = g_ptr_array_index (sdp->path, 0);
  g_assert_cmpstr (first->host, ==, "relay.example.com");
  g_assert_cmpint (sdp->setup, ==, TANDEM_MSRP_SETUP_ACTIVE);
  g_assert_cmpint (sdp->rfbsetup, ==, TANDEM_RFB_SETUP_UNSET);
  g_assert_cmpint (tandem_share_sdp_get_offer_rfbsetup (sdp), ==, TANDEM_RFB_SETUP_ACTIVE);
  g_assert_cmpint (tandem_share_sdp_get_answer_rfbsetup (sdp), ==, TANDEM_RFB_SETUP_PASSIVE);
  g_assert_cmpint (tandem_msrp_setup_answer (sdp->setup, TANDEM_MSRP_SETUP_ACTIVE), ==,
                   TANDEM_MSRP_SETUP_PASSIVE);
  g_assert_cmpint (tandem_msrp_setup_answer (TANDEM_MSRP_SETUP_ACTPASS, TANDEM_MSRP_SETUP_PASSIVE), ==,
                   TANDEM_MSRP_SETUP_PASSIVE);
  g_assert_cmpint (tandem_msrp_setup_answer (TANDEM_MSRP_SETUP_ACTPASS, TANDEM_MSRP_SETUP_ACTPASS), ==,
                   TANDEM_MSRP_SETUP_ACTIVE);
}

static void
test_sdp_invalid (void)
{
  static const char *const bad[] = {
    "v=0\r\nm=audio 4000 RTP/AVP 0\r\n",
    "m=application 2855 TCP/TLS/MSRP text/plain\r\na=path:msrps://h:1/s;tcp\r\na=accept-types:application/x-rfb\r\n",
    "m=application 2855 TCP/TLS/MSRP *\r\na=path:msrp://h:1/s;tcp\r\na=accept-types:application/x-rfb\r\n",
    "m=application 2855 TCP/MSRP *\r\na=path:msrps://h:1/s;tcp\r\na=accept-types:application/x-rfb\r\n",
    "m=application 2855 TCP/MSRP *\r\na=path:msrp://h:1/s;tcp\r\na=accept-types:text/plain\r\n",
    "m=application 2855 TCP/MSRP *\r\na=accept-types:application/x-rfb\r\n",
    "m=application 2855 TCP/MSRP *\r\na=path:bogus\r\na=accept-types:application/x-rfb\r\n",
    "m=application 99999 TCP/MSRP *\r\na=path:msrp://h:1/s;tcp\r\na=accept-types:application/x-rfb\r\n",
    "m=application 2855 TCP/MSRP *\r\na=path:msrp://h:1/s;tcp\r\na=accept-types:application/x-rfb\r\na=setup:sometimes\r\n",
    "m=application 2855 TCP/MSRP *\r\na=path:msrp://h:1/s;tcp\r\na=accept-types:application/x-rfb\r\na=fingerprint:sha-256 AB:CD\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemShareSdp) sdp = tandem_share_sdp_parse (bad[i], &error);

      g_assert_null (sdp);
      g_assert_true (error->domain == TANDEM_MSRP_ERROR);
    }
}

/* RFC 2617 section 3.5, with the method as the relay's "AUTH" uses it */
static void
test_digest (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemMsrpDigestChallenge) c = tandem_msrp_digest_challenge_parse (
    "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
    &error);
  g_autofree char *auth = NULL;

  g_assert_no_error (error);
  g_assert_true (c->qop_auth);
  auth = tandem_msrp_digest_authorization (c, "Mufasa", "Circle Of Life", "GET",
                                           "/dir/index.html", 1, "0a4f113b");
  g_assert_nonnull (strstr (auth, "response=\"6629fae49393a05397450978507c4ef1\""));
  g_assert_nonnull (strstr (auth, "nc=00000001, cnonce=\"0a4f113b\""));
  g_assert_nonnull (strstr (auth, "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""));
  /* The same from HA1, MD5("Mufasa:testrealm@host.com:Circle Of Life"). */
  {
    g_autofree char *ha1 = g_compute_checksum_for_string (G_CHECKSUM_MD5,
                                                          "Mufasa:testrealm@host.com:Circle Of Life", -1);
    g_autofree char *from_ha1 = tandem_msrp_digest_authorization_ha1 (c, "Mufasa", ha1, "GET",
                                                                      "/dir/index.html", 1, "0a4f113b");

    g_assert_cmpstr (from_ha1, ==, auth);
  }
  g_assert_null (tandem_msrp_digest_challenge_parse ("Basic realm=\"x\"", NULL));
  g_assert_null (tandem_msrp_digest_challenge_parse ("Digest realm=\"x", NULL));
}

/* A Blink-like offer: audio beside the share stream, the answer keeps the
 * offer's order with audio rejected; an offer without audio says so. */
static void
test_sdp_mixed_answer (void)
{
  const char *offer =
    "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\n"
    "m=application 2855 TCP/TLS/MSRP *\r\nc=IN IP4 10.0.0.1\r\n"
    "a=path:msrps://10.0.0.1:2855/abc;tcp\r\na=accept-types:application/x-rfb\r\n"
    "m=audio 50000 RTP/AVP 0 101\r\nc=IN IP4 10.0.0.1\r\na=sendrecv\r\n";
  const char *mine =
    "v=0\r\no=- 2 1 IN IP4 10.0.0.2\r\ns=Tandem\r\nt=0 0\r\n"
    "m=application 2856 TCP/TLS/MSRP *\r\nc=IN IP4 10.0.0.2\r\n"
    "a=path:msrps://10.0.0.2:2856/def;tcp\r\n"
    "m=video 4000 RTP/AVP 96\r\n";
  g_autofree char *answer = tandem_share_sdp_build_answer (offer, mine);

  g_assert_true (tandem_share_sdp_text_has_audio (offer));
  g_assert_false (tandem_share_sdp_text_has_audio (mine));
  g_assert_cmpstr (answer, ==,
                   "v=0\r\no=- 2 1 IN IP4 10.0.0.2\r\ns=Tandem\r\nt=0 0\r\n"
                   "m=application 2856 TCP/TLS/MSRP *\r\nc=IN IP4 10.0.0.2\r\n"
                   "a=path:msrps://10.0.0.2:2856/def;tcp\r\n"
                   "m=audio 0 RTP/AVP 0\r\n");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/msrp/uri/round-trip", test_uri_round_trip);
  g_test_add_func ("/msrp/uri/fields", test_uri_fields);
  g_test_add_func ("/msrp/uri/compare", test_uri_compare);
  g_test_add_func ("/msrp/uri/path", test_path);
  g_test_add_func ("/share-sdp/doc-exact", test_sdp_doc_exact);
  g_test_add_func ("/share-sdp/fingerprint-and-plain", test_sdp_fingerprint_and_plain);
  g_test_add_func ("/share-sdp/blink-offer", test_sdp_blink_offer);
  g_test_add_func ("/share-sdp/invalid", test_sdp_invalid);
  g_test_add_func ("/share-sdp/mixed-answer", test_sdp_mixed_answer);
  g_test_add_func ("/msrp/digest/rfc2617", test_digest);
  return g_test_run ();
}
