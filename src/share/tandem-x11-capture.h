/* tandem-x11-capture.h: TandemCapture for an X11 display: MIT-SHM grabs
 * driven by XDamage, cursor shapes from XFixes, monitors from XRandR, input
 * through XTest.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-capture.h"

G_BEGIN_DECLS

typedef enum {
  TANDEM_X11_CAPTURE_SCREEN,   /* the whole root window */
  TANDEM_X11_CAPTURE_MONITOR,  /* one XRandR monitor */
  TANDEM_X11_CAPTURE_WINDOW,   /* one window, followed as it moves; the rest is black */
} TandemX11CaptureScope;

#define TANDEM_TYPE_X11_CAPTURE (tandem_x11_capture_get_type ())
G_DECLARE_FINAL_TYPE (TandemX11Capture, tandem_x11_capture, TANDEM, X11_CAPTURE, GObject)

/* @display_name: NULL for $DISPLAY.  Nothing touches X before
 * tandem_capture_open(). */
TandemX11Capture     *tandem_x11_capture_new_screen  (const char       *display_name);
TandemX11Capture     *tandem_x11_capture_new_monitor (const char       *display_name,
                                                      int               monitor);
TandemX11Capture     *tandem_x11_capture_new_window  (const char       *display_name,
                                                      gulong            window);
TandemX11CaptureScope tandem_x11_capture_get_scope   (TandemX11Capture *self);

G_END_DECLS
