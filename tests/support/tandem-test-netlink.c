/* tandem-test-netlink.c: two network namespaces joined by TUN devices and
 * a shaping forwarder (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-test-netlink"

#define _GNU_SOURCE

#include "tandem-test-netlink.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#define NEAR_ADDRESS "10.210.0.1"
#define FAR_ADDRESS  "10.210.0.2"
#define MAX_PACKET   65536

/* ---- namespaces ------------------------------------------------------------ */

static __thread int saved_netns = -1;

static int
open_netns (const char *netns,
            GError    **error)
{
  g_autofree char *path = g_build_filename ("/run/netns", netns, NULL);
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                 "network namespace %s: %s", netns, g_strerror (errno));
  return fd;
}

gboolean
tandem_test_netns_enter (const char *netns,
                         GError    **error)
{
  int fd;

  g_return_val_if_fail (saved_netns < 0, FALSE);
  saved_netns = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (saved_netns < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "own network namespace: %s", g_strerror (errno));
      return FALSE;
    }
  fd = open_netns (netns, error);
  if (fd < 0 || setns (fd, CLONE_NEWNET) < 0)
    {
      if (fd >= 0)
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                     "entering %s: %s", netns, g_strerror (errno));
      if (fd >= 0)
        close (fd);
      close (saved_netns);
      saved_netns = -1;
      return FALSE;
    }
  close (fd);
  return TRUE;
}

void
tandem_test_netns_leave (void)
{
  g_return_if_fail (saved_netns >= 0);
  if (setns (saved_netns, CLONE_NEWNET) < 0)
    g_error ("cannot return to the own network namespace: %s", g_strerror (errno));
  close (saved_netns);
  saved_netns = -1;
}

int
tandem_test_netns_socket (const char *netns,
                          int         type,
                          GError    **error)
{
  int fd;

  if (!tandem_test_netns_enter (netns, error))
    return -1;
  fd = socket (AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                 "socket in %s: %s", netns, g_strerror (errno));
  tandem_test_netns_leave ();
  return fd;
}

static gboolean
run_ip (GError **error,
        ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  int status;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) "ip");
  va_start (ap, error);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &out, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_autofree char *cmd = g_strjoinv (" ", (char **) argv->pdata);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", cmd,
                   out != NULL ? g_strstrip (out) : "failed");
      return FALSE;
    }
  return TRUE;
}

/* Namespaces "t10-<pid>-..." whose process is gone. */
static void
remove_stale (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/run/netns", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      char *end = NULL;
      gint64 pid;

      if (!g_str_has_prefix (name, "t10-"))
        continue;
      pid = g_ascii_strtoll (name + 4, &end, 10);
      if (end == name + 4 || *end != '-' || pid <= 0)
        continue;
      if (kill ((pid_t) pid, 0) == 0 || errno != ESRCH)
        continue;
      g_debug ("removing stale namespace %s", name);
      run_ip (NULL, "netns", "delete", name, NULL);
    }
}

gboolean
tandem_test_netlink_supported (GError **error)
{
  g_autofree char *ip = g_find_program_in_path ("ip");

  if (ip == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "ip(8) is not installed (iproute2)");
      return FALSE;
    }
  if (geteuid () != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "network namespaces and TUN devices need root");
      return FALSE;
    }
  if (access ("/dev/net/tun", R_OK | W_OK) < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "/dev/net/tun: %s", g_strerror (errno));
      return FALSE;
    }
  /* root in a container may still lack CAP_NET_ADMIN/CAP_SYS_ADMIN:
   * try once */
  {
    static gsize probed;  /* 0 not yet, 1 works, 2 does not */
    static char *why;

    if (g_once_init_enter (&probed))
      {
        g_autoptr(GError) local = NULL;
        g_autofree char *name = g_strdup_printf ("t10-%d-probe", (int) getpid ());
        gsize result = 1;

        if (!run_ip (&local, "netns", "add", name, NULL))
          {
            why = g_strdup (local->message);
            result = 2;
          }
        else
          run_ip (NULL, "netns", "delete", name, NULL);
        g_once_init_leave (&probed, result);
      }
    if (probed == 2)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                     "cannot make a network namespace: %s", why);
        return FALSE;
      }
  }
  return TRUE;
}

/* ---- the forwarder ---------------------------------------------------------- */

typedef struct {
  gint64 due;            /* monotonic us */
  gsize  len;
  guint8 data[];
} Packet;

typedef struct {
  GQueue  line;          /* of Packet, in order of due time */
  gint64  busy_until;    /* rate-limited direction: end of the last serialisation */
} Direction;

