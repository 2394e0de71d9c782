/* tandem-vnc-cursor.c: a captured cursor (ARGB, premultiplied) as
 * libvncserver's rich cursor, for TandemVncServer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>

#include "tandem-vnc-cursor.h"

rfbCursorPtr
tandem_vnc_cursor_new (const TandemCaptureCursor *c)
{
  int w = c->width, h = c->height, row_bytes = (w + 7) / 8;
  rfbCursorPtr cursor = calloc (1, sizeof *cursor);

  cursor->width = w;
  cursor->height = h;
  cursor->xhot = c->xhot;
  cursor->yhot = c->yhot;
  cursor->richSource = calloc (w * h, 4);
  cursor->alphaSource = calloc (w * h, 1);
  cursor->mask = calloc (row_bytes * h, 1);
  cursor->cleanup = cursor->cleanupMask = cursor->cleanupRichSource = TRUE;
  cursor->foreRed = cursor->foreGreen = cursor->foreBlue = 0xffff;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = c->pixels[y * w + x];
        guint a = p >> 24;
        guint r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

        if (a != 0 && a != 255)
          {
            r = MIN (255u, r * 255 / a);
            g = MIN (255u, g * 255 / a);
            b = MIN (255u, b * 255 / a);
          }
        ((guint32 *) cursor->richSource)[y * w + x] = (r << 16) | (g << 8) | b;
        cursor->alphaSource[y * w + x] = a;
        if (a >= 128)
          cursor->mask[y * row_bytes + x / 8] |= 0x80 >> (x % 8);
      }
  return cursor;
}
