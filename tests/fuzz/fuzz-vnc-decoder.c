/* fuzz-vnc-decoder.c: libFuzzer target for the viewer's RFB client, run
 * the way tandem-vnc-decoder runs it: the input is what a hostile sharer
 * sends (server to client), written into a socketpair whose other end
 * goes to tandem_vnc_decoder_session_run(), the decoder's own session
 * code on libvncclient.  Messages for Tandem are checked the way
 * TandemVncConnection checks them, then dropped.
 *
 * Inputs up to 64 KiB fit the socket's buffer, so the whole stream is
 * written before the session starts and ends in EOF.
 *
 * libvncclient itself comes from Debian and is not instrumented: crashes
 * in it are found (as signals), but coverage guides only through Tandem's
 * code.  The seed corpus (corpus/rfb-server) holds the hostile streams of
 * /vnc-view/hostile and streams recorded from Tandem's and x11vnc's
 * servers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE

#include <assert.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tandem-vnc-decoder-protocol.h"
#include "tandem-vnc-decoder-session.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int ended;

static int
on_send (uint32_t       type,
         const int32_t *ints,
         size_t         n_ints,
         const void    *bytes,
         size_t         n_bytes,
         int            fd)
{
  switch (type)
    {
    case TANDEM_DECODER_CONNECTED:
    case TANDEM_DECODER_RESIZED:
      /* What Tandem maps must be within the budget. */
      assert (fd >= 0 && n_ints == 2);
      assert (ints[0] > 0 && ints[1] > 0 && ints[0] <= TANDEM_DECODER_MAX_SIDE
              && ints[1] <= TANDEM_DECODER_MAX_SIDE
              && (int64_t) ints[0] * ints[1] <= TANDEM_DECODER_MAX_PIXELS);
      break;
    case TANDEM_DECODER_REDRAW:
      assert (n_ints == 4 && ints[2] > 0 && ints[3] > 0);
      break;
    case TANDEM_DECODER_CURSOR:
      assert (n_ints == 4 && ints[2] > 0 && ints[3] > 0 && ints[2] <= TANDEM_DECODER_MAX_CURSOR
              && ints[3] <= TANDEM_DECODER_MAX_CURSOR && n_bytes == (size_t) ints[2] * ints[3] * 4);
      break;
    case TANDEM_DECODER_CUT_TEXT:
      assert (n_bytes <= 1024 * 1024);
      break;
    case TANDEM_DECODER_ENDED:
      assert (n_ints == 3);
      ended++;
      break;
    default:
      assert (!"unknown message");
    }
  return 1;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  int sv[2];

  if (size > 64 * 1024)
    return 0;
  signal (SIGPIPE, SIG_IGN);
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return 0;
  if (size > 0 && write (sv[0], data, size) != (ssize_t) size)
    {
      close (sv[0]);
      close (sv[1]);
      return 0;
    }
  shutdown (sv[0], SHUT_WR);
  ended = 0;
  tandem_vnc_decoder_session_run (sv[1], -1, 0, on_send);  /* closes sv[1] */
  /* Every session ends by saying how. */
  assert (ended == 1);
  close (sv[0]);
  return 0;
}
