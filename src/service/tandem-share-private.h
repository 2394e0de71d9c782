/* tandem-share-private.h: what TandemShareStack tells TandemShareSession.
 * Never included outside src/service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-share-session.h"

G_BEGIN_DECLS

TandemShareSession *_tandem_share_session_new            (const char              *peer_address,
                                                          gboolean                 incoming);
void                _tandem_share_session_set_state      (TandemShareSession      *self,
                                                          TandemShareSessionState  state);
void                _tandem_share_session_set_remote_sdp (TandemShareSession      *self,
                                                          const char              *sdp,
                                                          TandemShareSdp          *share,
                                                          gboolean                 has_audio);
void                _tandem_share_session_set_local_sdp  (TandemShareSession      *self,
                                                          const char              *sdp);
void                _tandem_share_session_set_end_reason (TandemShareSession      *self,
                                                          guint                    status_code,
                                                          const char              *reason);

void                _tandem_share_session_set_call_id    (TandemShareSession      *self,
                                                          const char              *call_id);

G_END_DECLS
