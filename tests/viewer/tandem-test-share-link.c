/* tandem-test-share-link.c: two bound MSRP sessions with RFB tunnels, for
 * the share tests and benchmark.  See the header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-share-link"

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tandem-msrp-session.h"
#include "tandem-test-netlink.h"
#include "tandem-test-share-link.h"

#define SETUP_MS 10000

/* ---- a TCP forwarder that can be cut ------------------------------------ */

typedef struct {
  int      listen_fd;
  int      wake[2];
  guint16  port;
  guint16  target_port;
  GThread *thread;
  int      a, b;          /* viewer side, sharer side; -1 until connected */
  GMutex   lock;
  gint64   cut_at;        /* under lock: downstream byte count to cut at, -1 none */
  gint64   down;          /* under lock: bytes sharer -> viewer */
  gint     cut;           /* atomic */
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

static int
connect_loopback (guint16 port)
{
  struct sockaddr_in sin = { 0 };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  sin.sin_family = AF_INET;
  sin.sin_port = htons (port);
  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd >= 0 && connect (fd, (struct sockaddr *) &sin, sizeof sin) < 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static gpointer
forwarder_thread (gpointer data)
{
  Forwarder *f = data;
  struct pollfd pfd[3] = { { f->listen_fd, POLLIN, 0 }, { f->wake[0], POLLIN, 0 }, { -1, 0, 0 } };
  char buf[65536];
  int a, b;

  if (poll (pfd, 2, -1) <= 0 || (pfd[1].revents & POLLIN))
    return NULL;
  a = accept4 (f->listen_fd, NULL, NULL, SOCK_CLOEXEC);
  b = a >= 0 ? connect_loopback (f->target_port) : -1;
  if (a < 0 || b < 0)
    {
      if (a >= 0)
        close (a);
      return NULL;
    }
  g_mutex_lock (&f->lock);
  f->a = a;
  f->b = b;
  g_mutex_unlock (&f->lock);

  for (;;)
    {
      struct pollfd fds[3] = { { a, POLLIN, 0 }, { b, POLLIN, 0 }, { f->wake[0], POLLIN, 0 } };

      if (poll (fds, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (fds[2].revents & POLLIN)
        break;
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
        {
          ssize_t n = recv (a, buf, sizeof buf, 0);

          if (n <= 0 || !write_all (b, buf, n))
            break;
        }
      if (fds[1].revents & (POLLIN | POLLHUP | POLLERR))
        {
          ssize_t n = recv (b, buf, sizeof buf, 0);
          gint64 cut_at, down;

          if (n <= 0)
            break;
          g_mutex_lock (&f->lock);
          cut_at = f->cut_at;
          down = f->down;
          f->down = cut_at >= 0 ? MIN (down + n, cut_at) : down + n;
          g_mutex_unlock (&f->lock);
          if (cut_at >= 0 && down + n >= cut_at)
            {
              /* Deliver up to the cut, then drop both connections hard. */
              struct linger lg = { 1, 0 };

              write_all (a, buf, cut_at - down);
              setsockopt (a, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
              setsockopt (b, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
              g_atomic_int_set (&f->cut, 1);
              break;
            }
          if (!write_all (a, buf, n))
            break;
        }
    }
  /* One side ended (or was cut): so does the other, as a TCP proxy would.
   * Under the lock: forwarder_free() may be shutting them down. */
  g_mutex_lock (&f->lock);
  close (a);
  close (b);
  f->a = f->b = -1;
  g_mutex_unlock (&f->lock);
  g_main_context_wakeup (NULL);
  return NULL;
}

static Forwarder *
forwarder_new (guint16  target_port,
               GError **error)
{
  Forwarder *f = g_new0 (Forwarder, 1);
  struct sockaddr_in sin = { 0 };
  socklen_t len = sizeof sin;

  g_mutex_init (&f->lock);
  f->target_port = target_port;
  f->a = f->b = -1;
  f->cut_at = -1;
  f->listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (f->listen_fd < 0 || bind (f->listen_fd, (struct sockaddr *) &sin, sizeof sin) < 0
      || listen (f->listen_fd, 1) < 0 || getsockname (f->listen_fd, (struct sockaddr *) &sin, &len) < 0
      || pipe2 (f->wake, O_CLOEXEC | O_NONBLOCK) < 0)
    {
      int saved = errno;

      if (f->listen_fd >= 0)
        close (f->listen_fd);
      g_mutex_clear (&f->lock);
      g_free (f);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "forwarder: %s", g_strerror (saved));
      return NULL;
    }
  f->port = ntohs (sin.sin_port);
  f->thread = g_thread_new ("forwarder", forwarder_thread, f);
  return f;
}

static void
forwarder_free (Forwarder *f)
{
  if (f == NULL)
    return;
  (void) !write (f->wake[1], "x", 1);
  /* Unblocks a write stuck on a full socket; the thread closes them. */
  g_mutex_lock (&f->lock);
  if (f->a >= 0)
    shutdown (f->a, SHUT_RDWR);
  if (f->b >= 0)
    shutdown (f->b, SHUT_RDWR);
  g_mutex_unlock (&f->lock);
  g_thread_join (f->thread);
  close (f->listen_fd);
  close (f->wake[0]);
  close (f->wake[1]);
  g_mutex_clear (&f->lock);
  g_free (f);
}

/* ---- relay AUTH (RFC 4976), blocking, test setup only -------------------- */

static char *
md5_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);
}

static char *
header_value (const char *msg,
              const char *name)
{
  g_auto(GStrv) lines = g_strsplit (msg, "\r\n", -1);
  gsize len = strlen (name);

  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    if (strncmp (lines[i], name, len) == 0 && lines[i][len] == ':')
      return g_strstrip (g_strdup (lines[i] + len + 1));
  return NULL;
}

static char *
auth_param (const char *challenge,
            const char *name)
{
  g_autofree char *key = g_strdup_printf ("%s=", name);
  const char *p = challenge;

  while ((p = strstr (p, key)) != NULL)
    {
      if (p == challenge || p[-1] == ' ' || p[-1] == ',')
        {
          const char *v = p + strlen (key);

          if (*v == '"')
            {
              const char *end = strchr (v + 1, '"');

              return end != NULL ? g_strndup (v + 1, end - v - 1) : NULL;
            }
          return g_strndup (v, strcspn (v, ", "));
        }
      p++;
    }
  return NULL;
}

/* One whole MSRP frame (the relay sends nothing unasked before the 200). */
static char *
read_frame (GSocket  *sock,
            GError  **error)
{
  GString *in = g_string_new (NULL);

  for (;;)
    {
      char chunk[4096];
      gssize n;
      const char *sp = g_str_has_prefix (in->str, "MSRP ") ? strchr (in->str + 5, ' ') : NULL;

      if (sp != NULL)
        {
          g_autofree char *tid = g_strndup (in->str + 5, sp - in->str - 5);
          g_autofree char *end = g_strdup_printf ("-------%s", tid);
          const char *hit = strstr (in->str, end);

          if (hit != NULL && strstr (hit, "\r\n") != NULL)
            return g_string_free (in, FALSE);
        }
      n = g_socket_receive (sock, chunk, sizeof chunk, NULL, error);
      if (n <= 0)
        {
          if (n == 0)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "relay closed");
          g_string_free (in, TRUE);
          return NULL;
        }
      g_string_append_len (in, chunk, n);
    }
}

static gboolean
send_text (GSocket    *sock,
           const char *text,
           GError    **error)
{
  gsize len = strlen (text), done = 0;

  while (done < len)
    {
      gssize n = g_socket_send (sock, text + done, len - done, NULL, error);

      if (n < 0)
        return FALSE;
      done += n;
    }
  return TRUE;
}

/* Connects to the relay and authenticates @user; returns the connection,
 * the own URI (session @sid on the local port) and the Use-Path. */
/* A blocking TCP connection to @host:@port from a socket made in @netns
 * (NULL: our own). */
static GSocketConnection *
connect_from (const char *netns,
              const char *host,
              guint16     port,
              GError    **error)
{
  g_autoptr(GSocket) sock = NULL;
  g_autoptr(GInetAddress) ip = g_inet_address_new_from_string (host);
  g_autoptr(GSocketAddress) addr = NULL;
  int fd;

  if (ip == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not an address: %s", host);
      return NULL;
    }
  addr = g_inet_socket_address_new (ip, port);
  if (netns == NULL)
    sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  else if ((fd = tandem_test_netns_socket (netns, SOCK_STREAM, error)) >= 0)
    sock = g_socket_new_from_fd (fd, error);
  if (sock == NULL || !g_socket_connect (sock, addr, NULL, error))
    return NULL;
  return g_socket_connection_factory_create_connection (sock);
}

static GSocketConnection *
relay_auth (TandemTestKamailio *k,
            const char         *netns,
            const char         *user,
            const char         *sid,
            char              **own_uri,
            char              **use_path,
            GError            **error)
{
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autofree char *relay_uri = tandem_test_kamailio_dup_msrp_relay_uri (k, FALSE);
  g_autofree char *first = NULL, *reply = NULL, *challenge = NULL, *second = NULL;
  g_autofree char *realm = NULL, *nonce = NULL, *qop = NULL, *opaque = NULL;
  g_autofree char *ha1 = NULL, *ha2 = NULL, *kd = NULL, *response = NULL, *a1 = NULL, *a2 = NULL;
  g_autofree char *cnonce = g_strdup_printf ("%08x", g_random_int ());
  GString *cred;
  GSocket *sock;

  conn = connect_from (netns, tandem_test_kamailio_get_msrp_address (k),
                       tandem_test_kamailio_get_msrp_port (k), error);
  if (conn == NULL)
    return NULL;
  sock = g_socket_connection_get_socket (conn);
  g_socket_set_timeout (sock, SETUP_MS / 1000);
  local = g_socket_get_local_address (sock, error);
  if (local == NULL)
    return NULL;
  {
    g_autofree char *host = g_inet_address_to_string (
      g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));

    *own_uri = g_strdup_printf ("msrp://%s:%u/%s;tcp", host,
                                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)), sid);
  }

  first = g_strdup_printf ("MSRP a1%s AUTH\r\nTo-Path: %s\r\nFrom-Path: %s\r\n-------a1%s$\r\n",
                           sid, relay_uri, *own_uri, sid);
  if (!send_text (sock, first, error) || (reply = read_frame (sock, error)) == NULL)
    return NULL;
  challenge = header_value (reply, "WWW-Authenticate");
  if (challenge == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "relay: no challenge in %s", reply);
      return NULL;
    }
  realm = auth_param (challenge, "realm");
  nonce = auth_param (challenge, "nonce");
  qop = auth_param (challenge, "qop");
  opaque = auth_param (challenge, "opaque");
  a1 = g_strdup_printf ("%s:%s:%s", user, realm, tandem_test_kamailio_get_password (user));
  a2 = g_strdup_printf ("AUTH:%s", relay_uri);
  ha1 = md5_hex (a1);
  ha2 = md5_hex (a2);
  kd = qop != NULL ? g_strdup_printf ("%s:%s:00000001:%s:auth:%s", ha1, nonce, cnonce, ha2)
                   : g_strdup_printf ("%s:%s:%s", ha1, nonce, ha2);
  response = md5_hex (kd);
  cred = g_string_new (NULL);
  g_string_append_printf (cred, "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", "
                          "response=\"%s\", algorithm=MD5", user, realm, nonce, relay_uri, response);
  if (qop != NULL)
    g_string_append_printf (cred, ", qop=auth, nc=00000001, cnonce=\"%s\"", cnonce);
  if (opaque != NULL)
    g_string_append_printf (cred, ", opaque=\"%s\"", opaque);
  second = g_strdup_printf ("MSRP a2%s AUTH\r\nTo-Path: %s\r\nFrom-Path: %s\r\nAuthorization: %s\r\n"
                            "-------a2%s$\r\n", sid, relay_uri, *own_uri, cred->str, sid);
  g_string_free (cred, TRUE);
  g_clear_pointer (&reply, g_free);
  if (!send_text (sock, second, error) || (reply = read_frame (sock, error)) == NULL)
    return NULL;
  *use_path = header_value (reply, "Use-Path");
  if (strstr (reply, " 200 ") == NULL || *use_path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "relay refused AUTH: %.60s", reply);
      return NULL;
    }
  g_socket_set_timeout (sock, 0);
  return g_steal_pointer (&conn);
}

