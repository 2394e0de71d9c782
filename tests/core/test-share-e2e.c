/* test-share-e2e.c: TandemShareE2e between two ends whose encrypted
 * streams pass through a forwarder thread (what a relay sees): any split
 * of the bytes, no plaintext on the forwarder's side, the pin on the
 * fingerprint, a truncated or silent handshake, the security code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tandem-msrp-error.h"
#include "tandem-share-e2e.h"
#include "tandem-tls-identity.h"

#define BANNER "RFB 003.008\n"

static char *tmpdir;
static GTlsCertificate *cert_a, *cert_b, *cert_c;

/* ---- forwarder: fds a <-> b in random small pieces, recording them ---- */

typedef struct {
  int         a, b;            /* test's ends of the two cipher socketpairs */
  gsize       limit_a_to_b;    /* close after this many bytes a->b (0: none) */
  GByteArray *seen;            /* everything forwarded, both ways */
  GMutex      lock;
  GThread    *thread;
  int         stop[2];
} Forwarder;

static gboolean
write_all (int fd, const guint8 *p, gsize n)
{
  while (n > 0)
    {
      ssize_t w = write (fd, p, n);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return FALSE;
      p += w;
      n -= w;
    }
  return TRUE;
}

static gpointer
forwarder_run (gpointer data)
{
  Forwarder *f = data;
  gsize a_to_b = 0;
  GRand *rand = g_rand_new_with_seed (42);
  guint8 buf[64];

  for (;;)
    {
      struct pollfd p[3] = { { f->a, POLLIN, 0 }, { f->b, POLLIN, 0 }, { f->stop[0], POLLIN, 0 } };

      if (poll (p, 3, -1) < 0)
        continue;
      if (p[2].revents)
        break;
      for (int i = 0; i < 2; i++)
        {
          int from = i == 0 ? f->a : f->b;
          int to = i == 0 ? f->b : f->a;
          gsize want = g_rand_int_range (rand, 1, 14);
          ssize_t n;

          if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
          if (i == 0 && f->limit_a_to_b > 0)
            want = MIN (want, f->limit_a_to_b - a_to_b);
          n = read (from, buf, want);
          if (n <= 0)
            goto out;
          g_mutex_lock (&f->lock);
          g_byte_array_append (f->seen, buf, n);
          g_mutex_unlock (&f->lock);
          if (!write_all (to, buf, n))
            goto out;
          if (i == 0 && (a_to_b += n) == f->limit_a_to_b)
            goto out;
        }
    }
out:
  shutdown (f->a, SHUT_RDWR);
  shutdown (f->b, SHUT_RDWR);
  g_rand_free (rand);
  return NULL;
}

static Forwarder *
forwarder_new (int *fd_for_a, int *fd_for_b, gsize limit)
{
  Forwarder *f = g_new0 (Forwarder, 1);
  int pa[2], pb[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pa), ==, 0);
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pb), ==, 0);
  g_assert_cmpint (pipe (f->stop), ==, 0);
  *fd_for_a = pa[0];
  f->a = pa[1];
  *fd_for_b = pb[0];
  f->b = pb[1];
  f->limit_a_to_b = limit;
  f->seen = g_byte_array_new ();
  g_mutex_init (&f->lock);
  f->thread = g_thread_new ("forwarder", forwarder_run, f);
  return f;
}

static GByteArray *
forwarder_free (Forwarder *f)
{
  GByteArray *seen = f->seen;

  (void) !write (f->stop[1], "x", 1);
  g_thread_join (f->thread);
  close (f->a);
  close (f->b);
  close (f->stop[0]);
  close (f->stop[1]);
  g_mutex_clear (&f->lock);
  g_free (f);
  return seen;
}

static gboolean
contains (GByteArray *hay, const void *needle, gsize len)
{
  return hay->len >= len && memmem (hay->data, hay->len, needle, len) != NULL;
}

/* ---- handshake helpers ------------------------------------------------ */

typedef struct {
  GMainLoop *loop;
  int        pending;
  gboolean   ok[2];
  GError    *error[2];
} Handshakes;

static void
on_handshake (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Handshakes *h = user_data;
  int i = GPOINTER_TO_INT (g_object_get_data (source, "index"));

  h->ok[i] = tandem_share_e2e_handshake_finish (TANDEM_SHARE_E2E (source), result, &h->error[i]);
  if (--h->pending == 0)
    g_main_loop_quit (h->loop);
}

