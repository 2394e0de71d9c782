/* tandem-share-stack.h: the SIP stack of screen sharing (belle-sip),
 * beside liblinphone's, registering the same account with its own Contact.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-service-types.h"
#include "tandem-share-sdp.h"
#include "tandem-share-session.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_SHARE_STACK (tandem_share_stack_get_type ())
G_DECLARE_FINAL_TYPE (TandemShareStack, tandem_share_stack, TANDEM, SHARE_STACK, GObject)

TandemShareStack       *tandem_share_stack_new           (const char        *identity,
                                                          const char        *proxy,
                                                          TandemTransport    transport,
                                                          const char        *bind_address,
                                                          const char        *root_ca);
void                    tandem_share_stack_set_password  (TandemShareStack  *self,
                                                          const char        *password);
void                    tandem_share_stack_set_ha1       (TandemShareStack  *self,
                                                          const char        *ha1);
void                    tandem_share_stack_set_instance_id (TandemShareStack *self,
                                                          const char        *uuid);
gboolean                tandem_share_stack_start         (TandemShareStack  *self,
                                                          GError           **error);
void                    tandem_share_stack_stop          (TandemShareStack  *self);

const char             *tandem_share_stack_get_identity  (TandemShareStack  *self);
const char             *tandem_share_stack_get_contact   (TandemShareStack  *self);
guint16                 tandem_share_stack_get_port      (TandemShareStack  *self);
TandemRegistrationState tandem_share_stack_get_state     (TandemShareStack  *self);
const char             *tandem_share_stack_get_state_message (TandemShareStack *self);
GStrv                   tandem_share_stack_dup_bindings  (TandemShareStack  *self);

/* The reason phrase of the 606 that refuses a plain TCP/MSRP offer where
 * TLS is required (before it rings). */
#define TANDEM_SHARE_PHRASE_TLS_REQUIRED "Encrypted Screen Sharing Required"

/* Outgoing; the session emits its own signals (tandem-share-session.h).
 * Incoming sessions arrive as ::share-offered, unanswered sessions of
 * other kinds (an audio call forked here too) as ::other-invite. */
TandemShareSession     *tandem_share_stack_invite        (TandemShareStack   *self,
                                                          const char         *peer,
                                                          const char         *offer_sdp,
                                                          GError            **error);

void                    tandem_share_stack_set_session_linger (TandemShareStack *self,
                                                          guint              seconds);

/* For TandemShareSession.  The gpointers are belle-sip objects (a
 * belle_sip_provider_t, a belle_sip_uri_t, a belle_sip_message_t, a
 * belle_sip_request_t), kept out of this header. */
gpointer                tandem_share_stack_get_provider  (TandemShareStack   *self);
gpointer                tandem_share_stack_get_outbound  (TandemShareStack   *self);
void                    tandem_share_stack_add_contact   (TandemShareStack   *self,
                                                          gpointer            message);
void                    tandem_share_stack_respond       (TandemShareStack   *self,
                                                          gpointer            request,
                                                          int                 code);

G_END_DECLS
