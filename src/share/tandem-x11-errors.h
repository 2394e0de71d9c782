/* tandem-x11-errors.h: one X error trap for the share layer's displays.
 *
 * X errors on a display that is watched here are expected (a shared
 * window vanishes while we ask about it): they are recorded for the
 * thread that made the call, instead of ending the process.  Errors on
 * anyone else's display (GDK's) go to the handler that was there before.
 *
 *   tandem_x11_errors_watch (display);          after XOpenDisplay()
 *   tandem_x11_errors_reset ();
 *   if (!XGetWindowAttributes (display, w, &a) || tandem_x11_errors_last () != 0)
 *     ...                                        the window is gone
 *   tandem_x11_errors_unwatch (display);        before XCloseDisplay()
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <X11/Xlib.h>

G_BEGIN_DECLS

void tandem_x11_errors_watch   (Display *display);
void tandem_x11_errors_unwatch (Display *display);
/* The calling thread's last X error code on a watched display, 0 if none
 * since tandem_x11_errors_reset(). */
void tandem_x11_errors_reset   (void);
int  tandem_x11_errors_last    (void);

G_END_DECLS
