/* tandem-share-session.h: one screen-sharing SIP session (an INVITE whose
 * stream is RFB over MSRP), incoming or outgoing, as TandemShareStack
 * signals it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tandem-share-sdp.h"

G_BEGIN_DECLS

typedef enum {
  TANDEM_SHARE_SESSION_OFFERED,   /* incoming, ringing here */
  TANDEM_SHARE_SESSION_CALLING,   /* outgoing, INVITE sent */
  TANDEM_SHARE_SESSION_RINGING,   /* outgoing, 180 seen */
  TANDEM_SHARE_SESSION_ACTIVE,    /* 200 OK sent or received */
  TANDEM_SHARE_SESSION_ENDED,     /* BYE, CANCEL, decline: over */
  TANDEM_SHARE_SESSION_FAILED,    /* outgoing, a final error response */
} TandemShareSessionState;

#define TANDEM_TYPE_SHARE_SESSION_STATE (tandem_share_session_state_get_type ())
GType tandem_share_session_state_get_type (void) G_GNUC_CONST;

#define TANDEM_TYPE_SHARE_SESSION (tandem_share_session_get_type ())
G_DECLARE_FINAL_TYPE (TandemShareSession, tandem_share_session, TANDEM, SHARE_SESSION, GObject)

const char             *tandem_share_session_get_peer_address (TandemShareSession *self);
gboolean                tandem_share_session_is_incoming      (TandemShareSession *self);
TandemShareSessionState tandem_share_session_get_state        (TandemShareSession *self);
const TandemShareSdp   *tandem_share_session_get_remote_share (TandemShareSession *self);
const char             *tandem_share_session_get_remote_sdp   (TandemShareSession *self);
const char             *tandem_share_session_get_local_sdp    (TandemShareSession *self);
gboolean                tandem_share_session_has_audio        (TandemShareSession *self);
const char             *tandem_share_session_get_end_reason   (TandemShareSession *self);
guint                   tandem_share_session_get_status_code  (TandemShareSession *self);
const char             *tandem_share_session_get_call_id      (TandemShareSession *self);

G_END_DECLS
