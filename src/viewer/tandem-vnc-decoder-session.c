/* tandem-vnc-decoder-session.c: one RFB session as tandem-vnc-decoder
 * runs it, on libvncclient: the checks before libvncclient reads a byte,
 * the callbacks that put the screen in a sealed memfd, and the messages
 * to Tandem (through a send function, so that the fuzz target can run
 * the very same session).  See tandem-vnc-decoder.c for why it is a
 * process of its own.
 *
 * What it refuses it says in an ENDED message with a TandemViewerError
 * code: RFB versions before 3.7 (where the server imposes the security
 * type, and MSLogon II or ARD made libvncclient do Diffie-Hellman on the
 * server's numbers: a zero modulus aborted the process), any security
 * type but None (the consent is the SIP call's), and screens above the
 * pixel budget.  The screen lives in a sealed memfd that Tandem maps
 * read-only; libvncclient decodes straight into it, and a REDRAW after
 * each finished update tells Tandem what to paint.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <rfb/rfbclient.h>

#include "tandem-viewer-error.h"
#include "tandem-vnc-decoder-protocol.h"
#include "tandem-rfb-quality.h"
#include "tandem-vnc-decoder-session.h"

static int debug;
static int stream = -1;
static int control = -1;
static TandemDecoderSend send_out;

/* The current screen: libvncclient's frameBuffer is this mapping. */
static int screen_fd = -1;
static void *screen;
static size_t screen_size;
static int announced;          /* CONNECTED sent */

/* why libvncclient failed, when known */
static int refusal;
static int refused_a, refused_b;

/* the bounding box of the update being read */
static int ux1, uy1, ux2, uy2;

static void
say (const char *format,
     ...)
{
  va_list args;

  if (!debug)
    return;
  va_start (args, format);
  fputs ("tandem-vnc-decoder: ", stderr);
  vfprintf (stderr, format, args);
  va_end (args);
  fflush (stderr);
}

static void
on_client_log (const char *format,
               ...)
{
  char buf[512];
  va_list args;

  va_start (args, format);
  vsnprintf (buf, sizeof buf, format, args);
  va_end (args);
  say ("libvncclient: %s", buf);
  /* ReadSupportedSecurityType() says so only in its log: no type offered
   * was in the client's list (None). */
  if (strncmp (buf, "Unknown authentication scheme", 29) == 0)
    refusal = TANDEM_VIEWER_ERROR_SECURITY;
}

/* ---- to Tandem ------------------------------------------------------------ */

static int
send_message (uint32_t       type,
              const int32_t *ints,
              size_t         n_ints,
              const void    *bytes,
              size_t         n_bytes,
              int            fd)
{
  return send_out (type, ints, n_ints, bytes, n_bytes, fd);
}

static void
send_ended (int code,
            int a,
            int b)
{
  int32_t ints[3] = { code, a, b };

  send_message (TANDEM_DECODER_ENDED, ints, 3, NULL, 0, -1);
}

/* ---- libvncclient callbacks ----------------------------------------------- */

