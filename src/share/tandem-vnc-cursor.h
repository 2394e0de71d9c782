/* tandem-vnc-cursor.h: a captured cursor as libvncserver wants it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <rfb/rfb.h>

#include "tandem-capture.h"

G_BEGIN_DECLS

/* A rich cursor (alpha unpremultiplied, mask at alpha >= 128) that
 * rfbSetCursor() takes and frees. */
rfbCursorPtr tandem_vnc_cursor_new (const TandemCaptureCursor *c);

G_END_DECLS
