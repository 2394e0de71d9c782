/* tandem-share-view.h: the other side's shared screen, in the
 * conversation beside the chat, with its state, Request Control, Detach,
 * Full Screen and Stop Viewing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "tandem-vnc-view.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_SHARE_VIEW (tandem_share_view_get_type ())
G_DECLARE_FINAL_TYPE (TandemShareView, tandem_share_view, TANDEM, SHARE_VIEW, GtkBox)

GtkWidget     *tandem_share_view_get_security        (TandemShareView *self);
GtkWidget     *tandem_share_view_new                 (const char      *peer_name);
const char    *tandem_share_view_get_peer_name       (TandemShareView *self);
void           tandem_share_view_set_peer_name       (TandemShareView *self,
                                                      const char      *peer_name);
/* Starts showing the RFB stream on @fd (connected, < 1024); the view
 * takes it.  Clears an earlier end. */
void           tandem_share_view_open_fd             (TandemShareView *self,
                                                      int              fd);
TandemVncView *tandem_share_view_get_vnc_view        (TandemShareView *self);
/* The sharer granted (TRUE) or revoked or refused (FALSE) control: input
 * is sent only while granted.  FALSE also ends a pending request, so
 * Request Control can be pressed again. */
void           tandem_share_view_set_control_granted (TandemShareView *self,
                                                      gboolean         granted);
gboolean       tandem_share_view_get_control_granted (TandemShareView *self);
/* Ended by a lost relay connection: offer Reconnect (signal "reconnect"). */
void           tandem_share_view_set_reconnectable   (TandemShareView *self,
                                                      gboolean         reconnectable);
/* The session is over (@reason may be NULL): closes the VNC view and says
 * why; only Stop Viewing is left to do. */
void           tandem_share_view_set_ended           (TandemShareView *self,
                                                      const char      *reason);
/* Detached: the screen is in its own window (closing it brings the screen
 * back into the pane). */
gboolean       tandem_share_view_get_detached        (TandemShareView *self);
void           tandem_share_view_set_detached        (TandemShareView *self,
                                                      gboolean         detached);
/* Full screen: in the detached window (detaching first when needed);
 * Escape leaves it, and a view detached only for full screen comes back. */
void           tandem_share_view_fullscreen          (TandemShareView *self);
gboolean       tandem_share_view_get_fullscreen      (TandemShareView *self);

/* Signals: "request-control" (the user pressed Request Control), "stop"
 * (Stop Viewing), "reconnect" (Reconnect); all without arguments. */

G_END_DECLS
