/* tandem-vnc-decoder-protocol.h: what TandemVncConnection (in Tandem) and
 * tandem-vnc-decoder (the sandboxed process that runs libvncclient) say to
 * each other over their control socket.  Never included outside
 * src/viewer.
 *
 * A stream socket carries messages: a header (type, payload length, both
 * 32-bit, host order: both ends are the same machine and build) and the
 * payload, 32-bit integers then bytes.  A file descriptor travels with
 * CONNECTED and RESIZED (SCM_RIGHTS): a sealed memfd holding the remote
 * screen, width x height pixels of 4 bytes (cairo RGB24), that the decoder
 * writes and Tandem only maps for reading.
 *
 * The decoder is as untrusted as the stream it parses: Tandem checks every
 * message (sizes against the pixel budget, the memfd's size and seals,
 * rectangles against the screen), and a message that fails a check ends
 * the view as a decoder failure.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdint.h>

/* The decoder's end of the RFB stream and of the control socket. */
#define TANDEM_DECODER_STREAM_FD  3
#define TANDEM_DECODER_CONTROL_FD 4

/* The pixel budget.  The largest single screen sold is 8K (7680x4320,
 * 33.2 Mpx); three 4K monitors side by side (11520x2160, 24.9 Mpx) and two
 * 5K ones (10240x2880, 29.5 Mpx) fit under it too.  One side may be long
 * (a row of monitors), up to 16384, the largest X11 screen and GL texture
 * side.  A screen at the budget costs 133 MB of shared memory; the hostile
 * 16384x16384 ServerInit that this refuses cost 2.5 GB in-process. */
#define TANDEM_DECODER_MAX_SIDE   16384
#define TANDEM_DECODER_MAX_PIXELS (7680 * 4320)

/* Larger payloads end the view (cut text is bounded at 1 MiB). */
#define TANDEM_DECODER_MAX_PAYLOAD (2 * 1024 * 1024)

/* A cursor shape's largest side. */
#define TANDEM_DECODER_MAX_CURSOR 256

typedef struct {
  uint32_t type;
  uint32_t length;   /* of the payload that follows */
} TandemDecoderHeader;

/* decoder -> Tandem */
typedef enum {
  TANDEM_DECODER_CONNECTED = 1,  /* width, height; name bytes; + memfd */
  TANDEM_DECODER_RESIZED,        /* width, height; + memfd */
  TANDEM_DECODER_REDRAW,         /* x, y, width, height: finished update */
  TANDEM_DECODER_CURSOR,         /* xhot, yhot, width, height; ARGB32 pixels */
  TANDEM_DECODER_CUT_TEXT,       /* Latin-1 bytes */
  TANDEM_DECODER_ENDED,          /* code (TandemViewerError, 0: clean), a, b */
} TandemDecoderEvent;

/* Tandem -> decoder */
typedef enum {
  TANDEM_DECODER_POINTER = 100,  /* x, y, button mask */
  TANDEM_DECODER_KEY,            /* keysym, down */
  TANDEM_DECODER_CLIENT_CUT_TEXT,/* Latin-1 bytes */
  TANDEM_DECODER_QUALITY,        /* JPEG quality 1-9, 0: lossless, -1: the sharer picks */
} TandemDecoderInput;
