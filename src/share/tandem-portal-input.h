/* tandem-portal-input.h: remote control on Wayland: the xdg-desktop-portal
 * RemoteDesktop session that TandemPortalCapture asks for when control is
 * granted, and the viewer's pointer and keys sent to it.
 *
 * Main thread: new(), request_async() (the portal's dialog), is_active(),
 * close().  Any thread: queue_pointer(), queue_key(); the events go to the
 * portal from the main context, in order and paced (see the .c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libportal/portal.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_PORTAL_INPUT (tandem_portal_input_get_type ())
G_DECLARE_FINAL_TYPE (TandemPortalInput, tandem_portal_input, TANDEM, PORTAL_INPUT, GObject)

/* Events are sent from @main_context. */
TandemPortalInput *tandem_portal_input_new            (GMainContext        *main_context);
/* Asks @portal for pointer and keyboard; @window: the share is one window,
 * so the session streams a window too (the user picks it in the dialog)
 * and positions are the window's own. */
void               tandem_portal_input_request_async  (TandemPortalInput   *self,
                                                       XdpPortal           *portal,
                                                       XdpParent           *parent,
                                                       gboolean             window,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean           tandem_portal_input_request_finish (TandemPortalInput   *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
gboolean           tandem_portal_input_is_active      (TandemPortalInput   *self);
/* Ends the session; nothing queued or later is sent. */
void               tandem_portal_input_close          (TandemPortalInput   *self);

/* (x, y) on a picture of width x height; on a window, (offset_x, offset_y)
 * is where that picture starts in the window's stream. */
void               tandem_portal_input_queue_pointer  (TandemPortalInput   *self,
                                                       int                  x,
                                                       int                  y,
                                                       int                  width,
                                                       int                  height,
                                                       int                  offset_x,
                                                       int                  offset_y,
                                                       guint                button_mask);
void               tandem_portal_input_queue_key      (TandemPortalInput   *self,
                                                       gboolean             down,
                                                       guint32              keysym);

G_END_DECLS