static rfbBool
on_malloc_framebuffer (rfbClient *client)
{
  int w = client->width, h = client->height;
  size_t size;
  int fd;
  void *map;

  if (w <= 0 || h <= 0 || w > TANDEM_DECODER_MAX_SIDE || h > TANDEM_DECODER_MAX_SIDE
      || (int64_t) w * h > TANDEM_DECODER_MAX_PIXELS)
    {
      say ("refusing a remote screen of %dx%d (more than the pixel budget)\n", w, h);
      refusal = TANDEM_VIEWER_ERROR_TOO_LARGE;
      refused_a = w;
      refused_b = h;
      return FALSE;
    }
  size = (size_t) w * h * 4;
  fd = memfd_create ("tandem-remote-screen", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0 || ftruncate (fd, size) < 0
      || fcntl (fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0
      || (map = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED)
    {
      say ("no memory for a remote screen of %dx%d: %s\n", w, h, strerror (errno));
      if (fd >= 0)
        close (fd);
      refusal = TANDEM_VIEWER_ERROR_NO_MEMORY;
      refused_a = w;
      refused_b = h;
      return FALSE;
    }

  if (screen != NULL)
    munmap (screen, screen_size);
  if (screen_fd >= 0)
    close (screen_fd);
  screen = map;
  screen_size = size;
  screen_fd = fd;
  client->frameBuffer = map;
  ux1 = uy1 = INT32_MAX;
  ux2 = uy2 = -1;

  /* The first one goes with CONNECTED, once the handshake is done. */
  if (announced)
    {
      int32_t ints[2] = { w, h };

      if (!send_message (TANDEM_DECODER_RESIZED, ints, 2, NULL, 0, screen_fd))
        return FALSE;
      close (screen_fd);
      screen_fd = -1;
    }
  return TRUE;
}

static void
on_got_update (rfbClient *client,
               int        x,
               int        y,
               int        w,
               int        h)
{
  ux1 = ux1 < x ? ux1 : (x > 0 ? x : 0);
  uy1 = uy1 < y ? uy1 : (y > 0 ? y : 0);
  ux2 = ux2 > x + w ? ux2 : (x + w < client->width ? x + w : client->width);
  uy2 = uy2 > y + h ? uy2 : (y + h < client->height ? y + h : client->height);
}

static void
on_finished_update (rfbClient *client)
{
  if (ux2 > ux1 && uy2 > uy1)
    {
      int32_t ints[4] = { ux1, uy1, ux2 - ux1, uy2 - uy1 };

      send_message (TANDEM_DECODER_REDRAW, ints, 4, NULL, 0, -1);
    }
  ux1 = uy1 = INT32_MAX;
  ux2 = uy2 = -1;
}

static void
on_cursor_shape (rfbClient *client,
                 int        xhot,
                 int        yhot,
                 int        width,
                 int        height,
                 int        bytes_per_pixel)
{
  uint32_t *argb;

  if (width <= 0 || height <= 0 || width > TANDEM_DECODER_MAX_CURSOR
      || height > TANDEM_DECODER_MAX_CURSOR || bytes_per_pixel != 4
      || client->rcSource == NULL || client->rcMask == NULL)
    return;
  argb = malloc ((size_t) width * height * 4);
  if (argb == NULL)
    return;
  for (int i = 0; i < width * height; i++)
    argb[i] = client->rcMask[i] ? 0xff000000 | (((uint32_t *) client->rcSource)[i] & 0xffffff) : 0;
  {
    int32_t ints[4] = { xhot, yhot, width, height };

    send_message (TANDEM_DECODER_CURSOR, ints, 4, argb, (size_t) width * height * 4, -1);
  }
  free (argb);
}

static rfbBool
on_cursor_pos (rfbClient *client,
               int        x,
               int        y)
{
  return TRUE;
}

static void
on_cut_text (rfbClient  *client,
             const char *text,
             int         len)
{
  if (len >= 0 && len <= 1024 * 1024)
    send_message (TANDEM_DECODER_CUT_TEXT, NULL, 0, text, len, -1);
}

/* No VNC password or credential is ever given: the list of accepted
 * security types is None alone, so these run only if that were bypassed.
 * libvncclient's default would read a password from the terminal. */
static char *
on_get_password (rfbClient *client)
{
  refusal = TANDEM_VIEWER_ERROR_SECURITY;
  return NULL;
}

static rfbCredential *
on_get_credential (rfbClient *client,
                   int        credential_type)
{
  refusal = TANDEM_VIEWER_ERROR_SECURITY;
  return NULL;
}

/* Who picks the picture quality (tandem-rfb-quality.h): one of the two
 * Tandem pseudo-encodings goes with every SetEncodings. */
static int quality_encodings[2];
static rfbClientProtocolExtension quality_extension = { .encodings = quality_encodings };

/* @quality: -1 the sharer follows the measured throughput, 0 lossless,
 * 1-9 Tight JPEG of that level. */
static void
set_encodings (rfbClient *client,
               int        quality)
{
  static int registered;

  if (!registered)
    {
      rfbClientRegisterExtension (&quality_extension);
      registered = 1;
    }
  quality_encodings[0] = quality < 0 ? TANDEM_RFB_ENCODING_ADAPTIVE_QUALITY
                                     : TANDEM_RFB_ENCODING_PINNED_QUALITY;
  /* Raw is never asked for. */
  client->appData.encodingsString = "tight zrle zlib hextile copyrect";
  client->appData.enableJPEG = quality > 0;
  client->appData.qualityLevel = quality > 0 ? (quality > 9 ? 9 : quality) : 9;
  client->appData.compressLevel = 3;
  client->appData.useRemoteCursor = TRUE;
}

/* ---- from Tandem ---------------------------------------------------------- */

static char input[TANDEM_DECODER_MAX_PAYLOAD + sizeof (TandemDecoderHeader)];
static size_t input_len;

/* Reads what Tandem sent and passes it on; 0 when the view is closed. */
static int
read_input (rfbClient *client)
{
  ssize_t n = read (control, input + input_len, sizeof input - input_len);

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return 1;
  if (n <= 0)
    return 0;
  input_len += n;

  while (input_len >= sizeof (TandemDecoderHeader))
    {
      TandemDecoderHeader header;
      const int32_t *ints;
      size_t total;

      memcpy (&header, input, sizeof header);
      if (header.length > TANDEM_DECODER_MAX_PAYLOAD)
        return 0;
      total = sizeof header + header.length;
      if (input_len < total)
        break;
      ints = (const int32_t *) (input + sizeof header);
      if (client != NULL)
        switch (header.type)
          {
          case TANDEM_DECODER_POINTER:
            if (header.length == 12 && !SendPointerEvent (client, ints[0], ints[1], ints[2]))
              return 0;
            break;
          case TANDEM_DECODER_KEY:
            if (header.length == 8 && !SendKeyEvent (client, (uint32_t) ints[0], ints[1] != 0))
              return 0;
            break;
          case TANDEM_DECODER_CLIENT_CUT_TEXT:
            if (!SendClientCutText (client, input + sizeof header, (int) header.length))
              return 0;
            break;
          case TANDEM_DECODER_QUALITY:
            if (header.length == 4)
              {
                set_encodings (client, ints[0]);
                if (!SetFormatAndEncodings (client))
                  return 0;
              }
            break;
          default:
            break;
          }
      memmove (input, input + total, input_len - total);
      input_len -= total;
    }
  return 1;
}

/* ---- the RFB session ------------------------------------------------------ */

/* Looks at the server's ProtocolVersion before libvncclient reads it: the
 * 12 bytes are peeked, so they stay for rfbInitClient().  A server says
 * nothing more before the client answered, so this is all it can have
 * said.  RFB 3.3 to 3.6 (and UltraVNC's 3.14 and 3.16, which libvncclient
 * maps to 3.4 and 3.6) let the server impose any security type with no
 * list to filter; only 3.7 and later are accepted, where the client picks
 * from the server's list and SetClientAuthSchemes() leaves None alone.
 *
 * 0 with *code 0: Tandem closed the view while waiting. */
static int
check_server_version (int *code,
                      int *a,
                      int *b)
{
  char pv[12];
  ssize_t got;

  *code = 0;
  for (;;)
    {
      struct pollfd fds[2] = { { stream, POLLIN, 0 }, { control, POLLIN, 0 } };

      got = recv (stream, pv, 12, MSG_PEEK | MSG_DONTWAIT);
      if (got == 12)
        break;
      if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)
          || (got > 0 && memcmp (pv, "RFB ", got < 4 ? got : 4) != 0))
        {
          *code = got < 0 ? TANDEM_VIEWER_ERROR_BROKEN : TANDEM_VIEWER_ERROR_PROTOCOL;
          *a = *b = -1;
          return 0;
        }
      if (got > 0)
        {
          /* Part of it is there, so POLLIN would not wait for more: wait
           * for the peer's end instead (a stream cut inside the version
           * must end the session, not keep it peeking), or a while. */
          struct pollfd end = { stream, POLLRDHUP, 0 };

          if (poll (&end, 1, 10) > 0 && (end.revents & (POLLRDHUP | POLLHUP | POLLERR)))
            {
              got = recv (stream, pv, 12, MSG_PEEK | MSG_DONTWAIT);
              if (got == 12)
                break;
              *code = TANDEM_VIEWER_ERROR_PROTOCOL;
              *a = *b = -1;
              return 0;
            }
          if (control >= 0 && poll (fds + 1, 1, 0) > 0 && !read_input (NULL))
            return 0;
          continue;
        }
      if (poll (fds, control >= 0 ? 2 : 1, -1) > 0 && control >= 0
          && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) && !read_input (NULL))
        return 0;
    }

  for (int i = 4; i < 11; i++)
    if (i != 7 && (pv[i] < '0' || pv[i] > '9'))
      got = 0;
  if (got != 12 || memcmp (pv, "RFB ", 4) != 0 || pv[7] != '.' || pv[11] != '\n')
    {
      *code = TANDEM_VIEWER_ERROR_PROTOCOL;
      *a = *b = -1;
      return 0;
    }
  *a = (pv[4] - '0') * 100 + (pv[5] - '0') * 10 + (pv[6] - '0');
  *b = (pv[8] - '0') * 100 + (pv[9] - '0') * 10 + (pv[10] - '0');
  if (*a != 3 || *b < 7 || *b == 14 || *b == 16)
    {
      say ("refusing RFB %d.%d: the server would choose the security type\n", *a, *b);
      *code = TANDEM_VIEWER_ERROR_PROTOCOL;
      return 0;
    }
  return 1;
}

