/* tandem-share.h: one screen share as the user sees it: who, which way,
 * its state, and control.  TandemShares creates them (outgoing from
 * tandem_shares_share_screen() / _request_screen(), incoming from the
 * share stack) and lists them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-share-media.h"
#include "tandem-share-stack.h"

G_BEGIN_DECLS

typedef enum {
  TANDEM_SHARE_PENDING,     /* incoming: waits for the user's Accept or Decline */
  TANDEM_SHARE_CALLING,     /* outgoing: waits for the peer's answer */
  TANDEM_SHARE_CONNECTING,  /* accepted: the MSRP stream is being set up */
  TANDEM_SHARE_ACTIVE,      /* the RFB stream flows */
  TANDEM_SHARE_ENDED,       /* over; see the end reason */
} TandemShareState;

#define TANDEM_TYPE_SHARE_STATE (tandem_share_state_get_type ())
GType tandem_share_state_get_type (void) G_GNUC_CONST;

#define TANDEM_TYPE_SHARE (tandem_share_get_type ())
G_DECLARE_FINAL_TYPE (TandemShare, tandem_share, TANDEM, SHARE, GObject)

const char       *tandem_share_get_peer_address     (TandemShare  *self);
/* The peer asked (incoming) or we did (outgoing). */
gboolean          tandem_share_is_incoming          (TandemShare  *self);
/* This side shows its screen (the VNC server); else it views. */
gboolean          tandem_share_is_sharer            (TandemShare  *self);
TandemShareState  tandem_share_get_state            (TandemShare  *self);
/* Why it ended, for people ("bob declined", "The connection was lost");
 * NULL while it runs. */
const char       *tandem_share_get_end_reason       (TandemShare  *self);
/* The viewer may control the sharer's screen. */
gboolean          tandem_share_get_control          (TandemShare  *self);
/* Sharer: the viewer asked for control and nobody answered yet. */
gboolean          tandem_share_get_control_requested (TandemShare *self);
gboolean          tandem_share_is_relayed           (TandemShare  *self);
/* The offer also had an audio stream (Blink's sessions do). */
gboolean          tandem_share_has_audio            (TandemShare  *self);
/* Once ACTIVE: the local end of the RFB stream, for TandemVncServer
 * (sharer) or TandemVncView (viewer); the caller owns it.  -1 after the
 * first call. */
int               tandem_share_steal_vnc_fd         (TandemShare  *self);

gboolean          tandem_share_accept               (TandemShare  *self,
                                                     GError      **error);
gboolean          tandem_share_decline              (TandemShare  *self,
                                                     GError      **error);
/* Either side, any time: CANCEL, BYE, and the stream closed. */
void              tandem_share_stop                 (TandemShare  *self);
/* Sharer: grant or revoke control (told to the peer). */
gboolean          tandem_share_set_control          (TandemShare  *self,
                                                     gboolean      control,
                                                     GError      **error);
/* Viewer: ask the sharer for control. */
gboolean          tandem_share_request_control      (TandemShare  *self,
                                                     GError      **error);

/* For TandemShares: a share over a new outgoing dialog, or over an
 * offered one; and the dialog of a share. */
TandemShare        *tandem_share_new_outgoing (TandemShareStack              *stack,
                                                const TandemShareMediaOptions *options,
                                                const char                    *peer_address,
                                                gboolean                       sharer);
TandemShare        *tandem_share_new_incoming (TandemShareStack              *stack,
                                                const TandemShareMediaOptions *options,
                                                TandemShareSession            *session,
                                                const TandemShareSdp          *offer);
TandemShareSession *tandem_share_get_session  (TandemShare                   *self);

G_END_DECLS
