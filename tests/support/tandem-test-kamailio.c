/* tandem-test-kamailio.c: kamailio fixture (see the header) */
#define G_LOG_DOMAIN "tandem-test-kamailio"

#include "tandem-test-kamailio.h"
#include "tandem-test-netlink.h"
#include "tandem-test-process.h"

#include <string.h>
#include <sys/socket.h>
#include <glib/gstdio.h>

#define READY_TIMEOUT_MS 5000
#define STOP_GRACE_MS    3000

enum { PORT_SIP, PORT_TLS, PORT_MSRP, PORT_MSRP_TLS, N_PORTS };

struct _TandemTestKamailio
{
  TandemTestProcess *process;
  guint16            ports[N_PORTS];
  char              *dir;
  char              *log_file;
  char              *cert_file;
  char              *netns;        /* NULL: the test's own namespace */
  char              *msrp_address; /* the MSRP relay's host in URIs */
};

static const struct { const char *user, *password; } users[] = {
  { "alice", "alice-pw" },
  { "bob", "bob-pw" },
  { "carol", "carol-pw" },
  { "dave", "dave-pw" },
};

static GSocket *
bind_loopback (GSocketType type,
               guint16     port,
               GError    **error)
{
  g_autoptr(GSocket) sock = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, port);

  sock = g_socket_new (G_SOCKET_FAMILY_IPV4, type, G_SOCKET_PROTOCOL_DEFAULT, error);
  if (sock == NULL || !g_socket_bind (sock, addr, FALSE, error))
    return NULL;
  return g_steal_pointer (&sock);
}

static guint16
socket_port (GSocket *sock)
{
  g_autoptr(GSocketAddress) addr = g_socket_get_local_address (sock, NULL);

  return addr ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (addr)) : 0;
}

/* Distinct ports that are free for TCP, and for UDP too: the kernel hands
 * out a port on bind(0); all are held until every one is chosen, then
 * released for kamailio to take. */
static gboolean
pick_ports (guint16  *ports,
            GError  **error)
{
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < N_PORTS; i++)
    {
      for (guint attempt = 0; ; attempt++)
        {
          GSocket *tcp = bind_loopback (G_SOCKET_TYPE_STREAM, 0, error);
          GSocket *udp;

          if (tcp == NULL)
            return FALSE;
          udp = bind_loopback (G_SOCKET_TYPE_DATAGRAM, socket_port (tcp), NULL);
          if (udp != NULL)
            {
              ports[i] = socket_port (tcp);
              g_ptr_array_add (held, tcp);
              g_ptr_array_add (held, udp);
              break;
            }
          g_object_unref (tcp);
          if (attempt == 50)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                           "no free TCP+UDP port on 127.0.0.1");
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* A socket in kamailio's network namespace. */
static GSocket *
new_socket (TandemTestKamailio *self,
            GSocketType         type)
{
  int fd;

  if (self->netns == NULL)
    return g_socket_new (G_SOCKET_FAMILY_IPV4, type, G_SOCKET_PROTOCOL_DEFAULT, NULL);
  fd = tandem_test_netns_socket (self->netns, type == G_SOCKET_TYPE_STREAM ? SOCK_STREAM : SOCK_DGRAM,
                                 NULL);
  return fd >= 0 ? g_socket_new_from_fd (fd, NULL) : NULL;
}

static gboolean
tcp_port_accepts (TandemTestKamailio *self,
                  guint16             port)
{
  g_autoptr(GSocket) sock = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, port);

  sock = new_socket (self, G_SOCKET_TYPE_STREAM);
  return sock != NULL && g_socket_connect (sock, addr, NULL, NULL);
}

/* An OPTIONS to the server itself gets an answer: the SIP workers for
 * that transport are up, not just the listening socket. */
static gboolean
sip_answers (TandemTestKamailio *self,
             GSocketType         type,
             guint16             port)
{
  g_autoptr(GSocket) sock = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, port);
  g_autofree char *request = NULL;
  gboolean udp = type == G_SOCKET_TYPE_DATAGRAM;
  char reply[512];
  gssize n;

  sock = new_socket (self, type);
  if (sock == NULL || !g_socket_connect (sock, addr, NULL, NULL))
    return FALSE;
  request = g_strdup_printf ("OPTIONS sip:127.0.0.1:%u SIP/2.0\r\n"
                             "Via: SIP/2.0/%s 127.0.0.1:%u;branch=z9hG4bK-ready-%08x\r\n"
                             "Max-Forwards: 70\r\n"
                             "From: <sip:ready@127.0.0.1>;tag=ready\r\n"
                             "To: <sip:127.0.0.1:%u>\r\n"
                             "Call-ID: ready-%08x\r\n"
                             "CSeq: 1 OPTIONS\r\n"
                             "Content-Length: 0\r\n\r\n",
                             port, udp ? "UDP" : "TCP", socket_port (sock),
                             g_random_int (), port, g_random_int ());
  if (g_socket_send (sock, request, strlen (request), NULL, NULL) < 0 ||
      !g_socket_condition_timed_wait (sock, G_IO_IN, 300 * 1000, NULL, NULL))
    return FALSE;
  n = g_socket_receive (sock, reply, sizeof reply - 1, NULL, NULL);
  return n > 8 && strncmp (reply, "SIP/2.0 ", 8) == 0;
}

