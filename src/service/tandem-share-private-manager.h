/* tandem-share-private-manager.h: how TandemManager makes TandemShares.
 * Never included outside src/service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-peer-keys.h"
#include "tandem-share.h"
#include "tandem-share-media.h"
#include "tandem-share-stack.h"

G_BEGIN_DECLS

TandemShare        *_tandem_share_new_outgoing (TandemShareStack              *stack,
                                                const TandemShareMediaOptions *options,
                                                const char                    *peer_address,
                                                gboolean                       sharer);
TandemShare        *_tandem_share_new_incoming (TandemShareStack              *stack,
                                                const TandemShareMediaOptions *options,
                                                TandemShareSession            *session,
                                                const TandemShareSdp          *offer);
TandemShareSession *_tandem_share_get_session  (TandemShare                   *self);
/* The verified keys (TandemManager's); before the share connects. */
void                _tandem_share_set_peer_keys (TandemShare                  *self,
                                                 TandemPeerKeys               *keys);

G_END_DECLS