struct _TandemTestNetlink {
  char      *netns[2];
  char      *address[2];
  char      *device;
  int        tun[2];
  int        wake[2];
  GThread   *thread;
  GMutex     lock;
  guint64    rate;       /* under lock */
  guint      delay_ms;
  guint      queue_ms;
  gint       stop;
  Direction  dir[2];     /* 0: near -> far, 1: far -> near (forwarder thread) */
  TandemTestNetlinkStats stats; /* under lock */
};

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

/* A packet read from tun[from] goes to the other side after its delay. */
static void
take_packet (TandemTestNetlink *self,
             int                from,
             const guint8      *data,
             gsize              len)
{
  Direction *d = &self->dir[from];
  gint64 now = now_us (), due;
  guint64 rate = 0;
  Packet *p;

  if (from == 0)
    {
      g_mutex_lock (&self->lock);
      rate = self->rate;
      g_mutex_unlock (&self->lock);
    }
  if (rate > 0)
    {
      gint64 start = MAX (now, d->busy_until);
      gint64 backlog = start - now;

      if (backlog > (gint64) self->queue_ms * 1000)
        {
          g_mutex_lock (&self->lock);
          self->stats.down_dropped++;
          g_mutex_unlock (&self->lock);
          return;
        }
      g_mutex_lock (&self->lock);
      self->stats.max_queue_ms = MAX (self->stats.max_queue_ms, (guint) (backlog / 1000));
      g_mutex_unlock (&self->lock);
      d->busy_until = start + (gint64) (len * 8 * G_USEC_PER_SEC / rate);
      due = d->busy_until + (gint64) self->delay_ms * 1000;
    }
  else
    due = now + (gint64) self->delay_ms * 1000;

  p = g_malloc (sizeof (Packet) + len);
  p->due = due;
  p->len = len;
  memcpy (p->data, data, len);
  g_queue_push_tail (&d->line, p);
}

static void
deliver_due (TandemTestNetlink *self,
             int                from,
             gint64             now)
{
  Direction *d = &self->dir[from];
  Packet *p;

  while ((p = g_queue_peek_head (&d->line)) != NULL && p->due <= now)
    {
      g_queue_pop_head (&d->line);
      /* a full TUN queue on the far side drops, as a link would */
      if (write (self->tun[1 - from], p->data, p->len) == (ssize_t) p->len)
        {
          g_mutex_lock (&self->lock);
          if (from == 0)
            {
              self->stats.down_bytes += p->len;
              self->stats.down_packets++;
            }
          else
            self->stats.up_bytes += p->len;
          g_mutex_unlock (&self->lock);
        }
      g_free (p);
    }
}

static gpointer
forwarder_thread (gpointer data)
{
  TandemTestNetlink *self = data;
  guint8 *buf = g_malloc (MAX_PACKET);

  while (!g_atomic_int_get (&self->stop))
    {
      struct pollfd fds[3] = {
        { self->tun[0], POLLIN, 0 }, { self->tun[1], POLLIN, 0 }, { self->wake[0], POLLIN, 0 },
      };
      gint64 now = now_us (), next = G_MAXINT64;
      struct timespec ts, *tsp = NULL;

      for (int i = 0; i < 2; i++)
        {
          Packet *p = g_queue_peek_head (&self->dir[i].line);

          if (p != NULL)
            next = MIN (next, p->due);
        }
      if (next != G_MAXINT64)
        {
          gint64 wait = MAX (0, next - now);

          ts.tv_sec = wait / G_USEC_PER_SEC;
          ts.tv_nsec = (wait % G_USEC_PER_SEC) * 1000;
          tsp = &ts;
        }
      if (ppoll (fds, 3, tsp, NULL) < 0 && errno != EINTR)
        break;
      if (fds[2].revents & POLLIN)
        break;
      for (int i = 0; i < 2; i++)
        {
          if (!(fds[i].revents & POLLIN))
            continue;
          /* drain what is there: a burst keeps its order */
          for (guint n = 0; n < 256; n++)
            {
              ssize_t len = read (self->tun[i], buf, MAX_PACKET);

              if (len <= 0)
                break;
              take_packet (self, i, buf, len);
            }
        }
      now = now_us ();
      deliver_due (self, 0, now);
      deliver_due (self, 1, now);
    }
  g_free (buf);
  return NULL;
}

/* ---- the link ------------------------------------------------------------------ */