/* ---- the link ---------------------------------------------------------------- */

struct _TandemTestShareLink {
  TandemMsrpSession *session[2];   /* sharer, viewer */
  TandemRfbTunnel   *tunnel[2];
  Forwarder         *forwarder;
  int                pending;
  GError            *error;
  gboolean           closed[2];
};

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  TandemTestShareLink *self = data;
  GError *error = NULL;

  if (!tandem_msrp_session_start_finish (TANDEM_MSRP_SESSION (source), result, &error))
    {
      if (self->error == NULL)
        self->error = error;
      else
        g_error_free (error);
    }
  self->pending--;
}

static void
on_tunnel_closed (TandemRfbTunnel *tunnel,
                  gpointer         data)
{
  TandemTestShareLink *self = data;

  self->closed[tunnel == self->tunnel[0] ? 0 : 1] = TRUE;
}

static GPtrArray *
path_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_msrp_uri_free);
}

static gboolean
path_add (GPtrArray  *path,
          const char *text,
          GError    **error)
{
  g_auto(GStrv) uris = g_strsplit (text, " ", -1);

  for (guint i = 0; uris[i] != NULL; i++)
    {
      TandemMsrpUri *uri;

      if (uris[i][0] == '\0')
        continue;
      uri = tandem_msrp_uri_parse (uris[i], error);
      if (uri == NULL)
        return FALSE;
      g_ptr_array_add (path, uri);
    }
  return TRUE;
}