static void
run_handshakes (TandemShareE2e *server, TandemShareE2e *client, Handshakes *h)
{
  h->loop = g_main_loop_new (NULL, FALSE);
  h->pending = 0;
  for (int i = 0; i < 2; i++)
    {
      TandemShareE2e *e = i == 0 ? server : client;

      if (e == NULL)
        continue;
      g_object_set_data (G_OBJECT (e), "index", GINT_TO_POINTER (i));
      h->pending++;
      tandem_share_e2e_handshake_async (e, NULL, on_handshake, h);
    }
  g_main_loop_run (h->loop);
  g_main_loop_unref (h->loop);
}

/* ---- plain-side threads ---------------------------------------------- */

typedef struct {
  int      fd;
  gsize    total;
  guint32  seed;
  char    *digest;
} Plain;

static gpointer
plain_write (gpointer data)
{
  Plain *p = data;
  GRand *rand = g_rand_new_with_seed (p->seed);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 buf[8192];
  gsize done = 0;

  g_assert_true (write_all (p->fd, (const guint8 *) BANNER, strlen (BANNER)));
  g_checksum_update (sum, (const guint8 *) BANNER, strlen (BANNER));
  while (done < p->total)
    {
      gsize n = MIN (sizeof buf, p->total - done);

      /* a framebuffer-like pattern: runs of one repeated pixel */
      memset (buf, 0, n);
      for (gsize i = 0; i < n; i += 4)
        {
          guint32 px = 0x00c0ffee ^ (g_rand_int (rand) & 0x0f0f);
          memcpy (buf + i, &px, MIN (4, n - i));
        }
      g_assert_true (write_all (p->fd, buf, n));
      g_checksum_update (sum, buf, n);
      done += n;
    }
  p->digest = g_strdup (g_checksum_get_string (sum));
  g_rand_free (rand);
  return NULL;
}

