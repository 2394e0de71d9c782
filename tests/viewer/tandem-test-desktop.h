/* tandem-test-desktop.h: a busy desktop on an X display, for the share
 * tests and benchmarks over slow links: a gradient wallpaper, a photo
 * (smooth shapes with grain, which no lossless encoder shrinks much) and a
 * terminal full of text, all on one override-redirect window that covers
 * the screen; tandem_test_desktop_scroll() scrolls one new line of text
 * into the terminal.  Compares a viewer's framebuffer with the screen.
 *
 * Call from one thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TandemTestDesktop TandemTestDesktop;

typedef struct {
  int x, y, width, height;
} TandemTestRect;

TandemTestDesktop *tandem_test_desktop_new            (const char        *display,
                                                       int                width,
                                                       int                height);
void               tandem_test_desktop_scroll         (TandemTestDesktop *self);
guint              tandem_test_desktop_get_lines      (TandemTestDesktop *self);
TandemTestRect     tandem_test_desktop_get_terminal   (TandemTestDesktop *self);
/* A small window whose colour tandem_test_desktop_set_probe() sets (for
 * change-to-pixels latency); its centre is returned in @x, @y. */
void               tandem_test_desktop_show_probe     (TandemTestDesktop *self,
                                                       int               *x,
                                                       int               *y);
void               tandem_test_desktop_set_probe      (TandemTestDesktop *self,
                                                       guint32            rgb);
/* Pixels of @pixels (32-bit xRGB rows of @stride bytes) that differ from
 * the screen; G_MAXSIZE if the size differs. */
gsize              tandem_test_desktop_count_differences (TandemTestDesktop *self,
                                                       const guint8      *pixels,
                                                       int                stride,
                                                       int                width,
                                                       int                height);
void               tandem_test_desktop_free           (TandemTestDesktop *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemTestDesktop, tandem_test_desktop_free)

G_END_DECLS
