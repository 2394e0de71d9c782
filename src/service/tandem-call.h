/* tandem-call.h: one audio call, incoming or outgoing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include "tandem-service-types.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_CALL (tandem_call_get_type ())
G_DECLARE_FINAL_TYPE (TandemCall, tandem_call, TANDEM, CALL, GObject)

const char      *tandem_call_get_peer_address  (TandemCall  *self);
const char      *tandem_call_get_peer_name     (TandemCall  *self);
gboolean         tandem_call_is_incoming       (TandemCall  *self);
TandemCallState  tandem_call_get_state         (TandemCall  *self);
const char      *tandem_call_get_end_reason    (TandemCall  *self);
guint            tandem_call_get_duration      (TandemCall  *self);
double           tandem_call_get_quality       (TandemCall  *self);
gboolean         tandem_call_get_muted         (TandemCall  *self);
TandemCallSecurity tandem_call_get_security    (TandemCall  *self);
const char      *tandem_call_get_security_code (TandemCall  *self);
gboolean         tandem_call_mark_verified     (TandemCall  *self,
                                                GError     **error);

gboolean         tandem_call_accept            (TandemCall  *self,
                                                GError     **error);
gboolean         tandem_call_decline           (TandemCall  *self,
                                                GError     **error);
gboolean         tandem_call_hang_up           (TandemCall  *self,
                                                GError     **error);
gboolean         tandem_call_hold              (TandemCall  *self,
                                                GError     **error);
gboolean         tandem_call_resume            (TandemCall  *self,
                                                GError     **error);
void             tandem_call_set_muted         (TandemCall  *self,
                                                gboolean     muted);
gboolean         tandem_call_send_dtmf         (TandemCall  *self,
                                                char         digit,
                                                GError     **error);

/* For TandemCalls; the gpointer is a LinphoneCall, the int its
 * LinphoneCallState, kept out of this header.  update() says whether the
 * call is over. */
TandemCall         *tandem_call_new_for                 (gpointer            linphone_call);
gboolean            tandem_call_update                  (TandemCall         *self,
                                                         int                 linphone_state);
/* Also for TandemCalls: what protects the media, read again (on a state
 * or encryption change); whether the peer's SDP offers a way to encrypt;
 * "Encrypt calls: always" for this call; declining an offer that cannot
 * be encrypted (488, Reason "Encrypted calls only"); an outgoing call
 * whose answer cannot encrypt, or a peer's update that drops encryption,
 * goes on unencrypted, or when encryption is required ends (FALSE). */
void                tandem_call_update_security         (TandemCall         *self);
gboolean            tandem_call_peer_can_encrypt        (TandemCall         *self);
void                tandem_call_refuse_unencrypted      (TandemCall         *self);
void                tandem_call_set_encryption_required (TandemCall         *self,
                                                         gboolean            required);
gboolean            tandem_call_settle_unencrypted_answer (TandemCall       *self);
gboolean            tandem_call_settle_remote_update    (TandemCall         *self);

G_END_DECLS