static gpointer
plain_read (gpointer data)
{
  Plain *p = data;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 buf[8192];
  gsize done = 0, want = p->total + strlen (BANNER);

  while (done < want)
    {
      ssize_t n = read (p->fd, buf, MIN (sizeof buf, want - done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_checksum_update (sum, buf, n);
      done += n;
    }
  p->digest = done == want ? g_strdup (g_checksum_get_string (sum)) : g_strdup ("short");
  return NULL;
}

static gboolean
on_idle_quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

typedef struct {
  GMainLoop *loop;
  GThread   *threads[4];
  int        running;
} Transfer;

static gpointer
transfer_thread (gpointer data)
{
  gpointer *args = data;
  GThreadFunc func = args[0];
  Transfer *t = args[2];

  func (args[1]);
  if (g_atomic_int_dec_and_test (&t->running))
    g_idle_add (on_idle_quit, t->loop);
  g_free (args);
  return NULL;
}

static void
start_thread (Transfer *t, int i, GThreadFunc func, gpointer data)
{
  gpointer *args = g_new (gpointer, 3);

  args[0] = func;
  args[1] = data;
  args[2] = t;
  t->threads[i] = g_thread_new ("plain", transfer_thread, args);
}

/* ---- tests ------------------------------------------------------------ */

static void
test_split_round_trip (void)
{
  int ca, cb;
  Forwarder *f = forwarder_new (&ca, &cb, 0);
  g_autofree char *fp_a = tandem_tls_certificate_get_fingerprint (cert_a);
  g_autofree char *fp_b = tandem_tls_certificate_get_fingerprint (cert_b);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemShareE2e) server = tandem_share_e2e_new (ca, TRUE, cert_a, fp_b, &error);
  g_autoptr(TandemShareE2e) client = tandem_share_e2e_new (cb, FALSE, cert_b, fp_a, &error);
  Handshakes h = { 0 };
  Plain down_w = { tandem_share_e2e_steal_plain_fd (server), 1024 * 1024, 7, NULL };
  Plain down_r = { tandem_share_e2e_steal_plain_fd (client), 1024 * 1024, 0, NULL };
  Plain up_w = { dup (down_r.fd), 64 * 1024, 9, NULL };
  Plain up_r = { dup (down_w.fd), 64 * 1024, 0, NULL };
  Transfer t = { g_main_loop_new (NULL, FALSE), { NULL }, 4 };
  g_autoptr(GByteArray) seen = NULL;
  guint32 px = 0x00c0ffee;
  guint8 pattern[16];

  g_assert_no_error (error);
  run_handshakes (server, client, &h);
  g_assert_no_error (h.error[0]);
  g_assert_no_error (h.error[1]);
  g_assert_true (h.ok[0] && h.ok[1]);
  g_assert_true (g_str_has_prefix (tandem_share_e2e_get_description (server), "TLS"));

  /* 1 MiB sharer -> viewer and 64 KiB back, at once, in 1-13 byte pieces */
  start_thread (&t, 0, plain_write, &down_w);
  start_thread (&t, 1, plain_read, &down_r);
  start_thread (&t, 2, plain_write, &up_w);
  start_thread (&t, 3, plain_read, &up_r);
  g_main_loop_run (t.loop);
  for (int i = 0; i < 4; i++)
    g_thread_join (t.threads[i]);
  g_main_loop_unref (t.loop);
  g_assert_cmpstr (down_w.digest, ==, down_r.digest);
  g_assert_cmpstr (up_w.digest, ==, up_r.digest);
  g_assert_cmpuint (tandem_share_e2e_get_bytes_to_peer (server), ==, 1024 * 1024 + strlen (BANNER));
  g_assert_cmpuint (tandem_share_e2e_get_bytes_from_peer (server), ==, 64 * 1024 + strlen (BANNER));

  /* what the forwarder carried: no banner, no pixels */
  seen = forwarder_free (f);
  g_assert_cmpuint (seen->len, >, 1024 * 1024);
  g_assert_false (contains (seen, BANNER, strlen (BANNER)));
  for (int i = 0; i < 4; i++)
    memcpy (pattern + 4 * i, &px, 4);
  g_assert_false (contains (seen, pattern, 8));
  g_assert_false (contains (seen, "\xee\xff\xc0\x00\xee", 5));

  for (int i = 0; i < 4; i++)
    {
      g_free ((i == 0 ? &down_w : i == 1 ? &down_r : i == 2 ? &up_w : &up_r)->digest);
      close ((i == 0 ? &down_w : i == 1 ? &down_r : i == 2 ? &up_w : &up_r)->fd);
    }
}

typedef struct {
  GMainLoop *loop;
  char      *message;
  gboolean   closed;
} Closed;

static void
on_closed (TandemShareE2e *e2e, const char *message, gpointer user_data)
{
  Closed *c = user_data;

  c->closed = TRUE;
  c->message = g_strdup (message);
  g_main_loop_quit (c->loop);
}

/* the plain side closing ends the other side cleanly */
static void
test_close (void)
{
  int ca, cb;
  Forwarder *f = forwarder_new (&ca, &cb, 0);
  g_autofree char *fp_a = tandem_tls_certificate_get_fingerprint (cert_a);
  g_autofree char *fp_b = tandem_tls_certificate_get_fingerprint (cert_b);
  g_autoptr(TandemShareE2e) server = tandem_share_e2e_new (ca, TRUE, cert_a, fp_b, NULL);
  g_autoptr(TandemShareE2e) client = tandem_share_e2e_new (cb, FALSE, cert_b, fp_a, NULL);
  Handshakes h = { 0 };
  Closed c = { g_main_loop_new (NULL, FALSE), NULL, FALSE };
  int plain;

  run_handshakes (server, client, &h);
  g_assert_true (h.ok[0] && h.ok[1]);
  g_signal_connect (client, "closed", G_CALLBACK (on_closed), &c);
  plain = tandem_share_e2e_steal_plain_fd (server);
  close (plain);
  g_main_loop_run (c.loop);
  g_assert_true (c.closed);
  g_assert_null (c.message);
  g_main_loop_unref (c.loop);
  g_byte_array_unref (forwarder_free (f));
}

/* the far end's key is not the one in its SDP (a swapped a=tandem-e2e):
 * both sides fail, the mismatch is said, no plaintext byte was read */
static void
check_mismatch (gboolean client_pins_wrong)
{
  int ca, cb;
  Forwarder *f = forwarder_new (&ca, &cb, 0);
  g_autofree char *fp_a = tandem_tls_certificate_get_fingerprint (cert_a);
  g_autofree char *fp_b = tandem_tls_certificate_get_fingerprint (cert_b);
  g_autofree char *fp_c = tandem_tls_certificate_get_fingerprint (cert_c);
  g_autoptr(TandemShareE2e) server =
    tandem_share_e2e_new (ca, TRUE, cert_a, client_pins_wrong ? fp_b : fp_c, NULL);
  g_autoptr(TandemShareE2e) client =
    tandem_share_e2e_new (cb, FALSE, cert_b, client_pins_wrong ? fp_c : fp_a, NULL);
  Handshakes h = { 0 };
  int splain = tandem_share_e2e_steal_plain_fd (server);
  int cplain = tandem_share_e2e_steal_plain_fd (client);
  g_autoptr(GByteArray) seen = NULL;
  int refuser = client_pins_wrong ? 1 : 0;

  /* the VNC server speaks first; it must stay where it is */
  g_assert_true (write_all (splain, (const guint8 *) BANNER, strlen (BANNER)));
  run_handshakes (server, client, &h);
  g_assert_false (h.ok[refuser]);
  g_assert_error (h.error[refuser], TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_FINGERPRINT_MISMATCH);
  g_assert_nonnull (strstr (h.error[refuser]->message, "does not match the fingerprint"));
  g_assert_nonnull (strstr (h.error[refuser]->message, fp_c));
  g_assert_cmpuint (tandem_share_e2e_get_bytes_to_peer (server), ==, 0);
  g_assert_cmpuint (tandem_share_e2e_get_bytes_from_peer (client), ==, 0);
  if (h.ok[1 - refuser])
    {
      /* TLS 1.3: the client may finish before the server refuses it; the
       * stream then ends without a byte */
      Closed c = { g_main_loop_new (NULL, FALSE), NULL, FALSE };
      TandemShareE2e *other = refuser == 0 ? client : server;

      g_signal_connect (other, "closed", G_CALLBACK (on_closed), &c);
      g_main_loop_run (c.loop);
      g_main_loop_unref (c.loop);
      g_free (c.message);
      g_assert_cmpuint (tandem_share_e2e_get_bytes_from_peer (client), ==, 0);
    }
  g_clear_error (&h.error[0]);
  g_clear_error (&h.error[1]);
  seen = forwarder_free (f);
  g_assert_cmpuint (seen->len, >, 0);
  g_assert_false (contains (seen, BANNER, strlen (BANNER)));
  close (splain);
  close (cplain);
}

static void
test_wrong_fingerprint_viewer (void)
{
  check_mismatch (TRUE);
}

static void
test_wrong_fingerprint_sharer (void)
{
  check_mismatch (FALSE);
}

/* the handshake cut after a few bytes, at several points: a clear error
 * on both sides, never a hang */
static void
test_truncated_handshake (void)
{
  static const gsize cuts[] = { 1, 5, 60, 200 };

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      int ca, cb;
      /* a = the client here: its first flight is cut */
      Forwarder *f = forwarder_new (&cb, &ca, cuts[i]);
      g_autofree char *fp_a = tandem_tls_certificate_get_fingerprint (cert_a);
      g_autofree char *fp_b = tandem_tls_certificate_get_fingerprint (cert_b);
      g_autoptr(TandemShareE2e) server = tandem_share_e2e_new (ca, TRUE, cert_a, fp_b, NULL);
      g_autoptr(TandemShareE2e) client = tandem_share_e2e_new (cb, FALSE, cert_b, fp_a, NULL);
      Handshakes h = { 0 };

      run_handshakes (server, client, &h);
      g_assert_false (h.ok[0]);
      g_assert_false (h.ok[1]);
      g_assert_error (h.error[0], TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_FAILED);
      g_assert_true (g_str_has_prefix (h.error[0]->message, "The end-to-end encryption handshake failed"));
      g_assert_error (h.error[1], TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_FAILED);
      g_clear_error (&h.error[0]);
      g_clear_error (&h.error[1]);
      g_byte_array_unref (forwarder_free (f));
    }
}

