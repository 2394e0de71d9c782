/* tandem-tcp.c: see the header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-tcp"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "tandem-tcp.h"

/* Connecting a UDP socket only looks the route up: nothing is sent. */
char *
tandem_tcp_pick_local_address (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                            G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GInetAddress) target = g_inet_address_new_from_string ("192.0.2.1");
  g_autoptr(GSocketAddress) remote = g_inet_socket_address_new (target, 9);
  g_autoptr(GSocketAddress) local = NULL;
  char *address = NULL;

  if (socket != NULL && g_socket_connect (socket, remote, NULL, NULL))
    local = g_socket_get_local_address (socket, NULL);
  if (local != NULL)
    {
      GInetAddress *inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local));

      if (!g_inet_address_get_is_any (inet))
        address = g_inet_address_to_string (inet);
    }
  if (socket != NULL)
    g_socket_close (socket, NULL);
  return address != NULL ? address : g_strdup ("127.0.0.1");
}

static GSocket *
stream_get_socket (GIOStream *stream)
{
  if (G_IS_TLS_CONNECTION (stream))
    {
      g_autoptr(GIOStream) base = NULL;

      g_object_get (stream, "base-io-stream", &base, NULL);
      return base != NULL ? stream_get_socket (base) : NULL;
    }
  if (G_IS_SOCKET_CONNECTION (stream))
    return g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));
  return NULL;
}

guint
tandem_tcp_keepalive_idle (guint keepalive_s)
{
  return MAX (1, keepalive_s / 2);
}

/* Probes start after idle seconds, cnt of them intvl apart, and
 * TCP_USER_TIMEOUT bounds unacknowledged data. */
void
tandem_tcp_set_keepalive (GIOStream *stream,
                          guint      keepalive_s)
{
  GSocket *socket;
  guint idle = tandem_tcp_keepalive_idle (keepalive_s);
  guint rest = keepalive_s > idle ? keepalive_s - idle : 0;
  guint cnt = CLAMP (rest, 1, 3);
  guint intvl = MAX (1, rest / cnt);
  g_autoptr(GError) error = NULL;

  if (stream == NULL || (socket = stream_get_socket (stream)) == NULL)
    return;
  g_socket_set_keepalive (socket, TRUE);
  if (!g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPIDLE, idle, &error) ||
      !g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPINTVL, intvl, &error) ||
      !g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPCNT, cnt, &error) ||
      !g_socket_set_option (socket, IPPROTO_TCP, TCP_USER_TIMEOUT, keepalive_s * 1000, &error))
    g_debug ("Cannot set TCP keepalive: %s", error->message);
}