TandemTestShareLink *
tandem_test_share_link_new (TandemTestLinkKind   kind,
                            TandemTestKamailio  *relay,
                            int                 *sharer_fd,
                            int                 *viewer_fd,
                            GError             **error)
{
  return tandem_test_share_link_new_on_netlink (kind, relay, NULL, sharer_fd, viewer_fd, error);
}

TandemTestShareLink *
tandem_test_share_link_new_on_netlink (TandemTestLinkKind   kind,
                                       TandemTestKamailio  *relay,
                                       TandemTestNetlink   *netlink,
                                       int                 *sharer_fd,
                                       int                 *viewer_fd,
                                       GError             **error)
{
  const char *near_ns = netlink ? tandem_test_netlink_get_netns (netlink, TANDEM_TEST_NETLINK_NEAR) : NULL;
  const char *far_ns = netlink ? tandem_test_netlink_get_netns (netlink, TANDEM_TEST_NETLINK_FAR) : NULL;
  g_autoptr(TandemTestShareLink) self = g_new0 (TandemTestShareLink, 1);
  g_autofree char *sid_s = tandem_msrp_uri_new_session_id ();
  g_autofree char *sid_v = tandem_msrp_uri_new_session_id ();
  g_autoptr(GPtrArray) to_sharer = path_new ();   /* the viewer's To-Path */
  g_autoptr(GPtrArray) to_viewer = path_new ();   /* the sharer's To-Path */
  g_autoptr(GSocketConnection) conn_s = NULL;
  g_autoptr(GSocketConnection) conn_v = NULL;
  gint64 deadline;

  if (kind == TANDEM_TEST_LINK_RELAY)
    {
      g_autofree char *uri_s = NULL, *use_s = NULL, *uri_v = NULL, *use_v = NULL;
      g_autofree char *p_s = NULL, *p_v = NULL;
      g_autoptr(TandemMsrpUri) u_s = NULL;
      g_autoptr(TandemMsrpUri) u_v = NULL;

      g_return_val_if_fail (relay != NULL, NULL);
      conn_s = relay_auth (relay, near_ns, "bob", sid_s, &uri_s, &use_s, error);
      if (conn_s == NULL)
        return NULL;
      conn_v = relay_auth (relay, far_ns, "alice", sid_v, &uri_v, &use_v, error);
      if (conn_v == NULL)
        return NULL;
      /* A sender's To-Path: its own Use-Path, then the peer's advertised
       * path (the peer's Use-Path and URI). */
      p_v = g_strdup_printf ("%s %s %s", use_v, use_s, uri_s);
      p_s = g_strdup_printf ("%s %s %s", use_s, use_v, uri_v);
      if (!path_add (to_sharer, p_v, error) || !path_add (to_viewer, p_s, error))
        return NULL;
      u_s = tandem_msrp_uri_parse (uri_s, error);
      u_v = u_s != NULL ? tandem_msrp_uri_parse (uri_v, error) : NULL;
      if (u_v == NULL)
        return NULL;
      self->session[0] = tandem_msrp_session_new (u_s, NULL);
      self->session[1] = tandem_msrp_session_new (u_v, NULL);
    }
  else
    {
      const char *host_s = netlink ? tandem_test_netlink_get_address (netlink, TANDEM_TEST_NETLINK_NEAR)
                                   : "127.0.0.1";
      const char *host_v = netlink ? tandem_test_netlink_get_address (netlink, TANDEM_TEST_NETLINK_FAR)
                                   : "127.0.0.1";
      g_autoptr(TandemMsrpUri) u_s = tandem_msrp_uri_new (FALSE, host_s, 0, sid_s);
      g_autoptr(TandemMsrpUri) u_v = tandem_msrp_uri_new (FALSE, host_v, 9, sid_v);
      g_autoptr(GInetAddress) listen_ip = g_inet_address_new_from_string (host_s);
      TandemMsrpUri *target;
      gboolean listening;

      g_return_val_if_fail (netlink == NULL || kind == TANDEM_TEST_LINK_DIRECT, NULL);
      self->session[0] = tandem_msrp_session_new (u_s, NULL);
      self->session[1] = tandem_msrp_session_new (u_v, NULL);
      /* the listening socket is made in the near namespace */
      if (near_ns != NULL && !tandem_test_netns_enter (near_ns, error))
        return NULL;
      listening = tandem_msrp_session_listen (self->session[0], listen_ip, 0, error);
      if (near_ns != NULL)
        tandem_test_netns_leave ();
      if (!listening)
        return NULL;
      target = tandem_msrp_uri_copy (tandem_msrp_session_get_local_uri (self->session[0]));
      /* over the link the viewer connects itself, from the far side */
      if (far_ns != NULL &&
          (conn_v = connect_from (far_ns, host_s, target->port, error)) == NULL)
        {
          tandem_msrp_uri_free (target);
          return NULL;
        }
      if (kind == TANDEM_TEST_LINK_FORWARDER)
        {
          self->forwarder = forwarder_new (target->port, error);
          if (self->forwarder == NULL)
            {
              tandem_msrp_uri_free (target);
              return NULL;
            }
          target->port = self->forwarder->port;
        }
      g_ptr_array_add (to_sharer, target);
      g_ptr_array_add (to_viewer, tandem_msrp_uri_copy (u_v));
    }

  self->pending = 2;
  tandem_msrp_session_start_async (self->session[0], TANDEM_MSRP_SETUP_PASSIVE, to_viewer,
                                   conn_s != NULL ? G_IO_STREAM (conn_s) : NULL, NULL, on_started, self);
  tandem_msrp_session_start_async (self->session[1], TANDEM_MSRP_SETUP_ACTIVE, to_sharer,
                                   conn_v != NULL ? G_IO_STREAM (conn_v) : NULL, NULL, on_started, self);
  deadline = g_get_monotonic_time () + SETUP_MS * 1000;
  while (self->pending > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (self->pending > 0 || self->error != NULL)
    {
      if (self->error != NULL)
        g_propagate_error (error, g_steal_pointer (&self->error));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "MSRP sessions did not bind");
      /* on_started still needs self: close, and wait for the callbacks. */
      tandem_msrp_session_close (self->session[0]);
      tandem_msrp_session_close (self->session[1]);
      while (self->pending > 0)
        g_main_context_iteration (NULL, TRUE);
      g_clear_error (&self->error);
      return NULL;
    }

  for (int i = 0; i < 2; i++)
    {
      int sv[2];

      if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "socketpair: %s", g_strerror (errno));
          return NULL;
        }
      self->tunnel[i] = tandem_rfb_tunnel_new (self->session[i], sv[0], error);
      if (self->tunnel[i] == NULL)
        {
          close (sv[0]);
          close (sv[1]);
          return NULL;
        }
      g_signal_connect (self->tunnel[i], "closed", G_CALLBACK (on_tunnel_closed), self);
      *(i == 0 ? sharer_fd : viewer_fd) = sv[1];
    }
  return g_steal_pointer (&self);
}