/* Resets what one session leaves behind (a fuzzer runs many). */
static void
session_end (void)
{
  if (screen != NULL)
    munmap (screen, screen_size);
  if (screen_fd >= 0)
    close (screen_fd);
  screen = NULL;
  screen_size = 0;
  screen_fd = -1;
  announced = 0;
  refusal = refused_a = refused_b = 0;
  input_len = 0;
}

void
tandem_vnc_decoder_session_run (int               stream_fd,
                                int               control_fd,
                                int               quality,
                                TandemDecoderSend send_fn)
{
  static const uint32_t no_auth_only[] = { rfbNoAuth, 0 };
  int code = 0, a = 0, b = 0;
  rfbClient *client;

  stream = stream_fd;
  control = control_fd;
  send_out = send_fn;
  rfbClientLog = on_client_log;
  rfbClientErr = on_client_log;

  if (!check_server_version (&code, &a, &b))
    {
      if (code != 0)
        send_ended (code, a, b);
      session_end ();
      return;
    }

  client = rfbGetClient (8, 3, 4);
  client->format.redShift = 16;
  client->format.greenShift = 8;
  client->format.blueShift = 0;
  client->format.bigEndian = FALSE;
  client->MallocFrameBuffer = on_malloc_framebuffer;
  client->GotFrameBufferUpdate = on_got_update;
  client->FinishedFrameBufferUpdate = on_finished_update;
  client->GotCursorShape = on_cursor_shape;
  client->HandleCursorPos = on_cursor_pos;
  client->GotXCutText = on_cut_text;
  client->GetPassword = on_get_password;
  client->GetCredential = on_get_credential;
  client->canHandleNewFBSize = TRUE;
  SetClientAuthSchemes (client, no_auth_only, -1);
  set_encodings (client, quality);
  client->sock = stream;
  client->listenSpecified = TRUE;

  /* Frees the client, and closes the stream, when it fails. */
  if (client->clientAuthSchemes == NULL || !rfbInitClient (client, NULL, NULL))
    {
      if (refusal == TANDEM_VIEWER_ERROR_TOO_LARGE || refusal == TANDEM_VIEWER_ERROR_NO_MEMORY)
        send_ended (refusal, refused_a, refused_b);
      else if (refusal == TANDEM_VIEWER_ERROR_SECURITY)
        send_ended (refusal, 0, 0);
      else
        send_ended (TANDEM_VIEWER_ERROR_PROTOCOL, -1, -1);
      session_end ();
      return;
    }

  {
    const char *name = client->desktopName != NULL ? client->desktopName : "";
    int32_t ints[2] = { client->width, client->height };

    if (screen_fd < 0
        || !send_message (TANDEM_DECODER_CONNECTED, ints, 2, name, strnlen (name, 1024), screen_fd))
      goto out;
    close (screen_fd);
    screen_fd = -1;
    announced = 1;
  }

  for (;;)
    {
      struct pollfd fds[2] = { { stream, POLLIN, 0 }, { control, POLLIN, 0 } };

      if (client->buffered == 0 && poll (fds, control >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
        {
          code = TANDEM_VIEWER_ERROR_BROKEN;
          break;
        }
      if (control >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) && !read_input (client))
        goto out;  /* closed by Tandem, or it went away: nobody to tell */
      if (client->buffered == 0 && !(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      if (client->buffered == 0)
        {
          char peek;
          ssize_t r = recv (stream, &peek, 1, MSG_PEEK | MSG_DONTWAIT);

          if (r == 0)
            break;  /* a clean end between messages */
          if (r < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        }
      if (!HandleRFBServerMessage (client))
        {
          code = refusal != 0 ? refusal : TANDEM_VIEWER_ERROR_BROKEN;
          a = refused_a;
          b = refused_b;
          break;
        }
    }
  send_ended (code, a, b);

out:
  client->frameBuffer = NULL;
  /* rfbClientCleanup() leaves the cursor shape behind (0.9.14). */
  free (client->rcSource);
  free (client->rcMask);
  client->rcSource = NULL;
  client->rcMask = NULL;
  rfbClientCleanup (client);  /* closes the stream */
  session_end ();
}

void
tandem_vnc_decoder_session_set_debug (int enabled)
{
  debug = enabled;
}