static gboolean
is_ready (TandemTestKamailio *self)
{
  return tcp_port_accepts (self, self->ports[PORT_MSRP]) &&
         sip_answers (self, G_SOCKET_TYPE_DATAGRAM, self->ports[PORT_SIP]) &&
         sip_answers (self, G_SOCKET_TYPE_STREAM, self->ports[PORT_SIP]);
}

static char *
find_script (void)
{
  const char *source_dir = g_getenv ("TANDEM_SOURCE_DIR");

  if (source_dir == NULL || *source_dir == '\0')
    source_dir = TANDEM_TEST_SOURCE_DIR;
  return g_build_filename (source_dir, "build-aux", "tandem-kamailio", NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_DIR) &&
      !g_file_test (path, G_FILE_TEST_IS_SYMLINK) &&
      (dir = g_dir_open (path, 0, NULL)) != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
    }
  g_remove (path);
}

static void
free_self (TandemTestKamailio *self)
{
  if (self->dir != NULL && g_getenv ("TANDEM_TEST_KEEP_DIRS") == NULL)
    remove_tree (self->dir);
  g_free (self->dir);
  g_free (self->log_file);
  g_free (self->cert_file);
  g_free (self->netns);
  g_free (self->msrp_address);
  g_free (self);
}

/* One attempt; *retry says whether another one may succeed (kamailio
 * exited early, e.g. a port picked here was taken in between). */
static TandemTestKamailio *
try_start (const char *netns,
           const char *msrp_address,
           gboolean   *retry,
           GError    **error)
{
  TandemTestKamailio *self = g_new0 (TandemTestKamailio, 1);
  g_autofree char *script = find_script ();
  g_autofree char *sip = NULL, *tls = NULL, *msrp = NULL, *msrp_tls = NULL;
  const char *debug = g_getenv ("TANDEM_KAMAILIO_DEBUG");
  gint64 deadline;

  *retry = FALSE;
  self->netns = g_strdup (netns);
  self->msrp_address = g_strdup (msrp_address != NULL ? msrp_address : "127.0.0.1");
  if (!g_file_test (script, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s is missing or not executable (set TANDEM_SOURCE_DIR)", script);
      free_self (self);
      return NULL;
    }
  self->dir = g_dir_make_tmp ("tandem-kamailio-XXXXXX", error);
  if (self->dir == NULL || !pick_ports (self->ports, error))
    {
      free_self (self);
      return NULL;
    }
  self->log_file = g_build_filename (self->dir, "kamailio.log", NULL);
  self->cert_file = g_build_filename (self->dir, "tls-cert.pem", NULL);

  sip = g_strdup_printf ("%u", self->ports[PORT_SIP]);
  tls = g_strdup_printf ("%u", self->ports[PORT_TLS]);
  msrp = g_strdup_printf ("%u", self->ports[PORT_MSRP]);
  msrp_tls = g_strdup_printf ("%u", self->ports[PORT_MSRP_TLS]);
  {
    g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
    g_auto(GStrv) argv = NULL;

    /* ip netns exec execs the script, which execs kamailio: one pid */
    if (netns != NULL)
      {
        g_strv_builder_add_many (b, "ip", "netns", "exec", netns, NULL);
      }
    g_strv_builder_add_many (b, script, "--dir", self->dir, "--sip-port", sip, "--tls-port", tls,
                             "--msrp-port", msrp, "--msrp-tls-port", msrp_tls,
                             "--debug", debug != NULL ? debug : "1", NULL);
    if (msrp_address != NULL)
      g_strv_builder_add_many (b, "--msrp-address", msrp_address, NULL);
    argv = g_strv_builder_end (b);
    self->process = tandem_test_process_spawn ((const char * const *) argv, self->log_file, -1, -1, error);
  }
  if (self->process == NULL)
    {
      free_self (self);
      return NULL;
    }

  deadline = g_get_monotonic_time () + READY_TIMEOUT_MS * 1000;
  while (!is_ready (self))
    {
      gboolean exited = tandem_test_process_exited (self->process);

      if (exited || g_get_monotonic_time () >= deadline)
        {
          g_autofree char *tail = tandem_test_read_log_tail (self->log_file, 2000);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "kamailio (sip %u, msrp %u) %s; log:\n%s",
                       self->ports[PORT_SIP], self->ports[PORT_MSRP],
                       exited ? "exited before it was ready"
                              : "not ready after 5 s", tail);
          *retry = exited;
          tandem_test_process_stop (self->process, STOP_GRACE_MS);
          free_self (self);
          return NULL;
        }
      g_usleep (20 * 1000);
    }

  g_debug ("kamailio %d ready: sip %u tls %u msrp %u msrp-tls %u in %s",
           (int) tandem_test_process_get_pid (self->process),
           self->ports[PORT_SIP], self->ports[PORT_TLS],
           self->ports[PORT_MSRP], self->ports[PORT_MSRP_TLS], self->dir);
  return self;
}

