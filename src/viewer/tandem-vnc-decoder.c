/* tandem-vnc-decoder.c: the process that parses a remote screen.
 *
 * Anyone who can call can offer a screen, and libvncclient's decoders have
 * had many memory-safety bugs, so they do not run in Tandem's process.
 * TandemVncConnection starts this program with the RFB stream on fd 3 and
 * a control socket on fd 4 (tandem-vnc-decoder-protocol.h), and nothing
 * else: no display, no files, no network of its own.
 *
 * Before the first byte of the stream is read it confines itself: no new
 * privileges, and a seccomp filter that allows the few system calls
 * reading, decoding and handing over pixels need; opening a file, a socket
 * or a process, or mapping memory executable, kills it.  Tandem then sees
 * the control socket close and ends the view; its calls and other shares
 * carry on.
 *
 * The session itself (what is refused, where the pixels go) is in
 * tandem-vnc-decoder-session.c; this file is the process around it and
 * its socket to Tandem.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tandem-viewer-error.h"
#include "tandem-vnc-decoder-protocol.h"
#include "tandem-vnc-decoder-session.h"
#include "tandem-vnc-sandbox.h"

#define STREAM  TANDEM_DECODER_STREAM_FD
#define CONTROL TANDEM_DECODER_CONTROL_FD

/* ---- to Tandem ------------------------------------------------------------ */

static int
write_all (const void *data,
           size_t      len)
{
  const char *p = data;

  while (len > 0)
    {
      ssize_t n = write (CONTROL, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return 0;
      p += n;
      len -= n;
    }
  return 1;
}

/* Sends a message: @n_ints integers, then @bytes; @fd (>= 0) goes along. */
static int
send_message (uint32_t       type,
              const int32_t *ints,
              size_t         n_ints,
              const void    *bytes,
              size_t         n_bytes,
              int            fd)
{
  TandemDecoderHeader header = { type, (uint32_t) (n_ints * sizeof (int32_t) + n_bytes) };
  struct iovec iov[3] = {
    { &header, sizeof header },
    { (void *) ints, n_ints * sizeof (int32_t) },
    { (void *) bytes, n_bytes },
  };
  union {
    char           buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct msghdr msg = { 0 };
  size_t total = sizeof header + header.length;
  ssize_t n;

  msg.msg_iov = iov;
  msg.msg_iovlen = 3;
  if (fd >= 0)
    {
      struct cmsghdr *cmsg;

      memset (&control, 0, sizeof control);
      msg.msg_control = control.buf;
      msg.msg_controllen = sizeof control.buf;
      cmsg = CMSG_FIRSTHDR (&msg);
      cmsg->cmsg_level = SOL_SOCKET;
      cmsg->cmsg_type = SCM_RIGHTS;
      cmsg->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (cmsg), &fd, sizeof (int));
    }
  do
    n = sendmsg (CONTROL, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return 0;
  if ((size_t) n == total)
    return 1;
  /* The rest, without the fd (it went with the first byte). */
  {
    char *all = malloc (total);
    int ok;

    if (all == NULL)
      return 0;
    memcpy (all, &header, sizeof header);
    memcpy (all + sizeof header, ints, n_ints * sizeof (int32_t));
    if (n_bytes > 0)
      memcpy (all + sizeof header + n_ints * sizeof (int32_t), bytes, n_bytes);
    ok = write_all (all + n, total - n);
    free (all);
    return ok;
  }
}

int
main (int    argc,
      char **argv)
{
  const char *messages = getenv ("G_MESSAGES_DEBUG");
  int quality = argc > 1 ? atoi (argv[1]) : 0;

  tandem_vnc_decoder_session_set_debug (messages != NULL && (strstr (messages, "all") != NULL
                                                             || strstr (messages, "tandem-vnc") != NULL));
  signal (SIGPIPE, SIG_IGN);

  if (fcntl (STREAM, F_GETFD) < 0 || fcntl (CONTROL, F_GETFD) < 0)
    {
      fprintf (stderr, "tandem-vnc-decoder: run by Tandem only, with the stream on fd 3 and control on fd 4\n");
      return 2;
    }
  /* Before anything of the stream is read. */
  if (!tandem_vnc_sandbox_confine ())
    {
      int32_t ints[3] = { TANDEM_VIEWER_ERROR_FAILED, errno, 0 };

      send_message (TANDEM_DECODER_ENDED, ints, 3, NULL, 0, -1);
      return 1;
    }
  tandem_vnc_decoder_session_run (STREAM, CONTROL, quality, send_message);
  return 0;
}