TandemRfbTunnel *
tandem_test_share_link_get_tunnel (TandemTestShareLink *self,
                                   gboolean             sharer)
{
  return self->tunnel[sharer ? 0 : 1];
}

void
tandem_test_share_link_set_viewer_reports (TandemTestShareLink *self,
                                           gboolean             reports)
{
  tandem_msrp_session_set_send_reports (self->session[1], reports);
}

void
tandem_test_share_link_cut_after (TandemTestShareLink *self,
                                  guint64              bytes)
{
  g_return_if_fail (self->forwarder != NULL);
  g_mutex_lock (&self->forwarder->lock);
  self->forwarder->cut_at = self->forwarder->down + bytes;
  g_mutex_unlock (&self->forwarder->lock);
}

gboolean
tandem_test_share_link_was_cut (TandemTestShareLink *self)
{
  return self->forwarder != NULL && g_atomic_int_get (&self->forwarder->cut);
}

gboolean
tandem_test_share_link_closed (TandemTestShareLink *self)
{
  return self->closed[0] && self->closed[1];
}

gboolean
tandem_test_share_link_tunnel_closed (TandemTestShareLink *self,
                                      gboolean             sharer)
{
  return self->closed[sharer ? 0 : 1];
}

void
tandem_test_share_link_free (TandemTestShareLink *self)
{
  if (self == NULL)
    return;
  for (int i = 0; i < 2; i++)
    {
      if (self->tunnel[i] != NULL)
        {
          g_signal_handlers_disconnect_by_data (self->tunnel[i], self);
          tandem_rfb_tunnel_close (self->tunnel[i]);
          g_object_unref (self->tunnel[i]);
        }
      if (self->session[i] != NULL)
        {
          tandem_msrp_session_close (self->session[i]);
          g_object_unref (self->session[i]);
        }
    }
  forwarder_free (self->forwarder);
  g_clear_error (&self->error);
  g_free (self);
}
