/* tandem-test-rtp-sniff.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-test-rtp-sniff"

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tandem-test-rtp-sniff.h"

typedef enum { KIND_RTP, KIND_ZRTP } Kind;

typedef struct {
  guint16  sport, dport;
  Kind     kind;
  guint32  ssrc;
  char    *digest;    /* of the RTP payload */
} Packet;

struct _TandemTestRtpSniff
{
  int                 fd;
  int                 stop_pipe[2];
  GThread            *thread;
  GArray             *packets;   /* Packet, owned by the thread until it stops */
};

static void
packet_clear (gpointer data)
{
  g_free (((Packet *) data)->digest);
}

static gboolean
looks_like_zrtp (const guint8 *p,
                 gsize         len)
{
  /* RFC 6189: first byte 0x10 (or 0x11), magic cookie 0x5a525450 at 4. */
  return len >= 12 && (p[0] & 0xf0) == 0x10 && memcmp (p + 4, "ZRTP", 4) == 0;
}

static void
inspect_udp (TandemTestRtpSniff *self,
             guint16             sport,
             guint16             dport,
             const guint8       *p,
             gsize               len)
{
  Packet packet = { sport, dport, KIND_RTP, 0, NULL };
  guint pt, cc, header;

  if (looks_like_zrtp (p, len))
    {
      packet.kind = KIND_ZRTP;
      g_array_append_val (self->packets, packet);
      return;
    }
  if (len < 12 || (p[0] >> 6) != 2)
    return;
  pt = p[1] & 0x7f;
  /* Audio payload types; 72-76 with the marker are RTCP (200-204). */
  if (!(pt <= 34 || (pt >= 96 && pt <= 127)) || (p[1] >= 200 && p[1] <= 204))
    return;
  cc = p[0] & 0x0f;
  header = 12 + 4 * cc;
  if ((p[0] & 0x10) != 0 && len >= header + 4)
    header += 4 + 4 * ((p[header + 2] << 8) | p[header + 3]);
  if (len <= header)
    return;
  memcpy (&packet.ssrc, p + 8, 4);
  packet.ssrc = ntohl (packet.ssrc);
  packet.digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, p + header, len - header);
  g_array_append_val (self->packets, packet);
}

static gpointer
run (gpointer data)
{
  TandemTestRtpSniff *self = data;
  guint8 buf[65536];

  for (;;)
    {
      struct pollfd fds[2] = { { self->fd, POLLIN, 0 }, { self->stop_pipe[0], POLLIN, 0 } };
      struct sockaddr_ll from;
      socklen_t fromlen = sizeof from;
      const struct iphdr *ip = (const struct iphdr *) buf;
      ssize_t n;
      gsize ihl;

      if (poll (fds, 2, -1) < 0 && errno != EINTR)
        break;
      if (fds[1].revents != 0)
        break;
      if ((fds[0].revents & POLLIN) == 0)
        continue;
      n = recvfrom (self->fd, buf, sizeof buf, 0, (struct sockaddr *) &from, &fromlen);
      if (n < (ssize_t) sizeof (struct iphdr))
        continue;
      /* Loopback shows each packet going out and coming in: count once. */
      if (from.sll_pkttype == PACKET_OUTGOING)
        continue;
      if (ip->version != 4 || ip->protocol != IPPROTO_UDP)
        continue;
      ihl = ip->ihl * 4;
      if ((gsize) n < ihl + sizeof (struct udphdr))
        continue;
      {
        const struct udphdr *udp = (const struct udphdr *) (buf + ihl);

        inspect_udp (self, ntohs (udp->source), ntohs (udp->dest),
                     buf + ihl + sizeof (struct udphdr), n - ihl - sizeof (struct udphdr));
      }
    }
  return NULL;
}

TandemTestRtpSniff *
tandem_test_rtp_sniff_start (GError **error)
{
  TandemTestRtpSniff *self;
  struct sockaddr_ll addr = { 0 };
  int fd = socket (AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons (ETH_P_IP));

  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "No packet socket (needs CAP_NET_RAW): %s", g_strerror (errno));
      return NULL;
    }
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons (ETH_P_IP);
  addr.sll_ifindex = if_nametoindex ("lo");
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Cannot listen on lo: %s", g_strerror (errno));
      close (fd);
      return NULL;
    }

  self = g_new0 (TandemTestRtpSniff, 1);
  self->fd = fd;
  self->packets = g_array_new (FALSE, FALSE, sizeof (Packet));
  g_array_set_clear_func (self->packets, packet_clear);
  g_assert_true (g_unix_open_pipe (self->stop_pipe, FD_CLOEXEC, NULL));
  self->thread = g_thread_new ("rtp-sniff", run, self);
  return self;
}

/* The local ports of the UDP sockets @pid holds: its fds' socket inodes
 * looked up in /proc/net/udp. */
static void
add_ports (GPid        pid,
           GHashTable *ports)
{
  g_autofree char *fd_dir = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GHashTable) inodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) dir = g_dir_open (fd_dir, 0, NULL);
  g_autofree char *table = NULL;
  g_auto(GStrv) lines = NULL;
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fd_dir, name, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      if (target != NULL && g_str_has_prefix (target, "socket:["))
        g_hash_table_add (inodes, g_strndup (target + 8, strlen (target) - 9));
    }

  g_assert_true (g_file_get_contents ("/proc/net/udp", &table, NULL, NULL));
  lines = g_strsplit (table, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      GPtrArray *words = g_ptr_array_new ();
      const char *local, *colon;

      for (guint j = 0; fields[j] != NULL; j++)
        if (*fields[j] != '\0')
          g_ptr_array_add (words, fields[j]);
      /* sl local rem st tx:rx tr:tm retrnsmt uid timeout inode */
      if (words->len > 9 && g_hash_table_contains (inodes, words->pdata[9]))
        {
          local = words->pdata[1];
          colon = strchr (local, ':');
          if (colon != NULL)
            g_hash_table_add (ports, GUINT_TO_POINTER (g_ascii_strtoull (colon + 1, NULL, 16)));
        }
      g_ptr_array_free (words, TRUE);
    }
}

void
tandem_test_rtp_sniff_stop (TandemTestRtpSniff *self,
                            const GPid         *pids,
                            guint               n_pids,
                            TandemTestRtpStats *out)
{
  g_autoptr(GHashTable) ports = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) ssrcs = g_hash_table_new (NULL, NULL);
  char byte = 1;

  for (guint i = 0; i < n_pids; i++)
    add_ports (pids[i], ports);

  g_assert_cmpint (write (self->stop_pipe[1], &byte, 1), ==, 1);
  g_thread_join (self->thread);

  memset (out, 0, sizeof *out);
  for (guint i = 0; i < self->packets->len; i++)
    {
      Packet *packet = &g_array_index (self->packets, Packet, i);

      if (!g_hash_table_contains (ports, GUINT_TO_POINTER (packet->sport)) &&
          !g_hash_table_contains (ports, GUINT_TO_POINTER (packet->dport)))
        continue;
      if (packet->kind == KIND_ZRTP)
        {
          out->zrtp_packets++;
          continue;
        }
      out->rtp_packets++;
      g_hash_table_add (ssrcs, GUINT_TO_POINTER (packet->ssrc));
      if (!g_hash_table_add (seen, g_strdup_printf ("%08x:%s", packet->ssrc, packet->digest)))
        out->rtp_repeated++;
    }
  out->streams = g_hash_table_size (ssrcs);

  close (self->fd);
  close (self->stop_pipe[0]);
  close (self->stop_pipe[1]);
  g_array_unref (self->packets);
  g_free (self);
}