TandemTestKamailio *
tandem_test_kamailio_start (GError **error)
{
  return tandem_test_kamailio_start_in_netns (NULL, NULL, error);
}

TandemTestKamailio *
tandem_test_kamailio_start_in_netns (const char  *netns,
                                     const char  *msrp_address,
                                     GError     **error)
{
  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean retry = FALSE;
      TandemTestKamailio *self = try_start (netns, msrp_address, &retry, &local_error);

      if (self != NULL)
        return self;
      if (!retry || attempt == 3)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_debug ("retrying: %s", local_error->message);
    }
}

void
tandem_test_kamailio_stop (TandemTestKamailio *self)
{
  if (self == NULL)
    return;
  tandem_test_process_stop (self->process, STOP_GRACE_MS);
  free_self (self);
}

guint16
tandem_test_kamailio_get_sip_port (TandemTestKamailio *self)
{
  return self->ports[PORT_SIP];
}

guint16
tandem_test_kamailio_get_tls_port (TandemTestKamailio *self)
{
  return self->ports[PORT_TLS];
}

guint16
tandem_test_kamailio_get_msrp_port (TandemTestKamailio *self)
{
  return self->ports[PORT_MSRP];
}

guint16
tandem_test_kamailio_get_msrp_tls_port (TandemTestKamailio *self)
{
  return self->ports[PORT_MSRP_TLS];
}

const char *
tandem_test_kamailio_get_domain (TandemTestKamailio *self)
{
  return TANDEM_TEST_DOMAIN;
}

const char *
tandem_test_kamailio_get_netns (TandemTestKamailio *self)
{
  return self->netns;
}

const char *
tandem_test_kamailio_get_msrp_address (TandemTestKamailio *self)
{
  return self->msrp_address;
}

const char *
tandem_test_kamailio_get_dir (TandemTestKamailio *self)
{
  return self->dir;
}

const char *
tandem_test_kamailio_get_log_file (TandemTestKamailio *self)
{
  return self->log_file;
}

const char *
tandem_test_kamailio_get_cert_file (TandemTestKamailio *self)
{
  return self->cert_file;
}

GPid
tandem_test_kamailio_get_pid (TandemTestKamailio *self)
{
  return tandem_test_process_get_pid (self->process);
}

const char *
tandem_test_kamailio_get_password (const char *user)
{
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    if (g_strcmp0 (users[i].user, user) == 0)
      return users[i].password;
  return NULL;
}

/* "udp", "tcp" or "tls" -> e.g. "sip:127.0.0.1:5071;transport=tcp" */
char *
tandem_test_kamailio_dup_proxy_uri (TandemTestKamailio *self,
                                    const char         *transport)
{
  if (g_strcmp0 (transport, "tls") == 0)
    return g_strdup_printf ("sip:127.0.0.1:%u;transport=tls", self->ports[PORT_TLS]);
  if (g_strcmp0 (transport, "tcp") == 0)
    return g_strdup_printf ("sip:127.0.0.1:%u;transport=tcp", self->ports[PORT_SIP]);
  return g_strdup_printf ("sip:127.0.0.1:%u", self->ports[PORT_SIP]);
}

/* "msrp://127.0.0.1:M;tcp" or "msrps://127.0.0.1:MT;tcp" */
char *
tandem_test_kamailio_dup_msrp_relay_uri (TandemTestKamailio *self,
                                         gboolean            tls)
{
  return g_strdup_printf ("%s://%s:%u;tcp", tls ? "msrps" : "msrp",
                          tls ? "127.0.0.1" : self->msrp_address,
                          self->ports[tls ? PORT_MSRP_TLS : PORT_MSRP]);
}

char *
tandem_test_kamailio_dup_log_tail (TandemTestKamailio *self,
                                   gsize               max_bytes)
{
  return tandem_test_read_log_tail (self->log_file, max_bytes);
}
