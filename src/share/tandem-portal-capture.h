/* tandem-portal-capture.h: TandemCapture on Wayland (and in a Flatpak):
 * the xdg-desktop-portal ScreenCast session for the pixels, over a
 * PipeWire stream in shared memory, and a RemoteDesktop session for the
 * input, asked for only when control is granted.
 *
 * Main thread: new(), set_parent(), prepare_async() (the portal's picker),
 * request_input_async() (the portal's remote-control dialog), the
 * "failed" signal.  Server thread: the TandemCapture calls after open();
 * injected input is handed to the main thread, where the portal is
 * called.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libportal/portal.h>

#include "tandem-capture.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_PORTAL_CAPTURE (tandem_portal_capture_get_type ())
G_DECLARE_FINAL_TYPE (TandemPortalCapture, tandem_portal_capture, TANDEM, PORTAL_CAPTURE, GObject)

/* @restore_token: a token from an earlier share, or NULL (then the picker
 * shows).  @remember: ask the portal for a token to reuse (persist_mode
 * 2).  Signals come on the calling thread's default main context. */
TandemPortalCapture *tandem_portal_capture_new                 (const char          *restore_token,
                                                                gboolean             remember);
/* Takes @parent (the window the portal's dialogs belong to). */
void                 tandem_portal_capture_set_parent          (TandemPortalCapture *self,
                                                                XdpParent           *parent);
/* After prepare: the token to keep for the next share (NULL if none). */
const char          *tandem_portal_capture_get_restore_token   (TandemPortalCapture *self);
void                 tandem_portal_capture_request_input_async (TandemPortalCapture *self,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean             tandem_portal_capture_request_input_finish (TandemPortalCapture *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
gboolean             tandem_portal_capture_has_input           (TandemPortalCapture *self);

G_END_DECLS
