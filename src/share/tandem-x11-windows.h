/* tandem-x11-windows.h: the top-level windows of an X11 display that a
 * user could choose to share (the "One window" choice of the share scope
 * dialog).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gulong  xid;    /* the client window: what "window:XID" in share-scope names */
  char   *title;  /* UTF-8, never NULL or empty */
} TandemX11Window;

void       tandem_x11_window_free   (TandemX11Window *window);

/* @display_name: NULL for $DISPLAY.  Returns the viewable, managed,
 * titled top-level windows, the topmost first: those of the window
 * manager's _NET_CLIENT_LIST_STACKING (or _NET_CLIENT_LIST); without a
 * window manager (no _NET_CLIENT_LIST, as on a bare Xvfb), the mapped
 * children of the root window that have a _NET_WM_NAME or WM_NAME.
 * Tiny windows (under 32 px either way), override-redirect windows
 * (menus, tooltips), docks and desktops are left out.  An array of
 * TandemX11Window, empty when the display cannot be opened (Wayland
 * without Xwayland, a lost display).  Blocks for a few round trips to the
 * X server; call it when the user asks for the list. */
GPtrArray *tandem_x11_list_windows  (const char      *display_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemX11Window, tandem_x11_window_free)

G_END_DECLS