static int
open_tun (const char *netns,
          const char *device,
          GError    **error)
{
  struct ifreq ifr = { 0 };
  int fd;

  /* the device is made in the namespace of the thread that opens it */
  if (!tandem_test_netns_enter (netns, error))
    return -1;
  fd = open ("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
  if (fd >= 0)
    {
      ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
      g_strlcpy (ifr.ifr_name, device, IFNAMSIZ);
      if (ioctl (fd, TUNSETIFF, &ifr) < 0)
        {
          int saved = errno;

          close (fd);
          fd = -1;
          errno = saved;
        }
    }
  if (fd < 0)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                 "TUN device %s in %s: %s", device, netns, g_strerror (errno));
  tandem_test_netns_leave ();
  return fd;
}

TandemTestNetlink *
tandem_test_netlink_new (guint64  down_bits_per_s,
                         guint    delay_ms,
                         guint    queue_ms,
                         GError **error)
{
  static gint counter;
  g_autoptr(TandemTestNetlink) self = NULL;
  int n = g_atomic_int_add (&counter, 1);

  if (!tandem_test_netlink_supported (error))
    return NULL;
  remove_stale ();

  self = g_new0 (TandemTestNetlink, 1);
  g_mutex_init (&self->lock);
  self->tun[0] = self->tun[1] = self->wake[0] = self->wake[1] = -1;
  self->rate = down_bits_per_s;
  self->delay_ms = delay_ms;
  self->queue_ms = queue_ms;
  self->address[0] = g_strdup (NEAR_ADDRESS);
  self->address[1] = g_strdup (FAR_ADDRESS);
  self->device = g_strdup_printf ("t10-%d", (int) getpid ());
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *local = g_strdup_printf ("%s/32", self->address[i]);
      const char *netns;

      self->netns[i] = g_strdup_printf ("t10-%d-%d%c", (int) getpid (), n, i == 0 ? 'a' : 'b');
      netns = self->netns[i];
      if (!run_ip (error, "netns", "add", netns, NULL))
        {
          g_clear_pointer (&self->netns[i], g_free);
          return NULL;
        }
      self->tun[i] = open_tun (netns, self->device, error);
      if (self->tun[i] < 0 ||
          !run_ip (error, "-n", netns, "link", "set", "lo", "up", NULL) ||
          !run_ip (error, "-n", netns, "addr", "add", local, "peer", self->address[1 - i],
                   "dev", self->device, NULL) ||
          !run_ip (error, "-n", netns, "link", "set", self->device, "up", NULL))
        return NULL;
    }
  if (pipe2 (self->wake, O_CLOEXEC | O_NONBLOCK) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "pipe: %s", g_strerror (errno));
      return NULL;
    }
  self->thread = g_thread_new ("netlink", forwarder_thread, self);
  g_debug ("link %s <-> %s: %" G_GUINT64_FORMAT " bit/s down, %u ms each way, %u ms queue",
           self->netns[0], self->netns[1], down_bits_per_s, delay_ms, queue_ms);
  return g_steal_pointer (&self);
}

void
tandem_test_netlink_set_rate (TandemTestNetlink *self,
                              guint64            down_bits_per_s)
{
  g_mutex_lock (&self->lock);
  self->rate = down_bits_per_s;
  g_mutex_unlock (&self->lock);
}

const char *
tandem_test_netlink_get_netns (TandemTestNetlink    *self,
                               TandemTestNetlinkSide side)
{
  return self->netns[side == TANDEM_TEST_NETLINK_NEAR ? 0 : 1];
}

const char *
tandem_test_netlink_get_address (TandemTestNetlink    *self,
                                 TandemTestNetlinkSide side)
{
  return self->address[side == TANDEM_TEST_NETLINK_NEAR ? 0 : 1];
}

void
tandem_test_netlink_get_stats (TandemTestNetlink      *self,
                               TandemTestNetlinkStats *stats)
{
  g_mutex_lock (&self->lock);
  *stats = self->stats;
  g_mutex_unlock (&self->lock);
}

void
tandem_test_netlink_free (TandemTestNetlink *self)
{
  if (self == NULL)
    return;
  if (self->thread != NULL)
    {
      g_atomic_int_set (&self->stop, 1);
      (void) !write (self->wake[1], "x", 1);
      g_thread_join (self->thread);
    }
  for (int i = 0; i < 2; i++)
    {
      g_queue_clear_full (&self->dir[i].line, g_free);
      if (self->tun[i] >= 0)
        close (self->tun[i]);
      if (self->wake[i] >= 0)
        close (self->wake[i]);
    }
  for (int i = 0; i < 2; i++)
    {
      if (self->netns[i] != NULL)
        {
          g_autoptr(GError) error = NULL;

          if (!run_ip (&error, "netns", "delete", self->netns[i], NULL))
            g_message ("%s", error->message);
        }
      g_free (self->netns[i]);
      g_free (self->address[i]);
    }
  g_free (self->device);
  g_mutex_clear (&self->lock);
  g_free (self);
}
