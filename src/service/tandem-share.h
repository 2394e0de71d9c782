/* tandem-share.h: one screen share as the user sees it: who, which way,
 * its state, and control.  TandemShares creates them (outgoing from
 * tandem_shares_share_screen() / _request_screen(), incoming from the
 * share stack) and lists them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-peer-keys.h"
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

/* How far the screen is protected on its way; known once ACTIVE. */
typedef enum {
  TANDEM_SHARE_ENCRYPTION_UNKNOWN,    /* not connected yet */
  TANDEM_SHARE_ENCRYPTION_NONE,       /* plain TCP */
  TANDEM_SHARE_ENCRYPTION_TO_RELAY,   /* TLS that ends at an MSRP relay (a Blink peer) */
  TANDEM_SHARE_ENCRYPTION_TLS,        /* TLS straight to the peer (a Blink peer) */
  TANDEM_SHARE_ENCRYPTION_END_TO_END, /* two Tandems: end to end, with a security code */
} TandemShareEncryption;

/* The peer's end-to-end key against what the user marked verified. */
typedef enum {
  TANDEM_SHARE_KEY_UNVERIFIED,
  TANDEM_SHARE_KEY_VERIFIED,
  TANDEM_SHARE_KEY_CHANGED,   /* another key was marked verified for this peer */
  TANDEM_SHARE_KEY_MISSING,   /* a key was marked verified for this peer, and this
                               * share is not end to end (a stripped a=tandem-e2e
                               * looks like this, as does the peer's move to Blink) */
} TandemShareKeyState;

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
/* Relayed, and the peer sends no end-to-end acknowledgements (REPORTs):
 * the sharer sends large changes in parts (property "unacked"). */
gboolean          tandem_share_is_unacked           (TandemShare  *self);
/* Ended because a relay dropped the stream's connection, on this side or
 * (told in the BYE) on the peer's: the end reason is "The connection
 * through the relay was lost", and the share may be set up again. */
gboolean          tandem_share_get_relay_lost       (TandemShare  *self);
/* The offer also had an audio stream (Blink's sessions do). */
gboolean          tandem_share_has_audio            (TandemShare  *self);
/* Once ACTIVE: the local end of the RFB stream, for TandemVncServer
 * (sharer) or TandemVncView (viewer); the caller owns it.  -1 after the
 * first call. */
TandemShareEncryption tandem_share_get_encryption  (TandemShare  *self);
/* End to end: "4F2A 91", the same on both sides unless someone is in the
 * middle; NULL otherwise.  Free it. */
char             *tandem_share_dup_security_code    (TandemShare  *self);
/* End to end only (UNVERIFIED otherwise); "key-state" is notified. */
TandemShareKeyState tandem_share_get_key_state      (TandemShare  *self);
/* Remembers (or forgets) this peer's current key as verified. */
void              tandem_share_set_key_verified     (TandemShare  *self,
                                                     gboolean      verified);
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
/* For TandemShares: the verified keys of the profile; before the share
 * connects. */
void                tandem_share_set_peer_keys (TandemShare                  *self,
                                                TandemPeerKeys               *keys);

G_END_DECLS