/* a peer that never answers: the timeout */
static void
test_silent_peer (void)
{
  int fds[2];
  g_autofree char *fp_b = tandem_tls_certificate_get_fingerprint (cert_b);
  g_autoptr(TandemShareE2e) client = NULL;
  Handshakes h = { 0 };

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  client = tandem_share_e2e_new (fds[0], FALSE, cert_a, fp_b, NULL);
  tandem_share_e2e_set_timeout (client, 200);
  run_handshakes (NULL, client, &h);
  g_assert_error (h.error[1], TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_TIMED_OUT);
  g_clear_error (&h.error[1]);
  close (fds[1]);
}

static void
test_no_fingerprint (void)
{
  int fds[2];
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  g_assert_null (tandem_share_e2e_new (fds[0], TRUE, cert_a, NULL, &error));
  g_assert_error (error, TANDEM_MSRP_ERROR, TANDEM_MSRP_ERROR_INVALID_SDP);
  close (fds[1]);
}

static void
test_code (void)
{
  g_autofree char *fp_a = tandem_tls_certificate_get_fingerprint (cert_a);
  g_autofree char *fp_b = tandem_tls_certificate_get_fingerprint (cert_b);
  g_autofree char *fp_c = tandem_tls_certificate_get_fingerprint (cert_c);
  g_autofree char *ab = tandem_share_e2e_compute_code (fp_a, fp_b);
  g_autofree char *ba = tandem_share_e2e_compute_code (fp_b, fp_a);
  g_autofree char *ab_lower = NULL;
  g_autofree char *ac = tandem_share_e2e_compute_code (fp_a, fp_c);
  g_autofree char *lower = g_ascii_strdown (fp_b, -1);
  const char *fixed_a = "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
                        "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
  const char *fixed_b = "FF:EE:DD:CC:BB:AA:99:88:77:66:55:44:33:22:11:00:"
                        "FF:EE:DD:CC:BB:AA:99:88:77:66:55:44:33:22:11:00";
  g_autofree char *fixed = tandem_share_e2e_compute_code (fixed_b, fixed_a);
  g_autofree char *expect = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  static const char label[] = "tandem-e2e security code v1";

  ab_lower = tandem_share_e2e_compute_code (fp_a, lower);
  g_assert_true (g_regex_match_simple ("^[0-9A-F]{4} [0-9A-F]{2}$", ab, 0, 0));
  g_assert_cmpstr (ab, ==, ba);
  g_assert_cmpstr (ab, ==, ab_lower);
  g_assert_cmpstr (ab, !=, ac);
  g_assert_null (tandem_share_e2e_compute_code (fp_a, NULL));
  /* the definition, computed here from scratch */
  g_checksum_update (sum, (const guchar *) label, sizeof label);
  g_checksum_update (sum, (const guchar *) fixed_a, strlen (fixed_a) + 1);
  g_checksum_update (sum, (const guchar *) fixed_b, strlen (fixed_b) + 1);
  {
    const char *hex = g_checksum_get_string (sum);

    expect = g_strdup_printf ("%.4s %.2s", hex, hex + 4);
    for (char *p = expect; *p; p++)
      *p = g_ascii_toupper (*p);
  }
  g_assert_cmpstr (fixed, ==, expect);
}

