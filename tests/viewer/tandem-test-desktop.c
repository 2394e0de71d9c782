/* tandem-test-desktop.c: a busy desktop to share (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-desktop"

#include <stdlib.h>
#include <string.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include "tandem-test-desktop.h"

#define LINE_H 15

struct _TandemTestDesktop {
  Display       *dpy;
  Window         win;
  Window         probe;
  GC             gc;
  int            width, height;
  TandemTestRect term;
  guint          lines;
};

static const char *words[] = {
  "commit", "tandem", "relay", "window", "report", "byte-range", "kamailio", "viewer",
  "sharer", "update", "rectangle", "tight", "zrle", "framebuffer", "latency", "0x7f3a",
  "ERROR", "ok", "msrp://10.210.0.1:2855/abc;tcp", "--verbose", "make", "ninja", "[ 42%]",
};

static void
draw_line (TandemTestDesktop *self,
           int                y,
           guint              n)
{
  GRand *r = g_rand_new_with_seed (n * 7919 + 13);
  char line[160];
  gsize used = g_snprintf (line, sizeof line, "%05u ", n);

  while (used + 40 < 150)
    used += g_snprintf (line + used, sizeof line - used, "%s ",
                        words[g_rand_int_range (r, 0, G_N_ELEMENTS (words))]);
  g_rand_free (r);
  XSetForeground (self->dpy, self->gc, 0x101418);
  XFillRectangle (self->dpy, self->win, self->gc, self->term.x, y, self->term.width, LINE_H);
  XSetForeground (self->dpy, self->gc, n % 7 == 0 ? 0xff6060 : 0xd0d0d0);
  XDrawString (self->dpy, self->win, self->gc, self->term.x + 6, y + LINE_H - 3, line, strlen (line));
}

TandemTestDesktop *
tandem_test_desktop_new (const char *display,
                         int         width,
                         int         height)
{
  TandemTestDesktop *self = g_new0 (TandemTestDesktop, 1);
  XSetWindowAttributes attrs = { 0 };
  char *data = malloc ((gsize) width * height * 4);
  XImage *image;
  guint32 state = 0x2545f491u;
  int px = width * 3 / 5, py = height / 5, pw = width / 3, ph = height * 4 / 9;

  self->dpy = XOpenDisplay (display);
  g_assert (self->dpy != NULL);
  self->width = width;
  self->height = height;
  self->term = (TandemTestRect) { width / 24, height / 10, width / 2, (height * 7 / 10) / LINE_H * LINE_H };
  attrs.override_redirect = True;
  self->win = XCreateWindow (self->dpy, DefaultRootWindow (self->dpy), 0, 0, width, height, 0,
                             CopyFromParent, InputOutput, CopyFromParent, CWOverrideRedirect, &attrs);
  self->gc = XCreateGC (self->dpy, self->win, 0, NULL);
  XMapRaised (self->dpy, self->win);

  image = XCreateImage (self->dpy, DefaultVisual (self->dpy, 0), 24, ZPixmap, 0, data, width, height, 32, 0);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 v;

        if (x >= px && x < px + pw && y >= py && y < py + ph)
          {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            v = (((x * x / 97 + y) & 0xff) << 16) | (((y * 3 + x / 5) & 0xff) << 8)
                | ((x * y / 311) & 0xff);
            v ^= state & 0x0f0f0f;
          }
        else
          v = ((guint32) (40 + y * 80 / height) << 16) | ((guint32) (60 + x * 90 / width) << 8) | 120;
        XPutPixel (image, x, y, v);
      }
  XPutImage (self->dpy, self->win, self->gc, image, 0, 0, 0, 0, width, height);
  XDestroyImage (image);
  for (int i = 0; i < self->term.height / LINE_H; i++)
    draw_line (self, self->term.y + i * LINE_H, i);
  self->lines = self->term.height / LINE_H;
  XSync (self->dpy, False);
  return self;
}

void
tandem_test_desktop_scroll (TandemTestDesktop *self)
{
  TandemTestRect t = self->term;

  XCopyArea (self->dpy, self->win, self->win, self->gc, t.x, t.y + LINE_H, t.width, t.height - LINE_H,
             t.x, t.y);
  draw_line (self, t.y + t.height - LINE_H, self->lines++);
  XSync (self->dpy, False);
}

guint
tandem_test_desktop_get_lines (TandemTestDesktop *self)
{
  return self->lines;
}

TandemTestRect
tandem_test_desktop_get_terminal (TandemTestDesktop *self)
{
  return self->term;
}

void
tandem_test_desktop_show_probe (TandemTestDesktop *self,
                                int               *x,
                                int               *y)
{
  XSetWindowAttributes attrs = { 0 };
  int size = 64, px = self->width - 200, py = self->height - 150;

  if (self->probe == 0)
    {
      attrs.override_redirect = True;
      attrs.background_pixel = 0x000000;
      self->probe = XCreateWindow (self->dpy, DefaultRootWindow (self->dpy), px, py, size, size, 0,
                                   CopyFromParent, InputOutput, CopyFromParent,
                                   CWOverrideRedirect | CWBackPixel, &attrs);
      XMapRaised (self->dpy, self->probe);
      XSync (self->dpy, False);
    }
  *x = px + size / 2;
  *y = py + size / 2;
}

void
tandem_test_desktop_set_probe (TandemTestDesktop *self,
                               guint32            rgb)
{
  XSetWindowBackground (self->dpy, self->probe, rgb);
  XClearWindow (self->dpy, self->probe);
  XSync (self->dpy, False);
}

gsize
tandem_test_desktop_count_differences (TandemTestDesktop *self,
                                       const guint8      *pixels,
                                       int                stride,
                                       int                width,
                                       int                height)
{
  XImage *image;
  gsize bad = 0;

  if (width != self->width || height != self->height)
    return G_MAXSIZE;
  image = XGetImage (self->dpy, DefaultRootWindow (self->dpy), 0, 0, width, height, AllPlanes, ZPixmap);
  for (int y = 0; y < height; y++)
    {
      const guint32 *row = (const guint32 *) (pixels + (gsize) y * stride);

      if (image->bits_per_pixel == 32 && image->byte_order == LSBFirst)
        {
          /* the common case (Xvfb, 24-bit depth): straight from the rows */
          const guint32 *srow = (const guint32 *) (image->data + (gsize) y * image->bytes_per_line);

          for (int x = 0; x < width; x++)
            bad += ((row[x] ^ srow[x]) & 0xffffff) != 0;
        }
      else
        for (int x = 0; x < width; x++)
          bad += (row[x] & 0xffffff) != (XGetPixel (image, x, y) & 0xffffff);
    }
  XDestroyImage (image);
  return bad;
}

void
tandem_test_desktop_free (TandemTestDesktop *self)
{
  if (self == NULL)
    return;
  if (self->probe != 0)
    XDestroyWindow (self->dpy, self->probe);
  XFreeGC (self->dpy, self->gc);
  XDestroyWindow (self->dpy, self->win);
  XCloseDisplay (self->dpy);
  g_free (self);
}
