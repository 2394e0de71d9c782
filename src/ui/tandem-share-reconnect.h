/* tandem-share-reconnect.h: the shares a relay dropped, by peer, and
 * their Reconnect (TandemShareController's).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-manager.h"
#include "tandem-share-view.h"
#include "tandem-window.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_SHARE_RECONNECT (tandem_share_reconnect_get_type ())
G_DECLARE_FINAL_TYPE (TandemShareReconnect, tandem_share_reconnect, TANDEM, SHARE_RECONNECT, GObject)

/* Adds the action "reconnect-share" (the peer's address) to
 * @application, enabled while a dropped share is remembered; Reconnect
 * buttons activate it. */
TandemShareReconnect *tandem_share_reconnect_new       (GtkApplication       *application,
                                                        TandemShares         *shares);
/* @share ended with tandem_share_get_relay_lost(): offer Reconnect, on
 * @view (the viewer's ended view) or else in a bar of @window. */
void                  tandem_share_reconnect_add       (TandemShareReconnect *self,
                                                        TandemShare          *share,
                                                        const char           *peer_name,
                                                        TandemShareView      *view,
                                                        TandemWindow         *window);
/* An offer from a peer whose share in the same direction a relay dropped
 * less than two minutes ago: TRUE, and forgotten (the caller accepts it
 * without a prompt: the user agreed to that share already). */
gboolean              tandem_share_reconnect_take      (TandemShareReconnect *self,
                                                        TandemShare          *share);
/* Sets the share with @address up again, the same way (no chooser). */
gboolean              tandem_share_reconnect_run       (TandemShareReconnect *self,
                                                        const char           *address,
                                                        GError              **error);
gboolean              tandem_share_reconnect_is_empty  (TandemShareReconnect *self);

/* Signal "changed": a share was added or forgotten. */

G_END_DECLS