static GTlsCertificate *
make_cert (const char *name)
{
  g_autofree char *dir = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *cert = tandem_tls_identity_ensure (dir, NULL, &error);

  g_assert_no_error (error);
  return cert;
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("test-share-e2e-XXXXXX", NULL);
  cert_a = make_cert ("a");
  cert_b = make_cert ("b");
  cert_c = make_cert ("c");
  g_test_add_func ("/share-e2e/split-round-trip", test_split_round_trip);
  g_test_add_func ("/share-e2e/close", test_close);
  g_test_add_func ("/share-e2e/wrong-fingerprint-viewer", test_wrong_fingerprint_viewer);
  g_test_add_func ("/share-e2e/wrong-fingerprint-sharer", test_wrong_fingerprint_sharer);
  g_test_add_func ("/share-e2e/truncated-handshake", test_truncated_handshake);
  g_test_add_func ("/share-e2e/silent-peer", test_silent_peer);
  g_test_add_func ("/share-e2e/no-fingerprint", test_no_fingerprint);
  g_test_add_func ("/share-e2e/code", test_code);
  ret = g_test_run ();
  g_object_unref (cert_a);
  g_object_unref (cert_b);
  g_object_unref (cert_c);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    (void) !system (cmd);
  }
  g_free (tmpdir);
  return ret;
}
